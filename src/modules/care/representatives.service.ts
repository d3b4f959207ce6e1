/**
 * The person's account and their representatives (issue 17, item 4). The authority's care staff
 * invite an account to a person — the person themself, a family member, an appointee or deputy, an
 * advocate — with the grants the person has given; the invitee follows the emailed link, signs in
 * (or creates an account on the way, as the access invitations do) with the address invited, and
 * accepts. The person, as themself, changes or revokes a representative's grants; care staff may
 * revoke any link. Every act is audited under the acting account, with the person it was for
 * (`personalRef`, never a name).
 *
 * The link's token is derived from the invitation's id with the server's key (HMAC); only its
 * SHA-256 is stored, and the email job's payload holds the id alone, deriving the link when it
 * sends. Invitations last 14 days.
 */
import { createHash } from "node:crypto";
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer } from "../notifications/mailer.ts";
import { absoluteLink } from "../notifications/notifications.service.ts";
import * as repo from "./care.repository.ts";
import {
  isCareStaff,
  type PersonAccess,
  requireCareStaff,
  requirePersonAccess,
  visibleLinks,
} from "./care.service.ts";
import {
  type CareInvitation,
  type CareLink,
  PERSON_GRANTS,
  type PersonGrant,
  RELATIONSHIPS,
  type Relationship,
} from "./care.table.ts";
import { tellChampionEnded } from "./champion-links.service.ts";
import { EMAIL } from "./checks.ts";

export const CARE_INVITATION_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;
export const CARE_INVITATION_QUEUE = "care.invitation-email";
export const CARE_INVITATION_WITHDRAWN_QUEUE = "care.invitation-withdrawn-email";

/** What the invitation services take: the service context and the server's secrets (for the links). */
export interface CareInvitationsCtx extends Ctx {
  secrets: AccountSecrets;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The token in an invitation's link: derived from its id with the server's key, never stored. */
export function careInvitationToken(secrets: AccountSecrets, invitationId: string): string {
  return secrets.hmac("care-invitation-link", invitationId);
}

/** The grants given, checked: each one known, each once, in the list's order. */
function checkGrants(given: readonly string[], problems: FieldError[]): PersonGrant[] {
  const unknown = given.filter((g) => !(PERSON_GRANTS as readonly string[]).includes(g));
  if (unknown.length > 0)
    problems.push({ field: "grants", message: msg`Choose only from the permissions listed` });
  return PERSON_GRANTS.filter((g) => given.includes(g));
}

export interface CareInviteInput {
  email: string;
  relationship: string;
  /** What the person lets the representative do (ignored for the person themself, who may do it all). */
  grants: readonly string[];
}

/**
 * Invites an account to a person: the authority's care staff only (404 for anyone else). The email
 * is queued in the same transaction; the token is answered for demo mode, where no email is sent.
 */
export async function inviteToPerson(
  ctx: CareInvitationsCtx,
  authorityId: string,
  personId: string,
  input: CareInviteInput,
): Promise<{ invitation: CareInvitation; token: string }> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const person = isUuid(personId) ? await repo.findPerson(ctx.db, authorityId, personId) : undefined;
  if (!person || person.erased_at) throw new NotFoundError("person");
  const email = input.email.trim();
  const relationship = input.relationship.trim();
  const problems: FieldError[] = [];
  if (!EMAIL.test(email) || email.length > 254)
    problems.push({
      field: "email",
      message: msg`Enter an email address in the correct format, like name@example.org`,
    });
  if (!(RELATIONSHIPS as readonly string[]).includes(relationship))
    problems.push({
      field: "relationship",
      message: msg`Choose how the account holder stands to the person`,
    });
  const grants = checkGrants(input.grants, problems);
  if (relationship !== "self" && grants.length === 0 && problems.length === 0)
    problems.push({
      field: "grants",
      message: msg`Choose at least one thing the person lets their representative do`,
    });
  if (problems.length > 0) throw new ValidationError(msg`Check the invitation`, problems);
  return transaction(ctx.db, async (trx) => {
    const id = newId();
    const token = careInvitationToken(ctx.secrets, id);
    const now = ctx.clock.now();
    const invitation: CareInvitation = {
      authority_id: authorityId,
      id,
      person_id: person.id,
      email,
      relationship: relationship as Relationship,
      grants: relationship === "self" ? [...PERSON_GRANTS] : grants,
      token_hash: hashToken(token),
      invited_by: p.userId,
      created_at: now,
      expires_at: new Date(now.getTime() + CARE_INVITATION_DAYS * DAY_MS),
      accepted_at: null,
      accepted_by: null,
      revoked_at: null,
      emailed_at: null,
    };
    await repo.insertInvitation(trx, invitation);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.invitation-sent",
      entity: { type: "care-person", id: person.id },
      changes: {
        person: personalRef("care_people", person.id),
        invitation: id,
        relationship,
        grants: invitation.grants,
      },
    });
    await enqueue(trx, ctx.clock, {
      queue: CARE_INVITATION_QUEUE,
      payload: { authorityId, invitationId: id },
      dedupeKey: `${CARE_INVITATION_QUEUE}:${id}`,
      authorityId,
    });
    return { invitation, token };
  });
}

