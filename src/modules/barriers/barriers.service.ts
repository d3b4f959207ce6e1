/**
 * The barriers register (issue 20, item 5; docs/barriers.md): barriers to entry logged against an
 * authority — one of its tenders, the authority itself, or a policy — and the authority's answers on
 * a published clock (clock.ts).
 *
 * - **Who logs**: anyone signed in who acts for an organisation of the directory (its administrators
 *   and members: the organisation's sector is kept for the national counts) or for a public body (its
 *   people of any role: counted as "public body"). Citizens and platform administrators do not log:
 *   a barrier to entry is met by those who provide or commission services. A logger who acts for
 *   more than one names the organisation (400 otherwise).
 * - **Anonymous**: a logger may ask that the public does not see who logged it; the authority's
 *   people still see the organisation and the person, so that they can answer and put it right.
 * - **Who answers**: the authority's commissioners and administrators (not platform administrators:
 *   they do not speak for it). An acknowledgement is a holding reply, given once, before anything
 *   else; accepted (what it will change), disputed (with reasons) and resolved (what changed) are
 *   answers in substance: the first of them stops the clock. Nothing follows "resolved" (409).
 *   Each answer is audited (`barrier.answered`) and the logger told (notice `barrier.answered`).
 * - **Who sees**: everyone sees an authority's barriers and their answers; the national figures
 *   (figures.service.ts) count them with small numbers suppressed.
 * - **Evidence**: documents the logger uploads when logging or afterwards (the file store), public
 *   only if the logger says so; otherwise downloaded by the logger, their organisation's people and
 *   the authority's commissioners and administrators. Everyone sees that evidence exists.
 * - **The authority told**: its commissioners and administrators when a barrier is logged
 *   (`barrier.logged`); reminders and the overdue notice come from the daily sweep (reminders.service.ts).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { decodeBase64 } from "../../lib/base64.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../lib/errors.ts";
import type { FileContent, FileStore, StoredFile } from "../../lib/file-store.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  actorOf,
  commissioningPeople,
  hasRole,
  isAuthorityEditor,
  type Principal,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { displayNamesOf } from "../accounts/accounts.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { type Authority, authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { effectiveSectorOf, organisationsByIds } from "../organisations/organisations.service.ts";
import { appealOfSubject } from "../redress/appeals.service.ts";
import type { AppealableSubject } from "../redress/redress.ports.ts";
import { findTender, tendersOf } from "../tenders/tenders.service.ts";
import type { BarriersCtx } from "./barriers.context.ts";
import * as repo from "./barriers.repository.ts";
import {
  ANSWER_KINDS,
  type AnswerKind,
  BARRIER_SUBJECTS,
  type Barrier,
  type BarrierAnswer,
  type BarrierEvidence,
  type BarrierSubject,
} from "./barriers.table.ts";
import { answerDueOn, answeredLate, isOverdue } from "./clock.ts";
import { FIXABLE_KINDS, isBarrierKind } from "./kinds.ts";

/** How many of an authority's barriers its list shows, newest first. */
export const LIST_SHOWN = 100;
/** How many open barriers the tender set-up panel shows. */
export const PANEL_SHOWN = 10;

export const LIMITS = { policy: 300, policyUrl: 500, description: 5000, answer: 5000 } as const;

/** The sector counted for a public body's people. */
export const PUBLIC_BODY_SECTOR = "public-body";

const ORGANISATION_ROLES = ["organisation-admin", "organisation-member"] as const;
const BODY_ROLES = [
  "commissioner",
  "authority-admin",
  "evaluator",
  "bid-opener",
  "care-staff",
  "regulator-staff",
  "ombudsman-staff",
  "consumer-champion",
  "complaints-officer",
] as const;

export interface LogInput {
  kind?: string;
  subject?: string;
  tenderId?: string;
  policy?: string;
  policyUrl?: string;
  description?: string;
  organisationId?: string;
  anonymous?: boolean;
  /** Documents of evidence (at most `MAX_EVIDENCE`). */
  evidence?: EvidenceInput[];
  /** Whether the public may download them (otherwise: the logger's organisation and the authority's people). */
  evidencePublic?: boolean;
}

