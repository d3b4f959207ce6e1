/**
 * Complaints, the first tier (issue 18, items 1–3; docs/redress.md): made signed in — for oneself,
 * for a person one acts for in care with the `complain` grant, or as a member of the public — or
 * without an account (confirmed by an emailed link), about a provider or an authority, under one of
 * the four regimes (regimes.ts); routed to the body that answers first, on the regime's clocks
 * (clocks.ts) and the answering body's nation calendar. Each step is one transaction, locking the
 * complaint before reading it, with an audit event on the responsible authority's chain (referring
 * to the complaint by id: no personal data) and a notice to the complainant; the body's people are
 * told when a complaint waits on them.
 *
 * Who sees a complaint: its complainant's side — the account that made it for itself or as a member
 * of the public; for a person, whoever acts for the person with `complain` now (the one who made it
 * too, only while they do); without an account, whoever holds its link — and the answering body's
 * people: a provider's administrators and members, or an authority's complaints officers. Anyone
 * else signed in (another provider, another authority's people, a platform administrator) gets 404.
 */
import { randomBytes } from "node:crypto";
import type { Db, Trx } from "../../db/database.ts";
import { decodeTimeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
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
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { type AccountSecrets, sha256 } from "../../lib/secrets.ts";
import type { Nation } from "../../lib/working-days.ts";
import {
  authorityRoleHolders,
  organisationPeople,
  type Principal,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import {
  type AccountsCtx,
  claimAttempt,
  EMAIL_LIMIT,
  emailKeys,
  emailProblems,
  normaliseEmail,
  userById,
} from "../accounts/accounts.service.ts";
// Not through accounts.service.ts: rate-limits.ts reads its constants at load, so a re-export there would
// be a cycle that fails when accounts.service.ts loads first (finding 22, left to the accounts module).
import { recordAudit, SYSTEM } from "../audit/audit.service.ts";
import {
  AUTHORITY_KINDS,
  type Authority,
  authorityById,
  findPublicBody,
  verifiedAuthoritiesOfKinds,
} from "../authorities/authorities.service.ts";
import {
  authorityOfLinkedPerson,
  championsOf,
  peopleActedFor,
  personView,
  requirePersonAccess,
} from "../care/care.service.ts";
import { whomToTell } from "../care/linked-accounts.service.ts";
import { arrangementsOfPerson } from "../choice/arrangements.service.ts";
import { authoritiesContracting, contractsHeldBy } from "../contracts/contracts.service.ts";
import { enqueue, enqueueTomorrow } from "../jobs/jobs.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { findTender, tendersOfInterest } from "../tenders/tenders.service.ts";
import { SERVICE_CATEGORIES } from "../vocabularies/service-categories.ts";
import {
  type BodyKind,
  type EscalationReadiness,
  escalationReadiness,
  extensionRefusal,
  isInTime,
  type OmbudsmanRoute,
  ombudsmanRoute,
  type StepState,
  spanEnds,
  stepDueOn,
  stepState,
  timeLimitEnds,
} from "./clocks.ts";
import type { ComplaintRow } from "./redress.repository.ts";
import * as repo from "./redress.repository.ts";
import {
  type ActingAs,
  type ComplaintExtension,
  type ComplaintStage,
  FINDINGS,
  type Finding,
  type NewComplaint,
} from "./redress.table.ts";
import {
  type Bilingual,
  isRegimeCode,
  lastStage,
  PERSON_REGIME_CODES,
  type RegimeRule,
  regimeOf,
  type StepCode,
  type StepRule,
  stageOf,
  stepOf,
} from "./regimes.ts";

export type { ComplaintRow } from "./redress.repository.ts";

export const COMPLAINT_LIMITS = {
  whatHappened: 10000,
  outcomeWanted: 5000,
  phone: 40,
  reason: 5000,
  response: 20000,
  remedy: 5000,
} as const;

/**
 * The outcome wanted and the phone number, as a complaint and an appeal to the adjudicator both ask
 * them: trimmed, each problem added to `problems` on its field.
 */
export function checkOutcomeAndPhone(
  draft: { outcomeWanted?: string; phone?: string },
  problems: FieldError[],
): { outcomeWanted: string; phone: string } {
  const outcomeWanted = (draft.outcomeWanted ?? "").trim();
  if (outcomeWanted === "" || outcomeWanted.length > COMPLAINT_LIMITS.outcomeWanted)
    problems.push({
      field: "outcomeWanted",
      message: msg`Say what outcome you want, in ${COMPLAINT_LIMITS.outcomeWanted} characters or fewer`,
    });
  const phone = (draft.phone ?? "").trim();
  if (phone.length > COMPLAINT_LIMITS.phone)
    problems.push({
      field: "phone",
      message: msg`Enter a phone number of ${COMPLAINT_LIMITS.phone} characters or fewer`,
    });
  return { outcomeWanted, phone };
}

/** An authority's people who answer its complaints. */
export const COMPLAINTS_OFFICER = "complaints-officer" as const;
/** A provider's people who answer its complaints. */
export const PROVIDER_ROLES = ["organisation-admin", "organisation-member"] as const;
/** The kinds of authority a complainant may name as the one for the area where the service was received. */
export const AREA_AUTHORITY_KINDS = [
  "county",
  "district",
  "unitary",
  "metropolitan",
  "london-borough",
  "nhs-body",
] as const;
const NOT_COMPLAINED_ABOUT = ["regulator", "ombudsman", "consumer-champion"];

/**
 * The public bodies a complaint form offers to complain about: every kind but those above and
 * parish councils (thousands of them, outside the three ombudsmen's remits: a search would be
 * needed to offer them; docs/redress.md).
 */
const BODY_CHOICE_KINDS = AUTHORITY_KINDS.filter((k) => !NOT_COMPLAINED_ABOUT.includes(k) && k !== "parish");

/** The verified bodies a complaint form offers: councils and NHS bodies for the area, and the bodies complained about. */
async function authorityChoices(db: Db) {
  const rows = await verifiedAuthoritiesOfKinds(db, BODY_CHOICE_KINDS);
  return {
    areaAuthorities: rows.filter((a) => (AREA_AUTHORITY_KINDS as readonly string[]).includes(a.kind)),
    bodies: rows,
  };
}

export const BODY_PAGE_SIZE = 25;
export const YOUR_ROWS = 50;

// Who may see a complaint

/**
 * How the caller stands to a complaint: its complainant's side, the answering body's people, or a
 * reader — a member (not an administrator) of an organisation complaining about commissioning, who
 * follows the complaint but acts for nothing (only administrators complain for an organisation).
 */
export type Side = "complainant" | "body" | "reader";

function holds(
  principal: Principal | null,
  roles: readonly string[],
  scopeType: string,
  scopeId: string,
): boolean {
  return (
    principal?.grants.some(
      (g) => roles.includes(g.role) && g.scopeType === scopeType && g.scopeId === scopeId,
    ) ?? false
  );
}

/** Whether the caller is one of the answering body's people (exact grants: no platform reach). */
export function isAnswerer(
  principal: Principal | null,
  c: Pick<ComplaintRow, "answerer" | "authority_id" | "organisation_id">,
): boolean {
  return c.answerer === "provider"
    ? c.organisation_id !== null && holds(principal, PROVIDER_ROLES, "organisation", c.organisation_id)
    : holds(principal, [COMPLAINTS_OFFICER], "authority", c.authority_id);
}

/**
 * How the caller stands to a complaint. The complainant's side first (a complainant who is also one of
 * the body's people acts as the complainant, never as the body: finding 5). A complaint for a person
 * is theirs only while they act for the person with `complain` (care's `requirePersonAccess`): the
 * one who made it loses it with the grant, as anyone else does.
 */
async function sideOf(ctx: Ctx, c: ComplaintRow): Promise<Side | null> {
  const p = ctx.principal;
  if (!p) return null;
  if (c.acting_as === "organisation") {
    // About commissioning: the complaining organisation's administrators act for it (they alone may
    // make it: requireOrganisationAdmin); its members read it, while they are.
    const org = c.complainant_organisation_id;
    if (org && holds(p, ["organisation-admin"], "organisation", org)) return "complainant";
    if (org && holds(p, PROVIDER_ROLES, "organisation", org) && !isAnswerer(p, c)) return "reader";
  } else if (c.acting_as === "person") {
    if (c.person_authority_id && c.person_id && (await actsFor(ctx, c.person_authority_id, c.person_id)))
      return "complainant";
  } else if (c.complainant_id === p.userId) return "complainant";
  if (isAnswerer(p, c)) return "body";
  return null;
}

/** Whether the caller acts for the person with `complain` (the person themself, or a representative; not care staff). */
async function actsFor(ctx: Ctx, authorityId: string, personId: string): Promise<boolean> {
  try {
    const access = await requirePersonAccess(ctx, authorityId, personId, "complain");
    return access.how !== "care-staff";
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof ForbiddenError) return false;
    throw e;
  }
}

/** The care records the caller may complain for (`complain`): whose complaints they see. */
async function peopleComplainedFor(ctx: Ctx): Promise<{ authorityId: string; personId: string }[]> {
  return (await peopleActedFor(ctx))
    .filter((x) => x.grants.includes("complain"))
    .map((x) => ({ authorityId: x.authorityId, personId: x.personId }));
}

/** The organisations whose complaints about commissioning the caller follows (its administrators and members). */
function complainingOrganisations(p: Principal): string[] {
  return p.grants
    .filter((g) => g.scopeType === "organisation" && (PROVIDER_ROLES as readonly string[]).includes(g.role))
    .map((g) => g.scopeId);
}

// The clocks of a complaint, as its pages show them

export interface StepView {
  step: StepCode;
  /** null: not yet known (counts from an acknowledgement still to come). */
  dueOn: string | null;
  firstDueOn: string | null;
  doneOn: string | null;
  /** not-needed: a step left undone because the body declined a late complaint. */
  state: StepState | "not-started" | "not-needed";
  source: Bilingual;
}

export interface StageView extends ComplaintStage {
  name: Bilingual;
  steps: StepView[];
  differentPerson: boolean;
  /** Every extension of the stage's answer, in order, each with its reason (finding 9). */
  extensions: ComplaintExtension[];
  /** The answer's period is one "as may be agreed" with the complainant (NHS and adult social care). */
  byAgreement: boolean;
}

export interface ComplaintView extends ComplaintRow {
  regimeRule: RegimeRule;
  stages: StageView[];
  current: StageView;
  lastStage: number;
  /** The day by which the next stage may be asked for (null: no limit, or none to ask for). */
  nextStageBy: string | null;
  mayAskNextStage: boolean;
  mayAccept: boolean;
  /** At the last stage: the ombudsman who would be next, and whether the body has had its chance. */
  ombudsman: { route: OmbudsmanRoute; readiness: EscalationReadiness | { code: "declined" } } | null;
  side: Side;
  /**
   * Whether the page shows the complainant's name, email and phone: to the body, and to the
   * complainant themself — not to another who acts for the same person (finding 2).
   */
  showContact: boolean;
  /** Who answers it (`answererName`), and its page (`complaintPath`): written once, here. */
  answererName: string;
  /** Commissioning: its service area's name (a message: pages translate it), or null. */
  serviceAreaName: string | null;
  path: string;
}

function answerRuleOf(regime: RegimeRule, stage: number): StepRule {
  const s = stageOf(regime, stage);
  const rule = stepOf(s, "respond") ?? stepOf(s, "panel");
  if (!rule) throw new RangeError(`${regime.code} stage ${stage} has no answer step`);
  return rule;
}

function stageView(
  regime: RegimeRule,
  s: ComplaintStage,
  today: string,
  extensions: readonly ComplaintExtension[],
): StageView {
  const rule = stageOf(regime, s.stage);
  const steps: StepView[] = [];
  const ack = stepOf(rule, "acknowledge");
  if (ack && s.ack_due_on)
    steps.push({
      step: "acknowledge",
      dueOn: s.ack_due_on,
      firstDueOn: s.ack_due_on,
      doneOn: s.acknowledged_on,
      state: stepState(ack, { dueOn: s.ack_due_on, doneOn: s.acknowledged_on, today }),
      source: ack.source,
    });
  const answer = answerRuleOf(regime, s.stage);
  steps.push({
    step: answer.step,
    dueOn: s.answer_due_on,
    firstDueOn: s.answer_first_due_on,
    doneOn: s.responded_on,
    state: s.answer_due_on
      ? stepState(answer, { dueOn: s.answer_due_on, doneOn: s.responded_on, today })
      : "not-started",
    source: answer.source,
  });
  return {
    ...s,
    name: rule.name,
    steps,
    differentPerson: rule.differentPerson === true,
    extensions: extensions.filter((e) => e.stage === s.stage),
    byAgreement: answer.extension !== null && "byAgreement" in answer.extension,
  };
}

function viewOf(
  c: ComplaintRow,
  stages: ComplaintStage[],
  side: Side,
  today: string,
  extensions: readonly ComplaintExtension[] = [],
): ComplaintView {
  const regime = regimeOf(c.regime);
  const views = stages.map((s) => stageView(regime, s, today, extensions));
  // A late complaint declined: what the body did not do is not needed, never overdue (finding 16).
  if (c.status === "declined")
    for (const v of views) for (const step of v.steps) if (step.doneOn === null) step.state = "not-needed";
  const current = views.find((s) => s.stage === c.stage) ?? views[views.length - 1];
  if (!current) throw new RangeError(`Complaint ${c.id} has no stage`);
  const last = lastStage(regime);
  let nextStageBy: string | null = null;
  const answered = c.status === "answered" && current.responded_on !== null;
  if (answered && c.stage < last) {
    const ask = stageOf(regime, c.stage + 1).askWithin;
    nextStageBy = ask && current.responded_on ? spanEnds(ask, current.responded_on, c.nation) : null;
  }
  const mayAskNextStage =
    side === "complainant" && answered && c.stage < last && (nextStageBy === null || today <= nextStageBy);
  let ombudsman: ComplaintView["ombudsman"] = null;
  if (c.status === "declined")
    // The body will not consider it: the ombudsman may look at that decision now, at any stage.
    ombudsman = {
      route: ombudsmanRoute(c.regime, c.body_kind, { mpReferral: false, serviceArea: c.service_area }),
      readiness: { code: "declined" },
    };
  else if (c.stage === last) {
    const dueOn = current.answer_due_on ?? current.ack_due_on ?? current.received_on;
    ombudsman = {
      route: ombudsmanRoute(c.regime, c.body_kind, { mpReferral: false, serviceArea: c.service_area }),
      readiness: escalationReadiness(
        regime,
        { stage: c.stage, answered: current.responded_on !== null, dueOn },
        today,
      ),
    };
  }
  return {
    ...c,
    regimeRule: regime,
    stages: views,
    current,
    lastStage: last,
    nextStageBy,
    mayAskNextStage,
    mayAccept: side === "complainant" && answered,
    ombudsman,
    side,
    showContact: side === "body",
    answererName: answererName(c),
    serviceAreaName: SERVICE_CATEGORIES.find((a) => a.code === c.service_area)?.name ?? null,
    path: complaintPath(c),
  };
}

/** A complaint as the caller may see it (404 for everyone but its complainant's side and the answering body's people). */
export async function complaintOf(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
): Promise<ComplaintView> {
  requireSignedIn(ctx.principal);
  const c =
    isUuid(authorityId) && isUuid(complaintId)
      ? await repo.findComplaint(ctx.db, authorityId, complaintId)
      : undefined;
  // Made without an account and not yet sent: only its link opens it.
  if (!c || c.status === "unverified") throw new NotFoundError("complaint");
  const side = await sideOf(ctx, c);
  if (!side) throw new NotFoundError("complaint");
  const view = await fullView(ctx, c, side);
  view.showContact ||= c.complainant_id !== null && c.complainant_id === ctx.principal?.userId;
  return view;
}

/** A complaint's view with its stages and every extension. */
async function fullView(ctx: Ctx, c: ComplaintRow, side: Side): Promise<ComplaintView> {
  const [stages, extensions] = await Promise.all([
    repo.stagesOf(ctx.db, c.authority_id, c.id),
    repo.extensionsOf(ctx.db, c.authority_id, c.id),
  ]);
  return viewOf(c, stages, side, londonToday(ctx.clock), extensions);
}

// Making a complaint

export interface ComplaintDraft {
  about?: string | undefined;
  organisationId?: string | undefined;
  /** The authority complained about (about: authority), or the council or NHS body for the area (about: organisation). */
  authorityId?: string | undefined;
  preferCommissioner?: boolean | undefined;
  regime?: string | undefined;
  actingAs?: string | undefined;
  personId?: string | undefined;
  whatHappened?: string | undefined;
  happenedOn?: string | undefined;
  knewOn?: string | undefined;
  outcomeWanted?: string | undefined;
  phone?: string | undefined;
  consent?: boolean | undefined;
}

/**
 * A complaint's reference: 12 characters of 32 (60 random bits; 256 is a multiple of 32, so no
 * character is likelier than another) — at national scale a collision under the unique index is
 * about one in a million after a million complaints (finding 18).
 */
export function reference(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(12);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `C-${out}`;
}

/**
 * The kind of body complained about, as the ombudsman's route knows it. Police, fire, parish,
 * devolved and combined authorities are none of the three ombudsmen's (finding 14): the route says
 * so ("no-ombudsman") rather than naming the LGSCO.
 */
export function bodyKindOf(
  about: "organisation" | "authority",
  regime: string,
  authority: Authority,
): BodyKind {
  if (about === "authority") {
    const kinds: Partial<Record<Authority["kind"], BodyKind>> = {
      "nhs-body": "nhs-body",
      department: "government-department",
      police: "police",
      fire: "fire",
      parish: "parish",
      devolved: "devolved",
      combined: "combined-authority",
    };
    return kinds[authority.kind] ?? "council";
  }
  if (regime === "housing") return "social-landlord";
  if (regime === "nhs-adult-social-care") return "care-provider";
  return "other-provider";
}

/** The first stage's row: its steps' deadlines from the day it was received, on the nation's calendar. */
function newStage(
  regime: RegimeRule,
  c: { authority_id: string; id: string; nation: Nation },
  stage: number,
  receivedOn: string,
  now: Date,
) {
  const rule = stageOf(regime, stage);
  const ack = stepOf(rule, "acknowledge");
  const answer = answerRuleOf(regime, stage);
  const ackDue = ack ? stepDueOn(ack, receivedOn, c.nation) : null;
  const answerDue = answer.from === "received" ? stepDueOn(answer, receivedOn, c.nation) : null;
  return {
    row: {
      authority_id: c.authority_id,
      complaint_id: c.id,
      stage,
      received_on: receivedOn,
      ack_due_on: ackDue,
      acknowledged_on: null,
      acknowledged_by: null,
      answer_step: answer.step === "panel" ? ("panel" as const) : ("respond" as const),
      answer_first_due_on: answerDue,
      answer_due_on: answerDue,
      extension_reason: "",
      explanation: "",
      response: "",
      remedy: "",
      created_at: now,
    },
    nextDueOn: ackDue ?? answerDue,
  };
}

/** A complaint's fields, checked (400 naming each field). */
async function checkDraft<T>(
  ctx: Ctx,
  draft: ComplaintDraft,
  allowed: readonly ActingAs[],
  extra: (problems: FieldError[]) => T,
) {
  const problems: FieldError[] = [];
  const about: "organisation" | "authority" | null =
    draft.about === "organisation" || draft.about === "authority" ? draft.about : null;
  if (!about)
    problems.push({
      field: "about",
      message: msg`Choose whether you complain about a provider or a public body`,
    });
  // Commissioning only for an organisation, through its own form (`makeCommissioningComplaint`).
  const regime =
    isRegimeCode(draft.regime) &&
    ((PERSON_REGIME_CODES as readonly string[]).includes(draft.regime) || allowed.includes("organisation"))
      ? draft.regime
      : null;
  if (!regime)
    problems.push({ field: "regime", message: msg`Choose the kind of service the complaint is about` });
  const actingAs: ActingAs | null = (allowed as readonly string[]).includes(draft.actingAs ?? "")
    ? (draft.actingAs as ActingAs)
    : null;
  if (!actingAs) problems.push({ field: "actingAs", message: msg`Choose who the complaint is for` });
  const personId = (draft.personId ?? "").trim();
  if (actingAs === "person" && !isUuid(personId))
    problems.push({ field: "personId", message: msg`Choose the person you complain for` });
  const organisationId = (draft.organisationId ?? "").trim();
  const organisation =
    about === "organisation" && isUuid(organisationId)
      ? (await organisationsByIds(ctx.db, [organisationId])).get(organisationId)
      : undefined;
  if (about === "organisation" && !organisation)
    problems.push({ field: "organisationId", message: msg`Choose the provider from the list` });
  const authorityId = (draft.authorityId ?? "").trim();
  const authority: Authority | undefined = isUuid(authorityId)
    ? await findPublicBody(ctx.db, authorityId)
    : undefined;
  const authorityFits =
    authority?.verified_at &&
    (about === "organisation"
      ? (AREA_AUTHORITY_KINDS as readonly string[]).includes(authority.kind)
      : !NOT_COMPLAINED_ABOUT.includes(authority.kind));
  if (!authorityFits)
    problems.push({
      field: "authorityId",
      message:
        about === "organisation"
          ? msg`Choose the council or NHS body for the area where you received the service`
          : msg`Choose the public body from the list`,
    });
  const whatHappened = (draft.whatHappened ?? "").trim();
  if (whatHappened === "" || whatHappened.length > COMPLAINT_LIMITS.whatHappened)
    problems.push({
      field: "whatHappened",
      message: msg`Say what happened, in ${COMPLAINT_LIMITS.whatHappened} characters or fewer`,
    });
  const today = londonToday(ctx.clock);
  const happenedOn = (draft.happenedOn ?? "").trim();
  if (!isIsoDate(happenedOn) || happenedOn > today)
    problems.push({ field: "happenedOn", message: msg`Enter the day it happened, on or before today` });
  const knewOn = (draft.knewOn ?? "").trim() || null;
  if (
    knewOn !== null &&
    (!isIsoDate(knewOn) || knewOn > today || (isIsoDate(happenedOn) && knewOn < happenedOn))
  )
    problems.push({
      field: "knewOn",
      message: msg`Enter the day you knew of it, between the day it happened and today`,
    });
  const { outcomeWanted, phone } = checkOutcomeAndPhone(draft, problems);
  if (draft.consent !== true)
    problems.push({
      field: "consent",
      message: msg`Agree to share your complaint with the body that answers it: it cannot answer without it`,
    });
  const more = extra(problems);
  if (problems.length > 0 || !about || !regime || !actingAs || !authority)
    throw new ValidationError(msg`Check your complaint`, problems);
  return {
    about,
    regime,
    actingAs,
    personId,
    organisation,
    authority,
    whatHappened,
    happenedOn,
    knewOn,
    outcomeWanted,
    phone,
    today,
    more,
  };
}

type Checked<T> = Awaited<ReturnType<typeof checkDraft<T>>>;

/**
 * Routing: the responsible authority, and who answers first. `selves` are the care records whose
 * arrangements say who commissions the service (the person complained for, or the complainant's own).
 */
async function routeComplaint<T>(
  trx: Trx,
  c: Checked<T>,
  selves: readonly { authorityId: string; personId: string }[],
  preferCommissioner: boolean,
) {
  let responsible = c.authority;
  let responsibleAs: "complained-about" | "commissioner" | "area" = "complained-about";
  let answerer: "provider" | "authority" = "authority";
  let noCommissionerFound = false;
  const organisation = c.organisation;
  if (c.about === "organisation" && organisation) {
    let commissioner: string | null = null;
    for (const p of selves) {
      const arranged = await arrangementsOfPerson(trx, p.authorityId, p.personId, c.today);
      if (
        !commissioner &&
        arranged.some((a) => a.organisation_id === organisation.id && a.status === "accepted")
      )
        commissioner = p.authorityId;
    }
    if (!commissioner && (await authoritiesContracting(trx, organisation.id)).includes(c.authority.id))
      commissioner = c.authority.id;
    if (commissioner) {
      responsible = commissioner === c.authority.id ? c.authority : await authorityById(trx, commissioner);
      responsibleAs = "commissioner";
    } else responsibleAs = "area";
    answerer = preferCommissioner && commissioner ? "authority" : "provider";
    noCommissionerFound = preferCommissioner && !commissioner;
  }
  return { responsible, responsibleAs, answerer, noCommissionerFound };
}

/** What a complaint holds once received: its time limit on the day received, its first stage. */
function received(
  regime: RegimeRule,
  c: { authority_id: string; id: string; nation: Nation; happened_on: string; knew_on: string | null },
  today: string,
  now: Date,
) {
  const facts = { happenedOn: c.happened_on, knewOn: c.knew_on };
  const first = newStage(regime, c, 1, today, now);
  return {
    fields: {
      received_on: today,
      time_limit_ends_on: timeLimitEnds(regime.timeLimit, facts),
      in_time: isInTime(regime.timeLimit, { ...facts, receivedOn: today }),
      next_due_on: first.nextDueOn,
    },
    stage: first.row,
  };
}

async function insertNew<T>(
  trx: Trx,
  ctx: Ctx,
  c: Checked<T>,
  routed: Awaited<ReturnType<typeof routeComplaint>>,
  who: {
    complainantId: string | null;
    person: { authorityId: string; personId: string } | null;
    name: string;
    email: string;
    tokenOf: ((id: string) => string) | null;
    /** Commissioning's fields (the organisation, the tender or contract, the service area), or a champion's id. */
    extra?: Partial<NewComplaint>;
  },
): Promise<{ authorityId: string; complaintId: string; token: string | null }> {
  const rule = regimeOf(c.regime);
  const complaintId = newId();
  const now = ctx.clock.now();
  const base = {
    authority_id: routed.responsible.id,
    id: complaintId,
    nation: routed.responsible.nation,
    happened_on: c.happenedOn,
    knew_on: c.knewOn,
  };
  const token = who.tokenOf ? who.tokenOf(complaintId) : null;
  const got = received(rule, base, c.today, now);
  await repo.insertComplaint(trx, {
    ...base,
    ...got.fields,
    reference: reference(),
    regime: c.regime,
    about: c.about,
    organisation_id: c.organisation?.id ?? null,
    answerer: routed.answerer,
    responsible_as: routed.responsibleAs,
    no_commissioner_found: routed.noCommissionerFound,
    body_kind: bodyKindOf(c.about, c.regime, c.authority),
    complainant_id: who.complainantId,
    acting_as: c.actingAs,
    person_authority_id: who.person?.authorityId ?? null,
    person_id: who.person?.personId ?? null,
    contact_name: who.name,
    contact_email: who.email,
    contact_phone: c.phone,
    what_happened: c.whatHappened,
    outcome_wanted: c.outcomeWanted,
    consent_at: now,
    late_decision: null,
    late_reason: "",
    stage: 1,
    // Without an account: unseen by the body until the emailed link is followed.
    status: token ? "unverified" : "open",
    email_verified_at: token ? null : now,
    access_token_hash: token ? sha256(token) : null,
    ...(token ? { next_due_on: null } : {}),
    commissioning_title: "",
    service_area: "",
    ...who.extra,
    created_at: now,
    updated_at: now,
  });
  if (!token) await repo.insertStage(trx, got.stage);
  await recordAudit(trx, ctx.clock, {
    authorityId: routed.responsible.id,
    actor: actorIn(ctx),
    action: token ? "complaint.started" : "complaint.made",
    entity: { type: "complaint", id: complaintId },
    changes: {
      regime: c.regime,
      about: c.about,
      answerer: routed.answerer,
      responsibleAs: routed.responsibleAs,
      actingAs: c.actingAs,
      organisationId: c.organisation?.id ?? null,
      ...(token ? {} : { inTime: got.fields.in_time }),
      // Ids and a code only: the tender or contract, the complaining organisation, the champion.
      ...(who.extra?.commissioning_id
        ? {
            commissioning: { kind: who.extra.commissioning_kind, id: who.extra.commissioning_id },
            complainantOrganisationId: who.extra.complainant_organisation_id,
            serviceArea: who.extra.service_area,
          }
        : {}),
      ...(who.extra?.champion_id ? { championId: who.extra.champion_id } : {}),
    },
  });
  if (!token) await tellBody(trx, ctx, routed.responsible.id, complaintId);
  return { authorityId: routed.responsible.id, complaintId, token };
}

/**
 * Makes a complaint (400 for a field; 404 for a person the caller does not act for; 403 without the
 * `complain` grant). Routed: about an authority, it answers; about a provider, the responsible
 * authority is the one that commissions the service (the person's authority where they have an
 * arrangement with the provider, or the named authority where it holds a contract with it), else
 * the council or NHS body named for the area; the commissioner answers when the complainant prefers
 * it and one exists, the provider otherwise.
 */
export async function makeComplaint(ctx: Ctx, draft: ComplaintDraft): Promise<ComplaintView> {
  const user = await userById(ctx.db, requireSignedIn(ctx.principal).userId);
  if (!user) throw new NotFoundError("account");
  const c = await checkDraft(ctx, draft, ["self", "person", "public"], () => null);
  const id = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    let person: { authorityId: string; personId: string } | null = null;
    let championId: string | null = null;
    if (c.actingAs === "person") {
      const authorityId = await authorityActedFor(tctx, c.personId);
      const access = await requirePersonAccess(tctx, authorityId, c.personId, "complain");
      person = { authorityId, personId: c.personId };
      // A consumer champion's people complain for a person who appointed it with `complain`.
      championId = access.how === "champion" ? (access.championId ?? null) : null;
    }
    // The person's own authority commissions it where they have an arrangement with the provider
    // (the person complained for, or the complainant themself when linked to their own record).
    const selves =
      c.actingAs === "self"
        ? (await peopleActedFor(tctx)).filter((p) => p.how === "self")
        : person
          ? [person]
          : [];
    const routed = await routeComplaint(trx, c, selves, draft.preferCommissioner === true);
    return insertNew(trx, tctx, c, routed, {
      complainantId: user.id,
      person,
      name: user.display_name,
      email: user.email,
      tokenOf: null,
      extra: { champion_id: championId },
    });
  });
  return complaintOf(ctx, id.authorityId, id.complaintId);
}

