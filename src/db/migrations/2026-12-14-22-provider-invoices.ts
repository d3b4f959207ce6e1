/**
 * Providers' invoices against their arrangements (issue 17, items 6 and 7), on top of
 * `2026-12-14-20-budgets`: an invoice records the units delivered (in hundredths, as an
 * arrangement's units), and a provider's invoices are read by the organisation, newest first.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table budget_invoices add column units_x100 integer check (units_x100 > 0)`.execute(db);
  await sql`
    create index budget_invoices_by_organisation
      on budget_invoices (organisation_id, submitted_at, id)`.execute(db);
}
