import {
  type Allowed,
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  platformAdmin,
  type Rule,
  type RuleSet,
  unknownToken,
} from "../rules.ts";

/** A provider's administrators for their own organisation; no platform reach (a complaint is made for it by its own people). */
const ORG_ADMINS_EXACTLY =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "organisation-admin" && tenant === "own" ? ok : "denied";

/** Redress's second-tier bodies (platform administrators), complaints about commissioning, and the API without an account. */
export const commissioning: RuleSet = {
  rules: {
    // Which authority is which ombudsman or adjudicator: platform administrators
    "GET /admin/second-tier-bodies": platformAdmin(200),
    "POST /admin/second-tier-bodies": platformAdmin(EMPTY_FORM),
    // Nothing named for the empty form's scheme: 404 to platform administrators
    "POST /admin/second-tier-bodies/remove": (who) =>
      who === "public" ? "sign-in" : who === "platform-admin" ? "invisible" : "denied",
    "GET /api/v1/admin/second-tier-bodies": platformAdmin(200),
    // The matrix's scheme is not one: 400 once allowed
    "PUT /api/v1/admin/second-tier-bodies/:scheme": platformAdmin(INCOMPLETE_BODY),
    "DELETE /api/v1/admin/second-tier-bodies/:scheme": platformAdmin(INCOMPLETE_BODY),
    // A provider's complaint about commissioning: its administrators
    "GET /organisations/:id/complaints/commissioning/new": ORG_ADMINS_EXACTLY(200),
    "POST /organisations/:id/complaints/commissioning/new": ORG_ADMINS_EXACTLY(EMPTY_FORM),
    "GET /api/v1/organisations/:id/commissioning-subjects": ORG_ADMINS_EXACTLY(200),
    "POST /api/v1/organisations/:id/commissioning-complaints": ORG_ADMINS_EXACTLY(INCOMPLETE_BODY),
    // A champion's complaints for the people who appointed it: its own people (exactly; no platform reach)
    "GET /champions/:championId/complaints": (who, tenant) =>
      who === "public" ? "sign-in" : who === "consumer-champion" && tenant === "own" ? 200 : "denied",
    // Without an account: anyone may start one; the link's token is the only key (the matrix sends none)
    "POST /api/v1/complaints/without-account": anyone(INCOMPLETE_BODY),
    "GET /api/v1/complaints/track": unknownToken,
    "POST /api/v1/complaints/track/confirm": unknownToken,
    "POST /api/v1/complaints/track/accept": unknownToken,
    "POST /api/v1/complaints/track/next-stage": unknownToken,
    // The second tier by the token: the escalation and the comment need their bodies first (400)
    "GET /api/v1/complaints/track/case": unknownToken,
    "POST /api/v1/complaints/track/escalate": anyone(INCOMPLETE_BODY),
    "POST /api/v1/complaints/track/case-comments": anyone(INCOMPLETE_BODY),
  },
};
