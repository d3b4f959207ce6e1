/**
 * Assets of community value: whether the owner is an organisation (a company, a trust, a public
 * body outside the directory: its name is public) or a person (kept to the council); the lawful
 * occupier when not the owner (told of the listing, s.91; kept to the council). And a notice of an intended sale's `interim_reminded_on`, the day the
 * nominating group was reminded that the interim moratorium (6 weeks) nears its end with no request
 * to bid made — the daily sweep tells it once per notice (docs/neighbourhoods.md). And the sweep's
 * search: notices with no request to bid and no sale, by the day the notice was received.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table community_assets add column owner_is_organisation boolean not null default false`.execute(
    db,
  );
  await sql`
    alter table community_assets
      add column occupier_name text check (char_length(occupier_name) between 1 and 200),
      add column occupier_contact text check (char_length(occupier_contact) between 1 and 500)`.execute(db);
  await sql`alter table community_asset_disposals add column interim_reminded_on date`.execute(db);
  await sql`
    create index community_asset_notices_open on community_asset_disposals (notice_on)
      where kind = 'notice' and bid_requested_on is null and disposed_on is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists community_asset_notices_open`.execute(db);
  await sql`alter table community_asset_disposals drop column if exists interim_reminded_on`.execute(db);
  await sql`
    alter table community_assets
      drop column if exists occupier_contact,
      drop column if exists occupier_name,
      drop column if exists owner_is_organisation`.execute(db);
}
