/**
 * Setting a tender up (issue 5, item 1): a commissioning project's tender — procedure, lots,
 * conditions of participation, award criteria weighted in basis points, pricing mode, s.33
 * reservation, TUPE and pension information, VAT treatment and deadlines — drafted by the lead
 * authority's commissioners and administrators, with its pack of documents. Checked whole on every
 * change; audited on the authority's chain. Published by publication.service.ts.
 */
import { transaction } from "../../db/transaction.ts";
import { decodeBase64 } from "../../lib/base64.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import type { FileContent, FileStore } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { collect } from "../../lib/ports.ts";
import { actorOf, requireAuthorityEditor } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { projectOf, projectsOf } from "../projects/projects.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { type ScorableStandard, scorableStandards, tenderSetupPanels } from "./tenders.ports.ts";
import * as repo from "./tenders.repository.ts";
import { lockedForEditor, NOT_DRAFT, type TenderView, tenderOf } from "./tenders.service.ts";
import {
  CRITERION_KINDS,
  type CriterionKind,
  PRICING_MODES,
  PROCEDURES,
  type PricingMode,
  type Procedure,
  type Tender,
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

// What a form or the API sends, before it is checked.

export interface CriterionDraft {
  kind?: string;
  title?: string;
  description?: string;
  weightBp?: number;
  /** The standard an `accreditation` criterion scores. */
  standardId?: string | null;
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
  /** The standard an `accreditation` criterion scores; null for every other kind. */
  standardId: string | null;
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
  // A deadline in this century: 9999-12-31 is a typing slip or a probe (security finding 14).
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 2099)
    return null;
  return date;
}

/** Collects the fields at fault while a draft is read. */
class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
  /** Trimmed text: required (with this message) or not, at most `max` characters. */
  text(name: string, value: string | undefined, max: number, required: string | null): string {
    const v = (value ?? "").trim();
    if (v === "" && required) this.add(name, required);
    else if (v.length > max) this.add(name, msg`Enter ${max} characters or fewer`);
    return v;
  }
  money(name: string, value: string | null | undefined, label: string): Pence | null {
    const parsed = parseMoney(value ?? "");
    if (parsed.ok) return parsed.value;
    this.add(name, msg`${label}: ${parsed.error}`);
    return null;
  }
}

type Terms = Omit<TenderInput, "projectId" | "lots" | "conditions" | "criteria">;

/** The tender's own terms: what is bought, how it is priced, TUPE, VAT and the deadlines. */
function checkTerms(draft: TenderDraft, problems: Problems): Terms {
  const title = problems.text("title", draft.title, TENDER_LIMITS.title, msg`Enter the tender's title`);
  const description = problems.text(
    "description",
    draft.description,
    TENDER_LIMITS.description,
    msg`Describe what is being bought`,
  );
  if (!oneOf(PROCEDURES, draft.procedure))
    problems.add("procedure", msg`Choose the procedure: open, or competitive flexible`);
  const stages = problems.text(
    "stages",
    draft.stages,
    TENDER_LIMITS.stages,
    draft.procedure === "competitive-flexible"
      ? msg`Describe the stages of the competitive flexible procedure`
      : null,
  );
  if (!oneOf(PRICING_MODES, draft.pricingMode))
    problems.add(
      "pricingMode",
      msg`Choose how price is set: competitive, a fixed price or a published tariff`,
    );
  const fixedPrice =
    draft.pricingMode === "fixed-price" || draft.fixedPrice
      ? problems.money("fixedPrice", draft.fixedPrice, msg`Fixed price`)
      : null;
  const tariff = problems.text(
    "tariff",
    draft.tariff,
    TENDER_LIMITS.tariff,
    draft.pricingMode === "tariff" ? msg`Enter the published tariff bidders will be paid` : null,
  );
  const scoringScaleMax = draft.scoringScaleMax ?? DEFAULT_SCORING_SCALE_MAX;
  if (!wholeNumber(scoringScaleMax, 1, 100))
    problems.add("scoringScaleMax", msg`Enter the top of the scoring scale, a whole number from 1 to 100`);
  if (!wholeNumber(draft.contractTermMonths, 1, 600))
    problems.add(
      "contractTermMonths",
      msg`Enter the contract's maximum term in months, a whole number from 1 to 600`,
    );
  const tupe = checkTupe(draft, problems);
  const pensionTerms = problems.text(
    "pensionTerms",
    draft.pensionTerms,
    TENDER_LIMITS.terms,
    tupe.applies ? msg`Describe the pension terms (New Fair Deal) for transferring staff` : null,
  );
  if (!oneOf(VAT_TREATMENTS, draft.vatTreatment))
    problems.add(
      "vatTreatment",
      msg`Choose how VAT is treated: prices excluding VAT, including VAT, or the service is exempt`,
    );
  const vatNote = problems.text("vatNote", draft.vatNote, TENDER_LIMITS.vatNote, null);
  return {
    title,
    description,
    procedure: draft.procedure as Procedure,
    stages,
    pricingMode: draft.pricingMode as PricingMode,
    fixedPrice,
    tariff,
    scoringScaleMax,
    reserved: draft.reserved ?? false,
    contractTermMonths: draft.contractTermMonths as number,
    tupe,
    pensionTerms,
    vatTreatment: draft.vatTreatment as VatTreatment,
    vatNote,
    ...checkDeadlines(draft, problems),
  };
}

