/**
 * Tenders' pages: an authority's tenders, setting one up and adding to its pack, a tender with what
 * the viewer may do next (publish, cancel, bid, confirm the opening, read opened bids), the bid form
 * with its receipts, and the opened bids. Each route states who may use it and calls one service;
 * the services decide every rule. Questions and amendments: questions.pages.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { cookieOptions } from "../../http/csrf.ts";
import { buttonAction, field, fieldList, formAction, formPage, searchPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { type Language, londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { panelsContext } from "../../lib/ports.ts";
import { ctxOf } from "../access/context.ts";
import { authorityEditors } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { SECTORS, SIZE_BANDS } from "../organisations/organisations.service.ts";
import { cancelTender } from "./amendments.service.ts";
import { BID_LIMITS, COPY_HOURS, submitBid, withdrawBid } from "./bids.service.ts";
import { confirmOpening } from "./opening.service.ts";
import { publishTender } from "./publication.service.ts";
import {
  addTenderDocument,
  createTender,
  draftOf,
  tenderFormChoices,
  updateTender,
} from "./setup.service.ts";
import { tendersCtxOf } from "./tenders.context.ts";
import {
  bidDraftFromForm,
  bidFormAgain,
  formValues,
  memberChoicesOf,
  memberCountOf,
  tenderDraftFromForm,
  tenderFormRows,
  tenderFormValues,
} from "./tenders.forms.ts";
import { onVisibleTender, tenderEditors } from "./tenders.policies.ts";
import { type TenderView, tenderForEditor } from "./tenders.service.ts";
import { CRITERION_KINDS, PRICING_MODES, PROCEDURES, VAT_TREATMENTS } from "./tenders.table.ts";
import {
  type BidForm,
  bidConfirmation,
  bidForm,
  draftForEditor,
  openedBidsPage,
  receiptCheck,
  type TenderPage,
  tenderList,
  tenderPage,
} from "./views.service.ts";

type TenderRequest = FastifyRequest<{ Params: { slug: string; tenderId: string } }>;

const money = (p: bigint | null) => (p === null ? "" : formatMoney(p as Pence, { pence: false }));
const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} bytes` : `${Math.ceil(bytes / 1024)} KB`);
const baseOf = (authority: { slug: string }, id: string) => `/authorities/${authority.slug}/tenders/${id}`;
/** The file name of a bidder's copy: its receipt's SHA-256 begins it. */
const copyName = (sha256: string) => `bid-${sha256.slice(0, 12)}.json`;

/** The criteria a bid answers, as the bid form shows them. */
function questionsOf(view: TenderView) {
  const { criteria } = view.parts;
  return criteria
    .filter(
      (c) => c.kind !== "price" && c.kind !== "accreditation" && !criteria.some((s) => s.parent_id === c.id),
    )
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
  already: "tenders.page.alreadyConfirmed",
  saved: "tenders.page.saved",
  interest: "tenders.page.interest",
  asked: "tenders.page.asked",
  answered: "tenders.page.answered",
  amended: "tenders.page.amended",
  document: "tenders.document.added",
  opened: "tenders.page.opened",
  cancelled: "tenders.page.cancelled",
};

