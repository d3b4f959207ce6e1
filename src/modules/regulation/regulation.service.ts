/**
 * Regulation of providers (issue 7; DOMAIN.md §3). Regulators (public bodies of kind `regulator`)
 * keep a regime — the service types and regulated activities they cover and their periods — and a
 * register of service locations that provider organisations apply to register. Registration moves
 * applied → registered (optionally with conditions) or refused; registered ↔ dormant / suspended;
 * → cancelled only after a notice of proposal to cancel whose representations period has ended.
 * Inspections rate the five key questions; the overall rating follows the ordered aggregation rules
 * with the breach cap (ratings.ts) unless the inspector departs from it with a reason that is
 * published with it. The draft report goes to the provider, who may challenge its factual accuracy
 * within the regime's working days; the regulator answers every point before publishing. An overall
 * Inadequate puts a location in special measures; a published re-inspection with nothing Inadequate
 * takes it out. Every change is one transaction with its audit event on the regulator's chain.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, endOfLondonDay, isIsoDate, londonDate, longDate } from "../../lib/london-time.ts";
import { collect, type Panel } from "../../lib/ports.ts";
import { addWorkingDays } from "../../lib/working-days.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { actorOf, grantsInScope, hasRole, requireRole, requireSignedIn } from "../access/access.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import {
  existingAreaCodes,
  existingCategoryCodes,
  listServiceCategories,
} from "../vocabularies/vocabularies.service.ts";
import {
  type Aggregation,
  aggregateRatings,
  anyInadequate,
  isRating,
  type KeyQuestionRatings,
  ratingRank,
} from "./ratings.ts";
import { canMove, isInspectable } from "./registration-states.ts";
import { type AffectedContract, contractsAffected } from "./regulation.ports.ts";
import * as repo from "./regulation.repository.ts";
import {
  type AccuracyChallenge,
  CAPACITY_UNITS,
  type CapacityUnit,
  type EnforcementAction,
  type EnforcementKind,
  type Inspection,
  KEY_QUESTIONS,
  type KeyQuestion,
  type Rating,
  type Registration,
  type RegistrationEvent,
  type RegistrationStatus,
} from "./regulation.table.ts";

export type { LocationRow, RegulatorRow } from "./regulation.repository.ts";

/** Defaults of a regime, each a rule with its number (DOMAIN.md §3). */
export const REGIME_DEFAULTS = {
  /** A re-inspection is due about 6 months after an Inadequate rating (issue 7, item 4). */
  reinspectionMonths: 6,
  /** The provider may challenge a draft report's factual accuracy within 10 working days. */
  factualAccuracyWorkingDays: 10,
  /** A notice of proposal to cancel gives 28 days for representations. */
  representationDays: 28,
} as const;

export const LIMITS = {
  name: 200,
  address: 200,
  town: 100,
  text: 5000,
  evidence: 20000,
  inspectors: 500,
} as const;

/** Compare sets 2 to 5 providers side by side. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 5;

const STAFF: Role = "regulator-staff";
const PROVIDER_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];
/** Who sees the failing-providers view: regulators and commissioners. */
const FAILING_VIEWERS: readonly Role[] = [
  "regulator-staff",
  "commissioner",
  "authority-admin",
  "platform-admin",
];

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

// Who may do what

/** The regulator, or 404 (also for a malformed id or a body that is not a regulator). */
export async function regulatorOf(db: Db, regulatorId: string): Promise<repo.RegulatorRow> {
  const regulator = isUuid(regulatorId) ? await repo.findRegulator(db, regulatorId) : undefined;
  if (!regulator) throw new NotFoundError("regulator");
  return regulator;
}

/**
 * Staff of this regulator (or a platform administrator), once it is verified. 401/403 first, then
 * 404 for an unknown regulator.
 */
export async function requireRegulatorStaff(
  db: Db,
  principal: Principal | null,
  regulatorId: string,
  what: string,
): Promise<Principal> {
  const p = requireRole(principal, STAFF, regulatorId, what);
  await regulatorOf(db, regulatorId);
  await assertBodyVerified(db, regulatorId, "regulator");
  return p;
}

export function canManage(principal: Principal | null, regulatorId: string): boolean {
  return hasRole(principal, [STAFF, "platform-admin"], regulatorId);
}

export function actsForProvider(principal: Principal | null, organisationId: string): boolean {
  return hasRole(principal, PROVIDER_ROLES, organisationId) && !hasRole(principal, "platform-admin");
}

// Regimes

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

