import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { principalOf } from "../../../tests/support/principals.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotSignedInError, ValidationError } from "../../lib/errors.ts";
import { auditTrailFor, PLATFORM_CHAIN, SYSTEM } from "../audit/audit.service.ts";
import {
  grantRole,
  hasRole,
  loadGrants,
  requireRole,
  revokeRole,
  twoFactorRequired,
} from "./access.service.ts";

const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
const ANN = "019a0000-0000-7000-8000-0000000000c1";
const BEN = "019a0000-0000-7000-8000-0000000000c2";
const ORG = "019a0000-0000-7000-8000-0000000000d1";
const OTHER_ORG = "019a0000-0000-7000-8000-0000000000d2";
const COUNCIL = "019a0000-0000-7000-8000-0000000000e1";

let t: TestDatabase;
beforeEach(async () => {
  t = await createTestDatabase();
  const now = clock.now();
  await t.db
    .insertInto("users")
    .values([
      { id: ANN, email: "ann@example.org", display_name: "Ann", created_at: now, updated_at: now },
      { id: BEN, email: "ben@example.org", display_name: "Ben", created_at: now, updated_at: now },
    ])
    .execute();
});
afterEach(async () => {
  await t.destroy();
});

const principal = (userId: string) => principalOf(t.db, userId, { twoFactor: false });

describe("roles scoped to what they act for", () => {
  it("grants a role once, audited with a reference to the person, and reads it back", async () => {
    const grant = () =>
      transaction(t.db, (trx) =>
        grantRole(trx, clock, SYSTEM("test"), { userId: ANN, role: "organisation-admin", scopeId: ORG }),
      );
    expect(await grant()).toBe(true);
    expect(await grant()).toBe(false);
    const ann = await principal(ANN);
    expect(ann.grants).toEqual([{ role: "organisation-admin", scopeType: "organisation", scopeId: ORG }]);
    const trail = await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", ORG);
    expect(trail.map((e) => e.action)).toEqual(["role.granted"]);
    expect(trail[0]?.changes).toEqual({ role: "organisation-admin", holder: { ref: `users/${ANN}` } });
  });

  it("audits authority roles on the authority's own chain", async () => {
    await transaction(t.db, (trx) =>
      grantRole(trx, clock, SYSTEM("test"), { userId: ANN, role: "commissioner", scopeId: COUNCIL }),
    );
    expect((await auditTrailFor(t.db, COUNCIL, "authority", COUNCIL)).map((e) => e.action)).toEqual([
      "role.granted",
    ]);
  });

  it("needs the scope a role acts for", async () => {
    await expect(
      transaction(t.db, (trx) =>
        grantRole(trx, clock, SYSTEM("test"), { userId: ANN, role: "commissioner" }),
      ),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it("allows only the role holder for that scope, and platform administrators everywhere", async () => {
    await transaction(t.db, async (trx) => {
      await grantRole(trx, clock, SYSTEM("test"), { userId: ANN, role: "organisation-admin", scopeId: ORG });
      await grantRole(trx, clock, SYSTEM("test"), { userId: BEN, role: "platform-admin" });
    });
    const ann = await principal(ANN);
    const ben = await principal(BEN);
    expect(requireRole(ann, "organisation-admin", ORG, "edit this organisation")).toBe(ann);
    expect(() => requireRole(ann, "organisation-admin", OTHER_ORG, "edit this organisation")).toThrow(
      ForbiddenError,
    );
    expect(() => requireRole(null, "organisation-admin", ORG, "edit this organisation")).toThrow(
      NotSignedInError,
    );
    expect(requireRole(ben, "organisation-admin", OTHER_ORG, "edit this organisation")).toBe(ben);
    expect(hasRole(ann, ["organisation-admin", "organisation-member"], ORG)).toBe(true);
    expect(twoFactorRequired(ann.grants)).toBe(false);
    expect(twoFactorRequired(ben.grants)).toBe(true);
  });

  it("revokes a role, audited, but never the last administrator", async () => {
    await transaction(t.db, async (trx) => {
      await grantRole(trx, clock, SYSTEM("test"), { userId: ANN, role: "organisation-admin", scopeId: ORG });
      await grantRole(trx, clock, SYSTEM("test"), { userId: BEN, role: "organisation-member", scopeId: ORG });
    });
    await expect(
      transaction(t.db, (trx) =>
        revokeRole(trx, clock, SYSTEM("test"), { userId: ANN, role: "organisation-admin", scopeId: ORG }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    await transaction(t.db, (trx) =>
      revokeRole(trx, clock, SYSTEM("test"), { userId: BEN, role: "organisation-member", scopeId: ORG }),
    );
    expect(await loadGrants(t.db, BEN)).toEqual([]);
    const actions = (await auditTrailFor(t.db, PLATFORM_CHAIN, "organisation", ORG)).map((e) => e.action);
    expect(actions).toEqual(["role.granted", "role.granted", "role.revoked"]);
  });
});
