/**
 * Integrity indicators (issue 16): flags raised on each contracting process, recomputed as its data
 * changes, and published with the process and per authority. A flag is a reason to look, never a
 * verdict; each says why it was raised. See docs/integrity.md.
 *
 * Recomputed in the transaction of the change (the audit trail's `changeRecorded` port, plugged in
 * src/wiring.ts): once the change's OCDS releases are made (the ocds module's `beforeCommit` work,
 * which runs before this module's), each released process's compiled release is read and the pure
 * functions of flags.ts run on it; its flags are raised or cleared, the authority's counts kept, and
 * its awards put in their market — whose supplier shares are then worked out again over the
 * authority's awards there, kept in `integrity_market_awards`, never by reading anything else. A
 * decision on a Right to Challenge expression of interest, or a procurement started, recomputes the
 * authority's Right to Challenge flags, stored with the moment the window is missed: whether that
 * moment has passed is read from the clock when shown.
 */
import type { Db, Trx } from "../../db/database.ts";
import { COUNT_CAP, decodeKey, encodeKey, type Total } from "../../db/paging.ts";
import { beforeCommit } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import { type Ctx, systemCtx, within } from "../access/context.ts";
import type { RecordedChange } from "../audit/audit.ports.ts";
import { type Authority, authorityById, listAuthorities } from "../authorities/authorities.service.ts";
import { acceptedChallengeWindows } from "../challenges/registers.service.ts";
import { compiledReleasesOf, isProcessChange, releasesMadeIn } from "../ocds/ocds.service.ts";
import {
  concentrationFlags,
  type MarketAward,
  marketAwardsOf,
  processFlags,
  type RaisedFlag,
  type Release,
  unprocuredFrom,
} from "./flags.ts";
import { INDICATOR_CODES, INDICATORS, type IndicatorCode, isIndicatorCode } from "./indicators.ts";
import { flagView } from "./integrity.presenters.ts";
import * as repo from "./integrity.repository.ts";
import type { IntegrityFlagRow, MarketAwardRow } from "./integrity.table.ts";

/** The indicators computed from one process's compiled release alone. */
const PROCESS_CODES: readonly IndicatorCode[] = [
  "single-bid",
  "fewer-than-three-bids",
  "short-submission-period",
  "late-amendment",
  "award-above-estimate",
];
const CONCENTRATION: IndicatorCode = "supplier-concentration";
const { UNPROCURED } = repo;

/** Changes that may change an authority's Right to Challenge flags. */
const CHALLENGE_ACTIONS = new Set([
  "challenge.decided",
  "challenge.withdrawn",
  "project.procurement-started",
]);

interface Pending {
  clock: Clock;
  /** Authorities whose Right to Challenge flags to work out again. */
  challengeAuthorities: Set<string>;
}

const pending = new WeakMap<Trx, Pending>();

/**
 * Plugged into the audit trail's `changeRecorded` port (src/wiring.ts), after the ocds module: a
 * change that makes an OCDS release, or that concerns the Right to Challenge, has the flags worked
 * out again just before its transaction commits. Registered again at each such change, the work
 * runs after the OCDS releases (`beforeCommit` runs work in the order it was last registered, and
 * the releases' work is registered once, at the transaction's first change of a process), so it
 * reads every release the transaction made.
 */
export async function noteIntegrityChange(trx: Trx, clock: Clock, change: RecordedChange): Promise<void> {
  if (change.authorityId === null) return;
  const challenge = CHALLENGE_ACTIONS.has(change.action);
  if (!challenge && !isProcessChange(change.action)) return;
  let held = pending.get(trx);
  if (!held) {
    held = { clock, challengeAuthorities: new Set() };
    pending.set(trx, held);
  }
  if (challenge) held.challengeAuthorities.add(change.authorityId);
  const own = held;
  beforeCommit(trx, "integrity flags", () => recompute(trx, own));
}

