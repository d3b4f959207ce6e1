/**
 * Alerts of new opportunities, on the real repositories: publishing queues one job per tender; its
 * handler, run directly with a fixed clock, tells each person whose saved search (alerts on)
 * matches — once, however often it runs — and nobody else. The matching is checked filter by
 * filter (value in pence, London deadline dates, reserved) and, for many searches at once, against
 * the search itself: a saved search alerts of exactly the open tenders its search finds.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctxFor } from "../../../tests/support/principals.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { fixedClock } from "../../lib/clock.ts";
import { newId } from "../../lib/ids.ts";
import { DEMO_AREA } from "../../seed/demo/areas.ts";
import { demoAuthoritiesSeed } from "../../seed/demo/authorities.ts";
import { demoOrganisationsSeed } from "../../seed/demo/organisations.ts";
import { runSeeds } from "../../seed/seed.ts";
import type { JobContext } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer } from "../notifications/mailer.ts";
import {
  OPPORTUNITY_ALERTS_QUEUE,
  opportunityJobHandlers,
  queueOpportunityAlerts,
} from "./alerts.service.ts";
import { type CriteriaDraft, checkCriteria, searchOpportunities } from "./opportunities.service.ts";
import {
  COUNTY,
  COUNTY_SLUG,
  FIXTURES,
  type FixtureName,
  insertFixtures,
  insertPerson,
  insertTender,
  NOW,
} from "./opportunities.test-fixtures.ts";
import { saveSearch } from "./saved-searches.service.ts";

const clock = fixedClock(NOW);
let t: TestDatabase;
let ids: Record<FixtureName, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  await runSeeds(t.db, clock, [demoAuthoritiesSeed, demoOrganisationsSeed], { demo: true });
  ids = await insertFixtures(t.db, NOW);
}, 120_000);

afterAll(async () => {
  await t.destroy();
});

const sentMail: unknown[] = [];
const mailer: Mailer = {
  async send(message) {
    sentMail.push(message);
  },
} as Mailer;

/** Runs the alerts job's handler directly, as the runner would, at `at`. */
async function runAlerts(tenderId: string, options: { at?: Date; email?: boolean } = {}) {
  const handler = opportunityJobHandlers({
    mailer: options.email ? mailer : undefined,
    baseUrl: "https://openps.example.org",
  })[OPPORTUNITY_ALERTS_QUEUE];
  if (!handler) throw new Error("No handler for the alerts queue");
  const at = fixedClock(options.at ?? NOW);
  const ctx: JobContext = {
    job: {
      id: newId(),
      queue: OPPORTUNITY_ALERTS_QUEUE,
      run_at: at.now(),
      authority_id: COUNTY,
      created_at: at.now(),
    },
    attempt: 1,
    maxAttempts: 5,
    isLastAttempt: false,
    db: t.db,
    clock: at,
    logger: pino({ level: "silent" }),
  };
  await handler({ authorityId: COUNTY, tenderId }, ctx);
}

async function follows(
  userId: string,
  name: string,
  criteria: CriteriaDraft,
  alerts = true,
): Promise<string> {
  const principal = { userId, displayName: "Test", grants: [], via: "session" as const, twoFactor: true };
  const saved = await saveSearch(ctxFor(t.db, clock, principal), { name, alerts, criteria });
  return saved.search.id;
}

