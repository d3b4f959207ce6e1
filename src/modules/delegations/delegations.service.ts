/**
 * Delegation of services to neighbourhood councils (issue 21, item 6; DOMAIN.md §1 and §6, services
 * "decentralised to the lowest appropriate level"; docs/neighbourhoods.md): an authority delegates a
 * service of its register — the whole, or the part in an area — to a parish or town council or a
 * community body of the directory, with a delegated budget a year, the standards expected, a start
 * and a review date; the body reports its delivery against each standard; the authority reviews the
 * delegation (continued to a new review date, the budget changed) or ends it with reasons.
 *
 * - **Who delegates, reviews and ends**: the authority's commissioners and administrators (and
 *   platform administrators). Others signed in: 403.
 * - **Who reports**: the neighbourhood body's people (its administrators and members), and platform
 *   administrators. Others: 403.
 * - **Who sees**: everyone — every delegation, its reports and the open figures. A report holds no
 *   personal data: the person who sent it is never shown.
 * - **The review clock** (`standingOf`): active; the review is due from 30 days before the review
 *   date, that day included; the day after it, with no review recorded, the delegation is "under
 *   review" (overdue) until the authority records one.
 * - One transaction per action, with its audit record (`delegation.created`, `.reviewed`, `.ended`,
 *   `.report-submitted`), and the notices (`delegation.progressed` to the body's people,
 *   `delegation.report-submitted` to the authority's commissioners and administrators) in it.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, isIsoDate, londonInstant, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, type Pence, parseMoney } from "../../lib/money.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  actorOf,
  commissioningPeople,
  hasRole,
  isAuthorityEditor,
  organisationPeople,
  type Principal,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type Authority, authoritiesByIds, authorityById } from "../authorities/authorities.service.ts";
import { COMMUNITY_SECTORS } from "../community-assets/community-assets.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { effectiveSectorOf, organisationsByIds } from "../organisations/organisations.service.ts";
import { annualCostByAuthority, registerOf, serviceOf } from "../services/services.service.ts";
import { findArea, listAreas } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./delegations.repository.ts";
import { type Delegation, type DelegationReport, RATINGS, type Rating } from "./delegations.table.ts";

export const LIMITS = { standard: 500, standards: 20, note: 5000, delivered: 5000 } as const;
/** The review is due from this many days before its date (a task in "Your work"). */
export const REVIEW_NOTICE_DAYS = 30;
/** How many delegations a list shows. */
export const LIST_ROWS = 500;

const BODY_ROLES = ["organisation-admin", "organisation-member", "platform-admin"] as const;

// The review clock

/** Where a delegation stands on a London day. */
export type Standing = "active" | "review-due" | "under-review" | "ended";

/** The first day the review is due (30 days before the review date, counted with it). */
export function reviewDueFrom(reviewOn: string): string {
  return addDays(reviewOn, -REVIEW_NOTICE_DAYS);
}

export function standingOf(d: Pick<Delegation, "status" | "review_on">, today: string): Standing {
  if (d.status === "ended") return "ended";
  if (today > d.review_on) return "under-review";
  if (today >= reviewDueFrom(d.review_on)) return "review-due";
  return "active";
}

/** The status people read: active (the review due soon is still active), under review, ended. */
export function statusOf(standing: Standing): "active" | "under-review" | "ended" {
  return standing === "review-due" ? "active" : standing;
}

// Who may

function requireAuthorityPeople(p: Principal, authorityId: string): void {
  if (!isAuthorityEditor(p, authorityId))
    throw new ForbiddenError(
      msg`Only the authority's commissioners and administrators delegate its services, review and end delegations.`,
    );
}

function isBodyPerson(p: Principal | null, organisationId: string): boolean {
  return hasRole(p, BODY_ROLES, organisationId);
}

const NOT_THE_BODY = () =>
  msg`Only the people of the council or body the service is delegated to report its delivery.`;

// Checking what was sent

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

function refuseIf(problems: FieldError[]): void {
  if (problems.length > 0) throw new ValidationError(problems[0]?.message ?? "", problems);
}

function day(problems: FieldError[], field: string, value: unknown): string {
  const v = text(value);
  if (!isIsoDate(v)) problems.push({ field, message: msg`Enter a real date, for example 1 4 2027` });
  return v;
}

