import { DEMO_ORGANISATION } from "../../../src/seed/demo/users.ts";
import type { RuleSet } from "../rules.ts";
import { anyone, INCOMPLETE_BODY, ORG_ADMIN, REGISTER_EDITOR, unknownTarget } from "../rules.ts";

/**
 * Grants (src/modules/grants): programmes and their 360Giving data are public; an authority's
 * commissioners and administrators, or an organisation's administrators, set up its programmes
 * (the matrix sends no body: 400 once let in); the routes naming a programme or an application look
 * it up first (the matrix's unknown one: 404 to everyone signed in, and to the public on the public
 * programme's page).
 */
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
    // The demo's awarded grants, all of them (no funder named).
    "GET /api/v1/grants/360giving": anyone(200),
    "GET /grants": anyone(200),
    [`GET ${page}`]: () => "invisible",
    [`GET ${page}/apply`]: unknownTarget,
    [`POST ${page}/apply`]: unknownTarget,
    [`GET ${page}/applications`]: unknownTarget,
    [`GET ${page}/applications/:applicationId`]: unknownTarget,
    [`POST ${page}/applications/:applicationId`]: unknownTarget,
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
  },
};
