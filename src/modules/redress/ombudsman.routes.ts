/**
 * The second tier's JSON API, and its pages (ombudsman.pages.ts): the complainant escalates a
 * complaint; either side comments on a draft decision; the ombudsman's staff list their cases, read
 * one with the first-tier file, assess, assign, draft and decide. Routes naming a complaint or a
 * case ask only for sign-in: the service decides (404, then 403, then 409). Reads need
 * `complaints:read`, writes `complaints:write`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { api, errorResponses, type Who } from "../../http/routes.ts";
import { ForbiddenError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { ombudsmanPages } from "./ombudsman.pages.ts";
import {
  AssessBody,
  Case,
  CaseList,
  CaseParams,
  CasesQuery,
  CaseWithFile,
  CommentBody,
  DecisionBody,
  DraftBody,
  EscalateBody,
  InvestigatorBody,
  OmbudsmanParams,
  SideCase,
} from "./ombudsman.schemas.ts";
import {
  assessCase,
  assignInvestigator,
  type CaseRow,
  type CaseView,
  caseOf,
  caseOfComplaintFor,
  caseOnComplaint,
  casePath,
  commentOnDraft,
  decideCase,
  draftDecision,
  escalateComplaint,
  isStaff,
  ombudsmanCases,
  viewOfCase,
} from "./ombudsman.service.ts";
import { complaintRecord } from "./redress.records.ts";
import { ComplaintParams } from "./redress.schemas.ts";

const tags: [string] = ["redress"];
const who = afterLookup(signedIn);

/** The ombudsman's staff, by their exact grants (the service checks again). */
export const ombudsmanStaff: Who = {
  description: "The ombudsman's staff",
  signedIn: true,
  check(request: FastifyRequest) {
    const principal = requireSignedIn(request.principal);
    const { ombudsmanId } = (request.params ?? {}) as { ombudsmanId?: string };
    if (!isStaff(principal, ombudsmanId ?? ""))
      throw new ForbiddenError(msg`Only the ombudsman's staff may see its cases.`);
  },
};

export function caseRecord(k: CaseView) {
  return {
    id: k.id,
    reference: k.reference,
    ombudsman: { id: k.authority_id, name: k.ombudsman_name },
    scheme: k.scheme,
    complaint: { authorityId: k.complaint_authority_id, id: k.complaint_id },
    status: k.status,
    escalatedOn: k.escalated_on,
    inTime: k.in_time,
    timeLimitEndsOn: k.time_limit_ends_on,
    earlyReason: k.early_reason,
    lateReason: k.late_reason,
    publicationConsent: k.publication_consent,
    assessedOn: k.assessed_on,
    declineReason: k.decline_reason,
    investigatorId: k.investigator_id,
    draftOn: k.draft_on,
    draft: k.draft_text,
    commentsCloseOn: k.comments_close_on,
    comments: k.comments.map((c) => ({ seq: c.seq, side: c.side, comment: c.body })),
    decidedOn: k.decided_on,
    finding: k.finding,
    decision: k.decision_text,
    publication: k.publication,
    withheldReason: k.withheld_reason,
    publishedSummary: k.published_summary,
    groundsFound: k.grounds_found,
    remedies: k.remedies.map((r) => ({
      seq: r.seq,
      kind: r.kind,
      description: r.description,
      amountPence: r.amount_pence === null ? null : r.amount_pence.toString(),
      dueOn: r.due_on,
      status: r.status,
    })),
    nextDueOn: k.next_due_on,
    closedOn: k.closed_on,
  };
}

/**
 * The case as its sides read it (the complainant's side and the body's people): only what the
 * complaint's page shows them — never the ombudsman's own notes (the late reason, why a decision is
 * withheld, the published summary), who investigates, or the complainant's consent; what the
 * escalation form told the complainant (the time limit, whether in time, their reason for going
 * early: their words) to the complainant's side only.
 */
export function sideCaseRecord(k: CaseView) {
  return {
    id: k.id,
    reference: k.reference,
    ombudsman: { id: k.authority_id, name: k.ombudsman_name },
    scheme: k.scheme,
    complaint: { authorityId: k.complaint_authority_id, id: k.complaint_id },
    status: k.status,
    escalatedOn: k.escalated_on,
    ...(k.viewerSide === "complainant"
      ? { inTime: k.in_time, timeLimitEndsOn: k.time_limit_ends_on, earlyReason: k.early_reason }
      : {}),
    assessedOn: k.assessed_on,
    declineReason: k.decline_reason,
    draftOn: k.draft_on,
    draft: k.decided_on ? "" : k.draft_text,
    commentsCloseOn: k.comments_close_on,
    comments: k.comments.map((c) => ({ seq: c.seq, side: c.side, comment: c.body })),
    decidedOn: k.decided_on,
    finding: k.finding,
    decision: k.decision_text,
    remedies: k.remedies.map((r) => ({
      seq: r.seq,
      kind: r.kind,
      description: r.description,
      amountPence: r.amount_pence === null ? null : r.amount_pence.toString(),
      dueOn: r.due_on,
      status: r.status,
    })),
    closedOn: k.closed_on,
  };
}

