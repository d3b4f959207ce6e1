/**
 * OCDS 1.1 publication: every change to a contracting process, as the audit trail records it, makes
 * one immutable release of the process as the public may then see it, in the same transaction as
 * the change (so a release never shows what was rolled back, and no change goes unpublished). The
 * changes of one transaction to one process make one release, tagged with all of them.
 *
 * Read: releases newest first (release packages with a link to the next page), one release by its
 * id, and a process's record — its releases, the compiled release and the versioned release, by the
 * standard's merging rules (merge.ts). Public. See docs/open-data.md.
 */
import { analyzeGrown } from "../../db/analyze.ts";
import type { Db, Trx } from "../../db/database.ts";
import { decodeKey, encodeKey, pageByKey } from "../../db/paging.ts";
import { beforeCommit, transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { NotFoundError, ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { actorIn, type Ctx, systemCtx, within } from "../access/context.ts";
import type { RecordedChange } from "../audit/audit.ports.ts";
import { recordAudits } from "../audit/audit.service.ts";
import { publishedProjectKeysByCategoryAfter } from "../projects/projects.service.ts";
import { PAYMENT_ACTIONS, platformContractOfChange } from "../results/open-data.service.ts";
import { publishedTenderCounts } from "../tenders/tenders.service.ts";
import { queueBulkRebuild } from "./bulk.service.ts";
import { compileRelease, type OcdsRelease, versionRelease } from "./merge.ts";
import * as repo from "./ocds.repository.ts";
import { type Publication, packageMeta, published, publishedText } from "./packages.ts";
import {
  type Process,
  processesOfProjects,
  processOfContract,
  processOfProject,
  processOfTender,
  snapshotsOf,
} from "./process.service.ts";
import {
  buildRelease,
  lastChanged,
  type ProcessSnapshot,
  type ReleaseTag,
  stagesReached,
} from "./releases.ts";

/** What each change recorded on the audit trail means for its process's release. */
const TAG_OF: Readonly<Record<string, ReleaseTag>> = {
  "project.published": "planning",
  "project.updated": "planningUpdate",
  "tender.published": "tender",
  "tender.updated": "tenderUpdate",
  "tender.document-added": "tenderUpdate",
  "tender.amended": "tenderAmendment",
  "tender.cancelled": "tenderCancellation",
  "tender.opened": "tenderUpdate",
  "tender.awarded": "award",
  "award.challenged": "awardUpdate",
  "award.challenge-decided": "awardUpdate",
  "award.contracted": "awardUpdate",
  "contract.entered": "contract",
  "contract.amended": "contractAmendment",
  "contract.terminated": "contractTermination",
  "contract.kpi-rated": "implementation",
  // Payment by results: a run paid, a correction (their entity: the run, outcome contract or ledger entry).
  ...Object.fromEntries(PAYMENT_ACTIONS.map((action) => [action, "implementation"])),
};

interface Pending {
  clock: Clock;
  changes: RecordedChange[];
}

/** The changes of each open transaction waiting for its release(s). */
const pending = new WeakMap<Trx, Pending>();

/** The processes each open transaction has published a release of (see `releasesMadeIn`). */
const released = new WeakMap<Trx, Map<string, string>>();

/** Whether a change recorded on the audit trail makes a release of its contracting process. */
export function isProcessChange(action: string): boolean {
  return action in TAG_OF || action === RELEASES_PUBLISHED;
}

/** The audit action of releases published for processes that had none (`publishMissingReleases`). */
export const RELEASES_PUBLISHED = "ocds.releases-published";

/**
 * The processes (their authority and ocid) this transaction has published a release of so far: for
 * work that follows the releases in the same transaction (integrity's flags, registered with
 * `beforeCommit` after this module's own work, which runs first: see src/db/transaction.ts).
 */
export function releasesMadeIn(trx: Trx): { authorityId: string; ocid: string }[] {
  return [...(released.get(trx) ?? new Map<string, string>())].map(([ocid, authorityId]) => ({
    authorityId,
    ocid,
  }));
}

/**
 * These processes' compiled releases — each one's latest state, by the standard's merging rules — as
 * stored (links site-relative), by ocid, in one query; an ocid with no release is left out.
 */
export async function compiledReleasesOf(
  db: Db,
  ocids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const byOcid = new Map<string, OcdsRelease[]>();
  for (const row of await repo.releasesOfProcesses(db, ocids))
    byOcid.set(row.ocid, [...(byOcid.get(row.ocid) ?? []), row.release as OcdsRelease]);
  return new Map([...byOcid].map(([ocid, releases]) => [ocid, compileRelease(releases)]));
}

/**
 * Plugged into the audit trail's `changeRecorded` port (src/wiring.ts): a change to a contracting
 * process is noted, and its release made just before the transaction commits, once the whole
 * change is written (`beforeCommit`).
 */
export async function noteChange(trx: Trx, clock: Clock, change: RecordedChange): Promise<void> {
  if (!(change.action in TAG_OF) || change.authorityId === null) return;
  let held = pending.get(trx);
  if (!held) {
    held = { clock, changes: [] };
    pending.set(trx, held);
    const own = held;
    beforeCommit(trx, "ocds releases", () => publishReleases(trx, own));
  }
  held.changes.push(change);
}

async function processOf(ctx: Ctx & { db: Trx }, change: RecordedChange): Promise<Process | null> {
  const authorityId = change.authorityId as string;
  const { type, id } = change.entity;
  if (type === "project") return processOfProject(ctx, authorityId, id);
  if (type === "tender") return processOfTender(ctx, authorityId, id);
  if (type === "contract") return processOfContract(ctx, authorityId, id);
  if (PAYMENT_ACTIONS.includes(change.action)) {
    const contractId = await platformContractOfChange(ctx, authorityId, change.entity);
    return contractId ? processOfContract(ctx, authorityId, contractId) : null;
  }
  return null;
}

/** A stage's update tag is left out beside the stage's own tag ("tender" says all "tenderUpdate" would). */
function withoutUpdates(tags: Set<ReleaseTag>): ReleaseTag[] {
  return [...tags].filter(
    (tag) => !(tag.endsWith("Update") && tags.has(tag.slice(0, -"Update".length) as ReleaseTag)),
  );
}

async function publishReleases(trx: Trx, held: Pending): Promise<void> {
  pending.delete(trx);
  const ctx = within(systemCtx(trx, held.clock, "ocds"), trx);
  const byOcid = new Map<string, { process: Process; tags: Set<ReleaseTag>; date: Date }>();
  for (const change of held.changes) {
    const process = await processOf(ctx, change);
    if (!process) continue;
    const entry = byOcid.get(process.ocid) ?? {
      process,
      tags: new Set<ReleaseTag>(),
      date: change.occurredAt,
    };
    entry.tags.add(TAG_OF[change.action] as ReleaseTag);
    if (change.occurredAt > entry.date) entry.date = change.occurredAt;
    byOcid.set(process.ocid, entry);
  }
  const entries = [...byOcid.values()];
  const snapshots = await snapshotsOf(
    ctx,
    entries.map((e) => e.process),
  );
  await publishReleasesOf(
    ctx,
    entries.map(({ process, tags, date }, i) => ({
      process,
      snapshot: snapshots[i] as ProcessSnapshot,
      tags: withoutUpdates(tags),
      date,
    })),
  );
  if (byOcid.size > 0) await queueBulkRebuild(trx, held.clock);
}

/** A process's next release: what the public may see of it now, with its tags and date. */
interface NextRelease {
  process: Process;
  snapshot: ProcessSnapshot;
  tags: ReleaseTag[];
  date: Date;
}

/** Each process's next release (one each), in the caller's transaction: a few statements for all. */
async function publishReleasesOf(ctx: Ctx & { db: Trx }, next: readonly NextRelease[]): Promise<void> {
  if (next.length === 0) return;
  const trx = ctx.db;
  await repo.lockProcesses(
    trx,
    next.map((n) => n.process.ocid),
  );
  const last = await repo.lastReleases(
    trx,
    next.map((n) => ({ authority_id: n.process.authorityId, ocid: n.process.ocid })),
  );
  const made = released.get(trx) ?? new Map<string, string>();
  released.set(trx, made);
  const rows = next.map(({ process, snapshot, tags, date }) => {
    const before = last.get(process.ocid);
    const seq = (before?.seq ?? 0) + 1;
    const id = `${process.ocid}-${seq}`;
    // Never dated before the process's release before it, whose state it follows (the merge reads
    // releases in date order): the platform's clock can go back — the demo clock reset.
    const dated = before && before.date > date ? before.date : date;
    const release = buildRelease(snapshot, { id, date: dated, tags });
    made.set(process.ocid, process.authorityId);
    return {
      authority_id: process.authorityId,
      id,
      ocid: process.ocid,
      seq,
      date: dated,
      tags: release.tag as string[],
      release,
    };
  });
  await repo.insertReleases(trx, rows);
}

/** Projects looked at a page at a time: one short transaction publishes the page's missing releases. */
const PUBLISH_PAGE = 250;

/**
 * Publishes a release for every contracting process that has none — one saying all the process has
 * reached (its tags every stage, dated when it last changed): processes from before publication
 * began, or from data written in bulk (`openps demo scale`). A page of projects at a time, set-based:
 * two counts say which projects lack a release, then one short transaction gives their processes
 * their ocids, gathers them all (`snapshotsOf`: a fixed number of queries for the page) and makes
 * their releases, with their integrity flags after; run again, it finds nothing to do. Stops between
 * pages when `signal` is aborted. Returns how many releases it published.
 */
export async function publishMissingReleases(
  ctx: Ctx,
  options: { signal?: AbortSignal; onProgress?: (projects: number) => void } = {},
): Promise<number> {
  let published = 0;
  let projects = 0;
  // By authority and service category: a page's processes are in one or two markets, whose supplier
  // shares (integrity's) are then worked out again for one page, not for every page.
  const pages = pageByKey(
    (after: { authority_id: string; category_code: string; id: string } | undefined, limit) =>
      publishedProjectKeysByCategoryAfter(ctx, after, limit),
    (row) => row,
    PUBLISH_PAGE,
  );
  for await (const page of pages) {
    if (options.signal?.aborted) return published;
    // Two queries a page say which projects have every process published (most, after the first
    // start): only the others are gathered.
    const [tenders, publishedProcesses] = await Promise.all([
      publishedTenderCounts(ctx, page),
      repo.publishedProcessCounts(ctx.db, page),
    ]);
    const lacking = page.filter(
      // The project's own process, which its first tender shares; one more for each later tender.
      (project) => (publishedProcesses.get(project.id) ?? 0) < Math.max(1, tenders.get(project.id) ?? 0),
    );
    if (lacking.length > 0)
      published += await transaction(ctx.db, async (trx) => {
        const inTrx = within(ctx, trx);
        const processes = await processesOfProjects(inTrx, lacking);
        const done = await repo.ocidsPublished(
          trx,
          processes.map((p) => p.ocid),
        );
        const todo = processes.filter((p) => !done.has(p.ocid));
        const snapshots = await snapshotsOf(inTrx, todo);
        await publishReleasesOf(
          inTrx,
          todo.map((process, i) => {
            const snapshot = snapshots[i] as ProcessSnapshot;
            return {
              process,
              snapshot,
              tags: stagesReached(snapshot),
              date: lastChanged(snapshot) ?? ctx.clock.now(),
            };
          }),
        );
        if (todo.length > 0) await queueBulkRebuild(trx, ctx.clock);
        // On the audit trail like any other change, one event a project naming the processes it
        // published (and so the flags of what it published follow, once, for the page).
        const byProject = new Map<string, { authorityId: string; ocids: string[] }>();
        for (const p of todo)
          byProject.set(p.projectId, {
            authorityId: p.authorityId,
            ocids: [...(byProject.get(p.projectId)?.ocids ?? []), p.ocid],
          });
        await recordAudits(
          trx,
          ctx.clock,
          [...byProject].map(([projectId, { authorityId, ocids }]) => ({
            authorityId,
            actor: actorIn(ctx),
            action: RELEASES_PUBLISHED,
            entity: { type: "project", id: projectId },
            changes: { ocids },
          })),
        );
        return todo.length;
      });
    // The tables this fills (releases, processes, the flags after them) analyzed as they double:
    // the embedded database has no autovacuum to keep their statistics up with them.
    if (lacking.length > 0) await analyzeGrown(ctx.db);
    projects += page.length;
    options.onProgress?.(projects);
  }
  return published;
}

// Reading

export const RELEASES_PAGE_SIZE = 100;
export const MAX_RELEASES_PAGE_SIZE = 1000;
const RELEASE_KEY: readonly ["string", "string"] = ["string", "string"];

export interface ReleasesQuery {
  /** Releases dated on or after this instant. */
  since?: string | undefined;
  /** Releases dated before this instant. */
  until?: string | undefined;
  /** A page link's key: the page after the release it names. */
  after?: string | undefined;
  pageSize?: number | undefined;
}

function instant(text: string | undefined, field: string): Date | undefined {
  if (text === undefined || text === "") return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime()))
    throw new ValidationError(msg`Check the dates`, [
      { field, message: msg`Enter a date and time like 2026-12-06 or 2026-12-06T09:30:00Z` },
    ]);
  return at;
}

