/**
 * Care on the seeded demo data (one app for the file), its pages, API and rules: care staff list, search and
 * read their people and make plans and budget versions; the person and their representatives see
 * their own page; nobody else gets anything (404: a commissioner of the same authority, care staff
 * of another, a platform administrator), a representative with a narrow grant only what it allows
 * (with none, 403); an invitation is accepted by the address it was sent to, listed, withdrawn (the
 * invitee told if emailed); a person's details changed with a reason; the organisations offered for
 * a managed account; forms say what to fix; no audit event holds a demo person's name or date of
 * birth; `requirePersonAccess` for the modules above; with the clock moved, the reviews in care
 * staff's work at the clocks' edges — the day before the window, its first day, the due day, the day
 * after (overdue) — a concern making a review due, a review clearing it; and, last, the care loose
 * ends' migration run again on the demo data as it was before it.
 */
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import {
  up as careLooseEnds,
  down as careLooseEndsDown,
} from "../../db/migrations/2026-12-14-61-care-loose-ends.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { addDays, addMonths, londonToday } from "../../lib/london-time.ts";
import { isOverdue, type Task } from "../../lib/tasks.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CARE_PEOPLE, DEMO_CARE_STAFF, DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createAuthority } from "../authorities/authorities.service.ts";
import { markInvitationAccepted, organisationsUsed } from "./care.repository.ts";
import {
  actingFor,
  createPlan,
  recordConcern,
  recordPerson,
  recordReview,
  requirePersonAccess,
} from "./care.service.ts";
import {
  CARE_INVITATION_QUEUE,
  CARE_INVITATION_WITHDRAWN_QUEUE,
  careJobHandlers,
} from "./representatives.service.ts";
import { tasksFor } from "./tasks.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const API = `/api/v1/authorities/${COUNTY}/care`;
const demoId = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id as string;

const clock = settableClock(DEMO_SEEDED_AT);
let t: TestApp;
let staff: TestSession;
let commissioner: TestSession;
let otherStaff: TestSession;
let admin: TestSession;
let citizen: TestSession;
let family: TestSession;
const people = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp({ seeded: true, clock });
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

