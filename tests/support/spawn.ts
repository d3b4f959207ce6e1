/** Runs the real `openps` command or server as a child process, on the project's Node 24. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", LOG_LEVEL: "info", ...env };
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
  const child = spawn(
    path.join(projectRoot, "node_modules", ".bin", "node"),
    [path.join(projectRoot, "src", "server.ts")],
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

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
