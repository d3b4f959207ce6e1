/** The service register's SQL. Every function takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  AppraisalOption,
  NewService,
  NewServiceAppraisal,
  Service,
  ServiceAppraisal,
  ServiceUpdate,
} from "./services.table.ts";

/** A service with the names it refers to, for pages and the API. */
export interface ServiceRow extends Service {
  category_name: string;
  cpv_code: string;
  provider_name: string | null;
}

/** A service in the pipeline, with its authority. */
export interface PipelineRow extends ServiceRow {
  authority_name: string;
  authority_slug: string;
  /** The latest published commissioning project covering the service (its planned procurement). */
  planned_project_id: string | null;
  planned_project_title: string | null;
  planned_project_ocid: string | null;
}

function withNames(db: Db) {
  return db
    .selectFrom("services as s")
    .innerJoin("service_categories as c", "c.code", "s.category_code")
    .leftJoin("organisations as o", "o.id", "s.provider_organisation_id")
    .selectAll("s")
    .select(["c.name as category_name", "c.cpv_code", "o.name as provider_name"]);
}

export async function insertService(trx: Trx, service: NewService): Promise<void> {
  await trx.insertInto("services").values(service).execute();
}

export async function updateService(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: ServiceUpdate,
): Promise<void> {
  await trx
    .updateTable("services")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The service, locked for a change in this transaction. */
export function lockService(trx: Trx, authorityId: string, id: string): Promise<Service | undefined> {
  return trx
    .selectFrom("services")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export function findService(db: Db, authorityId: string, id: string): Promise<ServiceRow | undefined> {
  return withNames(db).where("s.authority_id", "=", authorityId).where("s.id", "=", id).executeTakeFirst();
}

export function servicesOf(db: Db, authorityId: string): Promise<ServiceRow[]> {
  return withNames(db).where("s.authority_id", "=", authorityId).orderBy("s.name").orderBy("s.id").execute();
}

/** Services whose contracts end between `from` and `to` (YYYY-MM-DD, inclusive), soonest first. */
export function contractsEnding(
  db: Db,
  range: { from: string; to: string; authorityId?: string },
): Promise<PipelineRow[]> {
  let query = withNames(db)
    .innerJoin("authorities as a", "a.id", "s.authority_id")
    .select(["a.name as authority_name", "a.slug as authority_slug"])
    .select((eb) => {
      const planned = () =>
        eb
          .selectFrom("project_services as ps")
          .innerJoin("projects as p", (j) =>
            j.onRef("p.authority_id", "=", "ps.authority_id").onRef("p.id", "=", "ps.project_id"),
          )
          .whereRef("ps.authority_id", "=", "s.authority_id")
          .whereRef("ps.service_id", "=", "s.id")
          .where("p.status", "=", "published")
          .orderBy("p.published_at", "desc")
          .orderBy("p.id", "desc")
          .limit(1);
      return [
        planned().select("p.id").as("planned_project_id"),
        planned().select("p.title").as("planned_project_title"),
        planned().select("p.ocid").as("planned_project_ocid"),
      ];
    })
    .where("s.contract_end", ">=", range.from)
    .where("s.contract_end", "<=", range.to);
  if (range.authorityId) query = query.where("s.authority_id", "=", range.authorityId);
  return query.orderBy("s.contract_end").orderBy("a.name").orderBy("s.name").execute() as Promise<
    PipelineRow[]
  >;
}

/** A tenant table's key: (authority id, id). */
export type TenantKey = readonly [authorityId: string, id: string];

/** One page of every authority's services, in key order after `after` (the open data). */
/** Each authority's register summed: the annual cost of all its services, in pence. */
export async function annualCostByAuthority(db: Db): Promise<Map<string, bigint>> {
  const rows = await db
    .selectFrom("services")
    .select(["authority_id", (eb) => eb.fn.sum<string>("annual_cost_pence").as("cost")])
    .groupBy("authority_id")
    .execute();
  return new Map(rows.map((r) => [r.authority_id, BigInt(r.cost)]));
}

export function servicesAfter(
  db: Db,
  after: TenantKey | undefined,
  limit: number,
  contractEnding?: { from: string; to: string },
): Promise<Service[]> {
  let query = db.selectFrom("services").selectAll();
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("authority_id", "id"), ">", tuple(after[0], after[1])),
    );
  if (contractEnding)
    query = query
      .where("contract_end", ">=", contractEnding.from)
      .where("contract_end", "<=", contractEnding.to);
  return query.orderBy("authority_id").orderBy("id").limit(limit).execute();
}

