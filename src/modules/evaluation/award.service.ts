/**
 * The award decision, the contract award notice, assessment summaries, standstill and challenges
 * (issue 6, items 3–7; Procurement Act 2023, ss.50–51). See docs/commissioning.md.
 *
 * - The award goes to the best-ranked bid once every score is moderated and any tie decided; it is
 *   refused with fewer than three compliant bids and no recorded justification, when the winner has
 *   no current registration for the regulated activity the contract requires, and for a reserved
 *   tender when the winner is barred by a comparable reserved contract in the 3 years ending on the
 *   award date. It records the award (supplier, consortium, value), the ranking as assessed, the
 *   standstill end on the authority's nation's calendar, and sends every bidder its assessment
 *   summary; the notice is public.
 * - During standstill a bidder may challenge: the award is suspended until the commissioner records
 *   the outcome — dismissed (the award stands), upheld for re-evaluation (the award is withdrawn and
 *   moderation reopens) or upheld with the tender cancelled.
 */
import type { Db } from "../../db/database.ts";
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
import { londonDate, longDate } from "../../lib/london-time.ts";
import { formatMoney, parseMoney } from "../../lib/money.ts";
import { standstillEnds } from "../../lib/working-days.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, hasRole, requireSignedIn } from "../access/access.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { hasCurrentRegistration, noRegistrationMessage } from "../regulation/regulation.service.ts";
import type { BidsContext } from "../tenders/bids.service.ts";
import * as tendersRepo from "../tenders/tenders.repository.ts";
import { cancelTender } from "../tenders/tenders.service.ts";
import type { AwardConsortiumMember, AwardStatus, ChallengeOutcome } from "./award.table.ts";
import { CHALLENGE_OUTCOMES } from "./award.table.ts";
import * as complianceRepo from "./compliance.repository.ts";
import { MINIMUM_COMPLIANT_BIDS } from "./compliance.service.ts";
import * as repo from "./evaluation.repository.ts";
import { computeRanking, MODERATORS, type RankingView, readyToAward } from "./evaluation.service.ts";
import type { AssessedCriterion, AwardAssessmentsTable } from "./evaluation.table.ts";
import { barReason, comparableReservedAward, recordReservedAward } from "./reserved-awards.service.ts";

export const AWARD_LIMITS = { grounds: 10000, reason: 5000 } as const;
const BIDDER_ROLES = ["organisation-admin", "organisation-member"] as const;

/** What people see of an award's state: stored status plus the clock. */
export type AwardState = "standstill" | "standstill-over" | "suspended" | "contracted" | "withdrawn";

export function awardStateOf(
  award: { status: AwardStatus; standstill_ends_at: Date },
  now: Date,
): AwardState {
  if (award.status === "awarded") return now < award.standstill_ends_at ? "standstill" : "standstill-over";
  return award.status === "suspended" ? "suspended" : award.status;
}

/** When standstill ends, as people read it: "midnight at the end of 29 January 2027". */
export function standstillEndText(endsAt: Date): string {
  return `midnight at the end of ${longDate(londonDate(new Date(endsAt.getTime() - 1)))}`;
}

const noticePath = (slug: string, tenderId: string) => `/authorities/${slug}/tenders/${tenderId}/award`;
const assessmentsPath = (organisationId: string) => `/organisations/${organisationId}/assessments`;

export interface AwardDraft {
  /** The regulated activity the contract requires (a code of `regulated_activities`), if any. */
  regulatedActivity?: string | null;
  /** Tariff tenders: the contract's value, as £ text. */
  value?: string | null;
}

function assessedCriteria(view: Pick<RankingView, "bids" | "scaleMax">, bidId: string): AssessedCriterion[] {
  const bid = view.bids.find((b) => b.bidId === bidId);
  if (!bid) return [];
  return bid.criteria.map((w) => {
    const detail = bid.details.find((d) => d.criterionId === w.criterionId);
    return {
      criterionId: w.criterionId,
      title: detail?.title ?? w.criterionId,
      kind: w.kind,
      weightBp: w.weightBp,
      score: w.score ?? null,
      scaleMax: view.scaleMax,
      reason:
        w.kind === "price" && w.pricePence !== undefined
          ? formatMoney(w.pricePence as never)
          : (detail?.reason ?? ""),
      pointsShown: w.pointsShown,
      working: w.working,
    };
  });
}

