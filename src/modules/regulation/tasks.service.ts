/**
 * What a draft inspection report asks of a person (issue 14, item 2; the home module's `/tasks`),
 * with the end of its factual-accuracy period (its regulator's working days from when the draft was
 * sent: `factualAccuracyEnds`):
 *
 * - the provider's people: read the draft and challenge any point of fact before the period ends;
 *   then wait for the regulator's answer to each point challenged;
 * - the regulator's staff: wait for the provider while the period runs; answer each point
 *   challenged; correct the draft for each point accepted; then publish the report.
 */
import { dueAt, moreThan, noTasks, TASK_ROWS, type Task, type Tasks } from "../../lib/tasks.ts";
import { scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./regulation.repository.ts";
import { PROVIDER_ROLES } from "./regulation.service.ts";

function taskOf(row: repo.DraftReportRow): Omit<Task, "kind" | "due" | "details"> {
  return {
    about: { type: "inspection", id: row.inspection_id, title: row.location_name, body: row.regulator_name },
    href: `/regulators/${row.regulator_id}/locations/${row.registration_id}/inspections/${row.inspection_id}`,
  };
}

/** Draft reports to check, points to answer, drafts to correct and publish, and what waits on the other side. */
export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const now = ctx.clock.now();
  const [provided, regulated] = await Promise.all([
    repo.draftReports(ctx.db, { organisationIds: scopesWith(p, PROVIDER_ROLES) }, TASK_ROWS),
    repo.draftReports(ctx.db, { regulatorIds: scopesWith(p, ["regulator-staff"]) }, TASK_ROWS),
  ]);
  const tasks = noTasks();
  for (const row of provided) {
    const task = taskOf(row);
    const inspected = { day: row.inspected_on };
    if (now < row.challenge_ends_at)
      tasks.todo.push({
        ...task,
        kind: "check-draft-report",
        due: dueAt(row.challenge_ends_at),
        details: { inspected },
      });
    if (Number(row.unanswered) > 0)
      tasks.waiting.push({
        ...task,
        kind: "points-awaiting-answer",
        due: null,
        details: { count: Number(row.unanswered), inspected },
      });
  }
  tasks.more.todo += moreThan(provided);
  for (const row of regulated) {
    const task = taskOf(row);
    const inspected = { day: row.inspected_on };
    const unanswered = Number(row.unanswered);
    const uncorrected = Number(row.uncorrected);
    if (now < row.challenge_ends_at)
      tasks.waiting.push({
        ...task,
        kind: "draft-in-accuracy-period",
        due: dueAt(row.challenge_ends_at),
        details: { inspected },
      });
    if (unanswered > 0)
      tasks.todo.push({
        ...task,
        kind: "answer-accuracy-points",
        due: null,
        details: { count: unanswered, inspected },
      });
    if (uncorrected > 0)
      tasks.todo.push({
        ...task,
        kind: "correct-draft-report",
        href: `${task.href}/correct`,
        due: null,
        details: { count: uncorrected, inspected },
      });
    if (now >= row.challenge_ends_at && unanswered === 0 && uncorrected === 0)
      tasks.todo.push({ ...task, kind: "publish-report", due: null, details: { inspected } });
  }
  tasks.more.todo += moreThan(regulated);
  return tasks;
}
