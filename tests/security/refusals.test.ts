/**
 * Finding 10 of the security review: refused reads flooded administrators — 50 refused
 * `GET …/bids` in 0.7 s made 50 audit events, each a notice and an email to every authority
 * administrator. Now a person's refused attempts on a tender are grouped: the administrators hear
 * of the first in an hour, the audit trail records up to `REFUSALS_PER_HOUR`, and further attempts
 * are answered 429 without being recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { REFUSALS_PER_HOUR } from "../../src/modules/tenders/opening.service.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_TENDER } from "../../src/seed/demo/tenders.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, sessionFor, type TestSession } from "../support/auth.ts";
import { DEMO_SEEDED_AT } from "../support/test-db.ts";

const clock = settableClock(DEMO_SEEDED_AT);
let t: TestApp;
let stranger: TestSession;
let strangerId: string;

beforeAll(async () => {
  t = await createTestApp({ clock, seeded: true });
  strangerId = (await createUser(t.deps.db)).id;
  stranger = await sessionFor(t.app, strangerId);
});

afterAll(async () => {
  await t?.close();
});

const bidsUrl = `/api/v1/authorities/${DEMO_AUTHORITY.county}/tenders/${DEMO_TENDER.open}/bids`;

const refusedEvents = async () =>
  (
    await t.deps.db
      .selectFrom("audit_events")
      .select("seq")
      .where("entity_id", "=", DEMO_TENDER.open)
      .where("action", "=", "tender.bids-read-refused")
      .where("actor_id", "=", strangerId)
      .execute()
  ).length;

const notices = async () =>
  (
    await t.deps.db
      .selectFrom("notifications")
      .select("id")
      .where("kind", "=", "tender.attempt-refused")
      .where("body", "like", "%tried to read the bids%")
      .execute()
  ).length;

describe("refused attempts to read bids", () => {
  it("sent 50 at once are recorded up to the limit, told to administrators once, and then answered 429", async () => {
    const before = await notices();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => call(t.app, "GET", bidsUrl, stranger)),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 403)).toHaveLength(REFUSALS_PER_HOUR);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - REFUSALS_PER_HOUR);
    expect(await refusedEvents()).toBe(REFUSALS_PER_HOUR);
    const admins = await t.deps.db
      .selectFrom("role_grants")
      .select("user_id")
      .where("role", "=", "authority-admin")
      .where("scope_id", "=", DEMO_AUTHORITY.county)
      .execute();
    expect(admins.length).toBeGreaterThan(0);
    expect((await notices()) - before).toBe(admins.length);

    // An hour later the person may be refused (and recorded, and told of) again.
    clock.advance(60 * 60 * 1000 + 1000);
    stranger = await sessionFor(t.app, strangerId);
    expect((await call(t.app, "GET", bidsUrl, stranger)).statusCode).toBe(403);
    expect(await refusedEvents()).toBe(REFUSALS_PER_HOUR + 1);
    expect((await notices()) - before).toBe(2 * admins.length);
  });
});
