/**
 * Redress after its review (docs/redress.md):
 * - every extension of a stage's answer kept, each with its reason (and, for a period agreed with
 *   the complainant, the day it was agreed), in order: `complaint_extensions` — the stage's
 *   `extension_reason` kept the last one only; the ones already made are copied across;
 * - complaints made without an account and never confirmed are deleted after 7 days by a daily
 *   sweep, which reads them oldest first through `complaints_unverified`;
 * - the people who acknowledged or answered a stage, by index (their accounts' foreign keys);
 * - the kinds of body an ombudsman's route knows: police, fire, parish, devolved and combined
 *   authorities (none of the three ombudsmen takes them).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table complaint_extensions (
      authority_id uuid not null,
      complaint_id uuid not null,
      stage integer not null,
      seq integer not null check (seq >= 1),
      from_on date not null,
      to_on date not null check (to_on > from_on),
      reason text not null check (char_length(reason) between 1 and 5000),
      -- A period "as may be agreed" (NHS and adult social care): the day the complainant agreed it.
      agreed_on date,
      extended_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, complaint_id, stage, seq),
      foreign key (authority_id, complaint_id, stage)
        references complaint_stages (authority_id, complaint_id, stage) on delete cascade
    )`.execute(db);
  await sql`create index complaint_extensions_by on complaint_extensions (extended_by)
    where extended_by is not null`.execute(db);
  await sql`
    insert into complaint_extensions (authority_id, complaint_id, stage, seq, from_on, to_on, reason, created_at)
    select authority_id, complaint_id, stage, 1, answer_first_due_on, answer_due_on, extension_reason, extended_at
    from complaint_stages
    where extended_at is not null and extension_reason <> ''
      and answer_first_due_on is not null and answer_due_on > answer_first_due_on`.execute(db);

  await sql`create index complaints_unverified on complaints (created_at, id) where status = 'unverified'`.execute(
    db,
  );
  await sql`create index complaint_stages_acknowledged_by on complaint_stages (acknowledged_by)
    where acknowledged_by is not null`.execute(db);
  await sql`create index complaint_stages_responded_by on complaint_stages (responded_by)
    where responded_by is not null`.execute(db);

  await sql`alter table complaints drop constraint complaints_body_kind_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_body_kind_check check (body_kind in ('council',
      'nhs-body', 'care-provider', 'social-landlord', 'government-department', 'other-provider',
      'police', 'fire', 'parish', 'devolved', 'combined-authority'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table complaints drop constraint complaints_body_kind_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_body_kind_check check (body_kind in ('council',
      'nhs-body', 'care-provider', 'social-landlord', 'government-department', 'other-provider'))`.execute(
    db,
  );
  await sql`drop index if exists complaint_stages_responded_by`.execute(db);
  await sql`drop index if exists complaint_stages_acknowledged_by`.execute(db);
  await sql`drop index if exists complaints_unverified`.execute(db);
  await sql`drop table if exists complaint_extensions`.execute(db);
}
