/**
 * Individual services (issue 17): the people an authority supports, their assessed eligible needs,
 * and their care and support plans with a personal budget in versions; the reviews the clocks give
 * (clocks.ts); and who may see and act for a person (`requirePersonAccess`): the authority's care
 * staff, the person themself and the representatives they have given grants to
 * (representatives.service.ts makes and changes the links).
 *
 * Who sees a person: only the care staff of the person's authority (the `care-staff` role held for
 * it, not a platform administrator's reach: an administrator of the platform does not need to read
 * the records of the people councils support, and `requireRole`'s pass for them is not used here),
 * and the accounts linked to the person. Everyone else gets 404: they cannot even learn that a
 * person is recorded. Personal data (name, date of birth, contact) never reaches audit events
 * (`personalRef("care_people", id)`), logs, error messages or open data.
 *
 * What other modules may use of care is here: `planBudget` (a plan's budget as it stands),
 * `requirePersonAccess`, `peopleActedFor`, `actingFor` (what an audit event records of someone
 * acting for a person).
 */
import type { Db, Trx } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { notifyAll } from "../../lib/ports.ts";
import type { Principal } from "../access/access.service.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { type Actor, personalRef, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { findArea } from "../vocabularies/vocabularies.service.ts";
import { planChanged } from "./care.ports.ts";
import * as repo from "./care.repository.ts";
import type {
  BudgetPeriod,
  CareBudgetPart,
  CareConcern,
  CareInvitation,
  CareLink,
  CareNeed,
  CarePerson,
  CarePlan,
  CarePlanVersion,
  CareReview,
  Delivery,
  PersonGrant,
  Regime,
  Relationship,
  ReviewOutcome,
} from "./care.table.ts";
import { BUDGET_PERIODS, DELIVERIES, PERSON_GRANTS, REGIMES, REVIEW_OUTCOMES } from "./care.table.ts";
import { type ClockCode, nextReview, type ReviewState, reviewState } from "./clocks.ts";

export type {
  BudgetPeriod,
  CareBudgetPart,
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
  PERSON_GRANTS,
  REGIMES,
  RELATIONSHIPS,
  REVIEW_OUTCOMES,
} from "./care.table.ts";

/** How a budget is delivered: its one part's way, or a mix. */
export type DeliveryType = Delivery | "mixed";

/** A plan's personal budget as it now stands: its current version and that version's parts. */
export interface PlanBudget {
  plan: CarePlan;
  version: CarePlanVersion;
  parts: CareBudgetPart[];
  delivery: DeliveryType;
}

export function deliveryOf(parts: readonly Pick<CareBudgetPart, "delivery">[]): DeliveryType {
  const ways = new Set(parts.map((p) => p.delivery));
  const [only] = ways;
  return ways.size === 1 && only ? only : "mixed";
}

/**
 * The budget of a plan as it now stands, or undefined for a plan the authority does not have. It
 * checks no one: the caller has decided who may see it.
 */
export async function planBudget(
  db: Db,
  authorityId: string,
  planId: string,
): Promise<PlanBudget | undefined> {
  return (await planBudgets(db, authorityId, [planId])).get(planId);
}

// Eligibility outcomes: what a need is about.

/**
 * The outcomes an adult's eligible needs are about (the Care and Support (Eligibility Criteria)
 * Regulations 2015, reg. 2(2)), and the sections of an education, health and care plan that say a
 * child's or young person's needs (the Special Educational Needs and Disability Regulations 2014,
 * reg. 12): a need records one of them, for its regime.
 */
export const NEED_OUTCOMES: Readonly<Record<Regime, readonly string[]>> = {
  "adult-social-care": [
    "managing-nutrition",
    "personal-hygiene",
    "toilet-needs",
    "dressing",
    "using-home-safely",
    "habitable-home",
    "family-relationships",
    "work-training-education-volunteering",
    "community-services",
    "caring-for-a-child",
  ],
  sen: ["section-b-special-educational-needs", "section-c-health-needs", "section-d-social-care-needs"],
};

/** Every outcome a need may record, as `<regime>:<outcome>`. */
export const ALL_NEED_OUTCOMES: readonly string[] = REGIMES.flatMap((r) =>
  NEED_OUTCOMES[r].map((o) => `${r}:${o}`),
);

// Who may see and act for a person

/** Whether the principal holds the care-staff role for the authority itself (no platform reach). */
export function isCareStaff(principal: Principal | null, authorityId: string): boolean {
  return (
    principal?.grants.some(
      (g) => g.role === "care-staff" && g.scopeType === "authority" && g.scopeId === authorityId,
    ) ?? false
  );
}

/**
 * The authority's care staff only: 401 for the public, 404 for everyone else (a person's records
 * are not theirs to know of at all).
 */
export function requireCareStaff(principal: Principal | null, authorityId: string): Principal {
  const p = requireSignedIn(principal);
  if (!isCareStaff(p, authorityId)) throw new NotFoundError("page");
  return p;
}

/** How someone stands to a person: one of the authority's care staff, or a linked account. */
export type How = "care-staff" | Relationship;

/** Who is acting for a person, and how: what `requirePersonAccess` answers. */
export interface PersonAccess {
  authorityId: string;
  personId: string;
  userId: string;
  how: How;
  /** The link of a linked account; null for care staff. */
  linkId: string | null;
  /** What they may do: all of it for care staff and the person themself. */
  grants: readonly PersonGrant[];
  /** Who acts, for the audit trail: the signed-in person, under their own account. */
  actor: Actor;
}

