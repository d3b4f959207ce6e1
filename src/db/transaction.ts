/**
 * One transaction per user action, and a guard against the classic PGlite hang.
 *
 * Inside `transaction(db, fn)` only the transaction handle `trx` may be used. Touching the root
 * handle there would, on PGlite, wait for ever for the single connection the transaction holds,
 * and on a PostgreSQL server would silently run outside the transaction. The guarded driver throws
 * `RootHandleInTransactionError` instead, on both databases.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { DatabaseConnection, Dialect, Driver, Kysely, Transaction } from "kysely";

const insideTransaction = new AsyncLocalStorage<true>();

export class RootHandleInTransactionError extends Error {
  constructor() {
    super(
      "The root database handle was used inside a transaction. Pass the transaction handle (trx) to repositories instead.",
    );
    this.name = "RootHandleInTransactionError";
  }
}

/** Runs `fn` in one transaction: everything it writes commits together or not at all. */
export function transaction<DB, T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) {
    // Already inside one: join it, so services compose.
    return fn(db as Transaction<DB>);
  }
  if (insideTransaction.getStore()) throw new RootHandleInTransactionError();
  return db.transaction().execute((trx) =>
    insideTransaction.run(true, async () => {
      const result = await fn(trx);
      await runBeforeCommit(trx);
      return result;
    }),
  );
}

/** Work registered for the end of each open transaction, by key. */
const atCommit = new WeakMap<object, Map<string, () => Promise<void>>>();

/**
 * Runs `work` in the transaction `trx` once the action's own work is done, just before it commits
 * (and not at all if it rolls back): for what must see the whole change — an open-data release of a
 * contracting process changed by several writes. Registered again under the same `key`, it runs once
 * (the last registered). Work it registers in turn runs too, in the same transaction.
 */
export function beforeCommit(trx: { isTransaction: boolean }, key: string, work: () => Promise<void>): void {
  if (!trx.isTransaction) throw new Error("beforeCommit needs the transaction handle (trx).");
  let pending = atCommit.get(trx);
  if (!pending) {
    pending = new Map();
    atCommit.set(trx, pending);
  }
  pending.delete(key);
  pending.set(key, work);
}

async function runBeforeCommit(trx: object): Promise<void> {
  for (;;) {
    const pending = atCommit.get(trx);
    const next = pending?.entries().next().value;
    if (!pending || !next) return;
    const [key, work] = next;
    pending.delete(key);
    await work();
  }
}

function guardDriver(driver: Driver): Driver {
  return {
    init: () => driver.init(),
    acquireConnection: (): Promise<DatabaseConnection> => {
      if (insideTransaction.getStore()) return Promise.reject(new RootHandleInTransactionError());
      return driver.acquireConnection();
    },
    beginTransaction: (connection, settings) => driver.beginTransaction(connection, settings),
    commitTransaction: (connection) => driver.commitTransaction(connection),
    rollbackTransaction: (connection) => driver.rollbackTransaction(connection),
    releaseConnection: (connection) => driver.releaseConnection(connection),
    destroy: () => driver.destroy(),
  };
}

/** Wraps a dialect so its driver refuses root-handle use inside `transaction()`. */
export function guardedDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => guardDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
