/**
 * Inspections and ratings (issue 7, items 3–5; issue 14). The regulator's staff rate the five key
 * questions; the overall rating follows the ordered aggregation rules with the breach cap
 * (ratings.ts) unless the inspector departs from it with a reason that is published with it — and
 * a departure never lifts a breached rating above the cap. The draft report goes to the provider,
 * who may challenge its factual accuracy, point by point, within the regime's working days; the
 * regulator answers every point, and corrects the draft (a new version) for each point it accepts,
 * then publishes. An overall Inadequate enters special measures; a published re-inspection with
 * nothing Inadequate leaves them.
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
import { endOfLondonDay, isIsoDate, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { notifyAll } from "../../lib/ports.ts";
import { addWorkingDays } from "../../lib/working-days.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  awaitingCorrection,
  type InspectionView,
  inspectionById,
  inspectionReport,
  type LocationView,
  locationView,
} from "./locations.service.ts";
import {
  type Aggregation,
  aggregateRatings,
  anyInadequate,
  BREACH_CAP,
  isRating,
  type KeyQuestionRatings,
  ratingRank,
} from "./ratings.ts";
import { regimeOf } from "./regimes.service.ts";
import { isInspectable } from "./registration-states.ts";
import { ratingPublished } from "./regulation.ports.ts";
import * as repo from "./regulation.repository.ts";
import {
  LIMITS,
  lockedInspection,
  lockedRegistration,
  oneOf,
  PROVIDER_ROLES,
  periodEndText,
  ratingName,
  ratingsOf,
  regulatorOf,
  requireRegulatorStaff,
  STATUS_WORDS,
  seenInspection,
  seenRegistration,
  tellProvider,
  text,
} from "./regulation.service.ts";
import {
  type Inspection,
  KEY_QUESTIONS,
  type KeyQuestion,
  type Rating,
  type ReportContent,
} from "./regulation.table.ts";

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
  safe: msg`Safe`,
  effective: msg`Effective`,
  caring: msg`Caring`,
  responsive: msg`Responsive`,
  "well-led": msg`Well-led`,
};

/** Each field of an inspection at fault (400), and the key questions' ratings as given. */
function inspectionProblems(draft: InspectionDraft): {
  problems: FieldError[];
  ratings: Partial<Record<KeyQuestion, Rating>>;
} {
  const problems: FieldError[] = [];
  if (!isIsoDate(text(draft.inspectedOn)))
    problems.push({
      field: "inspectedOn",
      message: msg`Enter the date of the inspection as a real date, like 3 11 2026`,
    });
  const inspectors = text(draft.inspectors);
  if (inspectors === "" || inspectors.length > LIMITS.inspectors)
    problems.push({ field: "inspectors", message: msg`Enter the inspectors who carried out the inspection` });
  const evidenceSummary = text(draft.evidenceSummary);
  if (evidenceSummary === "" || evidenceSummary.length > LIMITS.evidence)
    problems.push({
      field: "evidenceSummary",
      message: msg`Enter a summary of the evidence the ratings rest on`,
    });
  const ratings: Partial<Record<KeyQuestion, Rating>> = {};
  for (const q of KEY_QUESTIONS) {
    const value = draft.ratings?.[q];
    if (!isRating(value))
      problems.push({
        field: `rating-${q}`,
        message: msg`Rate ${QUESTION_NAMES[q]} as Outstanding, Good, Requires improvement or Inadequate`,
      });
    else ratings[q] = value;
  }
  const breachDetails = text(draft.breachDetails);
  if (draft.breach === true && breachDetails === "")
    problems.push({ field: "breachDetails", message: msg`Say which regulations were breached, and how` });
  if (breachDetails.length > LIMITS.text)
    problems.push({
      field: "breachDetails",
      message: msg`Enter breach details of ${LIMITS.text} characters or fewer`,
    });
  const overallGiven = text(draft.overall);
  if (overallGiven !== "" && !isRating(overallGiven))
    problems.push({
      field: "overall",
      message: msg`Choose the overall rating from Outstanding, Good, Requires improvement or Inadequate, or leave it to the rules`,
    });
  if (text(draft.departureReason).length > LIMITS.text)
    problems.push({
      field: "departureReason",
      message: msg`Enter a reason of ${LIMITS.text} characters or fewer`,
    });
  return { problems, ratings };
}

