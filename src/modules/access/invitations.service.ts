/**
 * Invitations: an organisation's administrators invite people to act for it (admin or member);
 * a verified public body's administrators invite its staff (commissioner, evaluator, bid opener,
 * authority admin; regulator or ombudsman staff). The invitee follows the emailed link, signs in
 * (or signs up) with the invited address, and accepts: the role is then granted, audited.
 *
 * Bid openers take two administrators (security finding 5): an invitation to open bids waits until
 * another administrator of the authority approves it, and only then is it emailed; neither may be
 * the person invited, nor accept it; no platform administrator may invite, approve or hold it; and
 * the authority's bid openers hear of each new one.
 *
 * The link's token is derived from the invitation's id with the server's key (HMAC), and only its
 * SHA-256 is stored: the email job's payload holds the id alone and derives the link when it
 * sends, so neither the database nor the queue ever holds a usable link. Invitations expire after
 * 14 days.
 */
import { createHash } from "node:crypto";
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified, findPublicBody, scopeOfBody } from "../authorities/authorities.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer } from "../notifications/mailer.ts";
import { absoluteLink, type NotifyInput, notify } from "../notifications/notifications.service.ts";
import { holdersOf } from "./access.repository.ts";
import {
  actorOf,
  grantRole,
  isPlatformAdmin,
  requireRole,
  requireSignedIn,
  revokeRole,
} from "./access.service.ts";
import {
  APPROVED_ROLES,
  type Invitation,
  type Principal,
  ROLE_SCOPE,
  type Role,
  type ScopeType,
} from "./access.table.ts";
import type { Ctx } from "./context.ts";
import * as repo from "./invitations.repository.ts";

export const INVITATION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What invitation services take first: the service context and the server's secrets (for the links). */
export interface InvitationsCtx extends NoticeCtx {
  secrets: AccountSecrets;
}

/** Which roles an administrator of each kind of scope may give, and which admin role gives them. */
export const INVITABLE: Readonly<
  Record<Exclude<ScopeType, "platform">, { admin: Role; roles: readonly Role[] }>
> = {
  organisation: { admin: "organisation-admin", roles: ["organisation-admin", "organisation-member"] },
  authority: {
    admin: "authority-admin",
    roles: ["authority-admin", "commissioner", "evaluator", "bid-opener", "care-staff", "complaints-officer"],
  },
  regulator: { admin: "regulator-staff", roles: ["regulator-staff"] },
  ombudsman: { admin: "ombudsman-staff", roles: ["ombudsman-staff"] },
  champion: { admin: "consumer-champion", roles: ["consumer-champion"] },
};

export const INVITATION_EMAIL_QUEUE = "access.invitation-email";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The token in an invitation's link: derived from its id with the server's key, never stored. */
export function invitationToken(secrets: AccountSecrets, invitationId: string): string {
  return secrets.hmac("invitation-link", invitationId);
}

/** An organisation or public body people act for. */
export interface Scope {
  scopeType: Exclude<ScopeType, "platform">;
  scopeId: string;
}

/** An organisation or public body as its pages name it: `/organisations/:id` or `/public-bodies/:id`. */
export interface Place {
  kind: "organisations" | "public-bodies";
  id: string;
}

/** A scope with its name and its pages' address. */
export interface NamedScope extends Scope {
  name: string;
  base: string;
}

/** The organisation or public body of a page's address, or 404. */
export async function scopeAt(db: Db, place: Place): Promise<NamedScope> {
  const { kind, id } = place;
  if (!isUuid(id)) throw new NotFoundError(kind === "organisations" ? "organisation" : "public body");
  if (kind === "organisations") {
    const name = await repo.scopeName(db, "organisation", id);
    if (!name) throw new NotFoundError("organisation");
    return { scopeType: "organisation", scopeId: id, name, base: `/organisations/${id}` };
  }
  const body = await findPublicBody(db, id);
  if (!body) throw new NotFoundError("public body");
  return {
    scopeType: scopeOfBody(body.kind).scopeType,
    scopeId: id,
    name: body.name,
    base: `/public-bodies/${id}`,
  };
}

/** A scope given directly, or the one of a page's address. */
async function scopeOf(db: Db, target: Scope | Place): Promise<Scope> {
  return "kind" in target ? scopeAt(db, target) : target;
}

export interface InviteInput extends Scope {
  email: string;
  role: Role;
}

