/**
 * Sample audits through HTTP (app.inject, one seeded app for the file), on a paid period written by
 * the fixture so that the seed draws the worked example of docs/payment-by-results.md ("Sample
 * audits"; sampling.test.ts checks its arithmetic): 200 paid claims, £240,000.00 paid, 30 sampled,
 * £4,400.00 of £34,800.00 over-paid in the sample — recovery £9,299.28. The sample the database draws
 * is the one sampling.ts draws; refused claims and contract-wide claims (a pooled one) are not in it;
 * a sample below 30 claims is refused (422); the commissioner records findings (API
 * and page) and concludes once all are checked; the recovery is recorded once for the next run; the
 * provider sees the audit and its findings but changes nothing (403); another authority's
 * commissioner gets 404; stale states are 409; every change is on the authority's audit chain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { postForm, sessionFor, type TestSession, userWithRole } from "../../../tests/support/auth.ts";
import { mainText, summaryErrors } from "../../../tests/support/pages.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_CHOICE_MEMBERS } from "../../seed/demo/choice.ts";
import { itemKeyText } from "./audits.service.ts";
import { type PaidPeriodFixture, paidPeriod } from "./audits.test-fixtures.ts";
import { drawSample } from "./sampling.ts";

const COUNTY = DEMO_AUTHORITY.county;
const PROVIDER = DEMO_CHOICE_MEMBERS.greenway;
const SEED = "worked-example";
/** The worked example: the sampled claims' amounts paid and found, in the order the fixture meets them. */
const GROUPS: [number, bigint, bigint][] = [
  [22, 120_000n, 120_000n],
  [3, 120_000n, 0n],
  [2, 80_000n, 80_000n],
  [2, 140_000n, 100_000n],
  [1, 40_000n, 40_000n],
];
const PAID = GROUPS.flatMap(([k, paid]) => Array<bigint>(k).fill(paid));
const FOUND = GROUPS.flatMap(([k, , found]) => Array<bigint>(k).fill(found));
const SAMPLE = PAID.length;

let t: TestApp;
let fx: PaidPeriodFixture;
let slug = "";
const sessions: Record<string, TestSession> = {};
const as = (who: string) => sessions[who] as TestSession;
const api = () => `/api/v1/authorities/${COUNTY}/outcome-contracts/${fx.contractId}/audits`;
const pages = () => `/authorities/${slug}/outcome-contracts/${fx.contractId}/audits`;
let auditId = "";
let users: Record<string, string> = {};
/** The sampled claims in the fixture's order, with what each should have been paid. */
let sampled: { participantId: string; rule: string; metric: string; seq: number; found: bigint }[] = [];

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  const make = userWithRole.bind(null, t.deps.db);
  users = {
    commissioner: await make("commissioner", COUNTY, "Carys Commissioner"),
    admin: await make("authority-admin", COUNTY, "Adam Administrator"),
    provider: await make("organisation-admin", PROVIDER),
    elsewhere: await make("commissioner", DEMO_AUTHORITY.district),
  };
  for (const [who, id] of Object.entries(users))
    sessions[who] = await sessionFor(t.app, id, { twoFactor: true });
  slug = (
    await t.deps.db
      .selectFrom("authorities")
      .select("slug")
      .where("id", "=", COUNTY)
      .executeTakeFirstOrThrow()
  ).slug;
  fx = await paidPeriod(t.deps.db, {
    authorityId: COUNTY,
    organisationId: PROVIDER,
    period: "2027-01",
    participants: 200,
    seed: SEED,
    sampleSize: SAMPLE,
    // The rest: 169 claims of £1,200.00 and one of £2,400.00 — £240,000.00 paid in all.
    amounts: (s, r) => (s >= 0 ? (PAID[s] as bigint) : r === 0 ? 240_000n : 120_000n),
  });
  const drawn = new Set(drawSample(fx.claims, SAMPLE, SEED).map((c) => c.participantId));
  sampled = fx.claims
    .filter((c) => drawn.has(c.participantId))
    .map((c, i) => ({ ...c, found: FOUND[i] as bigint }));
});

