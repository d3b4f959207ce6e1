/**
 * Consultations (issue 4, item 5): an authority publishes a draft specification in ordered
 * sections, each with questions, and a closing instant. Two kinds: preliminary market engagement
 * on the shape of a service (tied to one of the authority's commissioning projects) and policy
 * consultations (tied to none).
 *
 * States: draft (changed by the authority's register editors) → open (published; the closing
 * instant must be in the future) → closed (derived from the clock: now ≥ closes_at) → summary
 * published ("you said, we did": every point answered, every respondent told).
 *
 * Any signed-in person responds, as themselves or for an organisation they act for: per section,
 * answers to its questions, comments, "this could be delivered differently" (with the alternative
 * model) and "we could deliver this". One response per respondent, changeable until closing. The
 * authority's editors see who responded; everyone else sees responses only after closing, and
 * without names unless the respondent agreed. Every change is audited on the authority's chain in
 * the caller's transaction; people are referenced, never copied, in the audit trail.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonDateTime, londonInstant, parseTime } from "../../lib/london-time.ts";
import {
  actorOf,
  isAuthorityEditor,
  type Principal,
  type Role,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { type Actor, personalRef, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { effectiveSectorOf } from "../organisations/organisations.service.ts";
import * as repo from "./consultations.repository.ts";
import {
  CONSULTATION_KINDS,
  type Consultation,
  type ConsultationKind,
  type ConsultationStatus,
} from "./consultations.table.ts";

export const CONSULTATION_LIMITS = {
  title: 200,
  summary: 5000,
  audience: 2000,
  sections: 30,
  heading: 200,
  body: 10000,
  questions: 20,
  question: 1000,
  answer: 10000,
  comments: 10000,
  alternative: 10000,
  weDid: 10000,
  summaryText: 10000,
} as const;

/** Roles that act for an organisation, and so may respond for it. */
const ORGANISATION_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

/** The status people see: "closed" is derived from the clock. */
export function statusOf(c: Pick<Consultation, "status" | "closes_at">, now: Date): ConsultationStatus {
  if (c.status === "open" && now.getTime() >= c.closes_at.getTime()) return "closed";
  return c.status;
}

// ——— Drafting ———

export interface SectionDraft {
  heading?: string;
  body?: string;
  /** One question each; blank ones are ignored. */
  questions?: readonly string[];
}

/** What a form or the API sends, before it is checked. */
export interface ConsultationDraft {
  kind?: string;
  projectId?: string | null;
  title?: string;
  summary?: string;
  audience?: string;
  /** An ISO 8601 instant with its offset (the API), or… */
  closesAt?: string;
  /** …a London date (YYYY-MM-DD) and time ("17:00", "5pm"), from the form. */
  closesOn?: string;
  closesTime?: string;
  sections?: readonly SectionDraft[];
}