export async function regimeOf(db: Db, regulatorId: string): Promise<Regime> {
  const [row, codes] = await Promise.all([
    repo.findRegime(db, regulatorId),
    repo.regimeCodes(db, regulatorId),
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

function wholeNumber(value: string | number | undefined): number | null {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  const t = (value ?? "").trim();
  return /^\d{1,6}$/.test(t) ? Number(t) : null;
}

export const activityChoices = repo.regulatedActivities;
export const serviceTypeChoices = listServiceCategories;

/** Checks a regime: each field (400); codes still used by live registrations cannot be dropped (422). */
export async function checkRegime(
  db: Db,
  regulatorId: string,
  draft: RegimeDraft,
): Promise<Omit<Regime, "set">> {
  const problems: FieldError[] = [];
  const serviceTypes = [...new Set(draft.serviceTypes ?? [])].sort();
  const activities = [...new Set(draft.activities ?? [])].sort();
  if (serviceTypes.length === 0)
    problems.push({
      field: "serviceTypes",
      message: "Choose at least one service type the regulator covers",
    });
  else if ((await existingCategoryCodes(db, serviceTypes)).size !== serviceTypes.length)
    problems.push({ field: "serviceTypes", message: "Choose service types from the list" });
  const known = new Set((await repo.regulatedActivities(db)).map((a) => a.code));
  if (activities.length === 0)
    problems.push({
      field: "activities",
      message: "Choose at least one regulated activity the regulator covers",
    });
  else if (activities.some((a) => !known.has(a)))
    problems.push({ field: "activities", message: "Choose regulated activities from the list" });
  const numbers = [
    [
      "reinspectionMonths",
      draft.reinspectionMonths,
      1,
      36,
      "Enter the months until a re-inspection is due after an Inadequate rating, from 1 to 36",
    ],
    [
      "factualAccuracyWorkingDays",
      draft.factualAccuracyWorkingDays,
      1,
      60,
      "Enter the working days a provider has to challenge a draft report, from 1 to 60",
    ],
    [
      "representationDays",
      draft.representationDays,
      1,
      365,
      "Enter the days for representations after a notice of proposal to cancel, from 1 to 365",
    ],
  ] as const;
  const values: Record<string, number> = {};
  for (const [field, raw, min, max, message] of numbers) {
    const n = wholeNumber(raw);
    if (n === null || n < min || n > max) problems.push({ field, message });
    else values[field] = n;
  }
  if (problems.length > 0) throw new ValidationError("Check the regime", problems);
  const inUse = await repo.codesInUse(db, regulatorId);
  const dropped: FieldError[] = [];
  const missingTypes = inUse.serviceTypes.filter((c) => !serviceTypes.includes(c));
  const missingActivities = inUse.activities.filter((c) => !activities.includes(c));
  if (missingTypes.length > 0)
    dropped.push({
      field: "serviceTypes",
      message: `Keep the service types locations on the register still provide: ${missingTypes.join(", ")}`,
    });
  if (missingActivities.length > 0)
    dropped.push({
      field: "activities",
      message: `Keep the regulated activities locations on the register still carry on: ${missingActivities.join(", ")}`,
    });
  if (dropped.length > 0)
    throw new UnprocessableError("The register still needs these", dropped, "regime_in_use");
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

/** Saves a regime, audited. Authorisation is the caller's (seeds use it). */
export async function recordRegime(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regime: Omit<Regime, "set">,
): Promise<void> {
  await repo.saveRegime(
    trx,
    {
      regulator_id: regime.regulatorId,
      reinspection_months: regime.reinspectionMonths,
      factual_accuracy_working_days: regime.factualAccuracyWorkingDays,
      representation_days: regime.representationDays,
      updated_at: clock.now(),
    },
    regime.serviceTypes,
    regime.activities,
  );
  await recordAudit(trx, clock, {
    authorityId: regime.regulatorId,
    actor,
    action: "regulation.regime-set",
    entity: { type: "regulator", id: regime.regulatorId },
    changes: { ...regime },
  });
}

export async function setRegime(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  draft: RegimeDraft,
): Promise<void> {
  const p = await requireRegulatorStaff(trx, principal, regulatorId, "change this regulator's regime");
  await recordRegime(trx, clock, actorOf(p), await checkRegime(trx, regulatorId, draft));
}

// Registration

export interface ApplicationDraft {
  organisationId?: string;
  name?: string;
  addressLine1?: string;
  town?: string;
  postcode?: string;
  areaCode?: string;
  capacity?: string | number;
  capacityUnit?: string;
  registeredManager?: string;
  serviceTypes?: readonly string[];
  activities?: readonly string[];
}

export interface Application {
  organisationId: string;
  name: string;
  addressLine1: string;
  town: string;
  postcode: string;
  areaCode: string;
  capacity: number;
  capacityUnit: CapacityUnit;
  registeredManager: string;
  serviceTypes: string[];
  activities: string[];
}

const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/;

/** "ws12ab" → "WS1 2AB"; null when it is not a postcode. */
export function normalisePostcode(value: string): string | null {
  const compact = value.replace(/\s+/g, "").toUpperCase();
  return POSTCODE.test(compact) ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : null;
}

/** The outward code of a postcode ("WS1 2AB" → "WS1"), or of a district as typed ("ws1" → "WS1"). */
export function postcodeDistrictOf(value: string): string {
  const t = value.trim().toUpperCase();
  const full = normalisePostcode(t);
  if (full) return full.split(" ")[0] ?? "";
  return /^[A-Z]{1,2}\d[A-Z\d]?$/.test(t) ? t : "";
}

/**
 * Checks an application: each field (400, every one at fault); then the regime (422): the service
 * types and activities must be ones this regulator covers — a regulator cannot act outside it.
 */
export async function checkApplication(
  db: Db,
  regime: Regime,
  draft: ApplicationDraft,
): Promise<Application> {
  const problems: FieldError[] = [];
  const organisationId = text(draft.organisationId);
  if (!isUuid(organisationId) || (await repo.organisationName(db, organisationId)) === undefined)
    problems.push({
      field: "organisationId",
      message: "Choose the provider from the directory of organisations",
    });
  const name = text(draft.name);
  if (name === "" || name.length > LIMITS.name)
    problems.push({
      field: "name",
      message: `Enter the location's name, in ${LIMITS.name} characters or fewer`,
    });
  const addressLine1 = text(draft.addressLine1);
  if (addressLine1 === "" || addressLine1.length > LIMITS.address)
    problems.push({ field: "addressLine1", message: "Enter the first line of the location's address" });
  const town = text(draft.town);
  if (town === "" || town.length > LIMITS.town)
    problems.push({ field: "town", message: "Enter the town or city" });
  const postcode = normalisePostcode(text(draft.postcode));
  if (!postcode) problems.push({ field: "postcode", message: "Enter a real postcode, like WS1 2AB" });
  const areaCode = text(draft.areaCode);
  if (areaCode === "" || !(await existingAreaCodes(db, [areaCode])).has(areaCode))
    problems.push({ field: "areaCode", message: "Choose the local authority area the location is in" });
  const capacity = wholeNumber(draft.capacity);
  if (capacity === null || capacity > 100000)
    problems.push({ field: "capacity", message: "Enter the capacity as a whole number, like 40" });
  if (!oneOf(CAPACITY_UNITS, draft.capacityUnit))
    problems.push({
      field: "capacityUnit",
      message: "Choose whether the capacity is in beds, places or people",
    });
  const registeredManager = text(draft.registeredManager);
  if (registeredManager === "" || registeredManager.length > LIMITS.name)
    problems.push({ field: "registeredManager", message: "Enter the name of the registered manager" });
  const serviceTypes = [...new Set(draft.serviceTypes ?? [])].sort();
  const activities = [...new Set(draft.activities ?? [])].sort();
  if (serviceTypes.length === 0)
    problems.push({
      field: "serviceTypes",
      message: "Choose at least one service type provided at the location",
    });
  if (activities.length === 0)
    problems.push({
      field: "activities",
      message: "Choose at least one regulated activity carried on at the location",
    });
  if (problems.length > 0) throw new ValidationError("Check the application", problems);
  const outside: FieldError[] = [];
  if (!regime.set)
    throw new UnprocessableError(
      "This regulator has not set out its regime yet: it cannot register locations until it says which service types and activities it covers",
      [],
      "regime_not_set",
    );
  const typesOutside = serviceTypes.filter((c) => !regime.serviceTypes.includes(c));
  const activitiesOutside = activities.filter((c) => !regime.activities.includes(c));
  if (typesOutside.length > 0)
    outside.push({
      field: "serviceTypes",
      message: `This regulator does not cover ${typesOutside.join(", ")}: choose service types within its regime`,
    });
  if (activitiesOutside.length > 0)
    outside.push({
      field: "activities",
      message: `This regulator does not regulate ${activitiesOutside.join(", ")}: choose activities within its regime`,
    });
  if (outside.length > 0)
    throw new UnprocessableError(
      "The application is outside this regulator's regime",
      outside,
      "outside_regime",
    );
  return {
    organisationId,
    name,
    addressLine1,
    town,
    postcode: postcode ?? "",
    areaCode,
    capacity: capacity ?? 0,
    capacityUnit: draft.capacityUnit as CapacityUnit,
    registeredManager,
    serviceTypes,
    activities,
  };
}

/** Records a checked application, audited (the manager's name is not copied into the audit trail). */
export async function recordApplication(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  application: Application,
  id: string = newId(),
): Promise<string> {
  const now = clock.now();
  await repo.insertRegistration(
    trx,
    {
      regulator_id: regulatorId,
      id,
      organisation_id: application.organisationId,
      name: application.name,
      address_line1: application.addressLine1,
      town: application.town,
      postcode: application.postcode,
      area_code: application.areaCode,
      capacity: application.capacity,
      capacity_unit: application.capacityUnit,
      registered_manager: application.registeredManager,
      status: "applied",
      conditions: "",
      status_reason: "Application received",
      status_changed_at: now,
      applied_at: now,
      created_at: now,
      updated_at: now,
    },
    application.serviceTypes,
    application.activities,
  );
  await repo.insertRegistrationEvent(trx, {
    regulator_id: regulatorId,
    id: newId(),
    registration_id: id,
    from_status: null,
    to_status: "applied",
    reason: "Application received",
    conditions: "",
    at: now,
    actor_id: actor.type === "user" || actor.type === "token" ? (actor.id ?? null) : null,
  });
  const { registeredManager: _manager, ...audited } = application;
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor,
    action: "registration.applied",
    entity: { type: "registration", id },
    changes: audited,
  });
  return id;
}

/**
 * A provider organisation's administrator applies to register a location; the regulator's staff may
 * also record an application made to them on paper.
 */
export async function applyForRegistration(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  draft: ApplicationDraft,
): Promise<string> {
  const p = requireSignedIn(principal);
  const organisationId = text(draft.organisationId);
  const administers = p.grants.some((g) => g.role === "organisation-admin");
  if (organisationId === "" && administers && !canManage(p, regulatorId))
    throw new ValidationError("Choose the organisation", [
      { field: "organisationId", message: "Choose the organisation that is applying" },
    ]);
  if (!canManage(p, regulatorId) && !hasRole(p, "organisation-admin", organisationId))
    throw new ForbiddenError(
      "You can apply to register a location only for an organisation you administer. Ask its administrator.",
    );
  await regulatorOf(trx, regulatorId);
  await assertBodyVerified(trx, regulatorId, "regulator");
  const application = await checkApplication(trx, await regimeOf(trx, regulatorId), draft);
  return recordApplication(trx, clock, actorOf(p), regulatorId, application);
}

/** The locked registration of this regulator, or 404 (also when it is another regulator's). */
async function lockedRegistration(
  trx: Trx,
  regulatorId: string,
  registrationId: string,
): Promise<Registration> {
  const registration = isUuid(registrationId)
    ? await repo.lockRegistration(trx, regulatorId, registrationId)
    : undefined;
  if (!registration) throw new NotFoundError("registered location");
  return registration;
}

const STATUS_WORDS: Record<RegistrationStatus, string> = {
  applied: "applied",
  registered: "registered",
  dormant: "dormant",
  suspended: "suspended",
  cancelled: "cancelled",
  refused: "refused",
};

/** Moves a registration along the lifecycle: dated, with its reason, audited; the provider is told. */
export async function moveRegistration(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  registration: Registration,
  to: RegistrationStatus,
  reason: string,
  conditions: string = registration.conditions,
): Promise<void> {
  if (!canMove(registration.status, to))
    throw new ConflictError(
      `A registration that is ${STATUS_WORDS[registration.status]} cannot become ${STATUS_WORDS[to]}.`,
      "registration_transition",
    );
  const now = clock.now();
  await repo.setRegistrationStatus(trx, regulatorId, registration.id, {
    status: to,
    reason,
    conditions,
    at: now,
  });
  await repo.insertRegistrationEvent(trx, {
    regulator_id: regulatorId,
    id: newId(),
    registration_id: registration.id,
    from_status: registration.status,
    to_status: to,
    reason,
    conditions,
    at: now,
    actor_id: actor.type === "user" || actor.type === "token" ? (actor.id ?? null) : null,
  });
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor,
    action: `registration.${to}`,
    entity: { type: "registration", id: registration.id },
    changes: { from: registration.status, to, reason, conditions },
  });
  await tellProvider(trx, clock, actor, regulatorId, registration, {
    kind: `regulation.registration.${to}`,
    subject: `${registration.name}: registration ${STATUS_WORDS[to]}`,
    body: `The registration of ${registration.name} is now ${STATUS_WORDS[to]}. Reason: ${reason}${conditions && to === "registered" ? `\nConditions: ${conditions}` : ""}`,
  });
}

