/**
 * SQL of the spin-out path: proposals, their team, stages, checklist ticks, documents and an
 * authority's decision period (`spinout_*`).
 */
import { type Insertable, sql, type Updateable } from "kysely";
import type { Db } from "../../db/database.ts";
import type {
  SpinoutDocument,
  SpinoutDocumentsTable,
  SpinoutProposal,
  SpinoutProposalsTable,
  SpinoutStage,
  SpinoutStagesTable,
} from "./mutuals.table.ts";
import type { StageId } from "./stages.ts";

export function decisionPeriod(db: Db, authorityId: string): Promise<{ days: number } | undefined> {
  return db
    .selectFrom("spinout_settings")
    .select("decision_period_working_days as days")
    .where("authority_id", "=", authorityId)
    .executeTakeFirst();
}

export async function upsertDecisionPeriod(
  db: Db,
  authorityId: string,
  row: { decision_period_working_days: number; set_by: string; set_at: Date },
): Promise<void> {
  await db
    .insertInto("spinout_settings")
    .values({ authority_id: authorityId, ...row })
    .onConflict((oc) => oc.column("authority_id").doUpdateSet(row))
    .execute();
}

export function insertProposal(db: Db, row: Insertable<SpinoutProposalsTable>): Promise<SpinoutProposal> {
  return db.insertInto("spinout_proposals").values(row).returningAll().executeTakeFirstOrThrow();
}

