/**
 * The directory through HTTP (`app.inject`): its pages and forms as a browser uses them (sessions
 * and CSRF tokens from tests/support/auth.ts), and the JSON API with sessions and API tokens.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { DEMO_AREAS_CSV } from "../../seed/demo/areas.ts";
import { systemCtx } from "../access/context.ts";
import { createApiToken } from "../accounts/api-tokens.service.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { loadAreas, loadServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { recordMutualEvidence } from "./mutual-evidence.service.ts";
import { recordOrganisation } from "./registration.service.ts";
import { recordRelationship } from "./relationships.service.ts";

let testApp: TestApp;
let ann: TestSession;
let ben: TestSession;
let annId: string;
let benId: string;
let mutualId: string;
let trustId: string;
let writeToken: string;
let readToken: string;

function titleOf(html: string): string {
  return /<title[^>]*>([^<]*)<\/title>/.exec(html)?.[1]?.trim() ?? "";
}

/** The error summary's links: [href, text]. */
function summaryErrors(html: string): [string, string][] {
  const summary = html.slice(
    html.indexOf("govuk-error-summary"),
    html.indexOf("</ul>", html.indexOf("govuk-error-summary")),
  );
  return [...summary.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [
    m[1] ?? "",
    (m[2] ?? "").trim(),
  ]);
}

const get = (url: string, session?: TestSession) => call(testApp.app, "GET", url, session);

beforeAll(async () => {
  testApp = await createTestApp();
  const { db, clock } = testApp.deps;
  const system = SYSTEM("test");
  await loadServiceCategories(db, clock, system);
  await loadAreas(db, clock, system, readFileSync(DEMO_AREAS_CSV, "utf8"));
  const seed = systemCtx(db, clock, "test");
  trustId = (
    await recordOrganisation(seed, {
      name: "Westshire Community NHS Trust",
      sector: "public-body",
      sizeBand: "large",
      staffHeadcount: 2400,
      identifiers: [{ scheme: "GB-NHS", identifier: "R9W" }],
      areas: ["E10000901"],
      categories: ["community-health"],
      description: "Community and mental health services.",
    })
  ).id;
  mutualId = (
    await recordOrganisation(seed, {
      name: "Westshire Community Health CIC",
      sector: "public-service-mutual",
      sizeBand: "large",
      staffHeadcount: 1100,
      identifiers: [{ scheme: "GB-COH", identifier: "08123456" }],
      addressLine1: "Unit 4, Riverside Business Park",
      town: "Wesford",
      postcode: "WS1 2AB",
      areas: ["E10000901"],
      categories: ["community-health"],
      description: "District nursing and therapy, owned by its staff.",
    })
  ).id;
  await recordRelationship(seed, { from: mutualId, to: trustId, kind: "parent-body" });
  await recordMutualEvidence(seed, mutualId, {
    publicServicePurpose: "District nursing for the NHS.",
    lightTouchShareBp: 9600,
    profitModel: "not-for-profit",
    employeeOwnershipBp: 10000,
    employeeBoardSeats: 5,
    boardSeats: 9,
    parentOrganisationId: trustId,
    spinOutDate: "2013-04-01",
  });
  annId = (await createUser(db)).id;
  benId = (await createUser(db)).id;
  ann = await sessionFor(testApp.app, annId);
  ben = await sessionFor(testApp.app, benId);
  const asBen = {
    ...ctxFor(db, clock, await principalOf(db, benId, { twoFactor: false })),
    secrets: testApp.app.accountSecrets,
    origin: { address: "127.0.0.1" },
  };
  writeToken = (
    await createApiToken(asBen, { name: "write", scopes: ["organisations:write"], expiresInDays: 30 })
  ).token;
  readToken = (
    await createApiToken(asBen, { name: "read", scopes: ["organisations:read"], expiresInDays: 30 })
  ).token;
});

afterAll(async () => {
  await testApp?.close();
});

