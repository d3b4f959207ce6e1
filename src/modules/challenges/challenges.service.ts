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
 * This file holds the rules as data and what the sections share; each section is its own service:
 * `policy.service.ts` (the policy and windows), `expressions.service.ts` (the body drafts, submits
 * and withdraws), `decisions.service.ts` (the authority considers, proposes a modification and
 * decides) and `registers.service.ts` (reading: an EOI, the registers, what each page shows).
 *
 * Every change of state is audited on the authority's chain in its transaction. Personal data
 * (employees' names) never goes into the audit trail, open data or public pages.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import {
  AUTHORITY_EDITORS,
  isAuthorityEditor,
  type Principal,
  type Role,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import type { Actor } from "../audit/audit.service.ts";
import type { Authority, AuthorityKind } from "../authorities/authorities.service.ts";
import { type NoticeKind, notify } from "../notifications/notifications.service.ts";
import type { Sector } from "../organisations/organisations.service.ts";
import * as repo from "./challenges.repository.ts";
import type { Challenge, ChallengeStatus, CoSignatoryRow, RejectionGround } from "./challenges.table.ts";

// The rules as data

/**
 * The kinds of authority that are relevant authorities (Localism Act 2011 s.81(2)) — when in England:
 * county councils; district councils (metropolitan borough councils and most English unitary
 * councils are district or county councils in law); London borough councils (the Common Council of
 * the City of London is recorded as one, and the Council of the Isles of Scilly as a unitary); and
 * fire and rescue authorities, prescribed by SI 2012/1647, reg. 3. Not NHS bodies, government
 * departments, combined authorities, police, parish councils, regulators or ombudsmen.
 */
export const RELEVANT_AUTHORITY_KINDS: readonly AuthorityKind[] = [
  "county",
  "district",
  "unitary",
  "metropolitan",
  "london-borough",
  "fire",
];

/** Where each country is, as a sentence says it ("in Wales"; in Welsh "yng Nghymru", mutated). */
const IN_COUNTRY = {
  england: () => msg`in England`,
  wales: () => msg`in Wales`,
  scotland: () => msg`in Scotland`,
  "northern-ireland": () => msg`in Northern Ireland`,
} as const;

export type Applicability = { applies: true } | { applies: false; reason: string };

/**
 * Whether the Community Right to Challenge applies to this authority: a relevant authority's kind,
 * in England (s.81(2): "a county council in England", and so on). An authority whose country is not
 * recorded is not taken to be in England.
 */
export function rightToChallengeApplies(
  authority: Pick<Authority, "name" | "kind" | "country">,
): Applicability {
  if (!RELEVANT_AUTHORITY_KINDS.includes(authority.kind))
    return {
      applies: false,
      reason: msg`The Community Right to Challenge does not apply to ${authority.name}: it applies only to county, district and London borough councils and fire and rescue authorities in England (Localism Act 2011, section 81(2)), not to NHS bodies, government departments or other public bodies.`,
    };
  if (authority.country === null)
    return {
      applies: false,
      reason: msg`OpenPS does not know whether ${authority.name} is in England, and the Community Right to Challenge applies only to councils and fire and rescue authorities in England. A platform administrator needs to record which country it is in.`,
    };
  if (authority.country !== "england")
    return {
      applies: false,
      reason: msg`The Community Right to Challenge does not apply to ${authority.name}, which is ${IN_COUNTRY[authority.country]()}: it applies only to councils and fire and rescue authorities in England (Localism Act 2011, section 81(2)).`,
    };
  return { applies: true };
}

/** Refuses (422) anything of the Right to Challenge for an authority it does not apply to. */
export function assertRightToChallengeApplies(authority: Pick<Authority, "name" | "kind" | "country">): void {
  const applicability = rightToChallengeApplies(authority);
  if (!applicability.applies)
    throw new UnprocessableError(applicability.reason, [], "not_relevant_authority");
}

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
/** Organisation roles whose holders act for it as a body (and are told of its EOIs' decisions). */
export const MEMBER_ROLES: readonly Role[] = ["organisation-admin", "organisation-member"];

/**
 * The statutory content of every EOI (Localism Act 2011 s.81(1)(b); SI 2012/1313, reg. 3 and
 * Schedule 1): the financial resources of the body (para 2) and evidence that it will be capable of
 * providing the service by the time of the procurement exercise (para 3) — each given for every
 * member of a consortium and every sub-contractor too (para 1) —, the service and the area (para 4),
 * and the outcomes: the well-being of the area, and the needs of users (para 5).
 */
export const STATUTORY_ITEMS = [
  "financialResources",
  "capabilityEvidence",
  "serviceArea",
  "outcomes",
  "userNeeds",
] as const;
/** What an EOI by employees must give besides: how they will engage the other employees affected (para 6). */
export const EMPLOYEE_ITEMS = ["employeeEngagement"] as const;
export type StatutoryItem = (typeof STATUTORY_ITEMS)[number] | (typeof EMPLOYEE_ITEMS)[number];

export const MISSING_ITEM_MESSAGES: Readonly<Record<StatutoryItem | "coSignatories", string>> = {
  financialResources: msg`Enter the financial resources of the body, and of each consortium member and sub-contractor`,
  capabilityEvidence: msg`Enter evidence that the body (and each consortium member and sub-contractor) will be capable of providing the service by the time of the procurement exercise`,
  serviceArea: msg`Describe the service the body would provide and the area it would cover`,
  outcomes: msg`Describe the outcomes: how the service would promote or improve the social, economic or environmental well-being of the area`,
  userNeeds: msg`Describe how the service would meet the needs of its users`,
  employeeEngagement: msg`Describe how you will engage the other employees of the authority affected by the expression of interest`,
  coSignatories: msg`Name at least one other employee: an EOI by employees needs two or more of them`,
};

export interface ChallengeContent {
  financialResources?: string;
  partners?: string;
  capabilityEvidence?: string;
  serviceArea?: string;
  outcomes?: string;
  userNeeds?: string;
  employeeEngagement?: string;
}

/** Each content field of an EOI, and its column. */
export const CONTENT_COLUMNS = {
  financialResources: "financial_resources",
  partners: "partners",
  capabilityEvidence: "capability_evidence",
  serviceArea: "service_area",
  outcomes: "outcomes",
  userNeeds: "user_needs",
  employeeEngagement: "employee_engagement",
} as const;
export type ContentField = keyof typeof CONTENT_COLUMNS;

/** The short names of the statutory grounds, for messages. */
export const GROUND_TEXT: Readonly<Record<RejectionGround, string>> = {
  "not-compliant": "the EOI does not comply with the requirements",
  "information-inadequate": "information in the EOI is inadequate or inaccurate",
  "body-unsuitable": "the body (or a member of its consortium or sub-contractor) is unsuitable",
  "service-to-stop": "the authority has decided to stop providing the service",
  "nhs-integration":
    "the service is integrated with a service of an NHS body, and continued integration is critical to the well-being of the people who receive both",
  "already-procured": "the service is already the subject of a procurement exercise",
  "in-negotiation": "the authority is negotiating with a third party, in writing, to provide the service",
  "mutual-intention-published":
    "an intention for employees to run the service as a mutual has already been published",
  "frivolous-or-vexatious": "the EOI is frivolous or vexatious",
  "breaks-the-law": "accepting it would likely lead to a breach of the law",
};

// Who is who

/** Is this person a member (or administrator) of the organisation? */
export function isMember(principal: Principal, organisationId: string): boolean {
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

// The state of an EOI

/** A staff email domain is matched exactly (lower case): subdomains are not included. */
export function isStaffEmail(email: string, domains: readonly string[]): boolean {
  const at = email.lastIndexOf("@");
  return at > 0 && domains.includes(email.slice(at + 1).toLowerCase());
}

export interface SubmissionProblems {
  /** Statutory items missing (and, for employees, no co-signatory named). */
  missing: FieldError[];
  /** Co-signatories who have not confirmed, or whose address is no longer a staff one. */
  unconfirmed: FieldError[];
}

/**
 * What stops a draft being submitted: each statutory item missing — for employees, the engagement of
 * the employees affected too, and at least one co-signatory — and each co-signatory who has not
 * confirmed from an account on one of the authority's staff email domains (two or more employees,
 * each confirmed: s.81(6)(d)).
 */
export function submissionProblems(
  challenge: Challenge,
  coSignatories: readonly CoSignatoryRow[],
  staffDomains: readonly string[],
): SubmissionProblems {
  const missing: FieldError[] = [];
  const employees = challenge.applicant_type === "employees";
  for (const item of [...STATUTORY_ITEMS, ...(employees ? EMPLOYEE_ITEMS : [])]) {
    if ((challenge[CONTENT_COLUMNS[item]] ?? "").trim() === "")
      missing.push({ field: item, message: MISSING_ITEM_MESSAGES[item] });
  }
  const unconfirmed: FieldError[] = [];
  if (!employees) return { missing, unconfirmed };
  if (coSignatories.length < 1)
    missing.push({ field: "coSignatories", message: MISSING_ITEM_MESSAGES.coSignatories });
  coSignatories.forEach((s, i) => {
    const n = i + 1;
    if (s.email === null)
      unconfirmed.push({
        field: `coSignatories.${i}.email`,
        message: msg`Enter co-signatory ${n}'s work email address, so that they can confirm`,
      });
    else if (!isStaffEmail(s.email, staffDomains))
      unconfirmed.push({
        field: `coSignatories.${i}.email`,
        message: msg`Co-signatory ${n}'s email address is not on one of the authority's staff email domains: enter their work address`,
      });
    else if (s.confirmed_at === null)
      unconfirmed.push({
        field: `coSignatories.${i}.email`,
        message: msg`Co-signatory ${n} has not confirmed yet: they sign in with their work email address and confirm on this expression of interest's page. Or remove them.`,
      });
  });
  return { missing, unconfirmed };
}

/** Undecided (submitted or considered) and past its decision date (London), by the clock. */
export function isOverdue(challenge: Pick<Challenge, "status" | "decision_due">, today: string): boolean {
  return (
    (challenge.status === "submitted" || challenge.status === "considered") &&
    challenge.decision_due !== null &&
    challenge.decision_due < today
  );
}

export const NOT_A_DRAFT = (status: ChallengeStatus) =>
  new ConflictError(
    status === "withdrawn"
      ? "This expression of interest has been withdrawn and cannot be changed."
      : "This expression of interest has been submitted and cannot be changed. Withdraw it and make a new one if you need to.",
    "challenge_not_draft",
  );

/** 409 for an EOI withdrawn or already decided (a decision is made once); null otherwise. */
export function closedConflict(challenge: Challenge): ConflictError | null {
  if (challenge.status === "withdrawn")
    return new ConflictError(
      msg`This expression of interest has been withdrawn by the body.`,
      "challenge_withdrawn",
    );
  if (challenge.decision)
    return new ConflictError(
      msg`This expression of interest has already been decided (${challenge.decision}); a decision is made once.`,
      "challenge_decided",
    );
  return null;
}

// How an EOI is read

/** A co-signatory as those who may read them see them. */
export interface CoSignatoryView {
  name: string;
  jobTitle: string;
  email: string | null;
  confirmed: boolean;
  confirmedAt: Date | null;
}

export interface ChallengeView extends repo.ChallengeRow {
  /** The body's public name: the organisation, or "Employees of <authority>". */
  applicantName: string;
  possibleMutual: boolean;
  overdue: boolean;
  /**
   * May the reader see the employees' names (the lead employee, the co-signatories themselves and
   * the authority's editors)?
   */
  mayReadCoSignatories: boolean;
  /** The co-signatories, for those who may read them (empty for everyone else). */
  coSignatories: CoSignatoryView[];
  /** An employees' EOI: how many employees make it (the lead and each confirmed co-signatory). Public. */
  employeeCount: number | null;
}

/**
 * An EOI as `principal` reads it on `today` (London), with its co-signatories (`readerIsCoSignatory`:
 * the reader is one of them).
 */
export function viewOf(
  row: repo.ChallengeRow,
  today: string,
  principal: Principal | null,
  coSignatories: readonly CoSignatoryRow[] = [],
  readerIsCoSignatory = false,
): ChallengeView {
  const employees = row.applicant_type === "employees";
  const mayRead = employees && (readerIsCoSignatory || mayReadCoSignatories(principal, row));
  return {
    ...row,
    applicantName: employees ? `Employees of ${row.authority_name}` : (row.organisation_name ?? ""),
    possibleMutual: employees,
    overdue: isOverdue(row, today),
    mayReadCoSignatories: mayRead,
    coSignatories: mayRead
      ? coSignatories.map((s) => ({
          name: s.name,
          jobTitle: s.job_title,
          email: s.email,
          confirmed: s.confirmed_at !== null,
          confirmedAt: s.confirmed_at,
        }))
      : [],
    employeeCount: employees ? 1 + coSignatories.filter((s) => s.confirmed_at !== null).length : null,
  };
}

/** May this person see the employees' names (the lead employee, and the authority's editors)? */
export function mayReadCoSignatories(principal: Principal | null, challenge: Challenge): boolean {
  return isApplicant(principal, challenge) || isAuthorityEditor(principal, challenge.authority_id);
}

/** The applicant's name for messages: the organisation's, or "Employees of <authority>". */
export async function applicantName(db: Db, challenge: Challenge, authority: Authority): Promise<string> {
  if (challenge.applicant_type === "employees") return `Employees of ${authority.name}`;
  const org = challenge.organisation_id
    ? await repo.applicantOrganisation(db, challenge.organisation_id)
    : undefined;
  return org?.name ?? "An organisation";
}

// Shared by the sections' services: locks and notices

/**
 * The EOI, locked, for its applicant: 404 when unknown, or a draft of someone else (drafts are
 * private); 403 for someone else's submitted EOI, or a colleague a draft names (they read it).
 */
export async function lockForApplicant(
  trx: Trx,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<{ p: Principal; challenge: Challenge }> {
  const p = requireSignedIn(principal);
  const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
  if (!challenge) throw new NotFoundError("expression of interest");
  if (!isApplicant(p, challenge)) {
    // Drafts are private, bar to the colleagues an employees' draft names (they may read, not act).
    if (
      challenge.submitted_at === null &&
      !(
        challenge.applicant_type === "employees" &&
        (await repo.coSignatoryFor(trx, authorityId, id, p.userId))
      )
    )
      throw new NotFoundError("expression of interest");
    throw new ForbiddenError(
      challenge.applicant_type === "employees"
        ? "Only the lead employee who made this expression of interest can do this."
        : "Only the body that made this expression of interest can do this.",
    );
  }
  return { p, challenge };
}

/**
 * The EOI, locked, for the authority's editors: 404 when unknown or a draft (drafts are the body's
 * own); then 403 for anyone else, and for its own lead employee (nobody decides on their own
 * challenge). Looked up before the role is asked (security finding 14).
 */
export async function lockForAuthority(
  trx: Trx,
  principal: Principal | null,
  authorityId: string,
  id: string,
): Promise<{ p: Principal; challenge: Challenge }> {
  requireSignedIn(principal);
  const challenge = await lockSubmitted(trx, authorityId, id);
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  if (challenge.applicant_type === "employees" && challenge.lead_user_id === p.userId)
    throw new ForbiddenError(
      msg`You made this expression of interest as an employee, so you cannot consider or decide it. Ask another commissioner.`,
    );
  return { p, challenge };
}

/** A submitted EOI, locked (404 when unknown or never submitted). */
export async function lockSubmitted(trx: Trx, authorityId: string, id: string): Promise<Challenge> {
  const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
  if (!challenge || challenge.submitted_at === null) throw new NotFoundError("expression of interest");
  return challenge;
}

export interface Notice {
  kind: NoticeKind;
  subject: string;
  body: string;
}

/** Tells the authority's editors (inbox and email), bar `except`, with a link to the EOI. */
export async function notifyAuthorityEditors(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  authority: Authority,
  challengeId: string,
  notice: Notice,
  except?: string | null,
): Promise<void> {
  for (const userId of await repo.holdersOf(trx, authority.id, AUTHORITY_EDITORS)) {
    if (userId === except) continue;
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId: authority.id,
        ...notice,
        link: `/authorities/${authority.slug}/right-to-challenge/${challengeId}`,
      },
      { email: true, actor },
    );
  }
}

/** Tells the body (every member of the organisation, or the lead employee), with a link to the EOI. */
export async function notifyApplicant(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  challenge: Challenge,
  authority: Authority,
  notice: Notice,
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
        organisationId: challenge.applicant_type === "organisation" ? challenge.organisation_id : null,
        ...notice,
        link: `/authorities/${authority.slug}/right-to-challenge/${challenge.id}`,
      },
      { email: true, actor },
    );
  }
}

/** An authority's published decisions on expressions of interest, counted by service, month and decision (the market's figures). Checks no one. */
export const decisionCounts = repo.decisionCounts;

/**
 * How many expressions of interest were submitted in [from, to) — to one authority, or to every
 * one — for the progress reports: an index range scan (`challenges_submitted_at`). Public: a count.
 */
export function expressionsSubmittedBetween(
  db: Db,
  range: { authorityId?: string | undefined; from: Date; to: Date },
): Promise<number> {
  return repo.countSubmittedBetween(db, range);
}
