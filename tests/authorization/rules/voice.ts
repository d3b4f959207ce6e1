import { DEMO_AREA } from "../../../src/seed/demo/areas.ts";
import {
  type Allowed,
  anyone,
  EMPTY_FORM,
  OWN_ORG,
  platformAdmin,
  type Rule,
  type RuleSet,
  scoped,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

/** A champion's own people (and platform administrators) act for it; `:championId` is the demo
 * champion ("own") or another champion ("other"). */
const CHAMPION_STAFF = (ok: Allowed): Rule => scoped(ok, "consumer-champion");

/**
 * Exactly the champion's own people (no platform administrator: the names of the people who
 * appointed it are personal data); everyone else signed in, 403.
 */
const CHAMPION_PEOPLE =
  (ok: Allowed | "invisible"): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "consumer-champion" && tenant === "own" ? ok : "denied";

/** A moderator's decision on a review the matrix does not know: 404 to platform administrators. */
const MODERATORS_UNKNOWN: Rule = (who) =>
  who === "public" ? "sign-in" : who === "platform-admin" ? "invisible" : "denied";

/** Consumer champions (the voice module): public pages and reports, the champions' own writes. */
export const voice: RuleSet = {
  rules: {
    "GET /champions": anyone(200),
    "GET /champions/reports": anyone(200),
    "GET /champions/:championId": anyone(200),
    "GET /champions/:championId/areas": CHAMPION_STAFF(200),
    "POST /champions/:championId/areas": CHAMPION_STAFF(EMPTY_FORM),
    "POST /champions/:championId/areas/remove": CHAMPION_STAFF(EMPTY_FORM),
    "GET /champions/:championId/reports/new": CHAMPION_STAFF(200),
    "POST /champions/:championId/reports/new": CHAMPION_STAFF(EMPTY_FORM),
    // A report: the matrix names one that does not exist (a draft is as unknown to outsiders).
    "GET /champions/:championId/reports/:reportId": unknownToken,
    "GET /champions/:championId/reports/:reportId/edit": unknownTarget,
    "POST /champions/:championId/reports/:reportId/edit": unknownTarget,
    "POST /champions/:championId/reports/:reportId/publish": unknownTarget,
    "POST /champions/:championId/reports/:reportId/withdraw": unknownTarget,
    "GET /api/v1/champions": anyone(200),
    "GET /api/v1/champions/:championId": anyone(200),
    "GET /api/v1/champion-reports": anyone(200),
    "GET /api/v1/champions/:championId/reports/:reportId": unknownToken,
    "GET /api/v1/champions/:championId/reports/:reportId/document": unknownToken,
    // A draft: both champions cover the area the body names.
    "POST /api/v1/champions/:championId/reports": CHAMPION_STAFF(201),
    "POST /api/v1/champions/:championId/reports/:reportId/publish": unknownTarget,
    "POST /api/v1/champions/:championId/reports/:reportId/corrections": unknownTarget,
    "POST /api/v1/champions/:championId/reports/:reportId/withdraw": unknownTarget,
    // The people who appointed the champion; ending one the matrix names (unknown: 404 to its people).
    "GET /champions/:championId/people": CHAMPION_PEOPLE(200),
    "POST /champions/:championId/people/:linkId/end": CHAMPION_PEOPLE("invisible"),
    "GET /api/v1/champions/:championId/appointments": CHAMPION_PEOPLE(200),
    "POST /api/v1/champions/:championId/appointments/:linkId/end": CHAMPION_PEOPLE("invisible"),
    // Users' feedback: the policy and a provider's reviews are public; leaving one names a person the
    // matrix does not know (404 to everyone signed in), replying a review it does not know; moderating
    // is the platform's moderators' (platform administrators: then 404 for the unknown review).
    "GET /feedback/policy": anyone(200),
    "GET /organisations/:id/feedback": anyone(200),
    "GET /care/people/:personId/feedback/new": unknownTarget,
    "POST /care/people/:personId/feedback/new": unknownTarget,
    "POST /api/v1/authorities/:authorityId/care/people/:personId/feedback": unknownTarget,
    "POST /api/v1/feedback/:reviewId/moderate": MODERATORS_UNKNOWN,
    "POST /api/v1/organisations/:id/feedback/:reviewId/reply": unknownTarget,
    "GET /api/v1/organisations/:id/feedback": anyone(200),
    // The moderators' pages: the queue (platform administrators), a decision on an unknown review
    // (404 to them); the provider's reply page to a review the matrix does not know (404 signed in).
    "GET /feedback/moderation": platformAdmin(200),
    "GET /feedback/moderation/published": platformAdmin(200),
    "GET /feedback/moderation/:reviewId": MODERATORS_UNKNOWN,
    "POST /feedback/moderation/:reviewId": MODERATORS_UNKNOWN,
    "GET /organisations/:id/feedback/:reviewId/reply": unknownTarget,
    "POST /organisations/:id/feedback/:reviewId/reply": unknownTarget,
    // An area's open figures of choice: public (the matrix names Westshire).
    "GET /choice/areas/:areaCode": anyone(200),
    "GET /api/v1/choice/areas/:areaCode/figures": anyone(200),
  },
  apiBodies: {
    "POST /api/v1/authorities/:authorityId/care/people/:personId/feedback": JSON.stringify({
      organisationId: OWN_ORG,
      stars: 4,
      text: "Written by the authorisation matrix test.",
      serviceType: "domiciliary-care",
      serviceMonth: "2026-11",
    }),
    "POST /api/v1/feedback/:reviewId/moderate": JSON.stringify({
      decision: "reject",
      reason: "By the matrix.",
    }),
    "POST /api/v1/organisations/:id/feedback/:reviewId/reply": JSON.stringify({ reply: "By the matrix." }),
    "POST /api/v1/champions/:championId/reports": JSON.stringify({
      title: "A report by the authorisation matrix",
      summary: "Written by the authorisation matrix test.",
      body: "The text of a report written by the authorisation matrix test.",
      areaCode: DEMO_AREA.westshire,
    }),
    "POST /api/v1/champions/:championId/reports/:reportId/corrections": JSON.stringify({
      title: "A corrected report",
      summary: "Corrected by the authorisation matrix test.",
      body: "The corrected text.",
      note: "A correction by the authorisation matrix test.",
    }),
    "POST /api/v1/champions/:championId/reports/:reportId/withdraw": JSON.stringify({
      reason: "Withdrawn by the authorisation matrix test.",
    }),
  },
};
