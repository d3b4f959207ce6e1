/** Tenders' and bids' SQL. Every function takes the database or a transaction first. */
import { type Insertable, sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  Bid,
  BidCopiesTable,
  BidStatus,
  NewBid,
  NewTender,
  Tender,
  TenderAmendment,
  TenderCriteriaTable,
  TenderCriterion,
  TenderDocument,
  TenderDocumentsTable,
  TenderInterestsTable,
  TenderLot,
  TenderLotsTable,
  TenderOpening,
  TenderQuestion,
} from "./tenders.table.ts";

/** A tender with the names it refers to. */
export interface TenderRow extends Tender {
  authority_name: string;
  authority_slug: string;
  project_title: string;
  category_code: string;
  category_name: string;
  category_reservable: boolean;
  area_code: string;
  area_name: string;
  estimated_value_pence: bigint;
}

export interface TenderParts {
  lots: TenderLot[];
  conditions: string[];
  criteria: TenderCriterion[];
  documents: TenderDocument[];
}

function withNames(db: Db) {
  return db
    .selectFrom("tenders as t")
    .innerJoin("authorities as a", "a.id", "t.authority_id")
    .innerJoin("projects as p", (j) =>
      j.onRef("p.authority_id", "=", "t.authority_id").onRef("p.id", "=", "t.project_id"),
    )
    .innerJoin("service_categories as c", "c.code", "p.category_code")
    .innerJoin("areas as r", "r.code", "p.area_code")
    .selectAll("t")
    .select([
      "a.name as authority_name",
      "a.slug as authority_slug",
      "p.title as project_title",
      "p.category_code",
      "c.name as category_name",
      "c.reservable as category_reservable",
      "p.area_code",
      "r.name as area_name",
      "p.estimated_value_pence",
    ]);
}

/**
 * One page of every authority's published tenders (never drafts), in key order after `after`: the
 * open data. Nothing of their bids is read.
 */
export function publishedTendersAfter(
  db: Db,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<TenderRow[]> {
  let query = withNames(db).where("t.status", "<>", "draft");
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("t.authority_id", "t.id"), ">", tuple(after[0], after[1])),
    );
  return query.orderBy("t.authority_id").orderBy("t.id").limit(limit).execute();
}

/** When any published tender last changed: the end of an index, not a scan. */
export async function latestPublishedTenderChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("tenders")
    .select((eb) => eb.fn.max<Date | null>("updated_at").as("at"))
    .where("status", "<>", "draft")
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function insertTender(trx: Trx, tender: NewTender): Promise<void> {
  await trx.insertInto("tenders").values(tender).execute();
}

export async function updateTender(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: Partial<NewTender>,
): Promise<void> {
  await trx
    .updateTable("tenders")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export function lockTender(trx: Trx, authorityId: string, id: string): Promise<Tender | undefined> {
  return trx
    .selectFrom("tenders")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export function findTender(db: Db, authorityId: string, id: string): Promise<TenderRow | undefined> {
  return withNames(db).where("t.authority_id", "=", authorityId).where("t.id", "=", id).executeTakeFirst();
}

export function tendersOf(db: Db, authorityId: string, options: { drafts: boolean }): Promise<TenderRow[]> {
  let query = withNames(db).where("t.authority_id", "=", authorityId);
  if (!options.drafts) query = query.where("t.status", "<>", "draft");
  return query.orderBy("t.submission_deadline", "desc").orderBy("t.id").execute();
}

/** How many published tenders (not drafts) each of these projects has (those with none left out). */
export async function publishedTenderCounts(
  db: Db,
  projects: readonly { authority_id: string; id: string }[],
): Promise<Map<string, number>> {
  if (projects.length === 0) return new Map();
  const rows = await db
    .selectFrom("tenders")
    .select(["project_id", (eb) => eb.fn.countAll<string>().as("n")])
    .where("status", "<>", "draft")
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("authority_id", "project_id"),
        "in",
        projects.map((p) => tuple(p.authority_id, p.id)),
      ),
    )
    .groupBy("project_id")
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]));
}