export interface CreatedInvitation {
  invitation: Invitation;
  /** Send this in the link; it is not stored. */
  token: string;
  /** Not sent until another administrator approves it (APPROVED_ROLES): nobody has the link yet. */
  awaitingApproval: boolean;
}

function chainOf(input: { scopeType: ScopeType; scopeId: string }): string | null {
  return input.scopeType === "organisation" ? null : input.scopeId;
}

function checkInvitation(input: InviteInput): string {
  const rules = INVITABLE[input.scopeType];
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
  return email;
}

/** Whether the principal holds the role for the scope itself (no platform administrator in its stead). */
function holdsOwnRole(principal: Principal | null, role: Role, scopeId: string): boolean {
  return principal?.grants.some((g) => g.role === role && g.scopeId === scopeId) ?? false;
}

/**
 * Whether the person may know of the scope's invitations and people at all: they act for it, in any
 * role (or are a platform administrator). To anyone else these are another tenant's, not public: not
 * found (404), before any question of whether they may act on them (403; security finding 14).
 */
function actsFor(principal: Principal, scopeId: string): boolean {
  return isPlatformAdmin(principal) || principal.grants.some((g) => g.scopeId === scopeId);
}

/** An invitation of the scope, as the person may know of it (`actsFor`), or 404. */
async function invitationIn(
  trx: Trx,
  principal: Principal,
  scope: Scope,
  invitationId: string,
): Promise<Invitation> {
  const invitation =
    isUuid(invitationId) && actsFor(principal, scope.scopeId)
      ? await repo.findInScope(trx, scope.scopeId, invitationId)
      : undefined;
  if (!invitation) throw new NotFoundError("invitation");
  return invitation;
}

/** Throws unless the principal holds the role for the scope itself: for the two-person rules. */
function requireOwnRole(principal: Principal | null, role: Role, scopeId: string, what: string): Principal {
  const p = requireSignedIn(principal);
  if (holdsOwnRole(p, role, scopeId)) return p;
  throw new ForbiddenError(
    `You do not have permission to ${what}: only the authority's own administrators may. Ask one of them.`,
  );
}

/** Refuses an invitation to the address of the person acting: a role needing approval is never one's own. */
async function refuseOwnAddress(trx: Trx, userId: string, email: string, what: string): Promise<void> {
  const own = await repo.userEmail(trx, userId);
  if (own && own.email.toLowerCase() === email.toLowerCase()) {
    throw new ForbiddenError(
      `You cannot ${what} your own address: bid openers are made by two other people.`,
    );
  }
}

/**
 * Creates an invitation and queues its email: the scope's administrators only. One to a role in
 * APPROVED_ROLES is not sent: it waits for another administrator (`approveInvitation`), whom it notifies.
 */
export async function invite(ctx: InvitationsCtx, input: InviteInput): Promise<CreatedInvitation> {
  const admin = INVITABLE[input.scopeType].admin;
  const awaitingApproval = APPROVED_ROLES.has(input.role);
  const what = `invite people to act for this ${input.scopeType}`;
  const p = awaitingApproval
    ? requireOwnRole(ctx.principal, admin, input.scopeId, "invite bid openers")
    : requireRole(ctx.principal, admin, input.scopeId, what);
  const email = checkInvitation(input);
  return transaction(ctx.db, async (trx) => {
    if (input.scopeType !== "organisation") await assertBodyVerified(trx, input.scopeId, input.scopeType);
    if (awaitingApproval) await refuseOwnAddress(trx, p.userId, email, "invite");
    const id = newId();
    const token = invitationToken(ctx.secrets, id);
    const now = ctx.clock.now();
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
      approved_by: null,
      approved_at: null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(input),
      actor: actorOf(p),
      action: "invitation.sent",
      entity: { type: input.scopeType, id: input.scopeId },
      changes: {
        invitation: invitation.id,
        role: input.role,
        ...(awaitingApproval ? { awaitingApproval } : {}),
      },
    });
    if (awaitingApproval) await askForApproval(trx, ctx, invitation, p);
    else await queueEmail(trx, ctx, invitation);
    return { invitation, token, awaitingApproval };
  });
}

async function queueEmail(trx: Trx, ctx: Ctx, invitation: Invitation): Promise<void> {
  await enqueue(trx, ctx.clock, {
    queue: INVITATION_EMAIL_QUEUE,
    payload: { invitationId: invitation.id },
    dedupeKey: `${INVITATION_EMAIL_QUEUE}:${invitation.id}`,
    authorityId: chainOf({ scopeType: invitation.scope_type, scopeId: invitation.scope_id }),
  });
}

