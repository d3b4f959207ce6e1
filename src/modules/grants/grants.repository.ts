/**
 * SQL of grants: programmes (`grant_programmes`), applications (`grant_applications`), the
 * payments of awards (`grant_payments`), advisers' offers (`grant_adviser_offers`) and the advisers
 * assigned to adviser-time applications (`grant_adviser_assignments`).
 */
import { type Insertable, sql, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  GrantAdviserAssignment,
  GrantAdviserAssignmentsTable,
  GrantAdviserOffer,
  GrantApplication,
  GrantApplicationsTable,
  GrantEndReport,
  GrantEndReportsTable,
  GrantPayment,
  GrantPaymentsTable,
  GrantProgramme,
  GrantProgrammesTable,
} from "./grants.table.ts";

export function insertProgramme(
  db: Db,
  row: Omit<Insertable<GrantProgrammesTable>, "eligibility"> & { eligibility: unknown },
): Promise<GrantProgramme> {
  return db
    .insertInto("grant_programmes")
    .values({ ...row, eligibility: JSON.stringify(row.eligibility) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The programme; `lock`: for update, so that awards against its budget go one after the other. */
export function findProgramme(
  db: Db,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<GrantProgramme | undefined> {
  const query = db.selectFrom("grant_programmes").selectAll().where("id", "=", id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** Every programme, closing last first (a page's worth: programmes are few). */
export function listProgrammes(db: Db, limit: number): Promise<GrantProgramme[]> {
  return db
    .selectFrom("grant_programmes")
    .selectAll()
    .orderBy("closes_on", "desc")
    .orderBy("title")
    .limit(limit)
    .execute();
}

/** Changes a programme that has no award yet (`awarded_pence` = 0, checked again here); undefined if it has one. */
export function updateUnawardedProgramme(
  db: Db,
  id: string,
  change: Omit<Updateable<GrantProgrammesTable>, "eligibility"> & { eligibility: unknown },
): Promise<GrantProgramme | undefined> {
  return db
    .updateTable("grant_programmes")
    .set({ ...change, eligibility: JSON.stringify(change.eligibility) })
    .where("id", "=", id)
    .where("awarded_pence", "=", 0n)
    .returningAll()
    .executeTakeFirst();
}

/** Whether any of the programme's applications is awarded. */
export async function hasAward(db: Db, programmeId: string): Promise<boolean> {
  const row = await db
    .selectFrom("grant_applications")
    .select("id")
    .where("programme_id", "=", programmeId)
    .where("status", "=", "awarded")
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function addAwarded(db: Db, programmeId: string, pence: bigint): Promise<void> {
  await db
    .updateTable("grant_programmes")
    .set((eb) => ({ awarded_pence: eb("awarded_pence", "+", pence) }))
    .where("id", "=", programmeId)
    .execute();
}

export function insertApplication(
  db: Db,
  row: Insertable<GrantApplicationsTable>,
): Promise<GrantApplication> {
  return db.insertInto("grant_applications").values(row).returningAll().executeTakeFirstOrThrow();
}

export function findApplication(
  db: Db,
  programmeId: string,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<GrantApplication | undefined> {
  const query = db
    .selectFrom("grant_applications")
    .selectAll()
    .where("programme_id", "=", programmeId)
    .where("id", "=", id);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The programme's applications, oldest first (at most `limit`). */
export function applicationsOf(db: Db, programmeId: string, limit: number): Promise<GrantApplication[]> {
  return db
    .selectFrom("grant_applications")
    .selectAll()
    .where("programme_id", "=", programmeId)
    .orderBy("submitted_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export function decideApplication(
  db: Db,
  id: string,
  decision: Required<
    Pick<
      Updateable<GrantApplicationsTable>,
      | "status"
      | "awarded_pence"
      | "conditions"
      | "reasons"
      | "decided_by"
      | "decided_at"
      | "end_report_due_on"
    >
  >,
): Promise<GrantApplication> {
  return db
    .updateTable("grant_applications")
    .set(decision)
    .where("id", "=", id)
    .where("status", "=", "submitted")
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function paymentByKey(db: Db, applicationId: string, key: string): Promise<GrantPayment | undefined> {
  return db
    .selectFrom("grant_payments")
    .selectAll()
    .where("application_id", "=", applicationId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

export function paymentsOf(db: Db, applicationId: string): Promise<GrantPayment[]> {
  return db
    .selectFrom("grant_payments")
    .selectAll()
    .where("application_id", "=", applicationId)
    .orderBy("paid_on")
    .orderBy("recorded_at")
    .execute();
}

export function insertPayment(db: Db, row: Insertable<GrantPaymentsTable>): Promise<GrantPayment> {
  return db.insertInto("grant_payments").values(row).returningAll().executeTakeFirstOrThrow();
}

export interface AwardedRow {
  application: GrantApplication;
  programme: Pick<GrantProgramme, "id" | "authority_id" | "funder_organisation_id" | "title">;
}

/**
 * Awarded applications by decision time then id, after a key (paging by key), with their
 * programmes; of one funder (an authority's or an organisation's id) when named.
 */
export async function awardedAfter(
  db: Db,
  opts: { funderId?: string; after?: { at: Date; id: string }; limit: number },
): Promise<AwardedRow[]> {
  let query = db
    .selectFrom("grant_applications as a")
    .innerJoin("grant_programmes as p", "p.id", "a.programme_id")
    .selectAll("a")
    .select([
      "p.authority_id as p_authority_id",
      "p.funder_organisation_id as p_funder_organisation_id",
      "p.title as p_title",
    ])
    .where("a.status", "=", "awarded");
  if (opts.funderId) {
    const funderId = opts.funderId;
    query = query.where((eb) =>
      eb.or([eb("p.authority_id", "=", funderId), eb("p.funder_organisation_id", "=", funderId)]),
    );
  }
  if (opts.after) {
    const { at, id } = opts.after;
    query = query.where((eb) =>
      eb.or([eb("a.decided_at", ">", at), eb.and([eb("a.decided_at", "=", at), eb("a.id", ">", id)])]),
    );
  }
  const rows = await query.orderBy("a.decided_at").orderBy("a.id").limit(opts.limit).execute();
  return rows.map(({ p_authority_id, p_funder_organisation_id, p_title, ...a }) => ({
    application: a,
    programme: {
      id: a.programme_id,
      authority_id: p_authority_id,
      funder_organisation_id: p_funder_organisation_id,
      title: p_title,
    },
  }));
}

/** Every programme with its awards: how many applications were awarded and the sum awarded. */
export function awardsByProgramme(
  db: Db,
): Promise<{ id: string; title: string; budget_pence: bigint; awards: number; awarded_pence: bigint }[]> {
  return db
    .selectFrom("grant_programmes as p")
    .leftJoin("grant_applications as a", (j) =>
      j.onRef("a.programme_id", "=", "p.id").on("a.status", "=", "awarded"),
    )
    .select([
      "p.id",
      "p.title",
      "p.budget_pence",
      sql<number>`count(a.id)::int`.as("awards"),
      sql<bigint>`coalesce(sum(a.awarded_pence), 0)::bigint`.as("awarded_pence"),
    ])
    .groupBy(["p.id", "p.title", "p.budget_pence"])
    .orderBy("p.title")
    .orderBy("p.id")
    .execute();
}
// Advisers

export function adviserOffer(db: Db, organisationId: string): Promise<GrantAdviserOffer | undefined> {
  return db
    .selectFrom("grant_adviser_offers")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .executeTakeFirst();
}

export async function upsertAdviserOffer(db: Db, row: GrantAdviserOffer): Promise<void> {
  await db
    .insertInto("grant_adviser_offers")
    .values(row)
    .onConflict((oc) =>
      oc.column("organisation_id").doUpdateSet({
        stages: row.stages,
        service_areas: row.service_areas,
        updated_by: row.updated_by,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

/** The advisers offering both the stage and the service area (at most `limit`). */
export function advisersFor(
  db: Db,
  stage: string,
  area: string,
  limit: number,
): Promise<GrantAdviserOffer[]> {
  return db
    .selectFrom("grant_adviser_offers")
    .selectAll()
    .where(sql<boolean>`${stage} = any(stages)`)
    .where(sql<boolean>`${area} = any(service_areas)`)
    .orderBy("organisation_id")
    .limit(limit)
    .execute();
}

export function assignmentOf(
  db: Db,
  applicationId: string,
  opts: { lock?: boolean } = {},
): Promise<GrantAdviserAssignment | undefined> {
  const query = db
    .selectFrom("grant_adviser_assignments")
    .selectAll()
    .where("application_id", "=", applicationId);
  return (opts.lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertAssignment(db: Db, row: Insertable<GrantAdviserAssignmentsTable>): Promise<void> {
  await db.insertInto("grant_adviser_assignments").values(row).execute();
}

export async function acceptAssignment(db: Db, applicationId: string, by: string, at: Date): Promise<void> {
  await db
    .updateTable("grant_adviser_assignments")
    .set({ accepted_by: by, accepted_at: at })
    .where("application_id", "=", applicationId)
    .where("accepted_at", "is", null)
    .execute();
}

/** The programme's adviser-time applications with their assignments: when asked, assigned, accepted. */
export function adviceTimesOf(
  db: Db,
  programmeId: string,
  limit: number,
): Promise<{ asked_at: Date; assigned_at: Date | null; accepted_at: Date | null }[]> {
  return db
    .selectFrom("grant_applications as a")
    .leftJoin("grant_adviser_assignments as x", "x.application_id", "a.id")
    .select(["a.submitted_at as asked_at", "x.assigned_at", "x.accepted_at"])
    .where("a.programme_id", "=", programmeId)
    .where("a.support_kind", "=", "adviser-time")
    .where("a.status", "<>", "refused")
    .orderBy("a.submitted_at", "desc")
    .limit(limit)
    .execute();
}

/** The latest decision awarding a grant, or null (the awarded grants' index's end). */
export async function latestAward(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom("grant_applications")
    .select("decided_at")
    .where("status", "=", "awarded")
    .orderBy("decided_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.decided_at ?? null;
}

// End reports

/** A report submitted (its conditions' answers as JSON). */
export function insertEndReport(
  db: Db,
  row: Omit<Insertable<GrantEndReportsTable>, "conditions"> & { conditions: unknown },
): Promise<GrantEndReport> {
  return db
    .insertInto("grant_end_reports")
    .values({ ...row, conditions: JSON.stringify(row.conditions) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An application's end reports, the first submitted first. */
export function endReportsOf(db: Db, applicationId: string): Promise<GrantEndReport[]> {
  return db
    .selectFrom("grant_end_reports")
    .selectAll()
    .where("application_id", "=", applicationId)
    .orderBy("seq")
    .execute();
}

/** The funder's review of a report waiting for one; undefined when it is not waiting. */
export function reviewEndReport(
  db: Db,
  id: string,
  review: { status: "accepted" | "returned"; reviewed_by: string | null; reviewed_at: Date; reasons: string },
): Promise<GrantEndReport | undefined> {
  return db
    .updateTable("grant_end_reports")
    .set(review)
    .where("id", "=", id)
    .where("status", "=", "submitted")
    .returningAll()
    .executeTakeFirst();
}

/** When each awarded grant's end report was accepted, of those asked (360Giving). */
export async function acceptedEndReports(
  db: Db,
  applicationIds: readonly string[],
): Promise<Map<string, Date>> {
  if (applicationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("grant_end_reports")
    .select(["application_id", "reviewed_at"])
    .where("application_id", "in", [...applicationIds])
    .where("status", "=", "accepted")
    .execute();
  return new Map(rows.map((r) => [r.application_id, r.reviewed_at as Date]));
}
