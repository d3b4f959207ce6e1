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

/** An authority's complaints officers for their own authority; no platform reach (complainants' personal data). */
const OFFICERS =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "complaints-officer" && tenant === "own" ? ok : "denied";

/** A provider's administrators and members for their own organisation; no platform reach. */
const PROVIDER_PEOPLE =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public"
      ? "sign-in"
      : (who === "organisation-admin" || who === "organisation-member") && tenant === "own"
        ? ok
        : "denied";

/** An ombudsman's staff for their own ombudsman (the matrix's own: the demo LGSCO); no platform reach. */
const OMBUDSMAN_STAFF =
  (ok: Allowed): Rule =>
  (who, tenant) =>
    who === "public" ? "sign-in" : who === "ombudsman-staff" && tenant === "own" ? ok : "denied";

/** A public read of something the matrix names but does not exist (its unknown body or decision): 404 to all. */
const unknownPublic: Rule = () => "invisible";

const one = "/api/v1/authorities/:authorityId/complaints/:complaintId";
const cases = "/authorities/:ombudsmanSlug/cases";
const apiCase = "/api/v1/ombudsmen/:ombudsmanId/cases/:caseId";
const page = "/authorities/:slug/complaints/:complaintId";
const bodyRemedy = "/authorities/:slug/remedies/:caseId/:seq";
const providerRemedy = "/organisations/:id/remedies/:caseId/:seq";
const ombudsmanRemedy = "/authorities/:ombudsmanSlug/cases/:caseId/remedies/:seq";
const apiRemedy = "/api/v1/ombudsmen/:ombudsmanId/cases/:caseId/remedies/:seq";

