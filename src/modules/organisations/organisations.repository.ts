/**
 * SQL for the directory of organisations. The "effective sector" — the sector shown and counted —
 * is the given sector, except that "public-service-mutual" needs qualifying mutual evidence
 * (`mutual_evidence.qualifies`, computed by the database): with it, an organisation is a mutual;
 * claiming to be one without it gives "unconfirmed".
 */
import { type ExpressionBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import { countMatches, countUpTo, type FacetCounts, type Total } from "../../db/paging.ts";
import { matchesText } from "../../db/text-search.ts";
import type {
  MutualEvidenceRow,
  NewMutualEvidence,
  NewOrganisation,
  Organisation,
  OrganisationIdentifierRow,
  OrganisationUpdate,
  RelationshipKind,
  RelationshipRow,
  Sector,
  SizeBand,
} from "./organisations.table.ts";

/** Every column of `organisations` but the generated search vector. */
const COLUMNS = [
  "o.id",
  "o.name",
  "o.sector",
  "o.size_band",
  "o.staff_headcount",
  "o.primary_identifier",
  "o.address_line1",
  "o.address_line2",
  "o.town",
  "o.postcode",
  "o.description",
  "o.website",
  "o.registered_by",
  "o.created_at",
  "o.updated_at",
] as const;

/** The sector shown for an organisation whose mutual claim has no qualifying evidence. */
export const UNCONFIRMED = "unconfirmed";
export type EffectiveSector = Sector | typeof UNCONFIRMED;

const effectiveSector = sql<EffectiveSector>`case
  when me.qualifies then 'public-service-mutual'
  when o.sector = 'public-service-mutual' then ${UNCONFIRMED}
  else o.sector end`;

export async function insertOrganisation(trx: Trx, organisation: NewOrganisation): Promise<void> {
  await trx.insertInto("organisations").values(organisation).execute();
}

export async function updateOrganisation(trx: Trx, id: string, changes: OrganisationUpdate): Promise<void> {
  await trx.updateTable("organisations").set(changes).where("id", "=", id).execute();
}

export function findOrganisation(db: Db, id: string): Promise<Organisation | undefined> {
  return db.selectFrom("organisations as o").select(COLUMNS).where("o.id", "=", id).executeTakeFirst();
}

/** These organisations (those that exist), in no order. */
export function findOrganisations(db: Db, ids: readonly string[]): Promise<Organisation[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("organisations as o")
    .select(COLUMNS)
    .where("o.id", "in", [...new Set(ids)])
    .execute();
}

/** Locks the organisation's row for the rest of the transaction (concurrent edits queue). */
export function lockOrganisation(trx: Trx, id: string): Promise<Organisation | undefined> {
  return trx
    .selectFrom("organisations as o")
    .select(COLUMNS)
    .where("o.id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export function findByPrimaryIdentifier(db: Db, identifier: string): Promise<Organisation | undefined> {
  return db
    .selectFrom("organisations as o")
    .select(COLUMNS)
    .where("o.primary_identifier", "=", identifier)
    .executeTakeFirst();
}

/** One page of the directory, ordered by id, continuing after `afterId`. */
export function organisationsAfter(
  db: Db,
  afterId: string | undefined,
  limit: number,
): Promise<Organisation[]> {
  let query = db.selectFrom("organisations as o").select(COLUMNS);
  if (afterId !== undefined) query = query.where("o.id", ">", afterId);
  return query.orderBy("o.id").limit(limit).execute();
}

/** What the open data adds to each organisation of a page: its identifiers, areas, categories and evidence. */
export interface OrganisationDetails {
  effective_sector: EffectiveSector;
  identifiers: string[];
  area_codes: string[];
  category_codes: string[];
  evidence: Pick<
    MutualEvidenceRow,
    | "qualifies"
    | "light_touch_share_bp"
    | "profit_model"
    | "employee_ownership_bp"
    | "employee_board_seats"
    | "board_seats"
    | "spin_out_date"
    | "recorded_at"
  > | null;
}

/**
 * The details of these organisations (a page of the directory), by id: one query per table, each by
 * the table's key (organisation id first).
 */
export async function organisationDetails(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, OrganisationDetails>> {
  const details = new Map<string, OrganisationDetails>();
  if (ids.length === 0) return details;
  const [sectors, identifiers, areas, categories, evidence] = await Promise.all([
    db
      .selectFrom("organisations as o")
      .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
      .select(["o.id", effectiveSector.as("sector")])
      .where("o.id", "in", ids)
      .execute(),
    db
      .selectFrom("organisation_identifiers")
      .select(["organisation_id", "scheme", "identifier"])
      .where("organisation_id", "in", ids)
      .orderBy("organisation_id")
      .orderBy("is_primary", "desc")
      .orderBy("scheme")
      .orderBy("identifier")
      .execute(),
    db
      .selectFrom("organisation_areas")
      .select(["organisation_id", "area_code"])
      .where("organisation_id", "in", ids)
      .orderBy("organisation_id")
      .orderBy("area_code")
      .execute(),
    db
      .selectFrom("organisation_categories")
      .select(["organisation_id", "category_code"])
      .where("organisation_id", "in", ids)
      .orderBy("organisation_id")
      .orderBy("category_code")
      .execute(),
    db
      .selectFrom("mutual_evidence")
      .select([
        "organisation_id",
        "qualifies",
        "light_touch_share_bp",
        "profit_model",
        "employee_ownership_bp",
        "employee_board_seats",
        "board_seats",
        "spin_out_date",
        "recorded_at",
      ])
      .where("organisation_id", "in", ids)
      .execute(),
  ]);
  for (const { id, sector } of sectors)
    details.set(id, {
      effective_sector: sector,
      identifiers: [],
      area_codes: [],
      category_codes: [],
      evidence: null,
    });
  for (const i of identifiers)
    details.get(i.organisation_id)?.identifiers.push(`${i.scheme}-${i.identifier}`);
  for (const a of areas) details.get(a.organisation_id)?.area_codes.push(a.area_code);
  for (const c of categories) details.get(c.organisation_id)?.category_codes.push(c.category_code);
  for (const { organisation_id, ...e } of evidence) {
    const d = details.get(organisation_id);
    if (d) d.evidence = e;
  }
  return details;
}

/** When the directory last changed: an organisation's details, or a mutual's evidence (each an index's end). */
export async function latestDirectoryChange(db: Db): Promise<Date | null> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("organisations")
        .select((q) => q.fn.max<Date | null>("updated_at").as("a"))
        .as("organisations"),
      eb
        .selectFrom("mutual_evidence")
        .select((q) => q.fn.max<Date | null>("recorded_at").as("a"))
        .as("evidence"),
    ])
    .executeTakeFirstOrThrow();
  return latest(row.organisations, row.evidence);
}

