/** Demo data for Regulation of providers: registration, inspections and ratings, enforcement, profiles (issue 7). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoRegulationSeed: Seed = {
  name: "demo-regulation",
  description: "Demo regulation",
  demo: true,
  async run() {},
};
