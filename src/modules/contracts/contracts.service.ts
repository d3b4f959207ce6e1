/**
 * Contracts (issue 6, items 8–11). After standstill the authority's commissioners and administrators
 * enter the contract from the award (`award-handover.ts`): supplier and consortium, value, dates,
 * payment mechanism, KPIs with targets and documents. Entering publishes the contract details notice.
 * The supplier's people report against each KPI per period; the commissioner rates each reported
 * period, and the rating is published at once. Amendments (value, dates, scope) and termination are
 * recorded with reasons and published. Every change is one transaction, audited on the authority's
 * chain. See docs/contracts.md.
 *
 * A contract's state is derived when read: `not-started`, `active`, `ended` (after its end date),
 * `terminated` (a termination recorded).
 */
import type { Db, Trx } from "../../db/database.ts";
import { type Clock, systemClock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import type { FileStore } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addMonths, isIsoDate, londonDate, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  actorOf,
  hasRole,
  isAuthorityEditor,
  type Principal,
  type Role,
  requireAuthorityEditor,
  requireRole,
  requireSignedIn,
} from "../access/access.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  type AwardForContract,
  awardForContract,
  awardsReadyToContract,
  markAwardContracted,
} from "../evaluation/award-handover.ts";
import { notify } from "../notifications/notifications.service.ts";
import { hasCurrentRegistration, noRegistrationMessage } from "../regulation/regulation.service.ts";
import { decodeBase64, percent } from "../tenders/tenders.service.ts";
import * as repo from "./contracts.repository.ts";
import {
  type ContractAmendment,
  type ContractDocument,
  type ContractKpi,
  KPI_FREQUENCIES,
  KPI_RATINGS,
  type KpiRating,
  type KpiRatingRow,
  type KpiReport,
  PAYMENT_MECHANISMS,
  type PaymentMechanism,
} from "./contracts.table.ts";
import {
  type Period,
  type PeriodState,
  periodState,
  periodsOf,
  publicationDue,
  reportOverdueAfter,
} from "./periods.ts";

/** A contract over this value (£5,000,000.00) needs at least `MIN_KPIS_OVER_THRESHOLD` KPIs. */
export const KPI_THRESHOLD_PENCE = 500_000_000n;
export const MIN_KPIS_OVER_THRESHOLD = 3;
export const BP_TOTAL = 10_000;

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

export interface ContractsContext {
  db: Db;
  clock: Clock;
  files: FileStore;
  /** Email copies of notifications (a mailer is configured). */
  email: boolean;
}

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

function today(clock: Clock): string {
  return londonDate(clock.now());
}

function text(
  problems: FieldError[],
  field: string,
  value: unknown,
  max: number,
  required: string | null,
): string {
  const v = typeof value === "string" ? value.trim() : "";
  if (v === "" && required) problems.push({ field, message: required });
  else if (v.length > max) problems.push({ field, message: `Enter ${max} characters or fewer` });
  return v;
}

/** Pence from the API (`valuePence`, digits) or a form (`value`, pounds as typed); undefined if neither. */
function moneyOf(
  problems: FieldError[],
  draft: { value?: string; valuePence?: string },
  label: string,
): Pence | undefined | null {
  if (draft.valuePence !== undefined && draft.valuePence !== "") {
    if (!/^\d{1,18}$/.test(draft.valuePence)) {
      problems.push({
        field: "valuePence",
        message: `${label}: give a whole number of pence, like "125000000"`,
      });
      return null;
    }
    return BigInt(draft.valuePence) as Pence;
  }
  if (draft.value !== undefined && draft.value.trim() !== "") {
    const parsed = parseMoney(draft.value);
    if (!parsed.ok) {
      problems.push({ field: "value", message: `${label}: ${parsed.error}` });
      return null;
    }
    return parsed.value;
  }
  return undefined;
}

function dateOf(problems: FieldError[], field: string, value: unknown, label: string, required: boolean) {
  const v = typeof value === "string" ? value.trim() : "";
  if (v === "") {
    if (required) problems.push({ field, message: `Enter the ${label}` });
    return "";
  }
  if (!isIsoDate(v)) {
    problems.push({ field, message: `Enter the ${label} as a real date, like 1 April 2027` });
    return "";
  }
  return v;
}

// Entering a contract

export interface KpiDraft {
  name?: string;
  measure?: string;
  target?: string;
  frequencyMonths?: number | string;
}

export interface DocumentDraft {
  title?: string;
  filename?: string;
  contentBase64?: string;
  /** From a page's file input. */
  bytes?: Uint8Array;
}

export interface ContractDraft {
  awardId?: string;
  title?: string;
  description?: string;
  /** Pounds as typed (forms). */
  value?: string;
  /** Whole pence as digits (the API). Neither given: the award's value. */
  valuePence?: string;
  startsOn?: string;
  endsOn?: string;
  paymentMechanism?: string;
  kpis?: KpiDraft[];
  documents?: DocumentDraft[];
}

