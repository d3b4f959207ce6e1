/**
 * Redress, remedies tracked to the end (issue 18, item 5): what the body reports with its evidence —
 * the day it was done (a payment: the day paid), the amount paid and, where it differs from the
 * amount ordered, why — and the day the daily sweep flagged a remedy overdue (each told once).
 * Indexes for the bodies' lists (a provider's, an authority's own), the ombudsman's reports to
 * confirm and overdue remedies, the sweep, the published list of overdue remedies, and a staff
 * member's case work (their own cases and the unassigned).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table ombudsman_remedies
      add column done_on date,
      add column paid_pence bigint check (paid_pence >= 0),
      add column amount_note text not null default '' check (char_length(amount_note) <= 2000),
      add column overdue_notified_on date`.execute(db);
  await sql`alter table ombudsman_remedies add constraint ombudsman_remedies_paid_kind
    check (paid_pence is null or kind = 'payment')`.execute(db);
  // A provider's remedies, and an authority's own (no provider answered), by due day then key.
  await sql`create index ombudsman_remedies_of_provider
    on ombudsman_remedies (body_organisation_id, due_on, authority_id, case_id, seq)
    where body_organisation_id is not null`.execute(db);
  await sql`create index ombudsman_remedies_of_authority_body
    on ombudsman_remedies (body_authority_id, due_on, authority_id, case_id, seq)
    where body_organisation_id is null`.execute(db);
  // The ombudsman's: reports to confirm, and remedies still due (overdue ones on its cases).
  await sql`create index ombudsman_remedies_reported on ombudsman_remedies (authority_id, reported_on)
    where status = 'reported'`.execute(db);
  await sql`create index ombudsman_remedies_due_of_ombudsman on ombudsman_remedies (authority_id, due_on)
    where status = 'due'`.execute(db);
  // The published list of overdue remedies (and the daily sweep), oldest due first, by key.
  await sql`create index ombudsman_remedies_overdue on ombudsman_remedies (due_on, authority_id, case_id, seq)
    where status = 'due'`.execute(db);
  // A staff member's work: their own open cases and the unassigned ones, by the next step's day.
  await sql`create index ombudsman_cases_work on ombudsman_cases (authority_id, investigator_id, next_due_on)
    where next_due_on is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists ombudsman_cases_work`.execute(db);
  await sql`drop index if exists ombudsman_remedies_overdue`.execute(db);
  await sql`drop index if exists ombudsman_remedies_due_of_ombudsman`.execute(db);
  await sql`drop index if exists ombudsman_remedies_reported`.execute(db);
  await sql`drop index if exists ombudsman_remedies_of_authority_body`.execute(db);
  await sql`drop index if exists ombudsman_remedies_of_provider`.execute(db);
  await sql`alter table ombudsman_remedies drop constraint if exists ombudsman_remedies_paid_kind`.execute(
    db,
  );
  await sql`
    alter table ombudsman_remedies
      drop column if exists overdue_notified_on,
      drop column if exists amount_note,
      drop column if exists paid_pence,
      drop column if exists done_on`.execute(db);
}
