/**
 * Community budgets (issue 21, item 4; DOMAIN.md §6; docs/community-budgets.md): partners — councils,
 * NHS bodies, police and other public bodies of the platform — pool money for an area and a purpose,
 * in a pool held by an accountable authority (the tenant). Every contribution and every spend is a
 * journal of the double-entry ledger (ledger.ts) in pence that always balances; each spend is split
 * across the partners pro rata to what each has put in by then, and never more than a partner has
 * left nor than the pool holds (409 naming the shortfall).
 *
 * - **Who sets up and spends**: the accountable authority's commissioners and administrators (and
 *   platform administrators) create a pool, add its partners and record its spends. Others: 403.
 * - **Who contributes**: a partner's commissioners and administrators record their own authority's
 *   contributions. Others: 403.
 * - **Who sees**: everyone sees a pool's summary — totals per partner and per kind of spend — and
 *   each partner's report ("what your money did"); a payee who is a person is named to the pool's
 *   people only (the accountable authority's and the partners' commissioners and administrators),
 *   who also see each contribution's reference.
 * - Entries are kept in date order: one dated before the pool's latest entry is refused (409), so a
 *   spend's split is always worked out on everything put in up to its day.
 * - One transaction per action, with its audit record (`community-budget.*`).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, type Pence, parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  commissioningPeople,
  isAuthorityEditor,
  type Principal,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  type Authority,
  authoritiesByIds,
  authorityById,
  listAuthorities,
} from "../authorities/authorities.service.ts";
import { applicationOf } from "../grants/grants.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { findArea, listAreas } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./community-budgets.repository.ts";
import {
  type CommunityBudgetJournalsTable,
  type Journal,
  type Partner,
  type Pool,
  SPEND_KINDS,
  type SpendKind,
} from "./community-budgets.table.ts";
import {
  cashOf,
  contributionJournal,
  type Line,
  type Position,
  planSpend,
  positionsOf,
  spendJournal,
} from "./ledger.ts";

export const LIMITS = { name: 200, purpose: 2000, reference: 100, payee: 200, description: 2000 } as const;
/** How many pools the list shows. */
export const POOLS_SHOWN = 200;

// Who may

/** The pool's people: the accountable authority's and every partner's commissioners and administrators. */
function isPoolPerson(p: Principal | null, pool: Pool, partners: readonly Partner[]): boolean {
  return (
    isAuthorityEditor(p, pool.authority_id) ||
    partners.some((x) => isAuthorityEditor(p, x.partner_authority_id))
  );
}

function requireAccountable(p: Principal, pool: Pick<Pool, "authority_id">): void {
  if (!isAuthorityEditor(p, pool.authority_id))
    throw new ForbiddenError(
      msg`Only the accountable authority's commissioners and administrators set up a community budget, add its partners and record its spending.`,
    );
}

// Checking what was sent

function text(value: string | undefined): string {
  return (value ?? "").trim();
}

function refuseIf(problems: FieldError[]): void {
  if (problems.length > 0) throw new ValidationError(problems[0]?.message ?? "", problems);
}

function need(
  problems: FieldError[],
  field: string,
  value: string | undefined,
  limit: number,
  message: string,
) {
  const v = text(value);
  if (v === "" || v.length > limit) problems.push({ field, message });
  return v;
}

function amountOf(problems: FieldError[], field: string, value: string | undefined): Pence {
  const parsed = parseMoney(value ?? "");
  if (!parsed.ok) {
    problems.push({ field, message: parsed.error });
    return 0n as Pence;
  }
  if (parsed.value <= 0n) problems.push({ field, message: msg`Enter an amount more than £0.00` });
  return parsed.value;
}

/** A day sent (YYYY-MM-DD): real, not in the future. */
function dayOf(problems: FieldError[], field: string, value: string | undefined, today: string): string {
  const v = text(value);
  if (!isIsoDate(v)) problems.push({ field, message: msg`Enter a real date, for example 3 3 2027` });
  else if (v > today) problems.push({ field, message: msg`The date cannot be in the future` });
  return v;
}

// Views

export interface PartnerSummary extends Position {
  name: string;
  slug: string;
  agreed: bigint | null;
}

