/**
 * Evaluation of compliant bids (issue 6, items 1–3). See docs/commissioning.md.
 *
 * - Each evaluator assigned to the tender declares any conflict of interest before seeing the bids:
 *   "none" lets them score; a conflict (described) ends their assignment, audited.
 * - Each evaluator scores each compliant bid on each scored criterion (quality and social value; a
 *   criterion's sub-criteria where it has them) with a whole number on the published scale and a
 *   written reason, then submits the complete scoresheet (fixed from then). Until every remaining
 *   evaluator has submitted, an evaluator sees only their own scores (a refused look at another's is
 *   403 and recorded).
 * - Moderation, by the authority's commissioners and administrators who may read the opened bids,
 *   opens when every remaining evaluator has submitted: all scores side by side, and the agreed score
 *   and reason recorded per bid and criterion.
 * - The ranking (scoring.ts) comes from the agreed scores and the bids' prices, exactly; ties on total
 *   and quality are ordered by the commissioner's recorded decision, with a reason.
 */
import type { Db } from "../../db/database.ts";
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
import type { Principal, Role } from "../access/access.service.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import { personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { type BidContent, type BidsContext, canReadBids, openedBids } from "../tenders/bids.service.ts";
import * as tendersRepo from "../tenders/tenders.repository.ts";
import * as complianceRepo from "./compliance.repository.ts";
import { COMPLIANCE_DECIDERS, type Evaluation, evaluationOf } from "./compliance.service.ts";
import { conflictDeclarationOf } from "./declarations.ts";
import * as repo from "./evaluation.repository.ts";
import type { Declaration } from "./evaluation.table.ts";
import { type Criterion, type Ranking, rankBids, type ScoredBid, showBp } from "./scoring.ts";

export const EVALUATION_LIMITS = { reason: 5000, description: 5000 } as const;
/** The tender team: who sees evaluation's progress (no bid content). */
export const TEAM_ROLES: readonly Role[] = ["commissioner", "authority-admin", "bid-opener", "evaluator"];
/** Who moderates, decides ties and awards (among those who may read the opened bids). */
export const MODERATORS: readonly Role[] = COMPLIANCE_DECIDERS;

export { conflictDeclarationOf };

/** A scored (leaf) criterion, or the price criterion, with its weight in basis points. */
export interface LeafCriterion {
  id: string;
  title: string;
  kind: "quality" | "social-value" | "price";
  weightBp: number;
  /** The criterion a sub-criterion belongs to. */
  parentTitle: string | null;
}

/** The criteria bids are scored on: top-level criteria without sub-criteria, and sub-criteria. */
export function leafCriteria(parts: tendersRepo.TenderParts): LeafCriterion[] {
  const byId = new Map(parts.criteria.map((c) => [c.id, c]));
  const top = parts.criteria.filter((c) => c.parent_id === null).sort((a, b) => a.position - b.position);
  const leaves: LeafCriterion[] = [];
  for (const c of top) {
    const subs = parts.criteria.filter((s) => s.parent_id === c.id).sort((a, b) => a.position - b.position);
    if (subs.length === 0)
      leaves.push({ id: c.id, title: c.title, kind: c.kind, weightBp: c.weight_bp, parentTitle: null });
    for (const s of subs)
      leaves.push({
        id: s.id,
        title: s.title,
        kind: s.kind,
        weightBp: s.weight_bp,
        parentTitle: byId.get(c.id)?.title ?? null,
      });
  }
  return leaves;
}

export const scoredCriteria = (leaves: readonly LeafCriterion[]) => leaves.filter((c) => c.kind !== "price");

export interface TenderForEvaluation {
  tender: tendersRepo.TenderRow;
  parts: tendersRepo.TenderParts;
  leaves: LeafCriterion[];
  evaluation: Evaluation | null;
  /** The compliant bids, with their bidders' names (known since opening). */
  bids: { bidId: string; organisationId: string | null; name: string }[];
}

