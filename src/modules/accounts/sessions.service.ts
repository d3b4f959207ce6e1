/**
 * Signing in and out, and sessions: a session cookie is a random token whose SHA-256 is the
 * session's id. Sessions expire after 30 minutes idle and 12 hours after sign-in; the id is rotated
 * on signing in and on passing the second factor. Failed sign-ins are rate limited per account and
 * per address, and a wrong password looks the same as an unknown address.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { type FieldError, NotFoundError, NotSignedInError, ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { randomToken, sha256 } from "../../lib/secrets.ts";
import type { Principal } from "../access/access.service.ts";
import { loadGrants, twoFactorRequired } from "../access/access.service.ts";
import * as repo from "./accounts.repository.ts";
import {
  type AccountsCtx,
  auditAccount,
  type CurrentSession,
  MAX_EMAIL,
  normaliseEmail,
  requireSession,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
  type SessionStage,
} from "./accounts.service.ts";
import type { Session } from "./accounts.table.ts";
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from "./passwords.ts";
import { claimAttempt, emailKeys, SIGN_IN_LIMIT, tidy } from "./rate-limits.ts";

export interface NewSessionCookie {
  /** The cookie's value: a random token whose SHA-256 is the session's id. */
  token: string;
  id: string;
}

export async function createSession(
  trx: Trx,
  ctx: AccountsCtx,
  userId: string,
  options: { twoFactor: boolean; absoluteExpiresAt?: Date; createdAt?: Date },
): Promise<NewSessionCookie> {
  const now = ctx.clock.now();
  const token = randomToken();
  const id = sha256(token);
  const absolute = options.absoluteExpiresAt ?? new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await repo.insertSession(trx, {
    id,
    user_id: userId,
    created_at: options.createdAt ?? now,
    last_seen_at: now,
    idle_expires_at: new Date(Math.min(now.getTime() + SESSION_IDLE_MS, absolute.getTime())),
    absolute_expires_at: absolute,
    two_factor: options.twoFactor,
    user_agent: userAgentSummary(ctx.origin.userAgent),
  });
  return { token, id };
}

