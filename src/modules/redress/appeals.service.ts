/**
 * Appeals to the independent adjudicator (issue 20, item 6), on the redress engine: an appeal is a
 * complaint under the `commissioning` regime whose subject is a refused spin-out or a barrier left
 * unanswered (`commissioning_kind` 'spin-out' or 'barrier'), opened straight at the adjudicator of the
 * subject's service area — the first tier has happened (the refusal is the body's answer; a barrier
 * unanswered past its period counts as no answer), so the complaint is recorded with its first stage
 * as it stood (answered on the refusal's day, or due on the barrier's last day and never answered) and
 * is 'escalated' at once. The adjudicator's casework, decision, remedies, compliance and publication
 * are the engine's own (ombudsman.service.ts, remedies.service.ts). Which decisions may be appealed,
 * and by whom, the modules above say through the `appealableSubjects` port (redress.ports.ts).
 */
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { collect } from "../../lib/ports.ts";
import { addWorkingDays, type Nation } from "../../lib/working-days.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { userById } from "../accounts/accounts.service.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { tellAppealMade } from "./appeals.notices.ts";
import {
  ADJUDICATOR_GROUNDS,
  type AdjudicatorGround,
  APPEAL_DECISION_WORKING_DAYS,
  appealTimeliness,
  isAppeal,
  isGround,
} from "./appeals.ts";
import { ombudsmanTimeLimitEnds } from "./clocks.ts";
import { publishedDecisions } from "./decisions.service.ts";
import * as cases from "./ombudsman.repository.ts";
import {
  ASSESSMENT_WORKING_DAYS,
  type CaseRow,
  casePath,
  ombudsmanOfSlug,
  SCHEME_FINDINGS,
  tellCaseStaff,
} from "./ombudsman.service.ts";
import { type AppealableSubject, appealableSubjects } from "./redress.ports.ts";
import * as repo from "./redress.repository.ts";
import {
  bodyKindOf,
  COMPLAINT_LIMITS,
  caseReference,
  checkOutcomeAndPhone,
  complaintOf,
  reference,
  tellComplainant,
} from "./redress.service.ts";
import type { CaseFinding } from "./redress.table.ts";
import { remedyState } from "./remedies.service.ts";
import { secondTierBodyFor } from "./second-tier.service.ts";

export { ADJUDICATOR_GROUNDS, APPEAL_DECISION_WORKING_DAYS };

/** A subject's key in the appeal form and the API: "spin-out:{authorityId}:{id}" or "barrier:…". */
export function subjectKey(s: Pick<AppealableSubject, "kind" | "authorityId" | "id">): string {
  return `${s.kind}:${s.authorityId}:${s.id}`;
}

export interface AppealChoice extends AppealableSubject {
  key: string;
  /** The adjudicator named for its service area (null: none named yet, or the area is the appellant's to name). */
  adjudicator: { id: string; name: string; slug: string } | null;
}

/**
 * The decisions the signed-in person may appeal now: those the modules above offer (mutuals, barriers)
 * and not yet appealed, each with the adjudicator of its service area where one is named.
 */
export async function appealChoices(ctx: Ctx): Promise<AppealChoice[]> {
  requireSignedIn(ctx.principal);
  const offered = (await collect(appealableSubjects, ctx)).flat();
  const done = await repo.appealedSubjects(ctx.db, offered);
  const out: AppealChoice[] = [];
  for (const s of offered) {
    const key = subjectKey(s);
    if (done.has(key)) continue;
    const named = s.serviceArea ? await secondTierBodyFor(ctx.db, "adjudicator", s.serviceArea) : undefined;
    out.push({
      ...s,
      key,
      adjudicator: named
        ? { id: named.authority_id, name: named.authority_name, slug: named.authority_slug }
        : null,
    });
  }
  return out;
}

