/**
 * Complaints through HTTP (app.inject, one seeded app for the file): a complaint made about the
 * county under the council code, acknowledged, extended (beyond the rule refused with the furthest
 * day), answered late with the clock moved, taken to stage 2, where the officer who answered stage 1
 * is refused and another answers, then accepted; a complaint about a provider routed to the
 * commissioner the person prefers, or to the provider; a late complaint waived; who cannot see a
 * complaint; no personal data in the audit trail; each page for the right people.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  sessionFor,
  type TestSession,
  testBrowser,
  userWithRole,
} from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { encodeKey } from "../../db/paging.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_REPRESENTATIVE } from "../../seed/demo/care.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { createApiToken } from "../accounts/api-tokens.service.ts";
import { complainantEmailHandler } from "./redress.jobs.ts";
import { complaintToken, sweepUnverifiedComplaints } from "./redress.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const GREENWAY = DEMO_CHOICE_MEMBERS.greenway;
const OTHER_ORG = "019a0000-0000-7000-8000-00000000b002";
const WHAT = "The bin collection on Mill Lane was missed four weeks running and nobody called back.";

let t: TestApp;
const users: Record<string, string> = {};
const sessions: Record<string, TestSession> = {};
const clock = () => t.deps.clock as unknown as SettableClock;
const as = (who: string) => sessions[who] as TestSession;
const one = (id: string) => `/api/v1/authorities/${COUNTY}/complaints/${id}`;

/** Sessions again at the app's time (moving the clock ends the old ones). */
async function signInAll(): Promise<void> {
  for (const [who, id] of Object.entries(users))
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
}

const councilComplaint = {
  about: "authority",
  authorityId: COUNTY,
  regime: "council",
  actingAs: "self",
  whatHappened: WHAT,
  happenedOn: "2026-11-02",
  outcomeWanted: "Collect the bins and say why it happened.",
  phone: "01632 960123",
  consent: true,
};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = userWithRole.bind(null, t.deps.db);
  users.citizen = DEMO_USERS.find((u) => u.role === "citizen")?.id ?? "";
  users.officerA = await make("complaints-officer", COUNTY);
  users.officerB = await make("complaints-officer", COUNTY);
  users.greenway = await make("organisation-admin", GREENWAY);
  users.otherProvider = await make("organisation-admin", OTHER_ORG);
  users.otherCommissioner = await make("commissioner", DEMO_AUTHORITY.district);
  users.careStaff = await make("care-staff", COUNTY);
  users.platformAdmin = await make("platform-admin");
  users.stranger = await make("citizen");
  await signInAll();
});

afterAll(async () => {
  await t?.close();
});