export interface ConsultationInput {
  kind: ConsultationKind;
  projectId: string | null;
  title: string;
  summary: string;
  audience: string;
  closesAt: Date;
  sections: { heading: string; body: string; questions: string[] }[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function closingOf(draft: ConsultationDraft, problems: FieldError[]): Date | null {
  if (draft.closesAt !== undefined && draft.closesOn === undefined) {
    const value = draft.closesAt.trim();
    const instant = ISO_INSTANT.test(value) ? new Date(value) : null;
    if (!instant || Number.isNaN(instant.getTime())) {
      problems.push({
        field: "closesAt",
        message:
          "Enter the closing date and time as an ISO 8601 instant with its offset, like 2027-01-31T17:00:00Z",
      });
      return null;
    }
    return instant;
  }
  const on = draft.closesOn ?? "";
  const time = (draft.closesTime ?? "").trim();
  let ok = true;
  if (on === "") {
    problems.push({ field: "closesAt", message: "Enter the closing date" });
    ok = false;
  } else if (!isIsoDate(on)) {
    problems.push({ field: "closesAt", message: "Enter the closing date as a real date, like 31 1 2027" });
    ok = false;
  }
  const parsed = parseTime(time);
  if (time === "") {
    problems.push({ field: "closesTime", message: "Enter the closing time, like 17:00 or 5pm" });
    ok = false;
  } else if (!parsed) {
    problems.push({
      field: "closesTime",
      message: "Enter the closing time as a real time, like 17:00 or 5:30pm",
    });
    ok = false;
  }
  if (!ok || !parsed) return null;
  const instant = londonInstant(on, parsed.hours, parsed.minutes);
  if (!instant) {
    problems.push({
      field: "closesTime",
      message: "That time does not happen in the UK on that day (the clocks go forward): choose another time",
    });
    return null;
  }
  return instant;
}

/**
 * Checks each field (400 naming every field at fault), then the combination (422): a project for a
 * policy consultation, or a closing instant that is not in the future.
 */
export async function checkConsultation(
  db: Db,
  clock: Clock,
  authorityId: string,
  draft: ConsultationDraft,
): Promise<ConsultationInput> {
  const problems: FieldError[] = [];
  const L = CONSULTATION_LIMITS;
  const text = (name: "title" | "summary" | "audience", required: string) => {
    const value = (draft[name] ?? "").trim();
    if (value === "") problems.push({ field: name, message: required });
    else if (value.length > L[name])
      problems.push({ field: name, message: `Enter ${L[name]} characters or fewer` });
    return value;
  };
  const kind = draft.kind ?? "";
  if (!(CONSULTATION_KINDS as readonly string[]).includes(kind))
    problems.push({
      field: "kind",
      message: "Choose the kind of consultation: market engagement on a service's shape, or policy",
    });
  const projectId = draft.projectId ? draft.projectId : null;
  if (kind === "market-engagement" && projectId === null)
    problems.push({
      field: "projectId",
      message: "Choose the commissioning project the market engagement is for",
    });
  else if (projectId !== null && (!isUuid(projectId) || !(await repo.projectOf(db, authorityId, projectId))))
    problems.push({ field: "projectId", message: "Choose one of this authority's commissioning projects" });
  const title = text("title", "Enter the consultation's title");
  const summary = text("summary", "Enter a summary of what the consultation is about");
  const audience = text("audience", "Enter who the consultation is for");
  const closesAt = closingOf(draft, problems);

  const sections: ConsultationInput["sections"] = [];
  const given = draft.sections ?? [];
  given.forEach((s, i) => {
    const heading = (s.heading ?? "").trim();
    const body = (s.body ?? "").trim();
    const questions = (s.questions ?? []).map((q) => q.trim()).filter((q) => q !== "");
    if (heading === "" && body === "" && questions.length === 0) return;
    const at = `sections.${i}`;
    if (heading === "")
      problems.push({ field: `${at}.heading`, message: `Enter a heading for section ${i + 1}` });
    else if (heading.length > L.heading)
      problems.push({
        field: `${at}.heading`,
        message: `Enter a heading of ${L.heading} characters or fewer`,
      });
    if (body.length > L.body)
      problems.push({ field: `${at}.body`, message: `Enter section text of ${L.body} characters or fewer` });
    if (questions.length > L.questions)
      problems.push({
        field: `${at}.questions`,
        message: `Ask ${L.questions} questions or fewer in a section`,
      });
    else if (questions.some((q) => q.length > L.question))
      problems.push({
        field: `${at}.questions`,
        message: `Write each question in ${L.question} characters or fewer`,
      });
    sections.push({ heading, body, questions });
  });
  if (sections.length === 0)
    problems.push({
      field: "sections.0.heading",
      message: "Add at least one section of the draft specification",
    });
  else if (sections.length > L.sections)
    problems.push({
      field: "sections",
      message: `Divide the specification into ${L.sections} sections or fewer`,
    });
  if (problems.length > 0 || !closesAt)
    throw new ValidationError("Check the consultation's details", problems);

  const invalid: FieldError[] = [];
  if (kind === "policy" && projectId !== null)
    invalid.push({
      field: "projectId",
      message:
        "A policy consultation is not tied to a commissioning project: remove the project, or make it a market engagement",
    });
  if (closesAt.getTime() <= clock.now().getTime())
    invalid.push({
      field: "closesAt",
      message: `The closing date and time must be in the future (it is now ${londonDateTime(clock.now())})`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError(
      "These details do not fit together",
      invalid,
      "consultation_invalid_combination",
    );
  return { kind: kind as ConsultationKind, projectId, title, summary, audience, closesAt, sections };
}

function audited(input: ConsultationInput): Record<string, unknown> {
  return {
    kind: input.kind,
    projectId: input.projectId,
    title: input.title,
    closesAt: input.closesAt,
    sections: input.sections.map((s) => ({ heading: s.heading, questions: s.questions.length })),
  };
}

async function writeSections(trx: Trx, authorityId: string, id: string, input: ConsultationInput) {
  await repo.replaceSections(
    trx,
    authorityId,
    id,
    input.sections.map((s) => ({
      id: newId(),
      heading: s.heading,
      body: s.body,
      questions: s.questions.map((q) => ({ id: newId(), text: q })),
    })),
  );
}

/** Records a checked draft, audited. Authorisation is the caller's (seeds use it). */
export async function recordConsultation(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  input: ConsultationInput,
  id: string = newId(),
): Promise<string> {
  const now = clock.now();
  await repo.insertConsultation(trx, {
    authority_id: authorityId,
    id,
    kind: input.kind,
    project_id: input.projectId,
    title: input.title,
    summary: input.summary,
    audience: input.audience,
    closes_at: input.closesAt,
    status: "draft",
    created_at: now,
    updated_at: now,
  });
  await writeSections(trx, authorityId, id, input);
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "consultation.drafted",
    entity: { type: "consultation", id },
    changes: audited(input),
  });
  return id;
}

export async function createConsultation(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  draft: ConsultationDraft,
): Promise<string> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const input = await checkConsultation(trx, clock, authorityId, draft);
  return recordConsultation(trx, clock, actorOf(p), authorityId, input);
}

export interface ConsultationView extends repo.ConsultationRow {
  state: ConsultationStatus;
  sections: repo.SectionWithQuestions[];
}

/** The consultation as a draft, for merging a partial change (PATCH) or filling the form. */
export function draftOf(c: ConsultationView): ConsultationDraft & { sections: SectionDraft[] } {
  return {
    kind: c.kind,
    projectId: c.project_id,
    title: c.title,
    summary: c.summary,
    audience: c.audience,
    closesAt: c.closes_at.toISOString(),
    sections: c.sections.map((s) => ({
      heading: s.heading,
      body: s.body,
      questions: s.questions.map((q) => q.text),
    })),
  };
}

function notDraft(c: Pick<Consultation, "status">): ConflictError {
  return new ConflictError(
    c.status === "draft"
      ? "This consultation is still a draft."
      : "This consultation has been published and cannot be changed. Its sections, questions and closing date stay as published.",
    "consultation_published",
  );
}

/** Changes a draft (409 once published): `changes` over its details, checked whole, audited. */
export async function updateConsultation(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
  changes: ConsultationDraft,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const locked = isUuid(consultationId)
    ? await repo.lockConsultation(trx, authorityId, consultationId)
    : undefined;
  if (!locked) throw new NotFoundError("consultation");
  if (locked.status !== "draft") throw notDraft(locked);
  const current = await viewOf(trx, clock, authorityId, consultationId);
  if (!current) throw new NotFoundError("consultation");
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const base = draftOf(current);
  if ("closesOn" in defined) delete base.closesAt;
  const input = await checkConsultation(trx, clock, authorityId, { ...base, ...defined });
  await repo.updateConsultation(trx, authorityId, consultationId, {
    kind: input.kind,
    project_id: input.projectId,
    title: input.title,
    summary: input.summary,
    audience: input.audience,
    closes_at: input.closesAt,
    updated_at: clock.now(),
  });
  await writeSections(trx, authorityId, consultationId, input);
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "consultation.updated",
    entity: { type: "consultation", id: consultationId },
    changes: audited(input),
  });
}

