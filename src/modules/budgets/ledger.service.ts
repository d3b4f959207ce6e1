/**
 * The ledger's one way of moving money: `postTransaction`, in the caller's transaction. It locks
 * the ledger row and the balances it moves (`select … for update`, in account order), refuses a
 * posting whose entries do not sum to zero or that would take a held balance below zero (saying
 * how much is left), numbers the transaction, writes it with its entries and the new balances, and
 * records it on the audit trail. The database holds the same rules at commit (the entries' sum, by a
 * deferred constraint trigger; the balances' check), as a last line.
 *
 * `idempotent` wraps a money-moving request: its key is claimed in the same transaction, so the
 * same key and the same request answer what they answered the first time without posting again,
 * and the same key with another request is refused (409).
 */
import canonicalize from "canonicalize";
import type { Db, Trx } from "../../db/database.ts";
import { ConflictError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { londonDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { sha256 } from "../../lib/secrets.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./budgets.repository.ts";
import type { Account, BudgetEntry, BudgetTransaction, TransactionKind } from "./budgets.table.ts";

export interface Movement {
  account: Account;
  amount: bigint;
}

export interface Posting {
  kind: TransactionKind;
  /** One transaction per key (the request's, or the schedule's for a period). */
  key: string;
  entries: readonly Movement[];
  period?: { index: number; startsOn: string; endsOn: string };
  invoiceId?: string;
  surplusId?: string;
  description?: string;
  /** Someone acting for the person (care's `actingFor`): recorded on the audit trail. */
  actingFor?: { person: { ref: string }; as: string };
}

/** A transaction as the API and the stored answers of keyed requests show it: pence as digits. */
export interface TransactionView {
  id: string;
  seq: number;
  kind: TransactionKind;
  postedOn: string;
  postedAt: string;
  description: string;
  period: { index: number; startsOn: string; endsOn: string } | null;
  invoiceId: string | null;
  surplusId: string | null;
  entries: { account: string; amountPence: string }[];
}

export function transactionView(t: BudgetTransaction, entries: readonly BudgetEntry[]): TransactionView {
  return {
    id: t.id,
    seq: t.seq,
    kind: t.kind,
    postedOn: t.posted_on,
    postedAt: t.posted_at.toISOString(),
    description: t.description,
    period:
      t.period_index !== null && t.period_starts_on && t.period_ends_on
        ? { index: t.period_index, startsOn: t.period_starts_on, endsOn: t.period_ends_on }
        : null,
    invoiceId: t.invoice_id,
    surplusId: t.surplus_id,
    entries: entries
      .filter((e) => e.transaction_id === t.id)
      .map((e) => ({ account: e.account, amountPence: e.amount_pence.toString() })),
  };
}

/** The person acting, for the ledger's "by" columns: null for the system. */
export function userIn(ctx: Ctx): string | null {
  const actor = actorIn(ctx);
  return (actor.type === "user" || actor.type === "token") && actor.id ? actor.id : null;
}

/** What a held account is called in a message. */
export function accountName(account: string): string {
  if (account === "direct-payment") return msg`the direct payment`;
  if (account === "managed") return msg`the managed account`;
  return account;
}

/** The refusal of a payment that would overdraw an account: how much, what it would leave, what is left. */
export function overdraftError(account: string, paying: bigint, balance: bigint): ConflictError {
  const message = msg`Paying ${formatMoney(paying as Pence)} would leave ${formatMoney((balance - paying) as Pence)} in ${accountName(account)}; ${formatMoney(balance as Pence)} is left. Pay no more than what is left.`;
  // About the amount: a form shows it beside the field.
  return Object.assign(new ConflictError(message, "insufficient_funds"), {
    details: [{ field: "amount", message }],
  });
}

/**
 * Posts one transaction in the caller's transaction (see above). Accounts the ledger has not used
 * yet are opened at nought. Returns the transaction as posted.
 */
export async function postTransaction(
  trx: Trx,
  ctx: Ctx,
  authorityId: string,
  planId: string,
  posting: Posting,
): Promise<TransactionView> {
  if (posting.entries.length < 2) throw new RangeError("A transaction has two entries or more");
  if (posting.entries.some((e) => e.amount === 0n)) throw new RangeError("An entry moves some money");
  const total = posting.entries.reduce((sum, e) => sum + e.amount, 0n);
  if (total !== 0n) throw new RangeError(`A transaction's entries sum to zero, not ${total}`);
  const ledger = await repo.lockLedger(trx, authorityId, planId);
  if (!ledger) throw new RangeError("No ledger for this plan");
  const accounts = [...new Set(posting.entries.map((e) => e.account))].sort();
  await repo.ensureBalances(trx, authorityId, planId, accounts);
  const locked = await repo.lockBalances(trx, authorityId, planId, accounts);
  const next = new Map(locked.map((b) => [b.account, b.balance_pence]));
  for (const e of posting.entries) next.set(e.account, (next.get(e.account) ?? 0n) + e.amount);
  for (const b of locked) {
    const after = next.get(b.account) ?? 0n;
    if (b.account !== "funding" && after < 0n)
      throw overdraftError(b.account, b.balance_pence - after, b.balance_pence);
  }
  const now = ctx.clock.now();
  const actor = actorIn(ctx);
  const seq = ledger.last_seq + 1;
  const txn = await repo.insertTransaction(
    trx,
    {
      authority_id: authorityId,
      id: newId(),
      plan_id: planId,
      seq,
      kind: posting.kind,
      idempotency_key: posting.key,
      period_index: posting.period?.index ?? null,
      period_starts_on: posting.period?.startsOn ?? null,
      period_ends_on: posting.period?.endsOn ?? null,
      invoice_id: posting.invoiceId ?? null,
      surplus_id: posting.surplusId ?? null,
      description: posting.description ?? "",
      posted_on: londonDate(now),
      posted_at: now,
      posted_by: userIn(ctx),
    },
    posting.entries,
  );
  await repo.updateLedger(trx, authorityId, planId, { last_seq: seq });
  for (const b of locked) {
    const after = next.get(b.account) ?? 0n;
    if (after !== b.balance_pence) await repo.setBalance(trx, authorityId, planId, b.account, after);
  }
  await recordAudit(trx, ctx.clock, {
    authorityId,
    actor,
    action: `budget.${posting.kind}`,
    entity: { type: "budget-transaction", id: txn.id },
    changes: {
      planId,
      seq,
      entries: posting.entries.map((e) => ({ account: e.account, amountPence: e.amount.toString() })),
      ...(posting.invoiceId ? { invoiceId: posting.invoiceId } : {}),
      ...(posting.period ? { period: posting.period.index } : {}),
      ...(posting.actingFor ? { actingFor: posting.actingFor } : {}),
    },
    requestId: null,
  });
  const entries: BudgetEntry[] = posting.entries.map((e, i) => ({
    authority_id: authorityId,
    transaction_id: txn.id,
    line: i + 1,
    plan_id: planId,
    account: e.account,
    amount_pence: e.amount,
  }));
  return transactionView(txn, entries);
}

/** What a key may be: 8 to 100 letters, digits, "-" and "_" (a UUID is one). */
const KEY = /^[A-Za-z0-9_-]{8,100}$/;

export function checkKey(key: string | undefined): string {
  if (key === undefined || !KEY.test(key)) {
    const message = msg`Send an Idempotency-Key of 8 to 100 letters, digits, hyphens or underscores (a new UUID for each new request).`;
    throw new ValidationError(message, [{ field: "Idempotency-Key", message }], "idempotency_key_missing");
  }
  return key;
}

/** A request's fingerprint: what it asks, of which budget (canonical JSON, hashed). */
export function requestHash(action: string, planId: string, request: unknown): string {
  return sha256(canonicalize({ action, planId, request }) ?? "");
}

/**
 * Runs `work` once per key, in the caller's transaction: the first request with a key does the
 * work and its answer is kept with the key; the same request again gets that answer (`replayed`),
 * and a different request with the same key is refused with 409. A refused request (its transaction
 * rolled back) keeps nothing: the key may be used again.
 */
export async function idempotent<T>(
  trx: Db,
  ctx: Ctx,
  at: { authorityId: string; planId: string; key: string; action: string; request: unknown },
  work: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const key = checkKey(at.key);
  const hash = requestHash(at.action, at.planId, at.request);
  // One keyed action on a budget at a time, the ledger locked first: every action takes its locks
  // in the same order (ledger, then invoice or surplus, then balances), so none waits on another.
  await repo.lockLedger(trx, at.authorityId, at.planId);
  const claimed = await repo.claimRequest(trx, {
    authority_id: at.authorityId,
    key,
    plan_id: at.planId,
    action: at.action,
    request_hash: hash,
    user_id: ctx.principal?.userId ?? null,
    created_at: ctx.clock.now(),
  });
  if (!claimed) {
    const existing = await repo.findRequest(trx, at.authorityId, key);
    if (!existing || existing.request_hash !== hash || existing.plan_id !== at.planId) {
      throw new ConflictError(
        msg`This Idempotency-Key was used for a different request. Send a new key with a new request.`,
        "idempotency_key_reused",
      );
    }
    const result = typeof existing.result === "string" ? JSON.parse(existing.result) : existing.result;
    return { result: result as T, replayed: true };
  }
  const result = await work();
  await repo.settleRequest(trx, at.authorityId, key, result);
  return { result, replayed: false };
}