/** The tender (404 unknown or draft) with what evaluation needs. */
export async function tenderForEvaluation(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<TenderForEvaluation> {
  const tender = isUuid(tenderId) ? await tendersRepo.findTender(db, authorityId, tenderId) : undefined;
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  const [parts, evaluation, decisions, current] = await Promise.all([
    tendersRepo.partsOf(db, authorityId, tenderId),
    evaluationOf(db, authorityId, tenderId),
    complianceRepo.decisionsOf(db, authorityId, tenderId),
    tendersRepo.currentBids(db, authorityId, tenderId),
  ]);
  const compliant = new Set(decisions.filter((d) => d.outcome === "compliant").map((d) => d.bid_id));
  const rows = current.filter((b) => compliant.has(b.id));
  const names = new Map(
    (
      await repo.organisationNames(
        db,
        rows.map((b) => b.organisation_id).filter((id): id is string => id !== null),
      )
    ).map((o) => [o.id, o.name]),
  );
  const bids = rows
    .map((b) => ({
      bidId: b.id,
      organisationId: b.organisation_id,
      name: (b.organisation_id && names.get(b.organisation_id)) || `Bid ${b.id}`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.bidId.localeCompare(b.bidId));
  return { tender, parts, leaves: leafCriteria(parts), evaluation, bids };
}

/** Evaluation must have started, the tender not cancelled (409). */
export function requireEvaluating(t: TenderForEvaluation): Evaluation {
  if (t.tender.status === "cancelled")
    throw new ConflictError("This tender was cancelled: its bids are not evaluated.", "tender_cancelled");
  if (!t.evaluation)
    throw new ConflictError(
      "Evaluation has not started: the compliance check comes first, then a commissioner starts evaluation.",
      "evaluation_not_started",
    );
  return t.evaluation;
}

/** Signed in and one of the authority's tender team (403), then the tender (404). */
async function requireTeam(db: Db, principal: Principal | null, authorityId: string, tenderId: string) {
  const p = requireSignedIn(principal);
  if (!hasRole(p, TEAM_ROLES, authorityId))
    throw new ForbiddenError("Only the authority's tender team sees the evaluation of its tenders.");
  return { p, t: await tenderForEvaluation(db, authorityId, tenderId) };
}

/** An evaluator assigned to the tender (403 otherwise; 404 unknown tender). */
async function requireAssignedEvaluator(
  db: Db,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
) {
  const p = requireSignedIn(principal);
  if (!hasRole(p, ["evaluator"], authorityId))
    throw new ForbiddenError("Only the evaluators assigned to the tender score its bids.");
  const t = await tenderForEvaluation(db, authorityId, tenderId);
  if (!(await tendersRepo.isAssignedEvaluator(db, authorityId, tenderId, p.userId))) {
    const declared = await conflictDeclarationOf(db, authorityId, tenderId, p.userId);
    throw new ForbiddenError(
      declared === "conflict"
        ? "You declared a conflict of interest, so you are no longer an evaluator of this tender."
        : "You are not assigned to evaluate this tender. Ask its commissioner to assign you.",
    );
  }
  return { p, t };
}

/** An assigned evaluator who has declared no conflict, while scoring is possible. */
async function requireScorer(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
) {
  const { p, t } = await requireAssignedEvaluator(ctx.db, principal, authorityId, tenderId);
  if ((await conflictDeclarationOf(ctx.db, authorityId, tenderId, p.userId)) !== "none")
    throw new ConflictError(
      "Declare any conflict of interest first: evaluators see and score the bids only after declaring that they have none.",
      "declaration_required",
    );
  requireEvaluating(t);
  return { p, t };
}

/**
 * Those who moderate, decide ties and award: the authority's commissioners and administrators (403
 * first), of a known tender (404), who may read its opened bids (403, the attempt recorded by
 * `openedBids`).
 */
export async function requireModerator(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
) {
  const p = requireSignedIn(principal);
  if (!hasRole(p, MODERATORS, authorityId))
    throw new ForbiddenError(
      "Moderation, ranking and award are for the authority's commissioners and administrators who may read the opened bids.",
    );
  const t = await tenderForEvaluation(ctx.db, authorityId, tenderId);
  if (!(await canReadBids(ctx.db, p, authorityId, tenderId))) {
    await openedBids(ctx, p, authorityId, tenderId);
    throw new ForbiddenError(
      "Only the authority's bid openers and the tender's assigned evaluators may read its bids: ask for the bid-opener role or to be assigned.",
    );
  }
  return { p, t };
}

// Progress

export type EvaluationState = "not-started" | "scoring" | "moderation" | "ranked" | "awarded" | "cancelled";

export interface EvaluatorProgress {
  userId: string;
  name: string;
  declaration: Declaration | null;
  submittedAt: Date | null;
}

export interface Progress {
  evaluators: EvaluatorProgress[];
  conflicts: { userId: string; name: string; description: string; declaredAt: Date }[];
  /** Every remaining evaluator has declared and submitted (and there is at least one). */
  moderationOpen: boolean;
  /** Agreed scores missing, per bid and criterion. */
  unmoderated: { bidId: string; criterionId: string }[];
  liveAward: repo.AwardRow | null;
}

export async function progressOf(db: Db, t: TenderForEvaluation): Promise<Progress> {
  const authorityId = t.tender.authority_id;
  const [evaluators, conflicts, moderated, awards] = await Promise.all([
    repo.evaluatorsOf(db, authorityId, t.tender.id),
    repo.conflictsOf(db, authorityId, t.tender.id),
    repo.moderatedScoresOf(db, authorityId, t.tender.id),
    repo.awardsOf(db, authorityId, t.tender.id),
  ]);
  const have = new Set(moderated.map((m) => `${m.bid_id}/${m.criterion_id}`));
  const unmoderated = t.bids.flatMap((b) =>
    scoredCriteria(t.leaves)
      .filter((c) => !have.has(`${b.bidId}/${c.id}`))
      .map((c) => ({ bidId: b.bidId, criterionId: c.id })),
  );
  return {
    evaluators: evaluators.map((e) => ({
      userId: e.user_id,
      name: e.display_name,
      declaration: e.declaration,
      submittedAt: e.submitted_at,
    })),
    conflicts: conflicts.map((c) => ({
      userId: c.user_id,
      name: c.display_name,
      description: c.description,
      declaredAt: c.declared_at,
    })),
    moderationOpen:
      t.evaluation !== null &&
      evaluators.length > 0 &&
      evaluators.every((e) => e.declaration === "none" && e.submitted_at !== null),
    unmoderated,
    liveAward: awards.find((a) => a.status !== "withdrawn") ?? null,
  };
}

function stateOf(t: TenderForEvaluation, progress: Progress): EvaluationState {
  if (t.tender.status === "cancelled") return "cancelled";
  if (!t.evaluation) return "not-started";
  if (progress.liveAward) return "awarded";
  if (!progress.moderationOpen) return "scoring";
  return progress.unmoderated.length > 0 ? "moderation" : "ranked";
}

export interface EvaluationOverview {
  tender: tendersRepo.TenderRow;
  state: EvaluationState;
  evaluation: Evaluation | null;
  criteria: LeafCriterion[];
  bids: TenderForEvaluation["bids"];
  progress: Progress;
  you: {
    assigned: boolean;
    declaration: Declaration | null;
    submittedAt: Date | null;
    /** May moderate, rank and award (commissioner or administrator who may read the bids). */
    moderator: boolean;
  };
}

/** Evaluation's progress for the tender team: no scores and no bid content, so no read of the bids. */
export async function evaluationOverview(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<EvaluationOverview> {
  const { p, t } = await requireTeam(ctx.db, principal, authorityId, tenderId);
  const progress = await progressOf(ctx.db, t);
  const mine = progress.evaluators.find((e) => e.userId === p.userId);
  return {
    tender: t.tender,
    state: stateOf(t, progress),
    evaluation: t.evaluation,
    criteria: t.leaves,
    bids: t.bids,
    progress,
    you: {
      assigned: mine !== undefined,
      declaration:
        mine?.declaration ?? (await conflictDeclarationOf(ctx.db, authorityId, tenderId, p.userId)),
      submittedAt: mine?.submittedAt ?? null,
      moderator: hasRole(p, MODERATORS, authorityId) && (await canReadBids(ctx.db, p, authorityId, tenderId)),
    },
  };
}

// Conflicts of interest

export interface DeclarationDraft {
  conflict?: boolean;
  description?: string;
}

/**
 * An assigned evaluator declares any conflict of interest, audited. None: they may then see and score
 * the bids. A conflict (described: 422 without) ends their assignment to the tender; the commissioners
 * are told. A conflict can be declared at any time before the award (scores already given are then
 * left out of moderation); "none" once declared stays.
 */
export async function declareConflicts(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  draft: DeclarationDraft,
): Promise<{ declaration: Declaration }> {
  const { p, t } = await requireAssignedEvaluator(ctx.db, principal, authorityId, tenderId);
  if (t.tender.status === "cancelled")
    throw new ConflictError("This tender was cancelled: its bids are not evaluated.", "tender_cancelled");
  const description = (draft.description ?? "").trim();
  const problems: FieldError[] = [];
  if (typeof draft.conflict !== "boolean")
    problems.push({
      field: "conflict",
      message: "Say whether you have a conflict of interest in this tender",
    });
  if (description.length > EVALUATION_LIMITS.description)
    problems.push({
      field: "description",
      message: `Describe the conflict in ${EVALUATION_LIMITS.description} characters or fewer`,
    });
  if (problems.length > 0) throw new ValidationError("Check your declaration", problems);
  if (draft.conflict && description === "")
    throw new UnprocessableError("Describe the conflict of interest", [
      {
        field: "description",
        message: "Describe the conflict: your interest in a bidder, its people or the outcome",
      },
    ]);
  const declaration: Declaration = draft.conflict ? "conflict" : "none";
  return transaction(ctx.db, async (trx) => {
    const live = await repo.lockLiveAward(trx, authorityId, tenderId);
    if (live) throw new ConflictError("The tender has been awarded: evaluation is over.", "award_made");
    const before = await repo.declarationOf(trx, authorityId, tenderId, p.userId);
    if (before?.declaration === "none" && declaration === "none") return { declaration };
    const now = ctx.clock.now();
    await repo.upsertDeclaration(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      user_id: p.userId,
      declaration,
      description: declaration === "conflict" ? description : "",
      declared_at: now,
    });
    if (declaration === "conflict") await repo.endAssignment(trx, authorityId, tenderId, p.userId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: declaration === "conflict" ? "evaluation.conflict-declared" : "evaluation.no-conflict-declared",
      entity: { type: "tender", id: tenderId },
      changes: {
        evaluator: personalRef("users", p.userId),
        ...(declaration === "conflict" ? { description, assignmentEnded: true } : {}),
      },
    });
    if (declaration === "conflict")
      for (const userId of await repo.commissioningPeople(trx, authorityId))
        await notify(
          trx,
          ctx.clock,
          {
            userId,
            authorityId,
            kind: "evaluation.conflict-declared",
            subject: `An evaluator declared a conflict of interest: ${t.tender.title}`.slice(0, 200),
            body: `${p.displayName} declared a conflict of interest in the tender “${t.tender.title}” and is no longer one of its evaluators.\n\nThe conflict: ${description}`,
            link: `/authorities/${t.tender.authority_slug}/tenders/${tenderId}/evaluation`,
          },
          { email: ctx.email, actor: actorOf(p) },
        );
    return { declaration };
  });
}

// Scores

export interface ScoreDraft {
  criterionId?: string;
  score?: number | string | null;
  reason?: string;
}

interface CheckedScore {
  criterionId: string;
  score: number;
  reason: string;
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
    problems.push({ field: "scores", message: `Give ${what} for at least one criterion` });
  for (const [i, e] of (entries ?? []).entries()) {
    const criterion = scored.find((c) => c.id === e.criterionId);
    if (!criterion) {
      problems.push({
        field: `scores.${i}.criterionId`,
        message: "Score the tender's own quality and social value criteria only",
      });
      continue;
    }
    if (seen.has(criterion.id)) {
      problems.push({ field: `scores.${criterion.id}.score`, message: `Score “${criterion.title}” once` });
      continue;
    }
    seen.add(criterion.id);
    const raw = typeof e.score === "string" ? e.score.trim() : e.score;
    const score = typeof raw === "number" ? raw : raw && /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(score) || score < 0 || score > scaleMax)
      problems.push({
        field: `scores.${criterion.id}.score`,
        message: `Give “${criterion.title}” a whole number from 0 to ${scaleMax}, the published scale`,
      });
    const reason = (e.reason ?? "").trim();
    if (reason === "" || reason.length > EVALUATION_LIMITS.reason)
      problems.push({
        field: `scores.${criterion.id}.reason`,
        message: `Give the reason for the score of “${criterion.title}”, ${EVALUATION_LIMITS.reason} characters or fewer`,
      });
    out.push({ criterionId: criterion.id, score, reason });
  }
  if (problems.length > 0) throw new ValidationError(`Check ${what}`, problems);
  return out;
}

function bidOf(t: TenderForEvaluation, bidId: string) {
  const bid = t.bids.find((b) => b.bidId === bidId);
  if (bid) return bid;
  return undefined;
}

async function requireCompliantBid(db: Db, t: TenderForEvaluation, bidId: string) {
  const bid = bidOf(t, bidId);
  if (bid) return bid;
  const row = isUuid(bidId)
    ? await tendersRepo.findBid(db, t.tender.authority_id, t.tender.id, bidId)
    : undefined;
  if (row?.status === "current")
    throw new ConflictError(
      "This bid was excluded at the compliance check: it is not scored.",
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
}

export interface Scoresheet {
  tender: tendersRepo.TenderRow;
  criteria: LeafCriterion[];
  scaleMax: number;
  bids: ScoresheetBid[];
  submittedAt: Date | null;
}

/** The evaluator's own scoresheet with the compliant bids' answers (a read of the bids, audited). */
export async function scoresheet(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<Scoresheet> {
  const { p, t } = await requireScorer(ctx, principal, authorityId, tenderId);
  const opened = await openedBids(ctx, p, authorityId, tenderId);
  const [mine, submission] = await Promise.all([
    repo.scoresOf(ctx.db, authorityId, tenderId, p.userId),
    repo.submissionOf(ctx.db, authorityId, tenderId, p.userId),
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
      };
    }),
  };
}

/**
 * An evaluator records (or changes) their scores of one compliant bid, each with a reason, audited.
 * 409 before declaring, once submitted, for an excluded bid; 400 for a score off the scale, a score
 * without a reason, an unknown criterion.
 */
export async function recordScores(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  bidId: string,
  entries: readonly ScoreDraft[] | undefined,
): Promise<{ bidId: string; scored: number }> {
  const { p, t } = await requireScorer(ctx, principal, authorityId, tenderId);
  await requireCompliantBid(ctx.db, t, bidId);
  const scores = checkScores(entries, t.leaves, t.tender.scoring_scale_max, "your scores");
  return transaction(ctx.db, async (trx) => {
    await tendersRepo.lockTender(trx, authorityId, tenderId);
    if (await repo.submissionOf(trx, authorityId, tenderId, p.userId))
      throw new ConflictError(
        "You have submitted your scoresheet: your scores are fixed. Moderation records any change.",
        "scores_submitted",
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
      actor: actorOf(p),
      action: "evaluation.scored",
      entity: { type: "tender", id: tenderId },
      changes: { bidId, evaluator: personalRef("users", p.userId), scores },
    });
    return { bidId, scored: scores.length };
  });
}

