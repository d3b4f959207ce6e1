/**
 * Tenders (issue 5, items 1–2): a commissioning project's tender — procedure, lots, conditions of
 * participation, award criteria weighted in basis points, pricing mode, s.33 reservation, TUPE and
 * pension information, VAT treatment and deadlines — drafted by the lead authority's commissioners
 * and administrators, then published as a public opportunity. Bids and their sealing are in
 * bids.service.ts. Every change is audited on the authority's chain in the caller's transaction.
 *
 * A tender's state is derived when read: `draft`; `open` (published, before the submission
 * deadline); `closed` (the deadline has passed, awaiting opening); `opened`; `cancelled`.
 */

import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import type { FileStore } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonInstant as instantInLondon, londonToday, parseTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { notifyAll } from "../../lib/ports.ts";
import {
  actorOf,
  hasRole,
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
} from "../access/access.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { markProcurementStarted, projectOf } from "../projects/projects.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { newSealingKeyPair, newTenderKey, type TenderKeyring } from "./sealing.ts";
import { tenderPublished } from "./tenders.ports.ts";
import * as repo from "./tenders.repository.ts";
import {
  CRITERION_KINDS,
  type CriterionKind,
  PRICING_MODES,
  PROCEDURES,
  type PricingMode,
  type Procedure,
  type Tender,
  type TenderAmendment,
  VAT_TREATMENTS,
  type VatTreatment,
} from "./tenders.table.ts";

export const TENDER_LIMITS = {
  title: 200,
  description: 20000,
  stages: 10000,
  tariff: 10000,
  terms: 10000,
  vatNote: 2000,
  lots: 50,
  lotTitle: 200,
  lotDescription: 5000,
  conditions: 50,
  condition: 2000,
  criteria: 30,
  subCriteria: 20,
  criterionTitle: 200,
  criterionDescription: 5000,
} as const;

/** Award criteria weights add up to 100%: 10,000 basis points. */
export const WEIGHT_TOTAL_BP = 10_000;
/** s.33(2): a contract reserved to public service mutuals runs for at most 5 years. */
export const RESERVED_MAX_TERM_MONTHS = 60;
export const DEFAULT_SCORING_SCALE_MAX = 10;

export type TenderState = "draft" | "open" | "closed" | "opened" | "cancelled";

export function stateOf(
  tender: Pick<Tender, "status" | "submission_deadline" | "opened_at">,
  now: Date,
): TenderState {
  if (tender.status === "draft") return "draft";
  if (tender.status === "cancelled") return "cancelled";
  if (tender.opened_at) return "opened";
  return now.getTime() < tender.submission_deadline.getTime() ? "open" : "closed";
}

// What a form or the API sends, before it is checked.

export interface CriterionDraft {
  kind?: string;
  title?: string;
  description?: string;
  weightBp?: number;
  subCriteria?: { title?: string; description?: string; weightBp?: number }[];
}

export interface TenderDraft {
  projectId?: string;
  title?: string;
  description?: string;
  procedure?: string;
  stages?: string;
  pricingMode?: string;
  fixedPrice?: string | null;
  tariff?: string;
  scoringScaleMax?: number;
  reserved?: boolean;
  contractTermMonths?: number;
  tupe?: { applies?: boolean; staffCount?: number | null; annualCost?: string | null; terms?: string };
  pensionTerms?: string;
  vatTreatment?: string;
  vatNote?: string;
  clarificationDeadline?: string;
  submissionDeadline?: string;
  lots?: { title?: string; description?: string; estimatedValue?: string }[];
  conditions?: string[];
  criteria?: CriterionDraft[];
}

export interface CriterionInput {
  kind: CriterionKind;
  title: string;
  description: string;
  weightBp: number;
  subCriteria: { title: string; description: string; weightBp: number }[];
}

export interface TenderInput {
  projectId: string;
  title: string;
  description: string;
  procedure: Procedure;
  stages: string;
  pricingMode: PricingMode;
  fixedPrice: Pence | null;
  tariff: string;
  scoringScaleMax: number;
  reserved: boolean;
  contractTermMonths: number;
  tupe: { applies: boolean; staffCount: number | null; annualCost: Pence | null; terms: string };
  pensionTerms: string;
  vatTreatment: VatTreatment;
  vatNote: string;
  clarificationDeadline: Date;
  submissionDeadline: Date;
  lots: { title: string; description: string; estimatedValue: Pence }[];
  conditions: string[];
  criteria: CriterionInput[];
}

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

function wholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** A date and time with its offset (ISO 8601), or null. */
export function parseInstant(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Basis points as a percentage for messages: 2500 → "25%", 3333 → "33.33%". */
export function percent(bp: number): string {
  return `${(bp / 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

/** A date and time in Europe/London, for messages: "Friday 15 January 2027 at 12:00pm". */
export function londonDateTime(date: Date): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hour12: true,
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("weekday")} ${get("day")} ${get("month")} ${get("year")} at ${get("hour")}:${get("minute")}${get("dayPeriod").toLowerCase()}`;
}

/**
 * Checks each field (400 naming every field at fault), then the combination (422): weights not
 * adding up to 100%, a price weight with fixed pricing or none with competitive pricing, a
 * reservation the s.33 rules do not allow, deadlines out of order.
 */
export async function checkTender(
  db: Db,
  principal: Principal | null,
  authorityId: string,
  draft: TenderDraft,
): Promise<TenderInput> {
  const problems: FieldError[] = [];
  const text = (name: string, value: string | undefined, max: number, required: string | null) => {
    const v = (value ?? "").trim();
    if (v === "" && required) problems.push({ field: name, message: required });
    else if (v.length > max) problems.push({ field: name, message: `Enter ${max} characters or fewer` });
    return v;
  };
  const money = (name: string, value: string | null | undefined, label: string): Pence | null => {
    const parsed = parseMoney(value ?? "");
    if (!parsed.ok) {
      problems.push({ field: name, message: `${label}: ${parsed.error}` });
      return null;
    }
    return parsed.value;
  };

  const projectId = draft.projectId ?? "";
  let project: Awaited<ReturnType<typeof projectOf>> | undefined;
  if (!isUuid(projectId))
    problems.push({ field: "projectId", message: "Choose the commissioning project this tender is for" });
  else {
    try {
      project = await projectOf(db, principal, authorityId, projectId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      problems.push({ field: "projectId", message: "Choose one of this authority's commissioning projects" });
    }
  }
  const title = text("title", draft.title, TENDER_LIMITS.title, "Enter the tender's title");
  const description = text(
    "description",
    draft.description,
    TENDER_LIMITS.description,
    "Describe what is being bought",
  );
  if (!oneOf(PROCEDURES, draft.procedure))
    problems.push({ field: "procedure", message: "Choose the procedure: open, or competitive flexible" });
  const stages = text(
    "stages",
    draft.stages,
    TENDER_LIMITS.stages,
    draft.procedure === "competitive-flexible"
      ? "Describe the stages of the competitive flexible procedure"
      : null,
  );
  if (!oneOf(PRICING_MODES, draft.pricingMode))
    problems.push({
      field: "pricingMode",
      message: "Choose how price is set: competitive, a fixed price or a published tariff",
    });
  const fixedPrice =
    draft.pricingMode === "fixed-price"
      ? money("fixedPrice", draft.fixedPrice, "Fixed price")
      : draft.fixedPrice
        ? money("fixedPrice", draft.fixedPrice, "Fixed price")
        : null;
  const tariff = text(
    "tariff",
    draft.tariff,
    TENDER_LIMITS.tariff,
    draft.pricingMode === "tariff" ? "Enter the published tariff bidders will be paid" : null,
  );
  const scoringScaleMax = draft.scoringScaleMax ?? DEFAULT_SCORING_SCALE_MAX;
  if (!wholeNumber(scoringScaleMax, 1, 100))
    problems.push({
      field: "scoringScaleMax",
      message: "Enter the top of the scoring scale, a whole number from 1 to 100",
    });
  const reserved = draft.reserved ?? false;
  const contractTermMonths = draft.contractTermMonths;
  if (!wholeNumber(contractTermMonths, 1, 600))
    problems.push({
      field: "contractTermMonths",
      message: "Enter the contract's maximum term in months, a whole number from 1 to 600",
    });
  const tupeApplies = draft.tupe?.applies ?? false;
  let staffCount: number | null = null;
  let staffCost: Pence | null = null;
  let tupeTerms = "";
  if (tupeApplies) {
    staffCount = draft.tupe?.staffCount ?? null;
    if (!wholeNumber(staffCount, 0, 1_000_000))
      problems.push({
        field: "tupe.staffCount",
        message: "Enter how many staff would transfer, a whole number",
      });
    staffCost = money("tupe.annualCost", draft.tupe?.annualCost, "Annual cost of the transferring staff");
    tupeTerms = text(
      "tupe.terms",
      draft.tupe?.terms,
      TENDER_LIMITS.terms,
      "Describe the transferring staff's terms and conditions",
    );
  } else {
    tupeTerms = text("tupe.terms", draft.tupe?.terms, TENDER_LIMITS.terms, null);
  }
  const pensionTerms = text(
    "pensionTerms",
    draft.pensionTerms,
    TENDER_LIMITS.terms,
    tupeApplies ? "Describe the pension terms (New Fair Deal) for transferring staff" : null,
  );
  if (!oneOf(VAT_TREATMENTS, draft.vatTreatment))
    problems.push({
      field: "vatTreatment",
      message: "Choose how VAT is treated: prices excluding VAT, including VAT, or the service is exempt",
    });
  const vatNote = text("vatNote", draft.vatNote, TENDER_LIMITS.vatNote, null);
  const clarificationDeadline = parseInstant(draft.clarificationDeadline);
  if (!clarificationDeadline)
    problems.push({
      field: "clarificationDeadline",
      message: "Enter the deadline for clarification questions as a date and time, like 2027-01-08T12:00:00Z",
    });
  const submissionDeadline = parseInstant(draft.submissionDeadline);
  if (!submissionDeadline)
    problems.push({
      field: "submissionDeadline",
      message: "Enter the deadline for bids as a date and time, like 2027-01-15T12:00:00Z",
    });

  const lotsDraft = draft.lots ?? [];
  if (lotsDraft.length > TENDER_LIMITS.lots)
    problems.push({ field: "lots", message: `A tender has at most ${TENDER_LIMITS.lots} lots` });
  const lots = lotsDraft.slice(0, TENDER_LIMITS.lots).map((lot, i) => ({
    title: text(`lots.${i}.title`, lot.title, TENDER_LIMITS.lotTitle, `Enter lot ${i + 1}'s title`),
    description: text(`lots.${i}.description`, lot.description, TENDER_LIMITS.lotDescription, null),
    estimatedValue: money(`lots.${i}.estimatedValue`, lot.estimatedValue, `Lot ${i + 1}'s estimated value`),
  }));
  const conditionsDraft = draft.conditions ?? [];
  if (conditionsDraft.length > TENDER_LIMITS.conditions)
    problems.push({
      field: "conditions",
      message: `A tender has at most ${TENDER_LIMITS.conditions} conditions of participation`,
    });
  const conditions = conditionsDraft
    .slice(0, TENDER_LIMITS.conditions)
    .map((c, i) =>
      text(`conditions.${i}`, c, TENDER_LIMITS.condition, `Enter condition ${i + 1} or remove it`),
    );

  const criteriaDraft = draft.criteria ?? [];
  if (criteriaDraft.length === 0)
    problems.push({ field: "criteria", message: "Add the award criteria bids will be scored against" });
  if (criteriaDraft.length > TENDER_LIMITS.criteria)
    problems.push({
      field: "criteria",
      message: `A tender has at most ${TENDER_LIMITS.criteria} award criteria`,
    });
  const criteria: CriterionInput[] = criteriaDraft.slice(0, TENDER_LIMITS.criteria).map((c, i) => {
    const at = `criteria.${i}`;
    if (!oneOf(CRITERION_KINDS, c.kind))
      problems.push({
        field: `${at}.kind`,
        message: `Choose criterion ${i + 1}'s kind: quality, price or social value`,
      });
    if (!wholeNumber(c.weightBp, 0, WEIGHT_TOTAL_BP))
      problems.push({
        field: `${at}.weightBp`,
        message: `Enter criterion ${i + 1}'s weight in basis points, a whole number from 0 to 10,000 (100%)`,
      });
    const subs = c.subCriteria ?? [];
    if (subs.length > TENDER_LIMITS.subCriteria)
      problems.push({
        field: `${at}.subCriteria`,
        message: `A criterion has at most ${TENDER_LIMITS.subCriteria} sub-criteria`,
      });
    return {
      kind: c.kind as CriterionKind,
      title: text(`${at}.title`, c.title, TENDER_LIMITS.criterionTitle, `Enter criterion ${i + 1}'s title`),
      description: text(`${at}.description`, c.description, TENDER_LIMITS.criterionDescription, null),
      weightBp: c.weightBp as number,
      subCriteria: subs.slice(0, TENDER_LIMITS.subCriteria).map((s, j) => {
        if (!wholeNumber(s.weightBp, 0, WEIGHT_TOTAL_BP))
          problems.push({
            field: `${at}.subCriteria.${j}.weightBp`,
            message: `Enter sub-criterion ${i + 1}.${j + 1}'s weight in basis points, a whole number from 0 to 10,000`,
          });
        return {
          title: text(
            `${at}.subCriteria.${j}.title`,
            s.title,
            TENDER_LIMITS.criterionTitle,
            `Enter sub-criterion ${i + 1}.${j + 1}'s title`,
          ),
          description: text(
            `${at}.subCriteria.${j}.description`,
            s.description,
            TENDER_LIMITS.criterionDescription,
            null,
          ),
          weightBp: s.weightBp as number,
        };
      }),
    };
  });
  if (problems.length > 0) throw new ValidationError("Check the tender's details", problems);

  const input: TenderInput = {
    projectId,
    title,
    description,
    procedure: draft.procedure as Procedure,
    stages,
    pricingMode: draft.pricingMode as PricingMode,
    fixedPrice,
    tariff,
    scoringScaleMax,
    reserved,
    contractTermMonths: contractTermMonths as number,
    tupe: { applies: tupeApplies, staffCount, annualCost: staffCost, terms: tupeTerms },
    pensionTerms,
    vatTreatment: draft.vatTreatment as VatTreatment,
    vatNote,
    clarificationDeadline: clarificationDeadline as Date,
    submissionDeadline: submissionDeadline as Date,
    lots: lots.map((l) => ({ ...l, estimatedValue: l.estimatedValue as Pence })),
    conditions,
    criteria,
  };
  const category = project
    ? (await listServiceCategories(db)).find((c) => c.code === project.category_code)
    : undefined;
  const invalid = combinationProblems(input, { reservable: category?.reservable ?? false });
  if (invalid.length > 0)
    throw new UnprocessableError("These details do not fit together", invalid, "tender_invalid_combination");
  return input;
}

/** Well-formed details that do not fit together (422). */
export function combinationProblems(input: TenderInput, project: { reservable: boolean }): FieldError[] {
  const problems: FieldError[] = [];
  const total = input.criteria.reduce((sum, c) => sum + c.weightBp, 0);
  if (total !== WEIGHT_TOTAL_BP)
    problems.push({
      field: "criteria",
      message: `The award criteria's weights add up to ${percent(total)} (${total.toLocaleString("en-GB")} basis points); make them add up to 100% (10,000 basis points)`,
    });
  input.criteria.forEach((c, i) => {
    if (c.subCriteria.length === 0) return;
    if (c.kind === "price")
      problems.push({
        field: `criteria.${i}.subCriteria`,
        message: "The price criterion has no sub-criteria: remove them",
      });
    const sum = c.subCriteria.reduce((s, sub) => s + sub.weightBp, 0);
    if (sum !== c.weightBp)
      problems.push({
        field: `criteria.${i}.subCriteria`,
        message: `The sub-criteria of “${c.title}” add up to ${percent(sum)}; make them add up to its weight, ${percent(c.weightBp)}`,
      });
  });
  const price = input.criteria.filter((c) => c.kind === "price");
  if (price.length > 1)
    problems.push({ field: "criteria", message: "Give price one criterion, not several" });
  const priceWeight = price.reduce((s, c) => s + c.weightBp, 0);
  if (input.pricingMode === "competitive" && priceWeight === 0)
    problems.push({
      field: "criteria",
      message:
        "With competitive pricing, add a price criterion with a weight above 0; or publish a fixed price or tariff",
    });
  if (input.pricingMode !== "competitive" && priceWeight > 0)
    problems.push({
      field: "criteria",
      message: `With a ${input.pricingMode === "fixed-price" ? "fixed price" : "published tariff"} bids compete on quality alone: give price a weight of 0`,
    });
  if (input.pricingMode !== "fixed-price" && input.fixedPrice !== null)
    problems.push({
      field: "fixedPrice",
      message: "Only a fixed-price tender has a fixed price: remove it, or choose fixed price",
    });
  if (input.reserved && !project.reservable)
    problems.push({
      field: "reserved",
      message:
        "Only light touch services marked reservable may be reserved to public service mutuals (Procurement Act 2023, s.33); this project's category is not",
    });
  if (input.reserved && input.contractTermMonths > RESERVED_MAX_TERM_MONTHS)
    problems.push({
      field: "contractTermMonths",
      message: `A contract reserved to public service mutuals runs for at most 5 years (${RESERVED_MAX_TERM_MONTHS} months) (s.33): shorten the term or do not reserve it`,
    });
  if (input.clarificationDeadline.getTime() >= input.submissionDeadline.getTime())
    problems.push({
      field: "clarificationDeadline",
      message: "The deadline for clarification questions must come before the deadline for bids",
    });
  return problems;
}

function toRow(input: TenderInput) {
  return {
    project_id: input.projectId,
    title: input.title,
    description: input.description,
    procedure: input.procedure,
    stages: input.stages,
    pricing_mode: input.pricingMode,
    fixed_price_pence: input.fixedPrice as bigint | null,
    tariff: input.tariff,
    scoring_scale_max: input.scoringScaleMax,
    reserved: input.reserved,
    contract_term_months: input.contractTermMonths,
    tupe_applies: input.tupe.applies,
    tupe_staff_count: input.tupe.staffCount,
    tupe_annual_cost_pence: input.tupe.annualCost as bigint | null,
    tupe_terms: input.tupe.terms,
    pension_terms: input.pensionTerms,
    vat_treatment: input.vatTreatment,
    vat_note: input.vatNote,
    clarification_deadline: input.clarificationDeadline,
    submission_deadline: input.submissionDeadline,
  };
}

/**
 * The rows of the tender's lots and criteria. An amendment passes the tender's `previous` parts, so
 * that a lot or criterion keeps its id at the same position (bids already made refer to them).
 */
function partsOf(input: TenderInput, previous?: repo.TenderParts) {
  const topBefore = previous?.criteria.filter((c) => c.parent_id === null) ?? [];
  const subBefore = (parentId: string | undefined, position: number) =>
    previous?.criteria.find((c) => c.parent_id === parentId && c.position === position)?.id;
  const criteria: Parameters<typeof repo.replaceParts>[3]["criteria"] = [];
  input.criteria.forEach((c, i) => {
    const before = topBefore.find((b) => b.position === i + 1)?.id;
    const id = before ?? newId();
    criteria.push({
      id,
      parent_id: null,
      position: i + 1,
      kind: c.kind,
      title: c.title,
      description: c.description,
      weight_bp: c.weightBp,
    });
    for (const [j, s] of c.subCriteria.entries())
      criteria.push({
        id: (before && subBefore(before, j + 1)) || newId(),
        parent_id: id,
        position: j + 1,
        kind: c.kind,
        title: s.title,
        description: s.description,
        weight_bp: s.weightBp,
      });
  });
  return {
    lots: input.lots.map((l, i) => ({
      id: previous?.lots.find((b) => b.position === i + 1)?.id ?? newId(),
      position: i + 1,
      title: l.title,
      description: l.description,
      estimated_value_pence: l.estimatedValue as bigint,
    })),
    conditions: input.conditions,
    criteria,
  };
}

function audited(input: TenderInput): Record<string, unknown> {
  return {
    ...toRow(input),
    lots: input.lots,
    conditions: input.conditions,
    criteria: input.criteria,
  };
}

/** Records a checked draft tender, audited. Authorisation is the caller's (seeds use it). */
export async function recordTender(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  input: TenderInput,
  id: string = newId(),
): Promise<string> {
  const now = clock.now();
  await repo.insertTender(trx, {
    authority_id: authorityId,
    id,
    ...toRow(input),
    status: "draft",
    published_at: null,
    cancelled_at: null,
    cancel_reason: null,
    opened_at: null,
    created_at: now,
    updated_at: now,
  });
  await repo.replaceParts(trx, authorityId, id, partsOf(input));
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "tender.drafted",
    entity: { type: "tender", id },
    changes: audited(input),
  });
  return id;
}