/** A document of evidence: a page's upload, or the API's base64. */
export interface EvidenceInput {
  filename?: string;
  content?: FileContent;
  contentBase64?: string;
}

/** The most documents a barrier carries. */
export const MAX_EVIDENCE = 10;

export interface AnswerInput {
  kind?: string;
  text?: string;
}

/** The organisations a person logs for (their administrators' and members' grants). */
function organisationsActedFor(p: Principal): string[] {
  return [
    ...new Set(
      p.grants
        .filter((g) => (ORGANISATION_ROLES as readonly string[]).includes(g.role))
        .map((g) => g.scopeId),
    ),
  ];
}

function actsForPublicBody(p: Principal): boolean {
  return p.grants.some((g) => (BODY_ROLES as readonly string[]).includes(g.role));
}

/** Whether the principal may log barriers at all (for the pages' links). */
export function mayLog(principal: Principal | null): boolean {
  return principal !== null && (organisationsActedFor(principal).length > 0 || actsForPublicBody(principal));
}

/** Who the barrier is logged for: an organisation the person acts for, or their public body. */
async function loggerOf(ctx: Ctx, p: Principal, asked: string | undefined) {
  const orgs = organisationsActedFor(p);
  if (asked) {
    if (!orgs.includes(asked)) {
      const message = msg`Choose an organisation you act for`;
      throw new ValidationError(message, [{ field: "organisationId", message }]);
    }
    return { organisationId: asked, sector: (await effectiveSectorOf(ctx.db, asked)) ?? "sme" };
  }
  if (orgs.length === 1) {
    const only = orgs[0] as string;
    return { organisationId: only, sector: (await effectiveSectorOf(ctx.db, only)) ?? "sme" };
  }
  if (orgs.length > 1) {
    const message = msg`Choose the organisation you met this barrier for`;
    throw new ValidationError(message, [{ field: "organisationId", message }]);
  }
  if (actsForPublicBody(p)) return { organisationId: null, sector: PUBLIC_BODY_SECTOR };
  throw new ForbiddenError(
    msg`Barriers are logged by the people of an organisation in the directory or of a public body: join your organisation's account to log one.`,
  );
}

const HTTP_URL = /^https?:\/\/[^\s]+$/;

