/**
 * Accounts: signing up and confirming an email address, signing in and out, password reset,
 * sessions, two-factor sign-in (TOTP with recovery codes), API tokens and rate limits.
 *
 * Secrets at rest. Nothing in the database can be used as it is to sign in or follow a link:
 * - passwords: Argon2id (passwords.ts);
 * - session cookies, API tokens, recovery codes: SHA-256 of high-entropy random values;
 * - email links: the token is HMAC(server key, row id) and only its SHA-256 is stored. The email
 *   job's payload carries ids only (`{ kind, userId, tokenId }`); the handler derives the token
 *   with the key when it writes the email (accounts.emails.ts). So the job table, the inbox
 *   (`notifications`, never used for these emails) and the email tokens table never hold a usable
 *   link, before or after sending;
 * - TOTP secrets must be read back to check codes: AES-256-GCM with the server's key (secrets.ts),
 *   never logged or audited;
 * - rate-limit keys: HMACs of the lower-cased email address and of the IP address.
 *
 * Sessions expire after 30 minutes idle and 12 hours after sign-in; the id is rotated on sign-in
 * and on passing the second factor. A person whose roles need two-factor sign-in
 * (`twoFactorRequired`) and has not set it up can reach only its set-up page until they do.
 *
 * Every change is audited on the platform chain with the user as actor and `personalRef` to them.
 * Failed sign-ins are not audited (there may be no account to refer to); they are counted in
 * `sign_in_attempts` and deleted after a day.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  TooManyRequestsError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { type AccountSecrets, randomToken, sha256 } from "../../lib/secrets.ts";
import type { Grant, Principal } from "../access/access.service.ts";
import { loadGrants, twoFactorRequired } from "../access/access.service.ts";
import { type Actor, personalRef, recordAudit } from "../audit/audit.service.ts";
import { enqueue } from "../jobs/jobs.service.ts";
import * as repo from "./accounts.repository.ts";
import type { ApiToken, AttemptKind, AttemptOutcome, EmailTokenPurpose, Session } from "./accounts.table.ts";
import { hashPassword, needsRehash, passwordProblems, verifyNothing, verifyPassword } from "./passwords.ts";
import {
  acceptTotp,
  groupedSecret,
  looksLikeRecoveryCode,
  newRecoveryCode,
  newTotpSecret,
  qrCodeSvg,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
  totpUri,
} from "./totp.ts";
import type { User } from "./users.table.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const SESSION_COOKIE = "openps_session";
/** Signed out after this long without a request. */
export const SESSION_IDLE_MS = 30 * MINUTE;
/** Signed out this long after signing in, however active. */
export const SESSION_ABSOLUTE_MS = 12 * HOUR;
/** A session's last-seen time is written at most this often. */
export const SESSION_TOUCH_MS = MINUTE;
export const VERIFY_EMAIL_TTL_MS = 24 * HOUR;
export const RESET_PASSWORD_TTL_MS = HOUR;

export interface RateLimit {
  windowMs: number;
  perAccount: number;
  perAddress: number;
}
/** Failed sign-ins: 5 per account or 20 per address in 15 minutes, then wait. */
export const SIGN_IN_LIMIT: RateLimit = { windowMs: 15 * MINUTE, perAccount: 5, perAddress: 20 };
/** Wrong second-factor codes: 5 per account or 20 per address in 15 minutes. */
export const TWO_FACTOR_LIMIT: RateLimit = { windowMs: 15 * MINUTE, perAccount: 5, perAddress: 20 };
/** Verification and password-reset emails: 3 per email address or 10 per address in an hour. */
export const EMAIL_LIMIT: RateLimit = { windowMs: HOUR, perAccount: 3, perAddress: 10 };
/** Attempts are kept this long, then deleted. */
const ATTEMPTS_KEPT_MS = DAY;

export const ACCOUNT_EMAIL_QUEUE = "accounts.email";
export type AccountEmailKind = "verify-email" | "reset-password" | "account-exists";

