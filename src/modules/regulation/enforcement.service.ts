/**
 * Enforcement (issue 7, item 6): the regulator's staff issue requirement notices, warning notices,
 * conditions and notices of proposal to cancel, and resolve them; special measures are entered and
 * left only by publishing reports (`inspections.service.ts`). A registration is cancelled only after
 * a notice of proposal to cancel whose representations period has ended, and the commissioners of
 * the contracts it affects are told. The failing-providers view lists every live location that
 * needs attention, with those contracts, for regulators' staff and commissioners.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, addMonths, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { collect } from "../../lib/ports.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { actorOf, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { type LocationView, locationView } from "./locations.service.ts";
import { anyInadequate } from "./ratings.ts";
import { type Regime, regimeOf } from "./regimes.service.ts";
import { moveRegistration } from "./registration.service.ts";
import { canMove, isInspectable } from "./registration-states.ts";
import { type AffectedContract, contractsAffected } from "./regulation.ports.ts";
import * as repo from "./regulation.repository.ts";
import {
  LIMITS,
  lockedRegistration,
  oneOf,
  ratingsOf,
  regulatorOf,
  requireRegulatorStaff,
  STATUS_WORDS,
  seenRegistration,
  tellProvider,
  text,
} from "./regulation.service.ts";
import { ENFORCEMENT_KINDS, type EnforcementKind, KEY_QUESTIONS } from "./regulation.table.ts";

export type { AffectedContract };

/** What staff issue by hand: special measures are entered automatically, cancellation through `cancelRegistration`. */
export const ISSUABLE: readonly EnforcementKind[] = [
  "requirement-notice",
  "warning-notice",
  "conditions",
  "proposal-to-cancel",
];

export const ENFORCEMENT_NAMES: Record<EnforcementKind, string> = {
  "requirement-notice": msg`Requirement notice`,
  "warning-notice": msg`Warning notice`,
  conditions: msg`Conditions imposed`,
  "special-measures": msg`Special measures`,
  "proposal-to-cancel": msg`Notice of proposal to cancel`,
  cancellation: msg`Cancellation of registration`,
};

/** The last day for representations after a notice of proposal to cancel issued at `at`. */
export function representationsUntil(at: Date, days: number): string {
  return addDays(londonDate(at), days);
}

/**
 * Issues an enforcement action (409 for a location not on the register, or a second notice of
 * proposal to cancel), audited; conditions are added to the registration's; the provider is told.
 * Checks no one: the caller has (seeds use it).
 */
export async function recordEnforcement(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  kind: EnforcementKind,
  details: string,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const registration = await lockedRegistration(inTrx, regulatorId, registrationId);
    if (!isInspectable(registration.status))
      throw new ConflictError(
        msg`${registration.name} is not on the register (its registration is ${STATUS_WORDS[registration.status]}).`,
        "not_registered",
      );
    const now = ctx.clock.now();
    let until: string | null = null;
    if (kind === "proposal-to-cancel") {
      if ((await repo.openEnforcement(trx, regulatorId, registration.id, "proposal-to-cancel")).length > 0)
        throw new ConflictError(
          msg`A notice of proposal to cancel is already in force for this location.`,
          "proposal_in_force",
        );
      until = representationsUntil(now, (await regimeOf(inTrx, regulatorId)).representationDays);
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
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorIn(ctx),
      action: `enforcement.${kind}`,
      entity: { type: "registration", id: registration.id },
      changes: { enforcementId: id, details, representationsUntil: until },
    });
    await tellProvider(inTrx, regulatorId, registration, {
      kind: "regulation.enforcement",
      subject: msg`${ENFORCEMENT_NAMES[kind]} for ${registration.name}`,
      body: [
        msg`${ENFORCEMENT_NAMES[kind]} issued for ${registration.name}: ${details}`,
        ...(until ? [msg`You may make representations until the end of ${longDate(until)}.`] : []),
      ].join("\n"),
      link: `/regulators/${regulatorId}/locations/${registration.id}`,
    });
    return id;
  });
}

/**
 * Takes enforcement action: 404 for a location unknown or not the caller's to see; then the
 * regulator's staff only (403); special measures and cancellation have their own ways (422).
 * Returns the location as it now is.
 */
