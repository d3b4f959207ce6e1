/**
 * How the Right to Challenge is shown: an EOI and a window on the pages (dates as people read them,
 * src/lib/london-time.ts), and an EOI, a window, a policy and the register's counts in the JSON API
 * (challenges.schemas.ts). Employees' names and addresses go to the API only for those who may read
 * them.
 */
import type { FastifyRequest } from "fastify";
import { field } from "../../http/forms.ts";
import { type Language, londonDate, longDate } from "../../lib/london-time.ts";
import type { ChallengeResponse } from "./challenges.schemas.ts";
import type { ChallengeView } from "./challenges.service.ts";
import type { EffectivePolicy, WindowView } from "./policy.service.ts";
import type { Register } from "./registers.service.ts";

// Pages: what they show, and the date inputs they read

/** An EOI as the pages show it. */
export function display(c: ChallengeView, locale: Language) {
  return {
    ...c,
    submittedText: c.submitted_at ? longDate(londonDate(c.submitted_at), locale) : "",
    decisionDueText: longDate(c.decision_due, locale),
    consideredOnText: longDate(c.considered_on, locale),
    agreedOnText: longDate(c.agreed_on, locale),
    decidedText: c.decided_at ? longDate(londonDate(c.decided_at), locale) : "",
  };
}

/** A window as the pages show it. */
export function displayWindow(w: WindowView, locale: Language) {
  return { ...w, opensText: longDate(w.opens_on, locale), closesText: longDate(w.closes_on, locale) };
}

/** An authority's Right to Challenge pages start here. */
export function pagesOf(authority: { slug: string }): string {
  return `/authorities/${authority.slug}/right-to-challenge`;
}

/** One value of the query string, as text ("" when absent). */
export function queryField(request: FastifyRequest, name: string): string {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : "";
}

/** A GOV.UK date input left empty. */
export const NO_DATE = { day: "", month: "", year: "" } as const;

/** A GOV.UK date input's parts as sent (`<name>-day`, `-month`, `-year`), to show them again. */
export function dateParts(body: unknown, name: string) {
  return {
    day: field(body, `${name}-day`),
    month: field(body, `${name}-month`),
    year: field(body, `${name}-year`),
  };
}

// The JSON API

export function policyJson(policy: EffectivePolicy) {
  return {
    decisionPeriodDays: policy.decisionPeriodDays,
    minProcurementDays: policy.minProcurementDays,
    maxProcurementDays: policy.maxProcurementDays,
    published: policy.published,
    publishedAt: policy.publishedAt ? policy.publishedAt.toISOString() : null,
    updatedAt: policy.updatedAt ? policy.updatedAt.toISOString() : null,
  };
}

export function windowJson(w: WindowView) {
  return {
    id: w.id,
    service: { id: w.service_id, name: w.service_name },
    opensOn: w.opens_on,
    closesOn: w.closes_on,
    state: w.state,
  };
}

/** An EOI as the API gives it: employees' names only for those who may read them. */
export function challengeJson(c: ChallengeView): ChallengeResponse {
  return {
    id: c.id,
    authority: { id: c.authority_id, name: c.authority_name, slug: c.authority_slug },
    service: { id: c.service_id, name: c.service_name },
    applicant: {
      type: c.applicant_type,
      name: c.applicantName,
      organisationId: c.organisation_id,
      employees: c.employeeCount,
      ...(c.applicant_type === "employees" && c.mayReadCoSignatories
        ? {
            coSignatories: c.coSignatories.map((s) => ({
              name: s.name,
              jobTitle: s.jobTitle,
              email: s.email,
              confirmedAt: s.confirmedAt ? s.confirmedAt.toISOString() : null,
            })),
          }
        : {}),
    },
    possibleMutual: c.possibleMutual,
    status: c.status,
    content: {
      financialResources: c.financial_resources,
      partners: c.partners,
      capabilityEvidence: c.capability_evidence,
      serviceArea: c.service_area,
      outcomes: c.outcomes,
      userNeeds: c.user_needs,
      employeeEngagement: c.employee_engagement,
    },
    submittedAt: c.submitted_at ? c.submitted_at.toISOString() : null,
    decisionDue: c.decision_due,
    overdue: c.overdue,
    consideration:
      c.considered_on && c.considered_by && c.evidence_weighed
        ? { consideredBy: c.considered_by, consideredOn: c.considered_on, evidence: c.evidence_weighed }
        : null,
    modification: c.modification
      ? {
          modification: c.modification,
          grounds: c.modification_grounds ?? [],
          agreement:
            c.agreement_kind && c.agreed_on
              ? { kind: c.agreement_kind, agreedOn: c.agreed_on, evidence: c.agreement_evidence }
              : null,
        }
      : null,
    decision:
      c.decision && c.decided_at
        ? {
            outcome: c.decision,
            grounds: c.rejection_grounds ?? [],
            reasons: c.reasons ?? "",
            decidedAt: c.decided_at.toISOString(),
          }
        : null,
    projectId: c.project_id,
    pageUrl: `/authorities/${c.authority_slug}/right-to-challenge/${c.id}`,
  };
}

/** The register's counts: by outcome, overdue, possible mutuals and rejections by ground. */
export function countsJson(register: Register) {
  const n = (v: bigint) => Number(v);
  return {
    total: n(register.counts.total),
    byOutcome: {
      undecided: n(register.counts.undecided),
      accepted: n(register.counts.accepted),
      modified: n(register.counts.modified),
      rejected: n(register.counts.rejected),
      withdrawn: n(register.counts.withdrawn),
    },
    overdue: n(register.counts.overdue),
    possibleMutuals: n(register.counts.possibleMutuals),
    rejectionsByGround: Object.fromEntries(register.byGround.map((g) => [g.ground, n(g.count)])),
  };
}
