/**
 * Password reset: a link (single use, 1 hour) emailed to an address with an active account sets a
 * new password, counts the address as confirmed and ends every session of the account. The form
 * never reveals whether an address has an account; the emails are rate limited.
 */
import { transaction } from "../../db/transaction.ts";
import { ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import * as repo from "./accounts.repository.ts";
import { type AccountsCtx, auditAccount } from "./accounts.service.ts";
import { InvalidLinkError, issueEmail, rateLimitedEmail, validEmailToken } from "./email-links.ts";
import { hashPassword, passwordProblems } from "./passwords.ts";

/**
 * Emails a link to reset the password, if the address has an active account. The answer is the
 * same either way, so the form does not reveal who has an account. Rate limited.
 */
export function requestPasswordReset(ctx: AccountsCtx, rawEmail: string): Promise<void> {
  return rateLimitedEmail(
    ctx,
    rawEmail,
    "reset-password",
    (wait) => msg`Too many password reset emails have been asked for. Wait ${wait}, then try again.`,
    async (trx, user) => {
      await issueEmail(trx, ctx, user.id, "reset-password");
      await auditAccount(
        trx,
        ctx,
        user.id,
        "account.password-reset-requested",
        {},
        { type: "public", id: null },
      );
    },
  );
}

/** Throws `InvalidLinkError` unless the reset link is usable. */
export async function checkResetLink(ctx: AccountsCtx, token: string): Promise<void> {
  await validEmailToken(ctx, token, "reset-password");
}

/**
 * Sets a new password with a reset link (single use, 1 hour). The address counts as confirmed (the
 * link was emailed to it), and every session of the account ends.
 */
export async function resetPassword(
  ctx: AccountsCtx,
  input: { token: string; password: string; confirmPassword: string },
): Promise<void> {
  const row = await validEmailToken(ctx, input.token, "reset-password");
  const user = await repo.findUser(ctx.db, row.user_id);
  if (user?.status !== "active") throw new InvalidLinkError("reset-password");
  const errors = passwordProblems(input.password, user.email);
  if (errors.length === 0 && input.password !== input.confirmPassword) {
    errors.push({
      field: "confirmPassword",
      message: msg`The passwords do not match. Enter the same password twice`,
    });
  }
  if (errors.length > 0) throw new ValidationError(msg`Check your new password`, errors);
  const hash = await hashPassword(input.password);
  await transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    if (!(await repo.useEmailToken(trx, row.id, now))) throw new InvalidLinkError("reset-password");
    await repo.useAllEmailTokens(trx, user.id, "reset-password", now);
    await repo.updateUser(trx, user.id, {
      password_hash: hash,
      email_verified_at: user.email_verified_at ?? now,
      updated_at: now,
    });
    const sessions = await repo.deleteSessionsOfUser(trx, user.id);
    // Whoever knew the old password may have made tokens with it: they end too.
    const tokens = await repo.revokeApiTokensOfUser(trx, user.id, now);
    await auditAccount(trx, ctx, user.id, "account.password-reset", {
      sessionsEnded: sessions,
      apiTokensRevoked: tokens,
    });
  });
}
