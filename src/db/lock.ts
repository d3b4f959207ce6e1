/**
 * The embedded database's exclusive lock, held for the life of the process: the operating system's
 * lock (`flock`, on `openps.flock` beside the data), which holds across pid namespaces and
 * containers (security finding 7: a pid-only lock let a second server in another pid namespace run
 * beside the first and lose acknowledged writes), and a file naming the holder's process id for the
 * message ("stop the server first"). Where there is no `flock` (not Linux), the pid file alone: a
 * lock left by a process that has died is taken over; a live one is refused.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export class DatabaseLockedError extends Error {
  readonly pid: number;
  constructor(lockFile: string, pid: number) {
    super(
      `The embedded database in ${path.dirname(lockFile)} is in use by another OpenPS process${Number.isInteger(pid) ? ` (pid ${pid})` : ""}. ` +
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
  /** Lets the lock go; resolves once another process may take it. */
  release(): Promise<void>;
}

/** The file the operating system's lock is taken on: never deleted, so every process locks one inode. */
export const OS_LOCK_FILE = "openps.flock";

/**
 * Holds an exclusive `flock` on `file` for as long as this process lives (or until `release`): a
 * `flock` child (util-linux) takes it and keeps it while its standard input — a pipe from this
 * process — stays open; when this process ends, however it ends, the pipe closes and the lock goes.
 * The kernel's lock holds across pid namespaces and containers sharing the directory, where a pid
 * means nothing. Resolves false when another process holds it; undefined where there is no `flock`.
 */
function holdOsLock(file: string): Promise<{ release(): Promise<void> } | false | undefined> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      // --close: only flock holds the lock (its command does not inherit it), so ending flock ends it.
      child = spawn(
        "flock",
        [
          "--exclusive",
          "--nonblock",
          "--close",
          "--conflict-exit-code",
          "75",
          file,
          "sh",
          "-c",
          "echo locked; exec cat",
        ],
        {
          stdio: ["pipe", "pipe", "ignore"],
        },
      );
    } catch {
      resolve(undefined);
      return;
    }
    let settled = false;
    const settle = (value: { release(): Promise<void> } | false | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    child.on("error", () => settle(undefined));
    child.on("exit", (code) => settle(code === 75 ? false : undefined));
    child.stdout?.once("data", () => {
      // Held: the child, its pipes and the lock live on without keeping this process running.
      child.removeAllListeners("exit");
      child.unref();
      (child.stdout as unknown as { unref?(): void })?.unref?.();
      (child.stdin as unknown as { unref?(): void })?.unref?.();
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      settle({
        release() {
          // Waited for: the process stays up until the lock is let go.
          child.ref();
          child.stdin?.end();
          child.kill();
          return exited;
        },
      });
    });
  });
}

/**
 * Takes the lock or throws `DatabaseLockedError`: the operating system's lock first (held for the
 * life of the process), then the pid file that names the holder in messages. Where there is no
 * `flock`, the pid file alone, taken over when its process has died.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "openps.lock");
  const osLock = await holdOsLock(path.join(dataDir, OS_LOCK_FILE));
  if (osLock === false) throw new DatabaseLockedError(file, ownerOf(file));
  if (osLock) {
    // Whatever pid file is there was left by a process that no longer holds the lock.
    fs.writeFileSync(file, `${process.pid}\n`);
    return lockOf(file, async () => {
      fs.rmSync(file, { force: true });
      await osLock.release();
    });
  }
  return lockByPidFile(file);
}

/** A lock on `file` that `letGo` releases, once however often it is asked. */
function lockOf(file: string, letGo: () => Promise<void> | void): DataDirLock {
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      await letGo();
    },
  };
}

function ownerOf(file: string): number {
  try {
    return Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
  } catch {
    return Number.NaN;
  }
}

function lockByPidFile(file: string): DataDirLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return lockOf(file, () => {
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      });
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