afterAll(async () => {
  await t?.close();
});

describe("starting an audit of a paid period", () => {
  it("refuses the provider (403), another authority (404), a period not paid (409), a sample too large or too small (422)", async () => {
    const body = { period: "2027-01", sampleSize: SAMPLE, seed: SEED };
    expect((await call(t.app, "POST", api(), as("provider"), body)).statusCode).toBe(403);
    expect((await call(t.app, "POST", api(), as("elsewhere"), body)).statusCode).toBe(404);
    const notPaid = await call(t.app, "POST", api(), as("commissioner"), { ...body, period: "2027-02" });
    expect([notPaid.statusCode, notPaid.json().error.code]).toEqual([409, "period_not_paid"]);
    const tooLarge = await call(t.app, "POST", api(), as("commissioner"), { ...body, sampleSize: 201 });
    expect([tooLarge.statusCode, tooLarge.json().error.code]).toEqual([422, "sample_too_large"]);
    expect(tooLarge.json().error.message).toContain("has 200 paid claims");
    // Below 30 claims a sample says too little (only a period of fewer is audited in full).
    const tooSmall = await call(t.app, "POST", api(), as("commissioner"), { ...body, sampleSize: 29 });
    expect([tooSmall.statusCode, tooSmall.json().error.code]).toEqual([422, "sample_too_small"]);
  });

  it("draws the sample sampling.ts draws from the seed, from the valid paid claims only", async () => {
    const started = await call(t.app, "POST", api(), as("commissioner"), {
      period: "2027-01",
      sampleSize: SAMPLE,
      seed: SEED,
    });
    expect(started.statusCode).toBe(201);
    const audit = started.json();
    auditId = audit.id;
    expect(audit).toMatchObject({
      status: "open",
      periodStart: "2027-01-01",
      periodEnd: "2027-01-31",
      populationCount: 200,
      // The pooled claim the fixture adds (£50,000.00, contract-wide) is not in the population.
      populationPence: "24000000",
      sampleSize: SAMPLE,
    });
    const got = await call(t.app, "GET", `${api()}/${auditId}`, as("commissioner"));
    expect(got.statusCode).toBe(200);
    const items = got.json().items as { participantId: string; rule: string; paidPence: string }[];
    const paidOf = (id: string) => fx.claims.find((c) => c.participantId === id)?.paidPence;
    expect(items.map((i) => `${i.participantId} ${i.rule} ${i.paidPence}`).sort()).toEqual(
      sampled.map((c) => `${c.participantId} job-outcome ${paidOf(c.participantId)}`).sort(),
    );
    expect(items.map((i) => i.paidPence).sort()).toEqual(PAID.map(String).sort());
    // Each named by the commissioner's reference (the evidence is filed under it), never a name.
    expect(
      items.every((i) =>
        /^AT\d{6}$/.test((i as { participantReference?: string }).participantReference ?? ""),
      ),
    ).toBe(true);
    // The same period again is refused.
    const again = await call(t.app, "POST", api(), as("admin"), { period: "2027-01", sampleSize: SAMPLE });
    expect([again.statusCode, again.json().error.code]).toEqual([409, "period_audited"]);
  });

  it("tells the provider's people the audit has started, once, in English and Welsh, linking to it", async () => {
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["id", "user_id", "subject", "body", "link"])
      .where("kind", "=", "results.audit-started")
      .where("link", "like", `${pages()}/%`)
      .execute();
    // Each of Greenway's people once (the demo's administrator too), the commissioners not; the
    // refused starts told no one: every notice is of this audit.
    const ids = told.map((n) => n.user_id);
    expect(ids).toContain(users.provider);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(users.commissioner);
    expect(ids).not.toContain(users.admin);
    expect(new Set(told.map((n) => n.link))).toEqual(new Set([`${pages()}/${auditId}`]));
    const notice = told.find((n) => n.user_id === users.provider);
    expect(notice).toMatchObject({
      subject: expect.stringMatching(
        /^Sample audit started for OC-\w{8}: 1 January 2027 to 31 January 2027$/,
      ),
      link: `${pages()}/${auditId}`,
    });
    expect(notice?.body).toContain(`${SAMPLE} of the period's 200 paid claims are drawn at random`);
    const inbox = `/inbox/${notice?.id}`;
    const english = await t.app.inject({ url: inbox, headers: { cookie: as("provider").cookie } });
    expect(mainText(english.body)).toContain("You will be told what the audit finds");
    expect(english.body).toContain(`href="${pages()}/${auditId}"`);
    const welsh = mainText(
      (await t.app.inject({ url: inbox, headers: { cookie: `${as("provider").cookie}; lang=cy` } })).body,
    );
    expect(welsh).toContain("Archwiliad sampl wedi dechrau ar gyfer");
    expect(welsh).toContain("1 Ionawr 2027 i 31 Ionawr 2027");
    expect(welsh).toContain(`mae ${SAMPLE} o’r 200 o hawliadau a dalwyd yn y cyfnod wedi’u tynnu ar hap`);
    // The link opens the audit for them: the sample, still being checked.
    const audit = await t.app.inject({ url: notice?.link ?? "", headers: { cookie: as("provider").cookie } });
    expect(audit.statusCode).toBe(200);
  });
});

