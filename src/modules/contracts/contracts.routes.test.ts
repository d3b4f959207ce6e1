/**
 * Contracts through HTTP (app.inject), API and pages: every refusal with its status (401 before the
 * body, 400 naming each field, 403, 404, 409 in standstill or challenged, 422 for £5m without 3 KPIs)
 * leaves the tables as they were; the pages enter a contract from an award ready to contract, show
 * the contract details notice, and take reports, ratings, amendments and termination, with form
 * errors in a summary; the provider sees its reports due.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  postMultipart,
  sessionFor,
  type TestSession,
} from "../../../tests/support/auth.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import type { Role } from "../access/access.service.ts";
import { type AwardFixture, insertAward } from "./contracts.test-fixtures.ts";

/** London date 2027-03-01. */
const START = new Date("2027-03-01T10:00:00Z");
const DAY = 24 * 3600_000;
const clock = settableClock(START);
const COUNTY = DEMO_AUTHORITY.county;
const MUTUAL = DEMO_ORGANISATION.communityHealthMutual;
const api = `/api/v1/authorities/${COUNTY}/contracts`;
const pages = "/authorities/westshire-county-council/contracts";
let t: TestApp;
const s: Record<string, TestSession> = {};

async function rowCounts() {
  const counts: Record<string, number> = {};
  for (const table of [
    "contracts",
    "contract_kpis",
    "kpi_reports",
    "kpi_ratings",
    "contract_amendments",
  ] as const)
    counts[table] = Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<bigint>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const terminated = await t.deps.db
    .selectFrom("contracts")
    .select((eb) => eb.fn.countAll<bigint>().as("n"))
    .where("terminated_at", "is not", null)
    .executeTakeFirstOrThrow();
  counts.terminated = Number(terminated.n);
  return counts;
}

const award = (over: Partial<AwardFixture> = {}) =>
  insertAward(t.deps.db, {
    authorityId: COUNTY,
    organisationId: MUTUAL,
    standstillEndsAt: new Date(clock.now().getTime() - DAY),
    ...over,
  });

const kpi = (n: number) => ({ name: `KPI ${n}`, measure: `Measure ${n}`, target: "95%", frequencyMonths: 1 });
const body = (awardId: string, over: Record<string, unknown> = {}) => ({
  awardId,
  title: "Night-time home care",
  startsOn: "2027-01-01",
  endsOn: "2029-12-31",
  paymentMechanism: "payment-by-results",
  kpis: [kpi(1)],
  ...over,
});

