/**
 * Accreditation bodies and standards (one seeded app for the file): the demo's body, standards and
 * accredited providers on the public pages and a provider's profile; who may register a body and
 * who may accredit; an accreditation's expiry at its edge; suspending and withdrawing with reasons;
 * a tender that requires an accreditation refusing a bid from a provider without one; a tender whose
 * award criteria score an accreditation, each bid scored from its bidder's accreditation on the bid's
 * date; the reminder 60 days before an accreditation ends, once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import type { SettableClock } from "../../lib/clock.ts";
import { addDays, longDate } from "../../lib/london-time.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_STANDARDS } from "../../seed/demo/standards.ts";
import { startEvaluation } from "../compliance/compliance.service.ts";
import { answersTo, homeCare, people } from "../compliance/compliance.test-fixtures.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import { compliantTender, scoresOf } from "../evaluation/evaluation.test-fixtures.ts";
import { moderateBid, rankingView } from "../evaluation/moderation.service.ts";
import { recordScores, submitScores } from "../evaluation/scores.service.ts";
import { submitBid } from "../tenders/bids.service.ts";
import { publishTender } from "../tenders/publication.service.ts";
import { registerInterest } from "../tenders/questions.service.ts";
import { createTender } from "../tenders/setup.service.ts";
import { tenderParts } from "../tenders/tenders.service.ts";
import { accreditationState, heldOn, remindExpiring } from "./standards.service.ts";

const NATIONWIDE = "019a0000-0000-7000-8000-00000000b005";
const GREENWAY = "019a0000-0000-7000-8000-00000000b004";
const WESTMILL = "019a0000-0000-7000-8000-00000000b040";
const COUNTY = DEMO_AUTHORITY.county;
const DWS = DEMO_AUTHORITY.department;
const standardApi = (id: string) => `/api/v1/standards/${id}`;

let t: TestApp;
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;
const clock = () => t.deps.clock as unknown as SettableClock;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = async (who: string, role: string, scopeId?: string) => {
    const user = await createUser(t.deps.db, {
      grants: [{ role: role as never, ...(scopeId ? { scopeId } : {}) }],
      displayName: who,
    });
    sessions[who] = await sessionFor(t.app, user.id, { twoFactor: true });
  };
  await make("platform", "platform-admin");
  await make("dws", "commissioner", DWS);
  await make("county", "commissioner", COUNTY);
  await make("provider", "organisation-admin", NATIONWIDE);
});

afterAll(async () => {
  await t?.close();
});

describe("the demo's standards, in public", () => {
  it("lists the body and its two standards", async () => {
    const text = mainText((await call(t.app, "GET", "/standards")).body);
    expect(text).toContain("Department for Work and Skills");
    expect(text).toContain("Employment Support Quality Standard");
    expect(text).toContain("Rehabilitation Services Standard");
  });

  it("shows a standard's version in force and its current accreditations, not the expired one", async () => {
    const page = await call(t.app, "GET", `/standards/${DEMO_STANDARDS.employmentSupport}`);
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("Version 2, in force since 1 September 2026");
    expect(text).toContain("Nationwide Employment Services plc");
    expect(text).toContain("Second Chance Kitchens CIC");
    expect(text).not.toContain("Westmill College");
    const json = (await call(t.app, "GET", standardApi(DEMO_STANDARDS.employmentSupport))).json();
    expect(json.accreditations.map((a: { organisationId: string }) => a.organisationId).sort()).toEqual(
      ["019a0000-0000-7000-8000-00000000b003", NATIONWIDE].sort(),
    );
  });

  it("shows the body's people the expired accreditation as expired", async () => {
    const json = (await call(t.app, "GET", standardApi(DEMO_STANDARDS.employmentSupport), as("dws"))).json();
    const westmill = json.accreditations.find(
      (a: { organisationId: string }) => a.organisationId === WESTMILL,
    );
    expect(westmill).toMatchObject({ state: "expired", expiresOn: "2026-09-30" });
  });

  it("shows a provider's current accreditations on its profile", async () => {
    const text = mainText((await call(t.app, "GET", `/organisations/${NATIONWIDE}`)).body);
    expect(text).toContain("Accreditations");
    expect(text).toContain(
      "Employment Support Quality Standard, by Department for Work and Skills, until 30 September 2028",
    );
    expect(mainText((await call(t.app, "GET", `/organisations/${WESTMILL}`)).body)).not.toContain(
      "Employment Support Quality Standard",
    );
  });

  it("publishes the current accreditations as an open dataset, not the expired one", async () => {
    const csv = await call(t.app, "GET", "/open-data/accreditations.csv");
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe(
      "id,standard_id,standard_title,service_category,body_id,body_name,organisation_id,organisation_name,granted_on,expires_on",
    );
    expect(lines.filter((l) => l.includes("Employment Support Quality Standard"))).toHaveLength(2);
    expect(csv.body).toContain("Nationwide Employment Services plc");
    expect(csv.body).not.toContain("Westmill College");
  });

  it("is in Welsh", async () => {
    const url = `/standards/${DEMO_STANDARDS.employmentSupport}`;
    const page = await t.app.inject({ url, headers: { cookie: "lang=cy" } });
    expect(page.statusCode, page.body.slice(0, 3000)).toBe(200);
    expect(mainText(page.body)).toContain("Darparwyr achrededig");
    expect(mainText(page.body)).toContain("mewn grym ers 1 Medi 2026");
  });
});

describe("who may do what", () => {
  it("lets only platform administrators register a body, once", async () => {
    const body = { organisationId: "019a0000-0000-7000-8000-00000000b035" };
    expect((await call(t.app, "POST", "/api/v1/accreditation-bodies", as("dws"), body)).statusCode).toBe(403);
    expect((await call(t.app, "POST", "/api/v1/accreditation-bodies", as("platform"), body)).statusCode).toBe(
      201,
    );
    const again = await call(t.app, "POST", "/api/v1/accreditation-bodies", as("platform"), body);
    expect(again.statusCode).toBe(409);
    expect(
      (
        await call(t.app, "POST", "/api/v1/accreditation-bodies", as("platform"), {
          ...body,
          publicBodyId: DWS,
        })
      ).statusCode,
    ).toBe(400);
  });

  it("lets only the body's people accredit: not platform administrators, another authority or the provider", async () => {
    const url = `${standardApi(DEMO_STANDARDS.rehabilitation)}/accreditations`;
    const body = { organisationId: GREENWAY, expiresOn: "2027-11-30" };
    for (const who of ["platform", "county", "provider"])
      expect((await call(t.app, "POST", url, as(who), body)).statusCode, who).toBe(403);
    expect((await call(t.app, "POST", url, undefined, body)).statusCode).toBe(401);
    const granted = await call(t.app, "POST", url, as("dws"), body);
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toMatchObject({
      state: "current",
      grantedOn: "2026-11-22",
      expiresOn: "2027-11-30",
    });
  });

  it("refuses an expiry date not after today, saying what to enter", async () => {
    const url = `${standardApi(DEMO_STANDARDS.rehabilitation)}/accreditations`;
    const refused = await call(t.app, "POST", url, as("dws"), {
      organisationId: GREENWAY,
      expiresOn: "2026-11-22",
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details[0].message).toBe(
      "Enter a date after today for the accreditation to expire",
    );
  });

  it("shows the accreditation form again with its errors", async () => {
    const page = await postForm(t.app, as("dws"), `/standards/${DEMO_STANDARDS.rehabilitation}`, {});
    expect(page.statusCode).toBe(400);
    expect(summaryErrors(page.body).map(([, text]) => text)).toEqual([
      "Choose the provider from the directory",
      "Enter the date the accreditation expires as a real date, like 1 4 2027",
    ]);
  });
});

describe("an accreditation's expiry and decisions", () => {
  it("holds through its expiry date and is expired from the day after", () => {
    const a = { status: "granted" as const, expires_on: "2027-03-31" };
    expect(accreditationState(a, "2027-03-31")).toBe("current");
    expect(accreditationState(a, "2027-04-01")).toBe("expired");
    expect(accreditationState({ ...a, status: "suspended" }, "2027-01-01")).toBe("suspended");
  });

  it("leaves the public page at midnight London time after its last day", async () => {
    const url = `${standardApi(DEMO_STANDARDS.rehabilitation)}/accreditations`;
    await call(t.app, "POST", url, as("dws"), { organisationId: WESTMILL, expiresOn: "2026-11-30" });
    const listed = async () =>
      (await call(t.app, "GET", standardApi(DEMO_STANDARDS.rehabilitation)))
        .json()
        .accreditations.some((a: { organisationId: string }) => a.organisationId === WESTMILL);
    const before = clock().now();
    try {
      clock().set(new Date("2026-11-30T23:59:59Z"));
      expect(await listed()).toBe(true);
      clock().set(new Date("2027-01-01T00:00:00Z"));
      expect(await listed()).toBe(false);
      clock().set(new Date("2026-12-01T00:00:00Z"));
      expect(await listed()).toBe(false);
    } finally {
      clock().set(before);
    }
  });

  it("suspends with a reason, refuses a second suspension, and withdraws", async () => {
    const json = (await call(t.app, "GET", standardApi(DEMO_STANDARDS.rehabilitation), as("dws"))).json();
    const id = json.accreditations.find((a: { organisationId: string }) => a.organisationId === GREENWAY).id;
    const noReason = await call(t.app, "POST", `/api/v1/accreditations/${id}/suspend`, as("dws"), {
      reason: "",
    });
    expect(noReason.statusCode).toBe(400);
    const suspended = await call(t.app, "POST", `/api/v1/accreditations/${id}/suspend`, as("dws"), {
      reason: "Staff qualifications not evidenced at the audit",
    });
    expect(suspended.json()).toMatchObject({
      state: "suspended",
      reason: "Staff qualifications not evidenced at the audit",
    });
    expect(
      (await call(t.app, "POST", `/api/v1/accreditations/${id}/suspend`, as("dws"), { reason: "Again" }))
        .statusCode,
    ).toBe(409);
    const withdrawn = await call(t.app, "POST", `/api/v1/accreditations/${id}/withdraw`, as("dws"), {
      reason: "Not put right",
    });
    expect(withdrawn.json().state).toBe("withdrawn");
    const actions = await t.deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", id)
      .orderBy("seq")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "accreditation.granted",
      "accreditation.suspended",
      "accreditation.withdrawn",
    ]);
    // Greenway's people were told of each decision, the reasons with them, in their inbox.
    const notices = await t.deps.db
      .selectFrom("notifications")
      .select(["subject", "body", "link"])
      .where("kind", "=", "accreditation.changed")
      .where("organisation_id", "=", GREENWAY)
      .orderBy("created_at")
      .execute();
    const subjects = [...new Set(notices.map((n) => n.subject))];
    expect(subjects).toEqual([
      "Rehabilitation Services Standard: your organisation is accredited",
      "Rehabilitation Services Standard: your accreditation is suspended",
      "Rehabilitation Services Standard: your accreditation is withdrawn",
    ]);
    expect(notices.find((n) => n.subject.endsWith("suspended"))?.body).toContain(
      "giving this reason: Staff qualifications not evidenced at the audit",
    );
    expect(notices.find((n) => n.subject.endsWith("accredited"))?.body).toContain("until 30 November 2027");
    expect(new Set(notices.map((n) => n.link))).toEqual(
      new Set([`/standards/${DEMO_STANDARDS.rehabilitation}`]),
    );
  });
});

describe("a tender that requires an accreditation", () => {
  it("refuses a bid from a provider without a current accreditation, and takes one from a provider with it", async () => {
    const before = clock().now();
    const p = people(() => t.deps.db, clock());
    await p.add("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
    await p.add("nationwide", [{ role: "organisation-admin", scopeId: NATIONWIDE }]);
    await p.add("greenway", [{ role: "organisation-admin", scopeId: GREENWAY }]);
    try {
      clock().set(new Date("2026-11-22T10:00:00Z"));
      const tenderId = (
        await createTender(
          p.ctx("commissioner"),
          COUNTY,
          homeCare({ title: "Employment support in Westshire" }),
        )
      ).tender.id;
      const requirements = `/api/v1/authorities/${COUNTY}/tenders/${tenderId}/accreditation-requirements`;
      const body = { standardId: DEMO_STANDARDS.employmentSupport };
      // A draft is seen only by its authority's editors: 404 to others.
      expect((await call(t.app, "POST", requirements, as("dws"), body)).statusCode).toBe(404);
      const set = await call(t.app, "POST", requirements, as("county"), body);
      expect(set.statusCode).toBe(200);
      expect(set.json().required.map((s: { title: string }) => s.title)).toEqual([
        "Employment Support Quality Standard",
      ]);
      await publishTender(p.ctx("commissioner"), COUNTY, tenderId, { minimumPeriodDays: 25 });
      expect((await call(t.app, "POST", requirements, as("county"), body)).statusCode).toBe(409);
      const page = mainText(
        (await call(t.app, "GET", `/authorities/westshire-county-council/tenders/${tenderId}`)).body,
      );
      expect(page).toContain("Bidders must hold a current accreditation against:");

      const answers = answersTo(await tenderParts(p.ctx(null), COUNTY, tenderId));
      const draft = (organisationId: string) => ({ organisationId, answers, price: "£1,000" });
      await registerInterest(p.ctx("greenway"), COUNTY, tenderId, GREENWAY);
      const refused = submitBid(p.ctx("greenway"), COUNTY, tenderId, draft(GREENWAY));
      await expect(refused).rejects.toMatchObject({
        code: "bid_invalid_combination",
        details: [
          {
            field: "organisationId",
            message:
              "This tender requires a current accreditation against “Employment Support Quality Standard” (Department for Work and Skills): Greenway Home Care Ltd holds none today. Ask the accreditation body about being accredited.",
          },
        ],
      });
      await registerInterest(p.ctx("nationwide"), COUNTY, tenderId, NATIONWIDE);
      const taken = await submitBid(p.ctx("nationwide"), COUNTY, tenderId, draft(NATIONWIDE));
      expect(taken.receipt.status).toBe("current");
    } finally {
      clock().set(before);
    }
  });
});

describe("a tender that scores an accreditation", () => {
  it("reads an accreditation on the bid's date at its edges", () => {
    const a = {
      status: "granted" as const,
      granted_on: "2026-11-21",
      expires_on: "2027-09-30",
      decided_at: new Date("2026-11-21T10:00:00Z"),
    };
    expect(heldOn(a, "2026-11-20")).toBe("not-yet");
    expect(heldOn(a, "2026-11-21")).toBe("held");
    expect(heldOn(a, "2027-09-30")).toBe("held");
    expect(heldOn(a, "2027-10-01")).toBe("expired");
    // A suspension counts from the London day it was decided (23:30 UTC on 30 June is 1 July in London).
    const suspended = { ...a, status: "suspended" as const, decided_at: new Date("2027-06-30T23:30:00Z") };
    expect(heldOn(suspended, "2027-06-30")).toBe("held");
    expect(heldOn(suspended, "2027-07-01")).toBe("suspended");
  });

  it("refuses a criterion that names no standard, or one that does not exist, beside its field", async () => {
    const url = `/api/v1/authorities/${COUNTY}/tenders`;
    const criteria = (standardId?: string) => [
      { kind: "quality", title: "Quality", weightBp: 6000 },
      { kind: "accreditation", title: "Accredited", weightBp: 1000, ...(standardId ? { standardId } : {}) },
      { kind: "price", title: "Price", weightBp: 3000 },
    ];
    for (const standardId of [undefined, "019a0000-0000-7000-8000-0000000fffff"]) {
      const refused = await call(
        t.app,
        "POST",
        url,
        as("county"),
        homeCare({ criteria: criteria(standardId) }),
      );
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details).toEqual([
        {
          field: "criteria.1.standardId",
          message: "Choose the standard criterion 2 scores an accreditation against",
        },
      ]);
    }
    const form = mainText(
      (await call(t.app, "GET", "/authorities/westshire-county-council/tenders/new", as("county"))).body,
    );
    expect(form).toContain("The standard it scores (accreditation criteria only)");
    expect(form).toContain("Employment Support Quality Standard (Department for Work and Skills)");
  });

  it("scores each bid from its bidder's accreditation on the bid's date, never an evaluator's", async () => {
    const before = clock().now();
    const p = people(() => t.deps.db, clock());
    await p.add("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
    await p.add("checker", [
      { role: "commissioner", scopeId: COUNTY },
      { role: "bid-opener", scopeId: COUNTY },
    ]);
    await p.add("opener", [{ role: "bid-opener", scopeId: COUNTY }]);
    await p.add("e1", [{ role: "evaluator", scopeId: COUNTY }]);
    for (const [who, org] of [
      ["greenway", GREENWAY],
      ["westmill", WESTMILL],
      ["nationwide", NATIONWIDE],
    ] as const)
      await p.add(who, [{ role: "organisation-admin", scopeId: org }]);
    const accredit = (organisationId: string, expiresOn: string) =>
      call(t.app, "POST", `${standardApi(DEMO_STANDARDS.employmentSupport)}/accreditations`, as("dws"), {
        organisationId,
        expiresOn,
      });
    try {
      // The bids arrive on 22 November 2026. Westmill's accreditation ended the day before; Greenway
      // was accredited the day before; Nationwide's was suspended the day before.
      clock().set(new Date("2026-11-01T10:00:00Z"));
      expect((await accredit(WESTMILL, "2026-11-21")).statusCode).toBe(200);
      clock().set(new Date("2026-11-21T10:00:00Z"));
      expect((await accredit(GREENWAY, "2027-12-31")).statusCode).toBe(200);
      const nationwide = (await call(t.app, "GET", standardApi(DEMO_STANDARDS.employmentSupport), as("dws")))
        .json()
        .accreditations.find((a: { organisationId: string }) => a.organisationId === NATIONWIDE).id;
      const suspend = `/api/v1/accreditations/${nationwide}/suspend`;
      expect((await call(t.app, "POST", suspend, as("dws"), { reason: "Audit overdue" })).statusCode).toBe(
        200,
      );

      const draft = homeCare({
        title: "Employment support scored on accreditation",
        criteria: [
          { kind: "quality", title: "Quality", weightBp: 6000 },
          {
            kind: "accreditation",
            title: "Accredited for employment support",
            weightBp: 1000,
            standardId: DEMO_STANDARDS.employmentSupport,
          },
          { kind: "price", title: "Price", weightBp: 3000 },
        ],
      });
      const bidders = [
        { who: "greenway", organisationId: GREENWAY, price: "£1,000" },
        { who: "westmill", organisationId: WESTMILL, price: "£1,000" },
        { who: "nationwide", organisationId: NATIONWIDE, price: "£1,000" },
      ];
      const { tenderId, bid, criteria } = await compliantTender(p, clock(), draft, bidders, {
        evaluators: ["e1"],
      });
      // Evaluators score quality only: the accreditation is not theirs to score.
      expect(criteria.map((c) => c.title)).toEqual(["Quality"]);
      const tenderPage = mainText(
        (await call(t.app, "GET", `/authorities/westshire-county-council/tenders/${tenderId}`)).body,
      );
      expect(tenderPage).toContain("10% for accreditation against Employment Support Quality Standard");

      await declareConflicts(p.ctx("e1"), COUNTY, tenderId, { conflict: false });
      await startEvaluation(p.ctx("checker"), COUNTY, tenderId, {});
      for (const id of Object.values(bid))
        await recordScores(p.ctx("e1"), COUNTY, tenderId, id, scoresOf(criteria, 5));
      // The evaluator's scoresheet shows the platform's reading, not a field to score.
      const e1 = await sessionFor(t.app, p.as("e1").userId, { twoFactor: true });
      const sheet = await call(
        t.app,
        "GET",
        `/authorities/westshire-county-council/tenders/${tenderId}/evaluation/bids/${bid.westmill}`,
        e1,
      );
      expect(sheet.statusCode).toBe(200);
      expect(mainText(sheet.body)).toContain("Scored by the platform");
      expect(mainText(sheet.body)).toContain(
        "Westmill College's accreditation by Department for Work and Skills",
      );
      await submitScores(p.ctx("e1"), COUNTY, tenderId);
      for (const id of Object.values(bid))
        await moderateBid(p.ctx("checker"), COUNTY, tenderId, id, scoresOf(criteria, 5, "Agreed"));

      const ranking = await rankingView(p.ctx("checker"), COUNTY, tenderId);
      const of = (who: string) => ranking.bids.find((b) => b.bidId === bid[who]);
      // Quality 5/10 of 60% and the same price for all: the accreditation's 10% decides.
      expect(of("greenway")).toMatchObject({ rank: 1, totalShown: "7,000.00" });
      expect(of("westmill")?.totalShown).toBe("6,000.00");
      expect(of("nationwide")?.totalShown).toBe("6,000.00");
      const accreditation = (who: string) =>
        of(who)?.details.find((d) => d.title === "Accredited for employment support")?.reason;
      expect(accreditation("greenway")).toBe(
        "Greenway Home Care Ltd was accredited by Department for Work and Skills against “Employment Support Quality Standard” until 31 December 2027 on the bid's date, 22 November 2026: full marks",
      );
      expect(accreditation("westmill")).toBe(
        "Westmill College's accreditation by Department for Work and Skills against “Employment Support Quality Standard” expired on 21 November 2026, before the bid's date, 22 November 2026: no marks",
      );
      expect(accreditation("nationwide")).toContain(
        "was suspended on the bid's date, 22 November 2026: no marks",
      );

      // The moderators' ranking page shows the working, in Welsh too.
      const checker = await sessionFor(t.app, p.as("checker").userId, { twoFactor: true });
      const rankingUrl = `/authorities/westshire-county-council/tenders/${tenderId}/ranking`;
      const page = await call(t.app, "GET", rankingUrl, checker);
      expect(page.statusCode).toBe(200);
      expect(mainText(page.body)).toContain(
        "Greenway Home Care Ltd was accredited by Department for Work and Skills",
      );
      const welsh = await t.app.inject({
        url: rankingUrl,
        headers: { cookie: `${checker.cookie}; lang=cy` },
      });
      expect(mainText(welsh.body)).toContain("Roedd Greenway Home Care Ltd wedi’i achredu gan");
    } finally {
      clock().set(before);
    }
  });
});

describe("the reminder before an accreditation ends", () => {
  it("tells the provider's people 60 days before its last day, once however often the sweep runs", async () => {
    const KITCHENS = "019a0000-0000-7000-8000-00000000b003";
    const p = people(() => t.deps.db, clock());
    await p.add("kitchens", [{ role: "organisation-admin", scopeId: KITCHENS }]);
    const row = await t.deps.db
      .selectFrom("accreditations")
      .select(["id", "expires_on"])
      .where("standard_id", "=", DEMO_STANDARDS.rehabilitation)
      .where("organisation_id", "=", KITCHENS)
      .executeTakeFirstOrThrow();
    const told = async () =>
      t.deps.db
        .selectFrom("notifications")
        .select(["subject", "body"])
        .where("kind", "=", "accreditation.expiring")
        .where("user_id", "=", p.as("kitchens").userId)
        .where("link", "=", `/standards/${DEMO_STANDARDS.rehabilitation}`)
        .execute();
    const sweepOn = async (daysBefore: number) => {
      clock().set(new Date(`${addDays(row.expires_on, -daysBefore)}T12:00:00Z`));
      await remindExpiring(t.deps.db, clock());
    };
    const before = clock().now();
    try {
      await sweepOn(61);
      expect(await told()).toEqual([]);
      await sweepOn(60);
      await sweepOn(60);
      const notices = await told();
      expect(notices).toHaveLength(1);
      expect(notices[0]?.subject).toBe(
        `Rehabilitation Services Standard: your accreditation ends on ${longDate(row.expires_on)}`,
      );
      expect(notices[0]?.body).toContain("Ask Department for Work and Skills about renewing it.");
      await sweepOn(59);
      expect(await told()).toHaveLength(1);
      const audited = await t.deps.db
        .selectFrom("audit_events")
        .select("action")
        .where("entity_id", "=", row.id)
        .where("action", "=", "accreditation.expiry-reminded")
        .execute();
      expect(audited).toHaveLength(1);
    } finally {
      clock().set(before);
    }
  });
});
