/**
 * Backups of the embedded database. PGlite runs without fsync, so backups matter. A backup is a
 * gzipped tar (mode 0600) holding `database.tgz` (PGlite's dump of its data directory), `files/`
 * (the file store) and, only when a passphrase is given, `keys.enc`: the server's keys (`keys/`:
 * the key of sessions, CSRF and two-factor secrets) encrypted with it (scrypt, AES-256-GCM). Without
 * a passphrase the keys are left out, and must be kept apart from the backups. For a PostgreSQL
 * server use pg_dump and pg_restore (see docs/operations.md).
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
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
const KEYS_FILE = "keys.enc";
/** Directories of the data directory that a backup carries beside the database. */
const CARRIED = [FILES_DIR];
const KEYS_MAGIC = Buffer.from("OPENPS-KEYS-1\n");

/** What became of the server's keys in a backup or a restore. */
export type KeysOutcome = "encrypted" | "left-out" | "restored" | "kept-current" | "none";

function keyOf(passphrase: string, salt: Buffer): Buffer {
  return scryptSync(passphrase, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

/** The files of `keys/`, encrypted with the passphrase. */
function sealKeys(keysDir: string, passphrase: string): Buffer {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(keysDir, { recursive: true }) as string[]) {
    const file = path.join(keysDir, name);
    if (fs.statSync(file).isFile()) files[name] = fs.readFileSync(file).toString("base64");
  }
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(passphrase, salt), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(files), "utf8"), cipher.final()]);
  return Buffer.concat([KEYS_MAGIC, salt, iv, cipher.getAuthTag(), sealed]);
}

/** Writes the keys of a `keys.enc` into `into`; `BackupError` for a wrong passphrase. */
function openKeys(sealed: Buffer, passphrase: string, into: string): void {
  const body = sealed.subarray(KEYS_MAGIC.length);
  const [salt, iv, tag, data] = [
    body.subarray(0, 16),
    body.subarray(16, 28),
    body.subarray(28, 44),
    body.subarray(44),
  ];
  let files: Record<string, string>;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyOf(passphrase, salt), iv);
    decipher.setAuthTag(tag);
    files = JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8"));
  } catch {
    throw new BackupError(
      "The backup's keys could not be decrypted: OPENPS_BACKUP_PASSPHRASE is not the passphrase it was made with. Nothing was restored.",
    );
  }
  fs.mkdirSync(into, { recursive: true, mode: 0o700 });
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(into, name);
    if (!file.startsWith(into + path.sep))
      throw new BackupError("The backup's keys name a file outside keys/.");
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, Buffer.from(content, "base64"), { mode: 0o600 });
  }
}

function stamp(date: Date): string {
  return date.toISOString().replaceAll(/[:.]/g, "-");
}

/** Writes a backup of the data directory to `file`. Takes the lock: the server must be stopped. */
export async function backupEmbedded(
  dataDir: string,
  file: string,
  options: { now?: Date; passphrase?: string | undefined } = {},
): Promise<{ bytes: number; keys: KeysOutcome }> {
  const now = options.now ?? new Date();
  if (!fs.existsSync(pgliteDirectory(dataDir))) {
    throw new BackupError(`There is no embedded database in ${dataDir} to back up. Check OPENPS_DATA_DIR.`);
  }
  const staging = fs.mkdtempSync(path.join(dataDir, `.backup-${stamp(now)}-`));
  try {
    const database = await openDatabase({ dataDir, lock: true, shortLived: true });
    try {
      const dump = await database.embedded?.dumpDataDir("gzip");
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
    const keysDir = path.join(dataDir, KEYS_DIR);
    let keys: KeysOutcome = "none";
    if (fs.existsSync(keysDir)) {
      keys = options.passphrase ? "encrypted" : "left-out";
      if (options.passphrase) {
        fs.writeFileSync(path.join(staging, KEYS_FILE), sealKeys(keysDir, options.passphrase), {
          mode: 0o600,
        });
        entries.push(KEYS_FILE);
      }
    }
    const target = path.resolve(file);
    const partial = `${target}.partial`;
    fs.writeFileSync(partial, "", { mode: 0o600 });
    fs.chmodSync(partial, 0o600);
    await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, entries);
    fs.renameSync(partial, target);
    return { bytes: fs.statSync(target).size, keys };
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
  options: { now?: Date; passphrase?: string | undefined } = {},
): Promise<{ keptAside: string[]; keys: KeysOutcome }> {
  const now = options.now ?? new Date();
  if (!fs.existsSync(file)) throw new BackupError(`There is no backup file at ${file}.`);
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
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

    // The keys first: a wrong passphrase leaves everything as it was.
    const sealedKeys = path.join(staging, KEYS_FILE);
    let keys: KeysOutcome = "none";
    if (fs.existsSync(sealedKeys)) {
      const sealed = fs.readFileSync(sealedKeys);
      if (!sealed.subarray(0, KEYS_MAGIC.length).equals(KEYS_MAGIC))
        throw new BackupError(`${file} is not an OpenPS backup: its ${KEYS_FILE} is not sealed keys.`);
      if (options.passphrase) {
        openKeys(sealed, options.passphrase, path.join(staging, KEYS_DIR));
        keys = "restored";
      } else keys = "kept-current";
    }

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
    for (const dir of [...CARRIED, KEYS_DIR])
      if (fs.existsSync(path.join(staging, dir))) swap(dir, path.join(staging, dir));
    return { keptAside, keys };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    await lock.release();
  }
}