async function byToken(trx: Trx, token: string): Promise<CareInvitation> {
  const invitation = await repo.invitationByTokenHash(trx, hashToken(token));
  if (!invitation) throw new NotFoundError("invitation");
  return invitation;
}

function requireOpen(ctx: Ctx, invitation: CareInvitation): void {
  if (invitation.accepted_at)
    throw new ConflictError(msg`This invitation has already been accepted.`, "invitation_used");
  if (invitation.revoked_at)
    throw new ConflictError(
      msg`This invitation was withdrawn. Ask the care team for a new one.`,
      "invitation_revoked",
    );
  if (invitation.expires_at <= ctx.clock.now())
    throw new ConflictError(
      msg`This invitation has expired: invitations last 14 days. Ask the care team for a new one.`,
      "invitation_expired",
    );
}

/**
 * An open invitation by its link's token, with the authority's name (not the person's: whoever holds
 * the link sees only that much until they sign in and accept). 404 for a link that is not one, 409
 * for one used, withdrawn or expired.
 */
export async function openCareInvitation(
  ctx: Ctx,
  token: string,
): Promise<{ invitation: CareInvitation; authorityName: string }> {
  return transaction(ctx.db, async (trx) => {
    const invitation = await byToken(trx, token);
    requireOpen(ctx, invitation);
    const authority = await authorityById(trx, invitation.authority_id);
    return { invitation, authorityName: authority.name };
  });
}

/**
 * Accepts an invitation: the signed-in account's address must be the one invited (403 otherwise),
 * then 409 for one used, withdrawn or expired. The account is linked to the person, audited under
 * the account itself.
 */
