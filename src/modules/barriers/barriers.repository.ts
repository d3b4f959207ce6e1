/**
 * SQL of the barriers register: barriers and their answers (`barriers`, `barrier_answers`), an
 * authority's list, the open ones of some kinds, and the national counts by year.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  AnswerKind,
  Barrier,
  BarrierAnswer,
  BarrierEvidence,
  BarrierStatus,
  NewBarrier,
} from "./barriers.table.ts";

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

// Evidence

export async function insertEvidence(db: Db, row: BarrierEvidence): Promise<void> {
  await db.insertInto("barrier_evidence").values(row).execute();
}

/** A barrier's documents, in the order they were uploaded. */
export function evidenceOf(db: Db, authorityId: string, barrierId: string): Promise<BarrierEvidence[]> {
  return db
    .selectFrom("barrier_evidence")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("barrier_id", "=", barrierId)
    .orderBy("uploaded_at")
    .orderBy("id")
    .execute();
}

// The daily sweep over the clock

/**
 * The barriers with no answer in substance whose last day is on or before `lastDay`, not yet told
 * of (`reminded_on` null for the reminder; `overdue_told_on` null for the overdue notice), the
 * earliest first, after `after` (their due day and keys), at most `limit`.
 */
export function waitingToTell(
  db: Db,
  which: "reminder" | "overdue",
  lastDay: string,
  after: { dueOn: string; authorityId: string; id: string } | undefined,
  limit: number,
): Promise<Barrier[]> {
  let query = db
    .selectFrom("barriers")
    .selectAll()
    .where("first_answered_at", "is", null)
    .where("answer_due_on", which === "reminder" ? "<=" : "<", lastDay)
    .where(which === "reminder" ? "reminded_on" : "overdue_told_on", "is", null);
  if (after)
    query = query.where((eb) =>
      eb(
        eb.refTuple("answer_due_on", "authority_id", "id"),
        ">",
        eb.tuple(after.dueOn, after.authorityId, after.id),
      ),
    );
  return query.orderBy("answer_due_on").orderBy("authority_id").orderBy("id").limit(limit).execute();
}

export async function markTold(
  db: Db,
  authorityId: string,
  id: string,
  change: { reminded_on?: string; overdue_told_on?: string },
): Promise<void> {
  await db
    .updateTable("barriers")
    .set(change)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The barriers of these authorities waiting for an answer in substance, the earliest last day first, at most `limit`, with their tender's title ("Your work"). */
export function waitingForAnswer(
  db: Db,
  authorityIds: readonly string[],
  limit: number,
): Promise<(Barrier & { tender_title: string | null })[]> {
  if (authorityIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("barriers as b")
    .leftJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "b.authority_id").onRef("t.id", "=", "b.tender_id"),
    )
    .selectAll("b")
    .select("t.title as tender_title")
    .where("b.authority_id", "in", [...authorityIds])
    .where("b.first_answered_at", "is", null)
    .orderBy("b.answer_due_on")
    .orderBy("b.id")
    .limit(limit)
    .execute();
}
