/**
 * Finding opportunities' SQL: the search of published tenders, saved searches, and matching a newly
 * published tender against every saved search with alerts on. Every function takes the database or
 * a transaction first.
 *
 * Keywords match the same way in the search and in the matching (`src/db/text-search.ts`): the
 * tender's title and description as English full text (`websearch_to_tsquery`: "home care",
 * "care -residential", "\"day centre\""), or each word typed as the start of a word in them (so
 * "reabl" finds "Reablement"). The search reads the tenders' stored, indexed `search` column;
 * matching a newly published tender computes the same (`tenderText`).
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import { countMatches, countUpTo, type FacetCounts, type Total } from "../../db/paging.ts";
import { matchesText } from "../../db/text-search.ts";
import type { NewSavedSearch, SavedSearch, SavedSearchesTable } from "./opportunities.table.ts";

/** A published tender as the search shows it. */
export interface OpportunityRow {
  authority_id: string;
  id: string;
  title: string;
  description: string;
  procedure: string;
  reserved: boolean;
  status: "draft" | "published" | "cancelled";
  submission_deadline: Date;
  published_at: Date | null;
  opened_at: Date | null;
  authority_name: string;
  authority_slug: string;
  category_code: string;
  category_name: string;
  area_code: string;
  area_name: string;
  estimated_value_pence: bigint;
}

/** Checked search filters, as SQL needs them. Empty lists and nulls mean "any". */
export interface SearchFilters {
  keywords: string;
  categories: readonly string[];
  areas: readonly string[];
  minValue: bigint | null;
  maxValue: bigint | null;
  /** Deadline at or after this instant (the start of a London day). */
  deadlineAtOrAfter: Date | null;
  /** Deadline before this instant (the end of a London day). */
  deadlineBefore: Date | null;
  reservedOnly: boolean;
  /** Closed and opened tenders too; otherwise only those whose deadline is after `now`. */
  includeClosed: boolean;
}

type Joined = Database & {
  t: Database["tenders"];
  a: Database["authorities"];
  p: Database["projects"];
  c: Database["service_categories"];
  r: Database["areas"];
};

function tendersWithNames(db: Db) {
  return db
    .selectFrom("tenders as t")
    .innerJoin("authorities as a", "a.id", "t.authority_id")
    .innerJoin("projects as p", (j) =>
      j.onRef("p.authority_id", "=", "t.authority_id").onRef("p.id", "=", "t.project_id"),
    )
    .innerJoin("service_categories as c", "c.code", "p.category_code")
    .innerJoin("areas as r", "r.code", "p.area_code");
}

const rowColumns = [
  "t.authority_id",
  "t.id",
  "t.title",
  "t.description",
  "t.procedure",
  "t.reserved",
  "t.status",
  "t.submission_deadline",
  "t.published_at",
  "t.opened_at",
  "a.name as authority_name",
  "a.slug as authority_slug",
  "p.category_code",
  "c.name as category_name",
  "p.area_code",
  "r.name as area_name",
  "p.estimated_value_pence",
] as const;

/** A tender's title and description as English full text: what the stored `tenders.search` holds. */
function tenderText(title: Expression<string>, description: Expression<string>) {
  return sql`to_tsvector('english', ${title} || ' ' || ${description})`;
}

export type Facet = "category" | "area";

/** Published tenders meeting the filters. */
function filtered(db: Db, filters: SearchFilters, now: Date) {
  return tendersWithNames(db).where((eb: ExpressionBuilder<Joined, "t" | "a" | "p" | "c" | "r">) => {
    const and: Expression<SqlBool>[] = [eb("t.status", "=", "published")];
    if (!filters.includeClosed) and.push(eb("t.submission_deadline", ">", now));
    const keywords = filters.keywords.trim();
    if (keywords !== "") and.push(matchesText(sql.ref("t.search"), keywords));
    if (filters.categories.length > 0) and.push(eb("p.category_code", "in", filters.categories));
    if (filters.areas.length > 0) and.push(eb("p.area_code", "in", filters.areas));
    if (filters.minValue !== null) and.push(eb("p.estimated_value_pence", ">=", filters.minValue));
    if (filters.maxValue !== null) and.push(eb("p.estimated_value_pence", "<=", filters.maxValue));
    if (filters.deadlineAtOrAfter) and.push(eb("t.submission_deadline", ">=", filters.deadlineAtOrAfter));
    if (filters.deadlineBefore) and.push(eb("t.submission_deadline", "<", filters.deadlineBefore));
    if (filters.reservedOnly) and.push(eb("t.reserved", "=", true));
    return eb.and(and);
  });
}

/**
 * One page of published tenders meeting the filters: open ones first, soonest deadline first; then
 * (with `includeClosed`) closed and opened ones, latest deadline first. Each part is read in its
 * order from the index on (status, deadline), so a page reads no more than the rows before it and
 * its own; `offset` is at most the first 1,000 matches (the service pages no further).
 */
