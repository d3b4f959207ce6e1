/**
 * Expressions of interest, the body's side: a member of a relevant body (or the lead of two or more
 * of the authority's employees) drafts an EOI for a service on the authority's register, changes
 * the draft (private to the body), submits it with every statutory item — inside a window, where the
 * service has any — and may withdraw it before the decision. The authority's editors are told of a
 * submission and of a withdrawal.
 */
import type { Db } from "../../db/database.ts";
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
import { addDays, londonToday, longDate } from "../../lib/london-time.ts";
import { actorOf, type Principal, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { Sector } from "../organisations/organisations.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  applicantName,
  type ChallengeContent,
  type ChallengeView,
  CONTENT_COLUMNS,
  type ContentField,
  isApplicant,
  isEmployee,
  isMember,
  lockForApplicant,
  MAX_CO_SIGNATORIES,
  missingItems,
  NAME_LIMIT,
  NOT_A_DRAFT,
  notifyAuthorityEditors,
  relevantBodyKind,
  TEXT_LIMIT,
} from "./challenges.service.ts";
import type { ApplicantType, CoSignatory } from "./challenges.table.ts";
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

/** Who the applicant is, checked: a relevant body the person is a member of, or the authority's employees. */
async function checkApplicant(
  db: Db,
  principal: Principal,
  authority: { id: string; name: string },
  applicant: ApplicantInput | null,
): Promise<{ applicantType: ApplicantType; organisationId: string | null; coSignatories: CoSignatory[] }> {
  if (applicant === null)
    throw new ValidationError("Choose who is expressing an interest", [
      { field: "applicant", message: "Choose the organisation you act for, or employees of the authority" },
    ]);
  if (applicant.type === "organisation") {
    if (!isUuid(applicant.organisationId) || !isMember(principal, applicant.organisationId))
      throw new ForbiddenError(
        "You can express an interest only for an organisation you are a member of. Ask its administrator to invite you.",
      );
    const org = await checkRelevantBody(db, applicant.organisationId);
    return { applicantType: "organisation", organisationId: org.id, coSignatories: [] };
  }
  if (!isEmployee(principal, authority.id))
    throw new ForbiddenError(
      `Only employees of ${authority.name} can express an interest as its employees. If you act for an organisation, choose it instead.`,
    );
  const checked = checkCoSignatories(applicant.coSignatories ?? []);
  if (checked.problems.length > 0) throw new ValidationError("Check the co-signatories", checked.problems);
  return { applicantType: "employees", organisationId: null, coSignatories: checked.value };
}

// Drafting

/**
 * Starts a draft EOI (it may be incomplete), and submits it at once when asked (both or neither).
 * 403 for someone who is not a member of the organisation (or not an employee, for an employees'
 * EOI); 422 for an organisation that is not a relevant body, or a service not on this authority's
 * register. Audited. Returns the EOI as its applicant reads it.
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
    const problems = contentProblems(content);
    if (problems.length > 0) throw new ValidationError("Check the expression of interest", problems);
    const service = await serviceOr422(trx, authorityId, input.serviceId, authority.name);
    const id = await recordDraft(within(ctx, trx, actorOf(p)), {
      authorityId,
      serviceId: service.id,
      ...applicant,
      leadUserId: p.userId,
      content,
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
      co_signatories: JSON.stringify(draft.coSignatories),
      ...contentColumns(draft.content),
      status: "draft",
      created_at: now,
      updated_at: now,
    });
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
 * changed when asked (both or neither). Returns the EOI as its applicant reads it.
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
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
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
    if (changes.submit) await submitChallenge(within(ctx, trx), authorityId, id);
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

// Submitting and withdrawing

/**
 * Submits a draft (its applicant only): 409 outside the service's published windows; 422 listing
 * every statutory item missing, or when the organisation is no longer a relevant body. The decision
 * falls due the policy's decision period after today. The authority's editors are told. Audited.
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
    const service = await serviceOr422(trx, authorityId, challenge.service_id, authority.name);
    if (challenge.organisation_id) await checkRelevantBody(trx, challenge.organisation_id);
    await assertWithinWindow(inTrx, authorityId, service);
    const missing = missingItems(challenge);
    if (missing.length > 0)
      throw new UnprocessableError(
        `This expression of interest cannot be submitted until it gives every item the law requires: ${missing.length} missing`,
        missing,
        "statutory_content_missing",
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
          ? "This expression of interest has already been withdrawn."
          : "This expression of interest has been decided and can no longer be withdrawn.",
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

/** What the form to start an EOI offers: the services, the person's organisations, and whether they are an employee. */
export async function startFormOf(ctx: Ctx, authorityId: string) {
  requireSignedIn(ctx.principal);
  const [services, organisations] = await Promise.all([
    serviceChoices(ctx, authorityId),
    applicantChoices(ctx),
  ]);
  return { services, organisations, employee: isEmployee(ctx.principal, authorityId) };
}

export interface DraftForm {
  challenge: ChallengeView;
  services: { id: string; name: string }[];
  /** The windows of the draft's service. */
  windows: WindowView[];
  policy: EffectivePolicy;
}

/**
 * What the form to change a draft shows: the draft, the services, its service's windows and the
 * policy. 404 as `challengeOf`; 403 for someone else's EOI; 409 once submitted.
 */
export async function draftFormOf(ctx: Ctx, authorityId: string, id: string): Promise<DraftForm> {
  requireSignedIn(ctx.principal);
  const challenge = await challengeOf(ctx, authorityId, id);
  if (!isApplicant(ctx.principal, challenge))
    throw new ForbiddenError("Only the body that made this expression of interest can change it.");
  if (challenge.status !== "draft")
    throw new ConflictError(
      "This expression of interest has been submitted and can no longer be changed.",
      "challenge_not_draft",
    );
  const [services, windows, policy] = await Promise.all([
    serviceChoices(ctx, authorityId),
    windowsOf(ctx, authorityId, challenge.service_id),
    policyOf(ctx, authorityId),
  ]);
  return { challenge, services, windows, policy };
}
