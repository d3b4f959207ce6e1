/**
 * Tenders' pages: an authority's tenders, setting one up and adding to its pack, a tender with what
 * the viewer may do next (publish, cancel, bid, confirm the opening, read opened bids), the bid form
 * with its receipts, and the opened bids. Each route states who may use it and calls one service;
 * the services decide every rule. Questions and amendments: questions.pages.ts.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, fieldList, formAction, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { panelsContext } from "../../lib/ports.ts";
import { ctxOf } from "../access/context.ts";
import { authorityEditors } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { SECTORS, SIZE_BANDS } from "../organisations/organisations.service.ts";
import { cancelTender } from "./amendments.service.ts";
import { submitBid, withdrawBid } from "./bids.service.ts";
import { confirmOpening } from "./opening.service.ts";
import { publishTender } from "./publication.service.ts";
import { addTenderDocument, createTender, tenderFormChoices } from "./setup.service.ts";
import { tendersCtxOf } from "./tenders.context.ts";
import { bidDraftFromForm, formValues, ROWS, tenderDraftFromForm } from "./tenders.forms.ts";
import { onVisibleTender, tenderEditors } from "./tenders.policies.ts";
import { type TenderView, tenderForEditor } from "./tenders.service.ts";
import { CRITERION_KINDS, PRICING_MODES, PROCEDURES, VAT_TREATMENTS } from "./tenders.table.ts";
import {
  type BidForm,
  bidForm,
  openedBidsPage,
  type TenderPage,
  tenderList,
  tenderPage,
} from "./views.service.ts";

type TenderRequest = FastifyRequest<{ Params: { slug: string; tenderId: string } }>;

const money = (p: bigint | null) => (p === null ? "" : formatMoney(p as Pence, { pence: false }));
const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : `${Math.ceil(bytes / 1024)} KB`);
const baseOf = (authority: { slug: string }, id: string) => `/authorities/${authority.slug}/tenders/${id}`;

/** The criteria a bid answers, as the bid form shows them. */
function questionsOf(view: TenderView) {
  const { criteria } = view.parts;
  return criteria
    .filter((c) => c.kind !== "price" && !criteria.some((s) => s.parent_id === c.id))
    .map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      weight: formatPercent(c.weight_bp),
    }));
}

const NOTICE_KEYS: Record<string, string> = {
  published: "tenders.page.published",
  awaiting: "tenders.page.awaitingSecond",
  interest: "tenders.page.interest",
  asked: "tenders.page.asked",
  answered: "tenders.page.answered",
  amended: "tenders.page.amended",
  document: "tenders.document.added",
  opened: "tenders.page.opened",
  cancelled: "tenders.page.cancelled",
};

/** The tender's terms as its page shows them. */
function termsOf(authority: Authority, view: TenderView) {
  const { tender, parts } = view;
  return {
    deadlines: {
      submission: londonDateTime(tender.submission_deadline),
      clarification: londonDateTime(tender.clarification_deadline),
    },
    estimatedValue: money(tender.estimated_value_pence),
    fixedPrice: money(tender.fixed_price_pence),
    tupeCost: money(tender.tupe_annual_cost_pence),
    lots: parts.lots.map((l) => ({ ...l, value: money(l.estimated_value_pence) })),
    conditions: parts.conditions,
    documents: parts.documents.map((d) => ({
      url: `/api/v1/authorities/${authority.id}/tenders/${tender.id}/documents/${d.id}`,
      title: d.title,
      filename: d.filename,
      size: sizeText(d.size_bytes),
    })),
    criteria: parts.criteria
      .filter((c) => c.parent_id === null)
      .flatMap((c) => [
        { ...c, sub: false, weight: formatPercent(c.weight_bp) },
        ...parts.criteria
          .filter((s) => s.parent_id === c.id)
          .map((s) => ({ ...s, sub: true, weight: formatPercent(s.weight_bp) })),
      ]),
    cancelledAt: tender.cancelled_at ? londonDateTime(tender.cancelled_at) : "",
  };
}

