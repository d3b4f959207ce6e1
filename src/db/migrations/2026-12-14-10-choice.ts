/**
 * Open approved-provider lists (issue 17, item 3): for a service type and one or more areas, an
 * authority publishes the conditions and a tariff; any registered provider meeting the conditions
 * joins ("any qualified provider") and leaves when its registration no longer meets them. Members
 * publish their capacity and their price where it differs from the tariff (item 7). Tenant tables
 * keyed by (authority_id, …). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table choice_lists (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      title text not null check (char_length(title) between 1 and 200),
      category_code text not null references service_categories (code),
      -- The published tariff, in whole pence, per unit.
      tariff_pence bigint not null check (tariff_pence > 0),
      tariff_unit text not null check (tariff_unit in ('hour', 'night', 'week')),
      -- The conditions as the authority words them (public); those the platform checks are below.
      conditions text not null default '' check (char_length(conditions) <= 5000),
      -- A member must have a qualifying location not rated Inadequate overall.
      exclude_inadequate boolean not null default false,
      -- Reserved to public service mutuals (Procurement Act 2023, s.33): reservable categories only.
      reserved boolean not null default false,
      status text not null check (status in ('draft', 'open', 'closed')),
      -- Kept with each join and leave, so that no page counts a list's members.
      member_count integer not null default 0 check (member_count >= 0),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      published_at timestamptz,
      closed_at timestamptz,
      closed_reason text not null default '' check (char_length(closed_reason) <= 2000),
      primary key (authority_id, id),
      check ((status = 'draft') = (published_at is null)),
      check ((status = 'closed') = (closed_at is not null))
    )`.execute(db);
  // The public index of lists, newest first, by service type or not; an authority's lists.
  await sql`
    create index choice_lists_public on choice_lists (created_at desc, id desc)
    where status <> 'draft'`.execute(db);
  await sql`
    create index choice_lists_public_by_category on choice_lists (category_code, created_at desc, id desc)
    where status <> 'draft'`.execute(db);
  await sql`
    create index choice_lists_by_authority on choice_lists (authority_id, created_at desc, id desc)`.execute(
    db,
  );

  await sql`
    create table choice_list_areas (
      authority_id uuid not null,
      list_id uuid not null,
      area_code text not null references areas (code),
      primary key (authority_id, list_id, area_code),
      foreign key (authority_id, list_id) references choice_lists (authority_id, id)
    )`.execute(db);
  // The lists covering an area (the index's area filter, a provider's profile).
  await sql`create index choice_list_areas_by_area on choice_list_areas (area_code, authority_id, list_id)`.execute(
    db,
  );

  await sql`
    create table choice_members (
      authority_id uuid not null,
      list_id uuid not null,
      organisation_id uuid not null references organisations (id),
      status text not null check (status in ('member', 'left')),
      joined_at timestamptz not null,
      left_at timestamptz,
      left_reason text not null default '' check (char_length(left_reason) <= 2000),
      -- The offer: capacity it can take now (places, or hours a week), when it said so, and its price
      -- where it differs from the tariff (per the list's unit).
      capacity integer check (capacity is null or capacity between 0 and 1000000),
      capacity_unit text check (capacity_unit is null or capacity_unit in ('places', 'hours-a-week')),
      capacity_stated_on date,
      price_pence bigint check (price_pence is null or price_pence > 0),
      offer_updated_at timestamptz,
      primary key (authority_id, list_id, organisation_id),
      foreign key (authority_id, list_id) references choice_lists (authority_id, id),
      check ((status = 'left') = (left_at is not null)),
      check ((capacity is null) = (capacity_unit is null) and (capacity is null) = (capacity_stated_on is null))
    )`.execute(db);
  // An organisation's lists: its page, and the registration port's leaving.
  await sql`create index choice_members_by_organisation on choice_members (organisation_id, status)`.execute(
    db,
  );
}
