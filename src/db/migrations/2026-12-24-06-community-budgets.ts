/**
 * Community budgets (issue 21, item 4; docs/community-budgets.md): pooled funds of several public
 * bodies for an area and a purpose, held by an accountable authority (the tenant). `community_budget_pools`
 * holds each pool (its area of the areas vocabulary and its purpose); `community_budget_partners` the
 * authorities that put money in, with the share each agreed; `community_budget_journals` every
 * contribution (a partner's, with its reference) and every spend (its kind, payee — a person's name
 * never public — amount, date, description, and the grant of the grants module it paid, when it did);
 * `community_budget_lines` the double-entry ledger: each journal's lines, in pence, summing to zero
 * (the pool's `cash`, and each partner's `share` and `spent`). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table community_budget_pools (
      -- The accountable authority that holds the pool.
      authority_id uuid not null references authorities (id),
      id uuid not null,
      name text not null check (char_length(name) between 1 and 200),
      area_code text not null references areas (code),
      purpose text not null check (char_length(purpose) between 1 and 2000),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      unique (id)
    )`.execute(db);

  await sql`
    create table community_budget_partners (
      authority_id uuid not null,
      pool_id uuid not null,
      partner_authority_id uuid not null references authorities (id),
      -- The order the partners joined in (0, 1, 2…): the order of every table and of a spend's split.
      position integer not null check (position >= 0),
      -- The share the partner agreed to put in, when one was agreed.
      agreed_pence bigint check (agreed_pence > 0),
      added_by uuid references users (id) on delete set null,
      added_at timestamptz not null,
      primary key (authority_id, pool_id, partner_authority_id),
      unique (authority_id, pool_id, position),
      foreign key (authority_id, pool_id) references community_budget_pools (authority_id, id)
    )`.execute(db);
  await sql`create index community_budget_partners_of_partner on community_budget_partners (partner_authority_id)`.execute(
    db,
  );

  await sql`
    create table community_budget_journals (
      authority_id uuid not null,
      id uuid not null,
      pool_id uuid not null,
      kind text not null check (kind in ('contribution', 'spend')),
      -- The London day of the contribution or the spend.
      on_date date not null,
      amount_pence bigint not null check (amount_pence > 0),
      -- A contribution: the partner and its reference (its purchase order, its invoice).
      partner_authority_id uuid,
      reference text check (char_length(reference) between 1 and 100),
      -- A spend: its kind, payee (a person's name is never public), description, and the grant paid.
      spend_kind text check (spend_kind in ('commissioned', 'grant', 'delegated', 'other')),
      payee text check (char_length(payee) between 1 and 200),
      payee_is_person boolean,
      description text check (char_length(description) between 1 and 2000),
      grant_programme_id uuid,
      grant_id uuid,
      recorded_by uuid references users (id) on delete set null,
      recorded_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, pool_id) references community_budget_pools (authority_id, id),
      foreign key (authority_id, pool_id, partner_authority_id)
        references community_budget_partners (authority_id, pool_id, partner_authority_id),
      check ((kind = 'contribution') = (partner_authority_id is not null)),
      check ((kind = 'spend') = (spend_kind is not null)),
      check ((kind = 'spend') = (payee is not null and payee_is_person is not null and description is not null)),
      check ((grant_id is null) = (grant_programme_id is null)),
      check (grant_id is null or spend_kind = 'grant')
    )`.execute(db);
  await sql`create index community_budget_journals_of_pool on community_budget_journals (authority_id, pool_id, on_date, recorded_at)`.execute(
    db,
  );

  await sql`
    create table community_budget_lines (
      authority_id uuid not null,
      journal_id uuid not null,
      line_no smallint not null check (line_no >= 0),
      pool_id uuid not null,
      account text not null check (account in ('cash', 'share', 'spent')),
      partner_authority_id uuid,
      -- Pence: a debit positive, a credit negative.
      amount_pence bigint not null check (amount_pence <> 0),
      primary key (authority_id, journal_id, line_no),
      foreign key (authority_id, journal_id) references community_budget_journals (authority_id, id),
      check ((account = 'cash') = (partner_authority_id is null))
    )`.execute(db);
  await sql`create index community_budget_lines_of_pool on community_budget_lines (authority_id, pool_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists community_budget_lines`.execute(db);
  await sql`drop table if exists community_budget_journals`.execute(db);
  await sql`drop table if exists community_budget_partners`.execute(db);
  await sql`drop table if exists community_budget_pools`.execute(db);
}
