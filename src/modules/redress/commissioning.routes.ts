/**
 * Complaints about commissioning (issue 18, item 7): a provider's administrator complains, for the
 * organisation, about an authority's tender or contract — the form
 * (/organisations/:id/complaints/commissioning/new) and the API. And the API for complaints without
 * an account (item 1): made as the page makes them, followed and acted on by the emailed link's
 * token, in the query or the body, never in a path (request logs drop query values).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formPage } from "../../http/forms.ts";
import { anyone, api, errorResponses, page } from "../../http/routes.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { ctxOf } from "../access/context.ts";
import { accountsCtxOf } from "../accounts/authentication.ts";
import { championStaff } from "../voice/voice.policies.ts";
import {
  CommentByTokenBody,
  CommissioningComplaintBody,
  CommissioningSubjects,
  EscalateByTokenBody,
  TokenBody,
  TokenQuery,
  TrackedComplaint,
  WithoutAccountBody,
  WithoutAccountSent,
} from "./commissioning.schemas.ts";
import { sideCaseRecord } from "./ombudsman.routes.ts";
import { SideCase } from "./ombudsman.schemas.ts";
import {
  type CaseView,
  caseOnComplaint,
  commentOnDraft,
  escalateComplaint,
  viewOfCase,
} from "./ombudsman.service.ts";
import { providerAdmins } from "./redress.policies.ts";
import { complaintRecord } from "./redress.records.ts";
import { Complaint, OrganisationParams } from "./redress.schemas.ts";
import {
  acceptResponse,
  answererName,
  askNextStage,
  championComplaints,
  commissioningSubjects,
  complaintByToken,
  complaintPath,
  confirmComplaint,
  makeCommissioningComplaint,
  startComplaintWithoutAccount,
} from "./redress.service.ts";

const tags: [string] = ["redress"];

/** The link's token: in the query, or in the body. */
function tokenOf(request: FastifyRequest): string {
  const fromQuery = (request.query as { token?: string } | undefined)?.token;
  const fromBody = (request.body as { token?: string } | undefined)?.token;
  return (typeof fromQuery === "string" && fromQuery) || (typeof fromBody === "string" ? fromBody : "");
}

