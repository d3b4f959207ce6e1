/**
 * The second tier (issue 18, items 4 and 5; docs/redress.md, "The second tier: escalation and
 * casework"): a complaint escalated by its complainant to the ombudsman its route names (checked
 * against the time limit, after the body has had its chance or with a reason, with consent to carry
 * the first-tier file across), and the ombudsman's casework — assessment (accept, or decline with a
 * reason), an investigator, a draft decision both sides may comment on until a day, and the final
 * decision with the scheme's finding and the remedies it orders (each with its due day; engineer
 * A2's remedies.service.ts follows them to compliance and closes the case).
 *
 * Tenant: a case is under the ombudsman's authority id; its audit events are on the ombudsman's
 * chain (the escalation also on the complaint's). Who sees a case: the ombudsman's staff (exact
 * grants), and on their complaint's page the complainant's side and the answering body's people;
 * anyone else gets 404. Every change is one transaction that locks the row before reading it.
 * Personal data (the complainant's words and contact, the comments) is never in an audit payload.
 */
import type { Db, Trx } from "../../db/database.ts";
import { decodeTimeKey, encodeKey } from "../../db/paging.ts";
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
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { addWorkingDays, type Nation } from "../../lib/working-days.ts";
import { grantsInScope, type Principal, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findAuthorityBySlug, findPublicBody } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { personalDataIn } from "../voice/feedback.service.ts";
import { tellAppealDecided } from "./appeals.notices.ts";
import { isAppeal, isGround } from "./appeals.ts";
import {
  type EscalationReadiness,
  escalationReadiness,
  type OmbudsmanRoute,
  ombudsmanRoute,
  ombudsmanTimeLimitEnds,
} from "./clocks.ts";
import type { CaseFilter, CaseRow } from "./ombudsman.repository.ts";
import * as repo from "./ombudsman.repository.ts";
import {
  answeringBody,
  bodyReach,
  type ComplainantKey,
  type ComplaintView,
  caseReference,
  complaintFile,
  complaintOf,
  complaintPath,
  escalatedComplaint,
  lockedComplaintOf,
  type Side,
  tellComplainant,
} from "./redress.service.ts";
import {
  CASE_FINDINGS,
  type CaseFinding,
  type NewOmbudsmanRemedy,
  type OmbudsmanCaseComment,
  type OmbudsmanRemedy,
  REMEDY_KINDS,
  type RemedyKind,
  type Scheme,
} from "./redress.table.ts";
import type { SecondTierCode } from "./regimes.ts";
import { secondTierBodyFor } from "./second-tier.service.ts";

export type { CaseRow } from "./ombudsman.repository.ts";

/** The ombudsman's staff, who do its casework. */
export const OMBUDSMAN_STAFF = "ombudsman-staff" as const;
/** A case is assessed within 20 working days of its receipt (our service standard; docs/redress.md). */
export const ASSESSMENT_WORKING_DAYS = 20;
/** An accepted case has its draft decision within 60 working days (our service standard). */
export const INVESTIGATION_WORKING_DAYS = 60;
/** The sides have at least 10 working days to comment on a draft. */
export const COMMENT_MIN_WORKING_DAYS = 10;
/** The final decision follows within 10 working days of the comments closing (our service standard). */
export const DECISION_WORKING_DAYS = 10;
export const CASE_PAGE_SIZE = 25;
/** The remedy rows a decision form offers (the API takes any number up to this). */
export const MAX_REMEDIES = 6;

export const CASE_LIMITS = {
  reason: 5000,
  mpReferral: 500,
  draft: 50000,
  decision: 50000,
  comment: 20000,
  remedy: 5000,
  withheld: 2000,
  summary: 10000,
} as const;

/** The findings of each scheme: fault and injustice (LGSCO, PHSO, adjudicator), maladministration (Housing Ombudsman). */
export const SCHEME_FINDINGS: Record<Scheme, readonly CaseFinding[]> = {
  lgsco: ["no-fault", "fault-no-injustice", "fault-injustice"],
  phso: ["no-fault", "fault-no-injustice", "fault-injustice"],
  adjudicator: ["no-fault", "fault-no-injustice", "fault-injustice"],
  "housing-ombudsman": [
    "no-maladministration",
    "service-failure",
    "maladministration",
    "severe-maladministration",
  ],
};
/** Findings after which nothing is to be put right: no remedies with them. */
const NO_FAULT: readonly CaseFinding[] = ["no-fault", "no-maladministration"];

// Escalation: what the complainant's page offers

export interface EscalationChoice {
  /**
   * may: the form is shown; no-ombudsman: the page says none takes it; next-stage-first: not yet;
   * none-registered: its ombudsman (or the adjudicator of its service area) is not yet named on the
   * platform (`escalationOffer`), so there is nowhere on OpenPS to send it.
   */
  code: "may" | "no-ombudsman" | "next-stage-first" | "none-registered";
  route: OmbudsmanRoute;
  /** The ombudsman, or (complaints about commissioning) the adjudicator of the service area. */
  ombudsman: SecondTierCode | null;
  /** A government department's complaint: the MP who referred it is asked for. */
  mpNeeded: boolean;
  readiness: EscalationReadiness | { code: "declined" };
  /** The body is still within its time: a reason for going on now is asked for. */
  reasonNeeded: boolean;
  timeLimitEndsOn: string | null;
  inTime: boolean;
}

