/**
 * Grants (docs/grants.md): programmes of a funder — an authority, or an organisation of the
 * directory — with a budget, dates, eligibility rules as data (eligibility.ts), matched funding and
 * the kinds of support; organisations' applications; the funder's decisions; awards tracked against
 * the budget; the payments of an award; and every award published as 360Giving (giving360.ts).
 *
 * Who may do what:
 * - anyone reads programmes, and the 360Giving data of awarded grants;
 * - a programme is set up by its funder's people: an authority's commissioners and administrators,
 *   or an organisation's administrators (platform administrators too);
 * - an organisation's administrators apply for it, while the programme is open;
 * - the funder's people read its applications, decide them (award or refuse: one transaction,
 *   audited, the applicant's people told) and record an award's payments; the applicant's people
 *   read their own application.
 *
 * An award locks the programme's row first, so two awards deciding at once go one after the other
 * and the second sees what the first left: the sum of awards never exceeds the budget (422 naming
 * what is left). Matched funding: the applicant funds at least the programme's share of the award
 * itself, rounded up to the penny (`matchedFundingNeeded`).
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { parsePercent, WHOLE_BP } from "../../lib/basis-points.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addMonths, isIsoDate, londonDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { collect } from "../../lib/ports.ts";
import {
  actorOf,
  hasRole,
  isPlatformAdmin,
  organisationPeople,
  requireSignedIn,
} from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authoritiesByIds, authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import {
  organisationOf,
  organisationProfile,
  organisationsByIds,
  SECTORS,
} from "../organisations/organisations.service.ts";
import { SERVICE_CATEGORIES } from "../vocabularies/service-categories.ts";
import {
  checkRules,
  type EligibilityFailure,
  type EligibilityRule,
  eligibilityFailures,
  factsAsked,
} from "./eligibility.ts";
import {
  type AwardedGrant,
  type GivingOrganisation,
  type GivingPool,
  GRANT_ID_PREFIX,
  givingGrant,
  givingPackage,
  packageProblems,
} from "./giving360.ts";
import { eligibilityFacts, type GrantFunding, grantFunding, supportVocabularyOf } from "./grants.ports.ts";
import * as repo from "./grants.repository.ts";
import {
  type GrantAdviserAssignment,
  type GrantApplication,
  type GrantEndReport,
  type GrantPayment,
  type GrantProgramme,
  SUPPORT_KINDS,
  type SupportKind,
} from "./grants.table.ts";

export const PROGRAMMES_SHOWN = 200;
export const APPLICATIONS_SHOWN = 500;
export const GIVING_PAGE_SIZE = 100;

const AUTHORITY_PEOPLE = ["commissioner", "authority-admin"] as const;

// Arithmetic

/** What the applicant funds itself of an award: `bp` of it, rounded up to the penny. */
export function matchedFundingNeeded(award: bigint, bp: number): bigint {
  return (award * BigInt(bp) + BigInt(WHOLE_BP - 1)) / BigInt(WHOLE_BP);
}

/** What is left of a programme's budget. */
export const leftOf = (p: Pick<GrantProgramme, "budget_pence" | "awarded_pence">) =>
  p.budget_pence - p.awarded_pence;

// Who

function funderIdOf(p: Pick<GrantProgramme, "authority_id" | "funder_organisation_id">): string {
  return (p.authority_id ?? p.funder_organisation_id) as string;
}

/** Whether the caller acts for the programme's funder. */
export function actsForFunder(
  ctx: Ctx,
  p: Pick<GrantProgramme, "authority_id" | "funder_organisation_id">,
): boolean {
  if (isPlatformAdmin(ctx.principal)) return true;
  if (p.authority_id) return hasRole(ctx.principal, [...AUTHORITY_PEOPLE], p.authority_id);
  return hasRole(ctx.principal, "organisation-admin", p.funder_organisation_id ?? "");
}

/** Refuses (403, with `refusal`) anyone signed in who does not act for the programme's funder. */
export function requireFunder(ctx: Ctx, p: GrantProgramme, refusal: () => string): void {
  requireSignedIn(ctx.principal);
  if (!actsForFunder(ctx, p)) throw new ForbiddenError(refusal());
}

/** The organisations the caller may apply for (their administrators'; not platform administrators'). */
export function applicantOrganisations(ctx: Ctx): string[] {
  return (ctx.principal?.grants ?? [])
    .filter((g) => g.role === "organisation-admin" && g.scopeType === "organisation")
    .map((g) => g.scopeId);
}

// Programmes

export interface ProgrammeInput {
  /** A fixed id (the demo seed); a new one otherwise. */
  id?: string;
  title?: string;
  description?: string;
  budget?: string;
  opensOn?: string;
  closesOn?: string;
  /** A percentage as typed ("25"). */
  matchedFunding?: string;
  supportKinds?: string[];
  eligibility?: unknown;
}

function moneyField(
  errors: FieldError[],
  field: string,
  text: string | undefined,
  positive: boolean,
): bigint {
  const parsed = parseMoney(text ?? "");
  if (!parsed.ok) {
    errors.push({ field, message: parsed.error });
    return 0n;
  }
  if (positive && parsed.value <= 0n) errors.push({ field, message: msg`Enter an amount more than £0.00` });
  return parsed.value;
}

/** A programme's fields as its row holds them, once judged (`checkProgramme`). */
interface ProgrammeColumns {
  title: string;
  description: string;
  budget_pence: bigint;
  opens_on: string;
  closes_on: string;
  matched_funding_bp: number;
  support_kinds: SupportKind[];
  eligibility: EligibilityRule[];
}

