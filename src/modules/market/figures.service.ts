/**
 * Keeping the market's figures: each authority's aggregates are recomputed whole, from its records
 * read through the other modules' services a page at a time, and swapped in in one transaction
 * (`recomputeAuthority`). A change to an authority's commissioning, contracts, Right to Challenge
 * or regulation — every change the audit trail records passes `noteMarketChange`, plugged into its
 * `changeRecorded` port in src/wiring.ts — queues the recomputation of that authority for the end
 * of the minute (`market.figures`, deduplicated per authority and minute); a change to an
 * organisation (its sector, its mutual evidence) queues a job (`market.organisation`) that queues
 * the authorities it holds contracts with. `openps market rebuild` and the seed compute them all.
 *
 * The figures of imported processes (other publishers' OCDS data) are kept per publisher the same
 * way (`recomputePublisher`): an import with new releases of a publisher tells the ocds module's
 * `publishersImported` port, whose handler here (`queueImportedRecompute`, plugged in src/wiring.ts)
 * queues `market.imported` for each; a change to an organisation recomputes the publishers it supplies.
 */
import type { Db, Trx } from "../../db/database.ts";
import { pageByKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDate } from "../../lib/london-time.ts";
import type { RecordedChange } from "../audit/audit.ports.ts";
import { authoritiesAfter, findPublicBody } from "../authorities/authorities.service.ts";
import { authorityAwardsAfter } from "../award/award.service.ts";
import { paidOutOf } from "../budgets/budgets.service.ts";
import { planFiguresOf } from "../care/care.service.ts";
import { decisionCounts } from "../challenges/challenges.service.ts";
import { unavailableFigures } from "../choice/choice.service.ts";
import {
  authoritiesContracting,
  authorityContractsAfter,
  kpiRatingCounts,
} from "../contracts/contracts.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import { importedProcesses, publisherIdsAfter, publishersNamed } from "../ocds/external.service.ts";
import { normalOrgId, organisationsWithOrgIds, sectorsOf } from "../organisations/organisations.service.ts";
import { projectPlacesAfter } from "../projects/projects.service.ts";
import { currentRatingCounts } from "../regulation/regulation.service.ts";
import { serviceCategoriesOf } from "../services/services.service.ts";
import { authorityTendersAfter } from "../tenders/tenders.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { type ContractInput, type FiguresInput, figuresOf, type OrganisationFacts } from "./figures.ts";
import { categoryOfCpv, type ImportedFacts, importedFactsOf, importedFiguresOf } from "./imported.ts";
import * as repo from "./market.repository.ts";
import { type BudgetFigures, budgetFiguresOf, type PaidFacts, type PlanFacts } from "./personal-budgets.ts";

export const FIGURES_QUEUE = "market.figures";
export const ORGANISATION_QUEUE = "market.organisation";
export const IMPORTED_QUEUE = "market.imported";
/** An authority's figures are recomputed at most once a minute, at the end of the minute of a change. */
const RECOMPUTE_EVERY_MS = 60_000;

/** What is told when figures change: the dashboards' kept answers are forgotten (market.service.ts). */
const recomputed = new Set<(db: Db) => void>();
export function onRecomputed(listener: (db: Db) => void): void {
  recomputed.add(listener);
}

/** The changes whose authority's figures they alter, by the first word of the action. */
const AFFECTING = new Set([
  "project",
  "tender",
  "award",
  "contract",
  "service",
  "challenge",
  "inspection",
  "registration",
  "enforcement",
  // Personal budgets' open figures (personal-budgets.ts): plans, reviews, concerns (care's changes);
  // what budgets paid out — only the budget changes in BUDGET_CHANGES (below).
  "care",
  // "Choice not available" records and their answers (choice-unavailable.recorded, .answered).
  "choice-unavailable",
]);

/**
 * The budgets' changes that alter the figures: those that pay a provider or someone else out of a
 * budget (its spend), and the erasure of a budget's records. A payment in (every budget's schedule,
 * every period), a recovery, an invoice submitted or rejected, a surplus, a cadence move only the
 * money held for the person, which no figure counts: they queue nothing.
 */
const BUDGET_CHANGES = new Set(["budget.invoice-payment", "budget.payment-out", "budget.records-erased"]);

/** The changes to an organisation that can change its sector or size band (a new one holds no contract yet). */
const ORGANISATION_CHANGES = new Set(["organisation.updated", "organisation.mutual-evidence-recorded"]);

