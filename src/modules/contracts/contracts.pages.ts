/**
 * Contracts' pages: the public registers (all contracts, an authority's), entering a contract from
 * an award ready to contract, the contract page (its contract details notice, KPIs with periods and
 * published ratings, amendments and termination), reporting and rating a period, amending and
 * terminating, and the provider's view of its contracts and reports due. Each route states who may
 * call it and calls one service; the service decides every rule. Every page works without
 * JavaScript.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formAction } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { organisationRoles } from "../access/policies.ts";
import {
  type AwardForContract,
  authorityContracts,
  awardToContract,
  enterContract,
  type KpiDraft,
  readyToContract,
} from "./contract-entry.service.ts";
import { contractsCtxOf } from "./contracts.context.ts";
import { awardIdOf, contractEntrants } from "./contracts.policies.ts";
import {
  type ContractView,
  contractOf,
  listContractViews,
  type PublicationView,
  pageUrl,
  SUPPLIER_ROLES,
} from "./contracts.service.ts";
import { KPI_FREQUENCIES, PAYMENT_MECHANISMS } from "./contracts.table.ts";
import { dueReports, providerContracts } from "./provider-contracts.service.ts";

/** KPI rows on the form: empty ones are left out. The API takes up to 20. */
export const FORM_KPI_ROWS = 6;
/** KPI rows on the amendment form, to add KPIs. */
export const AMENDMENT_KPI_ROWS = 3;

type AuthorityRequest = FastifyRequest<{ Params: { slug: string } }>;
type ContractRequest = FastifyRequest<{ Params: { slug: string; contractId: string } }>;

/** A page form's values as sent: every text field (the CSRF token aside), to show again. */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
    if (k !== "_csrf" && typeof v === "string") out[k] = v;
  return out;
}

export const money = (p: bigint) => formatMoney(p as Pence);

export function supplierText(c: {
  supplierName: string;
  leadShareBp: number;
  consortium: { name: string; role: string; shareBp: number }[];
}): string {
  if (c.consortium.length === 0) return `${c.supplierName} (alone, 100%)`;
  return `${c.supplierName} (lead, ${formatPercent(c.leadShareBp)}); ${c.consortium
    .map((m) => `${m.name} (${m.role}, ${formatPercent(m.shareBp)})`)
    .join("; ")}`;
}

/** Dates from one to another as people read them, in the page's language: "1 April 2027 to 31 March 2028". */
function datesText(request: FastifyRequest, from: string, to: string): string {
  return request.t("contracts.dateRange", {
    from: longDate(from, request.locale),
    to: longDate(to, request.locale),
  });
}

function amendmentTexts(request: FastifyRequest, view: ContractView) {
  const t = request.t;
  return view.amendments.map((a) => ({
    ...a,
    at: londonDateTime(a.amended_at, request.locale),
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
              before: longDate(a.starts_on_before, request.locale),
              after: longDate(a.starts_on_after, request.locale),
            }),
          ]
        : []),
      ...(a.ends_on_before && a.ends_on_after
        ? [
            t("contracts.amendment.end", {
              before: longDate(a.ends_on_before, request.locale),
              after: longDate(a.ends_on_after, request.locale),
            }),
          ]
        : []),
      ...(a.scope_after !== null ? [t("contracts.amendment.scope", { after: a.scope_after })] : []),
      ...a.kpisAdded.map((k) =>
        t("contracts.amendment.kpi", {
          name: k.name,
          target: k.target,
          frequency: t("contracts.frequency", { count: k.frequency_months }),
          date: longDate(k.reports_from ?? view.contract.starts_on, request.locale),
        }),
      ),
    ],
  }));
}

function summaryRows(request: FastifyRequest, view: ContractView) {
  const t = request.t;
  const c = view.contract;
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  return [
    row(t("contracts.fields.authority"), c.authority_name),
    row(t("contracts.fields.tender"), c.tender_title),
    row(
      t("contracts.fields.supplier"),
      supplierText({ supplierName: c.supplier_name, leadShareBp: c.lead_share_bp, consortium: c.consortium }),
    ),
    row(t("contracts.fields.value"), money(c.value_pence)),
    ...(c.award_value_pence !== c.value_pence
      ? [row(t("contracts.fields.awardValue"), money(c.award_value_pence))]
      : []),
    ...(c.value_reason ? [row(t("contracts.fields.valueReason"), c.value_reason)] : []),
    row(t("contracts.fields.dates"), datesText(request, c.starts_on, c.ends_on)),
    row(t("contracts.fields.paymentMechanism"), t(`contracts.mechanism.${c.payment_mechanism}`)),
    ...(c.regulated_activity ? [row(t("contracts.fields.regulatedActivity"), c.regulated_activity)] : []),
    ...(c.description ? [row(t("contracts.fields.description"), c.description)] : []),
    ...(c.scope ? [row(t("contracts.fields.scope"), c.scope)] : []),
    row(t("contracts.fields.state"), t(`contracts.state.${view.state}`)),
    row(t("contracts.fields.published"), londonDateTime(c.entered_at, request.locale)),
  ];
}

