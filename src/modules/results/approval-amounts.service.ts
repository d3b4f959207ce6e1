/**
 * The second-approval amount (issue 19): a payment run paying more than its outcome contract's
 * amount — a correction larger than it — needs two different people. Who may set it, and how far:
 *
 * - **The authority's ceiling** for its contracts' amounts: set by the authority's administrators
 *   only (not its commissioners, not platform administrators), in a session signed in with
 *   two-factor; audited (`results.approval-ceiling-set`). Until one is set it is £25,000.00
 *   (`DEFAULT_APPROVAL_CEILING_PENCE`). A contract's amount must be at or below it whenever the
 *   amount is set — at set-up, lowered, proposed or confirmed (422 naming the ceiling). Lowering the
 *   ceiling changes no contract: the ceiling's page lists those above it, to lower.
 * - **A contract's amount**, after set-up: **lowering** it takes effect at once (one of the
 *   authority's commissioners or administrators: `results.approval-amount-lowered`), and a run
 *   approved by one person that now pays above it goes back to waiting for a second approval
 *   (runs.service.ts `needSecondApprovalAgain`). **Raising** it is a proposal
 *   (`results.approval-raise-proposed`) that takes effect only once a *different* commissioner or
 *   administrator confirms it, in a session signed in with two-factor
 *   (`results.approval-raise-confirmed`), or refuses it (`results.approval-raise-refused`; whoever
 *   proposed it may withdraw it so). One raise waits at a time per contract; a lowering made while
 *   one waits supersedes it. A raise never takes an approval away: a run approved once and waiting
 *   for its second keeps waiting (runs.service.ts `approvalsNeeded`).
 *
 * Every change locks the outcome contract first, as runs do, so a change and an approval or payment
 * of the contract's run go one after the other.
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  hasRole,
  isPlatformAdmin,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { displayNamesOf } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./approval-amounts.repository.ts";
import {
  outcomeContractFor,
  type ResultsStanding,
  requirePayer,
  requireTwoFactorSession,
} from "./results.service.ts";
import type { OutcomeApprovalRaise, OutcomeContract, RaiseStatus } from "./results.table.ts";
import { needSecondApprovalAgain } from "./runs.service.ts";

/** An authority's ceiling until its administrators set one: £25,000.00. */
export const DEFAULT_APPROVAL_CEILING_PENCE = 2_500_000n;

/** How many of the contracts above the ceiling its page lists. */
export const ABOVE_CEILING_SHOWN = 50;

type Db = Ctx["db"];

/** The authority's ceiling (`lock`: for share, so that a change of it waits for the action). */
async function ceilingOf(db: Db, authorityId: string, opts: { lock?: boolean } = {}): Promise<bigint> {
  const row = await repo.ceilingRow(db, authorityId, opts.lock ? { lock: "share" } : {});
  return row?.ceiling_pence ?? DEFAULT_APPROVAL_CEILING_PENCE;
}

function aboveCeiling(ceiling: bigint, field: string): UnprocessableError {
  const message = msg`Enter an amount of at most ${formatPence(ceiling)}, the authority's ceiling for the amount above which two people approve a payment (its administrators set the ceiling)`;
  return new UnprocessableError(message, [{ field, message }], "above_ceiling");
}

/**
 * The amount a contract is set up with (pence, or money as typed; the default when empty), at or
 * below the authority's ceiling: for `setUpOutcomeContract`, inside its transaction.
 */
export async function setUpAmount(db: Db, authorityId: string, asked: bigint | null): Promise<bigint> {
  const ceiling = await ceilingOf(db, authorityId, { lock: true });
  if (asked === null)
    return ceiling < DEFAULT_APPROVAL_CEILING_PENCE ? ceiling : DEFAULT_APPROVAL_CEILING_PENCE;
  if (asked > ceiling) throw aboveCeiling(ceiling, "secondApprovalAbove");
  return asked;
}

/** Money as typed ("£25,000") or pence, never negative: 400 naming the field otherwise. */
function amountOf(value: bigint | string | undefined, field: string): bigint {
  if (typeof value === "bigint") {
    if (value >= 0n) return value;
    const message = msg`Enter an amount of £0.00 or more`;
    throw new ValidationError(message, [{ field, message }]);
  }
  const parsed = parseMoney(value ?? "");
  if (!parsed.ok) throw new ValidationError(parsed.error, [{ field, message: parsed.error }]);
  return parsed.value;
}

