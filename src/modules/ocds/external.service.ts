/**
 * Other publishers' OCDS data as imported (`openps import ocds`, import.service.ts), read: the
 * publishers, a publisher's releases newest first, and one of its processes as a record (compiled and
 * versioned by the standard's merge, merge.ts). Public. Everything says where it came from — the
 * publisher's name and uri, and that OpenPS only imported it — so it is never taken for OpenPS's own
 * releases (ocds.service.ts). See docs/open-data.md.
 */
import type { Db } from "../../db/database.ts";
import { COUNT_CAP, decodeKey, encodeKey, type Total } from "../../db/paging.ts";
import { NotFoundError, ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./external.repository.ts";
import type { ExternalNote, OcdsPublisherRow } from "./external.table.ts";
import { compileRelease, type OcdsRelease, versionRelease } from "./merge.ts";

export const EXTERNAL_PAGE_SIZE = 100;
export const MAX_EXTERNAL_PAGE_SIZE = 1000;
export const PUBLISHERS_PAGE_SIZE = 50;
/** The most releases of one process a record is made from. */
export const RECORD_RELEASES = 5000;

/** What marks imported data as another publisher's. */
export interface ExternalSource {
  imported: true;
  publisher: { id: string; name: string; uri: string | null };
  note: string;
}

export function sourceOf(publisher: OcdsPublisherRow): ExternalSource {
  return {
    imported: true,
    publisher: { id: publisher.id, name: publisher.name, uri: publisher.uri },
    note: `Published by ${publisher.name}${publisher.uri ? ` (${publisher.uri})` : ""}, not by OpenPS: imported from its OCDS data and kept as it published it, read-only, except that contact points' personal details (an official's name, email, telephone and fax) are withheld.`,
  };
}

const total = (n: number): Total =>
  n > COUNT_CAP ? { count: COUNT_CAP, atLeast: true } : { count: n, atLeast: false };

export interface ExternalPublisher {
  id: string;
  name: string;
  uri: string | null;
  scheme: string | null;
  uid: string | null;
  firstImportedAt: string;
  processes: Total;
  releases: Total;
  links: { releases: string };
}

/** The publishers whose data was imported, by name, with how many processes and releases each has (capped). */
export async function externalPublishers(
  ctx: Ctx,
  baseUrl: string,
  query: { after?: string | undefined },
): Promise<{ publishers: ExternalPublisher[]; links?: { next: string } }> {
  const key = decodeKey(query.after, ["string", "string"], "after");
  const rows = await repo.publishersPage(ctx.db, {
    ...(key ? { seek: { name: String(key[0]), id: String(key[1]) } } : {}),
    limit: PUBLISHERS_PAGE_SIZE + 1,
    cap: COUNT_CAP,
  });
  const page = rows.slice(0, PUBLISHERS_PAGE_SIZE);
  const last = page.at(-1);
  return {
    publishers: page.map((p) => ({
      id: p.id,
      name: p.name,
      uri: p.uri,
      scheme: p.scheme,
      uid: p.uid,
      firstImportedAt: p.first_imported_at.toISOString(),
      processes: total(p.processes),
      releases: total(p.releases),
      links: { releases: `${baseUrl}/data/ocds/external/releases?publisher=${p.id}` },
    })),
    ...(rows.length > PUBLISHERS_PAGE_SIZE && last
      ? {
          links: {
            next: `${baseUrl}/data/ocds/external/publishers?after=${encodeKey([last.name, last.id])}`,
          },
        }
      : {}),
  };
}

async function publisherOf(ctx: Ctx, id: string): Promise<OcdsPublisherRow> {
  const publisher = await repo.publisherById(ctx.db, id);
  if (!publisher) throw new NotFoundError("publisher");
  return publisher;
}

export interface ExternalRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  release: Record<string, unknown>;
  problems: ExternalNote[];
  warnings: ExternalNote[];
  importedFrom: string;
  importedAt: string;
  links: { record: string };
}

/** A publisher's imported releases, newest first, each with its problems and what the import changed. */
export async function externalReleases(
  ctx: Ctx,
  baseUrl: string,
  query: { publisher: string; after?: string | undefined; pageSize?: number | undefined },
): Promise<{ source: ExternalSource; releases: ExternalRelease[]; links?: { next: string } }> {
  const publisher = await publisherOf(ctx, query.publisher);
  const pageSize = Math.min(
    Math.max(1, Math.trunc(query.pageSize ?? EXTERNAL_PAGE_SIZE)),
    MAX_EXTERNAL_PAGE_SIZE,
  );
  const key = decodeKey(query.after, ["string", "string", "string"], "after");
  const seek = key
    ? { date: keyDate(String(key[0])), ocid: String(key[1]), releaseId: String(key[2]) }
    : undefined;
  const rows = await repo.releasesPage(ctx.db, publisher.id, seek, pageSize + 1);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const params = new URLSearchParams({ publisher: publisher.id });
  if (query.pageSize) params.set("pageSize", String(pageSize));
  if (last) params.set("after", encodeKey([last.date.toISOString(), last.ocid, last.release_id]));
  return {
    source: sourceOf(publisher),
    releases: page.map((r) => ({
      ocid: r.ocid,
      id: r.release_id,
      date: r.date.toISOString(),
      tag: r.tags,
      release: r.release,
      problems: r.problems,
      warnings: r.warnings,
      importedFrom: r.source,
      importedAt: r.imported_at.toISOString(),
      links: { record: recordUrl(baseUrl, publisher.id, r.ocid) },
    })),
    ...(rows.length > pageSize && last
      ? { links: { next: `${baseUrl}/data/ocds/external/releases?${params.toString()}` } }
      : {}),
  };
}