async function recompute(trx: Trx, held: Pending): Promise<void> {
  pending.delete(trx);
  const ctx = within(systemCtx(trx, held.clock, "integrity"), trx);
  await recomputeProcesses(ctx, releasesMadeIn(trx));
  for (const authorityId of held.challengeAuthorities) await recomputeChallenges(ctx, authorityId);
}

/** What a flag shows of its process: its title and page, and its tender (for the tender's page). */
interface Shown {
  title: string;
  url: string;
  tender_id: string | null;
}

function shownOf(release: Release): Shown {
  const tender = release.tender as
    | { id?: string; title?: string; documents?: { documentType?: string; url?: string }[] }
    | undefined;
  const planning = release.planning as { documents?: { title?: string; url?: string }[] } | undefined;
  const notice = tender?.documents?.find((d) => d.documentType === "tenderNotice");
  const plan = planning?.documents?.[0];
  return {
    title: tender?.title ?? plan?.title ?? String(release.ocid),
    url: notice?.url ?? plan?.url ?? "",
    tender_id: typeof tender?.id === "string" ? tender.id : null,
  };
}

/** What a flag adds to its indicator's counts: itself, whether it is on an award, whether justified. */
function contribution(reason: Record<string, unknown> | undefined): [bigint, bigint, bigint] {
  if (!reason) return [0n, 0n, 0n];
  return [1n, reason.awarded === true ? 1n : 0n, reason.justified === true ? 1n : 0n];
}

/** Two flags' values alike, whatever the order of their keys (JSONB keeps its own). */
function sameValues(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const canonical = (v: Record<string, unknown>) =>
    JSON.stringify(
      Object.keys(v)
        .sort()
        .map((k) => [k, v[k]]),
    );
  return canonical(a) === canonical(b);
}

const flagKey = (authorityId: string, ocid: string, code: string) => `${authorityId}/${ocid}/${code}`;
const processKey = (authorityId: string, ocid: string) => `${authorityId}/${ocid}`;
const marketKey = (authorityId: string, cpv: string, year: number) => `${authorityId}/${cpv}/${year}`;

/** Market rows in the order the shares are worked out over (by process, then award). */
function byProcessAndAward(a: MarketAwardRow, b: MarketAwardRow): number {
  if (a.ocid !== b.ocid) return a.ocid < b.ocid ? -1 : 1;
  return a.award_id < b.award_id ? -1 : a.award_id > b.award_id ? 1 : 0;
}

/**
 * The flags and markets of a page of processes, read once and worked on in memory: each process in
 * turn does what it would do alone against the database (so the result is the same, step for
 * step), then only what changed is written, in a few statements.
 */
class Workspace {
  /** The flags as read, and as they are now (absent: cleared), by authority, ocid and code. */
  readonly before = new Map<string, IntegrityFlagRow>();
  readonly flags = new Map<string, IntegrityFlagRow>();
  /** Each market's awards now, by authority, CPV and year; the processes whose awards changed. */
  readonly markets = new Map<string, MarketAwardRow[]>();
  readonly replaced = new Map<string, { authorityId: string; ocid: string; rows: MarketAwardRow[] }>();

  hold(rows: readonly IntegrityFlagRow[]): void {
    for (const row of rows) {
      const key = flagKey(row.authority_id, row.ocid, row.code);
      if (this.before.has(key)) continue;
      this.before.set(key, row);
      this.flags.set(key, row);
    }
  }

  /**
   * Raises or clears one flag of a process: `raised` is what the indicator says now (undefined: not
   * raised). Raised when first raised (kept while it stays raised).
   */
  setFlag(
    at: { authorityId: string; ocid: string; code: IndicatorCode; now: Date; shown: Shown },
    raised: RaisedFlag | undefined,
  ): void {
    const key = flagKey(at.authorityId, at.ocid, at.code);
    const held = this.flags.get(key);
    if (!raised) {
      this.flags.delete(key);
      return;
    }
    const unchanged =
      held !== undefined &&
      sameValues(held.reason, raised.values) &&
      held.title === at.shown.title &&
      held.url === at.shown.url &&
      held.tender_id === at.shown.tender_id;
    if (unchanged) return;
    this.flags.set(key, {
      authority_id: at.authorityId,
      ocid: at.ocid,
      code: at.code,
      raised_at: held?.raised_at ?? at.now,
      reason: raised.values,
      ...at.shown,
    });
  }

