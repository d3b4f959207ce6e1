/**
 * The compliance check of opened bids and the three-bid rule (issue 5, item 7). See docs/commissioning.md.
 *
 * - After opening, each current bid gets a decision: each condition of participation met, or not met
 *   with a reason, and the outcome — compliant, or excluded with reasons. A bid whose seal is broken
 *   cannot be read: it is excluded automatically.
 * - A reserved tender (Procurement Act 2023, s.33) checks the bid's lead when its decision is
 *   recorded: a qualifying public service mutual in the directory that day, and not barred by a
 *   comparable reserved contract in the 3 years ending on that day (the London date of the check
 *   stands in for the award date; the award step asks again with the award's own date). Failing
 *   either excludes the bid with a generated reason naming the rule.
 * - Decisions can be changed until evaluation starts. Starting evaluation needs a decision for every
 *   bid and, with fewer than three compliant bids, a justification, published with the award
 *   ("seek and consider at least three providers", Open Public Services White Paper).
 * - Who: reading the check is for those who may read the opened bids (the authority's bid openers
 *   and the tender's assigned evaluators); recording decisions and starting evaluation is for those
 *   of them who are also the authority's commissioners or administrators. Platform administrators,
 *   who may not read bids, do neither. Refused reads are recorded by `openedBids` (A7).
 *
 * Every exported function takes the context first; those that write open their own transaction.
 * Reads of the opened bids (and their refusals) happen before it, as a refusal is recorded in a
 * transaction of its own.
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
import { londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { hasRole, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { BidContent } from "../tenders/bids.service.ts";
import { canReadBids, type OpenedBid, openedBids } from "../tenders/opening.service.ts";
import {
  type Bid,
  currentBids,
  findBid,
  findTender,
  lockTender,
  type Tender,
  type TenderRow,
  type TendersCtx,
  tenderParts,
  visibleTender,
} from "../tenders/tenders.service.ts";
import * as repo from "./compliance.repository.ts";
import type { ComplianceOutcome } from "./compliance.table.ts";
import {
  barPeriod,
  barReason,
  comparableReservedAward,
  type ReservedAward,
} from "./reserved-awards.service.ts";

/** Seek and consider at least three providers (Open Public Services White Paper, 2011). */
export const MINIMUM_COMPLIANT_BIDS = 3;
export const COMPLIANCE_LIMITS = {
  reason: 5000,
  conditionReason: 2000,
  /** A justification is reasoned text: at least this long. */
  justificationMin: 50,
  justificationMax: 5000,
} as const;
/** Who records decisions and starts evaluation (among those who may read the opened bids). */
export const COMPLIANCE_DECIDERS: readonly Role[] = ["commissioner", "authority-admin"];

export const SEAL_BROKEN_REASON = msg`Its seal is broken: the content opened does not match its receipt, so the bid cannot be read or assessed (Annex IV A7).`;

export type ComplianceState = "checking" | "evaluating" | "cancelled";

/** The s.33 findings about a bid's lead on a day. */
export interface ReservedFindings {
  checkedOn: string;
  period: { from: string; to: string };
  qualifyingMutual: boolean;
  bar: ReservedAward | null;
  /** Each check failed, as a reason naming the rule. */
  reasons: string[];
}

export interface ConditionDecision {
  position: number;
  text: string;
  met: boolean | null;
  reason: string;
}

export interface BidCompliance {
  bidId: string;
  receivedAt: Date;
  sha256: string;
  integrity: "verified" | "broken";
  bidder: { organisationId: string | null; name: string };
  consortium: BidContent["consortium"];
  conditions: ConditionDecision[];
  /** Reserved tenders: the findings recorded with the decision, or (undecided) as they stand today. */
  reserved: ReservedFindings | null;
  decision: {
    outcome: ComplianceOutcome;
    reason: string;
    automatic: boolean;
    automaticReasons: string[];
    decidedAt: Date | null;
    decidedBy: { id: string; name: string } | null;
  } | null;
  outcome: ComplianceOutcome | "undecided";
  /** Every reason for an exclusion: the platform's, each unmet condition's, the commissioner's. */
  reasons: string[];
}

