/**
 * The mutual spin-out path (issue 20, docs/mutuals.md): a team of an authority's staff proposes to
 * take a service on its register out as a public service mutual, and moves it along the stages of
 * stages.ts. Who may do what:
 *
 * - **Propose**: a member of the authority's staff (a holder of one of its staff roles, as the
 *   Community Right to Challenge counts employees: challenges `isEmployee`) naming one or more
 *   colleagues, each staff of the same authority — a team of two or more. Made from an employees'
 *   expression of interest (the **right to provide**), only by its lead employee, for its service.
 * - **Tick the checklist, set a stage's owner and target, record the staff transferred and the
 *   mutual's organisation, move to the next stage**: the team's members.
 * - **Decide** at parent body approval: the authority's administrators who are not on the team,
 *   approving or refusing, with reasons either way; the team is told. A refusal is public with its
 *   reasons. Undecided past the published period (decision-period.ts) it is shown as overdue.
 * - **Publish the decision period**: the authority's administrators.
 * - **Record the mutual's survival** (merged into a group, closed): the mutual's administrators.
 *
 * Proposals, their stage, the decision and its reasons are public; the team's names are shown only to
 * the team and the authority's commissioners and administrators (the public sees how many they are).
 */
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import type { FileContent, FileStore } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  authorityRoleHolders,
  hasRole,
  isAuthorityEditor,
  loadGrants,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { displayNamesOf } from "../accounts/accounts.service.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { EMPLOYEE_ROLES } from "../challenges/challenges.service.ts";
import { challengeOf } from "../challenges/registers.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationProfile, organisationsByIds } from "../organisations/organisations.service.ts";
import { appealOfSubject } from "../redress/appeals.service.ts";
import type { AppealableSubject } from "../redress/redress.ports.ts";
import { registerOf, serviceOf } from "../services/services.service.ts";
import {
  DEFAULT_DECISION_PERIOD_WORKING_DAYS,
  decisionDue,
  isDecisionOverdue,
  MAX_DECISION_PERIOD_WORKING_DAYS,
} from "./decision-period.ts";
import * as repo from "./mutuals.repository.ts";
import {
  type Decision,
  type SpinoutDocument,
  type SpinoutProposal,
  SURVIVAL,
  type Survival,
} from "./mutuals.table.ts";
import {
  advance,
  checklistOf,
  type Facts,
  isStageId,
  STAGE_IDS,
  type StageId,
  stageOfItem,
} from "./stages.ts";

type Db = Ctx["db"];

export const LIMITS = { title: 200, summary: 5000, reasons: 10000, team: 20 } as const;

/** Is this person staff of the authority (holds one of its staff roles)? Read from their grants. */
async function isStaff(db: Db, userId: string, authorityId: string): Promise<boolean> {
  const grants = await loadGrants(db, userId);
  return grants.some(
    (g) => g.scopeType === "authority" && g.scopeId === authorityId && EMPLOYEE_ROLES.includes(g.role),
  );
}