  /** A process's flags now. */
  flagsOf(authorityId: string, ocid: string): IntegrityFlagRow[] {
    return INDICATOR_CODES.flatMap((code) => this.flags.get(flagKey(authorityId, ocid, code)) ?? []);
  }

  /** A process's awards in their markets now: those it had (in `markets`, the keys of those it was in) replaced. */
  replaceMarketAwards(
    authorityId: string,
    ocid: string,
    markets: Iterable<string>,
    rows: readonly MarketAwardRow[],
  ): void {
    for (const key of markets)
      this.markets.set(
        key,
        (this.markets.get(key) ?? []).filter((r) => r.ocid !== ocid),
      );
    for (const row of rows) {
      const key = marketKey(authorityId, row.cpv, row.financial_year);
      this.markets.set(key, [...(this.markets.get(key) ?? []), row].sort(byProcessAndAward));
    }
    this.replaced.set(processKey(authorityId, ocid), { authorityId, ocid, rows: [...rows] });
  }

  /** What changed, written: flags raised, changed or cleared, awards replaced, counts kept. */
  async write(trx: Trx): Promise<void> {
    const raised: IntegrityFlagRow[] = [];
    const cleared: IntegrityFlagRow[] = [];
    const deltas = new Map<string, Map<IndicatorCode, repo.CountDelta>>();
    const count = (
      flag: IntegrityFlagRow,
      before: IntegrityFlagRow | undefined,
      after: IntegrityFlagRow | undefined,
    ) => {
      const [f0, a0, j0] = contribution(before?.reason);
      const [f1, a1, j1] = contribution(after?.reason);
      const ofAuthority = deltas.get(flag.authority_id) ?? new Map<IndicatorCode, repo.CountDelta>();
      deltas.set(flag.authority_id, ofAuthority);
      const d = ofAuthority.get(flag.code) ?? { code: flag.code, flags: 0n, awarded: 0n, justified: 0n };
      d.flags += f1 - f0;
      d.awarded += a1 - a0;
      d.justified += j1 - j0;
      ofAuthority.set(flag.code, d);
    };
    for (const [key, before] of this.before)
      if (!this.flags.has(key)) {
        cleared.push(before);
        count(before, before, undefined);
      }
    for (const [key, after] of this.flags) {
      const before = this.before.get(key);
      const same =
        before !== undefined &&
        sameValues(before.reason, after.reason) &&
        before.title === after.title &&
        before.url === after.url &&
        before.tender_id === after.tender_id &&
        before.raised_at.getTime() === after.raised_at.getTime();
      if (same) continue;
      raised.push(after);
      count(after, before, after);
    }
    await repo.deleteFlagRows(trx, cleared);
    await repo.upsertFlags(trx, raised);
    await repo.replaceMarketAwardsOf(trx, [...this.replaced.values()]);
    for (const [authorityId, byCode] of deltas)
      await repo.addToCounts(trx, authorityId, [...byCode.values()]);
  }
}

/** A process's flags worked out again from its compiled release, in the caller's transaction. */
export function recomputeProcess(ctx: Ctx & { db: Trx }, authorityId: string, ocid: string): Promise<void> {
  return recomputeProcesses(ctx, [{ authorityId, ocid }]);
}

/**
 * These processes' flags worked out again from their compiled releases, in turn, in the caller's
 * transaction: a page of them with a fixed number of queries (their releases, flags and markets read
 * at once, what changed written at once), each process's flags as if worked out alone.
 */
