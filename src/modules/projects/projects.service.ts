/**
 * Commissioning projects (issue 4, item 4): a planned procurement of services on the lead
 * authority's register, perhaps on behalf of other authorities (joint commissioning), with its
 * category, area, estimated value, planned dates and the need it meets. Drafted and changed by the
 * lead's commissioners and administrators (verified authorities only), then published: publishing
 * issues the pipeline notice, an immutable record with its time, kept for the OCDS planning release.
 * The public sees published projects only; drafts are not found. Every change is audited on the
 * lead authority's chain in its transaction.
 *
 * Every function takes the service context first (`Ctx`). Those a route calls check who is asking;
 * the `record…` ones check no one and act as `actorIn(ctx)` (seeds, and other modules after their
 * own check: challenges records the project an accepted expression of interest creates, tenders the
 * start of a project's procurement).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { collect, type Panel } from "../../lib/ports.ts";
import {
  actorOf,
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type ConsultationSummary, listConsultations } from "../consultations/consultations.service.ts";
import { registerOf } from "../services/services.service.ts";
import { existingCategoryCodes, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { projectPanels } from "./projects.ports.ts";
import * as repo from "./projects.repository.ts";
import type { Project } from "./projects.table.ts";

export const PROJECT_LIMITS = {
  title: 200,
  description: 10000,
  need: 10000,
  services: 50,
  participants: 50,
} as const;

/** The prefix of every project's OCDS open contracting id. */
/**
 * The OCDS ocid prefix of a deployment that has not set its own (OPENPS_OCID_PREFIX): "ocds-" and
 * six letters or digits, as the Open Contracting Partnership registers them — a publisher should
 * register its own.
 */
export const DEFAULT_OCID_PREFIX = "ocds-openps";

let ocidPrefix = DEFAULT_OCID_PREFIX;

/**
 * The deployment's ocid prefix, set once at start from its settings (src/platform.ts, the openps
 * command): each project drafted from then on is given `<prefix>-<project id>`; those drafted before
 * keep theirs.
 */
export function useOcidPrefix(prefix: string): void {
  ocidPrefix = prefix;
}

/** The ocid a project drafted now is given. */
export function ocidFor(projectId: string): string {
  return `${ocidPrefix}-${projectId}`;
}

/** The planned dates, in the order they must fall. */
export const PLANNED_DATES = ["marketEngagementDate", "tenderDate", "awardDate", "startDate"] as const;
export type PlannedDate = (typeof PLANNED_DATES)[number];

/** What a form or the API sends, before it is checked. */
export interface ProjectDraft {
  title?: string;
  description?: string;
  need?: string;
  categoryCode?: string;
  areaCode?: string;
  estimatedValue?: string;
  marketEngagementDate?: string;
  tenderDate?: string;
  awardDate?: string;
  startDate?: string;
  serviceIds?: readonly string[];
  participantIds?: readonly string[];
}

export interface ProjectInput {
  title: string;
  description: string;
  need: string;
  categoryCode: string;
  areaCode: string;
  estimatedValue: Pence;
  dates: Record<PlannedDate, string>;
  serviceIds: string[];
  participantIds: string[];
}

const DATE_LABELS: Record<PlannedDate, string> = {
  marketEngagementDate: msg`market engagement`,
  tenderDate: msg`tender`,
  awardDate: msg`award`,
  startDate: msg`start`,
};

