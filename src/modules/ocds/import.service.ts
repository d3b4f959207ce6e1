/**
 * Imports other publishers' OCDS data (`openps import ocds`): every release that can be understood
 * is kept as an external, read-only record of its publisher — upgraded to OCDS 1.1 and its obviously
 * wrong shapes coerced (upgrade.ts), with what was changed (`warnings`) and what the schema still
 * finds wrong (`problems`, validate.ts). A release is refused only when it cannot be understood: no
 * ocid, no id, no date that can be read, not an object, JSON that cannot be parsed, no publisher.
 *
 * Streaming and in flat memory (import-reader.ts); stored in batches, each one statement that stores
 * all of its releases or none — when one fails, its releases are stored one by one, so a release
 * the database refuses is never stored in part and never takes another with it. Importing the same
 * data again stores nothing new: a release is one per publisher, ocid and release id, and the first
 * stored is kept. One audit event on the platform's chain records each run, and tells the modules
 * plugged into `publishersImported` (ocds.ports.ts: the market's figures) which publishers have new
 * releases. See docs/open-data.md.
 */
import type { Readable } from "node:stream";
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { notifyAll } from "../../lib/ports.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import * as repo from "./external.repository.ts";
import type { ExternalNote, OcdsPublisherRow } from "./external.table.ts";
import { type Read, type Rejection, type RejectReason, type ReleaseRead, readOcds } from "./import-reader.ts";
import { publishersImported } from "./ocds.ports.ts";
import { coerceRelease, isOcds10, parseOcdsDate, upgradeRelease, withholdContacts } from "./upgrade.ts";
import { releaseProblems } from "./validate.ts";

/** One file (or standard input) to import. */
export interface ImportSource {
  /** How the file is named in the summary and in each release's `source`. */
  name: string;
  open(): Readable;
  /** Its size, when known, for the progress bar. */
  bytes?: number;
}

