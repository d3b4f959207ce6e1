/**
 * The choice section of a person's page (care's `personPanels`, plugged in src/wiring.ts): their
 * arrangements and their records that choice was not available, with "Arrange a service" and
 * "Record that choice was not available" for a viewer holding `arrange-services` (care staff, the
 * person, a representative given it). Where the budget no longer covers what is arranged only for a
 * viewer holding `see-plan` (the figures are the budget's). And the same as JSON.
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { londonToday } from "../../lib/london-time.ts";
import type { Panel } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { PersonPanelInput } from "../care/care.ports.ts";
import { planBudgets, requirePersonAccess } from "../care/care.service.ts";
import {
  type ArrangementView,
  arrangementsOfPerson,
  checkedFrom,
  type OverBudget,
  overBudgetOf,
  PERSON_SIDE,
} from "./arrangements.service.ts";
import { type UnavailableView, unavailableOfPerson } from "./unavailable.service.ts";

/**
 * A person's arrangements and records: care staff, the person, representatives with see-plan or
 * arrange-services (404, then 403). Where the budget no longer covers them (`overBudget`) only for
 * those who see the budget: care staff, the person, representatives with see-plan (empty otherwise).
 */
export async function personChoice(
  ctx: Ctx,
  authorityId: string,
  personId: string,
): Promise<{ arrangements: ArrangementView[]; unavailable: UnavailableView[]; overBudget: OverBudget[] }> {
  const access = await requirePersonAccess(ctx, authorityId, personId, PERSON_SIDE);
  const today = londonToday(ctx.clock);
  const [arrangements, unavailable] = await Promise.all([
    arrangementsOfPerson(ctx.db, authorityId, personId, today),
    unavailableOfPerson(ctx.db, authorityId, personId, today),
  ]);
  // Only the plans something is arranged from can be over budget.
  const planIds = [...new Set(arrangements.map((a) => a.plan_id))];
  return {
    arrangements,
    unavailable,
    overBudget: access.grants.includes("see-plan")
      ? await overBudgetOfPerson(ctx.db, authorityId, planIds, today)
      : [],
  };
}

/**
 * Where the person's current plans no longer cover what is arranged (a new budget version gave
 * less): "Arranged £X a week, the budget now gives £Y" for each part, from today or the version's
 * later start. Checks no one.
 */
export async function overBudgetOfPerson(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
  today: string,
): Promise<OverBudget[]> {
  const out: OverBudget[] = [];
  for (const budget of (await planBudgets(db, authorityId, planIds)).values())
    if (budget.plan.status === "active")
      out.push(...(await overBudgetOf(db, budget, checkedFrom(budget, today))));
  return out;
}

export async function choicePersonPanel(
  db: Db,
  clock: Clock,
  input: PersonPanelInput,
): Promise<Panel | undefined> {
  // What is arranged, and its prices, are for those who see the plan or arrange services (a
  // representative with only `complain` or `give-feedback` sees neither).
  const grants = input.viewer.grants;
  if (!grants.includes("see-plan") && !grants.includes("arrange-services")) return undefined;
  const today = londonToday(clock);
  const [authority, arrangements, unavailable, overBudget] = await Promise.all([
    authorityById(db, input.authorityId),
    arrangementsOfPerson(db, input.authorityId, input.personId, today),
    unavailableOfPerson(db, input.authorityId, input.personId, today),
    // What the budget gives is for those who see the plan (care staff hold every grant).
    grants.includes("see-plan")
      ? overBudgetOfPerson(db, input.authorityId, input.planIds, today)
      : Promise.resolve([]),
  ]);
  const base = `/authorities/${authority.slug}/people/${input.personId}`;
  return {
    template: "choice/views/partials/person-panel.njk",
    context: {
      choicePanel: {
        arrangements,
        unavailable,
        overBudget,
        mayArrange: input.viewer.grants.includes("arrange-services"),
        arrangeUrl: `${base}/arrangements/new`,
        unavailableUrl: `${base}/choice-not-available/new`,
        listsUrl: `/authorities/${authority.slug}/choice`,
        authoritySlug: authority.slug,
      },
    },
  };
}
