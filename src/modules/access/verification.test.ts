import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotSignedInError, ValidationError } from "../../lib/errors.ts";
import { accountSecretsFromKey } from "../../lib/secrets.ts";
import { auditTrailFor, SYSTEM } from "../audit/audit.service.ts";
import { listInbox } from "../notifications/notifications.service.ts";
import { grantRole, loadGrants } from "./access.service.ts";
import { invite } from "./invitations.service.ts";
import {
  pendingPublicBodies,
  rejectPublicBody,
  requestPublicBody,
  verifyPublicBody,
} from "./verification.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const ADMIN = "019a0000-0000-7000-8000-0000000000f1";
const CLERK = "019a0000-0000-7000-8000-0000000000f2";

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
  const now = clock.now();
  await t.db
    .insertInto("users")
    .values([
      {
        id: ADMIN,
        email: "platform@example.org",
        display_name: "Pat Platform",
        created_at: now,
        updated_at: now,
      },
      {
        id: CLERK,
        email: "clerk@kent.example.org",
        display_name: "Chris Clerk",
        created_at: now,
        updated_at: now,
      },
    ])
    .execute();
  await transaction(t.db, (trx) =>
    grantRole(trx, clock, SYSTEM("test"), { userId: ADMIN, role: "platform-admin" }),
  );
});
afterEach(async () => {
  await t.destroy();
});

/** The context of a service called by this user (their grants read first, as a request does). */
const as = async (userId: string) => ({
  ...ctxFor(t.db, clock, await principalOf(t.db, userId, { twoFactor: true })),
  secrets: accountSecretsFromKey(Buffer.alloc(32, 7)),
});

const kent = {
  slug: "kent-county-council",
  name: "Kent County Council",
  kind: "county",
  nation: "england-and-wales",
} as const;

describe("verifying public bodies", () => {
  it("keeps a requested body unverified, so nobody can be given a role in it", async () => {
    const body = await requestPublicBody(await as(CLERK), kent);
    expect(body.verified_at).toBeNull();
    expect(await loadGrants(t.db, CLERK)).toEqual([]);
    await expect(
      invite(await as(ADMIN), {
        scopeType: "authority",
        scopeId: body.id,
        email: "x@example.org",
        role: "commissioner",
      }),
    ).rejects.toThrow(/has not been verified yet/);
  });

  it("needs someone signed in to ask, and a platform administrator to decide", async () => {
    await expect(requestPublicBody(ctxFor(t.db, clock, null), kent)).rejects.toBeInstanceOf(NotSignedInError);
    const body = await requestPublicBody(await as(CLERK), kent);
    await expect(pendingPublicBodies(await as(CLERK))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(verifyPublicBody(await as(CLERK), body.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await pendingPublicBodies(await as(ADMIN))).map((b) => b.name)).toEqual(["Kent County Council"]);
  });

  it("on verification makes the person who asked its administrator, audited and notified", async () => {
    const body = await requestPublicBody(await as(CLERK), kent);
    await verifyPublicBody(await as(ADMIN), body.id);
    expect(await loadGrants(t.db, CLERK)).toEqual([
      { role: "authority-admin", scopeType: "authority", scopeId: body.id },
    ]);
    const actions = (await auditTrailFor(t.db, body.id, "authority", body.id)).map((e) => e.action);
    expect(actions).toEqual(["authority.created", "authority.verified", "role.granted"]);
    const inbox = await listInbox(t.db, CLERK);
    expect(inbox.notifications[0]?.subject).toBe("Kent County Council has been verified");
    await expect(verifyPublicBody(await as(ADMIN), body.id)).rejects.toBeInstanceOf(ConflictError);
    expect(await pendingPublicBodies(await as(ADMIN))).toEqual([]);
  });

  it("rejects with a reason that the person who asked is told", async () => {
    const body = await requestPublicBody(await as(CLERK), {
      ...kent,
      slug: "kent-cc",
      name: "Kent County Council (again)",
    });
    await expect(rejectPublicBody(await as(ADMIN), body.id, "no")).rejects.toBeInstanceOf(ValidationError);
    await rejectPublicBody(await as(ADMIN), body.id, "Kent County Council is already on OpenPS.");
    expect((await listInbox(t.db, CLERK)).notifications[0]?.body).toContain("already on OpenPS");
    expect(await pendingPublicBodies(await as(ADMIN))).toEqual([]);
  });

  it("gives a regulator's first administrator the regulator staff role", async () => {
    const body = await requestPublicBody(await as(CLERK), {
      slug: "care-regulator",
      name: "Care Regulator",
      kind: "regulator",
      nation: "england-and-wales",
    });
    await verifyPublicBody(await as(ADMIN), body.id);
    expect(await loadGrants(t.db, CLERK)).toEqual([
      { role: "regulator-staff", scopeType: "regulator", scopeId: body.id },
    ]);
  });
});
