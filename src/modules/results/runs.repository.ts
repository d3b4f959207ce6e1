/** SQL of payment runs and the ledger (runs.service.ts): runs, their approvals, totals, ledger rows. */

import type { Insertable, Updateable } from "kysely";
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  OutcomeClaim,
  OutcomeCorrectionRequest,
  OutcomeCorrectionRequestsTable,
  OutcomeLedgerEntry,
  OutcomeLedgerTable,
  OutcomeModelRow,
  OutcomeRun,
  OutcomeRunsTable,
} from "./results.table.ts";

export function runById(db: Db, authorityId: string, runId: string): Promise<OutcomeRun | undefined> {
  return db
    .selectFrom("outcome_runs")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", runId)
    .executeTakeFirst();
}

/** The run locked for a change (its contract's row is locked first, by the caller). */
export function lockRun(db: Db, authorityId: string, runId: string): Promise<OutcomeRun | undefined> {
  return db
    .selectFrom("outcome_runs")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", runId)
    .forUpdate()
    .executeTakeFirst();
}

/** The contract's latest run not cancelled (the one with the latest period). */
export function latestRun(db: Db, authorityId: string, contractId: string): Promise<OutcomeRun | undefined> {
  return db
    .selectFrom("outcome_runs")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("status", "<>", "cancelled")
    .orderBy("period_start", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function insertRun(db: Db, row: Insertable<OutcomeRunsTable>): Promise<OutcomeRun> {
  return db.insertInto("outcome_runs").values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateRun(
  db: Db,
  authorityId: string,
  runId: string,
  changes: Updateable<OutcomeRunsTable>,
): Promise<OutcomeRun> {
  return db
    .updateTable("outcome_runs")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", runId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A contract's runs, the latest period first (and of a month, the latest run first: a cancelled run
 * and the one that replaced it), a page at a time after a (period's first day, run id).
 */
export function runsOfContract(
  db: Db,
  authorityId: string,
  contractId: string,
  after: { periodStart: string; id: string } | undefined,
  limit: number,
): Promise<OutcomeRun[]> {
  let q = db
    .selectFrom("outcome_runs")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId);
  if (after) q = q.where(sql<boolean>`(period_start, id) < (${after.periodStart}::date, ${after.id}::uuid)`);
  return q.orderBy("period_start", "desc").orderBy("id", "desc").limit(limit).execute();
}

/** How many participants of the contract a run counts (those recorded by its cut-off). */
export async function participantsOfRun(db: Db, run: OutcomeRun): Promise<number> {
  const row = await db
    .selectFrom("outcome_participants")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("authority_id", "=", run.authority_id)
    .where("contract_id", "=", run.contract_id)
    .where("recorded_at", "<=", run.started_at)
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * Records a compute's progress and extends its lease, only while the run is still computing under
 * this lease (`token`): false when it was cancelled or another compute took it over. The row lock it
 * takes orders it with a cancellation: the chunk commits before the cancellation reads the run, or
 * finds the run cancelled and is rolled back.
 */
export async function recordProgress(
  db: Db,
  run: { authorityId: string; id: string; token: string },
  progress: { chunks: number; participants: number | "all" },
  leaseUntil: Date,
): Promise<boolean> {
  const done =
    progress.participants === "all"
      ? sql<number>`coalesce(participants_total, participants_done)`
      : sql<number>`${progress.participants}::int`;
  const r = await db
    .updateTable("outcome_runs")
    .set({ chunks_done: progress.chunks, participants_done: done, compute_lease_until: leaseUntil })
    .where("authority_id", "=", run.authorityId)
    .where("id", "=", run.id)
    .where("status", "=", "computing")
    .where("compute_lease", "=", run.token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives up a compute's lease (it stopped with an error), unless another compute holds the run now. */
export async function releaseLease(db: Db, authorityId: string, runId: string, token: string): Promise<void> {
  await db
    .updateTable("outcome_runs")
    .set({ compute_lease: null, compute_lease_until: null })
    .where("authority_id", "=", authorityId)
    .where("id", "=", runId)
    .where("compute_lease", "=", token)
    .execute();
}

/**
 * A cancelled run's claims and the recoveries it raised made void (the one change their rows allow):
 * they leave the paid-once index and every reading of what counts. Returns how many of each.
 */
export async function voidRunRows(
  db: Db,
  authorityId: string,
  contractId: string,
  runId: string,
): Promise<{ claims: number; recoveries: number }> {
  const claims = await db
    .updateTable("outcome_claims")
    .set({ void: true })
    .where("authority_id", "=", authorityId)
    .where("run_id", "=", runId)
    .where("void", "=", false)
    .executeTakeFirst();
  const recoveries = await db
    .updateTable("outcome_recoveries")
    .set({ void: true })
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("run_id", "=", runId)
    .where("void", "=", false)
    .executeTakeFirst();
  return { claims: Number(claims.numUpdatedRows), recoveries: Number(recoveries.numUpdatedRows) };
}

/** The run's claims added up: valid ones (paid) and refused ones, by the run's own key. */
export async function claimTotals(
  db: Db,
  authorityId: string,
  runId: string,
): Promise<{ claimsPence: bigint; claimCount: number; refusedPence: bigint; refusedCount: number }> {
  const row = await db
    .selectFrom("outcome_claims")
    .select([
      sql<string>`coalesce(sum(amount_pence) filter (where problems = '{}'), 0)`.as("claims"),
      sql<string>`count(*) filter (where problems = '{}')`.as("claim_count"),
      sql<string>`coalesce(sum(amount_pence) filter (where problems <> '{}'), 0)`.as("refused"),
      sql<string>`count(*) filter (where problems <> '{}')`.as("refused_count"),
    ])
    .where("authority_id", "=", authorityId)
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  return {
    claimsPence: BigInt(row.claims),
    claimCount: Number(row.claim_count),
    refusedPence: BigInt(row.refused),
    refusedCount: Number(row.refused_count),
  };
}

/**
 * What the provider still owes on the contract: every recovery raised (audits, reconciliations,
 * proxies, corrections; not those a cancelled run raised) less what runs have recovered so far (the
 * ledger's recovery rows).
 */
export async function recoveriesOutstanding(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<bigint> {
  const row = await sql<{ owed: string }>`
    select (
      coalesce((select sum(amount_pence) from outcome_recoveries
        where authority_id = ${authorityId}::uuid and contract_id = ${contractId}::uuid and not void), 0)
      - coalesce((select sum(amount_pence) from outcome_ledger
        where authority_id = ${authorityId}::uuid and contract_id = ${contractId}::uuid and kind = 'recovery'), 0)
    )::text as owed`.execute(db);
  return BigInt(row.rows[0]?.owed ?? "0");
}

export function approvalsOf(
  db: Db,
  authorityId: string,
  runId: string,
): Promise<{ user_id: string; approved_at: Date }[]> {
  return db
    .selectFrom("outcome_run_approvals")
    .select(["user_id", "approved_at"])
    .where("authority_id", "=", authorityId)
    .where("run_id", "=", runId)
    .orderBy("approved_at")
    .orderBy("user_id")
    .execute();
}

/** The approvals of a page of runs, in one query. */
export function approvalsOfRuns(
  db: Db,
  authorityId: string,
  runIds: readonly string[],
): Promise<{ run_id: string; user_id: string; approved_at: Date }[]> {
  if (runIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("outcome_run_approvals")
    .select(["run_id", "user_id", "approved_at"])
    .where("authority_id", "=", authorityId)
    .where("run_id", "in", runIds)
    .orderBy("approved_at")
    .orderBy("user_id")
    .execute();
}

/** Records one person's approval; false when they had approved already. */
export async function insertApproval(
  db: Db,
  authorityId: string,
  runId: string,
  userId: string,
  at: Date,
): Promise<boolean> {
  const r = await db
    .insertInto("outcome_run_approvals")
    .values({ authority_id: authorityId, run_id: runId, user_id: userId, approved_at: at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Writes a ledger row once: nothing when its idempotency key is there already. */
export async function insertLedgerRow(db: Db, row: Insertable<OutcomeLedgerTable>): Promise<boolean> {
  const r = await db
    .insertInto("outcome_ledger")
    .values(row)
    .onConflict((oc) => oc.columns(["authority_id", "idempotency_key"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export function ledgerRowByKey(
  db: Db,
  authorityId: string,
  key: string,
): Promise<OutcomeLedgerEntry | undefined> {
  return db
    .selectFrom("outcome_ledger")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

/** A run's ledger rows (by its contract's index: a contract's ledger is a few rows a month). */
export function ledgerOfRun(
  db: Db,
  authorityId: string,
  contractId: string,
  runId: string,
): Promise<OutcomeLedgerEntry[]> {
  return db
    .selectFrom("outcome_ledger")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("run_id", "=", runId)
    .orderBy("kind")
    .orderBy("id")
    .execute();
}

/** A contract's ledger, newest first by (paid_on, id), a page at a time after a key. */
export function ledgerOfContract(
  db: Db,
  authorityId: string,
  contractId: string,
  after: { paidOn: string; id: string } | undefined,
  limit: number,
): Promise<OutcomeLedgerEntry[]> {
  let q = db
    .selectFrom("outcome_ledger")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb("paid_on", "<", after.paidOn),
        eb.and([eb("paid_on", "=", after.paidOn), eb("id", "<", after.id)]),
      ]),
    );
  return q.orderBy("paid_on", "desc").orderBy("id", "desc").limit(limit).execute();
}

export type ClaimRow = OutcomeClaim & { reference: string; payment_group: string };

/** A run's claims in key order (participant, rule, metric, seq), a page after a key; refused ones only if asked. */
export function claimsOfRun(
  db: Db,
  authorityId: string,
  runId: string,
  opts: { after?: [string, string, string, number]; refusedOnly?: boolean; limit: number },
): Promise<ClaimRow[]> {
  let q = db
    .selectFrom("outcome_claims as c")
    .innerJoin("outcome_participants as p", (j) =>
      j.onRef("p.authority_id", "=", "c.authority_id").onRef("p.id", "=", "c.participant_id"),
    )
    .selectAll("c")
    .select(["p.reference", "p.payment_group"])
    .where("c.authority_id", "=", authorityId)
    .where("c.run_id", "=", runId);
  if (opts.refusedOnly) q = q.where(sql<boolean>`c.problems <> '{}'`);
  const after = opts.after;
  if (after)
    q = q.where(
      sql<boolean>`(c.participant_id, c.rule, c.metric, c.seq) > (${after[0]}::uuid, ${after[1]}, ${after[2]}, ${after[3]}::int)`,
    );
  return q
    .orderBy("c.participant_id")
    .orderBy("c.rule")
    .orderBy("c.metric")
    .orderBy("c.seq")
    .limit(opts.limit)
    .execute();
}

/** One version of the contract's model: the one a run fixed when it started. */
export function modelVersion(
  db: Db,
  authorityId: string,
  contractId: string,
  version: number,
): Promise<OutcomeModelRow | undefined> {
  return db
    .selectFrom("outcome_models")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("version", "=", version)
    .executeTakeFirst();
}

export async function insertCorrectionRequest(
  db: Db,
  row: Insertable<OutcomeCorrectionRequestsTable>,
): Promise<OutcomeCorrectionRequest> {
  return db.insertInto("outcome_correction_requests").values(row).returningAll().executeTakeFirstOrThrow();
}

export function correctionRequestByKey(
  db: Db,
  authorityId: string,
  key: string,
): Promise<OutcomeCorrectionRequest | undefined> {
  return db
    .selectFrom("outcome_correction_requests")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

/** A correction waiting for (or given) its second approval, locked for the change. */
export function lockCorrectionRequest(
  db: Db,
  authorityId: string,
  id: string,
): Promise<OutcomeCorrectionRequest | undefined> {
  return db
    .selectFrom("outcome_correction_requests")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export function approveCorrectionRequest(
  db: Db,
  authorityId: string,
  id: string,
  approvedBy: string,
  at: Date,
): Promise<OutcomeCorrectionRequest> {
  return db
    .updateTable("outcome_correction_requests")
    .set({ status: "approved", approved_by: approvedBy, approved_at: at })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The contract's corrections waiting for a second approval, oldest first (a few at most). */
export function pendingCorrections(
  db: Db,
  authorityId: string,
  contractId: string,
  limit: number,
): Promise<OutcomeCorrectionRequest[]> {
  return db
    .selectFrom("outcome_correction_requests")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("status", "=", "pending")
    .orderBy("requested_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** A run waiting on its authority (computed: to approve; approved: to pay), for people's tasks. */
export interface RunAwaiting {
  authority_id: string;
  id: string;
  contract_id: string;
  period_start: string;
  period_end: string;
  status: "computed" | "approved";
  payment_pence: bigint;
  reference: string;
  title: string;
  /** Who has approved it so far. */
  approvers: string[];
  /** How many such runs in all (for the count of those not read). */
  total: string;
}

/** The runs of these authorities computed or approved and not yet paid, oldest month first, at most `limit`. */
export async function runsAwaiting(
  db: Db,
  authorityIds: readonly string[],
  limit: number,
): Promise<RunAwaiting[]> {
  if (authorityIds.length === 0) return [];
  const r = await sql<RunAwaiting>`
    select r.authority_id, r.id, r.contract_id, r.period_start::text as period_start,
      r.period_end::text as period_end, r.status, r.payment_pence, c.reference, c.title,
      coalesce((select array_agg(a.user_id::text order by a.approved_at) from outcome_run_approvals a
        where a.authority_id = r.authority_id and a.run_id = r.id), '{}') as approvers,
      (count(*) over ())::text as total
    from outcome_runs r
    join outcome_contracts c on c.authority_id = r.authority_id and c.id = r.contract_id
    where r.authority_id in (${sql.join(authorityIds.map((id) => sql`${id}::uuid`))})
      and r.status in ('computed', 'approved')
    order by r.period_start, r.id
    limit ${limit}`.execute(db);
  return r.rows;
}
