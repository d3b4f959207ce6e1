/**
 * The demo clock (issue 14, item 5), through HTTP on the seeded demo: only platform administrators
 * move it, forward only, by whole days; what waits for time then happens (a standstill ends and its
 * award is ready for a contract, a tender's deadline passes); every page says how far ahead it is
 * until it is reset; each move and reset is audited; sessions move with it; a restart keeps it.
 * Outside demo mode there is none: no route (404), and the offset is not read whatever the database
 * holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { createTestDatabase, DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import { fixedClock, isMovableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_AWARD } from "../../seed/demo/evaluation.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { demoModeClock } from "./demo-clock.service.ts";

const DAY = 24 * 60 * 60 * 1000;
const COUNTY = DEMO_AUTHORITY.county;
const userOf = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id as string;

describe("the demo clock in demo mode", () => {
  let t: TestApp;
  let admin: TestSession;
  let commissioner: TestSession;

  beforeAll(async () => {
    t = await createTestApp({ seeded: true });
    admin = await sessionFor(t.app, userOf("platform-admin"), { twoFactor: true });
    commissioner = await sessionFor(t.app, userOf("commissioner"), { twoFactor: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  const ready = async () =>
    (await call(t.app, "GET", `/api/v1/authorities/${COUNTY}/contracts/ready`, commissioner))
      .json()
      .awards.map((a: { id: string }) => a.id);
  const auditOf = (action: string) =>
    t.deps.db
      .selectFrom("audit_events")
      .select(["actor_type", "actor_id", "changes", "occurred_at"])
      .where("action", "=", action)
      .orderBy("seq")
      .execute();

  it("runs at the real time until it is moved, and no page has the banner", async () => {
    const state = await call(t.app, "GET", "/api/v1/demo-clock");
    expect(state.json()).toEqual({
      daysAhead: 0,
      now: DEMO_SEEDED_AT.toISOString(),
      realNow: DEMO_SEEDED_AT.toISOString(),
    });
    expect((await call(t.app, "GET", "/", admin)).body).not.toContain("demo-clock-banner");
    const page = await call(t.app, "GET", "/admin/demo-clock", admin);
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("The demo clock is at the real time");
    // Platform administrators find it from their account page.
    expect((await call(t.app, "GET", "/account", admin)).body).toContain('href="/admin/demo-clock"');
  });

  it("is moved by platform administrators only (401, 403), changing nothing", async () => {
    const forward = "/api/v1/demo-clock/forward";
    expect((await call(t.app, "POST", forward, undefined, { days: 3 })).statusCode).toBe(401);
    expect((await call(t.app, "POST", forward, commissioner, { days: 3 })).statusCode).toBe(403);
    expect((await call(t.app, "POST", "/api/v1/demo-clock/reset", commissioner)).statusCode).toBe(403);
    expect((await call(t.app, "GET", "/admin/demo-clock", commissioner)).statusCode).toBe(403);
    expect((await postForm(t.app, commissioner, "/admin/demo-clock", { days: "3" })).statusCode).toBe(403);
    expect(t.deps.clock.now()).toEqual(DEMO_SEEDED_AT);
    expect(await auditOf("demo-clock.moved")).toEqual([]);
  });

  it("refuses to move backwards, or by no whole number of days, with what to do instead", async () => {
    const back = await call(t.app, "POST", "/api/v1/demo-clock/forward", admin, { days: -2 });
    expect(back.statusCode).toBe(400);
    expect(back.json().error.details).toEqual([
      {
        field: "days",
        message: expect.stringContaining(
          "only moves forward: time going backwards would put the audit trail out of order",
        ),
      },
    ]);
    expect((await call(t.app, "POST", "/api/v1/demo-clock/forward", admin, { days: 0 })).statusCode).toBe(
      400,
    );
    expect((await call(t.app, "POST", "/api/v1/demo-clock/forward", admin, { days: 366 })).statusCode).toBe(
      400,
    );
    expect((await call(t.app, "POST", "/api/v1/demo-clock/forward", admin, { days: 1.5 })).statusCode).toBe(
      400,
    );
    const form = await postForm(t.app, admin, "/admin/demo-clock", { days: "-1" });
    expect(form.statusCode).toBe(400);
    expect(summaryLinks(form.body)).toEqual(["#days"]);
    expect(mainText(form.body)).toContain("The demo clock only moves forward");
    const typo = await postForm(t.app, admin, "/admin/demo-clock", { days: "a week" });
    expect(typo.statusCode).toBe(400);
    expect(t.deps.clock.now()).toEqual(DEMO_SEEDED_AT);
    expect(await auditOf("demo-clock.moved")).toEqual([]);
  });

  it("moves forward: a standstill ends, so its award is ready for a contract, and it is entered", async () => {
    expect(await ready()).not.toContain(DEMO_AWARD.standstill);
    const moved = await postForm(t.app, admin, "/admin/demo-clock", { days: "10" });
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toBe("/admin/demo-clock");
    expect(t.deps.clock.now()).toEqual(new Date(DEMO_SEEDED_AT.getTime() + 10 * DAY));
    // Awarded 3 days before the seeding: 8 working days from then ended before 10 days on.
    expect(await ready()).toContain(DEMO_AWARD.standstill);
    const entered = await call(t.app, "POST", `/api/v1/authorities/${COUNTY}/contracts`, commissioner, {
      awardId: DEMO_AWARD.standstill,
      title: "Home nursing care in Wesford",
      startsOn: "2027-01-01",
      endsOn: "2029-12-31",
      paymentMechanism: "fee-per-service",
    });
    expect(entered.statusCode).toBe(201);
    expect(new Date(entered.json().enteredAt)).toEqual(t.deps.clock.now());
  });

  it("moves forward again by the API, past a tender's deadline: it closes", async () => {
    const tender = `/api/v1/authorities/${COUNTY}/tenders/${DEMO_TENDER.open}`;
    expect((await call(t.app, "GET", tender)).json().state).toBe("open");
    const moved = await call(t.app, "POST", "/api/v1/demo-clock/forward", admin, { days: 35 });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({
      daysAhead: 45,
      now: new Date(DEMO_SEEDED_AT.getTime() + 45 * DAY).toISOString(),
      realNow: DEMO_SEEDED_AT.toISOString(),
    });
    // Its deadline was 40 days after the seeding.
    expect((await call(t.app, "GET", tender)).json().state).toBe("closed");
  });

  it("is on the audit trail with who moved it and how far, at the time it was moved from", async () => {
    const adminId = userOf("platform-admin");
    expect(await auditOf("demo-clock.moved")).toEqual([
      {
        actor_type: "user",
        actor_id: adminId,
        changes: { days: 10, daysAheadBefore: 0, daysAhead: 10 },
        occurred_at: DEMO_SEEDED_AT,
      },
      {
        actor_type: "user",
        actor_id: adminId,
        changes: { days: 35, daysAheadBefore: 10, daysAhead: 45 },
        occurred_at: new Date(DEMO_SEEDED_AT.getTime() + 10 * DAY),
      },
    ]);
  });

  it("keeps everyone signed in: sessions move with it", async () => {
    // Sessions last 12 hours at most: 45 days on, the same sessions still work.
    expect((await call(t.app, "GET", "/api/v1/account", commissioner)).statusCode).toBe(200);
    expect((await call(t.app, "GET", "/admin/demo-clock", admin)).statusCode).toBe(200);
  });

  it("is said on every page while ahead, with the link to reset it for platform administrators only", async () => {
    const text =
      "The demo clock is 45 days ahead of the real time: OpenPS takes it to be 10am on 6 January 2027.";
    const publicPage = await call(t.app, "GET", "/opportunities");
    expect(publicPage.body).toContain('aria-labelledby="demo-clock-banner-title"');
    expect(publicPage.body).toContain(text);
    expect(publicPage.body).not.toContain('href="/admin/demo-clock"');
    const adminPage = await call(t.app, "GET", "/", admin);
    expect(adminPage.body).toContain(text);
    expect(adminPage.body).toContain('href="/admin/demo-clock"');
    // An error page too, and in Welsh.
    expect((await call(t.app, "GET", "/no-such-page")).body).toContain(text);
    const welsh = await t.app.inject({ url: "/", headers: { cookie: "lang=cy" } });
    expect(welsh.body).toContain("Mae cloc y demo 45 diwrnod o flaen yr amser go iawn");
    const page = mainText((await call(t.app, "GET", "/admin/demo-clock", admin)).body);
    expect(page).toContain("The real time is 10am on 22 November 2026.");
  });

  it("is kept for a restart, and read only in demo mode", async () => {
    const real = fixedClock(DEMO_SEEDED_AT);
    expect((await demoModeClock(t.deps.db, real, true)).now()).toEqual(
      new Date(DEMO_SEEDED_AT.getTime() + 45 * DAY),
    );
    expect(await demoModeClock(t.deps.db, real, false)).toBe(real);
  });

  it("resets to the real time: the banner goes, audited; a reset at the real time changes nothing", async () => {
    const reset = await postForm(t.app, admin, "/admin/demo-clock/reset", {});
    expect(reset.statusCode).toBe(303);
    expect(t.deps.clock.now()).toEqual(DEMO_SEEDED_AT);
    expect((await call(t.app, "GET", "/", admin)).body).not.toContain("demo-clock-banner");
    expect((await call(t.app, "GET", "/api/v1/account", commissioner)).statusCode).toBe(200);
    const again = await call(t.app, "POST", "/api/v1/demo-clock/reset", admin);
    expect(again.json()).toMatchObject({ daysAhead: 0 });
    expect(await auditOf("demo-clock.reset")).toEqual([
      {
        actor_type: "user",
        actor_id: userOf("platform-admin"),
        changes: { daysAheadBefore: 45, daysAhead: 0 },
        occurred_at: new Date(DEMO_SEEDED_AT.getTime() + 45 * DAY),
      },
    ]);
    expect((await demoModeClock(t.deps.db, fixedClock(DEMO_SEEDED_AT), true)).now()).toEqual(DEMO_SEEDED_AT);
  });
});

describe("outside demo mode", () => {
  it("has no demo clock: every route is 404, even for a platform administrator", async () => {
    const t = await createTestApp({ seeded: true, env: { OPENPS_DEMO: "false" } });
    try {
      expect(isMovableClock(t.deps.clock)).toBe(false);
      expect(t.app.routeList.filter((r) => r.url.includes("demo-clock"))).toEqual([]);
      const admin = await sessionFor(
        t.app,
        (await createUser(t.deps.db, { grants: [{ role: "platform-admin" }] })).id,
        { twoFactor: true },
      );
      expect((await call(t.app, "GET", "/api/v1/demo-clock", admin)).statusCode).toBe(404);
      expect((await call(t.app, "POST", "/api/v1/demo-clock/forward", admin, { days: 3 })).statusCode).toBe(
        404,
      );
      expect((await call(t.app, "POST", "/api/v1/demo-clock/reset", admin)).statusCode).toBe(404);
      expect((await call(t.app, "GET", "/admin/demo-clock", admin)).statusCode).toBe(404);
      expect((await postForm(t.app, admin, "/admin/demo-clock", { days: "3" })).statusCode).toBe(404);
      expect((await call(t.app, "GET", "/account", admin)).body).not.toContain("/admin/demo-clock");
    } finally {
      await t.close();
    }
  });

  it("ignores a demo clock the database holds: the clock is the real one", async () => {
    const database = await createTestDatabase();
    try {
      await database.db
        .insertInto("demo_clock")
        .values({ id: true, offset_days: 30, changed_at: DEMO_SEEDED_AT, changed_by: null })
        .execute();
      const real = fixedClock(DEMO_SEEDED_AT);
      const clock = await demoModeClock(database.db, real, false);
      expect(clock).toBe(real);
      expect(clock.now()).toEqual(DEMO_SEEDED_AT);
      // The same row, in demo mode: 30 days ahead.
      expect((await demoModeClock(database.db, real, true)).now()).toEqual(
        new Date(DEMO_SEEDED_AT.getTime() + 30 * DAY),
      );
    } finally {
      await database.destroy();
    }
  });
});