/** What the audit trail records of a programme's terms (when set up, and before and after a change). */
function auditedTerms(terms: Omit<ProgrammeColumns, "description">) {
  return {
    title: terms.title,
    budgetPence: terms.budget_pence,
    opensOn: terms.opens_on,
    closesOn: terms.closes_on,
    matchedFundingBp: terms.matched_funding_bp,
    supportKinds: terms.support_kinds,
    eligibility: terms.eligibility,
  };
}

/** A programme's fields judged: each one at fault named (400). */
function checkProgramme(input: ProgrammeInput): ProgrammeColumns {
  const errors: FieldError[] = [];
  const title = (input.title ?? "").trim();
  if (title === "" || title.length > 200)
    errors.push({ field: "title", message: msg`Enter the programme's title, up to 200 characters` });
  const description = (input.description ?? "").trim();
  if (description.length > 5000)
    errors.push({ field: "description", message: msg`Describe the programme in up to 5,000 characters` });
  const budget = moneyField(errors, "budget", input.budget, true);
  const opensOn = input.opensOn ?? "";
  const closesOn = input.closesOn ?? "";
  if (!isIsoDate(opensOn))
    errors.push({ field: "opensOn", message: msg`Enter the day the programme opens as a real date` });
  if (!isIsoDate(closesOn))
    errors.push({ field: "closesOn", message: msg`Enter the day the programme closes as a real date` });
  else if (isIsoDate(opensOn) && closesOn < opensOn)
    errors.push({ field: "closesOn", message: msg`Enter a closing day on or after the opening day` });
  const bp = parsePercent(input.matchedFunding ?? "0");
  if (bp === undefined || bp > WHOLE_BP)
    errors.push({
      field: "matchedFunding",
      message: msg`Enter the matched funding as a percentage from 0 to 100`,
    });
  const kinds = [...new Set(input.supportKinds ?? [])];
  if (kinds.length === 0 || !kinds.every((k) => (SUPPORT_KINDS as readonly string[]).includes(k)))
    errors.push({
      field: "supportKinds",
      message: msg`Choose the kinds of support: a grant, adviser time, or both`,
    });
  const checked = checkRules(input.eligibility ?? [], SECTORS);
  if ("problems" in checked)
    for (const message of checked.problems) errors.push({ field: "eligibility", message });
  if (errors.length > 0) throw new ValidationError(msg`Check the programme`, errors);
  return {
    title,
    description,
    budget_pence: budget,
    opens_on: opensOn,
    closes_on: closesOn,
    matched_funding_bp: bp ?? 0,
    support_kinds: kinds as SupportKind[],
    eligibility: "rules" in checked ? checked.rules : [],
  };
}

/** Sets up a programme for an authority (`{ authorityId }`) or an organisation (`{ organisationId }`). */
export async function createProgramme(
  ctx: Ctx,
  funder: { authorityId: string } | { organisationId: string },
  input: ProgrammeInput,
): Promise<GrantProgramme> {
  const p = requireSignedIn(ctx.principal);
  const authorityId = "authorityId" in funder ? funder.authorityId : null;
  const organisationId = "organisationId" in funder ? funder.organisationId : null;
  if (authorityId) await authorityById(ctx.db, authorityId);
  if (organisationId) await organisationOf(ctx.db, organisationId);
  const may = actsForFunder(ctx, { authority_id: authorityId, funder_organisation_id: organisationId });
  if (!may) throw new ForbiddenError(msg`Only the funder's people set up its grant programmes.`);
  const c = checkProgramme(input);
  return transaction(ctx.db, async (trx) => {
    const programme = await repo.insertProgramme(trx, {
      id: input.id ?? newId(),
      authority_id: authorityId,
      funder_organisation_id: organisationId,
      ...c,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "grants.programme-created",
      entity: { type: "grant-programme", id: programme.id },
      changes: { funderOrganisationId: organisationId, ...auditedTerms(programme) },
    });
    return programme;
  });
}

/**
 * Changes a programme while nothing is awarded from it (409 `programme_awarded` after its first
 * award: applicants were judged and awarded by what it said). The funder's people; under the
 * programme's row lock, so an award and a change never cross; audited with what was before.
 */
export async function updateProgramme(
  ctx: Ctx,
  programmeId: string,
  input: ProgrammeInput,
): Promise<GrantProgramme> {
  const p = requireSignedIn(ctx.principal);
  const seen = await programmeOf(ctx.db, programmeId);
  requireFunder(ctx, seen, () => msg`Only the programme's funder's people change it: ask one of them.`);
  const c = checkProgramme(input);
  return transaction(ctx.db, async (trx) => {
    const before = await programmeOf(trx, programmeId, { lock: true });
    const awarded = () =>
      new ConflictError(
        msg`The programme has awarded support already: its budget, dates and rules stay as they were`,
        "programme_awarded",
      );
    if (before.awarded_pence > 0n || (await repo.hasAward(trx, before.id))) throw awarded();
    const programme = await repo.updateUnawardedProgramme(trx, before.id, c);
    if (!programme) throw awarded();
    await recordAudit(trx, ctx.clock, {
      authorityId: before.authority_id,
      actor: actorOf(p),
      action: "grants.programme-changed",
      entity: { type: "grant-programme", id: before.id },
      changes: {
        before: auditedTerms(before),
        after: auditedTerms(c),
      },
    });
    return programme;
  });
}

/** The programme, for its funder's people to change (403 to anyone else signed in). */
export async function programmeToChange(ctx: Ctx, programmeId: string): Promise<ProgrammeView> {
  requireSignedIn(ctx.principal);
  const v = await programmeView(ctx, programmeId);
  requireFunder(
    ctx,
    v.programme,
    () => msg`Only the programme's funder's people change it: ask one of them.`,
  );
  return v;
}

