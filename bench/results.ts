/**
 * B4, payment runs at Work Programme scale (issue 19, item 7), part of `npm run bench`: a payment
 * run of one outcome contract over 1.7 million participants with 6 evidence events each (10.2
 * million events), on PostgreSQL when DATABASE_URL names a server, and on the embedded database at a
 * smaller size. The figures, each checked:
 *
 *   B4 run <db>     the engine's run — `computeRunClaims` (every claim, valid or refused, from the
 *                   events by the contract's tariff) then the run's totals, as a run's compute does —
 *                   ÷ the same tariff rules written by hand as ONE `INSERT … SELECT` into a table of
 *                   the same columns, keys, indexes and foreign keys, measured in the same run on the
 *                   same data (target ≤ 1.5×). Before the times are compared, both must have made the
 *                   same claims: the same count and the same sum of pence, valid and refused.
 *   B4 rerun <db>   computing the same run again: the rows it changes (target 0) — the claims table's
 *                   count and sum are the same after it, and it inserts nothing.
 *
 * The data is made set-based (`generate_series`, one `INSERT … SELECT` a table), deterministic
 * (time-ordered ids from the participant's number), in a database of its own: on the server
 * `openps_bench_results_<participants>`, kept between runs (a run empties its runs and claims), in
 * an in-memory PGlite made each run; the detail says how long making it took. Participants are spread over four payment groups and a year of referrals; 30% reach a job
 * outcome, and of those the weeks in work evidenced spread from none to more than the tariff's
 * sustainment payments (so the cap per person is reached); 2% have their last in-work event
 * withdrawn (withdrawn evidence is ignored).
 *
 * OPENPS_BENCH_RESULTS_PARTICIPANTS (1,700,000 unless given) and OPENPS_BENCH_RESULTS_EMBEDDED
 * (100,000) set the sizes; OPENPS_BENCH_RESULTS=0 leaves B4 out. `node bench/results.ts` runs B4 alone.
 */
import { performance } from "node:perf_hooks";
import { type RawBuilder, sql } from "kysely";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../src/db/connect.ts";
import type { Db } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import * as claimsService from "../src/modules/results/claims.service.ts";
import type { TariffDefinition } from "../src/modules/results/models.ts";
import type { OutcomeModelRow, OutcomeRun } from "../src/modules/results/results.table.ts";

export interface ResultsFigure {
  name: string;
  ratio: number;
  target: number;
  detail: string;
}

/** The bench's ids: one authority, one provider, one outcome contract (fixed, so runs compare). */
export const BENCH = {
  authorityId: "b4000000-0000-4000-8000-000000000001",
  organisationId: "b4000000-0000-4000-8000-000000000002",
  contractId: "b4000000-0000-4000-8000-000000000003",
  runId: "b4000000-0000-4000-8000-000000000004",
  programme: "work-programme",
} as const;

/**
 * While the engine is the placeholder paying attachment fees only (before the claims engine landed:
 * it exports PROBLEM_CODES), the baseline writes those alone, so both sides apply the same rules.
 * Remove once every branch has the engine.
 */
export const ATTACHMENT_ONLY = !("PROBLEM_CODES" in claimsService);

/** Events of every participant were recorded by then; the run starts after. */
const RECORDED_AT = new Date("2026-11-01T09:00:00Z");
const RUN_STARTED_AT = new Date("2026-12-01T09:00:00Z");
/** Referrals over one year from this day. */
const FIRST_REFERRAL = "2024-04-01";
/** Days from referral to the job's start. */
const JOB_STARTS_AFTER = 30;
const EVENTS_PER_PARTICIPANT = 6;

/**
 * The Work Programme's tariff (DWP, 2011–17) in four payment groups: the DOMAIN.md §5 maxima for
 * JSA 18–24 (£400 + £1,200 + 13 × £170 = £3,810) and JSA 25+ (£400 + £1,200 + 13 × £215 = £4,395).
 */
