/**
 * Accreditation bodies and standards (issue 20, item 7; docs/standards.md): the platform's
 * administrators register a body (an organisation of the directory or a public body); the body's
 * people publish standards for a service type, in versions, and accredit providers against them —
 * granted until an expiry date, suspended or withdrawn with reasons; a tender may require a current
 * accreditation, and a bid from a provider without one is refused (the tenders module's
 * `bidderRefusals` port). A provider's current accreditations are on its profile (the organisations
 * module's `profilePanels` port). Every change is audited on the platform's chain, a tender's
 * requirement on its authority's.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { formatPercent } from "../../lib/basis-points.ts";
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
import { addDays, isIsoDate, londonDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  grantsInScope,
  hasRole,
  isPlatformAdmin,
  PLATFORM_SCOPE,
  type Principal,
  requireRole,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, systemCtx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findPublicBody } from "../authorities/authorities.service.ts";
import type { AccreditationOnDay } from "../evaluation/evaluation.ports.ts";
import { enqueueTomorrow } from "../jobs/jobs.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { findOrganisation } from "../organisations/organisations.service.ts";
import type { ScorableStandard } from "../tenders/tenders.ports.ts";
import { requireTenderEditor, visibleTender } from "../tenders/tenders.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./standards.repository.ts";
import type { AccreditationStatus, StandardVersion } from "./standards.table.ts";

export type { AccreditationRow, BodyRow, HeldRow, StandardRow } from "./standards.repository.ts";
export type { AccreditationStatus, StandardVersion } from "./standards.table.ts";

export const LIMITS = { title: 200, about: 2000, criteria: 20000, reason: 2000, url: 500 } as const;

// The clock: an accreditation's state on a day

/** What an accreditation is on a day: "current" through its expiry date, "expired" from the day after. */
export type AccreditationState = "current" | "expired" | "suspended" | "withdrawn";

export function accreditationState(
  a: { status: AccreditationStatus; expires_on: string },
  today: string,
): AccreditationState {
  if (a.status === "withdrawn") return "withdrawn";
  if (a.status === "suspended") return "suspended";
  return a.expires_on < today ? "expired" : "current";
}

/** The version in force on a day (the newest effective by then), and those published to come. */
export function versionsOn(
  versions: readonly StandardVersion[],
  today: string,
): { current: StandardVersion | null; upcoming: StandardVersion[] } {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return {
    current: sorted.find((v) => v.effective_on <= today) ?? null,
    upcoming: sorted.filter((v) => v.effective_on > today).reverse(),
  };
}

// Who may do what

/** Whether the principal acts for the body: its organisation's people, or its public body's commissioners and administrators. */
export function actsForBody(
  principal: Principal | null,
  body: { organisation_id: string | null; public_body_id: string | null },
): boolean {
  if (body.organisation_id)
    return hasRole(principal, ["organisation-admin", "organisation-member"], body.organisation_id);
  if (body.public_body_id)
    return hasRole(principal, ["authority-admin", "commissioner"], body.public_body_id);
  return false;
}

/**
 * The body's own people only: accreditation is the body's independent judgement, so platform
 * administrators, who register bodies, do not accredit or publish for them.
 */
function requireBodyPerson(principal: Principal | null, body: repo.BodyRow, what: string): Principal {
  const p = requireSignedIn(principal);
  if (!actsForBody(p, body))
    throw new ForbiddenError(
      msg`Only the people of ${body.name} may ${what}: ask one of its administrators to give you a role there.`,
    );
  return p;
}

// Reading checks

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

function checkUrl(value: string, field: string, problems: FieldError[]): void {
  if (value === "") return;
  let ok = value.length <= LIMITS.url;
  try {
    ok &&= ["https:", "http:"].includes(new URL(value).protocol);
  } catch {
    ok = false;
  }
  if (!ok)
    problems.push({
      field,
      message: msg`Enter the web address in full, like https://www.example.org.uk/guidance`,
    });
}

function checkDate(value: string, field: string, what: string, problems: FieldError[]): void {
  if (!isIsoDate(value)) problems.push({ field, message: msg`Enter ${what} as a real date, like 1 4 2027` });
}