/**
 * Who may act for a person, for `grant`: the authority's care staff, the person themself, or a
 * representative the person has given `grant` to. 401 for the public; 404 for someone with no live
 * link and no care-staff role for the authority (or an unknown person); 403 for a link without the
 * grant.
 */
export async function requirePersonAccess(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  grant: PersonGrant,
): Promise<PersonAccess> {
  const p = requireSignedIn(ctx.principal);
  if (!isUuid(authorityId) || !isUuid(personId)) throw new NotFoundError("person");
  const person = await repo.findPerson(ctx.db, authorityId, personId);
  if (!person || person.erased_at) throw new NotFoundError("person");
  const actor = actorIn(ctx);
  if (isCareStaff(p, authorityId))
    return {
      authorityId,
      personId,
      userId: p.userId,
      how: "care-staff",
      linkId: null,
      grants: PERSON_GRANTS,
      actor,
    };
  const link =
    (await repo.liveLink(ctx.db, authorityId, personId, p.userId)) ??
    (await championLinkFor(ctx.db, p, authorityId, personId));
  if (!link) throw new NotFoundError("person");
  const grants = link.relationship === "self" ? PERSON_GRANTS : link.grants;
  if (!grants.includes(grant))
    throw new ForbiddenError(
      msg`The person has not given you permission to do this. Ask them to change what you may do for them.`,
    );
  return { authorityId, personId, userId: p.userId, how: link.relationship, linkId: link.id, grants, actor };
}

/**
 * The champions the principal acts for: the champions they hold `consumer-champion` for (exactly;
 * a platform administrator's reach does not count: a champion's appointment is to its people).
 */
export function championsOf(principal: Principal | null): string[] {
  return (principal?.grants ?? [])
    .filter((g) => g.role === "consumer-champion" && g.scopeType === "champion")
    .map((g) => g.scopeId);
}

/** A live appointment of a champion the principal acts for, by the person (docs/consumer-champions.md). */
async function championLinkFor(
  db: Db,
  principal: Principal,
  authorityId: string,
  personId: string,
): Promise<CareLink | undefined> {
  const champions = championsOf(principal);
  if (champions.length === 0) return undefined;
  return repo.liveChampionLink(db, authorityId, personId, champions);
}

/**
 * What an audit event records of someone acting for a person: the person (a reference, never their
 * name) and how the actor stands to them. The actor is always the signed-in person's own account.
 */
export function actingFor(access: PersonAccess): { person: { ref: string }; as: How } {
  return { person: personalRef("care_people", access.personId), as: access.how };
}

/** A person the signed-in account acts for. */
export interface ActedFor {
  authorityId: string;
  personId: string;
  /** The person's name: shown only to the account linked to them. */
  name: string;
  how: Relationship;
  grants: readonly PersonGrant[];
}

/** The people the signed-in account is linked to (the person themself, or as a representative). */
export async function peopleActedFor(ctx: Ctx): Promise<ActedFor[]> {
  const p = requireSignedIn(ctx.principal);
  const links = await repo.linksOfUser(ctx.db, p.userId);
  return links.map((l) => ({
    authorityId: l.authority_id,
    personId: l.person_id,
    name: l.full_name,
    how: l.relationship,
    grants: l.relationship === "self" ? PERSON_GRANTS : l.grants,
  }));
}

/** The authority of a person a signed-in account is linked to (their own pages name no authority), or 404. */
export async function authorityOfLinkedPerson(ctx: Ctx, personId: string): Promise<string> {
  const p = requireSignedIn(ctx.principal);
  const link = isUuid(personId)
    ? ((await repo.liveLinkByPerson(ctx.db, p.userId, personId)) ??
      (await repo.liveChampionLinkByPerson(ctx.db, personId, championsOf(p))))
    : undefined;
  if (!link) throw new NotFoundError("person");
  return link.authority_id;
}

// Checking input

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function text(value: string | null | undefined): string {
  return (value ?? "").trim();
}

function checkDate(
  problems: FieldError[],
  field: string,
  value: string,
  what: { missing: string; wrong: string },
): void {
  if (value === "") problems.push({ field, message: what.missing });
  else if (!isIsoDate(value)) problems.push({ field, message: what.wrong });
}

function money(problems: FieldError[], field: string, value: string, missing: string): Pence | undefined {
  if (text(value) === "") {
    problems.push({ field, message: missing });
    return undefined;
  }
  const parsed = parseMoney(value);
  if (!parsed.ok) {
    problems.push({ field, message: msg`Enter an amount in pounds and pence, like £250.00` });
    return undefined;
  }
  if (parsed.value <= 0n) {
    problems.push({ field, message: msg`Enter an amount more than £0` });
    return undefined;
  }
  return parsed.value;
}

function refuse(problems: readonly FieldError[], what: string): void {
  if (problems.length > 0) throw new ValidationError(what, problems);
}

function chainOf(authorityId: string) {
  return authorityId;
}

// People

export interface PersonInput {
  fullName: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  email?: string | null;
  phone?: string | null;
  address?: string | null;
  /** The area (ONS GSS code) the person lives in; the authority's own by default. */
  areaCode: string;
}

