/**
 * The demo clock (issue 14, item 5): in demo mode a platform administrator may move the time
 * OpenPS takes it to be forward by whole days, to show what deadlines, standstill periods and
 * factual-accuracy periods lead to. One row: how many days ahead of the real time it runs, since
 * when (the real time) and who moved it last. Absent means real time; a server not in demo mode
 * never reads it. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table demo_clock (
      id boolean primary key default true check (id),
      offset_days integer not null check (offset_days >= 0),
      changed_at timestamptz not null,
      changed_by uuid references users (id) on delete set null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table demo_clock`.execute(db);
}
