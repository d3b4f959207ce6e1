import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  ORG_ADMIN,
  type RuleSet,
  signedIn,
  unknownTarget,
} from "../rules.ts";

export const organisations: RuleSet = {
  rules: {
    // The directory of organisations
    "GET /organisations": anyone(200),
    "GET /organisations/:id": anyone(200),
    "GET /api/v1/organisations": anyone(200),
    "GET /api/v1/organisations/:id": anyone(200),
    "GET /organisations/new": signedIn(200),
    "POST /organisations/new": signedIn(EMPTY_FORM),
    "POST /api/v1/organisations": signedIn(INCOMPLETE_BODY),
    "GET /organisations/:id/edit": ORG_ADMIN(200),
    "POST /organisations/:id/edit": ORG_ADMIN(EMPTY_FORM),
    "GET /organisations/:id/evidence": ORG_ADMIN(200),
    "POST /organisations/:id/evidence": ORG_ADMIN(EMPTY_FORM),
    "GET /organisations/:id/relationships": ORG_ADMIN(200),
    "POST /organisations/:id/relationships": ORG_ADMIN(EMPTY_FORM),
    "POST /organisations/:id/relationships/:relationshipId/remove": unknownTarget,
    "PATCH /api/v1/organisations/:id": ORG_ADMIN(200),
    "POST /invitations/:token/accept": unknownTarget,
  },
  apiBodies: {
    "PATCH /api/v1/organisations/:id": JSON.stringify({
      description: "Changed by the authorisation matrix test.",
    }),
  },
};
