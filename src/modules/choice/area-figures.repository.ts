/**
 * The area figures of choice' SQL (area-figures.service.ts): the open lists covering an area, their
 * members' offers, and "choice not available" records of the people in the area by month. Each
 * query narrowed to the area by an index (`choice_list_areas_by_area`, the lists' and members'
 * keys, `choice_unavailable_by_area`). Every function takes the database or a transaction first.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { OfferCapacityUnit, TariffUnit } from "./choice.table.ts";

/** An open list covering the area, with the names it refers to. */
export interface AreaListRow {
  authority_id: string;
  id: string;
  title: string;
  category_code: string;
  category_name: string;
  tariff_pence: bigint;
  tariff_unit: TariffUnit;
  member_count: number;
  authority_name: string;
  authority_slug: string;
}

/** The open lists covering an area, by service type then title; at most `limit`. */
export function openListsInArea(db: Db, areaCode: string, limit: number): Promise<AreaListRow[]> {
  return db
    .selectFrom("choice_list_areas as la")
    .innerJoin("choice_lists as l", (j) =>
      j.onRef("l.authority_id", "=", "la.authority_id").onRef("l.id", "=", "la.list_id"),
    )
    .innerJoin("service_categories as c", "c.code", "l.category_code")
    .innerJoin("authorities as a", "a.id", "l.authority_id")
    .select([
      "l.authority_id",
      "l.id",
      "l.title",
      "l.category_code",
      "c.name as category_name",
      "l.tariff_pence",
      "l.tariff_unit",
      "l.member_count",
      "a.name as authority_name",
      "a.slug as authority_slug",
    ])
    .where("la.area_code", "=", areaCode)
    .where("l.status", "=", "open")
    .orderBy("c.name")
    .orderBy("l.title")
    .orderBy("l.id")
    .limit(limit)
    .execute();
}

/** A member's offer on one of the lists. */
export interface AreaMemberRow {
  authority_id: string;
  list_id: string;
  organisation_id: string;
  capacity: number | null;
  capacity_unit: OfferCapacityUnit | null;
  capacity_stated_on: string | null;
  price_pence: bigint | null;
}

/** The current members of these lists (by the members' key), with their offers. */
export async function membersOfLists(
  db: Db,
  keys: readonly (readonly [authorityId: string, listId: string])[],
): Promise<AreaMemberRow[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom("choice_members")
    .select([
      "authority_id",
      "list_id",
      "organisation_id",
      "capacity",
      "capacity_unit",
      "capacity_stated_on",
      "price_pence",
    ])
    .where((eb) =>
      eb.or(
        keys.map(([authorityId, listId]) =>
          eb.and([eb("authority_id", "=", authorityId), eb("list_id", "=", listId)]),
        ),
      ),
    )
    .where("status", "=", "member")
    .execute();
}

/** One month's "choice not available" records of the people in an area, as they stand on `today`. */
export interface UnavailableMonthRow {
  /** YYYY-MM: the month recorded. */
  month: string;
  records: number;
  on_time: number;
  late: number;
  waiting: number;
  overdue: number;
}

/** Records of the area from `fromDate` (YYYY-MM-DD) on, per month recorded: one grouped read of the index. */
export async function unavailableByMonth(
  db: Db,
  areaCode: string,
  fromDate: string,
  today: string,
): Promise<UnavailableMonthRow[]> {
  const rows = await db
    .selectFrom("choice_unavailable")
    .select([
      sql<string>`to_char(recorded_on, 'YYYY-MM')`.as("month"),
      sql<string>`count(*)`.as("records"),
      sql<string>`count(*) filter (where answered_on <= due_on)`.as("on_time"),
      sql<string>`count(*) filter (where answered_on > due_on)`.as("late"),
      sql<string>`count(*) filter (where answered_on is null)`.as("waiting"),
      sql<string>`count(*) filter (where answered_on is null and due_on < ${today}::date)`.as("overdue"),
    ])
    .where("area_code", "=", areaCode)
    .where("recorded_on", ">=", fromDate)
    .groupBy(sql`to_char(recorded_on, 'YYYY-MM')`)
    .orderBy(sql`to_char(recorded_on, 'YYYY-MM')`)
    .execute();
  return rows.map((r) => ({
    month: r.month,
    records: Number(r.records),
    on_time: Number(r.on_time),
    late: Number(r.late),
    waiting: Number(r.waiting),
    overdue: Number(r.overdue),
  }));
}

/**
 * For each of the areas, how many open lists cover it and for how many service types: one grouped
 * read (by `choice_list_areas_by_area`), an area with none left out. A champion's headlines.
 */
export function openListCountsByArea(
  db: Db,
  areaCodes: readonly string[],
): Promise<{ area_code: string; lists: number; service_types: number }[]> {
  if (areaCodes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("choice_list_areas as la")
    .innerJoin("choice_lists as l", (j) =>
      j.onRef("l.authority_id", "=", "la.authority_id").onRef("l.id", "=", "la.list_id"),
    )
    .select((eb) => [
      "la.area_code",
      eb.cast<number>(eb.fn.countAll(), "integer").as("lists"),
      eb.cast<number>(eb.fn.count("l.category_code").distinct(), "integer").as("service_types"),
    ])
    .where("la.area_code", "in", [...areaCodes])
    .where("l.status", "=", "open")
    .groupBy("la.area_code")
    .execute();
}