describe("a complaint on the council code's clocks", () => {
  let id = "";

  it("is made with consent, and refused without it", async () => {
    const refused = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...councilComplaint,
      consent: false,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toContainEqual(expect.objectContaining({ field: "consent" }));
    const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), councilComplaint);
    expect(made.statusCode).toBe(201);
    const c = made.json();
    id = c.id;
    expect(c).toMatchObject({
      authorityId: COUNTY,
      answerer: "authority",
      inTime: true,
      stage: 1,
      status: "open",
    });
    // Received Sunday 22 November 2026: acknowledged within 5 working days → Friday 27th.
    expect(c.stages[0].steps[0]).toMatchObject({
      step: "acknowledge",
      dueOn: "2026-11-27",
      state: "waiting",
    });
    expect(c.stages[0].steps[1]).toMatchObject({ step: "respond", dueOn: null, state: "not-started" });
  });

  it("is made with an API token that has the scope, and refused one without it", async () => {
    const tokenFor = async (scopes: ("complaints:write" | "account:read")[]) => ({
      token: (
        await createApiToken(
          {
            ...ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, users.stranger as string)),
            secrets: t.app.accountSecrets,
            origin: { address: "127.0.0.1" },
          },
          { name: scopes.join(" "), scopes, expiresInDays: 30 },
        )
      ).token,
    });
    const made = await call(t.app, "POST", "/api/v1/complaints", await tokenFor(["complaints:write"]), {
      ...councilComplaint,
      actingAs: "public",
    });
    expect(made.statusCode).toBe(201);
    const refused = await call(
      t.app,
      "POST",
      "/api/v1/complaints",
      await tokenFor(["account:read"]),
      councilComplaint,
    );
    expect(refused.statusCode).toBe(403);
  });

  it("is acknowledged and extended within the rule, never beyond it", async () => {
    const ack = await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerA"));
    expect(ack.statusCode).toBe(200);
    // Acknowledged the same Sunday: answered within 10 working days of the acknowledgement (4 December).
    expect(ack.json().stages[0].steps[1]).toMatchObject({ dueOn: "2026-12-04", state: "waiting" });
    const tooLong = await call(t.app, "POST", `${one(id)}/extend`, as("officerA"), {
      toOn: "2027-01-29",
      reason: "Waiting for the contractor's records.",
    });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().error.code).toBe("too-long");
    const extended = await call(t.app, "POST", `${one(id)}/extend`, as("officerA"), {
      toOn: "2026-12-11",
      reason: "Waiting for the contractor's records.",
    });
    expect(extended.statusCode).toBe(200);
    expect(extended.json().stages[0].steps[1]).toMatchObject({
      dueOn: "2026-12-11",
      firstDueOn: "2026-12-04",
    });
    expect(extended.json().stages[0].extensionReason).toBe("Waiting for the contractor's records.");
  });

  it("is answered late once the clock has moved on, and the citizen is told", async () => {
    clock().set(new Date("2026-12-15T10:00:00Z"));
    await signInAll();
    const mine = await call(t.app, "GET", one(id), as("citizen"));
    expect(mine.json().stages[0].steps[1].state).toBe("overdue");
    const answered = await call(t.app, "POST", `${one(id)}/respond`, as("officerA"), {
      finding: "partly-upheld",
      response: "The round was missed; the crew has been retrained.",
      remedy: "An apology and a collection this week.",
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: "answered", nextDueOn: null });
    expect(answered.json().stages[0].steps[1]).toMatchObject({ doneOn: "2026-12-15", state: "done-late" });
    const inbox = await call(t.app, "GET", "/api/v1/inbox", as("citizen"));
    expect(JSON.stringify(inbox.json())).toContain("has answered your complaint");
  });

  it("goes to stage 2, which the officer who answered stage 1 may not answer", async () => {
    const next = await call(t.app, "POST", `${one(id)}/next-stage`, as("citizen"));
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ stage: 2, status: "open" });
    expect((await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerB"))).statusCode).toBe(200);
    const same = await call(t.app, "POST", `${one(id)}/respond`, as("officerA"), {
      finding: "not-upheld",
      response: "Nothing to add.",
    });
    expect(same.statusCode).toBe(403);
    expect(same.json().error.message).toContain("You considered the stage before");
    const other = await call(t.app, "POST", `${one(id)}/respond`, as("officerB"), {
      finding: "upheld",
      response: "The missed collections were our fault.",
    });
    expect(other.statusCode).toBe(200);
    // The last stage answered: the LGSCO would be next, and may look at it now.
    expect(other.json().ombudsman).toEqual({ route: "route", ombudsman: "lgsco", readiness: "ready" });
  });

  it("is accepted by the citizen, and no one else may", async () => {
    expect((await call(t.app, "POST", `${one(id)}/accept`, as("officerB"))).statusCode).toBe(403);
    const accepted = await call(t.app, "POST", `${one(id)}/accept`, as("citizen"));
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().status).toBe("accepted");
    expect((await call(t.app, "POST", `${one(id)}/accept`, as("citizen"))).statusCode).toBe(409);
  });

  it("is seen by no one else: another provider, another authority's people, care staff, a platform administrator, the public", async () => {
    for (const who of [
      "otherProvider",
      "otherCommissioner",
      "careStaff",
      "platformAdmin",
      "stranger",
      "greenway",
    ])
      expect((await call(t.app, "GET", one(id), as(who))).statusCode, who).toBe(404);
    expect((await call(t.app, "GET", one(id))).statusCode).toBe(401);
    const list = await call(t.app, "GET", `/api/v1/authorities/${COUNTY}/complaints`, as("platformAdmin"));
    expect(list.statusCode).toBe(403);
    const officers = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${COUNTY}/complaints?filter=answered`,
      as("officerA"),
    );
    expect(officers.json().complaints.map((c: { id: string }) => c.id)).toContain(id);
  });

  it("keeps the complainant's words and contact out of the audit trail", async () => {
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select(["changes", "action"])
      .where("entity_id", "=", id)
      .execute();
    expect(events.map((e) => e.action)).toContain("complaint.made");
    const text = JSON.stringify(events);
    for (const personal of [WHAT, "01632 960123", "citizen@demo.openps.example", "Collect the bins"])
      expect(text).not.toContain(personal);
  });
});

describe("a complaint about a provider", () => {
  const aboutGreenway = {
    about: "organisation",
    organisationId: GREENWAY,
    authorityId: COUNTY,
    regime: "nhs-adult-social-care",
    actingAs: "self",
    whatHappened: "My carer came two hours late three times this week.",
    happenedOn: "2026-12-10",
    outcomeWanted: "Visits on time.",
    consent: true,
  };

  it("goes to the commissioner the person prefers, else to the provider, whose people alone see it", async () => {
    const preferred = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...aboutGreenway,
      preferCommissioner: true,
    });
    expect(preferred.statusCode).toBe(201);
    expect(preferred.json()).toMatchObject({
      authorityId: COUNTY,
      answerer: "authority",
      noCommissionerFound: false,
    });
    const direct = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), aboutGreenway);
    expect(direct.json()).toMatchObject({ authorityId: COUNTY, answerer: "provider" });
    const id = direct.json().id;
    expect((await call(t.app, "GET", one(id), as("greenway"))).statusCode).toBe(200);
    expect((await call(t.app, "GET", one(id), as("otherProvider"))).statusCode).toBe(404);
    expect((await call(t.app, "GET", one(id), as("officerA"))).statusCode).toBe(404);
    const own = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${GREENWAY}/complaints?filter=due`,
      as("greenway"),
    );
    expect(own.json().complaints.map((c: { id: string }) => c.id)).toContain(id);
    expect(
      (await call(t.app, "GET", `/api/v1/organisations/${GREENWAY}/complaints`, as("otherProvider")))
        .statusCode,
    ).toBe(403);
    // Its work: the complaint is on the provider's task list.
    const tasks = await call(t.app, "GET", "/api/v1/me/tasks", as("greenway"));
    expect(JSON.stringify(tasks.json())).toContain(direct.json().reference);
  });

  it("made after the time limit, is acknowledged only once the body decides to consider it", async () => {
    const late = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...aboutGreenway,
      happenedOn: "2025-06-01",
    });
    expect(late.json()).toMatchObject({ inTime: false, timeLimitEndsOn: "2026-06-01" });
    const id = late.json().id;
    expect((await call(t.app, "POST", `${one(id)}/acknowledge`, as("greenway"))).statusCode).toBe(409);
    const waived = await call(t.app, "POST", `${one(id)}/late-decision`, as("greenway"), {
      decision: "waived",
      reason: "The person was in hospital for most of the year.",
    });
    expect(waived.json()).toMatchObject({ lateDecision: "waived", status: "open" });
    expect((await call(t.app, "POST", `${one(id)}/acknowledge`, as("greenway"))).statusCode).toBe(200);
  });
});