/** The barrier as sent, checked: each problem names its field. */
async function checkedBarrier(ctx: Ctx, authorityId: string, input: LogInput) {
  const problems: FieldError[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  const kind = (input.kind ?? "").trim();
  if (!isBarrierKind(kind)) problem("kind", msg`Choose the kind of barrier`);
  const subject = (input.subject ?? "").trim();
  if (!(BARRIER_SUBJECTS as readonly string[]).includes(subject))
    problem("subject", msg`Choose what the barrier is about: a tender, the authority, or a policy`);
  let tenderId: string | null = null;
  if (subject === "tender") {
    const asked = (input.tenderId ?? "").trim();
    const tenders = await tendersOf(ctx, authorityId);
    const found = tenders.find((t) => t.id === asked && t.state !== "draft");
    if (found) tenderId = found.id;
    else problem("tenderId", msg`Choose one of the authority's published tenders`);
  }
  const policy = (input.policy ?? "").trim();
  const policyUrl = (input.policyUrl ?? "").trim();
  if (subject === "policy") {
    if (policy === "" || policy.length > LIMITS.policy)
      problem(
        "policy",
        msg`Enter the policy the barrier comes from, in ${LIMITS.policy} characters or fewer`,
      );
    if (policyUrl !== "" && (policyUrl.length > LIMITS.policyUrl || !HTTP_URL.test(policyUrl)))
      problem(
        "policyUrl",
        msg`Enter the policy's link as a web address starting with https://, or leave it empty`,
      );
  }
  const description = (input.description ?? "").trim();
  if (description === "" || description.length > LIMITS.description)
    problem(
      "description",
      msg`Describe the barrier and what it stopped you doing, in ${LIMITS.description} characters or fewer`,
    );
  if (problems.length > 0) throw new ValidationError(problems[0]?.message ?? "", problems);
  return {
    kind,
    subject: subject as BarrierSubject,
    tender_id: tenderId,
    policy: subject === "policy" ? policy : null,
    policy_url: subject === "policy" && policyUrl !== "" ? policyUrl : null,
    description,
  };
}

/**
 * What the logging form offers: the authority's published tenders, and the organisations the person
 * logs for. 404 for what is not an authority; 403 for anyone who does not log barriers.
 */
export async function logFormFor(ctx: Ctx, authorityId: string) {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  if (!mayLog(p))
    throw new ForbiddenError(
      msg`Barriers are logged by the people of an organisation in the directory or of a public body: join your organisation's account to log one.`,
    );
  const [orgs, tenders] = await Promise.all([
    organisationsByIds(ctx.db, organisationsActedFor(p)),
    tendersOf(ctx, authority.id),
  ]);
  return {
    organisations: [...orgs.values()].map((o) => ({ id: o.id, name: o.name })),
    tenders: tenders.filter((t) => t.state !== "draft").map((t) => ({ id: t.id, title: t.title })),
  };
}

/**
 * Logs a barrier met with the authority, with its documents of evidence if any (audited
 * `barrier.logged`; the authority's commissioners and administrators told, `barrier.logged`).
 */
export async function logBarrier(
  ctx: Ctx & { files?: FileStore },
  authorityId: string,
  input: LogInput,
  opts: { /** A fixed id (the demo seed). */ id?: string } = {},
): Promise<BarrierView> {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  const logger = await loggerOf(ctx, p, input.organisationId?.trim() || undefined);
  const checked = await checkedBarrier(ctx, authority.id, input);
  const stored = await storeEvidence(ctx, input.evidence ?? [], 0);
  const now = ctx.clock.now();
  const barrier = await transaction(ctx.db, async (trx) => {
    const row = await repo.insertBarrier(trx, {
      authority_id: authority.id,
      id: opts.id ?? newId(),
      ...checked,
      logged_by: p.userId,
      organisation_id: logger.organisationId,
      logger_sector: logger.sector,
      anonymous: input.anonymous === true,
      logged_at: now,
      answer_due_on: answerDueOn(now, authority.nation),
      status: "open",
      first_answered_at: null,
      resolved_at: null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: authority.id,
      actor: actorOf(p),
      action: "barrier.logged",
      entity: { type: "barrier", id: row.id },
      changes: {
        kind: row.kind,
        subject: row.subject,
        tenderId: row.tender_id,
        organisationId: row.organisation_id,
        anonymous: row.anonymous,
        answerDueOn: row.answer_due_on,
        ...(stored.length > 0 ? { evidence: evidenceAudit(stored, input.evidencePublic === true) } : {}),
      },
    });
    await insertEvidence(trx, row, stored, input.evidencePublic === true, p.userId, now);
    await tellAuthority(trx, ctx, authority, row, {
      kind: "barrier.logged",
      subject: msg`A barrier to entry was logged with ${authority.name}`,
      body: msg`A barrier to entry was logged with ${authority.name} on ${longDate(londonDate(row.logged_at))}. Answer it by ${longDate(row.answer_due_on)}: accept it, dispute it with reasons, or say what changed.`,
    });
    return row;
  });
  return viewOf(ctx, authority, barrier);
}

/** The authority's commissioners and administrators (who answer) told of a barrier, in their inbox and by email; not the person acting (also the daily sweep's, reminders.service.ts). */
export async function tellAuthority(
  trx: Trx,
  ctx: Ctx,
  authority: Authority,
  b: Barrier,
  n: { kind: "barrier.logged" | "barrier.reminder"; subject: string; body: string },
  actor: Actor = actorIn(ctx),
): Promise<void> {
  for (const userId of await commissioningPeople(trx, authority.id)) {
    if (userId === ctx.principal?.userId) continue;
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: authority.id,
        kind: n.kind,
        subject: n.subject.slice(0, 200),
        body: n.body,
        link: `/authorities/${authority.slug}/barriers/${b.id}`,
      },
      { email: true, actor },
    );
  }
}