/**
 * Sets up a programme for the funder chosen on the form, `authority:<id>` or `organisation:<id>`:
 * one of the caller's `funderChoices` (400 naming the field otherwise).
 */
export async function createProgrammeFor(
  ctx: Ctx,
  choice: string,
  input: ProgrammeInput,
): Promise<GrantProgramme> {
  const [type, id = ""] = choice.split(":");
  if (!(await funderChoices(ctx)).some((f) => f.type === type && f.id === id))
    throw new ValidationError(msg`Check the programme`, [
      { field: "funder", message: msg`Choose who funds the programme` },
    ]);
  return createProgramme(ctx, type === "organisation" ? { organisationId: id } : { authorityId: id }, input);
}

/** Whether the programme may still be changed: nothing awarded from it yet. */
export const changeable = (p: Pick<GrantProgramme, "awarded_pence">) => p.awarded_pence === 0n;

/**
 * The funders the caller may set up a programme for: the authorities where they are a commissioner
 * or administrator, the organisations they administer (403 when none).
 */
export async function funderChoices(
  ctx: Ctx,
): Promise<{ id: string; type: "authority" | "organisation"; name: string }[]> {
  const p = requireSignedIn(ctx.principal);
  const authorityIds = p.grants
    .filter((g) => g.scopeType === "authority" && (AUTHORITY_PEOPLE as readonly string[]).includes(g.role))
    .map((g) => g.scopeId);
  const [authorities, organisations] = await Promise.all([
    authoritiesByIds(ctx.db, [...new Set(authorityIds)]),
    organisationsByIds(ctx.db, applicantOrganisations(ctx)),
  ]);
  const choices = [
    ...[...authorities.values()].map((a) => ({ id: a.id, type: "authority" as const, name: a.name })),
    ...[...organisations.values()].map((o) => ({ id: o.id, type: "organisation" as const, name: o.name })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  if (choices.length === 0)
    throw new ForbiddenError(
      msg`Only a funder's people set up grant programmes: an authority's commissioners and administrators, or an organisation's administrators.`,
    );
  return choices;
}

export interface ProgrammeView {
  programme: GrantProgramme;
  funderName: string;
  leftPence: bigint;
  /** Open for applications today (London). */
  open: boolean;
}

async function funderNames(db: Db, programmes: readonly GrantProgramme[]): Promise<Map<string, string>> {
  const [authorities, organisations] = await Promise.all([
    authoritiesByIds(
      db,
      programmes.flatMap((p) => (p.authority_id ? [p.authority_id] : [])),
    ),
    organisationsByIds(
      db,
      programmes.flatMap((p) => (p.funder_organisation_id ? [p.funder_organisation_id] : [])),
    ),
  ]);
  const names = new Map<string, string>();
  for (const [id, a] of authorities) names.set(id, a.name);
  for (const [id, o] of organisations) names.set(id, o.name);
  return names;
}

function viewOf(ctx: Ctx, p: GrantProgramme, names: Map<string, string>): ProgrammeView {
  const today = londonToday(ctx.clock);
  return {
    programme: p,
    funderName: names.get(funderIdOf(p)) ?? "",
    leftPence: leftOf(p),
    open: p.opens_on <= today && today <= p.closes_on,
  };
}

/** Every programme (up to `PROGRAMMES_SHOWN`), closing last first. Public. */
export async function listProgrammes(ctx: Ctx): Promise<ProgrammeView[]> {
  const programmes = await repo.listProgrammes(ctx.db, PROGRAMMES_SHOWN);
  const names = await funderNames(ctx.db, programmes);
  return programmes.map((p) => viewOf(ctx, p, names));
}

/** Every programme's awards — how many, the sum awarded, and its budget — for the open figures. Public. */
export async function awardsByProgramme(
  ctx: Pick<Ctx, "db">,
): Promise<{ id: string; title: string; budgetPence: bigint; awards: number; awardedPence: bigint }[]> {
  return (await repo.awardsByProgramme(ctx.db)).map((r) => ({
    id: r.id,
    title: r.title,
    budgetPence: BigInt(r.budget_pence),
    awards: Number(r.awards),
    awardedPence: BigInt(r.awarded_pence),
  }));
}

export async function programmeOf(
  db: Db,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<GrantProgramme> {
  const programme = isUuid(id) ? await repo.findProgramme(db, id, opts) : undefined;
  if (!programme) throw new NotFoundError("grant programme");
  return programme;
}

/** A programme, or 404. Public. */
export async function programmeView(ctx: Ctx, id: string): Promise<ProgrammeView> {
  const programme = await programmeOf(ctx.db, id);
  return viewOf(ctx, programme, await funderNames(ctx.db, [programme]));
}

// Applications

export interface ApplicationInput {
  /** A fixed id (the demo seed); a new one otherwise. */
  id?: string;
  organisationId?: string;
  supportKind?: string;
  purpose?: string;
  amount?: string;
  matched?: string;
  context?: string;
  contextRef?: { type: string; id: string } | null;
  plannedStart?: string;
  plannedEnd?: string;
  /** Adviser time: the spin-out stage and the service area (a service category code) to advise on. */
  adviceStage?: string;
  adviceArea?: string;
}

/** The facts the programme's `fact` rules ask for, from the modules that supply them. */
async function factsFor(
  ctx: Ctx,
  programme: GrantProgramme,
  organisationId: string,
): Promise<Record<string, boolean>> {
  const asked = factsAsked(programme.eligibility);
  if (asked.length === 0) return {};
  const answers = await collect(eligibilityFacts, ctx.db, ctx.clock, organisationId, asked);
  const facts: Record<string, boolean> = {};
  for (const answer of answers)
    for (const [name, value] of Object.entries(answer))
      if (asked.includes(name) && !(name in facts)) facts[name] = value;
  return facts;
}

/** Whether the organisation is eligible for the programme today, and each rule it fails. */
export async function eligibilityOf(
  ctx: Ctx,
  programme: GrantProgramme,
  organisationId: string,
): Promise<EligibilityFailure[]> {
  const profile = await organisationProfile(ctx, organisationId);
  const facts = await factsFor(ctx, programme, organisationId);
  return eligibilityFailures(
    programme.eligibility,
    { sector: profile.sector, startedOn: profile.evidence?.spinOutDate ?? null, facts },
    londonToday(ctx.clock),
  );
}

const flatten = (failures: readonly EligibilityFailure[]): string[] =>
  failures.flatMap((f) => [f.message, ...flatten(f.within ?? [])]);

/**
 * An organisation's administrators apply, while the programme is open (409 otherwise): the support
 * offered, the amount (at most the budget), the matched funding it offers (at least the programme's
 * share of the amount), and every eligibility rule met (422 naming each one failed). Audited.
 */
export async function apply(
  ctx: Ctx,
  programmeId: string,
  input: ApplicationInput,
): Promise<GrantApplication> {
  const p = requireSignedIn(ctx.principal);
  const programme = await programmeOf(ctx.db, programmeId);
  const organisationId = input.organisationId ?? "";
  if (
    !isUuid(organisationId) ||
    !hasRole(p, "organisation-admin", organisationId) ||
    (isPlatformAdmin(p) && !hasRole(p, "organisation-admin", organisationId))
  )
    throw new ForbiddenError(
      msg`Only an organisation's administrators apply for it: choose an organisation you administer.`,
    );
  const today = londonToday(ctx.clock);
  if (today < programme.opens_on || today > programme.closes_on)
    throw new ConflictError(
      msg`The programme takes applications from ${programme.opens_on} to ${programme.closes_on}`,
      "programme_not_open",
    );
  const errors: FieldError[] = [];
  const kind = input.supportKind ?? "";
  if (!(programme.support_kinds as string[]).includes(kind))
    errors.push({ field: "supportKind", message: msg`Choose the kind of support the programme offers` });
  const purpose = (input.purpose ?? "").trim();
  if (purpose === "" || purpose.length > 5000)
    errors.push({ field: "purpose", message: msg`Say what the support is for, in up to 5,000 characters` });
  const amount = moneyField(errors, "amount", input.amount, true);
  const matched = moneyField(errors, "matched", input.matched || "0", false);
  const context = (input.context ?? "").trim();
  if (context.length > 2000)
    errors.push({ field: "context", message: msg`Describe the stage you are at in up to 2,000 characters` });
  const ref = input.contextRef ?? null;
  if (ref && (!/^[a-z][a-z0-9-]{0,39}$/.test(ref.type) || ref.id.length < 1 || ref.id.length > 100))
    errors.push({
      field: "contextRef",
      message: msg`Name the record as a type of lower-case letters and hyphens and its id`,
    });
  const plannedStart = input.plannedStart || null;
  const plannedEnd = input.plannedEnd || null;
  if (plannedStart && !isIsoDate(plannedStart))
    errors.push({ field: "plannedStart", message: msg`Enter the planned start as a real date` });
  if (plannedEnd && !isIsoDate(plannedEnd))
    errors.push({ field: "plannedEnd", message: msg`Enter the planned end as a real date` });
  else if (plannedEnd && plannedStart && plannedEnd < plannedStart)
    errors.push({ field: "plannedEnd", message: msg`Enter a planned end on or after the planned start` });
  let adviceStage: string | null = null;
  let adviceArea: string | null = null;
  if (kind === "adviser-time") {
    adviceStage = input.adviceStage ?? "";
    adviceArea = input.adviceArea ?? "";
    if (!supportVocabularyOf().stages.includes(adviceStage))
      errors.push({
        field: "adviceStage",
        message: msg`Choose the stage of spinning out the adviser is for`,
      });
    if (!SERVICE_CATEGORIES.some((c) => c.code === adviceArea))
      errors.push({ field: "adviceArea", message: msg`Choose the service area the adviser is for` });
  }
  if (errors.length > 0) throw new ValidationError(msg`Check the application`, errors);
  if (amount > programme.budget_pence)
    throw new UnprocessableError(
      msg`Ask for at most the programme's budget, ${formatPence(programme.budget_pence)}`,
      [
        {
          field: "amount",
          message: msg`Ask for at most the programme's budget, ${formatPence(programme.budget_pence)}`,
        },
      ],
    );
  const needed = matchedFundingNeeded(amount, programme.matched_funding_bp);
  if (matched < needed) {
    const message = msg`Offer at least ${formatPence(needed)} of matched funding: the programme asks applicants to fund ${String(programme.matched_funding_bp / 100)}% of the amount themselves`;
    throw new UnprocessableError(message, [{ field: "matched", message }], "matched_funding_short");
  }
  const failures = await eligibilityOf(ctx, programme, organisationId);
  if (failures.length > 0)
    throw new UnprocessableError(
      msg`The organisation is not eligible for this programme`,
      flatten(failures).map((message) => ({ field: "organisationId", message })),
      "not_eligible",
    );
  return transaction(ctx.db, async (trx) => {
    const application = await repo.insertApplication(trx, {
      id: input.id ?? newId(),
      programme_id: programme.id,
      organisation_id: organisationId,
      support_kind: kind as SupportKind,
      purpose,
      amount_pence: amount,
      matched_pence: matched,
      context,
      context_type: ref?.type ?? null,
      context_id: ref?.id ?? null,
      planned_start: plannedStart,
      planned_end: plannedEnd,
      advice_stage: adviceStage,
      advice_area: adviceArea,
      status: "submitted",
      submitted_by: p.userId,
      submitted_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: programme.authority_id,
      actor: actorOf(p),
      action: "grants.application-submitted",
      entity: { type: "grant-application", id: application.id },
      changes: {
        programmeId: programme.id,
        organisationId,
        supportKind: kind,
        amountPence: amount,
        matchedPence: matched,
        contextRef: ref,
        ...(adviceStage ? { adviceStage, adviceArea } : {}),
      },
    });
    return application;
  });
}

export interface ApplicationView {
  application: GrantApplication;
  programme: GrantProgramme;
  organisationName: string;
  /** The caller acts for the funder: may decide, and record payments. */
  funder: boolean;
  matchedNeededPence: bigint;
  payments: GrantPayment[];
  paidPence: bigint;
  /** Adviser time: the adviser assigned (and whether it accepted), if one is. */
  adviser: (GrantAdviserAssignment & { name: string }) | null;
  /** An award's end reports, the first submitted first (end-reports.service.ts). */
  endReports: GrantEndReport[];
  /** Where its end report stands today (`endReportStanding`); null when not awarded. */
  endReportStanding: ReturnType<typeof endReportStanding>;
}

// End reports (end-reports.service.ts)

/** An award's conditions, one a line (a leading "-", "•" or "1." left off), blank lines skipped. */
export function conditionsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[-•*]|\d+[.)])\s*/, "").trim())
    .filter((line) => line !== "");
}

