import type { Rule, RuleSet } from "../rules.ts";
import { anyone, OWN_ORG, REGISTER_EDITOR } from "../rules.ts";

const tender = "/api/v1/authorities/:authorityId/tenders/:tenderId";
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

export const evaluation: RuleSet = {
  rules: {
    // Pages
    [`GET ${page}/compliance`]: bidReaders,
    [`GET ${page}/compliance/bids/:bidId`]: deciders,
    [`POST ${page}/compliance/bids/:bidId`]: deciders,
    [`POST ${page}/evaluation`]: deciders,
    "GET /authorities/:slug/reserved-awards": anyone,
    "POST /authorities/:slug/reserved-awards": REGISTER_EDITOR,
    // The JSON API
    [`GET ${tender}/compliance`]: bidReaders,
    [`PUT ${tender}/compliance/bids/:bidId`]: deciders,
    [`POST ${tender}/evaluation`]: deciders,
    "GET /api/v1/authorities/:authorityId/reserved-awards": anyone,
    "POST /api/v1/authorities/:authorityId/reserved-awards": REGISTER_EDITOR,
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
  },
};
