/**
 * The Right to Challenge: each authority's policy (the period within which it decides on an EOI,
 * and the least and most days between accepting one and starting the procurement exercise; the
 * platform's defaults until it publishes one), and its windows for EOIs per service (a service with
 * windows takes EOIs only inside one). The authority's editors publish them; everyone reads them.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import { actorOf, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById, findPublicBody } from "../authorities/authorities.service.ts";
import { registerOf as servicesOf } from "../services/services.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  assertRightToChallengeApplies,
  DEFAULT_POLICY,
  POLICY_LIMITS,
  rightToChallengeApplies,
} from "./challenges.service.ts";
import type { ChallengePolicy } from "./challenges.table.ts";

// The policy

export interface EffectivePolicy {
  decisionPeriodDays: number;
  minProcurementDays: number;
  maxProcurementDays: number;
  /** False when the authority has published none and the platform defaults apply. */
  published: boolean;
  publishedAt: Date | null;
  updatedAt: Date | null;
}

export type PolicyValues = Pick<
  EffectivePolicy,
  "decisionPeriodDays" | "minProcurementDays" | "maxProcurementDays"
>;

function effective(policy: ChallengePolicy | undefined): EffectivePolicy {
  if (!policy) return { ...DEFAULT_POLICY, published: false, publishedAt: null, updatedAt: null };
  return {
    decisionPeriodDays: policy.decision_period_days,
    minProcurementDays: policy.min_procurement_days,
    maxProcurementDays: policy.max_procurement_days,
    published: true,
    publishedAt: policy.published_at,
    updatedAt: policy.updated_at,
  };
}

/** The authority's policy, or the platform's defaults until it publishes one. Public. */
export async function policyOf(ctx: Ctx, authorityId: string): Promise<EffectivePolicy> {
  return effective(await repo.findPolicy(ctx.db, authorityId));
}

export interface PolicyInput {
  decisionPeriodDays: unknown;
  minProcurementDays: unknown;
  maxProcurementDays: unknown;
}

const POLICY_LABELS = {
  decisionPeriodDays: msg`the period within which you decide`,
  minProcurementDays: msg`the minimum period before the procurement starts`,
  maxProcurementDays: msg`the maximum period before the procurement starts`,
} as const;

/** Whole days, as a number or the digits of a form field. */
function wholeDays(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^\d{1,5}$/.test(text)) return null;
  return Number(text);
}

/** Checks each period (400, every one at fault), then their order (422). */
export function checkPolicy(input: PolicyInput): PolicyValues {
  const problems: FieldError[] = [];
  const values = {} as Record<keyof PolicyInput, number>;
  for (const name of Object.keys(POLICY_LABELS) as (keyof PolicyInput)[]) {
    const days = wholeDays(input[name]);
    const { min, max } = POLICY_LIMITS[name];
    if (days === null || days < min || days > max)
      problems.push({
        field: name,
        message: msg`Enter ${POLICY_LABELS[name]} as a whole number of days from ${min} to ${max}`,
      });
    values[name] = days ?? 0;
  }
  if (problems.length > 0) throw new ValidationError(msg`Check the Right to Challenge policy`, problems);
  if (values.minProcurementDays > values.maxProcurementDays)
    throw new UnprocessableError(
      msg`The minimum period cannot be longer than the maximum`,
      [
        {
          field: "maxProcurementDays",
          message: msg`Enter a maximum period the same as or longer than the minimum period`,
        },
      ],
      "policy_periods_out_of_order",
    );
  return values;
}

/**
 * Publishes (or changes) the authority's policy: its editors only; 422 where the Right to Challenge
 * does not apply. EOIs already submitted keep their due dates. Returns the policy as it now is.
 */
export async function publishPolicy(
  ctx: Ctx,
  authorityId: string,
  input: PolicyInput,
): Promise<EffectivePolicy> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    assertRightToChallengeApplies(await authorityById(trx, authorityId));
    await recordPolicy(within(ctx, trx, actorOf(p)), authorityId, checkPolicy(input));
    return policyOf(within(ctx, trx), authorityId);
  });
}

/** Records a checked policy, audited. Checks no one: the caller has (seeds use it). */
export async function recordPolicy(ctx: Ctx, authorityId: string, values: PolicyValues): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const existing = await repo.findPolicy(trx, authorityId);
    await repo.upsertPolicy(trx, {
      authority_id: authorityId,
      decision_period_days: values.decisionPeriodDays,
      min_procurement_days: values.minProcurementDays,
      max_procurement_days: values.maxProcurementDays,
      published_at: existing?.published_at ?? now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: existing ? "challenge-policy.changed" : "challenge-policy.published",
      entity: { type: "challenge-policy", id: authorityId },
      changes: { ...values },
    });
  });
}

// Windows

export interface WindowInput {
  serviceId: string;
  opensOn: string;
  closesOn: string;
}

/** A window before it opens, while open (both dates included) and after it closes, by the London date. */
export const WINDOW_STATES = ["upcoming", "open", "closed"] as const;
export type WindowState = (typeof WINDOW_STATES)[number];

export function windowState(window: { opens_on: string; closes_on: string }, today: string): WindowState {
  return today < window.opens_on ? "upcoming" : today > window.closes_on ? "closed" : "open";
}

export interface WindowView extends repo.WindowRow {
  state: WindowState;
}

/**
 * Publishes a window for EOIs for one service (dates inclusive): its editors only; 422 where the
 * Right to Challenge does not apply. Returns it.
 */