/**
 * A release package of releases, newest first, with the link to the next page, as the JSON text
 * served: the releases' stored text spliced in as it is (parsing and writing each again would cost
 * more than reading it). Public.
 */
export async function releasePackage(
  ctx: Ctx,
  publication: Publication,
  query: ReleasesQuery,
): Promise<string> {
  const since = instant(query.since, "since");
  const until = instant(query.until, "until");
  const pageSize = Math.min(
    Math.max(1, Math.trunc(query.pageSize ?? RELEASES_PAGE_SIZE)),
    MAX_RELEASES_PAGE_SIZE,
  );
  const key = decodeKey(query.after, RELEASE_KEY, "after");
  const seek = key ? { date: instant(String(key[0]), "after") as Date, id: String(key[1]) } : undefined;
  const rows = await repo.releasesPage(ctx.db, {
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(seek ? { seek } : {}),
    limit: pageSize + 1,
  });
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  const params = new URLSearchParams();
  if (query.since) params.set("since", query.since);
  if (query.until) params.set("until", query.until);
  if (query.pageSize) params.set("pageSize", String(pageSize));
  if (last) params.set("after", encodeKey([last.date.toISOString(), last.id]));
  const links =
    rows.length > pageSize && last
      ? { links: { next: `${publication.baseUrl}/data/ocds/releases?${params.toString()}` } }
      : {};
  return packageText(
    { ...packageMeta(publication, "/data/ocds/releases", ctx.clock.now()), ...links },
    "releases",
    page.map((r) => publishedText(r.release, publication.baseUrl)),
  );
}