export interface EntryView {
  id: string;
  kind: Journal["kind"];
  on: string;
  /** Pence; a reversal's negative (it takes back the entry it reverses). */
  amount: bigint;
  /** A reversal: the entry it reverses, and why. */
  reversesId: string | null;
  reversalReasons: string | null;
  /** The reversal of this entry, if it has been reversed. */
  reversedBy: { id: string; on: string; reasons: string } | null;
  /** The viewer may reverse it now (the accountable authority's people; not a reversal, not reversed). */
  mayReverse: boolean;
  partnerId: string | null;
  partnerName: string | null;
  /** A contribution's reference: the pool's people only. */
  reference: string | null;
  spendKind: SpendKind | null;
  /** The payee; null when a person and the viewer is not one of the pool's people. */
  payee: string | null;
  payeeIsPerson: boolean | null;
  description: string | null;
  grantId: string | null;
  grantProgrammeId: string | null;
  /** Each partner's part of a spend (in the partners' order). */
  parts: { partnerId: string; amount: bigint }[];
}

export interface PoolView {
  pool: Pool;
  authority: Pick<Authority, "id" | "name" | "slug">;
  areaName: string;
  partners: PartnerSummary[];
  totals: { contributed: bigint; spent: bigint; cash: bigint };
  /** Spent per kind of spend, every kind shown. */
  byKind: { kind: SpendKind; spent: bigint }[];
  entries: EntryView[];
  /** The viewer is one of the pool's people. */
  member: boolean;
  /** The viewer may set up partners and record spends. */
  accountable: boolean;
  /** The partners the viewer may record a contribution for. */
  contributesFor: string[];
}

async function viewOf(ctx: Ctx, pool: Pool): Promise<PoolView> {
  const [partners, journals, lines, area] = await Promise.all([
    repo.partnersOf(ctx.db, pool.authority_id, pool.id),
    repo.journalsOf(ctx.db, pool.authority_id, pool.id),
    repo.linesOf(ctx.db, pool.authority_id, pool.id),
    findArea(ctx.db, pool.area_code),
  ]);
  const authorities = await authoritiesByIds(ctx.db, [
    pool.authority_id,
    ...partners.map((x) => x.partner_authority_id),
  ]);
  const partnerIds = partners.map((x) => x.partner_authority_id);
  const ledger: Line[] = lines.map((l) => ({
    account: l.account,
    partnerId: l.partner_authority_id,
    amount: l.amount_pence,
  }));
  const positions = positionsOf(partnerIds, ledger);
  const member = isPoolPerson(ctx.principal, pool, partners);
  const linesByJournal = new Map<string, typeof lines>();
  for (const l of lines) linesByJournal.set(l.journal_id, [...(linesByJournal.get(l.journal_id) ?? []), l]);
  const accountable = isAuthorityEditor(ctx.principal, pool.authority_id);
  /** Each reversed entry's reversal, by the entry's id. */
  const reversalOf = new Map<string, Journal>();
  for (const j of journals) if (j.reverses_journal_id) reversalOf.set(j.reverses_journal_id, j);
  const reversedBy = (id: string) => {
    const r = reversalOf.get(id);
    return r ? { id: r.id, on: r.on_date, reasons: r.reversal_reasons ?? "" } : null;
  };
  const entries: EntryView[] = journals.map((j) => ({
    id: j.id,
    kind: j.kind,
    on: j.on_date,
    amount: j.reverses_journal_id ? -j.amount_pence : j.amount_pence,
    reversesId: j.reverses_journal_id,
    reversalReasons: j.reversal_reasons,
    reversedBy: reversedBy(j.id),
    mayReverse: accountable && !j.reverses_journal_id && !reversalOf.has(j.id),
    partnerId: j.partner_authority_id,
    partnerName: j.partner_authority_id ? (authorities.get(j.partner_authority_id)?.name ?? null) : null,
    reference: member ? j.reference : null,
    spendKind: j.spend_kind,
    payee: j.payee_is_person && !member ? null : j.payee,
    payeeIsPerson: j.payee_is_person,
    description: j.description,
    grantId: j.grant_id,
    grantProgrammeId: j.grant_programme_id,
    parts:
      j.kind === "spend"
        ? (linesByJournal.get(j.id) ?? [])
            .filter((l) => l.account === "spent")
            .map((l) => ({ partnerId: l.partner_authority_id as string, amount: l.amount_pence }))
        : [],
  }));
  const owner = authorities.get(pool.authority_id);
  return {
    pool,
    authority: { id: pool.authority_id, name: owner?.name ?? "", slug: owner?.slug ?? "" },
    areaName: area?.name ?? pool.area_code,
    partners: positions.map((x, i) => {
      const a = authorities.get(x.partnerId);
      return { ...x, name: a?.name ?? "", slug: a?.slug ?? "", agreed: partners[i]?.agreed_pence ?? null };
    }),
    totals: {
      contributed: positions.reduce((s, x) => s + x.contributed, 0n),
      spent: positions.reduce((s, x) => s + x.spent, 0n),
      cash: cashOf(ledger),
    },
    byKind: SPEND_KINDS.map((kind) => ({
      kind,
      spent: entries.filter((e) => e.spendKind === kind).reduce((s, e) => s + e.amount, 0n),
    })),
    entries,
    member,
    accountable,
    contributesFor: partnerIds.filter((id) => isAuthorityEditor(ctx.principal, id)),
  };
}

