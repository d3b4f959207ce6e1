/** The compliance check's, the reserved-award register's and evaluation start's SQL. Every function takes the database or a transaction first. */
import { type RawBuilder, sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  ComplianceCondition,
  ComplianceConditionsTable,
  ComplianceDecisionsTable,
  NewReservedContractAward,
  TenderEvaluation,
  TenderEvaluationsTable,
} from "./compliance.table.ts";

/** A text[] parameter, built the same way on both drivers. */
function textArray(values: readonly string[]): RawBuilder<string[]> {
  return values.length === 0
    ? sql<string[]>`'{}'::text[]`
    : sql<string[]>`array[${sql.join([...values])}]::text[]`;
}

// The register of reserved contracts (s.33)

/** A reserved award with the names it refers to. */
export interface ReservedAwardRow {
  authority_id: string;
  id: string;
  organisation_id: string;
  organisation_name: string;
  category_code: string;
  category_name: string;
  awarded_on: string;
  title: string;
  reference: string;
  source: "recorded" | "tender";
  tender_id: string | null;
  recorded_at: Date;
}

function awardsWithNames(db: Db) {
  return db
    .selectFrom("reserved_contract_awards as r")
    .innerJoin("organisations as o", "o.id", "r.organisation_id")
    .innerJoin("service_categories as c", "c.code", "r.category_code")
    .select([
      "r.authority_id",
      "r.id",
      "r.organisation_id",
      "o.name as organisation_name",
      "r.category_code",
      "c.name as category_name",
      "r.awarded_on",
      "r.title",
      "r.reference",
      "r.source",
      "r.tender_id",
      "r.recorded_at",
    ]);
}

export async function insertReservedAward(trx: Trx, row: NewReservedContractAward): Promise<void> {
  await trx.insertInto("reserved_contract_awards").values(row).execute();
}

/** The authority's reserved awards, latest first. */
export function reservedAwardsOf(db: Db, authorityId: string): Promise<ReservedAwardRow[]> {
  return awardsWithNames(db)
    .where("r.authority_id", "=", authorityId)
    .orderBy("r.awarded_on", "desc")
    .orderBy("r.id")
    .execute();
}

export function findReservedAward(
  db: Db,
  authorityId: string,
  id: string,
): Promise<ReservedAwardRow | undefined> {
  return awardsWithNames(db)
    .where("r.authority_id", "=", authorityId)
    .where("r.id", "=", id)
    .executeTakeFirst();
}

/** The reserved award made to the organisation through the tender, if it is on the register. */
export function tenderReservedAward(
  db: Db,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("reserved_contract_awards")
    .select("id")
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
}

/**
 * The latest of the organisation's reserved awards by the authority for the category awarded on a
 * day from `from` to `to` (both inclusive), leaving out those of `exceptTenderId`.
 */
export function latestComparableAward(
  db: Db,
  query: {
    authorityId: string;
    organisationId: string;
    categoryCode: string;
    from: string;
    to: string;
    exceptTenderId?: string | null;
  },
): Promise<ReservedAwardRow | undefined> {
  let q = awardsWithNames(db)
    .where("r.authority_id", "=", query.authorityId)
    .where("r.organisation_id", "=", query.organisationId)
    .where("r.category_code", "=", query.categoryCode)
    .where("r.awarded_on", ">=", query.from)
    .where("r.awarded_on", "<=", query.to);
  if (query.exceptTenderId)
    q = q.where((eb) =>
      eb.or([eb("r.tender_id", "is", null), eb("r.tender_id", "<>", query.exceptTenderId as string)]),
    );
  return q.orderBy("r.awarded_on", "desc").orderBy("r.id").limit(1).executeTakeFirst();
}

// What the checks refer to

export interface LeadOrganisation {
  id: string;
  name: string;
  qualifying_mutual: boolean;
}

/** Organisations with whether the directory shows them, today, as qualifying public service mutuals. */
export async function organisationsWithMutualStatus(
  db: Db,
  ids: readonly string[],
): Promise<LeadOrganisation[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("organisations as o")
    .leftJoin("mutual_evidence as me", "me.organisation_id", "o.id")
    .select(["o.id", "o.name", sql<boolean>`coalesce(me.qualifies, false)`.as("qualifying_mutual")])
    .where("o.id", "in", ids)
    .execute();
}