export const MAX_DISPLAY_NAME = 100;
export const MAX_EMAIL = 254;
const EMAIL_FORMAT = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** What an API token may do. A module that needs another scope adds it here. */
export const API_SCOPES = [
  "account:read",
  "organisations:read",
  "organisations:write",
  "saved-searches:write",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const API_TOKEN_PREFIX = "openps_";
export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const MAX_API_TOKENS = 50;
export const MAX_TOKEN_NAME = 100;

/** What account functions need from the application. */
export interface AccountDeps {
  db: Db;
  clock: Clock;
  secrets: AccountSecrets;
}

/** Where a request came from, for rate limits and the sessions list. */
export interface RequestOrigin {
  /** The client's IP address (only its HMAC is stored). */
  address: string;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

const userActor = (userId: string): Actor => ({ type: "user", id: userId });

async function audit(
  trx: Trx,
  clock: Clock,
  userId: string,
  action: string,
  changes: Record<string, unknown> = {},
  requestId?: string,
  actor: Actor = userActor(userId),
): Promise<void> {
  await recordAudit(trx, clock, {
    authorityId: null,
    actor,
    action,
    entity: { type: "user", id: userId },
    changes: { user: personalRef("users", userId), ...changes },
    requestId: requestId ?? null,
  });
}

// Rate limits

const accountKey = (secrets: AccountSecrets, email: string) =>
  secrets.hmac("rate-limit:account", email.trim().toLowerCase());
const userKey = (secrets: AccountSecrets, userId: string) => secrets.hmac("rate-limit:user", userId);
const addressKey = (secrets: AccountSecrets, address: string) => secrets.hmac("rate-limit:address", address);

function waitMessage(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

async function enforceLimit(
  deps: AccountDeps,
  kind: AttemptKind,
  limit: RateLimit,
  keys: { account: string; address: string },
  outcomes: readonly AttemptOutcome[],
  message: (wait: string) => string,
): Promise<void> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - limit.windowMs);
  const checks = [
    { by: "account_key" as const, key: keys.account, max: limit.perAccount },
    { by: "address_key" as const, key: keys.address, max: limit.perAddress },
  ];
  for (const check of checks) {
    const counted = await repo.countAttempts(deps.db, {
      kind,
      by: check.by,
      key: check.key,
      outcomes,
      since,
      afterLastSuccess: kind === "sign-in" || kind === "two-factor" ? check.by === "account_key" : false,
    });
    if (counted.count >= check.max) {
      const releases = (counted.earliest?.getTime() ?? now.getTime()) + limit.windowMs;
      const seconds = Math.max(1, Math.ceil((releases - now.getTime()) / 1000));
      await repo.insertAttempt(deps.db, {
        id: newId(),
        kind,
        account_key: keys.account,
        address_key: keys.address,
        outcome: "refused",
        occurred_at: now,
      });
      throw new TooManyRequestsError(message(waitMessage(seconds)), seconds);
    }
  }
}

async function recordAttempt(
  deps: AccountDeps,
  kind: AttemptKind,
  keys: { account: string; address: string },
  outcome: AttemptOutcome,
): Promise<void> {
  const now = deps.clock.now();
  await repo.insertAttempt(deps.db, {
    id: newId(),
    kind,
    account_key: keys.account,
    address_key: keys.address,
    outcome,
    occurred_at: now,
  });
}

/** Deletes attempts and sessions nobody needs any more. Cheap; run on sign-in. */
async function tidy(deps: AccountDeps): Promise<void> {
  const now = deps.clock.now();
  await repo.deleteAttemptsBefore(deps.db, new Date(now.getTime() - ATTEMPTS_KEPT_MS));
  await repo.deleteExpiredSessions(deps.db, now);
}

// Validation

function normaliseEmail(email: string): string {
  return email.trim();
}

function emailProblems(email: string, field = "email"): FieldError[] {
  if (email === "") return [{ field, message: "Enter your email address" }];
  if (email.length > MAX_EMAIL)
    return [{ field, message: `Email address must be ${MAX_EMAIL} characters or fewer` }];
  if (!EMAIL_FORMAT.test(email)) {
    return [{ field, message: "Enter an email address in the correct format, like name@example.com" }];
  }
  return [];
}

// Email links

/** The secret in an emailed link: derived from the row id with the server's key, never stored. */
export function emailLinkToken(secrets: AccountSecrets, tokenId: string): string {
  return secrets.hmac("email-link", tokenId);
}

async function issueEmail(
  trx: Trx,
  deps: AccountDeps,
  userId: string,
  kind: AccountEmailKind,
): Promise<string | undefined> {
  const now = deps.clock.now();
  let tokenId: string | undefined;
  if (kind !== "account-exists") {
    const purpose: EmailTokenPurpose = kind;
    tokenId = newId();
    await repo.insertEmailToken(trx, {
      id: tokenId,
      user_id: userId,
      purpose,
      token_hash: sha256(emailLinkToken(deps.secrets, tokenId)),
      created_at: now,
      expires_at: new Date(
        now.getTime() + (purpose === "verify-email" ? VERIFY_EMAIL_TTL_MS : RESET_PASSWORD_TTL_MS),
      ),
    });
  }
  await enqueue(trx, deps.clock, {
    queue: ACCOUNT_EMAIL_QUEUE,
    payload: { kind, userId, ...(tokenId ? { tokenId } : {}) },
    maxAttempts: 8,
    ...(tokenId ? { dedupeKey: `${ACCOUNT_EMAIL_QUEUE}:${tokenId}` } : {}),
  });
  return tokenId;
}

/** An emailed link that is unknown, expired or used: 400, with what to do. */
export class InvalidLinkError extends ValidationError {
  constructor(purpose: EmailTokenPurpose) {
    super(
      purpose === "verify-email"
        ? "This link to confirm your email address has expired or has already been used. Sign in to get a new one."
        : "This link to reset your password has expired or has already been used. Ask for a new one.",
      [],
      "link_invalid",
    );
  }
}

async function validEmailToken(deps: AccountDeps, token: string, purpose: EmailTokenPurpose) {
  if (token === "" || token.length > 200) throw new InvalidLinkError(purpose);
  const row = await repo.findEmailTokenByHash(deps.db, sha256(token));
  if (!row || row.purpose !== purpose || row.used_at !== null || row.expires_at <= deps.clock.now()) {
    throw new InvalidLinkError(purpose);
  }
  return row;
}

// Signing up and confirming the address

export interface SignUpInput {
  displayName: string;
  email: string;
  password: string;
}

export interface SignUpResult {
  /** The new account; undefined when the address already had one (it was sent an email instead). */
  userId?: string;
  /** The verification link's row, for demo mode without email (see `demoVerificationLink`). */
  verificationTokenId?: string;
}

/**
 * Makes an account, unverified, and emails a link to confirm the address. An address that already
 * has an account gets an email saying so (or a fresh link if it is still unconfirmed), and the
 * page looks the same, so the form does not reveal who has an account.
 */
export async function signUp(
  deps: AccountDeps,
  input: SignUpInput,
  origin: RequestOrigin,
): Promise<SignUpResult> {
  const displayName = input.displayName.trim();
  const email = normaliseEmail(input.email);
  const errors: FieldError[] = [];
  if (displayName === "") errors.push({ field: "displayName", message: "Enter your name" });
  else if (displayName.length > MAX_DISPLAY_NAME) {
    errors.push({ field: "displayName", message: `Name must be ${MAX_DISPLAY_NAME} characters or fewer` });
  }
  errors.push(...emailProblems(email));
  errors.push(...passwordProblems(input.password, email));
  if (errors.length > 0) throw new ValidationError("Check your details", errors);

  const keys = {
    account: accountKey(deps.secrets, email),
    address: addressKey(deps.secrets, origin.address),
  };
  await enforceLimit(
    deps,
    "verify-email",
    EMAIL_LIMIT,
    keys,
    ["sent"],
    (wait) => `Too many emails have been sent. Wait ${wait}, then try again.`,
  );
  const passwordHash = await hashPassword(input.password);
  const result = await transaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const created = await repo.insertUser(trx, {
      id: newId(),
      email,
      display_name: displayName,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    });
    if (created) {
      await audit(trx, deps.clock, created.id, "account.registered", {}, origin.requestId);
      const tokenId = await issueEmail(trx, deps, created.id, "verify-email");
      return { userId: created.id, verificationTokenId: tokenId } satisfies SignUpResult;
    }
    const existing = await repo.findUserByEmail(trx, email);
    if (existing && existing.status === "active") {
      await issueEmail(
        trx,
        deps,
        existing.id,
        existing.email_verified_at ? "account-exists" : "verify-email",
      );
    }
    return {};
  });
  await recordAttempt(deps, "verify-email", keys, "sent");
  return result;
}

