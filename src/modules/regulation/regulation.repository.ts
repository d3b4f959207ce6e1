/** Regulation's SQL. Every function takes the database or a transaction first. */
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import { countUpTo, type Total } from "../../db/paging.ts";
import type {
  AccuracyChallenge,
  EnforcementAction,
  EnforcementKind,
  Inspection,
  InspectionCorrection,
  NewInspection,
  NewInspectionCorrection,
  NewRegistration,
  Registration,
  RegistrationEvent,
  RegistrationStatus,
  RegulatorRegime,
} from "./regulation.table.ts";

// Regulators and regimes

export interface RegulatorRow {
  id: string;
  name: string;
  slug: string;
  nation: "england-and-wales" | "scotland" | "northern-ireland";
  verified: boolean;
}

export async function regulators(db: Db): Promise<RegulatorRow[]> {
  const rows = await db
    .selectFrom("authorities")
    .select(["id", "name", "slug", "nation", "verified_at"])
    .where("kind", "=", "regulator")
    .where("rejected_at", "is", null)
    .orderBy("name")
    .orderBy("id")
    .execute();
  return rows.map(({ verified_at, ...r }) => ({ ...r, verified: verified_at !== null }));
}

export async function findRegulator(db: Db, id: string): Promise<RegulatorRow | undefined> {
  const row = await db
    .selectFrom("authorities")
    .select(["id", "name", "slug", "nation", "verified_at"])
    .where("kind", "=", "regulator")
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { verified_at, ...r } = row;
  return { ...r, verified: verified_at !== null };
}

export function findRegime(db: Db, regulatorId: string): Promise<RegulatorRegime | undefined> {
  return db
    .selectFrom("regulator_regimes")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .executeTakeFirst();
}

export async function regimeCodes(
  db: Db,
  regulatorId: string,
): Promise<{ serviceTypes: string[]; activities: string[] }> {
  const [types, activities] = await Promise.all([
    db
      .selectFrom("regulator_service_types")
      .select("category_code")
      .where("regulator_id", "=", regulatorId)
      .orderBy("category_code")
      .execute(),
    db
      .selectFrom("regulator_activities")
      .select("activity_code")
      .where("regulator_id", "=", regulatorId)
      .orderBy("activity_code")
      .execute(),
  ]);
  return {
    serviceTypes: types.map((t) => t.category_code),
    activities: activities.map((a) => a.activity_code),
  };
}

export async function saveRegime(
  trx: Trx,
  regime: RegulatorRegime,
  serviceTypes: readonly string[],
  activities: readonly string[],
): Promise<void> {
  await trx
    .insertInto("regulator_regimes")
    .values(regime)
    .onConflict((oc) =>
      oc.column("regulator_id").doUpdateSet({
        reinspection_months: regime.reinspection_months,
        factual_accuracy_working_days: regime.factual_accuracy_working_days,
        representation_days: regime.representation_days,
        updated_at: regime.updated_at,
      }),
    )
    .execute();
  await trx.deleteFrom("regulator_service_types").where("regulator_id", "=", regime.regulator_id).execute();
  await trx.deleteFrom("regulator_activities").where("regulator_id", "=", regime.regulator_id).execute();
  if (serviceTypes.length > 0)
    await trx
      .insertInto("regulator_service_types")
      .values(serviceTypes.map((category_code) => ({ regulator_id: regime.regulator_id, category_code })))
      .execute();
  if (activities.length > 0)
    await trx
      .insertInto("regulator_activities")
      .values(activities.map((activity_code) => ({ regulator_id: regime.regulator_id, activity_code })))
      .execute();
}

export function regulatedActivities(db: Db): Promise<{ code: string; name: string }[]> {
  return db.selectFrom("regulated_activities").select(["code", "name"]).orderBy("position").execute();
}

