import { anyone, REGISTER_EDITOR, type RuleSet, scopedUnknown, unknownToken } from "../rules.ts";

export const projects: RuleSet = {
  rules: {
    // Commissioning projects
    "GET /authorities/:slug/projects": anyone,
    "GET /authorities/:slug/projects/new": REGISTER_EDITOR,
    "POST /authorities/:slug/projects/new": REGISTER_EDITOR,
    "GET /authorities/:slug/projects/:projectId": unknownToken,
    "POST /authorities/:slug/projects/:projectId/publish": scopedUnknown("commissioner", "authority-admin"),
    "GET /authorities/:slug/projects/:projectId/edit": scopedUnknown("commissioner", "authority-admin"),
    "POST /authorities/:slug/projects/:projectId/edit": scopedUnknown("commissioner", "authority-admin"),
    "POST /authorities/:slug/projects/:projectId/procurement-started": scopedUnknown(
      "commissioner",
      "authority-admin",
    ),
    "GET /api/v1/authorities/:authorityId/projects": anyone,
    "GET /api/v1/authorities/:authorityId/projects/:projectId": unknownToken,
    "POST /api/v1/authorities/:authorityId/projects": REGISTER_EDITOR,
    "PATCH /api/v1/authorities/:authorityId/projects/:projectId": scopedUnknown(
      "commissioner",
      "authority-admin",
    ),
    "POST /api/v1/authorities/:authorityId/projects/:projectId/publish": scopedUnknown(
      "commissioner",
      "authority-admin",
    ),
  },
  apiBodies: {
    "PATCH /api/v1/authorities/:authorityId/projects/:projectId": JSON.stringify({
      description: "Changed by the authorisation matrix test.",
    }),
  },
};
