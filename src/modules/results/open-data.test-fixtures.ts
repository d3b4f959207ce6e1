/**
 * For tests only: payment by results' rows written straight into its tables, as intake and the runs
 * would leave them, for the open data's tests (results' own and the datasets'): until the demo data
 * has paid outcome contracts, the open datasets need rows to show.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { recordAudit, SYSTEM } from "../audit/audit.service.ts";

/** Participants' references: none may appear in any open data. */
export const participantReference = (i: number) => `WPX-${String(i).padStart(5, "0")}`;

export interface OutcomePaymentsFixture {
  outcomeContractId: string;
  runId: string;
  /** The ledger's entries: £12,345.67 paid, £700 recovered, £400 paid, £600 paid back (a correction). */
  ids: { payment: string; small: string; recovery: string; correction: string };
  /** The demo's contract it pays under, and that contract's ocid. */
  contract: { authority_id: string; id: string; organisation_id: string; tender_id: string };
  ocid: string;
  /** When its sample audit of September concluded (a minute after the run was computed). */
  auditConcludedAt: Date;
}

/**
 * An outcome contract paying under one of the demo's contracts, with its rows as intake, the runs and
 * the audits write them: 33 participants and a paid run for September whose claims are —
 * - August (30 referred): 22 valid attachments, of which a concluded audit found two due nothing and
 *   two due (one in part), and an audit still open found a third due nothing; a 23rd refused as a
 *   duplicate; 12 job outcomes; 15 proxy outcomes (qualification started) paid on account to 14
 *   people, of which five were recovered, never confirmed — one of the five people has a second,
 *   kept; contract-wide pooled and reconciliation claims against the first participant;
 * - September (3 referred): 2 valid attachments;
 * and its ledger — the run's payment recorded on the audit trail as the runs record it
 * (`outcome-run.paid`), so the contract's process gets its release.
 */
