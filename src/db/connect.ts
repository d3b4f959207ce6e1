/**
 * Opens the database: the embedded PGlite under the data directory when no DATABASE_URL is set,
 * otherwise a PostgreSQL server through node-postgres. The same SQL, dialect and type parsers serve
 * both.
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from "kysely";
import pg from "pg";
import { restrictToOwner } from "../lib/private-files.ts";
import type { Database } from "./database.ts";
import { type DataDirLock, lockDataDir } from "./lock.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import { renameIfStale, statementName } from "./prepared.ts";
import { guardedDialect } from "./transaction.ts";
import { keepText, PG_TYPE, parseInt8 } from "./type-parsers.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The embedded database, when it is one (backups use it). */
  readonly pglite: PGlite | undefined;
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
    return { db, kind: "postgres", pglite: undefined, close };
  }

  let lock: DataDirLock | undefined;
  if (options.dataDir && options.lock !== false) {
    lock = await lockDataDir(options.dataDir);
    // The directory itself at once (then no one else reaches what is in it); every file on closing.
    fs.chmodSync(options.dataDir, 0o700);
  }
  try {
    const pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: pgliteDirectory(options.dataDir) } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      parsers: pgliteParsers(),
      ...(!options.dataDir || options.shortLived ? { startParams: SMALL_BUFFERS } : {}),
    });
    const db = new Kysely<Database>({ dialect: guardedDialect(new PGliteDialect(pglite)) });
    return {
      db,
      kind: "pglite",
      pglite,
      async close() {
        try {
          await db.destroy();
          // Kysely only destroys a driver it has used; close PGlite whatever happened.
          if (!pglite.closed) await pglite.close();
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