export async function recomputeProcesses(
  ctx: Ctx & { db: Trx },
  processes: readonly { authorityId: string; ocid: string }[],
): Promise<void> {
  const trx = ctx.db;
  const releases = await compiledReleasesOf(
    trx,
    processes.map((p) => p.ocid),
  );
  const released = processes.flatMap((p) => {
    const release = releases.get(p.ocid);
    return release ? [{ ...p, release }] : [];
  });
  if (released.length === 0) return;
  const keys = released.map((p) => ({ authority_id: p.authorityId, ocid: p.ocid }));
  const [flags, awards] = await Promise.all([
    repo.flagsOfProcesses(trx, keys),
    repo.marketAwardsOfProcesses(trx, keys),
  ]);
  const work = new Workspace();
  work.hold(flags);
  const awardsOf = new Map<string, MarketAwardRow[]>();
  for (const row of awards) {
    const key = processKey(row.authority_id, row.ocid);
    awardsOf.set(key, [...(awardsOf.get(key) ?? []), row]);
  }

  // What each process's awards are now; the markets those that changed were or are in.
  const steps = released.map(({ authorityId, ocid, release }) => {
    // Raised when the release that raised it was made: its date (never earlier than the release before).
    const dated = new Date(String(release.date));
    const now = Number.isNaN(dated.getTime()) ? ctx.clock.now() : dated;
    const shown = shownOf(release);
    const before = awardsOf.get(processKey(authorityId, ocid)) ?? [];
    const after: MarketAwardRow[] = marketAwardsOf(release).map((a) => ({
      authority_id: authorityId,
      ocid,
      award_id: a.awardId,
      cpv: a.cpv,
      cpv_description: a.cpvDescription,
      financial_year: a.financialYear,
      supplier_id: a.supplierId,
      supplier_name: a.supplierName,
      value_pence: a.valuePence,
      awarded_at: a.awardedAt,
      ...shown,
    }));
    const markets = new Map<string, { authorityId: string; cpv: string; year: number }>();
    if (!sameMarketRows(before, after))
      for (const row of [...before, ...after])
        markets.set(marketKey(authorityId, row.cpv, row.financial_year), {
          authorityId,
          cpv: row.cpv,
          year: row.financial_year,
        });
    return { authorityId, ocid, release, now, shown, after, markets };
  });
  const touched = new Map<string, { authorityId: string; cpv: string; year: number }>();
  for (const step of steps) for (const [key, m] of step.markets) touched.set(key, m);
  if (touched.size > 0) {
    const rows = await repo.marketAwardsIn(trx, [...touched.values()]);
    for (const key of touched.keys()) work.markets.set(key, []);
    for (const row of rows)
      work.markets.get(marketKey(row.authority_id, row.cpv, row.financial_year))?.push(row);
    for (const list of work.markets.values()) list.sort(byProcessAndAward);
    // The concentration flags of every process in those markets (the page's own are read already).
    work.hold(
      await repo.flagsOfProcesses(
        trx,
        rows.map((r) => ({ authority_id: r.authority_id, ocid: r.ocid })),
        CONCENTRATION,
      ),
    );
  }

  for (const { authorityId, ocid, release, now, shown, after, markets } of steps) {
    const raised = processFlags(release);
    for (const code of PROCESS_CODES)
      work.setFlag(
        { authorityId, ocid, code, now, shown },
        raised.find((f) => f.code === code),
      );
    // A process's title and page changed: on its flags (those of its release, not the Right to Challenge's).
    for (const flag of work.flagsOf(authorityId, ocid))
      if (
        flag.code !== UNPROCURED &&
        (flag.title !== shown.title || flag.url !== shown.url || flag.tender_id !== shown.tender_id)
      )
        work.flags.set(flagKey(authorityId, ocid, flag.code), { ...flag, ...shown });
    // Its awards in their market; when they changed, every supplier's share there worked out again.
    if (markets.size === 0) continue;
    work.replaceMarketAwards(authorityId, ocid, markets.keys(), after);
    for (const market of markets.values())
      recomputeMarket(work, { authorityId, cpv: market.cpv, year: market.year, now, process: ocid });
  }
  await work.write(trx);
}

