/**
 * National scale (issue 15): indexes that let every public list read a page by key.
 *
 * - `prefix_tsquery(text)`: the start-of-a-word search every search uses (`src/db/text-search.ts`).
 * - The directory in name order ("C" collation: the same order on PGlite and on any server), by
 *   key; the old `text_pattern_ops` index served only the `like` search this replaces.
 * - Find a service by rating, then name, by key: each registration holds a reference to its current
 *   inspection (the latest published) and that rating's rank, kept by a trigger on inspections in
 *   the same transaction as the publication or correction that changes them — rather than eight
 *   subqueries a row to find them. Postcode districts by an expression index.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every word typed as the start of a word ("reabl" → 'reabl':*, all of them required), for the
  // searches and the saved searches' matching alike: letters and digits only, so nothing typed is
  // read as the query language; null when the text uses the web search's syntax (quotes, a minus,
  // "or"), which then means what it says.
  await sql`
    create function prefix_tsquery(words text) returns tsquery
    language sql immutable parallel safe as $$
      select case
        when words ~* '["“”]|(^|[[:space:]])-|(^|[[:space:]])or([[:space:]]|$)' then null
        else to_tsquery('english', coalesce(array_to_string(array(
          select w || ':*'
            from regexp_split_to_table(lower(left(words, 200)), '[^[:alnum:]]+') w
           where w <> ''
           limit 16), ' & '), ''))
      end
    $$`.execute(db);
  await sql`drop index if exists organisations_name`.execute(db);
  await sql`create index organisations_directory_order on organisations ((lower(name) collate "C"), id)`.execute(
    db,
  );

  // 0 Outstanding … 3 Inadequate, 4 not rated yet: the order Find a service shows them in.
  await sql`
    alter table registrations
      add column current_inspection_id uuid,
      add column current_rating_rank smallint not null default 4 check (current_rating_rank between 0 and 4)`.execute(
    db,
  );
  const current = (regulator: string, registration: string) => sql`
    select c.id, c.rank from (
      (select i.id,
              case i.overall when 'outstanding' then 0 when 'good' then 1
                when 'requires-improvement' then 2 when 'inadequate' then 3 end as rank
         from inspections i
        where i.regulator_id = ${sql.raw(regulator)} and i.registration_id = ${sql.raw(registration)}
          and i.status = 'published'
        order by i.published_at desc, i.id desc
        limit 1)
      union all select null, 4
    ) c limit 1`;
  await sql`
    create function registrations_current_inspection() returns trigger language plpgsql as $$
    begin
      update registrations r
         set (current_inspection_id, current_rating_rank) = (${current("new.regulator_id", "new.registration_id")})
       where r.regulator_id = new.regulator_id and r.id = new.registration_id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger registrations_current_inspection after insert or update on inspections
    for each row execute function registrations_current_inspection()`.execute(db);
  await sql`
    update registrations r
       set (current_inspection_id, current_rating_rank) = (${current("r.regulator_id", "r.id")})`.execute(db);
  await sql`
    create index registrations_find_order
      on registrations (status, current_rating_rank, (lower(name) collate "C"), id)`.execute(db);
  await sql`create index registrations_postcode_district on registrations ((upper(split_part(postcode, ' ', 1))))`.execute(
    db,
  );
  await sql`create index registration_service_types_category on registration_service_types (category_code)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists prefix_tsquery(text)`.execute(db);
  await sql`drop index if exists registration_service_types_category`.execute(db);
  await sql`drop index if exists registrations_postcode_district`.execute(db);
  await sql`drop index if exists registrations_find_order`.execute(db);
  await sql`drop trigger if exists registrations_current_inspection on inspections`.execute(db);
  await sql`drop function if exists registrations_current_inspection()`.execute(db);
  await sql`alter table registrations drop column current_inspection_id, drop column current_rating_rank`.execute(
    db,
  );
  await sql`drop index if exists organisations_directory_order`.execute(db);
  await sql`create index organisations_name on organisations (lower(name) text_pattern_ops)`.execute(db);
}
