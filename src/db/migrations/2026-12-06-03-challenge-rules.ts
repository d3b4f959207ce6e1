/**
 * The Community Right to Challenge's rules at their edges (issue 14, item 8):
 * - which country of the UK an authority is in (`authorities.country`): the Right to Challenge
 *   applies only to relevant authorities in England, and the nation (whose bank holidays count) is
 *   "england-and-wales" for both. Filled in from the nation (Scotland, Northern Ireland) and, for
 *   England and Wales, from the authority's area (an E… or W… GSS code); null when neither tells;
 * - how an employees' EOI will engage the other employees affected (SI 2012/1313, Schedule 1);
 * - each authority's staff email domains (set by its administrators), and each co-signatory of an
 *   employees' EOI as a row, with the work email address they confirm from and when they confirmed.
 *   Co-signatories named before (free text in `challenges.co_signatories`) are moved across with no
 *   email address, never confirmed.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table authorities
      add column country text check (country in ('england', 'wales', 'scotland', 'northern-ireland')),
      add constraint authorities_country_in_nation check (
        country is null
        or (nation = 'england-and-wales' and country in ('england', 'wales'))
        or (nation = 'scotland' and country = 'scotland')
        or (nation = 'northern-ireland' and country = 'northern-ireland'))`.execute(db);
  await sql`
    update authorities set country = case
      when nation = 'scotland' then 'scotland'
      when nation = 'northern-ireland' then 'northern-ireland'
      else (select case a.nation when 'england' then 'england' when 'wales' then 'wales' end
            from areas a where a.code = authorities.area_code)
    end`.execute(db);

  await sql`
    alter table challenges
      add column employee_engagement text not null default ''
        check (char_length(employee_engagement) <= 10000)`.execute(db);

  // An authority's staff email domains: an address on one of them, verified by its owner, is the
  // authority's. Lower case, without the "@".
  await sql`
    create table challenge_staff_domains (
      authority_id uuid not null references authorities (id),
      domain text not null check (
        char_length(domain) between 3 and 253
        and domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
      added_at timestamptz not null,
      primary key (authority_id, domain)
    )`.execute(db);

  // The co-signatories of an employees' EOI, in the order named. Personal data: never published,
  // logged or audited. `email` is their work address (null only for those named before it was
  // asked for); `user_id` and `confirmed_at` record who confirmed, from an account whose verified
  // address it is.
  await sql`
    create table challenge_co_signatories (
      authority_id uuid not null,
      challenge_id uuid not null,
      position integer not null check (position >= 0),
      name text not null check (char_length(name) between 1 and 200),
      job_title text not null check (char_length(job_title) between 1 and 200),
      email text check (char_length(email) between 3 and 254),
      user_id uuid references users (id) on delete set null,
      confirmed_at timestamptz,
      primary key (authority_id, challenge_id, position),
      foreign key (authority_id, challenge_id) references challenges (authority_id, id) on delete cascade,
      check (user_id is null or (confirmed_at is not null and email is not null))
    )`.execute(db);
  await sql`
    create unique index challenge_co_signatories_email
    on challenge_co_signatories (authority_id, challenge_id, lower(email)) where email is not null`.execute(
    db,
  );
  await sql`
    create index challenge_co_signatories_by_email
    on challenge_co_signatories (lower(email)) where email is not null`.execute(db);
  await sql`
    insert into challenge_co_signatories (authority_id, challenge_id, position, name, job_title)
    select c.authority_id, c.id, (e.ord - 1)::integer,
      left(coalesce(nullif(btrim(e.value ->> 'name'), ''), 'Not named'), 200),
      left(coalesce(nullif(btrim(e.value ->> 'jobTitle'), ''), 'Not given'), 200)
    from challenges c cross join lateral jsonb_array_elements(c.co_signatories) with ordinality as e(value, ord)`.execute(
    db,
  );
  await sql`alter table challenges drop column co_signatories`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table challenges add column co_signatories jsonb not null default '[]'::jsonb`.execute(db);
  await sql`
    update challenges c set co_signatories = coalesce((
      select jsonb_agg(jsonb_build_object('name', s.name, 'jobTitle', s.job_title) order by s.position)
      from challenge_co_signatories s where s.authority_id = c.authority_id and s.challenge_id = c.id), '[]'::jsonb)`.execute(
    db,
  );
  await sql`drop table if exists challenge_co_signatories`.execute(db);
  await sql`drop table if exists challenge_staff_domains`.execute(db);
  await sql`alter table challenges drop column if exists employee_engagement`.execute(db);
  await sql`
    alter table authorities
      drop constraint if exists authorities_country_in_nation,
      drop column if exists country`.execute(db);
}