/** Each field in its format (400 naming every field at fault), or the input as far as the fields go. */
async function checkFields(ctx: Ctx, draft: ProjectDraft): Promise<ProjectInput> {
  const { db } = ctx;
  const problems: FieldError[] = [];
  const text = (name: "title" | "description" | "need", required: string | null) => {
    const value = (draft[name] ?? "").trim();
    if (value === "" && required) problems.push({ field: name, message: required });
    else if (value.length > PROJECT_LIMITS[name])
      problems.push({ field: name, message: msg`Enter ${PROJECT_LIMITS[name]} characters or fewer` });
    return value;
  };
  const title = text("title", msg`Enter the project's title`);
  const description = text("description", null);
  const need = text("need", msg`Enter the need the project meets`);
  const categoryCode = draft.categoryCode ?? "";
  if (categoryCode === "")
    problems.push({ field: "categoryCode", message: msg`Choose the service category` });
  else if (!(await existingCategoryCodes(db, [categoryCode])).has(categoryCode))
    problems.push({ field: "categoryCode", message: msg`Choose a service category from the list` });
  const areaCode = (draft.areaCode ?? "").trim();
  if (areaCode === "") problems.push({ field: "areaCode", message: msg`Enter the area's GSS code` });
  else if (!(await repo.areaExists(db, areaCode)))
    problems.push({ field: "areaCode", message: msg`Enter a known GSS area code, like E10000901` });
  const money = parseMoney(draft.estimatedValue ?? "");
  if (!money.ok) problems.push({ field: "estimatedValue", message: msg`Estimated value: ${money.error}` });
  const dates = {} as Record<PlannedDate, string>;
  for (const name of PLANNED_DATES) {
    const value = draft[name] ?? "";
    if (!isIsoDate(value))
      problems.push({
        field: name,
        message: msg`Enter the planned ${DATE_LABELS[name]} date as a real date`,
      });
    dates[name] = value;
  }
  const serviceIds = [...new Set(draft.serviceIds ?? [])];
  if (serviceIds.length === 0)
    problems.push({ field: "serviceIds", message: msg`Choose at least one service the project covers` });
  else if (serviceIds.length > PROJECT_LIMITS.services || !serviceIds.every(isUuid))
    problems.push({ field: "serviceIds", message: msg`Choose the services from the register` });
  const participantIds = [...new Set(draft.participantIds ?? [])];
  const participantsKnown =
    participantIds.length <= PROJECT_LIMITS.participants &&
    participantIds.every(isUuid) &&
    (await repo.existingAuthorities(db, participantIds)).size === participantIds.length;
  if (!participantsKnown)
    problems.push({
      field: "participantIds",
      message: msg`Choose the participating authorities from the list`,
    });
  if (problems.length > 0 || !money.ok) throw new ValidationError(msg`Check the project's details`, problems);
  const estimatedValue = money.value;
  return {
    title,
    description,
    need,
    categoryCode,
    areaCode,
    estimatedValue,
    dates,
    serviceIds,
    participantIds,
  };
}

/**
 * Checks each field (400 naming every field at fault), then the combination (422): services on
 * another register, the lead among its own participants, dates out of order.
 */
export async function checkProject(
  ctx: Ctx,
  authorityId: string,
  draft: ProjectDraft,
): Promise<ProjectInput> {
  const input = await checkFields(ctx, draft);
  const { serviceIds, participantIds, dates } = input;
  const invalid: FieldError[] = [];
  const onRegister = await repo.servicesOnRegister(ctx.db, authorityId, serviceIds);
  if (onRegister.size !== serviceIds.length)
    invalid.push({
      field: "serviceIds",
      message: msg`A project covers services on the lead authority's own register only`,
    });
  if (participantIds.includes(authorityId))
    invalid.push({
      field: "participantIds",
      message: msg`The lead authority is not one of the authorities it commissions on behalf of`,
    });
  for (let i = 1; i < PLANNED_DATES.length; i++) {
    const before = PLANNED_DATES[i - 1] as PlannedDate;
    const name = PLANNED_DATES[i] as PlannedDate;
    if (dates[name] < dates[before])
      invalid.push({
        field: name,
        message: msg`The ${DATE_LABELS[name]} date must be on or after the ${DATE_LABELS[before]} date`,
      });
  }
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`These details do not fit together`,
      invalid,
      "project_invalid_combination",
    );
  return input;
}

function toRow(input: ProjectInput) {
  return {
    title: input.title,
    description: input.description,
    need: input.need,
    category_code: input.categoryCode,
    area_code: input.areaCode,
    estimated_value_pence: input.estimatedValue as bigint,
    market_engagement_date: input.dates.marketEngagementDate,
    tender_date: input.dates.tenderDate,
    award_date: input.dates.awardDate,
    start_date: input.dates.startDate,
  };
}