function checkTupe(draft: TenderDraft, problems: Problems): TenderInput["tupe"] {
  const applies = draft.tupe?.applies ?? false;
  if (!applies)
    return {
      applies,
      staffCount: null,
      annualCost: null,
      terms: problems.text("tupe.terms", draft.tupe?.terms, TENDER_LIMITS.terms, null),
    };
  const staffCount = draft.tupe?.staffCount ?? null;
  if (!wholeNumber(staffCount, 0, 1_000_000))
    problems.add("tupe.staffCount", msg`Enter how many staff would transfer, a whole number`);
  const annualCost = problems.money(
    "tupe.annualCost",
    draft.tupe?.annualCost,
    msg`Annual cost of the transferring staff`,
  );
  const terms = problems.text(
    "tupe.terms",
    draft.tupe?.terms,
    TENDER_LIMITS.terms,
    msg`Describe the transferring staff's terms and conditions`,
  );
  return { applies, staffCount, annualCost, terms };
}

function checkDeadlines(draft: TenderDraft, problems: Problems) {
  const clarificationDeadline = parseInstant(draft.clarificationDeadline);
  if (!clarificationDeadline)
    problems.add(
      "clarificationDeadline",
      msg`Enter the deadline for clarification questions as a date and time, like 2027-01-08T12:00:00Z`,
    );
  const submissionDeadline = parseInstant(draft.submissionDeadline);
  if (!submissionDeadline)
    problems.add(
      "submissionDeadline",
      msg`Enter the deadline for bids as a date and time, like 2027-01-15T12:00:00Z`,
    );
  return {
    clarificationDeadline: clarificationDeadline as Date,
    submissionDeadline: submissionDeadline as Date,
  };
}

function checkLotsAndConditions(
  draft: TenderDraft,
  problems: Problems,
): Pick<TenderInput, "lots" | "conditions"> {
  const lotsDraft = draft.lots ?? [];
  if (lotsDraft.length > TENDER_LIMITS.lots)
    problems.add("lots", msg`A tender has at most ${TENDER_LIMITS.lots} lots`);
  const lots = lotsDraft.slice(0, TENDER_LIMITS.lots).map((lot, i) => ({
    title: problems.text(
      `lots.${i}.title`,
      lot.title,
      TENDER_LIMITS.lotTitle,
      msg`Enter lot ${i + 1}'s title`,
    ),
    description: problems.text(`lots.${i}.description`, lot.description, TENDER_LIMITS.lotDescription, null),
    estimatedValue: problems.money(
      `lots.${i}.estimatedValue`,
      lot.estimatedValue,
      msg`Lot ${i + 1}'s estimated value`,
    ) as Pence,
  }));
  const conditionsDraft = draft.conditions ?? [];
  if (conditionsDraft.length > TENDER_LIMITS.conditions)
    problems.add(
      "conditions",
      msg`A tender has at most ${TENDER_LIMITS.conditions} conditions of participation`,
    );
  const conditions = conditionsDraft
    .slice(0, TENDER_LIMITS.conditions)
    .map((c, i) =>
      problems.text(
        `conditions.${i}`,
        c,
        TENDER_LIMITS.condition,
        msg`Enter condition ${i + 1} or remove it`,
      ),
    );
  return { lots, conditions };
}

