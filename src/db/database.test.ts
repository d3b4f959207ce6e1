import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from "../../tests/support/test-db.ts";
import { analyzeTables } from "./analyze.ts";
import { pageByKey } from "./paging.ts";
import { beforeCommit, RootHandleInTransactionError, transaction } from "./transaction.ts";

/** On PGlite, in process (commands, tests) and in a worker thread (the server): the same dialect. */
const databases = testDatabaseUrl()
  ? [{ name: "PostgreSQL", worker: false }]
  : [
      { name: "PGlite", worker: false },
      { name: "PGlite in a worker thread", worker: true },
    ];

describe.each(databases)("the data layer on $name", ({ worker }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ worker });
  });
  afterAll(async () => {
    await t.destroy();
  });

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

  it("takes parameters of every kind the application sends, as a PostgreSQL server takes them", async () => {
    const at = new Date("2026-03-29T01:30:00.123Z");
    const bytes = Buffer.from([0, 1, 2, 255]);
    const { rows } = await sql<{
      at: unknown;
      tags: unknown;
      doc: unknown;
      raw: unknown;
      yes: unknown;
      none: unknown;
      n: unknown;
    }>`select ${at}::timestamptz as at, ${["a", "b,c", 'd"e']}::text[] as tags,
        ${JSON.stringify({ pence: 1250, name: "Tŷ" })}::jsonb as doc, ${bytes}::bytea as raw,
        ${true}::boolean as yes, ${null}::text as none, ${42}::int4 as n`.execute(t.db);
    const row = rows[0];
    expect(row?.at).toEqual(at);
    expect(row?.tags).toEqual(["a", "b,c", 'd"e']);
    expect(row?.doc).toEqual({ pence: 1250, name: "Tŷ" });
    expect(Buffer.from(row?.raw as Uint8Array)).toEqual(bytes);
    expect(row?.yes).toBe(true);
    expect(row?.none).toBeNull();
    expect(row?.n).toBe(42);
  });

  it("reports a failed statement with PostgreSQL's code, and goes on answering", async () => {
    await expect(sql`select 1 / ${0}::int4`.execute(t.db)).rejects.toMatchObject({ code: "22012" });
    await expect(sql`select nonsense from nowhere`.execute(t.db)).rejects.toMatchObject({ code: "42P01" });
    const { rows } = await sql<{ v: number }>`select ${2}::int4 * 2 as v`.execute(t.db);
    expect(rows[0]?.v).toBe(4);
  });

  it("parses a query once on its connection, answering it again from its prepared statement", async () => {
    await transaction(t.db, async (trx) => {
      const probe = () => sql<{ v: number }>`select ${41}::int4 + 1 as prepared_probe`.execute(trx);
      for (let i = 0; i < 3; i++) expect((await probe()).rows).toEqual([{ prepared_probe: 42 }]);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int4 as n from pg_prepared_statements
         where statement = 'select $1::int4 + 1 as prepared_probe'`.execute(trx);
      expect(rows).toEqual([{ n: 1 }]);
    });
  });

  it("answers a query whose first run failed, and one whose table changed under its prepared statement", async () => {
    await transaction(t.db, async (trx) => {
      const divide = (by: number) => sql<{ v: number }>`select 10 / ${by}::int4 as v`.execute(trx);
      await sql`savepoint divide`.execute(trx);
      await expect(divide(0)).rejects.toMatchObject({ code: "22012" });
      await sql`rollback to savepoint divide`.execute(trx);
      expect((await divide(2)).rows).toEqual([{ v: 5 }]);
      // The statement of the failed run was closed, or named anew: one is prepared.
      const { rows } = await sql<{ n: number }>`
        select count(*)::int4 as n from pg_prepared_statements
         where statement = 'select 10 / $1::int4 as v'`.execute(trx);
      expect(rows).toEqual([{ n: 1 }]);
    });

    await transaction(t.db, async (trx) => {
      await sql`create temporary table prepared_probe (a int4) on commit drop`.execute(trx);
      await sql`insert into prepared_probe values (1)`.execute(trx);
      const read = () => sql<Record<string, number>>`select * from prepared_probe`.execute(trx);
      expect((await read()).rows).toEqual([{ a: 1 }]);
      await sql`alter table prepared_probe add column b int4 default 7`.execute(trx);
      // PostgreSQL refuses the statement once ("cached plan must not change result type"); then it is parsed again.
      await sql`savepoint probe`.execute(trx);
      const again = await read().catch(async (error: { code?: string }) => {
        expect(error.code).toBe("0A000");
        await sql`rollback to savepoint probe`.execute(trx);
        return read();
      });
      expect(again.rows).toEqual([{ a: 1, b: 7 }]);
    });
  });

  it("refreshes the planner's statistics of every table", async () => {
    const now = new Date();
    await t.db
      .insertInto("seed_runs")
      .values(Array.from({ length: 40 }, (_, i) => ({ name: `analyze-${i}`, applied_at: now })))
      .execute();
    await analyzeTables(t.db);
    const { rows } = await sql<{ estimated: number; counted: number }>`
      select (select reltuples::int4 from pg_class where oid = 'seed_runs'::regclass) as estimated,
             (select count(*)::int4 from seed_runs) as counted`.execute(t.db);
    expect(rows[0]?.estimated).toBe(rows[0]?.counted);
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

  it("runs work registered for the end of a transaction once, in it, after the action's own writes", async () => {
    const now = new Date();
    const seen: number[] = [];
    await transaction(t.db, async (trx) => {
      const count = async () => {
        const rows = await trx
          .selectFrom("seed_runs")
          .where("name", "like", "commit-probe-%")
          .selectAll()
          .execute();
        seen.push(rows.length);
      };
      beforeCommit(trx, "count", count);
      await trx.insertInto("seed_runs").values({ name: "commit-probe-1", applied_at: now }).execute();
      // A service joining the transaction registers the same work again: it still runs once.
      await transaction(trx, async (inner) => {
        beforeCommit(inner, "count", count);
        await inner.insertInto("seed_runs").values({ name: "commit-probe-2", applied_at: now }).execute();
      });
    });
    expect(seen).toEqual([2]);
    // Rolled back: the work never runs.
    await expect(
      transaction(t.db, async (trx) => {
        beforeCommit(trx, "never", async () => {
          seen.push(-1);
        });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(seen).toEqual([2]);
    expect(() => beforeCommit(t.db, "outside", async () => {})).toThrow("transaction handle");
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
