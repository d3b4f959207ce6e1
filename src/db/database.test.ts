import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/test-db.ts";
import { pageByKey } from "./paging.ts";
import { RootHandleInTransactionError, transaction } from "./transaction.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.destroy();
});

describe(`the data layer on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("returns int8 as bigint, numeric as exact text and date as a calendar-date string", async () => {
    const { rows } = await sql<{
      big: unknown;
      count: unknown;
      exact: unknown;
      day: unknown;
      at: unknown;
    }>`select 9007199254740993::int8 as big, count(*) as count, 12.345::numeric as exact,
        '2026-03-29'::date as day, '2026-03-29T01:30:00Z'::timestamptz as at`.execute(t.db);
    const row = rows[0];
    expect(row?.big).toBe(9007199254740993n);
    expect(typeof row?.count).toBe("bigint");
    expect(row?.exact).toBe("12.345");
    expect(row?.day).toBe("2026-03-29");
    expect(row?.at).toEqual(new Date("2026-03-29T01:30:00Z"));
  });

  it("accepts bigint parameters without losing precision", async () => {
    const { rows } = await sql<{ v: bigint }>`select ${12345678901234567n}::int8 + 1 as v`.execute(t.db);
    expect(rows[0]?.v).toBe(12345678901234568n);
  });

  it("commits a transaction as one, and rolls it all back on error", async () => {
    const now = new Date();
    await expect(
      transaction(t.db, async (trx) => {
        await trx.insertInto("seed_runs").values({ name: "rollback-probe", applied_at: now }).execute();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const after = await t.db
      .selectFrom("seed_runs")
      .where("name", "=", "rollback-probe")
      .selectAll()
      .execute();
    expect(after).toHaveLength(0);
  });

  it("refuses the root handle inside a transaction instead of hanging", async () => {
    await expect(
      transaction(t.db, async () => {
        await t.db.selectFrom("seed_runs").selectAll().execute();
      }),
    ).rejects.toBeInstanceOf(RootHandleInTransactionError);
    // The database is still usable afterwards.
    const rows = await t.db.selectFrom("seed_runs").selectAll().execute();
    expect(Array.isArray(rows)).toBe(true);
  });

  it("reads in pages by key, every row exactly once", async () => {
    const now = new Date();
    const names = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    await t.db
      .insertInto("seed_runs")
      .values(names.map((name) => ({ name, applied_at: now })))
      .execute();
    const seen: string[] = [];
    let pages = 0;
    for await (const page of pageByKey(
      (after: string | undefined, limit) => {
        let q = t.db.selectFrom("seed_runs").select("name").where("name", "like", "page-%");
        if (after !== undefined) q = q.where("name", ">", after);
        return q.orderBy("name").limit(limit).execute();
      },
      (row) => row.name,
      5,
    )) {
      pages++;
      seen.push(...page.map((r) => r.name));
    }
    expect(seen).toEqual(names);
    expect(pages).toBe(5);
  });
});
