/**
 * Contracts (issue 6, items 8–11). After standstill the authority's commissioners and administrators
 * enter the contract from the award (`contract-entry.service.ts`): supplier and consortium, value,
 * dates, payment mechanism, KPIs with targets and documents. Entering publishes the contract details
 * notice. The supplier's people report against each KPI per period; the commissioner rates each
 * reported period, and the rating is published at once (`kpi-reports.service.ts`). Amendments
 * (value, dates, scope) and termination are recorded with reasons and published
 * (`contract-changes.service.ts`). Providers see their contracts and reports due, and their
 * profiles show their contracts' ratings (`provider-contracts.service.ts`). Every change is one
 * transaction, audited on the authority's chain. See docs/contracts.md.
 *
 * This file holds what they share: reading a contract (its periods and their states, as pages and
 * the API show it), the limits and the checks of fields, and the notices to the supplier.
 *
 * A contract's state is derived when read: `not-started`, `active`, `ended` (after its end date),
 * `terminated` (a termination recorded).
 */
import type { Db, Trx } from "../../db/database.ts";
import { type FieldError, NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { addDays, addMonths, isIsoDate, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { type NoticeKind, notify } from "../notifications/notifications.service.ts";
import { hasCurrentRegistration } from "../regulation/regulation.service.ts";
import { RESERVED_MAX_TERM_MONTHS } from "../tenders/setup.service.ts";
import { findTender } from "../tenders/tenders.service.ts";
import type { ContractsCtx } from "./contracts.context.ts";
import * as repo from "./contracts.repository.ts";
import type {
  ContractAmendment,
  ContractDocument,
  ContractKpi,
  KpiRating,
  KpiRatingRow,
  KpiReport,
} from "./contracts.table.ts";
import { KPI_FREQUENCIES } from "./contracts.table.ts";
import {
  type Period,
  type PeriodState,
  type PublicationDue,
  periodState,
  periodsOf,
  publicationDue,
  reportOverdueAfter,
} from "./periods.ts";

export type { ContractRow } from "./contracts.repository.ts";

/** A contract over this value (£5,000,000.00) needs at least `MIN_KPIS_OVER_THRESHOLD` KPIs. */
export const KPI_THRESHOLD_PENCE = 500_000_000n;
export const MIN_KPIS_OVER_THRESHOLD = 3;

export const CONTRACT_LIMITS = {
  title: 200,
  description: 10000,
  scope: 10000,
  kpis: 20,
  kpiName: 200,
  kpiMeasure: 2000,
  kpiTarget: 500,
  documents: 20,
  documentTitle: 200,
  reportValue: 200,
  commentary: 5000,
  comment: 5000,
  reason: 5000,
  termYears: 50,
} as const;

/** Those who report for the supplier: its own people (platform administrators cannot). */
export const SUPPLIER_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

export const RATING_WORDS: Record<KpiRating, string> = {
  good: msg`good`,
  "approaching-target": msg`approaching target`,
  "requires-improvement": msg`requires improvement`,
  inadequate: msg`inadequate`,
};

export type ContractState = "not-started" | "active" | "ended" | "terminated";

export function contractState(
  c: { starts_on: string; ends_on: string; terminated_at: Date | null },
  today: string,
): ContractState {
  if (c.terminated_at) return "terminated";
  if (today < c.starts_on) return "not-started";
  return today > c.ends_on ? "ended" : "active";
}

/** The last day the contract runs: its end, or its termination date if earlier. */
export function lastDayOf(c: { ends_on: string; terminated_on: string | null }): string {
  return c.terminated_on && c.terminated_on < c.ends_on ? c.terminated_on : c.ends_on;
}

export function pageUrl(c: { authority_slug: string; id: string }): string {
  return `/authorities/${c.authority_slug}/contracts/${c.id}`;
}

// Checking fields

/** A text field as sent, trimmed; a problem when required and empty, or too long. */
export function textField(
  problems: FieldError[],
  field: string,
  value: unknown,
  max: number,
  required: string | null,
): string {
  const v = typeof value === "string" ? value.trim() : "";
  if (v === "" && required) problems.push({ field, message: required });
  else if (v.length > max) problems.push({ field, message: msg`Enter ${max} characters or fewer` });
  return v;
}

/**
 * Pence from the API (`valuePence`, digits) or a form (`value`, pounds as typed); undefined if
 * neither, null when what was given is not money (a problem then says so).
 */
export function moneyField(
  problems: FieldError[],
  draft: { value?: string; valuePence?: string },
  label: string,
): Pence | undefined | null {
  if (draft.valuePence !== undefined && draft.valuePence !== "") {
    if (!/^\d{1,18}$/.test(draft.valuePence)) {
      problems.push({
        field: "valuePence",
        message: msg`${label}: give a whole number of pence, like "125000000"`,
      });
      return null;
    }
    return BigInt(draft.valuePence) as Pence;
  }
  if (draft.value !== undefined && draft.value.trim() !== "") {
    const parsed = parseMoney(draft.value);
    if (!parsed.ok) {
      problems.push({ field: "value", message: msg`${label}: ${parsed.error}` });
      return null;
    }
    return parsed.value;
  }
  return undefined;
}

/** A date field (YYYY-MM-DD), "" when empty (a problem when required) or not a real date. */
export function dateField(
  problems: FieldError[],
  field: string,
  value: unknown,
  label: string,
  required: boolean,
): string {
  const v = typeof value === "string" ? value.trim() : "";
  if (v === "") {
    if (required) problems.push({ field, message: msg`Enter the ${label}` });
    return "";
  }
  if (!isIsoDate(v)) {
    problems.push({ field, message: msg`Enter the ${label} as a real date, like 1 April 2027` });
    return "";
  }
  return v;
}

/** A KPI as sent: at entry, or added by an amendment. */
export interface KpiDraft {
  name?: string;
  measure?: string;
  target?: string;
  frequencyMonths?: number | string;
}

/** A KPI's fields, checked, as its row is written (but for the contract it belongs to). */
export type CheckedKpi = Omit<ContractKpi, "contract_id">;

/**
 * KPIs' fields (each problem named, `kpis.<i>.<field>`), numbered from `firstPosition` — 1 at entry,
 * after the contract's KPIs for an amendment. At most `CONTRACT_LIMITS.kpis` are sent at once.
 */
export function checkKpiDrafts(
  problems: FieldError[],
  authorityId: string,
  drafts: readonly KpiDraft[],
  added: { firstPosition: number; byAmendment: number | null; reportsFrom: string | null } = {
    firstPosition: 1,
    byAmendment: null,
    reportsFrom: null,
  },
): CheckedKpi[] {
  if (drafts.length > CONTRACT_LIMITS.kpis)
    problems.push({ field: "kpis", message: msg`A contract has at most ${CONTRACT_LIMITS.kpis} KPIs` });
  return drafts.slice(0, CONTRACT_LIMITS.kpis).map((k, i) => {
    const n = added.firstPosition + i;
    const frequency = Number(k.frequencyMonths);
    if (!(KPI_FREQUENCIES as readonly number[]).includes(frequency))
      problems.push({
        field: `kpis.${i}.frequencyMonths`,
        message: msg`Choose how often KPI ${n} is reported: every 1, 3, 6 or 12 months`,
      });
    const { kpiName, kpiMeasure, kpiTarget } = CONTRACT_LIMITS;
    return {
      authority_id: authorityId,
      position: n,
      name: textField(problems, `kpis.${i}.name`, k.name, kpiName, msg`Enter KPI ${n}'s name`),
      measure: textField(
        problems,
        `kpis.${i}.measure`,
        k.measure,
        kpiMeasure,
        msg`Say what KPI ${n} measures and how`,
      ),
      target: textField(problems, `kpis.${i}.target`, k.target, kpiTarget, msg`Enter KPI ${n}'s target`),
      frequency_months: frequency,
      added_by_amendment: added.byAmendment,
      reports_from: added.reportsFrom,
    };
  });
}

// The rules on a contract's terms, at entry and at each amendment

/**
 * The £5m rule (DOMAIN.md §2): a contract awarded or worth over £5,000,000.00 — the greater of the
 * value awarded and the contract's value counts, so a lower contract value does not escape it —
 * carries at least 3 KPIs. The problem, about `field`, or null.
 */
export function kpiRuleProblem(
  values: { awardValue: bigint; value: bigint },
  kpiCount: number,
  field: string,
): FieldError | null {
  const counted = values.awardValue > values.value ? values.awardValue : values.value;
  if (counted <= KPI_THRESHOLD_PENCE || kpiCount >= MIN_KPIS_OVER_THRESHOLD) return null;
  const threshold = formatMoney(KPI_THRESHOLD_PENCE as Pence);
  return {
    field,
    message:
      values.awardValue > values.value
        ? msg`A contract awarded or worth over ${threshold} needs at least ${MIN_KPIS_OVER_THRESHOLD} KPIs: this one was awarded at ${formatMoney(values.awardValue as Pence)} and has ${kpiCount}`
        : msg`A contract awarded or worth over ${threshold} needs at least ${MIN_KPIS_OVER_THRESHOLD} KPIs: this one is worth ${formatMoney(values.value as Pence)} and has ${kpiCount}`,
  };
}

/** The last day of a term of at most `months` months from `startsOn` (5 years from 1 April 2027: 31 March 2032). */
export function lastDayOfTerm(startsOn: string, months: number): string {
  return addDays(addMonths(startsOn, months), -1);
}

/** Whether the tender a contract comes from was reserved to public service mutuals (s.33): the tenders module says. */
export async function tenderReserved(ctx: Ctx, authorityId: string, tenderId: string): Promise<boolean> {
  return (await findTender(ctx, authorityId, tenderId))?.reserved === true;
}

/**
 * s.33 (Procurement Act 2023): a contract reserved to public service mutuals — its tender was
 * reserved — runs for at most 5 years. Checked at entry and at every amendment that moves its
 * dates (the tenders module says whether the tender was reserved). The problem, or null.
 */
export async function reservedTermProblem(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  term: { startsOn: string; endsOn: string },
): Promise<FieldError | null> {
  const lastDay = lastDayOfTerm(term.startsOn, RESERVED_MAX_TERM_MONTHS);
  if (term.endsOn <= lastDay) return null;
  if (!(await tenderReserved(ctx, authorityId, tenderId))) return null;
  return {
    field: "endsOn",
    message: msg`This contract is reserved to public service mutuals, so it runs for at most 5 years (Procurement Act 2023, s.33): from ${longDate(term.startsOn)} it must end by ${longDate(lastDay)}`,
  };
}

// Reading

export interface PeriodView extends Period {
  state: PeriodState;
  /** The last day before the report is overdue. */
  overdueAfter: string;
  /** Shown to the public once rated; to the supplier and the authority as soon as made (and as corrected). */
  report: (KpiReport & { reportedByName: string; correctedByName: string | null }) | null;
  rating: (KpiRatingRow & { ratedByName: string }) | null;
  /** Whether the one viewing it sent its report, not yet rated, and so may correct it. */
  correctable: boolean;
}

/** When ratings are next due, and the latest publication (`lastPublishedAt`). */
export type PublicationView = PublicationDue & { lastPublishedAt: Date | null };

export interface KpiView extends ContractKpi {
  /** Its first period's first day: the contract's start, or the day it was added by an amendment. */
  reportsFrom: string;
  periods: PeriodView[];
  latestRating: KpiRatingRow | null;
  /** This KPI's own publication: its ratings are due at least every 12 months, and at the end. */
  publication: PublicationView;
}

export interface ContractView {
  contract: repo.ContractRow;
  state: ContractState;
  lastDay: string;
  kpis: KpiView[];
  documents: ContractDocument[];
  amendments: (ContractAmendment & { amendedByName: string; kpisAdded: ContractKpi[] })[];
  /**
   * The contract's publication, from its KPIs': due on the earliest of their dates, overdue when any
   * KPI's ratings are (`overdueKpis` says which), the latest rating of any.
   */
  publication: PublicationView & { overdueKpis: number[] };
  counts: { due: number; overdue: number; awaitingRating: number };
  /** The authority's commissioners and administrators (and platform administrators). */
  canManage: boolean;
  /** The supplier's own people. */
  canReport: boolean;
  enteredByName: string;
}

type Names = Map<string, string>;

/** Who is viewing: whether they see reports before their rating, and who they are if they report. */
interface Viewer {
  seesReports: boolean;
  /** The viewer's user id when one of the supplier's people: they correct the reports they sent. */
  reporterId: string | null;
}

function kpiViews(
  contract: repo.ContractRow,
  parts: repo.ContractParts,
  names: Names,
  now: string,
  viewer: Viewer,
): { kpis: KpiView[]; counts: ContractView["counts"] } {
  const lastDay = lastDayOf(contract);
  const own = <T extends { contract_id: string }>(rows: T[]) =>
    rows.filter((r) => r.contract_id === contract.id);
  const reports = own(parts.reports);
  const ratings = own(parts.ratings);
  const counts = { due: 0, overdue: 0, awaitingRating: 0 };
  const kpis = own(parts.kpis).map((k) => {
    const reportsFrom = k.reports_from ?? contract.starts_on;
    let allRated = true;
    const periods = periodsOf(reportsFrom, lastDay, k.frequency_months).map((period) => {
      const report = reports.find((r) => r.kpi_position === k.position && r.period_number === period.number);
      const rating = ratings.find((r) => r.kpi_position === k.position && r.period_number === period.number);
      const state = periodState(period, now, report !== undefined, rating !== undefined);
      if (state === "due") counts.due++;
      if (state === "overdue") counts.overdue++;
      if (state === "reported") counts.awaitingRating++;
      if (!rating) allRated = false;
      return {
        ...period,
        state,
        overdueAfter: reportOverdueAfter(period),
        report:
          report && (rating || viewer.seesReports)
            ? {
                ...report,
                reportedByName: names.get(report.reported_by) ?? "",
                correctedByName: report.corrected_by ? (names.get(report.corrected_by) ?? "") : null,
              }
            : null,
        rating: rating ? { ...rating, ratedByName: names.get(rating.rated_by) ?? "" } : null,
        correctable:
          state === "reported" && viewer.reporterId !== null && report?.reported_by === viewer.reporterId,
      };
    });
    const rated = periods.filter((p) => p.rating).map((p) => p.rating as KpiRatingRow);
    const lastPublishedAt = rated.reduce<Date | null>(
      (latest, r) => (latest === null || r.rated_at > latest ? r.rated_at : latest),
      null,
    );
    const publication = {
      ...publicationDue({
        startsOn: reportsFrom,
        endsOn: lastDay,
        lastPublishedOn: lastPublishedAt ? londonDate(lastPublishedAt) : null,
        allPeriodsRated: allRated,
        today: now,
      }),
      lastPublishedAt,
    };
    return { ...k, reportsFrom, periods, latestRating: rated[rated.length - 1] ?? null, publication };
  });
  return { kpis, counts };
}

/** The contract's publication from its KPIs' (none due for a contract without KPIs). */
function contractPublication(kpis: readonly KpiView[]): ContractView["publication"] {
  const lastPublishedAt = kpis.reduce<Date | null>(
    (latest, k) =>
      k.publication.lastPublishedAt && (latest === null || k.publication.lastPublishedAt > latest)
        ? k.publication.lastPublishedAt
        : latest,
    null,
  );
  const overdueKpis = kpis.filter((k) => k.publication.overdue).map((k) => k.position);
  const next = kpis
    .filter((k) => k.publication.dueOn !== null)
    .sort((a, b) => ((a.publication.dueOn as string) < (b.publication.dueOn as string) ? -1 : 1))[0];
  if (!next)
    // A contract without KPIs has no ratings to publish; with every KPI's final ratings published, nothing more is due.
    return { dueOn: null, overdue: false, final: kpis.length > 0, lastPublishedAt, overdueKpis };
  return {
    dueOn: next.publication.dueOn,
    final: next.publication.final,
    overdue: overdueKpis.length > 0,
    lastPublishedAt,
    overdueKpis,
  };
}

function build(
  contract: repo.ContractRow,
  parts: repo.ContractParts,
  names: Names,
  now: string,
  viewer: Viewer,
): Omit<ContractView, "canManage" | "canReport"> {
  const { kpis, counts } = kpiViews(contract, parts, names, now, viewer);
  return {
    contract,
    state: contractState(contract, now),
    lastDay: lastDayOf(contract),
    kpis,
    documents: parts.documents.filter((d) => d.contract_id === contract.id),
    amendments: parts.amendments
      .filter((a) => a.contract_id === contract.id)
      .map((a) => ({
        ...a,
        amendedByName: names.get(a.amended_by) ?? "",
        kpisAdded: parts.kpis.filter(
          (k) => k.contract_id === contract.id && k.added_by_amendment === a.number,
        ),
      })),
    publication: contractPublication(kpis),
    counts,
    enteredByName: names.get(contract.entered_by) ?? "",
  };
}

/** Whether this person is one of the supplier's own people. */
/** One page of every authority's contracts (their contract details notices), in key order after `after`. Public. */
export async function contractsAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<(repo.PublishedContract & { state: ContractState })[]> {
  const today = londonToday(ctx.clock);
  return (await repo.contractsAfter(ctx.db, after, limit)).map((c) => ({
    ...c,
    state: contractState(c, today),
  }));
}

/** One page of every contract's KPIs, in key order after `after`. Public. */
export function contractKpisAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, contractId: string, position: number] | undefined,
  limit: number,
): Promise<ContractKpi[]> {
  return repo.contractKpisAfter(ctx.db, after, limit);
}

