/** The open figures of personal budgets (the market module): each plan's facts, no personal data. */
import type { Db } from "../../db/database.ts";
import * as repo from "./care.repository.ts";
import type { BudgetPeriod } from "./care.table.ts";
import { type ClockCode, nextReview } from "./clocks.ts";
import { type DeliveryType, deliveryOf } from "./plans.service.ts";

// The open figures (the market module's personal-budget figures): what each plan counts for, with
// no personal data — the area of its person, its budget's delivery and weekly value, and how each
// review it was due was met. Read an authority's plans a page at a time; the caller aggregates.

/** How a review that fell due was met: done by its day, done after it, or not done and past it now. */
export type ReviewTimeliness = "on-time" | "late" | "overdue";

export interface PlanFigures {
  planId: string;
  areaCode: string;
  /** Active (a live plan). */
  live: boolean;
  delivery: DeliveryType;
  /** The current budget a week, in pence (a yearly amount × 7 ÷ 365, rounded to the nearest). */
  weeklyPence: bigint;
  /** Each review that fell due: the day it was due, the clock that gave it, how it was met. */
  reviews: { dueOn: string; clock: ClockCode; timeliness: ReviewTimeliness }[];
}

const FIGURES_PAGE = 500;

/** A budget's amount a week, in pence: a yearly amount × 7 ÷ 365, rounded to the nearest. */
export function weeklyPenceOf(amount: bigint, period: BudgetPeriod): bigint {
  return period === "week" ? amount : (amount * 7n * 2n + 365n) / (2n * 365n);
}

/**
 * Every plan of an authority as the open figures count it, page by page (`FIGURES_PAGE` plans at a
 * time). A plan's reviews are replayed through the clocks (clocks.ts): each review done was due on
 * the day the clocks gave before it (from the versions then in force, the review before and the
 * concerns raised since), on time when done by that day; an active plan whose next review is before
 * `today` is overdue now.
 */
export async function* planFiguresOf(
  db: Db,
  authorityId: string,
  today: string,
): AsyncGenerator<PlanFigures[]> {
  let after: string | undefined;
  for (;;) {
    const plans = await repo.planFactsAfter(db, authorityId, after, FIGURES_PAGE);
    if (plans.length === 0) return;
    after = plans[plans.length - 1]?.id;
    const ids = plans.map((p) => p.id);
    const [versions, parts, reviews, concerns] = [
      await repo.versionsOfPlans(db, authorityId, ids),
      await repo.partsOfPlans(db, authorityId, ids),
      await repo.reviewsOfPlans(db, authorityId, ids),
      await repo.concernsOfPlans(db, authorityId, ids),
    ];
    const of = <T extends { plan_id: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const row of rows) map.set(row.plan_id, [...(map.get(row.plan_id) ?? []), row]);
      return map;
    };
    const [versionsBy, partsBy, reviewsBy, concernsBy] = [of(versions), of(parts), of(reviews), of(concerns)];
    yield plans.map((plan) => {
      const planVersions = versionsBy.get(plan.id) ?? [];
      const planParts = partsBy.get(plan.id) ?? [];
      const current = planVersions.find((v) => v.version === plan.current_version);
      const hasDirectPayment = (version: number) =>
        planParts.some((p) => p.version === version && p.delivery === "direct-payment");
      const outcomes: PlanFigures["reviews"] = [];
      let last: { reviewed_on: string; created_at: Date } | null = null;
      for (const review of reviewsBy.get(plan.id) ?? []) {
        let directPaymentFrom: string | null = null;
        for (const v of planVersions.filter((v) => v.starts_on <= review.reviewed_on)) {
          if (hasDirectPayment(v.version)) directPaymentFrom ??= v.starts_on;
          else directPaymentFrom = null;
        }
        const since = last;
        const open = (concernsBy.get(plan.id) ?? []).filter(
          (c) =>
            c.raised_on <= review.reviewed_on &&
            (!since ||
              c.raised_on > since.reviewed_on ||
              (c.raised_on === since.reviewed_on && c.created_at > since.created_at)),
        );
        const due = nextReview({
          regime: plan.regime,
          startedOn: plan.started_on,
          directPaymentFrom,
          lastReviewOn: since?.reviewed_on ?? null,
          openConcernOn: open.map((c) => c.raised_on).sort()[0] ?? null,
        });
        outcomes.push({
          dueOn: due.on,
          clock: due.clock,
          timeliness: review.reviewed_on <= due.on ? "on-time" : "late",
        });
        last = review;
      }
      if (plan.status === "active" && plan.next_review_on && plan.next_review_on < today)
        outcomes.push({
          dueOn: plan.next_review_on,
          clock: (plan.next_review_clock ?? `${plan.regime}.plan`) as ClockCode,
          timeliness: "overdue",
        });
      return {
        planId: plan.id,
        areaCode: plan.area_code,
        live: plan.status === "active",
        delivery: deliveryOf(planParts.filter((p) => p.version === plan.current_version)),
        weeklyPence: current ? weeklyPenceOf(current.amount_pence, current.period) : 0n,
        reviews: outcomes,
      };
    });
  }
}
