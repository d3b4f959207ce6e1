/**
 * Consumer champions (issue 17, item 9): independent organisations (a local Healthwatch, an advocacy
 * charity) that advocate for the people who use services. A champion is a public body of the kind
 * `consumer-champion`, asked for and verified by a platform administrator as authorities, regulators
 * and ombudsmen are; its people act in the scope `champion` (the role `consumer-champion`, which
 * until now had platform scope and acted for nobody). It covers one or more areas
 * (`champion_areas`), and publishes its own reports (`champion_reports`): a draft, then published
 * and never changed — a correction is a new version with its note (`champion_report_versions`,
 * frozen by a trigger) — or withdrawn with a reason; a report may carry one document, attached when
 * it is written. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table authorities drop constraint authorities_kind_check`.execute(db);
  await sql`
    alter table authorities add constraint authorities_kind_check check (kind in ('county', 'district', 'unitary',
      'metropolitan', 'london-borough', 'combined', 'nhs-body', 'department', 'devolved', 'police', 'fire', 'parish',
      'regulator', 'ombudsman', 'consumer-champion'))`.execute(db);

  // A consumer champion's people act for their champion, no longer for the whole platform. A grant
  // of the old platform scope acted for nobody (the role gave no power): it is removed, and the
  // champion's administrators give the role again for their champion.
  await sql`delete from role_grants where role = 'consumer-champion' and scope_type = 'platform'`.execute(db);
  await sql`alter table role_grants drop constraint role_grants_scope_type_check`.execute(db);
  await sql`
    alter table role_grants add constraint role_grants_scope_type_check
      check (scope_type in ('platform', 'organisation', 'authority', 'regulator', 'ombudsman', 'champion'))`.execute(
    db,
  );
  await sql`
    alter table role_grants add constraint role_grants_champion_scope
      check ((role = 'consumer-champion') = (scope_type = 'champion'))`.execute(db);
  await sql`alter table invitations drop constraint invitations_scope_type_check`.execute(db);
  await sql`
    alter table invitations add constraint invitations_scope_type_check
      check (scope_type in ('organisation', 'authority', 'regulator', 'ombudsman', 'champion'))`.execute(db);

  await sql`
    create table champion_areas (
      champion_id uuid not null references authorities (id),
      area_code text not null references areas (code),
      added_by uuid references users (id) on delete set null,
      added_at timestamptz not null,
      primary key (champion_id, area_code)
    )`.execute(db);
  await sql`create index champion_areas_by_area on champion_areas (area_code, champion_id)`.execute(db);

  await sql`
    create table champion_reports (
      champion_id uuid not null references authorities (id),
      id uuid not null,
      state text not null check (state in ('draft', 'published', 'withdrawn')),
      title text not null check (char_length(title) between 1 and 200),
      summary text not null check (char_length(summary) between 1 and 1000),
      body text not null check (char_length(body) between 1 and 50000),
      area_code text not null references areas (code),
      -- The service type it is about (a service category); null for services of every type.
      category_code text references service_categories (code),
      -- The version published (0 while a draft); the text above is that version's.
      version integer not null check (version >= 0),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      published_at timestamptz,
      withdrawn_at timestamptz,
      withdrawal_reason text check (withdrawal_reason is null or char_length(withdrawal_reason) between 10 and 2000),
      -- A document attached when it was written (the file store's key, content-addressed), or none.
      document_key text,
      document_filename text check (document_filename is null or char_length(document_filename) between 1 and 255),
      document_media_type text,
      document_size integer check (document_size is null or document_size > 0),
      primary key (champion_id, id),
      check ((state = 'draft') = (published_at is null)),
      check ((state = 'draft') = (version = 0)),
      check ((state = 'withdrawn') = (withdrawn_at is not null)),
      check ((withdrawn_at is null) = (withdrawal_reason is null)),
      check ((document_key is null) = (document_filename is null)
        and (document_key is null) = (document_media_type is null)
        and (document_key is null) = (document_size is null))
    )`.execute(db);
  // The public list, newest first: every report, one champion's, or one area's (by key).
  await sql`create index champion_reports_listed on champion_reports (state, published_at, id)`.execute(db);
  await sql`
    create index champion_reports_by_champion on champion_reports (champion_id, state, published_at, id)`.execute(
    db,
  );
  await sql`create index champion_reports_by_area on champion_reports (area_code, state, published_at, id)`.execute(
    db,
  );

  await sql`
    create table champion_report_versions (
      champion_id uuid not null,
      report_id uuid not null,
      version integer not null check (version >= 1),
      title text not null check (char_length(title) between 1 and 200),
      summary text not null check (char_length(summary) between 1 and 1000),
      body text not null check (char_length(body) between 1 and 50000),
      -- What a correction changed and why; none for the first version.
      note text check (note is null or char_length(note) between 1 and 2000),
      published_by uuid references users (id) on delete set null,
      published_at timestamptz not null,
      primary key (champion_id, report_id, version),
      foreign key (champion_id, report_id) references champion_reports (champion_id, id),
      check ((version = 1) = (note is null))
    )`.execute(db);
  await sql`
    create function champion_report_versions_frozen() returns trigger language plpgsql as $$
    begin
      raise exception 'a published version of a report is never changed: publish a correction';
    end $$`.execute(db);
  await sql`
    create trigger champion_report_versions_frozen before update or delete on champion_report_versions
    for each row execute function champion_report_versions_frozen()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists champion_report_versions`.execute(db);
  await sql`drop function if exists champion_report_versions_frozen()`.execute(db);
  await sql`drop table if exists champion_reports`.execute(db);
  await sql`drop table if exists champion_areas`.execute(db);
  await sql`delete from role_grants where scope_type = 'champion'`.execute(db);
  await sql`delete from invitations where scope_type = 'champion'`.execute(db);
  await sql`alter table role_grants drop constraint role_grants_champion_scope`.execute(db);
  await sql`alter table role_grants drop constraint role_grants_scope_type_check`.execute(db);
  await sql`
    alter table role_grants add constraint role_grants_scope_type_check
      check (scope_type in ('platform', 'organisation', 'authority', 'regulator', 'ombudsman'))`.execute(db);
  await sql`alter table invitations drop constraint invitations_scope_type_check`.execute(db);
  await sql`
    alter table invitations add constraint invitations_scope_type_check
      check (scope_type in ('organisation', 'authority', 'regulator', 'ombudsman'))`.execute(db);
}