export async function createTender(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  draft: TenderDraft,
): Promise<string> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const input = await checkTender(trx, p, authorityId, draft);
  return recordTender(trx, clock, actorOf(p), authorityId, input);
}

/** The tender as a draft, for merging a partial change (PATCH) or filling a form. */
export function draftOf(tender: Tender, parts: repo.TenderParts): TenderDraft {
  const pounds = (p: bigint | null) => (p === null ? null : formatMoney(p as Pence).replace(/[£,]/g, ""));
  const top = parts.criteria.filter((c) => c.parent_id === null);
  return {
    projectId: tender.project_id,
    title: tender.title,
    description: tender.description,
    procedure: tender.procedure,
    stages: tender.stages,
    pricingMode: tender.pricing_mode,
    fixedPrice: pounds(tender.fixed_price_pence),
    tariff: tender.tariff,
    scoringScaleMax: tender.scoring_scale_max,
    reserved: tender.reserved,
    contractTermMonths: tender.contract_term_months,
    tupe: {
      applies: tender.tupe_applies,
      staffCount: tender.tupe_staff_count,
      annualCost: pounds(tender.tupe_annual_cost_pence),
      terms: tender.tupe_terms,
    },
    pensionTerms: tender.pension_terms,
    vatTreatment: tender.vat_treatment,
    vatNote: tender.vat_note,
    clarificationDeadline: tender.clarification_deadline.toISOString(),
    submissionDeadline: tender.submission_deadline.toISOString(),
    lots: parts.lots.map((l) => ({
      title: l.title,
      description: l.description,
      estimatedValue: pounds(l.estimated_value_pence) ?? "0",
    })),
    conditions: parts.conditions,
    criteria: top.map((c) => ({
      kind: c.kind,
      title: c.title,
      description: c.description,
      weightBp: c.weight_bp,
      subCriteria: parts.criteria
        .filter((s) => s.parent_id === c.id)
        .map((s) => ({ title: s.title, description: s.description, weightBp: s.weight_bp })),
    })),
  };
}

