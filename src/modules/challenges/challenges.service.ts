/**
 * The Community Right to Challenge (Localism Act 2011, ss.81–86; issue 4, items 6–9; DOMAIN.md §2).
 *
 * - Each authority publishes its policy: the period within which it decides on an expression of
 *   interest (EOI), and the minimum and maximum period between accepting one and starting the
 *   procurement exercise. Until it does, the platform defaults below apply and pages say so.
 * - It may publish windows for EOIs per service; a service without windows takes EOIs at any time,
 *   one with windows only inside one (409 outside).
 * - A relevant body — an organisation in the directory whose sector makes it a voluntary or
 *   community body, a charitable trust or a parish council (see `relevantBodyKind`), through a
 *   signed-in member; or two or more of the authority's own employees, the lead signed in and naming
 *   the others (a possible mutual spin-out) — drafts an EOI for a service on the authority's
 *   register and submits it with every statutory item (422 listing each one missing).
 * - The authority records that it considered the EOI (who, when, the evidence weighed), then
 *   decides once: accept; modify (only on grounds it would otherwise reject on, and only with the
 *   body's recorded agreement); or reject on statutory grounds only, with reasons. The decision is
 *   notified to the body and published; an accepted EOI creates a draft commissioning project with
 *   the procurement window.
 *
 * Every change of state is audited on the authority's chain in the caller's transaction. Personal
 * data (employees' names) never goes into the audit trail, open data or public pages.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, isIsoDate, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import type { Pence } from "../../lib/money.ts";
import { formatMoney } from "../../lib/money.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  AUTHORITY_EDITORS,
  actorOf,
  isAuthorityEditor,
  type Principal,
  type Role,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import type { Sector } from "../organisations/organisations.service.ts";
import { checkProject, recordProject } from "../projects/projects.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  type ApplicantType,
  type Challenge,
  type ChallengePolicy,
  type ChallengeStatus,
  type CoSignatory,
  DECISIONS,
  type Decision,
  REJECTION_GROUNDS,
  type RejectionGround,
} from "./challenges.table.ts";

// The rules as data

/**
 * What applies until an authority publishes its own policy (the Act leaves the periods to each
 * authority; these are the platform's, shown as such).
 */
export const DEFAULT_POLICY = {
  decisionPeriodDays: 90,
  minProcurementDays: 30,
  maxProcurementDays: 180,
} as const;

export const POLICY_LIMITS = {
  decisionPeriodDays: { min: 1, max: 730 },
  minProcurementDays: { min: 0, max: 1825 },
  maxProcurementDays: { min: 1, max: 1825 },
} as const;

export const TEXT_LIMIT = 10000;
export const NAME_LIMIT = 200;
export const MAX_CO_SIGNATORIES = 50;
/** The public register lists at most this many EOIs (newest first); counts cover all. */
export const REGISTER_LIMIT = 500;

/**
 * Which sectors of the directory make an organisation a relevant body (Localism Act 2011 s.81(6)):
 * - voluntary-community: a voluntary or community body (s.81(6)(a));
 * - charity: a body or trust established for charitable purposes only (s.81(6)(b));
 * - parish-council: a parish council (s.81(6)(c)) — town councils are parish councils;
 * - social-enterprise and co-operative: community bodies — bodies, other than public or local
 *   authorities, that carry on activities primarily for the benefit of the community (s.81(7)).
 * A public service mutual counts as a voluntary body only where its recorded evidence qualifies
 * (see organisations/mutual.ts) and it is not for profit. Public bodies, SMEs, large companies and
 * professional partnerships carry on activities for profit, or are public authorities: not relevant
 * bodies. Two or more of the authority's employees (s.81(6)(d)) challenge as employees, not through
 * an organisation.
 */
export const RELEVANT_BODY_SECTORS: Readonly<Partial<Record<Sector, RelevantBodyKind>>> = {
  "voluntary-community": "voluntary-or-community-body",
  charity: "charitable-trust",
  "parish-council": "parish-council",
  "social-enterprise": "community-body",
  "co-operative": "community-body",
};

export type RelevantBodyKind =
  | "voluntary-or-community-body"
  | "community-body"
  | "charitable-trust"
  | "parish-council"
  | "voluntary-body"
  | "employees";

export function relevantBodyKind(org: repo.ApplicantOrganisation): RelevantBodyKind | null {
  if (org.sector === "public-service-mutual")
    return org.mutual_qualifies && org.profit_model === "not-for-profit" ? "voluntary-body" : null;
  return RELEVANT_BODY_SECTORS[org.sector] ?? null;
}

/** Authority roles whose holders are its employees (and may challenge as such). */
export const EMPLOYEE_ROLES: readonly Role[] = ["commissioner", "evaluator", "bid-opener", "authority-admin"];
const MEMBER_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

/** The statutory content of an EOI (Localism Act 2011 s.81(5); the 2012 Regulations, reg. 5). */
export const STATUTORY_ITEMS = [
  "financialResources",
  "capabilityEvidence",
  "serviceArea",
  "outcomes",
  "userNeeds",
] as const;
export type StatutoryItem = (typeof STATUTORY_ITEMS)[number];

export const MISSING_ITEM_MESSAGES: Readonly<Record<StatutoryItem | "coSignatories", string>> = {
  financialResources: "Enter the financial resources of the body, and of any partners or consortium members",
  capabilityEvidence:
    "Enter evidence that the body will be capable of providing the service by the time of the procurement exercise",
  serviceArea: "Describe the service the body would provide and the area it would cover",
  outcomes:
    "Describe the outcomes: how the service would promote or improve the social, economic or environmental well-being of the area",
  userNeeds: "Describe how the service would meet the needs of its users",
  coSignatories: "Name at least one other employee: an EOI by employees needs two or more of them",
};

export interface ChallengeContent {
  financialResources?: string;
  partners?: string;
  capabilityEvidence?: string;
  serviceArea?: string;
  outcomes?: string;
  userNeeds?: string;
}

export type ApplicantInput =
  | { type: "organisation"; organisationId: string }
  | { type: "employees"; coSignatories?: readonly Partial<CoSignatory>[] };

export interface DraftInput {
  serviceId: string;
  applicant: ApplicantInput;
  content?: ChallengeContent;
}

export interface DraftChanges {
  serviceId?: string;
  content?: ChallengeContent;
  coSignatories?: readonly Partial<CoSignatory>[];
}

