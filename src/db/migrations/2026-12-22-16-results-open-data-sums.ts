/**
 * Payment by results' open data (issue 19, item 6), on top of `2026-12-22-06-results-open-data`:
 *
 * - The spend over £500's personal budgets' part, maintained: `spend_managed_accounts` holds, per
 *   authority, month (its first day, London dates) and provider, the invoices paid from managed
 *   accounts — how many, how many plans' budgets paid them, their sum and the most one plan paid of
 *   it — kept by a trigger on `budget_entries` in the transaction of each invoice paid (the entry on
 *   the provider's account of an `invoice-payment` transaction; direct payments are `payment-out`
 *   and never here). Sums only: no plan, invoice or person. A database trigger, because the budgets
 *   module, which pays, sits below payment by results and never calls it. Budgets' transactions are
 *   never changed; when the retention job erases a plan's records 7 years after it ended, the sums
 *   of those long-closed months stay as they were published (no trigger on delete).
 * - When a sample audit was last concluded, read as an index's end: its findings of £0 take claims
 *   out of the outcomes dataset, which it dates.
 *
 * Filled from what is there. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table spend_managed_accounts (
      authority_id uuid not null references authorities (id),
      -- The month paid in: its first day.
      month date not null check (extract(day from month) = 1),
      -- The provider paid (the budget's account 'provider:<id>').
      organisation_id uuid not null,
      -- How many plans' budgets paid it: how many people the sum stands for. (The checks hold for
      -- what a payment adds as well as for the sums: an insert's row is checked before it meets the
      -- row it adds to.)
      plans integer not null check (plans >= 0),
      invoices integer not null check (invoices >= 1 and invoices >= plans),
      amount_pence bigint not null check (amount_pence > 0),
      -- The most one plan's budget paid of the sum (the dominance rule; no plan named).
      largest_plan_pence bigint not null check (largest_plan_pence > 0),
      primary key (authority_id, month, organisation_id)
    )`.execute(db);

  // Once per statement, over the entries it inserted (a payment's transaction inserts its entries
  // in one): each plan's entries on a provider's account in invoice payments, grouped by month; a
  // plan is new to a sum when those are all it has in it; its part now may be the largest.
  await sql`
    create function spend_managed_accounts_kept() returns trigger language plpgsql as $$
    begin
      with added as (
        select a.authority_id, a.plan_id, a.account, date_trunc('month', t.posted_on::timestamp)::date as month,
          count(*)::integer as invoices, sum(a.amount_pence)::bigint as pence
        from added_entries a
        join budget_transactions t on t.authority_id = a.authority_id and t.id = a.transaction_id
        where t.kind = 'invoice-payment' and a.account like 'provider:%'
        group by a.authority_id, a.plan_id, a.account, date_trunc('month', t.posted_on::timestamp)::date
      ), parts as (
        select d.authority_id, d.account, d.month, d.invoices, d.pence, p.invoices as plan_invoices,
          p.pence as plan_pence
        from added d
        cross join lateral (
          select count(*)::integer as invoices, sum(e.amount_pence)::bigint as pence
          from budget_entries e
          join budget_transactions x on x.authority_id = e.authority_id and x.id = e.transaction_id
          where e.authority_id = d.authority_id and e.plan_id = d.plan_id and e.account = d.account
            and x.kind = 'invoice-payment' and date_trunc('month', x.posted_on::timestamp)::date = d.month
        ) p
      )
      insert into spend_managed_accounts as s
        (authority_id, month, organisation_id, plans, invoices, amount_pence, largest_plan_pence)
      select authority_id, month, substr(account, 10)::uuid,
        (count(*) filter (where plan_invoices = invoices))::integer, sum(invoices)::integer,
        sum(pence)::bigint, max(plan_pence)
      from parts
      group by authority_id, month, account
      on conflict (authority_id, month, organisation_id) do update set
        plans = s.plans + excluded.plans,
        invoices = s.invoices + excluded.invoices,
        amount_pence = s.amount_pence + excluded.amount_pence,
        largest_plan_pence = greatest(s.largest_plan_pence, excluded.largest_plan_pence);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger spend_managed_accounts_kept after insert on budget_entries
      referencing new table as added_entries
      for each statement execute function spend_managed_accounts_kept()`.execute(db);

  await sql`
    insert into spend_managed_accounts
      (authority_id, month, organisation_id, plans, invoices, amount_pence, largest_plan_pence)
    select authority_id, month, substr(account, 10)::uuid, count(*)::integer, sum(invoices)::integer,
      sum(pence)::bigint, max(pence)
    from (
      select e.authority_id, e.plan_id, e.account, date_trunc('month', t.posted_on::timestamp)::date as month,
        count(*) as invoices, sum(e.amount_pence) as pence
      from budget_entries e
      join budget_transactions t on t.authority_id = e.authority_id and t.id = e.transaction_id
      where t.kind = 'invoice-payment' and e.account like 'provider:%'
      group by e.authority_id, e.plan_id, e.account, date_trunc('month', t.posted_on::timestamp)::date
    ) per_plan
    group by authority_id, month, account`.execute(db);

  await sql`create index outcome_audits_concluded on outcome_audits (concluded_at)
    where concluded_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outcome_audits_concluded`.execute(db);
  await sql`drop trigger if exists spend_managed_accounts_kept on budget_entries`.execute(db);
  await sql`drop function if exists spend_managed_accounts_kept()`.execute(db);
  await sql`drop table if exists spend_managed_accounts`.execute(db);
}
