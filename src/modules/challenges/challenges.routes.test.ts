/**
 * The Community Right to Challenge through HTTP (app.inject): the public registers and an EOI's
 * page (employees' names never shown to the public), the journey through the forms (an incomplete
 * submission re-rendered with 422 and an error summary linking each missing item; deciding before
 * considering refused with 409), and the JSON API with its status codes — nothing written on a
 * refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHALLENGE, WESTSHIRE_STAFF_DOMAIN } from "../../seed/demo/challenges.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";

const START = new Date("2026-11-22T10:00:00Z");
const clock = settableClock(START);
const COUNTY = "/authorities/westshire-county-council";
const DISTRICT = "/authorities/millbrook-district-council";
const API = `/api/v1/authorities/${DEMO_AUTHORITY.county}/right-to-challenge`;
const PARISH = "019a0000-0000-7000-8000-00000000b006";
const SME = "019a0000-0000-7000-8000-00000000b004";
let t: TestApp;
let parish: TestSession;
let sme: TestSession;
let commissioner: TestSession;
let districtAdmin: TestSession;
let countyAdmin: TestSession;
let evaluator: TestSession;
let ranger: TestSession;

async function challengeCount(): Promise<number> {
  const row = await t.deps.db
    .selectFrom("challenges")
    .select((eb) => eb.fn.countAll<bigint>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const complete = {
  financialResources: "£48,000 precept and £31,000 reserves.",
  capabilityEvidence: "We have run the play area since 2019.",
  serviceArea: "The country parks nearest the parish.",
  outcomes: "More volunteering and wildlife.",
  userNeeds: "Visitors asked for longer opening hours.",
};

const ids: Record<string, string> = {};

/** Fresh sessions at the clock's time (moving the clock far ends the old ones). */
async function signInAll(): Promise<void> {
  const at = (name: string) => sessionFor(t.app, ids[name] as string, { twoFactor: true });
  parish = await at("parish");
  sme = await at("sme");
  commissioner = await at("commissioner");
  districtAdmin = await at("districtAdmin");
  countyAdmin = await at("countyAdmin");
  evaluator = await at("evaluator");
  ranger = await at("ranger");
}

