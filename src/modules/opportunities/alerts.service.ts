/**
 * Alerts of new opportunities (issue 5, item 3): publishing a tender queues one
 * `opportunity.alerts` job (deduplicated per tender) in the publishing transaction. Its handler
 * matches the tender against every saved search with alerts on, in SQL, and tells each person once
 * (one notification naming their matching searches), recording an alert per saved search and
 * tender so a retried job never alerts twice. Only open tenders alert.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDate, londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { type Ctx, systemCtx, within } from "../access/context.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import { type EmailDeps, notify } from "../notifications/notifications.service.ts";
import { stateOf } from "../tenders/tenders.service.ts";
import * as repo from "./opportunities.repository.ts";
import { opportunityPath } from "./opportunities.service.ts";

export const OPPORTUNITY_ALERTS_QUEUE = "opportunity.alerts";
/** Users alerted per transaction by the alerts job. */
const ALERT_BATCH = 50;

/**
 * Called in the transaction that publishes a tender (the tenders module's `tenderPublished` port):
 * alerts saved searches it matches (later, by a job).
 */
export async function queueOpportunityAlerts(
  trx: Trx,
  clock: Clock,
  tender: { authorityId: string; tenderId: string },
): Promise<void> {
  await enqueue(trx, clock, {
    queue: OPPORTUNITY_ALERTS_QUEUE,
    payload: { authorityId: tender.authorityId, tenderId: tender.tenderId },
    dedupeKey: `${OPPORTUNITY_ALERTS_QUEUE}:${tender.authorityId}:${tender.tenderId}`,
    authorityId: tender.authorityId,
  });
}

function factsOf(row: repo.OpportunityRow): repo.TenderFacts {
  return {
    authorityId: row.authority_id,
    tenderId: row.id,
    title: row.title,
    description: row.description,
    categoryCode: row.category_code,
    areaCode: row.area_code,
    estimatedValue: row.estimated_value_pence,
    deadlineDate: londonDate(row.submission_deadline),
    reserved: row.reserved,
  };
}

const quoted = (name: string) => `“${name}”`;

