/**
 * Contracts' pages: the public registers (all contracts, an authority's), entering a contract from
 * an award ready to contract, the contract page (its contract details notice, KPIs with periods and
 * published ratings, amendments and termination), reporting and rating a period, amending and
 * terminating, and the provider's view of its contracts and reports due. Thin: parse forms, call the
 * services, render. Every page works without JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, submitForm } from "../../http/forms.ts";
import { filesOf } from "../../http/uploads.ts";
import { ForbiddenError, ValidationError } from "../../lib/errors.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import {
  hasRole,
  isAuthorityEditor,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityBySlug } from "../authorities/authorities.service.ts";
import type { AwardForContract } from "../evaluation/award-handover.ts";
import { percent } from "../tenders/tenders.service.ts";
import {
  amendContract,
  awardToContract,
  type ContractDraft,
  type ContractsContext,
  type ContractView,
  contractOf,
  dueReports,
  enterContract,
  type KpiDraft,
  listContractViews,
  pageUrl,
  periodText,
  providerContracts,
  rateKpi,
  readyToContract,
  reportKpi,
  SUPPLIER_ROLES,
  terminateContract,
} from "./contracts.service.ts";
import { KPI_FREQUENCIES, KPI_RATINGS, PAYMENT_MECHANISMS } from "./contracts.table.ts";

const hide = { schema: { hide: true } };
/** KPI rows on the form: empty ones are left out. The API takes up to 20. */
export const FORM_KPI_ROWS = 6;

type Slug = { Params: { slug: string } };
type SlugContract = { Params: { slug: string; contractId: string } };
type SlugPeriod = { Params: { slug: string; contractId: string; position: string; period: string } };

function values(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
    if (k !== "_csrf" && typeof v === "string") out[k] = v;
  return out;
}

const money = (p: bigint) => formatMoney(p as Pence);

function supplierText(c: {
  supplierName: string;
  leadShareBp: number;
  consortium: { name: string; role: string; shareBp: number }[];
}): string {
  if (c.consortium.length === 0) return `${c.supplierName} (alone, 100%)`;
  return `${c.supplierName} (lead, ${percent(c.leadShareBp)}); ${c.consortium
    .map((m) => `${m.name} (${m.role}, ${percent(m.shareBp)})`)
    .join("; ")}`;
}

