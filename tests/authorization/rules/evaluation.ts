import type { Allowed, Rule, RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, OWN_ORG, REGISTER_EDITOR, UNKNOWN } from "../rules.ts";

const tender = "/api/v1/authorities/:authorityId/tenders/:tenderId";
const SCORES = JSON.stringify({ scores: [{ criterionId: UNKNOWN, score: 1, reason: "Matrix test" }] });
const page = "/authorities/:slug/tenders/:tenderId";

/**
 * Reading the compliance check: those who may read the opened bids — the authority's bid openers
 * (the tender is then not found) and the tender's assigned evaluators (the matrix's evaluator is not
 * assigned to the unknown tender: refused as a reader, it is not found either, as `openedBids`
 * answers). Platform administrators, who may not read bids, are refused.
 */
const bidReaders: Rule = (who, tenant) =>
  who === "public"
    ? "sign-in"
    : (who === "bid-opener" || who === "evaluator") && tenant === "own"
      ? "invisible"
      : "denied";

/**
 * Deciding (recording decisions, starting evaluation) needs two things at once: reading the opened
 * bids (bid opener or assigned evaluator) and being the authority's commissioner or administrator.
 * The matrix gives each person one role, so nobody has both: the evaluator is refused as a reader of
 * an unknown tender (404, as `openedBids` answers); everyone else is refused (403). Route and service
 * tests cover people holding both.
 */
const deciders: Rule = (who, tenant) =>
  who === "public" ? "sign-in" : who === "evaluator" && tenant === "own" ? "invisible" : "denied";

/** The authority's commissioners and administrators (platform administrators are not of its team). */
const editorsOnly: Rule = (who, tenant) =>
  who === "public"
    ? "sign-in"
    : (who === "commissioner" || who === "authority-admin") && tenant === "own"
      ? "invisible"
      : "denied";

/** Evaluation's progress: the authority's tender team (commissioners, administrators, bid openers, evaluators). */
const team: Rule = (who, tenant) =>
  who === "public"
    ? "sign-in"
    : ["commissioner", "authority-admin", "bid-opener", "evaluator"].includes(who) && tenant === "own"
      ? "invisible"
      : "denied";
/** Declaring and scoring: the authority's evaluators (then assigned to the tender). */
const evaluators: Rule = (who, tenant) =>
  who === "public" ? "sign-in" : who === "evaluator" && tenant === "own" ? "invisible" : "denied";
/** Moderation, ranking, ties, the award and challenge outcomes: commissioners and administrators (then readers of the bids). */
const moderators: Rule = (who, tenant) =>
  who === "public"
    ? "sign-in"
    : (who === "commissioner" || who === "authority-admin") && tenant === "own"
      ? "invisible"
      : "denied";
/** The award notice is public: an unknown tender has none, for anyone. */
const publicUnknown: Rule = () => "invisible";
/** Challenging: anyone signed in reaches the (unknown) award; only a bidder's people may then lodge. */
const signedInUnknown: Rule = (who) => (who === "public" ? "sign-in" : "invisible");
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
    "POST /authorities/:slug/tenders/:tenderId/evaluators": editorsOnly,
    // Pages
    [`GET ${page}/compliance`]: bidReaders,
    [`GET ${page}/compliance/bids/:bidId`]: deciders,
    [`POST ${page}/compliance/bids/:bidId`]: deciders,
    [`POST ${page}/evaluation`]: deciders,
    "GET /authorities/:slug/reserved-awards": anyone(200),
    "POST /authorities/:slug/reserved-awards": REGISTER_EDITOR(EMPTY_FORM),
    // The JSON API
    [`GET ${tender}/compliance`]: bidReaders,
    [`PUT ${tender}/compliance/bids/:bidId`]: deciders,
    [`POST ${tender}/evaluation`]: deciders,
    "GET /api/v1/authorities/:authorityId/reserved-awards": anyone(200),
    "POST /api/v1/authorities/:authorityId/reserved-awards": REGISTER_EDITOR(201),
    // Issue 6: pages
    [`GET ${page}/evaluation`]: team,
    [`GET ${page}/evaluation/declaration`]: team,
    [`POST ${page}/evaluation/declaration`]: team,
    [`GET ${page}/evaluation/bids/:bidId`]: evaluators,
    [`POST ${page}/evaluation/bids/:bidId`]: evaluators,
    [`POST ${page}/evaluation/submission`]: evaluators,
    [`GET ${page}/moderation`]: moderators,
    [`GET ${page}/moderation/bids/:bidId`]: moderators,
    [`POST ${page}/moderation/bids/:bidId`]: moderators,
    [`GET ${page}/ranking`]: moderators,
    [`POST ${page}/ranking/tie-decision`]: moderators,
    [`GET ${page}/award/decide`]: moderators,
    [`POST ${page}/award/decide`]: moderators,
    [`GET ${page}/award`]: publicUnknown,
    [`GET ${page}/award/challenge`]: signedInUnknown,
    [`POST ${page}/award/challenge`]: signedInUnknown,
    [`GET ${page}/award/challenges/:challengeId`]: moderators,
    [`POST ${page}/award/challenges/:challengeId`]: moderators,
    "GET /organisations/:id/assessments": organisationPeople(200),
    // Issue 6: the JSON API
    [`GET ${tender}/evaluation`]: team,
    [`PUT ${tender}/evaluation/declaration`]: evaluators,
    [`PUT ${tender}/evaluation/bids/:bidId/scores`]: evaluators,
    [`POST ${tender}/evaluation/submission`]: evaluators,
    [`GET ${tender}/evaluation/evaluators/:userId/scores`]: team,
    [`GET ${tender}/moderation`]: moderators,
    [`PUT ${tender}/moderation/bids/:bidId`]: moderators,
    [`GET ${tender}/ranking`]: moderators,
    [`PUT ${tender}/ranking/tie-decision`]: moderators,
    [`POST ${tender}/award`]: moderators,
    [`GET ${tender}/award`]: publicUnknown,
    [`POST ${tender}/award/challenges`]: signedInUnknown,
    [`POST ${tender}/award/challenges/:challengeId/outcome`]: moderators,
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