function checkReason(value: string, problems: FieldError[]): void {
  if (value === "" || value.length > LIMITS.reason)
    problems.push({
      field: "reason",
      message: msg`Give the reason, in 2,000 characters or fewer: the provider reads it`,
    });
}

function failIfAny(problems: FieldError[], what: string): void {
  if (problems.length > 0) throw new ValidationError(what, problems);
}

// Bodies

export interface BodyInput {
  organisationId?: string;
  publicBodyId?: string;
  about?: string;
  website?: string;
}

/** Registers an organisation of the directory or a public body as an accreditation body: platform administrators. */
export async function registerBody(
  ctx: Ctx,
  input: BodyInput,
  options: { id?: string } = {},
): Promise<repo.BodyRow> {
  requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "register accreditation bodies");
  const organisationId = text(input.organisationId);
  const publicBodyId = text(input.publicBodyId);
  const about = text(input.about);
  const website = text(input.website);
  const problems: FieldError[] = [];
  if ((organisationId === "") === (publicBodyId === ""))
    problems.push({
      field: "organisationId",
      message: msg`Choose either an organisation of the directory or a public body, not both`,
    });
  else if (organisationId && !(isUuid(organisationId) && (await findOrganisation(ctx.db, organisationId))))
    problems.push({ field: "organisationId", message: msg`Choose an organisation from the directory` });
  else if (publicBodyId && !(isUuid(publicBodyId) && (await findPublicBody(ctx.db, publicBodyId))))
    problems.push({ field: "publicBodyId", message: msg`Choose a public body from the list` });
  if (about.length > LIMITS.about)
    problems.push({ field: "about", message: msg`Say what the body does in 2,000 characters or fewer` });
  checkUrl(website, "website", problems);
  failIfAny(problems, msg`Check the accreditation body`);
  return transaction(ctx.db, async (trx) => {
    const kind = organisationId ? "organisation" : "public-body";
    if (await repo.bodyOfActor(trx, kind, organisationId || publicBodyId))
      throw new ConflictError(msg`This is an accreditation body already`, "body_registered");
    const id = options.id ?? newId();
    await repo.insertBody(trx, {
      id,
      organisation_id: organisationId || null,
      public_body_id: publicBodyId || null,
      about,
      website,
      registered_by: ctx.principal?.userId ?? null,
      registered_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorIn(ctx),
      action: "accreditation-body.registered",
      entity: { type: "accreditation-body", id },
      changes: { organisationId: organisationId || null, publicBodyId: publicBodyId || null },
    });
    return (await repo.findBody(trx, id)) as repo.BodyRow;
  });
}

async function bodyOrFail(db: Db, id: string): Promise<repo.BodyRow> {
  const body = isUuid(id) ? await repo.findBody(db, id) : undefined;
  if (!body) throw new NotFoundError("accreditation body");
  return body;
}

export interface BodiesView {
  bodies: (repo.BodyRow & { standards: repo.StandardRow[] })[];
  canRegister: boolean;
}

/** Every body with its standards: public. */
export async function bodiesAndStandards(ctx: Ctx): Promise<BodiesView> {
  const [bodies, standards] = await Promise.all([repo.listBodies(ctx.db), repo.listStandards(ctx.db)]);
  return {
    bodies: bodies.map((b) => ({ ...b, standards: standards.filter((s) => s.body_id === b.id) })),
    canRegister: isPlatformAdmin(ctx.principal),
  };
}

export interface BodyView {
  body: repo.BodyRow;
  standards: repo.StandardRow[];
  /** The viewer acts for the body: may publish standards. */
  canPublish: boolean;
}

/** A body and its standards: public. */
export async function bodyView(ctx: Ctx, bodyId: string): Promise<BodyView> {
  const body = await bodyOrFail(ctx.db, bodyId);
  return {
    body,
    standards: await repo.listStandards(ctx.db, body.id),
    canPublish: actsForBody(ctx.principal, body),
  };
}

// Standards and versions

export interface VersionInput {
  criteria?: string;
  guidanceUrl?: string;
  effectiveOn?: string;
}

export interface StandardInput extends VersionInput {
  title?: string;
  serviceCategory?: string;
}

