/**
 * The compliance check, the start of evaluation and the register of reserved contracts through HTTP
 * (app.inject), API and pages: every refusal with its status (401 before the body, 400 naming each
 * field, 403, 404, 409, 422) leaves the tables as they were; the pages render each bid, the
 * three-bid warning and its justification field, and show form errors with a summary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { loadGrants } from "../access/access.service.ts";
import { type BidsContext, confirmOpening, submitBid } from "../tenders/bids.service.ts";
import { registerInterest } from "../tenders/questions.service.ts";
import { createTender, publishTender, tenderOf } from "../tenders/tenders.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const COUNTY = DEMO_AUTHORITY.county;
const api = `/api/v1/authorities/${COUNTY}`;
const pages = "/authorities/westshire-county-council";
let t: TestApp;
let ctx: BidsContext;
const s: Record<string, TestSession> = {};
const principals: Record<string, Principal> = {};
let tenderId: string;
const bids: Record<string, string> = {};

const call = (method: "GET" | "POST" | "PUT", url: string, session?: TestSession, given?: unknown) => {
  const body = given === undefined && method !== "GET" ? {} : given;
  return t.app.inject({
    method,
    url,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(session ? { cookie: session.cookie } : {}),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
};

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
  const db = t.deps.db;
  ctx = {
    db,
    clock,
    keys: t.deps.tenderKeys as BidsContext["keys"],
    email: false,
    maxDocumentBytes: 1024 * 1024,
  };
  const make = async (name: string, grants: { role: Role; scopeId?: string }[]) => {
    const user = await createUser(db, { grants, displayName: `Test ${name}` });
    principals[name] = {
      userId: user.id,
      displayName: name,
      grants: await loadGrants(db, user.id),
      via: "session",
      twoFactor: true,
    };
  };
  await make("checker", [
    { role: "commissioner", scopeId: COUNTY },
    { role: "bid-opener", scopeId: COUNTY },
  ]);
  await make("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await make("opener", [{ role: "bid-opener", scopeId: COUNTY }]);
  await make("charity", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await make("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await make("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  const as = (name: string) => principals[name] as Principal;

  // A tender with three bids, opened by two bid openers.
  tenderId = await transaction(db, (trx) =>
    createTender(trx, clock, as("commissioner"), COUNTY, {
      projectId: DEMO_PROJECT.countyHomeCare,
      title: "Home care in the hills",
      description: "Home care across the Westshire hills.",
      procedure: "open",
      pricingMode: "competitive",
      contractTermMonths: 36,
      vatTreatment: "exempt",
      clarificationDeadline: "2027-01-08T12:00:00Z",
      submissionDeadline: "2027-01-15T12:00:00Z",
      conditions: ["Registered with the Care Quality Commission"],
      criteria: [
        { kind: "quality", title: "Quality", weightBp: 7000 },
        { kind: "price", title: "Price", weightBp: 3000 },
      ],
    }),
  );
  const keys = ctx.keys;
  await transaction(db, (trx) =>
    publishTender(trx, clock, as("commissioner"), COUNTY, tenderId, { keys, minimumPeriodDays: 25 }),
  );
  const view = await tenderOf(db, clock, as("commissioner"), COUNTY, tenderId);
  const answers = view.parts.criteria
    .filter((c) => c.kind !== "price")
    .map((c) => ({ criterionId: c.id, text: "How we meet it" }));
  for (const [who, organisationId] of [
    ["charity", DEMO_ORGANISATION.carersTrust],
    ["mutual", DEMO_ORGANISATION.communityHealthMutual],
    ["company", DEMO_ORGANISATION.homesGroup],
  ] as const) {
    const submitted = await transaction(db, async (trx) => {
      await registerInterest(trx, clock, as(who), COUNTY, tenderId, organisationId);
      return submitBid(trx, ctx, as(who), COUNTY, tenderId, { organisationId, answers, price: "£1,000" });
    });
    bids[who] = submitted.receipt.bidId;
  }
  clock.set(new Date("2027-01-20T10:00:00Z"));
  await confirmOpening(ctx, as("checker"), COUNTY, tenderId);
  await confirmOpening(ctx, as("opener"), COUNTY, tenderId);
  for (const name of Object.keys(principals))
    s[name] = await sessionFor(t.app, (principals[name] as Principal).userId, { twoFactor: true });
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("the compliance API", () => {
  it("shows the check to readers of the opened bids only", async () => {
    const url = `${api}/tenders/${tenderId}/compliance`;
    expect((await call("GET", url)).statusCode).toBe(401);
    expect((await call("GET", url, s.charity)).statusCode).toBe(403);
    expect((await call("GET", url, s.commissioner)).statusCode).toBe(403);
    const read = await call("GET", url, s.opener);
    expect(read.statusCode).toBe(200);
    const body = read.json();
    expect(body.bids.map((b: { bidder: { name: string } }) => b.bidder.name).sort()).toEqual([
      "Millbrook Carers' Trust",
      "Westshire Community Health CIC",
      "Westshire Homes Group",
    ]);
    expect(body).toMatchObject({ state: "checking", counts: { undecided: 3 }, justificationNeeded: true });
    const demo = (await call("GET", `${api}/tenders/${DEMO_TENDER.opened}/compliance`, s.checker)).json();
    expect(demo).toMatchObject({
      state: "evaluating",
      counts: { compliant: 3 },
      evaluation: { compliantCount: 3 },
    });
  });

  it("refuses decisions with the house status codes, writing nothing", async () => {
    const before = await rowCounts();
    const url = `${api}/tenders/${tenderId}/compliance/bids/${bids.charity}`;
    expect((await call("PUT", url, undefined, { nonsense: true })).statusCode).toBe(401);
    const bad = await call("PUT", url, s.checker, {
      conditions: [{ position: 0, met: "yes" }],
      outcome: "maybe",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.length).toBeGreaterThanOrEqual(2);
    expect((await call("PUT", url, s.opener, met)).statusCode).toBe(403);
    expect((await call("PUT", url, s.commissioner, met)).statusCode).toBe(403);
    expect((await call("PUT", url, s.charity, met)).statusCode).toBe(403);
    expect(
      (await call("PUT", `${api}/tenders/${tenderId}/compliance/bids/${DEMO_TENDER.open}`, s.checker, met))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await call(
          "PUT",
          `${api}/tenders/${DEMO_TENDER.open}/compliance/bids/${bids.charity}`,
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
    const unreasoned = await call("PUT", url, s.checker, {
      conditions: [{ position: 1, met: false }],
      outcome: "excluded",
    });
    expect(unreasoned.statusCode).toBe(422);
    expect(unreasoned.json().error.details[0].field).toBe("conditions.1.reason");
    expect((await call("PUT", url, s.checker, { ...met, outcome: "excluded" })).statusCode).toBe(422);
    expect(await rowCounts()).toEqual(before);
  });

  it("records decisions, then starts evaluation under the three-bid rule", async () => {
    const base = `${api}/tenders/${tenderId}`;
    const excluded = await call("PUT", `${base}/compliance/bids/${bids.charity}`, s.checker, {
      conditions: [{ position: 1, met: false, reason: "Not registered with the CQC for personal care" }],
      outcome: "excluded",
    });
    expect(excluded.statusCode).toBe(200);
    expect(excluded.json()).toMatchObject({ outcome: "excluded", previous: null });
    expect((await call("PUT", `${base}/compliance/bids/${bids.mutual}`, s.checker, met)).statusCode).toBe(
      200,
    );

    const before = await rowCounts();
    const undecided = await call("POST", `${base}/evaluation`, s.checker, {});
    expect(undecided.statusCode).toBe(422);
    expect(undecided.json().error.details[0].field).toBe(`bids.${bids.company}`);
    expect((await call("POST", `${base}/evaluation`, undefined, { x: 1 })).statusCode).toBe(401);
    expect((await call("POST", `${base}/evaluation`, s.opener, {})).statusCode).toBe(403);
    expect((await call("PUT", `${base}/compliance/bids/${bids.company}`, s.checker, met)).statusCode).toBe(
      200,
    );
    const after = await rowCounts();
    expect(after.compliance_decisions).toBe((before.compliance_decisions ?? 0) + 1);

    const unjustified = await call("POST", `${base}/evaluation`, s.checker, {});
    expect(unjustified.statusCode).toBe(422);
    expect(unjustified.json().error.details[0].field).toBe("justification");
    expect(
      (await call("POST", `${base}/evaluation`, s.checker, { justification: "Too short." })).statusCode,
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
    expect((await call("POST", url, undefined, { nonsense: 1 })).statusCode).toBe(401);
    expect((await call("POST", url, s.opener, award)).statusCode).toBe(403);
    expect((await call("POST", url, s.charity, award)).statusCode).toBe(403);
    const bad = await call("POST", url, s.commissioner, { ...award, awardedOn: "1 April", title: "" });
    expect(bad.statusCode).toBe(400);
    const notReservable = await call("POST", url, s.commissioner, {
      ...award,
      categoryCode: "waste-collection",
    });
    expect(notReservable.statusCode).toBe(422);
    expect(await rowCounts()).toEqual(before);
    const created = await call("POST", url, s.commissioner, { ...award, reference: "WCC-HC-1" });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      source: "recorded",
      reference: "WCC-HC-1",
      awardedOn: "2025-04-01",
    });
    const list = await call("GET", url);
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