// Evidence

/** The documents as sent, checked and kept in the file store (before the transaction: stored by their SHA-256, the same bytes once). */
async function storeEvidence(
  ctx: Ctx & { files?: FileStore },
  docs: readonly EvidenceInput[],
  already: number,
): Promise<StoredFile[]> {
  if (docs.length === 0) return [];
  if (already + docs.length > MAX_EVIDENCE) {
    const message = msg`A barrier carries at most ${MAX_EVIDENCE} documents of evidence: send fewer`;
    throw new ValidationError(message, [{ field: "evidence", message }]);
  }
  const problems: FieldError[] = [];
  const contents = docs.map((d, i) => {
    const filename = (d.filename ?? "").trim();
    if (filename === "" || filename.length > 255)
      problems.push({
        field: `evidence.${i}.filename`,
        message: msg`Give each document's file name, like contract-terms.pdf`,
      });
    const content = d.content ?? decodeBase64(d.contentBase64);
    if (!content)
      problems.push({
        field: `evidence.${i}.contentBase64`,
        message: msg`Send each document's content in base64`,
      });
    return { filename, content };
  });
  if (problems.length > 0) throw new ValidationError(msg`Check the documents of evidence`, problems);
  if (!ctx.files) throw new Error("barriers: evidence needs the file store");
  const out: StoredFile[] = [];
  for (const [i, c] of contents.entries())
    out.push(
      await ctx.files.put({
        content: c.content as FileContent,
        filename: c.filename,
        field: docs.length === 1 ? "evidence" : `evidence.${i}`,
      }),
    );
  return out;
}

/** What the audit keeps of documents: their SHA-256, type and size, and whether public (no names: a file's name may name someone). */
function evidenceAudit(stored: readonly StoredFile[], isPublic: boolean) {
  return stored.map((f) => ({ sha256: f.sha256, mediaType: f.mediaType, size: f.size, public: isPublic }));
}

async function insertEvidence(
  trx: Ctx["db"],
  b: Barrier,
  stored: readonly StoredFile[],
  isPublic: boolean,
  userId: string,
  at: Date,
): Promise<void> {
  for (const f of stored)
    await repo.insertEvidence(trx, {
      authority_id: b.authority_id,
      id: newId(),
      barrier_id: b.id,
      filename: f.filename,
      media_type: f.mediaType,
      size_bytes: f.size,
      sha256: f.sha256,
      file_key: f.key,
      public: isPublic,
      uploaded_by: userId,
      uploaded_at: at,
    });
}

/**
 * Whether the principal may download a barrier's documents that are not public: whoever logged it,
 * the people of the organisation it was logged for, and the authority's commissioners and
 * administrators (who answer it).
 */
function seesEvidence(principal: Principal | null, b: Barrier): boolean {
  if (!principal) return false;
  return (
    principal.userId === b.logged_by ||
    (b.organisation_id !== null &&
      hasRole(principal, ["organisation-admin", "organisation-member"], b.organisation_id)) ||
    isAuthorityEditor(principal, b.authority_id)
  );
}

/**
 * Adds documents of evidence to a barrier: whoever logged it (404 unknown barrier, 403 anyone else;
 * 400 when none is sent, or more than `MAX_EVIDENCE` in all). Audited `barrier.evidence-added`.
 */
