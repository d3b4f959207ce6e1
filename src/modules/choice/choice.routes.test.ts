/**
 * Approved-provider lists through HTTP (app.inject, one seeded app for the file): the public index,
 * a list's page sorted and compared without JavaScript, the JSON API; a commissioner drafting and
 * publishing through the forms; a provider refused with the reason on the joining form and through
 * the API; a member's offer and leaving; the provider's own page and its profile's panel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_CHOICE, DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "../../seed/demo/users.ts";

const COUNTY = "/authorities/westshire-county-council";
const LIST = `${COUNTY}/choice/${DEMO_CHOICE.homeCareList}`;
const API_LIST = `/api/v1/authorities/${DEMO_AUTHORITY.county}/choice/lists`;
const CARERS_TRUST = "019a0000-0000-7000-8000-00000000b002";
const { greenway, kelderbyStreetCare, homesSupport } = DEMO_CHOICE_MEMBERS;

let t: TestApp;
let commissioner: TestSession;
const get = (url: string, session?: TestSession) =>
  t.app.inject({ method: "GET", url, headers: session ? { cookie: session.cookie } : {} });
const adminOf = async (organisationId: string) =>
  sessionFor(
    t.app,
    (await createUser(t.deps.db, { grants: [{ role: "organisation-admin", scopeId: organisationId }] })).id,
  );

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const id = DEMO_USERS.find((u) => u.role === "commissioner")?.id ?? "";
  commissioner = await sessionFor(t.app, id, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

describe("the public pages", () => {
  it("lists the published lists, by service and area", async () => {
    const index = await get(`/choice?categoryCode=domiciliary-care&areaCode=${DEMO_AREA.kelderby}`);
    expect(index.statusCode).toBe(200);
    expect(mainText(index.body)).toContain("Home care in Westshire");
    expect(mainText(index.body)).toContain("Tariff: £21.50 an hour");
    const none = await get("/choice?categoryCode=probation");
    expect(mainText(none.body)).toContain("No lists have been published yet.");
    expect(mainText((await get(`${COUNTY}/choice`)).body)).toContain("Home care in Westshire");
  });

  it("shows a list's members with ratings, price against the tariff and capacity, sorted by the link chosen", async () => {
    const page = await get(`${LIST}?sort=name`);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Greenway Home Care – Wesford");
    expect(text).toContain("Above the tariff");
    expect(text).toContain("35 hours of care a week");
    expect(text).toContain("No feedback yet");
    expect(text.indexOf("Greenway Home Care Ltd")).toBeLessThan(text.indexOf("Kelderby Street Care CIC"));
    expect(page.body).toContain(`name="organisations" type="checkbox" value="${greenway}"`);
  });

  it("compares ticked members side by side, and says when too many are ticked", async () => {
    const two = await get(`${LIST}/compare?organisations=${greenway}&organisations=${homesSupport}`);
    expect(two.statusCode).toBe(200);
    expect(mainText(two.body)).toContain("Below the tariff");
    const four = await get(
      `${LIST}/compare?${[greenway, homesSupport, kelderbyStreetCare, CARERS_TRUST].map((o) => `organisations=${o}`).join("&")}`,
    );
    expect(four.statusCode).toBe(400);
    expect(summaryErrors(four.body)).toEqual([["#organisations", "Tick 2 or 3 providers to compare"]]);
    expect((await get(`${COUNTY}/choice/019a0000-0000-7000-8000-0000000fffff`)).statusCode).toBe(404);
  });

  it("answers the API, and shows the lists on a provider's profile", async () => {
    const found = await call(t.app, "GET", `/api/v1/choice/lists?areaCode=${DEMO_AREA.westshire}`);
    expect(found.statusCode).toBe(200);
    expect(found.json().lists[0]).toMatchObject({
      title: "Home care in Westshire",
      tariff: { pence: "2150" },
    });
    const list = await call(t.app, "GET", `${API_LIST}/${DEMO_CHOICE.homeCareList}?sort=price`);
    expect(list.json().members.map((m: { price: { text: string } }) => m.price.text)).toEqual([
      "£21.00",
      "£21.50",
      "£22.40",
    ]);
    const compared = await call(
      t.app,
      "GET",
      `${API_LIST}/${DEMO_CHOICE.homeCareList}/compare?organisations=${greenway}`,
    );
    expect(compared.statusCode).toBe(400);
    const unknown = await call(t.app, "GET", `${API_LIST}/019a0000-0000-7000-8000-0000000fffff/compare`);
    expect(unknown.statusCode).toBe(404);
    expect(mainText((await get(`/organisations/${greenway}`)).body)).toContain("Approved-provider lists");
  });
});

describe("commissioners and providers", () => {
  it("drafts and publishes a list through the forms; the draft is hidden until then", async () => {
    const empty = await postForm(t.app, commissioner, `${COUNTY}/choice/new`, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body).map(([href]) => href)).toEqual([
      "#title",
      "#categoryCode",
      "#areaCodes",
      "#tariff",
      "#tariffUnit",
    ]);
    const saved = await postForm(t.app, commissioner, `${COUNTY}/choice/new`, {
      title: "Night sitting in Millbrook",
      categoryCode: "domiciliary-care",
      areaCodes: [DEMO_AREA.millbrook],
      tariff: "95",
      tariffUnit: "night",
      rules: ["excludeInadequate"],
    });
    expect(saved.statusCode).toBe(303);
    const url = String(saved.headers.location).split("?")[0] ?? "";
    expect((await get(url)).statusCode).toBe(404);
    expect((await postForm(t.app, commissioner, `${url}/publish`, {})).statusCode).toBe(303);
    expect(mainText((await get(url)).body)).toContain("Tariff: £95.00 a night");
    const closed = await postForm(t.app, commissioner, `${url}/close`, { reason: "Merged into home care." });
    expect(closed.statusCode).toBe(303);
  });

  it("refuses a provider without a registration with the reason, on the form and through the API", async () => {
    const admin = await adminOf(CARERS_TRUST);
    const page = await postForm(t.app, admin, `${LIST}/join`, { organisationId: CARERS_TRUST });
    expect(page.statusCode).toBe(422);
    expect(summaryErrors(page.body)[0]?.[1]).toContain(
      "Trust has no current registration with a regulator for Domiciliary care",
    );
    const api = await call(t.app, "POST", `${API_LIST}/${DEMO_CHOICE.homeCareList}/members`, admin, {
      organisationId: CARERS_TRUST,
    });
    expect(api.statusCode).toBe(422);
    expect(api.json().error.code).toBe("conditions_not_met");
  });

  it("lets a member publish its offer and leave, and shows its lists on its own page", async () => {
    const admin = await adminOf(kelderbyStreetCare);
    const offer = `${LIST}/members/${kelderbyStreetCare}/offer`;
    expect((await get(LIST, admin)).body).toContain(`href="${offer}"`);
    expect((await get(offer, admin)).statusCode).toBe(200);
    const wrong = await postForm(t.app, admin, offer, { capacity: "many", price: "" });
    expect(wrong.statusCode).toBe(400);
    const put = await call(
      t.app,
      "PUT",
      `${API_LIST}/${DEMO_CHOICE.homeCareList}/members/${kelderbyStreetCare}/offer`,
      admin,
      {
        capacity: 20,
        capacityUnit: "hours-a-week",
        price: null,
      },
    );
    expect(put.statusCode).toBe(204);
    const own = mainText((await get(`/organisations/${kelderbyStreetCare}/choice`, admin)).body);
    expect(own).toContain("20 hours of care a week");
    expect((await postForm(t.app, admin, `${LIST}/members/${kelderbyStreetCare}/leave`, {})).statusCode).toBe(
      303,
    );
    expect(mainText((await get(`/organisations/${kelderbyStreetCare}/choice`, admin)).body)).toContain(
      "It left the list of its own accord.",
    );
  });
});

describe("arrangements and choice not available", () => {
  const demoSession = (role: string, scopeId?: string) =>
    sessionFor(
      t.app,
      DEMO_USERS.find((u) => u.role === role && (scopeId === undefined || u.scopeId === scopeId))?.id ?? "",
      { twoFactor: true },
    );
  const personId = async (name: string) =>
    (
      await t.deps.db
        .selectFrom("care_people")
        .select("id")
        .where("full_name", "=", name)
        .executeTakeFirstOrThrow()
    ).id;

  it("shows a person's arrangements on their page, and lets them arrange from a comparison; the provider accepts", async () => {
    const joan = await demoSession("citizen");
    const joanId = await personId("Joan Whitfield");
    const own = mainText((await get(`/care/people/${joanId}`, joan)).body);
    expect(own).toContain("Services arranged");
    expect(own).toContain("Greenway Home Care Ltd");
    expect(own).toContain("Arrange a service");
    // Siân may see Tomos's plan but not arrange: his waiting arrangement, and no link to arrange.
    const sian = await sessionFor(t.app, DEMO_REPRESENTATIVE.id);
    const tomos = mainText((await get(`/care/people/${await personId("Tomos Rees")}`, sian)).body);
    expect(tomos).toContain("Waiting for the provider");
    expect(tomos).not.toContain("Arrange a service");

    const compare = `${LIST}/compare?organisations=${homesSupport}&organisations=${greenway}`;
    expect((await get(compare, joan)).body).toContain("Arrange with this provider for Joan Whitfield");
    expect((await get(compare)).body).not.toContain("Arrange with this provider");
    const form = `${COUNTY}/people/${joanId}/arrangements/new?list=${DEMO_CHOICE.homeCareList}&organisation=${homesSupport}`;
    expect(mainText((await get(form, joan)).body)).toContain("£21.00 an hour");
    const empty = await postForm(t.app, joan, form, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body)).toContainEqual(["#planId", "Choose the plan the service is for"]);
    const plan = await t.deps.db
      .selectFrom("care_plans")
      .select("id")
      .where("person_id", "=", joanId)
      .executeTakeFirstOrThrow();
    const sent = await postForm(t.app, joan, form, {
      planId: plan.id,
      paidFrom: "direct-payment",
      description: "An evening call to help with supper.",
      unitsPerWeek: "3.5",
      "startsOn-day": "1",
      "startsOn-month": "12",
      "startsOn-year": "2026",
    });
    expect(sent.statusCode).toBe(303);
    const page = String(sent.headers.location).split("?")[0] as string;

    const provider = await adminOf(homesSupport);
    const theirs = mainText((await get(`/organisations/${homesSupport}/arrangements`, provider)).body);
    expect(theirs).toContain("Waiting for your answer");
    expect((await get(`/organisations/${homesSupport}/arrangements`, joan)).statusCode).toBe(403);
    expect((await postForm(t.app, provider, `${page}/accept`, {})).statusCode).toBe(303);
    const accepted = mainText((await get(page, joan)).body);
    expect(accepted).toContain("Accepted");
    expect(accepted).toContain("£73.50");
  });

  it("answers the API: 403 for a representative without arrange-services, 404 for another authority's care staff, the provider declines with a reason", async () => {
    const api = `/api/v1/authorities/${DEMO_AUTHORITY.county}`;
    const tomosId = await personId("Tomos Rees");
    const sian = await sessionFor(t.app, DEMO_REPRESENTATIVE.id);
    const body = {
      planId: DEMO_CHOICE.homeCareList,
      paidFrom: "managed-account",
      organisationId: homesSupport,
      listId: DEMO_CHOICE.homeCareList,
      description: "Help with the garden.",
      unitsPerWeek: "1",
      startsOn: "2026-12-01",
    };
    expect((await call(t.app, "POST", `${api}/people/${tomosId}/arrangements`, sian, body)).statusCode).toBe(
      403,
    );
    const listed = await call(t.app, "GET", `${api}/people/${tomosId}/choice`, sian);
    const waiting = (listed.json() as { arrangements: { id: string; phase: string }[] }).arrangements[0];
    expect(waiting?.phase).toBe("proposed");
    const elsewhere = await sessionFor(
      t.app,
      (await createUser(t.deps.db, { grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }] }))
        .id,
      { twoFactor: true },
    );
    expect((await call(t.app, "GET", `${api}/arrangements/${waiting?.id}`, elsewhere)).statusCode).toBe(404);
    const greenwayAdmin = await demoSession("organisation-admin", DEMO_PROVIDER_GREENWAY);
    const noReason = await call(t.app, "POST", `${api}/arrangements/${waiting?.id}/decline`, greenwayAdmin, {
      reason: "",
    });
    expect(noReason.statusCode).toBe(400);
    const declined = await call(t.app, "POST", `${api}/arrangements/${waiting?.id}/decline`, greenwayAdmin, {
      reason: "No carers free on those mornings.",
    });
    expect(declined.json()).toMatchObject({
      phase: "declined",
      declineReason: "No carers free on those mornings.",
    });
  });

  it("lets care staff answer a record that choice was not available, through the form", async () => {
    const staff = await demoSession("care-staff");
    const record = await t.deps.db.selectFrom("choice_unavailable").select("id").executeTakeFirstOrThrow();
    const url = `${COUNTY}/choice-not-available/${record.id}`;
    expect(mainText((await get(url, staff)).body)).toContain("Waiting for the authority's answer");
    expect((await postForm(t.app, staff, `${url}/answer`, { outcome: "provider-found" })).statusCode).toBe(
      400,
    );
    const answered = await postForm(t.app, staff, `${url}/answer`, {
      outcome: "provider-found",
      answer: "Westshire Homes Support will add a night-time visit from Monday.",
    });
    expect(answered.statusCode).toBe(303);
    expect(mainText((await get(url, staff)).body)).toContain("Answered on time");
  });
});
