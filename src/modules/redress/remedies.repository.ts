/**
 * Remedies' SQL (the second tier's `ombudsman_remedies`, with their case and the names they refer
 * to). Every function takes the database or a transaction first. Lists page by the key
 * (due_on, authority_id, case_id, seq), soonest due first, through the indexes of
 * 2026-12-21-05-remedies.ts.
 */
import { sql, type Updateable } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import { COUNT_CAP } from "../../db/paging.ts";
import type { OmbudsmanCase, OmbudsmanRemediesTable, OmbudsmanRemedy } from "./redress.table.ts";

/** A remedy with its case's reference and state, the ombudsman, and the body that must comply. */
export interface RemedyRow extends OmbudsmanRemedy {
  case_reference: string;
  case_status: OmbudsmanCase["status"];
  case_decided_on: string | null;
  case_publication: OmbudsmanCase["publication"];
  complaint_authority_id: string;
  complaint_id: string;
  ombudsman_name: string;
  ombudsman_slug: string;
  body_authority_name: string;
  body_authority_slug: string;
  organisation_name: string | null;
}

/** A remedy's key: the ombudsman's authority, the case, the remedy's place in the decision. */
export interface RemedyKey {
  authorityId: string;
  caseId: string;
  seq: number;
}

/** Where a page of a list starts: after this remedy. */
export interface RemedyAfter {
  dueOn: string;
  authorityId: string;
  caseId: string;
  seq: number;
}

function remedies(db: Db) {
  return db
    .selectFrom("ombudsman_remedies as r")
    .innerJoin("ombudsman_cases as k", (j) =>
      j.onRef("k.authority_id", "=", "r.authority_id").onRef("k.id", "=", "r.case_id"),
    )
    .innerJoin("authorities as o", "o.id", "r.authority_id")
    .innerJoin("authorities as b", "b.id", "r.body_authority_id")
    .leftJoin("organisations as g", "g.id", "r.body_organisation_id")
    .selectAll("r")
    .select([
      "k.reference as case_reference",
      "k.status as case_status",
      "k.decided_on as case_decided_on",
      "k.publication as case_publication",
      "k.complaint_authority_id",
      "k.complaint_id",
      "o.name as ombudsman_name",
      "o.slug as ombudsman_slug",
      "b.name as body_authority_name",
      "b.slug as body_authority_slug",
      "g.name as organisation_name",
    ]);
}

function afterKey(after: RemedyAfter | undefined) {
  return after
    ? sql<boolean>`(r.due_on, r.authority_id, r.case_id, r.seq) > (${after.dueOn}::date, ${after.authorityId}::uuid, ${after.caseId}::uuid, ${after.seq}::int)`
    : sql<boolean>`true`;
}

/** A remedy's key order: oldest due first (the order `afterKey` pages by). */
const KEY_ORDER = sql`r.due_on, r.authority_id, r.case_id, r.seq`;

/** Overdue — still due, its day passed — after a key: every overdue list and the sweep read by it. */
function overdueAfter(today: string, after: RemedyAfter | undefined) {
  return sql<boolean>`r.status = 'due' and r.due_on < ${today}::date and ${afterKey(after)}`;
}

export async function findRemedy(db: Db, key: RemedyKey): Promise<RemedyRow | undefined> {
  return remedies(db)
    .where("r.authority_id", "=", key.authorityId)
    .where("r.case_id", "=", key.caseId)
    .where("r.seq", "=", key.seq)
    .executeTakeFirst();
}

/** A body's remedy by its case and place (the body's pages name no ombudsman): through the body's index. */
export async function findBodyRemedy(
  db: Db,
  body: { organisationId: string } | { authorityId: string },
  caseId: string,
  seq: number,
): Promise<RemedyRow | undefined> {
  let q = remedies(db).where("r.case_id", "=", caseId).where("r.seq", "=", seq);
  q =
    "organisationId" in body
      ? q.where("r.body_organisation_id", "=", body.organisationId)
      : q.where("r.body_authority_id", "=", body.authorityId).where("r.body_organisation_id", "is", null);
  return q.executeTakeFirst();
}

