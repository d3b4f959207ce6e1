import type { RuleSet } from "../rules.ts";
import { acceptUnknownToken, anyone, signedIn } from "../rules.ts";

const mine = "/api/v1/me/saved-searches";

export const opportunities: RuleSet = {
  rules: {
    // Pages
    "GET /opportunities": anyone,
    "GET /account/saved-searches": signedIn,
    "GET /account/saved-searches/new": signedIn,
    "POST /account/saved-searches/new": signedIn,
    // Someone else's saved search, like an unknown one, is not found.
    "POST /account/saved-searches/:id/alerts": acceptUnknownToken,
    "POST /account/saved-searches/:id/delete": acceptUnknownToken,
    // The JSON API
    "GET /api/v1/opportunities": anyone,
    [`GET ${mine}`]: signedIn,
    [`POST ${mine}`]: signedIn,
    [`PATCH ${mine}/:id`]: acceptUnknownToken,
    [`DELETE ${mine}/:id`]: acceptUnknownToken,
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
