/**
 * What the Community Right to Challenge asks of a person (issue 14, item 2; the home module's
 * `/tasks`), with the decision date each EOI was given at submission (its authority's decision
 * period, Localism Act 2011 s.84):
 *
 * - the authority's commissioners and administrators: EOIs to consider and decide (not their own:
 *   the lead employee of an employees' EOI does not decide it);
 * - the body that made one (its organisation's people, or the lead employee): waiting for the
 *   decision, or — once the authority proposes a modification — the modification to agree to;
 * - an employee named as a co-signatory of a draft: their confirmation.
 */
import { dueOn, moreThan, noTasks, TASK_ROWS, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./challenges.repository.ts";
import { MEMBER_ROLES } from "./challenges.service.ts";

const about = (row: repo.ChallengeRow) => ({
  type: "expression-of-interest",
  id: row.id,
  title: row.service_name,
  body: row.authority_name,
});

const pathOf = (row: repo.ChallengeRow) => `/authorities/${row.authority_slug}/right-to-challenge/${row.id}`;

/** EOIs to decide, modifications to agree to, confirmations to give, and decisions waited for. */
export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const [toDecide, made, toConfirm] = await Promise.all([
    repo.undecidedChallenges(ctx.db, { authorityIds: scopesWith(p, AUTHORITY_EDITORS) }, TASK_ROWS),
    repo.undecidedChallenges(
      ctx.db,
      { organisationIds: scopesWith(p, MEMBER_ROLES), leadUserId: p.userId },
      TASK_ROWS,
    ),
    repo.awaitingConfirmationByAnywhere(ctx.db, p.userId, TASK_ROWS),
  ]);
  const tasks = noTasks();
  for (const row of toDecide) {
    if (row.applicant_type === "employees" && row.lead_user_id === p.userId) continue;
    const employees = row.applicant_type === "employees";
    tasks.todo.push({
      // An employees' EOI (a possible mutual) is named as such; an organisation's, by its name.
      kind: employees ? "decide-employees-eoi" : "decide-eoi",
      about: about(row),
      href: pathOf(row),
      due: row.decision_due ? dueOn(row.decision_due) : null,
      details: employees ? {} : { applicant: row.organisation_name ?? "" },
    });
  }
  tasks.more.todo += moreThan(toDecide);
  for (const row of made) {
    const toAgree = row.modification !== null && row.agreed_on === null;
    const task = {
      about: about(row),
      href: pathOf(row),
      due: row.decision_due ? dueOn(row.decision_due) : null,
      details: {},
    };
    if (toAgree) tasks.todo.push({ ...task, kind: "agree-modification" });
    else tasks.waiting.push({ ...task, kind: "eoi-awaiting-decision" });
  }
  tasks.more.waiting += moreThan(made);
  for (const row of toConfirm)
    tasks.todo.push({
      kind: "confirm-co-signature",
      about: about(row),
      href: pathOf(row),
      due: null,
      details: {},
    });
  tasks.more.todo += moreThan(toConfirm);
  return tasks;
}