/** A tender's page as the template takes it. */
function tenderPageContext(request: FastifyRequest, page: TenderPage, notice: string) {
  const { authority } = request;
  const { view, may } = page;
  const { tender } = view;
  const t = request.t;
  return {
    authority,
    tender,
    state: view.state,
    base: baseOf(authority, tender.id),
    notice: NOTICE_KEYS[notice] ? t(NOTICE_KEYS[notice]) : "",
    organisations: page.organisations,
    unregistered: page.organisations.filter((o) => !o.registered),
    interestCount: page.interestCount,
    questions: {
      answered: page.questions
        .filter((q) => q.number !== null)
        .map((q) => ({ ...q, answeredOn: q.answeredAt ? londonDateTime(q.answeredAt) : "" })),
      waiting: page.questions.filter((q) => q.number === null),
      canAsk: may.ask,
    },
    amendments: page.amendments.map((a) => ({
      number: a.number,
      at: londonDateTime(a.made_at),
      reason: a.reason,
      changed: a.changed.map((f) => t(`tenders.fields.${f}`)).join(", "),
      moved: a.submission_deadline.getTime() !== a.previous_submission_deadline.getTime(),
      from: londonDateTime(a.previous_submission_deadline),
      to: londonDateTime(a.submission_deadline),
    })),
    bidCount: view.bidCount,
    showBidCount: view.bidCount !== null,
    ...termsOf(authority, view),
    canEdit: may.edit,
    canCancel: may.cancel,
    canBid: may.bid,
    canOpen: may.open,
    canRead: may.read,
    team: may.team,
    ...panelsContext(page.panels),
  };
}

/** The bid form as the template takes it. */
function bidFormContext(request: TenderRequest, form: BidForm, maxDocumentBytes: number) {
  const { authority } = request;
  const { view, receipts } = form;
  const shown = receipts.map((r) => ({ ...r, receivedAtText: londonDateTime(r.receivedAt) }));
  const query = (request.query ?? {}) as Record<string, string>;
  const latest = shown[0];
  return {
    authority,
    tender: view.tender,
    base: baseOf(authority, view.tender.id),
    organisations: form.organisations,
    unregistered: form.unregistered,
    organisationId: form.organisationId,
    lots: view.parts.lots,
    questions: questionsOf(view),
    sectors: SECTORS,
    sizes: SIZE_BANDS,
    memberRows: ROWS.members,
    maxSize: `${Math.floor(maxDocumentBytes / (1024 * 1024))} MB`,
    receipts: shown,
    hasCurrent: receipts.some((r) => r.status === "current"),
    open: view.state === "open",
    closedText: request.t(`tenders.state.${view.state}`),
    notice:
      query.notice === "received" && latest
        ? request.t("tenders.bid.received", { at: latest.receivedAtText })
        : query.notice === "withdrawn"
          ? request.t("tenders.bid.withdrawn")
          : "",
  };
}

type BidFormContext = ReturnType<typeof bidFormContext>;

/** The opened bids as their page shows them. */
function openedBidsContext(request: TenderRequest, page: Awaited<ReturnType<typeof openedBidsPage>>) {
  const { authority } = request;
  const { view, bids } = page;
  const titles = new Map(view.parts.criteria.map((c) => [c.id, c.title]));
  return {
    authority,
    tender: view.tender,
    base: baseOf(authority, view.tender.id),
    bids: bids.map((b) => ({
      integrity: b.integrity,
      receivedAtText: londonDateTime(b.receipt.receivedAt),
      sha256: b.receipt.sha256,
      bidder: b.content?.bidder.name ?? b.receipt.bidId,
      consortium: b.content?.consortium
        ? `${formatPercent(b.content.consortium.leadShareBp)} lead; ${b.content.consortium.members
            .map((m) => `${m.name} (${m.role}, ${m.sector}, ${m.sizeBand}, ${formatPercent(m.shareBp)})`)
            .join("; ")}`
        : request.t("tenders.opened.alone"),
      price: b.content?.pricePence ? money(BigInt(b.content.pricePence)) : request.t("tenders.none"),
      answers: (b.content?.answers ?? []).map((a) => ({
        title: titles.get(a.criterionId) ?? "",
        text: a.text,
      })),
      documents: (b.content?.documents ?? []).map((d) => ({
        name: d.filename,
        size: sizeText(d.size),
        url: `/api/v1/authorities/${authority.id}/tenders/${view.tender.id}/bids/${b.receipt.bidId}/documents/${d.position}`,
      })),
    })),
  };
}

