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
}

/**
 * An outcome contract paying under one of the demo's contracts, with its rows as intake and the runs
 * write them: 15 participants (August 2026: 12 referred, 11 with a valid attachment claim and one
 * refused as a duplicate; September: 3 referred, 2 attached), a paid run for September, and its
 * ledger — the run's payment recorded on the audit trail as the runs record it (`outcome-run.paid`),
 * so the contract's process gets its release.
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
  // August: 12 referred, 11 attached (one more refused as a duplicate); September: 3 referred, 2 attached.
  const participants = Array.from({ length: 15 }, (_, i) => ({
    authority_id: a,
    id: newId(),
    contract_id: outcomeContractId,
    programme: "open-data-test",
    reference: participantReference(i),
    payment_group: "jsa-25-plus",
    cohort: null,
    referred_on: i < 12 ? "2026-08-10" : "2026-09-03",
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
  const attached = [...participants.slice(0, 11), ...participants.slice(12, 14)];
  await db
    .insertInto("outcome_claims")
    .values([
      ...attached.map((p) => ({
        authority_id: a,
        contract_id: outcomeContractId,
        run_id: runId,
        participant_id: p.id,
        rule: "attachment",
        seq: 1,
        achieved_on: "2026-09-15",
        model_version: 1,
        amount_pence: 40_000n,
      })),
      {
        authority_id: a,
        contract_id: outcomeContractId,
        run_id: runId,
        participant_id: (participants[11] as { id: string }).id,
        rule: "attachment",
        seq: 1,
        achieved_on: "2026-09-15",
        model_version: 1,
        amount_pence: 40_000n,
        problems: ["duplicate-participant"],
      },
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
  return { outcomeContractId, runId, ids, contract, ocid };
}