const CONTENT_COLUMNS = {
  financialResources: "financial_resources",
  partners: "partners",
  capabilityEvidence: "capability_evidence",
  serviceArea: "service_area",
  outcomes: "outcomes",
  userNeeds: "user_needs",
} as const;
type ContentField = keyof typeof CONTENT_COLUMNS;

// Dates

/** Calendar dates (kept here for this module's callers): see `src/lib/london-time.ts`. */
export { addDays, londonDate as londonDateOf };

// Policy

export interface EffectivePolicy {
  decisionPeriodDays: number;
  minProcurementDays: number;
  maxProcurementDays: number;
  /** False when the authority has published none and the platform defaults apply. */
  published: boolean;
  publishedAt: Date | null;
  updatedAt: Date | null;
}

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

export async function policyOf(db: Db, authorityId: string): Promise<EffectivePolicy> {
  return effective(await repo.findPolicy(db, authorityId));
}

export interface PolicyInput {
  decisionPeriodDays: unknown;
  minProcurementDays: unknown;
  maxProcurementDays: unknown;
}

const POLICY_LABELS = {
  decisionPeriodDays: "the period within which you decide",
  minProcurementDays: "the minimum period before the procurement starts",
  maxProcurementDays: "the maximum period before the procurement starts",
} as const;

/** Whole days, as a number or the digits of a form field. */
function wholeDays(value: unknown): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^\d{1,5}$/.test(text)) return null;
  return Number(text);
}

export function checkPolicy(
  input: PolicyInput,
): Omit<EffectivePolicy, "published" | "publishedAt" | "updatedAt"> {
  const problems: FieldError[] = [];
  const values = {} as Record<keyof PolicyInput, number>;
  for (const name of Object.keys(POLICY_LABELS) as (keyof PolicyInput)[]) {
    const days = wholeDays(input[name]);
    const { min, max } = POLICY_LIMITS[name];
    if (days === null || days < min || days > max)
      problems.push({
        field: name,
        message: `Enter ${POLICY_LABELS[name]} as a whole number of days from ${min} to ${max}`,
      });
    values[name] = days ?? 0;
  }
  if (problems.length > 0) throw new ValidationError("Check the Right to Challenge policy", problems);
  if (values.minProcurementDays > values.maxProcurementDays)
    throw new UnprocessableError(
      "The minimum period cannot be longer than the maximum",
      [
        {
          field: "maxProcurementDays",
          message: "Enter a maximum period the same as or longer than the minimum period",
        },
      ],
      "policy_periods_out_of_order",
    );
  return values;
}

/** Publishes (or changes) the authority's policy, audited. EOIs already submitted keep their due dates. */
export async function publishPolicy(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  input: PolicyInput,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  await recordPolicy(trx, clock, actorOf(p), authorityId, checkPolicy(input));
}

/** Records a checked policy, audited. Authorisation is the caller's (seeds use it). */
export async function recordPolicy(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  values: ReturnType<typeof checkPolicy>,
): Promise<void> {
  const now = clock.now();
  const existing = await repo.findPolicy(trx, authorityId);
  await repo.upsertPolicy(trx, {
    authority_id: authorityId,
    decision_period_days: values.decisionPeriodDays,
    min_procurement_days: values.minProcurementDays,
    max_procurement_days: values.maxProcurementDays,
    published_at: existing?.published_at ?? now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: existing ? "challenge-policy.changed" : "challenge-policy.published",
    entity: { type: "challenge-policy", id: authorityId },
    changes: { ...values },
  });
}

// Windows

export interface WindowInput {
  serviceId: string;
  opensOn: string;
  closesOn: string;
}

export type WindowState = "upcoming" | "open" | "closed";

export function windowState(window: { opens_on: string; closes_on: string }, today: string): WindowState {
  return today < window.opens_on ? "upcoming" : today > window.closes_on ? "closed" : "open";
}

/** Publishes a window for EOIs for one service (dates inclusive), audited. */
export async function addWindow(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  input: WindowInput,
): Promise<string> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  return recordWindow(trx, clock, actorOf(p), authorityId, input);
}

/** Checks and records a window, audited. Authorisation is the caller's (seeds use it). */
export async function recordWindow(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  input: WindowInput,
  id: string = newId(),
): Promise<string> {
  const problems: FieldError[] = [];
  if (!isUuid(input.serviceId)) problems.push({ field: "serviceId", message: "Choose the service" });
  if (!isIsoDate(input.opensOn))
    problems.push({
      field: "opensOn",
      message: "Enter the date the window opens as a real date, like 1 2 2027",
    });
  if (!isIsoDate(input.closesOn))
    problems.push({
      field: "closesOn",
      message: "Enter the date the window closes as a real date, like 31 3 2027",
    });
  if (problems.length > 0) throw new ValidationError("Check the window's details", problems);
  const invalid: FieldError[] = [];
  if (!(await repo.serviceOnRegister(trx, authorityId, input.serviceId)))
    invalid.push({ field: "serviceId", message: "Choose a service on this authority's register" });
  if (input.closesOn < input.opensOn)
    invalid.push({ field: "closesOn", message: "Enter a closing date on or after the opening date" });
  if (input.closesOn < londonToday(clock))
    invalid.push({
      field: "closesOn",
      message: "Enter a closing date that is today or later: a window cannot close in the past",
    });
  if (invalid.length > 0)
    throw new UnprocessableError("These dates do not fit together", invalid, "window_invalid");
  await repo.insertWindow(trx, {
    authority_id: authorityId,
    id,
    service_id: input.serviceId,
    opens_on: input.opensOn,
    closes_on: input.closesOn,
    created_at: clock.now(),
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor,
    action: "challenge-window.published",
    entity: { type: "challenge-window", id },
    changes: { serviceId: input.serviceId, opensOn: input.opensOn, closesOn: input.closesOn },
  });
  return id;
}

/** Removes a window, audited. */
export async function removeWindow(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  windowId: string,
): Promise<void> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const window = isUuid(windowId) ? await repo.findWindow(trx, authorityId, windowId) : undefined;
  if (!window) throw new NotFoundError("window for expressions of interest");
  await repo.deleteWindow(trx, authorityId, windowId);
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "challenge-window.removed",
    entity: { type: "challenge-window", id: windowId },
    changes: { serviceId: window.service_id, opensOn: window.opens_on, closesOn: window.closes_on },
  });
}

