/** Consultations' SQL. Every function takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  Consultation,
  ConsultationKind,
  ConsultationPointAnswer,
  ConsultationQuestion,
  ConsultationResponseSection,
  ConsultationSection,
  NewConsultation,
  StoredStatus,
} from "./consultations.table.ts";

/** A consultation with the names it refers to. */
export interface ConsultationRow extends Consultation {
  authority_name: string;
  authority_slug: string;
  project_title: string | null;
  project_status: string | null;
  project_ocid: string | null;
}

export interface SectionWithQuestions extends ConsultationSection {
  questions: ConsultationQuestion[];
}

/** A response with what it says and who sent it (names: for the authority's editors only). */
export interface ResponseRow {
  id: string;
  respondent_kind: "organisation" | "individual";
  user_id: string;
  user_name: string;
  organisation_id: string | null;
  organisation_name: string | null;
  organisation_sector: string | null;
  show_name: boolean;
  created_at: Date;
  updated_at: Date;
  sections: ConsultationResponseSection[];
  answers: { question_id: string; answer: string }[];
}

function withNames(db: Db) {
  return db
    .selectFrom("consultations as c")
    .innerJoin("authorities as a", "a.id", "c.authority_id")
    .leftJoin("projects as p", (j) =>
      j.onRef("p.authority_id", "=", "c.authority_id").onRef("p.id", "=", "c.project_id"),
    )
    .selectAll("c")
    .select([
      "a.name as authority_name",
      "a.slug as authority_slug",
      "p.title as project_title",
      "p.status as project_status",
      "p.ocid as project_ocid",
    ]);
}

export async function insertConsultation(trx: Trx, row: NewConsultation): Promise<void> {
  await trx.insertInto("consultations").values(row).execute();
}

