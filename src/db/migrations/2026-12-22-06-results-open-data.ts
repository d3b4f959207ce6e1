/**
 * Payment by results' open data (issue 19, item 6): when each open dataset last changed, read as an
 * index's end, never a scan — the outcome payments' ledger by when each row was written (insert-only:
 * a row is never changed or removed, so its latest write dates the spend), runs by when they were
 * computed (the outcomes figures follow the claims), and personal budgets' invoices paid from managed
 * accounts (the part of the spend over £500 they give). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index outcome_ledger_created on outcome_ledger (created_at)`.execute(db);
  await sql`create index outcome_runs_computed on outcome_runs (computed_at) where computed_at is not null`.execute(
    db,
  );
  await sql`create index budget_transactions_invoices_paid on budget_transactions (posted_at)
    where kind = 'invoice-payment'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists budget_transactions_invoices_paid`.execute(db);
  await sql`drop index if exists outcome_runs_computed`.execute(db);
  await sql`drop index if exists outcome_ledger_created`.execute(db);
}