/** One page of every published KPI rating, with its period and the value reported, in key order. Public. */
export function kpiRatingsAfter(
  ctx: Ctx,
  after:
    | readonly [authorityId: string, contractId: string, kpiPosition: number, periodNumber: number]
    | undefined,
  limit: number,
): Promise<repo.PublishedKpiRating[]> {
  return repo.kpiRatingsAfter(ctx.db, after, limit);
}

/** When contracts last changed, and when a KPI was last rated (the open data's "last updated"). */
export function latestContractChanges(ctx: Ctx): Promise<{ contracts: Date | null; ratings: Date | null }> {
  return repo.latestContractChanges(ctx.db);
}

export type { PublishedContract, PublishedKpiRating } from "./contracts.repository.ts";

export function isSupplier(principal: Principal | null, organisationId: string): boolean {
  return (
    principal?.grants.some((g) => SUPPLIER_ROLES.includes(g.role) && g.scopeId === organisationId) === true
  );
}

/** Contracts as `ctx.principal` sees them: their KPIs, periods, published ratings and amendments. */
export async function viewsOf(ctx: Ctx, rows: repo.ContractRow[]): Promise<ContractView[]> {
  const { db, principal } = ctx;
  const now = londonToday(ctx.clock);
  const parts = await repo.partsOf(db, rows);
  const userIds = [
    ...rows.map((r) => r.entered_by),
    ...[...parts.values()].flatMap((p) => [
      ...p.reports.flatMap((r) => (r.corrected_by ? [r.reported_by, r.corrected_by] : [r.reported_by])),
      ...p.ratings.map((r) => r.rated_by),
      ...p.amendments.map((a) => a.amended_by),
    ]),
  ];
  const names = await repo.userNames(db, userIds);
  return rows.map((row) => {
    const canManage = isAuthorityEditor(principal, row.authority_id);
    const canReport = isSupplier(principal, row.organisation_id);
    return {
      ...build(row, parts.get(`${row.authority_id}/${row.id}`) as repo.ContractParts, names, now, {
        seesReports: canManage || canReport,
        reporterId: canReport ? (principal?.userId ?? null) : null,
      }),
      canManage,
      canReport,
    };
  });
}