function checkVersion(input: VersionInput, problems: FieldError[]) {
  const criteria = text(input.criteria);
  const guidanceUrl = text(input.guidanceUrl);
  const effectiveOn = text(input.effectiveOn);
  if (criteria === "" || criteria.length > LIMITS.criteria)
    problems.push({
      field: "criteria",
      message: msg`Enter the standard's text and criteria, in 20,000 characters or fewer`,
    });
  checkUrl(guidanceUrl, "guidanceUrl", problems);
  checkDate(effectiveOn, "effectiveOn", msg`the date it takes effect`, problems);
  return { criteria, guidanceUrl, effectiveOn };
}

/** A new version may not take effect before today, nor before the version it follows. */
function checkEffective(effectiveOn: string, today: string, latest: StandardVersion | undefined): void {
  if (effectiveOn < today)
    throw new UnprocessableError(
      msg`A version takes effect today or later: a published standard is not changed after the fact`,
      [{ field: "effectiveOn", message: msg`Enter today or a later date` }],
    );
  if (latest && effectiveOn < latest.effective_on)
    throw new UnprocessableError(msg`A version takes effect on or after the version it follows`, [
      {
        field: "effectiveOn",
        message: msg`Enter a date on or after ${latest.effective_on}, when version ${latest.version} takes effect`,
      },
    ]);
}

/** Publishes a standard for a service type, as its version 1: the body's people. */
export async function publishStandard(
  ctx: Ctx,
  bodyId: string,
  input: StandardInput,
  options: { id?: string } = {},
): Promise<repo.StandardRow> {
  requireSignedIn(ctx.principal);
  const body = await bodyOrFail(ctx.db, bodyId);
  const p = requireBodyPerson(ctx.principal, body, msg`publish its standards`);
  const problems: FieldError[] = [];
  const title = text(input.title);
  const serviceCategory = text(input.serviceCategory);
  if (title === "" || title.length > LIMITS.title)
    problems.push({ field: "title", message: msg`Enter the standard's title, in 200 characters or fewer` });
  const categories = await listServiceCategories(ctx.db);
  if (!categories.some((c) => c.code === serviceCategory))
    problems.push({ field: "serviceCategory", message: msg`Choose the type of service the standard is for` });
  const version = checkVersion(input, problems);
  failIfAny(problems, msg`Check the standard`);
  checkEffective(version.effectiveOn, londonToday(ctx.clock), undefined);
  return transaction(ctx.db, async (trx) => {
    if (await repo.titleTaken(trx, body.id, title))
      throw new ConflictError(
        msg`The body has a standard of this title already: publish a new version of it instead`,
        "standard_exists",
        [{ field: "title", message: msg`Choose a title the body has not used` }],
      );
    const id = options.id ?? newId();
    const now = ctx.clock.now();
    await repo.insertStandard(trx, {
      id,
      body_id: body.id,
      title,
      service_category: serviceCategory,
      created_by: p.userId,
      created_at: now,
    });
    await repo.insertVersion(trx, {
      standard_id: id,
      version: 1,
      criteria: version.criteria,
      guidance_url: version.guidanceUrl,
      effective_on: version.effectiveOn,
      published_by: p.userId,
      published_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorIn(ctx),
      action: "standard.published",
      entity: { type: "standard", id },
      changes: { bodyId: body.id, title, serviceCategory, version: 1, effectiveOn: version.effectiveOn },
    });
    return (await repo.findStandard(trx, id)) as repo.StandardRow;
  });
}

async function standardOrFail(db: Db, id: string): Promise<repo.StandardRow> {
  const standard = isUuid(id) ? await repo.findStandard(db, id) : undefined;
  if (!standard) throw new NotFoundError("standard");
  return standard;
}