/**
 * Where an award's end report stands on a day: `due` (none submitted, the due day not passed),
 * `overdue` (none submitted and the due day passed; a returned one counts as none), `submitted`
 * (waiting for the funder), `accepted`; null for what is not awarded.
 */
export function endReportStanding(
  a: Pick<GrantApplication, "status" | "end_report_due_on">,
  reports: readonly Pick<GrantEndReport, "status">[],
  today: string,
): "due" | "overdue" | "submitted" | "accepted" | null {
  if (a.status !== "awarded") return null;
  const latest = reports.at(-1);
  if (latest?.status === "accepted" || latest?.status === "submitted") return latest.status;
  if (a.end_report_due_on === null) return "due";
  return today > a.end_report_due_on ? "overdue" : "due";
}

/** The programme's applications: its funder's people. */
export async function applicationsOf(
  ctx: Ctx,
  programmeId: string,
): Promise<{ programme: ProgrammeView; applications: (GrantApplication & { organisationName: string })[] }> {
  const programme = await programmeOf(ctx.db, programmeId);
  requireFunder(
    ctx,
    programme,
    () => msg`Only the programme's funder's people read its applications: ask one of them.`,
  );
  const rows = await repo.applicationsOf(ctx.db, programme.id, APPLICATIONS_SHOWN);
  const orgs = await organisationsByIds(ctx.db, [...new Set(rows.map((r) => r.organisation_id))]);
  return {
    programme: viewOf(ctx, programme, await funderNames(ctx.db, [programme])),
    applications: rows.map((r) => ({ ...r, organisationName: orgs.get(r.organisation_id)?.name ?? "" })),
  };
}

