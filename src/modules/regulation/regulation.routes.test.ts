/**
 * Regulation through HTTP (app.inject) on the demo data: public pages (registers, locations,
 * reports, Find a service, compare), the failing view's audience, the regulator's forms (each
 * refusal re-rendered with its errors or answered per the status rule, nothing written), the
 * provider's challenge, the provider profile, open data and the API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Method } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { rowCount } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_INSPECTION, DEMO_LOCATION, DEMO_REGIME } from "../../seed/demo/regulation.ts";
import type { Role } from "../access/access.service.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const REGULATOR = DEMO_AUTHORITY.regulator;
const OTHER_REGULATOR = "019a0000-0000-7000-8000-0000000aa0e2";
const MUTUAL = "019a0000-0000-7000-8000-00000000b001";
const CAREWELL = "019a0000-0000-7000-8000-00000000b032";
const GREENWAY = "019a0000-0000-7000-8000-00000000b004";
const R = `/regulators/${REGULATOR}`;
let t: TestApp;
const users = new Map<string, string>();

/** A fresh session (sessions go idle when the clock moves on). */
async function as(name: string): Promise<TestSession> {
  return sessionFor(t.app, users.get(name) ?? "", { twoFactor: true });
}

/** A call as one of the test's people (by name), or as the public. */
const send = async (method: Method, url: string, who?: string, body?: unknown) =>
  call(t.app, method, url, who ? await as(who) : undefined, body);
const get = (url: string, who?: string) => send("GET", url, who);
const api = (url: string, body: unknown, who?: string) => send("POST", url, who, body);

const count = (
  table:
    | "inspections"
    | "registrations"
    | "enforcement_actions"
    | "accuracy_challenges"
    | "registration_events",
) => rowCount(t.deps.db, table);

async function written() {
  return Promise.all(
    (
      [
        "inspections",
        "registrations",
        "enforcement_actions",
        "accuracy_challenges",
        "registration_events",
      ] as const
    ).map(count),
  );
}

