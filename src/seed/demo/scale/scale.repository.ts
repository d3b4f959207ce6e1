/**
 * SQL for the demo scale-up: rows written in bulk, the record of each run, the names the made-up
 * rows quote, and the checks of the invariants the services keep. Bulk rows go in as one JSON
 * document a table and batch (`json_populate_recordset` over the table's own row type): one
 * parameter whatever the number of rows (no 65,535-parameter limit), one SQL text a table (so each
 * is a prepared statement parsed once), and every constraint, foreign key and trigger applies as to
 * any insert. The same SQL on PGlite and on a PostgreSQL server.
 */
import { type RawBuilder, sql } from "kysely";
import type { Database, Db, Trx } from "../../../db/database.ts";
import { idRange, type Kind } from "./ids.ts";
import type { DemoScaleRunsTable, KindCounts } from "./scale.table.ts";

/** Inserts rows (each with the same keys: the columns written) into a table; returns how many were added. */
export async function insertRows(
  trx: Trx,
  table: keyof Database,
  rows: readonly object[],
  options: { ignoreExisting?: boolean } = {},
): Promise<number> {
  const first = rows[0];
  if (!first) return 0;
  const columns = sql.join(Object.keys(first).map((c) => sql.ref(c)));
  const json = JSON.stringify(rows, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
  const result = await sql`
    insert into ${sql.table(table)} (${columns})
    select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)
    ${options.ignoreExisting ? sql`on conflict do nothing` : sql``}`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

/** Refreshes the planner's statistics of these tables (and makes it plan their queries again). */
export async function analyze(db: Db, tables: readonly (keyof Database)[]): Promise<void> {
  if (tables.length > 0) await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/** Whether a row with this id is in the table: a batch already added by an interrupted run. */
export async function hasId(
  db: Db,
  table: "organisations" | "registrations" | "tenders",
  id: string,
): Promise<boolean> {
  const row = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} where id = ${id}`.execute(
    db,
  );
  return row.rows.length > 0;
}

export type ScaleRunRow = {
  seed: string;
  factor: string;
  generated_at: Date;
  first_ordinals: KindCounts;
  planned: KindCounts;
  started_at: Date;
  finished_at: Date | null;
  added: Record<string, number> | null;
};

export async function scaleRuns(db: Db): Promise<ScaleRunRow[]> {
  return (await db
    .selectFrom("demo_scale_runs")
    .selectAll()
    .orderBy("started_at")
    .execute()) as ScaleRunRow[];
}

export async function startRun(
  trx: Trx,
  run: Omit<DemoScaleRunsTable, "first_ordinals" | "planned" | "added" | "finished_at"> & {
    first_ordinals: KindCounts;
    planned: KindCounts;
  },
): Promise<void> {
  await trx
    .insertInto("demo_scale_runs")
    .values({
      ...run,
      first_ordinals: JSON.stringify(run.first_ordinals),
      planned: JSON.stringify(run.planned),
      finished_at: null,
      added: null,
    })
    .execute();
}

export async function finishRun(
  trx: Trx,
  seed: string,
  factor: string,
  added: Record<string, number>,
  at: Date,
): Promise<void> {
  await trx
    .updateTable("demo_scale_runs")
    .set({ finished_at: at, added: JSON.stringify(added) })
    .where("seed", "=", seed)
    .where("factor", "=", factor)
    .execute();
}

export async function authorityNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("authorities").select(["id", "name"]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function areaNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("areas").select(["code", "name"]).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** How many rows of a kind the scale-up has made (its ids are in the kind's range). */
export async function countOfKind(
  db: Db,
  table: "organisations" | "registrations" | "tenders",
  kind: Kind,
): Promise<number> {
  const { first, last } = idRange(kind);
  const { rows } = await sql<{ n: string }>`
    select count(*)::text as n from ${sql.table(table)} where id between ${first} and ${last}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** An invariant's failures: how many, and a few of the rows at fault. */
export interface Failures {
  count: number;
  examples: string[];
}

async function failures(db: Db, query: RawBuilder<{ example: string }>): Promise<Failures> {
  const { rows } = await sql<{ example: string; total: string }>`
    select f.example, count(*) over ()::text as total from (${query}) f order by f.example limit 5`.execute(
    db,
  );
  return { count: Number(rows[0]?.total ?? 0), examples: rows.map((r) => r.example) };
}

const scaled = (column: string, kind: Kind) => {
  const { first, last } = idRange(kind);
  return sql`${sql.ref(column)} between ${first} and ${last}`;
};

/** The checks, each a query of the rows at fault (none when it holds). */
export const INVARIANT_QUERIES = {
  organisationsComplete: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select o.id::text as example from organisations o
        where ${scaled("o.id", "organisation")}
          and (not exists (select 1 from organisation_categories c where c.organisation_id = o.id)
            or not exists (select 1 from organisation_areas a where a.organisation_id = o.id)
            or not exists (select 1 from role_grants g where g.scope_id = o.id and g.role = 'organisation-admin'))`,
    ),
  mutualsHaveEvidence: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select o.id::text as example from organisations o
        where o.sector = 'public-service-mutual'
          and not exists (select 1 from mutual_evidence e where e.organisation_id = o.id)
          and ${scaled("o.id", "organisation")}`,
    ),
  primaryIdentifiers: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select o.id::text as example from organisations o
        left join organisation_identifiers i on i.organisation_id = o.id and i.is_primary
        where o.primary_identifier is distinct from (i.scheme || '-' || i.identifier)`,
    ),
  locationsRated: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select r.id::text as example from registrations r
        where ${scaled("r.id", "location")} and r.status in ('registered', 'dormant')
          and not exists (select 1 from inspections i
            where i.regulator_id = r.regulator_id and i.registration_id = r.id and i.status = 'published')`,
    ),
  ratingsAggregated: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        with counted as (
          select i.id, i.breach, i.overall, i.calculated_overall, i.departure_reason,
            (select count(*) from unnest(array[i.safe, i.effective, i.caring, i.responsive, i.well_led]) q where q = 'inadequate') as inadequate,
            (select count(*) from unnest(array[i.safe, i.effective, i.caring, i.responsive, i.well_led]) q where q = 'requires-improvement') as ri,
            (select count(*) from unnest(array[i.safe, i.effective, i.caring, i.responsive, i.well_led]) q where q = 'outstanding') as outstanding
          from inspections i
        ), rated as (
          select c.*, case
            when inadequate >= 2 then 'inadequate'
            when inadequate = 1 or ri >= 2 then 'requires-improvement'
            when outstanding >= 2 and ri = 0 then 'outstanding'
            else 'good' end as rule_gives
          from counted c
        )
        select id::text as example from rated
        where calculated_overall <> case when breach and rule_gives in ('outstanding', 'good')
                                         then 'requires-improvement' else rule_gives end
          or (departure_reason is null and overall <> calculated_overall)`,
    ),
  inadequateInSpecialMeasures: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select r.id::text as example from registrations r
        cross join lateral (
          select i.overall from inspections i
          where i.regulator_id = r.regulator_id and i.registration_id = r.id and i.status = 'published'
          order by i.published_at desc, i.id desc limit 1) latest
        where ${scaled("r.id", "location")} and latest.overall = 'inadequate'
          and not exists (select 1 from enforcement_actions e
            where e.regulator_id = r.regulator_id and e.registration_id = r.id
              and e.kind = 'special-measures' and e.resolved_at is null)`,
    ),
  tenderDates: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select t.id::text as example from tenders t
        where (t.status <> 'draft' and t.published_at >= t.submission_deadline)
           or (t.opened_at is not null and t.opened_at <= t.submission_deadline)
           or exists (select 1 from bids b where b.authority_id = t.authority_id and b.tender_id = t.id
                        and (b.received_at >= t.submission_deadline or b.received_at < t.published_at))`,
    ),
  openedBidsRead: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select b.id::text as example from bids b
        join tenders t on t.authority_id = b.authority_id and t.id = b.tender_id
        where t.opened_at is not null and b.status = 'current' and b.integrity is null`,
    ),
  complianceComplete: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select e.tender_id::text as example from tender_evaluations e
        where e.bids_count <> (select count(*) from bids b
                               where b.authority_id = e.authority_id and b.tender_id = e.tender_id and b.status = 'current')
           or e.compliant_count <> (select count(*) from compliance_decisions d
                                    where d.authority_id = e.authority_id and d.tender_id = e.tender_id and d.outcome = 'compliant')
           or exists (select 1 from bids b where b.authority_id = e.authority_id and b.tender_id = e.tender_id
                        and b.status = 'current'
                        and not exists (select 1 from compliance_decisions d
                                        where d.authority_id = b.authority_id and d.bid_id = b.id))
           or (e.compliant_count < 3) <> (e.justification is not null)`,
    ),
  awardsToBestBid: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select a.id::text as example from tender_awards a
        left join bids b on b.authority_id = a.authority_id and b.id = a.bid_id
        left join compliance_decisions d on d.authority_id = a.authority_id and d.bid_id = a.bid_id
        left join tenders t on t.authority_id = a.authority_id and t.id = a.tender_id
        where a.status <> 'withdrawn'
          and (b.tender_id is distinct from a.tender_id or b.status <> 'current'
            or d.outcome is distinct from 'compliant' or b.organisation_id is distinct from a.organisation_id
            or t.opened_at is null or a.decided_at <= t.opened_at
            or exists (select 1 from award_assessments s
                       where s.authority_id = a.authority_id and s.award_id = a.id and s.rank = 1 and s.bid_id <> a.bid_id)
            or not exists (select 1 from award_assessments s
                           where s.authority_id = a.authority_id and s.award_id = a.id and s.bid_id = a.bid_id and s.rank = 1))`,
    ),
  contractsFromAwards: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select c.id::text as example from contracts c
        join tender_awards a on a.authority_id = c.authority_id and a.id = c.award_id
        where a.tender_id <> c.tender_id or a.status <> 'contracted' or a.contract_id is distinct from c.id
           or a.organisation_id <> c.organisation_id or c.entered_at < a.standstill_ends_at`,
    ),
  contractKpis: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select c.id::text as example from contracts c
        where greatest(c.value_pence, c.award_value_pence) > 500000000
          and (select count(*) from contract_kpis k where k.authority_id = c.authority_id and k.contract_id = c.id) < 3`,
    ),
  regulatedActivities: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select a.id::text as example from tender_awards a
        where ${scaled("a.id", "award")} and a.regulated_activity is not null and a.status <> 'withdrawn'
          and not exists (
            select 1 from registrations r
            join registration_activities x on x.regulator_id = r.regulator_id and x.registration_id = r.id
            where r.organisation_id = a.organisation_id and r.status = 'registered'
              and x.activity_code = a.regulated_activity)`,
    ),
  lifecycleInOrder: (db: Db) =>
    failures(
      db,
      sql<{ example: string }>`
        select t.id::text as example from tenders t
        join tender_awards a on a.authority_id = t.authority_id and a.tender_id = t.id and a.status <> 'withdrawn'
        left join contracts c on c.authority_id = a.authority_id and c.award_id = a.id
        where ${scaled("t.id", "tender")}
          and not (t.published_at < t.submission_deadline and t.submission_deadline < t.opened_at
                   and t.opened_at < a.decided_at and a.decided_at < a.standstill_ends_at
                   and (c.id is null or (a.standstill_ends_at <= c.entered_at
                        and c.starts_on > ((a.standstill_ends_at - interval '1 second') at time zone 'Europe/London')::date)))`,
    ),
} as const;

export type InvariantName = keyof typeof INVARIANT_QUERIES;

/** A spread of the scale-up's bids (in the order of their hashes), to open with their tenders' keys. */
export function sampleBids(db: Db, limit: number) {
  const { first, last } = idRange("bid");
  return db
    .selectFrom("bids")
    .selectAll()
    .where("id", ">=", first)
    .where("id", "<=", last)
    .orderBy("content_sha256")
    .limit(limit)
    .execute();
}