export async function searchTenders(
  db: Db,
  filters: SearchFilters,
  now: Date,
  limit: number,
  offset: number,
): Promise<OpportunityRow[]> {
  const open = filtered(db, { ...filters, includeClosed: false }, now);
  const openRows = (await open
    .select([...rowColumns])
    .orderBy("t.submission_deadline")
    .orderBy("t.authority_id")
    .orderBy("t.id")
    .limit(limit)
    .offset(offset)
    .execute()) as OpportunityRow[];
  if (!filters.includeClosed || openRows.length === limit) return openRows;
  // The closed part starts where the open part ends: how far into it this page starts.
  const openCount =
    openRows.length > 0 ? offset + openRows.length : (await countUpTo(db, open, offset)).count;
  const closedRows = (await filtered(db, filters, now)
    .where("t.submission_deadline", "<=", now)
    .select([...rowColumns])
    .orderBy("t.submission_deadline", "desc")
    .orderBy("t.authority_id", "desc")
    .orderBy("t.id", "desc")
    .limit(limit - openRows.length)
    .offset(Math.max(0, offset - openCount))
    .execute()) as OpportunityRow[];
  return [...openRows, ...closedRows];
}

/** How many published tenders meet the filters, counted up to `cap`. */
export function countTenders(db: Db, filters: SearchFilters, now: Date, cap: number): Promise<Total> {
  return countUpTo(db, filtered(db, filters, now), cap);
}

/**
 * In one query, how many published tenders the filters match — all of them, or up to `upTo`
 * (beyond which the count says `upTo` and nothing more is counted) — and, over those, how many each category or area
 * of `facets` has (facets the caller leaves unfiltered: their counts are of these matches).
 */
export async function tenderCounts(
  db: Db,
  filters: SearchFilters,
  now: Date,
  facets: readonly Facet[],
  upTo?: number,
): Promise<{ matched: number; facets: Partial<Record<Facet, Map<string, number>>> }> {
  let matched = filtered(db, filters, now).select(["p.category_code", "p.area_code"]);
  if (upTo !== undefined) matched = matched.limit(upTo);
  const counted = await countMatches(
    db,
    matched,
    {
      category: sql`select m.category_code, count(*) from m group by m.category_code`,
      area: sql`select m.area_code, count(*) from m group by m.area_code`,
    },
    facets,
    upTo,
  );
  const byValue = (values: FacetCounts | undefined) => new Map(values?.map((row) => [row.value, row.count]));
  return {
    matched: counted.matched,
    facets: Object.fromEntries(facets.map((facet) => [facet, byValue(counted.facets[facet])])),
  };
}

/** A tender (any status) with the names the alerts show, or undefined. */
export function tenderForAlerts(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<OpportunityRow | undefined> {
  return tendersWithNames(db)
    .select([...rowColumns])
    .where("t.authority_id", "=", authorityId)
    .where("t.id", "=", tenderId)
    .executeTakeFirst() as Promise<OpportunityRow | undefined>;
}

// Matching a tender against saved searches

/** What a tender offers to the matching: its values, not its row (it is one tender). */
export interface TenderFacts {
  authorityId: string;
  tenderId: string;
  title: string;
  description: string;
  categoryCode: string;
  areaCode: string;
  estimatedValue: bigint;
  /** The London calendar date of the submission deadline (YYYY-MM-DD). */
  deadlineDate: string;
  reserved: boolean;
}

export interface MatchedUser {
  user_id: string;
  /** The user's saved searches the tender matches and that were not alerted of it yet. */
  searches: { id: string; name: string }[];
}

/**
 * Users with saved searches (alerts on) that the tender matches and that have not been alerted of
 * it, after `afterUserId` in user order, up to `limit` users. All in SQL: each saved search's
 * filters are tested against the tender's facts.
 */
export async function usersToAlert(
  db: Db,
  tender: TenderFacts,
  afterUserId: string | null,
  limit: number,
): Promise<MatchedUser[]> {
  let query = db
    .selectFrom("saved_searches as s")
    .select(["s.user_id", "s.id", "s.name"])
    .where("s.alerts", "=", true)
    .where(
      sql<SqlBool>`(cardinality(s.category_codes) = 0 or ${tender.categoryCode}::text = any (s.category_codes))`,
    )
    .where(sql<SqlBool>`(cardinality(s.area_codes) = 0 or ${tender.areaCode}::text = any (s.area_codes))`)
    .where(sql<SqlBool>`(s.min_value_pence is null or s.min_value_pence <= ${tender.estimatedValue})`)
    .where(sql<SqlBool>`(s.max_value_pence is null or s.max_value_pence >= ${tender.estimatedValue})`)
    .where(sql<SqlBool>`(s.deadline_from is null or s.deadline_from <= ${tender.deadlineDate}::date)`)
    .where(sql<SqlBool>`(s.deadline_to is null or s.deadline_to >= ${tender.deadlineDate}::date)`)
    .where(sql<SqlBool>`(not s.reserved_only or ${tender.reserved}::boolean)`)
    .where(
      sql<SqlBool>`(s.keywords = '' or ${matchesText(tenderText(sql.val(tender.title), sql.val(tender.description)), sql.ref<string>("s.keywords"))})`,
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("opportunity_alerts as o")
            .select(sql`1`.as("one"))
            .whereRef("o.saved_search_id", "=", "s.id")
            .where("o.authority_id", "=", tender.authorityId)
            .where("o.tender_id", "=", tender.tenderId),
        ),
      ),
    );
  if (afterUserId !== null) query = query.where("s.user_id", ">", afterUserId);
  // The first `limit` users, each with all their matching searches.
  const users = await db
    .selectFrom(query.as("m"))
    .select("m.user_id")
    .distinct()
    .orderBy("m.user_id")
    .limit(limit)
    .execute();
  if (users.length === 0) return [];
  const ids = users.map((u) => u.user_id);
  const rows = await query.where("s.user_id", "in", ids).orderBy("s.user_id").orderBy("s.name").execute();
  return ids.map((userId) => ({
    user_id: userId,
    searches: rows.filter((r) => r.user_id === userId).map((r) => ({ id: r.id, name: r.name })),
  }));
}

