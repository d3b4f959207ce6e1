/** Demo compliance check of the opened demo tender's bids (issue 5, item 7). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoComplianceSeed: Seed = {
  name: "demo-compliance",
  description: "Demo compliance check of opened bids",
  demo: true,
  async run() {},
};