/**
 * The authority of a person the caller acts for: linked themself (the person, a representative),
 * or as the people of a consumer champion the person appointed (404 otherwise).
 */
async function authorityActedFor(ctx: Ctx, personId: string): Promise<string> {
  const linked = (await peopleActedFor(ctx)).find((p) => p.personId === personId);
  if (linked) return linked.authorityId;
  if (championsOf(ctx.principal).length === 0) throw new NotFoundError("person");
  return authorityOfLinkedPerson(ctx, personId);
}

// Complaints about commissioning (issue 18, item 7)

/** A tender or contract a provider may complain about, keyed "tender:{authorityId}:{id}" or "contract:…". */
export interface CommissioningSubject {
  key: string;
  kind: "tender" | "contract";
  authorityId: string;
  id: string;
  title: string;
  authorityName: string;
}

/** How many tenders and contracts of each the form offers (the most recent). */
export const SUBJECT_ROWS = 100;

/** Only an organisation's administrators complain for it about commissioning (403). */
function requireOrganisationAdmin(ctx: Ctx, organisationId: string): void {
  requireSignedIn(ctx.principal);
  if (
    !isUuid(organisationId) ||
    !holds(ctx.principal, ["organisation-admin"], "organisation", organisationId)
  )
    throw new ForbiddenError(
      msg`Only the organisation's administrators may complain for it about commissioning.`,
    );
}

