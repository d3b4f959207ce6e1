/**
 * Surplus: a direct payment's balance above the level agreed in the budget's current version
 * (`surplus_level_pence`) is flagged for recovery when a payment in takes it there (one open flag
 * a budget); the authority's care staff, the person and their representatives with `see-plan` are
 * told (a notice of the kind `budget.surplus-flagged`). Care staff then recover it — a transaction
 * from the direct payment back to the authority (the `recovered` account) — or waive its recovery,
 * with the reason; the person and those representatives are told (`budget.surplus-resolved`).
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { grantsInScope } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { accountsHolding } from "../care/care.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import * as repo from "./budgets.repository.ts";
import { type Budget, visibleBudget } from "./budgets.service.ts";
import type { BudgetSurplus } from "./budgets.table.ts";
import { idempotent, overdraftError, postTransaction, userIn } from "./ledger.service.ts";
import type { MoneyResult } from "./payments.service.ts";
import { BUDGET_STAFF, requireSurplusDecision } from "./permissions.ts";

export interface SurplusView {
  id: string;
  account: string;
  flaggedAt: string;
  balancePence: string;
  levelPence: string;
  excessPence: string;
  status: BudgetSurplus["status"];
  resolvedAt: string | null;
  waiverReason: string | null;
  transactionId: string | null;
}

export function surplusView(s: BudgetSurplus): SurplusView {
  return {
    id: s.id,
    account: s.account,
    flaggedAt: s.flagged_at.toISOString(),
    balancePence: s.balance_pence.toString(),
    levelPence: s.level_pence.toString(),
    excessPence: s.excess_pence.toString(),
    status: s.status,
    resolvedAt: s.resolved_at?.toISOString() ?? null,
    waiverReason: s.waiver_reason,
    transactionId: s.transaction_id,
  };
}

/** The budget's page, where a notice about it leads. */
export async function budgetLink(db: Db, authorityId: string, planId: string): Promise<string> {
  const authority = await authorityById(db, authorityId);
  return `/authorities/${authority?.slug ?? authorityId}/budgets/${planId}`;
}

/**
 * Tells the person and their representatives allowed to see the plan (`see-plan`) about its surplus,
 * in their inboxes, with a link to the person's page. In the caller's transaction.
 */
async function tellPerson(
  trx: Trx,
  ctx: Ctx,
  { ledger, budget }: Budget,
  kind: "budget.surplus-flagged" | "budget.surplus-resolved",
  subjects: { self: string; other: string },
  body: string,
): Promise<void> {
  const personId = budget.plan.person_id;
  for (const { userId, how } of await accountsHolding(trx, ledger.authority_id, personId, "see-plan"))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: ledger.authority_id,
        kind,
        subject: how === "self" ? subjects.self : subjects.other,
        body,
        link: `/care/people/${personId}`,
      },
      { email: false },
    );
}

/**
 * Flags the direct payment's surplus when its balance is above the agreed level and none is open,
 * telling the authority's care staff. In the caller's transaction (a payment in's).
 */
export async function checkSurplus(
  trx: Trx,
  ctx: Ctx,
  { ledger, budget }: Budget,
): Promise<BudgetSurplus | undefined> {
  const level = budget.version.surplus_level_pence;
  if (level === null) return undefined;
  const { authority_id: authorityId, plan_id: planId } = ledger;
  const balance =
    (await repo.balances(trx, authorityId, planId)).find((b) => b.account === "direct-payment")
      ?.balance_pence ?? 0n;
  if (balance <= level) return undefined;
  if (await repo.openSurplus(trx, authorityId, planId)) return undefined;
  const surplus: BudgetSurplus = {
    authority_id: authorityId,
    id: newId(),
    plan_id: planId,
    account: "direct-payment",
    flagged_at: ctx.clock.now(),
    balance_pence: balance,
    level_pence: level,
    excess_pence: balance - level,
    status: "open",
    resolved_at: null,
    resolved_by: null,
    waiver_reason: null,
    transaction_id: null,
  };
  await repo.insertSurplus(trx, surplus);
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor: actorIn(ctx),
    action: "budget.surplus-flagged",
    entity: { type: "budget-surplus", id: surplus.id },
    changes: { planId, balancePence: balance.toString(), levelPence: level.toString() },
    requestId: null,
  });
  const link = await budgetLink(trx, authorityId, planId);
  const staff = new Set(
    (await grantsInScope(trx, authorityId))
      .filter((g) => BUDGET_STAFF.includes(g.role))
      .map((g) => g.user_id),
  );
  for (const userId of staff)
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: "budget.surplus-flagged",
        subject: "A personal budget's direct payment is above its agreed surplus level",
        body: `The direct payment holds ${formatMoney(balance as Pence)}, ${formatMoney((balance - level) as Pence)} above the agreed level of ${formatMoney(level as Pence)}. Recover the surplus or waive its recovery with a reason.`,
        link,
      },
      { email: false },
    );
  await tellPerson(
    trx,
    ctx,
    { ledger, budget },
    "budget.surplus-flagged",
    {
      self: "Your direct payment is above its agreed surplus level",
      other: "The direct payment of someone you act for is above its agreed surplus level",
    },
    `The direct payment holds ${formatMoney(balance as Pence)}, ${formatMoney((balance - level) as Pence)} above the agreed level of ${formatMoney(level as Pence)}. The authority may recover what is above the level, or agree that it is kept; you will be told which.`,
  );
  return surplus;
}