const goodForm = {
  "inspectedOn-day": "10",
  "inspectedOn-month": "11",
  "inspectedOn-year": "2026",
  inspectors: "A. Inspector",
  evidenceSummary: "We watched care and read records.",
  "rating-safe": "good",
  "rating-effective": "good",
  "rating-caring": "good",
  "rating-responsive": "good",
  "rating-well-led": "good",
  breach: "no",
};

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  await transaction(t.deps.db, (trx) =>
    createAuthority(trx, clock, SYSTEM("test"), {
      id: OTHER_REGULATOR,
      slug: "housing-regulator",
      name: "Housing Regulator",
      kind: "regulator",
      nation: "england-and-wales",
      verified: true,
    }),
  );
  const make = async (name: string, role: Role, scopeId?: string) =>
    users.set(
      name,
      (await createUser(t.deps.db, { grants: [{ role, ...(scopeId ? { scopeId } : {}) }] })).id,
    );
  await make("inspector", "regulator-staff", REGULATOR);
  await make("otherInspector", "regulator-staff", OTHER_REGULATOR);
  await make("mutualAdmin", "organisation-admin", MUTUAL);
  await make("greenwayAdmin", "organisation-admin", GREENWAY);
  await make("citizen", "citizen");
  await make("commissioner", "commissioner", DEMO_AUTHORITY.county);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("public pages", () => {
  it("shows regulators, a register with ratings in words, and a location with its history and enforcement", async () => {
    expect(mainText((await get("/regulators")).body)).toContain("Care Standards Inspectorate");
    const register = await get(R);
    expect(register.statusCode).toBe(200);
    const text = mainText(register.body);
    expect(text).toContain("Carewell Riverside Care Home");
    expect(text).toContain("Inadequate");
    expect(text).not.toContain("Recovery Pathways"); // an application is not public
    const page = await get(`${R}/locations/${DEMO_LOCATION.carewellRiverside}`);
    const location = mainText(page.body);
    expect(location).toContain("This location is in special measures");
    expect(location).toContain("Warning notice");
    expect(location).toContain("Safe Inadequate");
    expect(location).not.toContain("Grace Whitfield"); // the manager's name is for the regulator and provider
    expect(location).not.toContain("Record an inspection");
  });

  it("captions a location with its registration's real state", async () => {
    const caption = async (location: string, who?: string) =>
      /<span class="govuk-caption-l">([^<]*)<\/span>/.exec(
        (await get(`${R}/locations/${location}`, who)).body,
      )?.[1];
    expect(await caption(DEMO_LOCATION.recoveryPathways, "inspector")).toBe(
      "Application to register with Care Standards Inspectorate",
    );
    expect(await caption(DEMO_LOCATION.greenwayMillbrook)).toBe(
      "Registered with Care Standards Inspectorate: dormant",
    );
    expect(await caption(DEMO_LOCATION.therapyBrookHouse)).toBe(
      "Registered with Care Standards Inspectorate",
    );
    const applied = mainText(
      (await get(`${R}/locations/${DEMO_LOCATION.recoveryPathways}`, "inspector")).body,
    );
    expect(applied).not.toContain("Registered with");
    expect(applied).toContain("Applied on 2 November 2026: waiting for the regulator's decision");
    expect(mainText((await get(`${R}/locations/${DEMO_LOCATION.greenwayMillbrook}`)).body)).toContain(
      "Dormant since 1 October 2026",
    );
    // The details column stacks each key above its value, so words wrap at spaces.
    expect((await get(`${R}/locations/${DEMO_LOCATION.recoveryPathways}`, "inspector")).body).toContain(
      "openps-summary-list--stacked",
    );
  });

  it("shows dates and times as people read them and codes by their names, never raw", async () => {
    const draft = `${R}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/${DEMO_INSPECTION.clinicDraft}`;
    const pages: [string, string?][] = [
      [R, "inspector"],
      [`${R}/locations/${DEMO_LOCATION.carewellRiverside}`],
      [`${R}/locations/${DEMO_LOCATION.recoveryPathways}`, "inspector"],
      [`${R}/locations/${DEMO_LOCATION.communityHealthClinic}`, "inspector"],
      [
        `${R}/locations/${DEMO_LOCATION.communityHealthNursing}/inspections/${DEMO_INSPECTION.nursingDeparture}`,
      ],
      [draft, "inspector"],
      [`${draft}/correct`, "inspector"],
      ["/regulation/find"],
      [`/regulation/compare?organisations=${CAREWELL}&organisations=${MUTUAL}`],
      ["/regulation/failing", "commissioner"],
      [`/organisations/${CAREWELL}`],
    ];
    for (const [url, who] of pages) {
      const response = await get(url, who);
      expect(response.statusCode, url).toBe(200);
      const text = mainText(response.body);
      expect(text, url).not.toMatch(/\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?/);
      expect(text, url).not.toMatch(
        /\b(requires-improvement|well-led|draft-report|special-measures|warning-notice|adult-social-care|community-health|personal-care|treatment-of-disease|nursing-care)\b/,
      );
    }
  });

  it("publishes the departure reason with the rating", async () => {
    const page = mainText((await get(`${R}/locations/${DEMO_LOCATION.communityHealthNursing}`)).body);
    expect(page).toContain("The inspector departed from the rating the rules give (Good)");
    const report = mainText(
      (
        await get(
          `${R}/locations/${DEMO_LOCATION.communityHealthNursing}/inspections/${DEMO_INSPECTION.nursingDeparture}`,
        )
      ).body,
    );
    expect(report).toContain("Departure from the rules' rating (Good)");
  });

  it("keeps a draft report from the public (404) and shows it to the provider with the challenge form", async () => {
    const url = `${R}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/${DEMO_INSPECTION.clinicDraft}`;
    expect((await get(url)).statusCode).toBe(404);
    expect((await get(url, "citizen")).statusCode).toBe(404);
    const provider = await get(url, "mutualAdmin");
    expect(provider.statusCode).toBe(200);
    expect(mainText(provider.body)).toContain("This is a draft report");
    expect(provider.body).toContain('name="point"');
    expect(mainText((await get(url, "inspector")).body)).toContain("Awaiting the regulator's answer");
  });

  it("finds services by rating then name, and refuses a bad postcode district with a linked error", async () => {
    const found = mainText((await get("/regulation/find?serviceType=residential-care")).body);
    expect(found).toContain("2 services found");
    expect(found.indexOf("Carewell Oakfield")).toBeLessThan(found.indexOf("Carewell Riverside Care Home"));
    // The results come before the filters, so that on a phone they are not below them.
    expect(found.indexOf("2 services found")).toBeLessThan(found.indexOf("Filter the services"));
    const bad = await get("/regulation/find?postcodeDistrict=zzz");
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)).toEqual(["#postcodeDistrict"]);
  });

  it("compares 2 to 5 providers, each key question's rating shown with the location it is for", async () => {
    const page = await get(`/regulation/compare?organisations=${CAREWELL}&organisations=${MUTUAL}`);
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("Carewell Homes Ltd");
    const safe = page.body.slice(page.body.indexOf(">Safe</th>"), page.body.indexOf(">Effective</th>"));
    expect(safe).toMatch(/<span class="govuk-body-s[^"]*">Carewell Oakfield<\/span>/);
    expect(safe).not.toContain("govuk-visually-hidden");
    const one = await get(`/regulation/compare?organisations=${CAREWELL}`);
    expect(one.statusCode).toBe(400);
    expect(summaryLinks(one.body)).toEqual(["#organisations"]);
    expect((await get("/regulation/compare")).statusCode).toBe(200);
  });

  it("shows registrations and ratings on the provider's public profile", async () => {
    const profile = mainText((await get(`/organisations/${CAREWELL}`)).body);
    expect(profile).toContain("Registrations and ratings");
    expect(profile).toContain("Carewell Riverside Care Home");
    expect(profile).toContain("Special measures");
    expect(profile).toContain("Rating history");
  });

  it("shows the failing view to regulators and commissioners only", async () => {
    expect((await get("/regulation/failing")).statusCode).toBe(303);
    expect((await get("/regulation/failing", "citizen")).statusCode).toBe(403);
    const page = await get("/regulation/failing", "commissioner");
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("Re-inspection overdue");
  });
});