export interface DecisionDraft {
  to?: string;
  reason?: string;
  conditions?: string;
}

/** The regulator decides an application or changes a registration's status (not cancelling). */
export async function decideRegistration(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  registrationId: string,
  draft: DecisionDraft,
): Promise<void> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "change registrations with this regulator",
  );
  const problems: FieldError[] = [];
  const choices = ["registered", "refused", "dormant", "suspended"] as const;
  if (!oneOf(choices, draft.to))
    problems.push({
      field: "to",
      message: "Choose the new status: registered, refused, dormant or suspended",
    });
  const reason = text(draft.reason);
  if (reason === "" || reason.length > LIMITS.text)
    problems.push({ field: "reason", message: "Give the reason for the decision" });
  const conditions = text(draft.conditions);
  if (conditions.length > LIMITS.text)
    problems.push({ field: "conditions", message: `Enter conditions of ${LIMITS.text} characters or fewer` });
  if (problems.length > 0) throw new ValidationError("Check the decision", problems);
  const registration = await lockedRegistration(trx, regulatorId, registrationId);
  const to = draft.to as RegistrationStatus;
  if (conditions !== "" && to !== "registered")
    throw new UnprocessableError(
      "Conditions are set when registering",
      [{ field: "conditions", message: "Leave conditions empty unless the location is being registered" }],
      "conditions_need_registration",
    );
  await moveRegistration(
    trx,
    clock,
    actorOf(p),
    regulatorId,
    registration,
    to,
    reason,
    to === "registered" ? conditions : registration.conditions,
  );
}

// Inspections and ratings

export interface InspectionDraft {
  inspectedOn?: string;
  inspectors?: string;
  evidenceSummary?: string;
  ratings?: Partial<Record<KeyQuestion, string>>;
  breach?: boolean;
  breachDetails?: string;
  /** The overall rating given, when it departs from the aggregation; empty to accept it. */
  overall?: string;
  departureReason?: string;
}

export interface CheckedInspection {
  inspectedOn: string;
  inspectors: string;
  evidenceSummary: string;
  ratings: KeyQuestionRatings;
  breach: boolean;
  breachDetails: string;
  aggregation: Aggregation;
  overall: Rating;
  departureReason: string | null;
}

const QUESTION_NAMES: Record<KeyQuestion, string> = {
  safe: "Safe",
  effective: "Effective",
  caring: "Caring",
  responsive: "Responsive",
  "well-led": "Well-led",
};

/**
 * Checks an inspection: each field, a rating for each key question on the four-point scale (400);
 * then an inspection date in the future, or a departure from the aggregated rating without a
 * recorded reason (422).
 */
