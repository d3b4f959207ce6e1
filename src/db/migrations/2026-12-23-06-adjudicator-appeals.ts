/**
 * Appeals to the independent adjudicator (issue 20, item 6), on the redress engine's tables:
 * - a complaint about commissioning may now be about a **refused spin-out** (the parent body's
 *   decision, mutuals) or a **barrier left unanswered** past its period (barriers):
 *   `commissioning_kind` 'spin-out' or 'barrier', the proposal's or barrier's id under the
 *   complaint's own `authority_id`. A spin-out team's member, or a public body's person who logged a
 *   barrier, appeals for themself (`acting_as` 'self'); an organisation's appeal is its
 *   administrators' (`acting_as` 'organisation', as before). The tender or contract complaints stay
 *   an organisation's only;
 * - `appeal_grounds`: the adjudicator's published grounds the appellant relies on (codes of
 *   `ADJUDICATOR_GROUNDS`, src/modules/redress/appeals.ts);
 * - `complaints_appeal_subject`: the appeal about a subject; `spinout_members_by_user` and
 *   `barriers_by_logger` (unanswered): what a person may appeal;
 * - `ombudsman_cases.grounds_found`: the grounds the adjudicator's decision finds.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table complaints
      drop constraint complaints_commissioning_kind_check,
      drop constraint complaints_commissioning,
      add constraint complaints_commissioning_kind_check
        check (commissioning_kind in ('tender', 'contract', 'spin-out', 'barrier')),
      add constraint complaints_commissioning
        check ((regime = 'commissioning') = (commissioning_id is not null and commissioning_kind is not null
            and service_area <> '')
          and (acting_as <> 'organisation' or regime = 'commissioning')
          and (regime <> 'commissioning' or acting_as = 'organisation'
            or (acting_as = 'self' and commissioning_kind in ('spin-out', 'barrier')))),
      add column appeal_grounds text[] not null default '{}' check (cardinality(appeal_grounds) <= 10)`.execute(
    db,
  );
  // Who may appeal: the refused proposals of a team member, the unanswered barriers a person logged.
  await sql`create index spinout_members_by_user on spinout_members (user_id)`.execute(db);
  await sql`create index barriers_by_logger on barriers (logged_by, answer_due_on)
    where first_answered_at is null`.execute(db);
  // The appeal about a subject (its page links to it; one appeal per subject).
  await sql`create index complaints_appeal_subject on complaints (authority_id, commissioning_id)
    where commissioning_kind in ('spin-out', 'barrier')`.execute(db);
  await sql`
    alter table ombudsman_cases
      add column grounds_found text[] not null default '{}' check (cardinality(grounds_found) <= 10)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ombudsman_cases drop column grounds_found`.execute(db);
  await sql`drop index complaints_appeal_subject`.execute(db);
  await sql`drop index barriers_by_logger`.execute(db);
  await sql`drop index spinout_members_by_user`.execute(db);
  await sql`delete from ombudsman_remedies r using ombudsman_cases k, complaints c
    where r.authority_id = k.authority_id and r.case_id = k.id
      and c.authority_id = k.complaint_authority_id and c.id = k.complaint_id
      and c.commissioning_kind in ('spin-out', 'barrier')`.execute(db);
  await sql`delete from ombudsman_case_comments m using ombudsman_cases k, complaints c
    where m.authority_id = k.authority_id and m.case_id = k.id
      and c.authority_id = k.complaint_authority_id and c.id = k.complaint_id
      and c.commissioning_kind in ('spin-out', 'barrier')`.execute(db);
  await sql`delete from ombudsman_cases k using complaints c
    where c.authority_id = k.complaint_authority_id and c.id = k.complaint_id
      and c.commissioning_kind in ('spin-out', 'barrier')`.execute(db);
  await sql`delete from complaint_stages s using complaints c
    where c.authority_id = s.authority_id and c.id = s.complaint_id
      and c.commissioning_kind in ('spin-out', 'barrier')`.execute(db);
  await sql`delete from complaints where commissioning_kind in ('spin-out', 'barrier')`.execute(db);
  await sql`
    alter table complaints
      drop column appeal_grounds,
      drop constraint complaints_commissioning_kind_check,
      drop constraint complaints_commissioning,
      add constraint complaints_commissioning_kind_check check (commissioning_kind in ('tender', 'contract')),
      add constraint complaints_commissioning
        check ((regime = 'commissioning') = (acting_as = 'organisation')
          and (regime = 'commissioning') = (commissioning_id is not null and commissioning_kind is not null
            and service_area <> ''))`.execute(db);
}