export async function addEvidence(
  ctx: BarriersCtx,
  authorityId: string,
  barrierId: string,
  input: { evidence?: EvidenceInput[]; public?: boolean },
): Promise<BarrierView> {
  const p = requireSignedIn(ctx.principal);
  const { authority, barrier } = await barrierFor(ctx, authorityId, barrierId);
  if (barrier.logged_by !== p.userId)
    throw new ForbiddenError(msg`Only whoever logged this barrier adds evidence to it.`);
  const docs = input.evidence ?? [];
  if (docs.length === 0) {
    const message = msg`Choose a document to add`;
    throw new ValidationError(message, [{ field: "evidence", message }]);
  }
  const held = await repo.evidenceOf(ctx.db, authority.id, barrier.id);
  const stored = await storeEvidence(ctx, docs, held.length);
  const now = ctx.clock.now();
  await transaction(ctx.db, async (trx) => {
    const b = await repo.barrierOf(trx, authority.id, barrier.id, { lock: true });
    if (!b) throw new NotFoundError("barrier");
    if ((await repo.evidenceOf(trx, authority.id, b.id)).length + stored.length > MAX_EVIDENCE) {
      const message = msg`A barrier carries at most ${MAX_EVIDENCE} documents of evidence: send fewer`;
      throw new ValidationError(message, [{ field: "evidence", message }]);
    }
    await insertEvidence(trx, b, stored, input.public === true, p.userId, now);
    await recordAudit(trx, ctx.clock, {
      authorityId: authority.id,
      actor: actorOf(p),
      action: "barrier.evidence-added",
      entity: { type: "barrier", id: b.id },
      changes: { evidence: evidenceAudit(stored, input.public === true) },
    });
  });
  return barrierView(ctx, authority.id, barrier.id);
}

/**
 * A document of a barrier's evidence and its bytes: anyone for a public one; otherwise whoever
 * logged the barrier, its organisation's people and the authority's commissioners and
 * administrators (403 for anyone else). 404 for a barrier or a document unknown.
 */
export async function evidenceDocument(
  ctx: BarriersCtx,
  authorityId: string,
  barrierId: string,
  evidenceId: string,
): Promise<{ filename: string; mediaType: string; bytes: Uint8Array }> {
  const { authority, barrier } = await barrierFor(ctx, authorityId, barrierId);
  const doc = (await repo.evidenceOf(ctx.db, authority.id, barrier.id)).find((e) => e.id === evidenceId);
  if (!doc) throw new NotFoundError("document");
  if (!doc.public && !seesEvidence(ctx.principal, barrier))
    throw new ForbiddenError(
      msg`This document is not public: whoever logged the barrier, their organisation and the authority's people download it.`,
    );
  return { filename: doc.filename, mediaType: doc.media_type, bytes: await ctx.files.get(doc.file_key) };
}

export interface EvidenceView {
  id: string;
  /** Its name, type, size and link: null when the viewer may not download it (a document not public). */
  filename: string | null;
  mediaType: string | null;
  size: number | null;
  public: boolean;
  uploadedAt: Date;
}

function evidenceViews(
  principal: Principal | null,
  b: Barrier,
  rows: readonly BarrierEvidence[],
): EvidenceView[] {
  const sees = seesEvidence(principal, b);
  return rows.map((e) => {
    const shown = e.public || sees;
    return {
      id: e.id,
      filename: shown ? e.filename : null,
      mediaType: shown ? e.media_type : null,
      size: shown ? e.size_bytes : null,
      public: e.public,
      uploadedAt: e.uploaded_at,
    };
  });
}

/** Where a barrier stands now, as the national figures count it. */
export type Standing = "open" | "answered" | "disputed" | "resolved" | "overdue";

export function standingOf(
  b: Pick<Barrier, "status" | "answer_due_on" | "first_answered_at">,
  now: Date,
): Standing {
  if (b.status === "resolved") return "resolved";
  if (b.status === "disputed") return "disputed";
  if (b.status === "accepted") return "answered";
  return isOverdue(b.answer_due_on, b.first_answered_at, now) ? "overdue" : "open";
}

export interface AnswerView {
  kind: AnswerKind;
  text: string;
  answeredAt: Date;
  /** The authority's person who answered: for its own people only (null otherwise). */
  answeredByName: string | null;
}

