/**
 * The money of personal budgets (issue 17, item 6): each plan's budget as a double-entry ledger in
 * integer pence. This file: finding a budget with the caller's visibility, opening its ledger, the
 * ledger view for care staff (balances by account, transactions a page at a time by key, the latest
 * invoices, the surplus flagged) and the list of an authority's budgets. Money moves only through
 * `postTransaction` (ledger.service.ts): payments in and out and invoices in payments.service.ts,
 * surplus in surplus.service.ts, statements in statements.service.ts, retention in
 * retention.service.ts. A plan's budget is read only through the care module's `planBudget`.
 * See docs/personal-budgets-money.md.
 */
import { decodeKey, decodeTimeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type PlanBudget, planBudget, planBudgets } from "../care/care.service.ts";
import { enqueue } from "../jobs/jobs.service.ts";
import * as repo from "./budgets.repository.ts";
import {
  type BudgetBalance,
  type BudgetInvoice,
  type BudgetLedger,
  type BudgetSurplus,
  CADENCES,
  type Cadence,
  HELD_ACCOUNTS,
} from "./budgets.table.ts";
import { type TransactionView, transactionView, userIn } from "./ledger.service.ts";
import { maySee, requireBudgetStaff, requireScheduleChange, requireSee } from "./permissions.ts";
import { schedulePeriod } from "./schedule.ts";
import { TRANSACTIONS_PAGE, transactionsByKey } from "./transactions-page.ts";

export type { Account, BudgetInvoice, BudgetLedger, BudgetSurplus, Cadence } from "./budgets.table.ts";
export { CADENCES } from "./budgets.table.ts";

export const PAYMENTS_IN_QUEUE = "budgets.payments-in";
export const RETENTION_QUEUE = "budgets.retention";
export { TRANSACTIONS_PAGE };

/** A budget as the ledger keeps it: the ledger, the plan's budget as it now stands. */
export interface Budget {
  ledger: BudgetLedger;
  budget: PlanBudget;
}

/** Which held account a part of the budget is paid into. */
export function heldAccountOf(delivery: string): "direct-payment" | "managed" {
  return delivery === "direct-payment" ? "direct-payment" : "managed";
}

/** The held accounts a budget has: those its current parts are paid into. */
export function heldAccounts(budget: PlanBudget): ("direct-payment" | "managed")[] {
  return HELD_ACCOUNTS.filter((a) => budget.parts.some((p) => heldAccountOf(p.delivery) === a));
}

/** The budget of a plan with a ledger, or 404 (unknown, another tenant's, or no ledger yet). No check of who asks. */
export async function findBudget(db: Ctx["db"], authorityId: string, planId: string): Promise<Budget> {
  if (!isUuid(planId)) throw new NotFoundError("personal budget");
  const [ledger, budget] = await Promise.all([
    repo.findLedger(db, authorityId, planId),
    planBudget(db, authorityId, planId),
  ]);
  if (!ledger || !budget) throw new NotFoundError("personal budget");
  return { ledger, budget };
}

/** The budget, for someone who may see it: 404 first for what is unknown, then 403. */
export async function visibleBudget(ctx: Ctx, authorityId: string, planId: string): Promise<Budget> {
  const found = await findBudget(ctx.db, authorityId, planId);
  requireSee(ctx.principal, found.budget);
  return found;
}

export interface OpenLedgerInput {
  planId: string;
  cadence: string;
  /** The first day of the first period paid in: the plan's start when empty. */
  firstPeriodOn?: string;
}

/**
 * Opens a plan's ledger (care staff): the accounts its budget's parts need, and the schedule of
 * payments in, whose first due periods the job pays in at once (catching up to today).
 */
export async function openLedger(ctx: Ctx, authorityId: string, input: OpenLedgerInput): Promise<Budget> {
  requireBudgetStaff(ctx.principal, authorityId);
  const budget = isUuid(input.planId) ? await planBudget(ctx.db, authorityId, input.planId) : undefined;
  if (!budget) throw new NotFoundError("care plan");
  const errors = [];
  if (!(CADENCES as readonly string[]).includes(input.cadence))
    errors.push({
      field: "cadence",
      message: msg`Choose how often the budget is paid in: every four weeks or every month`,
    });
  const first = input.firstPeriodOn || budget.plan.started_on;
  if (!isIsoDate(first))
    errors.push({ field: "firstPeriodOn", message: msg`Enter the first day paid for as a real date` });
  if (errors.length > 0) throw new ValidationError(msg`Check the budget's schedule`, errors);
  if (budget.plan.status === "ended")
    throw new ConflictError(msg`This plan has ended: its budget can no longer be opened.`, "plan_ended");
  return recordLedgerOpened(ctx, authorityId, budget, input.cadence as Cadence, first);
}

