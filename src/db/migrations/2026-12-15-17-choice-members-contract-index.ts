/**
 * The index behind the foreign key choice_members (authority_id, contract_id) → contracts: without
 * it, a change to a contract's key or its deletion reads every member of every list, and "the
 * members holding this contract" has nothing to use. Only members from an award hold a contract.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index choice_members_by_contract on choice_members (authority_id, contract_id)
      where contract_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists choice_members_by_contract`.execute(db);
}