export interface WindowView extends repo.WindowRow {
  state: WindowState;
}

export async function windowsOf(
  db: Db,
  clock: Clock,
  authorityId: string,
  serviceId?: string,
): Promise<WindowView[]> {
  const today = londonToday(clock);
  return (await repo.windowsOf(db, authorityId, serviceId)).map((w) => ({
    ...w,
    state: windowState(w, today),
  }));
}

/** The Right to Challenge section of a service's page, with the service's EOI windows (a service panel). */
export async function serviceWindowsPanel(
  db: Db,
  clock: Clock,
  service: { authorityId: string; serviceId: string },
): Promise<Panel> {
  const windows = (await windowsOf(db, clock, service.authorityId, service.serviceId)).map((w) => ({
    state: w.state,
    opensText: longDate(w.opens_on),
    closesText: longDate(w.closes_on),
  }));
  return { template: "challenges/views/partials/service-windows.njk", context: { windows } };
}

/** Refuses (409) an EOI for a service with windows when today is in none of them. */
async function assertWithinWindow(
  db: Db,
  clock: Clock,
  authorityId: string,
  serviceId: string,
  serviceName: string,
) {
  const windows = await windowsOf(db, clock, authorityId, serviceId);
  if (windows.length === 0 || windows.some((w) => w.state === "open")) return;
  const next = windows.find((w) => w.state === "upcoming");
  const last = windows.filter((w) => w.state === "closed").at(-1);
  throw new ConflictError(
    `${serviceName} takes expressions of interest only within its published windows, and none is open today. ${
      next
        ? `The next window opens on ${next.opens_on} and closes on ${next.closes_on}: submit it then.`
        : `The last window closed on ${last?.closes_on ?? "an earlier date"}, and no other is published.`
    } Your draft is kept.`,
    "outside_window",
  );
}

// Expressions of interest: applicants

function isMember(principal: Principal, organisationId: string): boolean {
  return principal.grants.some(
    (g) => g.scopeType === "organisation" && g.scopeId === organisationId && MEMBER_ROLES.includes(g.role),
  );
}

/** Is this person one of the authority's employees (they hold one of its staff roles)? */
export function isEmployee(principal: Principal | null, authorityId: string): boolean {
  return (
    principal?.grants.some(
      (g) => g.scopeType === "authority" && g.scopeId === authorityId && EMPLOYEE_ROLES.includes(g.role),
    ) ?? false
  );
}

/** May this person act for the EOI's applicant (a member of its organisation, or its lead employee)? */
export function isApplicant(
  principal: Principal | null,
  challenge: Pick<Challenge, "applicant_type" | "organisation_id" | "lead_user_id">,
): boolean {
  if (!principal) return false;
  if (challenge.applicant_type === "organisation")
    return challenge.organisation_id !== null && isMember(principal, challenge.organisation_id);
  return challenge.lead_user_id === principal.userId;
}

async function checkRelevantBody(db: Db, organisationId: string): Promise<repo.ApplicantOrganisation> {
  const org = isUuid(organisationId) ? await repo.applicantOrganisation(db, organisationId) : undefined;
  if (!org)
    throw new UnprocessableError("Choose your organisation from the directory", [
      {
        field: "organisationId",
        message: "Choose an organisation in the directory that you are a member of",
      },
    ]);
  if (!relevantBodyKind(org))
    throw new UnprocessableError(
      `${org.name} is not a relevant body, so it cannot use the Community Right to Challenge`,
      [
        {
          field: "organisationId",
          message: `${org.name} is not a relevant body: only voluntary or community bodies, charitable trusts, parish councils (or two or more of the authority's employees) may express an interest (Localism Act 2011, s.81(6)). ${
            org.sector === "public-service-mutual"
              ? "A public service mutual counts when its recorded mutual evidence qualifies and it is not for profit."
              : "Companies that trade for profit, and public bodies, cannot."
          }`,
        },
      ],
      "not_relevant_body",
    );
  return org;
}

function contentProblems(content: ChallengeContent): FieldError[] {
  const problems: FieldError[] = [];
  for (const name of Object.keys(CONTENT_COLUMNS) as ContentField[]) {
    const value = content[name];
    if (value !== undefined && value.trim().length > TEXT_LIMIT)
      problems.push({
        field: name,
        message: `Enter ${TEXT_LIMIT.toLocaleString("en-GB")} characters or fewer`,
      });
  }
  return problems;
}

function checkCoSignatories(list: readonly Partial<CoSignatory>[]): {
  value: CoSignatory[];
  problems: FieldError[];
} {
  const problems: FieldError[] = [];
  const value: CoSignatory[] = [];
  if (list.length > MAX_CO_SIGNATORIES)
    problems.push({ field: "coSignatories", message: `Name at most ${MAX_CO_SIGNATORIES} co-signatories` });
  list.forEach((entry, i) => {
    const name = (entry.name ?? "").trim();
    const jobTitle = (entry.jobTitle ?? "").trim();
    if (name === "" && jobTitle === "") return;
    if (name === "" || name.length > NAME_LIMIT)
      problems.push({
        field: `coSignatories.${i}.name`,
        message: `Enter co-signatory ${i + 1}'s name (up to ${NAME_LIMIT} characters)`,
      });
    if (jobTitle === "" || jobTitle.length > NAME_LIMIT)
      problems.push({
        field: `coSignatories.${i}.jobTitle`,
        message: `Enter co-signatory ${i + 1}'s job title (up to ${NAME_LIMIT} characters)`,
      });
    value.push({ name, jobTitle });
  });
  return { value, problems };
}

function contentColumns(
  content: ChallengeContent,
): Partial<Record<(typeof CONTENT_COLUMNS)[ContentField], string>> {
  const row: Partial<Record<(typeof CONTENT_COLUMNS)[ContentField], string>> = {};
  for (const name of Object.keys(CONTENT_COLUMNS) as ContentField[]) {
    const value = content[name];
    if (value !== undefined) row[CONTENT_COLUMNS[name]] = value.trim();
  }
  return row;
}

async function serviceOr422(db: Db, authorityId: string, serviceId: string, authorityName: string) {
  const service = isUuid(serviceId) ? await repo.serviceOnRegister(db, authorityId, serviceId) : undefined;
  if (!service)
    throw new UnprocessableError(
      `An expression of interest is for a service on ${authorityName}'s register`,
      [{ field: "serviceId", message: `Choose a service on ${authorityName}'s register` }],
      "service_not_on_register",
    );
  return service;
}