export async function acceptCareInvitation(ctx: Ctx, token: string): Promise<CareLink> {
  const p = requireSignedIn(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    const invitation = await byToken(trx, token);
    const email = await repo.userEmail(trx, p.userId);
    if (!email || email.toLowerCase() !== invitation.email.toLowerCase())
      throw new ForbiddenError(
        msg`This invitation was sent to another email address. Sign in with the address it was sent to.`,
      );
    requireOpen(ctx, invitation);
    const now = ctx.clock.now();
    // Accepted only if still open as the row is written: a withdrawal committed since it was read
    // (or another acceptance) leaves nothing to accept.
    if (!(await repo.markInvitationAccepted(trx, invitation.authority_id, invitation.id, p.userId, now)))
      throw new ConflictError(
        msg`This invitation was withdrawn or accepted a moment ago. Ask the care team if you need a new one.`,
        "invitation_used",
      );
    const existing = await repo.liveLink(trx, invitation.authority_id, invitation.person_id, p.userId);
    if (existing)
      await repo.updateLink(trx, invitation.authority_id, existing.id, { revoked_at: now, updated_at: now });
    const link: CareLink = {
      authority_id: invitation.authority_id,
      id: newId(),
      person_id: invitation.person_id,
      user_id: p.userId,
      relationship: invitation.relationship,
      grants: invitation.grants,
      created_at: now,
      updated_at: now,
      revoked_at: null,
      champion_id: null,
    };
    await repo.insertLink(trx, link);
    await recordAudit(trx, ctx.clock, {
      authorityId: invitation.authority_id,
      actor: actorIn(ctx),
      action: "care.link-accepted",
      entity: { type: "care-person", id: invitation.person_id },
      changes: {
        person: personalRef("care_people", invitation.person_id),
        as: invitation.relationship,
        invitation: invitation.id,
        link: link.id,
        grants: link.grants,
      },
    });
    return link;
  });
}

/** A live link of the person (not the person's own), or 404. */
async function representativeLink(
  trx: Trx,
  authorityId: string,
  personId: string,
  linkId: string,
): Promise<CareLink> {
  const link = isUuid(linkId) ? await repo.findLink(trx, authorityId, linkId) : undefined;
  if (!link || link.person_id !== personId || link.revoked_at) throw new NotFoundError("representative");
  return link;
}

/** Only the person themself may change what their representatives may do: 403 for anyone else who may see them. */
function requireSelf(how: string): void {
  if (how !== "self")
    throw new ForbiddenError(msg`Only the person themself can change what their representatives may do.`);
}

/**
 * Changes the grants of one of the person's representatives: the person themself only (404 for
 * anyone not linked, 403 for a representative or care staff). Audited under the person's account.
 */
export async function changeGrants(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  linkId: string,
  given: readonly string[],
): Promise<CareLink> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "see-plan");
  const problems: FieldError[] = [];
  const grants = checkGrants(given, problems);
  return transaction(ctx.db, async (trx) => {
    const link = await representativeLink(trx, authorityId, personId, linkId);
    requireSelf(access.how);
    if (link.relationship === "self")
      throw new ForbiddenError(
        msg`You may do everything for yourself: only a representative's permissions change.`,
      );
    if (link.relationship === "champion" && grants.includes("make-payments"))
      problems.push({ field: "grants", message: msg`A consumer champion cannot make payments for you` });
    if (problems.length > 0) throw new ValidationError(msg`Check the permissions`, problems);
    await repo.updateLink(trx, authorityId, link.id, { grants, updated_at: ctx.clock.now() });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.grants-changed",
      entity: { type: "care-person", id: personId },
      changes: { person: personalRef("care_people", personId), as: access.how, link: link.id, grants },
    });
    return { ...link, grants };
  });
}

/**
 * Ends a link: the person themself (for a representative's), or the authority's care staff (any).
 * 404 for anyone not linked, 403 for a representative.
 */
export async function revokeLink(
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  personId: string,
  linkId: string,
): Promise<void> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "see-plan");
  await transaction(ctx.db, async (trx) => {
    const link = await representativeLink(trx, authorityId, personId, linkId);
    if (!isCareStaff(ctx.principal, authorityId)) {
      requireSelf(access.how);
      if (link.relationship === "self")
        throw new ForbiddenError(msg`Ask the care team to unlink your own account.`);
    }
    const now = ctx.clock.now();
    await repo.updateLink(trx, authorityId, link.id, { revoked_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.link-revoked",
      entity: { type: "care-person", id: personId },
      changes: { person: personalRef("care_people", personId), as: access.how, link: link.id },
    });
    await tellChampionEnded(trx, ctx, link);
  });
}