export async function updateConsultation(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: Partial<NewConsultation>,
): Promise<void> {
  await trx
    .updateTable("consultations")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export function lockConsultation(
  trx: Trx,
  authorityId: string,
  id: string,
): Promise<Consultation | undefined> {
  return trx
    .selectFrom("consultations")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export function findConsultation(
  db: Db,
  authorityId: string,
  id: string,
): Promise<ConsultationRow | undefined> {
  return withNames(db).where("c.authority_id", "=", authorityId).where("c.id", "=", id).executeTakeFirst();
}

export interface ListFilters {
  authorityId?: string;
  kind?: ConsultationKind;
  /** Include drafts (only for the authority's editors, with authorityId). */
  drafts?: boolean;
  projectId?: string;
}

export function listConsultations(db: Db, filters: ListFilters): Promise<ConsultationRow[]> {
  let query = withNames(db);
  if (filters.authorityId) query = query.where("c.authority_id", "=", filters.authorityId);
  if (filters.kind) query = query.where("c.kind", "=", filters.kind);
  if (filters.projectId) query = query.where("c.project_id", "=", filters.projectId);
  if (!filters.drafts) query = query.where("c.status", "<>", "draft");
  return query.orderBy("c.closes_at", "desc").orderBy("c.title").orderBy("c.id").execute();
}

/** Authorities with at least one published consultation, for the national list's filter. */
export function authoritiesWithConsultations(db: Db): Promise<{ id: string; name: string; slug: string }[]> {
  return db
    .selectFrom("authorities as a")
    .select(["a.id", "a.name", "a.slug"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("consultations as c")
          .select("c.id")
          .whereRef("c.authority_id", "=", "a.id")
          .where("c.status", "<>", "draft"),
      ),
    )
    .orderBy("a.name")
    .orderBy("a.id")
    .execute();
}

export async function sectionsOf(
  db: Db,
  authorityId: string,
  consultationId: string,
): Promise<SectionWithQuestions[]> {
  const [sections, questions] = await Promise.all([
    db
      .selectFrom("consultation_sections")
      .selectAll()
      .where("authority_id", "=", authorityId)
      .where("consultation_id", "=", consultationId)
      .orderBy("position")
      .execute(),
    db
      .selectFrom("consultation_questions")
      .selectAll()
      .where("authority_id", "=", authorityId)
      .where("consultation_id", "=", consultationId)
      .orderBy("position")
      .execute(),
  ]);
  return sections.map((s) => ({ ...s, questions: questions.filter((q) => q.section_id === s.id) }));
}

/** Replaces a draft's sections and their questions. */
export async function replaceSections(
  trx: Trx,
  authorityId: string,
  consultationId: string,
  sections: readonly {
    id: string;
    heading: string;
    body: string;
    questions: readonly { id: string; text: string }[];
  }[],
): Promise<void> {
  await trx
    .deleteFrom("consultation_sections")
    .where("authority_id", "=", authorityId)
    .where("consultation_id", "=", consultationId)
    .execute();
  if (sections.length === 0) return;
  await trx
    .insertInto("consultation_sections")
    .values(
      sections.map((s, i) => ({
        authority_id: authorityId,
        consultation_id: consultationId,
        id: s.id,
        position: i + 1,
        heading: s.heading,
        body: s.body,
      })),
    )
    .execute();
  const questions = sections.flatMap((s) =>
    s.questions.map((q, i) => ({
      authority_id: authorityId,
      consultation_id: consultationId,
      section_id: s.id,
      id: q.id,
      position: i + 1,
      text: q.text,
    })),
  );
  if (questions.length > 0) await trx.insertInto("consultation_questions").values(questions).execute();
}

export function projectOf(
  db: Db,
  authorityId: string,
  projectId: string,
): Promise<{ id: string; title: string; status: string } | undefined> {
  return db
    .selectFrom("projects")
    .select(["id", "title", "status"])
    .where("authority_id", "=", authorityId)
    .where("id", "=", projectId)
    .executeTakeFirst();
}

export function projectChoices(db: Db, authorityId: string): Promise<{ id: string; title: string }[]> {
  return db
    .selectFrom("projects")
    .select(["id", "title"])
    .where("authority_id", "=", authorityId)
    .orderBy("title")
    .orderBy("id")
    .execute();
}

/** The organisations (id, name, effective sector) among these ids. */
export async function organisationsById(
  db: Db,
  ids: readonly string[],
): Promise<{ id: string; name: string; sector: string }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("organisations")
    .select(["id", "name", "sector"])
    .where("id", "in", ids)
    .orderBy("name")
    .orderBy("id")
    .execute();
}

export function findResponseOf(
  db: Db,
  authorityId: string,
  consultationId: string,
  respondent: { organisationId: string } | { userId: string },
) {
  let query = db
    .selectFrom("consultation_responses")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("consultation_id", "=", consultationId);
  query =
    "organisationId" in respondent
      ? query.where("organisation_id", "=", respondent.organisationId)
      : query.where("organisation_id", "is", null).where("user_id", "=", respondent.userId);
  return query.executeTakeFirst();
}

export async function insertResponse(
  trx: Trx,
  row: {
    authority_id: string;
    consultation_id: string;
    id: string;
    respondent_kind: "organisation" | "individual";
    user_id: string;
    organisation_id: string | null;
    organisation_sector: string | null;
    show_name: boolean;
    created_at: Date;
    updated_at: Date;
  },
): Promise<void> {
  await trx.insertInto("consultation_responses").values(row).execute();
}

export async function updateResponse(
  trx: Trx,
  authorityId: string,
  id: string,
  changes: { user_id: string; show_name: boolean; organisation_sector: string | null; updated_at: Date },
): Promise<void> {
  await trx
    .updateTable("consultation_responses")
    .set(changes)
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** Replaces what a response says: its sections with content and its answers. */
export async function replaceResponseContent(
  trx: Trx,
  authorityId: string,
  consultationId: string,
  responseId: string,
  sections: readonly Omit<ConsultationResponseSection, "authority_id" | "consultation_id" | "response_id">[],
  answers: readonly { question_id: string; answer: string }[],
): Promise<void> {
  await trx
    .deleteFrom("consultation_answers")
    .where("authority_id", "=", authorityId)
    .where("response_id", "=", responseId)
    .execute();
  await trx
    .deleteFrom("consultation_response_sections")
    .where("authority_id", "=", authorityId)
    .where("response_id", "=", responseId)
    .execute();
  const base = { authority_id: authorityId, consultation_id: consultationId, response_id: responseId };
  if (sections.length > 0)
    await trx
      .insertInto("consultation_response_sections")
      .values(sections.map((s) => ({ ...base, ...s })))
      .execute();
  if (answers.length > 0)
    await trx
      .insertInto("consultation_answers")
      .values(answers.map((a) => ({ ...base, ...a })))
      .execute();
}

/** Every response to a consultation (or the one with responseId), oldest first, with what it says and who sent it. */
export async function responsesOf(
  db: Db,
  authorityId: string,
  consultationId: string,
  responseId?: string,
): Promise<ResponseRow[]> {
  const [responses, sections, answers] = await Promise.all([
    db
      .selectFrom("consultation_responses as r")
      .innerJoin("users as u", "u.id", "r.user_id")
      .leftJoin("organisations as o", "o.id", "r.organisation_id")
      .select([
        "r.id",
        "r.respondent_kind",
        "r.user_id",
        "u.display_name as user_name",
        "r.organisation_id",
        "o.name as organisation_name",
        "r.organisation_sector",
        "r.show_name",
        "r.created_at",
        "r.updated_at",
      ])
      .where("r.authority_id", "=", authorityId)
      .where("r.consultation_id", "=", consultationId)
      .$if(responseId !== undefined, (q) => q.where("r.id", "=", responseId as string))
      .orderBy("r.created_at")
      .orderBy("r.id")
      .execute(),
    db
      .selectFrom("consultation_response_sections")
      .selectAll()
      .where("authority_id", "=", authorityId)
      .where("consultation_id", "=", consultationId)
      .$if(responseId !== undefined, (q) => q.where("response_id", "=", responseId as string))
      .execute(),
    db
      .selectFrom("consultation_answers")
      .select(["response_id", "question_id", "answer"])
      .where("authority_id", "=", authorityId)
      .where("consultation_id", "=", consultationId)
      .$if(responseId !== undefined, (q) => q.where("response_id", "=", responseId as string))
      .execute(),
  ]);
  return responses.map((r) => ({
    ...r,
    sections: sections.filter((s) => s.response_id === r.id),
    answers: answers
      .filter((a) => a.response_id === r.id)
      .map(({ question_id, answer }) => ({ question_id, answer })),
  }));
}

export function pointAnswersOf(
  db: Db,
  authorityId: string,
  consultationId: string,
): Promise<ConsultationPointAnswer[]> {
  return db
    .selectFrom("consultation_point_answers")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("consultation_id", "=", consultationId)
    .execute();
}

export async function upsertPointAnswer(trx: Trx, row: ConsultationPointAnswer): Promise<void> {
  await trx
    .insertInto("consultation_point_answers")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["authority_id", "response_id", "section_id"]).doUpdateSet({
        we_did: row.we_did,
        answered_by: row.answered_by,
        answered_at: row.answered_at,
      }),
    )
    .execute();
}

