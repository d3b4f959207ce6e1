/**
 * The emails to complainants without an account (queue `redress.complainant-email`): the link to
 * confirm and send a complaint, then each step of the body's work, with the link that tracks it.
 * The payload names the complaint, the step and the stage, nothing else (no personal data, none of
 * the body's words: finding 3); the address and the text are read from the complaint when the
 * email is sent, in English then Welsh (the language of someone without an account is not known).
 * Skips a complaint gone, or a confirmation already followed. And the daily sweep of complaints
 * never confirmed within 7 days (queued at every start: src/platform.ts).
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { localiseMessage } from "../../http/i18n.ts";
import type { Clock } from "../../lib/clock.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer } from "../notifications/mailer.ts";
import { absoluteLink } from "../notifications/notifications.service.ts";
import {
  answererName,
  COMPLAINANT_EMAIL_QUEUE,
  complaintToken,
  findComplaintRow,
  PROGRESS_EVENTS,
  type ProgressEvent,
  progressNotice,
  queueUnverifiedSweep,
  stagesOfComplaint,
  sweepUnverifiedComplaints,
  UNVERIFIED_SWEEP_QUEUE,
} from "./redress.service.ts";

export interface RedressEmailDeps {
  mailer: Mailer | undefined;
  baseUrl: string;
  secrets: AccountSecrets;
}

/** English, then Welsh where the catalogue has it. */
function bilingual(en: string, join: string): string {
  const cy = localiseMessage(en, "cy");
  return cy.lang === "cy" ? `${en}${join}${cy.text}` : en;
}

export function complainantEmailHandler(deps: RedressEmailDeps): JobHandler {
  return async (payload, ctx) => {
    const p = (payload ?? {}) as {
      authorityId?: unknown;
      complaintId?: unknown;
      event?: unknown;
      stage?: unknown;
    };
    const event =
      p.event === "confirm" || PROGRESS_EVENTS.includes(p.event as ProgressEvent)
        ? (p.event as "confirm" | ProgressEvent)
        : null;
    if (!isUuid(p.authorityId) || !isUuid(p.complaintId) || !event)
      throw new PermanentJobError(
        "The complainant email job needs an authorityId, a complaintId and an event.",
      );
    const c = await findComplaintRow(ctx.db, p.authorityId, p.complaintId);
    if (!c?.access_token_hash) return;
    if (event === "confirm" && c.status !== "unverified") return;
    if (!deps.mailer) {
      ctx.logger.warn({ jobId: ctx.job.id }, "Email is not configured; the complainant was not emailed");
      return;
    }
    const link = absoluteLink(
      deps.baseUrl,
      `/complaints/track?token=${encodeURIComponent(complaintToken(deps.secrets, c.id))}`,
    );
    const body = answererName(c);
    if (event === "confirm") {
      await deps.mailer.send({
        to: c.contact_email,
        subject: bilingual(msg`Send your complaint ${c.reference} to ${body}`, " | "),
        text: `${bilingual(
          msg`You made a complaint on OpenPS about ${body}. To send it, open this link within 7 days and press "Send the complaint". Keep this email: the same link lets you follow your complaint and every deadline. Anyone with the link can see your complaint. If you did not make this complaint, ignore this email: nothing is sent without the link, and the complaint is deleted after 7 days.`,
          "\n\n",
        )}\n\n${link}\n`,
      });
      return;
    }
    const stage = typeof p.stage === "number" ? p.stage : c.stage;
    const notice = progressNotice(c, await stagesOfComplaint(ctx.db, c.authority_id, c.id), event, stage);
    await deps.mailer.send({
      to: c.contact_email,
      subject: bilingual(notice.subject, " | ").slice(0, 250),
      text: `${bilingual(notice.body, "\n\n")}\n\n${bilingual(msg`Follow your complaint:`, " / ")} ${link}\n`,
    });
  };
}

export function redressJobHandlers(deps: RedressEmailDeps): Record<string, JobHandler> {
  return {
    [COMPLAINANT_EMAIL_QUEUE]: complainantEmailHandler(deps),
    // Complaints never confirmed within 7 days: deleted daily (finding 4).
    [UNVERIFIED_SWEEP_QUEUE]: async (_payload, ctx) => {
      const deleted = await sweepUnverifiedComplaints(ctx.db, ctx.clock);
      if (deleted > 0) ctx.logger.info({ deleted }, "complaints never confirmed deleted after 7 days");
    },
  };
}

/** At every start: the daily sweep of complaints never confirmed, queued for tomorrow (once). */
export function startUnverifiedSweep(db: Db, clock: Clock): Promise<void> {
  return transaction(db, (trx) => queueUnverifiedSweep(trx, clock));
}