function audited(input: ProjectInput): Record<string, unknown> {
  const { estimated_value_pence, ...rest } = toRow(input);
  return {
    ...rest,
    estimated_value_pence: estimated_value_pence.toString(),
    service_ids: [...input.serviceIds].sort(),
    participant_ids: [...input.participantIds].sort(),
  };
}

/**
 * The project an accepted Community Right to Challenge EOI creates: the EOI it comes from, and the
 * earliest and latest start of the procurement exercise (YYYY-MM-DD) from the published policy.
 */
export interface ChallengeLink {
  challengeId: string;
  procurementEarliest: string;
  procurementLatest: string;
}

/**
 * Records a checked draft project, audited, as `actorIn(ctx)`. Checks no one: the caller has (seeds,
 * and the challenges module when it accepts an expression of interest).
 */
export async function recordProject(
  ctx: Ctx,
  authorityId: string,
  input: ProjectInput,
  id: string = newId(),
  challenge?: ChallengeLink,
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    await repo.insertProject(trx, {
      authority_id: authorityId,
      id,
      ocid: ocidFor(id),
      ...toRow(input),
      status: "draft",
      created_at: now,
      updated_at: now,
      published_at: null,
      challenge_id: challenge?.challengeId ?? null,
      procurement_earliest: challenge?.procurementEarliest ?? null,
      procurement_latest: challenge?.procurementLatest ?? null,
    });
    await repo.setLinks(trx, authorityId, id, input.serviceIds, input.participantIds);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "project.drafted",
      entity: { type: "project", id },
      changes: {
        ...audited(input),
        ...(challenge
          ? {
              challenge_id: challenge.challengeId,
              procurement_earliest: challenge.procurementEarliest,
              procurement_latest: challenge.procurementLatest,
            }
          : {}),
      },
    });
    return id;
  });
}

/** Drafts a project: the lead authority's editors only. Returns the new project. */
export async function createProject(
  ctx: Ctx,
  authorityId: string,
  draft: ProjectDraft,
): Promise<ProjectView> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const input = await checkProject(within(ctx, trx), authorityId, draft);
    const id = await recordProject(within(ctx, trx, actorOf(p)), authorityId, input);
    return projectOf(within(ctx, trx), authorityId, id);
  });
}

/**
 * Where a project stands against its procurement window (Right to Challenge projects only):
 * "not-yet" before the earliest start, "open" between the earliest and latest start, "missed" once
 * the latest start has passed without the procurement starting; "started" or "started-late" once
 * it has started (late: after the latest start). Derived from the clock when read.
 */
export type ProcurementWindowState = "not-yet" | "open" | "missed" | "started" | "started-late";

export interface ProcurementWindow {
  earliest: string;
  latest: string;
  startedOn: string | null;
  state: ProcurementWindowState;
}

export function procurementWindow(
  project: Pick<Project, "procurement_earliest" | "procurement_latest" | "procurement_started_on">,
  clock: Clock,
): ProcurementWindow | null {
  const { procurement_earliest: earliest, procurement_latest: latest } = project;
  if (!earliest || !latest) return null;
  const startedOn = project.procurement_started_on;
  const today = londonToday(clock);
  const state: ProcurementWindowState = startedOn
    ? startedOn > latest
      ? "started-late"
      : "started"
    : today > latest
      ? "missed"
      : today < earliest
        ? "not-yet"
        : "open";
  return { earliest, latest, startedOn, state };
}

/**
 * Records that the project's procurement exercise started on `startedOn` (YYYY-MM-DD, not after
 * today), audited, as `actorIn(ctx)`: 400 for a date that is not real, 409 once recorded, 422 for a
 * date in the future. Checks no one: the caller has (the tenders module, when a tender for the
 * project is published).
 */