/** The service areas an adjudicator is named for (the appellant names one for a barrier about a policy). */
export async function adjudicatedAreas(ctx: Ctx): Promise<string[]> {
  return (await repo.secondTierBodies(ctx.db))
    .filter((b) => b.scheme === "adjudicator")
    .map((b) => b.service_area);
}

export interface AppealDraft {
  /** A subject's key (`appealChoices`). */
  subject?: string | undefined;
  /** The adjudicator's grounds relied on (one or more of ADJUDICATOR_GROUNDS). */
  grounds?: readonly string[] | undefined;
  /** The service area, when the subject has none (a barrier about the authority or a policy). */
  serviceArea?: string | undefined;
  whatHappened?: string | undefined;
  outcomeWanted?: string | undefined;
  phone?: string | undefined;
  /** Consent to the adjudicator and the body seeing the appeal (required). */
  consent?: boolean | undefined;
  /** The adjudicator may publish its decision, anonymised. */
  publicationConsent?: boolean | undefined;
}

/**
 * Appeals a refused spin-out or an unanswered barrier to the adjudicator of its service area (400
 * naming each field; 404 for a subject not the caller's to appeal or appealed already; 409
 * `no_ombudsman_registered` when no adjudicator is named for the area). One transaction: the complaint
 * (escalated), its first stage as it stood, the case at the adjudicator (being assessed), the audit
 * on both chains; the adjudicator's staff told, and the appellant, the body appealed against and the
 * appeal's followers (a refused spin-out's other team members: appeals.notices.ts).
 */