function latest(...dates: (Date | null)[]): Date | null {
  return dates.reduce<Date | null>((max, d) => (d && (!max || d > max) ? d : max), null);
}

/** Organisations by the sector they gave (not the effective sector: see `countByEffectiveSector`). */
export async function countBySector(db: Db): Promise<{ sector: Sector; count: bigint }[]> {
  return db
    .selectFrom("organisations")
    .select(["sector", (eb) => eb.fn.countAll<bigint>().as("count")])
    .groupBy("sector")
    .orderBy("sector")
    .execute();
}

/** Organisations by the sector shown: mutuals only with qualifying evidence. */
export async function countByEffectiveSector(db: Db): Promise<{ sector: EffectiveSector; count: bigint }[]> {
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select([effectiveSector.as("sector"), (eb) => eb.fn.countAll<bigint>().as("count")])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
}

/** How many organisations qualify as public service mutuals, and the staff they employ. */
export async function mutualTotals(db: Db): Promise<{ organisations: bigint; staff: bigint }> {
  const row = await db
    .selectFrom("mutual_evidence as me")
    .innerJoin("organisations as o", "o.id", "me.organisation_id")
    .where("me.qualifies", "=", true)
    .select([
      (eb) => eb.fn.countAll<bigint>().as("organisations"),
      sql<bigint>`coalesce(sum(o.staff_headcount), 0)::bigint`.as("staff"),
    ])
    .executeTakeFirstOrThrow();
  return { organisations: row.organisations, staff: row.staff };
}

