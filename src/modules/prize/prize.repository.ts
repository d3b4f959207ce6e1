/**
 * SQL of the prize: rounds and categories, nominations (with their nominees' names joined in) and
 * those who sent them, the panel, declarations, conflicts and scores. Every query names the round
 * or the organiser; nominators' personal details are read only by `nominatorsOf` (for the
 * organiser) and never joined into what is published.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  PrizeCategory,
  PrizeNomination,
  PrizeNominator,
  PrizeRound,
  PrizeScore,
} from "./prize.table.ts";

export interface RoundRow extends PrizeRound {
  organiser_name: string;
  organiser_slug: string;
}

function rounds(db: Db) {
  return db
    .selectFrom("prize_rounds as r")
    .innerJoin("authorities as a", "a.id", "r.authority_id")
    .selectAll("r")
    .select(["a.name as organiser_name", "a.slug as organiser_slug"]);
}

/** Every round, newest year first (a short list). */
export function listRounds(db: Db): Promise<RoundRow[]> {
  return rounds(db).orderBy("r.year", "desc").orderBy("r.title").orderBy("r.id").execute();
}

export function findRound(db: Db, id: string): Promise<RoundRow | undefined> {
  return rounds(db).where("r.id", "=", id).executeTakeFirst();
}

/** The round, locked for the change that reads its state. */
export function lockRound(db: Db, id: string): Promise<PrizeRound | undefined> {
  return db.selectFrom("prize_rounds").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export function roundTaken(db: Db, authorityId: string, year: number, title: string): Promise<unknown> {
  return db
    .selectFrom("prize_rounds")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("year", "=", year)
    .where("title", "=", title)
    .executeTakeFirst();
}

export async function insertRound(db: Db, row: PrizeRound, categories: PrizeCategory[]): Promise<void> {
  await db.insertInto("prize_rounds").values(row).execute();
  await db.insertInto("prize_categories").values(categories).execute();
}

export function categoriesOf(db: Db, roundId: string): Promise<PrizeCategory[]> {
  return db
    .selectFrom("prize_categories")
    .selectAll()
    .where("round_id", "=", roundId)
    .orderBy("position")
    .execute();
}

export async function setPublished(
  db: Db,
  roundId: string,
  what: "shortlist_published_at" | "winners_published_at",
  at: Date,
): Promise<void> {
  await db
    .updateTable("prize_rounds")
    .set({ [what]: at })
    .where("id", "=", roundId)
    .execute();
}

// Nominations

export interface NominationRow extends PrizeNomination {
  /** The nominee as published: the organisation's name, or the team's with its owner's. */
  nominee_name: string;
  /** The team's organisation or public body. */
  team_of: string | null;
  /** How many sent this nomination (duplicates merged). */
  nominations: number;
  /** How many of them were members of the public (or signed in for no organisation). */
  by_public: number;
  /** The organisations some of them sent it for, by name. */
  by_organisations: string[];
}

/** The round's nominations, each nominee once per category, with who nominated them as published. */
export function nominationsOf(db: Db, roundId: string, ids?: readonly string[]): Promise<NominationRow[]> {
  let query = db
    .selectFrom("prize_nominations as n")
    .leftJoin("organisations as o", "o.id", "n.organisation_id")
    .leftJoin("organisations as tor", "tor.id", "n.team_organisation_id")
    .leftJoin("authorities as ta", "ta.id", "n.team_authority_id")
    .selectAll("n")
    .select([
      sql<string>`coalesce(o.name, n.team_name)`.as("nominee_name"),
      sql<string | null>`coalesce(tor.name, ta.name)`.as("team_of"),
      sql<number>`(select count(*)::int from prize_nominators x where x.nomination_id = n.id)`.as(
        "nominations",
      ),
      sql<number>`(select count(*)::int from prize_nominators x where x.nomination_id = n.id and x.on_behalf_of is null)`.as(
        "by_public",
      ),
      sql<
        string[]
      >`array(select distinct bo.name from prize_nominators x join organisations bo on bo.id = x.on_behalf_of where x.nomination_id = n.id order by bo.name)`.as(
        "by_organisations",
      ),
    ])
    .where("n.round_id", "=", roundId);
  if (ids) query = query.where("n.id", "in", ids.length ? ids : ["00000000-0000-0000-0000-000000000000"]);
  return query.orderBy("n.shortlist_rank").orderBy("nominee_name").orderBy("n.id").execute();
}

export function nominationByKey(
  db: Db,
  categoryId: string,
  key: string,
): Promise<PrizeNomination | undefined> {
  return db
    .selectFrom("prize_nominations")
    .selectAll()
    .where("category_id", "=", categoryId)
    .where("nominee_key", "=", key)
    .executeTakeFirst();
}

export async function insertNomination(db: Db, row: PrizeNomination): Promise<void> {
  await db.insertInto("prize_nominations").values(row).execute();
}

export async function insertNominator(db: Db, row: PrizeNominator): Promise<void> {
  await db.insertInto("prize_nominators").values(row).execute();
}

/** What each nominator wrote (the reasons and evidence), without who they are: for the panel. */
export function reasonsOf(
  db: Db,
  roundId: string,
): Promise<{ nomination_id: string; reasons: string; evidence: string }[]> {
  return db
    .selectFrom("prize_nominators as x")
    .innerJoin("prize_nominations as n", "n.id", "x.nomination_id")
    .select(["x.nomination_id", "x.reasons", "x.evidence"])
    .where("n.round_id", "=", roundId)
    .orderBy("x.sent_at")
    .orderBy("x.id")
    .execute();
}

export async function setShortlistRank(db: Db, nominationId: string, rank: number): Promise<void> {
  await db
    .updateTable("prize_nominations")
    .set({ shortlist_rank: rank })
    .where("id", "=", nominationId)
    .execute();
}

export async function setWinner(db: Db, nominationId: string, citation: string): Promise<void> {
  await db
    .updateTable("prize_nominations")
    .set({ won: true, citation })
    .where("id", "=", nominationId)
    .execute();
}

// The panel

export function judgesOf(db: Db, roundId: string): Promise<{ user_id: string; declared_at: Date | null }[]> {
  return db
    .selectFrom("prize_judges as j")
    .leftJoin("prize_declarations as d", (join) =>
      join.onRef("d.round_id", "=", "j.round_id").onRef("d.user_id", "=", "j.user_id"),
    )
    .select(["j.user_id", "d.declared_at"])
    .where("j.round_id", "=", roundId)
    .orderBy("j.appointed_at")
    .orderBy("j.user_id")
    .execute();
}

/** Inserts the judge; false when they sit on the panel already. */
export async function insertJudge(
  db: Db,
  row: {
    authority_id: string;
    round_id: string;
    user_id: string;
    appointed_by: string | null;
    appointed_at: Date;
  },
): Promise<boolean> {
  const result = await db
    .insertInto("prize_judges")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function insertDeclaration(
  db: Db,
  row: { authority_id: string; round_id: string; user_id: string; declared_at: Date },
): Promise<void> {
  await db
    .insertInto("prize_declarations")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function conflictsOf(
  db: Db,
  roundId: string,
  userId?: string,
): Promise<{ user_id: string; nomination_id: string; description: string }[]> {
  let query = db
    .selectFrom("prize_conflicts")
    .select(["user_id", "nomination_id", "description"])
    .where("round_id", "=", roundId);
  if (userId) query = query.where("user_id", "=", userId);
  return query.execute();
}

export async function insertConflicts(
  db: Db,
  rows: {
    authority_id: string;
    round_id: string;
    user_id: string;
    nomination_id: string;
    description: string;
    declared_at: Date;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto("prize_conflicts")
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Scores of the round (of one judge, when named). */
export function scoresOf(db: Db, roundId: string, userId?: string): Promise<PrizeScore[]> {
  let query = db.selectFrom("prize_scores").selectAll().where("round_id", "=", roundId);
  if (userId) query = query.where("user_id", "=", userId);
  return query.execute();
}

/** Records the score; answers the one it replaced, if any. */
export async function upsertScore(db: Db, row: PrizeScore): Promise<PrizeScore | undefined> {
  const before = await db
    .selectFrom("prize_scores")
    .selectAll()
    .where("nomination_id", "=", row.nomination_id)
    .where("user_id", "=", row.user_id)
    .forUpdate()
    .executeTakeFirst();
  await db
    .insertInto("prize_scores")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["authority_id", "round_id", "nomination_id", "user_id"])
        .doUpdateSet({ score: row.score, comment: row.comment, scored_at: row.scored_at }),
    )
    .execute();
  return before;
}

// Profiles

export interface HonourRow {
  round_id: string;
  round_title: string;
  year: number;
  category_title: string;
  nominee_name: string;
  won: boolean;
  citation: string;
}

/** An organisation's published honours: shortlisted or won, itself or one of its teams. */
export function honoursOf(db: Db, organisationId: string): Promise<HonourRow[]> {
  return db
    .selectFrom("prize_nominations as n")
    .innerJoin("prize_rounds as r", "r.id", "n.round_id")
    .innerJoin("prize_categories as c", "c.id", "n.category_id")
    .leftJoin("organisations as o", "o.id", "n.organisation_id")
    .select([
      "r.id as round_id",
      "r.title as round_title",
      "r.year",
      "c.title as category_title",
      sql<string>`coalesce(o.name, n.team_name)`.as("nominee_name"),
      sql<boolean>`n.won and r.winners_published_at is not null`.as("won"),
      sql<string>`case when r.winners_published_at is not null then n.citation else '' end`.as("citation"),
    ])
    .where((eb) =>
      eb.or([
        eb("n.organisation_id", "=", organisationId),
        eb("n.team_organisation_id", "=", organisationId),
      ]),
    )
    .where("r.shortlist_published_at", "is not", null)
    .where("n.shortlist_rank", "is not", null)
    .orderBy("r.year", "desc")
    .orderBy("c.position")
    .execute();
}

export interface PublishedNomineeRow {
  authority_id: string;
  round_id: string;
  year: number;
  round_title: string;
  category_id: string;
  category_title: string;
  id: string;
  nominee_name: string;
  organisation_id: string | null;
  team_organisation_id: string | null;
  team_authority_id: string | null;
  shortlist_rank: number;
  won: boolean;
  citation: string;
  shortlist_published_at: Date;
  winners_published_at: Date | null;
}

/**
 * The shortlisted nominees of every round whose shortlist is published, a page after a key
 * (organiser, nomination), in that order: the winners and their citations once published. Never a
 * nominator: nothing of prize_nominators is read.
 */
export function publishedNomineesAfter(
  db: Db,
  after: readonly [string, string] | undefined,
  limit: number,
): Promise<PublishedNomineeRow[]> {
  let query = db
    .selectFrom("prize_nominations as n")
    .innerJoin("prize_rounds as r", "r.id", "n.round_id")
    .innerJoin("prize_categories as c", "c.id", "n.category_id")
    .leftJoin("organisations as o", "o.id", "n.organisation_id")
    .select([
      "n.authority_id",
      "n.round_id",
      "r.year",
      "r.title as round_title",
      "n.category_id",
      "c.title as category_title",
      "n.id",
      sql<string>`coalesce(o.name, n.team_name)`.as("nominee_name"),
      "n.organisation_id",
      "n.team_organisation_id",
      "n.team_authority_id",
      sql<number>`n.shortlist_rank`.as("shortlist_rank"),
      sql<boolean>`n.won and r.winners_published_at is not null`.as("won"),
      sql<string>`case when r.winners_published_at is not null then n.citation else '' end`.as("citation"),
      sql<Date>`r.shortlist_published_at`.as("shortlist_published_at"),
      "r.winners_published_at",
    ])
    .where("r.shortlist_published_at", "is not", null)
    .where("n.shortlist_rank", "is not", null);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb("n.authority_id", ">", after[0]),
        eb.and([eb("n.authority_id", "=", after[0]), eb("n.id", ">", after[1])]),
      ]),
    );
  return query.orderBy("n.authority_id").orderBy("n.id").limit(limit).execute();
}

/** The accounts that nominated in the round (signed in), once each: told of the shortlist and the winners. */
export async function signedInNominatorsOf(db: Db, roundId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("prize_nominators as x")
    .innerJoin("prize_nominations as n", "n.id", "x.nomination_id")
    .select("x.user_id")
    .distinct()
    .where("n.round_id", "=", roundId)
    .where("x.user_id", "is not", null)
    .orderBy("x.user_id")
    .execute();
  return rows.map((r) => r.user_id as string);
}