async function poolFor(ctx: Ctx, poolId: string, opts: { lock?: boolean } = {}): Promise<Pool> {
  const pool = isUuid(poolId) ? await repo.poolById(ctx.db, poolId, opts) : undefined;
  if (!pool) throw new NotFoundError("community budget");
  return pool;
}

/** A pool with its summary and entries, as the viewer may see it. Anyone. */
export async function poolView(ctx: Ctx, poolId: string): Promise<PoolView> {
  return viewOf(ctx, await poolFor(ctx, poolId));
}

/** Every pool (newest first), with its summary. Anyone. */
export async function listPools(ctx: Ctx): Promise<PoolView[]> {
  const pools = await repo.listPools(ctx.db, POOLS_SHOWN);
  const out: PoolView[] = [];
  for (const pool of pools) out.push(await viewOf(ctx, pool));
  return out;
}

export interface PartnerReport {
  view: PoolView;
  partner: PartnerSummary;
  contributions: EntryView[];
  /** Each spend with the partner's part of it. */
  spends: (EntryView & { share: bigint })[];
}

/** "What your money did": one partner's contributions, its part of each spend, its balance. Anyone. */
export async function partnerReport(
  ctx: Ctx,
  poolId: string,
  partnerAuthorityId: string,
): Promise<PartnerReport> {
  const view = await poolView(ctx, poolId);
  const partner = view.partners.find((x) => x.partnerId === partnerAuthorityId);
  if (!partner) throw new NotFoundError("partner of this community budget");
  return {
    view,
    partner,
    contributions: view.entries.filter((e) => e.kind === "contribution" && e.partnerId === partner.partnerId),
    spends: view.entries
      .filter((e) => e.kind === "spend")
      .map((e) => ({ ...e, share: e.parts.find((x) => x.partnerId === partner.partnerId)?.amount ?? 0n }))
      .filter((e) => e.share !== 0n),
  };
}

/** What the form for a new pool offers (the areas): the authority's commissioners and administrators only (403). */
export async function poolFormFor(
  ctx: Ctx,
  authorityId: string,
): Promise<{ areas: { code: string; name: string }[] }> {
  requireAccountable(requireSignedIn(ctx.principal), { authority_id: authorityId });
  const areas = await listAreas(ctx.db);
  return { areas: areas.map((a) => ({ code: a.code, name: a.name })) };
}

/** What the form for a new partner offers (the authorities not partners yet): the accountable authority's people only (403). */
export async function partnerFormFor(
  ctx: Ctx,
  poolId: string,
): Promise<{ view: PoolView; authorities: { id: string; name: string }[] }> {
  const p = requireSignedIn(ctx.principal);
  const view = await poolView(ctx, poolId);
  requireAccountable(p, view.pool);
  const taken = new Set(view.partners.map((x) => x.partnerId));
  const authorities = (await listAuthorities(ctx.db)).filter((a) => !taken.has(a.id));
  return { view, authorities: authorities.map((a) => ({ id: a.id, name: a.name })) };
}

// Actions

export interface PoolInput {
  name?: string;
  areaCode?: string;
  purpose?: string;
}

/** A new pool held by the authority: its commissioners and administrators. Audited. */
export async function createPool(
  ctx: Ctx,
  authorityId: string,
  input: PoolInput,
  opts: { id?: string } = {},
): Promise<PoolView> {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  requireAccountable(p, { authority_id: authority.id });
  const problems: FieldError[] = [];
  const name = need(
    problems,
    "name",
    input.name,
    LIMITS.name,
    msg`Enter the pool's name, in ${LIMITS.name} characters or fewer`,
  );
  const areaCode = text(input.areaCode).toUpperCase();
  const area = /^[EWSNK][0-9]{8}$/.test(areaCode) ? await findArea(ctx.db, areaCode) : undefined;
  if (!area)
    problems.push({
      field: "areaCode",
      message: msg`Choose an area of the areas list by its code, like E10000901`,
    });
  const purpose = need(
    problems,
    "purpose",
    input.purpose,
    LIMITS.purpose,
    msg`Say what the pool is for, in ${LIMITS.purpose} characters or fewer`,
  );
  refuseIf(problems);
  const now = ctx.clock.now();
  const pool = await transaction(ctx.db, async (trx) => {
    const row = await repo.insertPool(trx, {
      authority_id: authority.id,
      id: opts.id ?? newId(),
      name,
      area_code: areaCode,
      purpose,
      created_by: p.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: authority.id,
      actor: actorOf(p),
      action: "community-budget.created",
      entity: { type: "community-budget", id: row.id },
      changes: { name, areaCode, purpose },
    });
    return row;
  });
  return viewOf(ctx, pool);
}

