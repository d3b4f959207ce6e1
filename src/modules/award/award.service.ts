/**
 * The award decision, the contract award notice and assessment summaries (issue 6, items 3–5;
 * Procurement Act 2023, s.50). See docs/commissioning.md. Standstill challenges are in
 * challenges.service.ts; the handover to contracts in award-handover.ts.
 *
 * The award goes to the best-ranked bid once every score is moderated and any tie decided; it is
 * refused with fewer than three compliant bids and no recorded justification, when the winner has no
 * current registration for the regulated activity the contract requires, and for a reserved tender
 * when the winner is barred by a comparable reserved contract in the 3 years ending on the award
 * date. It records the award (supplier, consortium, value), the ranking as assessed, the standstill
 * end on the authority's nation's calendar, and sends every bidder its assessment summary; the
 * notice is public.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { pointsOutOf100, workingInPoints } from "../../lib/basis-points.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { standstillEnds, standstillEndText } from "../../lib/working-days.ts";
import { hasRole, organisationPeople, type Principal, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import {
  type Evaluation,
  exclusionReasons,
  MINIMUM_COMPLIANT_BIDS,
} from "../compliance/compliance.service.ts";
import {
  barReason,
  comparableReservedAward,
  recordTenderReservedAward,
} from "../compliance/reserved-awards.service.ts";
import type { LiveAward } from "../evaluation/evaluation.ports.ts";
import { MODERATORS } from "../evaluation/evaluation.service.ts";
import {
  computeRanking,
  type RankingView,
  type ReadyToAward,
  readyToAward,
} from "../evaluation/moderation.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationNamesOf, organisationOf } from "../organisations/organisations.service.ts";
import { hasCurrentRegistration, noRegistrationMessage } from "../regulation/regulation.service.ts";
import type { BidContent } from "../tenders/bids.service.ts";
import {
  currentBids,
  findTender,
  lockTender,
  type TenderRow,
  type TendersCtx,
} from "../tenders/tenders.service.ts";
import * as repo from "./award.repository.ts";
import type {
  AssessedCriterion,
  AwardAssessmentsTable,
  AwardConsortiumMember,
  AwardStatus,
  TenderAward,
} from "./award.table.ts";

/** What other modules may use of this module's tables. */
export type { AwardConsortiumMember, TenderAward } from "./award.table.ts";

export const AWARD_LIMITS = { grounds: 10000, reason: 5000 } as const;
export const BIDDER_ROLES = ["organisation-admin", "organisation-member"] as const;

/** What people see of an award's state: stored status plus the clock. */
export type AwardState = "standstill" | "standstill-over" | "suspended" | "contracted" | "withdrawn";

export function awardStateOf(
  award: { status: AwardStatus; standstill_ends_at: Date },
  now: Date,
): AwardState {
  if (award.status === "awarded") return now < award.standstill_ends_at ? "standstill" : "standstill-over";
  return award.status === "suspended" ? "suspended" : award.status;
}

/** An award notice as the open data publishes it: with its state by the clock. */
export type PublishedAward = Awaited<ReturnType<typeof repo.awardsAfter>>[number] & { state: AwardState };

/**
 * One page of every award notice (a withdrawn award with its reason), in key order after `after`,
 * each with its state by the clock: the open data. Public, as each notice is.
 */
export async function awardsAfter(
  ctx: Ctx,
  after: readonly [authorityId: string, id: string] | undefined,
  limit: number,
): Promise<PublishedAward[]> {
  const now = ctx.clock.now();
  return (await repo.awardsAfter(ctx.db, after, limit)).map((a) => ({ ...a, state: awardStateOf(a, now) }));
}

/** When any award notice last changed (the open data's "last updated"; contracting is the contract's). */
export function latestAwardChange(ctx: Ctx): Promise<Date | null> {
  return repo.latestAwardChange(ctx.db);
}

export const noticePath = (slug: string, tenderId: string) =>
  `/authorities/${slug}/tenders/${tenderId}/award`;
const assessmentsPath = (organisationId: string) => `/organisations/${organisationId}/assessments`;

/**
 * The tender's live award (not withdrawn), if any: answers the evaluation module's `liveAward` port
 * (src/wiring.ts). With `lock`, locked for update in the caller's transaction.
 */
