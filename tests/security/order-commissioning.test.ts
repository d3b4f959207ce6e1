/**
 * Finding 14 of the security review, for commissioning (tenders, compliance, evaluation, award):
 * one order of checks — 401 not signed in; then 404 for a tender that does not exist or that the
 * caller may not see (another authority's draft); then 403 for someone who may not act on it; then
 * 409 for what its state forbids. Before, roles were asked first, so a signed-in caller without the
 * role got 403 for a tender that does not exist, or for another authority's draft; and someone who
 * may never see another evaluator's scores was told "not now" (409) before evaluation had started.
 * On the demo data, through the JSON API and the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_EVALUATOR } from "../../src/seed/demo/evaluation.ts";
import { DEMO_PROJECT } from "../../src/seed/demo/projects.ts";
import { DEMO_TENDER } from "../../src/seed/demo/tenders.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import {
  type CreateUserOptions,
  createUser,
  postForm,
  sessionFor,
  type TestSession,
} from "../support/auth.ts";

const COUNTY = DEMO_AUTHORITY.county;
const api = `/api/v1/authorities/${COUNTY}/tenders`;
const pages = "/authorities/westshire-county-council/tenders";
const UNKNOWN = "019a0000-0000-7000-8000-0000000fffff";
/** The demo county's people (src/seed/demo/users.ts). */
const DEMO = {
  commissioner: "019a0000-0000-7000-8000-00000000c004",
  bidOpener: "019a0000-0000-7000-8000-00000000c006",
  organisationAdmin: "019a0000-0000-7000-8000-00000000c002",
};

let t: TestApp;
const s: Record<string, TestSession> = {};
/** A person's session, by name (set in `beforeAll`). */
const as = (who: string): TestSession => s[who] as TestSession;
/** A draft of the county's, made by its commissioner. */
let draft: string;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const person = async (name: string, grants: CreateUserOptions["grants"]) => {
    s[name] = await sessionFor(t.app, (await createUser(t.deps.db, { grants })).id, { twoFactor: true });
  };
  await person("districtCommissioner", [{ role: "commissioner", scopeId: DEMO_AUTHORITY.district }]);
  await person("citizen", [{ role: "citizen" }]);
  await person("platformAdmin", [{ role: "platform-admin" }]);
  await person("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  // The demo commissioner opens bids too (a commissioning lead); this one cannot read them.
  await person("commissionerOnly", [{ role: "commissioner", scopeId: COUNTY }]);
  for (const [name, id] of Object.entries(DEMO)) s[name] = await sessionFor(t.app, id, { twoFactor: true });
  const created = await call(t.app, "POST", api, as("commissioner"), {
    projectId: DEMO_PROJECT.countyHomeCare,
    title: "Night sitting service",
    description: "Overnight support at home across Westshire.",
    procedure: "open",
    pricingMode: "competitive",
    contractTermMonths: 36,
    vatTreatment: "exempt",
    clarificationDeadline: "2027-02-01T12:00:00Z",
    submissionDeadline: "2027-02-15T12:00:00Z",
    conditions: ["Registered with the Care Quality Commission"],
    criteria: [
      { kind: "quality", title: "Quality", weightBp: 7000 },
      { kind: "price", title: "Price", weightBp: 3000 },
    ],
  });
  expect(created.statusCode).toBe(201);
  draft = created.json().id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const page = (url: string, session?: TestSession) =>
  t.app.inject({ method: "GET", url, headers: session ? { cookie: session.cookie } : {} });

describe("another authority's commissioner", () => {
  it("is refused (403) a change to a published tender, and finds no draft (404), on the API", async () => {
    const them = as("districtCommissioner");
    // Published: everyone sees it, so the refusal is 403 (not 409 for a tender no longer a draft).
    expect(
      (await call(t.app, "PATCH", `${api}/${DEMO_TENDER.open}`, them, { title: "Mine" })).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "POST", `${api}/${DEMO_TENDER.open}/cancel`, them, { reason: "Not yours" }))
        .statusCode,
    ).toBe(403);
    expect((await call(t.app, "POST", `${api}/${DEMO_TENDER.open}/publish`, them)).statusCode).toBe(403);
    // Its own editors are told the state instead: published, so not changed directly (409).
    expect(
      (await call(t.app, "PATCH", `${api}/${DEMO_TENDER.open}`, as("commissioner"), { title: "Later" }))
        .statusCode,
    ).toBe(409);
    // A draft is the county's to see: not found, as an unknown tender is.
    expect((await call(t.app, "GET", `${api}/${draft}`, them)).statusCode).toBe(404);
    expect((await call(t.app, "PATCH", `${api}/${draft}`, them, { title: "Mine" })).statusCode).toBe(404);
    expect((await call(t.app, "POST", `${api}/${draft}/publish`, them)).statusCode).toBe(404);
    expect(
      (
        await call(t.app, "POST", `${api}/${draft}/documents`, them, {
          title: "Specification",
          filename: "spec.txt",
          contentBase64: Buffer.from("Spec").toString("base64"),
        })
      ).statusCode,
    ).toBe(404);
    // The county's own commissioner still changes the draft; nothing the others sent was kept.
    const own = await call(t.app, "GET", `${api}/${draft}`, as("commissioner"));
    expect(own.json()).toMatchObject({ state: "draft", title: "Night sitting service", documents: [] });
  });

  it("is refused (403) the pages that change a published tender, and finds no draft (404)", async () => {
    const them = as("districtCommissioner");
    expect((await page(`${pages}/${DEMO_TENDER.open}/cancel`, them)).statusCode).toBe(403);
    expect((await page(`${pages}/${DEMO_TENDER.open}/amend`, them)).statusCode).toBe(403);
    expect((await page(`${pages}/${draft}/cancel`, them)).statusCode).toBe(404);
    expect((await page(`${pages}/${draft}/documents/new`, them)).statusCode).toBe(404);
    expect((await postForm(t.app, them, `${pages}/${draft}/publish`, {})).statusCode).toBe(404);
    expect((await postForm(t.app, them, `${pages}/${DEMO_TENDER.open}/publish`, {})).statusCode).toBe(403);
    const own = as("commissioner");
    expect((await postForm(t.app, own, `${pages}/${DEMO_TENDER.open}/publish`, {})).statusCode).toBe(409);
  });
});

