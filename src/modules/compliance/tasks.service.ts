/**
 * What the compliance check asks of a person (issue 14, item 2; the home module's `/tasks`): the
 * authority's commissioners and administrators who may read a tender's opened bids check each bid's
 * compliance and start evaluation. Those who may not read the bids are not given it (reading them
 * would be refused and recorded, Annex IV A7).
 */
import { moreThan, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { canReadBids } from "../tenders/opening.service.ts";
import { aboutTender, tenderTaskPath } from "../tenders/tasks.service.ts";
import * as repo from "./compliance.repository.ts";
import { COMPLIANCE_DECIDERS } from "./compliance.service.ts";

/** Opened tenders whose compliance check is still to be done. */
export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const tasks = noTasks();
  const rows = await repo.tendersToCheck(ctx.db, scopesWith(ctx.principal, COMPLIANCE_DECIDERS), TASK_ROWS);
  for (const row of rows) {
    if (!(await canReadBids(ctx, row.authority_id, row.tender_id))) continue;
    tasks.todo.push({
      kind: "check-compliance",
      about: aboutTender(row),
      href: `${tenderTaskPath(row)}/compliance`,
      due: null,
      details: { opened: row.opened_at ?? new Date(0) },
    });
  }
  tasks.more.todo = moreThan(rows);
  return tasks;
}
