import {
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  REGISTER_EDITOR,
  type RuleSet,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

export const consultations: RuleSet = {
  rules: {
    // Consultations: lists and pages for everyone, drafting and "you said, we did" for the register's editors
    "GET /consultations": anyone(200),
    "GET /authorities/:slug/consultations": anyone(200),
    "GET /authorities/:slug/consultations/new": REGISTER_EDITOR(200),
    "POST /authorities/:slug/consultations/new": REGISTER_EDITOR(EMPTY_FORM),
    "GET /authorities/:slug/consultations/:consultationId": unknownToken,
    "GET /authorities/:slug/consultations/:consultationId/edit": unknownTarget,
    "POST /authorities/:slug/consultations/:consultationId/edit": unknownTarget,
    "POST /authorities/:slug/consultations/:consultationId/publish": unknownTarget,
    // Responding: anyone signed in
    "GET /authorities/:slug/consultations/:consultationId/respond": unknownTarget,
    "POST /authorities/:slug/consultations/:consultationId/respond": unknownTarget,
    "GET /authorities/:slug/consultations/:consultationId/responses": unknownToken,
    "GET /authorities/:slug/consultations/:consultationId/answers": unknownTarget,
    "POST /authorities/:slug/consultations/:consultationId/answers": unknownTarget,
    "GET /authorities/:slug/consultations/:consultationId/summary": unknownToken,
    "GET /api/v1/consultations": anyone(200),
    "GET /api/v1/authorities/:authorityId/consultations": anyone(200),
    "GET /api/v1/authorities/:authorityId/consultations/:consultationId": unknownToken,
    "POST /api/v1/authorities/:authorityId/consultations": REGISTER_EDITOR(INCOMPLETE_BODY),
    "PATCH /api/v1/authorities/:authorityId/consultations/:consultationId": unknownTarget,
    "POST /api/v1/authorities/:authorityId/consultations/:consultationId/publish": unknownTarget,
    "POST /api/v1/authorities/:authorityId/consultations/:consultationId/responses": unknownTarget,
    "GET /api/v1/authorities/:authorityId/consultations/:consultationId/responses": unknownToken,
    "POST /api/v1/authorities/:authorityId/consultations/:consultationId/answers": unknownTarget,
    "POST /api/v1/authorities/:authorityId/consultations/:consultationId/summary/publish": unknownTarget,
  },
  apiBodies: {
    "PATCH /api/v1/authorities/:authorityId/consultations/:consultationId": JSON.stringify({
      title: "Changed by the authorisation matrix test",
    }),
    "POST /api/v1/authorities/:authorityId/consultations/:consultationId/answers": JSON.stringify({
      answers: [
        {
          responseId: "019a0000-0000-7000-8000-0000000fffff",
          sectionId: "019a0000-0000-7000-8000-0000000fffff",
          weDid: "Matrix",
        },
      ],
    }),
  },
};