export async function makeAppeal(ctx: Ctx, draft: AppealDraft): Promise<CaseRow> {
  const user = await userById(ctx.db, requireSignedIn(ctx.principal).userId);
  if (!user) throw new NotFoundError("account");
  const choices = await appealChoices(ctx);
  const subject = choices.find((s) => s.key === (draft.subject ?? "").trim());
  const problems: FieldError[] = [];
  if (!subject)
    problems.push({ field: "subject", message: msg`Choose the decision you appeal from the list` });
  const grounds = [...new Set(draft.grounds ?? [])];
  if (grounds.length === 0 || !grounds.every(isGround))
    problems.push({ field: "grounds", message: msg`Choose one or more of the adjudicator's grounds` });
  const areas = subject && !subject.serviceArea ? await adjudicatedAreas(ctx) : [];
  const serviceArea = subject?.serviceArea ?? (draft.serviceArea ?? "").trim();
  if (subject && !subject.serviceArea && !areas.includes(serviceArea))
    problems.push({ field: "serviceArea", message: msg`Choose the service area the barrier was met in` });
  const whatHappened = (draft.whatHappened ?? "").trim();
  if (whatHappened === "" || whatHappened.length > COMPLAINT_LIMITS.whatHappened)
    problems.push({
      field: "whatHappened",
      message: msg`Say why the decision was unfair, and your evidence, in ${COMPLAINT_LIMITS.whatHappened} characters or fewer`,
    });
  const { outcomeWanted, phone } = checkOutcomeAndPhone(draft, problems);
  if (draft.consent !== true)
    problems.push({
      field: "consent",
      message: msg`Agree to the adjudicator and the body seeing your appeal: the adjudicator cannot decide it without`,
    });
  if (problems.length > 0 || !subject) throw new ValidationError(msg`Check your appeal`, problems);
  const named = await secondTierBodyFor(ctx.db, "adjudicator", serviceArea);
  if (!named)
    throw new ConflictError(
      msg`No independent adjudicator is named on this platform yet for the service area ${serviceArea}: the platform's administrators name one.`,
      "no_ombudsman_registered",
    );
  const body = await authorityById(ctx.db, subject.authorityId);
  const today = londonToday(ctx.clock);
  return transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    // One appeal per subject: a second request (a double click) finds the first.
    if ((await repo.appealedSubjects(trx, [subject])).size > 0)
      throw new ConflictError(msg`This decision has been appealed already.`, "already_appealed");
    const now = ctx.clock.now();
    const complaintId = newId();
    const nation = body.nation as Nation;
    const endsOn = ombudsmanTimeLimitEnds("adjudicator", {
      knewOn: subject.decidedOn,
      finalResponseOn: null,
    });
    await repo.insertComplaint(trx, {
      authority_id: body.id,
      id: complaintId,
      nation,
      happened_on: subject.decidedOn,
      knew_on: null,
      received_on: today,
      time_limit_ends_on: endsOn ?? today,
      in_time: endsOn === null || today <= endsOn,
      next_due_on: null,
      reference: reference(),
      regime: "commissioning",
      about: "authority",
      organisation_id: null,
      answerer: "authority",
      responsible_as: "complained-about",
      no_commissioner_found: false,
      body_kind: bodyKindOf("authority", "commissioning", body),
      complainant_id: user.id,
      acting_as: subject.organisationId ? "organisation" : "self",
      complainant_organisation_id: subject.organisationId,
      person_authority_id: null,
      person_id: null,
      contact_name: user.display_name,
      contact_email: user.email,
      contact_phone: phone,
      what_happened: whatHappened,
      outcome_wanted: outcomeWanted,
      consent_at: now,
      late_decision: null,
      late_reason: "",
      stage: 1,
      status: "escalated",
      email_verified_at: now,
      access_token_hash: null,
      commissioning_kind: subject.kind,
      commissioning_id: subject.id,
      commissioning_title: subject.title.slice(0, 500),
      service_area: serviceArea,
      appeal_grounds: grounds,
      created_at: now,
      updated_at: now,
    });
    // The first tier as it stood: a refusal is the body's answer on its day; a barrier's period
    // passed with no answer.
    const refused = subject.why === "refused";
    await repo.insertStage(trx, {
      authority_id: body.id,
      complaint_id: complaintId,
      stage: 1,
      received_on: subject.decidedOn,
      ack_due_on: null,
      acknowledged_on: null,
      acknowledged_by: null,
      answer_step: "respond",
      answer_first_due_on: subject.decidedOn,
      answer_due_on: subject.decidedOn,
      extension_reason: "",
      explanation: "",
      responded_on: refused ? subject.decidedOn : null,
      finding: refused ? "not-upheld" : null,
      response: "",
      remedy: "",
      created_at: now,
    });
    const caseId = newId();
    await cases.insertCase(trx, {
      authority_id: named.authority_id,
      id: caseId,
      reference: caseReference(),
      scheme: "adjudicator",
      complaint_authority_id: body.id,
      complaint_id: complaintId,
      escalated_by: user.id,
      escalated_on: today,
      file_consent_at: now,
      early_reason: "",
      mp_referral: "",
      publication_consent: draft.publicationConsent === true,
      time_limit_ends_on: endsOn,
      in_time: endsOn === null || today <= endsOn,
      late_reason: "",
      status: "assessment",
      decline_reason: "",
      draft_text: "",
      decision_text: "",
      withheld_reason: "",
      published_summary: "",
      next_due_on: addWorkingDays(today, ASSESSMENT_WORKING_DAYS, named.authority_nation as Nation),
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: body.id,
      actor: actorIn(tctx),
      action: "complaint.appealed",
      entity: { type: "complaint", id: complaintId },
      changes: {
        subject: { kind: subject.kind, id: subject.id },
        why: subject.why,
        organisationId: subject.organisationId,
        serviceArea,
        grounds,
        caseId,
      },
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: named.authority_id,
      actor: actorIn(tctx),
      action: "ombudsman-case.received",
      entity: { type: "ombudsman-case", id: caseId },
      changes: {
        scheme: "adjudicator",
        complaintAuthorityId: body.id,
        complaintId,
        appeal: subject.kind,
        grounds,
        publicationConsent: draft.publicationConsent === true,
      },
    });
    const k = (await cases.findCase(trx, named.authority_id, caseId)) as CaseRow;
    await tellCaseStaff(trx, tctx, k, {
      subject: msg`An appeal to assess: ${k.reference}`,
      body: msg`An appeal against ${body.name} has reached ${named.authority_name}. Assess it by ${longDate(k.next_due_on)}.`,
      link: casePath(k),
    });
    const c = await repo.findComplaint(trx, body.id, complaintId);
    if (c) {
      await tellComplainant(trx, tctx, c, "escalated");
      await tellAppealMade(trx, tctx, c, {
        adjudicatorName: named.authority_name,
        bodyName: body.name,
        caseReference: k.reference,
        subjectPath: subject.path,
      });
    }
    return k;
  });
}