function checkCriteria(draft: TenderDraft, problems: Problems): CriterionInput[] {
  const criteriaDraft = draft.criteria ?? [];
  if (criteriaDraft.length === 0)
    problems.add("criteria", msg`Add the award criteria bids will be scored against`);
  if (criteriaDraft.length > TENDER_LIMITS.criteria)
    problems.add("criteria", msg`A tender has at most ${TENDER_LIMITS.criteria} award criteria`);
  return criteriaDraft.slice(0, TENDER_LIMITS.criteria).map((c, i) => {
    const at = `criteria.${i}`;
    if (!oneOf(CRITERION_KINDS, c.kind))
      problems.add(
        `${at}.kind`,
        msg`Choose criterion ${i + 1}'s kind: quality, price, social value or accreditation`,
      );
    if (!wholeNumber(c.weightBp, 0, WEIGHT_TOTAL_BP))
      problems.add(
        `${at}.weightBp`,
        msg`Enter criterion ${i + 1}'s weight, from 0% to 100% (a whole number of basis points, 0 to 10,000)`,
      );
    const subs = c.subCriteria ?? [];
    if (subs.length > TENDER_LIMITS.subCriteria)
      problems.add(
        `${at}.subCriteria`,
        msg`A criterion has at most ${TENDER_LIMITS.subCriteria} sub-criteria`,
      );
    const standardId = c.kind === "accreditation" ? (c.standardId ?? "") : null;
    if (standardId !== null && !isUuid(standardId))
      problems.add(
        `${at}.standardId`,
        msg`Choose the standard criterion ${i + 1} scores an accreditation against`,
      );
    return {
      kind: c.kind as CriterionKind,
      standardId,
      title: problems.text(
        `${at}.title`,
        c.title,
        TENDER_LIMITS.criterionTitle,
        msg`Enter criterion ${i + 1}'s title`,
      ),
      description: problems.text(
        `${at}.description`,
        c.description,
        TENDER_LIMITS.criterionDescription,
        null,
      ),
      weightBp: c.weightBp as number,
      subCriteria: subs.slice(0, TENDER_LIMITS.subCriteria).map((s, j) => {
        const sub = `${at}.subCriteria.${j}`;
        if (!wholeNumber(s.weightBp, 0, WEIGHT_TOTAL_BP))
          problems.add(
            `${sub}.weightBp`,
            msg`Enter sub-criterion ${i + 1}.${j + 1}'s weight, from 0% to 100% (a whole number of basis points, 0 to 10,000)`,
          );
        return {
          title: problems.text(
            `${sub}.title`,
            s.title,
            TENDER_LIMITS.criterionTitle,
            msg`Enter sub-criterion ${i + 1}.${j + 1}'s title`,
          ),
          description: problems.text(
            `${sub}.description`,
            s.description,
            TENDER_LIMITS.criterionDescription,
            null,
          ),
          weightBp: s.weightBp as number,
        };
      }),
    };
  });
}

/** The standards an accreditation criterion may score (standards' `scorableStandards`). */
export async function standardsToScore(db: Ctx["db"]): Promise<ScorableStandard[]> {
  return (await collect(scorableStandards, db)).flat();
}

/** Each accreditation criterion names a standard that exists (a field at fault otherwise). */
async function checkStandards(ctx: Ctx, criteria: CriterionInput[], problems: Problems): Promise<void> {
  if (!criteria.some((c) => c.standardId !== null && isUuid(c.standardId))) return;
  const known = new Set((await standardsToScore(ctx.db)).map((s) => s.id));
  criteria.forEach((c, i) => {
    if (c.standardId !== null && isUuid(c.standardId) && !known.has(c.standardId))
      problems.add(
        `criteria.${i}.standardId`,
        msg`Choose the standard criterion ${i + 1} scores an accreditation against`,
      );
  });
}

