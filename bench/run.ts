/**
 * `npm run bench`: speed and memory figures for the foundation, each a ratio against a baseline
 * measured in the same run on the same database, so the figures mean the same on any machine.
 * Never a timed assertion in a test. Exits 1 if a figure misses its target.
 *
 *   audit append      one change with its audit event ÷ the same change without (target ≤ 4×)
 *   paged read time   reading 20,000 rows in pages of 1,000 ÷ one query for all (target ≤ 2.5×)
 *   paged read memory heap held while paging ÷ heap held by one query for all (target ≤ 0.5×)
 *   home page         the home page with its three database reads ÷ a static page in the same layout (target ≤ 4×)
 *   embedded query    a query through our PGlite dialect (one protocol message) ÷ the same through
 *                     PGlite's own query() (embedded database only; target ≤ 0.8×)
 *   prepared query    a signed-in request's session lookup through our dialect (a prepared statement,
 *                     parsed once) ÷ the same message parsing it each time, as before (embedded
 *                     database only; target ≤ 0.8×)
 *   worker query      a lookup by key on PGlite in a worker thread (as the server runs it) ÷ the same
 *                     in process (embedded database only; target ≤ 2×: about 1.2× on two cores
 *                     shared with other work, each query crossing between threads twice)
 *   healthz under load  /healthz's p99 while a query of about a second runs on the embedded database
 *                     in its worker ÷ its p99 while the database is idle (embedded database only;
 *                     target ≤ 10×: idle, a fraction of a millisecond, and the worker shares the
 *                     machine's cores); the detail says how long /healthz waits with PGlite in
 *                     process: the whole query
 *   national scale    the real server on the demo data grown to factor 1 and 100, on both databases,
 *                     each route under 50 connections against a bare Fastify route (bench/scale.ts)
 *   payments-in upkeep  a period's payments in of the demo county's budgets with the market work they
 *                     queue ÷ the payments alone (target ≤ 1.2×: a payment in moves no open figure, so it
 *                     queues no recomputation; bench/budgets.ts)
 *   B1, B3, B5        open contracting data: the read API, the export and its memory, the embedded
 *                     database against PostgreSQL (bench/ocds.ts)
 *   B4                a payment run over 1.7 million participants against one INSERT … SELECT of the
 *                     same tariff, and its rerun (bench/results.ts)
 */
import { performance } from "node:perf_hooks";
import { parse, protocol } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config/config.ts";
import { createPGlite, type DatabaseHandle, openDatabase } from "../src/db/connect.ts";
import type { Db } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { pageByKey } from "../src/db/paging.ts";
import { oneMessage, PGliteDialect } from "../src/db/pglite-dialect.ts";
import { transaction } from "../src/db/transaction.ts";
import { systemClock } from "../src/lib/clock.ts";
import { localFileStore } from "../src/lib/file-store.ts";
import { recordAudit, SYSTEM } from "../src/modules/audit/audit.service.ts";
import { runSeeds, settleDeploymentMode } from "../src/seed/seed.ts";
import { seeds } from "../src/seed/seeds.ts";
import { wireModules } from "../src/wiring.ts";
import { paymentsInUpkeep } from "./budgets.ts";
import { ocdsFigures } from "./ocds.ts";
import { resultsFigures } from "./results.ts";
import { benchFactors, type Measured, machine, measure, scaleFigures } from "./scale.ts";

