/**
 * Finding 14 of the security review, the order of checks, for the people of public bodies, the
 * register (projects, consultations, the Right to Challenge, contracts) and regulation: 401 for the
 * public; then 404 for what is unknown or not the caller's to see (another tenant's invitation or
 * people, a draft); then 403 for someone who may see it but not act on it; then 409 for what its
 * state forbids. Before, services (and the routes' `who`) asked for the role first, so an unknown id
 * under a real tenant was 403 to most people, another tenant's invitation was 403 rather than not
 * found, and a caller who may not act was told the state (409) instead of being refused (403).
 * On the demo data, through the pages and the JSON API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { invitationToken } from "../../src/modules/access/invitations.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_CHALLENGE } from "../../src/seed/demo/challenges.ts";
import { DEMO_CONSULTATION } from "../../src/seed/demo/consultations.ts";
import { DEMO_CONTRACTS } from "../../src/seed/demo/contracts.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../src/seed/demo/projects.ts";
import { DEMO_INSPECTION, DEMO_LOCATION } from "../../src/seed/demo/regulation.ts";
import { DEMO_USERS } from "../../src/seed/demo/users.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../support/auth.ts";
import { DEMO_SEEDED_AT, rowCount } from "../support/test-db.ts";

const UNKNOWN = "019a0000-0000-7000-8000-0000000fffff";
const COUNTY = DEMO_AUTHORITY.county;
const REGULATOR = DEMO_AUTHORITY.regulator;
const BODY = `/public-bodies/${COUNTY}`;
const PAGES = "/authorities/westshire-county-council";
const API = `/api/v1/authorities/${COUNTY}`;

let t: TestApp;
/** Demo people (the county's administrator, commissioner and evaluator, the demo organisation's
 * member, a citizen, the regulator's staff) and two made here: another authority's administrator,
 * and a second administrator of the county. */
const as = {} as Record<
  | "countyAdmin"
  | "secondCountyAdmin"
  | "commissioner"
  | "evaluator"
  | "orgMember"
  | "citizen"
  | "regulatorStaff"
  | "districtAdmin",
  TestSession
>;
const demoUser = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id ?? "";

