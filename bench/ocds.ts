/**
 * The open contracting data benchmarks (issue 16), part of `npm run bench`, on the embedded
 * database and — when DATABASE_URL names a server — on PostgreSQL, over a database of synthetic
 * releases (three a process: tender, award, contract; made by the release builder itself), kept
 * between runs under /tmp/openps-bench/ocds-<n> and as `openps_bench_ocds_<n>`:
 *
 *   B1 read API   the real server answering a process's record (`/data/ocds/records/{ocid}`) and a
 *                 list of 50 releases by date (`/data/ocds/releases?since=…&pageSize=50`) to 100
 *                 connections, against the slower of a bare Fastify route and a bare query loop
 *                 reading the same rows (target: at least 0.6 × its rate, i.e. cost ≤ 1.67×)
 *   B3 export     every release to gzipped JSON lines (`writeReleasesJsonl`, what the bulk files
 *                 are made with) against JSON.stringify and gzip of releases of the same shapes
 *                 already in memory (target: at least 0.7 × its speed, cost ≤ 1.43×), and its peak memory
 *                 (target: under 300 MB whatever the number)
 *   B2 import     `openps import ocds` of 100,000 releases in JSON lines (parsed, upgraded where
 *                 needed, validated, stored) against COPY of the same rows into a table of the same
 *                 columns (target: at least 0.5 × its speed, cost ≤ 2×)
 *   B5            B1 on the embedded database within 2.5 × of PostgreSQL
 *
 * OPENPS_BENCH_OCDS_RELEASES sets how many releases (1,000,000 on PostgreSQL, 100,000 embedded
 * unless given; B2 imports OPENPS_BENCH_OCDS_IMPORT, 100,000 unless given); OPENPS_BENCH_OCDS=0
 * leaves it out.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { sql } from "kysely";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createPGlite, type DatabaseHandle, openDatabase } from "../src/db/connect.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { systemClock } from "../src/lib/clock.ts";
import { SYSTEM } from "../src/modules/audit/audit.service.ts";
import { writeReleasesJsonl } from "../src/modules/ocds/bulk.service.ts";
import { importOcds } from "../src/modules/ocds/import.service.ts";
import { published } from "../src/modules/ocds/packages.ts";
import { buildRelease, type ProcessSnapshot, type ReleaseTag } from "../src/modules/ocds/releases.ts";
import { DEMO_AUTHORITY } from "../src/seed/demo/authorities.ts";
import { BENCH_DIR, type Load, load, openps, startServers, TENDER_KEY } from "./scale.ts";

const CONNECTIONS = 100;
const PUBLICATION = { baseUrl: "https://openps.example.org", publisherName: "OpenPS bench" };
const START = Date.UTC(2022, 3, 1);

export interface OcdsFigure {
  name: string;
  ratio: number;
  target: number;
  detail: string;
}

/** The ocid of synthetic process `p`. */
const ocidOf = (p: number) => `ocds-openps-bench-${String(p).padStart(8, "0")}`;
const STAGES: readonly ReleaseTag[][] = [["tender"], ["award"], ["contract"]];

