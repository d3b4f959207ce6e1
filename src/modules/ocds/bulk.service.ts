/**
 * OCDS bulk files: every release, for those who want the whole of it rather than page by page —
 * `releases.jsonl.gz` (one release a line, gzipped) and release packages of at most 250,000
 * releases each (`releases-0001.json.gz`, …), with `index.json` naming each file with its size,
 * its number of releases and its SHA-256 (the ETag it is served with).
 *
 * Rebuilt by a job (`ocds.bulk`) at most once a minute while releases are being published: each
 * release queues the rebuild for the end of its minute. Built in a directory of its own beside the
 * published one and swapped in whole, so a reader never sees half a file; releases are read by key
 * a thousand at a time and written as streams, so memory stays flat whatever the number.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { NotFoundError } from "../../lib/errors.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue } from "../jobs/jobs.service.ts";
import * as repo from "./ocds.repository.ts";
import { type Publication, packageMeta, publishedText } from "./packages.ts";

export const BULK_QUEUE = "ocds.bulk";
/** The most releases in one release package file (the standard's advice for bulk packages). */
export const RELEASES_PER_PACKAGE = 250_000;
const REBUILD_EVERY_MS = 60_000;

export interface BulkFile {
  name: string;
  releases: number;
  bytes: number;
  sha256: string;
}

export interface BulkIndex {
  generatedAt: string;
  releases: number;
  /** The newest release's date, when there is one. */
  lastReleaseDate: string | null;
  files: BulkFile[];
}

/** Where the published bulk files are: under the data directory. */
export function bulkDir(dataDir: string): string {
  return path.join(dataDir, "open-data", "ocds");
}

/**
 * Queues the rebuild of the bulk files for the end of this minute, in the caller's transaction (a
 * release published): at most one rebuild a minute, however many releases.
 */
export async function queueBulkRebuild(trx: Trx, clock: Clock): Promise<void> {
  const minute = Math.floor(clock.now().getTime() / REBUILD_EVERY_MS);
  await enqueue(trx, clock, {
    queue: BULK_QUEUE,
    payload: {},
    runAt: new Date((minute + 1) * REBUILD_EVERY_MS),
    dedupeKey: `${BULK_QUEUE}:${minute}`,
  });
}

/** A gzipped file written from `lines`, with its size and SHA-256. */
async function writeGzip(
  file: string,
  lines: AsyncIterable<string>,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  const out = fs.createWriteStream(file);
  const gzip = createGzip();
  gzip.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(lines, gzip, out);
  return { bytes, sha256: hash.digest("hex") };
}

const EXPORT_PAGE = 2000;

/**
 * Every release in publication order, as published (its JSON text), a page at a time by key — the
 * next page asked for while this one is written (the database works while the compressor does).
 */
async function* everyRelease(db: Db, publication: Publication): AsyncGenerator<{ date: Date; text: string }> {
  let next: Promise<repo.ReleaseText[]> | undefined = repo.releasesInOrder(db, undefined, EXPORT_PAGE);
  while (next) {
    const page: repo.ReleaseText[] = await next;
    const last = page[page.length - 1];
    next =
      last && page.length === EXPORT_PAGE
        ? repo.releasesInOrder(db, { date: last.date, id: last.id }, EXPORT_PAGE)
        : undefined;
    // Awaited on the next turn; until then a failure must not count as unhandled.
    next?.catch(() => undefined);
    for (const row of page) yield { date: row.date, text: publishedText(row.release, publication.baseUrl) };
  }
}

/** Every release, as published, one a line, gzipped into `file`: what it wrote. */
export async function writeReleasesJsonl(
  db: Db,
  publication: Publication,
  file: string,
): Promise<{ releases: number; lastReleaseDate: string | null; bytes: number; sha256: string }> {
  let releases = 0;
  let last: string | null = null;
  const lines = async function* () {
    for await (const release of everyRelease(db, publication)) {
      releases += 1;
      last = release.date.toISOString();
      yield `${release.text}\n`;
    }
  };
  const written = await writeGzip(file, lines());
  return { releases, lastReleaseDate: last, ...written };
}

/**
 * Builds every bulk file from the releases now published and swaps them in for the last build
 * (`perPackage`: releases a package file, RELEASES_PER_PACKAGE unless given). Returns the new index.
 */
export async function buildBulkFiles(
  db: Db,
  clock: Clock,
  publication: Publication,
  dataDir: string,
  options: { perPackage?: number } = {},
): Promise<BulkIndex> {
  const perPackage = options.perPackage ?? RELEASES_PER_PACKAGE;
  const target = bulkDir(dataDir);
  const building = `${target}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  const generatedAt = clock.now();
  // One release a line.
  const jsonl = await writeReleasesJsonl(db, publication, path.join(building, "releases.jsonl.gz"));
  const files: BulkFile[] = [
    { name: "releases.jsonl.gz", releases: jsonl.releases, bytes: jsonl.bytes, sha256: jsonl.sha256 },
  ];

  // Release packages of at most RELEASES_PER_PACKAGE releases, read again in the same order.
  const releases = everyRelease(db, publication);
  let next = await releases.next();
  for (let part = 1; !next.done; part += 1) {
    const name = `releases-${String(part).padStart(4, "0")}.json.gz`;
    let count = 0;
    const meta = packageMeta(publication, `/data/ocds/bulk/${name}`, generatedAt);
    const body = async function* () {
      yield `${JSON.stringify(meta).slice(0, -1)},"releases":[`;
      while (!next.done && count < perPackage) {
        yield `${count > 0 ? "," : ""}${next.value.text}`;
        count += 1;
        next = await releases.next();
      }
      yield "]}";
    };
    const written = await writeGzip(path.join(building, name), body());
    files.push({ name, releases: count, ...written });
  }

  const index: BulkIndex = {
    generatedAt: generatedAt.toISOString(),
    releases: jsonl.releases,
    lastReleaseDate: jsonl.lastReleaseDate,
    files,
  };
  fs.writeFileSync(path.join(building, "index.json"), JSON.stringify(index, null, 2));
  // The new build in place of the old, whole: a rename each way.
  const old = `${target}.old-${process.pid}`;
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(building, target);
  fs.rmSync(old, { recursive: true, force: true });
  return index;
}

/** The index of the bulk files last built; an empty one before the first build. */
export function bulkIndex(dataDir: string): BulkIndex {
  try {
    return JSON.parse(fs.readFileSync(path.join(bulkDir(dataDir), "index.json"), "utf8")) as BulkIndex;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return { generatedAt: new Date(0).toISOString(), releases: 0, lastReleaseDate: null, files: [] };
  }
}

/** A bulk file to send: its path and what the index says of it; 404 for a name it does not list. */
export function bulkFile(
  dataDir: string,
  name: string,
): { file: string; entry: BulkFile; generatedAt: Date } {
  const index = bulkIndex(dataDir);
  const entry = index.files.find((f) => f.name === name);
  if (!entry) throw new NotFoundError("bulk file");
  return { file: path.join(bulkDir(dataDir), entry.name), entry, generatedAt: new Date(index.generatedAt) };
}

/** The job handler that rebuilds the bulk files (platform.ts). */
export function ocdsJobHandlers(deps: {
  publication: Publication;
  dataDir: string;
}): Record<string, JobHandler> {
  return {
    [BULK_QUEUE]: async (_payload, ctx) => {
      await buildBulkFiles(ctx.db, ctx.clock, deps.publication, deps.dataDir);
    },
  };
}
