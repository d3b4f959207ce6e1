/**
 * Rate limits on signing in, second-factor codes and the emails accounts send: attempts are
 * counted per account (an HMAC of the lower-cased email address, or of the user id) and per address
 * (an HMAC of the IP address) in `sign_in_attempts`, kept a day.
 */
import { TooManyRequestsError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import * as repo from "./accounts.repository.ts";
import type { AccountsCtx } from "./accounts.service.ts";
import type { AttemptKind, AttemptOutcome } from "./accounts.table.ts";
import { DAY, HOUR, MINUTE } from "./time.ts";

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

export interface AttemptKeys {
  account: string;
  address: string;
}

/** The keys of attempts for an email address (sign-in, emails) from the request's address. */
export function emailKeys(ctx: AccountsCtx, email: string): AttemptKeys {
  return { account: accountKey(ctx.secrets, email), address: addressKey(ctx.secrets, ctx.origin.address) };
}

/** The keys of attempts for a user (second-factor codes) from the request's address. */
export function userKeys(ctx: AccountsCtx, userId: string): AttemptKeys {
  return {
    account: ctx.secrets.hmac("rate-limit:user", userId),
    address: addressKey(ctx.secrets, ctx.origin.address),
  };
}

const accountKey = (secrets: AccountSecrets, email: string) =>
  secrets.hmac("rate-limit:account", email.trim().toLowerCase());
const addressKey = (secrets: AccountSecrets, address: string) => secrets.hmac("rate-limit:address", address);

function waitMessage(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? msg`1 minute` : msg`${minutes} minutes`;
}

/** An attempt claimed against a limit: `settle` records how it turned out. */
export interface Attempt {
  settle(outcome: AttemptOutcome): Promise<void>;
}

/**
 * Claims one attempt against the limit, atomically: the attempt is written first, as `counted`
 * (a failed sign-in or code, an email sent), and only then are the attempts of each key counted, its
 * own included. However many requests arrive at once, each counts every attempt written before its
 * own, so no more than the limit get through (a count read before and written after the slow check
 * let a burst through whole). Over the limit, the attempt is recorded as refused and
 * `TooManyRequestsError` says how long to wait. The caller settles the attempt when it turns out
 * otherwise (`succeeded`, `refused`); one that never settles stays counted.
 */
export async function claimAttempt(
  ctx: AccountsCtx,
  kind: AttemptKind,
  limit: RateLimit,
  keys: AttemptKeys,
  counted: AttemptOutcome,
  message: (wait: string) => string,
): Promise<Attempt> {
  const now = ctx.clock.now();
  const id = newId();
  await repo.insertAttempt(ctx.db, {
    id,
    kind,
    account_key: keys.account,
    address_key: keys.address,
    outcome: counted,
    occurred_at: now,
  });
  const since = new Date(now.getTime() - limit.windowMs);
  const checks = [
    { by: "account_key" as const, key: keys.account, max: limit.perAccount },
    { by: "address_key" as const, key: keys.address, max: limit.perAddress },
  ];
  for (const check of checks) {
    const found = await repo.countAttempts(ctx.db, {
      kind,
      by: check.by,
      key: check.key,
      outcomes: [counted],
      since,
      afterLastSuccess: kind === "sign-in" || kind === "two-factor" ? check.by === "account_key" : false,
    });
    if (found.count > check.max) {
      await repo.setAttemptOutcome(ctx.db, id, "refused");
      const releases = (found.earliest?.getTime() ?? now.getTime()) + limit.windowMs;
      const seconds = Math.max(1, Math.ceil((releases - now.getTime()) / 1000));
      throw new TooManyRequestsError(message(waitMessage(seconds)), seconds);
    }
  }
  return {
    settle: async (outcome) => {
      if (outcome !== counted) await repo.setAttemptOutcome(ctx.db, id, outcome);
    },
  };
}

/** Deletes attempts and sessions nobody needs any more. Cheap; run on sign-in. */
export async function tidy(ctx: AccountsCtx): Promise<void> {
  const now = ctx.clock.now();
  await repo.deleteAttemptsBefore(ctx.db, new Date(now.getTime() - ATTEMPTS_KEPT_MS));
  await repo.deleteExpiredSessions(ctx.db, now);
}