beforeAll(async () => {
  // The seeded database (every seed at START); the fixture makes the awards to contract.
  t = await createTestApp({ clock, seeded: true });
  const make = async (name: string, grants: { role: Role; scopeId?: string }[]) => {
    const user = await createUser(t.deps.db, { grants, displayName: name });
    s[name] = await sessionFor(t.app, user.id, { twoFactor: true });
  };
  await make("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await make("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await make("supplier", [{ role: "organisation-member", scopeId: MUTUAL }]);
  await make("supplierAdmin", [{ role: "organisation-admin", scopeId: MUTUAL }]);
  await make("other", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }]);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("the API", () => {
  it("refuses with the right status and writes nothing", async () => {
    const before = await rowCounts();
    const ready = await award();
    // 401 before the body is looked at; 403 for those who may not; 400 naming each field.
    expect((await call(t.app, "POST", api, undefined, { nonsense: true })).statusCode).toBe(401);
    expect((await call(t.app, "POST", api, s.evaluator, body(ready.awardId))).statusCode).toBe(403);
    const bad = await call(t.app, "POST", api, s.commissioner, {
      ...body(ready.awardId),
      startsOn: "1 April",
      paymentMechanism: "cash",
    });
    expect(bad.statusCode).toBe(400);
    const fields = JSON.stringify(bad.json().error.details);
    expect(fields).toContain("startsOn");
    expect(fields).toContain("paymentMechanism");
    // 409 in standstill and while challenged, 404 unknown.
    const standstill = await award({ standstillEndsAt: new Date(START.getTime() + 3 * DAY) });
    const inStandstill = await call(t.app, "POST", api, s.commissioner, body(standstill.awardId));
    expect(inStandstill.statusCode).toBe(409);
    expect(inStandstill.json().error.code).toBe("award_in_standstill");
    const challenged = await award({ challenged: true });
    expect((await call(t.app, "POST", api, s.commissioner, body(challenged.awardId))).json().error.code).toBe(
      "award_challenged",
    );
    expect(
      (await call(t.app, "POST", api, s.commissioner, body("019a0000-0000-7000-8000-0000000fffff")))
        .statusCode,
    ).toBe(404);
    // 422 over £5m with fewer than 3 KPIs.
    const big = await call(
      t.app,
      "POST",
      api,
      s.commissioner,
      body(ready.awardId, { valuePence: "500000001", kpis: [kpi(1), kpi(2)] }),
    );
    expect(big.statusCode).toBe(422);
    expect(big.json().error.details[0].field).toBe("kpis");
    // 422 dates out of order.
    expect(
      (await call(t.app, "POST", api, s.commissioner, body(ready.awardId, { endsOn: "2026-12-31" })))
        .statusCode,
    ).toBe(422);
    expect(await rowCounts()).toEqual(before);
    // The awards ready to contract: not the ones in standstill or challenged.
    const list = await call(t.app, "GET", `${api}/ready`, s.commissioner);
    const ids = list.json().awards.map((a: { id: string }) => a.id);
    expect(ids).toContain(ready.awardId);
    expect(ids).not.toContain(standstill.awardId);
    expect(ids).not.toContain(challenged.awardId);
    expect((await call(t.app, "GET", `${api}/ready`)).statusCode).toBe(401);
  });

  it("enters, publishes, reports, rates, amends and terminates", async () => {
    const a = await award();
    const pdf = Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64");
    const created = await call(
      t.app,
      "POST",
      api,
      s.commissioner,
      body(a.awardId, {
        valuePence: "500000001",
        kpis: [kpi(1), kpi(2), kpi(3)],
        documents: [{ title: "Signed contract", filename: "contract.pdf", contentBase64: pdf }],
      }),
    );
    expect(created.statusCode).toBe(201);
    const contract = created.json();
    expect(contract).toMatchObject({
      title: "Night-time home care",
      state: "active",
      valuePence: "500000001",
      paymentMechanism: "payment-by-results",
      supplier: { organisationId: MUTUAL, leadShareBp: 10000 },
      reports: { due: 6, overdue: 0, awaitingRating: 0 },
    });
    expect(created.headers.location).toBe(`${api}/${contract.id}`);
    // Public: the notice, its documents, and the register with filters.
    const pub = await call(t.app, "GET", `${api}/${contract.id}`);
    expect(pub.statusCode).toBe(200);
    const doc = await call(t.app, "GET", pub.json().documents[0].url);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers["content-type"]).toBe("application/pdf");
    expect((await call(t.app, "GET", `${api}/${contract.id}/documents/2`)).statusCode).toBe(404);
    const register = await call(t.app, "GET", `/api/v1/contracts?organisation=${MUTUAL}&status=live`);
    expect(register.json().contracts.map((c: { id: string }) => c.id)).toContain(contract.id);
    expect((await call(t.app, "GET", "/api/v1/contracts?status=sometimes")).statusCode).toBe(400);

    const period = `${api}/${contract.id}/kpis/1/periods/1`;
    expect((await call(t.app, "POST", `${period}/report`, undefined, {})).statusCode).toBe(401);
    expect((await call(t.app, "POST", `${period}/report`, s.other, { value: "90%" })).statusCode).toBe(403);
    expect((await call(t.app, "POST", `${period}/report`, s.supplier, {})).statusCode).toBe(400);
    expect(
      (
        await call(t.app, "POST", `${api}/${contract.id}/kpis/1/periods/12/report`, s.supplier, {
          value: "1",
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await call(t.app, "POST", `${api}/${contract.id}/kpis/1/periods/x/report`, s.supplier, { value: "1" }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, "POST", `${period}/rating`, s.commissioner, { rating: "good", comment: "x" }))
        .statusCode,
    ).toBe(409);
    const reported = await call(t.app, "POST", `${period}/report`, s.supplier, {
      value: "96%",
      commentary: "Fewer missed visits.",
    });
    expect(reported.statusCode).toBe(201);
    expect((await call(t.app, "POST", `${period}/report`, s.supplier, { value: "97%" })).statusCode).toBe(
      409,
    );
    expect(
      (await call(t.app, "POST", `${period}/rating`, s.supplier, { rating: "good", comment: "x" }))
        .statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "POST", `${period}/rating`, s.commissioner, { rating: "great", comment: "x" }))
        .statusCode,
    ).toBe(400);
    const rated = await call(t.app, "POST", `${period}/rating`, s.commissioner, {
      rating: "good",
      comment: "Above target.",
    });
    expect(rated.statusCode).toBe(201);
    expect(rated.json().kpis[0].periods[0]).toMatchObject({
      state: "rated",
      report: { value: "96%" },
      rating: { rating: "good", comment: "Above target." },
    });
    // Each KPI's ratings are due 12 months on: KPI 1's from its rating, KPIs 2 and 3 from the start.
    expect(
      rated.json().kpis.map((k: { publication: { nextDueOn: string } }) => k.publication.nextDueOn),
    ).toEqual(["2028-03-01", "2028-01-01", "2028-01-01"]);
    expect(rated.json().ratingsPublication).toMatchObject({
      nextDueOn: "2028-01-01",
      overdue: false,
      overdueKpis: [],
    });

    const amendments = `${api}/${contract.id}/amendments`;
    expect((await call(t.app, "POST", amendments, s.commissioner, { reason: "Nothing" })).statusCode).toBe(
      422,
    );
    expect(
      (await call(t.app, "POST", amendments, s.commissioner, { reason: "x", startsOn: "2027-02-01" }))
        .statusCode,
    ).toBe(409);
    const amended = await call(t.app, "POST", amendments, s.commissioner, {
      reason: "Winter pressures",
      valuePence: "510000000",
    });
    expect(amended.statusCode).toBe(201);
    expect(amended.json()).toMatchObject({
      number: 1,
      contract: {
        valuePence: "510000000",
        amendments: [{ number: 1, value: { beforePence: "500000001", afterPence: "510000000" } }],
      },
    });
    const termination = `${api}/${contract.id}/termination`;
    expect(
      (await call(t.app, "POST", termination, s.commissioner, { reason: "x", terminatedOn: "2031-01-01" }))
        .statusCode,
    ).toBe(422);
    const ended = await call(t.app, "POST", termination, s.commissioner, {
      reason: "Provider failure",
      terminatedOn: "2027-06-30",
    });
    expect(ended.statusCode).toBe(201);
    expect(ended.json()).toMatchObject({
      state: "terminated",
      termination: { terminatedOn: "2027-06-30", reason: "Provider failure" },
    });
    const before = await rowCounts();
    expect(
      (
        await call(t.app, "POST", termination, s.commissioner, {
          reason: "Again",
          terminatedOn: "2027-06-30",
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await call(t.app, "POST", amendments, s.commissioner, { reason: "After", scope: "More" })).statusCode,
    ).toBe(409);
    expect(await rowCounts()).toEqual(before);

    // The provider's view.
    const mine = await call(t.app, "GET", `/api/v1/organisations/${MUTUAL}/contracts`, s.supplier);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().contracts.map((c: { contract: { id: string } }) => c.contract.id)).toContain(
      contract.id,
    );
    expect((await call(t.app, "GET", `/api/v1/organisations/${MUTUAL}/contracts`, s.other)).statusCode).toBe(
      403,
    );
  });
});

describe("the API: the rules at their edges and the missing steps (issue 14)", () => {
  it("holds a reserved contract to 5 years and a value below the award's to a reason, writing nothing on refusal", async () => {
    const reserved = await award({ reserved: true, valuePence: 600_000_000n });
    const kpis = [kpi(1), kpi(2), kpi(3)];
    const before = await rowCounts();
    const long = await call(
      t.app,
      "POST",
      api,
      s.commissioner,
      body(reserved.awardId, { kpis, endsOn: "2032-01-01" }),
    );
    expect(long.statusCode).toBe(422);
    expect(long.json().error.details).toMatchObject([{ field: "endsOn" }]);
    expect(long.json().error.details[0].message).toContain("31 December 2031");
    const lower = await call(
      t.app,
      "POST",
      api,
      s.commissioner,
      body(reserved.awardId, { kpis, endsOn: "2031-12-31", valuePence: "500000000" }),
    );
    expect(lower.statusCode).toBe(422);
    expect(lower.json().error.details).toMatchObject([{ field: "valueReason" }]);
    // A £6m award entered at £5m: the KPIs still count the £6m.
    const fewer = await call(
      t.app,
      "POST",
      api,
      s.commissioner,
      body(reserved.awardId, { endsOn: "2031-12-31", valuePence: "500000000", valueReason: "Fewer hours" }),
    );
    expect(fewer.statusCode).toBe(422);
    expect(fewer.json().error.details).toMatchObject([{ field: "kpis" }]);
    expect(await rowCounts()).toEqual(before);
    const created = await call(
      t.app,
      "POST",
      api,
      s.commissioner,
      body(reserved.awardId, {
        kpis,
        endsOn: "2031-12-31",
        valuePence: "500000000",
        valueReason: "Fewer hours than tendered",
      }),
    );
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      valuePence: "500000000",
      awardValuePence: "600000000",
      valueReason: "Fewer hours than tendered",
    });
    // Amendments that change the term are held to 5 years too.
    const amendments = `${api}/${created.json().id}/amendments`;
    const before2 = await rowCounts();
    expect(
      (await call(t.app, "POST", amendments, s.commissioner, { reason: "Longer", endsOn: "2032-01-01" }))
        .statusCode,
    ).toBe(422);
    expect(await rowCounts()).toEqual(before2);
  });

  it("adds KPIs by amendment, and lets the reporter correct a report until it is rated", async () => {
    const a = await award();
    const created = await call(t.app, "POST", api, s.commissioner, body(a.awardId));
    expect(created.statusCode).toBe(201);
    const one = `${api}/${created.json().id}`;
    const before = await rowCounts();
    const bad = await call(t.app, "POST", `${one}/amendments`, s.commissioner, {
      reason: "KPIs",
      kpis: [{ name: "Complaints", measure: "Per 1,000 visits", target: "Under 2", frequencyMonths: 2 }],
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await call(t.app, "POST", `${one}/amendments`, s.supplier, { reason: "KPIs", kpis: [kpi(2)] }))
        .statusCode,
    ).toBe(403);
    expect(await rowCounts()).toEqual(before);
    const amended = await call(t.app, "POST", `${one}/amendments`, s.commissioner, {
      reason: "Complaints are measured from now on",
      kpis: [{ name: "Complaints", measure: "Per 1,000 visits", target: "Under 2", frequencyMonths: 3 }],
    });
    expect(amended.statusCode).toBe(201);
    expect(amended.json().contract.kpis[1]).toMatchObject({
      position: 2,
      name: "Complaints",
      addedByAmendment: 1,
      reportsFrom: "2027-03-01",
      publication: { nextDueOn: "2028-03-01", overdue: false },
    });
    expect(amended.json().contract.amendments).toMatchObject([
      { number: 1, kpisAdded: [{ position: 2, name: "Complaints" }], value: null },
    ]);

    const report = `${one}/kpis/1/periods/1/report`;
    // 401, 403 (not its sender), 409 before the report, 404 for a period unknown.
    expect((await call(t.app, "PUT", report, undefined, { value: "90%" })).statusCode).toBe(401);
    expect((await call(t.app, "PUT", report, s.supplier, { value: "90%" })).statusCode).toBe(409);
    expect(
      (await call(t.app, "PUT", `${one}/kpis/1/periods/99/report`, s.supplier, { value: "90%" })).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, "POST", report, s.supplier, { value: "90%", commentary: "First month." }))
        .statusCode,
    ).toBe(201);
    const sent = await rowCounts();
    for (const who of [s.supplierAdmin, s.other, s.commissioner])
      expect((await call(t.app, "PUT", report, who, { value: "91%" })).statusCode).toBe(403);
    expect(
      (await call(t.app, "PUT", report, s.supplier, { value: "90%", commentary: "First month." })).statusCode,
    ).toBe(422);
    expect((await call(t.app, "PUT", report, s.supplier, { value: "" })).statusCode).toBe(400);
    expect(await rowCounts()).toEqual(sent);
    expect((await call(t.app, "GET", one, s.commissioner)).json().kpis[0].periods[0].report).toMatchObject({
      value: "90%",
      correctedAt: null,
    });
    const corrected = await call(t.app, "PUT", report, s.supplier, {
      value: "92%",
      commentary: "Recounted.",
    });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json().kpis[0].periods[0]).toMatchObject({
      state: "reported",
      report: { value: "92%", commentary: "Recounted.", correctedAt: START.toISOString() },
    });
    const rated = await call(t.app, "POST", `${one}/kpis/1/periods/1/rating`, s.commissioner, {
      rating: "approaching-target",
      comment: "Nearly there.",
    });
    expect(rated.json().kpis[0].periods[0].report.value).toBe("92%");
    expect((await call(t.app, "PUT", report, s.supplier, { value: "95%" })).statusCode).toBe(409);
    expect((await call(t.app, "GET", one)).json().kpis[0].periods[0].report.value).toBe("92%");
  });
});