/** The authority's awards a contract can be entered from now: for its commissioners and administrators. */
export async function readyToContract(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
): Promise<AwardForContract[]> {
  await requireAuthorityEditor(db, principal, authorityId);
  return awardsReadyToContract(db, clock, authorityId);
}

/** The award a contract is about to be entered from (404, 409 as the handover says), for the form. */
export async function awardToContract(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  awardId: string,
): Promise<AwardForContract> {
  await requireAuthorityEditor(db, principal, authorityId);
  return awardForContract(db, clock, authorityId, awardId);
}

/**
 * Enters a contract from an award, in the caller's transaction: 403 not the authority's
 * commissioner or administrator; 404 unknown award; 409 in standstill, challenged, withdrawn or
 * contracted already; 400 each field at fault; 422 dates out of order or already past, shares not
 * adding up to 100%, a contract over £5m with fewer than 3 KPIs, or a supplier without the current
 * registration the regulated activity needs. Publishes the contract details notice; audited.
 */
export async function enterContract(
  trx: Trx,
  ctx: Omit<ContractsContext, "db">,
  principal: Principal | null,
  authorityId: string,
  draft: ContractDraft,
  options: { id?: string } = {},
): Promise<string> {
  const { clock } = ctx;
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  if (!isUuid(draft.awardId)) throw new NotFoundError("award");
  const award = await awardForContract(trx, clock, authorityId, draft.awardId);

  const problems: FieldError[] = [];
  const title = text(problems, "title", draft.title, CONTRACT_LIMITS.title, "Enter the contract's title");
  const description = text(problems, "description", draft.description, CONTRACT_LIMITS.description, null);
  const given = moneyOf(problems, draft, "Contract value");
  const value = (given ?? award.valuePence) as Pence;
  const startsOn = dateOf(problems, "startsOn", draft.startsOn, "start date", true);
  const endsOn = dateOf(problems, "endsOn", draft.endsOn, "end date", true);
  const mechanism = draft.paymentMechanism;
  if (!(PAYMENT_MECHANISMS as readonly string[]).includes(mechanism ?? ""))
    problems.push({
      field: "paymentMechanism",
      message: "Choose the payment mechanism: fixed, fee per service, or linked to results",
    });
  const kpiDrafts = draft.kpis ?? [];
  if (kpiDrafts.length > CONTRACT_LIMITS.kpis)
    problems.push({ field: "kpis", message: `A contract has at most ${CONTRACT_LIMITS.kpis} KPIs` });
  const kpis: ContractKpi[] = kpiDrafts.slice(0, CONTRACT_LIMITS.kpis).map((k, i) => {
    const n = i + 1;
    const frequency = Number(k.frequencyMonths);
    if (!(KPI_FREQUENCIES as readonly number[]).includes(frequency))
      problems.push({
        field: `kpis.${i}.frequencyMonths`,
        message: `Choose how often KPI ${n} is reported: every 1, 3, 6 or 12 months`,
      });
    return {
      authority_id: authorityId,
      contract_id: "",
      position: n,
      name: text(problems, `kpis.${i}.name`, k.name, CONTRACT_LIMITS.kpiName, `Enter KPI ${n}'s name`),
      measure: text(
        problems,
        `kpis.${i}.measure`,
        k.measure,
        CONTRACT_LIMITS.kpiMeasure,
        `Say what KPI ${n} measures and how`,
      ),
      target: text(
        problems,
        `kpis.${i}.target`,
        k.target,
        CONTRACT_LIMITS.kpiTarget,
        `Enter KPI ${n}'s target`,
      ),
      frequency_months: frequency,
    };
  });
  const documentDrafts = draft.documents ?? [];
  if (documentDrafts.length > CONTRACT_LIMITS.documents)
    problems.push({
      field: "documents",
      message: `A contract has at most ${CONTRACT_LIMITS.documents} documents`,
    });
  const documents = documentDrafts.slice(0, CONTRACT_LIMITS.documents).map((d, i) => {
    const filename = (d.filename ?? "").trim();
    if (filename === "")
      problems.push({
        field: `documents.${i}.filename`,
        message: `Give document ${i + 1}'s file name, like contract.pdf`,
      });
    const bytes = d.bytes ?? decodeBase64(d.contentBase64);
    if (!bytes)
      problems.push({
        field: `documents.${i}.contentBase64`,
        message: `Send document ${i + 1}'s content in base64`,
      });
    const title = (d.title ?? "").trim() || filename;
    if (title.length > CONTRACT_LIMITS.documentTitle)
      problems.push({
        field: `documents.${i}.title`,
        message: `Enter document ${i + 1}'s title, ${CONTRACT_LIMITS.documentTitle} characters or fewer`,
      });
    return { title, filename, bytes };
  });
  if (problems.length > 0) throw new ValidationError("Check the contract's details", problems);

  const combination: FieldError[] = [];
  const now = today(clock);
  if (endsOn <= startsOn)
    combination.push({ field: "endsOn", message: "The end date must be after the start date" });
  else if (endsOn < now)
    combination.push({
      field: "endsOn",
      message: "The end date has passed: a contract that has ended cannot be entered",
    });
  else if (endsOn > addMonths(startsOn, CONTRACT_LIMITS.termYears * 12))
    combination.push({
      field: "endsOn",
      message: `A contract runs for at most ${CONTRACT_LIMITS.termYears} years`,
    });
  const shares = award.leadShareBp + award.consortium.reduce((sum, m) => sum + m.shareBp, 0);
  if (shares !== BP_TOTAL)
    combination.push({
      field: "consortium",
      message: `The supplier's and consortium members' shares add up to ${percent(shares)}, not 100%: the award must be corrected first`,
    });
  if (value > KPI_THRESHOLD_PENCE && kpis.length < MIN_KPIS_OVER_THRESHOLD)
    combination.push({
      field: "kpis",
      message: `A contract worth over ${formatMoney(KPI_THRESHOLD_PENCE as Pence)} needs at least ${MIN_KPIS_OVER_THRESHOLD} KPIs: this one is worth ${formatMoney(value)} and has ${kpis.length}`,
    });
  if (
    award.regulatedActivity &&
    !(await hasCurrentRegistration(trx, award.organisationId, award.regulatedActivity))
  )
    combination.push({
      field: "awardId",
      message: noRegistrationMessage(award.supplierName, award.regulatedActivity),
    });
  if (combination.length > 0)
    throw new UnprocessableError("The contract cannot be entered as it stands", combination);

  const id = options.id ?? newId();
  const at = clock.now();
  await repo.insertContract(trx, {
    authority_id: authorityId,
    id,
    award_id: award.id,
    tender_id: award.tenderId,
    organisation_id: award.organisationId,
    supplier_name: award.supplierName,
    lead_share_bp: award.leadShareBp,
    consortium: award.consortium,
    title,
    description,
    regulated_activity: award.regulatedActivity,
    payment_mechanism: mechanism as PaymentMechanism,
    original_value_pence: value,
    original_starts_on: startsOn,
    original_ends_on: endsOn,
    value_pence: value,
    starts_on: startsOn,
    ends_on: endsOn,
    scope: "",
    amendment_count: 0,
    entered_by: p.userId,
    entered_at: at,
  });
  await repo.insertKpis(
    trx,
    kpis.map((k) => ({ ...k, contract_id: id })),
  );
  const stored: { title: string; filename: string; sha256: string }[] = [];
  for (const [i, d] of documents.entries()) {
    const file = await ctx.files.put({
      bytes: d.bytes as Uint8Array,
      filename: d.filename,
      field: `documents.${i}.contentBase64`,
    });
    await repo.insertDocument(trx, {
      authority_id: authorityId,
      contract_id: id,
      position: i + 1,
      title: d.title,
      filename: file.filename,
      media_type: file.mediaType,
      size_bytes: file.size,
      sha256: file.sha256,
      file_key: file.key,
      uploaded_at: at,
    });
    stored.push({ title: d.title, filename: file.filename, sha256: file.sha256 });
  }
  const actor = actorOf(p);
  await markAwardContracted(trx, clock, actor, authorityId, award.id, id);
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "contract.entered",
    entity: { type: "contract", id },
    changes: {
      awardId: award.id,
      tenderId: award.tenderId,
      organisationId: award.organisationId,
      title,
      valuePence: value,
      startsOn,
      endsOn,
      paymentMechanism: mechanism,
      kpis: kpis.map((k) => ({ name: k.name, target: k.target, frequencyMonths: k.frequency_months })),
      documents: stored,
    },
  });
  await tellSupplier(trx, ctx, actor, authorityId, award.organisationId, {
    kind: "contract.entered",
    subject: `Contract entered: ${title}`,
    body: `The contract "${title}" has been entered and its contract details notice published. It runs from ${longDate(startsOn)} to ${longDate(endsOn)}.${kpis.length > 0 ? " Report against its KPIs at the end of each period." : ""}`,
    contractId: id,
  });
  return id;
}

