/**
 * The emails of accounts: confirm your address, reset your password, and "you already have an
 * account". Sent by the `accounts.email` job (enqueued by accounts.service.ts in the transaction
 * that makes the link), never through the inbox: these emails carry secrets.
 *
 * The job's payload holds ids only. The link's token is derived here from the email token's id
 * with the server's key (`emailLinkToken`), so neither the job nor the email token row ever holds
 * a usable link. A link already used or expired is not sent; a link already sent is not sent again
 * (delivery is otherwise at least once, like every job).
 */

import { isUuid } from "../../lib/ids.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer, MailMessage } from "../notifications/mailer.ts";
import { absoluteLink } from "../notifications/notifications.service.ts";
import * as repo from "./accounts.repository.ts";
import {
  ACCOUNT_EMAIL_QUEUE,
  type AccountEmailKind,
  emailLinkToken,
  RESET_PASSWORD_TTL_MS,
  VERIFY_EMAIL_TTL_MS,
} from "./email-links.ts";

export interface AccountEmailDeps {
  /** Undefined without SMTP: the emails are then not sent (demo mode shows the link on the page). */
  mailer: Mailer | undefined;
  baseUrl: string;
  secrets: AccountSecrets;
}

interface Payload {
  kind: AccountEmailKind;
  userId: string;
  tokenId?: string;
}

function payloadOf(value: unknown): Payload {
  const p = value as Partial<Payload> | null;
  const kinds: readonly string[] = ["verify-email", "reset-password", "account-exists"];
  if (!p || typeof p.kind !== "string" || !kinds.includes(p.kind) || !isUuid(p.userId)) {
    throw new PermanentJobError("The accounts.email job's payload needs a kind and a userId.");
  }
  if (p.kind !== "account-exists" && !isUuid(p.tokenId)) {
    throw new PermanentJobError(`The accounts.email job for ${p.kind} needs a tokenId.`);
  }
  return p as Payload;
}

const hours = (ms: number) => Math.round(ms / 3_600_000);

/** The text of each email. */
export function composeAccountEmail(
  kind: AccountEmailKind,
  to: { email: string; displayName: string },
  link: string | undefined,
): MailMessage {
  const greeting = `Dear ${to.displayName},`;
  const ignore = "If you did not ask for this, you can ignore this email: nothing will change.";
  switch (kind) {
    case "verify-email":
      return {
        to: to.email,
        subject: "Confirm your email address for OpenPS",
        text: `${greeting}\n\nConfirm your email address to finish making your OpenPS account:\n\n${link}\n\nThe link works once, for ${hours(VERIFY_EMAIL_TTL_MS)} hours.\n\n${ignore}\n`,
      };
    case "reset-password":
      return {
        to: to.email,
        subject: "Reset your OpenPS password",
        text: `${greeting}\n\nUse this link to choose a new password for your OpenPS account:\n\n${link}\n\nThe link works once, for ${hours(RESET_PASSWORD_TTL_MS)} hour. When you have reset your password, you will be signed out everywhere.\n\n${ignore}\n`,
      };
    case "account-exists":
      return {
        to: to.email,
        subject: "You already have an OpenPS account",
        text: `${greeting}\n\nSomeone tried to make an OpenPS account with this email address, but you already have one. Sign in at ${link}\n\nIf you have forgotten your password, you can reset it from the sign-in page.\n\n${ignore}\n`,
      };
  }
}

/** The `accounts.email` handler. Idempotent: a sent, used or expired link is not sent. */
export function accountEmailHandler(deps: AccountEmailDeps): JobHandler {
  return async (payload, ctx) => {
    const { kind, userId, tokenId } = payloadOf(payload);
    const user = await repo.findUser(ctx.db, userId);
    if (user?.status !== "active") return;
    let link: string;
    if (kind === "account-exists") {
      link = absoluteLink(deps.baseUrl, "/sign-in");
    } else {
      const token = await repo.findEmailToken(ctx.db, tokenId as string);
      if (!token || token.used_at || token.sent_at || token.expires_at <= ctx.clock.now()) return;
      const path = kind === "verify-email" ? "/verify-email" : "/reset-password";
      link = absoluteLink(
        deps.baseUrl,
        `${path}?token=${encodeURIComponent(emailLinkToken(deps.secrets, token.id))}`,
      );
    }
    if (!deps.mailer) {
      ctx.logger.warn({ jobId: ctx.job.id, kind }, "Email is not configured; the account email was not sent");
      return;
    }
    await deps.mailer.send(
      composeAccountEmail(kind, { email: user.email, displayName: user.display_name }, link),
    );
    if (tokenId) await repo.markEmailTokenSent(ctx.db, tokenId, ctx.clock.now());
  };
}

/** The accounts module's job handlers, to register with the job runner. */
export function accountJobHandlers(deps: AccountEmailDeps): Record<string, JobHandler> {
  return { [ACCOUNT_EMAIL_QUEUE]: accountEmailHandler(deps) };
}