/** The appeal about a subject, if any: the subject's page shows where it stands (public: no words, no names). */
export async function appealOfSubject(
  ctx: Ctx,
  kind: "spin-out" | "barrier",
  authorityId: string,
  id: string,
) {
  const a = await repo.appealOfSubject(ctx.db, kind, authorityId, id);
  return a
    ? {
        /** The adjudicator's case's reference (its published decision's, once published). */
        reference: a.case_reference ?? a.reference,
        caseStatus: a.case_status,
        finding: a.finding,
        groundsFound: a.grounds_found ?? [],
        decidedOn: a.decided_on,
      }
    : null;
}

export { complaintOf, ombudsmanOfSlug };

// The adjudicator's published page and figures

/** The adjudicators (each authority once, with the service areas it is named for). */
async function adjudicators(db: Ctx["db"]) {
  const named = (await repo.secondTierBodies(db)).filter((b) => b.scheme === "adjudicator");
  const byId = new Map<
    string,
    { id: string; name: string; slug: string; nation: Nation; serviceAreas: string[] }
  >();
  for (const b of named) {
    const a = byId.get(b.authority_id) ?? {
      id: b.authority_id,
      name: b.authority_name,
      slug: b.authority_slug,
      nation: b.authority_nation,
      serviceAreas: [],
    };
    a.serviceAreas.push(b.service_area);
    byId.set(b.authority_id, a);
  }
  return [...byId.values()];
}

/** Counts of an adjudicator's work, for its page and the figures dashboard (`adjudicatorFigures`). */
export interface AdjudicatorFigures {
  adjudicator: { id: string; name: string; slug: string; serviceAreas: string[] };
  /** The London day counted on. */
  countedOn: string;
  /** Cases received, by what they are about: appeals (a refused spin-out, an unanswered barrier) and complaints about commissioning. */
  received: { spinOut: number; barrier: number; commissioning: number; total: number };
  /** Cases by where they stand. */
  open: number;
  declined: number;
  decided: number;
  /** Decisions by finding (outcome): no fault, fault causing no injustice, fault causing injustice. */
  byOutcome: { finding: CaseFinding; count: number }[];
  /** Appeals' decisions by each published ground found (a decision may find several). */
  byGround: { ground: AdjudicatorGround; found: number }[];
  /** Appeals accepted, against the published period: decided on time, late, still due, overdue. */
  period: { workingDays: number; decidedOnTime: number; decidedLate: number; due: number; overdue: number };
  /** The remedies ordered and their compliance (remedies.service's states; complied = confirmed done). */
  remedies: {
    ordered: number;
    compliedOnTime: number;
    compliedLate: number;
    reported: number;
    due: number;
    overdue: number;
  };
}

/**
 * The adjudicators' figures (all of them, or one by id): counts of cases, outcomes, grounds found,
 * timeliness against the published period and remedies' compliance. Counts only — no complaint's
 * words, no names, no references — so the figures dashboard and the open data may show them as they
 * are (they count decisions about public bodies). Public.
 */
