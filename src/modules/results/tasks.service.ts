/**
 * What payment runs ask of a person (issue 19; the home module's `/tasks`): for the authority's
 * commissioners and administrators, a run computed and waiting for approval (once one person has
 * approved a run that needs two, it is the others' to approve, and waits on them for the one who
 * did), and a run approved and waiting to be paid.
 */
import { noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { publicBodiesByIds } from "../authorities/authorities.service.ts";
import * as repo from "./runs.repository.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const tasks = noTasks();
  const authorityIds = scopesWith(p, AUTHORITY_EDITORS);
  const runs = await repo.runsAwaiting(ctx.db, authorityIds, TASK_ROWS);
  if (runs.length === 0) return tasks;
  const bodies = await publicBodiesByIds(ctx.db, [...new Set(runs.map((r) => r.authority_id))]);
  for (const run of runs) {
    const body = bodies.get(run.authority_id);
    if (!body) continue;
    const task = {
      about: { type: "outcome-contract", id: run.contract_id, title: run.title, body: body.name },
      href: `/authorities/${body.slug}/outcome-contracts/${run.contract_id}/runs/${run.id}`,
      due: null,
      details: { reference: run.reference, from: { day: run.period_start }, to: { day: run.period_end } },
    };
    if (run.status === "approved") {
      tasks.todo.push({ ...task, kind: "pay-outcome-run" });
      continue;
    }
    // A computed run approved once waits for a second person (runs.service.ts `approvalsNeeded`).
    if (run.approvers.includes(p.userId))
      tasks.waiting.push({ ...task, kind: "outcome-run-awaiting-second" });
    else if (run.approvers.length > 0) tasks.todo.push({ ...task, kind: "second-approve-outcome-run" });
    else tasks.todo.push({ ...task, kind: "approve-outcome-run" });
  }
  tasks.more.todo += Math.max(0, Number(runs[0]?.total ?? 0) - runs.length);
  return tasks;
}