function budgetOf(problems: FieldError[], field: string, value: unknown, zero = false): Pence {
  const parsed = parseMoney(text(value));
  if (!parsed.ok) {
    problems.push({ field, message: parsed.error });
    return 0n as Pence;
  }
  if (zero ? parsed.value < 0n : parsed.value <= 0n)
    problems.push({
      field,
      message: zero ? msg`Enter an amount of £0.00 or more` : msg`Enter an amount more than £0.00`,
    });
  return parsed.value;
}

function note(problems: FieldError[], field: string, value: unknown, message: string): string {
  const v = text(value);
  if (v === "" || v.length > LIMITS.note) problems.push({ field, message });
  return v;
}

/** The standards sent: a list, or one a line. */
function standardsOf(problems: FieldError[], value: unknown): string[] {
  const list = (Array.isArray(value) ? value : text(value).split(/\r?\n/))
    .map((s) => text(s))
    .filter((s) => s !== "");
  if (list.length === 0 || list.length > LIMITS.standards || list.some((s) => s.length > LIMITS.standard))
    problems.push({
      field: "standards",
      message: msg`Enter the standards expected, one a line: between 1 and ${LIMITS.standards}, each in ${LIMITS.standard} characters or fewer`,
    });
  return list;
}

// Views

export interface DelegationView {
  delegation: Delegation;
  authority: Pick<Authority, "id" | "name" | "slug">;
  serviceName: string;
  organisationName: string;
  areaName: string | null;
  standing: Standing;
  status: "active" | "under-review" | "ended";
  reviewDueFrom: string;
}

export interface ReportView extends DelegationReport {
  /** Each standard with the body's rating and note. */
  against: { standard: string; rating: Rating; note: string }[];
}

export interface DelegationPage extends DelegationView {
  reports: ReportView[];
  /** The viewer may review and end it. */
  manages: boolean;
  /** The viewer may report delivery. */
  mayReport: boolean;
}

async function viewsOf(ctx: Ctx, rows: readonly Delegation[]): Promise<DelegationView[]> {
  if (rows.length === 0) return [];
  const today = londonToday(ctx.clock);
  const [authorities, organisations] = await Promise.all([
    authoritiesByIds(ctx.db, [...new Set(rows.map((d) => d.authority_id))]),
    organisationsByIds(ctx.db, [...new Set(rows.map((d) => d.organisation_id))]),
  ]);
  const services = new Map<string, string>();
  for (const authorityId of new Set(rows.map((d) => d.authority_id)))
    for (const s of await registerOf(ctx, authorityId)) services.set(s.id, s.name);
  const areas = new Map<string, string>();
  for (const code of new Set(rows.map((d) => d.area_code).filter((c): c is string => c !== null)))
    areas.set(code, (await findArea(ctx.db, code))?.name ?? code);
  return rows.map((d) => {
    const a = authorities.get(d.authority_id);
    const standing = standingOf(d, today);
    return {
      delegation: d,
      authority: { id: d.authority_id, name: a?.name ?? "", slug: a?.slug ?? "" },
      serviceName: services.get(d.service_id) ?? "",
      organisationName: organisations.get(d.organisation_id)?.name ?? "",
      areaName: d.area_code === null ? null : (areas.get(d.area_code) ?? d.area_code),
      standing,
      status: statusOf(standing),
      reviewDueFrom: reviewDueFrom(d.review_on),
    };
  });
}

async function found(ctx: Ctx, id: string, opts: { lock?: boolean } = {}): Promise<Delegation> {
  const d = isUuid(id) ? await repo.delegationById(ctx.db, id, opts) : undefined;
  if (!d) throw new NotFoundError("delegation");
  return d;
}

function reportView(d: Delegation, r: DelegationReport): ReportView {
  return {
    ...r,
    against: d.standards.map((standard, i) => ({
      standard,
      rating: r.ratings[i] ?? "not-met",
      note: r.notes[i] ?? "",
    })),
  };
}

/** A delegation with its reports, as the viewer may act on it. Anyone. */
export async function delegationPage(ctx: Ctx, id: string): Promise<DelegationPage> {
  const d = await found(ctx, id);
  const [view] = await viewsOf(ctx, [d]);
  const reports = await repo.reportsOf(ctx.db, d.authority_id, d.id);
  return {
    ...(view as DelegationView),
    reports: reports.map((r) => reportView(d, r)),
    manages: isAuthorityEditor(ctx.principal, d.authority_id),
    mayReport: isBodyPerson(ctx.principal, d.organisation_id),
  };
}

