/**
 * The demo data (the demo organisation administrator's saved search, already alerted of the open
 * demo tender, so the tenders' alert jobs send nothing more) and the pages' text (every key the
 * templates use is in the catalogue).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DEMO_SEEDED_AT, type TestDatabase } from "../../../tests/support/test-db.ts";
import { catalogueKeys, loadCatalogue } from "../../http/i18n.ts";
import { fixedClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_SAVED_SEARCH, DEMO_SEARCHER } from "../../seed/demo/opportunities.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { runSeeds } from "../../seed/seed.ts";
import { seeds } from "../../seed/seeds.ts";
import type { JobContext } from "../jobs/jobs.runner.ts";
import { OPPORTUNITY_ALERTS_QUEUE, opportunityJobHandlers } from "./alerts.service.ts";

// Seeded at the instant most seeded tests share: the run seeds it once.
const clock = fixedClock(DEMO_SEEDED_AT);
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
}, 180_000);

afterAll(async () => {
  await t.destroy();
});

describe("the demo saved search", () => {
  it("follows home care in Westshire with alerts, and has been alerted of the open demo tender only", async () => {
    const saved = await t.db
      .selectFrom("saved_searches")
      .selectAll()
      .where("id", "=", DEMO_SAVED_SEARCH.homeCare)
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      user_id: DEMO_SEARCHER,
      name: "Home care in Westshire",
      category_codes: ["domiciliary-care"],
      alerts: true,
    });
    const alerts = await t.db.selectFrom("opportunity_alerts").selectAll().execute();
    expect(alerts).toMatchObject([
      {
        saved_search_id: DEMO_SAVED_SEARCH.homeCare,
        authority_id: DEMO_AUTHORITY.county,
        tender_id: DEMO_TENDER.open,
      },
    ]);
    const inbox = await t.db
      .selectFrom("notifications")
      .selectAll()
      .where("user_id", "=", DEMO_SEARCHER)
      .where("kind", "=", "opportunity.matched")
      .execute();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      subject: "New opportunity: Home care in Wesford: framework 2027",
      email_status: "not-sent",
      id: alerts[0]?.notification_id,
    });

    // Each demo tender's publication queued its alerts job; run now, they send nothing more.
    const jobs = await t.db
      .selectFrom("jobs")
      .select(["id", "payload"])
      .where("queue", "=", OPPORTUNITY_ALERTS_QUEUE)
      .execute();
    // The three demo tenders, and the four the evaluation seed awards.
    expect(jobs).toHaveLength(7);
    const handler = opportunityJobHandlers({ mailer: undefined, baseUrl: "https://x.example" })[
      OPPORTUNITY_ALERTS_QUEUE
    ];
    for (const job of jobs)
      await handler?.(job.payload, {
        job: { id: job.id },
        db: t.db,
        clock,
        logger: pino({ level: "silent" }),
      } as unknown as JobContext);
    expect(await t.db.selectFrom("opportunity_alerts").select("tender_id").execute()).toHaveLength(1);

    // Seeding again changes nothing.
    const again = await runSeeds(t.db, clock, seeds, { demo: true });
    expect(again.applied).toEqual([]);
  });
});

describe("the tenders' stored full text", () => {
  it("is what matching a newly published tender computes, for every demo tender", async () => {
    const { rows } = await sql<{ tenders: number; same: number }>`
      select count(*)::int4 as tenders,
             count(*) filter (where search = to_tsvector('english', title || ' ' || description))::int4 as same
        from tenders`.execute(t.db);
    expect(rows[0]?.tenders).toBeGreaterThan(0);
    expect(rows[0]?.same).toBe(rows[0]?.tenders);
  });
});

describe("the pages' text", () => {
  it("has every key the templates use in the catalogue", () => {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "views");
    const used = new Set<string>();
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".njk")) continue;
      const source = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
      for (const match of source.matchAll(/\bt\(\s*"([^"]+)"\s*[,)]/g)) used.add(match[1] as string);
    }
    const known = new Set(catalogueKeys(loadCatalogue("en")).map((k) => k.replace(/_(one|other)$/, "")));
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((key) => !known.has(key))).toEqual([]);
  });
});
