/** Demo data for The Community Right to Challenge (issue 4, items 6-9). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoChallengesSeed: Seed = {
  name: "demo-challenges",
  description: "Demo challenges",
  demo: true,
  async run() {},
};
