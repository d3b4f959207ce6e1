/**
 * SQL of assets of community value: the councils' lists (`community_assets`), the register's search,
 * and the owners' notices and exempt disposals (`community_asset_disposals`).
 */
import { type Insertable, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  AssetStatus,
  CommunityAsset,
  CommunityAssetDisposalsTable,
  CommunityAssetsTable,
  Disposal,
} from "./community-assets.table.ts";

export async function insertAsset(db: Db, row: CommunityAssetsTable): Promise<CommunityAsset> {
  return db.insertInto("community_assets").values(row).returningAll().executeTakeFirstOrThrow();
}

/** An asset by its id (`lock`: for update, while an action changes it). */
export function assetById(
  db: Db,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<CommunityAsset | undefined> {
  const query = db.selectFrom("community_assets").selectAll().where("id", "=", id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function updateAsset(
  db: Db,
  authorityId: string,
  id: string,
  change: Partial<Omit<CommunityAssetsTable, "authority_id" | "id">>,
): Promise<CommunityAsset> {
  return db
    .updateTable("community_assets")
    .set(change)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface RegisterFilters {
  /** Words of the name, the address, the area or the postcode. */
  q?: string;
  statuses: readonly AssetStatus[];
  authorityId?: string;
  limit: number;
  offset: number;
}

function filtered(db: Db, f: RegisterFilters) {
  let query = db.selectFrom("community_assets").where("status", "in", [...f.statuses]);
  if (f.authorityId) query = query.where("authority_id", "=", f.authorityId);
  const q = (f.q ?? "").trim();
  if (q !== "") {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const compact = `%${q.replace(/\s+/g, "").replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb("name", "ilike", like),
        eb("area", "ilike", like),
        eb("address", "ilike", like),
        eb(sql`replace(postcode, ' ', '')`, "ilike", compact),
      ]),
    );
  }
  return query;
}

/** A page of the register, by name, and how many match in all. */
export async function searchAssets(
  db: Db,
  f: RegisterFilters,
): Promise<{ rows: CommunityAsset[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(db, f).selectAll().orderBy("name").orderBy("id").limit(f.limit).offset(f.offset).execute(),
    filtered(db, f).select(sql<string>`count(*)`.as("n")).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The council's entries nominated or listed under this name (any case) at this postcode: a nomination's duplicates. */
export function activeEntriesNamed(
  db: Db,
  authorityId: string,
  name: string,
  postcode: string,
): Promise<CommunityAsset[]> {
  return db
    .selectFrom("community_assets")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("postcode", "=", postcode)
    .where(sql`lower(name)`, "=", name.toLowerCase())
    .where("status", "in", ["nominated", "listed"])
    .execute();
}

/** The council's nominations awaiting its decision, oldest first. */
export function nominationsAwaiting(
  db: Db,
  authorityIds: string | readonly string[],
  limit: number,
): Promise<CommunityAsset[]> {
  const ids = typeof authorityIds === "string" ? [authorityIds] : [...authorityIds];
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("community_assets")
    .selectAll()
    .where("authority_id", "in", ids)
    .where("status", "=", "nominated")
    .orderBy("received_on")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function insertDisposal(db: Db, row: Insertable<CommunityAssetDisposalsTable>): Promise<void> {
  await db.insertInto("community_asset_disposals").values(row).execute();
}

export async function updateDisposal(
  db: Db,
  authorityId: string,
  id: string,
  change: Partial<
    Pick<
      CommunityAssetDisposalsTable,
      "bid_requested_on" | "bidder_organisation_id" | "disposed_on" | "sold_to_community_group"
    > & { interim_reminded_on: string }
  >,
): Promise<void> {
  await db
    .updateTable("community_asset_disposals")
    .set(change)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/**
 * Notices of an intended sale received from `fromNoticeOn` to `toNoticeOn`, with no request to bid,
 * no sale and no reminder yet, of assets still listed (the interim moratorium's reminder: its sweep).
 */
export function noticesToRemind(db: Db, fromNoticeOn: string, toNoticeOn: string): Promise<Disposal[]> {
  return db
    .selectFrom("community_asset_disposals as d")
    .innerJoin("community_assets as a", (j) =>
      j.onRef("a.authority_id", "=", "d.authority_id").onRef("a.id", "=", "d.asset_id"),
    )
    .selectAll("d")
    .where("d.kind", "=", "notice")
    .where("d.bid_requested_on", "is", null)
    .where("d.disposed_on", "is", null)
    .where("d.interim_reminded_on", "is", null)
    .where("d.notice_on", ">=", fromNoticeOn)
    .where("d.notice_on", "<=", toNoticeOn)
    .where("a.status", "=", "listed")
    .orderBy("d.notice_on")
    .orderBy("d.id")
    .execute();
}

/** A notice's row, locked (the reminder checks it again before telling anyone). */
export function disposalForUpdate(db: Db, authorityId: string, id: string): Promise<Disposal | undefined> {
  return db
    .selectFrom("community_asset_disposals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** The notices and exempt disposals of these assets, oldest first. */
export function disposalsOf(db: Db, assetIds: readonly string[]): Promise<Disposal[]> {
  if (assetIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("community_asset_disposals")
    .selectAll()
    .where("asset_id", "in", [...assetIds])
    .orderBy("recorded_at")
    .orderBy("id")
    .execute();
}

/** The register's entries (decided: listed, unsuccessful, removed) after an id, in id order: the open data. */
export function decidedAfter(db: Db, afterId: string | undefined, limit: number): Promise<CommunityAsset[]> {
  let query = db
    .selectFrom("community_assets")
    .selectAll()
    .where("status", "not in", ["nominated", "withdrawn"]);
  if (afterId) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}

/** When an entry last changed (the end of an index). */
export async function latestChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("community_assets")
    .select("updated_at")
    .orderBy("updated_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.updated_at ?? null;
}
