/**
 * Regulation of providers: registration, inspections and ratings, enforcement, profiles (issue 7).
 * Regulators are public bodies of kind `regulator` (authorities); their registers are national
 * reference data kept per regulator, every key led by the regulator's id. Registration events,
 * published inspections and answered challenges cannot be changed (triggers). Frozen: never import
 * app code.
 */
import { type Kysely, sql } from "kysely";

const ACTIVITIES: readonly [string, string][] = [
  ["personal-care", "Personal care"],
  ["accommodation-personal-care", "Accommodation for persons who require nursing or personal care"],
  ["nursing-care", "Nursing care"],
  ["treatment-of-disease", "Treatment of disease, disorder or injury"],
  ["diagnostic-and-screening", "Diagnostic and screening procedures"],
  ["substance-misuse-accommodation", "Accommodation for persons who require treatment for substance misuse"],
  ["childrens-social-care", "Children's social care"],
  ["education-and-training", "Education and training"],
  ["supported-housing", "Supported housing"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table regulated_activities (
      code text primary key check (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      name text not null check (char_length(name) between 1 and 200),
      position integer not null
    )`.execute(db);
  for (const [index, [code, name]] of ACTIVITIES.entries()) {
    await sql`insert into regulated_activities (code, name, position) values (${code}, ${name}, ${index + 1})`.execute(
      db,
    );
  }

  await sql`
    create table regulator_regimes (
      regulator_id uuid primary key references authorities (id),
      reinspection_months integer not null check (reinspection_months between 1 and 36),
      factual_accuracy_working_days integer not null check (factual_accuracy_working_days between 1 and 60),
      representation_days integer not null check (representation_days between 1 and 365),
      updated_at timestamptz not null
    )`.execute(db);
  await sql`
    create table regulator_service_types (
      regulator_id uuid not null references regulator_regimes (regulator_id),
      category_code text not null references service_categories (code),
      primary key (regulator_id, category_code)
    )`.execute(db);
  await sql`
    create table regulator_activities (
      regulator_id uuid not null references regulator_regimes (regulator_id),
      activity_code text not null references regulated_activities (code),
      primary key (regulator_id, activity_code)
    )`.execute(db);

  await sql`
    create table registrations (
      regulator_id uuid not null references regulator_regimes (regulator_id),
      id uuid not null,
      organisation_id uuid not null references organisations (id),
      name text not null check (char_length(name) between 1 and 200),
      address_line1 text not null check (char_length(address_line1) between 1 and 200),
      town text not null check (char_length(town) between 1 and 100),
      postcode text not null check (char_length(postcode) between 5 and 8),
      area_code text not null references areas (code),
      capacity integer not null check (capacity between 0 and 100000),
      capacity_unit text not null check (capacity_unit in ('beds', 'places', 'people')),
      registered_manager text not null check (char_length(registered_manager) <= 200),
      status text not null check (status in ('applied', 'registered', 'dormant', 'suspended', 'cancelled', 'refused')),
      conditions text not null check (char_length(conditions) <= 5000),
      status_reason text not null check (char_length(status_reason) <= 5000),
      status_changed_at timestamptz not null,
      applied_at timestamptz not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (regulator_id, id),
      unique (id)
    )`.execute(db);
  await sql`create index registrations_organisation on registrations (organisation_id)`.execute(db);
  await sql`create index registrations_area on registrations (area_code)`.execute(db);

  await sql`
    create table registration_service_types (
      regulator_id uuid not null,
      registration_id uuid not null,
      category_code text not null references service_categories (code),
      primary key (regulator_id, registration_id, category_code),
      foreign key (regulator_id, registration_id) references registrations (regulator_id, id)
    )`.execute(db);
  await sql`
    create table registration_activities (
      regulator_id uuid not null,
      registration_id uuid not null,
      activity_code text not null references regulated_activities (code),
      primary key (regulator_id, registration_id, activity_code),
      foreign key (regulator_id, registration_id) references registrations (regulator_id, id)
    )`.execute(db);
  await sql`create index registration_activities_code on registration_activities (activity_code)`.execute(db);

  await sql`
    create table registration_events (
      regulator_id uuid not null,
      id uuid not null,
      registration_id uuid not null,
      from_status text check (from_status in ('applied', 'registered', 'dormant', 'suspended', 'cancelled', 'refused')),
      to_status text not null check (to_status in ('applied', 'registered', 'dormant', 'suspended', 'cancelled', 'refused')),
      reason text not null check (char_length(reason) <= 5000),
      conditions text not null check (char_length(conditions) <= 5000),
      at timestamptz not null,
      actor_id uuid,
      primary key (regulator_id, id),
      foreign key (regulator_id, registration_id) references registrations (regulator_id, id)
    )`.execute(db);
  await sql`create index registration_events_registration on registration_events (regulator_id, registration_id, at)`.execute(
    db,
  );

  const rating = (column: string) =>
    sql.raw(
      `${column} text not null check (${column} in ('outstanding', 'good', 'requires-improvement', 'inadequate'))`,
    );
  await sql`
    create table inspections (
      regulator_id uuid not null,
      id uuid not null,
      registration_id uuid not null,
      inspected_on date not null,
      inspectors text not null check (char_length(inspectors) between 1 and 500),
      evidence_summary text not null check (char_length(evidence_summary) between 1 and 20000),
      ${rating("safe")},
      ${rating("effective")},
      ${rating("caring")},
      ${rating("responsive")},
      ${rating("well_led")},
      breach boolean not null,
      breach_details text not null check (char_length(breach_details) <= 5000),
      ${rating("calculated_overall")},
      ${rating("overall")},
      departure_reason text check (char_length(departure_reason) between 1 and 5000),
      status text not null check (status in ('draft-report', 'published')),
      draft_sent_at timestamptz not null,
      challenge_ends_at timestamptz not null,
      published_at timestamptz,
      created_at timestamptz not null,
      primary key (regulator_id, id),
      unique (id),
      foreign key (regulator_id, registration_id) references registrations (regulator_id, id),
      check ((overall = calculated_overall) = (departure_reason is null)),
      check ((status = 'published') = (published_at is not null)),
      check (published_at is null or published_at >= challenge_ends_at)
    )`.execute(db);
  await sql`create index inspections_registration on inspections (regulator_id, registration_id, inspected_on)`.execute(
    db,
  );
  // A published report is the public record: it cannot be changed or removed.
  await sql`
    create function inspections_published_immutable() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'A published inspection report cannot be changed';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger inspections_published_immutable before update or delete on inspections
    for each row execute function inspections_published_immutable()`.execute(db);

  await sql`
    create table accuracy_challenges (
      regulator_id uuid not null,
      id uuid not null,
      inspection_id uuid not null,
      point text not null check (char_length(point) between 1 and 5000),
      submitted_by uuid,
      submitted_at timestamptz not null,
      outcome text check (outcome in ('accepted', 'rejected')),
      response text check (char_length(response) between 1 and 5000),
      answered_by uuid,
      answered_at timestamptz,
      primary key (regulator_id, id),
      foreign key (regulator_id, inspection_id) references inspections (regulator_id, id),
      check ((outcome is null) = (response is null) and (outcome is null) = (answered_at is null))
    )`.execute(db);
  await sql`create index accuracy_challenges_inspection on accuracy_challenges (regulator_id, inspection_id)`.execute(
    db,
  );

  await sql`
    create table enforcement_actions (
      regulator_id uuid not null,
      id uuid not null,
      registration_id uuid not null,
      kind text not null check (kind in ('requirement-notice', 'warning-notice', 'conditions', 'special-measures', 'proposal-to-cancel', 'cancellation')),
      details text not null check (char_length(details) between 1 and 5000),
      issued_at timestamptz not null,
      representations_until date,
      inspection_id uuid,
      resolved_at timestamptz,
      resolution text check (char_length(resolution) between 1 and 5000),
      primary key (regulator_id, id),
      foreign key (regulator_id, registration_id) references registrations (regulator_id, id),
      check ((kind = 'proposal-to-cancel') = (representations_until is not null)),
      check ((resolved_at is null) = (resolution is null))
    )`.execute(db);
  await sql`create index enforcement_actions_registration on enforcement_actions (regulator_id, registration_id)`.execute(
    db,
  );
  // At most one period of special measures in force per location.
  await sql`
    create unique index enforcement_one_special_measures on enforcement_actions (regulator_id, registration_id)
    where kind = 'special-measures' and resolved_at is null`.execute(db);

  // The registration history is append-only.
  await sql`
    create function registration_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'Registration history cannot be changed';
    end $$`.execute(db);
  await sql`
    create trigger registration_events_append_only before update or delete on registration_events
    for each row execute function registration_events_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists enforcement_actions`.execute(db);
  await sql`drop table if exists accuracy_challenges`.execute(db);
  await sql`drop table if exists inspections`.execute(db);
  await sql`drop function if exists inspections_published_immutable`.execute(db);
  await sql`drop table if exists registration_events`.execute(db);
  await sql`drop function if exists registration_events_append_only`.execute(db);
  await sql`drop table if exists registration_activities`.execute(db);
  await sql`drop table if exists registration_service_types`.execute(db);
  await sql`drop table if exists registrations`.execute(db);
  await sql`drop table if exists regulator_activities`.execute(db);
  await sql`drop table if exists regulator_service_types`.execute(db);
  await sql`drop table if exists regulator_regimes`.execute(db);
  await sql`drop table if exists regulated_activities`.execute(db);
}
