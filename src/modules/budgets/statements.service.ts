/**
 * Statements: a budget's transactions over a period (its days, at most a year), each with what it
 * moved into or out of the balance held for the person (the direct payment and the managed account
 * together) and the running balance after it, from the opening balance (what was held at the start
 * of the first day) to the closing. As a page and as CSV (src/lib/csv.ts).
 *
 * And the person's ledger (`personLedger`): the budget's transactions newest first, a page at a time
 * by key, each with what it paid in or out of the held balance and the balance after it; the balance
 * now and what the invoices waiting to be paid commit of it. For the same readers as statements.
 */

import { sql } from "kysely";
import { transaction } from "../../db/transaction.ts";
import { csvHeader, csvRows } from "../../lib/csv.ts";
import { ValidationError } from "../../lib/errors.ts";
import { addDays, addMonths, isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Ctx } from "../access/context.ts";
import type { PersonAccess } from "../care/care.service.ts";
import * as repo from "./budgets.repository.ts";
import { type Budget, findBudget } from "./budgets.service.ts";
import { HELD_ACCOUNTS, type TransactionKind } from "./budgets.table.ts";
import { requireSeeStatement } from "./permissions.ts";
import { transactionsByKey } from "./transactions-page.ts";

export interface StatementLine {
  seq: number;
  postedOn: string;
  kind: TransactionKind;
  description: string;
  /** What it paid into the held balance (positive) or out of it (negative). */
  change: bigint;
  balance: bigint;
}

export interface Statement extends Budget {
  /** How the person is acted for when they or a representative ask; null for the budget's keepers. */
  access: PersonAccess | null;
  from: string;
  to: string;
  opening: bigint;
  closing: bigint;
  moneyIn: bigint;
  moneyOut: bigint;
  lines: StatementLine[];
}

/** A statement's period from what was asked: the last month to today when nothing is. */
export function statementPeriod(
  clock: Ctx["clock"],
  from?: string,
  to?: string,
): { from: string; to: string } {
  const today = londonToday(clock);
  const end = to || today;
  const start = from || addDays(addMonths(end, -1), 1);
  const errors = [];
  if (!isIsoDate(start))
    errors.push({ field: "from", message: msg`Enter the statement's first day as a real date` });
  if (!isIsoDate(end))
    errors.push({ field: "to", message: msg`Enter the statement's last day as a real date` });
  if (errors.length === 0 && end < start)
    errors.push({ field: "to", message: msg`The statement's last day must be on or after its first` });
  if (errors.length === 0 && addMonths(start, 12) <= end)
    errors.push({ field: "to", message: msg`A statement covers a year at most: ask for a shorter period` });
  if (errors.length > 0) throw new ValidationError(msg`Check the statement's period`, errors);
  return { from: start, to: end };
}

export async function statement(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  asked: { from?: string; to?: string },
): Promise<Statement> {
  const found = await findBudget(ctx.db, authorityId, planId);
  const access = await requireSeeStatement(ctx, found.budget);
  const { from, to } = statementPeriod(ctx.clock, asked.from, asked.to);
  const opening = await repo.heldBefore(ctx.db, authorityId, planId, from);
  const rows = await repo.statementRows(ctx.db, authorityId, planId, from, to);
  let balance = opening;
  let moneyIn = 0n;
  let moneyOut = 0n;
  const lines = rows.map((r) => {
    const change = BigInt(r.held_change ?? 0);
    balance += change;
    if (change > 0n) moneyIn += change;
    else moneyOut -= change;
    return { seq: r.seq, postedOn: r.posted_on, kind: r.kind, description: r.description, change, balance };
  });
  return { ...found, access, from, to, opening, closing: balance, moneyIn, moneyOut, lines };
}

export const STATEMENT_COLUMNS = [
  "date",
  "number",
  "kind",
  "description",
  "in_pence",
  "out_pence",
  "balance_pence",
];

/** The statement as CSV: a row for the opening balance, one per transaction, one for the closing. */
export function statementCsv(s: Statement): string {
  const rows = [
    {
      date: s.from,
      number: "",
      kind: "opening-balance",
      description: "",
      in_pence: "",
      out_pence: "",
      balance_pence: s.opening,
    },
    ...s.lines.map((l) => ({
      date: l.postedOn,
      number: l.seq,
      kind: l.kind,
      description: l.description,
      in_pence: l.change > 0n ? l.change : "",
      out_pence: l.change < 0n ? -l.change : "",
      balance_pence: l.balance,
    })),
    {
      date: s.to,
      number: "",
      kind: "closing-balance",
      description: "",
      in_pence: "",
      out_pence: "",
      balance_pence: s.closing,
    },
  ];
  return csvHeader(STATEMENT_COLUMNS) + csvRows(rows, STATEMENT_COLUMNS);
}

const isHeld = (account: string) => (HELD_ACCOUNTS as readonly string[]).includes(account);

export interface PersonLedger extends Budget {
  /** How the person is acted for when they or a representative ask; null for the budget's keepers. */
  access: PersonAccess | null;
  /** What is held now, by held account, and together. */
  parts: { account: string; balance: bigint }[];
  held: bigint;
  /** What the invoices waiting to be paid ask, together; and what is left once they are. */
  committed: bigint;
  available: bigint;
  /** This page of transactions, newest first, each with the held balance after it. */
  lines: StatementLine[];
  next: string | null;
  previous: string | null;
}

/**
 * The person's ledger: the balance now, what is committed, and a page of transactions newest first
 * with the balance after each (the held balance after the page's newest, then back through the page).
 */
export async function personLedger(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  page: { after?: string | undefined; before?: string | undefined; pageSize?: number | undefined },
): Promise<PersonLedger> {
  const found = await findBudget(ctx.db, authorityId, planId);
  const access = await requireSeeStatement(ctx, found.budget);
  // One snapshot for the five reads: the page, the balances, what is committed and the balance
  // through the page agree even while a payment posts meanwhile.
  const { rows, entries, next, previous, balances, committed, newestHeld } = await transaction(
    ctx.db,
    async (trx) => {
      await sql`set transaction isolation level repeatable read, read only`.execute(trx);
      const ledgerPage = await transactionsByKey(trx, authorityId, planId, page);
      const newest = ledgerPage.rows[0];
      return {
        ...ledgerPage,
        balances: (await repo.balances(trx, authorityId, planId)).filter((b) => isHeld(b.account)),
        committed: await repo.waitingInvoicesPence(trx, authorityId, planId),
        newestHeld: newest ? await repo.heldThrough(trx, authorityId, planId, newest.seq) : undefined,
      };
    },
  );
  const held = balances.reduce((s, b) => s + b.balance_pence, 0n);
  let balance = newestHeld ?? held;
  const lines = rows.map((r) => {
    const change = entries
      .filter((e) => e.transaction_id === r.id && isHeld(e.account))
      .reduce((s, e) => s + e.amount_pence, 0n);
    const line = {
      seq: r.seq,
      postedOn: r.posted_on,
      kind: r.kind,
      description: r.description,
      change,
      balance,
    };
    balance -= change;
    return line;
  });
  return {
    ...found,
    access,
    parts: balances.map((b) => ({ account: b.account, balance: b.balance_pence })),
    held,
    committed,
    available: held - committed,
    lines,
    next,
    previous,
  };
}
