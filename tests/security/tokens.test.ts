/**
 * Finding 9 of the security review: API tokens survived a password reset and "sign out
 * everywhere", and could be made never to expire. Now both end every token of the account (the
 * reset: src/modules/accounts/accounts.routes.test.ts, "sets a new password …"), and every token
 * expires within a year.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_TOKEN_EXPIRY_DAYS } from "../../src/modules/accounts/accounts.service.ts";
import { createApiToken } from "../../src/modules/accounts/api-tokens.service.ts";
import { call } from "../support/api.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, postForm, sessionFor } from "../support/auth.ts";
import { ctxFor, principalOf } from "../support/principals.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

async function tokenFor(userId: string, expiresInDays: number | string = 30): Promise<string> {
  const principal = await principalOf(t.deps.db, userId, { twoFactor: false });
  const ctx = {
    ...ctxFor(t.deps.db, t.deps.clock, principal),
    secrets: t.app.accountSecrets,
    origin: { address: "127.0.0.1" },
  };
  return (await createApiToken(ctx, { name: "script", scopes: ["account:read"], expiresInDays })).token;
}

describe("API tokens", () => {
  it("end when their holder signs out everywhere", async () => {
    const user = await createUser(t.deps.db);
    const token = await tokenFor(user.id);
    expect((await call(t.app, "GET", "/api/v1/account", { token })).statusCode).toBe(200);
    const session = await sessionFor(t.app, user.id);
    const out = await postForm(t.app, session, "/account/sign-out-everywhere", {});
    expect(out.statusCode).toBe(303);
    expect((await call(t.app, "GET", "/api/v1/account", { token })).statusCode).toBe(401);
  });

  it("always expire, a year at most after they are made", async () => {
    const user = await createUser(t.deps.db);
    for (const never of ["never", "", "3650"]) {
      await expect(tokenFor(user.id, never)).rejects.toThrow(/Check the token's details/);
    }
    expect(Math.max(...API_TOKEN_EXPIRY_DAYS)).toBeLessThanOrEqual(365);
    await tokenFor(user.id, 365);
    const rows = await t.deps.db
      .selectFrom("api_tokens")
      .select("expires_at")
      .where("user_id", "=", user.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.expires_at).not.toBeNull();
  });

  it("made before every token expired are refused a year after they were made", async () => {
    const user = await createUser(t.deps.db);
    const token = await tokenFor(user.id);
    const yearAgo = new Date(t.deps.clock.now().getTime() - 366 * 24 * 3600 * 1000);
    await t.deps.db
      .updateTable("api_tokens")
      .set({ expires_at: null, created_at: yearAgo })
      .where("user_id", "=", user.id)
      .execute();
    expect((await call(t.app, "GET", "/api/v1/account", { token })).statusCode).toBe(401);
  });
});
