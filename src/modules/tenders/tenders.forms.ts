/**
 * What the tenders pages' forms send, read as the services take it: the set-up form as a tender
 * draft, the bid form as a bid draft, the amendment form as changes. Percentages are typed and
 * read as basis points, deadlines as a UK date and time. Nothing is checked here: the services say
 * what is wrong.
 */
import { dateField, field, fieldList } from "../../http/forms.ts";
import { filesOf } from "../../http/uploads.ts";
import { parsePercent } from "../../lib/basis-points.ts";
import { londonParts, parseLondonInstant } from "../../lib/london-time.ts";
import type { BidDraft } from "./bids.service.ts";
import type { TenderDraft } from "./setup.service.ts";

/** The rows each repeating part of the forms offers. */
export const ROWS = { lots: 4, conditions: 6, criteria: 6, subCriteria: 3, members: 4 } as const;

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
  for (let i = 0; i < ROWS.criteria; i++)
    if (f(`criteria.${i}.title`) || f(`criteria.${i}.weightBp`) || f(`criteria.${i}.kind`))
      criteria.push({
        kind: f(`criteria.${i}.kind`),
        title: f(`criteria.${i}.title`),
        weightBp: parsePercent(f(`criteria.${i}.weightBp`)),
        subCriteria: Array.from({ length: ROWS.subCriteria }, (_, j) => `criteria.${i}.subCriteria.${j}`)
          .filter((p) => f(`${p}.title`) || f(`${p}.weightBp`))
          .map((p) => ({ title: f(`${p}.title`), weightBp: parsePercent(f(`${p}.weightBp`)) })),
      });
  return criteria;
}

function conditionsOf(body: unknown): string[] {
  const conditions = [];
  for (let i = 0; i < ROWS.conditions; i++) {
    const condition = field(body, `conditions.${i}`);
    if (condition) conditions.push(condition);
  }
  return conditions;
}

/** The set-up form as a tender draft. */
export function tenderDraftFromForm(body: unknown): TenderDraft {
  const f = (name: string) => field(body, name);
  const lots = [];
  for (let i = 0; i < ROWS.lots; i++)
    if (f(`lots.${i}.title`) || f(`lots.${i}.estimatedValue`))
      lots.push({ title: f(`lots.${i}.title`), estimatedValue: f(`lots.${i}.estimatedValue`) });
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

/** The bid form (with its uploaded documents) as a bid draft answering these criteria. */
export function bidDraftFromForm(body: unknown, criterionIds: readonly string[]): BidDraft {
  const f = (name: string) => field(body, name);
  const members = [];
  for (let i = 0; i < ROWS.members; i++) {
    const p = `consortium.members.${i}.`;
    if (f(`${p}name`) || f(`${p}shareBp`) || f(`${p}role`))
      members.push({
        name: f(`${p}name`),
        role: f(`${p}role`),
        sector: f(`${p}sector`),
        sizeBand: f(`${p}sizeBand`),
        shareBp: parsePercent(f(`${p}shareBp`)),
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
