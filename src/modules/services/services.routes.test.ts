/**
 * The service register through HTTP (app.inject): public pages and API, forms that re-render with
 * every error named, who may write (own authority, verified), the API's 401 before body validation,
 * and the pipeline from the app's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const MUTUAL = "019a0000-0000-7000-8000-00000000b001";
const UNVERIFIED = "019a0000-0000-7000-8000-0000000aa0fe";
const COUNTY = "/authorities/westshire-county-council";
const json = { "content-type": "application/json" };
let t: TestApp;
let commissioner: TestSession;
let districtAdmin: TestSession;
let unverifiedAdmin: TestSession;

const get = (url: string, session?: TestSession) =>
  t.app.inject({ method: "GET", url, headers: session ? { cookie: session.cookie } : {} });

const api = (method: "POST" | "PATCH", url: string, body: unknown, session?: TestSession) =>
  t.app.inject({
    method,
    url,
    headers: { ...json, ...(session ? { cookie: session.cookie } : {}) },
    payload: JSON.stringify(body),
  });

const form = {
  name: "Meals on wheels",
  kind: "individual",
  categoryCode: "adult-social-care",
  providerType: "contracted",
  providerOrganisationId: MUTUAL,
  annualCost: "£1,234,567",
  "contractEnd-day": "31",
  "contractEnd-month": "3",
  "contractEnd-year": "2028",
  status: "market-tested",
  description: "Hot meals delivered at home.",
};

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  await transaction(t.deps.db, (trx) =>
    createAuthority(trx, clock, SYSTEM("test"), {
      id: UNVERIFIED,
      slug: "unverified-city-council",
      name: "Unverified City Council",
      kind: "unitary",
      nation: "england-and-wales",
      verified: false,
    }),
  );
  const make = async (role: "commissioner" | "authority-admin", scopeId: string) =>
    sessionFor(t.app, (await createUser(t.deps.db, { grants: [{ role, scopeId }] })).id, { twoFactor: true });
  commissioner = await make("commissioner", DEMO_AUTHORITY.county);
  districtAdmin = await make("authority-admin", DEMO_AUTHORITY.district);
  unverifiedAdmin = await make("authority-admin", UNVERIFIED);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("service register pages", () => {
  it("shows an authority's register to everyone", async () => {
    const page = await get(`${COUNTY}/services`);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Community nursing and therapy");
    expect(text).toContain("£18,400,000");
    expect(text).not.toContain("Add a service");
    expect(mainText((await get(`${COUNTY}/services`, commissioner)).body)).toContain("Add a service");
    expect((await get("/authorities/no-such-council/services")).statusCode).toBe(404);
  });

  it("adds a service through the form, and re-renders with every error named", async () => {
    const bad = await postForm(t.app, commissioner, `${COUNTY}/services/new`, {
      ...form,
      name: "",
      annualCost: "£12.345",
      "contractEnd-day": "30",
      "contractEnd-month": "2",
    });
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#name", "#annualCost", "#contractEnd"]);
    expect(bad.body).toContain("no more than 2 digits after the decimal point");
    expect(bad.body).toContain('value="£12.345"');

    const mismatch = await postForm(t.app, commissioner, `${COUNTY}/services/new`, {
      ...form,
      providerOrganisationId: "",
      "contractEnd-day": "",
      "contractEnd-month": "",
      "contractEnd-year": "",
    });
    expect(mismatch.statusCode).toBe(422);
    expect(summaryLinks(mismatch.body)).toEqual(["#providerOrganisationId", "#contractEnd"]);

    const ok = await postForm(t.app, commissioner, `${COUNTY}/services/new`, form);
    expect(ok.statusCode).toBe(303);
    const page = await get(String(ok.headers.location));
    expect(mainText(page.body)).toContain("£1,234,567");
    expect(mainText(page.body)).toContain("31 March 2028");
  });

  it("refuses another authority's staff (403) and an unverified authority (403)", async () => {
    expect((await postForm(t.app, districtAdmin, `${COUNTY}/services/new`, form)).statusCode).toBe(403);
    expect((await get(`${COUNTY}/services/new`, districtAdmin)).statusCode).toBe(403);
    const unverified = await postForm(
      t.app,
      unverifiedAdmin,
      "/authorities/unverified-city-council/services/new",
      form,
    );
    expect(unverified.statusCode).toBe(403);
    expect(unverified.body).toContain("has not been verified");
    const signIn = await postForm(t.app, null, `${COUNTY}/services/new`, form);
    expect(signIn.statusCode).toBe(403); // No CSRF token for the public: refused before anything.
  });

  it("records and publishes an option appraisal shown on the service page", async () => {
    const url = `${COUNTY}/services/${DEMO_SERVICE.countyHomeCare}`;
    const bad = await postForm(t.app, commissioner, `${url}/appraisals/new`, {
      options: ["retain-in-house"],
      evidence: "",
      decision: "",
      reasons: "",
    });
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#options", "#evidence", "#decision", "#reasons"]);
    const drafted = await postForm(t.app, commissioner, `${url}/appraisals/new`, {
      options: ["retain-in-house", "commission-openly"],
      evidence: "A review of home care quality.",
      decision: "commission-openly",
      reasons: "More choice for people with personal budgets.",
    });
    expect(drafted.statusCode).toBe(303);
    expect(mainText((await get(url)).body)).not.toContain("A review of home care quality.");
    const draftPage = await get(url, commissioner);
    const publishAction = /action="([^"]+\/publish)"/.exec(draftPage.body)?.[1] ?? "";
    // A draft appraisal is not another authority's to see (404); published, it is refused (403), not 409.
    expect((await postForm(t.app, districtAdmin, publishAction, {})).statusCode).toBe(404);
    expect((await postForm(t.app, commissioner, publishAction, {})).statusCode).toBe(303);
    expect((await postForm(t.app, commissioner, publishAction, {})).statusCode).toBe(409);
    expect((await postForm(t.app, districtAdmin, publishAction, {})).statusCode).toBe(403);
    const text = mainText((await get(url)).body);
    expect(text).toContain("A review of home care quality.");
    expect(text).toContain("Commission openly");
  });

  it("lists a service's windows for Right to Challenge expressions of interest, or says any time will do", async () => {
    const libraries = mainText((await get(`${COUNTY}/services/${DEMO_SERVICE.countyLibraries}`)).body);
    expect(libraries).toContain(
      "Expressions of interest in this service are taken only while one of these windows is open",
    );
    expect(libraries).toMatch(/\d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4} Open/);
    expect(libraries).toMatch(/to \d{1,2} \w+ \d{4} Upcoming/);
    const parks = mainText((await get(`${COUNTY}/services/${DEMO_SERVICE.countyParks}`)).body);
    expect(parks).toContain(
      "This service has no windows: an expression of interest may be made at any time.",
    );
  });

  it("shows the pipeline per authority and nationally from the clock", async () => {
    const county = mainText((await get(`${COUNTY}/pipeline`)).body);
    expect(county).toContain("22 November 2026 to 22 May 2028");
    expect(county).toContain("Home care for older people");
    expect(county).toContain("None planned yet");
    expect(county).not.toContain("Library service");
    const national = mainText((await get("/pipeline")).body);
    expect(national.indexOf("Home care for older people")).toBeLessThan(
      national.indexOf("Homelessness prevention"),
    );
    expect(national).toContain("Millbrook District Council");
    expect(national).not.toContain("Employment support programme"); // Ends 30 June 2028: beyond the window.
  });
});

describe("service register API", () => {
  const body = {
    name: "School crossing patrols",
    kind: "neighbourhood",
    categoryCode: "community-transport",
    providerType: "in-house",
    annualCost: "£250,000",
    status: "in-house",
  };
  const base = `/api/v1/authorities/${DEMO_AUTHORITY.county}/services`;

  it("refuses the public before the body (401), other authorities (403), unverified ones (403)", async () => {
    expect((await api("POST", base, { nonsense: true })).statusCode).toBe(401);
    expect((await api("POST", base, { nonsense: true }, districtAdmin)).statusCode).toBe(403);
    expect(
      (await api("POST", `/api/v1/authorities/${UNVERIFIED}/services`, body, unverifiedAdmin)).statusCode,
    ).toBe(403);
  });

  it("creates, reads, lists and changes a service", async () => {
    const created = await api("POST", base, body, commissioner);
    expect(created.statusCode).toBe(201);
    const service = created.json();
    expect(service).toMatchObject({ annualCostPence: "25000000", annualCost: "£250,000.00", provider: null });
    const read = await get(String(created.headers.location));
    expect(read.json().name).toBe("School crossing patrols");
    const list = await get(base);
    expect(list.json().services.map((s: { id: string }) => s.id)).toContain(service.id);
    const changed = await api("PATCH", `${base}/${service.id}`, { annualCost: "260000" }, commissioner);
    expect(changed.statusCode).toBe(200);
    expect(changed.json().annualCostPence).toBe("26000000");
    const other = await api("PATCH", `${base}/${service.id}`, { annualCost: "1" }, districtAdmin);
    expect(other.statusCode).toBe(403);
    const elsewhere = await get(`/api/v1/authorities/${DEMO_AUTHORITY.district}/services/${service.id}`);
    expect(elsewhere.statusCode).toBe(404);
  });

  it("names bad fields (400) and refuses bad combinations (422)", async () => {
    const schema = await api("POST", base, { ...body, kind: "other", name: "" }, commissioner);
    expect(schema.statusCode).toBe(400);
    const money = await api("POST", base, { ...body, annualCost: "£1,23" }, commissioner);
    expect(money.statusCode).toBe(400);
    expect(money.json().error.details).toEqual([
      { field: "annualCost", message: expect.stringContaining("groups of 3 digits") },
    ]);
    const combo = await api(
      "POST",
      base,
      { ...body, providerType: "contracted", status: "market-tested" },
      commissioner,
    );
    expect(combo.statusCode).toBe(422);
    expect(combo.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      "providerOrganisationId",
      "contractEnd",
    ]);
  });

  it("lists the national pipeline with each service's planned procurement", async () => {
    const response = await get("/api/v1/pipeline");
    expect(response.statusCode).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ from: "2026-11-22", to: "2028-05-22", windowMonths: 18 });
    expect(result.services.length).toBeGreaterThan(3);
    const planned = result.services.filter(
      (s: { plannedProcurement: unknown }) => s.plannedProcurement !== null,
    );
    expect(planned.map((s: { service: { id: string } }) => s.service.id)).toEqual([
      DEMO_SERVICE.countyHomeCare,
    ]);
  });
});