// Reading

export interface PeriodView extends Period {
  state: PeriodState;
  /** The last day before the report is overdue. */
  overdueAfter: string;
  /** Shown to the public once rated; to the supplier and the authority as soon as made. */
  report: (KpiReport & { reportedByName: string }) | null;
  rating: (KpiRatingRow & { ratedByName: string }) | null;
}

export interface KpiView extends ContractKpi {
  periods: PeriodView[];
  latestRating: KpiRatingRow | null;
}

export interface ContractView {
  contract: repo.ContractRow;
  state: ContractState;
  lastDay: string;
  kpis: KpiView[];
  documents: ContractDocument[];
  amendments: (ContractAmendment & { amendedByName: string })[];
  publication: ReturnType<typeof publicationDue> & { lastPublishedAt: Date | null };
  counts: { due: number; overdue: number; awaitingRating: number };
  /** The authority's commissioners and administrators (and platform administrators). */
  canManage: boolean;
  /** The supplier's own people. */
  canReport: boolean;
  enteredByName: string;
}

function build(
  contract: repo.ContractRow,
  parts: repo.ContractParts,
  names: Map<string, string>,
  now: string,
  seesReports: boolean,
): Omit<ContractView, "canManage" | "canReport"> {
  const lastDay = lastDayOf(contract);
  const own = <T extends { contract_id: string }>(rows: T[]) =>
    rows.filter((r) => r.contract_id === contract.id);
  const reports = own(parts.reports);
  const ratings = own(parts.ratings);
  const counts = { due: 0, overdue: 0, awaitingRating: 0 };
  let allRated = true;
  const kpis = own(parts.kpis).map((k) => {
    const periods = periodsOf(contract.starts_on, lastDay, k.frequency_months).map((period) => {
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
          report && (rating || seesReports)
            ? { ...report, reportedByName: names.get(report.reported_by) ?? "" }
            : null,
        rating: rating ? { ...rating, ratedByName: names.get(rating.rated_by) ?? "" } : null,
      };
    });
    const rated = periods.filter((p) => p.rating).map((p) => p.rating as KpiRatingRow);
    return { ...k, periods, latestRating: rated[rated.length - 1] ?? null };
  });
  const lastPublishedAt = ratings.reduce<Date | null>(
    (latest, r) => (latest === null || r.rated_at > latest ? r.rated_at : latest),
    null,
  );
  const publication = {
    ...publicationDue({
      startsOn: contract.starts_on,
      endsOn: lastDay,
      lastPublishedOn: lastPublishedAt ? londonDate(lastPublishedAt) : null,
      allPeriodsRated: allRated,
      today: now,
    }),
    lastPublishedAt,
  };
  // A contract without KPIs has no ratings to publish.
  if (kpis.length === 0) Object.assign(publication, { dueOn: null, overdue: false, final: false });
  return {
    contract,
    state: contractState(contract, now),
    lastDay,
    kpis,
    documents: parts.documents.filter((d) => d.contract_id === contract.id),
    amendments: own(parts.amendments).map((a) => ({ ...a, amendedByName: names.get(a.amended_by) ?? "" })),
    publication,
    counts,
    enteredByName: names.get(contract.entered_by) ?? "",
  };
}

