/** Evaluation's SQL (issue 6). Every function takes the database or a transaction first. */
import { type RawBuilder, sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type { Declaration, EvaluationScore, ModeratedScore } from "./evaluation.table.ts";

function textArray(values: readonly string[]): RawBuilder<string[]> {
  return values.length === 0
    ? sql<string[]>`'{}'::text[]`
    : sql<string[]>`array[${sql.join([...values])}]::text[]`;
}

// Evaluators and declarations

export interface EvaluatorRow {
  user_id: string;
  display_name: string;
  assigned_at: Date;
  declaration: Declaration | null;
  declared_at: Date | null;
  submitted_at: Date | null;
}

/** The tender's assigned evaluators (a declared conflict has ended the assignment), with their progress. */
export function evaluatorsOf(db: Db, authorityId: string, tenderId: string): Promise<EvaluatorRow[]> {
  return db
    .selectFrom("tender_evaluators as e")
    .innerJoin("users as u", "u.id", "e.user_id")
    .leftJoin("evaluator_declarations as d", (j) =>
      j
        .onRef("d.authority_id", "=", "e.authority_id")
        .onRef("d.tender_id", "=", "e.tender_id")
        .onRef("d.user_id", "=", "e.user_id"),
    )
    .leftJoin("evaluation_submissions as s", (j) =>
      j
        .onRef("s.authority_id", "=", "e.authority_id")
        .onRef("s.tender_id", "=", "e.tender_id")
        .onRef("s.user_id", "=", "e.user_id"),
    )
    .select([
      "e.user_id",
      "u.display_name",
      "e.assigned_at",
      "d.declaration",
      "d.declared_at",
      "s.submitted_at",
    ])
    .where("e.authority_id", "=", authorityId)
    .where("e.tender_id", "=", tenderId)
    .orderBy("u.display_name")
    .orderBy("e.user_id")
    .execute();
}

export function declarationOf(db: Db, authorityId: string, tenderId: string, userId: string) {
  return db
    .selectFrom("evaluator_declarations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** Conflicts declared on the tender (their assignments ended), for the team. */
export function conflictsOf(db: Db, authorityId: string, tenderId: string) {
  return db
    .selectFrom("evaluator_declarations as d")
    .innerJoin("users as u", "u.id", "d.user_id")
    .select(["d.user_id", "u.display_name", "d.description", "d.declared_at"])
    .where("d.authority_id", "=", authorityId)
    .where("d.tender_id", "=", tenderId)
    .where("d.declaration", "=", "conflict")
    .orderBy("d.declared_at")
    .execute();
}

export async function upsertDeclaration(
  trx: Trx,
  row: {
    authority_id: string;
    tender_id: string;
    user_id: string;
    declaration: Declaration;
    description: string;
    declared_at: Date;
  },
): Promise<void> {
  await trx
    .insertInto("evaluator_declarations")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["authority_id", "tender_id", "user_id"]).doUpdateSet({
        declaration: row.declaration,
        description: row.description,
        declared_at: row.declared_at,
      }),
    )
    .execute();
}

// Scores

export function scoresOf(
  db: Db,
  authorityId: string,
  tenderId: string,
  userId?: string,
): Promise<EvaluationScore[]> {
  let query = db
    .selectFrom("evaluation_scores")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId);
  if (userId) query = query.where("user_id", "=", userId);
  return query.orderBy("user_id").orderBy("bid_id").orderBy("criterion_id").execute();
}

export async function upsertScores(
  trx: Trx,
  rows: {
    authority_id: string;
    tender_id: string;
    user_id: string;
    bid_id: string;
    criterion_id: string;
    score: number;
    reason: string;
    scored_at: Date;
  }[],
): Promise<void> {
  for (const row of rows)
    await trx
      .insertInto("evaluation_scores")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["authority_id", "tender_id", "user_id", "bid_id", "criterion_id"]).doUpdateSet({
          score: row.score,
          reason: row.reason,
          scored_at: row.scored_at,
        }),
      )
      .execute();
}