/** Service types and activities that some registration of this regulator still holds. */
export async function codesInUse(
  db: Db,
  regulatorId: string,
): Promise<{ serviceTypes: string[]; activities: string[] }> {
  const live = ["applied", "registered", "dormant", "suspended"] as const;
  const [types, activities] = await Promise.all([
    db
      .selectFrom("registration_service_types as t")
      .innerJoin("registrations as r", (j) =>
        j.onRef("r.regulator_id", "=", "t.regulator_id").onRef("r.id", "=", "t.registration_id"),
      )
      .select("t.category_code")
      .distinct()
      .where("t.regulator_id", "=", regulatorId)
      .where("r.status", "in", live)
      .execute(),
    db
      .selectFrom("registration_activities as a")
      .innerJoin("registrations as r", (j) =>
        j.onRef("r.regulator_id", "=", "a.regulator_id").onRef("r.id", "=", "a.registration_id"),
      )
      .select("a.activity_code")
      .distinct()
      .where("a.regulator_id", "=", regulatorId)
      .where("r.status", "in", live)
      .execute(),
  ]);
  return {
    serviceTypes: types.map((t) => t.category_code),
    activities: activities.map((a) => a.activity_code),
  };
}

// Registrations

export async function insertRegistration(
  trx: Trx,
  registration: NewRegistration,
  serviceTypes: readonly string[],
  activities: readonly string[],
): Promise<void> {
  await trx.insertInto("registrations").values(registration).execute();
  const key = { regulator_id: registration.regulator_id, registration_id: registration.id };
  await trx
    .insertInto("registration_service_types")
    .values(serviceTypes.map((category_code) => ({ ...key, category_code })))
    .execute();
  await trx
    .insertInto("registration_activities")
    .values(activities.map((activity_code) => ({ ...key, activity_code })))
    .execute();
}

