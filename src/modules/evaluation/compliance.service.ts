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
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDate } from "../../lib/london-time.ts";
import type { Principal, Role } from "../access/access.service.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type BidContent, type BidsContext, canReadBids, openedBids } from "../tenders/bids.service.ts";
import * as tendersRepo from "../tenders/tenders.repository.ts";
import type { Tender } from "../tenders/tenders.service.ts";
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

export const SEAL_BROKEN_REASON =
  "Its seal is broken: the content opened does not match its receipt, so the bid cannot be read or assessed (Annex IV A7).";

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
  tender: tendersRepo.TenderRow;
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

/** Evaluation of the tender, once started (issue 6 builds on it): who, when, the compliant count, the justification. */
export async function evaluationOf(
  db: Db,
  authorityId: string,
  tenderId: string,
): Promise<Evaluation | null> {
  return toEvaluation(await repo.evaluationOf(db, authorityId, tenderId));
}

/** The ids of the tender's compliant bids (fixed once evaluation has started), in no particular order. */
export async function compliantBidIds(db: Db, authorityId: string, tenderId: string): Promise<string[]> {
  return (await repo.decisionsOf(db, authorityId, tenderId))
    .filter((d) => d.outcome === "compliant")
    .map((d) => d.bid_id);
}

/**
 * The s.33 checks of a reserved tender's bid, from the directory and the register as they stand:
 * the lead is a qualifying public service mutual, and no comparable reserved contract (same
 * authority, same service category) was awarded to it in the 3 years ending on `onDate`.
 */
