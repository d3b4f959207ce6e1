/**
 * Tenders' pages: an authority's tenders, setting one up, a tender with what the
 * viewer may do next (publish, bid, confirm the opening, read opened bids), the bid form with its
 * receipts, and the opened bids. Thin: parse forms into drafts, call the services, render.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, fieldList, submitForm } from "../../http/forms.ts";
import { filesOf } from "../../http/uploads.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { collect, panelsContext } from "../../lib/ports.ts";
import {
  hasRole,
  isAuthorityEditor,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityBySlug } from "../authorities/authorities.service.ts";
import { SECTORS, SIZE_BANDS } from "../organisations/organisations.service.ts";
import { projectsOf } from "../projects/projects.service.ts";
import {
  type BidDraft,
  type BidsContext,
  biddingOrganisations,
  canReadBids,
  confirmOpening,
  openedBids,
  receiptsOf,
  submitBid,
  withdrawBid,
} from "./bids.service.ts";
import { interestCount, interestOf, questionsFor } from "./questions.service.ts";
import { tenderPanels } from "./tenders.ports.ts";
import {
  addTenderDocument,
  amendmentsOf,
  cancelTender,
  createTender,
  isTenderTeam,
  londonDateTime,
  londonInstant,
  type PublishOptions,
  percent,
  publishTender,
  stateOf,
  type TenderDraft,
  type TenderView,
  tenderOf,
  tendersOf,
} from "./tenders.service.ts";
import { CRITERION_KINDS, PRICING_MODES, PROCEDURES, VAT_TREATMENTS } from "./tenders.table.ts";

const hide = { schema: { hide: true } };
const ROWS = { lots: 4, conditions: 6, criteria: 6, subCriteria: 3, members: 4 } as const;

type Body = Record<string, unknown>;

function values(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Body)) if (k !== "_csrf") out[k] = v;
  return out;
}

/** A whole number as typed, or NaN (the service says what is wrong). */
function whole(text: string): number | undefined {
  if (text === "") return undefined;
  return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

/** A percentage as typed ("25", "33.33") in basis points, or NaN. */
function percentToBp(text: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?%?$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

export function tenderDraftFromForm(body: unknown): TenderDraft {
  const f = (name: string) => field(body, name);
  const lots = [];
  for (let i = 0; i < ROWS.lots; i++)
    if (f(`lots.${i}.title`) || f(`lots.${i}.estimatedValue`))
      lots.push({ title: f(`lots.${i}.title`), estimatedValue: f(`lots.${i}.estimatedValue`) });
  const conditions = [];
  for (let i = 0; i < ROWS.conditions; i++) if (f(`conditions.${i}`)) conditions.push(f(`conditions.${i}`));
  const criteria = [];
  for (let i = 0; i < ROWS.criteria; i++)
    if (f(`criteria.${i}.title`) || f(`criteria.${i}.weightBp`) || f(`criteria.${i}.kind`))
      criteria.push({
        kind: f(`criteria.${i}.kind`),
        title: f(`criteria.${i}.title`),
        weightBp: percentToBp(f(`criteria.${i}.weightBp`)),
        subCriteria: Array.from({ length: ROWS.subCriteria }, (_, j) => `criteria.${i}.subCriteria.${j}`)
          .filter((p) => f(`${p}.title`) || f(`${p}.weightBp`))
          .map((p) => ({ title: f(`${p}.title`), weightBp: percentToBp(f(`${p}.weightBp`)) })),
      });
  const tupeApplies = f("tupe.applies") === "yes";
  return {
    projectId: f("projectId"),
    title: f("title"),
    description: f("description"),
    procedure: f("procedure"),
    stages: f("stages"),
    pricingMode: f("pricingMode"),
    fixedPrice: f("fixedPrice") || null,
    tariff: f("tariff"),
    scoringScaleMax: whole(f("scoringScaleMax")),
    reserved: f("reserved") === "yes",
    contractTermMonths: whole(f("contractTermMonths")) ?? Number.NaN,
    tupe: {
      applies: tupeApplies,
      staffCount: tupeApplies ? (whole(f("tupe.staffCount")) ?? Number.NaN) : null,
      annualCost: tupeApplies ? f("tupe.annualCost") : null,
      terms: f("tupe.terms"),
    },
    pensionTerms: f("pensionTerms"),
    vatTreatment: f("vatTreatment"),
    vatNote: f("vatNote"),
    clarificationDeadline: londonInstant(
      dateField(body, "clarificationDeadline"),
      f("clarificationDeadline-time"),
    ),
    submissionDeadline: londonInstant(dateField(body, "submissionDeadline"), f("submissionDeadline-time")),
    lots,
    conditions,
    criteria,
  };
}

export function bidDraftFromForm(body: unknown, criterionIds: readonly string[]): BidDraft {
  const f = (name: string) => field(body, name);
  const members = [];
  for (let i = 0; i < ROWS.members; i++) {
    const p = `consortium.members.${i}.`;
    if (f(`${p}name`) || f(`${p}shareBp`) || f(`${p}role`))
      members.push({
        name: f(`${p}name`),
        role: f(`${p}role`),
        sector: f(`${p}sector`),
        sizeBand: f(`${p}sizeBand`),
        shareBp: percentToBp(f(`${p}shareBp`)),
      });
  }
  return {
    organisationId: f("organisationId"),
    lotIds: fieldList(body, "lotIds"),
    answers: criterionIds.map((criterionId) => ({ criterionId, text: f(`answers.${criterionId}`) })),
    price: f("price") || null,
    documents: filesOf(body, "documents").map((file) => ({
      filename: file.filename,
      contentBase64: file.data.toString("base64"),
    })),
    consortium:
      f("consortium") === "yes" ? { leadShareBp: percentToBp(f("consortium.leadShareBp")), members } : null,
  };
}

const money = (p: bigint | null) => (p === null ? "" : formatMoney(p as Pence, { pence: false }));

function questionsOf(view: TenderView) {
  const { criteria } = view.parts;
  return criteria
    .filter((c) => c.kind !== "price" && !criteria.some((s) => s.parent_id === c.id))
    .map((c) => ({ id: c.id, title: c.title, description: c.description, weight: percent(c.weight_bp) }));
}

export function tenderPages(app: FastifyInstance, ctx: BidsContext, publishOptions: PublishOptions): void {
  const { db, clock } = ctx;
  type Slug = { Params: { slug: string } };
  type SlugTender = { Params: { slug: string; tenderId: string } };
  const baseOf = (authority: Authority, id: string) => `/authorities/${authority.slug}/tenders/${id}`;
  const summary = (
    authority: { slug: string },
    row: { id: string; title: string; submission_deadline: Date },
  ) => ({
    href: `/authorities/${authority.slug}/tenders/${row.id}`,
    title: row.title,
    deadline: londonDateTime(row.submission_deadline),
  });

  app.get<Slug>("/authorities/:slug/tenders", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const rows = await tendersOf(db, request.principal, authority.id);
    const now = clock.now();
    await reply.page("tenders/views/list.njk", {
      authority,
      canEdit: isAuthorityEditor(request.principal, authority.id),
      tenders: rows.map((r) => ({
        ...summary(authority, r),
        state: stateOf(r, now),
      })),
    });
  });

  async function formContext(request: FastifyRequest, authority: Authority, body: unknown) {
    const projects = await projectsOf(db, request.principal, authority.id);
    return {
      authority,
      action: `/authorities/${authority.slug}/tenders/new`,
      values: { "tupe.applies": "no", scoringScaleMax: "10", ...values(body) },
      projects,
      procedures: PROCEDURES,
      pricingModes: PRICING_MODES,
      vatTreatments: VAT_TREATMENTS,
      kinds: CRITERION_KINDS,
      lotRows: ROWS.lots,
      conditionRows: ROWS.conditions,
      criterionRows: ROWS.criteria,
      subCriterionRows: ROWS.subCriteria,
    };
  }

  app.get<Slug>("/authorities/:slug/tenders/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    await reply.page("tenders/views/form.njk", await formContext(request, authority, {}));
  });

  app.post<Slug>("/authorities/:slug/tenders/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const context = await formContext(request, authority, request.body);
    await submitForm(reply, "tenders/views/form.njk", context, async () => {
      const id = await transaction(db, (trx) =>
        createTender(trx, clock, request.principal, authority.id, tenderDraftFromForm(request.body)),
      );
      return baseOf(authority, id);
    });
  });

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    const { tender, parts } = view;
    const notices: Record<string, string> = {
      published: request.t("tenders.page.published"),
      awaiting: request.t("tenders.page.awaitingSecond"),
      interest: request.t("tenders.page.interest"),
      asked: request.t("tenders.page.asked"),
      answered: request.t("tenders.page.answered"),
      amended: request.t("tenders.page.amended"),
      document: request.t("tenders.document.added"),
      opened: request.t("tenders.page.opened"),
      cancelled: request.t("tenders.page.cancelled"),
    };
    const query = (request.query ?? {}) as Record<string, string>;
    const organisations = await biddingOrganisations(db, request.principal);
    const registered = new Set(await interestOf(db, request.principal, authority.id, tender.id));
    const questions = await questionsFor(db, request.principal, authority.id, tender.id);
    const amendments = await amendmentsOf(db, authority.id, tender.id);
    const now = clock.now();
    await reply.page("tenders/views/tender.njk", {
      organisations: organisations.map((o) => ({ ...o, registered: registered.has(o.id) })),
      unregistered: organisations.filter((o) => !registered.has(o.id)),
      interestCount: await interestCount(db, request.principal, authority.id, tender.id),
      questions: {
        answered: questions
          .filter((q) => q.number !== null)
          .map((q) => ({ ...q, answeredOn: q.answeredAt ? londonDateTime(q.answeredAt) : "" })),
        waiting: questions.filter((q) => q.number === null),
        canAsk: view.state === "open" && now.getTime() < tender.clarification_deadline.getTime(),
      },
      amendments: amendments.map((a) => ({
        number: a.number,
        at: londonDateTime(a.made_at),
        reason: a.reason,
        changed: a.changed.map((f) => request.t(`tenders.fields.${f}`)).join(", "),
        moved: a.submission_deadline.getTime() !== a.previous_submission_deadline.getTime(),
        from: londonDateTime(a.previous_submission_deadline),
        to: londonDateTime(a.submission_deadline),
      })),
      authority,
      tender,
      state: view.state,
      base: baseOf(authority, tender.id),
      notice: query.notice ? (notices[query.notice] ?? "") : "",
      bidCount: view.bidCount,
      showBidCount: view.bidCount !== null,
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
        size: d.size_bytes < 1024 ? `${d.size_bytes} bytes` : `${Math.ceil(d.size_bytes / 1024)} KB`,
      })),
      criteria: parts.criteria
        .filter((c) => c.parent_id === null)
        .flatMap((c) => [
          { ...c, sub: false, weight: percent(c.weight_bp) },
          ...parts.criteria
            .filter((s) => s.parent_id === c.id)
            .map((s) => ({ ...s, sub: true, weight: percent(s.weight_bp) })),
        ]),
      canEdit: isAuthorityEditor(request.principal, authority.id),
      canCancel:
        isAuthorityEditor(request.principal, authority.id) &&
        ["open", "closed", "opened"].includes(view.state),
      cancelledAt: tender.cancelled_at ? londonDateTime(tender.cancelled_at) : "",
      canBid: hasRole(request.principal, ["organisation-admin", "organisation-member"]),
      canOpen:
        hasRole(request.principal, "bid-opener", authority.id) &&
        request.principal?.grants.some((g) => g.role === "bid-opener" && g.scopeId === authority.id),
      canRead: await canReadBids(db, request.principal, authority.id, tender.id),
      team: isTenderTeam(request.principal, authority.id),
      ...panelsContext(
        await collect(tenderPanels, db, {
          authorityId: authority.id,
          tenderId: tender.id,
          base: baseOf(authority, tender.id),
        }),
      ),
    });
  });

  const maxSize = `${Math.floor(ctx.maxDocumentBytes / (1024 * 1024))} MB`;
  async function documentContext(request: FastifyRequest<SlugTender>, body: unknown) {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    return {
      authority,
      tender: view.tender,
      base: baseOf(authority, view.tender.id),
      maxSize,
      values: values(body),
    };
  }

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/documents/new", hide, async (request, reply) => {
    await reply.page("tenders/views/document.njk", await documentContext(request, {}));
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/documents/new", hide, async (request, reply) => {
    const context = await documentContext(request, request.body);
    const [file] = filesOf(request.body, "file");
    await submitForm(
      reply,
      "tenders/views/document.njk",
      context,
      async () => {
        await transaction(db, (trx) =>
          addTenderDocument(
            trx,
            clock,
            app.deps.files,
            request.principal,
            context.authority.id,
            context.tender.id,
            {
              title: field(request.body, "title"),
              filename: file?.filename ?? "",
              contentBase64: file ? file.data.toString("base64") : "",
            },
          ),
        );
        return `${context.base}?notice=document`;
      },
      (f) => (f === "filename" || f === "contentBase64" ? "file" : f),
    );
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/publish", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    await transaction(db, (trx) =>
      publishTender(trx, clock, request.principal, authority.id, request.params.tenderId, publishOptions),
    );
    await reply.redirect(`${baseOf(authority, request.params.tenderId)}?notice=published`, 303);
  });

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/cancel", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    await reply.page("tenders/views/cancel.njk", {
      authority,
      tender: view.tender,
      base: baseOf(authority, view.tender.id),
      values: {},
    });
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/cancel", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    const base = baseOf(authority, view.tender.id);
    const context = { authority, tender: view.tender, base, values: values(request.body) };
    await submitForm(reply, "tenders/views/cancel.njk", context, async () => {
      await transaction(db, (trx) =>
        cancelTender(
          trx,
          clock,
          request.principal,
          authority.id,
          view.tender.id,
          field(request.body, "reason"),
          { email: ctx.email },
        ),
      );
      return `${base}?notice=cancelled`;
    });
  });

  async function bidContext(request: FastifyRequest, authority: Authority, view: TenderView, body: unknown) {
    const all = await biddingOrganisations(db, request.principal);
    const registered = new Set(await interestOf(db, request.principal, authority.id, view.tender.id));
    // Bidding needs registered interest: only those organisations are offered.
    const organisations = all.filter((o) => registered.has(o.id));
    const given = values(body);
    const organisationId = String(given.organisationId ?? organisations[0]?.id ?? "");
    const receipts =
      organisationId && organisations.some((o) => o.id === organisationId)
        ? await receiptsOf(ctx, request.principal, authority.id, view.tender.id, organisationId)
        : [];
    return {
      authority,
      tender: view.tender,
      base: baseOf(authority, view.tender.id),
      organisations,
      unregistered: all.length - organisations.length,
      lots: view.parts.lots,
      questions: questionsOf(view),
      values: { consortium: "no", ...given, organisationId, lotIds: fieldList(body, "lotIds") },
      sectors: SECTORS,
      sizes: SIZE_BANDS,
      memberRows: ROWS.members,
      maxSize,
      receipts: receipts.map((r) => ({ ...r, receivedAtText: londonDateTime(r.receivedAt) })),
      hasCurrent: receipts.some((r) => r.status === "current"),
      open: view.state === "open",
      closedText: request.t(`tenders.state.${view.state}`),
    };
  }

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/bid", hide, async (request, reply) => {
    requireSignedIn(request.principal);
    const authority = await authorityBySlug(db, request.params.slug);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    const query = (request.query ?? {}) as Record<string, string>;
    const context = await bidContext(request, authority, view, { organisationId: query.organisationId });
    const latest = context.receipts[0];
    const notice =
      query.notice === "received" && latest
        ? request.t("tenders.bid.received", { at: latest.receivedAtText })
        : query.notice === "withdrawn"
          ? request.t("tenders.bid.withdrawn")
          : "";
    await reply.page("tenders/views/bid.njk", { ...context, notice });
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/bid", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    const context = await bidContext(request, authority, view, request.body);
    await submitForm(
      reply,
      "tenders/views/bid.njk",
      context,
      async () => {
        const draft = bidDraftFromForm(
          request.body,
          context.questions.map((q) => q.id),
        );
        await transaction(db, (trx) =>
          submitBid(trx, ctx, request.principal, authority.id, view.tender.id, draft),
        );
        return `${context.base}/bid?organisationId=${encodeURIComponent(draft.organisationId ?? "")}&notice=received`;
      },
      (f) => (f?.startsWith("documents") ? "documents" : f),
    );
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/bid/withdraw", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const organisationId = field(request.body, "organisationId");
    await transaction(db, (trx) =>
      withdrawBid(trx, ctx, request.principal, authority.id, request.params.tenderId, organisationId),
    );
    await reply.redirect(
      `${baseOf(authority, request.params.tenderId)}/bid?organisationId=${encodeURIComponent(organisationId)}&notice=withdrawn`,
      303,
    );
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/opening", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const result = await confirmOpening(ctx, request.principal, authority.id, request.params.tenderId);
    await reply.redirect(
      `${baseOf(authority, request.params.tenderId)}?notice=${result.state === "opened" ? "opened" : "awaiting"}`,
      303,
    );
  });

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/bids", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const bids = await openedBids(ctx, request.principal, authority.id, request.params.tenderId);
    const view = await tenderOf(db, clock, null, authority.id, request.params.tenderId);
    const titles = new Map(view.parts.criteria.map((c) => [c.id, c.title]));
    await reply.page("tenders/views/bids.njk", {
      authority,
      tender: view.tender,
      base: baseOf(authority, view.tender.id),
      bids: bids.map((b) => ({
        integrity: b.integrity,
        receivedAtText: londonDateTime(b.receipt.receivedAt),
        sha256: b.receipt.sha256,
        bidder: b.content?.bidder.name ?? b.receipt.bidId,
        consortium: b.content?.consortium
          ? `${percent(b.content.consortium.leadShareBp)} lead; ${b.content.consortium.members
              .map((m) => `${m.name} (${m.role}, ${m.sector}, ${m.sizeBand}, ${percent(m.shareBp)})`)
              .join("; ")}`
          : request.t("tenders.opened.alone"),
        price: b.content?.pricePence ? money(BigInt(b.content.pricePence)) : request.t("tenders.none"),
        answers: (b.content?.answers ?? []).map((a) => ({
          title: titles.get(a.criterionId) ?? "",
          text: a.text,
        })),
        documents: (b.content?.documents ?? []).map((d) => ({
          name: d.filename,
          size: d.size < 1024 ? `${d.size} bytes` : `${Math.ceil(d.size / 1024)} KB`,
          url: `/api/v1/authorities/${authority.id}/tenders/${view.tender.id}/bids/${b.receipt.bidId}/documents/${d.position}`,
        })),
      })),
    });
  });
}