function readinessOf(c: ComplaintView, today: string): EscalationReadiness | { code: "declined" } {
  if (c.status === "declined") return { code: "declined" };
  const s = c.current;
  const dueOn = s.answer_due_on ?? s.ack_due_on ?? s.received_on;
  return escalationReadiness(
    c.regimeRule,
    { stage: c.stage, answered: s.responded_on !== null, dueOn, nextStageBy: c.nextStageBy },
    today,
  );
}

function timeLimitOf(c: ComplaintView, code: SecondTierCode, today: string) {
  const last = c.status === "answered" && c.stage === c.lastStage ? c.current.responded_on : null;
  const endsOn = ombudsmanTimeLimitEnds(code, { knewOn: c.knew_on ?? c.happened_on, finalResponseOn: last });
  return { endsOn, inTime: endsOn === null || today <= endsOn };
}

/** What the complaint's page offers its complainant: escalation, or why not (null: nothing to say). */
export function escalationChoice(c: ComplaintView, today: string): EscalationChoice | null {
  if (c.side !== "complainant" || !["open", "answered", "declined"].includes(c.status)) return null;
  const readiness = readinessOf(c, today);
  const route = ombudsmanRoute(c.regime, c.body_kind, { mpReferral: false, serviceArea: c.service_area });
  const ombudsman =
    route.code === "no-ombudsman" ? null : route.code === "adjudicator" ? "adjudicator" : route.ombudsman;
  const limit = ombudsman ? timeLimitOf(c, ombudsman, today) : { endsOn: null, inTime: true };
  return {
    code:
      route.code === "no-ombudsman"
        ? "no-ombudsman"
        : readiness.code === "next-stage-first"
          ? "next-stage-first"
          : "may",
    route,
    ombudsman,
    mpNeeded: route.code === "mp-referral-needed",
    readiness,
    reasonNeeded: readiness.code === "body-has-time",
    timeLimitEndsOn: limit.endsOn,
    inTime: limit.inTime,
  };
}

/**
 * What the complaint's page and the escalation form offer: `escalationChoice`, and whether the
 * platform's administrators have named the body that would take it (`secondTierBodyFor`) — when
 * not, "none-registered", which the page explains before any form.
 */
export async function escalationOffer(
  db: Db,
  c: ComplaintView,
  today: string,
): Promise<EscalationChoice | null> {
  const choice = escalationChoice(c, today);
  if (!choice?.ombudsman || choice.code !== "may") return choice;
  const named = await secondTierBodyFor(db, choice.ombudsman, c.service_area ?? "");
  return named ? choice : { ...choice, code: "none-registered" };
}

export interface EscalationInput {
  fileConsent?: boolean | undefined;
  publicationConsent?: boolean | undefined;
  mpReferral?: string | undefined;
  earlyReason?: string | undefined;
}

export function staffOf(trx: Db, ombudsmanId: string): Promise<string[]> {
  return grantsInScope(trx, ombudsmanId).then((gs) =>
    gs.filter((g) => g.scope_type === "ombudsman" && g.role === OMBUDSMAN_STAFF).map((g) => g.user_id),
  );
}

interface CaseNotice {
  authorityId: string;
  kind: "complaint.to-answer" | "complaint.progressed";
  subject: string;
  body: string;
  link: string;
}

/** Each of these users told, in their inbox and (unless `email` is false) by email. */
async function tellUsers(trx: Trx, ctx: Ctx, userIds: readonly string[], n: CaseNotice, email = true) {
  for (const userId of new Set(userIds))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: n.authorityId,
        kind: n.kind,
        subject: n.subject.slice(0, 200),
        body: n.body,
        link: n.link,
      },
      { email, actor: actorIn(ctx) },
    );
}

/**
 * The ombudsman's side of a case told of something to do: its investigator, in their inbox and by
 * email; with none assigned yet, every one of its staff in their inbox only (the case is in their
 * list and their work) — never an email to the whole staff for each event (docs/redress.md).
 */
export async function tellCaseStaff(
  trx: Trx,
  ctx: Ctx,
  k: Pick<CaseRow, "authority_id" | "investigator_id">,
  n: Omit<CaseNotice, "authorityId" | "kind">,
): Promise<void> {
  const notice: CaseNotice = { ...n, authorityId: k.authority_id, kind: "complaint.to-answer" };
  if (k.investigator_id) await tellUsers(trx, ctx, [k.investigator_id], notice);
  else await tellUsers(trx, ctx, await staffOf(trx, k.authority_id), notice, false);
}

/**
 * A decided case's next due day: the earliest of its remedies not yet confirmed (remedies.service.ts
 * calls it when one is confirmed), so a case with an overdue remedy shows overdue in its list.
 */
export async function keepCaseDue(trx: Trx, authorityId: string, caseId: string, now: Date): Promise<void> {
  const due = await repo.earliestUnconfirmedDue(trx, authorityId, caseId);
  await repo.updateCase(trx, authorityId, caseId, { next_due_on: due, updated_at: now });
}

/** A case's page for the ombudsman's staff. */
export function casePath(k: Pick<CaseRow, "ombudsman_slug" | "id">): string {
  return `/authorities/${k.ombudsman_slug}/cases/${k.id}`;
}