/** Publishes a draft: 409 once published; 422 if its closing instant is not in the future. Audited. */
export async function publishConsultationAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  consultationId: string,
): Promise<void> {
  const locked = isUuid(consultationId)
    ? await repo.lockConsultation(trx, authorityId, consultationId)
    : undefined;
  if (!locked) throw new NotFoundError("consultation");
  if (locked.status !== "draft")
    throw new ConflictError("This consultation has already been published.", "consultation_published");
  const now = clock.now();
  if (locked.closes_at.getTime() <= now.getTime())
    throw new UnprocessableError(
      "The closing date and time has passed: change it to a time in the future, then publish",
      [
        {
          field: "closesAt",
          message: `The consultation was set to close at ${londonDateTime(locked.closes_at)}, which has passed. Change the closing date, then publish.`,
        },
      ],
      "consultation_closing_passed",
    );
  await repo.setStatus(trx, authorityId, consultationId, "open", { published_at: now, updated_at: now });
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "consultation.published",
    entity: { type: "consultation", id: consultationId },
    changes: { closesAt: locked.closes_at },
  });
}

export async function publishConsultation(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  await publishConsultationAs(trx, clock, actorOf(p), authorityId, consultationId);
}

// ——— Reading ———

async function viewOf(
  db: Db,
  clock: Clock,
  authorityId: string,
  consultationId: string,
): Promise<ConsultationView | undefined> {
  const row = await repo.findConsultation(db, authorityId, consultationId);
  if (!row) return undefined;
  return {
    ...row,
    state: statusOf(row, clock.now()),
    sections: await repo.sectionsOf(db, authorityId, consultationId),
  };
}

