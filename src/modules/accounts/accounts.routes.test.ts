/**
 * Accounts through `app.inject`, as a browser uses them: signing up and confirming by email, signing
 * in and out, rate limits, password reset, two-factor sign-in, API tokens and the account page. The
 * emails go through the real job handler to a mailer that records them.
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { createUser, sessionFor, type TestBrowser, testBrowser } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { type SettableClock, settableClock } from "../../lib/clock.ts";
import { sha256 } from "../../lib/secrets.ts";
import { DEMO_PASSWORD, DEMO_USERS, demoUsersSeed } from "../../seed/demo/users.ts";
import { runSeeds } from "../../seed/seed.ts";
import { createJobRunner } from "../jobs/jobs.runner.ts";
import type { MailMessage } from "../notifications/mailer.ts";
import { accountJobHandlers } from "./accounts.emails.ts";
import { SESSION_COOKIE } from "./accounts.service.ts";
import { totpCode } from "./totp.ts";

const START = new Date("2026-11-22T10:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const COUNCIL = "019a0000-0000-7000-8000-00000000a001";
const PASSWORD = "purple monkey dishwasher";

let clock: SettableClock;
let t: TestApp;
let sent: MailMessage[];

async function appWith(env: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp({ clock, env: { OPENPS_DEMO: "false", ...env } });
}

beforeEach(async () => {
  clock = settableClock(START);
  sent = [];
  t = await appWith();
});
afterEach(async () => {
  await t.close();
});

/** Runs the due jobs: the account emails go to `sent`. */
async function deliverEmails(app: TestApp = t): Promise<MailMessage[]> {
  const before = sent.length;
  const runner = createJobRunner({
    db: app.database.db,
    clock,
    handlers: accountJobHandlers({
      mailer: { send: async (m) => void sent.push(m), close: async () => {} },
      baseUrl: app.deps.config.baseUrl,
      secrets: app.app.accountSecrets,
    }),
    pollMs: 10,
    batchSize: 50,
    logger: pino({ level: "silent" }),
  });
  await runner.runDue();
  return sent.slice(before);
}

/** The path and query of the link in an email. */
function linkIn(mail: MailMessage | undefined): string {
  const match = /https?:\/\/[^/\s]+(\/\S+)/.exec(mail?.text ?? "");
  if (!match?.[1]) throw new Error(`No link in the email: ${mail?.text}`);
  return match[1];
}

function errorLinks(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? "";
  return [...summary.matchAll(/href="(#[^"]+)"/g)].map((m) => m[1] as string);
}

async function signInWith(browser: TestBrowser, email: string, password: string, returnTo?: string) {
  await browser.get("/sign-in");
  return browser.post("/sign-in", { email, password, ...(returnTo ? { returnTo } : {}) });
}

async function auditActions(): Promise<string[]> {
  const rows = await t.database.db.selectFrom("audit_events").select("action").orderBy("seq").execute();
  return rows.map((r) => r.action);
}