/** When ratings are next due (a contract's, or one KPI's), as the page says it. */
function publicationDueText(request: FastifyRequest, publication: PublicationView): string {
  const t = request.t;
  if (publication.dueOn === null) return publication.final ? t("contracts.publication.complete") : "";
  return t(publication.final ? "contracts.publication.final" : "contracts.publication.next", {
    date: longDate(publication.dueOn, request.locale),
  });
}

/** A contract as its pages show it. */
export function forPage(request: FastifyRequest, view: ContractView) {
  const t = request.t;
  const c = view.contract;
  const publication = view.publication;
  return {
    ...view,
    url: pageUrl(c),
    stateText: t(`contracts.state.${view.state}`),
    summaryRows: summaryRows(request, view),
    termination: c.terminated_on
      ? t("contracts.terminatedText", {
          date: longDate(c.terminated_on, request.locale),
          reason: c.termination_reason,
          at: londonDateTime(c.terminated_at as Date, request.locale),
        })
      : "",
    publicationText: publicationDueText(request, publication),
    lastPublishedText: publication.lastPublishedAt
      ? t("contracts.publication.last", { at: londonDateTime(publication.lastPublishedAt, request.locale) })
      : t("contracts.publication.none"),
    overdueText: publication.overdue
      ? t("contracts.page.ratingsOverdue", {
          kpis: view.kpis
            .filter((k) => publication.overdueKpis.includes(k.position))
            .map((k) => `${k.position}. ${k.name}`)
            .join("; "),
        })
      : "",
    kpis: view.kpis.map((k) => ({
      ...k,
      frequencyText: t("contracts.frequency", { count: k.frequency_months }),
      addedText:
        k.added_by_amendment !== null
          ? t("contracts.page.addedByAmendment", {
              number: k.added_by_amendment,
              date: longDate(k.reportsFrom, request.locale),
            })
          : "",
      publicationText: t("contracts.page.kpiPublication", {
        last: k.publication.lastPublishedAt
          ? t("contracts.publication.kpiLast", {
              at: londonDateTime(k.publication.lastPublishedAt, request.locale),
            })
          : t("contracts.publication.kpiNone"),
        next: publicationDueText(request, k.publication),
      }),
      periods: k.periods.map((p) => ({
        ...p,
        text: datesText(request, p.startsOn, p.endsOn),
        stateText: t(`contracts.period.${p.state}`, { date: longDate(p.overdueAfter, request.locale) }),
        correctedAt: p.report?.corrected_at ? londonDateTime(p.report.corrected_at, request.locale) : "",
        correctedText: p.report?.corrected_at
          ? t("contracts.page.corrected", { at: londonDateTime(p.report.corrected_at, request.locale) })
          : "",
        ratingText: p.rating ? t(`contracts.rating.${p.rating.rating}`) : "",
        reportUrl: `${pageUrl(c)}/kpis/${k.position}/periods/${p.number}/report`,
        correctUrl: `${pageUrl(c)}/kpis/${k.position}/periods/${p.number}/report/correct`,
        ratingUrl: `${pageUrl(c)}/kpis/${k.position}/periods/${p.number}/rating`,
      })),
    })),
    amendments: amendmentTexts(request, view),
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
    dates: datesText(request, v.contract.starts_on, v.lastDay),
    state: request.t(`contracts.state.${v.state}`),
    ratingsOverdue: v.publication.overdue,
    counts: v.counts,
  }));
}

function readyRows(slug: string, ready: AwardForContract[]) {
  return ready.map((a) => ({
    ...a,
    supplier: supplierText(a),
    value: money(a.valuePence),
    url: `/authorities/${slug}/contracts/new?award=${a.id}`,
  }));
}

/** What the authority's register shows its editors besides: reports due from suppliers, and to rate. */
function editorLists(request: FastifyRequest, views: ContractView[]) {
  const due = dueReports(views).map((d) => ({
    contract: d.contract.title,
    url: pageUrl(d.contract),
    supplier: d.contract.supplier_name,
    kpi: d.kpi.name,
    period: datesText(request, d.period.startsOn, d.period.endsOn),
    overdue: d.period.state === "overdue",
    stateText: request.t(`contracts.period.${d.period.state}`, {
      date: longDate(d.period.overdueAfter, request.locale),
    }),
  }));
  const toRate = views.flatMap((v) =>
    v.kpis.flatMap((k) =>
      k.periods
        .filter((p) => p.state === "reported")
        .map((p) => ({
          contract: v.contract.title,
          kpi: k.name,
          period: datesText(request, p.startsOn, p.endsOn),
          url: `${pageUrl(v.contract)}/kpis/${k.position}/periods/${p.number}/rating`,
        })),
    ),
  );
  return { due, toRate };
}

/** The form's KPI rows (`rows` of them), as the service takes them: rows left empty are dropped. */
export function kpisFromForm(body: unknown, rows = FORM_KPI_ROWS): KpiDraft[] {
  const kpis: KpiDraft[] = [];
  for (let i = 0; i < rows; i++) {
    const name = field(body, `kpis.${i}.name`);
    const measure = field(body, `kpis.${i}.measure`);
    const target = field(body, `kpis.${i}.target`);
    const frequency = field(body, `kpis.${i}.frequencyMonths`);
    if (!name && !measure && !target) continue;
    kpis.push({ name, measure, target, frequencyMonths: frequency === "" ? "" : Number(frequency) });
  }
  return kpis;
}

