/**
 * Consultations through HTTP (app.inject), with the clock moved past closing: the lists and pages
 * for everyone (drafts only for editors), the forms (re-rendered with every error linked to its
 * field, 303 after success), responding as a person or for an organisation, refusals with nothing
 * written (409 after closing, 403/404 for another authority), names hidden without consent, and
 * "you said, we did"; and the JSON API mirroring them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { rowCount } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CONSULTATION } from "../../seed/demo/consultations.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";

const START = new Date("2026-11-22T10:00:00Z");
const clock = settableClock(START);
const COUNTY = "/authorities/westshire-county-council/consultations";
const API = `/api/v1/authorities/${DEMO_AUTHORITY.county}/consultations`;
let t: TestApp;
const ids = { commissioner: "", districtAdmin: "", citizen: "", charity: "" };
let commissioner: TestSession;
let districtAdmin: TestSession;
let citizen: TestSession;
let charity: TestSession;

const count = () => rowCount(t.deps.db, "consultation_responses");

const form = {
  kind: "policy",
  projectId: "",
  title: "Adult learning: what should we offer?",
  summary: "Which courses the adult learning service should run.",
  audience: "Adults who want to learn, and providers of adult learning.",
  "closesAt-day": "15",
  "closesAt-month": "1",
  "closesAt-year": "2027",
  closesTime: "5pm",
  sectionCount: "3",
  "sections.0.heading": "Courses",
  "sections.0.body": "We run 40 courses.",
  "sections.0.questions": "Which courses would you take?\nWhen could you attend?",
  "sections.1.heading": "Venues",
  "sections.1.body": "Courses run in libraries.",
  "sections.1.questions": "",
  "sections.2.heading": "",
  "sections.2.body": "",
  "sections.2.questions": "",
};

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const make = async (grants: NonNullable<Parameters<typeof createUser>[1]>["grants"], displayName: string) =>
    (await createUser(t.deps.db, { grants, displayName })).id;
  ids.commissioner = await make(
    [{ role: "commissioner", scopeId: DEMO_AUTHORITY.county }],
    "Cam Commissioner",
  );
  ids.districtAdmin = await make(
    [{ role: "authority-admin", scopeId: DEMO_AUTHORITY.district }],
    "Dee District",
  );
  ids.citizen = await make([{ role: "citizen" }], "Chris Public");
  ids.charity = await make(
    [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }],
    "Ada Trustee",
  );
  await moveClock(START);
}, 120_000);

/** Moves the clock, and signs everyone in again (sessions expire when the clock jumps weeks). */
async function moveClock(to: Date): Promise<void> {
  clock.set(to);
  const session = (id: string) => sessionFor(t.app, id, { twoFactor: true });
  commissioner = await session(ids.commissioner);
  districtAdmin = await session(ids.districtAdmin);
  citizen = await session(ids.citizen);
  charity = await session(ids.charity);
}

afterAll(async () => {
  await t.close();
});

