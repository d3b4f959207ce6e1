/**
 * Redress's open figures (review): the second tier read by the body's escalated complaints only. A
 * complaint taken to an ombudsman is 'escalated' from then on; a body's cases are found through these
 * (a small share of its complaints) and joined to their case by its unique key, never by walking the
 * body's whole history. (A provider's overdue steps are read through `complaints_due_of_provider`,
 * 2026-12-20-01: only the steps it answers count.) Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index complaints_escalated_about_provider on complaints (organisation_id)
    where status = 'escalated' and organisation_id is not null`.execute(db);
  await sql`create index complaints_escalated_of_authority on complaints (authority_id)
    where status = 'escalated' and answerer = 'authority'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists complaints_escalated_of_authority`.execute(db);
  await sql`drop index if exists complaints_escalated_about_provider`.execute(db);
}
