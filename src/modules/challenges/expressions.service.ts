/**
 * Expressions of interest, the body's side: a member of a relevant body (or the lead of two or more
 * of the authority's employees) drafts an EOI for a service on the authority's register — only an
 * authority the Right to Challenge applies to (a council or fire and rescue authority in England) —,
 * changes the draft (private to the body, and to the colleagues an employees' draft names), submits
 * it with every statutory item — inside a window, where the service has any; for employees, once
 * every colleague named has confirmed (employees.service.ts) — and may withdraw it before the
 * decision. The authority's editors are told of a submission and of a withdrawal.
 */
import type { Db, Trx } from "../../db/database.ts";
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
import { addDays, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, type Principal, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { emailProblems } from "../accounts/accounts.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { type Authority, authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import type { Sector } from "../organisations/organisations.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  applicantName,
  assertRightToChallengeApplies,
  type ChallengeContent,
  type ChallengeView,
  CONTENT_COLUMNS,
  type ContentField,
  isApplicant,
  isMember,
  isStaffEmail,
  lockForApplicant,
  MAX_CO_SIGNATORIES,
  NAME_LIMIT,
  NOT_A_DRAFT,
  notifyAuthorityEditors,
  relevantBodyKind,
  submissionProblems,
  TEXT_LIMIT,
} from "./challenges.service.ts";
import type { ApplicantType, CoSignatory, NewCoSignatoryRow } from "./challenges.table.ts";
import { isEmployeeOf } from "./employees.service.ts";
import {
  assertWithinWindow,
  type EffectivePolicy,
  policyOf,
  serviceChoices,
  type WindowView,
  windowsOf,
} from "./policy.service.ts";
import { challengeOf } from "./registers.service.ts";

export type ApplicantInput =
  | { type: "organisation"; organisationId: string }
  | { type: "employees"; coSignatories?: readonly Partial<CoSignatory>[] };

export interface DraftInput {
  serviceId: string;
  /** Who expresses the interest; null when the form's choice was left empty (400). */
  applicant: ApplicantInput | null;
  content?: ChallengeContent;
  /** Submit at once: drafted and submitted together, or neither. */
  submit?: boolean;
}

export interface DraftChanges {
  serviceId?: string;
  content?: ChallengeContent;
  coSignatories?: readonly Partial<CoSignatory>[];
  /** Submit once changed: changed and submitted together, or neither. */
  submit?: boolean;
}

// Checks

async function checkRelevantBody(db: Db, organisationId: string): Promise<repo.ApplicantOrganisation> {
  const org = isUuid(organisationId) ? await repo.applicantOrganisation(db, organisationId) : undefined;
  if (!org)
    throw new UnprocessableError(msg`Choose your organisation from the directory`, [
      {
        field: "organisationId",
        message: msg`Choose an organisation in the directory that you are a member of`,
      },
    ]);
  if (!relevantBodyKind(org))
    throw new UnprocessableError(
      msg`${org.name} is not a relevant body, so it cannot use the Community Right to Challenge`,
      [
        {
          field: "organisationId",
          message: msg`${org.name} is not a relevant body: only voluntary or community bodies, charitable trusts, parish councils (or two or more of the authority's employees) may express an interest (Localism Act 2011, s.81(6)). ${
            org.sector === "public-service-mutual"
              ? msg`A public service mutual counts when its recorded mutual evidence qualifies and it is not for profit.`
              : msg`Companies that trade for profit, and public bodies, cannot.`
          }`,
        },
      ],
      "not_relevant_body",
    );
  return org;
}

function contentProblems(content: ChallengeContent, applicantType: ApplicantType): FieldError[] {
  const problems: FieldError[] = [];
  for (const name of Object.keys(CONTENT_COLUMNS) as ContentField[]) {
    const value = content[name];
    if (value !== undefined && value.trim().length > TEXT_LIMIT)
      problems.push({
        field: name,
        message: msg`Enter ${TEXT_LIMIT.toLocaleString("en-GB")} characters or fewer`,
      });
  }
  if (applicantType !== "employees" && (content.employeeEngagement ?? "").trim() !== "")
    problems.push({
      field: "employeeEngagement",
      message: msg`Only an expression of interest by employees says how it will engage the other employees affected: leave it empty`,
    });
  return problems;
}

