/**
 * SQL of the barriers register: barriers and their answers (`barriers`, `barrier_answers`), an
 * authority's list, the open ones of some kinds, and the national counts by year.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { AnswerKind, Barrier, BarrierAnswer, BarrierStatus, NewBarrier } from "./barriers.table.ts";

export async function insertBarrier(db: Db, row: NewBarrier): Promise<Barrier> {
  return db.insertInto("barriers").values(row).returningAll().executeTakeFirstOrThrow();
}

/** A barrier of the authority (`lock`: for update, while it is answered). */
export function barrierOf(
  db: Db,
  authorityId: string,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<Barrier | undefined> {
  const query = db
    .selectFrom("barriers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The authority's barriers, newest first, at most `limit`. */
export function barriersOf(db: Db, authorityId: string, limit: number): Promise<Barrier[]> {
  return db
    .selectFrom("barriers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .orderBy("logged_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The authority's barriers not resolved, of these kinds, oldest first, at most `limit`. */
export function openBarriersOfKinds(
  db: Db,
  authorityId: string,
  kinds: readonly string[],
  limit: number,
): Promise<Barrier[]> {
  if (kinds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("barriers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("status", "!=", "resolved")
    .where("kind", "in", [...kinds])
    .orderBy("logged_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export function answersOf(db: Db, authorityId: string, barrierId: string): Promise<BarrierAnswer[]> {
  return db
    .selectFrom("barrier_answers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("barrier_id", "=", barrierId)
    .orderBy("answered_at")
    .orderBy("id")
    .execute();
}

export async function insertAnswer(db: Db, row: BarrierAnswer): Promise<void> {
  await db.insertInto("barrier_answers").values(row).execute();
}

export async function setStatus(
  db: Db,
  authorityId: string,
  id: string,
  change: { status: BarrierStatus; first_answered_at: Date | null; resolved_at: Date | null },
): Promise<Barrier> {
  return db
    .updateTable("barriers")
    .set(change)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One group of the national counts: a kind, an authority and a sector, with its barriers' standing. */
export interface CountRow {
  authority_id: string;
  kind: string;
  logger_sector: string;
  status: BarrierStatus;
  /** Whether it has an answer in substance. */
  answered: boolean;
  answer_due_on: string;
  count: number;
}

/**
 * The barriers logged in a London calendar year (from `from` to before `to`), counted by authority,
 * kind, sector, status, whether answered in substance and due day: the service classifies each
 * group (overdue depends on the clock).
 */
export async function countsLoggedBetween(db: Db, from: Date, to: Date): Promise<CountRow[]> {
  const rows = await db
    .selectFrom("barriers")
    .select([
      "authority_id",
      "kind",
      "logger_sector",
      "status",
      "answer_due_on",
      sql<boolean>`first_answered_at is not null`.as("answered"),
      sql<string>`count(*)`.as("count"),
    ])
    .where("logged_at", ">=", from)
    .where("logged_at", "<", to)
    .groupBy([
      "authority_id",
      "kind",
      "logger_sector",
      "status",
      "answer_due_on",
      sql`first_answered_at is not null`,
    ])
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

export type { AnswerKind };

/** The barriers this person logged that have no answer in substance and whose last day is before `before` (appeals). */
export function unansweredBarriersLoggedBy(
  db: Db,
  userId: string,
  before: string,
  limit: number,
): Promise<(Barrier & { authority_name: string })[]> {
  return db
    .selectFrom("barriers as b")
    .innerJoin("authorities as a", "a.id", "b.authority_id")
    .selectAll("b")
    .select("a.name as authority_name")
    .where("b.logged_by", "=", userId)
    .where("b.first_answered_at", "is", null)
    .where("b.answer_due_on", "<", before)
    .orderBy("b.answer_due_on", "desc")
    .limit(limit)
    .execute();
}
