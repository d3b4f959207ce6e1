/**
 * The care pages and API on the seeded demo data (one app for the file): care staff list, search and
 * read their people and make plans and budget versions; the person and their representatives see
 * their own page; nobody else gets anything (404: a commissioner of the same authority, care staff
 * of another, a platform administrator), a representative without the grant 403; an invitation is
 * accepted by the address it was sent to; forms say what to fix; and no audit event holds a demo
 * person's name or date of birth.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CARE_PEOPLE, DEMO_CARE_STAFF, DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const API = `/api/v1/authorities/${COUNTY}/care`;
const demoId = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id as string;

let t: TestApp;
let staff: TestSession;
let commissioner: TestSession;
let otherStaff: TestSession;
let admin: TestSession;
let citizen: TestSession;
let family: TestSession;
const people = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  staff = await sessionFor(t.app, DEMO_CARE_STAFF, { twoFactor: true });
  commissioner = await sessionFor(t.app, demoId("commissioner"), { twoFactor: true });
  admin = await sessionFor(t.app, demoId("platform-admin"), { twoFactor: true });
  citizen = await sessionFor(t.app, demoId("citizen"));
  family = await sessionFor(t.app, DEMO_REPRESENTATIVE.id);
  const other = await createUser(t.deps.db, {
    grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }],
  });
  otherStaff = await sessionFor(t.app, other.id, { twoFactor: true });
  const rows = await t.deps.db
    .selectFrom("care_people")
    .select(["id", "full_name"])
    .where("authority_id", "=", COUNTY)
    .execute();
  for (const r of rows) people.set(r.full_name, r.id);
});
afterAll(async () => {
  await t?.close();
});

const idOf = (name: string) => people.get(name) as string;
/** The error summary's links and messages, as read. */
const errorsOf = (html: string) =>
  summaryErrors(html).map(([href, text]) => [href, text.replaceAll("&#39;", "'")]);