async function all<Row>(
  fetch: (after: string | undefined, limit: number) => Promise<Row[]>,
  keyOf: (row: Row) => string,
) {
  const rows: Row[] = [];
  for await (const page of pageByKey(fetch, keyOf)) rows.push(...page);
  return rows;
}

/** Organisations' sectors and size bands, a thousand at a time. */
async function organisationFacts(db: Db, ids: ReadonlySet<string>): Promise<Map<string, OrganisationFacts>> {
  const facts = new Map<string, OrganisationFacts>();
  const list = [...ids];
  for (let i = 0; i < list.length; i += 1000)
    for (const row of await sectorsOf(db, list.slice(i, i + 1000)))
      facts.set(row.id, { sector: row.sector, sizeBand: row.size_band });
  return facts;
}

/** Everything one authority's figures are computed from, read through the modules' services. */
export async function figuresInput(db: Db, authorityId: string): Promise<FiguresInput> {
  const authority = await findPublicBody(db, authorityId);
  // One after another: inside a seed's transaction they share its one connection.
  const projects = await all(
    (after, limit) => projectPlacesAfter(db, authorityId, after, limit),
    (r) => r.id,
  );
  const services = await serviceCategoriesOf(db, authorityId);
  const tenders = await all(
    (after, limit) => authorityTendersAfter(db, authorityId, after, limit),
    (r) => r.id,
  );
  const awards = await all(
    (after, limit) => authorityAwardsAfter(db, authorityId, after, limit),
    (r) => r.id,
  );
  const contracts = await all(
    (after, limit) => authorityContractsAfter(db, authorityId, after, limit),
    (r) => r.id,
  );
  const kpiRatings = await kpiRatingCounts(db, authorityId);
  const decisions = await decisionCounts(db, authorityId);
  const ratings = await currentRatingCounts(db, authorityId);
  const contractInputs: ContractInput[] = contracts.map((c) => ({
    id: c.id,
    tenderId: c.tender_id,
    enteredAt: c.entered_at,
    valuePence: c.value_pence,
    leadOrganisationId: c.organisation_id,
    // The lead is always in the directory: counted as the organisation, not by name.
    leadName: "",
    leadShareBp: c.lead_share_bp,
    members: c.consortium.map((m) => ({
      organisationId: m.organisationId,
      name: m.name,
      sector: m.sector,
      sizeBand: m.sizeBand,
      shareBp: m.shareBp,
    })),
  }));
  const ids = new Set<string>();
  for (const c of contractInputs) {
    ids.add(c.leadOrganisationId);
    for (const m of c.members) if (m.organisationId) ids.add(m.organisationId);
  }
  return {
    authorityArea: authority?.area_code ?? "",
    projects: new Map(projects.map((p) => [p.id, { category: p.category_code, area: p.area_code }])),
    services: new Map(services.map((s) => [s.id, s.category_code])),
    tenders: tenders.map((t) => ({
      id: t.id,
      projectId: t.project_id,
      title: t.title,
      publishedAt: t.published_at,
      openedAt: t.opened_at,
      bidsOpened: t.bids_opened,
    })),
    awards: awards.map((a) => ({
      id: a.id,
      tenderId: a.tender_id,
      status: a.status,
      decidedAt: a.decided_at,
      justification: a.three_bid_justification,
    })),
    contracts: contractInputs,
    organisations: await organisationFacts(db, ids),
    kpiRatings: kpiRatings.map((r) => ({
      contractId: r.contract_id,
      month: r.month,
      rating: r.rating,
      ratings: r.ratings,
    })),
    decisions: decisions.map((d) => ({
      serviceId: d.service_id,
      month: d.month,
      decision: d.decision,
      challenges: d.challenges,
    })),
    ratings: ratings.map((r) => ({
      category: r.category_code,
      area: r.area_code,
      rank: r.rank,
      locations: r.locations,
    })),
  };
}

/**
 * One authority's personal-budget figures (personal-budgets.ts): its plans as care counts them and
 * what their budgets paid out, read a page at a time; the payees' sectors and size bands from the
 * directory. Reviews past due on `today` count as overdue now.
 */
export async function budgetFigures(db: Db, authorityId: string, today: string): Promise<BudgetFigures> {
  const plans: PlanFacts[] = [];
  for await (const page of planFiguresOf(db, authorityId, today)) plans.push(...page);
  const paid: PaidFacts[] = [];
  for await (const page of paidOutOf(db, authorityId)) paid.push(...page);
  const ids = new Set(paid.flatMap((p) => (p.organisationId ? [p.organisationId] : [])));
  const unavailable = await unavailableFigures(db, authorityId, today);
  return budgetFiguresOf(plans, paid, await organisationFacts(db, ids), unavailable);
}