export interface PartnerInput {
  authorityId?: string;
  agreed?: string;
}

/** A partner added to the pool, with the share it agreed (optional): the accountable authority's people. Audited. */
export async function addPartner(ctx: Ctx, poolId: string, input: PartnerInput): Promise<PoolView> {
  const p = requireSignedIn(ctx.principal);
  const found = await poolFor(ctx, poolId);
  requireAccountable(p, found);
  const problems: FieldError[] = [];
  const partnerId = text(input.authorityId);
  const partner = isUuid(partnerId)
    ? (await authoritiesByIds(ctx.db, [partnerId])).get(partnerId)
    : undefined;
  if (!partner)
    problems.push({
      field: "authorityId",
      message: msg`Choose a public body of the platform as the partner`,
    });
  const agreed = text(input.agreed) === "" ? null : amountOf(problems, "agreed", input.agreed);
  refuseIf(problems);
  const now = ctx.clock.now();
  await transaction(ctx.db, async (trx) => {
    const pool = (await repo.poolById(trx, found.id, { lock: true })) as Pool;
    const partners = await repo.partnersOf(trx, pool.authority_id, pool.id);
    if (partners.some((x) => x.partner_authority_id === partnerId))
      throw new ConflictError(msg`${partner?.name ?? ""} is a partner of this pool already.`);
    await repo.insertPartner(trx, {
      authority_id: pool.authority_id,
      pool_id: pool.id,
      partner_authority_id: partnerId,
      position: partners.length,
      agreed_pence: agreed,
      added_by: p.userId,
      added_at: now,
    });
    await repo.touchPool(trx, pool.authority_id, pool.id, now);
    await recordAudit(trx, ctx.clock, {
      authorityId: pool.authority_id,
      actor: actorOf(p),
      action: "community-budget.partner-added",
      entity: { type: "community-budget", id: pool.id },
      changes: { partnerAuthorityId: partnerId, agreedPence: agreed === null ? null : String(agreed) },
    });
  });
  return poolView(ctx, found.id);
}

/** The latest day of the pool's entries: a new one may not be dated before it (409). */
function refuseBackdated(journals: readonly Journal[], on: string): void {
  const latest = journals.at(-1)?.on_date;
  if (latest && on < latest)
    throw new ConflictError(
      msg`The pool's latest entry is dated ${longDate(latest)}: entries are kept in date order, so date this one on or after that day.`,
      "conflict",
      [{ field: "on", message: msg`Enter a date on or after ${longDate(latest)}` }],
    );
}

export interface ContributionInput {
  partnerAuthorityId?: string;
  amount?: string;
  on?: string;
  reference?: string;
}

/**
 * A partner's contribution: the partner's commissioners and administrators (the partner they act
 * for, or the one they name). Audited; a journal of the ledger.
 */