export const redress: RuleSet = {
  rules: {
    // Making a complaint and "Your complaints": anyone signed in
    "GET /complaints/new": signedIn(200),
    "POST /complaints/new": signedIn(EMPTY_FORM),
    "GET /complaints": signedIn(200),
    // Without an account: the form and "check your email" for anyone; the emailed link is the only
    // key to a complaint (the matrix sends none: it opens none)
    "GET /complaints/without-account": anyone(200),
    "POST /complaints/without-account": anyone(EMPTY_FORM),
    "GET /complaints/without-account/sent": anyone(200),
    "GET /complaints/track": unknownToken,
    "POST /complaints/track/confirm": unknownToken,
    "POST /complaints/track/accept": unknownToken,
    "POST /complaints/track/next-stage": unknownToken,
    // A complaint, and its steps: each names a complaint the service looks up first (404 for the
    // matrix's unknown one), then decides who may see and act on it
    [`GET ${page}`]: unknownTarget,
    [`GET ${page}/late-decision`]: unknownTarget,
    [`POST ${page}/late-decision`]: unknownTarget,
    [`GET ${page}/extend`]: unknownTarget,
    [`POST ${page}/extend`]: unknownTarget,
    [`GET ${page}/explain`]: unknownTarget,
    [`POST ${page}/explain`]: unknownTarget,
    [`GET ${page}/respond`]: unknownTarget,
    [`POST ${page}/respond`]: unknownTarget,
    [`POST ${page}/acknowledge`]: unknownTarget,
    [`POST ${page}/accept`]: unknownTarget,
    [`POST ${page}/next-stage`]: unknownTarget,
    // The bodies' lists
    "GET /authorities/:slug/complaints": OFFICERS(200),
    "GET /organisations/:id/complaints": PROVIDER_PEOPLE(200),
    // The API
    "POST /api/v1/complaints": signedIn(INCOMPLETE_BODY),
    "GET /api/v1/me/complaints": signedIn(200),
    "GET /api/v1/authorities/:authorityId/complaints": OFFICERS(200),
    "GET /api/v1/organisations/:id/complaints": PROVIDER_PEOPLE(200),
    [`GET ${one}`]: unknownTarget,
    [`POST ${one}/late-decision`]: unknownTarget,
    [`POST ${one}/acknowledge`]: unknownTarget,
    [`POST ${one}/extend`]: unknownTarget,
    [`POST ${one}/explain`]: unknownTarget,
    [`POST ${one}/respond`]: unknownTarget,
    [`POST ${one}/accept`]: unknownTarget,
    [`POST ${one}/next-stage`]: unknownTarget,
    // The second tier (ombudsman.routes.ts): escalation and comments on a draft name a complaint (the
    // service looks it up first); without an account, the link is the key; the ombudsman's list for its
    // staff; a case names one the service looks up first
    [`GET ${page}/escalate`]: unknownTarget,
    [`POST ${page}/escalate`]: unknownTarget,
    [`POST ${page}/case-comment`]: unknownTarget,
    "GET /complaints/track/escalate": unknownToken,
    "POST /complaints/track/escalate": unknownToken,
    "POST /complaints/track/case-comment": unknownToken,
    [`GET ${cases}`]: OMBUDSMAN_STAFF(200),
    [`GET ${cases}/:caseId`]: unknownTarget,
    [`GET ${cases}/:caseId/assess`]: unknownTarget,
    [`POST ${cases}/:caseId/assess`]: unknownTarget,
    [`GET ${cases}/:caseId/investigator`]: unknownTarget,
    [`POST ${cases}/:caseId/investigator`]: unknownTarget,
    [`GET ${cases}/:caseId/draft`]: unknownTarget,
    [`POST ${cases}/:caseId/draft`]: unknownTarget,
    [`GET ${cases}/:caseId/decision`]: unknownTarget,
    [`POST ${cases}/:caseId/decision`]: unknownTarget,
    [`POST ${one}/escalate`]: unknownTarget,
    [`POST ${one}/case-comments`]: unknownTarget,
    [`GET ${one}/case`]: unknownTarget,
    "GET /api/v1/ombudsmen/:ombudsmanId/cases": OMBUDSMAN_STAFF(200),
    "GET /api/v1/ombudsmen/:ombudsmanId/overdue-remedies": OMBUDSMAN_STAFF(200),
    [`GET ${apiCase}`]: unknownTarget,
    [`POST ${apiCase}/assess`]: unknownTarget,
    [`POST ${apiCase}/investigator`]: unknownTarget,
    [`POST ${apiCase}/draft`]: unknownTarget,
    [`POST ${apiCase}/decision`]: unknownTarget,
    // Open figures and published decisions: public
    "GET /complaints/figures/authorities/:slug": unknownPublic,
    "GET /complaints/figures/organisations/:id": unknownPublic,
    "GET /api/v1/complaints/figures/authorities/:slug": unknownPublic,
    "GET /api/v1/complaints/figures/organisations/:id": unknownPublic,
    "GET /complaints/decisions": anyone(200),
    "GET /complaints/decisions/:reference": unknownPublic,
    "GET /api/v1/complaints/decisions": anyone(200),
    "GET /api/v1/complaints/decisions/:reference": unknownPublic,
    // The regulator's view: its own staff (and platform administrators); a provider is looked up first
    "GET /regulators/:regulatorId/complaints": scoped(200, "regulator-staff"),
    "GET /regulators/:regulatorId/complaints/:organisationId": unknownTarget,
    // Remedies an ombudsman ordered: the bodies' lists; a remedy names a case the service looks up
    // first (404 for the matrix's unknown one), then decides who may see and act on it
    "GET /authorities/:slug/remedies": OFFICERS(200),
    "GET /organisations/:id/remedies": PROVIDER_PEOPLE(200),
    [`GET ${bodyRemedy}`]: unknownTarget,
    [`POST ${bodyRemedy}`]: unknownTarget,
    [`GET ${providerRemedy}`]: unknownTarget,
    [`POST ${providerRemedy}`]: unknownTarget,
    [`GET ${ombudsmanRemedy}`]: unknownTarget,
    [`POST ${ombudsmanRemedy}/confirm`]: unknownTarget,
    [`GET ${ombudsmanRemedy}/return`]: unknownTarget,
    [`POST ${ombudsmanRemedy}/return`]: unknownTarget,
    // Published: the overdue remedies, for anyone
    "GET /complaints/overdue-remedies": anyone(200),
    "GET /api/v1/complaints/overdue-remedies": anyone(200),
    "GET /api/v1/authorities/:authorityId/remedies": OFFICERS(200),
    "GET /api/v1/organisations/:id/remedies": PROVIDER_PEOPLE(200),
    [`GET ${apiRemedy}`]: unknownTarget,
    [`POST ${apiRemedy}/report`]: unknownTarget,
    [`POST ${apiRemedy}/confirm`]: unknownTarget,
    [`POST ${apiRemedy}/return`]: unknownTarget,
  },
  apiBodies: {
    [`POST ${one}/late-decision`]: JSON.stringify({ decision: "waived", reason: "The matrix asks." }),
    [`POST ${one}/extend`]: JSON.stringify({ toOn: "2027-01-29", reason: "The matrix asks." }),
    [`POST ${one}/respond`]: JSON.stringify({ finding: "upheld", response: "The matrix asks." }),
    [`POST ${one}/explain`]: JSON.stringify({ explanation: "The matrix asks." }),
    [`POST ${one}/escalate`]: JSON.stringify({ fileConsent: true }),
    [`POST ${one}/case-comments`]: JSON.stringify({ comment: "The matrix asks." }),
    [`POST ${apiCase}/assess`]: JSON.stringify({ decision: "decline", reason: "The matrix asks." }),
    [`POST ${apiCase}/investigator`]: JSON.stringify({
      investigatorId: "019a0000-0000-7000-8000-00000000c009",
    }),
    [`POST ${apiCase}/draft`]: JSON.stringify({ draft: "The matrix asks.", commentsCloseOn: "2027-01-29" }),
    [`POST ${apiCase}/decision`]: JSON.stringify({
      finding: "no-fault",
      decision: "The matrix asks.",
      publication: "withhold",
      withheldReason: "The matrix asks.",
    }),
    [`POST ${apiRemedy}/report`]: JSON.stringify({ evidence: "The matrix asks.", doneOn: "2026-11-20" }),
    [`POST ${apiRemedy}/return`]: JSON.stringify({ reason: "The matrix asks." }),
  },
};
