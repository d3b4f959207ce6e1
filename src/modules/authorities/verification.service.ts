/**
 * Public bodies — authorities, regulators and ombudsmen — are verified by a platform administrator
 * before anyone can act for them: nobody can register "Kent County Council" and commission as it.
 * A signed-in person asks for a body to be added; it stays unverified (invisible to commissioning,
 * no staff roles) until a platform administrator verifies it, when the person who asked becomes its
 * first administrator, or rejects it with a reason. Both are audited and the person is notified.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import {
  actorOf,
  grantRole,
  PLATFORM_SCOPE,
  requireRole,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Principal, Role, ScopeType } from "../access/access.table.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { type CreateAuthorityInput, createAuthority, findAuthorityBySlug } from "./authorities.service.ts";
import type { Authority, AuthorityKind } from "./authorities.table.ts";
import * as repo from "./verification.repository.ts";

/** The scope a body's people act in, and the role its first administrator gets. */
export function scopeOfBody(kind: AuthorityKind): {
  scopeType: Exclude<ScopeType, "platform" | "organisation">;
  adminRole: Role;
} {
  if (kind === "regulator") return { scopeType: "regulator", adminRole: "regulator-staff" };
  if (kind === "ombudsman") return { scopeType: "ombudsman", adminRole: "ombudsman-staff" };
  return { scopeType: "authority", adminRole: "authority-admin" };
}

/** Throws unless the body exists, is of the expected scope type and has been verified. */
export async function assertBodyVerified(db: Db, id: string, scopeType: ScopeType): Promise<Authority> {
  const body = await repo.findAuthority(db, id);
  if (!body || scopeOfBody(body.kind).scopeType !== scopeType) throw new NotFoundError(scopeType);
  if (!body.verified_at) {
    throw new ForbiddenError(
      `${body.name} has not been verified yet. Nobody can act for it until a platform administrator has checked it.`,
    );
  }
  return body;
}

export async function requestPublicBody(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  input: Omit<CreateAuthorityInput, "verified" | "id">,
): Promise<Authority> {
  const p = requireSignedIn(principal);
  return createAuthority(trx, clock, actorOf(p), { ...input, verified: false });
}

export async function pendingPublicBodies(db: Db, principal: Principal | null): Promise<Authority[]> {
  requireRole(principal, "platform-admin", PLATFORM_SCOPE, "verify public bodies");
  return repo.pendingAuthorities(db);
}

async function decidable(trx: Trx, id: string): Promise<Authority> {
  const body = await repo.lockAuthority(trx, id);
  if (!body) throw new NotFoundError("public body");
  if (body.verified_at)
    throw new ConflictError(`${body.name} has already been verified.`, "already_verified");
  if (body.rejected_at)
    throw new ConflictError(`${body.name} has already been rejected.`, "already_rejected");
  return body;
}

export async function verifyPublicBody(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  id: string,
): Promise<Authority> {
  const p = requireRole(principal, "platform-admin", PLATFORM_SCOPE, "verify public bodies");
  const body = await decidable(trx, id);
  const now = clock.now();
  await repo.setVerified(trx, id, p.userId, now);
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

export async function rejectPublicBody(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  id: string,
  reason: string,
): Promise<Authority> {
  const p = requireRole(principal, "platform-admin", PLATFORM_SCOPE, "verify public bodies");
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
  await repo.setRejected(trx, id, why, now);
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
      },
      { email: true, actor: actorOf(p) },
    );
  }
  return { ...body, rejected_at: now, rejection_reason: why };
}

export const findPublicBody = repo.findAuthority;

/** The authority (not a regulator or ombudsman) with this slug, or a 404. Verified or not: pages say which. */
export async function authorityBySlug(db: Db, slug: string): Promise<Authority> {
  const authority = await findAuthorityBySlug(db, slug);
  if (!authority || scopeOfBody(authority.kind).scopeType !== "authority")
    throw new NotFoundError("public body");
  return authority;
}

/** The authority (not a regulator or ombudsman) with this id, or a 404 (also for a malformed id). */
export async function authorityById(db: Db, id: string): Promise<Authority> {
  const authority = isUuid(id) ? await repo.findAuthority(db, id) : undefined;
  if (!authority || scopeOfBody(authority.kind).scopeType !== "authority")
    throw new NotFoundError("public body");
  return authority;
}