export function serviceCategory(db: Db, code: string) {
  return db
    .selectFrom("service_categories")
    .select(["code", "name", "reservable"])
    .where("code", "=", code)
    .executeTakeFirst();
}

export function reservableCategories(db: Db) {
  return db
    .selectFrom("service_categories")
    .select(["code", "name"])
    .where("reservable", "=", true)
    .orderBy("position")
    .execute();
}

export function organisationChoices(db: Db): Promise<{ id: string; name: string }[]> {
  return db.selectFrom("organisations").select(["id", "name"]).orderBy("name").orderBy("id").execute();
}

// Decisions

/** A decision with who made it and the award that barred the lead, if any. */
export interface DecisionRow {
  authority_id: string;
  tender_id: string;
  bid_id: string;
  outcome: "compliant" | "excluded";
  reason: string;
  automatic_reasons: string[];
  reserved_checked_on: string | null;
  qualifying_mutual: boolean | null;
  bar_award_id: string | null;
  automatic: boolean;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date;
}

export function decisionsOf(db: Db, authorityId: string, tenderId: string): Promise<DecisionRow[]> {
  return db
    .selectFrom("compliance_decisions as d")
    .leftJoin("users as u", "u.id", "d.decided_by")
    .selectAll("d")
    .select("u.display_name as decided_by_name")
    .where("d.authority_id", "=", authorityId)
    .where("d.tender_id", "=", tenderId)
    .execute();
}

export function conditionsOf(db: Db, authorityId: string, tenderId: string): Promise<ComplianceCondition[]> {
  return db
    .selectFrom("compliance_conditions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .orderBy("bid_id")
    .orderBy("position")
    .execute();
}

/** Replaces a bid's decision (and its conditions' decisions). Returns the outcome it replaced, if any. */
export async function replaceDecision(
  trx: Trx,
  decision: ComplianceDecisionsTable,
  conditions: readonly ComplianceConditionsTable[],
): Promise<"compliant" | "excluded" | null> {
  const previous = await trx
    .deleteFrom("compliance_decisions")
    .where("authority_id", "=", decision.authority_id)
    .where("bid_id", "=", decision.bid_id)
    .returning("outcome")
    .executeTakeFirst();
  await trx
    .insertInto("compliance_decisions")
    .values({ ...decision, automatic_reasons: textArray(decision.automatic_reasons) })
    .execute();
  if (conditions.length > 0)
    await trx
      .insertInto("compliance_conditions")
      .values([...conditions])
      .execute();
  return previous?.outcome ?? null;
}

// Evaluation

export function evaluationOf(db: Db, authorityId: string, tenderId: string) {
  return db
    .selectFrom("tender_evaluations as e")
    .innerJoin("users as u", "u.id", "e.started_by")
    .selectAll("e")
    .select("u.display_name as started_by_name")
    .where("e.authority_id", "=", authorityId)
    .where("e.tender_id", "=", tenderId)
    .executeTakeFirst();
}

export async function insertEvaluation(trx: Trx, row: TenderEvaluationsTable): Promise<void> {
  await trx.insertInto("tender_evaluations").values(row).execute();
}

export type { TenderEvaluation };

// A person's work (tasks.service.ts)

/**
 * The opened tenders of these authorities whose evaluation has not started (the compliance check
 * comes first), longest opened first, with how many there are in all (`total`).
 */
export function tendersToCheck(db: Db, authorityIds: readonly string[], limit: number) {
  if (authorityIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("tenders as t")
    .innerJoin("authorities as a", "a.id", "t.authority_id")
    .select([
      "t.authority_id",
      "t.id as tender_id",
      "t.title",
      "t.opened_at",
      "a.name as authority_name",
      "a.slug as authority_slug",
      sql<bigint>`count(*) over ()`.as("total"),
    ])
    .where("t.authority_id", "in", [...authorityIds])
    .where("t.status", "=", "published")
    .where("t.opened_at", "is not", null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("tender_evaluations as e")
            .select("e.tender_id")
            .whereRef("e.authority_id", "=", "t.authority_id")
            .whereRef("e.tender_id", "=", "t.id"),
        ),
      ),
    )
    .orderBy("t.opened_at")
    .orderBy("t.id")
    .limit(limit)
    .execute();
}
