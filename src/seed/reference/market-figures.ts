/**
 * The market dashboards' figures (src/modules/market), computed for every public body once, when
 * a deployment is first seeded (after the demo data in demo mode) or first starts with the market
 * module: afterwards a job keeps each authority's up to date as its data changes, and
 * `openps market rebuild` computes them all again. Runs everywhere.
 */
import { seedFigures } from "../../modules/market/figures.service.ts";
import type { Seed } from "../seed.ts";

export const marketFiguresSeed: Seed = {
  name: "market-figures",
  description: "The market dashboards' figures, computed for every public body",
  demo: false,
  async run({ trx, clock }) {
    await seedFigures(trx, clock);
  },
};
