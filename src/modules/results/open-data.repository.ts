/**
 * SQL of payment by results' open data: payments per contract, the outcomes figures, the spend (the
 * ledger's payments, and the managed accounts' sums a trigger keeps from personal budgets' payments).
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { CONTRACT_RULES } from "./reference.ts";
import type { LedgerKind } from "./results.table.ts";

/** A payment the ledger holds, with what the open data says of its contract and run. */
export interface PaymentRow {
  authority_id: string;
  id: string;
  outcome_contract_id: string;
  contract_id: string | null;
  organisation_id: string;
  kind: LedgerKind;
  amount_pence: bigint;
  paid_on: string;
  created_at: Date;
  reference: string;
  title: string;
  programme: string;
  period_start: string | null;
  period_end: string | null;
}

/** The ledger's payments and corrections (the money that moved; not recoveries), with their contract and run. */
function payments(db: Db) {
  return db
    .selectFrom("outcome_ledger as l")
    .innerJoin("outcome_contracts as oc", (j) =>
      j.onRef("oc.authority_id", "=", "l.authority_id").onRef("oc.id", "=", "l.contract_id"),
    )
    .leftJoin("outcome_runs as r", (j) =>
      j.onRef("r.authority_id", "=", "l.authority_id").onRef("r.id", "=", "l.run_id"),
    )
    .select([
      "l.authority_id",
      "l.id",
      "l.contract_id as outcome_contract_id",
      "oc.contract_id",
      "l.organisation_id",
      "l.kind",
      "l.amount_pence",
      "l.paid_on",
      "l.created_at",
      "oc.reference",
      "oc.title",
      "oc.programme",
      "r.period_start",
      "r.period_end",
    ])
    .where("l.kind", "in", ["payment", "correction"]);
}

/**
 * The payments of the outcome contracts paying under these platform contracts, each contract's in
 * the order they were paid: through the outcome contract's unique index on its platform contract and
 * the ledger's index by contract.
 */
export async function paymentsOfPlatformContracts(
  db: Db,
  keys: readonly { authority_id: string; id: string }[],
): Promise<PaymentRow[]> {
  if (keys.length === 0) return [];
  return payments(db)
    .where(
      sql<boolean>`(oc.authority_id, oc.contract_id) in (${sql.join(
        keys.map((k) => sql`(${k.authority_id}::uuid, ${k.id}::uuid)`),
      )})`,
    )
    .orderBy("l.authority_id")
    .orderBy("l.contract_id")
    .orderBy("l.paid_on")
    .orderBy("l.created_at")
    .orderBy("l.id")
    .execute();
}

/** The spend over £500 from the ledger, a page after a key in (paid on, authority, id) order: its index. */
export function spendAfter(
  db: Db,
  after: readonly [string, string, string] | undefined,
  limit: number,
  overPence: bigint,
): Promise<PaymentRow[]> {
  let q = payments(db).where(sql<boolean>`abs(l.amount_pence) > ${overPence}`);
  if (after)
    q = q.where(
      sql<boolean>`(l.paid_on, l.authority_id, l.id) > (${after[0]}::date, ${after[1]}::uuid, ${after[2]}::uuid)`,
    );
  return q.orderBy("l.paid_on").orderBy("l.authority_id").orderBy("l.id").limit(limit).execute();
}

/** A provider's invoices paid from one authority's managed accounts in a month, as kept (`spend_managed_accounts`). */
export interface ManagedSumRow {
  authority_id: string;
  /** The month's first day. */
  month: string;
  organisation_id: string;
  plans: number;
  invoices: number;
  amount_pence: bigint;
  largest_plan_pence: bigint;
}

