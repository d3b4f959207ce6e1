/**
 * The national-scale benchmark (issue 15), part of `npm run bench`: the real server (production
 * mode) on the demo data grown by `openps demo scale` to factor 1 and factor 100 (100,000
 * organisations, 25,000 regulated locations, 450,000 tenders), on the embedded database and — when
 * DATABASE_URL names a server — on PostgreSQL, each route loaded by 50 connections and compared with
 * a bare Fastify route loaded the same way in the same run. While Find a service is loaded, one
 * more connection asks `/healthz` throughout: the server must keep answering it at once.
 *
 * The grown databases are kept (under /tmp/openps-bench, and as `openps_bench_f<factor>` on the
 * server) and used again by the next run while the migrations they were grown with are unchanged
 * (those added since are applied when the server starts): growing factor 100
 * takes minutes.
 *
 * Figures, each checked:
 *   <route> f100/f1     the route's cost (1 ÷ requests a second) at factor 100 ÷ at factor 1 (≤ 1.5×)
 *   <route> pglite/pg   the route's p99 on the embedded database ÷ on PostgreSQL at factor 100 (≤ 3×)
 *   errors              requests not answered 200, or timed out (none)
 * and, with the machine, each route's p50 and p99 against the targets on PostgreSQL at
 * factor 100 (directory search p99 < 50 ms, Find a service < 100 ms with a page under 150 KB,
 * opportunities < 100 ms, home page < 30 ms, /healthz under load < 10 ms on both databases).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { freePort } from "../tests/support/spawn.ts";

const root = path.resolve(import.meta.dirname, "..");
const node = process.execPath;
export const BENCH_DIR = "/tmp/openps-bench";
export const TENDER_KEY = Buffer.alloc(32, 0x42).toString("base64");
const CONNECTIONS = 50;
const SECONDS = Number(process.env.OPENPS_BENCH_SECONDS ?? 8);

export interface Route {
  name: string;
  url: string;
  /** The target for its p99 on PostgreSQL at factor 100, in milliseconds. */
  p99TargetMs: number;
  /** The largest page it may send, in bytes. */
  maxBytes?: number;
}

export const ROUTES: readonly Route[] = [
  { name: "home page", url: "/", p99TargetMs: 30 },
  { name: "directory search", url: "/organisations?q=care", p99TargetMs: 50 },
  { name: "directory API", url: "/api/v1/organisations?q=support&sector=charity", p99TargetMs: 50 },
  { name: "find a service", url: "/regulation/find", p99TargetMs: 100, maxBytes: 150 * 1024 },
  { name: "opportunities", url: "/opportunities", p99TargetMs: 100 },
];

export interface Load {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  bytes: number;
}

export interface Measured {
  kind: "pglite" | "postgres";
  factor: number;
  bare: Load;
  routes: Map<string, Load>;
  /** /healthz with one connection while Find a service is loaded. */
  healthUnderLoad: Load;
}

/**
 * What the migrations are, one entry each: a kept database is used again while those it was grown
 * with are the first of today's, unchanged (the server applies any added since when it starts).
 */
function migrationsDigest(): string[] {
  const dir = path.join(root, "src/db/migrations");
  return fs
    .readdirSync(dir)
    .sort()
    .map((file) => {
      const hash = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, file)));
      return `${file}:${hash.digest("hex").slice(0, 16)}`;
    });
}

/** Whether data grown under the migrations `kept` (as `migrationsDigest` wrote them) serve today's. */
function stillServes(kept: string, today: string[]): boolean {
  let grown: unknown;
  try {
    grown = JSON.parse(kept);
  } catch {
    return false;
  }
  // index.ts lists every migration, so it changes with each one added: the rest must be the same.
  const same = (entry: string) => !entry.startsWith("index.ts:");
  const before = Array.isArray(grown)
    ? grown.filter((e): e is string => typeof e === "string").filter(same)
    : [];
  const now = today.filter(same);
  return before.length > 0 && before.every((entry, i) => now[i] === entry);
}