/**
 * The complainant escalates their complaint to the ombudsman its route names: consent to carry the
 * file across (400 without it), the MP who referred it (a government department: 422 without), a
 * reason while the body still has time (422 without); 409 when the complaint cannot go (not ready,
 * no ombudsman takes it, none of that kind registered on the platform, already escalated). Late is
 * still received, marked not in time. The complaint is 'escalated' and its body's steps stop
 * counting; the ombudsman's staff and the complainant are told.
 */
export async function escalateComplaint(
  ctx: Ctx,
  key: ComplainantKey,
  input: EscalationInput,
): Promise<CaseRow> {
  const made = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const c = await lockedComplaintOf(trx, tctx, key);
    const today = londonToday(ctx.clock);
    if (c.status === "escalated" || (await repo.caseOfComplaint(trx, c.authority_id, c.id)))
      throw new ConflictError(
        msg`This complaint has been escalated to the ombudsman already.`,
        "already_escalated",
      );
    const choice = escalationChoice(c, today);
    if (!choice)
      throw new ConflictError(msg`This complaint cannot be escalated now: it is closed.`, "not_escalatable");
    if (choice.code === "no-ombudsman")
      throw new ConflictError(
        msg`No ombudsman on OpenPS takes complaints about this kind of body: see the complaint's page for where to go.`,
        "no_ombudsman",
      );
    if (choice.code === "next-stage-first")
      throw new ConflictError(
        msg`Ask for the body's next stage first: the ombudsman looks at a complaint once the body has had its chance.`,
        "next_stage_first",
      );
    const mpReferral = (input.mpReferral ?? "").trim();
    const earlyReason = (input.earlyReason ?? "").trim();
    const problems: FieldError[] = [];
    if (input.fileConsent !== true)
      problems.push({
        field: "fileConsent",
        message: msg`Agree to the ombudsman seeing your complaint and everything the body did: it cannot look at it without`,
      });
    if (mpReferral.length > CASE_LIMITS.mpReferral)
      problems.push({
        field: "mpReferral",
        message: msg`Name the MP in ${CASE_LIMITS.mpReferral} characters or fewer`,
      });
    if (earlyReason.length > CASE_LIMITS.reason)
      problems.push({
        field: "earlyReason",
        message: msg`Give the reason in ${CASE_LIMITS.reason} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check your request to the ombudsman`, problems);
    const route = ombudsmanRoute(c.regime, c.body_kind, {
      mpReferral: mpReferral !== "",
      serviceArea: c.service_area,
    });
    if (route.code !== "route" && route.code !== "adjudicator") {
      const message = msg`A complaint about a government department reaches the ombudsman only through a Member of Parliament: name the MP who referred it`;
      throw new UnprocessableError(message, [{ field: "mpReferral", message }], "mp_referral_needed");
    }
    if (choice.reasonNeeded && earlyReason === "") {
      const message = msg`The body still has until ${longDate((choice.readiness as { dueOn: string }).dueOn)} to answer: say why the ombudsman should look at it now`;
      throw new UnprocessableError(message, [{ field: "earlyReason", message }], "early_reason_needed");
    }
    // The scheme, and the authority the platform administrators named for it (for a complaint about
    // commissioning, the adjudicator of its service area).
    const scheme: SecondTierCode = route.code === "adjudicator" ? "adjudicator" : route.ombudsman;
    const named = await secondTierBodyFor(trx, scheme, route.code === "adjudicator" ? route.serviceArea : "");
    const body = named && {
      authority_id: named.authority_id,
      nation: named.authority_nation,
      slug: named.authority_slug,
      name: named.authority_name,
    };
    if (!body)
      throw new ConflictError(
        route.code === "adjudicator"
          ? msg`No independent adjudicator is named on this platform yet for the service area ${route.serviceArea}: the platform's administrators name one. Your complaint stays as it is.`
          : msg`The ombudsman that takes this complaint (${scheme}) is not named on this platform yet: the platform's administrators name it. You can also contact the ombudsman directly.`,
        "no_ombudsman_registered",
      );
    const limit = timeLimitOf(c, scheme, today);
    const now = ctx.clock.now();
    const id = newId();
    await repo.insertCase(trx, {
      authority_id: body.authority_id,
      id,
      reference: caseReference(),
      scheme,
      complaint_authority_id: c.authority_id,
      complaint_id: c.id,
      escalated_by: ctx.principal?.userId ?? null,
      escalated_on: today,
      file_consent_at: now,
      early_reason: choice.reasonNeeded ? earlyReason : "",
      mp_referral: mpReferral,
      publication_consent: input.publicationConsent === true,
      time_limit_ends_on: limit.endsOn,
      in_time: limit.inTime,
      late_reason: "",
      status: "assessment",
      decline_reason: "",
      draft_text: "",
      decision_text: "",
      withheld_reason: "",
      published_summary: "",
      next_due_on: addWorkingDays(today, ASSESSMENT_WORKING_DAYS, body.nation as Nation),
      created_at: now,
      updated_at: now,
    });
    await escalatedComplaint(trx, c.authority_id, c.id, now);
    await recordAudit(trx, ctx.clock, {
      authorityId: c.authority_id,
      actor: actorIn(tctx),
      action: "complaint.escalated",
      entity: { type: "complaint", id: c.id },
      changes: {
        scheme,
        caseId: id,
        inTime: limit.inTime,
        readiness: choice.readiness.code,
      },
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: body.authority_id,
      actor: actorIn(tctx),
      action: "ombudsman-case.received",
      entity: { type: "ombudsman-case", id },
      changes: {
        scheme,
        complaintAuthorityId: c.authority_id,
        complaintId: c.id,
        inTime: limit.inTime,
        early: choice.reasonNeeded,
        mpReferral: mpReferral !== "",
        publicationConsent: input.publicationConsent === true,
      },
    });
    const k = (await repo.findCase(trx, body.authority_id, id)) as CaseRow;
    await tellCaseStaff(trx, tctx, k, {
      subject: msg`A case to assess: ${k.reference}`,
      body: msg`A complaint has been escalated to ${body.name}. Assess it by ${longDate(k.next_due_on)}.`,
      link: casePath(k),
    });
    await tellComplainant(trx, tctx, c, "escalated");
    return k;
  });
  return made;
}

