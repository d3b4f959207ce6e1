/**
 * Who may call evaluation's routes (`Who`, src/http/routes.ts). Each finds the tender first (404
 * when unknown or a draft), then asks for the caller's roles for its authority (403), with the
 * functions the services call first (tenders.policies.ts says why); the services decide every rule
 * again (an evaluator assigned to the tender, a moderator who may read its opened bids, then a bid
 * the route names).
 */
import { tenderPolicy } from "../tenders/tenders.policies.ts";
import { requireEvaluatorRole, requireModeratorRole, requireTeamRole } from "./evaluation.service.ts";

/** The authority's tender team: who sees evaluation's progress. */
export const tenderTeam = tenderPolicy(
  "The authority's tender team: its commissioners, administrators, bid openers and evaluators",
  requireTeamRole,
);

/** The authority's evaluators (the service then asks that they are assigned to the tender). */
export const evaluators = tenderPolicy(
  "The authority's evaluators assigned to the tender",
  requireEvaluatorRole,
);

/** The authority's commissioners and administrators (the service then asks that they may read the opened bids). */
export const moderators = tenderPolicy(
  "The authority's commissioners and administrators who may read the opened bids",
  requireModeratorRole,
);
