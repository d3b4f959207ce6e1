/**
 * The emails to complainants without an account (queue `redress.complainant-email`): the link to
 * confirm and send a complaint, then each step of the body's work, with the link that tracks it.
 * The payload names the complaint (and the step's words, which hold no personal data); the address
 * is read from the complaint when the email is sent. Skips a complaint gone, or a confirmation
 * already followed.
 */
import { isUuid } from "../../lib/ids.ts";
import type { AccountSecrets } from "../../lib/secrets.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer } from "../notifications/mailer.ts";
import { absoluteLink } from "../notifications/notifications.service.ts";
import { COMPLAINANT_EMAIL_QUEUE, complaintToken, findComplaintRow } from "./redress.service.ts";

export interface RedressEmailDeps {
  mailer: Mailer | undefined;
  baseUrl: string;
  secrets: AccountSecrets;
}

export function complainantEmailHandler(deps: RedressEmailDeps): JobHandler {
  return async (payload, ctx) => {
    const p = (payload ?? {}) as {
      authorityId?: unknown;
      complaintId?: unknown;
      event?: unknown;
      subject?: unknown;
      body?: unknown;
    };
    if (
      !isUuid(p.authorityId) ||
      !isUuid(p.complaintId) ||
      (p.event !== "confirm" && p.event !== "progressed")
    )
      throw new PermanentJobError(
        "The complainant email job needs an authorityId, a complaintId and an event.",
      );
    const c = await findComplaintRow(ctx.db, p.authorityId, p.complaintId);
    if (!c?.access_token_hash) return;
    if (p.event === "confirm" && c.status !== "unverified") return;
    if (!deps.mailer) {
      ctx.logger.warn({ jobId: ctx.job.id }, "Email is not configured; the complainant was not emailed");
      return;
    }
    const link = absoluteLink(
      deps.baseUrl,
      `/complaints/track?token=${encodeURIComponent(complaintToken(deps.secrets, c.id))}`,
    );
    const body = c.answerer === "provider" ? (c.organisation_name ?? c.authority_name) : c.authority_name;
    if (p.event === "confirm")
      await deps.mailer.send({
        to: c.contact_email,
        subject: `Send your complaint ${c.reference} to ${body}`,
        text:
          `You made a complaint on OpenPS about ${body}. To send it, open this link and press "Send the complaint":\n\n${link}\n\n` +
          `Keep this email: the same link lets you follow your complaint and every deadline. Anyone with the link can see your complaint.\n` +
          `If you did not make this complaint, ignore this email: nothing is sent without the link.\n`,
      });
    else
      await deps.mailer.send({
        to: c.contact_email,
        subject: typeof p.subject === "string" ? p.subject : `Your complaint ${c.reference}`,
        text: `${typeof p.body === "string" ? p.body : ""}\n\nFollow your complaint: ${link}\n`,
      });
  };
}

export function redressJobHandlers(deps: RedressEmailDeps): Record<string, JobHandler> {
  return { [COMPLAINANT_EMAIL_QUEUE]: complainantEmailHandler(deps) };
}