beforeAll(async () => {
  t = await createTestApp({ clock: settableClock(DEMO_SEEDED_AT), seeded: true });
  const session = (id: string) => sessionFor(t.app, id, { twoFactor: true });
  as.countyAdmin = await session(demoUser("authority-admin"));
  as.commissioner = await session(demoUser("commissioner"));
  as.evaluator = await session(demoUser("evaluator"));
  as.orgMember = await session(demoUser("organisation-member"));
  as.citizen = await session(demoUser("citizen"));
  as.regulatorStaff = await session(demoUser("regulator-staff"));
  const made = async (role: "authority-admin", scopeId: string, displayName: string) =>
    session((await createUser(t.deps.db, { displayName, grants: [{ role, scopeId }] })).id);
  as.districtAdmin = await made("authority-admin", DEMO_AUTHORITY.district, "Dee District");
  as.secondCountyAdmin = await made("authority-admin", COUNTY, "Ben Second");
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** Invites someone to act for the county through its people page, as its administrator: the invitation's id. */
async function inviteToCounty(email: string, role: string): Promise<string> {
  const response = await postForm(t.app, as.countyAdmin, `${BODY}/people`, { email, role });
  expect(response.statusCode).toBe(303);
  const id = /(?:invited|awaiting)=([0-9a-f-]{36})/.exec(String(response.headers.location))?.[1];
  if (!id) throw new Error(`No invitation in ${response.headers.location}`);
  return id;
}

const statuses = async (requests: Promise<{ statusCode: number }>[]) =>
  (await Promise.all(requests)).map((r) => r.statusCode);

describe("the people of a public body (pages)", () => {
  it("another authority's invitation is not found (404); the authority's own staff who may not withdraw it are refused (403)", async () => {
    const invitation = await inviteToCounty("new.commissioner@example.org", "commissioner");
    const withdraw = `${BODY}/invitations/${invitation}/withdraw`;
    expect((await postForm(t.app, as.districtAdmin, withdraw, {})).statusCode).toBe(404);
    expect((await postForm(t.app, as.commissioner, withdraw, {})).statusCode).toBe(403);
    expect((await postForm(t.app, as.countyAdmin, withdraw, {})).statusCode).toBe(303);
  });

  it("an unknown invitation under the county is 404 for everyone signed in, whatever their role", async () => {
    const withdraw = `${BODY}/invitations/${UNKNOWN}/withdraw`;
    const approve = `${BODY}/invitations/${UNKNOWN}/approve`;
    const callers = [as.districtAdmin, as.commissioner, as.orgMember, as.citizen, as.countyAdmin];
    expect(await statuses(callers.map((c) => postForm(t.app, c, withdraw, {})))).toEqual([
      404, 404, 404, 404, 404,
    ]);
    expect(await statuses(callers.map((c) => postForm(t.app, c, approve, {})))).toEqual([
      404, 404, 404, 404, 404,
    ]);
    expect((await postForm(t.app, null, withdraw, {})).statusCode).toBe(403); // No CSRF token for the public.
  });

  it("another authority's people are not found (404); the authority's own staff are refused (403), and nobody is removed", async () => {
    const remove = `${BODY}/people/remove`;
    const commissioner = { userId: demoUser("commissioner"), role: "commissioner" };
    expect((await postForm(t.app, as.districtAdmin, remove, commissioner)).statusCode).toBe(404);
    expect((await postForm(t.app, as.evaluator, remove, commissioner)).statusCode).toBe(403);
    const nobody = { userId: UNKNOWN, role: "commissioner" };
    expect((await postForm(t.app, as.evaluator, remove, nobody)).statusCode).toBe(404);
    const grants = await t.deps.db
      .selectFrom("role_grants")
      .select("role")
      .where("user_id", "=", demoUser("commissioner"))
      .where("scope_id", "=", COUNTY)
      .execute();
    expect(grants.map((g) => g.role).sort()).toEqual(["bid-opener", "commissioner"]);
  });

  it("a bid opener's invitation, withdrawn: the one who sent it is refused (403), not told it is closed (409); the link's holder with another address too", async () => {
    const invitation = await inviteToCounty("second.opener@example.org", "bid-opener");
    const approve = `${BODY}/invitations/${invitation}/approve`;
    expect(
      (await postForm(t.app, as.countyAdmin, `${BODY}/invitations/${invitation}/withdraw`, {})).statusCode,
    ).toBe(303);
    // The sender may never approve it: refused, whatever its state.
    expect((await postForm(t.app, as.countyAdmin, approve, {})).statusCode).toBe(403);
    // The other administrator may approve invitations, but not this one now: 409.
    expect((await postForm(t.app, as.secondCountyAdmin, approve, {})).statusCode).toBe(409);
    expect((await postForm(t.app, as.districtAdmin, approve, {})).statusCode).toBe(404);
    // Someone signed in with another address holding the link is refused (403), not told it was withdrawn.
    const token = invitationToken(t.app.accountSecrets, invitation);
    expect((await postForm(t.app, as.citizen, `/invitations/${token}/accept`, {})).statusCode).toBe(403);
  });
});

describe("commissioning projects", () => {
  it("another authority's editor: a draft is not found (404, page and API), a published project refused (403) where its editors get 409", async () => {
    const draft = `${PAGES}/projects/${DEMO_PROJECT.countyParksDraft}`;
    expect((await postForm(t.app, as.districtAdmin, `${draft}/publish`, {})).statusCode).toBe(404);
    expect((await call(t.app, "GET", `${draft}/edit`, as.districtAdmin)).statusCode).toBe(404);
    const draftApi = `${API}/projects/${DEMO_PROJECT.countyParksDraft}`;
    expect((await call(t.app, "PATCH", draftApi, as.districtAdmin, { description: "Mine" })).statusCode).toBe(
      404,
    );
    const published = `${API}/projects/${DEMO_PROJECT.countyHomeCare}`;
    expect((await call(t.app, "PATCH", published, as.commissioner, { description: "Late" })).statusCode).toBe(
      409,
    );
    expect(
      (await call(t.app, "PATCH", published, as.districtAdmin, { description: "Late" })).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "GET", `${PAGES}/projects/${DEMO_PROJECT.countyHomeCare}/edit`, as.districtAdmin))
        .statusCode,
    ).toBe(403);
  });

  it("an unknown project is 404 for everyone signed in", async () => {
    const unknown = `${API}/projects/${UNKNOWN}`;
    const callers = [as.districtAdmin, as.orgMember, as.citizen, as.commissioner];
    expect(
      await statuses(callers.map((c) => call(t.app, "PATCH", unknown, c, { description: "Nothing" }))),
    ).toEqual([404, 404, 404, 404]);
    expect(
      await statuses(callers.map((c) => postForm(t.app, c, `${PAGES}/projects/${UNKNOWN}/publish`, {}))),
    ).toEqual([404, 404, 404, 404]);
    expect((await call(t.app, "PATCH", unknown, undefined, { description: "Nothing" })).statusCode).toBe(401);
  });
});

describe("contracts", () => {
  it("an unknown contract is 404 for everyone signed in; an existing one is refused (403) to another authority", async () => {
    const contract = DEMO_CONTRACTS[0] as string;
    expect((await call(t.app, "GET", `${API}/contracts/${contract}`)).statusCode).toBe(200);
    const amend = (id: string) => `${API}/contracts/${id}/amendments`;
    const body = { reason: "More visits", scope: "Evening visits too" };
    const callers = [as.districtAdmin, as.orgMember, as.citizen, as.commissioner];
    expect(await statuses(callers.map((c) => call(t.app, "POST", amend(UNKNOWN), c, body)))).toEqual([
      404, 404, 404, 404,
    ]);
    expect((await call(t.app, "POST", amend(contract), as.districtAdmin, body)).statusCode).toBe(403);
    // The pages: amending, and reporting against a KPI (the supplier's people's, 403 to a commissioner).
    expect(
      (await call(t.app, "GET", `${PAGES}/contracts/${UNKNOWN}/amend`, as.districtAdmin)).statusCode,
    ).toBe(404);
    expect(
      (await call(t.app, "GET", `${PAGES}/contracts/${contract}/amend`, as.districtAdmin)).statusCode,
    ).toBe(403);
    const report = (id: string) => `${PAGES}/contracts/${id}/kpis/1/periods/1/report`;
    expect((await call(t.app, "GET", report(UNKNOWN), as.commissioner)).statusCode).toBe(404);
    expect((await call(t.app, "GET", report(contract), as.commissioner)).statusCode).toBe(403);
  });
});