/** A person's links and open invitations, as the caller may see them. */
export interface Representatives {
  /** Every live link for care staff and the person themself; a representative's own only. */
  links: repo.LinkWithHolder[];
  /** Open invitations: care staff only (their addresses are personal data). */
  invitations: CareInvitation[];
  access: PersonAccess;
}

/**
 * A person's links and open invitations, by the rules of their page: care staff, the person, and
 * representatives with any grant (404, then 403).
 */
export async function representativesOf(
  ctx: Ctx,
  authorityId: string,
  personId: string,
): Promise<Representatives> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "any");
  const [links, invitations] = await Promise.all([
    repo.linksOfPerson(ctx.db, authorityId, personId),
    access.how === "care-staff"
      ? repo.openInvitationsOf(ctx.db, authorityId, personId, ctx.clock.now())
      : Promise.resolve([]),
  ]);
  return { links: visibleLinks(access, links), invitations, access };
}

/**
 * Withdraws an open invitation: the authority's care staff only (404 for anyone else, or an
 * invitation not of this person), 409 once accepted, withdrawn or expired. Audited; the invitee is
 * told by email if the invitation was emailed (`told`).
 */
export async function withdrawInvitation(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  invitationId: string,
): Promise<{ told: boolean }> {
  requireCareStaff(ctx.principal, authorityId);
  return transaction(ctx.db, async (trx) => {
    const invitation = isUuid(invitationId)
      ? await repo.lockInvitation(trx, authorityId, invitationId)
      : undefined;
    if (!invitation || invitation.person_id !== personId) throw new NotFoundError("invitation");
    requireOpen(ctx, invitation);
    await repo.markInvitationWithdrawn(trx, authorityId, invitation.id, ctx.clock.now());
    const told = invitation.emailed_at !== null;
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.invitation-withdrawn",
      entity: { type: "care-person", id: personId },
      changes: { person: personalRef("care_people", personId), invitation: invitation.id, told },
    });
    if (told)
      await enqueue(trx, ctx.clock, {
        queue: CARE_INVITATION_WITHDRAWN_QUEUE,
        payload: { authorityId, invitationId: invitation.id },
        dedupeKey: `${CARE_INVITATION_WITHDRAWN_QUEUE}:${invitation.id}`,
        authorityId,
      });
    return { told };
  });
}

/** A link of the person, for the form changing its grants (the person themself only). */
export async function linkToChange(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  linkId: string,
): Promise<CareLink> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "see-plan");
  const link = await transaction(ctx.db, (trx) => representativeLink(trx, authorityId, personId, linkId));
  requireSelf(access.how);
  return link;
}

export interface CareInvitationEmailDeps {
  mailer: Mailer | undefined;
  baseUrl: string;
  secrets: AccountSecrets;
}

/** Sends a care invitation's email, deriving its link; skips one accepted, withdrawn or expired. */
export function careInvitationEmailHandler(deps: CareInvitationEmailDeps): JobHandler {
  return async (payload, ctx) => {
    const { authorityId, invitationId } = (payload ?? {}) as {
      authorityId?: unknown;
      invitationId?: unknown;
    };
    if (!isUuid(authorityId) || !isUuid(invitationId))
      throw new PermanentJobError("The care invitation email job needs an authorityId and an invitationId.");
    const invitation = await repo.findInvitation(ctx.db, authorityId, invitationId);
    if (
      !invitation ||
      invitation.accepted_at ||
      invitation.revoked_at ||
      invitation.expires_at <= ctx.clock.now()
    )
      return;
    if (!deps.mailer) {
      ctx.logger.warn({ jobId: ctx.job.id }, "Email is not configured; the care invitation was not emailed");
      return;
    }
    // Marked first, in one statement that a withdrawal (which locks the row) orders against: a
    // withdrawal after it tells the invitee; one before it stops the email. If sending fails the
    // mark is taken back (nobody was emailed, so a withdrawal tells nobody) and the job retries,
    // marking it again; after the last attempt it stays unmarked.
    const markedAt = ctx.clock.now();
    if (!(await repo.markInvitationEmailed(ctx.db, authorityId, invitationId, markedAt))) return;
    const authority = await authorityById(ctx.db, authorityId);
    const link = absoluteLink(
      deps.baseUrl,
      `/care/invitations/${careInvitationToken(deps.secrets, invitationId)}`,
    );
    try {
      await deps.mailer.send({
        to: invitation.email,
        subject: `${authority.name} invites you to see a care and support plan on OpenPS`,
        text:
          `${authority.name}'s care team has invited you to link your OpenPS account to a care and support plan.\n\n` +
          `To accept, open this link and sign in, or create an account, with this email address:\n\n${link}\n\n` +
          `The invitation lasts until ${londonDateTime(invitation.expires_at)}. If you were not expecting it, you can ignore this email.\n`,
      });
    } catch (error) {
      await repo.unmarkInvitationEmailed(ctx.db, authorityId, invitationId, markedAt);
      throw error;
    }
  };
}

