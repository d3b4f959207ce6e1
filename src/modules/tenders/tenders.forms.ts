/**
 * What the tenders pages' forms send, read as the services take it: the set-up form as a tender
 * draft, the bid form as a bid draft, the amendment form as changes. Percentages are typed and
 * read as basis points, deadlines as a UK date and time. Nothing is checked here: the services say
 * what is wrong.
 */
import { dateField, field, fieldList } from "../../http/forms.ts";
import { filesOf } from "../../http/uploads.ts";
import { parsePercent, percentValue } from "../../lib/basis-points.ts";
import { londonParts, parseLondonInstant } from "../../lib/london-time.ts";
import { BID_LIMITS, type BidDraft } from "./bids.service.ts";
import type { TenderDraft } from "./setup.service.ts";
import type { MemberChoice } from "./views.service.ts";

/** The rows each repeating part of the set-up form offers at least (a draft with more shows them all). */
export const ROWS = { lots: 4, conditions: 6, criteria: 6, subCriteria: 3 } as const;
/** The most rows of a repeating part a form is read for. */
const MOST_ROWS = 50;

/** The form's fields as sent (the CSRF token aside), to show again. */
export function formValues(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (k !== "_csrf") out[k] = v;
  return out;
}

/** A field as sent, or `fallback` when the form did not send it at all. */
export function sentOr(body: unknown, name: string, fallback: string): string {
  const sent = (body as Record<string, unknown> | null | undefined)?.[name];
  return sent === undefined ? fallback : field(body, name);
}

/** A whole number as typed, or NaN (the service says what is wrong). */
function whole(text: string): number | undefined {
  if (text === "") return undefined;
  return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

/** A deadline's date input and time field as an instant ("" when not a real one: the service says so). */
function deadline(body: unknown, name: string): string {
  return parseLondonInstant(dateField(body, name), field(body, `${name}-time`))?.toISOString() ?? "";
}

/** A deadline's form fields from an instant. */
export function deadlineValues(name: string, instant: Date): Record<string, string> {
  const { date, time } = londonParts(instant);
  const [year, month, day] = date.split("-");
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year ?? "",
    [`${name}-time`]: time,
  };
}

function criteriaOf(body: unknown): TenderDraft["criteria"] {
  const f = (name: string) => field(body, name);
  const criteria = [];
  for (let i = 0; i < MOST_ROWS; i++)
    if (f(`criteria.${i}.title`) || f(`criteria.${i}.weightBp`) || f(`criteria.${i}.kind`))
      criteria.push({
        kind: f(`criteria.${i}.kind`),
        title: f(`criteria.${i}.title`),
        description: f(`criteria.${i}.description`),
        weightBp: parsePercent(f(`criteria.${i}.weightBp`)),
        ...(f(`criteria.${i}.standardId`) ? { standardId: f(`criteria.${i}.standardId`) } : {}),
        subCriteria: Array.from({ length: MOST_ROWS }, (_, j) => `criteria.${i}.subCriteria.${j}`)
          .filter((p) => f(`${p}.title`) || f(`${p}.weightBp`))
          .map((p) => ({
            title: f(`${p}.title`),
            description: f(`${p}.description`),
            weightBp: parsePercent(f(`${p}.weightBp`)),
          })),
      });
  return criteria;
}

function conditionsOf(body: unknown): string[] {
  const conditions = [];
  for (let i = 0; i < MOST_ROWS; i++) {
    const condition = field(body, `conditions.${i}`);
    if (condition) conditions.push(condition);
  }
  return conditions;
}