export async function adjudicatorFigures(ctx: Ctx, adjudicatorId?: string): Promise<AdjudicatorFigures[]> {
  const today = londonToday(ctx.clock);
  const all = await adjudicators(ctx.db);
  const chosen = adjudicatorId ? all.filter((a) => a.id === adjudicatorId) : all;
  const out: AdjudicatorFigures[] = [];
  for (const a of chosen) {
    const [rows, remedies] = await Promise.all([
      repo.adjudicatorCaseRows(ctx.db, a.id),
      repo.adjudicatorRemedyRows(ctx.db, a.id),
    ]);
    const appeals = rows.filter((r) => isAppeal(r));
    const decided = rows.filter((r) => r.decided_on !== null);
    const outcomes = new Map<string, number>();
    for (const r of decided) if (r.finding) outcomes.set(r.finding, (outcomes.get(r.finding) ?? 0) + 1);
    const period = {
      workingDays: APPEAL_DECISION_WORKING_DAYS,
      decidedOnTime: 0,
      decidedLate: 0,
      due: 0,
      overdue: 0,
    };
    for (const r of appeals) {
      const accepted = r.assessed_on !== null && r.status !== "declined" ? r.assessed_on : null;
      const { state } = appealTimeliness({ acceptedOn: accepted, decidedOn: r.decided_on }, a.nation, today);
      if (state === "decided-on-time") period.decidedOnTime++;
      else if (state === "decided-late") period.decidedLate++;
      else if (state === "due") period.due++;
      else if (state === "overdue") period.overdue++;
    }
    const rem = {
      ordered: remedies.length,
      compliedOnTime: 0,
      compliedLate: 0,
      reported: 0,
      due: 0,
      overdue: 0,
    };
    for (const r of remedies) {
      const state = remedyState(r, today);
      if (state === "confirmed") {
        if (r.done_on !== null && r.done_on <= r.due_on) rem.compliedOnTime++;
        else rem.compliedLate++;
      } else if (state === "reported" || state === "reported-late") rem.reported++;
      else if (state === "overdue") rem.overdue++;
      else rem.due++;
    }
    out.push({
      adjudicator: { id: a.id, name: a.name, slug: a.slug, serviceAreas: a.serviceAreas },
      countedOn: today,
      received: {
        spinOut: rows.filter((r) => r.commissioning_kind === "spin-out").length,
        barrier: rows.filter((r) => r.commissioning_kind === "barrier").length,
        commissioning: rows.length - appeals.length,
        total: rows.length,
      },
      open: rows.filter((r) => ["assessment", "investigation", "draft"].includes(r.status)).length,
      declined: rows.filter((r) => r.status === "declined").length,
      decided: decided.length,
      byOutcome: SCHEME_FINDINGS.adjudicator.map((finding) => ({
        finding,
        count: outcomes.get(finding) ?? 0,
      })),
      byGround: ADJUDICATOR_GROUNDS.map((ground) => ({
        ground,
        found: decided.filter((r) => r.grounds_found.includes(ground)).length,
      })),
      period,
      remedies: rem,
    });
  }
  return out;
}

/**
 * An adjudicator's public page: its service areas, its published grounds and period, its figures and
 * its published decisions (the engine's, each with its remedies' compliance on the decision's page).
 * 404 for anything but an adjudicator named on the platform.
 */
export async function adjudicatorPage(ctx: Ctx, slug: string) {
  const a = (await adjudicators(ctx.db)).find((x) => x.slug === slug);
  if (!a) throw new NotFoundError("adjudicator");
  const [figures] = await adjudicatorFigures(ctx, a.id);
  const decisions = await publishedDecisions(ctx, { ombudsman: a.slug });
  return {
    adjudicator: a,
    grounds: ADJUDICATOR_GROUNDS,
    periodWorkingDays: APPEAL_DECISION_WORKING_DAYS,
    figures: figures as AdjudicatorFigures,
    decisions: decisions.decisions,
    next: decisions.next,
  };
}