function summaryText(
  tenderTitle: string,
  own: AwardAssessmentsTable,
  winner: AwardAssessmentsTable,
  standstillEndsAt: Date,
  winnerIsOwn: boolean,
  link: string,
): string {
  const lines = (a: AwardAssessmentsTable) =>
    a.criteria.map(
      (c) =>
        `- ${c.title}: ${c.score === null ? c.reason : `${c.score} out of ${c.scaleMax}`} — ${c.working}${c.score === null ? "" : `\n  Reason: ${c.reason}`}`,
    );
  const parts: string[] = [];
  if (own.outcome === "excluded")
    parts.push(
      `Your bid for “${tenderTitle}” was excluded at the compliance check, so it was not scored.`,
      "Why:",
      ...own.exclusion_reasons.map((r) => `- ${r}`),
    );
  else
    parts.push(
      winnerIsOwn
        ? `Your bid for “${tenderTitle}” is the winning bid: it ranked 1st with ${own.total_shown} of 10,000 points.`
        : `Your bid for “${tenderTitle}” ranked ${own.rank} with ${own.total_shown} of 10,000 points (quality ${own.quality_shown}, price ${own.price_shown}).`,
      "",
      "Your scores and the reasons for them:",
      ...lines(own),
    );
  if (!winnerIsOwn)
    parts.push(
      "",
      `The winning bid, from ${winner.bidder_name}, scored ${winner.total_shown} of 10,000 points:`,
      ...lines(winner),
    );
  parts.push(
    "",
    `The standstill period ends at ${standstillEndText(standstillEndsAt)}. No contract is entered before then. If you believe the award is wrong, you can challenge it before then on the award notice page; a challenge suspends the award until the authority records its outcome.`,
    "",
    `Your assessment summaries: ${link}`,
  );
  return parts.join("\n").slice(0, 10000);
}

export interface AwardResult {
  awardId: string;
  bidId: string;
  supplierName: string;
  valuePence: bigint;
  standstillEndsAt: Date;
}

/**
 * The award decision, audited, by the authority's commissioners and administrators who may read the
 * opened bids. 409 while scores are unmoderated, evaluators have not all submitted, a tie is
 * undecided, or the tender is awarded or cancelled; 422 with fewer than three compliant bids and no
 * justification, for the regulated-activity gate and the reserved 3-year bar; 400 for a field at fault.
 */
