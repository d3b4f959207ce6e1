import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  OWN_ORG,
  REGISTER_EDITOR,
  type RuleSet,
  scoped,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

export const choice: RuleSet = {
  rules: {
    // Approved-provider lists: the public index, an authority's lists, a list and its comparison
    "GET /choice": anyone(200),
    "GET /authorities/:slug/choice": anyone(200),
    "GET /authorities/:slug/choice/:listId": unknownToken,
    "GET /authorities/:slug/choice/:listId/compare": unknownToken,
    // The authority's editors: drafting, publishing, closing
    "GET /authorities/:slug/choice/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/choice/new": REGISTER_EDITOR(EMPTY_FORM),
    "POST /authorities/:slug/choice/:listId/publish": unknownTarget,
    "GET /authorities/:slug/choice/:listId/close": unknownTarget,
    "POST /authorities/:slug/choice/:listId/close": unknownTarget,
    // Providers: joining, their offer, leaving, their own lists
    "GET /authorities/:slug/choice/:listId/join": unknownTarget,
    "POST /authorities/:slug/choice/:listId/join": unknownTarget,
    "GET /authorities/:slug/choice/:listId/members/:organisationId/offer": unknownTarget,
    "POST /authorities/:slug/choice/:listId/members/:organisationId/offer": unknownTarget,
    "POST /authorities/:slug/choice/:listId/members/:organisationId/leave": unknownTarget,
    "GET /organisations/:id/choice": scoped(200, "organisation-admin", "organisation-member"),
    // The API
    "GET /api/v1/choice/lists": anyone(200),
    "GET /api/v1/authorities/:authorityId/choice/lists/:listId": unknownToken,
    "GET /api/v1/authorities/:authorityId/choice/lists/:listId/compare": unknownToken,
    "POST /api/v1/authorities/:authorityId/choice/lists": REGISTER_EDITOR(INCOMPLETE_BODY),
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/publish": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/close": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/members": unknownTarget,
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/leave": unknownTarget,
    "PUT /api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/offer": unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/close": JSON.stringify({
      reason: "Closed by the authorisation matrix test.",
    }),
    "POST /api/v1/authorities/:authorityId/choice/lists/:listId/members": JSON.stringify({
      organisationId: OWN_ORG,
    }),
  },
};
