/**
 * What OpenPS writes is for the account that runs it alone: the database (WAL included), uploaded
 * files, keys and backups. `keepFilesPrivate()` makes every file the process creates from then on
 * 0600 and every directory 0700 (a umask of 077; the server and the CLI call it first thing), and
 * `restrictToOwner(dir)` brings what an earlier version left readable by others (the database's
 * files were 0666), or PGlite made under its own umask, down to the same when the database closes.
 */
import fs from "node:fs";
import path from "node:path";

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIRECTORY_MODE = 0o700;

/** From now on, files this process creates are 0600 and directories 0700. */
export function keepFilesPrivate(): void {
  process.umask(0o077);
}

/** Takes group and other permissions off `dir` and everything under it (symbolic links are left). */
export function restrictToOwner(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const visit = (entry: string, stat: fs.Stats) => {
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) fs.chmodSync(entry, stat.mode & 0o700);
    if (!stat.isDirectory()) return;
    for (const name of fs.readdirSync(entry)) {
      const child = path.join(entry, name);
      visit(child, fs.lstatSync(child));
    }
  };
  visit(dir, fs.lstatSync(dir));
}
