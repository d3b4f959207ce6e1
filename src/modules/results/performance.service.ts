/**
 * Performance and market share (issue 19, item 5): the commissioner sees each contract's
 * performance against its minimum performance level per referral month — of the participants
 * referred in a month, the share with the model's outcome (valid claims) within the months it
 * allows — and may move a share of the programme's referrals from one contract to another by the
 * model's `marketShare` rule (at most `maxShiftBp` at once; only away from a contract below its
 * minimum when the rule says so). A shift is one transaction: both contracts locked, the shares
 * changed, the decision recorded and audited, both providers told.
 *
 * The figures read the contract's participants and claims (its own rows, by index), kept for ten
 * minutes (`keptFor`) with the time they were counted shown, never counted per request.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { formatPercent, parsePercent } from "../../lib/basis-points.ts";
import { ConflictError, type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { type Kept, keptFor } from "../../lib/kept.ts";
import { addMonths, isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireSignedIn } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { MinimumPerformance, ModelDefinition } from "./models.ts";
import * as repo from "./outcome-contracts.repository.ts";
import { asCommissioner } from "./outcome-contracts.service.ts";
import { modelInForce, tellProvider } from "./results.service.ts";
import type { OutcomeContract } from "./results.table.ts";

/** Referral months shown (the latest first). */
export const PERFORMANCE_MONTHS = 36;

export interface MonthPerformance {
  /** The referral month's first day. */
  month: string;
  referred: number;
  achieved: number;
  rateBp: number;
  /** Whether the time allowed for its outcomes has passed (the rate is final). */
  complete: boolean;
  /** Final and below the minimum performance level. */
  below: boolean;
}

export interface Performance {
  minimum: MinimumPerformance | null;
  months: MonthPerformance[];
  countedAt: Date | null;
  /** The latest complete month's result against the minimum, if any. */
  belowMinimum: boolean;
}

const kept = keptFor<Db, repo.ReferralMonth[]>(10 * 60 * 1000, { names: 1000 });

/** What the model says of minimum performance, if anything. */
function minimumOf(definition: unknown): MinimumPerformance | null {
  return ((definition as Partial<ModelDefinition> | null)?.minimumPerformance as MinimumPerformance) ?? null;
}

async function performanceOf(ctx: Ctx, contract: OutcomeContract): Promise<Performance> {
  const today = londonToday(ctx.clock);
  const model = await modelInForce(ctx.db, contract.authority_id, contract.id, today);
  const minimum = model ? minimumOf(model.definition) : null;
  if (!minimum) return { minimum: null, months: [], countedAt: null, belowMinimum: false };
  const figures: Kept<repo.ReferralMonth[]> = await kept.get(
    ctx.db,
    ctx.clock.now(),
    () =>
      repo.referralMonths(
        ctx.db,
        contract.authority_id,
        contract.id,
        minimum.outcome,
        minimum.withinMonths,
        PERFORMANCE_MONTHS,
      ),
    `${contract.authority_id}/${contract.id}/${minimum.outcome}/${minimum.withinMonths}`,
  );
  const months = figures.value.map((m) => {
    const rateBp = m.referred === 0 ? 0 : Math.floor((m.achieved * 10_000) / m.referred);
    // Complete once the last referral of the month has had the whole time allowed.
    const complete = addMonths(addMonths(m.month, 1), minimum.withinMonths) <= today;
    return { ...m, rateBp, complete, below: complete && rateBp < minimum.rateBp };
  });
  const latestComplete = months.find((m) => m.complete);
  return { minimum, months, countedAt: figures.countedAt, belowMinimum: latestComplete?.below ?? false };
}

/** A contract's performance against its minimum performance level: its commissioners'. */
export async function contractPerformance(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
): Promise<Performance & { programme: repo.OutcomeContractRow[] }> {
  const { contract } = await asCommissioner(
    ctx,
    authorityId,
    contractId,
    msg`Only the authority's commissioners and administrators see performance against the minimum.`,
  );
  const [performance, programme] = await Promise.all([
    performanceOf(ctx, contract),
    repo.programmeContracts(ctx.db, authorityId, contract.programme),
  ]);
  return { ...performance, programme };
}

export interface ShareShiftDraft {
  /** The contract receiving the share. */
  toContractId: string;
  /** Basis points of the programme's referrals (an integer), or a percentage as typed ("5", "2.5%"). */
  share: number | string;
  effectiveFrom: string;
  reason: string;
}

/**
 * Moves a share of the programme's referrals from `fromContractId` to another contract of the same
 * programme, by the from-contract's model's market share rule. Answers the shares after.
 */
