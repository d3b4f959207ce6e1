/**
 * Outcome contracts for the runs' tests, written straight into the tables (the contracts and
 * evidence sections have their own services; these tests are about runs): a tariff contract with
 * payment groups, participants referred and attached on given days, recoveries owed.
 */
import type { Db } from "../../db/database.ts";
import { newId } from "../../lib/ids.ts";

export const GROUPS = {
  "jsa-18-24": 40_000n,
  "jsa-25-plus": 45_000n,
} as const;
export type Group = keyof typeof GROUPS;

/** The tariff's attachment fees by group (what the placeholder engine pays). */
export const TARIFF = {
  kind: "tariff",
  groups: Object.entries(GROUPS).map(([code, pence]) => ({
    code,
    name: code,
    attachment: { pence: Number(pence), rule: "Attachment fee, schedule 2 para 1" },
    jobOutcome: { pence: 120_000, weeks: 13, rule: "Job outcome fee, schedule 2 para 2" },
    sustainment: { pence: 12_000, everyWeeks: 4, maxPayments: 20, rule: "Sustainment, schedule 2 para 3" },
  })),
  attachmentWithin: { days: 60, rule: "Schedule 1 para 4" },
  outcomeWithin: { days: 730, rule: "Schedule 1 para 5" },
};

export interface FixtureContract {
  authorityId: string;
  id: string;
  organisationId: string;
}

let made = 0;

export async function makeOutcomeContract(
  db: Db,
  opts: {
    authorityId: string;
    organisationId: string;
    secondApprovalAbovePence?: bigint;
    /** Its share of the programme's referrals (100% unless given). */
    referralShareBp?: number;
    /** Adds the tariff a market share rule that moves share from any contract (not only one below its minimum). */
    marketShare?: boolean;
    at: Date;
  },
): Promise<FixtureContract> {
  const id = newId();
  made++;
  await db
    .insertInto("outcome_contracts")
    .values({
      authority_id: opts.authorityId,
      id,
      organisation_id: opts.organisationId,
      reference: `RUNS-${made}-${id.slice(-8)}`,
      title: "Work Programme, contract package area 4",
      programme: "work-programme",
      starts_on: "2026-01-01",
      ends_on: "2028-12-31",
      second_approval_above_pence: opts.secondApprovalAbovePence ?? 2_500_000n,
      ...(opts.referralShareBp !== undefined ? { referral_share_bp: opts.referralShareBp } : {}),
      created_at: opts.at,
    })
    .execute();
  await db
    .insertInto("outcome_models")
    .values({
      authority_id: opts.authorityId,
      contract_id: id,
      version: 1,
      kind: "tariff",
      definition: JSON.stringify(
        opts.marketShare
          ? { ...TARIFF, marketShare: { maxShiftBp: 1000, onlyFromBelowMinimum: false, rule: "Clause 9" } }
          : TARIFF,
      ),
      effective_from: "2026-01-01",
      created_at: opts.at,
    })
    .execute();
  return { authorityId: opts.authorityId, id, organisationId: opts.organisationId };
}

/** Participants referred and attached on a day (their attachment evidence recorded at `at`). */
export async function attach(
  db: Db,
  c: FixtureContract,
  people: { group: Group; on: string }[],
  at: Date,
): Promise<string[]> {
  const ids: string[] = [];
  for (const p of people) {
    const participant = newId();
    ids.push(participant);
    await db
      .insertInto("outcome_participants")
      .values({
        authority_id: c.authorityId,
        id: participant,
        contract_id: c.id,
        programme: "work-programme",
        reference: `P${participant.slice(-12)}`,
        payment_group: p.group,
        referred_on: p.on,
        recorded_at: at,
      })
      .execute();
    await db
      .insertInto("outcome_events")
      .values({
        authority_id: c.authorityId,
        id: newId(),
        contract_id: c.id,
        participant_id: participant,
        kind: "attachment",
        occurred_on: p.on,
        source: "provider",
        source_ref: `att-${participant}`,
        recorded_at: at,
      })
      .execute();
  }
  return ids;
}

/** A recovery the provider owes (an audit's, say), raised at `at`. */
export async function owe(db: Db, c: FixtureContract, pence: bigint, at: Date): Promise<void> {
  const id = newId();
  await db
    .insertInto("outcome_recoveries")
    .values({
      authority_id: c.authorityId,
      id,
      contract_id: c.id,
      kind: "audit",
      amount_pence: pence,
      reason: "Sample audit: over-payment extrapolated",
      source_key: id,
      created_at: at,
    })
    .execute();
}
