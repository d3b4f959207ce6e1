/**
 * The claims engine's SQL (issue 19, item 3). A run walks its contract's participants in chunks by
 * id (`chunkEnd`); each chunk is one transaction (on a PostgreSQL server a tariff's chunk is the whole
 * contract: claims.service.ts).
 *
 * The tariff (Work Programme scale: 1.7 million participants) is computed by ONE set-based
 * `INSERT … SELECT` per chunk (`insertTariffChunk`): the chunk's usable events, the first attachment,
 * the running maximum of weeks in work, the thresholds each in-work event crosses, the validation as
 * columns — the same pass, no second scan — and `on conflict do nothing`, so that computing a chunk
 * again inserts nothing. The same reference on another contract of the programme is found by grouping
 * the chunk's references (`dup`: a hash join over the whole contract, index look-ups for a small
 * chunk, as the planner judges), and only for those does it look at when each was attached. The rules are those of `reference.ts`, which property tests prove it equal to.
 *
 * The other models (outcome prices, proxies, cohorts, fee for service: social impact bonds and
 * services of thousands of people) read a chunk's rows (`chunkRows`, `twinsOf`) and are computed in
 * TypeScript by `reference.ts`; their claims are written by `insertClaims` under the same rules of
 * writing: a valid claim once ever, a refusal once while it stays refused.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { newId } from "../../lib/ids.ts";
import type { TariffDefinition } from "./models.ts";
import type {
  CohortFigures,
  EngineClaim,
  EngineEvent,
  EngineParticipant,
  EngineRecovery,
} from "./reference.ts";

/** Before every participant id: where the first chunk starts. */
export const FIRST_ID = "00000000-0000-0000-0000-000000000000";
/** After every participant id: where a chunk of the whole contract ends. */
export const LAST_ID = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/** The run a chunk is computed for. */
export interface ChunkRun {
  authorityId: string;
  contractId: string;
  runId: string;
  modelVersion: number;
  /** Events recorded by then count (the run's `started_at`). */
  cutoff: Date;
  periodStart: string;
  periodEnd: string;
}

/**
 * The next chunk of at most `size` participants after `after`: its last participant id and how many
 * it holds, or undefined when none is left.
 */
export async function chunkEnd(
  db: Db,
  authorityId: string,
  contractId: string,
  after: string,
  size: number,
): Promise<{ last: string; count: number } | undefined> {
  const { rows } = await sql<{ last: string | null; count: number }>`
    select max(id::text) as last, count(*)::int as count from (
      select id from outcome_participants
      where authority_id = ${authorityId}::uuid and contract_id = ${contractId}::uuid and id > ${after}::uuid
      order by id limit ${size}) chunk`.execute(db);
  const row = rows[0];
  return row?.last ? { last: row.last, count: row.count } : undefined;
}

/**
 * The tariff's claims of the participants with ids in (`after`, `upTo`]: see the module comment and
 * `reference.ts` (tariffCandidates) for the rules. Returns how many claims it inserted.
 */