export async function liveAwardOf(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  options: { lock?: boolean } = {},
): Promise<LiveAward | undefined> {
  const award =
    options.lock && ctx.db.isTransaction
      ? await repo.lockLiveAward(ctx.db as Trx, authorityId, tenderId)
      : (await repo.awardsOf(ctx.db, authorityId, tenderId)).find((a) => a.status !== "withdrawn");
  return award ? { id: award.id, standstillEndsAt: award.standstill_ends_at } : undefined;
}

/**
 * The stage a tender's award has reached, as the key of its label (answers the tenders module's
 * `tenderStage` port, src/wiring.ts): the tender page says "Awarded: in standstill" rather than
 * "Bids opened". Undefined without a live award.
 */
export async function awardStage(
  ctx: Ctx,
  tender: { authorityId: string; tenderId: string },
): Promise<string | undefined> {
  const award = (await repo.awardsOf(ctx.db, tender.authorityId, tender.tenderId)).find(
    (a) => a.status !== "withdrawn",
  );
  return award ? `award.stage.${awardStateOf(award, ctx.clock.now())}` : undefined;
}

// The award decision

export interface AwardDraft {
  /** The regulated activity the contract requires (a code of `regulated_activities`), if any. */
  regulatedActivity?: string | null;
  /** Tariff tenders: the contract's value, as £ text. */
  value?: string | null;
}

interface CheckedAward {
  activity: { code: string; name: string } | undefined;
  tariffValue: bigint | null;
}

/** The award's fields (400 naming each at fault), then their combination with the tender (422). */
async function checkAward(
  ctx: Ctx,
  tender: TenderRow,
  evaluation: Evaluation,
  draft: AwardDraft,
): Promise<CheckedAward> {
  const problems: FieldError[] = [];
  const activityCode = (draft.regulatedActivity ?? "").trim();
  const activity = activityCode ? await repo.regulatedActivity(ctx.db, activityCode) : undefined;
  if (activityCode && !activity)
    problems.push({
      field: "regulatedActivity",
      message: msg`Choose a regulated activity from the list, or none`,
    });
  const valueText = (draft.value ?? "").trim();
  let tariffValue: bigint | null = null;
  if (tender.pricing_mode === "tariff") {
    const parsed = parseMoney(valueText);
    if (!parsed.ok || parsed.value <= 0n)
      problems.push({
        field: "value",
        message: msg`Enter the contract's value in pounds, like £1,250,000: the tariff sets the prices, so give the expected total`,
      });
    else tariffValue = parsed.value;
  }
  if (problems.length > 0) throw new ValidationError(msg`Check the award`, problems);
  const invalid: FieldError[] = [];
  if (tender.pricing_mode !== "tariff" && valueText !== "")
    invalid.push({
      field: "value",
      message: msg`The value comes from the winning bid's price (or the published fixed price): give none`,
    });
  if (evaluation.compliantCount < MINIMUM_COMPLIANT_BIDS && !evaluation.justification)
    invalid.push({
      field: "justification",
      message: msg`Only ${evaluation.compliantCount} bids were compliant and no justification is recorded: commissioners seek and consider at least ${MINIMUM_COMPLIANT_BIDS} providers`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError(msg`This award does not hold together`, invalid, "award_invalid");
  return { activity, tariffValue };
}

/** The best-ranked bid and its content: 409 with a tie undecided, nothing ranked, or a seal broken. */
function winnerOf(ready: ReadyToAward): { winner: RankingView["bids"][number]; content: BidContent } {
  const { ranking, contents } = ready;
  if (ranking.unresolvedTies.length > 0)
    throw new ConflictError(
      msg`Bids are tied on both total and quality: record your decision on their order first (${ranking.unresolvedTies
        .map((g) => g.map((b) => b.name).join(" and "))
        .join("; ")}).`,
      "tie_unresolved",
    );
  const winner = ranking.bids[0];
  if (!winner) throw new ConflictError(msg`No bid is ranked.`, "nothing_ranked");
  const content = contents.get(winner.bidId);
  if (!content) throw new ConflictError(msg`The winning bid cannot be read.`, "seal_broken");
  return { winner, content };
}

/** The winner may be awarded: registered for the regulated activity, not barred from a reserved tender (422). */
async function requireEligible(
  ctx: Ctx,
  tender: TenderRow,
  supplier: { organisationId: string; name: string },
  activity: CheckedAward["activity"],
  today: string,
): Promise<void> {
  if (activity && !(await hasCurrentRegistration(ctx, supplier.organisationId, activity.code))) {
    const message = noRegistrationMessage(supplier.name, activity.name);
    throw new UnprocessableError(message, [{ field: "regulatedActivity", message }], "registration_required");
  }
  if (!tender.reserved) return;
  const bar = await comparableReservedAward(ctx, {
    authorityId: tender.authority_id,
    organisationId: supplier.organisationId,
    categoryCode: tender.category_code,
    awardDate: today,
    exceptTenderId: tender.id,
  });
  if (bar) {
    const message = barReason(supplier.name, bar, today);
    throw new UnprocessableError(message, [{ field: "bid", message }], "reserved_bar");
  }
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
          ? formatMoney(w.pricePence as Pence)
          : (detail?.reason ?? ""),
      pointsShown: w.pointsShown,
      working: w.working,
    };
  });
}