export async function awardTender(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  draft: AwardDraft,
  options: { awardId?: string } = {},
): Promise<AwardResult> {
  const { p, t, contents, ranking } = await readyToAward(ctx, principal, authorityId, tenderId);
  const tender = t.tender;
  const evaluation = t.evaluation;
  if (!evaluation) throw new ConflictError("Evaluation has not started.", "evaluation_not_started");
  // Fields first (400), then combinations (422).
  const problems: FieldError[] = [];
  const activityCode = (draft.regulatedActivity ?? "").trim();
  const activity = activityCode ? await repo.regulatedActivity(ctx.db, activityCode) : undefined;
  if (activityCode && !activity)
    problems.push({
      field: "regulatedActivity",
      message: "Choose a regulated activity from the list, or none",
    });
  const valueText = (draft.value ?? "").trim();
  let tariffValue: bigint | null = null;
  if (tender.pricing_mode === "tariff") {
    const parsed = parseMoney(valueText);
    if (!parsed.ok || parsed.value <= 0n)
      problems.push({
        field: "value",
        message:
          "Enter the contract's value in pounds, like £1,250,000: the tariff sets the prices, so give the expected total",
      });
    else tariffValue = parsed.value;
  }
  if (problems.length > 0) throw new ValidationError("Check the award", problems);
  const invalid: FieldError[] = [];
  if (tender.pricing_mode !== "tariff" && valueText !== "")
    invalid.push({
      field: "value",
      message: "The value comes from the winning bid's price (or the published fixed price): give none",
    });
  if (evaluation.compliantCount < MINIMUM_COMPLIANT_BIDS && !evaluation.justification)
    invalid.push({
      field: "justification",
      message: `Only ${evaluation.compliantCount} bids were compliant and no justification is recorded: commissioners seek and consider at least ${MINIMUM_COMPLIANT_BIDS} providers`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError("This award does not hold together", invalid, "award_invalid");
  if (ranking.unresolvedTies.length > 0)
    throw new ConflictError(
      `Bids are tied on both total and quality: record your decision on their order first (${ranking.unresolvedTies
        .map((g) => g.map((b) => b.name).join(" and "))
        .join("; ")}).`,
      "tie_unresolved",
    );
  const winner = ranking.bids[0];
  if (!winner) throw new ConflictError("No bid is ranked.", "nothing_ranked");
  const content = contents.get(winner.bidId);
  if (!content) throw new ConflictError("The winning bid cannot be read.", "seal_broken");
  const organisationId = content.bidder.organisationId;
  const supplierName = winner.name;
  const now = ctx.clock.now();
  const today = londonDate(now);
  if (activity && !(await hasCurrentRegistration(ctx.db, organisationId, activity.code)))
    throw new UnprocessableError(
      noRegistrationMessage(supplierName, activity.name),
      [{ field: "regulatedActivity", message: noRegistrationMessage(supplierName, activity.name) }],
      "registration_required",
    );
  if (tender.reserved) {
    const bar = await comparableReservedAward(ctx.db, {
      authorityId,
      organisationId,
      categoryCode: tender.category_code,
      awardDate: today,
      exceptTenderId: tenderId,
    });
    if (bar)
      throw new UnprocessableError(
        barReason(supplierName, bar, today),
        [{ field: "bid", message: barReason(supplierName, bar, today) }],
        "reserved_bar",
      );
  }
  const valuePence =
    tender.pricing_mode === "competitive"
      ? BigInt(content.pricePence ?? "0")
      : tender.pricing_mode === "fixed-price"
        ? (tender.fixed_price_pence ?? 0n)
        : (tariffValue as bigint);
  const authority = await authorityById(ctx.db, authorityId);
  const standstillEndsAt = standstillEnds(now, authority.nation);

  // The excluded bids and their reasons, for their summaries.
  const [current, decisions, conditions, parts] = await Promise.all([
    tendersRepo.currentBids(ctx.db, authorityId, tenderId),
    complianceRepo.decisionsOf(ctx.db, authorityId, tenderId),
    complianceRepo.conditionsOf(ctx.db, authorityId, tenderId),
    tendersRepo.partsOf(ctx.db, authorityId, tenderId),
  ]);
  const awardId = options.awardId ?? newId();
  const ranked: AwardAssessmentsTable[] = ranking.bids.map((b) => ({
    authority_id: authorityId,
    award_id: awardId,
    bid_id: b.bidId,
    organisation_id: b.organisationId,
    bidder_name: b.name,
    outcome: "ranked",
    rank: b.rank,
    total_shown: b.totalShown,
    quality_shown: b.qualityShown,
    price_shown: b.priceShown,
    price_pence: b.pricePence,
    criteria: assessedCriteria(ranking, b.bidId),
    exclusion_reasons: [],
  }));
  const rankedIds = new Set(ranked.map((r) => r.bid_id));
  const excludedBids = current.filter((b) => !rankedIds.has(b.id));
  const names = new Map(
    (
      await repo.organisationNames(
        ctx.db,
        excludedBids.map((b) => b.organisation_id).filter((id): id is string => id !== null),
      )
    ).map((o) => [o.id, o.name]),
  );
  const excluded: AwardAssessmentsTable[] = excludedBids.map((b) => {
    const d = decisions.find((x) => x.bid_id === b.id);
    const reasons = [
      ...(d?.automatic_reasons ?? []),
      ...conditions
        .filter((c) => c.bid_id === b.id && !c.met)
        .map(
          (c) =>
            `Condition ${c.position} (${parts.conditions[c.position - 1] ?? ""}) is not met: ${c.reason}`,
        ),
      ...(d?.reason ? [d.reason] : []),
    ];
    return {
      authority_id: authorityId,
      award_id: awardId,
      bid_id: b.id,
      organisation_id: b.organisation_id,
      bidder_name: (b.organisation_id && names.get(b.organisation_id)) || `Bid ${b.id}`,
      outcome: "excluded",
      rank: null,
      total_shown: null,
      quality_shown: null,
      price_shown: null,
      price_pence: null,
      criteria: [],
      exclusion_reasons: reasons.length > 0 ? reasons : ["Excluded at the compliance check."],
    };
  });
  const consortium: AwardConsortiumMember[] = (content.consortium?.members ?? []).map((m) => ({
    organisationId: m.organisationId,
    name: m.name,
    role: m.role === "partner" ? "partner" : "subcontractor",
    sector: m.sector,
    sizeBand: m.sizeBand,
    shareBp: m.shareBp,
  }));

  await transaction(ctx.db, async (trx) => {
    const locked = await tendersRepo.lockTender(trx, authorityId, tenderId);
    if (!locked || locked.status === "cancelled")
      throw new ConflictError("This tender was cancelled: it cannot be awarded.", "tender_cancelled");
    if (await repo.lockLiveAward(trx, authorityId, tenderId))
      throw new ConflictError("This tender has been awarded already.", "already_awarded");
    // The agreed scores and the tie decision may not have changed since the ranking was read.
    const again = await computeRanking(trx, t, contents);
    const summary = (r: typeof ranking) => r.bids.map((b) => `${b.bidId}:${b.rank}:${b.totalShown}`).join();
    if (summary(again) !== summary(ranking))
      throw new ConflictError(
        "The agreed scores changed while you were awarding: look at the ranking again, then award.",
        "ranking_changed",
      );
    await repo.insertAward(trx, {
      authority_id: authorityId,
      id: awardId,
      tender_id: tenderId,
      bid_id: winner.bidId,
      organisation_id: organisationId,
      supplier_name: supplierName,
      lead_share_bp: content.consortium?.leadShareBp ?? 10_000,
      consortium,
      value_pence: valuePence,
      regulated_activity: activity?.code ?? null,
      three_bid_justification: evaluation.publishWithAward ? evaluation.justification : null,
      status: "awarded",
      decided_by: p.userId,
      decided_at: now,
      notice_published_at: now,
      standstill_ends_at: standstillEndsAt,
      contract_id: null,
      withdrawn_at: null,
      withdrawn_reason: null,
    });
    await repo.insertAssessments(trx, [...ranked, ...excluded]);
    if (tender.reserved) {
      const onRegister = await trx
        .selectFrom("reserved_contract_awards")
        .select("id")
        .where("authority_id", "=", authorityId)
        .where("tender_id", "=", tenderId)
        .where("organisation_id", "=", organisationId)
        .executeTakeFirst();
      if (!onRegister)
        await recordReservedAward(
          trx,
          ctx.clock,
          actorOf(p),
          { authorityId, source: "tender", tenderId, recordedBy: p.userId },
          { organisationId, categoryCode: tender.category_code, awardedOn: today, title: tender.title },
        );
    }
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.awarded",
      entity: { type: "tender", id: tenderId },
      changes: {
        awardId,
        bidId: winner.bidId,
        organisationId,
        valuePence,
        regulatedActivity: activity?.code ?? null,
        standstillEndsAt,
        ranking: ranking.bids.map((b) => ({ bidId: b.bidId, rank: b.rank, total: b.totalShown })),
        tieDecision: ranking.tieDecision?.order ?? null,
      },
    });
    const winnerRow = ranked[0] as AwardAssessmentsTable;
    for (const a of [...ranked, ...excluded]) {
      if (!a.organisation_id) continue;
      const link = assessmentsPath(a.organisation_id);
      for (const userId of await repo.organisationPeople(trx, a.organisation_id))
        await notify(
          trx,
          ctx.clock,
          {
            userId,
            authorityId,
            kind: "award.assessment-summary",
            subject: `Assessment summary: ${tender.title}`.slice(0, 200),
            body: summaryText(
              tender.title,
              a,
              winnerRow,
              standstillEndsAt,
              a.bid_id === winnerRow.bid_id,
              link,
            ),
            link,
          },
          { email: ctx.email, actor: actorOf(p) },
        );
    }
  });
  return { awardId, bidId: winner.bidId, supplierName, valuePence, standstillEndsAt };
}

