/**
 * The evidence behind a public service mutual's claim (mutual.ts has the test it must meet): its
 * purpose, the share of its turnover from light touch services, its profit model, employee
 * ownership and board seats, its parent body and spin-out date. Recorded (or replaced) by the
 * organisation's administrators; the directory shows an organisation as a mutual only while its
 * evidence qualifies. Audited on the platform chain.
 */
import type { Trx } from "../../db/database.ts";
import { parsePercent, percentValue, WHOLE_BP } from "../../lib/basis-points.ts";
import type { Clock } from "../../lib/clock.ts";
import { type FieldError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireRole } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type Authority, findPublicBody, listAuthorities } from "../authorities/authorities.service.ts";
import { assessMutual, type MutualAssessment } from "./mutual.ts";
import * as repo from "./organisations.repository.ts";
import {
  changeDirectory,
  isQualifyingMutual,
  LIMITS,
  organisationOf,
  organisationProfile,
  requireWriteScope,
  tellIfMutualStatusLost,
} from "./organisations.service.ts";
import { type Organisation, PROFIT_MODELS, type ProfitModel } from "./organisations.table.ts";

export interface MutualEvidenceInput {
  publicServicePurpose: string;
  /** Share of turnover from light touch services, in basis points (0–10,000). */
  lightTouchShareBp: number;
  profitModel: string;
  employeeOwnershipBp: number;
  employeeBoardSeats: number;
  boardSeats: number;
  parentOrganisationId?: string | null;
  parentAuthorityId?: string | null;
  parentBodyName?: string | null;
  /** YYYY-MM-DD. */
  spinOutDate?: string | null;
}

function checkSeats(input: MutualEvidenceInput, problems: FieldError[]): void {
  const seats = (value: unknown, field: string, what: string, min: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > LIMITS.boardSeats) {
      problems.push({
        field,
        message: msg`Enter ${what} as a whole number from ${min} to ${LIMITS.boardSeats}`,
      });
      return false;
    }
    return true;
  };
  const seatsOk =
    seats(input.boardSeats, "boardSeats", msg`the number of board seats`, 1) &&
    seats(input.employeeBoardSeats, "employeeBoardSeats", msg`the board seats held by employees`, 0);
  if (seatsOk && input.employeeBoardSeats > input.boardSeats) {
    problems.push({
      field: "employeeBoardSeats",
      message: msg`Employees cannot hold more seats than the board has`,
    });
  }
}

function checkParent(input: MutualEvidenceInput, problems: FieldError[]): void {
  const parents = [input.parentOrganisationId, input.parentAuthorityId].filter(
    (v) => v !== undefined && v !== null && v !== "",
  );
  if (parents.length > 1) {
    problems.push({
      field: "parentAuthorityId",
      message: msg`Choose one parent body: an authority or an organisation, not both`,
    });
  }
  if (input.parentOrganisationId && !isUuid(input.parentOrganisationId)) {
    problems.push({
      field: "parentOrganisationId",
      message: msg`Choose the parent organisation from the directory`,
    });
  }
  if (input.parentAuthorityId && !isUuid(input.parentAuthorityId)) {
    problems.push({ field: "parentAuthorityId", message: msg`Choose the parent authority from the list` });
  }
  if (input.parentBodyName && input.parentBodyName.trim().length > LIMITS.parentBodyName) {
    problems.push({
      field: "parentBodyName",
      message: msg`The parent body's name must be ${LIMITS.parentBodyName} characters or fewer`,
    });
  }
}

