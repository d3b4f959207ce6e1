/**
 * Tenders and sealed electronic bids (issue 5): the JSON API. Thin: parse, call the service,
 * serialise. Who may do what is decided in tenders.service.ts and bids.service.ts from
 * `request.principal`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import {
  assignEvaluator,
  type BidDraft,
  type BidReceipt,
  type BidsContext,
  checkReceipt,
  confirmOpening,
  openedBidDocument,
  openedBids,
  receiptsOf,
  refusedAttempts,
  submitBid,
  withdrawBid,
} from "./bids.service.ts";
import { questionPages } from "./questions.pages.ts";
import { questionRoutes } from "./questions.routes.ts";
import { loadTenderKeyring } from "./sealing.ts";
import { tenderPages } from "./tenders.pages.ts";
import {
  AttemptsResponse,
  AuthorityParams,
  BidBody,
  BidDocumentParams,
  CancelBody,
  CreateTenderBody,
  DocumentBody,
  DocumentParams,
  ErrorResponse,
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
import {
  addTenderDocument,
  cancelTender,
  createTender,
  publishTender,
  type TenderDraft,
  type TenderView,
  tenderDocument,
  tenderOf,
  tendersOf,
  updateTender,
} from "./tenders.service.ts";

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

/** Sign-in is asked for before the body or query is checked: the public gets 401, not 400. */
async function signedInFirst(request: FastifyRequest): Promise<void> {
  requireSignedIn(request.principal);
}

