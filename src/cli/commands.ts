/**
 * The CLI's commands. Each opens what it needs, does one thing, prints a plain summary and closes.
 * While the server runs, the embedded database is locked and commands say "stop the server first".
 */

import fs from "node:fs";
import type { Config } from "../config/config.ts";
import { analyzeTables } from "../db/analyze.ts";
import { backupEmbedded, restoreEmbedded } from "../db/backup.ts";
import { openDatabase } from "../db/connect.ts";
import { migrateToLatest, openConfiguredDatabase } from "../db/migrate.ts";
import { transaction } from "../db/transaction.ts";
import { systemClock } from "../lib/clock.ts";
import { ValidationError } from "../lib/errors.ts";
import { systemCtx } from "../modules/access/context.ts";
import { anchorAuditChains, checkAnchors } from "../modules/audit/anchors.ts";
import { SYSTEM, verifyAuditChains } from "../modules/audit/audit.service.ts";
import { demoModeClock } from "../modules/demo-clock/demo-clock.service.ts";
import { jobCounts, listFailed, retryJob } from "../modules/jobs/jobs.service.ts";
import { recomputeAll } from "../modules/market/figures.service.ts";
import { publishMissingReleases } from "../modules/ocds/ocds.service.ts";
import { countPublishedProjects } from "../modules/projects/projects.service.ts";
import { loadTenderKeyring } from "../modules/tenders/sealing.ts";
import { loadAreas } from "../modules/vocabularies/vocabularies.service.ts";
import { factorText, type ScaleResult, scaleDemo } from "../seed/demo/scale/scale.ts";
import { useDemoTenderKeys } from "../seed/demo/tenders.ts";
import { runSeeds } from "../seed/seed.ts";
import { seeds } from "../seed/seeds.ts";
import { wireModules } from "../wiring.ts";
import { progressBar } from "./progress.ts";

/** An error the CLI prints as it is (no stack), exiting 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** How a command opens the database: for seconds (openDatabase's `shortLived`). */
const COMMAND = { shortLived: true } as const;

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function migrate(config: Config): Promise<void> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    lock: true,
    ...COMMAND,
  });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) await analyzeTables(database.db);
    say(
      applied.length === 0
        ? "The database is up to date."
        : `Applied ${applied.length} migration(s): ${applied.join(", ")}`,
    );
  } finally {
    await database.close();
  }
}

export async function seed(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config, COMMAND);
  try {
    // Demo tenders are sealed under this deployment's master key, as the server seeds them.
    useDemoTenderKeys(loadTenderKeyring(config));
    wireModules();
    const result = await runSeeds(database.db, systemClock, seeds, { demo: config.demo });
    if (result.applied.length > 0) await analyzeTables(database.db);
    say(
      result.applied.length === 0
        ? "Nothing to seed: every seed has been applied."
        : `Seeded: ${result.applied.join(", ")}`,
    );
  } finally {
    await database.close();
  }
}

/** Returns true when every chain is intact. */
export async function auditVerify(config: Config): Promise<boolean> {
  const database = await openConfiguredDatabase(config, COMMAND);
  try {
    const reports = await verifyAuditChains(database.db);
    if (reports.length === 0) say("There are no audit events yet.");
    for (const report of reports) {
      if (report.ok) say(`ok      chain ${report.authorityId}: ${report.events} events`);
      else
        say(
          `BROKEN  chain ${report.authorityId}: first broken link at event ${report.brokenAt?.seq}: ${report.brokenAt?.problem}`,
        );
    }
    const broken = reports.filter((r) => !r.ok).length;
    say(
      broken === 0
        ? reports.length === 1
          ? "The audit chain is intact."
          : `All ${reports.length} audit chains are intact.`
        : `${broken} of ${reports.length} audit chains are broken.`,
    );
    // Against the heads anchored outside the database: a cut or a rewrite shows here.
    const problems = await checkAnchors(database.db, config.dataDir);
    for (const problem of problems) say(`BROKEN  ${problem}`);
    if (problems.length > 0) say(`${problems.length} anchored chain heads do not hold.`);
    return broken === 0 && problems.length === 0;
  } finally {
    await database.close();
  }
}

