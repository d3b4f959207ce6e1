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
 *
 * The module's services, by section: `regimes.service.ts` (regulators and their regimes),
 * `registration.service.ts` (applications and the lifecycle), `locations.service.ts` (a location
 * and its reports, as pages and the API show them), `inspections.service.ts` (inspections, ratings,
 * the factual-accuracy challenge, publishing), `enforcement.service.ts` (the enforcement ladder,
 * cancellation and the failing-providers view), `find.service.ts` (Find a service, compare,
 * provider summaries) and `open-data.service.ts`. This file holds what they share — who acts for a
 * regulator, the limits, the notices to the provider — and what other modules ask of regulation:
 * the award gate (`hasCurrentRegistration`).
 */
import type { Trx } from "../../db/database.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Language, londonDate, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { grantsInScope, hasRole, requireRole, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { assertBodyVerified } from "../authorities/authorities.service.ts";
import { type NoticeKind, notify } from "../notifications/notifications.service.ts";
import { listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import type { KeyQuestionRatings } from "./ratings.ts";
import * as repo from "./regulation.repository.ts";
import type { Inspection, Rating, Registration, RegistrationStatus } from "./regulation.table.ts";

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

const STAFF: Role = "regulator-staff";
/** A provider's own people: they see its applications and draft reports, and challenge them. */
export const PROVIDER_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

/** Whether `value` is one of `values`. */
export function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

/** Text as sent, trimmed ("" for anything that is not a string). */
export function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/** A whole number as typed ("12") or sent (12), or null. */
export function wholeNumber(value: string | number | undefined): number | null {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  const t = (value ?? "").trim();
  return /^\d{1,6}$/.test(t) ? Number(t) : null;
}

// Who may do what

/** The regulator, or 404 (also for a malformed id or a body that is not a regulator). */
export async function regulatorOf(ctx: Ctx, regulatorId: string): Promise<repo.RegulatorRow> {
  const regulator = isUuid(regulatorId) ? await repo.findRegulator(ctx.db, regulatorId) : undefined;
  if (!regulator) throw new NotFoundError("regulator");
  return regulator;
}

/**
 * Staff of this regulator (or a platform administrator), once it is verified: 401, then 404 for an
 * unknown regulator, then 403 (one order of checks, security finding 14).
 */
export async function requireRegulatorStaff(ctx: Ctx, regulatorId: string, what: string): Promise<Principal> {
  requireSignedIn(ctx.principal);
  await regulatorOf(ctx, regulatorId);
  const p = requireRole(ctx.principal, STAFF, regulatorId, what);
  await assertBodyVerified(ctx.db, regulatorId, "regulator");
  return p;
}

/** Whether this person acts for the regulator (its staff, or a platform administrator). */
export function canManage(principal: Principal | null, regulatorId: string): boolean {
  return hasRole(principal, [STAFF, "platform-admin"], regulatorId);
}

/** Whether this person acts for the provider organisation (not a platform administrator). */
export function actsForProvider(principal: Principal | null, organisationId: string): boolean {
  return hasRole(principal, PROVIDER_ROLES, organisationId) && !hasRole(principal, "platform-admin");
}

/**
 * Whether this person may see the location at all: applications and refusals are seen only by the
 * regulator's staff and the provider; for anyone else they are not found.
 */
export function maySeeRegistration(
  principal: Principal | null,
  registration: Pick<Registration, "regulator_id" | "organisation_id" | "status">,
): boolean {
  return (
    (registration.status !== "applied" && registration.status !== "refused") ||
    canManage(principal, registration.regulator_id) ||
    actsForProvider(principal, registration.organisation_id)
  );
}

/** Whether this person may see the inspection report: draft reports only the regulator's staff and the provider. */
export function maySeeInspection(
  principal: Principal | null,
  inspection: Pick<Inspection, "status">,
  registration: Pick<Registration, "regulator_id" | "organisation_id" | "status">,
): boolean {
  return (
    maySeeRegistration(principal, registration) &&
    (inspection.status === "published" ||
      canManage(principal, registration.regulator_id) ||
      actsForProvider(principal, registration.organisation_id))
  );
}

// What the pages name: service types, activities and areas by their codes

export interface Names {
  serviceTypeNames: Record<string, string>;
  activityNames: Record<string, string>;
  categories: Awaited<ReturnType<typeof listServiceCategories>>;
  activities: { code: string; name: string }[];
  areas: Awaited<ReturnType<typeof listAreas>>;
}

/** The service categories, regulated activities and areas, with their names by code. */
export async function namesOf(ctx: Ctx): Promise<Names> {
  const [categories, activities, areas] = await Promise.all([
    listServiceCategories(ctx.db),
    repo.regulatedActivities(ctx.db),
    listAreas(ctx.db),
  ]);
  return {
    serviceTypeNames: Object.fromEntries(categories.map((c) => [c.code, c.name])),
    activityNames: Object.fromEntries(activities.map((a) => [a.code, a.name])),
    categories,
    activities,
    areas,
  };
}

/** Service types or regulated activities by their names, as a message lists them ("Adult social care, Mental health"). */
export async function codeNames(
  ctx: Ctx,
  kind: "serviceTypes" | "activities",
  codes: readonly string[],
): Promise<string> {
  const names = await namesOf(ctx);
  const byCode = kind === "serviceTypes" ? names.serviceTypeNames : names.activityNames;
  return codes.map((c) => byCode[c] ?? c).join(", ");
}

// Registrations and inspections, locked for a change

export const STATUS_WORDS: Record<RegistrationStatus, string> = {
  applied: msg`applied`,
  registered: msg`registered`,
  dormant: msg`dormant`,
  suspended: msg`suspended`,
  cancelled: msg`cancelled`,
  refused: msg`refused`,
};

/** The locked registration of this regulator, or 404 (also when it is another regulator's). */
export async function lockedRegistration(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  registrationId: string,
): Promise<Registration> {
  const registration = isUuid(registrationId)
    ? await repo.lockRegistration(ctx.db, regulatorId, registrationId)
    : undefined;
  if (!registration) throw new NotFoundError("registered location");
  return registration;
}

/** The locked inspection of this regulator, or 404. */
export async function lockedInspection(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  inspectionId: string,
): Promise<Inspection> {
  const inspection = isUuid(inspectionId)
    ? await repo.lockInspection(ctx.db, regulatorId, inspectionId)
    : undefined;
  if (!inspection) throw new NotFoundError("inspection");
  return inspection;
}

/**
 * The locked registration a person acts on, as they may see it (security finding 14: what is
 * unknown or not theirs to see is 404 before any 403): 401 for the public; 404 for an unknown
 * regulator or location, or an application or refusal they may not see. Who may act is the caller's
 * to ask next (403), then the state (409).
 */
export async function seenRegistration(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  registrationId: string,
): Promise<Registration> {
  requireSignedIn(ctx.principal);
  await regulatorOf(ctx, regulatorId);
  const registration = await lockedRegistration(ctx, regulatorId, registrationId);
  if (!maySeeRegistration(ctx.principal, registration)) throw new NotFoundError("registered location");
  return registration;
}

/**
 * The locked inspection a person acts on, and its location's registration (locked after it), as
 * they may see them: 401 for the public; 404 for an unknown regulator or inspection, or a draft
 * report they may not see. Who may act is the caller's to ask next (403), then the state (409).
 */
export async function seenInspection(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  inspectionId: string,
): Promise<{ inspection: Inspection; registration: Registration }> {
  requireSignedIn(ctx.principal);
  await regulatorOf(ctx, regulatorId);
  const inspection = await lockedInspection(ctx, regulatorId, inspectionId);
  const registration = await lockedRegistration(ctx, regulatorId, inspection.registration_id);
  if (!maySeeInspection(ctx.principal, inspection, registration)) throw new NotFoundError("inspection");
  return { inspection, registration };
}

// Ratings as people read them

export function ratingsOf(inspection: Inspection): KeyQuestionRatings {
  return {
    safe: inspection.safe,
    effective: inspection.effective,
    caring: inspection.caring,
    responsive: inspection.responsive,
    "well-led": inspection.well_led,
  };
}

export function ratingName(rating: Rating): string {
  return {
    outstanding: msg`Outstanding`,
    good: msg`Good`,
    "requires-improvement": msg`Requires improvement`,
    inadequate: msg`Inadequate`,
  }[rating];
}

/**
 * "the end of 4 December 2026": the last day of a period ending at `ends` (midnight after it). In
 * Welsh "ddiwedd 4 Rhagfyr 2026", mutated as it is after "tan" and "ar", where the pages put it.
 */
export function periodEndText(ends: Date, lang: Language = "en"): string {
  const lastDay = longDate(londonDate(new Date(ends.getTime() - 1)), lang);
  return lang === "cy" ? `ddiwedd ${lastDay}` : msg`the end of ${lastDay}`;
}

// Notifications to the provider

/**
 * Tells the provider organisation's administrators (in the app and by email), in the caller's
 * transaction, as `actorIn(ctx)`.
 */
export async function tellProvider(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  registration: Registration,
  message: { kind: NoticeKind; subject: string; body: string; link: string },
): Promise<void> {
  const admins = (await grantsInScope(ctx.db, registration.organisation_id)).filter(
    (g) => g.role === "organisation-admin",
  );
  for (const userId of new Set(admins.map((g) => g.user_id)))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: regulatorId,
        organisationId: registration.organisation_id,
        kind: message.kind,
        subject: message.subject.slice(0, 200),
        body: message.body,
        link: message.link,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

// The gate for awarding contracts (issue 6)

/**
 * Whether the organisation has a current registration (status registered, with or without
 * conditions) for the regulated activity with any regulator. The award step of issue 6 refuses a
 * contract requiring the activity otherwise. Public.
 */
export async function hasCurrentRegistration(
  ctx: Ctx,
  organisationId: string,
  activity: string,
): Promise<boolean> {
  if (!isUuid(organisationId)) return false;
  return repo.hasRegistrationFor(ctx.db, organisationId, activity);
}

/** The message the award step shows when the gate refuses. */
export function noRegistrationMessage(organisationName: string, activity: string): string {
  return `${organisationName} has no current registration for the regulated activity "${activity}", so it cannot be awarded a contract that requires it. It must be registered with the regulator first.`;
}

/** What other modules may use of this module's tables. */
export type { Rating } from "./regulation.table.ts";

/** A regulator's registered locations counted by service type, area and current rating's rank (the market's figures). Public facts; checks no one. */
export const currentRatingCounts = repo.currentRatingCounts;
/** Registered locations by provider and current rating's rank, every regulator's. Public figures; checks no one. */
export const currentRatingsByProvider = repo.currentRatingsByProvider;

/** The providers a regulator registers (a location of theirs), a page in id order after `after`. Checks no one. */
export const providersRegisteredBy = repo.providersRegisteredBy;
/** Whether a regulator registers a location of the provider. Checks no one. */
export const registersProvider = repo.registersProvider;
/** The first providers, by name, with a registered location in an area. Public facts; checks no one. */
export const providersInArea = repo.providersInArea;