export interface CreateAccountInput {
  id?: string;
  email: string;
  displayName: string;
  password: string;
  /** The address counts as confirmed (seeds, tests, accounts made by an administrator). */
  verified: boolean;
}

/**
 * Makes an account directly, in the caller's transaction, audited with `actor`: for seeds, tests
 * and administrators. The password rules are the caller's (the demo password is not checked).
 */
export async function createAccount(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  input: CreateAccountInput,
): Promise<User> {
  const now = clock.now();
  const created = await repo.insertUser(trx, {
    id: input.id ?? newId(),
    email: input.email.trim(),
    display_name: input.displayName.trim(),
    password_hash: await hashPassword(input.password),
    email_verified_at: input.verified ? now : null,
    created_at: now,
    updated_at: now,
  });
  if (!created) throw new ConflictError("An account with this email address already exists.", "email_taken");
  await audit(trx, clock, created.id, "account.registered", { verified: input.verified }, undefined, actor);
  return created;
}

/** Confirms the address of the link's account. Single use; 24 hours. Returns the user's id. */
export async function verifyEmail(deps: AccountDeps, token: string, origin: RequestOrigin): Promise<string> {
  const row = await validEmailToken(deps, token, "verify-email");
  return transaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    if (!(await repo.useEmailToken(trx, row.id, now))) throw new InvalidLinkError("verify-email");
    const user = await repo.findUser(trx, row.user_id);
    if (!user) throw new InvalidLinkError("verify-email");
    if (!user.email_verified_at) {
      await repo.updateUser(trx, user.id, { email_verified_at: now, updated_at: now });
      await audit(trx, deps.clock, user.id, "account.email-verified", {}, origin.requestId);
    }
    await repo.useAllEmailTokens(trx, user.id, "verify-email", now);
    return user.id;
  });
}

/**
 * The shared shape of "email me a link": checks the address, applies the per-account and
 * per-address email limit, lets `send` decide in one transaction whether and what to send, and
 * counts the attempt. The answer is the same whether or not the address has an account.
 */
async function rateLimitedEmail(
  deps: AccountDeps,
  rawEmail: string,
  origin: RequestOrigin,
  purpose: "verify-email" | "reset-password",
  tooMany: (wait: string) => string,
  send: (trx: Trx, user: NonNullable<Awaited<ReturnType<typeof repo.findUserByEmail>>>) => Promise<void>,
): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const problems = emailProblems(email);
  if (problems.length > 0) throw new ValidationError("Check your email address", problems);
  const keys = {
    account: accountKey(deps.secrets, email),
    address: addressKey(deps.secrets, origin.address),
  };
  await enforceLimit(deps, purpose, EMAIL_LIMIT, keys, ["sent"], tooMany);
  await transaction(deps.db, async (trx) => {
    const user = await repo.findUserByEmail(trx, email);
    if (user && user.status === "active") await send(trx, user);
  });
  await recordAttempt(deps, purpose, keys, "sent");
}

/** Sends a new confirmation link if the address has an unconfirmed account; silent otherwise. */
export function resendVerification(
  deps: AccountDeps,
  rawEmail: string,
  origin: RequestOrigin,
): Promise<void> {
  return rateLimitedEmail(
    deps,
    rawEmail,
    origin,
    "verify-email",
    (wait) => `Too many emails have been sent. Wait ${wait}, then try again.`,
    async (trx, user) => {
      if (!user.email_verified_at) await issueEmail(trx, deps, user.id, "verify-email");
    },
  );
}

/**
 * In demo mode without email only: the link a sign-up would have emailed, so the demo works
 * without a mail server. The caller checks demo mode; this checks the link is still usable.
 */
export async function demoVerificationLink(deps: AccountDeps, tokenId: string): Promise<string | undefined> {
  if (!isUuid(tokenId)) return undefined;
  const row = await repo.findEmailToken(deps.db, tokenId);
  if (row?.purpose !== "verify-email" || row.used_at || row.expires_at <= deps.clock.now()) return undefined;
  return `/verify-email?token=${encodeURIComponent(emailLinkToken(deps.secrets, tokenId))}`;
}

