/** Demo data for Consultations on a service's shape and on policy (issue 4, item 5). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoConsultationsSeed: Seed = {
  name: "demo-consultations",
  description: "Demo consultations",
  demo: true,
  async run() {},
};
