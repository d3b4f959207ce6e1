/**
 * The market's upkeep of a period's payments in (docs/market.md, "Personal budgets"): every budget is
 * paid in by its schedule each period, and a payment in moves only the money held for the person,
 * which no open figure counts — so it queues no recomputation of its authority's figures. The figure:
 * the demo county's budgets paid in for a few periods, with the market work they queued run (every
 * `market.figures` job, each a whole recomputation of an authority), ÷ the same payments in alone.
 * About 1×; were payments in to queue the recomputation again, it would be several times that: the
 * detail says what one whole recomputation of the county takes, against what a period's payments in
 * take. On the demo data seeded (after the home page's figure), run last of the figures on the shared
 * database (bench/run.ts), so the payments in it posts shift no other figure's baseline.
 */
import { performance } from "node:perf_hooks";
import type { Db } from "../src/db/database.ts";
import { settableClock } from "../src/lib/clock.ts";
import { listLedgerPlans } from "../src/modules/budgets/budgets.service.ts";
import { payDuePeriods } from "../src/modules/budgets/payments.service.ts";
import { FIGURES_QUEUE, recomputeAuthority } from "../src/modules/market/figures.service.ts";
import { DEMO_AUTHORITY } from "../src/seed/demo/authorities.ts";

export interface BudgetsFigure {
  name: string;
  ratio: number;
  target: number;
  detail: string;
}

const PERIODS = 3;
const DAY = 86_400_000;

/** Runs the recomputations the `market.figures` jobs ask for (and marks the jobs done): their time. */
async function runQueuedRecomputes(
  db: Db,
  clock: ReturnType<typeof settableClock>,
): Promise<{ ms: number; jobs: number }> {
  const jobs = await db
    .selectFrom("jobs")
    .select(["id", "authority_id"])
    .where("queue", "=", FIGURES_QUEUE)
    .where("status", "=", "pending")
    .execute();
  const start = performance.now();
  for (const authorityId of new Set(jobs.map((j) => j.authority_id)))
    if (authorityId) await recomputeAuthority(db, clock, authorityId);
  const ms = performance.now() - start;
  if (jobs.length > 0)
    await db
      .updateTable("jobs")
      .set({ status: "done", finished_at: clock.now() })
      .where(
        "id",
        "in",
        jobs.map((j) => j.id),
      )
      .execute();
  return { ms, jobs: jobs.length };
}

export async function paymentsInUpkeep(db: Db): Promise<BudgetsFigure> {
  const county = DEMO_AUTHORITY.county;
  const plans = await listLedgerPlans(db, county);
  const clock = settableClock(new Date());
  // What seeding queued is not this figure's.
  await runQueuedRecomputes(db, clock);
  let paying = 0;
  let upkeep = 0;
  let paid = 0;
  let jobs = 0;
  for (let period = 0; period < PERIODS; period++) {
    clock.advance(28 * DAY);
    const start = performance.now();
    for (const planId of plans) paid += (await payDuePeriods(db, clock, county, planId)).paid;
    paying += performance.now() - start;
    const queued = await runQueuedRecomputes(db, clock);
    upkeep += queued.ms;
    jobs += queued.jobs;
  }
  if (paid === 0) throw new Error("The demo county's budgets paid nothing in: no figure to give");
  const start = performance.now();
  await recomputeAuthority(db, clock, county);
  const whole = performance.now() - start;
  return {
    name: "payments-in upkeep",
    ratio: (paying + upkeep) / paying,
    target: 1.2,
    detail: `${paid} payments in over ${PERIODS} periods of ${plans.length} budgets: ${(paying / PERIODS).toFixed(0)} ms a period, ${jobs} recomputations queued (${upkeep.toFixed(0)} ms); one whole recomputation of the county ${whole.toFixed(0)} ms`,
  };
}