export async function addWindow(ctx: Ctx, authorityId: string, input: WindowInput): Promise<WindowView> {
  return transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    assertRightToChallengeApplies(await authorityById(trx, authorityId));
    const id = await recordWindow(within(ctx, trx, actorOf(p)), authorityId, input);
    const window = (await windowsOf(within(ctx, trx), authorityId)).find((w) => w.id === id);
    if (!window) throw new NotFoundError("window for expressions of interest");
    return window;
  });
}

/**
 * Checks and records a window (400 for a field at fault; 422 for a service not on the register, or
 * dates out of order or past), audited. Checks no one: the caller has (seeds use it).
 */
export async function recordWindow(
  ctx: Ctx,
  authorityId: string,
  input: WindowInput,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const problems: FieldError[] = [];
    if (!isUuid(input.serviceId)) problems.push({ field: "serviceId", message: msg`Choose the service` });
    if (!isIsoDate(input.opensOn))
      problems.push({
        field: "opensOn",
        message: msg`Enter the date the window opens as a real date, like 1 2 2027`,
      });
    if (!isIsoDate(input.closesOn))
      problems.push({
        field: "closesOn",
        message: msg`Enter the date the window closes as a real date, like 31 3 2027`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the window's details`, problems);
    const invalid: FieldError[] = [];
    if (!(await repo.serviceOnRegister(trx, authorityId, input.serviceId)))
      invalid.push({ field: "serviceId", message: msg`Choose a service on this authority's register` });
    if (input.closesOn < input.opensOn)
      invalid.push({ field: "closesOn", message: msg`Enter a closing date on or after the opening date` });
    if (input.closesOn < londonToday(ctx.clock))
      invalid.push({
        field: "closesOn",
        message: msg`Enter a closing date that is today or later: a window cannot close in the past`,
      });
    if (invalid.length > 0)
      throw new UnprocessableError(msg`These dates do not fit together`, invalid, "window_invalid");
    await repo.insertWindow(trx, {
      authority_id: authorityId,
      id,
      service_id: input.serviceId,
      opens_on: input.opensOn,
      closes_on: input.closesOn,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "challenge-window.published",
      entity: { type: "challenge-window", id },
      changes: { serviceId: input.serviceId, opensOn: input.opensOn, closesOn: input.closesOn },
    });
    return id;
  });
}

/** Removes a window (404 when unknown, before 403): its editors only, audited. */
export async function removeWindow(ctx: Ctx, authorityId: string, windowId: string): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const window = isUuid(windowId) ? await repo.findWindow(trx, authorityId, windowId) : undefined;
    if (!window) throw new NotFoundError("window for expressions of interest");
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    await repo.deleteWindow(trx, authorityId, windowId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "challenge-window.removed",
      entity: { type: "challenge-window", id: windowId },
      changes: { serviceId: window.service_id, opensOn: window.opens_on, closesOn: window.closes_on },
    });
  });
}

/** The authority's windows (of one service, if given), soonest first, with their state today. Public. */
export async function windowsOf(ctx: Ctx, authorityId: string, serviceId?: string): Promise<WindowView[]> {
  const today = londonToday(ctx.clock);
  return (await repo.windowsOf(ctx.db, authorityId, serviceId)).map((w) => ({
    ...w,
    state: windowState(w, today),
  }));
}

/**
 * The Right to Challenge section of a service's page, with the service's EOI windows (a service
 * panel); none for an authority the Right to Challenge does not apply to.
 */
export async function serviceWindowsPanel(
  db: Db,
  clock: Clock,
  service: { authorityId: string; serviceId: string },
): Promise<Panel | undefined> {
  const authority = await findPublicBody(db, service.authorityId);
  if (!authority || !rightToChallengeApplies(authority).applies) return undefined;
  const ctx: Ctx = { db, clock, principal: null };
  const windows = (await windowsOf(ctx, service.authorityId, service.serviceId)).map((w) => ({
    state: w.state,
    opensOn: w.opens_on,
    closesOn: w.closes_on,
  }));
  return { template: "challenges/views/partials/service-windows.njk", context: { windows } };
}

/** Refuses (409) an EOI for a service with windows when today is in none of them. */
export async function assertWithinWindow(
  ctx: Ctx,
  authorityId: string,
  service: { id: string; name: string },
): Promise<void> {
  const windows = await windowsOf(ctx, authorityId, service.id);
  if (windows.length === 0 || windows.some((w) => w.state === "open")) return;
  const next = windows.find((w) => w.state === "upcoming");
  const last = windows.filter((w) => w.state === "closed").at(-1);
  throw new ConflictError(
    next
      ? msg`${service.name} takes expressions of interest only within its published windows, and none is open today. The next window opens on ${longDate(next.opens_on)} and closes on ${longDate(next.closes_on)}: submit it then. Your draft is kept.`
      : last
        ? msg`${service.name} takes expressions of interest only within its published windows, and none is open today. The last window closed on ${longDate(last.closes_on)}, and no other is published. Your draft is kept.`
        : msg`${service.name} takes expressions of interest only within its published windows, and none is open today. The last window closed on an earlier date, and no other is published. Your draft is kept.`,
    "outside_window",
  );
}

/** The services an EOI or a window may be for: the authority's register. Public. */
export async function serviceChoices(ctx: Ctx, authorityId: string): Promise<{ id: string; name: string }[]> {
  return (await servicesOf(ctx, authorityId)).map((s) => ({ id: s.id, name: s.name }));
}
