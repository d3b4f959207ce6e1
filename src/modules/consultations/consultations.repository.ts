/** Consultations' SQL. Every function takes the database or a transaction first. */
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