/** When the newest release was published; null before the first. Public. */
export async function lastReleaseDate(ctx: Ctx): Promise<Date | null> {
  const [newest] = await repo.releasesPage(ctx.db, { limit: 1 });
  return newest?.date ?? null;
}

/** A package's JSON text: its own fields, then its releases or records (each JSON text already). */
function packageText(meta: object, items: "releases" | "records", texts: readonly string[]): string {
  return `${JSON.stringify(meta).slice(0, -1)},"${items}":[${texts.join(",")}]}`;
}

/** One release, in a release package of its own, as the JSON text served; 404 when there is none. Public. */
export async function releaseOf(ctx: Ctx, publication: Publication, id: string): Promise<string> {
  const row = await repo.releaseById(ctx.db, id);
  if (!row) throw new NotFoundError("release");
  return packageText(
    packageMeta(publication, `/data/ocds/releases/${encodeURIComponent(id)}`, row.date),
    "releases",
    [publishedText(row.release, publication.baseUrl)],
  );
}

/** Records as served, by ocid: kept while their process has no newer release. */
const keptRecords = new WeakMap<Db, Map<string, { seq: number; baseUrl: string; text: string }>>();
const KEPT_RECORDS = 1000;

/**
 * A process's record, in a record package: its releases (as links), the compiled release and the
 * versioned release, as the JSON text served. Merging is the costly part, so a record is kept
 * (a thousand at most) until its process has a newer release — one short query says. 404 when no
 * release has this ocid. Public.
 */
