/** The integrity indicators' SQL. Every function takes the database or a transaction first. */
import { type ExpressionBuilder, sql } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import type { IndicatorCode } from "./indicators.ts";
import type { IntegrityCountRow, IntegrityFlagRow, MarketAwardRow } from "./integrity.table.ts";

/** The one indicator whose flags are stored ahead of being raised: shown once `raised_at` has passed. */
export const UNPROCURED: IndicatorCode = "right-to-challenge-unprocured";

/** Flags raised by `now`: every flag but a Right to Challenge flag whose window is not yet missed. */
function raisedBy(now: Date) {
  return (eb: ExpressionBuilder<Database, "integrity_flags">) =>
    eb.or([eb("code", "<>", UNPROCURED), eb("raised_at", "<=", now)]);
}

// Writing

export interface NewFlag {
  authority_id: string;
  ocid: string;
  code: IndicatorCode;
  raised_at: Date;
  reason: Record<string, unknown>;
  title: string;
  url: string;
  tender_id: string | null;
}

/**
 * Raises a flag, or updates one already raised with what it is now raised on — keeping when it was
 * first raised unless `moveRaisedAt` (the Right to Challenge: when the window is missed).
 */
export async function upsertFlag(trx: Trx, flag: NewFlag, moveRaisedAt = false): Promise<void> {
  await trx
    .insertInto("integrity_flags")
    .values({ ...flag, reason: JSON.stringify(flag.reason) })
    .onConflict((oc) =>
      oc.columns(["authority_id", "ocid", "code"]).doUpdateSet((eb) => ({
        reason: eb.ref("excluded.reason"),
        title: eb.ref("excluded.title"),
        url: eb.ref("excluded.url"),
        tender_id: eb.ref("excluded.tender_id"),
        ...(moveRaisedAt ? { raised_at: eb.ref("excluded.raised_at") } : {}),
      })),
    )
    .execute();
}

export async function deleteFlags(
  trx: Trx,
  authorityId: string,
  ocid: string,
  codes: readonly IndicatorCode[],
): Promise<void> {
  if (codes.length === 0) return;
  await trx
    .deleteFrom("integrity_flags")
    .where("authority_id", "=", authorityId)
    .where("ocid", "=", ocid)
    .where("code", "in", codes)
    .execute();
}

/** A process's key: its authority and ocid. */
export interface ProcessKey {
  authority_id: string;
  ocid: string;
}

/**
 * Raises these flags, or updates those already raised with what they are now raised on and when
 * (a few hundred a statement; one row a flag).
 */
export async function upsertFlags(trx: Trx, flags: readonly IntegrityFlagRow[]): Promise<void> {
  for (let i = 0; i < flags.length; i += 200)
    await trx
      .insertInto("integrity_flags")
      .values(flags.slice(i, i + 200).map((f) => ({ ...f, reason: JSON.stringify(f.reason) })))
      .onConflict((oc) =>
        oc.columns(["authority_id", "ocid", "code"]).doUpdateSet((eb) => ({
          reason: eb.ref("excluded.reason"),
          title: eb.ref("excluded.title"),
          url: eb.ref("excluded.url"),
          tender_id: eb.ref("excluded.tender_id"),
          raised_at: eb.ref("excluded.raised_at"),
        })),
      )
      .execute();
}

/** Clears these flags. */
export async function deleteFlagRows(
  trx: Trx,
  flags: readonly { authority_id: string; ocid: string; code: IndicatorCode }[],
): Promise<void> {
  if (flags.length === 0) return;
  await trx
    .deleteFrom("integrity_flags")
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("authority_id", "ocid", "code"),
        "in",
        flags.map((f) => tuple(f.authority_id, f.ocid, f.code)),
      ),
    )
    .execute();
}

/**
 * Every flag of these processes (raised or, for the Right to Challenge, ahead), whatever the clock
 * says; of one indicator alone when `code`.
 */
export async function flagsOfProcesses(
  db: Db,
  processes: readonly ProcessKey[],
  code?: IndicatorCode,
): Promise<IntegrityFlagRow[]> {
  if (processes.length === 0) return [];
  let query = db
    .selectFrom("integrity_flags")
    .selectAll()
    .where("authority_id", "in", [...new Set(processes.map((p) => p.authority_id))])
    .where("ocid", "in", [...new Set(processes.map((p) => p.ocid))]);
  if (code) query = query.where("code", "=", code);
  const asked = new Set(processes.map((p) => `${p.authority_id}/${p.ocid}`));
  return (await query.execute()).filter((f) => asked.has(`${f.authority_id}/${f.ocid}`));
}

/** A change to an authority's count of one indicator's flags. */
export interface CountDelta {
  code: IndicatorCode;
  flags: bigint;
  awarded: bigint;
  justified: bigint;
}

/**
 * Adds each delta to the authority's counts: the row updated, or made for an indicator first counted
 * (a row's check would refuse a negative insert even where the row exists, so never upserted).
 */
export async function addToCounts(
  trx: Trx,
  authorityId: string,
  deltas: readonly CountDelta[],
): Promise<void> {
  for (const d of deltas) {
    if (d.flags === 0n && d.awarded === 0n && d.justified === 0n) continue;
    const updated = await trx
      .updateTable("integrity_counts")
      .set({
        flags: sql`flags + ${d.flags}`,
        awarded: sql`awarded + ${d.awarded}`,
        justified: sql`justified + ${d.justified}`,
      })
      .where("authority_id", "=", authorityId)
      .where("code", "=", d.code)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n)
      await trx
        .insertInto("integrity_counts")
        .values({ authority_id: authorityId, ...d })
        .execute();
  }
}