async function viewApplication(
  ctx: Ctx,
  programme: GrantProgramme,
  application: GrantApplication,
): Promise<ApplicationView> {
  const [org, payments, assignment, endReports] = await Promise.all([
    organisationOf(ctx.db, application.organisation_id),
    repo.paymentsOf(ctx.db, application.id),
    repo.assignmentOf(ctx.db, application.id),
    repo.endReportsOf(ctx.db, application.id),
  ]);
  const adviserName = assignment
    ? (await organisationOf(ctx.db, assignment.adviser_organisation_id)).name
    : "";
  return {
    application,
    programme,
    organisationName: org.name,
    funder: actsForFunder(ctx, programme),
    matchedNeededPence: matchedFundingNeeded(
      application.awarded_pence ?? application.amount_pence,
      programme.matched_funding_bp,
    ),
    payments,
    paidPence: payments.reduce((sum, x) => sum + x.amount_pence, 0n),
    adviser: assignment ? { ...assignment, name: adviserName } : null,
    endReports,
    endReportStanding: endReportStanding(application, endReports, londonToday(ctx.clock)),
  };
}

/**
 * An application: the funder's people, the applicant's, and the administrators of the adviser
 * assigned to it (404 to anyone else signed in).
 */
export async function applicationOf(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
): Promise<ApplicationView> {
  requireSignedIn(ctx.principal);
  const programme = await programmeOf(ctx.db, programmeId);
  const application = isUuid(applicationId)
    ? await repo.findApplication(ctx.db, programme.id, applicationId)
    : undefined;
  if (!application) throw new NotFoundError("grant application");
  const applicant = hasRole(
    ctx.principal,
    ["organisation-admin", "organisation-member"],
    application.organisation_id,
  );
  const adviser = async () => {
    const assigned = await repo.assignmentOf(ctx.db, application.id);
    return (
      assigned !== undefined && hasRole(ctx.principal, "organisation-admin", assigned.adviser_organisation_id)
    );
  };
  if (!actsForFunder(ctx, programme) && !applicant && !(await adviser()))
    throw new NotFoundError("grant application");
  return viewApplication(ctx, programme, application);
}

export interface DecisionInput {
  decision?: string;
  amount?: string;
  conditions?: string;
  reasons?: string;
  /** An award: the day its end report is due (YYYY-MM-DD); 12 months after the award when left out. */
  endReportDue?: string;
}

