/**
 * Open data of regulation (issue 7, item 7): the records the API answers with, and the pages of the
 * register of locations with their current ratings and of the full rating history that the datasets
 * module publishes as CSV and JSON (src/modules/datasets), read page by page in key order. The ids
 * are stable: a location's id and an inspection's id never change. No personal data: the
 * registered manager's name is not published. Public.
 */

import { pageByKey, type Total } from "../../db/paging.ts";
import type { Ctx } from "../access/context.ts";
import { type FindFilter, findServices } from "./find.service.ts";
import type { InspectionView } from "./locations.service.ts";
import type { LocationRow, RatingHistoryRow } from "./regulation.repository.ts";
import * as repo from "./regulation.repository.ts";
import { ratingsOf } from "./regulation.service.ts";
import type { Inspection } from "./regulation.table.ts";

const PAGE_SIZE = 500;

/** A location as open data and the API publish it, with its current (published) rating. */
export function locationRecord(row: LocationRow, current: Inspection | null | undefined) {
  return {
    id: row.id,
    name: row.name,
    regulator: { id: row.regulator_id, name: row.regulator_name },
    provider: { id: row.organisation_id, name: row.organisation_name },
    status: row.status,
    conditions: row.conditions,
    address: { line1: row.address_line1, town: row.town, postcode: row.postcode },
    area: { code: row.area_code, name: row.area_name },
    capacity: row.capacity,
    capacityUnit: row.capacity_unit,
    serviceTypes: row.service_types,
    regulatedActivities: row.activities,
    currentRating: current?.published_at
      ? {
          inspectionId: current.id,
          overall: current.overall,
          keyQuestions: ratingsOf(current),
          inspectedOn: current.inspected_on,
          publishedAt: current.published_at.toISOString(),
          reportUrl: `/regulators/${row.regulator_id}/locations/${row.id}/inspections/${current.id}`,
        }
      : null,
    specialMeasures: row.special_measures,
    enforcementInForce: row.enforcement_in_force,
    pageUrl: `/regulators/${row.regulator_id}/locations/${row.id}`,
  };
}

/** An inspection report as the API shows it. */
export function inspectionRecord(i: InspectionView) {
  return {
    id: i.id,
    locationId: i.registration_id,
    status: i.status,
    inspectedOn: i.inspected_on,
    inspectors: i.inspectors,
    evidenceSummary: i.evidence_summary,
    keyQuestions: i.ratings,
    breach: i.breach,
    breachDetails: i.breach_details,
    calculatedOverall: i.calculated_overall,
    overall: i.overall,
    departureReason: i.departure_reason,
    challengeEndsAt: i.challenge_ends_at.toISOString(),
    publishedAt: i.published_at ? i.published_at.toISOString() : null,
    version: i.version,
    challenges: i.challenges.map((c) => ({
      id: c.id,
      point: c.point,
      outcome: c.outcome,
      response: c.response,
      correctedIn: c.corrected_in,
    })),
    corrections: i.corrections.map((k) => ({
      version: k.version,
      summary: k.summary,
      correctedAt: k.corrected_at.toISOString(),
    })),
    reportUrl: `/regulators/${i.regulator_id}/locations/${i.registration_id}/inspections/${i.id}`,
  };
}

/** A page of registered locations found (as `findServices`), as records, with the page's links. */
export async function registerRecords(
  ctx: Ctx,
  filter: FindFilter,
): Promise<{
  locations: LocationRecord[];
  total: Total;
  next: string | undefined;
  previous: string | undefined;
}> {
  const found = await findServices(ctx, filter);
  const currentIds = found.results.flatMap((row) =>
    row.current_inspection_id ? [row.current_inspection_id] : [],
  );
  const current = await repo.inspectionsByIds(ctx.db, currentIds);
  return {
    locations: found.results.map((row) =>
      locationRecord(row, row.current_inspection_id ? current.get(row.current_inspection_id) : undefined),
    ),
    total: found.total,
    next: found.next,
    previous: found.previous,
  };
}

function ratingRecord(row: RatingHistoryRow) {
  return {
    inspectionId: row.id,
    locationId: row.registration_id,
    locationName: row.location_name,
    regulatorId: row.regulator_id,
    providerId: row.organisation_id,
    inspectedOn: row.inspected_on,
    publishedAt: (row.published_at as Date).toISOString(),
    keyQuestions: ratingsOf(row as Inspection),
    breach: row.breach,
    calculatedOverall: row.calculated_overall,
    overall: row.overall,
    departureReason: row.departure_reason,
  };
}

/**
 * One page of the register of locations (registered, or once registered), in key order (regulator,
 * id) after `after`, each with its current published inspection: the open data. No registered
 * manager's name is published.
 */
export async function openLocationsAfter(
  ctx: Ctx,
  after: readonly [regulatorId: string, id: string] | undefined,
  limit: number,
): Promise<{ location: LocationRow; current: Inspection | undefined }[]> {
  const rows = await repo.locationsAfter(ctx.db, after, limit);
  const current = await repo.inspectionsByKeys(
    ctx.db,
    rows.flatMap((row) =>
      row.current_inspection_id ? [[row.regulator_id, row.current_inspection_id] as const] : [],
    ),
  );
  return rows.map((location) => ({
    location,
    current: location.current_inspection_id ? current.get(location.current_inspection_id) : undefined,
  }));
}

/** One page of every published rating, in key order (regulator, inspection id) after `after`: the open data. */
export function publishedRatingsAfter(
  ctx: Ctx,
  after: readonly [regulatorId: string, id: string] | undefined,
  limit: number,
): Promise<RatingHistoryRow[]> {
  return repo.publishedRatingsAfter(ctx.db, after, limit);
}

/** When the register of locations last changed, and when a rating was last published (the open data's dates). */
export async function latestRegulationChanges(
  ctx: Ctx,
): Promise<{ locations: Date | null; ratings: Date | null }> {
  const [locations, ratings] = await Promise.all([
    repo.latestLocationChange(ctx.db),
    repo.latestRatingPublished(ctx.db),
  ]);
  return { locations, ratings };
}

type LocationRecord = ReturnType<typeof locationRecord>;
type RatingRecord = ReturnType<typeof ratingRecord>;

/** Every published rating, for the API. */
export async function allRatings(ctx: Ctx): Promise<RatingRecord[]> {
  const all: RatingRecord[] = [];
  for await (const page of pageByKey(
    (after: readonly [string, string] | undefined, limit) => repo.publishedRatingsAfter(ctx.db, after, limit),
    (r) => [r.regulator_id, r.id] as const,
    PAGE_SIZE,
  ))
    all.push(...page.map(ratingRecord));
  return all;
}
