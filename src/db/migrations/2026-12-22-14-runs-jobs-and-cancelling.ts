/**
 * Payment by results, runs computed by a job and cancelling a run (issue 19):
 *
 * - a run is computed by a queued job (`results.compute-run`): the run keeps the job of the latest
 *   request (`compute_job_id`, how many requests there were: `compute_requests`, when and by whom the
 *   latest was made), who computes it now (`compute_lease`, a token, until `compute_lease_until`: a
 *   second compute is refused while it holds), when that compute started and how far it has got
 *   (`participants_done` of `participants_total`, `chunks_done`);
 * - a run not yet paid may be **cancelled** (`cancelled`, with who, when and why). Its rows stay — the
 *   tables are insert-only — but what it made stops counting: its claims and the recoveries it raised
 *   are marked `void`, the one change the freeze trigger allows (false to true, nothing else), and the
 *   paid-once index (`outcome_claims_paid_once`) and recoveries' once-per-source index leave void rows
 *   out, so a new run of the month makes them again. One run per contract and month is now one run
 *   *not cancelled* (`outcome_runs_one_per_month`); the runs of a contract are read by
 *   `outcome_runs_of_contract`; `outcome_runs_cancelled` dates the open data's outcomes by the latest
 *   cancellation (their claims left the figures then).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

/** The name of a table's constraint of a kind ('u' unique, 'c' check) on exactly these columns. */
async function constraintOn(
  db: Kysely<unknown>,
  table: string,
  kind: "u" | "c",
  columns: string[],
): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    select c.conname as name from pg_constraint c
    where c.conrelid = ${table}::regclass and c.contype = ${kind}
      and (select array_agg(a.attname::text order by a.attname::text collate "C") from pg_attribute a
        where a.attrelid = c.conrelid and a.attnum = any (c.conkey))
        = array[${sql.join([...columns].sort())}]::text[]`.execute(db);
  const name = rows[0]?.name;
  if (!name || rows.length > 1) throw new Error(`No single ${kind} constraint on ${table} (${columns})`);
  return name;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // Runs: cancelled, and computed by a job.
  const status = await constraintOn(db, "outcome_runs", "c", ["status"]);
  await sql`alter table outcome_runs drop constraint ${sql.id(status)}`.execute(db);
  await sql`alter table outcome_runs add constraint outcome_runs_status_check
    check (status in ('computing', 'computed', 'approved', 'paid', 'cancelled'))`.execute(db);
  await sql`
    alter table outcome_runs
      add column cancelled_at timestamptz,
      add column cancelled_by uuid references users (id) on delete set null,
      add column cancel_reason text check (char_length(cancel_reason) between 1 and 2000),
      add column compute_requests integer not null default 0 check (compute_requests >= 0),
      add column compute_job_id uuid,
      add column compute_requested_at timestamptz,
      add column compute_requested_by uuid references users (id) on delete set null,
      add column compute_lease uuid,
      add column compute_lease_until timestamptz,
      add column compute_started_at timestamptz,
      add column participants_total integer check (participants_total >= 0),
      add column participants_done integer not null default 0 check (participants_done >= 0),
      add column chunks_done integer not null default 0 check (chunks_done >= 0),
      add constraint outcome_runs_cancelled
        check ((status = 'cancelled') = (cancelled_at is not null and cancel_reason is not null)),
      add constraint outcome_runs_lease check ((compute_lease is null) = (compute_lease_until is null))`.execute(
    db,
  );
  const perMonth = await constraintOn(db, "outcome_runs", "u", [
    "authority_id",
    "contract_id",
    "period_start",
  ]);
  await sql`alter table outcome_runs drop constraint ${sql.id(perMonth)}`.execute(db);
  await sql`create unique index outcome_runs_one_per_month
    on outcome_runs (authority_id, contract_id, period_start) where status <> 'cancelled'`.execute(db);
  await sql`create index outcome_runs_of_contract
    on outcome_runs (authority_id, contract_id, period_start, id)`.execute(db);
  await sql`create index outcome_runs_cancelled on outcome_runs (cancelled_at)
    where cancelled_at is not null`.execute(db);

  // Claims and recoveries: void once their run is cancelled, the only change their rows allow.
  await sql`alter table outcome_claims add column void boolean not null default false`.execute(db);
  await sql`alter table outcome_recoveries add column void boolean not null default false`.execute(db);
  await sql`
    create function outcome_rows_voided_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and not old.void and new.void
          and (to_jsonb(new) - 'void') = (to_jsonb(old) - 'void') then
        return new;
      end if;
      raise exception '% rows are never changed: write a correcting row (a cancelled run''s rows are only made void)',
        tg_table_name;
    end $$`.execute(db);
  for (const table of ["outcome_claims", "outcome_recoveries"]) {
    await sql`drop trigger ${sql.id(`${table}_frozen`)} on ${sql.table(table)}`.execute(db);
    await sql`
      create trigger ${sql.id(`${table}_frozen`)} before update or delete on ${sql.table(table)}
      for each row execute function outcome_rows_voided_only()`.execute(db);
  }
  await sql`drop index outcome_claims_paid_once`.execute(db);
  await sql`create unique index outcome_claims_paid_once
    on outcome_claims (authority_id, participant_id, rule, metric, seq)
    where problems = '{}' and not void`.execute(db);
  const once = await constraintOn(db, "outcome_recoveries", "u", [
    "authority_id",
    "contract_id",
    "kind",
    "source_key",
  ]);
  await sql`alter table outcome_recoveries drop constraint ${sql.id(once)}`.execute(db);
  await sql`create unique index outcome_recoveries_raised_once
    on outcome_recoveries (authority_id, contract_id, kind, source_key) where not void`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outcome_recoveries_raised_once`.execute(db);
  await sql`alter table outcome_recoveries add unique (authority_id, contract_id, kind, source_key)`.execute(
    db,
  );
  await sql`drop index if exists outcome_claims_paid_once`.execute(db);
  await sql`create unique index outcome_claims_paid_once
    on outcome_claims (authority_id, participant_id, rule, metric, seq) where problems = '{}'`.execute(db);
  for (const table of ["outcome_claims", "outcome_recoveries"]) {
    await sql`drop trigger if exists ${sql.id(`${table}_frozen`)} on ${sql.table(table)}`.execute(db);
    await sql`
      create trigger ${sql.id(`${table}_frozen`)} before update or delete on ${sql.table(table)}
      for each row execute function outcome_rows_frozen()`.execute(db);
  }
  await sql`drop function if exists outcome_rows_voided_only()`.execute(db);
  await sql`alter table outcome_recoveries drop column if exists void`.execute(db);
  await sql`alter table outcome_claims drop column if exists void`.execute(db);
  await sql`drop index if exists outcome_runs_cancelled`.execute(db);
  await sql`drop index if exists outcome_runs_of_contract`.execute(db);
  await sql`drop index if exists outcome_runs_one_per_month`.execute(db);
  await sql`alter table outcome_runs add unique (authority_id, contract_id, period_start)`.execute(db);
  await sql`
    alter table outcome_runs
      drop constraint if exists outcome_runs_lease,
      drop constraint if exists outcome_runs_cancelled,
      drop column if exists chunks_done,
      drop column if exists participants_done,
      drop column if exists participants_total,
      drop column if exists compute_started_at,
      drop column if exists compute_lease_until,
      drop column if exists compute_lease,
      drop column if exists compute_requested_by,
      drop column if exists compute_requested_at,
      drop column if exists compute_job_id,
      drop column if exists compute_requests,
      drop column if exists cancel_reason,
      drop column if exists cancelled_by,
      drop column if exists cancelled_at`.execute(db);
  await sql`alter table outcome_runs drop constraint if exists outcome_runs_status_check`.execute(db);
  await sql`alter table outcome_runs add constraint outcome_runs_status_check
    check (status in ('computing', 'computed', 'approved', 'paid'))`.execute(db);
}