function isSupplier(principal: Principal | null, organisationId: string): boolean {
  return (
    principal?.grants.some((g) => SUPPLIER_ROLES.includes(g.role) && g.scopeId === organisationId) === true
  );
}

async function viewsOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  rows: repo.ContractRow[],
): Promise<ContractView[]> {
  const now = today(clock);
  const byAuthority = new Map<string, repo.ContractRow[]>();
  for (const row of rows)
    byAuthority.set(row.authority_id, [...(byAuthority.get(row.authority_id) ?? []), row]);
  const parts = new Map<string, repo.ContractParts>();
  for (const [authorityId, list] of byAuthority)
    parts.set(
      authorityId,
      await repo.partsOf(
        db,
        authorityId,
        list.map((c) => c.id),
      ),
    );
  const userIds = [
    ...rows.map((r) => r.entered_by),
    ...[...parts.values()].flatMap((p) => [
      ...p.reports.map((r) => r.reported_by),
      ...p.ratings.map((r) => r.rated_by),
      ...p.amendments.map((a) => a.amended_by),
    ]),
  ];
  const names = await repo.userNames(db, userIds);
  return rows.map((row) => {
    const canManage = isAuthorityEditor(principal, row.authority_id);
    const canReport = isSupplier(principal, row.organisation_id);
    return {
      ...build(row, parts.get(row.authority_id) as repo.ContractParts, names, now, canManage || canReport),
      canManage,
      canReport,
    };
  });
}

