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
 * its transaction; people are referenced, never copied, in the audit trail.
 *
 * The rules are in four files, one per stage: this one (what every stage shares, and reading),
 * `drafting.service.ts` (drafting, changing and publishing), `responses.service.ts` (responding,
 * and the responses as shown) and `you-said-we-did.service.ts` (answering each point, and the
 * published summary). Every function takes the service context first (`Ctx`); those a route calls
 * check who is asking, the `record…` ones check no one (seeds use them).
 */
import type { Trx } from "../../db/database.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import {
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
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

/** The status people see: "closed" is derived from the clock. */
export function statusOf(c: Pick<Consultation, "status" | "closes_at">, now: Date): ConsultationStatus {
  if (c.status === "open" && now.getTime() >= c.closes_at.getTime()) return "closed";
  return c.status;
}

/** A consultation in a list: with the names it refers to and its status by the clock. */
export interface ConsultationSummary extends repo.ConsultationRow {
  state: ConsultationStatus;
}

/** A consultation with its sections and questions, and whether the caller edits its authority's. */
export interface ConsultationView extends ConsultationSummary {
  sections: repo.SectionWithQuestions[];
  /** The caller is one of the authority's editors: sees drafts, draft projects and who responded. */
  editor: boolean;
}

/** The consultation as it is, whoever asks (drafts too), or undefined. */
export async function loadConsultation(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<ConsultationView | undefined> {
  const row =
    isUuid(authorityId) && isUuid(consultationId)
      ? await repo.findConsultation(ctx.db, authorityId, consultationId)
      : undefined;
  if (!row) return undefined;
  return {
    ...row,
    state: statusOf(row, ctx.clock.now()),
    sections: await repo.sectionsOf(ctx.db, authorityId, consultationId),
    editor: isAuthorityEditor(ctx.principal, authorityId),
  };
}

/** A consultation of this authority, or 404 (also a draft, to those who may not edit it). */
export async function consultationOf(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<ConsultationView> {
  const view = await loadConsultation(ctx, authorityId, consultationId);
  if (!view || (view.status === "draft" && !view.editor)) throw new NotFoundError("consultation");
  return view;
}

/**
 * The consultation a person changes, publishes or answers, locked, in one order of checks (security finding
 * 14): 401 for the public, 404 for an unknown consultation or a draft they may not see, then 403
 * unless they act for the authority in its commissioning. Its state is the caller's to check (409).
 */
export async function consultationToChange(
  trx: Trx,
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<{ p: Principal; locked: Consultation }> {
  requireSignedIn(ctx.principal);
  const locked = isUuid(consultationId)
    ? await repo.lockConsultation(trx, authorityId, consultationId)
    : undefined;
  if (!locked || (locked.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
    throw new NotFoundError("consultation");
  return { p: await requireAuthorityEditor(trx, ctx.principal, authorityId), locked };
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
export async function listConsultations(ctx: Ctx, options: ListOptions): Promise<ConsultationSummary[]> {
  const kind = (CONSULTATION_KINDS as readonly string[]).includes(options.kind ?? "")
    ? (options.kind as ConsultationKind)
    : undefined;
  const rows = await repo.listConsultations(ctx.db, {
    ...(options.authorityId ? { authorityId: options.authorityId } : {}),
    ...(kind ? { kind } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    drafts: options.authorityId !== undefined && isAuthorityEditor(ctx.principal, options.authorityId),
  });
  const now = ctx.clock.now();
  const withState = rows.map((r) => ({ ...r, state: statusOf(r, now) }));
  const status = options.status ?? "";
  return ["draft", "open", "closed", "summary-published"].includes(status)
    ? withState.filter((r) => r.state === status)
    : withState;
}

/** Authorities with at least one published consultation: the national list's filter. */
export function authoritiesWithConsultations(
  ctx: Ctx,
): Promise<{ id: string; name: string; slug: string }[]> {
  return repo.authoritiesWithConsultations(ctx.db);
}

/** Filters as a page or the API gives them: an authority by its slug, a kind, a status. */
export interface NationalFilters {
  authority?: string;
  kind?: string;
  status?: string;
}

/**
 * Published consultations nationally, with the authorities to filter by. An authority slug that
 * has none is `authority: undefined` (the page then ignores it).
 */
export async function nationalConsultations(
  ctx: Ctx,
  filters: NationalFilters,
): Promise<{
  consultations: ConsultationSummary[];
  authorities: { id: string; name: string; slug: string }[];
  authority: { id: string; name: string; slug: string } | undefined;
}> {
  const authorities = await authoritiesWithConsultations(ctx);
  const authority = authorities.find((a) => a.slug === filters.authority);
  const consultations = await listConsultations(ctx, {
    ...(authority ? { authorityId: authority.id } : {}),
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.status ? { status: filters.status } : {}),
  });
  return { consultations: consultations.filter((c) => c.state !== "draft"), authorities, authority };
}

/**
 * Consultations with their sections, as the API lists them: nationally (published ones; none for an
 * authority slug without any), or one authority's (drafts too for its editors).
 */
export async function consultationsWithSections(
  ctx: Ctx,
  filters: NationalFilters & { authorityId?: string },
): Promise<ConsultationView[]> {
  let rows: ConsultationSummary[];
  if (filters.authorityId) rows = await listConsultations(ctx, { authorityId: filters.authorityId });
  else {
    const { consultations, authority } = await nationalConsultations({ ...ctx, principal: null }, filters);
    rows = filters.authority && !authority ? [] : consultations;
  }
  return Promise.all(rows.map((r) => consultationOf(ctx, r.authority_id, r.id)));
}

/** An authority's consultations page: its consultations (drafts too for its editors) and whether the caller drafts. */
export async function authorityConsultations(
  ctx: Ctx,
  authorityId: string,
  filters: { kind?: string; status?: string },
): Promise<{ consultations: ConsultationSummary[]; canEdit: boolean }> {
  return {
    consultations: await listConsultations(ctx, { authorityId, ...filters }),
    canEdit: isAuthorityEditor(ctx.principal, authorityId),
  };
}

/** A published consultation as the open data publishes it: with its status by the clock. */
export type PublishedConsultation = Consultation & { state: ConsultationStatus };

/** One page of every authority's published consultations, in key order after `after`. Public. */
export async function publishedConsultationsAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<PublishedConsultation[]> {
  const now = ctx.clock.now();
  return (await repo.publishedConsultationsAfter(ctx.db, after, limit)).map((c) => ({
    ...c,
    state: statusOf(c, now),
  }));
}

/** One page of the questions of published consultations, in key order after `after`. Public. */
export function publishedQuestionsAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<repo.PublishedQuestionRow[]> {
  return repo.publishedQuestionsAfter(ctx.db, after, limit);
}

/**
 * One page of the points answered in published "you said, we did" summaries, in key order after
 * `after`: what was said (with the respondent's kind and sector, never who) and what was done. Public.
 */
export function publishedPointsAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, responseId: string, sectionId: string] | undefined,
  limit: number,
): Promise<repo.PublishedPointRow[]> {
  return repo.publishedPointsAfter(ctx.db, after, limit);
}

/** When published consultations last changed, and when a summary was last published (the open data's dates). */
export function latestConsultationChanges(
  ctx: Ctx,
): Promise<{ published: Date | null; summary: Date | null }> {
  return repo.latestConsultationChanges(ctx.db);
}

export type {
  PublishedPointRow,
  PublishedQuestionRow,
  ResponseRow,
  SectionWithQuestions,
} from "./consultations.repository.ts";
export { CONSULTATION_KINDS, type ConsultationStatus } from "./consultations.table.ts";

/**
 * For the progress reports: consultations opened and closed in [from, to) (closed only once their
 * closing time has passed by the clock), the responses counted to those closed, and "you said, we
 * did" summaries published — of one authority, or of every one. Bounded by the period's
 * consultations, read through indexes. Public: counts only, no respondent.
 */
export function consultationCountsBetween(
  ctx: Pick<Ctx, "db" | "clock">,
  range: { authorityId?: string | undefined; from: Date; to: Date },
): Promise<repo.ConsultationCounts> {
  return repo.countsBetween(ctx.db, { ...range, now: ctx.clock.now() });
}