/**
 * Opens a plan's ledger without checking who asks (the caller has, or the system acts: the demo
 * seed): its accounts, and the schedule's first job (due now: it pays in what has started).
 */
export async function recordLedgerOpened(
  ctx: Ctx,
  authorityId: string,
  budget: PlanBudget,
  cadence: Cadence,
  first: string,
): Promise<Budget> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const actor = actorIn(ctx);
    const opened = await repo.insertLedger(trx, {
      authority_id: authorityId,
      plan_id: budget.plan.id,
      cadence,
      first_period_on: first,
      period_base: 0,
      next_period: 0,
      last_seq: 0,
      plan_ended_on: null,
      opened_by: userIn(ctx),
      opened_at: now,
    });
    if (!opened) throw new ConflictError(msg`This plan's budget ledger is open already.`, "ledger_open");
    await repo.ensureBalances(trx, authorityId, budget.plan.id, ["funding", ...heldAccounts(budget)]);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "budget.opened",
      entity: { type: "budget", id: budget.plan.id },
      changes: { cadence, firstPeriodOn: first },
      requestId: null,
    });
    await enqueue(trx, ctx.clock, {
      queue: PAYMENTS_IN_QUEUE,
      payload: { authorityId, planId: budget.plan.id },
      dedupeKey: `${PAYMENTS_IN_QUEUE}:${authorityId}:${budget.plan.id}:0`,
      authorityId,
    });
    const ledger = await repo.findLedger(trx, authorityId, budget.plan.id);
    return { ledger: ledger as BudgetLedger, budget };
  });
}

export interface LedgerView extends Budget {
  balances: BudgetBalance[];
  /** What is left to spend: the held accounts' balances together. */
  held: bigint;
  transactions: TransactionView[];
  next: string | null;
  previous: string | null;
  /** A page of its invoices, newest first; `invoicesNext` the key of the next (older). */
  invoices: BudgetInvoice[];
  invoicesNext: string | null;
  surplus: BudgetSurplus | undefined;
  /** The next period to be paid in. */
  nextPeriod: { index: number; startsOn: string; endsOn: string };
  today: string;
}

/** How many of a budget's invoices its ledger shows at a time. */
export const INVOICES_PAGE = 20;

/** A page of a budget's invoices, newest first, after the key `invoicesAfter` (submitted_at and id). */
async function invoicesByKey(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  invoicesAfter: string | undefined,
): Promise<{ invoices: BudgetInvoice[]; invoicesNext: string | null }> {
  const after = decodeTimeKey(invoicesAfter, "invoicesAfter");
  const rows = await repo.latestInvoices(ctx.db, authorityId, planId, INVOICES_PAGE + 1, undefined, after);
  const invoices = rows.slice(0, INVOICES_PAGE);
  const last = invoices.at(-1);
  return {
    invoices,
    invoicesNext:
      rows.length > INVOICES_PAGE && last ? encodeKey([last.submitted_at.toISOString(), last.id]) : null,
  };
}

/** The ledger view (care staff): balances, a page of transactions newest first, invoices, the surplus. */
export async function ledgerView(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  page: { after?: string; before?: string; pageSize?: number; invoicesAfter?: string | undefined } = {},
): Promise<LedgerView> {
  const found = await visibleBudget(ctx, authorityId, planId);
  const { rows, entries, next, previous } = await transactionsByKey(ctx.db, authorityId, planId, page);
  const balances = await repo.balances(ctx.db, authorityId, planId);
  const { ledger } = found;
  return {
    ...found,
    balances,
    held: balances
      .filter((b) => (HELD_ACCOUNTS as readonly string[]).includes(b.account))
      .reduce((s, b) => s + b.balance_pence, 0n),
    transactions: rows.map((r) => transactionView(r, entries)),
    next,
    previous,
    ...(await invoicesByKey(ctx, authorityId, planId, page.invoicesAfter)),
    surplus: await repo.openSurplus(ctx.db, authorityId, planId),
    nextPeriod: {
      index: ledger.next_period,
      ...schedulePeriod(ledger, ledger.next_period),
    },
    today: londonToday(ctx.clock),
  };
}

export interface BudgetListItem {
  ledger: BudgetLedger;
  budget: PlanBudget | undefined;
}

