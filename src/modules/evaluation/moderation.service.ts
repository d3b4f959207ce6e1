/**
 * Moderation, ranking and ties (issue 6, items 2–3): once every remaining evaluator has submitted,
 * the authority's commissioners and administrators who may read the opened bids see all the scores
 * side by side and record the agreed score and reason per bid and criterion. The ranking (scoring.ts)
 * comes from the agreed scores and the bids' prices, exactly; bids tied on both total and quality
 * are ordered by the commissioner's recorded decision, with a reason. The award step asks
 * `readyToAward` for the ranking it awards on.
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { BidContent } from "../tenders/bids.service.ts";
import { openedBids } from "../tenders/opening.service.ts";
import { lockTender, type TenderRow, type TendersCtx } from "../tenders/tenders.service.ts";
import type { AccreditationOnDay } from "./evaluation.ports.ts";
import * as repo from "./evaluation.repository.ts";
import {
  type AccreditationReads,
  accreditationsOnBidDates,
  EVALUATION_LIMITS,
  type EvaluatorProgress,
  type LeafCriterion,
  type Named,
  type Progress,
  progressOf,
  requireEvaluating,
  requireModerator,
  requireNotAwarded,
  scoredCriteria,
  type TenderForEvaluation,
} from "./evaluation.service.ts";
import { checkScores, requireCompliantBid, type ScoreDraft } from "./scores.service.ts";
import { type Criterion, rankBids, type ScoredBid, showBp } from "./scoring.ts";

function requireModerationOpen(t: TenderForEvaluation, progress: Progress): void {
  requireEvaluating(t);
  if (progress.evaluators.length === 0)
    throw new ConflictError(
      msg`No evaluator is assigned (or every one declared a conflict): assign evaluators, who score the bids before moderation.`,
      "no_evaluators",
    );
  const waiting = progress.evaluators.filter((e) => e.declaration !== "none" || e.submittedAt === null);
  if (waiting.length > 0)
    throw new ConflictError(
      msg`Moderation starts when every evaluator has submitted their scores: waiting for ${waiting.map((e) => e.name).join(", ")}.`,
      "scoring_incomplete",
    );
}

/** The opened bids' contents by bid id (a read of the bids, audited). */
async function contentsOf(ctx: TendersCtx, authorityId: string, tenderId: string) {
  const opened = await openedBids(ctx, authorityId, tenderId);
  return new Map(opened.map((o) => [o.receipt.bidId, o.content]));
}

// Moderation

export interface ModeratedBid {
  bidId: string;
  name: string;
  answers: Record<string, string>;
  perCriterion: Record<
    string,
    {
      evaluators: { userId: string; name: string; score: number; reason: string }[];
      agreed: { score: number; reason: string; by: string; at: Date } | null;
    }
  >;
}

export interface ModerationView {
  tender: TenderRow;
  criteria: LeafCriterion[];
  scaleMax: number;
  evaluators: EvaluatorProgress[];
  bids: ModeratedBid[];
  unmoderated: number;
  awarded: boolean;
}

/** All evaluators' scores side by side, with the agreed ones, once moderation is open (reads the bids, audited). */
export async function moderationView(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  named: Named = {},
): Promise<ModerationView> {
  const { t } = await requireModerator(ctx, authorityId, tenderId, named);
  const progress = await progressOf(ctx, t);
  requireModerationOpen(t, progress);
  const contents = await contentsOf(ctx, authorityId, tenderId);
  const [scores, moderated] = await Promise.all([
    repo.scoresOf(ctx.db, authorityId, tenderId),
    repo.moderatedScoresOf(ctx.db, authorityId, tenderId),
  ]);
  const remaining = new Map(progress.evaluators.map((e) => [e.userId, e.name]));
  const criteria = scoredCriteria(t.leaves);
  const perCriterion = (bidId: string) => {
    const out: ModeratedBid["perCriterion"] = {};
    for (const c of criteria) {
      const agreed = moderated.find((m) => m.bid_id === bidId && m.criterion_id === c.id);
      out[c.id] = {
        evaluators: scores
          .filter((s) => s.bid_id === bidId && s.criterion_id === c.id && remaining.has(s.user_id))
          .map((s) => ({
            userId: s.user_id,
            name: remaining.get(s.user_id) as string,
            score: s.score,
            reason: s.reason,
          })),
        agreed: agreed
          ? { score: agreed.score, reason: agreed.reason, by: agreed.moderated_by, at: agreed.moderated_at }
          : null,
      };
    }
    return out;
  };
  return {
    tender: t.tender,
    criteria,
    scaleMax: t.tender.scoring_scale_max,
    evaluators: progress.evaluators,
    unmoderated: progress.unmoderated.length,
    awarded: progress.liveAward !== null,
    bids: t.bids.map((b) => ({
      bidId: b.bidId,
      name: b.name,
      answers: Object.fromEntries((contents.get(b.bidId)?.answers ?? []).map((a) => [a.criterionId, a.text])),
      perCriterion: perCriterion(b.bidId),
    })),
  };
}