/** The project the tender is for, as the person asking sees it (a field at fault otherwise). */
async function projectFor(ctx: Ctx, authorityId: string, projectId: string, problems: Problems) {
  if (!isUuid(projectId)) {
    problems.add("projectId", msg`Choose the commissioning project this tender is for`);
    return undefined;
  }
  try {
    return await projectOf(ctx, authorityId, projectId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    problems.add("projectId", msg`Choose one of this authority's commissioning projects`);
    return undefined;
  }
}

/**
 * Checks each field (400 naming every field at fault), then the combination (422): weights not
 * adding up to 100%, a price weight with fixed pricing or none with competitive pricing, a
 * reservation the s.33 rules do not allow, deadlines out of order. Checks no one.
 */
export async function checkTender(ctx: Ctx, authorityId: string, draft: TenderDraft): Promise<TenderInput> {
  const problems = new Problems();
  const projectId = draft.projectId ?? "";
  const project = await projectFor(ctx, authorityId, projectId, problems);
  const terms = checkTerms(draft, problems);
  const { lots, conditions } = checkLotsAndConditions(draft, problems);
  const criteria = checkCriteria(draft, problems);
  await checkStandards(ctx, criteria, problems);
  if (problems.list.length > 0) throw new ValidationError(msg`Check the tender's details`, problems.list);
  const input: TenderInput = { projectId, ...terms, lots, conditions, criteria };
  const category = project
    ? (await listServiceCategories(ctx.db)).find((c) => c.code === project.category_code)
    : undefined;
  const invalid = combinationProblems(input, { reservable: category?.reservable ?? false });
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`These details do not fit together`,
      invalid,
      "tender_invalid_combination",
    );
  return input;
}

function weightProblems(input: TenderInput): FieldError[] {
  const problems: FieldError[] = [];
  const total = input.criteria.reduce((sum, c) => sum + c.weightBp, 0);
  if (total !== WEIGHT_TOTAL_BP)
    problems.push({
      field: "criteria",
      message: msg`The award criteria's weights add up to ${formatPercent(total)} (${total.toLocaleString("en-GB")} basis points); make them add up to 100% (10,000 basis points)`,
    });
  input.criteria.forEach((c, i) => {
    if (c.subCriteria.length === 0) return;
    if (c.kind === "price")
      problems.push({
        field: `criteria.${i}.subCriteria`,
        message: msg`The price criterion has no sub-criteria: remove them`,
      });
    if (c.kind === "accreditation")
      problems.push({
        field: `criteria.${i}.subCriteria`,
        message: msg`An accreditation criterion has no sub-criteria: remove them`,
      });
    const sum = c.subCriteria.reduce((s, sub) => s + sub.weightBp, 0);
    if (sum !== c.weightBp)
      problems.push({
        field: `criteria.${i}.subCriteria`,
        message: msg`The sub-criteria of “${c.title}” add up to ${formatPercent(sum)}; make them add up to its weight, ${formatPercent(c.weightBp)}`,
      });
  });
  return problems;
}

function pricingProblems(input: TenderInput): FieldError[] {
  const problems: FieldError[] = [];
  const price = input.criteria.filter((c) => c.kind === "price");
  if (price.length > 1)
    problems.push({ field: "criteria", message: msg`Give price one criterion, not several` });
  const priceWeight = price.reduce((s, c) => s + c.weightBp, 0);
  if (input.pricingMode === "competitive" && priceWeight === 0)
    problems.push({
      field: "criteria",
      message: msg`With competitive pricing, add a price criterion with a weight above 0; or publish a fixed price or tariff`,
    });
  if (input.pricingMode !== "competitive" && priceWeight > 0)
    problems.push({
      field: "criteria",
      message:
        input.pricingMode === "fixed-price"
          ? msg`With a fixed price bids compete on quality alone: give price a weight of 0`
          : msg`With a published tariff bids compete on quality alone: give price a weight of 0`,
    });
  if (input.pricingMode !== "fixed-price" && input.fixedPrice !== null)
    problems.push({
      field: "fixedPrice",
      message: msg`Only a fixed-price tender has a fixed price: remove it, or choose fixed price`,
    });
  return problems;
}

