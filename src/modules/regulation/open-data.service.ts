/**
 * Open data of regulation (issue 7, item 7): the register of locations with their current ratings
 * and the full rating history, as CSV (codes not labels, one row per record) and JSON, read page by
 * page in id order; the same records are what the API answers with. The ids are stable: a
 * location's id and an inspection's id never change. No personal data: the registered manager's
 * name is not published here. Public.
 */

import { pageByKey, type Total } from "../../db/paging.ts";
import { csvHeader, csvRows } from "../../lib/csv.ts";
import type { Ctx } from "../access/context.ts";
import { type FindFilter, findServices } from "./find.service.ts";
import type { InspectionView } from "./locations.service.ts";
import type { LocationRow, RatingHistoryRow } from "./regulation.repository.ts";
import * as repo from "./regulation.repository.ts";
import { ratingsOf } from "./regulation.service.ts";
import type { Inspection } from "./regulation.table.ts";

export type RegulationDataset = "regulated-locations" | "ratings";

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

/** A location's record, its current rating read from the database. */
async function locationRecordOf(ctx: Ctx, row: LocationRow) {
  const current = row.current_inspection_id
    ? await repo.findInspection(ctx.db, row.regulator_id, row.current_inspection_id)
    : undefined;
  return locationRecord(row, current);
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

const LOCATION_COLUMNS = [
  "location_id",
  "location_name",
  "regulator_id",
  "regulator_name",
  "provider_id",
  "provider_name",
  "status",
  "conditions",
  "address_line1",
  "town",
  "postcode",
  "area_code",
  "area_name",
  "capacity",
  "capacity_unit",
  "service_types",
  "regulated_activities",
  "overall_rating",
  "safe",
  "effective",
  "caring",
  "responsive",
  "well_led",
  "inspected_on",
  "rating_published_at",
  "report_inspection_id",
  "special_measures",
  "enforcement_in_force",
] as const;

const RATING_COLUMNS = [
  "inspection_id",
  "location_id",
  "location_name",
  "regulator_id",
  "provider_id",
  "inspected_on",
  "published_at",
  "safe",
  "effective",
  "caring",
  "responsive",
  "well_led",
  "breach",
  "calculated_overall",
  "overall_rating",
  "departure_reason",
] as const;

/** Pages of records of a dataset, in id order. */
async function* recordsOf(ctx: Ctx, dataset: RegulationDataset): AsyncGenerator<unknown[]> {
  if (dataset === "regulated-locations") {
    for await (const page of pageByKey(
      (after: string | undefined, limit) => repo.locationsAfter(ctx.db, after, limit),
      (r) => r.id,
      PAGE_SIZE,
    )) {
      const records = [];
      for (const row of page) records.push(await locationRecordOf(ctx, row));
      yield records;
    }
  } else {
    for await (const page of pageByKey(
      (after: string | undefined, limit) => repo.publishedRatingsAfter(ctx.db, after, limit),
      (r) => r.id,
      PAGE_SIZE,
    ))
      yield page.map(ratingRecord);
  }
}

type LocationRecord = ReturnType<typeof locationRecord>;
type RatingRecord = ReturnType<typeof ratingRecord>;

function csvRow(dataset: RegulationDataset, record: unknown): Record<string, unknown> {
  if (dataset === "regulated-locations") {
    const l = record as LocationRecord;
    const c = l.currentRating;
    return {
      location_id: l.id,
      location_name: l.name,
      regulator_id: l.regulator.id,
      regulator_name: l.regulator.name,
      provider_id: l.provider.id,
      provider_name: l.provider.name,
      status: l.status,
      conditions: l.conditions,
      address_line1: l.address.line1,
      town: l.address.town,
      postcode: l.address.postcode,
      area_code: l.area.code,
      area_name: l.area.name,
      capacity: l.capacity,
      capacity_unit: l.capacityUnit,
      service_types: l.serviceTypes.join(";"),
      regulated_activities: l.regulatedActivities.join(";"),
      overall_rating: c?.overall ?? "",
      safe: c?.keyQuestions?.safe ?? "",
      effective: c?.keyQuestions?.effective ?? "",
      caring: c?.keyQuestions?.caring ?? "",
      responsive: c?.keyQuestions?.responsive ?? "",
      well_led: c?.keyQuestions?.["well-led"] ?? "",
      inspected_on: c?.inspectedOn ?? "",
      rating_published_at: c?.publishedAt ?? "",
      report_inspection_id: c?.inspectionId ?? "",
      special_measures: l.specialMeasures,
      enforcement_in_force: l.enforcementInForce,
    };
  }
  const r = record as RatingRecord;
  return {
    inspection_id: r.inspectionId,
    location_id: r.locationId,
    location_name: r.locationName,
    regulator_id: r.regulatorId,
    provider_id: r.providerId,
    inspected_on: r.inspectedOn,
    published_at: r.publishedAt,
    safe: r.keyQuestions.safe,
    effective: r.keyQuestions.effective,
    caring: r.keyQuestions.caring,
    responsive: r.keyQuestions.responsive,
    well_led: r.keyQuestions["well-led"],
    breach: r.breach,
    calculated_overall: r.calculatedOverall,
    overall_rating: r.overall,
    departure_reason: r.departureReason ?? "",
  };
}

/** A dataset as CSV (UTF-8, header row, codes not labels), a chunk per page. */
export async function* openDataCsv(ctx: Ctx, dataset: RegulationDataset): AsyncGenerator<string> {
  const columns = [...(dataset === "regulated-locations" ? LOCATION_COLUMNS : RATING_COLUMNS)];
  yield csvHeader(columns);
  for await (const page of recordsOf(ctx, dataset)) {
    if (page.length === 0) continue;
    yield csvRows(
      page.map((r) => csvRow(dataset, r)),
      columns,
    );
  }
}

/** A dataset as one JSON document `{ "locations": [...] }` or `{ "ratings": [...] }`, a chunk per record. */
export async function* openDataJson(ctx: Ctx, dataset: RegulationDataset): AsyncGenerator<string> {
  const key = dataset === "regulated-locations" ? "locations" : "ratings";
  yield `{"${key}":[`;
  let first = true;
  for await (const page of recordsOf(ctx, dataset)) {
    for (const record of page) {
      yield `${first ? "" : ","}${JSON.stringify(record)}`;
      first = false;
    }
  }
  yield "]}";
}

/** Every published rating, for the API. */
export async function allRatings(ctx: Ctx): Promise<RatingRecord[]> {
  const all: RatingRecord[] = [];
  for await (const page of recordsOf(ctx, "ratings")) all.push(...(page as RatingRecord[]));
  return all;
}