/** Anchors every chain whose head has moved, outside the database (src/modules/audit/anchors.ts). */
export async function auditAnchor(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config, COMMAND);
  try {
    const anchored = await anchorAuditChains(database.db, config.dataDir, systemClock.now());
    say(
      anchored === 0
        ? "Every chain's head is already anchored."
        : `Anchored ${anchored} chain head(s) in ${config.dataDir}/audit-anchors.jsonl.`,
    );
  } finally {
    await database.close();
  }
}

function embeddedOnly(config: Config, what: string, instead: string): void {
  if (config.databaseUrl) {
    throw new CliError(
      `openps ${what} is for the embedded database. With DATABASE_URL set, use ${instead} (see docs/operations.md).`,
    );
  }
}

export async function backup(config: Config, file: string): Promise<void> {
  embeddedOnly(config, "backup", 'pg_dump --format=custom --file=openps.dump "$DATABASE_URL"');
  if (fs.existsSync(file))
    throw new CliError(`${file} already exists. Choose a new file name so no backup is overwritten.`);
  const { bytes, keys } = await backupEmbedded(config.dataDir, file, { passphrase: config.backupPassphrase });
  say(`Backed up ${config.dataDir} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB).`);
  if (keys === "encrypted") say("The server's keys are in it, encrypted with OPENPS_BACKUP_PASSPHRASE.");
  if (keys === "left-out")
    say(
      `The server's keys (${config.dataDir}/keys) are not in it: keep a copy of them apart from the backups, or set OPENPS_BACKUP_PASSPHRASE to include them encrypted.`,
    );
}

export async function restore(config: Config, file: string): Promise<void> {
  embeddedOnly(config, "restore", 'pg_restore --clean --dbname="$DATABASE_URL" openps.dump');
  const { keptAside, keys } = await restoreEmbedded(config.dataDir, file, {
    passphrase: config.backupPassphrase,
  });
  say(`Restored ${config.dataDir} from ${file}.`);
  if (keys === "restored") say("The server's keys were restored from it.");
  if (keys === "kept-current")
    say(
      "The backup holds the server's keys, encrypted; without OPENPS_BACKUP_PASSPHRASE the current keys were kept.",
    );
  for (const aside of keptAside)
    say(`The data it replaced is kept in ${aside}; delete it when you no longer need it.`);
}

export async function jobsStatus(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config, COMMAND);
  try {
    const counts = await jobCounts(database.db);
    say(
      Object.entries(counts)
        .map(([status, n]) => `${status}: ${n}`)
        .join(", "),
    );
    for (const job of await listFailed(database.db, { limit: 50 })) {
      say(
        `failed  ${job.id}  ${job.queue}  after ${job.attempts} attempts, ${job.updated_at.toISOString()}: ${job.last_error ?? ""}`,
      );
    }
  } finally {
    await database.close();
  }
}

export async function jobsRetry(config: Config, id: string): Promise<void> {
  const database = await openConfiguredDatabase(config, COMMAND);
  try {
    const job = await transaction(database.db, (trx) =>
      retryJob(trx, systemClock, id, { actor: SYSTEM("cli") }),
    );
    say(`Job ${job.id} (${job.queue}) will run again when the server next looks for work.`);
  } finally {
    await database.close();
  }
}

/** Loads areas from a CSV (docs/vocabularies.md): all of them, or none and every bad line named. */
export async function areasLoad(config: Config, file: string): Promise<void> {
  let csv: string;
  try {
    csv = fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(`Cannot read ${file}. Check the file name.`);
  }
  const database = await openConfiguredDatabase(config, COMMAND);
  try {
    const loaded = await loadAreas(database.db, systemClock, SYSTEM("cli"), csv).catch((error: unknown) => {
      if (!(error instanceof ValidationError)) throw error;
      throw new CliError(
        [error.message, ...error.details.map((d) => `  ${d.field}: ${d.message}`)].join("\n"),
      );
    });
    say(`Loaded ${loaded.total} areas from ${file}: ${loaded.added} new, ${loaded.updated} updated.`);
  } finally {
    await database.close();
  }
}

const number = (n: number) => n.toLocaleString("en-GB");