export interface BarrierView {
  barrier: Barrier;
  authority: Authority;
  standing: Standing;
  /** Answered in substance after its last day. */
  late: boolean;
  /** Who logged it as the viewer may see: null when anonymous to them. */
  organisationName: string | null;
  loggedByName: string | null;
  /** The tender's title (subject "tender"). */
  tenderTitle: string | null;
  answers: AnswerView[];
  /** Its documents of evidence (a barrier's page; none in lists): those not public without their names unless the viewer may download them. */
  evidence: EvidenceView[];
  /** Whether the viewer logged it, and so may add evidence. */
  mayAddEvidence: boolean;
  /** Whether the viewer may answer it now. */
  mayAnswer: boolean;
  /** The answers still possible (acknowledged only while none has been given). */
  answerKinds: AnswerKind[];
  /** Overdue, and the viewer logged it (for an organisation: while its administrator): they may appeal it. */
  mayAppeal: boolean;
  /** Its appeal to the independent adjudicator (redress), where one was made. */
  appeal: Awaited<ReturnType<typeof appealOfSubject>>;
}

function answersPossible(b: Barrier): AnswerKind[] {
  if (b.status === "resolved") return [];
  return ANSWER_KINDS.filter((k) => k !== "acknowledged" || b.status === "open");
}

/** Whether the principal answers for the authority (its commissioners and administrators, not platform administrators). */
function answersFor(principal: Principal | null, authorityId: string): boolean {
  return (
    hasRole(principal, ["commissioner", "authority-admin"], authorityId) &&
    (principal?.grants.some((g) => g.scopeId === authorityId) ?? false)
  );
}

async function viewOf(
  ctx: Ctx,
  authority: Authority,
  b: Barrier,
  answers?: BarrierAnswer[],
): Promise<BarrierView> {
  const single = answers === undefined;
  const [rows, evidence] = single
    ? await Promise.all([
        repo.answersOf(ctx.db, authority.id, b.id),
        repo.evidenceOf(ctx.db, authority.id, b.id),
      ])
    : [answers, []];
  const staff = isAuthorityEditor(ctx.principal, authority.id);
  const own = ctx.principal !== null && ctx.principal.userId === b.logged_by;
  const seesWho = !b.anonymous || staff || own;
  const ids = [
    ...(seesWho && b.logged_by ? [b.logged_by] : []),
    ...(staff ? rows.flatMap((a) => (a.answered_by ? [a.answered_by] : [])) : []),
  ];
  const [names, orgs, tenders] = await Promise.all([
    displayNamesOf(ctx.db, ids),
    organisationsByIds(ctx.db, seesWho && b.organisation_id ? [b.organisation_id] : []),
    b.tender_id ? tendersOf(ctx, authority.id) : Promise.resolve([]),
  ]);
  return {
    barrier: b,
    authority,
    standing: standingOf(b, ctx.clock.now()),
    late: answeredLate(b.answer_due_on, b.first_answered_at),
    organisationName: b.organisation_id ? (orgs.get(b.organisation_id)?.name ?? null) : null,
    loggedByName: seesWho && staff && b.logged_by ? (names.get(b.logged_by) ?? null) : null,
    tenderTitle: tenders.find((t) => t.id === b.tender_id)?.title ?? null,
    answers: rows.map((a) => ({
      kind: a.kind,
      text: a.text,
      answeredAt: a.answered_at,
      answeredByName: staff && a.answered_by ? (names.get(a.answered_by) ?? null) : null,
    })),
    evidence: evidenceViews(ctx.principal, b, evidence),
    mayAddEvidence: own,
    mayAnswer: answersFor(ctx.principal, authority.id) && b.status !== "resolved",
    answerKinds: answersPossible(b),
    mayAppeal:
      own &&
      standingOf(b, ctx.clock.now()) === "overdue" &&
      (!b.organisation_id || hasRole(ctx.principal, "organisation-admin", b.organisation_id)),
    // Read by barrierView alone (a barrier's page), never for each barrier of a list.
    appeal: null,
  };
}

async function barrierFor(ctx: Ctx, authorityId: string, barrierId: string) {
  const authority = await authorityById(ctx.db, authorityId);
  const barrier = isUuid(barrierId) ? await repo.barrierOf(ctx.db, authority.id, barrierId) : undefined;
  if (!barrier) throw new NotFoundError("barrier");
  return { authority, barrier };
}