/** Every field at fault in the evidence, with today's London date for the spin-out date. */
function checkEvidence(input: MutualEvidenceInput, clock: Clock): FieldError[] {
  const problems: FieldError[] = [];
  const bp = (value: unknown, field: string, what: string) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > WHOLE_BP) {
      problems.push({
        field,
        message: msg`Enter ${what} as a percentage from 0 to 100, to 2 decimal places at most`,
      });
    }
  };
  if (typeof input.publicServicePurpose !== "string" || input.publicServicePurpose.trim() === "") {
    problems.push({
      field: "publicServicePurpose",
      message: msg`Describe the public services it exists to deliver`,
    });
  } else if (input.publicServicePurpose.trim().length > LIMITS.purpose) {
    problems.push({
      field: "publicServicePurpose",
      message: msg`The purpose must be ${LIMITS.purpose} characters or fewer`,
    });
  }
  bp(input.lightTouchShareBp, "lightTouchShareBp", msg`the share of turnover from light touch services`);
  if (!(PROFIT_MODELS as readonly string[]).includes(input.profitModel)) {
    problems.push({
      field: "profitModel",
      message: msg`Choose whether it is not-for-profit, pays profits only to members, or neither`,
    });
  }
  bp(input.employeeOwnershipBp, "employeeOwnershipBp", msg`the share owned by employees`);
  checkSeats(input, problems);
  checkParent(input, problems);
  if (input.spinOutDate) {
    if (!isIsoDate(input.spinOutDate)) {
      problems.push({
        field: "spinOutDate",
        message: msg`Enter the spin-out date as a real date, like 1 4 2013`,
      });
    } else if (input.spinOutDate > londonToday(clock)) {
      problems.push({ field: "spinOutDate", message: msg`The spin-out date must be today or in the past` });
    }
  }
  return problems;
}

/** The parent organisation and authority must exist (and not be the organisation itself). */
async function checkParentExists(
  trx: Trx,
  organisationId: string,
  input: MutualEvidenceInput,
  problems: FieldError[],
): Promise<void> {
  if (input.parentOrganisationId && isUuid(input.parentOrganisationId)) {
    if (input.parentOrganisationId === organisationId) {
      problems.push({
        field: "parentOrganisationId",
        message: msg`An organisation cannot be its own parent body`,
      });
    } else if (!(await repo.findOrganisation(trx, input.parentOrganisationId))) {
      problems.push({
        field: "parentOrganisationId",
        message: msg`Choose a parent organisation that is in the directory`,
      });
    }
  }
  if (
    input.parentAuthorityId &&
    isUuid(input.parentAuthorityId) &&
    !(await findPublicBody(trx, input.parentAuthorityId))
  ) {
    problems.push({ field: "parentAuthorityId", message: msg`Choose a parent authority from the list` });
  }
}

/**
 * Records (or replaces) the evidence behind a mutual's claim, checked, audited as `actorIn(ctx)`.
 * Checks no one: for seeds, and for `submitMutualEvidence`, which decides who may.
 */
export async function recordMutualEvidence(
  ctx: Ctx,
  organisationId: string,
  input: MutualEvidenceInput,
): Promise<MutualAssessment> {
  return changeDirectory(ctx.db, async (trx) => {
    await organisationOf(trx, organisationId);
    const problems = checkEvidence(input, ctx.clock);
    await checkParentExists(trx, organisationId, input, problems);
    if (problems.length > 0) throw new ValidationError(msg`Check the mutual evidence`, problems);
    const evidence = {
      publicServicePurpose: input.publicServicePurpose.trim(),
      lightTouchShareBp: input.lightTouchShareBp,
      profitModel: input.profitModel as ProfitModel,
      employeeOwnershipBp: input.employeeOwnershipBp,
      employeeBoardSeats: input.employeeBoardSeats,
      boardSeats: input.boardSeats,
    };
    const parentOrganisationId = input.parentOrganisationId || null;
    const parentAuthorityId = input.parentAuthorityId || null;
    const actor = actorIn(ctx);
    const wasMutual = await isQualifyingMutual(trx, organisationId);
    const qualifies = await repo.upsertEvidence(trx, {
      organisation_id: organisationId,
      public_service_purpose: evidence.publicServicePurpose,
      light_touch_share_bp: evidence.lightTouchShareBp,
      profit_model: evidence.profitModel,
      employee_ownership_bp: evidence.employeeOwnershipBp,
      employee_board_seats: evidence.employeeBoardSeats,
      board_seats: evidence.boardSeats,
      parent_organisation_id: parentOrganisationId,
      parent_authority_id: parentAuthorityId,
      parent_body_name:
        parentOrganisationId || parentAuthorityId ? null : input.parentBodyName?.trim() || null,
      spin_out_date: input.spinOutDate || null,
      recorded_by: actor.type === "user" || actor.type === "token" ? (actor.id ?? null) : null,
      recorded_at: ctx.clock.now(),
    });
    const assessment = assessMutual(evidence);
    if (assessment.qualifies !== qualifies) {
      throw new Error("The mutual rule in mutual.ts and the database's qualifies column disagree");
    }
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor,
      action: "organisation.mutual-evidence-recorded",
      entity: { type: "organisation", id: organisationId },
      changes: {
        ...evidence,
        parentOrganisationId,
        parentAuthorityId,
        spinOutDate: input.spinOutDate || null,
        qualifies,
      },
    });
    await tellIfMutualStatusLost(within(ctx, trx), organisationId, wasMutual);
    return assessment;
  });
}