describe("the directory page", () => {
  it("is in the public navigation, with counts per filter value and the mutuals computed", async () => {
    const response = await get("/organisations");
    expect(response.statusCode).toBe(200);
    expect(titleOf(response.body)).toBe("Providers – OpenPS");
    expect(response.body).toMatch(
      /href="\/organisations" aria-current="page">\s*<strong[^>]*>Providers<\/strong>/,
    );
    const text = mainText(response.body);
    expect(text).toContain(
      "1 organisation is a public service mutual with recorded evidence, employing 1,100 people.",
    );
    expect(text).toContain("Public body (1)");
    expect(text).toContain("Public service mutual (employee-led spin-out) (1)");
    expect(text).toContain("Community health services (2)");
    expect(text).toContain("Westshire (2)");
    expect(text).toContain("2 organisations");
    expect(response.body).toContain('<form method="get" action="/organisations"');
  });

  it("searches and filters from the query string, keeping the choices", async () => {
    const response = await get(
      "/organisations?q=nursing&sector=public-service-mutual&size=large&area=E10000901",
    );
    const text = mainText(response.body);
    expect(text).toContain("1 organisation");
    expect(text).toContain("Westshire Community Health CIC");
    expect(text).not.toContain("Westshire Community NHS Trust Public body");
    expect(response.body).toMatch(/name="sector" type="checkbox" value="public-service-mutual" checked/);
    expect(response.body).toMatch(/<option value="E10000901" selected>/);
    expect(response.body).toContain('value="nursing"');
  });

  it("says when nothing matches", async () => {
    expect(mainText((await get("/organisations?q=zeppelin")).body)).toContain("No organisation matches.");
  });
});

describe("a profile page", () => {
  it("shows the details, identifiers linked to their register, relationships both ways and the evidence", async () => {
    const mutual = mainText((await get(`/organisations/${mutualId}`)).body);
    expect(mutual).toContain("Westshire Community Health CIC");
    expect(mutual).toContain("Public service mutual (employee-led spin-out)");
    expect(mutual).toContain("Large · 1,100 staff");
    expect(mutual).toContain("Unit 4, Riverside Business Park Wesford WS1 2AB");
    expect(mutual).toContain("Parent body Westshire Community NHS Trust");
    expect(mutual).toContain("meets all three tests");
    expect(mutual).toContain("5 of 9 seats held by employees");
    expect(mutual).toContain("1 April 2013");
    expect((await get(`/organisations/${mutualId}`)).body).toContain(
      'href="https://find-and-update.company-information.service.gov.uk/company/08123456">GB-COH-08123456</a>',
    );
    const trust = mainText((await get(`/organisations/${trustId}`)).body);
    expect(trust).toContain("Spin-out Westshire Community Health CIC");
    expect(trust).not.toContain("Manage this organisation");
  });

  it("is not found for an unknown or malformed id", async () => {
    expect((await get("/organisations/019a0000-0000-7000-8000-00000000ffff")).statusCode).toBe(404);
    expect((await get("/organisations/not-an-id")).statusCode).toBe(404);
  });
});