/**
 * What an organisation may complain about: the tenders it registered interest in (bidding needs it)
 * and the contracts it holds, the most recent of each. Its administrators only (403).
 */
export async function commissioningSubjects(
  ctx: Ctx,
  organisationId: string,
): Promise<CommissioningSubject[]> {
  requireOrganisationAdmin(ctx, organisationId);
  const [tenders, contracts] = await Promise.all([
    tendersOfInterest(ctx.db, organisationId, SUBJECT_ROWS),
    contractsHeldBy(ctx.db, organisationId, SUBJECT_ROWS),
  ]);
  return [
    ...tenders.map((t) => ({
      key: `tender:${t.authority_id}:${t.tender_id}`,
      kind: "tender" as const,
      authorityId: t.authority_id,
      id: t.tender_id,
      title: t.title,
      authorityName: t.authority_name,
    })),
    ...contracts.map((c) => ({
      key: `contract:${c.authority_id}:${c.id}`,
      kind: "contract" as const,
      authorityId: c.authority_id,
      id: c.id,
      title: c.title,
      authorityName: c.authority_name,
    })),
  ];
}

export interface CommissioningDraft {
  /** The tender or contract: a `CommissioningSubject`'s key. */
  subject?: string | undefined;
  whatHappened?: string | undefined;
  happenedOn?: string | undefined;
  knewOn?: string | undefined;
  outcomeWanted?: string | undefined;
  phone?: string | undefined;
  consent?: boolean | undefined;
}

