/** Arrangements' and "choice not available" records' SQL. Every function takes the database or a transaction first. */
import { type Insertable, sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  ChoiceArrangement,
  ChoiceArrangementsTable,
  ChoiceUnavailable,
  ChoiceUnavailableTable,
  PaidFrom,
} from "./choice.table.ts";

/** An arrangement with the names it refers to. */
export interface ArrangementRow extends ChoiceArrangement {
  organisation_name: string;
  category_name: string;
  authority_slug: string;
  authority_name: string;
}

function arrangements(db: Db) {
  return db
    .selectFrom("choice_arrangements as r")
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .innerJoin("service_categories as c", "c.code", "r.category_code")
    .innerJoin("authorities as a", "a.id", "r.authority_id")
    .selectAll("r")
    .select([
      "o.name as organisation_name",
      "c.name as category_name",
      "a.slug as authority_slug",
      "a.name as authority_name",
    ]);
}

export async function insertArrangement(trx: Trx, row: Insertable<ChoiceArrangementsTable>): Promise<void> {
  await trx.insertInto("choice_arrangements").values(row).execute();
}

export async function findArrangement(
  db: Db,
  authorityId: string,
  id: string,
): Promise<ArrangementRow | undefined> {
  return arrangements(db).where("r.authority_id", "=", authorityId).where("r.id", "=", id).executeTakeFirst();
}