async function lockedTender(trx: Trx, authorityId: string, tenderId: string): Promise<Tender> {
  const tender = isUuid(tenderId) ? await repo.lockTender(trx, authorityId, tenderId) : undefined;
  if (!tender) throw new NotFoundError("tender");
  return tender;
}

const NOT_DRAFT = "This tender has been published; its terms can only change by an amendment.";

/** Changes a draft tender (409 once published): `changes` over its details, checked whole, audited. */
export async function updateTender(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  changes: TenderDraft,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const current = await lockedTender(trx, authorityId, tenderId);
  if (current.status !== "draft") throw new ConflictError(NOT_DRAFT, "tender_published");
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const base = draftOf(current, await repo.partsOf(trx, authorityId, tenderId));
  const input = await checkTender(trx, p, authorityId, { ...base, ...defined });
  await repo.updateTender(trx, authorityId, tenderId, { ...toRow(input), updated_at: clock.now() });
  await repo.replaceParts(trx, authorityId, tenderId, partsOf(input));
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "tender.updated",
    entity: { type: "tender", id: tenderId },
    changes: audited(input),
  });
}

export interface PublishOptions {
  keys: TenderKeyring;
  /** The shortest period from publication to the submission deadline (configuration). */
  minimumPeriodDays: number;
  /** Record the project's procurement as started (default); the demo seed leaves its project be. */
  markProjectStarted?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Publishes a draft tender as a public opportunity, audited: checks it whole again, requires the
 * project to be published and the deadlines to leave bidders at least the minimum period, makes the
 * tender's sealing keys (the private one stored only wrapped under the master key), and records
 * the project's procurement as started.
 */
export async function publishTenderAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  options: PublishOptions,
): Promise<void> {
  const tender = await lockedTender(trx, authorityId, tenderId);
  if (tender.status !== "draft")
    throw new ConflictError(
      tender.status === "cancelled"
        ? "This tender was cancelled."
        : "This tender has already been published.",
      "tender_published",
    );
  const input = await checkTender(
    trx,
    principal,
    authorityId,
    draftOf(tender, await repo.partsOf(trx, authorityId, tenderId)),
  );
  const project = await projectOf(trx, principal, authorityId, tender.project_id);
  const now = clock.now();
  const problems: FieldError[] = [];
  if (project.status === "draft")
    problems.push({
      field: "projectId",
      message: "Publish the commissioning project first: its pipeline notice comes before the tender",
    });
  if (input.clarificationDeadline.getTime() <= now.getTime())
    problems.push({
      field: "clarificationDeadline",
      message: "The deadline for clarification questions has passed: move it later",
    });
  const earliest = new Date(now.getTime() + options.minimumPeriodDays * DAY_MS);
  if (input.submissionDeadline.getTime() < earliest.getTime())
    problems.push({
      field: "submissionDeadline",
      message: `Bidders must have at least ${options.minimumPeriodDays} days: move the deadline for bids to ${londonDateTime(earliest)} or later`,
    });
  if (problems.length > 0)
    throw new UnprocessableError("This tender cannot be published yet", problems, "tender_not_publishable");

  const sealing = newSealingKeyPair();
  const binding = `${authorityId}/${tenderId}`;
  const data = options.keys.wrap(sealing.privateKey, `${binding}/data`);
  const index = options.keys.wrap(newTenderKey(), `${binding}/index`);
  sealing.privateKey.fill(0);
  await repo.insertKeys(trx, {
    authority_id: authorityId,
    tender_id: tenderId,
    master_key_id: data.keyId,
    public_key: sealing.publicKey,
    wrapped_data_key: data.wrapped,
    wrapped_index_key: index.wrapped,
    created_at: now,
  });
  await repo.updateTender(trx, authorityId, tenderId, {
    status: "published",
    published_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "tender.published",
    entity: { type: "tender", id: tenderId },
    changes: {
      projectId: tender.project_id,
      submissionDeadline: tender.submission_deadline,
      clarificationDeadline: tender.clarification_deadline,
      masterKeyId: data.keyId,
    },
  });
  await notifyAll(tenderPublished, trx, clock, { authorityId, tenderId });
  if (options.markProjectStarted !== false)
    try {
      await markProcurementStarted(trx, clock, actor, authorityId, tender.project_id, londonToday(clock));
    } catch (error) {
      // A project tendered again (after a cancellation) started its procurement already.
      if (!(error instanceof ConflictError)) throw error;
    }
}