/** Co-signatories as typed (400 for each field at fault); rows left wholly empty are dropped. */
function checkCoSignatories(list: readonly Partial<CoSignatory>[]): {
  value: CoSignatory[];
  problems: FieldError[];
} {
  const problems: FieldError[] = [];
  const value: CoSignatory[] = [];
  if (list.length > MAX_CO_SIGNATORIES)
    problems.push({
      field: "coSignatories",
      message: msg`Name at most ${MAX_CO_SIGNATORIES} co-signatories`,
    });
  list.forEach((entry, i) => {
    const name = (entry.name ?? "").trim();
    const jobTitle = (entry.jobTitle ?? "").trim();
    const email = (entry.email ?? "").trim();
    if (name === "" && jobTitle === "" && email === "") return;
    if (name === "" || name.length > NAME_LIMIT)
      problems.push({
        field: `coSignatories.${i}.name`,
        message: msg`Enter co-signatory ${i + 1}'s name (up to ${NAME_LIMIT} characters)`,
      });
    if (jobTitle === "" || jobTitle.length > NAME_LIMIT)
      problems.push({
        field: `coSignatories.${i}.jobTitle`,
        message: msg`Enter co-signatory ${i + 1}'s job title (up to ${NAME_LIMIT} characters)`,
      });
    if (email === "")
      problems.push({
        field: `coSignatories.${i}.email`,
        message: msg`Enter co-signatory ${i + 1}'s work email address: they confirm from an account with it`,
      });
    else if (emailProblems(email).length > 0)
      problems.push({
        field: `coSignatories.${i}.email`,
        message: msg`Enter co-signatory ${i + 1}'s work email address in the correct format, like name@example.gov.uk`,
      });
    value.push({ name, jobTitle, email });
  });
  return { value, problems };
}

/**
 * Co-signatories' addresses against the authority (422): each on one of its staff email domains
 * (none set: ask its administrators), each colleague once, and none the lead's own.
 */
async function checkCoSignatoryAddresses(
  db: Db,
  authority: Authority,
  leadUserId: string,
  list: readonly CoSignatory[],
): Promise<void> {
  if (list.length === 0) return;
  const domains = await repo.staffDomains(db, authority.id);
  if (domains.length === 0)
    throw new UnprocessableError(
      msg`${authority.name} has not set its staff email domains yet, so colleagues cannot confirm that they co-sign. Ask one of its administrators to set them on its Right to Challenge page.`,
      [
        {
          field: "coSignatories",
          message: msg`Ask an administrator of ${authority.name} to set its staff email domains, then name your colleagues with their work addresses`,
        },
      ],
      "staff_domains_not_set",
    );
  const lead = (await repo.verifiedEmailOf(db, leadUserId))?.toLowerCase();
  const seen = new Set<string>();
  const problems: FieldError[] = [];
  list.forEach((s, i) => {
    const field = `coSignatories.${i}.email`;
    const email = s.email.toLowerCase();
    if (!isStaffEmail(email, domains))
      problems.push({
        field,
        message:
          domains.length === 1
            ? msg`Enter co-signatory ${i + 1}'s work email address: it must end in @${domains[0] ?? ""}, ${authority.name}'s staff email domain`
            : msg`Enter co-signatory ${i + 1}'s work email address: it must end in one of ${domains.map((d) => `@${d}`).join(", ")}, ${authority.name}'s staff email domains`,
      });
    else if (email === lead)
      problems.push({
        field,
        message: msg`Co-signatory ${i + 1} has your own email address: name the other employees, as you are the lead`,
      });
    else if (seen.has(email))
      problems.push({ field, message: msg`Co-signatory ${i + 1} is named twice: name each colleague once` });
    seen.add(email);
  });
  if (problems.length > 0)
    throw new UnprocessableError(
      msg`Check the co-signatories' work email addresses`,
      problems,
      "co_signatories_invalid",
    );
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
      msg`An expression of interest is for a service on ${authorityName}'s register`,
      [{ field: "serviceId", message: msg`Choose a service on ${authorityName}'s register` }],
      "service_not_on_register",
    );
  return service;
}

/**
 * Who the applicant is, checked: a relevant body the person is a member of, or the authority's
 * employees (its staff, or with a verified address on a staff email domain) — 403 for anyone else;
 * then, for an authority the Right to Challenge does not apply to, 422; then 422 for an organisation
 * that is not a relevant body.
 */