/** A barrier and its answers, as the viewer may see it: anyone. */
export async function barrierView(ctx: Ctx, authorityId: string, barrierId: string): Promise<BarrierView> {
  const { authority, barrier } = await barrierFor(ctx, authorityId, barrierId);
  const v = await viewOf(ctx, authority, barrier);
  return v.standing === "overdue"
    ? { ...v, appeal: await appealOfSubject(ctx, "barrier", authority.id, barrier.id) }
    : v;
}

/** The authority's barriers, newest first (at most `LIST_SHOWN`), as the viewer may see them: anyone. */
export async function barriersOfAuthority(ctx: Ctx, authorityId: string): Promise<BarrierView[]> {
  const authority = await authorityById(ctx.db, authorityId);
  const rows = await repo.barriersOf(ctx.db, authority.id, LIST_SHOWN);
  return Promise.all(rows.map((b) => viewOf(ctx, authority, b, [])));
}

/**
 * Answers a barrier for the authority (audited `barrier.answered`; the logger told). 404 for a
 * barrier unknown, then 403 for anyone but its commissioners and administrators, then 409 once it is
 * resolved, or for an acknowledgement after another answer.
 */
export async function answerBarrier(
  ctx: Ctx,
  authorityId: string,
  barrierId: string,
  input: AnswerInput,
): Promise<BarrierView> {
  const p = requireSignedIn(ctx.principal);
  const { authority } = await barrierFor(ctx, authorityId, barrierId);
  if (!answersFor(p, authority.id))
    throw new ForbiddenError(msg`Only the authority's commissioners and administrators answer its barriers.`);
  const kind = (input.kind ?? "").trim() as AnswerKind;
  const text = (input.text ?? "").trim();
  const problems: FieldError[] = [];
  if (!(ANSWER_KINDS as readonly string[]).includes(kind))
    problems.push({
      field: "kind",
      message: msg`Choose your answer: acknowledged, accepted, disputed or resolved`,
    });
  if (text === "" || text.length > LIMITS.answer)
    problems.push({
      field: "text",
      message: msg`Say what you will change, why you dispute it, or what changed, in ${LIMITS.answer} characters or fewer`,
    });
  if (problems.length > 0) throw new ValidationError(problems[0]?.message ?? "", problems);
  const now = ctx.clock.now();
  const updated = await transaction(ctx.db, async (trx) => {
    const b = await repo.barrierOf(trx, authority.id, barrierId, { lock: true });
    if (!b) throw new NotFoundError("barrier");
    if (b.status === "resolved")
      throw new ConflictError(
        msg`This barrier is resolved: nothing more is answered. Log a new barrier if it comes back.`,
      );
    if (kind === "acknowledged" && b.status !== "open")
      throw new ConflictError(
        msg`This barrier has been answered already: accept it, dispute it or say it is resolved.`,
      );
    await repo.insertAnswer(trx, {
      authority_id: authority.id,
      id: newId(),
      barrier_id: b.id,
      kind,
      text,
      answered_by: p.userId,
      answered_at: now,
    });
    const substance = kind !== "acknowledged";
    const row = await repo.setStatus(trx, authority.id, b.id, {
      status: kind,
      first_answered_at: b.first_answered_at ?? (substance ? now : null),
      resolved_at: kind === "resolved" ? now : null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: authority.id,
      actor: actorOf(p),
      action: "barrier.answered",
      entity: { type: "barrier", id: b.id },
      changes: { answer: kind, from: b.status, late: answeredLate(b.answer_due_on, row.first_answered_at) },
    });
    if (b.logged_by)
      await notify(
        trx,
        ctx.clock,
        {
          userId: b.logged_by,
          authorityId: authority.id,
          organisationId: b.organisation_id,
          kind: "barrier.answered",
          subject: msg`${authority.name} answered the barrier you logged`,
          body: msg`${authority.name} answered the barrier you logged on ${longDate(londonDate(b.logged_at))}: ${answerWord(kind)}. Its answer is on the barrier's page.`,
          link: `/authorities/${authority.slug}/barriers/${b.id}`,
        },
        { email: true, actor: actorOf(p) },
      );
    return row;
  });
  return viewOf(ctx, authority, updated);
}