export async function recordContribution(
  ctx: Ctx,
  poolId: string,
  input: ContributionInput,
): Promise<PoolView> {
  const p = requireSignedIn(ctx.principal);
  const found = await poolFor(ctx, poolId);
  const partners = await repo.partnersOf(ctx.db, found.authority_id, found.id);
  const mine = partners
    .filter((x) => isAuthorityEditor(p, x.partner_authority_id))
    .map((x) => x.partner_authority_id);
  if (mine.length === 0)
    throw new ForbiddenError(
      msg`Only a partner's commissioners and administrators record its contributions to a community budget.`,
    );
  const problems: FieldError[] = [];
  const asked = text(input.partnerAuthorityId);
  let partnerId = asked;
  if (asked === "" && mine.length === 1) partnerId = mine[0] as string;
  else if (!mine.includes(asked))
    problems.push({
      field: "partnerAuthorityId",
      message: msg`Choose the partner you record the contribution for`,
    });
  const amount = amountOf(problems, "amount", input.amount);
  const on = dayOf(problems, "on", input.on, londonToday(ctx.clock));
  const reference = need(
    problems,
    "reference",
    input.reference,
    LIMITS.reference,
    msg`Enter the contribution's reference, like a purchase order number, in ${LIMITS.reference} characters or fewer`,
  );
  refuseIf(problems);
  await transaction(ctx.db, async (trx) => {
    const pool = (await repo.poolById(trx, found.id, { lock: true })) as Pool;
    refuseBackdated(await repo.journalsOf(trx, pool.authority_id, pool.id), on);
    await postJournal(
      trx,
      ctx,
      p,
      pool,
      { kind: "contribution", on_date: on, amount_pence: amount, partner_authority_id: partnerId, reference },
      contributionJournal(partnerId, amount),
      "contribution-recorded",
      (id) => ({ journalId: id, partnerAuthorityId: partnerId, amountPence: String(amount), on, reference }),
    );
  });
  return poolView(ctx, found.id);
}

/**
 * A spend naming a grant pays at most what is left of the award: what it was awarded less what the
 * spends of every pool naming it paid already (409 `above_grant_left`, naming what is left). Under
 * the grant's spends lock, so two spends of one grant go one after the other.
 */
async function refuseAboveGrant(trx: Trx, grantId: string, awarded: bigint, amount: bigint): Promise<void> {
  await repo.lockGrantSpends(trx, grantId);
  const left = awarded - (await repo.paidOfGrant(trx, grantId));
  if (amount > left) {
    const message =
      left > 0n
        ? msg`The grant was awarded ${formatPence(awarded)}: ${formatPence(left)} of it is left to pay, so pay at most that.`
        : msg`The grant was awarded ${formatPence(awarded)} and spends have paid all of it: nothing is left to pay.`;
    throw new ConflictError(message, "above_grant_left", [{ field: "amount", message }]);
  }
}

export interface SpendInput {
  kind?: string;
  payee?: string;
  /** "yes" when the payee is a person: never named in public. */
  payeeIsPerson?: string | boolean;
  amount?: string;
  on?: string;
  description?: string;
  /** A grant of the grants module this spend paid: its programme and its application. */
  grantProgrammeId?: string;
  grantId?: string;
}

/**
 * A spend from the pool, split across the partners pro rata to what each has put in by its day:
 * the accountable authority's people. 409 naming the shortfall when the pool, or a partner's
 * balance, is short. Audited; a journal of the ledger.
 */