/** A service context that may also email its notices (a mailer is configured). */
type NoticeCtx = Ctx & { email?: boolean };

/** Who holds a role for a scope. */
async function holdersOfRole(trx: Trx, role: Role, scopeId: string): Promise<string[]> {
  return (await holdersOf(trx, role, scopeId)).map((grant) => grant.user_id);
}

/** Notifies each of `userIds` but `except` (who acts), in the transaction. */
async function notifyEach(
  trx: Trx,
  ctx: NoticeCtx,
  userIds: readonly string[],
  except: Principal,
  notice: Omit<NotifyInput, "userId">,
): Promise<void> {
  for (const userId of userIds) {
    if (userId === except.userId) continue;
    await notify(
      trx,
      ctx.clock,
      { ...notice, userId },
      { email: ctx.email ?? false, actor: actorOf(except) },
    );
  }
}

/** Tells the scope's other administrators that an invitation waits for one of them to approve it. */
async function askForApproval(
  trx: Trx,
  ctx: InvitationsCtx,
  invitation: Invitation,
  by: Principal,
): Promise<void> {
  const admin = INVITABLE[invitation.scope_type as Scope["scopeType"]].admin;
  const name = (await repo.scopeName(trx, invitation.scope_type, invitation.scope_id)) ?? "";
  await notifyEach(trx, ctx, await holdersOfRole(trx, admin, invitation.scope_id), by, {
    authorityId: invitation.scope_id,
    kind: "invitation.approval-needed",
    subject: `Approve or withdraw an invitation to open bids for ${name}`.slice(0, 200),
    body: `${by.displayName} has invited someone to open sealed bids for ${name}. Opening needs two people, so a bid opener is made by two administrators: the invitation is sent only once another administrator approves it. Check that the person invited should open bids, then approve it or withdraw it.`,
    link: `/public-bodies/${invitation.scope_id}/people`,
  });
}

/**
 * Approves an invitation waiting for a second administrator, and sends it: an administrator of the
 * scope who did not send it and is not the person invited; never a platform administrator in its stead.
 * 404 for an invitation unknown (or the caller's to know nothing of), then 403 for anyone who may not
 * approve it, then 409 for one approved or closed already.
 */
export async function approveInvitation(
  ctx: InvitationsCtx,
  target: Scope | Place,
  invitationId: string,
): Promise<CreatedInvitation> {
  return transaction(ctx.db, async (trx) => {
    const viewer = requireSignedIn(ctx.principal);
    const scope = await scopeOf(trx, target);
    const admin = INVITABLE[scope.scopeType].admin;
    const invitation = await invitationIn(trx, viewer, scope, invitationId);
    if (!APPROVED_ROLES.has(invitation.role)) throw new NotFoundError("invitation");
    requireRole(viewer, admin, scope.scopeId, "approve invitations");
    const p = requireOwnRole(viewer, admin, scope.scopeId, "approve invitations to open bids");
    if (invitation.invited_by === p.userId) {
      throw new ForbiddenError(
        "You sent this invitation, so another administrator must approve it: opening bids takes two people.",
      );
    }
    await refuseOwnAddress(trx, p.userId, invitation.email, "approve an invitation to");
    if (invitation.approved_at)
      throw new ConflictError("This invitation has already been approved.", "invitation_approved");
    if (invitation.accepted_at || invitation.revoked_at || invitation.expires_at <= ctx.clock.now()) {
      throw new ConflictError("This invitation is no longer open: send a new one.", "invitation_closed");
    }
    const now = ctx.clock.now();
    await repo.markApproved(trx, invitation.id, p.userId, now);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(scope),
      actor: actorOf(p),
      action: "invitation.approved",
      entity: { type: scope.scopeType, id: scope.scopeId },
      changes: { invitation: invitation.id, role: invitation.role },
    });
    const approved = { ...invitation, approved_at: now, approved_by: p.userId };
    await queueEmail(trx, ctx, approved);
    return {
      invitation: approved,
      token: invitationToken(ctx.secrets, invitation.id),
      awaitingApproval: false,
    };
  });
}

/** The invitation of a link's token, whatever its state, or 404. */
async function byToken(trx: Trx, token: string): Promise<Invitation> {
  const invitation = await repo.findByTokenHash(trx, hashToken(token));
  if (!invitation) throw new NotFoundError("invitation");
  return invitation;
}

