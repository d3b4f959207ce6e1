/**
 * Money in and out of a personal budget.
 *
 * - Payments in: the authority's schedule (schedule.ts), paid by the `budgets.payments-in` job into
 *   the direct payment and the managed account, from the current budget version's parts: each
 *   period once (its key `payment-in:<plan>:<period>` and a unique index), every period started by
 *   today paid when the job runs (catching up after downtime), then the job queued again for the
 *   next period's first day.
 * - Invoices: a provider's invoice against the managed account, recorded by care staff, approved
 *   (and so paid) or rejected by them or by the organisation managing the account.
 * - Payments out of the direct payment, recorded by care staff: to a provider in the directory, or
 *   to someone else (a personal assistant), described.
 * Every request that moves money carries an idempotency key (ledger.service.ts: `idempotent`).
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, addMonths, isIsoDate, londonInstant, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { grantsInScope } from "../access/access.service.ts";
import { actorIn, type Ctx, systemCtx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { actingFor, planBudget, planBudgetVersions } from "../care/care.service.ts";
import { arrangementFor } from "../choice/choice.service.ts";
import { enqueue } from "../jobs/jobs.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import * as repo from "./budgets.repository.ts";
import {
  type Budget,
  findBudget,
  heldAccountOf,
  PAYMENTS_IN_QUEUE,
  RETENTION_QUEUE,
  visibleBudget,
} from "./budgets.service.ts";
import type { BudgetInvoice } from "./budgets.table.ts";
import {
  idempotent,
  type Movement,
  postTransaction,
  type TransactionView,
  userIn,
} from "./ledger.service.ts";
import { requireApproveInvoice, requirePayOut, requireRecordInvoice } from "./permissions.ts";
import { schedulePeriod, schedulePeriodPence, schedulePeriodsStartedBy, yearlyPence } from "./schedule.ts";
import { checkSurplus } from "./surplus.service.ts";

/** How long records are kept after a plan ends, in months (7 years). */
export const KEPT_MONTHS = 84;

export interface InvoiceView {
  id: string;
  planId: string;
  organisationId: string;
  arrangementId: string | null;
  periodStartsOn: string;
  periodEndsOn: string;
  amountPence: string;
  reference: string;
  status: BudgetInvoice["status"];
  submittedAt: string;
  decidedAt: string | null;
  rejectionReason: string | null;
  transactionId: string | null;
}

export function invoiceView(i: BudgetInvoice): InvoiceView {
  return {
    id: i.id,
    planId: i.plan_id,
    organisationId: i.organisation_id,
    arrangementId: i.arrangement_id,
    periodStartsOn: i.period_starts_on,
    periodEndsOn: i.period_ends_on,
    amountPence: i.amount_pence.toString(),
    reference: i.reference,
    status: i.status,
    submittedAt: i.submitted_at.toISOString(),
    decidedAt: i.decided_at?.toISOString() ?? null,
    rejectionReason: i.rejection_reason,
    transactionId: i.transaction_id,
  };
}

/** What a money-moving request answered (kept with its key, and answered again for a retry). */
export interface MoneyResult {
  transaction: TransactionView | null;
  invoice: InvoiceView | null;
  balances: { account: string; balancePence: string }[];
}

async function resultOf(
  db: Db,
  budget: Budget,
  transaction: TransactionView | null,
  invoice: BudgetInvoice | null,
): Promise<MoneyResult> {
  const balances = await repo.balances(db, budget.budget.plan.authority_id, budget.budget.plan.id);
  return {
    transaction,
    invoice: invoice ? invoiceView(invoice) : null,
    balances: balances.map((b) => ({ account: b.account, balancePence: b.balance_pence.toString() })),
  };
}

/** Reads an amount of money, more than nought. */
function amountOf(text: string, errors: FieldError[], field = "amount"): bigint {
  const parsed = parseMoney(text);
  if (!parsed.ok) {
    errors.push({ field, message: parsed.error });
    return 0n;
  }
  if (parsed.value <= 0n) errors.push({ field, message: msg`Enter an amount of more than £0.00` });
  return parsed.value;
}