/** The i-th synthetic release: process i ÷ 3, at its tender, award or contract. */
export function syntheticRelease(i: number): {
  ocid: string;
  seq: number;
  id: string;
  date: Date;
  tags: ReleaseTag[];
  release: Record<string, unknown>;
} {
  const p = Math.floor(i / 3);
  const stage = i % 3;
  const ocid = ocidOf(p);
  const date = new Date(START + i * 60_000);
  const published = new Date(START + p * 3 * 60_000);
  const snapshot: ProcessSnapshot = {
    ocid,
    buyer: {
      id: DEMO_AUTHORITY.county,
      name: "Westshire County Council",
      orgId: "GB-LAE-WSH",
      kind: "authority",
    },
    planning: null,
    classification: {
      cpv: "85312400-3",
      description: "Welfare services not delivered through residential institutions",
      category: "Home care",
      area: { code: "E10000901", name: "Westshire" },
    },
    tender: {
      id: `t-${p}`,
      title: `Home care, lot group ${p}`,
      description:
        "Care and support at home for adults assessed as needing it, across the county's three districts.",
      procedure: "open",
      stages: "",
      status: "published",
      cancelReason: null,
      publishedAt: published,
      cancelledAt: null,
      clarificationDeadline: new Date(published.getTime() + 20 * 86_400_000),
      submissionDeadline: new Date(published.getTime() + 30 * 86_400_000),
      reserved: p % 7 === 0,
      contractTermMonths: 36,
      tupe: {
        applies: true,
        staffCount: 40,
        annualCostPence: 120_000_000n,
        terms: "As the incumbent's.",
        pensionTerms: "LGPS admission.",
      },
      pricing: { mode: "competitive", fixedPricePence: null, tariff: "", vat: "exempt" },
      lots: [
        {
          id: `l-${p}-1`,
          title: "North",
          description: "North district",
          estimatedValuePence: 50_000_000n + BigInt(p),
        },
        { id: `l-${p}-2`, title: "South", description: "South district", estimatedValuePence: 70_000_000n },
      ],
      conditions: ["Registered with the Care Quality Commission for personal care."],
      criteria: [
        { id: "q", parentId: null, kind: "quality", title: "Quality", weightBp: 6000 },
        { id: "p", parentId: null, kind: "price", title: "Price", weightBp: 4000 },
      ],
      documents: [
        {
          id: `d-${p}`,
          title: "Specification",
          mediaType: "application/pdf",
          uploadedAt: published,
          url: `/api/v1/x/${p}`,
        },
      ],
      amendments: [],
      bidsOpened:
        stage >= 1 ? { count: 1 + (p % 5), openedAt: new Date(published.getTime() + 31 * 86_400_000) } : null,
      pageUrl: `/authorities/westshire-county-council/tenders/t-${p}`,
    },
    award:
      stage >= 1
        ? {
            id: `a-${p}`,
            status: stage === 2 ? "contracted" : "awarded",
            decidedAt: new Date(published.getTime() + 40 * 86_400_000),
            standstillEndsAt: new Date(published.getTime() + 48 * 86_400_000),
            noticePublishedAt: new Date(published.getTime() + 40 * 86_400_000),
            valuePence: 115_000_000n,
            supplier: {
              id: `o-${p % 1000}`,
              name: `Provider ${p % 1000}`,
              orgId: null,
              kind: "organisation",
            },
            consortium: [],
            fewerThanThreeBidsJustification: p % 5 < 2 ? "Only two providers serve the area." : null,
            withdrawnReason: null,
            noticeUrl: `/authorities/westshire-county-council/tenders/t-${p}/award`,
          }
        : null,
    contract:
      stage === 2
        ? {
            id: `c-${p}`,
            title: `Home care, lot group ${p}`,
            description: "Care and support at home.",
            valuePence: 115_000_000n,
            startsOn: "2023-04-01",
            endsOn: "2026-03-31",
            enteredAt: date,
            state: "active",
            terminatedOn: null,
            terminationReason: null,
            paymentMechanism: "fixed",
            documents: [],
            amendments: [],
            ratings: [],
            pageUrl: `/authorities/westshire-county-council/contracts/c-${p}`,
          }
        : null,
  };
  const id = `${ocid}-${stage + 1}`;
  const tags = STAGES[stage] as ReleaseTag[];
  return { ocid, seq: stage + 1, id, date, tags, release: buildRelease(snapshot, { id, date, tags }) };
}

