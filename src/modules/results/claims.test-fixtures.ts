/**
 * Test fixtures for the claims engine: an outcome contract entered for a fund (with its model), its
 * participants and events, and a run — written straight to the tables, as the intake and the runs
 * would write them.
 */
import type { Db } from "../../db/database.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/users.ts";
import type { ModelDefinition } from "./models.ts";
import type { EventKind, OutcomeModelRow, OutcomeRun } from "./results.table.ts";

export const AUTHORITY = DEMO_AUTHORITY.county;
let contracts = 0;

export async function insertOutcomeContract(
  db: Db,
  programme: string,
  definition: ModelDefinition,
): Promise<{ contractId: string; model: OutcomeModelRow }> {
  const contractId = newId();
  contracts++;
  await db
    .insertInto("outcome_contracts")
    .values({
      authority_id: AUTHORITY,
      id: contractId,
      contract_id: null,
      organisation_id: DEMO_ORGANISATION,
      reference: `ENGINE-${process.pid}-${contracts}-${contractId.slice(-6)}`,
      title: "Engine test contract",
      fund: "Engine test fund",
      programme,
      starts_on: "2026-01-01",
      ends_on: "2030-12-31",
      created_by: null,
      created_at: new Date("2026-01-01T09:00:00Z"),
    })
    .execute();
  const model = await db
    .insertInto("outcome_models")
    .values({
      authority_id: AUTHORITY,
      contract_id: contractId,
      version: 1,
      kind: definition.kind,
      definition: JSON.stringify(definition),
      effective_from: "2026-01-01",
      created_by: null,
      created_at: new Date("2026-01-01T09:00:00Z"),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { contractId, model: { ...model, definition } };
}

export async function insertParticipant(
  db: Db,
  contractId: string,
  programme: string,
  p: { reference: string; group: string; referredOn: string; cohort?: string | null; recordedAt?: Date },
): Promise<string> {
  const id = newId();
  await db
    .insertInto("outcome_participants")
    .values({
      authority_id: AUTHORITY,
      id,
      contract_id: contractId,
      programme,
      reference: p.reference,
      payment_group: p.group,
      cohort: p.cohort ?? null,
      referred_on: p.referredOn,
      recorded_at: p.recordedAt ?? new Date("2026-01-01T09:00:00Z"),
    })
    .execute();
  return id;
}

export interface FixtureEvent {
  kind: EventKind;
  day: string;
  value?: number | null;
  metric?: string | null;
  withdraws?: string | null;
  recordedAt?: Date;
}

export async function insertEvent(
  db: Db,
  contractId: string,
  participantId: string,
  e: FixtureEvent,
): Promise<string> {
  const id = newId();
  await db
    .insertInto("outcome_events")
    .values({
      authority_id: AUTHORITY,
      id,
      contract_id: contractId,
      participant_id: participantId,
      kind: e.kind,
      metric: e.metric ?? null,
      value: e.value ?? null,
      occurred_on: e.day,
      source: "provider",
      source_ref: id,
      withdraws_id: e.withdraws ?? null,
      recorded_by: null,
      recorded_at: e.recordedAt ?? new Date("2026-01-02T09:00:00Z"),
    })
    .execute();
  return id;
}

export async function insertRun(
  db: Db,
  contractId: string,
  periodStart: string,
  periodEnd: string,
  startedAt: Date,
): Promise<OutcomeRun> {
  return db
    .insertInto("outcome_runs")
    .values({
      authority_id: AUTHORITY,
      id: newId(),
      contract_id: contractId,
      period_start: periodStart,
      period_end: periodEnd,
      status: "computing",
      started_by: null,
      started_at: startedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
