/** The published OCDS releases (`ocds_releases`): the only SQL of the ocds module. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import { matchesText, ocdsReleaseText } from "../../db/text-search.ts";
import type { OcdsReleaseRow } from "./ocds.table.ts";

/**
 * Holds the processes `ocids` for this transaction: two changes to one process committing at once
 * number their releases one after the other. Taken in one order (sorted), so two transactions
 * holding several never wait for each other in a circle.
 */
export async function lockProcesses(trx: Trx, ocids: readonly string[]): Promise<void> {
  const keys = [...new Set(ocids)].sort().map((ocid) => `ocds:${ocid}`);
  if (keys.length === 0) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0))
    from unnest(array[${sql.join(keys)}]::text[]) with ordinality as x(k, n) order by n`.execute(trx);
}

export function lockProcess(trx: Trx, ocid: string): Promise<void> {
  return lockProcesses(trx, [ocid]);
}

/** The number and date of each of these processes' latest release, by ocid (one with none left out). */
export async function lastReleases(
  trx: Trx,
  processes: readonly { authority_id: string; ocid: string }[],
): Promise<Map<string, { seq: number; date: Date }>> {
  if (processes.length === 0) return new Map();
  const rows = await trx
    .selectFrom("ocds_releases")
    .select(["authority_id", "ocid", "seq", "date"])
    .distinctOn("ocid")
    .where("ocid", "in", [...new Set(processes.map((p) => p.ocid))])
    .orderBy("ocid")
    .orderBy("seq", "desc")
    .execute();
  const asked = new Set(processes.map((p) => `${p.authority_id}/${p.ocid}`));
  return new Map(
    rows
      .filter((r) => asked.has(`${r.authority_id}/${r.ocid}`))
      .map((r) => [r.ocid, { seq: r.seq, date: r.date }]),
  );
}

export interface NewRelease {
  authority_id: string;
  id: string;
  ocid: string;
  seq: number;
  date: Date;
  tags: string[];
  release: Record<string, unknown>;
}

/** Inserts these releases (a few hundred at a time: one statement each). */
export async function insertReleases(trx: Trx, rows: readonly NewRelease[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200)
    await trx
      .insertInto("ocds_releases")
      .values(rows.slice(i, i + 200).map((row) => ({ ...row, release: JSON.stringify(row.release) })))
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

/** The releases of these processes, each process's in the order they were published. */
export function releasesOfProcesses(db: Db, ocids: readonly string[]): Promise<OcdsReleaseRow[]> {
  if (ocids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("ocds_releases")
    .selectAll()
    .where("ocid", "in", [...new Set(ocids)])
    .orderBy("ocid")
    .orderBy("seq")
    .execute();
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

/** The processes of these projects, with their tenders, by project id (a project with none left out). */
export async function processesOfProjects(
  db: Db,
  projects: readonly { authority_id: string; id: string }[],
): Promise<Map<string, { ocid: string; tender_id: string | null }[]>> {
  if (projects.length === 0) return new Map();
  const rows = await db
    .selectFrom("ocds_processes")
    .select(["authority_id", "project_id", "ocid", "tender_id"])
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("authority_id", "project_id"),
        "in",
        projects.map((p) => tuple(p.authority_id, p.id)),
      ),
    )
    .execute();
  const byProject = new Map<string, { ocid: string; tender_id: string | null }[]>();
  for (const row of rows)
    byProject.set(row.project_id, [
      ...(byProject.get(row.project_id) ?? []),
      { ocid: row.ocid, tender_id: row.tender_id },
    ]);
  return byProject;
}

export interface ProcessAssignment {
  authority_id: string;
  ocid: string;
  project_id: string;
  tender_id: string | null;
  assigned_at: Date;
}

/**
 * Gives processes their ocids (the project's own, when the project's process gains its tender:
 * updated). One row an ocid.
 */
export async function assignProcesses(trx: Trx, rows: readonly ProcessAssignment[]): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto("ocds_processes")
    .values([...rows])
    .onConflict((oc) =>
      oc.columns(["authority_id", "ocid"]).doUpdateSet((eb) => ({ tender_id: eb.ref("excluded.tender_id") })),
    )
    .execute();
}

export function assignProcess(trx: Trx, row: ProcessAssignment): Promise<void> {
  return assignProcesses(trx, [row]);
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