/** The set-up form as a tender draft. */
export function tenderDraftFromForm(body: unknown): TenderDraft {
  const f = (name: string) => field(body, name);
  const lots = [];
  for (let i = 0; i < MOST_ROWS; i++)
    if (f(`lots.${i}.title`) || f(`lots.${i}.estimatedValue`))
      lots.push({
        title: f(`lots.${i}.title`),
        description: f(`lots.${i}.description`),
        estimatedValue: f(`lots.${i}.estimatedValue`),
      });
  const tupeApplies = f("tupe.applies") === "yes";
  return {
    projectId: f("projectId"),
    title: f("title"),
    description: f("description"),
    procedure: f("procedure"),
    stages: f("stages"),
    pricingMode: f("pricingMode"),
    fixedPrice: f("fixedPrice") || null,
    tariff: f("tariff"),
    scoringScaleMax: whole(f("scoringScaleMax")),
    reserved: f("reserved") === "yes",
    contractTermMonths: whole(f("contractTermMonths")) ?? Number.NaN,
    tupe: {
      applies: tupeApplies,
      staffCount: tupeApplies ? (whole(f("tupe.staffCount")) ?? Number.NaN) : null,
      annualCost: tupeApplies ? f("tupe.annualCost") : null,
      terms: f("tupe.terms"),
    },
    pensionTerms: f("pensionTerms"),
    vatTreatment: f("vatTreatment"),
    vatNote: f("vatNote"),
    clarificationDeadline: deadline(body, "clarificationDeadline"),
    submissionDeadline: deadline(body, "submissionDeadline"),
    lots,
    conditions: conditionsOf(body),
    criteria: criteriaOf(body),
  };
}

/**
 * The set-up form's values for a draft (its edit page): every field as the form shows it, with the
 * descriptions the form does not show kept in hidden fields, and the rows each part needs.
 */
export function tenderFormValues(draft: TenderDraft): Record<string, string> {
  const values: Record<string, string> = {
    projectId: draft.projectId ?? "",
    title: draft.title ?? "",
    description: draft.description ?? "",
    procedure: draft.procedure ?? "",
    stages: draft.stages ?? "",
    contractTermMonths: draft.contractTermMonths === undefined ? "" : String(draft.contractTermMonths),
    reserved: draft.reserved ? "yes" : "",
    pricingMode: draft.pricingMode ?? "",
    fixedPrice: draft.fixedPrice ?? "",
    tariff: draft.tariff ?? "",
    vatTreatment: draft.vatTreatment ?? "",
    vatNote: draft.vatNote ?? "",
    "tupe.applies": draft.tupe?.applies ? "yes" : "no",
    "tupe.staffCount": draft.tupe?.staffCount == null ? "" : String(draft.tupe.staffCount),
    "tupe.annualCost": draft.tupe?.annualCost ?? "",
    "tupe.terms": draft.tupe?.terms ?? "",
    pensionTerms: draft.pensionTerms ?? "",
    scoringScaleMax: draft.scoringScaleMax === undefined ? "" : String(draft.scoringScaleMax),
    ...(draft.clarificationDeadline
      ? deadlineValues("clarificationDeadline", new Date(draft.clarificationDeadline))
      : {}),
    ...(draft.submissionDeadline
      ? deadlineValues("submissionDeadline", new Date(draft.submissionDeadline))
      : {}),
  };
  for (const [i, lot] of (draft.lots ?? []).entries()) {
    values[`lots.${i}.title`] = lot.title ?? "";
    values[`lots.${i}.description`] = lot.description ?? "";
    values[`lots.${i}.estimatedValue`] = lot.estimatedValue ?? "";
  }
  for (const [i, condition] of (draft.conditions ?? []).entries()) values[`conditions.${i}`] = condition;
  for (const [i, c] of (draft.criteria ?? []).entries()) {
    values[`criteria.${i}.kind`] = c.kind ?? "";
    values[`criteria.${i}.title`] = c.title ?? "";
    values[`criteria.${i}.description`] = c.description ?? "";
    values[`criteria.${i}.weightBp`] = typeof c.weightBp === "number" ? percentValue(c.weightBp) : "";
    values[`criteria.${i}.standardId`] = c.standardId ?? "";
    for (const [j, sub] of (c.subCriteria ?? []).entries()) {
      const p = `criteria.${i}.subCriteria.${j}`;
      values[`${p}.title`] = sub.title ?? "";
      values[`${p}.description`] = sub.description ?? "";
      values[`${p}.weightBp`] = typeof sub.weightBp === "number" ? percentValue(sub.weightBp) : "";
    }
  }
  return values;
}