/** Every bidder's assessment summary: the ranked bids as assessed, the excluded ones with their reasons. */
async function assessmentsFor(
  ctx: Ctx,
  awardId: string,
  ranking: ReadyToAward["ranking"],
): Promise<{ ranked: AwardAssessmentsTable[]; excluded: AwardAssessmentsTable[] }> {
  const { authority_id: authorityId, id: tenderId } = ranking.tender;
  const [current, reasons] = await Promise.all([
    currentBids(ctx, authorityId, tenderId),
    exclusionReasons(ctx, authorityId, tenderId),
  ]);
  const empty = { total_shown: null, quality_shown: null, price_shown: null, price_pence: null };
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
      await organisationNamesOf(
        ctx.db,
        excludedBids.map((b) => b.organisation_id).filter((id): id is string => id !== null),
      )
    ).map((o) => [o.id, o.name]),
  );
  const excluded: AwardAssessmentsTable[] = excludedBids.map((b) => {
    const why = reasons.get(b.id) ?? [];
    return {
      authority_id: authorityId,
      award_id: awardId,
      bid_id: b.id,
      organisation_id: b.organisation_id,
      bidder_name: (b.organisation_id && names.get(b.organisation_id)) || `Bid ${b.id}`,
      outcome: "excluded",
      rank: null,
      ...empty,
      criteria: [],
      exclusion_reasons: why.length > 0 ? why : [msg`Excluded at the compliance check.`],
    };
  });
  return { ranked, excluded };
}

/** A score as every page and message shows it: points out of 100. */
const points = (bpShown: string | null) => pointsOutOf100(bpShown ?? "");

function summaryText(
  tenderTitle: string,
  own: AwardAssessmentsTable,
  winner: AwardAssessmentsTable,
  standstillEndsAt: Date,
  link: string,
): string {
  const winnerIsOwn = own.bid_id === winner.bid_id;
  const lines = (a: AwardAssessmentsTable) =>
    a.criteria.map(
      (c) =>
        `- ${c.title}: ${c.score === null ? c.reason : msg`${c.score} out of ${c.scaleMax}`} — ${workingInPoints(c.working)}${c.score === null ? "" : `\n  ${msg`Reason: ${c.reason}`}`}`,
    );
  const parts: string[] = [];
  if (own.outcome === "excluded")
    parts.push(
      msg`Your bid for “${tenderTitle}” was excluded at the compliance check, so it was not scored.`,
      msg`Why:`,
      ...own.exclusion_reasons.map((r) => `- ${r}`),
    );
  else
    parts.push(
      winnerIsOwn
        ? msg`Your bid for “${tenderTitle}” is the winning bid: it ranked 1st with ${points(own.total_shown)} points out of 100.`
        : msg`Your bid for “${tenderTitle}” ranked ${own.rank ?? ""} with ${points(own.total_shown)} points out of 100 (quality ${points(own.quality_shown)}, price ${points(own.price_shown)}).`,
      "",
      msg`Your scores and the reasons for them:`,
      ...lines(own),
    );
  if (!winnerIsOwn)
    parts.push(
      "",
      msg`The winning bid, from ${winner.bidder_name}, scored ${points(winner.total_shown)} points out of 100:`,
      ...lines(winner),
    );
  parts.push(
    "",
    msg`The standstill period ends at ${standstillEndText(standstillEndsAt)}. No contract is entered before then. If you believe the award is wrong, you can challenge it before then on the award notice page; a challenge suspends the award until the authority records its outcome.`,
    "",
    msg`Your assessment summaries: ${link}`,
  );
  return parts.join("\n").slice(0, 10000);
}

