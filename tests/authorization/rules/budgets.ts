import type { Outcome, Rule, RuleSet } from "../rules.ts";
import { EMPTY_FORM, scoped, UNKNOWN, unknownTarget } from "../rules.ts";

const api = "/api/v1/authorities/:authorityId/budgets";
const page = "/authorities/:slug/budgets";
const plan = ":planId";

/**
 * Opening a plan's ledger names a plan the matrix does not have: the authority's care staff (and
 * platform administrators) are let through to find it unknown (404); anyone else is refused first.
 */
const OPEN_UNKNOWN_PLAN: Rule = (who, tenant) => {
  if (who === "public") return "sign-in";
  if (who === "platform-admin") return "invisible";
  return who === "care-staff" && tenant === "own" ? "invisible" : "denied";
};

/** A provider's invoicing: its administrators and members (of their own organisation) only. */
const PROVIDER_PEOPLE =
  (ok: Outcome): Rule =>
  (who, tenant) =>
    who === "public"
      ? "sign-in"
      : (who === "organisation-admin" || who === "organisation-member") && tenant === "own"
        ? ok
        : "denied";

export const budgets: RuleSet = {
  rules: {
    // Pages
    [`GET ${page}`]: scoped(200, "care-staff"),
    [`GET ${page}/${plan}`]: unknownTarget,
    [`GET ${page}/${plan}/invoices/new`]: unknownTarget,
    [`POST ${page}/${plan}/invoices/new`]: unknownTarget,
    [`POST ${page}/${plan}/invoices/:invoiceId/approve`]: unknownTarget,
    [`GET ${page}/${plan}/invoices/:invoiceId/reject`]: unknownTarget,
    [`POST ${page}/${plan}/invoices/:invoiceId/reject`]: unknownTarget,
    [`GET ${page}/${plan}/payments-out/new`]: unknownTarget,
    [`POST ${page}/${plan}/payments-out/new`]: unknownTarget,
    [`GET ${page}/${plan}/surplus`]: unknownTarget,
    [`POST ${page}/${plan}/surplus`]: unknownTarget,
    [`GET ${page}/${plan}/schedule`]: unknownTarget,
    [`POST ${page}/${plan}/schedule`]: unknownTarget,
    [`GET ${page}/${plan}/statement`]: unknownTarget,
    [`GET ${page}/${plan}/statement.csv`]: unknownTarget,
    [`GET ${page}/${plan}/transactions`]: unknownTarget,
    // The JSON API
    [`GET ${api}`]: scoped(200, "care-staff"),
    [`POST ${api}`]: OPEN_UNKNOWN_PLAN,
    [`GET ${api}/${plan}`]: unknownTarget,
    [`POST ${api}/${plan}/schedule`]: unknownTarget,
    [`GET ${api}/${plan}/statement`]: unknownTarget,
    [`GET ${api}/${plan}/statement.csv`]: unknownTarget,
    [`GET ${api}/${plan}/transactions`]: unknownTarget,
    [`POST ${api}/${plan}/invoices`]: unknownTarget,
    [`POST ${api}/${plan}/invoices/:invoiceId/approval`]: unknownTarget,
    [`POST ${api}/${plan}/invoices/:invoiceId/rejection`]: unknownTarget,
    [`POST ${api}/${plan}/payments-out`]: unknownTarget,
    [`POST ${api}/${plan}/surplus/recovery`]: unknownTarget,
    [`POST ${api}/${plan}/surplus/waiver`]: unknownTarget,
    // A provider's invoices against its arrangements; the person paying one from the direct payment
    [`POST ${page}/${plan}/invoices/:invoiceId/pay`]: unknownTarget,
    [`POST ${api}/${plan}/invoices/:invoiceId/payment`]: unknownTarget,
    "GET /organisations/:id/invoices": PROVIDER_PEOPLE(200),
    "GET /organisations/:id/invoices/new": PROVIDER_PEOPLE(200),
    "POST /organisations/:id/invoices/new": PROVIDER_PEOPLE(EMPTY_FORM),
    "GET /api/v1/organisations/:id/invoices": PROVIDER_PEOPLE(200),
    // The arrangement named is unknown: its own people find it so (404).
    "POST /api/v1/organisations/:id/invoices": PROVIDER_PEOPLE("invisible"),
  },
  apiBodies: {
    [`POST ${api}`]: JSON.stringify({ planId: UNKNOWN, cadence: "monthly" }),
    [`POST ${api}/${plan}/invoices`]: JSON.stringify({
      organisationId: UNKNOWN,
      periodStartsOn: "2026-11-01",
      periodEndsOn: "2026-11-30",
      amount: "£100.00",
      reference: "MATRIX-1",
    }),
    [`POST ${api}/${plan}/invoices/:invoiceId/rejection`]: JSON.stringify({ reason: "Matrix" }),
    "POST /api/v1/organisations/:id/invoices": JSON.stringify({
      authorityId: UNKNOWN,
      arrangementId: UNKNOWN,
      periodStartsOn: "2026-11-01",
      periodEndsOn: "2026-11-07",
      units: "2",
      amount: "£40.00",
      reference: "MATRIX-2",
    }),
    [`POST ${api}/${plan}/payments-out`]: JSON.stringify({ amount: "£10.00", description: "Matrix" }),
    [`POST ${api}/${plan}/schedule`]: JSON.stringify({ cadence: "monthly" }),
    [`POST ${api}/${plan}/surplus/recovery`]: JSON.stringify({}),
    [`POST ${api}/${plan}/surplus/waiver`]: JSON.stringify({ reason: "Matrix" }),
  },
};
