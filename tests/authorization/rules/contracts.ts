import type { RuleSet } from "../rules.ts";
import { anyone, REGISTER_EDITOR, scoped, UNKNOWN, unknownTarget, unknownToken } from "../rules.ts";

const api = "/api/v1/authorities/:authorityId/contracts";
const page = "/authorities/:slug/contracts";
const period = "kpis/:position/periods/:period";

export const contracts: RuleSet = {
  rules: {
    // Pages
    "GET /contracts": anyone(200),
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/new`]: REGISTER_EDITOR(200),
    [`POST ${page}/new`]: unknownTarget,
    [`GET ${page}/:contractId`]: unknownToken,
    [`GET ${page}/:contractId/${period}/report`]: unknownTarget,
    [`POST ${page}/:contractId/${period}/report`]: unknownTarget,
    [`GET ${page}/:contractId/${period}/report/correct`]: unknownTarget,
    [`POST ${page}/:contractId/${period}/report/correct`]: unknownTarget,
    [`GET ${page}/:contractId/${period}/rating`]: unknownTarget,
    [`POST ${page}/:contractId/${period}/rating`]: unknownTarget,
    [`GET ${page}/:contractId/amend`]: unknownTarget,
    [`POST ${page}/:contractId/amend`]: unknownTarget,
    [`GET ${page}/:contractId/terminate`]: unknownTarget,
    [`POST ${page}/:contractId/terminate`]: unknownTarget,
    "GET /organisations/:id/contracts": scoped(200, "organisation-admin", "organisation-member"),
    // The JSON API
    "GET /api/v1/contracts": anyone(200),
    [`GET ${api}/ready`]: REGISTER_EDITOR(200),
    [`POST ${api}`]: unknownTarget,
    [`GET ${api}/:contractId`]: unknownToken,
    [`GET ${api}/:contractId/documents/:position`]: unknownToken,
    [`POST ${api}/:contractId/${period}/report`]: unknownTarget,
    [`PUT ${api}/:contractId/${period}/report`]: unknownTarget,
    [`POST ${api}/:contractId/${period}/rating`]: unknownTarget,
    [`POST ${api}/:contractId/amendments`]: unknownTarget,
    [`POST ${api}/:contractId/termination`]: unknownTarget,
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
    [`PUT ${api}/:contractId/${period}/report`]: JSON.stringify({ value: "96%" }),
    [`POST ${api}/:contractId/${period}/rating`]: JSON.stringify({ rating: "good", comment: "On target." }),
    [`POST ${api}/:contractId/amendments`]: JSON.stringify({ reason: "Matrix", scope: "More visits" }),
    [`POST ${api}/:contractId/termination`]: JSON.stringify({ reason: "Matrix", terminatedOn: "2027-06-30" }),
  },
};
