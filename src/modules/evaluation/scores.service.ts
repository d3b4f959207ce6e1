/**
 * Scores (issue 6, item 2): each assigned evaluator who has declared no conflict scores each
 * compliant bid on each scored criterion with a whole number on the published scale and a written
 * reason, then submits the complete scoresheet, fixed from then. Until every remaining evaluator has
 * submitted, an evaluator sees only their own scores: a look at another's is refused and recorded.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal } from "../access/access.service.ts";
import { commissioningPeople } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import type { BidContent } from "../tenders/bids.service.ts";
import { openedBids } from "../tenders/opening.service.ts";
import { findBid, lockTender, type TenderRow, type TendersCtx } from "../tenders/tenders.service.ts";
import * as repo from "./evaluation.repository.ts";
import {
  accreditationsOnBidDates,
  EVALUATION_LIMITS,
  isModerator,
  type LeafCriterion,
  type Named,
  progressOf,
  requireEvaluating,
  requireScorer,
  requireTeam,
  scoredCriteria,
  type TenderForEvaluation,
} from "./evaluation.service.ts";

export interface ScoreDraft {
  criterionId?: string;
  score?: number | string | null;
  reason?: string;
}

export interface CheckedScore {
  criterionId: string;
  score: number;
  reason: string;
}

/** One score, checked against its criterion and the scale. */
function checkScore(
  e: ScoreDraft,
  criterion: LeafCriterion,
  scaleMax: number,
  problems: FieldError[],
): CheckedScore {
  const raw = typeof e.score === "string" ? e.score.trim() : e.score;
  const score = typeof raw === "number" ? raw : raw && /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(score) || score < 0 || score > scaleMax)
    problems.push({
      field: `scores.${criterion.id}.score`,
      message: msg`Give “${criterion.title}” a whole number from 0 to ${scaleMax}, the published scale`,
    });
  const reason = (e.reason ?? "").trim();
  if (reason === "" || reason.length > EVALUATION_LIMITS.reason)
    problems.push({
      field: `scores.${criterion.id}.reason`,
      message: msg`Give the reason for the score of “${criterion.title}”, ${EVALUATION_LIMITS.reason} characters or fewer`,
    });
  return { criterionId: criterion.id, score, reason };
}

/** Checks scores against the tender's scored criteria and scale: 400 naming each field at fault. */
export function checkScores(
  entries: readonly ScoreDraft[] | undefined,
  leaves: readonly LeafCriterion[],
  scaleMax: number,
  what: string,
): CheckedScore[] {
  const scored = scoredCriteria(leaves);
  const problems: FieldError[] = [];
  const out: CheckedScore[] = [];
  const seen = new Set<string>();
  if (!entries || entries.length === 0)
    problems.push({ field: "scores", message: msg`Give ${what} for at least one criterion` });
  for (const [i, e] of (entries ?? []).entries()) {
    const criterion = scored.find((c) => c.id === e.criterionId);
    if (!criterion) {
      problems.push({
        field: `scores.${i}.criterionId`,
        message: msg`Score the tender's own quality and social value criteria only`,
      });
      continue;
    }
    if (seen.has(criterion.id)) {
      problems.push({ field: `scores.${criterion.id}.score`, message: msg`Score “${criterion.title}” once` });
      continue;
    }
    seen.add(criterion.id);
    out.push(checkScore(e, criterion, scaleMax, problems));
  }
  if (problems.length > 0) throw new ValidationError(msg`Check ${what}`, problems);
  return out;
}

/** A compliant bid of the tender: 409 for a bid excluded at the compliance check, 404 for any other. */
export async function requireCompliantBid(ctx: Ctx, t: TenderForEvaluation, bidId: string) {
  const bid = t.bids.find((b) => b.bidId === bidId);
  if (bid) return bid;
  const row = await findBid(ctx, t.tender.authority_id, t.tender.id, bidId);
  if (row?.status === "current")
    throw new ConflictError(
      msg`This bid was excluded at the compliance check: it is not scored.`,
      "bid_excluded",
    );
  throw new NotFoundError("bid");
}

export interface ScoresheetBid {
  bidId: string;
  name: string;
  /** The bid's answer per criterion id. */
  answers: Record<string, string>;
  consortium: BidContent["consortium"];
  scores: Record<string, { score: number; reason: string }>;
  complete: boolean;
  /** Per accreditation criterion: the platform's reading of the bidder's accreditation on the bid's date. */
  platformScored: { criterion: LeafCriterion; accredited: boolean; working: string }[];
}

export interface Scoresheet {
  tender: TenderRow;
  criteria: LeafCriterion[];
  scaleMax: number;
  bids: ScoresheetBid[];
  submittedAt: Date | null;
}