/** A consultation of this authority, or 404 (also a draft, to those who may not edit it). */
export async function consultationOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
): Promise<ConsultationView> {
  const view = isUuid(consultationId) ? await viewOf(db, clock, authorityId, consultationId) : undefined;
  if (!view || (view.status === "draft" && !isAuthorityEditor(principal, authorityId)))
    throw new NotFoundError("consultation");
  return view;
}

export interface ListOptions {
  authorityId?: string;
  kind?: string;
  status?: string;
  projectId?: string;
}

/**
 * Consultations, newest closing first: published ones for everyone, drafts too for an authority's
 * editors (with authorityId). Unknown filter values are ignored.
 */
export async function listConsultations(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  options: ListOptions,
): Promise<(repo.ConsultationRow & { state: ConsultationStatus })[]> {
  const kind = (CONSULTATION_KINDS as readonly string[]).includes(options.kind ?? "")
    ? (options.kind as ConsultationKind)
    : undefined;
  const rows = await repo.listConsultations(db, {
    ...(options.authorityId ? { authorityId: options.authorityId } : {}),
    ...(kind ? { kind } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    drafts: options.authorityId !== undefined && isAuthorityEditor(principal, options.authorityId),
  });
  const now = clock.now();
  const withState = rows.map((r) => ({ ...r, state: statusOf(r, now) }));
  const status = options.status ?? "";
  return ["draft", "open", "closed", "summary-published"].includes(status)
    ? withState.filter((r) => r.state === status)
    : withState;
}

export const authoritiesWithConsultations = repo.authoritiesWithConsultations;
export const projectChoices = repo.projectChoices;

// ——— Responding ———

export interface SectionResponseInput {
  sectionId: string;
  comments?: string;
  couldBeDifferent?: boolean;
  couldDeliver?: boolean;
  alternativeModel?: string;
  answers?: readonly { questionId: string; answer?: string }[];
}

export interface ResponseInput {
  /** Respond for this organisation (one the person acts for); null or absent: as themselves. */
  organisationId?: string | null;
  /** The respondent agrees that their name (or their organisation's) is shown publicly. */
  showName?: boolean;
  sections?: readonly SectionResponseInput[];
}

/** The organisations a person may respond for: those they administer or are a member of. */
export async function respondentChoices(
  db: Db,
  principal: Principal,
): Promise<{ id: string; name: string; sector: string }[]> {
  const ids = [
    ...new Set(
      principal.grants
        .filter((g) => g.scopeType === "organisation" && ORGANISATION_ROLES.includes(g.role))
        .map((g) => g.scopeId),
    ),
  ];
  return repo.organisationsById(db, ids);
}

function closedMessage(c: Pick<Consultation, "closes_at">): string {
  return `This consultation closed at ${londonDateTime(c.closes_at)}. Responses can no longer be sent or changed.`;
}

/** The response a person (or an organisation they act for) has sent, if any. */
export async function ownResponse(
  db: Db,
  principal: Principal,
  authorityId: string,
  consultationId: string,
  organisationId: string | null,
): Promise<repo.ResponseRow | undefined> {
  const found = await repo.findResponseOf(
    db,
    authorityId,
    consultationId,
    organisationId ? { organisationId } : { userId: principal.userId },
  );
  if (!found) return undefined;
  return (await repo.responsesOf(db, authorityId, consultationId, found.id))[0];
}

/**
 * Sends or changes the respondent's response (one per person, or per organisation), while the
 * consultation is open: 409 after closing, nothing written. 403 for an organisation the person does
 * not act for; 400 naming each field at fault; 422 for "could be delivered differently" without
 * the alternative model. Returns the response's id and whether it is new.
 */
export async function respond(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
  input: ResponseInput,
): Promise<{ id: string; created: boolean }> {
  const p = requireSignedIn(principal);
  const consultation = await consultationOf(trx, clock, p, authorityId, consultationId);
  if (consultation.status === "draft")
    throw new ConflictError("This consultation has not been published yet.", "consultation_not_open");
  if (consultation.state !== "open")
    throw new ConflictError(closedMessage(consultation), "consultation_closed");

  const problems: FieldError[] = [];
  const organisationId = input.organisationId ? input.organisationId : null;
  let sector: string | null = null;
  if (organisationId !== null) {
    if (!isUuid(organisationId))
      problems.push({ field: "organisationId", message: "Choose who you are responding for" });
    else if (!(await respondentChoices(trx, p)).some((o) => o.id === organisationId))
      throw new ForbiddenError(
        "You can respond for an organisation only if you act for it. Respond as yourself, or ask the organisation's administrator to add you.",
      );
    else sector = (await effectiveSectorOf(trx, organisationId)) ?? null;
  }
  if (typeof input.showName !== "boolean")
    problems.push({
      field: "showName",
      message: organisationId
        ? "Say whether your organisation's name may be shown with its response"
        : "Say whether your name may be shown with your response",
    });

  const L = CONSULTATION_LIMITS;
  const sectionsById = new Map(consultation.sections.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const rows: {
    section_id: string;
    comments: string;
    could_be_different: boolean;
    could_deliver: boolean;
    alternative_model: string;
  }[] = [];
  const answers: { question_id: string; answer: string }[] = [];
  const invalid: FieldError[] = [];
  (input.sections ?? []).forEach((s, i) => {
    const at = `sections.${i}`;
    const section = sectionsById.get(s.sectionId);
    if (!section || seen.has(s.sectionId)) {
      problems.push({
        field: `${at}.sectionId`,
        message: `Section ${i + 1} is not a section of this consultation`,
      });
      return;
    }
    seen.add(s.sectionId);
    const comments = (s.comments ?? "").trim();
    const alternative = (s.alternativeModel ?? "").trim();
    if (comments.length > L.comments)
      problems.push({
        field: `${at}.comments`,
        message: `Enter comments of ${L.comments} characters or fewer`,
      });
    if (alternative.length > L.alternative)
      problems.push({
        field: `${at}.alternativeModel`,
        message: `Describe the alternative model in ${L.alternative} characters or fewer`,
      });
    const questionIds = new Set(section.questions.map((q) => q.id));
    const answered = new Set<string>();
    (s.answers ?? []).forEach((a, j) => {
      const answer = (a.answer ?? "").trim();
      if (!questionIds.has(a.questionId) || answered.has(a.questionId)) {
        problems.push({
          field: `${at}.answers.${j}.questionId`,
          message: `Answer ${j + 1} in section ${i + 1} is not for one of that section's questions`,
        });
        return;
      }
      answered.add(a.questionId);
      if (answer.length > L.answer)
        problems.push({
          field: `${at}.answers.${j}.answer`,
          message: `Enter an answer of ${L.answer} characters or fewer`,
        });
      else if (answer !== "") answers.push({ question_id: a.questionId, answer });
    });
    const couldBeDifferent = s.couldBeDifferent === true;
    const couldDeliver = s.couldDeliver === true;
    if (couldBeDifferent && alternative === "")
      invalid.push({
        field: `${at}.alternativeModel`,
        message: `Describe the alternative model for "${section.heading}", or untick "this could be delivered differently"`,
      });
    const hasAnswers = answers.some((a) => questionIds.has(a.question_id));
    if (comments !== "" || alternative !== "" || couldBeDifferent || couldDeliver || hasAnswers)
      rows.push({
        section_id: s.sectionId,
        comments,
        could_be_different: couldBeDifferent,
        could_deliver: couldDeliver,
        alternative_model: alternative,
      });
  });
  if (problems.length === 0 && rows.length === 0)
    problems.push({
      field: "sections",
      message: "Your response is empty: answer a question or comment on at least one section",
    });
  if (problems.length > 0) throw new ValidationError("Check your response", problems);
  if (invalid.length > 0)
    throw new UnprocessableError(
      "Your response does not fit together",
      invalid,
      "response_invalid_combination",
    );

  const existing = await repo.findResponseOf(
    trx,
    authorityId,
    consultationId,
    organisationId ? { organisationId } : { userId: p.userId },
  );
  const now = clock.now();
  const id = existing?.id ?? newId();
  const showName = input.showName === true;
  if (existing)
    await repo.updateResponse(trx, authorityId, id, {
      user_id: p.userId,
      show_name: showName,
      organisation_sector: sector,
      updated_at: now,
    });
  else
    await repo.insertResponse(trx, {
      authority_id: authorityId,
      consultation_id: consultationId,
      id,
      respondent_kind: organisationId ? "organisation" : "individual",
      user_id: p.userId,
      organisation_id: organisationId,
      organisation_sector: sector,
      show_name: showName,
      created_at: now,
      updated_at: now,
    });
  await repo.replaceResponseContent(trx, authorityId, consultationId, id, rows, answers);
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: existing ? "consultation.response-changed" : "consultation.responded",
    entity: { type: "consultation-response", id },
    changes: {
      consultationId,
      respondent: organisationId ? { organisationId } : personalRef("users", p.userId),
      sentBy: personalRef("users", p.userId),
      showName,
      sections: rows.map((r) => r.section_id),
      answers: answers.length,
    },
  });
  return { id, created: !existing };
}