// The ceiling

export interface CeilingView {
  ceilingPence: bigint;
  /** True until the authority's administrators set one. */
  isDefault: boolean;
  setBy: string | null;
  setByName: string | null;
  setAt: Date | null;
  /** Whether the caller may set it (the authority's administrators). */
  canSet: boolean;
  /** Contracts whose amount is above the ceiling (set before it was lowered), by reference: to lower. */
  above: { id: string; reference: string; title: string; amountPence: bigint }[];
}

async function ceilingView(ctx: Ctx, authorityId: string): Promise<CeilingView> {
  const row = await repo.ceilingRow(ctx.db, authorityId);
  const ceiling = row?.ceiling_pence ?? DEFAULT_APPROVAL_CEILING_PENCE;
  const [names, above] = await Promise.all([
    displayNamesOf(ctx.db, row?.set_by ? [row.set_by] : []),
    repo.contractsAbove(ctx.db, authorityId, ceiling, ABOVE_CEILING_SHOWN),
  ]);
  return {
    ceilingPence: ceiling,
    isDefault: !row,
    setBy: row?.set_by ?? null,
    setByName: row?.set_by ? (names.get(row.set_by) ?? null) : null,
    setAt: row?.set_at ?? null,
    canSet: hasRole(ctx.principal, "authority-admin", authorityId),
    above: above.map((c) => ({
      id: c.id,
      reference: c.reference,
      title: c.title,
      amountPence: c.second_approval_above_pence,
    })),
  };
}

/** The authority's ceiling, who set it and when: its commissioners and administrators read it. */
export async function approvalCeiling(ctx: Ctx, authorityId: string): Promise<CeilingView> {
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return ceilingView(ctx, authorityId);
}

/** Sets the authority's ceiling: its administrators only, in a session signed in with two-factor. */
export async function setApprovalCeiling(
  ctx: Ctx,
  authorityId: string,
  input: { ceiling: bigint | string | undefined },
): Promise<CeilingView> {
  const p = await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  if (!hasRole(p, "authority-admin", authorityId))
    throw new ForbiddenError(
      isPlatformAdmin(p)
        ? msg`Platform administrators do not set an authority's ceiling: ask one of the authority's administrators.`
        : msg`Only the authority's administrators set the ceiling: ask one of them.`,
    );
  requireTwoFactorSession(ctx, "amounts");
  const ceiling = amountOf(input.ceiling, "ceiling");
  await transaction(ctx.db, async (trx) => {
    const before = await repo.ceilingRow(trx, authorityId, { lock: "update" });
    const from = before?.ceiling_pence ?? DEFAULT_APPROVAL_CEILING_PENCE;
    await repo.upsertCeiling(trx, authorityId, {
      ceiling_pence: ceiling,
      set_by: p.userId,
      set_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.approval-ceiling-set",
      entity: { type: "authority", id: authorityId },
      changes: { fromPence: from, ceilingPence: ceiling },
    });
  });
  return ceilingView(ctx, authorityId);
}

// A contract's amount

export interface RaiseView {
  id: string;
  contractId: string;
  fromPence: bigint;
  toPence: bigint;
  status: RaiseStatus;
  proposedBy: string;
  /** The authority's staff: their display name (null if the account is gone). */
  proposedByName: string | null;
  proposedAt: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
}

async function raiseView(db: Db, row: OutcomeApprovalRaise): Promise<RaiseView> {
  const names = await displayNamesOf(db, [row.proposed_by, ...(row.decided_by ? [row.decided_by] : [])]);
  return {
    id: row.id,
    contractId: row.contract_id,
    fromPence: row.from_pence,
    toPence: row.to_pence,
    status: row.status,
    proposedBy: row.proposed_by,
    proposedByName: names.get(row.proposed_by) ?? null,
    proposedAt: row.proposed_at,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by ? (names.get(row.decided_by) ?? null) : null,
    decidedAt: row.decided_at,
  };
}