export function checkInspection(clock: Clock, draft: InspectionDraft): CheckedInspection {
  const problems: FieldError[] = [];
  const inspectedOn = text(draft.inspectedOn);
  if (!isIsoDate(inspectedOn))
    problems.push({
      field: "inspectedOn",
      message: "Enter the date of the inspection as a real date, like 3 11 2026",
    });
  const inspectors = text(draft.inspectors);
  if (inspectors === "" || inspectors.length > LIMITS.inspectors)
    problems.push({ field: "inspectors", message: "Enter the inspectors who carried out the inspection" });
  const evidenceSummary = text(draft.evidenceSummary);
  if (evidenceSummary === "" || evidenceSummary.length > LIMITS.evidence)
    problems.push({
      field: "evidenceSummary",
      message: "Enter a summary of the evidence the ratings rest on",
    });
  const ratings: Partial<Record<KeyQuestion, Rating>> = {};
  for (const q of KEY_QUESTIONS) {
    const value = draft.ratings?.[q];
    if (!isRating(value))
      problems.push({
        field: `rating-${q}`,
        message: `Rate ${QUESTION_NAMES[q]} as Outstanding, Good, Requires improvement or Inadequate`,
      });
    else ratings[q] = value;
  }
  const breach = draft.breach === true;
  const breachDetails = text(draft.breachDetails);
  if (breach && breachDetails === "")
    problems.push({ field: "breachDetails", message: "Say which regulations were breached, and how" });
  if (breachDetails.length > LIMITS.text)
    problems.push({
      field: "breachDetails",
      message: `Enter breach details of ${LIMITS.text} characters or fewer`,
    });
  const overallGiven = text(draft.overall);
  if (overallGiven !== "" && !isRating(overallGiven))
    problems.push({
      field: "overall",
      message:
        "Choose the overall rating from Outstanding, Good, Requires improvement or Inadequate, or leave it to the rules",
    });
  const departureReason = text(draft.departureReason);
  if (departureReason.length > LIMITS.text)
    problems.push({
      field: "departureReason",
      message: `Enter a reason of ${LIMITS.text} characters or fewer`,
    });
  if (problems.length > 0) throw new ValidationError("Check the inspection", problems);
  const complete = ratings as KeyQuestionRatings;
  const aggregation = aggregateRatings(complete, breach);
  const overall = (overallGiven === "" ? aggregation.overall : overallGiven) as Rating;
  const invalid: FieldError[] = [];
  if (inspectedOn > londonDate(clock.now()))
    invalid.push({ field: "inspectedOn", message: "The inspection date cannot be in the future" });
  if (overall !== aggregation.overall && departureReason === "")
    invalid.push({
      field: "departureReason",
      message: `The rules give ${ratingName(aggregation.overall)}: record the reason for rating it ${ratingName(overall)} instead, or accept the rules' rating`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError("These details do not fit together", invalid, "inspection_invalid");
  return {
    inspectedOn,
    inspectors,
    evidenceSummary,
    ratings: complete,
    breach,
    breachDetails: breach ? breachDetails : "",
    aggregation,
    overall,
    departureReason: overall === aggregation.overall ? null : departureReason,
  };
}

export function ratingName(rating: Rating): string {
  return {
    outstanding: "Outstanding",
    good: "Good",
    "requires-improvement": "Requires improvement",
    inadequate: "Inadequate",
  }[rating];
}

/** "the end of 4 December 2026": the last day of a period ending at `ends` (midnight after it). */
export function periodEndText(ends: Date): string {
  return `the end of ${longDate(londonDate(new Date(ends.getTime() - 1)))}`;
}

/** When the factual-accuracy period of a draft sent at `sentAt` ends: midnight after the last working day. */
export function factualAccuracyEnds(
  sentAt: Date,
  workingDays: number,
  nation: repo.RegulatorRow["nation"],
): Date {
  return endOfLondonDay(addWorkingDays(londonDate(sentAt), workingDays, nation));
}

/** Records a checked inspection as a draft report sent to the provider, audited. Authorisation is the caller's. */
export async function recordInspectionAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  registrationId: string,
  checked: CheckedInspection,
  id: string = newId(),
): Promise<string> {
  const regulator = await regulatorOf(trx, regulatorId);
  const registration = await lockedRegistration(trx, regulatorId, registrationId);
  if (!isInspectable(registration.status))
    throw new ConflictError(
      `${registration.name} is not on the register (its registration is ${STATUS_WORDS[registration.status]}): only registered, dormant or suspended locations are inspected.`,
      "not_registered",
    );
  const regime = await regimeOf(trx, regulatorId);
  const now = clock.now();
  const ends = factualAccuracyEnds(now, regime.factualAccuracyWorkingDays, regulator.nation);
  await repo.insertInspection(trx, {
    regulator_id: regulatorId,
    id,
    registration_id: registrationId,
    inspected_on: checked.inspectedOn,
    inspectors: checked.inspectors,
    evidence_summary: checked.evidenceSummary,
    safe: checked.ratings.safe,
    effective: checked.ratings.effective,
    caring: checked.ratings.caring,
    responsive: checked.ratings.responsive,
    well_led: checked.ratings["well-led"],
    breach: checked.breach,
    breach_details: checked.breachDetails,
    calculated_overall: checked.aggregation.overall,
    overall: checked.overall,
    departure_reason: checked.departureReason,
    status: "draft-report",
    draft_sent_at: now,
    challenge_ends_at: ends,
    published_at: null,
    created_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor,
    action: "inspection.recorded",
    entity: { type: "inspection", id },
    changes: {
      registrationId,
      inspectedOn: checked.inspectedOn,
      ratings: checked.ratings,
      breach: checked.breach,
      calculatedOverall: checked.aggregation.overall,
      rule: checked.aggregation.rule,
      overall: checked.overall,
      departureReason: checked.departureReason,
      challengeEndsAt: ends,
    },
  });
  await tellProvider(trx, clock, actor, regulatorId, registration, {
    kind: "regulation.draft-report",
    subject: `Draft inspection report for ${registration.name}`,
    body: `The draft report of the inspection of ${registration.name} on ${longDate(checked.inspectedOn)} is ready. You may challenge its factual accuracy until ${periodEndText(ends)}.`,
    link: `/regulators/${regulatorId}/locations/${registrationId}/inspections/${id}`,
  });
  return id;
}

export async function recordInspection(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  registrationId: string,
  draft: InspectionDraft,
): Promise<string> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "inspect and rate locations for this regulator",
  );
  const checked = checkInspection(clock, draft);
  return recordInspectionAs(trx, clock, actorOf(p), regulatorId, registrationId, checked);
}

/** The inspection of this regulator, or 404. */
async function lockedInspection(trx: Trx, regulatorId: string, inspectionId: string): Promise<Inspection> {
  const inspection = isUuid(inspectionId)
    ? await repo.lockInspection(trx, regulatorId, inspectionId)
    : undefined;
  if (!inspection) throw new NotFoundError("inspection");
  return inspection;
}

/** The provider challenges one point of fact in a draft report, within the period. */
export async function challengeFact(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  inspectionId: string,
  point: string,
): Promise<string> {
  const p = requireSignedIn(principal);
  const inspection = await lockedInspection(trx, regulatorId, inspectionId);
  const registration = await lockedRegistration(trx, regulatorId, inspection.registration_id);
  if (!hasRole(p, PROVIDER_ROLES, registration.organisation_id) || hasRole(p, "platform-admin")) {
    if (!canManage(p, regulatorId)) throw new NotFoundError("inspection");
    throw new ForbiddenError("Only the provider can challenge the factual accuracy of its draft report.");
  }
  const what = text(point);
  if (what === "" || what.length > LIMITS.text)
    throw new ValidationError("Say what is inaccurate", [
      {
        field: "point",
        message: `Describe the point of fact you challenge, in ${LIMITS.text} characters or fewer`,
      },
    ]);
  return recordChallengeAs(trx, clock, actorOf(p), inspection, what, p.userId);
}

/** Records a challenged point while the period runs (409 after it, or once published), audited. */
export async function recordChallengeAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  inspection: Inspection,
  point: string,
  submittedBy: string | null,
): Promise<string> {
  if (inspection.status === "published")
    throw new ConflictError(
      "This report has been published: its factual accuracy can no longer be challenged.",
      "report_published",
    );
  if (clock.now() >= inspection.challenge_ends_at)
    throw new ConflictError(
      `The period for challenging this draft report's factual accuracy closed at ${periodEndText(inspection.challenge_ends_at)}.`,
      "challenge_period_ended",
    );
  const id = newId();
  await repo.insertChallenge(trx, {
    regulator_id: inspection.regulator_id,
    id,
    inspection_id: inspection.id,
    point,
    submitted_by: submittedBy,
    submitted_at: clock.now(),
    outcome: null,
    response: null,
    answered_by: null,
    answered_at: null,
  });
  await recordAudit(trx, clock, {
    authorityId: inspection.regulator_id,
    actor,
    action: "inspection.fact-challenged",
    entity: { type: "inspection", id: inspection.id },
    changes: { challengeId: id, point },
  });
  return id;
}