async function checkApplicant(
  db: Db,
  principal: Principal,
  authority: Authority,
  applicant: ApplicantInput | null,
): Promise<{ applicantType: ApplicantType; organisationId: string | null; coSignatories: CoSignatory[] }> {
  if (applicant === null)
    throw new ValidationError(msg`Choose who is expressing an interest`, [
      {
        field: "applicant",
        message: msg`Choose the organisation you act for, or employees of the authority`,
      },
    ]);
  if (applicant.type === "organisation") {
    if (!isUuid(applicant.organisationId) || !isMember(principal, applicant.organisationId))
      throw new ForbiddenError(
        msg`You can express an interest only for an organisation you are a member of. Ask its administrator to invite you.`,
      );
    assertRightToChallengeApplies(authority);
    const org = await checkRelevantBody(db, applicant.organisationId);
    return { applicantType: "organisation", organisationId: org.id, coSignatories: [] };
  }
  if (!(await isEmployeeOf(db, principal, authority.id)))
    throw new ForbiddenError(
      msg`Only employees of ${authority.name} can express an interest as its employees: sign in with your work email address, or hold a staff role. If you act for an organisation, choose it instead.`,
    );
  assertRightToChallengeApplies(authority);
  const checked = checkCoSignatories(applicant.coSignatories ?? []);
  if (checked.problems.length > 0) throw new ValidationError(msg`Check the co-signatories`, checked.problems);
  await checkCoSignatoryAddresses(db, authority, principal.userId, checked.value);
  return { applicantType: "employees", organisationId: null, coSignatories: checked.value };
}

/**
 * Makes `list` the EOI's co-signatories, keeping the confirmation of each colleague still named (by
 * address). Answers the addresses newly named.
 */
async function saveCoSignatories(
  trx: Trx,
  authorityId: string,
  challengeId: string,
  list: readonly CoSignatory[],
): Promise<string[]> {
  const before = new Map(
    (await repo.coSignatoriesOf(trx, authorityId, challengeId)).flatMap((s) =>
      s.email ? [[s.email.toLowerCase(), s] as const] : [],
    ),
  );
  const rows: NewCoSignatoryRow[] = list.map((s, position) => {
    const kept = before.get(s.email.toLowerCase());
    return {
      authority_id: authorityId,
      challenge_id: challengeId,
      position,
      name: s.name,
      job_title: s.jobTitle,
      email: s.email,
      user_id: kept?.user_id ?? null,
      confirmed_at: kept?.confirmed_at ?? null,
    };
  });
  await repo.replaceCoSignatories(trx, authorityId, challengeId, rows);
  return list.filter((s) => !before.has(s.email.toLowerCase())).map((s) => s.email);
}

/**
 * Asks colleagues to confirm (inbox and email): those newly named who have an account with that
 * verified address, and those whose confirmation a change cleared. Others find the EOI on the
 * authority's Right to Challenge page once they have an account with their work address.
 */
async function askToConfirm(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  challengeId: string,
  authorityId: string,
  ask: { named: readonly string[]; cleared: readonly string[]; lead: string },
): Promise<void> {
  const named = (await repo.verifiedUsersByEmail(trx, ask.named)).map((u) => u.id);
  if (named.length === 0 && ask.cleared.length === 0) return;
  const authority = await authorityById(trx, authorityId);
  const challenge = await repo.findChallenge(trx, authorityId, challengeId);
  const service = challenge?.service_name ?? "a service";
  const link = `/authorities/${authority.slug}/right-to-challenge/${challengeId}`;
  for (const userId of named)
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId,
        kind: "challenge.co-signatory-named",
        subject: `${ask.lead} named you as a co-signatory of an expression of interest`,
        body: `${ask.lead} has named you as one of the employees of ${authority.name} expressing an interest in running ${service} under the Community Right to Challenge. Read it, and confirm on OpenPS if you support it: it cannot be submitted until every colleague named has confirmed.`,
        link,
      },
      { email: true, actor },
    );
  for (const userId of ask.cleared)
    if (!named.includes(userId))
      await notify(
        trx,
        clock,
        {
          userId,
          authorityId,
          kind: "challenge.co-signatory-reconfirm",
          subject: `The expression of interest for ${service} has changed: confirm it again`,
          body: `${ask.lead} has changed the expression of interest you co-signed for ${service}. Read it again, and confirm on OpenPS if you still support it.`,
          link,
        },
        { email: true, actor },
      );
}