// ——— Responses as shown ———

export interface ShownResponse {
  id: string;
  /** "Millbrook Carers' Trust", "Cara Citizen", or "A provider (charity)", "A member of the public". */
  label: string;
  /** Whether label names the respondent. */
  named: boolean;
  respondentKind: "organisation" | "individual";
  sector: string | null;
  /** For the authority's editors only: who sent it, and for which organisation. */
  sentBy?: string;
  organisationName?: string | null;
  showName: boolean;
  createdAt: Date;
  updatedAt: Date;
  sections: {
    sectionId: string;
    heading: string;
    comments: string;
    couldBeDifferent: boolean;
    couldDeliver: boolean;
    alternativeModel: string;
    answers: { questionId: string; question: string; answer: string }[];
    /** "You said, we did": what the authority did, once answered. */
    weDid: string | null;
  }[];
}

/** A short name for a sector as in "A provider (charity)". */
export const SECTOR_NOUNS: Record<string, string> = {
  "public-body": "public body",
  "public-service-mutual": "public service mutual",
  charity: "charity",
  "social-enterprise": "social enterprise",
  "co-operative": "co-operative",
  "voluntary-community": "voluntary or community group",
  "parish-council": "parish or town council",
  sme: "small or medium enterprise",
  "large-company": "large company",
  "professional-partnership": "professional partnership",
  unconfirmed: "organisation",
};