export function lockRegistration(
  trx: Trx,
  regulatorId: string,
  id: string,
): Promise<Registration | undefined> {
  return trx
    .selectFrom("registrations")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function setRegistrationStatus(
  trx: Trx,
  regulatorId: string,
  id: string,
  change: { status: RegistrationStatus; reason: string; conditions: string; at: Date },
): Promise<void> {
  await trx
    .updateTable("registrations")
    .set({
      status: change.status,
      status_reason: change.reason,
      conditions: change.conditions,
      status_changed_at: change.at,
      updated_at: change.at,
    })
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .execute();
}

export async function setConditions(
  trx: Trx,
  regulatorId: string,
  id: string,
  conditions: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable("registrations")
    .set({ conditions, updated_at: at })
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .execute();
}

export async function insertRegistrationEvent(trx: Trx, event: RegistrationEvent): Promise<void> {
  await trx.insertInto("registration_events").values(event).execute();
}

export function registrationEvents(
  db: Db,
  regulatorId: string,
  registrationId: string,
): Promise<RegistrationEvent[]> {
  return db
    .selectFrom("registration_events")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("registration_id", "=", registrationId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

/** A location with its provider, regulator, area and current (latest published) rating. */
export interface LocationRow extends Registration {
  organisation_name: string;
  regulator_name: string;
  area_name: string;
  service_types: string[];
  activities: string[];
  current_inspection_id: string | null;
  current_overall: string | null;
  current_published_at: Date | null;
  current_inspected_on: string | null;
  special_measures: boolean;
  enforcement_in_force: number;
}

/** The order Find a service shows locations in: best rated first, then by name, then by id. */
const sortName = sql<string>`(lower(r.name) collate "C")`;

type LocationKeys = SelectQueryBuilder<
  Database & { r: Database["registrations"] },
  "r",
  { regulator_id: string; id: string; current_rating_rank: number; sort_name: string }
>;

/**
 * Locations with their provider, regulator, area and current inspection (by the reference each
 * registration holds): all of them, or only the rows `keys` picks (a page). Their service types,
 * activities and enforcement are added by `withDetails`, for the rows read alone.
 */
function locations(db: Db, keys?: LocationKeys) {
  const from = keys
    ? db
        .selectFrom(keys.as("p"))
        .innerJoin("registrations as r", (j) =>
          j.onRef("r.regulator_id", "=", "p.regulator_id").onRef("r.id", "=", "p.id"),
        )
    : db.selectFrom("registrations as r");
  return (from as ReturnType<Db["selectFrom"]> as unknown as ReturnType<typeof registrationsFrom>)
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .innerJoin("authorities as g", "g.id", "r.regulator_id")
    .innerJoin("areas as ar", "ar.code", "r.area_code")
    .leftJoin("inspections as ci", (j) =>
      j.onRef("ci.regulator_id", "=", "r.regulator_id").onRef("ci.id", "=", "r.current_inspection_id"),
    )
    .selectAll("r")
    .select([
      "o.name as organisation_name",
      "g.name as regulator_name",
      "ar.name as area_name",
      "ci.overall as current_overall",
      "ci.published_at as current_published_at",
      sql<string | null>`to_char(ci.inspected_on, 'YYYY-MM-DD')`.as("current_inspected_on"),
    ]);
}

type LocationBase = Omit<
  LocationRow,
  "service_types" | "activities" | "special_measures" | "enforcement_in_force"
>;

/**
 * Each location with its service types, activities and enforcement in force: three short queries
 * by the rows' keys (a thousand at a time), rather than a subquery — or a lateral join, which the
 * planner takes longer to plan than to run — for each row.
 */
async function withDetails<Row extends LocationBase>(
  db: Db,
  rows: readonly Row[],
): Promise<
  (Row & Pick<LocationRow, "service_types" | "activities" | "special_measures" | "enforcement_in_force">)[]
> {
  const types = new Map<string, string[]>();
  const activities = new Map<string, string[]>();
  const enforcement = new Map<string, { special: boolean; inForce: number }>();
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    const regulators = [...new Set(batch.map((row) => row.regulator_id))];
    const ids = batch.map((row) => row.id);
    const [typeRows, activityRows, enforcementRows] = await Promise.all([
      db
        .selectFrom("registration_service_types")
        .select(["registration_id", "category_code"])
        .where("regulator_id", "in", regulators)
        .where("registration_id", "in", ids)
        .orderBy("category_code")
        .execute(),
      db
        .selectFrom("registration_activities")
        .select(["registration_id", "activity_code"])
        .where("regulator_id", "in", regulators)
        .where("registration_id", "in", ids)
        .orderBy("activity_code")
        .execute(),
      db
        .selectFrom("enforcement_actions")
        .select([
          "registration_id",
          sql<boolean>`bool_or(kind = 'special-measures')`.as("special"),
          sql<number>`count(*)::int`.as("in_force"),
        ])
        .where("regulator_id", "in", regulators)
        .where("registration_id", "in", ids)
        .where("resolved_at", "is", null)
        .groupBy("registration_id")
        .execute(),
    ]);
    for (const row of typeRows)
      types.set(row.registration_id, [...(types.get(row.registration_id) ?? []), row.category_code]);
    for (const row of activityRows)
      activities.set(row.registration_id, [
        ...(activities.get(row.registration_id) ?? []),
        row.activity_code,
      ]);
    for (const row of enforcementRows)
      enforcement.set(row.registration_id, { special: row.special, inForce: row.in_force });
  }
  return rows.map((row) => ({
    ...row,
    service_types: types.get(row.id) ?? [],
    activities: activities.get(row.id) ?? [],
    special_measures: enforcement.get(row.id)?.special ?? false,
    enforcement_in_force: enforcement.get(row.id)?.inForce ?? 0,
  }));
}

function registrationsFrom(db: Db) {
  return db.selectFrom("registrations as r");
}

export async function findLocation(db: Db, id: string): Promise<LocationRow | undefined> {
  const row = (await locations(db).where("r.id", "=", id).executeTakeFirst()) as LocationBase | undefined;
  return row ? (await withDetails(db, [row]))[0] : undefined;
}

export interface LocationFilter {
  regulatorId?: string;
  organisationIds?: readonly string[];
  statuses?: readonly RegistrationStatus[];
  serviceType?: string;
  areaCode?: string;
  /** The outward code of the postcode, like "WS1". */
  postcodeDistrict?: string;
  /** The current overall rating's rank (0 Outstanding … 3 Inadequate, 4 not rated). */
  ratingRank?: number;
}

/** The registrations meeting the filter (`undefined` when none can). */
function filteredRegistrations<
  Q extends SelectQueryBuilder<Database & { r: Database["registrations"] }, "r", object>,
>(query: Q, filter: LocationFilter): Q | undefined {
  let q = query as SelectQueryBuilder<Database & { r: Database["registrations"] }, "r", object>;
  if (filter.regulatorId) q = q.where("r.regulator_id", "=", filter.regulatorId);
  if (filter.organisationIds) {
    if (filter.organisationIds.length === 0) return undefined;
    q = q.where("r.organisation_id", "in", filter.organisationIds);
  }
  if (filter.statuses) q = q.where("r.status", "in", filter.statuses);
  if (filter.areaCode) q = q.where("r.area_code", "=", filter.areaCode);
  if (filter.ratingRank !== undefined) q = q.where("r.current_rating_rank", "=", filter.ratingRank);
  if (filter.postcodeDistrict)
    q = q.where(
      sql<string>`upper(split_part(r.postcode, ' ', 1))`,
      "=",
      filter.postcodeDistrict.toUpperCase(),
    );
  if (filter.serviceType) {
    const code = filter.serviceType;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("registration_service_types as t")
          .select("t.category_code")
          .whereRef("t.regulator_id", "=", "r.regulator_id")
          .whereRef("t.registration_id", "=", "r.id")
          .where("t.category_code", "=", code),
      ),
    );
  }
  return q as Q;
}

