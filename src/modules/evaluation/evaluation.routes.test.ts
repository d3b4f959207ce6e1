/**
 * Evaluation through HTTP (app.inject), API and pages: every refusal with its status (401 before the
 * body, 400 naming each field, 403, 404, 409, 422) leaves the tables as they were; the pages take an
 * evaluator from the declaration through the scoresheet and a commissioner through moderation and
 * the ranking. The award's pages are tested in src/modules/award/award.routes.test.ts.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { COUNTY, people, START } from "../compliance/compliance.test-fixtures.ts";
import { valleysTender } from "./evaluation.test-fixtures.ts";

const clock = settableClock(START);
const api = `/api/v1/authorities/${COUNTY}`;
const pages = "/authorities/westshire-county-council";
let t: TestApp;
const p = people(() => t.deps.db, clock, { displayName: (name) => `Test ${name}` });
const s: Record<string, TestSession> = {};
let tenderId: string;
let bids: Record<string, string> = {};
let criteria: string[] = [];

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

/** The people of these tests, and the valleys tender: compliant bids, evaluation started, an evaluator assigned. */
async function setUp(): Promise<void> {
  t = await createTestApp({ clock, seeded: true });
  await p.add("checker", [
    { role: "commissioner", scopeId: COUNTY },
    { role: "bid-opener", scopeId: COUNTY },
  ]);
  await p.add("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await p.add("opener", [{ role: "bid-opener", scopeId: COUNTY }]);
  await p.add("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await p.add("other", [{ role: "evaluator", scopeId: COUNTY }]);
  await p.add("charity", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await p.add("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await p.add("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  const valleys = await valleysTender(p, clock, {
    charity: DEMO_ORGANISATION.carersTrust,
    mutual: DEMO_ORGANISATION.communityHealthMutual,
    company: DEMO_ORGANISATION.homesGroup,
  });
  tenderId = valleys.tenderId;
  bids = valleys.bid;
  criteria = valleys.criteria.map((c) => c.id);
  for (const name of [
    "checker",
    "commissioner",
    "opener",
    "evaluator",
    "other",
    "charity",
    "mutual",
    "company",
  ])
    s[name] = await sessionFor(t.app, p.as(name).userId, { twoFactor: true });
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

afterAll(async () => {
  await t?.close();
});

beforeAll(setUp, 240_000);

describe("the evaluation API", () => {
  it("refuses scoring before a declaration, off the scale, without a reason, by others — writing nothing", async () => {
    const before = await rowCounts();
    const base = `${api}/tenders/${tenderId}/evaluation`;
    expect(
      (await call(t.app, "PUT", `${base}/declaration`, undefined, { conflict: "maybe" })).statusCode,
    ).toBe(401);
    const bad = await call(t.app, "PUT", `${base}/declaration`, s.evaluator, { conflict: "maybe" });
    expect(bad.statusCode).toBe(400);
    const early = await call(t.app, "PUT", `${base}/bids/${bids.charity}/scores`, s.evaluator, scores(5));
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe("declaration_required");
    expect(
      (await call(t.app, "PUT", `${base}/bids/${bids.charity}/scores`, s.other, scores(5))).statusCode,
    ).toBe(403);
    expect(
      (await call(t.app, "PUT", `${base}/bids/${bids.charity}/scores`, s.checker, scores(5))).statusCode,
    ).toBe(403);
    expect((await call(t.app, "PUT", `${base}/declaration`, s.other, { conflict: false })).statusCode).toBe(
      403,
    );
    expect(await rowCounts()).toEqual(before);

    expect(
      (await call(t.app, "PUT", `${base}/declaration`, s.evaluator, { conflict: false })).json(),
    ).toEqual({
      declaration: "none",
    });
    const off = await call(t.app, "PUT", `${base}/bids/${bids.charity}/scores`, s.evaluator, scores(11));
    expect(off.statusCode).toBe(400);
    expect(off.json().error.details[0].field).toBe(`scores.${criteria[0]}.score`);
    const unreasoned = await call(
      t.app,
      "PUT",
      `${base}/bids/${bids.charity}/scores`,
      s.evaluator,
      scores(5, ""),
    );
    expect(unreasoned.statusCode).toBe(400);
    expect(
      (await call(t.app, "PUT", `${base}/bids/${DEMO_AUTHORITY.county}/scores`, s.evaluator, scores(5)))
        .statusCode,
    ).toBe(404);
    expect((await call(t.app, "POST", `${base}/submission`, s.evaluator)).statusCode).toBe(422);
    // Another evaluator's scores: 403 before moderation.
    expect(
      (await call(t.app, "GET", `${base}/evaluators/${p.as("evaluator").userId}/scores`, s.checker))
        .statusCode,
    ).toBe(403);
    const award = await call(t.app, "POST", `${api}/tenders/${tenderId}/award`, s.checker, {});
    expect(award.statusCode).toBe(409);
    expect(award.json().error.code).toBe("scoring_incomplete");
    expect(await rowCounts()).toEqual({
      ...before,
      evaluator_declarations: (before.evaluator_declarations ?? 0) + 1,
    });
  });

  it("shows the progress to the tender team and not to others", async () => {
    const url = `${api}/tenders/${tenderId}/evaluation`;
    expect((await call(t.app, "GET", url)).statusCode).toBe(401);
    expect((await call(t.app, "GET", url, s.charity)).statusCode).toBe(403);
    const body = (await call(t.app, "GET", url, s.commissioner)).json();
    expect(body).toMatchObject({ state: "scoring", moderationOpen: false, unmoderated: 3 });
    expect(body.evaluators).toEqual([
      expect.objectContaining({ name: "Test evaluator", declaration: "none", submittedAt: null }),
    ]);
  });
});

describe("the pages, from scoresheet to ranking", () => {
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

  it("the commissioner moderates and sees the ranking's working", async () => {
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
    expect(ranking.body).toContain("£1,000.00 ÷ £1,100.00 × 30 = 27.2727");
  });
});