/**
 * Starts a draft EOI (it may be incomplete). 403 for someone who is not a member of the organisation
 * (or not an employee, for an employees' EOI); 422 for an organisation that is not a relevant body,
 * or a service not on this authority's register. Audited.
 */
export async function draftChallenge(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  input: DraftInput,
): Promise<string> {
  const p = requireSignedIn(principal);
  const authority = await authorityById(trx, authorityId);
  const applicant = input.applicant;
  let organisationId: string | null = null;
  let coSignatories: CoSignatory[] = [];
  if (applicant.type === "organisation") {
    if (!isUuid(applicant.organisationId) || !isMember(p, applicant.organisationId))
      throw new ForbiddenError(
        "You can express an interest only for an organisation you are a member of. Ask its administrator to invite you.",
      );
    organisationId = (await checkRelevantBody(trx, applicant.organisationId)).id;
  } else {
    if (!isEmployee(p, authorityId))
      throw new ForbiddenError(
        `Only employees of ${authority.name} can express an interest as its employees. If you act for an organisation, choose it instead.`,
      );
    const checked = checkCoSignatories(applicant.coSignatories ?? []);
    if (checked.problems.length > 0) throw new ValidationError("Check the co-signatories", checked.problems);
    coSignatories = checked.value;
  }
  const content = input.content ?? {};
  const problems = contentProblems(content);
  if (problems.length > 0) throw new ValidationError("Check the expression of interest", problems);
  const service = await serviceOr422(trx, authorityId, input.serviceId, authority.name);
  return recordDraft(trx, clock, actorOf(p), {
    authorityId,
    serviceId: service.id,
    applicantType: applicant.type,
    organisationId,
    leadUserId: p.userId,
    coSignatories,
    content,
  });
}

export interface DraftRecord {
  authorityId: string;
  serviceId: string;
  applicantType: ApplicantType;
  organisationId: string | null;
  leadUserId: string | null;
  coSignatories: CoSignatory[];
  content: ChallengeContent;
}

/** Records a draft EOI, audited. Authorisation and checks are the caller's (seeds use it). */
export async function recordDraft(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  draft: DraftRecord,
  id: string = newId(),
): Promise<string> {
  const now = clock.now();
  await repo.insertChallenge(trx, {
    authority_id: draft.authorityId,
    id,
    service_id: draft.serviceId,
    applicant_type: draft.applicantType,
    organisation_id: draft.organisationId,
    lead_user_id: draft.leadUserId,
    co_signatories: JSON.stringify(draft.coSignatories),
    ...contentColumns(draft.content),
    status: "draft",
    created_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId: draft.authorityId,
    actor,
    action: "challenge.drafted",
    entity: { type: "challenge", id },
    changes: {
      serviceId: draft.serviceId,
      applicantType: draft.applicantType,
      organisationId: draft.organisationId,
      coSignatoryCount: draft.coSignatories.length,
    },
  });
  return id;
}

/**
 * The EOI, locked, for its applicant: 404 when unknown, or a draft of someone else (drafts are
 * private); 403 for someone else's submitted EOI.
 */
async function lockForApplicant(
  trx: Trx,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<{ p: Principal; challenge: Challenge }> {
  const p = requireSignedIn(principal);
  const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
  if (!challenge) throw new NotFoundError("expression of interest");
  if (!isApplicant(p, challenge)) {
    if (challenge.submitted_at === null) throw new NotFoundError("expression of interest");
    throw new ForbiddenError("Only the body that made this expression of interest can do this.");
  }
  return { p, challenge };
}

const NOT_A_DRAFT = (status: ChallengeStatus) =>
  new ConflictError(
    status === "withdrawn"
      ? "This expression of interest has been withdrawn and cannot be changed."
      : "This expression of interest has been submitted and cannot be changed. Withdraw it and make a new one if you need to.",
    "challenge_not_draft",
  );

/** Changes a draft (409 once submitted), audited with the fields that changed. */
export async function updateDraft(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
  changes: DraftChanges,
): Promise<void> {
  const { p, challenge } = await lockForApplicant(trx, principal, authorityId, id);
  if (challenge.status !== "draft") throw NOT_A_DRAFT(challenge.status);
  const problems = contentProblems(changes.content ?? {});
  let coSignatories: CoSignatory[] | undefined;
  if (changes.coSignatories !== undefined) {
    if (challenge.applicant_type !== "employees")
      problems.push({
        field: "coSignatories",
        message: "Only an expression of interest by employees has co-signatories",
      });
    else {
      const checked = checkCoSignatories(changes.coSignatories);
      problems.push(...checked.problems);
      coSignatories = checked.value;
    }
  }
  if (problems.length > 0) throw new ValidationError("Check the expression of interest", problems);
  const authority = await authorityById(trx, authorityId);
  if (changes.serviceId !== undefined)
    await serviceOr422(trx, authorityId, changes.serviceId, authority.name);
  const columns = contentColumns(changes.content ?? {});
  const changed = Object.keys(columns).filter(
    (k) => challenge[k as keyof typeof columns] !== columns[k as keyof typeof columns],
  );
  await repo.updateChallenge(trx, authorityId, id, {
    ...columns,
    ...(changes.serviceId !== undefined ? { service_id: changes.serviceId } : {}),
    ...(coSignatories !== undefined ? { co_signatories: JSON.stringify(coSignatories) } : {}),
    updated_at: clock.now(),
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "challenge.draft-changed",
    entity: { type: "challenge", id },
    changes: {
      fields: changed,
      ...(changes.serviceId !== undefined ? { serviceId: changes.serviceId } : {}),
      ...(coSignatories !== undefined ? { coSignatoryCount: coSignatories.length } : {}),
    },
  });
}

/** The statutory items (and, for employees, co-signatories) a draft still lacks. */
export function missingItems(challenge: Challenge): FieldError[] {
  const missing: FieldError[] = [];
  for (const item of STATUTORY_ITEMS) {
    if ((challenge[CONTENT_COLUMNS[item]] ?? "").trim() === "")
      missing.push({ field: item, message: MISSING_ITEM_MESSAGES[item] });
  }
  if (challenge.applicant_type === "employees" && challenge.co_signatories.length < 1)
    missing.push({ field: "coSignatories", message: MISSING_ITEM_MESSAGES.coSignatories });
  return missing;
}

/**
 * Submits a draft: 409 outside the service's published windows; 422 listing every statutory item
 * missing, or when the organisation is no longer a relevant body. The decision falls due the
 * policy's decision period after today. The authority's commissioners are told. Audited.
 */
export async function submitChallenge(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<void> {
  const { p } = await lockForApplicant(trx, principal, authorityId, id);
  await submitChallengeAs(trx, clock, actorOf(p), authorityId, id);
}

/** Submits a draft with every check but who may (the caller's: seeds use it). */
export async function submitChallengeAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  id: string,
): Promise<void> {
  const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
  if (!challenge) throw new NotFoundError("expression of interest");
  if (challenge.status !== "draft") throw NOT_A_DRAFT(challenge.status);
  const authority = await authorityById(trx, authorityId);
  const service = await serviceOr422(trx, authorityId, challenge.service_id, authority.name);
  if (challenge.organisation_id) await checkRelevantBody(trx, challenge.organisation_id);
  await assertWithinWindow(trx, clock, authorityId, service.id, service.name);
  const missing = missingItems(challenge);
  if (missing.length > 0)
    throw new UnprocessableError(
      `This expression of interest cannot be submitted until it gives every item the law requires: ${missing.length} missing`,
      missing,
      "statutory_content_missing",
    );
  const policy = await policyOf(trx, authorityId);
  const now = clock.now();
  const decisionDue = addDays(londonToday(clock), policy.decisionPeriodDays);
  await repo.updateChallenge(trx, authorityId, id, {
    status: "submitted",
    submitted_at: now,
    decision_due: decisionDue,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actor,
    action: "challenge.submitted",
    entity: { type: "challenge", id },
    changes: {
      serviceId: service.id,
      decisionDue,
      decisionPeriodDays: policy.decisionPeriodDays,
      possibleMutual: challenge.applicant_type === "employees",
    },
  });
  const link = `/authorities/${authority.slug}/right-to-challenge/${id}`;
  for (const userId of await repo.holdersOf(trx, authorityId, AUTHORITY_EDITORS)) {
    if (userId === challenge.lead_user_id) continue;
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId,
        kind: "challenge.submitted",
        subject: `New expression of interest for ${service.name}`,
        body: `${await applicantName(trx, challenge, authority)} has expressed an interest in providing ${service.name} under the Community Right to Challenge. Record that you have considered it, then decide by ${decisionDue}.`,
        link,
      },
      { email: true, actor: actor },
    );
  }
}

