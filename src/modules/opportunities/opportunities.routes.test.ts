/**
 * Finding opportunities through HTTP (app.inject): the search page (a GET form; 400/422 with an
 * error summary linking each error to its field, never a 500), the search API, saved searches'
 * pages and API — each refusal (400 naming the field, 401, 403, 404, 409) writing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { fixedClock } from "../../lib/clock.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { demoAuthoritiesSeed } from "../../seed/demo/authorities.ts";
import { demoOrganisationsSeed } from "../../seed/demo/organisations.ts";
import { runSeeds } from "../../seed/seed.ts";
import {
  COUNTY,
  COUNTY_SLUG,
  type FixtureName,
  insertFixtures,
  insertTender,
  NOW,
} from "./opportunities.test-fixtures.ts";
import { SAVED_SEARCH_LIMITS } from "./saved-searches.service.ts";

let t: TestApp;
let ids: Record<FixtureName, string>;
let ann: { id: string; session: TestSession };
let bob: { id: string; session: TestSession };

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock(NOW) });
  await runSeeds(t.deps.db, t.deps.clock, [demoAuthoritiesSeed, demoOrganisationsSeed], { demo: true });
  ids = await insertFixtures(t.deps.db, NOW);
  for (const who of ["ann", "bob"] as const) {
    const user = await createUser(t.deps.db, { displayName: who });
    const session = await sessionFor(t.app, user.id);
    if (who === "ann") ann = { id: user.id, session };
    else bob = { id: user.id, session };
  }
}, 120_000);

afterAll(async () => {
  await t.close();
});

const get = (url: string, session?: TestSession) => call(t.app, "GET", url, session);

const savedRows = (userId: string) =>
  t.deps.db.selectFrom("saved_searches").selectAll().where("user_id", "=", userId).execute();

describe("the search page", () => {
  it("lists open tenders soonest deadline first, never cancelled or draft ones", async () => {
    const page = await get("/opportunities");
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("3 opportunities");
    const order = ["Home care in Wesford", "Youth club sessions", "Carers' short breaks"].map((s) =>
      text.indexOf(s),
    );
    expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] as number)))).toBe(true);
    for (const hidden of ["Cancelled home care", "Draft home care", "Reablement at home"])
      expect(text).not.toContain(hidden);
    expect(page.body).toContain(`href="/authorities/${COUNTY_SLUG}/tenders/${ids.homeCare}"`);
    expect(text).toContain("Deadline for bids: midday on 15 January 2027");
    expect(text).toContain("Estimated value: £48,000,000");
    expect(text).toContain("Sign in to save this search");
  });

  it("filters with the GET form: date inputs, values in pounds, categories, area and checkboxes", async () => {
    const form = new URLSearchParams([
      ["category", "carers-support"],
      ["category", "youth-services"],
      ["area", ""],
      ["minValue", "£99,999.99"],
      ["maxValue", "250,000"],
      ["deadlineFrom-day", "1"],
      ["deadlineFrom-month", "2"],
      ["deadlineFrom-year", "2027"],
      ["deadlineTo-day", "16"],
      ["deadlineTo-month", "6"],
      ["deadlineTo-year", "2027"],
      ["reserved", "true"],
      ["keywords", "breaks"],
    ]);
    const page = await get(`/opportunities?${form}`);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("1 opportunity");
    expect(text).toContain("Carers' short breaks");
    expect(text).not.toContain("Youth club sessions");
    // The form shows what was asked for, and the save link carries the search.
    expect(page.body).toMatch(
      /name="deadlineTo-day" type="text" value="16"|value="16"[^>]*name="deadlineTo-day"/,
    );
    expect(page.body).toContain(
      'href="/sign-in?returnTo=%2Faccount%2Fsaved-searches%2Fnew%3Fkeywords%3Dbreaks%26category%3Dcarers-support%26category%3Dyouth-services%26minValue%3D99999.99%26maxValue%3D250000%26deadlineFrom%3D2027-02-01%26deadlineTo%3D2027-06-16%26reserved%3Dtrue"',
    );
    expect(
      mainText((await get("/opportunities?includeClosed=true&category=domiciliary-care")).body),
    ).toContain("Reablement at home");
  });

  it("says what to fix in bad filters, with 400 and links to each field — never a 500", async () => {
    const page = await get(
      "/opportunities?minValue=lots&category=nope&deadlineFrom-day=31&deadlineFrom-month=2&deadlineFrom-year=2027&reserved=maybe",
    );
    expect(page.statusCode).toBe(400);
    expect(summaryErrors(page.body)).toEqual([
      ["#category", "Choose service categories from the list"],
      ["#minValue", "Enter the minimum value in pounds using numbers only, like £250,000"],
      ["#deadlineFrom-day", "The earliest deadline must be a real date, like 15 1 2027"],
      ["#reserved", "Choose whether to show only tenders reserved for public service mutuals"],
    ]);
    expect(page.body).toContain('id="minValue-error"');
    expect(page.body).toContain('value="lots"');
    expect(mainText(page.body)).not.toContain("Home care in Wesford");
    const backwards = await get("/opportunities?minValue=500&maxValue=400");
    expect(backwards.statusCode).toBe(422);
    expect(summaryErrors(backwards.body)).toEqual([
      ["#maxValue", "The maximum value must be the same as or more than the minimum value, £500"],
    ]);
    for (const odd of ["page=abc", "page=-4", "area=%00", "keywords=%27%22%3C", "deadlineTo=2027-13-01"])
      expect((await get(`/opportunities?${odd}`)).statusCode).toBeLessThan(500);
  });
});

describe("the search API", () => {
  it("finds opportunities with pence as strings and the search echoed", async () => {
    const response = await call(
      t.app,
      "GET",
      `/api/v1/opportunities?category=domiciliary-care&category=youth-services&maxValue=${encodeURIComponent("£99,999.99")}&pageSize=5`,
    );
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ total: 1, page: 1, pageSize: 5, pageCount: 1 });
    expect(body.criteria).toEqual({
      keywords: "",
      category: ["domiciliary-care", "youth-services"],
      area: [],
      minValuePence: null,
      maxValuePence: "9999999",
      deadlineFrom: null,
      deadlineTo: null,
      reserved: false,
      includeClosed: false,
    });
    expect(body.opportunities).toEqual([
      {
        id: ids.youth,
        authority: { id: COUNTY, name: "Westshire County Council", slug: COUNTY_SLUG },
        title: "Youth club sessions",
        description: "Evening youth work in Kelderby.",
        state: "open",
        procedure: "open",
        category: { code: "youth-services", name: expect.any(String) },
        area: { code: DEMO_AREA.kelderby, name: expect.any(String) },
        estimatedValuePence: "9999999",
        reserved: false,
        submissionDeadline: "2027-02-01T10:00:00.000Z",
        publishedAt: NOW.toISOString(),
        pageUrl: `/authorities/${COUNTY_SLUG}/tenders/${ids.youth}`,
        apiUrl: `/api/v1/authorities/${COUNTY}/tenders/${ids.youth}`,
      },
    ]);
    const closed = (await call(t.app, "GET", "/api/v1/opportunities?includeClosed=true")).json();
    expect(closed.opportunities.map((o: { state: string }) => o.state)).toEqual([
      "open",
      "open",
      "open",
      "closed",
      "opened",
    ]);
  });

  it("refuses bad parameters with 400 naming each, and backwards ranges with 422", async () => {
    const schema = await call(
      t.app,
      "GET",
      "/api/v1/opportunities?pageSize=1000&deadlineFrom=tomorrow&reserved=perhaps",
    );
    expect(schema.statusCode).toBe(400);
    expect(
      schema
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(["deadlineFrom", "pageSize", "reserved"]);
    const service = await call(t.app, "GET", "/api/v1/opportunities?category=nope&minValue=lots");
    expect(service.statusCode).toBe(400);
    expect(service.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      "category",
      "minValue",
    ]);
    expect(
      (await call(t.app, "GET", "/api/v1/opportunities?deadlineFrom=2027-03-01&deadlineTo=2027-02-01"))
        .statusCode,
    ).toBe(422);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await call(t.app, "GET", "/api/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/opportunities",
        "/api/v1/me/saved-searches",
        "/api/v1/me/saved-searches/{id}",
      ]),
    );
  });
});

describe("saved searches through the API", () => {
  const base = "/api/v1/me/saved-searches";
  const body = {
    name: "Carers in Millbrook",
    criteria: {
      category: ["carers-support"],
      area: [DEMO_AREA.millbrook],
      minValue: "£10,000",
      reserved: true,
    },
  };

  it("refuses the public with 401 for every call, writing nothing", async () => {
    const before = await t.deps.db.selectFrom("saved_searches").select("id").execute();
    expect((await call(t.app, "GET", base)).statusCode).toBe(401);
    expect((await call(t.app, "POST", base, undefined, body)).statusCode).toBe(401);
    // Signed in is checked before the body.
    expect((await call(t.app, "POST", base, undefined, { nonsense: true })).statusCode).toBe(401);
    expect(
      (await call(t.app, "PATCH", `${base}/${ids.homeCare}`, undefined, { alerts: false })).statusCode,
    ).toBe(401);
    expect((await call(t.app, "DELETE", `${base}/${ids.homeCare}`)).statusCode).toBe(401);
    expect(await t.deps.db.selectFrom("saved_searches").select("id").execute()).toEqual(before);
  });

  it("saves, lists, changes and deletes one's own", async () => {
    const created = await call(t.app, "POST", base, ann.session, body);
    expect(created.statusCode).toBe(201);
    const saved = created.json();
    expect(created.headers.location).toBe(`${base}/${saved.id}`);
    expect(saved).toMatchObject({
      name: "Carers in Millbrook",
      alerts: true,
      alertsSent: 0,
      criteria: {
        category: ["carers-support"],
        minValuePence: "1000000",
        reserved: true,
        includeClosed: false,
      },
      pageUrl: `/opportunities?category=carers-support&area=${DEMO_AREA.millbrook}&minValue=10000&reserved=true`,
      apiUrl: `/api/v1/opportunities?category=carers-support&area=${DEMO_AREA.millbrook}&minValue=10000&reserved=true`,
    });
    // The links run the same search.
    expect(
      (await call(t.app, "GET", saved.apiUrl)).json().opportunities.map((o: { id: string }) => o.id),
    ).toEqual([ids.carers]);
    const listed = (await call(t.app, "GET", base, ann.session)).json();
    expect(listed).toMatchObject({ limit: SAVED_SEARCH_LIMITS.perUser, savedSearches: [{ id: saved.id }] });
    expect((await call(t.app, "GET", base, bob.session)).json().savedSearches).toEqual([]);

    const changed = await call(t.app, "PATCH", `${base}/${saved.id}`, ann.session, {
      alerts: false,
      name: "Carers",
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ alerts: false, name: "Carers" });
    // A session's DELETE, which a form on another site could send, needs the CSRF token.
    const forged = await t.app.inject({
      method: "DELETE",
      url: `${base}/${saved.id}`,
      headers: { cookie: ann.session.cookie },
    });
    expect(forged.statusCode).toBe(403);
    expect(await savedRows(ann.id)).toHaveLength(1);
    expect((await call(t.app, "DELETE", `${base}/${saved.id}`, ann.session, {})).statusCode).toBe(204);
    expect(await savedRows(ann.id)).toEqual([]);
  });

  it("refuses bad bodies with 400 naming each field, writing nothing", async () => {
    const schema = await call(t.app, "POST", base, bob.session, {
      name: "",
      alerts: "yes",
      criteria: { reserved: "perhaps" },
    });
    expect(schema.statusCode).toBe(400);
    expect(
      schema
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(["alerts", "criteria.reserved", "name"]);
    const long = await call(t.app, "POST", base, bob.session, { name: "n".repeat(101) });
    expect(long.statusCode).toBe(400);
    const service = await call(t.app, "POST", base, bob.session, {
      name: "   ",
      criteria: { minValue: "lots", area: ["E99999999"] },
    });
    expect(service.statusCode).toBe(400);
    expect(service.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      "name",
      "criteria.area",
      "criteria.minValue",
    ]);
    expect((await call(t.app, "PATCH", `${base}/${ids.homeCare}`, bob.session, {})).statusCode).toBe(400);
    expect((await call(t.app, "PATCH", `${base}/not-a-uuid`, bob.session, { alerts: true })).statusCode).toBe(
      400,
    );
    expect(await savedRows(bob.id)).toEqual([]);
  });

  it("does not find another person's saved search (404), and leaves it be", async () => {
    const mine = (await call(t.app, "POST", base, ann.session, { ...body, name: "Ann's" })).json();
    expect(
      (await call(t.app, "PATCH", `${base}/${mine.id}`, bob.session, { alerts: false })).statusCode,
    ).toBe(404);
    expect((await call(t.app, "DELETE", `${base}/${mine.id}`, bob.session, {})).statusCode).toBe(404);
    expect(await savedRows(ann.id)).toMatchObject([{ id: mine.id, alerts: true, name: "Ann's" }]);
  });

  it("refuses more than the limit with 409, writing nothing", async () => {
    const cara = await createUser(t.deps.db, { displayName: "Cara" });
    const session = await sessionFor(t.app, cara.id);
    for (let i = 0; i < SAVED_SEARCH_LIMITS.perUser; i++)
      expect((await call(t.app, "POST", base, session, { name: `Search ${i}` })).statusCode).toBe(201);
    const over = await call(t.app, "POST", base, session, { name: "One more" });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toContain("Delete one you no longer use first");
    expect(await savedRows(cara.id)).toHaveLength(SAVED_SEARCH_LIMITS.perUser);
  });
});

describe("saved searches' pages", () => {
  it("sends the public to sign in", async () => {
    for (const url of ["/account/saved-searches", "/account/saved-searches/new?keywords=care"]) {
      const page = await get(url);
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(url)}`);
    }
  });

  it("saves a search from the results, lists it, turns its alerts off and deletes it", async () => {
    const dan = await createUser(t.deps.db, { displayName: "Dan" });
    const session = await sessionFor(t.app, dan.id);
    const results = await get("/opportunities?keywords=youth&area=E07000903", session);
    expect(results.body).toContain('href="/account/saved-searches/new?keywords=youth&amp;area=E07000903"');
    const form = await get("/account/saved-searches/new?keywords=youth&area=E07000903", session);
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("Keywords youth");
    expect(form.body).toContain('name="search" value="keywords=youth&amp;area=E07000903"');

    const empty = await postForm(t.app, session, "/account/saved-searches/new", {
      search: "keywords=youth&area=E07000903",
      name: "",
      alerts: "true",
    });
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body)).toEqual([["#name", "Enter a name for the search"]]);
    expect(await savedRows(dan.id)).toEqual([]);

    const saved = await postForm(t.app, session, "/account/saved-searches/new", {
      search: "keywords=youth&area=E07000903",
      name: "Youth work in Kelderby",
      alerts: "true",
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe("/account/saved-searches?notice=saved");
    const [row] = await savedRows(dan.id);
    expect(row).toMatchObject({
      name: "Youth work in Kelderby",
      keywords: "youth",
      area_codes: ["E07000903"],
      alerts: true,
    });

    const list = await get("/account/saved-searches?notice=saved", session);
    const text = mainText(list.body);
    expect(text).toContain("Your search has been saved.");
    expect(text).toContain("Youth work in Kelderby");
    expect(text).toContain("Email alerts On");
    expect(list.body).toContain('href="/opportunities?keywords=youth&amp;area=E07000903"');

    const off = await postForm(t.app, session, `/account/saved-searches/${row?.id}/alerts`, {
      alerts: "false",
    });
    expect(off.statusCode).toBe(303);
    expect((await savedRows(dan.id))[0]?.alerts).toBe(false);
    expect(mainText((await get("/account/saved-searches", session)).body)).toContain("Email alerts Off");

    // Without the CSRF token: refused, nothing changed.
    const forged = await t.app.inject({
      method: "POST",
      url: `/account/saved-searches/${row?.id}/delete`,
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: "",
    });
    expect(forged.statusCode).toBe(403);
    // Someone else's: not found, nothing deleted.
    const other = await postForm(t.app, bob.session, `/account/saved-searches/${row?.id}/delete`, {});
    expect(other.statusCode).toBe(404);
    expect(await savedRows(dan.id)).toHaveLength(1);

    const deleted = await postForm(t.app, session, `/account/saved-searches/${row?.id}/delete`, {});
    expect(deleted.statusCode).toBe(303);
    expect(await savedRows(dan.id)).toEqual([]);
  });

  it("sends a bad search back to the search page, which says what to fix", async () => {
    const page = await get("/account/saved-searches/new?minValue=lots", ann.session);
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe("/opportunities?minValue=lots");
  });
});

describe("paging", () => {
  it("pages long results 20 at a time, keeping the search in each link", async () => {
    for (let i = 1; i <= 22; i++)
      await insertTender(
        t.deps.db,
        {
          title: `Library outreach ${String(i).padStart(2, "0")}`,
          category: "libraries",
          area: DEMO_AREA.westshire,
          valuePence: 100_000n,
          deadline: new Date(Date.UTC(2027, 2, i, 12)),
        },
        NOW,
      );
    const first = await get("/opportunities?category=libraries");
    expect(mainText(first.body)).toContain("22 opportunities");
    expect(mainText(first.body)).toContain("Library outreach 20");
    expect(mainText(first.body)).not.toContain("Library outreach 21");
    expect(first.body).toContain('href="/opportunities?category=libraries&amp;page=2"');
    const second = mainText((await get("/opportunities?category=libraries&page=2")).body);
    expect(second).toContain("Library outreach 21");
    expect(second).toContain("Library outreach 22");
    expect(second).not.toContain("Library outreach 01");
    const api = (
      await t.app.inject({ url: "/api/v1/opportunities?category=libraries&page=2&pageSize=20" })
    ).json();
    expect(api).toMatchObject({ total: 22, page: 2, pageCount: 2 });
    expect(api.opportunities.map((o: { title: string }) => o.title)).toEqual([
      "Library outreach 21",
      "Library outreach 22",
    ]);
  });
});