/** Well-formed details that do not fit together (422). */
export function combinationProblems(input: TenderInput, project: { reservable: boolean }): FieldError[] {
  const problems = [...weightProblems(input), ...pricingProblems(input)];
  if (input.reserved && !project.reservable)
    problems.push({
      field: "reserved",
      message: msg`Only light touch services marked reservable may be reserved to public service mutuals (Procurement Act 2023, s.33); this project's category is not`,
    });
  if (input.reserved && input.contractTermMonths > RESERVED_MAX_TERM_MONTHS)
    problems.push({
      field: "contractTermMonths",
      message: msg`A contract reserved to public service mutuals runs for at most 5 years (${RESERVED_MAX_TERM_MONTHS} months) (s.33): shorten the term or do not reserve it`,
    });
  if (input.clarificationDeadline.getTime() >= input.submissionDeadline.getTime())
    problems.push({
      field: "clarificationDeadline",
      message: msg`The deadline for clarification questions must come before the deadline for bids`,
    });
  return problems;
}

export function toRow(input: TenderInput) {
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

type CriterionRow = Parameters<typeof repo.replaceParts>[3]["criteria"][number];

/**
 * The rows of the tender's lots and criteria. An amendment passes the tender's `previous` parts, so
 * that a lot or criterion keeps its id at the same position (bids already made refer to them).
 */
export function partRows(input: TenderInput, previous?: repo.TenderParts) {
  const topBefore = previous?.criteria.filter((c) => c.parent_id === null) ?? [];
  const subBefore = (parentId: string | undefined, position: number) =>
    previous?.criteria.find((c) => c.parent_id === parentId && c.position === position)?.id;
  const criteria: CriterionRow[] = [];
  input.criteria.forEach((c, i) => {
    const before = topBefore.find((b) => b.position === i + 1)?.id;
    const id = before ?? newId();
    const { kind, title, description, weightBp, standardId } = c;
    criteria.push({
      id,
      parent_id: null,
      position: i + 1,
      kind,
      title,
      description,
      weight_bp: weightBp,
      standard_id: standardId,
    });
    for (const [j, s] of c.subCriteria.entries())
      criteria.push({
        id: (before && subBefore(before, j + 1)) || newId(),
        parent_id: id,
        position: j + 1,
        kind,
        title: s.title,
        description: s.description,
        weight_bp: s.weightBp,
        standard_id: null,
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

/** A tender's terms as the audit trail records them. */
export function audited(input: TenderInput): Record<string, unknown> {
  return { ...toRow(input), lots: input.lots, conditions: input.conditions, criteria: input.criteria };
}

/** Records a checked draft tender, audited, acting as `actorIn(ctx)`. Checks no one (seeds use it). */
export async function recordTender(
  ctx: Ctx,
  authorityId: string,
  input: TenderInput,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
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
    await repo.replaceParts(trx, authorityId, id, partRows(input));
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "tender.drafted",
      entity: { type: "tender", id },
      changes: audited(input),
    });
    return id;
  });
}

/** Drafts a tender for one of the authority's projects: its commissioners and administrators. */
export async function createTender(ctx: Ctx, authorityId: string, draft: TenderDraft): Promise<TenderView> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const input = await checkTender(within(ctx, trx), authorityId, draft);
    const id = await recordTender(within(ctx, trx, actorOf(p)), authorityId, input);
    return tenderOf(within(ctx, trx), authorityId, id);
  });
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
      standardId: c.standard_id,
      subCriteria: parts.criteria
        .filter((s) => s.parent_id === c.id)
        .map((s) => ({ title: s.title, description: s.description, weightBp: s.weight_bp })),
    })),
  };
}

/** The draft's `changes` over its current details (undefined: unchanged). */
export function merged(base: TenderDraft, changes: TenderDraft): TenderDraft {
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}

/**
 * Changes a draft tender: `changes` over its details, checked whole, audited. 404 for a tender the
 * caller may not see (another authority's draft), 403 for anyone but its editors, then 409 once
 * published.
 */
