/**
 * What contracts ask of a person (issue 14, item 2; the home module's `/tasks`), with the deadlines
 * the contract's periods give (periods.ts):
 *
 * - the authority's commissioners and administrators: awards ready for a contract (standstill over,
 *   no challenge open) to enter; KPI reports to rate, by when the KPI's ratings must next be
 *   published; and, waiting on the supplier, reports due or overdue;
 * - the lead supplier's people: KPI reports due or overdue, by the day after which they are
 *   overdue; and, waiting on the authority, reports sent and not yet rated.
 */
import { addDays, londonToday } from "../../lib/london-time.ts";
import { dueOn, moreThan, noTasks, TASK_ROWS, type Task, type Tasks } from "../../lib/tasks.ts";
import { AUTHORITY_EDITORS, scopesWith } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { awardsReadyToContract } from "../award/award-handover.ts";
import * as repo from "./contracts.repository.ts";
import { type ContractView, pageUrl, SUPPLIER_ROLES, viewsOf } from "./contracts.service.ts";

/** Contracts whose last day is this long ago or less are looked at for reports and ratings due. */
export const CONTRACT_WORK_DAYS = 365;

type PeriodTask = Omit<Task, "kind" | "href" | "due"> & {
  /** The period's pages (`/report`, `/rating`), and the KPI on the contract's page. */
  url: string;
  kpiUrl: string;
};

/** Each period of these contracts in one of these states, with what a task says of it. */
function periodsIn(views: readonly ContractView[], states: readonly string[]) {
  return views.flatMap((v) =>
    v.kpis.flatMap((kpi) =>
      kpi.periods
        .filter((period) => states.includes(period.state))
        .map((period) => ({
          kpi,
          period,
          task: {
            about: {
              type: "contract",
              id: v.contract.id,
              title: v.contract.title,
              body: v.contract.authority_name,
            },
            url: `${pageUrl(v.contract)}/kpis/${kpi.position}/periods/${period.number}`,
            kpiUrl: `${pageUrl(v.contract)}#kpi-${kpi.position}`,
            details: {
              kpi: kpi.name,
              from: { day: period.startsOn },
              to: { day: period.endsOn },
              supplier: v.contract.supplier_name,
            },
          } satisfies PeriodTask,
        })),
    ),
  );
}

/** Awards to contract, reports to rate or make, and reports waiting on the other side. */
export async function tasksFor(ctx: Ctx): Promise<Tasks> {
  const p = ctx.principal;
  if (!p) return noTasks();
  const tasks = noTasks();
  const since = addDays(londonToday(ctx.clock), -CONTRACT_WORK_DAYS);
  const authorityIds = scopesWith(p, AUTHORITY_EDITORS);
  const [own, supplied] = await Promise.all([
    repo.contractsWithWork(ctx.db, { authorityIds }, since, TASK_ROWS),
    repo.contractsWithWork(ctx.db, { leadOrganisationIds: scopesWith(p, SUPPLIER_ROLES) }, since, TASK_ROWS),
  ]);

  for (const authorityId of authorityIds) {
    const ready = await awardsReadyToContract(ctx, authorityId);
    if (ready.length === 0) continue;
    const authority = await authorityById(ctx.db, authorityId);
    for (const award of ready.slice(0, TASK_ROWS))
      tasks.todo.push({
        kind: "enter-contract",
        about: { type: "award", id: award.id, title: award.tenderTitle, body: authority.name },
        href: `/authorities/${authority.slug}/contracts/new?award=${award.id}`,
        due: null,
        details: { supplier: award.supplierName, ended: award.standstillEndsAt },
      });
    tasks.more.todo += Math.max(0, ready.length - TASK_ROWS);
  }

  const ownViews = await viewsOf(ctx, own);
  for (const { kpi, task } of periodsIn(ownViews, ["reported"])) {
    const { url, kpiUrl: _, ...rest } = task;
    tasks.todo.push({
      ...rest,
      kind: "rate-kpi",
      href: `${url}/rating`,
      due: kpi.publication.dueOn ? dueOn(kpi.publication.dueOn) : null,
    });
  }
  for (const { period, task } of periodsIn(ownViews, ["due", "overdue"])) {
    const { url: _, kpiUrl, ...rest } = task;
    tasks.waiting.push({
      ...rest,
      kind: "report-awaiting-supplier",
      href: kpiUrl,
      due: dueOn(period.overdueAfter),
    });
  }
  // Contracts not looked at: their tasks are not known, so each counts once, as to do.
  tasks.more.todo += moreThan(own);

  const suppliedViews = await viewsOf(ctx, supplied);
  for (const { period, task } of periodsIn(suppliedViews, ["due", "overdue"])) {
    const { url, kpiUrl: _, ...rest } = task;
    tasks.todo.push({ ...rest, kind: "report-kpi", href: `${url}/report`, due: dueOn(period.overdueAfter) });
  }
  for (const { kpi, task } of periodsIn(suppliedViews, ["reported"])) {
    const { url: _, kpiUrl, ...rest } = task;
    tasks.waiting.push({
      ...rest,
      kind: "report-awaiting-rating",
      href: kpiUrl,
      due: kpi.publication.dueOn ? dueOn(kpi.publication.dueOn) : null,
    });
  }
  tasks.more.todo += moreThan(supplied);
  return tasks;
}