/**
 * An evaluator submits their complete scoresheet (every compliant bid on every scored criterion: 422
 * naming each score missing), audited; their scores are fixed from then. When the last remaining
 * evaluator submits, the commissioners are told that moderation can start.
 */
export async function submitScores(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<{ submittedAt: Date; moderationOpen: boolean }> {
  const { p, t } = await requireScorer(ctx, principal, authorityId, tenderId);
  return transaction(ctx.db, async (trx) => {
    await tendersRepo.lockTender(trx, authorityId, tenderId);
    if (await repo.submissionOf(trx, authorityId, tenderId, p.userId))
      throw new ConflictError("You have submitted your scoresheet already.", "scores_submitted");
    const mine = await repo.scoresOf(trx, authorityId, tenderId, p.userId);
    const have = new Set(mine.map((m) => `${m.bid_id}/${m.criterion_id}`));
    const missing: FieldError[] = [];
    for (const b of t.bids)
      for (const c of scoredCriteria(t.leaves))
        if (!have.has(`${b.bidId}/${c.id}`))
          missing.push({
            field: `bids.${b.bidId}.${c.id}`,
            message: `Score “${c.title}” for the bid from ${b.name}`,
          });
    if (missing.length > 0)
      throw new UnprocessableError(
        `Your scoresheet is not complete: ${missing.length} score${missing.length === 1 ? "" : "s"} missing`,
        missing,
        "scoresheet_incomplete",
      );
    const now = ctx.clock.now();
    await repo.insertSubmission(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      user_id: p.userId,
      submitted_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "evaluation.submitted",
      entity: { type: "tender", id: tenderId },
      changes: { evaluator: personalRef("users", p.userId), scores: mine.length },
    });
    const progress = await progressOf(trx, t);
    if (progress.moderationOpen)
      for (const userId of await repo.commissioningPeople(trx, authorityId))
        await notify(
          trx,
          ctx.clock,
          {
            userId,
            authorityId,
            kind: "evaluation.ready-to-moderate",
            subject: `Ready for moderation: ${t.tender.title}`.slice(0, 200),
            body: `Every evaluator of “${t.tender.title}” has submitted their scores. Moderation can start: record the agreed score and reason for each bid and criterion.`,
            link: `/authorities/${t.tender.authority_slug}/tenders/${tenderId}/moderation`,
          },
          { email: ctx.email, actor: SYSTEM("evaluation") },
        );
    return { submittedAt: now, moderationOpen: progress.moderationOpen };
  });
}

