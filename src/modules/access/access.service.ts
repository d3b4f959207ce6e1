/**
 * Who may do what. Routes pass the request's `Principal` (or null for the public) to services;
 * services decide with the functions here and throw `NotSignedInError` (401) or `ForbiddenError`
 * (403). Records of another tenant that the caller may not see are reported as not found (404) by
 * the owning service. Every grant and removal is audited in the same transaction.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { type Actor, PLATFORM_CHAIN, personalRef, recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified, findPublicBody } from "../authorities/authorities.service.ts";
import * as repo from "./access.repository.ts";
import {
  type Grant,
  NOT_FOR_PLATFORM_ADMINS,
  type Principal,
  ROLE_SCOPE,
  ROLES,
  type Role,
  type ScopeType,
  TWO_FACTOR_ROLES,
} from "./access.table.ts";
import type { Ctx } from "./context.ts";

/** The scope id of platform-wide roles. */
export const PLATFORM_SCOPE = PLATFORM_CHAIN;

export async function loadGrants(db: Db, userId: string): Promise<Grant[]> {
  const rows = await repo.grantsForUser(db, userId);
  return rows.map((r) => ({ role: r.role, scopeType: r.scope_type, scopeId: r.scope_id }));
}

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { type: "public", id: null };
  return { type: principal.via === "token" ? "token" : "user", id: principal.userId };
}

/** True when the principal holds one of `roles` for `scopeId` (platform roles: any scope id). */
export function hasRole(
  principal: Principal | null,
  roles: Role | readonly Role[],
  scopeId?: string,
): boolean {
  if (!principal) return false;
  const wanted = typeof roles === "string" ? [roles] : roles;
  return principal.grants.some(
    (g) =>
      wanted.includes(g.role) &&
      (g.scopeType === "platform" || scopeId === undefined || g.scopeId === scopeId),
  );
}

export function isPlatformAdmin(principal: Principal | null): boolean {
  return hasRole(principal, "platform-admin");
}

/** Throws `NotSignedInError` for the public. */
export function requireSignedIn(principal: Principal | null): Principal {
  if (!principal) throw new NotSignedInError();
  return principal;
}

/**
 * Throws unless the principal holds one of `roles` for `scopeId`; platform administrators pass.
 * `what` completes "You do not have permission to …".
 */
export function requireRole(
  principal: Principal | null,
  roles: Role | readonly Role[],
  scopeId: string,
  what: string,
): Principal {
  const p = requireSignedIn(principal);
  if (isPlatformAdmin(p) || hasRole(p, roles, scopeId)) return p;
  throw new ForbiddenError(
    `You do not have permission to ${what}. Ask an administrator to give you the role you need.`,
  );
}

/**
 * The organisations, public bodies, regulators or ombudsmen this person holds one of these roles
 * for, each once: their own grants only (a platform administrator's reach is not among them). What
 * a person's work is drawn from (`tasksFor` in the modules that give people work).
 */
export function scopesWith(principal: Principal | null, roles: readonly Role[]): string[] {
  if (!principal) return [];
  return [
    ...new Set(
      principal.grants
        .filter((g) => g.scopeType !== "platform" && roles.includes(g.role))
        .map((g) => g.scopeId),
    ),
  ];
}

/** Whether signing in needs a second factor for a person holding these grants. */
export function twoFactorRequired(grants: readonly Grant[]): boolean {
  return grants.some((g) => TWO_FACTOR_ROLES.has(g.role));
}

export interface GrantInput {
  userId: string;
  role: Role;
  /** The organisation, authority, regulator or ombudsman; omitted for platform roles. */
  scopeId?: string;
  /** The tenant chain to audit on (the authority for authority roles); the platform otherwise. */
  authorityId?: string | null;
}

function scopeOf(input: GrantInput): { scopeType: ScopeType; scopeId: string } {
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new ValidationError("Choose a role", [
      { field: "role", message: `Choose one of: ${ROLES.join(", ")}` },
    ]);
  }
  const scopeType = ROLE_SCOPE[input.role];
  if (scopeType === "platform") return { scopeType, scopeId: PLATFORM_SCOPE };
  if (!input.scopeId) {
    throw new ValidationError(`The role ${input.role} needs the ${scopeType} it acts for`, [
      { field: "scopeId", message: `Choose the ${scopeType}` },
    ]);
  }
  return { scopeType, scopeId: input.scopeId };
}

/**
 * Refuses a grant that would put a role no platform administrator may hold (bid opener) with the
 * platform administrator role in one person's hands, whichever comes second (security finding 5).
 */
async function checkSeparation(trx: Trx, input: GrantInput): Promise<void> {
  const adding = input.role;
  if (adding !== "platform-admin" && !NOT_FOR_PLATFORM_ADMINS.has(adding)) return;
  const held = (await repo.grantsForUser(trx, input.userId)).map((g) => g.role);
  const clash =
    adding === "platform-admin"
      ? held.find((role) => NOT_FOR_PLATFORM_ADMINS.has(role))
      : held.find((role) => role === "platform-admin");
  if (clash === undefined) return;
  throw new ConflictError(
    `A platform administrator cannot be a ${adding === "platform-admin" ? clash : adding}: opening sealed bids is the authority's alone. Give the role to someone else.`,
    "separation_of_duties",
  );
}

