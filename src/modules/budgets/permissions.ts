/**
 * Who may do what with a personal budget's money: one function per act, each the one place its
 * rule lives. The authority's care staff do everything (platform administrators too, as
 * `requireRole` lets them); the organisation that manages a budget's managed account may also see
 * the budget and approve invoices paid from it. The person and their representatives, through the
 * care module's `requirePersonAccess` (404 without a live link, 403 without the grant): statements
 * with `see-plan`, payments out of the direct payment (and providers' invoices paid from it) with
 * `make-payments`. A provider's administrators and members submit invoices against its own
 * arrangements and see its invoices and payments received (`requireProviderInvoicing`).
 */

import { ForbiddenError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import {
  hasRole,
  isPlatformAdmin,
  type Principal,
  type Role,
  requireRole,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { type PersonAccess, type PlanBudget, requirePersonAccess } from "../care/care.service.ts";

/** The authority's people who keep its personal budgets. */
export const BUDGET_STAFF: readonly Role[] = ["care-staff"];
/** An organisation's people who may approve invoices against an account it manages. */
const MANAGING_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

function isBudgetStaff(principal: Principal | null, authorityId: string): boolean {
  return isPlatformAdmin(principal) || hasRole(principal, BUDGET_STAFF, authorityId);
}

function refuse(what: string): never {
  throw new ForbiddenError(
    msg`You do not have permission to ${what}. Ask an administrator of the authority for the care staff role.`,
  );
}

/** Open a plan's budget ledger, and list the authority's budgets. */
export function requireBudgetStaff(principal: Principal | null, authorityId: string): Principal {
  return requireRole(principal, BUDGET_STAFF, authorityId, "keep this authority's personal budgets");
}

/** The organisation managing every managed part of the budget, if one does. */
export function managingOrganisation(budget: PlanBudget): string | undefined {
  const managed = budget.parts.filter((p) => p.delivery !== "direct-payment");
  const [first] = managed;
  if (!first?.organisation_id) return undefined;
  return managed.every((p) => p.organisation_id === first.organisation_id)
    ? first.organisation_id
    : undefined;
}

/** See a budget's ledger: its balances, transactions, invoices (its keepers: staff, the managing organisation). */
export function maySee(principal: Principal | null, budget: PlanBudget): boolean {
  const authorityId = budget.plan.authority_id;
  if (isBudgetStaff(principal, authorityId)) return true;
  const organisation = managingOrganisation(budget);
  return organisation !== undefined && hasRole(principal, MANAGING_ROLES, organisation);
}

export function requireSee(principal: Principal | null, budget: PlanBudget): void {
  requireSignedIn(principal);
  if (!maySee(principal, budget)) refuse(msg`see this personal budget`);
}

/** Record a provider's invoice against the budget. */
export function requireRecordInvoice(principal: Principal | null, budget: PlanBudget): void {
  requireSignedIn(principal);
  if (!isBudgetStaff(principal, budget.plan.authority_id)) refuse(msg`record invoices against this budget`);
}

/**
 * Submit an invoice against the provider's own arrangements, and see its invoices and the payments
 * it received: the provider's administrators and members (no one else, not even the authority).
 */
export function requireProviderInvoicing(principal: Principal | null, organisationId: string): void {
  requireSignedIn(principal);
  if (!hasRole(principal, MANAGING_ROLES, organisationId))
    throw new ForbiddenError(
      msg`Only the provider's administrators and members invoice for its arrangements and see its invoices.`,
    );
}

/** Approve (and so pay) or reject an invoice from the managed account. */
export function requireApproveInvoice(principal: Principal | null, budget: PlanBudget): void {
  requireSignedIn(principal);
  if (isBudgetStaff(principal, budget.plan.authority_id)) return;
  const organisation = managingOrganisation(budget);
  if (organisation !== undefined && hasRole(principal, MANAGING_ROLES, organisation)) return;
  refuse(msg`approve invoices against this budget`);
}

/**
 * See a budget's statements (and its balance on the person's page): those who see its ledger, the
 * person and their representatives with `see-plan`. Answers how the person is acted for, if so.
 */
export async function requireSeeStatement(ctx: Ctx, budget: PlanBudget): Promise<PersonAccess | null> {
  requireSignedIn(ctx.principal);
  if (maySee(ctx.principal, budget)) return null;
  return requirePersonAccess(ctx, budget.plan.authority_id, budget.plan.person_id, "see-plan");
}

/**
 * Record a payment out of the direct payment: care staff, the person and their representatives
 * with `make-payments`. Answers how the person is acted for, if so.
 */
export async function requirePayOut(ctx: Ctx, budget: PlanBudget): Promise<PersonAccess | null> {
  requireSignedIn(ctx.principal);
  if (isBudgetStaff(ctx.principal, budget.plan.authority_id)) return null;
  return requirePersonAccess(ctx, budget.plan.authority_id, budget.plan.person_id, "make-payments");
}

/** Change how often the budget is paid in. */
export function requireScheduleChange(principal: Principal | null, budget: PlanBudget): void {
  requireSignedIn(principal);
  if (!isBudgetStaff(principal, budget.plan.authority_id))
    refuse(msg`change how often this budget is paid in`);
}

/** Recover a surplus, or waive its recovery. */
export function requireSurplusDecision(principal: Principal | null, budget: PlanBudget): void {
  requireSignedIn(principal);
  if (!isBudgetStaff(principal, budget.plan.authority_id)) refuse(msg`decide about this budget's surplus`);
}

/**
 * Pay a provider's invoice from the direct payment: the person and their representatives with
 * `make-payments`, as for any payment out (care staff too). Answers how the person is acted for.
 */
export async function requirePayInvoice(ctx: Ctx, budget: PlanBudget): Promise<PersonAccess | null> {
  return requirePayOut(ctx, budget);
}
