/**
 * Expressions of interest, the authority's side: its editors record that they considered a
 * submitted EOI (who, when, the evidence weighed), may propose a modification — only on grounds they
 * would otherwise reject on — to which the body agrees on the platform or in writing, and decide
 * once: accept, modify (with the body's agreement) or reject on statutory grounds only, with reasons.
 * The body is told of each step; an accepted EOI creates a draft commissioning project with the
 * procurement window from the policy.
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { addDays, isIsoDate, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { actorOf, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type Authority, authorityById } from "../authorities/authorities.service.ts";
import { checkProject, recordProject } from "../projects/projects.service.ts";
import * as repo from "./challenges.repository.ts";
import {
  type ChallengeView,
  closedConflict,
  GROUND_TEXT,
  lockForApplicant,
  lockForAuthority,
  lockSubmitted,
  notifyApplicant,
  notifyAuthorityEditors,
  TEXT_LIMIT,
} from "./challenges.service.ts";
import {
  type Challenge,
  DECISIONS,
  type Decision,
  REJECTION_GROUNDS,
  type RejectionGround,
} from "./challenges.table.ts";
import { policyOf } from "./policy.service.ts";
import { challengeOf } from "./registers.service.ts";

// Consideration

export interface ConsiderationInput {
  consideredBy: string;
  consideredOn: string;
  evidence: string;
}

/**
 * Records that the authority considered the EOI — who (the officers' names or roles), when, and the
 * evidence weighed — before any decision: its editors only, bar the EOI's own lead employee. Once
 * only (409 after), audited. Returns the EOI.
 */
export async function considerExpressionOfInterest(
  ctx: Ctx,
  authorityId: string,
  id: string,
  input: ConsiderationInput,
): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await lockForAuthority(trx, ctx.principal, authorityId, id);
    await recordConsideration(within(ctx, trx, actorOf(p)), authorityId, id, input);
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

/** Records a consideration with every check but who may: the caller's (seeds use it). */
export async function recordConsideration(
  ctx: Ctx,
  authorityId: string,
  id: string,
  input: ConsiderationInput,
): Promise<void> {
  return transaction(ctx.db, async (trx) => {
    const challenge = await lockSubmitted(trx, authorityId, id);
    const closed = closedConflict(challenge);
    if (closed) throw closed;
    if (challenge.status === "considered")
      throw new ConflictError(
        msg`The consideration of this expression of interest has already been recorded.`,
        "already_considered",
      );
    const problems: FieldError[] = [];
    const consideredBy = input.consideredBy.trim();
    const evidence = input.evidence.trim();
    if (consideredBy === "" || consideredBy.length > 1000)
      problems.push({
        field: "consideredBy",
        message: msg`Enter who considered it: the officers' names or roles (up to 1,000 characters)`,
      });
    if (!isIsoDate(input.consideredOn))
      problems.push({
        field: "consideredOn",
        message: msg`Enter the date it was considered as a real date, like 3 12 2026`,
      });
    if (evidence === "" || evidence.length > TEXT_LIMIT)
      problems.push({ field: "evidence", message: msg`Enter the evidence weighed in considering it` });
    if (problems.length > 0) throw new ValidationError(msg`Check the record of consideration`, problems);
    const submittedOn = londonDate(challenge.submitted_at as Date);
    if (input.consideredOn > londonToday(ctx.clock) || input.consideredOn < submittedOn)
      throw new UnprocessableError(
        msg`The date of consideration must fall between the submission and today`,
        [{ field: "consideredOn", message: msg`Enter a date from ${longDate(submittedOn)} to today` }],
        "consideration_date_invalid",
      );
    const now = ctx.clock.now();
    await repo.updateChallenge(trx, authorityId, id, {
      status: "considered",
      considered_by: consideredBy,
      considered_on: input.consideredOn,
      evidence_weighed: evidence,
      consideration_recorded_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "challenge.considered",
      entity: { type: "challenge", id },
      changes: { consideredOn: input.consideredOn, evidenceWeighed: evidence },
    });
  });
}

// Modification

