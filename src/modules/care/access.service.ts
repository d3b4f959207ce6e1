/**
 * Who may see and act for a person (issue 17): the authority's care staff, the person themself, the
 * representatives they have given grants to and the champions they have appointed. Everyone else
 * gets 404: they cannot even learn that a person is recorded.
 */
import type { Db } from "../../db/database.ts";
import { ForbiddenError, NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal } from "../access/access.service.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { type Actor, personalRef } from "../audit/audit.service.ts";
import * as repo from "./care.repository.ts";
import type { CareLink, CarePerson, PersonGrant, Relationship } from "./care.table.ts";
import { PERSON_GRANTS } from "./care.table.ts";
import { type LinkedAccount, linkedAccounts } from "./linked-accounts.service.ts";

// Who may see and act for a person

/** Whether the principal holds the care-staff role for the authority itself (no platform reach). */
export function isCareStaff(principal: Principal | null, authorityId: string): boolean {
  return (
    principal?.grants.some(
      (g) => g.role === "care-staff" && g.scopeType === "authority" && g.scopeId === authorityId,
    ) ?? false
  );
}

/**
 * The authority's care staff only: 401 for the public, 404 for everyone else (a person's records
 * are not theirs to know of at all).
 */
export function requireCareStaff(principal: Principal | null, authorityId: string): Principal {
  const p = requireSignedIn(principal);
  if (!isCareStaff(p, authorityId)) throw new NotFoundError("page");
  return p;
}

/** How someone stands to a person: one of the authority's care staff, or a linked account. */
export type How = "care-staff" | Relationship;

/** Who is acting for a person, and how: what `requirePersonAccess` answers. */
export interface PersonAccess {
  authorityId: string;
  personId: string;
  userId: string;
  how: How;
  /** The link of a linked account; null for care staff. */
  linkId: string | null;
  /** What they may do: all of it for care staff and the person themself. */
  grants: readonly PersonGrant[];
  /** Who acts, for the audit trail: the signed-in person, under their own account. */
  actor: Actor;
  /** The consumer champion whose appointment it is, when they act as its people (`how: "champion"`). */
  championId?: string | null;
}

/**
 * Who may act for a person, for `grant`: the authority's care staff, the person themself, or a
 * representative the person has given `grant` to — or, given a list, any one of its grants. 401 for
 * the public; 404 for someone with no live link and no care-staff role for the authority (or an
 * unknown person); 403 for a link without the grant (without all of the list's). `"any"`: a link
 * with at least one grant (the person's page, which shows what its grants allow).
 */
export async function requirePersonAccess(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  grant: PersonGrant | readonly PersonGrant[] | "any",
): Promise<PersonAccess> {
  const p = requireSignedIn(ctx.principal);
  if (!isUuid(authorityId) || !isUuid(personId)) throw new NotFoundError("person");
  const person = await repo.findPerson(ctx.db, authorityId, personId);
  if (!person || person.erased_at) throw new NotFoundError("person");
  const actor = actorIn(ctx);
  if (isCareStaff(p, authorityId))
    return {
      authorityId,
      personId,
      userId: p.userId,
      how: "care-staff",
      linkId: null,
      grants: PERSON_GRANTS,
      actor,
    };
  const link =
    (await repo.liveLink(ctx.db, authorityId, personId, p.userId)) ??
    (await championLinkFor(ctx.db, p, authorityId, personId));
  if (!link) throw new NotFoundError("person");
  const grants = link.relationship === "self" ? PERSON_GRANTS : link.grants;
  const allowed =
    grant === "any"
      ? grants.length > 0
      : typeof grant === "string"
        ? grants.includes(grant)
        : grant.some((g) => grants.includes(g));
  if (!allowed)
    throw new ForbiddenError(
      msg`The person has not given you permission to do this. Ask them to change what you may do for them.`,
    );
  return {
    authorityId,
    personId,
    userId: p.userId,
    how: link.relationship,
    linkId: link.id,
    grants,
    actor,
    championId: link.champion_id,
  };
}

/**
 * The champions the principal acts for: the champions they hold `consumer-champion` for (exactly;
 * a platform administrator's reach does not count: a champion's appointment is to its people).
 */
export function championsOf(principal: Principal | null): string[] {
  return (principal?.grants ?? [])
    .filter((g) => g.role === "consumer-champion" && g.scopeType === "champion")
    .map((g) => g.scopeId);
}

/** A live appointment of a champion the principal acts for, by the person (docs/consumer-champions.md). */
async function championLinkFor(
  db: Db,
  principal: Principal,
  authorityId: string,
  personId: string,
): Promise<CareLink | undefined> {
  const champions = championsOf(principal);
  if (champions.length === 0) return undefined;
  return repo.liveChampionLink(db, authorityId, personId, champions);
}

/**
 * What an audit event records of someone acting for a person: the person (a reference, never their
 * name) and how the actor stands to them. The actor is always the signed-in person's own account.
 */
export function actingFor(access: PersonAccess): { person: { ref: string }; as: How } {
  return { person: personalRef("care_people", access.personId), as: access.how };
}

/** A person the signed-in account acts for. */
export interface ActedFor {
  authorityId: string;
  personId: string;
  /** The person's name: shown only to the account linked to them. */
  name: string;
  how: Relationship;
  grants: readonly PersonGrant[];
}

/** The people the signed-in account is linked to (the person themself, or as a representative). */
export async function peopleActedFor(ctx: Ctx): Promise<ActedFor[]> {
  const p = requireSignedIn(ctx.principal);
  const links = await repo.linksOfUser(ctx.db, p.userId);
  return links.map((l) => ({
    authorityId: l.authority_id,
    personId: l.person_id,
    name: l.full_name,
    how: l.relationship,
    grants: l.relationship === "self" ? PERSON_GRANTS : l.grants,
  }));
}

/** The authority of a person a signed-in account is linked to (their own pages name no authority), or 404. */
export async function authorityOfLinkedPerson(ctx: Ctx, personId: string): Promise<string> {
  const p = requireSignedIn(ctx.principal);
  const link = isUuid(personId)
    ? ((await repo.liveLinkByPerson(ctx.db, p.userId, personId)) ??
      (await repo.liveChampionLinkByPerson(ctx.db, personId, championsOf(p))))
    : undefined;
  if (!link) throw new NotFoundError("person");
  return link.authority_id;
}

export async function personForStaff(
  db: Db,
  principal: Principal | null,
  authorityId: string,
  personId: string,
): Promise<{ p: Principal; person: CarePerson }> {
  const p = requireCareStaff(principal, authorityId);
  const person = isUuid(personId) ? await repo.findPerson(db, authorityId, personId) : undefined;
  if (!person || person.erased_at) throw new NotFoundError("person");
  return { p, person };
}

/**
 * The accounts of the person themself and of representatives holding `grant`, each once: whom to tell
 * (`linkedAccounts` with one grant).
 */
export function accountsHolding(
  db: Db,
  authorityId: string,
  personId: string,
  grant: PersonGrant,
): Promise<LinkedAccount[]> {
  return linkedAccounts(db, authorityId, personId, [grant]);
}

/** The links a viewer may see: every one for care staff and the person, a representative's own. */
export function visibleLinks<T extends { id: string }>(access: PersonAccess, links: readonly T[]): T[] {
  return access.how === "care-staff" || access.how === "self"
    ? [...links]
    : links.filter((l) => l.id === access.linkId);
}