export async function recordSpend(ctx: Ctx, poolId: string, input: SpendInput): Promise<PoolView> {
  const p = requireSignedIn(ctx.principal);
  const found = await poolFor(ctx, poolId);
  requireAccountable(p, found);
  const problems: FieldError[] = [];
  const kind = text(input.kind) as SpendKind;
  if (!(SPEND_KINDS as readonly string[]).includes(kind))
    problems.push({
      field: "kind",
      message: msg`Choose what the money paid for: a commissioned service, a grant, a delegated budget or other`,
    });
  const payee = need(
    problems,
    "payee",
    input.payee,
    LIMITS.payee,
    msg`Enter who was paid, in ${LIMITS.payee} characters or fewer`,
  );
  const payeeIsPerson = input.payeeIsPerson === true || input.payeeIsPerson === "yes";
  const amount = amountOf(problems, "amount", input.amount);
  const on = dayOf(problems, "on", input.on, londonToday(ctx.clock));
  const description = need(
    problems,
    "description",
    input.description,
    LIMITS.description,
    msg`Say what the money paid for, in ${LIMITS.description} characters or fewer`,
  );
  const grantId = text(input.grantId);
  const grantProgrammeId = text(input.grantProgrammeId);
  if ((grantId === "") !== (grantProgrammeId === "") || (grantId !== "" && kind !== "grant"))
    problems.push({
      field: "grantId",
      message: msg`Name a grant by its programme and its application together, and only for a grant`,
    });
  refuseIf(problems);
  let awarded: bigint | null = null;
  if (grantId !== "") {
    const grant = await applicationOf(ctx, grantProgrammeId, grantId).catch((e: unknown) => {
      if (e instanceof NotFoundError || e instanceof ForbiddenError) return null;
      throw e;
    });
    if (grant?.application.status !== "awarded") {
      const message = msg`Name a grant awarded by a programme your authority runs, or leave the grant out`;
      throw new ValidationError(message, [{ field: "grantId", message }]);
    }
    awarded = grant.application.awarded_pence ?? 0n;
  }
  await transaction(ctx.db, async (trx) => {
    const pool = (await repo.poolById(trx, found.id, { lock: true })) as Pool;
    if (awarded !== null) await refuseAboveGrant(trx, grantId, awarded, amount);
    const [partners, journals, lines] = await Promise.all([
      repo.partnersOf(trx, pool.authority_id, pool.id),
      repo.journalsOf(trx, pool.authority_id, pool.id),
      repo.linesOf(trx, pool.authority_id, pool.id),
    ]);
    refuseBackdated(journals, on);
    const ledger = lines.map((l) => ({
      account: l.account,
      partnerId: l.partner_authority_id,
      amount: l.amount_pence,
    }));
    const positions = positionsOf(
      partners.map((x) => x.partner_authority_id),
      ledger,
    );
    const plan = planSpend(positions, amount);
    if (!plan.ok) {
      const names = await authoritiesByIds(
        trx,
        plan.partnersShort.map((s) => s.partnerId),
      );
      const short = plan.partnersShort
        .map((s) => msg`${names.get(s.partnerId)?.name ?? ""} is short by ${formatPence(s.short)}`)
        .join("; ");
      throw new ConflictError(
        plan.poolShort > 0n
          ? msg`The pool holds ${formatPence(cashOf(ledger))}: this spend is ${formatPence(plan.poolShort)} more than it holds.`
          : msg`This spend would take more than a partner has left in the pool: ${short}. Ask the partner for a contribution first, or spend less.`,
        "insufficient_funds",
        [{ field: "amount", message: msg`Enter an amount the pool and each partner's share can pay` }],
      );
    }
    await postJournal(
      trx,
      ctx,
      p,
      pool,
      {
        kind: "spend",
        on_date: on,
        amount_pence: amount,
        spend_kind: kind,
        payee,
        payee_is_person: payeeIsPerson,
        description,
        grant_programme_id: grantId === "" ? null : grantProgrammeId,
        grant_id: grantId === "" ? null : grantId,
      },
      spendJournal(plan.parts),
      "spend-recorded",
      (id) => ({
        journalId: id,
        kind,
        // A person's name stays out of the audit's changes, as out of open data.
        payee: payeeIsPerson ? null : payee,
        amountPence: String(amount),
        on,
        parts: Object.fromEntries(plan.parts.map((x) => [x.partnerId, String(x.amount)])),
        grantId: grantId === "" ? null : grantId,
      }),
    );
    // Each partner with a part of it is told what its money paid for (never a person's name).
    const paidTo = payeeIsPerson ? msg`a person` : payee;
    for (const part of plan.parts)
      if (part.amount !== 0n)
        await tellPartner(trx, ctx, p, pool.id, part.partnerId, {
          subject: msg`${pool.name}: ${formatPence(amount)} spent, ${formatPence(part.amount)} of it yours`,
          body: msg`On ${longDate(on)} ${pool.name} paid ${formatPence(amount)} to ${paidTo}. Your share of it is ${formatPence(part.amount)}, in proportion to what you have put in. What it paid for: ${description}`,
        });
  });
  return poolView(ctx, found.id);
}

/**
 * A partner's commissioners and administrators told of what happened to its money in the pool (not
 * the person acting), in their inbox and by email, linking to the partner's report.
 */
async function tellPartner(
  trx: Trx,
  ctx: Ctx,
  p: Principal,
  poolId: string,
  partnerId: string,
  notice: { subject: string; body: string },
): Promise<void> {
  for (const userId of await commissioningPeople(trx, partnerId)) {
    if (userId === p.userId) continue;
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: partnerId,
        kind: "community-budget.spent",
        subject: notice.subject.slice(0, 200),
        body: notice.body,
        link: `/community-budgets/${poolId}/partners/${partnerId}`,
      },
      { email: true, actor: actorOf(p) },
    );
  }
}

/** What a journal of the pool says beyond its pool, its id and who recorded it when (those: `postJournal`'s). */
type JournalFields = Pick<CommunityBudgetJournalsTable, "kind" | "on_date" | "amount_pence"> &
  Partial<
    Omit<CommunityBudgetJournalsTable, "authority_id" | "pool_id" | "id" | "recorded_by" | "recorded_at">
  >;

/**
 * Records a journal of the pool with its ledger lines, dates the pool's change and audits it as
 * `community-budget.<action>` (its changes given the journal's new id): the one way an entry is made.
 */
