/**
 * The service register (issue 4, items 1–3): each authority's services with who provides them now,
 * their annual cost and current contract end; option appraisals per service (drafted, then
 * published and immutable; the latest published one is current); and the pipeline of contracts
 * ending soon, per authority and nationally. Commissioners and authority administrators of a
 * verified authority change its register; everyone reads it. Every change is audited on the
 * authority's chain in the caller's transaction.
 */
import type { Db, Trx } from "../../db/database.ts";
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
import { addMonths, isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { type Pence, parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  isAuthorityEditor,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { existingCategoryCodes } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./services.repository.ts";
import {
  APPRAISAL_OPTIONS,
  type AppraisalOption,
  PROVIDER_TYPES,
  type ProviderType,
  SERVICE_KINDS,
  SERVICE_STATUSES,
  type Service,
  type ServiceAppraisal,
  type ServiceKind,
  type ServiceStatus,
} from "./services.table.ts";

/**
 * The pipeline shows contracts ending within this many months of today (issue 4, item 3: "services
 * whose contracts end in the next 18 months").
 */
export const PIPELINE_WINDOW_MONTHS = 18;

export const LIMITS = { name: 200, description: 5000, evidence: 10000, reasons: 10000 } as const;

/** At least two options must be considered for an appraisal to be one. */
export const MIN_APPRAISAL_OPTIONS = 2;

export interface ServiceInput {
  name: string;
  kind: ServiceKind;
  categoryCode: string;
  providerType: ProviderType;
  providerOrganisationId: string | null;
  annualCost: Pence;
  /** YYYY-MM-DD or null. */
  contractEnd: string | null;
  status: ServiceStatus;
  description: string;
}

/** What a form or the API sends, before it is checked: text everywhere. */
export interface ServiceDraft {
  name?: string;
  kind?: string;
  categoryCode?: string;
  providerType?: string;
  providerOrganisationId?: string | null;
  annualCost?: string;
  contractEnd?: string | null;
}

export interface AppraisalInput {
  options: readonly string[];
  evidence: string;
  decision: string;
  reasons: string;
}

/** The pipeline's window: from today to PIPELINE_WINDOW_MONTHS later, both inclusive. */
export function pipelineWindow(clock: Clock): { from: string; to: string } {
  const from = londonToday(clock);
  return { from, to: addMonths(from, PIPELINE_WINDOW_MONTHS) };
}

function oneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}

/**
 * Checks each field (400 naming every field at fault), then the combination (422). Unknown category
 * and organisation ids are fields at fault.
 */
export async function checkService(
  db: Db,
  draft: ServiceDraft & { status?: string; description?: string },
): Promise<ServiceInput> {
  const problems: FieldError[] = [];
  const name = (draft.name ?? "").trim();
  if (name === "") problems.push({ field: "name", message: msg`Enter the service's name` });
  else if (name.length > LIMITS.name)
    problems.push({ field: "name", message: msg`Enter a name of ${LIMITS.name} characters or fewer` });
  if (!oneOf(SERVICE_KINDS, draft.kind))
    problems.push({
      field: "kind",
      message: msg`Choose the kind of service: individual, neighbourhood or commissioned`,
    });
  const categoryCode = draft.categoryCode ?? "";
  if (categoryCode === "")
    problems.push({ field: "categoryCode", message: msg`Choose the service category` });
  else if (!(await existingCategoryCodes(db, [categoryCode])).has(categoryCode))
    problems.push({ field: "categoryCode", message: msg`Choose a service category from the list` });
  if (!oneOf(PROVIDER_TYPES, draft.providerType))
    problems.push({ field: "providerType", message: msg`Choose who provides the service now` });
  const providerOrganisationId = draft.providerOrganisationId ? draft.providerOrganisationId : null;
  if (providerOrganisationId !== null) {
    if (!isUuid(providerOrganisationId) || !(await repo.organisationExists(db, providerOrganisationId)))
      problems.push({
        field: "providerOrganisationId",
        message: msg`Choose the provider from the directory of organisations`,
      });
  }
  const money = parseMoney(draft.annualCost ?? "");
  if (!money.ok) problems.push({ field: "annualCost", message: msg`Annual cost: ${money.error}` });
  const contractEnd = draft.contractEnd ? draft.contractEnd : null;
  if (contractEnd !== null && !isIsoDate(contractEnd))
    problems.push({
      field: "contractEnd",
      message: msg`Enter the contract end as a real date, like 31 3 2027`,
    });
  if (!oneOf(SERVICE_STATUSES, draft.status))
    problems.push({ field: "status", message: msg`Choose the service's status` });
  const description = (draft.description ?? "").trim();
  if (description.length > LIMITS.description)
    problems.push({
      field: "description",
      message: msg`Enter a description of ${LIMITS.description} characters or fewer`,
    });
  if (problems.length > 0 || !money.ok) throw new ValidationError(msg`Check the service's details`, problems);
  const input: ServiceInput = {
    name,
    kind: draft.kind as ServiceKind,
    categoryCode,
    providerType: draft.providerType as ProviderType,
    providerOrganisationId,
    annualCost: money.value,
    contractEnd,
    status: draft.status as ServiceStatus,
    description,
  };
  const invalid = combinationProblems(input);
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`These details do not fit together`,
      invalid,
      "service_invalid_combination",
    );
  return input;
}

