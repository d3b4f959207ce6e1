/**
 * Runs the real `openps` command or server as a child process, on the project's Node 24. Children
 * share Node's compile cache (the code of the application compiled once, not in every process).
 * Give them a prepared data directory (`createTestDataDir` in test-db.ts) unless migrating or
 * seeding is what the test is about.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Node checks each cached entry against its source, so the cache outlives a run safely. */
export const COMPILE_CACHE = path.join(os.tmpdir(), "openps-test-compile-cache");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    NODE_COMPILE_CACHE: COMPILE_CACHE,
    ...env,
  };
  // A child on PGlite must not inherit a PostgreSQL URL unless the test gives one.
  if (!("DATABASE_URL" in env)) delete base.DATABASE_URL;
  return base;
}

export function runOpenps(args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(projectRoot, "bin", "openps"), args, {
      env: childEnv(env),
      cwd: projectRoot,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export function startServer(env: Record<string, string>): ChildProcess & { output: () => string } {
  // A test's server lives seconds: V8's optimising compiler would spend more CPU on the embedded
  // database's WebAssembly than it could ever save (as for the openps command, bin/openps).
  const child = spawn(
    path.join(projectRoot, "node_modules", ".bin", "node"),
    ["--liftoff-only", path.join(projectRoot, "src", "server.ts")],
    {
      env: childEnv(env),
      cwd: projectRoot,
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  return Object.assign(child, { output: () => output });
}

/**
 * Resolves when the child (from `startServer`) has written `text`, as it writes it; fails if it
 * exits first, or after `timeoutMs`.
 */
export function waitForOutput(
  child: ChildProcess & { output: () => string },
  text: string,
  timeoutMs = 60_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (child.output().includes(text)) finish();
    };
    const exit = () => finish(new Error(`The process exited before writing "${text}":\n${child.output()}`));
    const timer = setTimeout(
      () => finish(new Error(`Timed out waiting for "${text}":\n${child.output()}`)),
      timeoutMs,
    );
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off("data", check);
      child.stderr?.off("data", check);
      child.off("exit", exit);
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", exit);
    check();
    if (child.exitCode !== null) exit();
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** A port free on loopback now, for a server to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
