/**
 * The community budget's ledger (pure): a spend split pro rata to contributions at its edges, and —
 * over random sequences of contributions and spends — the journals always sum to zero, no partner's
 * balance goes below zero, each partner's spent and balance add up to what it contributed, and the
 * pool's cash is the sum of the balances.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Pence } from "../../lib/money.ts";
import {
  allocateSpend,
  cashOf,
  contributionJournal,
  type Line,
  planSpend,
  positionsOf,
  spendJournal,
} from "./ledger.ts";

const p = (n: number) => BigInt(n) as Pence;

describe("a spend split across the partners", () => {
  it("splits pro rata to what each put in, in whole pence", () => {
    expect(allocateSpend(p(1000), [p(30000), p(10000)])).toEqual([750n, 250n]);
  });

  it("gives the pence left over to the largest remainders, the earlier partner first on a tie", () => {
    // £1.00 across three equal partners: 33.33p each, one penny over, to the first.
    expect(allocateSpend(p(100), [p(500), p(500), p(500)])).toEqual([34n, 33n, 33n]);
    // 10p across 1:2:4 — exact 1.43, 2.86, 5.71: floors 1, 2, 5; the remainders .86 and .71 win a penny each.
    expect(allocateSpend(p(10), [p(1), p(2), p(4)])).toEqual([1n, 3n, 6n]);
  });

  it("gives a partner that has put nothing in nothing, even a penny left over", () => {
    expect(allocateSpend(p(1), [p(0), p(3), p(0), p(3)])).toEqual([0n, 1n, 0n, 0n]);
    expect(allocateSpend(p(999), [p(0), p(1)])).toEqual([0n, 999n]);
  });

  it("cannot split when nobody has put anything in", () => {
    expect(allocateSpend(p(100), [p(0), p(0)])).toBeNull();
    expect(allocateSpend(p(100), [])).toBeNull();
  });

  it("refuses a spend more than the pool holds, or than a partner's balance, naming the shortfall", () => {
    const positions = [
      { partnerId: "a", contributed: 1000n, spent: 900n, balance: 100n },
      { partnerId: "b", contributed: 1000n, spent: 0n, balance: 1000n },
    ];
    // 400 splits 200/200: a has only 100 left.
    expect(planSpend(positions, p(400))).toEqual({
      ok: false,
      poolShort: 0n,
      partnersShort: [{ partnerId: "a", short: 100n }],
    });
    expect(planSpend(positions, p(1200))).toMatchObject({ ok: false, poolShort: 100n });
    expect(planSpend(positions, p(200))).toEqual({
      ok: true,
      parts: [
        { partnerId: "a", amount: 100n },
        { partnerId: "b", amount: 100n },
      ],
    });
  });
});

describe("the ledger always balances", () => {
  const partners = ["a", "b", "c", "d"];
  const step = fc.oneof(
    fc.record({
      kind: fc.constant("contribution" as const),
      partner: fc.integer({ min: 0, max: 3 }),
      amount: fc.bigInt({ min: 1n, max: 10_000_000n }),
    }),
    fc.record({ kind: fc.constant("spend" as const), amount: fc.bigInt({ min: 1n, max: 10_000_000n }) }),
  );

  it("over any sequence of contributions and spends", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const lines: Line[] = [];
        const contributed = new Map<string, bigint>(partners.map((x) => [x, 0n]));
        let spentInAll = 0n;
        for (const s of steps) {
          let journal: Line[];
          if (s.kind === "contribution") {
            const partner = partners[s.partner] as string;
            journal = contributionJournal(partner, s.amount as Pence);
            contributed.set(partner, (contributed.get(partner) ?? 0n) + s.amount);
          } else {
            const plan = planSpend(positionsOf(partners, lines), s.amount as Pence);
            if (!plan.ok) continue;
            journal = spendJournal(plan.parts);
            spentInAll += s.amount;
          }
          expect(journal.reduce((sum, l) => sum + l.amount, 0n)).toBe(0n);
          lines.push(...journal);
        }
        const positions = positionsOf(partners, lines);
        expect(lines.reduce((sum, l) => sum + l.amount, 0n)).toBe(0n);
        for (const x of positions) {
          expect(x.balance).toBeGreaterThanOrEqual(0n);
          expect(x.spent + x.balance).toBe(contributed.get(x.partnerId));
        }
        expect(positions.reduce((sum, x) => sum + x.spent, 0n)).toBe(spentInAll);
        expect(cashOf(lines)).toBe(positions.reduce((sum, x) => sum + x.balance, 0n));
      }),
      { numRuns: 200 },
    );
  });
});