describe("a complaint without an account", () => {
  it("waits unseen until the emailed link is followed, then reaches the body, and the link follows it", async () => {
    const browser = testBrowser(t.app);
    expect((await browser.get("/complaints/without-account")).statusCode).toBe(200);
    const sent = await browser.post("/complaints/without-account", {
      about: "authority",
      bodyId: COUNTY,
      regime: "council",
      actingAs: "public",
      name: "Robin Example",
      email: "robin@example.org",
      whatHappened: "The footpath on Church Road has been flooded since October.",
      "happenedOn-day": "1",
      "happenedOn-month": "12",
      "happenedOn-year": "2026",
      outcomeWanted: "The drain cleared.",
      consent: "yes",
    });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe("/complaints/without-account/sent");
    const row = await t.deps.db
      .selectFrom("complaints")
      .select(["id", "status"])
      .where("contact_email", "=", "robin@example.org")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("unverified");
    // The body does not see it yet; the email with its link is queued (the address is not in the job).
    expect((await call(t.app, "GET", one(row.id), as("officerA"))).statusCode).toBe(404);
    const jobs = await t.deps.db
      .selectFrom("jobs")
      .select("payload")
      .where("queue", "=", "redress.complainant-email")
      .execute();
    expect(JSON.stringify(jobs)).toContain(row.id);
    expect(JSON.stringify(jobs)).not.toContain("robin@example.org");
    const token = complaintToken(t.app.accountSecrets, row.id);
    // The job emails the link to the address given.
    const sentMail: { to: string; subject: string; text: string }[] = [];
    const handler = complainantEmailHandler({
      mailer: { send: async (m) => void sentMail.push(m as never), close: async () => {} },
      baseUrl: "https://openps.example",
      secrets: t.app.accountSecrets,
    });
    await handler(jobs.find((j) => JSON.stringify(j).includes(row.id))?.payload, {
      db: t.deps.db,
      clock: t.deps.clock,
      logger: console,
    } as never);
    expect(sentMail[0]?.to).toBe("robin@example.org");
    expect(sentMail[0]?.text).toContain(
      `https://openps.example/complaints/track?token=${encodeURIComponent(token)}`,
    );
    const track = `/complaints/track?token=${encodeURIComponent(token)}`;
    expect(mainText((await browser.get(track)).body)).toContain("Send the complaint");
    const confirmed = await browser.post("/complaints/track/confirm", { token });
    expect(confirmed.headers.location).toBe(`${track}&notice=made`);
    expect((await browser.get(track)).body).toContain("Waiting for the body");
    expect((await call(t.app, "POST", `${one(row.id)}/acknowledge`, as("officerA"))).statusCode).toBe(200);
    expect(mainText((await browser.get(track)).body)).toContain("Done on time");
    expect((await browser.post("/complaints/track/confirm", { token })).statusCode).toBe(409);
    expect(
      (await testBrowser(t.app).get("/complaints/track?token=not-the-link-at-all-000000")).statusCode,
    ).toBe(404);
    // No more than 3 such emails to one address in an hour.
    const again = () =>
      browser.post("/complaints/without-account", {
        about: "authority",
        bodyId: COUNTY,
        regime: "council",
        actingAs: "self",
        name: "Robin Example",
        email: "robin@example.org",
        whatHappened: "Still flooded.",
        "happenedOn-day": "1",
        "happenedOn-month": "12",
        "happenedOn-year": "2026",
        outcomeWanted: "The drain cleared.",
        consent: "yes",
      });
    expect((await again()).statusCode).toBe(303);
    expect((await again()).statusCode).toBe(303);
    expect((await again()).statusCode).toBe(429);
  });
});