function invalid(problems: FieldError[]): ValidationError {
  return new ValidationError(
    problems.length === 1
      ? (problems[0] as FieldError).message
      : msg`Check the proposal: ${problems.length} answers are not right`,
    problems,
  );
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

// Reading

export interface ProposalView {
  proposal: SpinoutProposal;
  authority: { id: string; name: string; slug: string };
  service: { id: string; name: string };
  teamSize: number;
  /** Names, for the team and the authority's commissioners and administrators; empty for anyone else. */
  team: { userId: string; name: string }[];
  stages: {
    id: StageId;
    current: boolean;
    reached: boolean;
    ownerName: string | null;
    ownerId: string | null;
    startedOn: string | null;
    targetOn: string | null;
    doneOn: string | null;
  }[];
  checklist: { id: string; kind: "ticked" | "fact"; done: boolean }[];
  /** What moving on needs: every item of the current stage; `missing` names each not done. */
  canAdvance: boolean;
  missing: string[];
  decision: {
    periodWorkingDays: number;
    due: string | null;
    overdue: boolean;
    decision: Decision | null;
    reasons: string | null;
    decidedAt: Date | null;
  };
  /** The right to provide: the employees' expression of interest it was made from, and the body's answer to it. */
  rightToProvide: {
    challengeId: string;
    status: string;
    answerDue: string | null;
    overdue: boolean;
    decision: string | null;
    reasons: string | null;
  } | null;
  /** The mutual's organisation in the directory, once the team has named it. */
  organisation: { id: string; name: string } | null;
  /** What the reader may do. */
  isMember: boolean;
  mayDecide: boolean;
  /** The mutual's administrators record what became of it, once it trades. */
  mayRecordSurvival: boolean;
  /**
   * The documents the team uploaded, by the stage each was uploaded at: for the team and the
   * authority's administrators (who decide) only; null for anyone else.
   */
  documents:
    | { id: string; stage: StageId; filename: string; mediaType: string; size: number; uploadedOn: string }[]
    | null;
  /** A refusal's appeal to the independent adjudicator (redress), where one was made: its reference and outcome. */
  appeal: Awaited<ReturnType<typeof appealOfSubject>>;
}

async function periodOf(db: Db, authorityId: string): Promise<number> {
  return (await repo.decisionPeriod(db, authorityId))?.days ?? DEFAULT_DECISION_PERIOD_WORKING_DAYS;
}

async function factsOf(
  ctx: Ctx,
  p: SpinoutProposal,
  teamSize: number,
): Promise<Facts & { organisationName: string | null }> {
  let mutualEvidenced = false;
  let organisationName: string | null = null;
  if (p.organisation_id) {
    const profile = await organisationProfile({ ...ctx, principal: null }, p.organisation_id);
    mutualEvidenced = profile.evidence?.qualifies ?? false;
    organisationName = profile.organisation.name;
  }
  return {
    teamSize,
    decision: p.decision,
    staffTransferred: p.staff_transferred,
    mutualEvidenced,
    organisationName,
  };
}

async function proposalRow(db: Db, authorityId: string, id: string, lock = false): Promise<SpinoutProposal> {
  const row = isUuid(id) ? await repo.findProposal(db, authorityId, id, { lock }) : undefined;
  if (!row) throw new NotFoundError("spin-out proposal");
  return row;
}

/** A proposal as its reader sees it. Public; the team's names only for the team and the authority's editors. */
export async function proposalOf(ctx: Ctx, authorityId: string, id: string): Promise<ProposalView> {
  const authority = await authorityById(ctx.db, authorityId);
  const p = await proposalRow(ctx.db, authorityId, id);
  const [service, members, stages, ticks, period] = await Promise.all([
    serviceOf(ctx, authorityId, p.service_id),
    repo.membersOf(ctx.db, authorityId, p.id),
    repo.stagesOf(ctx.db, authorityId, p.id),
    repo.ticksOf(ctx.db, authorityId, p.id),
    periodOf(ctx.db, authorityId),
  ]);
  const userId = ctx.principal?.userId;
  const isMember = userId !== undefined && members.includes(userId);
  const seesNames = isMember || isAuthorityEditor(ctx.principal, authorityId);
  const seesDocuments = isMember || hasRole(ctx.principal, "authority-admin", authorityId);
  const documents = seesDocuments ? await repo.documentsOf(ctx.db, authorityId, p.id) : null;
  const owners = stages.flatMap((s) => (s.owner_id ? [s.owner_id] : []));
  const names = await displayNamesOf(ctx.db, seesNames ? [...members, ...owners] : []);
  const facts = await factsOf(ctx, p, members.length);
  const step = advance(p.stage, ticks, facts);
  const today = londonToday(ctx.clock);
  const due = p.approval_asked_on ? decisionDue(p.approval_asked_on, period, authority.nation) : null;
  const current = STAGE_IDS.indexOf(p.stage);
  let rightToProvide: ProposalView["rightToProvide"] = null;
  if (p.challenge_id) {
    const c = await challengeOf({ ...ctx, principal: null }, authorityId, p.challenge_id);
    rightToProvide = {
      challengeId: c.id,
      status: c.status,
      answerDue: c.decision_due,
      overdue: c.overdue,
      decision: c.decision,
      reasons: c.reasons,
    };
  }
  return {
    proposal: p,
    authority: { id: authority.id, name: authority.name, slug: authority.slug },
    service: { id: service.id, name: service.name },
    teamSize: members.length,
    team: seesNames ? members.map((m) => ({ userId: m, name: names.get(m) ?? "" })) : [],
    stages: STAGE_IDS.map((s, i) => {
      const row = stages.find((r) => r.stage === s);
      return {
        id: s,
        current: s === p.stage,
        reached: i <= current,
        ownerId: seesNames ? (row?.owner_id ?? null) : null,
        ownerName: seesNames && row?.owner_id ? (names.get(row.owner_id) ?? null) : null,
        startedOn: row?.started_on ?? null,
        targetOn: row?.target_on ?? null,
        doneOn: row?.done_on ?? null,
      };
    }),
    checklist: checklistOf(p.stage, ticks, facts),
    canAdvance: step.ok,
    missing: step.ok ? [] : step.reason === "missing" ? step.missing : [],
    decision: {
      periodWorkingDays: period,
      due,
      overdue: p.stage === "parent-body-approval" && isDecisionOverdue(due, p.decision !== null, today),
      decision: p.decision,
      reasons: p.decision_reasons,
      decidedAt: p.decided_at,
    },
    rightToProvide,
    organisation:
      p.organisation_id && facts.organisationName !== null
        ? { id: p.organisation_id, name: facts.organisationName }
        : null,
    isMember,
    documents:
      documents?.map((d) => ({
        id: d.id,
        stage: d.stage,
        filename: d.filename,
        mediaType: d.media_type,
        size: d.size_bytes,
        uploadedOn: londonDate(d.uploaded_at),
      })) ?? null,
    mayRecordSurvival:
      p.spun_out_on !== null &&
      p.organisation_id !== null &&
      hasRole(ctx.principal, "organisation-admin", p.organisation_id),
    appeal: p.decision === "refused" ? await appealOfSubject(ctx, "spin-out", authorityId, p.id) : null,
    mayDecide:
      p.stage === "parent-body-approval" &&
      p.decision === null &&
      hasRole(ctx.principal, "authority-admin", authorityId) &&
      !isMember,
  };
}

export interface ProposalSummary {
  id: string;
  title: string;
  stage: StageId;
  teamSize: number;
  decision: Decision | null;
  overdue: boolean;
  spunOutOn: string | null;
}

/** The authority's proposals, newest first, with their stage and any decision. Public. */
export async function proposalsOf(
  ctx: Ctx,
  authorityId: string,
): Promise<{
  authority: { id: string; name: string; slug: string };
  periodWorkingDays: number;
  proposals: ProposalSummary[];
}> {
  const authority = await authorityById(ctx.db, authorityId);
  const [rows, sizes, period] = await Promise.all([
    repo.proposalsOf(ctx.db, authorityId),
    repo.teamSizes(ctx.db, authorityId),
    periodOf(ctx.db, authorityId),
  ]);
  const today = londonToday(ctx.clock);
  return {
    authority: { id: authority.id, name: authority.name, slug: authority.slug },
    periodWorkingDays: period,
    proposals: rows.map((p) => ({
      id: p.id,
      title: p.title,
      stage: p.stage,
      teamSize: sizes.get(p.id) ?? 0,
      decision: p.decision,
      overdue:
        p.stage === "parent-body-approval" &&
        isDecisionOverdue(
          p.approval_asked_on ? decisionDue(p.approval_asked_on, period, authority.nation) : null,
          p.decision !== null,
          today,
        ),
      spunOutOn: p.spun_out_on,
    })),
  };
}

// Proposing

/** May the reader propose a spin-out of the authority's services (is one of its staff)? */
export function mayPropose(ctx: Ctx, authorityId: string): boolean {
  return (
    ctx.principal?.grants.some(
      (g) => g.scopeType === "authority" && g.scopeId === authorityId && EMPLOYEE_ROLES.includes(g.role),
    ) ?? false
  );
}

/**
 * What the propose form offers: the services on the authority's register, and the proposer's
 * colleagues — the authority's staff (holders of its staff roles) by name. Its staff only.
 */
export async function proposeFormOf(
  ctx: Ctx,
  authorityId: string,
): Promise<{ services: { id: string; name: string }[]; colleagues: { userId: string; name: string }[] }> {
  const p = requireSignedIn(ctx.principal);
  if (!mayPropose(ctx, authorityId))
    throw new ForbiddenError(msg`Only the authority's staff propose a spin-out of its services.`);
  const [services, ...holders] = await Promise.all([
    registerOf(ctx, authorityId),
    ...EMPLOYEE_ROLES.map((role) => authorityRoleHolders(ctx.db, role, authorityId)),
  ]);
  const ids = [...new Set(holders.flat())].filter((id) => id !== p.userId);
  const names = await displayNamesOf(ctx.db, ids);
  const colleagues = ids
    .map((userId) => ({ userId, name: names.get(userId) ?? "" }))
    .filter((c) => c.name !== "")
    .sort((a, b) => a.name.localeCompare(b.name, "en-GB"));
  return { services: services.map((s) => ({ id: s.id, name: s.name })), colleagues };
}

export interface ProposalInput {
  serviceId?: unknown;
  title?: unknown;
  summary?: unknown;
  /** The colleagues on the team besides the proposer: user ids of the authority's staff. */
  memberIds?: unknown;
  /** The right to provide: the employees' expression of interest it is made from. */
  challengeId?: unknown;
}

/**
 * Registers a proposal: the proposer and at least one colleague, staff of the authority. `opts.id`:
 * a fixed id, for the demo seed only.
 */
export async function proposeSpinout(
  ctx: Ctx,
  authorityId: string,
  input: ProposalInput,
  opts: { id?: string } = {},
): Promise<string> {
  const p = requireSignedIn(ctx.principal);
  await authorityById(ctx.db, authorityId);
  if (!(await isStaff(ctx.db, p.userId, authorityId)))
    throw new ForbiddenError(msg`Only the authority's staff propose a spin-out of its services.`);
  const problems: FieldError[] = [];
  const title = text(input.title);
  const summary = text(input.summary);
  if (title === "" || title.length > LIMITS.title)
    problems.push({ field: "title", message: msg`Enter the proposal's title, up to 200 characters` });
  if (summary === "" || summary.length > LIMITS.summary)
    problems.push({
      field: "summary",
      message: msg`Describe what the team proposes, up to 5,000 characters`,
    });
  const ids = Array.isArray(input.memberIds) ? input.memberIds : [];
  const members = [...new Set(ids.filter((m): m is string => typeof m === "string" && isUuid(m)))].filter(
    (m) => m !== p.userId,
  );
  if (members.length === 0 || members.length !== ids.filter((m) => m !== p.userId).length)
    problems.push({
      field: "memberIds",
      message: msg`Choose at least one colleague for the team: a spin-out is proposed by two or more of the authority's staff`,
    });
  else if (members.length >= LIMITS.team)
    problems.push({ field: "memberIds", message: msg`Name at most 19 colleagues: more can join later` });
  let serviceId = typeof input.serviceId === "string" ? input.serviceId : "";
  let challengeId: string | null = null;
  if (input.challengeId !== undefined && input.challengeId !== null && input.challengeId !== "") {
    const c = await challengeOf(ctx, authorityId, String(input.challengeId));
    if (c.applicant_type !== "employees" || c.lead_user_id !== p.userId)
      throw new ForbiddenError(
        msg`Only the lead employee of an employees' expression of interest makes a spin-out proposal from it.`,
      );
    if (c.status === "draft" || c.withdrawn_at !== null)
      throw new ConflictError(
        msg`Submit the expression of interest first: the right to provide starts when the authority has it.`,
      );
    if (await repo.proposalByChallenge(ctx.db, authorityId, c.id))
      throw new ConflictError(
        msg`A spin-out proposal has been made from this expression of interest already.`,
      );
    if (serviceId !== "" && serviceId !== c.service_id)
      problems.push({
        field: "serviceId",
        message: msg`Choose the service the expression of interest is for`,
      });
    serviceId = c.service_id;
    challengeId = c.id;
  }
  if (serviceId === "")
    problems.push({ field: "serviceId", message: msg`Choose a service on the authority's register` });
  if (problems.length > 0) throw invalid(problems);
  await serviceOf(ctx, authorityId, serviceId).catch(() => {
    throw invalid([{ field: "serviceId", message: msg`Choose a service on the authority's register` }]);
  });
  for (const m of members)
    if (!(await isStaff(ctx.db, m, authorityId)))
      throw new UnprocessableError(
        msg`Each colleague on the team must be staff of the authority: one chosen is not`,
        [
          {
            field: "memberIds",
            message: msg`Each colleague on the team must be staff of the authority: one chosen is not`,
          },
        ],
        "not_staff",
      );
  const id = opts.id ?? newId();
  const now = ctx.clock.now();
  await transaction(ctx.db, async (trx) => {
    await repo.insertProposal(trx, {
      authority_id: authorityId,
      id,
      service_id: serviceId,
      title,
      summary,
      proposer_id: p.userId,
      stage: "idea",
      challenge_id: challengeId,
      created_at: now,
    });
    await repo.insertMembers(trx, authorityId, id, [p.userId, ...members], now);
    await repo.startStage(trx, {
      authority_id: authorityId,
      proposal_id: id,
      stage: "idea",
      owner_id: p.userId,
      started_on: londonToday(ctx.clock),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.proposal-registered",
      entity: { type: "spinout-proposal", id },
      changes: { serviceId, teamSize: members.length + 1, challengeId },
    });
  });
  return id;
}

// The team's work

async function requireMember(ctx: Ctx, authorityId: string, proposalId: string) {
  const p = requireSignedIn(ctx.principal);
  const members = await repo.membersOf(ctx.db, authorityId, proposalId);
  if (!members.includes(p.userId))
    throw new ForbiddenError(msg`Only the proposal's team does this: ask one of them to add you.`);
  return { principal: p, members };
}

/** Ticks (or unticks) an item of the current stage's checklist: the team. Facts are not ticked. */
export async function tickItem(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
  item: string,
  done: boolean,
): Promise<void> {
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  const { principal } = await requireMember(ctx, authorityId, before.id);
  const found = stageOfItem(item);
  if (!found) throw new NotFoundError("checklist item");
  if (found.item.kind === "fact")
    throw new UnprocessableError(
      msg`This item is done when the platform knows it is (the team, the decision, the staff transferred, the mutual's evidence): it is not ticked`,
      [],
      "fact_item",
    );
  await transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    if (found.stage !== p.stage)
      throw new ConflictError(
        msg`This item is on another stage than the proposal's: tick the items of its current stage`,
      );
    await repo.setTick(
      trx,
      authorityId,
      p.id,
      item,
      done ? { by: principal.userId, at: ctx.clock.now() } : null,
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: done ? "mutuals.item-ticked" : "mutuals.item-unticked",
      entity: { type: "spinout-proposal", id: p.id },
      changes: { stage: p.stage, item },
    });
  });
}

