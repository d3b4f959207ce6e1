/**
 * Assets of community value (docs/neighbourhoods.md):
 * - whether the owner is an organisation (a company, a trust, a public body outside the directory:
 *   its name is public) or a person (kept to the council); the lawful occupier when not the owner
 *   (told of the decision with the owner, s.91; kept to the council);
 * - a nomination **withdrawn** by its group before the council decides it (`withdrawn_on`, with the
 *   group's reason if it gave one): the status `withdrawn`, never on the public register;
 * - a notice of an intended sale's `interim_reminded_on`: the day the nominating group was reminded
 *   that the interim moratorium (6 weeks) nears its end with no request to bid — the daily sweep
 *   tells it once per notice; and the sweep's search (open notices by the day received).
 * The two checks on `status` made by the first migration (community_assets' unnamed checks that
 * name 'nominated') are replaced by ones that know `withdrawn`. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

/** Drops community_assets' check constraints whose text names the status 'nominated'. */
async function dropNominatedChecks(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$
    declare c text;
    begin
      for c in
        select conname from pg_constraint
        where conrelid = 'community_assets'::regclass and contype = 'c'
          and pg_get_constraintdef(oid) like '%''nominated''%'
      loop
        execute format('alter table community_assets drop constraint %I', c);
      end loop;
    end $$`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table community_assets
      add column owner_is_organisation boolean not null default false,
      add column occupier_name text check (char_length(occupier_name) between 1 and 200),
      add column occupier_contact text check (char_length(occupier_contact) between 1 and 500),
      add column withdrawn_on date,
      add column withdrawal_reasons text check (char_length(withdrawal_reasons) between 1 and 2000)`.execute(
    db,
  );
  await dropNominatedChecks(db);
  await sql`
    alter table community_assets
      add constraint community_assets_status
        check (status in ('nominated', 'listed', 'unsuccessful', 'removed', 'withdrawn')),
      add constraint community_assets_decided
        check ((status in ('nominated', 'withdrawn')) = (decided_on is null)),
      add constraint community_assets_withdrawn
        check ((status = 'withdrawn') = (withdrawn_on is not null))`.execute(db);
  await sql`alter table community_asset_disposals add column interim_reminded_on date`.execute(db);
  await sql`
    create index community_asset_notices_open on community_asset_disposals (notice_on)
      where kind = 'notice' and bid_requested_on is null and disposed_on is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists community_asset_notices_open`.execute(db);
  await sql`alter table community_asset_disposals drop column if exists interim_reminded_on`.execute(db);
  await sql`delete from community_assets where status = 'withdrawn'`.execute(db);
  await sql`
    alter table community_assets
      drop constraint if exists community_assets_withdrawn,
      drop constraint if exists community_assets_decided,
      drop constraint if exists community_assets_status`.execute(db);
  await sql`
    alter table community_assets
      add check (status in ('nominated', 'listed', 'unsuccessful', 'removed')),
      add check ((status = 'nominated') = (decided_on is null))`.execute(db);
  await sql`
    alter table community_assets
      drop column if exists withdrawal_reasons,
      drop column if exists withdrawn_on,
      drop column if exists occupier_contact,
      drop column if exists occupier_name,
      drop column if exists owner_is_organisation`.execute(db);
}
