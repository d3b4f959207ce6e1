/**
 * Accounts: signing up and confirming an email address (`sign-up.service.ts`), signing in and out
 * and sessions (`sessions.service.ts`), two-factor sign-in with recovery codes
 * (`two-factor.service.ts`), API tokens (`api-tokens.service.ts`), password reset
 * (`password-reset.service.ts`), and here what they share: the context they take, the account page,
 * the flash a page leaves for the next one, the scopes of API tokens, and accounts made directly.
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
import type { ApiScope } from "../../http/api-scopes.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, type FieldError, ForbiddenError, NotSignedInError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import type { Grant, Principal } from "../access/access.service.ts";
import { type ActingFor, actingFor, isPlatformAdmin, twoFactorRequired } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { type InvitationForYou, invitationsForYou } from "../access/invitations.service.ts";
import { type Actor, personalRef, recordAudit } from "../audit/audit.service.ts";
import * as repo from "./accounts.repository.ts";
import type { ApiToken, Session } from "./accounts.table.ts";
import { hashPassword } from "./passwords.ts";
import { DAY, HOUR, MINUTE } from "./time.ts";
import type { User } from "./users.table.ts";

/** The accounts' rate limits on requests to send an email, for the modules above (redress). */
export { claimAttempt, EMAIL_LIMIT, emailKeys } from "./rate-limits.ts";
export { DAY, HOUR, MINUTE };

export const SESSION_COOKIE = "openps_session";
/** Signed out after this long without a request. */
export const SESSION_IDLE_MS = 30 * MINUTE;
/** Signed out this long after signing in, however active. */
export const SESSION_ABSOLUTE_MS = 12 * HOUR;
/** A session's last-seen time is written at most this often. */
export const SESSION_TOUCH_MS = MINUTE;

export const MAX_DISPLAY_NAME = 100;
export const MAX_EMAIL = 254;
const EMAIL_FORMAT = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export { API_SCOPES, type ApiScope, isApiScope } from "../../http/api-scopes.ts";
export const API_TOKEN_PREFIX = "openps_";
export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const MAX_API_TOKENS = 50;
export const MAX_TOKEN_NAME = 100;

/** Where a request came from, for rate limits and the sessions list. */
export interface RequestOrigin {
  /** The client's IP address (only its HMAC is stored). */
  address: string;
  userAgent?: string | undefined;
  requestId?: string | undefined;
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

/** What account services take first: the service context, the server's secrets and the request's origin. */
export interface AccountsCtx extends Ctx {
  secrets: AccountSecrets;
  /** Where the request came from: rate limits, the sessions list, the audit trail's request id. */
  origin: RequestOrigin;
  /** The session of the request's cookie, at whatever stage; null or absent without one. */
  session?: CurrentSession | null;
}

const userActor = (userId: string): Actor => ({ type: "user", id: userId });

/** Audits a change to a person's account on the platform chain, referring to them (never naming them). */
export async function auditAccount(
  trx: Trx,
  ctx: Pick<AccountsCtx, "clock" | "origin">,
  userId: string,
  action: string,
  changes: Record<string, unknown> = {},
  actor: Actor = userActor(userId),
): Promise<void> {
  await recordAudit(trx, ctx.clock, {
    authorityId: null,
    actor,
    action,
    entity: { type: "user", id: userId },
    changes: { user: personalRef("users", userId), ...changes },
    requestId: ctx.origin.requestId ?? null,
  });
}

/** The person signed in with this session (not an API token), or `NotSignedInError`. */
export function requireSession(ctx: AccountsCtx): { principal: Principal; session: CurrentSession } {
  const { principal, session } = ctx;
  if (principal?.via !== "session" || !session) throw new NotSignedInError();
  return { principal, session };
}

// Checking input

export function normaliseEmail(email: string): string {
  return email.trim();
}

export function emailProblems(email: string, field = "email"): FieldError[] {
  if (email === "") return [{ field, message: msg`Enter your email address` }];
  if (email.length > MAX_EMAIL)
    return [{ field, message: msg`Email address must be ${MAX_EMAIL} characters or fewer` }];
  if (!EMAIL_FORMAT.test(email)) {
    return [{ field, message: msg`Enter an email address in the correct format, like name@example.com` }];
  }
  return [];
}

// Accounts made directly

export type CreateAccountInput = {
  id?: string;
  email: string;
  displayName: string;
  /** The address counts as confirmed (seeds, tests, accounts made by an administrator). */
  verified: boolean;
} & (
  | { password: string }
  /**
   * Its Argon2id hash (`hashPassword`), made already: where many accounts share one password (the
   * demo accounts' published one, the tests'), hashed once rather than tens of milliseconds each.
   */
  | { passwordHash: string }
);

/** For `createAccount({ passwordHash })`: the Argon2id hash of a password. */
export { hashPassword };

function argon2idHash(hash: string): string {
  if (!hash.startsWith("$argon2id$")) throw new TypeError("A password hash is an Argon2id PHC string");
  return hash;
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
    password_hash:
      "passwordHash" in input ? argon2idHash(input.passwordHash) : await hashPassword(input.password),
    email_verified_at: input.verified ? now : null,
    created_at: now,
    updated_at: now,
  });
  if (!created)
    throw new ConflictError(msg`An account with this email address already exists.`, "email_taken");
  await recordAudit(trx, clock, {
    authorityId: null,
    actor,
    action: "account.registered",
    entity: { type: "user", id: created.id },
    changes: { user: personalRef("users", created.id), verified: input.verified },
    requestId: null,
  });
  return created;
}