/**
 * Many contracts at once, public, as `contractOf` shows each (without whether the supplier's
 * registration lapsed), by id; an unknown one left out. A fixed number of queries however many.
 */
export async function contractsByKeys(
  ctx: Ctx,
  keys: readonly repo.ContractRef[],
): Promise<Map<string, ContractView>> {
  const rows = await repo.findContracts(
    ctx.db,
    keys.filter((k) => isUuid(k.authority_id) && isUuid(k.id)),
  );
  return new Map((await viewsOf(ctx, rows)).map((v) => [v.contract.id, v]));
}

export type ContractWithLapse = ContractView & { registrationLapsed: boolean };

/** A contract, public (its contract details notice with KPIs, published ratings, amendments, termination). */
export async function contractOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
): Promise<ContractWithLapse> {
  const row = isUuid(contractId) ? await repo.findContract(ctx.db, authorityId, contractId) : undefined;
  if (!row) throw new NotFoundError("contract");
  const [view] = (await viewsOf(ctx, [row])) as [ContractView];
  // A live contract for a regulated activity whose supplier no longer holds a current registration
  // for it (cancelled, suspended): marked, so that its commissioners plan continuity of service.
  const live = view.state === "active" || view.state === "not-started";
  const registrationLapsed =
    live && row.regulated_activity !== null
      ? !(await hasCurrentRegistration(ctx, row.organisation_id, row.regulated_activity))
      : false;
  return { ...view, registrationLapsed };
}

