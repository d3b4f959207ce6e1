/**
 * The grants JSON API (/api/v1/grants/…, and a funder's programmes under its authority or
 * organisation) and its pages (grants.pages.ts). Each route calls one service, which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams, IdempotencyHeaders } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, organisationRoles } from "../access/policies.ts";
import {
  acceptAdvice,
  adviserMatches,
  adviserOfferOf,
  adviserResponseTimes,
  assignAdviser,
  setAdviserOffer,
} from "./advisers.service.ts";
import { reviewEndReport, submitEndReport } from "./end-reports.service.ts";
import { grantsPages } from "./grants.pages.ts";
import {
  AdviserMatches,
  AdviserOffer,
  AdviserOfferBody,
  Application,
  ApplicationBody,
  ApplicationList,
  ApplicationParams,
  AssignmentBody,
  DecisionBody,
  EndReportBody,
  EndReportReviewBody,
  GivingQuery,
  GivingResponse,
  OrganisationParams,
  Payment,
  PaymentBody,
  Programme,
  ProgrammeBody,
  ProgrammeList,
  ProgrammeParams,
  ResponseTimes,
} from "./grants.schemas.ts";
import {
  type ApplicationView,
  applicationOf,
  applicationsOf,
  apply,
  conditionsOf,
  createProgramme,
  decide,
  givingPage,
  listProgrammes,
  type ProgrammeView,
  programmeView,
  recordPayment,
  updateProgramme,
} from "./grants.service.ts";
import type { GrantAdviserOffer, GrantPayment } from "./grants.table.ts";

const tags: [string] = ["grants"];

const funderPeople = afterLookup({
  description:
    "The programme's funder's people: an authority's commissioners and administrators, or an organisation's administrators (anyone else signed in gets 403, or 404 for an application not theirs)",
  signedIn: true,
  check() {},
});
const applicants = afterLookup({
  description: "The administrators of the organisation applying",
  signedIn: true,
  check() {},
});
const applicationReaders = afterLookup({
  description: "The programme's funder's people, and the applicant organisation's people (anyone else: 404)",
  signedIn: true,
  check() {},
});
const recipientAdmins = afterLookup({
  description:
    "The administrators of the organisation awarded the grant (its members: 403; anyone else signed in: 404)",
  signedIn: true,
  check() {},
});
const adviserAdmins = afterLookup({
  description: "The administrators of the adviser assigned (anyone else signed in: 403)",
  signedIn: true,
  check() {},
});
const organisationAdvisers = organisationRoles(
  ["organisation-admin"],
  "say what advice it offers",
  "The organisation's administrators",
);
const offerToApi = (o: GrantAdviserOffer) => ({
  organisationId: o.organisation_id,
  stages: o.stages,
  serviceAreas: o.service_areas,
  updatedAt: o.updated_at.toISOString(),
});

const organisationFunders = organisationRoles(
  ["organisation-admin"],
  "set up its grant programmes",
  "The organisation's administrators",
);

export function programmeToApi(v: ProgrammeView) {
  const p = v.programme;
  return {
    id: p.id,
    funder: {
      type: p.authority_id ? ("authority" as const) : ("organisation" as const),
      id: (p.authority_id ?? p.funder_organisation_id) as string,
      name: v.funderName,
    },
    title: p.title,
    description: p.description,
    budgetPence: p.budget_pence.toString(),
    awardedPence: p.awarded_pence.toString(),
    leftPence: v.leftPence.toString(),
    opensOn: p.opens_on,
    closesOn: p.closes_on,
    open: v.open,
    matchedFundingBp: p.matched_funding_bp,
    supportKinds: p.support_kinds,
    eligibility: p.eligibility,
  };
}

const paymentToApi = (x: GrantPayment) => ({
  id: x.id,
  amountPence: x.amount_pence.toString(),
  paidOn: x.paid_on,
  recordedAt: x.recorded_at.toISOString(),
});

function applicationToApi(v: ApplicationView) {
  const a = v.application;
  return {
    id: a.id,
    programmeId: a.programme_id,
    organisation: { id: a.organisation_id, name: v.organisationName },
    supportKind: a.support_kind,
    purpose: a.purpose,
    amountPence: a.amount_pence.toString(),
    matchedPence: a.matched_pence.toString(),
    context: a.context,
    contextRef: a.context_type && a.context_id ? { type: a.context_type, id: a.context_id } : null,
    plannedStart: a.planned_start,
    plannedEnd: a.planned_end,
    status: a.status,
    submittedAt: a.submitted_at.toISOString(),
    awardedPence: a.awarded_pence?.toString() ?? null,
    conditions: a.conditions,
    reasons: a.reasons,
    decidedAt: a.decided_at?.toISOString() ?? null,
    paidPence: v.paidPence.toString(),
    payments: v.payments.map(paymentToApi),
    adviceStage: a.advice_stage,
    adviceArea: a.advice_area,
    adviser: v.adviser
      ? {
          organisation: { id: v.adviser.adviser_organisation_id, name: v.adviser.name },
          assignedAt: v.adviser.assigned_at.toISOString(),
          acceptedAt: v.adviser.accepted_at?.toISOString() ?? null,
        }
      : null,
    endReportDueOn: a.end_report_due_on,
    endReportStanding: v.endReportStanding,
    endReports: v.endReports.map((r) => {
      const conditions = conditionsOf(a.conditions);
      return {
        id: r.id,
        seq: r.seq,
        status: r.status,
        whatItDid: r.what_it_did,
        spentPence: r.spent_pence.toString(),
        reached: r.reached,
        conditions: r.conditions.map((c, i) => ({
          condition: conditions[i] ?? "",
          met: c.met,
          note: c.note,
        })),
        coversTo: r.covers_to,
        submittedAt: r.submitted_at.toISOString(),
        reviewedAt: r.reviewed_at?.toISOString() ?? null,
        reasons: r.reasons,
      };
    }),
  };
}

export async function grantsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const programmes = "/api/v1/grants/programmes";
  const one = `${programmes}/:programmeId`;
  const application = `${one}/applications/:applicationId`;

  json.get(
    programmes,
    api(
      { who: anyone },
      {
        operationId: "listGrantProgrammes",
        tags,
        summary: "Grant programmes, closing last first",
        response: { 200: ProgrammeList },
      },
    ),
    async (request) => ({ programmes: (await listProgrammes(ctxOf(request))).map(programmeToApi) }),
  );

  json.get(
    one,
    api(
      { who: anyone },
      {
        operationId: "getGrantProgramme",
        tags,
        summary: "A grant programme: its budget, what is left, its dates and eligibility",
        params: ProgrammeParams,
        response: { 200: Programme },
      },
    ),
    async (request) => programmeToApi(await programmeView(ctxOf(request), request.params.programmeId)),
  );

  const programmeCreated = {
    tags,
    summary: "Set up a grant programme",
    description:
      "Its budget, dates, matched funding (a percentage of each award the applicant funds itself), the kinds of support, and eligibility rules as data (docs/grants.md). 400 naming each field or rule at fault.",
    body: ProgrammeBody,
    response: { 201: Programme },
  };
  json.post(
    "/api/v1/authorities/:authorityId/grants/programmes",
    api(
      { who: authorityEditors, scope: "grants:write" },
      { ...programmeCreated, operationId: "createAuthorityGrantProgramme", params: AuthorityParams },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const p = await createProgramme(ctx, { authorityId: request.params.authorityId }, request.body);
      return reply.status(201).send(programmeToApi(await programmeView(ctx, p.id)));
    },
  );
  json.post(
    "/api/v1/organisations/:id/grants/programmes",
    api(
      { who: organisationFunders, scope: "grants:write" },
      { ...programmeCreated, operationId: "createOrganisationGrantProgramme", params: OrganisationParams },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const p = await createProgramme(ctx, { organisationId: request.params.id }, request.body);
      return reply.status(201).send(programmeToApi(await programmeView(ctx, p.id)));
    },
  );

  json.put(
    one,
    api(
      { who: funderPeople, scope: "grants:write" },
      {
        operationId: "changeGrantProgramme",
        tags,
        summary: "Change a grant programme while nothing is awarded from it",
        description:
          "The same fields as setting it up. 409 (`programme_awarded`) once it has awarded support: applicants were judged and awarded by what it said. 400 naming each field or rule at fault.",
        params: ProgrammeParams,
        body: ProgrammeBody,
        response: { 200: Programme, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const ctx = ctxOf(request);
      const p = await updateProgramme(ctx, request.params.programmeId, request.body);
      return programmeToApi(await programmeView(ctx, p.id));
    },
  );

  json.get(
    `${one}/adviser-response-times`,
    api(
      { who: anyone },
      {
        operationId: "getGrantAdviserResponseTimes",
        tags,
        summary: "How quickly advisers are matched: the programme's adviser-time requests, and median hours",
        description:
          "Requests asked (not refused), assigned an adviser and accepted; the median hours from asking to assigned, assigned to accepted, and asking to accepted (null until one is measured).",
        params: ProgrammeParams,
        response: { 200: ResponseTimes },
      },
    ),
    async (request) => adviserResponseTimes(ctxOf(request), request.params.programmeId),
  );

  json.get(
    "/api/v1/organisations/:id/adviser-offer",
    api(
      { who: anyone },
      {
        operationId: "getAdviserOffer",
        tags,
        summary: "What an organisation offers as an adviser to spin-outs: stages and service areas",
        params: OrganisationParams,
        response: { 200: AdviserOffer },
      },
    ),
    async (request) => offerToApi(await adviserOfferOf(ctxOf(request), request.params.id)),
  );

  json.put(
    "/api/v1/organisations/:id/adviser-offer",
    api(
      { who: organisationAdvisers, scope: "grants:write" },
      {
        operationId: "setAdviserOffer",
        tags,
        summary: "Say which spin-out stages and service areas the organisation advises on",
        description: "Replaces what it offered before. 400 naming a stage or area not known.",
        params: OrganisationParams,
        body: AdviserOfferBody,
        response: { 200: AdviserOffer },
      },
    ),
    async (request) => offerToApi(await setAdviserOffer(ctxOf(request), request.params.id, request.body)),
  );

  json.get(
    `${application}/adviser-matches`,
    api(
      { who: funderPeople, scope: "grants:read" },
      {
        operationId: "listGrantAdviserMatches",
        tags,
        summary: "The advisers offering the stage and service area an adviser-time application asks about",
        params: ApplicationParams,
        response: { 200: AdviserMatches },
      },
    ),
    async (request) => ({
      advisers: await adviserMatches(
        ctxOf(request),
        request.params.programmeId,
        request.params.applicationId,
      ),
    }),
  );

  json.post(
    `${application}/adviser`,
    api(
      { who: funderPeople, scope: "grants:write" },
      {
        operationId: "assignGrantAdviser",
        tags,
        summary: "Assign one of the matching advisers to an awarded adviser-time application",
        description:
          "409 when the application is not for adviser time, not awarded, or has an adviser already; 422 for an adviser not among its matches.",
        params: ApplicationParams,
        body: AssignmentBody,
        response: { 200: Application, ...errorResponses(409, 422) },
      },
    ),
    async (request) => {
      const ctx = ctxOf(request);
      const { programmeId, applicationId } = request.params;
      await assignAdviser(ctx, programmeId, applicationId, request.body);
      return applicationToApi(await applicationOf(ctx, programmeId, applicationId));
    },
  );

  json.post(
    `${application}/adviser/acceptance`,
    api(
      { who: adviserAdmins, scope: "grants:write" },
      {
        operationId: "acceptGrantAdvice",
        tags,
        summary: "The adviser assigned accepts the work",
        description: "409 once accepted.",
        params: ApplicationParams,
        body: "none",
        response: { 200: Application, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const ctx = ctxOf(request);
      const { programmeId, applicationId } = request.params;
      await acceptAdvice(ctx, programmeId, applicationId);
      return applicationToApi(await applicationOf(ctx, programmeId, applicationId));
    },
  );

  json.post(
    `${one}/applications`,
    api(
      { who: applicants, scope: "grants:write" },
      {
        operationId: "applyForGrant",
        tags,
        summary: "Apply for a grant or adviser time, for an organisation you administer",
        description:
          "While the programme is open (409 otherwise). 422 naming each eligibility rule the organisation fails, matched funding below the programme's share of the amount (naming the least), or an amount above the budget.",
        params: ProgrammeParams,
        body: ApplicationBody,
        response: { 201: Application, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const a = await apply(ctx, request.params.programmeId, request.body);
      return reply.status(201).send(applicationToApi(await applicationOf(ctx, a.programme_id, a.id)));
    },
  );

  json.get(
    `${one}/applications`,
    api(
      { who: funderPeople, scope: "grants:read" },
      {
        operationId: "listGrantApplications",
        tags,
        summary: "A programme's applications, oldest first",
        params: ProgrammeParams,
        response: { 200: ApplicationList },
      },
    ),
    async (request) => {
      const { applications } = await applicationsOf(ctxOf(request), request.params.programmeId);
      return {
        applications: applications.map((a) => ({
          id: a.id,
          organisation: { id: a.organisation_id, name: a.organisationName },
          supportKind: a.support_kind,
          amountPence: a.amount_pence.toString(),
          status: a.status,
          awardedPence: a.awarded_pence?.toString() ?? null,
          submittedAt: a.submitted_at.toISOString(),
        })),
      };
    },
  );

  json.get(
    application,
    api(
      { who: applicationReaders, scope: "grants:read" },
      {
        operationId: "getGrantApplication",
        tags,
        summary: "An application, its decision and the payments of its award",
        params: ApplicationParams,
        response: { 200: Application },
      },
    ),
    async (request) =>
      applicationToApi(
        await applicationOf(ctxOf(request), request.params.programmeId, request.params.applicationId),
      ),
  );

  json.post(
    `${application}/decision`,
    api(
      { who: funderPeople, scope: "grants:write" },
      {
        operationId: "decideGrantApplication",
        tags,
        summary: "Award an application (an amount and any conditions) or refuse it (with reasons)",
        description:
          "The applicant's people are told. 422 when the amount is above what was asked or what is left of the budget (naming it), or the matched funding offered falls short of the award's share; 409 once decided.",
        params: ApplicationParams,
        body: DecisionBody,
        response: { 200: Application, ...errorResponses(409, 422) },
      },
    ),
    async (request) => {
      const { programmeId, applicationId } = request.params;
      return applicationToApi(await decide(ctxOf(request), programmeId, applicationId, request.body));
    },
  );

  json.post(
    `${application}/end-reports`,
    api(
      { who: recipientAdmins, scope: "grants:write" },
      {
        operationId: "submitGrantEndReport",
        tags,
        summary:
          "Submit the end report of an awarded grant: what the money did, what was spent, each condition met or not",
        description:
          "The funder's people are told. 409 when the grant is not awarded, or a report waits for review or is accepted already; 400 naming each field to fix (a condition not met needs a note).",
        params: ApplicationParams,
        body: EndReportBody,
        response: { 201: Application, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { programmeId, applicationId } = request.params;
      const v = await submitEndReport(ctxOf(request), programmeId, applicationId, request.body);
      return reply.status(201).send(applicationToApi(v));
    },
  );

  json.post(
    `${application}/end-reports/review`,
    api(
      { who: funderPeople, scope: "grants:write" },
      {
        operationId: "reviewGrantEndReport",
        tags,
        summary:
          "Accept the end report waiting for review, or return it with reasons (the recipient submits again)",
        description: "The recipient's people are told. 409 when no report waits for review.",
        params: ApplicationParams,
        body: EndReportReviewBody,
        response: { 200: Application, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { programmeId, applicationId } = request.params;
      return applicationToApi(
        await reviewEndReport(ctxOf(request), programmeId, applicationId, request.body),
      );
    },
  );

  json.post(
    `${application}/payments`,
    api(
      { who: funderPeople, scope: "grants:write" },
      {
        operationId: "recordGrantPayment",
        tags,
        summary: "Record a payment (an instalment) of an award",
        description:
          "Needs an `Idempotency-Key` header: the same key with the same payment answers what the first time did (`Idempotent-Replayed: true`); with another, 409 (`idempotency_key_reused`). 422 when the payments would add up to more than the award (naming what is left to pay); 409 for an application not awarded.",
        params: ApplicationParams,
        headers: IdempotencyHeaders,
        body: PaymentBody,
        response: { 201: Payment, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const key = String((request.headers as Record<string, unknown>)["idempotency-key"] ?? "");
      const { programmeId, applicationId } = request.params;
      const done = await recordPayment(ctxOf(request), programmeId, applicationId, key, request.body);
      if (done.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(paymentToApi(done.payment));
    },
  );

  json.get(
    "/api/v1/grants/360giving",
    api(
      { who: anyone },
      {
        operationId: "getGrants360Giving",
        tags,
        summary: "Awarded grants as a 360Giving data package, a page at a time; of one funder when named",
        description:
          "Every package validates against the 360Giving schema the project ships. 404 when there is no awarded grant (a package holds one or more). `funderId`: an authority's or an organisation's id.",
        querystring: GivingQuery,
        response: { 200: GivingResponse },
      },
    ),
    async (request) => {
      const { funderId, after, pageSize } = request.query;
      const page = await givingPage(ctxOf(request), {
        funderId,
        after,
        pageSize,
        baseUrl: request.server.deps.config.baseUrl,
      });
      return { ...page.package, next: page.next };
    },
  );

  grantsPages(app);
}
