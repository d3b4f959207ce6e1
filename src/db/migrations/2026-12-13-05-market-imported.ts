/**
 * The market's figures of imported processes (issue 16, item 4): the same aggregates as the
 * authorities' (`2026-12-11-05-market-figures`), computed from other publishers' OCDS data as
 * `openps import ocds` keeps it, per publisher, recomputed by a job when a publisher's data is
 * imported. Their own tables, not rows of the authorities': an imported process belongs to no
 * authority in OpenPS, and every tenant-scoped table carries the authority id in its key — these,
 * like `ocds_external_releases`, are not tenant-scoped and carry the publisher's id instead. The
 * dashboards read one table, the other or both (a `union all` of the two, each with its filters).
 * Areas are not known ("") for imported processes.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

/** The columns every monthly figure is broken down by, leading with the publisher. */
const PLACE = sql`
  publisher_id uuid not null references ocds_publishers (id),
  category_code text not null,
  area_code text not null,
  month date not null check (extract(day from month) = 1)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table market_imported_runs (
      publisher_id uuid primary key references ocds_publishers (id),
      started bigint not null default 0,
      written bigint not null default 0,
      computed_at timestamptz,
      -- The processes read, and the contracts left out for a value in another currency than pounds.
      processes integer not null default 0 check (processes >= 0),
      other_currency integer not null default 0 check (other_currency >= 0),
      currencies text[] not null default '{}'
    )`.execute(db);
  await sql`
    create table market_imported_contracts (
      ${PLACE},
      sector text not null,
      size_band text not null,
      contracts_bp bigint not null check (contracts_bp >= 0),
      value_pence bigint not null,
      primary key (publisher_id, category_code, area_code, month, sector, size_band)
    )`.execute(db);
  await sql`
    create table market_imported_suppliers (
      ${PLACE},
      supplier text not null check (char_length(supplier) between 1 and 300),
      sector text not null,
      contracts_bp bigint not null check (contracts_bp >= 0),
      value_pence bigint not null,
      primary key (publisher_id, category_code, area_code, month, supplier)
    )`.execute(db);
  await sql`
    create table market_imported_tenders (
      ${PLACE},
      bids integer not null check (bids >= 0),
      tenders integer not null check (tenders >= 1),
      primary key (publisher_id, category_code, area_code, month, bids)
    )`.execute(db);
  await sql`
    create table market_imported_awards (
      ${PLACE},
      days_band text not null,
      awards integer not null check (awards >= 1),
      days bigint not null check (days >= 0),
      primary key (publisher_id, category_code, area_code, month, days_band)
    )`.execute(db);
  await sql`
    create table market_imported_few_bids (
      ${PLACE},
      ocid text not null check (char_length(ocid) between 1 and 1000),
      title text not null,
      opened_at timestamptz not null,
      bids integer not null check (bids between 0 and 2),
      awarded boolean not null,
      primary key (publisher_id, ocid)
    )`.execute(db);
  // Across every publisher, by period and by service market, as the authorities' figures are read.
  for (const table of [
    "market_imported_contracts",
    "market_imported_suppliers",
    "market_imported_tenders",
    "market_imported_awards",
  ])
    await sql`create index ${sql.raw(`${table}_by_month`)} on ${sql.table(table)} (month, category_code)`.execute(
      db,
    );
  await sql`
    create index market_imported_few_bids_by_opening
      on market_imported_few_bids (opened_at desc, publisher_id, ocid)`.execute(db);
  // The publishers one of the directory's organisations supplies (a change to it recomputes theirs).
  await sql`
    create index market_imported_suppliers_by_supplier
      on market_imported_suppliers (supplier, publisher_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "market_imported_few_bids",
    "market_imported_awards",
    "market_imported_tenders",
    "market_imported_suppliers",
    "market_imported_contracts",
    "market_imported_runs",
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