export async function insertOutcomePayments(db: Db, clock: Clock): Promise<OutcomePaymentsFixture> {
  const outcomeContractId = newId();
  const runId = newId();
  const ids = { payment: newId(), small: newId(), recovery: newId(), correction: newId() };
  const contract = await db
    .selectFrom("contracts")
    .select(["authority_id", "id", "organisation_id", "tender_id"])
    // A contract of the demo's with its contracting process (as one paying by results would be).
    .where("entered_at", "is not", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("outcome_contracts as oc")
            .select("oc.id")
            .whereRef("oc.authority_id", "=", "contracts.authority_id")
            .whereRef("oc.contract_id", "=", "contracts.id"),
        ),
      ),
    )
    .orderBy("id")
    .limit(1)
    .executeTakeFirstOrThrow();
  const ocid = (
    await db
      .selectFrom("ocds_processes")
      .select("ocid")
      .where("authority_id", "=", contract.authority_id)
      .where("tender_id", "=", contract.tender_id)
      .executeTakeFirstOrThrow()
  ).ocid;
  const at = clock.now();
  const a = contract.authority_id;
  await db
    .insertInto("outcome_contracts")
    .values({
      authority_id: a,
      id: outcomeContractId,
      contract_id: contract.id,
      organisation_id: contract.organisation_id,
      reference: "WPX-OPEN-1",
      title: "Employment support, open data test",
      programme: "open-data-test",
      starts_on: "2026-08-01",
      ends_on: "2028-07-31",
      created_by: null,
      created_at: at,
    })
    .execute();
  await db
    .insertInto("outcome_models")
    .values({
      authority_id: a,
      contract_id: outcomeContractId,
      version: 1,
      kind: "tariff",
      definition: JSON.stringify({ kind: "tariff", groups: [] }),
      effective_from: "2026-08-01",
      created_by: null,
      created_at: at,
    })
    .execute();
  // August: 30 referred; September: 3.
  const participants = Array.from({ length: 33 }, (_, i) => ({
    authority_id: a,
    id: newId(),
    contract_id: outcomeContractId,
    programme: "open-data-test",
    reference: participantReference(i),
    payment_group: "jsa-25-plus",
    cohort: null,
    referred_on: i < 30 ? "2026-08-10" : "2026-09-03",
    recorded_at: at,
  }));
  await db.insertInto("outcome_participants").values(participants).execute();
  await db
    .insertInto("outcome_runs")
    .values({
      authority_id: a,
      id: runId,
      contract_id: outcomeContractId,
      period_start: "2026-09-01",
      period_end: "2026-09-30",
      status: "paid",
      claims_pence: 0n,
      started_by: null,
      started_at: at,
      computed_at: at,
      paid_at: at,
    })
    .execute();
  const p = (i: number) => (participants[i] as { id: string }).id;
  const claim = (
    i: number,
    rule: string,
    extra: { metric?: string; seq?: number; problems?: string[] } = {},
  ) => ({
    authority_id: a,
    contract_id: outcomeContractId,
    run_id: runId,
    participant_id: p(i),
    rule,
    metric: extra.metric ?? "",
    seq: extra.seq ?? 1,
    achieved_on: "2026-09-15",
    model_version: 1,
    amount_pence: 40_000n,
    problems: extra.problems ?? [],
  });
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
  const proxy = "qualification-started";
  await db
    .insertInto("outcome_claims")
    .values([
      ...[...upTo(22), 30, 31].map((i) => claim(i, "attachment")),
      claim(22, "attachment", { problems: ["duplicate-participant"] }),
      ...upTo(12).map((i) => claim(i, "job-outcome")),
      ...upTo(14).map((i) => claim(i, "proxy", { metric: proxy })),
      claim(0, "proxy", { metric: proxy, seq: 2 }),
      // Contract-wide claims, kept against the first participant: no one's outcome, never counted.
      ...["pooled", "reconciliation"].map((rule) => claim(0, rule)),
    ])
    .execute();
  // Paid on account and never confirmed: recovered by the run, keyed by the claim (participant, metric, seq).
  const recovery = (kind: "proxy" | "audit", sourceKey: string) => ({
    authority_id: a,
    id: newId(),
    contract_id: outcomeContractId,
    kind,
    amount_pence: 40_000n,
    reason: kind === "proxy" ? "Qualification started: not followed by qualification gained" : "Sample audit",
    source_key: sourceKey,
    run_id: kind === "proxy" ? runId : null,
    created_by: null,
    created_at: at,
  });
  // A concluded audit of September (attachments of participants 0 and 1 found due nothing, of 2 in
  // part, of 3 in full) and an open one of October (participant 4's found due nothing, not yet final).
  const audits = { concluded: newId(), open: newId() };
  const audit = (id: string, month: "2026-09" | "2026-10", concludedAt: Date | null) => ({
    authority_id: a,
    id,
    contract_id: outcomeContractId,
    period_start: `${month}-01`,
    period_end: month === "2026-09" ? "2026-09-30" : "2026-10-31",
    seed: "open-data-test",
    sample_size: 4,
    population_count: 24,
    population_pence: 960_000n,
    status: concludedAt ? ("concluded" as const) : ("open" as const),
    error_rate_ppm: concludedAt ? 562_500 : null,
    lower_bound_ppm: concludedAt ? 562_500 : null,
    recovery_pence: concludedAt ? 540_000n : null,
    started_by: null,
    started_at: at,
    concluded_by: null,
    concluded_at: concludedAt,
  });
  const concludedAt = new Date(at.getTime() + 60_000);
  await db
    .insertInto("outcome_audits")
    .values([audit(audits.concluded, "2026-09", concludedAt), audit(audits.open, "2026-10", null)])
    .execute();
  const item = (auditId: string, i: number, found: bigint) => ({
    authority_id: a,
    audit_id: auditId,
    participant_id: p(i),
    rule: "attachment",
    metric: "",
    seq: 1,
    paid_pence: 40_000n,
    found_pence: found,
    checked_by: null,
    checked_at: at,
  });
  await db
    .insertInto("outcome_audit_items")
    .values([
      item(audits.concluded, 0, 0n),
      item(audits.concluded, 1, 0n),
      item(audits.concluded, 2, 20_000n),
      item(audits.concluded, 3, 40_000n),
      item(audits.open, 4, 0n),
    ])
    .execute();
  await db
    .insertInto("outcome_recoveries")
    .values([
      ...[0, 1, 2, 3, 4].map((i) => recovery("proxy", `${p(i)}|${proxy}|1`)),
      // An audit's recovery is an estimate for the period, no one claim's.
      recovery("audit", audits.concluded),
    ])
    .execute();
  const ledger = (id: string, kind: "payment" | "recovery" | "correction", pence: bigint, key: string) => ({
    authority_id: a,
    id,
    contract_id: outcomeContractId,
    organisation_id: contract.organisation_id,
    run_id: kind === "correction" ? null : runId,
    kind,
    amount_pence: pence,
    paid_on: "2026-10-05",
    idempotency_key: key,
    created_by: null,
    created_at: at,
  });
  await transaction(db, async (trx) => {
    await trx
      .insertInto("outcome_ledger")
      .values([
        ledger(ids.payment, "payment", 1_234_567n, `run:${runId}:payment`),
        ledger(ids.recovery, "recovery", 70_000n, `run:${runId}:recovery`),
        ledger(ids.small, "payment", 40_000n, `run:${runId}:payment-2`),
        ledger(ids.correction, "correction", -60_000n, "correction:1"),
      ])
      .execute();
    // The run paid, as the runs record it: the contract's process gets an implementation release.
    await recordAudit(trx, clock, {
      authorityId: a,
      actor: SYSTEM("test"),
      action: "outcome-run.paid",
      entity: { type: "outcome-run", id: runId },
    });
  });
  return { outcomeContractId, runId, ids, contract, ocid, auditConcludedAt: concludedAt };
}
