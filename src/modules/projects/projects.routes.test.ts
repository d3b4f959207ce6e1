/**
 * Commissioning projects through HTTP (app.inject): the public sees published projects and not
 * drafts, the API drafts, changes and publishes for the lead's editors only (401 before the body,
 * 404 for another authority's draft, 403 for what it may see), 409 once published, 422 for dates out of order, and the pipeline
 * page and API show the published project as the planned procurement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CONSULTATION } from "../../seed/demo/consultations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const COUNTY = "/authorities/westshire-county-council";
const base = `/api/v1/authorities/${DEMO_AUTHORITY.county}/projects`;
let t: TestApp;
let commissioner: TestSession;
let districtAdmin: TestSession;

const body = {
  title: "Library outreach",
  need: "Housebound readers need books brought to them.",
  categoryCode: "libraries",
  areaCode: DEMO_AREA.westshire,
  estimatedValue: "£400,000",
  marketEngagementDate: "2027-01-01",
  tenderDate: "2027-02-01",
  awardDate: "2027-04-01",
  startDate: "2027-06-01",
  serviceIds: [DEMO_SERVICE.countyLibraries],
};

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const make = async (role: "commissioner" | "authority-admin", scopeId: string) =>
    sessionFor(t.app, (await createUser(t.deps.db, { grants: [{ role, scopeId }] })).id, { twoFactor: true });
  commissioner = await make("commissioner", DEMO_AUTHORITY.county);
  districtAdmin = await make("authority-admin", DEMO_AUTHORITY.district);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("commissioning project pages", () => {
  it("shows published projects to everyone and drafts only to the lead's editors", async () => {
    const list = mainText((await call(t.app, "GET", `${COUNTY}/projects`)).body);
    expect(list).toContain("Home care for older people 2027");
    expect(list).toContain("Joint commissioning");
    expect(list).not.toContain("Country parks cafés and events");
    expect(mainText((await call(t.app, "GET", `${COUNTY}/projects`, commissioner)).body)).toContain(
      "Country parks cafés and events",
    );
    expect((await call(t.app, "GET", `${COUNTY}/projects/${DEMO_PROJECT.countyParksDraft}`)).statusCode).toBe(
      404,
    );
    expect(
      (await call(t.app, "GET", `${COUNTY}/projects/${DEMO_PROJECT.countyParksDraft}`, districtAdmin))
        .statusCode,
    ).toBe(404);
    const page = mainText(
      (await call(t.app, "GET", `${COUNTY}/projects/${DEMO_PROJECT.countyHomeCare}`)).body,
    );
    expect(page).toContain("£48,000,000");
    expect(page).toContain("Millbrook District Council");
    expect(page).toContain("1 April 2027");
    expect(page).toContain("Pipeline notice issued on");
  });

  it("lists a project's consultations on its shape, and offers its editors a new one", async () => {
    const url = `${COUNTY}/projects/${DEMO_PROJECT.countyHomeCare}`;
    const publicPage = (await call(t.app, "GET", url)).body;
    expect(mainText(publicPage)).toContain("Home care for older people: shaping the new service");
    expect(publicPage).toContain(`${COUNTY}/consultations/${DEMO_CONSULTATION.countyHomeCareEngagement}`);
    expect(publicPage).not.toContain("/consultations/new?project=");
    expect((await call(t.app, "GET", url, commissioner)).body).toContain(
      `${COUNTY}/consultations/new?project=${DEMO_PROJECT.countyHomeCare}`,
    );
  });

  it("drafts a project through the form, re-rendering with every error named", async () => {
    expect((await call(t.app, "GET", `${COUNTY}/projects/new`, districtAdmin)).statusCode).toBe(403);
    expect((await call(t.app, "GET", `${COUNTY}/projects/new`, commissioner)).statusCode).toBe(200);
    const form = {
      title: "Mobile library",
      description: "",
      need: "Villages without a branch library.",
      categoryCode: "libraries",
      areaCode: DEMO_AREA.westshire,
      estimatedValue: "£90,000",
      serviceIds: DEMO_SERVICE.countyLibraries,
      participantIds: DEMO_AUTHORITY.district,
      "marketEngagementDate-day": "1",
      "marketEngagementDate-month": "2",
      "marketEngagementDate-year": "2027",
      "tenderDate-day": "1",
      "tenderDate-month": "3",
      "tenderDate-year": "2027",
      "awardDate-day": "1",
      "awardDate-month": "5",
      "awardDate-year": "2027",
      "startDate-day": "1",
      "startDate-month": "7",
      "startDate-year": "2027",
    };
    const bad = await postForm(t.app, commissioner, `${COUNTY}/projects/new`, {
      ...form,
      title: "",
      "tenderDate-day": "31",
      "tenderDate-month": "2",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#title"');
    expect(bad.body).toContain('href="#tenderDate"');
    const order = await postForm(t.app, commissioner, `${COUNTY}/projects/new`, {
      ...form,
      "startDate-year": "2026",
    });
    expect(order.statusCode).toBe(422);
    expect((await postForm(t.app, districtAdmin, `${COUNTY}/projects/new`, form)).statusCode).toBe(403);
    const ok = await postForm(t.app, commissioner, `${COUNTY}/projects/new`, form);
    expect(ok.statusCode).toBe(303);
    const page = mainText((await call(t.app, "GET", String(ok.headers.location), commissioner)).body);
    expect(page).toContain("Mobile library");
    expect(page).toContain("Millbrook District Council");
    expect(page).toContain("£90,000");
  });

  it("publishes a draft from its page: others 404 (a draft is not theirs to see), then once (409 again; 403 for others)", async () => {
    const url = `${COUNTY}/projects/${DEMO_PROJECT.countyParksDraft}`;
    const draftPage = await call(t.app, "GET", url, commissioner);
    expect(draftPage.body).toContain(`action="${url}/publish"`);
    expect((await postForm(t.app, districtAdmin, `${url}/publish`, {})).statusCode).toBe(404);
    const ok = await postForm(t.app, commissioner, `${url}/publish`, {});
    expect(ok.statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", String(ok.headers.location))).body)).toContain(
      "pipeline notice issued",
    );
    expect((await postForm(t.app, commissioner, `${url}/publish`, {})).statusCode).toBe(409);
    expect((await postForm(t.app, districtAdmin, `${url}/publish`, {})).statusCode).toBe(403);
    expect((await call(t.app, "GET", url)).statusCode).toBe(200);
  });

  it("shows the published project as the planned procurement in the pipeline", async () => {
    const county = mainText((await call(t.app, "GET", `${COUNTY}/pipeline`)).body);
    expect(county).toContain("Home care for older people 2027");
    const national = (await call(t.app, "GET", "/api/v1/pipeline")).json();
    const homeCare = national.services.find(
      (s: { service: { id: string } }) => s.service.id === DEMO_SERVICE.countyHomeCare,
    );
    expect(homeCare.plannedProcurement).toMatchObject({
      id: DEMO_PROJECT.countyHomeCare,
      ocid: `ocds-openps-${DEMO_PROJECT.countyHomeCare}`,
    });
  });
});

describe("commissioning projects API", () => {
  it("refuses the public before the body (401) and another authority (403)", async () => {
    expect((await call(t.app, "POST", base, undefined, { nonsense: true })).statusCode).toBe(401);
    expect((await call(t.app, "POST", base, districtAdmin, { nonsense: true })).statusCode).toBe(403);
  });

  it("drafts, changes, publishes and reads a project", async () => {
    const created = await call(t.app, "POST", base, commissioner, body);
    expect(created.statusCode).toBe(201);
    const project = created.json();
    expect(project).toMatchObject({
      status: "draft",
      estimatedValuePence: "40000000",
      joint: false,
      pipelineNotice: null,
    });
    expect((await call(t.app, "GET", String(created.headers.location))).statusCode).toBe(404);
    expect((await call(t.app, "GET", String(created.headers.location), commissioner)).statusCode).toBe(200);
    const other = await call(t.app, "PATCH", `${base}/${project.id}`, districtAdmin, { title: "Mine" });
    expect(other.statusCode).toBe(404);
    const changed = await call(t.app, "PATCH", `${base}/${project.id}`, commissioner, {
      participantIds: [DEMO_AUTHORITY.district],
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().joint).toBe(true);
    const published = await call(t.app, "POST", `${base}/${project.id}/publish`, commissioner, {});
    expect(published.statusCode).toBe(200);
    expect(published.json().pipelineNotice.content).toMatchObject({ ocid: project.ocid, tag: ["planning"] });
    expect((await call(t.app, "POST", `${base}/${project.id}/publish`, commissioner, {})).statusCode).toBe(
      409,
    );
    expect(
      (await call(t.app, "PATCH", `${base}/${project.id}`, commissioner, { title: "Late" })).statusCode,
    ).toBe(409);
    expect(
      (await call(t.app, "PATCH", `${base}/${project.id}`, districtAdmin, { title: "Late" })).statusCode,
    ).toBe(403);
    const list = (await call(t.app, "GET", base)).json();
    expect(list.projects.map((p: { id: string }) => p.id)).toContain(project.id);
    expect(
      (await call(t.app, "GET", `/api/v1/authorities/${DEMO_AUTHORITY.district}/projects/${project.id}`))
        .statusCode,
    ).toBe(404);
  });

  it("names bad fields (400) and refuses dates out of order (422)", async () => {
    const schema = await call(t.app, "POST", base, commissioner, {
      ...body,
      tenderDate: "soon",
      serviceIds: [],
    });
    expect(schema.statusCode).toBe(400);
    const order = await call(t.app, "POST", base, commissioner, { ...body, tenderDate: "2026-12-01" });
    expect(order.statusCode).toBe(422);
    expect(order.json().error.details).toEqual([
      { field: "tenderDate", message: "The tender date must be on or after the market engagement date" },
    ]);
  });
});

describe("the edit page and the procurement start", () => {
  it("changes a draft through its edit page (400 with errors, then 303), linked from the project", async () => {
    const created = await call(t.app, "POST", base, commissioner, {
      ...body,
      title: "Country parks cafés and events",
    });
    expect(created.statusCode).toBe(201);
    const url = `${COUNTY}/projects/${created.json().id}`;
    expect((await call(t.app, "GET", url, commissioner)).body).toContain(`${url}/edit`);
    expect((await call(t.app, "GET", `${url}/edit`)).statusCode).toBe(303);
    expect((await call(t.app, "GET", `${url}/edit`, districtAdmin)).statusCode).toBe(404);
    const form = await call(t.app, "GET", `${url}/edit`, commissioner);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Country parks cafés and events"');
    const values = {
      title: "Country parks cafés, events and trails",
      need: "Visitors ask for better facilities.",
      categoryCode: "parks",
      areaCode: "E10000901",
      estimatedValue: "650,000",
      serviceIds: DEMO_SERVICE.countyParks,
      "marketEngagementDate-day": "1",
      "marketEngagementDate-month": "2",
      "marketEngagementDate-year": "2027",
      "tenderDate-day": "1",
      "tenderDate-month": "5",
      "tenderDate-year": "2027",
      "awardDate-day": "1",
      "awardDate-month": "7",
      "awardDate-year": "2027",
      "startDate-day": "1",
      "startDate-month": "9",
      "startDate-year": "2027",
    };
    const bad = await postForm(t.app, commissioner, `${url}/edit`, { ...values, title: "" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#title"');
    const ok = await postForm(t.app, commissioner, `${url}/edit`, values);
    expect(ok.statusCode).toBe(303);
    const page = mainText((await call(t.app, "GET", url, commissioner)).body);
    expect(page).toContain("Country parks cafés, events and trails");
    expect(page).toContain("£650,000");
  });

  it("refuses to edit a published project (409; 403 for another authority)", async () => {
    const url = `${COUNTY}/projects/${DEMO_PROJECT.countyHomeCare}/edit`;
    expect((await call(t.app, "GET", url, commissioner)).statusCode).toBe(409);
    expect((await postForm(t.app, commissioner, url, { title: "Changed" })).statusCode).toBe(409);
    expect((await call(t.app, "GET", url, districtAdmin)).statusCode).toBe(403);
    expect((await postForm(t.app, districtAdmin, url, { title: "Changed" })).statusCode).toBe(403);
  });

  it("records that the procurement started outside OpenPS: a real date, not in the future, once", async () => {
    const url = `${COUNTY}/projects/${DEMO_PROJECT.countyHomeCare}`;
    const start = (day: string, month: string, year: string, session = commissioner) =>
      postForm(t.app, session, `${url}/procurement-started`, {
        "startedOn-day": day,
        "startedOn-month": month,
        "startedOn-year": year,
      });
    expect((await start("21", "11", "2026", districtAdmin)).statusCode).toBe(403);
    const bad = await start("31", "2", "2026");
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#startedOn"');
    expect((await start("1", "1", "2027")).statusCode).toBe(422);
    expect((await start("21", "11", "2026")).statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", url)).body)).toContain(
      "The procurement started on 21 November 2026",
    );
    expect((await start("21", "11", "2026")).statusCode).toBe(409);
    expect((await start("21", "11", "2026", districtAdmin)).statusCode).toBe(403);
    const json = (await call(t.app, "GET", `${base}/${DEMO_PROJECT.countyHomeCare}`)).json();
    expect(json.procurementWindow).toBeNull();
    expect(json.challengeId).toBeNull();
  });
});
