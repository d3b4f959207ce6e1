/**
 * The ledger survives a crash: the real server (on the embedded database, in its worker thread)
 * takes a stream of payments out of a personal budget through the API, each with its idempotency
 * key, and is killed (SIGKILL) in the middle of it; started again on the same data directory, every
 * key is sent again with its request. The ledger is then whole: one transaction per key (none
 * posted twice, none lost), each summing to zero with its entries, the balances the sums of their
 * entries, nothing below zero, and every answer given before the crash given again the same.
 * Costs two server starts on a prepared, seeded data directory (about 4 s each here: most of the
 * file's time), with the schedule's job runner idle and the OCDS catch-up off, so that only the
 * payments run.
 */
import fs from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { randomToken, sha256 } from "../../src/lib/secrets.ts";
import {
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
  SESSION_IDLE_MS,
} from "../../src/modules/accounts/accounts.service.ts";
import { openLedger } from "../../src/modules/budgets/budgets.service.ts";
import { insertCarePlan } from "../../src/modules/budgets/budgets.test-fixtures.ts";
import { payDuePeriods } from "../../src/modules/budgets/payments.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { createUser } from "../support/auth.ts";
import { ctxFor, principalOf } from "../support/principals.ts";
import { exited, freePort, startServer, waitForOutput } from "../support/spawn.ts";
import { createTestDataDir, DEMO_SEEDED_AT } from "../support/test-db.ts";

const COUNTY = DEMO_AUTHORITY.county;
const PAYMENTS = 30;
let dataDir: string;
let planId: string;
let cookie: string;
let server: ReturnType<typeof startServer> | undefined;

async function start(): Promise<string> {
  const port = await freePort();
  server = startServer({
    PORT: String(port),
    OPENPS_DATA_DIR: dataDir,
    OPENPS_JOBS_POLL_MS: "600000",
    OPENPS_OCDS_PUBLISH_AT_START: "false",
  });
  await waitForOutput(server, "OpenPS is running at", 60_000);
  return `http://127.0.0.1:${port}/api/v1/authorities/${COUNTY}/budgets/${planId}/payments-out`;
}

function pay(url: string, i: number): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "idempotency-key": `kill-test-key-${i}` },
    body: JSON.stringify({ amount: `${i + 1}.00`, description: `Payment ${i}` }),
  });
}

beforeAll(async () => {
  dataDir = await createTestDataDir({ seededAt: DEMO_SEEDED_AT });
  const handle = await openDatabase({ dataDir, lock: false });
  try {
    const { db } = handle;
    planId = await insertCarePlan(db, {
      authorityId: COUNTY,
      parts: [{ delivery: "direct-payment", amountPence: 100_000n }],
      startedOn: "2026-10-01",
    });
    const user = await createUser(db, { grants: [{ role: "care-staff", scopeId: COUNTY }] });
    const clock = systemClock;
    await openLedger(ctxFor(db, clock, await principalOf(db, user.id)), COUNTY, {
      planId,
      cadence: "four-weekly",
    });
    await payDuePeriods(db, clock, COUNTY, planId);
    const token = randomToken();
    const now = clock.now();
    await db
      .insertInto("sessions")
      .values({
        id: sha256(token),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        idle_expires_at: new Date(now.getTime() + SESSION_IDLE_MS),
        absolute_expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
        two_factor: true,
        user_agent: "test",
      })
      .execute();
    cookie = `${SESSION_COOKIE}=${token}`;
  } finally {
    await handle.close();
  }
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGKILL");
    await exited(server);
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("a server killed in the middle of payments", { timeout: 120_000 }, () => {
  it("leaves the ledger whole, and every key retried posts once", async () => {
    let url = await start();
    const before = new Map<number, { id: string }>();
    // A stream of payments, four in flight at a time; the server is killed after the tenth answer.
    let sent = 0;
    let answered = 0;
    const killed = new Promise<void>((resolve) => {
      const worker = async () => {
        while (sent < PAYMENTS && server?.exitCode === null) {
          const i = sent++;
          try {
            const response = await pay(url, i);
            if (response.status === 201) before.set(i, (await response.json()).transaction);
            if (++answered === 10) {
              server?.kill("SIGKILL");
              resolve();
            }
          } catch {
            // The server died under this request: it may or may not have committed.
          }
        }
        resolve();
      };
      for (let w = 0; w < 4; w++) void worker();
    });
    await killed;
    if (server) await exited(server);
    expect(before.size).toBeGreaterThanOrEqual(5);
    expect(before.size).toBeLessThan(PAYMENTS);

    url = await start();
    for (let i = 0; i < PAYMENTS; i++) {
      const response = await pay(url, i);
      expect(response.status).toBe(201);
      const { transaction } = await response.json();
      const earlier = before.get(i);
      if (earlier) {
        expect(response.headers.get("idempotent-replayed")).toBe("true");
        expect(transaction.id).toBe(earlier.id);
      }
    }
    server?.kill("SIGTERM");
    if (server) await exited(server);

    const handle = await openDatabase({ dataDir, lock: false });
    try {
      const { db } = handle;
      const where = sql`authority_id = ${COUNTY} and plan_id = ${planId}`;
      const one = async (query: ReturnType<typeof sql<{ n: bigint }>>) =>
        (await query.execute(db)).rows[0]?.n;
      // One payment out per key: none posted twice, none lost.
      expect(
        await one(sql`select count(*) as n from budget_transactions where ${where} and kind = 'payment-out'`),
      ).toBe(BigInt(PAYMENTS));
      expect(
        await one(
          sql`select count(distinct idempotency_key) as n from budget_transactions where ${where} and kind = 'payment-out'`,
        ),
      ).toBe(BigInt(PAYMENTS));
      // No half-written transaction: each has its two entries, summing to zero; the whole ledger too.
      expect(
        await one(sql`select count(*) as n from budget_transactions t where ${where} and
          (select count(*) from budget_entries e where e.authority_id = t.authority_id and e.transaction_id = t.id) < 2`),
      ).toBe(0n);
      expect(
        await one(sql`select count(*) as n from (select transaction_id from budget_entries where ${where}
          group by transaction_id having sum(amount_pence) <> 0) u`),
      ).toBe(0n);
      expect(
        await one(sql`select coalesce(sum(amount_pence), 0)::bigint as n from budget_entries where ${where}`),
      ).toBe(0n);
      // Each balance the sum of its entries; none but the funding below zero; paid out exactly.
      const mismatched = await one(sql`
        select count(*) as n from budget_balances b where b.authority_id = ${COUNTY} and b.plan_id = ${planId}
          and b.balance_pence <> (select coalesce(sum(e.amount_pence), 0) from budget_entries e
            where e.authority_id = b.authority_id and e.plan_id = b.plan_id and e.account = b.account)`);
      expect(mismatched).toBe(0n);
      expect(
        await one(
          sql`select count(*) as n from budget_balances where ${where} and account <> 'funding' and balance_pence < 0`,
        ),
      ).toBe(0n);
      const spent = await one(
        sql`select balance_pence as n from budget_balances where ${where} and account = 'direct-spend'`,
      );
      expect(spent).toBe(BigInt(((PAYMENTS * (PAYMENTS + 1)) / 2) * 100));
    } finally {
      await handle.close();
    }
  });
});