describe("consultations", () => {
  it("responding for an organisation one does not act for is refused (403) on a closed consultation, not told it closed (409); nothing is written", async () => {
    const count = () => rowCount(t.deps.db, "consultation_responses");
    const before = await count();
    const closed = DEMO_CONSULTATION.countyLibrariesClosed;
    const api = `${API}/consultations/${closed}/responses`;
    const consultation = (await call(t.app, "GET", `${API}/consultations/${closed}`)).json();
    const sections = [{ sectionId: consultation.sections[0].id, comments: "Open on Sundays, please." }];
    const forCharity = { organisationId: DEMO_ORGANISATION.carersTrust, showName: true, sections };
    expect((await call(t.app, "POST", api, as.citizen, forCharity)).statusCode).toBe(403);
    expect((await call(t.app, "POST", api, as.citizen, { showName: true, sections })).statusCode).toBe(409);
    const page = `${PAGES}/consultations/${closed}/respond`;
    const form = { organisationId: DEMO_ORGANISATION.carersTrust, showName: "yes" };
    expect((await postForm(t.app, as.citizen, page, form)).statusCode).toBe(403);
    expect(
      (await postForm(t.app, as.citizen, page, { organisationId: "me", showName: "yes" })).statusCode,
    ).toBe(409);
    expect(await count()).toBe(before);
  });
});

describe("the Right to Challenge", () => {
  it("an unknown expression of interest is 404 for everyone signed in; a decided one is refused (403) to another authority, and 409 to its own editors", async () => {
    const consider = (id: string) => `${API}/right-to-challenge/${id}/consideration`;
    const body = { consideredBy: "Cabinet", consideredOn: "2026-11-20", evidence: "The EOI and the policy." };
    const callers = [as.districtAdmin, as.orgMember, as.commissioner];
    expect(await statuses(callers.map((c) => call(t.app, "POST", consider(UNKNOWN), c, body)))).toEqual([
      404, 404, 404,
    ]);
    const decided = DEMO_CHALLENGE.rejected;
    expect((await call(t.app, "POST", consider(decided), as.districtAdmin, body)).statusCode).toBe(403);
    expect((await call(t.app, "POST", consider(decided), as.commissioner, body)).statusCode).toBe(409);
    const page = `${PAGES}/right-to-challenge/${UNKNOWN}/decide`;
    expect((await call(t.app, "GET", page, as.districtAdmin)).statusCode).toBe(404);
  });
});

describe("regulation", () => {
  it("a published report is everyone's to see: challenging it as someone else is refused (403); a draft report is not found (404)", async () => {
    const challenge = (inspection: string) =>
      `/api/v1/regulators/${REGULATOR}/inspections/${inspection}/challenges`;
    const point = { point: "The report gets our opening hours wrong." };
    expect(
      (await call(t.app, "POST", challenge(DEMO_INSPECTION.clinicOutstanding), as.citizen, point)).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "POST", challenge(DEMO_INSPECTION.clinicDraft), as.citizen, point)).statusCode,
    ).toBe(404);
    const page = `/regulators/${REGULATOR}/locations/${DEMO_LOCATION.communityHealthClinic}/inspections/${DEMO_INSPECTION.clinicOutstanding}/challenges`;
    expect((await postForm(t.app, as.citizen, page, point)).statusCode).toBe(403);
  });

  it("an unknown location under a real regulator is 404 for everyone signed in; an existing one is refused (403) to all but its staff", async () => {
    const status = (location: string) => `/api/v1/regulators/${REGULATOR}/locations/${location}/status`;
    const body = { to: "suspended", reason: "A test of the order of checks." };
    const callers = [as.orgMember, as.commissioner, as.citizen, as.regulatorStaff];
    expect(await statuses(callers.map((c) => call(t.app, "POST", status(UNKNOWN), c, body)))).toEqual([
      404, 404, 404, 404,
    ]);
    expect(
      (await call(t.app, "POST", status(DEMO_LOCATION.communityHealthClinic), as.commissioner, body))
        .statusCode,
    ).toBe(403);
    const page = `/regulators/${REGULATOR}/locations/${UNKNOWN}/enforcement`;
    expect(
      (await postForm(t.app, as.citizen, page, { kind: "warning-notice", details: "x" })).statusCode,
    ).toBe(404);
  });
});
