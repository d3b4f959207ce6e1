/** Complaints' SQL. Every function takes the database or a transaction first. */
import { type ExpressionBuilder, type Insertable, sql, type Updateable } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import type { Nation } from "../../lib/working-days.ts";
import type {
  Complaint,
  ComplaintExtension,
  ComplaintExtensionsTable,
  ComplaintStage,
  ComplaintStagesTable,
  ComplaintsTable,
  NewComplaint,
  NewComplaintStage,
  Scheme,
} from "./redress.table.ts";

/** A complaint with the names it refers to. */
export interface ComplaintRow extends Complaint {
  authority_slug: string;
  authority_name: string;
  organisation_name: string | null;
  complainant_organisation_name: string | null;
}

function complaints(db: Db) {
  return (
    db
      .selectFrom("complaints as c")
      .innerJoin("authorities as a", "a.id", "c.authority_id")
      .leftJoin("organisations as o", "o.id", "c.organisation_id")
      // A complaint about commissioning: the organisation that complains.
      .leftJoin("organisations as co", "co.id", "c.complainant_organisation_id")
      .selectAll("c")
      .select([
        "a.slug as authority_slug",
        "a.name as authority_name",
        "o.name as organisation_name",
        "co.name as complainant_organisation_name",
      ])
  );
}

export async function insertComplaint(trx: Trx, row: NewComplaint): Promise<void> {
  await trx.insertInto("complaints").values(row).execute();
}

export async function insertStage(trx: Trx, row: NewComplaintStage): Promise<void> {
  await trx.insertInto("complaint_stages").values(row).execute();
}

export async function findComplaint(
  db: Db,
  authorityId: string,
  id: string,
): Promise<ComplaintRow | undefined> {
  return complaints(db).where("c.authority_id", "=", authorityId).where("c.id", "=", id).executeTakeFirst();
}

