/**
 * Responding to a consultation, and the responses as shown (see consultations.service.ts). Anyone
 * signed in responds while it is open, as themselves or for an organisation they act for; one
 * response per respondent, changeable until closing. The authority's editors see who responded at
 * any time; everyone else once it has closed, named only where the respondent agreed.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, type Principal, type Role, requireSignedIn } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { effectiveSectorOf } from "../organisations/organisations.service.ts";
import * as repo from "./consultations.repository.ts";
import { CONSULTATION_LIMITS, type ConsultationView, consultationOf } from "./consultations.service.ts";
import type { Consultation } from "./consultations.table.ts";

/** Roles that act for an organisation, and so may respond for it. */
const ORGANISATION_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

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

type Organisation = { id: string; name: string; sector: string };

/** The organisations a person may respond for: those they administer or are a member of. */
function organisationsOf(ctx: Ctx, principal: Principal): Promise<Organisation[]> {
  const ids = [
    ...new Set(
      principal.grants
        .filter((g) => g.scopeType === "organisation" && ORGANISATION_ROLES.includes(g.role))
        .map((g) => g.scopeId),
    ),
  ];
  return repo.organisationsById(ctx.db, ids);
}

function closedMessage(c: Pick<Consultation, "closes_at">): string {
  return msg`This consultation closed at ${londonDateTime(c.closes_at)}. Responses can no longer be sent or changed.`;
}

/** The response a person (or an organisation they act for) has sent, if any. */
async function ownResponse(
  ctx: Ctx,
  principal: Principal,
  authorityId: string,
  consultationId: string,
  organisationId: string | null,
): Promise<repo.ResponseRow | undefined> {
  const found = await repo.findResponseOf(
    ctx.db,
    authorityId,
    consultationId,
    organisationId ? { organisationId } : { userId: principal.userId },
  );
  if (!found) return undefined;
  return (await repo.responsesOf(ctx.db, authorityId, consultationId, found.id))[0];
}

type SectionRow = {
  section_id: string;
  comments: string;
  could_be_different: boolean;
  could_deliver: boolean;
  alternative_model: string;
};

/** What a response says, as stored: its sections with content, and its answers. */
interface ResponseContent {
  rows: SectionRow[];
  answers: { question_id: string; answer: string }[];
}

/** One section of a response, checked against the consultation's section; adds what it says to `content`. */
function checkSectionResponse(
  section: ConsultationView["sections"][number],
  s: SectionResponseInput,
  at: string,
  where: string,
  content: ResponseContent,
  problems: FieldError[],
  invalid: FieldError[],
): void {
  const L = CONSULTATION_LIMITS;
  const comments = (s.comments ?? "").trim();
  const alternative = (s.alternativeModel ?? "").trim();
  if (comments.length > L.comments)
    problems.push({
      field: `${at}.comments`,
      message: msg`Enter comments of ${L.comments} characters or fewer`,
    });
  if (alternative.length > L.alternative)
    problems.push({
      field: `${at}.alternativeModel`,
      message: msg`Describe the alternative model in ${L.alternative} characters or fewer`,
    });
  const questionIds = new Set(section.questions.map((q) => q.id));
  const answered = new Set<string>();
  (s.answers ?? []).forEach((a, j) => {
    const answer = (a.answer ?? "").trim();
    if (!questionIds.has(a.questionId) || answered.has(a.questionId)) {
      problems.push({
        field: `${at}.answers.${j}.questionId`,
        message: msg`Answer ${j + 1} in ${where} is not for one of that section's questions`,
      });
      return;
    }
    answered.add(a.questionId);
    if (answer.length > L.answer)
      problems.push({
        field: `${at}.answers.${j}.answer`,
        message: msg`Enter an answer of ${L.answer} characters or fewer`,
      });
    else if (answer !== "") content.answers.push({ question_id: a.questionId, answer });
  });
  const couldBeDifferent = s.couldBeDifferent === true;
  const couldDeliver = s.couldDeliver === true;
  if (couldBeDifferent && alternative === "")
    invalid.push({
      field: `${at}.alternativeModel`,
      message: msg`Describe the alternative model for "${section.heading}", or untick "this could be delivered differently"`,
    });
  const hasAnswers = content.answers.some((a) => questionIds.has(a.question_id));
  if (comments !== "" || alternative !== "" || couldBeDifferent || couldDeliver || hasAnswers)
    content.rows.push({
      section_id: s.sectionId,
      comments,
      could_be_different: couldBeDifferent,
      could_deliver: couldDeliver,
      alternative_model: alternative,
    });
}

