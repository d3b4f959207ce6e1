/**
 * Claims (issue 19, item 3): computed by a run from the evidence by the contract's model, never typed
 * by hand, each with its working (the events, the rule, the model version's price) and, when refused,
 * its problems named. The rules are in `reference.ts` and docs/payment-by-results.md ("Claims").
 *
 * A run's participants are taken in chunks by id, each chunk its own transaction: the tariff by one
 * set-based statement per chunk (`claims.repository.ts`), the other models in TypeScript from the
 * chunk's rows. On a PostgreSQL server the tariff is one chunk, the whole contract in one statement:
 * the server reads the events table once from end to end and joins by hashing, where chunks of
 * participants by id would each visit pages all over it (a participant's events are scattered through
 * the table in the order they happened); the embedded database keeps chunks of 50,000 within
 * WebAssembly's memory. Then the contract-wide pass, in one transaction: the
 * cohort threshold (social impact bonds) and the fee-for-service year's reconciliation.
 *
 * Safe to run twice, and to restart after a crash: a claim's key includes the run, so a chunk computed
 * again inserts nothing; a valid claim is paid once ever (the partial unique index); recoveries are
 * unique by their source. A chunk reads only what was recorded by the run's cut-off (`started_at`)
 * and, for the contract's cap, the claims committed before it — exactly what a clean run would have
 * read at that point.
 */
import { type Db, isEmbedded } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import * as repo from "./claims.repository.ts";
import type { FeeForServiceDefinition, ModelDefinition, OutcomePricesDefinition } from "./models.ts";
import {
  attachedBefore,
  type ContractRoom,
  claimKey,
  cohortClaims,
  type EngineClaim,
  type EngineRecovery,
  type ParticipantContext,
  participantClaims,
  reconcileYear,
  usableEvents,
  yearsEndedBy,
} from "./reference.ts";
import type { OutcomeModelRow, OutcomeRun } from "./results.table.ts";

export { PROBLEM_CODES, type ProblemCode } from "./reference.ts";

export interface ComputeOptions {
  /**
   * Participants per chunk (default: for a tariff, the whole contract on a server and 50,000 on the
   * embedded database; 2,000 otherwise).
   */
  chunkSize?: number;
  /** Tests only: throw after this many chunks have committed (a crash mid-run). */
  crashAfterChunks?: number;
  /** Tests only: called after each chunk has committed, with the chunks done so far. */
  afterChunk?: (chunks: number) => Promise<void>;
}

/** How far a compute has got: chunks committed, and the participants they held ("all" for one chunk of the whole contract). */
export interface ChunkProgress {
  chunks: number;
  participants: number | "all";
}

/**
 * Called inside each chunk's transaction (and the contract-wide pass's) after its claims are written
 * and before it commits: the run's progress is recorded there, and throwing rolls the chunk back (the
 * run was cancelled, or another compute took it over), so that nothing is written for a run that no
 * longer computes.
 */
export type ChunkGuard = (trx: Db, progress: ChunkProgress) => Promise<void>;

/** Thrown by `crashAfterChunks`: the run stops as a crashed process would. */
export class SimulatedCrash extends Error {
  constructor(chunks: number) {
    super(`Simulated crash after ${chunks} chunk(s)`);
    this.name = "SimulatedCrash";
  }
}

/**
 * Computes the run's claims (valid and refused) from the events recorded by `run.started_at` whose
 * outcomes were achieved by `run.period_end`, skipping outcomes already paid. Idempotent: computing a
 * run again, or after a crash, inserts nothing already there. Also raises the recoveries the model
 * owes back (reconciliation claw-backs, proxies not confirmed). The caller sets the run's totals.
 */
export async function computeRunClaims(
  db: Db,
  run: OutcomeRun,
  model: OutcomeModelRow,
  opts: ComputeOptions & { guard?: ChunkGuard } = {},
): Promise<{ inserted: number }> {
  const definition = model.definition as ModelDefinition;
  const chunk: repo.ChunkRun = {
    authorityId: run.authority_id,
    contractId: run.contract_id,
    runId: run.id,
    modelVersion: model.version,
    cutoff: run.started_at,
    periodStart: run.period_start,
    periodEnd: run.period_end,
  };
  const size =
    opts.chunkSize ??
    (definition.kind !== "tariff" ? 2_000 : isEmbedded(db) ? 50_000 : Number.POSITIVE_INFINITY);
  let inserted = 0;
  let chunks = 0;
  let participants = 0;
  let after = repo.FIRST_ID;
  for (;;) {
    const next: { last: string; count: number | "all" } | undefined = Number.isFinite(size)
      ? await repo.chunkEnd(db, run.authority_id, run.contract_id, after, size)
      : after === repo.FIRST_ID
        ? { last: repo.LAST_ID, count: "all" }
        : undefined;
    if (!next) break;
    const from = after;
    const upTo = next.last;
    const done: ChunkProgress = {
      chunks: chunks + 1,
      participants: next.count === "all" ? "all" : participants + next.count,
    };
    inserted += await transaction(db, async (trx) => {
      const written =
        definition.kind === "tariff"
          ? await repo.insertTariffChunk(trx, chunk, definition, from, upTo)
          : await computeChunk(trx, chunk, definition, from, upTo);
      await opts.guard?.(trx, done);
      return written;
    });
    after = upTo;
    chunks = done.chunks;
    if (done.participants !== "all") participants = done.participants;
    if (chunks === opts.crashAfterChunks) throw new SimulatedCrash(chunks);
    await opts.afterChunk?.(chunks);
  }
  if (definition.kind !== "tariff") {
    inserted += await transaction(db, async (trx) => {
      const written = await computeContractWide(trx, chunk, definition);
      await opts.guard?.(trx, { chunks, participants: "all" });
      return written;
    });
  }
  return { inserted };
}

