/**
 * SQL of the second-approval amounts: an authority's ceiling, a contract's amount, and the raises
 * waiting for a second person (`outcome_approval_ceilings`, `outcome_approval_raises`).
 */
import { type Insertable, sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  OutcomeApprovalRaise,
  OutcomeApprovalRaisesTable,
  OutcomeContract,
  RaiseStatus,
} from "./results.table.ts";

export interface CeilingRow {
  ceiling_pence: bigint;
  set_by: string | null;
  set_at: Date;
}

/**
 * The authority's ceiling, if its administrators set one. `lock`: "share" while a contract's amount
 * is set against it, "update" to change it — so a change of the ceiling waits for those and after.
 */
export function ceilingRow(
  db: Db,
  authorityId: string,
  opts: { lock?: "share" | "update" } = {},
): Promise<CeilingRow | undefined> {
  const query = db
    .selectFrom("outcome_approval_ceilings")
    .select(["ceiling_pence", "set_by", "set_at"])
    .where("authority_id", "=", authorityId);
  if (opts.lock === "share") return query.forShare().executeTakeFirst();
  if (opts.lock === "update") return query.forUpdate().executeTakeFirst();
  return query.executeTakeFirst();
}

/** Sets the authority's ceiling (its one row), answering it. */
export function upsertCeiling(
  db: Db,
  authorityId: string,
  row: CeilingRow & { set_by: string },
): Promise<CeilingRow> {
  return db
    .insertInto("outcome_approval_ceilings")
    .values({ authority_id: authorityId, ...row })
    .onConflict((oc) => oc.column("authority_id").doUpdateSet(row))
    .returning(["ceiling_pence", "set_by", "set_at"])
    .executeTakeFirstOrThrow();
}

/** The authority's contracts whose amount is above a ceiling, by reference: a few to lower. */
export function contractsAbove(
  db: Db,
  authorityId: string,
  ceilingPence: bigint,
  limit: number,
): Promise<Pick<OutcomeContract, "id" | "reference" | "title" | "second_approval_above_pence">[]> {
  return db
    .selectFrom("outcome_contracts")
    .select(["id", "reference", "title", "second_approval_above_pence"])
    .where("authority_id", "=", authorityId)
    .where("second_approval_above_pence", ">", ceilingPence)
    .orderBy("reference")
    .limit(limit)
    .execute();
}

export async function setContractAmount(
  db: Db,
  authorityId: string,
  contractId: string,
  pence: bigint,
): Promise<void> {
  await db
    .updateTable("outcome_contracts")
    .set({ second_approval_above_pence: pence })
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .execute();
}

/** The contract's raise waiting for a second person, if any (at most one: a unique index). */
export function pendingRaise(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<OutcomeApprovalRaise | undefined> {
  return db
    .selectFrom("outcome_approval_raises")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("status", "=", "pending")
    .executeTakeFirst();
}

export function lockRaise(
  db: Db,
  authorityId: string,
  raiseId: string,
): Promise<OutcomeApprovalRaise | undefined> {
  return db
    .selectFrom("outcome_approval_raises")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", raiseId)
    .forUpdate()
    .executeTakeFirst();
}

export function insertRaise(
  db: Db,
  row: Insertable<OutcomeApprovalRaisesTable>,
): Promise<OutcomeApprovalRaise> {
  return db.insertInto("outcome_approval_raises").values(row).returningAll().executeTakeFirstOrThrow();
}

/** Closes a waiting raise: confirmed, refused or superseded, by whom and when. */
export function decideRaise(
  db: Db,
  authorityId: string,
  raiseId: string,
  decision: { status: Exclude<RaiseStatus, "pending">; by: string; at: Date },
): Promise<OutcomeApprovalRaise> {
  return db
    .updateTable("outcome_approval_raises")
    .set({ status: decision.status, decided_by: decision.by, decided_at: decision.at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", raiseId)
    .where("status", "=", "pending")
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A raise of a contract's amount waiting for a second person, for "Your work". */
export interface RaiseAwaiting {
  authority_id: string;
  id: string;
  contract_id: string;
  reference: string;
  title: string;
  to_pence: bigint;
  proposed_by: string;
  /** How many raises wait in all (every row carries it). */
  total: string;
}

/** The raises waiting in these authorities, oldest first (at most `limit`). */
export async function raisesAwaiting(
  db: Db,
  authorityIds: readonly string[],
  limit: number,
): Promise<RaiseAwaiting[]> {
  if (authorityIds.length === 0) return [];
  const r = await sql<RaiseAwaiting>`
    select x.authority_id, x.id, x.contract_id, c.reference, c.title, x.to_pence, x.proposed_by,
      (count(*) over ())::text as total
    from outcome_approval_raises x
    join outcome_contracts c on c.authority_id = x.authority_id and c.id = x.contract_id
    where x.authority_id in (${sql.join(authorityIds.map((id) => sql`${id}::uuid`))})
      and x.status = 'pending'
    order by x.proposed_at, x.id
    limit ${limit}`.execute(db);
  return r.rows;
}
