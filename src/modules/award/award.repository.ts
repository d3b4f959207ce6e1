/** The award's SQL (issue 6): awards, assessment summaries, challenges, and the handover to contracts. Every function takes the database or a transaction first. */
import { type RawBuilder, type Selectable, sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import { keepKeys, keysIn, type TenantKey } from "../../db/keys.ts";
import type {
  AwardAssessment,
  AwardAssessmentsTable,
  AwardChallengesTable,
  TenderAward,
  TenderAwardsTable,
} from "./award.table.ts";

function textArray(values: readonly string[]): RawBuilder<string[]> {
  return values.length === 0
    ? sql<string[]>`'{}'::text[]`
    : sql<string[]>`array[${sql.join([...values])}]::text[]`;
}

// Awards

export type AwardRow = TenderAward & { decided_by_name: string };

/** The tender's awards, latest first (at most one live; withdrawn ones before it). */
export function awardsOf(db: Db, authorityId: string, tenderId: string): Promise<AwardRow[]> {
  return db
    .selectFrom("tender_awards as a")
    .innerJoin("users as u", "u.id", "a.decided_by")
    .selectAll("a")
    .select("u.display_name as decided_by_name")
    .where("a.authority_id", "=", authorityId)
    .where("a.tender_id", "=", tenderId)
    .orderBy("a.decided_at", "desc")
    .orderBy("a.id")
    .execute();
}

/**
 * The awards of these tenders, each tender's latest first as `awardsOf` gives them (without who
 * decided them), of published tenders alone (never a draft's).
 */
export async function awardsOfTenders(db: Db, keys: readonly TenantKey[]): Promise<TenderAward[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom("tender_awards as a")
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "a.authority_id").onRef("t.id", "=", "a.tender_id"),
    )
    .selectAll("a")
    .where("t.status", "<>", "draft")
    .where(keysIn("a.authority_id", "a.tender_id", keys))
    .orderBy("a.decided_at", "desc")
    .orderBy("a.id")
    .execute();
  return keepKeys(rows, keys, (a) => [a.authority_id, a.tender_id]);
}

/** The tender's live award (not withdrawn), locked for update. */
export function lockLiveAward(trx: Trx, authorityId: string, tenderId: string) {
  return trx
    .selectFrom("tender_awards")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("status", "<>", "withdrawn")
    .forUpdate()
    .executeTakeFirst();
}

export async function insertAward(trx: Trx, row: TenderAwardsTable): Promise<void> {
  await trx
    .insertInto("tender_awards")
    .values({ ...row, consortium: JSON.stringify(row.consortium) as never })
    .execute();
}

export async function updateAward(
  trx: Trx,
  authorityId: string,
  awardId: string,
  changes: Partial<Pick<TenderAwardsTable, "status" | "withdrawn_at" | "withdrawn_reason">>,
): Promise<void> {
  await trx
    .updateTable("tender_awards")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", awardId)
    .execute();
}

export async function insertAssessments(trx: Trx, rows: AwardAssessmentsTable[]): Promise<void> {
  for (const row of rows)
    await trx
      .insertInto("award_assessments")
      .values({
        ...row,
        criteria: JSON.stringify(row.criteria) as never,
        exclusion_reasons: textArray(row.exclusion_reasons),
      })
      .execute();
}

export function assessmentsOf(db: Db, authorityId: string, awardId: string): Promise<AwardAssessment[]> {
  return db
    .selectFrom("award_assessments")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("award_id", "=", awardId)
    .orderBy("rank")
    .orderBy("bidder_name")
    .execute();
}

export interface ReceivedAssessmentRow extends AwardAssessment {
  tender_id: string;
  tender_title: string;
  authority_name: string;
  authority_slug: string;
  award_status: string;
  decided_at: Date;
  standstill_ends_at: Date;
  supplier_name: string;
}

