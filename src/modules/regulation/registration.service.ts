/**
 * Registration (issue 7, item 2): a provider organisation's administrator applies to register a
 * location (or the regulator's staff record a paper application), inside the regulator's regime
 * only; the regulator registers it (optionally with conditions) or refuses it, and moves it between
 * registered, dormant and suspended, each move dated with its reason and told to the provider.
 * Cancellation is enforcement's (`enforcement.service.ts`): it needs a notice first.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { notifyAll } from "../../lib/ports.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { assertBodyVerified } from "../authorities/authorities.service.ts";
import { existingAreaCodes } from "../vocabularies/vocabularies.service.ts";
import { type LocationView, locationView } from "./locations.service.ts";
import { type Regime, regimeOf } from "./regimes.service.ts";
import { canMove } from "./registration-states.ts";
import { registrationChanged } from "./regulation.ports.ts";
import * as repo from "./regulation.repository.ts";
import {
  canManage,
  codeNames,
  LIMITS,
  lockedRegistration,
  type Names,
  namesOf,
  oneOf,
  regulatorOf,
  requireRegulatorStaff,
  STATUS_WORDS,
  seenRegistration,
  tellProvider,
  text,
  wholeNumber,
} from "./regulation.service.ts";
import {
  CAPACITY_UNITS,
  type CapacityUnit,
  type Registration,
  type RegistrationStatus,
} from "./regulation.table.ts";

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

/** Each field of an application at fault (400), every one named. */
async function applicationProblems(ctx: Ctx, draft: ApplicationDraft): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  const organisationId = text(draft.organisationId);
  if (!isUuid(organisationId) || (await repo.organisationName(ctx.db, organisationId)) === undefined)
    problems.push({
      field: "organisationId",
      message: msg`Choose the provider from the directory of organisations`,
    });
  const name = text(draft.name);
  if (name === "" || name.length > LIMITS.name)
    problems.push({
      field: "name",
      message: msg`Enter the location's name, in ${LIMITS.name} characters or fewer`,
    });
  const addressLine1 = text(draft.addressLine1);
  if (addressLine1 === "" || addressLine1.length > LIMITS.address)
    problems.push({ field: "addressLine1", message: msg`Enter the first line of the location's address` });
  const town = text(draft.town);
  if (town === "" || town.length > LIMITS.town)
    problems.push({ field: "town", message: msg`Enter the town or city` });
  if (!normalisePostcode(text(draft.postcode)))
    problems.push({ field: "postcode", message: msg`Enter a real postcode, like WS1 2AB` });
  const areaCode = text(draft.areaCode);
  if (areaCode === "" || !(await existingAreaCodes(ctx.db, [areaCode])).has(areaCode))
    problems.push({ field: "areaCode", message: msg`Choose the local authority area the location is in` });
  const capacity = wholeNumber(draft.capacity);
  if (capacity === null || capacity > 100000)
    problems.push({ field: "capacity", message: msg`Enter the capacity as a whole number, like 40` });
  if (!oneOf(CAPACITY_UNITS, draft.capacityUnit))
    problems.push({
      field: "capacityUnit",
      message: msg`Choose whether the capacity is in beds, places or people`,
    });
  const registeredManager = text(draft.registeredManager);
  if (registeredManager === "" || registeredManager.length > LIMITS.name)
    problems.push({ field: "registeredManager", message: msg`Enter the name of the registered manager` });
  if ((draft.serviceTypes ?? []).length === 0)
    problems.push({
      field: "serviceTypes",
      message: msg`Choose at least one service type provided at the location`,
    });
  if ((draft.activities ?? []).length === 0)
    problems.push({
      field: "activities",
      message: msg`Choose at least one regulated activity carried on at the location`,
    });
  return problems;
}

/**
 * Checks an application: each field (400, every one at fault); then the regime (422): the service
 * types and activities must be ones this regulator covers — a regulator cannot act outside it.
 */
