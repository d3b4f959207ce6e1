/**
 * API tokens: made on the account page with scopes and an expiry, shown once and stored as SHA-256
 * only, used as `Authorization: Bearer openps_…`, and revoked by their owner.
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { randomToken, sha256 } from "../../lib/secrets.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, loadGrants, requireSignedIn } from "../access/access.service.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import * as repo from "./accounts.repository.ts";
import {
  type AccountsCtx,
  API_SCOPES,
  API_TOKEN_EXPIRY_DAYS,
  API_TOKEN_PREFIX,
  DAY,
  isApiScope,
  MAX_API_TOKENS,
  MAX_TOKEN_NAME,
  MINUTE,
  putFlash,
} from "./accounts.service.ts";

/** No token lives longer than this, whatever it was made with. */
const MAX_TOKEN_LIFETIME_DAYS = Math.max(...API_TOKEN_EXPIRY_DAYS);

export interface CreateApiTokenInput {
  name: string;
  scopes: readonly string[];
  /**
   * Days until it expires, one of API_TOKEN_EXPIRY_DAYS (as a number, or as the form sends it).
   * Every token expires: a year at most. Tokens also end when the password is reset or the person
   * signs out everywhere.
   */
  expiresInDays: number | string;
}

/** The days until expiry as given, or undefined when it is not a number of days. */
function expiryDays(value: CreateApiTokenInput["expiresInDays"]): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" && /^\d{1,4}$/.test(value) ? Number(value) : undefined;
}

function checkToken(input: CreateApiTokenInput) {
  const name = input.name.trim();
  const errors: FieldError[] = [];
  if (name === "")
    errors.push({ field: "name", message: msg`Enter a name for the token, so you can recognise it later` });
  else if (name.length > MAX_TOKEN_NAME)
    errors.push({ field: "name", message: msg`Name must be ${MAX_TOKEN_NAME} characters or fewer` });
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) errors.push({ field: "scopes", message: msg`Choose what the token may do` });
  else if (!scopes.every(isApiScope))
    errors.push({ field: "scopes", message: msg`Choose from: ${API_SCOPES.join(", ")}` });
  const days = expiryDays(input.expiresInDays);
  if (days === undefined)
    errors.push({ field: "expiresInDays", message: msg`Choose when the token expires` });
  else if (!(API_TOKEN_EXPIRY_DAYS as readonly number[]).includes(days)) {
    errors.push({
      field: "expiresInDays",
      message: msg`Choose when the token expires: in ${API_TOKEN_EXPIRY_DAYS.join(", ")} days`,
    });
  }
  if (errors.length > 0 || days === undefined)
    throw new ValidationError(msg`Check the token's details`, errors);
  return { name, scopes, days };
}

/**
 * Makes an API token for the person signed in; the token itself is returned once (and, made on
 * the site, carried by the session to the next page) and stored as SHA-256 only.
 */
export async function createApiToken(
  ctx: AccountsCtx,
  input: CreateApiTokenInput,
): Promise<{ id: string; token: string }> {
  const principal = requireSignedIn(ctx.principal);
  if (principal.via === "token")
    throw new ForbiddenError(msg`API tokens are made on your account page, not with another token.`);
  const { name, scopes, days } = checkToken(input);
  const now = ctx.clock.now();
  if ((await repo.countLiveApiTokens(ctx.db, principal.userId, now)) >= MAX_API_TOKENS) {
    throw new ConflictError(
      msg`You have ${MAX_API_TOKENS} API tokens. Revoke one you no longer use first.`,
      "too_many_tokens",
    );
  }
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  const id = newId();
  await transaction(ctx.db, async (trx) => {
    await repo.insertApiToken(trx, {
      id,
      user_id: principal.userId,
      name,
      token_hash: sha256(token),
      scopes: API_SCOPES.filter((s) => scopes.includes(s)),
      created_at: now,
      expires_at: new Date(now.getTime() + days * DAY),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: { type: "user", id: principal.userId },
      action: "api-token.created",
      entity: { type: "api-token", id },
      changes: { owner: personalRef("users", principal.userId), scopes, expiresInDays: days },
      requestId: ctx.origin.requestId ?? null,
    });
  });
  if (ctx.session) await putFlash(ctx, ctx.session.id, { apiToken: { name, token } });
  return { id, token };
}

/** Revokes one of the person's own tokens; another's, or an unknown one, is not found. */
export async function revokeApiToken(ctx: AccountsCtx, tokenId: string): Promise<void> {
  const principal = requireSignedIn(ctx.principal);
  if (!isUuid(tokenId)) throw new NotFoundError("API token");
  await transaction(ctx.db, async (trx) => {
    const existing = await repo.findApiTokenOfUser(trx, principal.userId, tokenId);
    if (!existing) throw new NotFoundError("API token");
    const revoked = await repo.revokeApiToken(trx, principal.userId, tokenId, ctx.clock.now());
    if (!revoked) return;
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorOf(principal),
      action: "api-token.revoked",
      entity: { type: "api-token", id: tokenId },
      changes: { owner: personalRef("users", principal.userId) },
      requestId: ctx.origin.requestId ?? null,
    });
  });
  if (ctx.session) await putFlash(ctx, ctx.session.id, { notice: "token-revoked" });
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
export async function resolveApiToken(ctx: AccountsCtx, token: string): Promise<Principal> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) throw new InvalidApiTokenError();
  const row = await repo.findApiTokenByHash(ctx.db, sha256(token));
  const now = ctx.clock.now();
  // A year at most, whatever expiry it was made with (tokens made before every token expired too).
  const tooOld = row && now.getTime() - row.created_at.getTime() >= MAX_TOKEN_LIFETIME_DAYS * DAY;
  if (
    !row ||
    row.revoked_at ||
    (row.expires_at && row.expires_at <= now) ||
    tooOld ||
    row.status !== "active"
  ) {
    throw new InvalidApiTokenError();
  }
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= MINUTE) {
    await repo.touchApiToken(ctx.db, row.id, now);
  }
  return {
    userId: row.user_id,
    displayName: row.display_name,
    grants: await loadGrants(ctx.db, row.user_id),
    via: "token",
    tokenScopes: row.scopes,
    twoFactor: false,
  };
}