/** Every assessment summary sent to the organisation, latest award first. */
export function assessmentsForOrganisation(db: Db, organisationId: string): Promise<ReceivedAssessmentRow[]> {
  return db
    .selectFrom("award_assessments as s")
    .innerJoin("tender_awards as a", (j) =>
      j.onRef("a.authority_id", "=", "s.authority_id").onRef("a.id", "=", "s.award_id"),
    )
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "a.authority_id").onRef("t.id", "=", "a.tender_id"),
    )
    .innerJoin("authorities as au", "au.id", "a.authority_id")
    .selectAll("s")
    .select([
      "a.tender_id",
      "t.title as tender_title",
      "au.name as authority_name",
      "au.slug as authority_slug",
      "a.status as award_status",
      "a.decided_at",
      "a.standstill_ends_at",
      "a.supplier_name",
    ])
    .where("s.organisation_id", "=", organisationId)
    .orderBy("a.decided_at", "desc")
    .orderBy("s.award_id")
    .execute() as Promise<ReceivedAssessmentRow[]>;
}

// Challenges

export type ChallengeRow = Selectable<AwardChallengesTable> & { organisation_name: string };

export function challengesOf(db: Db, authorityId: string, awardId: string): Promise<ChallengeRow[]> {
  return db
    .selectFrom("award_challenges as c")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .selectAll("c")
    .select("o.name as organisation_name")
    .where("c.authority_id", "=", authorityId)
    .where("c.award_id", "=", awardId)
    .orderBy("c.lodged_at")
    .orderBy("c.id")
    .execute();
}

export function lockChallenge(trx: Trx, authorityId: string, challengeId: string) {
  return trx
    .selectFrom("award_challenges")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", challengeId)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertChallenge(trx: Trx, row: AwardChallengesTable): Promise<void> {
  await trx.insertInto("award_challenges").values(row).execute();
}

/** Records a challenge's outcome (the commissioner's decision during standstill). */
export async function recordChallengeOutcome(
  trx: Trx,
  authorityId: string,
  challengeId: string,
  changes: Pick<AwardChallengesTable, "outcome" | "outcome_reason" | "decided_by" | "decided_at">,
): Promise<void> {
  await trx
    .updateTable("award_challenges")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", challengeId)
    .execute();
}

export function regulatedActivity(db: Db, code: string) {
  return db
    .selectFrom("regulated_activities")
    .select(["code", "name"])
    .where("code", "=", code)
    .executeTakeFirst();
}

export function regulatedActivities(db: Db) {
  return db.selectFrom("regulated_activities").select(["code", "name"]).orderBy("position").execute();
}

// The handover to contracts

/** An award with its tender's title and project, and the number of its challenges undecided. */
export type HandoverRow = TenderAward & {
  tender_title: string;
  project_id: string;
  open_challenges: string | null;
};

function awardsWithTender(db: Db) {
  return db
    .selectFrom("tender_awards as a")
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "a.authority_id").onRef("t.id", "=", "a.tender_id"),
    )
    .selectAll("a")
    .select(["t.title as tender_title", "t.project_id"])
    .select((eb) =>
      eb
        .selectFrom("award_challenges as c")
        .select((e) => e.fn.countAll<string>().as("n"))
        .whereRef("c.authority_id", "=", "a.authority_id")
        .whereRef("c.award_id", "=", "a.id")
        .where("c.decided_at", "is", null)
        .as("open_challenges"),
    );
}

export async function handoverOf(
  db: Db,
  authorityId: string,
  awardId: string,
): Promise<HandoverRow | undefined> {
  return (await awardsWithTender(db)
    .where("a.authority_id", "=", authorityId)
    .where("a.id", "=", awardId)
    .executeTakeFirst()) as HandoverRow | undefined;
}

/** The authority's awards in state "awarded", oldest first. */
export function standingAwards(db: Db, authorityId: string): Promise<HandoverRow[]> {
  return awardsWithTender(db)
    .where("a.authority_id", "=", authorityId)
    .where("a.status", "=", "awarded")
    .orderBy("a.decided_at")
    .execute() as Promise<HandoverRow[]>;
}