export function openps(args: string[], env: Record<string, string>): void {
  execFileSync(path.join(root, "bin/openps"), args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** The environment of a server (and of the commands growing its data) on this database and factor. */
async function databaseFor(kind: "pglite" | "postgres", factor: number): Promise<Record<string, string>> {
  const today = migrationsDigest();
  const digest = JSON.stringify(today);
  // The processes' OCDS releases are published when the data is grown (below), not by the server
  // in the background while it is measured.
  const common = {
    OPENPS_DEMO: "true",
    OPENPS_TENDER_KEY: TENDER_KEY,
    LOG_LEVEL: "warn",
    OPENPS_OCDS_PUBLISH_AT_START: "false",
  };
  if (kind === "pglite") {
    const dataDir = path.join(BENCH_DIR, `scale-f${factor}`);
    const env = { ...common, OPENPS_DATA_DIR: dataDir, DATABASE_URL: "" };
    const marker = path.join(dataDir, "bench-ready");
    if (fs.existsSync(marker) && stillServes(fs.readFileSync(marker, "utf8"), today)) return env;
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    grow(env, factor);
    fs.writeFileSync(marker, digest);
    return env;
  }
  const server = process.env.DATABASE_URL as string;
  const name = `openps_bench_f${factor}`;
  const url = new URL(server);
  url.pathname = `/${name}`;
  const env = {
    ...common,
    DATABASE_URL: url.toString(),
    OPENPS_DATA_DIR: path.join(BENCH_DIR, `pg-f${factor}`),
  };
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
    let ready = false;
    if (exists) {
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      try {
        await db.query("create table if not exists bench_ready (digest text)");
        const kept = await db.query<{ digest: string }>("select digest from bench_ready");
        ready = kept.rows.some((row) => stillServes(row.digest, today));
      } finally {
        await db.end();
      }
    }
    if (ready) return env;
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  fs.mkdirSync(env.OPENPS_DATA_DIR, { recursive: true });
  grow(env, factor);
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query("create table if not exists bench_ready (digest text)");
  await db.query("insert into bench_ready values ($1)", [digest]);
  await db.end();
  return env;
}

/** The demo data, grown to `factor` (factor 0: the demo data alone). */
function grow(env: Record<string, string>, factor: number): void {
  const started = performance.now();
  openps(["migrate"], env);
  openps(["seed"], env);
  openps(["demo", "scale", "--factor", String(factor)], env);
  // Every process's OCDS release, as the server would publish them in the background at start.
  openps(["ocds", "publish"], env);
  console.error(`  grown to factor ${factor} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Starts a process and waits until `url` answers 200; what it printed is shown if it stops. */
async function startProcess(args: string[], env: Record<string, string>, url: string): Promise<ChildProcess> {
  const child = spawn(node, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${args.join(" ")} exited with ${child.exitCode}:\n${output}`);
    const answered = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** `url` loaded by `connections` for SECONDS (after a second's warming). */
export async function load(url: string, connections: number, seconds = SECONDS): Promise<Load> {
  await autocannon({ url, connections, duration: 1 });
  const result = await autocannon({ url, connections, duration: seconds, timeout: 10 });
  const answered = result.requests.total;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.errors + result.timeouts + result.non2xx,
    bytes: answered > 0 ? result.throughput.total / answered : 0,
  };
}

/** Every route on one database at one factor, and the bare route beside it. */
export async function measure(kind: "pglite" | "postgres", factor: number): Promise<Measured> {
  return measureOn(kind, factor, await databaseFor(kind, factor));
}

/** Every route of a server on the database `env` names (grown to `factor`), beside the bare route. */
export async function measureOn(
  kind: "pglite" | "postgres",
  factor: number,
  env: Record<string, string>,
): Promise<Measured> {
  const { port, barePort, stop } = await startServers(env);
  try {
    const bare = await load(`http://127.0.0.1:${barePort}/bare`, CONNECTIONS);
    const routes = new Map<string, Load>();
    let healthUnderLoad: Load | undefined;
    for (const route of ROUTES) {
      const url = `http://127.0.0.1:${port}${route.url}`;
      if (route.name === "find a service") {
        const [loaded, health] = await Promise.all([
          load(url, CONNECTIONS),
          load(`http://127.0.0.1:${port}/healthz`, 1),
        ]);
        routes.set(route.name, loaded);
        healthUnderLoad = health;
      } else {
        routes.set(route.name, await load(url, CONNECTIONS));
      }
    }
    return { kind, factor, bare, routes, healthUnderLoad: healthUnderLoad as Load };
  } finally {
    await stop();
  }
}

/**
 * The real server (production mode) on the database `env` names, and the bare Fastify route in a
 * process of its own beside it, both answering: their ports, and how to stop them.
 */
export async function startServers(
  env: Record<string, string>,
): Promise<{ port: number; barePort: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const barePort = await freePort();
  const server = await startProcess(
    ["src/server.ts"],
    { ...env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1" },
    `http://127.0.0.1:${port}/healthz`,
  );
  const bareServer = await startProcess(
    ["bench/bare-server.ts"],
    { PORT: String(barePort) },
    `http://127.0.0.1:${barePort}/bare`,
  ).catch(async (error: unknown) => {
    await stopProcess(server);
    throw error;
  });
  return {
    port,
    barePort,
    stop: async () => {
      await stopProcess(server);
      await stopProcess(bareServer);
    },
  };
}

export interface ScaleFigure {
  name: string;
  ratio: number;
  target: number;
  detail: string;
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

/** The figures of the runs: each route's growth with the factor, the databases side by side, errors. */
export function scaleFigures(runs: readonly Measured[]): { figures: ScaleFigure[]; table: string[] } {
  const table: string[] = [];
  const figures: ScaleFigure[] = [];
  const find = (kind: string, factor: number) => runs.find((r) => r.kind === kind && r.factor === factor);
  for (const run of runs) {
    table.push(
      `${run.kind} factor ${run.factor}: bare route p50 ${ms(run.bare.p50)} p99 ${ms(run.bare.p99)} ${run.bare.rps.toFixed(0)}/s`,
    );
    for (const route of ROUTES) {
      const l = run.routes.get(route.name) as Load;
      const target =
        run.kind === "postgres" && run.factor === 100 ? ` (target p99 < ${route.p99TargetMs} ms)` : "";
      table.push(
        `  ${route.name.padEnd(17)} p50 ${ms(l.p50).padStart(7)} p99 ${ms(l.p99).padStart(7)}${target}  ${l.rps.toFixed(0).padStart(5)}/s = ${(run.bare.rps / Math.max(l.rps, 0.01)).toFixed(1)}× the bare route's cost  ${(l.bytes / 1024).toFixed(0)} KB  ${l.errors} errors`,
      );
    }
    const h = run.healthUnderLoad;
    table.push(
      `  /healthz under load p50 ${ms(h.p50)} p99 ${ms(h.p99)} (target < 10 ms)  ${h.errors} errors`,
    );
    const errors = [...run.routes.values(), h].reduce((sum, l) => sum + l.errors, 0);
    figures.push({
      name: `errors ${run.kind} f${run.factor}`,
      ratio: errors,
      target: 0,
      detail: "requests not answered 200, or timed out",
    });
  }
  for (const kind of ["pglite", "postgres"] as const) {
    const small = find(kind, 1);
    const large = find(kind, 100);
    if (!small || !large) continue;
    for (const route of ROUTES) {
      const a = small.routes.get(route.name) as Load;
      const b = large.routes.get(route.name) as Load;
      figures.push({
        name: `${route.name} ${kind} f100/f1`,
        ratio: a.rps / Math.max(b.rps, 0.01),
        target: 1.5,
        detail: `${b.rps.toFixed(0)}/s at factor 100 against ${a.rps.toFixed(0)}/s at factor 1`,
      });
    }
  }
  const lite = find("pglite", 100);
  const server = find("postgres", 100);
  if (lite && server) {
    for (const route of ROUTES) {
      const a = lite.routes.get(route.name) as Load;
      const b = server.routes.get(route.name) as Load;
      figures.push({
        name: `${route.name} pglite/pg`,
        ratio: a.p99 / Math.max(b.p99, 0.01),
        target: 3,
        detail: `p99 ${ms(a.p99)} on the embedded database against ${ms(b.p99)} on PostgreSQL (factor 100)`,
      });
    }
  }
  return { figures, table };
}

/** The machine the figures were measured on. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}`;
}

/** The factors measured: OPENPS_BENCH_FACTORS (e.g. "1,100"), by default 1 and 100. */
export function benchFactors(): number[] {
  return (process.env.OPENPS_BENCH_FACTORS ?? "1,100").split(",").map(Number);
}