export const BENCH_TARIFF: TariffDefinition = {
  kind: "tariff",
  groups: [
    {
      code: "jsa-18-24",
      name: "JSA 18–24",
      attachment: { pence: 40_000, rule: "Work Programme tariff: attachment fee" },
      jobOutcome: { pence: 120_000, weeks: 26, rule: "Job outcome after 26 weeks in work" },
      sustainment: { pence: 17_000, everyWeeks: 4, maxPayments: 13, rule: "Sustainment, each 4 weeks" },
    },
    {
      code: "jsa-25-plus",
      name: "JSA 25+",
      attachment: { pence: 40_000, rule: "Work Programme tariff: attachment fee" },
      jobOutcome: { pence: 120_000, weeks: 26, rule: "Job outcome after 26 weeks in work" },
      sustainment: { pence: 21_500, everyWeeks: 4, maxPayments: 13, rule: "Sustainment, each 4 weeks" },
    },
    {
      code: "jsa-early-access",
      name: "JSA early access",
      attachment: { pence: 40_000, rule: "Work Programme tariff: attachment fee" },
      jobOutcome: { pence: 120_000, weeks: 13, rule: "Job outcome after 13 weeks in work" },
      sustainment: { pence: 21_500, everyWeeks: 4, maxPayments: 20, rule: "Sustainment, each 4 weeks" },
    },
    {
      code: "esa-flow",
      name: "ESA flow",
      attachment: { pence: 60_000, rule: "Work Programme tariff: attachment fee" },
      jobOutcome: { pence: 120_000, weeks: 13, rule: "Job outcome after 13 weeks in work" },
      sustainment: { pence: 15_000, everyWeeks: 4, maxPayments: 20, rule: "Sustainment, each 4 weeks" },
    },
  ],
  attachmentWithin: { days: 28, rule: "Attachment within 4 weeks of referral" },
  outcomeWithin: { days: 1100, rule: "Outcomes within the programme's time with the participant" },
};

/** The most weeks in work evidenced for anyone: past the last sustainment payment of every group. */
function topWeeks(tariff: TariffDefinition): number {
  return Math.max(
    ...tariff.groups.map(
      (g) => g.jobOutcome.weeks + g.sustainment.everyWeeks * (g.sustainment.maxPayments + 1),
    ),
  );
}

/** The tariff's groups as SQL rows: index, code, prices and weeks. */
function groupRows(tariff: TariffDefinition) {
  return sql.join(
    tariff.groups.map(
      (g, i) =>
        sql`(${sql.lit(i)}, ${sql.lit(g.code)}, ${sql.lit(g.attachment.pence)}::bigint, ${sql.lit(g.jobOutcome.weeks)},
          ${sql.lit(g.jobOutcome.pence)}::bigint, ${sql.lit(g.sustainment.everyWeeks)}, ${sql.lit(g.sustainment.maxPayments)},
          ${sql.lit(g.sustainment.pence)}::bigint)`,
    ),
  );
}