/**
 * A provider complains, for its organisation, about an authority's commissioning decision — a tender
 * it registered interest in, or a contract it holds (400 naming each field; 403 but for the
 * organisation's administrators). Under the `commissioning` regime: the authority answers (its
 * complaints officers), on its nation's calendar; the second tier is the independent adjudicator of
 * the tender's service area. The organisation's administrators and members follow it.
 */
export async function makeCommissioningComplaint(
  ctx: Ctx,
  organisationId: string,
  draft: CommissioningDraft,
): Promise<ComplaintView> {
  const user = await userById(ctx.db, requireSignedIn(ctx.principal).userId);
  if (!user) throw new NotFoundError("account");
  const subjects = await commissioningSubjects(ctx, organisationId);
  const subject = subjects.find((s) => s.key === (draft.subject ?? "").trim());
  const tender = subject
    ? await findTender(
        ctx,
        subject.authorityId,
        subject.kind === "tender"
          ? subject.id
          : ((await contractsHeldBy(ctx.db, organisationId, SUBJECT_ROWS)).find((c) => c.id === subject.id)
              ?.tender_id ?? ""),
      )
    : undefined;
  const c = await checkDraft(
    ctx,
    {
      ...draft,
      about: "authority",
      authorityId: subject?.authorityId ?? "",
      regime: "commissioning",
      actingAs: "organisation",
    },
    ["organisation"],
    (problems) => {
      if (!subject || !tender) {
        // The authority follows from the tender or contract: one problem, on the field the form has.
        const i = problems.findIndex((p) => p.field === "authorityId");
        if (i >= 0) problems.splice(i, 1);
        problems.push({ field: "subject", message: msg`Choose the tender or contract from the list` });
      }
      return null;
    },
  );
  if (!subject || !tender) throw new ValidationError(msg`Check your complaint`, []);
  const id = await transaction(ctx.db, async (trx) =>
    insertNew(
      trx,
      within(ctx, trx),
      c,
      {
        responsible: c.authority,
        responsibleAs: "complained-about",
        answerer: "authority",
        noCommissionerFound: false,
      },
      {
        complainantId: user.id,
        person: null,
        name: user.display_name,
        email: user.email,
        tokenOf: null,
        extra: {
          complainant_organisation_id: organisationId,
          commissioning_kind: subject.kind,
          commissioning_id: subject.id,
          commissioning_title: subject.title.slice(0, 500),
          service_area: tender.category_code,
        },
      },
    ),
  );
  return complaintOf(ctx, id.authorityId, id.complaintId);
}

// Without an account

/**
 * A service context with the server's key (the links of complaints made without an account) and
 * where the request came from (their emails are limited as accounts' are).
 */
export type RedressCtx = AccountsCtx;

/** The queue of the emails to complainants without an account. */
export const COMPLAINANT_EMAIL_QUEUE = "redress.complainant-email";

/** The token in a complaint's link: derived from its id with the server's key; only its hash is kept. */
export function complaintToken(secrets: AccountSecrets, complaintId: string): string {
  return secrets.hmac("complaint-link", complaintId);
}

export interface WithoutAccountDraft extends ComplaintDraft {
  name?: string | undefined;
  email?: string | undefined;
}

/**
 * A complaint made without an account (400 for a field): kept, unseen by the body, until the link
 * emailed to the address given is followed (`confirmComplaint`). For oneself or as a member of the
 * public; routed as a signed-in complaint is (no care record to look at).
 */
export async function startComplaintWithoutAccount(
  ctx: RedressCtx,
  draft: WithoutAccountDraft,
): Promise<void> {
  const c = await checkDraft(ctx, draft, ["self", "public"], (problems) => {
    const name = (draft.name ?? "").trim();
    if (name === "" || name.length > 200)
      problems.push({ field: "name", message: msg`Enter your name, in 200 characters or fewer` });
    const email = normaliseEmail(draft.email ?? "");
    problems.push(...emailProblems(email));
    return { name, email };
  });
  // No more emails to one address, or from one network, than accounts send (3 and 10 an hour).
  await claimAttempt(
    ctx,
    "complaint-email",
    EMAIL_LIMIT,
    emailKeys(ctx, c.more.email),
    "sent",
    (wait) => msg`Too many emails have been sent. Wait ${wait}, then try again.`,
  );
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const routed = await routeComplaint(trx, c, [], draft.preferCommissioner === true);
    const made = await insertNew(trx, tctx, c, routed, {
      complainantId: null,
      person: null,
      name: c.more.name,
      email: c.more.email,
      tokenOf: (id) => complaintToken(ctx.secrets, id),
    });
    await enqueue(trx, ctx.clock, {
      queue: COMPLAINANT_EMAIL_QUEUE,
      payload: { authorityId: made.authorityId, complaintId: made.complaintId, event: "confirm" },
    });
  });
}

/** A complaint's row, and its stages, checking no one (the email job). */
export const findComplaintRow = repo.findComplaint;
export const stagesOfComplaint = repo.stagesOf;

/**
 * How long a complaint made without an account waits for its link to be followed: after that it
 * cannot be sent, and the daily sweep deletes it (finding 4; docs/redress.md, "Without an account").
 */
export const UNVERIFIED_KEPT_DAYS = 7;

/** The instant before which a complaint never confirmed has expired. */
function unverifiedCutoff(clock: Clock): Date {
  return new Date(clock.now().getTime() - UNVERIFIED_KEPT_DAYS * 24 * 60 * 60 * 1000);
}

function expired(c: Pick<ComplaintRow, "status" | "created_at">, clock: Clock): boolean {
  return c.status === "unverified" && c.created_at < unverifiedCutoff(clock);
}