// Drafting

/**
 * Starts a draft EOI (it may be incomplete), and submits it at once when asked (both or neither).
 * 403 for someone who is not a member of the organisation (or not an employee, for an employees'
 * EOI); 422 for an authority the Right to Challenge does not apply to, an organisation that is not
 * a relevant body, co-signatories not on the authority's staff email domains, or a service not on
 * its register. Audited; colleagues named are asked to confirm. Returns the EOI as its applicant
 * reads it.
 */
export async function draftChallenge(
  ctx: Ctx,
  authorityId: string,
  input: DraftInput,
): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const p = requireSignedIn(ctx.principal);
    const authority = await authorityById(trx, authorityId);
    const applicant = await checkApplicant(trx, p, authority, input.applicant);
    const content = input.content ?? {};
    const problems = contentProblems(content, applicant.applicantType);
    if (problems.length > 0) throw new ValidationError(msg`Check the expression of interest`, problems);
    const service = await serviceOr422(trx, authorityId, input.serviceId, authority.name);
    const id = await recordDraft(within(ctx, trx, actorOf(p)), {
      authorityId,
      serviceId: service.id,
      ...applicant,
      leadUserId: p.userId,
      content,
    });
    await askToConfirm(trx, ctx.clock, actorOf(p), id, authorityId, {
      named: applicant.coSignatories.map((s) => s.email),
      cleared: [],
      lead: p.displayName,
    });
    if (input.submit) await submitChallenge(within(ctx, trx), authorityId, id);
    return challengeOf(within(ctx, trx), authorityId, id);
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

/** Records a draft EOI, audited. Checks no one and nothing: the caller has (seeds use it). */
export async function recordDraft(ctx: Ctx, draft: DraftRecord, id: string = newId()): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    await repo.insertChallenge(trx, {
      authority_id: draft.authorityId,
      id,
      service_id: draft.serviceId,
      applicant_type: draft.applicantType,
      organisation_id: draft.organisationId,
      lead_user_id: draft.leadUserId,
      ...contentColumns(draft.content),
      status: "draft",
      created_at: now,
      updated_at: now,
    });
    await saveCoSignatories(trx, draft.authorityId, id, draft.coSignatories);
    await recordAudit(trx, ctx.clock, {
      authorityId: draft.authorityId,
      actor: actorIn(ctx),
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
  });
}

/**
 * Changes a draft (409 once submitted), audited with the fields that changed; submits it once
 * changed when asked (both or neither). A change of its content or service clears the colleagues'
 * confirmations (they confirm what is submitted) and asks them again; colleagues newly named are
 * asked to confirm. Returns the EOI as its applicant reads it.
 */
export async function updateDraft(
  ctx: Ctx,
  authorityId: string,
  id: string,
  changes: DraftChanges,
): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p, challenge } = await lockForApplicant(trx, ctx.principal, authorityId, id);
    if (challenge.status !== "draft") throw NOT_A_DRAFT(challenge.status);
    const problems = contentProblems(changes.content ?? {}, challenge.applicant_type);
    let coSignatories: CoSignatory[] | undefined;
    if (changes.coSignatories !== undefined) {
      if (challenge.applicant_type !== "employees")
        problems.push({
          field: "coSignatories",
          message: msg`Only an expression of interest by employees has co-signatories`,
        });
      else {
        const checked = checkCoSignatories(changes.coSignatories);
        problems.push(...checked.problems);
        coSignatories = checked.value;
      }
    }
    if (problems.length > 0) throw new ValidationError(msg`Check the expression of interest`, problems);
    const authority = await authorityById(trx, authorityId);
    if (changes.serviceId !== undefined)
      await serviceOr422(trx, authorityId, changes.serviceId, authority.name);
    if (coSignatories !== undefined) await checkCoSignatoryAddresses(trx, authority, p.userId, coSignatories);
    const columns = contentColumns(changes.content ?? {});
    const changed = Object.keys(columns).filter(
      (k) => challenge[k as keyof typeof columns] !== columns[k as keyof typeof columns],
    );
    const serviceChanged = changes.serviceId !== undefined && changes.serviceId !== challenge.service_id;
    await repo.updateChallenge(trx, authorityId, id, {
      ...columns,
      ...(changes.serviceId !== undefined ? { service_id: changes.serviceId } : {}),
      updated_at: ctx.clock.now(),
    });
    const cleared =
      changed.length > 0 || serviceChanged ? await repo.clearConfirmations(trx, authorityId, id) : [];
    const named =
      coSignatories !== undefined ? await saveCoSignatories(trx, authorityId, id, coSignatories) : [];
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "challenge.draft-changed",
      entity: { type: "challenge", id },
      changes: {
        fields: changed,
        ...(changes.serviceId !== undefined ? { serviceId: changes.serviceId } : {}),
        ...(coSignatories !== undefined ? { coSignatoryCount: coSignatories.length } : {}),
        ...(cleared.length > 0 ? { confirmationsCleared: cleared.length } : {}),
      },
    });
    const stillNamed = new Set(
      (await repo.coSignatoriesOf(trx, authorityId, id)).flatMap((s) =>
        s.email ? [s.email.toLowerCase()] : [],
      ),
    );
    const clearedStillNamed = (await repo.verifiedUsersByEmail(trx, [...stillNamed])).flatMap((u) =>
      cleared.includes(u.id) ? [u.id] : [],
    );
    await askToConfirm(trx, ctx.clock, actorOf(p), id, authorityId, {
      named,
      cleared: clearedStillNamed,
      lead: p.displayName,
    });
    if (changes.submit) await submitChallenge(within(ctx, trx), authorityId, id);
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