/** A contract, public (its contract details notice with KPIs, published ratings, amendments, termination). */
export async function contractOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  contractId: string,
): Promise<ContractView & { registrationLapsed: boolean }> {
  const row = isUuid(contractId) ? await repo.findContract(db, authorityId, contractId) : undefined;
  if (!row) throw new NotFoundError("contract");
  const [view] = (await viewsOf(db, clock, principal, [row])) as [ContractView];
  // A live contract for a regulated activity whose supplier no longer holds a current registration
  // for it (cancelled, suspended): marked, so that its commissioners plan continuity of service.
  const live = view.state === "active" || view.state === "not-started";
  const registrationLapsed =
    live && row.regulated_activity !== null
      ? !(await hasCurrentRegistration(db, row.organisation_id, row.regulated_activity))
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
export async function listContractViews(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  query: ContractQuery,
): Promise<ContractView[]> {
  const rows = await repo.listContracts(db, {
    ...(query.authorityId ? { authorityId: query.authorityId } : {}),
    ...(query.organisationId ? { organisationId: query.organisationId } : {}),
    ...(query.q ? { q: query.q } : {}),
    ...(query.status === "live" ? { liveOn: today(clock) } : {}),
    ...(query.paymentMechanism ? { paymentMechanism: query.paymentMechanism } : {}),
  });
  const views = await viewsOf(db, clock, principal, rows);
  return query.ratingsOverdue ? views.filter((v) => v.publication.overdue) : views;
}

export async function contractDocument(
  db: Db,
  files: FileStore,
  authorityId: string,
  contractId: string,
  position: number,
): Promise<{ document: ContractDocument; bytes: Uint8Array }> {
  const row = isUuid(contractId) ? await repo.findContract(db, authorityId, contractId) : undefined;
  if (!row) throw new NotFoundError("contract");
  const parts = await repo.partsOf(db, authorityId, [contractId]);
  const document = parts.documents.find((d) => d.position === position);
  if (!document) throw new NotFoundError("document");
  return { document, bytes: await files.get(document.file_key) };
}

// KPI reports and ratings

async function lockedView(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  contractId: string,
): Promise<ContractView> {
  if (!isUuid(contractId) || !(await repo.lockContract(trx, authorityId, contractId)))
    throw new NotFoundError("contract");
  return contractOf(trx, clock, principal, authorityId, contractId);
}

function periodIn(
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

export interface ReportDraft {
  value?: string;
  commentary?: string;
}

/**
 * The supplier's report against a KPI for a period: by the lead organisation's administrators and
 * members (403 for anyone else), once the period's last day has come (409 before), once (409).
 * The authority's commissioners and the person who entered the contract are told.
 */
export async function reportKpi(
  trx: Trx,
  ctx: Omit<ContractsContext, "db" | "files">,
  principal: Principal | null,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
  draft: ReportDraft,
): Promise<void> {
  const p = requireSignedIn(principal);
  if (!hasRole(p, SUPPLIER_ROLES) || p.grants.every((g) => g.scopeType !== "organisation"))
    throw new ForbiddenError("Only the supplier's own people report against its KPIs.");
  const view = await lockedView(trx, ctx.clock, p, authorityId, contractId);
  const { contract } = view;
  if (!view.canReport)
    throw new ForbiddenError(
      `Only the people of ${contract.supplier_name}, the supplier, report against this contract's KPIs.`,
    );
  const { kpi, period } = periodIn(view, position, periodNumber);
  if (period.state === "upcoming")
    throw new ConflictError(
      `This period runs until ${longDate(period.endsOn)}: report from its last day.`,
      "period_not_ended",
    );
  if (period.state === "reported" || period.state === "rated")
    throw new ConflictError(
      "This period has been reported already: a report cannot be changed.",
      "already_reported",
    );
  const problems: FieldError[] = [];
  const value = text(
    problems,
    "value",
    draft.value,
    CONTRACT_LIMITS.reportValue,
    "Enter the result for the period",
  );
  const commentary = text(problems, "commentary", draft.commentary, CONTRACT_LIMITS.commentary, null);
  if (problems.length > 0) throw new ValidationError("Check the report", problems);
  const at = ctx.clock.now();
  await repo.insertReport(trx, {
    authority_id: authorityId,
    contract_id: contractId,
    kpi_position: position,
    period_number: periodNumber,
    period_starts_on: period.startsOn,
    period_ends_on: period.endsOn,
    value,
    commentary,
    reported_by: p.userId,
    reported_at: at,
  });
  const actor = actorOf(p);
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor,
    action: "contract.kpi-reported",
    entity: { type: "contract", id: contractId },
    changes: {
      kpi: position,
      period: periodNumber,
      from: period.startsOn,
      to: period.endsOn,
      value,
      commentary,
    },
  });
  const commissioners = new Set([
    ...(await repo.holders(trx, authorityId, ["commissioner"])),
    contract.entered_by,
  ]);
  for (const userId of commissioners)
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: "contract.kpi-reported",
        subject: `KPI report to rate: ${contract.title}`.slice(0, 200),
        body: `${contract.supplier_name} has reported "${value}" against "${kpi.name}" (target: ${kpi.target}) for ${longDate(period.startsOn)} to ${longDate(period.endsOn)}. Rate it: the rating is published on the contract.`,
        link: `${pageUrl(contract)}/kpis/${position}/periods/${periodNumber}/rating`,
      },
      { email: ctx.email, actor },
    );
}

export interface RatingDraft {
  rating?: string;
  comment?: string;
}

/**
 * The commissioner's rating of a reported period (good, approaching target, requires improvement,
 * inadequate) with a comment, published at once: 409 before the report, or rated already.
 */
