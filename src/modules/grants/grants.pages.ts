/**
 * The grants pages: programmes (/grants, and /grants/:programmeId: public), the apply form
 * (/grants/:programmeId/apply: organisations' administrators), the funder's applications
 * (/grants/:programmeId/applications) and an application with its decision form
 * (/grants/:programmeId/applications/:applicationId: the funder's people decide; the applicant's
 * people read it), the payment form, the adviser's assignment and acceptance, and the end report
 * (the recipient's administrators submit it; the funder's people accept it or ask for changes) on it, and the
 * programme form (/grants/new, /grants/:programmeId/edit: the funder's people, while nothing is
 * awarded). Each form re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formAction, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { newId } from "../../lib/ids.ts";
import { formatPence } from "../../lib/money.ts";
import { hasRole } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone } from "../access/policies.ts";
import { SECTORS } from "../organisations/organisations.service.ts";
import { SERVICE_CATEGORIES } from "../vocabularies/service-categories.ts";
import { acceptAdvice, adviserMatches, adviserResponseTimes, assignAdviser } from "./advisers.service.ts";
import type { EligibilityRule } from "./eligibility.ts";
import { reviewEndReport, submitEndReport } from "./end-reports.service.ts";
import { supportVocabularyOf } from "./grants.ports.ts";
import {
  actsForFunder,
  applicantOrganisations,
  applicationOf,
  applicationsOf,
  apply,
  applyFormOf,
  changeable,
  conditionsOf,
  createProgrammeFor,
  decide,
  funderChoices,
  listProgrammes,
  type ProgrammeInput,
  type ProgrammeView,
  programmeToChange,
  programmeView,
  recordPayment,
  updateProgramme,
} from "./grants.service.ts";

type ProgrammeRequest = FastifyRequest<{ Params: { programmeId: string }; Querystring: { notice?: string } }>;
type ApplicationRequest = FastifyRequest<{
  Params: { programmeId: string; applicationId: string };
  Querystring: { notice?: string };
}>;

const VIEWS = "grants/views";

const signedInFirst = afterLookup({
  description: "Anyone signed in: the service decides",
  signedIn: true,
  check() {},
});

function shownProgramme(v: ProgrammeView) {
  const p = v.programme;
  return {
    id: p.id,
    url: `/grants/${p.id}`,
    title: p.title,
    description: p.description,
    funder: v.funderName,
    budget: formatPence(p.budget_pence),
    awarded: formatPence(p.awarded_pence),
    left: formatPence(v.leftPence),
    opensOn: p.opens_on,
    closesOn: p.closes_on,
    open: v.open,
    matchedFunding: formatPercent(p.matched_funding_bp),
    supportKinds: p.support_kinds,
    eligibility: p.eligibility,
  };
}

const DATE_FIELDS = ["opensOn", "closesOn"] as const;
const KEY = /^[A-Za-z0-9_-]{8,100}$/;

/** The programme form's fields as sent (dates as their parts, lists as lists). */
function readProgramme(body: unknown) {
  const values: Record<string, string | string[]> = {
    funder: field(body, "funder"),
    title: field(body, "title"),
    description: field(body, "description"),
    budget: field(body, "budget"),
    matchedFunding: field(body, "matchedFunding"),
    supportKinds: fieldList(body, "supportKinds"),
    sectors: fieldList(body, "sectors"),
    maxYears: field(body, "maxYears"),
    facts: fieldList(body, "facts"),
    combine: field(body, "combine"),
  };
  for (const d of DATE_FIELDS)
    for (const part of ["day", "month", "year"]) values[`${d}-${part}`] = field(body, `${d}-${part}`);
  return values;
}

type ProgrammeValues = ReturnType<typeof readProgramme>;
const text = (v: ProgrammeValues, k: string) => String(v[k] ?? "");
const list = (v: ProgrammeValues, k: string) => (Array.isArray(v[k]) ? (v[k] as string[]) : []);

/**
 * The form's choices as the rule vocabulary: the sectors as `sector-in`; the most years and the
 * facts each a rule, all of which must hold, or — "any" — one `any-of` of them.
 */