export async function publishTender(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  options: PublishOptions,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  await publishTenderAs(trx, clock, actorOf(p), p, authorityId, tenderId, options);
}

/** Those who see a tender's drafts and its number of bids: its editors, openers and evaluators. */
export function isTenderTeam(principal: Principal | null, authorityId: string): boolean {
  return hasRole(principal, ["commissioner", "authority-admin", "bid-opener", "evaluator"], authorityId);
}

export interface TenderView {
  tender: repo.TenderRow;
  parts: repo.TenderParts;
  state: TenderState;
  /** The number of current bids: for the tender's team only (null for everyone else). */
  bidCount: number | null;
}

/** A tender of this authority, or 404 (drafts too, to those who may not edit it). */
export async function tenderOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<TenderView> {
  const tender = isUuid(tenderId) ? await repo.findTender(db, authorityId, tenderId) : undefined;
  if (!tender || (tender.status === "draft" && !isAuthorityEditor(principal, authorityId)))
    throw new NotFoundError("tender");
  const parts = await repo.partsOf(db, authorityId, tenderId);
  const bidCount =
    tender.status !== "draft" && isTenderTeam(principal, authorityId)
      ? await repo.countCurrentBids(db, authorityId, tenderId)
      : null;
  return { tender, parts, state: stateOf(tender, clock.now()), bidCount };
}

