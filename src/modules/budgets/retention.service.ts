/**
 * Retention: a budget's records are kept 7 years after its plan ends (the end the schedule saw,
 * `budget_ledgers.plan_ended_on`), then erased by the `budgets.retention` job (queued for the day
 * after, when the schedule sees the plan end). Each run erases, per authority in one transaction,
 * every ledger due, and says what it erased: the plans by id and the rows of each table, in
 * `budget_erasures` and on the authority's audit trail. No personal data is in either: the ledger
 * holds none (plans, providers and users by id).
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { addMonths, londonToday } from "../../lib/london-time.ts";
import { recordAudit, SYSTEM } from "../audit/audit.service.ts";
import * as repo from "./budgets.repository.ts";
import { KEPT_MONTHS } from "./payments.service.ts";

export interface Erasure {
  authorityId: string;
  planIds: string[];
  counts: Record<repo.ErasedTable, number>;
}

/** Ledgers erased a run, at most: the job runs again for the rest. */
const PER_RUN = 100;

/**
 * Erases every ledger whose plan ended more than 7 years before today (for one authority, or all),
 * and records what it erased. Answers one erasure per authority.
 */
export async function eraseExpiredBudgets(db: Db, clock: Clock, authorityId?: string): Promise<Erasure[]> {
  const today = londonToday(clock);
  // Kept until the day 7 years after the plan's end; erased from the day after.
  const cutoff = addMonths(today, -KEPT_MONTHS);
  const due = await repo.ledgersEndedBefore(db, cutoff, authorityId, PER_RUN);
  const byAuthority = new Map<string, string[]>();
  for (const l of due)
    byAuthority.set(l.authority_id, [...(byAuthority.get(l.authority_id) ?? []), l.plan_id]);
  const erased: Erasure[] = [];
  for (const [authority, planIds] of byAuthority) {
    const erasure = await transaction(db, async (trx) => {
      await repo.allowErasing(trx);
      const counts = Object.fromEntries(repo.ERASED_TABLES.map((t) => [t, 0])) as Record<
        repo.ErasedTable,
        number
      >;
      for (const planId of planIds) {
        const each = await repo.eraseLedger(trx, authority, planId);
        for (const t of repo.ERASED_TABLES) counts[t] += each[t];
      }
      const id = newId();
      await repo.insertErasure(trx, {
        authority_id: authority,
        id,
        erased_at: clock.now(),
        kept_until: cutoff,
        plan_ids: planIds,
        counts,
      });
      await recordAudit(trx, clock, {
        authorityId: authority,
        actor: SYSTEM("budget-retention"),
        action: "budget.records-erased",
        entity: { type: "budget-erasure", id },
        changes: { planIds, counts, endedBefore: cutoff },
        requestId: null,
      });
      return { authorityId: authority, planIds, counts };
    });
    erased.push(erasure);
  }
  return erased;
}
