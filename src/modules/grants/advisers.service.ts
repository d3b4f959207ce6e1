/**
 * Advisers matched to spin-outs at the right time (docs/grants.md "Advisers"). An organisation of
 * the directory offers advice for some spin-out stages (the mutuals module's, through the
 * `supportVocabulary` port) and service areas (service category codes): its **offer**. An
 * adviser-time application names the stage and area it asks about; once awarded, the funder's
 * people see the advisers offering both (the **matches**) and assign one; the adviser's
 * administrators accept. The response times — asked → assigned → accepted — are measured, and the
 * median of each is shown per programme.
 *
 * Who may do what: an organisation's administrators set its offer (anyone reads it); the funder's
 * people see the matches and assign; the adviser's administrators accept (and read the application).
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { organisationOf, organisationsByIds } from "../organisations/organisations.service.ts";
import { SERVICE_CATEGORIES } from "../vocabularies/service-categories.ts";
import { supportVocabularyOf } from "./grants.ports.ts";
import * as repo from "./grants.repository.ts";
import { programmeOf, requireFunder } from "./grants.service.ts";
import type { GrantAdviserOffer, GrantApplication } from "./grants.table.ts";

/** How many matching advisers are proposed for a request. */
export const MATCHES_SHOWN = 50;
/** How many of a programme's latest adviser-time requests its response times are measured over. */
export const TIMES_OVER = 500;

// Offers

export interface OfferInput {
  stages?: string[];
  serviceAreas?: string[];
}

/** An organisation's offer as an adviser (404 when it offers none). Public. */
export async function adviserOfferOf(ctx: Ctx, organisationId: string): Promise<GrantAdviserOffer> {
  const offer = isUuid(organisationId) ? await repo.adviserOffer(ctx.db, organisationId) : undefined;
  if (!offer) throw new NotFoundError("adviser offer");
  return offer;
}

/**
 * An organisation's administrators say which spin-out stages and service areas it advises on (one
 * or more of each; 400 naming each at fault). Replaces the offer before; audited.
 */
export async function setAdviserOffer(
  ctx: Ctx,
  organisationId: string,
  input: OfferInput,
): Promise<GrantAdviserOffer> {
  const p = requireSignedIn(ctx.principal);
  await organisationOf(ctx.db, organisationId);
  if (!hasRole(p, "organisation-admin", organisationId))
    throw new ForbiddenError(msg`Only the organisation's administrators say what advice it offers.`);
  const stages = [...new Set(input.stages ?? [])];
  const areas = [...new Set(input.serviceAreas ?? [])];
  const known = supportVocabularyOf().stages;
  const errors = [];
  if (stages.length === 0 || !stages.every((x) => known.includes(x)))
    errors.push({ field: "stages", message: msg`Choose the stages of spinning out you advise on` });
  if (areas.length === 0 || !areas.every((x) => SERVICE_CATEGORIES.some((c) => c.code === x)))
    errors.push({ field: "serviceAreas", message: msg`Choose the service areas you advise on` });
  if (errors.length > 0) throw new ValidationError(msg`Check the offer`, errors);
  const offer: GrantAdviserOffer = {
    organisation_id: organisationId,
    stages: known.filter((x) => stages.includes(x)),
    service_areas: areas.sort(),
    updated_by: p.userId,
    updated_at: ctx.clock.now(),
  };
  return transaction(ctx.db, async (trx) => {
    await repo.upsertAdviserOffer(trx, offer);
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorOf(p),
      action: "grants.adviser-offer-set",
      entity: { type: "organisation", id: organisationId },
      changes: { stages: offer.stages, serviceAreas: offer.service_areas },
    });
    return offer;
  });
}

// Matching and assigning

async function adviceApplication(ctx: Ctx, programmeId: string, applicationId: string) {
  const programme = await programmeOf(ctx.db, programmeId);
  const application = isUuid(applicationId)
    ? await repo.findApplication(ctx.db, programme.id, applicationId)
    : undefined;
  if (!application) throw new NotFoundError("grant application");
  return { programme, application };
}

async function matchesOf(ctx: Ctx, a: GrantApplication): Promise<{ id: string; name: string }[]> {
  if (a.support_kind !== "adviser-time" || !a.advice_stage || !a.advice_area) return [];
  const offers = await repo.advisersFor(ctx.db, a.advice_stage, a.advice_area, MATCHES_SHOWN + 1);
  const ids = offers.map((o) => o.organisation_id).filter((id) => id !== a.organisation_id);
  const orgs = await organisationsByIds(ctx.db, ids);
  return [...orgs.values()]
    .map((o) => ({ id: o.id, name: o.name }))
    .sort((x, y) => x.name.localeCompare(y.name))
    .slice(0, MATCHES_SHOWN);
}

/**
 * The advisers offering the stage and the service area an adviser-time application asks about (the
 * applicant itself left out), by name. The funder's people (403; 404 for no such application).
 */
export async function adviserMatches(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
): Promise<{ id: string; name: string }[]> {
  requireSignedIn(ctx.principal);
  const { programme, application } = await adviceApplication(ctx, programmeId, applicationId);
  requireFunder(
    ctx,
    programme,
    () => msg`Only the programme's funder's people assign advisers: ask one of them.`,
  );
  return matchesOf(ctx, application);
}