/**
 * Checks an inspection: each field, a rating for each key question on the four-point scale (400);
 * then an inspection date in the future, an overall rating above the breach cap when a breach is
 * recorded (a departure never lifts it above the cap), or a departure from the aggregated rating
 * without a recorded reason (422).
 */
export function checkInspection(ctx: Ctx, draft: InspectionDraft): CheckedInspection {
  const { problems, ratings } = inspectionProblems(draft);
  if (problems.length > 0) throw new ValidationError(msg`Check the inspection`, problems);
  const inspectedOn = text(draft.inspectedOn);
  const breach = draft.breach === true;
  const overallGiven = text(draft.overall);
  const departureReason = text(draft.departureReason);
  const complete = ratings as KeyQuestionRatings;
  const aggregation = aggregateRatings(complete, breach);
  const overall = (overallGiven === "" ? aggregation.overall : overallGiven) as Rating;
  const invalid: FieldError[] = [];
  if (inspectedOn > londonToday(ctx.clock))
    invalid.push({ field: "inspectedOn", message: msg`The inspection date cannot be in the future` });
  if (breach && ratingRank(overall) < ratingRank(BREACH_CAP))
    invalid.push({
      field: "overall",
      message: msg`A breach of regulations caps the overall rating at ${ratingName(BREACH_CAP)}, whatever the reason for departing: rate it ${ratingName(BREACH_CAP)} or Inadequate, or leave it to the rules`,
    });
  else if (overall !== aggregation.overall && departureReason === "")
    invalid.push({
      field: "departureReason",
      message: msg`The rules give ${ratingName(aggregation.overall)}: record the reason for rating it ${ratingName(overall)} instead, or accept the rules' rating`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError(msg`These details do not fit together`, invalid, "inspection_invalid");
  return {
    inspectedOn,
    inspectors: text(draft.inspectors),
    evidenceSummary: text(draft.evidenceSummary),
    ratings: complete,
    breach,
    breachDetails: breach ? text(draft.breachDetails) : "",
    aggregation,
    overall,
    departureReason: overall === aggregation.overall ? null : departureReason,
  };
}

/** When the factual-accuracy period of a draft sent at `sentAt` ends: midnight after the last working day. */
export function factualAccuracyEnds(
  sentAt: Date,
  workingDays: number,
  nation: repo.RegulatorRow["nation"],
): Date {
  return endOfLondonDay(addWorkingDays(londonDate(sentAt), workingDays, nation));
}

/**
 * Records a checked inspection as a draft report sent to the provider, audited: 404 for a location
 * not on this regulator's register, 409 for one not registered. Checks no one: the caller has
 * (seeds use it).
 */
export async function recordInspection(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  checked: CheckedInspection,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const { clock } = ctx;
    const regulator = await regulatorOf(inTrx, regulatorId);
    const registration = await lockedRegistration(inTrx, regulatorId, registrationId);
    if (!isInspectable(registration.status))
      throw new ConflictError(
        msg`${registration.name} is not on the register (its registration is ${STATUS_WORDS[registration.status]}): only registered, dormant or suspended locations are inspected.`,
        "not_registered",
      );
    const regime = await regimeOf(inTrx, regulatorId);
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
      actor: actorIn(ctx),
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
    await tellProvider(inTrx, regulatorId, registration, {
      kind: "regulation.draft-report",
      subject: msg`Draft inspection report for ${registration.name}`,
      body: msg`The draft report of the inspection of ${registration.name} on ${longDate(checked.inspectedOn)} is ready. You may challenge its factual accuracy until ${periodEndText(ends)}.`,
      link: `/regulators/${regulatorId}/locations/${registrationId}/inspections/${id}`,
    });
    return id;
  });
}

/**
 * The regulator's staff inspect a location: its ratings recorded and the draft report sent to the
 * provider. 404 for a location unknown or not the caller's to see, then 403. Returns the draft report.
 */
