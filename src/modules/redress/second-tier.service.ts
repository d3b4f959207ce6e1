/**
 * Which authority is which second-tier body (issue 18, items 4 and 7; docs/redress.md, "Second-tier
 * bodies"): the three ombudsmen (one verified authority of kind `ombudsman` each) and the independent
 * adjudicators of complaints about commissioning (one per service area: a service category code).
 * Platform administrators say it; each change is one transaction with an audit event on the
 * platform's chain and on the authority's. `secondTierBodyFor` is what escalation asks.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { PLATFORM_SCOPE, requireRole } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findPublicBody, verifiedAuthoritiesOfKinds } from "../authorities/authorities.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./redress.repository.ts";
import { SCHEMES, type Scheme } from "./redress.table.ts";

export type { SecondTierBodyRow } from "./redress.repository.ts";

export function isScheme(value: unknown): value is Scheme {
  return typeof value === "string" && (SCHEMES as readonly string[]).includes(value);
}

function requirePlatformAdmin(ctx: Ctx) {
  return requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "say which body is which ombudsman");
}

/**
 * The authority that is this ombudsman, or the adjudicator of this service area — undefined while
 * no one has been named. Checks no one: what escalation (and the complaint's page) asks.
 */
export async function secondTierBodyFor(
  db: Db,
  scheme: Scheme,
  serviceArea = "",
): Promise<repo.SecondTierBodyRow | undefined> {
  return repo.secondTierBody(db, scheme, scheme === "adjudicator" ? serviceArea : "");
}

/**
 * Names an authority as a scheme's second-tier body without checks or audit: the demo seed, in its
 * transaction (platform administrators use `setSecondTierBody`).
 */
export async function registerSecondTierBody(
  trx: Trx,
  now: Date,
  row: { authorityId: string; scheme: Scheme; serviceArea?: string },
): Promise<void> {
  await repo.putSecondTierBody(trx, {
    authority_id: row.authorityId,
    scheme: row.scheme,
    service_area: row.serviceArea ?? "",
    created_at: now,
  });
}

/** The list and what the form offers: every body named, the service areas, the schemes. Platform administrators. */
export async function secondTierBodies(ctx: Ctx) {
  requirePlatformAdmin(ctx);
  const [bodies, areas, ombudsmen] = await Promise.all([
    repo.secondTierBodies(ctx.db),
    listServiceCategories(ctx.db),
    verifiedAuthoritiesOfKinds(ctx.db, ["ombudsman"]),
  ]);
  return {
    bodies,
    serviceAreas: areas.map((a) => ({ code: a.code, name: a.name })),
    schemes: SCHEMES,
    ombudsmen,
  };
}

export interface SecondTierInput {
  authorityId?: string | undefined;
  serviceArea?: string | undefined;
}

/** The service area a scheme is named for: "" for an ombudsman; a known service category for an adjudicator (400). */
async function serviceAreaOf(ctx: Ctx, scheme: Scheme, given: string | undefined): Promise<string> {
  const area = (given ?? "").trim();
  if (scheme !== "adjudicator") {
    if (area !== "")
      throw new ValidationError(msg`Check the second-tier body`, [
        { field: "serviceArea", message: msg`Only an adjudicator has a service area: leave it empty` },
      ]);
    return "";
  }
  if (!(await listServiceCategories(ctx.db)).some((c) => c.code === area))
    throw new ValidationError(msg`Check the second-tier body`, [
      { field: "serviceArea", message: msg`Choose the service area from the list` },
    ]);
  return area;
}

/**
 * Names a verified authority of kind `ombudsman` as the scheme (for an adjudicator, of a service
 * area), replacing whoever was: 400 for a field; 404 for an unknown authority; 422 for one that is
 * not a verified ombudsman, or is named already for another scheme (an authority is one ombudsman,
 * or adjudicators only). Platform administrators (403).
 */
export async function setSecondTierBody(
  ctx: Ctx,
  scheme: string,
  input: SecondTierInput,
): Promise<repo.SecondTierBodyRow> {
  requirePlatformAdmin(ctx);
  if (!isScheme(scheme))
    throw new ValidationError(msg`Check the second-tier body`, [
      { field: "scheme", message: msg`Choose the ombudsman or adjudicator` },
    ]);
  const serviceArea = await serviceAreaOf(ctx, scheme, input.serviceArea);
  const authorityId = (input.authorityId ?? "").trim();
  if (!isUuid(authorityId))
    throw new ValidationError(msg`Check the second-tier body`, [
      { field: "authorityId", message: msg`Choose the authority` },
    ]);
  return transaction(ctx.db, async (trx) => {
    await repo.lockSecondTierBodies(trx);
    const authority = await findPublicBody(trx, authorityId);
    if (!authority) throw new NotFoundError("public body");
    if (authority.kind !== "ombudsman" || !authority.verified_at)
      throw new UnprocessableError(
        msg`${authority.name} is not a verified ombudsman: add it as a public body of kind ombudsman and verify it first.`,
        [{ field: "authorityId", message: msg`Choose a verified ombudsman` }],
        "not_ombudsman",
      );
    const other = (await repo.schemesOfAuthority(trx, authorityId)).find(
      (s) => s.scheme !== scheme && !(s.scheme === "adjudicator" && scheme === "adjudicator"),
    );
    if (other)
      throw new UnprocessableError(
        msg`${authority.name} is already named as another second-tier body (${other.scheme}): an authority is one ombudsman, or an adjudicator.`,
        [{ field: "authorityId", message: msg`Choose an authority not named for another scheme` }],
        "other_scheme",
      );
    const before = await repo.secondTierBody(trx, scheme, serviceArea, true);
    await repo.putSecondTierBody(trx, {
      scheme,
      service_area: serviceArea,
      authority_id: authorityId,
      created_at: ctx.clock.now(),
    });
    const changes = { scheme, serviceArea, replaced: before?.authority_id ?? null };
    for (const chain of [null, authorityId])
      await recordAudit(trx, ctx.clock, {
        authorityId: chain,
        actor: actorIn(ctx),
        action: "second-tier-body.named",
        entity: { type: "authority", id: authorityId },
        changes,
      });
    if (before && before.authority_id !== authorityId)
      await recordAudit(trx, ctx.clock, {
        authorityId: before.authority_id,
        actor: actorIn(ctx),
        action: "second-tier-body.removed",
        entity: { type: "authority", id: before.authority_id },
        changes: { scheme, serviceArea },
      });
    return (await repo.secondTierBody(trx, scheme, serviceArea)) as repo.SecondTierBodyRow;
  });
}

/** No authority is the scheme (of the service area) any more: 404 when none is named. Platform administrators (403). */
export async function removeSecondTierBody(
  ctx: Ctx,
  scheme: string,
  serviceAreaGiven: string | undefined,
): Promise<void> {
  requirePlatformAdmin(ctx);
  if (!isScheme(scheme)) throw new NotFoundError("second-tier body");
  const serviceArea = scheme === "adjudicator" ? (serviceAreaGiven ?? "").trim() : "";
  await transaction(ctx.db, async (trx) => {
    await repo.lockSecondTierBodies(trx);
    const before = await repo.secondTierBody(trx, scheme, serviceArea, true);
    if (!before) throw new NotFoundError("second-tier body");
    await repo.deleteSecondTierBody(trx, scheme, serviceArea);
    for (const chain of [null, before.authority_id])
      await recordAudit(trx, ctx.clock, {
        authorityId: chain,
        actor: actorIn(ctx),
        action: "second-tier-body.removed",
        entity: { type: "authority", id: before.authority_id },
        changes: { scheme, serviceArea },
      });
  });
}