/** Well-formed details that do not fit together (422). */
export function combinationProblems(input: ServiceInput): FieldError[] {
  const problems: FieldError[] = [];
  if (input.providerType === "in-house" && input.providerOrganisationId !== null)
    problems.push({
      field: "providerOrganisationId",
      message: msg`An in-house service has no provider organisation: remove it, or choose who provides it`,
    });
  if (input.providerType !== "in-house" && input.providerOrganisationId === null)
    problems.push({
      field: "providerOrganisationId",
      message: msg`Choose the organisation that provides the service now`,
    });
  if (input.providerType === "contracted" && input.contractEnd === null)
    problems.push({ field: "contractEnd", message: msg`Enter when the current contract ends` });
  const needs: Partial<Record<ServiceStatus, ProviderType>> = {
    "in-house": "in-house",
    mutualised: "mutual",
    devolved: "community",
  };
  const needed = needs[input.status];
  if (needed && input.providerType !== needed)
    problems.push({
      field: "status",
      message:
        needed === "in-house"
          ? msg`A service that is in-house must be provided by the in-house team`
          : needed === "mutual"
            ? msg`A service that is mutualised must be provided by a mutual spin-out`
            : msg`A service that is devolved must be provided by a community body`,
    });
  return problems;
}

/** The authority, or 404. */
function toRow(authorityId: string, id: string, input: ServiceInput) {
  return {
    authority_id: authorityId,
    id,
    name: input.name,
    kind: input.kind,
    category_code: input.categoryCode,
    provider_type: input.providerType,
    provider_organisation_id: input.providerOrganisationId,
    annual_cost_pence: input.annualCost as bigint,
    contract_end: input.contractEnd,
    status: input.status,
    description: input.description,
  };
}

function auditedDetails(row: ReturnType<typeof toRow>): Record<string, unknown> {
  const { authority_id: _authority, id: _id, ...details } = row;
  return details;
}

/** Adds a checked service to the register, audited. Checks no one: the caller has (seeds use it). */
export async function recordService(
  ctx: Ctx,
  authorityId: string,
  input: ServiceInput,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const row = toRow(authorityId, id, input);
    await repo.insertService(trx, { ...row, created_at: now, updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "service.added",
      entity: { type: "service", id },
      changes: auditedDetails(row),
    });
    return id;
  });
}

/** Adds a service to the authority's register: its editors only. Returns the new service. */
export async function createService(
  ctx: Ctx,
  authorityId: string,
  draft: ServiceDraft & { status?: string; description?: string },
): Promise<repo.ServiceRow> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const input = await checkService(trx, draft);
    const id = await recordService(within(ctx, trx, actorOf(p)), authorityId, input);
    return serviceOf(within(ctx, trx), authorityId, id);
  });
}

/** The service as a draft, for merging a partial change (PATCH) or filling the edit form. */
export function draftOf(service: Service): Required<ServiceDraft> & { status: string; description: string } {
  return {
    name: service.name,
    kind: service.kind,
    categoryCode: service.category_code,
    providerType: service.provider_type,
    providerOrganisationId: service.provider_organisation_id,
    annualCost:
      (service.annual_cost_pence / 100n).toString() +
      "." +
      (service.annual_cost_pence % 100n).toString().padStart(2, "0"),
    contractEnd: service.contract_end,
    status: service.status,
    description: service.description,
  };
}

/** Changes a service: `changes` over its current details, checked whole, audited with what changed. */
export async function updateService(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
  changes: ServiceDraft & { status?: string; description?: string },
): Promise<repo.ServiceRow> {
  await transaction(ctx.db, (trx) => changeService(within(ctx, trx), authorityId, serviceId, changes));
  return serviceOf(ctx, authorityId, serviceId);
}

