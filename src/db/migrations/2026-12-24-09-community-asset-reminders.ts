/**
 * Assets of community value: a notice of an intended sale's `interim_reminded_on`, the day the
 * nominating group was reminded that the interim moratorium (6 weeks) nears its end with no request
 * to bid made — the daily sweep tells it once per notice (docs/neighbourhoods.md). And the sweep's
 * search: notices with no request to bid and no sale, by the day the notice was received.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table community_asset_disposals add column interim_reminded_on date`.execute(db);
  await sql`
    create index community_asset_notices_open on community_asset_disposals (notice_on)
      where kind = 'notice' and bid_requested_on is null and disposed_on is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists community_asset_notices_open`.execute(db);
  await sql`alter table community_asset_disposals drop column if exists interim_reminded_on`.execute(db);
}
