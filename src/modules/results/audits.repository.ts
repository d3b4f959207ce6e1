/** SQL of sample audits (audits.service.ts): the paid period, the sample drawn, findings, conclusion. */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { CONTRACT_RULES } from "./reference.ts";
import type { OutcomeAudit, OutcomeAuditItem, OutcomeRun } from "./results.table.ts";

/**
 * An audit's population leaves out the contract-wide claims (a cohort's, the pooled one, a year's
 * reconciliation: `CONTRACT_RULES`): each is a sum over the whole contract, checked against the
 * comparison figures and the year's deliveries, not against one participant's evidence, and one large
 * pooled claim in a sample would dominate the ratio estimate.
 */
const perParticipantClaim = sql<boolean>`rule not in (${sql.join(CONTRACT_RULES)})`;

export interface AuditItemKey {
  authorityId: string;
  auditId: string;
  participantId: string;
  rule: string;
  metric: string;
  seq: number;
}

/** The contract's run of the period starting on `periodStart` (not a cancelled one). */
export function runOfPeriod(
  db: Db,
  authorityId: string,
  contractId: string,
  periodStart: string,
): Promise<OutcomeRun | undefined> {
  return db
    .selectFrom("outcome_runs")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("period_start", "=", periodStart)
    .where("status", "<>", "cancelled")
    .executeTakeFirst();
}

/** The audit of a contract's period, if there is one. */
export function auditOfPeriod(
  db: Db,
  authorityId: string,
  contractId: string,
  periodStart: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("outcome_audits")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("period_start", "=", periodStart)
    .executeTakeFirst();
}

/** The run's valid (paid) per-participant claims: how many, and their total. Once, when an audit starts. */
export async function populationOf(
  db: Db,
  authorityId: string,
  runId: string,
): Promise<{ count: number; pence: bigint }> {
  const row = await db
    .selectFrom("outcome_claims")
    .select((eb) => [
      eb.fn.countAll<string>().as("count"),
      eb.fn.coalesce(eb.fn.sum<bigint>("amount_pence"), sql<bigint>`0::bigint`).as("pence"),
    ])
    .where("authority_id", "=", authorityId)
    .where("run_id", "=", runId)
    .where(sql<boolean>`problems = '{}'`)
    .where(perParticipantClaim)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), pence: BigInt(row.pence) };
}

export async function insertAudit(
  db: Db,
  row: Omit<
    OutcomeAudit,
    "concluded_by" | "concluded_at" | "error_rate_ppm" | "lower_bound_ppm" | "recovery_pence"
  >,
): Promise<void> {
  await db.insertInto("outcome_audits").values(row).execute();
}

/**
 * Draws the sample in one statement: the run's valid per-participant claims ranked by the MD5 of the seed and the
 * claim's key (sampling.ts `sampleRank`), the `size` lowest stored as the audit's items.
 */
