/** Commissioning projects' SQL. Every function takes the database or a transaction first. */
import type { Db, Trx } from "../../db/database.ts";
import { keepKeys, keysIn } from "../../db/keys.ts";
import type { NewProject, Project, ProjectNotice } from "./projects.table.ts";

/** A project with the names it refers to, the services it covers and its participants. */
export interface ProjectRow extends Project {
  authority_name: string;
  authority_slug: string;
  category_name: string;
  area_name: string;
  services: { id: string; name: string }[];
  participants: { id: string; name: string }[];
  notice: ProjectNotice | null;
}

export async function insertProject(trx: Trx, project: NewProject): Promise<void> {
  await trx.insertInto("projects").values(project).execute();
}

export async function updateProject(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: Partial<NewProject>,
): Promise<void> {
  await trx
    .updateTable("projects")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** Replaces the project's services and participants. */
export async function setLinks(
  trx: Trx,
  authorityId: string,
  projectId: string,
  serviceIds: readonly string[],
  participantIds: readonly string[],
): Promise<void> {
  await trx
    .deleteFrom("project_services")
    .where("authority_id", "=", authorityId)
    .where("project_id", "=", projectId)
    .execute();
  await trx
    .deleteFrom("project_participants")
    .where("authority_id", "=", authorityId)
    .where("project_id", "=", projectId)
    .execute();
  if (serviceIds.length > 0)
    await trx
      .insertInto("project_services")
      .values(
        serviceIds.map((service_id) => ({ authority_id: authorityId, project_id: projectId, service_id })),
      )
      .execute();
  if (participantIds.length > 0)
    await trx
      .insertInto("project_participants")
      .values(
        participantIds.map((participant_id) => ({
          authority_id: authorityId,
          project_id: projectId,
          participant_id,
        })),
      )
      .execute();
}

export function lockProject(trx: Trx, authorityId: string, id: string): Promise<Project | undefined> {
  return trx
    .selectFrom("projects")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

async function withLinks(db: Db, projects: Omit<ProjectRow, "services" | "participants" | "notice">[]) {
  if (projects.length === 0) return [];
  const authorityIds = [...new Set(projects.map((p) => p.authority_id))];
  const ids = projects.map((p) => p.id);
  const [services, participants, notices] = await Promise.all([
    db
      .selectFrom("project_services as ps")
      .innerJoin("services as s", (j) =>
        j.onRef("s.authority_id", "=", "ps.authority_id").onRef("s.id", "=", "ps.service_id"),
      )
      .select(["ps.authority_id", "ps.project_id", "s.id", "s.name"])
      .where("ps.authority_id", "in", authorityIds)
      .where("ps.project_id", "in", ids)
      .orderBy("s.name")
      .orderBy("s.id")
      .execute(),
    db
      .selectFrom("project_participants as pp")
      .innerJoin("authorities as a", "a.id", "pp.participant_id")
      .select(["pp.authority_id", "pp.project_id", "a.id", "a.name"])
      .where("pp.authority_id", "in", authorityIds)
      .where("pp.project_id", "in", ids)
      .orderBy("a.name")
      .orderBy("a.id")
      .execute(),
    db
      .selectFrom("project_notices")
      .selectAll()
      .where("authority_id", "in", authorityIds)
      .where("project_id", "in", ids)
      .execute(),
  ]);
  // Each project's own, in the order read (a page of projects: grouped once, not searched each time).
  const key = (a: string, p: string) => `${a}/${p}`;
  const servicesOf = new Map<string, { id: string; name: string }[]>();
  for (const s of services) {
    const k = key(s.authority_id, s.project_id);
    servicesOf.set(k, [...(servicesOf.get(k) ?? []), { id: s.id, name: s.name }]);
  }
  const participantsOf = new Map<string, { id: string; name: string }[]>();
  for (const s of participants) {
    const k = key(s.authority_id, s.project_id);
    participantsOf.set(k, [...(participantsOf.get(k) ?? []), { id: s.id, name: s.name }]);
  }
  const noticeOf = new Map<string, ProjectNotice>();
  for (const n of notices) {
    const k = key(n.authority_id, n.project_id);
    if (!noticeOf.has(k)) noticeOf.set(k, n);
  }
  return projects.map((p) => {
    const k = key(p.authority_id, p.id);
    return {
      ...p,
      services: servicesOf.get(k) ?? [],
      participants: participantsOf.get(k) ?? [],
      notice: noticeOf.get(k) ?? null,
    };
  });
}

function withNames(db: Db) {
  return db
    .selectFrom("projects as p")
    .innerJoin("authorities as a", "a.id", "p.authority_id")
    .innerJoin("service_categories as c", "c.code", "p.category_code")
    .innerJoin("areas as r", "r.code", "p.area_code")
    .selectAll("p")
    .select([
      "a.name as authority_name",
      "a.slug as authority_slug",
      "c.name as category_name",
      "r.name as area_name",
    ]);
}

export async function findProject(db: Db, authorityId: string, id: string): Promise<ProjectRow | undefined> {
  const row = await withNames(db)
    .where("p.authority_id", "=", authorityId)
    .where("p.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  return (await withLinks(db, [row]))[0];
}

/** These projects (those that exist, drafts too), with their names and links, in no order. */
export async function findProjects(
  db: Db,
  keys: readonly { authority_id: string; id: string }[],
): Promise<ProjectRow[]> {
  if (keys.length === 0) return [];
  const rows = await withNames(db)
    .where(keysIn("p.authority_id", "p.id", keys))
    .execute();
  return withLinks(
    db,
    keepKeys(rows, keys, (p) => [p.authority_id, p.id]),
  );
}

/** How many projects are published, of every authority. */
export async function countPublishedProjects(db: Db): Promise<number> {
  const row = await db
    .selectFrom("projects")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("status", "=", "published")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A published project's key read by service category: its authority, category and id. */
export interface CategoryKey {
  authority_id: string;
  category_code: string;
  id: string;
}

/**
 * Up to `limit` published projects of every authority (their keys alone), by authority, service
 * category, then id, after `after` (the index `projects_published_by_category`).
 */
export function publishedProjectKeysByCategoryAfter(
  db: Db,
  after: CategoryKey | undefined,
  limit: number,
): Promise<CategoryKey[]> {
  let query = db
    .selectFrom("projects")
    .select(["authority_id", "category_code", "id"])
    .where("status", "=", "published");
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("authority_id", "category_code", "id"),
        ">",
        tuple(after.authority_id, after.category_code, after.id),
      ),
    );
  return query.orderBy("authority_id").orderBy("category_code").orderBy("id").limit(limit).execute();
}

export async function projectsOf(
  db: Db,
  authorityId: string,
  options: { drafts: boolean },
): Promise<ProjectRow[]> {
  let query = withNames(db).where("p.authority_id", "=", authorityId);
  if (!options.drafts) query = query.where("p.status", "=", "published");
  return withLinks(db, await query.orderBy("p.start_date").orderBy("p.title").orderBy("p.id").execute());
}

/** One page of every authority's published projects, in key order after `after` (the open data). */
export async function publishedProjectsAfter(
  db: Db,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<ProjectRow[]> {
  let query = withNames(db).where("p.status", "=", "published");
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("p.authority_id", "p.id"), ">", tuple(after[0], after[1])),
    );
  return withLinks(db, await query.orderBy("p.authority_id").orderBy("p.id").limit(limit).execute());
}

/** When any published project last changed: the end of an index, not a scan. */
export async function latestPublishedProjectChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("projects")
    .select((eb) => eb.fn.max<Date | null>("updated_at").as("at"))
    .where("status", "=", "published")
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function insertNotice(
  trx: Trx,
  notice: { authority_id: string; id: string; project_id: string; published_at: Date; content: unknown },
): Promise<void> {
  await trx
    .insertInto("project_notices")
    .values({ ...notice, kind: "pipeline", content: JSON.stringify(notice.content) })
    .execute();
}

/** Of these services, the ones on this authority's register. */
export async function servicesOnRegister(
  db: Db,
  authorityId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("services")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("id", "in", ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Of these ids, the authorities (not regulators or ombudsmen) that exist. */
export async function existingAuthorities(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("authorities")
    .select(["id", "kind"])
    .where("id", "in", ids)
    .where("kind", "not in", ["regulator", "ombudsman", "consumer-champion"])
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function areaExists(db: Db, code: string): Promise<boolean> {
  return (
    (await db.selectFrom("areas").select("code").where("code", "=", code).executeTakeFirst()) !== undefined
  );
}

/** Authorities (not regulators or ombudsmen) other than this one, for choosing participants. */
export function otherAuthorities(db: Db, authorityId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom("authorities")
    .select(["id", "name"])
    .where("id", "<>", authorityId)
    .where("kind", "not in", ["regulator", "ombudsman", "consumer-champion"])
    .orderBy("name")
    .orderBy("id")
    .execute();
}

/** An authority's projects' service categories and areas, a page at a time in id order (the market's figures). */
export function projectPlacesAfter(
  db: Db,
  authorityId: string,
  afterId: string | undefined,
  limit: number,
): Promise<{ id: string; category_code: string; area_code: string }[]> {
  let query = db
    .selectFrom("projects")
    .select(["id", "category_code", "area_code"])
    .where("authority_id", "=", authorityId);
  if (afterId !== undefined) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}
