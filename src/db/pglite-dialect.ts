/**
 * A Kysely dialect for PGlite (PostgreSQL compiled to WebAssembly), in process or in a worker
 * thread (pglite-worker-host.ts): the dialect speaks to an `EmbeddedPostgres`, which both are.
 *
 * PGlite has exactly one connection, so the driver hands it out under a mutex: a transaction holds
 * it until commit or rollback. That is why using the root handle inside a transaction would wait
 * for ever — `src/db/transaction.ts` guards against it.
 */
import { type messages, parse, protocol } from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import pgUtils from "pg/lib/utils.js";
import { isStale, statementName } from "./prepared.ts";

/** A message from PostgreSQL, as PGlite's protocol parser reads it. */
export type BackendMessage = messages.BackendMessage;

/** Type parsers by type id, as PGlite keeps them (`pglite.parsers`). */
export type ResultParsers = Parameters<typeof parse.parseResults>[1];

/**
 * What the dialect needs of an embedded database, as PGlite offers it: one call into PostgreSQL
 * with a protocol message, answering PostgreSQL's messages or rejecting with its error (PGlite's
 * `DatabaseError`, with PostgreSQL's code, detail and constraint); a lock for a sequence of calls;
 * the type parsers its answers are read with. PGlite itself is one; `PGliteWorker`, PGlite in a
 * worker thread, is another.
 */
export interface EmbeddedPostgres {
  readonly parsers: ResultParsers;
  readonly closed: boolean;
  readonly waitReady: Promise<void>;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  execProtocol(message: Uint8Array): Promise<{ messages: BackendMessage[] }>;
  close(): Promise<void>;
}

class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with a release function once every earlier holder has released. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

/**
 * The statements prepared on an embedded database (prepared.ts): those parsed, and those to close —
 * a statement whose message failed while or after parsing it may or may not exist, and one whose
 * table changed no longer fits. They are closed at the start of the database's next message (closing
 * one that does not exist is no error, nor is closing in a failed transaction), then parsed again
 * when next used: no call of its own into the database on a failure.
 */
interface Statements {
  parsed: Set<string>;
  toClose: Set<string>;
}

const statementsOn = new WeakMap<EmbeddedPostgres, Statements>();

function statementsFor(pg: EmbeddedPostgres): Statements {
  let statements = statementsOn.get(pg);
  if (!statements) {
    statements = { parsed: new Set(), toClose: new Set() };
    statementsOn.set(pg, statements);
  }
  return statements;
}

/**
 * A query as one message for PGlite's one call into PostgreSQL: close what is to be closed, parse
 * (unless the statement is parsed already), bind, describe, execute, sync. (PGlite's own `query`
 * makes six calls, asking first for the parameters' types; this takes two fifths less time a
 * query.) Parameters are converted as node-postgres converts them for a PostgreSQL server
 * (`prepareValue`: dates with their offset, arrays as array literals, objects as JSON, bytes as
 * binary), so that the same SQL gets the same parameters on both.
 */
function queryMessage(
  sql: string,
  parameters: readonly unknown[],
  statement: { name: string; parsed: boolean },
  toClose: Iterable<string>,
): Uint8Array {
  const parts = [
    ...[...toClose].map((name) => protocol.serialize.close({ type: "S", name })),
    ...(statement.parsed ? [] : [protocol.serialize.parse({ name: statement.name, text: sql })]),
    protocol.serialize.bind({
      statement: statement.name,
      values: parameters.map((value) => pgUtils.prepareValue(value)),
    }),
    protocol.serialize.describe({ type: "P" }),
    protocol.serialize.execute({}),
    protocol.serialize.sync(),
  ];
  return oneMessage(parts);
}

/** Protocol messages as one buffer, for one call into PGlite (`execProtocol`). */
export function oneMessage(parts: readonly Uint8Array[]): Uint8Array {
  const message = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
}

class PGliteConnection implements DatabaseConnection {
  readonly #pg: EmbeddedPostgres;
  readonly #statements: Statements;
  constructor(pg: EmbeddedPostgres) {
    this.#pg = pg;
    this.#statements = statementsFor(pg);
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { parsed, toClose } = this.#statements;
    const name = statementName(compiled.sql) ?? "";
    const statement = { name, parsed: name !== "" && parsed.has(name) };
    const message = queryMessage(compiled.sql, compiled.parameters, statement, toClose);
    toClose.clear();
    let messages: BackendMessage[];
    try {
      ({ messages } = await this.#pg.runExclusive(() => this.#pg.execProtocol(message)));
    } catch (error) {
      if (name !== "" && (!statement.parsed || isStale(error))) {
        parsed.delete(name);
        toClose.add(name);
      }
      throw error;
    }
    if (name !== "") parsed.add(name);
    const [result] = parse.parseResults(messages, this.#pg.parsers, { rowMode: "object" });
    const rows = (result?.rows ?? []) as R[];
    const affected = result?.affectedRows;
    return affected === undefined ? { rows } : { rows, numAffectedRows: BigInt(affected) };
  }

  // biome-ignore lint/correctness/useYield: PGlite cannot stream; page by key instead (src/db/paging.ts).
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("PGlite cannot stream query results; read in pages with pageByKey() instead.");
  }
}

class PGliteDriver implements Driver {
  readonly #pg: EmbeddedPostgres;
  readonly #mutex = new Mutex();
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  readonly #connection: PGliteConnection;

  constructor(pg: EmbeddedPostgres) {
    this.#pg = pg;
    this.#connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.#pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#pg.closed) throw new Error("The embedded database is closed.");
    const release = await this.#mutex.lock();
    this.#releases.set(this.#connection, release);
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : "";
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(connection);
    this.#releases.delete(connection);
    release?.();
  }

  async destroy(): Promise<void> {
    if (!this.#pg.closed) await this.#pg.close();
  }
}

export class PGliteDialect implements Dialect {
  readonly #pg: EmbeddedPostgres;
  constructor(pg: EmbeddedPostgres) {
    this.#pg = pg;
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#pg);
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}