/** 409 unless the invitation can still be accepted: not used, withdrawn or expired, and approved if it needs to be. */
function requireOpen(ctx: Ctx, invitation: Invitation): void {
  if (invitation.accepted_at)
    throw new ConflictError("This invitation has already been accepted.", "invitation_used");
  if (invitation.revoked_at)
    throw new ConflictError("This invitation was withdrawn. Ask for a new one.", "invitation_revoked");
  if (invitation.expires_at <= ctx.clock.now()) {
    throw new ConflictError(
      `This invitation has expired: invitations last ${INVITATION_DAYS} days. Ask for a new one.`,
      "invitation_expired",
    );
  }
  if (APPROVED_ROLES.has(invitation.role) && !invitation.approved_at) {
    throw new ConflictError(
      "This invitation is waiting for a second administrator to approve it. You will be emailed when it is.",
      "invitation_awaiting_approval",
    );
  }
}

async function openIn(trx: Trx, ctx: Ctx, token: string): Promise<Invitation> {
  const invitation = await byToken(trx, token);
  requireOpen(ctx, invitation);
  return invitation;
}

/** An invitation by its token, with the name of what it is to act for; expired or used ones are refused. */
export async function openInvitation(
  ctx: Ctx,
  token: string,
): Promise<{ invitation: Invitation; name: string | undefined }> {
  return transaction(ctx.db, async (trx) => {
    const invitation = await openIn(trx, ctx, token);
    return { invitation, name: await repo.scopeName(trx, invitation.scope_type, invitation.scope_id) };
  });
}

/**
 * Accepts an invitation: the signed-in person's verified address must be the one invited. 404 for a
 * link that is not one; then 403 for anyone else (or one who sent or approved it); then 409 for an
 * invitation used, withdrawn, expired or waiting for approval.
 */
export async function acceptInvitation(ctx: NoticeCtx, token: string): Promise<Invitation> {
  const p = requireSignedIn(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    const invitation = await byToken(trx, token);
    const user = await repo.userEmail(trx, p.userId);
    if (!user || user.email.toLowerCase() !== invitation.email.toLowerCase()) {
      throw new ForbiddenError(
        "This invitation was sent to another email address. Sign in with the address it was sent to.",
      );
    }
    if (
      APPROVED_ROLES.has(invitation.role) &&
      [invitation.invited_by, invitation.approved_by].includes(p.userId)
    ) {
      throw new ForbiddenError(
        "You sent or approved this invitation, so you cannot accept it: bid openers are made by two other people.",
      );
    }
    requireOpen(ctx, invitation);
    const chain = chainOf({ scopeType: invitation.scope_type, scopeId: invitation.scope_id });
    const earlierHolders = await holdersOfRole(trx, invitation.role, invitation.scope_id);
    await repo.markAccepted(trx, invitation.id, p.userId, ctx.clock.now());
    await grantRole(trx, ctx.clock, actorOf(p), {
      userId: p.userId,
      role: invitation.role,
      scopeId: invitation.scope_id,
      authorityId: chain,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: chain,
      actor: actorOf(p),
      action: "invitation.accepted",
      entity: { type: invitation.scope_type, id: invitation.scope_id },
      changes: { invitation: invitation.id, role: invitation.role },
    });
    if (APPROVED_ROLES.has(invitation.role)) await tellHolders(trx, ctx, invitation, p, earlierHolders);
    return invitation;
  });
}

/** Tells those who already hold a role needing approval (the bid openers) that someone new holds it. */
async function tellHolders(
  trx: Trx,
  ctx: NoticeCtx,
  invitation: Invitation,
  newcomer: Principal,
  holders: readonly string[],
): Promise<void> {
  const name = (await repo.scopeName(trx, invitation.scope_type, invitation.scope_id)) ?? "";
  await notifyEach(trx, ctx, holders, newcomer, {
    authorityId: invitation.scope_id,
    kind: "role.bid-opener-added",
    subject: `${newcomer.displayName} can now open bids for ${name}`.slice(0, 200),
    body: `${newcomer.displayName} accepted an invitation to open sealed bids for ${name}, sent by one administrator and approved by another. Opening needs two of the authority's bid openers. If you did not expect this, tell the authority's administrators.`,
    // The body's page: its bid openers may not see its people page, which is for its administrators.
    link: `/public-bodies/${invitation.scope_id}`,
  });
}

/**
 * Withdraws an open invitation: the scope's administrators only (404 for an invitation unknown, or
 * the caller's to know nothing of; then 403; then 409 once accepted).
 */
