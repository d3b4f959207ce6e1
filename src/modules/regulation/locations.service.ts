/**
 * A location on a regulator's register as its page and the API show it: its registration history,
 * its inspection reports (published ones for everyone; drafts too for the regulator's staff and the
 * provider) and its enforcement. Applications and refusals are seen only by the regulator's staff
 * and the provider; for anyone else they are not found.
 */
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import type { Panel } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";
import { extrasOf } from "./find.service.ts";
import { BREACH_CAP, type KeyQuestionRatings, ratingRank } from "./ratings.ts";
import { type Regime, regimeOf } from "./regimes.service.ts";
import * as repo from "./regulation.repository.ts";
import {
  actsForProvider,
  canManage,
  maySeeRegistration,
  type Names,
  namesOf,
  ratingsOf,
} from "./regulation.service.ts";
import type {
  AccuracyChallenge,
  EnforcementAction,
  Inspection,
  InspectionCorrection,
  RegistrationEvent,
} from "./regulation.table.ts";

export interface InspectionView extends Inspection {
  ratings: KeyQuestionRatings;
  challenges: AccuracyChallenge[];
  /** The corrections of the draft, first first: each made a new version. */
  corrections: InspectionCorrection[];
  /** Accepted points the draft does not yet reflect: a corrected draft must come before publishing. */
  awaitingCorrection: number;
  /** The provider may still challenge it. */
  challengeOpen: boolean;
  /** The regulator may publish it now. */
  publishable: boolean;
}

/** The accepted points a draft does not yet reflect: they wait for a corrected draft. */
export function awaitingCorrection(challenges: readonly AccuracyChallenge[]): AccuracyChallenge[] {
  return challenges.filter((c) => c.outcome === "accepted" && c.corrected_in === null);
}

export interface LocationView {
  location: repo.LocationRow;
  regime: Regime;
  events: RegistrationEvent[];
  /** Published reports, newest first; drafts too for the regulator's staff and the provider. */
  inspections: InspectionView[];
  current: InspectionView | null;
  enforcement: EnforcementAction[];
  inForce: EnforcementAction[];
  canManage: boolean;
  isProvider: boolean;
}

/** An inspection with its ratings, its challenged points and where its factual-accuracy period is. */
export async function inspectionViewOf(ctx: Ctx, inspection: Inspection): Promise<InspectionView> {
  const [challenges, corrections] = await Promise.all([
    repo.challengesOf(ctx.db, inspection.regulator_id, inspection.id),
    repo.correctionsOf(ctx.db, inspection.regulator_id, inspection.id),
  ]);
  const now = ctx.clock.now();
  const draft = inspection.status === "draft-report";
  const uncorrected = awaitingCorrection(challenges).length;
  const withinCap = !inspection.breach || ratingRank(inspection.overall) >= ratingRank(BREACH_CAP);
  return {
    ...inspection,
    ratings: ratingsOf(inspection),
    challenges,
    corrections,
    awaitingCorrection: uncorrected,
    challengeOpen: draft && now < inspection.challenge_ends_at,
    publishable:
      draft &&
      now >= inspection.challenge_ends_at &&
      challenges.every((c) => c.outcome !== null) &&
      uncorrected === 0 &&
      withinCap,
  };
}

async function viewOfLocation(ctx: Ctx, location: repo.LocationRow | undefined): Promise<LocationView> {
  if (!location) throw new NotFoundError("registered location");
  const regulatorId = location.regulator_id;
  if (!maySeeRegistration(ctx.principal, location)) throw new NotFoundError("registered location");
  const manage = canManage(ctx.principal, regulatorId);
  const provider = actsForProvider(ctx.principal, location.organisation_id);
  const [regime, events, inspections, enforcement] = await Promise.all([
    regimeOf(ctx, regulatorId),
    repo.registrationEvents(ctx.db, regulatorId, location.id),
    repo.inspectionsOf(ctx.db, regulatorId, location.id),
    repo.enforcementOf(ctx.db, regulatorId, location.id),
  ]);
  const visible = inspections.filter((i) => i.status === "published" || manage || provider);
  const views: InspectionView[] = [];
  for (const i of visible) views.push(await inspectionViewOf(ctx, i));
  const current = views.find((v) => v.id === location.current_inspection_id) ?? null;
  return {
    location,
    regime,
    events,
    inspections: views,
    current,
    enforcement,
    inForce: enforcement.filter((e) => e.resolved_at === null),
    canManage: manage,
    isProvider: provider,
  };
}

/** A location of this regulator, as its page and the API show it; 404 when unknown or another regulator's. */
export async function locationView(ctx: Ctx, regulatorId: string, locationId: string): Promise<LocationView> {
  const location = isUuid(locationId) ? await repo.findLocation(ctx.db, locationId) : undefined;
  return viewOfLocation(ctx, location?.regulator_id === regulatorId ? location : undefined);
}

/** A location by its id alone (with any regulator), as the API shows it; 404 when unknown. */
export async function locationById(ctx: Ctx, locationId: string): Promise<LocationView> {
  return viewOfLocation(ctx, isUuid(locationId) ? await repo.findLocation(ctx.db, locationId) : undefined);
}

/** A location's page: the location and the names of the codes it shows. */
export async function locationPage(
  ctx: Ctx,
  regulatorId: string,
  locationId: string,
): Promise<LocationView & Names & { extras: Panel[] }> {
  const [view, names] = await Promise.all([locationView(ctx, regulatorId, locationId), namesOf(ctx)]);
  const extras = await extrasOf(ctx, [view.location.organisation_id]);
  return { ...view, ...names, extras: extras.get(view.location.organisation_id) ?? [] };
}

/** One inspection report: published for everyone; a draft only for the regulator's staff and the provider. */
export async function inspectionReport(
  ctx: Ctx,
  regulatorId: string,
  locationId: string,
  inspectionId: string,
): Promise<{ view: LocationView; report: InspectionView }> {
  const view = await locationView(ctx, regulatorId, locationId);
  const report = view.inspections.find((i) => i.id === inspectionId);
  if (!report) throw new NotFoundError("inspection report");
  return { view, report };
}

/** One inspection report by the regulator and the inspection's id (as `inspectionReport`). */
export async function inspectionById(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
): Promise<InspectionView> {
  const inspection = isUuid(inspectionId)
    ? await repo.findInspection(ctx.db, regulatorId, inspectionId)
    : undefined;
  if (!inspection) throw new NotFoundError("inspection report");
  return (await inspectionReport(ctx, regulatorId, inspection.registration_id, inspectionId)).report;
}