export interface ContractQuery {
  authorityId?: string;
  organisationId?: string;
  q?: string;
  status?: "live" | "all";
  paymentMechanism?: string;
  ratingsOverdue?: boolean;
}

/** Published contracts, newest first, filtered: the public register and `GET /api/v1/contracts`. */
export async function listContractViews(ctx: Ctx, query: ContractQuery): Promise<ContractView[]> {
  const rows = await repo.listContracts(ctx.db, {
    ...(query.authorityId ? { authorityId: query.authorityId } : {}),
    ...(query.organisationId ? { organisationId: query.organisationId } : {}),
    ...(query.q ? { q: query.q } : {}),
    ...(query.status === "live" ? { liveOn: londonToday(ctx.clock) } : {}),
    ...(query.paymentMechanism ? { paymentMechanism: query.paymentMechanism } : {}),
  });
  const views = await viewsOf(ctx, rows);
  return query.ratingsOverdue ? views.filter((v) => v.publication.overdue) : views;
}

/** A contract's document and its bytes, public with the contract details notice (404 unknown). */
export async function contractDocument(
  ctx: ContractsCtx,
  authorityId: string,
  contractId: string,
  position: number,
): Promise<{ document: ContractDocument; bytes: Uint8Array }> {
  const row = isUuid(contractId) ? await repo.findContract(ctx.db, authorityId, contractId) : undefined;
  if (!row) throw new NotFoundError("contract");
  const parts = await repo.partsOf(ctx.db, [{ authority_id: authorityId, id: contractId }]);
  const document = parts.get(`${authorityId}/${contractId}`)?.documents.find((d) => d.position === position);
  if (!document) throw new NotFoundError("document");
  return { document, bytes: await ctx.files.get(document.file_key) };
}

