/**
 * What care asks of a person (the home module's `/tasks`): for the authority's care staff, the
 * reviews of active plans due within `REVIEW_DUE_SOON_DAYS` or overdue, by the day the clocks give
 * (clocks.ts), soonest first. Read from each plan's kept `next_review_on` through an index: never
 * every plan. Only the person's own care-staff grants count.
 */
import { addDays, londonToday } from "../../lib/london-time.ts";
import { dueOn, moreThan, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { authoritiesByIds } from "../authorities/authorities.service.ts";
import { reviewsDue } from "./care.service.ts";
import { CONCERN_REVIEW_DAYS, REVIEW_DUE_SOON_DAYS } from "./clocks.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const authorityIds = scopesWith(ctx.principal, ["care-staff"]);
  if (authorityIds.length === 0) return noTasks();
  const tasks = noTasks();
  const today = londonToday(ctx.clock);
  const rows = await reviewsDue(ctx.db, authorityIds, addDays(today, REVIEW_DUE_SOON_DAYS), TASK_ROWS);
  const authorities = await authoritiesByIds(ctx.db, [...new Set(rows.map((r) => r.authority_id))]);
  for (const row of rows) {
    const authority = authorities.get(row.authority_id);
    if (!authority) continue;
    const clock = row.next_review_clock ?? "";
    tasks.todo.push({
      kind:
        clock === "concern"
          ? "review-concern"
          : clock.endsWith("direct-payment")
            ? "review-direct-payment"
            : "review-care-plan",
      about: { type: "care-plan", id: row.id, title: row.full_name, body: authority.name },
      href: `/authorities/${authority.slug}/care/people/${row.person_id}#plan-${row.id}`,
      due: dueOn(row.next_review_on),
      // A concern's review falls due CONCERN_REVIEW_DAYS after it was raised.
      details:
        clock === "concern" ? { raised: { day: addDays(row.next_review_on, -CONCERN_REVIEW_DAYS) } } : {},
    });
  }
  tasks.more.todo += moreThan(rows);
  return tasks;
}