/** Runs `fn` with the clock at `date`, signed in afresh, then puts the clock back. */
async function at(date: string, fn: () => Promise<void>): Promise<void> {
  clock.set(new Date(date));
  try {
    await signInAll();
    await fn();
  } finally {
    clock.set(START);
    await signInAll();
  }
}

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const user = async (role: string, scopeId: string) =>
    (await createUser(t.deps.db, { grants: [{ role: role as never, scopeId }] })).id;
  ids.parish = await user("organisation-member", PARISH);
  ids.sme = await user("organisation-member", SME);
  ids.commissioner = await user("commissioner", DEMO_AUTHORITY.county);
  ids.districtAdmin = await user("authority-admin", DEMO_AUTHORITY.district);
  ids.countyAdmin = await user("authority-admin", DEMO_AUTHORITY.county);
  ids.evaluator = await user("evaluator", DEMO_AUTHORITY.county);
  ids.ranger = (await createUser(t.deps.db, { email: `jo.ranger@${WESTSHIRE_STAFF_DOMAIN}` })).id;
  await signInAll();
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("the public registers", () => {
  it("shows the national register with counts by outcome and ground, overdue and possible mutuals", async () => {
    const response = await call(t.app, "GET", "/right-to-challenge");
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/data-count="accepted">1</);
    expect(response.body).toMatch(/data-count="rejected">1</);
    expect(response.body).toMatch(/data-count="overdue">1</);
    expect(response.body).toMatch(/data-ground="already-procured">1</);
    const text = mainText(response.body);
    expect(text).toContain("Lower Ashby Parish Council");
    expect(text).toContain("Employees of Westshire County Council");
    expect(text).toContain("Possible mutual spin-out");
  });

  it("shows an authority's register with its policy, windows and OVERDUE decisions", async () => {
    const district = mainText((await call(t.app, "GET", `${DISTRICT}/right-to-challenge`)).body);
    expect(district).toContain("56 days");
    expect(district).toContain("Kelderby Town Council");
    expect(district).toContain("Overdue");
    const county = mainText((await call(t.app, "GET", `${COUNTY}/right-to-challenge`)).body);
    expect(county).toContain("Library service");
    expect(county).toContain("Open");
    expect(county).not.toContain("Publish a window");
    expect(mainText((await call(t.app, "GET", `${COUNTY}/right-to-challenge`, commissioner)).body)).toContain(
      "Publish a window",
    );
  });

  it("publishes an EOI with its decision, but never employees' names", async () => {
    const rejected = mainText(
      (await call(t.app, "GET", `${COUNTY}/right-to-challenge/${DEMO_CHALLENGE.rejected}`)).body,
    );
    expect(rejected).toContain("Vale Cross Food Bank");
    expect(rejected).toContain("The service is already being procured");
    expect(rejected).toContain("not registered with the care regulator");
    const employees = await call(t.app, "GET", `${COUNTY}/right-to-challenge/${DEMO_CHALLENGE.employees}`);
    expect(mainText(employees.body)).toContain("Employees of Westshire County Council");
    expect(employees.body).not.toContain("Rowan Ellis");
    const json = await call(t.app, "GET", `${API}/${DEMO_CHALLENGE.employees}`);
    expect(json.body).not.toContain("Rowan Ellis");
    expect((await call(t.app, "GET", `${API}/${DEMO_CHALLENGE.employees}`, commissioner)).body).toContain(
      "Rowan Ellis",
    );
    expect((await call(t.app, "GET", "/api/v1/right-to-challenge")).body).not.toContain("Rowan Ellis");
  });

  it("links a service's page to its windows and to expressing an interest", async () => {
    const page = await call(t.app, "GET", `${COUNTY}/services/${DEMO_SERVICE.countyParks}`);
    expect(page.body).toContain(`${COUNTY}/right-to-challenge/new?serviceId=${DEMO_SERVICE.countyParks}`);
  });
});

