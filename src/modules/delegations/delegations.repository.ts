/**
 * SQL of delegations: the delegations of services (`delegations`) and the neighbourhood bodies'
 * delivery reports (`delegation_reports`).
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  Delegation,
  DelegationReport,
  DelegationReportsTable,
  DelegationsTable,
} from "./delegations.table.ts";

export function insertDelegation(db: Db, row: DelegationsTable): Promise<Delegation> {
  return db.insertInto("delegations").values(row).returningAll().executeTakeFirstOrThrow();
}

/** A delegation by its id (`lock`: for update, so that actions on one are made one at a time). */
export function delegationById(
  db: Db,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<Delegation | undefined> {
  const query = db.selectFrom("delegations").selectAll().where("id", "=", id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The active delegation of a service for an area (null: the whole service), if any. */
export function activeFor(
  db: Db,
  authorityId: string,
  serviceId: string,
  areaCode: string | null,
): Promise<Delegation | undefined> {
  let query = db
    .selectFrom("delegations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("service_id", "=", serviceId)
    .where("status", "=", "active");
  query = areaCode === null ? query.where("area_code", "is", null) : query.where("area_code", "=", areaCode);
  return query.executeTakeFirst();
}

export async function updateDelegation(
  db: Db,
  authorityId: string,
  id: string,
  changes: Partial<DelegationsTable>,
): Promise<Delegation> {
  return db
    .updateTable("delegations")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Delegations, of one authority or of all, active first, then by service and area (at most `limit`). */
export function listDelegations(
  db: Db,
  filter: { authorityId?: string; serviceId?: string },
  limit: number,
): Promise<Delegation[]> {
  let query = db.selectFrom("delegations").selectAll();
  if (filter.authorityId) query = query.where("authority_id", "=", filter.authorityId);
  if (filter.serviceId) query = query.where("service_id", "=", filter.serviceId);
  return query
    .orderBy("status")
    .orderBy("authority_id")
    .orderBy("starts_on", "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Delegations in key order after `after` (the open data's pages). */
export function delegationsAfter(db: Db, after: string | undefined, limit: number): Promise<Delegation[]> {
  let query = db.selectFrom("delegations").selectAll();
  if (after) query = query.where("id", ">", after);
  return query.orderBy("id").limit(limit).execute();
}

/** The active delegations of these authorities whose review falls on or before `by`, soonest first. */
export function reviewsDue(
  db: Db,
  authorityIds: readonly string[],
  by: string,
  limit: number,
): Promise<Delegation[]> {
  if (authorityIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("delegations")
    .selectAll()
    .where("status", "=", "active")
    .where("authority_id", "in", authorityIds)
    .where("review_on", "<=", by)
    .orderBy("review_on")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** When a delegation last changed (the open data's date). */
export async function latestChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("delegations")
    .select((eb) => eb.fn.max("updated_at").as("at"))
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

export async function insertReport(db: Db, row: DelegationReportsTable): Promise<DelegationReport> {
  return db.insertInto("delegation_reports").values(row).returningAll().executeTakeFirstOrThrow();
}

/** A delegation's reports, newest period first. */
export function reportsOf(db: Db, authorityId: string, delegationId: string): Promise<DelegationReport[]> {
  return db
    .selectFrom("delegation_reports")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("delegation_id", "=", delegationId)
    .orderBy("period_to", "desc")
    .orderBy("submitted_at", "desc")
    .execute();
}

/** What the delegations not ended add up to: the budgets, the services and the bodies. */
export interface LiveTotals {
  budgetPence: bigint;
  services: number;
  bodies: number;
}

function totalsOf(row: {
  budget: string | bigint | null;
  services: string | bigint;
  bodies: string | bigint;
}) {
  return {
    budgetPence: BigInt(row.budget ?? 0),
    services: Number(row.services),
    bodies: Number(row.bodies),
  };
}

/** Over every authority, and per authority that has delegated (ended ones too, with no live total). */
export async function liveTotals(
  db: Db,
): Promise<{ overall: LiveTotals; byAuthority: Map<string, LiveTotals> }> {
  const live = sql`status = 'active'`;
  const budget = sql<string | null>`sum(budget_pence) filter (where ${live})`;
  const services = sql<string>`count(distinct service_id) filter (where ${live})`;
  const bodies = sql<string>`count(distinct organisation_id) filter (where ${live})`;
  const [overall, rows] = await Promise.all([
    db
      .selectFrom("delegations")
      .select([budget.as("budget"), services.as("services"), bodies.as("bodies")])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("delegations")
      .select(["authority_id", budget.as("budget"), services.as("services"), bodies.as("bodies")])
      .groupBy("authority_id")
      .execute(),
  ]);
  return {
    overall: totalsOf(overall),
    byAuthority: new Map(rows.map((r) => [r.authority_id, totalsOf(r)])),
  };
}
