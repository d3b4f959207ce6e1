/**
 * Payment by results, review fixes (runs): a run fixes the model version it is priced by when it
 * starts (`outcome_runs.model_version`; runs already made take the version in force on their
 * period's last day), and a correction above the contract's second-approval amount waits for a
 * second person (`outcome_correction_requests`: pending, then approved with its ledger row).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outcome_runs add column model_version integer`.execute(db);
  await sql`
    update outcome_runs r set model_version = (
      select m.version from outcome_models m
      where m.authority_id = r.authority_id and m.contract_id = r.contract_id
        and m.effective_from <= r.period_end
      order by m.effective_from desc limit 1)`.execute(db);
  await sql`
    alter table outcome_runs add constraint outcome_runs_model_version
      foreign key (authority_id, contract_id, model_version)
      references outcome_models (authority_id, contract_id, version)`.execute(db);

  await sql`
    create table outcome_correction_requests (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      run_id uuid,
      amount_pence bigint not null check (amount_pence <> 0),
      reason text not null check (char_length(reason) between 1 and 2000),
      -- The ledger row's key once approved (the correction's Idempotency-Key, made per contract).
      idempotency_key text not null check (char_length(idempotency_key) between 1 and 200),
      status text not null check (status in ('pending', 'approved')),
      requested_by uuid not null references users (id),
      requested_at timestamptz not null,
      approved_by uuid references users (id),
      approved_at timestamptz,
      primary key (authority_id, id),
      unique (authority_id, idempotency_key),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id),
      check ((status = 'pending') = (approved_by is null)),
      check (approved_by is null or approved_by <> requested_by)
    )`.execute(db);
  await sql`create index outcome_correction_requests_pending
    on outcome_correction_requests (authority_id, contract_id, requested_at)
    where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists outcome_correction_requests`.execute(db);
  await sql`alter table outcome_runs drop constraint if exists outcome_runs_model_version`.execute(db);
  await sql`alter table outcome_runs drop column if exists model_version`.execute(db);
}
