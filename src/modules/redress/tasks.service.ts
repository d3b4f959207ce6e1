/**
 * What redress asks of a person (the home module's `/tasks`): for a provider's administrators and
 * members, and an authority's complaints officers, the complaints waiting on their body — to
 * acknowledge or to answer — soonest due first, overdue after their day. Read through the index of
 * complaints waiting (`next_due_on`); only the person's own grants count. The second tier: the
 * same people's remedies an ombudsman ordered, to do by their due day (`complete-remedy`); an
 * ombudsman's staff's remedies reported done, to confirm or return (`confirm-remedy`), and their
 * own open cases and those no one is assigned yet, by the case's next step (`work-case`, from
 * `ombudsman_cases.next_due_on`).
 */
import { dueOn, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { casePath, OMBUDSMAN_STAFF } from "./ombudsman.service.ts";
import {
  answererName,
  COMPLAINTS_OFFICER,
  complaintPath,
  complaintsDue,
  complaintsWaitingOn,
  PROVIDER_ROLES,
} from "./redress.service.ts";
import {
  bodyRemedyPath,
  casesDue,
  ombudsmanRemedyPath,
  remediesToDo,
  reportedToConfirm,
} from "./remedies.service.ts";

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
  await ombudsmanWork(ctx, tasks);
  if (organisationIds.length === 0 && authorityIds.length === 0) return tasks;
  const remedies = await remediesToDo(ctx.db, { organisationIds, authorityIds }, TASK_ROWS);
  for (const r of remedies)
    tasks.todo.push({
      kind: "complete-remedy",
      about: { type: "remedy", id: `${r.case_id}/${r.seq}`, title: r.case_reference, body: r.ombudsman_name },
      href: bodyRemedyPath(r),
      due: dueOn(r.due_on),
      details: { reference: r.case_reference, seq: r.seq, ombudsman: r.ombudsman_name },
    });
  tasks.more.todo += remedies[0]?.more ?? 0;
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

/** An ombudsman's staff's work: remedies reported done to confirm or return, and their open cases' next steps. */
async function ombudsmanWork(ctx: Ctx, tasks: Tasks): Promise<void> {
  const ombudsmanIds = (ctx.principal?.grants ?? [])
    .filter((g) => g.role === OMBUDSMAN_STAFF && g.scopeType === "ombudsman")
    .map((g) => g.scopeId);
  if (ombudsmanIds.length === 0) return;
  const reported = await reportedToConfirm(ctx.db, ombudsmanIds, TASK_ROWS);
  for (const r of reported)
    tasks.todo.push({
      kind: "confirm-remedy",
      about: { type: "remedy", id: `${r.case_id}/${r.seq}`, title: r.case_reference, body: r.ombudsman_name },
      href: ombudsmanRemedyPath(r),
      due: null,
      details: {
        reference: r.case_reference,
        seq: r.seq,
        body: r.organisation_name ?? r.body_authority_name,
        reported: { day: r.reported_on ?? r.due_on },
      },
    });
  tasks.more.todo += reported[0]?.more ?? 0;
  const cases = await casesDue(ctx.db, ombudsmanIds, ctx.principal?.userId ?? "", TASK_ROWS);
  for (const c of cases)
    if (c.next_due_on)
      tasks.todo.push({
        kind: "work-case",
        about: { type: "ombudsman-case", id: c.id, title: c.reference, body: c.ombudsman_name },
        href: casePath(c),
        due: dueOn(c.next_due_on),
        details: { reference: c.reference, status: c.status },
      });
  tasks.more.todo += cases[0]?.more ?? 0;
}