/** The regulator answers a challenged point: accepted (the report is corrected) or rejected, with a response. */
export async function answerChallenge(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  inspectionId: string,
  challengeId: string,
  draft: { outcome?: string; response?: string },
): Promise<void> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "answer factual-accuracy challenges for this regulator",
  );
  const problems: FieldError[] = [];
  if (!oneOf(["accepted", "rejected"] as const, draft.outcome))
    problems.push({ field: "outcome", message: "Choose whether the point is accepted or rejected" });
  const response = text(draft.response);
  if (response === "" || response.length > LIMITS.text)
    problems.push({
      field: "response",
      message: "Give the response to the point, saying what changes if anything",
    });
  if (problems.length > 0) throw new ValidationError("Check the answer", problems);
  const inspection = await lockedInspection(trx, regulatorId, inspectionId);
  const challenge = isUuid(challengeId) ? await repo.lockChallenge(trx, regulatorId, challengeId) : undefined;
  if (!challenge || challenge.inspection_id !== inspection.id) throw new NotFoundError("challenge");
  if (challenge.outcome !== null)
    throw new ConflictError("This point has already been answered.", "challenge_answered");
  if (inspection.status === "published")
    throw new ConflictError("This report has already been published.", "report_published");
  await repo.answerChallenge(trx, regulatorId, challenge.id, {
    outcome: draft.outcome as "accepted" | "rejected",
    response,
    answeredBy: p.userId,
    at: clock.now(),
  });
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor: actorOf(p),
    action: "inspection.challenge-answered",
    entity: { type: "inspection", id: inspection.id },
    changes: { challengeId: challenge.id, outcome: draft.outcome, response },
  });
}

/**
 * Publishes a report once the factual-accuracy period has ended and every challenged point has been
 * answered (409 otherwise). An overall Inadequate enters special measures; a report with nothing
 * Inadequate takes the location out of them. Authorisation is the caller's (seeds use it).
 */
export async function publishReportAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  inspectionId: string,
): Promise<void> {
  const inspection = await lockedInspection(trx, regulatorId, inspectionId);
  if (inspection.status === "published")
    throw new ConflictError("This report has already been published.", "report_published");
  const now = clock.now();
  if (now < inspection.challenge_ends_at)
    throw new ConflictError(
      `The provider may challenge the draft's factual accuracy until ${periodEndText(inspection.challenge_ends_at)}: publish after that.`,
      "challenge_period_running",
    );
  const open = (await repo.challengesOf(trx, regulatorId, inspection.id)).filter((c) => c.outcome === null);
  if (open.length > 0)
    throw new ConflictError(
      `Answer every factual-accuracy challenge before publishing: ${open.length} ${open.length === 1 ? "is" : "are"} unanswered.`,
      "challenges_unanswered",
    );
  const registration = await lockedRegistration(trx, regulatorId, inspection.registration_id);
  await repo.publishInspection(trx, regulatorId, inspection.id, now);
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor,
    action: "inspection.published",
    entity: { type: "inspection", id: inspection.id },
    changes: { registrationId: registration.id, overall: inspection.overall },
  });
  const ratings = ratingsOf(inspection);
  const [inForce] = await repo.openEnforcement(trx, regulatorId, registration.id, "special-measures");
  if (inspection.overall === "inadequate" && !inForce) {
    const id = newId();
    await repo.insertEnforcement(trx, {
      regulator_id: regulatorId,
      id,
      registration_id: registration.id,
      kind: "special-measures",
      details: `Entered automatically: rated Inadequate overall at the inspection on ${longDate(inspection.inspected_on)}.`,
      issued_at: now,
      representations_until: null,
      inspection_id: inspection.id,
      resolved_at: null,
      resolution: null,
    });
    await recordAudit(trx, clock, {
      authorityId: regulatorId,
      actor,
      action: "enforcement.special-measures-entered",
      entity: { type: "registration", id: registration.id },
      changes: { enforcementId: id, inspectionId: inspection.id },
    });
  } else if (inForce && !anyInadequate(ratings, inspection.overall)) {
    await repo.resolveEnforcement(
      trx,
      regulatorId,
      inForce.id,
      `Left special measures: nothing rated Inadequate at the re-inspection on ${longDate(inspection.inspected_on)}.`,
      now,
    );
    await recordAudit(trx, clock, {
      authorityId: regulatorId,
      actor,
      action: "enforcement.special-measures-left",
      entity: { type: "registration", id: registration.id },
      changes: { enforcementId: inForce.id, inspectionId: inspection.id },
    });
  }
  await tellProvider(trx, clock, actor, regulatorId, registration, {
    kind: "regulation.report-published",
    subject: `Inspection report published for ${registration.name}`,
    body: `The report of the inspection of ${registration.name} on ${longDate(inspection.inspected_on)} has been published. Overall rating: ${ratingName(inspection.overall)}.`,
    link: `/regulators/${regulatorId}/locations/${registration.id}/inspections/${inspection.id}`,
  });
}

export async function publishReport(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  inspectionId: string,
): Promise<void> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "publish inspection reports for this regulator",
  );
  await publishReportAs(trx, clock, actorOf(p), regulatorId, inspectionId);
}

export function ratingsOf(inspection: Inspection): KeyQuestionRatings {
  return {
    safe: inspection.safe,
    effective: inspection.effective,
    caring: inspection.caring,
    responsive: inspection.responsive,
    "well-led": inspection.well_led,
  };
}

// Enforcement

/** What staff issue by hand: special measures are entered automatically, cancellation through `cancelRegistration`. */
export const ISSUABLE: readonly EnforcementKind[] = [
  "requirement-notice",
  "warning-notice",
  "conditions",
  "proposal-to-cancel",
];

/** The last day for representations after a notice of proposal to cancel issued at `at`. */
export function representationsUntil(at: Date, days: number): string {
  return addDays(londonDate(at), days);
}

export async function issueEnforcementAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  registrationId: string,
  kind: EnforcementKind,
  details: string,
  id: string = newId(),
): Promise<string> {
  const registration = await lockedRegistration(trx, regulatorId, registrationId);
  if (!isInspectable(registration.status))
    throw new ConflictError(
      `${registration.name} is not on the register (its registration is ${STATUS_WORDS[registration.status]}).`,
      "not_registered",
    );
  const now = clock.now();
  let until: string | null = null;
  if (kind === "proposal-to-cancel") {
    if ((await repo.openEnforcement(trx, regulatorId, registration.id, "proposal-to-cancel")).length > 0)
      throw new ConflictError(
        "A notice of proposal to cancel is already in force for this location.",
        "proposal_in_force",
      );
    until = representationsUntil(now, (await regimeOf(trx, regulatorId)).representationDays);
  }
  await repo.insertEnforcement(trx, {
    regulator_id: regulatorId,
    id,
    registration_id: registration.id,
    kind,
    details,
    issued_at: now,
    representations_until: until,
    inspection_id: null,
    resolved_at: null,
    resolution: null,
  });
  if (kind === "conditions") {
    const conditions = registration.conditions ? `${registration.conditions}\n${details}` : details;
    await repo.setConditions(trx, regulatorId, registration.id, conditions.slice(0, LIMITS.text), now);
  }
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor,
    action: `enforcement.${kind}`,
    entity: { type: "registration", id: registration.id },
    changes: { enforcementId: id, details, representationsUntil: until },
  });
  await tellProvider(trx, clock, actor, regulatorId, registration, {
    kind: `regulation.enforcement.${kind}`,
    subject: `Enforcement action for ${registration.name}`,
    body: `${ENFORCEMENT_NAMES[kind]} issued for ${registration.name}: ${details}${until ? `\nYou may make representations until the end of ${longDate(until)}.` : ""}`,
    link: `/regulators/${regulatorId}/locations/${registration.id}`,
  });
  return id;
}