export async function recordProcurementStarted(
  ctx: Ctx,
  authorityId: string,
  projectId: string,
  startedOn: string,
): Promise<void> {
  if (!isIsoDate(startedOn))
    throw new ValidationError(msg`Enter when the procurement started`, [
      {
        field: "startedOn",
        message: msg`Enter the date the procurement started as a real date, like 14 1 2027`,
      },
    ]);
  await transaction(ctx.db, async (trx) => {
    const { clock } = ctx;
    const locked = isUuid(projectId) ? await repo.lockProject(trx, authorityId, projectId) : undefined;
    if (!locked) throw new NotFoundError("commissioning project");
    if (locked.procurement_started_on)
      throw new ConflictError(
        msg`The procurement for this project was already recorded as started on ${longDate(locked.procurement_started_on)}.`,
        "procurement_already_started",
      );
    if (startedOn > londonToday(clock))
      throw new UnprocessableError(
        msg`The procurement cannot have started in the future`,
        [{ field: "startedOn", message: msg`Enter a date that is today or in the past` }],
        "procurement_start_in_future",
      );
    await repo.updateProject(trx, authorityId, projectId, {
      procurement_started_on: startedOn,
      updated_at: clock.now(),
    });
    await recordAudit(trx, clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "project.procurement-started",
      entity: { type: "project", id: projectId },
      changes: {
        procurement_started_on: startedOn,
        ...(locked.procurement_latest ? { within_window: startedOn <= locked.procurement_latest } : {}),
      },
    });
  });
}

/**
 * The project a person changes, locked, in one order of checks (security finding 14): 401 for the
 * public, 404 for an unknown project or a draft they may not see, then 403 unless they act for the
 * lead authority in its commissioning. The state is the caller's to check (409), after this.
 */
async function projectToChange(
  trx: Trx,
  ctx: Ctx,
  authorityId: string,
  projectId: string,
): Promise<{ p: Principal; locked: Project }> {
  requireSignedIn(ctx.principal);
  const locked = isUuid(projectId) ? await repo.lockProject(trx, authorityId, projectId) : undefined;
  if (!locked || (locked.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
    throw new NotFoundError("commissioning project");
  return { p: await requireAuthorityEditor(trx, ctx.principal, authorityId), locked };
}

/**
 * Records that the procurement started outside OpenPS (see `recordProcurementStarted`): the lead
 * authority's editors only.
 */
export async function markProcurementStarted(
  ctx: Ctx,
  authorityId: string,
  projectId: string,
  startedOn: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const { p } = await projectToChange(trx, ctx, authorityId, projectId);
    await recordProcurementStarted(within(ctx, trx, actorOf(p)), authorityId, projectId, startedOn);
  });
}

/** The project as a draft, for merging a partial change (PATCH) or filling a form. */
export function draftOf(project: repo.ProjectRow): Required<ProjectDraft> {
  return {
    title: project.title,
    description: project.description,
    need: project.need,
    categoryCode: project.category_code,
    areaCode: project.area_code,
    estimatedValue: formatMoney(project.estimated_value_pence as Pence).replace(/[£,]/g, ""),
    marketEngagementDate: project.market_engagement_date,
    tenderDate: project.tender_date,
    awardDate: project.award_date,
    startDate: project.start_date,
    serviceIds: project.services.map((s) => s.id),
    participantIds: project.participants.map((s) => s.id),
  };
}

const PUBLISHED = msg`This project has been published and its pipeline notice issued; a published project cannot be changed.`;

/**
 * Changes a draft project (409 once published): `changes` over its details, checked whole, audited.
 * The lead authority's editors only. Returns the project as it now is.
 */
export async function updateProject(
  ctx: Ctx,
  authorityId: string,
  projectId: string,
  changes: ProjectDraft,
): Promise<ProjectView> {
  return transaction(ctx.db, async (trx) => {
    const { clock } = ctx;
    const { p } = await projectToChange(trx, ctx, authorityId, projectId);
    const current = await repo.findProject(trx, authorityId, projectId);
    if (!current) throw new NotFoundError("commissioning project");
    if (current.status === "published") throw new ConflictError(PUBLISHED, "project_published");
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const input = await checkProject(within(ctx, trx), authorityId, { ...draftOf(current), ...defined });
    await repo.updateProject(trx, authorityId, projectId, { ...toRow(input), updated_at: clock.now() });
    await repo.setLinks(trx, authorityId, projectId, input.serviceIds, input.participantIds);
    await recordAudit(trx, clock, {
      authorityId,
      actor: actorOf(p),
      action: "project.updated",
      entity: { type: "project", id: projectId },
      changes: audited(input),
    });
    return projectOf(within(ctx, trx), authorityId, projectId);
  });
}