export async function lockRemedy(trx: Trx, key: RemedyKey): Promise<OmbudsmanRemedy | undefined> {
  return trx
    .selectFrom("ombudsman_remedies")
    .selectAll()
    .where("authority_id", "=", key.authorityId)
    .where("case_id", "=", key.caseId)
    .where("seq", "=", key.seq)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateRemedy(
  trx: Trx,
  key: RemedyKey,
  patch: Updateable<OmbudsmanRemediesTable>,
): Promise<void> {
  await trx
    .updateTable("ombudsman_remedies")
    .set(patch)
    .where("authority_id", "=", key.authorityId)
    .where("case_id", "=", key.caseId)
    .where("seq", "=", key.seq)
    .execute();
}

/** How many of a case's remedies are not yet confirmed. */
export async function unconfirmedOfCase(db: Db, authorityId: string, caseId: string): Promise<number> {
  const row = await db
    .selectFrom("ombudsman_remedies")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("authority_id", "=", authorityId)
    .where("case_id", "=", caseId)
    .where("status", "<>", "confirmed")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A case's remedies, in order (the ombudsman's case page, the body's remedy page). */
export async function remediesOfCase(db: Db, authorityId: string, caseId: string): Promise<RemedyRow[]> {
  return remedies(db)
    .where("r.authority_id", "=", authorityId)
    .where("r.case_id", "=", caseId)
    .orderBy("r.seq")
    .execute();
}

export type RemedyFilter = "all" | "due" | "overdue" | "reported" | "confirmed";

/** A body's remedies, soonest due first, a page at a time by key (through the body's index). */
export async function bodyRemedies(
  db: Db,
  q: {
    body: { organisationId: string } | { authorityId: string };
    filter: RemedyFilter;
    today: string;
    after: RemedyAfter | undefined;
    limit: number;
  },
): Promise<RemedyRow[]> {
  let query = remedies(db);
  query =
    "organisationId" in q.body
      ? query.where("r.body_organisation_id", "=", q.body.organisationId)
      : query
          .where("r.body_authority_id", "=", q.body.authorityId)
          .where("r.body_organisation_id", "is", null);
  if (q.filter === "due") query = query.where("r.status", "=", "due").where("r.due_on", ">=", q.today);
  if (q.filter === "overdue") query = query.where("r.status", "=", "due").where("r.due_on", "<", q.today);
  if (q.filter === "reported") query = query.where("r.status", "=", "reported");
  if (q.filter === "confirmed") query = query.where("r.status", "=", "confirmed");
  return query
    .where(afterKey(q.after))
    .orderBy("r.due_on")
    .orderBy("r.authority_id")
    .orderBy("r.case_id")
    .orderBy("r.seq")
    .limit(q.limit)
    .execute();
}

/** Remedies these bodies must still do (their people's work), soonest due first, with how many more. */
export async function remediesToDo(
  db: Db,
  bodies: { organisationIds: readonly string[]; authorityIds: readonly string[] },
  limit: number,
): Promise<(RemedyRow & { more: number })[]> {
  if (bodies.organisationIds.length === 0 && bodies.authorityIds.length === 0) return [];
  const rows = await remedies(db)
    .select(sql<string>`count(*) over ()`.as("total"))
    .where("r.status", "=", "due")
    .where((eb) =>
      eb.or([
        ...(bodies.organisationIds.length > 0
          ? [eb("r.body_organisation_id", "in", bodies.organisationIds)]
          : []),
        ...(bodies.authorityIds.length > 0
          ? [
              eb.and([
                eb("r.body_authority_id", "in", bodies.authorityIds),
                eb("r.body_organisation_id", "is", null),
              ]),
            ]
          : []),
      ]),
    )
    .orderBy("r.due_on")
    .orderBy("r.case_id")
    .orderBy("r.seq")
    .limit(limit)
    .execute();
  return rows.map(({ total, ...r }) => ({ ...r, more: Math.max(0, Number(total) - rows.length) }));
}

/** Remedies reported done and waiting for these ombudsmen to confirm, oldest report first, with how many more. */
export async function reportedToConfirm(
  db: Db,
  ombudsmanIds: readonly string[],
  limit: number,
): Promise<(RemedyRow & { more: number })[]> {
  if (ombudsmanIds.length === 0) return [];
  const rows = await remedies(db)
    .select(sql<string>`count(*) over ()`.as("total"))
    .where("r.authority_id", "in", ombudsmanIds)
    .where("r.status", "=", "reported")
    .orderBy("r.reported_on")
    .orderBy("r.case_id")
    .orderBy("r.seq")
    .limit(limit)
    .execute();
  return rows.map(({ total, ...r }) => ({ ...r, more: Math.max(0, Number(total) - rows.length) }));
}

/**
 * A staff member's case work at these ombudsmen: the open cases assigned to them and those no one is
 * assigned yet, with a next step due, soonest first; how many more counted up to COUNT_CAP (never
 * over all the ombudsman's open cases). Through `ombudsman_cases_work`.
 */
export async function casesDue(
  db: Db,
  ombudsmanIds: readonly string[],
  userId: string,
  limit: number,
): Promise<
  (Pick<OmbudsmanCase, "authority_id" | "id" | "reference" | "status" | "next_due_on"> & {
    ombudsman_slug: string;
    ombudsman_name: string;
    more: number;
  })[]
> {
  if (ombudsmanIds.length === 0) return [];
  const work = db
    .selectFrom("ombudsman_cases as c")
    .select(["c.authority_id", "c.id", "c.reference", "c.status", "c.next_due_on"])
    .where("c.authority_id", "in", ombudsmanIds)
    .where((eb) => eb.or([eb("c.investigator_id", "=", userId), eb("c.investigator_id", "is", null)]))
    .where("c.next_due_on", "is not", null)
    .where("c.status", "not in", ["declined", "closed"])
    .orderBy("c.next_due_on")
    .orderBy("c.id")
    .limit(COUNT_CAP + 1);
  const rows = await db
    .selectFrom(work.as("k"))
    .innerJoin("authorities as o", "o.id", "k.authority_id")
    .select(["k.authority_id", "k.id", "k.reference", "k.status", "k.next_due_on"])
    .select(["o.slug as ombudsman_slug", "o.name as ombudsman_name"])
    .select(sql<string>`count(*) over ()`.as("total"))
    .orderBy("k.next_due_on")
    .orderBy("k.id")
    .limit(limit)
    .execute();
  return rows.map(({ total, ...r }) => ({
    ...r,
    more: Math.max(0, Math.min(Number(total), COUNT_CAP) - rows.length),
  }));
}

/** An ombudsman's overdue remedies (due, its day passed), oldest due first, after a key. */
export async function overdueOfOmbudsman(
  db: Db,
  authorityId: string,
  today: string,
  after: RemedyAfter | undefined,
  limit: number,
): Promise<RemedyRow[]> {
  return remedies(db)
    .where("r.authority_id", "=", authorityId)
    .where(overdueAfter(today, after))
    .orderBy(KEY_ORDER)
    .limit(limit)
    .execute();
}

/** Overdue remedies not yet flagged, oldest due first, after a key: a page of the daily sweep. */
export async function overdueToFlag(
  db: Db,
  today: string,
  after: RemedyAfter | undefined,
  limit: number,
): Promise<OmbudsmanRemedy[]> {
  return db
    .selectFrom("ombudsman_remedies as r")
    .selectAll("r")
    .where(overdueAfter(today, after))
    .where("r.overdue_notified_on", "is", null)
    .orderBy(KEY_ORDER)
    .limit(limit)
    .execute();
}

/** What the published list shows of an overdue remedy: no description, no person. */
export interface PublicOverdueRow {
  authority_id: string;
  case_id: string;
  seq: number;
  kind: OmbudsmanRemedy["kind"];
  due_on: string;
  amount_pence: bigint | null;
  case_reference: string;
  case_publication: OmbudsmanCase["publication"];
  ombudsman_name: string;
  body_authority_name: string;
  organisation_name: string | null;
}

/** Every overdue remedy (due, its day passed), oldest due first, a page at a time by key (the published list). */
export async function publicOverdue(
  db: Db,
  today: string,
  after: RemedyAfter | undefined,
  limit: number,
): Promise<PublicOverdueRow[]> {
  return db
    .selectFrom("ombudsman_remedies as r")
    .innerJoin("ombudsman_cases as k", (j) =>
      j.onRef("k.authority_id", "=", "r.authority_id").onRef("k.id", "=", "r.case_id"),
    )
    .innerJoin("authorities as o", "o.id", "r.authority_id")
    .innerJoin("authorities as b", "b.id", "r.body_authority_id")
    .leftJoin("organisations as g", "g.id", "r.body_organisation_id")
    .select([
      "r.authority_id",
      "r.case_id",
      "r.seq",
      "r.kind",
      "r.due_on",
      "r.amount_pence",
      "k.reference as case_reference",
      "k.publication as case_publication",
      "o.name as ombudsman_name",
      "b.name as body_authority_name",
      "g.name as organisation_name",
    ])
    .where(overdueAfter(today, after))
    .orderBy(KEY_ORDER)
    .limit(limit)
    .execute();
}