export async function insertSample(
  db: Db,
  a: { authorityId: string; auditId: string; runId: string; seed: string; size: number },
): Promise<number> {
  const result = await sql`
    insert into outcome_audit_items (authority_id, audit_id, participant_id, rule, metric, seq, paid_pence)
    select authority_id, ${a.auditId}::uuid, participant_id, rule, metric, seq, amount_pence
    from outcome_claims
    where authority_id = ${a.authorityId}::uuid and run_id = ${a.runId}::uuid and problems = '{}'
      and ${perParticipantClaim}
    order by md5(${a.seed} || '|' || participant_id::text || '|' || rule || '|' || metric || '|' || seq::text),
      participant_id, rule, metric, seq
    limit ${a.size}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

export function findAudit(
  db: Db,
  authorityId: string,
  contractId: string,
  auditId: string,
  opts: { lock?: boolean } = {},
): Promise<OutcomeAudit | undefined> {
  let q = db
    .selectFrom("outcome_audits")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("id", "=", auditId);
  if (opts.lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A contract's audits, latest period first, a page by key (the period before `before`). */
export function auditsOfContract(
  db: Db,
  authorityId: string,
  contractId: string,
  before: string | undefined,
  limit: number,
): Promise<OutcomeAudit[]> {
  let q = db
    .selectFrom("outcome_audits")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId);
  if (before !== undefined) q = q.where("period_start", "<", before);
  return q.orderBy("period_start", "desc").limit(limit).execute();
}

/** A sampled claim with its participant's (pseudonymous) reference, as the evidence is filed under it. */
export type AuditItemRow = OutcomeAuditItem & { participant_reference: string };

/** An audit's items in key order, a page after `after`. */
export function itemsOf(
  db: Db,
  authorityId: string,
  auditId: string,
  after: [string, string, string, number] | undefined,
  limit: number,
): Promise<AuditItemRow[]> {
  let q = db
    .selectFrom("outcome_audit_items as i")
    .innerJoin("outcome_participants as p", (j) =>
      j.onRef("p.authority_id", "=", "i.authority_id").onRef("p.id", "=", "i.participant_id"),
    )
    .selectAll("i")
    .select("p.reference as participant_reference")
    .where("i.authority_id", "=", authorityId)
    .where("i.audit_id", "=", auditId);
  if (after)
    q = q.where(
      sql<boolean>`(i.participant_id, i.rule, i.metric, i.seq) > (${after[0]}::uuid, ${after[1]}, ${after[2]}, ${after[3]}::int)`,
    );
  return q
    .orderBy("i.participant_id")
    .orderBy("i.rule")
    .orderBy("i.metric")
    .orderBy("i.seq")
    .limit(limit)
    .execute();
}

export function findItem(db: Db, k: AuditItemKey): Promise<AuditItemRow | undefined> {
  return db
    .selectFrom("outcome_audit_items as i")
    .innerJoin("outcome_participants as p", (j) =>
      j.onRef("p.authority_id", "=", "i.authority_id").onRef("p.id", "=", "i.participant_id"),
    )
    .selectAll("i")
    .select("p.reference as participant_reference")
    .where("i.authority_id", "=", k.authorityId)
    .where("i.audit_id", "=", k.auditId)
    .where("i.participant_id", "=", k.participantId)
    .where("i.rule", "=", k.rule)
    .where("i.metric", "=", k.metric)
    .where("i.seq", "=", k.seq)
    .executeTakeFirst();
}

export async function recordFinding(
  db: Db,
  k: AuditItemKey,
  found: { found_pence: bigint; note: string; checked_by: string | null; checked_at: Date },
): Promise<void> {
  await db
    .updateTable("outcome_audit_items")
    .set(found)
    .where("authority_id", "=", k.authorityId)
    .where("audit_id", "=", k.auditId)
    .where("participant_id", "=", k.participantId)
    .where("rule", "=", k.rule)
    .where("metric", "=", k.metric)
    .where("seq", "=", k.seq)
    .execute();
}

/** How many of an audit's items are checked (the sample is at most MAX_SAMPLE items). */
export async function checkedCount(db: Db, authorityId: string, auditId: string): Promise<number> {
  const row = await db
    .selectFrom("outcome_audit_items")
    .select((eb) => eb.fn.count<string>("found_pence").as("checked"))
    .where("authority_id", "=", authorityId)
    .where("audit_id", "=", auditId)
    .executeTakeFirstOrThrow();
  return Number(row.checked);
}

/** Every finding of an audit (at most MAX_SAMPLE rows): what was paid and what was found. */
export function findingsOf(
  db: Db,
  authorityId: string,
  auditId: string,
): Promise<{ paid_pence: bigint; found_pence: bigint | null }[]> {
  return db
    .selectFrom("outcome_audit_items")
    .select(["paid_pence", "found_pence"])
    .where("authority_id", "=", authorityId)
    .where("audit_id", "=", auditId)
    .execute();
}

export async function concludeAudit(
  db: Db,
  authorityId: string,
  auditId: string,
  fields: Pick<
    OutcomeAudit,
    "error_rate_ppm" | "lower_bound_ppm" | "recovery_pence" | "concluded_by" | "concluded_at"
  >,
): Promise<void> {
  await db
    .updateTable("outcome_audits")
    .set({ ...fields, status: "concluded" })
    .where("authority_id", "=", authorityId)
    .where("id", "=", auditId)
    .execute();
}

/** The audit's recovery, once ever (unique by contract, kind and the audit's id): the runs apply it. */
export async function insertAuditRecovery(
  db: Db,
  row: {
    authority_id: string;
    id: string;
    contract_id: string;
    amount_pence: bigint;
    reason: string;
    source_key: string;
    created_by: string | null;
    created_at: Date;
  },
): Promise<void> {
  await db
    .insertInto("outcome_recoveries")
    .values({ ...row, kind: "audit", run_id: null })
    .onConflict((oc) =>
      oc
        .columns(["authority_id", "contract_id", "kind", "source_key"])
        .where(sql<boolean>`not void`)
        .doNothing(),
    )
    .execute();
}