/** What the pipeline notice records: the project as published, ready for an OCDS planning release. */
export function noticeContent(project: repo.ProjectRow, publishedAt: Date): Record<string, unknown> {
  return {
    ocid: project.ocid,
    tag: ["planning"],
    date: publishedAt.toISOString(),
    buyer: { id: project.authority_id, name: project.authority_name },
    participants: project.participants,
    title: project.title,
    description: project.description,
    need: project.need,
    category: { code: project.category_code, name: project.category_name },
    area: { code: project.area_code, name: project.area_name },
    estimatedValuePence: project.estimated_value_pence.toString(),
    services: project.services,
    plannedDates: {
      marketEngagement: project.market_engagement_date,
      tender: project.tender_date,
      award: project.award_date,
      start: project.start_date,
    },
  };
}

/**
 * Publishes a draft and issues its pipeline notice (409 once published), audited, as
 * `actorIn(ctx)`. Checks no one: the caller has (seeds use it).
 */
export async function recordProjectPublished(
  ctx: Ctx,
  authorityId: string,
  projectId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const locked = isUuid(projectId) ? await repo.lockProject(trx, authorityId, projectId) : undefined;
    if (!locked) throw new NotFoundError("commissioning project");
    if (locked.status === "published")
      throw new ConflictError(msg`This project has already been published.`, "project_published");
    const at = ctx.clock.now();
    await repo.updateProject(trx, authorityId, projectId, {
      status: "published",
      published_at: at,
      updated_at: at,
    });
    const project = await repo.findProject(trx, authorityId, projectId);
    if (!project) throw new NotFoundError("commissioning project");
    const noticeId = newId();
    await repo.insertNotice(trx, {
      authority_id: authorityId,
      id: noticeId,
      project_id: projectId,
      published_at: at,
      content: noticeContent(project, at),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "project.published",
      entity: { type: "project", id: projectId },
      changes: { ocid: project.ocid, noticeId },
    });
  });
}

/** Publishes a draft project: the lead authority's editors only. Returns the project as published. */
export async function publishProject(ctx: Ctx, authorityId: string, projectId: string): Promise<ProjectView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await projectToChange(trx, ctx, authorityId, projectId);
    await recordProjectPublished(within(ctx, trx, actorOf(p)), authorityId, projectId);
    return projectOf(within(ctx, trx), authorityId, projectId);
  });
}

// Reading

/** A project as read: with where it stands against its procurement window, by the clock. */
export interface ProjectView extends repo.ProjectRow {
  procurementWindow: ProcurementWindow | null;
}

function viewOf(ctx: Ctx, project: repo.ProjectRow): ProjectView {
  return { ...project, procurementWindow: procurementWindow(project, ctx.clock) };
}

/** The authority's projects: published ones for everyone, drafts too for those who edit its register. */
export async function projectsOf(ctx: Ctx, authorityId: string): Promise<ProjectView[]> {
  const drafts = isAuthorityEditor(ctx.principal, authorityId);
  return (await repo.projectsOf(ctx.db, authorityId, { drafts })).map((p) => viewOf(ctx, p));
}

/** How many projects are published, of every authority (a command's progress; reads them all). */
export function countPublishedProjects(ctx: Ctx): Promise<number> {
  return repo.countPublishedProjects(ctx.db);
}

/** Up to `limit` published projects of every authority (their keys), in key order after `after`. Public. */
export function publishedProjectKeysAfter(
  ctx: Ctx,
  after: { authority_id: string; id: string } | undefined,
  limit: number,
): Promise<{ authority_id: string; id: string }[]> {
  return repo.publishedProjectKeysAfter(ctx.db, after, limit);
}

