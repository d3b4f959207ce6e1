/** Other publishers' OCDS data (`ocds_publishers`, `ocds_external_releases`): the import's SQL. */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { matchesText, ocdsReleaseText } from "../../db/text-search.ts";
import type { ExternalNote, ExternalReleaseRow, OcdsPublisherRow } from "./external.table.ts";

/** The publisher with this key, made if it is new. */
export async function publisherWithKey(
  db: Db,
  row: Omit<OcdsPublisherRow, "id" | "first_imported_at">,
  made: { id: string; at: Date },
): Promise<OcdsPublisherRow> {
  await db
    .insertInto("ocds_publishers")
    .values({ ...row, id: made.id, first_imported_at: made.at })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  return db.selectFrom("ocds_publishers").selectAll().where("key", "=", row.key).executeTakeFirstOrThrow();
}

export interface NewExternalRelease {
  publisher_id: string;
  ocid: string;
  release_id: string;
  date: Date;
  tags: string[];
  release: Record<string, unknown>;
  problems: ExternalNote[];
  warnings: ExternalNote[];
  source: string;
  imported_at: Date;
}

/**
 * Stores the releases in one statement — all of them or, if it fails, none — leaving out those
 * already stored (same publisher, ocid and release id). Returns the keys of those it stored.
 */
export async function insertReleases(
  db: Db,
  rows: readonly NewExternalRelease[],
): Promise<{ publisher_id: string; ocid: string; release_id: string }[]> {
  if (rows.length === 0) return [];
  // The batch as one JSON parameter, read back as rows: one value to bind and parse, not ten a release.
  const batch = JSON.stringify(
    rows.map((row) => ({ ...row, date: row.date.toISOString(), imported_at: row.imported_at.toISOString() })),
  );
  return db
    .insertInto("ocds_external_releases")
    .columns([
      "publisher_id",
      "ocid",
      "release_id",
      "date",
      "tags",
      "release",
      "problems",
      "warnings",
      "source",
      "imported_at",
    ])
    .expression(
      sql`select publisher_id, ocid, release_id, date, tags, release, problems, warnings, source, imported_at
        from jsonb_to_recordset(${batch}::jsonb) as batch(
          publisher_id uuid, ocid text, release_id text, date timestamptz, tags text[], release jsonb,
          problems jsonb, warnings jsonb, source text, imported_at timestamptz)`,
    )
    .onConflict((oc) => oc.columns(["publisher_id", "ocid", "release_id"]).doNothing())
    .returning(["publisher_id", "ocid", "release_id"])
    .execute();
}

export function publisherById(db: Db, id: string): Promise<OcdsPublisherRow | undefined> {
  return db.selectFrom("ocds_publishers").selectAll().where("id", "=", id).executeTakeFirst();
}

export type PublisherWithCounts = OcdsPublisherRow & { processes: number; releases: number };

/**
 * Up to `limit` publishers by name, after `seek`, each with how many processes and releases it has
 * — counted up to `cap + 1` and no further, each in the order of the primary key's index (so read
 * from it, and stopping there, however many releases a publisher has).
 */
export async function publishersPage(
  db: Db,
  options: { seek?: { name: string; id: string }; limit: number; cap: number },
): Promise<PublisherWithCounts[]> {
  const seek = options.seek;
  const after = seek ? sql`where (p.name, p.id) > (${seek.name}, ${seek.id})` : sql``;
  const { rows } = await sql<OcdsPublisherRow & { processes: string; releases: string }>`
    select p.*, processes.n as processes, releases.n as releases
    from ocds_publishers p
    left join lateral (
      select count(*) as n from (
        select distinct r.ocid from ocds_external_releases r
        where r.publisher_id = p.id order by r.ocid limit ${options.cap + 1}
      ) as counted
    ) as processes on true
    left join lateral (
      select count(*) as n from (
        select 1 from ocds_external_releases r
        where r.publisher_id = p.id order by r.ocid, r.release_id limit ${options.cap + 1}
      ) as counted
    ) as releases on true
    ${after}
    order by p.name, p.id
    limit ${options.limit}`.execute(db);
  return rows.map((row) => ({ ...row, processes: Number(row.processes), releases: Number(row.releases) }));
}