/** The evaluator's own scoresheet with the compliant bids' answers (a read of the bids, audited). */
export async function scoresheet(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  named: Named = {},
): Promise<Scoresheet> {
  const { p, t } = await requireScorer(ctx, authorityId, tenderId, named);
  const opened = await openedBids(ctx, authorityId, tenderId);
  const [mine, submission, reads] = await Promise.all([
    repo.scoresOf(ctx.db, authorityId, tenderId, p.userId),
    repo.submissionOf(ctx.db, authorityId, tenderId, p.userId),
    accreditationsOnBidDates(ctx, t),
  ]);
  const scored = scoredCriteria(t.leaves);
  return {
    tender: t.tender,
    criteria: scored,
    scaleMax: t.tender.scoring_scale_max,
    submittedAt: submission?.submitted_at ?? null,
    bids: t.bids.map((b) => {
      const content = opened.find((o) => o.receipt.bidId === b.bidId)?.content;
      const scores: ScoresheetBid["scores"] = {};
      for (const s of mine.filter((m) => m.bid_id === b.bidId))
        scores[s.criterion_id] = { score: s.score, reason: s.reason };
      return {
        bidId: b.bidId,
        name: b.name,
        answers: Object.fromEntries((content?.answers ?? []).map((a) => [a.criterionId, a.text])),
        consortium: content?.consortium ?? null,
        scores,
        complete: scored.every((c) => scores[c.id] !== undefined),
        platformScored: t.leaves.flatMap((c) => {
          const read = reads.get(b.bidId)?.get(c.id);
          return read ? [{ criterion: c, ...read }] : [];
        }),
      };
    }),
  };
}

/** The evaluator's scoresheet for one compliant bid (404 for another: an unknown one first). */
export async function scoresheetFor(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
): Promise<{ sheet: Scoresheet; bid: ScoresheetBid }> {
  const sheet = await scoresheet(ctx, authorityId, tenderId, { bidId });
  const bid = sheet.bids.find((b) => b.bidId === bidId);
  if (!bid) throw new NotFoundError("bid");
  return { sheet, bid };
}

/** The evaluator has not submitted yet (409 once they have), checked in the caller's transaction. */
async function requireNotSubmitted(
  ctx: Ctx & { db: Trx },
  t: TenderForEvaluation,
  p: Principal,
  message: string,
) {
  await lockTender(ctx, t.tender.authority_id, t.tender.id);
  if (await repo.submissionOf(ctx.db, t.tender.authority_id, t.tender.id, p.userId))
    throw new ConflictError(message, "scores_submitted");
}

/**
 * An evaluator records (or changes) their scores of one compliant bid, each with a reason, audited.
 * 404 for an unknown tender or bid, then 403 for anyone but its assigned evaluators; 409 before
 * declaring, once submitted, for an excluded bid; 400 for a score off the scale, a score without a
 * reason, an unknown criterion.
 */
export async function recordScores(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
  entries: readonly ScoreDraft[] | undefined,
): Promise<{ bidId: string; scored: number }> {
  const { p, t } = await requireScorer(ctx, authorityId, tenderId, { bidId });
  await requireCompliantBid(ctx, t, bidId);
  const scores = checkScores(entries, t.leaves, t.tender.scoring_scale_max, msg`your scores`);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    await requireNotSubmitted(
      tx,
      t,
      p,
      msg`You have submitted your scoresheet: your scores are fixed. Moderation records any change.`,
    );
    const now = ctx.clock.now();
    await repo.upsertScores(
      trx,
      scores.map((s) => ({
        authority_id: authorityId,
        tender_id: tenderId,
        user_id: p.userId,
        bid_id: bidId,
        criterion_id: s.criterionId,
        score: s.score,
        reason: s.reason,
        scored_at: now,
      })),
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "evaluation.scored",
      entity: { type: "tender", id: tenderId },
      changes: { bidId, evaluator: personalRef("users", p.userId), scores },
    });
    return { bidId, scored: scores.length };
  });
}

/** Every compliant bid scored on every scored criterion (422 naming each score missing). */
async function requireComplete(ctx: Ctx, t: TenderForEvaluation, p: Principal) {
  const mine = await repo.scoresOf(ctx.db, t.tender.authority_id, t.tender.id, p.userId);
  const have = new Set(mine.map((m) => `${m.bid_id}/${m.criterion_id}`));
  const missing: FieldError[] = [];
  for (const b of t.bids)
    for (const c of scoredCriteria(t.leaves))
      if (!have.has(`${b.bidId}/${c.id}`))
        missing.push({
          field: `bids.${b.bidId}.${c.id}`,
          message: msg`Score “${c.title}” for the bid from ${b.name}`,
        });
  if (missing.length > 0)
    throw new UnprocessableError(
      missing.length === 1
        ? msg`Your scoresheet is not complete: ${missing.length} score missing`
        : msg`Your scoresheet is not complete: ${missing.length} scores missing`,
      missing,
      "scoresheet_incomplete",
    );
  return mine;
}