export async function deletePointAnswer(
  trx: Trx,
  authorityId: string,
  responseId: string,
  sectionId: string,
): Promise<void> {
  await trx
    .deleteFrom("consultation_point_answers")
    .where("authority_id", "=", authorityId)
    .where("response_id", "=", responseId)
    .where("section_id", "=", sectionId)
    .execute();
}

export async function setStatus(
  trx: Trx,
  authorityId: string,
  id: string,
  status: StoredStatus,
  changes: Partial<NewConsultation>,
): Promise<void> {
  await updateConsultation(trx, authorityId, id, { ...changes, status });
}

// The open data: every published consultation, its questions and its "you said, we did", page by key.

type Key2 = readonly [authorityId: string, id: string];

/** One page of every authority's published consultations (not drafts), in key order after `after`. */
export function publishedConsultationsAfter(
  db: Db,
  after: Key2 | undefined,
  limit: number,
): Promise<Consultation[]> {
  let query = db.selectFrom("consultations").selectAll().where("status", "<>", "draft");
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("authority_id", "id"), ">", tuple(after[0], after[1])),
    );
  return query.orderBy("authority_id").orderBy("id").limit(limit).execute();
}

export interface PublishedQuestionRow {
  authority_id: string;
  consultation_id: string;
  section_id: string;
  section_position: number;
  section_heading: string;
  id: string;
  position: number;
  text: string;
}

/** One page of the questions of published consultations, in key order after `after`. */
export function publishedQuestionsAfter(
  db: Db,
  after: Key2 | undefined,
  limit: number,
): Promise<PublishedQuestionRow[]> {
  let query = db
    .selectFrom("consultation_questions as q")
    .innerJoin("consultations as c", (j) =>
      j.onRef("c.authority_id", "=", "q.authority_id").onRef("c.id", "=", "q.consultation_id"),
    )
    .innerJoin("consultation_sections as s", (j) =>
      j.onRef("s.authority_id", "=", "q.authority_id").onRef("s.id", "=", "q.section_id"),
    )
    .select([
      "q.authority_id",
      "q.consultation_id",
      "q.section_id",
      "s.position as section_position",
      "s.heading as section_heading",
      "q.id",
      "q.position",
      "q.text",
    ])
    .where("c.status", "<>", "draft");
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("q.authority_id", "q.id"), ">", tuple(after[0], after[1])),
    );
  return query.orderBy("q.authority_id").orderBy("q.id").limit(limit).execute();
}

