import type { Rule, RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, INCOMPLETE_BODY, signedIn, unknownTarget, unknownToken } from "../rules.ts";

/**
 * The spin-out path (src/modules/mutuals): the proposals and a mutual's history are public; a
 * proposal, a stage, its checklist, the decision and survival name a proposal the service looks up
 * first (the matrix's unknown one: 404 to everyone signed in, and to the public where reading is
 * public). Proposing is for the authority's staff, decided by the service once the body is read: the
 * matrix sends none, so everyone signed in gets 400. The propose form is its staff's (commissioners,
 * evaluators, bid openers, administrators of their own authority; not platform administrators): the
 * form, and posted empty the form again with its errors. The decision period is published by the
 * authority's own administrators only (not platform administrators).
 */
const api = "/api/v1/authorities/:authorityId";
const page = "/authorities/:slug/spin-outs";

const administrators =
  (ok: 200 | 400): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "authority-admin" && tenant === "own" ? ok : "denied";

const STAFF: readonly string[] = ["commissioner", "evaluator", "bid-opener", "authority-admin"];
const staff =
  (ok: 200 | 400): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : STAFF.includes(who) && tenant === "own" ? ok : "denied";

export const mutuals: RuleSet = {
  rules: {
    [`GET ${api}/spin-outs`]: anyone(200),
    [`POST ${api}/spin-outs`]: signedIn(INCOMPLETE_BODY),
    [`GET ${api}/spin-outs/:proposalId`]: unknownToken,
    [`POST ${api}/spin-outs/:proposalId/checklist/:item`]: unknownTarget,
    [`PUT ${api}/spin-outs/:proposalId/stages/:stage`]: unknownTarget,
    [`PUT ${api}/spin-outs/:proposalId/facts`]: unknownTarget,
    [`POST ${api}/spin-outs/:proposalId/advance`]: unknownTarget,
    [`POST ${api}/spin-outs/:proposalId/decision`]: unknownTarget,
    [`PUT ${api}/spin-outs/:proposalId/survival`]: unknownTarget,
    [`PUT ${api}/spin-out-decision-period`]: administrators(200),
    "GET /api/v1/organisations/:organisationId/mutual-history": unknownToken,
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/decision-period`]: administrators(200),
    [`POST ${page}/decision-period`]: administrators(EMPTY_FORM),
    [`GET ${page}/new`]: staff(200),
    [`POST ${page}/new`]: staff(EMPTY_FORM),
    [`GET ${page}/:proposalId`]: unknownToken,
    [`GET ${page}/:proposalId/stages/:stage`]: unknownTarget,
    [`POST ${page}/:proposalId/stages/:stage`]: unknownTarget,
    [`GET ${page}/:proposalId/facts`]: unknownTarget,
    [`POST ${page}/:proposalId/facts`]: unknownTarget,
    [`GET ${page}/:proposalId/documents`]: unknownTarget,
    [`POST ${page}/:proposalId/documents`]: unknownTarget,
    [`GET ${page}/:proposalId/documents/:documentId`]: unknownTarget,
    [`GET ${page}/:proposalId/survival`]: unknownTarget,
    [`POST ${page}/:proposalId/survival`]: unknownTarget,
    [`POST ${page}/:proposalId/checklist/:item`]: unknownTarget,
    [`POST ${page}/:proposalId/advance`]: unknownTarget,
    [`GET ${page}/:proposalId/decision`]: unknownTarget,
    [`POST ${page}/:proposalId/decision`]: unknownTarget,
  },
  apiBodies: {
    [`POST ${api}/spin-outs/:proposalId/checklist/:item`]: JSON.stringify({ done: true }),
    [`POST ${api}/spin-outs/:proposalId/decision`]: JSON.stringify({
      decision: "approved",
      reasons: "Reasons.",
    }),
    [`PUT ${api}/spin-outs/:proposalId/survival`]: JSON.stringify({ survival: "trading", on: "2026-11-01" }),
    [`PUT ${api}/spin-out-decision-period`]: JSON.stringify({ workingDays: 30 }),
  },
};