/** A project of this authority, or 404 (also a draft, to those who may not edit it). */
export async function projectOf(ctx: Ctx, authorityId: string, projectId: string): Promise<ProjectView> {
  const project = isUuid(projectId) ? await repo.findProject(ctx.db, authorityId, projectId) : undefined;
  if (!project || (project.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
    throw new NotFoundError("commissioning project");
  return viewOf(ctx, project);
}

/**
 * Many projects at once, as `projectOf` shows each (a draft only to those who may edit it), by
 * id; one it would answer 404 for is left out. A fixed number of queries, however many.
 */
export async function projectsByKeys(
  ctx: Ctx,
  keys: readonly { authority_id: string; id: string }[],
): Promise<Map<string, ProjectView>> {
  const rows = await repo.findProjects(
    ctx.db,
    keys.filter((k) => isUuid(k.authority_id) && isUuid(k.id)),
  );
  return new Map(
    rows
      .filter((p) => p.status !== "draft" || isAuthorityEditor(ctx.principal, p.authority_id))
      .map((p) => [p.id, viewOf(ctx, p)]),
  );
}

/** The projects page: the authority's projects, and whether the caller may draft one. */
export async function projectsPage(
  ctx: Ctx,
  authorityId: string,
): Promise<{ projects: ProjectView[]; canEdit: boolean }> {
  return {
    projects: await projectsOf(ctx, authorityId),
    canEdit: isAuthorityEditor(ctx.principal, authorityId),
  };
}

/** A project's page: the project, its consultations, and whether the caller may change it. */
export async function projectPage(
  ctx: Ctx,
  authorityId: string,
  projectId: string,
): Promise<{
  project: ProjectView;
  consultations: ConsultationSummary[];
  canEdit: boolean;
  panels: Panel[];
}> {
  const project = await projectOf(ctx, authorityId, projectId);
  return {
    project,
    consultations: await listConsultations(ctx, { authorityId, projectId: project.id }),
    canEdit: isAuthorityEditor(ctx.principal, authorityId),
    panels: await collect(projectPanels, ctx, { authorityId, projectId: project.id }),
  };
}

export interface ProjectForm {
  /** The draft being changed; none for a new project. */
  project?: ProjectView;
  categories: { code: string; name: string }[];
  services: { id: string; name: string }[];
  authorities: { id: string; name: string }[];
}

/**
 * What the project form offers: categories, the lead's register and the other authorities. For the
 * lead authority's editors only; with `projectId`, the draft being changed (404 unknown or not
 * theirs to see, then 403, then 409 once published).
 */
export async function projectForm(ctx: Ctx, authorityId: string, projectId?: string): Promise<ProjectForm> {
  requireSignedIn(ctx.principal);
  const project = projectId === undefined ? undefined : await projectOf(ctx, authorityId, projectId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  if (project?.status === "published") throw new ConflictError(PUBLISHED, "project_published");
  const [categories, services, authorities] = await Promise.all([
    listServiceCategories(ctx.db),
    registerOf(ctx, authorityId),
    repo.otherAuthorities(ctx.db, authorityId),
  ]);
  return { ...(project ? { project } : {}), categories, services, authorities };
}

/**
 * One page of every authority's published projects in key order after `after` (the open data), with
 * the services each covers and its joint commissioners. Public.
 */
export function publishedProjectsAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<repo.ProjectRow[]> {
  return repo.publishedProjectsAfter(ctx.db, after, limit);
}

/** When any published project last changed (the open data's "last updated"). */
export function latestPublishedProjectChange(ctx: Ctx): Promise<Date | null> {
  return repo.latestPublishedProjectChange(ctx.db);
}

export type { ProjectRow } from "./projects.repository.ts";
export type { Project };

/** An authority's projects' service categories and areas, a page at a time by id (the market's figures). Checks no one. */
export const projectPlacesAfter = repo.projectPlacesAfter;
