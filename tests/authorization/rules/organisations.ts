import { acceptUnknownToken, anyone, ORG_ADMIN, type RuleSet, scopedUnknown, signedIn } from "../rules.ts";

export const organisations: RuleSet = {
  rules: {
    // The directory of organisations
    "GET /organisations": anyone,
    "GET /organisations/:id": anyone,
    "GET /api/v1/organisations": anyone,
    "GET /api/v1/organisations/:id": anyone,
    "GET /organisations/new": signedIn,
    "POST /organisations/new": signedIn,
    "POST /api/v1/organisations": signedIn,
    "GET /organisations/:id/edit": ORG_ADMIN,
    "POST /organisations/:id/edit": ORG_ADMIN,
    "GET /organisations/:id/evidence": ORG_ADMIN,
    "POST /organisations/:id/evidence": ORG_ADMIN,
    "GET /organisations/:id/relationships": ORG_ADMIN,
    "POST /organisations/:id/relationships": ORG_ADMIN,
    "POST /organisations/:id/relationships/:relationshipId/remove": scopedUnknown("organisation-admin"),
    "PATCH /api/v1/organisations/:id": ORG_ADMIN,
    "POST /invitations/:token/accept": acceptUnknownToken,
  },
  apiBodies: {
    "PATCH /api/v1/organisations/:id": JSON.stringify({
      description: "Changed by the authorisation matrix test.",
    }),
  },
};
