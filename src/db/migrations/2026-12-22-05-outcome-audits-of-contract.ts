/**
 * Sample audits (issue 19): one audit per outcome contract and paid period (a second would recover
 * the same over-payment twice); the index also lists a contract's audits by period.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index outcome_audits_one_per_period
    on outcome_audits (authority_id, contract_id, period_start)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outcome_audits_one_per_period`.execute(db);
}
