/**
 * What choice asks of a person (the home module's `/tasks`): for the authority's care staff, the
 * records that choice was not available still waiting for the authority's answer, soonest due
 * first — due by the day kept on each record (unavailable.service.ts), overdue after it. Read
 * through the index of waiting records; only the person's own care-staff grants count.
 */
import { dueOn, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { unavailableWaiting } from "./unavailable.service.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const authorityIds = scopesWith(ctx.principal, ["care-staff"]);
  if (authorityIds.length === 0) return noTasks();
  const tasks = noTasks();
  const rows = await unavailableWaiting(ctx.db, authorityIds, TASK_ROWS);
  for (const row of rows)
    tasks.todo.push({
      kind: "answer-choice-not-available",
      about: { type: "choice-not-available", id: row.id, title: row.category_name, body: row.authority_name },
      href: `/authorities/${row.authority_slug}/choice-not-available/${row.id}`,
      due: dueOn(row.due_on),
      details: { recorded: { day: row.recorded_on }, service: row.category_name },
    });
  tasks.more.todo += rows[0]?.more ?? 0;
  return tasks;
}