describe(`signing up on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("refuses bad input with 400 and an error summary linking to each field, storing nothing", async () => {
    const browser = testBrowser(t.app);
    const form = await browser.get("/sign-up");
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="_csrf"');
    const empty = await browser.post("/sign-up", { displayName: "", email: "", password: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain("<title>Error: Create an OpenPS account – OpenPS</title>");
    expect(errorLinks(empty.body)).toEqual(["#displayName", "#email", "#password"]);
    const bad = await browser.post("/sign-up", {
      displayName: "Ann",
      email: "ann@",
      password: "password1234",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("Enter an email address in the correct format, like name@example.com");
    expect(bad.body).toContain("This password is too common");
    expect(bad.body).toContain('value="ann@"');
    const short = await browser.post("/sign-up", {
      displayName: "Ann",
      email: "ann@example.org",
      password: "short",
    });
    expect(short.body).toContain("Password must be 12 characters or more");
    expect(short.body).not.toContain('value="short"');
    expect(await t.database.db.selectFrom("users").selectAll().execute()).toEqual([]);
  });

  it("makes an unconfirmed account and emails a link; the database never holds a usable link", async () => {
    const browser = testBrowser(t.app);
    await browser.get("/sign-up");
    const response = await browser.post("/sign-up", {
      displayName: "Ann Example",
      email: "Ann@Example.org",
      password: PASSWORD,
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/sign-up/check-email");
    const user = await t.database.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      email: "Ann@Example.org",
      display_name: "Ann Example",
      email_verified_at: null,
    });
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$/);

    const [mail] = await deliverEmails();
    expect(mail).toMatchObject({ to: "Ann@Example.org", subject: "Confirm your email address for OpenPS" });
    const link = linkIn(mail);
    expect(link).toMatch(/^\/verify-email\?token=[A-Za-z0-9_-]{43}$/);
    const token = decodeURIComponent(link.split("token=")[1] as string);
    // Stored: only the SHA-256 of the token; the job's payload holds ids only; nothing in the inbox.
    const row = await t.database.db.selectFrom("email_tokens").selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token));
    expect(row.expires_at).toEqual(new Date(START.getTime() + 24 * HOUR));
    const jobs = await t.database.db.selectFrom("jobs").selectAll().execute();
    expect(jobs.map((j) => j.payload)).toEqual([{ kind: "verify-email", userId: user.id, tokenId: row.id }]);
    expect(JSON.stringify(jobs)).not.toContain(token);
    expect(await t.database.db.selectFrom("notifications").selectAll().execute()).toEqual([]);

    const verified = await browser.get(link);
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe("/sign-in?notice=email-verified");
    const signInPage = await browser.get("/sign-in?notice=email-verified");
    expect(signInPage.body).toContain("Your email address is confirmed. You can now sign in.");
    const again = await browser.get(link);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain("has expired or has already been used");
    expect(await auditActions()).toEqual(["account.registered", "account.email-verified"]);
    // No personal data in the audit trail.
    const changes = JSON.stringify(
      await t.database.db.selectFrom("audit_events").select("changes").execute(),
    );
    expect(changes).not.toMatch(/Ann|example\.org/i);
  });

  it("refuses a confirmation link after 24 hours", async () => {
    const browser = testBrowser(t.app);
    await browser.get("/sign-up");
    await browser.post("/sign-up", { displayName: "Ann", email: "ann@example.org", password: PASSWORD });
    const link = linkIn((await deliverEmails())[0]);
    clock.advance(24 * HOUR + 1000);
    expect((await browser.get(link)).statusCode).toBe(400);
    const user = await t.database.db
      .selectFrom("users")
      .select("email_verified_at")
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
  });

  it("does not reveal that an address has an account: the same answer, and its holder is told by email", async () => {
    const ann = await createUser(t.database.db, { email: "ann@example.org", clock });
    const browser = testBrowser(t.app);
    await browser.get("/sign-up");
    const response = await browser.post("/sign-up", {
      displayName: "Someone Else",
      email: "ANN@example.org",
      password: "another long password",
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/sign-up/check-email");
    const mails = await deliverEmails();
    expect(mails).toEqual([
      expect.objectContaining({ to: ann.email, subject: "You already have an OpenPS account" }),
    ]);
    expect(await t.database.db.selectFrom("users").selectAll().execute()).toHaveLength(1);
  });

  it("shows the confirmation link on the page in demo mode without email, and never outside demo mode", async () => {
    const demo = await appWith({ OPENPS_DEMO: "true" });
    try {
      const browser = testBrowser(demo.app);
      await browser.get("/sign-up");
      const response = await browser.post("/sign-up", {
        displayName: "Demo Visitor",
        email: "visitor@example.org",
        password: PASSWORD,
      });
      const location = String(response.headers.location);
      expect(location).toMatch(/^\/sign-up\/check-email\?ref=[0-9a-f-]{36}$/);
      const page = await browser.get(location);
      expect(page.body).toContain("This demonstration does not send email.");
      const link = /href="(\/verify-email\?token=[^"]+)"/.exec(page.body)?.[1] as string;
      expect((await browser.get(link.replaceAll("&amp;", "&"))).headers.location).toBe(
        "/sign-in?notice=email-verified",
      );
      // Outside demo mode the same reference shows nothing.
      const ref = location.split("ref=")[1] as string;
      const elsewhere = await t.app.inject({ url: `/sign-up/check-email?ref=${ref}` });
      expect(elsewhere.body).not.toContain("/verify-email?token=");
    } finally {
      await demo.close();
    }
  });
});

describe("signing in and out", () => {
  it("refuses an unconfirmed account with a clear message and a way to send the link again", async () => {
    const ann = await createUser(t.database.db, { verified: false, clock });
    const browser = testBrowser(t.app);
    const wrong = await signInWith(browser, ann.email, "not the password at all");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).not.toContain("Confirm your email address first");
    const response = await signInWith(browser, ann.email, ann.password);
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain("Confirm your email address first");
    expect(response.body).toContain('action="/verify-email/resend"');
    expect(response.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    const resent = await browser.post("/verify-email/resend", { email: ann.email });
    expect(resent.headers.location).toBe("/sign-up/check-email");
    const [mail] = await deliverEmails();
    expect(mail?.to).toBe(ann.email);
    await browser.get(linkIn(mail));
    expect((await signInWith(browser, ann.email, ann.password)).headers.location).toBe("/tasks");
  });

  it("signs in to the person's work, shows the account, and signs out, ending the session", async () => {
    const ann = await createUser(t.database.db, { displayName: "Ann Example", clock });
    const browser = testBrowser(t.app);
    const response = await signInWith(browser, ann.email, ann.password);
    expect(response.statusCode).toBe(303);
    // Everyone lands on their work ("Your work", /tasks), which links to the account.
    expect(response.headers.location).toBe("/tasks");
    const work = await browser.get("/tasks");
    expect(work.statusCode).toBe(200);
    expect(work.body).toContain("<title>Your work – OpenPS</title>");
    const account = await browser.get("/account");
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain("Ann Example");
    expect(account.body).toContain('href="/account"');
    // Signing out is a button on the account page.
    expect(account.body).toMatch(
      /<form method="post" action="\/sign-out">[\s\S]*?<button[^>]*>\s*Sign out\s*<\/button>/,
    );
    expect(account.headers["cache-control"]).toBe("no-store");
    const confirm = await browser.get("/sign-out");
    expect(confirm.body).toContain('action="/sign-out"');
    const out = await browser.post("/sign-out");
    expect(out.headers.location).toBe("/signed-out");
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect(await t.database.db.selectFrom("sessions").selectAll().execute()).toEqual([]);
    const after = await browser.get("/account");
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe("/sign-in?returnTo=%2Faccount");
    expect(await auditActions()).toEqual(["account.registered", "account.signed-in", "account.signed-out"]);
  });

  it("answers a wrong password and an unknown address alike, with 400 and no session", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    const wrong = await signInWith(browser, ann.email, "wrong password here");
    const unknown = await signInWith(browser, "nobody@example.org", "wrong password here");
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(400);
      expect(errorLinks(response.body)).toEqual(["#email"]);
      expect(response.body).toContain("Enter the correct email address and password");
      expect(response.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    }
    const blank = await signInWith(browser, "", "");
    expect(errorLinks(blank.body)).toEqual(["#email", "#password"]);
  });

  it("rotates the session on signing in again, and goes back only to pages on this site", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    const first = await browser.get("/account/api-tokens/new");
    expect(first.headers.location).toBe("/sign-in?returnTo=%2Faccount%2Fapi-tokens%2Fnew");
    const page = await browser.get(String(first.headers.location));
    expect(page.body).toContain('name="returnTo" value="/account/api-tokens/new"');
    const signedIn = await browser.post("/sign-in", {
      email: ann.email,
      password: ann.password,
      returnTo: "/account/api-tokens/new",
    });
    expect(signedIn.headers.location).toBe("/account/api-tokens/new");
    const before = browser.cookie(SESSION_COOKIE);
    for (const returnTo of ["https://evil.example/", "//evil.example/", "/\\evil.example", "/sign-out"]) {
      const again = await signInWith(browser, ann.email, ann.password, returnTo);
      expect(again.headers.location, returnTo).toBe("/tasks");
    }
    expect(browser.cookie(SESSION_COOKIE)).not.toBe(before);
    expect(await t.database.db.selectFrom("sessions").selectAll().execute()).toHaveLength(1);
  });

  it("lists the sessions and signs out everywhere", async () => {
    const ann = await createUser(t.database.db, { clock });
    const phone = testBrowser(t.app);
    const laptop = testBrowser(t.app);
    await signInWith(phone, ann.email, ann.password);
    await signInWith(laptop, ann.email, ann.password);
    const account = await laptop.get("/account");
    expect(account.body.match(/\(this device\)/g)).toHaveLength(1);
    expect(account.body.match(/10am on 22 November 2026/g)?.length).toBeGreaterThanOrEqual(4);
    const out = await laptop.post("/account/sign-out-everywhere");
    expect(out.headers.location).toBe("/signed-out");
    expect((await phone.get("/account")).statusCode).toBe(303);
    expect(await t.database.db.selectFrom("sessions").selectAll().execute()).toEqual([]);
  });
});

describe("rate limits on signing in", () => {
  it("locks an account for 15 minutes after 5 failures, even for the right password, then releases it", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    for (let i = 0; i < 5; i++) {
      expect((await signInWith(browser, ann.email, `wrong password ${i}`)).statusCode).toBe(400);
    }
    const locked = await signInWith(browser, ann.email, ann.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["retry-after"]).toBe(String(15 * 60));
    expect(locked.body).toContain(
      "You have tried to sign in too many times. Wait 15 minutes, then try again",
    );
    clock.advance(14 * MINUTE);
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(429);
    clock.advance(MINUTE + 1000);
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(303);
  });

  it("counts failures per address across accounts: 20 in 15 minutes", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    for (let i = 0; i < 20; i++) {
      expect((await signInWith(browser, `someone${i}@example.org`, "wrong password")).statusCode).toBe(400);
    }
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(429);
    clock.advance(15 * MINUTE + 1000);
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(303);
    // The address is kept only as an HMAC.
    const keys = await t.database.db
      .selectFrom("sign_in_attempts")
      .select(["address_key", "account_key"])
      .execute();
    expect(JSON.stringify(keys)).not.toMatch(/127\.0\.0\.1|example\.org/);
  });

  it("a successful sign-in clears the account's earlier failures", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    for (let i = 0; i < 4; i++) await signInWith(browser, ann.email, "wrong password");
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(303);
    for (let i = 0; i < 4; i++) await signInWith(browser, ann.email, "wrong password");
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(303);
  });
});

describe("password reset", () => {
  it("never reveals whether an address has an account, and limits the emails", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    await browser.get("/forgot-password");
    const known = await browser.post("/forgot-password", { email: ann.email });
    const unknown = await browser.post("/forgot-password", { email: "nobody@example.org" });
    expect(known.headers.location).toBe("/forgot-password/sent");
    expect(unknown.headers.location).toBe("/forgot-password/sent");
    expect((await deliverEmails()).map((m) => m.to)).toEqual([ann.email]);
    // Three emails an hour for one address…
    await browser.post("/forgot-password", { email: ann.email });
    await browser.post("/forgot-password", { email: ann.email });
    const limited = await browser.post("/forgot-password", { email: ann.email });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain("Too many password reset emails");
    // …and ten from one address of any kind.
    for (let i = 0; i < 6; i++) {
      expect((await browser.post("/forgot-password", { email: `x${i}@example.org` })).statusCode).toBe(303);
    }
    expect((await browser.post("/forgot-password", { email: "y@example.org" })).statusCode).toBe(429);
    clock.advance(HOUR + 1000);
    expect((await browser.post("/forgot-password", { email: ann.email })).statusCode).toBe(303);
  });

  it("sets a new password with a link that works once, for an hour, and signs out everywhere", async () => {
    const ann = await createUser(t.database.db, { clock });
    const elsewhere = await sessionFor(t.app, ann.id);
    const tokenPage = testBrowser(t.app);
    await signInWith(tokenPage, ann.email, ann.password);
    await tokenPage.get("/account/api-tokens/new");
    await tokenPage.post("/account/api-tokens/new", {
      name: "script",
      scopes: "account:read",
      expiresInDays: "30",
    });
    const shown = await tokenPage.get("/account/api-tokens/created");
    const apiToken = /openps_(?!csrf|session)[A-Za-z0-9_-]{20,}/.exec(shown.body)?.[0] as string;
    expect((await call(t.app, "GET", "/api/v1/account", { token: apiToken })).statusCode).toBe(200);
    const browser = testBrowser(t.app);
    await browser.get("/forgot-password");
    await browser.post("/forgot-password", { email: ann.email });
    const [mail] = await deliverEmails();
    expect(mail?.subject).toBe("Reset your OpenPS password");
    const link = linkIn(mail);
    const form = await browser.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.headers["referrer-policy"]).toBe("no-referrer");
    const token = decodeURIComponent(link.split("token=")[1] as string);
    const mismatch = await browser.post("/reset-password", {
      token,
      password: "a brand new password",
      confirmPassword: "a different one",
    });
    expect(mismatch.statusCode).toBe(400);
    expect(errorLinks(mismatch.body)).toEqual(["#confirmPassword"]);
    const reset = await browser.post("/reset-password", {
      token,
      password: "a brand new password",
      confirmPassword: "a brand new password",
    });
    expect(reset.headers.location).toBe("/sign-in?notice=password-reset");
    expect((await t.app.inject({ url: "/account", headers: { cookie: elsewhere.cookie } })).statusCode).toBe(
      303,
    );
    expect((await signInWith(browser, ann.email, ann.password)).statusCode).toBe(400);
    expect((await signInWith(testBrowser(t.app), ann.email, "a brand new password")).statusCode).toBe(303);
    // Tokens made before the reset end with it (security finding 9).
    expect((await call(t.app, "GET", "/api/v1/account", { token: apiToken })).statusCode).toBe(401);
    expect((await browser.get(link)).statusCode).toBe(400);
  });

  it("refuses a reset link after an hour", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    await browser.get("/forgot-password");
    await browser.post("/forgot-password", { email: ann.email });
    const link = linkIn((await deliverEmails())[0]);
    clock.advance(HOUR + 1000);
    const response = await browser.get(link);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("This link to reset your password has expired or has already been used");
  });
});

/** The secret shown on the set-up page, without its spaces. */
function secretOn(html: string): string {
  return (/id="totp-secret">([A-Z2-7 ]+)</.exec(html)?.[1] ?? "").replaceAll(" ", "");
}

async function setUpTwoFactor(browser: TestBrowser): Promise<{ secret: string; codes: string[] }> {
  const page = await browser.get("/account/two-factor/setup");
  expect(page.statusCode).toBe(200);
  expect(page.body).toMatch(/<svg role="img" aria-labelledby="qr-title"/);
  const secret = secretOn(page.body);
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const confirmed = await browser.post("/account/two-factor/setup", { code: totpCode(secret, clock.now()) });
  expect(confirmed.headers.location).toBe("/account/two-factor/recovery-codes");
  const shown = await browser.get("/account/two-factor/recovery-codes");
  const codes = [...shown.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1] as string);
  expect(codes).toHaveLength(10);
  return { secret, codes };
}

describe("two-factor sign-in", () => {
  it("makes a bid opener set it up first, then asks for a code that cannot be replayed", async () => {
    const bea = await createUser(t.database.db, {
      grants: [{ role: "bid-opener", scopeId: COUNCIL }],
      clock,
    });
    const browser = testBrowser(t.app);
    const signedIn = await signInWith(browser, bea.email, bea.password);
    expect(signedIn.headers.location).toBe("/account/two-factor/setup");
    expect((await browser.get("/account")).headers.location).toBe("/account/two-factor/setup");
    const page = await browser.get("/account/two-factor/setup");
    const wrong = await browser.post("/account/two-factor/setup", { code: "000000" });
    expect(wrong.statusCode).toBe(400);
    expect(errorLinks(wrong.body)).toEqual(["#code"]);
    expect(secretOn(wrong.body)).toBe(secretOn(page.body));
    const before = browser.cookie(SESSION_COOKIE);
    const { secret, codes } = await setUpTwoFactor(browser);
    expect(browser.cookie(SESSION_COOKIE)).not.toBe(before);
    // Shown once.
    expect((await browser.get("/account/two-factor/recovery-codes")).headers.location).toBe("/account");
    const account = await browser.get("/account");
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain("Your roles need two-factor sign-in, so it cannot be turned off.");
    // The secret is stored encrypted, the recovery codes hashed.
    const user = await t.database.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user.totp_secret).not.toContain(secret);
    const stored = await t.database.db.selectFrom("recovery_codes").select("code_hash").execute();
    expect(JSON.stringify(stored)).not.toContain(codes[0]);

    await browser.post("/sign-out");
    const again = await signInWith(browser, bea.email, bea.password);
    expect(again.headers.location).toBe("/sign-in/two-factor?returnTo=%2Ftasks");
    // Half-signed-in: not signed in yet.
    expect((await browser.get("/account")).headers.location).toBe("/sign-in?returnTo=%2Faccount");
    expect((await browser.get("/sign-in?returnTo=%2Faccount")).headers.location).toBe(
      "/sign-in/two-factor?returnTo=%2Faccount",
    );
    await browser.get("/sign-in/two-factor?returnTo=%2Faccount");
    clock.advance(30_000);
    const code = totpCode(secret, clock.now());
    const before2fa = browser.cookie(SESSION_COOKIE);
    const passed = await browser.post("/sign-in/two-factor", { code, returnTo: "/account" });
    expect(passed.headers.location).toBe("/account");
    expect(browser.cookie(SESSION_COOKIE)).not.toBe(before2fa);
    expect((await browser.get("/account")).statusCode).toBe(200);

    // The same code again, within its window, in another sign-in: refused.
    const other = testBrowser(t.app);
    await signInWith(other, bea.email, bea.password);
    await other.get("/sign-in/two-factor");
    clock.advance(5_000);
    const replay = await other.post("/sign-in/two-factor", { code });
    expect(replay.statusCode).toBe(400);
    expect(errorLinks(replay.body)).toEqual(["#code"]);
    // A recovery code works, once.
    const recovered = await other.post("/sign-in/two-factor", { code: (codes[0] as string).toUpperCase() });
    expect(recovered.headers.location).toBe("/tasks");
    const third = testBrowser(t.app);
    await signInWith(third, bea.email, bea.password);
    await third.get("/sign-in/two-factor");
    expect((await third.post("/sign-in/two-factor", { code: codes[0] as string })).statusCode).toBe(400);
    const actions = await auditActions();
    expect(actions).toContain("account.two-factor-enabled");
    expect(actions.filter((a) => a === "account.two-factor-passed")).toHaveLength(2);
    const changes = JSON.stringify(
      await t.database.db.selectFrom("audit_events").select("changes").execute(),
    );
    expect(changes).not.toContain(secret);
  });

  it("limits wrong codes: 5 in 15 minutes", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    await signInWith(browser, ann.email, ann.password);
    const { secret } = await setUpTwoFactor(browser);
    await browser.post("/sign-out");
    await signInWith(browser, ann.email, ann.password);
    await browser.get("/sign-in/two-factor");
    for (let i = 0; i < 5; i++)
      expect((await browser.post("/sign-in/two-factor", { code: "000000" })).statusCode).toBe(400);
    clock.advance(30_000);
    const limited = await browser.post("/sign-in/two-factor", { code: totpCode(secret, clock.now()) });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain("You have entered too many wrong codes");
  });

  it("is optional for others, who turn it off with their password and a current code; people who need it cannot", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    await signInWith(browser, ann.email, ann.password);
    expect((await browser.get("/account")).body).toContain("Set up two-factor sign-in");
    const { secret, codes } = await setUpTwoFactor(browser);
    // New recovery codes replace the old ones: with the password and a current code only.
    await browser.get("/account/two-factor/recovery-codes/new");
    const sessionOnly = await browser.post("/account/two-factor/recovery-codes/new", {});
    expect(sessionOnly.statusCode).toBe(400);
    clock.advance(30_000);
    const wrongPassword = await browser.post("/account/two-factor/recovery-codes/new", {
      password: "not my password at all",
      code: totpCode(secret, clock.now()),
    });
    expect(wrongPassword.statusCode).toBe(400);
    clock.advance(30_000);
    const regenerated = await browser.post("/account/two-factor/recovery-codes/new", {
      password: ann.password,
      code: totpCode(secret, clock.now()),
    });
    expect(regenerated.headers.location).toBe("/account/two-factor/recovery-codes");
    const newCodes = [
      ...(await browser.get("/account/two-factor/recovery-codes")).body.matchAll(/<li><code>([a-z0-9-]+)</g),
    ].map((m) => m[1]);
    expect(newCodes).toHaveLength(10);
    expect(newCodes).not.toContain(codes[0]);

    await browser.get("/account/two-factor/disable");
    const wrong = await browser.post("/account/two-factor/disable", {
      password: ann.password,
      code: "123456",
    });
    expect(wrong.statusCode).toBe(400);
    clock.advance(30_000);
    const noPassword = await browser.post("/account/two-factor/disable", {
      code: totpCode(secret, clock.now()),
    });
    expect(noPassword.statusCode).toBe(400);
    clock.advance(30_000);
    const off = await browser.post("/account/two-factor/disable", {
      password: ann.password,
      code: totpCode(secret, clock.now()),
    });
    expect(off.headers.location).toBe("/account");
    const account = await browser.get("/account");
    expect(account.body).toContain("Two-factor sign-in is off.");
    expect(account.body).toContain("Set up two-factor sign-in");
    const user = await t.database.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user).toMatchObject({ totp_secret: null, totp_enabled_at: null });

    const admin = await createUser(t.database.db, { grants: [{ role: "platform-admin" }], clock });
    const session = await sessionFor(t.app, admin.id, { twoFactor: true });
    const adminBrowser = testBrowser(t.app);
    expect(
      (await t.app.inject({ url: "/account/two-factor/disable", headers: { cookie: session.cookie } }))
        .headers.location,
    ).toBe("/account#two-factor");
    void adminBrowser;
    const refused = await t.app.inject({
      method: "POST",
      url: "/account/two-factor/disable",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ _csrf: session.csrfToken, code: "123456" }).toString(),
    });
    expect(refused.statusCode).toBe(409);
  });
});

describe("API tokens", () => {
  it("are made on the account page, shown once, used as Bearer tokens, and revoked", async () => {
    const ann = await createUser(t.database.db, { displayName: "Ann", clock });
    const browser = testBrowser(t.app);
    await signInWith(browser, ann.email, ann.password);
    const form = await browser.get("/account/api-tokens/new");
    expect(form.statusCode).toBe(200);
    const invalid = await browser.post("/account/api-tokens/new", { name: "", expiresInDays: "90" });
    expect(invalid.statusCode).toBe(400);
    expect(errorLinks(invalid.body)).toEqual(["#name", "#scopes"]);
    const created = await browser.post("/account/api-tokens/new", {
      name: "Finance system",
      scopes: ["account:read", "organisations:read"],
      expiresInDays: "30",
    });
    expect(created.headers.location).toBe("/account/api-tokens/created");
    const shown = await browser.get("/account/api-tokens/created");
    const token = /id="api-token">(openps_[A-Za-z0-9_-]{43})</.exec(shown.body)?.[1] as string;
    expect(token).toBeDefined();
    expect((await browser.get("/account/api-tokens/created")).headers.location).toBe("/account#api-tokens");
    const row = await t.database.db.selectFrom("api_tokens").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: "Finance system",
      token_hash: sha256(token),
      scopes: ["account:read", "organisations:read"],
      expires_at: new Date(START.getTime() + 30 * 24 * HOUR),
    });

    const api = await call(t.app, "GET", "/api/v1/account", { token });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual({
      id: ann.id,
      displayName: "Ann",
      email: ann.email,
      emailVerified: true,
      twoFactorEnabled: false,
      roles: [],
      tokenScopes: ["account:read", "organisations:read"],
    });
    const account = await browser.get("/account");
    expect(account.body).toContain("Finance system");
    expect(account.body).toContain("10am on 22 November 2026");

    const revoke = await browser.post(`/account/api-tokens/${row.id}/revoke`);
    expect(revoke.headers.location).toBe("/account#api-tokens");
    expect((await browser.get("/account")).body).toContain("The API token has been revoked.");
    const after = await call(t.app, "GET", "/api/v1/account", { token });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe("invalid_token");
    expect(await auditActions()).toEqual(expect.arrayContaining(["api-token.created", "api-token.revoked"]));
  });

  it("refuses a token without the scope (403) and after it expires (401); another's cannot be revoked", async () => {
    const ann = await createUser(t.database.db, { clock });
    const browser = testBrowser(t.app);
    await signInWith(browser, ann.email, ann.password);
    await browser.get("/account/api-tokens/new");
    await browser.post("/account/api-tokens/new", {
      name: "Read only",
      scopes: "organisations:read",
      expiresInDays: "7",
    });
    const token = /id="api-token">([^<]+)</.exec(
      (await browser.get("/account/api-tokens/created")).body,
    )?.[1];
    const forbidden = await call(t.app, "GET", "/api/v1/account", { token: String(token) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.message).toContain("does not have the account:read scope");
    clock.advance(7 * 24 * HOUR);
    expect((await call(t.app, "GET", "/api/v1/account", { token: String(token) })).statusCode).toBe(401);

    const row = await t.database.db.selectFrom("api_tokens").select("id").executeTakeFirstOrThrow();
    const bob = await createUser(t.database.db, { clock });
    const other = testBrowser(t.app);
    await signInWith(other, bob.email, bob.password);
    await other.get("/account");
    expect((await other.post(`/account/api-tokens/${row.id}/revoke`)).statusCode).toBe(404);
  });
});

describe("demo accounts", () => {
  it("in demo mode, lists one account per role on the sign-in page, each signing in at once", async () => {
    const demo = await appWith({ OPENPS_DEMO: "true" });
    try {
      await runSeeds(demo.database.db, clock, [demoUsersSeed], { demo: true });
      const browser = testBrowser(demo.app);
      const page = await browser.get("/sign-in");
      expect(page.body).toContain("Demo accounts");
      expect(page.body).toContain(DEMO_PASSWORD);
      expect(page.body.match(/action="\/sign-in\/demo"/g)).toHaveLength(DEMO_USERS.length);
      // Each says what it acts for and every role it holds: the commissioner opens bids too.
      const text = mainText(page.body);
      expect(text).toContain("Commissioner, Bid opener Westshire County Council Priya Shah");
      expect(text).toContain("Authority administrator, Bid opener Westshire County Council");
      expect(text).toContain("Platform administrator The whole platform Pat Morgan");
      expect(page.body).not.toMatch(/<td class="govuk-table__cell">[a-z]+-[a-z-]+<\/td>/);
      expect(new Set(DEMO_USERS.map((u) => `${u.role} ${u.scopeId ?? ""}`)).size).toBe(DEMO_USERS.length);
      const bidOpener = DEMO_USERS.find((u) => u.role === "bid-opener");
      const signedIn = await browser.post("/sign-in/demo", { userId: bidOpener?.id as string });
      expect(signedIn.headers.location).toBe("/tasks");
      expect((await browser.get("/tasks")).statusCode).toBe(200);
      // The password works too, for the form.
      const citizen = DEMO_USERS.find((u) => u.role === "citizen");
      expect(
        (await signInWith(testBrowser(demo.app), citizen?.email as string, DEMO_PASSWORD)).headers.location,
      ).toBe("/tasks");
    } finally {
      await demo.close();
    }
  });

  it("outside demo mode, offers no demo account and refuses the demo sign-in", async () => {
    await runSeeds(t.database.db, clock, [demoUsersSeed], { demo: true });
    const browser = testBrowser(t.app);
    const page = await browser.get("/sign-in");
    expect(page.body).not.toContain("Demo accounts");
    expect(page.body).not.toContain(DEMO_PASSWORD);
    const refused = await browser.post("/sign-in/demo", { userId: DEMO_USERS[0]?.id as string });
    expect(refused.statusCode).toBe(404);
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
  });
});