export async function ombudsmanRoutes(app: FastifyInstance): Promise<void> {
  ombudsmanPages(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const complaint = "/api/v1/authorities/:authorityId/complaints/:complaintId";
  const one = "/api/v1/ombudsmen/:ombudsmanId/cases/:caseId";

  json.post(
    `${complaint}/escalate`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "escalateComplaint",
        tags,
        summary: "The complainant takes the complaint to the ombudsman its route names",
        description:
          "Once the body has had its chance (its last stage answered, or a deadline passed unanswered), or with a reason while it still has time (422 without); a government department's complaint only with the MP who referred it (422 without). Consent to carry the file across is required (400). 409: not ready, no ombudsman takes it, none of that kind registered on the platform, or escalated already. A complaint after the ombudsman's time limit is still received, marked not in time.",
        params: ComplaintParams,
        body: EscalateBody,
        response: { 201: SideCase, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const k = await escalateComplaint(
        ctx,
        { authorityId: request.authority.id, complaintId: request.params.complaintId },
        request.body,
      );
      return reply
        .status(201)
        .send(sideCaseRecord({ ...(await viewOfCase(ctx, k)), viewerSide: "complainant" }));
    },
  );

  json.get(
    `${complaint}/case`,
    api(
      { who, scope: "complaints:read" },
      {
        operationId: "getComplaintCase",
        tags,
        summary:
          "The ombudsman's case of a complaint, as its complainant's side and the body's people see it",
        description:
          "What the complaint's page shows: its status and days, the draft and the comments, the decision and its remedies; the reason for escalating early to the complainant's side only. 404 when the complaint has none.",
        params: ComplaintParams,
        response: { 200: SideCase },
      },
    ),
    async (request) =>
      sideCaseRecord(
        await caseOfComplaintFor(ctxOf(request), request.authority.id, request.params.complaintId),
      ),
  );

  json.post(
    `${complaint}/case-comments`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "commentOnDraftDecision",
        tags,
        summary: "The complainant's side, or the body's people, comment on the ombudsman's draft decision",
        description: "409 when there is no draft decision, or its day for comments has passed.",
        params: ComplaintParams,
        body: CommentBody,
        response: { 201: SideCase, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const c = await commentOnDraft(
        ctx,
        { authorityId: request.authority.id, complaintId: request.params.complaintId },
        request.body,
      );
      return reply.status(201).send(sideCaseRecord((await caseOnComplaint(ctx, c)) as CaseView));
    },
  );

  json.get(
    "/api/v1/ombudsmen/:ombudsmanId/cases",
    api(
      { who: ombudsmanStaff, scope: "complaints:read" },
      {
        operationId: "listOmbudsmanCases",
        tags,
        summary: "An ombudsman's cases, newest first, a page at a time",
        params: OmbudsmanParams,
        querystring: CasesQuery,
        response: { 200: CaseList },
      },
    ),
    async (request) => {
      const page = await ombudsmanCases(ctxOf(request), request.params.ombudsmanId, request.query);
      return {
        cases: page.rows.map((k) => ({
          id: k.id,
          reference: k.reference,
          scheme: k.scheme,
          status: k.status,
          escalatedOn: k.escalated_on,
          inTime: k.in_time,
          nextDueOn: k.next_due_on,
          overdue: k.overdue,
          pageUrl: casePath(k),
        })),
        next: page.next,
      };
    },
  );

  json.get(
    one,
    api(
      { who, scope: "complaints:read" },
      {
        operationId: "getOmbudsmanCase",
        tags,
        summary: "A case, with the first-tier file carried across with the complainant's consent",
        description: "The ombudsman's staff only.",
        params: CaseParams,
        response: { 200: CaseWithFile },
      },
    ),
    async (request) => {
      const { k, file } = await caseOf(ctxOf(request), request.params.ombudsmanId, request.params.caseId);
      return { case: caseRecord(k), complaint: file ? complaintRecord(file) : null };
    },
  );

  /** The case as it stands after a change (the service's answer is the row; the API gives the whole case). */
  const act = async (
    request: FastifyRequest<{ Params: { ombudsmanId: string; caseId: string } }>,
    _done: CaseRow,
  ) => caseRecord((await caseOf(ctxOf(request), request.params.ombudsmanId, request.params.caseId)).k);

  json.post(
    `${one}/assess`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "assessOmbudsmanCase",
        tags,
        summary: "Accept the case for investigation, or decline it with a reason",
        description:
          "A case made after the time limit is accepted only with the reason it is looked at anyway.",
        params: CaseParams,
        body: AssessBody,
        response: { 200: Case, ...errorResponses(409) },
      },
    ),
    async (request) =>
      act(
        request,
        await assessCase(ctxOf(request), request.params.ombudsmanId, request.params.caseId, request.body),
      ),
  );

  json.post(
    `${one}/investigator`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "assignOmbudsmanInvestigator",
        tags,
        summary: "Assign the case's investigator, one of the ombudsman's staff",
        params: CaseParams,
        body: InvestigatorBody,
        response: { 200: Case, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      act(
        request,
        await assignInvestigator(
          ctxOf(request),
          request.params.ombudsmanId,
          request.params.caseId,
          request.body,
        ),
      ),
  );

  json.post(
    `${one}/draft`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "draftOmbudsmanDecision",
        tags,
        summary: "A draft decision both sides may comment on until a day (10 working days at least)",
        params: CaseParams,
        body: DraftBody,
        response: { 200: Case, ...errorResponses(409) },
      },
    ),
    async (request) =>
      act(
        request,
        await draftDecision(ctxOf(request), request.params.ombudsmanId, request.params.caseId, request.body),
      ),
  );

  json.post(
    `${one}/decision`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "decideOmbudsmanCase",
        tags,
        summary:
          "The final decision: the scheme's finding, the decision, remedies with due days, publication",
        description:
          "After the comments on the draft have closed (409 before). 422: a finding of another scheme, remedies after a finding of no fault, or publication without the complainant's consent. No remedies: the case is closed at once.",
        params: CaseParams,
        body: DecisionBody,
        response: { 200: Case, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      act(
        request,
        await decideCase(ctxOf(request), request.params.ombudsmanId, request.params.caseId, request.body),
      ),
  );
}