// The ombudsman's casework

export function isStaff(principal: Principal | null, ombudsmanId: string): boolean {
  return (
    principal?.grants.some(
      (g) => g.role === OMBUDSMAN_STAFF && g.scopeType === "ombudsman" && g.scopeId === ombudsmanId,
    ) ?? false
  );
}

/** The ombudsman a page names by slug, or the API by id (404 for anything else). */
export async function ombudsmanOfSlug(db: Db, slug: string) {
  const a = await findAuthorityBySlug(db, slug);
  if (a?.kind !== "ombudsman") throw new NotFoundError("ombudsman");
  return a;
}
export async function ombudsmanOfId(db: Db, id: string) {
  const a = isUuid(id) ? await findPublicBody(db, id) : undefined;
  if (a?.kind !== "ombudsman") throw new NotFoundError("ombudsman");
  return a;
}

export interface CaseListRow extends CaseRow {
  overdue: boolean;
}

/** An ombudsman's cases, newest first, a page at a time by key; filtered. Its staff only (403). */
export async function ombudsmanCases(
  ctx: Ctx,
  ombudsmanId: string,
  query: { filter?: string | undefined; after?: string | undefined },
): Promise<{ rows: CaseListRow[]; next: string | null; filter: CaseFilter }> {
  requireSignedIn(ctx.principal);
  if (!isStaff(ctx.principal, ombudsmanId))
    throw new ForbiddenError(msg`Only the ombudsman's staff may see its cases.`);
  const filter =
    (["assessment", "investigation", "draft", "decided", "overdue"] as const).find(
      (f) => f === query.filter,
    ) ?? "all";
  const after = decodeTimeKey(query.after, "after");
  const today = londonToday(ctx.clock);
  const rows = await repo.casesOf(ctx.db, {
    authorityId: ombudsmanId,
    filter,
    today,
    after,
    limit: CASE_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, CASE_PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page.map((r) => ({ ...r, overdue: r.next_due_on !== null && r.next_due_on < today })),
    next: rows.length > CASE_PAGE_SIZE && last ? encodeKey([last.created_at.toISOString(), last.id]) : null,
    filter,
  };
}

export interface CaseView extends CaseRow {
  comments: OmbudsmanCaseComment[];
  /** Each with a payment's amount as people read it ("£250.00"; "" for none). */
  remedies: (OmbudsmanRemedy & { amount_text: string })[];
  findings: readonly CaseFinding[];
  /** Comments are open (a draft, on or before its day). */
  commentsOpen: boolean;
  path: string;
  /** Who reads it on the complaint's page (its complainant's side, the body's people); null: the ombudsman's staff. */
  viewerSide: Side | null;
}

/** A case with its comments and remedies (checking no one: its callers have). */
export function viewOfCase(ctx: Ctx, k: CaseRow): Promise<CaseView> {
  return caseView(ctx.db, k, londonToday(ctx.clock));
}

async function caseView(
  db: Db,
  k: CaseRow,
  today: string,
  viewerSide: Side | null = null,
): Promise<CaseView> {
  const [comments, remedies] = await Promise.all([
    repo.commentsOf(db, k.authority_id, k.id),
    repo.remediesOf(db, k.authority_id, k.id),
  ]);
  return {
    ...k,
    comments,
    remedies: remedies.map((r) => ({
      ...r,
      amount_text: r.amount_pence === null ? "" : formatPence(r.amount_pence),
    })),
    findings: SCHEME_FINDINGS[k.scheme],
    commentsOpen: k.status === "draft" && k.comments_close_on !== null && today <= k.comments_close_on,
    path: casePath(k),
    viewerSide,
  };
}

/** A case as its ombudsman's staff see it, with the first-tier file (404 for anyone else). */
export async function caseOf(
  ctx: Ctx,
  ombudsmanId: string,
  caseId: string,
): Promise<{ k: CaseView; file: ComplaintView | null }> {
  requireSignedIn(ctx.principal);
  const k = isUuid(caseId) ? await repo.findCase(ctx.db, ombudsmanId, caseId) : undefined;
  if (!k || !isStaff(ctx.principal, ombudsmanId)) throw new NotFoundError("case");
  const file = k.file_consent_at ? await complaintFile(ctx, k.complaint_authority_id, k.complaint_id) : null;
  return { k: await caseView(ctx.db, k, londonToday(ctx.clock)), file };
}

/** The case locked, then read, for one of its staff to change (404 for anyone else). */
async function toChange(trx: Trx, ctx: Ctx, ombudsmanId: string, caseId: string) {
  if (isUuid(caseId)) await repo.lockCase(trx, ombudsmanId, caseId);
  const { k, file } = await caseOf(ctx, ombudsmanId, caseId);
  return { k, file, today: londonToday(ctx.clock), now: ctx.clock.now() };
}

async function caseAudit(trx: Trx, ctx: Ctx, k: CaseRow, action: string, changes: Record<string, unknown>) {
  await recordAudit(trx, ctx.clock, {
    authorityId: k.authority_id,
    actor: actorIn(ctx),
    action,
    entity: { type: "ombudsman-case", id: k.id },
    changes,
  });
}

/** The complaint of a case, for telling its complainant. */
async function complaintOfCase(_trx: Trx, ctx: Ctx, k: CaseRow): Promise<ComplaintView> {
  return complaintFile(ctx, k.complaint_authority_id, k.complaint_id);
}

/**
 * Tells the body complained about of a step in its case: its people, with a link to the complaint;
 * when it has none on OpenPS, those who can reach it (`bodyReach`), with a link to the authority's page.
 */
async function tellBodyOfCase(trx: Trx, ctx: Ctx, c: ComplaintView, subject: string, body: string) {
  const { userIds, reach } = await bodyReach(trx, answeringBody(c));
  await tellUsers(trx, ctx, userIds, {
    authorityId: c.authority_id,
    kind: "complaint.progressed",
    subject,
    body,
    link: reach === "own" ? complaintPath(c) : `/authorities/${c.authority_slug}`,
  });
}

function reasonProblem(field: string, text: string, message: string): FieldError[] {
  return text === "" || text.length > CASE_LIMITS.reason ? [{ field, message }] : [];
}

/**
 * Assessment: accept (→ investigation; a late case needs the reason it is looked at anyway) or
 * decline with a reason. 409 once assessed. Both sides told.
 */
export async function assessCase(
  ctx: Ctx,
  ombudsmanId: string,
  caseId: string,
  input: { decision?: string | undefined; reason?: string | undefined; lateReason?: string | undefined },
): Promise<CaseRow> {
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { k, today, now } = await toChange(trx, tctx, ombudsmanId, caseId);
    if (k.status !== "assessment")
      throw new ConflictError(msg`This case has been assessed already.`, "already_assessed");
    const decision = input.decision === "accept" || input.decision === "decline" ? input.decision : null;
    const reason = (input.reason ?? "").trim();
    const lateReason = (input.lateReason ?? "").trim();
    const problems: FieldError[] = [];
    if (!decision)
      problems.push({ field: "decision", message: msg`Choose whether to investigate the complaint` });
    if (decision === "decline")
      problems.push(
        ...reasonProblem(
          "reason",
          reason,
          msg`Give the reason for declining, in ${CASE_LIMITS.reason} characters or fewer`,
        ),
      );
    if (decision === "accept" && !k.in_time)
      problems.push(
        ...reasonProblem(
          "lateReason",
          lateReason,
          msg`The complaint came after the time limit: give the reason it is looked at anyway`,
        ),
      );
    if (problems.length > 0 || !decision) throw new ValidationError(msg`Check the assessment`, problems);
    const ombudsman = await ombudsmanOfId(trx, ombudsmanId);
    await repo.updateCase(trx, ombudsmanId, caseId, {
      status: decision === "accept" ? "investigation" : "declined",
      assessed_on: today,
      assessed_by: ctx.principal?.userId ?? null,
      decline_reason: decision === "decline" ? reason : "",
      late_reason: decision === "accept" && !k.in_time ? lateReason : "",
      next_due_on:
        decision === "accept"
          ? addWorkingDays(today, INVESTIGATION_WORKING_DAYS, ombudsman.nation as Nation)
          : null,
      closed_on: decision === "decline" ? today : null,
      updated_at: now,
    });
    await caseAudit(
      trx,
      tctx,
      k,
      decision === "accept" ? "ombudsman-case.accepted" : "ombudsman-case.declined",
      {
        inTime: k.in_time,
      },
    );
    const c = await complaintOfCase(trx, tctx, k);
    await tellComplainant(trx, tctx, c, decision === "accept" ? "case-accepted" : "case-declined");
    await tellBodyOfCase(
      trx,
      tctx,
      c,
      decision === "accept"
        ? msg`The ombudsman will investigate complaint ${c.reference}`
        : msg`The ombudsman will not investigate complaint ${c.reference}`,
      decision === "accept"
        ? msg`${ombudsman.name} has accepted complaint ${c.reference} for investigation.`
        : msg`${ombudsman.name} has declined to investigate complaint ${c.reference}.`,
    );
    return (await repo.findCase(trx, ombudsmanId, caseId)) as CaseRow;
  });
}