export interface TenderPagesOptions {
  /** The shortest period from publication to the submission deadline (configuration). */
  minimumPeriodDays: number;
}

export function tenderPages(app: FastifyInstance, options: TenderPagesOptions): void {
  app.get("/authorities/:slug/tenders", page({ who: anyone }), async (request, reply) => {
    const { authority } = request;
    const list = await tenderList(ctxOf(request), authority.id);
    await reply.page("tenders/views/list.njk", {
      authority,
      canEdit: list.canEdit,
      tenders: list.tenders.map((r) => ({
        href: baseOf(authority, r.id),
        title: r.title,
        deadline: londonDateTime(r.submission_deadline),
        state: r.state,
      })),
    });
  });

  setUpPages(app);

  app.get(
    "/authorities/:slug/tenders/:tenderId",
    page({ who: anyone }),
    async (request: TenderRequest, reply) => {
      const { authority } = request;
      const base = baseOf(authority, request.params.tenderId);
      const view = await tenderPage(ctxOf(request), authority.id, request.params.tenderId, base);
      const query = (request.query ?? {}) as Record<string, string>;
      await reply.page("tenders/views/tender.njk", tenderPageContext(request, view, query.notice ?? ""));
    },
  );

  buttonAction(
    app,
    "/authorities/:slug/tenders/:tenderId/publish",
    { who: tenderEditors },
    async (request: TenderRequest) => {
      const { authority } = request;
      await publishTender(tendersCtxOf(request), authority.id, request.params.tenderId, options);
      return `${baseOf(authority, request.params.tenderId)}?notice=published`;
    },
  );

  formPage(app, "/authorities/:slug/tenders/:tenderId/cancel", {
    who: tenderEditors,
    template: "tenders/views/cancel.njk",
    context: async (request: TenderRequest) => {
      const view = await tenderForEditor(ctxOf(request), request.authority.id, request.params.tenderId);
      return {
        authority: request.authority,
        tender: view.tender,
        base: baseOf(request.authority, view.tender.id),
      };
    },
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request, values, { authority, tender, base }) => {
      await cancelTender(tendersCtxOf(request), authority.id, tender.id, values.reason);
      return `${base}?notice=cancelled`;
    },
  });

  biddingPages(app);
}

/** Setting a tender up: the set-up form and the tender pack's document form. */
function setUpPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/tenders/new", {
    who: authorityEditors,
    template: "tenders/views/form.njk",
    context: async (request) => ({
      authority: request.authority,
      action: `/authorities/${request.authority.slug}/tenders/new`,
      ...(await tenderFormChoices(ctxOf(request), request.authority.id)),
      procedures: PROCEDURES,
      pricingModes: PRICING_MODES,
      vatTreatments: VAT_TREATMENTS,
      kinds: CRITERION_KINDS,
      lotRows: ROWS.lots,
      conditionRows: ROWS.conditions,
      criterionRows: ROWS.criteria,
      subCriterionRows: ROWS.subCriteria,
    }),
    values: () => ({ "tupe.applies": "no", scoringScaleMax: "10" }),
    read: (body) => ({ "tupe.applies": "no", scoringScaleMax: "10", ...formValues(body) }),
    submit: async (request, values) => {
      const view = await createTender(ctxOf(request), request.authority.id, tenderDraftFromForm(values));
      return baseOf(request.authority, view.tender.id);
    },
  });

  formPage(app, "/authorities/:slug/tenders/:tenderId/documents/new", {
    who: tenderEditors,
    uploads: true,
    template: "tenders/views/document.njk",
    context: async (request: TenderRequest) => {
      const view = await tenderForEditor(ctxOf(request), request.authority.id, request.params.tenderId);
      const max = request.server.deps.config.maxUploadBytes;
      return {
        authority: request.authority,
        tender: view.tender,
        base: baseOf(request.authority, view.tender.id),
        maxSize: `${Math.floor(max / (1024 * 1024))} MB`,
      };
    },
    read: (body) => ({ title: field(body, "title") }),
    submit: async (request, values, { authority, tender, base }) => {
      const [file] = filesOf(request.body, "file");
      await addTenderDocument(
        ctxOf(request),
        authority.id,
        tender.id,
        {
          title: values.title,
          filename: file?.filename ?? "",
          content: file,
        },
        request.server.deps.files,
      );
      return `${base}?notice=document`;
    },
    fieldOf: (f) => (f === "filename" || f === "contentBase64" ? "file" : f),
  });
}