export async function lockArrangement(
  trx: Trx,
  authorityId: string,
  id: string,
): Promise<ChoiceArrangement | undefined> {
  return trx
    .selectFrom("choice_arrangements")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** A plan's arrangements still counting after `day` (proposed or accepted, not ended by then), locked for a change. */
export async function runningOfPlanAfter(
  trx: Trx,
  authorityId: string,
  planId: string,
  day: string,
): Promise<ChoiceArrangement[]> {
  return trx
    .selectFrom("choice_arrangements")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("status", "in", ["proposed", "accepted"])
    .where((eb) => eb.or([eb("ends_on", "is", null), eb("ends_on", ">", day)]))
    .orderBy("id")
    .limit(500)
    .forUpdate()
    .execute();
}

export async function updateArrangement(
  trx: Trx,
  authorityId: string,
  id: string,
  set: Partial<
    Pick<
      ChoiceArrangementsTable,
      "status" | "answered_at" | "decline_reason" | "ends_on" | "end_reason" | "ended_by" | "updated_at"
    >
  >,
): Promise<void> {
  await trx
    .updateTable("choice_arrangements")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/**
 * A plan's arrangements paid from one part that still count against it from `from` on: proposed or
 * accepted, not ended before that day. Read by the plan's index.
 */
export async function committedFrom(
  db: Db,
  authorityId: string,
  planId: string,
  paidFrom: PaidFrom,
  from: string,
): Promise<ChoiceArrangement[]> {
  return db
    .selectFrom("choice_arrangements")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("paid_from", "=", paidFrom)
    .where("status", "in", ["proposed", "accepted"])
    .where((eb) => eb.or([eb("ends_on", "is", null), eb("ends_on", ">=", from)]))
    .orderBy("created_at")
    .execute();
}

/** A plan's accepted arrangements not ended before `on` (budgets' invoices against them). */
export async function liveOfPlan(
  db: Db,
  authorityId: string,
  planId: string,
  on: string,
): Promise<ArrangementRow[]> {
  return arrangements(db)
    .where("r.authority_id", "=", authorityId)
    .where("r.plan_id", "=", planId)
    .where("r.status", "=", "accepted")
    .where((eb) => eb.or([eb("r.ends_on", "is", null), eb("r.ends_on", ">=", on)]))
    .orderBy("r.starts_on")
    .orderBy("r.id")
    .execute();
}

/** A person's arrangements, newest first, at most `limit`. */
export async function arrangementsOfPerson(
  db: Db,
  authorityId: string,
  personId: string,
  limit: number,
): Promise<ArrangementRow[]> {
  return arrangements(db)
    .where("r.authority_id", "=", authorityId)
    .where("r.person_id", "=", personId)
    .orderBy("r.created_at", "desc")
    .orderBy("r.id", "desc")
    .limit(limit)
    .execute();
}

/** A provider's arrangements, newest first, a page by key. */
export async function arrangementsOfOrganisation(
  db: Db,
  organisationId: string,
  limit: number,
  after?: readonly [string, string],
): Promise<ArrangementRow[]> {
  let q = arrangements(db).where("r.organisation_id", "=", organisationId);
  if (after) q = q.where(sql<boolean>`(r.created_at, r.id) < (${new Date(after[0])}, ${after[1]}::uuid)`);
  return q.orderBy("r.created_at", "desc").orderBy("r.id", "desc").limit(limit).execute();
}

// Choice not available

export async function insertUnavailable(trx: Trx, row: Insertable<ChoiceUnavailableTable>): Promise<void> {
  await trx.insertInto("choice_unavailable").values(row).execute();
}

export interface UnavailableRow extends ChoiceUnavailable {
  category_name: string;
  area_name: string;
  authority_slug: string;
  authority_name: string;
}

function unavailable(db: Db) {
  return db
    .selectFrom("choice_unavailable as u")
    .innerJoin("service_categories as c", "c.code", "u.category_code")
    .innerJoin("areas as ar", "ar.code", "u.area_code")
    .innerJoin("authorities as a", "a.id", "u.authority_id")
    .selectAll("u")
    .select([
      "c.name as category_name",
      "ar.name as area_name",
      "a.slug as authority_slug",
      "a.name as authority_name",
    ]);
}

export async function findUnavailable(
  db: Db,
  authorityId: string,
  id: string,
): Promise<UnavailableRow | undefined> {
  return unavailable(db).where("u.authority_id", "=", authorityId).where("u.id", "=", id).executeTakeFirst();
}

export async function lockUnavailable(
  trx: Trx,
  authorityId: string,
  id: string,
): Promise<ChoiceUnavailable | undefined> {
  return trx
    .selectFrom("choice_unavailable")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function answerUnavailable(
  trx: Trx,
  authorityId: string,
  id: string,
  set: Pick<
    ChoiceUnavailableTable,
    "answered_on" | "answer_outcome" | "answer" | "answered_by" | "answered_at"
  >,
): Promise<void> {
  await trx
    .updateTable("choice_unavailable")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export async function unavailableOfPerson(
  db: Db,
  authorityId: string,
  personId: string,
  limit: number,
): Promise<UnavailableRow[]> {
  return unavailable(db)
    .where("u.authority_id", "=", authorityId)
    .where("u.person_id", "=", personId)
    .orderBy("u.created_at", "desc")
    .orderBy("u.id", "desc")
    .limit(limit)
    .execute();
}

/** The records of these authorities waiting for an answer, soonest due first, with how many in all. */
export async function unavailableWaiting(
  db: Db,
  authorityIds: readonly string[],
  limit: number,
): Promise<
  (ChoiceUnavailable & {
    more: number;
    authority_slug: string;
    authority_name: string;
    category_name: string;
  })[]
> {
  if (authorityIds.length === 0) return [];
  const rows = await db
    .selectFrom("choice_unavailable as u")
    .innerJoin("authorities as a", "a.id", "u.authority_id")
    .innerJoin("service_categories as c", "c.code", "u.category_code")
    .selectAll("u")
    .select([
      "a.slug as authority_slug",
      "a.name as authority_name",
      "c.name as category_name",
      sql<string>`count(*) over ()`.as("total"),
    ])
    .where("u.authority_id", "in", authorityIds)
    .where("u.answered_on", "is", null)
    .orderBy("u.due_on")
    .orderBy("u.id")
    .limit(limit)
    .execute();
  return rows.map(({ total, ...r }) => ({ ...r, more: Math.max(0, Number(total) - rows.length) }));
}

export interface UnavailableFigureRow {
  area_code: string;
  records: number;
  on_time: number;
  late: number;
  waiting: number;
  overdue: number;
}

/**
 * The open figures of one authority's records per area: counted from the index
 * `choice_unavailable_figures` (authority, area, with the due and answered days), never a scan of
 * other authorities'. A record waiting past its day counts as waiting and overdue.
 */
export async function unavailableFigures(
  db: Db,
  authorityId: string,
  today: string,
): Promise<UnavailableFigureRow[]> {
  const rows = await db
    .selectFrom("choice_unavailable")
    .select([
      "area_code",
      sql<string>`count(*)`.as("records"),
      sql<string>`count(*) filter (where answered_on <= due_on)`.as("on_time"),
      sql<string>`count(*) filter (where answered_on > due_on)`.as("late"),
      sql<string>`count(*) filter (where answered_on is null)`.as("waiting"),
      sql<string>`count(*) filter (where answered_on is null and due_on < ${today}::date)`.as("overdue"),
    ])
    .where("authority_id", "=", authorityId)
    .groupBy("area_code")
    .orderBy("area_code")
    .execute();
  return rows.map((r) => ({
    area_code: r.area_code,
    records: Number(r.records),
    on_time: Number(r.on_time),
    late: Number(r.late),
    waiting: Number(r.waiting),
    overdue: Number(r.overdue),
  }));
}

/** A page of a person's arrangements, oldest first, after the key (created_at, id) given (subject access). */
export async function arrangementsOfPersonAfter(
  db: Db,
  authorityId: string,
  personId: string,
  after: readonly [Date, string] | undefined,
  limit: number,
): Promise<ArrangementRow[]> {
  let q = arrangements(db).where("r.authority_id", "=", authorityId).where("r.person_id", "=", personId);
  if (after) q = q.where(sql<boolean>`(r.created_at, r.id) > (${after[0]}, ${after[1]}::uuid)`);
  return q.orderBy("r.created_at").orderBy("r.id").limit(limit).execute();
}

/** A page of a person's records that choice was not available, oldest first, after the key given (subject access). */
export async function unavailableOfPersonAfter(
  db: Db,
  authorityId: string,
  personId: string,
  after: readonly [Date, string] | undefined,
  limit: number,
): Promise<UnavailableRow[]> {
  let q = unavailable(db).where("u.authority_id", "=", authorityId).where("u.person_id", "=", personId);
  if (after) q = q.where(sql<boolean>`(u.created_at, u.id) > (${after[0]}, ${after[1]}::uuid)`);
  return q.orderBy("u.created_at").orderBy("u.id").limit(limit).execute();
}