/**
 * Recovers the open surplus: the amount given (at most the balance), or the excess as it now stands
 * (the balance above the level) — moved from the direct payment back to the authority.
 */
export async function recoverSurplus(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  key: string,
  input: { amount?: string | null },
): Promise<{ result: MoneyResult & { surplus: SurplusView }; replayed: boolean }> {
  const found = await visibleBudget(ctx, authorityId, planId);
  requireSurplusDecision(ctx.principal, found.budget);
  const errors: FieldError[] = [];
  let asked: bigint | null = null;
  if (input.amount?.trim()) {
    const parsed = parseMoney(input.amount);
    if (!parsed.ok) errors.push({ field: "amount", message: parsed.error });
    else if (parsed.value <= 0n)
      errors.push({ field: "amount", message: msg`Enter an amount of more than £0.00` });
    else asked = parsed.value;
  }
  if (errors.length > 0) throw new ValidationError(msg`Check the amount to recover`, errors);
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      {
        authorityId,
        planId,
        key,
        action: "surplus-recovery",
        request: { amount: asked?.toString() ?? null },
      },
      async () => {
        const surplus = await repo.openSurplus(trx, authorityId, planId, true);
        if (!surplus)
          throw new ConflictError(msg`No surplus is flagged for recovery on this budget.`, "no_surplus");
        const balance =
          (await repo.balances(trx, authorityId, planId)).find((b) => b.account === surplus.account)
            ?.balance_pence ?? 0n;
        const amount = asked ?? balance - surplus.level_pence;
        if (amount <= 0n)
          throw new ConflictError(
            msg`The balance is no longer above the agreed level: waive the recovery, or give the amount to recover.`,
            "no_excess",
          );
        if (amount > balance) throw overdraftError(surplus.account, amount, balance);
        const posted = await postTransaction(trx, ctx, authorityId, planId, {
          kind: "recovery",
          key,
          entries: [
            { account: "direct-payment", amount: -amount },
            { account: "recovered", amount },
          ],
          surplusId: surplus.id,
          description: "Surplus recovered by the authority",
        });
        const resolved = {
          status: "recovered" as const,
          resolved_at: ctx.clock.now(),
          resolved_by: userIn(ctx),
          waiver_reason: null,
          transaction_id: posted.id,
        };
        await repo.resolveSurplus(trx, authorityId, surplus.id, resolved);
        await tellPerson(
          trx,
          ctx,
          found,
          "budget.surplus-resolved",
          {
            self: "The authority has recovered your direct payment's surplus",
            other: "The authority has recovered the surplus of a direct payment of someone you act for",
          },
          `The authority has recovered ${formatMoney(amount as Pence)} of the direct payment's surplus.`,
        );
        const balances = await repo.balances(trx, authorityId, planId);
        return {
          transaction: posted,
          invoice: null,
          surplus: surplusView({ ...surplus, ...resolved }),
          balances: balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
        };
      },
    ),
  );
}

/** Waives the recovery of the open surplus, with the reason. */
export async function waiveSurplus(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  key: string,
  input: { reason: string },
): Promise<{ result: MoneyResult & { surplus: SurplusView }; replayed: boolean }> {
  const found = await visibleBudget(ctx, authorityId, planId);
  requireSurplusDecision(ctx.principal, found.budget);
  const reason = input.reason.trim();
  if (reason === "" || reason.length > 1000) {
    const message = msg`Enter why the surplus is not recovered, up to 1,000 characters`;
    throw new ValidationError(message, [{ field: "reason", message }]);
  }
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      { authorityId, planId, key, action: "surplus-waiver", request: { reason } },
      async () => {
        const surplus = await repo.openSurplus(trx, authorityId, planId, true);
        if (!surplus)
          throw new ConflictError(msg`No surplus is flagged for recovery on this budget.`, "no_surplus");
        const actor = actorIn(ctx);
        const resolved = {
          status: "waived" as const,
          resolved_at: ctx.clock.now(),
          resolved_by: userIn(ctx),
          waiver_reason: reason,
          transaction_id: null,
        };
        await repo.resolveSurplus(trx, authorityId, surplus.id, resolved);
        await recordAudit(trx, ctx.clock, {
          authorityId,
          actor,
          action: "budget.surplus-waived",
          entity: { type: "budget-surplus", id: surplus.id },
          changes: { planId, reason },
          requestId: null,
        });
        await tellPerson(
          trx,
          ctx,
          found,
          "budget.surplus-resolved",
          {
            self: "Your direct payment's surplus is kept: the authority will not recover it",
            other:
              "The surplus of a direct payment of someone you act for is kept: the authority will not recover it",
          },
          `The authority will not recover the direct payment's surplus of ${formatMoney(surplus.excess_pence as Pence)}. The reason given: ${reason}`.slice(
            0,
            4000,
          ),
        );
        const balances = await repo.balances(trx, authorityId, planId);
        return {
          transaction: null,
          invoice: null,
          surplus: surplusView({ ...surplus, ...resolved }),
          balances: balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
        };
      },
    ),
  );
}
