/**
 * Tenders (issue 5; docs/tenders.md): a commissioning project's tender, drafted by the lead
 * authority's commissioners and administrators, published as a public opportunity, amended or
 * cancelled with a published reason, bid for under seal and opened by two bid openers. The module's
 * services, by section:
 *
 * - this file: reading tenders, their state, and what the later stages (evaluation, award,
 *   contracts) read of them;
 * - setup.service.ts: drafting and checking a tender, its pack of documents;
 * - publication.service.ts: publishing it;
 * - amendments.service.ts: amendments and cancellation;
 * - questions.service.ts: interest and clarification questions;
 * - bids.service.ts: sealed bids and receipts; opening.service.ts: opening and reading them;
 * - evaluators.service.ts: the evaluators assigned to a tender;
 * - views.service.ts: what each page shows.
 *
 * A tender's state is derived when read: `draft`; `open` (published, before the submission
 * deadline); `closed` (the deadline has passed, awaiting opening); `opened`; `cancelled`. Every
 * change is audited on the authority's chain in its transaction.
 */
import type { Db, Trx } from "../../db/database.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import {
  hasRole,
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { type NoticeKind, notify } from "../notifications/notifications.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import * as repo from "./tenders.repository.ts";
import type { Bid, Tender } from "./tenders.table.ts";

export { type TendersCtx, tendersCtx, tendersCtxOf } from "./tenders.context.ts";
/** What other modules may use of this module's tables. */
export type { TenderParts, TenderRow } from "./tenders.repository.ts";
export type { Bid, Tender, TenderAmendment } from "./tenders.table.ts";
export { CRITERION_KINDS, PRICING_MODES, PROCEDURES, VAT_TREATMENTS } from "./tenders.table.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

export type TenderState = "draft" | "open" | "closed" | "opened" | "cancelled";

export function stateOf(
  tender: Pick<Tender, "status" | "submission_deadline" | "opened_at">,
  now: Date,
): TenderState {
  if (tender.status === "draft") return "draft";
  if (tender.status === "cancelled") return "cancelled";
  if (tender.opened_at) return "opened";
  return now.getTime() < tender.submission_deadline.getTime() ? "open" : "closed";
}

/** A published tender as the open data publishes it: with its state by the clock. */
export type PublishedTender = repo.TenderRow & { state: TenderState };

/**
 * One page of every authority's published tenders, in key order after `after`, each with its state
 * by the clock: the open data. Never a draft, never anything of a bid. Public.
 */
export async function publishedTendersAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<PublishedTender[]> {
  const now = ctx.clock.now();
  return (await repo.publishedTendersAfter(ctx.db, after, limit)).map((t) => ({
    ...t,
    state: stateOf(t, now),
  }));
}

/** When any published tender last changed (the open data's "last updated"). */
export function latestPublishedTenderChange(ctx: Ctx): Promise<Date | null> {
  return repo.latestPublishedTenderChange(ctx.db);
}

/** Those who see a tender's drafts and its number of bids: its editors, openers and evaluators. */
export function isTenderTeam(principal: Principal | null, authorityId: string): boolean {
  return hasRole(principal, ["commissioner", "authority-admin", "bid-opener", "evaluator"], authorityId);
}

export interface TenderView {
  tender: repo.TenderRow;
  parts: repo.TenderParts;
  state: TenderState;
  /** The number of current bids: for the tender's team only (null for everyone else). */
  bidCount: number | null;
}

/**
 * May this person see this tender at all? Published ones, everyone; drafts, the authority's
 * commissioners and administrators (and platform administrators) only: to anyone else a draft is
 * not found, as an unknown tender is.
 */
export function maySeeTender(
  principal: Principal | null,
  tender: Pick<Tender, "authority_id" | "status">,
): boolean {
  return tender.status !== "draft" || isAuthorityEditor(principal, tender.authority_id);
}

/**
 * The tender as this person may see it (see `maySeeTender`), or 404: the first check of anything
 * done to a tender, before who may do it (403) and what its state allows (409) — one order of
 * checks everywhere (security finding 14).
 */
