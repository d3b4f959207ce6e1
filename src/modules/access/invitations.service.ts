/**
 * Invitations: an organisation's administrators invite people to act for it (admin or member);
 * a verified public body's administrators invite its staff (commissioner, evaluator, bid opener,
 * authority admin; regulator or ombudsman staff). The invitee follows the emailed link, signs in
 * (or signs up) with the invited address, and accepts: the role is then granted, audited.
 *
 * The link's token is derived from the invitation's id with the server's key (HMAC), and only its
 * SHA-256 is stored: the email job's payload holds the id alone and derives the link when it
 * sends, so neither the database nor the queue ever holds a usable link. Invitations expire after
 * 14 days.
 */
import { createHash } from "node:crypto";
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified } from "../authorities/authorities.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer } from "../notifications/mailer.ts";
import { absoluteLink } from "../notifications/notifications.service.ts";
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

export const INVITATION_EMAIL_QUEUE = "access.invitation-email";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The token in an invitation's link: derived from its id with the server's key, never stored. */
export function invitationToken(secrets: AccountSecrets, invitationId: string): string {
  return secrets.hmac("invitation-link", invitationId);
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

/** Creates an invitation and queues its email, in the caller's transaction. */
export async function invite(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  input: InviteInput,
  secrets: AccountSecrets,
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
  const id = newId();
  const token = invitationToken(secrets, id);
  const now = clock.now();
  const invitation = await repo.insertInvitation(trx, {
    id,
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
  await enqueue(trx, clock, {
    queue: INVITATION_EMAIL_QUEUE,
    payload: { invitationId: invitation.id },
    dedupeKey: `${INVITATION_EMAIL_QUEUE}:${invitation.id}`,
    authorityId: chainOf(input),
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
  if (!isUuid(member.userId) || !rules.roles.includes(member.role)) throw new NotFoundError("member");
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

export interface InvitationEmailDeps {
  /** Undefined without SMTP: the email is not sent (demo mode shows the link on the page). */
  mailer: Mailer | undefined;
  baseUrl: string;
  secrets: AccountSecrets;
}

/** Sends an invitation's email, deriving its link; skips one accepted, withdrawn or expired. */
export function invitationEmailHandler(deps: InvitationEmailDeps): JobHandler {
  return async (payload, ctx) => {
    const id = (payload as { invitationId?: unknown } | null)?.invitationId;
    if (!isUuid(id)) throw new PermanentJobError("The invitation email job needs an invitationId.");
    const invitation = await repo.findById(ctx.db, id);
    if (
      !invitation ||
      invitation.accepted_at ||
      invitation.revoked_at ||
      invitation.expires_at <= ctx.clock.now()
    )
      return;
    if (!deps.mailer) {
      ctx.logger.warn({ jobId: ctx.job.id }, "Email is not configured; the invitation was not emailed");
      return;
    }
    const name =
      (await repo.scopeName(ctx.db, invitation.scope_type, invitation.scope_id)) ?? "an organisation";
    const link = absoluteLink(deps.baseUrl, `/invitations/${invitationToken(deps.secrets, invitation.id)}`);
    await deps.mailer.send({
      to: invitation.email,
      subject: `You are invited to act for ${name} on OpenPS`,
      text:
        `You have been invited to act for ${name} on OpenPS.\n\n` +
        `To accept, open this link and sign in, or create an account, with this email address:\n\n${link}\n\n` +
        `The invitation lasts until ${invitation.expires_at.toISOString().slice(0, 10)}. If you were not expecting it, you can ignore this email.\n`,
    });
  };
}

export function accessJobHandlers(deps: InvitationEmailDeps): Record<string, JobHandler> {
  return { [INVITATION_EMAIL_QUEUE]: invitationEmailHandler(deps) };
}

export interface InvitationForYou {
  role: Role;
  name: string;
  /** The accept page. */
  href: string;
  expiresAt: Date;
}

/**
 * Invitations waiting for the signed-in person's address, with their links: someone who signed up
 * after being invited finds them on their account page without the email.
 */
export async function invitationsForYou(
  db: Db,
  clock: Clock,
  principal: Principal,
  secrets: AccountSecrets,
): Promise<InvitationForYou[]> {
  const user = await repo.userEmail(db, principal.userId);
  if (!user) return [];
  const invitations = await repo.openInvitationsForEmail(db, user.email, clock.now());
  return Promise.all(
    invitations.map(async (i) => ({
      role: i.role,
      name: (await repo.scopeName(db, i.scope_type, i.scope_id)) ?? "",
      href: `/invitations/${invitationToken(secrets, i.id)}`,
      expiresAt: i.expires_at,
    })),
  );
}