describe("the demo data", () => {
  it("has one complaint per regime, at different stages, by Joan and Siân", async () => {
    const rows = await t.deps.db
      .selectFrom("complaints")
      .select(["regime", "stage", "status"])
      .where("created_at", "<", new Date("2026-11-21T00:00:00Z"))
      .where("complainant_id", "in", [users.citizen ?? "", DEMO_REPRESENTATIVE.id])
      .orderBy("regime")
      .execute();
    expect(rows).toEqual([
      { regime: "children-social-care", stage: 1, status: "open" },
      { regime: "council", stage: 1, status: "answered" },
      { regime: "housing", stage: 2, status: "open" },
      { regime: "nhs-adult-social-care", stage: 1, status: "open" },
    ]);
  });
});

describe("the pages", () => {
  it("are there for the right people, and the form says what is missing", async () => {
    const [c] = (await call(t.app, "GET", "/api/v1/me/complaints", as("citizen"))).json().complaints;
    const page = (url: string, who: string) =>
      t.app.inject({ method: "GET", url, headers: { cookie: as(who).cookie } });
    expect((await page("/complaints/new", "citizen")).statusCode).toBe(200);
    // From a provider's public profile: the form with the provider chosen.
    const profile = await t.app.inject({ method: "GET", url: `/organisations/${OTHER_ORG}` });
    expect(profile.body).toContain(`href="/complaints/new?organisation=${OTHER_ORG}"`);
    const chosen = await page(`/complaints/new?organisation=${OTHER_ORG}`, "citizen");
    expect(chosen.body).toMatch(new RegExp(`value="${OTHER_ORG}" selected`));
    const yours = await page("/complaints", "citizen");
    expect(mainText(yours.body)).toContain(c.reference);
    expect((await page(c.pageUrl, "citizen")).statusCode).toBe(200);
    const officers = await page("/authorities/westshire-county-council/complaints", "officerA");
    expect(officers.statusCode).toBe(200);
    expect((await page(`/organisations/${GREENWAY}/complaints`, "greenway")).statusCode).toBe(200);
    const theirs = (
      await call(t.app, "GET", `/api/v1/organisations/${GREENWAY}/complaints?filter=due`, as("greenway"))
    ).json().complaints[0];
    for (const form of ["", "/respond", "/extend", "/explain"])
      expect((await page(`${theirs.pageUrl}${form}`, "greenway")).statusCode, form).toBe(200);
    const empty = await postForm(t.app, as("citizen"), "/complaints/new", {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body).map(([href]) => href)).toContain("#consent");
  });
});

