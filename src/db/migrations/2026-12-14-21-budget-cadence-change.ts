/**
 * Personal budgets' money (issue 17, item 6), on top of `2026-12-14-20-budgets`: care staff may
 * change how often a budget is paid in after its ledger is opened. The schedule then restarts from
 * the next period not yet paid: `period_base` is the number of that period, and `first_period_on`
 * its first day, so that period k (k ≥ period_base) is the (k − period_base)-th of the new cadence.
 * The periods' numbers go on from where they were (each period is still paid in once: its key and
 * the unique index on (plan, period) are unchanged). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table budget_ledgers add column period_base integer not null default 0
      check (period_base >= 0 and period_base <= next_period)`.execute(db);
}