/** Sets a stage's owner (a team member) and target date: the team. */
export async function setStagePlan(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
  stage: string,
  input: { ownerId?: unknown; targetOn?: unknown },
): Promise<void> {
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  const { members } = await requireMember(ctx, authorityId, before.id);
  if (!isStageId(stage)) throw new NotFoundError("stage");
  const problems: FieldError[] = [];
  const ownerId = input.ownerId === undefined || input.ownerId === null ? null : String(input.ownerId);
  if (ownerId !== null && !members.includes(ownerId))
    problems.push({ field: "ownerId", message: msg`Choose the stage's owner among the team` });
  const targetOn = input.targetOn === undefined || input.targetOn === null ? null : String(input.targetOn);
  if (targetOn !== null && !isIsoDate(targetOn))
    problems.push({ field: "targetOn", message: msg`Enter the target date as a real date, like 2027-03-31` });
  if (problems.length > 0) throw invalid(problems);
  await transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    if (STAGE_IDS.indexOf(stage) < STAGE_IDS.indexOf(p.stage))
      throw new ConflictError(msg`This stage is done: plan the current stage or one still to come`);
    await repo.startStage(trx, {
      authority_id: authorityId,
      proposal_id: p.id,
      stage,
      owner_id: ownerId,
      started_on: londonToday(ctx.clock),
    });
    await repo.updateStage(trx, authorityId, p.id, stage, { owner_id: ownerId, target_on: targetOn });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.stage-planned",
      entity: { type: "spinout-proposal", id: p.id },
      changes: { stage, owner: ownerId ? personalRef("users", ownerId) : null, targetOn },
    });
  });
}