/** Bidding, opening and the opened bids. */
function biddingPages(app: FastifyInstance): void {
  // For those signed in, on a tender they may see (the bidder is checked by the service): a bid
  // posted for a tender that cannot be seen is not found before a byte of its files is read.
  const BID = "/authorities/:slug/tenders/:tenderId/bid";
  const bidders = onVisibleTender("People of the bidding organisation");
  const bid = {
    who: bidders,
    uploads: true,
    template: "tenders/views/bid.njk",
    context: async (request: TenderRequest) => {
      const ctx = tendersCtxOf(request);
      // The organisation chosen: as posted, or as asked for in the address.
      const chosen = field(request.body ?? request.query, "organisationId");
      const form = await bidForm(ctx, request.authority.id, request.params.tenderId, chosen);
      return bidFormContext(request, form, ctx.maxDocumentBytes);
    },
    read: (body: unknown, _request: FastifyRequest, context: BidFormContext) => ({
      consortium: "no",
      ...formValues(body),
      organisationId: context.organisationId,
      lotIds: fieldList(body, "lotIds"),
    }),
    submit: async (request: FastifyRequest, _values: unknown, context: BidFormContext) => {
      const { authority, tender, base, questions } = context;
      const draft = bidDraftFromForm(
        request.body,
        questions.map((q) => q.id),
      );
      await submitBid(tendersCtxOf(request), authority.id, tender.id, draft);
      return `${base}/bid?organisationId=${encodeURIComponent(draft.organisationId ?? "")}&notice=received`;
    },
    fieldOf: (f: string | undefined) => (f?.startsWith("documents") ? "documents" : f),
  };
  app.get(BID, page({ who: bidders }), async (request: TenderRequest, reply) => {
    const context = await bid.context(request);
    const values = { consortium: "no", organisationId: context.organisationId, lotIds: [] };
    await reply.page(bid.template, { ...context, values });
  });
  formAction(app, BID, bid);

  buttonAction(
    app,
    "/authorities/:slug/tenders/:tenderId/bid/withdraw",
    { who: bidders },
    async (request: TenderRequest) => {
      const { authority } = request;
      const organisationId = field(request.body, "organisationId");
      await withdrawBid(tendersCtxOf(request), authority.id, request.params.tenderId, organisationId);
      return `${baseOf(authority, request.params.tenderId)}/bid?organisationId=${encodeURIComponent(organisationId)}&notice=withdrawn`;
    },
  );

  buttonAction(
    app,
    "/authorities/:slug/tenders/:tenderId/opening",
    { who: onVisibleTender("The authority's bid openers, signed in with two-factor") },
    async (request: TenderRequest) => {
      const { authority } = request;
      const result = await confirmOpening(tendersCtxOf(request), authority.id, request.params.tenderId);
      const notice = result.state === "opened" ? "opened" : "awaiting";
      return `${baseOf(authority, request.params.tenderId)}?notice=${notice}`;
    },
  );

  app.get(
    "/authorities/:slug/tenders/:tenderId/bids",
    page({ who: onVisibleTender("The authority's bid openers and the tender's assigned evaluators") }),
    async (request: TenderRequest, reply) => {
      const opened = await openedBidsPage(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
      );
      await reply.page("tenders/views/bids.njk", openedBidsContext(request, opened));
    },
  );
}