/** Every bidder's people are sent their assessment summary, with the winner's scores and reasons. */
async function sendSummaries(
  ctx: TendersCtx & { db: Trx },
  tender: TenderRow,
  assessments: AwardAssessmentsTable[],
  standstillEndsAt: Date,
): Promise<void> {
  const winner = assessments[0] as AwardAssessmentsTable;
  for (const a of assessments) {
    if (!a.organisation_id) continue;
    const link = assessmentsPath(a.organisation_id);
    for (const userId of await organisationPeople(ctx.db, a.organisation_id))
      await notify(
        ctx.db,
        ctx.clock,
        {
          userId,
          authorityId: tender.authority_id,
          organisationId: a.organisation_id,
          kind: "award.assessment-summary",
          subject: msg`Assessment summary: ${tender.title}`.slice(0, 200),
          body: summaryText(tender.title, a, winner, standstillEndsAt, link),
          link,
        },
        { email: ctx.email, actor: actorIn(ctx) },
      );
  }
}

export interface AwardResult {
  awardId: string;
  bidId: string;
  supplierName: string;
  valuePence: bigint;
  standstillEndsAt: Date;
}

/** What the award records, decided before its transaction. */
interface Decided {
  ready: ReadyToAward;
  evaluation: Evaluation;
  winner: RankingView["bids"][number];
  content: BidContent;
  activity: CheckedAward["activity"];
  valuePence: bigint;
  standstillEndsAt: Date;
  assessments: { ranked: AwardAssessmentsTable[]; excluded: AwardAssessmentsTable[] };
}

/**
 * The award decision, audited, by the authority's commissioners and administrators who may read the
 * opened bids. 409 while scores are unmoderated, evaluators have not all submitted, a tie is
 * undecided, or the tender is awarded or cancelled; 422 with fewer than three compliant bids and no
 * justification, for the regulated-activity gate and the reserved 3-year bar; 400 for a field at fault.
 */
export async function awardTender(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  draft: AwardDraft,
  options: { awardId?: string } = {},
): Promise<AwardResult> {
  const ready = await readyToAward(ctx, authorityId, tenderId);
  const tender = ready.t.tender;
  const evaluation = ready.t.evaluation;
  if (!evaluation) throw new ConflictError(msg`Evaluation has not started.`, "evaluation_not_started");
  const { activity, tariffValue } = await checkAward(ctx, tender, evaluation, draft);
  const { winner, content } = winnerOf(ready);
  const supplier = { organisationId: content.bidder.organisationId, name: winner.name };
  await requireEligible(ctx, tender, supplier, activity, londonToday(ctx.clock));
  const valuePence =
    tender.pricing_mode === "competitive"
      ? BigInt(content.pricePence ?? "0")
      : tender.pricing_mode === "fixed-price"
        ? (tender.fixed_price_pence ?? 0n)
        : (tariffValue as bigint);
  const authority = await authorityById(ctx.db, authorityId);
  const awardId = options.awardId ?? newId();
  const decided: Decided = {
    ready,
    evaluation,
    winner,
    content,
    activity,
    valuePence,
    standstillEndsAt: standstillEnds(ctx.clock.now(), authority.nation),
    assessments: await assessmentsFor(ctx, awardId, ready.ranking),
  };
  await transaction(ctx.db, (trx) => recordAward(within(ctx, trx), awardId, decided));
  return {
    awardId,
    bidId: winner.bidId,
    supplierName: winner.name,
    valuePence,
    standstillEndsAt: decided.standstillEndsAt,
  };
}

/** The agreed scores and the tie decision may not have changed since the ranking was read (409). */
async function requireSameRanking(ctx: Ctx, ready: ReadyToAward): Promise<void> {
  const again = await computeRanking(ctx, ready.t, ready.contents);
  const summary = (r: typeof again) => r.bids.map((b) => `${b.bidId}:${b.rank}:${b.totalShown}`).join();
  if (summary(again) !== summary(ready.ranking))
    throw new ConflictError(
      msg`The agreed scores changed while you were awarding: look at the ranking again, then award.`,
      "ranking_changed",
    );
}