export async function withdrawInvitation(
  ctx: Ctx,
  target: Scope | Place,
  invitationId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const viewer = requireSignedIn(ctx.principal);
    const scope = await scopeOf(trx, target);
    const invitation = await invitationIn(trx, viewer, scope, invitationId);
    const p = requireRole(viewer, INVITABLE[scope.scopeType].admin, scope.scopeId, "withdraw invitations");
    if (invitation.accepted_at)
      throw new ConflictError(
        "This invitation has already been accepted; remove the person instead.",
        "invitation_used",
      );
    if (invitation.revoked_at) return;
    await repo.markRevoked(trx, invitation.id, ctx.clock.now());
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(scope),
      actor: actorOf(p),
      action: "invitation.withdrawn",
      entity: { type: scope.scopeType, id: scope.scopeId },
      changes: { invitation: invitation.id },
    });
  });
}

/**
 * Removes a person's role in a scope (an administrator's action; not the last administrator): 404
 * for someone unknown (or a scope the caller is to know nothing of), then 403, then 409 for the last
 * administrator. Removing a role the person no longer holds changes nothing.
 */
export async function removeMember(
  ctx: Ctx,
  target: Scope | Place,
  member: { userId: string; role: Role },
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const viewer = requireSignedIn(ctx.principal);
    const scope = await scopeOf(trx, target);
    const rules = INVITABLE[scope.scopeType];
    if (
      !isUuid(member.userId) ||
      !rules.roles.includes(member.role) ||
      !actsFor(viewer, scope.scopeId) ||
      !(await repo.userEmail(trx, member.userId))
    )
      throw new NotFoundError("member");
    const p = requireRole(viewer, rules.admin, scope.scopeId, `remove people from this ${scope.scopeType}`);
    await revokeRole(trx, ctx.clock, actorOf(p), {
      userId: member.userId,
      role: member.role,
      scopeId: scope.scopeId,
      authorityId: chainOf(scope),
    });
  });
}

/** The people and open invitations of a scope, for its administrators only. */
export async function membership(
  ctx: Ctx,
  scope: Scope,
): Promise<{ members: repo.Member[]; invitations: Invitation[] }> {
  requireRole(
    ctx.principal,
    INVITABLE[scope.scopeType].admin,
    scope.scopeId,
    `see who acts for this ${scope.scopeType}`,
  );
  const [members, invitations] = await Promise.all([
    repo.membersOf(ctx.db, scope.scopeId),
    repo.openInvitations(ctx.db, scope.scopeId, ctx.clock.now()),
  ]);
  return { members, invitations };
}

/** An open invitation as the people page lists it: whether it waits for approval, and whether the viewer may give it. */
export interface ListedInvitation extends Invitation {
  awaitingApproval: boolean;
  canApprove: boolean;
}

/** What the people page of an organisation or public body shows: its administrators only. */
export async function peoplePage(ctx: Ctx, place: Place) {
  const scope = await scopeAt(ctx.db, place);
  const { members, invitations } = await membership(ctx, scope);
  const admin = INVITABLE[scope.scopeType].admin;
  const viewer = ctx.principal;
  const ownAdmin = holdsOwnRole(viewer, admin, scope.scopeId);
  const listed: ListedInvitation[] = invitations.map((invitation) => {
    const awaitingApproval = APPROVED_ROLES.has(invitation.role) && !invitation.approved_at;
    return {
      ...invitation,
      awaitingApproval,
      canApprove: awaitingApproval && ownAdmin && invitation.invited_by !== viewer?.userId,
    };
  });
  return { scope, members, invitations: listed, roles: INVITABLE[scope.scopeType].roles };
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
      invitation.expires_at <= ctx.clock.now() ||
      (APPROVED_ROLES.has(invitation.role) && !invitation.approved_at)
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
        `The invitation lasts until ${londonDateTime(invitation.expires_at)}. If you were not expecting it, you can ignore this email.\n`,
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
export async function invitationsForYou(ctx: InvitationsCtx): Promise<InvitationForYou[]> {
  const { db, secrets } = ctx;
  const principal = requireSignedIn(ctx.principal);
  const user = await repo.userEmail(db, principal.userId);
  if (!user) return [];
  const invitations = await repo.openInvitationsForEmail(db, user.email, ctx.clock.now());
  return Promise.all(
    invitations.map(async (i) => ({
      role: i.role,
      name: (await repo.scopeName(db, i.scope_type, i.scope_id)) ?? "",
      href: `/invitations/${invitationToken(secrets, i.id)}`,
      expiresAt: i.expires_at,
    })),
  );
}
