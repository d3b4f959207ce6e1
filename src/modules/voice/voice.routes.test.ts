/**
 * The consumer champions' pages and API on the demo data: the index and the public bodies' index
 * naming Westshire Healthwatch with its areas, its page, the reports list with its filters and pages,
 * a report's page; the champion's person writing, publishing, correcting and withdrawing a report
 * through the pages and through the API, a draft unseen by the public, and the areas form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHAMPION_REPORT } from "../../seed/demo/champions.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";

const CHAMPION = DEMO_AUTHORITY.champion;
const BASE = `/champions/${CHAMPION}`;
let t: TestApp;
let staff: TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  staff = await sessionFor(t.app, DEMO_USERS.find((u) => u.role === "consumer-champion")?.id ?? "");
});

afterAll(async () => {
  await t?.close();
});

const page = async (url: string, session?: TestSession) =>
  t.app.inject({ url, ...(session ? { headers: { cookie: session.cookie } } : {}) });

describe("the public's pages", () => {
  it("lists the verified champions with their areas, here and among the public bodies", async () => {
    const index = mainText((await page("/champions")).body);
    expect(index).toContain("Westshire Healthwatch Millbrook, Westshire, Westshire Vale");
    const bodies = await page("/authorities");
    expect(mainText(bodies.body)).toContain("Consumer champions");
    expect(bodies.body).toContain(`href="${BASE}"`);
  });

  it("shows a champion, and only a champion", async () => {
    const response = await page(BASE);
    expect(response.statusCode).toBe(200);
    expect(mainText(response.body)).toContain("Westshire Healthwatch is an independent consumer champion");
    expect(mainText(response.body)).not.toContain("Write a report");
    expect((await page(`/champions/${DEMO_AUTHORITY.regulator}`)).statusCode).toBe(404);
    expect((await page("/champions/not-an-id")).statusCode).toBe(404);
  });

  it("lists the reports with their filters, and refuses a filter it does not know", async () => {
    const list = mainText((await page("/champions/reports")).body);
    expect(list).toContain("1 report");
    expect(list).toContain("Home care in Westshire: what people told us");
    const none = mainText((await page(`/champions/reports?area=${DEMO_AREA.millbrook}`)).body);
    expect(none).toContain("No published reports match.");
    const wrong = await page(`/champions/reports?champion=${DEMO_AUTHORITY.county}`);
    expect(wrong.statusCode).toBe(400);
    expect(summaryLinks(wrong.body)).toEqual(["#champion"]);
  });

  it("shows a report in English and in Welsh", async () => {
    const url = `${BASE}/reports/${DEMO_CHAMPION_REPORT}`;
    const report = mainText((await page(url)).body);
    expect(report).toContain("Home care in Westshire: what people told us");
    expect(report).toContain("Domiciliary care");
    const welsh = await t.app.inject({ url, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Cyhoeddwyd");
  });
});

describe("a champion's person, through the pages", () => {
  let reportUrl = "";

  it("writes a draft, after the form's errors, that the public cannot see", async () => {
    const empty = await postForm(t.app, staff, `${BASE}/reports/new`, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryLinks(empty.body)).toEqual(["#title", "#summary", "#body", "#areaCode"]);
    const sent = await postForm(t.app, staff, `${BASE}/reports/new`, {
      title: "Day centres in Westshire Vale",
      summary: "Families told us about day centres.",
      body: "Day centres matter.\n\nThey are closing.",
      areaCode: DEMO_AREA.westshireVale,
      serviceType: "",
    });
    expect(sent.statusCode).toBe(303);
    reportUrl = sent.headers.location as string;
    expect((await page(reportUrl)).statusCode).toBe(404);
    expect(mainText((await page(BASE, staff)).body)).toContain("Day centres in Westshire Vale");
  });

  it("publishes it, corrects it with a note, and withdraws it with a reason", async () => {
    expect((await postForm(t.app, staff, `${reportUrl}/publish`, {})).statusCode).toBe(303);
    expect(mainText((await page(reportUrl)).body)).toContain("They are closing.");
    const noNote = await postForm(t.app, staff, `${reportUrl}/edit`, {
      title: "Day centres in Westshire Vale",
      summary: "Families told us about day centres.",
      body: "Day centres matter.\n\nTwo are closing.",
    });
    expect(summaryLinks(noNote.body)).toEqual(["#note"]);
    const corrected = await postForm(t.app, staff, `${reportUrl}/edit`, {
      title: "Day centres in Westshire Vale",
      summary: "Families told us about day centres.",
      body: "Day centres matter.\n\nTwo are closing.",
      note: "Said how many are closing.",
    });
    expect(corrected.statusCode).toBe(303);
    const shown = mainText((await page(reportUrl)).body);
    expect(shown).toContain("Two are closing.");
    expect(shown).toContain("Said how many are closing.");
    const withdrawn = await postForm(t.app, staff, `${reportUrl}/withdraw`, {
      reason: "Published before the families had agreed.",
    });
    expect(withdrawn.statusCode).toBe(303);
    expect(mainText((await page(reportUrl)).body)).toContain("Published before the families had agreed.");
  });

  it("records another area it covers", async () => {
    const added = await postForm(t.app, staff, `${BASE}/areas`, { areaCode: DEMO_AREA.kelderby });
    expect(added.statusCode).toBe(303);
    expect(mainText((await page("/champions")).body)).toContain("Kelderby");
    const removed = await postForm(t.app, staff, `${BASE}/areas/remove`, { areaCode: DEMO_AREA.kelderby });
    expect(removed.statusCode).toBe(303);
  });
});

describe("the API", () => {
  it("lists the champions and their reports a page at a time", async () => {
    const champions = (await call(t.app, "GET", "/api/v1/champions")).json();
    expect(champions.champions.map((c: { id: string }) => c.id)).toEqual([CHAMPION]);
    const first = await call(t.app, "GET", `/api/v1/champion-reports?champion=${CHAMPION}&pageSize=1`);
    expect(first.statusCode).toBe(200);
    expect(first.json().reports.map((r: { id: string }) => r.id)).toEqual([DEMO_CHAMPION_REPORT]);
  });

  it("writes, publishes and corrects a report for the champion's people only", async () => {
    const body = {
      title: "Advocacy in Millbrook",
      summary: "Few people knew they could have an advocate.",
      body: "Few people knew.",
      areaCode: DEMO_AREA.millbrook,
      serviceType: null,
    };
    expect(
      (await call(t.app, "POST", `/api/v1/champions/${CHAMPION}/reports`, undefined, body)).statusCode,
    ).toBe(401);
    const written = await call(t.app, "POST", `/api/v1/champions/${CHAMPION}/reports`, staff, body);
    expect(written.statusCode).toBe(201);
    const url = `/api/v1/champions/${CHAMPION}/reports/${written.json().id}`;
    expect((await call(t.app, "GET", url)).statusCode).toBe(404);
    const published = await call(t.app, "POST", `${url}/publish`, staff);
    expect([published.statusCode, published.json().state, published.json().version]).toEqual([
      200,
      "published",
      1,
    ]);
    expect((await call(t.app, "POST", `${url}/publish`, staff)).statusCode).toBe(409);
    const corrected = await call(t.app, "POST", `${url}/corrections`, staff, {
      title: body.title,
      summary: body.summary,
      body: "Few people knew they could have one.",
      note: "Clearer.",
    });
    expect(corrected.statusCode).toBe(201);
    expect(corrected.json().versions.map((v: { note: string | null }) => v.note)).toEqual([null, "Clearer."]);
    const list = (await call(t.app, "GET", `/api/v1/champion-reports?area=${DEMO_AREA.millbrook}`)).json();
    expect(list.reports.map((r: { title: string }) => r.title)).toEqual(["Advocacy in Millbrook"]);
  });
});
