/**
 * What assets of community value ask of a person (the home module's `/tasks`, "Your work"): for a
 * council's commissioners and administrators, the nominations waiting for its decision, each due by
 * the end of the last day of its 8 weeks (`decisionDue`), the oldest first.
 */

import { dueOn, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { publicBodiesByIds } from "../authorities/authorities.service.ts";
import { decisionDue } from "./clocks.ts";
import * as repo from "./community-assets.repository.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  // The council's own people decide: platform administrators do not, for it.
  const rows = await repo.nominationsAwaiting(ctx.db, scopesWith(p, AUTHORITY_EDITORS), TASK_ROWS + 1);
  const tasks = noTasks();
  if (rows.length === 0) return tasks;
  const bodies = await publicBodiesByIds(ctx.db, [...new Set(rows.map((a) => a.authority_id))]);
  for (const a of rows.slice(0, TASK_ROWS)) {
    const body = bodies.get(a.authority_id);
    if (!body) continue;
    tasks.todo.push({
      kind: "decide-nomination",
      about: { type: "community-asset", id: a.id, title: a.name, body: body.name },
      href: `/community-assets/${a.id}`,
      due: dueOn(decisionDue(a.received_on)),
      details: { receivedOn: { day: a.received_on } },
    });
  }
  tasks.more.todo = Math.max(0, rows.length - TASK_ROWS);
  return tasks;
}