/**
 * What the facts form offers: the organisations the team's members administer (the mutual's
 * organisation is chosen among them), with the one already named. The team only.
 */
export async function factsFormOf(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
): Promise<{ organisations: { id: string; name: string }[] }> {
  const p = await proposalRow(ctx.db, authorityId, proposalId);
  const { members } = await requireMember(ctx, authorityId, p.id);
  const grants = await Promise.all(members.map((m) => loadGrants(ctx.db, m)));
  const ids = new Set(
    grants
      .flat()
      .flatMap((g) => (g.scopeType === "organisation" && g.role === "organisation-admin" ? [g.scopeId] : [])),
  );
  if (p.organisation_id) ids.add(p.organisation_id);
  const found = await organisationsByIds(ctx.db, [...ids]);
  return {
    organisations: [...found.values()]
      .map((o) => ({ id: o.id, name: o.name }))
      .sort((a, b) => a.name.localeCompare(b.name, "en-GB")),
  };
}

// Documents of a stage

/** The documents are for the team and the authority's administrators, who decide; 403 for anyone else. */
async function requireDocumentReader(ctx: Ctx, authorityId: string, proposalId: string): Promise<void> {
  const p = requireSignedIn(ctx.principal);
  if (hasRole(p, "authority-admin", authorityId)) return;
  const members = await repo.membersOf(ctx.db, authorityId, proposalId);
  if (!members.includes(p.userId))
    throw new ForbiddenError(
      msg`A spin-out's documents are for its team and the authority's administrators who decide on it.`,
    );
}

