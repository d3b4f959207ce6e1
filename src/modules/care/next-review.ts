/** A plan's next review, kept on the plan (clocks.ts works it out). */
import type { Trx } from "../../db/database.ts";
import * as repo from "./care.repository.ts";
import { nextReview } from "./clocks.ts";

/**
 * Works out a plan's next review from its versions, reviews and concerns (clocks.ts) and keeps it on
 * the plan, in the transaction of the change that moved it.
 */
export async function refreshNextReview(trx: Trx, authorityId: string, planId: string): Promise<void> {
  const plan = await repo.findPlan(trx, authorityId, planId);
  if (!plan) return;
  if (plan.status === "ended") {
    await repo.updatePlan(trx, authorityId, planId, { next_review_on: null, next_review_clock: null });
    return;
  }
  const [versions, parts, reviews, concerns] = await Promise.all([
    repo.versionsOf(trx, authorityId, planId),
    repo.partsOfPlan(trx, authorityId, planId),
    repo.reviewsOf(trx, authorityId, planId),
    repo.concernsOf(trx, authorityId, planId),
  ]);
  const hasDirectPayment = (version: number) =>
    parts.some((p) => p.version === version && p.delivery === "direct-payment");
  // The start of the run of versions, up to the current one, that each have a direct payment.
  let directPaymentFrom: string | null = null;
  for (const v of versions.filter((v) => v.version <= plan.current_version)) {
    if (hasDirectPayment(v.version)) directPaymentFrom ??= v.starts_on;
    else directPaymentFrom = null;
  }
  const last = reviews[0];
  const lastReviewOn = last?.reviewed_on ?? null;
  // A concern is answered by a review on a later day, or on its day when recorded after it.
  const open = concerns.filter(
    (c) =>
      !last ||
      c.raised_on > last.reviewed_on ||
      (c.raised_on === last.reviewed_on && c.created_at > last.created_at),
  );
  const openConcernOn = open.length > 0 ? (open.map((c) => c.raised_on).sort()[0] ?? null) : null;
  const next = nextReview({
    regime: plan.regime,
    startedOn: plan.started_on,
    directPaymentFrom,
    lastReviewOn,
    openConcernOn,
  });
  await repo.updatePlan(trx, authorityId, planId, { next_review_on: next.on, next_review_clock: next.clock });
}
