/**
 * B4 (bench/results.ts) at a test size: the bench's data and its hand-written baseline are what the
 * benchmark says they are. The engine's run and the one `INSERT … SELECT` make the same claims (count
 * and pence) from the generated participants, a rerun changes nothing, and the baseline, written
 * for the whole tariff, pays each payment group exactly its DOMAIN.md §5 maximum and never more —
 * so the figure `npm run bench` prints compares like with like.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BENCH,
  BENCH_TARIFF,
  baselineClaims,
  createBaselineTable,
  type PaymentRunResult,
  paymentRun,
  summarise,
} from "../../bench/results.ts";
import type { OutcomeModelRow, OutcomeRun } from "../../src/modules/results/results.table.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

describe("B4 payment run bench, at 400 participants", () => {
  let database: TestDatabase;
  let result: PaymentRunResult;

  beforeAll(async () => {
    database = await createTestDatabase();
    result = await paymentRun(database.db, 400);
  });

  afterAll(async () => {
    // The bench's tables dropped: the database's schema is its template's again (used again).
    await sql`drop table if exists bench_claims, bench_b4_made`.execute(database.db);
    await database.destroy();
  });

  it("makes 6 events a participant, and the engine's claims equal the baseline's", async () => {
    expect(result.participants).toBe(400);
    expect(result.events).toBe(2400);
    const events = await database.db
      .selectFrom("outcome_events")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(2400);
    // paymentRun throws when the two differ; here both are read back.
    const engine = await summarise(database.db, "outcome_claims", BENCH.runId);
    const baseline = await summarise(database.db, "bench_claims", BENCH.runId);
    expect(engine).toEqual(baseline);
    expect(engine.valid).toBeGreaterThanOrEqual(400);
  });

  it("a rerun of the run changes no row", () => {
    expect(result.rerunChanged).toBe(0);
  });

  it("the whole tariff by hand pays each group its maximum at most, JSA 18–24 £3,810 and JSA 25+ £4,395", async () => {
    const run = (await database.db
      .selectFrom("outcome_runs")
      .selectAll()
      .where("id", "=", BENCH.runId)
      .executeTakeFirstOrThrow()) as OutcomeRun;
    const model = (await database.db
      .selectFrom("outcome_models")
      .selectAll()
      .executeTakeFirstOrThrow()) as OutcomeModelRow;
    await createBaselineTable(database.db);
    await baselineClaims(database.db, run, model, BENCH_TARIFF, { attachmentOnly: false });
    const rows = await sql<{ payment_group: string; most: string; withdrawn_paid: string }>`
      select p.payment_group, max(c.total)::text as most
      from (select participant_id, sum(amount_pence) as total from bench_claims group by participant_id) c
      join outcome_participants p on p.authority_id = ${BENCH.authorityId}::uuid and p.id = c.participant_id
      group by p.payment_group`.execute(database.db);
    const most = Object.fromEntries(rows.rows.map((r) => [r.payment_group, r.most]));
    expect(most).toEqual(
      Object.fromEntries(
        BENCH_TARIFF.groups.map((g) => [
          g.code,
          String(g.attachment.pence + g.jobOutcome.pence + g.sustainment.pence * g.sustainment.maxPayments),
        ]),
      ),
    );
    expect(most["jsa-18-24"]).toBe("381000");
    expect(most["jsa-25-plus"]).toBe("439500");
    // A withdrawn in-work event pays nothing: no claim rests on one.
    const onWithdrawn = await sql<{ n: string }>`
      select count(*)::text as n from bench_claims c
      where exists (select 1 from outcome_events w where w.authority_id = c.authority_id
        and w.kind = 'withdrawal' and w.withdraws_id = any (c.event_ids))`.execute(database.db);
    expect(onWithdrawn.rows[0]?.n).toBe("0");
  });
});