// The open figures

export interface Figures {
  /** The registers' annual cost, in pence. */
  registerCost: bigint;
  /** The delegated budgets a year of the delegations not ended, in pence. */
  delegated: bigint;
  /** `delegated` as basis points of `registerCost`, rounded half up; null when the register costs nothing. */
  shareBp: number | null;
  shareText: string | null;
  services: number;
  bodies: number;
}

export interface AuthorityFigures extends Figures {
  authority: Pick<Authority, "id" | "name" | "slug">;
}

/** The share in basis points, rounded half up: 85,000 of 35,600,000 is 24 (0.24%). */
export function shareInBasisPoints(delegated: bigint, registerCost: bigint): number | null {
  return registerCost > 0n ? Number((delegated * 20_000n + registerCost) / (2n * registerCost)) : null;
}

function figuresOf(registerCost: bigint, live: repo.LiveTotals | undefined): Figures {
  const delegated = live?.budgetPence ?? 0n;
  const shareBp = shareInBasisPoints(delegated, registerCost);
  return {
    registerCost,
    delegated,
    shareBp,
    shareText: shareBp === null ? null : formatPercent(shareBp),
    services: live?.services ?? 0,
    bodies: live?.bodies ?? 0,
  };
}

export interface Overview {
  /** The authority shown, when the list is filtered by one. */
  authority: Pick<Authority, "id" | "name" | "slug"> | null;
  overall: Figures;
  /** Each authority with a delegation, by name. */
  byAuthority: AuthorityFigures[];
  delegations: DelegationView[];
}

/**
 * How much is decided at the lowest level (anyone): over all registers and per authority that has
 * delegated, the delegated budgets of the delegations not ended as a share of the register's annual
 * cost; the services delegated and the bodies they are delegated to; and the delegations, of one
 * authority when asked (404 for an unknown one).
 */
export async function overview(ctx: Ctx, authorityId?: string): Promise<Overview> {
  const authority = authorityId ? await authorityById(ctx.db, authorityId) : null;
  const [shown, totals, costs] = await Promise.all([
    repo.listDelegations(ctx.db, authority ? { authorityId: authority.id } : {}, LIST_ROWS),
    repo.liveTotals(ctx.db),
    annualCostByAuthority(ctx),
  ]);
  const total = [...costs.values()].reduce((s, c) => s + c, 0n);
  const authorities = await authoritiesByIds(ctx.db, [...totals.byAuthority.keys()]);
  const byAuthority = [...authorities.values()]
    .map((a) => ({
      ...figuresOf(costs.get(a.id) ?? 0n, totals.byAuthority.get(a.id)),
      authority: { id: a.id, name: a.name, slug: a.slug },
    }))
    .sort((x, y) => x.authority.name.localeCompare(y.authority.name));
  return {
    authority: authority ? { id: authority.id, name: authority.name, slug: authority.slug } : null,
    overall: figuresOf(total, totals.overall),
    byAuthority,
    delegations: await viewsOf(ctx, shown),
  };
}

/** What the form to delegate offers: the register's services, the areas, the bodies. Its people only (403). */
export async function delegateFormFor(ctx: Ctx, authorityId: string) {
  requireAuthorityPeople(requireSignedIn(ctx.principal), authorityId);
  const [services, areas] = await Promise.all([registerOf(ctx, authorityId), listAreas(ctx.db)]);
  return {
    services: services.map((s) => ({ id: s.id, name: s.name })),
    areas: areas.map((a) => ({ code: a.code, name: a.name })),
  };
}

// Actions

export interface DelegateInput {
  serviceId?: string;
  areaCode?: string;
  organisationId?: string;
  budget?: string;
  standards?: string | string[];
  startsOn?: string;
  reviewOn?: string;
}