// Sessions

export interface NewSessionCookie {
  /** The cookie's value: a random token whose SHA-256 is the session's id. */
  token: string;
  id: string;
}

async function createSession(
  trx: Trx,
  deps: AccountDeps,
  userId: string,
  options: { twoFactor: boolean; userAgent?: string | undefined; absoluteExpiresAt?: Date; createdAt?: Date },
): Promise<NewSessionCookie> {
  const now = deps.clock.now();
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
    user_agent: userAgentSummary(options.userAgent),
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

/** What a session allows now. */
export type SessionStage =
  /** Fully signed in. */
  | "signed-in"
  /** The password was right; a code from the authenticator (or a recovery code) is needed. */
  | "needs-code"
  /** Signed in, but their roles need two-factor sign-in and it is not set up: only set-up is open. */
  | "needs-setup";

export interface CurrentSession {
  id: string;
  userId: string;
  displayName: string;
  stage: SessionStage;
  twoFactor: boolean;
  grants: readonly Grant[];
}

/**
 * The session of a cookie, if it is live: unknown, idle for 30 minutes, 12 hours old, or of a
 * disabled account means none (and an expired one is deleted). Extends the idle expiry.
 */
export async function resolveSession(deps: AccountDeps, token: string): Promise<CurrentSession | null> {
  if (token === "" || token.length > 100) return null;
  const id = sha256(token);
  const row = await repo.findSessionWithUser(deps.db, id);
  if (!row) return null;
  const now = deps.clock.now();
  if (row.idle_expires_at <= now || row.absolute_expires_at <= now || row.status !== "active") {
    await repo.deleteSession(deps.db, id);
    return null;
  }
  if (now.getTime() - row.last_seen_at.getTime() >= SESSION_TOUCH_MS) {
    const idle = Math.min(now.getTime() + SESSION_IDLE_MS, row.absolute_expires_at.getTime());
    await repo.touchSession(deps.db, id, now, new Date(idle));
  }
  const grants = await loadGrants(deps.db, row.user_id);
  let stage: SessionStage = "signed-in";
  if (!row.two_factor && row.totp_enabled_at) stage = "needs-code";
  else if (!row.two_factor && twoFactorRequired(grants)) stage = "needs-setup";
  return { id, userId: row.user_id, displayName: row.display_name, stage, twoFactor: row.two_factor, grants };
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

// Signing in and out

export type SignInOutcome =
  | { kind: "signed-in"; session: NewSessionCookie; next: SessionStage }
  | { kind: "unverified"; email: string }
  | { kind: "disabled" };

const SIGN_IN_FAILED = "Enter the email address and password of your account. Check them and try again.";

/**
 * Checks an email address and password. Rate limited per account and per address. A wrong
 * password and an unknown address look the same (and take the same time). Only with the right
 * password does the answer say that the address is unconfirmed or the account disabled.
 */
export async function signIn(
  deps: AccountDeps,
  input: { email: string; password: string },
  origin: RequestOrigin,
): Promise<SignInOutcome> {
  const email = normaliseEmail(input.email);
  const errors: FieldError[] = [];
  if (email === "") errors.push({ field: "email", message: "Enter your email address" });
  if (input.password === "") errors.push({ field: "password", message: "Enter your password" });
  if (errors.length > 0) throw new ValidationError("Enter your email address and password", errors);

  const keys = {
    account: accountKey(deps.secrets, email),
    address: addressKey(deps.secrets, origin.address),
  };
  await enforceLimit(
    deps,
    "sign-in",
    SIGN_IN_LIMIT,
    keys,
    ["failed"],
    (wait) =>
      `You have tried to sign in too many times. Wait ${wait}, then try again, or reset your password.`,
  );
  const user = email.length <= MAX_EMAIL ? await repo.findUserByEmail(deps.db, email) : undefined;
  const matches =
    user?.password_hash != null
      ? await verifyPassword(input.password, user.password_hash)
      : await verifyNothing(input.password);
  if (!user || !matches) {
    await recordAttempt(deps, "sign-in", keys, "failed");
    throw new ValidationError(SIGN_IN_FAILED, [
      { field: "email", message: "Enter the correct email address and password" },
    ]);
  }
  if (user.status !== "active") {
    await recordAttempt(deps, "sign-in", keys, "refused");
    return { kind: "disabled" };
  }
  if (!user.email_verified_at) {
    await recordAttempt(deps, "sign-in", keys, "refused");
    return { kind: "unverified", email: user.email };
  }
  await recordAttempt(deps, "sign-in", keys, "succeeded");
  await tidy(deps);
  const rehash =
    user.password_hash && needsRehash(user.password_hash) ? await hashPassword(input.password) : null;
  const grants = await loadGrants(deps.db, user.id);
  const next: SessionStage = user.totp_enabled_at
    ? "needs-code"
    : twoFactorRequired(grants)
      ? "needs-setup"
      : "signed-in";
  const session = await transaction(deps.db, async (trx) => {
    if (rehash) await repo.updateUser(trx, user.id, { password_hash: rehash });
    const created = await createSession(trx, deps, user.id, {
      twoFactor: false,
      userAgent: origin.userAgent,
    });
    await audit(
      trx,
      deps.clock,
      user.id,
      "account.signed-in",
      { secondFactor: next === "needs-code" ? "pending" : "none" },
      origin.requestId,
    );
    return created;
  });
  return { kind: "signed-in", session, next };
}

/**
 * Demo mode only: signs in as one of the demo accounts without a password, with the second factor
 * counted as passed. The caller passes the demo flag and the ids of the demo accounts.
 */
export async function demoSignIn(
  deps: AccountDeps,
  userId: string,
  demo: { enabled: boolean; userIds: readonly string[] },
  origin: RequestOrigin,
): Promise<NewSessionCookie> {
  if (!demo.enabled || !demo.userIds.includes(userId)) throw new NotFoundError("demo account");
  const user = await repo.findUser(deps.db, userId);
  if (user?.status !== "active") throw new NotFoundError("demo account");
  return transaction(deps.db, async (trx) => {
    const created = await createSession(trx, deps, user.id, { twoFactor: true, userAgent: origin.userAgent });
    await audit(trx, deps.clock, user.id, "account.signed-in", { secondFactor: "demo" }, origin.requestId);
    return created;
  });
}

/** Which of the demo accounts exist (the demo seed has run) and are active. */
export function presentDemoAccounts(deps: AccountDeps, ids: readonly string[]): Promise<string[]> {
  return repo.activeUserIds(deps.db, ids);
}

/** Ends the session (signing out). Nothing happens for one already gone. */
export async function signOut(deps: AccountDeps, sessionId: string, origin: RequestOrigin): Promise<void> {
  await transaction(deps.db, async (trx) => {
    const removed = await repo.deleteSession(trx, sessionId);
    if (removed) await audit(trx, deps.clock, removed.user_id, "account.signed-out", {}, origin.requestId);
  });
}

/** Ends every session of the user, this one included. */
export async function signOutEverywhere(
  deps: AccountDeps,
  userId: string,
  origin: RequestOrigin,
): Promise<number> {
  return transaction(deps.db, async (trx) => {
    const count = await repo.deleteSessionsOfUser(trx, userId);
    await audit(
      trx,
      deps.clock,
      userId,
      "account.signed-out-everywhere",
      { sessions: count },
      origin.requestId,
    );
    return count;
  });
}

/** Replaces a session with a new id (the old cookie stops working), keeping its absolute expiry. */
async function rotateSession(
  trx: Trx,
  deps: AccountDeps,
  old: Session,
  options: { twoFactor: boolean; userAgent?: string | undefined },
): Promise<NewSessionCookie> {
  await repo.deleteSession(trx, old.id);
  return createSession(trx, deps, old.user_id, {
    twoFactor: options.twoFactor,
    userAgent: options.userAgent,
    absoluteExpiresAt: old.absolute_expires_at,
    createdAt: old.created_at,
  });
}

async function liveSession(deps: AccountDeps, trx: Trx, sessionId: string): Promise<Session> {
  const row = await repo.findSessionWithUser(trx, sessionId);
  const now = deps.clock.now();
  if (!row || row.idle_expires_at <= now || row.absolute_expires_at <= now || row.status !== "active") {
    throw new NotSignedInError("Your session has ended. Sign in again.");
  }
  return row;
}

// Second factor

const CODE_FIELD = "code";

/**
 * Checks a code from the authenticator app, or a recovery code, for a session waiting for its
 * second factor; on success the session is replaced by one that has passed it. Rate limited.
 */
export async function passTwoFactor(
  deps: AccountDeps,
  sessionId: string,
  code: string,
  origin: RequestOrigin,
): Promise<NewSessionCookie> {
  if (code.trim() === "") {
    throw new ValidationError("Enter a code", [
      {
        field: CODE_FIELD,
        message: "Enter the 6-digit code from your authenticator app, or a recovery code",
      },
    ]);
  }
  const session = await transaction(deps.db, (trx) => liveSession(deps, trx, sessionId));
  const keys = {
    account: userKey(deps.secrets, session.user_id),
    address: addressKey(deps.secrets, origin.address),
  };
  await enforceLimit(
    deps,
    "two-factor",
    TWO_FACTOR_LIMIT,
    keys,
    ["failed"],
    (wait) => `You have entered too many wrong codes. Wait ${wait}, then try again.`,
  );
  const user = await repo.findUser(deps.db, session.user_id);
  if (!user?.totp_enabled_at || !user.totp_secret) {
    throw new ConflictError(
      "Two-factor sign-in is not set up for this account. Sign in again.",
      "two_factor_not_set_up",
    );
  }
  const secret = deps.secrets.decrypt(user.totp_secret, "totp");
  const now = deps.clock.now();
  const result = await transaction(deps.db, async (trx) => {
    let method: "totp" | "recovery-code" | undefined;
    const step = acceptTotp(secret, code, now, user.totp_last_step);
    if (step !== null && (await repo.claimTotpStep(trx, user.id, step))) method = "totp";
    else if (
      looksLikeRecoveryCode(code) &&
      (await repo.useRecoveryCode(trx, user.id, recoveryCodeHash(code), now))
    ) {
      method = "recovery-code";
    }
    if (!method) return undefined;
    const current = await liveSession(deps, trx, sessionId);
    const rotated = await rotateSession(trx, deps, current, { twoFactor: true, userAgent: origin.userAgent });
    await audit(trx, deps.clock, user.id, "account.two-factor-passed", { method }, origin.requestId);
    return rotated;
  });
  if (!result) {
    await recordAttempt(deps, "two-factor", keys, "failed");
    throw new ValidationError("The code is not right", [
      {
        field: CODE_FIELD,
        message: "Enter the code your authenticator app shows now, or an unused recovery code",
      },
    ]);
  }
  await recordAttempt(deps, "two-factor", keys, "succeeded");
  return result;
}

export interface TwoFactorSetup {
  /** The secret in groups of four, for typing into an app. */
  secretText: string;
  /** The otpauth:// address, as a QR code in inline SVG. */
  qrSvg: string;
}

/**
 * Starts setting up two-factor sign-in: a new secret (or the one already being set up), stored
 * encrypted until a code confirms it.
 */
export async function startTwoFactorSetup(deps: AccountDeps, userId: string): Promise<TwoFactorSetup> {
  const user = await repo.findUser(deps.db, userId);
  if (!user) throw new NotSignedInError();
  if (user.totp_enabled_at) {
    throw new ConflictError(
      "Two-factor sign-in is already set up. To use a new app, turn it off first.",
      "two_factor_already_on",
    );
  }
  let secret: string | undefined;
  if (user.totp_secret) {
    try {
      secret = deps.secrets.decrypt(user.totp_secret, "totp");
    } catch {
      secret = undefined;
    }
  }
  if (!secret) {
    secret = newTotpSecret();
    const cipher = deps.secrets.encrypt(secret, "totp");
    await transaction(deps.db, (trx) =>
      repo.updateUser(trx, userId, { totp_secret: cipher, totp_last_step: null }),
    );
  }
  const uri = totpUri(secret, user.email);
  return { secretText: groupedSecret(secret), qrSvg: await qrCodeSvg(uri) };
}

/**
 * Confirms set-up with a code from the app: two-factor sign-in is on, 10 recovery codes are made
 * (returned once, stored hashed) and the session is replaced by one that has passed it.
 */
export async function confirmTwoFactor(
  deps: AccountDeps,
  sessionId: string,
  userId: string,
  code: string,
  origin: RequestOrigin,
): Promise<{ recoveryCodes: string[]; session: NewSessionCookie }> {
  const user = await repo.findUser(deps.db, userId);
  if (!user) throw new NotSignedInError();
  if (user.totp_enabled_at)
    throw new ConflictError("Two-factor sign-in is already set up.", "two_factor_already_on");
  if (!user.totp_secret) {
    throw new ConflictError("Start setting up two-factor sign-in again.", "two_factor_not_started");
  }
  if (code.trim() === "") {
    throw new ValidationError("Enter a code", [
      { field: CODE_FIELD, message: "Enter the 6-digit code from your authenticator app" },
    ]);
  }
  const secret = deps.secrets.decrypt(user.totp_secret, "totp");
  const now = deps.clock.now();
  const step = acceptTotp(secret, code, now, null);
  if (step === null) {
    throw new ValidationError("The code is not right", [
      { field: CODE_FIELD, message: "Enter the 6-digit code your authenticator app shows now" },
    ]);
  }
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const session = await transaction(deps.db, async (trx) => {
    await repo.updateUser(trx, userId, { totp_enabled_at: now, totp_last_step: step, updated_at: now });
    await repo.replaceRecoveryCodes(
      trx,
      userId,
      recoveryCodes.map((c) => ({ id: newId(), code_hash: recoveryCodeHash(c) })),
      now,
    );
    const current = await liveSession(deps, trx, sessionId);
    if (current.user_id !== userId) throw new NotSignedInError();
    const rotated = await rotateSession(trx, deps, current, { twoFactor: true, userAgent: origin.userAgent });
    await audit(
      trx,
      deps.clock,
      userId,
      "account.two-factor-enabled",
      { recoveryCodes: recoveryCodes.length },
      origin.requestId,
    );
    return rotated;
  });
  return { recoveryCodes, session };
}

/** Turns two-factor sign-in off, with a current code. Not for those whose roles need it. */
export async function disableTwoFactor(
  deps: AccountDeps,
  principal: Principal,
  code: string,
  origin: RequestOrigin,
): Promise<void> {
  if (twoFactorRequired(principal.grants)) {
    throw new ConflictError(
      "Your roles need two-factor sign-in, so it cannot be turned off. To use a new app, ask a platform administrator.",
      "two_factor_required",
    );
  }
  const user = await repo.findUser(deps.db, principal.userId);
  if (!user?.totp_enabled_at || !user.totp_secret) {
    throw new ConflictError("Two-factor sign-in is not on.", "two_factor_not_set_up");
  }
  if (code.trim() === "") {
    throw new ValidationError("Enter a code", [
      { field: CODE_FIELD, message: "Enter the 6-digit code from your authenticator app" },
    ]);
  }
  const secret = deps.secrets.decrypt(user.totp_secret, "totp");
  const now = deps.clock.now();
  await transaction(deps.db, async (trx) => {
    const step = acceptTotp(secret, code, now, user.totp_last_step);
    if (step === null || !(await repo.claimTotpStep(trx, user.id, step))) {
      throw new ValidationError("The code is not right", [
        { field: CODE_FIELD, message: "Enter the 6-digit code your authenticator app shows now" },
      ]);
    }
    await repo.updateUser(trx, user.id, {
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: now,
    });
    await repo.replaceRecoveryCodes(trx, user.id, [], now);
    await audit(trx, deps.clock, user.id, "account.two-factor-disabled", {}, origin.requestId);
  });
}

/** New recovery codes (the old ones stop working), returned once. */
export async function regenerateRecoveryCodes(
  deps: AccountDeps,
  principal: Principal,
  origin: RequestOrigin,
): Promise<string[]> {
  const user = await repo.findUser(deps.db, principal.userId);
  if (!user?.totp_enabled_at) {
    throw new ConflictError(
      "Set up two-factor sign-in first: recovery codes come with it.",
      "two_factor_not_set_up",
    );
  }
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await transaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    await repo.replaceRecoveryCodes(
      trx,
      user.id,
      codes.map((c) => ({ id: newId(), code_hash: recoveryCodeHash(c) })),
      now,
    );
    await audit(
      trx,
      deps.clock,
      user.id,
      "account.recovery-codes-regenerated",
      { recoveryCodes: codes.length },
      origin.requestId,
    );
  });
  return codes;
}