/** The authority, the provider, the outcome contract and its tariff (version 1). */
export async function setUpContract(db: Db, tariff: TariffDefinition): Promise<OutcomeModelRow> {
  const now = RECORDED_AT;
  await sql`insert into authorities (id, slug, name, kind, nation, created_at, updated_at)
    values (${BENCH.authorityId}, 'b4-bench-county', 'B4 Bench County Council', 'county', 'england-and-wales', ${now}, ${now})`.execute(
    db,
  );
  await sql`insert into organisations (id, name, sector, size_band, created_at, updated_at)
    values (${BENCH.organisationId}, 'B4 Bench Employment Provider', 'large-company', 'large', ${now}, ${now})`.execute(
    db,
  );
  await db
    .insertInto("outcome_contracts")
    .values({
      authority_id: BENCH.authorityId,
      id: BENCH.contractId,
      contract_id: null,
      organisation_id: BENCH.organisationId,
      reference: "B4-WP-1",
      title: "Work Programme, bench contract package area",
      fund: "B4 bench",
      programme: BENCH.programme,
      starts_on: "2024-01-01",
      ends_on: "2029-12-31",
      created_by: null,
      created_at: now,
    })
    .execute();
  return db
    .insertInto("outcome_models")
    .values({
      authority_id: BENCH.authorityId,
      contract_id: BENCH.contractId,
      version: 1,
      kind: "tariff",
      definition: JSON.stringify(tariff),
      effective_from: "2024-01-01",
      created_by: null,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A UUID version 7 as `newId()` makes them (src/lib/ids.ts): the time first — `day` at 09:00 plus
 * `ms` milliseconds — then bits of `hash` (an md5 in hex), which make it unique. So the rows' keys
 * are in the order they were made, as the platform's are, and each table is written in that order.
 */
function uuidV7(day: RawBuilder<unknown>, ms: RawBuilder<unknown>, hash: RawBuilder<unknown>) {
  return sql`(lpad(to_hex((${day} - date '1970-01-01')::bigint * 86400000 + 32400000 + ${ms}), 12, '0')
    || '7' || substr(${hash}, 1, 3) || '8' || substr(${hash}, 4, 15))::uuid`;
}

const participantId = (g: RawBuilder<unknown>, referred: RawBuilder<unknown>) =>
  uuidV7(referred, sql`(${g} % 3600000)`, sql`md5('p' || ${g})`);
const eventId = (g: RawBuilder<unknown>, s: RawBuilder<unknown>, day: RawBuilder<unknown>) =>
  uuidV7(day, sql`((${g} * 6 + ${s}) % 3600000)`, sql`md5('e' || ${g} || '-' || ${s})`);

/**
 * `count` participants with 6 events each, set-based: one `INSERT … SELECT` from `generate_series`
 * for each table, each written in time order (participants by referral, events by the day they
 * happened, with time-ordered ids) as they would have arrived. Participant g (1…count) is in group
 * g mod 4, referred on day g mod 365 of the year; its events: an attachment within the window, the
 * job's start, three in-work events (a third, two thirds and all of its weeks), then the job's end —
 * or, for 2%, a withdrawal of the last in-work event. 30% (g mod 10 ≥ 7) reach the job outcome, their
 * weeks spread from it to past the last sustainment payment; the others' weeks stay below it.
 */
export async function generateParticipants(
  db: Db,
  tariff: TariffDefinition,
  count: number,
): Promise<{ participants: number; events: number; ms: number }> {
  const top = topWeeks(tariff);
  if (JOB_STARTS_AFTER + 7 * top + 1 > tariff.outcomeWithin.days)
    throw new Error(
      `The tariff's outcome window (${tariff.outcomeWithin.days} days) is shorter than the bench's data`,
    );
  const attachmentSpread = Math.min(10, tariff.attachmentWithin.days);
  const groups = tariff.groups.length;
  const g = sql.ref("g");
  const referred = sql`(${FIRST_REFERRAL}::date + (g % 365))`;
  const started = performance.now();
  // Made correct by construction, so loaded as pg_restore loads data: without the foreign keys'
  // checks, row by row (session_replication_role; the keys are checked when the claims are written).
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql`
      insert into outcome_participants (authority_id, id, contract_id, programme, reference, payment_group,
        cohort, referred_on, recorded_at)
      select ${BENCH.authorityId}::uuid, ${participantId(g, referred)}, ${BENCH.contractId}::uuid,
        ${BENCH.programme}, 'WP' || lpad(g::text, 9, '0'), t.code, null, ${referred}, ${RECORDED_AT}
      from generate_series(1, ${count}::int) g
      join (values ${groupRows(tariff)}) t (i, code, attachment, job_weeks, job_pence, every_weeks,
        max_payments, sustain_pence) on t.i = g % ${groups}::int
      order by ${referred}, g`.execute(trx);
    // Each participant's weeks in work at the last in-work event: below the job outcome for 70%;
    // from the job outcome to past the last sustainment payment for 30%.
    await sql`
      insert into outcome_events (authority_id, id, contract_id, participant_id, kind, metric, value,
        occurred_on, source, source_ref, withdraws_id, reason, recorded_by, recorded_at)
      select ${BENCH.authorityId}::uuid, ${eventId(g, sql.ref("s"), sql.ref("day"))}, ${BENCH.contractId}::uuid,
        ${participantId(g, sql.ref("referred"))}, kind, null, value, day,
        case when s = 1 or g % 7 = 0 then 'provider' else 'data-match' end, 'b4-' || g || '-' || s,
        case when kind = 'withdrawal'
          then ${eventId(g, sql`5`, sql`(referred + ${JOB_STARTS_AFTER}::int + 7 * weeks)`)} end,
        case when kind = 'withdrawal' then 'Payslip did not match the employer''s return' else '' end,
        null, ${RECORDED_AT}
      from (
        select g, s, w.referred, w.weeks,
          case s when 1 then 'attachment' when 2 then 'job-start' when 6 then
            case when g % 50 = 7 then 'withdrawal' else 'job-end' end
            else 'in-work' end as kind,
          case when s between 3 and 5 then w.weeks * (s - 2) / 3 end as value,
          case s
            when 1 then w.referred + (g % ${attachmentSpread}::int)
            when 2 then w.referred + ${JOB_STARTS_AFTER}::int
            when 6 then w.referred + ${JOB_STARTS_AFTER}::int + 7 * w.weeks + 1
            else w.referred + ${JOB_STARTS_AFTER}::int + 7 * (w.weeks * (s - 2) / 3) end as day
        from generate_series(1, ${count}::int) g
        join (values ${groupRows(tariff)}) t (i, code, attachment, job_weeks, job_pence, every_weeks,
          max_payments, sustain_pence) on t.i = g % ${groups}::int
        cross join lateral (select ${referred} as referred,
          case when g % 10 >= 7
            then t.job_weeks + ((g / 40) * 37) % (t.every_weeks * (t.max_payments + 2))
            else ((g / 40) * 37) % t.job_weeks end as weeks) w
        cross join generate_series(1, ${EVENTS_PER_PARTICIPANT}::int) s) x
      order by day, g, s`.execute(trx);
  });
  const ms = performance.now() - started;
  return { participants: count, events: count * EVENTS_PER_PARTICIPANT, ms };
}

/** The run of the month holding the last event: every outcome achieved is in it. */
export async function startRun(db: Db): Promise<OutcomeRun> {
  const last = await sql<{ start: string; end: string }>`
    select to_char(date_trunc('month', max(occurred_on)), 'YYYY-MM-DD') as start,
      to_char(date_trunc('month', max(occurred_on)) + interval '1 month' - interval '1 day', 'YYYY-MM-DD') as end
    from outcome_events where authority_id = ${BENCH.authorityId}::uuid and contract_id = ${BENCH.contractId}::uuid`.execute(
    db,
  );
  const period = last.rows[0];
  if (!period) throw new Error("no events");
  return db
    .insertInto("outcome_runs")
    .values({
      authority_id: BENCH.authorityId,
      id: BENCH.runId,
      contract_id: BENCH.contractId,
      period_start: period.start,
      period_end: period.end,
      status: "computing",
      started_by: null,
      started_at: RUN_STARTED_AT,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The table the baseline writes: outcome_claims' columns, keys, indexes (the paid-once index too)
 * and foreign keys, so that both sides write the same rows into the same structure.
 */
export async function createBaselineTable(db: Db): Promise<void> {
  await sql`drop table if exists bench_claims`.execute(db);
  await sql`create table bench_claims (like outcome_claims including defaults including constraints including indexes)`.execute(
    db,
  );
  await sql`alter table bench_claims
    add foreign key (authority_id, run_id) references outcome_runs (authority_id, id),
    add foreign key (authority_id, participant_id) references outcome_participants (authority_id, id),
    add foreign key (authority_id, contract_id, model_version)
      references outcome_models (authority_id, contract_id, version)`.execute(db);
}

/**
 * The tariff's rules written by hand as one `INSERT … SELECT`: for each participant, the attachment
 * fee for its first attachment evidenced within the window, the job-outcome fee once an in-work event
 * shows the group's weeks, and a sustainment payment for each further `everyWeeks` weeks, up to the
 * group's number — each on the day of the first event showing it, within the outcome window, events
 * withdrawn left out, outcomes already paid skipped.
 */
export async function baselineClaims(
  db: Db,
  run: OutcomeRun,
  model: OutcomeModelRow,
  tariff: TariffDefinition,
  opts: { attachmentOnly?: boolean } = {},
): Promise<number> {
  const attachmentOnly = opts.attachmentOnly ?? ATTACHMENT_ONLY;
  const result = await sql`
    insert into bench_claims (authority_id, contract_id, run_id, participant_id, rule, metric, seq,
      achieved_on, model_version, amount_pence, event_ids, problems)
    with t (i, code, attachment, job_weeks, job_pence, every_weeks, max_payments, sustain_pence) as (
      values ${groupRows(tariff)}),
    e as (
      select e.participant_id, e.id, e.kind, e.value, e.occurred_on
      from outcome_events e
      where e.authority_id = ${run.authority_id}::uuid and e.contract_id = ${run.contract_id}::uuid
        and e.kind in ('attachment', 'in-work') and e.recorded_at <= ${run.started_at}
        and e.occurred_on <= ${run.period_end}::date
        and not exists (select 1 from outcome_events w where w.authority_id = e.authority_id
          and w.contract_id = e.contract_id and w.kind = 'withdrawal' and w.withdraws_id = e.id
          and w.recorded_at <= ${run.started_at})),
    due as ((
      select distinct on (p.id) p.id as participant_id, 'attachment' as rule, 1 as seq, e.occurred_on,
        t.attachment as pence, e.id as event_id
      from outcome_participants p join t on t.code = p.payment_group
      join e on e.participant_id = p.id and e.kind = 'attachment'
      where p.authority_id = ${run.authority_id}::uuid and p.contract_id = ${run.contract_id}::uuid
        and e.occurred_on between p.referred_on and p.referred_on + ${tariff.attachmentWithin.days}::int
      order by p.id, e.occurred_on, e.id)
    union all (
      select distinct on (p.id, k) p.id, case when k = 0 then 'job-outcome' else 'sustainment' end,
        greatest(k, 1), e.occurred_on, case when k = 0 then t.job_pence else t.sustain_pence end, e.id
      from outcome_participants p join t on t.code = p.payment_group
      join e on e.participant_id = p.id and e.kind = 'in-work'
      cross join generate_series(0, t.max_payments) k
      where p.authority_id = ${run.authority_id}::uuid and p.contract_id = ${run.contract_id}::uuid
        and e.value >= t.job_weeks + k * t.every_weeks
        and e.occurred_on <= p.referred_on + ${tariff.outcomeWithin.days}::int
        and ${sql.lit(!attachmentOnly)}
      order by p.id, k, e.occurred_on, e.id))
    select ${run.authority_id}::uuid, ${run.contract_id}::uuid, ${run.id}::uuid, d.participant_id, d.rule, '',
      d.seq, d.occurred_on, ${model.version}::int, d.pence, array[d.event_id], '{}'::text[]
    from due d
    where not exists (select 1 from bench_claims c where c.authority_id = ${run.authority_id}::uuid
      and c.participant_id = d.participant_id and c.rule = d.rule and c.metric = '' and c.seq = d.seq
      and c.problems = '{}' and not c.void)
    on conflict do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** The run's totals from its claims, and the run computed (what a run's compute does after the claims). */
export async function setRunTotals(db: Db, run: OutcomeRun): Promise<void> {
  await sql`
    update outcome_runs r set status = 'computed', computed_at = ${RUN_STARTED_AT},
      claims_pence = s.valid_pence, refused_pence = s.refused_pence, claim_count = s.valid,
      refused_count = s.refused, payment_pence = s.valid_pence, recovered_pence = 0,
      recoveries_due_pence = 0, carried_forward_pence = 0
    from (select coalesce(sum(amount_pence) filter (where problems = '{}'), 0) as valid_pence,
        coalesce(sum(amount_pence) filter (where problems <> '{}'), 0) as refused_pence,
        count(*) filter (where problems = '{}') as valid, count(*) filter (where problems <> '{}') as refused
      from outcome_claims where authority_id = ${run.authority_id}::uuid and run_id = ${run.id}::uuid) s
    where r.authority_id = ${run.authority_id}::uuid and r.id = ${run.id}::uuid`.execute(db);
}

export interface ClaimsSummary {
  valid: number;
  validPence: bigint;
  refused: number;
  refusedPence: bigint;
}

/** How many claims a table holds for the run, and their pence, valid and refused. */
export async function summarise(db: Db, table: "outcome_claims" | "bench_claims", runId: string) {
  const row = await sql<{ valid: string; valid_pence: bigint; refused: string; refused_pence: bigint }>`
    select count(*) filter (where problems = '{}') as valid,
      coalesce(sum(amount_pence) filter (where problems = '{}'), 0)::bigint as valid_pence,
      count(*) filter (where problems <> '{}') as refused,
      coalesce(sum(amount_pence) filter (where problems <> '{}'), 0)::bigint as refused_pence
    from ${sql.table(table)} where authority_id = ${BENCH.authorityId}::uuid and run_id = ${runId}::uuid`.execute(
    db,
  );
  const r = row.rows[0];
  if (!r) throw new Error("no summary");
  return {
    valid: Number(r.valid),
    validPence: BigInt(r.valid_pence),
    refused: Number(r.refused),
    refusedPence: BigInt(r.refused_pence),
  } satisfies ClaimsSummary;
}

const same = (a: ClaimsSummary, b: ClaimsSummary) =>
  a.valid === b.valid &&
  a.validPence === b.validPence &&
  a.refused === b.refused &&
  a.refusedPence === b.refusedPence;

const describe = (s: ClaimsSummary) =>
  `${s.valid.toLocaleString("en-GB")} valid claims (£${pounds(s.validPence)})` +
  (s.refused > 0 ? `, ${s.refused.toLocaleString("en-GB")} refused (£${pounds(s.refusedPence)})` : "");

function pounds(pence: bigint): string {
  const whole = pence / 100n;
  return `${whole.toLocaleString("en-GB")}.${String(pence % 100n).padStart(2, "0")}`;
}

/** A quiet start for each timed step: PostgreSQL's dirty pages written, not left to the next step. */
async function settle(db: Db): Promise<void> {
  await sql`checkpoint`.execute(db);
}

/** What the bench's data is made by: a change to the generator or the tariff makes it again. */
const GENERATOR = "b4-generator-1";

/**
 * The bench's contract, participants and events, made once for a size and tariff and kept (a
 * database of its own on the server; `bench_b4_made` says what it holds and how long making it
 * took): a later run empties the runs and claims (TRUNCATE: claims are never deleted row by row)
 * and uses the rest again.
 */
async function prepareData(
  db: Db,
  count: number,
  tariff: TariffDefinition,
): Promise<{
  model: OutcomeModelRow;
  made: { participants: number; events: number; ms: number };
  kept: boolean;
}> {
  const digest = `${GENERATOR}:${JSON.stringify(tariff)}`;
  await sql`create table if not exists bench_b4_made (participants integer not null, digest text not null,
    made_ms double precision not null)`.execute(db);
  const marker = await sql<{ participants: number; digest: string; made_ms: number }>`
    select participants, digest, made_ms from bench_b4_made`.execute(db);
  const row = marker.rows[0];
  if (row && row.participants === count && row.digest === digest) {
    await sql`truncate outcome_claims, outcome_run_approvals, outcome_runs cascade`.execute(db);
    await sql`drop table if exists bench_claims`.execute(db);
    const model = await db
      .selectFrom("outcome_models")
      .selectAll()
      .where("authority_id", "=", BENCH.authorityId)
      .where("contract_id", "=", BENCH.contractId)
      .where("version", "=", 1)
      .executeTakeFirstOrThrow();
    return {
      model,
      made: { participants: count, events: count * EVENTS_PER_PARTICIPANT, ms: row.made_ms },
      kept: true,
    };
  }
  if (row) throw new Error("The bench's database holds other data: drop it and run again");
  const model = await setUpContract(db, tariff);
  const made = await generateParticipants(db, tariff, count);
  await sql`vacuum analyze outcome_participants`.execute(db);
  await sql`vacuum analyze outcome_events`.execute(db);
  await sql`insert into bench_b4_made (participants, digest, made_ms) values (${count}, ${digest}, ${made.ms})`.execute(
    db,
  );
  return { model, made, kept: false };
}

export interface PaymentRunResult {
  participants: number;
  events: number;
  generateMs: number;
  baselineMs: number;
  engineMs: number;
  rerunMs: number;
  claims: ClaimsSummary;
  /** Rows the rerun changed: claims inserted, and any difference in the claims' count or sum. */
  rerunChanged: number;
}

/** B4 on a migrated, empty database: the data made, the baseline, the engine's run, the rerun. */
export async function paymentRun(
  db: Db,
  count: number,
  tariff: TariffDefinition = BENCH_TARIFF,
  log: (line: string) => void = () => {},
): Promise<PaymentRunResult> {
  const { model, made, kept } = await prepareData(db, count, tariff);
  log(
    `  ${made.participants.toLocaleString("en-GB")} participants, ${made.events.toLocaleString("en-GB")} events made in ${(made.ms / 1000).toFixed(1)} s${kept ? " (kept from an earlier run)" : ""}`,
  );
  const run = await startRun(db);
  await createBaselineTable(db);
  // Both read the same rows: read once first, so neither pays for the first read from disk.
  await sql`select count(*), sum(value) from outcome_events`.execute(db);

  await settle(db);
  let started = performance.now();
  await baselineClaims(db, run, model, tariff);
  const baselineMs = performance.now() - started;
  const baseline = await summarise(db, "bench_claims", run.id);
  log(`  baseline (one INSERT … SELECT) ${(baselineMs / 1000).toFixed(1)} s: ${describe(baseline)}`);

  await settle(db);
  started = performance.now();
  await claimsService.computeRunClaims(db, run, model);
  await setRunTotals(db, run);
  const engineMs = performance.now() - started;
  const engine = await summarise(db, "outcome_claims", run.id);
  log(`  engine (computeRunClaims and the totals) ${(engineMs / 1000).toFixed(1)} s: ${describe(engine)}`);
  if (!same(engine, baseline))
    throw new Error(
      `B4: the engine and the baseline made different claims: ${describe(engine)} against ${describe(baseline)}`,
    );

  await settle(db);
  started = performance.now();
  const again = await claimsService.computeRunClaims(db, run, model);
  await setRunTotals(db, run);
  const rerunMs = performance.now() - started;
  const after = await summarise(db, "outcome_claims", run.id);
  const rerunChanged =
    again.inserted + Math.abs(after.valid - engine.valid) + Math.abs(after.refused - engine.refused);
  if (after.validPence !== engine.validPence || after.refusedPence !== engine.refusedPence)
    throw new Error(`B4: the rerun changed the claims' sum: ${describe(after)} against ${describe(engine)}`);
  log(`  rerun ${(rerunMs / 1000).toFixed(1)} s: ${rerunChanged} rows changed`);
  return {
    participants: made.participants,
    events: made.events,
    generateMs: made.ms,
    baselineMs,
    engineMs,
    rerunMs,
    claims: engine,
    rerunChanged,
  };
}

/**
 * A migrated database for B4 on the kind asked: an in-memory PGlite, or on the server the database
 * `openps_bench_results_<count>` (kept between runs with the data made for it; made when missing,
 * made again when it holds other data).
 */
async function benchDatabase(kind: "pglite" | "postgres", count: number): Promise<DatabaseHandle> {
  if (kind === "pglite") {
    const handle = await openDatabase({});
    await migrateToLatest(handle.db);
    return handle;
  }
  const server = new URL(process.env.DATABASE_URL as string);
  const name = `openps_bench_results_${count}`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
    if (!exists) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  server.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: server.toString() });
  await migrateToLatest(handle.db);
  return handle;
}

/** B4 on the databases at hand, and the lines that describe it. */
export async function resultsFigures(): Promise<{ figures: ResultsFigure[]; table: string[] }> {
  const kinds = process.env.DATABASE_URL ? (["postgres", "pglite"] as const) : (["pglite"] as const);
  const figures: ResultsFigure[] = [];
  const table: string[] = [];
  for (const kind of kinds) {
    const count = Number(
      kind === "postgres"
        ? (process.env.OPENPS_BENCH_RESULTS_PARTICIPANTS ?? 1_700_000)
        : (process.env.OPENPS_BENCH_RESULTS_EMBEDDED ?? 100_000),
    );
    console.error(`B4 payment run on ${kind}, ${count.toLocaleString("en-GB")} participants …`);
    const handle = await benchDatabase(kind, count);
    let r: PaymentRunResult;
    try {
      r = await paymentRun(handle.db, count, BENCH_TARIFF, (line) => console.error(line));
    } finally {
      await handle.close();
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    table.push(
      `${kind}, ${r.participants.toLocaleString("en-GB")} participants, ${r.events.toLocaleString("en-GB")} events (made in ${s(r.generateMs)}):`,
      `  ${describe(r.claims)}`,
      `  engine's run ${s(r.engineMs)}, one INSERT … SELECT ${s(r.baselineMs)}; rerun ${s(r.rerunMs)}, ${r.rerunChanged} rows changed`,
    );
    figures.push(
      {
        name: `B4 run ${kind}`,
        ratio: r.engineMs / r.baselineMs,
        target: 1.5,
        detail: `${s(r.engineMs)} against ${s(r.baselineMs)} for one INSERT … SELECT of the same claims (${(r.claims.valid + r.claims.refused).toLocaleString("en-GB")} rows)`,
      },
      {
        name: `B4 rerun ${kind}`,
        ratio: r.rerunChanged,
        target: 0,
        detail: `${r.rerunChanged} rows changed by computing the run again (${s(r.rerunMs)})`,
      },
    );
  }
  return { figures, table };
}

if (import.meta.main) {
  const { wireModules } = await import("../src/wiring.ts");
  wireModules();
  const { figures, table } = await resultsFigures();
  let failed = 0;
  for (const f of figures) {
    const ok = f.ratio <= f.target;
    if (!ok) failed++;
    console.log(
      `${ok ? "ok  " : "MISS"}  ${f.name.padEnd(18)} ${f.ratio.toFixed(2).padStart(6)}×  (target ≤ ${f.target}×)  ${f.detail}`,
    );
  }
  for (const line of table) console.log(line);
  process.exit(failed === 0 ? 0 : 1);
}