// The notice

export interface AwardNotice {
  tender: { id: string; title: string; authorityName: string; authoritySlug: string; reserved: boolean };
  award: repo.AwardRow;
  state: AwardState;
  ranking: {
    rank: number;
    bidder: string | null;
    totalShown: string;
    qualityShown: string;
    priceShown: string;
  }[];
  excludedCount: number;
  challenges: { open: number; decided: number };
  regulatedActivityName: string | null;
  previous: { decidedAt: Date; withdrawnAt: Date | null; withdrawnReason: string | null }[];
}

/**
 * The contract award notice: public. The tender's live award (or, after withdrawal, the latest), the
 * supplier, value, dates, standstill end, the three-bid justification, and the ranking's totals —
 * naming only the winner, with no other bidder's reasons. 404 when the tender has no award.
 */
export async function awardNotice(
  db: Db,
  clock: { now(): Date },
  authorityId: string,
  tenderId: string,
): Promise<AwardNotice> {
  const tender = isUuid(tenderId) ? await tendersRepo.findTender(db, authorityId, tenderId) : undefined;
  if (!tender || tender.status === "draft") throw new NotFoundError("award notice");
  const awards = await repo.awardsOf(db, authorityId, tenderId);
  const award = awards.find((a) => a.status !== "withdrawn") ?? awards[0];
  if (!award) throw new NotFoundError("award notice");
  const [assessments, challenges, activity] = await Promise.all([
    repo.assessmentsOf(db, authorityId, award.id),
    repo.challengesOf(db, authorityId, award.id),
    award.regulated_activity
      ? repo.regulatedActivity(db, award.regulated_activity)
      : Promise.resolve(undefined),
  ]);
  return {
    tender: {
      id: tender.id,
      title: tender.title,
      authorityName: tender.authority_name,
      authoritySlug: tender.authority_slug,
      reserved: tender.reserved,
    },
    award,
    state: awardStateOf(award, clock.now()),
    ranking: assessments
      .filter((a) => a.outcome === "ranked")
      .sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))
      .map((a) => ({
        rank: a.rank ?? 0,
        bidder: a.bid_id === award.bid_id ? a.bidder_name : null,
        totalShown: a.total_shown ?? "",
        qualityShown: a.quality_shown ?? "",
        priceShown: a.price_shown ?? "",
      })),
    excludedCount: assessments.filter((a) => a.outcome === "excluded").length,
    challenges: {
      open: challenges.filter((c) => c.outcome === null).length,
      decided: challenges.filter((c) => c.outcome !== null).length,
    },
    regulatedActivityName: activity?.name ?? null,
    previous: awards
      .filter((a) => a.id !== award.id)
      .map((a) => ({
        decidedAt: a.decided_at,
        withdrawnAt: a.withdrawn_at,
        withdrawnReason: a.withdrawn_reason,
      })),
  };
}

