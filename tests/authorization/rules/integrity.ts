import { anyone, type RuleSet } from "../rules.ts";

/** Integrity indicators: public to everyone, as the processes they are raised on are. */
export const integrity: RuleSet = {
  rules: {
    "GET /integrity": anyone(200),
    "GET /authorities/:slug/integrity": anyone(200),
    "GET /api/v1/integrity/indicators": anyone(200),
    "GET /api/v1/authorities/:authorityId/integrity": anyone(200),
    // The matrix gives no ocid: the query requires one.
    "GET /api/v1/integrity/flags": anyone(400),
  },
};