export async function rateKpi(
  trx: Trx,
  ctx: Omit<ContractsContext, "db" | "files">,
  principal: Principal | null,
  authorityId: string,
  contractId: string,
  position: number,
  periodNumber: number,
  draft: RatingDraft,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const view = await lockedView(trx, ctx.clock, p, authorityId, contractId);
  const { contract } = view;
  const { kpi, period } = periodIn(view, position, periodNumber);
  if (period.state === "rated")
    throw new ConflictError(
      "This period has been rated already: a published rating cannot be changed.",
      "already_rated",
    );
  if (period.state !== "reported")
    throw new ConflictError(
      "The supplier has not reported this period yet: a period is rated on its report.",
      "not_reported",
    );
  const problems: FieldError[] = [];
  if (!(KPI_RATINGS as readonly string[]).includes(draft.rating ?? ""))
    problems.push({
      field: "rating",
      message: "Choose the rating: good, approaching target, requires improvement or inadequate",
    });
  const comment = text(
    problems,
    "comment",
    draft.comment,
    CONTRACT_LIMITS.comment,
    "Give the reasons for the rating",
  );
  if (problems.length > 0) throw new ValidationError("Check the rating", problems);
  const rating = draft.rating as KpiRating;
  await repo.insertRating(trx, {
    authority_id: authorityId,
    contract_id: contractId,
    kpi_position: position,
    period_number: periodNumber,
    rating,
    comment,
    rated_by: p.userId,
    rated_at: ctx.clock.now(),
  });
  const actor = actorOf(p);
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor,
    action: "contract.kpi-rated",
    entity: { type: "contract", id: contractId },
    changes: { kpi: position, period: periodNumber, rating, comment },
  });
  await tellSupplier(trx, ctx, actor, authorityId, contract.organisation_id, {
    kind: "contract.kpi-rated",
    subject: `KPI rating published: ${contract.title}`,
    body: `Your performance against "${kpi.name}" for ${longDate(period.startsOn)} to ${longDate(period.endsOn)} has been rated ${RATING_WORDS[rating]}, and the rating published on the contract. ${comment}`,
    contractId,
  });
}

export const RATING_WORDS: Record<KpiRating, string> = {
  good: "good",
  "approaching-target": "approaching target",
  "requires-improvement": "requires improvement",
  inadequate: "inadequate",
};

// Amendments and termination

export interface AmendmentDraft {
  reason?: string;
  value?: string;
  valuePence?: string;
  startsOn?: string;
  endsOn?: string;
  scope?: string;
}

function lastReportedDay(view: ContractView): string | null {
  let last: string | null = null;
  for (const k of view.kpis)
    for (const period of k.periods)
      if (
        (period.state === "reported" || period.state === "rated") &&
        (last === null || period.endsOn > last)
      )
        last = period.endsOn;
  return last;
}

function requireRunning(view: ContractView, what: string): void {
  if (view.state === "terminated")
    throw new ConflictError(`This contract was terminated: it cannot be ${what}.`, "contract_terminated");
  if (view.state === "ended")
    throw new ConflictError(
      `This contract has ended: it cannot be ${what}. Enter a new contract instead.`,
      "contract_ended",
    );
}

/**
 * Amends a running contract's value, dates or scope, with a reason, published with what changed
 * (before and after) and audited: 409 once ended or terminated, or a start date changed after it;
 * 422 nothing changed, dates out of order, an end date already past (terminate instead) or before
 * the last period reported, or a value over £5m with fewer than 3 KPIs.
 */
export async function amendContract(
  trx: Trx,
  ctx: Omit<ContractsContext, "db" | "files">,
  principal: Principal | null,
  authorityId: string,
  contractId: string,
  draft: AmendmentDraft,
): Promise<number> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const view = await lockedView(trx, ctx.clock, p, authorityId, contractId);
  const { contract } = view;
  requireRunning(view, "amended");
  const problems: FieldError[] = [];
  const reason = text(
    problems,
    "reason",
    draft.reason,
    CONTRACT_LIMITS.reason,
    "Give the reason for the amendment",
  );
  const value = moneyOf(problems, draft, "New value");
  const startsOn = dateOf(problems, "startsOn", draft.startsOn, "new start date", false);
  const endsOn = dateOf(problems, "endsOn", draft.endsOn, "new end date", false);
  const scope = text(problems, "scope", draft.scope, CONTRACT_LIMITS.scope, null);
  if (problems.length > 0) throw new ValidationError("Check the amendment", problems);

  const changes = {
    value: value !== undefined && value !== null && value !== contract.value_pence ? value : null,
    startsOn: startsOn !== "" && startsOn !== contract.starts_on ? startsOn : null,
    endsOn: endsOn !== "" && endsOn !== contract.ends_on ? endsOn : null,
    scope: scope !== "" && scope !== contract.scope ? scope : null,
  };
  if (changes.startsOn && view.state !== "not-started")
    throw new ConflictError(
      "The contract has started: its start date can no longer be changed.",
      "contract_started",
    );
  const newStart = changes.startsOn ?? contract.starts_on;
  const newEnd = changes.endsOn ?? contract.ends_on;
  const newValue = (changes.value ?? contract.value_pence) as Pence;
  const combination: FieldError[] = [];
  if (changes.value === null && !changes.startsOn && !changes.endsOn && !changes.scope)
    combination.push({ message: "Nothing changes: give a new value, new dates or the new scope" });
  if (newEnd <= newStart)
    combination.push({ field: "endsOn", message: "The end date must be after the start date" });
  else if (changes.endsOn && newEnd < today(ctx.clock))
    combination.push({
      field: "endsOn",
      message: "The new end date has passed: to end the contract early, terminate it",
    });
  const reported = lastReportedDay(view);
  if (changes.endsOn && reported && newEnd < reported)
    combination.push({
      field: "endsOn",
      message: `Performance has been reported up to ${longDate(reported)}: the end date cannot be before it`,
    });
  if (newValue > KPI_THRESHOLD_PENCE && view.kpis.length < MIN_KPIS_OVER_THRESHOLD)
    combination.push({
      field: "value",
      message: `A contract worth over ${formatMoney(KPI_THRESHOLD_PENCE as Pence)} needs at least ${MIN_KPIS_OVER_THRESHOLD} KPIs: this one has ${view.kpis.length}`,
    });
  if (combination.length > 0)
    throw new UnprocessableError("The amendment cannot be made as it stands", combination);

  const number = contract.amendment_count + 1;
  await repo.insertAmendment(trx, {
    authority_id: authorityId,
    contract_id: contractId,
    number,
    reason,
    value_before_pence: changes.value === null ? null : contract.value_pence,
    value_after_pence: changes.value,
    starts_on_before: changes.startsOn ? contract.starts_on : null,
    starts_on_after: changes.startsOn,
    ends_on_before: changes.endsOn ? contract.ends_on : null,
    ends_on_after: changes.endsOn,
    scope_before: changes.scope ? contract.scope : null,
    scope_after: changes.scope,
    amended_by: p.userId,
    amended_at: ctx.clock.now(),
  });
  await repo.applyTerms(trx, authorityId, contractId, {
    value_pence: newValue,
    starts_on: newStart,
    ends_on: newEnd,
    scope: changes.scope ?? contract.scope,
    amendment_count: number,
  });
  const actor = actorOf(p);
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor,
    action: "contract.amended",
    entity: { type: "contract", id: contractId },
    changes: { number, reason, ...changes },
  });
  await tellSupplier(trx, ctx, actor, authorityId, contract.organisation_id, {
    kind: "contract.amended",
    subject: `Contract amended: ${contract.title}`,
    body: `Amendment ${number} to "${contract.title}" has been recorded and published. Reason: ${reason}`,
    contractId,
  });
  return number;
}