/** A contract as its pages show it. */
function forPage(request: FastifyRequest, view: ContractView) {
  const t = request.t;
  const c = view.contract;
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  const publication = view.publication;
  return {
    ...view,
    url: pageUrl(c),
    stateText: t(`contracts.state.${view.state}`),
    summaryRows: [
      row(t("contracts.fields.authority"), c.authority_name),
      row(t("contracts.fields.tender"), c.tender_title),
      row(
        t("contracts.fields.supplier"),
        supplierText({
          supplierName: c.supplier_name,
          leadShareBp: c.lead_share_bp,
          consortium: c.consortium,
        }),
      ),
      row(t("contracts.fields.value"), money(c.value_pence)),
      row(t("contracts.fields.dates"), `${longDate(c.starts_on)} to ${longDate(c.ends_on)}`),
      row(t("contracts.fields.paymentMechanism"), t(`contracts.mechanism.${c.payment_mechanism}`)),
      ...(c.regulated_activity ? [row(t("contracts.fields.regulatedActivity"), c.regulated_activity)] : []),
      ...(c.description ? [row(t("contracts.fields.description"), c.description)] : []),
      ...(c.scope ? [row(t("contracts.fields.scope"), c.scope)] : []),
      row(t("contracts.fields.state"), t(`contracts.state.${view.state}`)),
      row(t("contracts.fields.published"), londonDateTime(c.entered_at)),
    ],
    termination: c.terminated_on
      ? t("contracts.terminatedText", {
          date: longDate(c.terminated_on),
          reason: c.termination_reason,
          at: londonDateTime(c.terminated_at as Date),
        })
      : "",
    publicationText:
      publication.dueOn === null
        ? publication.final
          ? t("contracts.publication.complete")
          : ""
        : t(publication.final ? "contracts.publication.final" : "contracts.publication.next", {
            date: longDate(publication.dueOn),
          }),
    lastPublishedText: publication.lastPublishedAt
      ? t("contracts.publication.last", { at: londonDateTime(publication.lastPublishedAt) })
      : t("contracts.publication.none"),
    kpis: view.kpis.map((k) => ({
      ...k,
      frequencyText: t("contracts.frequency", { count: k.frequency_months }),
      periods: k.periods.map((p) => ({
        ...p,
        text: periodText(p),
        stateText: t(`contracts.period.${p.state}`, { date: longDate(p.overdueAfter) }),
        ratingText: p.rating ? t(`contracts.rating.${p.rating.rating}`) : "",
        reportUrl: `${pageUrl(c)}/kpis/${k.position}/periods/${p.number}/report`,
        ratingUrl: `${pageUrl(c)}/kpis/${k.position}/periods/${p.number}/rating`,
      })),
    })),
    amendments: view.amendments.map((a) => ({
      ...a,
      at: londonDateTime(a.amended_at),
      changes: [
        ...(a.value_before_pence !== null && a.value_after_pence !== null
          ? [
              t("contracts.amendment.value", {
                before: money(a.value_before_pence),
                after: money(a.value_after_pence),
              }),
            ]
          : []),
        ...(a.starts_on_before && a.starts_on_after
          ? [
              t("contracts.amendment.start", {
                before: longDate(a.starts_on_before),
                after: longDate(a.starts_on_after),
              }),
            ]
          : []),
        ...(a.ends_on_before && a.ends_on_after
          ? [
              t("contracts.amendment.end", {
                before: longDate(a.ends_on_before),
                after: longDate(a.ends_on_after),
              }),
            ]
          : []),
        ...(a.scope_after !== null ? [t("contracts.amendment.scope", { after: a.scope_after })] : []),
      ],
    })),
    documents: view.documents.map((d) => ({
      ...d,
      url: `/api/v1/authorities/${c.authority_id}/contracts/${c.id}/documents/${d.position}`,
    })),
  };
}

function listRows(request: FastifyRequest, views: ContractView[]) {
  return views.map((v) => ({
    id: v.contract.id,
    url: pageUrl(v.contract),
    title: v.contract.title,
    authority: v.contract.authority_name,
    supplier: v.contract.supplier_name,
    value: money(v.contract.value_pence),
    dates: `${longDate(v.contract.starts_on)} to ${longDate(v.lastDay)}`,
    state: request.t(`contracts.state.${v.state}`),
    ratingsOverdue: v.publication.overdue,
    counts: v.counts,
  }));
}

/** The form's KPI rows, as the service takes them: rows left empty are dropped. */
export function kpisFromForm(body: unknown): KpiDraft[] {
  const kpis: KpiDraft[] = [];
  for (let i = 0; i < FORM_KPI_ROWS; i++) {
    const name = field(body, `kpis.${i}.name`);
    const measure = field(body, `kpis.${i}.measure`);
    const target = field(body, `kpis.${i}.target`);
    const frequency = field(body, `kpis.${i}.frequencyMonths`);
    if (!name && !measure && !target) continue;
    kpis.push({ name, measure, target, frequencyMonths: frequency === "" ? "" : Number(frequency) });
  }
  return kpis;
}

/** On the page the files come from one input: errors about any document point at it. */
function documentsField(error: unknown): unknown {
  if (!(error instanceof ValidationError) || !error.details.some((d) => d.field?.startsWith("documents.")))
    return error;
  return new ValidationError(
    error.message,
    error.details.map((d) => (d.field?.startsWith("documents.") ? { ...d, field: "documents" } : d)),
    error.code,
  );
}