/** Withdraws an EOI before its decision (its applicant only), audited. */
export async function withdrawChallenge(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<void> {
  const { p, challenge } = await lockForApplicant(trx, principal, authorityId, id);
  if (!["draft", "submitted", "considered"].includes(challenge.status))
    throw new ConflictError(
      challenge.status === "withdrawn"
        ? "This expression of interest has already been withdrawn."
        : "This expression of interest has been decided and can no longer be withdrawn.",
      "challenge_closed",
    );
  const now = clock.now();
  await repo.updateChallenge(trx, authorityId, id, {
    status: "withdrawn",
    withdrawn_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "challenge.withdrawn",
    entity: { type: "challenge", id },
    changes: { from: challenge.status },
  });
  if (challenge.status === "draft") return;
  const authority = await authorityById(trx, authorityId);
  const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
  for (const userId of await repo.holdersOf(trx, authorityId, AUTHORITY_EDITORS)) {
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId,
        kind: "challenge.withdrawn",
        subject: `An expression of interest for ${service?.name ?? "a service"} was withdrawn`,
        body: `${await applicantName(trx, challenge, authority)} has withdrawn its expression of interest for ${service?.name ?? "the service"}. No decision is needed.`,
        link: `/authorities/${authority.slug}/right-to-challenge/${id}`,
      },
      { email: true, actor: actorOf(p) },
    );
  }
}

// Expressions of interest: the authority

/**
 * The EOI, locked, for the authority's editors: 404 when unknown or a draft (drafts are the body's
 * own); 403 for its own lead employee (nobody decides on their own challenge).
 */
async function lockForAuthority(
  trx: Trx,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<{ p: Principal; challenge: Challenge }> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
  if (!challenge || challenge.submitted_at === null) throw new NotFoundError("expression of interest");
  if (challenge.applicant_type === "employees" && challenge.lead_user_id === p.userId)
    throw new ForbiddenError(
      "You made this expression of interest as an employee, so you cannot consider or decide it. Ask another commissioner.",
    );
  return { p, challenge };
}

/** A submitted EOI, locked (404 when unknown or never submitted). */
async function lockSubmitted(trx: Trx, authorityId: string, id: string): Promise<Challenge> {
  const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
  if (!challenge || challenge.submitted_at === null) throw new NotFoundError("expression of interest");
  return challenge;
}

function closedConflict(challenge: Challenge): ConflictError | null {
  if (challenge.status === "withdrawn")
    return new ConflictError(
      "This expression of interest has been withdrawn by the body.",
      "challenge_withdrawn",
    );
  if (challenge.decision)
    return new ConflictError(
      `This expression of interest has already been decided (${challenge.decision}); a decision is made once.`,
      "challenge_decided",
    );
  return null;
}

export interface ConsiderationInput {
  consideredBy: string;
  consideredOn: string;
  evidence: string;
}

/**
 * Records that the authority considered the EOI — who (the officers' names or roles), when, and the
 * evidence weighed — before any decision. Once only (409 after), audited.
 */
export async function recordConsideration(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
  input: ConsiderationInput,
): Promise<void> {
  const { p } = await lockForAuthority(trx, principal, authorityId, id);
  await recordConsiderationAs(trx, clock, actorOf(p), authorityId, id, input);
}

