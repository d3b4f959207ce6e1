/**
 * What barriers ask of a person (the home module's `/tasks`, "Your work"): for an authority's
 * commissioners and administrators, the barriers logged with it waiting for an answer in substance
 * (open or only acknowledged), the earliest last day first, each due by the end of its last day.
 */

import { endOfLondonDay, londonDate } from "../../lib/london-time.ts";
import { noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { publicBodiesByIds } from "../authorities/authorities.service.ts";
import * as repo from "./barriers.repository.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  // Platform administrators do not answer for an authority: its own commissioners and administrators do.
  const authorityIds = scopesWith(p, AUTHORITY_EDITORS);
  const rows = await repo.waitingForAnswer(ctx.db, authorityIds, TASK_ROWS + 1);
  const tasks = noTasks();
  if (rows.length === 0) return tasks;
  const bodies = await publicBodiesByIds(ctx.db, [...new Set(rows.map((b) => b.authority_id))]);
  for (const b of rows.slice(0, TASK_ROWS)) {
    const body = bodies.get(b.authority_id);
    if (!body) continue;
    tasks.todo.push({
      kind: "answer-barrier",
      about: { type: "barrier", id: b.id, title: b.tender_title ?? b.policy ?? body.name, body: body.name },
      href: `/authorities/${body.slug}/barriers/${b.id}`,
      due: { at: endOfLondonDay(b.answer_due_on), day: b.answer_due_on },
      details: { loggedOn: { day: londonDate(b.logged_at) } },
    });
  }
  tasks.more.todo = Math.max(0, rows.length - TASK_ROWS);
  return tasks;
}