/** How a response is labelled publicly: its name only with the respondent's consent. */
export function publicLabel(
  r: Pick<
    repo.ResponseRow,
    "respondent_kind" | "show_name" | "organisation_name" | "user_name" | "organisation_sector"
  >,
): {
  label: string;
  named: boolean;
} {
  if (r.show_name)
    return {
      label: (r.respondent_kind === "organisation" ? r.organisation_name : r.user_name) ?? "",
      named: true,
    };
  if (r.respondent_kind === "organisation")
    return {
      label: `A provider (${SECTOR_NOUNS[r.organisation_sector ?? ""] ?? "organisation"})`,
      named: false,
    };
  return { label: "A member of the public", named: false };
}

function shape(
  consultation: ConsultationView,
  responses: repo.ResponseRow[],
  points: Awaited<ReturnType<typeof repo.pointAnswersOf>>,
  editor: boolean,
): ShownResponse[] {
  const order = new Map(consultation.sections.map((s, i) => [s.id, i]));
  return responses.map((r) => {
    const { label, named } = publicLabel(r);
    return {
      id: r.id,
      label,
      named,
      respondentKind: r.respondent_kind,
      sector: r.organisation_sector,
      ...(editor ? { sentBy: r.user_name, organisationName: r.organisation_name } : {}),
      showName: r.show_name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      sections: [...r.sections]
        .sort((a, b) => (order.get(a.section_id) ?? 0) - (order.get(b.section_id) ?? 0))
        .map((s) => {
          const section = consultation.sections.find((x) => x.id === s.section_id);
          return {
            sectionId: s.section_id,
            heading: section?.heading ?? "",
            comments: s.comments,
            couldBeDifferent: s.could_be_different,
            couldDeliver: s.could_deliver,
            alternativeModel: s.alternative_model,
            answers: (section?.questions ?? []).flatMap((q) => {
              const a = r.answers.find((x) => x.question_id === q.id);
              return a ? [{ questionId: q.id, question: q.text, answer: a.answer }] : [];
            }),
            weDid:
              points.find((p) => p.response_id === r.id && p.section_id === s.section_id)?.we_did ?? null,
          };
        }),
    };
  });
}