export interface TerminationDraft {
  reason?: string;
  terminatedOn?: string;
}

/**
 * Terminates a contract from a date, with a reason, published and audited: 409 terminated or
 * ended already; 422 a date after the contract's end or before the last period reported. Periods
 * after the date fall away.
 */
export async function terminateContract(
  trx: Trx,
  ctx: Omit<ContractsContext, "db" | "files">,
  principal: Principal | null,
  authorityId: string,
  contractId: string,
  draft: TerminationDraft,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const view = await lockedView(trx, ctx.clock, p, authorityId, contractId);
  const { contract } = view;
  requireRunning(view, "terminated");
  const problems: FieldError[] = [];
  const reason = text(
    problems,
    "reason",
    draft.reason,
    CONTRACT_LIMITS.reason,
    "Give the reason for terminating the contract",
  );
  const on = dateOf(problems, "terminatedOn", draft.terminatedOn, "date the contract ends", true);
  if (problems.length > 0) throw new ValidationError("Check the termination", problems);
  const combination: FieldError[] = [];
  if (on > contract.ends_on)
    combination.push({
      field: "terminatedOn",
      message: `The contract ends on ${longDate(contract.ends_on)} anyway: a termination date must be on or before it`,
    });
  const reported = lastReportedDay(view);
  if (reported && on < reported)
    combination.push({
      field: "terminatedOn",
      message: `Performance has been reported up to ${longDate(reported)}: the termination date cannot be before it`,
    });
  if (combination.length > 0)
    throw new UnprocessableError("The termination cannot be recorded as it stands", combination);
  await repo.terminate(trx, authorityId, contractId, {
    terminated_on: on,
    termination_reason: reason,
    terminated_by: p.userId,
    terminated_at: ctx.clock.now(),
  });
  const actor = actorOf(p);
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor,
    action: "contract.terminated",
    entity: { type: "contract", id: contractId },
    changes: { terminatedOn: on, reason },
  });
  await tellSupplier(trx, ctx, actor, authorityId, contract.organisation_id, {
    kind: "contract.terminated",
    subject: `Contract terminated: ${contract.title}`,
    body: `"${contract.title}" is terminated from ${longDate(on)}. Reason: ${reason}`,
    contractId,
  });
}

// Provider views

export interface DueReport {
  contract: repo.ContractRow;
  kpi: ContractKpi;
  period: PeriodView;
}

export interface ProviderContracts {
  organisation: { id: string; name: string };
  held: (ContractView & { role: "lead" | "partner" | "subcontractor" })[];
  due: DueReport[];
}

/** Reports due or overdue in these contracts, most overdue first. */
export function dueReports(views: readonly ContractView[]): DueReport[] {
  const due: DueReport[] = [];
  for (const v of views)
    for (const kpi of v.kpis)
      for (const period of kpi.periods)
        if (period.state === "due" || period.state === "overdue")
          due.push({ contract: v.contract, kpi, period });
  return due.sort((a, b) =>
    a.period.endsOn < b.period.endsOn ? -1 : a.period.endsOn > b.period.endsOn ? 1 : 0,
  );
}

/**
 * An organisation's contracts (as the lead or a consortium member) and the KPI reports it has due
 * or overdue as the lead: for its administrators and members (and platform administrators).
 */
