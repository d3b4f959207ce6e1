/**
 * Acting as someone in service tests: their `Principal` (grants read from the database), and a
 * transaction run as them — the grants are read before the transaction starts, as a request does.
 */
import type { Db, Trx } from "../../src/db/database.ts";
import { transaction } from "../../src/db/transaction.ts";
import { loadGrants } from "../../src/modules/access/access.service.ts";
import type { Principal } from "../../src/modules/access/access.table.ts";

export async function principalOf(
  db: Db,
  userId: string,
  options: { twoFactor?: boolean } = {},
): Promise<Principal> {
  return {
    userId,
    displayName: userId,
    grants: await loadGrants(db, userId),
    via: "session",
    twoFactor: options.twoFactor ?? true,
  };
}

/** Runs `fn` in one transaction as the given user. */
export async function actAs<T>(
  db: Db,
  userId: string,
  fn: (trx: Trx, p: Principal) => Promise<T>,
): Promise<T> {
  const p = await principalOf(db, userId);
  return transaction(db, (trx) => fn(trx, p));
}