// Submitting and withdrawing

/**
 * Submits a draft (its applicant only): 422 for an authority the Right to Challenge does not apply
 * to; 409 outside the service's published windows; 422 listing every statutory item missing and,
 * for employees, every colleague named who has not confirmed, or when the organisation is no longer
 * a relevant body. The decision falls due the policy's decision period after today. The authority's
 * editors are told. Audited.
 */
export async function submitChallenge(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await lockForApplicant(trx, ctx.principal, authorityId, id);
    await recordSubmission(within(ctx, trx, actorOf(p)), authorityId, id);
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

/** Submits a draft with every check but who may: the caller's (seeds use it). */
export async function recordSubmission(ctx: Ctx, authorityId: string, id: string): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const challenge = isUuid(id) ? await repo.lockChallenge(trx, authorityId, id) : undefined;
    if (!challenge) throw new NotFoundError("expression of interest");
    if (challenge.status !== "draft") throw NOT_A_DRAFT(challenge.status);
    const authority = await authorityById(trx, authorityId);
    assertRightToChallengeApplies(authority);
    const service = await serviceOr422(trx, authorityId, challenge.service_id, authority.name);
    if (challenge.organisation_id) await checkRelevantBody(trx, challenge.organisation_id);
    await assertWithinWindow(inTrx, authorityId, service);
    const coSignatories = await repo.coSignatoriesOf(trx, authorityId, id);
    const { missing, unconfirmed } = submissionProblems(
      challenge,
      coSignatories,
      await repo.staffDomains(trx, authorityId),
    );
    if (missing.length > 0)
      throw new UnprocessableError(
        unconfirmed.length > 0
          ? msg`This expression of interest cannot be submitted until it gives every item the law requires: ${missing.length} missing, and ${unconfirmed.length} of the colleagues named still to confirm`
          : msg`This expression of interest cannot be submitted until it gives every item the law requires: ${missing.length} missing`,
        [...missing, ...unconfirmed],
        "statutory_content_missing",
      );
    if (unconfirmed.length > 0)
      throw new UnprocessableError(
        unconfirmed.length === 1
          ? msg`An expression of interest by employees is made by two or more of them: it cannot be submitted until every colleague named has confirmed, and ${unconfirmed.length} of ${coSignatories.length} has not`
          : msg`An expression of interest by employees is made by two or more of them: it cannot be submitted until every colleague named has confirmed, and ${unconfirmed.length} of ${coSignatories.length} have not`,
        unconfirmed,
        "co_signatories_unconfirmed",
      );
    const policy = await policyOf(inTrx, authorityId);
    const now = ctx.clock.now();
    const decisionDue = addDays(londonToday(ctx.clock), policy.decisionPeriodDays);
    await repo.updateChallenge(trx, authorityId, id, {
      status: "submitted",
      submitted_at: now,
      decision_due: decisionDue,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "challenge.submitted",
      entity: { type: "challenge", id },
      changes: {
        serviceId: service.id,
        decisionDue,
        decisionPeriodDays: policy.decisionPeriodDays,
        possibleMutual: challenge.applicant_type === "employees",
      },
    });
    const body = await applicantName(trx, challenge, authority);
    await notifyAuthorityEditors(
      trx,
      ctx.clock,
      actorIn(ctx),
      authority,
      id,
      {
        kind: "challenge.submitted",
        subject: `New expression of interest for ${service.name}`,
        body: `${body} has expressed an interest in providing ${service.name} under the Community Right to Challenge. Record that you have considered it, then decide by ${longDate(decisionDue)}.`,
      },
      challenge.lead_user_id,
    );
  });
}