/** Records a person the authority supports: its care staff only. Only what is needed is kept. */
export async function recordPerson(ctx: Ctx, authorityId: string, input: PersonInput): Promise<CarePerson> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const fullName = text(input.fullName);
  const dateOfBirth = text(input.dateOfBirth);
  const email = text(input.email);
  const phone = text(input.phone);
  const address = text(input.address);
  const areaCode = text(input.areaCode);
  const today = londonToday(ctx.clock);
  const problems: FieldError[] = [];
  if (fullName === "") problems.push({ field: "fullName", message: msg`Enter the person's full name` });
  else if (fullName.length > 200)
    problems.push({ field: "fullName", message: msg`Enter a name of 200 characters or fewer` });
  checkDate(problems, "dateOfBirth", dateOfBirth, {
    missing: msg`Enter the person's date of birth`,
    wrong: msg`Enter the date of birth as a real date, like 27 3 1950`,
  });
  if (isIsoDate(dateOfBirth) && (dateOfBirth > today || dateOfBirth < addDays(today, -130 * 366)))
    problems.push({
      field: "dateOfBirth",
      message: msg`Enter a date of birth in the past, within 130 years`,
    });
  if (email !== "" && (!EMAIL.test(email) || email.length > 320))
    problems.push({
      field: "email",
      message: msg`Enter an email address in the correct format, like name@example.org`,
    });
  if (phone !== "" && !/^[0-9+()\s-]{3,40}$/.test(phone))
    problems.push({
      field: "phone",
      message: msg`Enter a phone number using only numbers, spaces, brackets and +`,
    });
  if (address.length > 500)
    problems.push({ field: "address", message: msg`Enter an address of 500 characters or fewer` });
  if (areaCode === "" || !(await findArea(ctx.db, areaCode)))
    problems.push({ field: "areaCode", message: msg`Enter the area's ONS code, like E10000016` });
  refuse(problems, msg`Check the person's details`);
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const person: CarePerson = {
      authority_id: authorityId,
      id: newId(),
      full_name: fullName,
      date_of_birth: dateOfBirth,
      email: email || null,
      phone: phone || null,
      address,
      area_code: areaCode,
      created_by: p.userId,
      created_at: now,
      updated_at: now,
      erased_at: null,
    };
    await repo.insertPerson(trx, person);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.person-recorded",
      entity: { type: "care-person", id: person.id },
      changes: { person: personalRef("care_people", person.id), area: areaCode },
    });
    return person;
  });
}

export const PEOPLE_PAGE_SIZE = 25;

export interface PeoplePage {
  people: repo.PersonLine[];
  /** The key of the next page, when there is one. */
  next: string | null;
  text: string;
}

/** A page of the authority's people by name, searchable by name: its care staff only. */
export async function listPeople(
  ctx: Ctx,
  authorityId: string,
  query: { text?: string; after?: string },
): Promise<PeoplePage> {
  requireCareStaff(ctx.principal, authorityId);
  const after = decodeKey(query.after, ["string", "string"], "after") as [string, string] | undefined;
  if (after && !isUuid(after[1]))
    throw new ValidationError(msg`Check the page link`, [
      { field: "after", message: msg`Check the page link` },
    ]);
  const words = text(query.text);
  const rows = await repo.peoplePage(ctx.db, authorityId, {
    ...(words ? { text: words } : {}),
    ...(after ? { after } : {}),
    limit: PEOPLE_PAGE_SIZE,
  });
  const people = rows.slice(0, PEOPLE_PAGE_SIZE);
  const last = people[people.length - 1];
  return {
    people,
    next: rows.length > PEOPLE_PAGE_SIZE && last ? encodeKey([last.full_name, last.id]) : null,
    text: words,
  };
}

// A person's whole record, as their page shows it

export interface BudgetVersionView extends CarePlanVersion {
  parts: (CareBudgetPart & { organisationName: string | null })[];
  delivery: DeliveryType;
}

export interface PlanView {
  plan: CarePlan;
  current: BudgetVersionView;
  /** Every version, newest first. */
  versions: BudgetVersionView[];
  reviews: CareReview[];
  concerns: CareConcern[];
  review: { on: string; clock: ClockCode; state: ReviewState } | null;
}

export interface PersonView {
  person: CarePerson;
  needs: CareNeed[];
  plans: PlanView[];
  links: repo.LinkWithHolder[];
  /** Open invitations: care staff only (their addresses are personal data). */
  invitations: CareInvitation[];
  access: PersonAccess;
}

async function planViews(
  db: Db,
  today: string,
  authorityId: string,
  plans: readonly CarePlan[],
): Promise<PlanView[]> {
  const out: PlanView[] = [];
  for (const plan of plans) {
    const [versions, parts, reviews, concerns] = await Promise.all([
      repo.versionsOf(db, authorityId, plan.id),
      repo.partsOfPlan(db, authorityId, plan.id),
      repo.reviewsOf(db, authorityId, plan.id),
      repo.concernsOf(db, authorityId, plan.id),
    ]);
    const orgIds = [
      ...new Set(parts.map((p) => p.organisation_id).filter((id): id is string => id !== null)),
    ];
    const orgs = await organisationsByIds(db, orgIds);
    const views = versions
      .map((v) => {
        const own = parts
          .filter((p) => p.version === v.version)
          .map((p) => ({
            ...p,
            organisationName: p.organisation_id ? (orgs.get(p.organisation_id)?.name ?? null) : null,
          }));
        return { ...v, parts: own, delivery: deliveryOf(own) };
      })
      .reverse();
    const current = views.find((v) => v.version === plan.current_version);
    if (!current) continue;
    out.push({
      plan,
      current,
      versions: views,
      reviews,
      concerns,
      review:
        plan.status === "active" && plan.next_review_on
          ? {
              on: plan.next_review_on,
              clock: (plan.next_review_clock ?? `${plan.regime}.plan`) as ClockCode,
              state: reviewState(plan.next_review_on, today),
            }
          : null,
    });
  }
  return out;
}

