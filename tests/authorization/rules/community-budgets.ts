import type { RuleSet } from "../rules.ts";
import { anyone, EMPTY_FORM, REGISTER_EDITOR, unknownTarget } from "../rules.ts";

/**
 * Community budgets (src/modules/community-budgets): anyone reads the pools, a pool and a partner's
 * report (the matrix's unknown pool: 404); the authority's commissioners and administrators (and
 * platform administrators) set up a pool (its form: an empty one gets 400); adding a partner, a
 * contribution and a spend, and reversing an entry, name a pool
 * the service looks up first (404 to everyone signed in), as do their forms.
 */
const api = "/api/v1/community-budgets";
const page = "/community-budgets";

export const communityBudgets: RuleSet = {
  rules: {
    [`GET ${api}`]: anyone(200),
    [`GET ${api}/:poolId`]: () => "invisible",
    [`GET ${api}/:poolId/partners/:authorityId`]: () => "invisible",
    "POST /api/v1/authorities/:authorityId/community-budgets": REGISTER_EDITOR(201),
    [`POST ${api}/:poolId/partners`]: unknownTarget,
    [`POST ${api}/:poolId/contributions`]: unknownTarget,
    [`POST ${api}/:poolId/spends`]: unknownTarget,
    [`POST ${api}/:poolId/entries/:journalId/reversal`]: unknownTarget,
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/:poolId`]: () => "invisible",
    [`GET ${page}/:poolId/partners/:authorityId`]: () => "invisible",
    "GET /authorities/:slug/community-budgets/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/community-budgets/new": REGISTER_EDITOR(EMPTY_FORM),
    [`GET ${page}/:poolId/partner`]: unknownTarget,
    [`POST ${page}/:poolId/partner`]: unknownTarget,
    [`GET ${page}/:poolId/contribution`]: unknownTarget,
    [`POST ${page}/:poolId/contribution`]: unknownTarget,
    [`GET ${page}/:poolId/spend`]: unknownTarget,
    [`POST ${page}/:poolId/spend`]: unknownTarget,
    [`GET ${page}/:poolId/entries/:journalId/reversal`]: unknownTarget,
    [`POST ${page}/:poolId/entries/:journalId/reversal`]: unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/community-budgets": JSON.stringify({
      name: "Westshire Together",
      areaCode: "E10000901",
      purpose: "Living well at home.",
    }),
    [`POST ${api}/:poolId/partners`]: JSON.stringify({ authorityId: "019a0000-0000-7000-8000-00000000a002" }),
    [`POST ${api}/:poolId/contributions`]: JSON.stringify({
      amount: "100",
      on: "2026-11-20",
      reference: "PO-1",
    }),
    [`POST ${api}/:poolId/spends`]: JSON.stringify({
      kind: "other",
      payee: "A payee",
      amount: "1",
      on: "2026-11-20",
      description: "A spend.",
    }),
    [`POST ${api}/:poolId/entries/:journalId/reversal`]: JSON.stringify({ reasons: "Recorded twice." }),
  },
};
