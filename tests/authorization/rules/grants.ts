import { DEMO_ORGANISATION } from "../../../src/seed/demo/users.ts";
import type { RuleSet } from "../rules.ts";
import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  ORG_ADMIN,
  REGISTER_EDITOR,
  type Rule,
  unknownTarget,
} from "../rules.ts";

/**
 * Grants (src/modules/grants): programmes and their 360Giving data are public; an authority's
 * commissioners and administrators, or an organisation's administrators, set up its programmes
 * (the matrix sends no body: 400 once let in); the routes naming a programme or an application look
 * it up first (the matrix's unknown one: 404 to everyone signed in, and to the public on the public
 * programme's page). The programme form (/grants/new) is for those who act for a funder — an
 * authority's commissioners and administrators, an organisation's administrators — for their own
 * (platform administrators set programmes up through the API); an adviser's offer is set by the
 * organisation's administrators alone (platform administrators do not act for an organisation), and
 * read by anyone (neither demo organisation the matrix names offers advice: 404).
 */
const funders =
  (ok: 200 | 400): Rule =>
  (who) =>
    who === "public"
      ? "sign-in"
      : ["commissioner", "authority-admin", "organisation-admin"].includes(who)
        ? ok
        : "denied";
const offerSetters: Rule = (who, tenant) =>
  who === "public" ? "sign-in" : who === "organisation-admin" && tenant === "own" ? 200 : "denied";
const api = "/api/v1/grants/programmes";
const page = "/grants/:programmeId";

export const grants: RuleSet = {
  rules: {
    [`GET ${api}`]: anyone(200),
    [`GET ${api}/:programmeId`]: () => "invisible",
    "POST /api/v1/authorities/:authorityId/grants/programmes": REGISTER_EDITOR(INCOMPLETE_BODY),
    "POST /api/v1/organisations/:id/grants/programmes": ORG_ADMIN(INCOMPLETE_BODY),
    [`POST ${api}/:programmeId/applications`]: unknownTarget,
    [`GET ${api}/:programmeId/applications`]: unknownTarget,
    [`GET ${api}/:programmeId/applications/:applicationId`]: unknownTarget,
    [`POST ${api}/:programmeId/applications/:applicationId/decision`]: unknownTarget,
    [`POST ${api}/:programmeId/applications/:applicationId/payments`]: unknownTarget,
    [`PUT ${api}/:programmeId`]: unknownTarget,
    [`GET ${api}/:programmeId/adviser-response-times`]: () => "invisible",
    [`GET ${api}/:programmeId/applications/:applicationId/adviser-matches`]: unknownTarget,
    [`POST ${api}/:programmeId/applications/:applicationId/adviser`]: unknownTarget,
    [`POST ${api}/:programmeId/applications/:applicationId/adviser/acceptance`]: unknownTarget,
    [`POST ${api}/:programmeId/applications/:applicationId/end-reports`]: unknownTarget,
    [`POST ${api}/:programmeId/applications/:applicationId/end-reports/review`]: unknownTarget,
    "GET /api/v1/organisations/:id/adviser-offer": () => "invisible",
    "PUT /api/v1/organisations/:id/adviser-offer": offerSetters,
    // The demo's awarded grants, all of them (no funder named).
    "GET /api/v1/grants/360giving": anyone(200),
    "GET /grants": anyone(200),
    [`GET ${page}`]: () => "invisible",
    [`GET ${page}/apply`]: unknownTarget,
    [`POST ${page}/apply`]: unknownTarget,
    [`GET ${page}/applications`]: unknownTarget,
    [`GET ${page}/applications/:applicationId`]: unknownTarget,
    [`POST ${page}/applications/:applicationId`]: unknownTarget,
    [`POST ${page}/applications/:applicationId/payments`]: unknownTarget,
    [`POST ${page}/applications/:applicationId/adviser`]: unknownTarget,
    [`POST ${page}/applications/:applicationId/adviser/accept`]: unknownTarget,
    [`POST ${page}/applications/:applicationId/end-report`]: unknownTarget,
    [`POST ${page}/applications/:applicationId/end-report/review`]: unknownTarget,
    [`GET ${page}/edit`]: unknownTarget,
    [`POST ${page}/edit`]: unknownTarget,
    "GET /grants/new": funders(200),
    "POST /grants/new": funders(EMPTY_FORM),
  },
  apiBodies: {
    [`POST ${api}/:programmeId/applications`]: JSON.stringify({
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "Advice",
      amount: "100",
      matched: "25",
    }),
    [`POST ${api}/:programmeId/applications/:applicationId/decision`]: JSON.stringify({
      decision: "refuse",
      reasons: "Not now",
    }),
    [`POST ${api}/:programmeId/applications/:applicationId/payments`]: JSON.stringify({
      amount: "10",
      paidOn: "2026-11-22",
    }),
    [`PUT ${api}/:programmeId`]: JSON.stringify({
      title: "A programme",
      budget: "100",
      opensOn: "2026-11-01",
      closesOn: "2026-12-31",
      matchedFunding: "0",
      supportKinds: ["grant"],
      eligibility: [],
    }),
    [`POST ${api}/:programmeId/applications/:applicationId/adviser`]: JSON.stringify({
      adviserOrganisationId: DEMO_ORGANISATION,
    }),
    [`POST ${api}/:programmeId/applications/:applicationId/end-reports`]: JSON.stringify({
      whatItDid: "Events",
      spent: "10",
      coversTo: "2026-11-22",
    }),
    [`POST ${api}/:programmeId/applications/:applicationId/end-reports/review`]: JSON.stringify({
      decision: "accept",
    }),
    "PUT /api/v1/organisations/:id/adviser-offer": JSON.stringify({
      stages: ["business-case"],
      serviceAreas: ["community-health"],
    }),
  },
};