export const ENFORCEMENT_NAMES: Record<EnforcementKind, string> = {
  "requirement-notice": "Requirement notice",
  "warning-notice": "Warning notice",
  conditions: "Conditions imposed",
  "special-measures": "Special measures",
  "proposal-to-cancel": "Notice of proposal to cancel",
  cancellation: "Cancellation of registration",
};

export async function issueEnforcement(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  registrationId: string,
  draft: { kind?: string; details?: string },
): Promise<string> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "take enforcement action for this regulator",
  );
  const problems: FieldError[] = [];
  const kinds = [
    "requirement-notice",
    "warning-notice",
    "conditions",
    "special-measures",
    "proposal-to-cancel",
    "cancellation",
  ] as const;
  if (!oneOf(kinds, draft.kind))
    problems.push({ field: "kind", message: "Choose the kind of enforcement action" });
  const details = text(draft.details);
  if (details === "" || details.length > LIMITS.text)
    problems.push({ field: "details", message: "Say what the action requires of the provider, and why" });
  if (problems.length > 0) throw new ValidationError("Check the enforcement action", problems);
  const kind = draft.kind as EnforcementKind;
  if (!ISSUABLE.includes(kind))
    throw new UnprocessableError(
      kind === "special-measures"
        ? "Special measures are entered automatically when a report rating a location Inadequate overall is published"
        : "Cancel a registration with the cancel action, after a notice of proposal to cancel",
      [
        {
          field: "kind",
          message:
            "Choose a requirement notice, warning notice, conditions or a notice of proposal to cancel",
        },
      ],
      "enforcement_not_issuable",
    );
  return issueEnforcementAs(trx, clock, actorOf(p), regulatorId, registrationId, kind, details);
}

/** Marks an action as resolved (complied with, or withdrawn). Special measures end only by re-inspection. */
export async function resolveEnforcement(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  actionId: string,
  resolution: string,
): Promise<void> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "take enforcement action for this regulator",
  );
  const why = text(resolution);
  if (why === "" || why.length > LIMITS.text)
    throw new ValidationError("Say how it was resolved", [
      {
        field: "resolution",
        message: "Say how the action was resolved: complied with, or withdrawn and why",
      },
    ]);
  const action = isUuid(actionId) ? await repo.lockEnforcement(trx, regulatorId, actionId) : undefined;
  if (!action) throw new NotFoundError("enforcement action");
  if (action.resolved_at)
    throw new ConflictError("This action has already been resolved.", "enforcement_resolved");
  if (action.kind === "special-measures" || action.kind === "cancellation")
    throw new ConflictError(
      action.kind === "special-measures"
        ? "Special measures end when a re-inspection finds nothing Inadequate: publish that report."
        : "A cancellation is final.",
      "enforcement_not_resolvable",
    );
  await repo.resolveEnforcement(trx, regulatorId, action.id, why, clock.now());
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor: actorOf(p),
    action: "enforcement.resolved",
    entity: { type: "registration", id: action.registration_id },
    changes: { enforcementId: action.id, kind: action.kind, resolution: why },
  });
}

/**
 * The live contracts the organisation holds that need one of the location's regulated activities
 * (the contracts module keeps them): shown in the failing-providers view, and told of when the
 * registration is cancelled, so that their commissioners can plan continuity of service.
 */
export function contractsAffectedByLocation(
  db: Db,
  clock: Clock,
  location: { organisationId: string; activities: readonly string[] },
): Promise<AffectedContract[]> {
  return collect(contractsAffected, db, clock, location).then((lists) => lists.flat());
}

export type { AffectedContract };

/**
 * Cancels a registration after a notice of proposal to cancel whose representations period has
 * ended (409 before). Every other action in force is closed; the affected contracts (from the hook)
 * are reported to their commissioners.
 */
export async function cancelRegistrationAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  registrationId: string,
  reason: string,
): Promise<void> {
  const registration = await lockedRegistration(trx, regulatorId, registrationId);
  if (!canMove(registration.status, "cancelled"))
    throw new ConflictError(
      `A registration that is ${STATUS_WORDS[registration.status]} cannot be cancelled.`,
      "registration_transition",
    );
  const [proposal] = await repo.openEnforcement(trx, regulatorId, registration.id, "proposal-to-cancel");
  if (!proposal?.representations_until)
    throw new ConflictError(
      "Issue a notice of proposal to cancel first: the provider has a period to make representations.",
      "no_proposal_to_cancel",
    );
  const today = londonDate(clock.now());
  if (today <= proposal.representations_until)
    throw new ConflictError(
      `The provider may make representations until the end of ${longDate(proposal.representations_until)}: cancel after that.`,
      "representations_running",
    );
  await moveRegistration(trx, clock, actor, regulatorId, registration, "cancelled", reason);
  const now = clock.now();
  for (const action of await repo.openEnforcement(trx, regulatorId, registration.id))
    await repo.resolveEnforcement(trx, regulatorId, action.id, "Registration cancelled", now);
  const id = newId();
  await repo.insertEnforcement(trx, {
    regulator_id: regulatorId,
    id,
    registration_id: registration.id,
    kind: "cancellation",
    details: reason,
    issued_at: now,
    representations_until: null,
    inspection_id: null,
    resolved_at: null,
    resolution: null,
  });
  const activities = (await repo.findLocation(trx, registration.id))?.activities ?? [];
  const contracts = await contractsAffectedByLocation(trx, clock, {
    organisationId: registration.organisation_id,
    activities,
  });
  for (const contract of contracts)
    for (const userId of contract.commissionerUserIds)
      await notify(
        trx,
        clock,
        {
          userId,
          authorityId: contract.authorityId,
          kind: "regulation.registration-cancelled",
          subject: `Provider registration cancelled: ${registration.name}`,
          body: `The registration of ${registration.name} has been cancelled. The contract "${contract.title}" depends on it: plan for continuity of service.`,
          link: `/regulators/${regulatorId}/locations/${registration.id}`,
        },
        { email: true, actor },
      );
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor,
    action: "enforcement.cancellation",
    entity: { type: "registration", id: registration.id },
    changes: { enforcementId: id, reason, contractsAffected: contracts.map((c) => c.contractId) },
  });
}

export async function cancelRegistration(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  registrationId: string,
  reason: string,
): Promise<void> {
  const p = await requireRegulatorStaff(
    trx,
    principal,
    regulatorId,
    "cancel registrations with this regulator",
  );
  const why = text(reason);
  if (why === "" || why.length > LIMITS.text)
    throw new ValidationError("Give the reason", [
      { field: "cancelReason", message: "Give the reason for cancelling the registration" },
    ]);
  await cancelRegistrationAs(trx, clock, actorOf(p), regulatorId, registrationId, why);
}

// The gate for awarding contracts (issue 6)

/**
 * Whether the organisation has a current registration (status registered, with or without
 * conditions) for the regulated activity with any regulator. The award step of issue 6 refuses a
 * contract requiring the activity otherwise.
 */
