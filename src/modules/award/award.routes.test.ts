/**
 * The award through HTTP (app.inject), API and pages: a commissioner awards from the ranking (errors
 * shown), the notice is public with its standstill end, a bidder sees its assessment summaries and
 * challenges, and the commissioner records the outcome; every refusal leaves the tables as they were.
 * The tender comes to the award through the evaluation services: the evaluator's scores, submitted,
 * and the agreed scores.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { COUNTY, people, START } from "../compliance/compliance.test-fixtures.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import { scoresOf, valleysTender } from "../evaluation/evaluation.test-fixtures.ts";
import { moderateBid } from "../evaluation/moderation.service.ts";
import { recordScores, submitScores } from "../evaluation/scores.service.ts";

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

afterAll(async () => {
  await t?.close();
});

beforeAll(async () => {
  await setUp();
  // Scored 8, 8 and 5, then agreed 8, 8 and 4: the charity's lower price ranks it first.
  const leaves = criteria.map((id) => ({ id }));
  await declareConflicts(p.ctx("evaluator"), COUNTY, tenderId, { conflict: false });
  for (const [who, score] of [
    ["charity", 8],
    ["mutual", 8],
    ["company", 5],
  ] as const)
    await recordScores(
      p.ctx("evaluator"),
      COUNTY,
      tenderId,
      bids[who] as string,
      scoresOf(leaves, score, `Scored ${score}`),
    );
  await submitScores(p.ctx("evaluator"), COUNTY, tenderId);
  for (const [who, score] of [
    ["charity", 8],
    ["mutual", 8],
    ["company", 4],
  ] as const)
    await moderateBid(
      p.ctx("checker"),
      COUNTY,
      tenderId,
      bids[who] as string,
      scoresOf(leaves, score, `Agreed ${score}`),
    );
}, 240_000);

describe("the pages, from the award to the challenge", () => {
  it("the commissioner awards from the award form, errors shown", async () => {
    const cookie = s.checker?.cookie as string;
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
    // The form said the winner's score out of 100, as every page says scores.
    expect(form.body).toMatch(/with [\d.]+ points out of 100/);
  });

  it("the notice is public, with the standstill end; a bidder sees its summary and challenges", async () => {
    const notice = await t.app.inject({ url: `${pages}/tenders/${tenderId}/award` });
    expect(notice.statusCode).toBe(200);
    expect(notice.body).toContain("midnight at the end of 29 January 2027");
    expect(notice.body).toContain("In standstill");
    expect(notice.body).toContain("Scores in points out of 100");
    expect(notice.body).not.toContain("Challenge this award");
    // The tender's own page and the list say the stage it has reached, not "Bids opened".
    const tenderPage = mainText((await t.app.inject({ url: `${pages}/tenders/${tenderId}` })).body);
    expect(tenderPage).toContain("Awarded: in standstill");
    expect(tenderPage).not.toContain("Bids opened");
    expect(mainText((await t.app.inject({ url: `${pages}/tenders` })).body)).toMatch(
      /Home care in the valleys – [^–]+ Awarded: in standstill/,
    );
    const overview = await t.app.inject({
      url: `${pages}/tenders/${tenderId}/evaluation`,
      headers: { cookie: s.commissioner?.cookie as string },
    });
    expect(overview.body).toContain("The standstill period ends at midnight at the end of 29 January 2027");
    const json = (await call(t.app, "GET", `${api}/tenders/${tenderId}/award`)).json();
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
    expect(mainText(summaries.body)).toMatch(/Your bid ranked 2 with [\d.]+ points out of 100/);
    expect(summaries.body).not.toContain(" bp");
    expect(
      (
        await call(
          t.app,
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
    expect(mainText((await t.app.inject({ url: `${pages}/tenders/${tenderId}` })).body)).toContain(
      "Awarded: suspended by a challenge",
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
      t.app,
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
