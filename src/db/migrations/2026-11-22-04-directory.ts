/**
 * The directory of organisations: addresses, identifiers in org-id schemes, relationships between
 * organisations, the evidence behind a public service mutual (Procurement Act 2023, s.33), the areas
 * served and the services offered, and full-text search. The vocabularies it uses — areas by ONS GSS
 * code and service categories with their CPV codes — are national reference tables; authorities
 * gain their area. Frozen in time: never import application code into a migration.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Local government and statistical areas by their ONS GSS code (E06000001, W06000008, S12000047…).
  await sql`
    create table areas (
      code text primary key check (code ~ '^[EWSNK][0-9]{8}$'),
      name text not null check (char_length(name) between 1 and 200),
      type text not null check (type in ('country', 'region', 'county', 'metropolitan-county', 'district',
        'metropolitan-district', 'london-borough', 'unitary', 'combined-authority')),
      nation text not null check (nation in ('england', 'wales', 'scotland', 'northern-ireland', 'united-kingdom')),
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  // Kinds of public service, each with its Common Procurement Vocabulary code. `light_touch`: a light
  // touch service (Procurement Regulations 2024, Sch. 1); `reservable`: one that may be reserved to
  // public service mutuals (Procurement Act 2023, s.33).
  await sql`
    create table service_categories (
      code text primary key check (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
      name text not null,
      cpv_code text not null check (cpv_code ~ '^[0-9]{8}-[0-9]$'),
      cpv_description text not null,
      light_touch boolean not null,
      reservable boolean not null,
      position integer not null,
      check (light_touch or not reservable)
    )`.execute(db);

  await sql`alter table authorities add column area_code text references areas (code)`.execute(db);

  // The organisation's own address is public (it is an organisation's, not a person's).
  await sql`alter table organisations add column address_line1 text`.execute(db);
  await sql`alter table organisations add column address_line2 text`.execute(db);
  await sql`alter table organisations add column town text`.execute(db);
  await sql`alter table organisations add column registered_by uuid references users (id) on delete set null`.execute(
    db,
  );
  await sql`
    alter table organisations add constraint organisations_lengths check (
      char_length(name) between 1 and 200 and char_length(description) <= 5000
      and coalesce(char_length(address_line1), 0) <= 200 and coalesce(char_length(address_line2), 0) <= 200
      and coalesce(char_length(town), 0) <= 100 and coalesce(char_length(website), 0) <= 500)`.execute(db);
  // Full-text search over name (weight A), town (B) and description (C). A stored generated column:
  // to_tsvector with a fixed configuration is immutable, which PostgreSQL 15 and PGlite both accept.
  await sql`
    alter table organisations add column search tsvector generated always as (
      setweight(to_tsvector('english', name), 'A')
      || setweight(to_tsvector('english', coalesce(town, '')), 'B')
      || setweight(to_tsvector('english', description), 'C')
    ) stored`.execute(db);
  await sql`create index organisations_search on organisations using gin (search)`.execute(db);
  await sql`create index organisations_name on organisations (lower(name) text_pattern_ops)`.execute(db);

  // Identifiers in org-id schemes (GB-COH, GB-CHC, …): one is the primary, shown as GB-COH-01234567.
  await sql`
    create table organisation_identifiers (
      organisation_id uuid not null references organisations (id) on delete cascade,
      scheme text not null check (scheme ~ '^[A-Z]{2}-[A-Z0-9]+$'),
      identifier text not null check (char_length(identifier) between 1 and 40),
      is_primary boolean not null default false,
      created_at timestamptz not null,
      primary key (organisation_id, scheme, identifier),
      unique (scheme, identifier)
    )`.execute(db);
  await sql`
    create unique index organisation_identifiers_one_primary on organisation_identifiers (organisation_id)
    where is_primary`.execute(db);
  await sql`
    insert into organisation_identifiers (organisation_id, scheme, identifier, is_primary, created_at)
    select id, substring(primary_identifier from '^([A-Z]{2}-[A-Z0-9]+)-'),
           substring(primary_identifier from '^[A-Z]{2}-[A-Z0-9]+-(.+)$'), true, created_at
    from organisations where primary_identifier ~ '^[A-Z]{2}-[A-Z0-9]+-.+$'`.execute(db);

  // "from" is the subsidiary, the spin-out, the group member or a joint-venture partner of "to".
  await sql`
    create table organisation_relationships (
      id uuid primary key,
      from_organisation_id uuid not null references organisations (id) on delete cascade,
      to_organisation_id uuid not null references organisations (id) on delete cascade,
      kind text not null check (kind in ('parent-body', 'subsidiary', 'group-member', 'joint-venture')),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      unique (from_organisation_id, to_organisation_id, kind),
      check (from_organisation_id <> to_organisation_id)
    )`.execute(db);
  await sql`create index organisation_relationships_to on organisation_relationships (to_organisation_id)`.execute(
    db,
  );

  // The evidence behind "public service mutual". `qualifies` is computed by the database from the
  // evidence, never typed: (a) a public-service purpose, mainly light touch services (more than half
  // of turnover); (b) not-for-profit, or profits only to members; (c) under employee management and
  // control: employees own at least half, or hold a majority of the board seats.
  await sql`
    create table mutual_evidence (
      organisation_id uuid primary key references organisations (id) on delete cascade,
      public_service_purpose text not null check (char_length(public_service_purpose) <= 2000),
      light_touch_share_bp integer not null check (light_touch_share_bp between 0 and 10000),
      profit_model text not null check (profit_model in ('not-for-profit', 'members-only', 'other')),
      employee_ownership_bp integer not null check (employee_ownership_bp between 0 and 10000),
      employee_board_seats integer not null check (employee_board_seats >= 0),
      board_seats integer not null check (board_seats between 1 and 1000),
      parent_organisation_id uuid references organisations (id) on delete set null,
      parent_authority_id uuid references authorities (id) on delete set null,
      parent_body_name text check (char_length(parent_body_name) <= 200),
      spin_out_date date,
      recorded_by uuid references users (id) on delete set null,
      recorded_at timestamptz not null,
      qualifies boolean generated always as (
        char_length(btrim(public_service_purpose)) > 0
        and light_touch_share_bp > 5000
        and profit_model in ('not-for-profit', 'members-only')
        and (employee_ownership_bp >= 5000 or employee_board_seats * 2 > board_seats)
      ) stored,
      check (employee_board_seats <= board_seats),
      check (num_nonnulls(parent_organisation_id, parent_authority_id) <= 1)
    )`.execute(db);

  await sql`
    create table organisation_areas (
      organisation_id uuid not null references organisations (id) on delete cascade,
      area_code text not null references areas (code),
      primary key (organisation_id, area_code)
    )`.execute(db);
  await sql`create index organisation_areas_area on organisation_areas (area_code)`.execute(db);
  await sql`
    create table organisation_categories (
      organisation_id uuid not null references organisations (id) on delete cascade,
      category_code text not null references service_categories (code),
      primary key (organisation_id, category_code)
    )`.execute(db);
  await sql`create index organisation_categories_category on organisation_categories (category_code)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "organisation_categories",
    "organisation_areas",
    "mutual_evidence",
    "organisation_relationships",
    "organisation_identifiers",
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
  await sql`drop index if exists organisations_name`.execute(db);
  await sql`drop index if exists organisations_search`.execute(db);
  await sql`alter table organisations drop column if exists search`.execute(db);
  await sql`alter table organisations drop constraint if exists organisations_lengths`.execute(db);
  for (const column of ["registered_by", "town", "address_line2", "address_line1"]) {
    await sql`alter table organisations drop column if exists ${sql.ref(column)}`.execute(db);
  }
  await sql`alter table authorities drop column if exists area_code`.execute(db);
  await sql`drop table if exists service_categories`.execute(db);
  await sql`drop table if exists areas`.execute(db);
}
