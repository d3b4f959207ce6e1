/**
 * Employees' expressions of interest (Localism Act 2011 s.81(6)(d): "two or more employees of the
 * relevant authority"), verified rather than taken on trust:
 * - the authority's administrators set its staff email domains (westshire.gov.uk): an address on
 *   one of them, that its owner has proved they receive mail at, is the authority's;
 * - the lead employee names each colleague with their work address on one of those domains;
 * - each colleague confirms through their own account, whose verified address it is. The EOI counts
 *   as from employees — and can be submitted — only once every colleague named has confirmed (and
 *   at least one has). Changing the EOI's content clears the confirmations: they confirm what is
 *   submitted.
 * Names and addresses are personal data: shown only to the lead, the co-signatories and the
 * authority's editors; never published, logged or audited (audit events count them).
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, type Principal, requireRole, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified, authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  assertRightToChallengeApplies,
  type ChallengeView,
  isEmployee,
  isStaffEmail,
} from "./challenges.service.ts";
import { challengeOf } from "./registers.service.ts";

// Staff email domains

export const MAX_STAFF_DOMAINS = 20;

/**
 * Domains anyone can have an address on: never an authority's staff domain (an address there proves
 * nothing about who employs its owner).
 */
export const PUBLIC_EMAIL_DOMAINS: readonly string[] = [
  "aol.com",
  "btinternet.com",
  "gmail.com",
  "gmx.com",
  "googlemail.com",
  "hotmail.co.uk",
  "hotmail.com",
  "icloud.com",
  "live.co.uk",
  "live.com",
  "mail.com",
  "me.com",
  "msn.com",
  "outlook.com",
  "proton.me",
  "protonmail.com",
  "sky.com",
  "talktalk.net",
  "virginmedia.com",
  "yahoo.co.uk",
  "yahoo.com",
];

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/**
 * Staff email domains as typed — one a line, or separated by commas or spaces; an "@" in front or
 * capitals are fine — checked: 400 for one that is not a domain name, 422 for a domain anyone can
 * have an address on, or too many. Lower case, each once, in order.
 */
export function checkStaffDomains(input: string | readonly string[]): string[] {
  const typed = typeof input === "string" ? input.split(/[\s,;]+/) : input;
  const domains = [
    ...new Set(typed.map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter((d) => d !== "")),
  ];
  const bad = domains.filter((d) => d.length > 253 || !DOMAIN.test(d));
  if (bad.length > 0)
    throw new ValidationError(msg`Check the staff email domains`, [
      {
        field: "domains",
        message: msg`Enter each domain as the part of a work email address after the @, like westshire.gov.uk: ${bad.join(", ")} is not one`,
      },
    ]);
  const invalid: FieldError[] = [];
  const open = domains.filter((d) => PUBLIC_EMAIL_DOMAINS.includes(d));
  if (open.length > 0)
    invalid.push({
      field: "domains",
      message: msg`Remove ${open.join(", ")}: anyone can have an address there, so it does not show who works for the authority`,
    });
  if (domains.length > MAX_STAFF_DOMAINS)
    invalid.push({ field: "domains", message: msg`Enter at most ${MAX_STAFF_DOMAINS} domains` });
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`These cannot be the authority's staff email domains`,
      invalid,
      "staff_domains_invalid",
    );
  return domains;
}

/** The authority's staff email domains, in order. Public (they are not personal data). */
export function staffDomainsOf(ctx: Ctx, authorityId: string): Promise<string[]> {
  return repo.staffDomains(ctx.db, authorityId);
}

/**
 * May this person set the authority's staff email domains? Its administrators (and platform
 * administrators), once it is verified: 401, then 404 for an unknown authority, then 403.
 */
export async function requireStaffDomainsEditor(
  db: Db,
  principal: Principal | null,
  authorityId: string,
): Promise<Principal> {
  requireSignedIn(principal);
  await authorityById(db, authorityId);
  const p = requireRole(
    principal,
    "authority-admin",
    authorityId,
    "set the authority's staff email domains: its administrators do",
  );
  await assertBodyVerified(db, authorityId, "authority");
  return p;
}

/**
 * Sets the authority's staff email domains (replacing them; none clears them): its administrators
 * only (403 for anyone else, commissioners included), once it is verified; 422 where the Right to
 * Challenge does not apply. EOIs already submitted are unaffected; a draft's co-signatories must be
 * on a current domain to confirm, and when it is submitted. Audited. Returns the domains.
 */
export async function setStaffDomains(
  ctx: Ctx,
  authorityId: string,
  input: string | readonly string[],
): Promise<string[]> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireStaffDomainsEditor(trx, ctx.principal, authorityId);
    assertRightToChallengeApplies(await authorityById(trx, authorityId));
    await recordStaffDomains(within(ctx, trx, actorOf(p)), authorityId, checkStaffDomains(input));
    return repo.staffDomains(trx, authorityId);
  });
}

