/** Contracts' SQL: the only place that reads and writes the contract tables. Takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { keepKeys, keysIn, type TenantKey } from "../../db/keys.ts";
import type {
  Contract,
  ContractAmendment,
  ContractDocument,
  ContractKpi,
  KpiRatingRow,
  KpiReport,
  NewContract,
} from "./contracts.table.ts";

export type ContractRow = Contract & { authority_name: string; authority_slug: string; tender_title: string };

function contracts(db: Db) {
  return db
    .selectFrom("contracts as c")
    .innerJoin("authorities as a", "a.id", "c.authority_id")
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "c.authority_id").onRef("t.id", "=", "c.tender_id"),
    )
    .selectAll("c")
    .select(["a.name as authority_name", "a.slug as authority_slug", "t.title as tender_title"]);
}

export async function findContract(
  db: Db,
  authorityId: string,
  contractId: string,
): Promise<ContractRow | undefined> {
  return contracts(db)
    .where("c.authority_id", "=", authorityId)
    .where("c.id", "=", contractId)
    .executeTakeFirst();
}

export async function lockContract(db: Db, authorityId: string, contractId: string): Promise<boolean> {
  const row = await db
    .selectFrom("contracts")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export interface ContractFilters {
  authorityId?: string;
  /** Held by it: as the lead, or as a consortium member from the directory. */
  organisationId?: string;
  /** Only the lead's. */
  leadOrganisationId?: string;
  /** Free text in the title, supplier or authority. */
  q?: string;
  /** London date: with `live`, only contracts not ended or terminated on that date. */
  liveOn?: string;
  paymentMechanism?: string;
  minValuePence?: bigint;
}

export async function listContracts(db: Db, filters: ContractFilters, limit = 500): Promise<ContractRow[]> {
  let q = contracts(db);
  if (filters.authorityId) q = q.where("c.authority_id", "=", filters.authorityId);
  if (filters.leadOrganisationId) q = q.where("c.organisation_id", "=", filters.leadOrganisationId);
  if (filters.organisationId) {
    const member = JSON.stringify([{ organisationId: filters.organisationId }]);
    const id = filters.organisationId;
    q = q.where((eb) =>
      eb.or([
        eb("c.organisation_id", "=", id),
        eb(sql<boolean>`c.consortium @> ${member}::jsonb`, "=", true),
      ]),
    );
  }
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb("c.title", "ilike", like),
        eb("c.supplier_name", "ilike", like),
        eb("a.name", "ilike", like),
      ]),
    );
  }
  if (filters.liveOn) {
    const day = filters.liveOn;
    q = q
      .where("c.ends_on", ">=", day)
      .where((eb) => eb.or([eb("c.terminated_on", "is", null), eb("c.terminated_on", ">", day)]));
  }
  if (filters.paymentMechanism)
    q = q.where("c.payment_mechanism", "=", filters.paymentMechanism as Contract["payment_mechanism"]);
  if (filters.minValuePence !== undefined) q = q.where("c.value_pence", ">=", filters.minValuePence);
  return q.orderBy("c.entered_at", "desc").orderBy("c.id").limit(limit).execute();
}

export async function insertContract(db: Db, row: NewContract): Promise<void> {
  await db
    .insertInto("contracts")
    .values({ ...row, consortium: JSON.stringify(row.consortium) as unknown as NewContract["consortium"] })
    .execute();
}

