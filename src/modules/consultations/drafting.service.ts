/**
 * Drafting a consultation (see consultations.service.ts): the draft checked field by field (400)
 * and as a whole (422), recorded, changed while a draft, and published (opening it for responses
 * until it closes). The authority's editors only; the `record…` functions check no one (seeds).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonDateTime, londonInstant, parseTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./consultations.repository.ts";
import {
  CONSULTATION_LIMITS,
  type ConsultationView,
  consultationOf,
  consultationToChange,
  loadConsultation,
} from "./consultations.service.ts";
import { CONSULTATION_KINDS, type Consultation, type ConsultationKind } from "./consultations.table.ts";

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
        message: msg`Enter the closing date and time as an ISO 8601 instant with its offset, like 2027-01-31T17:00:00Z`,
      });
      return null;
    }
    return instant;
  }
  const on = draft.closesOn ?? "";
  const time = (draft.closesTime ?? "").trim();
  let ok = true;
  if (on === "") {
    problems.push({ field: "closesAt", message: msg`Enter the closing date` });
    ok = false;
  } else if (!isIsoDate(on)) {
    problems.push({ field: "closesAt", message: msg`Enter the closing date as a real date, like 31 1 2027` });
    ok = false;
  }
  const parsed = parseTime(time);
  if (time === "") {
    problems.push({ field: "closesTime", message: msg`Enter the closing time, like 17:00 or 5pm` });
    ok = false;
  } else if (!parsed) {
    problems.push({
      field: "closesTime",
      message: msg`Enter the closing time as a real time, like 17:00 or 5:30pm`,
    });
    ok = false;
  }
  if (!ok || !parsed) return null;
  const instant = londonInstant(on, parsed.hours, parsed.minutes);
  if (!instant) {
    problems.push({
      field: "closesTime",
      message: msg`That time does not happen in the UK on that day (the clocks go forward): choose another time`,
    });
    return null;
  }
  return instant;
}

/** The kind, project, title, summary and audience, each checked (problems added in that order). */
async function checkDetails(
  ctx: Ctx,
  authorityId: string,
  draft: ConsultationDraft,
  problems: FieldError[],
): Promise<Omit<ConsultationInput, "closesAt" | "sections">> {
  const L = CONSULTATION_LIMITS;
  const text = (name: "title" | "summary" | "audience", required: string) => {
    const value = (draft[name] ?? "").trim();
    if (value === "") problems.push({ field: name, message: required });
    else if (value.length > L[name])
      problems.push({ field: name, message: msg`Enter ${L[name]} characters or fewer` });
    return value;
  };
  const kind = draft.kind ?? "";
  if (!(CONSULTATION_KINDS as readonly string[]).includes(kind))
    problems.push({
      field: "kind",
      message: msg`Choose the kind of consultation: market engagement on a service's shape, or policy`,
    });
  const projectId = draft.projectId ? draft.projectId : null;
  if (kind === "market-engagement" && projectId === null)
    problems.push({
      field: "projectId",
      message: msg`Choose the commissioning project the market engagement is for`,
    });
  else if (
    projectId !== null &&
    (!isUuid(projectId) || !(await repo.projectOf(ctx.db, authorityId, projectId)))
  )
    problems.push({
      field: "projectId",
      message: msg`Choose one of this authority's commissioning projects`,
    });
  const title = text("title", msg`Enter the consultation's title`);
  const summary = text("summary", msg`Enter a summary of what the consultation is about`);
  const audience = text("audience", msg`Enter who the consultation is for`);
  return { kind: kind as ConsultationKind, projectId, title, summary, audience };
}

/** The sections given, blank ones left out, each checked (problems named `sections.<i>.…`). */
function checkSections(
  given: readonly SectionDraft[],
  problems: FieldError[],
): ConsultationInput["sections"] {
  const L = CONSULTATION_LIMITS;
  const sections: ConsultationInput["sections"] = [];
  given.forEach((s, i) => {
    const heading = (s.heading ?? "").trim();
    const body = (s.body ?? "").trim();
    const questions = (s.questions ?? []).map((q) => q.trim()).filter((q) => q !== "");
    if (heading === "" && body === "" && questions.length === 0) return;
    const at = `sections.${i}`;
    if (heading === "")
      problems.push({ field: `${at}.heading`, message: msg`Enter a heading for section ${i + 1}` });
    else if (heading.length > L.heading)
      problems.push({
        field: `${at}.heading`,
        message: msg`Enter a heading of ${L.heading} characters or fewer`,
      });
    if (body.length > L.body)
      problems.push({
        field: `${at}.body`,
        message: msg`Enter section text of ${L.body} characters or fewer`,
      });
    if (questions.length > L.questions)
      problems.push({
        field: `${at}.questions`,
        message: msg`Ask ${L.questions} questions or fewer in a section`,
      });
    else if (questions.some((q) => q.length > L.question))
      problems.push({
        field: `${at}.questions`,
        message: msg`Write each question in ${L.question} characters or fewer`,
      });
    sections.push({ heading, body, questions });
  });
  if (sections.length === 0)
    problems.push({
      field: "sections.0.heading",
      message: msg`Add at least one section of the draft specification`,
    });
  else if (sections.length > L.sections)
    problems.push({
      field: "sections",
      message: msg`Divide the specification into ${L.sections} sections or fewer`,
    });
  return sections;
}

/**
 * Checks each field (400 naming every field at fault), then the combination (422): a project for a
 * policy consultation, or a closing instant that is not in the future.
 */