/** The summary of a scale-up: what it added, table by table, and each invariant that does not hold. */
function scaleSummary(result: ScaleResult, ms: number): string[] {
  const what = `factor ${result.factor} with seed "${result.seed}"`;
  const kinds = `${number(result.planned.organisations)} organisations, ${number(result.planned.locations)} regulated locations and ${number(result.planned.tenders)} tenders`;
  const rows = Object.values(result.added).reduce((n, added) => n + added, 0);
  const lines =
    result.status === "already-added"
      ? [`The demo data was grown by ${what} already (${kinds}): nothing to add.`]
      : [
          `${result.status === "resumed" ? "Finished growing" : "Grew"} the demo data by ${what}: ${kinds}, ${number(rows)} rows in ${(ms / 1000).toFixed(0)} s, dated around ${result.generatedAt.toISOString().slice(0, 10)}.`,
          ...Object.entries(result.added)
            .filter(([, added]) => added > 0)
            .map(([table, added]) => `  ${table.padEnd(28)} ${number(added).padStart(12)}`),
        ];
  const failed = result.invariants.filter((i) => !i.ok);
  if (result.invariants.length > 0)
    lines.push(
      failed.length === 0
        ? `Checked: all ${result.invariants.length} invariants hold.`
        : `Checked: ${failed.length} of ${result.invariants.length} invariants do not hold:`,
      ...failed.map(
        (i) =>
          `  FAILED  ${i.name}: ${number(i.failures)} at fault (${i.examples.join(", ")}). The rule: ${i.rule}.`,
      ),
    );
  return lines;
}

/**
 * Grows the demo data (src/seed/demo/scale): demo mode only, on the deployment's keys and the demo
 * clock, with a progress bar on stderr. True when every invariant holds afterwards.
 */
export async function demoScale(config: Config, options: { factor: number; seed: string }): Promise<boolean> {
  if (!config.demo)
    throw new CliError(
      "openps demo scale adds made-up data to a demonstration's database: run it in demo mode (OPENPS_DEMO=true), on a database seeded in demo mode.",
    );
  factorText(options.factor);
  // Not short-lived: a scale-up writes for minutes, and the database's buffers pay back.
  const database = await openConfiguredDatabase(config);
  try {
    const keys = loadTenderKeyring(config);
    useDemoTenderKeys(keys);
    const clock = await demoModeClock(database.db, systemClock, true);
    const bar = progressBar(process.stderr);
    const started = Date.now();
    const result = await scaleDemo(database.db, {
      factor: options.factor,
      seed: options.seed,
      clock,
      keys,
      onProgress: (progress) => bar.update(progress),
    }).finally(() => bar.done());
    for (const line of scaleSummary(result, Date.now() - started)) say(line);
    // The rows are added in bulk, not through the services: the market figures are computed again.
    if (result.status !== "already-added") {
      const computed = await recomputeAll(database.db, clock);
      say(`Computed the market figures of ${number(computed)} public bodies again.`);
    }
    return result.invariants.every((i) => i.ok);
  } finally {
    await database.close();
  }
}

/**
 * Publishes an OCDS release for every contracting process that has none (docs/open-data.md): after
 * an upgrade to a version that publishes them, or data grown by `openps demo scale`. The server
 * does the same in the background at start; this does it now, with a progress bar.
 */
export async function ocdsPublish(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config);
  try {
    // The releases' integrity flags, and the market's figures queued, follow as on the server.
    wireModules();
    const clock = await demoModeClock(database.db, systemClock, config.demo);
    const ctx = systemCtx(database.db, clock, "ocds-publish");
    const total = await countPublishedProjects(ctx);
    const bar = progressBar(process.stderr);
    const published = await publishMissingReleases(ctx, {
      onProgress: (done) => bar.update({ phase: "projects", done, total }),
    }).finally(() => bar.done());
    say(
      published === 0
        ? "Every contracting process already has its releases: nothing to publish."
        : `Published ${published.toLocaleString("en-GB")} release${published === 1 ? "" : "s"}, one for each process that had none.`,
    );
  } finally {
    await database.close();
  }
}

/**
 * Computes the market dashboards' figures of every public body again (src/modules/market), each
 * authority's swapped in whole; the server keeps them up to date by itself afterwards.
 */
export async function marketRebuild(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config);
  try {
    wireModules();
    const clock = await demoModeClock(database.db, systemClock, config.demo);
    const started = Date.now();
    const done = await recomputeAll(database.db, clock, (n) => {
      if (n % 50 === 0) process.stderr.write(`${n} public bodies computed\r`);
    });
    say(
      `Computed the market figures of ${done} public bodies in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  } finally {
    await database.close();
  }
}