/** The complaint a link's token opens (404 for a token that opens none, or a complaint never sent within 7 days). */
async function byToken(db: Ctx["db"], token: string, clock: Clock): Promise<ComplaintRow> {
  const row =
    token.length >= 20 && token.length <= 200 ? await repo.findByTokenHash(db, sha256(token)) : undefined;
  if (!row || expired(row, clock)) throw new NotFoundError("complaint");
  return row;
}

/** The sweep's queue: complaints never confirmed, deleted 7 days after they were made. */
export const UNVERIFIED_SWEEP_QUEUE = "redress.unverified-sweep";
const SWEEP_PAGE = 200;

/**
 * The daily sweep: deletes every complaint made without an account whose link was not followed
 * within 7 days, a page at a time by key (through `complaints_unverified`), each in its own
 * transaction with an audit event by id; then queues tomorrow's sweep. How many it deleted.
 */
export async function sweepUnverifiedComplaints(db: Ctx["db"], clock: Clock): Promise<number> {
  const before = unverifiedCutoff(clock);
  let deleted = 0;
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const page = await repo.unverifiedBefore(db, before, after, SWEEP_PAGE);
    for (const r of page)
      await transaction(db, async (trx) => {
        if (!(await repo.deleteUnverified(trx, r.authority_id, r.id))) return;
        deleted++;
        await recordAudit(trx, clock, {
          authorityId: r.authority_id,
          actor: SYSTEM("complaint-expiry"),
          action: "complaint.expired",
          entity: { type: "complaint", id: r.id },
          changes: { keptDays: UNVERIFIED_KEPT_DAYS },
          requestId: null,
        });
      });
    const last = page.at(-1);
    if (page.length < SWEEP_PAGE || !last) break;
    after = { at: last.created_at, id: last.id };
  }
  await transaction(db, (trx) => queueUnverifiedSweep(trx, clock));
  return deleted;
}

/** Queues the next daily sweep (at 03:00 tomorrow, London time); once a day, however often asked. */
export async function queueUnverifiedSweep(trx: Trx, clock: Clock): Promise<void> {
  await enqueueTomorrow(trx, clock, UNVERIFIED_SWEEP_QUEUE, 3);
}

/** A complaint as its link shows it: unverified (to be confirmed), or with every deadline. */
export async function complaintByToken(
  ctx: Ctx,
  token: string,
): Promise<{ complaint: ComplaintRow; view: ComplaintView | null }> {
  const c = await byToken(ctx.db, token, ctx.clock);
  if (c.status === "unverified") return { complaint: c, view: null };
  return {
    complaint: c,
    view: { ...(await fullView(ctx, c, "complainant")), showContact: true },
  };
}

/**
 * The emailed link followed, and the complaint sent: the address is verified, the complaint is
 * received today (its time limit and clocks from today) and reaches the body. Once only (409).
 */
export async function confirmComplaint(ctx: Ctx, token: string): Promise<ComplaintView> {
  const c = await byToken(ctx.db, token, ctx.clock);
  await transaction(ctx.db, async (trx) => {
    const locked = await repo.lockComplaint(trx, c.authority_id, c.id);
    if (locked?.status !== "unverified")
      throw new ConflictError(msg`This complaint has been sent already.`, "already_sent");
    if (expired(locked, ctx.clock)) throw new NotFoundError("complaint");
    const today = londonToday(ctx.clock);
    const now = ctx.clock.now();
    const got = received(regimeOf(c.regime), c, today, now);
    await repo.updateComplaint(trx, c.authority_id, c.id, {
      ...got.fields,
      status: "open",
      email_verified_at: now,
      updated_at: now,
    });
    await repo.insertStage(trx, got.stage);
    await recordAudit(trx, ctx.clock, {
      authorityId: c.authority_id,
      actor: actorIn(ctx),
      action: "complaint.made",
      entity: { type: "complaint", id: c.id },
      changes: { emailVerified: true, inTime: got.fields.in_time },
    });
    await tellBody(trx, ctx, c.authority_id, c.id);
  });
  return (await complaintByToken(ctx, token)).view as ComplaintView;
}

/**
 * What the complaint form offers: the regimes, the people the caller may complain for, the providers
 * of their arrangements (and one named by a link, from its profile), the public bodies.
 */