/** Records a consideration with every check but who may (the caller's: seeds use it). */
export async function recordConsiderationAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  id: string,
  input: ConsiderationInput,
): Promise<void> {
  const challenge = await lockSubmitted(trx, authorityId, id);
  const closed = closedConflict(challenge);
  if (closed) throw closed;
  if (challenge.status === "considered")
    throw new ConflictError(
      "The consideration of this expression of interest has already been recorded.",
      "already_considered",
    );
  const problems: FieldError[] = [];
  const consideredBy = input.consideredBy.trim();
  const evidence = input.evidence.trim();
  if (consideredBy === "" || consideredBy.length > 1000)
    problems.push({
      field: "consideredBy",
      message: "Enter who considered it: the officers' names or roles (up to 1,000 characters)",
    });
  if (!isIsoDate(input.consideredOn))
    problems.push({
      field: "consideredOn",
      message: "Enter the date it was considered as a real date, like 3 12 2026",
    });
  if (evidence === "" || evidence.length > TEXT_LIMIT)
    problems.push({ field: "evidence", message: "Enter the evidence weighed in considering it" });
  if (problems.length > 0) throw new ValidationError("Check the record of consideration", problems);
  const submittedOn = londonDate(challenge.submitted_at as Date);
  if (input.consideredOn > londonToday(clock) || input.consideredOn < submittedOn)
    throw new UnprocessableError(
      "The date of consideration must fall between the submission and today",
      [{ field: "consideredOn", message: `Enter a date from ${submittedOn} to today` }],
      "consideration_date_invalid",
    );
  const now = clock.now();
  await repo.updateChallenge(trx, authorityId, id, {
    status: "considered",
    considered_by: consideredBy,
    considered_on: input.consideredOn,
    evidence_weighed: evidence,
    consideration_recorded_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actor,
    action: "challenge.considered",
    entity: { type: "challenge", id },
    changes: { consideredOn: input.consideredOn, evidenceWeighed: evidence },
  });
}

/** Grounds from a form or the API: 422 naming any not in the statute. */
function checkGrounds(grounds: readonly string[], field: string, required: string): RejectionGround[] {
  const unique = [...new Set(grounds.map((g) => g.trim()).filter((g) => g !== ""))];
  const unknown = unique.filter((g) => !(REJECTION_GROUNDS as readonly string[]).includes(g));
  if (unknown.length > 0)
    throw new UnprocessableError(
      "An expression of interest may be rejected only on the grounds in the statute",
      [
        {
          field,
          message: `Choose grounds from the statutory list only (${REJECTION_GROUNDS.join(", ")}); not: ${unknown.join(", ")}`,
        },
      ],
      "ground_not_in_statute",
    );
  if (unique.length === 0)
    throw new UnprocessableError(required, [{ field, message: required }], "no_ground");
  return REJECTION_GROUNDS.filter((g) => unique.includes(g));
}

export interface ModificationInput {
  modification: string;
  grounds: readonly string[];
}

/**
 * Proposes a modification of a considered EOI: what would change, and the statutory grounds on
 * which the authority would otherwise reject it. The body is told and asked to agree. A proposal
 * may be replaced until the body agrees (409 after). Audited.
 */
export async function proposeModification(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
  input: ModificationInput,
): Promise<void> {
  const { p, challenge } = await lockForAuthority(trx, principal, authorityId, id);
  const closed = closedConflict(challenge);
  if (closed) throw closed;
  if (challenge.status !== "considered")
    throw new ConflictError(
      "Record that you considered this expression of interest before proposing a modification.",
      "not_considered",
    );
  if (challenge.agreed_on)
    throw new ConflictError(
      "The body has already agreed to the proposed modification: decide to modify.",
      "modification_agreed",
    );
  const modification = input.modification.trim();
  if (modification === "" || modification.length > TEXT_LIMIT)
    throw new ValidationError("Describe the modification", [
      { field: "modification", message: "Describe the modification you propose" },
    ]);
  const grounds = checkGrounds(
    input.grounds,
    "grounds",
    "Choose the grounds on which you would otherwise reject it: a modification is only for an EOI you would otherwise reject",
  );
  const now = clock.now();
  await repo.updateChallenge(trx, authorityId, id, {
    modification,
    modification_grounds: grounds,
    modification_proposed_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "challenge.modification-proposed",
    entity: { type: "challenge", id },
    changes: { modification, grounds },
  });
  const authority = await authorityById(trx, authorityId);
  const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
  await notifyApplicant(trx, clock, actorOf(p), challenge, authority, {
    kind: "challenge.modification-proposed",
    subject: `${authority.name} proposes a modification to your expression of interest`,
    body: `${authority.name} would otherwise reject your expression of interest for ${service?.name ?? "the service"}, and proposes this modification instead:\n\n${modification}\n\nIt can accept the modified expression of interest only if you agree. Read it and agree on OpenPS if you do.`,
  });
}

/** The body agrees, through the platform, to the proposed modification. 409 without a proposal. Audited. */
export async function agreeToModification(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<void> {
  const { p, challenge } = await lockForApplicant(trx, principal, authorityId, id);
  const closed = closedConflict(challenge);
  if (closed) throw closed;
  if (!challenge.modification)
    throw new ConflictError("The authority has not proposed a modification to agree to.", "no_modification");
  if (challenge.agreed_on)
    throw new ConflictError("Your agreement to the modification is already recorded.", "modification_agreed");
  const now = clock.now();
  const today = londonToday(clock);
  await repo.updateChallenge(trx, authorityId, id, {
    agreement_kind: "platform",
    agreed_on: today,
    agreement_evidence: null,
    agreement_recorded_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "challenge.modification-agreed",
    entity: { type: "challenge", id },
    changes: { kind: "platform", agreedOn: today },
  });
  const authority = await authorityById(trx, authorityId);
  for (const userId of await repo.holdersOf(trx, authorityId, AUTHORITY_EDITORS)) {
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId,
        kind: "challenge.modification-agreed",
        subject: "The body agreed to the proposed modification",
        body: "The body that made the expression of interest has agreed to your proposed modification. You can now decide to modify and accept it.",
        link: `/authorities/${authority.slug}/right-to-challenge/${id}`,
      },
      { email: true, actor: actorOf(p) },
    );
  }
}

export interface WrittenAgreementInput {
  agreedOn: string;
  evidence: string;
}

