/**
 * Redress (issue 18, items 1 and 7): complaints from providers about commissioning, and complaints a
 * consumer champion's people make for a person who appointed it.
 *
 * - The regime `commissioning`: a provider's complaint about an authority's commissioning decision,
 *   made by the provider's administrator **for the organisation** (`acting_as` 'organisation', the
 *   complaining organisation's id in `complainant_organisation_id`), about a tender of that authority
 *   or a contract it holds (`commissioning_kind`, `commissioning_id`: the tender or contract under the
 *   complaint's own `authority_id`), with the service area (a service category code) whose
 *   independent adjudicator is the second tier.
 * - `champion_id`: the consumer champion whose people made a complaint for a person (its list).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table complaints drop constraint complaints_regime_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_regime_check
      check (regime in ('nhs-adult-social-care', 'housing', 'children-social-care', 'council', 'commissioning'))`.execute(
    db,
  );
  await sql`alter table complaints drop constraint complaints_acting_as_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_acting_as_check
      check (acting_as in ('self', 'person', 'public', 'organisation'))`.execute(db);
  await sql`
    alter table complaints
      add column complainant_organisation_id uuid references organisations (id),
      add column commissioning_kind text check (commissioning_kind in ('tender', 'contract')),
      add column commissioning_id uuid,
      add column commissioning_title text not null default '' check (char_length(commissioning_title) <= 500),
      add column service_area text not null default '' check (char_length(service_area) <= 80),
      add column champion_id uuid references authorities (id),
      add constraint complaints_organisation_complainant
        check ((acting_as = 'organisation') = (complainant_organisation_id is not null)),
      add constraint complaints_commissioning
        check ((regime = 'commissioning') = (acting_as = 'organisation')
          and (regime = 'commissioning') = (commissioning_id is not null and commissioning_kind is not null
            and service_area <> '')),
      add constraint complaints_champion_for_person check (champion_id is null or acting_as = 'person')`.execute(
    db,
  );
  // The complaints an organisation made (its people's list), and a champion's (its list), newest first.
  await sql`create index complaints_by_complainant_organisation
    on complaints (complainant_organisation_id, created_at desc, id desc)
    where complainant_organisation_id is not null`.execute(db);
  await sql`create index complaints_by_champion on complaints (champion_id, created_at desc, id desc)
    where champion_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The adjudicators' cases of these complaints first (their remedies and comments with them): the
  // cases refer to the complaints, and the remedies to the cases, without cascading.
  const ofCommissioning = sql`select k.authority_id, k.id from ombudsman_cases k join complaints c
    on c.authority_id = k.complaint_authority_id and c.id = k.complaint_id where c.regime = 'commissioning'`;
  await sql`delete from ombudsman_remedies where (authority_id, case_id) in (${ofCommissioning})`.execute(db);
  await sql`delete from ombudsman_case_comments where (authority_id, case_id) in (${ofCommissioning})`.execute(
    db,
  );
  await sql`delete from ombudsman_cases where (authority_id, id) in (${ofCommissioning})`.execute(db);
  await sql`delete from complaint_extensions e using complaints c
    where c.authority_id = e.authority_id and c.id = e.complaint_id and c.regime = 'commissioning'`.execute(
    db,
  );
  await sql`delete from complaint_stages s using complaints c
    where c.authority_id = s.authority_id and c.id = s.complaint_id and c.regime = 'commissioning'`.execute(
    db,
  );
  await sql`delete from complaints where regime = 'commissioning'`.execute(db);
  await sql`drop index if exists complaints_by_champion`.execute(db);
  await sql`drop index if exists complaints_by_complainant_organisation`.execute(db);
  await sql`
    alter table complaints
      drop constraint complaints_champion_for_person,
      drop constraint complaints_commissioning,
      drop constraint complaints_organisation_complainant,
      drop column champion_id,
      drop column service_area,
      drop column commissioning_title,
      drop column commissioning_id,
      drop column commissioning_kind,
      drop column complainant_organisation_id`.execute(db);
  await sql`alter table complaints drop constraint complaints_acting_as_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_acting_as_check
      check (acting_as in ('self', 'person', 'public'))`.execute(db);
  await sql`alter table complaints drop constraint complaints_regime_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_regime_check
      check (regime in ('nhs-adult-social-care', 'housing', 'children-social-care', 'council'))`.execute(db);
}