export interface ComplianceView {
  tender: TenderRow;
  state: ComplianceState;
  conditions: { position: number; text: string }[];
  bids: BidCompliance[];
  counts: { bids: number; decided: number; compliant: number; excluded: number; undecided: number };
  minimumCompliant: number;
  /** Fewer than three bids are compliant: starting evaluation needs a justification. */
  justificationNeeded: boolean;
  evaluation: Evaluation | null;
  /** May this person record decisions and start evaluation (now, in this state)? */
  canDecide: boolean;
  today: string;
}

export interface Evaluation {
  startedAt: Date;
  startedBy: { id: string; name: string };
  bidsCount: number;
  compliantCount: number;
  justification: string | null;
  publishWithAward: boolean;
}

function toEvaluation(row: Awaited<ReturnType<typeof repo.evaluationOf>>): Evaluation | null {
  if (!row) return null;
  return {
    startedAt: row.started_at,
    startedBy: { id: row.started_by, name: row.started_by_name },
    bidsCount: row.bids_count,
    compliantCount: row.compliant_count,
    justification: row.justification,
    publishWithAward: row.publish_with_award,
  };
}

// What the later stages read (no one is checked: the calling service has checked who may see it)

/** Evaluation of the tender, once started (issue 6 builds on it): who, when, the compliant count, the justification. */
export async function evaluationOf(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<Evaluation | null> {
  return toEvaluation(await repo.evaluationOf(ctx.db, authorityId, tenderId));
}

/** The ids of the tender's compliant bids (fixed once evaluation has started), in no particular order. */
export async function compliantBidIds(ctx: Ctx, authorityId: string, tenderId: string): Promise<string[]> {
  return (await repo.decisionsOf(ctx.db, authorityId, tenderId))
    .filter((d) => d.outcome === "compliant")
    .map((d) => d.bid_id);
}

/** A condition not met, as a reason for an exclusion. */
function unmetReason(position: number, text: string, reason: string): string {
  return msg`Condition ${position} (${text}) is not met: ${reason}`;
}

/**
 * Every reason each excluded bid was excluded for, by bid id: the platform's (a broken seal, s.33),
 * each condition not met, the commissioner's own. For the bidders' assessment summaries.
 */
export async function exclusionReasons(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<Map<string, string[]>> {
  const [decisions, conditions, parts] = await Promise.all([
    repo.decisionsOf(ctx.db, authorityId, tenderId),
    repo.conditionsOf(ctx.db, authorityId, tenderId),
    tenderParts(ctx, authorityId, tenderId),
  ]);
  const reasons = new Map<string, string[]>();
  for (const d of decisions.filter((x) => x.outcome === "excluded"))
    reasons.set(d.bid_id, [
      ...d.automatic_reasons,
      ...conditions
        .filter((c) => c.bid_id === d.bid_id && !c.met)
        .map((c) => unmetReason(c.position, parts.conditions[c.position - 1] ?? "", c.reason)),
      ...(d.reason ? [d.reason] : []),
    ]);
  return reasons;
}

/** The names of organisations in the directory, by id. */
async function namesOf(ctx: Ctx, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const known = ids.filter((id): id is string => id !== null);
  return new Map((await repo.organisationsWithMutualStatus(ctx.db, known)).map((o) => [o.id, o.name]));
}

/**
 * The s.33 checks of a reserved tender's bid, from the directory and the register as they stand:
 * the lead is a qualifying public service mutual, and no comparable reserved contract (same
 * authority, same service category) was awarded to it in the 3 years ending on `onDate`.
 */
async function reservedFindings(
  ctx: Ctx,
  tender: Pick<TenderRow, "authority_id" | "id" | "category_code">,
  lead: { organisationId: string | null; name: string },
  onDate: string,
): Promise<ReservedFindings> {
  const [organisation] = lead.organisationId
    ? await repo.organisationsWithMutualStatus(ctx.db, [lead.organisationId])
    : [];
  const name = organisation?.name ?? lead.name;
  const bar = organisation
    ? await comparableReservedAward(ctx, {
        authorityId: tender.authority_id,
        organisationId: organisation.id,
        categoryCode: tender.category_code,
        awardDate: onDate,
        exceptTenderId: tender.id,
      })
    : undefined;
  const reasons: string[] = [];
  if (!organisation?.qualifying_mutual)
    reasons.push(
      organisation
        ? msg`The tender is reserved to public service mutuals (Procurement Act 2023, s.33): on ${longDate(onDate)} the directory does not show ${name}, the lead, as a qualifying public service mutual, so its bid is disregarded.`
        : msg`The tender is reserved to public service mutuals (Procurement Act 2023, s.33): the lead is not in the directory, so it cannot be shown to be a qualifying public service mutual and its bid is disregarded.`,
    );
  if (bar) reasons.push(barReason(name, bar, onDate));
  return {
    checkedOn: onDate,
    period: barPeriod(onDate),
    qualifyingMutual: organisation?.qualifying_mutual ?? false,
    bar: bar ?? null,
    reasons,
  };
}

function stateOfCheck(tender: Pick<Tender, "status">, started: boolean): ComplianceState {
  if (tender.status === "cancelled") return "cancelled";
  return started ? "evaluating" : "checking";
}

// The check, as read

type StoredDecision = repo.DecisionRow;

/** The s.33 findings of a bid of a reserved tender: as recorded with its decision, or as they stand today. */
async function findingsOf(
  ctx: Ctx,
  tender: TenderRow,
  bid: OpenedBid,
  bidder: BidCompliance["bidder"],
  stored: StoredDecision | undefined,
  today: string,
): Promise<ReservedFindings | null> {
  if (!tender.reserved) return null;
  if (stored?.reserved_checked_on) {
    const bar = stored.bar_award_id
      ? ((await repo.findReservedAward(ctx.db, tender.authority_id, stored.bar_award_id)) ?? null)
      : null;
    return {
      checkedOn: stored.reserved_checked_on,
      period: barPeriod(stored.reserved_checked_on),
      qualifyingMutual: stored.qualifying_mutual === true,
      bar,
      reasons: stored.automatic_reasons.filter((r) => r !== SEAL_BROKEN_REASON),
    };
  }
  if (bid.integrity === "verified" && !stored) return reservedFindings(ctx, tender, bidder, today);
  return null;
}

/** A bid's decision as stored, or the platform's for a broken seal, or none yet. */
function decisionOf(bid: OpenedBid, stored: StoredDecision | undefined): BidCompliance["decision"] {
  if (stored)
    return {
      outcome: stored.outcome,
      reason: stored.reason,
      automatic: stored.automatic,
      automaticReasons: stored.automatic_reasons,
      decidedAt: stored.decided_at,
      decidedBy:
        stored.decided_by && stored.decided_by_name
          ? { id: stored.decided_by, name: stored.decided_by_name }
          : null,
    };
  if (bid.integrity === "broken")
    return {
      outcome: "excluded",
      reason: "",
      automatic: true,
      automaticReasons: [SEAL_BROKEN_REASON],
      decidedAt: null,
      decidedBy: null,
    };
  return null;
}

interface CheckData {
  tender: TenderRow;
  conditions: { position: number; text: string }[];
  bids: Bid[];
  decisions: StoredDecision[];
  conditionRows: Awaited<ReturnType<typeof repo.conditionsOf>>;
  names: Map<string, string>;
  today: string;
}

/** One opened bid of the check, with its decision and reasons. */
async function bidCompliance(ctx: Ctx, data: CheckData, bid: OpenedBid): Promise<BidCompliance> {
  const bidId = bid.receipt.bidId;
  const row = data.bids.find((b) => b.id === bidId);
  const organisationId = row?.organisation_id ?? bid.content?.bidder.organisationId ?? null;
  const bidder = {
    organisationId,
    name:
      bid.content?.bidder.name ??
      (organisationId ? data.names.get(organisationId) : undefined) ??
      `Unknown bidder (bid ${bidId})`,
  };
  const stored = data.decisions.find((d) => d.bid_id === bidId);
  const own = data.conditionRows.filter((c) => c.bid_id === bidId);
  const conditions = data.conditions.map((c) => {
    const decided = own.find((o) => o.position === c.position);
    return { ...c, met: decided ? decided.met : null, reason: decided?.reason ?? "" };
  });
  const decision = decisionOf(bid, stored);
  const reasons = decision
    ? [
        ...decision.automaticReasons,
        ...conditions.filter((c) => c.met === false).map((c) => unmetReason(c.position, c.text, c.reason)),
        ...(decision.reason ? [decision.reason] : []),
      ]
    : [];
  return {
    bidId,
    receivedAt: bid.receipt.receivedAt,
    sha256: bid.receipt.sha256,
    integrity: bid.integrity,
    bidder,
    consortium: bid.content?.consortium ?? null,
    conditions,
    reserved: await findingsOf(ctx, data.tender, bid, bidder, stored, data.today),
    decision,
    outcome: decision?.outcome ?? "undecided",
    reasons: decision?.outcome === "excluded" ? reasons : [],
  };
}

/** The tender's compliance check, for those who may read its opened bids. Each read is audited. */
export async function complianceCheck(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<ComplianceView> {
  const p = requireSignedIn(ctx.principal);
  // Refuses (403, 404, 409) and records refusals (A7); an allowed read is audited too.
  const opened = await openedBids(ctx, authorityId, tenderId);
  const tender = await findTender(ctx, authorityId, tenderId);
  if (!tender) throw new NotFoundError("tender");
  const [parts, bids, decisions, conditionRows, evaluationRow] = await Promise.all([
    tenderParts(ctx, authorityId, tenderId),
    currentBids(ctx, authorityId, tenderId),
    repo.decisionsOf(ctx.db, authorityId, tenderId),
    repo.conditionsOf(ctx.db, authorityId, tenderId),
    repo.evaluationOf(ctx.db, authorityId, tenderId),
  ]);
  const data: CheckData = {
    tender,
    conditions: parts.conditions.map((text, i) => ({ position: i + 1, text })),
    bids,
    decisions,
    conditionRows,
    names: await namesOf(
      ctx,
      bids.map((b) => b.organisation_id),
    ),
    today: londonToday(ctx.clock),
  };
  const entries: BidCompliance[] = [];
  for (const bid of opened) entries.push(await bidCompliance(ctx, data, bid));
  const compliant = entries.filter((e) => e.outcome === "compliant").length;
  const excluded = entries.filter((e) => e.outcome === "excluded").length;
  const evaluation = toEvaluation(evaluationRow);
  const state = stateOfCheck(tender, evaluation !== null);
  return {
    tender,
    state,
    conditions: data.conditions,
    bids: entries,
    counts: {
      bids: entries.length,
      decided: compliant + excluded,
      compliant,
      excluded,
      undecided: entries.length - compliant - excluded,
    },
    minimumCompliant: MINIMUM_COMPLIANT_BIDS,
    justificationNeeded: evaluation === null && compliant < MINIMUM_COMPLIANT_BIDS,
    evaluation,
    canDecide: state === "checking" && hasRole(p, COMPLIANCE_DECIDERS, authorityId),
    today: data.today,
  };
}

/**
 * A bid's decision form: the check, and the bid, for those who decide. As the API answers: 404 for
 * an unknown tender or bid, 403 for anyone but those who decide, then 409 once evaluation has
 * started, for a cancelled tender and for a broken seal.
 */
export async function decisionForm(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
): Promise<{ view: ComplianceView; bid: BidCompliance }> {
  await requireDecider(ctx, authorityId, tenderId, bidId);
  const view = await complianceCheck(ctx, authorityId, tenderId);
  const bid = view.bids.find((b) => b.bidId === bidId);
  if (!bid) throw new NotFoundError("bid");
  if (view.state !== "checking")
    throw new ConflictError(
      view.state === "cancelled"
        ? msg`This tender was cancelled: its bids are not checked or evaluated.`
        : msg`Evaluation has started: the compliance check is fixed and can no longer be changed.`,
      view.state === "cancelled" ? "tender_cancelled" : "evaluation_started",
    );
  if (bid.integrity === "broken") throw sealBroken();
  return { view, bid };
}

/**
 * The check again, for the form that starts evaluation when it is shown with what was wrong: for
 * those who decide only (403 and 404 first, as `startEvaluation` answers).
 */
export async function evaluationStartForm(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
): Promise<ComplianceView> {
  await requireDecider(ctx, authorityId, tenderId);
  return complianceCheck(ctx, authorityId, tenderId);
}

function sealBroken(): ConflictError {
  return new ConflictError(
    msg`This bid's seal is broken: it is excluded automatically, as it cannot be read or assessed.`,
    "seal_broken",
  );
}

/**
 * Those who may record decisions and start evaluation: readers of the opened bids who are also the
 * authority's commissioners or administrators. The tender is found first: 404 when unknown or not
 * the caller's to see. Then someone who may not read the bids is refused by `openedBids` itself, so
 * the attempt is recorded (A7), whatever bid it names; for a reader, the bid a decision is for (404);
 * then anyone who may not decide (403).
 */
async function requireDecider(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId?: string,
): Promise<Principal> {
  const p = requireSignedIn(ctx.principal);
  await visibleTender(ctx, authorityId, tenderId);
  if (!(await canReadBids(ctx, authorityId, tenderId))) {
    await openedBids(ctx, authorityId, tenderId);
    throw new ForbiddenError(
      msg`Only the authority's bid openers and the tender's assigned evaluators may read its bids.`,
    );
  }
  if (bidId !== undefined && (await findBid(ctx, authorityId, tenderId, bidId))?.status !== "current")
    throw new NotFoundError("bid");
  if (!hasRole(p, COMPLIANCE_DECIDERS, authorityId))
    throw new ForbiddenError(
      msg`The compliance check is recorded by the authority's commissioners and administrators who may read the opened bids. Ask an administrator to give you the commissioner role.`,
    );
  return p;
}

/** The tender, locked, in a state where the check can still change: opened, not cancelled, evaluation not started. */
async function lockedForCheck(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  tenderId: string,
): Promise<Tender> {
  const tender = await lockTender(ctx, authorityId, tenderId);
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  if (tender.status === "cancelled")
    throw new ConflictError(
      msg`This tender was cancelled: its bids are not checked or evaluated.`,
      "tender_cancelled",
    );
  if (!tender.opened_at)
    throw new ConflictError(
      msg`The bids have not been opened yet: the compliance check comes after two bid openers open them.`,
      "tender_not_opened",
    );
  if (await repo.evaluationOf(ctx.db, authorityId, tenderId))
    throw new ConflictError(
      msg`Evaluation has started: the compliance check is fixed and can no longer be changed.`,
      "evaluation_started",
    );
  return tender;
}

export interface DecisionDraft {
  conditions?: { position?: number; met?: boolean; reason?: string }[];
  outcome?: string;
  reason?: string;
}

export interface RecordedDecision {
  bidId: string;
  outcome: ComplianceOutcome;
  automaticReasons: string[];
  previous: ComplianceOutcome | null;
}

/** A decision's fields, checked (400 naming each field at fault). */
interface CheckedDecision {
  given: Map<number, { met: boolean; reason: string }>;
  outcome: ComplianceOutcome;
  reason: string;
}

/** The decision of each condition, checked against the tender's conditions (`texts`). */
function checkConditions(
  draft: DecisionDraft,
  texts: readonly string[],
  problems: FieldError[],
): CheckedDecision["given"] {
  const count = texts.length;
  const meets = (position: number) =>
    msg`Say whether the bid meets condition ${position}: ${texts[position - 1] ?? ""}`;
  const given = new Map<number, { met: boolean; reason: string }>();
  for (const [i, c] of (draft.conditions ?? []).entries()) {
    const position = c.position;
    if (typeof position !== "number" || !Number.isInteger(position) || position < 1 || position > count) {
      problems.push({
        field: `conditions.${i}.position`,
        message:
          count === 1
            ? msg`Condition ${position ?? i + 1} is not one of the tender's: it has ${count} condition of participation`
            : msg`Condition ${position ?? i + 1} is not one of the tender's: it has ${count} conditions of participation`,
      });
      continue;
    }
    if (given.has(position)) {
      problems.push({ field: `conditions.${position}.met`, message: msg`Decide condition ${position} once` });
      continue;
    }
    const reason = (c.reason ?? "").trim();
    if (reason.length > COMPLIANCE_LIMITS.conditionReason)
      problems.push({
        field: `conditions.${position}.reason`,
        message: msg`Give the reason for condition ${position} in ${COMPLIANCE_LIMITS.conditionReason} characters or fewer`,
      });
    if (typeof c.met !== "boolean") {
      problems.push({ field: `conditions.${position}.met`, message: meets(position) });
      continue;
    }
    given.set(position, { met: c.met, reason });
  }
  for (let position = 1; position <= count; position++)
    if (!given.has(position) && !problems.some((x) => x.field?.startsWith(`conditions.${position}.`)))
      problems.push({ field: `conditions.${position}.met`, message: meets(position) });
  return given;
}

function checkDecision(draft: DecisionDraft, texts: readonly string[]): CheckedDecision {
  const problems: FieldError[] = [];
  const given = checkConditions(draft, texts, problems);
  const outcome = draft.outcome;
  if (outcome !== "compliant" && outcome !== "excluded")
    problems.push({ field: "outcome", message: msg`Choose whether the bid is compliant or excluded` });
  const reason = (draft.reason ?? "").trim();
  if (reason.length > COMPLIANCE_LIMITS.reason)
    problems.push({
      field: "reason",
      message: msg`Give the reasons for excluding the bid in ${COMPLIANCE_LIMITS.reason} characters or fewer`,
    });
  if (problems.length > 0) throw new ValidationError(msg`Check the compliance decision`, problems);
  return { given, outcome: outcome as ComplianceOutcome, reason };
}

/** Well-formed decisions that do not hold together (422). */
function decisionProblems(
  d: CheckedDecision,
  texts: readonly string[],
  automaticReasons: string[],
): FieldError[] {
  const unmet = [...d.given.entries()].filter(([, c]) => !c.met);
  const invalid: FieldError[] = [];
  for (const [position, c] of unmet)
    if (c.reason === "")
      invalid.push({
        field: `conditions.${position}.reason`,
        message: msg`Give the reason the bid does not meet condition ${position}: ${texts[position - 1] ?? ""}`,
      });
  if (d.outcome === "compliant" && unmet.length > 0)
    invalid.push({
      field: "outcome",
      message:
        unmet.length === 1
          ? msg`A bid that does not meet condition ${unmet.map(([n]) => n).join(", ")} cannot be compliant: record it as excluded`
          : msg`A bid that does not meet conditions ${unmet.map(([n]) => n).join(", ")} cannot be compliant: record it as excluded`,
    });
  if (d.outcome === "compliant")
    for (const r of automaticReasons)
      invalid.push({
        field: "outcome",
        message: msg`This bid cannot be compliant, so record it as excluded. ${r}`,
      });
  if (d.outcome === "excluded" && unmet.length === 0 && automaticReasons.length === 0 && d.reason === "")
    invalid.push({
      field: "reason",
      message: msg`Give the reasons for excluding the bid: it meets every condition, so say why it is excluded`,
    });
  return invalid;
}

/** The current, readable bid a decision is for (404 otherwise; 409 for a broken seal). */
async function decidableBid(ctx: Ctx, authorityId: string, tenderId: string, bidId: string): Promise<Bid> {
  const bid = await findBid(ctx, authorityId, tenderId, bidId);
  if (bid?.status !== "current") throw new NotFoundError("bid");
  if (bid.integrity === "broken") throw sealBroken();
  return bid;
}

/**
 * Records (or changes) a bid's compliance decision, audited, until evaluation starts. 400 for a field
 * at fault (each named); 422 for a combination: a condition not met without a reason, a compliant
 * bid with a condition not met or failing the s.33 checks, an exclusion without any reason.
 */
export async function recordDecision(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  bidId: string,
  draft: DecisionDraft,
): Promise<RecordedDecision> {
  const p = await requireDecider(ctx, authorityId, tenderId, bidId);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    const tender = await lockedForCheck(tx, authorityId, tenderId);
    const bid = await decidableBid(tx, authorityId, tenderId, bidId);
    const texts = (await tenderParts(tx, authorityId, tenderId)).conditions;
    const decision = checkDecision(draft, texts);
    const today = londonToday(ctx.clock);
    const findings = tender.reserved ? await leadFindings(tx, authorityId, tenderId, bid, today) : null;
    const automaticReasons = findings?.reasons ?? [];
    const invalid = decisionProblems(decision, texts, automaticReasons);
    if (invalid.length > 0)
      throw new UnprocessableError(
        msg`This compliance decision does not hold together`,
        invalid,
        "decision_invalid",
      );
    return storeDecision(
      tx,
      { authorityId, tenderId, bidId: bid.id, by: p.userId },
      decision,
      findings,
      today,
    );
  });
}

/** The s.33 findings about a bid's lead today. */
async function leadFindings(ctx: Ctx, authorityId: string, tenderId: string, bid: Bid, today: string) {
  const [lead] = bid.organisation_id
    ? await repo.organisationsWithMutualStatus(ctx.db, [bid.organisation_id])
    : [];
  const named = await findTender(ctx, authorityId, tenderId);
  if (!named) throw new NotFoundError("tender");
  return reservedFindings(
    ctx,
    named,
    { organisationId: bid.organisation_id, name: lead?.name ?? "The lead" },
    today,
  );
}

/** Replaces the bid's decision and its conditions' decisions, audited. */
async function storeDecision(
  ctx: Ctx & { db: Trx },
  at: { authorityId: string; tenderId: string; bidId: string; by: string },
  d: CheckedDecision,
  findings: ReservedFindings | null,
  today: string,
): Promise<RecordedDecision> {
  const { authorityId, tenderId, bidId } = at;
  const automaticReasons = findings?.reasons ?? [];
  const conditions = [...d.given.entries()].map(([position, c]) => ({
    position,
    met: c.met,
    reason: c.met ? "" : c.reason,
  }));
  const previous = await repo.replaceDecision(
    ctx.db,
    {
      authority_id: authorityId,
      tender_id: tenderId,
      bid_id: bidId,
      outcome: d.outcome,
      reason: d.reason,
      automatic_reasons: automaticReasons,
      reserved_checked_on: findings ? today : null,
      qualifying_mutual: findings ? findings.qualifyingMutual : null,
      bar_award_id: findings?.bar?.id ?? null,
      automatic: false,
      decided_by: at.by,
      decided_at: ctx.clock.now(),
    },
    conditions.map((c) => ({ authority_id: authorityId, tender_id: tenderId, bid_id: bidId, ...c })),
  );
  await recordAudit(ctx.db, ctx.clock, {
    authorityId,
    actor: actorIn(ctx),
    action: previous ? "tender.compliance-changed" : "tender.compliance-decided",
    entity: { type: "tender", id: tenderId },
    changes: {
      bidId,
      outcome: d.outcome,
      previousOutcome: previous,
      conditions,
      reason: d.reason,
      automaticReasons,
      reservedCheckedOn: findings ? today : null,
    },
  });
  return { bidId, outcome: d.outcome, automaticReasons, previous };
}

/** Every bid that can be read has a decision (422 naming each that has none). */
async function requireEveryBidDecided(ctx: Ctx, bids: Bid[], decided: Set<string>): Promise<void> {
  const undecided = bids.filter((b) => b.integrity !== "broken" && !decided.has(b.id));
  if (undecided.length === 0) return;
  const names = await namesOf(
    ctx,
    undecided.map((b) => b.organisation_id),
  );
  throw new UnprocessableError(
    undecided.length === 1
      ? msg`Record the compliance decision for every bid first: ${undecided.length} has none`
      : msg`Record the compliance decision for every bid first: ${undecided.length} have none`,
    undecided.map((b) => ({
      field: `bids.${b.id}`,
      message: msg`Record the compliance decision for the bid from ${(b.organisation_id && names.get(b.organisation_id)) || `bid ${b.id}`}`,
    })),
    "compliance_incomplete",
  );
}

/** The three-bid rule: the justification needed with fewer than three compliant bids, checked; or null. */
function justificationFor(compliant: number, bids: number, given: string | null | undefined): string | null {
  if (compliant === 0)
    throw new UnprocessableError(
      msg`No bid is compliant, so there is nothing to evaluate: cancel the tender with a published reason, or change a decision.`,
      [],
      "no_compliant_bids",
    );
  if (compliant >= MINIMUM_COMPLIANT_BIDS) return null;
  const text = (given ?? "").trim();
  if (text === "")
    throw new UnprocessableError(
      msg`Fewer than ${MINIMUM_COMPLIANT_BIDS} bids are compliant`,
      [
        {
          field: "justification",
          message:
            compliant === 1
              ? msg`Only ${compliant} of ${bids} bids is compliant. Commissioners seek and consider at least ${MINIMUM_COMPLIANT_BIDS} providers: to evaluate fewer, give the justification, which is published with the award`
              : msg`Only ${compliant} of ${bids} bids are compliant. Commissioners seek and consider at least ${MINIMUM_COMPLIANT_BIDS} providers: to evaluate fewer, give the justification, which is published with the award`,
        },
      ],
      "three_bid_rule",
    );
  if (text.length < COMPLIANCE_LIMITS.justificationMin || text.length > COMPLIANCE_LIMITS.justificationMax)
    throw new ValidationError(msg`Check the justification`, [
      {
        field: "justification",
        message:
          compliant === 1
            ? msg`Give a reasoned justification of ${COMPLIANCE_LIMITS.justificationMin} to ${COMPLIANCE_LIMITS.justificationMax} characters: why evaluating ${compliant} compliant bid is enough, and how providers were sought`
            : msg`Give a reasoned justification of ${COMPLIANCE_LIMITS.justificationMin} to ${COMPLIANCE_LIMITS.justificationMax} characters: why evaluating ${compliant} compliant bids is enough, and how providers were sought`,
      },
    ]);
  return text;
}

/** The platform's decision for a bid whose seal is broken: excluded automatically. */
function sealBrokenDecision(authorityId: string, tenderId: string, bidId: string, at: Date) {
  return {
    authority_id: authorityId,
    tender_id: tenderId,
    bid_id: bidId,
    outcome: "excluded" as const,
    reason: "",
    automatic_reasons: [SEAL_BROKEN_REASON],
    reserved_checked_on: null,
    qualifying_mutual: null,
    bar_award_id: null,
    automatic: true,
    decided_by: null,
    decided_at: at,
  };
}

/**
 * Starts evaluation, audited: every bid must have a decision (422 naming each that has none); with
 * fewer than three compliant bids, a justification of at least the minimum length (422 without one;
 * 400 too short or long), stored to be published with the award; none compliant, there is nothing to
 * evaluate (422). Broken seals' automatic exclusions are recorded. The check is fixed afterwards.
 */
export async function startEvaluation(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  input: { justification?: string | null },
): Promise<Evaluation> {
  const p = await requireDecider(ctx, authorityId, tenderId);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    await lockedForCheck(tx, authorityId, tenderId);
    const bids = await currentBids(tx, authorityId, tenderId);
    const decisions = await repo.decisionsOf(trx, authorityId, tenderId);
    const decided = new Set(decisions.map((d) => d.bid_id));
    await requireEveryBidDecided(tx, bids, decided);
    const compliant = decisions.filter((d) => d.outcome === "compliant").length;
    const justification = justificationFor(compliant, bids.length, input.justification);
    const now = ctx.clock.now();
    const broken = bids.filter((b) => b.integrity === "broken" && !decided.has(b.id));
    for (const b of broken)
      await repo.replaceDecision(trx, sealBrokenDecision(authorityId, tenderId, b.id, now), []);
    await repo.insertEvaluation(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      started_by: p.userId,
      started_at: now,
      bids_count: bids.length,
      compliant_count: compliant,
      justification,
      publish_with_award: justification !== null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "tender.evaluation-started",
      entity: { type: "tender", id: tenderId },
      changes: {
        bids: bids.length,
        compliant,
        excluded: bids.length - compliant,
        sealBroken: broken.map((b) => b.id),
        justification,
      },
    });
    return (await evaluationOf(tx, authorityId, tenderId)) as Evaluation;
  });
}