/** Records (or replaces) the evidence behind a mutual's claim: the organisation's administrators. */
export async function submitMutualEvidence(
  ctx: Ctx,
  organisationId: string,
  input: MutualEvidenceInput,
): Promise<MutualAssessment> {
  const person = requireWriteScope(ctx.principal);
  return changeDirectory(ctx.db, async (trx) => {
    await organisationOf(trx, organisationId);
    requireRole(person, "organisation-admin", organisationId, "record this organisation's mutual evidence");
    return recordMutualEvidence(within(ctx, trx, actorOf(person)), organisationId, input);
  });
}

// The form

/** The evidence form as posted: text, as the form shows it again. */
export interface MutualEvidenceForm {
  publicServicePurpose: string;
  lightTouchShare: string;
  profitModel: string;
  employeeOwnership: string;
  employeeBoardSeats: string;
  boardSeats: string;
  parentAuthorityId: string;
  parentOrganisationId: string;
  parentBodyName: string;
  spinOutDay: string;
  spinOutMonth: string;
  spinOutYear: string;
}

/** The spin-out date's parts as YYYY-MM-DD, "" when left empty, or undefined when not a date. */
function spinOutDateOf(form: MutualEvidenceForm): string | undefined {
  const [day, month, year] = [form.spinOutDay, form.spinOutMonth, form.spinOutYear].map((v) => v.trim());
  if (!day && !month && !year) return "";
  if (!/^\d{1,2}$/.test(day ?? "") || !/^\d{1,2}$/.test(month ?? "") || !/^\d{4}$/.test(year ?? ""))
    return undefined;
  return `${year}-${(month ?? "").padStart(2, "0")}-${(day ?? "").padStart(2, "0")}`;
}

/**
 * The form as evidence. The problems only text can have (a percentage in words, a date in the
 * wrong form) come first, then every other field's, so all are named at once.
 */
