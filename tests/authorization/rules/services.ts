import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  REGISTER_EDITOR,
  type RuleSet,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

export const services: RuleSet = {
  rules: {
    // The service register, option appraisals and the pipeline
    "GET /authorities/:slug/services": anyone(200),
    "GET /authorities/:slug/services/:serviceId": unknownToken,
    "GET /authorities/:slug/pipeline": anyone(200),
    "GET /pipeline": anyone(200),
    "GET /authorities/:slug/services/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/services/new": REGISTER_EDITOR(EMPTY_FORM),
    "GET /authorities/:slug/services/:serviceId/edit": unknownTarget,
    "POST /authorities/:slug/services/:serviceId/edit": unknownTarget,
    "GET /authorities/:slug/services/:serviceId/appraisals/new": unknownTarget,
    "POST /authorities/:slug/services/:serviceId/appraisals/new": unknownTarget,
    "POST /authorities/:slug/services/:serviceId/appraisals/:appraisalId/publish": unknownTarget,
    "GET /api/v1/authorities/:authorityId/services": anyone(200),
    "GET /api/v1/authorities/:authorityId/services/:serviceId": unknownToken,
    "POST /api/v1/authorities/:authorityId/services": REGISTER_EDITOR(INCOMPLETE_BODY),
    "PATCH /api/v1/authorities/:authorityId/services/:serviceId": unknownTarget,
    "GET /api/v1/pipeline": anyone(200),
  },
  apiBodies: {
    "PATCH /api/v1/authorities/:authorityId/services/:serviceId": JSON.stringify({
      description: "Changed by the authorisation matrix test.",
    }),
  },
};