export async function insertKpis(db: Db, rows: ContractKpi[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("contract_kpis").values(rows).execute();
}

export async function insertDocument(db: Db, row: ContractDocument): Promise<void> {
  await db.insertInto("contract_documents").values(row).execute();
}

export interface ContractParts {
  kpis: ContractKpi[];
  documents: ContractDocument[];
  reports: KpiReport[];
  ratings: KpiRatingRow[];
  amendments: ContractAmendment[];
}

/** A contract's key: its authority and id. */
export type ContractRef = TenantKey;

const emptyParts = (): ContractParts => ({
  kpis: [],
  documents: [],
  reports: [],
  ratings: [],
  amendments: [],
});

/**
 * The parts of these contracts (of any authorities), by `<authority id>/<contract id>`: five queries
 * however many, each contract's rows in their order.
 */
export async function partsOf(db: Db, keys: readonly ContractRef[]): Promise<Map<string, ContractParts>> {
  const key = (authorityId: string, contractId: string) => `${authorityId}/${contractId}`;
  const parts = new Map<string, ContractParts>(keys.map((k) => [key(k.authority_id, k.id), emptyParts()]));
  if (keys.length === 0) return parts;
  const [kpis, documents, reports, ratings, amendments] = await Promise.all([
    db
      .selectFrom("contract_kpis")
      .selectAll()
      .where(keysIn("authority_id", "contract_id", keys))
      .orderBy("position")
      .execute(),
    db
      .selectFrom("contract_documents")
      .selectAll()
      .where(keysIn("authority_id", "contract_id", keys))
      .orderBy("position")
      .execute(),
    db
      .selectFrom("kpi_reports")
      .selectAll()
      .where(keysIn("authority_id", "contract_id", keys))
      .orderBy("kpi_position")
      .orderBy("period_number")
      .execute(),
    db
      .selectFrom("kpi_ratings")
      .selectAll()
      .where(keysIn("authority_id", "contract_id", keys))
      .orderBy("kpi_position")
      .orderBy("period_number")
      .execute(),
    db
      .selectFrom("contract_amendments")
      .selectAll()
      .where(keysIn("authority_id", "contract_id", keys))
      .orderBy("number")
      .execute(),
  ]);
  // Read in each contract's order: a contract's own keep it (a pair asked for by neither key is left out).
  const of = (row: { authority_id: string; contract_id: string }) =>
    parts.get(key(row.authority_id, row.contract_id));
  for (const row of kpis) of(row)?.kpis.push(row);
  for (const row of documents) of(row)?.documents.push(row);
  for (const row of reports) of(row)?.reports.push(row);
  for (const row of ratings) of(row)?.ratings.push(row);
  for (const row of amendments) of(row)?.amendments.push(row);
  return parts;
}

/** These contracts (those that exist), with their names, in no order. */
export async function findContracts(db: Db, keys: readonly ContractRef[]): Promise<ContractRow[]> {
  if (keys.length === 0) return [];
  const rows = await contracts(db)
    .where(keysIn("c.authority_id", "c.id", keys))
    .execute();
  return keepKeys(rows, keys, (c) => [c.authority_id, c.id]);
}

export async function insertReport(db: Db, row: KpiReport): Promise<void> {
  await db.insertInto("kpi_reports").values(row).execute();
}

/** Writes the reporter's correction of a report not yet rated (the database refuses it once rated). */
export async function correctReport(
  db: Db,
  authorityId: string,
  contractId: string,
  kpiPosition: number,
  periodNumber: number,
  correction: { value: string; commentary: string; corrected_by: string; corrected_at: Date },
): Promise<void> {
  await db
    .updateTable("kpi_reports")
    .set(correction)
    .where("authority_id", "=", authorityId)
    .where("contract_id", "=", contractId)
    .where("kpi_position", "=", kpiPosition)
    .where("period_number", "=", periodNumber)
    .execute();
}

export async function insertRating(db: Db, row: KpiRatingRow): Promise<void> {
  await db.insertInto("kpi_ratings").values(row).execute();
}

export async function insertAmendment(db: Db, row: ContractAmendment): Promise<void> {
  await db.insertInto("contract_amendments").values(row).execute();
}

export async function applyTerms(
  db: Db,
  authorityId: string,
  contractId: string,
  terms: { value_pence: bigint; starts_on: string; ends_on: string; scope: string; amendment_count: number },
): Promise<void> {
  await db
    .updateTable("contracts")
    .set(terms)
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .execute();
}

/** Writes a contract's termination. */
export async function setTermination(
  db: Db,
  authorityId: string,
  contractId: string,
  t: { terminated_on: string; termination_reason: string; terminated_by: string; terminated_at: Date },
): Promise<void> {
  await db
    .updateTable("contracts")
    .set(t)
    .where("authority_id", "=", authorityId)
    .where("id", "=", contractId)
    .execute();
}

/** Users holding one of the roles for a scope (an authority or an organisation). */
export async function holders(db: Db, scopeId: string, roles: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectFrom("role_grants")
    .select("user_id")
    .distinct()
    .where("scope_id", "=", scopeId)
    .where("role", "in", roles as never[])
    .execute();
  return rows.map((r) => r.user_id);
}

export async function userNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("users")
    .select(["id", "display_name"])
    .where("id", "in", [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function organisationName(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom("organisations").select("name").where("id", "=", id).executeTakeFirst())?.name;
}

export async function authoritySlug(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom("authorities").select("slug").where("id", "=", id).executeTakeFirst())?.slug;
}

// A person's work (tasks.service.ts)

/**
 * Contracts that may give someone work: of these authorities, or led by these organisations. Those
 * with a report awaiting its rating come first, then those still running or whose last day is on or
 * after `since` (reports and ratings are due until after the end), most recently entered first: at
 * most `limit`, with how many there are in all (`total`).
 */
export function contractsWithWork(
  db: Db,
  of: { authorityIds: readonly string[] } | { leadOrganisationIds: readonly string[] },
  since: string,
  limit: number,
): Promise<(ContractRow & { total: bigint })[]> {
  const ids = "authorityIds" in of ? of.authorityIds : of.leadOrganisationIds;
  if (ids.length === 0) return Promise.resolve([]);
  const unrated = sql<boolean>`exists (
    select 1 from kpi_reports r
    where r.authority_id = c.authority_id and r.contract_id = c.id
      and not exists (
        select 1 from kpi_ratings g
        where g.authority_id = r.authority_id and g.contract_id = r.contract_id
          and g.kpi_position = r.kpi_position and g.period_number = r.period_number))`;
  return contracts(db)
    .select(sql<bigint>`count(*) over ()`.as("total"))
    .where("authorityIds" in of ? "c.authority_id" : "c.organisation_id", "in", [...ids])
    .where((eb) =>
      eb.or([eb(unrated, "=", true), eb(sql`coalesce(c.terminated_on, c.ends_on)`, ">=", since)]),
    )
    .orderBy(unrated, "desc")
    .orderBy("c.entered_at", "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

// The open data: every contract, its KPIs and their published ratings, page by key. Who entered,
// reported, rated or terminated is not read.

type ContractKey = readonly [authorityId: string, id: string];

/** A contract as published: its contract details notice, without who entered or ended it. */
export type PublishedContract = Omit<Contract, "entered_by" | "terminated_by">;

/** One page of every authority's contracts, in key order after `after`. */
export function contractsAfter(
  db: Db,
  after: ContractKey | undefined,
  limit: number,
): Promise<PublishedContract[]> {
  let query = db
    .selectFrom("contracts")
    .select([
      "authority_id",
      "id",
      "award_id",
      "tender_id",
      "organisation_id",
      "supplier_name",
      "lead_share_bp",
      "consortium",
      "title",
      "description",
      "regulated_activity",
      "payment_mechanism",
      "original_value_pence",
      "original_starts_on",
      "original_ends_on",
      "award_value_pence",
      "value_reason",
      "value_pence",
      "starts_on",
      "ends_on",
      "scope",
      "amendment_count",
      "entered_at",
      "terminated_on",
      "termination_reason",
      "terminated_at",
    ]);
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("authority_id", "id"), ">", tuple(after[0], after[1])),
    );
  return query.orderBy("authority_id").orderBy("id").limit(limit).execute();
}

/** One page of every contract's KPIs, in key order (authority, contract, position) after `after`. */
export function contractKpisAfter(
  db: Db,
  after: readonly [authorityId: string, contractId: string, position: number] | undefined,
  limit: number,
): Promise<ContractKpi[]> {
  let query = db.selectFrom("contract_kpis").selectAll();
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("authority_id", "contract_id", "position"), ">", tuple(after[0], after[1], after[2])),
    );
  return query.orderBy("authority_id").orderBy("contract_id").orderBy("position").limit(limit).execute();
}

