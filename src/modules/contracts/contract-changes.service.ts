/**
 * Amendments and termination (issue 6, items 10–11; issue 14): the authority's commissioners and
 * administrators amend a running contract's value, dates or scope, or add KPIs to it, with a reason,
 * or terminate it from a date with a reason; each is published with what changed, audited, and told
 * to the supplier. An amendment keeps the contract within the rules it was entered under: 5 years at
 * most when reserved to mutuals (s.33), 3 KPIs when awarded or worth over £5m. An ended or
 * terminated contract changes no more.
 */
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Pence } from "../../lib/money.ts";
import { actorOf, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { ContractsCtx } from "./contracts.context.ts";
import * as repo from "./contracts.repository.ts";
import {
  type CheckedKpi,
  CONTRACT_LIMITS,
  type ContractView,
  type ContractWithLapse,
  checkKpiDrafts,
  contractOf,
  dateField,
  type KpiDraft,
  kpiRuleProblem,
  lockedView,
  moneyField,
  reservedTermProblem,
  tellSupplier,
  tenderReserved,
  textField,
} from "./contracts.service.ts";

export interface AmendmentDraft {
  reason?: string;
  value?: string;
  valuePence?: string;
  startsOn?: string;
  endsOn?: string;
  scope?: string;
  /** KPIs to add: reported from the contract's start if it has not started, else from today. */
  kpis?: KpiDraft[];
}

export interface TerminationDraft {
  reason?: string;
  terminatedOn?: string;
}

function lastReportedDay(view: ContractView): string | null {
  let last: string | null = null;
  for (const k of view.kpis)
    for (const period of k.periods)
      if (
        (period.state === "reported" || period.state === "rated") &&
        (last === null || period.endsOn > last)
      )
        last = period.endsOn;
  return last;
}

function requireRunning(view: ContractView, what: string): void {
  if (view.state === "terminated")
    throw new ConflictError(msg`This contract was terminated: it cannot be ${what}.`, "contract_terminated");
  if (view.state === "ended")
    throw new ConflictError(
      msg`This contract has ended: it cannot be ${what}. Enter a new contract instead.`,
      "contract_ended",
    );
}

/**
 * The contract to amend or terminate: for the authority's commissioners and administrators (404 for
 * an unknown contract, then 403), with whether it is reserved to public service mutuals (s.33).
 */
export async function contractToChange(
  ctx: Ctx,
  authorityId: string,
  contractId: string,
): Promise<ContractWithLapse & { reserved: boolean }> {
  requireSignedIn(ctx.principal);
  const contract = await contractOf(ctx, authorityId, contractId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return { ...contract, reserved: await tenderReserved(ctx, authorityId, contract.contract.tender_id) };
}

interface Changes {
  value: Pence | null;
  startsOn: string | null;
  endsOn: string | null;
  scope: string | null;
  kpis: CheckedKpi[];
}

/** The amendment's fields (400), and what it changes of the contract's terms and KPIs. */
function amendmentChanges(
  ctx: Ctx,
  view: ContractView,
  draft: AmendmentDraft,
): { reason: string; changes: Changes } {
  const { contract } = view;
  const number = contract.amendment_count + 1;
  const problems: FieldError[] = [];
  const reason = textField(
    problems,
    "reason",
    draft.reason,
    CONTRACT_LIMITS.reason,
    msg`Give the reason for the amendment`,
  );
  const value = moneyField(problems, draft, msg`New value`);
  const startsOn = dateField(problems, "startsOn", draft.startsOn, msg`new start date`, false);
  const endsOn = dateField(problems, "endsOn", draft.endsOn, msg`new end date`, false);
  const scope = textField(problems, "scope", draft.scope, CONTRACT_LIMITS.scope, null);
  const kpis = checkKpiDrafts(problems, contract.authority_id, draft.kpis ?? [], {
    firstPosition: view.kpis.length + 1,
    byAmendment: number,
    // A KPI added before the contract starts runs from its start (which may still move); once it
    // has started, from the day it is added.
    reportsFrom: view.state === "not-started" ? null : londonToday(ctx.clock),
  });
  if (problems.length > 0) throw new ValidationError(msg`Check the amendment`, problems);
  return {
    reason,
    changes: {
      value: value !== undefined && value !== null && value !== contract.value_pence ? value : null,
      startsOn: startsOn !== "" && startsOn !== contract.starts_on ? startsOn : null,
      endsOn: endsOn !== "" && endsOn !== contract.ends_on ? endsOn : null,
      scope: scope !== "" && scope !== contract.scope ? scope : null,
      kpis,
    },
  };
}

/** What does not fit together once amended (409 a start date changed once started; 422 the rest). */
async function checkAmendment(ctx: Ctx, view: ContractView, changes: Changes): Promise<void> {
  const { contract } = view;
  if (changes.startsOn && view.state !== "not-started")
    throw new ConflictError(
      msg`The contract has started: its start date can no longer be changed.`,
      "contract_started",
    );
  const newStart = changes.startsOn ?? contract.starts_on;
  const newEnd = changes.endsOn ?? contract.ends_on;
  const newValue = (changes.value ?? contract.value_pence) as Pence;
  const combination: FieldError[] = [];
  if (
    changes.value === null &&
    !changes.startsOn &&
    !changes.endsOn &&
    !changes.scope &&
    changes.kpis.length === 0
  )
    combination.push({
      message: msg`Nothing changes: give a new value, new dates, the new scope or KPIs to add`,
    });
  if (newEnd <= newStart)
    combination.push({ field: "endsOn", message: msg`The end date must be after the start date` });
  else if (changes.endsOn && newEnd < londonToday(ctx.clock))
    combination.push({
      field: "endsOn",
      message: msg`The new end date has passed: to end the contract early, terminate it`,
    });
  const reported = lastReportedDay(view);
  if (changes.endsOn && reported && newEnd < reported)
    combination.push({
      field: "endsOn",
      message: msg`Performance has been reported up to ${longDate(reported)}: the end date cannot be before it`,
    });
  if ((changes.startsOn || changes.endsOn) && newEnd > newStart) {
    // s.33: every amendment that moves the term keeps a reserved contract within 5 years.
    const reserved = await reservedTermProblem(ctx, contract.authority_id, contract.tender_id, {
      startsOn: newStart,
      endsOn: newEnd,
    });
    if (reserved) combination.push(reserved);
  }
  const kpiCount = view.kpis.length + changes.kpis.length;
  if (kpiCount > CONTRACT_LIMITS.kpis)
    combination.push({
      field: "kpis",
      message: msg`A contract has at most ${CONTRACT_LIMITS.kpis} KPIs: this one has ${view.kpis.length}, so add at most ${CONTRACT_LIMITS.kpis - view.kpis.length}`,
    });
  const kpiRule = kpiRuleProblem(
    { awardValue: contract.award_value_pence, value: newValue },
    kpiCount,
    changes.kpis.length > 0 || changes.value === null ? "kpis" : "value",
  );
  if (kpiRule) combination.push(kpiRule);
  if (combination.length > 0)
    throw new UnprocessableError(msg`The amendment cannot be made as it stands`, combination);
}

/**
 * Amends a running contract's value, dates or scope, or adds KPIs to it, with a reason, published
 * with what changed (before and after, the KPIs added) and audited: 409 once ended or terminated, or
 * a start date changed after it; 400 a field at fault (each KPI's too); 422 nothing changed, dates
 * out of order, an end date already past (terminate instead) or before the last period reported,
 * over 5 years for a contract reserved to mutuals (s.33), more than 20 KPIs, or a contract awarded
 * or worth over £5m left with fewer than 3 KPIs. Returns the amendment's number and the contract as
 * it now is.
 */
export async function amendContract(
  ctx: ContractsCtx,
  authorityId: string,
  contractId: string,
  draft: AmendmentDraft,
): Promise<{ number: number; contract: ContractWithLapse }> {
  const number = await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const view = await lockedView(within(ctx, trx), authorityId, contractId);
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const { contract } = view;
    requireRunning(view, msg`amended`);
    const { reason, changes } = amendmentChanges(ctx, view, draft);
    await checkAmendment(within(ctx, trx), view, changes);
    const number = contract.amendment_count + 1;
    await repo.insertAmendment(trx, {
      authority_id: authorityId,
      contract_id: contractId,
      number,
      reason,
      value_before_pence: changes.value === null ? null : contract.value_pence,
      value_after_pence: changes.value,
      starts_on_before: changes.startsOn ? contract.starts_on : null,
      starts_on_after: changes.startsOn,
      ends_on_before: changes.endsOn ? contract.ends_on : null,
      ends_on_after: changes.endsOn,
      scope_before: changes.scope ? contract.scope : null,
      scope_after: changes.scope,
      kpis_added: changes.kpis.length,
      amended_by: p.userId,
      amended_at: ctx.clock.now(),
    });
    await repo.insertKpis(
      trx,
      changes.kpis.map((k) => ({ ...k, contract_id: contractId })),
    );
    await repo.applyTerms(trx, authorityId, contractId, {
      value_pence: (changes.value ?? contract.value_pence) as Pence,
      starts_on: changes.startsOn ?? contract.starts_on,
      ends_on: changes.endsOn ?? contract.ends_on,
      scope: changes.scope ?? contract.scope,
      amendment_count: number,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "contract.amended",
      entity: { type: "contract", id: contractId },
      changes: {
        number,
        reason,
        value: changes.value,
        startsOn: changes.startsOn,
        endsOn: changes.endsOn,
        scope: changes.scope,
        kpisAdded: changes.kpis.map((k) => ({
          position: k.position,
          name: k.name,
          target: k.target,
          frequencyMonths: k.frequency_months,
          reportsFrom: k.reports_from ?? contract.starts_on,
        })),
      },
    });
    const names = changes.kpis.map((k) => `"${k.name}"`).join(", ");
    const added =
      changes.kpis.length === 0
        ? []
        : changes.kpis.length === 1
          ? [msg`It adds a KPI to report against: ${names}.`]
          : [msg`It adds ${changes.kpis.length} KPIs to report against: ${names}.`];
    await tellSupplier(within(ctx, trx, actorOf(p)), authorityId, contract.organisation_id, {
      kind: "contract.amended",
      subject: msg`Contract amended: ${contract.title}`,
      body: [
        msg`Amendment ${number} to "${contract.title}" has been recorded and published.`,
        ...added,
        msg`Reason: ${reason}`,
      ].join("\n"),
      contractId,
    });
    return number;
  });
  return { number, contract: await contractOf(ctx, authorityId, contractId) };
}