export async function lockComplaint(
  trx: Trx,
  authorityId: string,
  id: string,
): Promise<Complaint | undefined> {
  return trx
    .selectFrom("complaints")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function stagesOf(db: Db, authorityId: string, complaintId: string): Promise<ComplaintStage[]> {
  return db
    .selectFrom("complaint_stages")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("complaint_id", "=", complaintId)
    .orderBy("stage")
    .execute();
}

/** The stages of these complaints, in one query. */
export async function stagesOfMany(
  db: Db,
  complaints: readonly { authority_id: string; id: string }[],
): Promise<ComplaintStage[]> {
  if (complaints.length === 0) return [];
  return db
    .selectFrom("complaint_stages")
    .selectAll()
    .where((eb) =>
      eb.or(
        complaints.map((c) =>
          eb.and([eb("authority_id", "=", c.authority_id), eb("complaint_id", "=", c.id)]),
        ),
      ),
    )
    .orderBy("complaint_id")
    .orderBy("stage")
    .execute();
}

export async function updateComplaint(
  trx: Trx,
  authorityId: string,
  id: string,
  patch: Updateable<ComplaintsTable>,
): Promise<void> {
  await trx
    .updateTable("complaints")
    .set(patch)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export async function updateStage(
  trx: Trx,
  authorityId: string,
  complaintId: string,
  stage: number,
  patch: Updateable<ComplaintStagesTable>,
): Promise<void> {
  await trx
    .updateTable("complaint_stages")
    .set(patch)
    .where("authority_id", "=", authorityId)
    .where("complaint_id", "=", complaintId)
    .where("stage", "=", stage)
    .execute();
}

type People = readonly { authorityId: string; personId: string }[];

/**
 * A complainant's complaints: made by this account for themself or as a member of the public, or
 * about the people given (those it acts for with `complain`) — never, by itself, one it made for a
 * person it no longer acts for.
 */
function ofComplainant(userId: string, people: People, organisationIds: readonly string[] = []) {
  return (eb: ExpressionBuilder<Database & { c: ComplaintsTable }, "c">) =>
    eb.or([
      eb.and([eb("c.complainant_id", "=", userId), eb("c.acting_as", "not in", ["person", "organisation"])]),
      // About commissioning: those of the organisations the account is an administrator or member of.
      ...(organisationIds.length > 0
        ? [eb("c.complainant_organisation_id", "in", [...organisationIds])]
        : []),
      ...people.map((p) =>
        eb.and([eb("c.person_authority_id", "=", p.authorityId), eb("c.person_id", "=", p.personId)]),
      ),
    ]);
}

/** A complainant's complaints (`ofComplainant`), newest first. */
export async function complaintsOfComplainant(
  db: Db,
  userId: string,
  people: People,
  after: { at: Date; id: string } | undefined,
  limit: number,
  organisationIds: readonly string[] = [],
): Promise<ComplaintRow[]> {
  let q = complaints(db).where(ofComplainant(userId, people, organisationIds));
  if (after) q = q.where(sql<boolean>`(c.created_at, c.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return q.orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(limit).execute();
}

export type BodyFilter = "all" | "due" | "overdue" | "answered";

export interface BodyQuery {
  /** The provider's complaints, or the authority's. */
  body: { organisationId: string } | { authorityId: string };
  filter: BodyFilter;
  today: string;
  /** The key of the last row of the page before (checked: `decodeTimeKey`). */
  after: { at: Date; id: string } | undefined;
  limit: number;
}

/** The complaints a body answers, newest first, a page at a time by key (through the body's index). */
export async function bodyComplaints(db: Db, q: BodyQuery): Promise<ComplaintRow[]> {
  let query = complaints(db);
  query =
    "organisationId" in q.body
      ? query.where("c.answerer", "=", "provider").where("c.organisation_id", "=", q.body.organisationId)
      : query.where("c.answerer", "=", "authority").where("c.authority_id", "=", q.body.authorityId);
  query = query.where("c.status", "<>", "unverified");
  if (q.filter === "due") query = query.where("c.next_due_on", ">=", q.today);
  if (q.filter === "overdue") query = query.where("c.next_due_on", "<", q.today);
  if (q.filter === "answered") query = query.where("c.next_due_on", "is", null);
  if (q.after) {
    const { at, id } = q.after;
    query = query.where(sql<boolean>`(c.created_at, c.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return query.orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(q.limit).execute();
}

/** The complaints waiting on these bodies, soonest due first (their people's work), with how many more. */
export async function complaintsDue(
  db: Db,
  bodies: { organisationIds: readonly string[]; authorityIds: readonly string[] },
  limit: number,
): Promise<(ComplaintRow & { more: number })[]> {
  if (bodies.organisationIds.length === 0 && bodies.authorityIds.length === 0) return [];
  const rows = await complaints(db)
    .select(sql<string>`count(*) over ()`.as("total"))
    .where("c.next_due_on", "is not", null)
    .where("c.status", "=", "open")
    .where((eb) =>
      eb.or([
        ...(bodies.organisationIds.length > 0
          ? [
              eb.and([
                eb("c.answerer", "=", "provider"),
                eb("c.organisation_id", "in", bodies.organisationIds),
              ]),
            ]
          : []),
        ...(bodies.authorityIds.length > 0
          ? [eb.and([eb("c.answerer", "=", "authority"), eb("c.authority_id", "in", bodies.authorityIds)])]
          : []),
      ]),
    )
    .orderBy("c.next_due_on")
    .orderBy("c.id")
    .limit(limit)
    .execute();
  return rows.map(({ total, ...r }) => ({ ...r, more: Math.max(0, Number(total) - rows.length) }));
}

/** The complaint a link opens, by the SHA-256 of its token (unique). */
export async function findByTokenHash(db: Db, hash: string): Promise<ComplaintRow | undefined> {
  return complaints(db).where("c.access_token_hash", "=", hash).executeTakeFirst();
}

/** A complainant's complaints waiting on the body (their "waiting" work), soonest due first, with how many more. */
export async function waitingOnBodies(
  db: Db,
  userId: string,
  people: People,
  limit: number,
  organisationIds: readonly string[] = [],
): Promise<(ComplaintRow & { more: number })[]> {
  const rows = await complaints(db)
    .select(sql<string>`count(*) over ()`.as("total"))
    .where(ofComplainant(userId, people, organisationIds))
    .where("c.next_due_on", "is not", null)
    .orderBy("c.next_due_on")
    .orderBy("c.id")
    .limit(limit)
    .execute();
  return rows.map(({ total, ...r }) => ({ ...r, more: Math.max(0, Number(total) - rows.length) }));
}

/** A complaint's extensions, every stage's, in order. */
export async function extensionsOf(
  db: Db,
  authorityId: string,
  complaintId: string,
): Promise<ComplaintExtension[]> {
  return db
    .selectFrom("complaint_extensions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("complaint_id", "=", complaintId)
    .orderBy("stage")
    .orderBy("seq")
    .execute();
}

export async function insertExtension(trx: Trx, row: Insertable<ComplaintExtensionsTable>): Promise<void> {
  await trx.insertInto("complaint_extensions").values(row).execute();
}

/** Complaints never confirmed, made before `before`, oldest first, after a key: a page of the sweep. */
export async function unverifiedBefore(
  db: Db,
  before: Date,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<{ authority_id: string; id: string; created_at: Date }[]> {
  let q = db
    .selectFrom("complaints")
    .select(["authority_id", "id", "created_at"])
    .where("status", "=", "unverified")
    .where("created_at", "<", before);
  if (after) q = q.where(sql<boolean>`(created_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
  return q.orderBy("created_at").orderBy("id").limit(limit).execute();
}

/** Deletes a complaint never confirmed (it has no stages yet); whether it did. */
export async function deleteUnverified(trx: Trx, authorityId: string, id: string): Promise<boolean> {
  const r = await trx
    .deleteFrom("complaints")
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .where("status", "=", "unverified")
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The extensions of these complaints, in one query. */
export async function extensionsOfMany(
  db: Db,
  complaints: readonly { authority_id: string; id: string }[],
): Promise<ComplaintExtension[]> {
  if (complaints.length === 0) return [];
  return db
    .selectFrom("complaint_extensions")
    .selectAll()
    .where((eb) =>
      eb.or(
        complaints.map((c) =>
          eb.and([eb("authority_id", "=", c.authority_id), eb("complaint_id", "=", c.id)]),
        ),
      ),
    )
    .orderBy("complaint_id")
    .orderBy("stage")
    .orderBy("seq")
    .execute();
}

/** The complaints made for a person (confirmed), oldest first, after a key: a page of their download. */
export async function complaintsOfPersonAfter(
  db: Db,
  personAuthorityId: string,
  personId: string,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<ComplaintRow[]> {
  let q = complaints(db)
    .where("c.person_authority_id", "=", personAuthorityId)
    .where("c.person_id", "=", personId)
    .where("c.status", "<>", "unverified");
  if (after) q = q.where(sql<boolean>`(c.created_at, c.id) > (${after.at}::timestamptz, ${after.id}::uuid)`);
  return q.orderBy("c.created_at").orderBy("c.id").limit(limit).execute();
}

// Second-tier bodies (the platform administrators' list: which authority is which ombudsman or adjudicator)

export interface SecondTierBodyRow {
  scheme: Scheme;
  service_area: string;
  authority_id: string;
  authority_name: string;
  authority_slug: string;
  authority_nation: Nation;
}

function secondTier(db: Db) {
  return db
    .selectFrom("second_tier_bodies as s")
    .innerJoin("authorities as a", "a.id", "s.authority_id")
    .select([
      "s.scheme",
      "s.service_area",
      "s.authority_id",
      "a.name as authority_name",
      "a.slug as authority_slug",
      "a.nation as authority_nation",
    ]);
}

/** Every second-tier body (at most the three ombudsmen and one adjudicator per service category). */
export function secondTierBodies(db: Db): Promise<SecondTierBodyRow[]> {
  return secondTier(db).orderBy("s.scheme").orderBy("s.service_area").execute();
}

/** The authority that is this scheme (for an adjudicator, of this service area), by its key. */
export function secondTierBody(
  db: Db,
  scheme: Scheme,
  serviceArea: string,
  lock = false,
): Promise<SecondTierBodyRow | undefined> {
  const q = secondTier(db).where("s.scheme", "=", scheme).where("s.service_area", "=", serviceArea);
  return (lock ? q.forUpdate("s") : q).executeTakeFirst();
}

/** The schemes an authority is named for. */
export function schemesOfAuthority(
  db: Db,
  authorityId: string,
): Promise<{ scheme: Scheme; service_area: string }[]> {
  return db
    .selectFrom("second_tier_bodies")
    .select(["scheme", "service_area"])
    .where("authority_id", "=", authorityId)
    .execute();
}

export async function putSecondTierBody(
  trx: Trx,
  row: { scheme: Scheme; service_area: string; authority_id: string; created_at: Date },
): Promise<void> {
  await trx
    .insertInto("second_tier_bodies")
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(["scheme", "service_area"])
        .doUpdateSet({ authority_id: row.authority_id, created_at: row.created_at }),
    )
    .execute();
}

export async function deleteSecondTierBody(trx: Trx, scheme: Scheme, serviceArea: string): Promise<void> {
  await trx
    .deleteFrom("second_tier_bodies")
    .where("scheme", "=", scheme)
    .where("service_area", "=", serviceArea)
    .execute();
}

/** The complaints a consumer champion's people made for people who appointed it, newest first (through `complaints_by_champion`). */
export async function complaintsOfChampion(
  db: Db,
  championId: string,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<ComplaintRow[]> {
  let q = complaints(db).where("c.champion_id", "=", championId);
  if (after) q = q.where(sql<boolean>`(c.created_at, c.id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return q.orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(limit).execute();
}

/**
 * Holds the list of second-tier bodies for this transaction: two platform administrators naming at
 * once are taken one after the other, so an authority is never named for two schemes by a race.
 */
export async function lockSecondTierBodies(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('redress:second-tier-bodies', 0))`.execute(trx);
}

// Appeals to the adjudicator (issue 20, item 6)

/** The appeals already made about these subjects (kind and id), as "kind:authorityId:id" keys. */
export async function appealedSubjects(
  db: Db,
  subjects: readonly { kind: "spin-out" | "barrier"; authorityId: string; id: string }[],
): Promise<Set<string>> {
  if (subjects.length === 0) return new Set();
  const rows = await db
    .selectFrom("complaints")
    .select(["authority_id", "commissioning_kind", "commissioning_id"])
    .where((eb) =>
      eb.or(
        subjects.map((s) =>
          eb.and([
            eb("authority_id", "=", s.authorityId),
            eb("commissioning_kind", "=", s.kind),
            eb("commissioning_id", "=", s.id),
          ]),
        ),
      ),
    )
    .execute();
  return new Set(rows.map((r) => `${r.commissioning_kind}:${r.authority_id}:${r.commissioning_id}`));
}

/** The appeal about a subject, with its case at the adjudicator (the subject's page links to it). */
export function appealOfSubject(db: Db, kind: "spin-out" | "barrier", authorityId: string, id: string) {
  return db
    .selectFrom("complaints as c")
    .leftJoin("ombudsman_cases as k", (j) =>
      j.onRef("k.complaint_authority_id", "=", "c.authority_id").onRef("k.complaint_id", "=", "c.id"),
    )
    .select([
      "c.id as complaint_id",
      "c.reference",
      "c.created_at",
      "k.reference as case_reference",
      "k.status as case_status",
      "k.finding",
      "k.grounds_found",
      "k.decided_on",
    ])
    .where("c.authority_id", "=", authorityId)
    .where("c.commissioning_kind", "=", kind)
    .where("c.commissioning_id", "=", id)
    .orderBy("c.created_at", "desc")
    .executeTakeFirst();
}

/** The adjudicator's cases as its published figures count them (never a complaint's words or names). */
export function adjudicatorCaseRows(db: Db, adjudicatorId: string) {
  return db
    .selectFrom("ombudsman_cases as k")
    .innerJoin("complaints as c", (j) =>
      j.onRef("c.authority_id", "=", "k.complaint_authority_id").onRef("c.id", "=", "k.complaint_id"),
    )
    .select([
      "k.id",
      "k.status",
      "k.finding",
      "k.grounds_found",
      "k.assessed_on",
      "k.decided_on",
      "c.commissioning_kind",
    ])
    .where("k.authority_id", "=", adjudicatorId)
    .where("k.scheme", "=", "adjudicator")
    .execute();
}

/** The remedies the adjudicator ordered, for their compliance. */
export function adjudicatorRemedyRows(db: Db, adjudicatorId: string) {
  return db
    .selectFrom("ombudsman_remedies")
    .select(["case_id", "status", "due_on", "done_on"])
    .where("authority_id", "=", adjudicatorId)
    .execute();
}
