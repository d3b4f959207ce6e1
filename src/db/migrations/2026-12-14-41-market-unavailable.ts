/**
 * The open figures of "choice not available" (issue 17, items 5 and 10), beside the market's
 * personal-budget figures (`2026-12-14-40-market-personal-budgets`), recomputed by the same job:
 * per authority and area, the records made and how the authority answered them — on time (by the
 * due day), late, or waiting still (and of those, past the due day). Counts only; small numbers are
 * suppressed when read. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table market_unavailable (
      authority_id uuid not null references authorities (id),
      area_code text not null,
      records integer not null check (records >= 1),
      on_time integer not null check (on_time >= 0),
      late integer not null check (late >= 0),
      waiting integer not null check (waiting >= 0),
      overdue integer not null check (overdue >= 0 and overdue <= waiting),
      check (on_time + late + waiting = records),
      primary key (authority_id, area_code)
    )`.execute(db);
  await sql`create index market_unavailable_by_area on market_unavailable (area_code)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists market_unavailable`.execute(db);
}