/** Locks the award for update; undefined when there is none. */
export function lockAward(trx: Trx, authorityId: string, awardId: string) {
  return trx
    .selectFrom("tender_awards")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("id", "=", awardId)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * One page of every award notice (withdrawn awards too), in key order after `after`: the open data.
 * Who decided is not read.
 */
export function awardsAfter(
  db: Db,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<Omit<TenderAward, "decided_by">[]> {
  let query = db
    .selectFrom("tender_awards")
    .select([
      "authority_id",
      "id",
      "tender_id",
      "bid_id",
      "organisation_id",
      "supplier_name",
      "lead_share_bp",
      "consortium",
      "value_pence",
      "regulated_activity",
      "three_bid_justification",
      "status",
      "decided_at",
      "notice_published_at",
      "standstill_ends_at",
      "contract_id",
      "withdrawn_at",
      "withdrawn_reason",
    ]);
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("authority_id", "id"), ">", tuple(after[0], after[1])),
    );
  return query.orderBy("authority_id").orderBy("id").limit(limit).execute();
}

/**
 * When any award notice last changed: published, withdrawn, challenged or a challenge decided —
 * each the end of an index, not a scan. (Contracting is dated by the contract's entry.)
 */
export async function latestAwardChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("tender_awards")
        .select((q) => q.fn.max<Date | null>("notice_published_at").as("a"))
        .as("published"),
      eb
        .selectFrom("tender_awards")
        .select((q) => q.fn.max<Date | null>("withdrawn_at").as("a"))
        .as("withdrawn"),
      eb
        .selectFrom("award_challenges")
        .select((q) => q.fn.max<Date | null>("lodged_at").as("a"))
        .as("lodged"),
      eb
        .selectFrom("award_challenges")
        .select((q) => q.fn.max<Date | null>("decided_at").as("a"))
        .as("decided"),
    ])
    .executeTakeFirstOrThrow();
  return [row.published, row.withdrawn, row.lodged, row.decided].reduce<Date | null>(
    (max, d) => (d && (!max || d > max) ? d : max),
    null,
  );
}

/** Marks the award contracted, with the contract entered from it. */
export async function markContracted(trx: Trx, authorityId: string, awardId: string, contractId: string) {
  await trx
    .updateTable("tender_awards")
    .set({ status: "contracted", contract_id: contractId })
    .where("authority_id", "=", authorityId)
    .where("id", "=", awardId)
    .execute();
}

/** Whether the tender has any award (withdrawn ones too). */
export async function hasAward(db: Db, authorityId: string, tenderId: string): Promise<boolean> {
  const row = await db
    .selectFrom("tender_awards")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// A person's work (tasks.service.ts): each list bounded by `limit`, with how many there are in all
// (`total`, counted before the limit).

/** The tender of a person's task, with its authority. */
export interface AwardTaskRow {
  authority_id: string;
  tender_id: string;
  title: string;
  authority_name: string;
  authority_slug: string;
  total: bigint;
}

const taskTender = (db: Db) =>
  db
    .selectFrom("tenders as t")
    .innerJoin("authorities as au", "au.id", "t.authority_id")
    .select([
      "t.authority_id",
      "t.id as tender_id",
      "t.title",
      "au.name as authority_name",
      "au.slug as authority_slug",
      sql<bigint>`count(*) over ()`.as("total"),
    ]);

/**
 * These authorities' tenders in evaluation: opened, evaluation started, not cancelled, and without
 * a live award (none, or only withdrawn ones: an upheld challenge sends it back), the longest in
 * evaluation first.
 */
export function tendersInEvaluation(
  db: Db,
  authorityIds: readonly string[],
  limit: number,
): Promise<AwardTaskRow[]> {
  if (authorityIds.length === 0) return Promise.resolve([]);
  return taskTender(db)
    .innerJoin("tender_evaluations as v", (j) =>
      j.onRef("v.authority_id", "=", "t.authority_id").onRef("v.tender_id", "=", "t.id"),
    )
    .where("t.authority_id", "in", [...authorityIds])
    .where("t.status", "=", "published")
    .where("t.opened_at", "is not", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("tender_awards as a")
            .select("a.id")
            .whereRef("a.authority_id", "=", "t.authority_id")
            .whereRef("a.tender_id", "=", "t.id")
            .where("a.status", "<>", "withdrawn"),
        ),
      ),
    )
    .orderBy("v.started_at")
    .orderBy("t.id")
    .limit(limit)
    .execute();
}

