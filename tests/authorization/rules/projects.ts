import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  REGISTER_EDITOR,
  type RuleSet,
  scopedUnknown,
  unknownToken,
} from "../rules.ts";

export const projects: RuleSet = {
  rules: {
    // Commissioning projects
    "GET /authorities/:slug/projects": anyone(200),
    "GET /authorities/:slug/projects/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/projects/new": REGISTER_EDITOR(EMPTY_FORM),
    "GET /authorities/:slug/projects/:projectId": unknownToken,
    "POST /authorities/:slug/projects/:projectId/publish": scopedUnknown("commissioner", "authority-admin"),
    "GET /authorities/:slug/projects/:projectId/edit": scopedUnknown("commissioner", "authority-admin"),
    "POST /authorities/:slug/projects/:projectId/edit": scopedUnknown("commissioner", "authority-admin"),
    "POST /authorities/:slug/projects/:projectId/procurement-started": scopedUnknown(
      "commissioner",
      "authority-admin",
    ),
    "GET /api/v1/authorities/:authorityId/projects": anyone(200),
    "GET /api/v1/authorities/:authorityId/projects/:projectId": unknownToken,
    "POST /api/v1/authorities/:authorityId/projects": REGISTER_EDITOR(INCOMPLETE_BODY),
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