export async function inspectLocation(
  ctx: Ctx,
  regulatorId: string,
  registrationId: string,
  draft: InspectionDraft,
): Promise<InspectionView> {
  const id = await transaction(ctx.db, async (trx) => {
    await seenRegistration(within(ctx, trx), regulatorId, registrationId);
    const p = await requireRegulatorStaff(
      within(ctx, trx),
      regulatorId,
      "inspect and rate locations for this regulator",
    );
    const checked = checkInspection(ctx, draft);
    return recordInspection(within(ctx, trx, actorOf(p)), regulatorId, registrationId, checked);
  });
  return (await inspectionReport(ctx, regulatorId, registrationId, id)).report;
}

/** What the inspection form shows: the location (404 as `locationView`). For the regulator's staff (403). */
export async function inspectionForm(
  ctx: Ctx,
  regulatorId: string,
  locationId: string,
): Promise<LocationView> {
  requireSignedIn(ctx.principal);
  const view = await locationView(ctx, regulatorId, locationId);
  await requireRegulatorStaff(ctx, regulatorId, "inspect and rate locations for this regulator");
  return view;
}

// The factual-accuracy challenge

/** Records a challenged point while the period runs (409 after it, or once published), audited. */
async function addChallenge(
  ctx: Ctx & { db: Trx },
  inspection: Inspection,
  point: string,
  submittedBy: string | null,
): Promise<string> {
  const { db: trx, clock } = ctx;
  if (inspection.status === "published")
    throw new ConflictError(
      msg`This report has been published: its factual accuracy can no longer be challenged.`,
      "report_published",
    );
  if (clock.now() >= inspection.challenge_ends_at)
    throw new ConflictError(
      msg`The period for challenging this draft report's factual accuracy closed at ${periodEndText(inspection.challenge_ends_at)}.`,
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
    corrected_in: null,
  });
  await recordAudit(trx, clock, {
    authorityId: inspection.regulator_id,
    actor: actorIn(ctx),
    action: "inspection.fact-challenged",
    entity: { type: "inspection", id: inspection.id },
    changes: { challengeId: id, point },
  });
  return id;
}

/** Records a challenged point of a draft report (as `challengeFact`). Checks no one: seeds use it. */
export async function recordChallenge(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
  point: string,
  submittedBy: string | null,
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    return addChallenge(inTrx, await lockedInspection(inTrx, regulatorId, inspectionId), point, submittedBy);
  });
}

/**
 * The provider challenges one point of fact in a draft report, within the period: 404 for a report
 * unknown or not the caller's to see (a draft is the regulator's and the provider's), then 403 for
 * anyone but the provider, then 409 once published or after the period.
 */
export async function challengeFact(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
  point: string,
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const p = requireSignedIn(ctx.principal);
    const { inspection, registration } = await seenInspection(inTrx, regulatorId, inspectionId);
    if (!hasRole(p, PROVIDER_ROLES, registration.organisation_id) || hasRole(p, "platform-admin"))
      throw new ForbiddenError(
        msg`Only the provider can challenge the factual accuracy of its draft report.`,
      );
    const what = text(point);
    if (what === "" || what.length > LIMITS.text)
      throw new ValidationError(msg`Say what is inaccurate`, [
        {
          field: "point",
          message: msg`Describe the point of fact you challenge, in ${LIMITS.text} characters or fewer`,
        },
      ]);
    return addChallenge(within(ctx, trx, actorOf(p)), inspection, what, p.userId);
  });
}

/**
 * The regulator answers a challenged point: accepted (the draft must then be corrected to reflect
 * it, `correctDraftReport`, before it can be published) or rejected, with a response. 404 for a report or point unknown or not the caller's to see; then the regulator's staff
 * only (403); then 409 once answered or published.
 */
