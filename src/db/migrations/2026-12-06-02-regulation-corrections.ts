/**
 * Regulation corrections (issue 14, items 6 and 8): a draft inspection report is corrected in new
 * versions, and the rating holds the breach cap whatever the inspector departs to.
 *
 * - `inspections.version`: the draft's version, 1 when recorded, one more at each correction.
 * - `inspection_corrections`: each correction of a draft report — the version it made, what was
 *   corrected (published with the report) and the report as it was before (`previous`), by whom
 *   and when. Append-only.
 * - `accuracy_challenges.corrected_in`: the version of the draft that reflects an accepted point;
 *   only an accepted point can have one.
 * - A recorded breach caps the overall rating at Requires improvement, a departure included
 *   (DOMAIN.md §3). Checked for new and changed rows (`not valid`: a report published before this
 *   rule is the public record and stays as it was).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table inspections
      add column version integer not null default 1 check (version >= 1),
      add constraint inspections_breach_cap
        check (not breach or overall in ('requires-improvement', 'inadequate')) not valid`.execute(db);

  await sql`
    create table inspection_corrections (
      regulator_id uuid not null,
      id uuid not null,
      inspection_id uuid not null,
      version integer not null check (version >= 2),
      summary text not null check (char_length(summary) between 1 and 5000),
      previous jsonb not null,
      corrected_by uuid,
      corrected_at timestamptz not null,
      primary key (regulator_id, id),
      unique (regulator_id, inspection_id, version),
      foreign key (regulator_id, inspection_id) references inspections (regulator_id, id)
    )`.execute(db);
  await sql`
    create function inspection_corrections_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'A correction of an inspection report cannot be changed';
    end $$`.execute(db);
  await sql`
    create trigger inspection_corrections_append_only before update or delete on inspection_corrections
    for each row execute function inspection_corrections_append_only()`.execute(db);

  await sql`
    alter table accuracy_challenges
      add column corrected_in integer check (corrected_in >= 2),
      add constraint accuracy_challenges_corrected_when_accepted
        check (corrected_in is null or outcome = 'accepted')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table accuracy_challenges
      drop constraint accuracy_challenges_corrected_when_accepted,
      drop column corrected_in`.execute(db);
  await sql`drop table if exists inspection_corrections`.execute(db);
  await sql`drop function if exists inspection_corrections_append_only`.execute(db);
  await sql`alter table inspections drop constraint inspections_breach_cap, drop column version`.execute(db);
}