export async function updateTender(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  changes: TenderDraft,
): Promise<TenderView> {
  return transaction(ctx.db, async (trx) => {
    const { p, tender: current } = await lockedForEditor(within(ctx, trx), authorityId, tenderId);
    if (current.status !== "draft") throw new ConflictError(NOT_DRAFT, "tender_published");
    const base = draftOf(current, await repo.partsOf(trx, authorityId, tenderId));
    const input = await checkTender(within(ctx, trx), authorityId, merged(base, changes));
    await repo.updateTender(trx, authorityId, tenderId, { ...toRow(input), updated_at: ctx.clock.now() });
    await repo.replaceParts(trx, authorityId, tenderId, partRows(input));
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.updated",
      entity: { type: "tender", id: tenderId },
      changes: audited(input),
    });
    return tenderOf(within(ctx, trx), authorityId, tenderId);
  });
}

/** What the set-up form offers: the authority's commissioning projects (its editors only). */
export async function tenderFormChoices(ctx: Ctx, authorityId: string) {
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return {
    projects: await projectsOf(ctx, authorityId),
    // The standards an accreditation criterion may score (standards).
    standards: await standardsToScore(ctx.db),
    // Sections from the modules above (barriers: the authority's open barriers it can fix).
    panels: await collect(tenderSetupPanels, ctx, { authorityId }),
  };
}

// The tender pack's documents

export const TENDER_DOCUMENT_LIMITS = { perTender: 30, title: 200 } as const;

export interface DocumentUpload {
  title?: string;
  filename?: string;
  /** The file's bytes in base64 (the JSON API). */
  contentBase64?: string;
  /** The file as a page received it. */
  content?: FileContent;
}

function checkUpload(upload: DocumentUpload) {
  const problems = new Problems();
  const title = (upload.title ?? "").trim();
  if (title === "" || title.length > TENDER_DOCUMENT_LIMITS.title)
    problems.add(
      "title",
      msg`Enter the document's title, ${TENDER_DOCUMENT_LIMITS.title} characters or fewer`,
    );
  const filename = (upload.filename ?? "").trim();
  if (filename === "") problems.add("filename", msg`Give the file's name, like specification.pdf`);
  const content = upload.content ?? decodeBase64(upload.contentBase64);
  if (!content) problems.add("contentBase64", msg`Send the file's content in base64`);
  if (problems.list.length > 0 || !content) throw new ValidationError(msg`Check the document`, problems.list);
  return { title, filename, content };
}

/**
 * Adds a document to a draft tender's pack, audited: 404, then 403 for anyone but its editors, then
 * 409 once published (the pack then changes by amendment). The file store checks its type from its
 * content and its size.
 */
export async function addTenderDocument(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  upload: DocumentUpload,
  files: FileStore,
): Promise<TenderView> {
  return transaction(ctx.db, async (trx) => {
    const { p, tender } = await lockedForEditor(within(ctx, trx), authorityId, tenderId);
    if (tender.status !== "draft") throw new ConflictError(NOT_DRAFT, "tender_published");
    const { title, filename, content } = checkUpload(upload);
    const position = await repo.nextDocumentPosition(trx, authorityId, tenderId);
    if (position > TENDER_DOCUMENT_LIMITS.perTender)
      throw new UnprocessableError(
        msg`A tender pack holds at most ${TENDER_DOCUMENT_LIMITS.perTender} documents`,
        [{ field: "contentBase64", message: msg`Combine documents, or remove one first` }],
      );
    const stored = await files.put({ content, filename, field: "contentBase64" });
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
      uploaded_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.document-added",
      entity: { type: "tender", id: tenderId },
      changes: { documentId: id, title, filename: stored.filename, sha256: stored.sha256, size: stored.size },
    });
    return tenderOf(within(ctx, trx), authorityId, tenderId);
  });
}

/** A document of the tender pack with its bytes: for whoever may see the tender. */
export async function tenderDocument(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  documentId: string,
  files: FileStore,
): Promise<{ document: repo.TenderParts["documents"][number]; bytes: Uint8Array }> {
  const view = await tenderOf(ctx, authorityId, tenderId);
  const document = view.parts.documents.find((d) => d.id === documentId);
  if (!document) throw new NotFoundError("document");
  return { document, bytes: await files.get(document.file_key) };
}