async function postJournal(
  trx: Trx,
  ctx: Ctx,
  p: Principal,
  pool: Pool,
  fields: JournalFields,
  lines: readonly Line[],
  action: "contribution-recorded" | "spend-recorded" | "entry-reversed",
  changes: (id: string) => Record<string, unknown>,
): Promise<void> {
  const id = newId();
  const now = ctx.clock.now();
  await repo.insertJournal(
    trx,
    {
      partner_authority_id: null,
      reference: null,
      spend_kind: null,
      payee: null,
      payee_is_person: null,
      description: null,
      grant_programme_id: null,
      grant_id: null,
      reverses_journal_id: null,
      reversal_reasons: null,
      ...fields,
      authority_id: pool.authority_id,
      pool_id: pool.id,
      id,
      recorded_by: p.userId,
      recorded_at: now,
    },
    lines,
  );
  await repo.touchPool(trx, pool.authority_id, pool.id, now);
  await recordAudit(trx, ctx.clock, {
    authorityId: pool.authority_id,
    actor: actorOf(p),
    action: `community-budget.${action}`,
    entity: { type: "community-budget", id: pool.id },
    changes: changes(id),
  });
}

// Corrections

/** The entry the reversal form is for: the accountable authority's people (403); 404 unknown; 409 a reversal or reversed. */
export async function reversalFormFor(
  ctx: Ctx,
  poolId: string,
  journalId: string,
): Promise<{ view: PoolView; entry: EntryView }> {
  const p = requireSignedIn(ctx.principal);
  const view = await poolView(ctx, poolId);
  requireAccountable(p, view.pool);
  const entry = view.entries.find((e) => e.id === journalId);
  if (!entry) throw new NotFoundError("entry of this community budget");
  if (!entry.mayReverse)
    throw new ConflictError(
      entry.reversesId
        ? msg`This entry is a reversal: it cannot be reversed in its turn.`
        : msg`This entry was reversed on ${longDate(entry.reversedBy?.on ?? entry.on)} already.`,
    );
  return { view, entry };
}

export interface ReversalInput {
  reasons?: string;
}

/**
 * Reverses an entry made in error (the accountable authority's commissioners and administrators):
 * a new journal of the same kind, dated today, whose lines are the entry's negated, naming it and
 * why — nothing is changed or deleted, and the ledger still balances. Refused (409) for a reversal,
 * for an entry reversed already, and for a contribution whose partner has spent part of it (its
 * balance would go below zero: reverse those spends first). A spend's partners are told.
 */
export async function reverseEntry(
  ctx: Ctx,
  poolId: string,
  journalId: string,
  input: ReversalInput,
): Promise<PoolView> {
  const p = requireSignedIn(ctx.principal);
  const found = await poolFor(ctx, poolId);
  requireAccountable(p, found);
  const problems: FieldError[] = [];
  const reasons = need(
    problems,
    "reasons",
    input.reasons,
    LIMITS.description,
    msg`Say why the entry was made in error, in ${LIMITS.description} characters or fewer`,
  );
  refuseIf(problems);
  const today = londonToday(ctx.clock);
  await transaction(ctx.db, async (trx) => {
    const pool = (await repo.poolById(trx, found.id, { lock: true })) as Pool;
    const [journals, lines] = await Promise.all([
      repo.journalsOf(trx, pool.authority_id, pool.id),
      repo.linesOf(trx, pool.authority_id, pool.id),
    ]);
    const entry = journals.find((j) => j.id === journalId);
    if (!entry) throw new NotFoundError("entry of this community budget");
    if (entry.reverses_journal_id)
      throw new ConflictError(msg`This entry is a reversal: it cannot be reversed in its turn.`);
    const earlier = journals.find((j) => j.reverses_journal_id === entry.id);
    if (earlier)
      throw new ConflictError(msg`This entry was reversed on ${longDate(earlier.on_date)} already.`);
    refuseBackdated(journals, today);
    const reversed: Line[] = lines
      .filter((l) => l.journal_id === entry.id)
      .map((l) => ({ account: l.account, partnerId: l.partner_authority_id, amount: -l.amount_pence }));
    if (entry.kind === "contribution") {
      const ledger: Line[] = lines.map((l) => ({
        account: l.account,
        partnerId: l.partner_authority_id,
        amount: l.amount_pence,
      }));
      const partnerId = entry.partner_authority_id as string;
      const [before] = positionsOf([partnerId], ledger);
      if ((before?.balance ?? 0n) < entry.amount_pence) {
        const name = (await authoritiesByIds(trx, [partnerId])).get(partnerId)?.name ?? "";
        throw new ConflictError(
          msg`${name} has ${formatPence(before?.balance ?? 0n)} left in the pool, less than this contribution of ${formatPence(entry.amount_pence)}: part of it has been spent. Reverse those spends first.`,
          "insufficient_funds",
        );
      }
    }
    await postJournal(
      trx,
      ctx,
      p,
      pool,
      // The entry's fields; its id, pool and who recorded it when are the reversal's own (postJournal's).
      { ...entry, on_date: today, reverses_journal_id: entry.id, reversal_reasons: reasons },
      reversed,
      "entry-reversed",
      (id) => ({
        journalId: entry.id,
        reversalId: id,
        kind: entry.kind,
        amountPence: String(entry.amount_pence),
        on: today,
        reasons,
      }),
    );
    if (entry.kind === "spend")
      for (const l of reversed)
        if (l.account === "spent" && l.partnerId)
          await tellPartner(trx, ctx, p, pool.id, l.partnerId, {
            subject: msg`${pool.name}: a spend of ${formatPence(entry.amount_pence)} reversed`,
            body: msg`The spend of ${formatPence(entry.amount_pence)} on ${longDate(entry.on_date)} from ${pool.name} was made in error and is reversed: your share of it, ${formatPence(-l.amount)}, is back in your balance. Why: ${reasons}`,
          });
  });
  return poolView(ctx, found.id);
}

