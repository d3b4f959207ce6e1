/**
 * The demo clock (issue 14, item 5): in demo mode only, a platform administrator may move the time
 * OpenPS takes it to be forward by whole days — so that a demonstration can reach what waits for a
 * deadline (bids opened after their deadline, a standstill over, a factual-accuracy period closed) —
 * and reset it to the real time.
 *
 * In demo mode the server's one clock is a movable clock (`demoModeClock`, made by the platform at
 * start): everything that asks the injected clock for "now" — requests, the job runner, deadlines,
 * standstill, factual-accuracy periods, the audit trail — sees the moved time. The offset is held
 * in memory (no database read per `now()`) and kept in `demo_clock`, so a restart keeps it; each
 * move and reset is on the platform's audit trail with who and how far. Outside demo mode the clock
 * is the real one whatever `demo_clock` holds, and every function here answers 404.
 *
 * It only moves forward: time going backwards would put the audit trail's times out of order. The
 * reset is the one way back; what was done while the clock was ahead keeps the times it was done at.
 * Sessions move with the clock (`carrySessionsAcross`), so no one is signed out by a move.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { ApiScope } from "../../http/api-scopes.ts";
import { type Clock, isMovableClock, type MovableClock, movableClock } from "../../lib/clock.ts";
import { NotFoundError, ValidationError } from "../../lib/errors.ts";
import { actorOf, isPlatformAdmin, PLATFORM_SCOPE, requireRole } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { carrySessionsAcross } from "../accounts/sessions.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./demo-clock.repository.ts";

export const DEMO_CLOCK_WRITE: ApiScope = "demo-clock:write";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The most days one move may take the clock forward. */
export const MAX_DAYS_PER_MOVE = 365;

/** Where the demo clock stands. */
export interface DemoClockState {
  /** Whole days ahead of the real time; 0 at the real time. */
  daysAhead: number;
  /** The time OpenPS takes it to be. */
  now: Date;
  /** The real time. */
  realNow: Date;
}

/**
 * The server's clock: in demo mode, a movable clock over `base`, as far ahead as `demo_clock` says
 * (read once, here); outside demo mode, `base` itself — whatever `demo_clock` holds, it is not read.
 */
export async function demoModeClock(db: Db, base: Clock, demo: boolean): Promise<Clock> {
  if (!demo) return base;
  return movableClock(base, (await repo.offsetDays(db)) * DAY_MS);
}

/** The demo clock, or 404: outside demo mode there is none. */
function demoClockOf(ctx: Ctx): MovableClock {
  if (!isMovableClock(ctx.clock)) throw new NotFoundError("demo clock");
  return ctx.clock;
}

function stateOf(clock: MovableClock): DemoClockState {
  return { daysAhead: Math.round(clock.offsetMs() / DAY_MS), now: clock.now(), realNow: clock.base.now() };
}

/** Where the demo clock stands: anyone may ask (every page says it while the clock is ahead). */
export function demoClockState(ctx: Ctx): DemoClockState {
  return stateOf(demoClockOf(ctx));
}

/** For the banner on every page: where the clock stands while it is ahead, and whether the reader may reset it. */
export function demoClockAhead(ctx: Ctx): (DemoClockState & { mayReset: boolean }) | undefined {
  if (!isMovableClock(ctx.clock) || ctx.clock.offsetMs() === 0) return undefined;
  return { ...stateOf(ctx.clock), mayReset: isPlatformAdmin(ctx.principal) };
}

function daysToMove(days: number): number {
  if (Number.isInteger(days) && days >= 1 && days <= MAX_DAYS_PER_MOVE) return days;
  const backwards = Number.isFinite(days) && days <= 0;
  throw new ValidationError(
    backwards ? "The demo clock only moves forward" : "Enter how many days to move the demo clock forward",
    [
      {
        field: "days",
        message: backwards
          ? `The demo clock only moves forward: time going backwards would put the audit trail out of order. Enter a whole number of days from 1 to ${MAX_DAYS_PER_MOVE}, or reset the clock to go back to the real time.`
          : `Enter a whole number of days from 1 to ${MAX_DAYS_PER_MOVE}`,
      },
    ],
  );
}

/**
 * Moves the demo clock forward by whole days: platform administrators only, in demo mode only
 * (404 outside it). Audited on the platform's chain at the time it was moved from.
 */
export async function moveDemoClockForward(ctx: Ctx, days: number): Promise<DemoClockState> {
  const clock = demoClockOf(ctx);
  const p = requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "move the demo clock");
  const forward = daysToMove(days);
  const daysAhead = await transaction(ctx.db, async (trx) => {
    const from = await repo.lockOffsetDays(trx);
    const to = from + forward;
    await repo.saveOffsetDays(trx, { offsetDays: to, changedAt: clock.base.now(), changedBy: p.userId });
    await carrySessionsAcross(trx, forward * DAY_MS);
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: actorOf(p),
      action: "demo-clock.moved",
      entity: { type: "demo-clock", id: "demo-clock" },
      changes: { days: forward, daysAheadBefore: from, daysAhead: to },
    });
    return to;
  });
  clock.setOffset(daysAhead * DAY_MS);
  return stateOf(clock);
}

/**
 * Resets the demo clock to the real time: platform administrators only, in demo mode only (404
 * outside it). At the real time already, nothing changes and nothing is audited.
 */
export async function resetDemoClock(ctx: Ctx): Promise<DemoClockState> {
  const clock = demoClockOf(ctx);
  const p = requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "reset the demo clock");
  await transaction(ctx.db, async (trx) => {
    const from = await repo.lockOffsetDays(trx);
    if (from === 0) return;
    await repo.saveOffsetDays(trx, { offsetDays: 0, changedAt: clock.base.now(), changedBy: p.userId });
    await carrySessionsAcross(trx, -from * DAY_MS);
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: actorOf(p),
      action: "demo-clock.reset",
      entity: { type: "demo-clock", id: "demo-clock" },
      changes: { daysAheadBefore: from, daysAhead: 0 },
    });
  });
  clock.setOffset(0);
  return stateOf(clock);
}