const BROWSERS: readonly [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
  [/curl\//, "curl"],
];
const SYSTEMS: readonly [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Firefox on Windows": enough to recognise a session in the list, not to fingerprint anyone. */
export function userAgentSummary(header: string | undefined): string | null {
  if (!header) return null;
  const browser = BROWSERS.find(([pattern]) => pattern.test(header))?.[1] ?? "A browser";
  const system = SYSTEMS.find(([pattern]) => pattern.test(header))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/**
 * The session of a cookie, if it is live: unknown, idle for 30 minutes, 12 hours old, or of a
 * disabled account means none (and an expired one is deleted). Extends the idle expiry.
 */
export async function resolveSession(ctx: AccountsCtx, token: string): Promise<CurrentSession | null> {
  if (token === "" || token.length > 100) return null;
  const id = sha256(token);
  const row = await repo.findSessionWithUser(ctx.db, id);
  if (!row) return null;
  const now = ctx.clock.now();
  if (row.idle_expires_at <= now || row.absolute_expires_at <= now || row.status !== "active") {
    await repo.deleteSession(ctx.db, id);
    return null;
  }
  if (now.getTime() - row.last_seen_at.getTime() >= SESSION_TOUCH_MS) {
    const idle = Math.min(now.getTime() + SESSION_IDLE_MS, row.absolute_expires_at.getTime());
    await repo.touchSession(ctx.db, id, now, new Date(idle));
  }
  const grants = await loadGrants(ctx.db, row.user_id);
  let stage: SessionStage = "signed-in";
  if (!row.two_factor && row.totp_enabled_at) stage = "needs-code";
  else if (!row.two_factor && twoFactorRequired(grants)) stage = "needs-setup";
  return { id, userId: row.user_id, displayName: row.display_name, stage, twoFactor: row.two_factor, grants };
}

/**
 * The demo clock moved by `ms` milliseconds (src/modules/demo-clock): every session moves with it,
 * in the same transaction, so that a session lasts as long in real time as ever and no one is
 * signed out because the demo's time jumped days ahead (or back to the real time).
 */
export async function carrySessionsAcross(trx: Trx, ms: number): Promise<void> {
  await repo.shiftSessionTimes(trx, ms);
}

/** The principal of a session that may act (signed in, or setting up its second factor). */
export function principalOfSession(session: CurrentSession): Principal | null {
  if (session.stage === "needs-code") return null;
  return {
    userId: session.userId,
    displayName: session.displayName,
    grants: session.grants,
    via: "session",
    twoFactor: session.twoFactor,
  };
}

/** Ends the request's earlier session, if it had one, in the transaction that starts a new one. */
async function endEarlierSession(trx: Trx, ctx: AccountsCtx): Promise<void> {
  if (!ctx.session) return;
  const removed = await repo.deleteSession(trx, ctx.session.id);
  if (removed) await auditAccount(trx, ctx, removed.user_id, "account.signed-out");
}

// Signing in and out

export type SignInOutcome =
  | { kind: "signed-in"; session: NewSessionCookie; next: SessionStage }
  | { kind: "unverified"; email: string }
  | { kind: "disabled" };

const SIGN_IN_FAILED = msg`Enter the email address and password of your account. Check them and try again.`;

function signInProblems(email: string, password: string): FieldError[] {
  const errors: FieldError[] = [];
  if (email === "") errors.push({ field: "email", message: msg`Enter your email address` });
  if (password === "") errors.push({ field: "password", message: msg`Enter your password` });
  return errors;
}

/**
 * Checks an email address and password. Rate limited per account and per address. A wrong
 * password and an unknown address look the same (and take the same time). Only with the right
 * password does the answer say that the address is unconfirmed or the account disabled. A new
 * session replaces the request's earlier one.
 */
export async function signIn(
  ctx: AccountsCtx,
  input: { email: string; password: string },
): Promise<SignInOutcome> {
  const email = normaliseEmail(input.email);
  const errors = signInProblems(email, input.password);
  if (errors.length > 0) throw new ValidationError(msg`Enter your email address and password`, errors);
  const keys = emailKeys(ctx, email);
  // Claimed before the password is checked, counted as failed until it is known to be right.
  const attempt = await claimAttempt(
    ctx,
    "sign-in",
    SIGN_IN_LIMIT,
    keys,
    "failed",
    (wait) =>
      msg`You have tried to sign in too many times. Wait ${wait}, then try again, or reset your password.`,
  );
  const user = email.length <= MAX_EMAIL ? await repo.findUserByEmail(ctx.db, email) : undefined;
  const matches =
    user?.password_hash != null
      ? await verifyPassword(input.password, user.password_hash)
      : await verifyNothing(input.password);
  if (!user || !matches) {
    throw new ValidationError(SIGN_IN_FAILED, [
      { field: "email", message: msg`Enter the correct email address and password` },
    ]);
  }
  if (user.status !== "active" || !user.email_verified_at) {
    await attempt.settle("refused");
    return user.status !== "active" ? { kind: "disabled" } : { kind: "unverified", email: user.email };
  }
  await attempt.settle("succeeded");
  await tidy(ctx);
  const rehash =
    user.password_hash && needsRehash(user.password_hash) ? await hashPassword(input.password) : null;
  const grants = await loadGrants(ctx.db, user.id);
  const next: SessionStage = user.totp_enabled_at
    ? "needs-code"
    : twoFactorRequired(grants)
      ? "needs-setup"
      : "signed-in";
  const session = await transaction(ctx.db, async (trx) => {
    if (rehash) await repo.updateUser(trx, user.id, { password_hash: rehash });
    const created = await createSession(trx, ctx, user.id, { twoFactor: false });
    await auditAccount(trx, ctx, user.id, "account.signed-in", {
      secondFactor: next === "needs-code" ? "pending" : "none",
    });
    await endEarlierSession(trx, ctx);
    return created;
  });
  return { kind: "signed-in", session, next };
}

/**
 * Demo mode only: signs in as one of the demo accounts without a password, with the second factor
 * counted as passed. The caller passes the demo flag and the ids of the demo accounts.
 */
export async function demoSignIn(
  ctx: AccountsCtx,
  userId: string,
  demo: { enabled: boolean; userIds: readonly string[] },
): Promise<NewSessionCookie> {
  if (!demo.enabled || !demo.userIds.includes(userId)) throw new NotFoundError("demo account");
  const user = await repo.findUser(ctx.db, userId);
  if (user?.status !== "active") throw new NotFoundError("demo account");
  return transaction(ctx.db, async (trx) => {
    const created = await createSession(trx, ctx, user.id, { twoFactor: true });
    await auditAccount(trx, ctx, user.id, "account.signed-in", { secondFactor: "demo" });
    await endEarlierSession(trx, ctx);
    return created;
  });
}

/** Which of the demo accounts exist (the demo seed has run) and are active. */
export function presentDemoAccounts(ctx: AccountsCtx, ids: readonly string[]): Promise<string[]> {
  return repo.activeUserIds(ctx.db, ids);
}

/** Ends the request's session (signing out). Nothing happens without one, or for one already gone. */
export async function signOut(ctx: AccountsCtx): Promise<void> {
  await transaction(ctx.db, (trx) => endEarlierSession(trx, ctx));
}

/** Ends every session of the person signed in, this one included, and revokes their API tokens. */
export async function signOutEverywhere(ctx: AccountsCtx): Promise<number> {
  const { principal } = requireSession(ctx);
  return transaction(ctx.db, async (trx) => {
    const count = await repo.deleteSessionsOfUser(trx, principal.userId);
    const tokens = await repo.revokeApiTokensOfUser(trx, principal.userId, ctx.clock.now());
    await auditAccount(trx, ctx, principal.userId, "account.signed-out-everywhere", {
      sessions: count,
      apiTokensRevoked: tokens,
    });
    return count;
  });
}

/** Replaces a session with a new id (the old cookie stops working), keeping its absolute expiry. */
export async function rotateSession(
  trx: Trx,
  ctx: AccountsCtx,
  old: Session,
  options: { twoFactor: boolean },
): Promise<NewSessionCookie> {
  await repo.deleteSession(trx, old.id);
  return createSession(trx, ctx, old.user_id, {
    twoFactor: options.twoFactor,
    absoluteExpiresAt: old.absolute_expires_at,
    createdAt: old.created_at,
  });
}

/** The session, live, or `NotSignedInError`. */
export async function liveSession(ctx: AccountsCtx, trx: Trx, sessionId: string): Promise<Session> {
  const row = await repo.findSessionWithUser(trx, sessionId);
  const now = ctx.clock.now();
  if (!row || row.idle_expires_at <= now || row.absolute_expires_at <= now || row.status !== "active") {
    throw new NotSignedInError(msg`Your session has ended. Sign in again.`);
  }
  return row;
}