/** The environment of a database holding `count` synthetic releases, made once and kept. */
async function databaseWith(kind: "pglite" | "postgres", count: number): Promise<Record<string, string>> {
  const common = { OPENPS_DEMO: "true", OPENPS_TENDER_KEY: TENDER_KEY, LOG_LEVEL: "warn" };
  let env: Record<string, string>;
  if (kind === "pglite") {
    env = { ...common, OPENPS_DATA_DIR: path.join(BENCH_DIR, `ocds-${count}`), DATABASE_URL: "" };
  } else {
    const server = new URL(process.env.DATABASE_URL as string);
    const name = `openps_bench_ocds_${count}`;
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    try {
      const exists =
        (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
      if (!exists) await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    server.pathname = `/${name}`;
    env = {
      ...common,
      DATABASE_URL: server.toString(),
      OPENPS_DATA_DIR: path.join(BENCH_DIR, `pg-ocds-${count}`),
    };
  }
  fs.mkdirSync(env.OPENPS_DATA_DIR as string, { recursive: true });
  const marker = path.join(env.OPENPS_DATA_DIR as string, "bench-ocds-ready");
  if (fs.existsSync(marker)) return env;
  openps(["migrate"], env);
  openps(["seed"], env);
  const handle = await openHandle(env);
  try {
    const started = performance.now();
    const BATCH = 2000;
    for (let from = 0; from < count; from += BATCH) {
      const rows = [];
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const r = syntheticRelease(i);
        rows.push({ authority_id: DEMO_AUTHORITY.county, ...r, date: r.date.toISOString() });
      }
      await sql`insert into ocds_releases (authority_id, id, ocid, seq, date, tags, release)
        select authority_id, id, ocid, seq, date, tags, release
          from json_populate_recordset(null::ocds_releases, ${JSON.stringify(rows)})`.execute(handle.db);
    }
    await sql`analyze ocds_releases`.execute(handle.db);
    console.error(
      `  ${count.toLocaleString("en-GB")} synthetic releases written in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await handle.close();
  }
  fs.writeFileSync(marker, String(count));
  return env;
}

function openHandle(env: Record<string, string>): Promise<DatabaseHandle> {
  return env.DATABASE_URL
    ? openDatabase({ databaseUrl: env.DATABASE_URL })
    : openDatabase({ dataDir: path.join(env.OPENPS_DATA_DIR as string) });
}

/** B3: the export against JSON.stringify + gzip of the same objects, with its peak memory. */
async function exportFigures(env: Record<string, string>, count: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-bench-export-"));
  try {
    // The baseline: releases of the same shapes, made beforehand (a thousand, used in turn: a million
    // would not fit in memory), stringified and gzipped.
    const made = Array.from({ length: Math.min(count, 1000) }, (_, i) => syntheticRelease(i).release);
    const baselineStarted = performance.now();
    await pipeline(
      (async function* () {
        for (let i = 0; i < count; i++) yield `${JSON.stringify(made[i % made.length])}\n`;
      })(),
      createGzip(),
      fs.createWriteStream(path.join(dir, "baseline.jsonl.gz")),
    );
    const baselineMs = performance.now() - baselineStarted;
    const handle = await openHandle(env);
    try {
      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const started = performance.now();
      const written = await writeReleasesJsonl(handle.db, PUBLICATION, path.join(dir, "export.jsonl.gz"));
      const exportMs = performance.now() - started;
      clearInterval(sampler);
      return {
        baselineMs,
        exportMs,
        releases: written.releases,
        peakMb: (peak - before) / 1e6,
        bytes: written.bytes,
      };
    } finally {
      await handle.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `importOcds` of the JSON lines `file` into the migrated database `handle` (closed after): how long, how many stored. */
async function timedImport(
  handle: DatabaseHandle,
  file: string,
): Promise<{ importMs: number; stored: number }> {
  try {
    await migrateToLatest(handle.db);
    const started = performance.now();
    const summary = await importOcds(
      handle.db,
      systemClock,
      [{ name: "releases.jsonl", open: () => fs.createReadStream(file) }],
      { publisherName: "OpenPS bench", actor: SYSTEM("bench"), target: file },
    );
    return { importMs: performance.now() - started, stored: summary.imported + summary.importedWithWarnings };
  } finally {
    await handle.close();
  }
}

/** B2: `importOcds` of `count` releases in JSON lines against COPY of the same rows. */
async function importFigures(kind: "pglite" | "postgres", count: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-bench-import-"));
  const jsonl = path.join(dir, "releases.jsonl");
  const tsv = path.join(dir, "releases.tsv");
  try {
    // The same releases as a publisher's JSON lines, and as the rows COPY reads (tab-separated).
    const lines = fs.createWriteStream(jsonl);
    const rows = fs.createWriteStream(tsv);
    for (let i = 0; i < count; i++) {
      const r = syntheticRelease(i);
      const release = JSON.stringify(published(r.release, PUBLICATION.baseUrl));
      if (!lines.write(`${release}\n`))
        await new Promise<void>((resolve) => lines.once("drain", () => resolve()));
      const escaped = release.replaceAll("\\", "\\\\");
      if (!rows.write(`${r.ocid}\t${r.id}\t${r.date.toISOString()}\t{${r.tags.join(",")}}\t${escaped}\n`))
        await new Promise<void>((resolve) => rows.once("drain", () => resolve()));
    }
    await Promise.all([
      new Promise((resolve) => lines.end(resolve)),
      new Promise((resolve) => rows.end(resolve)),
    ]);
    const table = `create table bench_copy (ocid text, release_id text, date timestamptz, tags text[], release jsonb,
      primary key (ocid, release_id))`;

    // Ours: into a database of its own, migrated, as a deployment's would be.
    let importMs: number;
    let copyMs: number;
    let stored: number;
    if (kind === "postgres") {
      const server = new URL(process.env.DATABASE_URL as string);
      const name = "openps_bench_import";
      const admin = new pg.Client({ connectionString: server.toString() });
      await admin.connect();
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      await admin.end();
      server.pathname = `/${name}`;
      ({ importMs, stored } = await timedImport(
        await openDatabase({ databaseUrl: server.toString() }),
        jsonl,
      ));
      const client = new pg.Client({ connectionString: server.toString() });
      await client.connect();
      try {
        await client.query(table);
        const started = performance.now();
        await pipeline(fs.createReadStream(tsv), client.query(copyFrom("copy bench_copy from stdin")));
        copyMs = performance.now() - started;
      } finally {
        await client.end();
      }
    } else {
      ({ importMs, stored } = await timedImport(await openDatabase({}), jsonl));
      const embedded = await createPGlite({});
      try {
        await embedded.exec(table);
        const blob = new Blob([fs.readFileSync(tsv)]);
        const started = performance.now();
        await embedded.query("copy bench_copy from '/dev/blob'", [], { blob });
        copyMs = performance.now() - started;
      } finally {
        await embedded.close();
      }
    }
    return { importMs, copyMs, stored };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare query loop: the same rows read and stringified, as fast as the database gives them. */
async function queryLoop(
  env: Record<string, string>,
  query: string,
  parameters: unknown[],
  seconds: number,
): Promise<number> {
  if (env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10 });
    try {
      let done = 0;
      const until = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (performance.now() < until) {
            JSON.stringify((await pool.query({ text: query, values: parameters, name: "bench-loop" })).rows);
            done += 1;
          }
        }),
      );
      return done / seconds;
    } finally {
      await pool.end();
    }
  }
  const handle = await openHandle(env);
  try {
    let done = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      JSON.stringify(
        (
          await sql
            .raw(query.replace(/\$(\d+)/g, (_m, n) => `'${String(parameters[Number(n) - 1])}'`))
            .execute(handle.db)
        ).rows,
      );
      done += 1;
    }
    return done / seconds;
  } finally {
    await handle.close();
  }
}

interface ReadRun {
  record: Load;
  list: Load;
  bare: Load;
  recordLoop: number;
  listLoop: number;
}

/** B1: the read API under 100 connections, the bare route and the bare query loops. */
async function readFigures(env: Record<string, string>, count: number): Promise<ReadRun> {
  const seconds = Number(process.env.OPENPS_BENCH_SECONDS ?? 8);
  const middle = Math.floor(count / 3 / 2);
  const ocid = ocidOf(middle);
  const since = new Date(START + Math.floor(count / 2) * 60_000).toISOString();
  const recordLoop = await queryLoop(
    env,
    "select * from ocds_releases where ocid = $1 order by seq",
    [ocid],
    3,
  );
  const listLoop = await queryLoop(
    env,
    "select * from ocds_releases where date >= $1 order by date desc, id desc limit 51",
    [since],
    3,
  );
  const { port, barePort, stop } = await startServers(env);
  try {
    const bare = await load(`http://127.0.0.1:${barePort}/bare`, CONNECTIONS, seconds);
    const record = await load(`http://127.0.0.1:${port}/data/ocds/records/${ocid}`, CONNECTIONS, seconds);
    const list = await load(
      `http://127.0.0.1:${port}/data/ocds/releases?since=${encodeURIComponent(since)}&pageSize=50`,
      CONNECTIONS,
      seconds,
    );
    return { record, list, bare, recordLoop, listLoop };
  } finally {
    await stop();
  }
}

/** Every OCDS figure on the databases at hand, and the lines that describe them. */
export async function ocdsFigures(): Promise<{ figures: OcdsFigure[]; table: string[] }> {
  const kinds = process.env.DATABASE_URL ? (["pglite", "postgres"] as const) : (["pglite"] as const);
  const figures: OcdsFigure[] = [];
  const table: string[] = [];
  const reads = new Map<string, ReadRun>();
  for (const kind of kinds) {
    const count = Number(
      process.env.OPENPS_BENCH_OCDS_RELEASES ?? (kind === "postgres" ? 1_000_000 : 100_000),
    );
    console.error(`OCDS benchmarks on ${kind}, ${count.toLocaleString("en-GB")} releases …`);
    const env = await databaseWith(kind, count);
    const read = await readFigures(env, count);
    reads.set(kind, read);
    const exported = await exportFigures(env, count);
    const importCount = Number(process.env.OPENPS_BENCH_OCDS_IMPORT ?? 100_000);
    const imported = await importFigures(kind, importCount);
    const rps = (l: Load) => `${Math.round(l.rps)}/s, p50 ${l.p50} / p99 ${l.p99} ms`;
    table.push(
      `${kind}, ${count.toLocaleString("en-GB")} releases:`,
      `  bare route ${rps(read.bare)}; bare query loop: record ${Math.round(read.recordLoop)}/s, list ${Math.round(read.listLoop)}/s`,
      `  B1 record by ocid ${rps(read.record)}, ${read.record.errors} errors`,
      `  B1 list of 50 ${rps(read.list)}, ${read.list.errors} errors`,
      `  B2 import of ${importCount.toLocaleString("en-GB")} releases ${(imported.importMs / 1000).toFixed(1)} s (${imported.stored.toLocaleString("en-GB")} stored; ${Math.round(imported.stored / (imported.importMs / 1000))}/s), COPY ${(imported.copyMs / 1000).toFixed(1)} s`,
      `  B3 export ${(exported.exportMs / 1000).toFixed(1)} s (${Math.round(exported.releases / (exported.exportMs / 1000))} releases/s, ${(exported.bytes / 1e6).toFixed(0)} MB), baseline ${(exported.baselineMs / 1000).toFixed(1)} s; peak memory +${exported.peakMb.toFixed(0)} MB`,
    );
    for (const [name, loaded, loop] of [
      ["record", read.record, read.recordLoop],
      ["list of 50", read.list, read.listLoop],
    ] as const) {
      const slower = Math.min(read.bare.rps, loop);
      figures.push({
        name: `B1 ${name} ${kind}`,
        ratio: slower / Math.max(loaded.rps, 1e-9),
        target: 1 / 0.6,
        detail: `${Math.round(loaded.rps)}/s against the slower baseline's ${Math.round(slower)}/s (cost ratio; target ≥ 0.6× its rate)`,
      });
    }
    figures.push(
      {
        name: `B2 import ${kind}`,
        ratio: imported.importMs / imported.copyMs,
        target: 2,
        detail: `${(imported.importMs / 1000).toFixed(1)} s against ${(imported.copyMs / 1000).toFixed(1)} s for COPY of the same rows (target ≥ 0.5× its speed)`,
      },
      {
        name: `B3 export ${kind}`,
        ratio: exported.exportMs / exported.baselineMs,
        target: 1 / 0.7,
        detail: `${(exported.exportMs / 1000).toFixed(1)} s against ${(exported.baselineMs / 1000).toFixed(1)} s for JSON.stringify + gzip of the same releases`,
      },
      {
        name: `B3 memory ${kind}`,
        ratio: exported.peakMb / 300,
        target: 1,
        detail: `peak ${exported.peakMb.toFixed(0)} MB above the start (target under 300 MB)`,
      },
    );
  }
  const embedded = reads.get("pglite");
  const server = reads.get("postgres");
  if (embedded && server)
    for (const name of ["record", "list"] as const)
      figures.push({
        name: `B5 ${name} pglite/pg`,
        ratio: server[name].rps / Math.max(embedded[name].rps, 1e-9),
        target: 2.5,
        detail: `${Math.round(embedded[name].rps)}/s embedded against ${Math.round(server[name].rps)}/s on PostgreSQL (cost ratio)`,
      });
  return { figures, table };
}
