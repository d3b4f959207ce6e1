/**
 * The people an authority supports: recording them, the list of them, and a person's whole record
 * as their page shows it.
 */
import type { Db } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import { type FieldError, NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { findArea } from "../vocabularies/vocabularies.service.ts";
import {
  type PersonAccess,
  personForStaff,
  requireCareStaff,
  requirePersonAccess,
  visibleLinks,
} from "./access.service.ts";
import * as repo from "./care.repository.ts";
import type {
  CareBudgetPart,
  CareConcern,
  CareInvitation,
  CareNeed,
  CarePerson,
  CarePlan,
  CarePlanVersion,
  CareReview,
} from "./care.table.ts";
import { PERSON_CHANGE_REASONS, type PersonChangeReason } from "./care.table.ts";
import { checkDate, EMAIL, refuse, text } from "./checks.ts";
import { type ClockCode, type ReviewState, reviewState } from "./clocks.ts";
import { type DeliveryType, deliveryOf } from "./plans.service.ts";

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

/** A person's details as checked: what is stored. */
interface CheckedPerson {
  fullName: string;
  dateOfBirth: string;
  email: string | null;
  phone: string | null;
  address: string;
  areaCode: string;
}

/** Checks a person's details (400 naming each field to fix), into what is stored. */
async function checkPerson(ctx: Ctx, input: PersonInput, problems: FieldError[]): Promise<CheckedPerson> {
  const fullName = text(input.fullName);
  const dateOfBirth = text(input.dateOfBirth);
  const email = text(input.email);
  const phone = text(input.phone);
  const address = text(input.address);
  const areaCode = text(input.areaCode);
  const today = londonToday(ctx.clock);
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
  return { fullName, dateOfBirth, email: email || null, phone: phone || null, address, areaCode };
}

/** Records a person the authority supports: its care staff only. Only what is needed is kept. */
export async function recordPerson(ctx: Ctx, authorityId: string, input: PersonInput): Promise<CarePerson> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const problems: FieldError[] = [];
  const checked = await checkPerson(ctx, input, problems);
  refuse(problems, msg`Check the person's details`);
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const person: CarePerson = {
      authority_id: authorityId,
      id: newId(),
      full_name: checked.fullName,
      date_of_birth: checked.dateOfBirth,
      email: checked.email,
      phone: checked.phone,
      address: checked.address,
      area_code: checked.areaCode,
      created_by: p.userId,
      created_at: now,
      updated_at: now,
      erased_at: null,
    };
    await repo.insertPerson(trx, person);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.person-recorded",
      entity: { type: "care-person", id: person.id },
      changes: { person: personalRef("care_people", person.id), area: checked.areaCode },
    });
    return person;
  });
}

/** The details a person's record holds, by the form's field names (what a change names). */
const PERSON_FIELDS = {
  fullName: "full_name",
  dateOfBirth: "date_of_birth",
  email: "email",
  phone: "phone",
  address: "address",
  areaCode: "area_code",
} as const satisfies Record<keyof CheckedPerson, keyof CarePerson>;

export interface PersonChangeInput extends PersonInput {
  /** One of PERSON_CHANGE_REASONS. */
  reason: string;
}

/**
 * Changes a person's details (name, date of birth, contact, area), with the reason: care staff
 * only (404 for anyone else), 400 for a field to fix, 422 when nothing would change. The audit event
 * names the fields changed and the reason's code, never the values (the area's code excepted, as
 * when the person was recorded). The person, when their own account is linked, is told in their
 * inbox which details changed (`told`: 0 — tell them another way).
 */
