/**
 * The open figures of personal budgets (issue 17, item 10): aggregates kept per authority beside the
 * market's, recomputed by the same job (`market.figures`) when the authority's care plans, reviews
 * or budgets' payments change. No person's data: counts and sums by area, delivery type, provider
 * sector and size, review clock. Small numbers are suppressed when the figures are read, not here
 * (a sum over areas can pass the threshold that each area's count does not).
 *
 * - `market_budgets`: people with a live plan and their budgets' weekly value, by area and delivery.
 * - `market_budget_spend`: what the budgets paid out, by area and the payee's sector and size band
 *   (`direct-spend`: paid by direct payment to others than providers in the directory), with the
 *   number of budgets that paid it.
 * - `market_reviews`: reviews that fell due, by area, the month they were due, the clock, and how
 *   they were met (on time, late, overdue now).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table market_budgets (
      authority_id uuid not null references authorities (id),
      area_code text not null,
      delivery text not null,
      people integer not null check (people >= 1),
      weekly_pence bigint not null check (weekly_pence >= 0),
      primary key (authority_id, area_code, delivery)
    )`.execute(db);
  await sql`
    create table market_budget_spend (
      authority_id uuid not null references authorities (id),
      area_code text not null,
      sector text not null,
      size_band text not null,
      budgets integer not null check (budgets >= 1),
      paid_pence bigint not null check (paid_pence >= 0),
      primary key (authority_id, area_code, sector, size_band)
    )`.execute(db);
  await sql`
    create table market_reviews (
      authority_id uuid not null references authorities (id),
      area_code text not null,
      month date not null check (extract(day from month) = 1),
      clock text not null,
      timeliness text not null check (timeliness in ('on-time', 'late', 'overdue')),
      reviews integer not null check (reviews >= 1),
      primary key (authority_id, area_code, month, clock, timeliness)
    )`.execute(db);
  await sql`create index market_budgets_by_area on market_budgets (area_code, delivery)`.execute(db);
  await sql`create index market_budget_spend_by_area on market_budget_spend (area_code, sector)`.execute(db);
  await sql`create index market_reviews_by_area on market_reviews (area_code, month)`.execute(db);
  await sql`create index market_reviews_by_month on market_reviews (month)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists market_reviews`.execute(db);
  await sql`drop table if exists market_budget_spend`.execute(db);
  await sql`drop table if exists market_budgets`.execute(db);
}