describe("the review's findings", () => {
  const answered = async (who: string) => {
    const made = await call(t.app, "POST", "/api/v1/complaints", as(who), councilComplaint);
    const id = made.json().id as string;
    await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerB"));
    await call(t.app, "POST", `${one(id)}/respond`, as("officerB"), {
      finding: "upheld",
      response: "Sorry.",
    });
    return id;
  };

  it("a representative keeps a complaint for a person only while they hold `complain` (1)", async () => {
    const joan = await t.deps.db
      .selectFrom("care_links")
      .select(["authority_id", "person_id"])
      .where("user_id", "=", users.citizen as string)
      .where("relationship", "=", "self")
      .executeTakeFirstOrThrow();
    const rep = await createUser(t.deps.db);
    users.rep = rep.id;
    sessions.rep = await sessionFor(t.app, users.rep, { twoFactor: true });
    const now = t.deps.clock.now();
    await t.deps.db
      .insertInto("care_links")
      .values({
        authority_id: joan.authority_id,
        id: newId(),
        person_id: joan.person_id,
        user_id: users.rep,
        relationship: "family",
        grants: ["complain"],
        created_at: now,
        updated_at: now,
        revoked_at: null,
        champion_id: null,
      })
      .execute();
    const made = await call(t.app, "POST", "/api/v1/complaints", as("rep"), {
      ...councilComplaint,
      actingAs: "person",
      personId: joan.person_id,
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    const mine = async () =>
      (await call(t.app, "GET", "/api/v1/me/complaints", as("rep")))
        .json()
        .complaints.map((c: { id: string }) => c.id);
    expect(await mine()).toContain(id);
    // The person sees the complaint made for them, but not the representative's contact details (2).
    const pageOf = (who: string) =>
      t.app.inject({ method: "GET", url: made.json().pageUrl, headers: { cookie: as(who).cookie } });
    expect((await pageOf("rep")).body).toContain(rep.email);
    const theirs = await pageOf("citizen");
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain(rep.email);
    await t.deps.db
      .updateTable("care_links")
      .set({ grants: ["see-plan"] })
      .where("user_id", "=", users.rep)
      .execute();
    expect((await call(t.app, "GET", one(id), as("rep"))).statusCode).toBe(404);
    expect(await mine()).not.toContain(id);
    expect(JSON.stringify((await call(t.app, "GET", "/api/v1/me/tasks", as("rep"))).json())).not.toContain(
      id,
    );
    // Nor is the former representative told of its steps; the person is.
    await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerB"));
    const told = async (who: string) =>
      JSON.stringify((await call(t.app, "GET", "/api/v1/inbox", as(who))).json()).includes(
        `has acknowledged your complaint ${made.json().reference}`,
      );
    expect(await told("rep")).toBe(false);
    expect(await told("citizen")).toBe(true);
    // The person themself still has it.
    expect((await call(t.app, "GET", one(id), as("citizen"))).statusCode).toBe(200);
    // And it is in the download of everything held about them (26), without the complainant's contact.
    const download = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${joan.authority_id}/care/people/${joan.person_id}/data`,
      as("citizen"),
    );
    const section = download.json().sections.find((x: { section: string }) => x.section === "complaints");
    expect(section.data.complaints.map((c: { reference: string }) => c.reference)).toContain(
      made.json().reference,
    );
    expect(JSON.stringify(section)).not.toContain(rep.email);
  });

  it("an officer complaining is the complainant, never the body, in their own complaint (5)", async () => {
    const made = await call(t.app, "POST", "/api/v1/complaints", as("officerA"), councilComplaint);
    const id = made.json().id;
    expect((await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerA"))).statusCode).toBe(403);
    expect((await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerB"))).statusCode).toBe(200);
  });

  it("two changes at once: the second sees the first (7)", async () => {
    const id = await answered("citizen");
    const codes = await Promise.all([
      call(t.app, "POST", `${one(id)}/next-stage`, as("citizen")),
      call(t.app, "POST", `${one(id)}/next-stage`, as("citizen")),
      call(t.app, "POST", `${one(id)}/accept`, as("citizen")),
    ]);
    expect(codes.map((r) => r.statusCode).sort()).toEqual([200, 409, 409]);
    const row = await t.deps.db
      .selectFrom("complaints")
      .select(["status", "stage", "next_due_on"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.status === "accepted" ? row.next_due_on : row.stage).toBe(
      row.status === "accepted" ? null : 2,
    );
  });

  it("refuses a page key made by hand with 400, and makes references of 12 characters (17, 18)", async () => {
    const bad = encodeKey(["not a date", "nor an id"]);
    const page = await call(
      t.app,
      "GET",
      `/api/v1/authorities/${COUNTY}/complaints?after=${bad}`,
      as("officerA"),
    );
    expect(page.statusCode).toBe(400);
    const refs = await t.deps.db
      .selectFrom("complaints")
      .select("reference")
      .where("created_at", ">", new Date("2026-12-01"))
      .execute();
    for (const r of refs) expect(r.reference).toMatch(/^C-[A-HJ-NP-Z2-9]{12}$/);
  });

  it("puts no words in the email jobs, and writes the email from the complaint when sending (3)", async () => {
    const jobs = await t.deps.db
      .selectFrom("jobs")
      .select("payload")
      .where("queue", "=", "redress.complainant-email")
      .execute();
    for (const j of jobs)
      for (const key of Object.keys(j.payload as object))
        expect(["authorityId", "complaintId", "event", "stage"]).toContain(key);
    const acknowledged = jobs.find((j) => (j.payload as { event: string }).event === "acknowledged");
    expect(acknowledged).toBeDefined();
    const sentMail: { to: string; subject: string; text: string }[] = [];
    await complainantEmailHandler({
      mailer: { send: async (m) => void sentMail.push(m as never), close: async () => {} },
      baseUrl: "https://openps.example",
      secrets: t.app.accountSecrets,
    })(acknowledged?.payload, { db: t.deps.db, clock: t.deps.clock, logger: console } as never);
    expect(sentMail[0]?.text).toContain("has acknowledged your complaint");
    expect(sentMail[0]?.text).toContain("wedi cydnabod eich cwyn");
  });

  it("tells the body a complaint waits on it, or its administrators when no one answers (8)", async () => {
    const inbox = async (who: string) =>
      JSON.stringify((await call(t.app, "GET", "/api/v1/inbox", as(who))).json());
    const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), councilComplaint);
    expect(await inbox("officerA")).toContain(`A complaint to answer: ${made.json().reference}`);
    users.nhsAdmin = (
      await createUser(t.deps.db, { grants: [{ role: "authority-admin", scopeId: DEMO_AUTHORITY.nhs }] })
    ).id;
    sessions.nhsAdmin = await sessionFor(t.app, users.nhsAdmin, { twoFactor: true });
    const orphan = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...councilComplaint,
      authorityId: DEMO_AUTHORITY.nhs,
      regime: "nhs-adult-social-care",
    });
    expect(orphan.statusCode).toBe(201);
    expect(await inbox("nhsAdmin")).toContain(`No one answers complaint ${orphan.json().reference}`);
  });

  it("keeps every extension with its reason, and a period as may be agreed moves only on the day agreed (9, 12)", async () => {
    const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), councilComplaint);
    const id = made.json().id;
    const ack = await call(t.app, "POST", `${one(id)}/acknowledge`, as("officerA"));
    const first = ack.json().stages[0].steps[1].dueOn as string;
    const plus = (days: number) => new Date(Date.parse(first) + days * 86400000).toISOString().slice(0, 10);
    for (const [to, reason] of [
      [plus(1), "Waiting for the crew's log."],
      [plus(2), "The crew's supervisor is away."],
    ])
      expect(
        (await call(t.app, "POST", `${one(id)}/extend`, as("officerA"), { toOn: to, reason })).statusCode,
      ).toBe(200);
    const c = (await call(t.app, "GET", one(id), as("citizen"))).json();
    expect(c.stages[0].extensions.map((e: { reason: string }) => e.reason)).toEqual([
      "Waiting for the crew's log.",
      "The crew's supervisor is away.",
    ]);
    const audit = await t.deps.db
      .selectFrom("audit_events")
      .select("changes")
      .where("entity_id", "=", id)
      .where("action", "=", "complaint.extended")
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => (a.changes as { extension: number }).extension)).toEqual([1, 2]);
    expect(JSON.stringify(audit)).not.toContain("crew");

    const nhs = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...councilComplaint,
      about: "organisation",
      organisationId: GREENWAY,
      regime: "nhs-adult-social-care",
    });
    const nid = nhs.json().id;
    await call(t.app, "POST", `${one(nid)}/acknowledge`, as("greenway"));
    const due = nhs.json().stages[0].steps[1].dueOn as string;
    const later = `${Number(due.slice(0, 4)) + 1}${due.slice(4)}`;
    const unagreed = await call(t.app, "POST", `${one(nid)}/extend`, as("greenway"), {
      toOn: later,
      reason: "Records from the hospital.",
    });
    expect(unagreed.statusCode).toBe(400);
    expect(unagreed.json().error.details).toContainEqual(expect.objectContaining({ field: "agreedOn" }));
    const agreed = await call(t.app, "POST", `${one(nid)}/extend`, as("greenway"), {
      toOn: later,
      reason: "Records from the hospital.",
      agreedOn: "2026-12-15",
    });
    expect(agreed.statusCode).toBe(200);
    expect(agreed.json().stages[0].extensions[0]).toMatchObject({ agreedOn: "2026-12-15", toOn: later });
  });

  it("lets a link never followed expire after 7 days, and the daily sweep deletes its complaint (4)", async () => {
    const browser = testBrowser(t.app);
    await browser.get("/complaints/without-account");
    const sent = await browser.post("/complaints/without-account", {
      about: "authority",
      bodyId: COUNTY,
      regime: "council",
      actingAs: "public",
      name: "Sam Example",
      email: "sam@example.org",
      whatHappened: "The streetlight outside number 4 has been out for a month.",
      "happenedOn-day": "1",
      "happenedOn-month": "12",
      "happenedOn-year": "2026",
      outcomeWanted: "The light fixed.",
      consent: "yes",
    });
    expect(sent.statusCode).toBe(303);
    const row = await t.deps.db
      .selectFrom("complaints")
      .select(["id"])
      .where("contact_email", "=", "sam@example.org")
      .executeTakeFirstOrThrow();
    const token = complaintToken(t.app.accountSecrets, row.id);
    clock().set(new Date("2026-12-23T10:00:00Z"));
    expect((await browser.post("/complaints/track/confirm", { token })).statusCode).toBe(404);
    expect(await sweepUnverifiedComplaints(t.deps.db, t.deps.clock)).toBeGreaterThanOrEqual(1);
    expect(
      await t.deps.db.selectFrom("complaints").select("id").where("id", "=", row.id).executeTakeFirst(),
    ).toBeUndefined();
    const next = await t.deps.db
      .selectFrom("jobs")
      .select("run_at")
      .where("queue", "=", "redress.unverified-sweep")
      .executeTakeFirstOrThrow();
    expect(next.run_at.toISOString()).toBe("2026-12-24T03:00:00.000Z");
  });

  it("a declined late complaint needs nothing more, and may go to the ombudsman (16); your list pages by key (19)", async () => {
    await signInAll();
    const late = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...councilComplaint,
      happenedOn: "2025-06-01",
    });
    const id = late.json().id;
    const declined = await call(t.app, "POST", `${one(id)}/late-decision`, as("officerA"), {
      decision: "declined",
      reason: "No reason was given for the delay.",
    });
    expect(declined.json().stages[0].steps[0].state).toBe("not-needed");
    expect(declined.json().ombudsman).toMatchObject({ ombudsman: "lgsco", readiness: "declined" });
    const mine = await call(t.app, "GET", "/api/v1/me/complaints", as("citizen"));
    expect(mine.json().next).toBeNull();
    const bad = await call(
      t.app,
      "GET",
      `/api/v1/me/complaints?after=${encodeKey(["x", "y"])}`,
      as("citizen"),
    );
    expect(bad.statusCode).toBe(400);
  });

  it("the body explains the delay once the 6 months have ended, before it responds (12)", async () => {
    const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      ...councilComplaint,
      about: "organisation",
      organisationId: GREENWAY,
      regime: "nhs-adult-social-care",
    });
    const id = made.json().id;
    await call(t.app, "POST", `${one(id)}/acknowledge`, as("greenway"));
    const early = await call(t.app, "POST", `${one(id)}/explain`, as("greenway"), { explanation: "Soon." });
    expect(early.statusCode).toBe(409);
    clock().set(new Date("2027-07-01T10:00:00Z"));
    await signInAll();
    const owed = await call(t.app, "GET", one(id), as("citizen"));
    expect(owed.json().stages[0].steps[1].state).toBe("explanation-owed");
    const explained = await call(t.app, "POST", `${one(id)}/explain`, as("greenway"), {
      explanation: "The hospital has not yet sent its records.",
    });
    expect(explained.statusCode).toBe(200);
    expect(explained.json().stages[0].explanation).toBe("The hospital has not yet sent its records.");
    expect(JSON.stringify((await call(t.app, "GET", "/api/v1/inbox", as("citizen"))).json())).toContain(
      "explains why your complaint",
    );
    // The response then needs no explanation of its own.
    const answered = await call(t.app, "POST", `${one(id)}/respond`, as("greenway"), {
      finding: "upheld",
      response: "The visits were late; we apologise.",
    });
    expect(answered.statusCode).toBe(200);
  });
});