export async function recordOf(ctx: Ctx, publication: Publication, ocid: string): Promise<string> {
  const seq = await repo.latestSeq(ctx.db, ocid);
  if (seq === 0) throw new NotFoundError("record");
  let kept = keptRecords.get(ctx.db);
  if (!kept) {
    kept = new Map();
    keptRecords.set(ctx.db, kept);
  }
  const held = kept.get(ocid);
  if (held && held.seq === seq && held.baseUrl === publication.baseUrl) return held.text;
  const rows = await repo.releasesOf(ctx.db, ocid);
  const latest = rows[rows.length - 1];
  if (!latest) throw new NotFoundError("record");
  const releases = rows.map((r) => published(r.release, publication.baseUrl) as OcdsRelease);
  const record = {
    ocid,
    releases: rows.map((r) => ({
      url: `${publication.baseUrl}/data/ocds/releases/${encodeURIComponent(r.id)}`,
      date: r.date.toISOString(),
      tag: r.tags,
    })),
    compiledRelease: compileRelease(releases),
    versionedRelease: versionRelease(releases),
  };
  const text = packageText(
    packageMeta(publication, `/data/ocds/records/${encodeURIComponent(ocid)}`, latest.date),
    "records",
    [JSON.stringify(record)],
  );
  kept.delete(ocid);
  kept.set(ocid, { seq: latest.seq, baseUrl: publication.baseUrl, text });
  if (kept.size > KEPT_RECORDS) kept.delete(kept.keys().next().value as string);
  return text;
}
