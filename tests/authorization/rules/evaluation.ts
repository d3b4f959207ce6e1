import type { Allowed, Rule, RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, OWN_ORG, REGISTER_EDITOR, UNKNOWN, unknownTarget } from "../rules.ts";

const tender = "/api/v1/authorities/:authorityId/tenders/:tenderId";
const SCORES = JSON.stringify({ scores: [{ criterionId: UNKNOWN, score: 1, reason: "Matrix test" }] });
const page = "/authorities/:slug/tenders/:tenderId";

// Every route naming a tender (and a bid, an evaluator or a challenge of it) names an unknown one
// here: 404 for everyone signed in, whatever their roles, platform administrators included; the
// public is asked to sign in, except where anyone may read (`publicUnknown`). Who of them may act on
// a tender that exists is for the route and service tests (and
// tests/security/order-commissioning.test.ts).

/** The award notice is public: an unknown tender has none, for anyone. */
const publicUnknown: Rule = () => "invisible";
/** Assessment summaries received: the organisation's own people only (not platform administrators). */
const organisationPeople =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public"
      ? "sign-in"
      : (who === "organisation-admin" || who === "organisation-member") && tenant === "own"
        ? ok
        : "denied";

export const evaluation: RuleSet = {
  rules: {
    "POST /authorities/:slug/tenders/:tenderId/evaluators": unknownTarget,
    // Pages
    [`GET ${page}/compliance`]: unknownTarget,
    [`GET ${page}/compliance/bids/:bidId`]: unknownTarget,
    [`POST ${page}/compliance/bids/:bidId`]: unknownTarget,
    [`POST ${page}/evaluation`]: unknownTarget,
    "GET /authorities/:slug/reserved-awards": anyone(200),
    "POST /authorities/:slug/reserved-awards": REGISTER_EDITOR(EMPTY_FORM),
    // The JSON API
    [`GET ${tender}/compliance`]: unknownTarget,
    [`PUT ${tender}/compliance/bids/:bidId`]: unknownTarget,
    [`POST ${tender}/evaluation`]: unknownTarget,
    "GET /api/v1/authorities/:authorityId/reserved-awards": anyone(200),
    "POST /api/v1/authorities/:authorityId/reserved-awards": REGISTER_EDITOR(201),
    // Issue 6: pages
    [`GET ${page}/evaluation`]: unknownTarget,
    [`GET ${page}/evaluation/declaration`]: unknownTarget,
    [`POST ${page}/evaluation/declaration`]: unknownTarget,
    [`GET ${page}/evaluation/bids/:bidId`]: unknownTarget,
    [`POST ${page}/evaluation/bids/:bidId`]: unknownTarget,
    [`POST ${page}/evaluation/submission`]: unknownTarget,
    [`GET ${page}/moderation`]: unknownTarget,
    [`GET ${page}/moderation/bids/:bidId`]: unknownTarget,
    [`POST ${page}/moderation/bids/:bidId`]: unknownTarget,
    [`GET ${page}/ranking`]: unknownTarget,
    [`POST ${page}/ranking/tie-decision`]: unknownTarget,
    [`GET ${page}/award/decide`]: unknownTarget,
    [`POST ${page}/award/decide`]: unknownTarget,
    [`GET ${page}/award`]: publicUnknown,
    [`GET ${page}/award/challenge`]: unknownTarget,
    [`POST ${page}/award/challenge`]: unknownTarget,
    [`GET ${page}/award/challenges/:challengeId`]: unknownTarget,
    [`POST ${page}/award/challenges/:challengeId`]: unknownTarget,
    "GET /organisations/:id/assessments": organisationPeople(200),
    // Issue 6: the JSON API
    [`GET ${tender}/evaluation`]: unknownTarget,
    [`PUT ${tender}/evaluation/declaration`]: unknownTarget,
    [`PUT ${tender}/evaluation/bids/:bidId/scores`]: unknownTarget,
    [`POST ${tender}/evaluation/submission`]: unknownTarget,
    [`GET ${tender}/evaluation/evaluators/:userId/scores`]: unknownTarget,
    [`GET ${tender}/moderation`]: unknownTarget,
    [`PUT ${tender}/moderation/bids/:bidId`]: unknownTarget,
    [`GET ${tender}/ranking`]: unknownTarget,
    [`PUT ${tender}/ranking/tie-decision`]: unknownTarget,
    [`POST ${tender}/award`]: unknownTarget,
    [`GET ${tender}/award`]: publicUnknown,
    [`POST ${tender}/award/challenges`]: unknownTarget,
    [`POST ${tender}/award/challenges/:challengeId/outcome`]: unknownTarget,
    "GET /api/v1/organisations/:id/assessments": organisationPeople(200),
  },
  apiBodies: {
    [`PUT ${tender}/compliance/bids/:bidId`]: JSON.stringify({
      conditions: [{ position: 1, met: true }],
      outcome: "compliant",
    }),
    [`POST ${tender}/evaluation`]: JSON.stringify({}),
    "POST /api/v1/authorities/:authorityId/reserved-awards": JSON.stringify({
      organisationId: OWN_ORG,
      categoryCode: "domiciliary-care",
      awardedOn: "2025-04-01",
      title: "Recorded by the authorisation matrix test",
    }),
    [`PUT ${tender}/evaluation/declaration`]: JSON.stringify({ conflict: false }),
    [`PUT ${tender}/evaluation/bids/:bidId/scores`]: SCORES,
    [`PUT ${tender}/moderation/bids/:bidId`]: SCORES,
    [`PUT ${tender}/ranking/tie-decision`]: JSON.stringify({
      order: [OWN_ORG, UNKNOWN],
      reason: "Recorded by the authorisation matrix test",
    }),
    [`POST ${tender}/award`]: JSON.stringify({}),
    [`POST ${tender}/award/challenges`]: JSON.stringify({
      organisationId: OWN_ORG,
      grounds: "Matrix test grounds",
    }),
    [`POST ${tender}/award/challenges/:challengeId/outcome`]: JSON.stringify({
      outcome: "dismissed",
      reason: "Recorded by the authorisation matrix test",
    }),
  },
};
