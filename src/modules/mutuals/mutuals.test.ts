/**
 * The spin-out path through its API and pages (one seeded app for the file): the demo's refusal
 * public with its reasons and its appeal's decision, and its overdue decision; proposing with a team of
 * the authority's staff; moving on only with the checklist done; the parent body's decision (reasons
 * required, who may decide, the team told); overdue at the period's edge; the right to provide made
 * from an employees' expression of interest; and a mutual's history on its profile.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import {
  createUser,
  postForm,
  postMultipart,
  sessionFor,
  type TestSession,
} from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHALLENGE } from "../../seed/demo/challenges.ts";
import { DEMO_SPINOUT } from "../../seed/demo/mutuals.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_SERVICE } from "../../seed/demo/services.ts";

const COUNTY = DEMO_AUTHORITY.county;
const SLUG = "westshire-county-council";
const api = `/api/v1/authorities/${COUNTY}/spin-outs`;
const pages = `/authorities/${SLUG}/spin-outs`;
const PRIYA = "019a0000-0000-7000-8000-00000000c004"; // commissioner
const EVAN = "019a0000-0000-7000-8000-00000000c005"; // evaluator, lead of the employees' EOI
const BEA = "019a0000-0000-7000-8000-00000000c006"; // bid opener
const ALAN = "019a0000-0000-7000-8000-00000000c007"; // authority administrator
const OLU = "019a0000-0000-7000-8000-00000000c002"; // a provider's administrator

let t: TestApp;
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;
const users: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  users.dana = (
    await createUser(t.deps.db, {
      grants: [{ role: "authority-admin", scopeId: COUNTY }],
      displayName: "Dana Admin",
    })
  ).id;
  users.libraryAdmin = (
    await createUser(t.deps.db, {
      grants: [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.librariesMutual }],
      displayName: "Lee Librarian",
    })
  ).id;
  users.sam = (
    await createUser(t.deps.db, {
      grants: [
        { role: "evaluator", scopeId: COUNTY },
        { role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust },
      ],
      displayName: "Sam Staff",
    })
  ).id;
  await signInEveryone();
});

/** Signs everyone in afresh (after the clock moves on more than a session lasts). */
async function signInEveryone() {
  for (const [who, id] of Object.entries({
    priya: PRIYA,
    evan: EVAN,
    bea: BEA,
    alan: ALAN,
    olu: OLU,
    ...users,
  }))
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
}

afterAll(async () => {
  await t?.close();
});

const welsh = (url: string, who?: string) =>
  t.app.inject({ url, headers: { cookie: `${who ? `${as(who).cookie}; ` : ""}lang=cy` } });
const propose = (who: string | undefined, body: Record<string, unknown>) =>
  call(t.app, "POST", api, who ? as(who) : undefined, {
    serviceId: DEMO_SERVICE.countyHomeCare,
    title: "A test spin-out",
    summary: "The team proposes a mutual.",
    memberIds: [],
    ...body,
  });
const tick = (who: string, id: string, item: string, done = true) =>
  call(t.app, "POST", `${api}/${id}/checklist/${item}`, as(who), { done });
const advance = (who: string, id: string) => call(t.app, "POST", `${api}/${id}/advance`, as(who));
const proposal = async (id: string, who?: string) =>
  (await call(t.app, "GET", `${api}/${id}`, who ? as(who) : undefined)).json();

/** A new proposal of `team` (the first proposes), taken to parent body approval with its case sent. */
async function atApproval(team: [string, string]): Promise<string> {
  const made = await propose(team[0], { memberIds: [users[team[1]] ?? idOf(team[1])] });
  expect(made.statusCode).toBe(201);
  const id = made.json().id as string;
  for (const item of ["idea-described", "service-users-asked"])
    expect((await tick(team[0], id, item)).statusCode).toBe(204);
  expect((await advance(team[0], id)).json()).toEqual({ stage: "business-case" });
  for (const item of ["business-case-written", "finances-modelled", "options-compared"])
    await tick(team[1], id, item);
  expect((await advance(team[1], id)).json()).toEqual({ stage: "parent-body-approval" });
  await tick(team[0], id, "case-sent-to-body");
  return id;
}
const idOf = (who: string) => ({ priya: PRIYA, evan: EVAN, bea: BEA, alan: ALAN })[who] as string;