/** The authority records the body's written agreement (its date, and the evidence). Audited. */
export async function recordWrittenAgreement(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
  input: WrittenAgreementInput,
): Promise<void> {
  const { p, challenge } = await lockForAuthority(trx, principal, authorityId, id);
  const closed = closedConflict(challenge);
  if (closed) throw closed;
  if (!challenge.modification || !challenge.modification_proposed_at)
    throw new ConflictError(
      "Propose the modification before recording the body's agreement to it.",
      "no_modification",
    );
  if (challenge.agreed_on)
    throw new ConflictError("The body's agreement is already recorded.", "modification_agreed");
  const problems: FieldError[] = [];
  const evidence = input.evidence.trim();
  if (!isIsoDate(input.agreedOn))
    problems.push({
      field: "agreedOn",
      message: "Enter the date the body agreed in writing, as a real date",
    });
  if (evidence === "" || evidence.length > TEXT_LIMIT)
    problems.push({
      field: "agreementEvidence",
      message:
        "Enter the evidence of the body's written agreement: the letter or email, its date and who signed it",
    });
  if (problems.length > 0) throw new ValidationError("Check the record of agreement", problems);
  const proposedOn = londonDate(challenge.modification_proposed_at);
  if (input.agreedOn > londonToday(clock) || input.agreedOn < proposedOn)
    throw new UnprocessableError(
      "The body can only have agreed after the modification was proposed, and not in the future",
      [{ field: "agreedOn", message: `Enter a date from ${proposedOn} to today` }],
      "agreement_date_invalid",
    );
  const now = clock.now();
  await repo.updateChallenge(trx, authorityId, id, {
    agreement_kind: "written",
    agreed_on: input.agreedOn,
    agreement_evidence: evidence,
    agreement_recorded_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "challenge.modification-agreed",
    entity: { type: "challenge", id },
    changes: { kind: "written", agreedOn: input.agreedOn, evidence },
  });
}

export interface DecisionInput {
  decision: string;
  grounds?: readonly string[];
  reasons: string;
}

const DECISION_VERB: Record<Decision, string> = {
  accepted: "accepted",
  modified: "accepted with a modification",
  rejected: "rejected",
};

/**
 * Decides a considered EOI, once: accept; modify (with the body's recorded agreement to the proposed
 * modification, 409 without); or reject on statutory grounds only (422 for an unknown ground, none,
 * or no reasons). 409 before the consideration is recorded. Accepting creates a draft commissioning
 * project with the procurement window; the body is told; the decision is published. Audited.
 */
export async function decideChallenge(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
  input: DecisionInput,
): Promise<{ projectId: string | null }> {
  const { p } = await lockForAuthority(trx, principal, authorityId, id);
  return decideChallengeAs(trx, clock, actorOf(p), authorityId, id, input);
}

/** Decides with every check but who may (the caller's: seeds use it). */
export async function decideChallengeAs(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authorityId: string,
  id: string,
  input: DecisionInput,
): Promise<{ projectId: string | null }> {
  const challenge = await lockSubmitted(trx, authorityId, id);
  const closed = closedConflict(challenge);
  if (closed) throw closed;
  if (!(DECISIONS as readonly string[]).includes(input.decision))
    throw new ValidationError("Choose the decision", [
      { field: "decision", message: "Choose accept, modify or reject" },
    ]);
  const decision = input.decision as Decision;
  if (challenge.status !== "considered")
    throw new ConflictError(
      "Record that you considered this expression of interest — who, when and the evidence weighed — before deciding it.",
      "not_considered",
    );
  const reasons = input.reasons.trim();
  const invalid: FieldError[] = [];
  if (reasons === "")
    invalid.push({
      field: "reasons",
      message: "Enter the reasons for the decision: they are sent to the body and published",
    });
  else if (reasons.length > TEXT_LIMIT)
    invalid.push({ field: "reasons", message: `Enter reasons of ${TEXT_LIMIT} characters or fewer` });
  let grounds: RejectionGround[] | null = null;
  if (decision === "rejected") {
    try {
      grounds = checkGrounds(
        input.grounds ?? [],
        "grounds",
        "Choose at least one statutory ground of rejection",
      );
    } catch (error) {
      if (!(error instanceof UnprocessableError)) throw error;
      invalid.push(...error.details);
    }
  } else if ((input.grounds ?? []).some((g) => g.trim() !== ""))
    invalid.push({
      field: "grounds",
      message: "Grounds of rejection apply only to a rejection: untick them, or choose reject",
    });
  if (invalid.length > 0)
    throw new UnprocessableError("The decision cannot be recorded as it stands", invalid, "decision_invalid");
  if (decision === "modified" && (!challenge.modification || !challenge.agreed_on))
    throw new ConflictError(
      challenge.modification
        ? "The body has not agreed to the proposed modification. It can agree on OpenPS, or record its written agreement, before you decide to modify."
        : "Propose the modification, naming the grounds on which you would otherwise reject it, and record the body's agreement before deciding to modify.",
      "modification_not_agreed",
    );

  const authority = await authorityById(trx, authorityId);
  const now = clock.now();
  await repo.updateChallenge(trx, authorityId, id, {
    status: decision,
    decision,
    rejection_grounds: grounds,
    reasons,
    decided_at: now,
    updated_at: now,
  });
  let projectId: string | null = null;
  if (decision !== "rejected") projectId = await createProjectFor(trx, clock, actor, authority, challenge);
  await recordAudit(trx, clock, {
    authorityId,
    actor: actor,
    action: "challenge.decided",
    entity: { type: "challenge", id },
    changes: { decision, grounds, reasons, projectId },
  });
  const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
  const groundText = grounds ? `\n\nGrounds: ${grounds.map((g) => GROUND_TEXT[g]).join("; ")}.` : "";
  await notifyApplicant(trx, clock, actor, challenge, authority, {
    kind: "challenge.decided",
    subject: `Your expression of interest for ${service?.name ?? "a service"} was ${DECISION_VERB[decision]}`,
    body: `${authority.name} has ${DECISION_VERB[decision]} your expression of interest for ${service?.name ?? "the service"}.${groundText}\n\nReasons: ${reasons}${
      projectId
        ? "\n\nA procurement exercise open to all will follow, within the period the authority has published."
        : ""
    }`,
  });
  return { projectId };
}

/** The short names of the statutory grounds, for messages. */
export const GROUND_TEXT: Readonly<Record<RejectionGround, string>> = {
  "not-compliant": "the EOI does not comply with the requirements",
  "information-inadequate": "information in the EOI is inadequate or inaccurate",
  "body-unsuitable": "the body (or a member of its consortium or sub-contractor) is unsuitable",
  "service-to-stop": "the authority has decided to stop providing the service",
  "already-procured": "the service is already being procured or in negotiation",
  "mutual-intention-published":
    "an intention for employees to run the service as a mutual has already been published",
  "frivolous-or-vexatious": "the EOI is frivolous or vexatious",
  "breaks-the-law": "accepting it would likely lead to a breach of the law",
};