async function tellBody(trx: Trx, ctx: Ctx, d: Delegation, subject: string, body: string): Promise<void> {
  for (const userId of await organisationPeople(trx, d.organisation_id)) {
    if (userId === ctx.principal?.userId) continue;
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: d.authority_id,
        organisationId: d.organisation_id,
        kind: "delegation.progressed",
        subject: subject.slice(0, 200),
        body,
        link: `/delegations/${d.id}`,
      },
      { email: true, actor: actorOf(ctx.principal) },
    );
  }
}

/**
 * Delegates a service of the authority's register (the whole, or the part in an area) to a parish
 * or town council or a community body: the authority's people. 404 for a service of another
 * authority; 400 naming each field (a body not of a community sector: who may take a delegation);
 * 409 when the service is delegated for that area already. Audited; the body's people told.
 */
export async function delegate(
  ctx: Ctx,
  authorityId: string,
  input: DelegateInput,
  opts: { id?: string } = {},
): Promise<DelegationView> {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  requireAuthorityPeople(p, authority.id);
  const serviceId = text(input.serviceId);
  if (!isUuid(serviceId)) {
    const message = msg`Choose a service of the register to delegate`;
    throw new ValidationError(message, [{ field: "serviceId", message }]);
  }
  // A service of another authority's register: 404.
  const service = await serviceOf(ctx, authority.id, serviceId);
  const problems: FieldError[] = [];
  const areaCode = text(input.areaCode).toUpperCase();
  const area = areaCode === "" ? null : await findArea(ctx.db, areaCode).catch(() => undefined);
  if (area === undefined)
    problems.push({
      field: "areaCode",
      message: msg`Choose an area of the areas list, or none for the whole service`,
    });
  const organisationId = text(input.organisationId);
  const sector = isUuid(organisationId) ? await effectiveSectorOf(ctx.db, organisationId) : undefined;
  if (!sector || !(COMMUNITY_SECTORS as readonly string[]).includes(sector))
    problems.push({
      field: "organisationId",
      message: msg`A service is delegated to a parish or town council or a community body of the directory (a voluntary or community group, a charity, a social enterprise or a co-operative): choose one by its directory id`,
    });
  const budget = budgetOf(problems, "budget", input.budget);
  const standards = standardsOf(problems, input.standards);
  const startsOn = day(problems, "startsOn", input.startsOn);
  const reviewOn = day(problems, "reviewOn", input.reviewOn);
  if (isIsoDate(startsOn) && isIsoDate(reviewOn) && reviewOn <= startsOn)
    problems.push({ field: "reviewOn", message: msg`The review date must be after the start date` });
  refuseIf(problems);
  const now = ctx.clock.now();
  const row = await transaction(ctx.db, async (trx) => {
    const other = await repo.activeFor(trx, authority.id, service.id, area?.code ?? null);
    if (other)
      throw new ConflictError(
        area
          ? msg`${service.name} is delegated in ${area.name} already: end or review that delegation first.`
          : msg`${service.name} is delegated as a whole already: end or review that delegation first.`,
      );
    const inserted = await repo.insertDelegation(trx, {
      authority_id: authority.id,
      id: opts.id ?? newId(),
      service_id: service.id,
      area_code: area?.code ?? null,
      organisation_id: organisationId,
      budget_pence: budget,
      standards,
      starts_on: startsOn,
      review_on: reviewOn,
      status: "active",
      last_reviewed_on: null,
      review_note: null,
      ended_on: null,
      end_reasons: null,
      created_by: p.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: authority.id,
      actor: actorOf(p),
      action: "delegation.created",
      entity: { type: "delegation", id: inserted.id },
      changes: {
        serviceId: service.id,
        areaCode: area?.code ?? null,
        organisationId,
        budgetPence: String(budget),
        standards,
        startsOn,
        reviewOn,
      },
    });
    await tellBody(
      trx,
      ctx,
      inserted,
      msg`${authority.name} delegates ${service.name} to you`,
      msg`${authority.name} delegates ${service.name}${area ? msg` in ${area.name}` : ""} to you from ${longDate(startsOn)}, with a budget of ${formatPence(budget)} a year. It will be reviewed by ${longDate(reviewOn)}. The standards expected are on the delegation's page, where you report your delivery.`,
    );
    return inserted;
  });
  const [v] = await viewsOf(ctx, [row]);
  return v as DelegationView;
}

export const REVIEW_OUTCOMES = ["continued", "changed", "ended"] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface ReviewInput {
  outcome?: string;
  note?: string;
  nextReviewOn?: string;
  budget?: string;
}

