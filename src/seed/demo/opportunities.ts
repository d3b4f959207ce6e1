/** Demo saved searches (issue 5, item 3). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoOpportunitiesSeed: Seed = {
  name: "demo-opportunities",
  description: "Demo saved searches with alerts",
  demo: true,
  async run() {},
};
