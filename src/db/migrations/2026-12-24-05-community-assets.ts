/**
 * Assets of community value (issue 21, part 1; Localism Act 2011, Part 5 Chapter 3): the list each
 * council keeps. `community_assets` holds each nomination of a building or land — by an organisation
 * of the directory that may nominate (a parish or town council, a community group), with its reasons
 * and its local connection — and the council's decision: listed (for 5 years) or not (the list of
 * unsuccessful nominations, with the reasons), the owner's review and appeal. The owner's name and
 * contact are the council's to see only. `community_asset_disposals` holds the owner's notices of an
 * intended sale (with a community group's request to be treated as a bidder and the sale's completion)
 * and the exempt disposals with their ground. Every day kept is a London date; every clock is worked
 * out from them (src/modules/community-assets/clocks.ts), never stored. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table community_assets (
      -- The council that keeps the list.
      authority_id uuid not null references authorities (id),
      id uuid not null,
      name text not null check (char_length(name) between 1 and 200),
      address text not null check (char_length(address) between 1 and 500),
      postcode text not null check (char_length(postcode) between 1 and 10),
      -- The ward, parish or town, for the register's search.
      area text not null check (char_length(area) between 1 and 100),
      description text not null check (char_length(description) between 1 and 2000),
      latitude double precision check (latitude between -90 and 90),
      longitude double precision check (longitude between -180 and 180),
      nominator_organisation_id uuid not null references organisations (id),
      nominated_by uuid references users (id) on delete set null,
      reasons text not null check (char_length(reasons) between 1 and 5000),
      local_connection text not null check (char_length(local_connection) between 1 and 2000),
      -- The owner: a person's name and contact are the council's only; an organisation's name is public.
      owner_name text not null check (char_length(owner_name) between 1 and 200),
      owner_contact text check (char_length(owner_contact) between 1 and 500),
      owner_organisation_id uuid references organisations (id),
      received_on date not null,
      status text not null check (status in ('nominated', 'listed', 'unsuccessful', 'removed')),
      decided_on date,
      decision_reasons text check (char_length(decision_reasons) between 1 and 5000),
      -- The day the owner (and occupier) were told of the decision: the review's clock starts then.
      owner_told_on date,
      listed_on date,
      review_requested_on date,
      review_decided_on date,
      review_outcome text check (review_outcome in ('kept', 'removed')),
      review_reasons text check (char_length(review_reasons) between 1 and 5000),
      appeal_lodged_on date,
      appeal_outcome text check (appeal_outcome in ('pending', 'dismissed', 'allowed')),
      -- The day the listing was removed (on review or appeal).
      removed_on date,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      unique (id),
      check ((status = 'nominated') = (decided_on is null)),
      check ((listed_on is not null) = (status in ('listed', 'removed'))),
      check ((status = 'removed') = (removed_on is not null)),
      check (review_decided_on is null or review_requested_on is not null),
      check ((review_decided_on is null) = (review_outcome is null)),
      check (appeal_lodged_on is null or review_outcome = 'kept'),
      check ((appeal_lodged_on is null) = (appeal_outcome is null))
    )`.execute(db);
  await sql`create index community_assets_by_status on community_assets (status, authority_id, name)`.execute(
    db,
  );

  await sql`
    create table community_asset_disposals (
      authority_id uuid not null,
      id uuid not null,
      asset_id uuid not null,
      kind text not null check (kind in ('notice', 'exempt')),
      -- A notice: the day the council received it (the first day of every moratorium period).
      notice_on date,
      -- A community group's request to be treated as a bidder, and the group.
      bid_requested_on date,
      bidder_organisation_id uuid references organisations (id),
      -- An exempt disposal: its ground (a code of src/modules/community-assets/grounds.ts).
      exempt_ground text check (char_length(exempt_ground) between 1 and 40),
      -- The day the land was disposed of: the sale completed, or the exempt disposal.
      disposed_on date,
      sold_to_community_group boolean,
      recorded_by uuid references users (id) on delete set null,
      recorded_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, asset_id) references community_assets (authority_id, id),
      check ((kind = 'notice') = (notice_on is not null)),
      check ((kind = 'exempt') = (exempt_ground is not null)),
      check (kind = 'notice' or disposed_on is not null),
      check ((bid_requested_on is null) = (bidder_organisation_id is null)),
      check (bid_requested_on is null or kind = 'notice')
    )`.execute(db);
  await sql`create index community_asset_disposals_of_asset on community_asset_disposals (authority_id, asset_id, recorded_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists community_asset_disposals`.execute(db);
  await sql`drop table if exists community_assets`.execute(db);
}
