/**
 * Standstill challenges (issue 6, item 7; Procurement Act 2023, s.51): during standstill a bidder's
 * people may challenge the award; it is suspended until the commissioner records the outcome —
 * dismissed (the award stands), upheld for re-evaluation (the award is withdrawn and moderation
 * reopens) or upheld with the tender cancelled. Nothing can be contracted meanwhile.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { standstillEndText } from "../../lib/working-days.ts";
import {
  commissioningPeople,
  hasRole,
  organisationPeople,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { MODERATORS } from "../evaluation/evaluation.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { cancelTender } from "../tenders/amendments.service.ts";
import type { TendersCtx } from "../tenders/tenders.service.ts";
import * as repo from "./award.repository.ts";
import {
  AWARD_LIMITS,
  type AwardNotice,
  type AwardPermissions,
  awardNotice,
  awardPermissions,
  noticePath,
} from "./award.service.ts";
import { type AwardStatus, CHALLENGE_OUTCOMES, type ChallengeOutcome } from "./award.table.ts";

const NOT_A_BIDDER = msg`Only the people of an organisation that bid for this tender may challenge its award, for that organisation.`;

/** The challenge form: the notice and the organisations this person may challenge for (401; 403 for none). */
export async function challengeForm(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<{ notice: AwardNotice; can: AwardPermissions }> {
  requireSignedIn(ctx.principal);
  const notice = await awardNotice(ctx, authorityId, tenderId);
  const can = await awardPermissions(ctx, notice);
  if (can.challengeAs.length === 0) throw new ForbiddenError(NOT_A_BIDDER);
  return { notice, can };
}

/** The award, locked, open to a challenge now: 409 withdrawn, contracted, after standstill, or the organisation's challenge open. */
async function challengeableAward(ctx: Ctx & { db: Trx }, notice: AwardNotice, organisationId: string) {
  const { authority_id: authorityId, tender_id: tenderId } = notice.award;
  const award = await repo.lockLiveAward(ctx.db, authorityId, tenderId);
  if (!award || award.id !== notice.award.id)
    throw new ConflictError(msg`This award was withdrawn: there is nothing to challenge.`, "award_withdrawn");
  if (award.status === "contracted")
    throw new ConflictError(msg`A contract has been entered for this award.`, "award_contracted");
  if (ctx.clock.now().getTime() >= award.standstill_ends_at.getTime())
    throw new ConflictError(
      msg`The standstill period ended at ${standstillEndText(award.standstill_ends_at)}: a challenge is lodged during standstill.`,
      "standstill_over",
    );
  const open = (await repo.challengesOf(ctx.db, authorityId, award.id)).filter(
    (c) => c.organisation_id === organisationId && c.outcome === null,
  );
  if (open.length > 0)
    throw new ConflictError(
      msg`Your organisation's challenge to this award is open already: its outcome will be recorded and you will be told.`,
      "challenge_open",
    );
  return award;
}

/** The commissioners are told of a challenge. */
async function tellCommissioners(
  ctx: TendersCtx & { db: Trx },
  notice: AwardNotice,
  challenge: { id: string; bidder: string; grounds: string },
): Promise<void> {
  const authorityId = notice.award.authority_id;
  for (const userId of await commissioningPeople(ctx.db, authorityId))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: "award.challenged",
        subject: `Award challenged: ${notice.tender.title}`.slice(0, 200),
        body: `${challenge.bidder} has challenged the award of “${notice.tender.title}”. The award is suspended: nothing can be contracted until you record the outcome.\n\nGrounds: ${challenge.grounds}`.slice(
          0,
          10000,
        ),
        link: `/authorities/${notice.tender.authoritySlug}/tenders/${notice.tender.id}/award/challenges/${challenge.id}`,
      },
      { email: ctx.email, actor: actorIn(ctx) },
    );
}

/**
 * A bidder's people lodge a challenge during standstill, audited: the award is suspended until the
 * outcome is recorded, and the commissioners are told. 403 for anyone but a bidder's people; 409
 * after standstill, for a withdrawn or contracted award, or with the organisation's challenge open.
 */
