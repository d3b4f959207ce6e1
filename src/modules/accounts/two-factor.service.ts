/**
 * Two-factor sign-in: TOTP codes from an authenticator app, with 10 single-use recovery codes. The
 * secret is stored encrypted with the server's key (never logged or audited); a code cannot be
 * used twice; wrong codes are rate limited. Those whose roles need it cannot turn it off.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, NotSignedInError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { twoFactorRequired } from "../access/access.service.ts";
import * as repo from "./accounts.repository.ts";
import { type AccountsCtx, auditAccount, putFlash, requireSession } from "./accounts.service.ts";
import { verifyPassword } from "./passwords.ts";
import { type Attempt, claimAttempt, TWO_FACTOR_LIMIT, userKeys } from "./rate-limits.ts";
import { liveSession, type NewSessionCookie, rotateSession } from "./sessions.service.ts";
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

const CODE_FIELD = "code";

function enterCode(message = msg`Enter the 6-digit code from your authenticator app`): ValidationError {
  return new ValidationError(msg`Enter a code`, [{ field: CODE_FIELD, message }]);
}

function wrongCode(message = msg`Enter the 6-digit code your authenticator app shows now`): ValidationError {
  return new ValidationError(msg`The code is not right`, [{ field: CODE_FIELD, message }]);
}

/**
 * Checks a code from the authenticator app, or a recovery code, for the request's session waiting
 * for its second factor; on success the session is replaced by one that has passed it. Rate
 * limited. Undefined when the request has no session waiting for a code.
 */
export async function passTwoFactor(ctx: AccountsCtx, code: string): Promise<NewSessionCookie | undefined> {
  if (ctx.session?.stage !== "needs-code") return undefined;
  const sessionId = ctx.session.id;
  if (code.trim() === "")
    throw enterCode(msg`Enter the 6-digit code from your authenticator app, or a recovery code`);
  const session = await transaction(ctx.db, (trx) => liveSession(ctx, trx, sessionId));
  const keys = userKeys(ctx, session.user_id);
  const attempt = await claimAttempt(
    ctx,
    "two-factor",
    TWO_FACTOR_LIMIT,
    keys,
    "failed",
    (wait) => msg`You have entered too many wrong codes. Wait ${wait}, then try again.`,
  );
  const user = await repo.findUser(ctx.db, session.user_id);
  if (!user?.totp_enabled_at || !user.totp_secret) {
    throw new ConflictError(
      msg`Two-factor sign-in is not set up for this account. Sign in again.`,
      "two_factor_not_set_up",
    );
  }
  const secret = ctx.secrets.decrypt(user.totp_secret, "totp");
  const now = ctx.clock.now();
  const result = await transaction(ctx.db, async (trx) => {
    let method: "totp" | "recovery-code" | undefined;
    const step = acceptTotp(secret, code, now, user.totp_last_step);
    if (step !== null && (await repo.claimTotpStep(trx, user.id, step))) method = "totp";
    else if (
      looksLikeRecoveryCode(code) &&
      (await repo.useRecoveryCode(trx, user.id, recoveryCodeHash(code), now))
    )
      method = "recovery-code";
    if (!method) return undefined;
    const current = await liveSession(ctx, trx, sessionId);
    const rotated = await rotateSession(trx, ctx, current, { twoFactor: true });
    await auditAccount(trx, ctx, user.id, "account.two-factor-passed", { method });
    return rotated;
  });
  if (!result) {
    throw wrongCode(msg`Enter the code your authenticator app shows now, or an unused recovery code`);
  }
  await attempt.settle("succeeded");
  return result;
}

export interface TwoFactorSetup {
  /** The secret in groups of four, for typing into an app. */
  secretText: string;
  /** The otpauth:// address, as a QR code in inline SVG. */
  qrSvg: string;
  /** The person's roles need two-factor sign-in. */
  required: boolean;
}

