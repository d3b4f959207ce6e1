import type { Rule, RuleSet } from "../rules.ts";
import { anyone, REGISTER_EDITOR, scoped, scopedUnknown, UNKNOWN, unknownToken } from "../rules.ts";

const api = "/api/v1/authorities/:authorityId/contracts";
const page = "/authorities/:slug/contracts";
const period = "kpis/:position/periods/:period";
const manager = scopedUnknown("commissioner", "authority-admin");

/**
 * Reporting against a KPI: the supplier's own people (an organisation's administrators and members;
 * the contract is then not found); anyone else is refused, platform administrators included.
 */
const supplier: Rule = (who) =>
  who === "public"
    ? "sign-in"
    : who === "organisation-admin" || who === "organisation-member"
      ? "invisible"
      : "denied";

export const contracts: RuleSet = {
  rules: {
    // Pages
    "GET /contracts": anyone(200),
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/new`]: REGISTER_EDITOR(200),
    [`POST ${page}/new`]: manager,
    [`GET ${page}/:contractId`]: unknownToken,
    [`GET ${page}/:contractId/${period}/report`]: supplier,
    [`POST ${page}/:contractId/${period}/report`]: supplier,
    [`GET ${page}/:contractId/${period}/rating`]: manager,
    [`POST ${page}/:contractId/${period}/rating`]: manager,
    [`GET ${page}/:contractId/amend`]: manager,
    [`POST ${page}/:contractId/amend`]: manager,
    [`GET ${page}/:contractId/terminate`]: manager,
    [`POST ${page}/:contractId/terminate`]: manager,
    "GET /organisations/:id/contracts": scoped(200, "organisation-admin", "organisation-member"),
    // The JSON API
    "GET /api/v1/contracts": anyone(200),
    [`GET ${api}/ready`]: REGISTER_EDITOR(200),
    [`POST ${api}`]: manager,
    [`GET ${api}/:contractId`]: unknownToken,
    [`GET ${api}/:contractId/documents/:position`]: unknownToken,
    [`POST ${api}/:contractId/${period}/report`]: supplier,
    [`POST ${api}/:contractId/${period}/rating`]: manager,
    [`POST ${api}/:contractId/amendments`]: manager,
    [`POST ${api}/:contractId/termination`]: manager,
    "GET /api/v1/organisations/:id/contracts": scoped(200, "organisation-admin", "organisation-member"),
  },
  apiBodies: {
    [`POST ${api}`]: JSON.stringify({
      awardId: UNKNOWN,
      title: "Entered by the authorisation matrix test",
      startsOn: "2027-04-01",
      endsOn: "2030-03-31",
      paymentMechanism: "fixed",
    }),
    [`POST ${api}/:contractId/${period}/report`]: JSON.stringify({ value: "96%" }),
    [`POST ${api}/:contractId/${period}/rating`]: JSON.stringify({ rating: "good", comment: "On target." }),
    [`POST ${api}/:contractId/amendments`]: JSON.stringify({ reason: "Matrix", scope: "More visits" }),
    [`POST ${api}/:contractId/termination`]: JSON.stringify({ reason: "Matrix", terminatedOn: "2027-06-30" }),
  },
};
