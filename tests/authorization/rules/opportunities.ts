import type { RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, signedIn, unknownTarget } from "../rules.ts";

const mine = "/api/v1/me/saved-searches";

export const opportunities: RuleSet = {
  rules: {
    // Pages
    "GET /opportunities": anyone(200),
    "GET /account/saved-searches": signedIn(200),
    "GET /account/saved-searches/new": signedIn(200),
    "POST /account/saved-searches/new": signedIn(EMPTY_FORM),
    // Someone else's saved search, like an unknown one, is not found.
    "POST /account/saved-searches/:id/alerts": unknownTarget,
    "POST /account/saved-searches/:id/delete": unknownTarget,
    // The JSON API
    "GET /api/v1/opportunities": anyone(200),
    [`GET ${mine}`]: signedIn(200),
    // The URL names no tenant, so the matrix saves the same search twice for each person: the
    // first is made (201), the second has a name already used (400).
    [`POST ${mine}`]: (who, tenant) => (who === "public" ? "sign-in" : tenant === "own" ? 201 : 400),
    [`PATCH ${mine}/:id`]: unknownTarget,
    [`DELETE ${mine}/:id`]: unknownTarget,
  },
  apiBodies: {
    [`POST ${mine}`]: JSON.stringify({
      name: `Saved by the authorisation matrix test`,
      alerts: false,
      criteria: { keywords: "home care", includeClosed: true },
    }),
    [`PATCH ${mine}/:id`]: JSON.stringify({ alerts: false }),
  },
};