/**
 * The responses to a consultation. The authority's editors see them (with who sent them) at any
 * time; everyone else once it has closed, named only where the respondent agreed (409 before).
 */
export async function responsesOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responses: ShownResponse[]; editor: boolean }> {
  const consultation = await consultationOf(db, clock, principal, authorityId, consultationId);
  const editor = isAuthorityEditor(principal, authorityId);
  if (!editor && (consultation.state === "open" || consultation.state === "draft"))
    throw new ConflictError(
      `Responses are shown once the consultation closes, at ${londonDateTime(consultation.closes_at)}.`,
      "consultation_open",
    );
  const [responses, points] = await Promise.all([
    repo.responsesOf(db, authorityId, consultationId),
    repo.pointAnswersOf(db, authorityId, consultationId),
  ]);
  return { consultation, responses: shape(consultation, responses, points, editor), editor };
}

// ——— "You said, we did" ———

export interface PointAnswerInput {
  responseId: string;
  sectionId: string;
  /** What the authority did about the point; blank removes an answer not yet published. */
  weDid?: string;
}

function requireClosed(c: ConsultationView): void {
  if (c.state === "draft")
    throw new ConflictError("This consultation has not been published yet.", "consultation_not_open");
  if (c.state === "open")
    throw new ConflictError(
      `This consultation is still open: answer its points once it closes, at ${londonDateTime(c.closes_at)}.`,
      "consultation_open",
    );
  if (c.state === "summary-published")
    throw new ConflictError(
      'The "you said, we did" summary has been published and cannot be changed.',
      "summary_published",
    );
}

/** The field name of a point in forms and error details. */
export function pointField(responseId: string, sectionId: string): string {
  return `point.${responseId}.${sectionId}`;
}

/**
 * Records what the authority did about each point given (editors only; after closing, before the
 * summary is published: 409 otherwise). A point is a response's section with content.
 */
export async function answerPoints(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
  given: readonly PointAnswerInput[],
): Promise<number> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const locked = isUuid(consultationId)
    ? await repo.lockConsultation(trx, authorityId, consultationId)
    : undefined;
  if (!locked) throw new NotFoundError("consultation");
  const consultation = await consultationOf(trx, clock, p, authorityId, consultationId);
  requireClosed(consultation);
  const responses = await repo.responsesOf(trx, authorityId, consultationId);
  const points = new Set(responses.flatMap((r) => r.sections.map((s) => `${r.id}/${s.section_id}`)));
  const problems: FieldError[] = [];
  for (const a of given) {
    const field = pointField(a.responseId, a.sectionId);
    if (!points.has(`${a.responseId}/${a.sectionId}`))
      problems.push({ field, message: "This is not a point made in a response to this consultation" });
    else if ((a.weDid ?? "").trim().length > CONSULTATION_LIMITS.weDid)
      problems.push({ field, message: `Enter ${CONSULTATION_LIMITS.weDid} characters or fewer` });
  }
  if (given.length === 0) problems.push({ field: "answers", message: "Answer at least one point" });
  if (problems.length > 0) throw new ValidationError("Check your answers", problems);
  const now = clock.now();
  let answered = 0;
  for (const a of given) {
    const weDid = (a.weDid ?? "").trim();
    if (weDid === "") {
      await repo.deletePointAnswer(trx, authorityId, a.responseId, a.sectionId);
      continue;
    }
    answered++;
    await repo.upsertPointAnswer(trx, {
      authority_id: authorityId,
      consultation_id: consultationId,
      response_id: a.responseId,
      section_id: a.sectionId,
      we_did: weDid,
      answered_by: p.userId,
      answered_at: now,
    });
  }
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "consultation.points-answered",
    entity: { type: "consultation", id: consultationId },
    changes: {
      answered: given
        .filter((a) => (a.weDid ?? "").trim() !== "")
        .map((a) => `${a.responseId}/${a.sectionId}`),
      cleared: given
        .filter((a) => (a.weDid ?? "").trim() === "")
        .map((a) => `${a.responseId}/${a.sectionId}`),
    },
  });
  return answered;
}