// Password reset

/**
 * Emails a link to reset the password, if the address has an active account. The answer is the
 * same either way, so the form does not reveal who has an account. Rate limited.
 */
export function requestPasswordReset(
  deps: AccountDeps,
  rawEmail: string,
  origin: RequestOrigin,
): Promise<void> {
  return rateLimitedEmail(
    deps,
    rawEmail,
    origin,
    "reset-password",
    (wait) => `Too many password reset emails have been asked for. Wait ${wait}, then try again.`,
    async (trx, user) => {
      await issueEmail(trx, deps, user.id, "reset-password");
      await audit(trx, deps.clock, user.id, "account.password-reset-requested", {}, origin.requestId, {
        type: "public",
        id: null,
      });
    },
  );
}

/** Throws `InvalidLinkError` unless the reset link is usable. */
export async function checkResetLink(deps: AccountDeps, token: string): Promise<void> {
  await validEmailToken(deps, token, "reset-password");
}

/**
 * Sets a new password with a reset link (single use, 1 hour). The address counts as confirmed (the
 * link was emailed to it), and every session of the account ends.
 */
export async function resetPassword(
  deps: AccountDeps,
  input: { token: string; password: string; confirmPassword: string },
  origin: RequestOrigin,
): Promise<void> {
  const row = await validEmailToken(deps, input.token, "reset-password");
  const user = await repo.findUser(deps.db, row.user_id);
  if (user?.status !== "active") throw new InvalidLinkError("reset-password");
  const errors = passwordProblems(input.password, user.email);
  if (errors.length === 0 && input.password !== input.confirmPassword) {
    errors.push({
      field: "confirmPassword",
      message: "The passwords do not match. Enter the same password twice",
    });
  }
  if (errors.length > 0) throw new ValidationError("Check your new password", errors);
  const hash = await hashPassword(input.password);
  await transaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    if (!(await repo.useEmailToken(trx, row.id, now))) throw new InvalidLinkError("reset-password");
    await repo.useAllEmailTokens(trx, user.id, "reset-password", now);
    await repo.updateUser(trx, user.id, {
      password_hash: hash,
      email_verified_at: user.email_verified_at ?? now,
      updated_at: now,
    });
    const sessions = await repo.deleteSessionsOfUser(trx, user.id);
    await audit(
      trx,
      deps.clock,
      user.id,
      "account.password-reset",
      { sessionsEnded: sessions },
      origin.requestId,
    );
  });
}