/** Assigns the case's investigator: one of the ombudsman's staff (422 otherwise). */
export async function assignInvestigator(
  ctx: Ctx,
  ombudsmanId: string,
  caseId: string,
  input: { investigatorId?: string | undefined },
): Promise<CaseRow> {
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { k, now } = await toChange(trx, tctx, ombudsmanId, caseId);
    if (!["assessment", "investigation", "draft"].includes(k.status))
      throw new ConflictError(
        msg`This case has been decided: its investigator no longer changes.`,
        "decided",
      );
    const id = (input.investigatorId ?? "").trim();
    if (!isUuid(id) || !(await staffOf(trx, ombudsmanId)).includes(id)) {
      const message = msg`Choose one of the ombudsman's staff`;
      throw new UnprocessableError(message, [{ field: "investigatorId", message }], "not_staff");
    }
    await repo.updateCase(trx, ombudsmanId, caseId, { investigator_id: id, updated_at: now });
    await caseAudit(trx, tctx, k, "ombudsman-case.assigned", { investigatorId: id });
    return (await repo.findCase(trx, ombudsmanId, caseId)) as CaseRow;
  });
}

/** The ombudsman's staff, for choosing an investigator. */
export async function staffChoices(ctx: Ctx, ombudsmanId: string): Promise<string[]> {
  return staffOf(ctx.db, ombudsmanId);
}

