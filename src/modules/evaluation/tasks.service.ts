/**
 * What evaluation asks of an evaluator (issue 14, item 2; the home module's `/tasks`): the tenders
 * they are assigned to ("Assigned to me"), each with where it stands for them, and from those what
 * is theirs to do — declare any conflict of interest (before seeing the bids), then score the
 * compliant bids and submit the scoresheet once evaluation has started. Nothing sets a deadline for
 * evaluation, so none is given. Moderation, ranking and the award are the award module's tasks.
 */
import { moreThan, noTasks, TASK_ROWS, type TaskDue, type Tasks } from "../../lib/tasks.ts";
import { hasRole } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { tenderPath } from "../tenders/tenders.service.ts";
import * as repo from "./evaluation.repository.ts";
import { liveAwardOf } from "./evaluation.service.ts";

/** Where an assigned tender stands for its evaluator. */
export type AssignmentState =
  | "awaiting-opening"
  | "awaiting-compliance"
  | "declare"
  | "score"
  | "submitted"
  | "awarded"
  | "cancelled";

export interface Assignment {
  tender: { authorityId: string; id: string; title: string; authorityName: string; href: string };
  state: AssignmentState;
  /** The tender's evaluation page, where the evaluator declares and scores. */
  href: string;
  assignedAt: Date;
  /** None: nothing sets a deadline for evaluation. */
  due: TaskDue | null;
}

function stateOf(row: repo.AssignmentRow, awarded: boolean): AssignmentState {
  if (row.status === "cancelled") return "cancelled";
  if (awarded) return "awarded";
  if (row.declaration === null) return "declare";
  if (row.opened_at === null) return "awaiting-opening";
  if (row.evaluation_started_at === null) return "awaiting-compliance";
  return row.submitted_at === null ? "score" : "submitted";
}

/**
 * The tenders this person is assigned to evaluate (for the authority they are an evaluator of),
 * latest assignment first: at most `TASK_ROWS`, and how many more.
 */
export async function assignmentsFor(ctx: Ctx): Promise<{ assignments: Assignment[]; more: number }> {
  const p = ctx.principal;
  if (!p) return { assignments: [], more: 0 };
  const rows = await repo.assignmentsOf(ctx.db, p.userId, TASK_ROWS);
  const assignments: Assignment[] = [];
  for (const row of rows) {
    // An evaluator no longer is not one: the assignment is not theirs to work on.
    if (!hasRole(p, ["evaluator"], row.authority_id)) continue;
    const awarded =
      row.opened_at !== null && (await liveAwardOf(ctx, row.authority_id, row.tender_id)) !== undefined;
    const href = tenderPath({ authority_slug: row.authority_slug, id: row.tender_id });
    assignments.push({
      tender: {
        authorityId: row.authority_id,
        id: row.tender_id,
        title: row.title,
        authorityName: row.authority_name,
        href,
      },
      state: stateOf(row, awarded),
      href: `${href}/evaluation`,
      assignedAt: row.assigned_at,
      due: null,
    });
  }
  return { assignments, more: moreThan(rows) };
}

/** An evaluator's tasks: the declarations to make and the bids to score (from `assignmentsFor`'s list). */
export async function tasksFor(
  ctx: Ctx,
  known?: { assignments: Assignment[]; more: number },
): Promise<Tasks> {
  const { assignments, more } = known ?? (await assignmentsFor(ctx));
  const tasks = noTasks();
  for (const a of assignments) {
    if (a.state !== "declare" && a.state !== "score") continue;
    tasks.todo.push({
      kind: a.state === "declare" ? "declare-conflicts" : "score-bids",
      about: { type: "tender", id: a.tender.id, title: a.tender.title, body: a.tender.authorityName },
      href: a.state === "declare" ? `${a.href}/declaration` : a.href,
      due: a.due,
      details: { assigned: a.assignedAt },
    });
  }
  tasks.more.todo = more;
  return tasks;
}