export async function lodgeChallenge(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  draft: { organisationId?: string; grounds?: string },
  options: { challengeId?: string } = {},
): Promise<{ challengeId: string }> {
  const p = requireSignedIn(ctx.principal);
  const notice = await awardNotice(ctx, authorityId, tenderId);
  const organisationId = draft.organisationId ?? "";
  const bidders = (await awardPermissions(ctx, notice)).challengeAs;
  if (!bidders.some((b) => b.id === organisationId)) throw new ForbiddenError(NOT_A_BIDDER);
  const grounds = (draft.grounds ?? "").trim();
  if (grounds === "" || grounds.length > AWARD_LIMITS.grounds)
    throw new ValidationError(msg`Check the challenge`, [
      {
        field: "grounds",
        message: msg`Give the grounds of your challenge: what you believe is wrong with the award and why, ${AWARD_LIMITS.grounds} characters or fewer`,
      },
    ]);
  const challengeId = options.challengeId ?? newId();
  await transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    const award = await challengeableAward(tx, notice, organisationId);
    await repo.insertChallenge(trx, {
      authority_id: authorityId,
      id: challengeId,
      award_id: award.id,
      tender_id: tenderId,
      organisation_id: organisationId,
      lodged_by: p.userId,
      lodged_at: ctx.clock.now(),
      grounds,
      outcome: null,
      outcome_reason: null,
      decided_by: null,
      decided_at: null,
    });
    await repo.updateAward(trx, authorityId, award.id, { status: "suspended" });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "award.challenged",
      entity: { type: "tender", id: tenderId },
      changes: { awardId: award.id, challengeId, organisationId, grounds },
    });
    const bidder = bidders.find((b) => b.id === organisationId)?.name ?? "A bidder";
    await tellCommissioners(tx, notice, { id: challengeId, bidder, grounds });
  });
  return { challengeId };
}

export interface ChallengeView {
  notice: AwardNotice;
  challenge: repo.ChallengeRow;
}

/** A challenge, for the commissioners: 401, then 404 for an unknown award or challenge, then 403 for others. */
export async function challengeOf(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  challengeId: string,
): Promise<ChallengeView> {
  const p = requireSignedIn(ctx.principal);
  const notice = await awardNotice(ctx, authorityId, tenderId);
  const challenge = (await repo.challengesOf(ctx.db, authorityId, notice.award.id)).find(
    (c) => c.id === challengeId,
  );
  if (!challenge) throw new NotFoundError("challenge");
  if (!hasRole(p, MODERATORS, authorityId))
    throw new ForbiddenError(
      msg`The outcome of a challenge is recorded by the authority's commissioners and administrators.`,
    );
  return { notice, challenge };
}

/** The outcome, checked: 400 naming each field at fault. */
function checkOutcome(draft: { outcome?: string; reason?: string }): {
  outcome: ChallengeOutcome;
  reason: string;
} {
  const problems: FieldError[] = [];
  const outcome = draft.outcome as ChallengeOutcome;
  if (!CHALLENGE_OUTCOMES.includes(outcome))
    problems.push({
      field: "outcome",
      message: msg`Choose the outcome: dismissed, upheld with re-evaluation, or upheld with the tender cancelled`,
    });
  const reason = (draft.reason ?? "").trim();
  if (reason === "" || reason.length > AWARD_LIMITS.reason)
    problems.push({
      field: "reason",
      message: msg`Give the reasons for the outcome, ${AWARD_LIMITS.reason} characters or fewer: the bidders are told them`,
    });
  if (problems.length > 0) throw new ValidationError(msg`Check the outcome`, problems);
  return { outcome, reason };
}

