/**
 * Feedback beside the ratings (issue 17, item 8): a person's review of a provider they have paid from
 * their personal budget (`feedback_reviews`: one per person and provider, a new one a new version),
 * every version of its text — the person's, a moderator's edit with its reason, the provider's reply
 * (`feedback_versions`, never changed) — and the published reviews counted per provider, service
 * type and rating (`feedback_figures`, kept in the transaction of each change). Frozen: never import
 * app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table feedback_reviews (
      id uuid primary key,
      organisation_id uuid not null references organisations (id),
      authority_id uuid not null references authorities (id),
      person_id uuid not null,
      area_code text not null references areas (code),
      category_code text not null references service_categories (code),
      service_month text not null check (service_month ~ '^[0-9]{4}-[0-9]{2}$'),
      stars integer not null check (stars between 1 and 5),
      text text not null check (char_length(text) between 1 and 2000),
      state text not null check (state in ('held', 'published', 'rejected')),
      version integer not null,
      held_reason text,
      moderation_reason text,
      reply text check (char_length(reply) between 1 and 2000),
      reply_version integer not null default 0,
      replied_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      published_at timestamptz,
      unique (authority_id, person_id, organisation_id)
    )`.execute(db);
  await sql`create index feedback_reviews_published on feedback_reviews (organisation_id, published_at desc, id)
    where state = 'published'`.execute(db);
  await sql`create index feedback_reviews_held on feedback_reviews (updated_at, id) where state = 'held'`.execute(
    db,
  );
  await sql`
    create table feedback_versions (
      review_id uuid not null references feedback_reviews (id),
      seq integer not null,
      kind text not null check (kind in ('review', 'moderation', 'reply')),
      stars integer,
      text text not null,
      reason text,
      by_user uuid references users (id) on delete set null,
      at timestamptz not null,
      primary key (review_id, seq)
    )`.execute(db);
  await sql`
    create table feedback_figures (
      organisation_id uuid not null references organisations (id),
      category_code text not null,
      stars integer not null check (stars between 1 and 5),
      reviews integer not null check (reviews >= 0),
      primary key (organisation_id, category_code, stars)
    )`.execute(db);
}
