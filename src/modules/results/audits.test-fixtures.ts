/**
 * For tests only: an outcome contract with a paid period to audit, written directly as the runs
 * would leave it (the runs and the engine are their own services): a contract for an outcome fund,
 * a model version, participants, one paid run whose valid claims are the population (and refused
 * claims that are not), and a computed run not yet paid. The claims' amounts can be chosen for the
 * claims a seed will draw (sampling.ts `drawSample`), so that a test meets a worked example.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { newId } from "../../lib/ids.ts";
import { type ClaimKey, drawSample } from "./sampling.ts";

export interface PaidPeriodFixture {
  contractId: string;
  runId: string;
  /** Every valid claim of the paid run, with its amount. */
  claims: (ClaimKey & { paidPence: bigint })[];
}

export async function paidPeriod(
  db: Db,
  f: {
    authorityId: string;
    organisationId: string;
    /** The paid run's month, "2027-01"; the next month's run is computed, not paid. */
    period: string;
    participants: number;
    /** Each claim's amount, given the claims the seed draws first (`sampled`) and the rest. */
    amounts: (sampled: number, rest: number) => bigint;
    seed: string;
    sampleSize: number;
  },
): Promise<PaidPeriodFixture> {
  const contractId = newId();
  const runId = newId();
  const now = new Date(`${f.period}-28T12:00:00Z`);
  const periodStart = `${f.period}-01`;
  const [y, m] = f.period.split("-").map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const nextStart = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  const nextEnd = new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
  const participants = Array.from({ length: f.participants }, () => newId());
  const keys: ClaimKey[] = participants.map((participantId) => ({
    participantId,
    rule: "job-outcome",
    metric: "",
    seq: 1,
  }));
  const sampled = new Set(drawSample(keys, f.sampleSize, f.seed).map((k) => k.participantId));
  let s = 0;
  let r = 0;
  const claims = keys.map((k) => ({
    ...k,
    paidPence: sampled.has(k.participantId) ? f.amounts(s++, -1) : f.amounts(-1, r++),
  }));
  const total = claims.reduce((sum, c) => sum + c.paidPence, 0n);
  await transaction(db, async (trx) => {
    await trx
      .insertInto("outcome_contracts")
      .values({
        authority_id: f.authorityId,
        id: contractId,
        contract_id: null,
        organisation_id: f.organisationId,
        reference: `OC-${contractId.slice(-8)}`,
        title: "Employment support outcomes (test)",
        fund: "Test outcomes fund",
        programme: "audit-test",
        starts_on: "2026-04-01",
        ends_on: "2029-03-31",
        created_by: null,
        created_at: now,
      })
      .execute();
    await trx
      .insertInto("outcome_models")
      .values({
        authority_id: f.authorityId,
        contract_id: contractId,
        version: 1,
        kind: "tariff",
        definition: JSON.stringify({ kind: "tariff", groups: [] }),
        effective_from: "2026-04-01",
        created_by: null,
        created_at: now,
      })
      .execute();
    await trx
      .insertInto("outcome_participants")
      .values(
        participants.map((id, i) => ({
          authority_id: f.authorityId,
          id,
          contract_id: contractId,
          programme: "audit-test",
          reference: `AT${String(i).padStart(6, "0")}`,
          payment_group: "jsa-25-plus",
          cohort: null,
          referred_on: "2026-06-01",
          recorded_at: now,
        })),
      )
      .execute();
    const run = (id: string, start: string, end: string, status: "paid" | "computed", pence: bigint) => ({
      authority_id: f.authorityId,
      id,
      contract_id: contractId,
      period_start: start,
      period_end: end,
      status,
      claims_pence: pence,
      claim_count: status === "paid" ? claims.length : 0,
      payment_pence: pence,
      started_by: null,
      started_at: now,
      computed_at: now,
      paid_at: status === "paid" ? now : null,
    });
    await trx
      .insertInto("outcome_runs")
      .values([
        run(runId, periodStart, lastDay, "paid", total),
        run(newId(), nextStart, nextEnd, "computed", 0n),
      ])
      .execute();
    const claim = (c: ClaimKey & { paidPence: bigint }, problems: string[]) => ({
      authority_id: f.authorityId,
      contract_id: contractId,
      run_id: runId,
      participant_id: c.participantId,
      rule: c.rule,
      metric: c.metric,
      seq: c.seq,
      achieved_on: lastDay,
      model_version: 1,
      amount_pence: c.paidPence,
      problems,
    });
    await trx
      .insertInto("outcome_claims")
      .values([
        ...claims.map((c) => claim(c, [])),
        // Refused claims of the same run: not paid, so never in the population.
        ...claims.slice(0, 2).map((c) => claim({ ...c, rule: "sustainment", seq: 1 }, ["evidence-missing"])),
      ])
      .execute();
  });
  return { contractId, runId, claims };
}