/** A project's published tenders (not drafts), in the order they were published. */
export function publishedTendersOfProject(
  db: Db,
  authorityId: string,
  projectId: string,
): Promise<{ id: string; published_at: Date | null }[]> {
  return db
    .selectFrom("tenders")
    .select(["id", "published_at"])
    .where("authority_id", "=", authorityId)
    .where("project_id", "=", projectId)
    .where("status", "<>", "draft")
    .orderBy("published_at")
    .orderBy("id")
    .execute();
}

/** A tender's key: its authority and id. */
export interface TenderKey {
  authority_id: string;
  id: string;
}

/** `(authority_id, <column>) in (…)` over these keys: one query for many tenders (or projects). */
function keyIn(authorityColumn: string, idColumn: string, keys: readonly TenderKey[]) {
  return sql<boolean>`(${sql.ref(authorityColumn)}, ${sql.ref(idColumn)}) in (${sql.join(
    keys.map((k) => sql`(${k.authority_id}, ${k.id})`),
  )})`;
}

/** These tenders when published (never drafts), with the names they refer to, in no order. */
export function findPublishedTenders(db: Db, keys: readonly TenderKey[]): Promise<TenderRow[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return withNames(db)
    .where("t.status", "<>", "draft")
    .where(keyIn("t.authority_id", "t.id", keys))
    .execute();
}

