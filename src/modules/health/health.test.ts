import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { testDatabaseUrl } from "../../../tests/support/test-db.ts";
import { openDatabase } from "../../db/connect.ts";
import { systemClock } from "../../lib/clock.ts";
import { checkReadiness } from "./health.service.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("health, readiness and version", () => {
  it("says the process is alive", async () => {
    const response = await t.app.inject({ url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("is ready when the database answers and every migration is applied", async () => {
    const response = await t.app.inject({ url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: "ok",
      database: process.env.DATABASE_URL ? "postgres" : "pglite",
      checks: { database: true, migrations: true },
    });
    // The embedded database's memory, here on the test's thread; none for a PostgreSQL server.
    const { memory } = response.json();
    if (testDatabaseUrl()) expect(memory).toBeUndefined();
    else
      expect(memory).toMatchObject({
        thread: "main",
        wasm: expect.any(Number),
        heapUsed: expect.any(Number),
      });
  });

  it.skipIf(testDatabaseUrl())(
    "answers /healthz while the embedded database, in its worker, runs a long query",
    async () => {
      const served = await createTestApp({ worker: true });
      try {
        const order: string[] = [];
        // A second: long enough that /healthz is answered first even on a machine busy with other tests.
        const slow = sql`select pg_sleep(1)`.execute(served.database.db).then(() => order.push("query"));
        // The query is with the worker once the event loop has turned.
        await new Promise((resolve) => setImmediate(resolve));
        const response = await served.app.inject({ url: "/healthz" });
        order.push("healthz");
        await slow;
        expect(response.statusCode).toBe(200);
        expect(order).toEqual(["healthz", "query"]);
        const ready = (await served.app.inject({ url: "/readyz" })).json();
        expect(ready.memory).toMatchObject({ thread: "worker" });
        expect(ready.memory.wasm).toBeGreaterThanOrEqual(128 * 1024 * 1024);
      } finally {
        await served.close();
      }
    },
  );

  it("serves the API's health and version", async () => {
    expect((await call(t.app, "GET", "/api/v1/health")).json().status).toBe("ok");
    const version = (await call(t.app, "GET", "/api/v1/version")).json();
    expect(version).toMatchObject({ name: "OpenPS", version: "0.1.0" });
    expect(version.node).toMatch(/^v24\./);
  });

  it("documents every API route in the generated OpenAPI document", async () => {
    const response = await call(t.app, "GET", "/api/openapi.json");
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/health", "/api/v1/version"]));
    expect(doc.paths["/api/v1/version"].get.responses["200"]).toBeDefined();
    expect(Object.keys(doc.paths)).not.toContain("/healthz");
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("is not ready, with 503, when the database does not answer", async () => {
    const unreachable = await openDatabase({
      databaseUrl: "postgres://nobody@127.0.0.1:1/none",
      onConnectionError: () => {},
    });
    const readiness = await checkReadiness({ db: unreachable.db, clock: systemClock }, "postgres");
    await unreachable.close();
    expect(readiness).toMatchObject({
      status: "unavailable",
      checks: { database: false, migrations: false },
    });
  });

  it("is not ready when the embedded database has been closed", async () => {
    const other = await createTestApp();
    await other.database.destroy();
    const response = await other.app.inject({ url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.database).toBe(false);
    await other.app.close();
  });
});
