/**
 * Finding 7 of the security review: the embedded database's lock checked only a pid, so a second
 * server in another pid namespace on the same data directory ran beside the first, and ten tenders
 * the first had acknowledged were gone afterwards. Now the operating system's lock (`flock`) is
 * held for the life of the process: a pid that means nothing here cannot let a second process in,
 * and a process killed outright leaves nothing to clear up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseLockedError, lockDataDir, OS_LOCK_FILE } from "../../src/db/lock.ts";
import { projectRoot } from "../support/spawn.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  // Each started process leads its own group: the group goes, the commands it started with it.
  for (const child of children.splice(0)) {
    child.stdout?.destroy();
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-lock-"));
  dirs.push(dir);
  return dir;
}

/** Starts a process and resolves once it has written `line`. */
function started(command: string, args: string[], line: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], detached: true });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (data: Buffer) => {
      if (data.toString().includes(line)) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`${command} exited with ${code} before saying ${line}`)));
  });
}

describe("the embedded database's lock", () => {
  it("refuses a second process while another holds it, whatever pid its file names", async () => {
    const dir = dataDir();
    // Another process — in another pid namespace, its pid means nothing here — holds the lock.
    await started(
      "flock",
      [path.join(dir, OS_LOCK_FILE), "sh", "-c", "echo holding; exec sleep 60"],
      "holding",
    );
    fs.writeFileSync(path.join(dir, "openps.lock"), "999999\n");
    await expect(lockDataDir(dir)).rejects.toThrow(DatabaseLockedError);
    await expect(lockDataDir(dir)).rejects.toThrow(/in use by another OpenPS process \(pid 999999\)/);
  });

  it("is one per data directory within a process too, and free again once released", async () => {
    const dir = dataDir();
    const lock = await lockDataDir(dir);
    await expect(lockDataDir(dir)).rejects.toThrow(DatabaseLockedError);
    await lock.release();
    await (await lockDataDir(dir)).release();
  });

  it("goes with a process killed outright: nothing to clear up", async () => {
    const dir = dataDir();
    const node = path.join(projectRoot, "node_modules", ".bin", "node");
    const holder = await started(
      node,
      [
        "--input-type=module",
        "-e",
        `import { lockDataDir } from ${JSON.stringify(path.join(projectRoot, "src/db/lock.ts"))};
         await lockDataDir(${JSON.stringify(dir)}); console.log("held"); setInterval(() => {}, 1000);`,
      ],
      "held",
    );
    await expect(lockDataDir(dir)).rejects.toThrow(DatabaseLockedError);
    const exited = new Promise((resolve) => holder.on("exit", resolve));
    holder.kill("SIGKILL");
    await exited;
    // The flock child sees its pipe close and exits: give it a moment, by retrying.
    let lock: Awaited<ReturnType<typeof lockDataDir>> | undefined;
    for (let tries = 0; !lock && tries < 50; tries++)
      lock = await lockDataDir(dir).catch(
        () => new Promise<undefined>((r) => setTimeout(() => r(undefined), 20)),
      );
    expect(lock).toBeDefined();
    await lock?.release();
  });
});