/** Writes the award, its assessments and (reserved tenders) the register entry; audited; summaries sent. */
async function recordAward(ctx: TendersCtx & { db: Trx }, awardId: string, d: Decided): Promise<void> {
  const { ready, winner, content, evaluation } = d;
  const { t, p } = ready;
  const tender = t.tender;
  const { authority_id: authorityId, id: tenderId } = tender;
  const locked = await lockTender(ctx, authorityId, tenderId);
  if (!locked || locked.status === "cancelled")
    throw new ConflictError(msg`This tender was cancelled: it cannot be awarded.`, "tender_cancelled");
  if (await repo.lockLiveAward(ctx.db, authorityId, tenderId))
    throw new ConflictError(msg`This tender has been awarded already.`, "already_awarded");
  await requireSameRanking(ctx, ready);
  const now = ctx.clock.now();
  await repo.insertAward(ctx.db, {
    authority_id: authorityId,
    id: awardId,
    tender_id: tenderId,
    bid_id: winner.bidId,
    organisation_id: content.bidder.organisationId,
    supplier_name: winner.name,
    lead_share_bp: content.consortium?.leadShareBp ?? 10_000,
    consortium: consortiumOf(content),
    value_pence: d.valuePence,
    regulated_activity: d.activity?.code ?? null,
    three_bid_justification: evaluation.publishWithAward ? evaluation.justification : null,
    status: "awarded",
    decided_by: p.userId,
    decided_at: now,
    notice_published_at: now,
    standstill_ends_at: d.standstillEndsAt,
    contract_id: null,
    withdrawn_at: null,
    withdrawn_reason: null,
  });
  const assessments = [...d.assessments.ranked, ...d.assessments.excluded];
  await repo.insertAssessments(ctx.db, assessments);
  if (tender.reserved)
    await recordTenderReservedAward(ctx, {
      authorityId,
      tenderId,
      organisationId: content.bidder.organisationId,
      categoryCode: tender.category_code,
      awardedOn: londonToday(ctx.clock),
      title: tender.title,
      recordedBy: p.userId,
    });
  await recordAudit(ctx.db, ctx.clock, {
    authorityId,
    actor: actorIn(ctx),
    action: "tender.awarded",
    entity: { type: "tender", id: tenderId },
    changes: {
      awardId,
      bidId: winner.bidId,
      organisationId: content.bidder.organisationId,
      valuePence: d.valuePence,
      regulatedActivity: d.activity?.code ?? null,
      standstillEndsAt: d.standstillEndsAt,
      ranking: ready.ranking.bids.map((b) => ({ bidId: b.bidId, rank: b.rank, total: b.totalShown })),
      tieDecision: ready.ranking.tieDecision?.order ?? null,
    },
  });
  await sendSummaries(ctx, tender, assessments, d.standstillEndsAt);
}

function consortiumOf(content: BidContent): AwardConsortiumMember[] {
  return (content.consortium?.members ?? []).map((m) => ({
    organisationId: m.organisationId,
    name: m.name,
    role: m.role === "partner" ? "partner" : "subcontractor",
    sector: m.sector,
    sizeBand: m.sizeBand,
    shareBp: m.shareBp,
  }));
}

export interface AwardForm {
  ready: ReadyToAward;
  /** The regulated activities the contract may require. */
  activities: { code: string; name: string }[];
}