export function rulesOfForm(v: ProgrammeValues): unknown[] {
  const rules: unknown[] = [];
  const sectors = list(v, "sectors");
  if (sectors.length > 0) rules.push({ kind: "sector-in", sectors });
  const alternatives: unknown[] = [];
  const years = text(v, "maxYears");
  if (years !== "")
    alternatives.push({ kind: "age-at-most", years: /^\d{1,3}$/.test(years) ? Number(years) : years });
  const labels = new Map(supportVocabularyOf().facts.map((f) => [f.fact, f.label]));
  for (const fact of list(v, "facts"))
    alternatives.push({ kind: "fact", fact, label: labels.get(fact) ?? fact });
  if (text(v, "combine") === "any" && alternatives.length >= 2)
    rules.push({ kind: "any-of", rules: alternatives });
  else rules.push(...alternatives);
  return rules;
}

/** A programme's rules back as the form's choices (the rules the form can say). */
function formOfRules(rules: readonly EligibilityRule[]) {
  const out = { sectors: [] as string[], maxYears: "", facts: [] as string[], combine: "all" };
  const take = (r: EligibilityRule) => {
    if (r.kind === "sector-in") out.sectors = [...r.sectors];
    else if (r.kind === "age-at-most") out.maxYears = String(r.years);
    else if (r.kind === "fact") out.facts.push(r.fact);
    else {
      out.combine = "any";
      for (const x of r.rules) take(x);
    }
  };
  for (const r of rules) take(r);
  return out;
}

function programmeInput(v: ProgrammeValues): ProgrammeInput {
  return {
    title: text(v, "title"),
    description: text(v, "description"),
    budget: text(v, "budget"),
    opensOn: dateField(v, "opensOn"),
    closesOn: dateField(v, "closesOn"),
    matchedFunding: text(v, "matchedFunding"),
    supportKinds: list(v, "supportKinds"),
    eligibility: rulesOfForm(v),
  };
}

const dateParts = (prefix: string, iso: string) => {
  const [year, month, day] = iso.split("-");
  return {
    [`${prefix}-day`]: String(Number(day)),
    [`${prefix}-month`]: String(Number(month)),
    [`${prefix}-year`]: year ?? "",
  };
};

/** What the programme form offers. */
function programmeChoices() {
  const vocabulary = supportVocabularyOf();
  return { sectors: SECTORS, facts: vocabulary.facts, noindex: true };
}

const programmeFieldOf = (f: string | undefined) =>
  f === "opensOn" || f === "closesOn" ? `${f}-day` : f === "eligibility" ? "maxYears" : f;

