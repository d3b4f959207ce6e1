/**
 * What delegations ask of a person (the home module's `/tasks`, "Your work"): for an authority's
 * commissioners and administrators, each delegation whose review falls within 30 days or has passed
 * unrecorded, due by the end of its review date, the soonest first.
 */
import { dueOn, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { delegationViews, reviewsDueOf } from "./delegations.service.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  // The authority's own people review: platform administrators do not, for it.
  const rows = await reviewsDueOf(ctx, scopesWith(p, AUTHORITY_EDITORS), TASK_ROWS + 1);
  const tasks = noTasks();
  if (rows.length === 0) return tasks;
  for (const v of await delegationViews(ctx, rows.slice(0, TASK_ROWS))) {
    tasks.todo.push({
      kind: "review-delegation",
      about: { type: "delegation", id: v.delegation.id, title: v.serviceName, body: v.authority.name },
      href: `/delegations/${v.delegation.id}/review`,
      due: dueOn(v.delegation.review_on),
      details: { body: v.organisationName, reviewOn: { day: v.delegation.review_on } },
    });
  }
  tasks.more.todo = Math.max(0, rows.length - TASK_ROWS);
  return tasks;
}
