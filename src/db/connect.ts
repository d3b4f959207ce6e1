/**
 * Opens the database: the embedded PGlite under the data directory when no DATABASE_URL is set,
 * otherwise a PostgreSQL server through node-postgres. The same SQL, dialect and type parsers serve
 * both. The server runs PGlite in a worker thread (pglite-worker-host.ts); commands and tests, in
 * process.
 */
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from "kysely";
import pg from "pg";
import { restrictToOwner } from "../lib/private-files.ts";
import { type Database, markEmbedded } from "./database.ts";
import { type DataDirLock, lockDataDir } from "./lock.ts";
import { type EmbeddedPostgres, PGliteDialect } from "./pglite-dialect.ts";
import { type EmbeddedDatabaseStoppedError, PGliteWorker } from "./pglite-worker-host.ts";
import { renameIfStale, statementName } from "./prepared.ts";
import { guardedDialect } from "./transaction.ts";
import { keepText, PG_TYPE, parseInt8 } from "./type-parsers.ts";

export type DatabaseKind = "pglite" | "postgres";

/** The embedded database's memory, in bytes. */
export interface EmbeddedMemory {
  /** Where PostgreSQL runs: a worker thread of its own (the server), or the main thread. */
  thread: "worker" | "main";
  /**
   * PostgreSQL's WebAssembly memory: its shared buffers, work memory and caches. It grows as
   * PostgreSQL needs and never shrinks; WebAssembly allows 2 GB at most.
   */
  wasm: number;
  /** The JavaScript heap of that thread: in use, allocated, and its limit. */
  heapUsed: number;
  heapTotal: number;
  heapLimit: number;
}

/** What the embedded database offers besides queries, wherever it runs. */
export interface EmbeddedDatabase {
  /** The connection the dialect speaks to: protocol messages in, PostgreSQL's messages out. */
  readonly postgres: EmbeddedPostgres;
  /** Its data directory as a tarball (backups, the tests' templates). */
  dumpDataDir(compression?: "none" | "gzip" | "auto"): Promise<Blob>;
  memory(): Promise<EmbeddedMemory>;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The embedded database, when it is one. */
  readonly embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL server; when absent the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Where the embedded database lives; when absent (and no URL), an in-memory database. */
  dataDir?: string | undefined;
  /** Take the data directory's exclusive lock (true for anything but tests). */
  lock?: boolean;
  /** Opened for seconds (an `openps` command), not by the server: the embedded database's buffers kept small. */
  shortLived?: boolean;
  /** Restore the embedded database from a data-directory tarball (see `openps restore`). */
  loadDataDir?: Blob;
  /**
   * Run the embedded database in a worker thread (the server): the main thread stays free while
   * PostgreSQL works, at the cost of passing each query and its answer between the two. Commands and
   * tests run it in process.
   */
  worker?: boolean;
  /** Called if the embedded database's worker stops unexpectedly (out of memory, a crash). */
  onEmbeddedStopped?: (error: EmbeddedDatabaseStoppedError) => void;
  /**
   * Called when an idle server connection fails (PostgreSQL restarted, network dropped). The pool
   * replaces it; without a listener node-postgres would crash the process.
   */
  onConnectionError?: (error: Error) => void;
}

/**
 * PostgreSQL's buffers for an embedded database that has no use for PGlite's 128 MB: one in memory
 * (a page not in the buffers is a copy away, its files being in memory already) or one opened by a
 * command that runs for seconds (`shortLived`). PostgreSQL clears its buffers on starting: with
 * 16 MB, an `openps` command takes a fifth less CPU and two fifths less memory (1.75 s and 310 MB
 * against 1.38 s and 185 MB here).
 */
const SMALL_BUFFERS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

/**
 * PostgreSQL's memory for the server's embedded database, within WebAssembly's 2 GB: its buffers
 * (128 MB, PostgreSQL's default: recently read pages kept in memory), the memory each sort or hash
 * of a query may take before spilling to temporary files (16 MB: PGlite runs one query at a time, so
 * it can afford four times the default), index builds and ANALYZE (64 MB), temporary tables (8 MB).
 * Started so, its WebAssembly memory is about 200 MB; a query's sorts and hashes add their work
 * memory while they run (a hash up to twice it), and WebAssembly memory, once grown, stays so.
 */
const SERVER_MEMORY = [
  ...PGlite.defaultStartParams,
  ...["-c", "shared_buffers=128MB", "-c", "work_mem=16MB"],
  ...["-c", "maintenance_work_mem=64MB", "-c", "temp_buffers=8MB"],
];

/** PostgreSQL's settings for an embedded database opened so. */
function startParams(options: { dataDir?: string | undefined; shortLived?: boolean | undefined }): string[] {
  return !options.dataDir || options.shortLived ? SMALL_BUFFERS : SERVER_MEMORY;
}