export async function answerChallenge(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
  challengeId: string,
  draft: { outcome?: string; response?: string },
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const { inspection } = await seenInspection(inTrx, regulatorId, inspectionId);
    const challenge = isUuid(challengeId)
      ? await repo.lockChallenge(trx, regulatorId, challengeId)
      : undefined;
    if (!challenge || challenge.inspection_id !== inspection.id) throw new NotFoundError("challenge");
    const p = await requireRegulatorStaff(
      inTrx,
      regulatorId,
      "answer factual-accuracy challenges for this regulator",
    );
    const problems: FieldError[] = [];
    if (!oneOf(["accepted", "rejected"] as const, draft.outcome))
      problems.push({ field: "outcome", message: msg`Choose whether the point is accepted or rejected` });
    const response = text(draft.response);
    if (response === "" || response.length > LIMITS.text)
      problems.push({
        field: "response",
        message: msg`Give the response to the point, saying what changes if anything`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the answer`, problems);
    if (challenge.outcome !== null)
      throw new ConflictError(msg`This point has already been answered.`, "challenge_answered");
    if (inspection.status === "published")
      throw new ConflictError(msg`This report has already been published.`, "report_published");
    await repo.setChallengeAnswer(trx, regulatorId, challenge.id, {
      outcome: draft.outcome as "accepted" | "rejected",
      response,
      answeredBy: p.userId,
      at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorOf(p),
      action: "inspection.challenge-answered",
      entity: { type: "inspection", id: inspection.id },
      changes: { challengeId: challenge.id, outcome: draft.outcome, response },
    });
  });
}

// Correcting the draft

/** A corrected draft: the report as it should now read, and what was corrected (published with it). */
export interface CorrectionDraft extends InspectionDraft {
  corrections?: string;
}

/** A report's content, as a correction compares and keeps it. */
export function reportContentOf(inspection: Inspection): ReportContent {
  return {
    inspectedOn: inspection.inspected_on,
    inspectors: inspection.inspectors,
    evidenceSummary: inspection.evidence_summary,
    ratings: { ...ratingsOf(inspection) },
    breach: inspection.breach,
    breachDetails: inspection.breach_details,
    calculatedOverall: inspection.calculated_overall,
    overall: inspection.overall,
    departureReason: inspection.departure_reason,
  };
}

function checkedContent(checked: CheckedInspection): ReportContent {
  return {
    inspectedOn: checked.inspectedOn,
    inspectors: checked.inspectors,
    evidenceSummary: checked.evidenceSummary,
    ratings: { ...checked.ratings },
    breach: checked.breach,
    breachDetails: checked.breachDetails,
    calculatedOverall: checked.aggregation.overall,
    overall: checked.overall,
    departureReason: checked.departureReason,
  };
}

/** The parts of the report a correction changed, by the form's names. */
function changedParts(before: ReportContent, after: ReportContent): string[] {
  const parts = Object.keys(before) as (keyof ReportContent)[];
  return parts.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/**
 * The regulator's staff correct a draft report: the report as it should now read, checked as an
 * inspection is (400, then 422: the breach cap, a departure's reason), and what was corrected. The
 * correction makes a new version of the draft (the one before is kept), marks every accepted point
 * not yet reflected as reflected in it, is audited and tells the provider. 404 for a report unknown
 * or not the caller's to see (or not at `locationId`, when given); then the regulator's staff only
 * (403); then 409 once published; 422 when nothing changed. The factual-accuracy period does not
 * restart. Returns the corrected draft.
 */
export async function correctDraftReport(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
  draft: CorrectionDraft,
  locationId?: string,
): Promise<InspectionView> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const { inspection, registration } = await seenInspection(inTrx, regulatorId, inspectionId);
    if (locationId !== undefined && inspection.registration_id !== locationId)
      throw new NotFoundError("inspection report");
    const p = await requireRegulatorStaff(inTrx, regulatorId, "correct draft reports for this regulator");
    const summary = text(draft.corrections);
    const problems = inspectionProblems(draft).problems;
    if (summary === "" || summary.length > LIMITS.text)
      problems.push({
        field: "corrections",
        message: msg`Say what was corrected, and which points it answers, in ${LIMITS.text} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the corrected report`, problems);
    if (inspection.status === "published")
      throw new ConflictError(
        msg`This report has been published: it can no longer be corrected.`,
        "report_published",
      );
    const checked = checkInspection(ctx, draft);
    const before = reportContentOf(inspection);
    const after = checkedContent(checked);
    const changed = changedParts(before, after);
    if (changed.length === 0)
      throw new UnprocessableError(
        msg`The corrected report is the same as the draft`,
        [
          {
            field: "evidenceSummary",
            message: msg`The report reads as the draft does: make the corrections the accepted points call for`,
          },
        ],
        "nothing_corrected",
      );
    const now = ctx.clock.now();
    const version = inspection.version + 1;
    const id = newId();
    await repo.insertCorrection(trx, {
      regulator_id: regulatorId,
      id,
      inspection_id: inspection.id,
      version,
      summary,
      previous: JSON.stringify(before),
      corrected_by: p.userId,
      corrected_at: now,
    });
    await repo.correctInspection(trx, regulatorId, inspection.id, {
      inspected_on: after.inspectedOn,
      inspectors: after.inspectors,
      evidence_summary: after.evidenceSummary,
      safe: after.ratings.safe,
      effective: after.ratings.effective,
      caring: after.ratings.caring,
      responsive: after.ratings.responsive,
      well_led: after.ratings["well-led"],
      breach: after.breach,
      breach_details: after.breachDetails,
      calculated_overall: after.calculatedOverall,
      overall: after.overall,
      departure_reason: after.departureReason,
      version,
    });
    const reflected = await repo.markAcceptedCorrected(trx, regulatorId, inspection.id, version);
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorOf(p),
      action: "inspection.corrected",
      entity: { type: "inspection", id: inspection.id },
      changes: {
        correctionId: id,
        version,
        summary,
        changed,
        challengesReflected: reflected,
        ratings: after.ratings,
        calculatedOverall: after.calculatedOverall,
        overall: after.overall,
        departureReason: after.departureReason,
      },
    });
    const open = now < inspection.challenge_ends_at;
    await tellProvider(within(ctx, trx, actorOf(p)), regulatorId, registration, {
      kind: "regulation.draft-corrected",
      subject: msg`Corrected draft inspection report for ${registration.name}`,
      body: [
        msg`The draft report of the inspection of ${registration.name} on ${longDate(after.inspectedOn)} has been corrected (version ${version}). What was corrected: ${summary}`,
        ...(open
          ? [
              msg`You may challenge its factual accuracy until ${periodEndText(inspection.challenge_ends_at)}.`,
            ]
          : []),
      ].join("\n"),
      link: `/regulators/${regulatorId}/locations/${registration.id}/inspections/${inspection.id}`,
    });
  });
  return inspectionById(ctx, regulatorId, inspectionId);
}

/**
 * What the correction form shows: the location and its draft report (404 as `inspectionReport`),
 * for the regulator's staff (403), while it is a draft (409).
 */
export async function correctionForm(
  ctx: Ctx,
  regulatorId: string,
  locationId: string,
  inspectionId: string,
): Promise<{ view: LocationView; report: InspectionView }> {
  requireSignedIn(ctx.principal);
  const found = await inspectionReport(ctx, regulatorId, locationId, inspectionId);
  await requireRegulatorStaff(ctx, regulatorId, "correct draft reports for this regulator");
  if (found.report.status === "published")
    throw new ConflictError(
      msg`This report has been published: it can no longer be corrected.`,
      "report_published",
    );
  return found;
}

// Publishing

/** Enters special measures on an overall Inadequate, or leaves them when nothing is Inadequate. */
async function applySpecialMeasures(
  ctx: Ctx & { db: Trx },
  regulatorId: string,
  registrationId: string,
  inspection: Inspection,
): Promise<void> {
  const { db: trx, clock } = ctx;
  const now = clock.now();
  const [inForce] = await repo.openEnforcement(trx, regulatorId, registrationId, "special-measures");
  if (inspection.overall === "inadequate" && !inForce) {
    const id = newId();
    await repo.insertEnforcement(trx, {
      regulator_id: regulatorId,
      id,
      registration_id: registrationId,
      kind: "special-measures",
      details: msg`Entered automatically: rated Inadequate overall at the inspection on ${longDate(inspection.inspected_on)}.`,
      issued_at: now,
      representations_until: null,
      inspection_id: inspection.id,
      resolved_at: null,
      resolution: null,
    });
    await recordAudit(trx, clock, {
      authorityId: regulatorId,
      actor: actorIn(ctx),
      action: "enforcement.special-measures-entered",
      entity: { type: "registration", id: registrationId },
      changes: { enforcementId: id, inspectionId: inspection.id },
    });
  } else if (inForce && !anyInadequate(ratingsOf(inspection), inspection.overall)) {
    await repo.setEnforcementResolved(
      trx,
      regulatorId,
      inForce.id,
      msg`Left special measures: nothing rated Inadequate at the re-inspection on ${longDate(inspection.inspected_on)}.`,
      now,
    );
    await recordAudit(trx, clock, {
      authorityId: regulatorId,
      actor: actorIn(ctx),
      action: "enforcement.special-measures-left",
      entity: { type: "registration", id: registrationId },
      changes: { enforcementId: inForce.id, inspectionId: inspection.id },
    });
  }
}

/**
 * Publishes a report once the factual-accuracy period has ended, every challenged point has been
 * answered and every accepted one reflected in a corrected draft (409 otherwise; 409 too for a draft
 * recorded before the breach cap held departures, until it is corrected). An overall Inadequate enters special measures; a report with nothing
 * Inadequate takes the location out of them. Checks no one: the caller has (seeds use it).
 */
export async function recordReportPublished(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const inspection = await lockedInspection(inTrx, regulatorId, inspectionId);
    if (inspection.status === "published")
      throw new ConflictError(msg`This report has already been published.`, "report_published");
    const now = ctx.clock.now();
    if (now < inspection.challenge_ends_at)
      throw new ConflictError(
        msg`The provider may challenge the draft's factual accuracy until ${periodEndText(inspection.challenge_ends_at)}: publish after that.`,
        "challenge_period_running",
      );
    const challenges = await repo.challengesOf(trx, regulatorId, inspection.id);
    const open = challenges.filter((c) => c.outcome === null);
    if (open.length > 0)
      throw new ConflictError(
        open.length === 1
          ? msg`Answer every factual-accuracy challenge before publishing: ${open.length} is unanswered.`
          : msg`Answer every factual-accuracy challenge before publishing: ${open.length} are unanswered.`,
        "challenges_unanswered",
      );
    const uncorrected = awaitingCorrection(challenges);
    if (uncorrected.length > 0)
      throw new ConflictError(
        uncorrected.length === 1
          ? msg`Correct the draft report before publishing: an accepted point is not yet reflected in a corrected draft.`
          : msg`Correct the draft report before publishing: ${uncorrected.length} accepted points are not yet reflected in a corrected draft.`,
        "corrections_outstanding",
      );
    if (inspection.breach && ratingRank(inspection.overall) < ratingRank(BREACH_CAP))
      throw new ConflictError(
        msg`A breach of regulations caps the overall rating at ${ratingName(BREACH_CAP)}: correct the draft's overall rating before publishing.`,
        "breach_cap",
      );
    const registration = await lockedRegistration(inTrx, regulatorId, inspection.registration_id);
    await repo.publishInspection(trx, regulatorId, inspection.id, now);
    await recordAudit(trx, ctx.clock, {
      authorityId: regulatorId,
      actor: actorIn(ctx),
      action: "inspection.published",
      entity: { type: "inspection", id: inspection.id },
      changes: { registrationId: registration.id, overall: inspection.overall },
    });
    await applySpecialMeasures(inTrx, regulatorId, registration.id, inspection);
    await notifyAll(ratingPublished, inTrx, {
      regulatorId,
      registrationId: registration.id,
      organisationId: registration.organisation_id,
      inspectionId: inspection.id,
      overall: inspection.overall,
    });
    await tellProvider(inTrx, regulatorId, registration, {
      kind: "regulation.report-published",
      subject: msg`Inspection report published for ${registration.name}`,
      body: msg`The report of the inspection of ${registration.name} on ${longDate(inspection.inspected_on)} has been published. Overall rating: ${ratingName(inspection.overall)}.`,
      link: `/regulators/${regulatorId}/locations/${registration.id}/inspections/${inspection.id}`,
    });
  });
}

/**
 * Publishes an inspection report: 404 for a report unknown or not the caller's to see; then the
 * regulator's staff only (403). `locationId`, when given, must be the report's location (404
 * otherwise). Returns the published report.
 */
export async function publishReport(
  ctx: Ctx,
  regulatorId: string,
  inspectionId: string,
  locationId?: string,
): Promise<InspectionView> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const { inspection } = await seenInspection(inTrx, regulatorId, inspectionId);
    if (locationId !== undefined && inspection.registration_id !== locationId)
      throw new NotFoundError("inspection report");
    const p = await requireRegulatorStaff(
      inTrx,
      regulatorId,
      "publish inspection reports for this regulator",
    );
    await recordReportPublished(within(ctx, trx, actorOf(p)), regulatorId, inspectionId);
  });
  return inspectionById(ctx, regulatorId, inspectionId);
}
