/**
 * Evaluation to award through HTTP (app.inject), API and pages: every refusal with its status (401
 * before the body, 400 naming each field, 403, 404, 409, 422) leaves the tables as they were; the
 * pages take an evaluator from the declaration through the scoresheet, a commissioner through
 * moderation, the ranking and the award, a bidder to the notice, its assessment summaries and a
 * challenge, and the commissioner to the outcome.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { loadGrants, type Principal, type Role, requireAuthorityEditor } from "../access/access.service.ts";
import { assignEvaluator, type BidsContext, confirmOpening, submitBid } from "../tenders/bids.service.ts";
import { registerInterest } from "../tenders/questions.service.ts";
import { createTender, publishTender, tenderOf } from "../tenders/tenders.service.ts";
import { recordDecision, startEvaluation } from "./compliance.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const COUNTY = DEMO_AUTHORITY.county;
const api = `/api/v1/authorities/${COUNTY}`;
const pages = "/authorities/westshire-county-council";
let t: TestApp;
const s: Record<string, TestSession> = {};
const principals: Record<string, Principal> = {};
let tenderId: string;
const bids: Record<string, string> = {};
let criteria: string[] = [];

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
    "evaluator_declarations",
    "evaluation_scores",
    "evaluation_submissions",
    "moderated_scores",
    "tender_awards",
    "award_challenges",
  ])
    counts[table] = Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.deps.db)).rows[0]?.n,
    );
  return counts;
}

const scores = (score: number, reason = "Well evidenced") => ({
  scores: criteria.map((criterionId) => ({ criterionId, score, reason })),
});
const scoreForm = (score: string, reason: string) =>
  Object.fromEntries(
    criteria.flatMap((id) => [
      [`scores.${id}.score`, score],
      [`scores.${id}.reason`, reason],
    ]),
  );

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  const db = t.deps.db;
  const ctx: BidsContext = {
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
  await make("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await make("other", [{ role: "evaluator", scopeId: COUNTY }]);
  await make("charity", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await make("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await make("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  const as = (name: string) => principals[name] as Principal;

  tenderId = await transaction(db, (trx) =>
    createTender(trx, clock, as("commissioner"), COUNTY, {
      projectId: DEMO_PROJECT.countyHomeCare,
      title: "Home care in the valleys",
      description: "Home care across the Westshire valleys.",
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
  await transaction(db, (trx) =>
    publishTender(trx, clock, as("commissioner"), COUNTY, tenderId, {
      keys: ctx.keys,
      minimumPeriodDays: 25,
    }),
  );
  const view = await tenderOf(db, clock, as("commissioner"), COUNTY, tenderId);
  criteria = view.parts.criteria.filter((c) => c.kind !== "price").map((c) => c.id);
  const answers = criteria.map((criterionId) => ({ criterionId, text: "How we meet it" }));
  for (const [who, organisationId, price] of [
    ["charity", DEMO_ORGANISATION.carersTrust, "£1,000"],
    ["mutual", DEMO_ORGANISATION.communityHealthMutual, "£1,100"],
    ["company", DEMO_ORGANISATION.homesGroup, "£1,300"],
  ] as const) {
    const submitted = await transaction(db, async (trx) => {
      await registerInterest(trx, clock, as(who), COUNTY, tenderId, organisationId);
      return submitBid(trx, ctx, as(who), COUNTY, tenderId, { organisationId, answers, price });
    });
    bids[who] = submitted.receipt.bidId;
  }
  clock.set(new Date("2027-01-20T10:00:00Z"));
  await confirmOpening(ctx, as("checker"), COUNTY, tenderId);
  await confirmOpening(ctx, as("opener"), COUNTY, tenderId);
  for (const id of Object.values(bids))
    await recordDecision(ctx, as("checker"), COUNTY, tenderId, id, {
      conditions: [{ position: 1, met: true }],
      outcome: "compliant",
    });
  await startEvaluation(ctx, as("checker"), COUNTY, tenderId, {});
  await transaction(db, (trx) =>
    assignEvaluator(
      trx,
      clock,
      as("commissioner"),
      COUNTY,
      tenderId,
      as("evaluator").userId,
      requireAuthorityEditor,
    ),
  );
  for (const name of Object.keys(principals))
    s[name] = await sessionFor(t.app, (principals[name] as Principal).userId, { twoFactor: true });
}, 240_000);

afterAll(async () => {
  await t?.close();
});

describe("the evaluation API", () => {
  it("refuses scoring before a declaration, off the scale, without a reason, by others — writing nothing", async () => {
    const before = await rowCounts();
    const base = `${api}/tenders/${tenderId}/evaluation`;
    expect((await call("PUT", `${base}/declaration`, undefined, { conflict: "maybe" })).statusCode).toBe(401);
    const bad = await call("PUT", `${base}/declaration`, s.evaluator, { conflict: "maybe" });
    expect(bad.statusCode).toBe(400);
    const early = await call("PUT", `${base}/bids/${bids.charity}/scores`, s.evaluator, scores(5));
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe("declaration_required");
    expect((await call("PUT", `${base}/bids/${bids.charity}/scores`, s.other, scores(5))).statusCode).toBe(
      403,
    );
    expect((await call("PUT", `${base}/bids/${bids.charity}/scores`, s.checker, scores(5))).statusCode).toBe(
      403,
    );
    expect((await call("PUT", `${base}/declaration`, s.other, { conflict: false })).statusCode).toBe(403);
    expect(await rowCounts()).toEqual(before);

    expect((await call("PUT", `${base}/declaration`, s.evaluator, { conflict: false })).json()).toEqual({
      declaration: "none",
    });
    const off = await call("PUT", `${base}/bids/${bids.charity}/scores`, s.evaluator, scores(11));
    expect(off.statusCode).toBe(400);
    expect(off.json().error.details[0].field).toBe(`scores.${criteria[0]}.score`);
    const unreasoned = await call("PUT", `${base}/bids/${bids.charity}/scores`, s.evaluator, scores(5, ""));
    expect(unreasoned.statusCode).toBe(400);
    expect(
      (await call("PUT", `${base}/bids/${DEMO_AUTHORITY.county}/scores`, s.evaluator, scores(5))).statusCode,
    ).toBe(404);
    expect((await call("POST", `${base}/submission`, s.evaluator)).statusCode).toBe(422);
    // Another evaluator's scores: 403 before moderation.
    expect(
      (await call("GET", `${base}/evaluators/${principals.evaluator?.userId}/scores`, s.checker)).statusCode,
    ).toBe(403);
    const award = await call("POST", `${api}/tenders/${tenderId}/award`, s.checker, {});
    expect(award.statusCode).toBe(409);
    expect(award.json().error.code).toBe("scoring_incomplete");
    expect(await rowCounts()).toEqual({
      ...before,
      evaluator_declarations: (before.evaluator_declarations ?? 0) + 1,
    });
  });

  it("shows the progress to the tender team and not to others", async () => {
    const url = `${api}/tenders/${tenderId}/evaluation`;
    expect((await call("GET", url)).statusCode).toBe(401);
    expect((await call("GET", url, s.charity)).statusCode).toBe(403);
    const body = (await call("GET", url, s.commissioner)).json();
    expect(body).toMatchObject({ state: "scoring", moderationOpen: false, unmoderated: 3 });
    expect(body.evaluators).toEqual([
      expect.objectContaining({ name: "Test evaluator", declaration: "none", submittedAt: null }),
    ]);
  });
});

describe("the pages, from scoresheet to challenge", () => {
  it("an evaluator scores each bid on its page (errors shown with a summary) and submits", async () => {
    const overview = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/evaluation`,
      headers: { cookie: s.evaluator?.cookie as string },
    });
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain("Score the bid from Millbrook Carers&#39; Trust");
    const url = `${pages}/tenders/${tenderId}/evaluation/bids/${bids.charity}`;
    const form = await t.app.inject({ url, headers: { cookie: s.evaluator?.cookie as string } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("How we meet it");
    const blank = await postForm(t.app, s.evaluator as TestSession, url, scoreForm("12", ""));
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain("govuk-error-summary");
    expect(blank.body).toContain(`href="#scores.${criteria[0]}.score"`);
    for (const [who, score] of [
      ["charity", "8"],
      ["mutual", "8"],
      ["company", "5"],
    ] as const) {
      const saved = await postForm(
        t.app,
        s.evaluator as TestSession,
        `${pages}/tenders/${tenderId}/evaluation/bids/${bids[who]}`,
        scoreForm(score, `Scored ${score}`),
      );
      expect(saved.statusCode).toBe(303);
    }
    const submitted = await postForm(
      t.app,
      s.evaluator as TestSession,
      `${pages}/tenders/${tenderId}/evaluation/submission`,
      {},
    );
    expect(submitted.statusCode).toBe(303);
  });

  it("the commissioner moderates, sees the ranking's working and awards", async () => {
    const cookie = s.checker?.cookie as string;
    const moderation = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/moderation`,
      headers: { cookie },
    });
    expect(moderation.statusCode).toBe(200);
    expect(moderation.body).toContain("Scored 8");
    for (const [who, score] of [
      ["charity", "8"],
      ["mutual", "8"],
      ["company", "4"],
    ] as const) {
      const saved = await postForm(
        t.app,
        s.checker as TestSession,
        `${pages}/tenders/${tenderId}/moderation/bids/${bids[who]}`,
        scoreForm(score, `Agreed ${score}`),
      );
      expect(saved.statusCode).toBe(303);
    }
    const ranking = await t.app.inject({ url: `${pages}/tenders/${tenderId}/ranking`, headers: { cookie } });
    expect(ranking.statusCode).toBe(200);
    expect(ranking.body).toContain("£1,000.00 ÷ £1,100.00 × 3,000 bp = 2,727.27 bp");
    const form = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/award/decide`,
      headers: { cookie },
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain("Millbrook Carers&#39; Trust");
    const before = await rowCounts();
    const wrong = await postForm(
      t.app,
      s.checker as TestSession,
      `${pages}/tenders/${tenderId}/award/decide`,
      {
        regulatedActivity: "personal-care",
      },
    );
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain("has no current registration for the regulated activity");
    expect(await rowCounts()).toEqual(before);
    const awarded = await postForm(
      t.app,
      s.checker as TestSession,
      `${pages}/tenders/${tenderId}/award/decide`,
      {
        regulatedActivity: "",
      },
    );
    expect(awarded.statusCode).toBe(303);
    expect(awarded.headers.location).toBe(`${pages}/tenders/${tenderId}/award?notice=awarded`);
  });

  it("the notice is public, with the standstill end; a bidder sees its summary and challenges", async () => {
    const notice = await t.app.inject({ url: `${pages}/tenders/${tenderId}/award` });
    expect(notice.statusCode).toBe(200);
    expect(notice.body).toContain("midnight at the end of 29 January 2027");
    expect(notice.body).toContain("In standstill");
    expect(notice.body).not.toContain("Challenge this award");
    const overview = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/evaluation`,
      headers: { cookie: s.commissioner?.cookie as string },
    });
    expect(overview.body).toContain("The standstill period ends at midnight at the end of 29 January 2027");
    const json = (await call("GET", `${api}/tenders/${tenderId}/award`)).json();
    expect(json).toMatchObject({
      state: "standstill",
      supplier: { name: "Millbrook Carers' Trust" },
      valuePence: "100000",
      standstillEndsAt: "2027-01-30T00:00:00.000Z",
    });
    expect(json.ranking.map((r: { bidder: string | null }) => r.bidder)).toEqual([
      "Millbrook Carers' Trust",
      null,
      null,
    ]);
    const summaries = await t.app.inject({
      url: `/organisations/${DEMO_ORGANISATION.communityHealthMutual}/assessments`,
      headers: { cookie: s.mutual?.cookie as string },
    });
    expect(summaries.statusCode).toBe(200);
    expect(summaries.body).toContain("Home care in the valleys");
    expect(summaries.body).toContain("Agreed 8");
    expect(
      (
        await call(
          "GET",
          `/api/v1/organisations/${DEMO_ORGANISATION.communityHealthMutual}/assessments`,
          s.charity,
        )
      ).statusCode,
    ).toBe(403);
    const asMutual = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/award`,
      headers: { cookie: s.mutual?.cookie as string },
    });
    expect(asMutual.body).toContain("Challenge this award");
    const url = `${pages}/tenders/${tenderId}/award/challenge`;
    expect((await t.app.inject({ url, headers: { cookie: s.mutual?.cookie as string } })).statusCode).toBe(
      200,
    );
    expect((await t.app.inject({ url, headers: { cookie: s.checker?.cookie as string } })).statusCode).toBe(
      403,
    );
    const blank = await postForm(t.app, s.mutual as TestSession, url, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      grounds: "",
    });
    expect(blank.statusCode).toBe(400);
    const lodged = await postForm(t.app, s.mutual as TestSession, url, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      grounds: "Our quality answer was marked down for a reason not in the criteria.",
    });
    expect(lodged.statusCode).toBe(303);
    expect((await t.app.inject({ url: `${pages}/tenders/${tenderId}/award` })).body).toContain(
      "Suspended: challenged",
    );
  });

  it("the commissioner records the outcome; the API refuses a second one (409)", async () => {
    const [challenge] = await t.deps.db
      .selectFrom("award_challenges")
      .select("id")
      .where("tender_id", "=", tenderId)
      .execute();
    const url = `${pages}/tenders/${tenderId}/award/challenges/${challenge?.id}`;
    const page = await t.app.inject({ url, headers: { cookie: s.checker?.cookie as string } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("marked down for a reason not in the criteria");
    expect((await t.app.inject({ url, headers: { cookie: s.mutual?.cookie as string } })).statusCode).toBe(
      403,
    );
    const blank = await postForm(t.app, s.checker as TestSession, url, {});
    expect(blank.statusCode).toBe(400);
    const decided = await postForm(t.app, s.checker as TestSession, url, {
      outcome: "dismissed",
      reason: "The quality answer was marked against the published criterion.",
    });
    expect(decided.statusCode).toBe(303);
    expect((await t.app.inject({ url: `${pages}/tenders/${tenderId}/award` })).body).toContain(
      "In standstill",
    );
    const again = await call(
      "POST",
      `${api}/tenders/${tenderId}/award/challenges/${challenge?.id}/outcome`,
      s.checker,
      {
        outcome: "dismissed",
        reason: "Again",
      },
    );
    expect(again.statusCode).toBe(409);
  });
});
