/**
 * The area figures of choice on the demo data, through one seeded app: Westshire's open home-care
 * list with its three members' capacity and prices against the tariff; "choice not available" and
 * feedback per month, counts of 1 to 9 suppressed (and the next smallest part beside a lone hidden
 * one); the page in English and Welsh, 404 for an unknown area; the champion's page linking its
 * areas, with "Your areas' figures" for its people only. Rows of records and reviews are added
 * before the first request (the figures are kept ten minutes once counted).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { sessionFor } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { newId } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { monthsUpTo } from "../choice/area-figures.service.ts";
import { areaHeadlines, HEADLINE_AREAS, shownParts } from "./champion-figures.service.ts";

const AREA = DEMO_AREA.westshire;
const COUNTY = DEMO_AUTHORITY.county;
let t: TestApp;
let months: string[];
let monthsAgo: (n: number) => string;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const db = t.deps.db;
  const today = londonToday(t.deps.clock);
  months = monthsUpTo(today);
  monthsAgo = (n) => months[months.length - 1 - n] as string;
  const person = await db
    .selectFrom("care_people")
    .select("id")
    .where("authority_id", "=", COUNTY)
    .executeTakeFirstOrThrow();
  const record = (month: string, answered: "on-time" | "late" | null) => ({
    authority_id: COUNTY,
    id: newId(),
    person_id: person.id,
    need_id: null,
    category_code: "domiciliary-care",
    area_code: AREA,
    tried: "Added by the area figures' test.",
    recorded_on: `${month}-02`,
    due_on: `${month}-16`,
    answer_working_days: 10,
    recorded_by: null,
    created_at: new Date(`${month}-02T10:00:00Z`),
    answered_on: answered === null ? null : answered === "on-time" ? `${month}-10` : `${month}-20`,
    answer_outcome: answered === null ? null : ("provider-found" as const),
    answer: answered === null ? "" : "A provider was found.",
    answered_by: null,
    answered_at: null,
  });
  // Last month: 12 answered on time, 3 late (3 is hidden, so 12 is too). The month before: 10 overdue.
  await db
    .insertInto("choice_unavailable")
    .values([
      ...Array.from({ length: 12 }, () => record(monthsAgo(1), "on-time")),
      ...Array.from({ length: 3 }, () => record(monthsAgo(1), "late")),
      ...Array.from({ length: 10 }, () => record(monthsAgo(2), null)),
    ])
    .execute();
  const review = (month: string, stars: number) => ({
    id: newId(),
    organisation_id: DEMO_CHOICE_MEMBERS.greenway,
    authority_id: COUNTY,
    person_id: newId(),
    area_code: AREA,
    category_code: "domiciliary-care",
    service_month: month,
    stars,
    text: "Added by the area figures' test.",
    state: "published" as const,
    version: 1,
    held_reason: null,
    moderation_reason: null,
    reply: null,
    replied_at: null,
    created_at: new Date(`${month}-20T10:00:00Z`),
    updated_at: new Date(`${month}-20T10:00:00Z`),
    published_at: new Date(`${month}-20T10:00:00Z`),
    left_at: new Date(`${month}-20T10:00:00Z`),
  });
  // Last month: 10 reviews averaging 3.5 stars. The month before: one (suppressed).
  await db
    .insertInto("feedback_reviews")
    .values([...[4, 4, 4, 4, 4, 3, 3, 3, 3, 3].map((s) => review(monthsAgo(1), s)), review(monthsAgo(2), 5)])
    .execute();
});

afterAll(async () => {
  await t?.close();
});

describe("the area figures of choice", () => {
  it("hides a count of 1 to 9, and the next smallest part beside a lone hidden one or hidden ones adding up to 1 to 9", () => {
    expect(shownParts([12, 3, 0])).toEqual([null, null, 0]);
    // 3 and 4 hidden would still add up to 19 − 12 = 7: the 12 is hidden too.
    expect(shownParts([12, 3, 4])).toEqual([null, null, null]);
    expect(shownParts([12, 3, 8])).toEqual([12, null, null]);
    expect(shownParts([10, 0, 0])).toEqual([10, 0, 0]);
  });

  it("gives an area's providers, capacity, prices, choice not available and feedback", async () => {
    const response = await call(t.app, "GET", `/api/v1/choice/areas/${AREA}/figures`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.area).toEqual({ code: AREA, name: "Westshire" });
    const [homeCare] = body.serviceTypes;
    expect(homeCare.code).toBe("domiciliary-care");
    expect(homeCare.lists.map((l: { title: string }) => l.title)).toEqual(["Home care in Westshire"]);
    expect(homeCare.providers).toBe(3);
    expect(homeCare.capacity).toEqual([
      { unit: "hours-a-week", total: 215, providers: 3, oldestStatedOn: "2026-11-16" },
    ]);
    expect(homeCare.prices).toEqual([
      {
        unit: "hour",
        tariffLowest: "2150",
        tariffHighest: "2150",
        priceLowest: "2100",
        priceHighest: "2240",
        below: 1,
        atTariff: 1,
        above: 1,
      },
    ]);
    expect(body.choiceNotAvailable).toHaveLength(12);
    const cna = (month: string) => body.choiceNotAvailable.find((m: { month: string }) => m.month === month);
    expect(cna(monthsAgo(1))).toEqual({
      month: monthsAgo(1),
      records: 15,
      answeredOnTime: null,
      answeredLate: null,
      waiting: 0,
      overdue: 0,
    });
    // The demo's own record this month is hidden (1 to 9); the market publishes the area's total, so the
    // next smallest month (the 10 waiting) is hidden beside it: no column has a lone hidden month.
    expect(cna(monthsAgo(2))).toMatchObject({
      records: null,
      answeredOnTime: 0,
      waiting: null,
      overdue: null,
    });
    // (On time, late and overdue can have no other month to hide beside: docs/consumer-champions.md says so.)
    for (const column of ["records", "waiting"])
      expect(
        body.choiceNotAvailable.filter((m: Record<string, unknown>) => m[column] === null).length,
      ).not.toBe(1);
    const feedback = (month: string) => body.feedback.find((m: { month: string }) => m.month === month);
    expect(feedback(monthsAgo(1))).toEqual({ month: monthsAgo(1), reviews: 10, averageStars: 3.5 });
    expect(feedback(monthsAgo(2))).toEqual({ month: monthsAgo(2), reviews: null, averageStars: null });
    expect(feedback(monthsAgo(3))).toEqual({ month: monthsAgo(3), reviews: 0, averageStars: null });
  });

  it("shows the page in English and Welsh, and 404 for an unknown area", async () => {
    const page = await t.app.inject({ url: `/choice/areas/${AREA}` });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Choice in Westshire");
    expect(text).toContain("215 hours of care a week from 3 providers");
    expect(text).toContain("fewer than 10");
    expect(text).toContain("3.5 out of 5");
    const welsh = await t.app.inject({ url: `/choice/areas/${AREA}`, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Dewis yn Westshire");
    expect(mainText(welsh.body)).toContain("llai na 10");
    expect((await t.app.inject({ url: "/choice/areas/X99999999" })).statusCode).toBe(404);
    expect((await call(t.app, "GET", "/api/v1/choice/areas/X99999999/figures")).statusCode).toBe(404);
    const index = await t.app.inject({ url: `/choice?areaCode=${AREA}` });
    expect(index.body).toContain(`href="/choice/areas/${AREA}"`);
  });

  it("links a champion's areas; its people see their areas' figures", async () => {
    const url = `/champions/${DEMO_AUTHORITY.champion}`;
    const open = await t.app.inject({ url });
    expect(open.body).toContain(`href="/choice/areas/${AREA}"`);
    expect(mainText(open.body)).not.toContain("Your areas’ figures");
    const user = DEMO_USERS.find((u) => u.role === "consumer-champion")?.id ?? "";
    const session = await sessionFor(t.app, user, { twoFactor: true });
    const own = mainText((await t.app.inject({ url, headers: { cookie: session.cookie } })).body);
    expect(own).toContain("Your areas’ figures");
    expect(own).toContain("Figures of choice in Westshire Vale");
  });

  it("gives a champion's headlines from one grouped count, the first 50 areas and a note of more", async () => {
    const ctx = { db: t.deps.db, clock: t.deps.clock, principal: null } as unknown as Parameters<
      typeof areaHeadlines
    >[0];
    const many = [
      { code: AREA, name: "Westshire" },
      ...Array.from({ length: HEADLINE_AREAS }, (_, i) => ({ code: `X${i}`, name: `Nowhere ${i}` })),
    ];
    const { headlines, more } = await areaHeadlines(ctx, many);
    expect([headlines.length, more]).toEqual([HEADLINE_AREAS, true]);
    expect(headlines[0]).toMatchObject({ code: AREA, lists: 1, serviceTypes: 1 });
    expect(headlines[1]).toMatchObject({ lists: 0, serviceTypes: 0 });
  });
});