/** The commissioners are told that moderation can start. */
async function tellReadyToModerate(ctx: TendersCtx & { db: Trx }, t: TenderForEvaluation) {
  const { authority_id: authorityId, id: tenderId, title, authority_slug: slug } = t.tender;
  for (const userId of await commissioningPeople(ctx.db, authorityId))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: "evaluation.ready-to-moderate",
        subject: `Ready for moderation: ${title}`.slice(0, 200),
        body: `Every evaluator of “${title}” has submitted their scores. Moderation can start: record the agreed score and reason for each bid and criterion.`,
        // The evaluation's page, which every recipient may see; it leads on to moderation for those
        // who may read the opened bids.
        link: `/authorities/${slug}/tenders/${tenderId}/evaluation`,
      },
      { email: ctx.email, actor: SYSTEM("evaluation") },
    );
}

/**
 * An evaluator submits their complete scoresheet (every compliant bid on every scored criterion: 422
 * naming each score missing), audited; their scores are fixed from then. When the last remaining
 * evaluator submits, the commissioners are told that moderation can start.
 */
export async function submitScores(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<{ submittedAt: Date; moderationOpen: boolean }> {
  const { p, t } = await requireScorer(ctx, authorityId, tenderId);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    await requireNotSubmitted(tx, t, p, msg`You have submitted your scoresheet already.`);
    const mine = await requireComplete(tx, t, p);
    const now = ctx.clock.now();
    await repo.insertSubmission(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      user_id: p.userId,
      submitted_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "evaluation.submitted",
      entity: { type: "tender", id: tenderId },
      changes: { evaluator: personalRef("users", p.userId), scores: mine.length },
    });
    const progress = await progressOf(tx, t);
    if (progress.moderationOpen) await tellReadyToModerate(tx, t);
    return { submittedAt: now, moderationOpen: progress.moderationOpen };
  });
}

export interface EvaluatorScores {
  evaluator: { userId: string; name: string; submittedAt: Date | null };
  scores: { bidId: string; criterionId: string; score: number; reason: string }[];
}

/**
 * One evaluator's scores. Their own, always (once declared); another's only once moderation is open
 * (every remaining evaluator has submitted), to the moderators and the remaining evaluators. A look
 * at another's by anyone else, or before that, is refused (403) and recorded on the audit trail. The
 * order: the tender (404); the tender team (403), and for one's own scores, being a remaining
 * evaluator (403); the evaluator named (404, among those the team sees); who may look at another's
 * (403); the state (409, evaluation not started); then when (403, before moderation).
 */
export async function evaluatorScores(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<EvaluatorScores> {
  const { p, t } = await requireTeam(ctx, authorityId, tenderId);
  const progress = await progressOf(ctx, t);
  const own = userId === p.userId;
  const remaining = progress.evaluators.find((e) => e.userId === p.userId && e.declaration === "none");
  if (own && !remaining)
    throw new ForbiddenError(
      msg`You are not one of this tender's evaluators with a declaration of no conflict.`,
    );
  const evaluator = progress.evaluators.find((e) => e.userId === userId);
  if (!evaluator) throw new NotFoundError("evaluator");
  // Someone neither a remaining evaluator nor a moderator never sees another's scores, whatever the
  // state: refused before being told that evaluation has not started.
  if (!own && !remaining && !(await isModerator(ctx, authorityId, tenderId)))
    await refuseScoresRead(ctx, p, authorityId, tenderId, userId, progress.moderationOpen);
  requireEvaluating(t);
  if (!own && !progress.moderationOpen)
    await refuseScoresRead(ctx, p, authorityId, tenderId, userId, progress.moderationOpen);
  const scores = await repo.scoresOf(ctx.db, authorityId, tenderId, userId);
  return {
    evaluator: { userId, name: evaluator.name, submittedAt: evaluator.submittedAt },
    scores: scores.map((s) => ({
      bidId: s.bid_id,
      criterionId: s.criterion_id,
      score: s.score,
      reason: s.reason,
    })),
  };
}

/** A refused look at another evaluator's scores: recorded (in a transaction of its own), then 403. */
async function refuseScoresRead(
  ctx: Ctx,
  p: Principal,
  authorityId: string,
  tenderId: string,
  userId: string,
  moderationOpen: boolean,
): Promise<never> {
  await transaction(ctx.db, (trx) =>
    recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "evaluation.scores-read-refused",
      entity: { type: "tender", id: tenderId },
      changes: {
        by: personalRef("users", p.userId),
        evaluator: isUuid(userId) ? personalRef("users", userId) : null,
        reason: moderationOpen ? "not a moderator or evaluator" : "before moderation",
      },
    }),
  );
  throw new ForbiddenError(
    msg`Evaluators see only their own scores until every evaluator has submitted and moderation starts.`,
  );
}
