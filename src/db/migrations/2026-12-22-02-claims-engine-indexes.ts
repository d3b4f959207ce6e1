/**
 * Payment by results, the claims engine (issue 19): a run walks a contract's participants in chunks
 * by id (`outcome_participants_of_contract`), and a claim refused once is not recorded again by a
 * later run, found by its key among every claim of the participant (`outcome_claims_of_participant`;
 * `outcome_claims_paid_once` holds the valid ones only). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index outcome_participants_of_contract
    on outcome_participants (authority_id, contract_id, id)`.execute(db);
  await sql`create index outcome_claims_of_participant
    on outcome_claims (authority_id, participant_id, rule, metric, seq)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outcome_claims_of_participant`.execute(db);
  await sql`drop index if exists outcome_participants_of_contract`.execute(db);
}