describe("the pages", () => {
  it("enter a contract from an award ready to contract, with errors shown in a summary", async () => {
    const a = await award();
    const list = await t.app.inject({ url: pages, headers: { cookie: s.commissioner?.cookie ?? "" } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain("Awards ready to contract");
    expect(list.body).toContain(`contracts/new?award=${a.awardId}`);
    // The public sees the register, not the awards.
    expect((await t.app.inject({ url: pages })).body).not.toContain("Awards ready to contract");
    const url = `${pages}/new?award=${a.awardId}`;
    const form = await t.app.inject({ url, headers: { cookie: s.commissioner?.cookie ?? "" } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Enter the contract and publish its notice");
    const before = await rowCounts();
    const wrong = await postForm(t.app, s.commissioner as TestSession, url, {
      title: "",
      "startsOn-day": "1",
      "startsOn-month": "1",
      "startsOn-year": "2027",
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain("govuk-error-summary");
    expect(wrong.body).toContain("Enter the contract&#39;s title");
    const fields = {
      title: "Night-time home care",
      value: "£5,000,000.01",
      "startsOn-day": "1",
      "startsOn-month": "1",
      "startsOn-year": "2027",
      "endsOn-day": "31",
      "endsOn-month": "12",
      "endsOn-year": "2029",
      paymentMechanism: "fee-per-service",
      "kpis.0.name": "Visits on time",
      "kpis.0.measure": "Visits within 15 minutes of the planned time",
      "kpis.0.target": "95%",
      "kpis.0.frequencyMonths": "1",
    };
    const big = await postForm(t.app, s.commissioner as TestSession, url, fields);
    expect(big.statusCode).toBe(422);
    expect(big.body).toContain("at least 3 KPIs");
    expect(await rowCounts()).toEqual(before);
    const done = await postForm(t.app, s.commissioner as TestSession, url, {
      ...fields,
      value: "£1,095,000",
    });
    expect(done.statusCode).toBe(303);
    const contractUrl = String(done.headers.location).split("?")[0] as string;
    const page = await t.app.inject({ url: contractUrl });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Visits on time");
    expect(page.body).toContain("£1,095,000.00");
    expect(page.body).toContain("Fee per service");

    // The supplier reports; the commissioner rates, amends and terminates.
    const supplierPage = await t.app.inject({
      url: contractUrl,
      headers: { cookie: s.supplier?.cookie ?? "" },
    });
    expect(supplierPage.body).toContain(`${contractUrl}/kpis/1/periods/1/report`);
    const mine = await t.app.inject({
      url: `/organisations/${MUTUAL}/contracts`,
      headers: { cookie: s.supplier?.cookie ?? "" },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain("KPI reports due");
    expect(mine.body).toContain(`${contractUrl}/kpis/1/periods/1/report`);
    const reportUrl = `${contractUrl}/kpis/1/periods/1/report`;
    expect(
      (await t.app.inject({ url: reportUrl, headers: { cookie: s.supplier?.cookie ?? "" } })).statusCode,
    ).toBe(200);
    expect((await postForm(t.app, s.supplier as TestSession, reportUrl, { value: "" })).statusCode).toBe(400);
    expect((await postForm(t.app, s.supplier as TestSession, reportUrl, { value: "97%" })).statusCode).toBe(
      303,
    );
    const ratingUrl = `${contractUrl}/kpis/1/periods/1/rating`;
    // The commissioner sees what is to rate, and what is due from the supplier.
    const authorityList = await t.app.inject({
      url: pages,
      headers: { cookie: s.commissioner?.cookie ?? "" },
    });
    expect(authorityList.body).toContain("Reports to rate");
    expect(authorityList.body).toContain(ratingUrl);
    expect(authorityList.body).toContain("Reports due from suppliers");
    expect(
      (await t.app.inject({ url: ratingUrl, headers: { cookie: s.commissioner?.cookie ?? "" } })).body,
    ).toContain("97%");
    expect(
      (await postForm(t.app, s.commissioner as TestSession, ratingUrl, { comment: "x" })).statusCode,
    ).toBe(400);
    expect(
      (
        await postForm(t.app, s.commissioner as TestSession, ratingUrl, {
          rating: "inadequate",
          comment: "Too many late visits.",
        })
      ).statusCode,
    ).toBe(303);
    expect((await t.app.inject({ url: contractUrl })).body).toContain("Too many late visits.");
    const amend = await postForm(t.app, s.commissioner as TestSession, `${contractUrl}/amend`, {
      reason: "Weekend visits added",
      scope: "Adds weekend visits",
    });
    expect(amend.statusCode).toBe(303);
    const stillOpen = await postForm(t.app, s.commissioner as TestSession, `${contractUrl}/terminate`, {
      reason: "Too late",
      "terminatedOn-day": "1",
      "terminatedOn-month": "1",
      "terminatedOn-year": "2031",
    });
    expect(stillOpen.statusCode).toBe(422);
    const terminated = await postForm(t.app, s.commissioner as TestSession, `${contractUrl}/terminate`, {
      reason: "Repeated inadequate ratings",
      "terminatedOn-day": "30",
      "terminatedOn-month": "6",
      "terminatedOn-year": "2027",
    });
    expect(terminated.statusCode).toBe(303);
    const final = await t.app.inject({ url: contractUrl });
    expect(final.body).toContain("Weekend visits added");
    expect(final.body).toContain("Repeated inadequate ratings");
    expect((await t.app.inject({ url: "/contracts?q=Night-time" })).body).toContain(contractUrl);
  });

  it("ask the reason for a value below the award's, add KPIs by amendment, correct a report until rated", async () => {
    const a = await award({ valuePence: 200_000_000n });
    const url = `${pages}/new?award=${a.awardId}`;
    const commissioner = s.commissioner as TestSession;
    const supplier = s.supplier as TestSession;
    const fields = {
      title: "Night-time home care, north",
      value: "£1,500,000",
      "startsOn-day": "1",
      "startsOn-month": "1",
      "startsOn-year": "2027",
      "endsOn-day": "31",
      "endsOn-month": "12",
      "endsOn-year": "2028",
      paymentMechanism: "fixed",
      "kpis.0.name": "Visits on time",
      "kpis.0.measure": "Visits within 15 minutes of the planned time",
      "kpis.0.target": "95%",
      "kpis.0.frequencyMonths": "1",
    };
    expect((await t.app.inject({ url, headers: { cookie: commissioner.cookie } })).body).toContain(
      "Why the value is below the value awarded",
    );
    const before = await rowCounts();
    const noReason = await postForm(t.app, commissioner, url, fields);
    expect(noReason.statusCode).toBe(422);
    expect(noReason.body).toContain('href="#valueReason"');
    expect(noReason.body).toContain("below the £2,000,000.00 awarded");
    expect(await rowCounts()).toEqual(before);
    const done = await postForm(t.app, commissioner, url, {
      ...fields,
      valueReason: "The south is left out.",
    });
    expect(done.statusCode).toBe(303);
    const contractUrl = String(done.headers.location).split("?")[0] as string;
    const notice = await t.app.inject({ url: contractUrl });
    expect(notice.body).toContain("Value awarded");
    expect(notice.body).toContain("£2,000,000.00");
    expect(notice.body).toContain("The south is left out.");
    expect(notice.body).toContain(
      "Ratings of this KPI: none published yet. Next publication of ratings due by 1 January 2028.",
    );

    // Adding a KPI by amendment.
    const amendUrl = `${contractUrl}/amend`;
    const amendForm = await t.app.inject({ url: amendUrl, headers: { cookie: commissioner.cookie } });
    expect(amendForm.body).toContain("KPIs to add");
    expect(amendForm.body).toContain("KPI 2");
    const kpiFields = {
      reason: "Complaints are measured from now on",
      "kpis.0.name": "Complaints",
      "kpis.0.measure": "Complaints per 1,000 visits",
      "kpis.0.target": "Under 2",
      "kpis.0.frequencyMonths": "3",
    };
    const wrong = await postForm(t.app, commissioner, amendUrl, { ...kpiFields, "kpis.0.target": "" });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#kpis.0.target"');
    expect((await postForm(t.app, commissioner, amendUrl, kpiFields)).statusCode).toBe(303);
    const amended = (await t.app.inject({ url: contractUrl })).body;
    expect(amended).toContain(
      "KPI added: Complaints (target: Under 2; Reported every 3 months, from 1 March 2027)",
    );
    expect(amended).toContain("Added by amendment 1; reported from 1 March 2027.");

    // The supplier reports, and corrects the report before it is rated.
    const reportUrl = `${contractUrl}/kpis/1/periods/1/report`;
    const correctUrl = `${reportUrl}/correct`;
    expect((await t.app.inject({ url: correctUrl, headers: { cookie: supplier.cookie } })).statusCode).toBe(
      409,
    );
    expect((await postForm(t.app, supplier, reportUrl, { value: "93%" })).statusCode).toBe(303);
    expect((await t.app.inject({ url: contractUrl, headers: { cookie: supplier.cookie } })).body).toContain(
      correctUrl,
    );
    expect(
      (await t.app.inject({ url: contractUrl, headers: { cookie: commissioner.cookie } })).body,
    ).not.toContain(correctUrl);
    const form = await t.app.inject({ url: correctUrl, headers: { cookie: supplier.cookie } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Correct a KPI report");
    expect(form.body).toContain('value="93%"');
    expect(
      (await t.app.inject({ url: correctUrl, headers: { cookie: s.supplierAdmin?.cookie ?? "" } }))
        .statusCode,
    ).toBe(403);
    const same = await postForm(t.app, supplier, correctUrl, { value: "93%" });
    expect(same.statusCode).toBe(422);
    expect(same.body).toContain("Nothing changes");
    const corrected = await postForm(t.app, supplier, correctUrl, { value: "94%", commentary: "Recounted." });
    expect(corrected.statusCode).toBe(303);
    expect(String(corrected.headers.location)).toContain("notice=corrected");
    const ratingPage = await t.app.inject({
      url: `${contractUrl}/kpis/1/periods/1/rating`,
      headers: { cookie: commissioner.cookie },
    });
    expect(ratingPage.body).toContain("94% — Recounted.");
    expect(ratingPage.body).toContain("Corrected by supplier");
    expect(
      (
        await postForm(t.app, commissioner, `${contractUrl}/kpis/1/periods/1/rating`, {
          rating: "good",
          comment: "On target once recounted.",
        })
      ).statusCode,
    ).toBe(303);
    expect((await t.app.inject({ url: contractUrl })).body).toContain("94% — Recounted. (corrected");
    expect((await postForm(t.app, supplier, correctUrl, { value: "95%" })).statusCode).toBe(409);
  });

  it("take the contract's documents as file uploads, checked from their content", async () => {
    const a = await award();
    const url = `${pages}/new?award=${a.awardId}`;
    const session = s.commissioner as TestSession;
    const fields = {
      title: "Night-time home care with documents",
      "startsOn-day": "1",
      "startsOn-month": "4",
      "startsOn-year": "2027",
      "endsOn-day": "31",
      "endsOn-month": "3",
      "endsOn-year": "2030",
      paymentMechanism: "fixed",
    };
    const post = (content: Buffer, filename: string) =>
      postMultipart(t.app, session, url, {
        ...fields,
        documents: { filename, type: "application/pdf", content },
      });
    const before = await rowCounts();
    const notPdf = await post(Buffer.from("MZ\x90\x00 not a document"), "contract.pdf");
    expect(notPdf.statusCode).toBe(400);
    expect(notPdf.body).toContain('href="#documents"');
    expect(await rowCounts()).toEqual(before);
    const done = await post(Buffer.from("%PDF-1.4\n%%EOF\n"), "signed-contract.pdf");
    expect(done.statusCode).toBe(303);
    const page = await t.app.inject({ url: String(done.headers.location) });
    expect(page.body).toContain("signed-contract.pdf");
  });
});