/**
 * A person's record: their details, needs, plans with budgets in versions, reviews and concerns, and
 * who is linked (a representative sees only their own link). Care staff, the person, and representatives with `see-plan` (404, then 403).
 */
export async function personView(ctx: Ctx, authorityId: string, personId: string): Promise<PersonView> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "see-plan");
  const person = (await repo.findPerson(ctx.db, authorityId, personId)) as CarePerson;
  const [needs, plans, links, invitations] = await Promise.all([
    repo.needsOf(ctx.db, authorityId, personId),
    repo.plansOf(ctx.db, authorityId, personId),
    repo.linksOfPerson(ctx.db, authorityId, personId),
    access.how === "care-staff"
      ? repo.openInvitationsOf(ctx.db, authorityId, personId, ctx.clock.now())
      : Promise.resolve([]),
  ]);
  // A representative sees their own link; the person and their care staff see every one.
  const seen =
    access.how === "care-staff" || access.how === "self"
      ? links
      : links.filter((l) => l.id === access.linkId);
  return {
    person,
    needs,
    plans: await planViews(ctx.db, londonToday(ctx.clock), authorityId, plans),
    links: seen,
    invitations,
    access,
  };
}

/** The person a care-staff action is about, or 404. */
async function personForStaff(
  db: Db,
  principal: Principal | null,
  authorityId: string,
  personId: string,
): Promise<{ p: Principal; person: CarePerson }> {
  const p = requireCareStaff(principal, authorityId);
  const person = isUuid(personId) ? await repo.findPerson(db, authorityId, personId) : undefined;
  if (!person || person.erased_at) throw new NotFoundError("person");
  return { p, person };
}

/** The person, for a care-staff form about them (404 for anyone else). */
export async function personToChange(ctx: Ctx, authorityId: string, personId: string): Promise<CarePerson> {
  return (await personForStaff(ctx.db, ctx.principal, authorityId, personId)).person;
}

/** The plan, for a care-staff form about it (404 for anyone else, or a plan unknown). */
export async function planToChange(
  ctx: Ctx,
  authorityId: string,
  planId: string,
): Promise<PlanBudget & { person: CarePerson }> {
  requireCareStaff(ctx.principal, authorityId);
  const budget = isUuid(planId) ? await planBudget(ctx.db, authorityId, planId) : undefined;
  if (!budget) throw new NotFoundError("plan");
  const person = (await repo.findPerson(ctx.db, authorityId, budget.plan.person_id)) as CarePerson;
  return { ...budget, person };
}

// Needs

export interface NeedInput {
  /** `<regime>:<outcome>`, one of ALL_NEED_OUTCOMES. */
  outcome: string;
  description: string;
  assessedOn: string;
}

/** Records an assessed eligible need: care staff only. */
export async function recordNeed(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  input: NeedInput,
): Promise<CareNeed> {
  const { p, person } = await personForStaff(ctx.db, ctx.principal, authorityId, personId);
  const outcome = text(input.outcome);
  const description = text(input.description);
  const assessedOn = text(input.assessedOn);
  const problems: FieldError[] = [];
  if (!ALL_NEED_OUTCOMES.includes(outcome))
    problems.push({ field: "outcome", message: msg`Choose the outcome or plan section the need is about` });
  if (description === "") problems.push({ field: "description", message: msg`Describe the need` });
  else if (description.length > 2000)
    problems.push({ field: "description", message: msg`Describe the need in 2,000 characters or fewer` });
  checkDate(problems, "assessedOn", assessedOn, {
    missing: msg`Enter the date the need was assessed`,
    wrong: msg`Enter the date of the assessment as a real date, like 27 3 2026`,
  });
  if (isIsoDate(assessedOn) && assessedOn > londonToday(ctx.clock))
    problems.push({
      field: "assessedOn",
      message: msg`Enter an assessment date that is today or in the past`,
    });
  refuse(problems, msg`Check the need`);
  return transaction(ctx.db, async (trx) => {
    const need: CareNeed = {
      authority_id: authorityId,
      id: newId(),
      person_id: person.id,
      outcome,
      description,
      assessed_on: assessedOn,
      met_on: null,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    };
    await repo.insertNeed(trx, need);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.need-recorded",
      entity: { type: "care-person", id: person.id },
      changes: { person: personalRef("care_people", person.id), need: need.id, outcome },
    });
    return need;
  });
}

// Plans and their budgets

export interface PartInput {
  delivery: string;
  /** Money as people type it: "£250.00". */
  amount: string;
  /** The organisation holding a managed account (managed-by-organisation only). */
  organisationId?: string | null;
}

export interface BudgetInput {
  amount: string;
  period: string;
  /** YYYY-MM-DD. */
  startsOn: string;
  /** An unspent balance above this is flagged for recovery; empty: no level agreed. */
  surplusLevel?: string | null;
  parts: readonly PartInput[];
}

interface CheckedBudget {
  amount: Pence;
  period: BudgetPeriod;
  startsOn: string;
  surplusLevel: Pence | null;
  parts: { delivery: Delivery; amount: Pence; organisationId: string | null }[];
}

