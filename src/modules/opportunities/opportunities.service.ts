/**
 * Finding opportunities (issue 5, item 3): search and filters over published tenders, saved
 * searches, and email alerts for new matches.
 */
import type { Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import type { EmailDeps } from "../notifications/notifications.service.ts";

/** Called in the transaction that publishes a tender: alerts saved searches it matches (later, by a job). */
export async function queueOpportunityAlerts(
  _trx: Trx,
  _clock: Clock,
  _tender: { authorityId: string; tenderId: string },
): Promise<void> {}

/** The job handlers of this module, registered by the platform. */
export function opportunityJobHandlers(_deps: EmailDeps): Record<string, JobHandler> {
  return {};
}
