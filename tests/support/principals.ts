/**
 * Acting as someone in service tests: their `Principal` (grants read from the database), and a
 * transaction run as them — the grants are read before the transaction starts, as a request does.
 */
import type { Db, Trx } from "../../src/db/database.ts";
import { transaction } from "../../src/db/transaction.ts";
import { type Clock, fixedClock } from "../../src/lib/clock.ts";
import type { Principal } from "../../src/modules/access/access.service.ts";
import { loadGrants } from "../../src/modules/access/access.service.ts";
import type { Ctx } from "../../src/modules/access/context.ts";

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

/** What a service takes first: the database (or a transaction), the clock and who is asking (null: the public). */
export function ctxFor(db: Db, clock: Clock, principal: Principal | null): Ctx {
  return { db, clock, principal };
}

/** A service call on a London day (`YYYY-MM-DD`, at noon) as `principal` (null: the public). */
export function ctxOnDay(db: Db, date: string, principal: Principal | null): Ctx {
  return ctxFor(db, fixedClock(new Date(`${date}T12:00:00Z`)), principal);
}