export interface ImportOptions {
  /** The publisher of releases whose data names none (a bare release, JSON lines). */
  publisherName?: string | undefined;
  actor: Actor;
  /** What the run is of, for the audit trail (the path given). */
  target: string;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface PublisherCounts {
  id: string;
  name: string;
  imported: number;
  skipped: number;
}

export interface ImportSummary {
  /** Stored, read as they were. */
  imported: number;
  /** Stored, with something changed to read them (`warnings`): an OCDS 1.0 shape upgraded, a shape coerced. */
  importedWithWarnings: number;
  /** Of those stored, how many were OCDS 1.0. */
  upgraded: number;
  /** Of those stored, how many the schema finds problems with. */
  withProblems: number;
  /** Already stored (same publisher, ocid and release id), by an earlier run or earlier in this one. */
  skipped: number;
  rejected: number;
  rejectedBy: Partial<Record<RejectReason, number>>;
  /** The first few rejections, in order. */
  firstRejected: Rejection[];
  publishers: PublisherCounts[];
  sources: number;
}

/** How many rejections the summary lists. */
export const REJECTIONS_LISTED = 10;
/** Releases stored by one statement (a statement's overhead shared by many; a batch is a megabyte or two). */
const BATCH = 1000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

interface PublisherNamed {
  key: string;
  name: string;
  uri: string | null;
  scheme: string | null;
  uid: string | null;
}

const field = (value: unknown, max: number): string | null =>
  typeof value === "string" && value.trim() !== ""
    ? clip(value.trim(), max)
    : typeof value === "number"
      ? String(value)
      : null;

/** A publisher as OCDS names one (`name`, `scheme`, `uid`, `uri`), or a bare name; undefined without a name. */
export function publisherNamed(value: unknown): PublisherNamed | undefined {
  const given = typeof value === "string" ? { name: value } : value;
  if (!isObject(given)) return undefined;
  const name = field(given.name, 500);
  if (!name) return undefined;
  const uri = field(given.uri, 1000);
  const scheme = field(given.scheme, 200);
  const uid = field(given.uid, 500);
  const key =
    scheme && uid
      ? `scheme:${scheme}/${uid}`
      : uri
        ? `uri:${uri}`
        : `name:${name.toLowerCase().replace(/\s+/g, " ")}`;
  return { key: clip(key, 1100), name, uri, scheme, uid };
}

/** The release's publisher: its package's, else the one its data names (`packageInfo`), else the one given. */
function publisherOf(item: ReleaseRead, given: string | undefined): PublisherNamed | undefined {
  const packageInfo = item.release.packageInfo;
  return (
    publisherNamed(item.pkg.publisher) ??
    (isObject(packageInfo) ? publisherNamed(packageInfo.publisher) : undefined) ??
    (given ? publisherNamed(given) : undefined)
  );
}

interface Prepared {
  kind: "prepared";
  row: Omit<repo.NewExternalRelease, "publisher_id" | "imported_at">;
  publisher: PublisherNamed;
  upgraded: boolean;
  where: string;
}

const COMPILED_ONLY =
  "The record gave only links to its releases: its compiled release was imported as one release, tagged compiled";

/** A release read, made ready to store; or why it cannot be. */
export function prepareRelease(
  item: ReleaseRead,
  given: string | undefined,
  source: string,
): Prepared | Rejection {
  const reject = (reason: RejectReason, detail: string): Rejection => ({
    kind: "rejected",
    reason,
    detail,
    where: item.where,
  });
  const release = item.release;
  const publisher = publisherOf(item, given);
  if (!publisher)
    return reject("no-publisher", 'the data names no publisher: name one with --publisher "<name>"');
  const warnings: ExternalNote[] = isOcds10(release, item.pkg.version) ? upgradeRelease(release) : [];
  const upgraded = warnings.length > 0;
  warnings.push(...coerceRelease(release));
  withholdContacts(release);
  if (item.compiled) {
    release.tag = ["compiled"];
    warnings.push({ path: "/tag", message: COMPILED_ONLY });
  }
  const ocid = typeof release.ocid === "string" ? release.ocid.trim() : "";
  if (ocid === "") return reject("no-ocid", "the release has no ocid");
  const id = typeof release.id === "string" ? release.id.trim() : "";
  if (id === "") return reject("no-id", "the release has no id");
  const date = parseOcdsDate(release.date);
  if (!date)
    return reject(
      "no-date",
      release.date === undefined
        ? "the release has no date"
        : `the release's date ${JSON.stringify(release.date)} is not a date`,
    );
  if (ocid.length > 1000 || id.length > 1000) return reject("no-id", "the release's ocid or id is too long");
  const tags = Array.isArray(release.tag)
    ? release.tag.filter((t): t is string => typeof t === "string")
    : [];
  const pkgUri = typeof item.pkg.uri === "string" ? ` (${item.pkg.uri})` : "";
  return {
    kind: "prepared",
    row: {
      ocid,
      release_id: id,
      date,
      tags,
      release,
      problems: releaseProblems(release),
      warnings,
      source: clip(`${source}${pkgUri}`, 2000),
    },
    publisher,
    upgraded,
    where: item.where,
  };
}

/** Imports every source in turn; the summary of what was done, audited. */
export async function importOcds(
  db: Db,
  clock: Clock,
  sources: readonly ImportSource[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    imported: 0,
    importedWithWarnings: 0,
    upgraded: 0,
    withProblems: 0,
    skipped: 0,
    rejected: 0,
    rejectedBy: {},
    firstRejected: [],
    publishers: [],
    sources: sources.length,
  };
  const publishers = new Map<string, OcdsPublisherRow>();
  const counts = new Map<string, PublisherCounts>();
  const countsOf = (publisher: OcdsPublisherRow): PublisherCounts => {
    let entry = counts.get(publisher.id);
    if (!entry) {
      entry = { id: publisher.id, name: publisher.name, imported: 0, skipped: 0 };
      counts.set(publisher.id, entry);
    }
    return entry;
  };
  const rejected = (rejection: Rejection) => {
    summary.rejected++;
    summary.rejectedBy[rejection.reason] = (summary.rejectedBy[rejection.reason] ?? 0) + 1;
    if (summary.firstRejected.length < REJECTIONS_LISTED) summary.firstRejected.push(rejection);
  };
  async function publisherRow(named: PublisherNamed): Promise<OcdsPublisherRow> {
    let row = publishers.get(named.key);
    if (!row) {
      row = await repo.publisherWithKey(db, named, { id: newId(), at: clock.now() });
      publishers.set(named.key, row);
    }
    return row;
  }

  type Pending = Prepared & { publisherRow: OcdsPublisherRow };
  let pending = new Map<string, Pending>();
  const stored = (entry: Pending) => {
    if (entry.row.warnings.length > 0) summary.importedWithWarnings++;
    else summary.imported++;
    if (entry.upgraded) summary.upgraded++;
    if (entry.row.problems.length > 0) summary.withProblems++;
    countsOf(entry.publisherRow).imported++;
  };
  const skipped = (publisher: OcdsPublisherRow) => {
    summary.skipped++;
    countsOf(publisher).skipped++;
  };
  async function flush(): Promise<void> {
    const entries = [...pending.values()];
    pending = new Map();
    if (entries.length === 0) return;
    const now = clock.now();
    const rowOf = (e: Pending) => ({ ...e.row, publisher_id: e.publisherRow.id, imported_at: now });
    const keyOf = (r: { publisher_id: string; ocid: string; release_id: string }) =>
      JSON.stringify([r.publisher_id, r.ocid, r.release_id]);
    let inserted: Set<string>;
    const refused = new Set<Pending>();
    try {
      inserted = new Set((await repo.insertReleases(db, entries.map(rowOf))).map(keyOf));
    } catch {
      // One of them is refused: each on its own, so that the others are stored.
      inserted = new Set();
      for (const entry of entries) {
        try {
          for (const key of await repo.insertReleases(db, [rowOf(entry)])) inserted.add(keyOf(key));
        } catch (error) {
          rejected({
            kind: "rejected",
            reason: "refused-by-database",
            detail: `the database refused it (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
            where: entry.where,
          });
          refused.add(entry);
        }
      }
    }
    for (const entry of entries) {
      if (inserted.has(keyOf(rowOf(entry)))) stored(entry);
      else if (!refused.has(entry)) skipped(entry.publisherRow);
    }
  }

  const total = sources.reduce((n, s) => n + (s.bytes ?? 0), 0);
  let done = 0;
  const onBytes = (bytes: number) => {
    done += bytes;
    if (total > 0) options.onProgress?.({ phase: "bytes read", done: Math.min(done, total), total });
  };
  for (const source of sources) {
    for await (const batch of readOcds(source.open(), source.name, onBytes)) {
      for (const item of batch as Read[]) {
        if (item.kind === "rejected") {
          rejected(item);
          continue;
        }
        const prepared = prepareRelease(item, options.publisherName, source.name);
        if (prepared.kind === "rejected") {
          rejected(prepared);
          continue;
        }
        const publisherRowOf = await publisherRow(prepared.publisher);
        const key = JSON.stringify([publisherRowOf.id, prepared.row.ocid, prepared.row.release_id]);
        if (pending.has(key)) {
          skipped(publisherRowOf);
          continue;
        }
        pending.set(key, { ...prepared, publisherRow: publisherRowOf });
        if (pending.size >= BATCH) await flush();
      }
    }
  }
  await flush();
  summary.publishers = [...counts.values()];

  await transaction(db, async (trx) => {
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: options.actor,
      action: "ocds.imported",
      entity: { type: "ocds-import", id: newId() },
      changes: {
        target: options.target,
        sources: summary.sources,
        imported: summary.imported,
        importedWithWarnings: summary.importedWithWarnings,
        upgraded: summary.upgraded,
        withProblems: summary.withProblems,
        skipped: summary.skipped,
        rejected: summary.rejected,
        rejectedBy: summary.rejectedBy,
        publishers: summary.publishers,
      },
    });
    // The publishers with new releases: what is computed from their data is computed again.
    const changed = summary.publishers.filter((p) => p.imported > 0).map((p) => p.id);
    if (changed.length > 0) await notifyAll(publishersImported, trx, clock, changed);
  });
  return summary;
}