/** Checks a budget: 400 for what is missing or malformed, 422 for parts that do not add up to the amount. */
async function checkBudget(db: Db, input: BudgetInput, problems: FieldError[]): Promise<CheckedBudget> {
  const amount = money(problems, "amount", input.amount, msg`Enter the personal budget's amount`);
  const period = text(input.period);
  if (!(BUDGET_PERIODS as readonly string[]).includes(period))
    problems.push({ field: "period", message: msg`Choose whether the amount is per week or per year` });
  const startsOn = text(input.startsOn);
  checkDate(problems, "startsOn", startsOn, {
    missing: msg`Enter the date the budget starts`,
    wrong: msg`Enter the start date as a real date, like 1 4 2026`,
  });
  let surplusLevel: Pence | null = null;
  if (text(input.surplusLevel) !== "") {
    const parsed = parseMoney(text(input.surplusLevel));
    if (!parsed.ok || parsed.value < 0n)
      problems.push({
        field: "surplusLevel",
        message: msg`Enter the surplus level in pounds, like £500, or leave it empty`,
      });
    else surplusLevel = parsed.value;
  }
  const parts: CheckedBudget["parts"] = [];
  if (input.parts.length === 0)
    problems.push({
      field: "parts",
      message: msg`Say how the budget is delivered: give the amount of at least one part`,
    });
  if (input.parts.length > 10) problems.push({ field: "parts", message: msg`A budget has at most 10 parts` });
  const orgIds = input.parts.map((p) => text(p.organisationId)).filter((id) => id !== "");
  const orgs = await organisationsByIds(
    db,
    orgIds.filter((id) => isUuid(id)),
  );
  input.parts.slice(0, 10).forEach((part, i) => {
    const delivery = text(part.delivery);
    const field = `parts.${i}`;
    if (!(DELIVERIES as readonly string[]).includes(delivery)) {
      problems.push({ field: `${field}.delivery`, message: msg`Choose how each part is delivered` });
      return;
    }
    const partAmount = money(problems, `${field}.amount`, part.amount, msg`Enter the amount of each part`);
    const organisationId = text(part.organisationId);
    if (delivery === "managed-by-organisation" && !orgs.has(organisationId))
      problems.push({
        field: `${field}.organisationId`,
        message: msg`Enter the id of the organisation that holds the managed account, from its page in the directory`,
      });
    if (delivery !== "managed-by-organisation" && organisationId !== "")
      problems.push({
        field: `${field}.organisationId`,
        message: msg`Only a part managed by an organisation names one`,
      });
    if (partAmount !== undefined)
      parts.push({
        delivery: delivery as Delivery,
        amount: partAmount,
        organisationId: delivery === "managed-by-organisation" ? organisationId : null,
      });
  });
  refuse(problems, msg`Check the personal budget`);
  const checked = {
    amount: amount as Pence,
    period: period as BudgetPeriod,
    startsOn,
    surplusLevel,
    parts,
  };
  const total = parts.reduce((sum, p) => sum + p.amount, 0n);
  if (total !== checked.amount) {
    const message = msg`The parts add up to ${formatMoney(total as Pence)}, but the budget is ${formatMoney(checked.amount)}: make them equal`;
    throw new UnprocessableError(message, [{ field: "parts", message }]);
  }
  return checked;
}

async function insertVersion(
  trx: Trx,
  ctx: Ctx,
  authorityId: string,
  planId: string,
  version: number,
  budget: CheckedBudget,
  reason: string,
  userId: string,
): Promise<void> {
  await repo.insertVersion(
    trx,
    {
      authority_id: authorityId,
      plan_id: planId,
      version,
      amount_pence: budget.amount,
      period: budget.period,
      starts_on: budget.startsOn,
      reason,
      surplus_level_pence: budget.surplusLevel,
      created_by: userId,
      created_at: ctx.clock.now(),
    },
    budget.parts.map((part, i) => ({
      authority_id: authorityId,
      plan_id: planId,
      version,
      part: i + 1,
      delivery: part.delivery,
      amount_pence: part.amount,
      organisation_id: part.organisationId,
    })),
  );
}

/** What the audit trail keeps of a budget: amounts and delivery, never the person. */
function budgetChanges(budget: CheckedBudget) {
  return {
    amountPence: budget.amount,
    period: budget.period,
    startsOn: budget.startsOn,
    surplusLevelPence: budget.surplusLevel,
    parts: budget.parts.map((p) => ({
      delivery: p.delivery,
      amountPence: p.amount,
      organisation: p.organisationId,
    })),
  };
}

/**
 * Works out a plan's next review from its versions, reviews and concerns (clocks.ts) and keeps it on
 * the plan, in the transaction of the change that moved it.
 */
async function refreshNextReview(trx: Trx, authorityId: string, planId: string): Promise<void> {
  const plan = await repo.findPlan(trx, authorityId, planId);
  if (!plan) return;
  if (plan.status === "ended") {
    await repo.updatePlan(trx, authorityId, planId, { next_review_on: null, next_review_clock: null });
    return;
  }
  const [versions, parts, reviews, concerns] = await Promise.all([
    repo.versionsOf(trx, authorityId, planId),
    repo.partsOfPlan(trx, authorityId, planId),
    repo.reviewsOf(trx, authorityId, planId),
    repo.concernsOf(trx, authorityId, planId),
  ]);
  const hasDirectPayment = (version: number) =>
    parts.some((p) => p.version === version && p.delivery === "direct-payment");
  // The start of the run of versions, up to the current one, that each have a direct payment.
  let directPaymentFrom: string | null = null;
  for (const v of versions.filter((v) => v.version <= plan.current_version)) {
    if (hasDirectPayment(v.version)) directPaymentFrom ??= v.starts_on;
    else directPaymentFrom = null;
  }
  const last = reviews[0];
  const lastReviewOn = last?.reviewed_on ?? null;
  // A concern is answered by a review on a later day, or on its day when recorded after it.
  const open = concerns.filter(
    (c) =>
      !last ||
      c.raised_on > last.reviewed_on ||
      (c.raised_on === last.reviewed_on && c.created_at > last.created_at),
  );
  const openConcernOn = open.length > 0 ? (open.map((c) => c.raised_on).sort()[0] ?? null) : null;
  const next = nextReview({
    regime: plan.regime,
    startedOn: plan.started_on,
    directPaymentFrom,
    lastReviewOn,
    openConcernOn,
  });
  await repo.updatePlan(trx, authorityId, planId, { next_review_on: next.on, next_review_clock: next.clock });
}