/** The proposal for the team's upload form: the team only. */
export async function documentFormOf(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
): Promise<ProposalView> {
  const p = await proposalRow(ctx.db, authorityId, proposalId);
  await requireMember(ctx, authorityId, p.id);
  return proposalOf(ctx, authorityId, p.id);
}

/**
 * Uploads a document to the stage the proposal is at: the team. Its type is found from its content
 * (the file store's allowed types: PDF, Word, OpenDocument, spreadsheets, images, text); audited.
 */
export async function addDocument(
  ctx: Ctx & { files: FileStore },
  authorityId: string,
  proposalId: string,
  file: { filename: string; content: FileContent } | null,
): Promise<string> {
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  await requireMember(ctx, authorityId, before.id);
  if (!file || file.filename.trim() === "")
    throw invalid([{ field: "document", message: msg`Choose the document to upload` }]);
  const stored = await ctx.files.put({ content: file.content, filename: file.filename, field: "document" });
  const id = newId();
  await transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    await repo.insertDocument(trx, {
      authority_id: authorityId,
      id,
      proposal_id: p.id,
      stage: p.stage,
      file_key: stored.key,
      filename: stored.filename,
      media_type: stored.mediaType,
      size_bytes: stored.size,
      sha256: stored.sha256,
      uploaded_by: ctx.principal?.userId ?? null,
      uploaded_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.document-added",
      entity: { type: "spinout-proposal", id: p.id },
      changes: {
        document: id,
        stage: p.stage,
        mediaType: stored.mediaType,
        size: stored.size,
        sha256: stored.sha256,
      },
    });
  });
  return id;
}