/** Publishes a standard's next version (its text, guidance and the day it takes effect): the body's people. */
export async function publishVersion(
  ctx: Ctx,
  standardId: string,
  input: VersionInput,
): Promise<StandardVersion> {
  requireSignedIn(ctx.principal);
  const standard = await standardOrFail(ctx.db, standardId);
  const body = await bodyOrFail(ctx.db, standard.body_id);
  const p = requireBodyPerson(ctx.principal, body, msg`publish its standards`);
  const problems: FieldError[] = [];
  const version = checkVersion(input, problems);
  failIfAny(problems, msg`Check the version`);
  return transaction(ctx.db, async (trx) => {
    const [latest] = await repo.lockVersions(trx, standard.id);
    checkEffective(version.effectiveOn, londonToday(ctx.clock), latest);
    const row: StandardVersion = {
      standard_id: standard.id,
      version: (latest?.version ?? 0) + 1,
      criteria: version.criteria,
      guidance_url: version.guidanceUrl,
      effective_on: version.effectiveOn,
      published_by: p.userId,
      published_at: ctx.clock.now(),
    };
    await repo.insertVersion(trx, row);
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorIn(ctx),
      action: "standard.version-published",
      entity: { type: "standard", id: standard.id },
      changes: { version: row.version, effectiveOn: row.effective_on },
    });
    return row;
  });
}

export interface AccreditationView extends repo.AccreditationRow {
  state: AccreditationState;
}

export interface StandardView {
  standard: repo.StandardRow;
  body: repo.BodyRow;
  current: StandardVersion | null;
  upcoming: StandardVersion[];
  versions: StandardVersion[];
  /** Current accreditations for everyone; every one, in every state, for the body's people. */
  accreditations: AccreditationView[];
  canAccredit: boolean;
  today: string;
}

/** A standard's page: its versions and the providers accredited against it. */
export async function standardView(ctx: Ctx, standardId: string): Promise<StandardView> {
  const standard = await standardOrFail(ctx.db, standardId);
  const [body, versions, accreditations] = await Promise.all([
    bodyOrFail(ctx.db, standard.body_id),
    repo.versionsOf(ctx.db, standard.id),
    repo.accreditationsOf(ctx.db, standard.id),
  ]);
  const today = londonToday(ctx.clock);
  const canAccredit = actsForBody(ctx.principal, body);
  const states = accreditations.map((a) => ({ ...a, state: accreditationState(a, today) }));
  return {
    standard,
    body,
    ...versionsOn(versions, today),
    versions,
    accreditations: canAccredit ? states : states.filter((a) => a.state === "current"),
    canAccredit,
    today,
  };
}

// Accreditations

export interface AccreditInput {
  organisationId?: string;
  expiresOn?: string;
}

/**
 * Accredits a provider against the standard until its expiry date (the last day it holds), or
 * grants it again — renewed, or reinstated after a suspension or withdrawal: the body's people.
 */
export async function accredit(
  ctx: Ctx,
  standardId: string,
  input: AccreditInput,
  options: { id?: string } = {},
): Promise<AccreditationView> {
  requireSignedIn(ctx.principal);
  const standard = await standardOrFail(ctx.db, standardId);
  const body = await bodyOrFail(ctx.db, standard.body_id);
  const p = requireBodyPerson(ctx.principal, body, msg`accredit providers against its standards`);
  const organisationId = text(input.organisationId);
  const expiresOn = text(input.expiresOn);
  const problems: FieldError[] = [];
  const organisation = isUuid(organisationId) ? await findOrganisation(ctx.db, organisationId) : undefined;
  if (!organisation)
    problems.push({ field: "organisationId", message: msg`Choose the provider from the directory` });
  checkDate(expiresOn, "expiresOn", msg`the date the accreditation expires`, problems);
  failIfAny(problems, msg`Check the accreditation`);
  const today = londonToday(ctx.clock);
  if (expiresOn <= today)
    throw new UnprocessableError(msg`An accreditation is granted until a later day`, [
      { field: "expiresOn", message: msg`Enter a date after today for the accreditation to expire` },
    ]);
  if (organisation?.id === body.organisation_id)
    throw new UnprocessableError(msg`A body does not accredit itself`, [
      { field: "organisationId", message: msg`Choose a provider other than the body itself` },
    ]);
  return transaction(ctx.db, async (trx) => {
    const before = await repo.accreditationOf(trx, standard.id, organisationId, { lock: true });
    const id = before?.id ?? options.id ?? newId();
    await repo.upsertAccreditation(trx, {
      id,
      standard_id: standard.id,
      organisation_id: organisationId,
      status: "granted",
      granted_on: today,
      expires_on: expiresOn,
      reason: "",
      decided_by: p.userId,
      decided_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorIn(ctx),
      action: before ? "accreditation.granted-again" : "accreditation.granted",
      entity: { type: "accreditation", id },
      changes: {
        standardId: standard.id,
        organisationId,
        expiresOn,
        ...(before ? { was: accreditationState(before, today) } : {}),
      },
    });
    await tellProvider(trx, ctx, standard, organisationId, {
      subject: before
        ? msg`${standard.title}: your accreditation is granted again`
        : msg`${standard.title}: your organisation is accredited`,
      body: msg`${standard.body_name} accredits your organisation against the ${standard.title} until ${longDate(expiresOn)} (the last day it holds). It is shown on your organisation's profile and on the standard's page.`,
    });
    const row = (await repo.findAccreditation(trx, id)) as repo.AccreditationRow;
    return { ...row, state: accreditationState(row, today) };
  });
}