export interface PlanInput extends BudgetInput {
  regime: string;
}

/** Makes a plan with its personal budget (version 1): care staff only. */
export async function createPlan(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  input: PlanInput,
): Promise<CarePlan> {
  const { p, person } = await personForStaff(ctx.db, ctx.principal, authorityId, personId);
  const problems: FieldError[] = [];
  const regime = text(input.regime);
  if (!(REGIMES as readonly string[]).includes(regime))
    problems.push({ field: "regime", message: msg`Choose adult social care or special educational needs` });
  const budget = await checkBudget(ctx.db, input, problems);
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const plan: CarePlan = {
      authority_id: authorityId,
      id: newId(),
      person_id: person.id,
      regime: regime as Regime,
      status: "active",
      current_version: 1,
      started_on: budget.startsOn,
      ended_on: null,
      created_by: p.userId,
      created_at: now,
      updated_at: now,
      next_review_on: null,
      next_review_clock: null,
    };
    await repo.insertPlan(trx, plan);
    await insertVersion(trx, ctx, authorityId, plan.id, 1, budget, "The plan as agreed.", p.userId);
    await refreshNextReview(trx, authorityId, plan.id);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.plan-created",
      entity: { type: "care-plan", id: plan.id },
      changes: { person: personalRef("care_people", person.id), regime, ...budgetChanges(budget) },
    });
    await notifyAll(planChanged, trx, ctx, { kind: "created", authorityId, planId: plan.id, version: 1 });
    return (await repo.findPlan(trx, authorityId, plan.id)) as CarePlan;
  });
}

/** A plan locked for a change by care staff: 404 unknown, 409 once ended. */
async function activePlan(trx: Trx, authorityId: string, planId: string): Promise<CarePlan> {
  const plan = isUuid(planId) ? await repo.lockPlan(trx, authorityId, planId) : undefined;
  if (!plan) throw new NotFoundError("plan");
  if (plan.status === "ended")
    throw new ConflictError(msg`This plan has ended: make a new plan instead.`, "plan_ended");
  return plan;
}

/**
 * The accounts told of a change to the person's budget: the person themself and representatives
 * allowed to see the plan. Answers how many were told (none: the person must be told another way).
 */
async function tellPerson(
  trx: Trx,
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  personId: string,
  budget: CheckedBudget,
  reason: string,
): Promise<number> {
  const links = await repo.linksOfPerson(trx, authorityId, personId);
  const told = links.filter(
    (l): l is typeof l & { user_id: string } =>
      l.user_id !== null && (l.relationship === "self" || l.grants.includes("see-plan")),
  );
  for (const link of told) {
    const per = budget.period === "week" ? "a week" : "a year";
    await notify(
      trx,
      ctx.clock,
      {
        userId: link.user_id,
        authorityId,
        kind: "care.budget-changed",
        subject:
          link.relationship === "self"
            ? "Your personal budget has changed"
            : "The personal budget of someone you act for has changed",
        body: `The personal budget is now ${formatMoney(budget.amount)} ${per}, from ${budget.startsOn}. The reason given: ${reason}`.slice(
          0,
          4000,
        ),
        link: `/care/people/${personId}`,
      },
      { email: ctx.email ?? false, actor: actorIn(ctx) },
    );
  }
  return told.length;
}

export interface BudgetChangeInput extends BudgetInput {
  reason: string;
}

/**
 * A new version of a plan's budget, with its reason: care staff only (404, then 409 for an ended
 * plan). The person and their representatives allowed to see the plan are told in their inboxes;
 * `told` is how many (0: the person must be told another way).
 */
export async function changeBudget(
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  planId: string,
  input: BudgetChangeInput,
): Promise<{ version: number; told: number }> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const problems: FieldError[] = [];
  const reason = text(input.reason);
  if (reason === "")
    problems.push({ field: "reason", message: msg`Give the reason for the change: the person is told it` });
  else if (reason.length > 2000)
    problems.push({ field: "reason", message: msg`Give the reason in 2,000 characters or fewer` });
  const budget = await checkBudget(ctx.db, input, problems);
  return transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    const current = await repo.findPlanVersion(trx, authorityId, planId, plan.current_version);
    if (current && budget.startsOn < current.starts_on) {
      const message = msg`The new budget cannot start before the current one, which starts on ${current.starts_on}`;
      throw new UnprocessableError(message, [{ field: "startsOn", message }]);
    }
    const version = plan.current_version + 1;
    await insertVersion(trx, ctx, authorityId, planId, version, budget, reason, p.userId);
    await repo.updatePlan(trx, authorityId, planId, {
      current_version: version,
      updated_at: ctx.clock.now(),
    });
    await refreshNextReview(trx, authorityId, planId);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.budget-changed",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), version, ...budgetChanges(budget) },
    });
    const told = await tellPerson(trx, ctx, authorityId, plan.person_id, budget, reason);
    await notifyAll(planChanged, trx, ctx, { kind: "budget-changed", authorityId, planId, version });
    return { version, told };
  });
}