export interface SecondApprovalView {
  standing: ResultsStanding;
  amountPence: bigint;
  ceilingPence: bigint;
  /** The raise waiting for a second person, if any. */
  pending: RaiseView | null;
}

/**
 * The contract's amount, the authority's ceiling and the raise waiting, if any: the authority's
 * commissioners and administrators (the provider's people see the amount on the contract's page).
 */
export async function secondApprovalOf(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
): Promise<SecondApprovalView> {
  if (!isUuid(contractId)) throw new NotFoundError("outcome contract");
  const standing = await outcomeContractFor(ctx, authorityId, contractId);
  if (!standing.commissioner)
    throw new ForbiddenError(
      msg`Only the authority's commissioners and administrators change the amount above which two people approve a payment.`,
    );
  const [ceiling, pending] = await Promise.all([
    ceilingOf(ctx.db, authorityId),
    repo.pendingRaise(ctx.db, authorityId, contractId),
  ]);
  return {
    standing,
    amountPence: standing.contract.second_approval_above_pence,
    ceilingPence: ceiling,
    pending: pending ? await raiseView(ctx.db, pending) : null,
  };
}

/** The raise waiting on a contract, for its commissioners' view of it; null for anyone else. */
export async function pendingRaiseFor(ctx: Ctx, standing: ResultsStanding): Promise<RaiseView | null> {
  if (!standing.commissioner) return null;
  const { authority_id, id } = standing.contract;
  const row = await repo.pendingRaise(ctx.db, authority_id, id);
  return row ? raiseView(ctx.db, row) : null;
}

/** What changing the amount did. */
export interface AmountChange {
  /** `lowered` and `unchanged` are in force; `proposed` waits for a second person. */
  outcome: "lowered" | "proposed" | "unchanged";
  /** The contract's amount in force now. */
  amountPence: bigint;
  /** The raise waiting for a second person (proposed now, or before). */
  raise: RaiseView | null;
}

async function lockedContract(ctx: Ctx, authorityId: string, contractId: string): Promise<ResultsStanding> {
  if (!isUuid(contractId)) throw new NotFoundError("outcome contract");
  const standing = await outcomeContractFor(ctx, authorityId, contractId, { lock: true });
  requirePayer(standing);
  return standing;
}

/**
 * Changes the contract's second-approval amount: lower, at once; higher, a raise proposed for
 * another person to confirm. Sending the amount in force, or the raise already waiting, changes
 * nothing; a different raise while one waits is 409.
 */
export async function changeSecondApprovalAmount(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  input: { amount: bigint | string | undefined },
): Promise<AmountChange> {
  const amount = amountOf(input.amount, "amount");
  return transaction(ctx.db, async (trx) => {
    const { contract } = await lockedContract(within(ctx, trx), authorityId, contractId);
    const p = requireSignedIn(ctx.principal);
    const ceiling = await ceilingOf(trx, authorityId, { lock: true });
    if (amount > ceiling) throw aboveCeiling(ceiling, "amount");
    const current = contract.second_approval_above_pence;
    const pending = await repo.pendingRaise(trx, authorityId, contractId);
    if (amount === current)
      return {
        outcome: "unchanged",
        amountPence: current,
        raise: pending ? await raiseView(trx, pending) : null,
      };
    const now = ctx.clock.now();
    if (amount < current) {
      await repo.setContractAmount(trx, authorityId, contractId, amount);
      const superseded = pending
        ? await repo.decideRaise(trx, authorityId, pending.id, {
            status: "superseded",
            by: p.userId,
            at: now,
          })
        : null;
      const lowered: OutcomeContract = { ...contract, second_approval_above_pence: amount };
      const sentBack = await needSecondApprovalAgain(within(ctx, trx), lowered);
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorOf(p),
        action: "results.approval-amount-lowered",
        entity: { type: "outcome-contract", id: contractId },
        changes: {
          fromPence: current,
          toPence: amount,
          supersededRaiseId: superseded?.id ?? null,
          runSentBackForSecondApproval: sentBack,
        },
      });
      return { outcome: "lowered", amountPence: amount, raise: null };
    }
    if (pending) {
      if (pending.to_pence === amount)
        return { outcome: "proposed", amountPence: current, raise: await raiseView(trx, pending) };
      throw new ConflictError(
        msg`A raise to ${formatPence(pending.to_pence)} is waiting for a second person: confirm, refuse or withdraw it before proposing another`,
        "raise_pending",
      );
    }
    const raise = await repo.insertRaise(trx, {
      authority_id: authorityId,
      id: newId(),
      contract_id: contractId,
      from_pence: current,
      to_pence: amount,
      status: "pending",
      proposed_by: p.userId,
      proposed_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.approval-raise-proposed",
      entity: { type: "outcome-contract", id: contractId },
      changes: { raiseId: raise.id, fromPence: current, toPence: amount },
    });
    return { outcome: "proposed", amountPence: current, raise: await raiseView(trx, raise) };
  });
}