/** The date of a page link's key; a link made by hand with another is refused as incomplete. */
function keyDate(text: string): Date {
  const date = new Date(text);
  if (!Number.isNaN(date.getTime())) return date;
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  throw new ValidationError(message, [{ field: "after", message }]);
}

const recordUrl = (baseUrl: string, publisherId: string, ocid: string) =>
  `${baseUrl}/data/ocds/external/records/${encodeURIComponent(ocid)}?publisher=${publisherId}`;

/**
 * One of a publisher's processes as a record package: its releases in date order, the compiled
 * release (each field's latest value) and the versioned release (each field's history), merged by
 * the standard's rules; and each release's problems. A release imported from a record's compiled
 * release (tagged "compiled") is merged only when the process has no other.
 */
export async function externalRecord(ctx: Ctx, baseUrl: string, publisherId: string, ocid: string) {
  const publisher = await publisherOf(ctx, publisherId);
  const rows = await repo.releasesOfProcess(ctx.db, publisher.id, ocid, RECORD_RELEASES);
  const latest = rows.at(-1);
  if (!latest) throw new NotFoundError("record");
  const proper = rows.filter((r) => !r.tags.includes("compiled"));
  const merged = (proper.length > 0 ? proper : rows).map((r) => r.release as OcdsRelease);
  return {
    uri: recordUrl(baseUrl, publisher.id, ocid),
    version: "1.1" as const,
    publishedDate: latest.date.toISOString(),
    publisher: { name: publisher.name, ...(publisher.uri ? { uri: publisher.uri } : {}) },
    source: sourceOf(publisher),
    records: [
      {
        ocid,
        releases: rows.map((r) => r.release),
        compiledRelease: compileRelease(merged),
        versionedRelease: versionRelease(merged),
      },
    ],
    problems: rows.map((r) => ({ release: r.release_id, problems: r.problems, warnings: r.warnings })),
  };
}

// What the market's figures read of the imported data (src/modules/market)

/** One of a publisher's processes, compiled as its record is (`externalRecord`). */
export interface ImportedProcess {
  ocid: string;
  /** The compiled release: each field's latest value, merged by the standard's rules. */
  compiled: Record<string, unknown>;
  /** The date of its first release tagged "tender" (when its tender was published), if any. */
  firstTenderAt: Date | null;
}

/** Releases read at once, in process order. */
const PROCESS_PAGE = 1000;

type ProcessRelease = Awaited<ReturnType<typeof repo.releasesInProcessOrder>>[number];

function processOf(ocid: string, rows: ProcessRelease[]): ImportedProcess {
  const ordered = rows.sort(
    (a, b) => a.date.getTime() - b.date.getTime() || (a.release_id < b.release_id ? -1 : 1),
  );
  const proper = ordered.filter((r) => !r.tags.includes("compiled"));
  const merged = (proper.length > 0 ? proper : ordered).map((r) => r.release as OcdsRelease);
  const tender = ordered.find((r) => r.tags.includes("tender"));
  return { ocid, compiled: compileRelease(merged), firstTenderAt: tender?.date ?? null };
}

/**
 * Every process of a publisher, one at a time, compiled: its releases read a page at a time in the
 * order of the primary key (no query holds on; a process's releases are together), each process
 * compiled once all of its releases are read. Public data.
 */
export async function* importedProcesses(db: Db, publisherId: string): AsyncGenerator<ImportedProcess> {
  let seek: repo.ProcessOrderSeek | undefined;
  let ocid: string | undefined;
  let held: ProcessRelease[] = [];
  for (;;) {
    const rows = await repo.releasesInProcessOrder(db, publisherId, seek, PROCESS_PAGE);
    for (const row of rows) {
      if (row.ocid !== ocid) {
        if (ocid !== undefined && held.length > 0) yield processOf(ocid, held);
        ocid = row.ocid;
        held = [];
      }
      // A process of more releases than a record is made from: the first read (as a record would, near enough).
      if (held.length < RECORD_RELEASES) held.push(row);
    }
    const last = rows.at(-1);
    if (!last || rows.length < PROCESS_PAGE) break;
    seek = { ocid: last.ocid, releaseId: last.release_id };
  }
  if (ocid !== undefined && held.length > 0) yield processOf(ocid, held);
}

/** The publishers of imported data with these ids, as `sourceOf` names them. */
export async function publishersNamed(
  db: Db,
  ids: readonly string[],
): Promise<ExternalSource["publisher"][]> {
  const rows = await repo.publishersWithIds(db, ids);
  return rows.map((p) => ({ id: p.id, name: p.name, uri: p.uri }));
}

/** Every publisher's id, a page at a time by key (`pageByKey`). */
export const publisherIdsAfter = repo.publisherIdsAfter;
