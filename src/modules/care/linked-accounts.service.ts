/**
 * Whom to tell about a person, and what a provider serving them may know — for the modules above
 * (choice: arrangements and "choice not available").
 *
 * - `linkedAccounts`: the accounts linked to a person that a matter concerns — the person's own
 *   account, and each representative holding one of the grants given (a champion's link is held by
 *   a body, not an account, and is not listed). `careStaffOf`: the authority's care staff (the role
 *   held for it exactly, no platform reach). `whomToTell` joins both, once each, without the account
 *   that acted. `accountsEverLinked`: every account linked to the person, live or ended (a download).
 * - `contactForProvider`: the person's name and the contact needed to deliver a service (email,
 *   phone, address; never the date of birth or the plan), for the administrators and members of the
 *   provider an arrangement concerns, while it is proposed or running. Care cannot read choice's
 *   arrangements (choice is above it): the caller gives the arrangement it has read as proof, and
 *   care checks that the signed-in account acts for that provider and that the arrangement is
 *   current. Care does not audit reads of a person (only downloads), so neither is this read; it is
 *   shown on the arrangement's own page only, never in lists, logs or open data.
 */
import type { Db } from "../../db/database.ts";
import { londonToday } from "../../lib/london-time.ts";
import { authorityRoleHolders } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./care.repository.ts";
import type { PersonGrant, Relationship } from "./care.table.ts";

/** An account linked to a person, and how it stands to them. */
export interface LinkedAccount {
  userId: string;
  how: Relationship;
}

/** The person's own account and the representatives holding any of `grants` (live links). */
export async function linkedAccounts(
  db: Db,
  authorityId: string,
  personId: string,
  grants: readonly PersonGrant[],
): Promise<LinkedAccount[]> {
  const links = await repo.linksOfPerson(db, authorityId, personId);
  const seen = new Set<string>();
  const out: LinkedAccount[] = [];
  for (const l of links) {
    if (l.user_id === null || seen.has(l.user_id)) continue;
    if (l.relationship !== "self" && !l.grants.some((g) => grants.includes(g))) continue;
    seen.add(l.user_id);
    out.push({ userId: l.user_id, how: l.relationship });
  }
  return out;
}

/**
 * Every account ever linked to the person (live or ended links; a champion's is held by a body and
 * is not listed), and whether it is the person's own: whose notices about the person belong in the
 * person's download (subject access). Checks no one.
 */
export async function accountsEverLinked(
  db: Db,
  authorityId: string,
  personId: string,
): Promise<LinkedAccount[]> {
  const seen = new Map<string, Relationship>();
  for (const l of await repo.allLinksOfPerson(db, authorityId, personId))
    if (l.user_id !== null && seen.get(l.user_id) !== "self") seen.set(l.user_id, l.relationship);
  return [...seen].map(([userId, how]) => ({ userId, how }));
}

/** The accounts holding the care-staff role for the authority itself. */
export function careStaffOf(db: Db, authorityId: string): Promise<string[]> {
  return authorityRoleHolders(db, "care-staff", authorityId);
}

/**
 * Whom to tell about a person: the linked accounts holding any of `grants`, each once, never
 * `actor` (who knows already). The authority's care staff (`careStaffOf`) are told apart, in the
 * service only.
 */
export async function whomToTell(
  db: Db,
  authorityId: string,
  personId: string,
  options: { grants: readonly PersonGrant[]; actor?: string | null },
): Promise<string[]> {
  const users = new Set(
    (await linkedAccounts(db, authorityId, personId, options.grants)).map((a) => a.userId),
  );
  if (options.actor) users.delete(options.actor);
  return [...users];
}

/** Who acts for a provider: its administrators and members. */
const PROVIDER_ROLES: readonly string[] = ["organisation-admin", "organisation-member"];

/** An arrangement of a service for a person with a provider, as the module that holds it read it. */
export interface ServiceProof {
  authorityId: string;
  personId: string;
  organisationId: string;
  status: "proposed" | "accepted" | "declined";
  /** Its last day, if it has one. */
  endsOn: string | null;
}

/** What a provider may know of a person it is asked to serve, or serves. */
export interface ContactForProvider {
  name: string;
  email: string | null;
  phone: string | null;
  address: string;
}

/**
 * The person's name and contact for the provider's administrators and members, given an
 * arrangement that concerns them: undefined for anyone else (another provider, the authority's
 * staff, a platform administrator, the person's side — who see the person's page instead), for a
 * declined arrangement or one whose last day has passed, and for a person whose data is erased.
 *
 * It trusts `proof`: care cannot read choice's arrangements, so it checks only that the signed-in
 * account acts for `proof.organisationId` and what `proof` says of the arrangement's state. The
 * caller must give an arrangement it has just read itself from its own store by the id in the
 * request — never anything taken from the request — and call it from its service, not a route or
 * page (choice: `arrangementPageOf` in arrangements.service.ts).
 */
export async function contactForProvider(
  ctx: Ctx,
  proof: ServiceProof,
): Promise<ContactForProvider | undefined> {
  const acting =
    ctx.principal?.grants.some(
      (g) =>
        g.scopeType === "organisation" &&
        g.scopeId === proof.organisationId &&
        PROVIDER_ROLES.includes(g.role),
    ) ?? false;
  if (!acting) return undefined;
  if (proof.status === "declined") return undefined;
  if (proof.endsOn !== null && proof.endsOn < londonToday(ctx.clock)) return undefined;
  const person = await repo.contactOfPerson(ctx.db, proof.authorityId, proof.personId);
  if (!person || person.erased_at) return undefined;
  return { name: person.full_name, email: person.email, phone: person.phone, address: person.address };
}