/** The ending of a delegation, in the action's transaction: audited, the body's people told. */
async function endIn(
  trx: Trx,
  ctx: Ctx,
  p: Principal,
  d: Delegation,
  reasons: string,
  today: string,
  reviewed: boolean,
): Promise<void> {
  const ended = await repo.updateDelegation(trx, d.authority_id, d.id, {
    status: "ended",
    ended_on: today,
    end_reasons: reasons,
    ...(reviewed ? { last_reviewed_on: today, review_note: reasons } : {}),
    updated_at: ctx.clock.now(),
  });
  await recordAudit(trx, ctx.clock, {
    authorityId: d.authority_id,
    actor: actorOf(p),
    action: "delegation.ended",
    entity: { type: "delegation", id: d.id },
    changes: { endedOn: today, reasons, onReview: reviewed },
  });
  const [v] = await viewsOf({ ...ctx, db: trx }, [ended]);
  await tellBody(
    trx,
    ctx,
    ended,
    msg`${v?.authority.name ?? ""} ends its delegation of ${v?.serviceName ?? ""}`,
    msg`${v?.authority.name ?? ""} ends its delegation of ${v?.serviceName ?? ""} to you on ${longDate(today)}. Its reasons: ${reasons}`,
  );
}

/** The delegation for an action of the authority: 404 unknown, 403 not its people, 409 ended. */
async function toManage(ctx: Ctx, id: string): Promise<{ p: Principal; d: Delegation }> {
  const p = requireSignedIn(ctx.principal);
  const d = await found(ctx, id);
  requireAuthorityPeople(p, d.authority_id);
  if (d.status === "ended")
    throw new ConflictError(
      msg`This delegation ended on ${longDate(d.ended_on)}: delegate the service again instead.`,
    );
  return { p, d };
}

/** A delegation for the review and end forms: its authority's people only (403), not ended (409). */
export async function delegationToManage(ctx: Ctx, id: string): Promise<DelegationPage> {
  const { d } = await toManage(ctx, id);
  return delegationPage(ctx, d.id);
}

/** A delegation for the report form: the body's people only (403). */
export async function delegationToReport(ctx: Ctx, id: string): Promise<DelegationPage> {
  const p = requireSignedIn(ctx.principal);
  const d = await found(ctx, id);
  if (!isBodyPerson(p, d.organisation_id)) throw new ForbiddenError(NOT_THE_BODY());
  return delegationPage(ctx, d.id);
}

/**
 * The authority's review (its people): continued to a new review date with a note, the budget
 * changed (with a new review date), or ended with the note as its reasons. Audited
 * (`delegation.reviewed`, or `delegation.ended`); the body's people told.
 */
export async function reviewDelegation(ctx: Ctx, id: string, input: ReviewInput): Promise<DelegationPage> {
  const { p, d } = await toManage(ctx, id);
  const today = londonToday(ctx.clock);
  const problems: FieldError[] = [];
  const outcome = text(input.outcome) as ReviewOutcome;
  if (!(REVIEW_OUTCOMES as readonly string[]).includes(outcome))
    problems.push({
      field: "outcome",
      message: msg`Choose the review's outcome: continued, the budget changed, or ended`,
    });
  const reviewNote = note(
    problems,
    "note",
    input.note,
    msg`Say what the review found, in ${LIMITS.note} characters or fewer`,
  );
  let nextReviewOn = "";
  if (outcome !== "ended") {
    nextReviewOn = day(problems, "nextReviewOn", input.nextReviewOn);
    if (isIsoDate(nextReviewOn) && nextReviewOn <= today)
      problems.push({ field: "nextReviewOn", message: msg`The next review date must be after today` });
  }
  const budget = outcome === "changed" ? budgetOf(problems, "budget", input.budget) : d.budget_pence;
  refuseIf(problems);
  await transaction(ctx.db, async (trx) => {
    const locked = await found({ ...ctx, db: trx }, d.id, { lock: true });
    if (locked.status === "ended") throw new ConflictError(msg`This delegation has ended already.`);
    if (outcome === "ended") return endIn(trx, ctx, p, locked, reviewNote, today, true);
    const changed = await repo.updateDelegation(trx, d.authority_id, d.id, {
      review_on: nextReviewOn,
      last_reviewed_on: today,
      review_note: reviewNote,
      budget_pence: budget,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: d.authority_id,
      actor: actorOf(p),
      action: "delegation.reviewed",
      entity: { type: "delegation", id: d.id },
      changes: {
        outcome,
        reviewedOn: today,
        nextReviewOn,
        budgetPence: String(budget),
        previousBudgetPence: String(locked.budget_pence),
        note: reviewNote,
      },
    });
    const [v] = await viewsOf({ ...ctx, db: trx }, [changed]);
    await tellBody(
      trx,
      ctx,
      changed,
      msg`${v?.authority.name ?? ""} reviews its delegation of ${v?.serviceName ?? ""}`,
      outcome === "changed"
        ? msg`${v?.authority.name ?? ""} reviewed the delegation on ${longDate(today)} and changed its budget to ${formatPence(budget)} a year. The next review is by ${longDate(nextReviewOn)}. ${reviewNote}`
        : msg`${v?.authority.name ?? ""} reviewed the delegation on ${longDate(today)}: it continues, and the next review is by ${longDate(nextReviewOn)}. ${reviewNote}`,
    );
  });
  return delegationPage(ctx, d.id);
}