/**
 * A draft decision, for the sides to comment on until a day at least 10 working days on. From an
 * investigation (or a draft again, replacing it while comments are open). Both sides told.
 */
export async function draftDecision(
  ctx: Ctx,
  ombudsmanId: string,
  caseId: string,
  input: { draft?: string | undefined; commentsCloseOn?: string | undefined },
): Promise<CaseRow> {
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { k, today, now } = await toChange(trx, tctx, ombudsmanId, caseId);
    if (k.status !== "investigation" && k.status !== "draft")
      throw new ConflictError(
        msg`A draft decision follows the investigation: accept the case first.`,
        "not_investigating",
      );
    const ombudsman = await ombudsmanOfId(trx, ombudsmanId);
    const draft = (input.draft ?? "").trim();
    const closeOn = (input.commentsCloseOn ?? "").trim();
    const earliest = addWorkingDays(today, COMMENT_MIN_WORKING_DAYS, ombudsman.nation as Nation);
    const problems: FieldError[] = [];
    if (draft === "" || draft.length > CASE_LIMITS.draft)
      problems.push({
        field: "draft",
        message: msg`Write the draft decision, in ${CASE_LIMITS.draft} characters or fewer`,
      });
    if (!isIsoDate(closeOn) || closeOn < earliest)
      problems.push({
        field: "commentsCloseOn",
        message: msg`Enter the last day for comments: on or after ${longDate(earliest)}, 10 working days from today`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the draft decision`, problems);
    await repo.updateCase(trx, ombudsmanId, caseId, {
      status: "draft",
      draft_on: today,
      draft_text: draft,
      comments_close_on: closeOn,
      // Decidable from the day after comments close; due within the service standard after it.
      next_due_on: addWorkingDays(closeOn, DECISION_WORKING_DAYS, ombudsman.nation as Nation),
      updated_at: now,
    });
    await caseAudit(trx, tctx, k, "ombudsman-case.drafted", { commentsCloseOn: closeOn });
    const c = await complaintOfCase(trx, tctx, k);
    await tellComplainant(trx, tctx, c, "case-draft");
    await tellBodyOfCase(
      trx,
      tctx,
      c,
      msg`The ombudsman's draft decision on complaint ${c.reference}`,
      msg`${ombudsman.name} has a draft decision on complaint ${c.reference}. Comment on it by ${longDate(closeOn)}.`,
    );
    return (await repo.findCase(trx, ombudsmanId, caseId)) as CaseRow;
  });
}

/** What a complaint's page shows of the second tier: its case, or what escalation offers. */
export async function secondTierOf(ctx: Ctx, c: ComplaintView) {
  const kase = await caseOnComplaint(ctx, c);
  return {
    kase,
    escalation: kase ? null : await escalationOffer(ctx.db, c, londonToday(ctx.clock)),
    remedyKinds: REMEDY_KINDS,
  };
}

/** The case of a complaint the caller may see (its complainant's side, its body's people): 404 when none. */
export async function caseOfComplaintFor(
  ctx: Ctx,
  authorityId: string,
  complaintId: string,
): Promise<CaseView> {
  const k = await caseOnComplaint(ctx, await complaintOf(ctx, authorityId, complaintId));
  if (!k) throw new NotFoundError("case");
  return k;
}

/** The case of a complaint, as its complainant's side and its body's people see it (null: none). */
export async function caseOnComplaint(ctx: Ctx, c: ComplaintView): Promise<CaseView | null> {
  const k = await repo.caseOfComplaint(ctx.db, c.authority_id, c.id);
  return k ? caseView(ctx.db, k, londonToday(ctx.clock), c.side) : null;
}

/**
 * A comment on the draft decision, by the complainant's side (signed in, or by the link) or the
 * answering body's people, on the complaint's page. 409 when there is no draft or its day has passed.
 */