function evidenceOfForm(form: MutualEvidenceForm, clock: Clock): MutualEvidenceInput {
  const problems: FieldError[] = [];
  const percent = (raw: string, field: string, what: string): number => {
    const bp = parsePercent(raw);
    if (bp === undefined || bp > WHOLE_BP) {
      problems.push({ field, message: msg`Enter ${what} as a percentage from 0 to 100, like 75 or 62.5` });
      return 0;
    }
    return bp;
  };
  const seats = (raw: string, field: string, what: string): number => {
    const value = raw.trim().replace(/,/g, "");
    if (/^\d{1,9}$/.test(value)) return Number(value);
    problems.push({ field, message: msg`Enter ${what} as a whole number, like 7` });
    return 0;
  };
  const spinOutDate = spinOutDateOf(form);
  if (spinOutDate === undefined)
    problems.push({
      field: "spinOutDate",
      message: msg`Enter the spin-out date as day, month and year, like 1 4 2013`,
    });
  const input: MutualEvidenceInput = {
    publicServicePurpose: form.publicServicePurpose,
    lightTouchShareBp: percent(
      form.lightTouchShare,
      "lightTouchShareBp",
      msg`the share of turnover from light touch services`,
    ),
    profitModel: form.profitModel,
    employeeOwnershipBp: percent(
      form.employeeOwnership,
      "employeeOwnershipBp",
      msg`the share owned by employees`,
    ),
    employeeBoardSeats: seats(
      form.employeeBoardSeats,
      "employeeBoardSeats",
      msg`the board seats held by employees`,
    ),
    boardSeats: seats(form.boardSeats, "boardSeats", msg`the number of board seats`),
    parentAuthorityId: form.parentAuthorityId || null,
    parentOrganisationId: form.parentOrganisationId || null,
    parentBodyName: form.parentBodyName || null,
    spinOutDate: spinOutDate || null,
  };
  if (problems.length > 0) {
    const more = checkEvidence(input, clock).filter((p) => !problems.some((q) => q.field === p.field));
    throw new ValidationError(msg`Check the mutual evidence`, [...problems, ...more]);
  }
  return input;
}

/** Records the evidence from the form (`submitMutualEvidence`). */
export async function submitMutualEvidenceForm(
  ctx: Ctx,
  organisationId: string,
  form: MutualEvidenceForm,
): Promise<MutualAssessment> {
  const person = requireWriteScope(ctx.principal);
  await organisationOf(ctx.db, organisationId);
  requireRole(person, "organisation-admin", organisationId, "record this organisation's mutual evidence");
  return submitMutualEvidence(ctx, organisationId, evidenceOfForm(form, ctx.clock));
}

/** The form's values for the evidence as it is (empty without any). */
function formOf(evidence: Awaited<ReturnType<typeof organisationProfile>>["evidence"]): MutualEvidenceForm {
  const e = evidence;
  const [year, month, day] = (e?.spinOutDate ?? "").split("-");
  return {
    publicServicePurpose: e?.publicServicePurpose ?? "",
    lightTouchShare: e ? percentValue(e.lightTouchShareBp) : "",
    profitModel: e?.profitModel ?? "",
    employeeOwnership: e ? percentValue(e.employeeOwnershipBp) : "",
    employeeBoardSeats: e ? String(e.employeeBoardSeats) : "",
    boardSeats: e ? String(e.boardSeats) : "",
    parentAuthorityId: e?.parent?.kind === "authority" ? (e.parent.id ?? "") : "",
    parentOrganisationId: e?.parent?.kind === "organisation" ? (e.parent.id ?? "") : "",
    parentBodyName: e?.parent?.kind === "named" ? e.parent.name : "",
    spinOutDay: day ? String(Number(day)) : "",
    spinOutMonth: month ? String(Number(month)) : "",
    spinOutYear: year ?? "",
  };
}

export type MutualEvidencePage = {
  organisation: Organisation;
  /** The form's values for the evidence recorded now. */
  values: MutualEvidenceForm;
  /** The choices of parent body. */
  authorities: Authority[];
  organisations: { id: string; name: string }[];
  profitModels: readonly ProfitModel[];
};

/** What the evidence form shows: the organisation's administrators only. */
export async function mutualEvidencePage(ctx: Ctx, organisationId: string): Promise<MutualEvidencePage> {
  const person = requireWriteScope(ctx.principal);
  const profile = await organisationProfile(ctx, organisationId);
  const id = profile.organisation.id;
  requireRole(person, "organisation-admin", id, "record this organisation's mutual evidence");
  const [authorities, organisations] = await Promise.all([
    listAuthorities(ctx.db),
    repo.organisationNames(ctx.db, id),
  ]);
  return {
    organisation: profile.organisation,
    values: formOf(profile.evidence),
    authorities,
    organisations,
    profitModels: PROFIT_MODELS,
  };
}
