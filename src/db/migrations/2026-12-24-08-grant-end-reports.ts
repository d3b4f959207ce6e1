/**
 * Grants' end reports (issue 21, item 5; docs/grants.md "End reports"): the day an awarded grant's
 * end report is due (`grant_applications.end_report_due_on`, set by the funder when awarding), and
 * `grant_end_reports`, each report the recipient submits — what the money did, what was spent, the
 * people or places reached, each of the award's conditions met or not with a note, the day it covers
 * to — and the funder's review: accepted, or returned with reasons (the recipient then submits again,
 * a new row). At most one report of an application waits for review or is accepted at a time. And
 * indexes of community budgets' journals: by the grant a spend paid (what is left of the award, and
 * the pools that paid it), by id and by when recorded (the open dataset's pages and date).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table grant_applications add column end_report_due_on date`.execute(db);

  await sql`
    create table grant_end_reports (
      id uuid primary key,
      application_id uuid not null references grant_applications (id),
      -- 1 for the first report, 2 for the one submitted after the first was returned…
      seq integer not null check (seq >= 1),
      what_it_did text not null check (char_length(what_it_did) between 1 and 5000),
      spent_pence bigint not null check (spent_pence >= 0),
      reached integer check (reached >= 0),
      -- Each of the award's conditions, in order: { "met": boolean, "note": text }.
      conditions jsonb not null default '[]',
      covers_to date not null,
      status text not null check (status in ('submitted', 'accepted', 'returned')),
      submitted_by uuid references users (id) on delete set null,
      submitted_at timestamptz not null,
      reviewed_by uuid references users (id) on delete set null,
      reviewed_at timestamptz,
      reasons text not null default '' check (char_length(reasons) <= 5000),
      unique (application_id, seq),
      check ((status = 'submitted') = (reviewed_at is null)),
      check (status <> 'returned' or reasons <> '')
    )`.execute(db);
  await sql`create unique index grant_end_reports_one_standing on grant_end_reports (application_id)
    where status in ('submitted', 'accepted')`.execute(db);

  await sql`create index community_budget_journals_of_grant on community_budget_journals (grant_id)
    where grant_id is not null`.execute(db);
  // The open dataset's pages go by journal id (the primary key leads with the authority); its date
  // is the latest entry recorded.
  await sql`create index community_budget_journals_by_id on community_budget_journals (id)`.execute(db);
  await sql`create index community_budget_journals_recorded on community_budget_journals (recorded_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists community_budget_journals_recorded`.execute(db);
  await sql`drop index if exists community_budget_journals_by_id`.execute(db);
  await sql`drop index if exists community_budget_journals_of_grant`.execute(db);
  await sql`drop table if exists grant_end_reports`.execute(db);
  await sql`alter table grant_applications drop column if exists end_report_due_on`.execute(db);
}
