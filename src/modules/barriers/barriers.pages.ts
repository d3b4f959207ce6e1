/**
 * The barriers register's pages: the national view (/barriers, its CSV at /barriers/figures.csv),
 * an authority's barriers (/authorities/:slug/barriers), logging one (…/barriers/new) and a barrier
 * with its answers, answered on its own page by the authority's commissioners and administrators.
 * Each form re-renders with its errors (the one form pattern, src/http/forms.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { field, formAction, formPage, searchPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { csvHeader, csvRows } from "../../lib/csv.ts";
import { type DomainError, ValidationError } from "../../lib/errors.ts";
import { londonDate } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { barriersCtxOf } from "./barriers.context.ts";
import {
  addEvidence,
  answerBarrier,
  type BarrierView,
  barriersOfAuthority,
  barrierView,
  evidenceDocument,
  logBarrier,
  logFormFor,
  mayLog,
} from "./barriers.service.ts";
import { BARRIER_SUBJECTS } from "./barriers.table.ts";
import {
  type BarrierFigures,
  barrierFigures,
  FIGURES_CSV_COLUMNS,
  figuresCsvRows,
  STANDINGS,
} from "./figures.service.ts";
import { BARRIER_KINDS } from "./kinds.ts";

type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: { notice?: string } }>;
type BarrierRequest = FastifyRequest<{
  Params: { slug: string; barrierId: string };
  Querystring: { notice?: string };
}>;
type EvidenceRequest = FastifyRequest<{ Params: { slug: string; barrierId: string; evidenceId: string } }>;

/** The documents chosen in the form's `evidence` input, as the service takes them. */
function evidenceOf(request: FastifyRequest) {
  return filesOf(request.body, "evidence").map((f) => ({ filename: f.filename, content: f }));
}

/** A service's field of a document ("evidence.2.contentBase64") is the form's one file input. */
const evidenceField = (f: string | undefined) => (f?.startsWith("evidence") ? "evidence" : f);

/** A document sent as a download, under a name safe in a header. */
export function sendDocument(
  reply: FastifyReply,
  doc: { filename: string; mediaType: string; bytes: Uint8Array },
): FastifyReply {
  return reply
    .header("content-type", doc.mediaType)
    .header("content-disposition", `attachment; filename="${doc.filename.replace(/[^\w.-]+/g, "_")}"`)
    .header("x-content-type-options", "nosniff")
    .send(Buffer.from(doc.bytes));
}

const VIEWS = "barriers/views";
const listUrl = (slug: string) => `/authorities/${slug}/barriers`;

/** A barrier as the pages show it. */
function shown(v: BarrierView) {
  const b = v.barrier;
  return {
    id: b.id,
    href: `${listUrl(v.authority.slug)}/${b.id}`,
    kind: b.kind,
    subject: b.subject,
    tenderTitle: v.tenderTitle,
    tenderHref: b.tender_id ? `/authorities/${v.authority.slug}/tenders/${b.tender_id}` : null,
    policy: b.policy,
    policyUrl: b.policy_url,
    description: b.description,
    anonymous: b.anonymous,
    organisationName: v.organisationName,
    loggedByName: v.loggedByName,
    sector: b.logger_sector,
    loggedAt: b.logged_at,
    loggedOn: londonDate(b.logged_at),
    dueOn: b.answer_due_on,
    status: b.status,
    standing: v.standing,
    late: v.late,
    answers: v.answers,
    evidence: v.evidence.map((e) => ({
      ...e,
      href: e.filename === null ? null : `${listUrl(v.authority.slug)}/${b.id}/evidence/${e.id}`,
      sizeKb: e.size === null ? null : Math.max(1, Math.round(e.size / 1024)),
    })),
  };
}