export async function visibleTender(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<repo.TenderRow> {
  const tender =
    isUuid(authorityId) && isUuid(tenderId)
      ? await repo.findTender(ctx.db, authorityId, tenderId)
      : undefined;
  if (!tender || !maySeeTender(ctx.principal, tender)) throw new NotFoundError("tender");
  return tender;
}

/**
 * Signed in (401), a tender they may see (404), and one of the authority's commissioners or
 * administrators (403; platform administrators pass): who may change a tender, in that order.
 */
export async function requireTenderEditor(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<{ p: Principal; tender: repo.TenderRow }> {
  requireSignedIn(ctx.principal);
  const tender = await visibleTender(ctx, authorityId, tenderId);
  const p = await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return { p, tender };
}

/**
 * For a change to a tender, in the calling service's transaction (`ctx.db`): as `requireTenderEditor`
 * (401, 404, 403), then the tender locked for the change and the state checks (409) that follow. Only
 * someone who may change it locks it.
 */
export async function lockedForEditor(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  tenderId: string,
): Promise<{ p: Principal; tender: Tender }> {
  const { p } = await requireTenderEditor(ctx, authorityId, tenderId);
  return { p, tender: await lockedTender(ctx.db, authorityId, tenderId) };
}

/** A tender of this authority, or 404 (drafts too, to those who may not edit it). */
export async function tenderOf(ctx: Ctx, authorityId: string, tenderId: string): Promise<TenderView> {
  const { db, principal } = ctx;
  const tender = await visibleTender(ctx, authorityId, tenderId);
  const parts = await repo.partsOf(db, authorityId, tenderId);
  const bidCount =
    tender.status !== "draft" && isTenderTeam(principal, authorityId)
      ? await repo.countCurrentBids(db, authorityId, tenderId)
      : null;
  return { tender, parts, state: stateOf(tender, ctx.clock.now()), bidCount };
}

/** The authority's tenders with their state: published ones for everyone, drafts too for its editors. */
export async function tendersOf(
  ctx: Ctx,
  authorityId: string,
): Promise<(repo.TenderRow & { state: TenderState })[]> {
  const rows = await repo.tendersOf(ctx.db, authorityId, {
    drafts: isAuthorityEditor(ctx.principal, authorityId),
  });
  const now = ctx.clock.now();
  return rows.map((row) => ({ ...row, state: stateOf(row, now) }));
}

/** The authority's tenders as `tenderOf` gives each (the API's list). */
export async function tenderViewsOf(ctx: Ctx, authorityId: string): Promise<TenderView[]> {
  const rows = await tendersOf(ctx, authorityId);
  return Promise.all(rows.map((row) => tenderOf(ctx, authorityId, row.id)));
}

/** The tender for its commissioners and administrators (drafts included): 401, 404, then 403. */
export async function tenderForEditor(ctx: Ctx, authorityId: string, tenderId: string): Promise<TenderView> {
  await requireTenderEditor(ctx, authorityId, tenderId);
  return tenderOf(ctx, authorityId, tenderId);
}

// What the later stages read of a tender (evaluation, award, contracts): no one is checked here,
// the calling service has checked who may see it.

/** The tender with the names it refers to, whatever its state; undefined when there is none. */
export async function findTender(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<repo.TenderRow | undefined> {
  return isUuid(authorityId) && isUuid(tenderId) ? repo.findTender(ctx.db, authorityId, tenderId) : undefined;
}

/** The tender locked for the calling service's transaction (`ctx.db`); undefined when there is none. */
export async function lockTender(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  tenderId: string,
): Promise<Tender | undefined> {
  return isUuid(authorityId) && isUuid(tenderId) ? repo.lockTender(ctx.db, authorityId, tenderId) : undefined;
}

/** How many published tenders each of these projects has (those with none left out). Public. */
export function publishedTenderCounts(
  ctx: Ctx,
  projects: readonly { authority_id: string; id: string }[],
): Promise<Map<string, number>> {
  return repo.publishedTenderCounts(ctx.db, projects);
}

/** A project's published tenders (not drafts), in the order they were published. */
export function publishedTendersOfProject(
  ctx: Ctx,
  authorityId: string,
  projectId: string,
): Promise<{ id: string; published_at: Date | null }[]> {
  return repo.publishedTendersOfProject(ctx.db, authorityId, projectId);
}

// The same for many tenders at once (the open data's releases, a page of processes at a time): a
// fixed number of queries however many tenders, each answering what the one-tender function does.

export type { TenderKey } from "./tenders.repository.ts";

/** These tenders when published (never drafts), by id: `findTender` for many, drafts left out. Public. */
export async function publishedTendersByKeys(
  ctx: Ctx,
  keys: readonly repo.TenderKey[],
): Promise<Map<string, repo.TenderRow>> {
  const rows = await repo.findPublishedTenders(ctx.db, keys.filter(validKey));
  return new Map(rows.map((t) => [t.id, t]));
}

/** These projects' published tenders (not drafts), each project's in the order they were published. Public. */
export function publishedTendersOfProjects(
  ctx: Ctx,
  projects: readonly { authority_id: string; id: string }[],
): Promise<{ authority_id: string; project_id: string; id: string; published_at: Date | null }[]> {
  return repo.publishedTendersOfProjects(ctx.db, projects.filter(validKey));
}

/** `tenderParts` of many tenders, by tender id. */
export function tendersParts(
  ctx: Ctx,
  keys: readonly repo.TenderKey[],
): Promise<Map<string, repo.TenderParts>> {
  return repo.partsOfTenders(ctx.db, keys.filter(validKey));
}

/**
 * How many current bids each opened tender among these has, by tender id: a tender not yet opened is
 * left out, its bids sealed (their number too). Public once opened.
 */
export function openedBidCounts(ctx: Ctx, keys: readonly repo.TenderKey[]): Promise<Map<string, number>> {
  return repo.openedBidCounts(ctx.db, keys.filter(validKey));
}

function validKey(key: repo.TenderKey): boolean {
  return isUuid(key.authority_id) && isUuid(key.id);
}

/** The tender's lots, conditions of participation, criteria and documents. */
export function tenderParts(ctx: Ctx, authorityId: string, tenderId: string): Promise<repo.TenderParts> {
  return repo.partsOf(ctx.db, authorityId, tenderId);
}

/** The tender's current bids (sealed, with what opening recorded of them), oldest first. */
export function currentBids(ctx: Ctx, authorityId: string, tenderId: string): Promise<Bid[]> {
  return repo.currentBids(ctx.db, authorityId, tenderId);
}

/** One of the tender's bids, current or not; undefined when there is none. */
export async function findBid(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  bidId: string,
): Promise<Bid | undefined> {
  return isUuid(bidId) ? repo.findBid(ctx.db, authorityId, tenderId, bidId) : undefined;
}

// Shared by the sections

/** The tender locked, or 404. */
export async function lockedTender(trx: Trx, authorityId: string, tenderId: string): Promise<Tender> {
  const tender =
    isUuid(authorityId) && isUuid(tenderId) ? await repo.lockTender(trx, authorityId, tenderId) : undefined;
  if (!tender) throw new NotFoundError("tender");
  return tender;
}

export const NOT_DRAFT = msg`This tender has been published; its terms can only change by an amendment.`;

/** A tender's page. */
export function tenderPath(tender: { authority_slug: string; id: string }): string {
  return `/authorities/${tender.authority_slug}/tenders/${tender.id}`;
}

/**
 * A notice's one-line subject, what happened and then the tender's title (a `msg`, so that the
 * inbox shows it in the reader's language), on one line and shortened to fit.
 */
export function subjectOf(line: string): string {
  const one = line.replace(/\s+/g, " ");
  return one.length <= 200 ? one : `${one.slice(0, 199)}…`;
}

/**
 * Tells everyone at the organisations registered as interested in the tender (bidding needs it), in
 * their inbox and by email (`ctx.email`), in the caller's transaction, from `actorIn(ctx)`. Bidders
 * are reached this way without unsealing who bid.
 */
export async function notifyInterested(
  ctx: TendersCtx & { db: Trx },
  tender: { authority_id: string; id: string },
  message: { kind: NoticeKind; subject: string; body: string; link: string },
): Promise<number> {
  const users = await repo.interestedUsers(ctx.db, tender.authority_id, tender.id);
  for (const userId of users)
    await notify(
      ctx.db,
      ctx.clock,
      { userId, authorityId: tender.authority_id, ...message },
      { email: ctx.email, actor: actorIn(ctx) },
    );
  return users.length;
}

/**
 * An authority's published tenders with their opening (bids are counted only once opened: never a
 * sealed count), a page at a time by id, for the market's figures. Checks no one: public facts.
 */
export const authorityTendersAfter = repo.authorityTendersAfter;
export type { TenderFigures } from "./tenders.repository.ts";

/**
 * How many tenders were published in [from, to) — of one authority, or of every one — for the
 * progress reports: an index range scan over the period's tenders (`tenders_published_at`). Public.
 */
export function tendersPublishedBetween(
  ctx: Pick<Ctx, "db">,
  range: { authorityId?: string | undefined; from: Date; to: Date },
): Promise<number> {
  return repo.countPublishedBetween(ctx.db, range);
}

/**
 * The tenders an organisation registered interest in (bidding needs it; who bid stays sealed), most
 * recently first, drafts never: what a provider may complain about to the authority that ran it
 * (redress's complaints about commissioning). Checks no one: the calling service has.
 */
export function tendersOfInterest(
  db: Db,
  organisationId: string,
  limit: number,
): Promise<repo.InterestRow[]> {
  return repo.interestsOf(db, [organisationId], limit);
}