export interface EvaluatorScores {
  evaluator: { userId: string; name: string; submittedAt: Date | null };
  scores: { bidId: string; criterionId: string; score: number; reason: string }[];
}

/**
 * One evaluator's scores. Their own, always (once declared); another's only once moderation is open
 * (every remaining evaluator has submitted), to the moderators and the remaining evaluators. Before
 * that, a look at another's is refused (403) and recorded on the audit trail.
 */
export async function evaluatorScores(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<EvaluatorScores> {
  const { p, t } = await requireTeam(ctx.db, principal, authorityId, tenderId);
  requireEvaluating(t);
  const progress = await progressOf(ctx.db, t);
  const own = userId === p.userId;
  const remaining = progress.evaluators.find((e) => e.userId === p.userId && e.declaration === "none");
  const moderator =
    hasRole(p, MODERATORS, authorityId) && (await canReadBids(ctx.db, p, authorityId, tenderId));
  if (own && !remaining)
    throw new ForbiddenError(
      "You are not one of this tender's evaluators with a declaration of no conflict.",
    );
  if (!own && !(progress.moderationOpen && (remaining || moderator))) {
    await transaction(ctx.db, (trx) =>
      recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorOf(p),
        action: "evaluation.scores-read-refused",
        entity: { type: "tender", id: tenderId },
        changes: {
          by: personalRef("users", p.userId),
          evaluator: isUuid(userId) ? personalRef("users", userId) : null,
          reason: progress.moderationOpen ? "not a moderator or evaluator" : "before moderation",
        },
      }),
    );
    throw new ForbiddenError(
      "Evaluators see only their own scores until every evaluator has submitted and moderation starts.",
    );
  }
  const evaluator = progress.evaluators.find((e) => e.userId === userId);
  if (!evaluator) throw new NotFoundError("evaluator");
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

