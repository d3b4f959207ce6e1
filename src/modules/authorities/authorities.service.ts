/**
 * Authorities: the councils, NHS bodies and departments that commission on OpenPS. Each is a
 * tenant with its own audit chain; its nation decides whose bank holidays count.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isNation, type Nation } from "../../lib/working-days.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { findArea } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./authorities.repository.ts";
import {
  AUTHORITY_KINDS,
  type Authority,
  type AuthorityKind,
  COUNTRIES,
  type Country,
} from "./authorities.table.ts";

export interface CreateAuthorityInput {
  id?: string;
  slug: string;
  name: string;
  welshName?: string | null;
  kind: AuthorityKind;
  nation: Nation;
  /**
   * The country it is in (England or Wales, for a body in England and Wales). When not given: its
   * nation's for Scotland and Northern Ireland, its area's for England and Wales, or none.
   */
  country?: Country | null;
  orgId?: string | null;
  website?: string | null;
  /** The area it governs or serves, by ONS GSS code (it must be a loaded area). */
  areaCode?: string | null;
  /** Created already verified (seeds, or a platform administrator creating it). */
  verified?: boolean;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function createAuthority(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  input: CreateAuthorityInput,
): Promise<Authority> {
  const problems = [];
  if (!SLUG.test(input.slug))
    problems.push({
      field: "slug",
      message: "Enter a short name of lower-case letters, numbers and hyphens, like kent-county-council",
    });
  if (input.name.trim() === "") problems.push({ field: "name", message: "Enter the authority's name" });
  if (!(AUTHORITY_KINDS as readonly string[]).includes(input.kind))
    problems.push({ field: "kind", message: `Choose the kind of authority: ${AUTHORITY_KINDS.join(", ")}` });
  if (!isNation(input.nation))
    problems.push({ field: "nation", message: "Choose England and Wales, Scotland or Northern Ireland" });
  const area = input.areaCode ? await findArea(trx, input.areaCode) : undefined;
  if (input.areaCode && !area)
    problems.push({
      field: "areaCode",
      message: `Choose a known area: ${input.areaCode} is not a loaded GSS area code`,
    });
  if (input.country != null && !countryInNation(input.country, input.nation))
    problems.push({
      field: "country",
      message:
        input.nation === "england-and-wales"
          ? "Choose England or Wales for a body in England and Wales"
          : "Leave the country for a body in Scotland or Northern Ireland: its nation says where it is",
    });
  if (problems.length > 0) throw new ValidationError("Check the authority's details", problems);
  if (await repo.findAuthorityBySlug(trx, input.slug)) {
    throw new ConflictError(
      `An authority with the short name ${input.slug} already exists`,
      "authority_exists",
    );
  }
  const now = clock.now();
  const authority: Authority = {
    id: input.id ?? newId(),
    slug: input.slug,
    name: input.name.trim(),
    welsh_name: input.welshName ?? null,
    kind: input.kind,
    nation: input.nation,
    country: input.country ?? countryOf(input.nation, area?.nation),
    org_id: input.orgId ?? null,
    website: input.website ?? null,
    area_code: input.areaCode ?? null,
    verified_at: input.verified ? now : null,
    verified_by: input.verified && actor.type === "user" ? (actor.id ?? null) : null,
    registered_by: actor.type === "user" ? (actor.id ?? null) : null,
    rejected_at: null,
    rejection_reason: null,
    created_at: now,
    updated_at: now,
  };
  await repo.insertAuthority(trx, authority);
  const changes = {
    slug: authority.slug,
    name: authority.name,
    kind: authority.kind,
    nation: authority.nation,
    country: authority.country,
  };
  await recordAudit(trx, clock, {
    authorityId: null,
    actor,
    action: "authority.created",
    entity: { type: "authority", id: authority.id },
    changes,
  });
  await recordAudit(trx, clock, {
    authorityId: authority.id,
    actor,
    action: "authority.created",
    entity: { type: "authority", id: authority.id },
    changes,
  });
  return authority;
}

/**
 * Records the area an authority governs or serves, by GSS code (null to clear it); the area must be
 * loaded (see `openps areas load`). Audited on the platform chain and the authority's own.
 */
export async function setAuthorityArea(
  db: Db,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  areaCode: string | null,
): Promise<void> {
  await transaction(db, async (trx) => {
    const authority = await repo.findAuthorityById(trx, authorityId);
    if (!authority) throw new NotFoundError("authority");
    if (areaCode !== null && !(await findArea(trx, areaCode))) {
      throw new ValidationError("Check the authority's area", [
        { field: "areaCode", message: `Choose a known area: ${areaCode} is not a loaded GSS area code` },
      ]);
    }
    if (authority.area_code === areaCode) return;
    // An area tells England from Wales where the country was not recorded.
    const country =
      authority.country ??
      (areaCode === null ? null : countryOf(authority.nation, (await findArea(trx, areaCode))?.nation));
    await repo.setAreaCode(trx, authorityId, areaCode, country, clock.now());
    for (const chain of [null, authorityId]) {
      await recordAudit(trx, clock, {
        authorityId: chain,
        actor,
        action: "authority.area-set",
        entity: { type: "authority", id: authorityId },
        changes: {
          areaCode,
          previous: authority.area_code,
          ...(country !== authority.country ? { country } : {}),
        },
      });
    }
  });
}