/** Records that a saved search was alerted of a tender; false when it already was. */
export async function insertAlert(
  trx: Trx,
  row: { saved_search_id: string; authority_id: string; tender_id: string; alerted_at: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto("opportunity_alerts")
    .values({ ...row, notification_id: null })
    .onConflict((oc) => oc.columns(["saved_search_id", "authority_id", "tender_id"]).doNothing())
    .returning("saved_search_id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function setAlertNotification(
  trx: Trx,
  savedSearchIds: readonly string[],
  authorityId: string,
  tenderId: string,
  notificationId: string,
): Promise<void> {
  if (savedSearchIds.length === 0) return;
  await trx
    .updateTable("opportunity_alerts")
    .set({ notification_id: notificationId })
    .where("saved_search_id", "in", savedSearchIds)
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .execute();
}

/** How many times each of the user's saved searches has alerted, by saved search id. */
export async function alertCounts(db: Db, userId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("opportunity_alerts as o")
    .innerJoin("saved_searches as s", "s.id", "o.saved_search_id")
    .select(["o.saved_search_id", (eb) => eb.fn.countAll<bigint>().as("n")])
    .where("s.user_id", "=", userId)
    .groupBy("o.saved_search_id")
    .execute();
  return new Map(rows.map((r) => [r.saved_search_id, Number(r.n)]));
}

// Saved searches

/** Locks the user's row: one change of their saved searches at a time (the limit, unique names). */
export async function lockUser(trx: Trx, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom("users")
    .select("id")
    .where("id", "=", userId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export async function countSavedSearches(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("saved_searches")
    .select((eb) => eb.fn.countAll<bigint>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the user has another saved search of this name (ignoring case). */
export async function nameTaken(db: Db, userId: string, name: string, exceptId?: string): Promise<boolean> {
  let query = db
    .selectFrom("saved_searches")
    .select("id")
    .where("user_id", "=", userId)
    .where(sql<SqlBool>`lower(name) = lower(${name})`);
  if (exceptId) query = query.where("id", "<>", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertSavedSearch(trx: Trx, row: NewSavedSearch): Promise<SavedSearch> {
  return trx.insertInto("saved_searches").values(row).returningAll().executeTakeFirstOrThrow();
}

/** The user's saved searches, oldest first. */
export function savedSearchesOf(db: Db, userId: string): Promise<SavedSearch[]> {
  return db
    .selectFrom("saved_searches")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** One of the user's own saved searches (another's is not found). */
export function findSavedSearch(db: Db, userId: string, id: string): Promise<SavedSearch | undefined> {
  return db
    .selectFrom("saved_searches")
    .selectAll()
    .where("user_id", "=", userId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function updateSavedSearch(
  trx: Trx,
  userId: string,
  id: string,
  changes: Partial<Pick<SavedSearchesTable, "name" | "alerts" | "updated_at">>,
): Promise<SavedSearch | undefined> {
  return trx
    .updateTable("saved_searches")
    .set(changes)
    .where("user_id", "=", userId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSavedSearch(trx: Trx, userId: string, id: string): Promise<boolean> {
  const result = await trx
    .deleteFrom("saved_searches")
    .where("user_id", "=", userId)
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
