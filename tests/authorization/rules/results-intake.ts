/**
 * Payment by results — outcome contracts, participants and evidence, the provider's view,
 * performance and market share (src/modules/results/outcome-contracts.routes.ts). An authority's
 * lists are its commissioners' and administrators'; a provider's list its own people's; a route
 * naming an outcome contract looks it up first (the matrix's unknown one: 404 to everyone signed in).
 */
import type { RuleSet } from "../rules.ts";
import { EMPTY_FORM, INCOMPLETE_BODY, REGISTER_EDITOR, scoped, UNKNOWN, unknownTarget } from "../rules.ts";

const api = "/api/v1/authorities/:authorityId/outcome-contracts";
const page = "/authorities/:slug/outcome-contracts";

export const resultsIntake: RuleSet = {
  rules: {
    // Pages
    [`GET ${page}`]: REGISTER_EDITOR(200),
    [`GET ${page}/new`]: REGISTER_EDITOR(200),
    [`POST ${page}/new`]: REGISTER_EDITOR(EMPTY_FORM),
    [`GET ${page}/:contractId`]: unknownTarget,
    [`GET ${page}/:contractId/models/new`]: unknownTarget,
    [`POST ${page}/:contractId/models/new`]: unknownTarget,
    [`GET ${page}/:contractId/referrals`]: unknownTarget,
    [`POST ${page}/:contractId/referrals`]: unknownTarget,
    [`GET ${page}/:contractId/referrals/example.csv`]: unknownTarget,
    [`GET ${page}/:contractId/comparisons`]: unknownTarget,
    [`POST ${page}/:contractId/comparisons`]: unknownTarget,
    [`GET ${page}/:contractId/evidence`]: unknownTarget,
    [`POST ${page}/:contractId/evidence`]: unknownTarget,
    [`GET ${page}/:contractId/claims`]: unknownTarget,
    [`GET ${page}/:contractId/performance`]: unknownTarget,
    [`GET ${page}/:contractId/share`]: unknownTarget,
    [`POST ${page}/:contractId/share`]: unknownTarget,
    [`GET ${page}/:contractId/events/:eventId/withdraw`]: unknownTarget,
    [`POST ${page}/:contractId/events/:eventId/withdraw`]: unknownTarget,
    "GET /organisations/:id/outcome-contracts": scoped(200, "organisation-admin", "organisation-member"),
    // The JSON API
    [`GET ${api}`]: REGISTER_EDITOR(200),
    // The matrix sends no reference or programme.
    [`POST ${api}`]: REGISTER_EDITOR(INCOMPLETE_BODY),
    [`GET ${api}/:contractId`]: unknownTarget,
    [`POST ${api}/:contractId/models`]: unknownTarget,
    [`GET ${api}/:contractId/participants`]: unknownTarget,
    [`POST ${api}/:contractId/participants`]: unknownTarget,
    [`POST ${api}/:contractId/events`]: unknownTarget,
    [`POST ${api}/:contractId/events/:eventId/withdrawal`]: unknownTarget,
    [`GET ${api}/:contractId/claims`]: unknownTarget,
    [`GET ${api}/:contractId/performance`]: unknownTarget,
    [`POST ${api}/:contractId/share-shifts`]: unknownTarget,
    [`GET ${api}/:contractId/comparisons`]: unknownTarget,
    [`POST ${api}/:contractId/comparisons`]: unknownTarget,
    "GET /api/v1/organisations/:id/outcome-contracts": scoped(
      200,
      "organisation-admin",
      "organisation-member",
    ),
  },
  apiBodies: {
    [`POST ${api}/:contractId/models`]: JSON.stringify({
      kind: "tariff",
      definition: { kind: "tariff" },
      effectiveFrom: "2027-04-01",
    }),
    [`POST ${api}/:contractId/participants`]: JSON.stringify({
      participants: [{ reference: "MATRIX-1", paymentGroup: "jsa-18-24", referredOn: "2026-11-01" }],
    }),
    [`POST ${api}/:contractId/events`]: JSON.stringify({
      events: [
        { participant: "MATRIX-1", kind: "attachment", occurredOn: "2026-11-02", sourceRef: "matrix-1" },
      ],
    }),
    [`POST ${api}/:contractId/events/:eventId/withdrawal`]: JSON.stringify({ reason: "Matrix" }),
    [`POST ${api}/:contractId/comparisons`]: JSON.stringify({
      cohort: "1",
      metric: "reconviction-events",
      ratePer100Centi: 14250,
      groupSize: 1000,
      source: "Matrix",
    }),
    [`POST ${api}/:contractId/share-shifts`]: JSON.stringify({
      toContractId: UNKNOWN,
      shareBp: 100,
      effectiveFrom: "2026-12-01",
      reason: "Matrix",
    }),
  },
};