export function grantsPages(app: FastifyInstance): void {
  formPage(app, "/grants/new", {
    who: signedInFirst,
    template: `${VIEWS}/programme-form.njk`,
    context: async (request) => ({ ...programmeChoices(), funders: await funderChoices(ctxOf(request)) }),
    values: (_request, context) => ({
      funder: context.funders.length === 1 ? `${context.funders[0]?.type}:${context.funders[0]?.id}` : "",
      combine: "all",
    }),
    read: (body) => readProgramme(body),
    fieldOf: programmeFieldOf,
    submit: async (request, v) => {
      const p = await createProgrammeFor(ctxOf(request), text(v, "funder"), programmeInput(v));
      return `/grants/${p.id}?notice=created`;
    },
  });

  formPage(app, "/grants/:programmeId/edit", {
    who: signedInFirst,
    template: `${VIEWS}/programme-form.njk`,
    context: async (request: ProgrammeRequest) => {
      const ctx = ctxOf(request);
      const v = await programmeToChange(ctx, request.params.programmeId);
      return {
        ...programmeChoices(),
        programme: shownProgramme(v),
        changeable: changeable(v.programme),
        raw: v.programme,
      };
    },
    values: (_request, context) => {
      const p = context.raw;
      return {
        title: p.title,
        description: p.description,
        budget: formatPence(p.budget_pence).replace(/^£/, "").replaceAll(",", ""),
        matchedFunding: String(p.matched_funding_bp / 100),
        supportKinds: p.support_kinds,
        ...dateParts("opensOn", p.opens_on),
        ...dateParts("closesOn", p.closes_on),
        ...formOfRules(p.eligibility),
      };
    },
    read: (body) => readProgramme(body),
    fieldOf: programmeFieldOf,
    submit: async (request: ProgrammeRequest, v) => {
      await updateProgramme(ctxOf(request), request.params.programmeId, programmeInput(v));
      return `/grants/${request.params.programmeId}?notice=changed`;
    },
  });

  app.get("/grants", page({ who: anyone }), async (request, reply) => {
    const programmes = await listProgrammes(ctxOf(request));
    await reply.page(`${VIEWS}/list.njk`, { programmes: programmes.map(shownProgramme) });
  });

  app.get("/grants/:programmeId", page({ who: anyone }), async (request: ProgrammeRequest, reply) => {
    const ctx = ctxOf(request);
    const v = await programmeView(ctx, request.params.programmeId);
    const times = v.programme.support_kinds.includes("adviser-time")
      ? await adviserResponseTimes(ctx, v.programme.id)
      : null;
    await reply.page(`${VIEWS}/programme.njk`, {
      programme: shownProgramme(v),
      canApply: v.open && applicantOrganisations(ctx).length > 0,
      funder: actsForFunder(ctx, v.programme),
      changeable: changeable(v.programme),
      times,
      notice: ["created", "changed"].includes(request.query.notice ?? "") ? request.query.notice : undefined,
    });
  });

  formPage(app, "/grants/:programmeId/apply", {
    who: signedInFirst,
    template: `${VIEWS}/apply.njk`,
    context: async (request: ProgrammeRequest) => {
      const f = await applyFormOf(ctxOf(request), request.params.programmeId);
      return {
        programme: shownProgramme(f.programme),
        organisations: f.organisations,
        stages: supportVocabularyOf().stages,
        areas: SERVICE_CATEGORIES.map((c) => ({ code: c.code, name: c.name })),
        noindex: true,
      };
    },
    values: (_request, context) => ({
      organisationId: context.organisations.length === 1 ? context.organisations[0]?.id : "",
    }),
    read: (body) => ({
      organisationId: field(body, "organisationId"),
      supportKind: field(body, "supportKind"),
      purpose: field(body, "purpose"),
      amount: field(body, "amount"),
      matched: field(body, "matched"),
      context: field(body, "context"),
      adviceStage: field(body, "adviceStage"),
      adviceArea: field(body, "adviceArea"),
    }),
    submit: async (request: ProgrammeRequest, v) => {
      const a = await apply(ctxOf(request), request.params.programmeId, v);
      return `/grants/${a.programme_id}/applications/${a.id}?notice=submitted`;
    },
  });

  app.get(
    "/grants/:programmeId/applications",
    page({ who: signedInFirst }),
    async (request: ProgrammeRequest, reply) => {
      const { programme, applications } = await applicationsOf(ctxOf(request), request.params.programmeId);
      await reply.page(`${VIEWS}/applications.njk`, {
        programme: shownProgramme(programme),
        applications: applications.map((a) => ({
          url: `/grants/${a.programme_id}/applications/${a.id}`,
          organisation: a.organisationName,
          kind: a.support_kind,
          amount: formatPence(a.amount_pence),
          status: a.status,
          awarded: a.awarded_pence === null ? "" : formatPence(a.awarded_pence),
          submittedAt: a.submitted_at,
        })),
        noindex: true,
      });
    },
  );

  const applicationUrl = "/grants/:programmeId/applications/:applicationId";
  const applicationPage = {
    who: signedInFirst,
    template: `${VIEWS}/application.njk`,
    context: (request: FastifyRequest) => applicationContext(request as ApplicationRequest),
  };

  formPage(app, applicationUrl, {
    ...applicationPage,
    values: (_request, context) =>
      ({
        amount: context.canPay ? context.application.leftToPay : context.application.amount,
        idempotencyKey: newId(),
      }) as Record<string, string>,
    read: (body) => ({
      decision: field(body, "decision"),
      amount: field(body, "amount"),
      conditions: field(body, "conditions"),
      reasons: field(body, "reasons"),
      endReportDue: dateField(body, "endReportDue"),
      "endReportDue-day": field(body, "endReportDue-day"),
      "endReportDue-month": field(body, "endReportDue-month"),
      "endReportDue-year": field(body, "endReportDue-year"),
    }),
    fieldOf: (f) => (f === "endReportDue" ? "endReportDue-day" : f),
    submit: async (request: ApplicationRequest, v) => {
      const { programmeId, applicationId } = request.params;
      await decide(ctxOf(request), programmeId, applicationId, v);
      return `/grants/${programmeId}/applications/${applicationId}?notice=decided`;
    },
  });

  // A payment of the award: its one-time key made when the page is shown, so a second submit of
  // the same form is the same payment and pays once.
  formAction(app, `${applicationUrl}/payments`, {
    ...applicationPage,
    read: (body) => ({
      amount: field(body, "amount"),
      paidOn: dateField(body, "paidOn"),
      "paidOn-day": field(body, "paidOn-day"),
      "paidOn-month": field(body, "paidOn-month"),
      "paidOn-year": field(body, "paidOn-year"),
      idempotencyKey: field(body, "idempotencyKey"),
    }),
    fieldOf: (f) => (f === "paidOn" ? "paidOn-day" : f),
    submit: async (request: ApplicationRequest, v) => {
      const { programmeId, applicationId } = request.params;
      const key = KEY.test(v.idempotencyKey) ? v.idempotencyKey : newId();
      await recordPayment(ctxOf(request), programmeId, applicationId, key, {
        amount: v.amount,
        paidOn: v.paidOn,
      });
      return `/grants/${programmeId}/applications/${applicationId}?notice=paid`;
    },
  });

  // The end report: the recipient's administrators submit it (each of the award's conditions a
  // yes-or-no and a note); the funder's people accept it or ask for changes.
  formAction(app, `${applicationUrl}/end-report`, {
    ...applicationPage,
    read: (body, _request, context) => {
      const values: Record<string, string> = {
        whatItDid: field(body, "whatItDid"),
        spent: field(body, "spent"),
        reached: field(body, "reached"),
        coversTo: dateField(body, "coversTo"),
      };
      for (const part of ["day", "month", "year"])
        values[`coversTo-${part}`] = field(body, `coversTo-${part}`);
      context.endReport.conditions.forEach((_c: string, i: number) => {
        values[`conditions-${i}-met`] = field(body, `conditions-${i}-met`);
        values[`conditions-${i}-note`] = field(body, `conditions-${i}-note`);
      });
      return values;
    },
    fieldOf: (f) =>
      f === "coversTo" ? "coversTo-day" : f?.startsWith("conditions.") ? f.replaceAll(".", "-") : f,
    submit: async (request: ApplicationRequest, v, context) => {
      const { programmeId, applicationId } = request.params;
      await submitEndReport(ctxOf(request), programmeId, applicationId, {
        whatItDid: v.whatItDid,
        spent: v.spent,
        reached: v.reached,
        coversTo: v.coversTo,
        conditions: context.endReport.conditions.map((_c: string, i: number) => ({
          met: v[`conditions-${i}-met`],
          note: v[`conditions-${i}-note`],
        })),
      });
      return `/grants/${programmeId}/applications/${applicationId}?notice=reported`;
    },
  });

  formAction(app, `${applicationUrl}/end-report/review`, {
    ...applicationPage,
    read: (body) => ({
      reviewDecision: field(body, "reviewDecision"),
      reviewReasons: field(body, "reviewReasons"),
    }),
    submit: async (request: ApplicationRequest, v) => {
      const { programmeId, applicationId } = request.params;
      await reviewEndReport(ctxOf(request), programmeId, applicationId, {
        decision: v.reviewDecision,
        reasons: v.reviewReasons,
      });
      return `/grants/${programmeId}/applications/${applicationId}?notice=${v.reviewDecision === "accept" ? "reportAccepted" : "reportReturned"}`;
    },
  });

  formAction(app, `${applicationUrl}/adviser`, {
    ...applicationPage,
    read: (body) => ({ adviserOrganisationId: field(body, "adviserOrganisationId") }),
    submit: async (request: ApplicationRequest, v) => {
      const { programmeId, applicationId } = request.params;
      await assignAdviser(ctxOf(request), programmeId, applicationId, v);
      return `/grants/${programmeId}/applications/${applicationId}?notice=assigned`;
    },
  });

  buttonAction(
    app,
    `${applicationUrl}/adviser/accept`,
    { who: signedInFirst },
    async (request: ApplicationRequest) => {
      const { programmeId, applicationId } = request.params;
      await acceptAdvice(ctxOf(request), programmeId, applicationId);
      return `/grants/${programmeId}/applications/${applicationId}?notice=accepted`;
    },
  );
}