export async function complaintForm(ctx: Ctx, organisationId?: string, personId?: string) {
  requireSignedIn(ctx.principal);
  const [acted, choices] = await Promise.all([peopleActedFor(ctx), authorityChoices(ctx.db)]);
  const people = acted.filter((p) => p.grants.includes("complain"));
  // A champion's people come from its list with the person named (`?person=`): offered while the
  // person's appointment of the champion gives `complain`.
  if (personId && isUuid(personId) && !people.some((p) => p.personId === personId))
    if (championsOf(ctx.principal).length > 0)
      try {
        const authorityId = await authorityOfLinkedPerson(ctx, personId);
        const view = await personView(ctx, authorityId, personId);
        if (view.access.grants.includes("complain"))
          people.push({
            authorityId,
            personId,
            name: view.person.full_name,
            how: view.access.how === "care-staff" ? "champion" : view.access.how,
            grants: view.access.grants,
          });
      } catch (e) {
        if (!(e instanceof NotFoundError || e instanceof ForbiddenError)) throw e;
      }
  const today = londonToday(ctx.clock);
  const ids = new Set<string>();
  for (const p of people)
    for (const a of await arrangementsOfPerson(ctx.db, p.authorityId, p.personId, today))
      if (a.status === "accepted") ids.add(a.organisation_id);
  if (organisationId && isUuid(organisationId)) ids.add(organisationId);
  const providers = [...(await organisationsByIds(ctx.db, [...ids])).values()]
    .map((o) => ({ id: o.id, name: o.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { people, providers, ...choices };
}

/** What the form without an account offers: the provider named by a link, the public bodies. */
export async function publicComplaintForm(ctx: Ctx, organisationId?: string) {
  const choices = await authorityChoices(ctx.db);
  const named =
    organisationId && isUuid(organisationId) ? await organisationsByIds(ctx.db, [organisationId]) : new Map();
  return {
    people: [],
    providers: [...named.values()].map((o) => ({ id: o.id as string, name: o.name as string })),
    ...choices,
  };
}

// The body's work

/**
 * The complaint the body's people change, read after locking its row (in the transaction `trx`):
 * every check that follows sees the state no one else can change before the commit (finding 7).
 */
async function toChange(
  trx: Trx,
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
): Promise<{ c: ComplaintView; stage: StageView; today: string }> {
  if (isUuid(authorityId) && isUuid(complaintId)) await repo.lockComplaint(trx, authorityId, complaintId);
  const c = await complaintOf(ctx, authorityId, complaintId);
  if (c.side !== "body")
    throw new ForbiddenError(msg`Only the people of the body that answers this complaint may do this.`);
  return { c, stage: c.current, today: londonToday(ctx.clock) };
}

function requireOpen(c: ComplaintView): void {
  if (c.status !== "open")
    throw new ConflictError(msg`This complaint is not waiting for the body.`, "not_open");
  if (!c.in_time && c.late_decision !== "waived")
    throw new ConflictError(
      msg`This complaint was made after the time limit: decide first whether to consider it.`,
      "late_undecided",
    );
}

/** A step of the body's work (or the complainant's) that the complainant is told of. */
export const PROGRESS_EVENTS = [
  "late-waived",
  "late-declined",
  "acknowledged",
  "extended",
  "responded",
  "accepted",
  "next-stage",
  "explained",
  // The second tier (ombudsman.service.ts; remedies.service.ts: every remedy confirmed)
  "escalated",
  "case-accepted",
  "case-declined",
  "case-draft",
  "case-decided",
  "remedies-done",
] as const;
export type ProgressEvent = (typeof PROGRESS_EVENTS)[number];

/** Who answers the complaint: the provider, or the authority. */
export function answererName(
  c: Pick<ComplaintRow, "answerer" | "organisation_name" | "authority_name">,
): string {
  return c.answerer === "provider" ? (c.organisation_name ?? c.authority_name) : c.authority_name;
}

/** A complaint's page (for the complainant signed in, and the body's people). */
export function complaintPath(c: Pick<ComplaintRow, "authority_slug" | "id">): string {
  return `/authorities/${c.authority_slug}/complaints/${c.id}`;
}

/**
 * What the complainant is told of a step, made from the complaint as it stands (the body's words —
 * an extension's or a late decision's reason — read from its rows, never carried in a job: finding 3).
 */
export function progressNotice(
  c: ComplaintRow,
  stages: readonly ComplaintStage[],
  event: ProgressEvent,
  stageNo: number = c.stage,
): { subject: string; body: string } {
  const who = answererName(c);
  const stage = stages.find((s) => s.stage === stageNo);
  switch (event) {
    case "late-waived":
      return {
        subject: msg`${who} will consider your late complaint ${c.reference}`,
        body: msg`Your complaint was made after the time limit. ${who} has decided: ${c.late_reason}`,
      };
    case "late-declined":
      return {
        subject: msg`${who} will not consider your complaint ${c.reference}`,
        body: msg`Your complaint was made after the time limit. ${who} has decided: ${c.late_reason}`,
      };
    case "acknowledged":
      return {
        subject: msg`${who} has acknowledged your complaint ${c.reference}`,
        body: stage?.answer_due_on
          ? msg`${who} has acknowledged your complaint. Its answer is due by ${longDate(stage.answer_due_on)}.`
          : msg`${who} has acknowledged your complaint.`,
      };
    case "extended":
      return {
        subject: msg`${who} needs longer to answer your complaint ${c.reference}`,
        body: msg`${who} will now answer your complaint by ${longDate(stage?.answer_due_on)}. Its reason: ${stage?.extension_reason ?? ""}`,
      };
    case "responded":
      return {
        subject: msg`${who} has answered your complaint ${c.reference}`,
        body: msg`${who} has answered your complaint. Read the response, then accept it or say what you want to do next.`,
      };
    case "accepted":
      return {
        subject: msg`Your complaint ${c.reference} is closed`,
        body: msg`You accepted the answer of ${who}. Your complaint is closed.`,
      };
    case "explained":
      return {
        subject: msg`${who} explains why your complaint ${c.reference} is taking longer`,
        body: msg`The response period has ended. ${who} explains: ${stage?.explanation ?? ""}`,
      };
    case "next-stage":
      return {
        subject: msg`You asked for the next stage of your complaint ${c.reference}`,
        body: msg`${who} will consider your complaint again at its next stage.`,
      };
    case "remedies-done":
      return {
        subject: msg`Every remedy for your complaint ${c.reference} is done`,
        body: msg`The ombudsman has confirmed that ${who} has done every remedy it ordered. The ombudsman's case is closed.`,
      };
    case "escalated":
      return {
        subject: msg`Your complaint ${c.reference} has gone to the ombudsman`,
        body: msg`The ombudsman has received your complaint and will assess whether to investigate it. Follow it on your complaint's page.`,
      };
    case "case-accepted":
      return {
        subject: msg`The ombudsman will investigate your complaint ${c.reference}`,
        body: msg`The ombudsman has accepted your complaint for investigation. Follow it on your complaint's page.`,
      };
    case "case-declined":
      return {
        subject: msg`The ombudsman will not investigate your complaint ${c.reference}`,
        body: msg`The ombudsman has declined to investigate your complaint. Its reason is on your complaint's page.`,
      };
    case "case-draft":
      return {
        subject: msg`The ombudsman's draft decision on your complaint ${c.reference}`,
        body: msg`The ombudsman has a draft decision on your complaint. Read it and comment by the day on your complaint's page.`,
      };
    case "case-decided":
      return {
        subject: msg`The ombudsman has decided your complaint ${c.reference}`,
        body: msg`The ombudsman's final decision, and any remedies it orders, are on your complaint's page.`,
      };
  }
}

/**
 * Tells the complainant of a step, once it is made (in the same transaction): in their inbox (and by
 * email) with an account; without one, a job naming the complaint, the step and the stage (no text:
 * the email is written from the complaint when it is sent).
 */
async function tell(trx: Trx, ctx: Ctx, c: ComplaintRow, event: ProgressEvent) {
  if (!c.complainant_id) {
    if (c.access_token_hash && c.email_verified_at)
      await enqueue(trx, ctx.clock, {
        queue: COMPLAINANT_EMAIL_QUEUE,
        payload: { authorityId: c.authority_id, complaintId: c.id, event, stage: c.stage },
      });
    return;
  }
  const now = await repo.findComplaint(trx, c.authority_id, c.id);
  if (!now) return;
  const notice = progressNotice(now, await repo.stagesOf(trx, c.authority_id, c.id), event, c.stage);
  // For a person: whoever acts for them with `complain` now (the person too), not a former
  // representative (finding 1); else the complainant.
  const to =
    c.acting_as === "person" && c.person_authority_id && c.person_id
      ? await whomToTell(trx, c.person_authority_id, c.person_id, { grants: ["complain"] })
      : c.acting_as === "organisation" && c.complainant_organisation_id
        ? await organisationPeople(trx, c.complainant_organisation_id)
        : [c.complainant_id];
  for (const userId of to)
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: c.authority_id,
        kind: "complaint.progressed",
        subject: notice.subject.slice(0, 200),
        body: notice.body,
        link: complaintPath(c),
      },
      { email: true, actor: actorIn(ctx) },
    );
}

/**
 * Tells the answering body that a complaint waits on it (made, confirmed, or a next stage asked
 * for), in the same transaction (finding 8): in the inbox (and by email) of its people who answer
 * complaints — a provider's administrators and members, an authority's complaints officers. When it
 * has none, the responsible authority hears instead: its complaints officers (a provider with no one
 * on OpenPS, so that the commissioner can reach it), else its administrators, told to appoint a
 * complaints officer — no complaint waits unseen.
 */
async function tellBody(trx: Trx, ctx: Ctx, authorityId: string, complaintId: string): Promise<void> {
  const c = await repo.findComplaint(trx, authorityId, complaintId);
  if (!c) return;
  const stage = c.stage;
  const send = async (userIds: readonly string[], subject: string, body: string, link: string) => {
    for (const userId of new Set(userIds))
      await notify(
        trx,
        ctx.clock,
        { userId, authorityId: c.authority_id, kind: "complaint.to-answer", subject, body, link },
        { email: true, actor: actorIn(ctx) },
      );
  };
  const who = answererName(c);
  const subject = msg`A complaint to answer: ${c.reference}, stage ${stage}`;
  const due = c.next_due_on ? longDate(c.next_due_on) : "";
  const { userIds, reach } = await bodyReach(trx, answeringBody(c));
  if (reach === "own")
    return send(
      userIds,
      subject,
      msg`${who} has a complaint to answer at stage ${stage}. Its next step is due by ${due}.`,
      complaintPath(c),
    );
  const orphan = msg`${who} has a complaint to answer (${c.reference}, stage ${stage}), and no one there answers complaints on OpenPS. Its next step is due by ${due}.`;
  if (reach === "officers")
    return send(
      userIds,
      msg`No one at the provider answers complaint ${c.reference}`,
      orphan,
      `/authorities/${c.authority_slug}`,
    );
  await send(
    userIds,
    msg`No one answers complaint ${c.reference}: appoint a complaints officer`,
    `${orphan} ${msg`Invite a complaints officer for ${c.authority_name}: only they see and answer its complaints.`}`,
    `/authorities/${c.authority_slug}`,
  );
}

async function audit(trx: Trx, ctx: Ctx, c: ComplaintRow, action: string, changes: Record<string, unknown>) {
  await recordAudit(trx, ctx.clock, {
    authorityId: c.authority_id,
    actor: actorIn(ctx),
    action,
    entity: { type: "complaint", id: c.id },
    changes,
  });
}

/** A late complaint: the body considers it anyway (waived) or declines it, with its reason; the complainant told. */
export async function decideLate(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
  input: { decision?: string | undefined; reason?: string | undefined },
): Promise<ComplaintView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { c } = await toChange(trx, tctx, authorityId, complaintId);
    if (c.in_time || c.late_decision !== null || c.status !== "open")
      throw new ConflictError(msg`There is no time limit to decide on for this complaint.`, "not_late");
    const decision = input.decision === "waived" || input.decision === "declined" ? input.decision : null;
    const reason = (input.reason ?? "").trim();
    const problems: FieldError[] = [];
    if (!decision)
      problems.push({ field: "decision", message: msg`Choose whether the body considers the complaint` });
    if (reason === "" || reason.length > COMPLAINT_LIMITS.reason)
      problems.push({
        field: "reason",
        message: msg`Give the reason, in ${COMPLAINT_LIMITS.reason} characters or fewer`,
      });
    if (problems.length > 0 || !decision) throw new ValidationError(msg`Check the decision`, problems);
    // Every regime so far may be waived; kept for the nations' regimes still to come, which may not.
    if (!c.regimeRule.timeLimit.waivable && decision === "waived")
      throw new UnprocessableError(msg`This regime's time limit cannot be waived.`, [], "not_waivable");
    await repo.updateComplaint(trx, authorityId, complaintId, {
      late_decision: decision,
      late_reason: reason,
      ...(decision === "declined" ? { status: "declined" as const, next_due_on: null } : {}),
      updated_at: ctx.clock.now(),
    });
    await audit(trx, tctx, c, `complaint.late-${decision}`, {});
    await tell(trx, tctx, c, decision === "waived" ? "late-waived" : "late-declined");
  });
  return complaintOf(ctx, authorityId, complaintId);
}

/** The body acknowledges the current stage (where its regime has that step); the complainant told. */
export async function acknowledgeComplaint(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
): Promise<ComplaintView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { c, stage, today } = await toChange(trx, tctx, authorityId, complaintId);
    requireOpen(c);
    if (!stepOf(stageOf(c.regimeRule, stage.stage), "acknowledge"))
      throw new ConflictError(
        msg`This stage has no acknowledgement: answer it instead.`,
        "no_acknowledgement",
      );
    if (stage.acknowledged_on !== null)
      throw new ConflictError(msg`This stage has been acknowledged.`, "already_acknowledged");
    const answer = answerRuleOf(c.regimeRule, stage.stage);
    const answerDue =
      answer.from === "acknowledged" ? stepDueOn(answer, today, c.nation) : stage.answer_due_on;
    await repo.updateStage(trx, authorityId, complaintId, stage.stage, {
      acknowledged_on: today,
      acknowledged_by: ctx.principal?.userId ?? null,
      answer_first_due_on: answer.from === "acknowledged" ? answerDue : stage.answer_first_due_on,
      answer_due_on: answerDue,
    });
    await repo.updateComplaint(trx, authorityId, complaintId, {
      next_due_on: answerDue,
      updated_at: ctx.clock.now(),
    });
    await audit(trx, tctx, c, "complaint.acknowledged", {
      stage: stage.stage,
      onTime: today <= (stage.ack_due_on ?? today),
    });
    await tell(trx, tctx, c, "acknowledged");
  });
  return complaintOf(ctx, authorityId, complaintId);
}

function refusalMessage(r: NonNullable<ReturnType<typeof extensionRefusal>>): string {
  switch (r.code) {
    case "not-extendable":
      return msg`This step's deadline cannot be extended under the regime's rules.`;
    case "not-later":
      return msg`Choose a day after the current deadline.`;
    case "too-long":
      return msg`The rules allow at most ${r.upToWorkingDays} working days more in all: choose a day on or before ${longDate(r.latestOn)}.`;
    case "period-ended":
      return msg`The response period ended on ${longDate(r.endedOn)}: a longer period is agreed before it ends. Record the explanation owed with the response.`;
    case "deadline-passed":
      // A deadline already passed cannot be moved: the step is overdue, and stays so.
      return msg`The deadline of ${longDate(r.dueOn)} has passed: it cannot be extended now. Answer as soon as you can; the answer will show as late.`;
  }
}