/** These projects' published tenders (not drafts), each project's in the order they were published. */
export function publishedTendersOfProjects(
  db: Db,
  projects: readonly TenderKey[],
): Promise<{ authority_id: string; project_id: string; id: string; published_at: Date | null }[]> {
  if (projects.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("tenders")
    .select(["authority_id", "project_id", "id", "published_at"])
    .where("status", "<>", "draft")
    .where(keyIn("authority_id", "project_id", projects))
    .orderBy("authority_id")
    .orderBy("project_id")
    .orderBy("published_at")
    .orderBy("id")
    .execute();
}

/** Replaces the tender's lots, conditions of participation and criteria. */
export async function replaceParts(
  trx: Trx,
  authorityId: string,
  tenderId: string,
  parts: {
    lots: Omit<TenderLotsTable, "authority_id" | "tender_id">[];
    conditions: string[];
    criteria: Omit<TenderCriteriaTable, "authority_id" | "tender_id">[];
  },
): Promise<void> {
  const where = { authority_id: authorityId, tender_id: tenderId };
  for (const table of ["tender_lots", "tender_conditions"] as const)
    await trx
      .deleteFrom(table)
      .where("authority_id", "=", authorityId)
      .where("tender_id", "=", tenderId)
      .execute();
  // Sub-criteria first (they refer to their parents).
  await trx
    .deleteFrom("tender_criteria")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("parent_id", "is not", null)
    .execute();
  await trx
    .deleteFrom("tender_criteria")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .execute();
  if (parts.lots.length > 0)
    await trx
      .insertInto("tender_lots")
      .values(parts.lots.map((l) => ({ ...where, ...l })))
      .execute();
  if (parts.conditions.length > 0)
    await trx
      .insertInto("tender_conditions")
      .values(parts.conditions.map((text, i) => ({ ...where, position: i + 1, text })))
      .execute();
  const top = parts.criteria.filter((c) => c.parent_id === null);
  const sub = parts.criteria.filter((c) => c.parent_id !== null);
  if (top.length > 0)
    await trx
      .insertInto("tender_criteria")
      .values(top.map((c) => ({ ...where, ...c })))
      .execute();
  if (sub.length > 0)
    await trx
      .insertInto("tender_criteria")
      .values(sub.map((c) => ({ ...where, ...c })))
      .execute();
}

export async function partsOf(db: Db, authorityId: string, tenderId: string): Promise<TenderParts> {
  return (await partsOfTenders(db, [{ authority_id: authorityId, id: tenderId }])).get(
    tenderId,
  ) as TenderParts;
}

/** The parts of these tenders, by tender id (each as `partsOf` gives it; a tender with none has empty lists). */
export async function partsOfTenders(db: Db, keys: readonly TenderKey[]): Promise<Map<string, TenderParts>> {
  const parts = new Map<string, TenderParts>(
    keys.map((k) => [k.id, { lots: [], conditions: [], criteria: [], documents: [] }]),
  );
  if (keys.length === 0) return parts;
  const [lots, conditions, criteria, documents] = await Promise.all([
    db
      .selectFrom("tender_lots")
      .selectAll()
      .where(keyIn("authority_id", "tender_id", keys))
      .orderBy("position")
      .execute(),
    db
      .selectFrom("tender_conditions")
      .select(["tender_id", "text"])
      .where(keyIn("authority_id", "tender_id", keys))
      .orderBy("position")
      .execute(),
    db
      .selectFrom("tender_criteria")
      .selectAll()
      .where(keyIn("authority_id", "tender_id", keys))
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("tender_documents")
      .selectAll()
      .where(keyIn("authority_id", "tender_id", keys))
      .orderBy("position")
      .execute(),
  ]);
  // Read in each tender's order: a tender's own keep it.
  for (const row of lots) parts.get(row.tender_id)?.lots.push(row);
  for (const row of conditions) parts.get(row.tender_id)?.conditions.push(row.text);
  for (const row of criteria) parts.get(row.tender_id)?.criteria.push(row);
  for (const row of documents) parts.get(row.tender_id)?.documents.push(row);
  return parts;
}

// Documents

export async function insertTenderDocument(trx: Trx, row: TenderDocumentsTable): Promise<void> {
  await trx.insertInto("tender_documents").values(row).execute();
}

export async function nextDocumentPosition(trx: Trx, authorityId: string, tenderId: string): Promise<number> {
  const row = await trx
    .selectFrom("tender_documents")
    .select((eb) => eb.fn.max("position").as("last"))
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertBidDocuments(
  trx: Trx,
  rows: { authority_id: string; bid_id: string; position: number; sealed_file: string }[],
): Promise<void> {
  if (rows.length > 0) await trx.insertInto("bid_documents").values(rows).execute();
}

export function bidDocument(db: Db, authorityId: string, bidId: string, position: number) {
  return db
    .selectFrom("bid_documents")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("bid_id", "=", bidId)
    .where("position", "=", position)
    .executeTakeFirst();
}

export function findBid(
  db: Db,
  authorityId: string,
  tenderId: string,
  bidId: string,
): Promise<Bid | undefined> {
  return db
    .selectFrom("bids")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("id", "=", bidId)
    .executeTakeFirst();
}

// Keys

export async function insertKeys(
  trx: Trx,
  row: {
    authority_id: string;
    tender_id: string;
    master_key_id: string;
    public_key: string;
    wrapped_data_key: string;
    wrapped_index_key: string;
    created_at: Date;
  },
): Promise<void> {
  await trx
    .insertInto("tender_keys")
    .values({ ...row, rewrapped_at: null })
    .execute();
}

export function keysOf(db: Db, authorityId: string, tenderId: string) {
  return db
    .selectFrom("tender_keys")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .executeTakeFirst();
}

/**
 * Up to `limit` tenders' keys wrapped under `masterKeyId`, in key order after `after` (a page by key
 * on `tender_keys_master_key`).
 */
export function keysUnder(
  db: Db,
  masterKeyId: string,
  after: { authority_id: string; tender_id: string } | null,
  limit: number,
) {
  let query = db.selectFrom("tender_keys").selectAll().where("master_key_id", "=", masterKeyId);
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("authority_id", "tender_id"), ">", tuple(after.authority_id, after.tender_id)),
    );
  return query.orderBy("authority_id").orderBy("tender_id").limit(limit).execute();
}

/** How many tenders' keys each master key other than `currentKeyId` wraps. */
export async function keysNotUnder(db: Db, currentKeyId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("tender_keys")
    .select(["master_key_id", (eb) => eb.fn.countAll<string>().as("keys")])
    .where("master_key_id", "<>", currentKeyId)
    .groupBy("master_key_id")
    .execute();
  return new Map(rows.map((r) => [r.master_key_id, Number(r.keys)]));
}