/** Ends a plan on a day, with its reason: care staff only (404, then 409 once ended). */
export async function endPlan(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { endedOn: string; reason: string },
): Promise<void> {
  requireCareStaff(ctx.principal, authorityId);
  const endedOn = text(input.endedOn);
  const reason = text(input.reason);
  const problems: FieldError[] = [];
  checkDate(problems, "endedOn", endedOn, {
    missing: msg`Enter the date the plan ends`,
    wrong: msg`Enter the end date as a real date, like 31 3 2027`,
  });
  if (reason === "") problems.push({ field: "reason", message: msg`Give the reason the plan ends` });
  else if (reason.length > 2000)
    problems.push({ field: "reason", message: msg`Give the reason in 2,000 characters or fewer` });
  refuse(problems, msg`Check the end of the plan`);
  await transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    if (endedOn < plan.started_on) {
      const message = msg`The plan cannot end before it started, on ${plan.started_on}`;
      throw new UnprocessableError(message, [{ field: "endedOn", message }]);
    }
    await repo.updatePlan(trx, authorityId, planId, {
      status: "ended",
      ended_on: endedOn,
      next_review_on: null,
      next_review_clock: null,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.plan-ended",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), endedOn, reason },
    });
    await notifyAll(planChanged, trx, ctx, {
      kind: "ended",
      authorityId,
      planId,
      version: plan.current_version,
      endedOn,
    });
  });
}

// Concerns and reviews

/** Records a concern about a plan (its direct payment, its use): a review falls due (clocks.ts). */
export async function recordConcern(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { raisedOn: string; description: string },
): Promise<CareConcern> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const raisedOn = text(input.raisedOn);
  const description = text(input.description);
  const problems: FieldError[] = [];
  checkDate(problems, "raisedOn", raisedOn, {
    missing: msg`Enter the date the concern was raised`,
    wrong: msg`Enter the date the concern was raised as a real date, like 27 3 2026`,
  });
  if (isIsoDate(raisedOn) && raisedOn > londonToday(ctx.clock))
    problems.push({ field: "raisedOn", message: msg`Enter a date that is today or in the past` });
  if (description === "") problems.push({ field: "description", message: msg`Describe the concern` });
  else if (description.length > 2000)
    problems.push({ field: "description", message: msg`Describe the concern in 2,000 characters or fewer` });
  refuse(problems, msg`Check the concern`);
  return transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    const concern: CareConcern = {
      authority_id: authorityId,
      id: newId(),
      plan_id: planId,
      raised_on: raisedOn,
      description,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    };
    await repo.insertConcern(trx, concern);
    await refreshNextReview(trx, authorityId, planId);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.concern-raised",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), concern: concern.id, raisedOn },
    });
    return concern;
  });
}

/** Records a review done (its date and outcome): the clocks start again from it. */
export async function recordReview(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { reviewedOn: string; outcome: string; notes?: string | null },
): Promise<CareReview> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const reviewedOn = text(input.reviewedOn);
  const outcome = text(input.outcome);
  const notes = text(input.notes);
  const problems: FieldError[] = [];
  checkDate(problems, "reviewedOn", reviewedOn, {
    missing: msg`Enter the date of the review`,
    wrong: msg`Enter the date of the review as a real date, like 27 3 2026`,
  });
  if (isIsoDate(reviewedOn) && reviewedOn > londonToday(ctx.clock))
    problems.push({ field: "reviewedOn", message: msg`Enter a date that is today or in the past` });
  if (!(REVIEW_OUTCOMES as readonly string[]).includes(outcome))
    problems.push({ field: "outcome", message: msg`Choose what the review found` });
  if (notes.length > 2000)
    problems.push({ field: "notes", message: msg`Write the notes in 2,000 characters or fewer` });
  refuse(problems, msg`Check the review`);
  return transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    if (reviewedOn < plan.started_on) {
      const message = msg`A review cannot be before the plan started, on ${plan.started_on}`;
      throw new UnprocessableError(message, [{ field: "reviewedOn", message }]);
    }
    const review: CareReview = {
      authority_id: authorityId,
      id: newId(),
      plan_id: planId,
      reviewed_on: reviewedOn,
      outcome: outcome as ReviewOutcome,
      notes,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    };
    await repo.insertReview(trx, review);
    await refreshNextReview(trx, authorityId, planId);
    await recordAudit(trx, ctx.clock, {
      authorityId: chainOf(authorityId),
      actor: actorIn(ctx),
      action: "care.review-recorded",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), review: review.id, reviewedOn, outcome },
    });
    return review;
  });
}

/** Active plans of these authorities whose review is due within the window or overdue (care staff's work). */
export const reviewsDue = repo.reviewsDue;
export type { ReviewDueRow } from "./care.repository.ts";
export type { CareLink };

// Read by the modules above (budgets)

/** Every version of a plan's budget with its parts, oldest first: the budget in force on each day. */
export async function planBudgetVersions(
  db: Db,
  authorityId: string,
  planId: string,
): Promise<{ version: CarePlanVersion; parts: CareBudgetPart[] }[]> {
  const [versions, parts] = await Promise.all([
    repo.versionsOf(db, authorityId, planId),
    repo.partsOfPlan(db, authorityId, planId),
  ]);
  return versions.map((version) => ({ version, parts: parts.filter((p) => p.version === version.version) }));
}