export async function commentOnDraft(
  ctx: Ctx,
  key: ComplainantKey,
  input: { comment?: string | undefined },
): Promise<ComplaintView> {
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const c =
      "token" in key
        ? await lockedComplaintOf(trx, tctx, key)
        : await complaintOf(tctx, key.authorityId, key.complaintId);
    if (c.side === "reader")
      throw new ForbiddenError(msg`Only the complainant, or someone acting for them, may do this.`);
    const found = await repo.caseOfComplaint(trx, c.authority_id, c.id);
    if (!found) throw new ConflictError(msg`There is no draft decision to comment on.`, "no_draft");
    await repo.lockCase(trx, found.authority_id, found.id);
    const k = (await repo.findCase(trx, found.authority_id, found.id)) as CaseRow;
    const today = londonToday(ctx.clock);
    if (k.status !== "draft" || !k.comments_close_on)
      throw new ConflictError(msg`There is no draft decision to comment on.`, "no_draft");
    if (today > k.comments_close_on)
      throw new ConflictError(
        msg`Comments on the draft decision closed on ${longDate(k.comments_close_on)}.`,
        "comments_closed",
      );
    const comment = (input.comment ?? "").trim();
    if (comment === "" || comment.length > CASE_LIMITS.comment)
      throw new ValidationError(msg`Check your comment`, [
        { field: "comment", message: msg`Write your comment, in ${CASE_LIMITS.comment} characters or fewer` },
      ]);
    const seq = await repo.insertComment(trx, {
      authority_id: k.authority_id,
      case_id: k.id,
      side: c.side,
      body: comment,
      made_by: ctx.principal?.userId ?? null,
      created_at: ctx.clock.now(),
    });
    await caseAudit(trx, tctx, k, "ombudsman-case.commented", { side: c.side, comment: seq });
    await tellCaseStaff(trx, tctx, k, {
      subject: msg`A comment on the draft decision of case ${k.reference}`,
      body:
        c.side === "body"
          ? msg`The body complained about has commented on the draft decision of case ${k.reference}.`
          : msg`The complainant has commented on the draft decision of case ${k.reference}.`,
      link: casePath(k),
    });
    return c;
  });
}

export interface RemedyInput {
  kind?: string | undefined;
  description?: string | undefined;
  /** A payment's amount in pounds and pence, as typed ("£250", "1,250.50"). */
  amount?: string | undefined;
  dueOn?: string | undefined;
}

export interface DecisionInput {
  finding?: string | undefined;
  decision?: string | undefined;
  remedies?: readonly RemedyInput[] | undefined;
  publication?: string | undefined;
  withheldReason?: string | undefined;
  publishedSummary?: string | undefined;
  /** An appeal to the adjudicator (a refused spin-out, an unanswered barrier): the published grounds found. */
  groundsFound?: readonly string[] | undefined;
}

/**
 * The final decision, once the comments on the draft have closed: the scheme's finding (another
 * scheme's is a 422), the decision, the remedies it orders (each due after today; a payment's amount
 * parsed exactly to pence; none after a finding of no fault), and publication — only with the
 * complainant's consent, else withheld with a reason. No remedies: the case is closed at once; with
 * them it is 'decided' until they are complied with (remedies.service.ts). Both sides told.
 */