/** What the contract form shows besides its values: the award, its supplier and value, the choices. */
async function entryContext(request: AuthorityRequest) {
  const { authority } = request;
  const award = await awardToContract(ctxOf(request), authority.id, awardIdOf(request));
  return {
    authority,
    award,
    supplier: supplierText(award),
    awardValue: money(award.valuePence),
    mechanisms: PAYMENT_MECHANISMS,
    frequencies: KPI_FREQUENCIES,
    kpiRows: Array.from({ length: FORM_KPI_ROWS }, (_, i) => i),
    firstKpi: 1,
    action: `/authorities/${authority.slug}/contracts/new?award=${award.id}`,
  };
}

function registerPages(app: FastifyInstance): void {
  app.get("/contracts", page({ who: anyone }), async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const q = (query.q ?? "").trim().slice(0, 200);
    const status = query.status === "live" ? "live" : "all";
    const views = await listContractViews(ctxOf(request), {
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

  app.get("/authorities/:slug/contracts", page({ who: anyone }), async (request: AuthorityRequest, reply) => {
    const { authority } = request;
    const { views, ready, canEdit } = await authorityContracts(ctxOf(request), authority.id);
    await reply.page("contracts/views/list.njk", {
      authority,
      heading: request.t("contracts.list.heading"),
      action: `/authorities/${authority.slug}/contracts`,
      filters: null,
      contracts: listRows(request, views),
      canEdit,
      ...(canEdit ? editorLists(request, views) : { due: [], toRate: [] }),
      ready: readyRows(authority.slug, ready),
    });
  });
}

function entryPages(app: FastifyInstance): void {
  // Without an award: the awards ready to contract, to choose from; with one: the form.
  app.get(
    "/authorities/:slug/contracts/new",
    page({ who: contractEntrants(true) }),
    async (request: AuthorityRequest, reply) => {
      const { authority } = request;
      if (!awardIdOf(request)) {
        const ready = await readyToContract(ctxOf(request), authority.id);
        await reply.page("contracts/views/choose.njk", {
          authority,
          ready: readyRows(authority.slug, ready),
        });
        return;
      }
      const context = await entryContext(request);
      await reply.page("contracts/views/form.njk", {
        ...context,
        values: { title: context.award.tenderTitle, value: context.awardValue },
      });
    },
  );

  formAction(app, "/authorities/:slug/contracts/new", {
    who: contractEntrants(false),
    uploads: true,
    template: "contracts/views/form.njk",
    context: entryContext,
    read: (body) => formValues(body),
    // On the page the files come from one input: errors about any document point at it.
    fieldOf: (f) => (f?.startsWith("documents.") ? "documents" : f),
    submit: async (request: AuthorityRequest, values, { authority, award }) => {
      const entered = await enterContract(contractsCtxOf(request), authority.id, {
        awardId: award.id,
        title: values.title,
        description: values.description,
        value: values.value,
        valueReason: values.valueReason,
        startsOn: dateField(values, "startsOn"),
        endsOn: dateField(values, "endsOn"),
        paymentMechanism: values.paymentMechanism,
        kpis: kpisFromForm(values),
        documents: filesOf(request.body, "documents").map((f) => ({
          filename: f.filename,
          title: f.filename,
          content: f,
        })),
      });
      return `/authorities/${authority.slug}/contracts/${entered.contract.id}?notice=entered`;
    },
  });
}

export function contractPages(app: FastifyInstance): void {
  registerPages(app);
  entryPages(app);

  app.get(
    "/authorities/:slug/contracts/:contractId",
    page({ who: anyone }),
    async (request: ContractRequest, reply) => {
      const { authority } = request;
      const view = await contractOf(ctxOf(request), authority.id, request.params.contractId);
      const notice = String((request.query as Record<string, string> | undefined)?.notice ?? "");
      await reply.page("contracts/views/contract.njk", {
        authority,
        contract: forPage(request, view),
        registrationLapsed: view.registrationLapsed,
        notice: ["entered", "reported", "corrected", "rated", "amended", "terminated"].includes(notice)
          ? request.t(`contracts.notice.${notice}`)
          : "",
      });
    },
  );

  app.get(
    "/organisations/:id/contracts",
    page({
      who: organisationRoles(
        SUPPLIER_ROLES,
        "see this organisation's contracts",
        "The organisation's administrators and members",
      ),
    }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const view = await providerContracts(ctxOf(request), request.params.id);
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
          period: datesText(request, d.period.startsOn, d.period.endsOn),
          overdue: d.period.state === "overdue",
          stateText: request.t(`contracts.period.${d.period.state}`, {
            date: longDate(d.period.overdueAfter, request.locale),
          }),
          url: `${pageUrl(d.contract)}/kpis/${d.kpi.position}/periods/${d.period.number}/report`,
        })),
      });
    },
  );
}