/** The budgets of several plans as they now stand, in three queries (a list's page). */
export async function planBudgets(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<Map<string, PlanBudget>> {
  const out = new Map<string, PlanBudget>();
  if (planIds.length === 0) return out;
  const { plans, versions, parts } = await repo.currentBudgetsOf(db, authorityId, planIds);
  for (const plan of plans) {
    const version = versions.find((v) => v.plan_id === plan.id && v.version === plan.current_version);
    if (!version) continue;
    const its = parts.filter((p) => p.plan_id === plan.id && p.version === plan.current_version);
    out.set(plan.id, { plan, version, parts: its, delivery: deliveryOf(its) });
  }
  return out;
}

/** The accounts of the person themself and of representatives holding `grant`: whom to tell. */
export async function accountsHolding(
  db: Db,
  authorityId: string,
  personId: string,
  grant: PersonGrant,
): Promise<{ userId: string; how: Relationship }[]> {
  const links = await repo.linksOfPerson(db, authorityId, personId);
  // A champion's link is held by the body, not an account: its people are not told here.
  return links
    .filter((l) => l.user_id !== null && (l.relationship === "self" || l.grants.includes(grant)))
    .map((l) => ({ userId: l.user_id as string, how: l.relationship }));
}

// The open figures (the market module's personal-budget figures): what each plan counts for, with
// no personal data — the area of its person, its budget's delivery and weekly value, and how each
// review it was due was met. Read an authority's plans a page at a time; the caller aggregates.

/** How a review that fell due was met: done by its day, done after it, or not done and past it now. */
export type ReviewTimeliness = "on-time" | "late" | "overdue";

export interface PlanFigures {
  planId: string;
  areaCode: string;
  /** Active (a live plan). */
  live: boolean;
  delivery: DeliveryType;
  /** The current budget a week, in pence (a yearly amount × 7 ÷ 365, rounded to the nearest). */
  weeklyPence: bigint;
  /** Each review that fell due: the day it was due, the clock that gave it, how it was met. */
  reviews: { dueOn: string; clock: ClockCode; timeliness: ReviewTimeliness }[];
}

const FIGURES_PAGE = 500;

/** A budget's amount a week, in pence: a yearly amount × 7 ÷ 365, rounded to the nearest. */
export function weeklyPenceOf(amount: bigint, period: BudgetPeriod): bigint {
  return period === "week" ? amount : (amount * 7n * 2n + 365n) / (2n * 365n);
}

/**
 * Every plan of an authority as the open figures count it, page by page (`FIGURES_PAGE` plans at a
 * time). A plan's reviews are replayed through the clocks (clocks.ts): each review done was due on
 * the day the clocks gave before it (from the versions then in force, the review before and the
 * concerns raised since), on time when done by that day; an active plan whose next review is before
 * `today` is overdue now.
 */
export async function* planFiguresOf(
  db: Db,
  authorityId: string,
  today: string,
): AsyncGenerator<PlanFigures[]> {
  let after: string | undefined;
  for (;;) {
    const plans = await repo.planFactsAfter(db, authorityId, after, FIGURES_PAGE);
    if (plans.length === 0) return;
    after = plans[plans.length - 1]?.id;
    const ids = plans.map((p) => p.id);
    const [versions, parts, reviews, concerns] = [
      await repo.versionsOfPlans(db, authorityId, ids),
      await repo.partsOfPlans(db, authorityId, ids),
      await repo.reviewsOfPlans(db, authorityId, ids),
      await repo.concernsOfPlans(db, authorityId, ids),
    ];
    const of = <T extends { plan_id: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const row of rows) map.set(row.plan_id, [...(map.get(row.plan_id) ?? []), row]);
      return map;
    };
    const [versionsBy, partsBy, reviewsBy, concernsBy] = [of(versions), of(parts), of(reviews), of(concerns)];
    yield plans.map((plan) => {
      const planVersions = versionsBy.get(plan.id) ?? [];
      const planParts = partsBy.get(plan.id) ?? [];
      const current = planVersions.find((v) => v.version === plan.current_version);
      const hasDirectPayment = (version: number) =>
        planParts.some((p) => p.version === version && p.delivery === "direct-payment");
      const outcomes: PlanFigures["reviews"] = [];
      let last: { reviewed_on: string; created_at: Date } | null = null;
      for (const review of reviewsBy.get(plan.id) ?? []) {
        let directPaymentFrom: string | null = null;
        for (const v of planVersions.filter((v) => v.starts_on <= review.reviewed_on)) {
          if (hasDirectPayment(v.version)) directPaymentFrom ??= v.starts_on;
          else directPaymentFrom = null;
        }
        const since = last;
        const open = (concernsBy.get(plan.id) ?? []).filter(
          (c) =>
            c.raised_on <= review.reviewed_on &&
            (!since ||
              c.raised_on > since.reviewed_on ||
              (c.raised_on === since.reviewed_on && c.created_at > since.created_at)),
        );
        const due = nextReview({
          regime: plan.regime,
          startedOn: plan.started_on,
          directPaymentFrom,
          lastReviewOn: since?.reviewed_on ?? null,
          openConcernOn: open.map((c) => c.raised_on).sort()[0] ?? null,
        });
        outcomes.push({
          dueOn: due.on,
          clock: due.clock,
          timeliness: review.reviewed_on <= due.on ? "on-time" : "late",
        });
        last = review;
      }
      if (plan.status === "active" && plan.next_review_on && plan.next_review_on < today)
        outcomes.push({
          dueOn: plan.next_review_on,
          clock: (plan.next_review_clock ?? `${plan.regime}.plan`) as ClockCode,
          timeliness: "overdue",
        });
      return {
        planId: plan.id,
        areaCode: plan.area_code,
        live: plan.status === "active",
        delivery: deliveryOf(planParts.filter((p) => p.version === plan.current_version)),
        weeklyPence: current ? weeklyPenceOf(current.amount_pence, current.period) : 0n,
        reviews: outcomes,
      };
    });
  }
}
