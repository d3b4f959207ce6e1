/**
 * `openps import ocds <file|directory|->`: other publishers' OCDS data imported as external,
 * read-only records of their publishers (src/modules/ocds/import.service.ts), with a progress bar on
 * stderr and a summary at the end. See docs/open-data.md.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import type { Config } from "../config/config.ts";
import type { Db } from "../db/database.ts";
import { openConfiguredDatabase } from "../db/migrate.ts";
import { type Clock, systemClock } from "../lib/clock.ts";
import { SYSTEM } from "../modules/audit/audit.service.ts";
import { type ImportSource, type ImportSummary, importOcds } from "../modules/ocds/import.service.ts";
import type { RejectReason } from "../modules/ocds/import-reader.ts";
import { progressBar } from "./progress.ts";

export class ImportTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportTargetError";
  }
}

/** The files a directory's import reads: OCDS data by its name (JSON, JSON lines, gzipped or not). */
const OCDS_FILE = /\.(json|jsonl|ndjson|jl)(\.gz)?$/i;

export interface ImportOcdsOptions {
  publisher?: string | undefined;
}

function fileSource(file: string, name: string): ImportSource {
  if (file.toLowerCase().endsWith(".gz"))
    return {
      name,
      open: () => {
        const gunzip = zlib.createGunzip();
        pipeline(fs.createReadStream(file), gunzip, () => {});
        return gunzip;
      },
    };
  return { name, open: () => fs.createReadStream(file), bytes: fs.statSync(file).size };
}

/** Every OCDS file under `dir`, in name order, and how many other files there were. */
function filesUnder(dir: string): { files: string[]; others: number } {
  const files: string[] = [];
  let others = 0;
  const walk = (at: string) => {
    const entries = fs.readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && OCDS_FILE.test(entry.name)) files.push(full);
      else if (entry.isFile()) others++;
    }
  };
  walk(dir);
  return { files, others };
}

/** What to read for `target`: standard input ("-"), one file, or every OCDS file under a directory. */
export function importSources(
  target: string,
  stdin: Readable = process.stdin,
): { sources: ImportSource[]; others: number } {
  if (target === "-") return { sources: [{ name: "standard input", open: () => stdin }], others: 0 };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new ImportTargetError(`Cannot read ${target}: there is no such file or directory. Check the path.`);
  }
  if (!stat.isDirectory()) return { sources: [fileSource(target, target)], others: 0 };
  const { files, others } = filesUnder(target);
  return { sources: files.map((file) => fileSource(file, path.relative(target, file))), others };
}

const number = (n: number) => n.toLocaleString("en-GB");

const REASONS: Record<RejectReason, string> = {
  "not-an-object": "not an object",
  "no-ocid": "no ocid",
  "no-id": "no id",
  "no-date": "no date that can be read",
  "unreadable-json": "JSON that cannot be parsed",
  "unreadable-file": "a file that cannot be read",
  "no-release": "a record without releases",
  "no-publisher": "no publisher",
  "refused-by-database": "refused by the database",
};

/** The summary printed at the end of an import. */
export function importSummaryLines(summary: ImportSummary, others: number): string[] {
  const lines = [
    `Read ${number(summary.sources)} file(s)${others > 0 ? ` (${number(others)} other file(s) left out: not .json, .jsonl, .ndjson or .jl)` : ""}.`,
    `  imported                   ${number(summary.imported).padStart(9)}`,
    `  imported with warnings     ${number(summary.importedWithWarnings).padStart(9)}`,
    `  skipped, already present   ${number(summary.skipped).padStart(9)}`,
    `  rejected                   ${number(summary.rejected).padStart(9)}`,
  ];
  if (summary.importedWithWarnings > 0)
    lines.push(
      `Warnings say what was changed to read a release: ${number(summary.upgraded)} upgraded from OCDS 1.0, the others' shapes coerced (a value where a list belongs, a number as text).`,
    );
  if (summary.withProblems > 0)
    lines.push(
      `${number(summary.withProblems)} of the releases imported do not follow the OCDS 1.1 schema: their problems are kept with them.`,
    );
  for (const publisher of summary.publishers)
    lines.push(
      `  ${publisher.name}: ${number(publisher.imported)} imported, ${number(publisher.skipped)} skipped`,
    );
  if (summary.rejected > 0) {
    lines.push(
      `Rejected: ${Object.entries(summary.rejectedBy)
        .map(([reason, n]) => `${number(n)} ${REASONS[reason as RejectReason]}`)
        .join(", ")}.`,
    );
    lines.push(`The first ${number(summary.firstRejected.length)}:`);
    for (const rejection of summary.firstRejected) lines.push(`  ${rejection.where}: ${rejection.detail}`);
  }
  return lines;
}

/** Imports `target` into the database `db`; prints the summary to `out`. True when anything was read. */
export async function runOcdsImport(
  db: Db,
  clock: Clock,
  target: string,
  options: ImportOcdsOptions,
  io: { out: (line: string) => void; progress?: NodeJS.WriteStream; stdin?: Readable },
): Promise<boolean> {
  const { sources, others } = importSources(target, io.stdin);
  const bar = io.progress ? progressBar(io.progress) : undefined;
  const summary = await importOcds(db, clock, sources, {
    publisherName: options.publisher,
    actor: SYSTEM("cli"),
    target: target === "-" ? "standard input" : target,
    ...(bar ? { onProgress: (progress) => bar.update(progress) } : {}),
  }).finally(() => bar?.done());
  for (const line of importSummaryLines(summary, others)) io.out(line);
  return summary.imported + summary.importedWithWarnings + summary.skipped > 0;
}

/** `openps import ocds`: true when something was imported or skipped as already present. */
export async function importOcdsCommand(
  config: Config,
  target: string,
  options: ImportOcdsOptions,
): Promise<boolean> {
  // Checked before the database is opened: a wrong path says so at once.
  importSources(target);
  const database = await openConfiguredDatabase(config);
  try {
    return await runOcdsImport(database.db, systemClock, target, options, {
      out: (line) => process.stdout.write(`${line}\n`),
      progress: process.stderr,
    });
  } finally {
    await database.close();
  }
}
