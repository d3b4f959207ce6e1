/**
 * The compliance check, the start of evaluation and the register of reserved contracts through HTTP
 * (app.inject), API and pages: every refusal with its status (401 before the body, 400 naming each
 * field, 403, 404, 409, 422) leaves the tables as they were; the pages render each bid, the
 * three-bid warning and its justification field, and show form errors with a summary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { COUNTY, homeCare, openBids, people, START, tenderWithBids } from "./compliance.test-fixtures.ts";

const clock = settableClock(START);
const api = `/api/v1/authorities/${COUNTY}`;
const pages = "/authorities/westshire-county-council";
let t: TestApp;
const p = people(() => t.deps.db, clock, { displayName: (name) => `Test ${name}` });
const s: Record<string, TestSession> = {};
let tenderId: string;
let bids: Record<string, string> = {};

async function rowCounts() {
  const counts: Record<string, number> = {};
  for (const table of [
    "compliance_decisions",
    "compliance_conditions",
    "tender_evaluations",
    "reserved_contract_awards",
  ] as const)
    counts[table] = Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<bigint>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return counts;
}

const met = { conditions: [{ position: 1, met: true }], outcome: "compliant" };

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const names = ["checker", "commissioner", "opener", "charity", "mutual", "company"];
  await p.add("checker", [
    { role: "commissioner", scopeId: COUNTY },
    { role: "bid-opener", scopeId: COUNTY },
  ]);
  await p.add("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await p.add("opener", [{ role: "bid-opener", scopeId: COUNTY }]);
  await p.add("charity", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await p.add("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await p.add("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);

  // A tender with three bids, opened by two bid openers.
  ({ tenderId, bids } = await tenderWithBids(
    p,
    clock,
    homeCare({ title: "Home care in the hills", description: "Home care across the Westshire hills." }),
    [
      { who: "charity", organisationId: DEMO_ORGANISATION.carersTrust },
      { who: "mutual", organisationId: DEMO_ORGANISATION.communityHealthMutual },
      { who: "company", organisationId: DEMO_ORGANISATION.homesGroup },
    ],
  ));
  await openBids(p, clock, tenderId, ["checker", "opener"]);
  for (const name of names) s[name] = await sessionFor(t.app, p.as(name).userId, { twoFactor: true });
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("the compliance API", () => {
  it("shows the check to readers of the opened bids only", async () => {
    const url = `${api}/tenders/${tenderId}/compliance`;
    expect((await call(t.app, "GET", url)).statusCode).toBe(401);
    expect((await call(t.app, "GET", url, s.charity)).statusCode).toBe(403);
    expect((await call(t.app, "GET", url, s.commissioner)).statusCode).toBe(403);
    const read = await call(t.app, "GET", url, s.opener);
    expect(read.statusCode).toBe(200);
    const body = read.json();
    expect(body.bids.map((b: { bidder: { name: string } }) => b.bidder.name).sort()).toEqual([
      "Millbrook Carers' Trust",
      "Westshire Community Health CIC",
      "Westshire Homes Group",
    ]);
    expect(body).toMatchObject({ state: "checking", counts: { undecided: 3 }, justificationNeeded: true });
    const demo = (
      await call(t.app, "GET", `${api}/tenders/${DEMO_TENDER.opened}/compliance`, s.checker)
    ).json();
    expect(demo).toMatchObject({
      state: "evaluating",
      counts: { compliant: 3 },
      evaluation: { compliantCount: 3 },
    });
  });

  it("refuses decisions with the house status codes, writing nothing", async () => {
    const before = await rowCounts();
    const url = `${api}/tenders/${tenderId}/compliance/bids/${bids.charity}`;
    expect((await call(t.app, "PUT", url, undefined, { nonsense: true })).statusCode).toBe(401);
    const bad = await call(t.app, "PUT", url, s.checker, {
      conditions: [{ position: 0, met: "yes" }],
      outcome: "maybe",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.length).toBeGreaterThanOrEqual(2);
    expect((await call(t.app, "PUT", url, s.opener, met)).statusCode).toBe(403);
    expect((await call(t.app, "PUT", url, s.commissioner, met)).statusCode).toBe(403);
    expect((await call(t.app, "PUT", url, s.charity, met)).statusCode).toBe(403);
    expect(
      (
        await call(
          t.app,
          "PUT",
          `${api}/tenders/${tenderId}/compliance/bids/${DEMO_TENDER.open}`,
          s.checker,
          met,
        )
      ).statusCode,
    ).toBe(404);
    // Another tender's bid is not found there (404); a bid of a tender not yet opened waits (409).
    expect(
      (
        await call(
          t.app,
          "PUT",
          `${api}/tenders/${DEMO_TENDER.open}/compliance/bids/${bids.charity}`,
          s.checker,
          met,
        )
      ).statusCode,
    ).toBe(404);
    const sealedBid = await t.deps.db
      .selectFrom("bids")
      .select("id")
      .where("tender_id", "=", DEMO_TENDER.open)
      .where("status", "=", "current")
      .executeTakeFirstOrThrow();
    expect(
      (
        await call(
          t.app,
          "PUT",
          `${api}/tenders/${DEMO_TENDER.open}/compliance/bids/${sealedBid.id}`,
          s.checker,
          met,
        )
      ).statusCode,
    ).toBe(409);
    const demoBid = await t.deps.db
      .selectFrom("bids")
      .select("id")
      .where("tender_id", "=", DEMO_TENDER.opened)
      .executeTakeFirstOrThrow();
    const fixed = await call(
      t.app,
      "PUT",
      `${api}/tenders/${DEMO_TENDER.opened}/compliance/bids/${demoBid.id}`,
      s.checker,
      {
        conditions: [
          { position: 1, met: true },
          { position: 2, met: true },
        ],
        outcome: "compliant",
      },
    );
    expect(fixed.statusCode).toBe(409);
    expect(fixed.json().error.code).toBe("evaluation_started");
    const unreasoned = await call(t.app, "PUT", url, s.checker, {
      conditions: [{ position: 1, met: false }],
      outcome: "excluded",
    });
    expect(unreasoned.statusCode).toBe(422);
    expect(unreasoned.json().error.details[0].field).toBe("conditions.1.reason");
    expect((await call(t.app, "PUT", url, s.checker, { ...met, outcome: "excluded" })).statusCode).toBe(422);
    expect(await rowCounts()).toEqual(before);
  });

  it("records decisions, then starts evaluation under the three-bid rule", async () => {
    const base = `${api}/tenders/${tenderId}`;
    const excluded = await call(t.app, "PUT", `${base}/compliance/bids/${bids.charity}`, s.checker, {
      conditions: [{ position: 1, met: false, reason: "Not registered with the CQC for personal care" }],
      outcome: "excluded",
    });
    expect(excluded.statusCode).toBe(200);
    expect(excluded.json()).toMatchObject({ outcome: "excluded", previous: null });
    expect(
      (await call(t.app, "PUT", `${base}/compliance/bids/${bids.mutual}`, s.checker, met)).statusCode,
    ).toBe(200);

    const before = await rowCounts();
    const undecided = await call(t.app, "POST", `${base}/evaluation`, s.checker, {});
    expect(undecided.statusCode).toBe(422);
    expect(undecided.json().error.details[0].field).toBe(`bids.${bids.company}`);
    expect((await call(t.app, "POST", `${base}/evaluation`, undefined, { x: 1 })).statusCode).toBe(401);
    expect((await call(t.app, "POST", `${base}/evaluation`, s.opener, {})).statusCode).toBe(403);
    expect(
      (await call(t.app, "PUT", `${base}/compliance/bids/${bids.company}`, s.checker, met)).statusCode,
    ).toBe(200);
    const after = await rowCounts();
    expect(after.compliance_decisions).toBe((before.compliance_decisions ?? 0) + 1);

    const unjustified = await call(t.app, "POST", `${base}/evaluation`, s.checker, {});
    expect(unjustified.statusCode).toBe(422);
    expect(unjustified.json().error.details[0].field).toBe("justification");
    expect(
      (await call(t.app, "POST", `${base}/evaluation`, s.checker, { justification: "Too short." }))
        .statusCode,
    ).toBe(400);
    expect(await rowCounts()).toEqual(after);
  });
});

describe("the compliance pages", () => {
  it("show each bid with its outcome, the three-bid warning, and the justification field", async () => {
    const page = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/compliance`,
      headers: { cookie: s.checker?.cookie as string },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Compliance check");
    expect(page.body).toContain("Millbrook Carers&#39; Trust");
    expect(page.body).toContain("Not met: Not registered with the CQC for personal care");
    expect(page.body).toContain("2 of 3 bids compliant");
    expect(page.body).toContain('name="justification"');
    expect(page.body).toContain("Start evaluation");
    // Public: to sign in.
    const anonymous = await t.app.inject({ url: `${pages}/tenders/${tenderId}/compliance` });
    expect(anonymous.statusCode).toBe(303);
  });

  it("a bid's decision form shows errors with a summary, then saves and returns to the check", async () => {
    const url = `${pages}/tenders/${tenderId}/compliance/bids/${bids.company}`;
    const form = await t.app.inject({ url, headers: { cookie: s.checker?.cookie as string } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="conditions.1.met"');
    expect(form.body).toContain("Save decision");
    const blank = await postForm(t.app, s.checker as TestSession, url, {});
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain("govuk-error-summary");
    expect(blank.body).toContain('href="#conditions.1.met"');
    const unreasoned = await postForm(t.app, s.checker as TestSession, url, {
      "conditions.1.met": "no",
      outcome: "excluded",
    });
    expect(unreasoned.statusCode).toBe(422);
    expect(unreasoned.body).toContain('href="#conditions.1.reason"');
    const saved = await postForm(t.app, s.checker as TestSession, url, {
      "conditions.1.met": "yes",
      outcome: "compliant",
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toMatch(/\/compliance\?notice=decided/);
    // A reader who does not decide gets no form.
    expect((await t.app.inject({ url, headers: { cookie: s.opener?.cookie as string } })).statusCode).toBe(
      403,
    );
  });

  it("starting evaluation from the page needs the justification, then fixes the check", async () => {
    const url = `${pages}/tenders/${tenderId}/evaluation`;
    const missing = await postForm(t.app, s.checker as TestSession, url, {});
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('href="#justification"');
    const justification =
      "Home care in the hills has few providers; all 14 on the framework were invited and 3 bid, 2 compliant.";
    const started = await postForm(t.app, s.checker as TestSession, url, { justification });
    expect(started.statusCode).toBe(303);
    const page = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/compliance`,
      headers: { cookie: s.checker?.cookie as string },
    });
    expect(page.body).toContain("Evaluation started");
    expect(page.body).toContain(justification);
    expect(page.body).not.toContain('name="justification"');
    const again = await postForm(t.app, s.checker as TestSession, url, { justification });
    expect(again.statusCode).toBe(409);
  });
});

describe("the register of reserved contracts", () => {
  const award = {
    organisationId: DEMO_ORGANISATION.communityHealthMutual,
    categoryCode: "domiciliary-care",
    awardedOn: "2025-04-01",
    title: "Home care in Wesford",
  };

  it("is public; records for the authority's editors only, naming each field at fault", async () => {
    const before = await rowCounts();
    const url = `${api}/reserved-awards`;
    expect((await call(t.app, "POST", url, undefined, { nonsense: 1 })).statusCode).toBe(401);
    expect((await call(t.app, "POST", url, s.opener, award)).statusCode).toBe(403);
    expect((await call(t.app, "POST", url, s.charity, award)).statusCode).toBe(403);
    const bad = await call(t.app, "POST", url, s.commissioner, { ...award, awardedOn: "1 April", title: "" });
    expect(bad.statusCode).toBe(400);
    const notReservable = await call(t.app, "POST", url, s.commissioner, {
      ...award,
      categoryCode: "waste-collection",
    });
    expect(notReservable.statusCode).toBe(422);
    expect(await rowCounts()).toEqual(before);
    const created = await call(t.app, "POST", url, s.commissioner, { ...award, reference: "WCC-HC-1" });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      source: "recorded",
      reference: "WCC-HC-1",
      awardedOn: "2025-04-01",
    });
    const list = await call(t.app, "GET", url);
    expect(list.statusCode).toBe(200);
    expect(list.json().awards.map((a: { title: string }) => a.title)).toContain("Home care in Wesford");
  });

  it("its page lists the contracts and takes new ones from editors, with errors shown", async () => {
    const url = `${pages}/reserved-awards`;
    const page = await t.app.inject({ url });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Home care in Wesford");
    expect(page.body).not.toContain("Record the contract");
    const editor = await t.app.inject({ url, headers: { cookie: s.commissioner?.cookie as string } });
    expect(editor.body).toContain("Record the contract");
    const blank = await postForm(t.app, s.commissioner as TestSession, url, {});
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('href="#organisationId"');
    const saved = await postForm(t.app, s.commissioner as TestSession, url, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      categoryCode: "adult-social-care",
      title: "Day opportunities",
      "awardedOn-day": "2",
      "awardedOn-month": "6",
      "awardedOn-year": "2025",
    });
    expect(saved.statusCode).toBe(303);
    expect((await t.app.inject({ url })).body).toContain("Day opportunities");
  });
});