// Moderation

function requireModerationOpen(t: TenderForEvaluation, progress: Progress): void {
  requireEvaluating(t);
  if (progress.evaluators.length === 0)
    throw new ConflictError(
      "No evaluator is assigned (or every one declared a conflict): assign evaluators, who score the bids before moderation.",
      "no_evaluators",
    );
  const waiting = progress.evaluators.filter((e) => e.declaration !== "none" || e.submittedAt === null);
  if (waiting.length > 0)
    throw new ConflictError(
      `Moderation starts when every evaluator has submitted their scores: waiting for ${waiting.map((e) => e.name).join(", ")}.`,
      "scoring_incomplete",
    );
}

export interface ModerationView {
  tender: tendersRepo.TenderRow;
  criteria: LeafCriterion[];
  scaleMax: number;
  evaluators: EvaluatorProgress[];
  bids: {
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
  }[];
  unmoderated: number;
  awarded: boolean;
}

/** All evaluators' scores side by side, with the agreed ones, once moderation is open (reads the bids, audited). */
export async function moderationView(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<ModerationView> {
  const { p, t } = await requireModerator(ctx, principal, authorityId, tenderId);
  const progress = await progressOf(ctx.db, t);
  requireModerationOpen(t, progress);
  const opened = await openedBids(ctx, p, authorityId, tenderId);
  const [scores, moderated] = await Promise.all([
    repo.scoresOf(ctx.db, authorityId, tenderId),
    repo.moderatedScoresOf(ctx.db, authorityId, tenderId),
  ]);
  const remaining = new Map(progress.evaluators.map((e) => [e.userId, e.name]));
  const criteria = scoredCriteria(t.leaves);
  return {
    tender: t.tender,
    criteria,
    scaleMax: t.tender.scoring_scale_max,
    evaluators: progress.evaluators,
    unmoderated: progress.unmoderated.length,
    awarded: progress.liveAward !== null,
    bids: t.bids.map((b) => {
      const content = opened.find((o) => o.receipt.bidId === b.bidId)?.content;
      const perCriterion: ModerationView["bids"][number]["perCriterion"] = {};
      for (const c of criteria) {
        const agreed = moderated.find((m) => m.bid_id === b.bidId && m.criterion_id === c.id);
        perCriterion[c.id] = {
          evaluators: scores
            .filter((s) => s.bid_id === b.bidId && s.criterion_id === c.id && remaining.has(s.user_id))
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
      return {
        bidId: b.bidId,
        name: b.name,
        answers: Object.fromEntries((content?.answers ?? []).map((a) => [a.criterionId, a.text])),
        perCriterion,
      };
    }),
  };
}

/**
 * Records the agreed scores and reasons for one bid, audited: once every evaluator has submitted
 * (409 before), until the tender is awarded (409; an upheld challenge reopens moderation).
 */
export async function moderateBid(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  bidId: string,
  entries: readonly ScoreDraft[] | undefined,
): Promise<{ bidId: string; moderated: number; unmoderated: number }> {
  const { p, t } = await requireModerator(ctx, principal, authorityId, tenderId);
  requireModerationOpen(t, await progressOf(ctx.db, t));
  await requireCompliantBid(ctx.db, t, bidId);
  const scores = checkScores(entries, t.leaves, t.tender.scoring_scale_max, "the agreed scores");
  return transaction(ctx.db, async (trx) => {
    await tendersRepo.lockTender(trx, authorityId, tenderId);
    if (await repo.lockLiveAward(trx, authorityId, tenderId))
      throw new ConflictError(
        "The tender has been awarded: the agreed scores are fixed unless a challenge is upheld for re-evaluation.",
        "award_made",
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
      actor: actorOf(p),
      action: "evaluation.moderated",
      entity: { type: "tender", id: tenderId },
      changes: { bidId, scores },
    });
    const progress = await progressOf(trx, t);
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
  tender: tendersRepo.TenderRow;
  criteria: LeafCriterion[];
  scaleMax: number;
  bids: RankedBid[];
  unresolvedTies: { bidId: string; name: string }[][];
  tieDecision: { order: string[]; reason: string; decidedBy: string; decidedAt: Date } | null;
  awarded: boolean;
}

/**
 * The ranking from the agreed scores and the bids' prices, exactly (scoring.ts): price by the
 * published formula for competitive tenders; fixed-price and tariff tenders on quality alone.
 */
export async function computeRanking(
  db: Db,
  t: TenderForEvaluation,
  contents: ReadonlyMap<string, BidContent | null>,
  options: { withDecision: boolean } = { withDecision: true },
): Promise<Omit<RankingView, "awarded">> {
  const authorityId = t.tender.authority_id;
  const [moderated, decision] = await Promise.all([
    repo.moderatedScoresOf(db, authorityId, t.tender.id),
    repo.tieDecisionOf(db, authorityId, t.tender.id),
  ]);
  const missing =
    t.bids.length * scoredCriteria(t.leaves).length -
    moderated.filter((m) => t.bids.some((b) => b.bidId === m.bid_id)).length;
  if (missing > 0)
    throw new ConflictError(
      `Record the agreed score for every bid and criterion first: ${missing} ${missing === 1 ? "is" : "are"} not moderated.`,
      "moderation_incomplete",
    );
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
    };
  });
  const ranking: Ranking = rankBids(
    criteria,
    t.tender.scoring_scale_max,
    bids,
    options.withDecision ? (decision?.bid_order ?? []) : [],
  );
  const names = new Map(t.bids.map((b) => [b.bidId, b]));
  return {
    tender: t.tender,
    criteria: t.leaves,
    scaleMax: t.tender.scoring_scale_max,
    bids: ranking.bids.map((r) => {
      const bid = names.get(r.bidId);
      const price = bids.find((b) => b.bidId === r.bidId)?.pricePence ?? null;
      return {
        ...r,
        name: bid?.name ?? r.bidId,
        organisationId: bid?.organisationId ?? null,
        pricePence: price,
        qualityShown: showBp(r.quality),
        priceShown: showBp(r.price),
        details: r.criteria.map((w) => {
          const leaf = t.leaves.find((l) => l.id === w.criterionId);
          const agreed = moderated.find((m) => m.bid_id === r.bidId && m.criterion_id === w.criterionId);
          return {
            criterionId: w.criterionId,
            title: leaf?.parentTitle ? `${leaf.parentTitle}: ${leaf.title}` : (leaf?.title ?? w.criterionId),
            reason: agreed?.reason ?? "",
          };
        }),
      };
    }),
    unresolvedTies: ranking.unresolvedTies.map((group) =>
      group.map((bidId) => ({ bidId, name: names.get(bidId)?.name ?? bidId })),
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

async function contentsOf(ctx: BidsContext, p: Principal, authorityId: string, tenderId: string) {
  const opened = await openedBids(ctx, p, authorityId, tenderId);
  return new Map(opened.map((o) => [o.receipt.bidId, o.content]));
}

/** The ranking with the working for every number, for the moderators (reads the bids' prices, audited). */
export async function rankingView(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<RankingView> {
  const { p, t } = await requireModerator(ctx, principal, authorityId, tenderId);
  const progress = await progressOf(ctx.db, t);
  requireModerationOpen(t, progress);
  const ranking = await computeRanking(ctx.db, t, await contentsOf(ctx, p, authorityId, tenderId));
  return { ...ranking, awarded: progress.liveAward !== null };
}

/**
 * The commissioner records the order of bids tied on total and quality, with the reason, audited:
 * the order names every bid of every unresolved tie exactly once (422 otherwise); 409 with no tie,
 * or once awarded.
 */
export async function decideTie(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  draft: { order?: string[]; reason?: string },
): Promise<{ order: string[] }> {
  const { p, t } = await requireModerator(ctx, principal, authorityId, tenderId);
  requireModerationOpen(t, await progressOf(ctx.db, t));
  const reason = (draft.reason ?? "").trim();
  const order = draft.order ?? [];
  const problems: FieldError[] = [];
  if (reason === "" || reason.length > EVALUATION_LIMITS.reason)
    problems.push({
      field: "reason",
      message: `Give the reason for the order you decided, ${EVALUATION_LIMITS.reason} characters or fewer`,
    });
  if (order.length < 2 || !order.every(isUuid))
    problems.push({ field: "order", message: "Put the tied bids in order, best first" });
  if (problems.length > 0) throw new ValidationError("Check the decision on the tie", problems);
  const open = await computeRanking(ctx.db, t, await contentsOf(ctx, p, authorityId, tenderId), {
    withDecision: false,
  });
  const tied = open.unresolvedTies.flat().map((b) => b.bidId);
  if (tied.length === 0)
    throw new ConflictError(
      "No bids are tied on both total and quality: there is nothing to decide.",
      "no_tie",
    );
  if (
    order.length !== tied.length ||
    new Set(order).size !== order.length ||
    !order.every((id) => tied.includes(id))
  )
    throw new UnprocessableError("Order every tied bid once", [
      {
        field: "order",
        message: `Put each of the tied bids in order once: ${open.unresolvedTies
          .map((g) => g.map((b) => b.name).join(" and "))
          .join("; ")}`,
      },
    ]);
  await transaction(ctx.db, async (trx) => {
    await tendersRepo.lockTender(trx, authorityId, tenderId);
    if (await repo.lockLiveAward(trx, authorityId, tenderId))
      throw new ConflictError("The tender has been awarded: the ranking is fixed.", "award_made");
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
      actor: actorOf(p),
      action: "evaluation.tie-decided",
      entity: { type: "tender", id: tenderId },
      changes: { order, reason },
    });
  });
  return { order };
}

/** For the award step: the tender, its progress and the bids' contents, checked ready (409/422 otherwise). */
export async function readyToAward(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
) {
  const { p, t } = await requireModerator(ctx, principal, authorityId, tenderId);
  const progress = await progressOf(ctx.db, t);
  if (progress.liveAward) throw new ConflictError("This tender has been awarded already.", "already_awarded");
  requireModerationOpen(t, progress);
  const contents = await contentsOf(ctx, p, authorityId, tenderId);
  const ranking = await computeRanking(ctx.db, t, contents);
  return { p, t, progress, contents, ranking };
}

/** What other modules may use of this module's tables. */
export type { AwardConsortiumMember } from "./award.table.ts";
