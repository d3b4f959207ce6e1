/**
 * What payment runs ask of a person (issue 19; the home module's `/tasks`): for the authority's
 * commissioners and administrators, a run computed and waiting for approval (once one person has
 * approved a run that needs two, it is the others' to approve, and waits on them for the one who
 * did), and a run approved and waiting to be paid; a raise of a contract's second-approval amount
 * proposed by one of them, the others' to confirm or refuse (it waits on them for the one who proposed it).
 */
import { formatPence } from "../../lib/money.ts";
import { noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { publicBodiesByIds } from "../authorities/authorities.service.ts";
import { raisesAwaiting } from "./approval-amounts.repository.ts";
import * as repo from "./runs.repository.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const tasks = noTasks();
  const authorityIds = scopesWith(p, AUTHORITY_EDITORS);
  const [runs, raises] = await Promise.all([
    repo.runsAwaiting(ctx.db, authorityIds, TASK_ROWS),
    raisesAwaiting(ctx.db, authorityIds, TASK_ROWS),
  ]);
  if (runs.length === 0 && raises.length === 0) return tasks;
  const bodies = await publicBodiesByIds(ctx.db, [
    ...new Set([...runs, ...raises].map((r) => r.authority_id)),
  ]);
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
  for (const raise of raises) {
    const body = bodies.get(raise.authority_id);
    if (!body) continue;
    const task = {
      about: { type: "outcome-contract", id: raise.contract_id, title: raise.title, body: body.name },
      href: `/authorities/${body.slug}/outcome-contracts/${raise.contract_id}/second-approval`,
      due: null,
      details: { reference: raise.reference, amount: formatPence(raise.to_pence) },
    };
    if (raise.proposed_by === p.userId)
      tasks.waiting.push({ ...task, kind: "outcome-raise-awaiting-second" });
    else tasks.todo.push({ ...task, kind: "confirm-outcome-raise" });
  }
  tasks.more.todo += Math.max(0, Number(runs[0]?.total ?? 0) - runs.length);
  tasks.more.todo += Math.max(0, Number(raises[0]?.total ?? 0) - raises.length);
  return tasks;
}