interface Figure {
  name: string;
  ratio: number;
  target: number;
  detail: string;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function auditAppend(db: Db): Promise<Figure> {
  const n = 300;
  const plainChanges = (prefix: string, count: number) =>
    time(async () => {
      for (let i = 0; i < count; i++) {
        await transaction(db, (trx) =>
          trx
            .insertInto("seed_runs")
            .values({ name: `${prefix}-${i}`, applied_at: new Date() })
            .execute(),
        );
      }
    });
  const auditedChanges = (prefix: string, count: number) =>
    time(async () => {
      for (let i = 0; i < count; i++) {
        await transaction(db, async (trx) => {
          await trx
            .insertInto("seed_runs")
            .values({ name: `${prefix}-${i}`, applied_at: new Date() })
            .execute();
          await recordAudit(trx, systemClock, {
            authorityId: null,
            actor: SYSTEM("bench"),
            action: "bench.changed",
            entity: { type: "bench", id: String(i) },
            changes: { i },
          });
        });
      }
    });
  // Warmed up first, as the other figures are: the code compiled, the statements prepared.
  await plainChanges("warm-plain", 50);
  await auditedChanges("warm-audited", 50);
  const plain = await plainChanges("plain", n);
  const audited = await auditedChanges("audited", n);
  return {
    name: "audit append",
    ratio: audited / plain,
    target: 4,
    detail: `${(audited / n).toFixed(2)} ms vs ${(plain / n).toFixed(2)} ms per change`,
  };
}

async function pagedRead(db: Db): Promise<Figure[]> {
  const rows = 20_000;
  await sql`insert into seed_runs (name, applied_at)
    select 'row-' || lpad(g::text, 6, '0') || repeat('x', 200), now() from generate_series(1, ${rows}) g`.execute(
    db,
  );
  const query = () =>
    db.selectFrom("seed_runs").select(["name", "applied_at"]).where("name", "like", "row-%");

  const readAll = () => query().orderBy("name").execute();
  const readPaged = async (onPage: () => void) => {
    let seen = 0;
    for await (const page of pageByKey(
      (after: string | undefined, limit) => {
        let q = query();
        if (after !== undefined) q = q.where("name", ">", after);
        return q.orderBy("name").limit(limit).execute();
      },
      (row) => row.name,
    )) {
      seen += page.length;
      onPage();
    }
    return seen;
  };

  // Time: each way once to warm up, then measured.
  await readAll();
  await readPaged(() => {});
  const all = await time(async () => {
    if ((await readAll()).length !== rows) throw new Error("wrong count");
  });
  let seen = 0;
  const paged = await time(async () => {
    seen = await readPaged(() => {});
  });

  // Memory held: live heap (after a full collection) while the rows are in hand.
  gc();
  let base = process.memoryUsage().heapUsed;
  const held = await readAll();
  gc();
  const allPeak = process.memoryUsage().heapUsed - base;
  if (held.length !== rows) throw new Error("wrong count");
  held.length = 0;
  gc();
  base = process.memoryUsage().heapUsed;
  let pagedPeak = 0;
  await readPaged(() => {
    gc();
    pagedPeak = Math.max(pagedPeak, process.memoryUsage().heapUsed - base);
  });
  if (seen !== rows) throw new Error(`paged read saw ${seen} rows`);
  return [
    {
      name: "paged read time",
      ratio: paged / all,
      target: 2.5,
      detail: `${paged.toFixed(0)} ms vs ${all.toFixed(0)} ms for ${rows} rows`,
    },
    {
      name: "paged read memory",
      ratio: Math.max(pagedPeak, 1) / Math.max(allPeak, 1),
      target: 0.5,
      detail: `${(pagedPeak / 1e6).toFixed(1)} MB vs ${(allPeak / 1e6).toFixed(1)} MB of heap`,
    },
  ];
}

async function homePage(db: Db, dbKind: "pglite" | "postgres"): Promise<Figure> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    OPENPS_DATA_DIR: "/tmp/openps-bench",
  });
  await runSeeds(db, systemClock, seeds, { demo: true });
  const app = await buildApp({
    config,
    db,
    dbKind,
    clock: systemClock,
    files: localFileStore({ root: "/tmp/openps-bench/files", maxBytes: config.maxUploadBytes }),
    mailer: undefined,
  });
  const n = 200;
  const run = async (url: string) => {
    await app.inject({ url });
    return time(async () => {
      for (let i = 0; i < n; i++) {
        const response = await app.inject({ url });
        if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
      }
    });
  };
  const staticPage = await run("/cookies");
  const home = await run("/");
  await app.close();
  return {
    name: "home page",
    ratio: home / staticPage,
    target: 4,
    detail: `${(home / n).toFixed(2)} ms vs ${(staticPage / n).toFixed(2)} ms for a page without database reads`,
  };
}

/** A table of 300 rows to look up by key, on an embedded database. */
const LOOKUPS = [
  "create table lookups (name text primary key, applied_at timestamptz not null)",
  "insert into lookups select 'plain-' || g, now() from generate_series(0, 299) g",
];

/** `n` lookups by key through a Kysely (our dialect), in ms. */
function lookups<DB>(db: Kysely<DB>, n: number): Promise<number> {
  return time(async () => {
    for (let i = 0; i < n; i++) {
      await sql`select name, applied_at from lookups where name = ${`plain-${i % 300}`} and applied_at > ${new Date(0)}`.execute(
        db,
      );
    }
  });
}