describe("care staff", () => {
  it("list their people by name, search them, and read a person's plan with its budget and review", async () => {
    const list = await t.app.inject({ url: `/authorities/${SLUG}/care`, headers: { cookie: staff.cookie } });
    expect(list.statusCode).toBe(200);
    for (const p of DEMO_CARE_PEOPLE) expect(mainText(list.body)).toContain(p.fullName);
    const search = await call(t.app, "GET", `${API}/people?q=penning`, staff);
    expect(search.json().people.map((p: { name: string }) => p.name)).toEqual(["Arthur Pennington"]);

    const arthur = await t.app.inject({
      url: `/authorities/${SLUG}/care/people/${idOf("Arthur Pennington")}`,
      headers: { cookie: staff.cookie },
    });
    expect(arthur.statusCode).toBe(200);
    const text = mainText(arthur.body);
    expect(text).toContain("£410.00 per week");
    expect(text).toContain("Managed by the council");
    expect(text).toContain("Review overdue");
    expect(text).toContain("Nobody is linked to this person's account");
  });

  it("make a plan through the API: parts that do not add up are refused (422), a mix is recorded", async () => {
    const created = await call(t.app, "POST", `${API}/people`, staff, {
      fullName: "Test Person",
      dateOfBirth: "1970-01-01",
      areaCode: "E10000901",
    });
    expect(created.statusCode).toBe(201);
    const personId = created.json().id;
    const plan = {
      regime: "adult-social-care",
      amount: "£300.00",
      period: "week",
      startsOn: "2026-11-01",
      parts: [
        { delivery: "direct-payment", amount: "£100.00" },
        { delivery: "managed-by-authority", amount: "£150.00" },
      ],
    };
    const unequal = await call(t.app, "POST", `${API}/people/${personId}/plans`, staff, plan);
    expect(unequal.statusCode).toBe(422);
    expect(unequal.json().error.message).toContain("The parts add up to £250.00, but the budget is £300.00");
    const ok = await call(t.app, "POST", `${API}/people/${personId}/plans`, staff, {
      ...plan,
      parts: [...plan.parts, { delivery: "managed-by-authority", amount: "£50.00" }],
    });
    expect(ok.statusCode).toBe(201);
    const { regime: _, ...budget } = plan;
    const changed = await call(t.app, "POST", `${API}/plans/${ok.json().id}/versions`, staff, {
      ...budget,
      amount: "£100.00",
      parts: [{ delivery: "direct-payment", amount: "£100.00" }],
      reason: "Fewer hours needed.",
    });
    expect(changed.statusCode).toBe(201);
    // Nobody linked: nobody told, and the page says to tell the person another way.
    expect(changed.json()).toEqual({ version: 2, told: 0 });
    const record = await call(t.app, "GET", `${API}/people/${personId}`, staff);
    const [only] = record.json().plans;
    expect(only.budget).toMatchObject({ version: 2, amountPence: "10000", delivery: "direct-payment" });
    expect(only.versions.map((v: { delivery: string }) => v.delivery)).toEqual(["direct-payment", "mixed"]);
    // A direct payment from 1 December 2026: its first review 6 months on.
    expect(only.nextReview).toMatchObject({ on: "2027-05-01", clock: "adult-social-care.direct-payment" });
  });

  it("are told what to fix by a form sent incomplete", async () => {
    const empty = await postForm(t.app, staff, `/authorities/${SLUG}/care/people/new`, {
      fullName: "",
      "dateOfBirth-day": "31",
      "dateOfBirth-month": "2",
      "dateOfBirth-year": "1950",
      areaCode: "E10000901",
    });
    expect(empty.statusCode).toBe(400);
    expect(errorsOf(empty.body)).toEqual([
      ["#fullName", "Enter the person's full name"],
      ["#dateOfBirth-day", "Enter the date of birth as a real date, like 27 3 1950"],
    ]);
    const plan = await postForm(
      t.app,
      staff,
      `/authorities/${SLUG}/care/people/${idOf("Grace Oduya")}/plans/new`,
      {
        regime: "sen",
        amount: "£20.00",
        period: "week",
        "startsOn-day": "1",
        "startsOn-month": "12",
        "startsOn-year": "2026",
        directPayment: "£15.00",
      },
    );
    expect(plan.statusCode).toBe(422);
    expect(errorsOf(plan.body)).toEqual([
      ["#parts", "The parts add up to £15.00, but the budget is £20.00: make them equal"],
    ]);
  });
});

describe("nobody else", () => {
  it("gets anything of the authority's people: 404 for a commissioner, another authority's care staff, a platform administrator", async () => {
    const joan = idOf("Joan Whitfield");
    for (const who of [commissioner, otherStaff, admin]) {
      for (const url of [
        `/authorities/${SLUG}/care`,
        `/authorities/${SLUG}/care/people/${joan}`,
        `/care/people/${joan}`,
      ]) {
        const page = await t.app.inject({ url, headers: { cookie: who.cookie } });
        expect(page.statusCode, url).toBe(404);
        expect(page.body).not.toContain("Joan");
      }
      expect((await call(t.app, "GET", `${API}/people`, who)).statusCode).toBe(404);
      expect((await call(t.app, "GET", `${API}/people/${joan}`, who)).statusCode).toBe(404);
    }
    expect((await t.app.inject({ url: `/authorities/${SLUG}/care` })).statusCode).toBe(303);
  });
});

