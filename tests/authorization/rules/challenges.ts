import { WESTSHIRE_STAFF_DOMAIN } from "../../../src/seed/demo/challenges.ts";
import { DEMO_SERVICE } from "../../../src/seed/demo/services.ts";
import {
  anyone,
  EMPTY_FORM,
  OWN_ORG,
  REGISTER_EDITOR,
  type Rule,
  type RuleSet,
  scoped,
  signedIn,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

/**
 * Drafting an EOI for OWN_ORG: its members may (for any authority) — 201 for their own authority,
 * 422 for another, whose register does not hold the county's service the body names; everyone else
 * is refused.
 */
const MEMBERS_OF_THE_BODY: Rule = (who, tenant) =>
  who === "public"
    ? "sign-in"
    : who === "organisation-admin" || who === "organisation-member"
      ? tenant === "own"
        ? 201
        : 422
      : "denied";
/** A window for the county's service: 201; for another authority (a platform administrator may ask), 422: not on its register. */
const WINDOW_EDITORS: Rule = (who, tenant) => {
  const outcome = REGISTER_EDITOR(201)(who, tenant);
  return outcome === 201 && tenant === "other" ? 422 : outcome;
};

/**
 * The staff email domains: the authority's administrators (and platform administrators), not its
 * commissioners. The page's form posted empty clears them (303): an empty list is a valid answer.
 */
const STAFF_DOMAIN_SETTERS = (ok: 200 | 303): Rule => scoped(ok, "authority-admin");

export const challenges: RuleSet = {
  rules: {
    // The Community Right to Challenge: the public register
    "GET /right-to-challenge": anyone(200),
    "GET /authorities/:slug/right-to-challenge": anyone(200),
    "GET /authorities/:slug/right-to-challenge/:challengeId": unknownToken,
    // Policy and windows: the authority's editors
    "GET /authorities/:slug/right-to-challenge/policy": REGISTER_EDITOR(200),
    "POST /authorities/:slug/right-to-challenge/policy": REGISTER_EDITOR(EMPTY_FORM),
    "GET /authorities/:slug/right-to-challenge/windows/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/right-to-challenge/windows/new": REGISTER_EDITOR(EMPTY_FORM),
    "POST /authorities/:slug/right-to-challenge/windows/:windowId/remove": unknownTarget,
    // Staff email domains: the authority's administrators
    "GET /authorities/:slug/right-to-challenge/staff-domains": STAFF_DOMAIN_SETTERS(200),
    "POST /authorities/:slug/right-to-challenge/staff-domains": STAFF_DOMAIN_SETTERS(303),
    // Expressions of interest: anyone signed in may start one; drafts are their body's own
    "GET /authorities/:slug/right-to-challenge/new": signedIn(200),
    "POST /authorities/:slug/right-to-challenge/new": signedIn(EMPTY_FORM),
    "GET /authorities/:slug/right-to-challenge/:challengeId/edit": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/edit": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/withdraw": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/modification/agree": unknownTarget,
    // A colleague named on an employees' draft confirms (none is named on an unknown one)
    "POST /authorities/:slug/right-to-challenge/:challengeId/confirm": unknownTarget,
    // Consideration, modification and decision: the authority's editors
    "GET /authorities/:slug/right-to-challenge/:challengeId/consider": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/consider": unknownTarget,
    "GET /authorities/:slug/right-to-challenge/:challengeId/modification": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/modification": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/modification/written-agreement": unknownTarget,
    "GET /authorities/:slug/right-to-challenge/:challengeId/decide": unknownTarget,
    "POST /authorities/:slug/right-to-challenge/:challengeId/decide": unknownTarget,
    // The JSON API
    "GET /api/v1/right-to-challenge": anyone(200),
    "GET /api/v1/authorities/:authorityId/right-to-challenge": anyone(200),
    "PUT /api/v1/authorities/:authorityId/right-to-challenge/policy": REGISTER_EDITOR(200),
    "POST /api/v1/authorities/:authorityId/right-to-challenge/policy/windows": WINDOW_EDITORS,
    "DELETE /api/v1/authorities/:authorityId/right-to-challenge/policy/windows/:windowId": unknownTarget,
    "PUT /api/v1/authorities/:authorityId/right-to-challenge/staff-domains": STAFF_DOMAIN_SETTERS(200),
    "POST /api/v1/authorities/:authorityId/right-to-challenge": MEMBERS_OF_THE_BODY,
    "GET /api/v1/authorities/:authorityId/right-to-challenge/:challengeId": unknownToken,
    "PATCH /api/v1/authorities/:authorityId/right-to-challenge/:challengeId": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/submit": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/withdraw": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification/agree": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/confirm": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/consideration": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification": unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification/written-agreement":
      unknownTarget,
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/decision": unknownTarget,
  },
  apiBodies: {
    "PUT /api/v1/authorities/:authorityId/right-to-challenge/staff-domains": JSON.stringify({
      domains: [WESTSHIRE_STAFF_DOMAIN],
    }),
    "PUT /api/v1/authorities/:authorityId/right-to-challenge/policy": JSON.stringify({
      decisionPeriodDays: 60,
      minProcurementDays: 90,
      maxProcurementDays: 365,
    }),
    "POST /api/v1/authorities/:authorityId/right-to-challenge/policy/windows": JSON.stringify({
      serviceId: DEMO_SERVICE.countyParks,
      opensOn: "2030-01-01",
      closesOn: "2030-01-31",
    }),
    "POST /api/v1/authorities/:authorityId/right-to-challenge": JSON.stringify({
      serviceId: DEMO_SERVICE.countyLibraries,
      applicant: { type: "organisation", organisationId: OWN_ORG },
    }),
    "PATCH /api/v1/authorities/:authorityId/right-to-challenge/:challengeId": JSON.stringify({
      outcomes: "Changed by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/consideration": JSON.stringify({
      consideredBy: "Matrix panel",
      consideredOn: "2026-11-22",
      evidence: "The matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification": JSON.stringify({
      modification: "A smaller area.",
      grounds: ["not-compliant"],
    }),
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/modification/written-agreement":
      JSON.stringify({ agreedOn: "2026-11-22", evidence: "A letter." }),
    "POST /api/v1/authorities/:authorityId/right-to-challenge/:challengeId/decision": JSON.stringify({
      decision: "accepted",
      reasons: "The matrix test.",
    }),
  },
};
