/**
 * The community budget's double-entry ledger, in whole pence (docs/community-budgets.md): pure
 * functions, no database. Every contribution and every spend is a journal of lines that sum to zero;
 * a line's amount is a debit when positive and a credit when negative. The accounts:
 *
 * - `cash` — the pool's money held (a debit balance: what is left to spend);
 * - `share` of a partner — what the partner has put in (a credit balance);
 * - `spent` of a partner — the partner's part of every spend (a debit balance).
 *
 * A contribution of P by partner X: debit cash P, credit X's share P. A spend of S allocated a₁…aₙ
 * across the partners: debit each partner's spent by aᵢ, credit cash S (Σaᵢ = S). A partner's
 * balance is its share less its spent; because every journal sums to zero, the cash always equals the
 * sum of the partners' balances.
 */
import { allocatePence, type Pence } from "../../lib/money.ts";

export const ACCOUNTS = ["cash", "share", "spent"] as const;
export type Account = (typeof ACCOUNTS)[number];

export interface Line {
  account: Account;
  /** The partner authority of a `share` or `spent` line; null on `cash`. */
  partnerId: string | null;
  /** Pence: positive a debit, negative a credit. */
  amount: bigint;
}

/** A contribution's journal: the pool's cash up, the partner's share credited. */
export function contributionJournal(partnerId: string, amount: Pence): Line[] {
  return [
    { account: "cash", partnerId: null, amount },
    { account: "share", partnerId, amount: -amount },
  ];
}

/** A spend's journal: each partner's part debited to its spent, the whole credited to cash. */
export function spendJournal(parts: readonly { partnerId: string; amount: bigint }[]): Line[] {
  const total = parts.reduce((sum, p) => sum + p.amount, 0n);
  return [
    ...parts
      .filter((p) => p.amount !== 0n)
      .map((p) => ({ account: "spent" as const, partnerId: p.partnerId, amount: p.amount })),
    { account: "cash", partnerId: null, amount: -total },
  ];
}

export interface Position {
  partnerId: string;
  contributed: bigint;
  spent: bigint;
  /** Contributed less spent: what is left of the partner's money in the pool. */
  balance: bigint;
}

/** Each partner's position from the lines (partners in the order given; others ignored). */
export function positionsOf(partnerIds: readonly string[], lines: readonly Line[]): Position[] {
  return partnerIds.map((partnerId) => {
    let contributed = 0n;
    let spent = 0n;
    for (const l of lines) {
      if (l.partnerId !== partnerId) continue;
      if (l.account === "share") contributed -= l.amount;
      else if (l.account === "spent") spent += l.amount;
    }
    return { partnerId, contributed, spent, balance: contributed - spent };
  });
}

/** The pool's cash: the sum of its cash lines. */
export function cashOf(lines: readonly Line[]): bigint {
  return lines.reduce((sum, l) => (l.account === "cash" ? sum + l.amount : sum), 0n);
}

/**
 * A spend split across the partners pro rata to what each has contributed, in whole pence, the
 * pence left over going by the largest remainder (the earlier partner first on a tie:
 * `allocatePence`). A partner that has put nothing in gets nothing. Null when nobody has put
 * anything in.
 */
export function allocateSpend(amount: Pence, contributed: readonly bigint[]): Pence[] | null {
  if (contributed.some((c) => c < 0n)) throw new RangeError("A contribution cannot be negative");
  if (!contributed.some((c) => c > 0n)) return null;
  return allocatePence(amount, contributed);
}

/** A spend planned: its parts, or why it cannot be made (what is short, and of whom). */
export type SpendPlan =
  | { ok: true; parts: { partnerId: string; amount: Pence }[] }
  | { ok: false; poolShort: bigint; partnersShort: { partnerId: string; short: bigint }[] };

/**
 * Plans a spend against the positions now: refused when the pool's cash is short, or when a
 * partner's part would be more than its balance (naming each partner and by how much).
 */
export function planSpend(positions: readonly Position[], amount: Pence): SpendPlan {
  const cash = positions.reduce((sum, p) => sum + p.balance, 0n);
  const parts = allocateSpend(
    amount,
    positions.map((p) => p.contributed),
  );
  if (!parts) return { ok: false, poolShort: amount - cash, partnersShort: [] };
  const partnersShort = positions
    .map((p, i) => ({ partnerId: p.partnerId, short: (parts[i] ?? 0n) - p.balance }))
    .filter((s) => s.short > 0n);
  if (amount > cash || partnersShort.length > 0)
    return { ok: false, poolShort: amount > cash ? amount - cash : 0n, partnersShort };
  return {
    ok: true,
    parts: positions.map((p, i) => ({ partnerId: p.partnerId, amount: parts[i] as Pence })),
  };
}
