/**
 * Individual services (issue 17, items 1, 2 and 4), on top of `2026-12-14-01-care`:
 *
 * - a person's name searchable (a stored `tsvector` with a GIN index) and their list paged by name;
 * - each plan's next review as the clocks give it (`next_review_on`, `next_review_clock`), kept by
 *   the care service in the transaction of every change that moves it, so that care staff's work
 *   reads an index, not every plan;
 * - concerns raised and reviews done, per plan;
 * - the person's and their representatives' accounts: links (a user, a person, the relationship,
 *   the grants the person has given) and the invitations that make them (the token's SHA-256 only;
 *   the invited address is personal data, never in audit events or open data).
 *
 * Tenant tables keyed by (authority_id, …). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table care_people add column search tsvector generated always as (
      to_tsvector('english', full_name)) stored`.execute(db);
  await sql`create index care_people_search on care_people using gin (search)`.execute(db);
  await sql`create index care_people_by_name on care_people (authority_id, full_name, id)`.execute(db);

  await sql`alter table care_plans add column next_review_on date`.execute(db);
  await sql`alter table care_plans add column next_review_clock text
    check (next_review_clock is null or char_length(next_review_clock) between 1 and 80)`.execute(db);
  await sql`
    create index care_plans_reviews_due on care_plans (authority_id, next_review_on, id)
    where status = 'active'`.execute(db);

  await sql`
    create table care_concerns (
      authority_id uuid not null,
      id uuid not null,
      plan_id uuid not null,
      raised_on date not null,
      description text not null check (char_length(description) between 1 and 2000),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, plan_id) references care_plans (authority_id, id)
    )`.execute(db);
  await sql`create index care_concerns_by_plan on care_concerns (authority_id, plan_id, raised_on)`.execute(
    db,
  );

  await sql`
    create table care_reviews (
      authority_id uuid not null,
      id uuid not null,
      plan_id uuid not null,
      reviewed_on date not null,
      outcome text not null check (outcome in ('no-change', 'budget-changed', 'plan-changed', 'plan-ended')),
      notes text not null default '' check (char_length(notes) <= 2000),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, plan_id) references care_plans (authority_id, id)
    )`.execute(db);
  await sql`create index care_reviews_by_plan on care_reviews (authority_id, plan_id, reviewed_on)`.execute(
    db,
  );

  await sql`
    create table care_links (
      authority_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      user_id uuid not null references users (id),
      relationship text not null check (relationship in ('self', 'family', 'appointee', 'advocate')),
      grants text[] not null check (grants <@ array['see-plan', 'arrange-services', 'make-payments',
        'give-feedback', 'complain']::text[]),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      revoked_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, person_id) references care_people (authority_id, id)
    )`.execute(db);
  await sql`create index care_links_by_person on care_links (authority_id, person_id) where revoked_at is null`.execute(
    db,
  );
  await sql`create index care_links_by_user on care_links (user_id) where revoked_at is null`.execute(db);
  await sql`
    create unique index care_links_one_per_user on care_links (authority_id, person_id, user_id)
    where revoked_at is null`.execute(db);

  await sql`
    create table care_invitations (
      authority_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      email text not null check (char_length(email) between 3 and 320),
      relationship text not null check (relationship in ('self', 'family', 'appointee', 'advocate')),
      grants text[] not null check (grants <@ array['see-plan', 'arrange-services', 'make-payments',
        'give-feedback', 'complain']::text[]),
      token_hash text not null unique,
      invited_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_by uuid references users (id) on delete set null,
      revoked_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, person_id) references care_people (authority_id, id)
    )`.execute(db);
  await sql`create index care_invitations_by_person on care_invitations (authority_id, person_id)`.execute(
    db,
  );
}
