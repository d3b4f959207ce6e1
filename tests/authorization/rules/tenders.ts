import type { Rule, RuleSet } from "../rules.ts";
import {
  acceptUnknownToken,
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  OWN_ORG,
  REGISTER_EDITOR,
  scopedUnknown,
  signedIn,
  UNKNOWN,
  unknownToken,
} from "../rules.ts";

const base = "/api/v1/authorities/:authorityId/tenders";

/** Bidding: the bidding organisation's own people (the tender is then not found); nobody else. */
const bidder: Rule = (who) =>
  who === "public"
    ? "sign-in"
    : who === "organisation-admin" || who === "organisation-member"
      ? "invisible"
      : "denied";

/**
 * Sealed bids: only holders of these roles for the authority itself — platform administrators
 * included in the refusal (Annex IV A2, A4–A6).
 */
const sealedFor =
  (...roles: string[]): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : roles.includes(who) && tenant === "own" ? "invisible" : "denied";

/** Withdrawing on a page without naming an organisation one acts for. */
const noOrganisation: Rule = (who) => (who === "public" ? "sign-in" : "denied");
const page = "/authorities/:slug/tenders";

export const tenders: RuleSet = {
  rules: {
    // Pages
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/new`]: REGISTER_EDITOR(200),
    [`POST ${page}/new`]: REGISTER_EDITOR(EMPTY_FORM),
    [`GET ${page}/:tenderId`]: unknownToken,
    [`POST ${page}/:tenderId/publish`]: scopedUnknown("commissioner", "authority-admin"),
    [`GET ${page}/:tenderId/bid`]: acceptUnknownToken,
    [`POST ${page}/:tenderId/bid`]: unknownToken,
    [`POST ${page}/:tenderId/bid/withdraw`]: noOrganisation,
    [`POST ${page}/:tenderId/opening`]: sealedFor("bid-opener"),
    [`GET ${page}/:tenderId/bids`]: sealedFor("bid-opener", "evaluator"),
    [`GET ${page}/:tenderId/cancel`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${page}/:tenderId/cancel`]: scopedUnknown("commissioner", "authority-admin"),
    [`GET ${page}/:tenderId/documents/new`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${page}/:tenderId/documents/new`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${page}/:tenderId/interest`]: unknownToken,
    [`GET ${page}/:tenderId/questions/new`]: acceptUnknownToken,
    [`POST ${page}/:tenderId/questions/new`]: acceptUnknownToken,
    [`GET ${page}/:tenderId/questions/:questionId/answer`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${page}/:tenderId/questions/:questionId/answer`]: scopedUnknown("commissioner", "authority-admin"),
    [`GET ${page}/:tenderId/amend`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${page}/:tenderId/amend`]: scopedUnknown("commissioner", "authority-admin"),
    // The JSON API
    [`GET ${base}`]: anyone(200),
    [`GET ${base}/:tenderId`]: unknownToken,
    [`POST ${base}`]: REGISTER_EDITOR(INCOMPLETE_BODY),
    [`PATCH ${base}/:tenderId`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${base}/:tenderId/publish`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${base}/:tenderId/evaluators`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${base}/:tenderId/bids`]: bidder,
    [`POST ${base}/:tenderId/bids/withdraw`]: bidder,
    // 400: the matrix names no organisation (the organisationId the query needs).
    [`GET ${base}/:tenderId/bids/mine`]: signedIn(400),
    // 400: the matrix's receipt is a UUID, not a SHA-256 digest.
    [`GET ${base}/:tenderId/receipts/:sha256`]: anyone(400),
    [`POST ${base}/:tenderId/opening`]: sealedFor("bid-opener"),
    [`GET ${base}/:tenderId/bids`]: sealedFor("bid-opener", "evaluator"),
    [`GET ${base}/:tenderId/attempts`]: scopedUnknown("authority-admin"),
    [`POST ${base}/:tenderId/documents`]: scopedUnknown("commissioner", "authority-admin"),
    [`POST ${base}/:tenderId/cancel`]: scopedUnknown("commissioner", "authority-admin"),
    [`GET ${base}/:tenderId/documents/:documentId`]: unknownToken,
    [`GET ${base}/:tenderId/bids/:bidId/documents/:position`]: sealedFor("bid-opener", "evaluator"),
    [`POST ${base}/:tenderId/interest`]: bidder,
    [`GET ${base}/:tenderId/questions`]: unknownToken,
    [`POST ${base}/:tenderId/questions`]: bidder,
    [`POST ${base}/:tenderId/questions/:questionId/answer`]: scopedUnknown("commissioner", "authority-admin"),
    [`GET ${base}/:tenderId/amendments`]: unknownToken,
    [`POST ${base}/:tenderId/amendments`]: scopedUnknown("commissioner", "authority-admin"),
  },
  apiBodies: {
    [`POST ${base}/:tenderId/cancel`]: JSON.stringify({
      reason: "Cancelled by the authorisation matrix test",
    }),
    [`POST ${base}/:tenderId/documents`]: JSON.stringify({
      title: "Specification",
      filename: "specification.txt",
      contentBase64: Buffer.from("The specification").toString("base64"),
    }),
    [`PATCH ${base}/:tenderId`]: JSON.stringify({ title: "Changed by the authorisation matrix test" }),
    [`POST ${base}/:tenderId/evaluators`]: JSON.stringify({ userId: UNKNOWN }),
    [`POST ${base}/:tenderId/bids`]: JSON.stringify({ organisationId: OWN_ORG, answers: [] }),
    [`POST ${base}/:tenderId/bids/withdraw`]: JSON.stringify({ organisationId: OWN_ORG }),
    [`POST ${base}/:tenderId/interest`]: JSON.stringify({ organisationId: OWN_ORG }),
    [`POST ${base}/:tenderId/questions`]: JSON.stringify({
      organisationId: OWN_ORG,
      question: "Is TUPE likely?",
    }),
    [`POST ${base}/:tenderId/questions/:questionId/answer`]: JSON.stringify({ answer: "Yes" }),
    [`POST ${base}/:tenderId/amendments`]: JSON.stringify({ reason: "Matrix", changes: { title: "Matrix" } }),
  },
};
