/**
 * Tenders and sealed electronic bids (issue 5): the JSON API under
 * `/api/v1/authorities/:authorityId/tenders`, and the module's pages (tenders.pages.ts,
 * questions.pages.ts) and question routes (questions.routes.ts). Each route states who may call it
 * and calls one service; the services decide every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { authorityEditors } from "../access/policies.ts";
import { cancelTender } from "./amendments.service.ts";
import {
  type BidDraft,
  type BidReceipt,
  checkReceipt,
  receiptsOf,
  submitBid,
  withdrawBid,
} from "./bids.service.ts";
import { assignEvaluator } from "./evaluators.service.ts";
import {
  confirmOpening,
  openedBidDocument,
  openedBids,
  refusedAttempts,
  requireAttemptsReader,
} from "./opening.service.ts";
import { publishTender } from "./publication.service.ts";
import { questionPages } from "./questions.pages.ts";
import { questionRoutes } from "./questions.routes.ts";
import {
  addTenderDocument,
  createTender,
  type TenderDraft,
  tenderDocument,
  updateTender,
} from "./setup.service.ts";
import { tendersCtxOf } from "./tenders.context.ts";
import { tenderPages } from "./tenders.pages.ts";
import { onVisibleTender, tenderEditors, tenderPolicy } from "./tenders.policies.ts";
import {
  AttemptsResponse,
  AuthorityParams,
  BidBody,
  BidDocumentParams,
  CancelBody,
  CreateTenderBody,
  DocumentBody,
  DocumentParams,
  EvaluatorBody,
  MineQuery,
  OpenedBidsResponse,
  OpeningResponse,
  ReceiptListResponse,
  ReceiptParams,
  ReceiptResponse,
  SubmittedBidResponse,
  TenderListResponse,
  TenderParams,
  TenderResponse,
  UpdateTenderBody,
  WithdrawBody,
} from "./tenders.schemas.ts";
import { type TenderView, tenderOf, tenderViewsOf } from "./tenders.service.ts";

export function toApi(view: TenderView): TenderResponse {
  const { tender, parts } = view;
  const top = parts.criteria.filter((c) => c.parent_id === null);
  return {
    id: tender.id,
    authority: { id: tender.authority_id, name: tender.authority_name, slug: tender.authority_slug },
    project: { id: tender.project_id, name: tender.project_title },
    title: tender.title,
    description: tender.description,
    state: view.state,
    procedure: tender.procedure,
    stages: tender.stages,
    category: { code: tender.category_code, name: tender.category_name },
    area: { code: tender.area_code, name: tender.area_name },
    estimatedValuePence: tender.estimated_value_pence.toString(),
    pricingMode: tender.pricing_mode,
    fixedPricePence: tender.fixed_price_pence?.toString() ?? null,
    tariff: tender.tariff,
    scoringScaleMax: tender.scoring_scale_max,
    reserved: tender.reserved,
    contractTermMonths: tender.contract_term_months,
    tupe: {
      applies: tender.tupe_applies,
      staffCount: tender.tupe_staff_count,
      annualCostPence: tender.tupe_annual_cost_pence?.toString() ?? null,
      terms: tender.tupe_terms,
    },
    pensionTerms: tender.pension_terms,
    vatTreatment: tender.vat_treatment,
    vatNote: tender.vat_note,
    clarificationDeadline: tender.clarification_deadline.toISOString(),
    submissionDeadline: tender.submission_deadline.toISOString(),
    lots: parts.lots.map((l) => ({
      id: l.id,
      title: l.title,
      description: l.description,
      estimatedValuePence: l.estimated_value_pence.toString(),
    })),
    conditions: parts.conditions,
    documents: parts.documents.map((d) => ({
      id: d.id,
      title: d.title,
      filename: d.filename,
      mediaType: d.media_type,
      size: d.size_bytes,
      sha256: d.sha256,
      url: `/api/v1/authorities/${tender.authority_id}/tenders/${tender.id}/documents/${d.id}`,
    })),
    criteria: top.map((c) => ({
      id: c.id,
      kind: c.kind,
      title: c.title,
      description: c.description,
      weightBp: c.weight_bp,
      standardId: c.standard_id,
      subCriteria: parts.criteria
        .filter((s) => s.parent_id === c.id)
        .map((s) => ({ id: s.id, title: s.title, description: s.description, weightBp: s.weight_bp })),
    })),
    publishedAt: tender.published_at?.toISOString() ?? null,
    cancelledAt: tender.cancelled_at?.toISOString() ?? null,
    cancelReason: tender.cancel_reason,
    openedAt: tender.opened_at?.toISOString() ?? null,
    bidCount: view.bidCount,
    pageUrl: `/authorities/${tender.authority_slug}/tenders/${tender.id}`,
  };
}

function receiptToApi(r: BidReceipt) {
  return { ...r, receivedAt: r.receivedAt.toISOString() };
}

/** A file as a download: its type, a safe name, and its bytes. */
const download = (filename: string) => `attachment; filename="${filename.replace(/[^\w.-]+/g, "_")}"`;
const File = { 200: { type: "string", format: "binary", description: "The file" } };

