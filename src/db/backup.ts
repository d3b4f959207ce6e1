/**
 * Backups of the embedded database. PGlite runs without fsync, so backups matter. A backup is a
 * gzipped tar holding `database.tgz` (PGlite's dump of its data directory) and `files/` (the file
 * store), so one file restores everything the data directory holds. For a PostgreSQL server use
 * pg_dump and pg_restore (see docs/operations.md).
 */
import fs from "node:fs";
import path from "node:path";
import * as tar from "tar";
import { openDatabase, pgliteDirectory } from "./connect.ts";
import { lockDataDir } from "./lock.ts";

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

const DUMP_NAME = "database.tgz";
const FILES_DIR = "files";
const KEYS_DIR = "keys";
/** Directories of the data directory that a backup carries beside the database. */
const CARRIED = [FILES_DIR, KEYS_DIR];

function stamp(date: Date): string {
  return date.toISOString().replaceAll(/[:.]/g, "-");
}

/** Writes a backup of the data directory to `file`. Takes the lock: the server must be stopped. */
export async function backupEmbedded(
  dataDir: string,
  file: string,
  now: Date = new Date(),
): Promise<{ bytes: number }> {
  if (!fs.existsSync(pgliteDirectory(dataDir))) {
    throw new BackupError(`There is no embedded database in ${dataDir} to back up. Check OPENPS_DATA_DIR.`);
  }
  const staging = fs.mkdtempSync(path.join(dataDir, `.backup-${stamp(now)}-`));
  try {
    const database = await openDatabase({ dataDir, lock: true });
    try {
      const dump = await database.pglite?.dumpDataDir("gzip");
      if (!dump) throw new BackupError("The embedded database could not be dumped.");
      fs.writeFileSync(path.join(staging, DUMP_NAME), new Uint8Array(await dump.arrayBuffer()));
    } finally {
      await database.close();
    }
    const entries = [DUMP_NAME];
    for (const dir of CARRIED) {
      if (!fs.existsSync(path.join(dataDir, dir))) continue;
      fs.cpSync(path.join(dataDir, dir), path.join(staging, dir), { recursive: true });
      entries.push(dir);
    }
    const target = path.resolve(file);
    const partial = `${target}.partial`;
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, entries);
    fs.renameSync(partial, target);
    return { bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a backup into the data directory. The current database and files are moved aside
 * (`pgdata.before-restore-<time>`), never deleted. Takes the lock: the server must be stopped.
 */
export async function restoreEmbedded(
  dataDir: string,
  file: string,
  now: Date = new Date(),
): Promise<{ keptAside: string[] }> {
  if (!fs.existsSync(file)) throw new BackupError(`There is no backup file at ${file}.`);
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  const staging = fs.mkdtempSync(path.join(dataDir, `.restore-${stamp(now)}-`));
  try {
    try {
      await tar.extract({ file, cwd: staging, strict: true });
    } catch (error) {
      throw new BackupError(`${file} is not an OpenPS backup (${(error as Error).message}).`);
    }
    const dumpPath = path.join(staging, DUMP_NAME);
    if (!fs.existsSync(dumpPath))
      throw new BackupError(`${file} is not an OpenPS backup: it has no ${DUMP_NAME}.`);

    // Load into a fresh directory first, so a bad backup leaves the current data untouched.
    const restoredDb = path.join(staging, "pgdata");
    const { PGlite } = await import("@electric-sql/pglite");
    const pg = await PGlite.create({
      dataDir: restoredDb,
      loadDataDir: new Blob([fs.readFileSync(dumpPath)]),
    });
    await pg.query("select 1");
    await pg.close();

    const keptAside: string[] = [];
    const swap = (name: string, restored: string) => {
      const current = path.join(dataDir, name);
      if (fs.existsSync(current)) {
        const aside = path.join(dataDir, `${name}.before-restore-${stamp(now)}`);
        fs.renameSync(current, aside);
        keptAside.push(aside);
      }
      if (fs.existsSync(restored)) fs.renameSync(restored, current);
    };
    swap(path.basename(pgliteDirectory(dataDir)), restoredDb);
    // What the backup carries replaces what is there; what it does not carry is left alone.
    for (const dir of CARRIED) if (fs.existsSync(path.join(staging, dir))) swap(dir, path.join(staging, dir));
    return { keptAside };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}