// Open data

/** One entry of a pool's ledger as the open dataset publishes it (never a person's name, never a reference). */
export interface OpenEntry {
  id: string;
  poolId: string;
  poolName: string;
  authorityId: string;
  authorityName: string;
  areaCode: string;
  on: string;
  kind: Journal["kind"];
  spendKind: SpendKind | null;
  /** Pence; a reversal's negative. */
  amount: bigint;
  /** A reversal: the entry it reverses. */
  reversesId: string | null;
  /** A contribution's partner. */
  partnerId: string | null;
  partnerName: string | null;
  /** A spend: each partner's part, in the partners' order. */
  shares: { partnerId: string; amount: bigint }[];
  /** A spend's payee, when it is not a person. */
  payee: string | null;
  description: string | null;
  grantId: string | null;
  grantProgrammeId: string | null;
  recordedAt: Date;
}

/**
 * Every pool's entries, one a journal, after a key (the last one's id), for the open dataset
 * `community-budgets` (src/modules/datasets/catalogue.ts): what the pool pages show anyone, a payee
 * who is a person withheld, contributions' references left out. Public.
 */
export async function openEntriesAfter(
  ctx: Pick<Ctx, "db">,
  afterId: string | undefined,
  limit: number,
): Promise<OpenEntry[]> {
  const journals = await repo.journalsAfter(ctx.db, afterId, limit);
  const lines = await repo.spentLinesOf(
    ctx.db,
    journals.filter((j) => j.kind === "spend").map((j) => j.id),
  );
  const names = await authoritiesByIds(ctx.db, [
    ...new Set(
      journals.flatMap((j) => [j.authority_id, ...(j.partner_authority_id ? [j.partner_authority_id] : [])]),
    ),
  ]);
  const sharesOf = new Map<string, { partnerId: string; amount: bigint }[]>();
  for (const l of lines)
    sharesOf.set(l.journal_id, [
      ...(sharesOf.get(l.journal_id) ?? []),
      { partnerId: l.partner_authority_id as string, amount: l.amount_pence },
    ]);
  return journals.map((j) => ({
    id: j.id,
    poolId: j.pool_id,
    poolName: j.pool_name,
    authorityId: j.authority_id,
    authorityName: names.get(j.authority_id)?.name ?? "",
    areaCode: j.area_code,
    on: j.on_date,
    kind: j.kind,
    spendKind: j.spend_kind,
    amount: j.reverses_journal_id ? -j.amount_pence : j.amount_pence,
    reversesId: j.reverses_journal_id,
    partnerId: j.partner_authority_id,
    partnerName: j.partner_authority_id ? (names.get(j.partner_authority_id)?.name ?? null) : null,
    shares: sharesOf.get(j.id) ?? [],
    payee: j.payee_is_person ? null : j.payee,
    description: j.description,
    grantId: j.grant_id,
    grantProgrammeId: j.grant_programme_id,
    recordedAt: j.recorded_at,
  }));
}

/** When the entries last changed: the latest recorded (an index's end; entries are never changed). */
export function latestEntryRecorded(ctx: Pick<Ctx, "db">): Promise<Date | null> {
  return repo.latestJournal(ctx.db);
}