/** Grants a role (no change if already held), audited. Authorisation is the caller's. */
export async function grantRole(trx: Trx, clock: Clock, actor: Actor, input: GrantInput): Promise<boolean> {
  const { scopeType, scopeId } = scopeOf(input);
  await checkSeparation(trx, input);
  const created = await repo.insertGrant(trx, {
    id: newId(),
    user_id: input.userId,
    role: input.role,
    scope_type: scopeType,
    scope_id: scopeId,
    granted_by: actor.type === "user" ? (actor.id ?? null) : null,
    granted_at: clock.now(),
  });
  if (created) {
    await recordAudit(trx, clock, {
      authorityId: scopeType === "authority" ? scopeId : (input.authorityId ?? null),
      actor,
      action: "role.granted",
      entity: { type: scopeType, id: scopeId },
      changes: { role: input.role, holder: personalRef("users", input.userId) },
    });
  }
  return created;
}

/** Removes a role, audited. The last admin of an organisation or authority cannot be removed. */
export async function revokeRole(trx: Trx, clock: Clock, actor: Actor, input: GrantInput): Promise<void> {
  const { scopeType, scopeId } = scopeOf(input);
  if (input.role === "organisation-admin" || input.role === "authority-admin") {
    const admins = await repo.holdersOf(trx, input.role, scopeId);
    if (admins.length === 1 && admins[0]?.user_id === input.userId) {
      throw new ConflictError(
        `The last ${scopeType} administrator cannot be removed. Make someone else an administrator first.`,
        "last_admin",
      );
    }
  }
  const removed = await repo.deleteGrant(trx, input.userId, input.role, scopeId);
  if (removed) {
    await recordAudit(trx, clock, {
      authorityId: scopeType === "authority" ? scopeId : (input.authorityId ?? null),
      actor,
      action: "role.revoked",
      entity: { type: scopeType, id: scopeId },
      changes: { role: input.role, holder: personalRef("users", input.userId) },
    });
  }
}

export const grantsInScope = repo.grantsInScope;

export interface ActingFor {
  role: Role;
  scopeType: ScopeType;
  /** The organisation or public body's name; undefined for platform roles. */
  name?: string;
  /** Its page. */
  href?: string;
  /** Its people page, for those who administer it. */
  peopleHref?: string;
}

const ADMIN_ROLES: ReadonlySet<Role> = new Set([
  "organisation-admin",
  "authority-admin",
  "regulator-staff",
  "ombudsman-staff",
  "consumer-champion",
]);

/** What the person signed in acts for, with names and links, for their account page. */
export async function actingFor(ctx: Ctx): Promise<ActingFor[]> {
  const principal = requireSignedIn(ctx.principal);
  const names = await repo.scopeNames(
    ctx.db,
    principal.grants.filter((g) => g.scopeType !== "platform").map((g) => g.scopeId),
  );
  return principal.grants.map((g) => {
    if (g.scopeType === "platform") return { role: g.role, scopeType: g.scopeType };
    const base =
      g.scopeType === "organisation" ? `/organisations/${g.scopeId}` : `/public-bodies/${g.scopeId}`;
    return {
      role: g.role,
      scopeType: g.scopeType,
      name: names.get(g.scopeId) ?? g.scopeId,
      href: base,
      ...(ADMIN_ROLES.has(g.role) ? { peopleHref: `${base}/people` } : {}),
    };
  });
}

// Authority staff

/**
 * Who acts for an authority in its commissioning — its register of services, projects,
 * consultations, the Right to Challenge, tenders, evaluation, awards and contracts: its
 * commissioners and administrators (platform administrators pass too).
 */
export const AUTHORITY_EDITORS: readonly Role[] = ["commissioner", "authority-admin"];

/**
 * May this person act for this authority in its commissioning? Throws 401/403; 404 for an unknown
 * authority; 403 for an authority not yet verified.
 */
export async function requireAuthorityEditor(
  db: Db,
  principal: Principal | null,
  authorityId: string,
): Promise<Principal> {
  if (!isUuid(authorityId) || !(await findPublicBody(db, authorityId)))
    throw new NotFoundError("public body");
  const p = requireRole(
    principal,
    AUTHORITY_EDITORS,
    authorityId,
    "change this authority's service register",
  );
  await assertBodyVerified(db, authorityId, "authority");
  return p;
}

/** Whether this person acts for this authority in its commissioning (for what a page offers). */
export function isAuthorityEditor(principal: Principal | null, authorityId: string): boolean {
  return hasRole(principal, [...AUTHORITY_EDITORS, "platform-admin"], authorityId);
}

/** What other modules may use of this module's tables. */
export type { Grant, Principal, Role } from "./access.table.ts";

/** The authority's commissioners and administrators, each once: whom to tell of its commissioning. */
export const commissioningPeople = repo.commissioningPeople;
export const authorityRoleHolders = repo.authorityRoleHolders;
/** The organisation's administrators and members, each once: whom to tell of what happens to it. */
export const organisationPeople = repo.organisationPeople;
