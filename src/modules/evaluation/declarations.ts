/**
 * Evaluators' declarations of conflicts of interest, as other modules need them: the bids service
 * refuses opened bids to an assigned evaluator who has not declared "none". Kept apart from
 * evaluation.service.ts, which depends on the bids service, so that neither imports the other.
 */
import type { Db } from "../../db/database.ts";
import { isUuid } from "../../lib/ids.ts";
import * as repo from "./evaluation.repository.ts";
import type { Declaration } from "./evaluation.table.ts";

/** An assigned evaluator's declaration for the tender: "none", "conflict", or null when none is recorded yet. */
export async function conflictDeclarationOf(
  db: Db,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<Declaration | null> {
  if (!isUuid(tenderId) || !isUuid(userId)) return null;
  return (await repo.declarationOf(db, authorityId, tenderId, userId))?.declaration ?? null;
}