/** Suspends a current accreditation, or withdraws one (any state but withdrawn), with a reason: the body's people. */
export async function decideAccreditation(
  ctx: Ctx,
  accreditationId: string,
  decision: "suspended" | "withdrawn",
  input: { reason?: string },
): Promise<AccreditationView> {
  requireSignedIn(ctx.principal);
  const found = isUuid(accreditationId) ? await repo.findAccreditation(ctx.db, accreditationId) : undefined;
  if (!found) throw new NotFoundError("accreditation");
  const standard = await standardOrFail(ctx.db, found.standard_id);
  const body = await bodyOrFail(ctx.db, standard.body_id);
  const p = requireBodyPerson(ctx.principal, body, msg`decide on accreditations against its standards`);
  const reason = text(input.reason);
  const problems: FieldError[] = [];
  checkReason(reason, problems);
  failIfAny(problems, decision === "suspended" ? msg`Check the suspension` : msg`Check the withdrawal`);
  const today = londonToday(ctx.clock);
  return transaction(ctx.db, async (trx) => {
    const row = await repo.lockAccreditation(trx, found.id);
    if (!row) throw new NotFoundError("accreditation");
    const state = accreditationState(row, today);
    if (decision === "suspended" && state !== "current")
      throw new ConflictError(
        msg`Only a current accreditation is suspended: this one is ${state}. Grant it again to reinstate it.`,
        "accreditation_not_current",
      );
    if (decision === "withdrawn" && state === "withdrawn")
      throw new ConflictError(msg`This accreditation is withdrawn already`, "accreditation_withdrawn");
    await repo.setAccreditationStatus(trx, row.id, {
      status: decision,
      reason,
      decided_by: p.userId,
      decided_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorIn(ctx),
      action: decision === "suspended" ? "accreditation.suspended" : "accreditation.withdrawn",
      entity: { type: "accreditation", id: row.id },
      changes: { standardId: row.standard_id, organisationId: row.organisation_id, reason, was: state },
    });
    await tellProvider(trx, ctx, standard, row.organisation_id, {
      subject:
        decision === "suspended"
          ? msg`${standard.title}: your accreditation is suspended`
          : msg`${standard.title}: your accreditation is withdrawn`,
      body:
        decision === "suspended"
          ? msg`${standard.body_name} suspends your organisation's accreditation against the ${standard.title}, giving this reason: ${reason}\n\nWhile it is suspended, tenders that require it refuse your bids. The body may grant it again.`
          : msg`${standard.body_name} withdraws your organisation's accreditation against the ${standard.title}, giving this reason: ${reason}\n\nTenders that require it refuse your bids. The body may grant it again.`,
    });
    const after = (await repo.findAccreditation(trx, row.id)) as repo.AccreditationRow;
    return { ...after, state: accreditationState(after, today) };
  });
}

/**
 * Tells the provider's people (its administrators and members) of a decision on its accreditation,
 * in their inbox and by email, linking to the standard's page.
 */