/** An authority's budgets with ledgers (care staff), a page at a time in plan order. */
export async function listBudgets(
  ctx: Ctx,
  authorityId: string,
  page: { after?: string; pageSize?: number } = {},
): Promise<{ budgets: BudgetListItem[]; next: string | null }> {
  requireBudgetStaff(ctx.principal, authorityId);
  const size = page.pageSize ?? TRANSACTIONS_PAGE;
  const after = decodeKey(page.after, ["string"], "after")?.[0] as string | undefined;
  const rows = await repo.ledgersPage(ctx.db, authorityId, after, size + 1);
  const shown = rows.slice(0, size);
  // The page's plans in one batch (three queries), not three queries a plan.
  const found = await planBudgets(
    ctx.db,
    authorityId,
    shown.map((l) => l.plan_id),
  );
  const budgets = shown.map((ledger) => ({ ledger, budget: found.get(ledger.plan_id) }));
  const last = shown[shown.length - 1];
  return {
    budgets: budgets.filter((b) => !b.budget || maySee(ctx.principal, b.budget)),
    next: rows.length > size && last ? encodeKey([last.plan_id]) : null,
  };
}

/** Every plan of an authority with a ledger, read a page at a time by key (the demo seed). */
export async function listLedgerPlans(db: Ctx["db"], authorityId: string): Promise<string[]> {
  const out: string[] = [];
  for (let after: string | undefined; ; ) {
    const page = await repo.ledgersPage(db, authorityId, after, 500);
    out.push(...page.map((l) => l.plan_id));
    if (page.length < 500) return out;
    after = page[page.length - 1]?.plan_id;
  }
}

/**
 * Changes how often a budget is paid in (care staff). The schedule restarts at the next period not
 * yet paid, on the day it was due to start: what is paid stays paid, and the period already paid in
 * runs to its end. The budget's year of rounding restarts there too (schedule.ts).
 */
export async function changeCadence(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { cadence: string },
): Promise<Budget> {
  const found = await findBudget(ctx.db, authorityId, planId);
  requireScheduleChange(ctx.principal, found.budget);
  if (!(CADENCES as readonly string[]).includes(input.cadence)) {
    const message = msg`Choose how often the budget is paid in: every four weeks or every month`;
    throw new ValidationError(message, [{ field: "cadence", message }]);
  }
  const cadence = input.cadence as Cadence;
  if (found.budget.plan.status === "ended")
    throw new ConflictError(msg`This plan has ended: nothing more is paid in.`, "plan_ended");
  return transaction(ctx.db, async (trx) => {
    const ledger = (await repo.lockLedger(trx, authorityId, planId)) as BudgetLedger;
    if (ledger.cadence !== cadence) {
      const from = schedulePeriod(ledger, ledger.next_period).startsOn;
      await repo.updateLedger(trx, authorityId, planId, {
        cadence,
        first_period_on: from,
        period_base: ledger.next_period,
      });
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorIn(ctx),
        action: "budget.cadence-changed",
        entity: { type: "budget", id: planId },
        changes: { from: ledger.cadence, to: cadence, fromPeriod: ledger.next_period, startsOn: from },
        requestId: null,
      });
    }
    return {
      ledger: (await repo.findLedger(trx, authorityId, planId)) as BudgetLedger,
      budget: found.budget,
    };
  });
}

// The open figures (the market module's personal-budget figures)

/** What a plan's budget has paid out to one payee: a provider in the directory, or (null) others by direct payment. */
export interface PaidOut {
  planId: string;
  organisationId: string | null;
  paidPence: bigint;
}

/** Everything an authority's budgets have paid out, by plan and payee, a page at a time. */
export async function* paidOutOf(db: Ctx["db"], authorityId: string): AsyncGenerator<PaidOut[]> {
  let after: { planId: string; account: string } | undefined;
  for (;;) {
    const rows = await repo.paidOutAfter(db, authorityId, after, 1000);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1] as repo.PaidOutRow;
    after = { planId: last.plan_id, account: last.account };
    yield rows.map((r) => ({
      planId: r.plan_id,
      organisationId: r.account.startsWith("provider:") ? r.account.slice("provider:".length) : null,
      paidPence: r.balance_pence,
    }));
  }
}

/**
 * Whether any of a person's plans has paid the provider from its budget (the feedback of the voice
 * module: a paid service proves the person had one). By the balances' key; no person's data.
 */
/** The providers paid from the plans' budgets (organisation ids), at most `limit`: whom the person may review. */
export async function paidProviders(
  db: Ctx["db"],
  authorityId: string,
  planIds: readonly string[],
  limit: number,
): Promise<string[]> {
  return repo.providersPaid(db, authorityId, planIds, limit);
}

export async function hasPaidProvider(
  db: Ctx["db"],
  authorityId: string,
  planIds: readonly string[],
  organisationId: string,
): Promise<boolean> {
  return (await repo.plansThatPaid(db, authorityId, planIds, organisationId)).length > 0;
}

/** When an invoice was last paid from a managed account, or null. */
export const latestManagedPayment = repo.latestManagedPayment;