/**
 * Recomputes one authority's figures and swaps them in whole. Inside a transaction (a seed) it
 * joins it; otherwise it reads first, page by page, and writes in one short transaction of its own
 * — unless a computation that began later has written already (two jobs at once: the later one
 * saw more). Idempotent.
 */
export async function recomputeAuthority(db: Db, clock: Clock, authorityId: string): Promise<void> {
  if (!(await findPublicBody(db, authorityId))) return;
  const computedAt = clock.now();
  const run = await repo.startRun(db, authorityId);
  const figures = figuresOf(await figuresInput(db, authorityId));
  const budgets = await budgetFigures(db, authorityId, londonDate(computedAt));
  const written = await transaction(db, (trx) =>
    repo.replaceFigures(trx, authorityId, run, figures, computedAt, budgets),
  );
  if (written && !db.isTransaction) for (const listener of recomputed) listener(db);
}

/** Recomputes every authority's figures, a page of authorities at a time. Returns how many. */
export async function recomputeAll(db: Db, clock: Clock, progress?: (done: number) => void): Promise<number> {
  let done = 0;
  for await (const page of pageByKey(
    (after: string | undefined, limit) => authoritiesAfter(db, after, limit),
    (a) => a.id,
    100,
  ))
    for (const authority of page) {
      await recomputeAuthority(db, clock, authority.id);
      done += 1;
      progress?.(done);
    }
  for await (const page of pageByKey(
    (after: string | undefined, limit) => publisherIdsAfter(db, after, limit),
    (id) => id,
    100,
  ))
    for (const publisherId of page) await recomputePublisher(db, clock, publisherId);
  if (db.isTransaction) return done;
  for (const listener of recomputed) listener(db);
  return done;
}

/** Everything one publisher's figures are computed from: its processes, compiled, read a page at a time. */
async function importedInput(db: Db, publisherId: string) {
  const facts: ImportedFacts[] = [];
  const orgIds = new Set<string>();
  for await (const process of importedProcesses(db, publisherId)) {
    const read = importedFactsOf(process);
    facts.push(read);
    for (const contract of read.contracts)
      for (const supplier of contract.suppliers) for (const id of supplier.orgIds) orgIds.add(id);
  }
  // The suppliers the directory holds, by an identifier in org-id form: counted in their own sector.
  const held = await organisationsWithOrgIds(db, orgIds);
  const categories = await listServiceCategories(db);
  return {
    facts,
    context: {
      category: categoryOfCpv(categories.map((c) => ({ code: c.code, cpvCode: c.cpv_code }))),
      normalise: normalOrgId,
      organisationOf: (orgId: string) => held.get(orgId),
      organisations: await organisationFacts(db, new Set(held.values())),
    },
  };
}

/**
 * Recomputes the figures of one publisher's imported processes and swaps them in whole, as
 * `recomputeAuthority` does an authority's (a later computation's figures are never overwritten).
 * Idempotent: importing the same data again changes nothing.
 */
export async function recomputePublisher(db: Db, clock: Clock, publisherId: string): Promise<void> {
  if ((await publishersNamed(db, [publisherId])).length === 0) return;
  const computedAt = clock.now();
  const run = await repo.startImportedRun(db, publisherId);
  const { facts, context } = await importedInput(db, publisherId);
  const figures = importedFiguresOf(facts, context);
  const written = await transaction(db, (trx) =>
    repo.replaceImportedFigures(trx, publisherId, run, figures, computedAt),
  );
  if (written && !db.isTransaction) for (const listener of recomputed) listener(db);
}

// Keeping them up to date

function endOfMinute(clock: Clock): { minute: number; runAt: Date } {
  const minute = Math.floor(clock.now().getTime() / RECOMPUTE_EVERY_MS);
  return { minute, runAt: new Date((minute + 1) * RECOMPUTE_EVERY_MS) };
}

/** Queues the recomputation of an authority's figures for the end of this minute, once. */
export async function queueRecompute(trx: Trx, clock: Clock, authorityId: string): Promise<void> {
  const { minute, runAt } = endOfMinute(clock);
  await enqueue(trx, clock, {
    queue: FIGURES_QUEUE,
    payload: { authorityId },
    runAt,
    dedupeKey: `${FIGURES_QUEUE}:${authorityId}:${minute}`,
    authorityId,
  });
}