// Payments in

/**
 * Pays in every period of the schedule started by today (or by the plan's end) not yet paid, each
 * in its own transaction; records the plan's end (queueing the erasure of its records 7 years on);
 * answers how many periods it paid and the next period's first day (when the plan goes on).
 */
export async function payDuePeriods(
  db: Db,
  clock: Clock,
  authorityId: string,
  planId: string,
): Promise<{ paid: number; nextOn: string | null }> {
  const ctx = systemCtx(db, clock, "budget-schedule");
  const [ledger, budget, versions] = await Promise.all([
    repo.findLedger(db, authorityId, planId),
    planBudget(db, authorityId, planId),
    planBudgetVersions(db, authorityId, planId),
  ]);
  if (!ledger || !budget) return { paid: 0, nextOn: null };
  const today = londonToday(clock);
  const endedOn = budget.plan.ended_on;
  const lastDay = endedOn && endedOn < today ? endedOn : today;
  const due = schedulePeriodsStartedBy(ledger, lastDay);
  let paid = 0;
  for (let k = ledger.next_period; k < due; k++) {
    const posted = await transaction(db, async (trx) => {
      const locked = await repo.lockLedger(trx, authorityId, planId);
      // Paid already, or the schedule changed meanwhile (the next run pays by the new one).
      if (!locked || locked.next_period !== k || locked.period_base !== ledger.period_base) return false;
      const period = { index: k, ...schedulePeriod(ledger, k) };
      // The version in force on the period's first day pays the whole period (paid in advance).
      const inForce = versions.filter((v) => v.version.starts_on <= period.startsOn).at(-1) ?? versions[0];
      const parts = inForce?.parts ?? budget.parts;
      const per = inForce?.version.period ?? budget.version.period;
      const entries: Movement[] = [];
      let total = 0n;
      for (const account of ["direct-payment", "managed"] as const) {
        const yearly = parts
          .filter((p) => heldAccountOf(p.delivery) === account)
          .reduce((s, p) => s + yearlyPence(p.amount_pence, per), 0n);
        const amount = schedulePeriodPence(yearly, ledger, k);
        if (amount > 0n) {
          entries.push({ account, amount });
          total += amount;
        }
      }
      if (total > 0n)
        await postTransaction(trx, ctx, authorityId, planId, {
          kind: "payment-in",
          key: `payment-in:${planId}:${k}`,
          entries: [{ account: "funding", amount: -total }, ...entries],
          period,
          description: `Period ${k + 1}: ${period.startsOn} to ${period.endsOn}`,
        });
      await repo.updateLedger(trx, authorityId, planId, { next_period: k + 1 });
      await checkSurplus(trx, ctx, { ledger: locked, budget });
      return true;
    });
    if (posted) paid++;
  }
  if (endedOn && !ledger.plan_ended_on)
    await transaction(db, (trx) => recordPlanEnded(trx, clock, authorityId, planId, endedOn));
  const nextOn = schedulePeriod(ledger, Math.max(due, ledger.next_period)).startsOn;
  // Payments in stop with the plan: no period starting after its last day is paid.
  if (endedOn && nextOn > endedOn) return { paid, nextOn: null };
  return { paid, nextOn };
}

/** Records a plan's end on its ledger and queues the erasure of its records 7 years on. */
export async function recordPlanEnded(
  trx: Trx,
  clock: Clock,
  authorityId: string,
  planId: string,
  endedOn: string,
): Promise<void> {
  await repo.updateLedger(trx, authorityId, planId, { plan_ended_on: endedOn });
  const keptUntil = addDays(addMonths(endedOn, KEPT_MONTHS), 1);
  // 02:00 London time: an hour every day has exactly once (01:00 is skipped when the clocks go
  // forward, and a job run "now" instead would find the records young and never come back).
  const runAt = londonInstant(keptUntil, 2, 0);
  if (!runAt) throw new RangeError(`Not a London date: ${keptUntil}`);
  await enqueue(trx, clock, {
    queue: RETENTION_QUEUE,
    payload: { authorityId },
    runAt,
    dedupeKey: `${RETENTION_QUEUE}:${authorityId}:${planId}`,
    authorityId,
  });
}