/** The body extends the current answer's deadline, with a reason the complainant is told (422 with why not). */
export async function extendComplaint(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
  input: { toOn?: string | undefined; reason?: string | undefined; agreedOn?: string | undefined },
): Promise<ComplaintView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { c, stage, today } = await toChange(trx, tctx, authorityId, complaintId);
    requireOpen(c);
    const toOn = (input.toOn ?? "").trim();
    const reason = (input.reason ?? "").trim();
    const problems: FieldError[] = [];
    if (!isIsoDate(toOn)) problems.push({ field: "toOn", message: msg`Enter the new deadline as a date` });
    if (reason === "" || reason.length > COMPLAINT_LIMITS.reason)
      problems.push({
        field: "reason",
        message: msg`Give the reason, in ${COMPLAINT_LIMITS.reason} characters or fewer`,
      });
    // A period "as may be agreed" moves only by agreement with the complainant: the day it was agreed (finding 12).
    const agreedOn = (input.agreedOn ?? "").trim() || null;
    if (
      stage.byAgreement &&
      (agreedOn === null || !isIsoDate(agreedOn) || agreedOn > today || agreedOn < stage.received_on)
    )
      problems.push({
        field: "agreedOn",
        message: msg`Enter the day the complainant agreed the longer period, between the day the stage began and today`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the extension`, problems);
    if (!stage.answer_due_on || !stage.answer_first_due_on)
      throw new ConflictError(
        msg`Acknowledge the complaint first: the answer's deadline counts from it.`,
        "not_acknowledged",
      );
    const rule = answerRuleOf(c.regimeRule, stage.stage);
    const refusal = extensionRefusal(
      rule,
      { firstDueOn: stage.answer_first_due_on, currentDueOn: stage.answer_due_on, toOn, today },
      c.nation,
    );
    if (refusal) {
      const message = refusalMessage(refusal);
      throw new UnprocessableError(message, [{ field: "toOn", message }], refusal.code);
    }
    // Each extension kept, in order, with its reason; the stage shows the latest.
    const seq = stage.extensions.length + 1;
    await repo.insertExtension(trx, {
      authority_id: authorityId,
      complaint_id: complaintId,
      stage: stage.stage,
      seq,
      from_on: stage.answer_due_on,
      to_on: toOn,
      reason,
      agreed_on: stage.byAgreement ? agreedOn : null,
      extended_by: ctx.principal?.userId ?? null,
      created_at: ctx.clock.now(),
    });
    await repo.updateStage(trx, authorityId, complaintId, stage.stage, {
      answer_due_on: toOn,
      extension_reason: reason,
      extended_at: ctx.clock.now(),
    });
    await repo.updateComplaint(trx, authorityId, complaintId, {
      next_due_on: toOn,
      updated_at: ctx.clock.now(),
    });
    await audit(trx, tctx, c, "complaint.extended", {
      stage: stage.stage,
      // The extension (its reason) by its place in the stage's list, never its words.
      extension: seq,
      agreed: stage.byAgreement,
      from: stage.answer_due_on,
      to: toOn,
    });
    await tell(trx, tctx, c, "extended");
  });
  return complaintOf(ctx, authorityId, complaintId);
}

/**
 * The body explains, past a period after which an explanation is owed (NHS and adult social care's 6
 * months, reg. 14(2)), why the response is not yet ready — before it responds (finding 12); the
 * complainant told. Once: the response then needs none (409 when none is owed, or one is recorded).
 */
export async function explainDelay(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
  input: { explanation?: string | undefined },
): Promise<ComplaintView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { c, stage, today } = await toChange(trx, tctx, authorityId, complaintId);
    requireOpen(c);
    const rule = answerRuleOf(c.regimeRule, stage.stage);
    if (!(rule.explanationOwed === true && stage.answer_due_on !== null && today > stage.answer_due_on))
      throw new ConflictError(
        msg`No explanation is owed yet: the response period has not ended.`,
        "not_owed",
      );
    if (stage.explained_on !== null)
      throw new ConflictError(msg`The explanation has been given already.`, "already_explained");
    const explanation = (input.explanation ?? "").trim();
    if (explanation === "" || explanation.length > COMPLAINT_LIMITS.reason)
      throw new ValidationError(msg`Check the explanation`, [
        {
          field: "explanation",
          message: msg`Explain why the response comes after the period, in ${COMPLAINT_LIMITS.reason} characters or fewer`,
        },
      ]);
    await repo.updateStage(trx, authorityId, complaintId, stage.stage, { explanation, explained_on: today });
    await repo.updateComplaint(trx, authorityId, complaintId, { updated_at: ctx.clock.now() });
    await audit(trx, tctx, c, "complaint.explained", { stage: stage.stage });
    await tell(trx, tctx, c, "explained");
  });
  return complaintOf(ctx, authorityId, complaintId);
}

export interface ResponseInput {
  finding?: string | undefined;
  response?: string | undefined;
  remedy?: string | undefined;
  explanation?: string | undefined;
}

/**
 * The body answers the current stage: its finding, the response, any remedy offered — and, past a
 * period after which an explanation is owed (NHS and adult social care's 6 months), that
 * explanation. A stage considered by someone who did not consider the stage before: the same
 * person is refused (403, with the reason).
 */
export async function respondToComplaint(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
  input: ResponseInput,
): Promise<ComplaintView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { c, stage, today } = await toChange(trx, tctx, authorityId, complaintId);
    requireOpen(c);
    const stageRule = stageOf(c.regimeRule, stage.stage);
    const rule = answerRuleOf(c.regimeRule, stage.stage);
    if (stepOf(stageRule, "acknowledge") && stage.acknowledged_on === null)
      throw new ConflictError(msg`Acknowledge the complaint before answering it.`, "not_acknowledged");
    const userId = ctx.principal?.userId ?? null;
    if (stageRule.differentPerson) {
      const before = c.stages.find((s) => s.stage === stage.stage - 1);
      if (before && userId && (before.responded_by === userId || before.acknowledged_by === userId))
        throw new ForbiddenError(
          msg`You considered the stage before: stage ${stage.stage} must be answered by someone who did not.`,
        );
    }
    const finding = FINDINGS.includes(input.finding as Finding) ? (input.finding as Finding) : null;
    const response = (input.response ?? "").trim();
    const remedy = (input.remedy ?? "").trim();
    const explanation = (input.explanation ?? "").trim();
    // Owed past the period, unless the body has given it already (`explainDelay`).
    const owed =
      rule.explanationOwed === true &&
      stage.answer_due_on !== null &&
      today > stage.answer_due_on &&
      stage.explained_on === null;
    const problems: FieldError[] = [];
    if (!finding) problems.push({ field: "finding", message: msg`Choose the finding` });
    if (response === "" || response.length > COMPLAINT_LIMITS.response)
      problems.push({
        field: "response",
        message: msg`Write the response, in ${COMPLAINT_LIMITS.response} characters or fewer`,
      });
    if (remedy.length > COMPLAINT_LIMITS.remedy)
      problems.push({
        field: "remedy",
        message: msg`Describe the remedy in ${COMPLAINT_LIMITS.remedy} characters or fewer`,
      });
    if ((owed && explanation === "") || explanation.length > COMPLAINT_LIMITS.reason)
      problems.push({
        field: "explanation",
        message: msg`The response period has ended: explain why the response comes after it`,
      });
    if (problems.length > 0 || !finding) throw new ValidationError(msg`Check the response`, problems);
    await repo.updateStage(trx, authorityId, complaintId, stage.stage, {
      responded_on: today,
      responded_by: userId,
      finding,
      response,
      remedy,
      ...(explanation ? { explanation, explained_on: today } : {}),
    });
    await repo.updateComplaint(trx, authorityId, complaintId, {
      status: "answered",
      next_due_on: null,
      updated_at: ctx.clock.now(),
    });
    const onTime = stage.answer_due_on !== null && today <= stage.answer_due_on;
    await audit(trx, tctx, c, "complaint.responded", {
      stage: stage.stage,
      finding,
      onTime,
      remedyOffered: remedy !== "",
    });
    await tell(trx, tctx, c, "responded");
  });
  return complaintOf(ctx, authorityId, complaintId);
}

// The complainant's side

async function forComplainant(ctx: Ctx, authorityId: string, complaintId: string): Promise<ComplaintView> {
  const c = await complaintOf(ctx, authorityId, complaintId);
  if (c.side !== "complainant")
    throw new ForbiddenError(msg`Only the complainant, or someone acting for them, may do this.`);
  return c;
}

/** Who the complainant is: signed in (the complaint's authority and id), or holding its link's token. */
export type ComplainantKey = { authorityId: string; complaintId: string } | { token: string };

/** The complaint the complainant changes, read after locking its row (in the transaction `trx`). */
async function lockedForComplainant(trx: Trx, ctx: Ctx, key: ComplainantKey): Promise<ComplaintView> {
  const ids =
    "token" in key
      ? await byToken(trx, key.token, ctx.clock)
      : { authority_id: key.authorityId, id: key.complaintId };
  if (isUuid(ids.authority_id) && isUuid(ids.id)) await repo.lockComplaint(trx, ids.authority_id, ids.id);
  return complainantView(ctx, key);
}

async function complainantView(ctx: Ctx, key: ComplainantKey): Promise<ComplaintView> {
  if ("token" in key) {
    const { view } = await complaintByToken(ctx, key.token);
    if (!view)
      throw new ConflictError(
        msg`Confirm your email address first: follow the link we sent you.`,
        "unverified",
      );
    return view;
  }
  return forComplainant(ctx, key.authorityId, key.complaintId);
}