export async function issueEnforcement(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  draft: { kind?: string; details?: string },
): Promise<LocationView> {
  await transaction(ctx.db, async (trx) => {
    await seenRegistration(within(ctx, trx), regulatorId, registrationId);
    const p = await requireRegulatorStaff(
      within(ctx, trx),
      regulatorId,
      "take enforcement action for this regulator",
    );
    const problems: FieldError[] = [];
    if (!oneOf(ENFORCEMENT_KINDS, draft.kind))
      problems.push({ field: "kind", message: msg`Choose the kind of enforcement action` });
    const details = text(draft.details);
    if (details === "" || details.length > LIMITS.text)
      problems.push({
        field: "details",
        message: msg`Say what the action requires of the provider, and why`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the enforcement action`, problems);
    const kind = draft.kind as EnforcementKind;
    if (!ISSUABLE.includes(kind))
      throw new UnprocessableError(
        kind === "special-measures"
          ? msg`Special measures are entered automatically when a report rating a location Inadequate overall is published`
          : msg`Cancel a registration with the cancel action, after a notice of proposal to cancel`,
        [
          {
            field: "kind",
            message: msg`Choose a requirement notice, warning notice, conditions or a notice of proposal to cancel`,
          },
        ],
        "enforcement_not_issuable",
      );
    await recordEnforcement(within(ctx, trx, actorOf(p)), regulatorId, registrationId, kind, details);
  });
  return locationView(ctx, regulatorId, registrationId);
}

/**
 * Marks an action as resolved (complied with, or withdrawn): 404 for an unknown action, then the
 * regulator's staff only (403). Special measures end only by re-inspection (409).
 */
export async function resolveEnforcement(
  ctx: Ctx,
  regulatorId: string,
  actionId: string,
  resolution: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    await regulatorOf(within(ctx, trx), regulatorId);
    const action = isUuid(actionId) ? await repo.lockEnforcement(trx, regulatorId, actionId) : undefined;
    if (!action) throw new NotFoundError("enforcement action");
    const p = await requireRegulatorStaff(
      within(ctx, trx),
      regulatorId,
      "take enforcement action for this regulator",
    );
    const why = text(resolution);
    if (why === "" || why.length > LIMITS.text)
      throw new ValidationError(msg`Say how it was resolved`, [
        {
          field: "resolution",
          message: msg`Say how the action was resolved: complied with, or withdrawn and why`,
        },
      ]);
    if (action.resolved_at)
      throw new ConflictError(msg`This action has already been resolved.`, "enforcement_resolved");
    if (action.kind === "special-measures" || action.kind === "cancellation")
      throw new ConflictError(
        action.kind === "special-measures"
          ? msg`Special measures end when a re-inspection finds nothing Inadequate: publish that report.`
          : msg`A cancellation is final.`,
        "enforcement_not_resolvable",
      );
    await repo.setEnforcementResolved(trx, regulatorId, action.id, why, ctx.clock.now());
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorOf(p),
      action: "enforcement.resolved",
      entity: { type: "registration", id: action.registration_id },
      changes: { enforcementId: action.id, kind: action.kind, resolution: why },
    });
  });
}

/**
 * The live contracts the organisation holds that need one of the location's regulated activities
 * (the contracts module keeps them, through the `contractsAffected` port): shown in the
 * failing-providers view, and told of when the registration is cancelled, so that their
 * commissioners can plan continuity of service.
 */
export async function contractsAffectedByLocation(
  ctx: Ctx,
  location: { organisationId: string; activities: readonly string[] },
): Promise<AffectedContract[]> {
  return (await collect(contractsAffected, ctx, location)).flat();
}

/** Tells the commissioners of each affected contract that the registration was cancelled. */
async function tellCommissioners(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  registration: { id: string; name: string },
  contracts: readonly AffectedContract[],
): Promise<void> {
  for (const contract of contracts)
    for (const userId of contract.commissionerUserIds)
      await notify(
        ctx.db,
        ctx.clock,
        {
          userId,
          authorityId: contract.authorityId,
          kind: "regulation.registration-cancelled",
          subject: msg`Provider registration cancelled: ${registration.name}`,
          body: msg`The registration of ${registration.name} has been cancelled. The contract "${contract.title}" depends on it: plan for continuity of service.`,
          link: `/regulators/${regulatorId}/locations/${registration.id}`,
        },
        { email: true, actor: actorIn(ctx) },
      );
}

/**
 * Cancels a registration after a notice of proposal to cancel whose representations period has
 * ended (409 before). Every other action in force is closed; the affected contracts (from the port)
 * are reported to their commissioners. Checks no one: the caller has.
 */
export async function recordCancellation(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  reason: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const registration = await lockedRegistration(inTrx, regulatorId, registrationId);
    if (!canMove(registration.status, "cancelled"))
      throw new ConflictError(
        msg`A registration with the status ${STATUS_WORDS[registration.status]} cannot be cancelled.`,
        "registration_transition",
      );
    const [proposal] = await repo.openEnforcement(trx, regulatorId, registration.id, "proposal-to-cancel");
    if (!proposal?.representations_until)
      throw new ConflictError(
        msg`Issue a notice of proposal to cancel first: the provider has a period to make representations.`,
        "no_proposal_to_cancel",
      );
    if (londonToday(ctx.clock) <= proposal.representations_until)
      throw new ConflictError(
        msg`The provider may make representations until the end of ${longDate(proposal.representations_until)}: cancel after that.`,
        "representations_running",
      );
    await moveRegistration(inTrx, regulatorId, registration, "cancelled", reason);
    const now = ctx.clock.now();
    for (const action of await repo.openEnforcement(trx, regulatorId, registration.id))
      await repo.setEnforcementResolved(trx, regulatorId, action.id, msg`Registration cancelled`, now);
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
    const contracts = await contractsAffectedByLocation(inTrx, {
      organisationId: registration.organisation_id,
      activities,
    });
    await tellCommissioners(inTrx, regulatorId, registration, contracts);
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorIn(ctx),
      action: "enforcement.cancellation",
      entity: { type: "registration", id: registration.id },
      changes: { enforcementId: id, reason, contractsAffected: contracts.map((c) => c.contractId) },
    });
  });
}

/**
 * Cancels a registration (as `recordCancellation`): 404 for a location unknown or not the caller's to
 * see; then the regulator's staff only (403). Returns the location.
 */
export async function cancelRegistration(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  reason: string,
): Promise<LocationView> {
  await transaction(ctx.db, async (trx) => {
    await seenRegistration(within(ctx, trx), regulatorId, registrationId);
    const p = await requireRegulatorStaff(
      within(ctx, trx),
      regulatorId,
      "cancel registrations with this regulator",
    );
    const why = text(reason);
    if (why === "" || why.length > LIMITS.text)
      throw new ValidationError(msg`Give the reason`, [
        { field: "cancelReason", message: msg`Give the reason for cancelling the registration` },
      ]);
    await recordCancellation(within(ctx, trx, actorOf(p)), regulatorId, registrationId, why);
  });
  return locationView(ctx, regulatorId, registrationId);
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

/** Who sees the failing-providers view: regulators and commissioners. */
export const FAILING_VIEWER_ROLES: readonly Role[] = [
  "regulator-staff",
  "commissioner",
  "authority-admin",
  "platform-admin",
];

/** Regulators' staff and commissioners (401, 403 otherwise). */
export function requireFailingViewer(principal: Principal | null): Principal {
  const p = requireSignedIn(principal);
  if (!p.grants.some((g) => FAILING_VIEWER_ROLES.includes(g.role)))
    throw new ForbiddenError(msg`The failing-providers view is for regulators' staff and commissioners.`);
  return p;
}

export interface FailingLocation {
  location: repo.LocationRow;
  reasons: FailingReason[];
  /** When a re-inspection was due after the last Inadequate (YYYY-MM-DD), if one is. */
  reinspectionDue: string | null;
  contracts: AffectedContract[];
}

/**
 * Every live location in special measures, with an Inadequate key question, with a re-inspection
 * overdue (the regime's months after an Inadequate with no later report) or with unresolved
 * enforcement, with the contracts affected. For regulators' staff and commissioners.
 */
export async function failingLocations(ctx: Ctx, regulatorId?: string): Promise<FailingLocation[]> {
  requireFailingViewer(ctx.principal);
  const { db } = ctx;
  const today = londonToday(ctx.clock);
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
      if (since && today > addMonths(londonDate(since), SPECIAL_MEASURES_MONTHS))
        reasons.push("special-measures-12-months");
    }
    const current = row.current_inspection_id ? inspections.get(row.current_inspection_id) : undefined;
    let due: string | null = null;
    if (current && anyInadequate(ratingsOf(current), current.overall)) {
      if (KEY_QUESTIONS.some((q) => ratingsOf(current)[q] === "inadequate"))
        reasons.push("inadequate-key-question");
      let regime = regimes.get(row.regulator_id);
      if (!regime) {
        regime = await regimeOf(ctx, row.regulator_id);
        regimes.set(row.regulator_id, regime);
      }
      due = addMonths(current.inspected_on, regime.reinspectionMonths);
      if (today > due) reasons.push("reinspection-overdue");
    }
    if (row.enforcement_in_force - (row.special_measures ? 1 : 0) > 0) reasons.push("unresolved-enforcement");
    if (reasons.length === 0) continue;
    result.push({
      location: row,
      reasons,
      reinspectionDue: due,
      contracts: await contractsAffectedByLocation(ctx, {
        organisationId: row.organisation_id,
        activities: row.activities,
      }),
    });
  }
  return result.sort(
    (a, b) => b.reasons.length - a.reasons.length || a.location.name.localeCompare(b.location.name, "en-GB"),
  );
}
