/** Care's SQL: the only place that reads and writes the care tables. Takes the database or a transaction first. */
import { type ExpressionBuilder, type Insertable, sql, type Updateable } from "kysely";
import type { Database, Db } from "../../db/database.ts";
import { matchesText } from "../../db/text-search.ts";
import type {
  CareBudgetPart,
  CareBudgetPartsTable,
  CareConcern,
  CareConcernsTable,
  CareInvitation,
  CareInvitationsTable,
  CareLink,
  CareLinksTable,
  CareNeed,
  CareNeedsTable,
  CarePeopleTable,
  CarePerson,
  CarePlan,
  CarePlansTable,
  CarePlanVersion,
  CarePlanVersionsTable,
  CareReview,
  CareReviewsTable,
  NewCarePerson,
  PersonGrant,
} from "./care.table.ts";

export async function findPlan(db: Db, authorityId: string, planId: string): Promise<CarePlan | undefined> {
  return db
    .selectFrom("care_plans")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", planId)
    .executeTakeFirst();
}

export async function findPlanVersion(
  db: Db,
  authorityId: string,
  planId: string,
  version: number,
): Promise<CarePlanVersion | undefined> {
  return db
    .selectFrom("care_plan_versions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .where("version", "=", version)
    .executeTakeFirst();
}

// People

export async function insertPerson(db: Db, row: NewCarePerson): Promise<void> {
  await db.insertInto("care_people").values(row).execute();
}

export async function findPerson(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<CarePerson | undefined> {
  return db
    .selectFrom("care_people")
    .select([
      "authority_id",
      "id",
      "full_name",
      "date_of_birth",
      "email",
      "phone",
      "address",
      "area_code",
      "created_by",
      "created_at",
      "updated_at",
      "erased_at",
    ])
    .where("authority_id", "=", authorityId)
    .where("id", "=", personId)
    .executeTakeFirst();
}

/** The person's row, locked for a change. */
export async function lockPerson(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<CarePerson | undefined> {
  return db
    .selectFrom("care_people")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", personId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updatePerson(
  db: Db,
  authorityId: string,
  personId: string,
  changes: Updateable<CarePeopleTable>,
): Promise<void> {
  await db
    .updateTable("care_people")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", personId)
    .execute();
}

export interface PersonLine {
  id: string;
  full_name: string;
  date_of_birth: string;
  area_code: string;
}

/**
 * A page of an authority's people by name (then id), after the key given; with `text`, those whose
 * name matches. One more than `limit` is read, to know whether there is a next page.
 */
export async function peoplePage(
  db: Db,
  authorityId: string,
  options: { text?: string; after?: [string, string]; limit: number },
): Promise<PersonLine[]> {
  let query = db
    .selectFrom("care_people")
    .select(["id", "full_name", "date_of_birth", "area_code"])
    .where("authority_id", "=", authorityId)
    .where("erased_at", "is", null);
  if (options.text) query = query.where(matchesText(sql.ref("search"), options.text));
  if (options.after) {
    const [name, id] = options.after;
    query = query.where(sql<boolean>`(full_name, id) > (${name}, ${id}::uuid)`);
  }
  return query
    .orderBy("full_name")
    .orderBy("id")
    .limit(options.limit + 1)
    .execute();
}

/** The names of some of an authority's people (for work lists and notices), by id. */
export async function namesOf(
  db: Db,
  keys: readonly { authorityId: string; personId: string }[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom("care_people")
    .select(["id", "full_name"])
    .where((eb) =>
      eb.or(keys.map((k) => eb.and([eb("authority_id", "=", k.authorityId), eb("id", "=", k.personId)]))),
    )
    .execute();
  return new Map(rows.map((r) => [r.id, r.full_name]));
}

// Needs

export async function insertNeed(db: Db, row: Insertable<CareNeedsTable>): Promise<void> {
  await db.insertInto("care_needs").values(row).execute();
}

export async function needsOf(db: Db, authorityId: string, personId: string): Promise<CareNeed[]> {
  return db
    .selectFrom("care_needs")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .orderBy("assessed_on")
    .orderBy("id")
    .limit(200)
    .execute();
}

// Plans and their budgets

export async function insertPlan(db: Db, row: Insertable<CarePlansTable>): Promise<void> {
  await db.insertInto("care_plans").values(row).execute();
}

export async function updatePlan(
  db: Db,
  authorityId: string,
  planId: string,
  changes: Updateable<CarePlansTable>,
): Promise<void> {
  await db
    .updateTable("care_plans")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", planId)
    .execute();
}

/** The plan, locked for the change being made. */
export async function lockPlan(db: Db, authorityId: string, planId: string): Promise<CarePlan | undefined> {
  return db
    .selectFrom("care_plans")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", planId)
    .forUpdate()
    .executeTakeFirst();
}

export async function plansOf(db: Db, authorityId: string, personId: string): Promise<CarePlan[]> {
  return db
    .selectFrom("care_plans")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .orderBy("started_on", "desc")
    .orderBy("id", "desc")
    .limit(50)
    .execute();
}

export async function insertVersion(
  db: Db,
  version: Insertable<CarePlanVersionsTable>,
  parts: readonly Insertable<CareBudgetPartsTable>[],
): Promise<void> {
  await db.insertInto("care_plan_versions").values(version).execute();
  await db
    .insertInto("care_budget_parts")
    .values([...parts])
    .execute();
}

export async function versionsOf(db: Db, authorityId: string, planId: string): Promise<CarePlanVersion[]> {
  return db
    .selectFrom("care_plan_versions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .orderBy("version")
    .execute();
}

/** Every part of every version of a plan, by version then part. */
export async function partsOfPlan(db: Db, authorityId: string, planId: string): Promise<CareBudgetPart[]> {
  return db
    .selectFrom("care_budget_parts")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .orderBy("version")
    .orderBy("part")
    .execute();
}

// Concerns and reviews

export async function insertConcern(db: Db, row: Insertable<CareConcernsTable>): Promise<void> {
  await db.insertInto("care_concerns").values(row).execute();
}

export async function concernsOf(db: Db, authorityId: string, planId: string): Promise<CareConcern[]> {
  return db
    .selectFrom("care_concerns")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .orderBy("raised_on", "desc")
    .orderBy("id", "desc")
    .limit(100)
    .execute();
}

export async function insertReview(db: Db, row: Insertable<CareReviewsTable>): Promise<void> {
  await db.insertInto("care_reviews").values(row).execute();
}

export async function reviewsOf(db: Db, authorityId: string, planId: string): Promise<CareReview[]> {
  return db
    .selectFrom("care_reviews")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("plan_id", "=", planId)
    .orderBy("reviewed_on", "desc")
    .orderBy("id", "desc")
    .limit(100)
    .execute();
}

export interface ReviewDueRow {
  authority_id: string;
  id: string;
  person_id: string;
  full_name: string;
  regime: CarePlan["regime"];
  next_review_on: string;
  next_review_clock: string | null;
  total: string;
}

/** Active plans of these authorities whose next review is on or before `until`, soonest first (bounded). */
export async function reviewsDue(
  db: Db,
  authorityIds: readonly string[],
  until: string,
  limit: number,
): Promise<ReviewDueRow[]> {
  if (authorityIds.length === 0) return [];
  return db
    .selectFrom("care_plans as p")
    .innerJoin("care_people as c", (j) =>
      j.onRef("c.authority_id", "=", "p.authority_id").onRef("c.id", "=", "p.person_id"),
    )
    .select([
      "p.authority_id",
      "p.id",
      "p.person_id",
      "c.full_name",
      "p.regime",
      "p.next_review_clock",
      sql<string>`p.next_review_on`.as("next_review_on"),
      sql<string>`count(*) over ()`.as("total"),
    ])
    .where("p.authority_id", "in", authorityIds)
    .where("p.status", "=", "active")
    .where("p.next_review_on", "<=", until)
    .orderBy("p.next_review_on")
    .orderBy("p.id")
    .limit(limit)
    .execute();
}

// Links and invitations

/** Grants as a text[] literal built here, the same on both drivers. */
function grantsArray(grants: readonly PersonGrant[]) {
  return grants.length === 0
    ? sql<PersonGrant[]>`array[]::text[]`
    : sql<PersonGrant[]>`array[${sql.join(grants as PersonGrant[])}]::text[]`;
}

export async function insertLink(db: Db, row: Insertable<CareLinksTable>): Promise<void> {
  await db
    .insertInto("care_links")
    .values({ ...row, grants: grantsArray(row.grants) })
    .execute();
}

/** The account's live link to the person, if any. */
export async function liveLink(
  db: Db,
  authorityId: string,
  personId: string,
  userId: string,
): Promise<CareLink | undefined> {
  return db
    .selectFrom("care_links")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function findLink(db: Db, authorityId: string, linkId: string): Promise<CareLink | undefined> {
  return db
    .selectFrom("care_links")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", linkId)
    .executeTakeFirst();
}

export interface LinkWithHolder extends CareLink {
  holder_name: string;
}

/** A person's live links, with the display name of each account's holder (a champion's name for a champion's). */
export async function linksOfPerson(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<LinkWithHolder[]> {
  return (
    db
      .selectFrom("care_links as l")
      .leftJoin("users as u", "u.id", "l.user_id")
      .leftJoin("authorities as a", "a.id", "l.champion_id")
      .selectAll("l")
      .select(sql<string>`coalesce(u.display_name, a.name, '')`.as("holder_name"))
      .where("l.authority_id", "=", authorityId)
      .where("l.person_id", "=", personId)
      .where("l.revoked_at", "is", null)
      // The person's own account first, then by when each was linked (the id breaks a tie: PostgreSQL
      // gives rows of the same instant in no set order).
      .orderBy(sql`l.relationship = 'self'`, "desc")
      .orderBy("l.created_at")
      .orderBy("l.id")
      .limit(50)
      .execute()
  );
}

export interface LinkOfUser extends CareLink {
  full_name: string;
}

/** The people an account is linked to (live links), with each person's name. */
export async function linksOfUser(db: Db, userId: string): Promise<LinkOfUser[]> {
  return db
    .selectFrom("care_links as l")
    .innerJoin("care_people as c", (j) =>
      j.onRef("c.authority_id", "=", "l.authority_id").onRef("c.id", "=", "l.person_id"),
    )
    .selectAll("l")
    .select("c.full_name")
    .where("l.user_id", "=", userId)
    .where("l.revoked_at", "is", null)
    .orderBy("c.full_name")
    .limit(50)
    .execute();
}

/** The live link of an account to a person, wherever the person is supported (ids are unique). */
export async function liveLinkByPerson(
  db: Db,
  userId: string,
  personId: string,
): Promise<CareLink | undefined> {
  return db
    .selectFrom("care_links")
    .selectAll()
    .where("user_id", "=", userId)
    .where("person_id", "=", personId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function updateLink(
  db: Db,
  authorityId: string,
  linkId: string,
  changes: { grants?: readonly PersonGrant[]; updated_at: Date; revoked_at?: Date },
): Promise<void> {
  const { grants, ...rest } = changes;
  await db
    .updateTable("care_links")
    .set({ ...rest, ...(grants ? { grants: grantsArray(grants) } : {}) })
    .where("authority_id", "=", authorityId)
    .where("id", "=", linkId)
    .execute();
}

export async function insertInvitation(db: Db, row: Insertable<CareInvitationsTable>): Promise<void> {
  await db
    .insertInto("care_invitations")
    .values({ ...row, grants: grantsArray(row.grants) })
    .execute();
}

export async function invitationByTokenHash(db: Db, tokenHash: string): Promise<CareInvitation | undefined> {
  return db.selectFrom("care_invitations").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

export async function openInvitationsOf(
  db: Db,
  authorityId: string,
  personId: string,
  now: Date,
): Promise<CareInvitation[]> {
  return db
    .selectFrom("care_invitations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at")
    .limit(50)
    .execute();
}

export async function markInvitationAccepted(
  db: Db,
  authorityId: string,
  invitationId: string,
  userId: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .updateTable("care_invitations")
    .set({ accepted_at: at, accepted_by: userId })
    .where("authority_id", "=", authorityId)
    .where("id", "=", invitationId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  return rows.length > 0;
}

/** An invitation of the authority, locked for a change (withdrawing it, marking it emailed). */
export async function lockInvitation(
  db: Db,
  authorityId: string,
  invitationId: string,
): Promise<CareInvitation | undefined> {
  return db
    .selectFrom("care_invitations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", invitationId)
    .forUpdate()
    .executeTakeFirst();
}

export async function markInvitationWithdrawn(
  db: Db,
  authorityId: string,
  invitationId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable("care_invitations")
    .set({ revoked_at: at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", invitationId)
    .execute();
}

/** Marks an open invitation as emailed: false when it is no longer open (not to be sent). */
export async function markInvitationEmailed(
  db: Db,
  authorityId: string,
  invitationId: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .updateTable("care_invitations")
    .set({ emailed_at: at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", invitationId)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  return rows.length > 0;
}

/** Unmarks an invitation marked emailed at `at` (its email failed for good): nobody was emailed. */
export async function unmarkInvitationEmailed(
  db: Db,
  authorityId: string,
  invitationId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable("care_invitations")
    .set({ emailed_at: null })
    .where("authority_id", "=", authorityId)
    .where("id", "=", invitationId)
    .where("emailed_at", "=", at)
    .execute();
}

/** The email address of an account (to check an invitation is accepted by whom it was sent to). */
export async function userEmail(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
  return row?.email;
}

export async function findInvitation(
  db: Db,
  authorityId: string,
  invitationId: string,
): Promise<CareInvitation | undefined> {
  return db
    .selectFrom("care_invitations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", invitationId)
    .executeTakeFirst();
}

/**
 * The organisations the authority's budgets already have managed accounts with (any version), at
 * most `limit` (by id, so the same ones each time), and whether there are more: read from the index
 * of parts by organisation.
 */
export async function organisationsUsed(
  db: Db,
  authorityId: string,
  limit: number,
): Promise<{ ids: string[]; more: boolean }> {
  const rows = await db
    .selectFrom("care_budget_parts")
    .select("organisation_id")
    .distinct()
    .where("authority_id", "=", authorityId)
    .where("organisation_id", "is not", null)
    .orderBy("organisation_id")
    .limit(limit + 1)
    .execute();
  const ids = rows.map((r) => r.organisation_id).filter((id): id is string => id !== null);
  return { ids: ids.slice(0, limit), more: ids.length > limit };
}

/** Several plans with their current versions and those versions' parts (a page of budgets). */
export async function currentBudgetsOf(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<{ plans: CarePlan[]; versions: CarePlanVersion[]; parts: CareBudgetPart[] }> {
  const plans = await db
    .selectFrom("care_plans")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "in", [...planIds])
    .execute();
  if (plans.length === 0) return { plans, versions: [], parts: [] };
  const current = (eb: ExpressionBuilder<Database, "care_plan_versions" | "care_budget_parts">) =>
    eb.or(plans.map((p) => eb.and([eb("plan_id", "=", p.id), eb("version", "=", p.current_version)])));
  const [versions, parts] = await Promise.all([
    db
      .selectFrom("care_plan_versions")
      .selectAll()
      .where("authority_id", "=", authorityId)
      .where((eb) => current(eb))
      .execute(),
    db
      .selectFrom("care_budget_parts")
      .selectAll()
      .where("authority_id", "=", authorityId)
      .where((eb) => current(eb))
      .orderBy("part")
      .execute(),
  ]);
  return { plans, versions, parts };
}

// The open figures' reads (the market module's personal-budget figures): an authority's plans a page
// at a time by key, with the area of their person and nothing else of them; then each page's
// versions, parts, reviews and concerns by the plans' keys. Aggregated by the caller: no name, no date
// of birth, no contact leaves here.

export interface PlanFactsRow {
  id: string;
  status: CarePlan["status"];
  regime: CarePlan["regime"];
  started_on: string;
  current_version: number;
  next_review_on: string | null;
  next_review_clock: string | null;
  area_code: string;
}

export function planFactsAfter(
  db: Db,
  authorityId: string,
  after: string | undefined,
  limit: number,
): Promise<PlanFactsRow[]> {
  let query = db
    .selectFrom("care_plans as p")
    .innerJoin("care_people as c", (j) =>
      j.onRef("c.authority_id", "=", "p.authority_id").onRef("c.id", "=", "p.person_id"),
    )
    .select([
      "p.id",
      "p.status",
      "p.regime",
      "p.started_on",
      "p.current_version",
      "p.next_review_on",
      "p.next_review_clock",
      "c.area_code",
    ])
    .where("p.authority_id", "=", authorityId);
  if (after) query = query.where("p.id", ">", after);
  return query.orderBy("p.id").limit(limit).execute();
}

export async function versionsOfPlans(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<Pick<CarePlanVersion, "plan_id" | "version" | "amount_pence" | "period" | "starts_on">[]> {
  if (planIds.length === 0) return [];
  return db
    .selectFrom("care_plan_versions")
    .select(["plan_id", "version", "amount_pence", "period", "starts_on"])
    .where("authority_id", "=", authorityId)
    .where("plan_id", "in", planIds)
    .orderBy("plan_id")
    .orderBy("version")
    .execute();
}

export async function partsOfPlans(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<Pick<CareBudgetPart, "plan_id" | "version" | "delivery">[]> {
  if (planIds.length === 0) return [];
  return db
    .selectFrom("care_budget_parts")
    .select(["plan_id", "version", "delivery"])
    .where("authority_id", "=", authorityId)
    .where("plan_id", "in", planIds)
    .execute();
}

export async function reviewsOfPlans(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<Pick<CareReview, "plan_id" | "reviewed_on" | "created_at">[]> {
  if (planIds.length === 0) return [];
  return db
    .selectFrom("care_reviews")
    .select(["plan_id", "reviewed_on", "created_at"])
    .where("authority_id", "=", authorityId)
    .where("plan_id", "in", planIds)
    .orderBy("reviewed_on")
    .orderBy("created_at")
    .execute();
}

export async function concernsOfPlans(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<Pick<CareConcern, "plan_id" | "raised_on" | "created_at">[]> {
  if (planIds.length === 0) return [];
  return db
    .selectFrom("care_concerns")
    .select(["plan_id", "raised_on", "created_at"])
    .where("authority_id", "=", authorityId)
    .where("plan_id", "in", planIds)
    .execute();
}

// Champions appointed by a person (relationship `champion`, held by the body)

/** A live appointment of one of these champions by the person, if any. */
export async function liveChampionLink(
  db: Db,
  authorityId: string,
  personId: string,
  championIds: readonly string[],
): Promise<CareLink | undefined> {
  if (championIds.length === 0) return undefined;
  return db
    .selectFrom("care_links")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .where("champion_id", "in", championIds)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

/** A live appointment of the champion, by its id. */
export async function liveLinkOfChampion(
  db: Db,
  championId: string,
  linkId: string,
): Promise<CareLink | undefined> {
  return db
    .selectFrom("care_links")
    .selectAll()
    .where("champion_id", "=", championId)
    .where("id", "=", linkId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export interface Appointment extends CareLink {
  full_name: string;
}

/** A page of the champion's live appointments, oldest first, by key (when appointed, the id). */
export async function appointmentsOf(
  db: Db,
  championId: string,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<Appointment[]> {
  let query = db
    .selectFrom("care_links as l")
    .innerJoin("care_people as c", (j) =>
      j.onRef("c.authority_id", "=", "l.authority_id").onRef("c.id", "=", "l.person_id"),
    )
    .selectAll("l")
    .select("c.full_name")
    .where("l.champion_id", "=", championId)
    .where("l.revoked_at", "is", null);
  if (after) query = query.where(sql<boolean>`(l.created_at, l.id) > (${after.at}, ${after.id}::uuid)`);
  return query.orderBy("l.created_at").orderBy("l.id").limit(limit).execute();
}

/** Every account ever linked to the person (live or not): whose notices are about them. */
export async function accountsEverLinked(db: Db, authorityId: string, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("care_links")
    .select("user_id")
    .distinct()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .where("user_id", "is not", null)
    .limit(200)
    .execute();
  return rows.map((r) => r.user_id as string);
}

/** Every link of the person, live or ended, with the holder's display name (a champion's name). */
export async function allLinksOfPerson(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<LinkWithHolder[]> {
  return db
    .selectFrom("care_links as l")
    .leftJoin("users as u", "u.id", "l.user_id")
    .leftJoin("authorities as a", "a.id", "l.champion_id")
    .selectAll("l")
    .select(sql<string>`coalesce(u.display_name, a.name, '')`.as("holder_name"))
    .where("l.authority_id", "=", authorityId)
    .where("l.person_id", "=", personId)
    .orderBy("l.created_at")
    .limit(500)
    .execute();
}

/** Every invitation to link an account to the person. */
export async function invitationsOf(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<CareInvitation[]> {
  return db
    .selectFrom("care_invitations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("person_id", "=", personId)
    .orderBy("created_at")
    .limit(500)
    .execute();
}

/** A live appointment by the person of one of these champions, wherever the person is supported. */
export async function liveChampionLinkByPerson(
  db: Db,
  personId: string,
  championIds: readonly string[],
): Promise<CareLink | undefined> {
  if (championIds.length === 0) return undefined;
  return db
    .selectFrom("care_links")
    .selectAll()
    .where("person_id", "=", personId)
    .where("champion_id", "in", championIds)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

/** What a provider needs to deliver a service to a person: their name and contact (no date of birth, no plan). */
export async function contactOfPerson(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<Pick<CarePerson, "full_name" | "email" | "phone" | "address" | "erased_at"> | undefined> {
  return db
    .selectFrom("care_people")
    .select(["full_name", "email", "phone", "address", "erased_at"])
    .where("authority_id", "=", authorityId)
    .where("id", "=", personId)
    .executeTakeFirst();
}
