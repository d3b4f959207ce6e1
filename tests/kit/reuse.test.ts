/**
 * The test kit's databases used again (tests/support/reuse.ts): a database a test file has finished
 * with comes back exactly as its template was, whatever the test did to its rows — inserted,
 * updated, deleted, emptied — and tables the test never touched are left as they are.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/database.ts";
import { createTestDatabase, DEMO_SEEDED_AT } from "../support/test-db.ts";

/** Every row of the tables, as text, in a stable order. */
async function contents(db: Db, tables: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t`.execute(db);
    out[table] = rows.map((r) => r.row).sort();
  }
  return out;
}

const TABLES = ["authorities", "organisations", "audit_events", "services", "jobs"];

describe("a test database used again", () => {
  it("is put back as its template was, after rows were inserted, updated, deleted and emptied", async () => {
    const first = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    const before = await contents(first.db, TABLES);
    expect(before.organisations?.length).toBeGreaterThan(2);
    // Each kind of change, in tables with rows and in one the demo leaves empty or not.
    await sql`update organisations set description = 'changed' where id = (select id from organisations order by id limit 1)`.execute(
      first.db,
    );
    await sql`set session_replication_role = replica`.execute(first.db);
    await sql`delete from services where id = (select id from services order by id limit 1)`.execute(
      first.db,
    );
    await sql`delete from audit_events`.execute(first.db);
    await sql`set session_replication_role = origin`.execute(first.db);
    await sql`insert into authorities (id, slug, name, kind, nation, created_at, updated_at)
              values (gen_random_uuid(), 'added-by-a-test', 'Added', 'unitary', 'england-and-wales', now(), now())`.execute(
      first.db,
    );
    expect(await contents(first.db, TABLES)).not.toEqual(before);
    await first.destroy();

    const again = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    try {
      expect(await contents(again.db, TABLES)).toEqual(before);
    } finally {
      await again.destroy();
    }
    // And again, after a file that changed nothing.
    const third = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    try {
      expect(await contents(third.db, TABLES)).toEqual(before);
    } finally {
      await third.destroy();
    }
  });
});