async function embeddedQuery(kind: DatabaseHandle["kind"]): Promise<Figure[]> {
  if (kind !== "pglite") return [];
  // PGlite's own query() is PGlite's in process: this figure has a database of its own.
  const pglite = await createPGlite({});
  for (const statement of LOOKUPS) await pglite.exec(statement);
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  const n = 3000;
  const viaPglite = () =>
    time(async () => {
      for (let i = 0; i < n; i++)
        await pglite.query("select name, applied_at from lookups where name = $1 and applied_at > $2", [
          `plain-${i % 300}`,
          new Date(0),
        ]);
    });
  await lookups(db, n);
  await viaPglite();
  const dialect = await lookups(db, n);
  const own = await viaPglite();
  await db.destroy();
  return [
    {
      name: "embedded query",
      ratio: dialect / own,
      target: 0.8,
      detail: `${((dialect / n) * 1000).toFixed(0)} µs against ${((own / n) * 1000).toFixed(0)} µs a query`,
    },
  ];
}

async function preparedQuery(handle: DatabaseHandle): Promise<Figure[]> {
  const pglite = handle.embedded?.postgres;
  if (!pglite) return [];
  const n = 3000;
  const lookup = (id: string) =>
    handle.db
      .selectFrom("sessions as s")
      .innerJoin("users as u", "u.id", "s.user_id")
      .selectAll("s")
      .select(["u.display_name", "u.status", "u.totp_enabled_at", "u.email_verified_at"])
      .where("s.id", "=", id);
  const prepared = () =>
    time(async () => {
      for (let i = 0; i < n; i++) await lookup(`session-${i}`).executeTakeFirst();
    });
  const compiled = lookup("").compile();
  const parsedEachTime = () =>
    time(async () => {
      for (let i = 0; i < n; i++) {
        const message = oneMessage([
          protocol.serialize.parse({ text: compiled.sql }),
          protocol.serialize.bind({ values: [`session-${i}`] }),
          protocol.serialize.describe({ type: "P" }),
          protocol.serialize.execute({}),
          protocol.serialize.sync(),
        ]);
        const { messages } = await pglite.runExclusive(() => pglite.execProtocol(message));
        parse.parseResults(messages, pglite.parsers, { rowMode: "object" });
      }
    });
  await prepared();
  await parsedEachTime();
  const named = await prepared();
  const unnamed = await parsedEachTime();
  return [
    {
      name: "prepared query",
      ratio: named / unnamed,
      target: 0.8,
      detail: `${((named / n) * 1000).toFixed(0)} µs against ${((unnamed / n) * 1000).toFixed(0)} µs a lookup`,
    },
  ];
}

/** The p99 of a list of times. */
function p99(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
}

/** Work for the embedded database of about a second, all of it PostgreSQL's. */
const HEAVY_QUERY = sql`select count(*) from generate_series(1, 1500000) g where md5(g::text) like 'a%'`;

