/**
 * SQL of accreditation bodies, standards and their versions, accreditations and tenders'
 * requirements. Names of organisations, public bodies and service types are joined in for reading.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  Accreditation,
  AccreditationBody,
  AccreditationStatus,
  NewAccreditation,
  Standard,
  StandardVersion,
} from "./standards.table.ts";

export interface BodyRow extends AccreditationBody {
  name: string;
}

const bodyColumns = [
  "b.id",
  "b.organisation_id",
  "b.public_body_id",
  "b.about",
  "b.website",
  "b.registered_by",
  "b.registered_at",
  sql<string>`coalesce(o.name, a.name)`.as("name"),
] as const;

function bodies(db: Db) {
  return db
    .selectFrom("accreditation_bodies as b")
    .leftJoin("organisations as o", "o.id", "b.organisation_id")
    .leftJoin("authorities as a", "a.id", "b.public_body_id")
    .select(bodyColumns);
}

/** Every body, by name (a short national list). */
export function listBodies(db: Db): Promise<BodyRow[]> {
  return bodies(db).orderBy("name").orderBy("b.id").execute();
}

export function findBody(db: Db, id: string): Promise<BodyRow | undefined> {
  return bodies(db).where("b.id", "=", id).executeTakeFirst();
}

/** The body an organisation or public body is registered as, if any. */
export function bodyOfActor(db: Db, kind: "organisation" | "public-body", id: string) {
  return bodies(db)
    .where(kind === "organisation" ? "b.organisation_id" : "b.public_body_id", "=", id)
    .executeTakeFirst();
}

export async function insertBody(db: Db, row: AccreditationBody): Promise<void> {
  await db.insertInto("accreditation_bodies").values(row).execute();
}

export interface StandardRow extends Standard {
  body_name: string;
  category_name: string;
}

function standards(db: Db) {
  return db
    .selectFrom("standards as s")
    .innerJoin("service_categories as c", "c.code", "s.service_category")
    .innerJoin("accreditation_bodies as b", "b.id", "s.body_id")
    .leftJoin("organisations as o", "o.id", "b.organisation_id")
    .leftJoin("authorities as a", "a.id", "b.public_body_id")
    .select([
      "s.id",
      "s.body_id",
      "s.title",
      "s.service_category",
      "s.created_by",
      "s.created_at",
      "c.name as category_name",
      sql<string>`coalesce(o.name, a.name)`.as("body_name"),
    ]);
}

/** Standards, of one body or of every one, by title. */
export function listStandards(db: Db, bodyId?: string): Promise<StandardRow[]> {
  let q = standards(db);
  if (bodyId) q = q.where("s.body_id", "=", bodyId);
  return q.orderBy("s.title").orderBy("s.id").execute();
}

export function findStandard(db: Db, id: string): Promise<StandardRow | undefined> {
  return standards(db).where("s.id", "=", id).executeTakeFirst();
}

export function standardsByIds(db: Db, ids: readonly string[]): Promise<StandardRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return standards(db).where("s.id", "in", ids).orderBy("s.title").execute();
}

export async function insertStandard(db: Db, row: Standard): Promise<void> {
  await db.insertInto("standards").values(row).execute();
}

/** Whether the body already has a standard of this title (titles are one per body). */
export async function titleTaken(db: Db, bodyId: string, title: string): Promise<boolean> {
  const row = await db
    .selectFrom("standards")
    .select("id")
    .where("body_id", "=", bodyId)
    .where(sql<boolean>`lower(title) = lower(${title})`)
    .executeTakeFirst();
  return row !== undefined;
}

/** A standard's versions, newest first. */
export function versionsOf(db: Db, standardId: string): Promise<StandardVersion[]> {
  return db
    .selectFrom("standard_versions")
    .selectAll()
    .where("standard_id", "=", standardId)
    .orderBy("version", "desc")
    .execute();
}

/** The standard's versions locked for a new one (the newest first). */
export function lockVersions(db: Db, standardId: string): Promise<StandardVersion[]> {
  return db
    .selectFrom("standard_versions")
    .selectAll()
    .where("standard_id", "=", standardId)
    .orderBy("version", "desc")
    .forUpdate()
    .execute();
}

export async function insertVersion(db: Db, row: StandardVersion): Promise<void> {
  await db.insertInto("standard_versions").values(row).execute();
}

export interface AccreditationRow extends Accreditation {
  organisation_name: string;
}

function accreditations(db: Db) {
  return db
    .selectFrom("accreditations as r")
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .selectAll("r")
    .select("o.name as organisation_name");
}

/** A standard's accreditations, by provider name. */
export function accreditationsOf(db: Db, standardId: string): Promise<AccreditationRow[]> {
  return accreditations(db)
    .where("r.standard_id", "=", standardId)
    .orderBy("o.name")
    .orderBy("r.id")
    .execute();
}

export function findAccreditation(db: Db, id: string): Promise<AccreditationRow | undefined> {
  return accreditations(db).where("r.id", "=", id).executeTakeFirst();
}

