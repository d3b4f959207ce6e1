/**
 * Searching the contracting processes of the open data: OpenPS's own and those imported from other
 * publishers, by the words of their tenders (the search's syntax is the directory's:
 * `src/db/text-search.ts`), newest first, each process once — the release found newest — and each
 * marked with its source, so that another publisher's process is never taken for OpenPS's. A page at
 * a time by key (a release's date and id, the same order in both). Public.
 */
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { MAX_SEARCH_TEXT } from "../../db/text-search.ts";
import { ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import type { Ctx } from "../access/context.ts";
import * as external from "./external.repository.ts";
import * as repo from "./ocds.repository.ts";

export const SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_PAGE_SIZE = 100;
const SEARCH_KEY: readonly ["string", "string"] = ["string", "string"];

export interface ProcessFound {
  ocid: string;
  title: string | null;
  buyer: string | null;
  /** The date of the newest release the search found. */
  date: Date;
  /** Where it comes from: OpenPS, or the publisher whose data it was imported from. */
  source:
    | { imported: false }
    | { imported: true; publisher: { id: string; name: string; uri: string | null } };
  /** Its record, site-relative. */
  record: string;
}

export interface ProcessSearch {
  results: ProcessFound[];
  /** The key of the next page, when there is one. */
  next: string | undefined;
}

/** Processes whose tenders' words match `q`, newest first, each once, with their sources. */
export async function searchProcesses(
  ctx: Ctx,
  query: { q?: string | undefined; after?: string | undefined; pageSize?: number | undefined },
): Promise<ProcessSearch> {
  const q = query.q?.trim().slice(0, MAX_SEARCH_TEXT) ?? "";
  if (q === "")
    throw new ValidationError(msg`Check the search`, [
      { field: "q", message: msg`Enter the words to look for in the processes' tenders` },
    ]);
  const pageSize = Math.min(
    Math.max(1, Math.trunc(query.pageSize ?? SEARCH_PAGE_SIZE)),
    MAX_SEARCH_PAGE_SIZE,
  );
  const key = decodeKey(query.after, SEARCH_KEY, "after");
  const seek = key ? { date: new Date(String(key[0])), id: String(key[1]) } : undefined;
  if (seek && Number.isNaN(seek.date.getTime()))
    throw new ValidationError(msg`Check the search`, [
      { field: "after", message: msg`Follow the link to the next page again: this one is not complete` },
    ]);
  // Enough releases from each source for a page of processes (a process may have several).
  const enough = pageSize * 4 + 1;
  const [own, imported] = await Promise.all([
    repo.releasesMatching(ctx.db, q, seek, enough),
    external.releasesMatching(ctx.db, q, seek, enough),
  ]);
  const hits = [
    ...own.map((h) => ({ ...h, source: { imported: false } as const, sourceKey: "openps" })),
    ...imported.map((h) => ({
      ...h,
      source: {
        imported: true as const,
        publisher: { id: h.publisher_id, name: h.publisher_name, uri: h.publisher_uri },
      },
      sourceKey: h.publisher_id,
    })),
  ].sort((a, b) => b.date.getTime() - a.date.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const seen = new Set<string>();
  const results: ProcessFound[] = [];
  let last: { date: Date; id: string } | undefined;
  let more = false;
  for (const hit of hits) {
    if (results.length === pageSize) {
      more = true;
      break;
    }
    last = hit;
    const process = `${hit.sourceKey} ${hit.ocid}`;
    if (seen.has(process)) continue;
    seen.add(process);
    results.push({
      ocid: hit.ocid,
      title: hit.title,
      buyer: hit.buyer,
      date: hit.date,
      source: hit.source,
      record: hit.source.imported
        ? `/data/ocds/external/records/${encodeURIComponent(hit.ocid)}?publisher=${hit.source.publisher.id}`
        : `/data/ocds/records/${encodeURIComponent(hit.ocid)}`,
    });
  }
  // A source that filled its share may hold more beyond it.
  more ||= own.length === enough || imported.length === enough;
  return { results, next: more && last ? encodeKey([last.date.toISOString(), last.id]) : undefined };
}