/** What each open transaction has queued already: one job per authority (or organisation) is enough. */
const queuedIn = new WeakMap<Trx, Set<string>>();

function firstTimeIn(trx: Trx, key: string): boolean {
  let queued = queuedIn.get(trx);
  if (!queued) {
    queued = new Set();
    queuedIn.set(trx, queued);
  }
  if (queued.has(key)) return false;
  queued.add(key);
  return true;
}

/**
 * Plugged into the audit trail's `changeRecorded` port (src/wiring.ts): a change to an authority's
 * commissioning, contracts, Right to Challenge or regulation queues its figures' recomputation; a
 * change to an organisation queues the recomputation of those it holds contracts with; an
 * authority's area (where its Right to Challenge decisions are counted) queues its own.
 */
export async function noteMarketChange(trx: Trx, clock: Clock, change: RecordedChange): Promise<void> {
  const subject = change.action.slice(0, change.action.indexOf("."));
  if (change.authorityId !== null && (AFFECTING.has(subject) || BUDGET_CHANGES.has(change.action))) {
    if (firstTimeIn(trx, change.authorityId)) await queueRecompute(trx, clock, change.authorityId);
    return;
  }
  if (change.action === "authority.area-set" && isUuid(change.entity.id)) {
    if (firstTimeIn(trx, change.entity.id)) await queueRecompute(trx, clock, change.entity.id);
    return;
  }
  if (
    ORGANISATION_CHANGES.has(change.action) &&
    change.entity.type === "organisation" &&
    isUuid(change.entity.id)
  ) {
    const id = change.entity.id;
    if (!firstTimeIn(trx, `organisation:${id}`)) return;
    const { minute, runAt } = endOfMinute(clock);
    await enqueue(trx, clock, {
      queue: ORGANISATION_QUEUE,
      payload: { organisationId: id },
      runAt,
      dedupeKey: `${ORGANISATION_QUEUE}:${id}:${minute}`,
    });
  }
}

/** Queues the recomputation of a publisher's imported figures for the end of this minute, once. */
async function queuePublisher(trx: Trx, clock: Clock, publisherId: string): Promise<void> {
  const { minute, runAt } = endOfMinute(clock);
  await enqueue(trx, clock, {
    queue: IMPORTED_QUEUE,
    payload: { publisherId },
    runAt,
    dedupeKey: `${IMPORTED_QUEUE}:${publisherId}:${minute}`,
  });
}

/**
 * Plugged into the ocds module's `publishersImported` port (src/wiring.ts): the publishers an import
 * stored new releases of have their figures recomputed, each by a job.
 */
export async function queueImportedRecompute(
  trx: Trx,
  clock: Clock,
  publisherIds: readonly string[],
): Promise<void> {
  for (const publisherId of publisherIds)
    if (firstTimeIn(trx, `publisher:${publisherId}`)) await queuePublisher(trx, clock, publisherId);
}

function idIn(payload: unknown, name: string): string {
  const value = (payload as Record<string, unknown> | null)?.[name];
  if (typeof value !== "string" || !isUuid(value))
    throw new PermanentJobError(`The job's payload has no ${name}`);
  return value;
}

/** The market's job handlers (platform.ts). */
export function marketJobHandlers(): Record<string, JobHandler> {
  return {
    [FIGURES_QUEUE]: async (payload, ctx) => {
      await recomputeAuthority(ctx.db, ctx.clock, idIn(payload, "authorityId"));
    },
    [ORGANISATION_QUEUE]: async (payload, ctx) => {
      const organisationId = idIn(payload, "organisationId");
      const authorities = await authoritiesContracting(ctx.db, organisationId);
      // The publishers whose imported processes it supplies: its sector counts there too.
      const publishers = await repo.publishersSupplied(ctx.db, organisationId);
      await transaction(ctx.db, async (trx) => {
        for (const authorityId of authorities) await queueRecompute(trx, ctx.clock, authorityId);
        for (const publisherId of publishers) await queuePublisher(trx, ctx.clock, publisherId);
      });
    },
    [IMPORTED_QUEUE]: async (payload, ctx) => {
      await recomputePublisher(ctx.db, ctx.clock, idIn(payload, "publisherId"));
    },
  };
}

/** The figures of every authority, computed once when a deployment is first seeded (src/seed/seeds.ts). */
export async function seedFigures(trx: Trx, clock: Clock): Promise<void> {
  await recomputeAll(trx, clock);
}