/** The latest published project covering each of these services (their planned procurement), by service. */
export async function plannedProjectsOf(
  db: Db,
  keys: readonly TenantKey[],
): Promise<Map<string, { id: string; title: string; ocid: string }>> {
  const planned = new Map<string, { id: string; title: string; ocid: string }>();
  if (keys.length === 0) return planned;
  const rows = await db
    .selectFrom("project_services as ps")
    .innerJoin("projects as p", (j) =>
      j.onRef("p.authority_id", "=", "ps.authority_id").onRef("p.id", "=", "ps.project_id"),
    )
    .select(["ps.authority_id", "ps.service_id", "p.id", "p.title", "p.ocid"])
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("ps.authority_id", "ps.service_id"),
        "in",
        keys.map(([authorityId, id]) => tuple(authorityId, id)),
      ),
    )
    .where("p.status", "=", "published")
    .orderBy("ps.authority_id")
    .orderBy("ps.service_id")
    .orderBy("p.published_at", "desc")
    .orderBy("p.id", "desc")
    .execute();
  for (const row of rows) {
    const key = `${row.authority_id}/${row.service_id}`;
    if (!planned.has(key)) planned.set(key, { id: row.id, title: row.title, ocid: row.ocid });
  }
  return planned;
}

/** When any service on a register last changed: the end of an index, not a scan. */
export async function latestServiceChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("services")
    .select((eb) => eb.fn.max<Date | null>("updated_at").as("at"))
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function organisationExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom("organisations").select("id").where("id", "=", id).executeTakeFirst();
  return row !== undefined;
}

export function organisationChoices(db: Db): Promise<{ id: string; name: string }[]> {
  return db.selectFrom("organisations").select(["id", "name"]).orderBy("name").orderBy("id").execute();
}

export async function insertAppraisal(trx: Trx, appraisal: NewServiceAppraisal): Promise<void> {
  const { options, ...rest } = appraisal;
  // An array parameter is sent as a text[] literal built here, the same on both drivers.
  await trx
    .insertInto("service_appraisals")
    .values({
      ...rest,
      options: sql<AppraisalOption[]>`array[${sql.join(options as AppraisalOption[])}]::text[]`,
    })
    .execute();
}

export function appraisalsOf(db: Db, authorityId: string, serviceId: string): Promise<ServiceAppraisal[]> {
  return db
    .selectFrom("service_appraisals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("service_id", "=", serviceId)
    .orderBy(sql`published_at desc nulls first`)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function lockAppraisal(
  trx: Trx,
  authorityId: string,
  serviceId: string,
  id: string,
): Promise<ServiceAppraisal | undefined> {
  return trx
    .selectFrom("service_appraisals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("service_id", "=", serviceId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function publishAppraisal(trx: Trx, authorityId: string, id: string, at: Date): Promise<void> {
  await trx
    .updateTable("service_appraisals")
    .set({ status: "published", published_at: at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The service category of each service on an authority's register (the market's figures). */
export function serviceCategoriesOf(
  db: Db,
  authorityId: string,
): Promise<{ id: string; category_code: string }[]> {
  return db
    .selectFrom("services")
    .select(["id", "category_code"])
    .where("authority_id", "=", authorityId)
    .orderBy("id")
    .execute();
}
