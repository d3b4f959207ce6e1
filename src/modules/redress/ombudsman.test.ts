/**
 * The second tier through HTTP (app.inject, one seeded app for the file): escalation routed to each
 * of the three demo ombudsmen (a government department only with its MP; none for a kind no
 * ombudsman takes; none registered), early with a reason or refused, consent required, one case per
 * complaint; the time limit and the ombudsman's late reason; assessment and decline; a draft both
 * sides comment on until its day; the final decision with the scheme's findings and the remedies it
 * orders; who cannot see a case; no complainant's words in the case's audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor, type TestSession, testBrowser } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { complaintToken } from "./redress.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const GREENWAY = DEMO_CHOICE_MEMBERS.greenway;
const WHAT = "The library van stopped coming to our village in October without a word.";
const LGSCO_CASES = "/api/v1/ombudsmen/019a0000-0000-7000-8000-00000000a008/cases";

let t: TestApp;
const users: Record<string, string> = {};
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;
const complaint = (authorityId: string, id: string) => `/api/v1/authorities/${authorityId}/complaints/${id}`;
const kase = (ombudsmanId: string, id: string) => `/api/v1/ombudsmen/${ombudsmanId}/cases/${id}`;

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
  outcomeWanted: "The van back, and an apology.",
  consent: true,
};

async function make(body: Record<string, unknown>): Promise<{ id: string; authorityId: string }> {
  const made = await call(t.app, "POST", "/api/v1/complaints", as("citizen"), body);
  expect(made.statusCode).toBe(201);
  return made.json();
}

const escalate = (c: { id: string; authorityId: string }, body: Record<string, unknown>, who = "citizen") =>
  call(t.app, "POST", `${complaint(c.authorityId, c.id)}/escalate`, as(who), body);

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const staffOf = (id: string) =>
    DEMO_USERS.find((u) => u.role === "ombudsman-staff" && u.scopeId === id)?.id ?? "";
  users.citizen = DEMO_USERS.find((u) => u.role === "citizen")?.id ?? "";
  users.lgsco = staffOf(DEMO_AUTHORITY.ombudsman);
  users.phso = staffOf(DEMO_AUTHORITY.phso);
  users.housing = staffOf(DEMO_AUTHORITY.housingOmbudsman);
  const grant = async (role: string, scopeId?: string) =>
    (await createUser(t.deps.db, { grants: [{ role: role as never, ...(scopeId ? { scopeId } : {}) }] })).id;
  users.officer = await grant("complaints-officer", COUNTY);
  users.greenway = await grant("organisation-admin", GREENWAY);
  users.careStaff = await grant("care-staff", COUNTY);
  users.stranger = await grant("citizen");
  await signInAll();
});

afterAll(async () => {
  await t?.close();
});

describe("escalation", () => {
  const cases: Record<string, { id: string; authorityId: string }> = {};

  it("goes to the LGSCO, early only with a reason and consent, once", async () => {
    const c = await make(councilComplaint);
    cases.council = c;
    const early = await escalate(c, { fileConsent: true });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe("early_reason_needed");
    const noConsent = await escalate(c, { fileConsent: false, earlyReason: "The van is my only library." });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.json().error.details).toContainEqual(expect.objectContaining({ field: "fileConsent" }));
    const good = { fileConsent: true, earlyReason: "The council said it will not answer before March." };
    // A double click: one case, the other 409.
    const [a, b] = await Promise.all([escalate(c, good), escalate(c, good)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const made = (a.statusCode === 201 ? a : b).json();
    expect(made).toMatchObject({
      ombudsman: { id: DEMO_AUTHORITY.ombudsman },
      scheme: "lgsco",
      status: "assessment",
      inTime: true,
      earlyReason: good.earlyReason,
    });
    cases.lgsco = { id: made.id, authorityId: DEMO_AUTHORITY.ombudsman };
    const staffView = (await call(t.app, "GET", kase(DEMO_AUTHORITY.ombudsman, made.id), as("lgsco"))).json();
    // Assessed within 20 working days of Sunday 22 November 2026.
    expect(staffView.case).toMatchObject({ publicationConsent: false, nextDueOn: "2026-12-18" });
    // The sides read what the complaint's page shows (r1 #3): the early reason to the complainant only.
    const bodyView = (
      await call(t.app, "GET", `${complaint(c.authorityId, c.id)}/case`, as("officer"))
    ).json();
    expect(bodyView).toMatchObject({ reference: made.reference, status: "assessment" });
    for (const field of [
      "earlyReason",
      "inTime",
      "lateReason",
      "investigatorId",
      "publicationConsent",
      "nextDueOn",
    ])
      expect(bodyView, field).not.toHaveProperty(field);
    expect(made).not.toHaveProperty("investigatorId");
    const after = (await call(t.app, "GET", complaint(c.authorityId, c.id), as("citizen"))).json();
    expect(after).toMatchObject({ status: "escalated", nextDueOn: null });
    expect(JSON.stringify((await call(t.app, "GET", "/api/v1/inbox", as("lgsco"))).json())).toContain(
      `A case to assess: ${made.reference}`,
    );
    // A new case has no investigator: every staff member's inbox, no email to them all (r1 #2).
    const emailOf = (subject: string) =>
      t.deps.db.selectFrom("notifications").select("email_status").where("subject", "=", subject).execute();
    const toAssess = await emailOf(`A case to assess: ${made.reference}`);
    expect(toAssess.length).toBeGreaterThan(0);
    expect(toAssess.every((n) => n.email_status === "not-sent")).toBe(true);
    expect(JSON.stringify((await call(t.app, "GET", "/api/v1/inbox", as("citizen"))).json())).toContain(
      "has gone to the ombudsman",
    );
  });

  it("routes a government department to the PHSO only with its MP, and says when none is registered", async () => {
    const c = await make({ ...councilComplaint, authorityId: DEMO_AUTHORITY.department });
    const reason = {
      fileConsent: true,
      publicationConsent: true,
      earlyReason: "It has ignored three letters.",
    };
    const noMp = await escalate(c, reason);
    expect(noMp.statusCode).toBe(422);
    expect(noMp.json().error.code).toBe("mp_referral_needed");
    const row = await t.deps.db
      .deleteFrom("second_tier_bodies")
      .where("scheme", "=", "phso")
      .returningAll()
      .executeTakeFirstOrThrow();
    const none = await escalate(c, { ...reason, mpReferral: "A. Member MP" });
    expect(none.statusCode).toBe(409);
    expect(none.json().error.message).toContain("(phso) is not named on this platform yet");
    // The pages say so before any form (r1 #11), in Welsh too.
    const { slug } = await t.deps.db
      .selectFrom("authorities")
      .select("slug")
      .where("id", "=", DEMO_AUTHORITY.department)
      .executeTakeFirstOrThrow();
    const complaintUrl = `/authorities/${slug}/complaints/${c.id}`;
    for (const [url, lang, words] of [
      [complaintUrl, "en", "have not yet named the Parliamentary and Health Service Ombudsman"],
      [`${complaintUrl}/escalate`, "en", "have not yet named the Parliamentary and Health Service Ombudsman"],
      [`${complaintUrl}/escalate`, "cy", "wedi enwi’r Yr Ombwdsmon Seneddol a Gwasanaeth Iechyd"],
    ] as const) {
      const page = await t.app.inject({
        method: "GET",
        url,
        headers: { cookie: `${as("citizen").cookie}; lang=${lang}` },
      });
      expect(mainText(page.body), url).toContain(words);
      expect(page.body, url).not.toContain('name="fileConsent"');
      expect(page.body, url).not.toContain(`${complaintUrl}/escalate"`);
    }
    await t.deps.db.insertInto("second_tier_bodies").values(row).execute();
    const phso = await escalate(c, { ...reason, mpReferral: "A. Member MP" });
    expect(phso.statusCode).toBe(201);
    expect(phso.json()).toMatchObject({ scheme: "phso", ombudsman: { id: DEMO_AUTHORITY.phso } });
    cases.phso = { id: phso.json().id, authorityId: DEMO_AUTHORITY.phso };
  });

  it("routes a social landlord to the Housing Ombudsman, and a kind no ombudsman takes nowhere", async () => {
    const landlord = await make({
      ...councilComplaint,
      about: "organisation",
      organisationId: GREENWAY,
      regime: "housing",
    });
    const housing = await escalate(landlord, {
      fileConsent: true,
      earlyReason: "The damp is making us ill.",
    });
    expect(housing.statusCode).toBe(201);
    // Its time limit counts from the landlord's final response, still to come.
    expect(housing.json()).toMatchObject({
      scheme: "housing-ombudsman",
      timeLimitEndsOn: null,
      inTime: true,
    });
    cases.housing = { id: housing.json().id, authorityId: DEMO_AUTHORITY.housingOmbudsman };
    const nhsHousing = await make({
      ...councilComplaint,
      authorityId: DEMO_AUTHORITY.nhs,
      regime: "housing",
    });
    const nowhere = await escalate(nhsHousing, { fileConsent: true, earlyReason: "Because." });
    expect(nowhere.statusCode).toBe(409);
    expect(nowhere.json().error.code).toBe("no_ombudsman");
  });

  it("receives a complaint after the time limit, which the ombudsman accepts only with its reason", async () => {
    const c = await make({ ...councilComplaint, happenedOn: "2025-06-01" });
    const late = await escalate(c, { fileConsent: true, earlyReason: "The council will not look at it." });
    expect(late.json()).toMatchObject({ inTime: false, timeLimitEndsOn: "2026-06-01", status: "assessment" });
    const url = kase(DEMO_AUTHORITY.ombudsman, late.json().id);
    const bare = await call(t.app, "POST", `${url}/assess`, as("lgsco"), { decision: "accept" });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.details).toContainEqual(expect.objectContaining({ field: "lateReason" }));
    const accepted = await call(t.app, "POST", `${url}/assess`, as("lgsco"), {
      decision: "accept",
      lateReason: "The complainant was in hospital for most of the year.",
    });
    expect(accepted.json()).toMatchObject({
      status: "investigation",
      lateReason: expect.stringContaining("hospital"),
    });
  });

  it("casework: declined with a reason, or investigated, drafted, commented on by both sides and decided", async () => {
    // The PHSO declines the department's case; the complainant is told.
    const declined = await call(
      t.app,
      "POST",
      `${kase(DEMO_AUTHORITY.phso, cases.phso?.id ?? "")}/assess`,
      as("phso"),
      {
        decision: "decline",
        reason: "The department has not yet had the chance to answer.",
      },
    );
    expect(declined.json()).toMatchObject({ status: "declined", nextDueOn: null });
    expect(JSON.stringify((await call(t.app, "GET", "/api/v1/inbox", as("citizen"))).json())).toContain(
      "will not investigate your complaint",
    );

    const url = kase(DEMO_AUTHORITY.ombudsman, cases.lgsco?.id ?? "");
    const list = await call(t.app, "GET", `${LGSCO_CASES}?filter=assessment`, as("lgsco"));
    expect(list.json().cases.map((x: { id: string }) => x.id)).toContain(cases.lgsco?.id);
    // The first-tier file comes across.
    const read = await call(t.app, "GET", url, as("lgsco"));
    expect(read.json().complaint).toMatchObject({
      whatHappened: WHAT,
      stages: [expect.objectContaining({ stage: 1 })],
    });
    expect((await call(t.app, "POST", `${url}/assess`, as("lgsco"), { decision: "accept" })).statusCode).toBe(
      200,
    );
    expect((await call(t.app, "POST", `${url}/assess`, as("lgsco"), { decision: "accept" })).statusCode).toBe(
      409,
    );
    expect(
      (await call(t.app, "POST", `${url}/investigator`, as("lgsco"), { investigatorId: users.officer }))
        .statusCode,
    ).toBe(422);
    const assigned = await call(t.app, "POST", `${url}/investigator`, as("lgsco"), {
      investigatorId: users.lgsco,
    });
    expect(assigned.json().investigatorId).toBe(users.lgsco);
    const tooSoon = await call(t.app, "POST", `${url}/draft`, as("lgsco"), {
      draft: "We find fault.",
      commentsCloseOn: "2026-11-30",
    });
    expect(tooSoon.statusCode).toBe(400);
    const draft = await call(t.app, "POST", `${url}/draft`, as("lgsco"), {
      draft: "We are minded to find fault causing injustice.",
      commentsCloseOn: "2026-12-07",
    });
    // Decidable after comments close on 7 December; due 10 working days later (r1 #4).
    expect(draft.json()).toMatchObject({
      status: "draft",
      commentsCloseOn: "2026-12-07",
      nextDueOn: "2026-12-21",
    });
    const c = cases.council as { id: string; authorityId: string };
    const comment = (who: string, text: string) =>
      call(t.app, "POST", `${complaint(c.authorityId, c.id)}/case-comments`, as(who), { comment: text });
    expect((await comment("citizen", "The van has still not come back.")).statusCode).toBe(201);
    const fromBody = await comment("officer", "The route was cut in the budget.");
    // The investigator hears of comments by inbox and email, and no one else on the staff (r1 #2).
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["user_id", "email_status"])
      .where("subject", "like", "A comment on the draft decision of case %")
      .where("link", "like", `%${cases.lgsco?.id}`)
      .execute();
    expect(told.length).toBe(2);
    expect(told.every((n) => n.user_id === users.lgsco && n.email_status === "queued")).toBe(true);
    expect(fromBody.json().comments.map((m: { side: string }) => m.side)).toEqual(["complainant", "body"]);
    expect((await comment("stranger", "Me too.")).statusCode).toBe(404);
    expect((await comment("careStaff", "Me too.")).statusCode).toBe(404);
    const decision = {
      finding: "fault-injustice",
      decision: "The council cut the route without telling anyone.",
      remedies: [
        { kind: "apology", description: "Apologise in writing.", dueOn: "2027-01-08" },
        { kind: "payment", description: "For the time and trouble.", amount: "£250.50", dueOn: "2027-01-15" },
      ],
      publication: "withhold",
      withheldReason: "The complainant did not agree.",
    };
    const early = await call(t.app, "POST", `${url}/decision`, as("lgsco"), decision);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe("comments_open");

    (t.deps.clock as unknown as SettableClock).set(new Date("2026-12-08T10:00:00Z"));
    await signInAll();
    expect((await comment("citizen", "One more thing.")).statusCode).toBe(409);
    const housingFinding = await call(t.app, "POST", `${url}/decision`, as("lgsco"), {
      ...decision,
      finding: "maladministration",
    });
    expect(housingFinding.statusCode).toBe(422);
    expect(housingFinding.json().error.code).toBe("finding_not_of_scheme");
    const publish = await call(t.app, "POST", `${url}/decision`, as("lgsco"), {
      ...decision,
      publication: "publish",
      publishedSummary: "A council cut a library route.",
    });
    expect(publish.json().error.code).toBe("no_publication_consent");
    const named = await call(t.app, "POST", `${url}/decision`, as("lgsco"), {
      ...decision,
      publication: "publish",
      publishedSummary: "A council cut a library route; write to the resident at WS1 2AB.",
    });
    expect(named.statusCode).toBe(422);
    expect(named.json().error).toMatchObject({
      code: "personal_data",
      message: expect.stringContaining("a postcode"),
    });
    const decided = await call(t.app, "POST", `${url}/decision`, as("lgsco"), decision);
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({
      status: "decided",
      finding: "fault-injustice",
      // Next due: the earliest remedy not yet confirmed (r1 #4).
      nextDueOn: "2027-01-08",
      remedies: [
        { seq: 1, kind: "apology", amountPence: null, status: "due", dueOn: "2027-01-08" },
        { seq: 2, kind: "payment", amountPence: "25050", status: "due" },
      ],
    });
    const rows = await t.deps.db
      .selectFrom("ombudsman_remedies")
      .select(["body_authority_id", "body_organisation_id"])
      .where("case_id", "=", cases.lgsco?.id ?? "")
      .execute();
    expect(rows).toEqual([
      { body_authority_id: COUNTY, body_organisation_id: null },
      { body_authority_id: COUNTY, body_organisation_id: null },
    ]);
    const apology = `${url}/remedies/1`;
    const reported = await call(t.app, "POST", `${apology}/report`, as("officer"), {
      evidence: "The letter was posted.",
      doneOn: "2026-12-08",
    });
    expect(reported.statusCode).toBe(200);
    expect((await call(t.app, "POST", `${apology}/confirm`, as("lgsco"))).statusCode).toBe(200);
    expect((await call(t.app, "GET", url, as("lgsco"))).json().case.nextDueOn).toBe("2027-01-15");

    // Both sides see the decision and its remedies, through the API and on the complaint's page.
    const seen = await call(t.app, "GET", `${complaint(c.authorityId, c.id)}/case`, as("officer"));
    expect(seen.json()).toMatchObject({ status: "decided", remedies: [{ seq: 1 }, { seq: 2 }] });
    expect(
      (await call(t.app, "GET", `${complaint(c.authorityId, c.id)}/case`, as("stranger"))).statusCode,
    ).toBe(404);

    const pageUrl = `/authorities/westshire-county-council/complaints/${c.id}`;
    for (const who of ["citizen", "officer"]) {
      const page = await t.app.inject({ method: "GET", url: pageUrl, headers: { cookie: as(who).cookie } });
      expect(mainText(page.body), who).toContain("Fault causing injustice");
      expect(mainText(page.body), who).toContain("£250.50");
      expect(mainText(page.body), who).not.toContain("redress.");
    }
  });

  it("the Housing Ombudsman's findings; no remedies closes the case at once", async () => {
    const url = kase(DEMO_AUTHORITY.housingOmbudsman, cases.housing?.id ?? "");
    await call(t.app, "POST", `${url}/assess`, as("housing"), { decision: "accept" });
    await call(t.app, "POST", `${url}/draft`, as("housing"), {
      draft: "No fault found.",
      commentsCloseOn: "2026-12-23",
    });
    (t.deps.clock as unknown as SettableClock).set(new Date("2026-12-24T10:00:00Z"));
    await signInAll();
    // The form's row 1 left blank, row 2 wrong: the error names row 2 and links to its field (r1 #10).
    const { slug } = await t.deps.db
      .selectFrom("authorities")
      .select("slug")
      .where("id", "=", DEMO_AUTHORITY.housingOmbudsman)
      .executeTakeFirstOrThrow();
    const form = await t.app.inject({
      method: "POST",
      url: `/authorities/${slug}/cases/${cases.housing?.id}/decision`,
      headers: { cookie: as("housing").cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        _csrf: as("housing").csrfToken,
        finding: "maladministration",
        decision: "The landlord was slow.",
        publication: "withhold",
        withheldReason: "No consent.",
        remedy2Kind: "apology",
      }).toString(),
    });
    expect(form.statusCode).toBe(400);
    expect(summaryErrors(form.body)).toContainEqual([
      "#remedy2Description",
      "Describe remedy 2, in 5000 characters or fewer",
    ]);
    const lgscoFinding = await call(t.app, "POST", `${url}/decision`, as("housing"), {
      finding: "fault-injustice",
      decision: "x",
      publication: "withhold",
      withheldReason: "No consent.",
    });
    expect(lgscoFinding.statusCode).toBe(422);
    const closed = await call(t.app, "POST", `${url}/decision`, as("housing"), {
      finding: "no-maladministration",
      decision: "The landlord dealt with the damp properly.",
      publication: "withhold",
      withheldReason: "No consent.",
    });
    expect(closed.json()).toMatchObject({ status: "closed", closedOn: "2026-12-24", remedies: [] });
  });

  it("is seen by no one else: another ombudsman, the body's other people, other complainants", async () => {
    const url = kase(DEMO_AUTHORITY.ombudsman, cases.lgsco?.id ?? "");
    for (const who of ["phso", "housing", "officer", "careStaff", "stranger", "citizen"])
      expect((await call(t.app, "GET", url, as(who))).statusCode, who).toBe(404);
    expect((await call(t.app, "GET", LGSCO_CASES, as("phso"))).statusCode).toBe(403);
    const c = cases.council as { id: string; authorityId: string };
    for (const who of ["careStaff", "stranger", "lgsco"])
      expect((await call(t.app, "GET", complaint(c.authorityId, c.id), as(who))).statusCode, who).toBe(404);
    const page = (url: string, who: string) =>
      t.app.inject({ method: "GET", url, headers: { cookie: as(who).cookie } });
    const base = `/authorities/local-government-and-social-care-ombudsman/cases`;
    expect((await page(base, "lgsco")).statusCode).toBe(200);
    for (const form of ["", "/assess", "/investigator", "/draft", "/decision"]) {
      const shown = await page(`${base}/${cases.lgsco?.id}${form}`, "lgsco");
      expect(shown.statusCode, form).toBe(200);
      // Every text from the catalogue: no key shown for want of one.
      expect(mainText(shown.body), form).not.toContain("redress.");
    }
    // The investigator form names the staff, read in one query (r1 #18).
    const { display_name } = await t.deps.db
      .selectFrom("users")
      .select("display_name")
      .where("id", "=", users.lgsco ?? "")
      .executeTakeFirstOrThrow();
    expect(mainText((await page(`${base}/${cases.lgsco?.id}/investigator`, "lgsco")).body)).toContain(
      display_name,
    );
    expect((await page(`${base}/${cases.lgsco?.id}`, "phso")).statusCode).toBe(404);
    // The case's audit names no words of the complainant's, nor the comments.
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select(["changes", "action"])
      .where("entity_id", "=", cases.lgsco?.id ?? "")
      .execute();
    expect(events.map((e) => e.action)).toContain("ombudsman-case.decided");
    // (Its identifiers left out: a random one may hold the amount's digits.)
    const text = JSON.stringify(events).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      "<id>",
    );
    // Nor a payment's amount (r1 #20).
    for (const words of [WHAT, "The van has still not come back", "cut in the budget", "25050"])
      expect(text).not.toContain(words);
  });

  it("offers the complainant the way to the ombudsman on the complaint's page", async () => {
    const c = await make(councilComplaint);
    const complaintPage = await t.app.inject({
      method: "GET",
      url: `/authorities/westshire-county-council/complaints/${c.id}`,
      headers: { cookie: as("citizen").cookie },
    });
    expect(complaintPage.body).toContain(
      `href="/authorities/westshire-county-council/complaints/${c.id}/escalate"`,
    );
    const page = await t.app.inject({
      method: "GET",
      url: `/authorities/westshire-county-council/complaints/${c.id}/escalate`,
      headers: { cookie: as("citizen").cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("Local Government and Social Care Ombudsman");
  });

  it("takes a complaint made without an account to the ombudsman by its link", async () => {
    const browser = testBrowser(t.app);
    await browser.get("/complaints/without-account");
    await browser.post("/complaints/without-account", {
      about: "authority",
      bodyId: COUNTY,
      regime: "council",
      actingAs: "public",
      name: "Robin Example",
      email: "robin.ombudsman@example.org",
      whatHappened: "The bridleway sign has been missing since spring.",
      "happenedOn-day": "1",
      "happenedOn-month": "12",
      "happenedOn-year": "2026",
      outcomeWanted: "A new sign.",
      consent: "yes",
    });
    const row = await t.deps.db
      .selectFrom("complaints")
      .select("id")
      .where("contact_email", "=", "robin.ombudsman@example.org")
      .executeTakeFirstOrThrow();
    const token = complaintToken(t.app.accountSecrets, row.id);
    await browser.post("/complaints/track/confirm", { token });
    const form = await browser.get(`/complaints/track/escalate?token=${encodeURIComponent(token)}`);
    expect(mainText(form.body)).toContain("Why should the ombudsman look at it now?");
    const sent = await browser.post("/complaints/track/escalate", {
      token,
      fileConsent: "yes",
      publicationConsent: "yes",
      earlyReason: "Riders are getting lost.",
    });
    expect(sent.statusCode).toBe(303);
    const k = await t.deps.db
      .selectFrom("ombudsman_cases")
      .select(["scheme", "publication_consent", "escalated_by"])
      .where("complaint_id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(k).toEqual({ scheme: "lgsco", publication_consent: true, escalated_by: null });
  });

  it("takes a children's complaint to the ombudsman once the time to ask for stage 2 has passed (r1 #1)", async () => {
    const c = await make({ ...councilComplaint, regime: "children-social-care" });
    const url = complaint(c.authorityId, c.id);
    await call(t.app, "POST", `${url}/acknowledge`, as("officer"));
    const answered = await call(t.app, "POST", `${url}/respond`, as("officer"), {
      finding: "not-upheld",
      response: "The service was run as planned.",
    });
    expect(answered.json()).toMatchObject({ status: "answered", nextStageBy: "2027-01-26" });
    expect((await escalate(c, { fileConsent: true })).json().error.code).toBe("next_stage_first");
    (t.deps.clock as unknown as SettableClock).set(new Date("2027-01-27T10:00:00Z"));
    await signInAll();
    const page = await t.app.inject({
      method: "GET",
      url: `/authorities/westshire-county-council/complaints/${c.id}`,
      headers: { cookie: as("citizen").cookie },
    });
    expect(mainText(page.body)).toContain("The time to ask for the next stage ended on 26 January 2027");
    expect(page.body).toContain(`complaints/${c.id}/escalate"`);
    const sent = await escalate(c, { fileConsent: true });
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toMatchObject({ scheme: "lgsco", earlyReason: "" });
  });
});
