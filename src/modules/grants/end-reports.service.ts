/**
 * End reports of awarded grants (issue 21, item 5; docs/grants.md "End reports"): the recipient
 * organisation's administrators say what the money did, what was spent, the people or places
 * reached (optional), each of the award's conditions met or not with a note, and the day the report
 * covers to; the funder's people accept it, or return it with reasons, after which the recipient
 * submits again. It is due by the day the funder set when awarding (12 months after the award when
 * it set none), and shown as due or overdue on the application's page until one is submitted.
 *
 * - One report waits for review or is accepted at a time (409 otherwise); a returned one stays on
 *   the record, and the next is numbered after it.
 * - One transaction each, under the application's row lock, audited (`grants.end-report-submitted`,
 *   `.end-report-accepted`, `.end-report-returned`); the funder's people are told when a report
 *   arrives, the recipient's people when it is accepted or returned.
 * - The report's words stay between the recipient and the funder: 360Giving publishes only that an
 *   end report was accepted, and when (giving360.ts).
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
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  commissioningPeople,
  hasRole,
  organisationPeople,
  requireSignedIn,
} from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import * as repo from "./grants.repository.ts";
import {
  type ApplicationView,
  applicationOf,
  conditionsOf,
  programmeOf,
  requireFunder,
} from "./grants.service.ts";
import type { ConditionMet, GrantApplication, GrantEndReport, GrantProgramme } from "./grants.table.ts";

export const END_REPORT_LIMITS = { whatItDid: 5000, note: 1000, reasons: 5000, reached: 10_000_000 } as const;

export interface EndReportInput {
  whatItDid?: string;
  /** Money spent, as typed ("£4,650.00"). */
  spent?: string;
  /** People or places reached, a whole number (optional). */
  reached?: string | number;
  /** Each of the award's conditions in order: met ("yes"/"no" or a boolean) and a note. */
  conditions?: { met?: string | boolean; note?: string }[];
  /** The day the report covers to (YYYY-MM-DD). */
  coversTo?: string;
}

/** A report's fields judged: each one at fault named (400), each condition by its place. */
function checkReport(
  input: EndReportInput,
  conditions: readonly string[],
  awardDay: string,
  today: string,
): Pick<GrantEndReport, "what_it_did" | "spent_pence" | "reached" | "conditions" | "covers_to"> {
  const errors: FieldError[] = [];
  const whatItDid = (input.whatItDid ?? "").trim();
  if (whatItDid === "" || whatItDid.length > END_REPORT_LIMITS.whatItDid)
    errors.push({
      field: "whatItDid",
      message: msg`Say what the money did, in up to 5,000 characters`,
    });
  const spent = parseMoney(input.spent ?? "");
  if (!spent.ok) errors.push({ field: "spent", message: spent.error });
  const reachedText = String(input.reached ?? "").trim();
  let reached: number | null = null;
  if (reachedText !== "") {
    if (!/^\d{1,8}$/.test(reachedText) || Number(reachedText) > END_REPORT_LIMITS.reached)
      errors.push({
        field: "reached",
        message: msg`Enter the people or places reached as a whole number, like 40, or leave it empty`,
      });
    else reached = Number(reachedText);
  }
  const answers: ConditionMet[] = [];
  conditions.forEach((condition, i) => {
    const sent = input.conditions?.[i];
    const met =
      sent?.met === true || sent?.met === "yes"
        ? true
        : sent?.met === false || sent?.met === "no"
          ? false
          : null;
    const note = (sent?.note ?? "").trim();
    if (met === null)
      errors.push({
        field: `conditions.${i}.met`,
        message: msg`Say whether this condition was met: ${condition}`,
      });
    else if (!met && note === "")
      errors.push({
        field: `conditions.${i}.note`,
        message: msg`Say why this condition was not met: ${condition}`,
      });
    if (note.length > END_REPORT_LIMITS.note)
      errors.push({ field: `conditions.${i}.note`, message: msg`Keep each note to 1,000 characters` });
    answers.push({ met: met ?? false, note });
  });
  const coversTo = (input.coversTo ?? "").trim();
  if (!isIsoDate(coversTo))
    errors.push({ field: "coversTo", message: msg`Enter the day the report covers to as a real date` });
  else if (coversTo < awardDay || coversTo > today)
    errors.push({
      field: "coversTo",
      message: msg`Enter a day from the award, ${longDate(awardDay)}, to today`,
    });
  if (errors.length > 0) throw new ValidationError(msg`Check the end report`, errors);
  return {
    what_it_did: whatItDid,
    spent_pence: spent.ok ? spent.value : 0n,
    reached,
    conditions: answers,
    covers_to: coversTo,
  };
}