/** Every location meeting the filter, by name (a regulator's or a provider's own: not for the public search). */
export async function findLocations(db: Db, filter: LocationFilter): Promise<LocationRow[]> {
  const q = filteredRegistrations(locations(db), filter);
  if (!q) return [];
  return withDetails(db, (await q.orderBy("r.name").orderBy("r.id").execute()) as LocationBase[]);
}

/** Where a page of Find a service starts: after the row with this key, or (going back) before it. */
export interface LocationSeek {
  key: readonly [ratingRank: number, sortName: string, id: string];
  direction: "after" | "before";
}

/** A location as Find a service lists it, with its place in the order (its page key). */
export type RankedLocationRow = LocationRow & { current_rating_rank: number; sort_name: string };

/**
 * One page of the locations meeting the filter, best rated first, then by name: up to `limit`,
 * after (or before) `seek`. The page's rows are chosen by key first (the index
 * `registrations_find_order`), then given their names, inspection and the rest.
 */
export async function findLocationsPage(
  db: Db,
  filter: LocationFilter,
  limit: number,
  seek?: LocationSeek,
): Promise<RankedLocationRow[]> {
  let keys = filteredRegistrations(
    db
      .selectFrom("registrations as r")
      .select(["r.regulator_id", "r.id", "r.current_rating_rank", sortName.as("sort_name")]),
    filter,
  ) as LocationKeys | undefined;
  if (!keys) return [];
  const backwards = seek?.direction === "before";
  if (seek) {
    const [rank, name, id] = seek.key;
    keys = keys.where(
      sql<boolean>`(r.current_rating_rank, ${sortName}, r.id) ${sql.raw(backwards ? "<" : ">")} (${rank}, ${name}, ${id})`,
    );
  }
  const direction = backwards ? "desc" : "asc";
  keys = keys
    .orderBy("r.current_rating_rank", direction)
    .orderBy(sortName, direction)
    .orderBy("r.id", direction)
    .limit(limit);
  const rows = (await locations(db, keys)
    .select(["p.sort_name"] as never)
    .orderBy(sql`p.current_rating_rank`, direction)
    .orderBy(sql`p.sort_name`, direction)
    .orderBy(sql`p.id`, direction)
    .execute()) as unknown as (LocationBase & { current_rating_rank: number; sort_name: string })[];
  return withDetails(db, backwards ? rows.reverse() : rows);
}

/** How many locations meet the filter, counted up to `cap`. */
export function countLocations(db: Db, filter: LocationFilter, cap: number): Promise<Total> {
  const q = filteredRegistrations(db.selectFrom("registrations as r").select("r.id"), filter);
  return q ? countUpTo(db, q, cap) : Promise.resolve({ count: 0, atLeast: false });
}