describe("the demo's proposals", () => {
  it("shows a refusal publicly with its reasons and the adjudicator's decision on its appeal, without the team's names", async () => {
    const page = await t.app.inject({ url: `${pages}/${DEMO_SPINOUT.parksRefused}` });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("The authority refused this proposal on");
    expect(text).toContain("joint management agreement with Millbrook District Council");
    // The demo's appeal (src/seed/demo/appeals.ts), decided by the adjudicator.
    expect(text).toContain("The independent adjudicator decided the appeal");
    expect(text).toContain("2 of the authority's staff");
    expect(text).not.toContain("Evan Hughes");
    const json = await proposal(DEMO_SPINOUT.parksRefused);
    expect(json).toMatchObject({ stage: "parent-body-approval", team: [], teamSize: 2 });
    expect(json.decision).toMatchObject({ decision: "refused", appealable: true });
    // The team and the authority's editors see who is on it.
    expect(
      mainText(
        (
          await t.app.inject({
            url: `${pages}/${DEMO_SPINOUT.parksRefused}`,
            headers: { cookie: as("alan").cookie },
          })
        ).body,
      ),
    ).toContain("Evan Hughes");
    // In Welsh too.
    const cy = mainText((await welsh(`${pages}/${DEMO_SPINOUT.parksRefused}`)).body);
    expect(cy).toContain("Gwrthododd yr awdurdod y cynnig hwn");
    expect(cy).toContain("Penderfynodd y dyfarnwr annibynnol yr apêl");
  });

  it("lists the authority's proposals with their stage, and the decision overdue past the period", async () => {
    const list = await call(t.app, "GET", api, undefined);
    expect(list.json().decisionPeriodWorkingDays).toBe(30);
    const byId = new Map(list.json().proposals.map((p: { id: string }) => [p.id, p]));
    expect(byId.get(DEMO_SPINOUT.healthOverdue)).toMatchObject({
      stage: "parent-body-approval",
      overdue: true,
      decision: null,
    });
    expect(byId.get(DEMO_SPINOUT.parksRefused)).toMatchObject({ decision: "refused", overdue: false });
    expect(byId.get(DEMO_SPINOUT.homeCare)).toMatchObject({ stage: "business-case" });
    expect(byId.get(DEMO_SPINOUT.librariesTrading)).toMatchObject({ stage: "trading", decision: "approved" });
    const page = mainText((await t.app.inject({ url: pages })).body);
    expect(page).toContain("Westshire Community Health Visiting");
    expect(page).toContain("Decision overdue");
    expect(mainText((await welsh(pages)).body)).toContain("Penderfyniad yn hwyr");
  });
});

describe("proposing a spin-out", () => {
  it("takes a team of two or more of the authority's staff", async () => {
    expect((await propose(undefined, { memberIds: [EVAN] })).statusCode).toBe(401);
    const olu = await propose("olu", { memberIds: [EVAN] });
    expect([olu.statusCode, olu.json().error.message]).toEqual([
      403,
      "Only the authority's staff propose a spin-out of its services.",
    ]);
    const alone = await propose("priya", { memberIds: [] });
    expect(alone.statusCode).toBe(400);
    expect(alone.json().error.message).toContain("Choose at least one colleague for the team");
    const notStaff = await propose("priya", { memberIds: [OLU] });
    expect([notStaff.statusCode, notStaff.json().error.code]).toEqual([422, "not_staff"]);
    const otherService = await propose("priya", {
      memberIds: [EVAN],
      serviceId: "019a0000-0000-7000-8000-00000000d005",
    });
    expect(otherService.statusCode).toBe(400);
    const made = await propose("priya", { memberIds: [EVAN] });
    expect(made.statusCode).toBe(201);
    const json = await proposal(made.json().id, "priya");
    expect(json).toMatchObject({ stage: "idea", teamSize: 2, service: { id: DEMO_SERVICE.countyHomeCare } });
    expect(json.team.map((m: { name: string }) => m.name).sort()).toEqual(["Evan Hughes", "Priya Shah"]);
    expect(json.checklist).toEqual([
      { id: "team-of-two", kind: "fact", done: true },
      { id: "idea-described", kind: "ticked", done: false },
      { id: "service-users-asked", kind: "ticked", done: false },
    ]);
  });
});