describe("registering through the form", () => {
  it("sends the public to sign in", async () => {
    const response = await get("/organisations/new");
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/sign-in?returnTo=%2Forganisations%2Fnew");
    expect((await postForm(testApp.app, null, "/organisations/new", { name: "X" })).statusCode).toBe(403);
  });

  it("shows every problem in the error summary, linked to its field, and stores nothing", async () => {
    const form = await get("/organisations/new", ann);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="_csrf"');
    const response = await postForm(testApp.app, ann, "/organisations/new", {
      name: "",
      sector: "pirates",
      sizeBand: "",
      staffHeadcount: "about forty",
      identifierScheme: "GB-CHC",
      identifier: "12",
      otherIdentifiers: "1098765",
      postcode: "nowhere",
      website: "not a website",
    });
    expect(response.statusCode).toBe(400);
    expect(titleOf(response.body)).toBe("Error: Register an organisation – OpenPS");
    expect(summaryErrors(response.body).map(([href]) => href)).toEqual([
      "#otherIdentifiers",
      "#staffHeadcount",
      "#name",
      "#sector",
      "#sizeBand",
      "#postcode",
      "#website",
      "#identifier",
    ]);
    expect(summaryErrors(response.body)).toContainEqual([
      "#identifier",
      "Enter a Charity Commission for England and Wales identifier (GB-CHC) in the right format: 6 or 7 digits (1098765), with -1, -2… for a linked charity (1098765-1)",
    ]);
    expect(response.body).toContain('id="identifier-error"');
    expect(response.body).toContain('value="about forty"');
    const count = await testApp.deps.db
      .selectFrom("organisations")
      .select((eb) => eb.fn.countAll<bigint>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });

  it("refuses an identifier another organisation holds, with 409 and the summary", async () => {
    const response = await postForm(testApp.app, ann, "/organisations/new", {
      name: "Imposter Ltd",
      sector: "sme",
      sizeBand: "small",
      identifierScheme: "GB-COH",
      identifier: "8123456",
    });
    expect(response.statusCode).toBe(409);
    expect(summaryErrors(response.body)).toEqual([
      ["#identifier", "GB-COH-08123456 is already the identifier of Westshire Community Health CIC"],
    ]);
  });

  it("registers a valid organisation, makes the registrant its admin, and lets only them change it", async () => {
    const response = await postForm(testApp.app, ann, "/organisations/new", {
      name: "Kelderby Youth Trust",
      sector: "charity",
      sizeBand: "micro",
      staffHeadcount: "6",
      identifierScheme: "GB-CHC",
      identifier: "1187654",
      otherIdentifiers: "GB-COH-09999999",
      town: "Kelderby",
      postcode: "ws8 1yt",
      categories: ["youth-services", "advice-services"],
      areas: "E07000903",
    });
    expect(response.statusCode).toBe(303);
    const location = String(response.headers.location);
    expect(location).toMatch(/^\/organisations\/[0-9a-f-]{36}\?registered=1$/);
    const id = location.slice("/organisations/".length, "/organisations/".length + 36);
    const profile = await get(location, ann);
    expect(mainText(profile.body)).toContain(
      "The organisation is registered, and you are its administrator.",
    );
    expect(mainText(profile.body)).toContain(
      "GB-CHC-1187654 (Charity Commission for England and Wales, primary)",
    );
    expect(mainText(profile.body)).toContain("Manage this organisation");

    expect((await get(`/organisations/${id}/edit`, ben)).statusCode).toBe(403);
    const refused = await postForm(testApp.app, ben, `/organisations/${id}/edit`, {
      name: "Hijacked",
      sector: "sme",
      sizeBand: "large",
    });
    expect(refused.statusCode).toBe(403);

    const edit = await get(`/organisations/${id}/edit`, ann);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="Kelderby Youth Trust"');
    expect(edit.body).toContain("GB-COH-09999999</textarea>");
    const saved = await postForm(testApp.app, ann, `/organisations/${id}/edit`, {
      name: "Kelderby Youth Trust",
      sector: "charity",
      sizeBand: "small",
      staffHeadcount: "12",
      identifierScheme: "GB-CHC",
      identifier: "1187654",
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/organisations/${id}?updated=details`);
    expect(mainText((await get(`/organisations/${id}`)).body)).toContain("Small · 12 staff");
  });
});

describe("mutual evidence and relationships through the forms", () => {
  let id: string;
  beforeAll(async () => {
    const response = await postForm(testApp.app, ben, "/organisations/new", {
      name: "Millbrook Leisure Mutual",
      sector: "public-service-mutual",
      sizeBand: "medium",
      staffHeadcount: "210",
    });
    id = String(response.headers.location).slice("/organisations/".length, "/organisations/".length + 36);
    ben = await sessionFor(testApp.app, benId);
  });

  it("shows the sector as not confirmed until the evidence qualifies", async () => {
    expect(mainText((await get(`/organisations/${id}`)).body)).toContain("Sector not confirmed");
    const bad = await postForm(testApp.app, ben, `/organisations/${id}/evidence`, {
      publicServicePurpose: "",
      lightTouchShare: "eighty",
      profitModel: "not-for-profit",
      employeeOwnership: "101",
      boardSeats: "8",
      employeeBoardSeats: "9",
      "spinOutDate-day": "31",
      "spinOutDate-month": "2",
      "spinOutDate-year": "2014",
    });
    expect(bad.statusCode).toBe(400);
    expect(summaryErrors(bad.body).map(([href]) => href)).toEqual([
      "#lightTouchShare",
      "#employeeOwnership",
      "#publicServicePurpose",
      "#employeeBoardSeats",
      "#spinOutDate-day",
    ]);
    const good = await postForm(testApp.app, ben, `/organisations/${id}/evidence`, {
      publicServicePurpose: "Public leisure centres for Millbrook.",
      lightTouchShare: "80",
      profitModel: "not-for-profit",
      employeeOwnership: "30",
      boardSeats: "8",
      employeeBoardSeats: "5",
      "spinOutDate-day": "1",
      "spinOutDate-month": "4",
      "spinOutDate-year": "2014",
    });
    expect(good.statusCode).toBe(303);
    const text = mainText((await get(`/organisations/${id}`)).body);
    expect(text).toContain("Public service mutual (employee-led spin-out) Millbrook Leisure Mutual");
    expect(text).toContain("Share owned by employees 30%");
    expect(mainText((await get("/organisations")).body)).toContain(
      "2 organisations are public service mutuals",
    );
  });

  it("records a relationship shown on both profiles, and removes it", async () => {
    expect((await get(`/organisations/${id}/relationships`, ann)).statusCode).toBe(403);
    const bad = await postForm(testApp.app, ben, `/organisations/${id}/relationships`, { kind: "", to: "" });
    expect(bad.statusCode).toBe(400);
    expect(summaryErrors(bad.body).map(([href]) => href)).toEqual(["#kind", "#to"]);
    const added = await postForm(testApp.app, ben, `/organisations/${id}/relationships`, {
      kind: "joint-venture",
      to: trustId,
    });
    expect(added.statusCode).toBe(303);
    expect(mainText((await get(`/organisations/${trustId}`)).body)).toContain(
      "Joint venture with Millbrook Leisure Mutual",
    );
    const page = await get(`/organisations/${id}/relationships`, ben);
    const relationshipId = /relationships\/([0-9a-f-]{36})\/remove/.exec(page.body)?.[1];
    expect(relationshipId).toBeDefined();
    const removed = await postForm(
      testApp.app,
      ben,
      `/organisations/${id}/relationships/${relationshipId}/remove`,
      {},
    );
    expect(removed.statusCode).toBe(303);
    expect(mainText((await get(`/organisations/${trustId}`)).body)).not.toContain("Millbrook Leisure Mutual");
  });
});

describe("the JSON API", () => {
  it("searches with filters, paging and counts", async () => {
    const response = await call(
      testApp.app,
      "GET",
      "/api/v1/organisations?q=community&sector=public-body&pageSize=5",
    );
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ total: 1, totalIsAtLeast: false, pageSize: 5, next: null, previous: null });
    expect(body.results[0]).toMatchObject({
      name: "Westshire Community NHS Trust",
      sector: "public-body",
      primaryIdentifier: "GB-NHS-R9W",
      profileUrl: `/organisations/${trustId}`,
    });
    expect(body.facets.sector).toContainEqual({ value: "public-service-mutual", count: 1 });
    expect((await call(testApp.app, "GET", "/api/v1/organisations?pageSize=1000")).statusCode).toBe(400);
  });

  it("gets a profile, 400 for a malformed id and 404 for an unknown one", async () => {
    const response = await call(testApp.app, "GET", `/api/v1/organisations/${mutualId}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      sector: "public-service-mutual",
      relationships: [{ kind: "parent-body", otherIs: "parent-body", organisation: { id: trustId } }],
      mutualEvidence: {
        qualifies: true,
        employeeOwnershipBp: 10000,
        parentBody: { kind: "organisation", id: trustId },
      },
    });
    expect((await call(testApp.app, "GET", "/api/v1/organisations/nope")).statusCode).toBe(400);
    const missing = await call(
      testApp.app,
      "GET",
      "/api/v1/organisations/019a0000-0000-7000-8000-00000000ffff",
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
  });

  it("creates (201) with a token that has the write scope, and refuses the public and read-only tokens", async () => {
    const body = {
      name: "Token Trust",
      sector: "charity",
      sizeBand: "small",
      identifiers: [{ scheme: "GB-CHC", identifier: "1199999" }],
    };
    const anonymous = await call(testApp.app, "POST", "/api/v1/organisations", undefined, body);
    expect(anonymous.statusCode).toBe(401);
    const readOnly = await call(testApp.app, "POST", "/api/v1/organisations", { token: readToken }, body);
    expect(readOnly.statusCode).toBe(403);
    const created = await call(testApp.app, "POST", "/api/v1/organisations", { token: writeToken }, body);
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/organisations/${created.json().id}`);
    expect(created.json()).toMatchObject({ name: "Token Trust", primaryIdentifier: "GB-CHC-1199999" });
  });

  it("names every field at fault: wrong types (schema), then formats (service), and duplicates (409)", async () => {
    const send = (payload: unknown) =>
      call(testApp.app, "POST", "/api/v1/organisations", { token: writeToken }, payload);
    const wrongTypes = await send({
      sector: "pirates",
      sizeBand: "small",
      staffHeadcount: "many",
      name: "x".repeat(201),
    });
    expect(wrongTypes.statusCode).toBe(400);
    const fields = new Set(wrongTypes.json().error.details.map((d: { field: string }) => d.field));
    expect([...fields].sort()).toEqual(["name", "sector", "staffHeadcount"]);
    const formats = await send({
      name: "Formats Ltd",
      sector: "sme",
      sizeBand: "small",
      postcode: "XX",
      identifiers: [{ scheme: "GB-SC", identifier: "123456" }],
    });
    expect(formats.statusCode).toBe(400);
    expect(formats.json().error.details).toEqual([
      { field: "postcode", message: "Enter a real postcode, like WS1 2AB" },
      {
        field: "identifiers.0.identifier",
        message:
          "Enter a Scottish Charity Regulator (OSCR) identifier (GB-SC) in the right format: SC and 6 digits (SC012345)",
      },
    ]);
    const duplicate = await send({
      name: "Dup",
      sector: "sme",
      sizeBand: "small",
      identifiers: [{ scheme: "GB-NHS", identifier: "r9w" }],
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({
      code: "identifier_taken",
      details: [
        {
          field: "identifiers.0.identifier",
          message: "GB-NHS-R9W is already the identifier of Westshire Community NHS Trust",
        },
      ],
    });
  });

  it("changes only for the organisation's admin (PATCH), with a session too", async () => {
    const refused = await call(
      testApp.app,
      "PATCH",
      `/api/v1/organisations/${trustId}`,
      { token: writeToken },
      {
        name: "Not mine",
      },
    );
    expect(refused.statusCode).toBe(403);
    const created = await call(testApp.app, "POST", "/api/v1/organisations", ann, {
      name: "Session Made",
      sector: "sme",
      sizeBand: "micro",
    });
    expect(created.statusCode).toBe(201);
    ann = await sessionFor(testApp.app, annId);
    const patched = await call(testApp.app, "PATCH", `/api/v1/organisations/${created.json().id}`, ann, {
      staffHeadcount: 4,
      categories: ["it-services"],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      staffHeadcount: 4,
      categories: [{ code: "it-services", cpvCode: "72000000-5" }],
    });
    const empty = await call(testApp.app, "PATCH", `/api/v1/organisations/${created.json().id}`, ann, {});
    expect(empty.statusCode).toBe(400);
  });

  it("is in the OpenAPI document under the organisations tag", async () => {
    const document = (await call(testApp.app, "GET", "/api/openapi.json")).json();
    expect(Object.keys(document.paths["/api/v1/organisations"])).toEqual(
      expect.arrayContaining(["get", "post"]),
    );
    expect(Object.keys(document.paths["/api/v1/organisations/{id}"])).toEqual(
      expect.arrayContaining(["get", "patch"]),
    );
    expect(document.paths["/api/v1/organisations"].post.tags).toEqual(["organisations"]);
    expect(document.paths["/api/v1/organisations"].post.responses["201"]).toBeDefined();
    expect(document.paths["/organisations"]).toBeUndefined();
  });
});
