/**
 * The demo scale-up (issue 15, item 1), at a tiny factor on the seeded demo database: it adds what
 * it plans with every invariant holding; the same seed and factor add the same content (all but the
 * keys and seals) and only once; another seed grows the data again after the first; the directory,
 * Find a service and Opportunities show the new rows as they show the demo's; a scaled tender's
 * sealed bids open with the deployment's keys through the real opening; and a database not made for
 * a demonstration is refused.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../../tests/support/app.ts";
import { sessionFor } from "../../../../tests/support/auth.ts";
import { mainText } from "../../../../tests/support/pages.ts";
import {
  createTestDatabase,
  DEMO_SEEDED_AT,
  rowCount,
  TEST_TENDER_KEY,
} from "../../../../tests/support/test-db.ts";
import type { Db } from "../../../db/database.ts";
import { fixedClock } from "../../../lib/clock.ts";
import { tenderKeyringFromKeys } from "../../../modules/tenders/sealing.ts";
import { COMMISSIONERS } from "./commissioning.ts";
import { idRange, scaleId } from "./ids.ts";
import { type ScaleResult, scaleDemo } from "./scale.ts";
import { canonicalBid, stageOf } from "./tenders.ts";

const FACTOR = 0.01;
const keys = tenderKeyringFromKeys(Buffer.from(TEST_TENDER_KEY, "base64"));

let t: TestApp;
let result: ScaleResult;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  result = await scaleDemo(t.deps.db, { factor: FACTOR, seed: "test", clock: t.deps.clock, keys });
});

afterAll(async () => {
  await t?.close();
});

/** Every scaled row of the tables the scale-up writes, but the keys and seals (random as they must be). */
async function contentOf(db: Db): Promise<string[]> {
  const tables = Object.keys(result.added).filter((table) => table !== "users" && table !== "role_grants");
  const out: string[] = [];
  for (const table of [...tables, "users", "role_grants"]) {
    const { rows } = await sql<{ row: string }>`
      select (to_jsonb(t) - 'sealed' - 'bidder_tag' - 'public_key' - 'wrapped_data_key' - 'wrapped_index_key' - 'search')::text as row
      from ${sql.table(table)} t where to_jsonb(t)::text like '%019a5ca1-%' order by 1`.execute(db);
    out.push(`${table}: ${rows.length}`, ...rows.map((r) => r.row));
  }
  return out;
}