// API tokens

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

/**
 * For services: throws `ForbiddenError` when the request came with an API token that lacks
 * `scope` (sessions pass: a person using the site may do what their roles allow), and
 * `NotSignedInError` for the public.
 */
export function requireScope(principal: Principal | null, scope: ApiScope): Principal {
  if (!principal) throw new NotSignedInError();
  if (principal.via === "token" && !(principal.tokenScopes ?? []).includes(scope)) {
    throw new ForbiddenError(
      `This API token does not have the ${scope} scope. Make a token with it on your account page.`,
    );
  }
  return principal;
}

export interface CreateApiTokenInput {
  name: string;
  scopes: readonly string[];
  /** Days until it expires, one of API_TOKEN_EXPIRY_DAYS; undefined or null: never. */
  expiresInDays?: number | null;
}

/** Makes an API token; the token itself is returned once and stored as SHA-256 only. */
export async function createApiToken(
  deps: AccountDeps,
  principal: Principal,
  input: CreateApiTokenInput,
  origin: RequestOrigin,
): Promise<{ id: string; token: string }> {
  if (principal.via === "token")
    throw new ForbiddenError("API tokens are made on your account page, not with another token.");
  const name = input.name.trim();
  const errors: FieldError[] = [];
  if (name === "")
    errors.push({ field: "name", message: "Enter a name for the token, so you can recognise it later" });
  else if (name.length > MAX_TOKEN_NAME)
    errors.push({ field: "name", message: `Name must be ${MAX_TOKEN_NAME} characters or fewer` });
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) errors.push({ field: "scopes", message: "Choose what the token may do" });
  else if (!scopes.every(isApiScope))
    errors.push({ field: "scopes", message: `Choose from: ${API_SCOPES.join(", ")}` });
  const days = input.expiresInDays ?? null;
  if (days !== null && !(API_TOKEN_EXPIRY_DAYS as readonly number[]).includes(days)) {
    errors.push({
      field: "expiresInDays",
      message: `Choose when the token expires: ${API_TOKEN_EXPIRY_DAYS.join(", ")} days, or never`,
    });
  }
  if (errors.length > 0) throw new ValidationError("Check the token's details", errors);
  const now = deps.clock.now();
  if ((await repo.countLiveApiTokens(deps.db, principal.userId, now)) >= MAX_API_TOKENS) {
    throw new ConflictError(
      `You have ${MAX_API_TOKENS} API tokens. Revoke one you no longer use first.`,
      "too_many_tokens",
    );
  }
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  const id = newId();
  await transaction(deps.db, async (trx) => {
    await repo.insertApiToken(trx, {
      id,
      user_id: principal.userId,
      name,
      token_hash: sha256(token),
      scopes: API_SCOPES.filter((s) => scopes.includes(s)),
      created_at: now,
      expires_at: days === null ? null : new Date(now.getTime() + days * DAY),
    });
    await recordAudit(trx, deps.clock, {
      authorityId: null,
      actor: userActor(principal.userId),
      action: "api-token.created",
      entity: { type: "api-token", id },
      changes: { owner: personalRef("users", principal.userId), scopes, expiresInDays: days },
      requestId: origin.requestId ?? null,
    });
  });
  return { id, token };
}