/** Whether a country lies in a nation (England and Wales share one). */
export function countryInNation(country: Country, nation: Nation): boolean {
  return nation === "england-and-wales" ? country === "england" || country === "wales" : country === nation;
}

/**
 * The country a body of this nation is in: Scotland's and Northern Ireland's say; for England and
 * Wales, the nation of its area (an E… or W… GSS code) says; otherwise null (not known, or a body
 * of more than one country).
 */
export function countryOf(nation: Nation, areaNation: string | undefined): Country | null {
  if (nation !== "england-and-wales") return nation;
  return areaNation === "england" || areaNation === "wales" ? areaNation : null;
}

export function isCountry(value: unknown): value is Country {
  return (COUNTRIES as readonly unknown[]).includes(value);
}

export const listAuthorities = repo.listAuthorities;
export const verifiedAuthoritiesOfKinds = repo.verifiedAuthoritiesOfKinds;
export const authoritiesAfter = repo.authoritiesAfter;
/** When any public body last changed (the open data's "last updated"). */
export const latestAuthorityChange = repo.latestAuthorityChange;
export const findAuthorityBySlug = repo.findAuthorityBySlug;

/** The kinds of scope a public body's people act in. */
export type BodyScopeType = "authority" | "regulator" | "ombudsman" | "champion";

/** The scope a body's people act in, and the role its first administrator gets. */
export function scopeOfBody(kind: AuthorityKind): {
  scopeType: BodyScopeType;
  adminRole: "regulator-staff" | "ombudsman-staff" | "consumer-champion" | "authority-admin";
} {
  if (kind === "regulator") return { scopeType: "regulator", adminRole: "regulator-staff" };
  if (kind === "ombudsman") return { scopeType: "ombudsman", adminRole: "ombudsman-staff" };
  if (kind === "consumer-champion") return { scopeType: "champion", adminRole: "consumer-champion" };
  return { scopeType: "authority", adminRole: "authority-admin" };
}

/** Throws unless the body exists, is of the expected scope type and has been verified. */
export async function assertBodyVerified(db: Db, id: string, scopeType: string): Promise<Authority> {
  const body = await repo.findAuthorityById(db, id);
  if (!body || scopeOfBody(body.kind).scopeType !== scopeType) throw new NotFoundError(scopeType);
  if (!body.verified_at) {
    throw new ForbiddenError(
      `${body.name} has not been verified yet. Nobody can act for it until a platform administrator has checked it.`,
    );
  }
  return body;
}

export const findPublicBody = repo.findAuthorityById;

/** The authority (not a regulator or ombudsman) with this slug, or a 404. Verified or not: pages say which. */
export async function authorityBySlug(db: Db, slug: string): Promise<Authority> {
  const authority = await findAuthorityBySlug(db, slug);
  if (!authority || scopeOfBody(authority.kind).scopeType !== "authority")
    throw new NotFoundError("public body");
  return authority;
}

/** The authority (not a regulator or ombudsman) with this id, or a 404 (also for a malformed id). */
export async function authorityById(db: Db, id: string): Promise<Authority> {
  const authority = isUuid(id) ? await repo.findAuthorityById(db, id) : undefined;
  if (!authority || scopeOfBody(authority.kind).scopeType !== "authority")
    throw new NotFoundError("public body");
  return authority;
}

/**
 * The authorities (not regulators or ombudsmen) among these ids, by id: `authorityById` for many at
 * once, an id it would answer 404 for left out.
 */
export async function authoritiesByIds(db: Db, ids: readonly string[]): Promise<Map<string, Authority>> {
  const rows = await repo.findAuthoritiesByIds(db, ids.filter(isUuid));
  return new Map(rows.filter((a) => scopeOfBody(a.kind).scopeType === "authority").map((a) => [a.id, a]));
}

/** Any public bodies among these ids — authorities, regulators, ombudsmen, champions — by id. */
export async function publicBodiesByIds(db: Db, ids: readonly string[]): Promise<Map<string, Authority>> {
  const rows = await repo.findAuthoritiesByIds(db, ids.filter(isUuid));
  return new Map(rows.map((a) => [a.id, a]));
}

export const lockAuthority = repo.lockAuthority;
export const pendingAuthorities = repo.pendingAuthorities;
export const setVerified = repo.setVerified;
export const setRejected = repo.setRejected;

/** What other modules may use of this module's tables. */
export type { Authority, AuthorityKind, Country } from "./authorities.table.ts";
export { AUTHORITY_KINDS, COUNTRIES } from "./authorities.table.ts";
