/**
 * Finding opportunities (issue 5, item 3): each user's saved searches of published tenders, and the
 * alerts sent for them — one per saved search and tender, so a retried alert job never alerts twice.
 * Saved searches belong to a person (not a tenant) and hold their interests: they go with the
 * account when it is deleted. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table saved_searches (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      name text not null check (char_length(name) between 1 and 100),
      keywords text not null default '' check (char_length(keywords) <= 200),
      category_codes text[] not null default '{}' check (cardinality(category_codes) <= 50),
      area_codes text[] not null default '{}' check (cardinality(area_codes) <= 50),
      min_value_pence bigint check (min_value_pence >= 0),
      max_value_pence bigint check (max_value_pence >= 0),
      deadline_from date,
      deadline_to date,
      reserved_only boolean not null default false,
      include_closed boolean not null default false,
      alerts boolean not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (min_value_pence is null or max_value_pence is null or min_value_pence <= max_value_pence),
      check (deadline_from is null or deadline_to is null or deadline_from <= deadline_to)
    )`.execute(db);
  await sql`create index saved_searches_user on saved_searches (user_id, created_at)`.execute(db);
  await sql`create unique index saved_searches_user_name on saved_searches (user_id, lower(name))`.execute(
    db,
  );
  await sql`create index saved_searches_alerting on saved_searches (id) where alerts`.execute(db);

  await sql`
    create table opportunity_alerts (
      saved_search_id uuid not null references saved_searches (id) on delete cascade,
      authority_id uuid not null,
      tender_id uuid not null,
      notification_id uuid references notifications (id) on delete set null,
      alerted_at timestamptz not null,
      primary key (saved_search_id, authority_id, tender_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);
  await sql`create index opportunity_alerts_tender on opportunity_alerts (authority_id, tender_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists opportunity_alerts`.execute(db);
  await sql`drop table if exists saved_searches`.execute(db);
}
