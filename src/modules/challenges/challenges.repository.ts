/** The Community Right to Challenge's SQL. Every function takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type { Role } from "../access/access.service.ts";
import type { ProfitModel, Sector } from "../organisations/organisations.service.ts";
import type {
  Challenge,
  ChallengePolicy,
  ChallengeUpdate,
  ChallengeWindow,
  CoSignatoryRow,
  NewChallenge,
  NewCoSignatoryRow,
  RejectionGround,
} from "./challenges.table.ts";

/** An EOI with the names it refers to, for pages and the API. */
export interface ChallengeRow extends Challenge {
  authority_name: string;
  authority_slug: string;
  service_name: string;
  organisation_name: string | null;
  /** The commissioning project its acceptance created, if any. */
  project_id: string | null;
}

export interface WindowRow extends ChallengeWindow {
  service_name: string;
}

/** What decides whether an organisation is a relevant body. */
export interface ApplicantOrganisation {
  id: string;
  name: string;
  sector: Sector;
  mutual_qualifies: boolean | null;
  profit_model: ProfitModel | null;
}

// Policy

export function findPolicy(db: Db, authorityId: string): Promise<ChallengePolicy | undefined> {
  return db
    .selectFrom("challenge_policies")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .executeTakeFirst();
}

export async function upsertPolicy(trx: Trx, policy: ChallengePolicy): Promise<void> {
  await trx
    .insertInto("challenge_policies")
    .values(policy)
    .onConflict((oc) =>
      oc.column("authority_id").doUpdateSet({
        decision_period_days: policy.decision_period_days,
        min_procurement_days: policy.min_procurement_days,
        max_procurement_days: policy.max_procurement_days,
        updated_at: policy.updated_at,
      }),
    )
    .execute();
}

// Windows

export async function insertWindow(trx: Trx, window: ChallengeWindow): Promise<void> {
  await trx.insertInto("challenge_windows").values(window).execute();
}