/** The contract, locked for a change, as the principal sees it (404 unknown). */
export async function lockedView(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  contractId: string,
): Promise<ContractWithLapse> {
  if (!isUuid(contractId) || !(await repo.lockContract(ctx.db, authorityId, contractId)))
    throw new NotFoundError("contract");
  return contractOf(ctx, authorityId, contractId);
}

/** A KPI's period of the contract (404 for an unknown KPI or period). */
export function periodIn(
  view: ContractView,
  position: number,
  periodNumber: number,
): { kpi: KpiView; period: PeriodView } {
  const kpi = view.kpis.find((k) => k.position === position);
  if (!kpi) throw new NotFoundError("KPI");
  const period = kpi.periods.find((p) => p.number === periodNumber);
  if (!period) throw new NotFoundError("reporting period");
  return { kpi, period };
}

// Notices to the supplier

/** Tells the supplier's people, in the caller's transaction, as `actorIn(ctx)`. */
export async function tellSupplier(
  ctx: ContractsCtx & { db: Trx },
  authorityId: string,
  organisationId: string,
  message: { kind: NoticeKind; subject: string; body: string; contractId: string },
): Promise<void> {
  const slug = await repo.authoritySlug(ctx.db, authorityId);
  if (!slug) throw new NotFoundError("authority");
  for (const userId of await repo.holders(ctx.db, organisationId, SUPPLIER_ROLES))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId,
        organisationId,
        kind: message.kind,
        subject: message.subject.slice(0, 200),
        body: message.body.slice(0, 10_000),
        link: `/authorities/${slug}/contracts/${message.contractId}`,
      },
      { email: ctx.email, actor: actorIn(ctx) },
    );
}

/**
 * For the market's figures (public facts, checking no one): an authority's contracts a page at a
 * time by id, its KPI ratings counted by contract, month and rating, and the authorities holding a
 * contract with an organisation (whose figures change when its sector does).
 */
export const authorityContractsAfter = repo.authorityContractsAfter;
export const kpiRatingCounts = repo.kpiRatingCounts;
/** Every KPI rating counted by the rated contract's lead supplier and rating. Public figures; checks no one. */
export const kpiRatingsByLead = repo.kpiRatingsByLead;
export const authoritiesContracting = repo.authoritiesContracting;
export type { ContractFigures } from "./contracts.repository.ts";

/**
 * The contracts an organisation holds (as the lead or a consortium member), newest first, at most
 * `limit`: what a provider may complain about to the authority that let it (redress's complaints
 * about commissioning). Checks no one: the calling service has.
 */
export function contractsHeldBy(db: Db, organisationId: string, limit: number): Promise<repo.ContractRow[]> {
  return repo.listContracts(db, { organisationId }, limit);
}