export async function providerContracts(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  organisationId: string,
): Promise<ProviderContracts> {
  requireRole(principal, SUPPLIER_ROLES, organisationId, "see this organisation's contracts");
  const name = isUuid(organisationId) ? await repo.organisationName(db, organisationId) : undefined;
  if (name === undefined) throw new NotFoundError("organisation");
  const rows = await repo.listContracts(db, { organisationId });
  const views = await viewsOf(db, clock, principal, rows);
  const held = views.map((v) => ({
    ...v,
    role:
      v.contract.organisation_id === organisationId
        ? ("lead" as const)
        : (v.contract.consortium.find((m) => m.organisationId === organisationId)?.role ?? "partner"),
  }));
  return {
    organisation: { id: organisationId, name },
    held,
    due: dueReports(held.filter((h) => h.role === "lead")),
  };
}

// For the regulation module

export interface HeldContract {
  authorityId: string;
  contractId: string;
  title: string;
  /** The authority's commissioners and whoever entered the contract: those to tell. */
  commissionerUserIds: string[];
  regulatedActivity: string | null;
}

/**
 * The live contracts (not ended, not terminated) an organisation holds as the lead that need one of
 * these regulated activities: for the regulation module (failing providers, cancellation).
 */
export async function contractsHeldBy(
  db: Db,
  organisationId: string,
  activities: readonly string[],
  clock: Clock = systemClock,
): Promise<HeldContract[]> {
  if (!isUuid(organisationId) || activities.length === 0) return [];
  const rows = (
    await repo.listContracts(db, { leadOrganisationId: organisationId, liveOn: today(clock) })
  ).filter((r) => r.regulated_activity !== null && activities.includes(r.regulated_activity));
  const result: HeldContract[] = [];
  for (const r of rows) {
    const commissioners = await repo.holders(db, r.authority_id, ["commissioner"]);
    result.push({
      authorityId: r.authority_id,
      contractId: r.id,
      title: r.title,
      commissionerUserIds: [...new Set([...commissioners, r.entered_by])],
      regulatedActivity: r.regulated_activity,
    });
  }
  return result;
}

export interface ContractWithRatings {
  authority: { id: string; name: string; slug: string };
  contractId: string;
  title: string;
  state: ContractState;
  startsOn: string;
  endsOn: string;
  url: string;
  kpis: {
    name: string;
    target: string;
    latest: { periodStartsOn: string; periodEndsOn: string; rating: KpiRating; ratedAt: Date } | null;
  }[];
  ratingsOverdue: boolean;
}

/** The contracts an organisation holds as the lead, with their KPI ratings (a profile panel). */
export async function providerContractsPanel(db: Db, clock: Clock, organisationId: string): Promise<Panel> {
  return {
    template: "contracts/views/partials/provider-contracts.njk",
    context: { contracts: await contractsWithRatingsOf(db, organisationId, clock) },
  };
}

/** The contracts an organisation holds as the lead, with the latest published rating of each KPI: for public provider profiles. */
export async function contractsWithRatingsOf(
  db: Db,
  organisationId: string,
  clock: Clock = systemClock,
): Promise<ContractWithRatings[]> {
  if (!isUuid(organisationId)) return [];
  const rows = await repo.listContracts(db, { leadOrganisationId: organisationId });
  const views = await viewsOf(db, clock, null, rows);
  return views.map((v) => ({
    authority: {
      id: v.contract.authority_id,
      name: v.contract.authority_name,
      slug: v.contract.authority_slug,
    },
    contractId: v.contract.id,
    title: v.contract.title,
    state: v.state,
    startsOn: v.contract.starts_on,
    endsOn: v.lastDay,
    url: pageUrl(v.contract),
    kpis: v.kpis.map((k) => {
      const period = [...k.periods].reverse().find((p) => p.rating);
      return {
        name: k.name,
        target: k.target,
        latest: period?.rating
          ? {
              periodStartsOn: period.startsOn,
              periodEndsOn: period.endsOn,
              rating: period.rating.rating,
              ratedAt: period.rating.rated_at,
            }
          : null,
      };
    }),
    ratingsOverdue: v.publication.overdue,
  }));
}

// Helpers

export function pageUrl(c: { authority_slug: string; id: string }): string {
  return `/authorities/${c.authority_slug}/contracts/${c.id}`;
}

async function tellSupplier(
  trx: Trx,
  ctx: { clock: Clock; email: boolean },
  actor: ReturnType<typeof actorOf>,
  authorityId: string,
  organisationId: string,
  message: { kind: string; subject: string; body: string; contractId: string },
): Promise<void> {
  const slug = await repo.authoritySlug(trx, authorityId);
  for (const userId of await repo.holders(trx, organisationId, SUPPLIER_ROLES))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: message.kind,
        subject: message.subject.slice(0, 200),
        body: message.body.slice(0, 10_000),
        link: slug ? `/authorities/${slug}/contracts/${message.contractId}` : null,
      },
      { email: ctx.email, actor },
    );
}

/** A period's dates as people read them. */
export function periodText(period: Pick<Period, "startsOn" | "endsOn">): string {
  return `${longDate(period.startsOn)} to ${longDate(period.endsOn)}`;
}
