import type { Rule, RuleSet, Who } from "../rules.ts";
import { anyone, EMPTY_FORM, unknownTarget } from "../rules.ts";

/**
 * The barriers register (src/modules/barriers): anyone reads an authority's barriers and the national
 * figures; the people of an organisation or of a public body log one with any authority (not citizens,
 * not platform administrators); the authority's commissioners and administrators answer — the
 * answers name a barrier the service looks up first (the matrix's unknown one: 404 to everyone signed
 * in). A regulator's, an ombudsman's or a consumer champion's own body (named on the pages by its slug) is
 * not an authority with barriers: 404.
 */
const api = "/api/v1/authorities/:authorityId/barriers";
const page = "/authorities/:slug/barriers";

/** The bodies that are not authorities: their own tenant is the regulator, ombudsman or champion. */
const NOT_AUTHORITY: readonly Who[] = ["regulator-staff", "ombudsman-staff", "consumer-champion"];

const readable: Rule = (who, tenant) => (NOT_AUTHORITY.includes(who) && tenant === "own" ? "invisible" : 200);

/**
 * Those who log barriers: everyone signed in but citizens and platform administrators. The pages
 * name each role's own body by its slug (`ownBody`); the API names the county and the district for
 * every role.
 */
const loggers =
  (ok: 200 | 201 | 400, ownBody = true): Rule =>
  (who, tenant) => {
    if (who === "public") return "sign-in";
    if (ownBody && NOT_AUTHORITY.includes(who) && tenant === "own") return "invisible";
    return who === "citizen" || who === "platform-admin" ? "denied" : ok;
  };

export const barriers: RuleSet = {
  rules: {
    [`GET ${api}`]: anyone(200),
    [`POST ${api}`]: loggers(201, false),
    [`GET ${api}/:barrierId`]: () => "invisible",
    [`POST ${api}/:barrierId/answers`]: unknownTarget,
    "GET /api/v1/barriers/figures": anyone(200),
    "GET /barriers": anyone(200),
    "GET /barriers/figures.csv": anyone(200),
    [`GET ${page}`]: readable,
    [`GET ${page}/new`]: loggers(200),
    [`POST ${page}/new`]: loggers(EMPTY_FORM),
    [`GET ${page}/:barrierId`]: () => "invisible",
    [`POST ${page}/:barrierId`]: unknownTarget,
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
  },
};
