/** Account rules against the real database (PGlite, or PostgreSQL with DATABASE_URL). */
import { argon2Sync, randomBytes } from "node:crypto";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { type SettableClock, settableClock } from "../../lib/clock.ts";
import { ConflictError } from "../../lib/errors.ts";
import { accountSecretsFromKey } from "../../lib/secrets.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { createJobRunner } from "../jobs/jobs.runner.ts";
import type { MailMessage } from "../notifications/mailer.ts";
import { accountJobHandlers } from "./accounts.emails.ts";
import {
  type AccountsCtx,
  createAccount,
  putFlash,
  SESSION_TOUCH_MS,
  takeFlash,
} from "./accounts.service.ts";
import { requestPasswordReset } from "./password-reset.service.ts";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.ts";
import { resolveSession, signIn, userAgentSummary } from "./sessions.service.ts";
import { signUp } from "./sign-up.service.ts";

const START = new Date("2026-11-22T10:00:00Z");
const origin = { address: "192.0.2.1", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" };

let t: TestDatabase;
let clock: SettableClock;
let ctx: AccountsCtx;
beforeEach(async () => {
  t = await createTestDatabase();
  clock = settableClock(START);
  ctx = { db: t.db, clock, principal: null, secrets: accountSecretsFromKey(randomBytes(32)), origin };
});
afterEach(async () => {
  await t.destroy();
});

function runEmails(mailer: { send(m: MailMessage): Promise<void> } | undefined) {
  return createJobRunner({
    db: t.db,
    clock,
    handlers: accountJobHandlers({
      mailer: mailer && { ...mailer, close: async () => {} },
      baseUrl: "https://openps.example.org",
      secrets: ctx.secrets,
    }),
    pollMs: 10,
    batchSize: 10,
    logger: pino({ level: "silent" }),
  }).runDue();
}

describe(`accounts on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("refuses a second account for an address, whatever its case", async () => {
    const make = (email: string) =>
      transaction(t.db, (trx) =>
        createAccount(trx, clock, SYSTEM("test"), {
          email,
          displayName: "Ann",
          password: "x",
          verified: true,
        }),
      );
    await make("ann@example.org");
    await expect(make("ANN@example.org")).rejects.toBeInstanceOf(ConflictError);
  });

  it("takes a password's hash made already, only an Argon2id one, and signs in with the password", async () => {
    const make = (email: string, passwordHash: string) =>
      transaction(t.db, (trx) =>
        createAccount(trx, clock, SYSTEM("test"), {
          email,
          displayName: "Ann",
          passwordHash,
          verified: true,
        }),
      );
    await expect(make("md5@example.org", "5f4dcc3b5aa765d61d8327deb882cf99")).rejects.toBeInstanceOf(
      TypeError,
    );
    const user = await make("hashed@example.org", await hashPassword("a long password"));
    expect(await verifyPassword("a long password", user.password_hash ?? "")).toBe(true);
  });

  it("emails a link once, with an absolute address, and not at all once it is used, expired or unsendable", async () => {
    await signUp(ctx, { displayName: "Ann", email: "ann@example.org", password: "a long password" });
    const sent: MailMessage[] = [];
    const mailer = { send: async (m: MailMessage) => void sent.push(m) };
    expect(await runEmails(mailer)).toMatchObject({ done: 1 });
    expect(sent[0]?.text).toMatch(/https:\/\/openps\.example\.org\/verify-email\?token=[\w-]{43}\n/);
    // Run again (a job may run twice): nothing more is sent.
    await t.db.updateTable("jobs").set({ status: "pending", run_at: START }).execute();
    await runEmails(mailer);
    expect(sent).toHaveLength(1);

    // A reset link that expires before the job runs is not sent.
    await requestPasswordReset(ctx, "ann@example.org");
    clock.advance(61 * 60_000);
    await runEmails(mailer);
    expect(sent).toHaveLength(1);

    // Without a mailer the job finishes without sending (and without failing).
    await requestPasswordReset(ctx, "ann@example.org");
    expect(await runEmails(undefined)).toMatchObject({ done: 1, failed: 0 });
  });

  it("replaces a hash made with weaker parameters at the next successful sign-in", async () => {
    const user = await transaction(t.db, (trx) =>
      createAccount(trx, clock, SYSTEM("test"), {
        email: "ann@example.org",
        displayName: "Ann",
        password: "a long password",
        verified: true,
      }),
    );
    const salt = randomBytes(16);
    const key = argon2Sync("argon2id", {
      message: "a long password",
      nonce: salt,
      memory: 8192,
      passes: 1,
      parallelism: 1,
      tagLength: 32,
    });
    const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
    const weak = `$argon2id$v=19$m=8192,t=1,p=1$${b64(salt)}$${b64(key)}`;
    await t.db.updateTable("users").set({ password_hash: weak }).where("id", "=", user.id).execute();
    const outcome = await signIn(ctx, { email: "ann@example.org", password: "a long password" });
    expect(outcome.kind).toBe("signed-in");
    const stored = await t.db.selectFrom("users").select("password_hash").executeTakeFirstOrThrow();
    expect(stored.password_hash).not.toBe(weak);
    expect(needsRehash(stored.password_hash as string)).toBe(false);
  });

  it("writes a session's last-seen time at most once a minute, and keeps a summary of the browser", async () => {
    await transaction(t.db, (trx) =>
      createAccount(trx, clock, SYSTEM("test"), {
        email: "ann@example.org",
        displayName: "Ann",
        password: "a long password",
        verified: true,
      }),
    );
    const outcome = await signIn(ctx, { email: "ann@example.org", password: "a long password" });
    if (outcome.kind !== "signed-in") throw new Error("not signed in");
    const seen = async () =>
      (await t.db.selectFrom("sessions").selectAll().executeTakeFirstOrThrow()).last_seen_at.getTime();
    clock.advance(SESSION_TOUCH_MS - 1000);
    expect((await resolveSession(ctx, outcome.session.token))?.stage).toBe("signed-in");
    expect(await seen()).toBe(START.getTime());
    clock.advance(1000);
    await resolveSession(ctx, outcome.session.token);
    expect(await seen()).toBe(START.getTime() + SESSION_TOUCH_MS);
    const row = await t.db.selectFrom("sessions").select("user_agent").executeTakeFirstOrThrow();
    expect(row.user_agent).toBe("Firefox on Linux");
    expect(userAgentSummary("curl/8.5.0")).toBe("curl");
    expect(userAgentSummary(undefined)).toBeNull();
  });

  it("keeps a flash message encrypted in the session, read once", async () => {
    await transaction(t.db, (trx) =>
      createAccount(trx, clock, SYSTEM("test"), {
        email: "ann@example.org",
        displayName: "Ann",
        password: "a long password",
        verified: true,
      }),
    );
    const outcome = await signIn(ctx, { email: "ann@example.org", password: "a long password" });
    if (outcome.kind !== "signed-in") throw new Error("not signed in");
    await putFlash(ctx, outcome.session.id, { apiToken: { name: "CI", token: "openps_secret-token" } });
    const stored = await t.db.selectFrom("sessions").select("flash").executeTakeFirstOrThrow();
    expect(stored.flash).not.toContain("openps_secret-token");
    expect(await takeFlash(ctx, outcome.session.id)).toEqual({
      apiToken: { name: "CI", token: "openps_secret-token" },
    });
    expect(await takeFlash(ctx, outcome.session.id)).toEqual({});
  });
});
