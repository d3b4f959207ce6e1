/**
 * The grants pages and API on the demo data (one seeded app for the file): the public programme
 * pages, in English and Welsh; applying through the form (errors beside their fields, then the
 * application); the funder deciding through the page and the applicant told; a payment through the
 * API, written once per Idempotency-Key, and through the page (a double submit pays once); the
 * programme form (each error naming what to fix, then changed while nothing is awarded); the
 * adviser matched on the application's page; and the 360Giving package, paged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_GRANTS } from "../../seed/demo/grants.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/users.ts";

const P = DEMO_GRANTS.programme;
let t: TestApp;
const s: Record<string, TestSession> = {};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = async (key: string, role: string, scopeId: string) => {
    const user = await createUser(t.deps.db, {
      grants: [{ role: role as never, scopeId }],
      displayName: key,
    });
    s[key] = await sessionFor(t.app, user.id, { twoFactor: true });
  };
  await make("funder", "commissioner", DEMO_AUTHORITY.department);
  await make("mutual", "organisation-admin", DEMO_ORGANISATION);
});

afterAll(async () => {
  await t?.close();
});

describe("the programme pages", () => {
  it("show the programme, what is left of its budget and who may apply, in English and Welsh", async () => {
    const list = await t.app.inject({ url: "/grants" });
    expect(list.statusCode).toBe(200);
    expect(mainText(list.body)).toContain("Department for Work and Skills: £427,500.00 left of £500,000.00");
    const page = await t.app.inject({ url: `/grants/${P}` });
    const text = mainText(page.body);
    expect(text).toContain("Left to award £427,500.00");
    expect(text).toContain("The applicant funds 25% of the award itself");
    expect(text).toContain("Organisations that began (spun out) at most 15 years ago");
    expect(text).toContain("Organisations of these sectors: Public service mutual (employee-led spin-out)");
    const welsh = await t.app.inject({ url: `/grants/${P}`, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Ar ôl i’w ddyfarnu £427,500.00");
  });
});

describe("applying and deciding through the pages", () => {
  it("shows each error beside its field, then the application; the funder awards it and the applicant is told", async () => {
    const form = await t.app.inject({
      url: `/grants/${P}/apply`,
      headers: { cookie: s.mutual?.cookie ?? "" },
    });
    expect(form.statusCode).toBe(200);
    const wrong = await postForm(t.app, s.mutual as TestSession, `/grants/${P}/apply`, {
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "",
      amount: "1,000",
      matched: "",
    });
    expect(wrong.statusCode).toBe(400);
    expect(summaryErrors(wrong.body)).toEqual([
      ["#purpose", "Say what the support is for, in up to 5,000 characters"],
    ]);
    const short = await postForm(t.app, s.mutual as TestSession, `/grants/${P}/apply`, {
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "Staff engagement events before the ballot.",
      amount: "1,000",
      matched: "100",
    });
    expect(short.statusCode).toBe(422);
    expect(summaryErrors(short.body)[0]?.[0]).toBe("#matched");
    const sent = await postForm(t.app, s.mutual as TestSession, `/grants/${P}/apply`, {
      organisationId: DEMO_ORGANISATION,
      supportKind: "grant",
      purpose: "Staff engagement events before the ballot.",
      amount: "1,000",
      matched: "250",
    });
    expect(sent.statusCode).toBe(303);
    const url = String(sent.headers.location).split("?")[0] as string;
    const decided = await postForm(t.app, s.funder as TestSession, url, { decision: "award", amount: "800" });
    expect(decided.statusCode).toBe(303);
    const seen = await t.app.inject({ url, headers: { cookie: s.mutual?.cookie ?? "" } });
    expect(mainText(seen.body)).toContain("Amount awarded £800.00");
    const inbox = await call(t.app, "GET", "/api/v1/inbox", s.mutual);
    expect(inbox.body).toContain(`Grant awarded: £800.00 from Mutuals Support Programme`);
    const list = await t.app.inject({
      url: `/grants/${P}/applications`,
      headers: { cookie: s.funder?.cookie ?? "" },
    });
    expect(mainText(list.body)).toContain("£426,700.00 is left of the budget of £500,000.00");
  });
});

describe("the programme form", () => {
  it("names what to fix in each field, sets the programme up, and changes it while nothing is awarded", async () => {
    const funder = s.funder as TestSession;
    const form = await t.app.inject({ url: "/grants/new", headers: { cookie: funder.cookie } });
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("The organisation is still on its first contract");
    const wrong = await postForm(t.app, funder, "/grants/new", {
      funder: `authority:${DEMO_AUTHORITY.department}`,
      title: "",
      budget: "lots",
      "opensOn-day": "1",
      "opensOn-month": "12",
      "opensOn-year": "2026",
      "closesOn-day": "30",
      "closesOn-month": "11",
      "closesOn-year": "2026",
      matchedFunding: "120",
      maxYears: "five",
    });
    expect(wrong.statusCode).toBe(400);
    expect(summaryErrors(wrong.body)).toEqual([
      ["#title", "Enter the programme's title, up to 200 characters"],
      ["#budget", "Enter an amount in pounds and pence using numbers only, like £1,234.56"],
      ["#closesOn-day", "Enter a closing day on or after the opening day"],
      ["#matchedFunding", "Enter the matched funding as a percentage from 0 to 100"],
      ["#supportKinds", "Choose the kinds of support: a grant, adviser time, or both"],
      ["#maxYears", "Rule 1: give the most years as a whole number from 0 to 200"],
    ]);
    const good = {
      funder: `authority:${DEMO_AUTHORITY.department}`,
      title: "Spin-out Start-up Fund",
      budget: "20,000",
      "opensOn-day": "1",
      "opensOn-month": "12",
      "opensOn-year": "2026",
      "closesOn-day": "31",
      "closesOn-month": "3",
      "closesOn-year": "2027",
      matchedFunding: "10",
      supportKinds: "grant",
      sectors: "public-service-mutual",
      maxYears: "5",
      facts: "mutuals.first-contract",
      combine: "any",
    };
    const made = await postForm(t.app, funder, "/grants/new", good);
    expect(made.statusCode).toBe(303);
    const url = String(made.headers.location).split("?")[0] as string;
    const page = mainText((await t.app.inject({ url })).body);
    expect(page).toContain("Left to award £20,000.00");
    expect(page).toContain("At least one of these: Organisations that began (spun out) at most 5 years ago");
    const edit = await t.app.inject({ url: `${url}/edit`, headers: { cookie: funder.cookie } });
    expect(edit.body).toContain('value="20000.00"');
    const changed = await postForm(t.app, funder, `${url}/edit`, { ...good, budget: "25,000" });
    expect(changed.statusCode).toBe(303);
    expect(mainText((await t.app.inject({ url })).body)).toContain("Left to award £25,000.00");
    const other = await t.app.inject({ url: `${url}/edit`, headers: { cookie: s.mutual?.cookie ?? "" } });
    expect(other.statusCode).toBe(403);
    const awarded = await t.app.inject({ url: `/grants/${P}/edit`, headers: { cookie: funder.cookie } });
    expect(mainText(awarded.body)).toContain("The programme has awarded support already");
  });
});

describe("the application's page", () => {
  it("records a payment once when its form is sent twice, and shows what is left to pay", async () => {
    const funder = s.funder as TestSession;
    const url = `/grants/${P}/applications/${DEMO_GRANTS.businessCase}`;
    const page = await t.app.inject({ url, headers: { cookie: funder.cookie } });
    expect(mainText(page.body)).toContain("£30,000.00 is left to pay of the award.");
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const payment = {
      idempotencyKey: key,
      amount: "10,000",
      "paidOn-day": "20",
      "paidOn-month": "11",
      "paidOn-year": "2026",
    };
    const wrong = await postForm(t.app, funder, `${url}/payments`, { ...payment, amount: "30,000.01" });
    expect(summaryErrors(wrong.body)).toEqual([
      ["#amount", "Pay at most £30,000.00: that is what is left to pay of the £60,000.00 awarded"],
    ]);
    for (const _ of [1, 2])
      expect((await postForm(t.app, funder, `${url}/payments`, payment)).statusCode).toBe(303);
    const after = mainText((await t.app.inject({ url, headers: { cookie: funder.cookie } })).body);
    expect(after).toContain("Paid so far £40,000.00");
    expect(after).toContain("£20,000.00 is left to pay of the award.");
  });

  it("shows the adviser assigned to the demo's adviser time, accepted, and the programme's response times", async () => {
    const url = `/grants/${P}/applications/${DEMO_GRANTS.adviser}`;
    const text = mainText((await t.app.inject({ url, headers: { cookie: s.mutual?.cookie ?? "" } })).body);
    expect(text).toContain("The stage of spinning out the adviser is for TUPE transfer and pensions");
    expect(text).toMatch(/Adviser Greenway Home Care Ltd, assigned on .+ and accepted on/);
    const programme = mainText((await t.app.inject({ url: `/grants/${P}` })).body);
    expect(programme).toContain("Requests for an adviser 1 asked, 1 assigned, 1 accepted");
    expect(programme).toContain("Median time from assigned to accepted 2 days");
  });
});

describe("end reports through the page and the API", () => {
  it("the recipient reports on the page (each error at its field), the funder asks for changes then accepts", async () => {
    const url = `/grants/${P}/applications/${DEMO_GRANTS.businessCase}`;
    const mutual = s.mutual as TestSession;
    const funder = s.funder as TestSession;
    const page = await t.app.inject({ url, headers: { cookie: mutual.cookie } });
    expect(mainText(page.body)).toMatch(/End report Due Due by \d+ \w+ \d{4}/);
    expect(mainText(page.body)).toContain("Submit the end report");
    const empty = await postForm(t.app, mutual, `${url}/end-report`, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body).map(([href]) => href)).toEqual([
      "#whatItDid",
      "#spent",
      "#conditions-0-met",
      "#coversTo-day",
    ]);
    const today = new Date(t.deps.clock.now().getTime());
    const [year, month, day] = today.toISOString().slice(0, 10).split("-");
    const sent = await postForm(t.app, mutual, `${url}/end-report`, {
      whatItDid: "The business case, shared with the department in draft.",
      spent: "58,000",
      reached: "",
      "conditions-0-met": "yes",
      "conditions-0-note": "The draft was shared before the second instalment.",
      "coversTo-day": String(Number(day)),
      "coversTo-month": String(Number(month)),
      "coversTo-year": year as string,
    });
    expect(sent.statusCode).toBe(303);
    const review = await t.app.inject({ url, headers: { cookie: funder.cookie } });
    expect(mainText(review.body)).toContain("Report 1: Waiting for review");
    expect(mainText(review.body)).toContain("Money spent £58,000.00");
    const noReasons = await postForm(t.app, funder, `${url}/end-report/review`, { reviewDecision: "return" });
    expect(summaryErrors(noReasons.body)).toEqual([
      ["#reviewReasons", "Say what to change in the end report, in up to 5,000 characters"],
    ]);
    expect(
      (
        await postForm(t.app, funder, `${url}/end-report/review`, {
          reviewDecision: "return",
          reviewReasons: "Attach the option appraisal's conclusions.",
        })
      ).statusCode,
    ).toBe(303);
    const welsh = await t.app.inject({ url, headers: { cookie: `${mutual.cookie}; lang=cy` } });
    expect(mainText(welsh.body)).toContain("Adroddiad 1: Wedi’i ddychwelyd i’w newid");
    expect(mainText(welsh.body)).toContain("Cyflwyno’r adroddiad terfynol eto");
    // Again through the API, then accepted through it.
    const api = `/api/v1/grants/programmes/${P}/applications/${DEMO_GRANTS.businessCase}`;
    const again = await call(t.app, "POST", `${api}/end-reports`, mutual, {
      whatItDid: "The business case and the option appraisal's conclusions.",
      spent: "58000",
      reached: 3,
      conditions: [{ met: true, note: "Shared in draft." }],
      coversTo: today.toISOString().slice(0, 10),
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().endReports.map((r: { seq: number; status: string }) => [r.seq, r.status])).toEqual([
      [1, "returned"],
      [2, "submitted"],
    ]);
    expect(
      (await call(t.app, "POST", `${api}/end-reports/review`, mutual, { decision: "accept" })).statusCode,
    ).toBe(403);
    const accepted = await call(t.app, "POST", `${api}/end-reports/review`, funder, { decision: "accept" });
    expect(accepted.json().endReportStanding).toBe("accepted");
    expect(mainText((await t.app.inject({ url, headers: { cookie: mutual.cookie } })).body)).toContain(
      "End report Accepted",
    );
  });
});

describe("the API", () => {
  it("records a payment once per Idempotency-Key", async () => {
    const url = `/api/v1/grants/programmes/${P}/applications/${DEMO_GRANTS.adviser}/payments`;
    const pay = () =>
      t.app.inject({
        method: "POST",
        url,
        headers: {
          cookie: s.funder?.cookie ?? "",
          "content-type": "application/json",
          "idempotency-key": "adviser-days-1-to-5",
        },
        payload: JSON.stringify({ amount: "6250.00", paidOn: "2026-11-20" }),
      });
    const first = await pay();
    expect(first.statusCode).toBe(201);
    const again = await pay();
    expect([again.statusCode, again.headers["idempotent-replayed"], again.json().id]).toEqual([
      201,
      "true",
      first.json().id,
    ]);
    const read = await call(
      t.app,
      "GET",
      `/api/v1/grants/programmes/${P}/applications/${DEMO_GRANTS.adviser}`,
      s.mutual,
    );
    expect(read.json().paidPence).toBe("625000");
  });

  it("publishes the awarded grants as 360Giving, a page at a time", async () => {
    const first = await call(t.app, "GET", "/api/v1/grants/360giving?pageSize=1");
    expect(first.statusCode).toBe(200);
    expect(first.json().grants[0].amountAwarded).toBe(60000);
    const next = await call(
      t.app,
      "GET",
      `/api/v1/grants/360giving?pageSize=1&after=${encodeURIComponent(first.json().next)}`,
    );
    expect(next.json().grants[0].amountAwarded).toBe(12500);
    const none = await call(t.app, "GET", `/api/v1/grants/360giving?funderId=${DEMO_AUTHORITY.district}`);
    expect(none.statusCode).toBe(404);
  });

  it("publishes the same grants as an open dataset, in CSV and JSON, linking to the 360Giving package", async () => {
    const pkg = (await call(t.app, "GET", "/api/v1/grants/360giving")).json();
    const rows = (await t.app.inject({ url: "/open-data/grants.json" })).json().rows as Record<
      string,
      unknown
    >[];
    expect(rows.map((r) => [r.identifier, Number(r.amount_awarded_pence) / 100])).toEqual(
      pkg.grants.map((g: Record<string, unknown>) => [g.id, g.amountAwarded]),
    );
    const csv = (await t.app.inject({ url: "/open-data/grants.csv" })).body;
    expect(csv.split("\n")[0]).toMatch(/^id,identifier,title,description,currency,amount_applied_for_pence/);
    expect(csv).toContain(
      `${DEMO_GRANTS.businessCase},${pkg.grants[0].id},Mutuals Support Programme: Westshire Community Health CIC`,
    );
    const page = await t.app.inject({ url: "/open-data/grants" });
    expect(page.body).toContain('href="/api/v1/grants/360giving"');
    expect(mainText(page.body)).toContain("360Giving data package (JSON), validated against the standard");
  });
});