describe("the person and their representatives", () => {
  it("see their own plan; a representative without the grant to see it gets 403", async () => {
    const mine = await t.app.inject({ url: "/care", headers: { cookie: citizen.cookie } });
    expect(mainText(mine.body)).toContain("Your own plan");
    const own = await t.app.inject({
      url: `/care/people/${idOf("Joan Whitfield")}`,
      headers: { cookie: citizen.cookie },
    });
    expect(own.statusCode).toBe(200);
    expect(mainText(own.body)).toContain("£352.00 per week");
    expect(mainText(own.body)).toContain("Two more hours of help a week");

    const tomos = idOf("Tomos Rees");
    const theirs = await t.app.inject({ url: `/care/people/${tomos}`, headers: { cookie: family.cookie } });
    expect(theirs.statusCode).toBe(200);
    expect(mainText(theirs.body)).toContain("Tomos Rees's care and support plan");
    // Joan's record is not theirs to see at all.
    expect(
      (
        await t.app.inject({
          url: `/care/people/${idOf("Joan Whitfield")}`,
          headers: { cookie: family.cookie },
        })
      ).statusCode,
    ).toBe(404);

    // A representative whose grants leave out seeing the plan: 403.
    const helper = await createUser(t.deps.db, { email: "helper@example.org" });
    const invited = await postForm(t.app, staff, `/authorities/${SLUG}/care/people/${tomos}/invite`, {
      email: "helper@example.org",
      relationship: "advocate",
      grants: ["complain"],
    });
    expect(invited.statusCode).toBe(303);
    const link = decodeURIComponent(/link=([^&#]+)/.exec(invited.headers.location as string)?.[1] ?? "");
    expect(link).toMatch(/^\/care\/invitations\//);
    const helperSession = await sessionFor(t.app, helper.id);
    // Someone else signed in cannot accept it.
    expect((await postForm(t.app, family, `${link}/accept`, {})).statusCode).toBe(403);
    const accepted = await postForm(t.app, helperSession, `${link}/accept`, {});
    expect(accepted.statusCode).toBe(303);
    expect((await postForm(t.app, helperSession, `${link}/accept`, {})).statusCode).toBe(409);
    const refused = await t.app.inject({
      url: `/care/people/${tomos}`,
      headers: { cookie: helperSession.cookie },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain("Tomos");
  });

  it("as themself change what a representative may do; a representative cannot", async () => {
    const joan = idOf("Joan Whitfield");
    const friend = await createUser(t.deps.db, { email: "friend@example.org" });
    const invited = await postForm(t.app, staff, `/authorities/${SLUG}/care/people/${joan}/invite`, {
      email: "friend@example.org",
      relationship: "family",
      grants: ["see-plan", "give-feedback"],
    });
    const link = decodeURIComponent(/link=([^&#]+)/.exec(invited.headers.location as string)?.[1] ?? "");
    const friendSession = await sessionFor(t.app, friend.id);
    await postForm(t.app, friendSession, `${link}/accept`, {});
    const row = await t.deps.db
      .selectFrom("care_links")
      .select("id")
      .where("user_id", "=", friend.id)
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    const url = `/care/people/${joan}/representatives/${row.id}`;
    expect((await postForm(t.app, friendSession, url, { grants: ["make-payments"] })).statusCode).toBe(403);
    expect((await postForm(t.app, citizen, url, { grants: ["see-plan"] })).statusCode).toBe(303);
    const now = await call(t.app, "GET", `${API}/people/${joan}`, friendSession);
    expect(now.json().you).toEqual({ how: "family", grants: ["see-plan"] });
    // Every act is audited under the acting account, with the person referred to, never named.
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select(["actor_id", "action", "changes"])
      .where("action", "in", ["care.link-accepted", "care.grants-changed"])
      .execute();
    expect(events.find((e) => e.action === "care.link-accepted" && e.actor_id === friend.id)).toBeDefined();
    expect(events.find((e) => e.action === "care.grants-changed")?.changes).toMatchObject({
      person: { ref: `care_people/${joan}` },
      as: "self",
    });
  });
});

describe("privacy", () => {
  it("keeps the demo people's names and dates of birth out of every audit event", async () => {
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select("changes")
      .where("authority_id", "=", COUNTY)
      .execute();
    const all = JSON.stringify(events);
    for (const p of DEMO_CARE_PEOPLE) {
      expect(all).not.toContain(p.fullName);
      expect(all).not.toContain(p.dateOfBirth);
    }
  });
});