export async function tendersRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  const keys = app.deps.tenderKeys ?? loadTenderKeyring(app.deps.config);
  const ctx: BidsContext = {
    db,
    clock,
    keys,
    email: app.deps.mailer !== undefined,
    maxDocumentBytes: app.deps.config.maxUploadBytes,
  };
  const publishOptions = { keys, minimumPeriodDays: app.deps.config.tenderMinimumPeriodDays };
  tenderPages(app, ctx, publishOptions);
  questionRoutes(app, ctx, app.deps.config.tenderAmendmentExtensionDays);
  questionPages(app, ctx, app.deps.config.tenderAmendmentExtensionDays);

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const tags = ["tenders"];
  const base = "/api/v1/authorities/:authorityId/tenders";

  api.get(
    base,
    {
      schema: {
        tags,
        summary: "An authority's tenders",
        description: "Published tenders for everyone; drafts too for its commissioners and administrators.",
        params: AuthorityParams,
        response: { 200: TenderListResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const rows = await tendersOf(db, request.principal, authority.id);
      const views = await Promise.all(
        rows.map((t) => tenderOf(db, clock, request.principal, authority.id, t.id)),
      );
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        tenders: views.map(toApi),
      };
    },
  );

  api.get(
    `${base}/:tenderId`,
    {
      schema: {
        tags,
        summary: "A tender: its terms, state and (for the authority's tender team) its number of bids",
        description: "Drafts are not found, except by the authority's commissioners and administrators.",
        params: TenderParams,
        response: { 200: TenderResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return toApi(await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId));
    },
  );

  api.post(
    base,
    {
      schema: {
        tags,
        summary: "Draft a tender for a commissioning project",
        description:
          "For the authority's commissioners and administrators. 422 when the criteria's weights do not add up to 10,000 basis points, price has a weight with a fixed price or tariff (or none with competitive pricing), the reservation breaks s.33 (category not reservable, term over 60 months), or the clarification deadline is not before the submission deadline.",
        params: AuthorityParams,
        body: CreateTenderBody,
        response: { 201: TenderResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        createTender(trx, clock, request.principal, authority.id, request.body as TenderDraft),
      );
      return reply
        .status(201)
        .header("location", `${base.replace(":authorityId", authority.id)}/${id}`)
        .send(toApi(await tenderOf(db, clock, request.principal, authority.id, id)));
    },
  );

  api.patch(
    `${base}/:tenderId`,
    {
      schema: {
        tags,
        summary: "Change a draft tender",
        description: "Only the fields given change; the result is checked whole. 409 once published.",
        params: TenderParams,
        body: UpdateTenderBody,
        response: { 200: TenderResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        updateTender(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body as TenderDraft,
        ),
      );
      return toApi(await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId));
    },
  );

  api.post(
    `${base}/:tenderId/publish`,
    {
      schema: {
        tags,
        summary: "Publish a tender as a public opportunity",
        description:
          "The project must be published, the clarification deadline still ahead and the submission deadline at least the configured minimum period away (422 otherwise). 409 once published.",
        params: TenderParams,
        response: { 200: TenderResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        publishTender(trx, clock, request.principal, authority.id, request.params.tenderId, publishOptions),
      );
      return toApi(await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId));
    },
  );

  api.post(
    `${base}/:tenderId/cancel`,
    {
      schema: {
        tags,
        summary: "Cancel a published tender, with a published reason",
        description:
          "Open, closed or opened tenders (before award). 409 for a draft or a tender cancelled already.",
        params: TenderParams,
        body: CancelBody,
        response: { 200: TenderResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        cancelTender(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body.reason,
          { email: ctx.email },
        ),
      );
      return toApi(await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId));
    },
  );

  api.post(
    `${base}/:tenderId/documents`,
    {
      schema: {
        tags,
        summary: "Add a document to a draft tender's pack",
        description:
          "The file's type is checked from its content (PDF, Word, Excel, OpenDocument, CSV, text, PNG, JPEG) and its size against the upload limit. 409 once published: the pack then changes by amendment.",
        params: TenderParams,
        body: DocumentBody,
        response: { 201: TenderResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        addTenderDocument(
          trx,
          clock,
          app.deps.files,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body,
        ),
      );
      return reply
        .status(201)
        .send(toApi(await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId)));
    },
  );

  api.get(
    `${base}/:tenderId/documents/:documentId`,
    {
      schema: {
        tags,
        summary: "Download a document of the tender pack",
        description: "For everyone once the tender is published.",
        params: DocumentParams,
      },
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { document, bytes } = await tenderDocument(
        db,
        clock,
        app.deps.files,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.documentId,
      );
      return reply
        .header("content-type", document.media_type)
        .header(
          "content-disposition",
          `attachment; filename="${document.filename.replace(/[^\w.-]+/g, "_")}"`,
        )
        .header("x-content-sha256", document.sha256)
        .send(Buffer.from(bytes));
    },
  );

  api.post(
    `${base}/:tenderId/evaluators`,
    {
      schema: {
        tags,
        summary: "Assign an evaluator to a tender",
        description:
          "Assigned evaluators, with the authority's bid openers, are the only readers of the opened bids. The person must hold the authority's evaluator role (422 otherwise).",
        params: TenderParams,
        body: EvaluatorBody,
        response: { 204: { type: "null" }, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        assignEvaluator(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body.userId,
          requireAuthorityEditor,
        ),
      );
      return reply.status(204).send(null);
    },
  );

  api.post(
    `${base}/:tenderId/bids`,
    {
      schema: {
        tags: ["bids"],
        summary: "Submit (or replace) a sealed bid",
        description:
          "For people of the bidding organisation, while the tender is open. The whole bid, the bidder's identity included, is sealed to the tender's key. The receipt gives the server time of receipt and the SHA-256 of the canonical content returned with it. A bid received at or after the deadline instant is refused (409). 422 when shares do not add up to 100%, a price is given for a fixed-price tender, or a reserved tender's bidder is not a qualifying public service mutual.",
        params: TenderParams,
        body: BidBody,
        response: { 201: SubmittedBidResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const submitted = await transaction(db, (trx) =>
        submitBid(
          trx,
          ctx,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body as BidDraft,
        ),
      );
      return reply.status(201).send({ ...submitted, receipt: receiptToApi(submitted.receipt) });
    },
  );

  api.post(
    `${base}/:tenderId/bids/withdraw`,
    {
      schema: {
        tags: ["bids"],
        summary: "Withdraw the organisation's bid while the tender is open",
        params: TenderParams,
        body: WithdrawBody,
        response: { 200: ReceiptResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const receipt = await transaction(db, (trx) =>
        withdrawBid(
          trx,
          ctx,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body.organisationId,
        ),
      );
      return receiptToApi(receipt);
    },
  );

  api.get(
    `${base}/:tenderId/bids/mine`,
    {
      schema: {
        tags: ["bids"],
        summary: "The organisation's receipts for this tender, latest first",
        description:
          "For people of the organisation only. Receipts, never content: the platform does not unseal a bid before opening.",
        params: TenderParams,
        querystring: MineQuery,
        response: { 200: ReceiptListResponse, ...errors },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const receipts = await receiptsOf(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.query.organisationId,
      );
      return { receipts: receipts.map(receiptToApi) };
    },
  );

  api.get(
    `${base}/:tenderId/receipts/:sha256`,
    {
      schema: {
        tags: ["bids"],
        summary: "Check a bid receipt by its SHA-256",
        description:
          "Public: when a bid with this hash was received and whether it still counts. It never says whose it is.",
        params: ReceiptParams,
        response: { 200: ReceiptResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return receiptToApi(
        await checkReceipt(db, authority.id, request.params.tenderId, request.params.sha256),
      );
    },
  );

  api.post(
    `${base}/:tenderId/opening`,
    {
      schema: {
        tags: ["bids"],
        summary: "Confirm the opening of the bids",
        description:
          "Two different bid openers of the authority, each signed in with two-factor, after the deadline: the first confirmation is recorded, the second opens the bids. Refused attempts (403, 409) are recorded in the audit trail and shown to the authority's administrators.",
        params: TenderParams,
        response: { 200: OpeningResponse, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const result = await confirmOpening(ctx, request.principal, authority.id, request.params.tenderId);
      return {
        ...result,
        firstConfirmedAt: result.firstConfirmedAt.toISOString(),
        openedAt: result.openedAt?.toISOString() ?? null,
      };
    },
  );

  api.get(
    `${base}/:tenderId/bids`,
    {
      schema: {
        tags: ["bids"],
        summary: "The opened bids",
        description:
          "Only after opening, and only for the authority's bid openers and the tender's assigned evaluators. Earlier (409) or by anyone else (403), the attempt is refused and recorded.",
        params: TenderParams,
        response: { 200: OpenedBidsResponse, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const bids = await openedBids(ctx, request.principal, authority.id, request.params.tenderId);
      return {
        bids: bids.map((b) => ({
          receipt: receiptToApi(b.receipt),
          integrity: b.integrity,
          content: b.content as unknown as Record<string, unknown> | null,
        })),
      };
    },
  );

  api.get(
    `${base}/:tenderId/bids/:bidId/documents/:position`,
    {
      schema: {
        tags: ["bids"],
        summary: "Download a document of an opened bid",
        description:
          "Only after opening, for the authority's bid openers and the tender's assigned evaluators; checked against the SHA-256 in the bid's content (409 if it fails). Refusals are recorded.",
        params: BidDocumentParams,
      },
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const document = await openedBidDocument(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.params.position,
      );
      return reply
        .header("content-type", document.mediaType)
        .header(
          "content-disposition",
          `attachment; filename="${document.filename.replace(/[^\w.-]+/g, "_")}"`,
        )
        .send(document.bytes);
    },
  );

  api.get(
    `${base}/:tenderId/attempts`,
    {
      schema: {
        tags: ["bids"],
        summary: "Refused attempts to read or open the bids early or alone, and broken seals",
        description: "For the authority's administrators.",
        params: TenderParams,
        response: { 200: AttemptsResponse, ...errors },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const events = await refusedAttempts(db, request.principal, authority.id, request.params.tenderId);
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
