/**
 * `npm start` as a user runs it: the real server process on the embedded database, seeded with the
 * demo data on first start; a second server on the same data directory refuses clearly; SIGTERM
 * shuts down gracefully and releases the database. The data directory is migrated already
 * (`openps migrate` on a new one is tests/cli's): the server seeds it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exited, freePort, startServer, waitForOutput } from "../support/spawn.ts";
import { createTestDataDir } from "../support/test-db.ts";

let dataDir: string;
let port: number;
let server: ReturnType<typeof startServer>;
let base: string;

beforeAll(async () => {
  dataDir = await createTestDataDir();
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = startServer({ PORT: String(port), OPENPS_DATA_DIR: dataDir, OPENPS_DEMO: "true" });
  await waitForOutput(server, "OpenPS is running at", 110_000);
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGKILL");
    await exited(server);
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start", { timeout: 120_000 }, () => {
  it("serves the home page with the demo data on the embedded database", async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("OpenPS");
    expect(html).toContain("Westshire County Council");
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { database: string };
    expect(ready.database).toBe("pglite");
    expect(fs.readFileSync(path.join(dataDir, "openps.lock"), "utf8").trim()).toBe(String(server.pid));
  });

  it("logs requests with request ids and without query values", async () => {
    await fetch(`${base}/healthz?email=jane.smith%40example.org`, {
      headers: { "x-request-id": "test-request-0001" },
    });
    await waitForOutput(server, "test-request-0001");
    expect(server.output()).not.toContain("jane.smith");
  });

  it("refuses a second server on the same data directory, naming the running one", async () => {
    const second = startServer({ PORT: String(await freePort()), OPENPS_DATA_DIR: dataDir });
    expect(await exited(second)).toBe(1);
    expect(second.output()).toContain(
      `in use by another OpenPS process (pid ${server.pid}). Stop the server first`,
    );
  });

  it("shuts down gracefully on SIGTERM and releases the database", async () => {
    server.kill("SIGTERM");
    expect(await exited(server)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "openps.lock"))).toBe(false);
  });
});