describe("moving along the stages", () => {
  it("needs the stage's checklist done, naming each item missing; only the team ticks and moves on", async () => {
    const id = (await propose("priya", { memberIds: [EVAN] })).json().id;
    const early = await advance("priya", id);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.message).toBe(
      "Finish the stage's checklist first: 2 not done (idea-described, service-users-asked)",
    );
    expect((await tick("bea", id, "idea-described")).statusCode).toBe(403);
    expect((await advance("bea", id)).statusCode).toBe(403);
    expect((await tick("priya", id, "team-of-two")).statusCode).toBe(422);
    expect((await tick("priya", id, "ballot-held")).statusCode).toBe(409);
    expect((await tick("priya", id, "no-such-item")).statusCode).toBe(404);
    // Through the page's buttons, as the team would without JavaScript.
    const ticked = await postForm(t.app, as("evan"), `${pages}/${id}/checklist/idea-described`, {
      done: "yes",
    });
    expect([ticked.statusCode, ticked.headers.location]).toEqual([303, `${pages}/${id}?notice=ticked`]);
    expect((await advance("priya", id)).json().error.message).toContain("1 not done (service-users-asked)");
    await tick("priya", id, "service-users-asked");
    const page = mainText(
      (await t.app.inject({ url: `${pages}/${id}`, headers: { cookie: as("priya").cookie } })).body,
    );
    expect(page).toContain("Move to the next stage");
    const moved = await postForm(t.app, as("priya"), `${pages}/${id}/advance`, {});
    expect([moved.statusCode, moved.headers.location]).toEqual([303, `${pages}/${id}?notice=advanced`]);
    const json = await proposal(id);
    expect(json.stage).toBe("business-case");
    expect(json.stages[0].doneOn).toBe("2026-11-22");
    expect(json.missing).toEqual(["business-case-written", "finances-modelled", "options-compared"]);
    // A stage's owner is one of the team, its target a real date.
    const plan = (body: unknown) => call(t.app, "PUT", `${api}/${id}/stages/business-case`, as("evan"), body);
    expect((await plan({ ownerId: BEA })).statusCode).toBe(400);
    expect((await plan({ ownerId: EVAN, targetOn: "2027-02-28" })).statusCode).toBe(204);
    expect((await proposal(id)).stages[1]).toMatchObject({ ownerId: null, targetOn: "2027-02-28" });
    expect((await proposal(id, "evan")).stages[1]).toMatchObject({ ownerId: EVAN });
  });
});