export function lockAccreditation(db: Db, id: string): Promise<Accreditation | undefined> {
  return db.selectFrom("accreditations").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function upsertAccreditation(db: Db, row: NewAccreditation): Promise<void> {
  const { id: _id, standard_id: _s, organisation_id: _o, ...change } = row;
  await db
    .insertInto("accreditations")
    .values(row)
    .onConflict((oc) => oc.columns(["standard_id", "organisation_id"]).doUpdateSet(change))
    .execute();
}

export async function setAccreditationStatus(
  db: Db,
  id: string,
  change: { status: AccreditationStatus; reason: string; decided_by: string | null; decided_at: Date },
): Promise<void> {
  await db.updateTable("accreditations").set(change).where("id", "=", id).execute();
}

export interface HeldRow extends Accreditation {
  standard_title: string;
  body_name: string;
  category_name: string;
}

/** An organisation's accreditations (every state), by standard. */
export function accreditationsHeldBy(db: Db, organisationId: string): Promise<HeldRow[]> {
  return db
    .selectFrom("accreditations as r")
    .innerJoin("standards as s", "s.id", "r.standard_id")
    .innerJoin("service_categories as c", "c.code", "s.service_category")
    .innerJoin("accreditation_bodies as b", "b.id", "s.body_id")
    .leftJoin("organisations as o", "o.id", "b.organisation_id")
    .leftJoin("authorities as a", "a.id", "b.public_body_id")
    .selectAll("r")
    .select([
      "s.title as standard_title",
      "c.name as category_name",
      sql<string>`coalesce(o.name, a.name)`.as("body_name"),
    ])
    .where("r.organisation_id", "=", organisationId)
    .orderBy("s.title")
    .execute();
}

/** The standards a tender requires accreditation against. */
export async function requirementsOf(db: Db, authorityId: string, tenderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("tender_accreditation_requirements")
    .select("standard_id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .execute();
  return rows.map((r) => r.standard_id);
}

export async function insertRequirement(
  db: Db,
  row: { authority_id: string; tender_id: string; standard_id: string; set_by: string | null; set_at: Date },
): Promise<boolean> {
  const done = await db
    .insertInto("tender_accreditation_requirements")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return (done.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function deleteRequirement(
  db: Db,
  authorityId: string,
  tenderId: string,
  standardId: string,
): Promise<boolean> {
  const done = await db
    .deleteFrom("tender_accreditation_requirements")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("standard_id", "=", standardId)
    .executeTakeFirst();
  return done.numDeletedRows > 0n;
}

/** A tender's stored status ("draft", "published", "cancelled"), for what its page shows of its requirements. */
export async function tenderStatus(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("tenders")
    .select("status")
    .where("authority_id", "=", authorityId)
    .where("id", "=", tenderId)
    .executeTakeFirst();
  return row?.status;
}

/**
 * The accreditation of this provider against this standard, if it ever had one (its latest state);
 * with `lock`, locked for a decision on it.
 */
export function accreditationOf(
  db: Db,
  standardId: string,
  organisationId: string,
  options: { lock?: boolean } = {},
): Promise<Accreditation | undefined> {
  const query = db
    .selectFrom("accreditations")
    .selectAll()
    .where("standard_id", "=", standardId)
    .where("organisation_id", "=", organisationId);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The standards a tender's accreditation criteria score, with their weights, in the criteria's order. */
export function scoredStandardsOf(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<(StandardRow & { weight_bp: number })[]> {
  return standards(db)
    .innerJoin("tender_criteria as tc", "tc.standard_id", "s.id")
    .select("tc.weight_bp")
    .where("tc.authority_id", "=", authorityId)
    .where("tc.tender_id", "=", tenderId)
    .where("tc.kind", "=", "accreditation")
    .orderBy("tc.position")
    .execute();
}

/** A granted accreditation ending soon, with its standard and body, for the expiry reminder. */
export interface ExpiringRow {
  id: string;
  organisation_id: string;
  standard_id: string;
  expires_on: string;
}

/**
 * Granted accreditations whose expiry date is from `today` to `until` and whose provider has not been
 * reminded of that date: the daily sweep's work.
 */
export function expiringToRemind(db: Db, today: string, until: string): Promise<ExpiringRow[]> {
  return db
    .selectFrom("accreditations")
    .select(["id", "organisation_id", "standard_id", "expires_on"])
    .where("status", "=", "granted")
    .where("expires_on", ">=", today)
    .where("expires_on", "<=", until)
    .where((eb) =>
      eb.or([eb("reminded_expiry_on", "is", null), eb("reminded_expiry_on", "<>", eb.ref("expires_on"))]),
    )
    .orderBy("expires_on")
    .orderBy("id")
    .execute();
}

export async function markReminded(db: Db, id: string, expiresOn: string): Promise<void> {
  await db
    .updateTable("accreditations")
    .set({ reminded_expiry_on: expiresOn })
    .where("id", "=", id)
    .execute();
}

/** A current accreditation as the open register publishes it. */
export interface RegisterRow {
  id: string;
  standard_id: string;
  standard_title: string;
  service_category: string;
  body_id: string;
  body_name: string;
  organisation_id: string;
  organisation_name: string;
  granted_on: string;
  expires_on: string;
}

/** Granted accreditations not expired by `today`, a page at a time by id. */
export function currentRegisterAfter(
  db: Db,
  today: string,
  after: string | undefined,
  limit: number,
): Promise<RegisterRow[]> {
  let q = db
    .selectFrom("accreditations as r")
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .innerJoin("standards as s", "s.id", "r.standard_id")
    .innerJoin("accreditation_bodies as b", "b.id", "s.body_id")
    .leftJoin("organisations as bo", "bo.id", "b.organisation_id")
    .leftJoin("authorities as a", "a.id", "b.public_body_id")
    .select([
      "r.id",
      "r.standard_id",
      "s.title as standard_title",
      "s.service_category",
      "s.body_id",
      sql<string>`coalesce(bo.name, a.name)`.as("body_name"),
      "r.organisation_id",
      "o.name as organisation_name",
      "r.granted_on",
      "r.expires_on",
    ])
    .where("r.status", "=", "granted")
    .where("r.expires_on", ">=", today);
  if (after) q = q.where("r.id", ">", after);
  return q.orderBy("r.id").limit(limit).execute();
}

/** When any accreditation was last decided (an index's end), or null. */
export async function latestDecision(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("accreditations")
    .select("decided_at")
    .orderBy("decided_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.decided_at ?? null;
}