export async function reservedFindings(
  db: Db,
  tender: Pick<tendersRepo.TenderRow, "authority_id" | "id" | "category_code">,
  lead: { organisationId: string | null; name: string },
  onDate: string,
): Promise<ReservedFindings> {
  const [organisation] = lead.organisationId
    ? await repo.organisationsWithMutualStatus(db, [lead.organisationId])
    : [];
  const name = organisation?.name ?? lead.name;
  const bar = organisation
    ? await comparableReservedAward(db, {
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
        ? `The tender is reserved to public service mutuals (Procurement Act 2023, s.33): on ${onDate} the directory does not show ${name}, the lead, as a qualifying public service mutual, so its bid is disregarded.`
        : "The tender is reserved to public service mutuals (Procurement Act 2023, s.33): the lead is not in the directory, so it cannot be shown to be a qualifying public service mutual and its bid is disregarded.",
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

/** The tender's compliance check, for those who may read its opened bids. Each read is audited. */
export async function complianceCheck(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<ComplianceView> {
  const p = requireSignedIn(principal);
  // Refuses (403, 404, 409) and records refusals (A7); an allowed read is audited too.
  const opened = await openedBids(ctx, p, authorityId, tenderId);
  const tender = await tendersRepo.findTender(ctx.db, authorityId, tenderId);
  if (!tender) throw new NotFoundError("tender");
  const [parts, bids, decisions, conditionRows, evaluationRow] = await Promise.all([
    tendersRepo.partsOf(ctx.db, authorityId, tenderId),
    tendersRepo.currentBids(ctx.db, authorityId, tenderId),
    repo.decisionsOf(ctx.db, authorityId, tenderId),
    repo.conditionsOf(ctx.db, authorityId, tenderId),
    repo.evaluationOf(ctx.db, authorityId, tenderId),
  ]);
  const today = londonDate(ctx.clock.now());
  const conditions = parts.conditions.map((text, i) => ({ position: i + 1, text }));
  const names = new Map(
    (
      await repo.organisationsWithMutualStatus(
        ctx.db,
        bids.map((b) => b.organisation_id).filter((id): id is string => id !== null),
      )
    ).map((o) => [o.id, o.name]),
  );
  const entries: BidCompliance[] = [];
  for (const bid of opened) {
    const row = bids.find((b) => b.id === bid.receipt.bidId);
    const organisationId = row?.organisation_id ?? bid.content?.bidder.organisationId ?? null;
    const bidder = {
      organisationId,
      name:
        bid.content?.bidder.name ??
        (organisationId ? names.get(organisationId) : undefined) ??
        `Unknown bidder (bid ${bid.receipt.bidId})`,
    };
    const stored = decisions.find((d) => d.bid_id === bid.receipt.bidId);
    const own = conditionRows.filter((c) => c.bid_id === bid.receipt.bidId);
    const conditionDecisions = conditions.map((c) => {
      const decided = own.find((o) => o.position === c.position);
      return { ...c, met: decided ? decided.met : null, reason: decided?.reason ?? "" };
    });
    let reserved: ReservedFindings | null = null;
    if (tender.reserved && stored?.reserved_checked_on) {
      const bar = stored.bar_award_id
        ? ((await repo.findReservedAward(ctx.db, authorityId, stored.bar_award_id)) ?? null)
        : null;
      reserved = {
        checkedOn: stored.reserved_checked_on,
        period: barPeriod(stored.reserved_checked_on),
        qualifyingMutual: stored.qualifying_mutual === true,
        bar,
        reasons: stored.automatic_reasons.filter((r) => r !== SEAL_BROKEN_REASON),
      };
    } else if (tender.reserved && bid.integrity === "verified" && !stored)
      reserved = await reservedFindings(ctx.db, tender, bidder, today);
    let decision: BidCompliance["decision"] = null;
    if (stored)
      decision = {
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
    else if (bid.integrity === "broken")
      decision = {
        outcome: "excluded",
        reason: "",
        automatic: true,
        automaticReasons: [SEAL_BROKEN_REASON],
        decidedAt: null,
        decidedBy: null,
      };
    const reasons = decision
      ? [
          ...decision.automaticReasons,
          ...conditionDecisions
            .filter((c) => c.met === false)
            .map((c) => `Condition ${c.position} (${c.text}) is not met: ${c.reason}`),
          ...(decision.reason ? [decision.reason] : []),
        ]
      : [];
    entries.push({
      bidId: bid.receipt.bidId,
      receivedAt: bid.receipt.receivedAt,
      sha256: bid.receipt.sha256,
      integrity: bid.integrity,
      bidder,
      consortium: bid.content?.consortium ?? null,
      conditions: conditionDecisions,
      reserved,
      decision,
      outcome: decision?.outcome ?? "undecided",
      reasons: decision?.outcome === "excluded" ? reasons : [],
    });
  }
  const compliant = entries.filter((e) => e.outcome === "compliant").length;
  const excluded = entries.filter((e) => e.outcome === "excluded").length;
  const evaluation = toEvaluation(evaluationRow);
  const state = stateOfCheck(tender, evaluation !== null);
  return {
    tender,
    state,
    conditions,
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
    today,
  };
}

/**
 * Those who may record decisions and start evaluation: readers of the opened bids who are also the
 * authority's commissioners or administrators. Someone who may not read the bids is refused by
 * `openedBids` itself, so the attempt is recorded (A7).
 */
async function requireDecider(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
): Promise<Principal> {
  const p = requireSignedIn(principal);
  if (!isUuid(tenderId)) throw new NotFoundError("tender");
  if (!(await canReadBids(ctx.db, p, authorityId, tenderId))) {
    await openedBids(ctx, p, authorityId, tenderId);
    throw new ForbiddenError(
      "Only the authority's bid openers and the tender's assigned evaluators may read its bids.",
    );
  }
  if (!hasRole(p, COMPLIANCE_DECIDERS, authorityId))
    throw new ForbiddenError(
      "The compliance check is recorded by the authority's commissioners and administrators who may read the opened bids. Ask an administrator to give you the commissioner role.",
    );
  return p;
}

/** The tender, locked, in a state where the check can still change: opened, not cancelled, evaluation not started. */
async function lockedForCheck(trx: Trx, authorityId: string, tenderId: string): Promise<Tender> {
  const tender = await tendersRepo.lockTender(trx, authorityId, tenderId);
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  if (tender.status === "cancelled")
    throw new ConflictError(
      "This tender was cancelled: its bids are not checked or evaluated.",
      "tender_cancelled",
    );
  if (!tender.opened_at)
    throw new ConflictError(
      "The bids have not been opened yet: the compliance check comes after two bid openers open them.",
      "tender_not_opened",
    );
  if (await repo.evaluationOf(trx, authorityId, tenderId))
    throw new ConflictError(
      "Evaluation has started: the compliance check is fixed and can no longer be changed.",
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

/**
 * Records (or changes) a bid's compliance decision, audited, until evaluation starts. 400 for a field
 * at fault (each named); 422 for a combination: a condition not met without a reason, a compliant
 * bid with a condition not met or failing the s.33 checks, an exclusion without any reason.
 */
export async function recordDecision(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  bidId: string,
  draft: DecisionDraft,
): Promise<RecordedDecision> {
  const p = await requireDecider(ctx, principal, authorityId, tenderId);
  return transaction(ctx.db, async (trx) => {
    const tender = await lockedForCheck(trx, authorityId, tenderId);
    const bid = isUuid(bidId) ? await tendersRepo.findBid(trx, authorityId, tenderId, bidId) : undefined;
    if (bid?.status !== "current") throw new NotFoundError("bid");
    if (bid.integrity === "broken")
      throw new ConflictError(
        "This bid's seal is broken: it is excluded automatically, as it cannot be read or assessed.",
        "seal_broken",
      );
    const parts = await tendersRepo.partsOf(trx, authorityId, tenderId);
    const count = parts.conditions.length;

    const problems: FieldError[] = [];
    const given = new Map<number, { met: boolean; reason: string }>();
    for (const [i, c] of (draft.conditions ?? []).entries()) {
      const position = c.position;
      if (typeof position !== "number" || !Number.isInteger(position) || position < 1 || position > count) {
        problems.push({
          field: `conditions.${i}.position`,
          message: `Condition ${position ?? i + 1} is not one of the tender's: it has ${count} condition${count === 1 ? "" : "s"} of participation`,
        });
        continue;
      }
      if (given.has(position)) {
        problems.push({ field: `conditions.${position}.met`, message: `Decide condition ${position} once` });
        continue;
      }
      const reason = (c.reason ?? "").trim();
      if (reason.length > COMPLIANCE_LIMITS.conditionReason)
        problems.push({
          field: `conditions.${position}.reason`,
          message: `Give the reason for condition ${position} in ${COMPLIANCE_LIMITS.conditionReason} characters or fewer`,
        });
      if (typeof c.met !== "boolean") {
        problems.push({
          field: `conditions.${position}.met`,
          message: `Say whether the bid meets condition ${position}: ${parts.conditions[position - 1]}`,
        });
        continue;
      }
      given.set(position, { met: c.met, reason });
    }
    for (let position = 1; position <= count; position++)
      if (!given.has(position) && !problems.some((x) => x.field?.startsWith(`conditions.${position}.`)))
        problems.push({
          field: `conditions.${position}.met`,
          message: `Say whether the bid meets condition ${position}: ${parts.conditions[position - 1]}`,
        });
    const outcome = draft.outcome;
    if (outcome !== "compliant" && outcome !== "excluded")
      problems.push({ field: "outcome", message: "Choose whether the bid is compliant or excluded" });
    const reason = (draft.reason ?? "").trim();
    if (reason.length > COMPLIANCE_LIMITS.reason)
      problems.push({
        field: "reason",
        message: `Give the reasons for excluding the bid in ${COMPLIANCE_LIMITS.reason} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError("Check the compliance decision", problems);

    const today = londonDate(ctx.clock.now());
    const [lead] = bid.organisation_id
      ? await repo.organisationsWithMutualStatus(trx, [bid.organisation_id])
      : [];
    const named = tender.reserved ? await tendersRepo.findTender(trx, authorityId, tenderId) : undefined;
    const findings = named
      ? await reservedFindings(
          trx,
          named,
          { organisationId: bid.organisation_id, name: lead?.name ?? "The lead" },
          today,
        )
      : null;
    const automaticReasons = findings?.reasons ?? [];
    const unmet = [...given.entries()].filter(([, c]) => !c.met);
    const invalid: FieldError[] = [];
    for (const [position, c] of unmet)
      if (c.reason === "")
        invalid.push({
          field: `conditions.${position}.reason`,
          message: `Give the reason the bid does not meet condition ${position}: ${parts.conditions[position - 1]}`,
        });
    if (outcome === "compliant" && unmet.length > 0)
      invalid.push({
        field: "outcome",
        message: `A bid that does not meet condition${unmet.length === 1 ? "" : "s"} ${unmet.map(([n]) => n).join(", ")} cannot be compliant: record it as excluded`,
      });
    if (outcome === "compliant")
      for (const r of automaticReasons)
        invalid.push({
          field: "outcome",
          message: `This bid cannot be compliant, so record it as excluded. ${r}`,
        });
    if (outcome === "excluded" && unmet.length === 0 && automaticReasons.length === 0 && reason === "")
      invalid.push({
        field: "reason",
        message:
          "Give the reasons for excluding the bid: it meets every condition, so say why it is excluded",
      });
    if (invalid.length > 0)
      throw new UnprocessableError(
        "This compliance decision does not hold together",
        invalid,
        "decision_invalid",
      );

    const now = ctx.clock.now();
    const previous = await repo.replaceDecision(
      trx,
      {
        authority_id: authorityId,
        tender_id: tenderId,
        bid_id: bid.id,
        outcome: outcome as ComplianceOutcome,
        reason,
        automatic_reasons: automaticReasons,
        reserved_checked_on: findings ? today : null,
        qualifying_mutual: findings ? findings.qualifyingMutual : null,
        bar_award_id: findings?.bar?.id ?? null,
        automatic: false,
        decided_by: p.userId,
        decided_at: now,
      },
      [...given.entries()].map(([position, c]) => ({
        authority_id: authorityId,
        tender_id: tenderId,
        bid_id: bid.id,
        position,
        met: c.met,
        reason: c.met ? "" : c.reason,
      })),
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: previous ? "tender.compliance-changed" : "tender.compliance-decided",
      entity: { type: "tender", id: tenderId },
      changes: {
        bidId: bid.id,
        outcome,
        previousOutcome: previous,
        conditions: [...given.entries()].map(([position, c]) => ({
          position,
          met: c.met,
          reason: c.met ? "" : c.reason,
        })),
        reason,
        automaticReasons,
        reservedCheckedOn: findings ? today : null,
      },
    });
    return { bidId: bid.id, outcome: outcome as ComplianceOutcome, automaticReasons, previous };
  });
}

/**
 * Starts evaluation, audited: every bid must have a decision (422 naming each that has none); with
 * fewer than three compliant bids, a justification of at least the minimum length (422 without one;
 * 400 too short or long), stored to be published with the award; none compliant, there is nothing to
 * evaluate (422). Broken seals' automatic exclusions are recorded. The check is fixed afterwards.
 */
export async function startEvaluation(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  input: { justification?: string | null },
): Promise<Evaluation> {
  const p = await requireDecider(ctx, principal, authorityId, tenderId);
  await transaction(ctx.db, async (trx) => {
    await lockedForCheck(trx, authorityId, tenderId);
    const bids = await tendersRepo.currentBids(trx, authorityId, tenderId);
    const decisions = await repo.decisionsOf(trx, authorityId, tenderId);
    const decided = new Set(decisions.map((d) => d.bid_id));
    const undecided = bids.filter((b) => b.integrity !== "broken" && !decided.has(b.id));
    if (undecided.length > 0) {
      const names = new Map(
        (
          await repo.organisationsWithMutualStatus(
            trx,
            undecided.map((b) => b.organisation_id).filter((id): id is string => id !== null),
          )
        ).map((o) => [o.id, o.name]),
      );
      throw new UnprocessableError(
        `Record the compliance decision for every bid first: ${undecided.length} ${undecided.length === 1 ? "has" : "have"} none`,
        undecided.map((b) => ({
          field: `bids.${b.id}`,
          message: `Record the compliance decision for the bid from ${(b.organisation_id && names.get(b.organisation_id)) || `bid ${b.id}`}`,
        })),
        "compliance_incomplete",
      );
    }
    const compliant = decisions.filter((d) => d.outcome === "compliant").length;
    if (compliant === 0)
      throw new UnprocessableError(
        "No bid is compliant, so there is nothing to evaluate: cancel the tender with a published reason, or change a decision.",
        [],
        "no_compliant_bids",
      );
    let justification: string | null = null;
    if (compliant < MINIMUM_COMPLIANT_BIDS) {
      const text = (input.justification ?? "").trim();
      if (text === "")
        throw new UnprocessableError(
          `Fewer than ${MINIMUM_COMPLIANT_BIDS} bids are compliant`,
          [
            {
              field: "justification",
              message: `Only ${compliant} of ${bids.length} bids ${compliant === 1 ? "is" : "are"} compliant. Commissioners seek and consider at least ${MINIMUM_COMPLIANT_BIDS} providers: to evaluate fewer, give the justification, which is published with the award`,
            },
          ],
          "three_bid_rule",
        );
      if (
        text.length < COMPLIANCE_LIMITS.justificationMin ||
        text.length > COMPLIANCE_LIMITS.justificationMax
      )
        throw new ValidationError("Check the justification", [
          {
            field: "justification",
            message: `Give a reasoned justification of ${COMPLIANCE_LIMITS.justificationMin} to ${COMPLIANCE_LIMITS.justificationMax} characters: why evaluating ${compliant} compliant bid${compliant === 1 ? "" : "s"} is enough, and how providers were sought`,
          },
        ]);
      justification = text;
    }
    const now = ctx.clock.now();
    const broken = bids.filter((b) => b.integrity === "broken" && !decided.has(b.id));
    for (const b of broken)
      await repo.replaceDecision(
        trx,
        {
          authority_id: authorityId,
          tender_id: tenderId,
          bid_id: b.id,
          outcome: "excluded",
          reason: "",
          automatic_reasons: [SEAL_BROKEN_REASON],
          reserved_checked_on: null,
          qualifying_mutual: null,
          bar_award_id: null,
          automatic: true,
          decided_by: null,
          decided_at: now,
        },
        [],
      );
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
      actor: actorOf(p),
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
  });
  return (await evaluationOf(ctx.db, authorityId, tenderId)) as Evaluation;
}
