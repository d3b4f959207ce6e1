/** Demo evaluation, awards, standstill and challenges (issue 6). Fictional data; fixed ids. */
import type { Seed } from "../seed.ts";

export const demoEvaluationSeed: Seed = {
  name: "demo-evaluation",
  description: "Demo tenders in evaluation, in standstill, challenged, and awarded with standstill over",
  demo: true,
  async run() {},
};