export async function insertTariffChunk(
  db: Db,
  run: ChunkRun,
  model: TariffDefinition,
  after: string,
  upTo: string,
): Promise<number> {
  const result = await tariffChunkStatement(run, model, after, upTo).execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** The tariff chunk's one statement (for `insertTariffChunk`, and for the bench to EXPLAIN). */
export function tariffChunkStatement(run: ChunkRun, model: TariffDefinition, after: string, upTo: string) {
  const groups = JSON.stringify(
    model.groups.map((g) => ({
      code: g.code,
      attachment: g.attachment.pence,
      job_pence: g.jobOutcome.pence,
      job_weeks: g.jobOutcome.weeks,
      every: g.sustainment.everyWeeks,
      sus_pence: g.sustainment.pence,
      max_payments: g.sustainment.maxPayments,
    })),
  );
  const a = run.authorityId;
  return sql`
    insert into outcome_claims (authority_id, contract_id, run_id, participant_id, rule, metric, seq,
      achieved_on, model_version, amount_pence, event_ids, problems)
    with ev as (
      select e.id, e.participant_id, e.kind, e.value, e.occurred_on, e.withdraws_id
      from outcome_events e
      where e.authority_id = ${a}::uuid and e.contract_id = ${run.contractId}::uuid
        and e.participant_id > ${after}::uuid and e.participant_id <= ${upTo}::uuid
        and e.recorded_at <= ${run.cutoff}::timestamptz
        and (e.kind = 'withdrawal'
          or (e.kind in ('attachment', 'in-work') and e.occurred_on <= ${run.periodEnd}::date))
    ),
    ok as (
      select e.id, e.participant_id, e.kind, e.value, e.occurred_on from ev e
      where e.kind <> 'withdrawal'
        and not exists (select 1 from ev w where w.kind = 'withdrawal' and w.withdraws_id = e.id)
    ),
    att as (
      select distinct on (participant_id) participant_id, id, occurred_on
      from ok where kind = 'attachment' order by participant_id, occurred_on, id
    ),
    pc as (
      select p.id, p.authority_id, p.referred_on, p.programme, p.reference, p.payment_group
      from outcome_participants p
      where p.authority_id = ${a}::uuid and p.contract_id = ${run.contractId}::uuid
        and p.id > ${after}::uuid and p.id <= ${upTo}::uuid and p.recorded_at <= ${run.cutoff}::timestamptz
    ),
    dup as (
      select o.programme, o.reference from outcome_participants o
      where o.authority_id = ${a}::uuid and o.recorded_at <= ${run.cutoff}::timestamptz
        and (o.programme, o.reference) in (select programme, reference from pc)
      group by o.programme, o.reference having count(*) > 1
    ),
    pp as (
      select p.id, p.referred_on, p.programme, p.reference, g.attachment, g.job_pence, g.job_weeks, g.every,
        g.sus_pence, g.max_payments, a.id as att_id, a.occurred_on as att_on, d.reference is not null as twin,
        case when d.reference is null then false else coalesce((
          select bool_or(exists (
            select 1 from outcome_events oa
            where oa.authority_id = o.authority_id and oa.participant_id = o.id and oa.kind = 'attachment'
              and oa.recorded_at <= ${run.cutoff}::timestamptz and oa.occurred_on <= ${run.periodEnd}::date
              and (a.occurred_on is null or oa.occurred_on < a.occurred_on
                or (oa.occurred_on = a.occurred_on and o.id < p.id))
              and not exists (select 1 from outcome_events w
                where w.authority_id = oa.authority_id and w.participant_id = oa.participant_id
                  and w.kind = 'withdrawal' and w.withdraws_id = oa.id
                  and w.recorded_at <= ${run.cutoff}::timestamptz)))
          from outcome_participants o
          where o.authority_id = p.authority_id and o.programme = p.programme and o.reference = p.reference
            and o.id <> p.id and o.recorded_at <= ${run.cutoff}::timestamptz), false) end as earlier
      from pc p
      join jsonb_to_recordset(${groups}::jsonb) as g(code text, attachment bigint, job_pence bigint,
        job_weeks int, every int, sus_pence bigint, max_payments int) on g.code = p.payment_group
      left join att a on a.participant_id = p.id
      left join dup d on d.programme = p.programme and d.reference = p.reference
    ),
    work as (
      select w.participant_id, w.id, w.occurred_on, w.value,
        coalesce(max(w.value) over (partition by w.participant_id order by w.occurred_on, w.id
          rows between unbounded preceding and 1 preceding), -1) as before
      from ok w where w.kind = 'in-work' and w.value is not null
    ),
    cand as (
      select pp.id as participant_id, 'attachment'::text as rule, 1 as seq, pp.att_on as achieved_on,
        pp.attachment as amount, array[pp.att_id] as event_ids,
        (pp.att_on < pp.referred_on or pp.att_on > pp.referred_on + ${model.attachmentWithin.days}::int) as outside,
        false as missing, pp.twin, pp.earlier, pp.programme, pp.reference
      from pp where pp.att_id is not null
      union all
      select pp.id, case when k.k = 0 then 'job-outcome' else 'sustainment' end, greatest(k.k, 1), w.occurred_on,
        case when k.k = 0 then pp.job_pence else pp.sus_pence end,
        case when pp.att_id is null then array[w.id] else array[pp.att_id, w.id] end,
        (w.occurred_on < pp.referred_on or w.occurred_on > pp.referred_on + ${model.outcomeWithin.days}::int),
        (pp.att_on is null or pp.att_on > w.occurred_on), pp.twin, pp.earlier, pp.programme, pp.reference
      from work w
      join pp on pp.id = w.participant_id
      cross join lateral generate_series(
        case when w.before < pp.job_weeks then 0 else (w.before - pp.job_weeks) / pp.every + 1 end,
        case when w.value < pp.job_weeks then -1
          else least(pp.max_payments, (w.value - pp.job_weeks) / pp.every) end) as k(k)
    ),
    made as (
      select c.participant_id, c.rule, c.seq, c.achieved_on, c.amount, c.event_ids,
        array_remove(array[
          case when c.outside then 'outside-eligibility-window' end,
          case when c.earlier then 'duplicate-participant' end,
          case when c.twin then case when exists (
            select 1 from outcome_participants o
            join outcome_claims oc on oc.authority_id = o.authority_id and oc.participant_id = o.id
            where o.authority_id = ${a}::uuid and o.programme = c.programme and o.reference = c.reference
              and o.id <> c.participant_id and oc.rule = c.rule and oc.metric = '' and oc.seq = c.seq
              and oc.problems = '{}' and not oc.void) then 'already-claimed-elsewhere' end end,
          case when c.missing then 'evidence-missing' end]::text[], null) as problems
      from cand c
    )
    select ${a}::uuid, ${run.contractId}::uuid, ${run.runId}::uuid, m.participant_id, m.rule, '', m.seq,
      m.achieved_on, ${run.modelVersion}::int, m.amount, m.event_ids, m.problems
    from made m
    where cardinality(m.problems) = 0 or not exists (
      select 1 from outcome_claims x
      where x.authority_id = ${a}::uuid and x.participant_id = m.participant_id and x.rule = m.rule
        and x.metric = '' and x.seq = m.seq and not x.void)
    on conflict do nothing`;
}

/** A claim already recorded for a participant of the chunk. */
export interface RecordedClaim {
  participant_id: string;
  rule: string;
  metric: string;
  seq: number;
  amount_pence: bigint;
  event_ids: string[];
  valid: boolean;
}

/**
 * A chunk's participants (by id) referred by the cut-off, their events recorded by it, and their
 * claims so far.
 */
export async function chunkRows(
  db: Db,
  run: ChunkRun,
  after: string,
  upTo: string,
): Promise<{
  participants: EngineParticipant[];
  events: (EngineEvent & { participant_id: string })[];
  claims: RecordedClaim[];
}> {
  const participants = await db
    .selectFrom("outcome_participants")
    .select(["id", "payment_group", "cohort", "referred_on"])
    .where("authority_id", "=", run.authorityId)
    .where("contract_id", "=", run.contractId)
    .where("id", ">", after)
    .where("id", "<=", upTo)
    .where("recorded_at", "<=", run.cutoff)
    .orderBy("id")
    .execute();
  const events = await db
    .selectFrom("outcome_events")
    .select(["id", "participant_id", "kind", "metric", "value", "occurred_on", "withdraws_id"])
    .where("authority_id", "=", run.authorityId)
    .where("contract_id", "=", run.contractId)
    .where("participant_id", ">", after)
    .where("participant_id", "<=", upTo)
    .where("recorded_at", "<=", run.cutoff)
    .execute();
  const claims = await db
    .selectFrom("outcome_claims")
    .select([
      "participant_id",
      "rule",
      "metric",
      "seq",
      "amount_pence",
      "event_ids",
      sql<boolean>`problems = '{}'`.as("valid"),
    ])
    .where("authority_id", "=", run.authorityId)
    .where("contract_id", "=", run.contractId)
    .where("participant_id", ">", after)
    .where("participant_id", "<=", upTo)
    .where("void", "=", false)
    .execute();
  return { participants, events, claims };
}

/**
 * The chunk's participants whose reference is also on another contract of the programme: each twin's
 * attachment and withdrawal events recorded by the cut-off, and the keys of its valid claims.
 */
export async function twinsOf(
  db: Db,
  run: ChunkRun,
  after: string,
  upTo: string,
): Promise<{
  pairs: { participant_id: string; twin_id: string }[];
  events: (EngineEvent & { participant_id: string })[];
  claims: { participant_id: string; rule: string; metric: string; seq: number }[];
}> {
  const { rows: pairs } = await sql<{ participant_id: string; twin_id: string }>`
    select p.id as participant_id, o.id as twin_id
    from outcome_participants p
    join outcome_participants o on o.authority_id = p.authority_id and o.programme = p.programme
      and o.reference = p.reference and o.id <> p.id and o.recorded_at <= ${run.cutoff}::timestamptz
    where p.authority_id = ${run.authorityId}::uuid and p.contract_id = ${run.contractId}::uuid
      and p.id > ${after}::uuid and p.id <= ${upTo}::uuid and p.recorded_at <= ${run.cutoff}::timestamptz`.execute(
    db,
  );
  if (pairs.length === 0) return { pairs, events: [], claims: [] };
  const twinIds = [...new Set(pairs.map((p) => p.twin_id))];
  const events = await db
    .selectFrom("outcome_events")
    .select(["id", "participant_id", "kind", "metric", "value", "occurred_on", "withdraws_id"])
    .where("authority_id", "=", run.authorityId)
    .where("participant_id", "in", twinIds)
    .where("kind", "in", ["attachment", "withdrawal"])
    .where("recorded_at", "<=", run.cutoff)
    .execute();
  const claims = await db
    .selectFrom("outcome_claims")
    .select(["participant_id", "rule", "metric", "seq"])
    .where("authority_id", "=", run.authorityId)
    .where("participant_id", "in", twinIds)
    .where(sql<boolean>`problems = '{}' and not void`)
    .execute();
  return { pairs, events, claims };
}

/** The valid claims' total of the contract (all runs): what its cap has left (outcome prices only). */
export async function validTotal(db: Db, authorityId: string, contractId: string): Promise<bigint> {
  const row = await db
    .selectFrom("outcome_claims")
    .select(sql<string>`coalesce(sum(amount_pence), 0)::text`.as("total"))
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where(sql<boolean>`problems = '{}' and not void`)
    .executeTakeFirstOrThrow();
  return BigInt(row.total);
}

/** The contract's valid cohort and pooled claims so far, by key (rule|metric|seq), with their amounts. */
export async function contractWideClaims(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<Map<string, bigint>> {
  const rows = await db
    .selectFrom("outcome_claims")
    .select(["rule", "metric", "seq", "amount_pence"])
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("rule", "in", ["cohort", "pooled"])
    .where(sql<boolean>`problems = '{}' and not void`)
    .execute();
  return new Map(rows.map((r) => [`${r.rule}|${r.metric}|${r.seq}`, r.amount_pence]));
}

/** Rows of claims to write at most per statement (12 columns: well under the parameters' limit). */
const WRITE_BATCH = 1000;

/**
 * Writes claims computed in TypeScript, as the tariff's SQL writes them: a valid claim unless its
 * key was validly claimed before (the paid-once index), a refused one unless its key was recorded
 * before. Returns how many it wrote.
 */
export async function insertClaims(db: Db, run: ChunkRun, claims: readonly EngineClaim[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < claims.length; i += WRITE_BATCH) {
    const rows = JSON.stringify(
      claims.slice(i, i + WRITE_BATCH).map((c) => ({
        participant_id: c.participantId,
        rule: c.rule,
        metric: c.metric,
        seq: c.seq,
        achieved_on: c.achievedOn,
        amount_pence: c.amountPence.toString(),
        event_ids: c.eventIds,
        problems: c.problems,
      })),
    );
    const result = await sql`
      insert into outcome_claims (authority_id, contract_id, run_id, participant_id, rule, metric, seq,
        achieved_on, model_version, amount_pence, event_ids, problems)
      select ${run.authorityId}::uuid, ${run.contractId}::uuid, ${run.runId}::uuid, m.participant_id, m.rule,
        m.metric, m.seq, m.achieved_on, ${run.modelVersion}::int, m.amount_pence::bigint, m.event_ids, m.problems
      from jsonb_to_recordset(${rows}::jsonb) as m(participant_id uuid, rule text, metric text, seq int,
        achieved_on date, amount_pence text, event_ids uuid[], problems text[])
      where cardinality(m.problems) = 0 or not exists (
        select 1 from outcome_claims x
        where x.authority_id = ${run.authorityId}::uuid and x.participant_id = m.participant_id
          and x.rule = m.rule and x.metric = m.metric and x.seq = m.seq and not x.void)
      on conflict do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0n);
  }
  return inserted;
}

/** Writes recoveries the run raises, once each (unique by contract, kind and source key). */
export async function insertRecoveries(
  db: Db,
  run: ChunkRun,
  recoveries: readonly EngineRecovery[],
): Promise<number> {
  if (recoveries.length === 0) return 0;
  const result = await db
    .insertInto("outcome_recoveries")
    .values(
      recoveries.map((r) => ({
        authority_id: run.authorityId,
        id: newId(),
        contract_id: run.contractId,
        kind: r.kind,
        amount_pence: r.amountPence,
        reason: r.reason.slice(0, 2000),
        source_key: r.sourceKey.slice(0, 200),
        run_id: run.runId,
        created_by: null,
        created_at: run.cutoff,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** The contract's first participant by id referred by the cut-off (contract-wide claims are kept against it). */
export async function firstParticipant(db: Db, run: ChunkRun): Promise<string | undefined> {
  const row = await db
    .selectFrom("outcome_participants")
    .select("id")
    .where("authority_id", "=", run.authorityId)
    .where("contract_id", "=", run.contractId)
    .where("recorded_at", "<=", run.cutoff)
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/**
 * Each cohort's figures for the cohort threshold: participants, those untracked (no usable
 * reconviction or no-reconviction event in their window), reconviction events counted in the window
 * (a 'reconviction' event's value, 1 when none given), the day the last window closes, the comparison
 * group's rate when recorded by the cut-off, and the first participant.
 */
export async function cohortFigures(
  db: Db,
  run: ChunkRun,
  metric: string,
  windowDays: number,
): Promise<CohortFigures[]> {
  const { rows } = await sql<{
    cohort: string;
    participants: number;
    untracked: number;
    events: string;
    closes_on: string;
    comparison_centi: number | null;
    first_id: string;
  }>`
    with p as (
      select id, cohort, referred_on from outcome_participants
      where authority_id = ${run.authorityId}::uuid and contract_id = ${run.contractId}::uuid
        and cohort is not null and recorded_at <= ${run.cutoff}::timestamptz
    ),
    ev as (
      select e.participant_id, e.kind, e.value from outcome_events e
      join p on p.id = e.participant_id
      where e.authority_id = ${run.authorityId}::uuid and e.contract_id = ${run.contractId}::uuid
        and e.kind in ('reconviction', 'no-reconviction') and e.recorded_at <= ${run.cutoff}::timestamptz
        and e.occurred_on <= ${run.periodEnd}::date
        and e.occurred_on between p.referred_on and p.referred_on + ${windowDays}::int
        and not exists (select 1 from outcome_events w
          where w.authority_id = e.authority_id and w.participant_id = e.participant_id
            and w.kind = 'withdrawal' and w.withdraws_id = e.id and w.recorded_at <= ${run.cutoff}::timestamptz)
    ),
    per as (
      select p.id, p.cohort, p.referred_on,
        coalesce(sum(coalesce(ev.value, 1)) filter (where ev.kind = 'reconviction'), 0) as events,
        count(ev.participant_id) > 0 as tracked
      from p left join ev on ev.participant_id = p.id
      group by p.id, p.cohort, p.referred_on
    )
    select per.cohort, count(*)::int as participants, (count(*) filter (where not tracked))::int as untracked,
      sum(events)::text as events, max(referred_on) + ${windowDays}::int as closes_on,
      (array_agg(per.id::text order by per.id))[1] as first_id,
      (select c.rate_per_100_centi from outcome_comparisons c
        where c.authority_id = ${run.authorityId}::uuid and c.contract_id = ${run.contractId}::uuid
          and c.cohort = per.cohort and c.metric = ${metric} and c.recorded_at <= ${run.cutoff}::timestamptz
      ) as comparison_centi
    from per group by per.cohort order by per.cohort`.execute(db);
  return rows.map((r) => ({
    cohort: r.cohort,
    participants: r.participants,
    untracked: r.untracked,
    events: Number(r.events),
    closesOn: r.closes_on,
    comparisonCenti: r.comparison_centi,
    firstParticipantId: r.first_id,
  }));
}

/** A fee-for-service year's valid 'service' claims: the units they rest on and what they paid on account. */
export async function serviceYear(
  db: Db,
  run: ChunkRun,
  start: string,
  end: string,
): Promise<{ units: bigint; onAccountPence: bigint }> {
  const { rows } = await sql<{ units: string; paid: string }>`
    select coalesce(sum(e.value), 0)::text as units, coalesce(sum(c.amount_pence), 0)::text as paid
    from outcome_claims c
    join outcome_events e on e.authority_id = c.authority_id and e.id = c.event_ids[1]
    where c.authority_id = ${run.authorityId}::uuid and c.contract_id = ${run.contractId}::uuid
      and c.rule = 'service' and c.problems = '{}' and not c.void
      and c.achieved_on between ${start}::date and ${end}::date`.execute(db);
  return { units: BigInt(rows[0]?.units ?? 0), onAccountPence: BigInt(rows[0]?.paid ?? 0) };
}

/** The first day a valid 'service' claim of the contract was achieved on (the first contract year's), if any. */
export async function firstServiceDay(db: Db, run: ChunkRun): Promise<string | undefined> {
  const row = await db
    .selectFrom("outcome_claims")
    .select("achieved_on")
    .where("authority_id", "=", run.authorityId)
    .where("contract_id", "=", run.contractId)
    .where("rule", "=", "service")
    .where(sql<boolean>`problems = '{}' and not void`)
    .orderBy("achieved_on")
    .limit(1)
    .executeTakeFirst();
  return row?.achieved_on;
}

/**
 * What the year's reconciliations settled so far: its top-up claims (rule 'reconciliation', metric =
 * the year's first day, achieved on its last) and its 'reconciliation' recoveries (source key = the
 * year's first day, then `{first day}/{n}`), counted and summed.
 */
export async function yearSettled(
  db: Db,
  run: ChunkRun,
  start: string,
  end: string,
): Promise<{ topUps: number; topUpPence: bigint; recoveries: number; recoveredPence: bigint }> {
  const { rows } = await sql<{ top_ups: number; top_up: string; recoveries: number; recovered: string }>`
    select
      (select count(*)::int from outcome_claims c
        where c.authority_id = ${run.authorityId}::uuid and c.contract_id = ${run.contractId}::uuid
          and c.achieved_on = ${end}::date and c.rule = 'reconciliation' and c.metric = ${start}
          and not c.void) as top_ups,
      (select coalesce(sum(c.amount_pence), 0)::text from outcome_claims c
        where c.authority_id = ${run.authorityId}::uuid and c.contract_id = ${run.contractId}::uuid
          and c.achieved_on = ${end}::date and c.rule = 'reconciliation' and c.metric = ${start}
          and c.problems = '{}' and not c.void) as top_up,
      (select count(*)::int from outcome_recoveries r
        where r.authority_id = ${run.authorityId}::uuid and r.contract_id = ${run.contractId}::uuid
          and r.kind = 'reconciliation' and (r.source_key = ${start} or r.source_key like ${`${start}/%`})
          and not r.void) as recoveries,
      (select coalesce(sum(r.amount_pence), 0)::text from outcome_recoveries r
        where r.authority_id = ${run.authorityId}::uuid and r.contract_id = ${run.contractId}::uuid
          and r.kind = 'reconciliation' and (r.source_key = ${start} or r.source_key like ${`${start}/%`})
          and not r.void) as recovered`.execute(db);
  const r = rows[0];
  return {
    topUps: r?.top_ups ?? 0,
    topUpPence: BigInt(r?.top_up ?? 0),
    recoveries: r?.recoveries ?? 0,
    recoveredPence: BigInt(r?.recovered ?? 0),
  };
}