/** A published KPI rating with the period it rates and the value reported for it. */
export interface PublishedKpiRating {
  authority_id: string;
  contract_id: string;
  kpi_position: number;
  period_number: number;
  period_starts_on: string;
  period_ends_on: string;
  reported_value: string;
  rating: KpiRatingRow["rating"];
  comment: string;
  rated_at: Date;
}

/** One page of every published KPI rating, in key order (authority, contract, KPI, period) after `after`. */
export function kpiRatingsAfter(
  db: Db,
  after:
    | readonly [authorityId: string, contractId: string, kpiPosition: number, periodNumber: number]
    | undefined,
  limit: number,
): Promise<PublishedKpiRating[]> {
  let query = db
    .selectFrom("kpi_ratings as r")
    .innerJoin("kpi_reports as p", (j) =>
      j
        .onRef("p.authority_id", "=", "r.authority_id")
        .onRef("p.contract_id", "=", "r.contract_id")
        .onRef("p.kpi_position", "=", "r.kpi_position")
        .onRef("p.period_number", "=", "r.period_number"),
    )
    .select([
      "r.authority_id",
      "r.contract_id",
      "r.kpi_position",
      "r.period_number",
      "p.period_starts_on",
      "p.period_ends_on",
      "p.value as reported_value",
      "r.rating",
      "r.comment",
      "r.rated_at",
    ]);
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("r.authority_id", "r.contract_id", "r.kpi_position", "r.period_number"),
        ">",
        tuple(after[0], after[1], after[2], after[3]),
      ),
    );
  return query
    .orderBy("r.authority_id")
    .orderBy("r.contract_id")
    .orderBy("r.kpi_position")
    .orderBy("r.period_number")
    .limit(limit)
    .execute();
}

