import type { RuleSet } from "../rules.ts";
import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  OWN_ORG,
  REGISTER_EDITOR,
  UNKNOWN,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

const base = "/api/v1/authorities/:authorityId/tenders";
const page = "/authorities/:slug/tenders";

// Every route naming a tender names an unknown one here: 404 for everyone signed in (sealed bids
// and their opening included), whatever their roles; the public is asked to sign in, except where
// anyone may read (`unknownToken`). Who of them may act on a tender that exists is for the route
// and service tests (and tests/security/order-commissioning.test.ts).
export const tenders: RuleSet = {
  rules: {
    // Pages
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/new`]: REGISTER_EDITOR(200),
    [`POST ${page}/new`]: REGISTER_EDITOR(EMPTY_FORM),
    [`GET ${page}/:tenderId`]: unknownToken,
    [`POST ${page}/:tenderId/publish`]: unknownTarget,
    [`GET ${page}/:tenderId/edit`]: unknownTarget,
    [`POST ${page}/:tenderId/edit`]: unknownTarget,
    [`GET ${page}/:tenderId/bid`]: unknownTarget,
    [`POST ${page}/:tenderId/bid`]: unknownTarget,
    [`GET ${page}/:tenderId/bid/:bidId`]: unknownTarget,
    [`GET ${page}/:tenderId/bid/:bidId/copy`]: unknownTarget,
    [`GET ${page}/:tenderId/receipts`]: unknownToken,
    [`POST ${page}/:tenderId/bid/withdraw`]: unknownTarget,
    [`POST ${page}/:tenderId/opening`]: unknownTarget,
    [`GET ${page}/:tenderId/bids`]: unknownTarget,
    [`GET ${page}/:tenderId/cancel`]: unknownTarget,
    [`POST ${page}/:tenderId/cancel`]: unknownTarget,
    [`GET ${page}/:tenderId/documents/new`]: unknownTarget,
    [`POST ${page}/:tenderId/documents/new`]: unknownTarget,
    [`POST ${page}/:tenderId/interest`]: unknownTarget,
    [`GET ${page}/:tenderId/questions/new`]: unknownTarget,
    [`POST ${page}/:tenderId/questions/new`]: unknownTarget,
    [`GET ${page}/:tenderId/questions/:questionId/answer`]: unknownTarget,
    [`POST ${page}/:tenderId/questions/:questionId/answer`]: unknownTarget,
    [`GET ${page}/:tenderId/amend`]: unknownTarget,
    [`POST ${page}/:tenderId/amend`]: unknownTarget,
    // The JSON API
    [`GET ${base}`]: anyone(200),
    [`GET ${base}/:tenderId`]: unknownToken,
    [`POST ${base}`]: REGISTER_EDITOR(INCOMPLETE_BODY),
    [`PATCH ${base}/:tenderId`]: unknownTarget,
    [`POST ${base}/:tenderId/publish`]: unknownTarget,
    [`POST ${base}/:tenderId/evaluators`]: unknownTarget,
    [`POST ${base}/:tenderId/bids`]: unknownTarget,
    [`POST ${base}/:tenderId/bids/withdraw`]: unknownTarget,
    [`GET ${base}/:tenderId/bids/mine`]: unknownTarget,
    // 400: the matrix's receipt is a UUID, not a SHA-256 digest.
    [`GET ${base}/:tenderId/receipts/:sha256`]: anyone(400),
    [`POST ${base}/:tenderId/opening`]: unknownTarget,
    [`GET ${base}/:tenderId/bids`]: unknownTarget,
    [`GET ${base}/:tenderId/attempts`]: unknownTarget,
    [`POST ${base}/:tenderId/documents`]: unknownTarget,
    [`POST ${base}/:tenderId/cancel`]: unknownTarget,
    [`GET ${base}/:tenderId/documents/:documentId`]: unknownToken,
    [`GET ${base}/:tenderId/bids/:bidId/documents/:position`]: unknownTarget,
    [`POST ${base}/:tenderId/interest`]: unknownTarget,
    [`GET ${base}/:tenderId/questions`]: unknownToken,
    [`POST ${base}/:tenderId/questions`]: unknownTarget,
    [`POST ${base}/:tenderId/questions/:questionId/answer`]: unknownTarget,
    [`GET ${base}/:tenderId/amendments`]: unknownToken,
    [`POST ${base}/:tenderId/amendments`]: unknownTarget,
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