export async function shiftMarketShare(
  ctx: Ctx,
  authorityId: string,
  fromContractId: string,
  draft: ShareShiftDraft,
  opts: { email?: boolean } = {},
): Promise<{ fromShareBp: number; toShareBp: number }> {
  const problems: FieldError[] = [];
  const shareBp = typeof draft.share === "number" ? draft.share : parsePercent(String(draft.share ?? ""));
  if (shareBp === undefined || !Number.isInteger(shareBp) || shareBp < 1 || shareBp > 10_000)
    problems.push({ field: "share", message: msg`Enter the share to move as a percentage, like 5 or 2.5` });
  if (!isUuid(draft.toContractId ?? ""))
    problems.push({ field: "toContractId", message: msg`Choose the contract that receives the share` });
  if (!isIsoDate(draft.effectiveFrom ?? ""))
    problems.push({ field: "effectiveFrom", message: msg`Enter the day the shift applies from` });
  const reason = (draft.reason ?? "").trim();
  if (reason.length < 1 || reason.length > 2000)
    problems.push({ field: "reason", message: msg`Enter the reason for the shift, up to 2,000 characters` });
  if (problems.length > 0) throw new ValidationError(msg`Check the shift of market share`, problems);
  const bp = shareBp as number;

  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    await asCommissioner(
      inTrx,
      authorityId,
      fromContractId,
      msg`Only the authority's commissioners and administrators shift market share.`,
    );
    if (draft.toContractId === fromContractId)
      throw new UnprocessableError(msg`Choose another contract of the programme to receive the share`, [
        {
          field: "toContractId",
          message: msg`Choose another contract of the programme to receive the share`,
        },
      ]);
    const locked = await repo.lockContracts(trx, authorityId, [fromContractId, draft.toContractId]);
    const from = locked.find((c) => c.id === fromContractId);
    const to = locked.find((c) => c.id === draft.toContractId);
    if (!from || !to || to.programme !== from.programme)
      throw new UnprocessableError(msg`Choose another contract of the same programme to receive the share`, [
        {
          field: "toContractId",
          message: msg`Choose another contract of the same programme to receive the share`,
        },
      ]);
    const today = londonToday(ctx.clock);
    const model = await modelInForce(trx, authorityId, fromContractId, today);
    const rule = (model?.definition as Partial<ModelDefinition> | undefined)?.marketShare;
    if (!rule)
      throw new ConflictError(
        msg`This contract's payment model has no market share rule: add one in a new model version first`,
      );
    if (bp > rule.maxShiftBp)
      throw new UnprocessableError(
        msg`The model allows at most ${formatPercent(rule.maxShiftBp)} at once (${rule.rule})`,
        [
          {
            field: "share",
            message: msg`The model allows at most ${formatPercent(rule.maxShiftBp)} at once (${rule.rule})`,
          },
        ],
      );
    if (bp > from.referral_share_bp)
      throw new UnprocessableError(
        msg`This contract has only ${formatPercent(from.referral_share_bp)} of the referrals to give`,
        [
          {
            field: "share",
            message: msg`This contract has only ${formatPercent(from.referral_share_bp)} of the referrals to give`,
          },
        ],
      );
    if (to.referral_share_bp + bp > 10_000)
      throw new UnprocessableError(msg`The receiving contract's share cannot go above 100%`, [
        { field: "share", message: msg`The receiving contract's share cannot go above 100%` },
      ]);
    if (rule.onlyFromBelowMinimum && !(await performanceOf(inTrx, from)).belowMinimum)
      throw new ConflictError(
        msg`The model moves share only away from a contract below its minimum performance level, and this one is not (${rule.rule})`,
      );
    const p = requireSignedIn(ctx.principal);
    const fromShareBp = from.referral_share_bp - bp;
    const toShareBp = to.referral_share_bp + bp;
    await repo.setReferralShare(trx, authorityId, from.id, fromShareBp);
    await repo.setReferralShare(trx, authorityId, to.id, toShareBp);
    const id = newId();
    await repo.insertShareChange(trx, {
      authority_id: authorityId,
      id,
      programme: from.programme,
      from_contract_id: from.id,
      to_contract_id: to.id,
      share_bp: bp,
      effective_from: draft.effectiveFrom,
      reason,
      decided_by: p.userId,
      decided_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.share-shifted",
      entity: { type: "outcome-contract", id: from.id },
      changes: {
        programme: from.programme,
        fromContractId: from.id,
        toContractId: to.id,
        shareBp: bp,
        fromShareBp,
        toShareBp,
        effectiveFrom: draft.effectiveFrom,
        reason,
      },
    });
    for (const [c, after] of [
      [from, fromShareBp],
      [to, toShareBp],
    ] as const)
      await tellProviderShifted(within(ctx, trx), c, {
        subject: `Share of referrals changed: ${c.title}`,
        body: `The commissioner has moved ${formatPercent(bp)} of the "${from.programme}" programme's referrals from ${from.reference} to ${to.reference}, from ${draft.effectiveFrom}. ${c.reference} now receives ${formatPercent(after)} of the referrals. The reason: ${reason}`,
        email: opts.email ?? false,
      });
    return { fromShareBp, toShareBp };
  });
}

/** Tells the provider's administrators and members of a contract, in the caller's transaction. */
function tellProviderShifted(
  ctx: Ctx & { db: Trx },
  contract: OutcomeContract,
  message: { subject: string; body: string; email: boolean },
): Promise<void> {
  return tellProvider(ctx, contract, { kind: "results.share-shifted", path: "", ...message });
}