/**
 * The funder's people assign an adviser to an awarded adviser-time application: one of its matches
 * (422 otherwise), once (409). Under the application's row lock; audited.
 */
export async function assignAdviser(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
  input: { adviserOrganisationId?: string },
): Promise<void> {
  const p = requireSignedIn(ctx.principal);
  const { programme } = await adviceApplication(ctx, programmeId, applicationId);
  requireFunder(
    ctx,
    programme,
    () => msg`Only the programme's funder's people assign advisers: ask one of them.`,
  );
  const adviserId = input.adviserOrganisationId ?? "";
  await transaction(ctx.db, async (trx) => {
    const a = (await repo.findApplication(trx, programme.id, applicationId, {
      lock: true,
    })) as GrantApplication;
    if (a.support_kind !== "adviser-time")
      throw new ConflictError(msg`Only an application for adviser time has an adviser`, "not_adviser_time");
    if (a.status !== "awarded")
      throw new ConflictError(msg`Award the adviser time before assigning an adviser`, "not_awarded");
    if (await repo.assignmentOf(trx, a.id))
      throw new ConflictError(msg`An adviser is assigned already`, "adviser_assigned");
    const matches = await matchesOf({ ...ctx, db: trx }, a);
    if (!matches.some((m) => m.id === adviserId)) {
      const message = msg`Choose one of the advisers offering this stage and service area`;
      throw new UnprocessableError(message, [{ field: "adviserOrganisationId", message }], "not_a_match");
    }
    const now = ctx.clock.now();
    await repo.insertAssignment(trx, {
      application_id: a.id,
      adviser_organisation_id: adviserId,
      assigned_by: p.userId,
      assigned_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: programme.authority_id,
      actor: actorOf(p),
      action: "grants.adviser-assigned",
      entity: { type: "grant-application", id: a.id },
      changes: {
        programmeId: programme.id,
        adviserOrganisationId: adviserId,
        hoursSinceAsked: hoursBetween(a.submitted_at, now),
      },
    });
  });
}

/** The assigned adviser's administrators accept the work, once (409). Audited. */
export async function acceptAdvice(ctx: Ctx, programmeId: string, applicationId: string): Promise<void> {
  const p = requireSignedIn(ctx.principal);
  const { programme, application } = await adviceApplication(ctx, programmeId, applicationId);
  const seen = await repo.assignmentOf(ctx.db, application.id);
  if (!seen || !hasRole(p, "organisation-admin", seen.adviser_organisation_id))
    throw new ForbiddenError(msg`Only the administrators of the adviser assigned accept the work.`);
  await transaction(ctx.db, async (trx) => {
    const assigned = await repo.assignmentOf(trx, application.id, { lock: true });
    if (!assigned || assigned.accepted_at)
      throw new ConflictError(msg`The adviser accepted this work already`, "adviser_accepted");
    const now = ctx.clock.now();
    await repo.acceptAssignment(trx, application.id, p.userId, now);
    await recordAudit(trx, ctx.clock, {
      authorityId: programme.authority_id,
      actor: actorOf(p),
      action: "grants.adviser-accepted",
      entity: { type: "grant-application", id: application.id },
      changes: {
        programmeId: programme.id,
        adviserOrganisationId: assigned.adviser_organisation_id,
        hoursSinceAssigned: hoursBetween(assigned.assigned_at, now),
      },
    });
  });
}

// Response times

export const hoursBetween = (from: Date, to: Date) => Math.round((to.getTime() - from.getTime()) / 3_600_000);

/** The median of some numbers (the mean of the middle two for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ResponseTimes {
  /** Adviser-time requests not refused; how many have an adviser assigned; how many accepted. */
  asked: number;
  assigned: number;
  accepted: number;
  /** Median hours from asking to an adviser assigned, assigned to accepted, and asking to accepted. */
  toAssignHours: number | null;
  toAcceptHours: number | null;
  totalHours: number | null;
}

/** The response times of requests: each measured over those that reached the step. Pure. */
export function responseTimesOf(
  rows: readonly { asked_at: Date; assigned_at: Date | null; accepted_at: Date | null }[],
): ResponseTimes {
  const assigned = rows.filter((r) => r.assigned_at);
  const accepted = assigned.filter((r) => r.accepted_at);
  return {
    asked: rows.length,
    assigned: assigned.length,
    accepted: accepted.length,
    toAssignHours: median(assigned.map((r) => hoursBetween(r.asked_at, r.assigned_at as Date))),
    toAcceptHours: median(accepted.map((r) => hoursBetween(r.assigned_at as Date, r.accepted_at as Date))),
    totalHours: median(accepted.map((r) => hoursBetween(r.asked_at, r.accepted_at as Date))),
  };
}

/** A programme's adviser response times (its latest `TIMES_OVER` requests). Public: counts and medians only. */
export async function adviserResponseTimes(ctx: Ctx, programmeId: string): Promise<ResponseTimes> {
  const programme = await programmeOf(ctx.db, programmeId);
  return responseTimesOf(await repo.adviceTimesOf(ctx.db, programme.id, TIMES_OVER));
}