/** Tells the invitee by email that the invitation they were emailed is withdrawn. */
export function careInvitationWithdrawnHandler(deps: CareInvitationEmailDeps): JobHandler {
  return async (payload, ctx) => {
    const { authorityId, invitationId } = (payload ?? {}) as {
      authorityId?: unknown;
      invitationId?: unknown;
    };
    if (!isUuid(authorityId) || !isUuid(invitationId))
      throw new PermanentJobError(
        "The care invitation withdrawal job needs an authorityId and an invitationId.",
      );
    const invitation = await repo.findInvitation(ctx.db, authorityId, invitationId);
    if (!invitation?.revoked_at || !invitation.emailed_at) return;
    if (!deps.mailer) {
      ctx.logger.warn({ jobId: ctx.job.id }, "Email is not configured; the withdrawal was not emailed");
      return;
    }
    const authority = await authorityById(ctx.db, authorityId);
    await deps.mailer.send({
      to: invitation.email,
      subject: `${authority.name} has withdrawn its invitation on OpenPS`,
      text:
        `${authority.name}'s care team has withdrawn the invitation it sent you on ${londonDateTime(invitation.created_at)} to link your OpenPS account to a care and support plan.\n\n` +
        "The link in that email no longer works. If you think this is a mistake, contact the care team.\n",
    });
  };
}

export function careJobHandlers(deps: CareInvitationEmailDeps): Record<string, JobHandler> {
  return {
    [CARE_INVITATION_QUEUE]: careInvitationEmailHandler(deps),
    [CARE_INVITATION_WITHDRAWN_QUEUE]: careInvitationWithdrawnHandler(deps),
  };
}

/**
 * Links an account to a person with these grants, checking no one (the caller has, or the system
 * acts: the demo seed). Audited as `actor` would be.
 */
export async function recordLink(
  ctx: Ctx,
  input: {
    authorityId: string;
    personId: string;
    userId: string;
    relationship: Relationship;
    grants: readonly PersonGrant[];
  },
): Promise<CareLink> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const link: CareLink = {
      authority_id: input.authorityId,
      id: newId(),
      person_id: input.personId,
      user_id: input.userId,
      relationship: input.relationship,
      grants:
        input.relationship === "self"
          ? [...PERSON_GRANTS]
          : PERSON_GRANTS.filter((g) => input.grants.includes(g)),
      created_at: now,
      updated_at: now,
      revoked_at: null,
      champion_id: null,
    };
    await repo.insertLink(trx, link);
    await recordAudit(trx, ctx.clock, {
      authorityId: input.authorityId,
      actor: actorIn(ctx),
      action: "care.link-recorded",
      entity: { type: "care-person", id: input.personId },
      changes: {
        person: personalRef("care_people", input.personId),
        holder: personalRef("users", input.userId),
        as: input.relationship,
        link: link.id,
        grants: link.grants,
      },
    });
    return link;
  });
}