export function findWindow(db: Db, authorityId: string, id: string): Promise<ChallengeWindow | undefined> {
  return db
    .selectFrom("challenge_windows")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function deleteWindow(trx: Trx, authorityId: string, id: string): Promise<void> {
  await trx
    .deleteFrom("challenge_windows")
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The authority's windows (of one service, if given), soonest first. */
export function windowsOf(db: Db, authorityId: string, serviceId?: string): Promise<WindowRow[]> {
  let query = db
    .selectFrom("challenge_windows as w")
    .innerJoin("services as s", (j) =>
      j.onRef("s.authority_id", "=", "w.authority_id").onRef("s.id", "=", "w.service_id"),
    )
    .selectAll("w")
    .select("s.name as service_name")
    .where("w.authority_id", "=", authorityId);
  if (serviceId) query = query.where("w.service_id", "=", serviceId);
  return query.orderBy("w.opens_on").orderBy("s.name").orderBy("w.id").execute();
}

// Services, organisations and people

export function serviceOnRegister(
  db: Db,
  authorityId: string,
  serviceId: string,
): Promise<
  | { id: string; name: string; category_code: string; annual_cost_pence: bigint; description: string }
  | undefined
> {
  return db
    .selectFrom("services")
    .select(["id", "name", "category_code", "annual_cost_pence", "description"])
    .where("authority_id", "=", authorityId)
    .where("id", "=", serviceId)
    .executeTakeFirst();
}

export function applicantOrganisation(db: Db, id: string): Promise<ApplicantOrganisation | undefined> {
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select(["o.id", "o.name", "o.sector", "me.qualifies as mutual_qualifies", "me.profit_model"])
    .where("o.id", "=", id)
    .executeTakeFirst();
}

/** The organisations a person is a member (or administrator) of, by name. */
export function organisationsOfUser(db: Db, userId: string): Promise<ApplicantOrganisation[]> {
  return db
    .selectFrom("role_grants as g")
    .innerJoin("organisations as o", "o.id", "g.scope_id")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select(["o.id", "o.name", "o.sector", "me.qualifies as mutual_qualifies", "me.profit_model"])
    .distinct()
    .where("g.user_id", "=", userId)
    .where("g.scope_type", "=", "organisation")
    .orderBy("o.name")
    .orderBy("o.id")
    .execute();
}

/** The users holding one of `roles` for a scope (an organisation or an authority). */
export async function holdersOf(db: Db, scopeId: string, roles: readonly Role[]): Promise<string[]> {
  const rows = await db
    .selectFrom("role_grants")
    .select("user_id")
    .distinct()
    .where("scope_id", "=", scopeId)
    .where("role", "in", roles)
    .orderBy("user_id")
    .execute();
  return rows.map((r) => r.user_id);
}

/** A person's email address, when they have proved they receive mail there (null otherwise). */
export async function verifiedEmailOf(db: Db, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom("users")
    .select("email")
    .where("id", "=", userId)
    .where("email_verified_at", "is not", null)
    .executeTakeFirst();
  return row?.email ?? null;
}

/** The active accounts whose verified address is one of `emails` (any case). */
export async function verifiedUsersByEmail(
  db: Db,
  emails: readonly string[],
): Promise<{ id: string; email: string }[]> {
  if (emails.length === 0) return [];
  return db
    .selectFrom("users")
    .select(["id", "email"])
    .where(
      sql<string>`lower(email)`,
      "in",
      emails.map((e) => e.toLowerCase()),
    )
    .where("email_verified_at", "is not", null)
    .where("status", "=", "active")
    .orderBy("id")
    .execute();
}

export async function areaExists(db: Db, code: string): Promise<boolean> {
  const row = await db.selectFrom("areas").select("code").where("code", "=", code).executeTakeFirst();
  return row !== undefined;
}

// Expressions of interest

function textArray(values: readonly string[]) {
  // An array parameter is sent as a text[] literal built here, the same on both drivers.
  return sql<RejectionGround[]>`array[${sql.join(values.length > 0 ? values : [sql`null`])}]::text[]`;
}

function emptyOrArray(values: readonly string[] | null | undefined) {
  if (values === null || values === undefined) return null;
  return values.length === 0 ? sql<RejectionGround[]>`'{}'::text[]` : textArray(values);
}

export async function insertChallenge(trx: Trx, challenge: NewChallenge): Promise<void> {
  await trx.insertInto("challenges").values(challenge).execute();
}

export async function updateChallenge(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: Omit<ChallengeUpdate, "modification_grounds" | "rejection_grounds"> & {
    modification_grounds?: readonly RejectionGround[] | null;
    rejection_grounds?: readonly RejectionGround[] | null;
  },
): Promise<void> {
  const { modification_grounds, rejection_grounds, ...rest } = changes;
  await trx
    .updateTable("challenges")
    .set({
      ...rest,
      ...(modification_grounds !== undefined
        ? { modification_grounds: emptyOrArray(modification_grounds) }
        : {}),
      ...(rejection_grounds !== undefined ? { rejection_grounds: emptyOrArray(rejection_grounds) } : {}),
    })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export function lockChallenge(trx: Trx, authorityId: string, id: string): Promise<Challenge | undefined> {
  return trx
    .selectFrom("challenges")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

function withNames(db: Db) {
  return db
    .selectFrom("challenges as c")
    .innerJoin("authorities as a", "a.id", "c.authority_id")
    .innerJoin("services as s", (j) =>
      j.onRef("s.authority_id", "=", "c.authority_id").onRef("s.id", "=", "c.service_id"),
    )
    .leftJoin("organisations as o", "o.id", "c.organisation_id")
    .leftJoin("projects as p", (j) =>
      j.onRef("p.authority_id", "=", "c.authority_id").onRef("p.challenge_id", "=", "c.id"),
    )
    .selectAll("c")
    .select([
      "a.name as authority_name",
      "a.slug as authority_slug",
      "s.name as service_name",
      "o.name as organisation_name",
      "p.id as project_id",
    ]);
}

export function findChallenge(db: Db, authorityId: string, id: string): Promise<ChallengeRow | undefined> {
  return withNames(db).where("c.authority_id", "=", authorityId).where("c.id", "=", id).executeTakeFirst();
}

/** EOIs that have been submitted (the public register), of one authority or all, newest first. */
export function submittedChallenges(
  db: Db,
  options: { authorityId?: string; limit: number },
): Promise<ChallengeRow[]> {
  let query = withNames(db).where("c.submitted_at", "is not", null);
  if (options.authorityId) query = query.where("c.authority_id", "=", options.authorityId);
  return query.orderBy("c.submitted_at", "desc").orderBy("c.id", "desc").limit(options.limit).execute();
}

/** One page of every submitted EOI (the registers), in key order after `after` (the open data). */
export function submittedChallengesAfter(
  db: Db,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<ChallengeRow[]> {
  let query = withNames(db).where("c.submitted_at", "is not", null);
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("c.authority_id", "c.id"), ">", tuple(after[0], after[1])),
    );
  return query.orderBy("c.authority_id").orderBy("c.id").limit(limit).execute();
}

/** When any submitted EOI last changed: the end of an index, not a scan. */
export async function latestSubmittedChallengeChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("challenges")
    .select((eb) => eb.fn.max<Date | null>("updated_at").as("at"))
    .where("submitted_at", "is not", null)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** An accepted (or modified) EOI with the procurement window of the project its acceptance created. */
export interface AcceptedChallengeWindow {
  id: string;
  service_name: string;
  decided_at: Date | null;
  project_id: string;
  ocid: string;
  procurement_earliest: string | null;
  procurement_latest: string | null;
  procurement_started_on: string | null;
}

/** One authority's accepted and modified EOIs, with their projects' procurement windows. */
export function acceptedChallengeWindows(db: Db, authorityId: string): Promise<AcceptedChallengeWindow[]> {
  return db
    .selectFrom("challenges as c")
    .innerJoin("services as s", (j) =>
      j.onRef("s.authority_id", "=", "c.authority_id").onRef("s.id", "=", "c.service_id"),
    )
    .innerJoin("projects as p", (j) =>
      j.onRef("p.authority_id", "=", "c.authority_id").onRef("p.challenge_id", "=", "c.id"),
    )
    .select([
      "c.id",
      "s.name as service_name",
      "c.decided_at",
      "p.id as project_id",
      "p.ocid",
      "p.procurement_earliest",
      "p.procurement_latest",
      "p.procurement_started_on",
    ])
    .where("c.authority_id", "=", authorityId)
    .where("c.status", "in", ["accepted", "modified"])
    .orderBy("c.id")
    .execute();
}

/** Drafts (never submitted) of these organisations, or led by this user, for one authority. */
export function draftsFor(
  db: Db,
  authorityId: string,
  organisationIds: readonly string[],
  userId: string,
): Promise<ChallengeRow[]> {
  return withNames(db)
    .where("c.authority_id", "=", authorityId)
    .where("c.status", "=", "draft")
    .where((eb) =>
      eb.or([
        ...(organisationIds.length > 0 ? [eb("c.organisation_id", "in", organisationIds)] : []),
        eb.and([eb("c.applicant_type", "=", "employees"), eb("c.lead_user_id", "=", userId)]),
      ]),
    )
    .orderBy("c.updated_at", "desc")
    .orderBy("c.id")
    .execute();
}

export interface RegisterCounts {
  total: bigint;
  undecided: bigint;
  accepted: bigint;
  modified: bigint;
  rejected: bigint;
  withdrawn: bigint;
  overdue: bigint;
  possibleMutuals: bigint;
}

/** Counts over submitted EOIs: by outcome, overdue (undecided past `today`), and by employees. */
export async function registerCounts(db: Db, today: string, authorityId?: string): Promise<RegisterCounts> {
  let query = db
    .selectFrom("challenges")
    .select((eb) => [
      eb.fn.countAll<bigint>().as("total"),
      sql<bigint>`count(*) filter (where status in ('submitted', 'considered'))`.as("undecided"),
      sql<bigint>`count(*) filter (where status = 'accepted')`.as("accepted"),
      sql<bigint>`count(*) filter (where status = 'modified')`.as("modified"),
      sql<bigint>`count(*) filter (where status = 'rejected')`.as("rejected"),
      sql<bigint>`count(*) filter (where status = 'withdrawn')`.as("withdrawn"),
      sql<bigint>`count(*) filter (where status in ('submitted', 'considered') and decision_due < ${today}::date)`.as(
        "overdue",
      ),
      sql<bigint>`count(*) filter (where applicant_type = 'employees')`.as("possibleMutuals"),
    ])
    .where("submitted_at", "is not", null);
  if (authorityId) query = query.where("authority_id", "=", authorityId);
  const row = await query.executeTakeFirstOrThrow();
  return row as RegisterCounts;
}

/** Rejections by statutory ground (an EOI rejected on two grounds counts under each). */
export async function rejectionsByGround(
  db: Db,
  authorityId?: string,
): Promise<{ ground: RejectionGround; count: bigint }[]> {
  const rows = await sql<{ ground: RejectionGround; count: bigint }>`
    select g.ground, count(*)::bigint as count
    from challenges c cross join lateral unnest(c.rejection_grounds) as g(ground)
    where c.status = 'rejected' ${authorityId ? sql`and c.authority_id = ${authorityId}` : sql``}
    group by g.ground
    order by g.ground`.execute(db);
  return rows.rows;
}

// Co-signatories of employees' EOIs

/** The co-signatories of one EOI, in the order named. */
export function coSignatoriesOf(db: Db, authorityId: string, challengeId: string): Promise<CoSignatoryRow[]> {
  return db
    .selectFrom("challenge_co_signatories")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("challenge_id", "=", challengeId)
    .orderBy("position")
    .execute();
}

/** The co-signatories of several EOIs, by EOI then order named. */
export function coSignatoriesOfMany(db: Db, challengeIds: readonly string[]): Promise<CoSignatoryRow[]> {
  if (challengeIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("challenge_co_signatories")
    .selectAll()
    .where("challenge_id", "in", challengeIds)
    .orderBy("challenge_id")
    .orderBy("position")
    .execute();
}

/** Replaces an EOI's co-signatories with `rows` (their positions are theirs). */
export async function replaceCoSignatories(
  trx: Trx,
  authorityId: string,
  challengeId: string,
  rows: readonly NewCoSignatoryRow[],
): Promise<void> {
  await trx
    .deleteFrom("challenge_co_signatories")
    .where("authority_id", "=", authorityId)
    .where("challenge_id", "=", challengeId)
    .execute();
  if (rows.length > 0)
    await trx
      .insertInto("challenge_co_signatories")
      .values([...rows])
      .execute();
}

/** Clears every confirmation of an EOI's co-signatories; answers who had confirmed. */
export async function clearConfirmations(
  trx: Trx,
  authorityId: string,
  challengeId: string,
): Promise<string[]> {
  const confirmed = await trx
    .selectFrom("challenge_co_signatories")
    .select("user_id")
    .where("authority_id", "=", authorityId)
    .where("challenge_id", "=", challengeId)
    .where("confirmed_at", "is not", null)
    .orderBy("position")
    .execute();
  if (confirmed.length === 0) return [];
  await trx
    .updateTable("challenge_co_signatories")
    .set({ user_id: null, confirmed_at: null })
    .where("authority_id", "=", authorityId)
    .where("challenge_id", "=", challengeId)
    .execute();
  return confirmed.flatMap((r) => (r.user_id ? [r.user_id] : []));
}

export async function confirmCoSignatory(
  trx: Trx,
  row: Pick<CoSignatoryRow, "authority_id" | "challenge_id" | "position">,
  userId: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable("challenge_co_signatories")
    .set({ user_id: userId, confirmed_at: at })
    .where("authority_id", "=", row.authority_id)
    .where("challenge_id", "=", row.challenge_id)
    .where("position", "=", row.position)
    .execute();
}

/** The co-signatory of this EOI named by this person's verified email address, if any. */
export function coSignatoryFor(
  db: Db,
  authorityId: string,
  challengeId: string,
  userId: string,
): Promise<CoSignatoryRow | undefined> {
  return db
    .selectFrom("challenge_co_signatories as s")
    .innerJoin("users as u", (j) => j.on(sql<string>`lower(u.email)`, "=", sql<string>`lower(s.email)`))
    .selectAll("s")
    .where("s.authority_id", "=", authorityId)
    .where("s.challenge_id", "=", challengeId)
    .where("u.id", "=", userId)
    .where("u.email_verified_at", "is not", null)
    .executeTakeFirst();
}

/** Drafts of this authority naming this person (by their verified address) who has not confirmed. */
export function awaitingConfirmationBy(db: Db, authorityId: string, userId: string): Promise<ChallengeRow[]> {
  return withNames(db)
    .innerJoin("challenge_co_signatories as cs", (j) =>
      j.onRef("cs.authority_id", "=", "c.authority_id").onRef("cs.challenge_id", "=", "c.id"),
    )
    .innerJoin("users as cu", (j) => j.on(sql<string>`lower(cu.email)`, "=", sql<string>`lower(cs.email)`))
    .where("c.authority_id", "=", authorityId)
    .where("c.status", "=", "draft")
    .where("cu.id", "=", userId)
    .where("cu.email_verified_at", "is not", null)
    .where("cs.confirmed_at", "is", null)
    .orderBy("c.updated_at", "desc")
    .orderBy("c.id")
    .execute();
}

// Staff email domains

export async function staffDomains(db: Db, authorityId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("challenge_staff_domains")
    .select("domain")
    .where("authority_id", "=", authorityId)
    .orderBy("domain")
    .execute();
  return rows.map((r) => r.domain);
}

/** Makes `domains` the authority's staff email domains (those kept keep when they were added). */
export async function replaceStaffDomains(
  trx: Trx,
  authorityId: string,
  domains: readonly string[],
  now: Date,
): Promise<void> {
  let remove = trx.deleteFrom("challenge_staff_domains").where("authority_id", "=", authorityId);
  if (domains.length > 0) remove = remove.where("domain", "not in", domains);
  await remove.execute();
  if (domains.length === 0) return;
  await trx
    .insertInto("challenge_staff_domains")
    .values(domains.map((domain) => ({ authority_id: authorityId, domain, added_at: now })))
    .onConflict((oc) => oc.columns(["authority_id", "domain"]).doNothing())
    .execute();
}

// A person's work (tasks.service.ts): each list bounded by `limit`, with how many there are in all
// (`total`, counted before the limit).

/**
 * EOIs submitted and not yet decided (submitted or considered): of these authorities, or made by
 * these organisations or led by this employee; the decision due soonest first.
 */
export function undecidedChallenges(
  db: Db,
  of: { authorityIds: readonly string[] } | { organisationIds: readonly string[]; leadUserId: string },
  limit: number,
): Promise<(ChallengeRow & { total: bigint })[]> {
  if ("authorityIds" in of && of.authorityIds.length === 0) return Promise.resolve([]);
  const query = withNames(db)
    .select(sql<bigint>`count(*) over ()`.as("total"))
    .where("c.status", "in", ["submitted", "considered"]);
  return (
    "authorityIds" in of
      ? query.where("c.authority_id", "in", [...of.authorityIds])
      : query.where((eb) =>
          eb.or([
            ...(of.organisationIds.length > 0
              ? [eb("c.organisation_id", "in", [...of.organisationIds])]
              : []),
            eb.and([eb("c.applicant_type", "=", "employees"), eb("c.lead_user_id", "=", of.leadUserId)]),
          ]),
        )
  )
    .orderBy("c.decision_due")
    .orderBy("c.submitted_at")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

/** Drafts, of any authority, naming this person (by their verified address) who has not confirmed. */
export function awaitingConfirmationByAnywhere(
  db: Db,
  userId: string,
  limit: number,
): Promise<(ChallengeRow & { total: bigint })[]> {
  return withNames(db)
    .select(sql<bigint>`count(*) over ()`.as("total"))
    .innerJoin("challenge_co_signatories as cs", (j) =>
      j.onRef("cs.authority_id", "=", "c.authority_id").onRef("cs.challenge_id", "=", "c.id"),
    )
    .innerJoin("users as cu", (j) => j.on(sql<string>`lower(cu.email)`, "=", sql<string>`lower(cs.email)`))
    .where("c.status", "=", "draft")
    .where("cu.id", "=", userId)
    .where("cu.email_verified_at", "is not", null)
    .where("cs.confirmed_at", "is", null)
    .orderBy("c.updated_at", "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

/** An authority's decided expressions of interest counted by service, Europe/London month (YYYY-MM-01) and decision. */
export function decisionCounts(
  db: Db,
  authorityId: string,
): Promise<{ service_id: string; month: string; decision: string; challenges: number }[]> {
  return db
    .selectFrom("challenges")
    .select([
      "service_id",
      sql<string>`date_trunc('month', decided_at at time zone 'Europe/London')::date`.as("month"),
      sql<string>`decision`.as("decision"),
      sql<number>`count(*)::int`.as("challenges"),
    ])
    .where("authority_id", "=", authorityId)
    .where("decision", "is not", null)
    .where("decided_at", "is not", null)
    .groupBy(["service_id", sql`2`, "decision"])
    .orderBy("service_id")
    .execute();
}

/** Expressions of interest submitted in [from, to), of one authority or of every one (the progress reports). */
export async function countSubmittedBetween(
  db: Db,
  range: { authorityId?: string | undefined; from: Date; to: Date },
): Promise<number> {
  let query = db
    .selectFrom("challenges")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("submitted_at", "is not", null)
    .where("submitted_at", ">=", range.from)
    .where("submitted_at", "<", range.to);
  if (range.authorityId) query = query.where("authority_id", "=", range.authorityId);
  return (await query.executeTakeFirstOrThrow()).count;
}