/** The application, or 404 (the programme's first). */
async function applicationIn(ctx: Ctx, programmeId: string, applicationId: string) {
  const programme = await programmeOf(ctx.db, programmeId);
  const application = isUuid(applicationId)
    ? await repo.findApplication(ctx.db, programme.id, applicationId)
    : undefined;
  if (!application) throw new NotFoundError("grant application");
  return { programme, application };
}

/**
 * The recipient organisation's administrators submit an end report of an awarded grant (409 when
 * it is not awarded, or a report waits for review or is accepted already). Audited; the funder's
 * people are told.
 */
export async function submitEndReport(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
  input: EndReportInput,
): Promise<ApplicationView> {
  const p = requireSignedIn(ctx.principal);
  const seen = await applicationIn(ctx, programmeId, applicationId);
  if (!hasRole(p, "organisation-admin", seen.application.organisation_id)) {
    if (!hasRole(p, "organisation-member", seen.application.organisation_id))
      await applicationOf(ctx, programmeId, applicationId); // 404 to whoever may not read it
    throw new ForbiddenError(
      msg`Only the recipient organisation's administrators submit its end report: ask one of them.`,
    );
  }
  const awardDay = seen.application.decided_at ? londonDate(seen.application.decided_at) : "";
  const today = londonToday(ctx.clock);
  if (seen.application.status !== "awarded")
    throw new ConflictError(msg`Only an awarded grant has an end report`, "not_awarded");
  const report = checkReport(input, conditionsOf(seen.application.conditions), awardDay, today);
  return transaction(ctx.db, async (trx) => {
    const application = (await repo.findApplication(trx, seen.programme.id, seen.application.id, {
      lock: true,
    })) as GrantApplication;
    const reports = await repo.endReportsOf(trx, application.id);
    const latest = reports.at(-1);
    if (latest?.status === "submitted")
      throw new ConflictError(
        msg`An end report waits for the funder's review: it is accepted or returned before another is sent`,
        "end_report_waiting",
      );
    if (latest?.status === "accepted")
      throw new ConflictError(msg`The grant's end report is accepted already`, "end_report_accepted");
    const row = await repo.insertEndReport(trx, {
      id: newId(),
      application_id: application.id,
      seq: (latest?.seq ?? 0) + 1,
      ...report,
      status: "submitted",
      submitted_by: p.userId,
      submitted_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: seen.programme.authority_id,
      actor: actorOf(p),
      action: "grants.end-report-submitted",
      entity: { type: "grant-application", id: application.id },
      changes: {
        endReportId: row.id,
        seq: row.seq,
        spentPence: row.spent_pence,
        reached: row.reached,
        coversTo: row.covers_to,
        conditionsMet: report.conditions.map((c) => c.met),
      },
    });
    await tellFunder(within(ctx, trx), seen.programme, application);
    return applicationOf(within(ctx, trx), seen.programme.id, application.id);
  });
}

export interface EndReportReview {
  /** "accept" or "return". */
  decision?: string;
  /** Returning: what to change (required). */
  reasons?: string;
}

/**
 * The funder's people accept the end report waiting for review, or return it with reasons (the
 * recipient then submits again). 409 when none waits. Audited; the recipient's people are told.
 */