/** The tender's terms as its page shows them. */
function termsOf(authority: Authority, view: TenderView, locale: Language) {
  const { tender, parts } = view;
  return {
    deadlines: {
      submission: londonDateTime(tender.submission_deadline, locale),
      clarification: londonDateTime(tender.clarification_deadline, locale),
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
    cancelledAt: tender.cancelled_at ? londonDateTime(tender.cancelled_at, locale) : "",
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
    stage: t(page.stage),
    base: baseOf(authority, tender.id),
    ownBids: page.ownBids.map((b) => ({
      text: t("tenders.page.bidIn", {
        name: b.organisation.name,
        at: londonDateTime(b.receipt.receivedAt, request.locale),
      }),
      href: `${baseOf(authority, tender.id)}/bid/${b.receipt.bidId}`,
    })),
    notice: NOTICE_KEYS[notice] ? t(NOTICE_KEYS[notice]) : "",
    organisations: page.organisations,
    unregistered: page.organisations.filter((o) => !o.registered),
    interestCount: page.interestCount,
    questions: {
      answered: page.questions
        .filter((q) => q.number !== null)
        .map((q) => ({ ...q, answeredOn: q.answeredAt ? londonDateTime(q.answeredAt, request.locale) : "" })),
      waiting: page.questions.filter((q) => q.number === null),
      canAsk: may.ask,
    },
    amendments: page.amendments.map((a) => ({
      number: a.number,
      at: londonDateTime(a.made_at, request.locale),
      reason: a.reason,
      changed: a.changed.map((f) => t(`tenders.fields.${f}`)).join(", "),
      moved: a.submission_deadline.getTime() !== a.previous_submission_deadline.getTime(),
      from: londonDateTime(a.previous_submission_deadline, request.locale),
      to: londonDateTime(a.submission_deadline, request.locale),
    })),
    bidCount: view.bidCount,
    showBidCount: view.bidCount !== null,
    ...termsOf(authority, view, request.locale),
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
  const shown = receipts.map((r) => ({ ...r, receivedAtText: londonDateTime(r.receivedAt, request.locale) }));
  const query = (request.query ?? {}) as Record<string, string>;
  return {
    authority,
    tender: view.tender,
    base: baseOf(authority, view.tender.id),
    organisations: form.organisations,
    refused: form.refused,
    unregistered: form.unregistered,
    organisationId: form.organisationId,
    lots: view.parts.lots,
    questions: questionsOf(view),
    sectors: SECTORS,
    sizes: SIZE_BANDS,
    memberOptions: form.memberOptions,
    memberLimit: BID_LIMITS.members,
    /** Shown again without submitting ("Add another member", "Find"): the files are not kept. */
    again: request.method === "POST" && bidFormAgain(request.body),
    maxSize: `${Math.floor(maxDocumentBytes / (1024 * 1024))} MB`,
    receipts: shown,
    hasCurrent: receipts.some((r) => r.status === "current"),
    open: view.state === "open",
    closedText: request.t(`tenders.state.${view.state}`),
    notice: query.notice === "withdrawn" ? request.t("tenders.bid.withdrawn") : "",
  };
}

type BidFormContext = ReturnType<typeof bidFormContext>;

/** A bid's consortium in words: the lead's share, then each member with its role, sector and size labelled. */
function consortiumText(
  request: FastifyRequest,
  consortium: {
    leadShareBp: number;
    members: { name: string; role: string; sector: string; sizeBand: string; shareBp: number }[];
  },
): string {
  const t = request.t;
  const members = consortium.members.map((m) =>
    t("tenders.opened.member", {
      name: m.name,
      role: t(`tenders.bid.${m.role}`),
      sector: t(`labels.sector.${m.sector}`),
      size: t(`organisations.sizeBand.${m.sizeBand}`),
      share: formatPercent(m.shareBp),
    }),
  );
  return [t("tenders.opened.lead", { share: formatPercent(consortium.leadShareBp) }), ...members].join("; ");
}

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
      receivedAtText: londonDateTime(b.receipt.receivedAt, request.locale),
      sha256: b.receipt.sha256,
      bidder: b.content?.bidder.name ?? b.receipt.bidId,
      consortium: b.content?.consortium
        ? consortiumText(request, b.content.consortium)
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
        deadline: londonDateTime(r.submission_deadline, request.locale),
        state: r.state,
        stage: request.t(r.stage),
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
      const view = await tenderPage(tendersCtxOf(request), authority.id, request.params.tenderId, base);
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

/** What the set-up form offers, for a new tender or a draft. */
async function setUpChoices(request: FastifyRequest) {
  const { panels, ...choices } = await tenderFormChoices(ctxOf(request), request.authority.id);
  return {
    ...choices,
    ...panelsContext(panels),
    procedures: PROCEDURES,
    pricingModes: PRICING_MODES,
    vatTreatments: VAT_TREATMENTS,
    kinds: CRITERION_KINDS,
  };
}

/** Setting a tender up: the set-up form, editing a draft with it, and the tender pack's document form. */
function setUpPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/tenders/new", {
    who: authorityEditors,
    template: "tenders/views/form.njk",
    context: async (request) => ({
      authority: request.authority,
      action: `/authorities/${request.authority.slug}/tenders/new`,
      ...(await setUpChoices(request)),
      ...tenderFormRows(formValues(request.body)),
    }),
    // "Set up a tender for this project" on a project's page links here with `?projectId=`: chosen already.
    values: (request) => ({
      "tupe.applies": "no",
      scoringScaleMax: "10",
      projectId: field(request.query, "projectId"),
    }),
    read: (body) => ({ "tupe.applies": "no", scoringScaleMax: "10", ...formValues(body) }),
    submit: async (request, values) => {
      const view = await createTender(ctxOf(request), request.authority.id, tenderDraftFromForm(values));
      return baseOf(request.authority, view.tender.id);
    },
  });

  // A draft changed with the set-up form, filled in: its editors only, while it is a draft (409 after).
  formPage(app, "/authorities/:slug/tenders/:tenderId/edit", {
    who: tenderEditors,
    template: "tenders/views/form.njk",
    context: async (request: TenderRequest) => {
      const view = await draftForEditor(ctxOf(request), request.authority.id, request.params.tenderId);
      const base = baseOf(request.authority, view.tender.id);
      const current = tenderFormValues(draftOf(view.tender, view.parts));
      return {
        authority: request.authority,
        tender: view.tender,
        base,
        action: `${base}/edit`,
        editing: true,
        current,
        ...(await setUpChoices(request)),
        ...tenderFormRows({ ...current, ...formValues(request.body) }),
      };
    },
    values: (_request, context) => context.current,
    read: (body) => ({ "tupe.applies": "no", ...formValues(body) }),
    submit: async (request, values, { authority, tender, base }) => {
      await updateTender(ctxOf(request), authority.id, tender.id, tenderDraftFromForm(values));
      return `${base}?notice=saved`;
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

/** The cookie that carries the key of a bidder's copy of its latest bid: `<bid id>.<key>`, in its browser only. */
const COPY_COOKIE = "openps_bid_copy";

/** Keeps the key of the bidder's copy in its browser, for its tender's bid pages only, while the copy lasts. */
function setCopyCookie(reply: FastifyReply, base: string, bidId: string, key: string): void {
  const secure = reply.server.deps.config.baseUrl.startsWith("https://");
  reply.setCookie(COPY_COOKIE, `${bidId}.${key}`, {
    ...cookieOptions(secure),
    path: `${base}/bid`,
    maxAge: COPY_HOURS * 60 * 60,
  });
}

/** The key of the bidder's copy of this bid, from its browser's cookie ("" when it has none for it). */
function copyKeyOf(request: FastifyRequest, bidId: string): string {
  const [id, key] = (request.cookies?.[COPY_COOKIE] ?? "").split(".");
  return id === bidId && key ? key : "";
}

type BidRequest = FastifyRequest<{ Params: { slug: string; tenderId: string; bidId: string } }>;

/** Bidding, its confirmation and receipts, opening and the opened bids. */
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
      const form = await bidForm(
        ctx,
        request.authority.id,
        request.params.tenderId,
        chosen,
        memberChoicesOf(request.body),
      );
      return bidFormContext(request, form, ctx.maxDocumentBytes);
    },
    read: (body: unknown, _request: FastifyRequest, context: BidFormContext) => ({
      consortium: "no",
      ...formValues(body),
      organisationId: context.organisationId,
      lotIds: fieldList(body, "lotIds"),
      memberCount: memberCountOf(body),
    }),
    // "Add another member" and "Find" show the form again with nothing submitted; the bid itself is
    // submitted with a copy kept for its bidder, whose key only its browser holds (a cookie).
    submit: async (
      request: FastifyRequest,
      _values: unknown,
      context: BidFormContext,
      reply: FastifyReply,
    ) => {
      if (bidFormAgain(request.body)) return null;
      const { authority, tender, base, questions } = context;
      const draft = bidDraftFromForm(
        request.body,
        questions.map((q) => q.id),
      );
      const submitted = await submitBid(tendersCtxOf(request), authority.id, tender.id, draft, {
        keepCopy: true,
      });
      if (submitted.copyKey) setCopyCookie(reply, base, submitted.receipt.bidId, submitted.copyKey);
      return `${base}/bid/${submitted.receipt.bidId}`;
    },
    fieldOf: (f: string | undefined) => (f?.startsWith("documents") ? "documents" : f),
  };
  app.get(BID, page({ who: bidders }), async (request: TenderRequest, reply) => {
    const context = await bid.context(request);
    const values = { consortium: "no", organisationId: context.organisationId, lotIds: [], memberCount: 1 };
    await reply.page(bid.template, { ...context, values });
  });
  formAction(app, BID, bid);

  // The confirmation of a bid, for its bidder: the receipt, and the copy of what was submitted.
  app.get(`${BID}/:bidId`, page({ who: bidders }), async (request: BidRequest, reply) => {
    const { authority } = request;
    const { bidId, tenderId } = request.params;
    const shown = await bidConfirmation(
      tendersCtxOf(request),
      authority.id,
      tenderId,
      bidId,
      copyKeyOf(request, bidId),
    );
    const base = baseOf(authority, tenderId);
    await reply.page("tenders/views/confirmation.njk", {
      authority,
      tender: shown.view.tender,
      base,
      open: shown.view.state === "open",
      organisation: shown.organisation,
      receipt: { ...shown.receipt, receivedAtText: londonDateTime(shown.receipt.receivedAt, request.locale) },
      copyUrl: shown.copy === null ? "" : `${base}/bid/${bidId}/copy`,
      copyName: copyName(shown.receipt.sha256),
      copyHours: COPY_HOURS,
      checkUrl: `${base}/receipts?sha256=${shown.receipt.sha256}`,
    });
  });

  // The bidder's copy: exactly the canonical content its receipt's SHA-256 is of.
  app.get(`${BID}/:bidId/copy`, page({ who: bidders }), async (request: BidRequest, reply) => {
    const { bidId, tenderId } = request.params;
    const shown = await bidConfirmation(
      tendersCtxOf(request),
      request.authority.id,
      tenderId,
      bidId,
      copyKeyOf(request, bidId),
    );
    if (shown.copy === null) throw new NotFoundError("copy of this bid");
    await reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", `attachment; filename="${copyName(shown.receipt.sha256)}"`)
      .header("cache-control", "no-store")
      .send(shown.copy);
  });

  // Anyone may check a receipt by its SHA-256: when it was received, and whether it still counts.
  app.get(
    "/authorities/:slug/tenders/:tenderId/receipts",
    page({ who: anyone }),
    async (request: TenderRequest, reply) => {
      const { authority } = request;
      const sha256 = field(request.query, "sha256");
      const { view, receipt, problems } = await receiptCheck(
        ctxOf(request),
        authority.id,
        request.params.tenderId,
        sha256,
      );
      await searchPage(
        reply,
        "tenders/views/receipts.njk",
        {
          authority,
          tender: view.tender,
          base: baseOf(authority, view.tender.id),
          values: { sha256 },
          asked: sha256 !== "" && problems.length === 0,
          receipt: receipt
            ? { ...receipt, receivedAtText: londonDateTime(receipt.receivedAt, request.locale) }
            : null,
        },
        problems,
      );
    },
  );

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
      const notice = result.state === "opened" ? "opened" : result.alreadyConfirmed ? "already" : "awaiting";
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
