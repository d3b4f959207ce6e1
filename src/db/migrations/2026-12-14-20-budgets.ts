/**
 * The money of personal budgets (issue 17, item 6): a double-entry ledger per plan's budget, in
 * integer pence. A budget's ledger (`budget_ledgers`) has named accounts (`budget_balances`: the
 * authority's funding, the balance held for the person — direct payment and managed account —, each
 * provider paid, the direct payment's other spending, the surplus recovered); every change is one
 * transaction (`budget_transactions`) of entries (`budget_entries`) that sum to zero, held by a
 * deferred constraint trigger at commit; no balance but the funding account's goes below zero (a
 * check: the service refuses first, with the reason). Invoices from providers, surplus flags, the
 * idempotency keys of money-moving requests and the erasures of the retention job beside them.
 * Transactions and entries are never changed; they are deleted only by the retention job, 7 years
 * after the plan ends. Tenant tables keyed by (authority_id, …). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table budget_ledgers (
      authority_id uuid not null references authorities (id),
      plan_id uuid not null,
      -- When the authority pays the budget in, in advance: every four weeks or every month.
      cadence text not null check (cadence in ('four-weekly', 'monthly')),
      -- The first day of the first period; period k starts k periods after it.
      first_period_on date not null,
      -- The periods paid in so far (0, 1, …): the next to pay is this one.
      next_period integer not null default 0 check (next_period >= 0),
      -- The last transaction's number in this ledger (transactions are numbered 1, 2, … in order).
      last_seq integer not null default 0 check (last_seq >= 0),
      -- The plan's end as the schedule last saw it: records are kept 7 years after it.
      plan_ended_on date,
      opened_by uuid references users (id) on delete set null,
      opened_at timestamptz not null,
      primary key (authority_id, plan_id),
      foreign key (authority_id, plan_id) references care_plans (authority_id, id)
    )`.execute(db);
  await sql`
    create index budget_ledgers_ended on budget_ledgers (plan_ended_on, authority_id, plan_id)
      where plan_ended_on is not null`.execute(db);

  await sql`
    create table budget_balances (
      authority_id uuid not null,
      plan_id uuid not null,
      account text not null check (account ~ '^(funding|direct-payment|managed|direct-spend|recovered|provider:[0-9a-f-]{36})$'),
      balance_pence bigint not null default 0,
      primary key (authority_id, plan_id, account),
      foreign key (authority_id, plan_id) references budget_ledgers (authority_id, plan_id),
      -- No overdraft: only the authority's funding account (the source of every payment in) is
      -- below zero. The service refuses first, saying why; this is the last line.
      constraint budget_balances_no_overdraft check (account = 'funding' or balance_pence >= 0)
    )`.execute(db);

  await sql`
    create table budget_transactions (
      authority_id uuid not null,
      id uuid not null,
      plan_id uuid not null,
      seq integer not null check (seq >= 1),
      kind text not null check (kind in ('payment-in', 'invoice-payment', 'payment-out', 'recovery')),
      -- One transaction per key: a request's Idempotency-Key, or the schedule's "payment-in:<plan>:<period>".
      idempotency_key text not null check (char_length(idempotency_key) between 1 and 200),
      period_index integer check (period_index >= 0),
      period_starts_on date,
      period_ends_on date,
      invoice_id uuid,
      surplus_id uuid,
      description text not null default '' check (char_length(description) <= 500),
      posted_on date not null,
      posted_at timestamptz not null,
      posted_by uuid references users (id) on delete set null,
      primary key (authority_id, id),
      unique (authority_id, plan_id, seq),
      unique (authority_id, idempotency_key),
      foreign key (authority_id, plan_id) references budget_ledgers (authority_id, plan_id),
      check ((kind = 'payment-in') = (period_index is not null)),
      check ((period_index is null) = (period_starts_on is null) and (period_index is null) = (period_ends_on is null))
    )`.execute(db);
  // A period of the schedule is paid in once, whatever retries and restarts do.
  await sql`
    create unique index budget_payments_in_once on budget_transactions (authority_id, plan_id, period_index)
      where kind = 'payment-in'`.execute(db);
  await sql`
    create index budget_transactions_by_day on budget_transactions (authority_id, plan_id, posted_on, seq)`.execute(
    db,
  );

  await sql`
    create table budget_entries (
      authority_id uuid not null,
      transaction_id uuid not null,
      line smallint not null check (line >= 1),
      plan_id uuid not null,
      account text not null,
      amount_pence bigint not null check (amount_pence <> 0),
      primary key (authority_id, transaction_id, line),
      foreign key (authority_id, transaction_id) references budget_transactions (authority_id, id),
      foreign key (authority_id, plan_id, account) references budget_balances (authority_id, plan_id, account)
    )`.execute(db);
  await sql`create index budget_entries_by_account on budget_entries (authority_id, plan_id, account)`.execute(
    db,
  );

  // Every transaction's entries sum to zero, and it has entries: checked at commit (deferred), when
  // the whole transaction is written.
  await sql`
    create function budget_entries_balanced() returns trigger language plpgsql as $$
    declare
      aid uuid;
      tid uuid;
      total numeric;
    begin
      if tg_op = 'DELETE' then aid := old.authority_id; tid := old.transaction_id;
      else aid := new.authority_id; tid := new.transaction_id; end if;
      select coalesce(sum(amount_pence), 0) into total from budget_entries
        where authority_id = aid and transaction_id = tid;
      if total <> 0 then
        raise exception 'budget transaction % does not balance: its entries sum to % pence', tid, total
          using errcode = '23514';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger budget_entries_sum_to_zero after insert or update or delete on budget_entries
      deferrable initially deferred for each row execute function budget_entries_balanced()`.execute(db);
  await sql`
    create function budget_transaction_has_entries() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from budget_transactions where authority_id = new.authority_id and id = new.id)
        and (select count(*) from budget_entries where authority_id = new.authority_id
          and transaction_id = new.id) < 2 then
        raise exception 'budget transaction % has fewer than two entries', new.id using errcode = '23514';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger budget_transactions_have_entries after insert on budget_transactions
      deferrable initially deferred for each row execute function budget_transaction_has_entries()`.execute(
    db,
  );

  // Posted is posted: never changed; deleted only by the retention job (which says so first).
  await sql`
    create function budget_posted_frozen() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and current_setting('openps.budget_retention', true) = 'erasing' then
        return old;
      end if;
      raise exception 'a posted budget transaction is never changed: post another';
    end $$`.execute(db);
  for (const table of ["budget_transactions", "budget_entries"]) {
    await sql`
      create trigger ${sql.raw(`${table}_frozen`)} before update or delete on ${sql.table(table)}
      for each row execute function budget_posted_frozen()`.execute(db);
  }

  await sql`
    create table budget_invoices (
      authority_id uuid not null,
      id uuid not null,
      plan_id uuid not null,
      organisation_id uuid not null references organisations (id),
      -- The arrangement the invoice is for (the next wave's arrangements).
      arrangement_id uuid,
      period_starts_on date not null,
      period_ends_on date not null,
      amount_pence bigint not null check (amount_pence > 0),
      reference text not null check (char_length(reference) between 1 and 100),
      status text not null check (status in ('submitted', 'paid', 'rejected')),
      submitted_by uuid references users (id) on delete set null,
      submitted_at timestamptz not null,
      decided_by uuid references users (id) on delete set null,
      decided_at timestamptz,
      rejection_reason text check (rejection_reason is null or char_length(rejection_reason) between 1 and 1000),
      transaction_id uuid,
      primary key (authority_id, id),
      unique (authority_id, plan_id, organisation_id, reference),
      foreign key (authority_id, plan_id) references budget_ledgers (authority_id, plan_id),
      check (period_ends_on >= period_starts_on),
      check ((status = 'paid') = (transaction_id is not null)),
      check ((status = 'rejected') = (rejection_reason is not null)),
      check ((status = 'submitted') = (decided_at is null))
    )`.execute(db);
  await sql`create index budget_invoices_by_plan on budget_invoices (authority_id, plan_id, submitted_at, id)`.execute(
    db,
  );

  await sql`
    create table budget_surpluses (
      authority_id uuid not null,
      id uuid not null,
      plan_id uuid not null,
      account text not null,
      flagged_at timestamptz not null,
      balance_pence bigint not null,
      level_pence bigint not null check (level_pence >= 0),
      excess_pence bigint not null check (excess_pence > 0),
      status text not null check (status in ('open', 'recovered', 'waived')),
      resolved_at timestamptz,
      resolved_by uuid references users (id) on delete set null,
      waiver_reason text check (waiver_reason is null or char_length(waiver_reason) between 1 and 1000),
      transaction_id uuid,
      primary key (authority_id, id),
      foreign key (authority_id, plan_id) references budget_ledgers (authority_id, plan_id),
      check ((status = 'open') = (resolved_at is null)),
      check ((status = 'waived') = (waiver_reason is not null)),
      check ((status = 'recovered') = (transaction_id is not null))
    )`.execute(db);
  await sql`
    create unique index budget_surpluses_one_open on budget_surpluses (authority_id, plan_id)
      where status = 'open'`.execute(db);
  await sql`create index budget_surpluses_by_plan on budget_surpluses (authority_id, plan_id, flagged_at)`.execute(
    db,
  );

  // Idempotency: a money-moving request's key, what it asked (a hash) and what it answered.
  await sql`
    create table budget_requests (
      authority_id uuid not null,
      key text not null check (char_length(key) between 1 and 200),
      plan_id uuid not null,
      action text not null,
      request_hash text not null,
      result jsonb not null,
      user_id uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, key),
      foreign key (authority_id, plan_id) references budget_ledgers (authority_id, plan_id)
    )`.execute(db);
  await sql`create index budget_requests_by_plan on budget_requests (authority_id, plan_id)`.execute(db);

  // What the retention job erased: when, which plans, how many rows of each table. No personal data.
  await sql`
    create table budget_erasures (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      erased_at timestamptz not null,
      kept_until date not null,
      plan_ids uuid[] not null,
      counts jsonb not null,
      primary key (authority_id, id)
    )`.execute(db);
}