/** The job: pays what is due, then queues itself for the next period's first day (once per period). */
export async function runPaymentsIn(
  db: Db,
  clock: Clock,
  authorityId: string,
  planId: string,
): Promise<void> {
  const { nextOn } = await payDuePeriods(db, clock, authorityId, planId);
  if (!nextOn) return;
  const ledger = await repo.findLedger(db, authorityId, planId);
  if (!ledger) return;
  await transaction(db, async (trx) => {
    await enqueue(trx, clock, {
      queue: PAYMENTS_IN_QUEUE,
      payload: { authorityId, planId },
      runAt: londonInstant(nextOn, 0, 5) ?? clock.now(),
      dedupeKey: `${PAYMENTS_IN_QUEUE}:${authorityId}:${planId}:${ledger.next_period}`,
      authorityId,
    });
  });
}

// Invoices

function decidedAlready(invoice: BudgetInvoice): ConflictError {
  return new ConflictError(
    invoice.status === "paid" ? msg`This invoice is paid already.` : msg`This invoice is rejected already.`,
    "invoice_decided",
  );
}

export interface InvoiceInput {
  organisationId: string;
  periodStartsOn: string;
  periodEndsOn: string;
  amount: string;
  reference: string;
  arrangementId?: string | null;
}

/** Records a provider's invoice against the managed account (care staff), with its key. */
export async function recordInvoice(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  key: string,
  input: InvoiceInput,
): Promise<{ result: MoneyResult; replayed: boolean }> {
  const found = await visibleBudget(ctx, authorityId, planId);
  requireRecordInvoice(ctx.principal, found.budget);
  const errors: FieldError[] = [];
  const organisationId = input.organisationId.trim();
  const organisation = isUuid(organisationId)
    ? (await organisationsByIds(ctx.db, [organisationId])).get(organisationId)
    : undefined;
  if (!organisation)
    errors.push({ field: "organisationId", message: msg`Choose the provider from the directory` });
  const amount = amountOf(input.amount, errors);
  const reference = input.reference.trim();
  if (reference === "" || reference.length > 100)
    errors.push({ field: "reference", message: msg`Enter the invoice's reference, up to 100 characters` });
  for (const [field, value] of [
    ["periodStartsOn", input.periodStartsOn],
    ["periodEndsOn", input.periodEndsOn],
  ] as const)
    if (!isIsoDate(value)) errors.push({ field, message: msg`Enter the day as a real date` });
  if (errors.length === 0 && input.periodEndsOn < input.periodStartsOn)
    errors.push({ field: "periodEndsOn", message: msg`The period's last day must be on or after its first` });
  const arrangementId = input.arrangementId ?? null;
  if (arrangementId !== null && !isUuid(arrangementId))
    errors.push({ field: "arrangementId", message: msg`An arrangement is named by its id` });
  if (errors.length > 0) throw new ValidationError(msg`Check the invoice`, errors);
  if (!found.budget.parts.some((p) => p.delivery !== "direct-payment"))
    throw new ConflictError(
      msg`This budget has no managed account: record what the direct payment paid as a payment out instead.`,
      "no_managed_account",
    );
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      { authorityId, planId, key, action: "invoice", request: { ...input, amount: amount.toString() } },
      async () => {
        if (await repo.invoiceByReference(trx, authorityId, planId, organisationId, reference)) {
          const message = msg`This provider's invoice ${reference} is recorded already against this budget.`;
          throw new ConflictError(message, "invoice_recorded");
        }
        const now = ctx.clock.now();
        const actor = actorIn(ctx);
        const invoice: BudgetInvoice = {
          authority_id: authorityId,
          id: newId(),
          plan_id: planId,
          organisation_id: organisationId,
          arrangement_id: arrangementId,
          period_starts_on: input.periodStartsOn,
          period_ends_on: input.periodEndsOn,
          amount_pence: amount,
          reference,
          status: "submitted",
          submitted_by: userIn(ctx),
          submitted_at: now,
          decided_by: null,
          decided_at: null,
          rejection_reason: null,
          transaction_id: null,
          units_x100: null,
        };
        await repo.insertInvoice(trx, invoice);
        await recordAudit(trx, ctx.clock, {
          authorityId,
          actor,
          action: "budget.invoice-recorded",
          entity: { type: "budget-invoice", id: invoice.id },
          changes: { planId, organisationId, amountPence: amount.toString(), reference },
          requestId: null,
        });
        return resultOf(trx, found, null, invoice);
      },
    ),
  );
}