/** Grounds from a form or the API: 422 naming any not in the statute, or for none. */
function checkGrounds(grounds: readonly string[], field: string, required: string): RejectionGround[] {
  const unique = [...new Set(grounds.map((g) => g.trim()).filter((g) => g !== ""))];
  const unknown = unique.filter((g) => !(REJECTION_GROUNDS as readonly string[]).includes(g));
  if (unknown.length > 0)
    throw new UnprocessableError(
      msg`An expression of interest may be rejected only on the grounds in the statute`,
      [
        {
          field,
          message: msg`Choose grounds from the statutory list only (${REJECTION_GROUNDS.join(", ")}); not: ${unknown.join(", ")}`,
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
 * may be replaced until the body agrees (409 after). Its editors only; audited. Returns the EOI.
 */
export async function proposeModification(
  ctx: Ctx,
  authorityId: string,
  id: string,
  input: ModificationInput,
): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p, challenge } = await lockForAuthority(trx, ctx.principal, authorityId, id);
    const closed = closedConflict(challenge);
    if (closed) throw closed;
    if (challenge.status !== "considered")
      throw new ConflictError(
        msg`Record that you considered this expression of interest before proposing a modification.`,
        "not_considered",
      );
    if (challenge.agreed_on)
      throw new ConflictError(
        msg`The body has already agreed to the proposed modification: decide to modify.`,
        "modification_agreed",
      );
    const modification = input.modification.trim();
    if (modification === "" || modification.length > TEXT_LIMIT)
      throw new ValidationError(msg`Describe the modification`, [
        { field: "modification", message: msg`Describe the modification you propose` },
      ]);
    const grounds = checkGrounds(
      input.grounds,
      "grounds",
      msg`Choose the grounds on which you would otherwise reject it: a modification is only for an EOI you would otherwise reject`,
    );
    const now = ctx.clock.now();
    await repo.updateChallenge(trx, authorityId, id, {
      modification,
      modification_grounds: grounds,
      modification_proposed_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "challenge.modification-proposed",
      entity: { type: "challenge", id },
      changes: { modification, grounds },
    });
    const authority = await authorityById(trx, authorityId);
    const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
    await notifyApplicant(trx, ctx.clock, actorOf(p), challenge, authority, {
      kind: "challenge.modification-proposed",
      subject: `${authority.name} proposes a modification to your expression of interest`,
      body: `${authority.name} would otherwise reject your expression of interest for ${service?.name ?? "the service"}, and proposes this modification instead:\n\n${modification}\n\nIt can accept the modified expression of interest only if you agree. Read it and agree on OpenPS if you do.`,
    });
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

/**
 * The body agrees, through the platform, to the proposed modification (a member of the
 * organisation, or the lead employee). 409 without a proposal, or once agreed. Audited; the
 * authority's editors are told. Returns the EOI.
 */
export async function agreeToModification(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p, challenge } = await lockForApplicant(trx, ctx.principal, authorityId, id);
    const closed = closedConflict(challenge);
    if (closed) throw closed;
    if (!challenge.modification)
      throw new ConflictError(
        msg`The authority has not proposed a modification to agree to.`,
        "no_modification",
      );
    if (challenge.agreed_on)
      throw new ConflictError(
        msg`Your agreement to the modification is already recorded.`,
        "modification_agreed",
      );
    const now = ctx.clock.now();
    const today = londonToday(ctx.clock);
    await repo.updateChallenge(trx, authorityId, id, {
      agreement_kind: "platform",
      agreed_on: today,
      agreement_evidence: null,
      agreement_recorded_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "challenge.modification-agreed",
      entity: { type: "challenge", id },
      changes: { kind: "platform", agreedOn: today },
    });
    const authority = await authorityById(trx, authorityId);
    await notifyAuthorityEditors(trx, ctx.clock, actorOf(p), authority, id, {
      kind: "challenge.modification-agreed",
      subject: msg`The body agreed to the proposed modification`,
      body: msg`The body that made the expression of interest has agreed to your proposed modification. You can now decide to modify and accept it.`,
    });
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

export interface WrittenAgreementInput {
  agreedOn: string;
  evidence: string;
}

/**
 * The authority's editors add the body's written agreement to the proposed modification (its date,
 * and the evidence). 409 without a proposal, or once agreed. Audited. Returns the EOI.
 */
export async function addWrittenAgreement(
  ctx: Ctx,
  authorityId: string,
  id: string,
  input: WrittenAgreementInput,
): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p, challenge } = await lockForAuthority(trx, ctx.principal, authorityId, id);
    const closed = closedConflict(challenge);
    if (closed) throw closed;
    if (!challenge.modification || !challenge.modification_proposed_at)
      throw new ConflictError(
        msg`Propose the modification before recording the body's agreement to it.`,
        "no_modification",
      );
    if (challenge.agreed_on)
      throw new ConflictError(msg`The body's agreement is already recorded.`, "modification_agreed");
    const evidence = checkWrittenAgreement(ctx, challenge.modification_proposed_at, input);
    const now = ctx.clock.now();
    await repo.updateChallenge(trx, authorityId, id, {
      agreement_kind: "written",
      agreed_on: input.agreedOn,
      agreement_evidence: evidence,
      agreement_recorded_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "challenge.modification-agreed",
      entity: { type: "challenge", id },
      changes: { kind: "written", agreedOn: input.agreedOn, evidence },
    });
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

/** Checks a written agreement (400 for a field; 422 for a date before the proposal or after today): its evidence, trimmed. */
function checkWrittenAgreement(ctx: Ctx, proposedAt: Date, input: WrittenAgreementInput): string {
  const problems: FieldError[] = [];
  const evidence = input.evidence.trim();
  if (!isIsoDate(input.agreedOn))
    problems.push({
      field: "agreedOn",
      message: msg`Enter the date the body agreed in writing, as a real date`,
    });
  if (evidence === "" || evidence.length > TEXT_LIMIT)
    problems.push({
      field: "agreementEvidence",
      message: msg`Enter the evidence of the body's written agreement: the letter or email, its date and who signed it`,
    });
  if (problems.length > 0) throw new ValidationError(msg`Check the record of agreement`, problems);
  const proposedOn = londonDate(proposedAt);
  if (input.agreedOn > londonToday(ctx.clock) || input.agreedOn < proposedOn)
    throw new UnprocessableError(
      msg`The body can only have agreed after the modification was proposed, and not in the future`,
      [{ field: "agreedOn", message: msg`Enter a date from ${longDate(proposedOn)} to today` }],
      "agreement_date_invalid",
    );
  return evidence;
}

// The decision

export interface DecisionInput {
  decision: string;
  grounds?: readonly string[];
  reasons: string;
}

/** What the applicant is told of each decision: the notice's subject and its first paragraph. */
const DECISION_TOLD: Record<
  Decision,
  (authority: string, service: string) => { subject: string; body: string }
> = {
  accepted: (authority, service) => ({
    subject: msg`Your expression of interest for ${service} was accepted`,
    body: msg`${authority} has accepted your expression of interest for ${service}.`,
  }),
  modified: (authority, service) => ({
    subject: msg`Your expression of interest for ${service} was accepted with a modification`,
    body: msg`${authority} has accepted with a modification your expression of interest for ${service}.`,
  }),
  rejected: (authority, service) => ({
    subject: msg`Your expression of interest for ${service} was rejected`,
    body: msg`${authority} has rejected your expression of interest for ${service}.`,
  }),
};

/**
 * Decides a considered EOI, once: accept; modify (with the body's recorded agreement to the proposed
 * modification, 409 without); or reject on statutory grounds only (422 for an unknown ground, none,
 * or no reasons). 409 before the consideration is recorded. Its editors only, bar the EOI's own lead
 * employee. Accepting creates a draft commissioning project with the procurement window; the body
 * is told; the decision is published. Audited. Returns the EOI (with the project, when accepted).
 */
export async function decideExpressionOfInterest(
  ctx: Ctx,
  authorityId: string,
  id: string,
  input: DecisionInput,
): Promise<ChallengeView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await lockForAuthority(trx, ctx.principal, authorityId, id);
    await recordDecision(within(ctx, trx, actorOf(p)), authorityId, id, input);
    return challengeOf(within(ctx, trx), authorityId, id);
  });
}

