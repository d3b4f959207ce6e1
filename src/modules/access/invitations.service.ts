/**
 * Invitations: an organisation's administrators invite people to act for it (admin or member);
 * a verified public body's administrators invite its staff (commissioner, evaluator, bid opener,
 * authority admin; regulator or ombudsman staff). The invitee follows the emailed link, signs in
 * (or signs up) with the invited address, and accepts: the role is then granted, audited.
 * Only a SHA-256 of the token is stored; invitations expire after 14 days.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified } from "../authorities/verification.service.ts";
import { actorOf, grantRole, requireRole, requireSignedIn, revokeRole } from "./access.service.ts";
import { type Invitation, type Principal, ROLE_SCOPE, type Role, type ScopeType } from "./access.table.ts";
import * as repo from "./invitations.repository.ts";

export const INVITATION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Which roles an administrator of each kind of scope may give, and which admin role gives them. */
export const INVITABLE: Readonly<
  Record<Exclude<ScopeType, "platform">, { admin: Role; roles: readonly Role[] }>
> = {
  organisation: { admin: "organisation-admin", roles: ["organisation-admin", "organisation-member"] },
  authority: {
    admin: "authority-admin",
    roles: ["authority-admin", "commissioner", "evaluator", "bid-opener"],
  },
  regulator: { admin: "regulator-staff", roles: ["regulator-staff"] },
  ombudsman: { admin: "ombudsman-staff", roles: ["ombudsman-staff"] },
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface InviteInput {
  scopeType: Exclude<ScopeType, "platform">;
  scopeId: string;
  email: string;
  role: Role;
  /** The tenant chain to audit on: the authority itself for public bodies, else the platform. */
  authorityId?: string | null;
}

export interface CreatedInvitation {
  invitation: Invitation;
  /** Send this in the link; it is not stored. */
  token: string;
}

function chainOf(input: { scopeType: ScopeType; scopeId: string }): string | null {
  return input.scopeType === "organisation" ? null : input.scopeId;
}

export async function invite(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  input: InviteInput,
): Promise<CreatedInvitation> {
  const rules = INVITABLE[input.scopeType];
  const p = requireRole(
    principal,
    rules.admin,
    input.scopeId,
    `invite people to act for this ${input.scopeType}`,
  );
  const email = input.email.trim();
  const problems = [];
  if (!EMAIL.test(email) || email.length > 254)
    problems.push({
      field: "email",
      message: "Enter an email address in the correct format, like name@example.org",
    });
  if (!rules.roles.includes(input.role) || ROLE_SCOPE[input.role] !== input.scopeType) {
    problems.push({ field: "role", message: `Choose a role: ${rules.roles.join(", ")}` });
  }
  if (problems.length > 0) throw new ValidationError("Check the invitation", problems);
  if (input.scopeType !== "organisation") await assertBodyVerified(trx, input.scopeId, input.scopeType);
  const token = randomBytes(32).toString("base64url");
  const now = clock.now();
  const invitation = await repo.insertInvitation(trx, {
    id: newId(),
    scope_type: input.scopeType,
    scope_id: input.scopeId,
    role: input.role,
    email,
    token_hash: hashToken(token),
    invited_by: p.userId,
    created_at: now,
    expires_at: new Date(now.getTime() + INVITATION_DAYS * DAY_MS),
    accepted_at: null,
    accepted_by: null,
    revoked_at: null,
  });
  await recordAudit(trx, clock, {
    authorityId: chainOf(input),
    actor: actorOf(p),
    action: "invitation.sent",
    entity: { type: input.scopeType, id: input.scopeId },
    changes: { invitation: invitation.id, role: input.role },
  });
  return { invitation, token };
}

/** Looks up an invitation by its token for the accept page; expired or used ones are refused. */
export async function openInvitation(trx: Trx, clock: Clock, token: string): Promise<Invitation> {
  const invitation = await repo.findByTokenHash(trx, hashToken(token));
  if (!invitation) throw new NotFoundError("invitation");
  if (invitation.accepted_at)
    throw new ConflictError("This invitation has already been accepted.", "invitation_used");
  if (invitation.revoked_at)
    throw new ConflictError("This invitation was withdrawn. Ask for a new one.", "invitation_revoked");
  if (invitation.expires_at <= clock.now()) {
    throw new ConflictError(
      `This invitation has expired: invitations last ${INVITATION_DAYS} days. Ask for a new one.`,
      "invitation_expired",
    );
  }
  return invitation;
}

/** Accepts an invitation: the signed-in person's verified address must be the one invited. */
export async function acceptInvitation(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  token: string,
): Promise<Invitation> {
  const p = requireSignedIn(principal);
  const invitation = await openInvitation(trx, clock, token);
  const user = await repo.userEmail(trx, p.userId);
  if (!user || user.email.toLowerCase() !== invitation.email.toLowerCase()) {
    throw new ForbiddenError(
      "This invitation was sent to another email address. Sign in with the address it was sent to.",
    );
  }
  await repo.markAccepted(trx, invitation.id, p.userId, clock.now());
  await grantRole(trx, clock, actorOf(p), {
    userId: p.userId,
    role: invitation.role,
    scopeId: invitation.scope_id,
    authorityId: chainOf({ scopeType: invitation.scope_type, scopeId: invitation.scope_id }),
  });
  await recordAudit(trx, clock, {
    authorityId: chainOf({ scopeType: invitation.scope_type, scopeId: invitation.scope_id }),
    actor: actorOf(p),
    action: "invitation.accepted",
    entity: { type: invitation.scope_type, id: invitation.scope_id },
    changes: { invitation: invitation.id, role: invitation.role },
  });
  return invitation;
}

export async function withdrawInvitation(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  scope: { scopeType: Exclude<ScopeType, "platform">; scopeId: string },
  invitationId: string,
): Promise<void> {
  const p = requireRole(principal, INVITABLE[scope.scopeType].admin, scope.scopeId, "withdraw invitations");
  const invitation = await repo.findInScope(trx, scope.scopeId, invitationId);
  if (!invitation) throw new NotFoundError("invitation");
  if (invitation.accepted_at)
    throw new ConflictError(
      "This invitation has already been accepted; remove the person instead.",
      "invitation_used",
    );
  if (invitation.revoked_at) return;
  await repo.markRevoked(trx, invitation.id, clock.now());
  await recordAudit(trx, clock, {
    authorityId: chainOf(scope),
    actor: actorOf(p),
    action: "invitation.withdrawn",
    entity: { type: scope.scopeType, id: scope.scopeId },
    changes: { invitation: invitation.id },
  });
}

/** Removes a person's role in a scope (an administrator's action; not the last administrator). */
export async function removeMember(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  scope: { scopeType: Exclude<ScopeType, "platform">; scopeId: string },
  member: { userId: string; role: Role },
): Promise<void> {
  const rules = INVITABLE[scope.scopeType];
  const p = requireRole(principal, rules.admin, scope.scopeId, `remove people from this ${scope.scopeType}`);
  if (!rules.roles.includes(member.role)) throw new NotFoundError("member");
  await revokeRole(trx, clock, actorOf(p), {
    userId: member.userId,
    role: member.role,
    scopeId: scope.scopeId,
    authorityId: chainOf(scope),
  });
}

/** The people and open invitations of a scope, for its administrators only. */
export async function membership(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  scope: { scopeType: Exclude<ScopeType, "platform">; scopeId: string },
): Promise<{ members: repo.Member[]; invitations: Invitation[] }> {
  requireRole(
    principal,
    INVITABLE[scope.scopeType].admin,
    scope.scopeId,
    `see who acts for this ${scope.scopeType}`,
  );
  const [members, invitations] = await Promise.all([
    repo.membersOf(db, scope.scopeId),
    repo.openInvitations(db, scope.scopeId, clock.now()),
  ]);
  return { members, invitations };
}

export const scopeName = repo.scopeName;
