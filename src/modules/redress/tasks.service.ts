/**
 * What redress asks of a person (the home module's `/tasks`): for a provider's administrators and
 * members, and an authority's complaints officers, the complaints waiting on their body — to
 * acknowledge or to answer — soonest due first, overdue after their day. Read through the index of
 * complaints waiting (`next_due_on`); only the person's own grants count.
 */
import { dueOn, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import {
  answererName,
  COMPLAINTS_OFFICER,
  complaintPath,
  complaintsDue,
  complaintsWaitingOn,
  PROVIDER_ROLES,
} from "./redress.service.ts";

export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const own = (roles: readonly string[], scopeType: string) =>
    (ctx.principal?.grants ?? [])
      .filter((g) => roles.includes(g.role) && g.scopeType === scopeType)
      .map((g) => g.scopeId);
  const organisationIds = own(PROVIDER_ROLES, "organisation");
  const authorityIds = scopesWith(ctx.principal, [COMPLAINTS_OFFICER]);
  const tasks = noTasks();
  if (ctx.principal) {
    const mine = await complaintsWaitingOn(ctx, TASK_ROWS);
    for (const row of mine)
      if (row.next_due_on)
        tasks.waiting.push({
          kind: "complaint-waiting",
          about: {
            type: "complaint",
            id: row.id,
            title: row.reference,
            body: answererName(row),
          },
          href: complaintPath(row),
          due: dueOn(row.next_due_on),
          details: { reference: row.reference, stage: row.stage },
        });
    tasks.more.waiting += mine[0]?.more ?? 0;
  }
  if (organisationIds.length === 0 && authorityIds.length === 0) return tasks;
  const rows = await complaintsDue(ctx.db, { organisationIds, authorityIds }, TASK_ROWS);
  for (const row of rows) {
    if (!row.next_due_on) continue;
    tasks.todo.push({
      kind: "answer-complaint",
      about: {
        type: "complaint",
        id: row.id,
        title: row.reference,
        body: answererName(row),
      },
      href: complaintPath(row),
      due: dueOn(row.next_due_on),
      details: { reference: row.reference, received: { day: row.received_on }, stage: row.stage },
    });
  }
  tasks.more.todo += rows[0]?.more ?? 0;
  return tasks;
}