/** Withdraws an EOI before its decision (its applicant only), audited. The authority's editors are told. */
export async function withdrawChallenge(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p, challenge } = await lockForApplicant(trx, ctx.principal, authorityId, id);
    if (!["draft", "submitted", "considered"].includes(challenge.status))
      throw new ConflictError(
        challenge.status === "withdrawn"
          ? msg`This expression of interest has already been withdrawn.`
          : msg`This expression of interest has been decided and can no longer be withdrawn.`,
        "challenge_closed",
      );
    const now = ctx.clock.now();
    await repo.updateChallenge(trx, authorityId, id, {
      status: "withdrawn",
      withdrawn_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "challenge.withdrawn",
      entity: { type: "challenge", id },
      changes: { from: challenge.status },
    });
    if (challenge.status !== "draft") {
      const authority = await authorityById(trx, authorityId);
      const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
      await notifyAuthorityEditors(trx, ctx.clock, actorOf(p), authority, id, {
        kind: "challenge.withdrawn",
        subject: `An expression of interest for ${service?.name ?? "a service"} was withdrawn`,
        body: `${await applicantName(trx, challenge, authority)} has withdrawn its expression of interest for ${service?.name ?? "the service"}. No decision is needed.`,
      });
    }
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

// What the body's forms show

/** The organisations this person may express an interest for, with whether each is a relevant body. */
export async function applicantChoices(
  ctx: Ctx,
): Promise<{ id: string; name: string; sector: Sector; relevant: boolean }[]> {
  const { principal } = ctx;
  if (!principal) return [];
  const orgs = await repo.organisationsOfUser(ctx.db, principal.userId);
  return orgs
    .filter((o) => isMember(principal, o.id))
    .map((o) => ({ id: o.id, name: o.name, sector: o.sector, relevant: relevantBodyKind(o) !== null }));
}

/**
 * What the form to start an EOI offers: the services, the person's organisations, and whether they
 * are an employee. 422 for an authority the Right to Challenge does not apply to.
 */
export async function startFormOf(ctx: Ctx, authority: Authority) {
  requireSignedIn(ctx.principal);
  assertRightToChallengeApplies(authority);
  const [services, organisations, employee] = await Promise.all([
    serviceChoices(ctx, authority.id),
    applicantChoices(ctx),
    isEmployeeOf(ctx.db, ctx.principal, authority.id),
  ]);
  return { services, organisations, employee };
}

export interface DraftForm {
  challenge: ChallengeView;
  services: { id: string; name: string }[];
  /** The windows of the draft's service. */
  windows: WindowView[];
  policy: EffectivePolicy;
  /** The authority's staff email domains (co-signatories' addresses are on one). */
  staffDomains: string[];
}

/**
 * What the form to change a draft shows: the draft, the services, its service's windows and the
 * policy. 404 as `challengeOf`; 403 for someone else's EOI; 409 once submitted.
 */
export async function draftFormOf(ctx: Ctx, authorityId: string, id: string): Promise<DraftForm> {
  requireSignedIn(ctx.principal);
  const challenge = await challengeOf(ctx, authorityId, id);
  if (!isApplicant(ctx.principal, challenge))
    throw new ForbiddenError(msg`Only the body that made this expression of interest can change it.`);
  if (challenge.status !== "draft")
    throw new ConflictError(
      msg`This expression of interest has been submitted and can no longer be changed.`,
      "challenge_not_draft",
    );
  const [services, windows, policy, staffDomains] = await Promise.all([
    serviceChoices(ctx, authorityId),
    windowsOf(ctx, authorityId, challenge.service_id),
    policyOf(ctx, authorityId),
    repo.staffDomains(ctx.db, authorityId),
  ]);
  return { challenge, services, windows, policy, staffDomains };
}