/** Moderation of one compliant bid (404 for another: an unknown one first). */
export async function moderationFor(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
): Promise<{ view: ModerationView; bid: ModeratedBid }> {
  const view = await moderationView(ctx, authorityId, tenderId, { bidId });
  const bid = view.bids.find((b) => b.bidId === bidId);
  if (!bid) throw new NotFoundError("bid");
  return { view, bid };
}

/**
 * Records the agreed scores and reasons for one bid, audited: 404 for an unknown tender or bid, 403
 * for anyone but the moderators, then once every evaluator has submitted (409 before), until the
 * tender is awarded (409; an upheld challenge reopens moderation).
 */
export async function moderateBid(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
  entries: readonly ScoreDraft[] | undefined,
): Promise<{ bidId: string; moderated: number; unmoderated: number }> {
  const { p, t } = await requireModerator(ctx, authorityId, tenderId, { bidId });
  requireModerationOpen(t, await progressOf(ctx, t));
  await requireCompliantBid(ctx, t, bidId);
  const scores = checkScores(entries, t.leaves, t.tender.scoring_scale_max, msg`the agreed scores`);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    await lockTender(tx, authorityId, tenderId);
    await requireNotAwarded(
      tx,
      authorityId,
      tenderId,
      msg`The tender has been awarded: the agreed scores are fixed unless a challenge is upheld for re-evaluation.`,
    );
    const now = ctx.clock.now();
    await repo.upsertModeratedScores(
      trx,
      scores.map((s) => ({
        authority_id: authorityId,
        tender_id: tenderId,
        bid_id: bidId,
        criterion_id: s.criterionId,
        score: s.score,
        reason: s.reason,
        moderated_by: p.userId,
        moderated_at: now,
      })),
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "evaluation.moderated",
      entity: { type: "tender", id: tenderId },
      changes: { bidId, scores },
    });
    const progress = await progressOf(tx, t);
    return { bidId, moderated: scores.length, unmoderated: progress.unmoderated.length };
  });
}

// Ranking

export interface RankedBid extends ScoredBid {
  name: string;
  organisationId: string | null;
  pricePence: bigint | null;
  /** Per criterion (in the tender's order): its title and the agreed reason (or the price). */
  details: { criterionId: string; title: string; reason: string }[];
  qualityShown: string;
  priceShown: string;
}

export interface RankingView {
  tender: TenderRow;
  criteria: LeafCriterion[];
  scaleMax: number;
  bids: RankedBid[];
  unresolvedTies: { bidId: string; name: string }[][];
  tieDecision: { order: string[]; reason: string; decidedBy: string; decidedAt: Date } | null;
  awarded: boolean;
}

type Moderated = Awaited<ReturnType<typeof repo.moderatedScoresOf>>;

/** Every compliant bid has an agreed score on every scored criterion (409 otherwise). */
function requireModerated(t: TenderForEvaluation, moderated: Moderated): void {
  const missing =
    t.bids.length * scoredCriteria(t.leaves).length -
    moderated.filter((m) => t.bids.some((b) => b.bidId === m.bid_id)).length;
  if (missing > 0)
    throw new ConflictError(
      missing === 1
        ? msg`Record the agreed score for every bid and criterion first: ${missing} is not moderated.`
        : msg`Record the agreed score for every bid and criterion first: ${missing} are not moderated.`,
      "moderation_incomplete",
    );
}