export async function reviewEndReport(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
  input: EndReportReview,
): Promise<ApplicationView> {
  const p = requireSignedIn(ctx.principal);
  const errors: FieldError[] = [];
  const decision = input.decision ?? "";
  const reasons = (input.reasons ?? "").trim();
  if (decision !== "accept" && decision !== "return")
    errors.push({
      field: "reviewDecision",
      message: msg`Choose whether to accept the end report or ask for changes`,
    });
  if (decision === "return" && (reasons === "" || reasons.length > END_REPORT_LIMITS.reasons))
    errors.push({
      field: "reviewReasons",
      message: msg`Say what to change in the end report, in up to 5,000 characters`,
    });
  const seen = await applicationIn(ctx, programmeId, applicationId);
  requireFunder(
    ctx,
    seen.programme,
    () => msg`Only the programme's funder's people review its grants' end reports: ask one of them.`,
  );
  if (errors.length > 0) throw new ValidationError(msg`Check the review`, errors);
  return transaction(ctx.db, async (trx) => {
    const application = (await repo.findApplication(trx, seen.programme.id, seen.application.id, {
      lock: true,
    })) as GrantApplication;
    const latest = (await repo.endReportsOf(trx, application.id)).at(-1);
    const reviewed =
      latest?.status === "submitted"
        ? await repo.reviewEndReport(trx, latest.id, {
            status: decision === "accept" ? "accepted" : "returned",
            reviewed_by: p.userId,
            reviewed_at: ctx.clock.now(),
            reasons: decision === "accept" ? "" : reasons,
          })
        : undefined;
    if (!reviewed) throw new ConflictError(msg`No end report waits for review`, "no_end_report_waiting");
    await recordAudit(trx, ctx.clock, {
      authorityId: seen.programme.authority_id,
      actor: actorOf(p),
      action: decision === "accept" ? "grants.end-report-accepted" : "grants.end-report-returned",
      entity: { type: "grant-application", id: application.id },
      changes: { endReportId: reviewed.id, seq: reviewed.seq, ...(decision === "return" ? { reasons } : {}) },
    });
    await tellRecipient(within(ctx, trx), seen.programme, application, reviewed);
    return applicationOf(within(ctx, trx), seen.programme.id, application.id);
  });
}

const linkOf = (programme: GrantProgramme, a: GrantApplication) =>
  `/grants/${programme.id}/applications/${a.id}`;

async function tellFunder(ctx: Ctx & { db: Trx }, programme: GrantProgramme, a: GrantApplication) {
  const users = programme.authority_id
    ? await commissioningPeople(ctx.db, programme.authority_id)
    : await organisationPeople(ctx.db, programme.funder_organisation_id ?? "");
  const organisation = (await applicationOf(ctx, programme.id, a.id)).organisationName;
  for (const userId of users)
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: programme.authority_id,
        organisationId: programme.funder_organisation_id,
        kind: "grants.end-report-submitted",
        subject: msg`End report to review: ${organisation}, ${programme.title}`.slice(0, 200),
        body: msg`${organisation} has submitted the end report of its grant from ${programme.title}. Accept it, or ask for changes with your reasons.`.slice(
          0,
          10_000,
        ),
        link: linkOf(programme, a),
      },
      { email: true, actor: actorOf(ctx.principal) },
    );
}

async function tellRecipient(
  ctx: Ctx & { db: Trx },
  programme: GrantProgramme,
  a: GrantApplication,
  report: GrantEndReport,
) {
  const accepted = report.status === "accepted";
  const subject = accepted
    ? msg`End report accepted: ${programme.title}`
    : msg`Changes asked to your end report: ${programme.title}`;
  const body = accepted
    ? msg`The funder of ${programme.title} has accepted your grant's end report.`
    : msg`The funder of ${programme.title} asks for changes to your grant's end report: ${report.reasons} Submit it again from the grant's page.`;
  for (const userId of await organisationPeople(ctx.db, a.organisation_id))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: programme.authority_id,
        organisationId: a.organisation_id,
        kind: "grants.end-report-reviewed",
        subject: subject.slice(0, 200),
        body: body.slice(0, 10_000),
        link: linkOf(programme, a),
      },
      { email: true, actor: actorOf(ctx.principal) },
    );
}