describe("findings and the conclusion", () => {
  const finding = (c: (typeof sampled)[number], found: string) => ({
    participantId: c.participantId,
    rule: c.rule,
    metric: c.metric,
    seq: c.seq,
    found,
    note: "Checked against the tax record match",
  });

  it("will not conclude before every sampled claim is checked (409); refuses more than was paid (422)", async () => {
    const early = await call(t.app, "POST", `${api()}/${auditId}/conclude`, as("commissioner"));
    expect([early.statusCode, early.json().error.code]).toEqual([409, "items_unchecked"]);
    const first = sampled[0] as (typeof sampled)[number];
    const over = await call(
      t.app,
      "POST",
      `${api()}/${auditId}/findings`,
      as("commissioner"),
      finding(first, "1200.01"),
    );
    expect([over.statusCode, over.json().error.code]).toEqual([422, "found_above_paid"]);
    const provider = await call(
      t.app,
      "POST",
      `${api()}/${auditId}/findings`,
      as("provider"),
      finding(first, "0"),
    );
    expect(provider.statusCode).toBe(403);
    const notSampled = fx.claims.find((c) => !sampled.some((s) => s.participantId === c.participantId));
    const outside = await call(
      t.app,
      "POST",
      `${api()}/${auditId}/findings`,
      as("commissioner"),
      finding({ ...(notSampled as PaidPeriodFixture["claims"][number]), found: 0n }, "0"),
    );
    expect(outside.statusCode).toBe(404);
  });

  it("records findings by API and on the claim's page (its errors shown on the form)", async () => {
    for (const c of sampled.slice(1)) {
      const res = await call(
        t.app,
        "POST",
        `${api()}/${auditId}/findings`,
        as("commissioner"),
        finding(c, `${c.found / 100n}`),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().foundPence).toBe(c.found.toString());
    }
    const first = sampled[0] as (typeof sampled)[number];
    const itemPage = `${pages()}/${auditId}/items/${itemKeyText({ participant_id: first.participantId, rule: first.rule, metric: first.metric, seq: first.seq })}`;
    const bad = await postForm(t.app, as("commissioner"), itemPage, { found: "lots", note: "" });
    expect(bad.statusCode).toBe(400);
    expect(summaryErrors(bad.body).map(([href]) => href)).toEqual(["#found"]);
    const ok = await postForm(t.app, as("commissioner"), itemPage, {
      found: "1,200.00",
      note: "Job outcome evidenced",
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`${pages()}/${auditId}?notice=recorded`);
  });

  it("concludes with the worked example's recovery, recorded once for the next run", async () => {
    const done = await call(t.app, "POST", `${api()}/${auditId}/conclude`, as("admin"));
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      status: "concluded",
      errorRatePpm: 126_437,
      lowerBoundPpm: 38_747,
      recoveryPence: "929928",
      // Who started and concluded it: the authority's staff, by name beside their id.
      startedBy: users.commissioner,
      startedByName: "Carys Commissioner",
      concludedBy: users.admin,
      concludedByName: "Adam Administrator",
    });
    // The provider's people are told, with the recovery and a link to the audit.
    const told = await t.deps.db
      .selectFrom("notifications")
      .select(["kind", "subject", "body", "link"])
      .where("user_id", "=", users.provider as string)
      .where("kind", "=", "results.audit-concluded")
      .execute();
    expect(told).toEqual([
      expect.objectContaining({
        subject: expect.stringContaining("£9,299.28 to recover"),
        link: `${pages()}/${auditId}`,
      }),
    ]);
    expect(told[0]?.body).toContain("30 of 200 paid claims checked");
    const shown = await t.app.inject({
      url: `${pages()}/${auditId}`,
      headers: { cookie: as("provider").cookie },
    });
    expect(mainText(shown.body)).toContain("Adam Administrator");
    const recoveries = await t.deps.db
      .selectFrom("outcome_recoveries")
      .select(["kind", "amount_pence", "source_key", "run_id"])
      .where("contract_id", "=", fx.contractId)
      .execute();
    expect(recoveries).toEqual([
      { kind: "audit", amount_pence: 929_928n, source_key: auditId, run_id: null },
    ]);
    const again = await call(t.app, "POST", `${api()}/${auditId}/conclude`, as("commissioner"));
    expect([again.statusCode, again.json().error.code]).toEqual([409, "audit_concluded"]);
    const late = await call(
      t.app,
      "POST",
      `${api()}/${auditId}/findings`,
      as("commissioner"),
      finding(sampled[1] as never, "0"),
    );
    expect([late.statusCode, late.json().error.code]).toEqual([409, "audit_concluded"]);
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select("action")
      .where("authority_id", "=", COUNTY)
      .where("entity_id", "=", auditId)
      .orderBy("seq")
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      "outcome-audit.started",
      ...Array(SAMPLE).fill("outcome-audit.finding-recorded"),
      "outcome-audit.concluded",
    ]);
  });

  it("shows the provider the audit, the rule and every finding; the pages refuse no one who may see", async () => {
    const mine = await call(t.app, "GET", `${api()}/${auditId}`, as("provider"));
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.every((i: { foundPence: string | null }) => i.foundPence !== null)).toBe(true);
    expect((await call(t.app, "GET", api(), as("provider"))).json().audits).toHaveLength(1);
    expect((await call(t.app, "GET", api(), as("elsewhere"))).statusCode).toBe(404);
    const page = await t.app.inject({
      url: `${pages()}/${auditId}`,
      headers: { cookie: as("provider").cookie },
    });
    expect(page.statusCode).toBe(200);
    const text = mainText(page.body);
    expect(text).toContain("benefit of the doubt");
    expect(text).toContain("£9,299.28");
    expect(text).toContain("3.8747%");
    // The rule as applied to this sample: Student's t with 29 degrees of freedom, the cap, the minimum.
    expect(text).toContain("t = 1.6991");
    expect(text).toContain("29 degrees of freedom");
    expect(text).toContain("here 90.5% of the error rate");
    expect(text).toContain("at least 30 claims");
    expect(page.body).not.toContain("Conclude the audit");
    const form = await t.app.inject({
      url: `${pages()}/new`,
      headers: { cookie: as("commissioner").cookie },
    });
    expect(mainText(form.body)).toContain("A whole number from 30 to 2000");
    const list = await t.app.inject({ url: pages(), headers: { cookie: as("commissioner").cookie } });
    expect(mainText(list.body)).toContain("£9,299.28");
    const welsh = await t.app.inject({
      url: `${pages()}/${auditId}`,
      headers: { cookie: `${as("provider").cookie}; lang=cy` },
    });
    expect(mainText(welsh.body)).toContain("mantais yr amheuaeth");
  });
});