async function tellProvider(
  trx: Trx,
  ctx: Ctx,
  standard: repo.StandardRow,
  organisationId: string,
  notice: { subject: string; body: string; kind?: "accreditation.changed" | "accreditation.expiring" },
): Promise<void> {
  const people = new Set<string>();
  for (const g of await grantsInScope(trx, organisationId))
    if (g.role === "organisation-admin" || g.role === "organisation-member") people.add(g.user_id);
  for (const userId of people)
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: null,
        organisationId,
        kind: notice.kind ?? "accreditation.changed",
        subject: notice.subject.slice(0, 200),
        body: notice.body.slice(0, 10_000),
        link: `/standards/${standard.id}`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

// The reminder before an accreditation expires (the daily sweep, standards.jobs.ts)

/** How many days before its expiry date a provider is reminded. */
export const EXPIRY_REMINDER_DAYS = 60;
export const EXPIRY_SWEEP_QUEUE = "standards.expiry-reminders";

/**
 * The daily sweep: each granted accreditation whose expiry date is at most 60 days away (and not
 * past), and whose provider has not been reminded of that date, is marked and its provider's
 * people told — each in its own transaction, the row locked and checked again, with an audit event.
 * Running it twice tells them once; a renewal (a new expiry date) is reminded again. Then
 * tomorrow's sweep is queued. How many it reminded.
 */
export async function remindExpiring(db: Db, clock: Clock): Promise<number> {
  const ctx = systemCtx(db, clock, "accreditation-expiry-reminders");
  const today = londonToday(clock);
  const until = addDays(today, EXPIRY_REMINDER_DAYS);
  let reminded = 0;
  for (const row of await repo.expiringToRemind(db, today, until))
    await transaction(db, async (trx) => {
      const locked = await repo.lockAccreditation(trx, row.id);
      if (
        locked?.status !== "granted" ||
        locked.expires_on !== row.expires_on ||
        locked.reminded_expiry_on === locked.expires_on
      )
        return;
      const standard = (await repo.findStandard(trx, locked.standard_id)) as repo.StandardRow;
      await repo.markReminded(trx, locked.id, locked.expires_on);
      reminded++;
      await recordAudit(trx, clock, {
        authorityId: null,
        actor: actorIn(ctx),
        action: "accreditation.expiry-reminded",
        entity: { type: "accreditation", id: locked.id },
        changes: {
          standardId: standard.id,
          organisationId: locked.organisation_id,
          expiresOn: locked.expires_on,
        },
      });
      await tellProvider(trx, within(ctx, trx), standard, locked.organisation_id, {
        kind: "accreditation.expiring",
        subject: msg`${standard.title}: your accreditation ends on ${longDate(locked.expires_on)}`,
        body: msg`Your organisation's accreditation by ${standard.body_name} against the ${standard.title} holds until ${longDate(locked.expires_on)}, its last day. From the day after, tenders that require it refuse your bids, and tenders that score it give no marks for it. Ask ${standard.body_name} about renewing it.`,
      });
    });
  await transaction(db, (trx) => queueExpirySweep(trx, clock));
  return reminded;
}

/** Queues the next daily sweep (at 07:00 tomorrow, London time); once a day, however often asked. */
export async function queueExpirySweep(trx: Trx, clock: Clock): Promise<void> {
  await enqueueTomorrow(trx, clock, EXPIRY_SWEEP_QUEUE, 7);
}

// The open register (the datasets module's `accreditations`)

/** Current accreditations, a page at a time by id (public: what the standards' pages show). */
export function currentRegisterAfter(
  ctx: Ctx,
  after: string | undefined,
  limit: number,
): Promise<repo.RegisterRow[]> {
  return repo.currentRegisterAfter(ctx.db, londonToday(ctx.clock), after, limit);
}

/** When the register last changed by a decision (an index's end); expiry is the clock's. */
export const latestAccreditationChange = (ctx: Ctx): Promise<Date | null> => repo.latestDecision(ctx.db);

/** An organisation's current accreditations (public). */
export async function currentAccreditationsOf(
  db: Db,
  clock: Clock,
  organisationId: string,
): Promise<(repo.HeldRow & { state: AccreditationState })[]> {
  const today = londonToday(clock);
  return (await repo.accreditationsHeldBy(db, organisationId))
    .map((a) => ({ ...a, state: accreditationState(a, today) }))
    .filter((a) => a.state === "current");
}

/** The accreditations section of a provider's profile (organisations' `profilePanels`), when it holds any. */
export async function accreditationsProfilePanel(
  db: Db,
  clock: Clock,
  organisationId: string,
): Promise<Panel | undefined> {
  if (!isUuid(organisationId)) return undefined;
  const held = await currentAccreditationsOf(db, clock, organisationId);
  if (held.length === 0) return undefined;
  return { template: "standards/views/profile-panel.njk", context: { accreditationsHeld: held } };
}

// Tenders' requirements

/** Whether a tender's requirements may change: while it is a draft, before bidders read it. */
function requireDraft(tender: { status: string }): void {
  if (tender.status !== "draft")
    throw new ConflictError(
      msg`A published tender's requirements do not change: bidders have read them. Cancel and publish the tender again to change what it requires.`,
      "tender_published",
    );
}

export interface TenderRequirementsView {
  tender: { authorityId: string; id: string; title: string; status: string };
  required: repo.StandardRow[];
  standards: repo.StandardRow[];
  canChange: boolean;
}

/** The standards a tender requires, and those it could (for its editors while a draft). */
export async function tenderRequirements(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<TenderRequirementsView> {
  const tender = await visibleTender(ctx, authorityId, tenderId);
  const ids = await repo.requirementsOf(ctx.db, authorityId, tender.id);
  const [required, standards] = await Promise.all([
    repo.standardsByIds(ctx.db, ids),
    repo.listStandards(ctx.db),
  ]);
  return {
    tender: { authorityId, id: tender.id, title: tender.title, status: tender.status },
    required,
    standards: standards.filter((s) => !ids.includes(s.id)),
    canChange:
      tender.status === "draft" &&
      hasRole(ctx.principal, ["commissioner", "authority-admin", "platform-admin"], authorityId),
  };
}

/** Makes a current accreditation against the standard a condition of bidding: the tender's editors, while a draft. */
export async function requireAccreditation(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  input: { standardId?: string },
): Promise<TenderRequirementsView> {
  await changeRequirement(ctx, authorityId, tenderId, text(input.standardId), "required");
  return tenderRequirements(ctx, authorityId, tenderId);
}

/** No longer requires the accreditation: the tender's editors, while a draft. */
export async function dropRequirement(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  standardId: string,
): Promise<TenderRequirementsView> {
  await changeRequirement(ctx, authorityId, tenderId, standardId, "dropped");
  return tenderRequirements(ctx, authorityId, tenderId);
}

async function changeRequirement(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  standardId: string,
  change: "required" | "dropped",
): Promise<void> {
  const { p, tender } = await requireTenderEditor(ctx, authorityId, tenderId);
  const standard = isUuid(standardId) ? await repo.findStandard(ctx.db, standardId) : undefined;
  if (!standard)
    throw new ValidationError(msg`Check the accreditation required`, [
      { field: "standardId", message: msg`Choose a standard from the list` },
    ]);
  requireDraft(tender);
  await transaction(ctx.db, async (trx) => {
    const changed =
      change === "required"
        ? await repo.insertRequirement(trx, {
            authority_id: authorityId,
            tender_id: tender.id,
            standard_id: standard.id,
            set_by: p.userId,
            set_at: ctx.clock.now(),
          })
        : await repo.deleteRequirement(trx, authorityId, tender.id, standard.id);
    if (!changed) return;
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: change === "required" ? "tender.accreditation-required" : "tender.accreditation-dropped",
      entity: { type: "tender", id: tender.id },
      changes: { standardId: standard.id },
    });
  });
}

