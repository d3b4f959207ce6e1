/**
 * Sample audits of outcome contracts (src/modules/results/audits.*): every route names an outcome
 * contract the service looks up first (404 for the matrix's unknown one), then decides who may see
 * it (the authority's commissioners and administrators, the provider's people) and act on it (the
 * commissioners and administrators).
 */
import { type RuleSet, unknownTarget } from "../rules.ts";

const api = "/api/v1/authorities/:authorityId/outcome-contracts/:contractId/audits";
const pages = "/authorities/:slug/outcome-contracts/:contractId/audits";

export const resultsAudits: RuleSet = {
  rules: {
    [`GET ${api}`]: unknownTarget,
    [`POST ${api}`]: unknownTarget,
    [`GET ${api}/:auditId`]: unknownTarget,
    [`POST ${api}/:auditId/findings`]: unknownTarget,
    [`POST ${api}/:auditId/conclude`]: unknownTarget,
    [`GET ${pages}`]: unknownTarget,
    [`GET ${pages}/new`]: unknownTarget,
    [`POST ${pages}/new`]: unknownTarget,
    [`GET ${pages}/:auditId`]: unknownTarget,
    [`GET ${pages}/:auditId/items/:item`]: unknownTarget,
    [`POST ${pages}/:auditId/items/:item`]: unknownTarget,
    [`POST ${pages}/:auditId/conclude`]: unknownTarget,
  },
  apiBodies: {
    [`POST ${api}`]: JSON.stringify({ period: "2027-01", sampleSize: 5 }),
    [`POST ${api}/:auditId/findings`]: JSON.stringify({
      participantId: "019a0000-0000-7000-8000-0000000fffff",
      rule: "job-outcome",
      metric: "",
      seq: 1,
      found: "0",
    }),
  },
};