/** May this person challenge (a bidder's people), decide challenges (the commissioners)? For the pages. */
export async function awardPermissions(db: Db, principal: Principal | null, notice: AwardNotice) {
  if (!principal) return { challengeAs: [] as { id: string; name: string }[], decide: false };
  const assessments = await repo.assessmentsOf(db, notice.award.authority_id, notice.award.id);
  const challengeAs = assessments
    .filter((a) => a.organisation_id && hasRole(principal, BIDDER_ROLES, a.organisation_id))
    .map((a) => ({ id: a.organisation_id as string, name: a.bidder_name }));
  return { challengeAs, decide: hasRole(principal, MODERATORS, notice.award.authority_id) };
}

// Challenges

/**
 * A bidder's people lodge a challenge during standstill, audited: the award is suspended until the
 * outcome is recorded, and the commissioners are told. 403 for anyone but a bidder's people; 409
 * after standstill, for a withdrawn or contracted award, or with the organisation's challenge open.
 */
export async function lodgeChallenge(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  draft: { organisationId?: string; grounds?: string },
  options: { challengeId?: string } = {},
): Promise<{ challengeId: string }> {
  const p = requireSignedIn(principal);
  const notice = await awardNotice(ctx.db, ctx.clock, authorityId, tenderId);
  const organisationId = draft.organisationId ?? "";
  const bidders = (await awardPermissions(ctx.db, p, notice)).challengeAs;
  if (!bidders.some((b) => b.id === organisationId))
    throw new ForbiddenError(
      "Only the people of an organisation that bid for this tender may challenge its award, for that organisation.",
    );
  const grounds = (draft.grounds ?? "").trim();
  if (grounds === "" || grounds.length > AWARD_LIMITS.grounds)
    throw new ValidationError("Check the challenge", [
      {
        field: "grounds",
        message: `Give the grounds of your challenge: what you believe is wrong with the award and why, ${AWARD_LIMITS.grounds} characters or fewer`,
      },
    ]);
  const challengeId = options.challengeId ?? newId();
  await transaction(ctx.db, async (trx) => {
    const award = await repo.lockLiveAward(trx, authorityId, tenderId);
    if (!award || award.id !== notice.award.id)
      throw new ConflictError("This award was withdrawn: there is nothing to challenge.", "award_withdrawn");
    if (award.status === "contracted")
      throw new ConflictError("A contract has been entered for this award.", "award_contracted");
    const now = ctx.clock.now();
    if (now.getTime() >= award.standstill_ends_at.getTime())
      throw new ConflictError(
        `The standstill period ended at ${standstillEndText(award.standstill_ends_at)}: a challenge is lodged during standstill.`,
        "standstill_over",
      );
    const open = (await repo.challengesOf(trx, authorityId, award.id)).filter(
      (c) => c.organisation_id === organisationId && c.outcome === null,
    );
    if (open.length > 0)
      throw new ConflictError(
        "Your organisation's challenge to this award is open already: its outcome will be recorded and you will be told.",
        "challenge_open",
      );
    await repo.insertChallenge(trx, {
      authority_id: authorityId,
      id: challengeId,
      award_id: award.id,
      tender_id: tenderId,
      organisation_id: organisationId,
      lodged_by: p.userId,
      lodged_at: now,
      grounds,
      outcome: null,
      outcome_reason: null,
      decided_by: null,
      decided_at: null,
    });
    await repo.updateAward(trx, authorityId, award.id, { status: "suspended" });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "award.challenged",
      entity: { type: "tender", id: tenderId },
      changes: { awardId: award.id, challengeId, organisationId, grounds },
    });
    const bidder = bidders.find((b) => b.id === organisationId)?.name ?? "A bidder";
    for (const userId of await repo.commissioningPeople(trx, authorityId))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          kind: "award.challenged",
          subject: `Award challenged: ${notice.tender.title}`.slice(0, 200),
          body: `${bidder} has challenged the award of “${notice.tender.title}”. The award is suspended: nothing can be contracted until you record the outcome.\n\nGrounds: ${grounds}`.slice(
            0,
            10000,
          ),
          link: `/authorities/${notice.tender.authoritySlug}/tenders/${tenderId}/award/challenges/${challengeId}`,
        },
        { email: ctx.email, actor: actorOf(p) },
      );
  });
  return { challengeId };
}