export async function checkApplication(
  ctx: Ctx,
  regime: Regime,
  draft: ApplicationDraft,
): Promise<Application> {
  const problems = await applicationProblems(ctx, draft);
  if (problems.length > 0) throw new ValidationError(msg`Check the application`, problems);
  if (!regime.set)
    throw new UnprocessableError(
      msg`This regulator has not set out its regime yet: it cannot register locations until it says which service types and activities it covers`,
      [],
      "regime_not_set",
    );
  const serviceTypes = [...new Set(draft.serviceTypes ?? [])].sort();
  const activities = [...new Set(draft.activities ?? [])].sort();
  const outside: FieldError[] = [];
  const typesOutside = serviceTypes.filter((c) => !regime.serviceTypes.includes(c));
  const activitiesOutside = activities.filter((c) => !regime.activities.includes(c));
  if (typesOutside.length > 0)
    outside.push({
      field: "serviceTypes",
      message: msg`This regulator does not cover ${await codeNames(ctx, "serviceTypes", typesOutside)}: choose service types within its regime`,
    });
  if (activitiesOutside.length > 0)
    outside.push({
      field: "activities",
      message: msg`This regulator does not regulate ${await codeNames(ctx, "activities", activitiesOutside)}: choose activities within its regime`,
    });
  if (outside.length > 0)
    throw new UnprocessableError(
      msg`The application is outside this regulator's regime`,
      outside,
      "outside_regime",
    );
  return {
    organisationId: text(draft.organisationId),
    name: text(draft.name),
    addressLine1: text(draft.addressLine1),
    town: text(draft.town),
    postcode: normalisePostcode(text(draft.postcode)) ?? "",
    areaCode: text(draft.areaCode),
    capacity: wholeNumber(draft.capacity) ?? 0,
    capacityUnit: draft.capacityUnit as CapacityUnit,
    registeredManager: text(draft.registeredManager),
    serviceTypes,
    activities,
  };
}

/** The person acting, for a registration event (null for the system). */
function actorIdIn(ctx: Ctx): string | null {
  const actor = actorIn(ctx);
  return actor.type === "user" || actor.type === "token" ? (actor.id ?? null) : null;
}

/**
 * Records a checked application, audited (the manager's name is not copied into the audit trail).
 * Checks no one: the caller has (seeds use it).
 */
export async function recordApplication(
  ctx: Ctx,
  regulatorId: string,
  application: Application,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
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
      actor_id: actorIdIn(ctx),
    });
    const { registeredManager: _manager, ...audited } = application;
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorIn(ctx),
      action: "registration.applied",
      entity: { type: "registration", id },
      changes: audited,
    });
    return id;
  });
}

/**
 * A provider organisation's administrator applies to register a location; the regulator's staff may
 * also record an application made to them on paper (404 for an unknown regulator first, then 403).
 * Returns the location as the applicant sees it.
 */
export async function applyForRegistration(
  ctx: Ctx,
  regulatorId: string,
  draft: ApplicationDraft,
): Promise<LocationView> {
  const id = await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const p = requireSignedIn(ctx.principal);
    await regulatorOf(inTrx, regulatorId);
    const organisationId = text(draft.organisationId);
    const administers = p.grants.some((g) => g.role === "organisation-admin");
    if (organisationId === "" && administers && !canManage(p, regulatorId))
      throw new ValidationError(msg`Choose the organisation`, [
        { field: "organisationId", message: msg`Choose the organisation that is applying` },
      ]);
    if (!canManage(p, regulatorId) && !hasRole(p, "organisation-admin", organisationId))
      throw new ForbiddenError(
        msg`You can apply to register a location only for an organisation you administer. Ask its administrator.`,
      );
    await assertBodyVerified(trx, regulatorId, "regulator");
    const application = await checkApplication(inTrx, await regimeOf(inTrx, regulatorId), draft);
    return recordApplication(within(ctx, trx, actorOf(p)), regulatorId, application);
  });
  return locationView(ctx, regulatorId, id);
}

export interface ApplicationForm extends Names {
  regulator: Awaited<ReturnType<typeof regulatorOf>>;
  /** The organisations this person may apply for: all for the regulator's staff, their own for providers. */
  organisations: { id: string; name: string }[];
  regime: Regime;
  regimeCategories: Names["categories"];
  regimeActivities: Names["activities"];
}

/**
 * What the application form offers this person: 403 for anyone who neither administers a provider
 * nor acts for the regulator.
 */