/** Whether a process's awards in their market are as they were (what shares are worked out on, and shown). */
function sameMarketRows(before: readonly MarketAwardRow[], after: readonly MarketAwardRow[]): boolean {
  const key = (r: MarketAwardRow) =>
    JSON.stringify([
      r.award_id,
      r.cpv,
      r.cpv_description,
      r.financial_year,
      r.supplier_id,
      r.supplier_name,
      String(r.value_pence),
      r.awarded_at.getTime(),
      r.title,
      r.url,
      r.tender_id,
    ]);
  const a = before.map(key).sort();
  const b = after.map(key).sort();
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function marketAward(row: MarketAwardRow): MarketAward {
  return {
    ocid: row.ocid,
    awardId: row.award_id,
    buyerId: row.authority_id,
    cpv: row.cpv,
    cpvDescription: row.cpv_description,
    supplierId: row.supplier_id,
    supplierName: row.supplier_name,
    valuePence: row.value_pence,
    awardedAt: row.awarded_at,
    financialYear: row.financial_year,
  };
}

/** Whether a concentration flag was raised in this market and year (a process may have awards in two years). */
function raisedIn(flag: IntegrityFlagRow, cpv: string, year: number): boolean {
  return flag.reason.cpv === cpv && flag.reason.financialYear === year;
}

/**
 * One supplier's share of an authority's awards in a market and financial year, worked out again
 * over its awards there: the concentration flag raised or cleared on each process in it, and cleared
 * on `process` (whose awards changed) if it left it.
 */
function recomputeMarket(
  work: Workspace,
  market: { authorityId: string; cpv: string; year: number; now: Date; process: string },
): void {
  const { authorityId, cpv, year, now } = market;
  const rows = work.markets.get(marketKey(authorityId, cpv, year)) ?? [];
  const raised = concentrationFlags(rows.map(marketAward));
  const inMarket = new Map<string, Shown>();
  for (const row of rows)
    inMarket.set(row.ocid, { title: row.title, url: row.url, tender_id: row.tender_id });
  const held = new Map<string, IntegrityFlagRow>();
  for (const ocid of new Set([...inMarket.keys(), market.process])) {
    const flag = work.flags.get(flagKey(authorityId, ocid, CONCENTRATION));
    if (flag) held.set(ocid, flag);
  }
  for (const [ocid, flag] of held)
    if (!inMarket.has(ocid) && raisedIn(flag, cpv, year))
      work.setFlag(
        {
          authorityId,
          ocid,
          code: CONCENTRATION,
          now,
          shown: { title: flag.title, url: flag.url, tender_id: flag.tender_id },
        },
        undefined,
      );
  for (const [ocid, shown] of inMarket) {
    const flag = held.get(ocid);
    const raisedNow = raised.get(ocid);
    // A flag raised in another year of the same process is that year's to clear.
    if (!raisedNow && flag && !raisedIn(flag, cpv, year)) continue;
    work.setFlag({ authorityId, ocid, code: CONCENTRATION, now, shown }, raisedNow);
  }
}

/**
 * An authority's Right to Challenge flags worked out again: one for each accepted expression of
 * interest whose procurement has not started, stored with the moment its window is missed (shown
 * once the clock passes it); cleared once the procurement starts.
 */
export async function recomputeChallenges(ctx: Ctx & { db: Trx }, authorityId: string): Promise<void> {
  const trx = ctx.db;
  const [windows, held, authority] = [
    await acceptedChallengeWindows(ctx, authorityId),
    await repo.flagsOfCode(trx, authorityId, UNPROCURED),
    await authorityById(trx, authorityId),
  ];
  const kept = new Set<string>();
  for (const w of windows) {
    const from = unprocuredFrom({
      earliest: w.procurement_earliest,
      latest: w.procurement_latest,
      startedOn: w.procurement_started_on,
    });
    if (!from) continue;
    kept.add(w.ocid);
    await repo.upsertFlag(
      trx,
      {
        authority_id: authorityId,
        ocid: w.ocid,
        code: UNPROCURED,
        raised_at: from,
        reason: {
          challengeId: w.id,
          acceptedAt: w.decided_at?.toISOString() ?? null,
          earliest: w.procurement_earliest,
          latest: w.procurement_latest,
        },
        title: w.service_name,
        url: `/authorities/${authority.slug}/right-to-challenge/${w.id}`,
        tender_id: null,
      },
      true,
    );
  }
  for (const flag of held)
    if (!kept.has(flag.ocid)) await repo.deleteFlags(trx, authorityId, flag.ocid, [UNPROCURED]);
}

// Reading: public, as the processes and decisions they are raised on are.

/** A count as pages and the API show it: exact up to COUNT_CAP, "more than" beyond. */
function capped(n: bigint): Total {
  return n > BigInt(COUNT_CAP) ? { count: COUNT_CAP, atLeast: true } : { count: Number(n), atLeast: false };
}

export type Counts = Record<IndicatorCode, Total>;

function countsFrom(rows: readonly { code: IndicatorCode; flags: bigint }[]): Counts {
  const counts = Object.fromEntries(INDICATOR_CODES.map((c) => [c, capped(0n)])) as Counts;
  for (const row of rows) if (isIndicatorCode(row.code)) counts[row.code] = capped(row.flags);
  return counts;
}

export const FLAGS_PAGE_SIZE = 20;
export const MAX_FLAGS_PAGE_SIZE = 100;
const FLAG_KEY: readonly ["string", "string", "string"] = ["string", "string", "string"];

export interface FlagsQuery {
  indicator?: string | undefined;
  after?: string | undefined;
  before?: string | undefined;
  pageSize?: number | undefined;
}

export interface AuthorityIntegrity {
  authority: Authority;
  counts: Counts;
  /** Of the processes with fewer than three bids that reached an award: how many, and how many justified. */
  fewerThanThree: { awarded: number; justified: number };
  /** The indicator the list is of, when one was asked for. */
  indicator: IndicatorCode | null;
  flags: IntegrityFlagRow[];
  next: string | null;
  previous: string | null;
}

/** An authority's counts by indicator and its flags raised, newest first, a page at a time by key. */
export async function authorityIntegrity(
  ctx: Ctx,
  authority: Authority,
  query: FlagsQuery = {},
): Promise<AuthorityIntegrity> {
  const now = ctx.clock.now();
  const indicator = isIndicatorCode(query.indicator) ? query.indicator : null;
  const pageSize = Math.min(Math.max(1, Math.trunc(query.pageSize ?? FLAGS_PAGE_SIZE)), MAX_FLAGS_PAGE_SIZE);
  const after = decodeKey(query.after, FLAG_KEY, "after");
  const before = after ? undefined : decodeKey(query.before, FLAG_KEY, "before");
  const key = after ?? before;
  const seek: repo.FlagSeek | undefined = key
    ? {
        key: { raisedAt: new Date(String(key[0])), ocid: String(key[1]), code: String(key[2]) },
        direction: after ? "after" : "before",
      }
    : undefined;
  if (seek && Number.isNaN(seek.key.raisedAt.getTime())) {
    const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
    throw new ValidationError(message, [{ field: after ? "after" : "before", message }]);
  }
  const [rows, unprocured, page] = await Promise.all([
    repo.countsOf(ctx.db, authority.id),
    repo.unprocuredCounts(ctx.db, now, authority.id),
    repo.flagsPage(ctx.db, {
      authorityId: authority.id,
      ...(indicator ? { code: indicator } : {}),
      now,
      ...(seek ? { seek } : {}),
      limit: pageSize + 1,
    }),
  ]);
  const counts = countsFrom([
    ...rows.filter((r) => r.code !== UNPROCURED),
    ...unprocured.map((u) => ({ code: UNPROCURED, flags: u.flags })),
  ]);
  const fewer = rows.find((r) => r.code === "fewer-than-three-bids");
  // One row more than a page says whether there is a page beyond, in the direction read.
  const more = page.length > pageSize;
  const flags = seek?.direction === "before" ? page.slice(more ? 1 : 0) : page.slice(0, pageSize);
  const keyOf = (row: IntegrityFlagRow | undefined) =>
    row ? encodeKey([row.raised_at.toISOString(), row.ocid, row.code]) : null;
  const hasNext = seek?.direction === "before" ? true : more;
  const hasPrevious = seek === undefined ? false : seek.direction === "after" ? true : more;
  return {
    authority,
    counts,
    fewerThanThree: { awarded: Number(fewer?.awarded ?? 0n), justified: Number(fewer?.justified ?? 0n) },
    indicator,
    flags,
    next: hasNext ? keyOf(flags[flags.length - 1]) : null,
    previous: hasPrevious ? keyOf(flags[0]) : null,
  };
}

export interface NationalIntegrity {
  /** Each authority with a flag raised, by name, with its counts. */
  authorities: { authority: Authority; counts: Counts }[];
  /** Every authority's together. */
  totals: Counts;
}

/**
 * Every authority's counts, from the figures kept with the flags (and the Right to Challenge's few
 * flags, counted through their own index): no flag is read.
 */
export async function nationalIntegrity(ctx: Ctx): Promise<NationalIntegrity> {
  const [authorities, rows, unprocured] = await Promise.all([
    listAuthorities(ctx.db),
    repo.everyCount(ctx.db),
    repo.unprocuredCounts(ctx.db, ctx.clock.now()),
  ]);
  const all = [
    ...rows.filter((r) => r.code !== UNPROCURED),
    ...unprocured.map((u) => ({ authority_id: u.authority_id, code: UNPROCURED, flags: u.flags })),
  ];
  const totals = new Map<IndicatorCode, bigint>();
  for (const row of all) totals.set(row.code, (totals.get(row.code) ?? 0n) + row.flags);
  const byAuthority = new Map<string, typeof all>();
  for (const row of all)
    byAuthority.set(row.authority_id, [...(byAuthority.get(row.authority_id) ?? []), row]);
  return {
    authorities: authorities
      .filter((a) => byAuthority.has(a.id))
      .map((authority) => ({ authority, counts: countsFrom(byAuthority.get(authority.id) ?? []) })),
    totals: countsFrom([...totals].map(([code, flags]) => ({ code, flags }))),
  };
}

/** A process's flags raised now, by its ocid (none for an ocid with none). */
export function flagsOfProcess(ctx: Ctx, ocid: string): Promise<IntegrityFlagRow[]> {
  return repo.raisedOfOcid(ctx.db, ocid, ctx.clock.now());
}

/** The catalogue of indicators, with their thresholds and reasons. */
export function indicators() {
  return INDICATORS;
}

/** The flags on a tender's page (the tenders module's `tenderPanels`), with why each was raised. */
export async function integrityPanel(
  db: Db,
  tender: { authorityId: string; tenderId: string; base: string },
): Promise<Panel | undefined> {
  const flags = await repo.flagsOfTender(db, tender.authorityId, tender.tenderId);
  if (flags.length === 0) return undefined;
  const slug = /^\/authorities\/([^/]+)\//.exec(tender.base)?.[1] ?? "";
  return {
    template: "integrity/views/partials/tender-flags.njk",
    context: {
      // In each language: the panel's template picks the page's.
      integrityFlags: { en: flags.map((f) => flagView(f, "en")), cy: flags.map((f) => flagView(f, "cy")) },
      integrityHref: `/authorities/${slug}/integrity`,
    },
  };
}

export type { IntegrityFlagRow };
