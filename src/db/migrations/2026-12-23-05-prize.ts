/**
 * The annual prize for public service innovation (issue 20, item 8; docs/prize.md). Tenant-scoped
 * by the organiser, a public body (every table keyed by its `authority_id`):
 * - `prize_rounds`: a year's round, its dates (nominations open and close, the shortlist and the
 *   winners announced, London dates), how many a category's shortlist holds, and when the
 *   shortlist and the winners were published;
 * - `prize_categories`: the round's categories, as data;
 * - `prize_nominations`: one row per nominee and category (duplicates merged: `nominee_key`), an
 *   organisation of the directory or a named team of an organisation or a public body; its rank on
 *   the shortlist, and whether it won, with the citation;
 * - `prize_nominators`: each nomination as sent (the reasons, evidence links, and who sent it —
 *   personal data, never published: only "a member of the public" or the organisation's name);
 * - `prize_judges`, `prize_declarations`, `prize_conflicts`: the panel, each judge's declaration
 *   (made before any scoring) and the nominees they declared a conflict with;
 * - `prize_scores`: a judge's score of a nominee, 0 to 10, with a comment.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table prize_rounds (
      authority_id uuid not null references authorities (id),
      id uuid not null unique,
      year integer not null check (year between 2000 and 2200),
      title text not null check (length(title) between 1 and 200),
      nominations_open_on date not null,
      nominations_close_on date not null,
      shortlist_on date not null,
      winners_on date not null,
      shortlist_size integer not null check (shortlist_size between 1 and 20),
      shortlist_published_at timestamptz,
      winners_published_at timestamptz,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, year, title),
      check (nominations_open_on <= nominations_close_on),
      check (nominations_close_on < shortlist_on),
      check (shortlist_on <= winners_on)
    )`.execute(db);

  await sql`
    create table prize_categories (
      authority_id uuid not null,
      round_id uuid not null,
      id uuid not null unique,
      position integer not null,
      title text not null check (length(title) between 1 and 200),
      primary key (authority_id, round_id, id),
      unique (round_id, title),
      foreign key (authority_id, round_id) references prize_rounds (authority_id, id)
    )`.execute(db);

  await sql`
    create table prize_nominations (
      authority_id uuid not null,
      round_id uuid not null,
      id uuid not null unique,
      category_id uuid not null references prize_categories (id),
      nominee_key text not null,
      organisation_id uuid references organisations (id),
      team_name text,
      team_organisation_id uuid references organisations (id),
      team_authority_id uuid references authorities (id),
      shortlist_rank integer,
      won boolean not null default false,
      citation text not null default '',
      created_at timestamptz not null,
      primary key (authority_id, round_id, id),
      unique (category_id, nominee_key),
      foreign key (authority_id, round_id) references prize_rounds (authority_id, id),
      check ((organisation_id is null) = (team_name is not null)),
      check (team_name is null or ((team_organisation_id is null) <> (team_authority_id is null))),
      check (not won or citation <> '')
    )`.execute(db);
  await sql`create index prize_nominations_organisation on prize_nominations (organisation_id)`.execute(db);
  await sql`create index prize_nominations_team_organisation on prize_nominations (team_organisation_id)`.execute(
    db,
  );

  await sql`
    create table prize_nominators (
      authority_id uuid not null,
      nomination_id uuid not null references prize_nominations (id),
      id uuid not null unique,
      user_id uuid references users (id) on delete set null,
      name text not null default '',
      email text not null default '',
      on_behalf_of uuid references organisations (id),
      reasons text not null check (length(reasons) between 1 and 3000),
      evidence text not null default '',
      sent_at timestamptz not null,
      primary key (authority_id, nomination_id, id)
    )`.execute(db);

  await sql`
    create table prize_judges (
      authority_id uuid not null,
      round_id uuid not null,
      user_id uuid not null references users (id),
      appointed_by uuid references users (id) on delete set null,
      appointed_at timestamptz not null,
      primary key (authority_id, round_id, user_id),
      foreign key (authority_id, round_id) references prize_rounds (authority_id, id)
    )`.execute(db);

  await sql`
    create table prize_declarations (
      authority_id uuid not null,
      round_id uuid not null,
      user_id uuid not null,
      declared_at timestamptz not null,
      primary key (authority_id, round_id, user_id),
      foreign key (authority_id, round_id, user_id) references prize_judges (authority_id, round_id, user_id)
    )`.execute(db);

  await sql`
    create table prize_conflicts (
      authority_id uuid not null,
      round_id uuid not null,
      user_id uuid not null,
      nomination_id uuid not null references prize_nominations (id),
      description text not null check (length(description) between 1 and 5000),
      declared_at timestamptz not null,
      primary key (authority_id, round_id, user_id, nomination_id),
      foreign key (authority_id, round_id, user_id) references prize_judges (authority_id, round_id, user_id)
    )`.execute(db);

  await sql`
    create table prize_scores (
      authority_id uuid not null,
      round_id uuid not null,
      nomination_id uuid not null references prize_nominations (id),
      user_id uuid not null,
      score integer not null check (score between 0 and 10),
      comment text not null default '',
      scored_at timestamptz not null,
      primary key (authority_id, round_id, nomination_id, user_id),
      foreign key (authority_id, round_id, user_id) references prize_judges (authority_id, round_id, user_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "prize_scores",
    "prize_conflicts",
    "prize_declarations",
    "prize_judges",
    "prize_nominators",
    "prize_nominations",
    "prize_categories",
    "prize_rounds",
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