// API token scopes

/**
 * For services: throws `ForbiddenError` when the request came with an API token that lacks
 * `scope` (sessions pass: a person using the site may do what their roles allow), and
 * `NotSignedInError` for the public.
 */
export function requireScope(principal: Principal | null, scope: ApiScope): Principal {
  if (!principal) throw new NotSignedInError();
  if (principal.via === "token" && !(principal.tokenScopes ?? []).includes(scope)) {
    throw new ForbiddenError(
      msg`This API token does not have the ${scope} scope. Make a token with it on your account page.`,
      "insufficient_scope",
    );
  }
  return principal;
}

/** The account of the person or API token asking (a token needs the account:read scope). */
export async function accountOf(ctx: Ctx): Promise<{ user: User; principal: Principal }> {
  const principal = requireScope(ctx.principal, "account:read");
  const user = await repo.findUser(ctx.db, principal.userId);
  if (!user) throw new NotSignedInError();
  return { user, principal };
}

/** An account by its id, checking no one: for a service that keeps who made something (redress). */
export async function userById(db: Db, userId: string): Promise<User | undefined> {
  return repo.findUser(db, userId);
}

/** An account by its email address (any case), checking no one: for a service appointing a person by their address (the prize's judges). */
export async function userByEmail(db: Db, email: string): Promise<User | undefined> {
  return repo.findUserByEmail(db, email);
}

/** Users' display names by id, in one read, checking no one: for a service choosing among its staff. */
export function displayNamesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  return repo.displayNamesOf(db, ids);
}

// Flash: a message for the next page, kept encrypted in the session and read once

export interface Flash {
  notice?: string;
  recoveryCodes?: string[];
  apiToken?: { name: string; token: string };
}

export async function putFlash(ctx: AccountsCtx, sessionId: string, flash: Flash): Promise<void> {
  await repo.setFlash(ctx.db, sessionId, ctx.secrets.encrypt(JSON.stringify(flash), "flash"));
}

/** The flash the session's last page left, read once (nothing without a session). */
export async function takeFlash(ctx: AccountsCtx, sessionId = ctx.session?.id): Promise<Flash> {
  if (!sessionId) return {};
  const stored = await transaction(ctx.db, (trx) => repo.takeFlash(trx, sessionId));
  if (!stored) return {};
  try {
    return JSON.parse(ctx.secrets.decrypt(stored, "flash")) as Flash;
  } catch {
    return {};
  }
}

// The account page

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

async function accountOverview(ctx: AccountsCtx, principal: Principal, session: CurrentSession) {
  const user = await repo.findUser(ctx.db, principal.userId);
  if (!user) throw new NotSignedInError();
  const now = ctx.clock.now();
  const sessions = await repo.liveSessionsOfUser(ctx.db, user.id, now);
  const tokens = await repo.apiTokensOfUser(ctx.db, user.id);
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
    recoveryCodesLeft: user.totp_enabled_at ? await repo.unusedRecoveryCodes(ctx.db, user.id) : 0,
    sessions: sessions.map((s) => ({
      created_at: s.created_at,
      last_seen_at: s.last_seen_at,
      user_agent: s.user_agent,
      current: s.id === session.id,
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
  } satisfies AccountOverview;
}

export interface AccountPage {
  overview: AccountOverview;
  /** What the person acts for, with links. */
  actingFor: ActingFor[];
  /** Invitations waiting for their address. */
  invitations: InvitationForYou[];
  isPlatformAdmin: boolean;
  /** The notice the last page left (read once). */
  notice: string | undefined;
}

/** What the account page shows the person signed in: their account, sessions, tokens and roles. */
export async function accountPage(ctx: AccountsCtx): Promise<AccountPage> {
  const { principal, session } = requireSession(ctx);
  const flash = await takeFlash(ctx, session.id);
  return {
    overview: await accountOverview(ctx, principal, session),
    actingFor: await actingFor(ctx),
    invitations: await invitationsForYou(ctx),
    isPlatformAdmin: isPlatformAdmin(principal),
    notice: flash.notice,
  };
}