export async function hasCurrentRegistration(
  db: Db,
  organisationId: string,
  activity: string,
): Promise<boolean> {
  if (!isUuid(organisationId)) return false;
  return repo.hasRegistrationFor(db, organisationId, activity);
}

/** The message the award step shows when the gate refuses. */
export function noRegistrationMessage(organisationName: string, activity: string): string {
  return `${organisationName} has no current registration for the regulated activity "${activity}", so it cannot be awarded a contract that requires it. It must be registered with the regulator first.`;
}

// Notifications to the provider

async function tellProvider(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  regulatorId: string,
  registration: Registration,
  message: { kind: string; subject: string; body: string; link?: string },
): Promise<void> {
  const admins = (await grantsInScope(trx, registration.organisation_id)).filter(
    (g) => g.role === "organisation-admin",
  );
  for (const userId of new Set(admins.map((g) => g.user_id)))
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId: regulatorId,
        kind: message.kind,
        subject: message.subject.slice(0, 200),
        body: message.body,
        link: message.link ?? `/regulators/${regulatorId}/locations/${registration.id}`,
      },
      { email: true, actor },
    );
}

// Reading: locations, reports, history

export interface InspectionView extends Inspection {
  ratings: KeyQuestionRatings;
  challenges: AccuracyChallenge[];
  /** The provider may still challenge it. */
  challengeOpen: boolean;
  /** The regulator may publish it now. */
  publishable: boolean;
}

export interface LocationView {
  location: repo.LocationRow;
  regime: Regime;
  events: RegistrationEvent[];
  /** Published reports, newest first; drafts too for the regulator's staff and the provider. */
  inspections: InspectionView[];
  current: InspectionView | null;
  enforcement: EnforcementAction[];
  inForce: EnforcementAction[];
  canManage: boolean;
  isProvider: boolean;
}

async function viewOf(db: Db, clock: Clock, inspection: Inspection): Promise<InspectionView> {
  const challenges = await repo.challengesOf(db, inspection.regulator_id, inspection.id);
  const now = clock.now();
  const draft = inspection.status === "draft-report";
  return {
    ...inspection,
    ratings: ratingsOf(inspection),
    challenges,
    challengeOpen: draft && now < inspection.challenge_ends_at,
    publishable: draft && now >= inspection.challenge_ends_at && challenges.every((c) => c.outcome !== null),
  };
}

/** A location, as its page and the API show it; 404 when unknown or another regulator's. */
export async function locationView(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  locationId: string,
): Promise<LocationView> {
  const location = isUuid(locationId) ? await repo.findLocation(db, locationId) : undefined;
  if (!location || location.regulator_id !== regulatorId) throw new NotFoundError("registered location");
  const manage = canManage(principal, regulatorId);
  const provider = actsForProvider(principal, location.organisation_id);
  if ((location.status === "applied" || location.status === "refused") && !manage && !provider)
    throw new NotFoundError("registered location");
  const [regime, events, inspections, enforcement] = await Promise.all([
    regimeOf(db, regulatorId),
    repo.registrationEvents(db, regulatorId, location.id),
    repo.inspectionsOf(db, regulatorId, location.id),
    repo.enforcementOf(db, regulatorId, location.id),
  ]);
  const visible = inspections.filter((i) => i.status === "published" || manage || provider);
  const views: InspectionView[] = [];
  for (const i of visible) views.push(await viewOf(db, clock, i));
  const current = views.find((v) => v.id === location.current_inspection_id) ?? null;
  return {
    location,
    regime,
    events,
    inspections: views,
    current,
    enforcement,
    inForce: enforcement.filter((e) => e.resolved_at === null),
    canManage: manage,
    isProvider: provider,
  };
}

/** One inspection report: published for everyone; a draft only for the regulator's staff and the provider. */
export async function inspectionReport(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  regulatorId: string,
  locationId: string,
  inspectionId: string,
): Promise<{ view: LocationView; report: InspectionView }> {
  const view = await locationView(db, clock, principal, regulatorId, locationId);
  const report = view.inspections.find((i) => i.id === inspectionId);
  if (!report) throw new NotFoundError("inspection report");
  return { view, report };
}

export interface RegulatorPage {
  regulator: repo.RegulatorRow;
  regime: Regime;
  locations: repo.LocationRow[];
  canManage: boolean;
}

/** A regulator with its regime and register (applications and refusals for its staff only). */
export async function regulatorPage(
  db: Db,
  principal: Principal | null,
  regulatorId: string,
): Promise<RegulatorPage> {
  const regulator = await regulatorOf(db, regulatorId);
  const manage = canManage(principal, regulatorId);
  const [regime, locations] = await Promise.all([
    regimeOf(db, regulatorId),
    repo.findLocations(db, {
      regulatorId,
      ...(manage
        ? {}
        : { statuses: ["registered", "dormant", "suspended", "cancelled"] as RegistrationStatus[] }),
    }),
  ]);
  return { regulator, regime, locations, canManage: manage };
}

export const listRegulators = repo.regulators;
export const organisationChoices = repo.organisationChoices;

// Find a service and compare providers

export interface FindFilter {
  serviceType?: string;
  areaCode?: string;
  postcodeDistrict?: string;
  rating?: string;
}

/** Sorts by current overall rating, best first (unrated last), then name. */
export function byRatingThenName(a: repo.LocationRow, b: repo.LocationRow): number {
  const rank = (l: repo.LocationRow) =>
    isRating(l.current_overall) ? ratingRank(l.current_overall) : RATING_UNRATED;
  return rank(a) - rank(b) || a.name.localeCompare(b.name, "en-GB") || a.id.localeCompare(b.id);
}
const RATING_UNRATED = 99;

/** Registered locations by service type, local authority area, postcode district and rating. */
export async function findServices(db: Db, filter: FindFilter): Promise<repo.LocationRow[]> {
  const problems: FieldError[] = [];
  const district = text(filter.postcodeDistrict);
  const outward = district === "" ? "" : postcodeDistrictOf(district);
  if (district !== "" && outward === "")
    problems.push({
      field: "postcodeDistrict",
      message: "Enter a postcode district like WS1, or a full postcode",
    });
  const rating = text(filter.rating);
  if (rating !== "" && rating !== "unrated" && !isRating(rating))
    problems.push({ field: "rating", message: "Choose a rating from the list" });
  if (problems.length > 0) throw new ValidationError("Check the search", problems);
  const rows = await repo.findLocations(db, {
    statuses: ["registered"],
    ...(text(filter.serviceType) ? { serviceType: text(filter.serviceType) } : {}),
    ...(text(filter.areaCode) ? { areaCode: text(filter.areaCode) } : {}),
    ...(outward ? { postcodeDistrict: outward } : {}),
  });
  const wanted =
    rating === ""
      ? rows
      : rows.filter((r) =>
          rating === "unrated" ? r.current_overall === null : r.current_overall === rating,
        );
  return wanted.sort(byRatingThenName);
}

export interface ProviderSummary {
  organisationId: string;
  name: string;
  locations: (repo.LocationRow & { ratings: KeyQuestionRatings | null; inForce: EnforcementAction[] })[];
  /** How many locations hold each current overall rating. */
  ratingCounts: Record<Rating | "unrated", number>;
  specialMeasures: number;
  enforcementInForce: number;
}

