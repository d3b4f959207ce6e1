/**
 * Issue 17, items 9 and 10. A person appoints a consumer champion to act for them: a link among
 * their representatives (`care_links`) held by the champion — a public body of the kind
 * `consumer-champion` — rather than by one account: the relationship `champion`, the champion's id,
 * no account. Every other link is held by one account and names no champion. One live appointment
 * of a champion per person; the champion's list of the people who appointed it reads an index.
 *
 * Subject access: the audit events about a person (their `personalRef`, `changes.person.ref`) are
 * read by an index on that reference, so that a person's download never reads the whole trail.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table care_links alter column user_id drop not null`.execute(db);
  await sql`alter table care_links add column champion_id uuid references authorities (id)`.execute(db);
  await sql`alter table care_links drop constraint care_links_relationship_check`.execute(db);
  await sql`
    alter table care_links add constraint care_links_relationship_check
      check (relationship in ('self', 'family', 'appointee', 'advocate', 'champion'))`.execute(db);
  await sql`
    alter table care_links add constraint care_links_holder_check check (
      (relationship = 'champion' and champion_id is not null and user_id is null)
      or (relationship <> 'champion' and champion_id is null and user_id is not null))`.execute(db);
  await sql`
    create unique index care_links_one_per_champion on care_links (authority_id, person_id, champion_id)
    where revoked_at is null and champion_id is not null`.execute(db);
  // A champion's person opening the page of someone who appointed it (the person's id only).
  await sql`
    create index care_links_champion_by_person on care_links (person_id, champion_id)
    where revoked_at is null and champion_id is not null`.execute(db);
  await sql`
    create index care_links_by_champion on care_links (champion_id, created_at, id)
    where revoked_at is null and champion_id is not null`.execute(db);

  await sql`
    create index audit_events_about_person on audit_events (authority_id, (changes #>> '{person,ref}'), seq)
    where (changes #>> '{person,ref}') is not null`.execute(db);
}