/** Each section of a response checked (400 naming each field at fault; 422 for what does not fit). */
function checkResponseContent(
  consultation: ConsultationView,
  given: readonly SectionResponseInput[],
  problems: FieldError[],
): ResponseContent {
  const sectionsById = new Map(consultation.sections.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const content: ResponseContent = { rows: [], answers: [] };
  const invalid: FieldError[] = [];
  given.forEach((s, i) => {
    const at = `sections.${i}`;
    const section = sectionsById.get(s.sectionId);
    if (!section || seen.has(s.sectionId)) {
      problems.push({
        field: `${at}.sectionId`,
        message: msg`Section ${i + 1} is not a section of this consultation`,
      });
      return;
    }
    seen.add(s.sectionId);
    checkSectionResponse(section, s, at, msg`section ${i + 1}`, content, problems, invalid);
  });
  if (problems.length === 0 && content.rows.length === 0)
    problems.push({
      field: "sections",
      message: msg`Your response is empty: answer a question or comment on at least one section`,
    });
  if (problems.length > 0) throw new ValidationError(msg`Check your response`, problems);
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`Your response does not fit together`,
      invalid,
      "response_invalid_combination",
    );
  return content;
}

/** Who responds: the person, or an organisation they act for (403 otherwise), with its sector now. */
async function respondentOf(
  ctx: Ctx,
  p: Principal,
  input: ResponseInput,
  problems: FieldError[],
): Promise<{ organisationId: string | null; sector: string | null }> {
  const organisationId = input.organisationId ? input.organisationId : null;
  let sector: string | null = null;
  if (organisationId !== null) {
    if (!isUuid(organisationId))
      problems.push({ field: "organisationId", message: msg`Choose who you are responding for` });
    else if (!(await organisationsOf(ctx, p)).some((o) => o.id === organisationId))
      throw new ForbiddenError(
        msg`You can respond for an organisation only if you act for it. Respond as yourself, or ask the organisation's administrator to add you.`,
      );
    else sector = (await effectiveSectorOf(ctx.db, organisationId)) ?? null;
  }
  if (typeof input.showName !== "boolean")
    problems.push({
      field: "showName",
      message: organisationId
        ? msg`Say whether your organisation's name may be shown with its response`
        : msg`Say whether your name may be shown with your response`,
    });
  return { organisationId, sector };
}

/**
 * Sends or changes the respondent's response (one per person, or per organisation), while the
 * consultation is open: 409 after closing, nothing written. 403 for an organisation the person does
 * not act for (before 409: security finding 14); 400 naming each field at fault; 422 for "could be delivered differently" without
 * the alternative model. Anyone signed in. Returns the response's id and whether it is new.
 */
export async function respond(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  input: ResponseInput,
): Promise<{ id: string; created: boolean }> {
  const p = requireSignedIn(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    const consultation = await consultationOf(within(ctx, trx), authorityId, consultationId);
    const problems: FieldError[] = [];
    const respondent = await respondentOf(within(ctx, trx), p, input, problems);
    if (consultation.status === "draft")
      throw new ConflictError(msg`This consultation has not been published yet.`, "consultation_not_open");
    if (consultation.state !== "open")
      throw new ConflictError(closedMessage(consultation), "consultation_closed");
    const content = checkResponseContent(consultation, input.sections ?? [], problems);
    return writeResponse(within(ctx, trx), p, consultation, respondent, input.showName === true, content);
  });
}