export async function rewrapKeys(
  trx: Trx,
  authorityId: string,
  tenderId: string,
  fromKeyId: string,
  changes: { master_key_id: string; wrapped_data_key: string; wrapped_index_key: string; rewrapped_at: Date },
): Promise<boolean> {
  const result = await trx
    .updateTable("tender_keys")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("master_key_id", "=", fromKeyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// Evaluators

export async function assignEvaluator(
  trx: Trx,
  row: { authority_id: string; tender_id: string; user_id: string; assigned_at: Date },
): Promise<boolean> {
  const result = await trx
    .insertInto("tender_evaluators")
    .values(row)
    .onConflict((oc) => oc.columns(["authority_id", "tender_id", "user_id"]).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Ends an evaluator's assignment to the tender. */
export async function unassignEvaluator(
  trx: Trx,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<void> {
  await trx
    .deleteFrom("tender_evaluators")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("user_id", "=", userId)
    .execute();
}

export async function evaluatorsOf(db: Db, authorityId: string, tenderId: string) {
  return db
    .selectFrom("tender_evaluators as e")
    .innerJoin("users as u", "u.id", "e.user_id")
    .select(["e.user_id", "u.display_name", "e.assigned_at"])
    .where("e.authority_id", "=", authorityId)
    .where("e.tender_id", "=", tenderId)
    .orderBy("u.display_name")
    .execute();
}

export async function isAssignedEvaluator(
  db: Db,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("tender_evaluators")
    .select("user_id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the user holds `role` for the authority (platform roles do not count). */
export async function holdsAuthorityRole(
  db: Db,
  userId: string,
  role: "evaluator" | "bid-opener",
  authorityId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("role_grants")
    .select("id")
    .where("user_id", "=", userId)
    .where("role", "=", role)
    .where("scope_type", "=", "authority")
    .where("scope_id", "=", authorityId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The users holding `role` for the authority. */
export async function authorityRoleHolders(db: Db, role: string, authorityId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("role_grants")
    .select("user_id")
    .distinct()
    .where("role", "=", role as "authority-admin")
    .where("scope_type", "=", "authority")
    .where("scope_id", "=", authorityId)
    .execute();
  return rows.map((r) => r.user_id);
}

// Bids

export async function insertBid(trx: Trx, bid: NewBid): Promise<void> {
  await trx.insertInto("bids").values(bid).execute();
}

export function currentBidOfTag(db: Db, authorityId: string, tenderId: string, tag: string) {
  return db
    .selectFrom("bids")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("bidder_tag", "=", tag)
    .where("status", "=", "current")
    .executeTakeFirst();
}

export function bidsOfTag(db: Db, authorityId: string, tenderId: string, tag: string): Promise<Bid[]> {
  return db
    .selectFrom("bids")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("bidder_tag", "=", tag)
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export async function endBid(
  trx: Trx,
  authorityId: string,
  id: string,
  status: Exclude<BidStatus, "current">,
  at: Date,
): Promise<void> {
  await trx
    .updateTable("bids")
    .set({ status, ended_at: at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .where("status", "=", "current")
    .execute();
}

export async function countCurrentBids(db: Db, authorityId: string, tenderId: string): Promise<number> {
  const row = await db
    .selectFrom("bids")
    .select((eb) => eb.fn.countAll<bigint>().as("n"))
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("status", "=", "current")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function currentBids(db: Db, authorityId: string, tenderId: string): Promise<Bid[]> {
  return db
    .selectFrom("bids")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("status", "=", "current")
    .orderBy("received_at")
    .orderBy("id")
    .execute();
}

/**
 * How many current bids each of these tenders has, for those opened alone (a tender not opened is
 * left out: its bids are sealed, their number too), by tender id.
 */
export async function openedBidCounts(db: Db, keys: readonly TenderKey[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom("bids as b")
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "b.authority_id").onRef("t.id", "=", "b.tender_id"),
    )
    .select(["b.tender_id", (eb) => eb.fn.countAll<string>().as("n")])
    .where("t.opened_at", "is not", null)
    .where("b.status", "=", "current")
    .where(keyIn("b.authority_id", "b.tender_id", keys))
    .groupBy("b.tender_id")
    .execute();
  return new Map(rows.map((r) => [r.tender_id, Number(r.n)]));
}

/** A bidder's copy of a bid (locked under its key), while it lasts. */
export function bidCopyOf(db: Db, authorityId: string, tenderId: string, bidId: string, now: Date) {
  return db
    .selectFrom("bid_copies")
    .select(["locked", "expires_at"])
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("bid_id", "=", bidId)
    .where("expires_at", ">", now)
    .executeTakeFirst();
}

/** Keeps a bidder's copy, removing the tender's copies that have expired. */
export async function insertBidCopy(trx: Trx, copy: Insertable<BidCopiesTable>, now: Date): Promise<void> {
  await trx
    .deleteFrom("bid_copies")
    .where("authority_id", "=", copy.authority_id)
    .where("tender_id", "=", copy.tender_id)
    .where("expires_at", "<=", now)
    .execute();
  await trx.insertInto("bid_copies").values(copy).execute();
}

/** Removes every bidder's copy of the tender's bids (at opening: the bids speak for themselves then). */
export async function deleteBidCopies(trx: Trx, authorityId: string, tenderId: string): Promise<void> {
  await trx
    .deleteFrom("bid_copies")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .execute();
}

export function bidByHash(db: Db, authorityId: string, tenderId: string, sha256: string) {
  return db
    .selectFrom("bids")
    .select(["id", "received_at", "status", "ended_at", "content_sha256"])
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("content_sha256", "=", sha256)
    .executeTakeFirst();
}

export async function recordOpenedBid(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: { organisation_id: string | null; integrity: "verified" | "broken" },
): Promise<void> {
  await trx
    .updateTable("bids")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

// Opening

export function lockOpening(
  trx: Trx,
  authorityId: string,
  tenderId: string,
): Promise<TenderOpening | undefined> {
  return trx
    .selectFrom("tender_openings")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .forUpdate()
    .executeTakeFirst();
}

export function openingOf(db: Db, authorityId: string, tenderId: string): Promise<TenderOpening | undefined> {
  return db
    .selectFrom("tender_openings")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .executeTakeFirst();
}

export async function insertOpening(
  trx: Trx,
  row: { authority_id: string; tender_id: string; first_opener_id: string; first_confirmed_at: Date },
): Promise<void> {
  await trx
    .insertInto("tender_openings")
    .values({ ...row, second_opener_id: null, opened_at: null, bids_opened: null })
    .execute();
}

export async function completeOpening(
  trx: Trx,
  authorityId: string,
  tenderId: string,
  changes: { second_opener_id: string; opened_at: Date; bids_opened: number },
): Promise<void> {
  await trx
    .updateTable("tender_openings")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .execute();
}

/** The tender's audit events of these kinds, latest first. */
export function tenderAuditEvents(db: Db, authorityId: string, tenderId: string, actions: readonly string[]) {
  return db
    .selectFrom("audit_events")
    .select(["seq", "occurred_at", "action", "actor_type", "actor_id", "changes"])
    .where("authority_id", "=", authorityId)
    .where("entity_type", "=", "tender")
    .where("entity_id", "=", tenderId)
    .where("action", "in", actions)
    .orderBy("seq", "desc")
    .limit(200)
    .execute();
}

// What a bid refers to

export interface BiddingOrganisation {
  id: string;
  name: string;
  sector: string;
  size_band: string;
  qualifying_mutual: boolean;
}

export async function organisationsByIds(db: Db, ids: readonly string[]): Promise<BiddingOrganisation[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select([
      "o.id",
      "o.name",
      "o.sector",
      "o.size_band",
      sql<boolean>`coalesce(me.qualifies, false)`.as("qualifying_mutual"),
    ])
    .where("o.id", "in", ids)
    .execute();
}

export type { TenderCriterion, TenderLot };

// Interest, clarification questions and amendments

export async function insertInterest(trx: Trx, row: TenderInterestsTable): Promise<boolean> {
  const inserted = await trx
    .insertInto("tender_interests")
    .values(row)
    .onConflict((oc) => oc.columns(["authority_id", "tender_id", "organisation_id"]).doNothing())
    .returning("organisation_id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function hasInterest(
  db: Db,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("tender_interests")
    .select("organisation_id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Of these organisations, those registered as interested in the tender. */
export async function interestedAmong(
  db: Db,
  authorityId: string,
  tenderId: string,
  organisationIds: readonly string[],
): Promise<string[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db
    .selectFrom("tender_interests")
    .select("organisation_id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("organisation_id", "in", organisationIds)
    .execute();
  return rows.map((r) => r.organisation_id);
}

export async function countInterests(db: Db, authorityId: string, tenderId: string): Promise<number> {
  const row = await db
    .selectFrom("tender_interests")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The people of every organisation registered as interested: its administrators and members. */
export async function interestedUsers(db: Db, authorityId: string, tenderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("tender_interests as i")
    .innerJoin("role_grants as g", (join) =>
      join.on("g.scope_type", "=", "organisation").onRef("g.scope_id", "=", "i.organisation_id"),
    )
    .select("g.user_id")
    .distinct()
    .where("i.authority_id", "=", authorityId)
    .where("i.tender_id", "=", tenderId)
    .where("g.role", "in", ["organisation-admin", "organisation-member"])
    .orderBy("g.user_id")
    .execute();
  return rows.map((r) => r.user_id);
}

export async function insertQuestion(trx: Trx, row: TenderQuestion): Promise<void> {
  await trx.insertInto("tender_questions").values(row).execute();
}

export function lockQuestion(trx: Trx, authorityId: string, tenderId: string, id: string) {
  return trx
    .selectFrom("tender_questions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export interface QuestionRow extends TenderQuestion {
  organisation_name: string;
}

/** The tender's questions, oldest first, with the asking organisation's name (never published). */
export function questionsOf(db: Db, authorityId: string, tenderId: string): Promise<QuestionRow[]> {
  return db
    .selectFrom("tender_questions as q")
    .innerJoin("organisations as o", "o.id", "q.organisation_id")
    .selectAll("q")
    .select("o.name as organisation_name")
    .where("q.authority_id", "=", authorityId)
    .where("q.tender_id", "=", tenderId)
    .orderBy("q.asked_at")
    .orderBy("q.id")
    .execute();
}

export async function answerQuestion(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: Pick<TenderQuestion, "number" | "published_question" | "answer" | "answered_by" | "answered_at">,
): Promise<void> {
  await trx
    .updateTable("tender_questions")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export async function nextQuestionNumber(trx: Trx, authorityId: string, tenderId: string): Promise<number> {
  const row = await trx
    .selectFrom("tender_questions")
    .select((eb) => eb.fn.max("number").as("n"))
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertAmendment(trx: Trx, row: TenderAmendment): Promise<void> {
  await trx.insertInto("tender_amendments").values(row).execute();
}

export async function amendmentsOf(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<TenderAmendment[]> {
  return (await amendmentsOfTenders(db, [{ authority_id: authorityId, id: tenderId }])).get(
    tenderId,
  ) as TenderAmendment[];
}

/** The amendments of these tenders, by tender id, each tender's in order (empty when it has none). */
export async function amendmentsOfTenders(
  db: Db,
  keys: readonly TenderKey[],
): Promise<Map<string, TenderAmendment[]>> {
  const byTender = new Map<string, TenderAmendment[]>(keys.map((k) => [k.id, []]));
  if (keys.length === 0) return byTender;
  const rows = await db
    .selectFrom("tender_amendments")
    .selectAll()
    .where(keyIn("authority_id", "tender_id", keys))
    .orderBy("number")
    .execute();
  for (const row of rows) byTender.get(row.tender_id)?.push(row);
  return byTender;
}

/** Whether any bid (current or since ended) has been received for the tender. */
export async function anyBidReceived(db: Db, authorityId: string, tenderId: string): Promise<boolean> {
  const row = await db
    .selectFrom("bids")
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
export interface TenderTaskRow {
  authority_id: string;
  tender_id: string;
  title: string;
  authority_name: string;
  authority_slug: string;
  submission_deadline: Date;
  total: bigint;
}

const taskTender = (db: Db) =>
  db
    .selectFrom("tenders as t")
    .innerJoin("authorities as a", "a.id", "t.authority_id")
    .select([
      "t.authority_id",
      "t.id as tender_id",
      "t.title",
      "a.name as authority_name",
      "a.slug as authority_slug",
      "t.submission_deadline",
      sql<bigint>`count(*) over ()`.as("total"),
    ]);

/**
 * The published tenders of these authorities whose deadline has passed and whose bids are not yet
 * opened, longest closed first, with the first opener's confirmation if there is one.
 */
export function tendersAwaitingOpening(
  db: Db,
  authorityIds: readonly string[],
  now: Date,
  limit: number,
): Promise<(TenderTaskRow & { first_opener_id: string | null; first_confirmed_at: Date | null })[]> {
  if (authorityIds.length === 0) return Promise.resolve([]);
  return taskTender(db)
    .leftJoin("tender_openings as o", (j) =>
      j.onRef("o.authority_id", "=", "t.authority_id").onRef("o.tender_id", "=", "t.id"),
    )
    .select(["o.first_opener_id", "o.first_confirmed_at"])
    .where("t.authority_id", "in", [...authorityIds])
    .where("t.status", "=", "published")
    .where("t.opened_at", "is", null)
    .where("t.submission_deadline", "<=", now)
    .orderBy("t.submission_deadline")
    .orderBy("t.id")
    .limit(limit)
    .execute();
}

/**
 * Questions not yet answered on tenders still open for bids (answers are given only then): of these
 * authorities' tenders, or asked by this person. Those of the tender closing first come first.
 */
export function unansweredQuestions(
  db: Db,
  of: { authorityIds: readonly string[] } | { askedBy: string },
  now: Date,
  limit: number,
): Promise<(TenderTaskRow & { question_id: string; asked_at: Date })[]> {
  if ("authorityIds" in of && of.authorityIds.length === 0) return Promise.resolve([]);
  let query = taskTender(db)
    .innerJoin("tender_questions as q", (j) =>
      j.onRef("q.authority_id", "=", "t.authority_id").onRef("q.tender_id", "=", "t.id"),
    )
    .select(["q.id as question_id", "q.asked_at"])
    .where("q.answered_at", "is", null)
    .where("t.status", "=", "published")
    .where("t.submission_deadline", ">", now);
  query =
    "authorityIds" in of
      ? query.where("t.authority_id", "in", [...of.authorityIds])
      : query.where("q.asked_by", "=", of.askedBy);
  return query.orderBy("t.submission_deadline").orderBy("q.asked_at").orderBy("q.id").limit(limit).execute();
}

/** A tender these organisations registered interest in (bidding needs it), most recent first. */
export interface InterestRow extends TenderTaskRow {
  organisation_id: string;
  organisation_name: string;
  status: Tender["status"];
  opened_at: Date | null;
}

export function interestsOf(
  db: Db,
  organisationIds: readonly string[],
  limit: number,
): Promise<InterestRow[]> {
  if (organisationIds.length === 0) return Promise.resolve([]);
  return taskTender(db)
    .innerJoin("tender_interests as i", (j) =>
      j.onRef("i.authority_id", "=", "t.authority_id").onRef("i.tender_id", "=", "t.id"),
    )
    .innerJoin("organisations as g", "g.id", "i.organisation_id")
    .select(["i.organisation_id", "g.name as organisation_name", "t.status", "t.opened_at"])
    .where("i.organisation_id", "in", [...organisationIds])
    .where("t.status", "<>", "draft")
    .orderBy("i.registered_at", "desc")
    .orderBy("t.id")
    .limit(limit)
    .execute();
}

/** A published tender as the market's figures count it: when published and opened, and the bids opened. */
export interface TenderFigures {
  id: string;
  project_id: string;
  title: string;
  published_at: Date;
  opened_at: Date | null;
  bids_opened: number | null;
}

/** An authority's published tenders, a page at a time in id order (the market's figures). */
export function authorityTendersAfter(
  db: Db,
  authorityId: string,
  afterId: string | undefined,
  limit: number,
): Promise<TenderFigures[]> {
  let query = db
    .selectFrom("tenders as t")
    .leftJoin("tender_openings as o", (j) =>
      j.onRef("o.authority_id", "=", "t.authority_id").onRef("o.tender_id", "=", "t.id"),
    )
    .select(["t.id", "t.project_id", "t.title", "t.opened_at", "o.bids_opened"])
    .select(sql<Date>`t.published_at`.as("published_at"))
    .where("t.authority_id", "=", authorityId)
    .where("t.published_at", "is not", null);
  if (afterId !== undefined) query = query.where("t.id", ">", afterId);
  return query.orderBy("t.id").limit(limit).execute();
}

/** Tenders published in [from, to), of one authority or of every one (the progress reports). */
export async function countPublishedBetween(
  db: Db,
  range: { authorityId?: string | undefined; from: Date; to: Date },
): Promise<number> {
  let query = db
    .selectFrom("tenders")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("published_at", "is not", null)
    .where("published_at", ">=", range.from)
    .where("published_at", "<", range.to);
  if (range.authorityId) query = query.where("authority_id", "=", range.authorityId);
  return (await query.executeTakeFirstOrThrow()).count;
}