/** The award form: the ranking it awards on, checked ready (409 otherwise), and the regulated activities. */
export async function awardForm(ctx: TendersCtx, authorityId: string, tenderId: string): Promise<AwardForm> {
  const ready = await readyToAward(ctx, authorityId, tenderId);
  return { ready, activities: await repo.regulatedActivities(ctx.db) };
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
export async function awardNotice(ctx: Ctx, authorityId: string, tenderId: string): Promise<AwardNotice> {
  const tender = await findTender(ctx, authorityId, tenderId);
  if (!tender || tender.status === "draft") throw new NotFoundError("award notice");
  const awards = await repo.awardsOf(ctx.db, authorityId, tenderId);
  const award = awards.find((a) => a.status !== "withdrawn") ?? awards[0];
  if (!award) throw new NotFoundError("award notice");
  const [assessments, challenges, activity] = await Promise.all([
    repo.assessmentsOf(ctx.db, authorityId, award.id),
    repo.challengesOf(ctx.db, authorityId, award.id),
    award.regulated_activity
      ? repo.regulatedActivity(ctx.db, award.regulated_activity)
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
    state: awardStateOf(award, ctx.clock.now()),
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

/**
 * The award each of these tenders' award notices shows (its live award or, after withdrawal, the
 * latest), by tender id: the notice's award for many tenders at once, in one query. A tender with
 * no award, or not published, is left out. Public.
 */
export async function noticeAwardsOf(
  ctx: Ctx,
  keys: readonly { authority_id: string; id: string }[],
): Promise<Map<string, TenderAward>> {
  const awards = await repo.awardsOfTenders(
    ctx.db,
    keys.filter((k) => isUuid(k.authority_id) && isUuid(k.id)),
  );
  const shown = new Map<string, TenderAward>();
  for (const award of awards) {
    const held = shown.get(award.tender_id);
    if (!held || (held.status === "withdrawn" && award.status !== "withdrawn"))
      shown.set(award.tender_id, award);
  }
  return shown;
}

export interface AwardPermissions {
  /** The bidding organisations this person may challenge for (as their people). */
  challengeAs: { id: string; name: string }[];
  /** May this person decide challenges (the authority's commissioners and administrators)? */
  decide: boolean;
}

/** May this person challenge (a bidder's people), decide challenges (the commissioners)? */
export async function awardPermissions(ctx: Ctx, notice: AwardNotice): Promise<AwardPermissions> {
  const principal = ctx.principal;
  if (!principal) return { challengeAs: [], decide: false };
  const assessments = await repo.assessmentsOf(ctx.db, notice.award.authority_id, notice.award.id);
  const challengeAs = assessments
    .filter((a) => a.organisation_id && hasRole(principal, BIDDER_ROLES, a.organisation_id))
    .map((a) => ({ id: a.organisation_id as string, name: a.bidder_name }));
  return { challengeAs, decide: hasRole(principal, MODERATORS, notice.award.authority_id) };
}

/** The notice's page: the notice, what this person may do, and (to those who decide) the challenges. */
export async function noticePage(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<{ notice: AwardNotice; can: AwardPermissions; challenges: repo.ChallengeRow[] }> {
  const notice = await awardNotice(ctx, authorityId, tenderId);
  const can = await awardPermissions(ctx, notice);
  const challenges = can.decide ? await repo.challengesOf(ctx.db, authorityId, notice.award.id) : [];
  return { notice, can, challenges };
}

// Assessment summaries received

export interface ReceivedAssessment {
  own: repo.ReceivedAssessmentRow;
  winner: repo.ReceivedAssessmentRow | null;
}

/**
 * Signed in (401), a known organisation (404), then one of its own people (403; platform
 * administrators too are refused): who sees the assessment summaries it received.
 */
export async function requireBidderPeople(ctx: Ctx, organisationId: string): Promise<Principal> {
  const p: Principal = requireSignedIn(ctx.principal);
  await organisationOf(ctx.db, organisationId);
  if (!hasRole(p, BIDDER_ROLES, organisationId) || hasRole(p, ["platform-admin"]))
    throw new ForbiddenError(
      msg`Assessment summaries are seen only by the people of the organisation that bid.`,
    );
  return p;
}

/** The assessment summaries sent to an organisation, for its own people only (404 unknown; 403 others). */
export async function assessmentsReceived(ctx: Ctx, organisationId: string): Promise<ReceivedAssessment[]> {
  await requireBidderPeople(ctx, organisationId);
  const own = await repo.assessmentsForOrganisation(ctx.db, organisationId);
  // The winner's scores and reasons for each award, as each bidder was told them.
  const winners = new Map<string, repo.ReceivedAssessmentRow | undefined>();
  for (const a of own) {
    if (winners.has(a.award_id)) continue;
    const all = await repo.assessmentsOf(ctx.db, a.authority_id, a.award_id);
    const award = (await repo.awardsOf(ctx.db, a.authority_id, a.tender_id)).find((x) => x.id === a.award_id);
    winners.set(
      a.award_id,
      all.find((x) => x.bid_id === award?.bid_id) as repo.ReceivedAssessmentRow | undefined,
    );
  }
  return own.map((a) => ({ own: a, winner: winners.get(a.award_id) ?? null }));
}

/** An authority's awards (published with their notices), a page at a time by id, for the market's figures. Checks no one. */
export const authorityAwardsAfter = repo.authorityAwardsAfter;
export type { AwardFigures } from "./award.repository.ts";