async function changeService(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  serviceId: string,
  changes: ServiceDraft & { status?: string; description?: string },
): Promise<void> {
  const { db: trx, clock } = ctx;
  requireSignedIn(ctx.principal);
  const current = isUuid(serviceId) ? await repo.lockService(trx, authorityId, serviceId) : undefined;
  if (!current) throw new NotFoundError("service");
  const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const input = await checkService(trx, { ...draftOf(current), ...defined });
  const row = toRow(authorityId, serviceId, input);
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (current[key as keyof Service] !== value) changed[key] = value;
  }
  if (Object.keys(changed).length === 0) return;
  await repo.updateService(trx, authorityId, serviceId, { ...row, updated_at: clock.now() });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "service.updated",
    entity: { type: "service", id: serviceId },
    changes: changed,
  });
}

/** The authority's register: every service it is responsible for. Public. */
export async function registerOf(ctx: Ctx, authorityId: string): Promise<repo.ServiceRow[]> {
  return repo.servicesOf(ctx.db, authorityId);
}

/** A service of this authority, or 404 (also when the id belongs to another authority). */
export async function serviceOf(ctx: Ctx, authorityId: string, serviceId: string): Promise<repo.ServiceRow> {
  const service = isUuid(serviceId) ? await repo.findService(ctx.db, authorityId, serviceId) : undefined;
  if (!service) throw new NotFoundError("service");
  return service;
}

/**
 * A service for the forms that change it (its details, a new appraisal): 404 for an unknown service,
 * then 403 unless the caller edits the authority's register.
 */
export async function serviceToChange(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
): Promise<repo.ServiceRow> {
  requireSignedIn(ctx.principal);
  const service = await serviceOf(ctx, authorityId, serviceId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return service;
}

export interface AppraisalView extends ServiceAppraisal {
  /** The latest published appraisal is current; earlier published ones are superseded. */
  current: boolean;
  superseded: boolean;
}

/** A service's appraisals: published ones for everyone, drafts too for those who edit the register. */
export async function appraisalsOf(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
): Promise<AppraisalView[]> {
  const all = await repo.appraisalsOf(ctx.db, authorityId, serviceId);
  const drafts = isAuthorityEditor(ctx.principal, authorityId);
  let seenPublished = false;
  const result: AppraisalView[] = [];
  for (const a of all) {
    if (a.status === "draft") {
      if (drafts) result.push({ ...a, current: false, superseded: false });
      continue;
    }
    result.push({ ...a, current: !seenPublished, superseded: seenPublished });
    seenPublished = true;
  }
  return result;
}

/** Checks an appraisal: each field (400), then the decision among the options considered (422). */
export function checkAppraisal(input: AppraisalInput): {
  options: AppraisalOption[];
  evidence: string;
  decision: AppraisalOption;
  reasons: string;
} {
  const problems: FieldError[] = [];
  const options = [...new Set(input.options)];
  if (options.some((o) => !oneOf(APPRAISAL_OPTIONS, o)))
    problems.push({ field: "options", message: msg`Choose the options considered from the list` });
  else if (options.length < MIN_APPRAISAL_OPTIONS)
    problems.push({
      field: "options",
      message: msg`Choose at least ${MIN_APPRAISAL_OPTIONS} options that were considered`,
    });
  const evidence = input.evidence.trim();
  if (evidence === "")
    problems.push({ field: "evidence", message: msg`Enter the evidence the appraisal weighed` });
  else if (evidence.length > LIMITS.evidence)
    problems.push({
      field: "evidence",
      message: msg`Enter evidence of ${LIMITS.evidence} characters or fewer`,
    });
  if (!oneOf(APPRAISAL_OPTIONS, input.decision))
    problems.push({ field: "decision", message: msg`Choose the decision` });
  const reasons = input.reasons.trim();
  if (reasons === "") problems.push({ field: "reasons", message: msg`Enter the reasons for the decision` });
  else if (reasons.length > LIMITS.reasons)
    problems.push({ field: "reasons", message: msg`Enter reasons of ${LIMITS.reasons} characters or fewer` });
  if (problems.length > 0) throw new ValidationError(msg`Check the option appraisal`, problems);
  if (!options.includes(input.decision))
    throw new UnprocessableError(
      msg`The decision must be one of the options considered`,
      [
        {
          field: "decision",
          message: msg`Choose a decision from the options considered, or tick it as considered`,
        },
      ],
      "decision_not_considered",
    );
  return {
    options: APPRAISAL_OPTIONS.filter((o) => options.includes(o)),
    evidence,
    decision: input.decision as AppraisalOption,
    reasons,
  };
}

/** Records a draft appraisal, audited. Checks no one: the caller has (seeds use it). */
export async function recordAppraisal(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
  input: AppraisalInput,
  id: string = newId(),
): Promise<string> {
  const checked = checkAppraisal(input);
  return transaction(ctx.db, async (trx) => {
    await repo.insertAppraisal(trx, {
      authority_id: authorityId,
      id,
      service_id: serviceId,
      ...checked,
      status: "draft",
      created_at: ctx.clock.now(),
      published_at: null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "appraisal.drafted",
      entity: { type: "service-appraisal", id },
      changes: { serviceId, ...checked },
    });
    return id;
  });
}

/** Drafts an option appraisal of a service: the authority's editors only (404 for an unknown service first). */
export async function draftAppraisal(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
  input: AppraisalInput,
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    if (!isUuid(serviceId) || !(await repo.lockService(trx, authorityId, serviceId)))
      throw new NotFoundError("service");
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    return recordAppraisal(within(ctx, trx, actorOf(p)), authorityId, serviceId, input);
  });
}

