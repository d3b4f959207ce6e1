/**
 * Abuse of the limits, in parallel bursts as an attacker sends them.
 *
 * Finding 2 of the security review: the per-account sign-in limit could be raced — the failures
 * were counted before the password was checked and recorded after, so 39 wrong passwords sent at
 * once were all checked, and the right one in the same burst signed in. Now each attempt is
 * claimed (written, then counted) before its password is checked: however many arrive together, no
 * more than the limit are ever checked.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_LIMIT } from "../../src/modules/accounts/rate-limits.ts";
import { createTestApp, type TestApp } from "../support/app.ts";
import { createUser } from "../support/auth.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

/** A browser that has seen the sign-in form: its CSRF cookie and the form's token. */
async function signInForm(app: FastifyInstance, address: string) {
  const page = await app.inject({ url: "/sign-in", remoteAddress: address });
  const cookie = page.cookies.find((c) => c.name === "openps_csrf")?.value;
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!cookie || !token) throw new Error("The sign-in page gave no CSRF cookie and token");
  return (email: string, password: string) =>
    app.inject({
      method: "POST",
      url: "/sign-in",
      remoteAddress: address,
      headers: { cookie: `openps_csrf=${cookie}`, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _csrf: token, email, password }).toString(),
    });
}

describe("signing in, in a burst", () => {
  it("checks no more passwords than the limit: the right one sent after 39 wrong ones is refused", async () => {
    const user = await createUser(t.deps.db);
    // From many addresses, so that only the per-account limit applies.
    const tries = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signInForm(t.app, `192.0.2.${i + 1}`)),
    );
    const responses = await Promise.all(
      tries.map((send, i) => send(user.email, i === 39 ? user.password : `wrong password ${i}`)),
    );
    const checked = responses.filter((r) => r.statusCode !== 429);
    expect(checked.length).toBeLessThanOrEqual(SIGN_IN_LIMIT.perAccount);
    expect(responses.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(
      40 - SIGN_IN_LIMIT.perAccount,
    );
    // The right password, sent last, came after the limit was used up: it was not checked.
    const signedIn = responses.filter((r) => r.cookies.some((c) => c.name === "openps_session" && c.value));
    expect(signedIn).toEqual([]);
    expect(responses[39]?.statusCode).toBe(429);

    // What was checked was recorded as failed; what was refused was not (on PostgreSQL, where the
    // burst runs truly at once, every attempt may be refused before any is checked).
    const failed = await t.deps.db
      .selectFrom("sign_in_attempts")
      .select("id")
      .where("kind", "=", "sign-in")
      .where("outcome", "=", "failed")
      .execute();
    expect(failed.length).toBe(checked.length);
  });

  it("counts per address too: a burst across many accounts from one address stops at its limit", async () => {
    const send = await signInForm(t.app, "203.0.113.9");
    const responses = await Promise.all(
      Array.from({ length: SIGN_IN_LIMIT.perAddress + 10 }, (_, i) =>
        send(`nobody-${i}@example.org`, "wrong password"),
      ),
    );
    const checked = responses.filter((r) => r.statusCode !== 429);
    expect(checked.length).toBeLessThanOrEqual(SIGN_IN_LIMIT.perAddress);
  });
});