/** A ranked bid with its bidder, price and, per criterion, its title and agreed reason (or the accreditation's working). */
function rankedBid(
  t: TenderForEvaluation,
  moderated: Moderated,
  r: ScoredBid,
  pricePence: bigint | null,
  reads: AccreditationReads,
): RankedBid {
  const bid = t.bids.find((b) => b.bidId === r.bidId);
  return {
    ...r,
    name: bid?.name ?? r.bidId,
    organisationId: bid?.organisationId ?? null,
    pricePence,
    qualityShown: showBp(r.quality),
    priceShown: showBp(r.price),
    details: r.criteria.map((w) => {
      const leaf = t.leaves.find((l) => l.id === w.criterionId);
      const agreed = moderated.find((m) => m.bid_id === r.bidId && m.criterion_id === w.criterionId);
      return {
        criterionId: w.criterionId,
        title: leaf?.parentTitle ? `${leaf.parentTitle}: ${leaf.title}` : (leaf?.title ?? w.criterionId),
        reason:
          w.kind === "accreditation"
            ? (reads.get(r.bidId)?.get(w.criterionId)?.working ?? "")
            : (agreed?.reason ?? ""),
      };
    }),
  };
}

/**
 * The ranking from the agreed scores and the bids' prices, exactly (scoring.ts): price by the
 * published formula for competitive tenders; fixed-price and tariff tenders on quality alone.
 */
export async function computeRanking(
  ctx: Ctx,
  t: TenderForEvaluation,
  contents: ReadonlyMap<string, BidContent | null>,
  options: { withDecision: boolean } = { withDecision: true },
): Promise<Omit<RankingView, "awarded">> {
  const authorityId = t.tender.authority_id;
  const [moderated, decision, reads] = await Promise.all([
    repo.moderatedScoresOf(ctx.db, authorityId, t.tender.id),
    repo.tieDecisionOf(ctx.db, authorityId, t.tender.id),
    accreditationsOnBidDates(ctx, t),
  ]);
  requireModerated(t, moderated);
  const competitive = t.tender.pricing_mode === "competitive";
  const criteria: Criterion[] = t.leaves.map((c) => ({
    id: c.id,
    name: c.title,
    kind: c.kind,
    weightBp: c.kind === "price" && !competitive ? 0 : c.weightBp,
  }));
  const bids = t.bids.map((b) => {
    const price = contents.get(b.bidId)?.pricePence;
    return {
      bidId: b.bidId,
      pricePence: competitive && price ? BigInt(price) : null,
      scores: Object.fromEntries(
        moderated.filter((m) => m.bid_id === b.bidId).map((m) => [m.criterion_id, m.score]),
      ),
      accredited: Object.fromEntries(
        [...(reads.get(b.bidId) ?? new Map<string, AccreditationOnDay>())].map(([id, a]) => [
          id,
          a.accredited,
        ]),
      ),
    };
  });
  const order = options.withDecision ? (decision?.bid_order ?? []) : [];
  const ranking = rankBids(criteria, t.tender.scoring_scale_max, bids, order);
  const nameOf = (bidId: string) => t.bids.find((b) => b.bidId === bidId)?.name ?? bidId;
  return {
    tender: t.tender,
    criteria: t.leaves,
    scaleMax: t.tender.scoring_scale_max,
    bids: ranking.bids.map((r) =>
      rankedBid(t, moderated, r, bids.find((b) => b.bidId === r.bidId)?.pricePence ?? null, reads),
    ),
    unresolvedTies: ranking.unresolvedTies.map((group) =>
      group.map((bidId) => ({ bidId, name: nameOf(bidId) })),
    ),
    tieDecision: decision
      ? {
          order: decision.bid_order,
          reason: decision.reason,
          decidedBy: decision.decided_by_name,
          decidedAt: decision.decided_at,
        }
      : null,
  };
}

