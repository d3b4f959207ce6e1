import { DEMO_REGIME } from "../../../src/seed/demo/regulation.ts";
import {
  type Allowed,
  anyone,
  EMPTY_FORM,
  INCOMPLETE_BODY,
  type Rule,
  type RuleSet,
  scoped,
  signedIn,
  unknownTarget,
  unknownToken,
} from "../rules.ts";

/** A regulator's own staff (and platform administrators) act on its register; `:regulatorId` is
 * the demo regulator ("own") or another regulator ("other"). */
const REGIME = (ok: Allowed): Rule => scoped(ok, "regulator-staff");

/** Applying to register a location: a provider's administrators (any regulator), the regulator's
 * own staff, and platform administrators. */
const APPLY_FORM =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public"
      ? "sign-in"
      : who === "organisation-admin" ||
          who === "platform-admin" ||
          (who === "regulator-staff" && tenant === "own")
        ? ok
        : "denied";
/** The failing-providers view: regulators' staff and commissioners (and authority administrators). */
const FAILING_VIEWERS =
  (ok: Allowed): Rule =>
  (who) =>
    who === "public"
      ? "sign-in"
      : ["regulator-staff", "commissioner", "authority-admin", "platform-admin"].includes(who)
        ? ok
        : "denied";

export const regulation: RuleSet = {
  rules: {
    // Regulators, their regimes and registers
    "GET /regulators": anyone(200),
    "GET /regulators/:regulatorId": anyone(200),
    "GET /regulators/:regulatorId/regime": REGIME(200),
    "POST /regulators/:regulatorId/regime": REGIME(EMPTY_FORM),
    "GET /regulators/:regulatorId/registrations/new": APPLY_FORM(200),
    "POST /regulators/:regulatorId/registrations/new": APPLY_FORM(EMPTY_FORM),
    // A location: its page, the regulator's actions
    "GET /regulators/:regulatorId/locations/:locationId": unknownToken,
    "POST /regulators/:regulatorId/locations/:locationId/status": unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/enforcement": unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/enforcement/:actionId/resolve": unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/cancel": unknownTarget,
    "GET /regulators/:regulatorId/locations/:locationId/inspections/new": unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/inspections/new": unknownTarget,
    // Reports: the provider's challenges, the regulator's answers and publishing
    "GET /regulators/:regulatorId/locations/:locationId/inspections/:inspectionId": unknownToken,
    "POST /regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/challenges": unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/challenges/:challengeId/answer":
      unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/publish": unknownTarget,
    "GET /regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/correct": unknownTarget,
    "POST /regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/correct": unknownTarget,
    // Everyone: find, compare; regulators and commissioners: the failing view
    "GET /regulation/find": anyone(200),
    "GET /regulation/compare": anyone(200),
    "GET /regulation/failing": FAILING_VIEWERS(200),
    // The API (its open data is in rules/datasets.ts)
    "GET /api/v1/regulators": anyone(200),
    "GET /api/v1/regulation/locations": anyone(200),
    "GET /api/v1/regulation/locations/:locationId": unknownToken,
    "GET /api/v1/regulation/ratings": anyone(200),
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/inspections": unknownTarget,
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/publish": unknownTarget,
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges": unknownTarget,
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/corrections": unknownTarget,
    "POST /api/v1/regulators/:regulatorId/registrations": signedIn(INCOMPLETE_BODY),
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/status": unknownTarget,
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges/:challengeId/answer":
      unknownTarget,
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/enforcement": unknownTarget,
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/cancel": unknownTarget,
    "PUT /api/v1/regulators/:regulatorId/regime": scoped(200, "regulator-staff"),
    "POST /api/v1/regulators/:regulatorId/enforcement/:actionId/resolve": unknownTarget,
  },
  apiBodies: {
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/status": JSON.stringify({
      to: "suspended",
      reason: "Suspended by the authorisation matrix test.",
    }),
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges/:challengeId/answer":
      JSON.stringify({
        outcome: "rejected",
        response: "Answered by the authorisation matrix test.",
      }),
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/enforcement": JSON.stringify({
      kind: "warning-notice",
      details: "Issued by the authorisation matrix test.",
    }),
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/cancel": JSON.stringify({
      reason: "Cancelled by the authorisation matrix test.",
    }),
    // The demo regulator's regime as it is, so the rest of the matrix sees it unchanged.
    "PUT /api/v1/regulators/:regulatorId/regime": JSON.stringify(DEMO_REGIME),
    "POST /api/v1/regulators/:regulatorId/enforcement/:actionId/resolve": JSON.stringify({
      resolution: "Resolved by the authorisation matrix test.",
    }),
    "POST /api/v1/regulators/:regulatorId/locations/:locationId/inspections": JSON.stringify({
      inspectedOn: "2026-11-01",
      inspectors: "Matrix Inspector",
      evidenceSummary: "Recorded by the authorisation matrix test.",
      ratings: { safe: "good", effective: "good", caring: "good", responsive: "good", "well-led": "good" },
    }),
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges": JSON.stringify({
      point: "Challenged by the authorisation matrix test.",
    }),
    "POST /api/v1/regulators/:regulatorId/inspections/:inspectionId/corrections": JSON.stringify({
      inspectedOn: "2026-11-01",
      inspectors: "Matrix Inspector",
      evidenceSummary: "Corrected by the authorisation matrix test.",
      ratings: { safe: "good", effective: "good", caring: "good", responsive: "good", "well-led": "good" },
      corrections: "Corrected by the authorisation matrix test.",
    }),
  },
};
