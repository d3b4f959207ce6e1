/**
 * What an API token may do: the scopes a person chooses when they make one (on their account page)
 * and that every signed-in API route names in its definition (`api()` in routes.ts). A token is
 * refused on any route whose scope it lacks, and on every signed-in route that names none (deny by
 * default); the check is made once, for every route, before the route's own rules
 * (`registerAuthentication` in the accounts module). Sessions are not limited by scopes: a person
 * using the site may do what their roles allow.
 *
 * A scope never gives more than the person's roles: it only narrows what the token can do.
 */
export const API_SCOPES = [
  "account:read",
  "inbox:read",
  "inbox:write",
  "organisations:read",
  "organisations:write",
  "saved-searches:write",
  "services:write",
  "projects:write",
  "consultations:write",
  "consultations:respond",
  "challenges:write",
  "tenders:read",
  "tenders:write",
  "bids:read",
  "bids:write",
  "compliance:read",
  "compliance:write",
  "evaluation:read",
  "evaluation:write",
  "awards:read",
  "awards:write",
  "contracts:read",
  "contracts:write",
  "regulation:write",
  // Issue 17: people supported, their plans and budgets (care staff; the person and representatives read).
  "care:read",
  "care:write",
  "choice:write",
  // Personal budgets' money (src/modules/budgets): the authority's care staff.
  "budgets:read",
  "budgets:write",
  // Consumer champions' people (src/modules/voice): their reports and the areas they cover.
  "champions:write",
  // Feedback on providers (src/modules/voice): the person and their representatives, moderators, providers' replies.
  "feedback:write",
  // Complaints (src/modules/redress): the complainant's side and the answering body's people.
  "complaints:read",
  "complaints:write",
  // Payment by results (src/modules/results): commissioners' outcome contracts, evidence, runs; providers' claims and evidence.
  "results:read",
  "results:write",
  // Grants (src/modules/grants): funders' programmes, decisions and payments; organisations' applications.
  "grants:read",
  "grants:write",
  // The mutual spin-out path (src/modules/mutuals): staff teams' proposals, the parent body's decision, a mutual's survival.
  "mutuals:write",
  // Barriers to entry (src/modules/barriers): logging a barrier; the authority's answers.
  "barriers:write",
  // Accreditation bodies and standards (src/modules/standards): bodies registered, standards published, providers accredited.
  "standards:write",
  // The annual prize for public service innovation (src/modules/prize): rounds, the panel's declarations and scores, shortlists and winners.
  "prize:write",
  // Assets of community value (src/modules/community-assets): nominations, the council's decisions and records, requests to bid.
  "community-assets:write",
  // Community budgets (src/modules/community-budgets): pools, partners, contributions and spends.
  "community-budgets:write",
  // Delegation of services to neighbourhood councils (src/modules/delegations): delegating, reviews, ends, delivery reports.
  "delegations:write",
  // Demo mode only (src/modules/demo-clock): platform administrators.
  "demo-clock:write",
] as const;

export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}
