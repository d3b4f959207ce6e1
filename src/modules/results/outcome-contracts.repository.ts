/**
 * SQL of outcome contracts, participants and evidence (issue 19, items 1, 2 and 5): setting up a
 * contract and its model versions, referrals and events written in batches (idempotent by the
 * participant's reference and by the event's (source, source_ref)), the lists a page at a time by
 * key, the claims as the provider reads them, performance per referral month and market share.
 */

import type { Insertable, Selectable } from "kysely";
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  NewOutcomeContract,
  OutcomeComparisonsTable,
  OutcomeContract,
  OutcomeEvent,
  OutcomeEventsTable,
  OutcomeModelsTable,
  OutcomeParticipant,
  OutcomeParticipantsTable,
  OutcomeShareChangesTable,
} from "./results.table.ts";

/** Rows written by one statement: 1,000 rows × 14 columns stays well under PostgreSQL's 65,535 parameters. */
const WRITE_CHUNK = 1000;

function chunks<T>(rows: readonly T[], size = WRITE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export async function insertOutcomeContract(trx: Trx, row: NewOutcomeContract): Promise<void> {
  await trx.insertInto("outcome_contracts").values(row).execute();
}

/** The outcome contract already set up for a platform contract, if any. */
export function outcomeContractOfPlatformContract(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("outcome_contracts")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .executeTakeFirst();
}

export function outcomeContractByReference(
  db: Db,
  authorityId: string,
  reference: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("outcome_contracts")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("reference", "=", reference)
    .executeTakeFirst();
}

export type OutcomeContractRow = OutcomeContract & { provider_name: string; authority_slug: string };

function contractsWithNames(db: Db) {
  return db
    .selectFrom("outcome_contracts as o")
    .innerJoin("organisations as g", "g.id", "o.organisation_id")
    .innerJoin("authorities as a", "a.id", "o.authority_id")
    .selectAll("o")
    .select(["g.name as provider_name", "a.slug as authority_slug"]);
}

/** An authority's outcome contracts by reference (its unique key), after `after`. */
export function outcomeContractsPage(
  db: Db,
  authorityId: string,
  after: string | undefined,
  limit: number,
): Promise<OutcomeContractRow[]> {
  let q = contractsWithNames(db).where("o.authority_id", "=", authorityId);
  if (after !== undefined) q = q.where("o.reference", ">", after);
  return q.orderBy("o.reference").limit(limit).execute();
}

/** A provider's outcome contracts, every authority's, by (authority, id) after `after`. */
export function providerContractsPage(
  db: Db,
  organisationId: string,
  after: readonly [string, string] | undefined,
  limit: number,
): Promise<OutcomeContractRow[]> {
  let q = contractsWithNames(db).where("o.organisation_id", "=", organisationId);
  if (after) q = q.where(sql<boolean>`(o.authority_id, o.id) > (${after[0]}::uuid, ${after[1]}::uuid)`);
  return q.orderBy("o.authority_id").orderBy("o.id").limit(limit).execute();
}

export function outcomeContractRow(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<OutcomeContractRow | undefined> {
  return contractsWithNames(db)
    .where("o.authority_id", "=", authorityId)
    .where("o.id", "=", contractId)
    .executeTakeFirst();
}

/** The contracts of a programme (few: one per provider), by reference. */
export function programmeContracts(
  db: Db,
  authorityId: string,
  programme: string,
): Promise<OutcomeContractRow[]> {
  return contractsWithNames(db)
    .where("o.authority_id", "=", authorityId)
    .where("o.programme", "=", programme)
    .orderBy("o.reference")
    .limit(100)
    .execute();
}

/** Two contracts locked, in id order (so two shifts between them never deadlock). */
export async function lockContracts(
  db: Db,
  authorityId: string,
  ids: readonly string[],
): Promise<OutcomeContract[]> {
  return db
    .selectFrom("outcome_contracts")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "in", [...ids])
    .orderBy("id")
    .forUpdate()
    .execute();
}

export async function setReferralShare(
  trx: Trx,
  authorityId: string,
  id: string,
  shareBp: number,
): Promise<void> {
  await trx
    .updateTable("outcome_contracts")
    .set({ referral_share_bp: shareBp })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export async function insertShareChange(trx: Trx, row: Insertable<OutcomeShareChangesTable>): Promise<void> {
  await trx.insertInto("outcome_share_changes").values(row).execute();
}

// Models

export async function latestModelVersion(db: Db, authorityId: string, contractId: string): Promise<number> {
  const row = await db
    .selectFrom("outcome_models")
    .select((eb) => eb.fn.max("version").as("v"))
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

export async function insertModel(trx: Trx, row: Insertable<OutcomeModelsTable>): Promise<void> {
  await trx
    .insertInto("outcome_models")
    .values({ ...row, definition: JSON.stringify(row.definition) })
    .execute();
}

export function modelEffectiveOn(
  db: Db,
  authorityId: string,
  contractId: string,
  day: string,
): Promise<{ version: number } | undefined> {
  return db
    .selectFrom("outcome_models")
    .select("version")
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("effective_from", "=", day)
    .executeTakeFirst();
}

// Participants

/** Inserts the participants not already referred (by reference); answers how many were new. */
export async function insertParticipants(
  trx: Trx,
  rows: readonly Insertable<OutcomeParticipantsTable>[],
): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(rows)) {
    const result = await trx
      .insertInto("outcome_participants")
      .values(chunk)
      .onConflict((oc) => oc.columns(["authority_id", "contract_id", "reference"]).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

/** The contract's participants with these references. */
export async function participantsByReference(
  db: Db,
  authorityId: string,
  contractId: string,
  references: readonly string[],
): Promise<Pick<OutcomeParticipant, "id" | "reference" | "referred_on" | "payment_group" | "cohort">[]> {
  const found: Pick<OutcomeParticipant, "id" | "reference" | "referred_on" | "payment_group" | "cohort">[] =
    [];
  for (const chunk of chunks([...new Set(references)]))
    found.push(
      ...(await db
        .selectFrom("outcome_participants")
        .select(["id", "reference", "referred_on", "payment_group", "cohort"])
        .where("authority_id", "=", authorityId)
        .where("contract_id", "=", contractId)
        .where("reference", "in", chunk)
        .execute()),
    );
  return found;
}

/** A page of the contract's participants by reference (the unique key's index). */
export function participantsPage(
  db: Db,
  authorityId: string,
  contractId: string,
  after: string | undefined,
  limit: number,
): Promise<OutcomeParticipant[]> {
  let q = db
    .selectFrom("outcome_participants")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId);
  if (after !== undefined) q = q.where("reference", ">", after);
  return q.orderBy("reference").limit(limit).execute();
}

// Events

/** Inserts the events not already recorded (by contract, source and source_ref); answers how many were new. */
export async function insertEvents(
  trx: Trx,
  rows: readonly Insertable<OutcomeEventsTable>[],
): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(rows)) {
    const result = await trx
      .insertInto("outcome_events")
      .values(chunk)
      .onConflict((oc) => oc.columns(["authority_id", "contract_id", "source", "source_ref"]).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

/** The events recorded before under these sender's references (the unique key's index). */
export async function eventsBySourceRef(
  db: Db,
  authorityId: string,
  contractId: string,
  source: string,
  sourceRefs: readonly string[],
): Promise<
  Pick<OutcomeEvent, "source_ref" | "participant_id" | "kind" | "metric" | "value" | "occurred_on">[]
> {
  const found: Pick<
    OutcomeEvent,
    "source_ref" | "participant_id" | "kind" | "metric" | "value" | "occurred_on"
  >[] = [];
  for (const chunk of chunks([...new Set(sourceRefs)]))
    found.push(
      ...(await db
        .selectFrom("outcome_events")
        .select(["source_ref", "participant_id", "kind", "metric", "value", "occurred_on"])
        .where("authority_id", "=", authorityId)
        .where("contract_id", "=", contractId)
        .where("source", "=", source as OutcomeEvent["source"])
        .where("source_ref", "in", chunk)
        .execute()),
    );
  return found;
}

/**
 * Locks the outcome contract's row for share: evidence batches go side by side, but a run starting
 * (which locks it for update) waits for them to commit, and they for it.
 */
export async function lockContractShared(trx: Trx, authorityId: string, contractId: string): Promise<void> {
  await trx
    .selectFrom("outcome_contracts")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .forShare()
    .execute();
}

export function eventById(
  db: Db,
  authorityId: string,
  contractId: string,
  eventId: string,
): Promise<OutcomeEvent | undefined> {
  return db
    .selectFrom("outcome_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("id", "=", eventId)
    .executeTakeFirst();
}

/** The withdrawal of an event, if any (found through the participant's events' index). */
export function withdrawalOf(db: Db, event: OutcomeEvent): Promise<OutcomeEvent | undefined> {
  return db
    .selectFrom("outcome_events")
    .selectAll()
    .where("authority_id", "=", event.authority_id)
    .where("participant_id", "=", event.participant_id)
    .where("kind", "=", "withdrawal")
    .where("withdraws_id", "=", event.id)
    .executeTakeFirst();
}

/** A participant's events, oldest first (a participant has a handful). */
export function eventsOf(db: Db, authorityId: string, participantId: string): Promise<OutcomeEvent[]> {
  return db
    .selectFrom("outcome_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("participant_id", "=", participantId)
    .orderBy("occurred_on")
    .orderBy("id")
    .limit(500)
    .execute();
}

export function participantById(
  db: Db,
  authorityId: string,
  contractId: string,
  participantId: string,
): Promise<OutcomeParticipant | undefined> {
  return db
    .selectFrom("outcome_participants")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("id", "=", participantId)
    .executeTakeFirst();
}

// Claims as the provider reads them

export interface ClaimRow {
  run_id: string;
  period_start: string;
  participant_id: string;
  participant_reference: string;
  rule: string;
  metric: string;
  seq: number;
  achieved_on: string;
  model_version: number;
  amount_pence: bigint;
  event_ids: string[];
  problems: string[];
}

/** The claims of a contract by (achieved_on, run, participant, rule, metric, seq) after the key. */
export function claimsPage(
  db: Db,
  authorityId: string,
  contractId: string,
  after: readonly [string, string, string, string, string, number] | undefined,
  limit: number,
  refusedOnly: boolean,
): Promise<ClaimRow[]> {
  let q = db
    .selectFrom("outcome_claims as c")
    .innerJoin("outcome_participants as p", (j) =>
      j.onRef("p.authority_id", "=", "c.authority_id").onRef("p.id", "=", "c.participant_id"),
    )
    .innerJoin("outcome_runs as r", (j) =>
      j.onRef("r.authority_id", "=", "c.authority_id").onRef("r.id", "=", "c.run_id"),
    )
    .select([
      "c.run_id",
      "r.period_start",
      "c.participant_id",
      "p.reference as participant_reference",
      "c.rule",
      "c.metric",
      "c.seq",
      "c.achieved_on",
      "c.model_version",
      "c.amount_pence",
      "c.event_ids",
      "c.problems",
    ])
    .where("c.authority_id", "=", authorityId)
    .where("c.contract_id", "=", contractId)
    .where("c.void", "=", false);
  if (refusedOnly) q = q.where(sql<boolean>`c.problems <> '{}'`);
  if (after)
    q = q.where(
      sql<boolean>`(c.achieved_on, c.run_id, c.participant_id, c.rule, c.metric, c.seq)
        > (${after[0]}::date, ${after[1]}::uuid, ${after[2]}::uuid, ${after[3]}, ${after[4]}, ${after[5]}::int)`,
    );
  return q
    .orderBy("c.achieved_on")
    .orderBy("c.run_id")
    .orderBy("c.participant_id")
    .orderBy("c.rule")
    .orderBy("c.metric")
    .orderBy("c.seq")
    .limit(limit)
    .execute() as Promise<ClaimRow[]>;
}

// Performance

export interface ReferralMonth {
  month: string;
  referred: number;
  achieved: number;
}

/**
 * Per referral month (its first day): the participants referred, and those with a valid claim of
 * `outcome` (a rule, or an outcome metric's code) achieved within `withinMonths` of their referral.
 * The contract's participants only (its key's index), newest month first, at most `months` months.
 */
export async function referralMonths(
  db: Db,
  authorityId: string,
  contractId: string,
  outcome: string,
  withinMonths: number,
  months: number,
): Promise<ReferralMonth[]> {
  const { rows } = await sql<{ month: string; referred: string; achieved: string }>`
    select to_char(date_trunc('month', p.referred_on), 'YYYY-MM-DD') as month,
      count(*) as referred,
      count(*) filter (where exists (
        select 1 from outcome_claims c
        where c.authority_id = p.authority_id and c.participant_id = p.id and c.problems = '{}' and not c.void
          and (c.rule = ${outcome} or (c.metric <> '' and c.metric = ${outcome}))
          and c.achieved_on < (p.referred_on + make_interval(months => ${withinMonths}::int))::date
      )) as achieved
    from outcome_participants p
    where p.authority_id = ${authorityId}::uuid and p.contract_id = ${contractId}::uuid
    group by 1
    order by 1 desc
    limit ${months}`.execute(db);
  return rows.map((r) => ({ month: r.month, referred: Number(r.referred), achieved: Number(r.achieved) }));
}

/** The events with these ids (a page of claims' working). */
export function eventsByIds(db: Db, authorityId: string, ids: readonly string[]): Promise<OutcomeEvent[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("outcome_events")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "in", [...ids])
    .execute();
}

/** One cohort's comparison group figure of a metric, if recorded. */
export function comparisonOf(
  db: Db,
  authorityId: string,
  contractId: string,
  cohort: string,
  metric: string,
): Promise<Selectable<OutcomeComparisonsTable> | undefined> {
  return db
    .selectFrom("outcome_comparisons")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("cohort", "=", cohort)
    .where("metric", "=", metric)
    .executeTakeFirst();
}

/** The contract's comparison group figures, by cohort and metric (its key's order). */
export function comparisonsOfContract(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<Selectable<OutcomeComparisonsTable>[]> {
  return db
    .selectFrom("outcome_comparisons")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .orderBy("cohort")
    .orderBy("metric")
    .execute();
}

/** A cohort's comparison group figure, recorded or replaced (one per contract, cohort and metric). */
export async function upsertComparison(db: Trx, row: Insertable<OutcomeComparisonsTable>): Promise<void> {
  await db
    .insertInto("outcome_comparisons")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["authority_id", "contract_id", "cohort", "metric"]).doUpdateSet({
        rate_per_100_centi: row.rate_per_100_centi,
        group_size: row.group_size,
        source: row.source,
        recorded_by: row.recorded_by ?? null,
        recorded_at: row.recorded_at,
      }),
    )
    .execute();
}

/** The payment groups of the contract's participants that are not among `codes` (at most 20 named). */
export async function paymentGroupsOutside(
  db: Db,
  authorityId: string,
  contractId: string,
  codes: readonly string[],
): Promise<string[]> {
  const rows = await db
    .selectFrom("outcome_participants")
    .select("payment_group")
    .distinct()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .$if(codes.length > 0, (q) => q.where("payment_group", "not in", codes))
    .orderBy("payment_group")
    .limit(20)
    .execute();
  return rows.map((r) => r.payment_group);
}
