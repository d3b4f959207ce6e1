/** Demo data for Tenders and sealed electronic bids (issue 5). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoTendersSeed: Seed = {
  name: "demo-tenders",
  description: "Demo tenders",
  demo: true,
  async run() {},
};