/** Qualifying mutuals with a spin-out date, by the year they spun out, and the staff they employ now. */
export function mutualsBySpinOutYear(
  db: Db,
): Promise<{ year: number; organisations: number; staff: bigint }[]> {
  return db
    .selectFrom("mutual_evidence as me")
    .innerJoin("organisations as o", "o.id", "me.organisation_id")
    .where("me.qualifies", "=", true)
    .where("me.spin_out_date", "is not", null)
    .select([
      sql<number>`extract(year from me.spin_out_date)::int`.as("year"),
      sql<number>`count(*)::int`.as("organisations"),
      sql<bigint>`coalesce(sum(o.staff_headcount), 0)::bigint`.as("staff"),
    ])
    .groupBy(sql`1`)
    .orderBy(sql`1`)
    .execute();
}

export function effectiveSectorOf(db: Db, id: string): Promise<EffectiveSector | undefined> {
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select(effectiveSector.as("sector"))
    .where("o.id", "=", id)
    .executeTakeFirst()
    .then((row) => row?.sector);
}

// Identifiers

export function identifiersOf(db: Db, organisationId: string): Promise<OrganisationIdentifierRow[]> {
  return db
    .selectFrom("organisation_identifiers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .orderBy("is_primary", "desc")
    .orderBy("scheme")
    .orderBy("identifier")
    .execute();
}

/** Organisations other than `exceptId` that already hold any of these identifiers. */
export async function identifierHolders(
  db: Db,
  identifiers: readonly { scheme: string; identifier: string }[],
  exceptId: string | undefined,
): Promise<{ scheme: string; identifier: string; organisation_id: string; name: string }[]> {
  if (identifiers.length === 0) return [];
  let query = db
    .selectFrom("organisation_identifiers as i")
    .innerJoin("organisations as o", "o.id", "i.organisation_id")
    .select(["i.scheme", "i.identifier", "i.organisation_id", "o.name"])
    .where((eb) =>
      eb.or(
        identifiers.map(({ scheme, identifier }) =>
          eb.and([eb("i.scheme", "=", scheme), eb("i.identifier", "=", identifier)]),
        ),
      ),
    );
  if (exceptId !== undefined) query = query.where("i.organisation_id", "<>", exceptId);
  return query.orderBy("i.scheme").orderBy("i.identifier").execute();
}

export async function replaceIdentifiers(
  trx: Trx,
  organisationId: string,
  identifiers: readonly { scheme: string; identifier: string; primary: boolean }[],
  now: Date,
): Promise<void> {
  await trx.deleteFrom("organisation_identifiers").where("organisation_id", "=", organisationId).execute();
  if (identifiers.length > 0) {
    await trx
      .insertInto("organisation_identifiers")
      .values(
        identifiers.map((i) => ({
          organisation_id: organisationId,
          scheme: i.scheme,
          identifier: i.identifier,
          is_primary: i.primary,
          created_at: now,
        })),
      )
      .execute();
  }
  const primary = identifiers.find((i) => i.primary);
  await trx
    .updateTable("organisations")
    .set({ primary_identifier: primary ? `${primary.scheme}-${primary.identifier}` : null })
    .where("id", "=", organisationId)
    .execute();
}

// Areas served and service categories

export async function replaceAreas(
  trx: Trx,
  organisationId: string,
  codes: readonly string[],
): Promise<void> {
  await trx.deleteFrom("organisation_areas").where("organisation_id", "=", organisationId).execute();
  if (codes.length > 0) {
    await trx
      .insertInto("organisation_areas")
      .values(codes.map((area_code) => ({ organisation_id: organisationId, area_code })))
      .execute();
  }
}

export async function replaceCategories(
  trx: Trx,
  organisationId: string,
  codes: readonly string[],
): Promise<void> {
  await trx.deleteFrom("organisation_categories").where("organisation_id", "=", organisationId).execute();
  if (codes.length > 0) {
    await trx
      .insertInto("organisation_categories")
      .values(codes.map((category_code) => ({ organisation_id: organisationId, category_code })))
      .execute();
  }
}

export function areasOf(db: Db, organisationId: string) {
  return db
    .selectFrom("organisation_areas as oa")
    .innerJoin("areas as a", "a.code", "oa.area_code")
    .select(["a.code", "a.name", "a.type", "a.nation"])
    .where("oa.organisation_id", "=", organisationId)
    .orderBy("a.name")
    .execute();
}

export function categoriesOf(db: Db, organisationId: string) {
  return db
    .selectFrom("organisation_categories as oc")
    .innerJoin("service_categories as c", "c.code", "oc.category_code")
    .select(["c.code", "c.name", "c.cpv_code", "c.cpv_description", "c.light_touch", "c.reservable"])
    .where("oc.organisation_id", "=", organisationId)
    .orderBy("c.position")
    .execute();
}

// Relationships

export async function insertRelationship(trx: Trx, row: RelationshipRow): Promise<boolean> {
  const inserted = await trx
    .insertInto("organisation_relationships")
    .values(row)
    .onConflict((oc) => oc.columns(["from_organisation_id", "to_organisation_id", "kind"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export function findRelationship(db: Db, id: string): Promise<RelationshipRow | undefined> {
  return db.selectFrom("organisation_relationships").selectAll().where("id", "=", id).executeTakeFirst();
}

export function relationshipBetween(
  db: Db,
  a: string,
  b: string,
): Promise<{ kind: RelationshipKind; from_organisation_id: string }[]> {
  return db
    .selectFrom("organisation_relationships")
    .select(["kind", "from_organisation_id"])
    .where((eb) =>
      eb.or([
        eb.and([eb("from_organisation_id", "=", a), eb("to_organisation_id", "=", b)]),
        eb.and([eb("from_organisation_id", "=", b), eb("to_organisation_id", "=", a)]),
      ]),
    )
    .execute();
}

export async function deleteRelationship(trx: Trx, id: string): Promise<void> {
  await trx.deleteFrom("organisation_relationships").where("id", "=", id).execute();
}

/** Every relationship the organisation is in, either way, with the other organisation's name. */
export async function relationshipsOf(db: Db, organisationId: string) {
  const outgoing = db
    .selectFrom("organisation_relationships as r")
    .innerJoin("organisations as other", "other.id", "r.to_organisation_id")
    .select([
      "r.id",
      "r.kind",
      sql<"from" | "to">`'from'`.as("side"),
      "other.id as other_id",
      "other.name as other_name",
    ])
    .where("r.from_organisation_id", "=", organisationId);
  const incoming = db
    .selectFrom("organisation_relationships as r")
    .innerJoin("organisations as other", "other.id", "r.from_organisation_id")
    .select([
      "r.id",
      "r.kind",
      sql<"from" | "to">`'to'`.as("side"),
      "other.id as other_id",
      "other.name as other_name",
    ])
    .where("r.to_organisation_id", "=", organisationId);
  return outgoing.unionAll(incoming).orderBy("kind").orderBy("other_name").execute();
}

/** Organisations for a choice list (relationships, parent body), by name. */
export function organisationNames(db: Db, exceptId?: string): Promise<{ id: string; name: string }[]> {
  let query = db.selectFrom("organisations").select(["id", "name"]);
  if (exceptId !== undefined) query = query.where("id", "<>", exceptId);
  return query.orderBy("name").orderBy("id").limit(2000).execute();
}

// Mutual evidence

export async function upsertEvidence(trx: Trx, evidence: NewMutualEvidence): Promise<boolean> {
  const row = await trx
    .insertInto("mutual_evidence")
    .values(evidence)
    .onConflict((oc) =>
      oc.column("organisation_id").doUpdateSet((eb) => ({
        public_service_purpose: eb.ref("excluded.public_service_purpose"),
        light_touch_share_bp: eb.ref("excluded.light_touch_share_bp"),
        profit_model: eb.ref("excluded.profit_model"),
        employee_ownership_bp: eb.ref("excluded.employee_ownership_bp"),
        employee_board_seats: eb.ref("excluded.employee_board_seats"),
        board_seats: eb.ref("excluded.board_seats"),
        parent_organisation_id: eb.ref("excluded.parent_organisation_id"),
        parent_authority_id: eb.ref("excluded.parent_authority_id"),
        parent_body_name: eb.ref("excluded.parent_body_name"),
        spin_out_date: eb.ref("excluded.spin_out_date"),
        recorded_by: eb.ref("excluded.recorded_by"),
        recorded_at: eb.ref("excluded.recorded_at"),
      })),
    )
    .returning("qualifies")
    .executeTakeFirstOrThrow();
  return row.qualifies;
}

export function evidenceOf(db: Db, organisationId: string) {
  return db
    .selectFrom("mutual_evidence as me")
    .leftJoin("organisations as po", "po.id", "me.parent_organisation_id")
    .leftJoin("authorities as pa", "pa.id", "me.parent_authority_id")
    .selectAll("me")
    .select(["po.name as parent_organisation_name", "pa.name as parent_authority_name"])
    .where("me.organisation_id", "=", organisationId)
    .executeTakeFirst() as Promise<
    | (MutualEvidenceRow & { parent_organisation_name: string | null; parent_authority_name: string | null })
    | undefined
  >;
}

// The directory: search, filters, counts

export interface DirectoryFilters {
  q?: string | undefined;
  sectors?: readonly string[] | undefined;
  sizeBands?: readonly string[] | undefined;
  categories?: readonly string[] | undefined;
  areas?: readonly string[] | undefined;
}

export type Facet = "sector" | "sizeBand" | "category" | "area";

type DirectoryQuery = SelectQueryBuilder<
  Database & { o: Database["organisations"]; me: Database["mutual_evidence"] },
  "o" | "me",
  object
>;

function base(db: Db) {
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id") as unknown as DirectoryQuery;
}

/** Whether any filter but `except` narrows the directory. */
export function narrowed(filters: DirectoryFilters, except?: Facet): boolean {
  return (
    (filters.q?.trim() ?? "") !== "" ||
    (except !== "sector" && (filters.sectors?.length ?? 0) > 0) ||
    (except !== "sizeBand" && (filters.sizeBands?.length ?? 0) > 0) ||
    (except !== "category" && (filters.categories?.length ?? 0) > 0) ||
    (except !== "area" && (filters.areas?.length ?? 0) > 0)
  );
}

/**
 * The organisations the filters match; with `walk`, the text tested on each row read (for a page
 * read in name order when the matches are many: see `matchesText`).
 */
function filtered(db: Db, filters: DirectoryFilters, walk = false): DirectoryQuery {
  let query = base(db);
  const q = filters.q?.trim() ?? "";
  if (q !== "") query = query.where(matchesText(sql.ref("o.search"), q, { rowByRow: walk }));
  if (filters.sectors && filters.sectors.length > 0) {
    query = query.where(sql<boolean>`${effectiveSector} in (${sql.join(filters.sectors)})`);
  }
  if (filters.sizeBands && filters.sizeBands.length > 0) {
    query = query.where("o.size_band", "in", filters.sizeBands as SizeBand[]);
  }
  if (filters.categories && filters.categories.length > 0) {
    const codes = filters.categories;
    query = query.where((eb: ExpressionBuilder<Database & { o: Database["organisations"] }, "o">) =>
      eb.exists(
        eb
          .selectFrom("organisation_categories as oc")
          .select(sql`1`.as("one"))
          .whereRef("oc.organisation_id", "=", "o.id")
          .where("oc.category_code", "in", codes),
      ),
    );
  }
  if (filters.areas && filters.areas.length > 0) {
    const codes = filters.areas;
    query = query.where((eb: ExpressionBuilder<Database & { o: Database["organisations"] }, "o">) =>
      eb.exists(
        eb
          .selectFrom("organisation_areas as oa")
          .select(sql`1`.as("one"))
          .whereRef("oa.organisation_id", "=", "o.id")
          .where("oa.area_code", "in", codes),
      ),
    );
  }
  return query;
}

export interface DirectoryRow {
  id: string;
  name: string;
  sector: EffectiveSector;
  size_band: SizeBand;
  staff_headcount: number | null;
  town: string | null;
  postcode: string | null;
  description: string;
  primary_identifier: string | null;
  website: string | null;
  /** The row's place in the directory's order (its name in lower case, then its id): its page key. */
  sort_name: string;
}

/**
 * The directory's order: by name, in lower case, letter by letter (the "C" collation, which the
 * index `organisations_directory_order` holds, on PGlite and on any server alike), then by id.
 */
const sortName = sql<string>`(lower(o.name) collate "C")`;

/** Where a page starts: after the row with this key, or (going back) before it. */
export interface DirectorySeek {
  key: readonly [sortName: string, id: string];
  direction: "after" | "before";
}

/**
 * The organisations the filters match when they are known to be at most `few`: read through the
 * search's indexes first (those few rows), then put in order — rather than walking the whole
 * directory in name order for matches that may be nowhere near its start.
 */
function fewMatched(db: Db, filters: DirectoryFilters, few: number): DirectoryQuery {
  return db
    .with(
      (cte) => cte("m").materialized(),
      () => filtered(db, filters).select("o.id").limit(few),
    )
    .selectFrom("m")
    .innerJoin("organisations as o", "o.id", "m.id")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id") as unknown as DirectoryQuery;
}

/**
 * One page of the directory in its order: up to `limit` rows after (or before) `seek`, or the
 * first rows; in the directory's order either way. With `few` (the filters match at most that
 * many: see `countOrganisations`), the matches are read first and then ordered; otherwise the page
 * is read by key from the name-order index, which many matches soon fill.
 */
export async function searchOrganisations(
  db: Db,
  filters: DirectoryFilters,
  limit: number,
  seek?: DirectorySeek,
  few?: number,
): Promise<DirectoryRow[]> {
  let query = few === undefined ? filtered(db, filters, true) : fewMatched(db, filters, few);
  const backwards = seek?.direction === "before";
  if (seek) {
    const [name, id] = seek.key;
    query = query.where(sql<boolean>`(${sortName}, o.id) ${sql.raw(backwards ? "<" : ">")} (${name}, ${id})`);
  }
  const direction = backwards ? "desc" : "asc";
  const rows = (await query
    .select([
      "o.id",
      "o.name",
      effectiveSector.as("sector"),
      "o.size_band",
      "o.staff_headcount",
      "o.town",
      "o.postcode",
      "o.description",
      "o.primary_identifier",
      "o.website",
      sortName.as("sort_name"),
    ])
    .orderBy(sortName, direction)
    .orderBy("o.id", direction)
    .limit(limit)
    .execute()) as DirectoryRow[];
  return backwards ? rows.reverse() : rows;
}

/** How many organisations the filters match, counted up to `cap`. */
export function countOrganisations(db: Db, filters: DirectoryFilters, cap: number): Promise<Total> {
  return countUpTo(db, filtered(db, filters), cap);
}

export type FacetValues = FacetCounts;

/**
 * In one query, how many organisations the filters match — all of them, or up to `upTo` (beyond
 * which the count says `upTo` and nothing more is counted) — and, over those, the counts per value
 * of each of `facets` (which the caller leaves unfiltered: their counts are of these matches).
 * The matches are found first, through the search's indexes, then counted every way.
 */
export async function directoryCounts(
  db: Db,
  filters: DirectoryFilters,
  facets: readonly Facet[],
  upTo?: number,
): Promise<{ matched: number; facets: Partial<Record<Facet, FacetValues>> }> {
  let matched = filtered(db, filters).select(["o.id", effectiveSector.as("sector"), "o.size_band"]);
  if (upTo !== undefined) matched = matched.limit(upTo);
  return countMatches(
    db,
    matched,
    {
      sector: sql`select m.sector, count(*) from m group by m.sector`,
      sizeBand: sql`select m.size_band, count(*) from m group by m.size_band`,
      category: sql`select c.category_code, count(*) from m
        join organisation_categories c on c.organisation_id = m.id group by c.category_code`,
      area: sql`select a.area_code, count(*) from m
        join organisation_areas a on a.organisation_id = m.id group by a.area_code`,
    },
    facets,
    upTo,
  );
}

/** The names of these organisations (those that exist). */
export function organisationNamesOf(db: Db, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("id", "in", [...ids])
    .execute();
}

/** Organisations' effective sectors, size bands and staff, by id (the market's figures). */
export function sectorsOf(
  db: Db,
  ids: readonly string[],
): Promise<{ id: string; sector: EffectiveSector; size_band: SizeBand; staff_headcount: number | null }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select(["o.id", effectiveSector.as("sector"), "o.size_band", "o.staff_headcount"])
    .where("o.id", "in", ids)
    .execute();
}