/**
 * PGlite in process, with the type parsers and settings `openDatabase` gives it: for the test kit,
 * which keeps its own, and the bench.
 */
export function createPGlite(options: {
  dataDir?: string | undefined;
  loadDataDir?: Blob | undefined;
  shortLived?: boolean;
}): Promise<PGlite> {
  return PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: pgliteParsers(),
    startParams: startParams(options),
  });
}

/** The embedded database in process (on the main thread). */
export function embeddedInProcess(pglite: PGlite): EmbeddedDatabase {
  return {
    postgres: pglite,
    dumpDataDir: (compression) => pglite.dumpDataDir(compression),
    async memory() {
      const heap = v8.getHeapStatistics();
      return {
        thread: "main",
        wasm: pglite.closed ? 0 : pglite.Module.HEAPU8.byteLength,
        heapUsed: heap.used_heap_size,
        heapTotal: heap.total_heap_size,
        heapLimit: heap.heap_size_limit,
      };
    },
  };
}

function embeddedInWorker(worker: PGliteWorker): EmbeddedDatabase {
  return {
    postgres: worker,
    dumpDataDir: (compression) => worker.dumpDataDir(compression),
    memory: () => worker.memory(),
  };
}

export function pgliteDirectory(dataDir: string): string {
  return path.join(dataDir, "pgdata");
}

export function pgliteParsers() {
  return {
    [PG_TYPE.INT8]: parseInt8,
    [PG_TYPE.NUMERIC]: keepText,
    [PG_TYPE.DATE]: keepText,
  };
}

function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === PG_TYPE.INT8) return parseInt8;
      if (oid === PG_TYPE.NUMERIC || oid === PG_TYPE.DATE) return keepText;
      return pg.types.getTypeParser(oid, format as "text");
    }) as pg.CustomTypesConfig["getTypeParser"],
  };
}

/**
 * The pool as Kysely sees it, each query sent as a named prepared statement (prepared.ts): parsed
 * once on each connection, which node-postgres remembers.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: (async (sql: string, parameters: readonly unknown[]) => {
      const name = statementName(sql);
      try {
        return await client.query(
          name === undefined
            ? { text: sql, values: [...parameters] }
            : { name, text: sql, values: [...parameters] },
        );
      } catch (error) {
        renameIfStale(sql, error);
        throw error;
      }
    }) as unknown as PostgresPoolClient["query"],
    release: () => client.release(),
  });
  return {
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) {
        wrapped = wrap(client);
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, types: pgTypes(), max: 10 });
    pool.on("error", (error) => {
      if (options.onConnectionError) options.onConnectionError(error);
      else console.error(`PostgreSQL connection lost (the pool will reconnect): ${error.message}`);
    });
    const db = new Kysely<Database>({
      dialect: guardedDialect(new PostgresDialect({ pool: preparingPool(pool) })),
    });
    async function close(): Promise<void> {
      await db.destroy();
      // Kysely ends the pool only if it was used; a handle closed unused must refuse queries too.
      if (!pool.ended) await pool.end();
    }
    return { db, kind: "postgres", embedded: undefined, close };
  }

  let lock: DataDirLock | undefined;
  if (options.dataDir && options.lock !== false) {
    lock = await lockDataDir(options.dataDir);
    // The directory itself at once (then no one else reaches what is in it); every file on closing.
    fs.chmodSync(options.dataDir, 0o700);
  }
  try {
    const dataDir = options.dataDir ? pgliteDirectory(options.dataDir) : undefined;
    let embedded: EmbeddedDatabase;
    if (options.worker) {
      embedded = embeddedInWorker(
        await PGliteWorker.start({
          dataDir,
          loadDataDir: options.loadDataDir,
          startParams: startParams(options),
          parsers: pgliteParsers(),
          onStopped: options.onEmbeddedStopped,
        }),
      );
    } else {
      embedded = embeddedInProcess(
        await createPGlite({
          dataDir,
          loadDataDir: options.loadDataDir,
          shortLived: options.shortLived ?? false,
        }),
      );
    }
    const postgres = embedded.postgres;
    const db = new Kysely<Database>({ dialect: guardedDialect(new PGliteDialect(postgres)) });
    markEmbedded(db);
    return {
      db,
      kind: "pglite",
      embedded,
      async close() {
        try {
          await db.destroy();
          // Kysely only destroys a driver it has used; close PGlite whatever happened.
          if (!postgres.closed) await postgres.close();
        } finally {
          // What an earlier version left open (the database's files were 0666), and what PGlite
          // makes under its own umask (0644), made the owner's alone: no one else could reach
          // them meanwhile, the directory being 0700 from the opening.
          if (lock && options.dataDir) restrictToOwner(options.dataDir);
          await lock?.release();
        }
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
