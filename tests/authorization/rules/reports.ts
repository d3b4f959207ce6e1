import { anyone, type RuleSet } from "../rules.ts";

/** Progress reports: public to everyone, as the figures they sum are. */
export const reports: RuleSet = {
  rules: {
    "GET /reports": anyone(200),
    "GET /reports.pdf": anyone(200),
    "GET /authorities/:slug/reports": anyone(200),
    "GET /authorities/:slug/reports.pdf": anyone(200),
    "GET /api/v1/reports": anyone(200),
    "GET /api/v1/authorities/:authorityId/reports": anyone(200),
  },
};