/** A document and its bytes: the team and the authority's administrators (404 for one not there). */
export async function documentOf(
  ctx: Ctx & { files: FileStore },
  authorityId: string,
  proposalId: string,
  documentId: string,
): Promise<{ document: SpinoutDocument; bytes: Uint8Array }> {
  const p = await proposalRow(ctx.db, authorityId, proposalId);
  await requireDocumentReader(ctx, authorityId, p.id);
  const document = isUuid(documentId)
    ? await repo.findDocument(ctx.db, authorityId, p.id, documentId)
    : undefined;
  if (!document) throw new NotFoundError("document");
  return { document, bytes: await ctx.files.get(document.file_key) };
}

/** Records the staff transferred (TUPE) and the mutual's organisation in the directory: the team. */
export async function setSpinoutFacts(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
  input: { staffTransferred?: unknown; organisationId?: unknown },
): Promise<void> {
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  await requireMember(ctx, authorityId, before.id);
  const set: { staff_transferred?: number | null; organisation_id?: string | null } = {};
  if (input.staffTransferred !== undefined) {
    const n = input.staffTransferred;
    if (n !== null && !(Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1_000_000))
      throw invalid([
        { field: "staffTransferred", message: msg`Enter the number of staff transferred as a whole number` },
      ]);
    set.staff_transferred = n as number | null;
  }
  if (input.organisationId !== undefined) {
    const o = input.organisationId === null ? null : String(input.organisationId);
    if (o !== null)
      await organisationProfile({ ...ctx, principal: null }, o).catch(() => {
        throw invalid([
          { field: "organisationId", message: msg`Choose the mutual's organisation in the directory` },
        ]);
      });
    set.organisation_id = o;
  }
  await transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    if (p.spun_out_on !== null)
      throw new ConflictError(
        msg`The mutual has spun out: its staff transferred and organisation are recorded for good`,
      );
    await repo.updateProposal(trx, authorityId, p.id, set);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.facts-recorded",
      entity: { type: "spinout-proposal", id: p.id },
      changes: { staffTransferred: set.staff_transferred, organisationId: set.organisation_id },
    });
  });
}

/**
 * Moves the proposal to its next stage: the team, when every item of its stage is done (422 naming
 * each missing); 409 when refused (appeal) or trading. Reaching parent body approval starts the
 * body's decision period; reaching trading records the spin-out date and the mutual as trading.
 */
export async function advanceProposal(ctx: Ctx, authorityId: string, proposalId: string): Promise<StageId> {
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  const { members } = await requireMember(ctx, authorityId, before.id);
  const facts = await factsOf(ctx, before, members.length);
  return transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    const ticks = await repo.ticksOf(trx, authorityId, p.id);
    const step = advance(p.stage, ticks, {
      ...facts,
      decision: p.decision,
      staffTransferred: p.staff_transferred,
    });
    if (!step.ok) {
      if (step.reason === "last") throw new ConflictError(msg`The mutual is trading: this is the last stage`);
      if (step.reason === "refused")
        throw new ConflictError(
          msg`The parent body refused the proposal: the way on is an appeal to the adjudicator`,
        );
      const details = step.missing.map((item) => ({ field: item, message: msg`Not done yet: ${item}` }));
      throw new UnprocessableError(
        msg`Finish the stage's checklist first: ${step.missing.length} not done (${step.missing.join(", ")})`,
        details,
        "checklist_not_done",
      );
    }
    const today = londonToday(ctx.clock);
    await repo.updateStage(trx, authorityId, p.id, p.stage, { done_on: today });
    await repo.startStage(trx, {
      authority_id: authorityId,
      proposal_id: p.id,
      stage: step.to,
      started_on: today,
    });
    await repo.updateStage(trx, authorityId, p.id, step.to, { started_on: today });
    await repo.updateProposal(trx, authorityId, p.id, {
      stage: step.to,
      ...(step.to === "parent-body-approval" ? { approval_asked_on: today } : {}),
      ...(step.to === "trading"
        ? { spun_out_on: today, survival: "trading" as const, survival_on: today }
        : {}),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.stage-reached",
      entity: { type: "spinout-proposal", id: p.id },
      changes: { from: p.stage, to: step.to },
    });
    return step.to;
  });
}