/** Approves an invoice and pays it from the managed account, in one transaction; 409 if it would overdraw. */
export async function approveInvoice(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  invoiceId: string,
  key: string,
): Promise<{ result: MoneyResult; replayed: boolean }> {
  const found = await findBudget(ctx.db, authorityId, planId);
  const invoice = isUuid(invoiceId)
    ? await repo.findInvoice(ctx.db, authorityId, planId, invoiceId)
    : undefined;
  if (!invoice) throw new NotFoundError("invoice");
  requireApproveInvoice(ctx.principal, found.budget);
  if (invoice.arrangement_id) {
    const arrangement = await arrangementFor(ctx.db, authorityId, invoice.arrangement_id);
    if (arrangement?.paid_from === "direct-payment")
      throw new ConflictError(
        msg`This invoice is paid from the direct payment: the person or their representative pays it.`,
        "invoice_direct",
      );
  }
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      { authorityId, planId, key, action: "invoice-approval", request: { invoiceId } },
      async () => {
        const locked = (await repo.findInvoice(trx, authorityId, planId, invoiceId, true)) as BudgetInvoice;
        if (locked.status !== "submitted") throw decidedAlready(locked);
        const posted = await postTransaction(trx, ctx, authorityId, planId, {
          kind: "invoice-payment",
          key,
          entries: [
            { account: "managed", amount: -locked.amount_pence },
            { account: `provider:${locked.organisation_id}`, amount: locked.amount_pence },
          ],
          invoiceId,
          description: `Invoice ${locked.reference}`,
        });
        const decided = {
          status: "paid" as const,
          decided_by: userIn(ctx),
          decided_at: ctx.clock.now(),
          rejection_reason: null,
          transaction_id: posted.id,
        };
        await repo.decideInvoice(trx, authorityId, invoiceId, decided);
        await tellProviderOfInvoice(trx, ctx, { ...locked, ...decided });
        return resultOf(trx, found, posted, { ...locked, ...decided });
      },
    ),
  );
}

/** Rejects an invoice, with the reason. */
export async function rejectInvoice(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  invoiceId: string,
  key: string,
  input: { reason: string },
): Promise<{ result: MoneyResult; replayed: boolean }> {
  const found = await findBudget(ctx.db, authorityId, planId);
  const invoice = isUuid(invoiceId)
    ? await repo.findInvoice(ctx.db, authorityId, planId, invoiceId)
    : undefined;
  if (!invoice) throw new NotFoundError("invoice");
  requireApproveInvoice(ctx.principal, found.budget);
  const reason = input.reason.trim();
  if (reason === "" || reason.length > 1000) {
    const message = msg`Enter why the invoice is rejected, up to 1,000 characters`;
    throw new ValidationError(message, [{ field: "reason", message }]);
  }
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      { authorityId, planId, key, action: "invoice-rejection", request: { invoiceId, reason } },
      async () => {
        const locked = (await repo.findInvoice(trx, authorityId, planId, invoiceId, true)) as BudgetInvoice;
        if (locked.status !== "submitted") throw decidedAlready(locked);
        const actor = actorIn(ctx);
        const decided = {
          status: "rejected" as const,
          decided_by: userIn(ctx),
          decided_at: ctx.clock.now(),
          rejection_reason: reason,
          transaction_id: null,
        };
        await repo.decideInvoice(trx, authorityId, invoiceId, decided);
        await recordAudit(trx, ctx.clock, {
          authorityId,
          actor,
          action: "budget.invoice-rejected",
          entity: { type: "budget-invoice", id: invoiceId },
          changes: { planId, reason },
          requestId: null,
        });
        await tellProviderOfInvoice(trx, ctx, { ...locked, ...decided });
        return resultOf(trx, found, null, { ...locked, ...decided });
      },
    ),
  );
}

