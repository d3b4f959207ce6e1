/**
 * Evaluation of compliant bids (issue 6, items 1–3). See docs/commissioning.md. The module's
 * services, by section:
 *
 * - this file: the tender as evaluation sees it, who may do what, and evaluation's progress;
 * - declarations.service.ts: each evaluator assigned to the tender declares any conflict of interest
 *   before seeing the bids: "none" lets them score; a conflict (described) ends their assignment;
 * - scores.service.ts: each evaluator scores each compliant bid on each scored criterion (quality
 *   and social value; a criterion's sub-criteria where it has them) with a whole number on the
 *   published scale and a written reason, then submits the complete scoresheet (fixed from then).
 *   Until every remaining evaluator has submitted, an evaluator sees only their own scores (a
 *   refused look at another's is 403 and recorded);
 * - moderation.service.ts: moderation, by the authority's commissioners and administrators who may
 *   read the opened bids, opens when every remaining evaluator has submitted: all scores side by
 *   side, and the agreed score and reason recorded per bid and criterion. The ranking (scoring.ts)
 *   comes from the agreed scores and the bids' prices, exactly; ties on total and quality are
 *   ordered by the commissioner's recorded decision, with a reason.
 *
 * Once a tender is awarded (the award module, asked through the `liveAward` port), evaluation is
 * over: nothing here changes until an upheld challenge withdraws the award.
 */
