/**
 * Remedies to completion through HTTP (app.inject, one seeded app for the file), on decided cases
 * made by the test fixture: the council reports an apology and a payment (the amount checked), the
 * ombudsman returns one and confirms both, and the last confirmed closes the case; a provider's
 * remedy goes overdue — flagged on its list, told once by the daily sweep, published with no one's
 * personal data — and is reported on its page and confirmed in the ombudsman's work; who cannot
 * (the complainant, another provider, another ombudsman) gets 404, the other side 403.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession, userWithRole } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { flagOverdueRemedies } from "./remedies.service.ts";
import { decidedCase } from "./remedies.test-fixtures.ts";
import { tasksFor } from "./tasks.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const OMBUDSMAN = DEMO_AUTHORITY.ombudsman;
const GREENWAY = DEMO_CHOICE_MEMBERS.greenway;
const OTHER_ORG = "019a0000-0000-7000-8000-00000000b002";
const WHAT = "The day centre closed without notice and my mother was left without care for a week.";
const DESCRIPTION = "Apologise in writing to Mrs Ada Example for the week without care.";

let t: TestApp;
const users: Record<string, string> = {};
const sessions: Record<string, TestSession> = {};
const clock = () => t.deps.clock as unknown as SettableClock;
const as = (who: string) => sessions[who] as TestSession;
const remedy = (caseId: string, seq: number) =>
  `/api/v1/ombudsmen/${OMBUDSMAN}/cases/${caseId}/remedies/${seq}`;
const countyCase = { id: "", reference: "" };
/** The demo ombudsman's slug and name, as the demo data has them. */
const ombudsman = { slug: "", name: "" };
const greenwayCase = { id: "", reference: "" };

async function signInAll(): Promise<void> {
  for (const [who, id] of Object.entries(users))
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
}

async function noticesOf(userId: string): Promise<{ subject: string; link: string }[]> {
  return t.deps.db
    .selectFrom("notifications")
    .select(["subject", "link"])
    .where("user_id", "=", userId)
    .where("kind", "=", "remedy.progressed")
    .orderBy("created_at")
    .execute();
}

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = userWithRole.bind(null, t.deps.db);
  users.citizen = DEMO_USERS.find((u) => u.role === "citizen")?.id ?? "";
  users.officer = await make("complaints-officer", COUNTY);
  users.greenway = await make("organisation-admin", GREENWAY);
  users.otherProvider = await make("organisation-admin", OTHER_ORG);
  users.ombudsman = await make("ombudsman-staff", OMBUDSMAN);
  users.otherOmbudsman = await make("ombudsman-staff", DEMO_AUTHORITY.district);
  await signInAll();
  Object.assign(
    ombudsman,
    await t.deps.db
      .selectFrom("authorities")
      .select(["slug", "name"])
      .where("id", "=", OMBUDSMAN)
      .executeTakeFirstOrThrow(),
  );
  const complain = async (body: Record<string, unknown>) => {
    const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      actingAs: "self",
      whatHappened: WHAT,
      happenedOn: "2026-11-02",
      outcomeWanted: "An apology and the money back.",
      consent: true,
      ...body,
    });
    expect(made.statusCode).toBe(201);
    return { authorityId: made.json().authorityId as string, complaintId: made.json().id as string };
  };
  const council = await complain({ about: "authority", authorityId: COUNTY, regime: "council" });
  const provider = await complain({
    about: "organisation",
    organisationId: GREENWAY,
    authorityId: COUNTY,
    regime: "nhs-adult-social-care",
  });
  const a = await decidedCase(t.deps.db, t.deps.clock, {
    complaint: council,
    ombudsmanId: OMBUDSMAN,
    remedies: [
      { kind: "apology", dueOn: "2026-12-10", description: DESCRIPTION },
      { kind: "payment", dueOn: "2026-12-10", amountPence: 25000n },
    ],
  });
  Object.assign(countyCase, { id: a.caseId, reference: a.reference });
  const b = await decidedCase(t.deps.db, t.deps.clock, {
    complaint: provider,
    ombudsmanId: OMBUDSMAN,
    remedies: [{ kind: "action", dueOn: "2026-11-25", description: DESCRIPTION }],
  });
  Object.assign(greenwayCase, { id: b.caseId, reference: b.reference });
});

afterAll(async () => {
  await t?.close();
});

