/**
 * Who may call evaluation's routes (`Who`, src/http/routes.ts). Each checks only the caller's roles
 * for the authority of the route; the services decide every rule again (an evaluator assigned to the
 * tender, a moderator who may read its opened bids).
 */
import { authorityRoles } from "../access/policies.ts";
import { MODERATORS, TEAM_ROLES } from "./evaluation.service.ts";

/** The authority's tender team: who sees evaluation's progress. */
export const tenderTeam = authorityRoles(
  TEAM_ROLES,
  "see the evaluation of this authority's tenders",
  "The authority's tender team: its commissioners, administrators, bid openers and evaluators",
);

/** The authority's evaluators (the service then asks that they are assigned to the tender). */
export const evaluators = authorityRoles(
  ["evaluator"],
  "score this authority's bids",
  "The authority's evaluators assigned to the tender",
);

/** The authority's commissioners and administrators (the service then asks that they may read the opened bids). */
export const moderators = authorityRoles(
  MODERATORS,
  "moderate, rank or award this authority's tenders",
  "The authority's commissioners and administrators who may read the opened bids",
);
