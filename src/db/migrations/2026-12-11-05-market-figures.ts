/**
 * The market's figures (issue 16, item 6): aggregates the public dashboards at /market read, kept
 * per authority and recomputed for one authority at a time by a job when its data changes, so that
 * no page view reads the tenders or contracts themselves. Money in integer pence; a contract is
 * counted by the shares of its supplier's consortium, in basis points (10,000 a whole contract).
 * Months are the first day of a Europe/London month; "" is an unknown area or category.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

/** The columns every monthly figure is broken down by, leading with the tenant. */
const PLACE = sql`
  authority_id uuid not null references authorities (id),
  category_code text not null,
  area_code text not null,
  month date not null check (extract(day from month) = 1)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table market_runs (
      authority_id uuid primary key references authorities (id),
      -- Computations started, counted; the one whose figures are in; when it began reading.
      started bigint not null default 0,
      written bigint not null default 0,
      computed_at timestamptz
    )`.execute(db);
  await sql`
    create table market_contracts (
      ${PLACE},
      sector text not null,
      size_band text not null,
      contracts_bp bigint not null check (contracts_bp >= 0),
      value_pence bigint not null,
      primary key (authority_id, category_code, area_code, month, sector, size_band)
    )`.execute(db);
  await sql`
    create table market_suppliers (
      ${PLACE},
      supplier text not null check (char_length(supplier) between 1 and 300),
      sector text not null,
      contracts_bp bigint not null check (contracts_bp >= 0),
      value_pence bigint not null,
      primary key (authority_id, category_code, area_code, month, supplier)
    )`.execute(db);
  await sql`
    create table market_tenders (
      ${PLACE},
      bids integer not null check (bids >= 0),
      tenders integer not null check (tenders >= 1),
      primary key (authority_id, category_code, area_code, month, bids)
    )`.execute(db);
  await sql`
    create table market_awards (
      ${PLACE},
      days_band text not null,
      awards integer not null check (awards >= 1),
      days bigint not null check (days >= 0),
      primary key (authority_id, category_code, area_code, month, days_band)
    )`.execute(db);
  await sql`
    create table market_few_bids (
      ${PLACE},
      tender_id uuid not null,
      title text not null,
      opened_at timestamptz not null,
      bids integer not null check (bids between 0 and 2),
      award_id uuid,
      justification text,
      primary key (authority_id, tender_id)
    )`.execute(db);
  await sql`
    create table market_challenges (
      ${PLACE},
      outcome text not null,
      challenges integer not null check (challenges >= 1),
      primary key (authority_id, category_code, area_code, month, outcome)
    )`.execute(db);
  await sql`
    create table market_kpi_ratings (
      ${PLACE},
      rating text not null,
      ratings integer not null check (ratings >= 1),
      primary key (authority_id, category_code, area_code, month, rating)
    )`.execute(db);
  // Current ratings have no month: they are the regulator's now.
  await sql`
    create table market_ratings (
      authority_id uuid not null references authorities (id),
      category_code text not null,
      area_code text not null,
      rating text not null,
      locations integer not null check (locations >= 1),
      primary key (authority_id, category_code, area_code, rating)
    )`.execute(db);
  // Across every authority, by period (the national dashboards), and by service market.
  for (const table of [
    "market_contracts",
    "market_suppliers",
    "market_tenders",
    "market_awards",
    "market_challenges",
    "market_kpi_ratings",
  ])
    await sql`create index ${sql.raw(`${table}_by_month`)} on ${sql.table(table)} (month, category_code)`.execute(
      db,
    );
  await sql`create index market_few_bids_by_opening on market_few_bids (opened_at desc, tender_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "market_ratings",
    "market_kpi_ratings",
    "market_challenges",
    "market_few_bids",
    "market_awards",
    "market_tenders",
    "market_suppliers",
    "market_contracts",
    "market_runs",
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
