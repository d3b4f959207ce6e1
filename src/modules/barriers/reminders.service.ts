/**
 * The barriers' daily sweep (queue `barriers.clock`, at 06:00 London time, queued at every start and
 * by itself for the next day; docs/barriers.md, "The authority told"): for each barrier with no answer
 * in substance, the authority's commissioners and administrators are reminded from 5 days before its
 * last day, and told once it has passed (`noticeDue`, clock.ts) — each once, the day kept on the
 * barrier (`reminded_on`, `overdue_told_on`), each in its own transaction with the barrier locked and
 * an audit event (`barrier.reminded`, `barrier.overdue`).
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { addDays, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { systemCtx } from "../access/context.ts";
import { recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { enqueueTomorrow } from "../jobs/jobs.service.ts";
import * as repo from "./barriers.repository.ts";
import { tellAuthority } from "./barriers.service.ts";
import type { Barrier } from "./barriers.table.ts";
import { noticeDue, REMINDER_DAYS } from "./clock.ts";

export const CLOCK_SWEEP_QUEUE = "barriers.clock";
const SWEEP_PAGE = 200;

/** Sweeps the barriers' clocks on today's London day: how many overdue notices and reminders it sent. */
export async function sweepBarrierClocks(
  db: Db,
  clock: Clock,
): Promise<{ overdue: number; reminded: number }> {
  const today = londonToday(clock);
  const actor = SYSTEM("barriers-clock");
  const ctx = systemCtx(db, clock, "barriers-clock");
  const counts = { overdue: 0, reminded: 0 };
  // Overdue first, so that a barrier first swept past its last day is not reminded of it too.
  for (const which of ["overdue", "reminder"] as const) {
    const lastDay = which === "overdue" ? today : addDays(today, REMINDER_DAYS);
    let after: { dueOn: string; authorityId: string; id: string } | undefined;
    for (;;) {
      const page = await repo.waitingToTell(db, which, lastDay, after, SWEEP_PAGE);
      for (const row of page)
        await transaction(db, async (trx) => {
          const b = await repo.barrierOf(trx, row.authority_id, row.id, { lock: true });
          if (!b || noticeDue(b, today) !== which) return;
          const authority = await authorityById(trx, b.authority_id);
          const dueText = longDate(b.answer_due_on);
          const overdue = which === "overdue";
          await repo.markTold(
            trx,
            b.authority_id,
            b.id,
            overdue
              ? { overdue_told_on: today, reminded_on: b.reminded_on ?? today }
              : { reminded_on: today },
          );
          await audit(trx, clock, b, overdue ? "barrier.overdue" : "barrier.reminded");
          const notice = overdue
            ? {
                subject: msg`A barrier logged with ${authority.name} is overdue`,
                body: msg`A barrier logged with ${authority.name} had no answer by its last day, ${dueText}. Answer it now: whoever logged it may appeal to the independent adjudicator.`,
              }
            : {
                subject: msg`A barrier logged with ${authority.name} is to be answered by ${dueText}`,
                body: msg`A barrier logged with ${authority.name} is to be answered by ${dueText}: accept it, dispute it with reasons, or say what changed. An acknowledgement does not stop the clock.`,
              };
          await tellAuthority(trx, ctx, authority, b, { kind: "barrier.reminder", ...notice }, actor);
          counts[overdue ? "overdue" : "reminded"]++;
        });
      const last = page.at(-1);
      if (page.length < SWEEP_PAGE || !last) break;
      after = { dueOn: last.answer_due_on, authorityId: last.authority_id, id: last.id };
    }
  }
  return counts;
}

function audit(trx: Trx, clock: Clock, b: Barrier, action: "barrier.overdue" | "barrier.reminded") {
  return recordAudit(trx, clock, {
    authorityId: b.authority_id,
    actor: SYSTEM("barriers-clock"),
    action,
    entity: { type: "barrier", id: b.id },
    changes: { answerDueOn: b.answer_due_on, status: b.status },
    requestId: null,
  });
}

/** The sweep, then tomorrow's queued (the job's handler, barriers.jobs.ts). */
export async function runClockSweep(db: Db, clock: Clock) {
  const counts = await sweepBarrierClocks(db, clock);
  await queueClockSweep(db, clock);
  return counts;
}

/** Queues the next daily sweep (at 06:00 tomorrow, London time); once a day, however often asked. */
export function queueClockSweep(db: Db, clock: Clock): Promise<void> {
  return transaction(db, async (trx) => {
    await enqueueTomorrow(trx, clock, CLOCK_SWEEP_QUEUE, 6);
  });
}
