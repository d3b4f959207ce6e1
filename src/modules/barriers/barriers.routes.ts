/**
 * The barriers register's JSON API — an authority's barriers, logging one, a barrier, answering it
 * (/api/v1/authorities/{authorityId}/barriers…), and the national figures (/api/v1/barriers/figures)
 * — and the pages (barriers.pages.ts). Each route calls one service, which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone, signedIn } from "../access/policies.ts";
import { barriersCtxOf } from "./barriers.context.ts";
import { barrierPages, sendDocument } from "./barriers.pages.ts";
import {
  AnswerBody,
  BarrierList,
  BarrierParams,
  BarrierResponse,
  EvidenceBody,
  EvidenceParams,
  FiguresQuery,
  FiguresResponse,
  LogBody,
} from "./barriers.schemas.ts";
import {
  addEvidence,
  answerBarrier,
  type BarrierView,
  barriersOfAuthority,
  barrierView,
  evidenceDocument,
  logBarrier,
} from "./barriers.service.ts";
import { barrierFigures } from "./figures.service.ts";

const tags: [string] = ["barriers"];

export function barrierToApi(v: BarrierView) {
  const b = v.barrier;
  return {
    id: b.id,
    authorityId: b.authority_id,
    kind: b.kind,
    subject: b.subject,
    tenderId: b.tender_id,
    tenderTitle: v.tenderTitle,
    policy: b.policy,
    policyUrl: b.policy_url,
    description: b.description,
    anonymous: b.anonymous,
    organisationName: v.organisationName,
    loggerSector: b.logger_sector,
    loggedAt: b.logged_at.toISOString(),
    answerDueOn: b.answer_due_on,
    status: b.status,
    standing: v.standing,
    firstAnsweredAt: b.first_answered_at?.toISOString() ?? null,
    answeredLate: v.late,
    resolvedAt: b.resolved_at?.toISOString() ?? null,
    answers: v.answers.map((a) => ({ kind: a.kind, text: a.text, answeredAt: a.answeredAt.toISOString() })),
    evidence: v.evidence.map((e) => ({
      id: e.id,
      filename: e.filename,
      mediaType: e.mediaType,
      size: e.size,
      public: e.public,
      uploadedAt: e.uploadedAt.toISOString(),
      url:
        e.filename === null
          ? null
          : `/api/v1/authorities/${b.authority_id}/barriers/${b.id}/evidence/${e.id}`,
    })),
  };
}

const answerers = afterLookup({
  description:
    "The authority's commissioners and administrators (others signed in get 403; an unknown barrier 404)",
  signedIn: true,
  check() {},
});

export async function barriersRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const list = "/api/v1/authorities/:authorityId/barriers";

  json.get(
    list,
    api(
      { who: anyone },
      {
        operationId: "listBarriers",
        tags,
        summary: "The authority's barriers to entry, newest first (at most 100), with where each stands",
        description:
          "Who logged an anonymous barrier is shown only to the authority's people and to whoever logged it.",
        params: AuthorityParams,
        response: { 200: BarrierList },
      },
    ),
    async (request) => ({
      barriers: (await barriersOfAuthority(ctxOf(request), request.params.authorityId)).map(barrierToApi),
    }),
  );

  json.post(
    list,
    api(
      { who: signedIn, scope: "barriers:write" },
      {
        operationId: "logBarrier",
        tags,
        summary:
          "Log a barrier to entry met with the authority: about one of its tenders, the authority, or a policy",
        description:
          "The people of an organisation in the directory, or of a public body (403 for anyone else), with documents of evidence if they wish. The authority answers within 20 working days; its commissioners and administrators are told. 400 naming each field to correct.",
        params: AuthorityParams,
        body: LogBody,
        response: { 201: BarrierResponse, ...errorResponses(400) },
      },
    ),
    async (request, reply) => {
      const v = await logBarrier(barriersCtxOf(request), request.params.authorityId, request.body);
      return reply.status(201).send(barrierToApi(v));
    },
  );

  json.get(
    `${list}/:barrierId`,
    api(
      { who: anyone },
      {
        operationId: "getBarrier",
        tags,
        summary: "A barrier and the authority's answers",
        params: BarrierParams,
        response: { 200: BarrierResponse },
      },
    ),
    async (request) =>
      barrierToApi(await barrierView(ctxOf(request), request.params.authorityId, request.params.barrierId)),
  );

  json.post(
    `${list}/:barrierId/answers`,
    api(
      { who: answerers, scope: "barriers:write" },
      {
        operationId: "answerBarrier",
        tags,
        summary:
          "Answer a barrier: acknowledged, accepted (what will change), disputed (why), resolved (what changed)",
        description:
          "The first answer other than an acknowledgement stops the clock. 409 once resolved, or for an acknowledgement after another answer. Whoever logged it is told.",
        params: BarrierParams,
        body: AnswerBody,
        response: { 200: BarrierResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) =>
      barrierToApi(
        await answerBarrier(
          ctxOf(request),
          request.params.authorityId,
          request.params.barrierId,
          request.body,
        ),
      ),
  );

  json.post(
    `${list}/:barrierId/evidence`,
    api(
      {
        who: afterLookup({
          description: "Whoever logged the barrier (others signed in get 403; an unknown barrier 404)",
          signedIn: true,
          check() {},
        }),
        scope: "barriers:write",
      },
      {
        operationId: "addBarrierEvidence",
        tags,
        summary: "Add documents of evidence to a barrier you logged",
        description:
          "10 documents at most a barrier; their type is found from their content. Not public unless `public` is true.",
        params: BarrierParams,
        body: EvidenceBody,
        response: { 201: BarrierResponse, ...errorResponses(400) },
      },
    ),
    async (request, reply) => {
      const v = await addEvidence(
        barriersCtxOf(request),
        request.params.authorityId,
        request.params.barrierId,
        request.body,
      );
      return reply.status(201).send(barrierToApi(v));
    },
  );

  json.get(
    `${list}/:barrierId/evidence/:evidenceId`,
    api(
      { who: anyone },
      {
        operationId: "getBarrierEvidence",
        tags,
        summary: "A document of a barrier's evidence",
        description:
          "Anyone for a document the logger made public; otherwise whoever logged it, their organisation's people and the authority's commissioners and administrators (403 for others).",
        params: EvidenceParams,
        response: { 200: { type: "string", format: "binary", description: "The document" } },
      },
    ),
    async (request, reply) => {
      const { authorityId, barrierId, evidenceId } = request.params;
      const doc = await evidenceDocument(barriersCtxOf(request), authorityId, barrierId, evidenceId);
      return sendDocument(reply, doc);
    },
  );

  json.get(
    "/api/v1/barriers/figures",
    api(
      { who: anyone },
      {
        operationId: "getBarrierFigures",
        tags,
        summary:
          "The national figures of barriers logged in a year: by kind, authority and sector, by where each stands",
        description:
          "Counts of 1 to 9, and the next smallest beside a lone one in a row or column, are null.",
        querystring: FiguresQuery,
        response: { 200: FiguresResponse, ...errorResponses(400) },
      },
    ),
    async (request) => {
      const f = await barrierFigures(ctxOf(request), request.query.year);
      return { year: f.year, tables: f.tables };
    },
  );

  barrierPages(app);
}