export async function checkConsultation(
  ctx: Ctx,
  authorityId: string,
  draft: ConsultationDraft,
): Promise<ConsultationInput> {
  const problems: FieldError[] = [];
  const details = await checkDetails(ctx, authorityId, draft, problems);
  const closesAt = closingOf(draft, problems);
  const sections = checkSections(draft.sections ?? [], problems);
  if (problems.length > 0 || !closesAt)
    throw new ValidationError(msg`Check the consultation's details`, problems);

  const invalid: FieldError[] = [];
  const now = ctx.clock.now();
  if (details.kind === "policy" && details.projectId !== null)
    invalid.push({
      field: "projectId",
      message: msg`A policy consultation is not tied to a commissioning project: remove the project, or make it a market engagement`,
    });
  if (closesAt.getTime() <= now.getTime())
    invalid.push({
      field: "closesAt",
      message: msg`The closing date and time must be in the future (it is now ${londonDateTime(now)})`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`These details do not fit together`,
      invalid,
      "consultation_invalid_combination",
    );
  return { ...details, closesAt, sections };
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

/**
 * Records a checked draft, audited, as `actorIn(ctx)`. Checks no one: the caller has (seeds use it).
 */
export async function recordConsultation(
  ctx: Ctx,
  authorityId: string,
  input: ConsultationInput,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
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
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "consultation.drafted",
      entity: { type: "consultation", id },
      changes: audited(input),
    });
    return id;
  });
}

/** Drafts a consultation: the authority's editors only. Returns it. */
export async function createConsultation(
  ctx: Ctx,
  authorityId: string,
  draft: ConsultationDraft,
): Promise<ConsultationView> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const input = await checkConsultation(within(ctx, trx), authorityId, draft);
    const id = await recordConsultation(within(ctx, trx, actorOf(p)), authorityId, input);
    return consultationOf(within(ctx, trx), authorityId, id);
  });
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
      ? msg`This consultation is still a draft.`
      : msg`This consultation has been published and cannot be changed. Its sections, questions and closing date stay as published.`,
    "consultation_published",
  );
}

/**
 * Changes a draft (409 once published): `changes` over its details, checked whole, audited. The
 * authority's editors only. Returns it as it now is.
 */
export async function updateConsultation(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  changes: ConsultationDraft,
): Promise<ConsultationView> {
  return transaction(ctx.db, async (trx) => {
    const { p, locked } = await consultationToChange(trx, ctx, authorityId, consultationId);
    if (locked.status !== "draft") throw notDraft(locked);
    const current = await loadConsultation(within(ctx, trx), authorityId, consultationId);
    if (!current) throw new NotFoundError("consultation");
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const base = draftOf(current);
    if ("closesOn" in defined) delete base.closesAt;
    const input = await checkConsultation(within(ctx, trx), authorityId, { ...base, ...defined });
    await repo.updateConsultation(trx, authorityId, consultationId, {
      kind: input.kind,
      project_id: input.projectId,
      title: input.title,
      summary: input.summary,
      audience: input.audience,
      closes_at: input.closesAt,
      updated_at: ctx.clock.now(),
    });
    await writeSections(trx, authorityId, consultationId, input);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "consultation.updated",
      entity: { type: "consultation", id: consultationId },
      changes: audited(input),
    });
    return consultationOf(within(ctx, trx), authorityId, consultationId);
  });
}

/**
 * Publishes a draft: 409 once published; 422 if its closing instant is not in the future. Audited,
 * as `actorIn(ctx)`. Checks no one: the caller has (seeds use it).
 */
export async function recordConsultationPublished(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const locked = isUuid(consultationId)
      ? await repo.lockConsultation(trx, authorityId, consultationId)
      : undefined;
    if (!locked) throw new NotFoundError("consultation");
    if (locked.status !== "draft")
      throw new ConflictError(msg`This consultation has already been published.`, "consultation_published");
    const now = ctx.clock.now();
    if (locked.closes_at.getTime() <= now.getTime())
      throw new UnprocessableError(
        msg`The closing date and time has passed: change it to a time in the future, then publish`,
        [
          {
            field: "closesAt",
            message: msg`The consultation was set to close at ${londonDateTime(locked.closes_at)}, which has passed. Change the closing date, then publish.`,
          },
        ],
        "consultation_closing_passed",
      );
    await repo.setStatus(trx, authorityId, consultationId, "open", { published_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "consultation.published",
      entity: { type: "consultation", id: consultationId },
      changes: { closesAt: locked.closes_at },
    });
  });
}

/** Publishes a draft (see `recordConsultationPublished`): the authority's editors only. Returns it. */
export async function publishConsultation(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<ConsultationView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await consultationToChange(trx, ctx, authorityId, consultationId);
    await recordConsultationPublished(within(ctx, trx, actorOf(p)), authorityId, consultationId);
    return consultationOf(within(ctx, trx), authorityId, consultationId);
  });
}

/**
 * What the drafting form offers (the authority's commissioning projects): its editors only. With
 * `consultationId`, the consultation being changed (404 for one the caller may not see, before 403).
 */
export async function consultationForm(
  ctx: Ctx,
  authorityId: string,
  consultationId?: string,
): Promise<{ projects: { id: string; title: string }[]; consultation?: ConsultationView }> {
  requireSignedIn(ctx.principal);
  const consultation =
    consultationId === undefined ? undefined : await consultationOf(ctx, authorityId, consultationId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return {
    projects: await repo.projectChoices(ctx.db, authorityId),
    ...(consultation ? { consultation } : {}),
  };
}
