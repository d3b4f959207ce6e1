/**
 * Regulators and their regimes (issue 7, item 1): each regulator says which service types and
 * regulated activities it covers and sets its periods (re-inspection after Inadequate, the
 * factual-accuracy period, representations after a notice of proposal to cancel). Its staff change
 * it; everyone reads it, with the regulator's register.
 */
import { transaction } from "../../db/transaction.ts";
import { type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { existingCategoryCodes } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./regulation.repository.ts";
import {
  canManage,
  codeNames,
  type Names,
  namesOf,
  REGIME_DEFAULTS,
  regulatorOf,
  requireRegulatorStaff,
  wholeNumber,
} from "./regulation.service.ts";
import type { RegistrationStatus } from "./regulation.table.ts";

export interface Regime {
  regulatorId: string;
  reinspectionMonths: number;
  factualAccuracyWorkingDays: number;
  representationDays: number;
  serviceTypes: string[];
  activities: string[];
  /** False until the regulator has set its regime: it cannot register anything before. */
  set: boolean;
}

/** A regulator's regime (its defaults until it has set one). Public. */
export async function regimeOf(ctx: Ctx, regulatorId: string): Promise<Regime> {
  const [row, codes] = await Promise.all([
    repo.findRegime(ctx.db, regulatorId),
    repo.regimeCodes(ctx.db, regulatorId),
  ]);
  return {
    regulatorId,
    reinspectionMonths: row?.reinspection_months ?? REGIME_DEFAULTS.reinspectionMonths,
    factualAccuracyWorkingDays:
      row?.factual_accuracy_working_days ?? REGIME_DEFAULTS.factualAccuracyWorkingDays,
    representationDays: row?.representation_days ?? REGIME_DEFAULTS.representationDays,
    serviceTypes: codes.serviceTypes,
    activities: codes.activities,
    set: row !== undefined,
  };
}

export interface RegimeDraft {
  serviceTypes?: readonly string[];
  activities?: readonly string[];
  reinspectionMonths?: string | number;
  factualAccuracyWorkingDays?: string | number;
  representationDays?: string | number;
}

const PERIODS = [
  [
    "reinspectionMonths",
    1,
    36,
    msg`Enter the months until a re-inspection is due after an Inadequate rating, from 1 to 36`,
  ],
  [
    "factualAccuracyWorkingDays",
    1,
    60,
    msg`Enter the working days a provider has to challenge a draft report, from 1 to 60`,
  ],
  [
    "representationDays",
    1,
    365,
    msg`Enter the days for representations after a notice of proposal to cancel, from 1 to 365`,
  ],
] as const;

/** Checks a regime: each field (400); codes still used by live registrations cannot be dropped (422). */
export async function checkRegime(
  ctx: Ctx,
  regulatorId: string,
  draft: RegimeDraft,
): Promise<Omit<Regime, "set">> {
  const problems: FieldError[] = [];
  const serviceTypes = [...new Set(draft.serviceTypes ?? [])].sort();
  const activities = [...new Set(draft.activities ?? [])].sort();
  if (serviceTypes.length === 0)
    problems.push({
      field: "serviceTypes",
      message: msg`Choose at least one service type the regulator covers`,
    });
  else if ((await existingCategoryCodes(ctx.db, serviceTypes)).size !== serviceTypes.length)
    problems.push({ field: "serviceTypes", message: msg`Choose service types from the list` });
  const known = new Set((await repo.regulatedActivities(ctx.db)).map((a) => a.code));
  if (activities.length === 0)
    problems.push({
      field: "activities",
      message: msg`Choose at least one regulated activity the regulator covers`,
    });
  else if (activities.some((a) => !known.has(a)))
    problems.push({ field: "activities", message: msg`Choose regulated activities from the list` });
  const values: Record<string, number> = {};
  for (const [field, min, max, message] of PERIODS) {
    const n = wholeNumber(draft[field]);
    if (n === null || n < min || n > max) problems.push({ field, message });
    else values[field] = n;
  }
  if (problems.length > 0) throw new ValidationError(msg`Check the regime`, problems);
  const inUse = await repo.codesInUse(ctx.db, regulatorId);
  const dropped: FieldError[] = [];
  const missingTypes = inUse.serviceTypes.filter((c) => !serviceTypes.includes(c));
  const missingActivities = inUse.activities.filter((c) => !activities.includes(c));
  if (missingTypes.length > 0)
    dropped.push({
      field: "serviceTypes",
      message: msg`Keep the service types locations on the register still provide: ${await codeNames(ctx, "serviceTypes", missingTypes)}`,
    });
  if (missingActivities.length > 0)
    dropped.push({
      field: "activities",
      message: msg`Keep the regulated activities locations on the register still carry on: ${await codeNames(ctx, "activities", missingActivities)}`,
    });
  if (dropped.length > 0)
    throw new UnprocessableError(msg`The register still needs these`, dropped, "regime_in_use");
  return {
    regulatorId,
    serviceTypes,
    activities,
    reinspectionMonths: values.reinspectionMonths ?? REGIME_DEFAULTS.reinspectionMonths,
    factualAccuracyWorkingDays:
      values.factualAccuracyWorkingDays ?? REGIME_DEFAULTS.factualAccuracyWorkingDays,
    representationDays: values.representationDays ?? REGIME_DEFAULTS.representationDays,
  };
}

/** Saves a checked regime, audited. Checks no one: the caller has (seeds use it). */
export async function recordRegime(ctx: Ctx, regime: Omit<Regime, "set">): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    await repo.saveRegime(
      trx,
      {
        regulator_id: regime.regulatorId,
        reinspection_months: regime.reinspectionMonths,
        factual_accuracy_working_days: regime.factualAccuracyWorkingDays,
        representation_days: regime.representationDays,
        updated_at: ctx.clock.now(),
      },
      regime.serviceTypes,
      regime.activities,
    );
    await recordAudit(trx, ctx.clock, {
      authorityId: regime.regulatorId,
      actor: actorIn(ctx),
      action: "regulation.regime-set",
      entity: { type: "regulator", id: regime.regulatorId },
      changes: { ...regime },
    });
  });
}