/** The day an award's end report is due by default: 12 months after the award (London). */
export const defaultEndReportDue = (awardDay: string): string => addMonths(awardDay, 12);

/**
 * The funder's people decide an application: award (an amount up to what was asked and what is
 * left of the budget, the matched funding offered covering the programme's share of it, with any
 * conditions) or refuse (with reasons). One transaction, under the programme's row lock: the
 * budget's sum, the decision, its audit record and the notices to the applicant's people. A
 * decided application is 409.
 */
export async function decide(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
  input: DecisionInput,
): Promise<ApplicationView> {
  const p = requireSignedIn(ctx.principal);
  const errors: FieldError[] = [];
  const decision = input.decision ?? "";
  if (decision !== "award" && decision !== "refuse")
    errors.push({ field: "decision", message: msg`Choose whether to award the grant or refuse it` });
  const conditions = (input.conditions ?? "").trim();
  const reasons = (input.reasons ?? "").trim();
  let amount = 0n;
  if (decision === "award") amount = moneyField(errors, "amount", input.amount, true);
  if (decision === "refuse" && (reasons === "" || reasons.length > 5000))
    errors.push({ field: "reasons", message: msg`Give the reasons for refusing, in up to 5,000 characters` });
  if (conditions.length > 5000)
    errors.push({ field: "conditions", message: msg`Give the conditions in up to 5,000 characters` });
  const today = londonToday(ctx.clock);
  const dueText = (input.endReportDue ?? "").trim();
  let endReportDue: string | null = null;
  if (decision === "award") {
    endReportDue = dueText === "" ? defaultEndReportDue(today) : dueText;
    if (dueText !== "" && !isIsoDate(dueText))
      errors.push({
        field: "endReportDue",
        message: msg`Enter the day the end report is due as a real date`,
      });
    else if (dueText !== "" && dueText <= today)
      errors.push({ field: "endReportDue", message: msg`Enter a day after today for the end report` });
  }
  // Looked up before the input is judged: 404 for what the caller may not see, then 403, then 400.
  const seen = await programmeOf(ctx.db, programmeId);
  const known = isUuid(applicationId)
    ? await repo.findApplication(ctx.db, seen.id, applicationId)
    : undefined;
  if (!known) throw new NotFoundError("grant application");
  requireFunder(
    ctx,
    seen,
    () => msg`Only the programme's funder's people decide its applications: ask one of them.`,
  );
  if (errors.length > 0) throw new ValidationError(msg`Check the decision`, errors);
  return transaction(ctx.db, async (trx) => {
    const programme = await programmeOf(trx, programmeId, { lock: true });
    const application = (await repo.findApplication(trx, programme.id, applicationId, {
      lock: true,
    })) as GrantApplication;
    if (application.status !== "submitted")
      throw new ConflictError(msg`This application is decided already`, "application_decided");
    if (decision === "award") {
      if (amount > application.amount_pence) {
        const message = msg`Award at most the ${formatPence(application.amount_pence)} asked for`;
        throw new UnprocessableError(message, [{ field: "amount", message }], "above_asked");
      }
      const left = leftOf(programme);
      if (amount > left) {
        const message = msg`Award at most ${formatPence(left)}: that is what is left of the programme's budget of ${formatPence(programme.budget_pence)}`;
        throw new UnprocessableError(message, [{ field: "amount", message }], "above_budget_left");
      }
      const needed = matchedFundingNeeded(amount, programme.matched_funding_bp);
      if (application.matched_pence < needed) {
        const message = msg`The applicant offered ${formatPence(application.matched_pence)} of matched funding, less than the ${formatPence(needed)} this award needs`;
        throw new UnprocessableError(message, [{ field: "amount", message }], "matched_funding_short");
      }
      await repo.addAwarded(trx, programme.id, amount);
    }
    const now = ctx.clock.now();
    const decided = await repo.decideApplication(trx, application.id, {
      status: decision === "award" ? "awarded" : "refused",
      awarded_pence: decision === "award" ? amount : null,
      conditions: decision === "award" ? conditions : "",
      reasons: decision === "refuse" ? reasons : "",
      decided_by: p.userId,
      decided_at: now,
      end_report_due_on: endReportDue,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: programme.authority_id,
      actor: actorOf(p),
      action: decision === "award" ? "grants.application-awarded" : "grants.application-refused",
      entity: { type: "grant-application", id: application.id },
      changes: {
        programmeId: programme.id,
        organisationId: application.organisation_id,
        ...(decision === "award"
          ? { awardedPence: amount, leftPence: leftOf(programme) - amount, conditions, endReportDue }
          : { reasons }),
      },
    });
    await tellApplicant(within(ctx, trx), programme, decided);
    return viewApplication(within(ctx, trx), programme, decided);
  });
}

async function tellApplicant(
  ctx: Ctx & { db: Trx },
  programme: GrantProgramme,
  a: GrantApplication,
): Promise<void> {
  const users = await organisationPeople(ctx.db, a.organisation_id);
  const title = programme.title;
  const subject =
    a.status === "awarded"
      ? msg`Grant awarded: ${formatPence(a.awarded_pence ?? 0n)} from ${title}`
      : msg`Grant application refused: ${title}`;
  const body =
    a.status === "awarded"
      ? a.conditions
        ? msg`Your application to ${title} is awarded ${formatPence(a.awarded_pence ?? 0n)}, on these conditions: ${a.conditions}`
        : msg`Your application to ${title} is awarded ${formatPence(a.awarded_pence ?? 0n)}.`
      : msg`Your application to ${title} is refused. The reasons given: ${a.reasons}`;
  for (const userId of users)
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: programme.authority_id,
        organisationId: a.organisation_id,
        kind: "grants.decided",
        subject: subject.slice(0, 200),
        body: body.slice(0, 10_000),
        link: `/grants/${programme.id}/applications/${a.id}`,
      },
      { email: true, actor: actorOf(ctx.principal) },
    );
}

