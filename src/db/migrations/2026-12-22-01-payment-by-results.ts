/**
 * Payment by results (issue 19): outcome contracts with their payment model as versioned data,
 * pseudonymous participants and the evidence events about them, payment runs per contract and
 * period, the claims each run computes (never typed by hand), the recoveries owed back, the ledger
 * of payments, sample audits after payment, comparison-group figures for social impact bonds and
 * shifts of market share between the contracts of one programme.
 *
 * Nothing here names a person: a participant is the commissioner's reference and a payment group.
 * Claims, ledger entries, recoveries and events are never changed once written — a correction is a
 * new row (an event withdrawing another, a recovery, a correcting ledger entry). Every table is a
 * tenant table keyed by (authority_id, …). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // An outcome contract: the platform's contract (from an award) or one entered for an outcome fund.
  await sql`
    create table outcome_contracts (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      -- The platform's contract it pays under, when it came from an award; null for an outcome fund's.
      contract_id uuid,
      -- The provider paid.
      organisation_id uuid not null references organisations (id),
      reference text not null check (char_length(reference) between 1 and 60),
      title text not null check (char_length(title) between 1 and 200),
      -- The outcome fund it was entered for ('' when from an award).
      fund text not null default '' check (char_length(fund) <= 200),
      -- Contracts of one programme share participants' references (duplicates across providers)
      -- and market share.
      programme text not null check (programme ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
      starts_on date not null,
      ends_on date not null,
      -- The share of the programme's referrals this contract receives, in basis points.
      referral_share_bp integer not null default 10000 check (referral_share_bp between 0 and 10000),
      -- A run paying more than this needs a second approver (two different people).
      second_approval_above_pence bigint not null default 2500000
        check (second_approval_above_pence >= 0),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, reference),
      foreign key (authority_id, contract_id) references contracts (authority_id, id),
      check (ends_on > starts_on)
    )`.execute(db);
  await sql`create unique index outcome_contracts_of_contract on outcome_contracts (authority_id, contract_id)
    where contract_id is not null`.execute(db);
  await sql`create index outcome_contracts_of_organisation on outcome_contracts (organisation_id)`.execute(
    db,
  );
  await sql`create index outcome_contracts_of_programme on outcome_contracts (authority_id, programme)`.execute(
    db,
  );

  // The payment model, versioned: a new version applies from its day; claims name the version used.
  await sql`
    create table outcome_models (
      authority_id uuid not null,
      contract_id uuid not null,
      version integer not null check (version >= 1),
      kind text not null check (kind in ('tariff', 'outcome-prices', 'fee-for-service')),
      -- The model's numbers, each with the rule it comes from (models.ts validates the shape).
      definition jsonb not null,
      effective_from date not null,
      reason text not null default '' check (char_length(reason) <= 2000),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, contract_id, version),
      unique (authority_id, contract_id, effective_from),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id)
    )`.execute(db);

  // A participant referred to the provider: a reference, a payment group, a cohort, dates. No name.
  await sql`
    create table outcome_participants (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      programme text not null,
      reference text not null check (reference ~ '^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$'),
      payment_group text not null check (char_length(payment_group) between 1 and 60),
      cohort text check (char_length(cohort) between 1 and 60),
      referred_on date not null,
      recorded_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, contract_id, reference),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id)
    )`.execute(db);
  // The same person referred to two providers of a programme: found by the reference.
  await sql`create index outcome_participants_in_programme
    on outcome_participants (authority_id, programme, reference, referred_on)`.execute(db);

  // Evidence: what happened to a participant, from whom. A correction withdraws an event by a new one.
  await sql`
    create table outcome_events (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      participant_id uuid not null,
      kind text not null check (kind in (
        'attachment', 'job-start', 'in-work', 'job-end', 'reconviction', 'no-reconviction',
        'qualification', 'outcome', 'service-delivered', 'withdrawal')),
      -- For 'outcome' and 'qualification': the model's metric code.
      metric text check (char_length(metric) between 1 and 60),
      -- Weeks in work evidenced ('in-work'), units delivered ('service-delivered'), events counted.
      value integer check (value >= 0),
      occurred_on date not null,
      source text not null check (source in ('provider', 'commissioner', 'data-match')),
      -- The sender's own reference for the event: sending it again records nothing new.
      source_ref text not null check (char_length(source_ref) between 1 and 100),
      -- A 'withdrawal' names the event it withdraws (with its reason).
      withdraws_id uuid,
      reason text not null default '' check (char_length(reason) <= 2000),
      recorded_by uuid references users (id) on delete set null,
      recorded_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, contract_id, source, source_ref),
      foreign key (authority_id, participant_id) references outcome_participants (authority_id, id),
      foreign key (authority_id, withdraws_id) references outcome_events (authority_id, id),
      check ((kind = 'withdrawal') = (withdraws_id is not null))
    )`.execute(db);
  await sql`create index outcome_events_of_participant
    on outcome_events (authority_id, participant_id, kind, occurred_on)`.execute(db);
  await sql`create index outcome_events_of_contract on outcome_events (authority_id, contract_id, occurred_on)`.execute(
    db,
  );

  // A payment run: one per contract and period (a month), in order; closed once paid.
  await sql`
    create table outcome_runs (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      -- The period's first and last days (a calendar month, London dates).
      period_start date not null,
      period_end date not null,
      status text not null check (status in ('computing', 'computed', 'approved', 'paid')),
      -- The valid claims' total; refused claims' total (not paid).
      claims_pence bigint not null default 0 check (claims_pence >= 0),
      refused_pence bigint not null default 0 check (refused_pence >= 0),
      claim_count integer not null default 0 check (claim_count >= 0),
      refused_count integer not null default 0 check (refused_count >= 0),
      -- Recoveries owed before this run (brought forward) and those raised with it.
      recoveries_due_pence bigint not null default 0 check (recoveries_due_pence >= 0),
      -- What this run recovered from its claims, paid, and left owed.
      recovered_pence bigint not null default 0 check (recovered_pence >= 0),
      payment_pence bigint not null default 0 check (payment_pence >= 0),
      carried_forward_pence bigint not null default 0 check (carried_forward_pence >= 0),
      started_by uuid references users (id) on delete set null,
      started_at timestamptz not null,
      computed_at timestamptz,
      paid_at timestamptz,
      primary key (authority_id, id),
      unique (authority_id, contract_id, period_start),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id),
      check (period_end >= period_start),
      -- Every run reconciles: claims = payment + recovered; owed = recovered + carried forward.
      check (status in ('computing') or (
        claims_pence = payment_pence + recovered_pence
        and recoveries_due_pence = recovered_pence + carried_forward_pence))
    )`.execute(db);
  await sql`
    create table outcome_run_approvals (
      authority_id uuid not null,
      run_id uuid not null,
      user_id uuid not null references users (id),
      approved_at timestamptz not null,
      primary key (authority_id, run_id, user_id),
      foreign key (authority_id, run_id) references outcome_runs (authority_id, id)
    )`.execute(db);

  // A claim: one outcome of one participant under one rule, computed by a run from the events.
  // Valid claims are paid once ever (the partial unique index); a refused one may be claimed again.
  await sql`
    create table outcome_claims (
      authority_id uuid not null,
      contract_id uuid not null,
      run_id uuid not null,
      participant_id uuid not null,
      -- The model's rule ('attachment', 'job-outcome', 'sustainment', 'outcome', …) and its metric.
      rule text not null check (char_length(rule) between 1 and 40),
      metric text not null default '' check (char_length(metric) <= 60),
      -- Which occurrence (the 1st, 2nd… sustainment payment); 1 otherwise.
      seq integer not null check (seq >= 1),
      achieved_on date not null,
      model_version integer not null,
      amount_pence bigint not null check (amount_pence >= 0),
      -- The events the claim rests on (its working, with the rule and the model's price).
      event_ids uuid[] not null default '{}',
      -- Why it is refused (codes); empty when valid.
      problems text[] not null default '{}',
      primary key (authority_id, run_id, participant_id, rule, metric, seq),
      foreign key (authority_id, run_id) references outcome_runs (authority_id, id),
      foreign key (authority_id, participant_id) references outcome_participants (authority_id, id),
      foreign key (authority_id, contract_id, model_version)
        references outcome_models (authority_id, contract_id, version)
    )`.execute(db);
  await sql`create unique index outcome_claims_paid_once
    on outcome_claims (authority_id, participant_id, rule, metric, seq)
    where problems = '{}'`.execute(db);
  await sql`create index outcome_claims_of_contract on outcome_claims (authority_id, contract_id, achieved_on)`.execute(
    db,
  );

  // What the provider owes back: an audit's extrapolated over-payment, a reconciliation's claw-back,
  // a proxy outcome not confirmed, a correction. Recovered from later runs' claims.
  await sql`
    create table outcome_recoveries (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      kind text not null check (kind in ('audit', 'reconciliation', 'proxy', 'correction')),
      amount_pence bigint not null check (amount_pence > 0),
      reason text not null check (char_length(reason) between 1 and 2000),
      -- What raised it, once: an audit's id, a reconciliation's year, a claim's key.
      source_key text not null check (char_length(source_key) between 1 and 200),
      -- The run that raised it (a reconciliation), or null (an audit's, a correction's).
      run_id uuid,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, contract_id, kind, source_key),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id)
    )`.execute(db);

  // The ledger: each payment to the provider and each recovery taken from a run, and corrections.
  await sql`
    create table outcome_ledger (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      organisation_id uuid not null references organisations (id),
      run_id uuid,
      kind text not null check (kind in ('payment', 'recovery', 'correction')),
      -- Payments and recoveries positive; a correction signed (negative: paid back by the provider).
      amount_pence bigint not null check (kind = 'correction' or amount_pence > 0),
      paid_on date not null,
      -- The key that makes writing it twice impossible (a run's id and the kind; a correction's key).
      idempotency_key text not null check (char_length(idempotency_key) between 1 and 200),
      reason text not null default '' check (char_length(reason) <= 2000),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, idempotency_key),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id)
    )`.execute(db);
  await sql`create index outcome_ledger_of_contract on outcome_ledger (authority_id, contract_id, paid_on)`.execute(
    db,
  );
  await sql`create index outcome_ledger_paid_on on outcome_ledger (paid_on, authority_id, id)`.execute(db);

  // A sample audit of a period's paid claims, and what each sampled claim was found to be worth.
  await sql`
    create table outcome_audits (
      authority_id uuid not null,
      id uuid not null,
      contract_id uuid not null,
      period_start date not null,
      period_end date not null,
      seed text not null check (char_length(seed) between 1 and 100),
      sample_size integer not null check (sample_size >= 1),
      population_count integer not null check (population_count >= 0),
      population_pence bigint not null check (population_pence >= 0),
      status text not null check (status in ('open', 'concluded')),
      -- At conclusion: the sample's error rate, its one-sided 95% lower bound, what is recovered.
      error_rate_ppm integer check (error_rate_ppm between 0 and 1000000),
      lower_bound_ppm integer check (lower_bound_ppm between 0 and 1000000),
      recovery_pence bigint check (recovery_pence >= 0),
      started_by uuid references users (id) on delete set null,
      started_at timestamptz not null,
      concluded_by uuid references users (id) on delete set null,
      concluded_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id)
    )`.execute(db);
  await sql`
    create table outcome_audit_items (
      authority_id uuid not null,
      audit_id uuid not null,
      participant_id uuid not null,
      rule text not null,
      metric text not null,
      seq integer not null,
      paid_pence bigint not null check (paid_pence >= 0),
      -- Found: null until checked; then what the claim should have been paid (0 when not due).
      found_pence bigint check (found_pence >= 0),
      note text not null default '' check (char_length(note) <= 2000),
      checked_by uuid references users (id) on delete set null,
      checked_at timestamptz,
      primary key (authority_id, audit_id, participant_id, rule, metric, seq),
      foreign key (authority_id, audit_id) references outcome_audits (authority_id, id)
    )`.execute(db);

  // Social impact bonds: the comparison group's figure for a cohort and metric, from its source.
  await sql`
    create table outcome_comparisons (
      authority_id uuid not null,
      contract_id uuid not null,
      cohort text not null check (char_length(cohort) between 1 and 60),
      metric text not null check (char_length(metric) between 1 and 60),
      -- Events per 100 people in the comparison group, in hundredths (e.g. 14,250 = 142.50 per 100).
      rate_per_100_centi integer not null check (rate_per_100_centi >= 0),
      group_size integer not null check (group_size >= 1),
      source text not null check (char_length(source) between 1 and 500),
      recorded_by uuid references users (id) on delete set null,
      recorded_at timestamptz not null,
      primary key (authority_id, contract_id, cohort, metric),
      foreign key (authority_id, contract_id) references outcome_contracts (authority_id, id)
    )`.execute(db);

  // Market share moved between two contracts of a programme, by the commissioner, with a reason.
  await sql`
    create table outcome_share_changes (
      authority_id uuid not null,
      id uuid not null,
      programme text not null,
      from_contract_id uuid not null,
      to_contract_id uuid not null,
      share_bp integer not null check (share_bp between 1 and 10000),
      effective_from date not null,
      reason text not null check (char_length(reason) between 1 and 2000),
      decided_by uuid references users (id) on delete set null,
      decided_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, from_contract_id) references outcome_contracts (authority_id, id),
      foreign key (authority_id, to_contract_id) references outcome_contracts (authority_id, id),
      check (from_contract_id <> to_contract_id)
    )`.execute(db);

  // Written once: claims, events, recoveries, the ledger and run approvals are never changed.
  await sql`
    create function outcome_rows_frozen() returns trigger language plpgsql as $$
    begin
      raise exception '% rows are never changed: write a correcting row', tg_table_name;
    end $$`.execute(db);
  for (const table of ["outcome_claims", "outcome_events", "outcome_recoveries", "outcome_ledger"]) {
    await sql`
      create trigger ${sql.raw(`${table}_frozen`)} before update or delete on ${sql.table(table)}
      for each row execute function outcome_rows_frozen()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "outcome_share_changes",
    "outcome_comparisons",
    "outcome_audit_items",
    "outcome_audits",
    "outcome_ledger",
    "outcome_recoveries",
    "outcome_claims",
    "outcome_run_approvals",
    "outcome_runs",
    "outcome_events",
    "outcome_participants",
    "outcome_models",
    "outcome_contracts",
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists outcome_rows_frozen()`.execute(db);
}