describe("the parent body's decision", () => {
  it("needs reasons either way, from the authority's administrators not on the team, once; the team is told", async () => {
    const id = await atApproval(["priya", "dana"]);
    const decide = (who: string, body: unknown) =>
      call(t.app, "POST", `${api}/${id}/decision`, as(who), body);
    expect((await decide("priya", { decision: "approved", reasons: "Good." })).statusCode).toBe(403);
    const own = await decide("dana", { decision: "approved", reasons: "Good." });
    expect([own.statusCode, own.json().error.message]).toEqual([
      403,
      "You are on the proposal's team: another of the authority's administrators decides.",
    ]);
    const none = await decide("alan", { decision: "refused", reasons: "  " });
    expect([none.statusCode, none.json().error.details[0].field]).toEqual([400, "reasons"]);
    // The page's form: the same rule, the error beside its field.
    const form = await postForm(t.app, as("alan"), `${pages}/${id}/decision`, {
      decision: "approved",
      reasons: "",
    });
    expect(form.statusCode).toBe(400);
    expect(summaryErrors(form.body)[0]?.[0]).toBe("#reasons");
    // Before deciding, the advance waits for the decision.
    expect((await advance("priya", id)).json().error.message).toContain("body-approved");
    const done = await postForm(t.app, as("alan"), `${pages}/${id}/decision`, {
      decision: "approved",
      reasons: "The business case keeps the service whole.",
    });
    expect([done.statusCode, done.headers.location]).toEqual([303, `${pages}/${id}?notice=decided`]);
    expect((await decide("alan", { decision: "refused", reasons: "Changed our mind." })).statusCode).toBe(
      409,
    );
    for (const userId of [PRIYA, users.dana as string]) {
      const told = await t.deps.db
        .selectFrom("notifications")
        .select(["subject", "body", "link"])
        .where("user_id", "=", userId)
        .where("kind", "=", "mutuals.decision")
        .orderBy("created_at", "desc")
        .executeTakeFirstOrThrow();
      expect(told.subject).toBe("Westshire County Council approved your spin-out proposal");
      expect(told.body).toContain("The business case keeps the service whole.");
      expect(told.link).toBe(`${pages}/${id}`);
    }
    expect((await advance("priya", id)).json()).toEqual({ stage: "staff-engagement" });
    const audit = await t.deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toContain("mutuals.proposal-approved");
  });

  it("is overdue from the day after the published period's last working day", async () => {
    const clock = t.deps.clock as unknown as SettableClock;
    expect(
      (
        await call(t.app, "PUT", `/api/v1/authorities/${COUNTY}/spin-out-decision-period`, as("priya"), {
          workingDays: 5,
        })
      ).statusCode,
    ).toBe(403);
    const set = await call(
      t.app,
      "PUT",
      `/api/v1/authorities/${COUNTY}/spin-out-decision-period`,
      as("alan"),
      { workingDays: 5 },
    );
    expect(set.json()).toEqual({ workingDays: 5 });
    try {
      // Asked on Monday 23 November 2026: 5 working days end on Monday 30 November.
      clock.set(new Date("2026-11-23T10:00:00Z"));
      await signInEveryone();
      const id = await atApproval(["evan", "bea"]);
      expect((await proposal(id)).decision).toMatchObject({
        due: "2026-11-30",
        overdue: false,
        periodWorkingDays: 5,
      });
      clock.set(new Date("2026-11-30T23:59:00Z"));
      expect((await proposal(id)).decision.overdue).toBe(false);
      clock.set(new Date("2026-12-01T00:00:00Z"));
      expect((await proposal(id)).decision.overdue).toBe(true);
      expect(mainText((await t.app.inject({ url: `${pages}/${id}` })).body)).toContain("Decision overdue");
      // Deciding ends it.
      await signInEveryone();
      await call(t.app, "POST", `${api}/${id}/decision`, as("alan"), {
        decision: "refused",
        reasons: "Not now.",
      });
      expect((await proposal(id)).decision).toMatchObject({ overdue: false, decision: "refused" });
      expect((await advance("evan", id)).statusCode).toBe(409);
    } finally {
      clock.set(DEMO_SEEDED_AT);
      await signInEveryone();
      await call(t.app, "PUT", `/api/v1/authorities/${COUNTY}/spin-out-decision-period`, as("alan"), {
        workingDays: 30,
      });
    }
  });
});

describe("the right to provide", () => {
  it("is a proposal made from an employees' expression of interest by its lead, showing the body's answer period", async () => {
    const from = (who: string) =>
      propose(who, { serviceId: undefined, memberIds: [PRIYA], challengeId: DEMO_CHALLENGE.employees });
    expect((await from("bea")).statusCode).toBe(403);
    const made = await from("evan");
    expect(made.statusCode).toBe(201);
    const json = await proposal(made.json().id);
    expect(json.service.id).toBe(DEMO_SERVICE.countyParks);
    expect(json.rightToProvide).toMatchObject({
      challengeId: DEMO_CHALLENGE.employees,
      status: "submitted",
      decision: null,
    });
    expect(json.rightToProvide.answerDue).toMatch(/^2027-/);
    const page = mainText((await t.app.inject({ url: `${pages}/${made.json().id}` })).body);
    expect(page).toContain("Right to provide");
    expect(page).toContain("The authority must answer by");
    expect((await from("evan")).statusCode).toBe(409);
  });
});