describe("consultation pages", () => {
  let page: string;

  it("lists consultations nationally with filters, and per authority", async () => {
    const all = mainText((await call(t.app, "GET", "/consultations")).body);
    expect(all).toContain("Home care for older people: shaping the new service");
    expect(all).toContain("Parks and open spaces: devolving to parish councils");
    expect(all).toContain("Libraries strategy 2027 to 2030");
    const open = mainText(
      (await call(t.app, "GET", "/consultations?status=open&authority=millbrook-district-council")).body,
    );
    expect(open).toContain("Parks and open spaces");
    expect(open).not.toContain("Home care for older people");
    expect(open).not.toContain("The future of Millbrook's leisure centres");
    const engagement = mainText((await call(t.app, "GET", "/consultations?kind=market-engagement")).body);
    expect(engagement).toContain("Home care for older people");
    expect(engagement).not.toContain("Libraries strategy");
    const county = mainText((await call(t.app, "GET", COUNTY)).body);
    expect(county).toContain("Summary published");
    expect(county).not.toContain("Draft a consultation");
    expect(mainText((await call(t.app, "GET", COUNTY, commissioner)).body)).toContain("Draft a consultation");
  });

  it("drafts through the form: every error linked to its field, another section added without saving", async () => {
    expect((await call(t.app, "GET", `${COUNTY}/new`)).statusCode).toBe(303);
    expect((await call(t.app, "GET", `${COUNTY}/new`, districtAdmin)).statusCode).toBe(403);
    expect((await call(t.app, "GET", `${COUNTY}/new`, commissioner)).statusCode).toBe(200);
    const bad = await postForm(t.app, commissioner, `${COUNTY}/new`, {
      ...form,
      title: "",
      closesTime: "teatime",
      "sections.0.heading": "",
    });
    expect(bad.statusCode).toBe(400);
    for (const href of ["#title", "#closesTime", "#sections.0.heading"])
      expect(bad.body).toContain(`href="${href}"`);
    expect(bad.body).toContain("We run 40 courses.");
    const past = await postForm(t.app, commissioner, `${COUNTY}/new`, { ...form, "closesAt-year": "2025" });
    expect(past.statusCode).toBe(422);
    expect(past.body).toContain('href="#closesAt"');
    expect(mainText(past.body)).toContain("must be in the future");
    const more = await postForm(t.app, commissioner, `${COUNTY}/new`, { ...form, addSection: "1" });
    expect(more.statusCode).toBe(200);
    expect(more.body).toContain('name="sections.3.heading"');
    expect((await call(t.app, "GET", COUNTY, commissioner)).body).not.toContain(form.title);
    const ok = await postForm(t.app, commissioner, `${COUNTY}/new`, form);
    expect(ok.statusCode).toBe(303);
    page = String(ok.headers.location).split("?")[0] ?? "";
    const shown = mainText((await call(t.app, "GET", String(ok.headers.location), commissioner)).body);
    expect(shown).toContain("saved as a draft");
    expect(shown).toContain("5pm on 15 January 2027");
    expect(shown).toContain("When could you attend?");
    expect((await call(t.app, "GET", page)).statusCode).toBe(404);
  });

  it("changes the draft, publishes it (others 404 for the draft, 403 once published), then refuses to change it (409)", async () => {
    const edit = await call(t.app, "GET", `${page}/edit`, commissioner);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="17:00"');
    // A draft is the county's alone: not found for another authority's administrator.
    expect((await postForm(t.app, districtAdmin, `${page}/edit`, form)).statusCode).toBe(404);
    const changed = await postForm(t.app, commissioner, `${page}/edit`, {
      ...form,
      title: "Adult learning 2027",
    });
    expect(changed.statusCode).toBe(303);
    expect((await postForm(t.app, districtAdmin, `${page}/publish`, {})).statusCode).toBe(404);
    const published = await postForm(t.app, commissioner, `${page}/publish`, {});
    expect(published.statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", page)).body)).toContain("Adult learning 2027");
    expect((await postForm(t.app, commissioner, `${page}/edit`, form)).statusCode).toBe(409);
    expect((await postForm(t.app, commissioner, `${page}/publish`, {})).statusCode).toBe(409);
    // Published, it is everyone's to see: another authority's administrator is refused (403), not told it is published (409).
    expect((await postForm(t.app, districtAdmin, `${page}/edit`, form)).statusCode).toBe(403);
    expect((await postForm(t.app, districtAdmin, `${page}/publish`, {})).statusCode).toBe(403);
  });

  it("takes responses from a citizen and a charity, re-rendering with errors", async () => {
    expect((await call(t.app, "GET", `${page}/respond`)).statusCode).toBe(303);
    const blank = await call(t.app, "GET", `${page}/respond`, charity);
    expect(blank.statusCode).toBe(200);
    expect(mainText(blank.body)).toContain("Millbrook Carers' Trust");
    const bad = await postForm(t.app, citizen, `${page}/respond`, {
      organisationId: "me",
      "sections.0.couldBeDifferent": "yes",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#showName"');
    const noModel = await postForm(t.app, citizen, `${page}/respond`, {
      organisationId: "me",
      showName: "no",
      "sections.0.couldBeDifferent": "yes",
    });
    expect(noModel.statusCode).toBe(422);
    expect(noModel.body).toContain('href="#sections.0.alternativeModel"');
    const ok = await postForm(t.app, citizen, `${page}/respond`, {
      organisationId: "me",
      showName: "no",
      "sections.0.answers.0.answer": "Pottery",
      "sections.1.comments": "Closer to home please",
    });
    expect(ok.statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", String(ok.headers.location), citizen)).body)).toContain(
      "your response has been sent",
    );
    const again = await call(t.app, "GET", `${page}/respond`, citizen);
    expect(again.body).toContain("Pottery");
    expect(mainText(again.body)).toContain("Change response");
    const forCharity = await postForm(t.app, charity, `${page}/respond`, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      showName: "yes",
      "sections.1.couldDeliver": "yes",
      "sections.1.couldBeDifferent": "yes",
      "sections.1.alternativeModel": "Courses in our carers' centres.",
    });
    expect(forCharity.statusCode).toBe(303);
    expect(mainText((await call(t.app, "GET", page, charity)).body)).toContain(
      "Change the response for Millbrook Carers' Trust",
    );
    expect((await call(t.app, "GET", `${page}/responses`)).statusCode).toBe(409);
    const editorView = mainText((await call(t.app, "GET", `${page}/responses`, commissioner)).body);
    expect(editorView).toContain("Chris Public");
    expect(editorView).toContain('shown publicly as "A member of the public"');
  });

  it("after closing: refuses responses (409, nothing written) and shows them without names unless agreed", async () => {
    await moveClock(new Date("2027-01-15T17:00:00Z"));
    const before = await count();
    const late = await postForm(t.app, districtAdmin, `${page}/respond`, {
      organisationId: "me",
      showName: "yes",
      "sections.1.comments": "Late",
    });
    expect(late.statusCode).toBe(409);
    expect(mainText(late.body)).toContain("closed at 5pm on 15 January 2027");
    expect(await count()).toBe(before);
    const shown = mainText((await call(t.app, "GET", `${page}/responses`)).body);
    expect(shown).toContain("A member of the public");
    expect(shown).toContain("Millbrook Carers' Trust");
    expect(shown).not.toContain("Chris Public");
    expect(shown).not.toContain("Ada Trustee");
  });

  it('answers each point and publishes "you said, we did" only when all are answered', async () => {
    await moveClock(new Date("2027-01-15T16:00:00Z"));
    expect((await call(t.app, "GET", `${page}/answers`, commissioner)).statusCode).toBe(409);
    expect((await postForm(t.app, commissioner, `${page}/answers`, { action: "publish" })).statusCode).toBe(
      409,
    );
    await moveClock(new Date("2027-01-15T17:00:00Z"));
    expect((await call(t.app, "GET", `${page}/answers`, districtAdmin)).statusCode).toBe(403);
    const answers = await call(t.app, "GET", `${page}/answers`, commissioner);
    expect(answers.statusCode).toBe(200);
    const names = [...answers.body.matchAll(/<textarea[^>]+name="(point\.[^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    expect(names).toHaveLength(3);
    const missing = await postForm(t.app, commissioner, `${page}/answers`, {
      [names[0] as string]: "We added pottery.",
      action: "publish",
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain(`href="#${names[1]}"`);
    expect((await call(t.app, "GET", `${page}/summary`)).statusCode).toBe(404);
    const saved = await postForm(t.app, commissioner, `${page}/answers`, {
      [names[0] as string]: "We added pottery.",
      [names[1] as string]: "Courses will run in six more villages.",
      action: "save",
    });
    expect(saved.statusCode).toBe(303);
    expect((await call(t.app, "GET", `${page}/answers`, commissioner)).body).toContain("We added pottery.");
    const done = await postForm(t.app, commissioner, `${page}/answers`, {
      [names[0] as string]: "We added pottery.",
      [names[1] as string]: "Courses will run in six more villages.",
      [names[2] as string]: "We will pilot courses in carers' centres.",
      summaryText: "Thank you for telling us what you want to learn.",
      action: "publish",
    });
    expect(done.statusCode).toBe(303);
    const summary = mainText((await call(t.app, "GET", String(done.headers.location))).body);
    expect(summary).toContain("A member of the public said");
    expect(summary).toContain("Millbrook Carers' Trust said");
    expect(summary).toContain("We will pilot courses in carers' centres.");
    expect(summary).not.toContain("Chris Public");
    expect((await postForm(t.app, commissioner, `${page}/answers`, { action: "publish" })).statusCode).toBe(
      409,
    );
    await moveClock(START);
  });
});

describe("consultations API", () => {
  const body = {
    kind: "market-engagement",
    projectId: DEMO_PROJECT.countyHomeCare,
    title: "Reablement: shaping the service",
    summary: "Short-term support to regain independence after hospital.",
    audience: "Providers of reablement and people who have used it.",
    closesAt: "2026-12-31T17:00:00Z",
    sections: [{ heading: "Hours", body: "Six weeks of support.", questions: ["Is six weeks enough?"] }],
  };

  it("lists and reads published consultations for everyone", async () => {
    const national = (await call(t.app, "GET", "/api/v1/consultations?status=closed")).json();
    expect(national.consultations).toEqual([]);
    const published = (await call(t.app, "GET", "/api/v1/consultations?status=summary-published")).json();
    expect(published.consultations.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        DEMO_CONSULTATION.countyLibrariesClosed,
        DEMO_CONSULTATION.districtLeisureClosed,
      ]),
    );
    const one = (await call(t.app, "GET", `${API}/${DEMO_CONSULTATION.countyHomeCareEngagement}`)).json();
    expect(one).toMatchObject({
      kind: "market-engagement",
      status: "open",
      ocid: `ocds-openps-${DEMO_PROJECT.countyHomeCare}`,
      project: { id: DEMO_PROJECT.countyHomeCare },
    });
    expect(one.sections[0].questions.length).toBeGreaterThan(0);
    expect((await call(t.app, "GET", "/api/v1/consultations?status=soon")).statusCode).toBe(400);
  });

  it("drafts, changes and publishes for the authority's editors only", async () => {
    expect((await call(t.app, "POST", API, undefined, { nonsense: true })).statusCode).toBe(401);
    expect((await call(t.app, "POST", API, districtAdmin, { nonsense: true })).statusCode).toBe(403);
    const past = await call(t.app, "POST", API, commissioner, { ...body, closesAt: "2026-11-01T17:00:00Z" });
    expect(past.statusCode).toBe(422);
    expect(past.json().error.details[0].field).toBe("closesAt");
    const created = await call(t.app, "POST", API, commissioner, body);
    expect(created.statusCode).toBe(201);
    const c = created.json();
    expect(c.status).toBe("draft");
    expect((await call(t.app, "GET", String(created.headers.location))).statusCode).toBe(404);
    // A draft is not another authority's to see (404); once published, it is refused (403), not 409.
    expect((await call(t.app, "PATCH", `${API}/${c.id}`, districtAdmin, { title: "Mine" })).statusCode).toBe(
      404,
    );
    const patched = await call(t.app, "PATCH", `${API}/${c.id}`, commissioner, { title: "Reablement 2027" });
    expect(patched.json().title).toBe("Reablement 2027");
    expect(patched.json().sections[0].heading).toBe("Hours");
    const published = await call(t.app, "POST", `${API}/${c.id}/publish`, commissioner, {});
    expect(published.statusCode).toBe(200);
    expect(published.json().status).toBe("open");
    expect((await call(t.app, "PATCH", `${API}/${c.id}`, commissioner, { title: "Late" })).statusCode).toBe(
      409,
    );
    expect((await call(t.app, "PATCH", `${API}/${c.id}`, districtAdmin, { title: "Late" })).statusCode).toBe(
      403,
    );
    expect(
      (await call(t.app, "GET", `/api/v1/authorities/${DEMO_AUTHORITY.district}/consultations/${c.id}`))
        .statusCode,
    ).toBe(404);
    // Another authority's consultation, named under the authority's own address, is not found.
    const districtApi = `/api/v1/authorities/${DEMO_AUTHORITY.district}/consultations/${c.id}`;
    expect((await call(t.app, "PATCH", districtApi, districtAdmin, { title: "Mine" })).statusCode).toBe(404);
    expect((await call(t.app, "POST", `${districtApi}/publish`, districtAdmin, {})).statusCode).toBe(404);
  });

  it("does not reveal a draft project to the public", async () => {
    const created = await call(t.app, "POST", API, commissioner, {
      ...body,
      projectId: DEMO_PROJECT.countyParksDraft,
    });
    expect(created.statusCode).toBe(201);
    const c = created.json();
    await call(t.app, "POST", `${API}/${c.id}/publish`, commissioner, {});
    expect((await call(t.app, "GET", `${API}/${c.id}`)).json()).toMatchObject({ project: null, ocid: null });
    expect((await call(t.app, "GET", `${API}/${c.id}`, commissioner)).json().project.id).toBe(
      DEMO_PROJECT.countyParksDraft,
    );
    const page = mainText((await call(t.app, "GET", `${COUNTY}/${c.id}`)).body);
    expect(page).toContain("A commissioning project not yet published");
    expect(page).not.toContain("Country parks cafés and events");
  });

  it("takes one response per respondent, refuses after closing, and runs you said, we did", async () => {
    const c = (await call(t.app, "POST", API, commissioner, body)).json();
    await call(t.app, "POST", `${API}/${c.id}/publish`, commissioner, {});
    const section = c.sections[0];
    const response = {
      showName: false,
      sections: [{ sectionId: section.id, answers: [{ questionId: section.questions[0].id, answer: "No" }] }],
    };
    expect((await call(t.app, "POST", `${API}/${c.id}/responses`, undefined, response)).statusCode).toBe(401);
    const first = await call(t.app, "POST", `${API}/${c.id}/responses`, citizen, response);
    expect(first.statusCode).toBe(201);
    const again = await call(t.app, "POST", `${API}/${c.id}/responses`, citizen, {
      ...response,
      showName: true,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const notMine = await call(t.app, "POST", `${API}/${c.id}/responses`, charity, {
      ...response,
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
    });
    expect(notMine.statusCode).toBe(403);
    expect((await call(t.app, "GET", `${API}/${c.id}/responses`)).statusCode).toBe(409);
    const point = [{ responseId: first.json().id, sectionId: section.id, weDid: "Eight weeks." }];
    expect(
      (await call(t.app, "POST", `${API}/${c.id}/answers`, commissioner, { answers: point })).statusCode,
    ).toBe(409);

    await moveClock(new Date("2027-01-01T09:00:00Z"));
    const before = await count();
    expect((await call(t.app, "POST", `${API}/${c.id}/responses`, charity, response)).statusCode).toBe(409);
    expect(await count()).toBe(before);
    const shown = (await call(t.app, "GET", `${API}/${c.id}/responses`)).json();
    expect(shown.responses).toEqual([
      expect.objectContaining({ respondent: "Chris Public", named: true, respondentKind: "individual" }),
    ]);
    expect(shown.responses[0].sentBy).toBeUndefined();
    const missing = await call(t.app, "POST", `${API}/${c.id}/summary/publish`, commissioner, {});
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details).toHaveLength(1);
    expect(
      (await call(t.app, "POST", `${API}/${c.id}/answers`, districtAdmin, { answers: point })).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "POST", `${API}/${c.id}/answers`, commissioner, { answers: point })).json(),
    ).toEqual({
      answered: 1,
    });
    const done = await call(t.app, "POST", `${API}/${c.id}/summary/publish`, commissioner, {
      summaryText: "Thanks",
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().status).toBe("summary-published");
    const withAnswers = (await call(t.app, "GET", `${API}/${c.id}/responses`)).json();
    expect(withAnswers.responses[0].sections[0].weDid).toBe("Eight weeks.");
    await moveClock(START);
  });
});