export async function decideCase(
  ctx: Ctx,
  ombudsmanId: string,
  caseId: string,
  input: DecisionInput,
): Promise<CaseRow> {
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { k, file, today, now } = await toChange(trx, tctx, ombudsmanId, caseId);
    if (k.status !== "draft" || !k.comments_close_on)
      throw new ConflictError(
        msg`A final decision follows a draft decision the sides could comment on.`,
        "no_draft",
      );
    if (today <= k.comments_close_on)
      throw new ConflictError(
        msg`The sides may comment on the draft until ${longDate(k.comments_close_on)}: decide after that day.`,
        "comments_open",
      );
    const problems: FieldError[] = [];
    const finding = CASE_FINDINGS.find((f) => f === input.finding) ?? null;
    if (!finding) problems.push({ field: "finding", message: msg`Choose the finding` });
    const decision = (input.decision ?? "").trim();
    if (decision === "" || decision.length > CASE_LIMITS.decision)
      problems.push({
        field: "decision",
        message: msg`Write the decision, in ${CASE_LIMITS.decision} characters or fewer`,
      });
    const remedies: NewOmbudsmanRemedy[] = [];
    // Each row keeps its own number (the form's row), blank rows skipped: an error names the row it is in.
    const given = (input.remedies ?? [])
      .map((r, i) => ({ r, n: i + 1 }))
      .filter(({ r }) => (r.kind ?? "") !== "" || (r.description ?? "").trim() !== "");
    if (given.length > MAX_REMEDIES)
      problems.push({
        field: "remedies",
        message: msg`Order at most ${MAX_REMEDIES} remedies in one decision`,
      });
    for (const { r, n } of given.slice(0, MAX_REMEDIES)) {
      const kind = REMEDY_KINDS.find((x) => x === r.kind) as RemedyKind | undefined;
      const description = (r.description ?? "").trim();
      const dueOn = (r.dueOn ?? "").trim();
      if (!kind) problems.push({ field: `remedy${n}Kind`, message: msg`Choose the kind of remedy ${n}` });
      if (description === "" || description.length > CASE_LIMITS.remedy)
        problems.push({
          field: `remedy${n}Description`,
          message: msg`Describe remedy ${n}, in ${CASE_LIMITS.remedy} characters or fewer`,
        });
      if (!isIsoDate(dueOn) || dueOn <= today)
        problems.push({
          field: `remedy${n}DueOn`,
          message: msg`Enter the day remedy ${n} is due, after today`,
        });
      let amount: bigint | null = null;
      if (kind === "payment") {
        const parsed = parseMoney(r.amount ?? "");
        if (!parsed.ok || parsed.value <= 0n)
          problems.push({
            field: `remedy${n}Amount`,
            message: msg`Enter the payment of remedy ${n} in pounds and pence, more than £0`,
          });
        else amount = parsed.value;
      }
      if (kind && file)
        remedies.push({
          authority_id: k.authority_id,
          case_id: k.id,
          seq: remedies.length + 1,
          kind,
          description,
          amount_pence: amount,
          due_on: dueOn,
          body_authority_id: file.authority_id,
          body_organisation_id: file.answerer === "provider" ? file.organisation_id : null,
          status: "due",
          evidence: "",
          returned_reason: "",
          created_at: now,
          updated_at: now,
        });
    }
    const publication =
      input.publication === "publish" || input.publication === "withhold" ? input.publication : null;
    const withheldReason = (input.withheldReason ?? "").trim();
    const summary = (input.publishedSummary ?? "").trim();
    if (!publication)
      problems.push({ field: "publication", message: msg`Choose whether the decision is published` });
    if (publication === "withhold" && (withheldReason === "" || withheldReason.length > CASE_LIMITS.withheld))
      problems.push({
        field: "withheldReason",
        message: msg`Say why the decision is not published, in ${CASE_LIMITS.withheld} characters or fewer`,
      });
    if (publication === "publish" && (summary === "" || summary.length > CASE_LIMITS.summary))
      problems.push({
        field: "publishedSummary",
        message: msg`Write the anonymised summary to publish, in ${CASE_LIMITS.summary} characters or fewer`,
      });
    // An appeal's decision names the adjudicator's grounds it finds: one or more with fault, none without.
    const appeal = isAppeal(file);
    const groundsFound = appeal ? [...new Set(input.groundsFound ?? [])] : [];
    if (!groundsFound.every(isGround))
      problems.push({
        field: "groundsFound",
        message: msg`Choose the grounds found from the adjudicator's list`,
      });
    if (problems.length > 0 || !finding || !publication)
      throw new ValidationError(msg`Check the decision`, problems);
    if (appeal && !NO_FAULT.includes(finding) && groundsFound.length === 0) {
      const message = msg`Name the grounds on which the appeal is upheld: a finding of fault names at least one`;
      throw new UnprocessableError(message, [{ field: "groundsFound", message }], "grounds_needed");
    }
    if (appeal && NO_FAULT.includes(finding) && groundsFound.length > 0) {
      const message = msg`A finding of no fault finds no grounds: clear them or change the finding`;
      throw new UnprocessableError(message, [{ field: "groundsFound", message }], "grounds_without_fault");
    }
    if (!SCHEME_FINDINGS[k.scheme].includes(finding)) {
      const message = msg`That finding is not one this ombudsman makes: choose one of its findings`;
      throw new UnprocessableError(message, [{ field: "finding", message }], "finding_not_of_scheme");
    }
    if (NO_FAULT.includes(finding) && remedies.length > 0) {
      const message = msg`A finding of no fault orders no remedies: remove them or change the finding`;
      throw new UnprocessableError(message, [{ field: "finding", message }], "remedies_without_fault");
    }
    // The summary is published: voice's automatic check for obvious personal data (r1 #19).
    const found = publication === "publish" ? personalDataIn(summary) : "";
    if (found) {
      const message = msg`Remove ${found} from the summary to publish: a published decision never names or contacts anyone`;
      throw new UnprocessableError(message, [{ field: "publishedSummary", message }], "personal_data");
    }
    if (publication === "publish" && !k.publication_consent) {
      const message = msg`The complainant did not agree to publication: withhold the decision, with the reason`;
      throw new UnprocessableError(message, [{ field: "publication", message }], "no_publication_consent");
    }
    await repo.insertRemedies(trx, remedies);
    const closed = remedies.length === 0;
    await repo.updateCase(trx, ombudsmanId, caseId, {
      status: closed ? "closed" : "decided",
      decided_on: today,
      decided_by: ctx.principal?.userId ?? null,
      finding,
      grounds_found: groundsFound,
      decision_text: decision,
      publication,
      withheld_reason: publication === "withhold" ? withheldReason : "",
      published_summary: publication === "publish" ? summary : "",
      closed_on: closed ? today : null,
      // Decided with remedies: next due is the earliest remedy's day (kept by keepCaseDue as they are confirmed).
      next_due_on: closed ? null : remedies.map((r) => r.due_on).reduce((a, b) => (b < a ? b : a)),
      updated_at: now,
    });
    await caseAudit(trx, tctx, k, "ombudsman-case.decided", {
      finding,
      ...(appeal ? { groundsFound } : {}),
      // Each remedy's kind and day, never a payment's amount: compensation to someone who can be
      // identified is not kept for ever in the audit trail (the remedy's row holds it).
      remedies: remedies.map((r) => ({ seq: r.seq, kind: r.kind, dueOn: r.due_on })),
      payments: remedies.filter((r) => r.kind === "payment").length,
      publication,
      closed,
    });
    const c = await complaintOfCase(trx, tctx, k);
    const ombudsman = await ombudsmanOfId(trx, ombudsmanId);
    await tellComplainant(trx, tctx, c, "case-decided");
    if (appeal)
      await tellAppealDecided(trx, tctx, c, {
        adjudicatorName: ombudsman.name,
        caseReference: k.reference,
        decidedOn: today,
      });
    await tellBodyOfCase(
      trx,
      tctx,
      c,
      msg`The ombudsman's decision on complaint ${c.reference}`,
      remedies.length > 0
        ? msg`${ombudsman.name} has decided complaint ${c.reference} and orders ${remedies.length} remedies, each with its due day.`
        : msg`${ombudsman.name} has decided complaint ${c.reference}.`,
    );
    return (await repo.findCase(trx, ombudsmanId, caseId)) as CaseRow;
  });
}