/** The authority's tenders: published ones for everyone, drafts too for its editors. */
export function tendersOf(
  db: Db,
  principal: Principal | null,
  authorityId: string,
): Promise<repo.TenderRow[]> {
  return repo.tendersOf(db, authorityId, { drafts: isAuthorityEditor(principal, authorityId) });
}

/**
 * A date (YYYY-MM-DD) and a time as typed ("17:00", "5pm") in Europe/London as an ISO instant, or
 * "" when either is not real (or the clocks skip that time). Pages take deadlines this way; the API
 * takes instants with their offset.
 */
export function londonInstant(date: string, time: string): string {
  const t = parseTime(time);
  const instant = t ? instantInLondon(date, t.hours, t.minutes) : null;
  return instant ? instant.toISOString() : "";
}

// The tender pack's documents

export const TENDER_DOCUMENT_LIMITS = { perTender: 30, title: 200 } as const;

export interface DocumentUpload {
  title?: string;
  filename?: string;
  /** The file's bytes in base64 (the JSON API). */
  contentBase64?: string;
}

/** Base64 to bytes, or null when it is not base64. */
export function decodeBase64(text: string | undefined): Uint8Array | null {
  const clean = (text ?? "").replace(/\s+/g, "");
  if (clean === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(clean, "base64"));
}

/**
 * Adds a document to a draft tender's pack (409 once published: the pack changes by amendment),
 * audited. The file store checks its type from its content and its size.
 */
export async function addTenderDocument(
  trx: Trx,
  clock: Clock,
  files: FileStore,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  upload: DocumentUpload,
): Promise<string> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const tender = await lockedTender(trx, authorityId, tenderId);
  if (tender.status !== "draft") throw new ConflictError(NOT_DRAFT, "tender_published");
  const problems: FieldError[] = [];
  const title = (upload.title ?? "").trim();
  if (title === "" || title.length > TENDER_DOCUMENT_LIMITS.title)
    problems.push({
      field: "title",
      message: `Enter the document's title, ${TENDER_DOCUMENT_LIMITS.title} characters or fewer`,
    });
  const filename = (upload.filename ?? "").trim();
  if (filename === "")
    problems.push({ field: "filename", message: "Give the file's name, like specification.pdf" });
  const bytes = decodeBase64(upload.contentBase64);
  if (!bytes) problems.push({ field: "contentBase64", message: "Send the file's content in base64" });
  if (problems.length > 0 || !bytes) throw new ValidationError("Check the document", problems);
  const position = await repo.nextDocumentPosition(trx, authorityId, tenderId);
  if (position > TENDER_DOCUMENT_LIMITS.perTender)
    throw new UnprocessableError(
      `A tender pack holds at most ${TENDER_DOCUMENT_LIMITS.perTender} documents`,
      [{ field: "contentBase64", message: "Combine documents, or remove one first" }],
    );
  const stored = await files.put({ bytes, filename, field: "contentBase64" });
  const id = newId();
  await repo.insertTenderDocument(trx, {
    authority_id: authorityId,
    id,
    tender_id: tenderId,
    position,
    title,
    filename: stored.filename,
    media_type: stored.mediaType,
    size_bytes: stored.size,
    sha256: stored.sha256,
    file_key: stored.key,
    uploaded_at: clock.now(),
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "tender.document-added",
    entity: { type: "tender", id: tenderId },
    changes: { documentId: id, title, filename: stored.filename, sha256: stored.sha256, size: stored.size },
  });
  return id;
}