/**
 * Why an organisation may not bid for the tender (tenders' `bidderRefusals`): each standard the
 * tender requires against which it holds no current accreditation today.
 */
export async function accreditationRefusal(
  db: Db,
  clock: Clock,
  tender: { authorityId: string; tenderId: string },
  organisation: { id: string; name: string },
): Promise<string | undefined> {
  const ids = await repo.requirementsOf(db, tender.authorityId, tender.tenderId);
  if (ids.length === 0) return undefined;
  const held = new Set((await currentAccreditationsOf(db, clock, organisation.id)).map((a) => a.standard_id));
  const missing = (await repo.standardsByIds(db, ids)).filter((s) => !held.has(s.id));
  if (missing.length === 0) return undefined;
  const names = missing.map((s) => `“${s.title}” (${s.body_name})`).join(", ");
  return msg`This tender requires a current accreditation against ${names}: ${organisation.name} holds none today. Ask the accreditation body about being accredited.`;
}

/** The accreditations a tender requires, and those its criteria score, on its page (tenders' `tenderPanels`). */
export async function tenderRequirementsPanel(
  db: Db,
  tender: { authorityId: string; tenderId: string; base: string },
): Promise<Panel | undefined> {
  const [ids, status, scored] = await Promise.all([
    repo.requirementsOf(db, tender.authorityId, tender.tenderId),
    repo.tenderStatus(db, tender.authorityId, tender.tenderId),
    repo.scoredStandardsOf(db, tender.authorityId, tender.tenderId),
  ]);
  // A draft is seen only by its editors, who set what it requires; a published tender shows it if any.
  if (ids.length === 0 && scored.length === 0 && status !== "draft") return undefined;
  const required = await repo.standardsByIds(db, ids);
  return {
    template: "standards/views/tender-panel.njk",
    context: {
      accreditationsRequired: required,
      accreditationsScored: scored.map((s) => ({ ...s, weight: formatPercent(s.weight_bp) })),
      accreditationsUrl: status === "draft" ? `${tender.base}/accreditation` : null,
    },
  };
}

