/**
 * Signing up and confirming the address: an account is made unconfirmed and a link emailed; the
 * link (single use, 24 hours) confirms it. The form never reveals whether an address already has an
 * account: its holder is emailed instead.
 */
import { transaction } from "../../db/transaction.ts";
import { type FieldError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import * as repo from "./accounts.repository.ts";
import {
  type AccountsCtx,
  auditAccount,
  emailProblems,
  MAX_DISPLAY_NAME,
  normaliseEmail,
} from "./accounts.service.ts";
import {
  emailLinkToken,
  InvalidLinkError,
  issueEmail,
  rateLimitedEmail,
  validEmailToken,
} from "./email-links.ts";
import { hashPassword, passwordProblems } from "./passwords.ts";
import { claimAttempt, EMAIL_LIMIT, emailKeys } from "./rate-limits.ts";

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

function signUpProblems(displayName: string, email: string, password: string): FieldError[] {
  const errors: FieldError[] = [];
  if (displayName === "") errors.push({ field: "displayName", message: msg`Enter your name` });
  else if (displayName.length > MAX_DISPLAY_NAME) {
    errors.push({ field: "displayName", message: msg`Name must be ${MAX_DISPLAY_NAME} characters or fewer` });
  }
  errors.push(...emailProblems(email));
  errors.push(...passwordProblems(password, email));
  return errors;
}

/**
 * Makes an account, unverified, and emails a link to confirm the address. An address that already
 * has an account gets an email saying so (or a fresh link if it is still unconfirmed), and the
 * page looks the same, so the form does not reveal who has an account.
 */
export async function signUp(ctx: AccountsCtx, input: SignUpInput): Promise<SignUpResult> {
  const displayName = input.displayName.trim();
  const email = normaliseEmail(input.email);
  const errors = signUpProblems(displayName, email, input.password);
  if (errors.length > 0) throw new ValidationError(msg`Check your details`, errors);
  const keys = emailKeys(ctx, email);
  await claimAttempt(
    ctx,
    "verify-email",
    EMAIL_LIMIT,
    keys,
    "sent",
    (wait) => msg`Too many emails have been sent. Wait ${wait}, then try again.`,
  );
  const passwordHash = await hashPassword(input.password);
  const result = await transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const created = await repo.insertUser(trx, {
      id: newId(),
      email,
      display_name: displayName,
      password_hash: passwordHash,
      created_at: now,
      updated_at: now,
    });
    if (created) {
      await auditAccount(trx, ctx, created.id, "account.registered");
      const tokenId = await issueEmail(trx, ctx, created.id, "verify-email");
      return { userId: created.id, verificationTokenId: tokenId } satisfies SignUpResult;
    }
    const existing = await repo.findUserByEmail(trx, email);
    if (existing && existing.status === "active") {
      await issueEmail(trx, ctx, existing.id, existing.email_verified_at ? "account-exists" : "verify-email");
    }
    return {};
  });
  return result;
}

/**
 * Confirms the address of the link's account. Single use; 24 hours. Returns the user's id, or
 * throws `InvalidLinkError`.
 */
export async function verifyEmail(ctx: AccountsCtx, token: string): Promise<string> {
  const row = await validEmailToken(ctx, token, "verify-email");
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    if (!(await repo.useEmailToken(trx, row.id, now))) throw new InvalidLinkError("verify-email");
    const user = await repo.findUser(trx, row.user_id);
    if (!user) throw new InvalidLinkError("verify-email");
    if (!user.email_verified_at) {
      await repo.updateUser(trx, user.id, { email_verified_at: now, updated_at: now });
      await auditAccount(trx, ctx, user.id, "account.email-verified");
    }
    await repo.useAllEmailTokens(trx, user.id, "verify-email", now);
    return user.id;
  });
}

/** Sends a new confirmation link if the address has an unconfirmed account; silent otherwise. */
export function resendVerification(ctx: AccountsCtx, rawEmail: string): Promise<void> {
  return rateLimitedEmail(
    ctx,
    rawEmail,
    "verify-email",
    (wait) => msg`Too many emails have been sent. Wait ${wait}, then try again.`,
    async (trx, user) => {
      if (!user.email_verified_at) await issueEmail(trx, ctx, user.id, "verify-email");
    },
  );
}

/**
 * In demo mode without email only: the link a sign-up would have emailed, so the demo works
 * without a mail server. The caller checks demo mode; this checks the link is still usable.
 */
export async function demoVerificationLink(ctx: AccountsCtx, tokenId: string): Promise<string | undefined> {
  if (!isUuid(tokenId)) return undefined;
  const row = await repo.findEmailToken(ctx.db, tokenId);
  if (row?.purpose !== "verify-email" || row.used_at || row.expires_at <= ctx.clock.now()) return undefined;
  return `/verify-email?token=${encodeURIComponent(emailLinkToken(ctx.secrets, tokenId))}`;
}