/** Writes a checked response over the respondent's earlier one (if any), audited. */
async function writeResponse(
  ctx: Ctx & { db: Trx },
  p: Principal,
  consultation: ConsultationView,
  { organisationId, sector }: { organisationId: string | null; sector: string | null },
  showName: boolean,
  { rows, answers }: ResponseContent,
): Promise<{ id: string; created: boolean }> {
  const { db: trx, clock } = ctx;
  const { authority_id: authorityId, id: consultationId } = consultation;
  const existing = await repo.findResponseOf(
    trx,
    authorityId,
    consultationId,
    organisationId ? { organisationId } : { userId: p.userId },
  );
  const now = clock.now();
  const id = existing?.id ?? newId();
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

// Responses as shown

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

/** Responses as shown: labelled publicly, in the consultation's section order, with what was done. */
export function shapeResponses(
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

/** Every response to a consultation as shown, with what was done about each point. */
export async function shownResponses(
  ctx: Ctx,
  consultation: ConsultationView,
  editor: boolean,
): Promise<ShownResponse[]> {
  const { authority_id: authorityId, id } = consultation;
  const [responses, points] = await Promise.all([
    repo.responsesOf(ctx.db, authorityId, id),
    repo.pointAnswersOf(ctx.db, authorityId, id),
  ]);
  return shapeResponses(consultation, responses, points, editor);
}

/**
 * The responses to a consultation. The authority's editors see them (with who sent them) at any
 * time; everyone else once it has closed, named only where the respondent agreed (409 before).
 */
export async function responsesOf(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responses: ShownResponse[]; editor: boolean }> {
  const consultation = await consultationOf(ctx, authorityId, consultationId);
  const { editor } = consultation;
  if (!editor && (consultation.state === "open" || consultation.state === "draft"))
    throw new ConflictError(
      msg`Responses are shown once the consultation closes, at ${londonDateTime(consultation.closes_at)}.`,
      "consultation_open",
    );
  return { consultation, responses: await shownResponses(ctx, consultation, editor), editor };
}

/**
 * A consultation's page: the consultation (404 for a draft the caller may not see) and, for someone
 * signed in, whether they (and which of their organisations) have responded.
 */
export async function consultationPage(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responded: { self: boolean; organisations: Organisation[] } }> {
  const consultation = await consultationOf(ctx, authorityId, consultationId);
  const responded = { self: false, organisations: [] as Organisation[] };
  const principal = ctx.principal;
  if (principal && consultation.status !== "draft") {
    responded.self = (await ownResponse(ctx, principal, authorityId, consultation.id, null)) !== undefined;
    for (const o of await organisationsOf(ctx, principal))
      if (await ownResponse(ctx, principal, authorityId, consultation.id, o.id))
        responded.organisations.push(o);
  }
  return { consultation, responded };
}

/** The response form: the consultation and the organisations the person may respond for. Signed in only. */
export async function responseForm(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; organisations: Organisation[] }> {
  const principal = requireSignedIn(ctx.principal);
  const consultation = await consultationOf(ctx, authorityId, consultationId);
  return { consultation, organisations: await organisationsOf(ctx, principal) };
}

/**
 * The response already sent as `as` ("me", or an organisation the person acts for; "me" otherwise),
 * shaped like the others, to fill the form while it is open. Signed in only.
 */
export async function ownResponseOf(
  ctx: Ctx,
  consultation: ConsultationView,
  as: string | undefined,
): Promise<{ as: string; existing: ShownResponse | undefined }> {
  const principal = requireSignedIn(ctx.principal);
  const organisations = await organisationsOf(ctx, principal);
  const chosen = organisations.some((o) => o.id === as) ? (as as string) : "me";
  const { authority_id: authorityId, id } = consultation;
  const r = await ownResponse(ctx, principal, authorityId, id, chosen === "me" ? null : chosen);
  if (!r) return { as: chosen, existing: undefined };
  const existing: ShownResponse = {
    id: r.id,
    label: "",
    named: r.show_name,
    respondentKind: r.respondent_kind,
    sector: r.organisation_sector,
    showName: r.show_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sections: r.sections.map((s) => ({
      sectionId: s.section_id,
      heading: consultation.sections.find((x) => x.id === s.section_id)?.heading ?? "",
      comments: s.comments,
      couldBeDifferent: s.could_be_different,
      couldDeliver: s.could_deliver,
      alternativeModel: s.alternative_model,
      answers: r.answers.map((a) => ({ questionId: a.question_id, question: "", answer: a.answer })),
      weDid: null,
    })),
  };
  return { as: chosen, existing };
}