// The parent body's decision

/**
 * The parent body approves or refuses, with reasons either way: the authority's administrators who
 * are not on the team, at parent body approval, once. The team is told in their inbox.
 */
export async function decideProposal(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
  input: { decision?: unknown; reasons?: unknown },
): Promise<void> {
  const principal = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  if (!hasRole(principal, "authority-admin", authorityId))
    throw new ForbiddenError(
      msg`Only the authority's administrators decide on a spin-out proposal as its parent body.`,
    );
  const members = await repo.membersOf(ctx.db, authorityId, before.id);
  if (members.includes(principal.userId))
    throw new ForbiddenError(
      msg`You are on the proposal's team: another of the authority's administrators decides.`,
    );
  const problems: FieldError[] = [];
  const decision = input.decision === "approved" || input.decision === "refused" ? input.decision : null;
  if (!decision)
    problems.push({
      field: "decision",
      message: msg`Choose whether the authority approves or refuses the proposal`,
    });
  const reasons = text(input.reasons);
  if (reasons === "" || reasons.length > LIMITS.reasons)
    problems.push({
      field: "reasons",
      message: msg`Give the reasons for the decision, up to 10,000 characters: they are published with it`,
    });
  if (problems.length > 0 || !decision) throw invalid(problems);
  await transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    if (p.stage !== "parent-body-approval")
      throw new ConflictError(msg`The proposal is not waiting for the parent body's decision`);
    if (p.decision !== null) throw new ConflictError(msg`The parent body has decided already`);
    await repo.updateProposal(trx, authorityId, p.id, {
      decision,
      decision_reasons: reasons,
      decided_by: principal.userId,
      decided_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: decision === "approved" ? "mutuals.proposal-approved" : "mutuals.proposal-refused",
      entity: { type: "spinout-proposal", id: p.id },
      changes: { decision },
    });
    for (const userId of members)
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          kind: "mutuals.decision",
          subject:
            decision === "approved"
              ? `${authority.name} approved your spin-out proposal`
              : `${authority.name} refused your spin-out proposal`,
          body:
            decision === "approved"
              ? `${authority.name} approved "${p.title}". Its reasons: ${reasons}`
              : `${authority.name} refused "${p.title}". Its reasons: ${reasons}\n\nThe refusal is published with its reasons, and can be appealed to the adjudicator of the service's area.`,
          link: `/authorities/${authority.slug}/spin-outs/${p.id}`,
        },
        { email: true, actor: actorIn(ctx) },
      );
  });
}

/** May the reader publish the authority's decision period (one of its administrators)? */
export function mayPublishPeriod(ctx: Ctx, authorityId: string): boolean {
  return (
    ctx.principal?.grants.some(
      (g) => g.scopeType === "authority" && g.scopeId === authorityId && g.role === "authority-admin",
    ) ?? false
  );
}

/** The decision period's form: the period now, in working days. The authority's administrators. */
export async function decisionPeriodFormOf(ctx: Ctx, authorityId: string): Promise<{ workingDays: number }> {
  requireSignedIn(ctx.principal);
  if (!mayPublishPeriod(ctx, authorityId))
    throw new ForbiddenError(
      msg`Only the authority's administrators publish its period for deciding on spin-outs.`,
    );
  return { workingDays: await periodOf(ctx.db, authorityId) };
}

/** Publishes the authority's period for deciding, in working days: its administrators. */
export async function setDecisionPeriod(
  ctx: Ctx,
  authorityId: string,
  input: { workingDays?: unknown },
): Promise<number> {
  const principal = requireSignedIn(ctx.principal);
  await authorityById(ctx.db, authorityId);
  if (!hasRole(principal, "authority-admin", authorityId))
    throw new ForbiddenError(
      msg`Only the authority's administrators publish its period for deciding on spin-outs.`,
    );
  const days = input.workingDays;
  if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > MAX_DECISION_PERIOD_WORKING_DAYS)
    throw invalid([
      {
        field: "workingDays",
        message: msg`Enter the period as a whole number of working days from 1 to 250`,
      },
    ]);
  await transaction(ctx.db, async (trx) => {
    await repo.upsertDecisionPeriod(trx, authorityId, {
      decision_period_working_days: days as number,
      set_by: principal.userId,
      set_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.decision-period-set",
      entity: { type: "authority", id: authorityId },
      changes: { workingDays: days },
    });
  });
  return days as number;
}