async function lockedRaise(
  db: Db,
  authorityId: string,
  contractId: string,
  raiseId: string,
): Promise<OutcomeApprovalRaise> {
  const raise = isUuid(raiseId) ? await repo.lockRaise(db, authorityId, raiseId) : undefined;
  if (!raise || raise.contract_id !== contractId) throw new NotFoundError("raise of the amount");
  return raise;
}

/**
 * Another commissioner or administrator confirms a raise waiting for them, in a session signed in
 * with two-factor: the contract's amount becomes the one proposed. Confirming a confirmed raise
 * answers it as it is; whoever proposed it may not (409), nor confirm one refused or superseded.
 */
export async function confirmRaise(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  raiseId: string,
): Promise<RaiseView> {
  return transaction(ctx.db, async (trx) => {
    const { contract } = await lockedContract(within(ctx, trx), authorityId, contractId);
    const userId = requireTwoFactorSession(ctx, "amounts");
    const raise = await lockedRaise(trx, authorityId, contractId, raiseId);
    if (raise.status === "confirmed") return raiseView(trx, raise);
    if (raise.status !== "pending")
      throw new ConflictError(
        msg`This raise was refused, withdrawn or overtaken by a lowering: propose it again if it is still wanted`,
        "raise_closed",
      );
    if (raise.proposed_by === userId)
      throw new ConflictError(
        msg`A raise of the amount needs a second person: ask another of the authority's commissioners or administrators to confirm it`,
        "raise_needs_second_person",
      );
    const ceiling = await ceilingOf(trx, authorityId, { lock: true });
    if (raise.to_pence > ceiling) throw aboveCeiling(ceiling, "amount");
    await repo.setContractAmount(trx, authorityId, contractId, raise.to_pence);
    const confirmed = await repo.decideRaise(trx, authorityId, raise.id, {
      status: "confirmed",
      by: userId,
      at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(ctx.principal),
      action: "results.approval-raise-confirmed",
      entity: { type: "outcome-contract", id: contractId },
      changes: {
        raiseId: raise.id,
        fromPence: contract.second_approval_above_pence,
        toPence: raise.to_pence,
        proposedBy: raise.proposed_by,
      },
    });
    return raiseView(trx, confirmed);
  });
}

/**
 * Refuses a raise waiting for a second person (or withdraws it, when whoever proposed it does): the
 * amount stays as it is. Refusing one closed already answers it as it is; a confirmed one, 409.
 */
export async function refuseRaise(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
  raiseId: string,
): Promise<RaiseView> {
  return transaction(ctx.db, async (trx) => {
    await lockedContract(within(ctx, trx), authorityId, contractId);
    const p = requireSignedIn(ctx.principal);
    const raise = await lockedRaise(trx, authorityId, contractId, raiseId);
    if (raise.status === "refused" || raise.status === "superseded") return raiseView(trx, raise);
    if (raise.status === "confirmed")
      throw new ConflictError(
        msg`This raise is confirmed already: lower the amount instead if it is too high`,
        "raise_confirmed",
      );
    const refused = await repo.decideRaise(trx, authorityId, raise.id, {
      status: "refused",
      by: p.userId,
      at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "results.approval-raise-refused",
      entity: { type: "outcome-contract", id: contractId },
      changes: { raiseId: raise.id, toPence: raise.to_pence, withdrawn: raise.proposed_by === p.userId },
    });
    return raiseView(trx, refused);
  });
}
