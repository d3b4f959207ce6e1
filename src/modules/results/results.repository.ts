/** SQL the module's sections share: an outcome contract and the model in force. */
import type { Db } from "../../db/database.ts";
import type { OutcomeContract, OutcomeModelRow } from "./results.table.ts";

export function outcomeContractById(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<OutcomeContract | undefined> {
  return db
    .selectFrom("outcome_contracts")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .executeTakeFirst();
}

/** The contract's outcome contract row locked for the action (runs of one contract go one at a time). */
export function lockOutcomeContract(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<OutcomeContract | undefined> {
  return db
    .selectFrom("outcome_contracts")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .forUpdate()
    .executeTakeFirst();
}

/** The model version in force on a day: the latest effective on or before it. */
export function modelInForce(
  db: Db,
  authorityId: string,
  contractId: string,
  onDay: string,
): Promise<OutcomeModelRow | undefined> {
  return db
    .selectFrom("outcome_models")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("effective_from", "<=", onDay)
    .orderBy("effective_from", "desc")
    .limit(1)
    .executeTakeFirst();
}

export function modelVersions(db: Db, authorityId: string, contractId: string): Promise<OutcomeModelRow[]> {
  return db
    .selectFrom("outcome_models")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .orderBy("version")
    .execute();
}
