/**
 * The second tier's SQL (escalation and the ombudsman's casework): second-tier bodies, cases, the
 * comments on a draft, and the remedies a final decision orders. Every function takes the database
 * or a transaction first.
 */
import { sql, type Updateable } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  NewOmbudsmanCase,
  NewOmbudsmanRemedy,
  OmbudsmanCase,
  OmbudsmanCaseComment,
  OmbudsmanCasesTable,
  OmbudsmanRemedy,
} from "./redress.table.ts";

/** A case with its ombudsman's slug and name. */
export interface CaseRow extends OmbudsmanCase {
  ombudsman_slug: string;
  ombudsman_name: string;
}

function cases(db: Db) {
  return db
    .selectFrom("ombudsman_cases as k")
    .innerJoin("authorities as a", "a.id", "k.authority_id")
    .selectAll("k")
    .select(["a.slug as ombudsman_slug", "a.name as ombudsman_name"]);
}

export async function insertCase(trx: Trx, row: NewOmbudsmanCase): Promise<void> {
  await trx.insertInto("ombudsman_cases").values(row).execute();
}

export async function findCase(db: Db, authorityId: string, id: string): Promise<CaseRow | undefined> {
  return cases(db).where("k.authority_id", "=", authorityId).where("k.id", "=", id).executeTakeFirst();
}

/** The case of a complaint (one at most: unique). */
export async function caseOfComplaint(
  db: Db,
  complaintAuthorityId: string,
  complaintId: string,
): Promise<CaseRow | undefined> {
  return cases(db)
    .where("k.complaint_authority_id", "=", complaintAuthorityId)
    .where("k.complaint_id", "=", complaintId)
    .executeTakeFirst();
}

export async function lockCase(
  trx: Trx,
  authorityId: string,
  id: string,
): Promise<OmbudsmanCase | undefined> {
  return trx
    .selectFrom("ombudsman_cases")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateCase(
  trx: Trx,
  authorityId: string,
  id: string,
  patch: Updateable<OmbudsmanCasesTable>,
): Promise<void> {
  await trx
    .updateTable("ombudsman_cases")
    .set(patch)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The earliest due day of a case's remedies not yet confirmed (null: none left). */
export async function earliestUnconfirmedDue(
  db: Db,
  authorityId: string,
  caseId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom("ombudsman_remedies")
    .select((eb) => eb.fn.min("due_on").as("due_on"))
    .where("authority_id", "=", authorityId)
    .where("case_id", "=", caseId)
    .where("status", "<>", "confirmed")
    .executeTakeFirst();
  return (row?.due_on as string | null | undefined) ?? null;
}

export type CaseFilter = "all" | "assessment" | "investigation" | "draft" | "decided" | "overdue";

/** An ombudsman's cases, newest first, a page at a time by key (through `ombudsman_cases_of_authority`). */
export async function casesOf(
  db: Db,
  q: {
    authorityId: string;
    filter: CaseFilter;
    today: string;
    after: { at: Date; id: string } | undefined;
    limit: number;
  },
): Promise<CaseRow[]> {
  let query = cases(db).where("k.authority_id", "=", q.authorityId);
  if (q.filter === "overdue") query = query.where("k.next_due_on", "<", q.today);
  else if (q.filter !== "all") query = query.where("k.status", "=", q.filter);
  if (q.after) {
    const { at, id } = q.after;
    query = query.where(sql<boolean>`(k.created_at, k.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return query.orderBy("k.created_at", "desc").orderBy("k.id", "desc").limit(q.limit).execute();
}

export async function commentsOf(
  db: Db,
  authorityId: string,
  caseId: string,
): Promise<OmbudsmanCaseComment[]> {
  return db
    .selectFrom("ombudsman_case_comments")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("case_id", "=", caseId)
    .orderBy("seq")
    .execute();
}

export async function insertComment(trx: Trx, row: Omit<OmbudsmanCaseComment, "seq">): Promise<number> {
  const last = await trx
    .selectFrom("ombudsman_case_comments")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("authority_id", "=", row.authority_id)
    .where("case_id", "=", row.case_id)
    .executeTakeFirst();
  const seq = Number(last?.seq ?? 0) + 1;
  await trx
    .insertInto("ombudsman_case_comments")
    .values({ ...row, seq })
    .execute();
  return seq;
}

export async function remediesOf(db: Db, authorityId: string, caseId: string): Promise<OmbudsmanRemedy[]> {
  return db
    .selectFrom("ombudsman_remedies")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("case_id", "=", caseId)
    .orderBy("seq")
    .execute();
}

export async function insertRemedies(trx: Trx, rows: readonly NewOmbudsmanRemedy[]): Promise<void> {
  if (rows.length > 0)
    await trx
      .insertInto("ombudsman_remedies")
      .values([...rows])
      .execute();
}