/**
 * Tells the provider's administrators and members that its invoice is decided: paid (with the
 * amount) or rejected (with the reason), linking to its invoices. In the caller's transaction.
 */
export async function tellProviderOfInvoice(trx: Trx, ctx: Ctx, invoice: BudgetInvoice): Promise<void> {
  const paid = invoice.status === "paid";
  if (!paid && invoice.status !== "rejected") return;
  const users = new Set<string>();
  for (const g of await grantsInScope(trx, invoice.organisation_id))
    if (g.role === "organisation-admin" || g.role === "organisation-member") users.add(g.user_id);
  const amount = formatPence(invoice.amount_pence);
  const { reference } = invoice;
  const from = invoice.period_starts_on;
  const to = invoice.period_ends_on;
  for (const userId of users)
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: invoice.authority_id,
        organisationId: invoice.organisation_id,
        kind: paid ? "budget.invoice-paid" : "budget.invoice-rejected",
        subject: (paid
          ? msg`Your invoice ${reference} of ${amount} is paid`
          : msg`Your invoice ${reference} of ${amount} is rejected`
        ).slice(0, 200),
        body: paid
          ? msg`The invoice ${reference} for ${from} to ${to} is paid: ${amount}.`
          : msg`The invoice ${reference} of ${amount} for ${from} to ${to} is rejected, and nothing is paid for it. The reason given: ${invoice.rejection_reason ?? ""}`,
        link: `/organisations/${invoice.organisation_id}/invoices`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

// Payments out of the direct payment

export interface PaymentOutInput {
  amount: string;
  /** A provider in the directory paid; empty for someone else (a personal assistant). */
  organisationId?: string | null;
  description: string;
}

/**
 * Records a payment out of the direct payment (care staff, the person, a representative with
 * `make-payments`); 409 if it would overdraw.
 */
export async function recordPaymentOut(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  key: string,
  input: PaymentOutInput,
): Promise<{ result: MoneyResult; replayed: boolean }> {
  const found = await findBudget(ctx.db, authorityId, planId);
  const access = await requirePayOut(ctx, found.budget);
  const errors: FieldError[] = [];
  const amount = amountOf(input.amount, errors);
  const organisationId = input.organisationId?.trim() || null;
  if (organisationId !== null) {
    const known =
      isUuid(organisationId) && (await organisationsByIds(ctx.db, [organisationId])).has(organisationId);
    if (!known)
      errors.push({
        field: "organisationId",
        message: msg`Choose the provider from the directory, or leave it empty`,
      });
  }
  const description = input.description.trim();
  if (description === "" || description.length > 500)
    errors.push({ field: "description", message: msg`Say what the payment was for, up to 500 characters` });
  if (errors.length > 0) throw new ValidationError(msg`Check the payment`, errors);
  if (!found.budget.parts.some((p) => p.delivery === "direct-payment"))
    throw new ConflictError(
      msg`This budget has no direct payment: pay providers' invoices from the managed account.`,
      "no_direct_payment",
    );
  return transaction(ctx.db, (trx) =>
    idempotent(
      trx,
      ctx,
      {
        authorityId,
        planId,
        key,
        action: "payment-out",
        request: { amount: amount.toString(), organisationId, description },
      },
      async () => {
        const posted = await postTransaction(trx, ctx, authorityId, planId, {
          kind: "payment-out",
          key,
          entries: [
            { account: "direct-payment", amount: -amount },
            { account: organisationId ? `provider:${organisationId}` : "direct-spend", amount },
          ],
          description,
          ...(access ? { actingFor: actingFor(access) } : {}),
        });
        return resultOf(trx, found, posted, null);
      },
    ),
  );
}