/** Decides an EOI with every check but who may: the caller's (seeds use it). */
export async function recordDecision(
  ctx: Ctx,
  authorityId: string,
  id: string,
  input: DecisionInput,
): Promise<{ projectId: string | null }> {
  return transaction(ctx.db, async (trx) => {
    const challenge = await lockSubmitted(trx, authorityId, id);
    const { decision, grounds, reasons } = checkDecision(challenge, input);
    const authority = await authorityById(trx, authorityId);
    const now = ctx.clock.now();
    await repo.updateChallenge(trx, authorityId, id, {
      status: decision,
      decision,
      rejection_grounds: grounds,
      reasons,
      decided_at: now,
      updated_at: now,
    });
    const projectId =
      decision === "rejected" ? null : await createProjectFor(within(ctx, trx), authority, challenge);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "challenge.decided",
      entity: { type: "challenge", id },
      changes: { decision, grounds, reasons, projectId },
    });
    const service = await repo.serviceOnRegister(trx, authorityId, challenge.service_id);
    const serviceName = service?.name ?? "";
    const told = DECISION_TOLD[decision](authority.name, serviceName);
    await notifyApplicant(trx, ctx.clock, actorIn(ctx), challenge, authority, {
      kind: "challenge.decided",
      subject: told.subject,
      body: [
        told.body,
        ...(grounds ? [msg`Grounds: ${grounds.map((g) => GROUND_TEXT[g]).join("; ")}.`] : []),
        msg`Reasons: ${reasons}`,
        ...(projectId
          ? [
              msg`A procurement exercise open to all will follow, within the period the authority has published.`,
            ]
          : []),
      ].join("\n\n"),
    });
    return { projectId };
  });
}