function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return msg`${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

/** The alert a person gets: one notice naming every saved search of theirs the tender matches. */
export function alertText(
  row: repo.OpportunityRow,
  searchNames: readonly string[],
): { subject: string; body: string } {
  const lines = [
    searchNames.length === 1
      ? msg`A new tender matches your saved search ${quoted(searchNames[0] as string)}.`
      : msg`A new tender matches your saved searches ${listOf(searchNames.map(quoted))}.`,
    "",
    row.title,
    row.authority_name,
    msg`Service: ${row.category_name}. Area: ${row.area_name}.`,
    msg`Estimated value: ${formatMoney(row.estimated_value_pence as Pence, { pence: false })}`,
    msg`Deadline for bids: ${londonDateTime(row.submission_deadline)}`,
    ...(row.reserved ? [msg`Reserved for public service mutuals (Procurement Act 2023, section 33).`] : []),
    "",
    msg`You get these alerts because you saved this search with alerts on. You can turn them off, or delete the search, from your account: Saved searches.`,
  ];
  const subject = msg`New opportunity: ${row.title}`;
  return { subject: subject.length > 200 ? `${subject.slice(0, 199)}…` : subject, body: lines.join("\n") };
}

export interface AlertOptions {
  /** Email as well as the inbox: true when a mailer is configured. */
  email: boolean;
}

export interface AlertsSent {
  users: number;
  searches: number;
}

/**
 * Alerts up to `limit` users after `afterUserId` of the tender, in the caller's transaction: each
 * once, for the saved searches not yet alerted of it. Returns the last user looked at (null when
 * there were none).
 */
async function alertBatch(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  tenderId: string,
  afterUserId: string | null,
  options: AlertOptions,
): Promise<AlertsSent & { last: string | null }> {
  const { db: trx, clock } = ctx;
  // Re-checked in the transaction: a tender cancelled meanwhile, or past its deadline, alerts nobody.
  const row = await repo.tenderForAlerts(trx, authorityId, tenderId);
  if (!row || stateOf(row, clock.now()) !== "open") return { users: 0, searches: 0, last: null };
  const users = await repo.usersToAlert(trx, factsOf(row), afterUserId, ALERT_BATCH);
  const sent: AlertsSent = { users: 0, searches: 0 };
  const now = clock.now();
  for (const user of users) {
    const fresh: { id: string; name: string }[] = [];
    for (const search of user.searches)
      if (
        await repo.insertAlert(trx, {
          saved_search_id: search.id,
          authority_id: authorityId,
          tender_id: tenderId,
          alerted_at: now,
        })
      )
        fresh.push(search);
    if (fresh.length === 0) continue;
    const text = alertText(
      row,
      fresh.map((s) => s.name),
    );
    // On the platform chain, not the authority's: who follows its tenders is not the authority's to see.
    const notification = await notify(
      trx,
      clock,
      {
        userId: user.user_id,
        authorityId: null,
        kind: "opportunity.matched",
        subject: text.subject,
        body: text.body,
        link: opportunityPath(row),
      },
      { email: options.email, actor: SYSTEM("opportunity-alerts") },
    );
    await repo.setAlertNotification(
      trx,
      fresh.map((s) => s.id),
      authorityId,
      tenderId,
      notification.id,
    );
    sent.users += 1;
    sent.searches += fresh.length;
  }
  return { ...sent, last: users.at(-1)?.user_id ?? null };
}

/**
 * Alerts every saved search (alerts on) that a published, open tender matches and that was not
 * alerted of it yet, in the caller's transaction. Seeds use it; the job uses `sendOpportunityAlerts`.
 */
export async function alertSavedSearches(
  ctx: Ctx,
  tender: { authorityId: string; tenderId: string },
  options: AlertOptions,
): Promise<AlertsSent> {
  return transaction(ctx.db, async (trx) => {
    const total: AlertsSent = { users: 0, searches: 0 };
    let after: string | null = null;
    for (;;) {
      const batch: AlertsSent & { last: string | null } = await alertBatch(
        within(ctx, trx),
        tender.authorityId,
        tender.tenderId,
        after,
        options,
      );
      total.users += batch.users;
      total.searches += batch.searches;
      if (batch.last === null) return total;
      after = batch.last;
    }
  });
}

/**
 * The same, a batch of users per transaction (so a long run never holds one open): what the job
 * does. Idempotent: a rerun alerts only the saved searches not yet alerted.
 */
export async function sendOpportunityAlerts(
  ctx: Ctx,
  tender: { authorityId: string; tenderId: string },
  options: AlertOptions,
): Promise<AlertsSent> {
  const total: AlertsSent = { users: 0, searches: 0 };
  let after: string | null = null;
  for (;;) {
    const from: string | null = after;
    const batch: AlertsSent & { last: string | null } = await transaction(ctx.db, (trx) =>
      alertBatch(within(ctx, trx), tender.authorityId, tender.tenderId, from, options),
    );
    total.users += batch.users;
    total.searches += batch.searches;
    if (batch.last === null) return total;
    after = batch.last;
  }
}

function tenderOfPayload(payload: unknown): { authorityId: string; tenderId: string } {
  const p = payload as { authorityId?: unknown; tenderId?: unknown } | null;
  if (!isUuid(p?.authorityId) || !isUuid(p?.tenderId))
    throw new PermanentJobError(`The ${OPPORTUNITY_ALERTS_QUEUE} job has no valid authorityId and tenderId.`);
  return { authorityId: p.authorityId, tenderId: p.tenderId };
}

/** The `opportunity.alerts` handler: alerts the saved searches a newly published tender matches. */
export function opportunityAlertsHandler(deps: EmailDeps): JobHandler {
  return async (payload, ctx) => {
    const tender = tenderOfPayload(payload);
    const system = systemCtx(ctx.db, ctx.clock, "opportunity-alerts");
    const sent = await sendOpportunityAlerts(system, tender, { email: deps.mailer !== undefined });
    // Counts and ids only: who follows what stays out of the logs.
    ctx.logger.info({ jobId: ctx.job.id, tenderId: tender.tenderId, ...sent }, "Opportunity alerts sent");
  };
}

/** The job handlers of this module, registered by the platform. */
export function opportunityJobHandlers(deps: EmailDeps): Record<string, JobHandler> {
  return { [OPPORTUNITY_ALERTS_QUEUE]: opportunityAlertsHandler(deps) };
}