/** Revokes one of the person's own tokens; another's, or an unknown one, is not found. */
export async function revokeApiToken(
  deps: AccountDeps,
  principal: Principal,
  tokenId: string,
  origin: RequestOrigin,
): Promise<void> {
  if (!isUuid(tokenId)) throw new NotFoundError("API token");
  await transaction(deps.db, async (trx) => {
    const existing = await repo.findApiTokenOfUser(trx, principal.userId, tokenId);
    if (!existing) throw new NotFoundError("API token");
    const revoked = await repo.revokeApiToken(trx, principal.userId, tokenId, deps.clock.now());
    if (!revoked) return;
    await recordAudit(trx, deps.clock, {
      authorityId: null,
      actor: actorFor(principal),
      action: "api-token.revoked",
      entity: { type: "api-token", id: tokenId },
      changes: { owner: personalRef("users", principal.userId) },
      requestId: origin.requestId ?? null,
    });
  });
}

function actorFor(principal: Principal): Actor {
  return { type: principal.via === "token" ? "token" : "user", id: principal.userId };
}

/** Thrown for a Bearer token that is unknown, expired or revoked: 401. */
export class InvalidApiTokenError extends NotSignedInError {
  constructor() {
    super(
      "The API token is not valid: it is wrong, expired or revoked. Make a new one on your account page.",
    );
  }
}