/** A document of the tender pack with its bytes: for whoever may see the tender. */
export async function tenderDocument(
  db: Db,
  clock: Clock,
  files: FileStore,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  documentId: string,
): Promise<{ document: repo.TenderParts["documents"][number]; bytes: Uint8Array }> {
  const view = await tenderOf(db, clock, principal, authorityId, tenderId);
  const document = view.parts.documents.find((d) => d.id === documentId);
  if (!document) throw new NotFoundError("document");
  return { document, bytes: await files.get(document.file_key) };
}

// Cancellation

export const CANCEL_REASON_MAX = 2000;

/**
 * Cancels a published tender with a reason that is published with it, audited. Open, closed or
 * opened tenders may be cancelled (before award); a draft is not published, so there is nothing
 * to cancel (409), and neither is a tender cancelled already. Bids and opening are refused after.
 */
export async function cancelTender(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  reason: string | undefined,
  options: NoticeOptions,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const tender = await lockedTender(trx, authorityId, tenderId);
  if (tender.status === "draft")
    throw new ConflictError(
      "This tender is a draft: it has not been published, so there is nothing to cancel.",
      "tender_draft",
    );
  if (tender.status === "cancelled")
    throw new ConflictError("This tender was cancelled already.", "tender_cancelled");
  const text = (reason ?? "").trim();
  if (text === "" || text.length > CANCEL_REASON_MAX)
    throw new ValidationError("Give the reason for cancelling", [
      {
        field: "reason",
        message: `Enter why the tender is cancelled, ${CANCEL_REASON_MAX} characters or fewer: it is published with the tender`,
      },
    ]);
  const now = clock.now();
  await repo.updateTender(trx, authorityId, tenderId, {
    status: "cancelled",
    cancelled_at: now,
    cancel_reason: text,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "tender.cancelled",
    entity: { type: "tender", id: tenderId },
    changes: { reason: text, stateBefore: stateOf(tender, now) },
  });
  const row = await repo.findTender(trx, authorityId, tenderId);
  if (row)
    await notifyInterested(
      trx,
      clock,
      tender,
      {
        kind: "tender.cancelled",
        subject: subjectOf("Tender cancelled", row.title),
        body: `${row.authority_name} has cancelled the tender "${row.title}".\n\nWhy: ${text}\n\nNo more bids are taken and no bids will be evaluated.`,
        link: pageOf(row),
      },
      { email: options.email, actor: actorOf(p) },
    );
}

// Telling those interested

/** How notices go out: by email too when a mailer is configured. */
export interface NoticeOptions {
  email: boolean;
}

/**
 * Tells everyone at the organisations registered as interested in the tender (bidding needs it), in
 * their inbox and by email. Bidders are reached this way without unsealing who bid.
 */
export async function notifyInterested(
  trx: Trx,
  clock: Clock,
  tender: { authority_id: string; id: string },
  message: { kind: string; subject: string; body: string; link: string },
  options: NoticeOptions & { actor: Actor },
): Promise<number> {
  const users = await repo.interestedUsers(trx, tender.authority_id, tender.id);
  for (const userId of users)
    await notify(
      trx,
      clock,
      { userId, authorityId: tender.authority_id, ...message },
      { email: options.email, actor: options.actor },
    );
  return users.length;
}

/** A notice's one-line subject: what happened, then the tender's title, shortened to fit. */
export function subjectOf(what: string, title: string): string {
  const line = `${what}: ${title}`.replace(/\s+/g, " ");
  return line.length <= 200 ? line : `${line.slice(0, 199)}…`;
}

function pageOf(tender: { authority_slug: string; id: string }): string {
  return `/authorities/${tender.authority_slug}/tenders/${tender.id}`;
}

// Amendments

export const AMENDMENT_REASON_MAX = 5000;

export interface AmendOptions extends NoticeOptions {
  /** How far the submission deadline must move once bids have arrived (configuration). */
  extensionDays: number;
}

/** The fields of a draft, named as in the API, whose values differ. */
function changedFields(before: TenderDraft, after: TenderDraft): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (Object.keys(before) as (keyof TenderDraft)[]).filter((k) => !same(before[k], after[k]));
}

/**
 * Amends an open tender's terms, with a reason published beside them, audited. The deadline for
 * bids is never brought forward; once any bid has arrived it must move by at least
 * `extensionDays`. Everyone registered as interested is told, bidders among them, so that they can
 * withdraw or replace a bid made on the earlier terms. Lots and criteria keep their ids where they
 * keep their position. 409 unless the tender is open; 400 for the reason; 422 for the deadline.
 */
