/** The published OCDS releases (`ocds_releases`): the only SQL of the ocds module. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import { matchesText, ocdsReleaseText } from "../../db/text-search.ts";
import type { OcdsReleaseRow } from "./ocds.table.ts";

/**
 * Holds the process `ocid` for this transaction: two changes to one process committing at once
 * number their releases one after the other.
 */
export async function lockProcess(trx: Trx, ocid: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ocds:${ocid}`}, 0))`.execute(trx);
}

/** The number and date of the process's latest release (undefined when it has none). */
export function lastRelease(
  trx: Trx,
  authorityId: string,
  ocid: string,
): Promise<{ seq: number; date: Date } | undefined> {
  return trx
    .selectFrom("ocds_releases")
    .select(["seq", "date"])
    .where("authority_id", "=", authorityId)
    .where("ocid", "=", ocid)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function insertRelease(
  trx: Trx,
  row: {
    authority_id: string;
    id: string;
    ocid: string;
    seq: number;
    date: Date;
    tags: string[];
    release: Record<string, unknown>;
  },
): Promise<void> {
  await trx
    .insertInto("ocds_releases")
    .values({ ...row, release: JSON.stringify(row.release) })
    .execute();
}

/** Where a page of releases starts, newest first: after the release with this date and id. */
export interface ReleaseSeek {
  date: Date;
  id: string;
}

/** A release as stored, its JSON as text: served as it is, never parsed and written again. */
export interface ReleaseText {
  id: string;
  ocid: string;
  seq: number;
  date: Date;
  tags: string[];
  release: string;
}

const asText = ["id", "ocid", "seq", "date", "tags", sql<string>`release::text`.as("release")] as const;

/** Up to `limit` releases, newest first, dated within [since, until) when given, after `seek`. */
export function releasesPage(
  db: Db,
  options: { since?: Date; until?: Date; seek?: ReleaseSeek; limit: number },
): Promise<ReleaseText[]> {
  let query = db.selectFrom("ocds_releases").select(asText);
  if (options.since) query = query.where("date", ">=", options.since);
  if (options.until) query = query.where("date", "<", options.until);
  const seek = options.seek;
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("date", "id"), "<", tuple(seek.date, seek.id)),
    );
  return query.orderBy("date", "desc").orderBy("id", "desc").limit(options.limit).execute();
}

/** One release by its id, whichever authority published it. */
export function releaseById(db: Db, id: string): Promise<ReleaseText | undefined> {
  return db.selectFrom("ocds_releases").select(asText).where("id", "=", id).executeTakeFirst();
}

/** The number of the process's latest release, whichever authority published it (0: none). */
export async function latestSeq(db: Db, ocid: string): Promise<number> {
  const row = await db
    .selectFrom("ocds_releases")
    .select("seq")
    .where("ocid", "=", ocid)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/** A process's releases in the order they were published (empty when the ocid is unknown). */
export function releasesOf(db: Db, ocid: string): Promise<OcdsReleaseRow[]> {
  return db.selectFrom("ocds_releases").selectAll().where("ocid", "=", ocid).orderBy("seq").execute();
}

/** Up to `limit` releases in publication order (oldest first, by date then id), after `after`. */
export function releasesInOrder(
  db: Db,
  after: ReleaseSeek | undefined,
  limit: number,
): Promise<ReleaseText[]> {
  let query = db.selectFrom("ocds_releases").select(asText);
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("date", "id"), ">", tuple(after.date, after.id)),
    );
  return query.orderBy("date").orderBy("id").limit(limit).execute();
}

/** Which of these ocids have at least one release. */
export async function ocidsPublished(db: Db, ocids: readonly string[]): Promise<Set<string>> {
  if (ocids.length === 0) return new Set();
  const rows = await db
    .selectFrom("ocds_releases")
    .select("ocid")
    .distinct()
    .where("ocid", "in", ocids)
    .execute();
  return new Set(rows.map((r) => r.ocid));
}

/** The process a tender belongs to, when it has been given one. */
export function processOfTender(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<{ ocid: string; project_id: string } | undefined> {
  return db
    .selectFrom("ocds_processes")
    .select(["ocid", "project_id"])
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .executeTakeFirst();
}

/** The processes of a project, with their tenders. */
export function processesOfProject(
  db: Db,
  authorityId: string,
  projectId: string,
): Promise<{ ocid: string; tender_id: string | null }[]> {
  return db
    .selectFrom("ocds_processes")
    .select(["ocid", "tender_id"])
    .where("authority_id", "=", authorityId)
    .where("project_id", "=", projectId)
    .execute();
}

/** Gives a process its ocid (the project's own, when the project's process gains its tender: updated). */
export async function assignProcess(
  trx: Trx,
  row: {
    authority_id: string;
    ocid: string;
    project_id: string;
    tender_id: string | null;
    assigned_at: Date;
  },
): Promise<void> {
  await trx
    .insertInto("ocds_processes")
    .values(row)
    .onConflict((oc) => oc.columns(["authority_id", "ocid"]).doUpdateSet({ tender_id: row.tender_id }))
    .execute();
}

/** A release a search found: enough to name its process and link to its record. */
export interface ReleaseHit {
  ocid: string;
  id: string;
  date: Date;
  title: string | null;
  buyer: string | null;
}

/** Up to `limit` of OpenPS's releases whose tender's words match `q`, newest first, after `seek`. */
export function releasesMatching(
  db: Db,
  q: string,
  seek: ReleaseSeek | undefined,
  limit: number,
): Promise<ReleaseHit[]> {
  let query = db
    .selectFrom("ocds_releases")
    .select([
      "ocid",
      "id",
      "date",
      sql<string | null>`release #>> '{tender,title}'`.as("title"),
      sql<string | null>`release #>> '{buyer,name}'`.as("buyer"),
    ])
    .where(matchesText(ocdsReleaseText, q));
  if (seek)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("date", "id"), "<", tuple(seek.date, seek.id)),
    );
  return query.orderBy("date", "desc").orderBy("id", "desc").limit(limit).execute();
}

/** How many of each project's processes have at least one release (projects with none left out). */
export async function publishedProcessCounts(
  db: Db,
  projects: readonly { authority_id: string; id: string }[],
): Promise<Map<string, number>> {
  if (projects.length === 0) return new Map();
  const rows = await db
    .selectFrom("ocds_processes as p")
    .select(["p.project_id", (eb) => eb.fn.countAll<string>().as("n")])
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("p.authority_id", "p.project_id"),
        "in",
        projects.map((x) => tuple(x.authority_id, x.id)),
      ),
    )
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("ocds_releases as r").select("r.seq").whereRef("r.ocid", "=", "p.ocid")),
    )
    .groupBy("p.project_id")
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]));
}
