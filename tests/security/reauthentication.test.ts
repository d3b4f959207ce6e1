/**
 * Finding 13 of the security review: recovery codes could be made again with only a session, so a
 * stolen session became a lasting second-factor bypass. Now new recovery codes, and turning
 * two-factor sign-in off, need the account's password and a current code from the authenticator
 * app; wrong tries count against the two-factor limit. (The flows themselves:
 * src/modules/accounts/accounts.routes.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settableClock } from "../../src/lib/clock.ts";
import { totpCode } from "../../src/modules/accounts/totp.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser, postForm, sessionFor, type TestSession } from "../support/auth.ts";

const clock = settableClock(new Date("2026-12-05T10:00:00Z"));
let t: TestApp;
let secret: string;
let session: TestSession;

beforeAll(async () => {
  t = await createTestApp({ clock });
  const user = await createUser(t.deps.db, { clock });
  // Two-factor sign-in set up directly: the secret encrypted as the service keeps it.
  secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  await t.deps.db
    .updateTable("users")
    .set({ totp_secret: t.app.accountSecrets.encrypt(secret, "totp"), totp_enabled_at: clock.now() })
    .where("id", "=", user.id)
    .execute();
  session = await sessionFor(t.app, user.id, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

describe("a stolen session", () => {
  it("cannot make new recovery codes or turn two-factor sign-in off", async () => {
    // The old button: a session alone.
    expect((await postForm(t.app, session, "/account/two-factor/recovery-codes", {})).statusCode).toBe(404);
    for (const url of ["/account/two-factor/recovery-codes/new", "/account/two-factor/disable"]) {
      const withoutPassword = await postForm(t.app, session, url, { code: totpCode(secret, clock.now()) });
      expect(withoutPassword.statusCode, url).toBe(400);
      clock.advance(30_000);
      const guessed = await postForm(t.app, session, url, {
        password: "a guess at the password",
        code: totpCode(secret, clock.now()),
      });
      expect(guessed.statusCode, url).toBe(400);
      clock.advance(30_000);
    }
    const codes = await t.deps.db.selectFrom("recovery_codes").select("id").execute();
    expect(codes).toEqual([]);
    const user = await t.deps.db
      .selectFrom("users")
      .select("totp_enabled_at")
      .where("totp_secret", "is not", null)
      .execute();
    expect(user).toHaveLength(1);
  });
});
