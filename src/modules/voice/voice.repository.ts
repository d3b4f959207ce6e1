/** The voice module's SQL: champions' areas, their reports and the reports' versions. */

import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  ChampionReport,
  ChampionReportVersion,
  FeedbackReview,
  FeedbackVersion,
  NewChampionReport,
  ReportState,
} from "./voice.table.ts";

// Areas

export interface AreaOfChampion {
  champion_id: string;
  area_code: string;
  area_name: string;
}

/** The areas these champions cover, with their names, by champion then name. */
export function areasOf(db: Db, championIds: readonly string[]): Promise<AreaOfChampion[]> {
  if (championIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("champion_areas as c")
    .innerJoin("areas as a", "a.code", "c.area_code")
    .select(["c.champion_id", "c.area_code", "a.name as area_name"])
    .where("c.champion_id", "in", [...new Set(championIds)])
    .orderBy("c.champion_id")
    .orderBy("a.name")
    .execute();
}

/** Whether the champion covers the area. */
export async function coversArea(db: Db, championId: string, areaCode: string): Promise<boolean> {
  const row = await db
    .selectFrom("champion_areas")
    .select("area_code")
    .where("champion_id", "=", championId)
    .where("area_code", "=", areaCode)
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds an area (no change when covered already); whether it was added. */
export async function insertArea(
  trx: Trx,
  row: { champion_id: string; area_code: string; added_by: string | null; added_at: Date },
): Promise<boolean> {
  const result = await trx
    .insertInto("champion_areas")
    .values(row)
    .onConflict((oc) => oc.columns(["champion_id", "area_code"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function deleteArea(trx: Trx, championId: string, areaCode: string): Promise<boolean> {
  const result = await trx
    .deleteFrom("champion_areas")
    .where("champion_id", "=", championId)
    .where("area_code", "=", areaCode)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Whether any of the champion's reports is about the area (it then stays covered). */
export async function hasReportsIn(db: Db, championId: string, areaCode: string): Promise<boolean> {
  const row = await db
    .selectFrom("champion_reports")
    .select("id")
    .where("champion_id", "=", championId)
    .where("area_code", "=", areaCode)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// Reports

export async function insertReport(trx: Trx, report: NewChampionReport): Promise<void> {
  await trx.insertInto("champion_reports").values(report).execute();
}

export function findReport(db: Db, championId: string, id: string): Promise<ChampionReport | undefined> {
  return db
    .selectFrom("champion_reports")
    .selectAll()
    .where("champion_id", "=", championId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export function lockReport(trx: Trx, championId: string, id: string): Promise<ChampionReport | undefined> {
  return trx
    .selectFrom("champion_reports")
    .selectAll()
    .where("champion_id", "=", championId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateReport(
  trx: Trx,
  championId: string,
  id: string,
  changes: Partial<
    Pick<
      ChampionReport,
      | "state"
      | "title"
      | "summary"
      | "body"
      | "area_code"
      | "category_code"
      | "version"
      | "updated_at"
      | "published_at"
      | "withdrawn_at"
      | "withdrawal_reason"
    >
  >,
): Promise<void> {
  await trx
    .updateTable("champion_reports")
    .set(changes)
    .where("champion_id", "=", championId)
    .where("id", "=", id)
    .execute();
}

export async function insertVersion(trx: Trx, version: ChampionReportVersion): Promise<void> {
  await trx.insertInto("champion_report_versions").values(version).execute();
}

export function versionsOf(db: Db, championId: string, reportId: string): Promise<ChampionReportVersion[]> {
  return db
    .selectFrom("champion_report_versions")
    .selectAll()
    .where("champion_id", "=", championId)
    .where("report_id", "=", reportId)
    .orderBy("version")
    .execute();
}

/** A champion's reports in a state, newest first (its people's drafts: a few). */
export function reportsInState(
  db: Db,
  championId: string,
  state: ReportState,
  limit: number,
): Promise<ChampionReport[]> {
  return db
    .selectFrom("champion_reports")
    .selectAll()
    .where("champion_id", "=", championId)
    .where("state", "=", state)
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export interface ReportFilters {
  championId?: string;
  areaCode?: string;
}

export interface ReportSeek {
  key: { publishedAt: Date; id: string };
  direction: "after" | "before";
}

/** The published reports the filters match (for counting). */
export function publishedReports(db: Db, filters: ReportFilters) {
  let query = db.selectFrom("champion_reports").where("state", "=", "published");
  if (filters.championId) query = query.where("champion_id", "=", filters.championId);
  if (filters.areaCode) query = query.where("area_code", "=", filters.areaCode);
  return query;
}

/**
 * Up to `limit` published reports, newest first (by when first published, then id), after or before
 * `seek`; in page order either way. Read by an index on (state, published_at, id), with the
 * champion or the area first when filtered by one.
 */
export async function reportsPage(
  db: Db,
  options: { filters: ReportFilters; seek?: ReportSeek; limit: number },
): Promise<ChampionReport[]> {
  const backwards = options.seek?.direction === "before";
  const order = backwards ? "asc" : "desc";
  let query = publishedReports(db, options.filters).selectAll();
  const seek = options.seek;
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("published_at", "id"),
        seek.direction === "after" ? "<" : ">",
        tuple(seek.key.publishedAt, seek.key.id),
      ),
    );
  const rows = await query.orderBy("published_at", order).orderBy("id", order).limit(options.limit).execute();
  return backwards ? rows.reverse() : rows;
}

/** The areas any champion covers, with their names (the reports' area filter). */
export function coveredAreas(db: Db): Promise<{ code: string; name: string }[]> {
  return db
    .selectFrom("champion_areas as c")
    .innerJoin("areas as a", "a.code", "c.area_code")
    .select(["a.code", "a.name"])
    .distinct()
    .orderBy("a.name")
    .orderBy("a.code")
    .execute();
}

// Feedback (docs/feedback.md)

/** A person's review of a provider, if any. */
export function feedbackOf(
  db: Db,
  authorityId: string,
  personId: string,
  organisationId: string,
): Promise<FeedbackReview | undefined> {
  return db
    .selectFrom("feedback_reviews")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .where("organisation_id", "=", organisationId)
    .forUpdate()
    .executeTakeFirst();
}

export function findFeedback(db: Db, id: string): Promise<FeedbackReview | undefined> {
  return db.selectFrom("feedback_reviews").selectAll().where("id", "=", id).executeTakeFirst();
}

export function lockFeedback(trx: Trx, id: string): Promise<FeedbackReview | undefined> {
  return trx.selectFrom("feedback_reviews").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** Inserts the review, or writes it over its row (`exists`). */
export async function saveFeedback(trx: Trx, row: FeedbackReview, exists: boolean): Promise<void> {
  if (exists) {
    const { id, ...rest } = row;
    await trx.updateTable("feedback_reviews").set(rest).where("id", "=", id).execute();
  } else await trx.insertInto("feedback_reviews").values(row).execute();
}

export async function insertFeedbackVersion(
  trx: Trx,
  row: Omit<FeedbackVersion, "seq" | "redacted_at">,
): Promise<void> {
  await trx
    .insertInto("feedback_versions")
    .values({
      ...row,
      seq: sql<number>`(select coalesce(max(seq), 0) + 1 from feedback_versions where review_id = ${row.review_id})`,
    })
    .execute();
}

/** A provider's published reviews, newest first, after a key. */
export function publishedFeedback(
  db: Db,
  organisationId: string,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<FeedbackReview[]> {
  let q = db
    .selectFrom("feedback_reviews")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("state", "=", "published");
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb("published_at", "<", after.at),
        eb.and([eb("published_at", "=", after.at), eb("id", "<", after.id)]),
      ]),
    );
  return q.orderBy("published_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

/** Reviews held for moderation, oldest first (by when last left), after a key. */
export function heldFeedback(
  db: Db,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<FeedbackReview[]> {
  let q = db.selectFrom("feedback_reviews").selectAll().where("state", "=", "held");
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("updated_at", "id"), ">", tuple(after.at, after.id)),
    );
  return q.orderBy("updated_at").orderBy("id").limit(limit).execute();
}

/** Published reviews of every provider, newest first, after a key (the moderators' list). */
export function recentFeedback(
  db: Db,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<FeedbackReview[]> {
  let q = db.selectFrom("feedback_reviews").selectAll().where("state", "=", "published");
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("published_at", "id"), "<", tuple(after.at, after.id)),
    );
  return q.orderBy("published_at", "desc").orderBy("id", "desc").limit(limit).execute();
}

/**
 * Replaces the text of the earlier versions of what a moderator edited: of the review (`"review"`:
 * the person's earlier texts and a moderator's edits) or of the provider's reply (`"reply"`), every
 * one before the latest — what a moderator removed as personal data is held nowhere else. How many
 * were redacted.
 */
export async function redactEarlierVersions(
  trx: Trx,
  reviewId: string,
  of: "review" | "reply",
  text: string,
  at: Date,
): Promise<number> {
  const latest = trx
    .selectFrom("feedback_versions")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("review_id", "=", reviewId);
  const result = await trx
    .updateTable("feedback_versions")
    .set({ text, redacted_at: at })
    .where("review_id", "=", reviewId)
    .where("kind", "in", of === "reply" ? ["reply"] : ["review", "moderation"])
    .where("seq", "<", latest)
    .where("redacted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes a review with its versions (the retention job): how many versions went with it. */
export async function eraseFeedback(trx: Trx, reviewId: string): Promise<number> {
  const versions = await trx
    .deleteFrom("feedback_versions")
    .where("review_id", "=", reviewId)
    .executeTakeFirst();
  await trx.deleteFrom("feedback_reviews").where("id", "=", reviewId).execute();
  return Number(versions.numDeletedRows);
}

/** The versions of a review, in order (for tests and the moderator's view of what is kept). */
export function feedbackVersionsOf(db: Db, reviewId: string): Promise<FeedbackVersion[]> {
  return db
    .selectFrom("feedback_versions")
    .selectAll()
    .where("review_id", "=", reviewId)
    .orderBy("seq")
    .execute();
}

/** Adds to (or takes from) the kept count of published reviews. */
export async function addToFeedbackFigures(
  trx: Trx,
  organisationId: string,
  categoryCode: string,
  stars: number,
  by: 1 | -1,
): Promise<void> {
  await trx
    .insertInto("feedback_figures")
    .values({ organisation_id: organisationId, category_code: categoryCode, stars, reviews: Math.max(by, 0) })
    .onConflict((oc) =>
      oc
        .columns(["organisation_id", "category_code", "stars"])
        .doUpdateSet({ reviews: sql<number>`feedback_figures.reviews + ${by}` }),
    )
    .execute();
}

export function feedbackFiguresOf(db: Db, organisationIds: readonly string[]) {
  if (organisationIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("feedback_figures")
    .select(["organisation_id", "category_code", "stars", "reviews"])
    .where("organisation_id", "in", [...new Set(organisationIds)])
    .execute();
}

/**
 * The kept figures' rows (provider, service type, stars) after a provider and service type, in key
 * order (the open dataset): read along the table's primary key.
 */
export function feedbackFiguresAfter(
  db: Db,
  after: { organisationId: string; categoryCode: string } | undefined,
  limit: number,
) {
  let q = db.selectFrom("feedback_figures").select(["organisation_id", "category_code", "stars", "reviews"]);
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("organisation_id", "category_code"), ">", tuple(after.organisationId, after.categoryCode)),
    );
  return q.orderBy("organisation_id").orderBy("category_code").orderBy("stars").limit(limit).execute();
}

/** Reviews last left before `before`, oldest first, after a key: the retention sweep's page. */
export function feedbackLeftBefore(
  db: Db,
  before: Date,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<{ id: string; left_at: Date }[]> {
  let q = db.selectFrom("feedback_reviews").select(["id", "left_at"]).where("left_at", "<", before);
  if (after)
    q = q.where(({ eb, refTuple, tuple }) => eb(refTuple("left_at", "id"), ">", tuple(after.at, after.id)));
  return q.orderBy("left_at").orderBy("id").limit(limit).execute();
}
