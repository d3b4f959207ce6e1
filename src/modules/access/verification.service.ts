/**
 * Public bodies — authorities, regulators and ombudsmen — are verified by a platform administrator
 * before anyone can act for them: nobody can register "Kent County Council" and commission as it.
 * A signed-in person asks for a body to be added; it stays unverified (invisible to commissioning,
 * no staff roles) until a platform administrator verifies it, when the person who asked becomes its
 * first administrator, or rejects it with a reason. Both are audited and the person is notified.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import {
  type CreateAuthorityInput,
  createAuthority,
  findPublicBody,
  lockAuthority,
  pendingAuthorities,
  scopeOfBody,
  setRejected,
  setVerified,
} from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import {
  actorOf,
  grantRole,
  isPlatformAdmin,
  PLATFORM_SCOPE,
  requireRole,
  requireSignedIn,
} from "./access.service.ts";
import type { Principal } from "./access.table.ts";
import type { Ctx } from "./context.ts";

/** Asks for a public body to be added: anyone signed in. It stays unverified until decided. */
export async function requestPublicBody(
  ctx: Ctx,
  input: Omit<CreateAuthorityInput, "verified" | "id">,
): Promise<Authority> {
  const p = requireSignedIn(ctx.principal);
  return transaction(ctx.db, (trx) =>
    createAuthority(trx, ctx.clock, actorOf(p), { ...input, verified: false }),
  );
}

/** A public body's page: a verified one for everyone; an unverified one only for the person who asked and platform administrators. */
export async function publicBody(ctx: Ctx, id: string): Promise<Authority> {
  const body = isUuid(id) ? await findPublicBody(ctx.db, id) : undefined;
  const maySee =
    body &&
    (body.verified_at !== null ||
      isPlatformAdmin(ctx.principal) ||
      body.registered_by === ctx.principal?.userId);
  if (!body || !maySee) throw new NotFoundError("public body");
  return body;
}

/** The bodies waiting to be verified: platform administrators only. */
export async function pendingPublicBodies(ctx: Ctx): Promise<Authority[]> {
  requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "verify public bodies");
  return pendingAuthorities(ctx.db);
}

async function decidable(trx: Trx, id: string): Promise<Authority> {
  const body = isUuid(id) ? await lockAuthority(trx, id) : undefined;
  if (!body) throw new NotFoundError("public body");
  if (body.verified_at)
    throw new ConflictError(`${body.name} has already been verified.`, "already_verified");
  if (body.rejected_at)
    throw new ConflictError(`${body.name} has already been rejected.`, "already_rejected");
  return body;
}

/**
 * Verifies a public body: platform administrators only. The person who asked becomes its first
 * administrator, and is notified.
 */
export async function verifyPublicBody(ctx: Ctx, id: string): Promise<Authority> {
  const p = requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "verify public bodies");
  return transaction(ctx.db, (trx) => verifyIn(trx, ctx, p, id));
}

async function verifyIn(trx: Trx, ctx: Ctx, p: Principal, id: string): Promise<Authority> {
  const { clock } = ctx;
  const body = await decidable(trx, id);
  const now = clock.now();
  await setVerified(trx, id, p.userId, now);
  const actor = actorOf(p);
  for (const authorityId of [null, id]) {
    await recordAudit(trx, clock, {
      authorityId,
      actor,
      action: "authority.verified",
      entity: { type: "authority", id },
    });
  }
  if (body.registered_by) {
    const { adminRole } = scopeOfBody(body.kind);
    await grantRole(trx, clock, actor, { userId: body.registered_by, role: adminRole, scopeId: id });
    await notify(
      trx,
      clock,
      {
        userId: body.registered_by,
        authorityId: id,
        kind: "authority.verified",
        subject: `${body.name} has been verified`,
        body: `${body.name} has been verified on OpenPS, and you are its administrator. You can now invite its staff and give them their roles.`,
        link: `/public-bodies/${id}/people`,
      },
      { email: true, actor },
    );
  }
  return { ...body, verified_at: now, verified_by: p.userId };
}

/** Rejects a public body with a reason the person who asked is told: platform administrators only. */
export async function rejectPublicBody(ctx: Ctx, id: string, reason: string): Promise<Authority> {
  const p = requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "verify public bodies");
  return transaction(ctx.db, (trx) => rejectIn(trx, ctx, p, id, reason));
}

async function rejectIn(trx: Trx, ctx: Ctx, p: Principal, id: string, reason: string): Promise<Authority> {
  const { clock } = ctx;
  const why = reason.trim();
  if (why.length < 10 || why.length > 2000) {
    throw new ValidationError("Give the reason for rejecting it", [
      {
        field: "reason",
        message: "Explain in 10 to 2,000 characters why this public body cannot be verified",
      },
    ]);
  }
  const body = await decidable(trx, id);
  const now = clock.now();
  await setRejected(trx, id, why, now);
  await recordAudit(trx, clock, {
    authorityId: null,
    actor: actorOf(p),
    action: "authority.rejected",
    entity: { type: "authority", id },
    changes: { reason: why },
  });
  if (body.registered_by) {
    await notify(
      trx,
      clock,
      {
        userId: body.registered_by,
        kind: "authority.rejected",
        subject: `${body.name} could not be verified`,
        body: `${body.name} could not be verified on OpenPS. The reason given was: ${why}`,
        link: `/public-bodies/${id}`,
      },
      { email: true, actor: actorOf(p) },
    );
  }
  return { ...body, rejected_at: now, rejection_reason: why };
}
