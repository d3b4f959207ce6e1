/**
 * Individual services (issue 17): the people an authority supports, their assessed eligible needs,
 * and their care and support plans with a personal budget in versions; the reviews the clocks give
 * (clocks.ts); and who may see and act for a person (`requirePersonAccess`): the authority's care
 * staff, the person themself and the representatives they have given grants to
 * (representatives.service.ts makes and changes the links).
 *
 * This file is the module's face for the modules above: what they may use of care, gathered from the
 * files that hold it —
 * - access.service.ts: who may see and act for a person (`requirePersonAccess`, `actingFor`,
 *   `peopleActedFor`, `accountsHolding`);
 * - people.service.ts: recording people, the list of them, a person's whole record (`personView`);
 * - needs.service.ts: assessed eligible needs and the outcomes they are about;
 * - plans.service.ts: plans and their budgets in versions (`planBudget`, `planBudgets`, …);
 * - reviews.service.ts: concerns and reviews (the clocks in clocks.ts, kept by next-review.ts);
 * - figures.service.ts: each plan's facts for the open figures (no personal data).
 *
 * Who sees a person: only the care staff of the person's authority (the `care-staff` role held for
 * it, not a platform administrator's reach) and the accounts linked to the person. Everyone else
 * gets 404. Personal data (name, date of birth, contact) never reaches audit events
 * (`personalRef("care_people", id)`), logs, error messages or open data.
 */

export * from "./access.service.ts";
export type {
  BudgetPeriod,
  CareBudgetPart,
  CareLink,
  CarePlan,
  CarePlanVersion,
  Delivery,
  PersonGrant,
  Regime,
  Relationship,
  ReviewOutcome,
} from "./care.table.ts";
export {
  BUDGET_PERIODS,
  DELIVERIES,
  PERSON_CHANGE_REASONS,
  PERSON_GRANTS,
  REGIMES,
  RELATIONSHIPS,
  REVIEW_OUTCOMES,
} from "./care.table.ts";
export * from "./figures.service.ts";
export * from "./needs.service.ts";
export * from "./people.service.ts";
export * from "./plans.service.ts";
export * from "./reviews.service.ts";