/** A provider's registrations with current ratings, for the profile and the compare page. */
export async function providerSummary(db: Db, organisationId: string): Promise<ProviderSummary | undefined> {
  const name = isUuid(organisationId) ? await repo.organisationName(db, organisationId) : undefined;
  if (name === undefined) return undefined;
  const rows = await repo.findLocations(db, {
    organisationIds: [organisationId],
    statuses: ["registered", "dormant", "suspended", "cancelled"],
  });
  const locations: ProviderSummary["locations"] = [];
  const ratingCounts = { outstanding: 0, good: 0, "requires-improvement": 0, inadequate: 0, unrated: 0 };
  for (const row of rows.sort(byRatingThenName)) {
    const current = row.current_inspection_id
      ? await repo.findInspection(db, row.regulator_id, row.current_inspection_id)
      : undefined;
    const inForce = await repo.openEnforcement(db, row.regulator_id, row.id);
    locations.push({ ...row, ratings: current ? ratingsOf(current) : null, inForce });
    if (row.status !== "cancelled") {
      const key = isRating(row.current_overall) ? row.current_overall : "unrated";
      ratingCounts[key] += 1;
    }
  }
  return {
    organisationId,
    name,
    locations,
    ratingCounts,
    specialMeasures: rows.filter((r) => r.special_measures).length,
    enforcementInForce: rows.reduce((n, r) => n + r.enforcement_in_force, 0),
  };
}

/** The full rating history of a provider's locations: every published report, newest first. */
export async function providerRatingHistory(
  db: Db,
  organisationId: string,
): Promise<(Inspection & { location_name: string })[]> {
  const rows = await repo.findLocations(db, { organisationIds: [organisationId] });
  const history: (Inspection & { location_name: string })[] = [];
  for (const row of rows)
    for (const i of await repo.inspectionsOf(db, row.regulator_id, row.id))
      if (i.status === "published") history.push({ ...i, location_name: row.name });
  return history.sort(
    (a, b) => b.inspected_on.localeCompare(a.inspected_on) || a.location_name.localeCompare(b.location_name),
  );
}

/** A provider's registered locations, current ratings and rating history (a profile panel). */
export async function providerRatingsPanel(db: Db, _clock: Clock, organisationId: string): Promise<Panel> {
  const [regulation, ratingHistory] = await Promise.all([
    providerSummary(db, organisationId),
    providerRatingHistory(db, organisationId),
  ]);
  return {
    template: "regulation/views/partials/provider-ratings.njk",
    context: { regulation, ratingHistory },
  };
}

/** 2 to 5 providers side by side (400 naming the field otherwise). */
export async function compareProviders(db: Db, ids: readonly string[]): Promise<ProviderSummary[]> {
  const unique = [...new Set(ids.map((i) => i.trim()).filter((i) => i !== ""))];
  if (unique.length < COMPARE_MIN || unique.length > COMPARE_MAX)
    throw new ValidationError("Choose 2 to 5 providers", [
      {
        field: "organisations",
        message: `Choose from ${COMPARE_MIN} to ${COMPARE_MAX} providers to compare`,
      },
    ]);
  const result: ProviderSummary[] = [];
  for (const id of unique) {
    const summary = await providerSummary(db, id);
    if (!summary)
      throw new ValidationError("Choose providers from the list", [
        {
          field: "organisations",
          message: "Choose providers from the directory: one of them could not be found",
        },
      ]);
    result.push(summary);
  }
  return result;
}

// The failing-providers view

/**
 * A service still in special measures after about 12 months without improving is a candidate for
 * cancellation (DOMAIN.md §3): the failing view says so.
 */
export const SPECIAL_MEASURES_MONTHS = 12;

export const FAILING_REASONS = [
  "special-measures",
  "special-measures-12-months",
  "inadequate-key-question",
  "reinspection-overdue",
  "unresolved-enforcement",
] as const;
export type FailingReason = (typeof FAILING_REASONS)[number];

export interface FailingLocation {
  location: repo.LocationRow;
  reasons: FailingReason[];
  /** When a re-inspection was due after the last Inadequate (YYYY-MM-DD), if one is. */
  reinspectionDue: string | null;
  contracts: AffectedContract[];
}

function addMonthsIso(iso: string, months: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const index = (y ?? 0) * 12 + ((m ?? 1) - 1) + months;
  const year = Math.floor(index / 12);
  const month = index % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${String(month + 1).padStart(2, "0")}-${String(Math.min(d ?? 1, last)).padStart(2, "0")}`;
}

/**
 * Every live location in special measures, with an Inadequate key question, with a re-inspection
 * overdue (the regime's months after an Inadequate with no later report) or with unresolved
 * enforcement, with the contracts affected. For regulators' staff and commissioners.
 */
export async function failingLocations(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  regulatorId?: string,
): Promise<FailingLocation[]> {
  const p = requireSignedIn(principal);
  if (!p.grants.some((g) => FAILING_VIEWERS.includes(g.role)))
    throw new ForbiddenError("The failing-providers view is for regulators' staff and commissioners.");
  const today = londonDate(clock.now());
  const rows = await repo.findLocations(db, {
    statuses: ["registered", "dormant", "suspended"],
    ...(regulatorId ? { regulatorId } : {}),
  });
  const regimes = new Map<string, Regime>();
  // Two queries for every location's current inspection and special measures, not two a location.
  const inspections = await repo.inspectionsByIds(
    db,
    rows.flatMap((r) => (r.current_inspection_id ? [r.current_inspection_id] : [])),
  );
  const specialSince = await repo.specialMeasuresSince(
    db,
    rows.filter((r) => r.special_measures).map((r) => r.id),
  );
  const result: FailingLocation[] = [];
  for (const row of rows) {
    const reasons: FailingReason[] = [];
    if (row.special_measures) {
      reasons.push("special-measures");
      const since = specialSince.get(row.id);
      if (since && today > addMonthsIso(londonDate(since), SPECIAL_MEASURES_MONTHS))
        reasons.push("special-measures-12-months");
    }
    const current = row.current_inspection_id ? inspections.get(row.current_inspection_id) : undefined;
    let due: string | null = null;
    if (current && anyInadequate(ratingsOf(current), current.overall)) {
      if (KEY_QUESTIONS.some((q) => ratingsOf(current)[q] === "inadequate"))
        reasons.push("inadequate-key-question");
      let regime = regimes.get(row.regulator_id);
      if (!regime) {
        regime = await regimeOf(db, row.regulator_id);
        regimes.set(row.regulator_id, regime);
      }
      due = addMonthsIso(current.inspected_on, regime.reinspectionMonths);
      if (today > due) reasons.push("reinspection-overdue");
    }
    if (row.enforcement_in_force - (row.special_measures ? 1 : 0) > 0) reasons.push("unresolved-enforcement");
    if (reasons.length === 0) continue;
    result.push({
      location: row,
      reasons,
      reinspectionDue: due,
      contracts: await contractsAffectedByLocation(db, clock, {
        organisationId: row.organisation_id,
        activities: row.activities,
      }),
    });
  }
  return result.sort(
    (a, b) => b.reasons.length - a.reasons.length || a.location.name.localeCompare(b.location.name, "en-GB"),
  );
}

export const FAILING_VIEWER_ROLES = FAILING_VIEWERS;

// Open data

export const locationsAfter = repo.locationsAfter;
export const publishedRatingsAfter = repo.publishedRatingsAfter;
export const findInspection = repo.findInspection;

/** What other modules may use of this module's tables. */
export type { Rating } from "./regulation.table.ts";