function answerWord(kind: AnswerKind): string {
  switch (kind) {
    case "acknowledged":
      return msg`acknowledged`;
    case "accepted":
      return msg`accepted, with what it will change`;
    case "disputed":
      return msg`disputed, with its reasons`;
    case "resolved":
      return msg`resolved, with what changed`;
  }
}

/**
 * The tender set-up panel (the tenders module's `tenderSetupPanels` port): the authority's barriers
 * not yet resolved of the kinds it can fix, oldest first — for its commissioners and administrators
 * only (nothing for anyone else).
 */
export async function openFixableBarriers(ctx: Ctx, authorityId: string): Promise<BarrierView[] | undefined> {
  if (!isAuthorityEditor(ctx.principal, authorityId)) return undefined;
  const authority = await authorityById(ctx.db, authorityId);
  const rows = await repo.openBarriersOfKinds(ctx.db, authority.id, FIXABLE_KINDS, PANEL_SHOWN);
  return Promise.all(rows.map((b) => viewOf(ctx, authority, b, [])));
}

/**
 * The section of the tender set-up form (tenders' `tenderSetupPanels` port, plugged in
 * src/wiring.ts): the authority's open barriers of the kinds it can fix, for its editors; nothing
 * when there are none.
 */
export async function tenderSetupBarriersPanel(
  ctx: Ctx,
  setup: { authorityId: string },
): Promise<Panel | undefined> {
  const open = await openFixableBarriers(ctx, setup.authorityId);
  const first = open?.[0];
  if (!open || !first) return undefined;
  const base = `/authorities/${first.authority.slug}/barriers`;
  return {
    template: "barriers/views/setup-panel.njk",
    context: {
      setupBarriersUrl: base,
      setupBarriers: open.map((v) => ({
        href: `${base}/${v.barrier.id}`,
        kind: v.barrier.kind,
        standing: v.standing,
        loggedOn: londonDate(v.barrier.logged_at),
        dueOn: v.barrier.answer_due_on,
      })),
    },
  };
}

// Appeals to the independent adjudicator (redress's `appealableSubjects` port, plugged in src/wiring.ts)

/** How many of a person's unanswered barriers are offered for appeal (the most recent). */
export const APPEAL_ROWS = 100;

/**
 * The barriers the signed-in person logged that are past their last day with no answer in substance
 * (an acknowledgement is not one): appealable to the adjudicator of the tender's service area (none
 * for a barrier about the authority or a policy: the appellant names it). A barrier logged for an
 * organisation is its administrators' to appeal, for it — offered to the logger while they are one;
 * a public body's person appeals for themself.
 */
export async function barrierAppealSubjects(ctx: Ctx): Promise<AppealableSubject[] | undefined> {
  const userId = ctx.principal?.userId;
  if (!userId) return undefined;
  const today = londonToday(ctx.clock);
  const rows = await repo.unansweredBarriersLoggedBy(ctx.db, userId, today, APPEAL_ROWS);
  const out: AppealableSubject[] = [];
  for (const b of rows) {
    if (b.organisation_id && !hasRole(ctx.principal, "organisation-admin", b.organisation_id)) continue;
    const tender = b.tender_id ? await findTender(ctx, b.authority_id, b.tender_id) : undefined;
    const authority = await authorityById(ctx.db, b.authority_id);
    out.push({
      kind: "barrier",
      authorityId: b.authority_id,
      authorityName: b.authority_name,
      id: b.id,
      title: (tender?.title ?? b.policy ?? b.authority_name).slice(0, 300),
      serviceArea: tender?.category_code ?? null,
      why: "unanswered",
      decidedOn: b.answer_due_on,
      organisationId: b.organisation_id,
      path: `/authorities/${authority.slug}/barriers/${b.id}`,
    });
  }
  return out;
}