export async function commissioningRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  formPage(app, "/organisations/:id/complaints/commissioning/new", {
    who: providerAdmins,
    template: "redress/views/commissioning-new.njk",
    context: async (request: FastifyRequest<{ Params: { id: string } }>) => ({
      subjects: await commissioningSubjects(ctxOf(request), request.params.id),
      organisationId: request.params.id,
      noindex: true,
    }),
    values: () => ({
      subject: "",
      whatHappened: "",
      happenedOn: "",
      knewOn: "",
      outcomeWanted: "",
      phone: "",
      consent: "",
    }),
    read: (body) => ({
      subject: field(body, "subject"),
      whatHappened: field(body, "whatHappened"),
      happenedOn: dateField(body, "happenedOn"),
      knewOn: dateField(body, "knewOn"),
      outcomeWanted: field(body, "outcomeWanted"),
      phone: field(body, "phone"),
      consent: field(body, "consent"),
    }),
    submit: async (request, v) => {
      const { id } = request.params as { id: string };
      const c = await makeCommissioningComplaint(ctxOf(request), id, { ...v, consent: v.consent === "yes" });
      return `${complaintPath(c)}?notice=made`;
    },
    fieldOf: (f) => (f === "happenedOn" || f === "knewOn" ? `${f}-day` : f),
  });

  json.get(
    "/api/v1/organisations/:id/commissioning-subjects",
    api(
      { who: providerAdmins, scope: "complaints:read" },
      {
        operationId: "listCommissioningSubjects",
        tags,
        summary:
          "What an organisation may complain about: the tenders it registered for, the contracts it holds",
        params: OrganisationParams,
        response: { 200: CommissioningSubjects },
      },
    ),
    async (request) => ({ subjects: await commissioningSubjects(ctxOf(request), request.params.id) }),
  );

  json.post(
    "/api/v1/organisations/:id/commissioning-complaints",
    api(
      { who: providerAdmins, scope: "complaints:write" },
      {
        operationId: "makeCommissioningComplaint",
        tags,
        summary: "A provider complains, for its organisation, about an authority's commissioning decision",
        description:
          "About a tender the organisation registered interest in, or a contract it holds (`subject`: a key from …/commissioning-subjects). The authority's complaints officers answer it on the commissioning regime's clocks; the second tier is the independent adjudicator of the tender's service area. The organisation's administrators and members follow it.",
        params: OrganisationParams,
        body: CommissioningComplaintBody,
        response: { 201: Complaint },
      },
    ),
    async (request, reply) => {
      const c = await makeCommissioningComplaint(ctxOf(request), request.params.id, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${c.authority_id}/complaints/${c.id}`)
        .send(complaintRecord(c));
    },
  );

  // A consumer champion's complaints for the people who appointed it
  app.get(
    "/champions/:championId/complaints",
    page({ who: championStaff("see the complaints this champion made") }),
    async (
      request: FastifyRequest<{ Params: { championId: string }; Querystring: { after?: string } }>,
      reply,
    ) => {
      const after = typeof request.query?.after === "string" ? request.query.after : undefined;
      const found = await championComplaints(ctxOf(request), request.params.championId, { after });
      await reply.page("redress/views/champion-complaints.njk", {
        championId: request.params.championId,
        complaints: found.rows,
        next: found.next,
        noindex: true,
      });
    },
  );

  // Without an account

  json.post(
    "/api/v1/complaints/without-account",
    api(
      { who: anyone },
      {
        operationId: "startComplaintWithoutAccount",
        tags,
        summary: "Make a complaint without an account: an email with a link to send it follows",
        description:
          "For yourself or as a member of the public, with your name and email address; the same checks as the page. The complaint is kept unseen by the body until the emailed link is followed (POST /api/v1/complaints/track/confirm with its token) within 7 days. Emails are limited: 3 an hour to one address, 10 from one network (429 with how long to wait).",
        body: WithoutAccountBody,
        response: { 202: WithoutAccountSent, ...errorResponses(429) },
      },
    ),
    async (request, reply) => {
      await startComplaintWithoutAccount(accountsCtxOf(request), request.body);
      return reply.status(202).send({
        sent: true,
        message: msg`We have emailed a link to the address given: follow it within 7 days to send the complaint.`,
      });
    },
  );

  json.get(
    "/api/v1/complaints/track",
    api(
      { who: anyone },
      {
        operationId: "trackComplaint",
        tags,
        summary: "A complaint made without an account, by its link's token: every deadline once sent",
        description:
          "complaint is null until the link is followed and the complaint sent. 404 for a token that opens none.",
        querystring: TokenQuery,
        response: { 200: TrackedComplaint },
      },
    ),
    async (request) => {
      const { complaint, view } = await complaintByToken(ctxOf(request), tokenOf(request));
      return {
        reference: complaint.reference,
        status: complaint.status,
        answerer: answererName(complaint),
        complaint: view ? complaintRecord(view) : null,
      };
    },
  );

  const actions = [
    {
      path: "confirm",
      operationId: "confirmComplaint",
      summary:
        "Send a complaint made without an account: the address is verified, the complaint received today",
      act: (request: FastifyRequest) => confirmComplaint(ctxOf(request), tokenOf(request)),
    },
    {
      path: "accept",
      operationId: "acceptComplaintResponseByToken",
      summary: "The complainant without an account accepts the answer: the complaint is closed",
      act: (request: FastifyRequest) => acceptResponse(ctxOf(request), { token: tokenOf(request) }),
    },
    {
      path: "next-stage",
      operationId: "askComplaintNextStageByToken",
      summary: "The complainant without an account asks for the next stage of the body's procedure",
      act: (request: FastifyRequest) => askNextStage(ctxOf(request), { token: tokenOf(request) }),
    },
  ];
  for (const a of actions)
    json.post(
      `/api/v1/complaints/track/${a.path}`,
      api(
        { who: anyone },
        {
          operationId: a.operationId,
          tags,
          summary: a.summary,
          description:
            "The token in the query or the body. 404 for a token that opens none; 409 for a state that forbids it.",
          querystring: TokenQuery,
          body: TokenBody,
          response: { 200: Complaint, ...errorResponses(404, 409) },
        },
      ),
      async (request) => complaintRecord(await a.act(request)),
    );

  // The second tier by the link's token, through the services the tracking page uses.
  json.get(
    "/api/v1/complaints/track/case",
    api(
      { who: anyone },
      {
        operationId: "getComplaintCaseByToken",
        tags,
        summary: "The ombudsman's case of a complaint made without an account, by its link's token",
        description:
          "The token in the query. 404 for a token that opens none, or a complaint not (yet) with an ombudsman.",
        querystring: TokenQuery,
        response: { 200: SideCase, ...errorResponses(404) },
      },
    ),
    async (request) => {
      const ctx = ctxOf(request);
      const { view } = await complaintByToken(ctx, tokenOf(request));
      const k = view ? await caseOnComplaint(ctx, view) : null;
      if (!k) throw new NotFoundError("case");
      return sideCaseRecord({ ...k, viewerSide: "complainant" });
    },
  );

  json.post(
    "/api/v1/complaints/track/escalate",
    api(
      { who: anyone },
      {
        operationId: "escalateComplaintByToken",
        tags,
        summary: "The complainant without an account takes the complaint to the ombudsman its route names",
        description:
          "The token in the query or the body; the rules of the signed-in escalation (escalateComplaint). 404 for a token that opens none; 409 not ready, no ombudsman takes it, or escalated already; 422 a reason or an MP's referral missing.",
        querystring: TokenQuery,
        body: EscalateByTokenBody,
        response: { 201: SideCase, ...errorResponses(404, 409, 422) },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const { token: _, ...input } = request.body;
      const k = await escalateComplaint(ctx, { token: tokenOf(request) }, input);
      return reply
        .status(201)
        .send(sideCaseRecord({ ...(await viewOfCase(ctx, k)), viewerSide: "complainant" }));
    },
  );

  json.post(
    "/api/v1/complaints/track/case-comments",
    api(
      { who: anyone },
      {
        operationId: "commentOnDraftDecisionByToken",
        tags,
        summary: "The complainant without an account comments on the ombudsman's draft decision",
        description:
          "The token in the query or the body. 404 for a token that opens none; 409 when there is no draft decision, or its day for comments has passed.",
        querystring: TokenQuery,
        body: CommentByTokenBody,
        response: { 201: SideCase, ...errorResponses(404, 409) },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const c = await commentOnDraft(ctx, { token: tokenOf(request) }, request.body);
      return reply.status(201).send(sideCaseRecord((await caseOnComplaint(ctx, c)) as CaseView));
    },
  );
}