/** The managed accounts' sums, a page after a key in (authority, month, provider) order: their primary key. */
export function managedSumsAfter(
  db: Db,
  after: readonly [string, string, string] | undefined,
  limit: number,
): Promise<ManagedSumRow[]> {
  let q = db
    .selectFrom("spend_managed_accounts")
    .select([
      "authority_id",
      "month",
      "organisation_id",
      "plans",
      "invoices",
      "amount_pence",
      "largest_plan_pence",
    ]);
  if (after)
    q = q.where(
      sql<boolean>`(authority_id, month, organisation_id) > (${after[0]}::uuid, ${after[1]}::date, ${after[2]}::uuid)`,
    );
  return q.orderBy("authority_id").orderBy("month").orderBy("organisation_id").limit(limit).execute();
}

/** When the ledger was last written (an index's end; rows are never changed), or null. */
export async function latestLedgerEntry(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("outcome_ledger")
    .select("created_at")
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.created_at ?? null;
}

/**
 * When a run was last computed or cancelled (its claims joined or left the figures), or null: the
 * later of two indexes' ends.
 */
export async function latestRunChange(db: Db): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select greatest(
      (select computed_at from outcome_runs where computed_at is not null order by computed_at desc limit 1),
      (select cancelled_at from outcome_runs where cancelled_at is not null order by cancelled_at desc limit 1)
    ) as at`.execute(db);
  return rows[0]?.at ?? null;
}

/** When a sample audit was last concluded (an index's end), or null: its findings of £0 leave the outcomes. */
export async function latestAuditConcluded(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("outcome_audits")
    .select("concluded_at")
    .where("concluded_at", "is not", null)
    .orderBy("concluded_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.concluded_at ?? null;
}

/** The platform contract an outcome contract pays under (null for an outcome fund's), if it exists. */
export async function platformContractOf(
  db: Db,
  authorityId: string,
  entity: { type: string; id: string },
): Promise<string | null> {
  let q = db
    .selectFrom("outcome_contracts as oc")
    .select("oc.contract_id")
    .where("oc.authority_id", "=", authorityId);
  if (entity.type === "outcome-contract") q = q.where("oc.id", "=", entity.id);
  else if (entity.type === "outcome-run")
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("outcome_runs as r")
          .select(sql`1`.as("one"))
          .where("r.authority_id", "=", authorityId)
          .where("r.id", "=", entity.id)
          .whereRef("r.contract_id", "=", "oc.id"),
      ),
    );
  else if (entity.type === "outcome-ledger")
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("outcome_ledger as l")
          .select(sql`1`.as("one"))
          .where("l.authority_id", "=", authorityId)
          .where("l.id", "=", entity.id)
          .whereRef("l.contract_id", "=", "oc.id"),
      ),
    );
  else return null;
  return (await q.executeTakeFirst())?.contract_id ?? null;
}

/** A page of outcome contracts in (authority, id) order: the primary key. */
export function outcomeContractsAfter(
  db: Db,
  after: readonly [string, string] | undefined,
  limit: number,
): Promise<
  {
    authority_id: string;
    id: string;
    contract_id: string | null;
    organisation_id: string;
    programme: string;
  }[]
> {
  let q = db
    .selectFrom("outcome_contracts")
    .select(["authority_id", "id", "contract_id", "organisation_id", "programme"]);
  if (after) q = q.where(sql<boolean>`(authority_id, id) > (${after[0]}::uuid, ${after[1]}::uuid)`);
  return q.orderBy("authority_id").orderBy("id").limit(limit).execute();
}

/**
 * A valid claim (`c`) that still stands as an outcome achieved: not paid on account and taken back
 * (a proxy outcome never confirmed: the run's 'proxy' recovery, keyed by the claim's participant,
 * metric and seq), and not found due nothing by a concluded sample audit (a sampled claim whose
 * finding is £0: the outcome was not achieved). An audit's recovery is an estimate for the whole
 * period, no one claim's: the claims it did not sample, and those found due in part, still count.
 */
const notRecovered = sql<boolean>`not exists (
    select 1 from outcome_recoveries r
    where c.rule = 'proxy' and r.authority_id = c.authority_id and r.contract_id = c.contract_id
      and r.kind = 'proxy' and not r.void and r.source_key = c.participant_id::text || '|' || c.metric || '|' || c.seq::text)
  and not exists (
    select 1 from outcome_audits a
    join outcome_audit_items i on i.authority_id = a.authority_id and i.audit_id = a.id
    where a.authority_id = c.authority_id and a.contract_id = c.contract_id and a.status = 'concluded'
      and i.participant_id = c.participant_id and i.rule = c.rule and i.metric = c.metric and i.seq = c.seq
      and i.found_pence = 0)`;

/** A count of participants of a contract referred in a month: all referred (rule ''), or those with a valid claim of a rule and metric. */
export interface CohortCount {
  authority_id: string;
  contract_id: string;
  month: string;
  rule: string;
  metric: string;
  participants: number;
}

/**
 * For these outcome contracts, per month of referral (London dates): how many participants were
 * referred, and how many of them have a valid claim of each rule and metric (paid once ever: the
 * claims' partial unique index). A contract-wide claim (a cohort's, the pooled one, a year's
 * reconciliation: `CONTRACT_RULES`) is kept against one participant but is no one's outcome: left out.
 * So is a claim taken back (`notRecovered`). Read through the participants' unique key (by contract)
 * and the claims' index by participant; the recoveries by their unique key, the audits by contract.
 */
export async function cohortCounts(
  db: Db,
  keys: readonly { authority_id: string; id: string }[],
): Promise<CohortCount[]> {
  if (keys.length === 0) return [];
  const of = sql.join(keys.map((k) => sql`(${k.authority_id}::uuid, ${k.id}::uuid)`));
  const result = await sql<{
    authority_id: string;
    contract_id: string;
    month: string;
    rule: string;
    metric: string;
    participants: string;
  }>`
    select p.authority_id, p.contract_id, to_char(p.referred_on, 'YYYY-MM') as month, '' as rule,
      '' as metric, count(*) as participants
    from outcome_participants p
    where (p.authority_id, p.contract_id) in (${of})
    group by p.authority_id, p.contract_id, to_char(p.referred_on, 'YYYY-MM')
    union all
    select p.authority_id, p.contract_id, to_char(p.referred_on, 'YYYY-MM'), c.rule, c.metric,
      count(distinct p.id)
    from outcome_participants p
    join outcome_claims c on c.authority_id = p.authority_id and c.participant_id = p.id
      and c.problems = '{}' and not c.void and c.rule not in (${sql.join(CONTRACT_RULES)}) and ${notRecovered}
    where (p.authority_id, p.contract_id) in (${of})
    group by p.authority_id, p.contract_id, to_char(p.referred_on, 'YYYY-MM'), c.rule, c.metric
    order by 1, 2, 3, 4, 5`.execute(db);
  return result.rows.map((r) => ({ ...r, participants: Number(r.participants) }));
}

/**
 * Every outcome contract's provider with how many participants were referred to it and how many of
 * them have at least one valid outcome claim (as `cohortCounts` counts them: no contract-wide claim,
 * none taken back) — summed over its contracts and months, for the market's figures by sector.
 */
export async function outcomesByProvider(
  db: Db,
): Promise<{ organisation_id: string; referred: number; achieved: number }[]> {
  const result = await sql<{ organisation_id: string; referred: string; achieved: string }>`
    select oc.organisation_id, count(*) as referred, count(v.participant_id) as achieved
    from outcome_participants p
    join outcome_contracts oc on oc.authority_id = p.authority_id and oc.id = p.contract_id
    -- The participants with a valid claim, found once (a join, not a look-up for each participant).
    left join (
      select distinct c.authority_id, c.participant_id from outcome_claims c
      where c.problems = '{}' and not c.void and c.rule not in (${sql.join(CONTRACT_RULES)}) and ${notRecovered}
    ) v on v.authority_id = p.authority_id and v.participant_id = p.id
    group by oc.organisation_id
    order by 1`.execute(db);
  return result.rows.map((r) => ({
    organisation_id: r.organisation_id,
    referred: Number(r.referred),
    achieved: Number(r.achieved),
  }));
}