/** The bidders' people are told a challenge's outcome. */
async function tellBidders(
  ctx: TendersCtx & { db: Trx },
  view: ChallengeView,
  outcome: ChallengeOutcome,
  reason: string,
): Promise<void> {
  const { notice, challenge } = view;
  const authorityId = notice.award.authority_id;
  const what =
    outcome === "dismissed"
      ? msg`The challenge was dismissed: the award stands.`
      : outcome === "upheld-reevaluate"
        ? msg`The challenge was upheld: the award is withdrawn and the bids will be evaluated again. You will be told of the new award.`
        : msg`The challenge was upheld: the award is withdrawn and the tender cancelled.`;
  const organisations = new Set(
    (await repo.assessmentsOf(ctx.db, authorityId, notice.award.id))
      .map((a) => a.organisation_id)
      .filter((id): id is string => id !== null),
  );
  for (const organisationId of organisations)
    for (const userId of await organisationPeople(ctx.db, organisationId))
      await notify(
        ctx.db,
        ctx.clock,
        {
          userId,
          authorityId,
          organisationId,
          kind: "award.challenge-decided",
          subject: msg`Challenge decided: ${notice.tender.title}`.slice(0, 200),
          body: [
            msg`A challenge to the award of “${notice.tender.title}”, lodged by ${challenge.organisation_name}, has been decided.`,
            what,
            msg`Reasons: ${reason}`,
          ]
            .join("\n\n")
            .slice(0, 10000),
          link: noticePath(notice.tender.authoritySlug, notice.tender.id),
        },
        { email: ctx.email, actor: actorIn(ctx) },
      );
}

/**
 * The outcome recorded on the challenge, and on the award: dismissed, it stands (suspended while
 * another challenge is open); upheld, it is withdrawn, and the other open challenges fall with it.
 */
async function applyOutcome(
  ctx: Ctx & { db: Trx },
  award: { authority_id: string; id: string; status: AwardStatus },
  challengeId: string,
  decision: { outcome: ChallengeOutcome; reason: string; by: string },
): Promise<AwardStatus> {
  const { outcome, reason, by } = decision;
  const authorityId = award.authority_id;
  const now = ctx.clock.now();
  const others = (await repo.challengesOf(ctx.db, authorityId, award.id)).filter(
    (c) => c.outcome === null && c.id !== challengeId,
  );
  await repo.recordChallengeOutcome(ctx.db, authorityId, challengeId, {
    outcome,
    outcome_reason: reason,
    decided_by: by,
    decided_at: now,
  });
  if (outcome === "dismissed") {
    const status = others.length > 0 ? "suspended" : "awarded";
    await repo.updateAward(ctx.db, authorityId, award.id, { status });
    return status;
  }
  for (const o of others)
    await repo.recordChallengeOutcome(ctx.db, authorityId, o.id, {
      outcome,
      outcome_reason: `Decided with another challenge to the same award: ${reason}`.slice(0, 5000),
      decided_by: by,
      decided_at: now,
    });
  await repo.updateAward(ctx.db, authorityId, award.id, {
    status: "withdrawn",
    withdrawn_at: now,
    withdrawn_reason: reason,
  });
  return "withdrawn";
}

/**
 * The commissioner records a standstill challenge's outcome with the reason, audited; the bidders
 * are told. Dismissed: the award stands (suspended no longer, unless another challenge is open).
 * Upheld for re-evaluation: the award is withdrawn and moderation reopens for a new ranking and
 * award. Upheld with cancellation: the award is withdrawn and the tender cancelled with the reason.
 * 409 decided.
 */
export async function decideStandstillChallenge(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  challengeId: string,
  draft: { outcome?: string; reason?: string },
): Promise<{ outcome: ChallengeOutcome; awardStatus: AwardStatus }> {
  const view = await challengeOf(ctx, authorityId, tenderId, challengeId);
  const p = requireSignedIn(ctx.principal);
  const { outcome, reason } = checkOutcome(draft);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    const award = await repo.lockLiveAward(trx, authorityId, tenderId);
    const locked = await repo.lockChallenge(trx, authorityId, challengeId);
    if (!locked || locked.outcome !== null || !award)
      throw new ConflictError(
        msg`The outcome of this challenge has been recorded already.`,
        "challenge_decided",
      );
    const status = await applyOutcome(tx, award, challengeId, { outcome, reason, by: p.userId });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: "award.challenge-decided",
      entity: { type: "tender", id: tenderId },
      changes: { awardId: award.id, challengeId, outcome, reason, awardStatus: status },
    });
    if (outcome === "upheld-cancel") await cancelTender(tx, authorityId, tenderId, reason);
    await tellBidders(tx, view, outcome, reason);
    return { outcome, awardStatus: status };
  });
}
