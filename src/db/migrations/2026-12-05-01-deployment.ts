/**
 * The deployment (security finding 3): whether this database was created for a demonstration,
 * recorded once, when it is first seeded. Demo seeds (accounts with a published password) run
 * only into a database created in demo mode, and a server in demo mode refuses one created without
 * it. One row. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table deployment (
      id boolean primary key default true check (id),
      demo boolean not null,
      recorded_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table deployment`.execute(db);
}