/** A regulator with its regime. */
export type RegulatorWithRegime = repo.RegulatorRow & { regime: Regime };

/** Sets a regulator's regime: its staff only. Returns the regulator with the regime as it now is. */
export async function setRegime(
  ctx: Ctx,
  regulatorId: string,
  draft: RegimeDraft,
): Promise<RegulatorWithRegime> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const p = await requireRegulatorStaff(inTrx, regulatorId, "change this regulator's regime");
    const regime = await checkRegime(inTrx, regulatorId, draft);
    await recordRegime(within(ctx, trx, actorOf(p)), regime);
  });
  return { ...(await regulatorOf(ctx, regulatorId)), regime: await regimeOf(ctx, regulatorId) };
}

/** Every regulator with its regime. Public. */
export async function regulatorsWithRegimes(ctx: Ctx): Promise<RegulatorWithRegime[]> {
  const regulators = await repo.regulators(ctx.db);
  const result: RegulatorWithRegime[] = [];
  for (const r of regulators) result.push({ ...r, regime: await regimeOf(ctx, r.id) });
  return result;
}

/** The regulators page: every regulator with its regime, and the names of the codes. */
export async function regulatorsPage(ctx: Ctx): Promise<{ regulators: RegulatorWithRegime[] } & Names> {
  return { regulators: await regulatorsWithRegimes(ctx), ...(await namesOf(ctx)) };
}

export interface RegulatorPage extends Names {
  regulator: repo.RegulatorRow;
  regime: Regime;
  locations: repo.LocationRow[];
  canManage: boolean;
}

/** A regulator with its regime and register (applications and refusals for its staff only). */
export async function regulatorPage(ctx: Ctx, regulatorId: string): Promise<RegulatorPage> {
  const regulator = await regulatorOf(ctx, regulatorId);
  const manage = canManage(ctx.principal, regulatorId);
  const [regime, locations, names] = await Promise.all([
    regimeOf(ctx, regulatorId),
    repo.findLocations(ctx.db, {
      regulatorId,
      ...(manage
        ? {}
        : { statuses: ["registered", "dormant", "suspended", "cancelled"] as RegistrationStatus[] }),
    }),
    namesOf(ctx),
  ]);
  return { regulator, regime, locations, canManage: manage, ...names };
}

/** What the regime form shows: the regulator, its regime and the codes to choose from. Its staff only. */
export async function regimeForm(
  ctx: Ctx,
  regulatorId: string,
): Promise<{ regulator: repo.RegulatorRow; regime: Regime } & Names> {
  await requireRegulatorStaff(ctx, regulatorId, "change this regulator's regime");
  const regulator = await regulatorOf(ctx, regulatorId);
  return { regulator, regime: await regimeOf(ctx, regulator.id), ...(await namesOf(ctx)) };
}