async function workerFigures(handle: DatabaseHandle): Promise<Figure[]> {
  if (handle.kind !== "pglite") return [];
  const worker = await openDatabase({ worker: true });
  try {
    const n = 3000;
    for (const statement of LOOKUPS) {
      await sql.raw(statement).execute(worker.db);
      await sql.raw(statement).execute(handle.db);
    }
    await lookups(worker.db, n);
    await lookups(handle.db, n);
    const inWorker = await lookups(worker.db, n);
    const inProcess = await lookups(handle.db, n);

    // /healthz of an app on the worker's database, idle and while the database works.
    await migrateToLatest(worker.db);
    const config = loadConfig({
      NODE_ENV: "production",
      LOG_LEVEL: "silent",
      OPENPS_DATA_DIR: "/tmp/openps-bench",
    });
    const app = await buildApp({
      config,
      db: worker.db,
      dbKind: "pglite",
      clock: systemClock,
      files: localFileStore({ root: "/tmp/openps-bench/files", maxBytes: config.maxUploadBytes }),
      mailer: undefined,
    });
    // From its arrival, as from the network: answered once the event loop has turned.
    const healthz = async () => {
      const start = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      const response = await app.inject({ url: "/healthz" });
      if (response.statusCode !== 200) throw new Error(`/healthz answered ${response.statusCode}`);
      return performance.now() - start;
    };
    for (let i = 0; i < 200; i++) await healthz();
    const loaded: number[] = [];
    let done = false;
    const heavy = HEAVY_QUERY.execute(worker.db).then(() => {
      done = true;
    });
    while (!done) loaded.push(await healthz());
    await heavy;
    const idle: number[] = [];
    for (let i = 0; i < Math.max(loaded.length, 200); i++) idle.push(await healthz());
    // The same with PGlite on the main thread: /healthz waits for the query.
    const stalled = HEAVY_QUERY.execute(handle.db);
    const waited = await healthz();
    await stalled;
    await app.close();
    return [
      {
        name: "worker query",
        ratio: inWorker / inProcess,
        target: 2,
        detail: `${((inWorker / n) * 1000).toFixed(0)} µs against ${((inProcess / n) * 1000).toFixed(0)} µs a lookup in process`,
      },
      {
        name: "healthz under load",
        ratio: p99(loaded) / p99(idle),
        target: 10,
        detail: `p99 ${p99(loaded).toFixed(2)} ms over ${loaded.length} requests vs ${p99(idle).toFixed(2)} ms idle; with PGlite in process ${waited.toFixed(0)} ms`,
      },
    ];
  } finally {
    await worker.close();
  }
}

wireModules();
const url = process.env.DATABASE_URL;
const handle = await openDatabase({ databaseUrl: url });
await migrateToLatest(handle.db);
// A demonstration database (the home page's figure seeds the demo data), said so before the other
// figures write their rows to seed_runs.
await settleDeploymentMode(handle.db, systemClock, seeds, { demo: true });
const figures = [
  await auditAppend(handle.db),
  ...(await pagedRead(handle.db)),
  await homePage(handle.db, handle.kind),
  ...(await embeddedQuery(handle.kind)),
  ...(await preparedQuery(handle)),
  ...(await workerFigures(handle)),
  // Last of the figures on the shared database: the payments in it posts shift no other's baseline.
  await paymentsInUpkeep(handle.db),
];
await handle.close();

// National scale (bench/scale.ts): the real server on the grown demo data, on the embedded database
// and on PostgreSQL when DATABASE_URL names one. OPENPS_BENCH_SCALE=0 leaves it out.
const scaleTable: string[] = [];
if (process.env.OPENPS_BENCH_SCALE !== "0") {
  const runs: Measured[] = [];
  const kinds = url ? (["pglite", "postgres"] as const) : (["pglite"] as const);
  for (const kind of kinds) {
    for (const factor of benchFactors()) {
      console.error(`measuring the server on ${kind} at factor ${factor} …`);
      runs.push(await measure(kind, factor));
    }
  }
  const scale = scaleFigures(runs);
  figures.push(...scale.figures);
  scaleTable.push(`National scale, ${machine()}:`, ...scale.table);
}

// Open contracting data (bench/ocds.ts): B1 read API, B3 export, B5. OPENPS_BENCH_OCDS=0 leaves it out.
const ocdsTable: string[] = [];
if (process.env.OPENPS_BENCH_OCDS !== "0") {
  const ocds = await ocdsFigures();
  figures.push(...ocds.figures);
  ocdsTable.push(`Open contracting data, ${machine()}:`, ...ocds.table);
}

// Payment runs (bench/results.ts): B4. OPENPS_BENCH_RESULTS=0 leaves it out.
const resultsTable: string[] = [];
if (process.env.OPENPS_BENCH_RESULTS !== "0") {
  const results = await resultsFigures();
  figures.push(...results.figures);
  resultsTable.push(`Payment runs (B4), ${machine()}:`, ...results.table);
}

console.log(`OpenPS bench on ${handle.kind}`);
let failed = 0;
for (const f of figures) {
  const ok = f.ratio <= f.target;
  if (!ok) failed++;
  console.log(
    `${ok ? "ok  " : "MISS"}  ${f.name.padEnd(18)} ${f.ratio.toFixed(2).padStart(6)}×  (target ≤ ${f.target}×)  ${f.detail}`,
  );
}
for (const line of scaleTable) console.log(line);
for (const line of ocdsTable) console.log(line);
for (const line of resultsTable) console.log(line);
process.exit(failed === 0 ? 0 : 1);
