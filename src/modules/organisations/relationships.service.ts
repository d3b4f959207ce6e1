/**
 * Relationships between organisations — a spin-out and its parent body, a group and its members, a
 * parent company and its subsidiary, joint-venture partners — recorded by an administrator of the
 * "from" organisation and shown on both profiles. Audited on the platform chain.
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireRole } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./organisations.repository.ts";
import {
  type OrganisationProfile,
  organisationOf,
  organisationProfile,
  requireWriteScope,
} from "./organisations.service.ts";
import { RELATIONSHIP_KINDS, type RelationshipKind } from "./organisations.table.ts";

export interface RelationshipInput {
  from: string;
  to: string;
  kind: string;
}

function checkRelationship(input: RelationshipInput): RelationshipKind {
  const problems: FieldError[] = [];
  if (!(RELATIONSHIP_KINDS as readonly string[]).includes(input.kind)) {
    problems.push({
      field: "kind",
      message: msg`Choose the kind of relationship: one of ${RELATIONSHIP_KINDS.join(", ")}`,
    });
  }
  if (typeof input.to !== "string" || !isUuid(input.to)) {
    problems.push({ field: "to", message: msg`Choose the other organisation` });
  }
  if (problems.length > 0) {
    throw new ValidationError(
      problems.length === 1
        ? msg`Check the organisation's details: one field is not right`
        : msg`Check the organisation's details: ${problems.length} fields are not right`,
      problems,
    );
  }
  return input.kind as RelationshipKind;
}

/**
 * Records a relationship, checked, audited as `actorIn(ctx)`. Checks no one: for seeds, and for
 * `addRelationship`, which decides who may.
 */
export async function recordRelationship(ctx: Ctx, input: RelationshipInput): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    await organisationOf(trx, input.from);
    const kind = checkRelationship(input);
    const other = await repo.findOrganisation(trx, input.to);
    if (!other) {
      throw new ValidationError(msg`Check the relationship`, [
        { field: "to", message: msg`Choose an organisation that is in the directory` },
      ]);
    }
    if (input.to === input.from) {
      throw new UnprocessableError(msg`An organisation cannot be related to itself`, [
        { field: "to", message: msg`Choose another organisation, not this one` },
      ]);
    }
    const links = await repo.relationshipBetween(trx, input.from, input.to);
    if (
      links.some(
        (l) => l.kind === kind && (l.from_organisation_id === input.from || kind === "joint-venture"),
      )
    ) {
      const error = new ConflictError(
        msg`This relationship with ${other.name} is already recorded.`,
        "relationship_exists",
      );
      (error as { details: readonly FieldError[] }).details = [{ field: "to", message: error.message }];
      throw error;
    }
    if (
      kind !== "joint-venture" &&
      links.some((l) => l.kind === kind && l.from_organisation_id === input.to)
    ) {
      throw new UnprocessableError(
        msg`${other.name} is already recorded the other way round for this kind of relationship`,
        [
          {
            field: "kind",
            message: msg`Two organisations cannot each be the other's parent, group or subsidiary`,
          },
        ],
      );
    }
    const id = newId();
    const actor = actorIn(ctx);
    await repo.insertRelationship(trx, {
      id,
      from_organisation_id: input.from,
      to_organisation_id: input.to,
      kind,
      created_by: actor.type === "user" || actor.type === "token" ? (actor.id ?? null) : null,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor,
      action: "organisation.relationship-added",
      entity: { type: "organisation", id: input.from },
      changes: { relationship: id, kind, to: input.to },
    });
    return id;
  });
}

/** Records a relationship; only an admin of the "from" organisation may. */
export async function addRelationship(ctx: Ctx, input: RelationshipInput): Promise<string> {
  const person = requireWriteScope(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    await organisationOf(trx, input.from);
    requireRole(person, "organisation-admin", input.from, "record this organisation's relationships");
    return recordRelationship(within(ctx, trx, actorOf(person)), input);
  });
}

/**
 * Removes a relationship; an admin of its "from" organisation may. 404 for an unknown organisation
 * or relationship (relationships are public), before 403.
 */
export async function removeRelationship(
  ctx: Ctx,
  organisationId: string,
  relationshipId: string,
): Promise<void> {
  const person = requireWriteScope(ctx.principal);
  await transaction(ctx.db, async (trx) => {
    await organisationOf(trx, organisationId);
    const relationship = isUuid(relationshipId)
      ? await repo.findRelationship(trx, relationshipId)
      : undefined;
    if (!relationship || relationship.from_organisation_id !== organisationId) {
      throw new NotFoundError("relationship");
    }
    requireRole(person, "organisation-admin", organisationId, "change this organisation's relationships");
    await repo.deleteRelationship(trx, relationshipId);
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorOf(person),
      action: "organisation.relationship-removed",
      entity: { type: "organisation", id: organisationId },
      changes: { relationship: relationshipId, kind: relationship.kind, to: relationship.to_organisation_id },
    });
  });
}

/** What the relationships page shows: the organisation's, and the others it may be related to. */
export async function relationshipsPage(
  ctx: Ctx,
  organisationId: string,
): Promise<{ profile: OrganisationProfile; organisations: { id: string; name: string }[] }> {
  const person = requireWriteScope(ctx.principal);
  const profile = await organisationProfile(ctx, organisationId);
  requireRole(
    person,
    "organisation-admin",
    profile.organisation.id,
    "record this organisation's relationships",
  );
  return { profile, organisations: await repo.organisationNames(ctx.db, profile.organisation.id) };
}
