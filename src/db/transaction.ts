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
  return db.transaction().execute((trx) => insideTransaction.run(true, () => fn(trx)));
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