// After spin-out

/** Records the mutual's survival (merged into a group, closed, or trading again), with its date: the mutual's administrators. */
export async function recordSurvival(
  ctx: Ctx,
  authorityId: string,
  proposalId: string,
  input: { survival?: unknown; on?: unknown },
): Promise<void> {
  const principal = requireSignedIn(ctx.principal);
  const before = await proposalRow(ctx.db, authorityId, proposalId);
  if (before.spun_out_on === null || before.organisation_id === null)
    throw new ConflictError(msg`The proposal has not spun out yet: its survival is recorded once it trades`);
  if (!hasRole(principal, "organisation-admin", before.organisation_id))
    throw new ForbiddenError(msg`Only the mutual's administrators record what became of it.`);
  const problems: FieldError[] = [];
  const survival = (SURVIVAL as readonly unknown[]).includes(input.survival)
    ? (input.survival as Survival)
    : null;
  if (!survival)
    problems.push({ field: "survival", message: msg`Choose trading, merged into a group, or closed` });
  const on = typeof input.on === "string" && isIsoDate(input.on) ? input.on : null;
  if (!on) problems.push({ field: "on", message: msg`Enter the date as a real date, like 2027-03-31` });
  else if (on < before.spun_out_on || on > londonToday(ctx.clock))
    problems.push({ field: "on", message: msg`Enter a date between the spin-out and today` });
  if (problems.length > 0 || !survival || !on) throw invalid(problems);
  await transaction(ctx.db, async (trx) => {
    const p = await proposalRow(trx, authorityId, proposalId, true);
    await repo.updateProposal(trx, authorityId, p.id, { survival, survival_on: on });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "mutuals.survival-recorded",
      entity: { type: "spinout-proposal", id: p.id },
      changes: { survival, on },
    });
  });
}

// On a service's page (services' `servicePanels` port, plugged in src/wiring.ts)

/** The spin-out proposals of a service, with the way to propose one: a section of the service's page. */
export async function serviceSpinoutPanel(
  db: Db,
  _clock: Ctx["clock"],
  service: { authorityId: string; serviceId: string },
): Promise<Panel> {
  const rows = await repo.proposalsOf(db, service.authorityId);
  const spinouts = rows
    .filter((p) => p.service_id === service.serviceId)
    .map((p) => ({ id: p.id, title: p.title, stage: p.stage, decision: p.decision }));
  return { template: "mutuals/views/partials/service-spinouts.njk", context: { spinouts } };
}

// Appeals to the independent adjudicator (redress's `appealableSubjects` port, plugged in src/wiring.ts)

/** How many refused proposals are offered for appeal (the most recently decided). */
export const APPEAL_ROWS = 100;

/**
 * The refused proposals of teams the signed-in person is on: each member may appeal the parent body's
 * refusal, for themself, to the adjudicator of the service's area (its register's service category).
 */
export async function spinoutAppealSubjects(ctx: Ctx): Promise<AppealableSubject[] | undefined> {
  const userId = ctx.principal?.userId;
  if (!userId) return undefined;
  const rows = await repo.refusedProposalsOfMember(ctx.db, userId, APPEAL_ROWS);
  const out: AppealableSubject[] = [];
  for (const p of rows) {
    const service = await serviceOf({ ...ctx, principal: null }, p.authority_id, p.service_id);
    out.push({
      kind: "spin-out",
      authorityId: p.authority_id,
      authorityName: p.authority_name,
      id: p.id,
      title: p.title,
      serviceArea: service.category_code,
      why: "refused",
      decidedOn: londonDate(p.decided_at ?? p.created_at),
      organisationId: null,
      path: `/authorities/${p.authority_slug}/spin-outs/${p.id}`,
    });
  }
  return out;
}

/**
 * The followers of an appeal about a refused proposal (redress's `appealFollowers` port, plugged in
 * src/wiring.ts): its team (the appellant left out by redress), and the proposal's page. Nothing for
 * other subjects.
 */
export async function spinoutAppealFollowers(
  ctx: Ctx,
  subject: { kind: string; authorityId: string; id: string },
): Promise<{ userIds: string[]; path: string } | undefined> {
  if (subject.kind !== "spin-out") return undefined;
  const p = isUuid(subject.id) ? await repo.findProposal(ctx.db, subject.authorityId, subject.id) : undefined;
  if (!p) return undefined;
  const authority = await authorityById(ctx.db, subject.authorityId);
  return {
    userIds: await repo.membersOf(ctx.db, subject.authorityId, p.id),
    path: `/authorities/${authority.slug}/spin-outs/${p.id}`,
  };
}