export interface ChallengeView {
  notice: AwardNotice;
  challenge: repo.ChallengeRow;
}

/** A challenge, for the commissioners (403 others; 404 unknown). */
export async function challengeOf(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  challengeId: string,
): Promise<ChallengeView> {
  const p = requireSignedIn(principal);
  if (!hasRole(p, MODERATORS, authorityId))
    throw new ForbiddenError(
      "The outcome of a challenge is recorded by the authority's commissioners and administrators.",
    );
  const notice = await awardNotice(ctx.db, ctx.clock, authorityId, tenderId);
  const challenge = (await repo.challengesOf(ctx.db, authorityId, notice.award.id)).find(
    (c) => c.id === challengeId,
  );
  if (!challenge) throw new NotFoundError("challenge");
  return { notice, challenge };
}

/**
 * The commissioner records a challenge's outcome with the reason, audited; the bidders are told.
 * Dismissed: the award stands (suspended no longer, unless another challenge is open). Upheld for
 * re-evaluation: the award is withdrawn and moderation reopens for a new ranking and award. Upheld
 * with cancellation: the award is withdrawn and the tender cancelled with the reason. 409 decided.
 */
export async function decideChallenge(
  ctx: BidsContext,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  challengeId: string,
  draft: { outcome?: string; reason?: string },
): Promise<{ outcome: ChallengeOutcome; awardStatus: AwardStatus }> {
  const { notice, challenge } = await challengeOf(ctx, principal, authorityId, tenderId, challengeId);
  const p = principal as Principal;
  const problems: FieldError[] = [];
  const outcome = draft.outcome as ChallengeOutcome;
  if (!CHALLENGE_OUTCOMES.includes(outcome))
    problems.push({
      field: "outcome",
      message:
        "Choose the outcome: dismissed, upheld with re-evaluation, or upheld with the tender cancelled",
    });
  const reason = (draft.reason ?? "").trim();
  if (reason === "" || reason.length > AWARD_LIMITS.reason)
    problems.push({
      field: "reason",
      message: `Give the reasons for the outcome, ${AWARD_LIMITS.reason} characters or fewer: the bidders are told them`,
    });
  if (problems.length > 0) throw new ValidationError("Check the outcome", problems);
  return transaction(ctx.db, async (trx) => {
    const award = await repo.lockLiveAward(trx, authorityId, tenderId);
    const locked = await repo.lockChallenge(trx, authorityId, challengeId);
    if (!locked || locked.outcome !== null || !award)
      throw new ConflictError(
        "The outcome of this challenge has been recorded already.",
        "challenge_decided",
      );
    const now = ctx.clock.now();
    const others = (await repo.challengesOf(trx, authorityId, award.id)).filter(
      (c) => c.outcome === null && c.id !== challengeId,
    );
    await repo.decideChallenge(trx, authorityId, challengeId, {
      outcome,
      outcome_reason: reason,
      decided_by: p.userId,
      decided_at: now,
    });
    let status: AwardStatus = award.status;
    if (outcome === "dismissed") {
      status = others.length > 0 ? "suspended" : "awarded";
      await repo.updateAward(trx, authorityId, award.id, { status });
    } else {
      status = "withdrawn";
      // Other open challenges fall with the award.
      for (const o of others)
        await repo.decideChallenge(trx, authorityId, o.id, {
          outcome,
          outcome_reason: `Decided with another challenge to the same award: ${reason}`.slice(0, 5000),
          decided_by: p.userId,
          decided_at: now,
        });
      await repo.updateAward(trx, authorityId, award.id, {
        status: "withdrawn",
        withdrawn_at: now,
        withdrawn_reason: reason,
      });
    }
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "award.challenge-decided",
      entity: { type: "tender", id: tenderId },
      changes: { awardId: award.id, challengeId, outcome, reason, awardStatus: status },
    });
    if (outcome === "upheld-cancel")
      await cancelTender(trx, ctx.clock, p, authorityId, tenderId, reason, { email: ctx.email });
    const what =
      outcome === "dismissed"
        ? "The challenge was dismissed: the award stands."
        : outcome === "upheld-reevaluate"
          ? "The challenge was upheld: the award is withdrawn and the bids will be evaluated again. You will be told of the new award."
          : "The challenge was upheld: the award is withdrawn and the tender cancelled.";
    const organisations = new Set(
      (await repo.assessmentsOf(trx, authorityId, award.id))
        .map((a) => a.organisation_id)
        .filter((id): id is string => id !== null),
    );
    for (const organisationId of organisations)
      for (const userId of await repo.organisationPeople(trx, organisationId))
        await notify(
          trx,
          ctx.clock,
          {
            userId,
            authorityId,
            kind: "award.challenge-decided",
            subject: `Challenge decided: ${notice.tender.title}`.slice(0, 200),
            body: `A challenge to the award of “${notice.tender.title}”, lodged by ${challenge.organisation_name}, has been decided.\n\n${what}\n\nReasons: ${reason}`.slice(
              0,
              10000,
            ),
            link: noticePath(notice.tender.authoritySlug, tenderId),
          },
          { email: ctx.email, actor: actorOf(p) },
        );
    return { outcome, awardStatus: status };
  });
}

// Assessment summaries received

/** The assessment summaries sent to an organisation, for its own people only (403 others). */
export async function assessmentsReceived(db: Db, principal: Principal | null, organisationId: string) {
  const p = requireSignedIn(principal);
  if (!isUuid(organisationId) || !hasRole(p, BIDDER_ROLES, organisationId) || hasRole(p, ["platform-admin"]))
    throw new ForbiddenError(
      "Assessment summaries are seen only by the people of the organisation that bid.",
    );
  const own = await repo.assessmentsForOrganisation(db, organisationId);
  // The winner's scores and reasons for each award, as each bidder was told them.
  const winners = new Map<string, repo.ReceivedAssessmentRow | undefined>();
  for (const a of own) {
    if (winners.has(a.award_id)) continue;
    const all = await repo.assessmentsOf(db, a.authority_id, a.award_id);
    const award = (await repo.awardsOf(db, a.authority_id, a.tender_id)).find((x) => x.id === a.award_id);
    winners.set(
      a.award_id,
      all.find((x) => x.bid_id === award?.bid_id) as repo.ReceivedAssessmentRow | undefined,
    );
  }
  return own.map((a) => ({ own: a, winner: winners.get(a.award_id) ?? null }));
}
