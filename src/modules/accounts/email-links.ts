/**
 * The links accounts email — to confirm an address, to reset a password — and the "you already
 * have an account" email. A link's token is derived from its row's id with the server's key and
 * only its SHA-256 is stored; the email job's payload holds ids only (accounts.emails.ts derives
 * the link when it writes the email).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { DomainError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { type AccountSecrets, sha256 } from "../../lib/secrets.ts";
import { enqueue } from "../jobs/jobs.service.ts";
import * as repo from "./accounts.repository.ts";
import { type AccountsCtx, emailProblems, HOUR, normaliseEmail } from "./accounts.service.ts";
import type { EmailTokenPurpose } from "./accounts.table.ts";
import { claimAttempt, EMAIL_LIMIT, emailKeys } from "./rate-limits.ts";
import type { User } from "./users.table.ts";

export const VERIFY_EMAIL_TTL_MS = 24 * HOUR;
export const RESET_PASSWORD_TTL_MS = HOUR;

export const ACCOUNT_EMAIL_QUEUE = "accounts.email";
export type AccountEmailKind = "verify-email" | "reset-password" | "account-exists";

/** The secret in an emailed link: derived from the row id with the server's key, never stored. */
export function emailLinkToken(secrets: AccountSecrets, tokenId: string): string {
  return secrets.hmac("email-link", tokenId);
}

/** Queues an account email (with a new link, for a link's kinds), in the caller's transaction. */
export async function issueEmail(
  trx: Trx,
  ctx: AccountsCtx,
  userId: string,
  kind: AccountEmailKind,
): Promise<string | undefined> {
  const now = ctx.clock.now();
  let tokenId: string | undefined;
  if (kind !== "account-exists") {
    const purpose: EmailTokenPurpose = kind;
    tokenId = newId();
    await repo.insertEmailToken(trx, {
      id: tokenId,
      user_id: userId,
      purpose,
      token_hash: sha256(emailLinkToken(ctx.secrets, tokenId)),
      created_at: now,
      expires_at: new Date(
        now.getTime() + (purpose === "verify-email" ? VERIFY_EMAIL_TTL_MS : RESET_PASSWORD_TTL_MS),
      ),
    });
  }
  await enqueue(trx, ctx.clock, {
    queue: ACCOUNT_EMAIL_QUEUE,
    payload: { kind, userId, ...(tokenId ? { tokenId } : {}) },
    maxAttempts: 8,
    ...(tokenId ? { dedupeKey: `${ACCOUNT_EMAIL_QUEUE}:${tokenId}` } : {}),
  });
  return tokenId;
}

/**
 * An emailed link that is unknown, expired or used: 400, with what to do. Not a field at fault:
 * the pages answer it with a page of its own (accounts.routes.ts), not the form again.
 */
export class InvalidLinkError extends DomainError {
  readonly purpose: EmailTokenPurpose;
  constructor(purpose: EmailTokenPurpose) {
    super(
      "link_invalid",
      purpose === "verify-email"
        ? msg`This link to confirm your email address has expired or has already been used. Sign in to get a new one.`
        : msg`This link to reset your password has expired or has already been used. Ask for a new one.`,
    );
    this.purpose = purpose;
  }
}

/** The link's row, or `InvalidLinkError` when it is unknown, of another purpose, used or expired. */
export async function validEmailToken(ctx: AccountsCtx, token: string, purpose: EmailTokenPurpose) {
  if (token === "" || token.length > 200) throw new InvalidLinkError(purpose);
  const row = await repo.findEmailTokenByHash(ctx.db, sha256(token));
  if (!row || row.purpose !== purpose || row.used_at !== null || row.expires_at <= ctx.clock.now()) {
    throw new InvalidLinkError(purpose);
  }
  return row;
}

/**
 * The shared shape of "email me a link": checks the address, applies the per-account and
 * per-address email limit, lets `send` decide in one transaction whether and what to send, and
 * counts the attempt. The answer is the same whether or not the address has an account.
 */
export async function rateLimitedEmail(
  ctx: AccountsCtx,
  rawEmail: string,
  purpose: "verify-email" | "reset-password",
  tooMany: (wait: string) => string,
  send: (trx: Trx, user: User) => Promise<void>,
): Promise<void> {
  const email = normaliseEmail(rawEmail);
  const problems = emailProblems(email);
  if (problems.length > 0) throw new ValidationError(msg`Check your email address`, problems);
  const keys = emailKeys(ctx, email);
  await claimAttempt(ctx, purpose, EMAIL_LIMIT, keys, "sent", tooMany);
  await transaction(ctx.db, async (trx) => {
    const user = await repo.findUserByEmail(trx, email);
    if (user && user.status === "active") await send(trx, user);
  });
}
