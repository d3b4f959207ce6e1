/**
 * A tender's award criterion may score an accreditation (issue 20, item 7; docs/standards.md): the
 * kind `accreditation`, naming the standard in `standard_id`. Its score is never typed by an
 * evaluator: the platform reads the bidder's accreditation against the standard on the bid's date.
 * And an accreditation's `reminded_expiry_on`: the expiry date its provider was last reminded of
 * (60 days before), so the daily sweep tells them once per period — a renewal is a new period.
 * And an index on the accreditations' decision times: when the open register last changed.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tender_criteria add column standard_id uuid references standards (id)`.execute(db);
  await sql`alter table tender_criteria drop constraint tender_criteria_kind_check`.execute(db);
  await sql`
    alter table tender_criteria add constraint tender_criteria_kind_check
      check (kind in ('quality', 'price', 'social-value', 'accreditation'))`.execute(db);
  await sql`
    alter table tender_criteria add constraint tender_criteria_standard
      check ((kind = 'accreditation') = (standard_id is not null))`.execute(db);
  await sql`alter table accreditations add column reminded_expiry_on date`.execute(db);
  // The daily sweep's search: granted accreditations by expiry date.
  await sql`
    create index accreditations_granted_expiry on accreditations (expires_on) where status = 'granted'`.execute(
    db,
  );
  await sql`create index accreditations_decided_at on accreditations (decided_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists accreditations_decided_at`.execute(db);
  await sql`drop index if exists accreditations_granted_expiry`.execute(db);
  await sql`alter table accreditations drop column if exists reminded_expiry_on`.execute(db);
  await sql`alter table tender_criteria drop constraint if exists tender_criteria_standard`.execute(db);
  await sql`alter table tender_criteria drop constraint if exists tender_criteria_kind_check`.execute(db);
  await sql`delete from tender_criteria where kind = 'accreditation'`.execute(db);
  await sql`
    alter table tender_criteria add constraint tender_criteria_kind_check
      check (kind in ('quality', 'price', 'social-value'))`.execute(db);
  await sql`alter table tender_criteria drop column if exists standard_id`.execute(db);
}