describe("the regulator's forms", () => {
  it("re-renders an inspection with a rating off the scale (400) or a departure without a reason (422), writing nothing", async () => {
    const before = await written();
    const url = `${R}/locations/${DEMO_LOCATION.therapyBrookHouse}/inspections/new`;
    const offScale = await postForm(t.app, await as("inspector"), url, {
      ...goodForm,
      "rating-safe": "excellent",
    });
    expect(offScale.statusCode).toBe(400);
    expect(summaryLinks(offScale.body)).toEqual(["#rating-safe"]);
    const override = await postForm(t.app, await as("inspector"), url, {
      ...goodForm,
      overall: "outstanding",
    });
    expect(override.statusCode).toBe(422);
    expect(summaryLinks(override.body)).toEqual(["#departureReason"]);
    expect(mainText(override.body)).toContain("The rules give Good");
    expect(await written()).toEqual(before);
  });

  it("refuses the provider (403), another regulator (403) and a location on another regulator's register (404)", async () => {
    const before = await written();
    const url = `${R}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/new`;
    expect((await postForm(t.app, await as("mutualAdmin"), url, goodForm)).statusCode).toBe(403);
    expect((await postForm(t.app, await as("otherInspector"), url, goodForm)).statusCode).toBe(403);
    const elsewhere = `/regulators/${OTHER_REGULATOR}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/new`;
    expect((await postForm(t.app, await as("otherInspector"), elsewhere, goodForm)).statusCode).toBe(404);
    expect(
      (
        await postForm(
          t.app,
          await as("mutualAdmin"),
          `${R}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/${DEMO_INSPECTION.clinicDraft}/publish`,
          {},
        )
      ).statusCode,
    ).toBe(403);
    expect(await written()).toEqual(before);
  });

  it("records an inspection, refuses publishing in the period (409), and publishes once it has ended", async () => {
    const location = `${R}/locations/${DEMO_LOCATION.therapyBrookHouse}`;
    const recorded = await postForm(t.app, await as("inspector"), `${location}/inspections/new`, goodForm);
    expect(recorded.statusCode).toBe(303);
    const report = String(recorded.headers.location).split("?")[0] ?? "";
    expect(report).toMatch(new RegExp(`^${location}/inspections/[0-9a-f-]{36}$`));
    const early = await postForm(t.app, await as("inspector"), `${report}/publish`, {});
    expect(early.statusCode).toBe(409);
    expect(mainText(early.body)).toContain("until the end of 4 December 2026");
    const challenged = await postForm(t.app, await as("greenwayAdmin"), `${report}/challenges`, {
      point: "x",
    });
    expect(challenged.statusCode).toBe(404); // not Greenway's location
    clock.set(new Date("2026-12-07T10:00:00Z"));
    try {
      // The period's end as people read it: the last day it ran, not the midnight after it.
      expect(mainText((await get(report, "inspector")).body)).toContain(
        "The period for challenging this draft ended at the end of 4 December 2026.",
      );
      const published = await postForm(t.app, await as("inspector"), `${report}/publish`, {});
      expect(published.statusCode).toBe(303);
      expect(mainText((await get(location)).body)).toContain("Inspected on 10 November 2026");
    } finally {
      clock.set(new Date("2026-11-22T10:00:00Z"));
    }
  });

  it("takes the provider's challenge in the period and the regulator's answer, re-rendering an empty one", async () => {
    const report = `${R}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/${DEMO_INSPECTION.clinicDraft}`;
    const empty = await postForm(t.app, await as("mutualAdmin"), `${report}/challenges`, { point: "" });
    expect(empty.statusCode).toBe(400);
    expect(summaryLinks(empty.body)).toEqual(["#point"]);
    const ok = await postForm(t.app, await as("mutualAdmin"), `${report}/challenges`, {
      point: "The clinic opened in 2014, not 2015.",
    });
    expect(ok.statusCode).toBe(303);
    const challenge = await t.deps.db
      .selectFrom("accuracy_challenges")
      .select("id")
      .where("point", "=", "The clinic opened in 2014, not 2015.")
      .executeTakeFirstOrThrow();
    const noOutcome = await postForm(
      t.app,
      await as("inspector"),
      `${report}/challenges/${challenge.id}/answer`,
      { response: "Noted." },
    );
    expect(noOutcome.statusCode).toBe(400);
    expect(summaryLinks(noOutcome.body)).toEqual(["#outcome"]);
    const answered = await postForm(
      t.app,
      await as("inspector"),
      `${report}/challenges/${challenge.id}/answer`,
      {
        outcome: "accepted",
        response: "Corrected.",
      },
    );
    expect(answered.statusCode).toBe(303);
    expect(answered.headers.location).toBe(`${report}?notice=accepted`);
    // Accepting says what really happens: the draft is still to be corrected, and publishing waits for it.
    const providerView = mainText((await get(report, "mutualAdmin")).body);
    expect(providerView).toContain(
      "Accepted. Corrected. The inspector has still to correct the draft report for this point.",
    );
    expect(providerView).not.toContain("the report was corrected");
    const staffView = mainText((await get(`${report}?notice=accepted`, "inspector")).body);
    expect(staffView).toContain(
      "Correct the draft report to reflect it: the report cannot be published until you do.",
    );
    expect(staffView).toContain("1 accepted point is not yet reflected in a corrected draft");

    // The correction form: the regulator's staff only, the draft as it reads, the points to reflect.
    const correct = `${report}/correct`;
    expect((await get(correct, "mutualAdmin")).statusCode).toBe(403);
    const form = await get(correct, "inspector");
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("Accepted points to reflect The clinic opened in 2014, not 2015.");
    expect(form.body).toContain(
      "waiting times for the leg ulcer clinic have risen to nine weeks.</textarea>",
    );
    const before = await written();
    const corrected = {
      "inspectedOn-day": "8",
      "inspectedOn-month": "11",
      "inspectedOn-year": "2026",
      inspectors: "G. Inspector, L. Inspector",
      evidenceSummary:
        "Care remains person-centred since the clinic opened in 2014; waiting times have risen to nine weeks.",
      "rating-safe": "good",
      "rating-effective": "outstanding",
      "rating-caring": "outstanding",
      "rating-responsive": "requires-improvement",
      "rating-well-led": "good",
      breach: "no",
    };
    const unsaid = await postForm(t.app, await as("inspector"), correct, corrected);
    expect(unsaid.statusCode).toBe(400);
    expect(summaryLinks(unsaid.body)).toEqual(["#corrections"]);
    expect(await written()).toEqual(before);
    const saved = await postForm(t.app, await as("inspector"), correct, {
      ...corrected,
      corrections: "The year the clinic opened corrected to 2014.",
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${report}?notice=corrected`);
    const after = mainText((await get(report, "mutualAdmin")).body);
    expect(after).toContain("The draft report was corrected for this point in version 2.");
    expect(after).toContain(
      "Corrections to the draft Version 2, corrected on 22 November 2026 The year the clinic opened corrected to 2014.",
    );
    expect(after).toContain("Version 2: corrected since the draft was first sent");
    expect(after).toContain("since the clinic opened in 2014");
  });

  it("changes a status with a reason, and refuses special measures by hand (422)", async () => {
    const location = `${R}/locations/${DEMO_LOCATION.mindCrisisHouse}`;
    const noReason = await postForm(t.app, await as("inspector"), `${location}/status`, { to: "suspended" });
    expect(noReason.statusCode).toBe(400);
    expect(summaryLinks(noReason.body)).toEqual(["#reason"]);
    const invalid = await postForm(t.app, await as("inspector"), `${location}/status`, {
      to: "refused",
      reason: "No.",
    });
    expect(invalid.statusCode).toBe(409);
    const sm = await postForm(t.app, await as("inspector"), `${location}/enforcement`, {
      kind: "special-measures",
      details: "x",
    });
    expect(sm.statusCode).toBe(422);
    const ok = await postForm(t.app, await as("inspector"), `${location}/enforcement`, {
      kind: "requirement-notice",
      details: "Review care plans monthly.",
    });
    expect(ok.statusCode).toBe(303);
    expect(mainText((await get(location)).body)).toContain("Review care plans monthly.");
  });

  it("takes an application from a provider's administrator, inside the regime only", async () => {
    const form = {
      organisationId: GREENWAY,
      name: "Greenway Extra Care",
      addressLine1: "1 New Road",
      town: "Wesford",
      postcode: "WS1 9ZZ",
      areaCode: "E10000901",
      capacity: "30",
      capacityUnit: "people",
      registeredManager: "Sam Lee",
      serviceTypes: ["domiciliary-care"],
      activities: ["personal-care"],
    };
    expect((await get(`${R}/registrations/new`, "citizen")).statusCode).toBe(403);
    const before = await count("registrations");
    const outside = await postForm(t.app, await as("greenwayAdmin"), `${R}/registrations/new`, {
      ...form,
      activities: ["childrens-social-care"],
    });
    expect(outside.statusCode).toBe(422);
    expect(summaryLinks(outside.body)).toEqual(["#activities"]);
    expect(mainText(outside.body)).toContain("This regulator does not regulate Children's social care");
    expect(await count("registrations")).toBe(before);
    const ok = await postForm(t.app, await as("greenwayAdmin"), `${R}/registrations/new`, form);
    expect(ok.statusCode).toBe(303);
    const page = await get(String(ok.headers.location), "greenwayAdmin");
    expect(mainText(page.body)).toContain("Applied");
    expect((await get(String(ok.headers.location).split("?")[0] ?? "")).statusCode).toBe(404);
  });

  it("lets staff change the regime", async () => {
    const page = await get(`${R}/regime`, "inspector");
    expect(page.statusCode).toBe(200);
    const bad = await postForm(t.app, await as("inspector"), `${R}/regime`, { reinspectionMonths: "99" });
    expect(bad.statusCode).toBe(400);
    expect(summaryLinks(bad.body)[0]).toBe("#serviceTypes");
    const ok = await postForm(t.app, await as("inspector"), `${R}/regime`, {
      serviceTypes: [
        "adult-social-care",
        "community-health",
        "domiciliary-care",
        "learning-disability-support",
        "mental-health",
        "residential-care",
      ],
      activities: [
        "accommodation-personal-care",
        "diagnostic-and-screening",
        "nursing-care",
        "personal-care",
        "substance-misuse-accommodation",
        "treatment-of-disease",
      ],
      reinspectionMonths: "9",
      factualAccuracyWorkingDays: "10",
      representationDays: "28",
    });
    expect(ok.statusCode).toBe(303);
    expect(mainText((await get(R)).body)).toContain("Within 9 months");
  });
});

describe("the API of the register", () => {
  it("serves the register, a location and the rating history", async () => {
    const list = JSON.parse((await get("/api/v1/regulation/locations?serviceType=residential-care")).body);
    expect(list.locations.map((l: { name: string }) => l.name)).toEqual([
      "Carewell Oakfield",
      "Carewell Riverside Care Home",
    ]);
    expect((await get("/api/v1/regulation/locations?rating=excellent")).statusCode).toBe(400);
    const detail = JSON.parse(
      (await get(`/api/v1/regulation/locations/${DEMO_LOCATION.carewellRiverside}`)).body,
    );
    expect(detail.location.specialMeasures).toBe(true);
    expect(detail.location.currentRating.overall).toBe("inadequate");
    expect(detail.ratingHistory).toHaveLength(2);
    expect((await get(`/api/v1/regulation/locations/${DEMO_LOCATION.recoveryPathways}`)).statusCode).toBe(
      404,
    );
    const regulators = JSON.parse((await get("/api/v1/regulators")).body);
    expect(regulators.regulators[0].regulatedActivities).toContain("personal-care");
    expect(JSON.parse((await get("/api/v1/regulation/ratings")).body).ratings.length).toBeGreaterThanOrEqual(
      12,
    );
  });

  it("records an inspection through the API: 400 off the scale, 422 without a reason, 401, 201", async () => {
    const url = `/api/v1/regulators/${REGULATOR}/locations/${DEMO_LOCATION.kelderbyStreetCare}/inspections`;
    const body = {
      inspectedOn: "2026-11-12",
      inspectors: "API Inspector",
      evidenceSummary: "Through the API.",
      ratings: {
        safe: "good",
        effective: "good",
        caring: "outstanding",
        responsive: "outstanding",
        "well-led": "good",
      },
    };
    const before = await count("inspections");
    expect((await api(url, body)).statusCode).toBe(401);
    expect((await api(url, body, "mutualAdmin")).statusCode).toBe(403);
    expect(
      (await api(url, { ...body, ratings: { ...body.ratings, safe: "excellent" } }, "inspector")).statusCode,
    ).toBe(400);
    const override = await api(url, { ...body, overall: "good" }, "inspector");
    expect(override.statusCode).toBe(422);
    expect(JSON.parse(override.body).error.details[0].field).toBe("departureReason");
    expect(await count("inspections")).toBe(before);
    const created = await api(url, body, "inspector");
    expect(created.statusCode).toBe(201);
    const report = JSON.parse(created.body);
    expect(report).toMatchObject({
      status: "draft-report",
      calculatedOverall: "outstanding",
      overall: "outstanding",
    });
    const publish = await api(
      `/api/v1/regulators/${REGULATOR}/inspections/${report.id}/publish`,
      {},
      "inspector",
    );
    expect(publish.statusCode).toBe(409);
    // Corrected through the API: 401, 404 for another provider, 422 when nothing changed, then version 2.
    const corrections = `/api/v1/regulators/${REGULATOR}/inspections/${report.id}/corrections`;
    const correction = {
      ...body,
      evidenceSummary: "Through the API, corrected.",
      corrections: "The summary.",
    };
    expect((await api(corrections, correction)).statusCode).toBe(401);
    expect((await api(corrections, correction, "mutualAdmin")).statusCode).toBe(404); // not its draft to see
    const same = await api(corrections, { ...body, corrections: "Nothing." }, "inspector");
    expect([same.statusCode, JSON.parse(same.body).error.code]).toEqual([422, "nothing_corrected"]);
    const capped = await api(
      corrections,
      {
        ...correction,
        breach: true,
        breachDetails: "Regulation 12.",
        overall: "good",
        departureReason: "Minor.",
      },
      "inspector",
    );
    expect([capped.statusCode, JSON.parse(capped.body).error.details[0].field]).toEqual([422, "overall"]);
    const fixed = await api(corrections, correction, "inspector");
    expect(fixed.statusCode).toBe(200);
    expect(JSON.parse(fixed.body)).toMatchObject({
      version: 2,
      evidenceSummary: "Through the API, corrected.",
      corrections: [{ version: 2, summary: "The summary." }],
    });
  });

  it("runs the registration journey through the API: apply, register, enforce, refuse an early cancellation", async () => {
    const body = {
      organisationId: GREENWAY,
      name: "Greenway API Branch",
      addressLine1: "9 Api Street",
      town: "Millbrook",
      postcode: "MB2 9AP",
      areaCode: "E07000901",
      capacity: 40,
      capacityUnit: "people",
      registeredManager: "Pat Api",
      serviceTypes: ["domiciliary-care"],
      activities: ["personal-care"],
    };
    const url = `/api/v1/regulators/${REGULATOR}/registrations`;
    expect((await api(url, body)).statusCode).toBe(401);
    expect((await api(url, body, "mutualAdmin")).statusCode).toBe(403);
    const outside = await api(url, { ...body, activities: ["education-and-training"] }, "greenwayAdmin");
    expect(outside.statusCode).toBe(422);
    const created = await api(url, body, "greenwayAdmin");
    expect(created.statusCode).toBe(201);
    const id = JSON.parse(created.body).location.id as string;
    const base = `/api/v1/regulators/${REGULATOR}/locations/${id}`;
    expect(
      (await api(`${base}/status`, { to: "registered", reason: "OK" }, "greenwayAdmin")).statusCode,
    ).toBe(403);
    expect((await api(`${base}/status`, { to: "dormant", reason: "Winter." }, "inspector")).statusCode).toBe(
      409,
    );
    const registered = await api(
      `${base}/status`,
      { to: "registered", reason: "Meets the standards.", conditions: "No more than 40 people." },
      "inspector",
    );
    expect(registered.statusCode).toBe(200);
    expect(JSON.parse(registered.body).location).toMatchObject({
      status: "registered",
      conditions: "No more than 40 people.",
    });
    expect(
      (await api(`${base}/enforcement`, { kind: "special-measures", details: "x" }, "inspector")).statusCode,
    ).toBe(422);
    const notice = await api(
      `${base}/enforcement`,
      { kind: "proposal-to-cancel", details: "No improvement." },
      "inspector",
    );
    expect(notice.statusCode).toBe(201);
    expect(JSON.parse(notice.body).enforcement[0]).toMatchObject({
      kind: "proposal-to-cancel",
      representationsUntil: "2026-12-20",
      inForce: true,
    });
    const early = await api(`${base}/cancel`, { reason: "Persistent failure." }, "inspector");
    expect(early.statusCode).toBe(409);
    expect(JSON.parse(early.body).error.message).toContain("20 December 2026");
  });

  it("sets a regime and resolves enforcement through the API, for the regulator's staff only", async () => {
    const put = (body: unknown, who?: string) =>
      send("PUT", `/api/v1/regulators/${REGULATOR}/regime`, who, body);
    const regime = { ...DEMO_REGIME, reinspectionMonths: 9 };
    expect((await put(regime)).statusCode).toBe(401);
    expect((await put(regime, "otherInspector")).statusCode).toBe(403);
    const bad = await put({ ...regime, reinspectionMonths: 0 }, "inspector");
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("reinspectionMonths");
    const ok = await put(regime, "inspector");
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ reinspectionMonths: 9 });
    // Dropping an activity that registered locations carry is refused (422), nothing changed.
    const dropped = await put({ ...regime, activities: ["nursing-care"] }, "inspector");
    expect(dropped.statusCode).toBe(422);

    const location = `/api/v1/regulators/${REGULATOR}/locations/${DEMO_LOCATION.carewellRiverside}`;
    const issued = await api(
      `${location}/enforcement`,
      { kind: "warning-notice", details: "Late medicines." },
      "inspector",
    );
    expect(issued.statusCode).toBe(201);
    const action = JSON.parse(issued.body).enforcement.find(
      (e: { kind: string }) => e.kind === "warning-notice",
    );
    const resolve = `/api/v1/regulators/${REGULATOR}/enforcement/${action.id}/resolve`;
    expect((await api(resolve, { resolution: "Fixed." }, "otherInspector")).statusCode).toBe(403);
    expect((await api(resolve, { resolution: "" }, "inspector")).statusCode).toBe(400);
    expect((await api(resolve, { resolution: "Medicines now on time." }, "inspector")).statusCode).toBe(204);
    expect((await api(resolve, { resolution: "Again." }, "inspector")).statusCode).toBe(409);
  });
});
