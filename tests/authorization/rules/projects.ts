import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  REGISTER_EDITOR,
  type RuleSet,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

export const projects: RuleSet = {
  rules: {
    // Commissioning projects
    "GET /authorities/:slug/projects": anyone(200),
    "GET /authorities/:slug/projects/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/projects/new": REGISTER_EDITOR(EMPTY_FORM),
    "GET /authorities/:slug/projects/:projectId": unknownToken,
    "POST /authorities/:slug/projects/:projectId/publish": unknownTarget,
    "GET /authorities/:slug/projects/:projectId/edit": unknownTarget,
    "POST /authorities/:slug/projects/:projectId/edit": unknownTarget,
    "POST /authorities/:slug/projects/:projectId/procurement-started": unknownTarget,
    "GET /api/v1/authorities/:authorityId/projects": anyone(200),
    "GET /api/v1/authorities/:authorityId/projects/:projectId": unknownToken,
    "POST /api/v1/authorities/:authorityId/projects": REGISTER_EDITOR(INCOMPLETE_BODY),
    "PATCH /api/v1/authorities/:authorityId/projects/:projectId": unknownTarget,
    "POST /api/v1/authorities/:authorityId/projects/:projectId/publish": unknownTarget,
  },
  apiBodies: {
    "PATCH /api/v1/authorities/:authorityId/projects/:projectId": JSON.stringify({
      description: "Changed by the authorisation matrix test.",
    }),
  },
};
