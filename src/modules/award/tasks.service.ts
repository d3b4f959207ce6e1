/**
 * What the end of evaluation and the award ask of a person (issue 14, item 2; the home module's
 * `/tasks`). For the authority's commissioners and administrators:
 *
 * - a tender in evaluation with no evaluator assigned: assign them;
 * - one whose evaluators have not all submitted: waiting on them;
 * - moderation, once every evaluator has submitted, and the award once every score is moderated
 *   (the ranking) — only for those who may read the opened bids, as moderation is (reading them
 *   otherwise would be refused and recorded, Annex IV A7);
 * - standstill challenges to decide, and awards whose standstill is ending (the contract can be
 *   entered after it: the contracts module's task then).
 *
 * For a bidder's people: their challenges waiting for a decision, and what their organisation was
 * told of each tender it bid for (`outcomesFor`, for "Your bids").
 */
import { dueAt, moreThan, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { hasRole, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { MODERATORS, progressOf, tenderForEvaluation } from "../evaluation/evaluation.service.ts";
import { canReadBids } from "../tenders/opening.service.ts";
import { aboutTender, tenderTaskPath } from "../tenders/tasks.service.ts";
import * as repo from "./award.repository.ts";
import { BIDDER_ROLES, noticePath } from "./award.service.ts";

/** Evaluation to finish and moderate, awards to decide, challenges to decide, standstill ending. */
export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const authorityIds = scopesWith(p, MODERATORS);
  const [evaluating, challenges, standstill, lodged] = await Promise.all([
    repo.tendersInEvaluation(ctx.db, authorityIds, TASK_ROWS),
    repo.undecidedChallenges(ctx.db, { authorityIds }, TASK_ROWS),
    repo.awardsInStandstill(ctx.db, authorityIds, ctx.clock.now(), TASK_ROWS),
    repo.undecidedChallenges(ctx.db, { lodgedBy: p.userId }, TASK_ROWS),
  ]);
  const tasks = noTasks();
  for (const row of evaluating) {
    const t = await tenderForEvaluation(ctx, row.authority_id, row.tender_id);
    const progress = await progressOf(ctx, t);
    const task = { about: aboutTender(row), due: null };
    const { evaluators } = progress;
    if (evaluators.length === 0) {
      tasks.todo.push({
        ...task,
        kind: "assign-evaluators",
        href: `${tenderTaskPath(row)}/evaluation`,
        details: {},
      });
      continue;
    }
    if (!progress.moderationOpen) {
      tasks.waiting.push({
        ...task,
        kind: "awaiting-scores",
        href: `${tenderTaskPath(row)}/evaluation`,
        details: {
          submitted: evaluators.filter((e) => e.submittedAt !== null).length,
          evaluators: evaluators.length,
        },
      });
      continue;
    }
    if (
      !hasRole(p, MODERATORS, row.authority_id) ||
      !(await canReadBids(ctx, row.authority_id, row.tender_id))
    )
      continue;
    tasks.todo.push(
      progress.unmoderated.length > 0
        ? {
            ...task,
            kind: "moderate",
            href: `${tenderTaskPath(row)}/moderation`,
            details: { count: progress.unmoderated.length },
          }
        : { ...task, kind: "decide-award", href: `${tenderTaskPath(row)}/ranking`, details: {} },
    );
  }
  tasks.more.todo += moreThan(evaluating);
  for (const row of challenges)
    tasks.todo.push({
      kind: "decide-challenge",
      about: aboutTender(row),
      href: `${tenderTaskPath(row)}/award/challenges/${row.challenge_id}`,
      due: null,
      details: { organisation: row.organisation_name, lodged: row.lodged_at },
    });
  tasks.more.todo += moreThan(challenges);
  for (const row of standstill)
    tasks.todo.push({
      kind: "standstill-ending",
      about: aboutTender(row),
      href: noticePath(row.authority_slug, row.tender_id),
      due: dueAt(row.standstill_ends_at),
      details: { supplier: row.supplier_name },
    });
  tasks.more.todo += moreThan(standstill);
  for (const row of lodged)
    tasks.waiting.push({
      kind: "challenge-awaiting-decision",
      about: aboutTender(row),
      href: noticePath(row.authority_slug, row.tender_id),
      due: null,
      details: { organisation: row.organisation_name, lodged: row.lodged_at },
    });
  tasks.more.waiting += moreThan(lodged);
  return tasks;
}

/** What a bidder was told of a tender's award: won, ranked (with its rank) or excluded. */
export interface BidOutcome {
  outcome: "won" | "ranked" | "excluded";
  rank: number | null;
  /** The organisation's assessment summaries. */
  href: string;
}

/**
 * The outcome of each of these bids (by organisation and tender) whose tender has a live award, as
 * its assessment summary says: for the organisations' own people only (the person's own grants).
 * Keyed `<organisationId>/<tenderId>`.
 */
export async function outcomesFor(
  ctx: Ctx,
  bids: readonly { organisationId: string; tenderId: string }[],
): Promise<Map<string, BidOutcome>> {
  const own = new Set(scopesWith(ctx.principal, BIDDER_ROLES));
  const mine = bids.filter((b) => own.has(b.organisationId));
  const rows = await repo.outcomesOf(
    ctx.db,
    [...new Set(mine.map((b) => b.organisationId))],
    [...new Set(mine.map((b) => b.tenderId))],
  );
  const outcomes = new Map<string, BidOutcome>();
  for (const row of rows) {
    if (!row.organisation_id) continue;
    outcomes.set(`${row.organisation_id}/${row.tender_id}`, {
      outcome: row.outcome === "excluded" ? "excluded" : row.bid_id === row.winning_bid_id ? "won" : "ranked",
      rank: row.rank,
      href: `/organisations/${row.organisation_id}/assessments`,
    });
  }
  return outcomes;
}
