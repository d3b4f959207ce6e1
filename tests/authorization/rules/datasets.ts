import { anyone, type RuleSet } from "../rules.ts";

/**
 * Every open dataset: public to everyone. The matrix asks for the public bodies' dataset (its page
 * and both downloads), so that each answers as it is; an unknown dataset is 404 (datasets.test.ts).
 */
export const datasets: RuleSet = {
  rules: {
    "GET /open-data": anyone(200),
    "GET /open-data/:dataset": anyone(200),
    "GET /open-data/:dataset.csv": anyone(200),
    "GET /open-data/:dataset.json": anyone(200),
    "GET /data.json": anyone(200),
  },
};