/**
 * When the contracts (and their KPIs) last changed — entered, amended or terminated — and when a KPI
 * was last rated: each the end of an index, not a scan.
 */
export async function latestContractChanges(
  db: Db,
): Promise<{ contracts: Date | null; ratings: Date | null }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("contracts")
        .select((q) => q.fn.max<Date | null>("entered_at").as("a"))
        .as("entered"),
      eb
        .selectFrom("contracts")
        .select((q) => q.fn.max<Date | null>("terminated_at").as("a"))
        .as("terminated"),
      eb
        .selectFrom("contract_amendments")
        .select((q) => q.fn.max<Date | null>("amended_at").as("a"))
        .as("amended"),
      eb
        .selectFrom("kpi_ratings")
        .select((q) => q.fn.max<Date | null>("rated_at").as("a"))
        .as("rated"),
    ])
    .executeTakeFirstOrThrow();
  const contracts = [row.entered, row.terminated, row.amended].reduce<Date | null>(
    (max, d) => (d && (!max || d > max) ? d : max),
    null,
  );
  return { contracts, ratings: row.rated };
}

/** A contract as the market's figures count it: its parties and their shares, its value, when entered. */
export type ContractFigures = Pick<
  Contract,
  "id" | "tender_id" | "organisation_id" | "lead_share_bp" | "consortium" | "value_pence" | "entered_at"
>;

/** An authority's contracts, a page at a time in id order (the market's figures). */
export function authorityContractsAfter(
  db: Db,
  authorityId: string,
  afterId: string | undefined,
  limit: number,
): Promise<ContractFigures[]> {
  let query = db
    .selectFrom("contracts")
    .select([
      "id",
      "tender_id",
      "organisation_id",
      "lead_share_bp",
      "consortium",
      "value_pence",
      "entered_at",
    ])
    .where("authority_id", "=", authorityId);
  if (afterId !== undefined) query = query.where("id", ">", afterId);
  return query.orderBy("id").limit(limit).execute();
}

/** An authority's KPI ratings counted by contract, Europe/London month (YYYY-MM-01) and rating. */
export function kpiRatingCounts(
  db: Db,
  authorityId: string,
): Promise<{ contract_id: string; month: string; rating: string; ratings: number }[]> {
  return db
    .selectFrom("kpi_ratings")
    .select([
      "contract_id",
      sql<string>`date_trunc('month', rated_at at time zone 'Europe/London')::date`.as("month"),
      "rating",
      sql<number>`count(*)::int`.as("ratings"),
    ])
    .where("authority_id", "=", authorityId)
    .groupBy(["contract_id", sql`2`, "rating"])
    .orderBy("contract_id")
    .execute();
}

/** Every KPI rating counted by the rated contract's lead supplier and rating (the market's figures by sector). */
export function kpiRatingsByLead(
  db: Db,
): Promise<{ organisation_id: string; rating: string; ratings: number }[]> {
  return db
    .selectFrom("kpi_ratings as k")
    .innerJoin("contracts as c", (j) =>
      j.onRef("c.authority_id", "=", "k.authority_id").onRef("c.id", "=", "k.contract_id"),
    )
    .select(["c.organisation_id", "k.rating", sql<number>`count(*)::int`.as("ratings")])
    .groupBy(["c.organisation_id", "k.rating"])
    .orderBy("c.organisation_id")
    .execute();
}

/** The authorities that hold a contract with this organisation, as the lead or a consortium member. */
export async function authoritiesContracting(db: Db, organisationId: string): Promise<string[]> {
  const member = JSON.stringify([{ organisationId }]);
  const rows = await db
    .selectFrom("contracts as c")
    .select("c.authority_id")
    .distinct()
    .where((eb) =>
      eb.or([
        eb("c.organisation_id", "=", organisationId),
        eb(sql<boolean>`c.consortium @> ${member}::jsonb`, "=", true),
      ]),
    )
    .execute();
  return rows.map((row) => row.authority_id);
}