/**
 * Publishes a draft (409 once published: published appraisals are immutable), audited. Checks no
 * one: the caller has (seeds use it).
 */
export async function recordAppraisalPublished(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
  appraisalId: string,
): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    const { clock } = ctx;
    const actor = actorIn(ctx);
    const appraisal = isUuid(appraisalId)
      ? await repo.lockAppraisal(trx, authorityId, serviceId, appraisalId)
      : undefined;
    if (!appraisal) throw new NotFoundError("option appraisal");
    if (appraisal.status === "published")
      throw new ConflictError(
        msg`This option appraisal has already been published and cannot be changed. Record a new one to supersede it.`,
        "appraisal_published",
      );
    await repo.publishAppraisal(trx, authorityId, appraisalId, clock.now());
    await recordAudit(trx, clock, {
      authorityId,
      actor,
      action: "appraisal.published",
      entity: { type: "service-appraisal", id: appraisalId },
      changes: { serviceId },
    });
  });
}

/**
 * Publishes a draft option appraisal: the authority's editors only. 404 for an unknown service or
 * appraisal, or a draft the caller may not see; then 403; then 409 once published.
 */
export async function publishAppraisal(
  ctx: Ctx,
  authorityId: string,
  serviceId: string,
  appraisalId: string,
): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    if (!isUuid(serviceId) || !(await repo.findService(trx, authorityId, serviceId)))
      throw new NotFoundError("service");
    const appraisal = isUuid(appraisalId)
      ? await repo.lockAppraisal(trx, authorityId, serviceId, appraisalId)
      : undefined;
    if (!appraisal || (appraisal.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
      throw new NotFoundError("option appraisal");
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    await recordAppraisalPublished(within(ctx, trx, actorOf(p)), authorityId, serviceId, appraisalId);
  });
}

export interface Pipeline {
  from: string;
  to: string;
  rows: repo.PipelineRow[];
}

/** Contracts ending within PIPELINE_WINDOW_MONTHS of today (the clock's), soonest first. */
export async function pipeline(ctx: Ctx, authorityId?: string): Promise<Pipeline> {
  const window = pipelineWindow(ctx.clock);
  const rows = await repo.contractsEnding(ctx.db, { ...window, ...(authorityId ? { authorityId } : {}) });
  return { ...window, rows };
}

export type { TenantKey } from "./services.repository.ts";

/** One page of every authority's register, in key order after `after`: the open data. Public. */
/** Each authority's register summed by the database: the annual cost of all its services (public). */
export function annualCostByAuthority(ctx: Pick<Ctx, "db">): Promise<Map<string, bigint>> {
  return repo.annualCostByAuthority(ctx.db);
}

export function servicesAfter(
  ctx: Ctx,
  after: repo.TenantKey | undefined,
  limit: number,
): Promise<Service[]> {
  return repo.servicesAfter(ctx.db, after, limit);
}

/** A service in the pipeline as the open data publishes it: with its planned procurement, if any. */
export interface PipelineRecord extends Service {
  planned: { id: string; title: string; ocid: string } | null;
}

/**
 * One page of the national pipeline (contracts ending within PIPELINE_WINDOW_MONTHS of today, by
 * the clock) in key order after `after`, each with the latest published project covering it. Public.
 */
export async function pipelineAfter(
  ctx: Ctx,
  after: repo.TenantKey | undefined,
  limit: number,
): Promise<PipelineRecord[]> {
  const rows = await repo.servicesAfter(ctx.db, after, limit, pipelineWindow(ctx.clock));
  const planned = await repo.plannedProjectsOf(
    ctx.db,
    rows.map((row) => [row.authority_id, row.id] as const),
  );
  return rows.map((row) => ({ ...row, planned: planned.get(`${row.authority_id}/${row.id}`) ?? null }));
}

/** When any register last changed (the open data's "last updated"). */
export function latestServiceChange(ctx: Ctx): Promise<Date | null> {
  return repo.latestServiceChange(ctx.db);
}

export const organisationChoices = repo.organisationChoices;

/** The service category of each service on an authority's register (the market's figures). Checks no one. */
export const serviceCategoriesOf = repo.serviceCategoriesOf;