async function notifyApplicant(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  challenge: Challenge,
  authority: Authority,
  message: { kind: string; subject: string; body: string },
): Promise<void> {
  const recipients =
    challenge.applicant_type === "organisation" && challenge.organisation_id
      ? await repo.holdersOf(trx, challenge.organisation_id, MEMBER_ROLES)
      : challenge.lead_user_id
        ? [challenge.lead_user_id]
        : [];
  for (const userId of recipients) {
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId: authority.id,
        ...message,
        link: `/authorities/${authority.slug}/right-to-challenge/${challenge.id}`,
      },
      { email: true, actor },
    );
  }
}

/**
 * The draft commissioning project an accepted EOI creates: for its service, with the procurement
 * window from the policy (earliest and latest start, counted from today). Its planned dates start
 * from the window and are the commissioner's to edit.
 */
async function createProjectFor(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authority: Authority,
  challenge: Challenge,
): Promise<string> {
  const service = await repo.serviceOnRegister(trx, authority.id, challenge.service_id);
  if (!service) throw new NotFoundError("service");
  const policy = await policyOf(trx, authority.id);
  const today = londonToday(clock);
  const earliest = addDays(today, policy.minProcurementDays);
  const latest = addDays(today, policy.maxProcurementDays);
  const areaCode = authority.area_code ?? ((await repo.areaExists(trx, "K02000001")) ? "K02000001" : null);
  if (!areaCode)
    throw new ConflictError(
      `${authority.name} has no area recorded, which a commissioning project needs. Ask a platform administrator to record it.`,
      "authority_without_area",
    );
  const need =
    `Community Right to Challenge: an accepted expression of interest (${challenge.id}). ${challenge.outcomes}`.slice(
      0,
      10000,
    );
  const input = await checkProject(trx, authority.id, {
    title: `Right to Challenge: ${service.name}`.slice(0, 200),
    description: `A procurement exercise open to all, following the acceptance of an expression of interest under the Community Right to Challenge. It must start between ${earliest} and ${latest}. The planned dates are a first draft: change them before publishing.`,
    need,
    categoryCode: service.category_code,
    areaCode,
    estimatedValue: formatMoney(service.annual_cost_pence as Pence).replace(/[£,]/g, ""),
    marketEngagementDate: today < earliest ? today : earliest,
    tenderDate: earliest,
    awardDate: latest,
    startDate: latest,
    serviceIds: [service.id],
    participantIds: [],
  });
  return recordProject(trx, clock, actor, authority.id, input, newId(), {
    challengeId: challenge.id,
    procurementEarliest: earliest,
    procurementLatest: latest,
  });
}

// Reading

export interface ChallengeView extends repo.ChallengeRow {
  /** The body's public name: the organisation, or "Employees of <authority>". */
  applicantName: string;
  possibleMutual: boolean;
  overdue: boolean;
}

function applicantNameOf(row: {
  applicant_type: ApplicantType;
  organisation_name: string | null;
  authority_name: string;
}): string {
  return row.applicant_type === "employees"
    ? `Employees of ${row.authority_name}`
    : (row.organisation_name ?? "");
}

async function applicantName(db: Db, challenge: Challenge, authority: Authority): Promise<string> {
  if (challenge.applicant_type === "employees") return `Employees of ${authority.name}`;
  const org = challenge.organisation_id
    ? await repo.applicantOrganisation(db, challenge.organisation_id)
    : undefined;
  return org?.name ?? "An organisation";
}

/** Undecided (submitted or considered) and past its decision date (London), by the clock. */
export function isOverdue(challenge: Pick<Challenge, "status" | "decision_due">, today: string): boolean {
  return (
    (challenge.status === "submitted" || challenge.status === "considered") &&
    challenge.decision_due !== null &&
    challenge.decision_due < today
  );
}

function view(row: repo.ChallengeRow, today: string): ChallengeView {
  return {
    ...row,
    applicantName: applicantNameOf(row),
    possibleMutual: row.applicant_type === "employees",
    overdue: isOverdue(row, today),
  };
}

/**
 * One EOI: submitted ones for everyone; a draft (or a draft withdrawn unsubmitted) only for its
 * applicant — 404 for everyone else.
 */
export async function challengeOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<ChallengeView> {
  const row = isUuid(id) ? await repo.findChallenge(db, authorityId, id) : undefined;
  if (!row || (row.submitted_at === null && !isApplicant(principal, row)))
    throw new NotFoundError("expression of interest");
  return view(row, londonToday(clock));
}

/** May this person see the employees' names (the lead employee, and the authority's editors)? */
export function mayReadCoSignatories(principal: Principal | null, challenge: Challenge): boolean {
  return isApplicant(principal, challenge) || isAuthorityEditor(principal, challenge.authority_id);
}

export interface Register {
  counts: repo.RegisterCounts;
  byGround: { ground: RejectionGround; count: bigint }[];
  challenges: ChallengeView[];
}

/** The public register of submitted EOIs and decisions, of one authority or nationally. */
export async function registerOf(db: Db, clock: Clock, authorityId?: string): Promise<Register> {
  const today = londonToday(clock);
  const [counts, byGround, rows] = await Promise.all([
    repo.registerCounts(db, today, authorityId),
    repo.rejectionsByGround(db, authorityId),
    repo.submittedChallenges(db, { ...(authorityId ? { authorityId } : {}), limit: REGISTER_LIMIT }),
  ]);
  return { counts, byGround, challenges: rows.map((r) => view(r, today)) };
}

/** The person's own drafts for this authority (through their organisations, or as lead employee). */
export async function draftsOf(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
): Promise<ChallengeView[]> {
  if (!principal) return [];
  const orgIds = principal.grants
    .filter((g) => g.scopeType === "organisation" && MEMBER_ROLES.includes(g.role))
    .map((g) => g.scopeId);
  const today = londonToday(clock);
  return (await repo.draftsFor(db, authorityId, orgIds, principal.userId)).map((r) => view(r, today));
}

/** The organisations this person may express an interest for, with whether each is a relevant body. */
export async function applicantChoices(
  db: Db,
  principal: Principal | null,
): Promise<{ id: string; name: string; sector: Sector; relevant: boolean }[]> {
  if (!principal) return [];
  const orgs = await repo.organisationsOfUser(db, principal.userId);
  return orgs
    .filter((o) => isMember(principal, o.id))
    .map((o) => ({ id: o.id, name: o.name, sector: o.sector, relevant: relevantBodyKind(o) !== null }));
}

export const serviceOnRegister = repo.serviceOnRegister;
