/**
 * Every open dataset's "last updated" (issue 16, item 5), from the data: the latest change time of
 * its rows, read as the end of an index on each time that says a row changed — never a scan. Partial
 * where only published rows count (a draft's change is not the open data's).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

const INDEXES: readonly [name: string, definition: string][] = [
  ["authorities_changed", "authorities (updated_at)"],
  ["organisations_changed", "organisations (updated_at)"],
  ["mutual_evidence_recorded", "mutual_evidence (recorded_at)"],
  ["services_changed", "services (updated_at)"],
  ["projects_published_changed", "projects (updated_at) where status = 'published'"],
  ["consultations_published_changed", "consultations (updated_at) where status <> 'draft'"],
  [
    "consultations_summary_published",
    "consultations (summary_published_at) where summary_published_at is not null",
  ],
  ["challenges_submitted_changed", "challenges (updated_at) where submitted_at is not null"],
  ["tenders_published_changed", "tenders (updated_at) where status <> 'draft'"],
  ["tender_awards_published", "tender_awards (notice_published_at)"],
  ["tender_awards_withdrawn", "tender_awards (withdrawn_at) where withdrawn_at is not null"],
  ["award_challenges_lodged", "award_challenges (lodged_at)"],
  ["award_challenges_decided", "award_challenges (decided_at) where decided_at is not null"],
  ["contracts_entered", "contracts (entered_at)"],
  ["contracts_terminated", "contracts (terminated_at) where terminated_at is not null"],
  ["contract_amendments_made", "contract_amendments (amended_at)"],
  ["kpi_ratings_rated", "kpi_ratings (rated_at)"],
  ["registrations_changed", "registrations (updated_at)"],
  ["inspections_published", "inspections (published_at) where published_at is not null"],
  ["enforcement_actions_issued", "enforcement_actions (issued_at)"],
  ["enforcement_actions_resolved", "enforcement_actions (resolved_at) where resolved_at is not null"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`create index ${sql.raw(name)} on ${sql.raw(definition)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await sql`drop index if exists ${sql.raw(name)}`.execute(db);
}