// Payments

export interface PaymentInput {
  amount?: string;
  paidOn?: string;
}

/**
 * Records a payment (an instalment) of an award, once per idempotency key: the same key with the
 * same payment answers what the first time did (`replayed`), with another, 409. The payments never
 * add up to more than the award (422 naming what is left to pay). The funder's people; audited.
 */
export async function recordPayment(
  ctx: Ctx,
  programmeId: string,
  applicationId: string,
  key: string,
  input: PaymentInput,
): Promise<{ payment: GrantPayment; replayed: boolean }> {
  const p = requireSignedIn(ctx.principal);
  const errors: FieldError[] = [];
  const amount = moneyField(errors, "amount", input.amount, true);
  const paidOn = input.paidOn ?? "";
  if (!isIsoDate(paidOn))
    errors.push({ field: "paidOn", message: msg`Enter the day it was paid as a real date` });
  if (!/^[A-Za-z0-9_-]{8,100}$/.test(key))
    errors.push({
      field: "idempotencyKey",
      message: msg`Send an idempotency key of 8 to 100 letters, digits, hyphens or underscores`,
    });
  const seen = await programmeOf(ctx.db, programmeId);
  const known = isUuid(applicationId)
    ? await repo.findApplication(ctx.db, seen.id, applicationId)
    : undefined;
  if (!known) throw new NotFoundError("grant application");
  requireFunder(
    ctx,
    seen,
    () => msg`Only the programme's funder's people record the payments of its awards: ask one of them.`,
  );
  if (errors.length > 0) throw new ValidationError(msg`Check the payment`, errors);
  return transaction(ctx.db, async (trx) => {
    const application = (await repo.findApplication(trx, seen.id, applicationId, {
      lock: true,
    })) as GrantApplication;
    const before = await repo.paymentByKey(trx, application.id, key);
    if (before) {
      if (before.amount_pence !== amount || before.paid_on !== paidOn)
        throw new ConflictError(
          msg`This idempotency key was used for a different payment: use a new key for a new payment`,
          "idempotency_key_reused",
        );
      return { payment: before, replayed: true };
    }
    if (application.status !== "awarded")
      throw new ConflictError(msg`Only an awarded grant is paid`, "not_awarded");
    const paid = (await repo.paymentsOf(trx, application.id)).reduce((sum, x) => sum + x.amount_pence, 0n);
    const left = (application.awarded_pence ?? 0n) - paid;
    if (amount > left) {
      const message = msg`Pay at most ${formatPence(left)}: that is what is left to pay of the ${formatPence(application.awarded_pence ?? 0n)} awarded`;
      throw new UnprocessableError(message, [{ field: "amount", message }], "above_award_left");
    }
    const payment = await repo.insertPayment(trx, {
      id: newId(),
      application_id: application.id,
      amount_pence: amount,
      paid_on: paidOn,
      idempotency_key: key,
      recorded_by: p.userId,
      recorded_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: seen.authority_id,
      actor: actorOf(p),
      action: "grants.payment-recorded",
      entity: { type: "grant-application", id: application.id },
      changes: { paymentId: payment.id, amountPence: amount, paidOn, paidBeforePence: paid },
    });
    return { payment, replayed: false };
  });
}

// 360Giving

function givingOrg(
  id: string,
  name: string,
  orgId: string | null,
  kind: "org" | "authority",
): GivingOrganisation {
  const org: GivingOrganisation = { id: orgId ?? `${GRANT_ID_PREFIX}${kind}-${id}`, name };
  if (orgId?.startsWith("GB-COH-")) org.companyNumber = orgId.slice("GB-COH-".length);
  if (orgId?.startsWith("GB-CHC-")) org.charityNumber = orgId.slice("GB-CHC-".length);
  return org;
}

/**
 * The pools that paid each grant (the `grantFunding` port: community budgets answers), their
 * partners as 360Giving organisations (an authority's org-id identifier, as for a funder).
 */
async function poolsOf(
  ctx: Ctx,
  grantIds: readonly string[],
  baseUrl: string | undefined,
): Promise<Map<string, GivingPool[]>> {
  const funding = new Map<string, GrantFunding[]>();
  for (const handler of grantFunding.handlers)
    for (const [grantId, pools] of await handler(ctx.db, grantIds))
      funding.set(grantId, [...(funding.get(grantId) ?? []), ...pools]);
  const partners = await authoritiesByIds(ctx.db, [
    ...new Set([...funding.values()].flat().flatMap((p) => p.funders.map((f) => f.authorityId))),
  ]);
  const base = baseUrl?.replace(/\/+$/, "");
  const out = new Map<string, GivingPool[]>();
  for (const [grantId, pools] of funding)
    out.set(
      grantId,
      pools.map((p) => ({
        id: p.id,
        title: p.title,
        url: base ? `${base}${p.path}` : null,
        funders: p.funders.map((f) => {
          const a = partners.get(f.authorityId);
          return {
            ...givingOrg(f.authorityId, a?.name ?? f.name, a?.org_id ?? null, "authority"),
            pence: f.pence,
          };
        }),
      })),
    );
  return out;
}