/** A point of a published "you said, we did": what a response said on a section, and what was done. */
export interface PublishedPointRow {
  authority_id: string;
  consultation_id: string;
  response_id: string;
  section_id: string;
  section_heading: string;
  respondent_kind: "organisation" | "individual";
  organisation_sector: string | null;
  comments: string;
  could_be_different: boolean;
  could_deliver: boolean;
  alternative_model: string;
  we_did: string;
  answered_at: Date;
}

/**
 * One page of the points answered in published "you said, we did" summaries, in key order after
 * `after` (authority, response, section). Who responded is not read: no name, no account.
 */
export function publishedPointsAfter(
  db: Db,
  after: readonly [authorityId: string, responseId: string, sectionId: string] | undefined,
  limit: number,
): Promise<PublishedPointRow[]> {
  let query = db
    .selectFrom("consultation_point_answers as pa")
    .innerJoin("consultations as c", (j) =>
      j.onRef("c.authority_id", "=", "pa.authority_id").onRef("c.id", "=", "pa.consultation_id"),
    )
    .innerJoin("consultation_responses as r", (j) =>
      j.onRef("r.authority_id", "=", "pa.authority_id").onRef("r.id", "=", "pa.response_id"),
    )
    .innerJoin("consultation_response_sections as rs", (j) =>
      j
        .onRef("rs.authority_id", "=", "pa.authority_id")
        .onRef("rs.response_id", "=", "pa.response_id")
        .onRef("rs.section_id", "=", "pa.section_id"),
    )
    .innerJoin("consultation_sections as s", (j) =>
      j.onRef("s.authority_id", "=", "pa.authority_id").onRef("s.id", "=", "pa.section_id"),
    )
    .select([
      "pa.authority_id",
      "pa.consultation_id",
      "pa.response_id",
      "pa.section_id",
      "s.heading as section_heading",
      "r.respondent_kind",
      "r.organisation_sector",
      "rs.comments",
      "rs.could_be_different",
      "rs.could_deliver",
      "rs.alternative_model",
      "pa.we_did",
      "pa.answered_at",
    ])
    .where("c.status", "=", "summary-published");
  if (after)
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple("pa.authority_id", "pa.response_id", "pa.section_id"),
        ">",
        tuple(after[0], after[1], after[2]),
      ),
    );
  return query
    .orderBy("pa.authority_id")
    .orderBy("pa.response_id")
    .orderBy("pa.section_id")
    .limit(limit)
    .execute();
}

/** When any published consultation last changed, and when a summary was last published: two indexes' ends. */
export async function latestConsultationChanges(
  db: Db,
): Promise<{ published: Date | null; summary: Date | null }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("consultations")
        .select((q) => q.fn.max<Date | null>("updated_at").as("a"))
        .where("status", "<>", "draft")
        .as("published"),
      eb
        .selectFrom("consultations")
        .select((q) => q.fn.max<Date | null>("summary_published_at").as("a"))
        .as("summary"),
    ])
    .executeTakeFirstOrThrow();
  return { published: row.published, summary: row.summary };
}

/** What the progress reports count of consultations in [from, to); closed ones up to `now`. */
export interface ConsultationCounts {
  opened: number;
  closed: number;
  responses: number;
  youSaidWeDid: number;
}

/**
 * Consultations opened (published), closed (their closing time passed), the responses to those
 * closed, and "you said, we did" summaries published in [from, to), of one authority or of every
 * one: each an index range scan over the period's consultations (the responses by their key).
 */
export async function countsBetween(
  db: Db,
  range: { authorityId?: string | undefined; from: Date; to: Date; now: Date },
): Promise<ConsultationCounts> {
  const closedBy = range.to < range.now ? range.to : range.now;
  const authority = range.authorityId ? sql`and c.authority_id = ${range.authorityId}` : sql``;
  const { rows } = await sql<ConsultationCounts>`
    select
      (select count(*)::int from consultations c where c.published_at is not null
        and c.published_at >= ${range.from} and c.published_at < ${range.to} ${authority}) as opened,
      (select count(*)::int from consultations c where c.status <> 'draft'
        and c.closes_at >= ${range.from} and c.closes_at < ${closedBy} ${authority}) as closed,
      (select count(*)::int from consultations c join consultation_responses r
          on r.authority_id = c.authority_id and r.consultation_id = c.id
        where c.status <> 'draft' and c.closes_at >= ${range.from} and c.closes_at < ${closedBy} ${authority})
        as responses,
      (select count(*)::int from consultations c where c.summary_published_at is not null
        and c.summary_published_at >= ${range.from} and c.summary_published_at < ${range.to} ${authority})
        as "youSaidWeDid"`.execute(db);
  return rows[0] ?? { opened: 0, closed: 0, responses: 0, youSaidWeDid: 0 };
}