describe("a mutual's history", () => {
  const profile = `/organisations/${DEMO_ORGANISATION.librariesMutual}`;

  it("is a panel on its profile: parent body, spin-out date, staff, contracts, ratings, survival and group", async () => {
    const text = mainText((await t.app.inject({ url: profile })).body);
    expect(text).toContain("History as a public service mutual");
    expect(text).toContain("Parent body Westshire County Council");
    expect(text).toContain("Staff transferred 85");
    expect(text).toContain("Status Trading");
    expect(text).toContain("Groups Millbrook Leisure Mutual");
    expect(mainText((await welsh(profile)).body)).toContain(
      "Hanes fel cwmni cydfuddiannol gwasanaeth cyhoeddus",
    );
    const h = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${DEMO_ORGANISATION.librariesMutual}/mutual-history`,
      undefined,
    );
    expect(h.json()).toMatchObject({
      parentBody: { id: COUNTY },
      staffTransferred: 85,
      survival: "trading",
      groups: [{ name: "Millbrook Leisure Mutual" }],
    });
    expect(typeof h.json().contractsWon).toBe("number");
    // An organisation that did not spin out through the platform has none.
    expect(
      mainText((await t.app.inject({ url: `/organisations/${DEMO_ORGANISATION.carersTrust}` })).body),
    ).not.toContain("History as a public service mutual");
    expect(
      (
        await call(
          t.app,
          "GET",
          `/api/v1/organisations/${DEMO_ORGANISATION.carersTrust}/mutual-history`,
          undefined,
        )
      ).statusCode,
    ).toBe(404);
  });

  it("records its survival by the mutual's administrators only", async () => {
    const survival = (who: string, body: unknown) =>
      call(t.app, "PUT", `${api}/${DEMO_SPINOUT.librariesTrading}/survival`, as(who), body);
    expect((await survival("priya", { survival: "merged", on: "2026-11-01" })).statusCode).toBe(403);
    expect((await survival("libraryAdmin", { survival: "merged", on: "2030-01-01" })).statusCode).toBe(400);
    expect((await survival("libraryAdmin", { survival: "merged", on: "2026-11-01" })).statusCode).toBe(204);
    expect(mainText((await t.app.inject({ url: profile })).body)).toContain(
      "Status Merged into a group (since 1 November 2026)",
    );
    expect((await survival("libraryAdmin", { survival: "trading", on: "2026-11-02" })).statusCode).toBe(204);
  });
});

describe("the team's forms on pages", () => {
  it("proposes from the service's page, choosing colleagues by name; plans a stage; records the staff and the organisation", async () => {
    const service = await t.app.inject({
      url: `/authorities/${SLUG}/services/${DEMO_SERVICE.countyHomeCare}`,
      headers: { cookie: as("priya").cookie },
    });
    const start = `${pages}/new?service=${DEMO_SERVICE.countyHomeCare}`;
    expect(service.body).toContain(start.replaceAll("&", "&amp;"));
    expect(mainText(service.body)).toContain("Propose a spin-out of this service");
    expect((await t.app.inject({ url: start, headers: { cookie: as("olu").cookie } })).statusCode).toBe(403);
    const form = await t.app.inject({ url: start, headers: { cookie: as("priya").cookie } });
    expect(form.statusCode).toBe(200);
    expect(mainText(form.body)).toContain("Evan Hughes");
    expect(mainText(form.body)).not.toContain("Priya Shah");
    expect(form.body).not.toContain(`value="${PRIYA}"`);
    const empty = await postForm(t.app, as("priya"), `${pages}/new`, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryErrors(empty.body).map(([href]) => href)).toEqual([
      "#title",
      "#summary",
      "#memberIds",
      "#serviceId",
    ]);
    const made = await postForm(t.app, as("priya"), `${pages}/new`, {
      serviceId: DEMO_SERVICE.countyHomeCare,
      title: "Home care as a mutual",
      summary: "The carers run the service they know.",
      memberIds: [users.sam as string],
    });
    expect(made.statusCode).toBe(303);
    const url = (made.headers.location as string).replace("?notice=proposed", "");
    const shown = mainText(
      (await t.app.inject({ url: made.headers.location as string, headers: { cookie: as("sam").cookie } }))
        .body,
    );
    expect(shown).toContain("The proposal is registered");
    expect(shown).toContain("Members Priya Shah, Sam Staff");

    // A stage's owner among the team, its target a real date.
    const plan = await t.app.inject({ url: `${url}/stages/idea`, headers: { cookie: as("sam").cookie } });
    expect(mainText(plan.body)).toContain("Sam Staff");
    const badDate = await postForm(t.app, as("sam"), `${url}/stages/idea`, {
      ownerId: users.sam as string,
      "targetOn-day": "31",
      "targetOn-month": "2",
      "targetOn-year": "2027",
    });
    expect([badDate.statusCode, summaryErrors(badDate.body)[0]?.[0]]).toEqual([400, "#targetOn-day"]);
    const planned = await postForm(t.app, as("sam"), `${url}/stages/idea`, {
      ownerId: users.sam as string,
      "targetOn-day": "31",
      "targetOn-month": "1",
      "targetOn-year": "2027",
    });
    expect(planned.headers.location).toBe(`${url}?notice=planned`);
    expect(mainText((await t.app.inject({ url, headers: { cookie: as("sam").cookie } })).body)).toContain(
      "(target 31 January 2027) · owner: Sam Staff",
    );

    // The staff transferred and the mutual's organisation: one Sam administers.
    const facts = await t.app.inject({ url: `${url}/facts`, headers: { cookie: as("sam").cookie } });
    expect(mainText(facts.body)).toContain("Millbrook Carers' Trust");
    expect(
      (await t.app.inject({ url: `${url}/facts`, headers: { cookie: as("bea").cookie } })).statusCode,
    ).toBe(403);
    const notANumber = await postForm(t.app, as("sam"), `${url}/facts`, { staffTransferred: "many" });
    expect([notANumber.statusCode, summaryErrors(notANumber.body)[0]?.[0]]).toEqual([
      400,
      "#staffTransferred",
    ]);
    const saved = await postForm(t.app, as("sam"), `${url}/facts`, {
      staffTransferred: "42",
      organisationId: DEMO_ORGANISATION.carersTrust,
    });
    expect(saved.headers.location).toBe(`${url}?notice=facts`);
    const after = mainText((await t.app.inject({ url })).body);
    expect(after).toContain("Staff transferred 42");
    expect(after).toContain("The mutual's organisation Millbrook Carers' Trust");
    // In Welsh.
    expect(mainText((await welsh(`${url}/facts`, "sam")).body)).toContain("Y staff a drosglwyddwyd");

    // A document of the stage it is at: for the team and the authority's administrators only.
    const none = await postMultipart(t.app, as("sam"), `${url}/documents`, {});
    expect([none.statusCode, summaryErrors(none.body)[0]?.[0]]).toEqual([400, "#document"]);
    const uploaded = await postMultipart(t.app, as("sam"), `${url}/documents`, {
      document: { filename: "idea note.pdf", type: "application/pdf", content: "%PDF-1.4\n%%EOF\n" },
    });
    expect(uploaded.headers.location).toBe(`${url}?notice=document#documents`);
    const seen = await t.app.inject({ url, headers: { cookie: as("alan").cookie } });
    expect(mainText(seen.body)).toContain("Documents Idea idea note.pdf – uploaded 22 November 2026");
    const href = /href="([^"]+\/documents\/[^"]+)"/.exec(seen.body)?.[1] as string;
    const file = await t.app.inject({ url: href, headers: { cookie: as("alan").cookie } });
    expect([file.statusCode, file.headers["content-type"], file.body]).toEqual([
      200,
      "application/pdf",
      "%PDF-1.4\n%%EOF\n",
    ]);
    expect((await t.app.inject({ url: href, headers: { cookie: as("bea").cookie } })).statusCode).toBe(403);
    expect(mainText((await t.app.inject({ url })).body)).not.toContain("idea note.pdf");
    const audit = await t.deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", url.split("/").at(-1) as string)
      .execute();
    expect(audit.map((a) => a.action)).toContain("mutuals.document-added");
  });

  it("lets the mutual's administrators record what became of it on a form", async () => {
    const url = `${pages}/${DEMO_SPINOUT.librariesTrading}`;
    expect(
      mainText((await t.app.inject({ url, headers: { cookie: as("libraryAdmin").cookie } })).body),
    ).toContain("Record what became of the mutual");
    const empty = await postForm(t.app, as("libraryAdmin"), `${url}/survival`, {});
    expect(summaryErrors(empty.body).map(([href]) => href)).toEqual(["#survival", "#on-day"]);
    const done = await postForm(t.app, as("libraryAdmin"), `${url}/survival`, {
      survival: "trading",
      "on-day": "3",
      "on-month": "11",
      "on-year": "2026",
    });
    expect(done.headers.location).toBe(`${url}?notice=survival`);
  });
});

describe("the decision period's page", () => {
  it("is for the authority's administrators, a whole number of working days", async () => {
    const url = `${pages}/decision-period`;
    expect((await t.app.inject({ url, headers: { cookie: as("priya").cookie } })).statusCode).toBe(403);
    const list = await t.app.inject({ url: pages, headers: { cookie: as("alan").cookie } });
    expect(mainText(list.body)).toContain("Change the period for deciding");
    const zero = await postForm(t.app, as("alan"), url, { workingDays: "0" });
    expect([zero.statusCode, summaryErrors(zero.body)[0]?.[0]]).toEqual([400, "#workingDays"]);
    const set = await postForm(t.app, as("alan"), url, { workingDays: "30" });
    expect(set.headers.location).toBe(`${pages}?notice=period`);
    expect(mainText((await welsh(url, "alan")).body)).toContain("Diwrnodau gwaith i benderfynu");
  });
});