/**
 * Standstill challenges not yet decided: of these authorities' awards, or lodged by this person;
 * the oldest first.
 */
export function undecidedChallenges(
  db: Db,
  of: { authorityIds: readonly string[] } | { lodgedBy: string },
  limit: number,
): Promise<(AwardTaskRow & { challenge_id: string; lodged_at: Date; organisation_name: string })[]> {
  if ("authorityIds" in of && of.authorityIds.length === 0) return Promise.resolve([]);
  const query = taskTender(db)
    .innerJoin("award_challenges as c", (j) =>
      j.onRef("c.authority_id", "=", "t.authority_id").onRef("c.tender_id", "=", "t.id"),
    )
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select(["c.id as challenge_id", "c.lodged_at", "o.name as organisation_name"])
    .where("c.decided_at", "is", null);
  return (
    "authorityIds" in of
      ? query.where("c.authority_id", "in", [...of.authorityIds])
      : query.where("c.lodged_by", "=", of.lodgedBy)
  )
    .orderBy("c.lodged_at")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

/** These authorities' awards in standstill (neither challenged nor over), ending soonest first. */
export function awardsInStandstill(
  db: Db,
  authorityIds: readonly string[],
  now: Date,
  limit: number,
): Promise<(AwardTaskRow & { award_id: string; standstill_ends_at: Date; supplier_name: string })[]> {
  if (authorityIds.length === 0) return Promise.resolve([]);
  return taskTender(db)
    .innerJoin("tender_awards as a", (j) =>
      j.onRef("a.authority_id", "=", "t.authority_id").onRef("a.tender_id", "=", "t.id"),
    )
    .select(["a.id as award_id", "a.standstill_ends_at", "a.supplier_name"])
    .where("a.authority_id", "in", [...authorityIds])
    .where("a.status", "=", "awarded")
    .where("a.standstill_ends_at", ">", now)
    .orderBy("a.standstill_ends_at")
    .orderBy("a.id")
    .limit(limit)
    .execute();
}

/** The assessment summaries these organisations received for these tenders' live awards. */
export function outcomesOf(db: Db, organisationIds: readonly string[], tenderIds: readonly string[]) {
  if (organisationIds.length === 0 || tenderIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("award_assessments as s")
    .innerJoin("tender_awards as a", (j) =>
      j.onRef("a.authority_id", "=", "s.authority_id").onRef("a.id", "=", "s.award_id"),
    )
    .select([
      "a.tender_id",
      "s.organisation_id",
      "s.outcome",
      "s.rank",
      "s.bid_id",
      "a.bid_id as winning_bid_id",
    ])
    .where("s.organisation_id", "in", [...organisationIds])
    .where("a.tender_id", "in", [...tenderIds])
    .where("a.status", "<>", "withdrawn")
    .execute();
}

/** An award as the market's figures count it. */
export interface AwardFigures {
  id: string;
  tender_id: string;
  status: string;
  decided_at: Date;
  three_bid_justification: string | null;
}

/** An authority's awards, a page at a time in id order (the market's figures). */
export function authorityAwardsAfter(
  db: Db,
  authorityId: string,
  afterId: string | undefined,
  limit: number,
): Promise<AwardFigures[]> {
  let query = db
    .selectFrom("tender_awards")
    .select(["id", "tender_id", "status", "decided_at", "three_bid_justification"])
    .where("authority_id", "=", authorityId);
  if (afterId !== undefined) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}
