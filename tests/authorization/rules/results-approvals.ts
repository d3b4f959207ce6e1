import type { Rule, RuleSet } from "../rules.ts";
import { EMPTY_FORM, REGISTER_EDITOR, unknownTarget } from "../rules.ts";

/**
 * The second-approval amounts (src/modules/results/approval-amounts.*): the authority's ceiling,
 * read by its commissioners and administrators (platform administrators too) and set by its
 * administrators only — a commissioner or a platform administrator is refused by the service; a
 * contract's amount and its raises name an outcome contract the service looks up first (the
 * matrix's unknown one: 404 to everyone signed in).
 */
const api = "/api/v1/authorities/:authorityId/outcome-contracts";
const page = "/authorities/:slug/outcome-contracts";

/** The authority's own administrators; everyone else signed in is refused. */
const administrators =
  (ok: 200 | 400): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "authority-admin" && tenant === "own" ? ok : "denied";

export const resultsApprovals: RuleSet = {
  rules: {
    [`GET ${api}/approval-ceiling`]: REGISTER_EDITOR(200),
    // The matrix sets the default ceiling again: nothing changes.
    [`PUT ${api}/approval-ceiling`]: administrators(200),
    [`GET ${page}/approval-ceiling`]: REGISTER_EDITOR(200),
    [`POST ${page}/approval-ceiling`]: administrators(EMPTY_FORM),
    [`GET ${api}/:contractId/second-approval`]: unknownTarget,
    [`POST ${api}/:contractId/second-approval`]: unknownTarget,
    [`POST ${api}/:contractId/second-approval/raises/:raiseId/confirm`]: unknownTarget,
    [`POST ${api}/:contractId/second-approval/raises/:raiseId/refuse`]: unknownTarget,
    [`GET ${page}/:contractId/second-approval`]: unknownTarget,
    [`POST ${page}/:contractId/second-approval`]: unknownTarget,
    [`POST ${page}/:contractId/second-approval/raises/:raiseId/confirm`]: unknownTarget,
    [`POST ${page}/:contractId/second-approval/raises/:raiseId/refuse`]: unknownTarget,
  },
  apiBodies: {
    [`PUT ${api}/approval-ceiling`]: JSON.stringify({ ceilingPence: "2500000" }),
    [`POST ${api}/:contractId/second-approval`]: JSON.stringify({ secondApprovalAbovePence: "100000" }),
  },
};
