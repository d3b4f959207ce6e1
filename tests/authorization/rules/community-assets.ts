import type { Rule, RuleSet } from "../rules.ts";
import { anyone, REGISTER_EDITOR, unknownTarget } from "../rules.ts";

/**
 * Assets of community value (src/modules/community-assets): anyone reads the register and an entry
 * (the matrix's unknown one: 404); the people of a parish council or a community group nominate and
 * ask to bid (and the nominating group withdraws) — no role of the matrix acts for one (its organisation is a mutual), so every one signed
 * in is refused; the council's commissioners and administrators (and platform administrators) see
 * its nominations to decide; the council's forms on an entry name an entry the service looks up
 * first (404 to everyone signed in).
 */
const api = "/api/v1/community-assets";
const page = "/community-assets";
const nominate = "/authorities/:slug/community-assets/nominate";

/** Nominators: the people of a parish council or community group only — none among the matrix's callers. */
const nominators: Rule = (who) => (who === "public" ? "sign-in" : "denied");

const ACTIONS = [
  "decision",
  "review-request",
  "review-decision",
  "appeal",
  "notice",
  "exempt-disposal",
  "sale",
  "bid-request",
  "withdrawal",
] as const;

export const communityAssets: RuleSet = {
  rules: {
    [`GET ${api}`]: anyone(200),
    [`GET ${api}/:assetId`]: () => "invisible",
    "POST /api/v1/authorities/:authorityId/community-assets": nominators,
    ...Object.fromEntries(ACTIONS.map((a) => [`POST ${api}/:assetId/${a}`, unknownTarget])),
    [`GET ${page}`]: anyone(200),
    [`GET ${page}/:assetId`]: () => "invisible",
    ...Object.fromEntries(
      ACTIONS.flatMap((a) => [
        [`GET ${page}/:assetId/${a}`, unknownTarget],
        [`POST ${page}/:assetId/${a}`, unknownTarget],
      ]),
    ),
    "GET /authorities/:slug/community-assets": REGISTER_EDITOR(200),
    [`GET ${nominate}`]: nominators,
    [`POST ${nominate}`]: nominators,
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/community-assets": JSON.stringify({
      name: "The Red Lion",
      address: "1 High Street, Wesford",
      postcode: "WS1 2AB",
      area: "Wesford Central",
      description: "A public house.",
      reasons: "The village's only pub.",
      localConnection: "Our members live in Wesford.",
      ownerName: "Red Lion Pubs Ltd",
    }),
    [`POST ${api}/:assetId/decision`]: JSON.stringify({
      outcome: "listed",
      reasons: "A hub of village life.",
    }),
    [`POST ${api}/:assetId/review-request`]: JSON.stringify({ on: "2026-11-20" }),
    [`POST ${api}/:assetId/review-decision`]: JSON.stringify({ outcome: "kept", reasons: "Still a hub." }),
    [`POST ${api}/:assetId/appeal`]: JSON.stringify({ lodgedOn: "2026-11-20" }),
    [`POST ${api}/:assetId/notice`]: JSON.stringify({ on: "2026-11-20" }),
    [`POST ${api}/:assetId/exempt-disposal`]: JSON.stringify({ ground: "gift", on: "2026-11-20" }),
    [`POST ${api}/:assetId/sale`]: JSON.stringify({ on: "2026-11-20" }),
    [`POST ${api}/:assetId/bid-request`]: JSON.stringify({}),
    [`POST ${api}/:assetId/withdrawal`]: JSON.stringify({ reasons: "We have found another home." }),
  },
};