describe("a council's remedies", () => {
  it("are reported by its complaints officer alone, with evidence, a payment's amount checked", async () => {
    const apology = remedy(countyCase.id, 1);
    const report = { evidence: "Letter of apology sent on 24 November, ref. LGS/123.", doneOn: "2026-11-22" };
    for (const who of ["citizen", "otherProvider", "otherOmbudsman", "greenway"])
      expect((await call(t.app, "POST", `${apology}/report`, as(who), report)).statusCode, who).toBe(404);
    expect((await call(t.app, "POST", `${apology}/report`, as("ombudsman"), report)).statusCode).toBe(403);
    const empty = await call(t.app, "POST", `${apology}/report`, as("officer"), {
      evidence: " ",
      doneOn: "2026-11-23",
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.map((d: { field: string }) => d.field)).toEqual(["evidence", "doneOn"]);

    const payment = remedy(countyCase.id, 2);
    const short = await call(t.app, "POST", `${payment}/report`, as("officer"), {
      ...report,
      paid: "200.00",
    });
    expect(short.statusCode).toBe(422);
    expect(short.json().error).toMatchObject({ code: "amount_differs" });
    expect(short.json().error.message).toContain("£200.00");
    const paid = await call(t.app, "POST", `${payment}/report`, as("officer"), { ...report, paid: "£250" });
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({
      status: "reported",
      state: "reported",
      paidPence: "25000",
      doneOn: "2026-11-22",
    });

    const done = await call(t.app, "POST", `${apology}/report`, as("officer"), report);
    expect(done.statusCode).toBe(200);
    expect((await call(t.app, "POST", `${apology}/report`, as("officer"), report)).statusCode).toBe(409);
    // The ombudsman's staff are told, with a link to their page of the remedy.
    const told = await noticesOf(users.ombudsman as string);
    expect(told.map((n) => n.link)).toContain(
      `/authorities/${ombudsman.slug}/cases/${countyCase.id}/remedies/1`,
    );
    // On the county's chain and the ombudsman's, with none of anyone's words.
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select(["authority_id", "action", "changes"])
      .where("entity_type", "=", "ombudsman-remedy")
      .where("entity_id", "=", `${countyCase.id}/1`)
      .execute();
    expect(events.map((e) => e.authority_id).sort()).toEqual([COUNTY, OMBUDSMAN].sort());
    const text = JSON.stringify(events);
    for (const words of ["LGS/123", DESCRIPTION, WHAT]) expect(text).not.toContain(words);
  });

  it("are returned or confirmed by the ombudsman alone; the last confirmed closes the case", async () => {
    const apology = remedy(countyCase.id, 1);
    const payment = remedy(countyCase.id, 2);
    expect((await call(t.app, "POST", `${apology}/confirm`, as("otherOmbudsman"))).statusCode).toBe(404);
    expect((await call(t.app, "POST", `${apology}/confirm`, as("officer"))).statusCode).toBe(403);
    expect((await call(t.app, "POST", `${payment}/return`, as("ombudsman"), { reason: "" })).statusCode).toBe(
      400,
    );
    const returned = await call(t.app, "POST", `${payment}/return`, as("ombudsman"), {
      reason: "Send the bank's confirmation of the transfer.",
    });
    // The rejected report is cleared, why it came back kept.
    expect(returned.json()).toMatchObject({
      status: "due",
      returnedReason: "Send the bank's confirmation of the transfer.",
      evidence: "",
      doneOn: null,
      paidPence: null,
      reportedOn: null,
    });
    expect((await noticesOf(users.officer as string)).map((n) => n.subject)).toContain(
      `${ombudsman.name} returns remedy 2 of case ${countyCase.reference}`,
    );
    const confirmed = await call(t.app, "POST", `${apology}/confirm`, as("ombudsman"));
    expect(confirmed.json()).toMatchObject({ status: "confirmed", state: "confirmed" });
    const status = () =>
      t.deps.db
        .selectFrom("ombudsman_cases")
        .select(["status", "closed_on"])
        .where("id", "=", countyCase.id)
        .executeTakeFirstOrThrow();
    expect(await status()).toEqual({ status: "decided", closed_on: null });
    expect((await call(t.app, "POST", `${apology}/confirm`, as("ombudsman"))).statusCode).toBe(409);

    const again = await call(t.app, "POST", `${payment}/report`, as("officer"), {
      evidence: "Bank confirmation of the transfer, 25 November.",
      doneOn: "2026-11-22",
      paid: "250.00",
    });
    expect(again.statusCode).toBe(200);
    expect((await call(t.app, "POST", `${payment}/confirm`, as("ombudsman"))).statusCode).toBe(200);
    expect(await status()).toEqual({ status: "closed", closed_on: "2026-11-22" });
    // The complainant hears that everything ordered is done.
    const inbox = await t.deps.db
      .selectFrom("notifications")
      .select("subject")
      .where("user_id", "=", users.citizen as string)
      .where("kind", "=", "complaint.progressed")
      .execute();
    expect(inbox.map((n) => n.subject)).toContainEqual(
      expect.stringMatching(/^Every remedy for your complaint C-\w+ is done$/),
    );
    // Its officers find them from their complaints, listed as confirmed.
    const complaints = await t.app.inject({
      url: "/authorities/westshire-county-council/complaints",
      headers: { cookie: as("officer").cookie },
    });
    expect(complaints.body).toContain('href="/authorities/westshire-county-council/remedies"');
    const listed = await t.app.inject({
      url: "/authorities/westshire-county-council/remedies?filter=confirmed",
      headers: { cookie: as("officer").cookie },
    });
    expect(mainText(listed.body)).toContain(`${countyCase.reference} · 2`);
    // A closed case's remedies do not change.
    expect(
      (await call(t.app, "POST", `${payment}/return`, as("ombudsman"), { reason: "x" })).statusCode,
    ).toBe(409);
  });
});

describe("a provider's overdue remedy", () => {
  it("is flagged on the provider's list, told once by the daily sweep, and published without personal data", async () => {
    clock().set(new Date("2026-11-27T10:00:00Z"));
    await signInAll();
    const list = await call(
      t.app,
      "GET",
      `/api/v1/organisations/${GREENWAY}/remedies?filter=overdue`,
      as("greenway"),
    );
    expect(list.json().remedies).toEqual([
      expect.objectContaining({ caseId: greenwayCase.id, seq: 1, state: "overdue", daysOverdue: 2 }),
    ]);
    expect(
      (await call(t.app, "GET", `/api/v1/organisations/${GREENWAY}/remedies`, as("otherProvider")))
        .statusCode,
    ).toBe(403);
    // The ombudsman's staff's list of overdue remedies; no one else's.
    const ombudsmanList = `/api/v1/ombudsmen/${OMBUDSMAN}/overdue-remedies`;
    expect(
      (await call(t.app, "GET", ombudsmanList, as("ombudsman")))
        .json()
        .remedies.map((r: { caseId: string }) => r.caseId),
    ).toContain(greenwayCase.id);
    expect((await call(t.app, "GET", ombudsmanList, as("otherOmbudsman"))).statusCode).toBe(403);

    expect(await flagOverdueRemedies(t.deps.db, t.deps.clock)).toBeGreaterThanOrEqual(1);
    expect(await flagOverdueRemedies(t.deps.db, t.deps.clock)).toBe(0);
    const overdue = `Remedy 1 of case ${greenwayCase.reference} is overdue`;
    for (const who of ["greenway", "ombudsman"])
      expect(
        (await noticesOf(users[who] as string)).filter((n) => n.subject === overdue),
        who,
      ).toHaveLength(1);

    const published = await call(t.app, "GET", "/api/v1/complaints/overdue-remedies");
    expect(published.statusCode).toBe(200);
    const ours = (r: { caseReference: string }) => r.caseReference === greenwayCase.reference;
    expect(published.json().remedies.filter(ours)).toEqual([
      {
        body: "Greenway Home Care Ltd",
        ombudsman: ombudsman.name,
        caseReference: greenwayCase.reference,
        seq: 1,
        kind: "action",
        dueOn: "2026-11-25",
        daysOverdue: 2,
        amountPence: null,
      },
    ]);
    const page = await t.app.inject({ url: "/complaints/overdue-remedies" });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain(greenwayCase.reference);
    for (const personal of [WHAT, DESCRIPTION, "Ada Example", "Joan", "citizen@demo.openps.example"]) {
      expect(published.body).not.toContain(personal);
      expect(page.body).not.toContain(personal);
    }
  });

  it("is reported on the provider's page, then waits in the ombudsman's work to be confirmed or returned", async () => {
    const path = `/organisations/${GREENWAY}/remedies/${greenwayCase.id}/1`;
    expect(
      (await t.app.inject({ url: path, headers: { cookie: as("otherProvider").cookie } })).statusCode,
    ).toBe(404);
    const work = await tasksFor(
      ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, users.greenway as string)),
    );
    expect(work.todo.find((x) => x.kind === "complete-remedy")).toMatchObject({
      href: path,
      due: { day: "2026-11-25" },
    });
    const shown = await t.app.inject({ url: path, headers: { cookie: as("greenway").cookie } });
    expect(mainText(shown.body)).toContain("Overdue (2 days overdue)");
    const refused = await postForm(t.app, as("greenway"), path, {
      evidence: "",
      "doneOn-day": "30",
      "doneOn-month": "11",
      "doneOn-year": "2026",
    });
    expect(refused.statusCode).toBe(400);
    expect(summaryErrors(refused.body).map(([href]) => href)).toEqual(["#evidence", "#doneOn-day"]);
    const sent = await postForm(t.app, as("greenway"), path, {
      evidence: "New rota checked weekly by the manager; records attached.",
      "doneOn-day": "26",
      "doneOn-month": "11",
      "doneOn-year": "2026",
    });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`${path}?notice=reported`);

    const ombudsmanWork = await tasksFor(
      ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, users.ombudsman as string)),
    );
    const confirm = ombudsmanWork.todo.find((x) => x.kind === "confirm-remedy");
    expect(confirm?.href).toBe(`/authorities/${ombudsman.slug}/cases/${greenwayCase.id}/remedies/1`);
    const tasks = await t.app.inject({ url: "/tasks", headers: { cookie: as("ombudsman").cookie } });
    expect(mainText(tasks.body)).toContain(
      `Remedy 1 of case ${greenwayCase.reference}, reported done by Greenway Home Care Ltd on 27 November 2026: confirm it or return it`,
    );
    const page = await t.app.inject({
      url: confirm?.href ?? "",
      headers: { cookie: as("ombudsman").cookie },
    });
    expect(mainText(page.body)).toContain("Reported done late, waiting for the ombudsman");
    expect(mainText(page.body)).toContain("Confirm it is done");
    expect(
      (await t.app.inject({ url: confirm?.href ?? "", headers: { cookie: as("greenway").cookie } }))
        .statusCode,
    ).toBe(404);
    // The case's page leads to each remedy's.
    const casePage = await t.app.inject({
      url: `/authorities/${ombudsman.slug}/cases/${greenwayCase.id}`,
      headers: { cookie: as("ombudsman").cookie },
    });
    expect(casePage.body).toContain(`href="${confirm?.href}"`);
    const noReason = await postForm(t.app, as("ombudsman"), `${confirm?.href}/return`, { reason: "" });
    expect(noReason.statusCode).toBe(400);
    const done = await postForm(t.app, as("ombudsman"), `${confirm?.href}/confirm`, {});
    expect(done.headers.location).toBe(`${confirm?.href}?notice=confirmed`);
    // Confirmed, the published list no longer shows it.
    const after = (await call(t.app, "GET", "/api/v1/complaints/overdue-remedies")).json().remedies;
    expect(
      after.filter((r: { caseReference: string }) => r.caseReference === greenwayCase.reference),
    ).toEqual([]);
  });
});