/**
 * Checks a decision against the EOI: 409 when withdrawn, decided, not yet considered, or a
 * modification without the body's agreement; 400 for no decision; 422 for reasons or grounds at fault.
 */
function checkDecision(
  challenge: Challenge,
  input: DecisionInput,
): { decision: Decision; grounds: RejectionGround[] | null; reasons: string } {
  const closed = closedConflict(challenge);
  if (closed) throw closed;
  if (!(DECISIONS as readonly string[]).includes(input.decision))
    throw new ValidationError(msg`Choose the decision`, [
      { field: "decision", message: msg`Choose accept, modify or reject` },
    ]);
  const decision = input.decision as Decision;
  if (challenge.status !== "considered")
    throw new ConflictError(
      msg`Record that you considered this expression of interest — who, when and the evidence weighed — before deciding it.`,
      "not_considered",
    );
  const reasons = input.reasons.trim();
  const invalid: FieldError[] = [];
  if (reasons === "")
    invalid.push({
      field: "reasons",
      message: msg`Enter the reasons for the decision: they are sent to the body and published`,
    });
  else if (reasons.length > TEXT_LIMIT)
    invalid.push({ field: "reasons", message: msg`Enter reasons of ${TEXT_LIMIT} characters or fewer` });
  let grounds: RejectionGround[] | null = null;
  if (decision === "rejected") {
    try {
      grounds = checkGrounds(
        input.grounds ?? [],
        "grounds",
        msg`Choose at least one statutory ground of rejection`,
      );
    } catch (error) {
      if (!(error instanceof UnprocessableError)) throw error;
      invalid.push(...error.details);
    }
  } else if ((input.grounds ?? []).some((g) => g.trim() !== ""))
    invalid.push({
      field: "grounds",
      message: msg`Grounds of rejection apply only to a rejection: untick them, or choose reject`,
    });
  if (invalid.length > 0)
    throw new UnprocessableError(
      msg`The decision cannot be recorded as it stands`,
      invalid,
      "decision_invalid",
    );
  if (decision === "modified" && (!challenge.modification || !challenge.agreed_on))
    throw new ConflictError(
      challenge.modification
        ? msg`The body has not agreed to the proposed modification. It can agree on OpenPS, or record its written agreement, before you decide to modify.`
        : msg`Propose the modification, naming the grounds on which you would otherwise reject it, and record the body's agreement before deciding to modify.`,
      "modification_not_agreed",
    );
  return { decision, grounds, reasons };
}

/**
 * The draft commissioning project an accepted EOI creates: for its service, with the procurement
 * window from the policy (earliest and latest start, counted from today). Its planned dates start
 * from the window and are the commissioner's to edit.
 */
async function createProjectFor(ctx: Ctx, authority: Authority, challenge: Challenge): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const service = await repo.serviceOnRegister(trx, authority.id, challenge.service_id);
    if (!service) throw new NotFoundError("service");
    const policy = await policyOf(ctx, authority.id);
    const today = londonToday(ctx.clock);
    const earliest = addDays(today, policy.minProcurementDays);
    const latest = addDays(today, policy.maxProcurementDays);
    const areaCode = authority.area_code ?? ((await repo.areaExists(trx, "K02000001")) ? "K02000001" : null);
    if (!areaCode)
      throw new ConflictError(
        msg`${authority.name} has no area recorded, which a commissioning project needs. Ask a platform administrator to record it.`,
        "authority_without_area",
      );
    const need =
      `Community Right to Challenge: an accepted expression of interest (${challenge.id}). ${challenge.outcomes}`.slice(
        0,
        10000,
      );
    const input = await checkProject(within(ctx, trx), authority.id, {
      title: `Right to Challenge: ${service.name}`.slice(0, 200),
      description: `A procurement exercise open to all, following the acceptance of an expression of interest under the Community Right to Challenge. It must start between ${longDate(earliest)} and ${longDate(latest)}. The planned dates are a first draft: change them before publishing.`,
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
    return recordProject(within(ctx, trx), authority.id, input, newId(), {
      challengeId: challenge.id,
      procurementEarliest: earliest,
      procurementLatest: latest,
    });
  });
}

// What the authority's forms show

/**
 * A submitted EOI as the authority's forms show it (consider, propose a modification, decide): 404
 * when unknown or a draft; then its editors only (403).
 */
export async function authorityFormOf(ctx: Ctx, authorityId: string, id: string): Promise<ChallengeView> {
  requireSignedIn(ctx.principal);
  const challenge = await challengeOf(ctx, authorityId, id);
  if (challenge.submitted_at === null) throw new NotFoundError("expression of interest");
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return challenge;
}