/** The ranking with the working for every number, for the moderators (reads the bids' prices, audited). */
export async function rankingView(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<RankingView> {
  const { t } = await requireModerator(ctx, authorityId, tenderId);
  const progress = await progressOf(ctx, t);
  requireModerationOpen(t, progress);
  const ranking = await computeRanking(ctx, t, await contentsOf(ctx, authorityId, tenderId));
  return { ...ranking, awarded: progress.liveAward !== null };
}

/** The decision on a tie, checked: 400 for a field at fault. */
function checkTie(draft: { order?: string[]; reason?: string }): { order: string[]; reason: string } {
  const reason = (draft.reason ?? "").trim();
  const order = draft.order ?? [];
  const problems: FieldError[] = [];
  if (reason === "" || reason.length > EVALUATION_LIMITS.reason)
    problems.push({
      field: "reason",
      message: msg`Give the reason for the order you decided, ${EVALUATION_LIMITS.reason} characters or fewer`,
    });
  if (order.length < 2 || !order.every(isUuid))
    problems.push({ field: "order", message: msg`Put the tied bids in order, best first` });
  if (problems.length > 0) throw new ValidationError(msg`Check the decision on the tie`, problems);
  return { order, reason };
}

/** The order names every bid of every unresolved tie exactly once (422 otherwise; 409 with no tie). */
function requireEveryTiedBid(order: string[], ties: RankingView["unresolvedTies"]): void {
  const tied = ties.flat().map((b) => b.bidId);
  if (tied.length === 0)
    throw new ConflictError(
      msg`No bids are tied on both total and quality: there is nothing to decide.`,
      "no_tie",
    );
  if (
    order.length !== tied.length ||
    new Set(order).size !== order.length ||
    !order.every((id) => tied.includes(id))
  )
    throw new UnprocessableError(msg`Order every tied bid once`, [
      {
        field: "order",
        message: msg`Put each of the tied bids in order once: ${ties.map((g) => g.map((b) => b.name).join(" and ")).join("; ")}`,
      },
    ]);
}

/**
 * The order of tied bids as a page's form gives it: a position per bid (1 for the best), each a
 * different whole number (400 otherwise).
 */
function orderOfPositions(positions: Record<string, string>): string[] {
  const given = Object.values(positions);
  if (given.some((x) => !/^\d{1,3}$/.test(x)) || new Set(given).size !== given.length)
    throw new ValidationError(msg`Check the order`, [
      {
        field: "order",
        message: msg`Give each tied bid a different position: 1 for the best, then 2, and so on`,
      },
    ]);
  return Object.entries(positions)
    .sort(([, a], [, b]) => Number(a) - Number(b))
    .map(([bidId]) => bidId);
}

export interface TieDraft {
  /** The tied bids, best first. */
  order?: string[];
  /** Or each tied bid's position (1 for the best), as a page's form sends them. */
  positions?: Record<string, string>;
  reason?: string;
}

/**
 * The commissioner records the order of bids tied on total and quality, with the reason, audited:
 * the order names every bid of every unresolved tie exactly once (422 otherwise); 409 with no tie,
 * or once awarded.
 */
export async function decideTie(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  draft: TieDraft,
): Promise<{ order: string[] }> {
  const { p, t } = await requireModerator(ctx, authorityId, tenderId);
  requireModerationOpen(t, await progressOf(ctx, t));
  const positioned = draft.positions ? orderOfPositions(draft.positions) : draft.order;
  const { order, reason } = checkTie({ order: positioned, reason: draft.reason });
  const open = await computeRanking(ctx, t, await contentsOf(ctx, authorityId, tenderId), {
    withDecision: false,
  });
  requireEveryTiedBid(order, open.unresolvedTies);
  await transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    await lockTender(tx, authorityId, tenderId);
    await requireNotAwarded(
      tx,
      authorityId,
      tenderId,
      msg`The tender has been awarded: the ranking is fixed.`,
    );
    await repo.replaceTieDecision(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      bid_order: order,
      reason,
      decided_by: p.userId,
      decided_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "evaluation.tie-decided",
      entity: { type: "tender", id: tenderId },
      changes: { order, reason },
    });
  });
  return { order };
}

export interface ReadyToAward {
  p: Principal;
  t: TenderForEvaluation;
  progress: Progress;
  contents: Map<string, BidContent | null>;
  ranking: Omit<RankingView, "awarded">;
}

/** For the award step: the tender, its progress and the bids' contents, checked ready (409/422 otherwise). */
export async function readyToAward(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<ReadyToAward> {
  const { p, t } = await requireModerator(ctx, authorityId, tenderId);
  const progress = await progressOf(ctx, t);
  if (progress.liveAward)
    throw new ConflictError(msg`This tender has been awarded already.`, "already_awarded");
  requireModerationOpen(t, progress);
  const contents = await contentsOf(ctx, authorityId, tenderId);
  const ranking = await computeRanking(ctx, t, contents);
  return { p, t, progress, contents, ranking };
}