describe("an ombudsman's case work", () => {
  it("holds a staff member's own open cases and the unassigned ones, not a colleague's", async () => {
    const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), {
      actingAs: "self",
      about: "authority",
      authorityId: COUNTY,
      regime: "council",
      whatHappened: WHAT,
      happenedOn: "2026-11-02",
      outcomeWanted: "An apology.",
      consent: true,
    });
    const k = await decidedCase(t.deps.db, t.deps.clock, {
      complaint: { authorityId: made.json().authorityId, complaintId: made.json().id },
      ombudsmanId: OMBUDSMAN,
      remedies: [],
    });
    const workOf = async (investigatorId: string | null) => {
      await t.deps.db
        .updateTable("ombudsman_cases")
        .set({
          status: "investigation",
          decided_on: null,
          finding: null,
          next_due_on: "2026-12-01",
          investigator_id: investigatorId,
        })
        .where("authority_id", "=", OMBUDSMAN)
        .where("id", "=", k.caseId)
        .execute();
      const work = await tasksFor(
        ctxFor(t.deps.db, t.deps.clock, await principalOf(t.deps.db, users.ombudsman as string)),
      );
      return work.todo.filter((x) => x.kind === "work-case").map((x) => x.about.id);
    };
    expect(await workOf(users.otherOmbudsman as string)).not.toContain(k.caseId);
    expect(await workOf(null)).toContain(k.caseId);
    expect(await workOf(users.ombudsman as string)).toContain(k.caseId);
  });
});