/** Records checked staff email domains, audited. Checks no one: the caller has (seeds use it). */
export async function recordStaffDomains(
  ctx: Ctx,
  authorityId: string,
  domains: readonly string[],
): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    const before = await repo.staffDomains(trx, authorityId);
    await repo.replaceStaffDomains(trx, authorityId, domains, ctx.clock.now());
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "challenge-staff-domains.changed",
      entity: { type: "challenge-staff-domains", id: authorityId },
      changes: {
        domains,
        added: domains.filter((d) => !before.includes(d)),
        removed: before.filter((d) => !domains.includes(d)),
      },
    });
  });
}

/**
 * Is this person an employee of the authority: holding one of its staff roles, or with a verified
 * email address on one of its staff email domains?
 */
export async function isEmployeeOf(
  db: Db,
  principal: Principal | null,
  authorityId: string,
): Promise<boolean> {
  if (!principal) return false;
  if (isEmployee(principal, authorityId)) return true;
  const email = await repo.verifiedEmailOf(db, principal.userId);
  return email !== null && isStaffEmail(email, await repo.staffDomains(db, authorityId));
}

// Confirming as a co-signatory

/**
 * The reader confirms that they co-sign the draft that names them (by their verified address): 404
 * when unknown, or a draft that does not name them; 403 for a submitted EOI that does not, or when
 * their address is not on one of the authority's staff email domains; 409 once submitted or
 * withdrawn, or confirmed already. The lead is told. Audited. Returns the EOI.
 */
export async function confirmCoSignature(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const p = requireSignedIn(ctx.principal);
    const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
    if (!challenge) throw new NotFoundError("expression of interest");
    if (!(await repo.coSignatoryFor(trx, authorityId, id, p.userId))) {
      if (challenge.submitted_at === null) throw new NotFoundError("expression of interest");
      throw new ForbiddenError(
        msg`You are not named as a co-signatory of this expression of interest: only the colleagues its lead employee named can confirm it.`,
      );
    }
    await recordConfirmation(within(ctx, trx, actorOf(p)), authorityId, id, p.userId);
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

/**
 * Records a co-signatory's confirmation with every check but who asks: the caller's (seeds use it).
 * The person is the co-signatory named by their verified address (404 otherwise), on a staff email
 * domain (403), of a draft (409) they have not confirmed yet (409).
 */
export async function recordConfirmation(
  ctx: Ctx,
  authorityId: string,
  id: string,
  userId: string,
): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
    const row = challenge ? await repo.coSignatoryFor(trx, authorityId, id, userId) : undefined;
    if (!challenge || !row?.email) throw new NotFoundError("expression of interest");
    const authority = await authorityById(trx, authorityId);
    const domains = await repo.staffDomains(trx, authorityId);
    if (!isStaffEmail(row.email, domains))
      throw new ForbiddenError(
        domains.length === 0
          ? msg`${authority.name} has not set its staff email domains, so nobody can confirm as its employee yet. Ask one of its administrators to set them.`
          : msg`Your email address is not on one of ${authority.name}'s staff email domains (${domains.join(", ")}), so you cannot confirm as its employee.`,
      );
    if (challenge.status !== "draft")
      throw new ConflictError(
        challenge.status === "withdrawn"
          ? msg`This expression of interest has been withdrawn: there is nothing to confirm.`
          : msg`This expression of interest has been submitted: colleagues confirm while it is a draft.`,
        "challenge_not_draft",
      );
    if (row.confirmed_at !== null)
      throw new ConflictError(
        msg`You have already confirmed this expression of interest.`,
        "already_confirmed",
      );
    await repo.confirmCoSignatory(trx, row, userId, ctx.clock.now());
    const all = await repo.coSignatoriesOf(trx, authorityId, id);
    const confirmed = all.filter((s) => s.confirmed_at !== null).length;
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "challenge.co-signatory-confirmed",
      entity: { type: "challenge", id },
      changes: { position: row.position, confirmed, named: all.length },
    });
    if (challenge.lead_user_id) {
      const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
      await notify(
        trx,
        ctx.clock,
        {
          userId: challenge.lead_user_id,
          authorityId,
          kind: "challenge.co-signatory-confirmed",
          subject: `A colleague confirmed your expression of interest for ${service?.name ?? "a service"}`,
          body: `${confirmed} of the ${all.length} colleagues you named ${confirmed === 1 ? "has" : "have"} confirmed. You can submit it once every colleague named has confirmed.`,
          link: `/authorities/${authority.slug}/right-to-challenge/${id}`,
        },
        { email: true, actor: actorIn(ctx) },
      );
    }
  });
}