/**
 * Publishes "you said, we did" (editors only): after closing (409 before, and once published),
 * with every point answered (422 naming each one missing). Tells every respondent. Audited.
 */
export async function publishSummaryAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  consultationId: string,
  summaryText: string,
): Promise<void> {
  const locked = isUuid(consultationId)
    ? await repo.lockConsultation(trx, authorityId, consultationId)
    : undefined;
  if (!locked) throw new NotFoundError("consultation");
  const consultation = await viewOf(trx, clock, authorityId, consultationId);
  if (!consultation) throw new NotFoundError("consultation");
  requireClosed(consultation);
  const text = summaryText.trim();
  if (text.length > CONSULTATION_LIMITS.summaryText)
    throw new ValidationError("Check the summary", [
      {
        field: "summaryText",
        message: `Enter an introduction of ${CONSULTATION_LIMITS.summaryText} characters or fewer`,
      },
    ]);
  const responses = await repo.responsesOf(trx, authorityId, consultationId);
  const points = await repo.pointAnswersOf(trx, authorityId, consultationId);
  const shown = shape(consultation, responses, points, true);
  const missing: FieldError[] = shown.flatMap((r) =>
    r.sections
      .filter((s) => s.weDid === null)
      .map((s) => ({
        field: pointField(r.id, s.sectionId),
        message: `Say what you did about what ${r.organisationName ?? r.sentBy ?? r.label} said on "${s.heading}"`,
      })),
  );
  if (missing.length > 0)
    throw new UnprocessableError(
      `Answer every point before publishing: ${missing.length} ${missing.length === 1 ? "point is" : "points are"} not answered yet`,
      missing,
      "points_unanswered",
    );
  const now = clock.now();
  await repo.setStatus(trx, authorityId, consultationId, "summary-published", {
    summary_text: text,
    summary_published_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "consultation.summary-published",
    entity: { type: "consultation", id: consultationId },
    changes: { points: shown.reduce((n, r) => n + r.sections.length, 0), responses: shown.length },
  });
  const link = `/authorities/${consultation.authority_slug}/consultations/${consultationId}/summary`;
  for (const userId of new Set(responses.map((r) => r.user_id)))
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId,
        kind: "consultation.summary-published",
        subject: `"You said, we did" for ${consultation.title}`.slice(0, 200),
        body: `${consultation.authority_name} has published what it did about the responses to "${consultation.title}", yours included.`,
        link,
      },
      { email: true, actor },
    );
}

export async function publishSummary(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
  summaryText: string,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  await publishSummaryAs(trx, clock, actorOf(p), authorityId, consultationId, summaryText);
}

/** The published "you said, we did" summary: public once published, 404 before. */
export async function summaryOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responses: ShownResponse[] }> {
  const consultation = await consultationOf(db, clock, principal, authorityId, consultationId);
  if (consultation.state !== "summary-published") throw new NotFoundError('"you said, we did" summary');
  const [responses, points] = await Promise.all([
    repo.responsesOf(db, authorityId, consultationId),
    repo.pointAnswersOf(db, authorityId, consultationId),
  ]);
  return { consultation, responses: shape(consultation, responses, points, false) };
}

/** The point's state for the answers page: every response's sections with content, and answers so far. */
export async function pointsOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responses: ShownResponse[] }> {
  const p = await requireAuthorityEditor(db, principal, authorityId);
  const consultation = await consultationOf(db, clock, p, authorityId, consultationId);
  if (consultation.state === "draft" || consultation.state === "open") requireClosed(consultation);
  const [responses, points] = await Promise.all([
    repo.responsesOf(db, authorityId, consultationId),
    repo.pointAnswersOf(db, authorityId, consultationId),
  ]);
  return { consultation, responses: shape(consultation, responses, points, true) };
}