export function findProposal(
  db: Db,
  authorityId: string,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<SpinoutProposal | undefined> {
  const q = db
    .selectFrom("spinout_proposals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id);
  return opts.lock ? q.forUpdate().executeTakeFirst() : q.executeTakeFirst();
}

export function proposalByChallenge(
  db: Db,
  authorityId: string,
  challengeId: string,
): Promise<SpinoutProposal | undefined> {
  return db
    .selectFrom("spinout_proposals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("challenge_id", "=", challengeId)
    .executeTakeFirst();
}

/** The authority's proposals, newest first (a register: small). */
export function proposalsOf(db: Db, authorityId: string): Promise<SpinoutProposal[]> {
  return db
    .selectFrom("spinout_proposals")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

/** The proposal that spun out as this organisation, if any (at most one: a unique index). */
export function spunOutAs(db: Db, organisationId: string): Promise<SpinoutProposal | undefined> {
  return db
    .selectFrom("spinout_proposals")
    .selectAll()
    .where("organisation_id", "=", organisationId)
    .where("spun_out_on", "is not", null)
    .executeTakeFirst();
}

export async function updateProposal(
  db: Db,
  authorityId: string,
  id: string,
  set: Updateable<SpinoutProposalsTable>,
): Promise<SpinoutProposal> {
  return db
    .updateTable("spinout_proposals")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertMembers(
  db: Db,
  authorityId: string,
  proposalId: string,
  userIds: readonly string[],
  at: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  await db
    .insertInto("spinout_members")
    .values(
      userIds.map((user_id) => ({
        authority_id: authorityId,
        proposal_id: proposalId,
        user_id,
        added_at: at,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function membersOf(db: Db, authorityId: string, proposalId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("spinout_members")
    .select("user_id")
    .where("authority_id", "=", authorityId)
    .where("proposal_id", "=", proposalId)
    .orderBy("added_at")
    .orderBy("user_id")
    .execute();
  return rows.map((r) => r.user_id);
}

export async function teamSizes(db: Db, authorityId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("spinout_members")
    .select(["proposal_id", (eb) => eb.fn.countAll<string>().as("n")])
    .where("authority_id", "=", authorityId)
    .groupBy("proposal_id")
    .execute();
  return new Map(rows.map((r) => [r.proposal_id, Number(r.n)]));
}

export function stagesOf(db: Db, authorityId: string, proposalId: string): Promise<SpinoutStage[]> {
  return db
    .selectFrom("spinout_stages")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("proposal_id", "=", proposalId)
    .execute();
}

export async function startStage(db: Db, row: Insertable<SpinoutStagesTable>): Promise<void> {
  await db
    .insertInto("spinout_stages")
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function updateStage(
  db: Db,
  authorityId: string,
  proposalId: string,
  stage: StageId,
  set: Updateable<SpinoutStagesTable>,
): Promise<void> {
  await db
    .updateTable("spinout_stages")
    .set(set)
    .where("authority_id", "=", authorityId)
    .where("proposal_id", "=", proposalId)
    .where("stage", "=", stage)
    .execute();
}

export async function insertDocument(db: Db, row: Insertable<SpinoutDocumentsTable>): Promise<void> {
  await db.insertInto("spinout_documents").values(row).execute();
}

/** A proposal's documents, oldest first. */
export async function documentsOf(
  db: Db,
  authorityId: string,
  proposalId: string,
): Promise<SpinoutDocument[]> {
  return db
    .selectFrom("spinout_documents")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("proposal_id", "=", proposalId)
    .orderBy("uploaded_at")
    .orderBy("id")
    .execute();
}

export async function findDocument(
  db: Db,
  authorityId: string,
  proposalId: string,
  id: string,
): Promise<SpinoutDocument | undefined> {
  return db
    .selectFrom("spinout_documents")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("proposal_id", "=", proposalId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function ticksOf(db: Db, authorityId: string, proposalId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("spinout_checks")
    .select("item")
    .where("authority_id", "=", authorityId)
    .where("proposal_id", "=", proposalId)
    .execute();
  return new Set(rows.map((r) => r.item));
}

export async function setTick(
  db: Db,
  authorityId: string,
  proposalId: string,
  item: string,
  done: { by: string; at: Date } | null,
): Promise<void> {
  if (done)
    await db
      .insertInto("spinout_checks")
      .values({
        authority_id: authorityId,
        proposal_id: proposalId,
        item,
        done_by: done.by,
        done_at: done.at,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  else
    await db
      .deleteFrom("spinout_checks")
      .where("authority_id", "=", authorityId)
      .where("proposal_id", "=", proposalId)
      .where("item", "=", item)
      .execute();
}

/** Proposals by the stage they are at now (every authority's), a refused one as "refused". */
export function proposalsByStage(db: Db): Promise<{ stage: StageId | "refused"; proposals: number }[]> {
  return db
    .selectFrom("spinout_proposals")
    .select([
      sql<StageId | "refused">`case when decision = 'refused' then 'refused' else stage end`.as("stage"),
      sql<number>`count(*)::int`.as("proposals"),
    ])
    .groupBy(sql`1`)
    .execute();
}

/** Stages done (moved on from), by stage: how many, and the median of the days each took. */
export function stageDurations(
  db: Db,
): Promise<{ stage: StageId; done: number; median_days: number | string | null }[]> {
  return db
    .selectFrom("spinout_stages")
    .where("done_on", "is not", null)
    .select([
      "stage",
      sql<number>`count(*)::int`.as("done"),
      sql<number | string | null>`percentile_cont(0.5) within group (order by (done_on - started_on))`.as(
        "median_days",
      ),
    ])
    .groupBy("stage")
    .execute();
}

/** Proposals that reached trading, by what their mutual's administrators recorded of its survival. */
export function survivalCounts(db: Db): Promise<{ survival: string | null; mutuals: number }[]> {
  return db
    .selectFrom("spinout_proposals")
    .where("spun_out_on", "is not", null)
    .select(["survival", sql<number>`count(*)::int`.as("mutuals")])
    .groupBy("survival")
    .execute();
}

/** The refused proposals of teams this person is on, most recently decided first (appeals: redress's port). */
export function refusedProposalsOfMember(
  db: Db,
  userId: string,
  limit: number,
): Promise<(SpinoutProposal & { authority_name: string; authority_slug: string })[]> {
  return db
    .selectFrom("spinout_members as m")
    .innerJoin("spinout_proposals as p", (j) =>
      j.onRef("p.authority_id", "=", "m.authority_id").onRef("p.id", "=", "m.proposal_id"),
    )
    .innerJoin("authorities as a", "a.id", "p.authority_id")
    .selectAll("p")
    .select(["a.name as authority_name", "a.slug as authority_slug"])
    .where("m.user_id", "=", userId)
    .where("p.decision", "=", "refused")
    .orderBy("p.decided_at", "desc")
    .limit(limit)
    .execute();
}