/** Locations after `after` in id order: the open-data register, page by page. */
export async function locationsAfter(
  db: Db,
  after: readonly [regulatorId: string, id: string] | undefined,
  limit: number,
): Promise<LocationRow[]> {
  let q = locations(db).where("r.status", "<>", "applied").where("r.status", "<>", "refused");
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("r.regulator_id", "r.id"), ">", tuple(after[0], after[1])),
    );
  return withDetails(
    db,
    (await q.orderBy("r.regulator_id").orderBy("r.id").limit(limit).execute()) as LocationBase[],
  );
}

/**
 * When the register of locations last changed — a registration, a published rating, enforcement
 * issued or resolved — each the end of an index, not a scan.
 */
export async function latestLocationChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("registrations")
        .select((q) => q.fn.max<Date | null>("updated_at").as("a"))
        .as("registered"),
      eb
        .selectFrom("inspections")
        .select((q) => q.fn.max<Date | null>("published_at").as("a"))
        .as("rated"),
      eb
        .selectFrom("enforcement_actions")
        .select((q) => q.fn.max<Date | null>("issued_at").as("a"))
        .as("issued"),
      eb
        .selectFrom("enforcement_actions")
        .select((q) => q.fn.max<Date | null>("resolved_at").as("a"))
        .as("resolved"),
    ])
    .executeTakeFirstOrThrow();
  return [row.registered, row.rated, row.issued, row.resolved].reduce<Date | null>(
    (max, d) => (d && (!max || d > max) ? d : max),
    null,
  );
}

/** When a rating was last published: the end of an index, not a scan. */
export async function latestRatingPublished(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("inspections")
    .select((eb) => eb.fn.max<Date | null>("published_at").as("at"))
    .executeTakeFirst();
  return row?.at ?? null;
}

export async function hasRegistrationFor(db: Db, organisationId: string, activity: string): Promise<boolean> {
  const row = await db
    .selectFrom("registrations as r")
    .innerJoin("registration_activities as a", (j) =>
      j.onRef("a.regulator_id", "=", "r.regulator_id").onRef("a.registration_id", "=", "r.id"),
    )
    .select("r.id")
    .where("r.organisation_id", "=", organisationId)
    .where("r.status", "=", "registered")
    .where("a.activity_code", "=", activity)
    .executeTakeFirst();
  return row !== undefined;
}

export async function organisationName(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom("organisations").select("name").where("id", "=", id).executeTakeFirst();
  return row?.name;
}

export function organisationChoices(db: Db): Promise<{ id: string; name: string }[]> {
  return db.selectFrom("organisations").select(["id", "name"]).orderBy("name").orderBy("id").execute();
}

// Inspections

export async function insertInspection(trx: Trx, inspection: NewInspection): Promise<void> {
  await trx.insertInto("inspections").values(inspection).execute();
}