export async function applicationForm(ctx: Ctx, regulatorId: string): Promise<ApplicationForm> {
  const p = requireSignedIn(ctx.principal);
  const regulator = await regulatorOf(ctx, regulatorId);
  const all = await repo.organisationChoices(ctx.db);
  const organisations = hasRole(p, ["regulator-staff", "platform-admin"], regulator.id)
    ? all
    : all.filter((o) => hasRole(p, "organisation-admin", o.id));
  if (organisations.length === 0)
    throw new ForbiddenError(
      msg`Only an administrator of a provider organisation, or the regulator's staff, can apply to register a location.`,
    );
  const [regime, names] = await Promise.all([regimeOf(ctx, regulator.id), namesOf(ctx)]);
  return {
    regulator,
    organisations,
    regime,
    ...names,
    regimeCategories: names.categories.filter((c) => regime.serviceTypes.includes(c.code)),
    regimeActivities: names.activities.filter((a) => regime.activities.includes(a.code)),
  };
}

/**
 * Moves a locked registration along the lifecycle (409 for a move it forbids): dated, with its
 * reason, audited; the provider is told, and the modules above (`registrationChanged`: choice's
 * lists) in the same transaction. Checks no one: the caller has.
 */
export async function moveRegistration(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  registration: Registration,
  to: RegistrationStatus,
  reason: string,
  conditions: string = registration.conditions,
): Promise<void> {
  if (!canMove(registration.status, to))
    throw new ConflictError(
      msg`A registration that is ${STATUS_WORDS[registration.status]} cannot become ${STATUS_WORDS[to]}.`,
      "registration_transition",
    );
  const { db: trx, clock } = ctx;
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
    actor_id: actorIdIn(ctx),
  });
  await recordAudit(trx, clock, {
    authorityId: regulatorId,
    actor: actorIn(ctx),
    action: `registration.${to}`,
    entity: { type: "registration", id: registration.id },
    changes: { from: registration.status, to, reason, conditions },
  });
  await tellProvider(ctx, regulatorId, registration, {
    kind: "regulation.registration-changed",
    subject: msg`${registration.name}: registration ${STATUS_WORDS[to]}`,
    body: [
      msg`The registration of ${registration.name} is now ${STATUS_WORDS[to]}. Reason: ${reason}`,
      ...(conditions && to === "registered" ? [msg`Conditions: ${conditions}`] : []),
    ].join("\n"),
    link: `/regulators/${regulatorId}/locations/${registration.id}`,
  });
  await notifyAll(registrationChanged, ctx, {
    regulatorId,
    registrationId: registration.id,
    organisationId: registration.organisation_id,
    from: registration.status,
    to,
    reason,
  });
}

/** Moves a registration along the lifecycle (as `moveRegistration`). Checks no one: seeds use it. */
export async function recordRegistrationMove(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  to: RegistrationStatus,
  reason: string,
  conditions?: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const registration = await lockedRegistration(inTrx, regulatorId, registrationId);
    await moveRegistration(inTrx, regulatorId, registration, to, reason, conditions);
  });
}

export interface DecisionDraft {
  to?: string;
  reason?: string;
  conditions?: string;
}

/**
 * The regulator decides an application or changes a registration's status (not cancelling): 404 for
 * a location unknown or not the caller's to see; then its staff only (403). Returns the location as
 * it now is.
 */
export async function decideRegistration(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  draft: DecisionDraft,
): Promise<LocationView> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const registration = await seenRegistration(inTrx, regulatorId, registrationId);
    const p = await requireRegulatorStaff(inTrx, regulatorId, "change registrations with this regulator");
    const problems: FieldError[] = [];
    const choices = ["registered", "refused", "dormant", "suspended"] as const;
    if (!oneOf(choices, draft.to))
      problems.push({
        field: "to",
        message: msg`Choose the new status: registered, refused, dormant or suspended`,
      });
    const reason = text(draft.reason);
    if (reason === "" || reason.length > LIMITS.text)
      problems.push({ field: "reason", message: msg`Give the reason for the decision` });
    const conditions = text(draft.conditions);
    if (conditions.length > LIMITS.text)
      problems.push({
        field: "conditions",
        message: msg`Enter conditions of ${LIMITS.text} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the decision`, problems);
    const to = draft.to as RegistrationStatus;
    if (conditions !== "" && to !== "registered")
      throw new UnprocessableError(
        msg`Conditions are set when registering`,
        [
          {
            field: "conditions",
            message: msg`Leave conditions empty unless the location is being registered`,
          },
        ],
        "conditions_need_registration",
      );
    await moveRegistration(
      within(ctx, trx, actorOf(p)),
      regulatorId,
      registration,
      to,
      reason,
      to === "registered" ? conditions : registration.conditions,
    );
  });
  return locationView(ctx, regulatorId, registrationId);
}