/** The rows each repeating part of the set-up form shows for these values: at least `ROWS`, and every one in use. */
export function tenderFormRows(values: Record<string, unknown>) {
  const used = (pattern: RegExp) =>
    Math.max(
      0,
      ...Object.keys(values).map((k) => {
        const m = pattern.exec(k);
        return m ? Number(m[1]) + 1 : 0;
      }),
    );
  return {
    lotRows: Math.max(ROWS.lots, used(/^lots\.(\d+)\./)),
    conditionRows: Math.max(ROWS.conditions, used(/^conditions\.(\d+)$/)),
    criterionRows: Math.max(ROWS.criteria, used(/^criteria\.(\d+)\./)),
    subCriterionRows: Math.max(ROWS.subCriteria, used(/^criteria\.\d+\.subCriteria\.(\d+)\./)),
  };
}

/** A consortium member block's fields. */
const memberField = (i: number, name: string) => `consortium.members.${i}.${name}`;
const MEMBER_FIELDS = ["organisationId", "find", "name", "role", "sector", "sizeBand", "shareBp"];

/**
 * How many consortium member blocks the bid form shows for what was sent: those it showed
 * (`memberCount`), every one in use, at least one — and one more when "Add another member" was
 * chosen. At most a consortium's limit.
 */
export function memberCountOf(body: unknown): number {
  const shown = Number(field(body, "memberCount")) || 1;
  let used = 0;
  for (let i = 0; i < BID_LIMITS.members; i++)
    if (MEMBER_FIELDS.some((name) => field(body, memberField(i, name)) !== "")) used = i + 1;
  const count = Math.max(1, Math.min(shown, BID_LIMITS.members), used);
  return Math.min(field(body, "add") === "member" ? count + 1 : count, BID_LIMITS.members);
}

/** Whether the bid form was sent to show it again rather than to submit ("Add another member", "Find"). */
export function bidFormAgain(body: unknown): boolean {
  return field(body, "add") !== "" || field(body, "find") !== "";
}

/** Each member block's search of the directory and choice from it, as sent. */
export function memberChoicesOf(body: unknown): MemberChoice[] {
  return Array.from({ length: memberCountOf(body) }, (_, i) => ({
    find: field(body, memberField(i, "find")),
    organisationId: field(body, memberField(i, "organisationId")),
  }));
}

/** The bid form (with its uploaded documents) as a bid draft answering these criteria. */
export function bidDraftFromForm(body: unknown, criterionIds: readonly string[]): BidDraft {
  const f = (name: string) => field(body, name);
  const members = [];
  for (let i = 0; i < BID_LIMITS.members; i++) {
    const m = (name: string) => f(memberField(i, name));
    if (m("organisationId") || m("name") || m("shareBp") || m("role"))
      members.push({
        organisationId: m("organisationId") || null,
        name: m("name"),
        role: m("role"),
        sector: m("sector"),
        sizeBand: m("sizeBand"),
        shareBp: parsePercent(m("shareBp")),
      });
  }
  return {
    organisationId: f("organisationId"),
    lotIds: fieldList(body, "lotIds"),
    answers: criterionIds.map((criterionId) => ({ criterionId, text: f(`answers.${criterionId}`) })),
    price: f("price") || null,
    documents: filesOf(body, "documents").map((file) => ({
      filename: file.filename,
      content: file,
    })),
    consortium:
      f("consortium") === "yes" ? { leadShareBp: parsePercent(f("consortium.leadShareBp")), members } : null,
  };
}

/** The terms an amendment page changes: the rest (criteria, lots, pricing) through the API. */
export function amendmentFromForm(body: unknown): TenderDraft {
  return {
    title: field(body, "title"),
    description: field(body, "description"),
    conditions: conditionsOf(body),
    clarificationDeadline: deadline(body, "clarificationDeadline"),
    submissionDeadline: deadline(body, "submissionDeadline"),
  };
}