describe("growing the demo data", () => {
  it("adds what factor 0.01 plans, every invariant holding", async () => {
    expect(result.status).toBe("added");
    expect(result.planned).toEqual({ organisations: 10, locations: 3, tenders: 45 });
    expect(result.invariants.filter((i) => !i.ok)).toEqual([]);
    expect(result.invariants.map((i) => i.name)).toEqual(
      expect.arrayContaining(["awardsToBestBid", "sealedBidsOpen", "auditChains", "countsAsPlanned"]),
    );
    expect(result.added).toMatchObject({ organisations: 10, registrations: 3, tenders: 45 });
    // The stages a register shows: open now, closed, in evaluation, awarded, contracted, cancelled.
    const stages = new Set(Array.from({ length: 45 }, (_, i) => stageOf(i)));
    expect([...stages].sort()).toEqual(
      ["awaiting-contract", "cancelled", "closed", "contracted", "evaluation", "open", "standstill"].sort(),
    );
    expect(result.added.contracts).toBeGreaterThan(30);
    expect(result.added.bids).toBeGreaterThan(45);
    // The scale-up itself is on the audit trail.
    const events = await t.deps.db
      .selectFrom("audit_events")
      .select(["action", "changes"])
      .where("action", "=", "demo.scaled")
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it("writes a bid's content as canonicalize does, its receipt hash being of it", async () => {
    const { default: canonicalize } = await import("canonicalize");
    const content = {
      answers: [{ criterionId: "c", text: 'How we meet “Quality”: well — "quoted", \\ and \n new lines' }],
      authorityId: "a",
      bidId: "b",
      bidder: { name: "Ashford Home Care Ltd", organisationId: "o", sector: "sme", sizeBand: "small" },
      consortium: null,
      documents: [],
      format: "openps-bid/1",
      lotIds: [],
      nonce: "n",
      pricePence: "123",
      submittedBy: "u",
      tenderId: "t",
    };
    expect(canonicalBid(content)).toBe(canonicalize(content));
  });

  it("adds nothing for the same seed and factor again", async () => {
    const before = await rowCount(t.deps.db, "tenders");
    const again = await scaleDemo(t.deps.db, {
      factor: FACTOR,
      seed: "test",
      clock: t.deps.clock,
      keys,
      check: false,
      analyze: false,
    });
    expect(again.status).toBe("already-added");
    expect(again.added).toEqual(result.added);
    expect(await rowCount(t.deps.db, "tenders")).toBe(before);
  });

  it("adds the same content for the same seed and factor on another database, and grows again with another seed", async () => {
    const other = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    try {
      await scaleDemo(other.db, {
        factor: FACTOR,
        seed: "test",
        clock: fixedClock(DEMO_SEEDED_AT),
        keys,
        check: false,
        analyze: false,
      });
      expect(await contentOf(other.db)).toEqual(await contentOf(t.deps.db));
      const more = await scaleDemo(other.db, {
        factor: FACTOR,
        seed: "another",
        clock: fixedClock(DEMO_SEEDED_AT),
        keys,
        analyze: false,
      });
      expect(more.first).toEqual({ organisations: 10, locations: 3, tenders: 45 });
      expect(more.invariants.filter((i) => !i.ok)).toEqual([]);
      const { first, last } = idRange("tender");
      const tenders = await other.db
        .selectFrom("tenders")
        .select("id")
        .where("id", ">=", first)
        .where("id", "<=", last)
        .execute();
      expect(tenders).toHaveLength(90);
    } finally {
      await other.destroy();
    }
  });

  it("resumes a run that was interrupted, adding only what it had not committed", async () => {
    const other = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    try {
      const options = {
        factor: FACTOR,
        seed: "test",
        clock: fixedClock(DEMO_SEEDED_AT),
        keys,
        analyze: false,
      };
      await expect(
        scaleDemo(other.db, {
          ...options,
          onProgress: (progress) => {
            if (progress.phase === "locations") throw new Error("Interrupted");
          },
        }),
      ).rejects.toThrow("Interrupted");
      expect(await rowCount(other.db, "tenders")).toBeLessThan(45);
      const resumed = await scaleDemo(other.db, options);
      expect(resumed.status).toBe("resumed");
      // All its batches' rows, as if it had not stopped (the authorities' staff and services, made
      // once for every run, were made before it stopped).
      const { users: _users, role_grants: _grants, services: _services, ...batches } = result.added;
      expect(resumed.added).toMatchObject(batches);
      expect(resumed.invariants.filter((i) => !i.ok)).toEqual([]);
    } finally {
      await other.destroy();
    }
  });

  it("shows the new rows in the directory, Find a service and Opportunities", async () => {
    const db = t.deps.db;
    const organisation = await db
      .selectFrom("organisations")
      .select("name")
      .where("id", "=", scaleId("organisation", 0))
      .executeTakeFirstOrThrow();
    const directory = await t.app.inject({
      url: `/organisations?q=${encodeURIComponent(organisation.name)}`,
    });
    expect(directory.statusCode).toBe(200);
    expect(mainText(directory.body)).toContain(organisation.name);

    const location = await db
      .selectFrom("registrations")
      .select(["name", "area_code"])
      .where("id", ">=", idRange("location").first)
      .where("id", "<=", idRange("location").last)
      .where("status", "=", "registered")
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const find = await t.app.inject({ url: `/regulation/find?areaCode=${location.area_code}` });
    expect(find.statusCode).toBe(200);
    expect(mainText(find.body)).toContain(location.name);

    const open = await db
      .selectFrom("tenders")
      .select("title")
      .where("id", "=", scaleId("tender", 1))
      .executeTakeFirstOrThrow();
    const opportunities = await t.app.inject({
      url: `/opportunities?keywords=${encodeURIComponent(open.title)}`,
    });
    expect(opportunities.statusCode).toBe(200);
    expect(mainText(opportunities.body)).toContain(open.title);
  });

  it("seals a closed tender's bids under the deployment's keys: two bid openers open them, every seal intact", async () => {
    const tender = await t.deps.db
      .selectFrom("tenders")
      .select(["authority_id", "id"])
      .where("id", "=", scaleId("tender", 29))
      .executeTakeFirstOrThrow();
    expect(stageOf(29)).toBe("closed");
    const staff = COMMISSIONERS.find((c) => c.id === tender.authority_id)?.staff;
    if (!staff) throw new Error("The tender's authority has no staff");
    const url = `/api/v1/authorities/${tender.authority_id}/tenders/${tender.id}/opening`;
    const first = await call(
      t.app,
      "POST",
      url,
      await sessionFor(t.app, staff.commissioner, { twoFactor: true }),
    );
    expect(first.json()).toMatchObject({ state: "awaiting-second-opener" });
    const second = await call(t.app, "POST", url, await sessionFor(t.app, staff.opener, { twoFactor: true }));
    expect(second.json()).toMatchObject({ state: "opened", broken: 0 });
    expect(second.json().bidsOpened).toBeGreaterThan(0);
  });

  it("is refused on a database not created for a demonstration", async () => {
    const plain = await createTestDatabase();
    try {
      await expect(
        scaleDemo(plain.db, { factor: FACTOR, clock: fixedClock(DEMO_SEEDED_AT), keys }),
      ).rejects.toThrow(/not created for a demonstration/);
      expect(await rowCount(plain.db, "organisations")).toBe(0);
    } finally {
      await plain.destroy();
    }
  });

  it("refuses a factor out of range", async () => {
    for (const factor of [0, -1, 0.0001, 1001, Number.NaN])
      await expect(scaleDemo(t.deps.db, { factor, clock: t.deps.clock, keys })).rejects.toThrow(
        /The factor must be/,
      );
  });
});