export function submissionOf(db: Db, authorityId: string, tenderId: string, userId: string) {
  return db
    .selectFrom("evaluation_submissions")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export async function insertSubmission(
  trx: Trx,
  row: { authority_id: string; tender_id: string; user_id: string; submitted_at: Date },
): Promise<void> {
  await trx.insertInto("evaluation_submissions").values(row).execute();
}

// Moderation

export function moderatedScoresOf(db: Db, authorityId: string, tenderId: string): Promise<ModeratedScore[]> {
  return db
    .selectFrom("moderated_scores")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("tender_id", "=", tenderId)
    .orderBy("bid_id")
    .orderBy("criterion_id")
    .execute();
}

export async function upsertModeratedScores(
  trx: Trx,
  rows: {
    authority_id: string;
    tender_id: string;
    bid_id: string;
    criterion_id: string;
    score: number;
    reason: string;
    moderated_by: string;
    moderated_at: Date;
  }[],
): Promise<void> {
  for (const row of rows)
    await trx
      .insertInto("moderated_scores")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["authority_id", "tender_id", "bid_id", "criterion_id"]).doUpdateSet({
          score: row.score,
          reason: row.reason,
          moderated_by: row.moderated_by,
          moderated_at: row.moderated_at,
        }),
      )
      .execute();
}

// Ties

export function tieDecisionOf(db: Db, authorityId: string, tenderId: string) {
  return db
    .selectFrom("tie_decisions as d")
    .innerJoin("users as u", "u.id", "d.decided_by")
    .selectAll("d")
    .select("u.display_name as decided_by_name")
    .where("d.authority_id", "=", authorityId)
    .where("d.tender_id", "=", tenderId)
    .executeTakeFirst();
}

export async function replaceTieDecision(
  trx: Trx,
  row: {
    authority_id: string;
    tender_id: string;
    bid_order: string[];
    reason: string;
    decided_by: string;
    decided_at: Date;
  },
): Promise<void> {
  await trx
    .deleteFrom("tie_decisions")
    .where("authority_id", "=", row.authority_id)
    .where("tender_id", "=", row.tender_id)
    .execute();
  await trx
    .insertInto("tie_decisions")
    .values({ ...row, bid_order: textArray(row.bid_order) })
    .execute();
}

// People

/** The people holding the authority's evaluator role, by name: those who can be assigned to a tender. */
export function authorityEvaluators(db: Db, authorityId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom("role_grants as g")
    .innerJoin("users as u", "u.id", "g.user_id")
    .select(["u.id", "u.display_name as name"])
    .distinct()
    .where("g.role", "=", "evaluator")
    .where("g.scope_type", "=", "authority")
    .where("g.scope_id", "=", authorityId)
    .orderBy("u.display_name")
    .orderBy("u.id")
    .execute();
}

// A person's work (tasks.service.ts)

/** A tender an evaluator is assigned to, with their declaration and submission, and whether evaluation has started. */
export interface AssignmentRow {
  authority_id: string;
  tender_id: string;
  title: string;
  status: "draft" | "published" | "cancelled";
  opened_at: Date | null;
  authority_name: string;
  authority_slug: string;
  assigned_at: Date;
  declaration: Declaration | null;
  submitted_at: Date | null;
  evaluation_started_at: Date | null;
  total: bigint;
}

/** The tenders this person is assigned to evaluate, latest assignment first, with how many in all (`total`). */
export function assignmentsOf(db: Db, userId: string, limit: number): Promise<AssignmentRow[]> {
  return db
    .selectFrom("tender_evaluators as e")
    .innerJoin("tenders as t", (j) =>
      j.onRef("t.authority_id", "=", "e.authority_id").onRef("t.id", "=", "e.tender_id"),
    )
    .innerJoin("authorities as a", "a.id", "e.authority_id")
    .leftJoin("evaluator_declarations as d", (j) =>
      j
        .onRef("d.authority_id", "=", "e.authority_id")
        .onRef("d.tender_id", "=", "e.tender_id")
        .onRef("d.user_id", "=", "e.user_id"),
    )
    .leftJoin("evaluation_submissions as s", (j) =>
      j
        .onRef("s.authority_id", "=", "e.authority_id")
        .onRef("s.tender_id", "=", "e.tender_id")
        .onRef("s.user_id", "=", "e.user_id"),
    )
    .leftJoin("tender_evaluations as v", (j) =>
      j.onRef("v.authority_id", "=", "e.authority_id").onRef("v.tender_id", "=", "e.tender_id"),
    )
    .select([
      "e.authority_id",
      "e.tender_id",
      "t.title",
      "t.status",
      "t.opened_at",
      "a.name as authority_name",
      "a.slug as authority_slug",
      "e.assigned_at",
      "d.declaration",
      "s.submitted_at",
      "v.started_at as evaluation_started_at",
      sql<bigint>`count(*) over ()`.as("total"),
    ])
    .where("e.user_id", "=", userId)
    .where("t.status", "<>", "draft")
    .orderBy("e.assigned_at", "desc")
    .orderBy("e.tender_id")
    .limit(limit)
    .execute();
}
