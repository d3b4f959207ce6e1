import {
  type Allowed,
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  OWN_ORG,
  REGISTER_EDITOR,
  type Rule,
  type RuleSet,
  scoped,
  UNKNOWN,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

/** A provider's own arrangements: its administrators and members; no platform reach (they concern people). */
const PROVIDER_PEOPLE =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public"
      ? "sign-in"
      : (who === "organisation-admin" || who === "organisation-member") && tenant === "own"
        ? ok
        : "denied";

export const choice: RuleSet = {
  rules: {
    // Approved-provider lists: the public index, an authority's lists, a list and its comparison
    "GET /choice": anyone(200),
    "GET /authorities/:slug/choice": anyone(200),
    "GET /authorities/:slug/choice/:listId": unknownToken,
    "GET /authorities/:slug/choice/:listId/compare": unknownToken,
    // The authority's editors: drafting, publishing, closing
    "GET /authorities/:slug/choice/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/choice/new": REGISTER_EDITOR(EMPTY_FORM),
    "POST /authorities/:slug/choice/:listId/publish": unknownTarget,
    "GET /authorities/:slug/choice/:listId/close": unknownTarget,
    "POST /authorities/:slug/choice/:listId/close": unknownTarget,
    // Providers: joining, their offer, leaving, their own lists
    "GET /authorities/:slug/choice/:listId/join": unknownTarget,
    "POST /authorities/:slug/choice/:listId/join": unknownTarget,
    "GET /authorities/:slug/choice/:listId/members/:organisationId/offer": unknownTarget,
    "POST /authorities/:slug/choice/:listId/members/:organisationId/offer": unknownTarget,
    "POST /authorities/:slug/choice/:listId/members/:organisationId/leave": unknownTarget,
    // Lists from a tender's award: the authority's editors draft one and enter contracted prices
    "GET /authorities/:slug/choice/from-award": REGISTER_EDITOR(200),
    "POST /authorities/:slug/choice/from-award": REGISTER_EDITOR(EMPTY_FORM),
    "GET /authorities/:slug/choice/:listId/members/:organisationId/contracted-price": unknownTarget,
    "POST /authorities/:slug/choice/:listId/members/:organisationId/contracted-price": unknownTarget,
    "GET /organisations/:id/choice": scoped(200, "organisation-admin", "organisation-member"),
    // The API
    "GET /api/v1/choice/lists": anyone(200),
    "GET /api/v1/authorities/:authorityId/choice/lists/:listId": unknownToken,
    "GET /api/v1/authorities/:authorityId/choice/lists/:listId/compare": unknownToken,
    "POST /api/v1/authorities/:authorityId/choice/lists": REGISTER_EDITOR(INCOMPLETE_BODY),
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/publish": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/close": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/members": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/leave": unknownTarget,
    "PUT /api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/offer": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/from-award": REGISTER_EDITOR(INCOMPLETE_BODY),
    "PUT /api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/contracted-price":
      unknownTarget,
    // Arrangements and choice not available: each names a person, an arrangement or a record the
    // service looks up first (404 for the matrix's unknown one); a provider's own arrangements
    "GET /authorities/:slug/people/:personId/arrangements/new": unknownTarget,
    "POST /authorities/:slug/people/:personId/arrangements/new": unknownTarget,
    "GET /authorities/:slug/arrangements/:arrangementId": unknownTarget,
    "POST /authorities/:slug/arrangements/:arrangementId/accept": unknownTarget,
    "GET /authorities/:slug/arrangements/:arrangementId/decline": unknownTarget,
    "POST /authorities/:slug/arrangements/:arrangementId/decline": unknownTarget,
    "GET /authorities/:slug/arrangements/:arrangementId/end": unknownTarget,
    "POST /authorities/:slug/arrangements/:arrangementId/end": unknownTarget,
    "GET /organisations/:id/arrangements": PROVIDER_PEOPLE(200),
    "GET /authorities/:slug/people/:personId/choice-not-available/new": unknownTarget,
    "POST /authorities/:slug/people/:personId/choice-not-available/new": unknownTarget,
    "GET /authorities/:slug/choice-not-available/:recordId": unknownTarget,
    "GET /authorities/:slug/choice-not-available/:recordId/answer": unknownTarget,
    "POST /authorities/:slug/choice-not-available/:recordId/answer": unknownTarget,
    "GET /api/v1/authorities/:authorityId/people/:personId/choice": unknownTarget,
    "POST /api/v1/authorities/:authorityId/people/:personId/arrangements": unknownTarget,
    "GET /api/v1/authorities/:authorityId/arrangements/:arrangementId": unknownTarget,
    "POST /api/v1/authorities/:authorityId/arrangements/:arrangementId/accept": unknownTarget,
    "POST /api/v1/authorities/:authorityId/arrangements/:arrangementId/decline": unknownTarget,
    "POST /api/v1/authorities/:authorityId/arrangements/:arrangementId/end": unknownTarget,
    "GET /api/v1/organisations/:id/arrangements": PROVIDER_PEOPLE(200),
    "POST /api/v1/authorities/:authorityId/people/:personId/choice-not-available": unknownTarget,
    "GET /api/v1/authorities/:authorityId/choice-not-available/:recordId": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice-not-available/:recordId/answer": unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/people/:personId/arrangements": JSON.stringify({
      planId: UNKNOWN,
      paidFrom: "direct-payment",
      organisationId: OWN_ORG,
      description: "Arranged by the authorisation matrix test.",
      unitsPerWeek: "1",
      startsOn: "2026-12-01",
    }),
    "POST /api/v1/authorities/:authorityId/arrangements/:arrangementId/decline": JSON.stringify({
      reason: "Declined by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/arrangements/:arrangementId/end": JSON.stringify({
      endsOn: "2026-12-31",
      reason: "Ended by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/people/:personId/choice-not-available": JSON.stringify({
      categoryCode: "domiciliary-care",
      areaCode: "E06000001",
      tried: "Recorded by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/choice-not-available/:recordId/answer": JSON.stringify({
      outcome: "other",
      answer: "Answered by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/close": JSON.stringify({
      reason: "Closed by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/members": JSON.stringify({
      organisationId: OWN_ORG,
    }),
  },
};