/**
 * Starts setting up two-factor sign-in for the person signed in: a new secret (or the one already
 * being set up), stored encrypted until a code confirms it. Undefined once it is set up.
 */
export async function startTwoFactorSetup(ctx: AccountsCtx): Promise<TwoFactorSetup | undefined> {
  const { principal } = requireSession(ctx);
  const user = await repo.findUser(ctx.db, principal.userId);
  if (!user) throw new NotSignedInError();
  if (user.totp_enabled_at) return undefined;
  let secret: string | undefined;
  if (user.totp_secret) {
    try {
      secret = ctx.secrets.decrypt(user.totp_secret, "totp");
    } catch {
      secret = undefined;
    }
  }
  if (!secret) {
    secret = newTotpSecret();
    const cipher = ctx.secrets.encrypt(secret, "totp");
    await transaction(ctx.db, (trx) =>
      repo.updateUser(trx, user.id, { totp_secret: cipher, totp_last_step: null }),
    );
  }
  const uri = totpUri(secret, user.email);
  return {
    secretText: groupedSecret(secret),
    qrSvg: await qrCodeSvg(uri),
    required: twoFactorRequired(principal.grants),
  };
}

/**
 * Confirms set-up with a code from the app: two-factor sign-in is on, 10 recovery codes are made
 * (stored hashed, shown once: the new session carries them to the next page) and the session is
 * replaced by one that has passed it.
 */
export async function confirmTwoFactor(
  ctx: AccountsCtx,
  code: string,
): Promise<{ recoveryCodes: string[]; session: NewSessionCookie }> {
  const { principal, session: current } = requireSession(ctx);
  const userId = principal.userId;
  const user = await repo.findUser(ctx.db, userId);
  if (!user) throw new NotSignedInError();
  if (user.totp_enabled_at)
    throw new ConflictError(msg`Two-factor sign-in is already set up.`, "two_factor_already_on");
  if (!user.totp_secret) {
    throw new ConflictError(msg`Start setting up two-factor sign-in again.`, "two_factor_not_started");
  }
  if (code.trim() === "") throw enterCode();
  const secret = ctx.secrets.decrypt(user.totp_secret, "totp");
  const now = ctx.clock.now();
  const step = acceptTotp(secret, code, now, null);
  if (step === null) throw wrongCode();
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const session = await transaction(ctx.db, async (trx) => {
    await repo.updateUser(trx, userId, { totp_enabled_at: now, totp_last_step: step, updated_at: now });
    await repo.replaceRecoveryCodes(
      trx,
      userId,
      recoveryCodes.map((c) => ({ id: newId(), code_hash: recoveryCodeHash(c) })),
      now,
    );
    const live = await liveSession(ctx, trx, current.id);
    if (live.user_id !== userId) throw new NotSignedInError();
    const rotated = await rotateSession(trx, ctx, live, { twoFactor: true });
    await auditAccount(trx, ctx, userId, "account.two-factor-enabled", {
      recoveryCodes: recoveryCodes.length,
    });
    return rotated;
  });
  await putFlash(ctx, session.id, { notice: "two-factor-enabled", recoveryCodes });
  return { recoveryCodes, session };
}

/** Whether the person signed in may turn two-factor sign-in off (their roles do not need it). */
export function mayTurnOffTwoFactor(ctx: AccountsCtx): boolean {
  return !twoFactorRequired(requireSession(ctx).principal.grants);
}

/** Turns two-factor sign-in off, with a current code. Not for those whose roles need it. */
/** What someone gives to show it is them before a change to how they sign in. */
export interface Reauthentication {
  password: string;
  code: string;
}

/**
 * Re-authentication before a change to how someone signs in (security finding 13: a stolen session
 * alone must not become a lasting way in): the account's password, checked here, and a code from
 * its authenticator app, used up by `useCode` in the change's transaction. Tries count against the
 * two-factor limit, each claimed before it is checked; the caller settles it when the change is
 * made. Throws `ValidationError` naming each field at fault.
 */
