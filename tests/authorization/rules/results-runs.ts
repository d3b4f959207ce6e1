import type { RuleSet } from "../rules.ts";
import { unknownTarget } from "../rules.ts";

/**
 * Payment runs and the ledger (src/modules/results/runs.*): every route names an outcome contract the
 * service looks up first — the matrix's unknown one, so 404 for everyone signed in (then, for a real
 * one, 403 to the provider's people on the commissioners' actions: src/modules/results/runs.test.ts).
 */
const api = "/api/v1/authorities/:authorityId/outcome-contracts/:contractId";
const page = "/authorities/:slug/outcome-contracts/:contractId";

export const resultsRuns: RuleSet = {
  rules: {
    [`GET ${api}/runs`]: unknownTarget,
    [`POST ${api}/runs`]: unknownTarget,
    [`GET ${api}/runs/:runId`]: unknownTarget,
    [`POST ${api}/runs/:runId/compute`]: unknownTarget,
    [`POST ${api}/runs/:runId/approve`]: unknownTarget,
    [`POST ${api}/runs/:runId/pay`]: unknownTarget,
    [`POST ${api}/runs/:runId/cancel`]: unknownTarget,
    [`GET ${api}/ledger`]: unknownTarget,
    [`POST ${api}/ledger/corrections`]: unknownTarget,
    [`GET ${page}/runs`]: unknownTarget,
    [`POST ${page}/runs`]: unknownTarget,
    [`GET ${page}/runs/:runId`]: unknownTarget,
    [`POST ${page}/runs/:runId/compute`]: unknownTarget,
    [`POST ${page}/runs/:runId/approve`]: unknownTarget,
    [`POST ${page}/runs/:runId/pay`]: unknownTarget,
    [`GET ${page}/runs/:runId/cancel`]: unknownTarget,
    [`POST ${page}/runs/:runId/cancel`]: unknownTarget,
    [`GET ${page}/payments`]: unknownTarget,
    [`POST ${page}/payments`]: unknownTarget,
    [`POST ${api}/ledger/corrections/:correctionId/approve`]: unknownTarget,
    [`POST ${page}/payments/corrections/:correctionId/approve`]: unknownTarget,
  },
  apiBodies: {
    [`POST ${api}/runs`]: JSON.stringify({ month: "2026-09" }),
    [`POST ${api}/runs/:runId/cancel`]: JSON.stringify({ reason: "Matrix cancellation" }),
    [`POST ${api}/ledger/corrections`]: JSON.stringify({ amount: "-10.00", reason: "Matrix correction" }),
  },
};