describe("an unknown tender", () => {
  const everyone = [
    "districtCommissioner",
    "commissioner",
    "citizen",
    "organisationAdmin",
    "bidOpener",
    "evaluator",
    "platformAdmin",
  ];

  it("is 404 on the API for everyone signed in, whatever they may do to a tender that exists", async () => {
    const got: Record<string, number[]> = {};
    for (const who of everyone)
      got[who] = [
        (await call(t.app, "PATCH", `${api}/${UNKNOWN}`, as(who), { title: "Changed" })).statusCode,
        (await call(t.app, "POST", `${api}/${UNKNOWN}/opening`, as(who))).statusCode,
        (await call(t.app, "GET", `${api}/${UNKNOWN}/bids`, as(who))).statusCode,
        (await call(t.app, "GET", `${api}/${UNKNOWN}/evaluation`, as(who))).statusCode,
        (await call(t.app, "POST", `${api}/${UNKNOWN}/award`, as(who), {})).statusCode,
      ];
    expect(got).toEqual(Object.fromEntries(everyone.map((who) => [who, [404, 404, 404, 404, 404]])));
    // The public is asked to sign in first.
    expect(
      (await call(t.app, "PATCH", `${api}/${UNKNOWN}`, undefined, { title: "Changed" })).statusCode,
    ).toBe(401);
    // Sealed bids of a tender that exists stay refused to platform administrators (Annex IV A2, A4).
    expect(
      (await call(t.app, "GET", `${api}/${DEMO_TENDER.opened}/bids`, as("platformAdmin"))).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "POST", `${api}/${DEMO_TENDER.closed}/opening`, as("platformAdmin"))).statusCode,
    ).toBe(403);
  });

  it("is 404 on the pages for everyone signed in; the public is sent to sign in", async () => {
    const got: Record<string, number[]> = {};
    for (const who of everyone)
      got[who] = [
        (await page(`${pages}/${UNKNOWN}/cancel`, as(who))).statusCode,
        (await page(`${pages}/${UNKNOWN}/bids`, as(who))).statusCode,
        (await page(`${pages}/${UNKNOWN}/moderation`, as(who))).statusCode,
        (await postForm(t.app, as(who), `${pages}/${UNKNOWN}/opening`, {})).statusCode,
      ];
    expect(got).toEqual(Object.fromEntries(everyone.map((who) => [who, [404, 404, 404, 404]])));
    const anonymous = await page(`${pages}/${UNKNOWN}/cancel`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in/);
  });
});

describe("someone who may not act, in a state that forbids it", () => {
  const scoresOf = (tenderId: string) => `${api}/${tenderId}/evaluation/evaluators/${DEMO_EVALUATOR}/scores`;

  it("is refused (403), not told the state (409): another evaluator's scores before evaluation", async () => {
    // The demo evaluator, assigned to the closed tender and declaring no conflict, may see their own
    // scores once evaluation starts: until then they are told the state (409).
    const evaluator = await sessionFor(t.app, DEMO_EVALUATOR, { twoFactor: true });
    const closed = `${api}/${DEMO_TENDER.closed}`;
    expect(
      (await call(t.app, "POST", `${closed}/evaluators`, as("commissioner"), { userId: DEMO_EVALUATOR }))
        .statusCode,
    ).toBe(204);
    expect(
      (await call(t.app, "PUT", `${closed}/evaluation/declaration`, evaluator, { conflict: false }))
        .statusCode,
    ).toBe(200);
    const own = await call(t.app, "GET", scoresOf(DEMO_TENDER.closed), evaluator);
    expect(own.statusCode).toBe(409);
    expect(own.json().error.code).toBe("evaluation_not_started");
    // A bid opener, a commissioner who cannot read the bids, an evaluator not assigned never may see
    // another's scores: refused (403), whatever the state, not told that evaluation has not started.
    for (const who of ["bidOpener", "commissionerOnly", "evaluator"])
      expect({
        who,
        status: (await call(t.app, "GET", scoresOf(DEMO_TENDER.closed), as(who))).statusCode,
      }).toEqual({ who, status: 403 });
    // In evaluation (the opened tender), the same: 403.
    expect((await call(t.app, "GET", scoresOf(DEMO_TENDER.opened), as("bidOpener"))).statusCode).toBe(403);
  });
});