// Scoring an accreditation (evaluation's `accreditationOnDay`, tenders' `scorableStandards`)

/** The standards an accreditation criterion may score (tenders' `scorableStandards`): every standard. */
export async function scorableStandardsList(db: Db): Promise<ScorableStandard[]> {
  return (await repo.listStandards(db)).map((s) => ({ id: s.id, title: s.title, bodyName: s.body_name }));
}

/**
 * Whether an accreditation held on a day, from its row (one per provider and standard, its latest
 * state): granted from `granted_on` through `expires_on`; a suspension or withdrawal ends it from
 * the London day it was decided. A day before `granted_on` reads as not accredited (a period before
 * the latest grant is on the audit trail only).
 */
export function heldOn(
  a: { status: AccreditationStatus; granted_on: string; expires_on: string; decided_at: Date },
  day: string,
): "held" | "not-yet" | "expired" | "suspended" | "withdrawn" {
  if (day < a.granted_on) return "not-yet";
  if (a.status !== "granted" && londonDate(a.decided_at) <= day) return a.status;
  if (day > a.expires_on) return "expired";
  return "held";
}

/**
 * A bidder's accreditation against a standard as it stood on its bid's date (evaluation's
 * `accreditationOnDay`): accredited or not, with the working in a sentence.
 */
export async function accreditationOnDay(
  db: Db,
  q: { organisationId: string | null; organisationName: string; standardId: string; on: string },
): Promise<AccreditationOnDay | undefined> {
  const standard = isUuid(q.standardId) ? await repo.findStandard(db, q.standardId) : undefined;
  if (!standard) return undefined;
  const name = q.organisationName;
  const title = `“${standard.title}”`;
  const body = standard.body_name;
  const day = longDate(q.on);
  const a = q.organisationId ? await repo.accreditationOf(db, standard.id, q.organisationId) : undefined;
  const held = a ? heldOn(a, q.on) : "none";
  switch (held) {
    case "held":
      return {
        accredited: true,
        working: msg`${name} was accredited by ${body} against ${title} until ${longDate(a?.expires_on)} on the bid's date, ${day}: full marks`,
      };
    case "expired":
      return {
        accredited: false,
        working: msg`${name}'s accreditation by ${body} against ${title} expired on ${longDate(a?.expires_on)}, before the bid's date, ${day}: no marks`,
      };
    case "suspended":
      return {
        accredited: false,
        working: msg`${name}'s accreditation by ${body} against ${title} was suspended on the bid's date, ${day}: no marks`,
      };
    case "withdrawn":
      return {
        accredited: false,
        working: msg`${name}'s accreditation by ${body} against ${title} was withdrawn on the bid's date, ${day}: no marks`,
      };
    default:
      return {
        accredited: false,
        working: msg`${name} was not accredited by ${body} against ${title} on the bid's date, ${day}: no marks`,
      };
  }
}