import type { Db, Trx } from "../../db/database.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDate, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { answerer, collect } from "../../lib/ports.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { hasRole, isAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import {
  COMPLIANCE_DECIDERS,
  compliantBidIds,
  type Evaluation,
  evaluationOf,
} from "../compliance/compliance.service.ts";
import { organisationNamesOf } from "../organisations/organisations.service.ts";
import { isAssignedEvaluator } from "../tenders/evaluators.service.ts";
import { canReadBids, openedBids } from "../tenders/opening.service.ts";
import {
  currentBids,
  findBid,
  findTender,
  type TenderParts,
  type TenderRow,
  type TendersCtx,
  tenderParts,
} from "../tenders/tenders.service.ts";
import {
  type AccreditationOnDay,
  accreditationOnDay,
  type LiveAward,
  liveAward,
} from "./evaluation.ports.ts";
import * as repo from "./evaluation.repository.ts";
import type { Declaration } from "./evaluation.table.ts";

export const EVALUATION_LIMITS = { reason: 5000, description: 5000 } as const;
/** The tender team: who sees evaluation's progress (no bid content). */
export const TEAM_ROLES: readonly Role[] = ["commissioner", "authority-admin", "bid-opener", "evaluator"];
/** Who moderates, decides ties and awards (among those who may read the opened bids). */
export const MODERATORS: readonly Role[] = COMPLIANCE_DECIDERS;

/** A scored (leaf) criterion, or the price criterion, with its weight in basis points. */
export interface LeafCriterion {
  id: string;
  title: string;
  kind: "quality" | "social-value" | "price" | "accreditation";
  weightBp: number;
  /** The criterion a sub-criterion belongs to. */
  parentTitle: string | null;
  /** The standard an accreditation criterion scores (null for other kinds). */
  standardId: string | null;
}

/** The criteria bids are scored on: top-level criteria without sub-criteria, and sub-criteria. */
export function leafCriteria(parts: TenderParts): LeafCriterion[] {
  const byId = new Map(parts.criteria.map((c) => [c.id, c]));
  const top = parts.criteria.filter((c) => c.parent_id === null).sort((a, b) => a.position - b.position);
  const leaves: LeafCriterion[] = [];
  for (const c of top) {
    const subs = parts.criteria.filter((s) => s.parent_id === c.id).sort((a, b) => a.position - b.position);
    if (subs.length === 0)
      leaves.push({
        id: c.id,
        title: c.title,
        kind: c.kind,
        weightBp: c.weight_bp,
        parentTitle: null,
        standardId: c.standard_id,
      });
    for (const s of subs)
      leaves.push({
        id: s.id,
        title: s.title,
        kind: s.kind,
        weightBp: s.weight_bp,
        parentTitle: byId.get(c.id)?.title ?? null,
        standardId: s.standard_id,
      });
  }
  return leaves;
}

/** The criteria evaluators score: not price (a formula) nor accreditation (the bidder's accreditation). */
export const scoredCriteria = (leaves: readonly LeafCriterion[]) =>
  leaves.filter((c) => c.kind !== "price" && c.kind !== "accreditation");

export interface TenderForEvaluation {
  tender: TenderRow;
  parts: TenderParts;
  leaves: LeafCriterion[];
  evaluation: Evaluation | null;
  /** The compliant bids, with their bidders' names (known since opening) and when each was received. */
  bids: { bidId: string; organisationId: string | null; name: string; receivedAt: Date }[];
}

/**
 * The tender evaluation is about: 404 when there is none, or for a draft (nothing is evaluated
 * before publication), whoever asks. The first check of everything evaluation does, before who may
 * (403) and what the state allows (409): one order of checks (security finding 14).
 */
export async function evaluatedTender(ctx: Ctx, authorityId: string, tenderId: string): Promise<TenderRow> {
  const tender = await findTender(ctx, authorityId, tenderId);
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  return tender;
}

/** A current bid of the tender, or 404. */
async function requireCurrentBid(ctx: Ctx, tender: TenderRow, bidId: string): Promise<void> {
  const bid = await findBid(ctx, tender.authority_id, tender.id, bidId);
  if (bid?.status !== "current") throw new NotFoundError("bid");
}

/** The tender (404 unknown or draft) with what evaluation needs. */
export async function tenderForEvaluation(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<TenderForEvaluation> {
  return forEvaluation(ctx, await evaluatedTender(ctx, authorityId, tenderId));
}

/** What evaluation needs of a tender found by `evaluatedTender`. */
async function forEvaluation(ctx: Ctx, tender: TenderRow): Promise<TenderForEvaluation> {
  const { authority_id: authorityId, id: tenderId } = tender;
  const [parts, evaluation, compliantIds, current] = await Promise.all([
    tenderParts(ctx, authorityId, tenderId),
    evaluationOf(ctx, authorityId, tenderId),
    compliantBidIds(ctx, authorityId, tenderId),
    currentBids(ctx, authorityId, tenderId),
  ]);
  const compliant = new Set(compliantIds);
  const rows = current.filter((b) => compliant.has(b.id));
  const names = new Map(
    (
      await organisationNamesOf(
        ctx.db,
        rows.map((b) => b.organisation_id).filter((id): id is string => id !== null),
      )
    ).map((o) => [o.id, o.name]),
  );
  const bids = rows
    .map((b) => ({
      bidId: b.id,
      organisationId: b.organisation_id,
      name: (b.organisation_id && names.get(b.organisation_id)) || `Bid ${b.id}`,
      receivedAt: b.received_at,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.bidId.localeCompare(b.bidId));
  return { tender, parts, leaves: leafCriteria(parts), evaluation, bids };
}

/** Per bid and accreditation criterion: the bidder's accreditation as it stood on the bid's date. */
export type AccreditationReads = ReadonlyMap<string, ReadonlyMap<string, AccreditationOnDay>>;

/**
 * Reads each bidder's accreditation against each accreditation criterion's standard on the day its
 * bid was received (London), from the module that keeps them (standards: `accreditationOnDay`).
 */
export async function accreditationsOnBidDates(
  ctx: Ctx,
  t: TenderForEvaluation,
): Promise<AccreditationReads> {
  const leaves = t.leaves.filter((c) => c.kind === "accreditation" && c.standardId !== null);
  const reads = new Map<string, Map<string, AccreditationOnDay>>();
  for (const bid of t.bids) {
    const on = londonDate(bid.receivedAt);
    const byCriterion = new Map<string, AccreditationOnDay>();
    for (const c of leaves) {
      const question = {
        organisationId: bid.organisationId,
        organisationName: bid.name,
        standardId: c.standardId as string,
        on,
      };
      const [answer] = await collect(accreditationOnDay, ctx.db, question);
      byCriterion.set(
        c.id,
        answer ?? {
          accredited: false,
          working: msg`${bid.name} held no accreditation against the standard on the bid's date, ${longDate(on)}`,
        },
      );
    }
    reads.set(bid.bidId, byCriterion);
  }
  return reads;
}

/** Evaluation must have started, the tender not cancelled (409). */
export function requireEvaluating(t: TenderForEvaluation): Evaluation {
  if (t.tender.status === "cancelled")
    throw new ConflictError(msg`This tender was cancelled: its bids are not evaluated.`, "tender_cancelled");
  if (!t.evaluation)
    throw new ConflictError(
      msg`Evaluation has not started: the compliance check comes first, then a commissioner starts evaluation.`,
      "evaluation_not_started",
    );
  return t.evaluation;
}

/**
 * An assigned evaluator's declaration for the tender: "none", "conflict", or null when none is
 * recorded yet. The tenders module asks it (the `evaluatorDeclaration` port) before showing an
 * evaluator the opened bids.
 */
export async function conflictDeclarationOf(
  db: Db,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<Declaration | null> {
  if (!isUuid(tenderId) || !isUuid(userId)) return null;
  return (await repo.declarationOf(db, authorityId, tenderId, userId))?.declaration ?? null;
}

/** The tender's live award, if any (the award module answers); with `lock`, locked in `ctx.db`. */
export function liveAwardOf(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  options: { lock?: boolean } = {},
): Promise<LiveAward | undefined> {
  return answerer(liveAward)(ctx, authorityId, tenderId, options);
}

/** Nothing in evaluation changes once the tender is awarded (409), checked in the caller's transaction. */
export async function requireNotAwarded(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  tenderId: string,
  message: string,
): Promise<void> {
  if (await liveAwardOf(ctx, authorityId, tenderId, { lock: true }))
    throw new ConflictError(message, "award_made");
}

// Who may do what. Each check is in the one order (security finding 14): signed in (401), the
// tender (404), who may (403), then what the state allows (409). A bid the route names is sealed
// until opened: whether it exists is asked of those let through (404), before the state (409), so
// that a refused attempt to read bids is recorded whatever bid it names (A7). The `…Role` checks are
// the first steps alone, for the routes' policies (evaluation.policies.ts).

/** A bid the route names in the tender, found once the caller may see the tender's bids (404). */
export interface Named {
  /** A current bid of the tender. */
  bidId?: string;
}

/** Signed in, then the tender (404). */
async function found(ctx: Ctx, authorityId: string, tenderId: string) {
  const p = requireSignedIn(ctx.principal);
  return { p, tender: await evaluatedTender(ctx, authorityId, tenderId) };
}

/** Signed in, the tender (404), then one of the authority's tender team (403). */
export async function requireTeamRole(ctx: Ctx, authorityId: string, tenderId: string) {
  const { p, tender } = await found(ctx, authorityId, tenderId);
  if (!hasRole(p, TEAM_ROLES, authorityId))
    throw new ForbiddenError(msg`Only the authority's tender team sees the evaluation of its tenders.`);
  return { p, tender };
}

/** Signed in, the tender (404), then one of the authority's tender team (403): with what evaluation needs. */
export async function requireTeam(ctx: Ctx, authorityId: string, tenderId: string) {
  const { p, tender } = await requireTeamRole(ctx, authorityId, tenderId);
  return { p, t: await forEvaluation(ctx, tender) };
}

/** Signed in, the tender (404), then one of the authority's evaluators (403). */
export async function requireEvaluatorRole(ctx: Ctx, authorityId: string, tenderId: string) {
  const { p, tender } = await found(ctx, authorityId, tenderId);
  if (!hasRole(p, ["evaluator"], authorityId))
    throw new ForbiddenError(msg`Only the evaluators assigned to the tender score its bids.`);
  return { p, tender };
}

/** An evaluator assigned to the tender (404 unknown tender; 403 otherwise; then 404 for an unknown bid named). */
export async function requireAssignedEvaluator(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  named: Named = {},
) {
  const { p, tender } = await requireEvaluatorRole(ctx, authorityId, tenderId);
  const t = await forEvaluation(ctx, tender);
  if (!(await isAssignedEvaluator(ctx, authorityId, tenderId, p.userId))) {
    const declared = await conflictDeclarationOf(ctx.db, authorityId, tenderId, p.userId);
    throw new ForbiddenError(
      declared === "conflict"
        ? msg`You declared a conflict of interest, so you are no longer an evaluator of this tender.`
        : msg`You are not assigned to evaluate this tender. Ask its commissioner to assign you.`,
    );
  }
  if (named.bidId !== undefined) await requireCurrentBid(ctx, tender, named.bidId);
  return { p, t };
}

/** An assigned evaluator who has declared no conflict, while scoring is possible. */
export async function requireScorer(ctx: Ctx, authorityId: string, tenderId: string, named: Named = {}) {
  const { p, t } = await requireAssignedEvaluator(ctx, authorityId, tenderId, named);
  if ((await conflictDeclarationOf(ctx.db, authorityId, tenderId, p.userId)) !== "none")
    throw new ConflictError(
      msg`Declare any conflict of interest first: evaluators see and score the bids only after declaring that they have none.`,
      "declaration_required",
    );
  requireEvaluating(t);
  return { p, t };
}

/** May this person moderate, rank and award: a commissioner or administrator who may read the bids? */
export async function isModerator(ctx: TendersCtx, authorityId: string, tenderId: string): Promise<boolean> {
  return hasRole(ctx.principal, MODERATORS, authorityId) && (await canReadBids(ctx, authorityId, tenderId));
}

/** Signed in, the tender (404), then the authority's commissioners and administrators (403). */
export async function requireModeratorRole(ctx: Ctx, authorityId: string, tenderId: string) {
  const { p, tender } = await found(ctx, authorityId, tenderId);
  if (!hasRole(p, MODERATORS, authorityId))
    throw new ForbiddenError(
      msg`Moderation, ranking and award are for the authority's commissioners and administrators who may read the opened bids.`,
    );
  return { p, tender };
}

/**
 * Those who moderate, decide ties and award: of a known tender (404), the authority's commissioners
 * and administrators (403) who may read its opened bids (403, the attempt recorded by
 * `openedBids`); then a bid the route names (404).
 */
export async function requireModerator(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  named: Named = {},
): Promise<{ p: Principal; t: TenderForEvaluation }> {
  const { p, tender } = await requireModeratorRole(ctx, authorityId, tenderId);
  const t = await forEvaluation(ctx, tender);
  if (!(await canReadBids(ctx, authorityId, tenderId))) {
    await openedBids(ctx, authorityId, tenderId);
    throw new ForbiddenError(
      msg`Only the authority's bid openers and the tender's assigned evaluators may read its bids: ask for the bid-opener role or to be assigned.`,
    );
  }
  if (named.bidId !== undefined) await requireCurrentBid(ctx, tender, named.bidId);
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
  liveAward: LiveAward | null;
}

export async function progressOf(ctx: Ctx, t: TenderForEvaluation): Promise<Progress> {
  const authorityId = t.tender.authority_id;
  const [evaluators, conflicts, moderated, award] = await Promise.all([
    repo.evaluatorsOf(ctx.db, authorityId, t.tender.id),
    repo.conflictsOf(ctx.db, authorityId, t.tender.id),
    repo.moderatedScoresOf(ctx.db, authorityId, t.tender.id),
    liveAwardOf(ctx, authorityId, t.tender.id),
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
    liveAward: award ?? null,
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
  tender: TenderRow;
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
  /** For the authority's editors, until the award: its evaluators not yet assigned to the tender. */
  assignable: { id: string; name: string }[];
}

/** Evaluation's progress for the tender team: no scores and no bid content, so no read of the bids. */
export async function evaluationOverview(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<EvaluationOverview> {
  const { p, t } = await requireTeam(ctx, authorityId, tenderId);
  const progress = await progressOf(ctx, t);
  const mine = progress.evaluators.find((e) => e.userId === p.userId);
  const assigned = new Set(progress.evaluators.map((e) => e.userId));
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
      moderator: await isModerator(ctx, authorityId, tenderId),
    },
    assignable:
      isAuthorityEditor(p, authorityId) && !progress.liveAward
        ? (await repo.authorityEvaluators(ctx.db, authorityId)).filter((e) => !assigned.has(e.id))
        : [],
  };
}