export function inspectionsOf(db: Db, regulatorId: string, registrationId: string): Promise<Inspection[]> {
  return db
    .selectFrom("inspections")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("registration_id", "=", registrationId)
    .orderBy("inspected_on", "desc")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function findInspection(db: Db, regulatorId: string, id: string): Promise<Inspection | undefined> {
  return db
    .selectFrom("inspections")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Inspections by id (any regulator's): for views that list many locations at once. */
export async function inspectionsByIds(db: Db, ids: readonly string[]): Promise<Map<string, Inspection>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("inspections").selectAll().where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** These inspections, by their keys (regulator, id). */
export async function inspectionsByKeys(
  db: Db,
  keys: readonly (readonly [regulatorId: string, id: string])[],
): Promise<Map<string, Inspection>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom("inspections")
    .selectAll()
    .where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("regulator_id", "id"),
        "in",
        keys.map(([regulatorId, id]) => tuple(regulatorId, id)),
      ),
    )
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** When each of these registrations' open special measures began (the earliest open action). */
export async function specialMeasuresSince(
  db: Db,
  registrationIds: readonly string[],
): Promise<Map<string, Date>> {
  if (registrationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("enforcement_actions")
    .select(["registration_id", (eb) => eb.fn.min("issued_at").as("since")])
    .where("registration_id", "in", registrationIds)
    .where("kind", "=", "special-measures")
    .where("resolved_at", "is", null)
    .groupBy("registration_id")
    .execute();
  return new Map(rows.map((r) => [r.registration_id, new Date(r.since as unknown as string | Date)]));
}

export function lockInspection(trx: Trx, regulatorId: string, id: string): Promise<Inspection | undefined> {
  return trx
    .selectFrom("inspections")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function publishInspection(trx: Trx, regulatorId: string, id: string, at: Date): Promise<void> {
  await trx
    .updateTable("inspections")
    .set({ status: "published", published_at: at })
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .execute();
}

/** What a correction writes over a draft report: its content and its new version. */
export interface CorrectedContent {
  inspected_on: string;
  inspectors: string;
  evidence_summary: string;
  safe: Inspection["safe"];
  effective: Inspection["effective"];
  caring: Inspection["caring"];
  responsive: Inspection["responsive"];
  well_led: Inspection["well_led"];
  breach: boolean;
  breach_details: string;
  calculated_overall: Inspection["calculated_overall"];
  overall: Inspection["overall"];
  departure_reason: string | null;
  version: number;
}

/** Writes a corrected draft over the draft (a published report cannot be changed: trigger). */
export async function correctInspection(
  trx: Trx,
  regulatorId: string,
  id: string,
  content: CorrectedContent,
): Promise<void> {
  await trx
    .updateTable("inspections")
    .set(content)
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .where("status", "=", "draft-report")
    .execute();
}

export async function insertCorrection(trx: Trx, correction: NewInspectionCorrection): Promise<void> {
  await trx.insertInto("inspection_corrections").values(correction).execute();
}

/** The corrections of a report, first first. */
export function correctionsOf(
  db: Db,
  regulatorId: string,
  inspectionId: string,
): Promise<InspectionCorrection[]> {
  return db
    .selectFrom("inspection_corrections")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("inspection_id", "=", inspectionId)
    .orderBy("version")
    .execute();
}

/** A published rating with its location, for the open-data rating history. */
export interface RatingHistoryRow extends Inspection {
  location_name: string;
  organisation_id: string;
  organisation_name: string;
  regulator_name: string;
}

export function publishedRatingsAfter(
  db: Db,
  after: readonly [regulatorId: string, id: string] | undefined,
  limit: number,
): Promise<RatingHistoryRow[]> {
  let q = db
    .selectFrom("inspections as i")
    .innerJoin("registrations as r", (j) =>
      j.onRef("r.regulator_id", "=", "i.regulator_id").onRef("r.id", "=", "i.registration_id"),
    )
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .innerJoin("authorities as g", "g.id", "i.regulator_id")
    .selectAll("i")
    .select([
      "r.name as location_name",
      "r.organisation_id",
      "o.name as organisation_name",
      "g.name as regulator_name",
    ])
    .where("i.status", "=", "published");
  if (after)
    q = q.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("i.regulator_id", "i.id"), ">", tuple(after[0], after[1])),
    );
  return q.orderBy("i.regulator_id").orderBy("i.id").limit(limit).execute();
}

// Factual-accuracy challenges

export async function insertChallenge(trx: Trx, challenge: AccuracyChallenge): Promise<void> {
  await trx.insertInto("accuracy_challenges").values(challenge).execute();
}

export function challengesOf(
  db: Db,
  regulatorId: string,
  inspectionId: string,
): Promise<AccuracyChallenge[]> {
  return db
    .selectFrom("accuracy_challenges")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("inspection_id", "=", inspectionId)
    .orderBy("submitted_at")
    .orderBy("id")
    .execute();
}

export function lockChallenge(
  trx: Trx,
  regulatorId: string,
  id: string,
): Promise<AccuracyChallenge | undefined> {
  return trx
    .selectFrom("accuracy_challenges")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** Writes the regulator's answer to a challenged point. */
export async function setChallengeAnswer(
  trx: Trx,
  regulatorId: string,
  id: string,
  answer: { outcome: "accepted" | "rejected"; response: string; answeredBy: string | null; at: Date },
): Promise<void> {
  await trx
    .updateTable("accuracy_challenges")
    .set({
      outcome: answer.outcome,
      response: answer.response,
      answered_by: answer.answeredBy,
      answered_at: answer.at,
    })
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .execute();
}

/** Marks every accepted point of a report not yet reflected as reflected in `version`; their ids. */
export async function markAcceptedCorrected(
  trx: Trx,
  regulatorId: string,
  inspectionId: string,
  version: number,
): Promise<string[]> {
  const rows = await trx
    .updateTable("accuracy_challenges")
    .set({ corrected_in: version })
    .where("regulator_id", "=", regulatorId)
    .where("inspection_id", "=", inspectionId)
    .where("outcome", "=", "accepted")
    .where("corrected_in", "is", null)
    .returning("id")
    .execute();
  return rows.map((r) => r.id).sort();
}

// Enforcement

export async function insertEnforcement(trx: Trx, action: EnforcementAction): Promise<void> {
  await trx.insertInto("enforcement_actions").values(action).execute();
}

export function enforcementOf(
  db: Db,
  regulatorId: string,
  registrationId: string,
): Promise<EnforcementAction[]> {
  return db
    .selectFrom("enforcement_actions")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("registration_id", "=", registrationId)
    .orderBy("issued_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export function openEnforcement(
  trx: Db,
  regulatorId: string,
  registrationId: string,
  kind?: EnforcementKind,
): Promise<EnforcementAction[]> {
  let q = trx
    .selectFrom("enforcement_actions")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("registration_id", "=", registrationId)
    .where("resolved_at", "is", null);
  if (kind) q = q.where("kind", "=", kind);
  return q.orderBy("issued_at").orderBy("id").execute();
}

export function lockEnforcement(
  trx: Trx,
  regulatorId: string,
  id: string,
): Promise<EnforcementAction | undefined> {
  return trx
    .selectFrom("enforcement_actions")
    .selectAll()
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

/** Writes an enforcement action's resolution. */
export async function setEnforcementResolved(
  trx: Trx,
  regulatorId: string,
  id: string,
  resolution: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable("enforcement_actions")
    .set({ resolved_at: at, resolution })
    .where("regulator_id", "=", regulatorId)
    .where("id", "=", id)
    .execute();
}

// A person's work (tasks.service.ts)

/** A draft report with its location, regulator and the points of fact challenged in it. */
export interface DraftReportRow {
  regulator_id: string;
  inspection_id: string;
  registration_id: string;
  inspected_on: string;
  challenge_ends_at: Date;
  location_name: string;
  organisation_id: string;
  regulator_name: string;
  /** Points challenged and not yet answered. */
  unanswered: bigint;
  /** Points accepted and not yet reflected in a corrected draft. */
  uncorrected: bigint;
  total: bigint;
}

/**
 * Draft reports (not yet published) of these regulators, or of these providers' locations, the
 * factual-accuracy period ending soonest first: at most `limit`, with how many in all (`total`).
 */
export function draftReports(
  db: Db,
  of: { regulatorIds: readonly string[] } | { organisationIds: readonly string[] },
  limit: number,
): Promise<DraftReportRow[]> {
  const ids = "regulatorIds" in of ? of.regulatorIds : of.organisationIds;
  if (ids.length === 0) return Promise.resolve([]);
  const points = (where: ReturnType<typeof sql>) => sql<bigint>`(
    select count(*) from accuracy_challenges c
    where c.regulator_id = i.regulator_id and c.inspection_id = i.id and ${where})`;
  return db
    .selectFrom("inspections as i")
    .innerJoin("registrations as r", (j) =>
      j.onRef("r.regulator_id", "=", "i.regulator_id").onRef("r.id", "=", "i.registration_id"),
    )
    .innerJoin("authorities as au", "au.id", "i.regulator_id")
    .select([
      "i.regulator_id",
      "i.id as inspection_id",
      "i.registration_id",
      "i.inspected_on",
      "i.challenge_ends_at",
      "r.name as location_name",
      "r.organisation_id",
      "au.name as regulator_name",
      points(sql`c.outcome is null`).as("unanswered"),
      points(sql`c.outcome = 'accepted' and c.corrected_in is null`).as("uncorrected"),
      sql<bigint>`count(*) over ()`.as("total"),
    ])
    .where("i.status", "=", "draft-report")
    .where("regulatorIds" in of ? "i.regulator_id" : "r.organisation_id", "in", [...ids])
    .orderBy("i.challenge_ends_at")
    .orderBy("i.id")
    .limit(limit)
    .execute();
}

/**
 * A regulator's registered locations (registered, dormant or suspended) counted by service type,
 * area and current overall rating's rank (0 Outstanding … 3 Inadequate, 4 not yet rated): the
 * market's figures. A location with two service types counts once under each.
 */
export function currentRatingCounts(
  db: Db,
  regulatorId: string,
): Promise<{ category_code: string; area_code: string; rank: number; locations: number }[]> {
  return db
    .selectFrom("registration_service_types as t")
    .innerJoin("registrations as r", (j) =>
      j.onRef("r.regulator_id", "=", "t.regulator_id").onRef("r.id", "=", "t.registration_id"),
    )
    .select([
      "t.category_code",
      "r.area_code",
      sql<number>`r.current_rating_rank`.as("rank"),
      sql<number>`count(*)::int`.as("locations"),
    ])
    .where("t.regulator_id", "=", regulatorId)
    .where("r.status", "in", ["registered", "dormant", "suspended"])
    .groupBy(["t.category_code", "r.area_code", "r.current_rating_rank"])
    .orderBy("t.category_code")
    .execute();
}

/** Registered locations (registered, dormant, suspended) by their provider and current rating's rank, every regulator's. */
export function currentRatingsByProvider(
  db: Db,
): Promise<{ organisation_id: string; rank: number; locations: number }[]> {
  return db
    .selectFrom("registrations as r")
    .select([
      "r.organisation_id",
      sql<number>`r.current_rating_rank`.as("rank"),
      sql<number>`count(*)::int`.as("locations"),
    ])
    .where("r.status", "in", ["registered", "dormant", "suspended"])
    .groupBy(["r.organisation_id", "r.current_rating_rank"])
    .orderBy("r.organisation_id")
    .execute();
}

// The providers a regulator registers, and those with a location in an area (redress's views)

/**
 * Statuses of a current registration that make the provider one the regulator registers (not an
 * application, a refusal or a cancelled registration: what it registered once is no longer its to see).
 */
const REGISTERED_STATUSES = ["registered", "dormant", "suspended"] as const;

/** The providers with a location this regulator registers, in id order after `after` (`registrations_of_regulator_by_provider`). */
export function providersRegisteredBy(
  db: Db,
  regulatorId: string,
  after: string | undefined,
  limit: number,
): Promise<{ id: string; name: string }[]> {
  let inner = db
    .selectFrom("registrations")
    .select("organisation_id")
    .distinct()
    .where("regulator_id", "=", regulatorId)
    .where("status", "in", REGISTERED_STATUSES);
  if (after) inner = inner.where("organisation_id", ">", after);
  return db
    .selectFrom(inner.orderBy("organisation_id").limit(limit).as("r"))
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .select(["o.id", "o.name"])
    .orderBy("o.id")
    .execute();
}

/** Whether this regulator registers a location of the provider. */
export async function registersProvider(
  db: Db,
  regulatorId: string,
  organisationId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("registrations")
    .select("id")
    .where("regulator_id", "=", regulatorId)
    .where("organisation_id", "=", organisationId)
    .where("status", "in", REGISTERED_STATUSES)
    .executeTakeFirst();
  return row !== undefined;
}

/** The first `limit` providers with a registered location in the area, by name (`registrations_area`). */
export function providersInArea(
  db: Db,
  areaCode: string,
  limit: number,
): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom("organisations as o")
    .select(["o.id", "o.name"])
    .where("o.id", "in", (eb) =>
      eb
        .selectFrom("registrations")
        .select("organisation_id")
        .where("area_code", "=", areaCode)
        .where("status", "=", "registered"),
    )
    .orderBy("o.name")
    .orderBy("o.id")
    .limit(limit)
    .execute();
}