/** Ends a delegation today with reasons (the authority's people). Audited; the body's people told. */
export async function endDelegation(
  ctx: Ctx,
  id: string,
  input: { reasons?: string },
): Promise<DelegationPage> {
  const { p, d } = await toManage(ctx, id);
  const problems: FieldError[] = [];
  const reasons = note(
    problems,
    "reasons",
    input.reasons,
    msg`Give the reasons for ending the delegation, in ${LIMITS.note} characters or fewer`,
  );
  refuseIf(problems);
  const today = londonToday(ctx.clock);
  await transaction(ctx.db, async (trx) => {
    const locked = await found({ ...ctx, db: trx }, d.id, { lock: true });
    if (locked.status === "ended") throw new ConflictError(msg`This delegation has ended already.`);
    await endIn(trx, ctx, p, locked, reasons, today, false);
  });
  return delegationPage(ctx, d.id);
}

export interface ReportInput {
  from?: string;
  to?: string;
  delivered?: string;
  spent?: string;
  /** Against each standard, in order: met, partly or not-met. */
  ratings?: string[];
  notes?: string[];
}

/**
 * The neighbourhood body's report of delivery (its people): a period within the delegation and not
 * after today, what was delivered, the money spent, and against each standard met, partly met or not
 * met with a note. Audited; the authority's commissioners and administrators told.
 */