async function checkPassword(ctx: AccountsCtx, user: User, input: Reauthentication): Promise<Attempt> {
  const errors: FieldError[] = [];
  if (input.password === "") errors.push({ field: "password", message: msg`Enter your password` });
  if (input.code.trim() === "")
    errors.push({ field: CODE_FIELD, message: msg`Enter the 6-digit code from your authenticator app` });
  if (errors.length > 0) throw new ValidationError(msg`Enter your password and a code`, errors);
  const attempt = await claimAttempt(
    ctx,
    "two-factor",
    TWO_FACTOR_LIMIT,
    userKeys(ctx, user.id),
    "failed",
    (wait) => msg`You have entered too many wrong passwords or codes. Wait ${wait}, then try again.`,
  );
  if (user.password_hash == null || !(await verifyPassword(input.password, user.password_hash)))
    throw new ValidationError(msg`Your password is not right`, [
      { field: "password", message: msg`Enter your current password` },
    ]);
  return attempt;
}

/** Uses up a code from the authenticator app, or throws `ValidationError`. */
async function useCode(trx: Trx, ctx: AccountsCtx, user: User, code: string): Promise<void> {
  const secret = ctx.secrets.decrypt(user.totp_secret ?? "", "totp");
  const step = acceptTotp(secret, code, ctx.clock.now(), user.totp_last_step);
  if (step === null || !(await repo.claimTotpStep(trx, user.id, step))) throw wrongCode();
}

export async function disableTwoFactor(ctx: AccountsCtx, input: Reauthentication): Promise<void> {
  const { principal, session } = requireSession(ctx);
  if (twoFactorRequired(principal.grants)) {
    throw new ConflictError(
      msg`Your roles need two-factor sign-in, so it cannot be turned off. To use a new app, ask a platform administrator.`,
      "two_factor_required",
    );
  }
  const user = await repo.findUser(ctx.db, principal.userId);
  if (!user?.totp_enabled_at || !user.totp_secret) {
    throw new ConflictError(msg`Two-factor sign-in is not on.`, "two_factor_not_set_up");
  }
  const attempt = await checkPassword(ctx, user, input);
  const now = ctx.clock.now();
  await transaction(ctx.db, async (trx) => {
    await useCode(trx, ctx, user, input.code);
    await repo.updateUser(trx, user.id, {
      totp_secret: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: now,
    });
    await repo.replaceRecoveryCodes(trx, user.id, [], now);
    await auditAccount(trx, ctx, user.id, "account.two-factor-disabled");
  });
  await attempt.settle("succeeded");
  await putFlash(ctx, session.id, { notice: "two-factor-disabled" });
}

/** New recovery codes (the old ones stop working), shown once on the next page. */
export async function regenerateRecoveryCodes(ctx: AccountsCtx, input: Reauthentication): Promise<string[]> {
  const { principal, session } = requireSession(ctx);
  const user = await repo.findUser(ctx.db, principal.userId);
  if (!user?.totp_enabled_at || !user.totp_secret) {
    throw new ConflictError(
      msg`Set up two-factor sign-in first: recovery codes come with it.`,
      "two_factor_not_set_up",
    );
  }
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const attempt = await checkPassword(ctx, user, input);
  await transaction(ctx.db, async (trx) => {
    await useCode(trx, ctx, user, input.code);
    const now = ctx.clock.now();
    await repo.replaceRecoveryCodes(
      trx,
      user.id,
      codes.map((c) => ({ id: newId(), code_hash: recoveryCodeHash(c) })),
      now,
    );
    await auditAccount(trx, ctx, user.id, "account.recovery-codes-regenerated", {
      recoveryCodes: codes.length,
    });
  });
  await attempt.settle("succeeded");
  await putFlash(ctx, session.id, { notice: "recovery-codes", recoveryCodes: codes });
  return codes;
}
