/**
 * Claims (issue 19, item 3): computed by a run from the evidence by the contract's model, never typed
 * by hand. PLACEHOLDER: pays the tariff's attachment fee only, so that runs can be built on it; the
 * engine (every model, validation, chunks, crash and restart) replaces it with the same signature.
 */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import type { OutcomeModelRow, OutcomeRun } from "./results.table.ts";

export interface ComputeOptions {
  /** Participants per chunk; each chunk is its own transaction when `db` is not one. */
  chunkSize?: number;
  /** Tests only: throw after this many chunks have committed (a crash mid-run). */
  crashAfterChunks?: number;
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
  _opts: ComputeOptions = {},
): Promise<{ inserted: number }> {
  const result = await sql`
    insert into outcome_claims (authority_id, contract_id, run_id, participant_id, rule, metric, seq,
      achieved_on, model_version, amount_pence, event_ids, problems)
    select p.authority_id, p.contract_id, ${run.id}::uuid, p.id, 'attachment', '', 1, e.occurred_on,
      ${model.version}::int, (g->'attachment'->>'pence')::bigint, array[e.id], '{}'::text[]
    from outcome_participants p
    join lateral (
      select id, occurred_on from outcome_events
      where authority_id = p.authority_id and participant_id = p.id and kind = 'attachment'
        and recorded_at <= ${run.started_at} and occurred_on <= ${run.period_end}::date
      order by occurred_on, id limit 1) e on true
    join lateral jsonb_array_elements(${JSON.stringify(model.definition)}::jsonb->'groups') g
      on g->>'code' = p.payment_group
    where p.authority_id = ${run.authority_id}::uuid and p.contract_id = ${run.contract_id}::uuid
      and not exists (select 1 from outcome_claims c where c.authority_id = p.authority_id
        and c.participant_id = p.id and c.rule = 'attachment' and c.metric = '' and c.seq = 1
        and c.problems = '{}')
    on conflict do nothing`.execute(db);
  return { inserted: Number(result.numAffectedRows ?? 0n) };
}
