import { CHARTS } from "../../../src/modules/market/charts.ts";
import { THEMES } from "../../../src/modules/market/market.service.ts";
import { anyone, type RuleSet } from "../rules.ts";

/** The market dashboards, their CSV files and their figures as JSON: public to everyone. */
export const market: RuleSet = {
  rules: {
    "GET /market": anyone(200),
    ...Object.fromEntries(THEMES.map((theme) => [`GET /market/${theme}`, anyone(200)])),
    ...Object.fromEntries(Object.keys(CHARTS).map((chart) => [`GET /market/${chart}.csv`, anyone(200)])),
    ...Object.fromEntries(THEMES.map((theme) => [`GET /api/v1/market/${theme}`, anyone(200)])),
  },
};