function inbox(userId: string) {
  return t.db
    .selectFrom("notifications")
    .selectAll()
    .where("user_id", "=", userId)
    .where("kind", "=", "opportunity.matched")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

function alertsOf(savedSearchId: string) {
  return t.db
    .selectFrom("opportunity_alerts")
    .selectAll()
    .where("saved_search_id", "=", savedSearchId)
    .orderBy("tender_id")
    .execute();
}

describe(`opportunity alerts on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("queues one job per published tender, with ids only, in the publishing transaction", async () => {
    const tenderId = await insertTender(t.db, FIXTURES.homeCare, NOW);
    await transaction(t.db, async (trx) => {
      await queueOpportunityAlerts(trx, clock, { authorityId: COUNTY, tenderId });
      await queueOpportunityAlerts(trx, clock, { authorityId: COUNTY, tenderId });
    });
    const jobs = await t.db
      .selectFrom("jobs")
      .selectAll()
      .where("dedupe_key", "=", `opportunity.alerts:${COUNTY}:${tenderId}`)
      .execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      queue: "opportunity.alerts",
      status: "pending",
      run_at: NOW,
      authority_id: COUNTY,
      payload: { authorityId: COUNTY, tenderId },
    });
    await expect(
      transaction(t.db, async (trx) => {
        const other = newId();
        await queueOpportunityAlerts(trx, clock, { authorityId: COUNTY, tenderId: other });
        throw new Error("the publication failed");
      }),
    ).rejects.toThrow("the publication failed");
    expect(
      await t.db.selectFrom("jobs").select("id").where("queue", "=", "opportunity.alerts").execute(),
    ).toHaveLength(1);
  });

  it("alerts each matching person once, never those not matching or with alerts off, and never twice", async () => {
    const ann = await insertPerson(t.db, NOW, "Ann");
    const bob = await insertPerson(t.db, NOW, "Bob");
    const cara = await insertPerson(t.db, NOW, "Cara");
    const dan = await insertPerson(t.db, NOW, "Dan");
    const annSearch = await follows(ann, "Home care in Westshire", {
      category: ["domiciliary-care"],
      area: [DEMO_AREA.westshire],
    });
    await follows(bob, "Youth work", { keywords: "youth" });
    await follows(cara, "Home care, quietly", { category: ["domiciliary-care"] }, false);
    const danSearches = [
      await follows(dan, "Older people", { keywords: "older people" }),
      await follows(dan, "Big contracts", { minValue: "£1,000,000" }),
    ];

    await runAlerts(ids.homeCare);
    const annInbox = await inbox(ann);
    expect(annInbox).toHaveLength(1);
    expect(annInbox[0]).toMatchObject({
      subject: "New opportunity: Home care in Wesford",
      link: `/authorities/${COUNTY_SLUG}/tenders/${ids.homeCare}`,
      authority_id: null,
      email_status: "not-sent",
    });
    expect(annInbox[0]?.body).toContain("A new tender matches your saved search “Home care in Westshire”.");
    expect(annInbox[0]?.body).toContain("Estimated value: £48,000,000");
    expect(annInbox[0]?.body).toContain("Deadline for bids: midday on 15 January 2027");
    expect(await inbox(bob)).toEqual([]);
    expect(await inbox(cara)).toEqual([]);
    // One notice for two matching searches, naming both.
    const danInbox = await inbox(dan);
    expect(danInbox).toHaveLength(1);
    expect(danInbox[0]?.body).toContain("your saved searches “Big contracts” and “Older people”");
    expect(await alertsOf(annSearch)).toMatchObject([
      { authority_id: COUNTY, tender_id: ids.homeCare, notification_id: annInbox[0]?.id, alerted_at: NOW },
    ]);
    for (const id of danSearches) expect(await alertsOf(id)).toHaveLength(1);

    // A retried job, or a second run, alerts nobody again…
    await runAlerts(ids.homeCare);
    expect(await inbox(ann)).toHaveLength(1);
    expect(await inbox(dan)).toHaveLength(1);
    // …except a search saved since, which had not been alerted.
    const later = await follows(bob, "Home care too", { keywords: "home care" });
    await runAlerts(ids.homeCare);
    expect(await inbox(bob)).toHaveLength(1);
    expect(await alertsOf(later)).toHaveLength(1);
    expect(await inbox(ann)).toHaveLength(1);

    // Bob's youth search is alerted of the youth tender.
    await runAlerts(ids.youth);
    expect((await inbox(bob)).map((n) => n.subject)).toEqual([
      "New opportunity: Home care in Wesford",
      "New opportunity: Youth club sessions",
    ]);
  });

  it("emails the alert too when a mailer is configured", async () => {
    const erin = await insertPerson(t.db, NOW, "Erin");
    await follows(erin, "Kelderby", { area: [DEMO_AREA.kelderby] });
    await runAlerts(ids.youth, { email: true });
    const [notice] = await inbox(erin);
    expect(notice?.email_status).toBe("queued");
    const email = await t.db
      .selectFrom("jobs")
      .select("payload")
      .where("dedupe_key", "=", `email.send:${notice?.id}`)
      .executeTakeFirst();
    expect(email?.payload).toEqual({ notificationId: notice?.id });
  });

  it("alerts only of open tenders: not closed, opened, cancelled or draft ones, nor after the deadline", async () => {
    const fay = await insertPerson(t.db, NOW, "Fay");
    const search = await follows(fay, "Everything", {});
    for (const name of ["closed", "opened", "cancelled", "draft"] as const) await runAlerts(ids[name]);
    await runAlerts(ids.carers, { at: FIXTURES.carers.deadline });
    expect(await inbox(fay)).toEqual([]);
    expect(await alertsOf(search)).toEqual([]);
    await runAlerts(ids.carers, { at: new Date(FIXTURES.carers.deadline.getTime() - 1) });
    expect(await inbox(fay)).toHaveLength(1);
  });

  it("matches value bounds to the penny, London deadline dates and the reservation", async () => {
    const gus = await insertPerson(t.db, NOW, "Gus");
    const search = {
      upTo: await follows(gus, "Up to £99,999.99", { maxValue: "£99,999.99" }),
      under: await follows(gus, "Up to £99,999.98", { maxValue: "£99,999.98" }),
      atLeast: await follows(gus, "At least £99,999.99", { minValue: "£99,999.99", maxValue: "£100,000" }),
      // The carers' deadline is 00:30 on 16 June 2027 in London (23:30 UTC on the 15th).
      by15June: await follows(gus, "By 15 June", { deadlineTo: "2027-06-15", category: ["carers-support"] }),
      from16June: await follows(gus, "From 16 June", {
        deadlineFrom: "2027-06-16",
        deadlineTo: "2027-06-16",
      }),
      reserved: await follows(gus, "Reserved", { reserved: true }),
      closedToo: await follows(gus, "Closed too", { includeClosed: true, category: ["carers-support"] }),
    };
    for (const tender of ["homeCare", "youth", "carers"] as const) await runAlerts(ids[tender]);
    const alerted = async (id: string) => (await alertsOf(id)).map((a) => a.tender_id);
    expect(await alerted(search.upTo)).toEqual([ids.youth]);
    expect(await alerted(search.under)).toEqual([]);
    expect(await alerted(search.atLeast)).toEqual([ids.youth]);
    expect(await alerted(search.by15June)).toEqual([]);
    expect(await alerted(search.from16June)).toEqual([ids.carers]);
    expect(await alerted(search.reserved)).toEqual([ids.carers]);
    expect(await alerted(search.closedToo)).toEqual([ids.carers]);
  });

  it("alerts of exactly the open tenders each saved search finds", async () => {
    const searches: CriteriaDraft[] = [
      {},
      { keywords: "home care" },
      { keywords: "carer" },
      { keywords: "reabl" },
      { keywords: '"older people"' },
      { keywords: "care -older" },
      { keywords: "youth or carers" },
      { keywords: "care & (home | ! :* '" },
      { category: ["domiciliary-care", "youth-services"] },
      { area: [DEMO_AREA.millbrook] },
      { category: ["domiciliary-care"], area: [DEMO_AREA.millbrook] },
      { minValue: "250,000" },
      { minValue: "£250,000.01" },
      { maxValue: "99,999.99" },
      { minValue: "£99,999.99", maxValue: "£250,000" },
      { deadlineTo: "2027-06-15" },
      { deadlineFrom: "2027-06-16" },
      { deadlineFrom: "2027-01-15", deadlineTo: "2027-01-15" },
      { deadlineFrom: "2027-01-16", deadlineTo: "2027-01-31" },
      { reserved: true },
      { reserved: true, keywords: "breaks", area: [DEMO_AREA.millbrook], maxValue: "£250,000" },
    ];
    const hal = await insertPerson(t.db, NOW, "Hal");
    const savedIds: string[] = [];
    for (const [i, criteria] of searches.entries())
      savedIds.push(await follows(hal, `Search ${i + 1}`, criteria));
    const open = [ids.homeCare, ids.youth, ids.carers];
    for (const tenderId of open) await runAlerts(tenderId);
    for (const [i, criteria] of searches.entries()) {
      const anyone = ctxFor(t.db, clock, null);
      const found = await searchOpportunities(anyone, await checkCriteria(anyone, criteria));
      const expected = found.opportunities.map((o) => o.id).filter((id) => open.includes(id));
      const alerted = (await alertsOf(savedIds[i] as string)).map((a) => a.tender_id);
      expect({ criteria, alerted: [...alerted].sort() }).toEqual({ criteria, alerted: [...expected].sort() });
    }
  });

  it("alerts everyone, a batch of people at a time", async () => {
    const tenderId = await insertTender(
      t.db,
      { ...FIXTURES.youth, title: "Youth clubs: a popular tender", category: "libraries" },
      NOW,
    );
    const people: string[] = [];
    for (let i = 0; i < 120; i++) people.push(await insertPerson(t.db, NOW, `Reader ${i}`));
    await t.db
      .insertInto("saved_searches")
      .values(
        people.map((userId) => ({
          id: newId(),
          user_id: userId,
          name: "Libraries",
          keywords: "",
          category_codes: ["libraries"],
          area_codes: [],
          min_value_pence: null,
          max_value_pence: null,
          deadline_from: null,
          deadline_to: null,
          reserved_only: false,
          include_closed: false,
          alerts: true,
          created_at: NOW,
          updated_at: NOW,
        })),
      )
      .execute();
    await runAlerts(tenderId);
    await runAlerts(tenderId);
    const counts = await t.db
      .selectFrom("notifications")
      .select(["user_id", (eb) => eb.fn.countAll<bigint>().as("n")])
      .where("user_id", "in", people)
      .groupBy("user_id")
      .execute();
    expect(counts).toHaveLength(120);
    expect(counts.every((c) => c.n === 1n)).toBe(true);
  });

  it("fails a job without valid ids for good", async () => {
    const handler = opportunityJobHandlers({ mailer: undefined, baseUrl: "https://x.example" })[
      OPPORTUNITY_ALERTS_QUEUE
    ];
    const error = await refused(handler?.({ tenderId: "nope" }, {} as JobContext) as Promise<void>);
    expect(error).toBeInstanceOf(PermanentJobError);
  });
});