export function contractPages(app: FastifyInstance, ctx: ContractsContext): void {
  const { db, clock } = ctx;

  // Registers

  app.get("/contracts", hide, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const q = (query.q ?? "").trim().slice(0, 200);
    const status = query.status === "live" ? "live" : "all";
    const views = await listContractViews(db, clock, request.principal, {
      ...(q ? { q } : {}),
      status,
      ...(query.ratingsOverdue === "yes" ? { ratingsOverdue: true } : {}),
    });
    await reply.page("contracts/views/list.njk", {
      heading: request.t("contracts.list.allHeading"),
      action: "/contracts",
      filters: { q, status, ratingsOverdue: query.ratingsOverdue === "yes" },
      contracts: listRows(request, views),
      showAuthority: true,
    });
  });

  app.get<Slug>("/authorities/:slug/contracts", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const canEdit = isAuthorityEditor(request.principal, authority.id);
    const [views, ready] = await Promise.all([
      listContractViews(db, clock, request.principal, { authorityId: authority.id }),
      canEdit ? readyToContract(db, clock, request.principal, authority.id) : Promise.resolve([]),
    ]);
    await reply.page("contracts/views/list.njk", {
      authority,
      heading: request.t("contracts.list.heading"),
      action: `/authorities/${authority.slug}/contracts`,
      filters: null,
      contracts: listRows(request, views),
      canEdit,
      due: canEdit
        ? dueReports(views).map((d) => ({
            contract: d.contract.title,
            url: pageUrl(d.contract),
            supplier: d.contract.supplier_name,
            kpi: d.kpi.name,
            period: periodText(d.period),
            overdue: d.period.state === "overdue",
            stateText: request.t(`contracts.period.${d.period.state}`, {
              date: longDate(d.period.overdueAfter),
            }),
          }))
        : [],
      toRate: canEdit
        ? views.flatMap((v) =>
            v.kpis.flatMap((k) =>
              k.periods
                .filter((p) => p.state === "reported")
                .map((p) => ({
                  contract: v.contract.title,
                  kpi: k.name,
                  period: periodText(p),
                  url: `${pageUrl(v.contract)}/kpis/${k.position}/periods/${p.number}/rating`,
                })),
            ),
          )
        : [],
      ready: ready.map((a) => ({
        ...a,
        supplier: supplierText(a),
        value: money(a.valuePence),
        url: `/authorities/${authority.slug}/contracts/new?award=${a.id}`,
      })),
    });
  });

  // Entering a contract

  async function formContext(request: FastifyRequest, authority: Authority, awardId: string) {
    const award: AwardForContract = await awardToContract(
      db,
      clock,
      request.principal,
      authority.id,
      awardId,
    );
    return {
      authority,
      award,
      supplier: supplierText(award),
      awardValue: money(award.valuePence),
      mechanisms: PAYMENT_MECHANISMS,
      frequencies: KPI_FREQUENCIES,
      kpiRows: Array.from({ length: FORM_KPI_ROWS }, (_, i) => i),
      action: `/authorities/${authority.slug}/contracts/new?award=${award.id}`,
    };
  }

  app.get<Slug>("/authorities/:slug/contracts/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const awardId = String((request.query as Record<string, string> | undefined)?.award ?? "");
    if (!awardId) {
      const ready = await readyToContract(db, clock, request.principal, authority.id);
      await reply.page("contracts/views/choose.njk", {
        authority,
        ready: ready.map((a) => ({
          ...a,
          supplier: supplierText(a),
          value: money(a.valuePence),
          url: `/authorities/${authority.slug}/contracts/new?award=${a.id}`,
        })),
      });
      return;
    }
    const context = await formContext(request, authority, awardId);
    await reply.page("contracts/views/form.njk", {
      ...context,
      values: { title: context.award.tenderTitle, value: context.awardValue },
    });
  });

  app.post<Slug>("/authorities/:slug/contracts/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const awardId = String(
      (request.query as Record<string, string> | undefined)?.award ?? field(request.body, "awardId"),
    );
    const context = await formContext(request, authority, awardId);
    const body = request.body;
    await submitForm(reply, "contracts/views/form.njk", { ...context, values: values(body) }, async () => {
      const draft: ContractDraft = {
        awardId,
        title: field(body, "title"),
        description: field(body, "description"),
        value: field(body, "value"),
        startsOn: dateField(body, "startsOn"),
        endsOn: dateField(body, "endsOn"),
        paymentMechanism: field(body, "paymentMechanism"),
        kpis: kpisFromForm(body),
        documents: filesOf(body, "documents").map((f) => ({
          filename: f.filename,
          title: f.filename,
          bytes: new Uint8Array(f.data),
        })),
      };
      const id = await transaction(db, (trx) =>
        enterContract(trx, ctx, request.principal, authority.id, draft),
      ).catch((error: unknown) => {
        throw documentsField(error);
      });
      return `/authorities/${authority.slug}/contracts/${id}?notice=entered`;
    });
  });

  // The contract

  app.get<SlugContract>("/authorities/:slug/contracts/:contractId", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const view = await contractOf(db, clock, request.principal, authority.id, request.params.contractId);
    const notice = String((request.query as Record<string, string> | undefined)?.notice ?? "");
    await reply.page("contracts/views/contract.njk", {
      authority,
      contract: forPage(request, view),
      registrationLapsed: view.registrationLapsed,
      notice: ["entered", "reported", "rated", "amended", "terminated"].includes(notice)
        ? request.t(`contracts.notice.${notice}`)
        : "",
    });
  });

  async function periodContext(request: FastifyRequest, authority: Authority, params: SlugPeriod["Params"]) {
    const view = await contractOf(db, clock, request.principal, authority.id, params.contractId);
    const contract = forPage(request, view);
    const kpi = contract.kpis.find((k) => String(k.position) === params.position);
    const period = kpi?.periods.find((p) => String(p.number) === params.period);
    return { authority, contract, kpi, period };
  }

  async function reportContext(request: FastifyRequest, params: SlugPeriod["Params"]) {
    const authority = await authorityBySlug(db, params.slug);
    const p = requireSignedIn(request.principal);
    if (!hasRole(p, SUPPLIER_ROLES) || p.grants.every((g) => g.scopeType !== "organisation"))
      throw new ForbiddenError("Only the supplier's own people report against its KPIs.");
    const context = await periodContext(request, authority, params);
    if (!context.contract.canReport)
      throw new ForbiddenError(
        `Only the people of ${context.contract.contract.supplier_name}, the supplier, report against this contract's KPIs.`,
      );
    return context;
  }

  app.get<SlugPeriod>(
    "/authorities/:slug/contracts/:contractId/kpis/:position/periods/:period/report",
    hide,
    async (request, reply) => {
      const context = await reportContext(request, request.params);
      if (!context.period) return reply.callNotFound();
      await reply.page("contracts/views/report.njk", { ...context, values: {} });
    },
  );

  app.post<SlugPeriod>(
    "/authorities/:slug/contracts/:contractId/kpis/:position/periods/:period/report",
    hide,
    async (request, reply) => {
      const context = await reportContext(request, request.params);
      await submitForm(
        reply,
        "contracts/views/report.njk",
        { ...context, values: values(request.body) },
        async () => {
          await transaction(db, (trx) =>
            reportKpi(
              trx,
              ctx,
              request.principal,
              context.authority.id,
              request.params.contractId,
              Number(request.params.position),
              Number(request.params.period),
              { value: field(request.body, "value"), commentary: field(request.body, "commentary") },
            ),
          );
          return `${context.contract.url}?notice=reported#kpi-${request.params.position}`;
        },
      );
    },
  );

  async function ratingContext(request: FastifyRequest, params: SlugPeriod["Params"]) {
    const authority = await authorityBySlug(db, params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    return { ...(await periodContext(request, authority, params)), ratings: KPI_RATINGS };
  }

  app.get<SlugPeriod>(
    "/authorities/:slug/contracts/:contractId/kpis/:position/periods/:period/rating",
    hide,
    async (request, reply) => {
      const context = await ratingContext(request, request.params);
      if (!context.period) return reply.callNotFound();
      await reply.page("contracts/views/rate.njk", { ...context, values: {} });
    },
  );

  app.post<SlugPeriod>(
    "/authorities/:slug/contracts/:contractId/kpis/:position/periods/:period/rating",
    hide,
    async (request, reply) => {
      const context = await ratingContext(request, request.params);
      await submitForm(
        reply,
        "contracts/views/rate.njk",
        { ...context, values: values(request.body) },
        async () => {
          await transaction(db, (trx) =>
            rateKpi(
              trx,
              ctx,
              request.principal,
              context.authority.id,
              request.params.contractId,
              Number(request.params.position),
              Number(request.params.period),
              { rating: field(request.body, "rating"), comment: field(request.body, "comment") },
            ),
          );
          return `${context.contract.url}?notice=rated#kpi-${request.params.position}`;
        },
      );
    },
  );

  // Amendments and termination

  async function manageContext(request: FastifyRequest, params: SlugContract["Params"]) {
    const authority = await authorityBySlug(db, params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const view = await contractOf(db, clock, request.principal, authority.id, params.contractId);
    return { authority, contract: forPage(request, view), currentValue: money(view.contract.value_pence) };
  }

  app.get<SlugContract>("/authorities/:slug/contracts/:contractId/amend", hide, async (request, reply) => {
    await reply.page("contracts/views/amend.njk", {
      ...(await manageContext(request, request.params)),
      values: {},
    });
  });

  app.post<SlugContract>("/authorities/:slug/contracts/:contractId/amend", hide, async (request, reply) => {
    const context = await manageContext(request, request.params);
    const body = request.body;
    await submitForm(reply, "contracts/views/amend.njk", { ...context, values: values(body) }, async () => {
      await transaction(db, (trx) =>
        amendContract(trx, ctx, request.principal, context.authority.id, request.params.contractId, {
          reason: field(body, "reason"),
          value: field(body, "value"),
          startsOn: dateField(body, "startsOn"),
          endsOn: dateField(body, "endsOn"),
          scope: field(body, "scope"),
        }),
      );
      return `${context.contract.url}?notice=amended#amendments`;
    });
  });

  app.get<SlugContract>(
    "/authorities/:slug/contracts/:contractId/terminate",
    hide,
    async (request, reply) => {
      await reply.page("contracts/views/terminate.njk", {
        ...(await manageContext(request, request.params)),
        values: {},
      });
    },
  );

  app.post<SlugContract>(
    "/authorities/:slug/contracts/:contractId/terminate",
    hide,
    async (request, reply) => {
      const context = await manageContext(request, request.params);
      const body = request.body;
      await submitForm(
        reply,
        "contracts/views/terminate.njk",
        { ...context, values: values(body) },
        async () => {
          await transaction(db, (trx) =>
            terminateContract(trx, ctx, request.principal, context.authority.id, request.params.contractId, {
              reason: field(body, "reason"),
              terminatedOn: dateField(body, "terminatedOn"),
            }),
          );
          return `${context.contract.url}?notice=terminated`;
        },
      );
    },
  );

  // The provider's view

  app.get<{ Params: { id: string } }>("/organisations/:id/contracts", hide, async (request, reply) => {
    const view = await providerContracts(db, clock, request.principal, request.params.id);
    await reply.page("contracts/views/provider.njk", {
      organisation: view.organisation,
      contracts: view.held.map((h) => ({
        ...listRows(request, [h])[0],
        role: request.t(`contracts.role.${h.role}`),
      })),
      due: view.due.map((d) => ({
        contract: d.contract.title,
        authority: d.contract.authority_name,
        kpi: d.kpi.name,
        target: d.kpi.target,
        period: periodText(d.period),
        overdue: d.period.state === "overdue",
        stateText: request.t(`contracts.period.${d.period.state}`, { date: longDate(d.period.overdueAfter) }),
        url: `${pageUrl(d.contract)}/kpis/${d.kpi.position}/periods/${d.period.number}/report`,
      })),
    });
  });
}