export function barrierPages(app: FastifyInstance): void {
  // The national view: anyone.
  app.get("/barriers", page({ who: anyone }), async (request, reply) => {
    const asked = field(request.query, "year");
    let figures: BarrierFigures;
    let refusal: DomainError | undefined;
    try {
      figures = await barrierFigures(ctxOf(request), asked);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      refusal = e;
      figures = await barrierFigures(ctxOf(request));
    }
    await searchPage(
      reply,
      `${VIEWS}/figures.njk`,
      {
        figures,
        standings: STANDINGS,
        values: { year: asked || String(figures.year) },
        csvUrl: `/barriers/figures.csv?year=${figures.year}`,
      },
      refusal,
    );
  });

  app.get("/barriers/figures.csv", page({ who: anyone }), async (request, reply) => {
    const figures = await barrierFigures(ctxOf(request), field(request.query, "year"));
    await reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="barriers-${figures.year}.csv"`)
      .send(csvHeader(FIGURES_CSV_COLUMNS) + csvRows(figuresCsvRows(figures), FIGURES_CSV_COLUMNS));
  });

  // An authority's barriers: anyone.
  app.get("/authorities/:slug/barriers", page({ who: anyone }), async (request: SlugRequest, reply) => {
    const { authority } = request;
    const barriers = await barriersOfAuthority(ctxOf(request), authority.id);
    await reply.page(`${VIEWS}/list.njk`, {
      authority,
      barriers: barriers.map(shown),
      newUrl: `${listUrl(authority.slug)}/new`,
      mayLog: mayLog(request.principal),
      signedIn: request.principal !== null,
    });
  });

  // Logging a barrier: signed in; the service decides who may (an organisation's or a public body's people).
  formPage(app, "/authorities/:slug/barriers/new", {
    who: signedIn,
    uploads: true,
    fieldOf: evidenceField,
    template: `${VIEWS}/new.njk`,
    context: async (request: SlugRequest) => {
      const { authority } = request;
      return {
        authority,
        listUrl: listUrl(authority.slug),
        kinds: BARRIER_KINDS.map((k) => k.code),
        subjects: BARRIER_SUBJECTS,
        ...(await logFormFor(ctxOf(request), authority.id)),
      };
    },
    read: (body) => ({
      kind: field(body, "kind"),
      subject: field(body, "subject"),
      tenderId: field(body, "tenderId"),
      policy: field(body, "policy"),
      policyUrl: field(body, "policyUrl"),
      description: field(body, "description"),
      organisationId: field(body, "organisationId"),
      anonymous: field(body, "anonymous"),
      evidencePublic: field(body, "evidencePublic"),
    }),
    submit: async (request: SlugRequest, v) => {
      const done = await logBarrier(barriersCtxOf(request), request.authority.id, {
        ...v,
        anonymous: v.anonymous === "yes",
        evidence: evidenceOf(request),
        evidencePublic: v.evidencePublic === "yes",
      });
      return `${listUrl(request.authority.slug)}/${done.barrier.id}?notice=logged`;
    },
  });

  // A barrier: anyone; answered on its page by the authority's commissioners and administrators.
  const barrierContext = async (request: BarrierRequest) => {
    const v = await barrierView(ctxOf(request), request.authority.id, request.params.barrierId);
    const notice = request.query?.notice;
    return {
      authority: request.authority,
      listUrl: listUrl(request.authority.slug),
      barrier: shown(v),
      mayAnswer: v.mayAnswer,
      answerKinds: v.answerKinds,
      mayAppeal: v.mayAppeal && !v.appeal,
      appeal: v.appeal,
      mayAddEvidence: v.mayAddEvidence,
      evidenceUrl: `${listUrl(request.authority.slug)}/${v.barrier.id}/evidence`,
      notice: notice === "logged" || notice === "answered" || notice === "evidence" ? notice : undefined,
    };
  };
  app.get(
    "/authorities/:slug/barriers/:barrierId",
    page({ who: anyone }),
    async (request: BarrierRequest, reply) => {
      await reply.page(`${VIEWS}/barrier.njk`, { ...(await barrierContext(request)), values: {} });
    },
  );
  formAction(app, "/authorities/:slug/barriers/:barrierId", {
    who: afterLookup({
      description:
        "The authority's commissioners and administrators (others signed in get 403; an unknown barrier 404)",
      signedIn: true,
      check() {},
    }),
    template: `${VIEWS}/barrier.njk`,
    context: barrierContext,
    read: (body) => ({ kind: field(body, "kind"), text: field(body, "text") }),
    submit: async (request: BarrierRequest, v, context) => {
      await answerBarrier(ctxOf(request), request.authority.id, request.params.barrierId, v);
      return `${context.barrier.href}?notice=answered`;
    },
  });

  // Evidence added by whoever logged the barrier, on its page (a form of its own, with files).
  formAction(app, "/authorities/:slug/barriers/:barrierId/evidence", {
    who: afterLookup({
      description: "Whoever logged the barrier (others signed in get 403; an unknown barrier 404)",
      signedIn: true,
      check() {},
    }),
    uploads: true,
    template: `${VIEWS}/barrier.njk`,
    context: barrierContext,
    fieldOf: evidenceField,
    read: (body) => ({ public: field(body, "public") }),
    submit: async (request: BarrierRequest, v, context) => {
      await addEvidence(barriersCtxOf(request), request.authority.id, request.params.barrierId, {
        evidence: evidenceOf(request),
        public: v.public === "yes",
      });
      return `${context.barrier.href}?notice=evidence#evidence`;
    },
  });

  // A document of evidence: anyone for a public one; otherwise the service decides (403).
  app.get(
    "/authorities/:slug/barriers/:barrierId/evidence/:evidenceId",
    page({ who: anyone }),
    async (request: EvidenceRequest, reply) => {
      const { barrierId, evidenceId } = request.params;
      const doc = await evidenceDocument(barriersCtxOf(request), request.authority.id, barrierId, evidenceId);
      await sendDocument(reply, doc);
    },
  );
}
