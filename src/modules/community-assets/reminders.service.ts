/**
 * The interim moratorium's reminder (queue `community-assets.interim-reminders`, at 07:00 London
 * time, queued at every start and by itself for the next day; docs/neighbourhoods.md, "Who is told"):
 * when an owner has given notice of an intended sale and no community group has asked to be treated
 * as a bidder, the nominating group's people are told from 7 days before the interim moratorium's
 * last day — once per notice (the day kept in `interim_reminded_on`), each in its own transaction with
 * the notice locked and checked again, and an audit event (`community-asset.interim-reminded`).
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorIn, systemCtx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { enqueueTomorrow } from "../jobs/jobs.service.ts";
import { disposalDates, interimReminderDue, noticesDueReminderOn } from "./clocks.ts";
import * as repo from "./community-assets.repository.ts";
import { tellNominators } from "./community-assets.service.ts";

export const INTERIM_SWEEP_QUEUE = "community-assets.interim-reminders";
const SWEEP_NAME = "community-assets-interim-reminders";

/** Reminds the nominating groups of interim moratoria ending within 7 days: how many it reminded. */
export async function remindInterimEnding(db: Db, clock: Clock): Promise<number> {
  const ctx = systemCtx(db, clock, SWEEP_NAME);
  const today = londonToday(clock);
  const { from, to } = noticesDueReminderOn(today);
  let reminded = 0;
  for (const row of await repo.noticesToRemind(db, from, to))
    await transaction(db, async (trx) => {
      const d = await repo.disposalForUpdate(trx, row.authority_id, row.id);
      if (!d?.notice_on || d.bid_requested_on || d.disposed_on || d.interim_reminded_on) return;
      if (!interimReminderDue(d.notice_on, today)) return;
      const a = await repo.assetById(trx, d.asset_id);
      if (a?.status !== "listed") return;
      const { interimEnds, fullEnds } = disposalDates(d.notice_on);
      await repo.updateDisposal(trx, d.authority_id, d.id, { interim_reminded_on: today });
      await recordAudit(trx, clock, {
        authorityId: d.authority_id,
        actor: actorIn(ctx),
        action: "community-asset.interim-reminded",
        entity: { type: "community-asset", id: a.id },
        changes: { noticeOn: d.notice_on, interimEnds },
        requestId: null,
      });
      await tellNominators(trx, within(ctx, trx), a, {
        subject: msg`${a.name}: ask to bid by ${longDate(interimEnds)}`,
        body: msg`The owner of ${a.name} gave notice of an intended sale on ${longDate(d.notice_on)}, and no community group has asked to be treated as a potential bidder. A group that asks by ${longDate(interimEnds)} stops the sale until ${longDate(fullEnds)}; after that day the owner may sell to anyone.`,
      });
      reminded++;
    });
  return reminded;
}

/** The sweep, then tomorrow's queued (the job's handler, community-assets.jobs.ts). */
export async function runInterimSweep(db: Db, clock: Clock): Promise<number> {
  const reminded = await remindInterimEnding(db, clock);
  await queueInterimSweep(db, clock);
  return reminded;
}

/** Queues the next daily sweep (at 07:00 tomorrow, London time); once a day, however often asked. */
export function queueInterimSweep(db: Db, clock: Clock): Promise<void> {
  return transaction(db, async (trx) => {
    await enqueueTomorrow(trx, clock, INTERIM_SWEEP_QUEUE, 7);
  });
}