/** The complainant accepts the answer: the complaint is closed. */
export async function acceptResponse(ctx: Ctx, key: ComplainantKey): Promise<ComplaintView> {
  const done = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const c = await lockedForComplainant(trx, tctx, key);
    if (!c.mayAccept) throw new ConflictError(msg`There is no answer to accept yet.`, "not_answered");
    await repo.updateComplaint(trx, c.authority_id, c.id, {
      status: "accepted",
      next_due_on: null,
      updated_at: ctx.clock.now(),
    });
    await audit(trx, tctx, c, "complaint.accepted", { stage: c.stage });
    await tell(trx, tctx, c, "accepted");
    return c;
  });
  return complainantView(
    ctx,
    "token" in key ? key : { authorityId: done.authority_id, complaintId: done.id },
  );
}

/** The complainant asks for the next stage (within the regime's time to ask, where it sets one). */
export async function askNextStage(ctx: Ctx, key: ComplainantKey): Promise<ComplaintView> {
  const done = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const c = await lockedForComplainant(trx, tctx, key);
    const today = londonToday(ctx.clock);
    if (c.status !== "answered" || c.stage >= c.lastStage)
      throw new ConflictError(msg`There is no further stage to ask for.`, "no_next_stage");
    if (c.nextStageBy !== null && today > c.nextStageBy)
      throw new ConflictError(
        msg`The next stage had to be asked for by ${longDate(c.nextStageBy)}.`,
        "too_late",
      );
    const next = newStage(c.regimeRule, c, c.stage + 1, today, ctx.clock.now());
    await repo.insertStage(trx, next.row);
    await repo.updateComplaint(trx, c.authority_id, c.id, {
      stage: c.stage + 1,
      status: "open",
      next_due_on: next.nextDueOn,
      updated_at: ctx.clock.now(),
    });
    await audit(trx, tctx, c, "complaint.next-stage", { stage: c.stage + 1 });
    await tell(trx, tctx, { ...c, stage: c.stage + 1 }, "next-stage");
    await tellBody(trx, tctx, c.authority_id, c.id);
    return c;
  });
  return complainantView(
    ctx,
    "token" in key ? key : { authorityId: done.authority_id, complaintId: done.id },
  );
}

/**
 * The complaints of the signed-in account — its own, and those about the people it acts for with
 * `complain` — newest first, a page at a time by key, their stages read in one query (finding 19).
 */
export async function yourComplaints(
  ctx: Ctx,
  query: { after?: string | undefined } = {},
): Promise<{ rows: ComplaintView[]; next: string | null }> {
  const p = requireSignedIn(ctx.principal);
  const after = decodeTimeKey(query.after, "after");
  const people = await peopleComplainedFor(ctx);
  const found = await repo.complaintsOfComplainant(
    ctx.db,
    p.userId,
    people,
    after,
    YOUR_ROWS + 1,
    complainingOrganisations(p),
  );
  const rows = found.slice(0, YOUR_ROWS);
  const stages = await repo.stagesOfMany(ctx.db, rows);
  const today = londonToday(ctx.clock);
  const last = rows.at(-1);
  return {
    rows: rows.map((r) =>
      viewOf(
        r,
        stages.filter((s) => s.authority_id === r.authority_id && s.complaint_id === r.id),
        "complainant",
        today,
      ),
    ),
    next: found.length > YOUR_ROWS && last ? encodeKey([last.created_at.toISOString(), last.id]) : null,
  };
}

/**
 * The complaints a consumer champion's people made for the people who appointed it, newest first, a
 * page at a time by key: its people only (exact grants; 403 for anyone else, platform administrators
 * included). Each shown only while the champion still acts for the person with `complain` — an
 * appointment ended, or the grant withdrawn, takes it off the list (as from their complaints).
 */
export async function championComplaints(
  ctx: Ctx,
  championId: string,
  query: { after?: string | undefined } = {},
): Promise<{ rows: ComplaintRow[]; next: string | null }> {
  requireSignedIn(ctx.principal);
  if (!championsOf(ctx.principal).includes(championId))
    throw new ForbiddenError(msg`Only the champion's people may see the complaints it made.`);
  const after = decodeTimeKey(query.after, "after");
  const found = await repo.complaintsOfChampion(ctx.db, championId, after, BODY_PAGE_SIZE + 1);
  const page = found.slice(0, BODY_PAGE_SIZE);
  const rows: ComplaintRow[] = [];
  for (const r of page)
    if (r.person_authority_id && r.person_id && (await actsFor(ctx, r.person_authority_id, r.person_id)))
      rows.push(r);
  const last = page.at(-1);
  return {
    rows,
    next: found.length > BODY_PAGE_SIZE && last ? encodeKey([last.created_at.toISOString(), last.id]) : null,
  };
}
/** Where a complaint stands on its body's list: its step due or overdue, else what became of it. */
export type BodyListState = "due" | "overdue" | "answered" | "accepted" | "declined" | "escalated";

export interface BodyPage {
  rows: (ComplaintRow & { state: BodyListState })[];
  next: string | null;
}

function bodyListState(r: ComplaintRow, today: string): BodyListState {
  if (r.next_due_on !== null) return r.next_due_on < today ? "overdue" : "due";
  return r.status === "accepted" || r.status === "declined" || r.status === "escalated"
    ? r.status
    : "answered";
}

/**
 * A body's complaints, newest first, a page at a time by key; filtered: due, overdue, answered.
 * Its people only: a provider's administrators and members, an authority's complaints officers (403).
 */
export async function bodyComplaints(
  ctx: Ctx,
  body: { organisationId: string } | { authorityId: string },
  query: { filter?: string | undefined; after?: string | undefined },
): Promise<BodyPage> {
  requireSignedIn(ctx.principal);
  const allowed =
    "organisationId" in body
      ? holds(ctx.principal, PROVIDER_ROLES, "organisation", body.organisationId)
      : holds(ctx.principal, [COMPLAINTS_OFFICER], "authority", body.authorityId);
  if (!allowed)
    throw new ForbiddenError(msg`Only the body's people who answer complaints may see its complaints.`);
  const filter = (["due", "overdue", "answered"] as const).find((f) => f === query.filter) ?? "all";
  const after = decodeTimeKey(query.after, "after");
  const today = londonToday(ctx.clock);
  const rows = await repo.bodyComplaints(ctx.db, { body, filter, today, after, limit: BODY_PAGE_SIZE + 1 });
  const page = rows.slice(0, BODY_PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({
      ...r,
      state: bodyListState(r, today),
    })),
    next: rows.length > BODY_PAGE_SIZE && last ? encodeKey([last.created_at.toISOString(), last.id]) : null,
  };
}

/**
 * The signed-in account's complaints waiting on the body (their "waiting" work): its own, and those
 * for the people it acts for with `complain` (none once the grant is withdrawn).
 */
export async function complaintsWaitingOn(ctx: Ctx, limit: number) {
  const p = requireSignedIn(ctx.principal);
  return repo.waitingOnBodies(
    ctx.db,
    p.userId,
    await peopleComplainedFor(ctx),
    limit,
    complainingOrganisations(p),
  );
}

/** Complaints waiting on these bodies (their people's work). Checks no one. */
export const complaintsDue = repo.complaintsDue;

// The second tier's needs of the first (ombudsman.service.ts)

/** A complaint locked, then read, for its complainant's side (signed in, or by the link). */
export const lockedComplaintOf = lockedForComplainant;
/** Tells the complainant of a step (the second tier's too). */
export const tellComplainant = tell;

/** A case's reference: as a complaint's, with O- for ombudsman. */
export function caseReference(): string {
  return `O-${reference().slice(2)}`;
}

/**
 * Who hears for a body that must act (answer a complaint, comment on a draft, comply with a
 * remedy): its own people — a provider's administrators and members, an authority's complaints
 * officers (`own`: they can open what they are told of). When it has none on OpenPS, those who can
 * reach it: for a provider, the responsible authority's complaints officers (`officers`), else the
 * authority's administrators (`admins`), to appoint a complaints officer — so nothing waits unseen.
 */
export async function bodyReach(
  trx: Trx,
  body: { organisationId: string | null; authorityId: string },
): Promise<{ userIds: string[]; reach: "own" | "officers" | "admins" }> {
  if (body.organisationId) {
    const people = await organisationPeople(trx, body.organisationId);
    if (people.length > 0) return { userIds: people, reach: "own" };
  }
  const officers = await authorityRoleHolders(trx, COMPLAINTS_OFFICER, body.authorityId);
  if (officers.length > 0) return { userIds: officers, reach: body.organisationId ? "officers" : "own" };
  return { userIds: await authorityRoleHolders(trx, "authority-admin", body.authorityId), reach: "admins" };
}

/** The body that answers a complaint, as `bodyReach` takes it. */
export function answeringBody(c: Pick<ComplaintRow, "answerer" | "authority_id" | "organisation_id">): {
  organisationId: string | null;
  authorityId: string;
} {
  return {
    organisationId: c.answerer === "provider" ? c.organisation_id : null,
    authorityId: c.authority_id,
  };
}

/**
 * The first-tier file as the ombudsman reads it (the complaint, every stage with its deadlines,
 * extensions and answers, the complainant's contact), checking no one: the ombudsman's service
 * checks its staff and the complainant's consent to carry the file across.
 */
export async function complaintFile(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
): Promise<ComplaintView> {
  const c = await repo.findComplaint(ctx.db, authorityId, complaintId);
  if (!c) throw new NotFoundError("complaint");
  return { ...(await fullView(ctx, c, "body")), showContact: true };
}

/** The complaint is with the ombudsman: 'escalated', and its body's steps no longer count. */
export async function escalatedComplaint(
  trx: Trx,
  authorityId: string,
  id: string,
  now: Date,
): Promise<void> {
  await repo.updateComplaint(trx, authorityId, id, {
    status: "escalated",
    next_due_on: null,
    updated_at: now,
  });
}
