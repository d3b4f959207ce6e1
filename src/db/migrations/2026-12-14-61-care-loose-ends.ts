/**
 * Issue 17 (care staff's loose ends).
 *
 * The plan form offers the organisations an authority already has managed accounts with: an index
 * of budget parts by organisation.
 *
 * An invitation records when its email was sent (`emailed_at`), so that withdrawing it tells the
 * invitee only if they were emailed.
 *
 * The reason of a plan's first version was stored as English
 * text ("The plan as agreed."). It is a code now, rendered in the reader's language: a version has
 * either a code (`reason_code`, today only `plan-agreed`) or the reason care staff wrote. The rows
 * already written are moved to the code, with the versions' freeze lifted for this update only.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table care_plan_versions
      add column reason_code text check (reason_code in ('plan-agreed'))`.execute(db);
  await sql`alter table care_plan_versions alter column reason drop not null`.execute(db);
  await sql`alter table care_plan_versions disable trigger care_plan_versions_frozen`.execute(db);
  await sql`
    update care_plan_versions set reason = null, reason_code = 'plan-agreed'
    where version = 1 and reason = 'The plan as agreed.'`.execute(db);
  await sql`alter table care_plan_versions enable trigger care_plan_versions_frozen`.execute(db);
  await sql`
    alter table care_plan_versions add constraint care_plan_versions_reason_given
      check ((reason is null) <> (reason_code is null))`.execute(db);

  await sql`alter table care_invitations add column emailed_at timestamptz`.execute(db);

  // The organisations an authority already has managed accounts with: the plan form's choices.
  await sql`
    create index care_budget_parts_by_organisation on care_budget_parts (authority_id, organisation_id)
    where organisation_id is not null`.execute(db);
}

/** Back to before: the first versions' reason written out in English again, the column and index gone. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists care_budget_parts_by_organisation`.execute(db);
  await sql`alter table care_invitations drop column if exists emailed_at`.execute(db);
  await sql`alter table care_plan_versions drop constraint if exists care_plan_versions_reason_given`.execute(
    db,
  );
  await sql`alter table care_plan_versions disable trigger care_plan_versions_frozen`.execute(db);
  await sql`
    update care_plan_versions set reason = 'The plan as agreed.'
    where reason_code = 'plan-agreed'`.execute(db);
  await sql`alter table care_plan_versions enable trigger care_plan_versions_frozen`.execute(db);
  await sql`alter table care_plan_versions drop column reason_code`.execute(db);
  await sql`alter table care_plan_versions alter column reason set not null`.execute(db);
}
