import type { Rule, RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, unknownTarget } from "../rules.ts";

/**
 * The barriers register (src/modules/barriers): anyone reads an authority's barriers and the national
 * figures; the people of an organisation or of any public body (a regulator's, an ombudsman's and a
 * champion's staff too) log one with any authority — not citizens, not platform administrators; the
 * authority's commissioners and administrators answer: the answers name a barrier the service looks
 * up first (the matrix's unknown one: 404 to everyone signed in), and so does adding evidence (whoever
 * logged it) and downloading a document of it (anyone for a public one, else the logger's
 * organisation and the authority's people).
 */
const api = "/api/v1/authorities/:authorityId/barriers";
const page = "/authorities/:slug/barriers";

/** Those who log barriers: everyone signed in but citizens and platform administrators. */
const loggers =
  (ok: 200 | 201 | 400): Rule =>
  (who) => {
    if (who === "public") return "sign-in";
    return who === "citizen" || who === "platform-admin" ? "denied" : ok;
  };

export const barriers: RuleSet = {
  rules: {
    [`GET ${api}`]: anyone(200),
    [`POST ${api}`]: loggers(201),
    [`GET ${api}/:barrierId`]: () => "invisible",
    [`POST ${api}/:barrierId/answers`]: unknownTarget,
    [`POST ${api}/:barrierId/evidence`]: unknownTarget,
    [`GET ${api}/:barrierId/evidence/:evidenceId`]: () => "invisible",
    "GET /api/v1/barriers/figures": anyone(200),
    "GET /barriers": anyone(200),
    "GET /barriers/figures.csv": anyone(200),
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/new`]: loggers(200),
    [`POST ${page}/new`]: loggers(EMPTY_FORM),
    [`GET ${page}/:barrierId`]: () => "invisible",
    [`POST ${page}/:barrierId`]: unknownTarget,
    [`POST ${page}/:barrierId/evidence`]: unknownTarget,
    [`GET ${page}/:barrierId/evidence/:evidenceId`]: () => "invisible",
  },
  apiBodies: {
    [`POST ${api}`]: JSON.stringify({
      kind: "payment-terms",
      subject: "authority",
      description: "Invoices are paid 60 days after the month's end.",
    }),
    [`POST ${api}/:barrierId/answers`]: JSON.stringify({
      kind: "accepted",
      text: "Paid within 15 days from April.",
    }),
    [`POST ${api}/:barrierId/evidence`]: JSON.stringify({
      evidence: [{ filename: "terms.txt", contentBase64: "UGFpZCBhZnRlciA2MCBkYXlzLg==" }],
    }),
  },
};