export async function submitReport(ctx: Ctx, id: string, input: ReportInput): Promise<DelegationPage> {
  const p = requireSignedIn(ctx.principal);
  const d = await found(ctx, id);
  if (!isBodyPerson(p, d.organisation_id)) throw new ForbiddenError(NOT_THE_BODY());
  const today = londonToday(ctx.clock);
  const problems: FieldError[] = [];
  const from = day(problems, "from", input.from);
  const to = day(problems, "to", input.to);
  if (isIsoDate(from) && from < d.starts_on)
    problems.push({ field: "from", message: msg`The period cannot start before ${longDate(d.starts_on)}` });
  if (isIsoDate(to) && to > today)
    problems.push({ field: "to", message: msg`The period cannot end after today` });
  else if (isIsoDate(from) && isIsoDate(to) && to < from)
    problems.push({ field: "to", message: msg`The end of the period must be on or after its start` });
  const delivered = text(input.delivered);
  if (delivered === "" || delivered.length > LIMITS.delivered)
    problems.push({
      field: "delivered",
      message: msg`Say what was delivered in the period, in ${LIMITS.delivered} characters or fewer`,
    });
  const spent = budgetOf(problems, "spent", input.spent, true);
  const ratings: Rating[] = [];
  const notes: string[] = [];
  d.standards.forEach((_, i) => {
    const rating = text(input.ratings?.[i]) as Rating;
    if (!(RATINGS as readonly string[]).includes(rating))
      problems.push({
        field: `rating-${i}`,
        message: msg`Say whether standard ${i + 1} was met, partly met or not met`,
      });
    const n = text(input.notes?.[i]);
    if (n.length > LIMITS.standard)
      problems.push({
        field: `note-${i}`,
        message: msg`Keep the note in ${LIMITS.standard} characters or fewer`,
      });
    ratings.push(rating);
    notes.push(n);
  });
  refuseIf(problems);
  const now = ctx.clock.now();
  await transaction(ctx.db, async (trx) => {
    const locked = await found({ ...ctx, db: trx }, d.id, { lock: true });
    const report = await repo.insertReport(trx, {
      authority_id: locked.authority_id,
      id: newId(),
      delegation_id: locked.id,
      period_from: from,
      period_to: to,
      delivered,
      spent_pence: spent,
      ratings,
      notes,
      submitted_by: p.userId,
      submitted_at: now,
    });
    await repo.updateDelegation(trx, locked.authority_id, locked.id, { updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId: locked.authority_id,
      actor: actorOf(p),
      action: "delegation.report-submitted",
      entity: { type: "delegation", id: locked.id },
      changes: { reportId: report.id, from, to, spentPence: String(spent), ratings },
    });
    const [v] = await viewsOf({ ...ctx, db: trx }, [locked]);
    for (const userId of await commissioningPeople(trx, locked.authority_id))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId: locked.authority_id,
          kind: "delegation.report-submitted",
          subject: msg`${v?.organisationName ?? ""} reports its delivery of ${v?.serviceName ?? ""}`.slice(
            0,
            200,
          ),
          body: msg`${v?.organisationName ?? ""} reported its delivery of ${v?.serviceName ?? ""} from ${longDate(from)} to ${longDate(to)}: ${formatPence(spent)} spent, ${ratings.filter((r) => r === "met").length} of ${ratings.length} standards met.`,
          link: `/delegations/${locked.id}`,
        },
        { email: true, actor: actorOf(p) },
      );
  });
  return delegationPage(ctx, d.id);
}

// For other modules (through the services' port, the open data, "Your work")

/** Who controls a service: its delegations not ended, as a section of the service's page (servicePanels). */
export async function serviceDelegationsPanel(
  db: Db,
  clock: Clock,
  service: { authorityId: string; serviceId: string },
): Promise<Panel> {
  const ctx: Ctx = { db, clock, principal: null };
  const rows = await repo.listDelegations(db, service, LIST_ROWS);
  const delegations = (await viewsOf(ctx, rows)).filter((v) => v.status !== "ended");
  return {
    template: "delegations/views/service-panel.njk",
    context: {
      delegations: delegations.map((v) => ({
        ...v,
        budgetText: formatPence(v.delegation.budget_pence),
        // Noon in London on the review date: shown as that day in the page's language.
        reviewAt: londonInstant(v.delegation.review_on, 12, 0),
      })),
    },
  };
}

/** Who controls each service of a register: the bodies of its delegations not ended (the register's list). */
export async function registerControllers(
  db: Db,
  clock: Clock,
  authorityId: string,
): Promise<Record<string, string[]>> {
  const rows = await repo.listDelegations(db, { authorityId }, LIST_ROWS);
  const views = await viewsOf({ db, clock, principal: null }, rows);
  const out: Record<string, string[]> = {};
  for (const v of views) {
    if (v.status === "ended") continue;
    const who = v.areaName ? `${v.organisationName} (${v.areaName})` : v.organisationName;
    out[v.delegation.service_id] = [...(out[v.delegation.service_id] ?? []), who];
  }
  return out;
}

/** One page of every delegation in key order after `after` (the open data). Public. */
export async function delegationsAfter(
  ctx: Ctx,
  after: string | undefined,
  limit: number,
): Promise<DelegationView[]> {
  return viewsOf(ctx, await repo.delegationsAfter(ctx.db, after, limit));
}

export function latestDelegationChange(ctx: Pick<Ctx, "db">): Promise<Date | null> {
  return repo.latestChange(ctx.db);
}

/** The authorities' delegations whose review is due within 30 days or overdue, soonest first ("Your work"). */
export function reviewsDueOf(
  ctx: Ctx,
  authorityIds: readonly string[],
  limit: number,
): Promise<Delegation[]> {
  return repo.reviewsDue(ctx.db, authorityIds, addDays(londonToday(ctx.clock), REVIEW_NOTICE_DAYS), limit);
}

export { viewsOf as delegationViews };