async function applicationContext(request: ApplicationRequest) {
  const ctx = ctxOf(request);
  const v = await applicationOf(ctx, request.params.programmeId, request.params.applicationId);
  const a = v.application;
  const left = (a.awarded_pence ?? 0n) - v.paidPence;
  const canAssign = v.funder && a.support_kind === "adviser-time" && a.status === "awarded" && !v.adviser;
  const conditions = conditionsOf(a.conditions);
  return {
    programme: {
      url: `/grants/${v.programme.id}`,
      title: v.programme.title,
      applicationsUrl: `/grants/${v.programme.id}/applications`,
    },
    notice: [
      "submitted",
      "decided",
      "paid",
      "assigned",
      "accepted",
      "reported",
      "reportAccepted",
      "reportReturned",
    ].includes(request.query.notice ?? "")
      ? request.query.notice
      : undefined,
    application: {
      organisation: v.organisationName,
      kind: a.support_kind,
      purpose: a.purpose,
      context: a.context,
      amount: formatPence(a.amount_pence),
      matched: formatPence(a.matched_pence),
      matchedNeeded: formatPence(v.matchedNeededPence),
      status: a.status,
      awarded: a.awarded_pence === null ? "" : formatPence(a.awarded_pence),
      conditions: a.conditions,
      reasons: a.reasons,
      submittedAt: a.submitted_at,
      decidedAt: a.decided_at,
      paid: formatPence(v.paidPence),
      payments: v.payments.map((x) => ({ amount: formatPence(x.amount_pence), paidOn: x.paid_on })),
      leftToPay: formatPence(left).replace(/^£/, "").replaceAll(",", ""),
      left: formatPence(left),
      adviceStage: a.advice_stage,
      adviceArea: SERVICE_CATEGORIES.find((c) => c.code === a.advice_area)?.name ?? "",
      adviser: v.adviser
        ? { name: v.adviser.name, assignedAt: v.adviser.assigned_at, acceptedAt: v.adviser.accepted_at }
        : null,
    },
    endReport: {
      dueOn: a.end_report_due_on,
      standing: v.endReportStanding,
      conditions,
      reports: [...v.endReports].reverse().map((r) => ({
        seq: r.seq,
        status: r.status,
        whatItDid: r.what_it_did,
        spent: formatPence(r.spent_pence),
        reached: r.reached === null ? "–" : r.reached.toLocaleString("en-GB"),
        coversTo: r.covers_to,
        conditions: r.conditions.map((c, i) => ({
          condition: conditions[i] ?? "",
          met: c.met,
          note: c.note,
        })),
        submittedAt: r.submitted_at,
        reviewedAt: r.reviewed_at,
        reasons: r.reasons,
      })),
    },
    canReport:
      (v.endReportStanding === "due" || v.endReportStanding === "overdue") &&
      hasRole(ctx.principal, "organisation-admin", a.organisation_id),
    canReview: v.funder && v.endReportStanding === "submitted",
    canDecide: v.funder && a.status === "submitted",
    canPay: v.funder && a.status === "awarded" && left > 0n,
    canAssign,
    matches: canAssign ? await adviserMatches(ctx, a.programme_id, a.id) : [],
    canAccept:
      v.adviser !== null &&
      v.adviser.accepted_at === null &&
      hasRole(ctx.principal, "organisation-admin", v.adviser.adviser_organisation_id),
    noindex: true,
  };
}