export async function changePerson(
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  personId: string,
  input: PersonChangeInput,
): Promise<{ changed: (keyof CheckedPerson)[]; told: number }> {
  await personForStaff(ctx.db, ctx.principal, authorityId, personId);
  const problems: FieldError[] = [];
  const checked = await checkPerson(ctx, input, problems);
  const reason = text(input.reason);
  if (!(PERSON_CHANGE_REASONS as readonly string[]).includes(reason))
    problems.push({ field: "reason", message: msg`Choose why the details are changing` });
  refuse(problems, msg`Check the person's details`);
  return transaction(ctx.db, async (trx) => {
    const person = await repo.lockPerson(trx, authorityId, personId);
    if (!person || person.erased_at) throw new NotFoundError("person");
    const changed = (Object.keys(PERSON_FIELDS) as (keyof CheckedPerson)[]).filter(
      (f) => (person[PERSON_FIELDS[f]] ?? null) !== (checked[f] ?? null),
    );
    if (changed.length === 0) {
      const message = msg`Nothing has changed: change a detail, or go back to the person's page`;
      throw new UnprocessableError(message, [{ field: "fullName", message }]);
    }
    await repo.updatePerson(trx, authorityId, personId, {
      full_name: checked.fullName,
      date_of_birth: checked.dateOfBirth,
      email: checked.email,
      phone: checked.phone,
      address: checked.address,
      area_code: checked.areaCode,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.person-changed",
      entity: { type: "care-person", id: personId },
      changes: {
        person: personalRef("care_people", personId),
        fields: changed,
        reason,
        ...(changed.includes("areaCode") ? { area: checked.areaCode } : {}),
      },
    });
    // The person themself is told (their representatives' own details are not what changed).
    const own = (await repo.linksOfPerson(trx, authorityId, personId)).filter(
      (l): l is typeof l & { user_id: string } => l.relationship === "self" && l.user_id !== null,
    );
    for (const link of own)
      await notify(
        trx,
        ctx.clock,
        {
          userId: link.user_id,
          authorityId,
          kind: "care.details-changed",
          subject: "Your details held by your care team have changed",
          body: `Your care team changed these details they hold about you: ${changed
            .map((f) => FIELD_NAMES[f])
            .join(
              ", ",
            )}. The reason: ${REASON_TEXTS[reason as PersonChangeReason]} If something is wrong, tell your care team.`,
          link: `/care/people/${personId}`,
        },
        { email: ctx.email ?? false, actor: actorIn(ctx) },
      );
    return { changed, told: own.length };
  });
}

/** How a notice names a detail and a reason (notices are written in English, as every other). */
const FIELD_NAMES: Record<keyof CheckedPerson, string> = {
  fullName: "name",
  dateOfBirth: "date of birth",
  email: "email address",
  phone: "phone number",
  address: "address",
  areaCode: "area",
};
const REASON_TEXTS: Record<PersonChangeReason, string> = {
  correction: "a mistake was corrected.",
  changed: "your details have changed.",
  "person-asked": "you asked for the change.",
};

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

/** The person as the viewer may see them: date of birth and contact details null unless `sees.details`. */
export type ShownPerson = Omit<CarePerson, "date_of_birth" | "email" | "phone" | "address"> & {
  date_of_birth: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
};

export interface PersonView {
  person: ShownPerson;
  /** The needs: empty unless `sees.needs`. */
  needs: CareNeed[];
  /** The plans with their budgets: empty unless `sees.plan`. */
  plans: PlanView[];
  /** Every plan's id, current first, whatever the viewer may see of them (the panels' plans). */
  planIds: string[];
  /** The sections the viewer's grants allow. */
  sees: { details: boolean; plan: boolean; needs: boolean };
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
 * who is linked (a representative sees only their own link). Care staff, the person, and
 * representatives holding any grant (404, then 403 for a link with none); each section only as the
 * viewer's grants allow (`sees`): the date of birth and contact details with `see-plan` or
 * `arrange-services` (otherwise the name and area only: null here); the plans, their budgets,
 * reviews and concerns with `see-plan`; the needs with `see-plan` or `arrange-services` (what a
 * service is arranged for). `planIds` names every
 * plan, for the sections of the modules above (which decide from the viewer's grants what they show).
 */
export async function personView(ctx: Ctx, authorityId: string, personId: string): Promise<PersonView> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "any");
  const plan = access.how === "care-staff" || access.grants.includes("see-plan");
  const arranges = access.grants.includes("arrange-services");
  const sees = {
    details: access.how === "care-staff" || access.how === "self" || plan || arranges,
    plan,
    needs: plan || arranges,
  };
  const found = (await repo.findPerson(ctx.db, authorityId, personId)) as CarePerson;
  const person: ShownPerson = sees.details
    ? found
    : { ...found, date_of_birth: null, email: null, phone: null, address: null };
  const [needs, plans, links, invitations] = await Promise.all([
    sees.needs ? repo.needsOf(ctx.db, authorityId, personId) : Promise.resolve([]),
    repo.plansOf(ctx.db, authorityId, personId),
    repo.linksOfPerson(ctx.db, authorityId, personId),
    access.how === "care-staff"
      ? repo.openInvitationsOf(ctx.db, authorityId, personId, ctx.clock.now())
      : Promise.resolve([]),
  ]);
  return {
    person,
    needs,
    plans: sees.plan ? await planViews(ctx.db, londonToday(ctx.clock), authorityId, plans) : [],
    planIds: plans.map((p) => p.id),
    sees,
    links: visibleLinks(access, links),
    invitations,
    access,
  };
}

/** The person, for a care-staff form about them (404 for anyone else). */
export async function personToChange(ctx: Ctx, authorityId: string, personId: string): Promise<CarePerson> {
  return (await personForStaff(ctx.db, ctx.principal, authorityId, personId)).person;
}