export async function amendTender(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  changes: TenderDraft,
  reason: string | undefined,
  options: AmendOptions,
): Promise<TenderAmendment> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const current = await lockedTender(trx, authorityId, tenderId);
  const now = clock.now();
  const state = stateOf(current, now);
  if (state !== "open")
    throw new ConflictError(
      state === "draft"
        ? "This tender is a draft: change it directly, no amendment is needed."
        : state === "cancelled"
          ? "This tender was cancelled."
          : "The deadline for bids has passed, so the terms can no longer change. Cancel the tender (with the reason) and tender again.",
      "tender_not_open",
    );
  const text = (reason ?? "").trim();
  if (text === "" || text.length > AMENDMENT_REASON_MAX)
    throw new ValidationError("Give the reason for the amendment", [
      {
        field: "reason",
        message: `Enter why the terms change, ${AMENDMENT_REASON_MAX} characters or fewer: it is published with the amendment`,
      },
    ]);
  const parts = await repo.partsOf(trx, authorityId, tenderId);
  const before = draftOf(current, parts);
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  if (defined.projectId !== undefined && defined.projectId !== current.project_id)
    throw new UnprocessableError(
      "An amendment cannot move a tender to another project",
      [
        {
          field: "projectId",
          message: "A published tender stays with its project: cancel it and tender again",
        },
      ],
      "tender_project_fixed",
    );
  const input = await checkTender(trx, p, authorityId, { ...before, ...defined });
  const newParts = partsOf(input, parts);
  const after = draftOf(
    { ...current, ...toRow(input) },
    {
      ...parts,
      lots: newParts.lots.map((l) => ({ ...l, authority_id: authorityId, tender_id: tenderId })),
      conditions: newParts.conditions,
      criteria: newParts.criteria.map((c) => ({ ...c, authority_id: authorityId, tender_id: tenderId })),
    },
  );
  const changed = changedFields(before, after);
  if (changed.length === 0)
    throw new UnprocessableError(
      "This amendment changes nothing",
      [{ field: "reason", message: "Change at least one of the terms, or leave the tender as it is" }],
      "amendment_empty",
    );
  const bidsReceived = await repo.anyBidReceived(trx, authorityId, tenderId);
  const problems: FieldError[] = [];
  if (input.submissionDeadline.getTime() < current.submission_deadline.getTime())
    problems.push({
      field: "submissionDeadline",
      message: `An amendment cannot bring the deadline for bids forward: keep it at ${londonDateTime(current.submission_deadline)} or later`,
    });
  else if (bidsReceived) {
    const earliest = new Date(current.submission_deadline.getTime() + options.extensionDays * DAY_MS);
    if (input.submissionDeadline.getTime() < earliest.getTime())
      problems.push({
        field: "submissionDeadline",
        message: `Bids have arrived, so an amendment must extend the deadline for bids by at least ${options.extensionDays} days: move it to ${londonDateTime(earliest)} or later`,
      });
  }
  if (
    input.clarificationDeadline.getTime() !== current.clarification_deadline.getTime() &&
    input.clarificationDeadline.getTime() <= now.getTime()
  )
    problems.push({
      field: "clarificationDeadline",
      message: "A new deadline for clarification questions must be in the future",
    });
  if (problems.length > 0)
    throw new UnprocessableError("This amendment cannot be made", problems, "amendment_not_allowed");

  await repo.updateTender(trx, authorityId, tenderId, { ...toRow(input), updated_at: now });
  await repo.replaceParts(trx, authorityId, tenderId, newParts);
  const previous = await repo.amendmentsOf(trx, authorityId, tenderId);
  const amendment: TenderAmendment = {
    authority_id: authorityId,
    id: newId(),
    tender_id: tenderId,
    number: previous.length + 1,
    reason: text,
    changed,
    previous_submission_deadline: current.submission_deadline,
    submission_deadline: input.submissionDeadline,
    previous_clarification_deadline: current.clarification_deadline,
    clarification_deadline: input.clarificationDeadline,
    bids_received: bidsReceived,
    made_by: p.userId,
    made_at: now,
  };
  await repo.insertAmendment(trx, amendment);
  const actor = actorOf(p);
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "tender.amended",
    entity: { type: "tender", id: tenderId },
    changes: { number: amendment.number, reason: text, changed, terms: audited(input) },
  });
  const row = await repo.findTender(trx, authorityId, tenderId);
  if (row) {
    const moved =
      amendment.submission_deadline.getTime() !== amendment.previous_submission_deadline.getTime();
    await notifyInterested(
      trx,
      clock,
      current,
      {
        kind: "tender.amended",
        subject: subjectOf(`Amendment ${amendment.number} to the tender`, row.title),
        body: [
          `${row.authority_name} has changed the terms of the tender "${row.title}".`,
          `Why: ${text}`,
          `What changed: ${changed.join(", ")}.`,
          moved
            ? `The deadline for bids moves from ${londonDateTime(amendment.previous_submission_deadline)} to ${londonDateTime(amendment.submission_deadline)}.`
            : `The deadline for bids stays ${londonDateTime(amendment.submission_deadline)}.`,
          "If your organisation has bid, its bid was made on the earlier terms: check it, and replace or withdraw it before the deadline if you need to.",
        ].join("\n\n"),
        link: pageOf(row),
      },
      { email: options.email, actor },
    );
  }
  return amendment;
}

/** The tender's amendments, in order: public, as the tender is. */
export function amendmentsOf(db: Db, authorityId: string, tenderId: string): Promise<TenderAmendment[]> {
  return repo.amendmentsOf(db, authorityId, tenderId);
}

/** What other modules may use of this module's tables. */
export type { Tender } from "./tenders.table.ts";
export { PROCEDURES } from "./tenders.table.ts";

/** A tender's lots and criteria, and its current bids (sealed), for the modules after opening. */
export const tenderParts = repo.partsOf;
export const currentBids = repo.currentBids;