describe("the journey through the pages", () => {
  it("drafts, refuses an incomplete submission (422), submits, considers, decides and creates the project", async () => {
    const start = await call(
      t.app,
      "GET",
      `${COUNTY}/right-to-challenge/new?serviceId=${DEMO_SERVICE.countyParks}`,
      parish,
    );
    expect(start.statusCode).toBe(200);
    expect(mainText(start.body)).toContain("Lower Ashby Parish Council");
    const noApplicant = await postForm(t.app, parish, `${COUNTY}/right-to-challenge/new`, {
      serviceId: DEMO_SERVICE.countyParks,
    });
    expect(noApplicant.statusCode).toBe(400);
    const created = await postForm(t.app, parish, `${COUNTY}/right-to-challenge/new`, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: PARISH,
    });
    expect(created.statusCode).toBe(303);
    const edit = String(created.headers.location);
    const id = edit.split("/").at(-2) as string;

    const incomplete = await postForm(t.app, parish, edit, {
      serviceId: DEMO_SERVICE.countyParks,
      financialResources: complete.financialResources,
      action: "submit",
    });
    expect(incomplete.statusCode).toBe(422);
    for (const item of ["capabilityEvidence", "serviceArea", "outcomes", "userNeeds"])
      expect(incomplete.body).toContain(`href="#${item}"`);
    expect(incomplete.body).toContain(complete.financialResources);

    const saved = await postForm(t.app, parish, edit, {
      serviceId: DEMO_SERVICE.countyParks,
      outcomes: "Draft",
      action: "save",
    });
    expect(saved.statusCode).toBe(303);
    expect((await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}`)).statusCode).toBe(404);

    const submitted = await postForm(t.app, parish, edit, {
      serviceId: DEMO_SERVICE.countyParks,
      ...complete,
      action: "submit",
    });
    expect(submitted.statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}`)).body)).toContain(
      "Submitted",
    );

    const early = await postForm(t.app, commissioner, `${COUNTY}/right-to-challenge/${id}/decide`, {
      decision: "accepted",
      reasons: "Strong.",
    });
    expect(early.statusCode).toBe(409);
    expect(mainText(early.body)).toContain("Record that you considered");

    const otherAuthority = await postForm(
      t.app,
      districtAdmin,
      `${COUNTY}/right-to-challenge/${id}/consider`,
      {},
    );
    expect(otherAuthority.statusCode).toBe(403);

    const badConsider = await postForm(t.app, commissioner, `${COUNTY}/right-to-challenge/${id}/consider`, {
      consideredBy: "",
    });
    expect(badConsider.statusCode).toBe(400);
    expect(badConsider.body).toContain('href="#consideredBy"');
    const considered = await postForm(t.app, commissioner, `${COUNTY}/right-to-challenge/${id}/consider`, {
      consideredBy: "Head of Parks",
      "consideredOn-day": "22",
      "consideredOn-month": "11",
      "consideredOn-year": "2026",
      evidence: "The parish's accounts.",
    });
    expect(considered.statusCode).toBe(303);

    const decidePage = mainText(
      (await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}/decide`, commissioner)).body,
    );
    expect(decidePage).toContain("integrated with an NHS body's service");
    expect(decidePage).toContain("negotiating with a third party");
    const noGround = await postForm(t.app, commissioner, `${COUNTY}/right-to-challenge/${id}/decide`, {
      decision: "rejected",
      reasons: "",
    });
    expect(noGround.statusCode).toBe(422);
    expect(noGround.body).toContain('href="#grounds"');
    expect(noGround.body).toContain('href="#reasons"');

    const decided = await postForm(t.app, commissioner, `${COUNTY}/right-to-challenge/${id}/decide`, {
      decision: "accepted",
      reasons: "The parish has the resources and the experience.",
    });
    expect(decided.statusCode).toBe(303);
    const page = mainText((await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}`)).body);
    expect(page).toContain("Accepted");
    const projectId = /projects\/([0-9a-f-]{36})/.exec(
      (await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}`)).body,
    )?.[1];
    expect(projectId).toBeDefined();
    const project = mainText(
      (await call(t.app, "GET", `${COUNTY}/projects/${projectId}`, commissioner)).body,
    );
    expect(project).toContain("Procurement window");
    expect(project).toContain("20 February 2027");
    expect(project).toContain("22 November 2027");
    await at("2027-11-24T10:00:00Z", async () => {
      expect(
        mainText((await call(t.app, "GET", `${COUNTY}/projects/${projectId}`, commissioner)).body),
      ).toContain("Missed");
    });
  });
});

describe("the JSON API", () => {
  it("refuses the public (401) and other authorities' staff (403) before the body", async () => {
    expect((await call(t.app, "PUT", `${API}/policy`, undefined, {})).statusCode).toBe(401);
    expect((await call(t.app, "PUT", `${API}/policy`, districtAdmin, {})).statusCode).toBe(403);
    expect((await call(t.app, "POST", API, undefined, {})).statusCode).toBe(401);
  });

  it("publishes the policy (422 when the minimum exceeds the maximum) and windows", async () => {
    const bad = await call(t.app, "PUT", `${API}/policy`, commissioner, {
      decisionPeriodDays: 60,
      minProcurementDays: 400,
      maxProcurementDays: 100,
    });
    expect(bad.statusCode).toBe(422);
    const ok = await call(t.app, "PUT", `${API}/policy`, commissioner, {
      decisionPeriodDays: 60,
      minProcurementDays: 90,
      maxProcurementDays: 365,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().published).toBe(true);
    const past = await call(t.app, "POST", `${API}/policy/windows`, commissioner, {
      serviceId: DEMO_SERVICE.countyHomeCare,
      opensOn: "2026-01-01",
      closesOn: "2026-02-01",
    });
    expect(past.statusCode).toBe(422);
    const window = await call(t.app, "POST", `${API}/policy/windows`, commissioner, {
      serviceId: DEMO_SERVICE.countyHomeCare,
      opensOn: "2027-01-01",
      closesOn: "2027-01-31",
    });
    expect(window.statusCode).toBe(201);
    expect(window.json().state).toBe("upcoming");
    const register = (await call(t.app, "GET", API)).json();
    expect(register.windows.map((w: { id: string }) => w.id)).toContain(window.json().id);
    expect(
      (await call(t.app, "DELETE", `${API}/policy/windows/${window.json().id}`, commissioner, {})).statusCode,
    ).toBe(204);
  });

  it("refuses bad expressions of interest per the status-code rule, writing nothing", async () => {
    const before = await challengeCount();
    const notRelevant = await call(t.app, "POST", API, sme, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "organisation", organisationId: SME },
    });
    expect(notRelevant.statusCode).toBe(422);
    expect(notRelevant.json().error.code).toBe("not_relevant_body");
    const notMember = await call(t.app, "POST", API, sme, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "organisation", organisationId: PARISH },
    });
    expect(notMember.statusCode).toBe(403);
    const otherService = await call(t.app, "POST", API, parish, {
      serviceId: "019a0000-0000-7000-8000-00000000d007",
      applicant: { type: "organisation", organisationId: PARISH },
    });
    expect(otherService.statusCode).toBe(422);
    const missing = await call(t.app, "POST", API, parish, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "organisation", organisationId: PARISH },
      financialResources: "Some",
      submit: true,
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details.map((d: { field: string }) => d.field)).toEqual([
      "capabilityEvidence",
      "serviceArea",
      "outcomes",
      "userNeeds",
    ]);
    // Between the library's windows:
    await at("2027-03-01T10:00:00Z", async () => {
      const outside = await call(t.app, "POST", API, parish, {
        serviceId: DEMO_SERVICE.countyLibraries,
        applicant: { type: "organisation", organisationId: PARISH },
        ...complete,
        submit: true,
      });
      expect(outside.statusCode).toBe(409);
      expect(outside.json().error.code).toBe("outside_window");
    });
    expect(await challengeCount()).toBe(before);
  });

  it("submits, then refuses an unknown ground (422, not 400), modifying without agreement (409), and decides", async () => {
    const created = await call(t.app, "POST", API, parish, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "organisation", organisationId: PARISH },
      ...complete,
      submit: true,
    });
    expect(created.statusCode).toBe(201);
    const eoi = created.json();
    expect(eoi.status).toBe("submitted");
    expect(eoi.decisionDue).toBe("2027-01-21");
    const url = `${API}/${eoi.id}`;
    expect(
      (await call(t.app, "POST", `${url}/decision`, commissioner, { decision: "accepted", reasons: "x" }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await call(t.app, "POST", `${url}/consideration`, commissioner, {
          consideredBy: "Panel",
          consideredOn: "2026-11-22",
          evidence: "Accounts.",
        })
      ).statusCode,
    ).toBe(200);
    const unknown = await call(t.app, "POST", `${url}/decision`, commissioner, {
      decision: "rejected",
      grounds: ["too-small"],
      reasons: "No.",
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe("decision_invalid");
    const modify = await call(t.app, "POST", `${url}/decision`, commissioner, {
      decision: "modified",
      reasons: "Smaller.",
    });
    expect(modify.statusCode).toBe(409);
    expect(modify.json().error.code).toBe("modification_not_agreed");
    expect((await call(t.app, "GET", url)).json().status).toBe("considered");
    const rejected = await call(t.app, "POST", `${url}/decision`, commissioner, {
      decision: "rejected",
      grounds: ["frivolous-or-vexatious"],
      reasons: "Duplicates an earlier one.",
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json().decision).toMatchObject({
      outcome: "rejected",
      grounds: ["frivolous-or-vexatious"],
    });
    const national = (await call(t.app, "GET", "/api/v1/right-to-challenge")).json();
    expect(national.counts.rejectionsByGround["frivolous-or-vexatious"]).toBe(1);
  });

  it("keeps drafts private and acting on another authority's EOIs impossible", async () => {
    const created = await call(t.app, "POST", API, parish, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: { type: "organisation", organisationId: PARISH },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await call(t.app, "GET", `${API}/${id}`)).statusCode).toBe(404);
    expect((await call(t.app, "PATCH", `${API}/${id}`, sme, { outcomes: "x" })).statusCode).toBe(404);
    expect((await call(t.app, "PATCH", `${API}/${id}`, parish, { outcomes: "Better." })).statusCode).toBe(
      200,
    );
    const district = `/api/v1/authorities/${DEMO_AUTHORITY.district}/right-to-challenge/${DEMO_CHALLENGE.rejected}`;
    expect((await call(t.app, "GET", district)).statusCode).toBe(404);
    expect(
      (
        await call(t.app, "POST", `${API}/${DEMO_CHALLENGE.employees}/consideration`, districtAdmin, {
          consideredBy: "Panel",
          consideredOn: "2026-11-22",
          evidence: "Accounts.",
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe("where the Right to Challenge applies", () => {
  const NHS = "/authorities/westshire-integrated-care-board";
  const WELSH = "/authorities/cyngor-sir-glanmor";

  it("says on an NHS body's and a Welsh council's pages that it does not apply, and offers nothing", async () => {
    const nhs = await call(t.app, "GET", `${NHS}/right-to-challenge`, parish);
    expect(nhs.statusCode).toBe(200);
    expect(mainText(nhs.body)).toContain(
      "The Community Right to Challenge does not apply to NHS Westshire Integrated Care Board",
    );
    expect(nhs.body).not.toContain("right-to-challenge/new");
    expect(nhs.body).not.toContain("The authority's policy");
    const service = await call(t.app, "GET", `${NHS}/services/019a0000-0000-7000-8000-00000000d008`);
    expect(service.statusCode).toBe(200);
    expect(service.body).not.toContain("right-to-challenge/new");
    expect(mainText(service.body)).not.toContain("Community Right to Challenge");
    const start = await call(t.app, "GET", `${WELSH}/right-to-challenge/new`, parish);
    expect(start.statusCode).toBe(422);
    expect(mainText(start.body)).toContain("which is in Wales");
    const county = await call(t.app, "GET", `${COUNTY}/right-to-challenge`, parish);
    expect(county.body).toContain(`${COUNTY}/right-to-challenge/new`);
  });

  it("refuses an EOI to a Scottish council through the API (422), writing nothing, and says why on its register", async () => {
    const before = await challengeCount();
    const scottish = "019a0000-0000-7000-8000-00000000a006";
    const refused = await call(t.app, "POST", `/api/v1/authorities/${scottish}/right-to-challenge`, parish, {
      serviceId: "019a0000-0000-7000-8000-00000000d011",
      applicant: { type: "organisation", organisationId: PARISH },
      ...complete,
      submit: true,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe("not_relevant_authority");
    expect(refused.json().error.message).toContain("which is in Scotland");
    expect(await challengeCount()).toBe(before);
    const register = (await call(t.app, "GET", `/api/v1/authorities/${scottish}/right-to-challenge`)).json();
    expect(register.rightToChallenge.applies).toBe(false);
    expect((await call(t.app, "GET", API)).json()).toMatchObject({
      rightToChallenge: { applies: true, reason: null },
      staffDomains: [WESTSHIRE_STAFF_DOMAIN],
    });
  });
});

describe("employees' expressions of interest", () => {
  it("lets only the authority's administrators set its staff email domains, never a public mail domain", async () => {
    const form = `${COUNTY}/right-to-challenge/staff-domains`;
    expect((await call(t.app, "GET", form, commissioner)).statusCode).toBe(403);
    const page = await call(t.app, "GET", form, countyAdmin);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(WESTSHIRE_STAFF_DOMAIN);
    const open = await postForm(t.app, countyAdmin, form, {
      domains: `${WESTSHIRE_STAFF_DOMAIN}\nhotmail.co.uk`,
    });
    expect(open.statusCode).toBe(422);
    expect(open.body).toContain('href="#domains"');
    expect(mainText(open.body)).toContain("anyone can have an address there");
    const saved = await postForm(t.app, countyAdmin, form, { domains: WESTSHIRE_STAFF_DOMAIN });
    expect(saved.statusCode).toBe(303);
    const api = await call(t.app, "PUT", `${API}/staff-domains`, commissioner, { domains: [] });
    expect(api.statusCode).toBe(403);
    const put = await call(t.app, "PUT", `${API}/staff-domains`, countyAdmin, {
      domains: [WESTSHIRE_STAFF_DOMAIN],
    });
    expect(put.json()).toEqual({ domains: [WESTSHIRE_STAFF_DOMAIN] });
  });

  it("takes the colleagues' work addresses and engagement on the form, and submits once each has confirmed", async () => {
    const created = await postForm(t.app, evaluator, `${COUNTY}/right-to-challenge/new`, {
      serviceId: DEMO_SERVICE.countyParks,
      applicant: "employees",
    });
    expect(created.statusCode).toBe(303);
    const edit = String(created.headers.location);
    const id = edit.split("/").at(-2) as string;
    const form = await call(t.app, "GET", edit, evaluator);
    expect(form.body).toContain('name="coSignatories.0.email"');
    expect(form.body).toContain('name="employeeEngagement"');
    expect(mainText(form.body)).toContain(`@${WESTSHIRE_STAFF_DOMAIN}`);
    const filled = {
      serviceId: DEMO_SERVICE.countyParks,
      ...complete,
      employeeEngagement: "A meeting at each park and a staff ballot.",
      "coSignatories.0.name": "Jo Ranger",
      "coSignatories.0.jobTitle": "Ranger",
      "coSignatories.0.email": `jo.ranger@${WESTSHIRE_STAFF_DOMAIN}`,
    };
    const wrongAddress = await postForm(t.app, evaluator, edit, {
      ...filled,
      "coSignatories.0.email": "jo.ranger@gmail.com",
      action: "save",
    });
    expect(wrongAddress.statusCode).toBe(422);
    expect(wrongAddress.body).toContain('href="#coSignatories.0.email"');
    const unconfirmed = await postForm(t.app, evaluator, edit, { ...filled, action: "submit" });
    expect(unconfirmed.statusCode).toBe(422);
    expect(mainText(unconfirmed.body)).toContain("Co-signatory 1 has not confirmed yet");
    expect(await call(t.app, "GET", `${API}/${id}`)).toMatchObject({ statusCode: 404 });
    expect((await postForm(t.app, evaluator, edit, { ...filled, action: "save" })).statusCode).toBe(303);

    // The colleague reads the draft and confirms; the register lists it for them until then.
    expect(mainText((await call(t.app, "GET", `${COUNTY}/right-to-challenge`, ranger)).body)).toContain(
      "Waiting for you to confirm",
    );
    const page = await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}`, ranger);
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("A meeting at each park and a staff ballot.");
    expect(page.body).toContain(`/right-to-challenge/${id}/confirm`);
    const confirmed = await postForm(t.app, ranger, `${COUNTY}/right-to-challenge/${id}/confirm`, {});
    expect(confirmed.statusCode).toBe(303);
    expect((await call(t.app, "POST", `${API}/${id}/confirm`, ranger)).json().error.code).toBe(
      "already_confirmed",
    );

    const submitted = await call(t.app, "POST", `${API}/${id}/submit`, evaluator);
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().applicant).toMatchObject({ employees: 2 });
    expect(submitted.json().content.employeeEngagement).toBe("A meeting at each park and a staff ballot.");
    const published = await call(t.app, "GET", `${COUNTY}/right-to-challenge/${id}`);
    expect(mainText(published.body)).toContain("2 employees, each confirmed");
    expect(published.body).not.toContain("Jo Ranger");
    expect(published.body).not.toContain(`jo.ranger@${WESTSHIRE_STAFF_DOMAIN}`);
    expect((await call(t.app, "GET", `${API}/${id}`)).json().applicant.coSignatories).toBeUndefined();
  });
});