/** Where a page of a publisher's releases starts, newest first: after this release. */
export interface ExternalSeek {
  date: Date;
  ocid: string;
  releaseId: string;
}

/** Up to `limit` of a publisher's releases, newest first (by date, ocid, release id), after `seek`. */
export function releasesPage(
  db: Db,
  publisherId: string,
  seek: ExternalSeek | undefined,
  limit: number,
): Promise<ExternalReleaseRow[]> {
  let query = db.selectFrom("ocds_external_releases").selectAll().where("publisher_id", "=", publisherId);
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("date", "ocid", "release_id"), "<", tuple(seek.date, seek.ocid, seek.releaseId)),
    );
  return query
    .orderBy("date", "desc")
    .orderBy("ocid", "desc")
    .orderBy("release_id", "desc")
    .limit(limit)
    .execute();
}

/** A publisher's releases of one process, oldest first, up to `limit`. */
export function releasesOfProcess(
  db: Db,
  publisherId: string,
  ocid: string,
  limit: number,
): Promise<ExternalReleaseRow[]> {
  return db
    .selectFrom("ocds_external_releases")
    .selectAll()
    .where("publisher_id", "=", publisherId)
    .where("ocid", "=", ocid)
    .orderBy("date")
    .orderBy("release_id")
    .limit(limit)
    .execute();
}

/** An imported release a search found, with its publisher. */
export interface ExternalHit {
  ocid: string;
  id: string;
  date: Date;
  title: string | null;
  buyer: string | null;
  publisher_id: string;
  publisher_name: string;
  publisher_uri: string | null;
}

/**
 * Up to `limit` imported releases whose tender's words match `q`, newest first (by date and release
 * id), before `seek`.
 */
export function releasesMatching(
  db: Db,
  q: string,
  seek: { date: Date; id: string } | undefined,
  limit: number,
): Promise<ExternalHit[]> {
  let query = db
    .selectFrom("ocds_external_releases as r")
    .innerJoin("ocds_publishers as p", "p.id", "r.publisher_id")
    .select([
      "r.ocid",
      "r.release_id as id",
      "r.date",
      sql<string | null>`r.release #>> '{tender,title}'`.as("title"),
      sql<string | null>`r.release #>> '{buyer,name}'`.as("buyer"),
      "r.publisher_id",
      "p.name as publisher_name",
      "p.uri as publisher_uri",
    ])
    .where(matchesText(ocdsReleaseText, q));
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("r.date", "r.release_id"), "<", tuple(seek.date, seek.id)),
    );
  return query.orderBy("r.date", "desc").orderBy("r.release_id", "desc").limit(limit).execute();
}

/** Where a read of a publisher's releases in process order starts: after this release. */
export interface ProcessOrderSeek {
  ocid: string;
  releaseId: string;
}

/**
 * Up to `limit` of a publisher's releases in the order of the primary key (by ocid, then release
 * id), after `seek`: each process's releases together, read a page at a time (the market's figures).
 */
export function releasesInProcessOrder(
  db: Db,
  publisherId: string,
  seek: ProcessOrderSeek | undefined,
  limit: number,
): Promise<Pick<ExternalReleaseRow, "ocid" | "release_id" | "date" | "tags" | "release">[]> {
  let query = db
    .selectFrom("ocds_external_releases")
    .select(["ocid", "release_id", "date", "tags", "release"])
    .where("publisher_id", "=", publisherId);
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("ocid", "release_id"), ">", tuple(seek.ocid, seek.releaseId)),
    );
  return query.orderBy("ocid").orderBy("release_id").limit(limit).execute();
}

/** The publishers with these ids (by the primary key). */
export function publishersWithIds(db: Db, ids: readonly string[]): Promise<OcdsPublisherRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom("ocds_publishers").selectAll().where("id", "in", ids).execute();
}

/** Up to `limit` publishers' ids, in order, after `after` (every publisher, a page at a time). */
export async function publisherIdsAfter(db: Db, after: string | undefined, limit: number): Promise<string[]> {
  let query = db.selectFrom("ocds_publishers").select("id");
  if (after) query = query.where("id", ">", after);
  const rows = await query.orderBy("id").limit(limit).execute();
  return rows.map((r) => r.id);
}
