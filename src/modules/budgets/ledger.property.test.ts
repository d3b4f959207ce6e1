/**
 * The ledger's properties, over random sequences of payments in (the schedule, at random days),
 * invoices approved, payments out of the direct payment, surplus recovered or waived, and retried
 * keys (the same request again, or another request with a used key), on one seeded app: after each
 * sequence every transaction sums to zero, the ledger as a whole balances, no held or paid account
 * is below zero, a retried key never posts twice (one transaction per successful posting), each
 * balance equals the sum of its entries, and what is held is what a plain model of the sequence
 * says. Sized to a few seconds.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser } from "../../../tests/support/auth.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { fixedClock } from "../../lib/clock.ts";
import { addDays } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/users.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./budgets.repository.ts";
import { openLedger } from "./budgets.service.ts";
import { insertCarePlan } from "./budgets.test-fixtures.ts";
import {
  approveInvoice,
  payDuePeriods,
  recordInvoice,
  recordPaymentOut,
  rejectInvoice,
} from "./payments.service.ts";
import { periodPence } from "./schedule.ts";
import { recoverSurplus, waiveSurplus } from "./surplus.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const START = "2026-01-05";
let t: TestApp;
let staff: string;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  staff = (await createUser(t.deps.db, { grants: [{ role: "care-staff", scopeId: COUNTY }] })).id;
});
afterAll(async () => {
  await t?.close();
});

type Command =
  | { kind: "days"; days: number }
  | { kind: "invoice"; pounds: number }
  | { kind: "out"; pounds: number }
  | { kind: "recover" }
  | { kind: "waive" }
  | { kind: "retry"; back: number }
  | { kind: "reuse"; back: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("days" as const), days: fc.integer({ min: 1, max: 70 }) }),
  fc.record({ kind: fc.constant("invoice" as const), pounds: fc.integer({ min: 1, max: 900 }) }),
  fc.record({ kind: fc.constant("out" as const), pounds: fc.integer({ min: 1, max: 900 }) }),
  fc.record({ kind: fc.constant("recover" as const) }),
  fc.record({ kind: fc.constant("waive" as const) }),
  fc.record({ kind: fc.constant("retry" as const), back: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("reuse" as const), back: fc.integer({ min: 0, max: 5 }) }),
);

async function scalar(query: ReturnType<typeof sql<{ n: string }>>): Promise<bigint> {
  const { rows } = await query.execute(t.deps.db);
  return BigInt(rows[0]?.n ?? 0);
}

describe("the ledger of a personal budget", () => {
  it("balances, never overdraws and posts each key once, whatever happens", async () => {
    const principal = await principalOf(t.deps.db, staff);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 10 }), async (commands) => {
        run++;
        const planId = await insertCarePlan(t.deps.db, {
          authorityId: COUNTY,
          parts: [
            { delivery: "direct-payment", amountPence: 20_000n },
            { delivery: "managed-by-authority", amountPence: 15_000n },
          ],
          per: "week",
          surplusLevelPence: 50_000n,
          startedOn: START,
        });
        let day = START;
        const ctx = (): Ctx => ctxFor(t.deps.db, fixedClock(new Date(`${day}T12:00:00Z`)), principal);
        await openLedger(ctx(), COUNTY, { planId, cadence: "monthly", firstPeriodOn: START });
        // A plain model: what each held account has, and how many transactions were posted.
        let dp = 0n;
        let managed = 0n;
        let posted = 0;
        let periodsPaid = 0;
        const done: {
          key: string;
          replay: () => Promise<{ replayed: boolean }>;
          other: () => Promise<unknown>;
        }[] = [];
        const payIn = async () => {
          const { paid } = await payDuePeriods(t.deps.db, ctx().clock, COUNTY, planId);
          for (let k = periodsPaid; k < periodsPaid + paid; k++) {
            dp += periodPence(20_000n * 52n, "monthly", k);
            managed += periodPence(15_000n * 52n, "monthly", k);
          }
          periodsPaid += paid;
          posted += paid;
          // A payment in that leaves the direct payment above the agreed level flags the surplus.
          const surplus = await repo.openSurplus(t.deps.db, COUNTY, planId);
          if (paid > 0 && dp > 50_000n && !surplus)
            throw new Error("A surplus above the level was not flagged");
        };
        await payIn();
        for (const c of commands) {
          const key = `k${run}-${done.length}-${Math.random().toString(36).slice(2, 10)}`;
          if (c.kind === "days") {
            day = addDays(day, c.days);
            await payIn();
          } else if (c.kind === "invoice") {
            const amount = BigInt(c.pounds) * 100n;
            const input = {
              organisationId: DEMO_ORGANISATION,
              periodStartsOn: day,
              periodEndsOn: day,
              amount: `£${c.pounds}.00`,
              reference: key,
            };
            const recorded = await recordInvoice(ctx(), COUNTY, planId, key, input);
            const invoiceId = recorded.result.invoice?.id as string;
            done.push({
              key,
              replay: () => recordInvoice(ctx(), COUNTY, planId, key, input),
              // Another request under the same key: another amount (a £1 invoice's "£1.00" would be the same request, replayed).
              other: () =>
                recordInvoice(ctx(), COUNTY, planId, key, { ...input, amount: `£${c.pounds + 1}.00` }),
            });
            const payKey = `${key}-pay`;
            if (amount > managed) {
              const error = await refused(approveInvoice(ctx(), COUNTY, planId, invoiceId, payKey));
              expect(error.code).toBe("insufficient_funds");
            } else {
              await approveInvoice(ctx(), COUNTY, planId, invoiceId, payKey);
              managed -= amount;
              posted++;
              done.push({
                key: payKey,
                replay: () => approveInvoice(ctx(), COUNTY, planId, invoiceId, payKey),
                other: () => rejectInvoice(ctx(), COUNTY, planId, invoiceId, payKey, { reason: "Not ours" }),
              });
            }
          } else if (c.kind === "out") {
            const amount = BigInt(c.pounds) * 100n;
            const input = { amount: `${c.pounds}`, description: "A personal assistant's hours" };
            if (amount > dp) {
              const error = await refused(recordPaymentOut(ctx(), COUNTY, planId, key, input));
              expect(error.code).toBe("insufficient_funds");
              expect(error.message).toContain("is left");
            } else {
              await recordPaymentOut(ctx(), COUNTY, planId, key, input);
              dp -= amount;
              posted++;
              done.push({
                key,
                replay: () => recordPaymentOut(ctx(), COUNTY, planId, key, input),
                other: () => recordPaymentOut(ctx(), COUNTY, planId, key, { ...input, amount: "0.01" }),
              });
            }
          } else if (c.kind === "recover" || c.kind === "waive") {
            const surplus = await repo.openSurplus(t.deps.db, COUNTY, planId);
            if (!surplus) {
              const error = await refused(
                c.kind === "recover"
                  ? recoverSurplus(ctx(), COUNTY, planId, key, {})
                  : waiveSurplus(ctx(), COUNTY, planId, key, { reason: "Saving for a holiday" }),
              );
              expect(error.code).toBe("no_surplus");
            } else if (c.kind === "waive") {
              await waiveSurplus(ctx(), COUNTY, planId, key, { reason: "Saving for a holiday" });
            } else if (dp > surplus.level_pence) {
              await recoverSurplus(ctx(), COUNTY, planId, key, {});
              dp = surplus.level_pence;
              posted++;
            } else {
              expect((await refused(recoverSurplus(ctx(), COUNTY, planId, key, {}))).code).toBe("no_excess");
            }
          } else if (done.length > 0) {
            const earlier = done[Math.max(0, done.length - 1 - c.back)] as (typeof done)[number];
            if (c.kind === "retry") expect((await earlier.replay()).replayed).toBe(true);
            else expect((await refused(earlier.other())).code).toBe("idempotency_key_reused");
          }
        }
        const db = t.deps.db;
        const where = sql`authority_id = ${COUNTY} and plan_id = ${planId}`;
        // Every transaction sums to zero.
        const unbalanced = sql<{ n: string }>`
          select count(*) as n from (select transaction_id from budget_entries where ${where}
          group by transaction_id having sum(amount_pence) <> 0) u`;
        expect(await scalar(unbalanced)).toBe(0n);
        // The ledger as a whole balances, and so do its balances.
        expect(
          await scalar(sql`select coalesce(sum(amount_pence), 0) as n from budget_entries where ${where}`),
        ).toBe(0n);
        expect(
          await scalar(sql`select coalesce(sum(balance_pence), 0) as n from budget_balances where ${where}`),
        ).toBe(0n);
        // No account but the funding below zero; each balance the sum of its entries.
        const balances = await repo.balances(db, COUNTY, planId);
        const sums = await sql<{ account: string; n: string }>`
          select account, sum(amount_pence) as n from budget_entries where ${where} group by account`.execute(
          db,
        );
        for (const b of balances) {
          if (b.account !== "funding") expect(b.balance_pence).toBeGreaterThanOrEqual(0n);
          expect(b.balance_pence).toBe(BigInt(sums.rows.find((s) => s.account === b.account)?.n ?? 0));
        }
        // Each key posted once: as many transactions as postings that succeeded, numbered 1…n.
        expect(await scalar(sql`select count(*) as n from budget_transactions where ${where}`)).toBe(
          BigInt(posted),
        );
        expect(
          await scalar(sql`select coalesce(max(seq), 0) as n from budget_transactions where ${where}`),
        ).toBe(BigInt(posted));
        // What is held is what the model says.
        expect(balances.find((b) => b.account === "direct-payment")?.balance_pence ?? 0n).toBe(dp);
        expect(balances.find((b) => b.account === "managed")?.balance_pence ?? 0n).toBe(managed);
      }),
      { numRuns: 15 },
    );
  });

  it("holds its rules in the database too: an unbalanced transaction or an overdraft is refused at commit", async () => {
    const planId = await insertCarePlan(t.deps.db, {
      authorityId: COUNTY,
      parts: [{ delivery: "direct-payment", amountPence: 10_000n }],
    });
    const principal = await principalOf(t.deps.db, staff);
    await openLedger(ctxFor(t.deps.db, fixedClock(new Date("2026-04-01T12:00:00Z")), principal), COUNTY, {
      planId,
      cadence: "four-weekly",
    });
    const txn = (id: string, key: string) => sql`
      insert into budget_transactions (authority_id, id, plan_id, seq, kind, idempotency_key, posted_on, posted_at)
      values (${COUNTY}, ${id}, ${planId}, 1, 'payment-out', ${key}, '2026-04-01', now())`;
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await txn("019a0000-0000-7000-8000-00000000e001", "raw-1").execute(trx);
        await sql`insert into budget_entries values (${COUNTY}, '019a0000-0000-7000-8000-00000000e001', 1, ${planId}, 'funding', -100)`.execute(
          trx,
        );
        await sql`insert into budget_entries values (${COUNTY}, '019a0000-0000-7000-8000-00000000e001', 2, ${planId}, 'direct-payment', 99)`.execute(
          trx,
        );
      }),
    ).rejects.toThrow(/does not balance/);
    await expect(
      sql`update budget_balances set balance_pence = -1 where authority_id = ${COUNTY} and plan_id = ${planId} and account = 'direct-payment'`.execute(
        t.deps.db,
      ),
    ).rejects.toThrow(/budget_balances_no_overdraft/);
  });
});
