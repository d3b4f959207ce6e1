/**
 * The embedded database's exclusive lock: a file holding the owning process id, beside the data.
 * A lock left by a process that has died is taken over; a live one is refused with a clear message.
 */
import fs from "node:fs";
import path from "node:path";

export class DatabaseLockedError extends Error {
  readonly pid: number;
  constructor(lockFile: string, pid: number) {
    super(
      `The embedded database in ${path.dirname(lockFile)} is in use by another OpenPS process (pid ${pid}). ` +
        "Stop the server first, or set OPENPS_DATA_DIR to another directory.",
    );
    this.name = "DatabaseLockedError";
    this.pid = pid;
  }
}

function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/** Takes the lock or throws `DatabaseLockedError`. */
export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "openps.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
      if (owner === process.pid) throw new DatabaseLockedError(file, owner);
      if (processIsAlive(owner)) throw new DatabaseLockedError(file, owner);
      // Stale: the owner died without releasing. Take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}; remove it if no OpenPS process is running.`);
}