const BASE = "/api/v1/authorities/:authorityId/tenders";
/** Changing one of the authority's tenders: the tender first (404), then who (403). */
const WRITE = { who: tenderEditors, scope: "tenders:write" } as const;
/** Bidding: anyone signed in reaches a tender they may see; the service asks for the organisation's people. */
const BIDDER = {
  who: onVisibleTender("People of the bidding organisation"),
  scope: "bids:write",
} as const;

export async function tendersRoutes(app: FastifyInstance): Promise<void> {
  const { config } = app.deps;
  tenderPages(app, { minimumPeriodDays: config.tenderMinimumPeriodDays });
  questionPages(app, { extensionDays: config.tenderAmendmentExtensionDays });
  questionRoutes(app, { extensionDays: config.tenderAmendmentExtensionDays });
  tenderReadRoutes(app);
  tenderDraftRoutes(app);
  tenderStateRoutes(app);
  bidRoutes(app);
  receiptRoutes(app);
  openingRoutes(app);
  openedBidRoutes(app);
}

/** Reading tenders and their pack of documents: public. */
function tenderReadRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["tenders"] = ["tenders"];

  json.get(
    BASE,
    api(
      { who: anyone },
      {
        operationId: "listTenders",
        tags,
        summary: "An authority's tenders",
        description: "Published tenders for everyone; drafts too for its commissioners and administrators.",
        params: AuthorityParams,
        response: { 200: TenderListResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const views = await tenderViewsOf(ctxOf(request), authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        tenders: views.map(toApi),
      };
    },
  );

  json.get(
    `${BASE}/:tenderId`,
    api(
      { who: anyone },
      {
        operationId: "getTender",
        tags,
        summary: "A tender: its terms, state and (for the authority's tender team) its number of bids",
        description: "Drafts are not found, except by the authority's commissioners and administrators.",
        params: TenderParams,
        response: { 200: TenderResponse },
      },
    ),
    async (request) => toApi(await tenderOf(ctxOf(request), request.authority.id, request.params.tenderId)),
  );

  json.get(
    `${BASE}/:tenderId/documents/:documentId`,
    api(
      { who: anyone },
      {
        operationId: "getTenderDocument",
        tags,
        summary: "Download a document of the tender pack",
        description: "For everyone once the tender is published.",
        params: DocumentParams,
        response: File,
      },
    ),
    async (request, reply) => {
      const { tenderId, documentId } = request.params;
      const files = request.server.deps.files;
      const { document, bytes } = await tenderDocument(
        ctxOf(request),
        request.authority.id,
        tenderId,
        documentId,
        files,
      );
      return reply
        .header("content-type", document.media_type)
        .header("content-disposition", download(document.filename))
        .header("x-content-sha256", document.sha256)
        .send(Buffer.from(bytes));
    },
  );
}

/** Drafting a tender and adding to its pack. */
function tenderDraftRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["tenders"] = ["tenders"];

  json.post(
    BASE,
    api(
      { who: authorityEditors, scope: "tenders:write" },
      {
        operationId: "createTender",
        tags,
        summary: "Draft a tender for a commissioning project",
        description:
          "422 when the criteria's weights do not add up to 10,000 basis points, price has a weight with a fixed price or tariff (or none with competitive pricing), the reservation breaks s.33 (category not reservable, term over 60 months), or the clarification deadline is not before the submission deadline.",
        params: AuthorityParams,
        body: CreateTenderBody,
        response: { 201: TenderResponse, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const { authority } = request;
      const view = await createTender(ctxOf(request), authority.id, request.body as TenderDraft);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/tenders/${view.tender.id}`)
        .send(toApi(view));
    },
  );

  json.patch(
    `${BASE}/:tenderId`,
    api(WRITE, {
      operationId: "updateTender",
      tags,
      summary: "Change a draft tender",
      description: "Only the fields given change; the result is checked whole. 409 once published.",
      params: TenderParams,
      body: UpdateTenderBody,
      response: { 200: TenderResponse, ...errorResponses(409, 422) },
    }),
    async (request) =>
      toApi(
        await updateTender(
          ctxOf(request),
          request.authority.id,
          request.params.tenderId,
          request.body as TenderDraft,
        ),
      ),
  );

  json.post(
    `${BASE}/:tenderId/documents`,
    api(WRITE, {
      operationId: "addTenderDocument",
      tags,
      summary: "Add a document to a draft tender's pack",
      description:
        "The file's type is checked from its content (PDF, Word, Excel, OpenDocument, CSV, text, PNG, JPEG) and its size against the upload limit. 409 once published: the pack then changes by amendment.",
      params: TenderParams,
      body: DocumentBody,
      response: { 201: TenderResponse, ...errorResponses(409, 422) },
    }),
    async (request, reply) => {
      const { authority } = request;
      const files = request.server.deps.files;
      const view = await addTenderDocument(
        ctxOf(request),
        authority.id,
        request.params.tenderId,
        request.body,
        files,
      );
      return reply.status(201).send(toApi(view));
    },
  );
}

/** Publishing and cancelling a tender; its evaluators. */
function tenderStateRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["tenders"] = ["tenders"];

  json.post(
    `${BASE}/:tenderId/publish`,
    api(WRITE, {
      operationId: "publishTender",
      tags,
      summary: "Publish a tender as a public opportunity",
      description:
        "The project must be published, the clarification deadline still ahead and the submission deadline at least the configured minimum period away (422 otherwise). 409 once published.",
      params: TenderParams,
      body: "none",
      response: { 200: TenderResponse, ...errorResponses(409, 422) },
    }),
    async (request) => {
      const minimumPeriodDays = request.server.deps.config.tenderMinimumPeriodDays;
      return toApi(
        await publishTender(tendersCtxOf(request), request.authority.id, request.params.tenderId, {
          minimumPeriodDays,
        }),
      );
    },
  );

  json.post(
    `${BASE}/:tenderId/cancel`,
    api(WRITE, {
      operationId: "cancelTender",
      tags,
      summary: "Cancel a published tender, with a published reason",
      description:
        "Open, closed or opened tenders (before award). 409 for a draft or a tender cancelled already.",
      params: TenderParams,
      body: CancelBody,
      response: { 200: TenderResponse, ...errorResponses(409) },
    }),
    async (request) =>
      toApi(
        await cancelTender(
          tendersCtxOf(request),
          request.authority.id,
          request.params.tenderId,
          request.body.reason,
        ),
      ),
  );

  json.post(
    `${BASE}/:tenderId/evaluators`,
    api(WRITE, {
      operationId: "assignTenderEvaluator",
      tags,
      summary: "Assign an evaluator to a tender",
      description:
        "Assigned evaluators, with the authority's bid openers, are the only readers of the opened bids. The person must hold the authority's evaluator role (422 otherwise).",
      params: TenderParams,
      body: EvaluatorBody,
      response: { 204: { type: "null", description: "Assigned" }, ...errorResponses(422) },
    }),
    async (request, reply) => {
      await assignEvaluator(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        request.body.userId,
      );
      return reply.status(204).send(null);
    },
  );
}

/** Bidding: submitting and withdrawing. */
function bidRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["bids"] = ["bids"];

  json.post(
    `${BASE}/:tenderId/bids`,
    api(BIDDER, {
      operationId: "submitBid",
      tags,
      summary: "Submit (or replace) a sealed bid",
      description:
        "For people of the bidding organisation, while the tender is open. The whole bid, the bidder's identity included, is sealed to the tender's key. The receipt gives the server time of receipt and the SHA-256 of the canonical content returned with it. A bid received at or after the deadline instant is refused (409). 422 when shares do not add up to 100%, a price is given for a fixed-price tender, or a reserved tender's bidder is not a qualifying public service mutual.",
      params: TenderParams,
      body: BidBody,
      response: { 201: SubmittedBidResponse, ...errorResponses(409, 422) },
    }),
    async (request, reply) => {
      const { tenderId } = request.params;
      const submitted = await submitBid(
        tendersCtxOf(request),
        request.authority.id,
        tenderId,
        request.body as BidDraft,
      );
      return reply.status(201).send({ ...submitted, receipt: receiptToApi(submitted.receipt) });
    },
  );

  json.post(
    `${BASE}/:tenderId/bids/withdraw`,
    api(BIDDER, {
      operationId: "withdrawBid",
      tags,
      summary: "Withdraw the organisation's bid while the tender is open",
      params: TenderParams,
      body: WithdrawBody,
      response: { 200: ReceiptResponse, ...errorResponses(409) },
    }),
    async (request) => {
      const { tenderId } = request.params;
      const { organisationId } = request.body;
      return receiptToApi(
        await withdrawBid(tendersCtxOf(request), request.authority.id, tenderId, organisationId),
      );
    },
  );
}

/** Receipts: the bidder's own, and anyone's check by hash. */
function receiptRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["bids"] = ["bids"];

  json.get(
    `${BASE}/:tenderId/bids/mine`,
    api(
      { who: onVisibleTender("The organisation's own people"), scope: "bids:read" },
      {
        operationId: "listBidReceipts",
        tags,
        summary: "The organisation's receipts for this tender, latest first",
        description:
          "For people of the organisation only. Receipts, never content: the platform does not unseal a bid before opening.",
        params: TenderParams,
        querystring: MineQuery,
        response: { 200: ReceiptListResponse },
      },
    ),
    async (request) => {
      const { tenderId } = request.params;
      const { organisationId } = request.query;
      const receipts = await receiptsOf(
        tendersCtxOf(request),
        request.authority.id,
        tenderId,
        organisationId,
      );
      return { receipts: receipts.map(receiptToApi) };
    },
  );

  json.get(
    `${BASE}/:tenderId/receipts/:sha256`,
    api(
      { who: anyone },
      {
        operationId: "checkBidReceipt",
        tags,
        summary: "Check a bid receipt by its SHA-256",
        description:
          "Public: when a bid with this hash was received and whether it still counts. It never says whose it is.",
        params: ReceiptParams,
        response: { 200: ReceiptResponse },
      },
    ),
    async (request) => {
      const { tenderId, sha256 } = request.params;
      return receiptToApi(await checkReceipt(ctxOf(request), request.authority.id, tenderId, sha256));
    },
  );
}

/** Opening the bids; refused attempts. */
function openingRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["bids"] = ["bids"];

  json.post(
    `${BASE}/:tenderId/opening`,
    api(
      {
        who: onVisibleTender("The authority's bid openers, signed in with two-factor"),
        scope: "tenders:write",
      },
      {
        operationId: "confirmBidOpening",
        tags,
        summary: "Confirm the opening of the bids",
        description:
          "Two different bid openers of the authority, each signed in with two-factor, after the deadline: the first confirmation is recorded, the second opens the bids. The first opener confirming again changes nothing (200, `alreadyConfirmed`: still waiting for a second opener). Refused attempts (403, 409) are recorded in the audit trail and shown to the authority's administrators.",
        params: TenderParams,
        body: "none",
        response: { 200: OpeningResponse, ...errorResponses(409, 429) },
      },
    ),
    async (request) => {
      const result = await confirmOpening(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
      );
      return {
        ...result,
        firstConfirmedAt: result.firstConfirmedAt.toISOString(),
        openedAt: result.openedAt?.toISOString() ?? null,
      };
    },
  );

  json.get(
    `${BASE}/:tenderId/attempts`,
    api(
      {
        who: tenderPolicy("The authority's administrators", requireAttemptsReader),
        scope: "tenders:read",
      },
      {
        operationId: "listRefusedAttempts",
        tags,
        summary: "Refused attempts to read or open the bids early or alone, and broken seals",
        description: "For the authority's administrators.",
        params: TenderParams,
        response: { 200: AttemptsResponse },
      },
    ),
    async (request) => {
      const events = await refusedAttempts(ctxOf(request), request.authority.id, request.params.tenderId);
      return {
        attempts: events.map((e) => ({
          seq: e.seq.toString(),
          occurredAt: e.occurred_at.toISOString(),
          action: e.action,
          actor: { type: e.actor_type, id: e.actor_id },
          changes: e.changes,
        })),
      };
    },
  );
}

/**
 * Reading the opened bids: anyone signed in may try, on a tender they may see; the service refuses,
 * and records the refusal (A7).
 */
function openedBidRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["bids"] = ["bids"];
  const TEAM = {
    who: onVisibleTender("The authority's bid openers and the tender's assigned evaluators"),
    scope: "tenders:read",
  } as const;

  json.get(
    `${BASE}/:tenderId/bids`,
    api(TEAM, {
      operationId: "listOpenedBids",
      tags,
      summary: "The opened bids",
      description:
        "Only after opening, and only for the authority's bid openers and the tender's assigned evaluators. Earlier (409) or by anyone else (403), the attempt is refused and recorded.",
      params: TenderParams,
      response: { 200: OpenedBidsResponse, ...errorResponses(409, 429) },
    }),
    async (request) => {
      const bids = await openedBids(tendersCtxOf(request), request.authority.id, request.params.tenderId);
      return {
        bids: bids.map((b) => ({
          receipt: receiptToApi(b.receipt),
          integrity: b.integrity,
          content: b.content as unknown as Record<string, unknown> | null,
        })),
      };
    },
  );

  json.get(
    `${BASE}/:tenderId/bids/:bidId/documents/:position`,
    api(TEAM, {
      operationId: "getOpenedBidDocument",
      tags,
      summary: "Download a document of an opened bid",
      description:
        "Only after opening, for the authority's bid openers and the tender's assigned evaluators; checked against the SHA-256 in the bid's content (409 if it fails). Refusals are recorded.",
      params: BidDocumentParams,
      response: { ...File, ...errorResponses(409, 429) },
    }),
    async (request, reply) => {
      const { tenderId, bidId, position } = request.params;
      const ctx = tendersCtxOf(request);
      const document = await openedBidDocument(ctx, request.authority.id, tenderId, bidId, position);
      return reply
        .header("content-type", document.mediaType)
        .header("content-disposition", download(document.filename))
        .header("content-length", document.size)
        .send(document.content);
    },
  );
}