/** Awarded applications as the 360Giving grants they are published as (each recipient's profile read once). */
async function awardedGrantsOf(
  ctx: Ctx,
  rows: readonly repo.AwardedRow[],
  baseUrl?: string,
): Promise<AwardedGrant[]> {
  const pools = await poolsOf(
    ctx,
    rows.map((r) => r.application.id),
    baseUrl,
  );
  const recipients = [...new Set(rows.map((r) => r.application.organisation_id))];
  const profiles = new Map(
    await Promise.all(recipients.map(async (id) => [id, await organisationProfile(ctx, id)] as const)),
  );
  const authorities = await authoritiesByIds(ctx.db, [
    ...new Set(rows.flatMap((r) => (r.programme.authority_id ? [r.programme.authority_id] : []))),
  ]);
  const funderOrgs = await organisationsByIds(ctx.db, [
    ...new Set(
      rows.flatMap((r) => (r.programme.funder_organisation_id ? [r.programme.funder_organisation_id] : [])),
    ),
  ]);
  const grants: AwardedGrant[] = rows.map(({ application: a, programme }) => {
    const profile = profiles.get(a.organisation_id);
    const authority = programme.authority_id ? authorities.get(programme.authority_id) : undefined;
    const funderOrg = programme.funder_organisation_id
      ? funderOrgs.get(programme.funder_organisation_id)
      : undefined;
    const funder = authority
      ? givingOrg(authority.id, authority.name, authority.org_id, "authority")
      : givingOrg(funderOrg?.id ?? "", funderOrg?.name ?? "", funderOrg?.primary_identifier ?? null, "org");
    return {
      applicationId: a.id,
      funderKey: funderIdOf(programme),
      title: `${programme.title}: ${profile?.organisation.name ?? ""}`,
      purpose: a.purpose,
      amountAppliedForPence: a.amount_pence,
      amountAwardedPence: a.awarded_pence ?? 0n,
      awardDate: londonDate(a.decided_at as Date),
      plannedStart: a.planned_start,
      plannedEnd: a.planned_end,
      recipient: givingOrg(
        a.organisation_id,
        profile?.organisation.name ?? "",
        profile?.organisation.primary_identifier ?? null,
        "org",
      ),
      funder,
      programme: { id: programme.id, title: programme.title },
      pools: pools.get(a.id) ?? [],
      locations: (profile?.areas ?? []).map((x) => ({ code: x.code, name: x.name })),
      modifiedAt: a.decided_at as Date,
    };
  });
  return grants;
}

/**
 * Awarded grants as 360Giving grants, by decision time then id, after a key (`{ at, id }`: the last
 * one's `modifiedAt` and `applicationId`): the open dataset's pages (src/modules/datasets). Public.
 */
export async function awardedGrantsAfter(
  ctx: Ctx,
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<(AwardedGrant & { identifier: string; supportKind: SupportKind })[]> {
  const rows = await repo.awardedAfter(ctx.db, { after, limit });
  const grants = await awardedGrantsOf(ctx, rows);
  return grants.map((g, i) => ({
    ...g,
    identifier: String(givingGrant(g).id),
    supportKind: (rows[i] as repo.AwardedRow).application.support_kind,
  }));
}

/** When the awarded grants last changed: the latest award (an index's end). */
export const latestAwardedGrant = (ctx: Ctx): Promise<Date | null> => repo.latestAward(ctx.db);

/**
 * A page of awarded grants as a 360Giving package, by decision time (paging by key: `after` is a
 * previous page's `next`), of one funder when named; validated against the shipped schema before it
 * is answered. 404 when there is none (a 360Giving package holds one grant or more).
 */
export async function givingPage(
  ctx: Ctx,
  opts: { funderId?: string; after?: string; pageSize?: number; baseUrl?: string },
): Promise<{ package: ReturnType<typeof givingPackage>; next: string | null }> {
  const limit = Math.min(opts.pageSize ?? GIVING_PAGE_SIZE, GIVING_PAGE_SIZE);
  let after: { at: Date; id: string } | undefined;
  if (opts.after) {
    const [at, id] = opts.after.split("_");
    const when = new Date(at ?? "");
    if (Number.isNaN(when.getTime()) || !isUuid(id))
      throw new ValidationError(msg`Pass as after the next key of a previous page`, [
        { field: "after", message: msg`Pass as after the next key of a previous page` },
      ]);
    after = { at: when, id };
  }
  const rows = await repo.awardedAfter(ctx.db, { funderId: opts.funderId, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  if (page.length === 0) throw new NotFoundError("awarded grants");
  const grants = await awardedGrantsOf(ctx, page, opts.baseUrl);
  const pkg = givingPackage(grants);
  const problems = packageProblems(pkg);
  if (problems.length > 0)
    throw new Error(
      `360Giving data failed its schema: ${problems.map((x) => `${x.path} ${x.message}`).join("; ")}`,
    );
  const last = page.at(-1);
  return {
    package: pkg,
    next:
      rows.length > limit && last
        ? `${(last.application.decided_at as Date).toISOString()}_${last.application.id}`
        : null,
  };
}

// The apply form

/** What the apply form offers: the programme, and the organisations the caller administers (403 if none). */
export async function applyFormOf(
  ctx: Ctx,
  programmeId: string,
): Promise<{ programme: ProgrammeView; organisations: { id: string; name: string }[] }> {
  requireSignedIn(ctx.principal);
  const programme = await programmeView(ctx, programmeId);
  const orgs = await organisationsByIds(ctx.db, applicantOrganisations(ctx));
  if (orgs.size === 0)
    throw new ForbiddenError(msg`Only an organisation's administrators apply for a grant: ask one of yours.`);
  return {
    programme,
    organisations: [...orgs.values()]
      .map((o) => ({ id: o.id, name: o.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