/** The principal of an API token, or throws `InvalidApiTokenError`. Records when it was last used. */
export async function resolveApiToken(deps: AccountDeps, token: string): Promise<Principal> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) throw new InvalidApiTokenError();
  const row = await repo.findApiTokenByHash(deps.db, sha256(token));
  const now = deps.clock.now();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now) || row.status !== "active") {
    throw new InvalidApiTokenError();
  }
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= MINUTE) {
    await repo.touchApiToken(deps.db, row.id, now);
  }
  return {
    userId: row.user_id,
    displayName: row.display_name,
    grants: await loadGrants(deps.db, row.user_id),
    via: "token",
    tokenScopes: row.scopes,
    twoFactor: false,
  };
}

// The account page

/** The person's own account record. */
export async function getAccount(deps: AccountDeps, principal: Principal): Promise<User> {
  const user = await repo.findUser(deps.db, principal.userId);
  if (!user) throw new NotSignedInError();
  return user;
}

export interface AccountOverview {
  user: Pick<User, "id" | "email" | "display_name" | "email_verified_at" | "totp_enabled_at" | "created_at">;
  twoFactorRequired: boolean;
  recoveryCodesLeft: number;
  sessions: (Pick<Session, "created_at" | "last_seen_at" | "user_agent"> & { current: boolean })[];
  tokens: (Pick<
    ApiToken,
    "id" | "name" | "scopes" | "created_at" | "last_used_at" | "expires_at" | "revoked_at"
  > & {
    state: "active" | "expired" | "revoked";
  })[];
}

export async function accountOverview(
  deps: AccountDeps,
  principal: Principal,
  currentSessionId: string | null,
): Promise<AccountOverview> {
  const user = await repo.findUser(deps.db, principal.userId);
  if (!user) throw new NotSignedInError();
  const now = deps.clock.now();
  const sessions = await repo.liveSessionsOfUser(deps.db, user.id, now);
  const tokens = await repo.apiTokensOfUser(deps.db, user.id);
  return {
    user: {
      id: user.id,
      email: user.email,
      display_name: user.display_name,
      email_verified_at: user.email_verified_at,
      totp_enabled_at: user.totp_enabled_at,
      created_at: user.created_at,
    },
    twoFactorRequired: twoFactorRequired(principal.grants),
    recoveryCodesLeft: user.totp_enabled_at ? await repo.unusedRecoveryCodes(deps.db, user.id) : 0,
    sessions: sessions.map((s) => ({
      created_at: s.created_at,
      last_seen_at: s.last_seen_at,
      user_agent: s.user_agent,
      current: s.id === currentSessionId,
    })),
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      scopes: t.scopes,
      created_at: t.created_at,
      last_used_at: t.last_used_at,
      expires_at: t.expires_at,
      revoked_at: t.revoked_at,
      state: t.revoked_at ? "revoked" : t.expires_at && t.expires_at <= now ? "expired" : "active",
    })),
  };
}

// Flash: a message for the next page, kept encrypted in the session and read once

export interface Flash {
  notice?: string;
  recoveryCodes?: string[];
  apiToken?: { name: string; token: string };
}

export async function putFlash(deps: AccountDeps, sessionId: string, flash: Flash): Promise<void> {
  await repo.setFlash(deps.db, sessionId, deps.secrets.encrypt(JSON.stringify(flash), "flash"));
}

export async function takeFlash(deps: AccountDeps, sessionId: string): Promise<Flash> {
  const stored = await transaction(deps.db, (trx) => repo.takeFlash(trx, sessionId));
  if (!stored) return {};
  try {
    return JSON.parse(deps.secrets.decrypt(stored, "flash")) as Flash;
  } catch {
    return {};
  }
}