describe("a person's details", () => {
  it("are changed by care staff with a reason, audited by field names only, and the person told", async () => {
    const joan = await t.deps.db
      .selectFrom("care_people")
      .selectAll()
      .where("id", "=", idOf("Joan Whitfield"))
      .executeTakeFirstOrThrow();
    const url = `/authorities/${SLUG}/care/people/${joan.id}/edit`;
    const form = await t.app.inject({ url, headers: { cookie: staff.cookie } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="Joan Whitfield"');
    expect((await t.app.inject({ url, headers: { cookie: commissioner.cookie } })).statusCode).toBe(404);
    const [year = "", month = "", day = ""] = joan.date_of_birth.split("-");
    const as = {
      fullName: joan.full_name,
      "dateOfBirth-day": day,
      "dateOfBirth-month": month,
      "dateOfBirth-year": year,
      email: joan.email ?? "",
      phone: joan.phone ?? "",
      address: joan.address,
      areaCode: joan.area_code,
    };
    const noReason = await postForm(t.app, staff, url, { ...as, phone: "01632 960 999" });
    expect(noReason.statusCode).toBe(400);
    expect(errorsOf(noReason.body)).toEqual([["#reason", "Choose why the details are changing"]]);
    expect((await postForm(t.app, staff, url, { ...as, reason: "correction" })).statusCode).toBe(422);
    const done = await postForm(t.app, staff, url, { ...as, phone: "01632 960 999", reason: "correction" });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toContain("done=person-changed");
    const event = await t.deps.db
      .selectFrom("audit_events")
      .select("changes")
      .where("action", "=", "care.person-changed")
      .executeTakeFirstOrThrow();
    expect(event.changes).toEqual({
      person: { ref: `care_people/${joan.id}` },
      fields: ["phone"],
      reason: "correction",
    });
    const notice = await t.deps.db
      .selectFrom("notifications")
      .select(["user_id", "body"])
      .where("kind", "=", "care.details-changed")
      .executeTakeFirstOrThrow();
    expect(notice.user_id).toBe(demoId("citizen"));
    expect(notice.body).toContain("phone number");
    expect(notice.body).not.toContain("960");
    // Through the API: nobody is linked to Arthur, so nobody is told.
    const arthur = await call(t.app, "GET", `${API}/people/${idOf("Arthur Pennington")}`, staff);
    const { name, dateOfBirth, email, phone, areaCode } = arthur.json();
    const put = await call(t.app, "PUT", `${API}/people/${idOf("Arthur Pennington")}`, staff, {
      fullName: name,
      dateOfBirth,
      email,
      phone,
      address: "1 New Street",
      areaCode,
      reason: "changed",
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ changed: ["address"], told: 0 });
    // Every detail is sent: contact details left out are refused, not cleared (null clears one).
    const partial = await call(t.app, "PUT", `${API}/people/${idOf("Arthur Pennington")}`, staff, {
      fullName: name,
      dateOfBirth,
      address: "1 New Street",
      areaCode,
      reason: "changed",
    });
    expect(partial.statusCode).toBe(400);
  });
});

describe("a part managed by an organisation", () => {
  it("chooses it from those the council uses, or from a search of the directory by name", async () => {
    const url = `/authorities/${SLUG}/care/people/${idOf("Grace Oduya")}/plans/new`;
    const option = (name: string) => new RegExp(`<option value="([0-9a-f-]{36})"[^>]*>${name}`);
    // The demo budgets have managed accounts with Greenway: offered without a search.
    const form = await t.app.inject({ url, headers: { cookie: staff.cookie } });
    expect(form.body).toMatch(option("Greenway Home Care"));
    expect(form.body).not.toMatch(option("Carewell Homes"));
    // The search is a button of the form itself: what was typed comes back with what was found, unsaved.
    const typed = {
      regime: "adult-social-care",
      amount: "£80.00",
      period: "week",
      "startsOn-day": "1",
      "startsOn-month": "12",
      "startsOn-year": "2026",
      managedByOrganisation: "£80.00",
    };
    const searched = await postForm(t.app, staff, url, { ...typed, q: "carewell", find: "search" });
    expect(searched.statusCode).toBe(200);
    const carewell = option("Carewell Homes").exec(searched.body)?.[1];
    expect(carewell).toBeDefined();
    expect(searched.body).toContain('value="£80.00"');
    expect(searched.body).toMatch(/value="adult-social-care" checked/);
    const made = await postForm(t.app, staff, url, {
      ...typed,
      q: "carewell",
      organisationId: carewell as string,
    });
    expect(made.statusCode).toBe(303);
    // Now the council uses it: offered without a search.
    const again = await t.app.inject({ url, headers: { cookie: staff.cookie } });
    expect(again.body).toMatch(option("Carewell Homes"));
    // At most so many are offered, the same ones each time, saying when there are more.
    const one = await organisationsUsed(t.deps.db, COUNTY, 1);
    expect(one).toEqual({ ids: [expect.any(String)], more: true });
    expect(await organisationsUsed(t.deps.db, COUNTY, 1)).toEqual(one);
  });
});

describe("a plan's review, concern and end", () => {
  it("are recorded on one page each, saying what to fix", async () => {
    const arthur = idOf("Arthur Pennington");
    const { id: planId } = await t.deps.db
      .selectFrom("care_plans")
      .select("id")
      .where("authority_id", "=", COUNTY)
      .where("person_id", "=", arthur)
      .executeTakeFirstOrThrow();
    const url = `/authorities/${SLUG}/care/plans/${planId}/record`;
    const empty = await postForm(t.app, staff, `${url}/review`, {});
    expect(empty.statusCode).toBe(400);
    expect(errorsOf(empty.body).map(([href]) => href)).toEqual(["#reviewedOn-day", "#outcome"]);
    expect(
      (await t.app.inject({ url: `${url}/nothing`, headers: { cookie: staff.cookie } })).statusCode,
    ).toBe(404);
    const concern = await postForm(t.app, staff, `${url}/concern`, {
      "raisedOn-day": "20",
      "raisedOn-month": "11",
      "raisedOn-year": "2026",
      description: "Arthur fell twice this month.",
    });
    expect(concern.statusCode).toBe(303);
    const page = await t.app.inject({
      url: String(concern.headers.location).split("#")[0] as string,
      headers: { cookie: staff.cookie },
    });
    expect(mainText(page.body)).toContain("The concern is recorded");
    expect(mainText(page.body)).toContain("Arthur fell twice this month.");
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
  it("see their own plan; a representative without the grant to see it sees the page without it, with no grant 403", async () => {
    const mine = await t.app.inject({ url: "/care", headers: { cookie: citizen.cookie } });
    expect(mainText(mine.body)).toContain("Your own plan");
    const own = await t.app.inject({
      url: `/care/people/${idOf("Joan Whitfield")}`,
      headers: { cookie: citizen.cookie },
    });
    expect(own.statusCode).toBe(200);
    expect(mainText(own.body)).toContain("£352.00 per week");
    expect(mainText(own.body)).toContain("Two more hours of help a week");
    // The first version's reason is a code, rendered in the reader's language.
    expect(mainText(own.body)).toContain("The plan as agreed.");
    const welsh = await t.app.inject({
      url: `/care/people/${idOf("Joan Whitfield")}`,
      headers: { cookie: `${citizen.cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("Y cynllun fel y cytunwyd arno.");
    const firsts = await t.deps.db
      .selectFrom("care_plan_versions")
      .select(["reason", "reason_code"])
      .where("version", "=", 1)
      .execute();
    expect(firsts.length).toBeGreaterThan(0);
    expect(firsts.every((v) => v.reason === null && v.reason_code === "plan-agreed")).toBe(true);

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

    // A representative whose grants leave out seeing the plan reaches the page, without the plan.
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
    const narrow = await t.app.inject({
      url: `/care/people/${tomos}`,
      headers: { cookie: helperSession.cookie },
    });
    expect(narrow.statusCode).toBe(200);
    const narrowText = mainText(narrow.body);
    expect(narrowText).toContain("The person has not allowed you to see their plan");
    expect(narrowText).toContain("Complain");
    // Care's sections of the plan, its budget, the needs and the download are left out.
    // choice's panel of what is arranged (with its prices) too.
    const planSections =
      /Plans and personal budgets|per week|per year|Assessed eligible needs|Everything held|Services arranged/;
    expect(narrowText).not.toMatch(planSections);
    expect(mainText(theirs.body)).toMatch(planSections);
    const json = (await call(t.app, "GET", `${API}/people/${tomos}`, helperSession)).json();
    expect(json).toMatchObject({ needs: [], plans: [], you: { how: "advocate", grants: ["complain"] } });
    // Nor their date of birth and contact details: the name and area only (with see-plan, all).
    expect(json).toMatchObject({
      name: "Tomos Rees",
      dateOfBirth: null,
      email: null,
      phone: null,
      address: null,
    });
    expect(narrowText).not.toContain("1990");
    expect(narrowText).toContain("Their date of birth and contact details are shown only");
    expect(mainText(theirs.body)).toContain("9 September 1990");
    // A link with no grant left reaches nothing: 403.
    await t.deps.db.updateTable("care_links").set({ grants: [] }).where("user_id", "=", helper.id).execute();
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
    // A representative sees their own link, not the person's own account or other representatives.
    expect(now.json().representatives.map((r: { relationship: string }) => r.relationship)).toEqual([
      "family",
    ]);
    const all = await call(t.app, "GET", `${API}/people/${joan}`, citizen);
    // Joan has also appointed Westshire Healthwatch (the demo champion). Her own account comes
    // first, then the others as they were linked.
    const relationships = all.json().representatives.map((r: { relationship: string }) => r.relationship);
    expect(relationships[0]).toBe("self");
    expect(relationships.slice(1).sort()).toEqual(["champion", "family"]);
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
    // Allowed to pay but not to see the plan: the budget's panel offers the paying, none of its figures.
    expect((await postForm(t.app, citizen, url, { grants: ["make-payments"] })).statusCode).toBe(303);
    const payer = mainText(
      (await t.app.inject({ url: `/care/people/${joan}`, headers: { cookie: friendSession.cookie } })).body,
    );
    expect(payer).toContain("The person has allowed you to make payments for them, not to see their budget");
    expect(payer).toContain("Record a payment out of the direct payment");
    expect(payer).not.toMatch(/Left in the direct payment|Latest transactions|per week|See statements/);
  });
});

describe("links and invitations through the API", () => {
  it("are listed by the page's rules; care staff invite and withdraw (the invitee told if emailed); the person changes grants", async () => {
    const tomos = idOf("Tomos Rees");
    const base = `${API}/people/${tomos}`;
    const invited = await call(t.app, "POST", `${base}/invitations`, staff, {
      email: "cousin@example.org",
      relationship: "family",
      grants: ["see-plan"],
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const { id, link } = invited.json();
    expect(link).toMatch(/^\/care\/invitations\//);
    expect(
      (
        await call(t.app, "POST", `${base}/invitations`, family, {
          email: "x@example.org",
          relationship: "family",
          grants: [],
        })
      ).statusCode,
    ).toBe(404);

    // The invitation's email goes out (the job), then care staff withdraw it: the invitee is told.
    const sent: { to: string; subject: string }[] = [];
    const handlers = careJobHandlers({
      mailer: { send: async (m: { to: string; subject: string }) => void sent.push(m) } as never,
      baseUrl: "https://openps.example",
      secrets: t.app.accountSecrets,
    });
    const jobCtx = { db: t.deps.db, clock, logger: { warn: () => {} }, job: { id: "test" } } as never;
    await handlers[CARE_INVITATION_QUEUE]?.({ authorityId: COUNTY, invitationId: id }, jobCtx);
    expect(sent.map((m) => m.to)).toEqual(["cousin@example.org"]);
    const listed = await call(t.app, "GET", `${base}/links`, staff);
    expect(listed.json().invitations).toContainEqual(
      expect.objectContaining({ id, email: "cousin@example.org", relationship: "family", emailed: true }),
    );
    // A representative sees their own link only, and no invitation.
    const theirs = (await call(t.app, "GET", `${base}/links`, family)).json();
    expect(theirs.links.map((l: { name: string }) => l.name)).toEqual([DEMO_REPRESENTATIVE.displayName]);
    expect(theirs.invitations).toEqual([]);

    expect((await call(t.app, "POST", `${base}/invitations/${id}/withdraw`, family)).statusCode).toBe(404);
    const withdrawn = await call(t.app, "POST", `${base}/invitations/${id}/withdraw`, staff);
    expect(withdrawn.json()).toEqual({ id, withdrawn: true, told: true });
    expect((await call(t.app, "POST", `${base}/invitations/${id}/withdraw`, staff)).statusCode).toBe(409);
    // An acceptance that read the invitation before the withdrawal committed accepts nothing (409).
    expect(await markInvitationAccepted(t.deps.db, COUNTY, id, DEMO_REPRESENTATIVE.id, clock.now())).toBe(
      false,
    );
    expect((await t.app.inject({ url: link })).statusCode).toBe(409);
    await handlers[CARE_INVITATION_WITHDRAWN_QUEUE]?.({ authorityId: COUNTY, invitationId: id }, jobCtx);
    expect(sent.map((m) => m.subject)).toEqual([
      expect.stringContaining("invites you"),
      expect.stringContaining("has withdrawn its invitation"),
    ]);
    const event = await t.deps.db
      .selectFrom("audit_events")
      .select("changes")
      .where("action", "=", "care.invitation-withdrawn")
      .executeTakeFirstOrThrow();
    expect(event.changes).toEqual({ person: { ref: `care_people/${tomos}` }, invitation: id, told: true });

    // On the page: an invitation not emailed is withdrawn with its button; nobody to tell.
    const second = (
      await call(t.app, "POST", `${base}/invitations`, staff, {
        email: "aunt@example.org",
        relationship: "advocate",
        grants: ["complain"],
      })
    ).json();
    // Its email fails: the job throws (to retry) and the invitation is not left marked emailed.
    const failing = careJobHandlers({
      mailer: { send: async () => Promise.reject(new Error("mail server down")) } as never,
      baseUrl: "https://openps.example",
      secrets: t.app.accountSecrets,
    });
    await expect(
      failing[CARE_INVITATION_QUEUE]?.({ authorityId: COUNTY, invitationId: second.id }, jobCtx),
    ).rejects.toThrow("mail server down");
    expect((await call(t.app, "GET", `${base}/links`, staff)).json().invitations).toContainEqual(
      expect.objectContaining({ id: second.id, emailed: false }),
    );
    const page = await t.app.inject({
      url: `/authorities/${SLUG}/care/people/${tomos}`,
      headers: { cookie: staff.cookie },
    });
    const action = `/authorities/${SLUG}/care/people/${tomos}/invitations/${second.id}/withdraw`;
    expect(page.body).toContain(`action="${action}"`);
    expect(mainText(page.body)).toContain("aunt@example.org");
    const pressed = await postForm(t.app, staff, action, {});
    expect(pressed.headers.location).toContain("done=withdrawn#");

    // The person changes what their champion may do; never payments; a representative may not.
    const joan = idOf("Joan Whitfield");
    const champion = (await call(t.app, "GET", `${API}/people/${joan}/links`, citizen))
      .json()
      .links.find((l: { relationship: string }) => l.relationship === "champion");
    const grantsUrl = `${API}/people/${joan}/links/${champion.id}/grants`;
    const changed = await call(t.app, "PUT", grantsUrl, citizen, { grants: ["see-plan", "give-feedback"] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: champion.id, grants: ["see-plan", "give-feedback"] });
    expect((await call(t.app, "PUT", grantsUrl, citizen, { grants: ["make-payments"] })).statusCode).toBe(
      400,
    );
    expect((await call(t.app, "PUT", grantsUrl, staff, { grants: ["complain"] })).statusCode).toBe(403);
    // As the demo seed gave them, for the champion's own test.
    expect(
      (await call(t.app, "PUT", grantsUrl, citizen, { grants: ["see-plan", "complain"] })).statusCode,
    ).toBe(200);
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

const as = async (userId: string) => ctxFor(t.deps.db, clock, await principalOf(t.deps.db, userId));
const personNamed = async (name: string) =>
  (
    await t.deps.db
      .selectFrom("care_people")
      .select("id")
      .where("authority_id", "=", COUNTY)
      .where("full_name", "=", name)
      .executeTakeFirstOrThrow()
  ).id;
/** Noon in London on a day (GMT in winter, BST in summer: an hour either way stays on the day). */
const noonOn = (day: string) => new Date(`${day}T12:00:00Z`);

describe("who may act for a person", () => {
  it("care staff and the person may do anything; a representative only what they are granted; others nothing", async () => {
    const tomos = await personNamed("Tomos Rees");
    const staff = await requirePersonAccess(await as(DEMO_CARE_STAFF), COUNTY, tomos, "make-payments");
    expect(staff.how).toBe("care-staff");
    const family = await as(DEMO_REPRESENTATIVE.id);
    const feedback = await requirePersonAccess(family, COUNTY, tomos, "give-feedback");
    expect(feedback).toMatchObject({ how: "family", grants: ["see-plan", "give-feedback"] });
    expect(actingFor(feedback)).toEqual({ person: { ref: `care_people/${tomos}` }, as: "family" });
    expect((await refused(requirePersonAccess(family, COUNTY, tomos, "make-payments"))).code).toBe(
      "forbidden",
    );
    const other = await createUser(t.deps.db, {
      grants: [{ role: "care-staff", scopeId: DEMO_AUTHORITY.district }],
    });
    for (const userId of [demoId("commissioner"), demoId("platform-admin"), other.id, demoId("citizen")])
      expect((await refused(requirePersonAccess(await as(userId), COUNTY, tomos, "see-plan"))).code).toBe(
        "not_found",
      );
  });
});

describe("a consumer champion the person appoints", () => {
  const joan = () => idOf("Joan Whitfield");
  const champion = DEMO_AUTHORITY.champion;
  let chloe: TestSession;
  let otherChampion: TestSession;
  beforeAll(async () => {
    chloe = await sessionFor(t.app, demoId("consumer-champion"), { twoFactor: true });
    const otherId = "019a0000-0000-7000-8000-0000000cc0ff";
    await transaction(t.deps.db, (trx) =>
      createAuthority(trx, t.deps.clock, SYSTEM("test"), {
        id: otherId,
        slug: "another-care-champion",
        name: "Another Care Champion",
        kind: "consumer-champion",
        nation: "england-and-wales",
        verified: true,
      }),
    );
    const other = await createUser(t.deps.db, { grants: [{ role: "consumer-champion", scopeId: otherId }] });
    otherChampion = await sessionFor(t.app, other.id, { twoFactor: true });
  });

  it("acts for them within the grants only; only the person appoints; revoking ends it at once", async () => {
    // The demo: Joan has appointed Westshire Healthwatch to see her plan and complain.
    const seen = await call(t.app, "GET", `${API}/people/${joan()}`, chloe);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().representatives).toEqual([
      expect.objectContaining({ name: "Westshire Healthwatch", relationship: "champion" }),
    ]);
    const asChloe = await as(demoId("consumer-champion"));
    expect((await requirePersonAccess(asChloe, COUNTY, joan(), "complain")).how).toBe("champion");
    expect((await refused(requirePersonAccess(asChloe, COUNTY, joan(), "arrange-services"))).code).toBe(
      "forbidden",
    );
    expect((await call(t.app, "GET", `${API}/people/${idOf("Tomos Rees")}`, chloe)).statusCode).toBe(404);
    expect((await call(t.app, "GET", `${API}/people/${joan()}`, otherChampion)).statusCode).toBe(404);
    // A champion may not download the person's data, nor change who represents them.
    expect((await call(t.app, "GET", `${API}/people/${joan()}/data`, chloe)).statusCode).toBe(403);

    // Only the person themself appoints; never to make payments.
    const appoint = (who: TestSession, personId: string, grants: string[]) =>
      call(t.app, "POST", `${API}/people/${personId}/champions`, who, { championId: champion, grants });
    expect((await appoint(family, idOf("Tomos Rees"), ["see-plan"])).statusCode).toBe(403);
    expect((await appoint(staff, joan(), ["see-plan"])).statusCode).toBe(403);
    expect((await appoint(citizen, joan(), ["make-payments"])).statusCode).toBe(400);
    const form = await t.app.inject({
      url: `/care/people/${joan()}/champions/new`,
      headers: { cookie: citizen.cookie },
    });
    expect(mainText(form.body)).toContain("Another Care Champion");
    const again = await appoint(citizen, joan(), ["see-plan"]);
    expect(again.statusCode).toBe(201);
    expect((await refused(requirePersonAccess(asChloe, COUNTY, joan(), "complain"))).code).toBe("forbidden");
    const [event] = await t.deps.db
      .selectFrom("audit_events")
      .select(["actor_id", "changes"])
      .where("action", "=", "care.champion-appointed")
      .orderBy("seq", "desc")
      .limit(1)
      .execute();
    expect(event?.actor_id).toBe(demoId("citizen"));
    expect(event?.changes).toMatchObject({ person: { ref: `care_people/${joan()}` }, champion });

    const revoked = await call(
      t.app,
      "POST",
      `${API}/people/${joan()}/links/${again.json().id}/revoke`,
      citizen,
    );
    expect(revoked.statusCode).toBe(200);
    expect((await call(t.app, "GET", `${API}/people/${joan()}`, chloe)).statusCode).toBe(404);
    const told = await t.deps.db
      .selectFrom("notifications")
      .select("kind")
      .where("user_id", "=", demoId("consumer-champion"))
      .where("kind", "like", "care.champion-%")
      .execute();
    expect(told.map((n) => n.kind).sort()).toEqual([
      "care.champion-appointed",
      "care.champion-appointed",
      "care.champion-ended",
    ]);
  });

  it("the person downloads everything held about them, with the budget's ledger; others may not", async () => {
    const person = await call(t.app, "GET", `${API}/people/${joan()}`, staff);
    const planId = person.json().plans[0].id as string;
    // Every plan has its ledger (budgets follows care's planChanged).
    const download = await call(t.app, "GET", `${API}/people/${joan()}/data`, citizen);
    expect(download.statusCode).toBe(200);
    expect(download.headers["cache-control"]).toBe("no-store");
    const data = download.json();
    expect(data.person).toMatchObject({ name: "Joan Whitfield", dateOfBirth: "1941-06-14" });
    expect(data.plans[0].budgetVersions).toHaveLength(2);
    expect(data.links.map((l: { name: string }) => l.name)).toContain("Westshire Healthwatch");
    const actions = data.auditEvents.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["care.person-recorded", "care.champion-appointed"]));
    expect(data.notices.map((n: { kind: string }) => n.kind)).toContain("care.budget-changed");
    expect(data.sections).toEqual([
      {
        section: "budgets",
        data: { budgets: [expect.objectContaining({ planId })] },
      },
      // The choice module's: her arrangement with Greenway (src/modules/choice/people.test.ts).
      { section: "choice", data: expect.objectContaining({ arrangements: [expect.anything()] }) },
      // Redress's: the complaint Westshire Healthwatch made for her (src/seed/demo/redress.ts).
      {
        section: "complaints",
        data: {
          complaints: [
            expect.objectContaining({ regime: "nhs-adult-social-care", about: "Westshire County Council" }),
          ],
        },
      },
    ]);
    const file = await t.app.inject({
      url: `/care/people/${joan()}/data`,
      headers: { cookie: citizen.cookie },
    });
    expect(file.headers["content-disposition"]).toContain("attachment");
    expect(file.headers["cache-control"]).toBe("no-store");
    const readable = await t.app.inject({
      url: `/care/people/${joan()}/data/page`,
      headers: { cookie: citizen.cookie },
    });
    expect(mainText(readable.body)).toContain("Everything held about Joan Whitfield");
    expect(mainText(readable.body)).toContain("care.champion-appointed");
    expect((await call(t.app, "GET", `${API}/people/${joan()}/data`, staff)).statusCode).toBe(200);
    for (const who of [commissioner, otherStaff, admin])
      expect((await call(t.app, "GET", `${API}/people/${joan()}/data`, who)).statusCode).toBe(404);
    // A family member with see-plan is not the data subject: 403.
    expect((await call(t.app, "GET", `${API}/people/${idOf("Tomos Rees")}/data`, family)).statusCode).toBe(
      403,
    );
    const downloads = await t.deps.db
      .selectFrom("audit_events")
      .select("actor_id")
      .where("action", "=", "care.data-downloaded")
      .execute();
    expect(downloads.map((d) => d.actor_id).sort()).toEqual(
      [demoId("citizen"), demoId("citizen"), demoId("citizen"), DEMO_CARE_STAFF].sort(),
    );
  });
});

describe("reviews in care staff's work", () => {
  const work = async (userId = DEMO_CARE_STAFF) => (await tasksFor(await as(userId))).todo;
  const about = (tasks: readonly Task[], id: string) => tasks.filter((x) => x.about.id === id);

  it("list the demo plans due and overdue for the authority's care staff only", async () => {
    clock.set(DEMO_SEEDED_AT);
    const tasks = await work();
    const byName = new Map(tasks.map((x) => [x.about.title, x]));
    expect(isOverdue(byName.get("Arthur Pennington") as Task, clock.now())).toBe(true);
    // Reviewed once: both his clocks fall on the same day, within the month; the direct payment's is named.
    expect(byName.get("Tomos Rees")?.kind).toBe("review-direct-payment");
    expect(isOverdue(byName.get("Tomos Rees") as Task, clock.now())).toBe(false);
    expect(byName.has("Joan Whitfield")).toBe(false);
    expect(await work(demoId("commissioner"))).toEqual([]);
  });

  it("turn due 28 days before the day, stay due on it, and are overdue the day after", async () => {
    clock.set(DEMO_SEEDED_AT);
    const staff = await as(DEMO_CARE_STAFF);
    const person = await recordPerson(staff, COUNTY, {
      fullName: "Edge Case",
      dateOfBirth: "1960-05-05",
      areaCode: "E10000901",
    });
    const startsOn = londonToday(clock);
    const plan = await createPlan(staff, COUNTY, person.id, {
      regime: "adult-social-care",
      amount: "£100",
      period: "week",
      startsOn,
      parts: [{ delivery: "managed-by-authority", amount: "£100" }],
    });
    const due = addMonths(startsOn, 12);
    clock.set(noonOn(addDays(due, -29)));
    expect(about(await work(), plan.id)).toEqual([]);
    clock.set(noonOn(addDays(due, -28)));
    const [soon] = about(await work(), plan.id);
    expect(soon).toMatchObject({ kind: "review-care-plan", due: { day: due } });
    clock.set(noonOn(addDays(due, -1)));
    expect(isOverdue(about(await work(), plan.id)[0] as Task, clock.now())).toBe(false);
    clock.set(noonOn(due));
    expect(isOverdue(about(await work(), plan.id)[0] as Task, clock.now())).toBe(false);
    clock.set(noonOn(addDays(due, 1)));
    expect(isOverdue(about(await work(), plan.id)[0] as Task, clock.now())).toBe(true);

    // A review done starts the clocks again; a concern then makes one due within 28 days.
    await recordReview(await as(DEMO_CARE_STAFF), COUNTY, plan.id, {
      reviewedOn: addDays(due, 1),
      outcome: "no-change",
    });
    expect(about(await work(), plan.id)).toEqual([]);
    clock.advance(60_000);
    await recordConcern(await as(DEMO_CARE_STAFF), COUNTY, plan.id, {
      raisedOn: addDays(due, 1),
      description: "The family say the morning visits are being missed.",
    });
    expect(about(await work(), plan.id)[0]).toMatchObject({
      kind: "review-concern",
      due: { day: addDays(due, 29) },
      details: { raised: { day: addDays(due, 1) } },
    });
  });
});

// Last, as it puts the schema back as it was before the care loose ends' migration (2026-12-14-61)
// and runs the migration again on the demo data: every first version "The plan as agreed." gets the
// code and no text; a reason care staff wrote stays as written.
describe("the migration of the first versions' reason", () => {
  it("moves the first versions' English reason to the code, and leaves care staff's reasons", async () => {
    const db = t.deps.db;
    // Back to before it (its down), then up again.
    await careLooseEndsDown(db as unknown as Kysely<unknown>);
    const before = await db
      .selectFrom("care_plan_versions")
      .select("reason")
      .where("version", "=", 1)
      .execute();
    expect(before.every((v) => v.reason === "The plan as agreed.")).toBe(true);

    await careLooseEnds(db as unknown as Kysely<unknown>);
    const versions = await db
      .selectFrom("care_plan_versions")
      .select(["version", "reason", "reason_code"])
      .execute();
    const firsts = versions.filter((v) => v.version === 1);
    expect(firsts.length).toBeGreaterThan(0);
    expect(firsts.every((v) => v.reason === null && v.reason_code === "plan-agreed")).toBe(true);
    const later = versions.filter((v) => v.version > 1);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((v) => v.reason !== null && v.reason !== "" && v.reason_code === null)).toBe(true);
    // Still frozen.
    await expect(
      db.updateTable("care_plan_versions").set({ reason: "Changed" }).where("version", "=", 1).execute(),
    ).rejects.toThrow(/never changed/);
  });
});
