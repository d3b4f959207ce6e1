/**
 * Finding 3 of the security review: demo mode was on unless NODE_ENV=production, and demo seeds
 * ran into an existing database, so a data directory made with OPENPS_DEMO=false, restarted without
 * the variable, gained the demo accounts with their published password — a platform administrator
 * among them, reachable through POST /sign-in/demo with no password. Now demo mode is on only when
 * asked for (`npm start` asks, with --demo), the mode is recorded when a database is first seeded,
 * and demo mode is refused on a database created without it.
 */
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, serverEnvironment } from "../../src/config/config.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { DEMO_USERS } from "../../src/seed/demo/users.ts";
import { DemoModeRefusedError, runSeeds } from "../../src/seed/seed.ts";
import { seeds } from "../../src/seed/seeds.ts";
import { createTestApp } from "../support/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.destroy();
  database = undefined;
});

const demoUserCount = async (db: TestDatabase["db"]) =>
  (
    await db
      .selectFrom("users")
      .select("id")
      .where(
        "id",
        "in",
        DEMO_USERS.map((u) => u.id),
      )
      .execute()
  ).length;

describe("demo mode", () => {
  it("is off unless asked for, whatever NODE_ENV is; npm start asks for it with --demo", () => {
    for (const NODE_ENV of ["development", "test", "production", undefined])
      expect(loadConfig({ NODE_ENV }).demo, String(NODE_ENV)).toBe(false);
    expect(loadConfig({ OPENPS_DEMO: "true" }).demo).toBe(true);
    expect(loadConfig(serverEnvironment(["--demo"], {})).demo).toBe(true);
    expect(loadConfig(serverEnvironment([], {})).demo).toBe(false);
    // An explicit setting wins over --demo.
    expect(loadConfig(serverEnvironment(["--demo"], { OPENPS_DEMO: "false" })).demo).toBe(false);
    expect(() => serverEnvironment(["--dmeo"], {})).toThrow(ConfigError);
    const scripts = JSON.parse(fs.readFileSync("package.json", "utf8")).scripts;
    expect(scripts.start).toBe("node src/server.ts --demo");
  });

  it("is recorded when a database is first seeded, and refused on one created without it", async () => {
    database = await createTestDatabase();
    await runSeeds(database.db, systemClock, seeds, { demo: false });
    expect(await database.db.selectFrom("deployment").select("demo").executeTakeFirst()).toEqual({
      demo: false,
    });
    // Restarted in demo mode: refused, and no demo account appears.
    await expect(runSeeds(database.db, systemClock, seeds, { demo: true })).rejects.toThrow(
      DemoModeRefusedError,
    );
    expect(await demoUserCount(database.db)).toBe(0);
    // Without it, it starts as before.
    expect((await runSeeds(database.db, systemClock, seeds, { demo: false })).applied).toEqual([]);
  });

  it("takes a database seeded before the mode was recorded as a demo one only if its demo seeds ran", async () => {
    database = await createTestDatabase();
    const now = new Date();
    await database.db
      .insertInto("seed_runs")
      .values({ name: "reference-service-categories", applied_at: now })
      .execute();
    await expect(runSeeds(database.db, systemClock, seeds, { demo: true })).rejects.toThrow(
      DemoModeRefusedError,
    );
    expect(await demoUserCount(database.db)).toBe(0);
  });

  it("offers no demo sign-in outside demo mode", async () => {
    const t = await createTestApp({ seeded: true, env: { OPENPS_DEMO: "false" } });
    try {
      const admin = DEMO_USERS.find((u) => u.role === "platform-admin") ?? DEMO_USERS[0];
      const page = await t.app.inject({ url: "/sign-in" });
      expect(page.body).not.toContain("/sign-in/demo");
      const cookie = page.cookies.find((c) => c.name === "openps_csrf")?.value;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
      const response = await t.app.inject({
        method: "POST",
        url: "/sign-in/demo",
        headers: { cookie: `openps_csrf=${cookie}`, "content-type": "application/x-www-form-urlencoded" },
        payload: new URLSearchParams({ _csrf: csrf, userId: admin?.id ?? "" }).toString(),
      });
      expect(response.statusCode).toBe(404);
      expect(response.cookies.some((c) => c.name === "openps_session")).toBe(false);
    } finally {
      await t.close();
    }
  });
});
