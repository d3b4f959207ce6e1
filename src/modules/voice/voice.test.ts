/**
 * Consumer champions on the demo data, through one seeded app: the public's pages (the index and
 * the public bodies' index naming Westshire Healthwatch with its areas, its page, the reports list
 * with its filters, a report in English and Welsh); the rules on the services — a champion asked for
 * and verified as any public body, its asker then acting for it alone (scope `champion`), the role's
 * old platform-wide grant refused, drafts seen by its people only, publishing once, corrections as
 * versions with a note (every version kept, and frozen in the database), withdrawal with a reason;
 * then a champion's person through the pages and the API. The parts run in this order, each
 * building on what the one before left.
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
import { mainText, summaryLinks } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import type { Db } from "../../db/database.ts";
import { encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { newId } from "../../lib/ids.ts";
import { addDays, addMonths, londonDate, londonInstant } from "../../lib/london-time.ts";
import { collect } from "../../lib/ports.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHAMPION_REPORT } from "../../seed/demo/champions.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { DEMO_ORGANISATION, DEMO_USERS } from "../../seed/demo/users.ts";
import type { Principal } from "../access/access.service.ts";
import { requestPublicBody, verifyPublicBody } from "../access/verification.service.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { peopleActedFor } from "../care/care.service.ts";
import { recordLink } from "../care/representatives.service.ts";
import { memberFeedback } from "../choice/choice.ports.ts";
import { addChampionArea, championsIndex, removeChampionArea } from "./champions.service.ts";
import {
  eraseExpiredFeedback,
  FEEDBACK_KEPT_MONTHS,
  FEEDBACK_RETENTION_QUEUE,
  FEEDBACK_SWEEP_QUEUE,
  feedbackFigures,
  heldFeedback,
  leaveFeedback,
  moderateFeedback,
  personalDataIn,
  queueFeedbackSweep,
  REDACTED,
  recentFeedback,
  replyToFeedback,
  sweepExpiredFeedback,
} from "./feedback.service.ts";
import {
  correctReport,
  editDraft,
  listReports,
  publishReport,
  reportView,
  withdrawReport,
  writeReport,
} from "./reports.service.ts";

const CHAMPION = DEMO_AUTHORITY.champion;
const BASE = `/champions/${CHAMPION}`;
const DEMO_CHAMPION_USER = DEMO_USERS.find((u) => u.role === "consumer-champion")?.id ?? "";
const PLATFORM_ADMIN = DEMO_USERS.find((u) => u.role === "platform-admin")?.id ?? "";

let t: TestApp;
let db: Db;
let session: TestSession;
let staff: Principal;
let admin: Principal;
let asker: Principal;
let newChampion: string;

const as = (p: Principal | null) => ctxFor(db, t.deps.clock, p);
const page = async (url: string, who?: TestSession) =>
  t.app.inject({ url, ...(who ? { headers: { cookie: who.cookie } } : {}) });
const draft = {
  title: "Respite care in Millbrook",
  summary: "What carers told us about short breaks.",
  body: "Carers told us that short breaks are hard to find.\n\nWe ask for more.",
  areaCode: DEMO_AREA.millbrook,
  serviceType: "residential-care",
};

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  db = t.deps.db;
  session = await sessionFor(t.app, DEMO_CHAMPION_USER, { twoFactor: true });
  staff = await principalOf(db, DEMO_CHAMPION_USER);
  admin = await principalOf(db, PLATFORM_ADMIN);
});

afterAll(async () => {
  await t?.close();
});

describe("the public's pages", () => {
  it("lists the verified champions with their areas, here and among the public bodies", async () => {
    const index = mainText((await page("/champions")).body);
    expect(index).toContain("Westshire Healthwatch Millbrook, Westshire, Westshire Vale");
    const bodies = await page("/authorities");
    expect(mainText(bodies.body)).toContain("Consumer champions");
    expect(bodies.body).toContain(`href="${BASE}"`);
  });

  it("shows a champion, and only a champion", async () => {
    const response = await page(BASE);
    expect(response.statusCode).toBe(200);
    expect(mainText(response.body)).toContain("Westshire Healthwatch is an independent consumer champion");
    expect(mainText(response.body)).not.toContain("Write a report");
    expect((await page(`/champions/${DEMO_AUTHORITY.regulator}`)).statusCode).toBe(404);
    expect((await page("/champions/not-an-id")).statusCode).toBe(404);
  });

  it("lists the reports with their filters, and refuses a filter it does not know", async () => {
    const list = mainText((await page("/champions/reports")).body);
    expect(list).toContain("1 report");
    expect(list).toContain("Home care in Westshire: what people told us");
    const none = mainText((await page(`/champions/reports?area=${DEMO_AREA.millbrook}`)).body);
    expect(none).toContain("No published reports match.");
    const wrong = await page(`/champions/reports?champion=${DEMO_AUTHORITY.county}`);
    expect(wrong.statusCode).toBe(400);
    expect(summaryLinks(wrong.body)).toEqual(["#champion"]);
  });

  it("shows a report in English and in Welsh", async () => {
    const url = `${BASE}/reports/${DEMO_CHAMPION_REPORT}`;
    const report = mainText((await page(url)).body);
    expect(report).toContain("Home care in Westshire: what people told us");
    expect(report).toContain("Domiciliary care");
    const welsh = await t.app.inject({ url, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Cyhoeddwyd");
  });
});

describe("champions, verified as public bodies", () => {
  beforeAll(async () => {
    const user = await createUser(db, { displayName: "Asks for a champion" });
    const body = await requestPublicBody(as(await principalOf(db, user.id)), {
      name: "Kelderby Carers Voice",
      slug: "kelderby-carers-voice",
      kind: "consumer-champion",
      nation: "england-and-wales",
    });
    newChampion = body.id;
    await verifyPublicBody(as(admin), newChampion);
    asker = await principalOf(db, user.id);
  });

  it("makes the person who asked its first consumer champion, acting for it alone", async () => {
    expect(asker.grants).toEqual([
      { role: "consumer-champion", scopeType: "champion", scopeId: newChampion },
    ]);
    expect(staff.grants).toEqual([{ role: "consumer-champion", scopeType: "champion", scopeId: CHAMPION }]);
    await addChampionArea(as(asker), newChampion, DEMO_AREA.kelderby);
    const index = await championsIndex(as(null));
    expect(index.map((c) => [c.body.name, c.areas.map((a) => a.code)])).toEqual([
      ["Kelderby Carers Voice", [DEMO_AREA.kelderby]],
      ["Westshire Healthwatch", [DEMO_AREA.millbrook, DEMO_AREA.westshire, DEMO_AREA.westshireVale]],
    ]);
  });

  it("refuses the consumer champion role for the whole platform", async () => {
    await expect(
      db
        .insertInto("role_grants")
        .values({
          id: newId(),
          user_id: DEMO_CHAMPION_USER,
          role: "consumer-champion",
          scope_type: "platform",
          scope_id: "00000000-0000-0000-0000-000000000000",
          granted_by: null,
          granted_at: t.deps.clock.now(),
        })
        .execute(),
    ).rejects.toThrow(/role_grants_champion_scope/);
  });

  it("lets a champion's people act for it and no other", async () => {
    expect((await refused(writeReport(as(asker), CHAMPION, draft))).name).toBe("ForbiddenError");
    expect((await refused(addChampionArea(as(staff), newChampion, DEMO_AREA.westshire))).name).toBe(
      "ForbiddenError",
    );
    expect((await refused(writeReport(as(null), CHAMPION, draft))).name).toBe("NotSignedInError");
    // An area it does not cover is refused.
    const elsewhere = await refused(
      writeReport(as(staff), CHAMPION, { ...draft, areaCode: DEMO_AREA.kelderby }),
    );
    expect(elsewhere.details.map((d) => d.field)).toEqual(["areaCode"]);
  });
});

describe("a champion's reports", () => {
  let reportId: string;

  it("keeps a draft to the champion's people, even from another champion's", async () => {
    const report = await writeReport(as(staff), CHAMPION, draft);
    reportId = report.id;
    expect(report.state).toBe("draft");
    for (const who of [null, asker]) {
      expect((await refused(reportView(as(who), CHAMPION, reportId))).name).toBe("NotFoundError");
      expect((await refused(publishReport(as(who), CHAMPION, reportId))).name).toBe(
        who ? "NotFoundError" : "NotSignedInError",
      );
    }
    await editDraft(as(staff), CHAMPION, reportId, { ...draft, title: "Short breaks in Millbrook" });
    expect((await reportView(as(staff), CHAMPION, reportId)).report.title).toBe("Short breaks in Millbrook");
  });

  it("publishes once: public then, and never changed but by a correction with its note", async () => {
    await publishReport(as(staff), CHAMPION, reportId);
    const view = await reportView(as(null), CHAMPION, reportId);
    expect([view.report.state, view.report.version, view.versions.length]).toEqual(["published", 1, 1]);
    expect((await refused(publishReport(as(staff), CHAMPION, reportId))).name).toBe("ConflictError");
    expect((await refused(editDraft(as(staff), CHAMPION, reportId, draft))).name).toBe("ConflictError");
    const noNote = await refused(correctReport(as(staff), CHAMPION, reportId, { ...draft, note: " " }));
    expect(noNote.details.map((d) => d.field)).toEqual(["note"]);
    await correctReport(as(staff), CHAMPION, reportId, {
      ...draft,
      title: "Short breaks in Millbrook",
      body: "Carers told us that short breaks are very hard to find.",
      note: "The second paragraph repeated the first.",
    });
    const corrected = await reportView(as(null), CHAMPION, reportId);
    expect(corrected.report.version).toBe(2);
    expect(corrected.versions.map((v) => [v.version, v.body.length > 0, v.note])).toEqual([
      [1, true, null],
      [2, true, "The second paragraph repeated the first."],
    ]);
    expect(corrected.versions[0]?.body).toBe(draft.body);
    // A published version is frozen in the database itself.
    await expect(
      db
        .updateTable("champion_report_versions")
        .set({ body: "Changed behind the service's back" })
        .where("report_id", "=", reportId)
        .execute(),
    ).rejects.toThrow(/never changed/);
  });

  it("lists published reports newest first, by champion and by area, a page at a time", async () => {
    const all = await listReports(as(null), { pageSize: 1 });
    expect(all.reports.map((r) => r.id)).toEqual([reportId]);
    expect(all.total).toEqual({ count: 2, atLeast: false });
    const next = await listReports(as(null), { pageSize: 1, after: all.next ?? "" });
    expect([next.reports.map((r) => r.id), next.next, next.previous !== null]).toEqual([
      [DEMO_CHAMPION_REPORT],
      null,
      true,
    ]);
    expect((await listReports(as(null), { area: DEMO_AREA.westshire })).reports.map((r) => r.id)).toEqual([
      DEMO_CHAMPION_REPORT,
    ]);
    expect((await listReports(as(null), { champion: newChampion })).reports).toEqual([]);
    expect((await refused(listReports(as(null), { after: "cut-short" }))).name).toBe("ValidationError");
  });

  it("keeps an area a report is about among those the champion covers", async () => {
    const kept = await refused(removeChampionArea(as(staff), CHAMPION, DEMO_AREA.millbrook));
    expect(kept.details.map((d) => d.field)).toEqual(["areaCode"]);
  });

  it("withdraws a published report with its reason, once, and corrects it no more", async () => {
    const short = await refused(withdrawReport(as(staff), CHAMPION, reportId, "Wrong"));
    expect(short.details.map((d) => d.field)).toEqual(["reason"]);
    expect((await refused(withdrawReport(as(asker), CHAMPION, reportId, "Not ours to withdraw"))).name).toBe(
      "ForbiddenError",
    );
    await withdrawReport(as(staff), CHAMPION, reportId, "The figures came from the wrong year.");
    const view = await reportView(as(null), CHAMPION, reportId);
    expect([view.report.state, view.report.withdrawal_reason]).toEqual([
      "withdrawn",
      "The figures came from the wrong year.",
    ]);
    expect(
      (await refused(withdrawReport(as(staff), CHAMPION, reportId, "Withdrawn again, twice"))).name,
    ).toBe("ConflictError");
    expect(
      (await refused(correctReport(as(staff), CHAMPION, reportId, { ...draft, note: "Too late" }))).name,
    ).toBe("ConflictError");
    expect((await listReports(as(null), {})).reports.map((r) => r.id)).toEqual([DEMO_CHAMPION_REPORT]);
  });
});

describe("a champion's person, through the pages", () => {
  let reportUrl = "";

  it("writes a draft, after the form's errors, that the public cannot see", async () => {
    const empty = await postForm(t.app, session, `${BASE}/reports/new`, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryLinks(empty.body)).toEqual(["#title", "#summary", "#body", "#areaCode"]);
    const sent = await postMultipart(t.app, session, `${BASE}/reports/new`, {
      title: "Day centres in Westshire Vale",
      summary: "Families told us about day centres.",
      body: "Day centres matter.\r\n\r\nThey are closing.",
      areaCode: DEMO_AREA.westshireVale,
      serviceType: "",
      document: { filename: "day-centres.pdf", type: "application/pdf", content: "%PDF-1.4\n%%EOF\n" },
    });
    expect(sent.statusCode).toBe(303);
    reportUrl = sent.headers.location as string;
    expect(mainText((await page(reportUrl, session)).body)).toContain(
      "Download the document: day-centres.pdf",
    );
    expect((await page(reportUrl)).statusCode).toBe(404);
    expect(mainText((await page(BASE, session)).body)).toContain("Day centres in Westshire Vale");
  });

  it("publishes it, corrects it with a note, and withdraws it with a reason", async () => {
    expect((await postForm(t.app, session, `${reportUrl}/publish`, {})).statusCode).toBe(303);
    // Each paragraph its own, whatever line endings the browser sent.
    expect((await page(reportUrl)).body).toContain('<p class="govuk-body">They are closing.</p>');
    const noNote = await postForm(t.app, session, `${reportUrl}/edit`, {
      title: "Day centres in Westshire Vale",
      summary: "Families told us about day centres.",
      body: "Day centres matter.\n\nTwo are closing.",
    });
    expect(summaryLinks(noNote.body)).toEqual(["#note"]);
    const corrected = await postForm(t.app, session, `${reportUrl}/edit`, {
      title: "Day centres in Westshire Vale",
      summary: "Families told us about day centres.",
      body: "Day centres matter.\n\nTwo are closing.",
      note: "Said how many are closing.",
    });
    expect(corrected.statusCode).toBe(303);
    const shown = mainText((await page(reportUrl)).body);
    expect(shown).toContain("Two are closing.");
    expect(shown).toContain("Said how many are closing.");
    const withdrawn = await postForm(t.app, session, `${reportUrl}/withdraw`, {
      reason: "Published before the families had agreed.",
    });
    expect(withdrawn.statusCode).toBe(303);
    expect(mainText((await page(reportUrl)).body)).toContain("Published before the families had agreed.");
    const edit = await page(`${reportUrl}/edit`, session);
    expect([edit.statusCode, edit.headers.location]).toEqual([303, reportUrl]);
  });

  it("records another area it covers", async () => {
    const added = await postForm(t.app, session, `${BASE}/areas`, { areaCode: DEMO_AREA.kelderby });
    expect(added.statusCode).toBe(303);
    const areas = (await call(t.app, "GET", `/api/v1/champions/${CHAMPION}`)).json().areas;
    expect(areas.map((a: { code: string }) => a.code)).toContain(DEMO_AREA.kelderby);
    const removed = await postForm(t.app, session, `${BASE}/areas/remove`, { areaCode: DEMO_AREA.kelderby });
    expect(removed.statusCode).toBe(303);
  });
});

describe("the API", () => {
  it("lists the champions and their reports a page at a time", async () => {
    const champions = (await call(t.app, "GET", "/api/v1/champions")).json();
    expect(champions.champions.map((c: { id: string }) => c.id)).toEqual([newChampion, CHAMPION]);
    const first = await call(t.app, "GET", `/api/v1/champion-reports?champion=${CHAMPION}&pageSize=1`);
    expect(first.statusCode).toBe(200);
    expect(first.json().reports.map((r: { id: string }) => r.id)).toEqual([DEMO_CHAMPION_REPORT]);
  });

  it("writes, publishes and corrects a report for the champion's people only", async () => {
    const body = {
      title: "Advocacy in Millbrook",
      summary: "Few people knew they could have an advocate.",
      body: "Few people knew.",
      areaCode: DEMO_AREA.millbrook,
      serviceType: null,
    };
    expect(
      (await call(t.app, "POST", `/api/v1/champions/${CHAMPION}/reports`, undefined, body)).statusCode,
    ).toBe(401);
    const pdf = Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64");
    const written = await call(t.app, "POST", `/api/v1/champions/${CHAMPION}/reports`, session, {
      ...body,
      document: { filename: "advocacy.pdf", contentBase64: pdf },
    });
    expect(written.statusCode).toBe(201);
    expect(written.json().document).toMatchObject({ filename: "advocacy.pdf", mediaType: "application/pdf" });
    const url = `/api/v1/champions/${CHAMPION}/reports/${written.json().id}`;
    expect((await call(t.app, "GET", url)).statusCode).toBe(404);
    expect((await call(t.app, "GET", `${url}/document`)).statusCode).toBe(404);
    const published = await call(t.app, "POST", `${url}/publish`, session);
    expect([published.statusCode, published.json().state, published.json().version]).toEqual([
      200,
      "published",
      1,
    ]);
    expect((await call(t.app, "POST", `${url}/publish`, session)).statusCode).toBe(409);
    const corrected = await call(t.app, "POST", `${url}/corrections`, session, {
      title: body.title,
      summary: body.summary,
      body: "Few people knew they could have one.",
      note: "Clearer.",
    });
    expect(corrected.statusCode).toBe(201);
    const document = await call(t.app, "GET", `${url}/document`);
    expect([document.statusCode, document.headers["content-type"], document.body]).toEqual([
      200,
      "application/pdf",
      "%PDF-1.4\n%%EOF\n",
    ]);
    expect(corrected.json().versions.map((v: { note: string | null }) => v.note)).toEqual([null, "Clearer."]);
    const list = (await call(t.app, "GET", `/api/v1/champion-reports?area=${DEMO_AREA.millbrook}`)).json();
    expect(list.reports.map((r: { title: string }) => r.title)).toEqual(["Advocacy in Millbrook"]);
  });
});

describe("the people who appointed a champion", () => {
  it("are listed by name to its people only, who may end an appointment (the person is told)", async () => {
    const people = await page(`${BASE}/people`, session);
    expect(people.statusCode).toBe(200);
    expect(mainText(people.body)).toContain("Joan Whitfield");
    expect(people.body).toContain('name="robots" content="noindex');
    const admin = await sessionFor(t.app, PLATFORM_ADMIN, { twoFactor: true });
    expect((await page(`${BASE}/people`, admin)).statusCode).toBe(403);
    expect((await page(`${BASE}/people`)).statusCode).toBe(303);
    const listed = await call(t.app, "GET", `/api/v1/champions/${CHAMPION}/appointments`, session);
    expect(listed.json().appointments).toEqual([
      expect.objectContaining({ name: "Joan Whitfield", grants: ["see-plan", "complain"] }),
    ]);
    expect((await call(t.app, "GET", `/api/v1/champions/${CHAMPION}/appointments`, admin)).statusCode).toBe(
      403,
    );

    const { id, personId } = listed.json().appointments[0];
    const ended = await postForm(t.app, session, `${BASE}/people/${id}/end`, {});
    expect(ended.statusCode).toBe(303);
    expect(mainText((await page(`${BASE}/people`, session)).body)).toContain("Nobody has appointed");
    expect((await page(`/care/people/${personId}`, session)).statusCode).toBe(404);
    const citizen = DEMO_USERS.find((u) => u.role === "citizen")?.id ?? "";
    const told = await db
      .selectFrom("notifications")
      .select("link")
      .where("user_id", "=", citizen)
      .where("kind", "=", "care.champion-ended")
      .execute();
    expect(told).toEqual([{ link: `/care/people/${personId}` }]);
    // Ended: not found again.
    expect((await postForm(t.app, session, `${BASE}/people/${id}/end`, {})).statusCode).toBe(404);
  });
});

describe("feedback beside the ratings", () => {
  const CIC = DEMO_ORGANISATION;
  let joan: Principal;
  let person: { authorityId: string; personId: string };
  const review = (organisationId: string, text = "Good, kind carers.") => ({
    organisationId,
    stars: 5,
    text,
    serviceType: "domiciliary-care",
    serviceMonth: t.deps.clock.now().toISOString().slice(0, 7),
  });

  beforeAll(async () => {
    joan = await principalOf(db, DEMO_USERS.find((u) => u.role === "citizen")?.id ?? "");
    const self = (await peopleActedFor(as(joan))).find((p) => p.how === "self");
    person = { authorityId: self?.authorityId ?? "", personId: self?.personId ?? "" };
  });

  it("lets a person review a provider their budget paid, and refuses one it did not, with the reason", async () => {
    const error = await refused(
      leaveFeedback(
        as(joan),
        person.authorityId,
        person.personId,
        review(DEMO_CHOICE_MEMBERS.kelderbyStreetCare),
      ),
    );
    expect(error.code).toBe("not_paid");
    expect(error.message).toContain("paid from this personal budget");
    // The demo seed paid Greenway from Joan's direct payment: her review replaces the one held.
    const { review: done, heldFor } = await leaveFeedback(
      as(joan),
      person.authorityId,
      person.personId,
      review(DEMO_CHOICE_MEMBERS.greenway),
    );
    expect([done.state, done.version, heldFor]).toEqual(["published", 2, ""]);
  });

  it("lets a representative with give-feedback alone leave feedback (no sight of the plan needed)", async () => {
    const friend = await createUser(db, { displayName: "Friend, gives feedback only" });
    await recordLink(
      { db, clock: t.deps.clock, principal: null, actor: SYSTEM("test") },
      { ...person, userId: friend.id, relationship: "family", grants: ["give-feedback"] },
    );
    const { review: left } = await leaveFeedback(
      as(await principalOf(db, friend.id)),
      person.authorityId,
      person.personId,
      review(DEMO_CHOICE_MEMBERS.greenway),
    );
    expect(left.organisation_id).toBe(DEMO_CHOICE_MEMBERS.greenway);
  });

  it("refuses a representative the person did not give give-feedback (403)", async () => {
    const family = await createUser(db, { displayName: "Family, sees the plan" });
    await recordLink(
      { db, clock: t.deps.clock, principal: null, actor: SYSTEM("test") },
      { ...person, userId: family.id, relationship: "family", grants: ["see-plan"] },
    );
    const error = await refused(
      leaveFeedback(as(await principalOf(db, family.id)), person.authorityId, person.personId, review(CIC)),
    );
    expect(error.code).toBe("forbidden");
  });

  it("holds a phone number for moderation; the moderator's edit keeps the reason, the text before redacted", async () => {
    const [row] = await db
      .selectFrom("feedback_reviews")
      .selectAll()
      .where("organisation_id", "=", CIC)
      .execute();
    expect(row?.text).not.toContain("07700");
    expect(row?.moderation_reason).toBe("Personal data removed: a phone number.");
    const versions = await db
      .selectFrom("feedback_versions")
      .selectAll()
      .where("review_id", "=", row?.id ?? "")
      .orderBy("seq")
      .execute();
    expect(versions.map((v) => v.kind)).toEqual(["review", "moderation", "reply"]);
    // What the moderator removed is held nowhere: the person's first text redacted with the edit.
    expect(versions.map((v) => v.text).join(" ")).not.toContain("07700");
    expect([versions[0]?.text, versions[0]?.redacted_at]).toEqual([REDACTED, expect.any(Date)]);
    expect(versions[1]?.text).toBe(row?.text);
    expect(personalDataIn("write to me at a@b.org or WS1 2AB")).toBe("an email address, a postcode");
  });

  it("lets the provider's people reply (a change a new version), and no one else", async () => {
    const [row] = await db
      .selectFrom("feedback_reviews")
      .select("id")
      .where("organisation_id", "=", CIC)
      .execute();
    const provider = await principalOf(db, DEMO_USERS.find((u) => u.role === "organisation-admin")?.id ?? "");
    const changed = await replyToFeedback(
      as(provider),
      CIC,
      row?.id ?? "",
      "Thank you: we have told the team.",
    );
    expect(changed.reply_version).toBe(2);
    expect((await refused(replyToFeedback(as(joan), CIC, row?.id ?? "", "Me too"))).code).toBe("forbidden");
  });

  it("shows it on the profile, its page and through the port, the person never named; figures suppressed", async () => {
    const profile = mainText((await page(`/organisations/${CIC}`)).body);
    expect(profile).toContain("Feedback from people who use this provider");
    expect(profile).toContain("not the regulator's rating");
    expect(profile).toContain("A person using domiciliary care (care at home) in Westshire");
    const list = mainText((await page(`/organisations/${CIC}/feedback`)).body);
    expect(list).toContain("Thank you: we have told the team.");
    expect(list).toContain("fewer than 10 reviews");
    for (const text of [profile, list]) expect(text).not.toContain("Joan");
    const [summary] = (await collect(memberFeedback, as(null), [CIC])).flat();
    expect(summary).toMatchObject({ organisationId: CIC, reviews: 1, averageStars: 4 });
    expect(await feedbackFigures(as(null), CIC)).toEqual([
      { serviceType: "domiciliary-care", reviews: null, ratings: null },
    ]);
    expect((await page("/feedback/policy")).statusCode).toBe(200);
  });

  it("takes a review through the person's form: the errors, then the review published", async () => {
    const joanSession = await sessionFor(t.app, joan.userId);
    const url = `/care/people/${person.personId}/feedback/new`;
    // Her page links to the form for each provider her budget paid, and for no other.
    const own = (await page(`/care/people/${person.personId}`, joanSession)).body;
    expect(mainText(own)).toContain("Leave feedback on Greenway Home Care Ltd");
    for (const paid of [CIC, DEMO_CHOICE_MEMBERS.greenway])
      expect(own).toContain(`${url}?organisation=${paid}`);
    expect(own).not.toContain(`${url}?organisation=${DEMO_CHOICE_MEMBERS.kelderbyStreetCare}`);
    const welsh = await t.app.inject({
      url: `/care/people/${person.personId}`,
      headers: { cookie: `${joanSession.cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("Rhoi adborth ar Greenway Home Care Ltd");
    const form = (await page(`${url}?organisation=${DEMO_CHOICE_MEMBERS.greenway}`, joanSession)).body;
    expect(mainText(form)).toContain("How would you rate the service?");
    // The providers her budget paid are offered by name, the one she came for chosen; no other.
    expect(form).toMatch(
      new RegExp(`<option value="${DEMO_CHOICE_MEMBERS.greenway}" selected>Greenway Home Care Ltd`),
    );
    expect(form).toContain(`<option value="${CIC}"`);
    expect(form).not.toContain(DEMO_CHOICE_MEMBERS.kelderbyStreetCare);
    const empty = await postForm(t.app, joanSession, url, {});
    expect(empty.statusCode).toBe(400);
    expect(summaryLinks(empty.body)).toContain("#stars");
    const sent = await postForm(t.app, joanSession, url, {
      ...review(CIC, "Reliable and kind."),
      stars: "5",
    });
    expect(sent.headers.location).toBe(`/organisations/${CIC}/feedback`);
    // The provider's reply stays, as a reply to the earlier version, and its people are told.
    const shown = mainText((await page(`/organisations/${CIC}/feedback`)).body);
    expect(shown).toContain("Reliable and kind.");
    expect(shown).toContain("This reply was to an earlier version of this review.");
    expect(shown).toContain("Thank you: we have told the team.");
    const api = (await page(`/api/v1/organisations/${CIC}/feedback`)).json();
    expect(api.reviews[0]).toMatchObject({ text: "Reliable and kind.", replyToEarlierVersion: true });
    const provider = DEMO_USERS.find((u) => u.role === "organisation-admin")?.id ?? "";
    const told = await db
      .selectFrom("notifications")
      .select("subject")
      .where("user_id", "=", provider)
      .where("subject", "=", "A review you replied to has changed")
      .execute();
    expect(told).toHaveLength(1);
  });

  it("takes a held review through the moderators' pages: the queue, a refusal without a reason, a part edited out", async () => {
    const greenway = DEMO_CHOICE_MEMBERS.greenway;
    const { review: held } = await leaveFeedback(
      as(joan),
      person.authorityId,
      person.personId,
      review(greenway, "Kind carers; visit me at WS1 2AB to see."),
    );
    expect(held.state).toBe("held");
    const moderator = await sessionFor(t.app, PLATFORM_ADMIN, { twoFactor: true });
    const queue = mainText((await page("/feedback/moderation", moderator)).body);
    expect(queue).toContain("visit me at WS1 2AB");
    expect(queue).toContain("Held because the check found a postcode.");
    expect(queue).not.toContain("Joan");
    const welsh = await t.app.inject({
      url: "/feedback/moderation",
      headers: { cookie: `${moderator.cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("Adolygiadau a ddaliwyd i’w cymedroli");
    expect((await page("/feedback/moderation", await sessionFor(t.app, joan.userId))).statusCode).toBe(403);

    const url = `/feedback/moderation/${held.id}`;
    expect(mainText((await page(url, moderator)).body)).toContain("What do you decide?");
    const noReason = await postForm(t.app, moderator, url, {
      decision: "reject",
      text: held.text,
      reason: "",
    });
    expect(noReason.statusCode).toBe(400);
    expect(summaryLinks(noReason.body)).toEqual(["#reason"]);
    expect(summaryLinks((await postForm(t.app, moderator, url, {})).body)).toEqual(["#decision"]);
    const edited = await postForm(t.app, moderator, url, {
      decision: "edit",
      text: "Kind carers.",
      removed: "personal-data",
      reason: "Personal data removed: a postcode.",
    });
    expect([edited.statusCode, edited.headers.location]).toEqual([303, "/feedback/moderation"]);
    expect(mainText((await page("/feedback/moderation", moderator)).body)).not.toContain("WS1 2AB");
    const shown = mainText((await page(`/organisations/${greenway}/feedback`)).body);
    expect(shown).toContain("Kind carers.");
    expect(shown).toContain("A moderator removed a part of this review");
    // Every earlier text of the review with the postcode is redacted in the same transaction.
    const versions = await db
      .selectFrom("feedback_versions")
      .select(["text", "redacted_at"])
      .where("review_id", "=", held.id)
      .execute();
    expect(versions.map((v) => v.text).join(" ")).not.toContain("WS1");
    expect(versions.filter((v) => v.redacted_at !== null).length).toBe(versions.length - 1);
  });

  it("pages the moderators' queue and their list of published reviews by key; the account page links to it", async () => {
    expect((await heldFeedback(as(admin))).reviews).toEqual([]);
    const first = await recentFeedback(as(admin), undefined, 1);
    expect(first.reviews).toHaveLength(1);
    const second = await recentFeedback(as(admin), first.next ?? "", 1);
    expect(second.reviews[0]?.id).not.toBe(first.reviews[0]?.id);
    expect((await refused(recentFeedback(as(joan)))).code).toBe("forbidden");
    // A key made by hand (a date, then not an id) is refused with 400, never sent to the database.
    const badKey = encodeKey([new Date().toISOString(), "not-a-uuid"]);
    expect((await refused(recentFeedback(as(admin), badKey))).code).toBe("validation_failed");
    expect((await page(`/api/v1/organisations/${CIC}/feedback?after=${badKey}`)).statusCode).toBe(400);
    const moderator = await sessionFor(t.app, PLATFORM_ADMIN, { twoFactor: true });
    const list = await page("/feedback/moderation/published", moderator);
    expect(mainText(list.body)).toContain("Published reviews");
    expect(list.body).toContain(`href="/feedback/moderation/${first.reviews[0]?.id}"`);
    expect(mainText(list.body)).not.toContain("Joan");
    expect(
      (await page("/feedback/moderation/published", await sessionFor(t.app, joan.userId))).statusCode,
    ).toBe(403);
    expect((await page("/account", moderator)).body).toContain('href="/feedback/moderation"');
  });

  it("shows users' feedback beside the regulator's rating in Find a service and on a location's page", async () => {
    const greenway = DEMO_CHOICE_MEMBERS.greenway;
    const found = await page("/regulation/find?serviceType=domiciliary-care");
    const text = mainText(found.body);
    expect(text).toContain("Users' own feedback, not the regulator's rating:");
    expect(found.body).toContain(`href="/organisations/${greenway}/feedback"`);
    const location = found.body.match(/href="(\/regulators\/[^"]+\/locations\/[^"]+)">Greenway/)?.[1] ?? "";
    const own = await page(location);
    expect(mainText(own.body)).toContain("Users' own feedback, not the regulator's rating: 1 published");
    const welsh = await t.app.inject({ url: location, headers: { cookie: "lang=cy" } });
    expect(mainText(welsh.body)).toContain("Adborth y defnyddwyr eu hunain, nid sgôr y rheoleiddiwr:");
  });

  it("publishes the figures as open data, suppressed below 10, never a person", async () => {
    const csv = (await page("/open-data/feedback.csv")).body;
    expect(csv.split("\n")[0]).toBe(
      "provider_id,service_type,reviews,suppressed,stars_1,stars_2,stars_3,stars_4,stars_5",
    );
    const { rows } = (await page("/open-data/feedback.json")).json() as { rows: Record<string, unknown>[] };
    expect(rows).toContainEqual({
      provider_id: CIC,
      service_type: "domiciliary-care",
      reviews: null,
      suppressed: true,
      stars_1: null,
      stars_2: null,
      stars_3: null,
      stars_4: null,
      stars_5: null,
    });
    expect(JSON.stringify(rows)).not.toMatch(/Joan|Reliable/);
  });

  it("takes the provider's reply through its page, linked from its feedback page for its people only", async () => {
    const [row] = await db
      .selectFrom("feedback_reviews")
      .select("id")
      .where("organisation_id", "=", CIC)
      .execute();
    const url = `/organisations/${CIC}/feedback/${row?.id}/reply`;
    const provider = await sessionFor(
      t.app,
      DEMO_USERS.find((u) => u.role === "organisation-admin")?.id ?? "",
      {
        twoFactor: true,
      },
    );
    expect((await page(`/organisations/${CIC}/feedback`, provider)).body).toContain(`href="${url}"`);
    expect((await page(`/organisations/${CIC}/feedback`)).body).not.toContain(url);
    const form = await page(url, provider);
    expect(mainText(form.body)).toContain("Reply to a review");
    expect(mainText(form.body)).toContain("Reliable and kind.");
    const welsh = await t.app.inject({ url, headers: { cookie: `${provider.cookie}; lang=cy` } });
    expect(mainText(welsh.body)).toContain("Ateb adolygiad");
    expect((await page(url, await sessionFor(t.app, joan.userId))).statusCode).toBe(403);
    const empty = await postForm(t.app, provider, url, { reply: "" });
    expect(summaryLinks(empty.body)).toEqual(["#reply"]);
    const sent = await postForm(t.app, provider, url, { reply: "Thank you: the team has changed the rota." });
    expect(sent.headers.location).toBe(`/organisations/${CIC}/feedback`);
    const after = mainText((await page(`/organisations/${CIC}/feedback`)).body);
    expect(after).toContain("changed the rota");
    expect(after).not.toContain("an earlier version");
  });

  it("refuses a reply that names or contacts the person; shows replies to moderators, who edit one (earlier replies redacted only for personal data)", async () => {
    const [row] = await db
      .selectFrom("feedback_reviews")
      .select("id")
      .where("organisation_id", "=", CIC)
      .execute();
    const id = row?.id ?? "";
    const provider = await principalOf(db, DEMO_USERS.find((u) => u.role === "organisation-admin")?.id ?? "");
    const error = await refused(replyToFeedback(as(provider), CIC, id, "Joan: call us on 07700 900456."));
    expect(error.code).toBe("validation_failed");
    expect(JSON.stringify(error.details)).toContain("Remove a phone number from the reply");
    const moderator = await sessionFor(t.app, PLATFORM_ADMIN, { twoFactor: true });
    expect(mainText((await page("/feedback/moderation/published", moderator)).body)).toContain(
      "changed the rota",
    );
    const url = `/feedback/moderation/${id}`;
    expect(mainText((await page(url, moderator)).body)).toContain("changed the rota");
    const noKind = await postForm(t.app, moderator, url, {
      decision: "edit-reply",
      reply: "Thank you.",
      reason: "Policy, part 3.",
    });
    expect(summaryLinks(noKind.body)).toEqual(["#removed"]);
    const replies = () =>
      db
        .selectFrom("feedback_versions")
        .select(["kind", "text", "redacted_at"])
        .where("review_id", "=", id)
        .orderBy("seq")
        .execute();
    // Abuse edited out of the reply: the earlier replies kept, as the evidence the policy keeps.
    const abuse = await postForm(t.app, moderator, url, {
      decision: "edit-reply",
      reply: "Thank you: the team has changed it.",
      removed: "other",
      reason: "An accusation removed, policy part 3.",
    });
    expect(abuse.statusCode).toBe(303);
    expect((await replies()).map((v) => v.text).join(" ")).toContain("changed the rota");
    expect(mainText((await page(`/organisations/${CIC}/feedback`)).body)).toContain(
      "the team has changed it.",
    );
    // Personal data edited out: every earlier reply redacted, the person's review versions untouched.
    await postForm(t.app, moderator, url, {
      decision: "edit-reply",
      reply: "Thank you.",
      removed: "personal-data",
      reason: "Personal data removed: a name.",
    });
    const after = await replies();
    const earlier = after.filter((v) => v.kind === "reply").slice(0, -1);
    expect(earlier.every((v) => v.text === REDACTED && v.redacted_at !== null)).toBe(true);
    expect(after.at(-1)?.text).toBe("Thank you.");
    expect(after.filter((v) => v.kind === "review").map((v) => v.text)).toContain("Reliable and kind.");
  });

  it("erases a review with its versions once kept 7 years after it was last left (the retention job), whatever a moderator did since", async () => {
    const [row] = await db
      .selectFrom("feedback_reviews")
      .selectAll()
      .where("organisation_id", "=", DEMO_CHOICE_MEMBERS.greenway)
      .execute();
    const id = row?.id ?? "";
    const leftAt = row?.left_at ?? new Date(0);
    const job = await db
      .selectFrom("jobs")
      .select(["run_at"])
      .where("dedupe_key", "=", `${FEEDBACK_RETENTION_QUEUE}:${id}:${row?.version}`)
      .executeTakeFirst();
    // At 02:00 London time the day after the 7 years: an hour every day has once (01:00 some have not).
    const keptUntil = addDays(addMonths(londonDate(leftAt), FEEDBACK_KEPT_MONTHS), 1);
    expect(job?.run_at).toEqual(londonInstant(keptUntil, 2, 0));
    // A moderator reads it again a year on: that moves when it was changed, not when it was left.
    const yearOn = { now: () => new Date(leftAt.getTime() + 365 * 86_400_000) };
    await moderateFeedback(ctxFor(db, yearOn, admin), id, { decision: "publish" });
    expect(await eraseExpiredFeedback(db, t.deps.clock, id)).toBe(false);
    const later = { now: () => new Date((job?.run_at.getTime() ?? 0) + 60_000) };
    expect(await eraseExpiredFeedback(db, later, id)).toBe(true);
    expect(await db.selectFrom("feedback_reviews").select("id").where("id", "=", id).execute()).toEqual([]);
    expect(
      await db.selectFrom("feedback_versions").select("seq").where("review_id", "=", id).execute(),
    ).toEqual([]);
    expect(await feedbackFigures(as(null), DEMO_CHOICE_MEMBERS.greenway)).toEqual([]);
  });

  it("sweeps daily the reviews no job would erase (from before the jobs), and queues the next sweep at 02:00 even when the clocks go forward", async () => {
    const now = t.deps.clock.now();
    const old = new Date(now.getTime() - 8 * 366 * 86_400_000);
    const id = newId();
    await db
      .insertInto("feedback_reviews")
      .values({
        id,
        organisation_id: DEMO_CHOICE_MEMBERS.kelderbyStreetCare,
        authority_id: person.authorityId,
        person_id: person.personId,
        area_code: DEMO_AREA.millbrook,
        category_code: "domiciliary-care",
        service_month: old.toISOString().slice(0, 7),
        stars: 3,
        text: "Left before the retention jobs.",
        state: "rejected",
        version: 1,
        held_reason: null,
        moderation_reason: "Not about a service.",
        reply: null,
        replied_at: null,
        created_at: old,
        updated_at: now,
        published_at: null,
        left_at: old,
      })
      .execute();
    expect(await sweepExpiredFeedback(db, t.deps.clock)).toBe(1);
    expect(await db.selectFrom("feedback_reviews").select("id").where("id", "=", id).execute()).toEqual([]);
    const tomorrow = addDays(londonDate(now), 1);
    const next = await db
      .selectFrom("jobs")
      .select("run_at")
      .where("dedupe_key", "=", `${FEEDBACK_SWEEP_QUEUE}:${tomorrow}`)
      .executeTakeFirst();
    expect(next?.run_at).toEqual(londonInstant(tomorrow, 2, 0));
    // The eve of the clocks going forward (28 March 2027): 02:00 BST, never "now".
    const eve = { now: () => new Date("2027-03-27T12:00:00Z") };
    await transaction(db, (trx) => queueFeedbackSweep(trx, eve));
    const spring = await db
      .selectFrom("jobs")
      .select("run_at")
      .where("dedupe_key", "=", `${FEEDBACK_SWEEP_QUEUE}:2027-03-28`)
      .executeTakeFirst();
    expect(spring?.run_at.toISOString()).toBe("2027-03-28T01:00:00.000Z");
  });
});