/**
 * Terminates a contract from a date, with a reason, published and audited: 409 terminated or
 * ended already; 422 a date after the contract's end or before the last period reported. Periods
 * after the date fall away. Returns the contract as it now is.
 */
export async function terminateContract(
  ctx: ContractsCtx,
  authorityId: string,
  contractId: string,
  draft: TerminationDraft,
): Promise<ContractWithLapse> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const view = await lockedView(within(ctx, trx), authorityId, contractId);
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const { contract } = view;
    requireRunning(view, msg`terminated`);
    const problems: FieldError[] = [];
    const reason = textField(
      problems,
      "reason",
      draft.reason,
      CONTRACT_LIMITS.reason,
      msg`Give the reason for terminating the contract`,
    );
    const on = dateField(problems, "terminatedOn", draft.terminatedOn, msg`date the contract ends`, true);
    if (problems.length > 0) throw new ValidationError(msg`Check the termination`, problems);
    const combination: FieldError[] = [];
    if (on > contract.ends_on)
      combination.push({
        field: "terminatedOn",
        message: msg`The contract ends on ${longDate(contract.ends_on)} anyway: a termination date must be on or before it`,
      });
    const reported = lastReportedDay(view);
    if (reported && on < reported)
      combination.push({
        field: "terminatedOn",
        message: msg`Performance has been reported up to ${longDate(reported)}: the termination date cannot be before it`,
      });
    if (combination.length > 0)
      throw new UnprocessableError(msg`The termination cannot be recorded as it stands`, combination);
    await repo.setTermination(trx, authorityId, contractId, {
      terminated_on: on,
      termination_reason: reason,
      terminated_by: p.userId,
      terminated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "contract.terminated",
      entity: { type: "contract", id: contractId },
      changes: { terminatedOn: on, reason },
    });
    await tellSupplier(within(ctx, trx, actorOf(p)), authorityId, contract.organisation_id, {
      kind: "contract.terminated",
      subject: msg`Contract terminated: ${contract.title}`,
      body: [msg`"${contract.title}" is terminated from ${longDate(on)}.`, msg`Reason: ${reason}`].join("\n"),
      contractId,
    });
  });
  return contractOf(ctx, authorityId, contractId);
}
