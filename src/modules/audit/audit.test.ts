import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import {
  PersonalDataInAuditError,
  PLATFORM_CHAIN,
  personalRef,
  recordAudit,
  SYSTEM,
  verifyAuditChains,
} from "./audit.service.ts";

const COUNTY = "0190a0a0-0000-7000-8000-000000000001";
const DISTRICT = "0190a0a0-0000-7000-8000-000000000002";
const clock = settableClock(new Date("2026-11-21T10:00:00Z"));

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
});
afterEach(async () => {
  await t.destroy();
});

async function record(authorityId: string | null, n: number) {
  for (let i = 0; i < n; i++) {
    await transaction(t.db, (trx) =>
      recordAudit(trx, clock, {
        authorityId,
        actor: SYSTEM("test"),
        action: "thing.changed",
        entity: { type: "thing", id: `thing-${i}` },
        changes: { value: BigInt(i) * 100n, at: clock.now(), person: personalRef("users", "u-1") },
      }),
    );
  }
}

async function tamper(statement: ReturnType<typeof sql>) {
  await sql`alter table audit_events disable trigger audit_events_append_only`.execute(t.db);
  await statement.execute(t.db);
  await sql`alter table audit_events enable trigger audit_events_append_only`.execute(t.db);
}

describe("audit chains", () => {
  it("keeps one chain per authority and one for the platform, each numbered from 1", async () => {
    await record(COUNTY, 3);
    await record(DISTRICT, 2);
    await record(null, 1);
    const reports = await verifyAuditChains(t.db);
    expect(reports.map((r) => [r.authorityId, r.events, r.ok]).sort()).toEqual(
      [
        [PLATFORM_CHAIN, 1, true],
        [COUNTY, 3, true],
        [DISTRICT, 2, true],
      ].sort(),
    );
  });

  it("is refused by the database when anyone updates, deletes or truncates events", async () => {
    await record(COUNTY, 1);
    await expect(sql`update audit_events set action = 'x'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it("names the first broken link when an event's content is altered", async () => {
    await record(COUNTY, 5);
    await tamper(sql`update audit_events set changes = '{"value":"1"}' where seq = 3`);
    const county = (await verifyAuditChains(t.db)).find((r) => r.authorityId === COUNTY);
    expect(county?.ok).toBe(false);
    expect(county?.brokenAt?.seq).toBe(3n);
    expect(county?.brokenAt?.problem).toMatch(/altered/);
  });

  it("detects a deleted event and a deleted last event", async () => {
    await record(COUNTY, 4);
    await record(DISTRICT, 2);
    await tamper(sql`delete from audit_events where authority_id = ${COUNTY} and seq = 2`);
    await tamper(sql`delete from audit_events where authority_id = ${DISTRICT} and seq = 2`);
    const reports = await verifyAuditChains(t.db);
    expect(reports.find((r) => r.authorityId === COUNTY)?.brokenAt?.seq).toBe(2n);
    expect(reports.find((r) => r.authorityId === DISTRICT)?.ok).toBe(false);
  });

  it("writes the event in the caller's transaction, so a rolled-back change leaves no event", async () => {
    await expect(
      transaction(t.db, async (trx) => {
        await recordAudit(trx, clock, {
          authorityId: COUNTY,
          actor: SYSTEM("test"),
          action: "thing.changed",
          entity: { type: "thing", id: "1" },
        });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    const count = await t.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirst();
    expect(count?.n).toBe(0n);
  });

  it("refuses to copy personal data into an event", async () => {
    await expect(
      transaction(t.db, (trx) =>
        recordAudit(trx, clock, {
          authorityId: COUNTY,
          actor: SYSTEM("test"),
          action: "user.changed",
          entity: { type: "user", id: "1" },
          changes: { email: "someone@example.org" },
        }),
      ),
    ).rejects.toBeInstanceOf(PersonalDataInAuditError);
  });

  it("appends in order when many changes race for the same chain", async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        transaction(t.db, (trx) =>
          recordAudit(trx, clock, {
            authorityId: COUNTY,
            actor: SYSTEM("test"),
            action: "thing.changed",
            entity: { type: "thing", id: String(i) },
          }),
        ),
      ),
    );
    const [county] = await verifyAuditChains(t.db);
    expect(county).toMatchObject({ ok: true, events: 8 });
  });
});