/** A chunk of a model computed in TypeScript (`reference.ts`) from the chunk's rows. */
async function computeChunk(
  db: Db,
  run: repo.ChunkRun,
  model: ModelDefinition,
  after: string,
  upTo: string,
): Promise<number> {
  const rows = await repo.chunkRows(db, run, after, upTo);
  const twins = await repo.twinsOf(db, run, after, upTo);
  const eventsOf = groupBy(rows.events, (e) => e.participant_id);
  const claimsOf = groupBy(rows.claims, (c) => c.participant_id);
  const twinEventsOf = groupBy(twins.events, (e) => e.participant_id);
  const twinClaimsOf = groupBy(twins.claims, (c) => c.participant_id);
  const twinsOfParticipant = groupBy(twins.pairs, (p) => p.participant_id);
  const room: ContractRoom = {
    pence:
      model.kind === "outcome-prices"
        ? BigInt(model.capPerContract.pence) - (await repo.validTotal(db, run.authorityId, run.contractId))
        : 0n,
  };

  const claims: EngineClaim[] = [];
  const recoveries: EngineRecovery[] = [];
  for (const participant of rows.participants) {
    const events = eventsOf.get(participant.id) ?? [];
    const recorded = claimsOf.get(participant.id) ?? [];
    const own = usableEvents(events, run.periodEnd).find((e) => e.kind === "attachment");
    let earlierElsewhere = false;
    const claimedElsewhere = new Set<string>();
    for (const { twin_id } of twinsOfParticipant.get(participant.id) ?? []) {
      const attached = usableEvents(twinEventsOf.get(twin_id) ?? [], run.periodEnd).find(
        (e) => e.kind === "attachment",
      );
      if (
        attached &&
        (!own ||
          attachedBefore(
            { day: attached.occurred_on, participantId: twin_id },
            { day: own.occurred_on, participantId: participant.id },
          ))
      ) {
        earlierElsewhere = true;
      }
      for (const c of twinClaimsOf.get(twin_id) ?? [])
        claimedElsewhere.add(claimKey(c.rule, c.metric, c.seq));
    }
    const ctx: ParticipantContext = {
      periodStart: run.periodStart,
      periodEnd: run.periodEnd,
      earlierElsewhere,
      claimedElsewhere,
      paid: new Map(
        recorded.filter((c) => c.valid).map((c) => [claimKey(c.rule, c.metric, c.seq), c.amount_pence]),
      ),
      recorded: new Set(recorded.map((c) => claimKey(c.rule, c.metric, c.seq))),
      working: new Map(recorded.map((c) => [claimKey(c.rule, c.metric, c.seq), c.event_ids])),
    };
    const made = participantClaims(model, participant, events, ctx, room);
    claims.push(...made.claims);
    recoveries.push(...made.recoveries);
  }
  return (await repo.insertClaims(db, run, claims)) + (await repo.insertRecoveries(db, run, recoveries));
}

/** The contract as a whole: the cohort threshold, the fee-for-service year's reconciliation. */
async function computeContractWide(
  db: Db,
  run: repo.ChunkRun,
  model: OutcomePricesDefinition | FeeForServiceDefinition,
): Promise<number> {
  if (model.kind === "outcome-prices") {
    const threshold = model.cohortThreshold;
    if (!threshold) return 0;
    const figures = await repo.cohortFigures(db, run, threshold.metric, model.outcomeWithin.days);
    const room: ContractRoom = {
      pence:
        BigInt(model.capPerContract.pence) - (await repo.validTotal(db, run.authorityId, run.contractId)),
    };
    const paid = await repo.contractWideClaims(db, run.authorityId, run.contractId);
    return repo.insertClaims(db, run, cohortClaims(threshold, figures, run.periodEnd, paid, room));
  }
  // Every year ended by the period is reconciled again: deliveries recorded after a year's first
  // reconciliation are settled by the next run (a further top-up or claw-back, under a key of its own).
  let inserted = 0;
  const first = await repo.firstParticipant(db, run);
  const firstDay = await repo.firstServiceDay(db, run);
  if (!first || !firstDay) return 0;
  for (const year of yearsEndedBy(firstDay, run.periodEnd, model.yearStarts)) {
    const { units, onAccountPence } = await repo.serviceYear(db, run, year.start, year.end);
    const settled = await repo.yearSettled(db, run, year.start, year.end);
    const { band, duePence, differencePence } = reconcileYear(
      model,
      units,
      onAccountPence,
      settled.topUpPence - settled.recoveredPence,
    );
    if (differencePence > 0n) {
      inserted += await repo.insertClaims(db, run, [
        {
          participantId: first,
          rule: "reconciliation",
          metric: year.start,
          seq: settled.topUps + 1,
          achievedOn: year.end,
          amountPence: differencePence,
          eventIds: [],
          problems: [],
        },
      ]);
    } else if (differencePence < 0n) {
      const again = settled.topUps + settled.recoveries > 0;
      inserted += await repo.insertRecoveries(db, run, [
        {
          kind: "reconciliation",
          sourceKey: settled.recoveries === 0 ? year.start : `${year.start}/${settled.recoveries + 1}`,
          amountPence: -differencePence,
          reason: `Year from ${year.start}${again ? " (reconciled again: deliveries recorded since)" : ""}: ${units} units at ${band?.perUnit.pence ?? 0} pence (${band?.perUnit.rule ?? ""}) = ${duePence} pence due; ${onAccountPence} pence paid on account${again ? `, ${settled.topUpPence - settled.recoveredPence} pence settled before` : ""}`,
        },
      ]);
    }
  }
  return inserted;
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  }
  return map;
}