/** Every flag of one indicator of one authority, whatever the clock says (the Right to Challenge's, a few). */
export function flagsOfCode(db: Db, authorityId: string, code: IndicatorCode): Promise<IntegrityFlagRow[]> {
  return db
    .selectFrom("integrity_flags")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("code", "=", code)
    .execute();
}

// Markets

/** These processes' awards in their markets. */
export async function marketAwardsOfProcesses(
  db: Db,
  processes: readonly ProcessKey[],
): Promise<MarketAwardRow[]> {
  if (processes.length === 0) return [];
  const asked = new Set(processes.map((p) => `${p.authority_id}/${p.ocid}`));
  const rows = await db
    .selectFrom("integrity_market_awards")
    .selectAll()
    .where("authority_id", "in", [...new Set(processes.map((p) => p.authority_id))])
    .where("ocid", "in", [...new Set(processes.map((p) => p.ocid))])
    .execute();
  return rows.filter((r) => asked.has(`${r.authority_id}/${r.ocid}`));
}

/** Each of these processes' awards in their markets now: those it had are replaced. */
export async function replaceMarketAwardsOf(
  trx: Trx,
  processes: readonly { authorityId: string; ocid: string; rows: readonly MarketAwardRow[] }[],
): Promise<void> {
  if (processes.length === 0) return;
  await trx
    .deleteFrom("integrity_market_awards")
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("authority_id", "ocid"),
        "in",
        processes.map((p) => tuple(p.authorityId, p.ocid)),
      ),
    )
    .execute();
  const rows = processes.flatMap((p) => p.rows);
  for (let i = 0; i < rows.length; i += 500)
    await trx
      .insertInto("integrity_market_awards")
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Authorities' awards in these markets (each an authority's CPV code in a financial year). */
export function marketAwardsIn(
  db: Db,
  markets: readonly { authorityId: string; cpv: string; year: number }[],
): Promise<MarketAwardRow[]> {
  if (markets.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("integrity_market_awards")
    .selectAll()
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("authority_id", "cpv", "financial_year"),
        "in",
        markets.map((m) => tuple(m.authorityId, m.cpv, m.year)),
      ),
    )
    .execute();
}

// Reading

/** An authority's counts, by indicator (the Right to Challenge's are counted from its flags). */
export function countsOf(db: Db, authorityId: string): Promise<IntegrityCountRow[]> {
  return db.selectFrom("integrity_counts").selectAll().where("authority_id", "=", authorityId).execute();
}

/** Every authority's counts with a flag: one row per authority and indicator (kept, never counted here). */
export function everyCount(db: Db): Promise<IntegrityCountRow[]> {
  return db.selectFrom("integrity_counts").selectAll().where("flags", ">", 0n).execute();
}

/**
 * How many accepted expressions of interest are never procured by `now`, by authority (one, or
 * every one): read from their flags, a few, through their own index.
 */
export async function unprocuredCounts(
  db: Db,
  now: Date,
  authorityId?: string,
): Promise<{ authority_id: string; flags: bigint }[]> {
  let query = db
    .selectFrom("integrity_flags")
    .select(["authority_id", (eb) => eb.fn.countAll<bigint>().as("flags")])
    .where("code", "=", UNPROCURED)
    .where("raised_at", "<=", now);
  if (authorityId) query = query.where("authority_id", "=", authorityId);
  return query.groupBy("authority_id").execute();
}

/** Where a page of an authority's flags starts, newest first: after (or before) this flag. */
export interface FlagSeek {
  key: { raisedAt: Date; ocid: string; code: string };
  direction: "after" | "before";
}

/**
 * Up to `limit` of an authority's flags raised by `now` (of one indicator when `code`), newest
 * first, after or before `seek`; in page order either way.
 */
export async function flagsPage(
  db: Db,
  options: { authorityId: string; code?: IndicatorCode; now: Date; seek?: FlagSeek; limit: number },
): Promise<IntegrityFlagRow[]> {
  const backwards = options.seek?.direction === "before";
  const order = backwards ? "asc" : "desc";
  let query = db
    .selectFrom("integrity_flags")
    .selectAll()
    .where("authority_id", "=", options.authorityId)
    .where(raisedBy(options.now));
  if (options.code) query = query.where("code", "=", options.code);
  const seek = options.seek;
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("raised_at", "ocid", "code"),
        seek.direction === "after" ? "<" : ">",
        tuple(seek.key.raisedAt, seek.key.ocid, seek.key.code as IndicatorCode),
      ),
    );
  const rows = await query
    .orderBy("raised_at", order)
    .orderBy("ocid", order)
    .orderBy("code", order)
    .limit(options.limit)
    .execute();
  return backwards ? rows.reverse() : rows;
}

/** A process's flags raised by `now`, by its ocid. */
export function raisedOfOcid(db: Db, ocid: string, now: Date): Promise<IntegrityFlagRow[]> {
  return db
    .selectFrom("integrity_flags")
    .selectAll()
    .where("ocid", "=", ocid)
    .where(raisedBy(now))
    .orderBy("code")
    .execute();
}

/** A tender's process's flags (its page's panel): raised, all of them (none is a Right to Challenge flag). */
export function flagsOfTender(db: Db, authorityId: string, tenderId: string): Promise<IntegrityFlagRow[]> {
  return db
    .selectFrom("integrity_flags")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .orderBy("code")
    .execute();
}
