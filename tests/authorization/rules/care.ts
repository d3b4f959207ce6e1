/**
 * Care (issue 17): an authority's people are its care staff's alone — everyone else signed in gets
 * 404, platform administrators included (they are not to know whom a council supports); the public
 * is sent to sign in. Routes naming a person, a plan or a link answer 404 for the matrix's unknown
 * one, whoever asks; an invitation's unknown token is 404 for all.
 */
import { DEMO_AUTHORITY } from "../../../src/seed/demo/authorities.ts";
import {
  type Allowed,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  type Rule,
  type RuleSet,
  signedIn,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

/** The authority's own care staff get `ok`; everyone else signed in, 404. */
const CARE_STAFF =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "care-staff" && tenant === "own" ? ok : "invisible";

const budget = {
  amount: "£100.00",
  period: "week",
  startsOn: "2026-11-01",
  parts: [{ delivery: "direct-payment", amount: "£100.00" }],
};

export const care: RuleSet = {
  rules: {
    "GET /authorities/:slug/care": CARE_STAFF(200),
    "GET /authorities/:slug/care/people/new": CARE_STAFF(200),
    "POST /authorities/:slug/care/people/new": CARE_STAFF(EMPTY_FORM),
    "GET /authorities/:slug/care/people/:personId": unknownTarget,
    "GET /authorities/:slug/care/people/:personId/needs/new": unknownTarget,
    "POST /authorities/:slug/care/people/:personId/needs/new": unknownTarget,
    "GET /authorities/:slug/care/people/:personId/plans/new": unknownTarget,
    "POST /authorities/:slug/care/people/:personId/plans/new": unknownTarget,
    "GET /authorities/:slug/care/plans/:planId/budget": unknownTarget,
    "POST /authorities/:slug/care/plans/:planId/budget": unknownTarget,
    "GET /authorities/:slug/care/plans/:planId/record/:action": unknownTarget,
    "POST /authorities/:slug/care/plans/:planId/record/:action": unknownTarget,
    "GET /authorities/:slug/care/people/:personId/invite": unknownTarget,
    "POST /authorities/:slug/care/people/:personId/invite": unknownTarget,
    "POST /authorities/:slug/care/people/:personId/links/:linkId/revoke": unknownTarget,
    "GET /care": signedIn(200),
    "GET /care/people/:personId": unknownTarget,
    "GET /care/people/:personId/representatives/:linkId": unknownTarget,
    "POST /care/people/:personId/representatives/:linkId": unknownTarget,
    "POST /care/people/:personId/representatives/:linkId/revoke": unknownTarget,
    "GET /care/invitations/:token": unknownToken,
    "POST /care/invitations/:token/accept": unknownTarget,
    "GET /api/v1/authorities/:authorityId/care/people": CARE_STAFF(200),
    "POST /api/v1/authorities/:authorityId/care/people": CARE_STAFF(INCOMPLETE_BODY),
    "GET /api/v1/authorities/:authorityId/care/people/:personId": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/needs": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/plans": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/versions": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/end": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/concerns": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/reviews": unknownTarget,
    "GET /api/v1/me/care": signedIn(200),
    // A champion appointed, a link ended, a person's download: about the matrix's unknown person.
    "GET /care/people/:personId/champions/new": unknownTarget,
    "POST /care/people/:personId/champions/new": unknownTarget,
    "GET /care/people/:personId/data": unknownTarget,
    "GET /authorities/:slug/care/people/:personId/data": unknownTarget,
    "GET /care/people/:personId/data/page": unknownTarget,
    "GET /authorities/:slug/care/people/:personId/data/page": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/champions": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/links/:linkId/revoke": unknownTarget,
    "GET /api/v1/authorities/:authorityId/care/people/:personId/data": unknownTarget,
    // Care staff's loose ends: a person's details changed.
    "GET /authorities/:slug/care/people/:personId/edit": unknownTarget,
    "POST /authorities/:slug/care/people/:personId/edit": unknownTarget,
    "PUT /api/v1/authorities/:authorityId/care/people/:personId": unknownTarget,
    // Links and invitations: the withdraw button, and the API.
    "POST /authorities/:slug/care/people/:personId/invitations/:invitationId/withdraw": unknownTarget,
    "GET /api/v1/authorities/:authorityId/care/people/:personId/links": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/invitations": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/invitations/:invitationId/withdraw":
      unknownTarget,
    "PUT /api/v1/authorities/:authorityId/care/people/:personId/links/:linkId/grants": unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/care/people/:personId/invitations": JSON.stringify({
      email: "matrix@example.org",
      relationship: "family",
      grants: ["see-plan"],
    }),
    "PUT /api/v1/authorities/:authorityId/care/people/:personId/links/:linkId/grants": JSON.stringify({
      grants: ["see-plan"],
    }),
    "PUT /api/v1/authorities/:authorityId/care/people/:personId": JSON.stringify({
      fullName: "Matrix Person",
      dateOfBirth: "1950-03-27",
      email: null,
      phone: null,
      address: null,
      areaCode: "E10000901",
      reason: "correction",
    }),
    "POST /api/v1/authorities/:authorityId/care/people/:personId/champions": JSON.stringify({
      championId: DEMO_AUTHORITY.champion,
      grants: ["see-plan"],
    }),
    "POST /api/v1/authorities/:authorityId/care/people/:personId/needs": JSON.stringify({
      outcome: "adult-social-care:dressing",
      description: "Help to dress in the mornings.",
      assessedOn: "2026-11-01",
    }),
    "POST /api/v1/authorities/:authorityId/care/people/:personId/plans": JSON.stringify({
      regime: "adult-social-care",
      ...budget,
    }),
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/versions": JSON.stringify({
      ...budget,
      reason: "Changed by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/end": JSON.stringify({
      endedOn: "2026-11-30",
      reason: "Ended by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/concerns": JSON.stringify({
      raisedOn: "2026-11-01",
      description: "Raised by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/care/plans/:planId/reviews": JSON.stringify({
      reviewedOn: "2026-11-01",
      outcome: "no-change",
    }),
  },
};
