/**
 * The annual prize for public service innovation (issue 20, item 8; docs/prize.md). A public body
 * (the organiser) opens a round with its categories and dates; anyone nominates a provider of the
 * directory or a named team, duplicates merged and counted; the organiser appoints a panel of
 * judges, who each declare their conflicts before they read or score any nomination (the rules of
 * the evaluation module's declarations: a conflict is described, and once declared stays); a judge
 * scores nominees 0 to 10 with a comment, never one they declared a conflict with; the organiser
 * publishes the shortlist (top N per category, ties kept in) and then the winners, with citations.
 * Each change is one transaction with its audit event on the organiser's chain. Nominators'
 * personal details are never published, nor returned by the API.
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
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import {
  AUTHORITY_EDITORS,
  hasRole,
  isAuthorityEditor,
  type Principal,
  requireRole,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { displayNamesOf, emailProblems, normaliseEmail, userByEmail } from "../accounts/accounts.service.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { findPublicBody } from "../authorities/authorities.service.ts";
import { EVALUATION_LIMITS } from "../evaluation/evaluation.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { findOrganisation } from "../organisations/organisations.service.ts";
import * as repo from "./prize.repository.ts";
import type { PrizeCategory, PrizeRound } from "./prize.table.ts";
import { allowedActions, type RoundAction, type RoundState, roundState, shortlistOf } from "./round-rules.ts";

export type { NominationRow, RoundRow } from "./prize.repository.ts";
export type { PrizeCategory } from "./prize.table.ts";
export type { RoundState } from "./round-rules.ts";

export const LIMITS = {
  title: 200,
  category: 200,
  categories: 12,
  reasons: 3000,
  evidence: 2000,
  name: 200,
  teamName: 200,
  comment: 2000,
  citation: 2000,
  description: EVALUATION_LIMITS.description,
} as const;

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

function failIfAny(problems: FieldError[], what: string): void {
  if (problems.length > 0) throw new ValidationError(what, problems);
}

async function roundOrFail(db: Db, id: string): Promise<repo.RoundRow> {
  const round = isUuid(id) ? await repo.findRound(db, id) : undefined;
  if (!round) throw new NotFoundError("prize round");
  return round;
}

/** The organiser's people: its commissioners and administrators (and platform administrators). */
function requireOrganiser(principal: Principal | null, round: { authority_id: string }): Principal {
  return requireRole(
    principal,
    AUTHORITY_EDITORS,
    round.authority_id,
    msg`run this public body's prize rounds`,
  );
}

/** Throws 409 unless the action is allowed in the round's state today, saying why. */
function requireAllowed(round: PrizeRound, today: string, action: RoundAction): void {
  if (allowedActions(round, today).has(action)) return;
  const state = roundState(round, today);
  const why: Record<RoundAction, string> = {
    nominate:
      state === "upcoming"
        ? msg`Nominations open on ${round.nominations_open_on}: come back then`
        : msg`Nominations closed on ${round.nominations_close_on}: this round takes no more`,
    "appoint-judge": msg`The shortlist is published: the panel no longer changes`,
    declare: msg`Judges declare their conflicts once nominations close, before the shortlist is published`,
    score: msg`Judges score once nominations close, until the shortlist is published`,
    "publish-shortlist":
      state === "judging"
        ? msg`The shortlist is announced on ${round.shortlist_on}: publish it on that day or later`
        : msg`The shortlist can be published only while the panel is judging`,
    "publish-winners":
      state === "shortlisted"
        ? msg`The winners are announced on ${round.winners_on}: publish them on that day or later`
        : msg`The winners are published after the shortlist`,
  };
  throw new ConflictError(why[action], "round_state");
}

// Rounds

export interface RoundInput {
  authorityId?: string;
  year?: number | string;
  title?: string;
  categories?: string[] | string;
  nominationsOpenOn?: string;
  nominationsCloseOn?: string;
  shortlistOn?: string;
  winnersOn?: string;
  shortlistSize?: number | string;
}

/** Opens a round for a year, with its categories and dates: the organiser's commissioners and administrators. */
export async function createRound(
  ctx: Ctx,
  input: RoundInput,
  options: { id?: string; categoryIds?: string[] } = {},
): Promise<repo.RoundRow> {
  const p = requireSignedIn(ctx.principal);
  const authorityId = text(input.authorityId);
  if (!isUuid(authorityId) || !(await findPublicBody(ctx.db, authorityId)))
    throw new ValidationError(msg`Check the prize round`, [
      { field: "authorityId", message: msg`Choose the public body that runs the round` },
    ]);
  requireOrganiser(p, { authority_id: authorityId });
  const title = text(input.title);
  const year = Number(input.year);
  const size = Number(input.shortlistSize ?? 3);
  const categories = (Array.isArray(input.categories) ? input.categories : text(input.categories).split("\n"))
    .map(text)
    .filter((c) => c !== "");
  const dates = {
    nominationsOpenOn: text(input.nominationsOpenOn),
    nominationsCloseOn: text(input.nominationsCloseOn),
    shortlistOn: text(input.shortlistOn),
    winnersOn: text(input.winnersOn),
  };
  const problems: FieldError[] = [];
  if (!Number.isInteger(year) || year < 2000 || year > 2200)
    problems.push({ field: "year", message: msg`Enter the round's year, like 2027` });
  if (title === "" || title.length > LIMITS.title)
    problems.push({ field: "title", message: msg`Enter the round's title, in 200 characters or fewer` });
  if (
    categories.length === 0 ||
    categories.length > LIMITS.categories ||
    categories.some((c) => c.length > LIMITS.category) ||
    new Set(categories.map((c) => c.toLowerCase())).size !== categories.length
  )
    problems.push({
      field: "categories",
      message: msg`Enter 1 to 12 categories, one a line, each different and in 200 characters or fewer`,
    });
  for (const [field, what] of [
    ["nominationsOpenOn", msg`the day nominations open`],
    ["nominationsCloseOn", msg`the day nominations close`],
    ["shortlistOn", msg`the day the shortlist is announced`],
    ["winnersOn", msg`the day the winners are announced`],
  ] as const)
    if (!isIsoDate(dates[field]))
      problems.push({ field, message: msg`Enter ${what} as a real date, like 1 4 2027` });
  if (!Number.isInteger(size) || size < 1 || size > 20)
    problems.push({ field: "shortlistSize", message: msg`Enter how many a shortlist holds, from 1 to 20` });
  failIfAny(problems, msg`Check the prize round`);
  const order: FieldError[] = [];
  if (dates.nominationsCloseOn < dates.nominationsOpenOn)
    order.push({
      field: "nominationsCloseOn",
      message: msg`Nominations close on or after the day they open`,
    });
  if (dates.shortlistOn <= dates.nominationsCloseOn)
    order.push({ field: "shortlistOn", message: msg`The shortlist is announced after nominations close` });
  if (dates.winnersOn < dates.shortlistOn)
    order.push({ field: "winnersOn", message: msg`The winners are announced on or after the shortlist` });
  if (order.length > 0) throw new UnprocessableError(msg`The round's dates are out of order`, order);
  return transaction(ctx.db, async (trx) => {
    if (await repo.roundTaken(trx, authorityId, year, title))
      throw new ConflictError(
        msg`This public body has a round of this title for ${year} already`,
        "round_exists",
        [{ field: "title", message: msg`Choose another title, or open the existing round` }],
      );
    const id = options.id ?? newId();
    const now = ctx.clock.now();
    await repo.insertRound(
      trx,
      {
        authority_id: authorityId,
        id,
        year,
        title,
        nominations_open_on: dates.nominationsOpenOn,
        nominations_close_on: dates.nominationsCloseOn,
        shortlist_on: dates.shortlistOn,
        winners_on: dates.winnersOn,
        shortlist_size: size,
        shortlist_published_at: null,
        winners_published_at: null,
        created_by: p.userId,
        created_at: now,
      },
      categories.map((c, i) => ({
        authority_id: authorityId,
        round_id: id,
        id: options.categoryIds?.[i] ?? newId(),
        position: i + 1,
        title: c,
      })),
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "prize-round.opened",
      entity: { type: "prize-round", id },
      changes: { year, title, categories, ...dates, shortlistSize: size },
    });
    return (await repo.findRound(trx, id)) as repo.RoundRow;
  });
}

export interface RoundSummary extends repo.RoundRow {
  state: RoundState;
}

/** Every round, newest first, with its state today: public. */
export async function listRounds(ctx: Ctx): Promise<{ rounds: RoundSummary[]; canOpen: boolean }> {
  const today = londonToday(ctx.clock);
  const rounds = await repo.listRounds(ctx.db);
  return {
    rounds: rounds.map((r) => ({ ...r, state: roundState(r, today) })),
    canOpen: hasRole(ctx.principal, [...AUTHORITY_EDITORS, "platform-admin"]),
  };
}

/** A nominee as published: never who sent it, only "a member of the public" or the organisations' names. */
export interface PublicNominee {
  id: string;
  categoryId: string;
  name: string;
  teamOf: string | null;
  organisationId: string | null;
  nominations: number;
  byPublic: number;
  byOrganisations: string[];
  rank: number | null;
  tied: boolean;
  won: boolean;
  citation: string;
}

function publicNominee(
  n: repo.NominationRow,
  all: readonly repo.NominationRow[],
  winners: boolean,
): PublicNominee {
  const tied =
    n.shortlist_rank !== null &&
    all.some(
      (o) => o.id !== n.id && o.category_id === n.category_id && o.shortlist_rank === n.shortlist_rank,
    );
  return {
    id: n.id,
    categoryId: n.category_id,
    name: n.nominee_name,
    teamOf: n.team_of,
    organisationId: n.organisation_id ?? n.team_organisation_id,
    nominations: n.nominations,
    byPublic: n.by_public,
    byOrganisations: n.by_organisations,
    rank: n.shortlist_rank,
    tied,
    won: winners && n.won,
    citation: winners && n.won ? n.citation : "",
  };
}

export interface RoundView {
  round: RoundSummary;
  categories: (PrizeCategory & { nominations: number; shortlist: PublicNominee[] })[];
  canNominate: boolean;
  isOrganiser: boolean;
  isJudge: boolean;
  today: string;
}

/** A round's page: its categories, how many nominations each has, and — once published — the shortlists and winners. */
export async function roundView(ctx: Ctx, roundId: string): Promise<RoundView> {
  const round = await roundOrFail(ctx.db, roundId);
  const today = londonToday(ctx.clock);
  const state = roundState(round, today);
  const [categories, nominations, judges] = await Promise.all([
    repo.categoriesOf(ctx.db, round.id),
    repo.nominationsOf(ctx.db, round.id),
    repo.judgesOf(ctx.db, round.id),
  ]);
  const published = state === "shortlisted" || state === "decided";
  const winners = state === "decided";
  const shortlisted = published ? nominations.filter((n) => n.shortlist_rank !== null) : [];
  return {
    round: { ...round, state },
    categories: categories.map((c) => ({
      ...c,
      nominations: nominations.filter((n) => n.category_id === c.id).length,
      shortlist: shortlisted
        .filter((n) => n.category_id === c.id)
        .map((n) => publicNominee(n, shortlisted, winners)),
    })),
    canNominate: state === "nominating",
    isOrganiser: isAuthorityEditor(ctx.principal, round.authority_id),
    isJudge: !!ctx.principal && judges.some((j) => j.user_id === ctx.principal?.userId),
    today,
  };
}

// Nominations

export interface NominationInput {
  categoryId?: string;
  /** "organisation" (of the directory) or "team". */
  nomineeKind?: string;
  organisationId?: string;
  teamName?: string;
  /** The team's organisation of the directory, or… */
  teamOrganisationId?: string;
  /** …its public body. */
  teamAuthorityId?: string;
  reasons?: string;
  evidence?: string;
  /** The public (not signed in): a name and an email, never published. */
  name?: string;
  email?: string;
  /** Signed in as a member of an organisation: sent for it (its name is published). */
  onBehalfOf?: string;
}

export interface NominationResult {
  nominationId: string;
  /** The nominee was nominated in the category already: this nomination is counted with it. */
  merged: boolean;
  nominations: number;
}

function checkEvidence(evidence: string, problems: FieldError[]): string {
  const links = evidence
    .split(/\s+/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const bad = links.some((l) => {
    try {
      return !["https:", "http:"].includes(new URL(l).protocol);
    } catch {
      return true;
    }
  });
  if (bad || evidence.length > LIMITS.evidence)
    problems.push({
      field: "evidence",
      message: msg`Enter each link to evidence in full, like https://www.example.org.uk/report, one a line`,
    });
  return links.join("\n");
}

/**
 * Nominates a provider of the directory or a named team for a category, while nominations are
 * open: anyone. The public give a name and an email (kept, never published); a member of an
 * organisation may send it for the organisation. A nominee nominated in the category already is
 * not repeated: the nomination is counted with it.
 */
export async function nominate(
  ctx: Ctx,
  roundId: string,
  input: NominationInput,
  options: { id?: string } = {},
): Promise<NominationResult> {
  const round = await roundOrFail(ctx.db, roundId);
  const today = londonToday(ctx.clock);
  requireAllowed(round, today, "nominate");
  const categories = await repo.categoriesOf(ctx.db, round.id);
  const categoryId = text(input.categoryId);
  const kind = text(input.nomineeKind) || (text(input.teamName) ? "team" : "organisation");
  const reasons = text(input.reasons);
  const problems: FieldError[] = [];
  if (!categories.some((c) => c.id === categoryId))
    problems.push({ field: "categoryId", message: msg`Choose the category you nominate for` });
  let key = "";
  let nominee: {
    organisation_id: string | null;
    team_name: string | null;
    team_organisation_id: string | null;
    team_authority_id: string | null;
  } = {
    organisation_id: null,
    team_name: null,
    team_organisation_id: null,
    team_authority_id: null,
  };
  if (kind === "organisation") {
    const id = text(input.organisationId);
    const organisation = isUuid(id) ? await findOrganisation(ctx.db, id) : undefined;
    if (!organisation)
      problems.push({
        field: "organisationId",
        message: msg`Choose a provider from the directory: its identifier is in the address of its page`,
      });
    else {
      key = `organisation:${organisation.id}`;
      nominee = { ...nominee, organisation_id: organisation.id };
    }
  } else if (kind === "team") {
    const teamName = text(input.teamName).replace(/\s+/g, " ");
    const orgId = text(input.teamOrganisationId);
    const bodyId = text(input.teamAuthorityId);
    if (teamName === "" || teamName.length > LIMITS.teamName)
      problems.push({ field: "teamName", message: msg`Enter the team's name, in 200 characters or fewer` });
    if ((orgId === "") === (bodyId === ""))
      problems.push({
        field: "teamOrganisationId",
        message: msg`Say which organisation of the directory or which public body the team belongs to (one of them)`,
      });
    else if (orgId && !(isUuid(orgId) && (await findOrganisation(ctx.db, orgId))))
      problems.push({ field: "teamOrganisationId", message: msg`Choose an organisation from the directory` });
    else if (bodyId && !(isUuid(bodyId) && (await findPublicBody(ctx.db, bodyId))))
      problems.push({ field: "teamAuthorityId", message: msg`Choose a public body from the list` });
    else {
      key = `team:${orgId || bodyId}:${teamName.toLowerCase()}`;
      nominee = {
        ...nominee,
        team_name: teamName,
        team_organisation_id: orgId || null,
        team_authority_id: bodyId || null,
      };
    }
  } else problems.push({ field: "nomineeKind", message: msg`Say whether you nominate a provider or a team` });
  if (reasons === "" || reasons.length > LIMITS.reasons)
    problems.push({
      field: "reasons",
      message: msg`Say what the innovation is and why it deserves the prize, in 3,000 characters or fewer`,
    });
  const evidence = checkEvidence(text(input.evidence), problems);
  const principal = ctx.principal;
  let name = "";
  let email = "";
  let onBehalfOf: string | null = null;
  if (!principal) {
    name = text(input.name);
    email = normaliseEmail(text(input.email));
    if (name === "" || name.length > LIMITS.name)
      problems.push({ field: "name", message: msg`Enter your name: it is not published` });
    problems.push(...emailProblems(email));
  } else if (text(input.onBehalfOf)) {
    const org = text(input.onBehalfOf);
    if (!hasRole(principal, ["organisation-admin", "organisation-member"], org) || !isUuid(org))
      problems.push({
        field: "onBehalfOf",
        message: msg`Choose an organisation you are a member of, or nominate in your own name`,
      });
    else onBehalfOf = org;
  }
  failIfAny(problems, msg`Check your nomination`);
  return transaction(ctx.db, async (trx) => {
    const locked = await repo.lockRound(trx, round.id);
    if (locked) requireAllowed(locked, today, "nominate");
    const existing = await repo.nominationByKey(trx, categoryId, key);
    const nominationId = existing?.id ?? options.id ?? newId();
    const now = ctx.clock.now();
    if (!existing)
      await repo.insertNomination(trx, {
        authority_id: round.authority_id,
        round_id: round.id,
        id: nominationId,
        category_id: categoryId,
        nominee_key: key,
        ...nominee,
        shortlist_rank: null,
        won: false,
        citation: "",
        created_at: now,
      });
    await repo.insertNominator(trx, {
      authority_id: round.authority_id,
      nomination_id: nominationId,
      id: newId(),
      user_id: principal?.userId ?? null,
      name,
      email,
      on_behalf_of: onBehalfOf,
      reasons,
      evidence,
      sent_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: round.authority_id,
      actor: actorIn(ctx),
      action: existing ? "prize-nomination.merged" : "prize-nomination.made",
      entity: { type: "prize-nomination", id: nominationId },
      changes: {
        roundId: round.id,
        categoryId,
        nominee: key,
        ...(principal ? { nominator: personalRef("users", principal.userId) } : {}),
        ...(onBehalfOf ? { onBehalfOf } : {}),
      },
    });
    const [row] = await repo.nominationsOf(trx, round.id, [nominationId]);
    return { nominationId, merged: !!existing, nominations: row?.nominations ?? 1 };
  });
}

// The panel

/** Appoints a judge (a user, by the email address of their account): the organiser, until the shortlist is published. */
export async function appointJudge(
  ctx: Ctx,
  roundId: string,
  input: { email?: string },
): Promise<{ userId: string; displayName: string }> {
  const round = await roundOrFail(ctx.db, roundId);
  requireOrganiser(ctx.principal, round);
  const email = normaliseEmail(text(input.email));
  const user = email ? await userByEmail(ctx.db, email) : undefined;
  if (!user)
    throw new ValidationError(msg`Check the judge`, [
      { field: "email", message: msg`Enter the email address of the judge's account on OpenPS` },
    ]);
  return transaction(ctx.db, async (trx) => {
    const locked = (await repo.lockRound(trx, round.id)) as PrizeRound;
    requireAllowed(locked, londonToday(ctx.clock), "appoint-judge");
    const added = await repo.insertJudge(trx, {
      authority_id: round.authority_id,
      round_id: round.id,
      user_id: user.id,
      appointed_by: ctx.principal?.userId ?? null,
      appointed_at: ctx.clock.now(),
    });
    if (added)
      await recordAudit(trx, ctx.clock, {
        authorityId: round.authority_id,
        actor: actorIn(ctx),
        action: "prize-judge.appointed",
        entity: { type: "prize-round", id: round.id },
        changes: { judge: personalRef("users", user.id) },
      });
    if (added)
      await notify(
        trx,
        ctx.clock,
        {
          userId: user.id,
          authorityId: round.authority_id,
          kind: "prize.judge-appointed",
          subject: `You are a judge of ${round.title}`,
          body: `${round.organiser_name} appointed you to the judging panel of "${round.title}". Nominations close on ${round.nominations_close_on}; from the next day, declare your conflicts of interest with the nominees before you read or score any nomination.`,
          link: `/prize/${round.id}/judging`,
        },
        { email: true, actor: actorIn(ctx) },
      );
    return { userId: user.id, displayName: user.display_name };
  });
}

async function requireJudge(ctx: Ctx, round: repo.RoundRow): Promise<{ p: Principal; declared: boolean }> {
  const p = requireSignedIn(ctx.principal);
  const judge = (await repo.judgesOf(ctx.db, round.id)).find((j) => j.user_id === p.userId);
  if (!judge) throw new ForbiddenError(msg`Only the round's judges may do this: the organiser appoints them`);
  return { p, declared: judge.declared_at !== null };
}

export interface ConflictInput {
  nominationId?: string;
  description?: string;
}

/**
 * A judge declares their conflicts of interest with the round's nominees, before they read or
 * score any nomination (an empty list: none). As in evaluation, each conflict is described (422
 * without); once declared, a declaration stays — a later one may only add conflicts, and a score
 * already given to a nominee now declared is left out of the shortlist.
 */
export async function declareConflicts(
  ctx: Ctx,
  roundId: string,
  input: { conflicts?: ConflictInput[] },
): Promise<{ conflicts: string[] }> {
  const round = await roundOrFail(ctx.db, roundId);
  const { p } = await requireJudge(ctx, round);
  const today = londonToday(ctx.clock);
  requireAllowed(round, today, "declare");
  const nominations = await repo.nominationsOf(ctx.db, round.id);
  const conflicts = (input.conflicts ?? []).map((c) => ({
    nominationId: text(c.nominationId),
    description: text(c.description),
  }));
  const problems: FieldError[] = [];
  for (const c of conflicts) {
    if (!nominations.some((n) => n.id === c.nominationId))
      problems.push({ field: "conflicts", message: msg`Choose nominees of this round` });
    if (c.description.length > LIMITS.description)
      problems.push({
        field: `description-${c.nominationId}`,
        message: msg`Describe the conflict in ${LIMITS.description} characters or fewer`,
      });
  }
  failIfAny(problems, msg`Check your declaration`);
  const undescribed = conflicts.filter((c) => c.description === "");
  if (undescribed.length > 0)
    throw new UnprocessableError(
      msg`Describe each conflict of interest`,
      undescribed.map((c) => ({
        field: `description-${c.nominationId}`,
        message: msg`Describe the conflict: your interest in the nominee, its people or the outcome`,
      })),
    );
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const before = new Set((await repo.conflictsOf(trx, round.id, p.userId)).map((c) => c.nomination_id));
    const added = conflicts.filter((c) => !before.has(c.nominationId));
    await repo.insertDeclaration(trx, {
      authority_id: round.authority_id,
      round_id: round.id,
      user_id: p.userId,
      declared_at: now,
    });
    await repo.insertConflicts(
      trx,
      added.map((c) => ({
        authority_id: round.authority_id,
        round_id: round.id,
        user_id: p.userId,
        nomination_id: c.nominationId,
        description: c.description,
        declared_at: now,
      })),
    );
    await recordAudit(trx, ctx.clock, {
      authorityId: round.authority_id,
      actor: actorIn(ctx),
      action: added.length > 0 ? "prize-judge.conflict-declared" : "prize-judge.no-conflict-declared",
      entity: { type: "prize-round", id: round.id },
      changes: {
        judge: personalRef("users", p.userId),
        conflicts: added.map((c) => ({ nominationId: c.nominationId, description: c.description })),
      },
    });
    return { conflicts: [...before, ...added.map((c) => c.nominationId)] };
  });
}

/** A judge scores a nominee, 0 to 10 with a comment (again to change it): declared, and not conflicted with it. */
export async function scoreNominee(
  ctx: Ctx,
  roundId: string,
  nominationId: string,
  input: { score?: number | string; comment?: string },
): Promise<{ score: number; comment: string }> {
  const round = await roundOrFail(ctx.db, roundId);
  const [nomination] = isUuid(nominationId) ? await repo.nominationsOf(ctx.db, round.id, [nominationId]) : [];
  if (!nomination) throw new NotFoundError("nomination");
  const { p, declared } = await requireJudge(ctx, round);
  const today = londonToday(ctx.clock);
  requireAllowed(round, today, "score");
  if (!declared)
    throw new ForbiddenError(
      msg`Declare your conflicts of interest with the round's nominees before you score any of them`,
      "declaration_missing",
    );
  const conflicted = (await repo.conflictsOf(ctx.db, round.id, p.userId)).some(
    (c) => c.nomination_id === nomination.id,
  );
  if (conflicted)
    throw new ForbiddenError(
      msg`You declared a conflict of interest with ${nomination.nominee_name}: the other judges score it`,
      "conflict_declared",
    );
  const raw = typeof input.score === "number" ? String(input.score) : text(input.score);
  const score = Number(raw);
  const comment = text(input.comment);
  const problems: FieldError[] = [];
  if (!/^\d{1,2}$/.test(raw) || score > 10)
    problems.push({ field: "score", message: msg`Enter a score from 0 to 10, in whole numbers` });
  if (comment === "" || comment.length > LIMITS.comment)
    problems.push({
      field: "comment",
      message: msg`Say why you gave this score, in 2,000 characters or fewer`,
    });
  failIfAny(problems, msg`Check your score`);
  return transaction(ctx.db, async (trx) => {
    const locked = (await repo.lockRound(trx, round.id)) as PrizeRound;
    requireAllowed(locked, today, "score");
    const before = await repo.upsertScore(trx, {
      authority_id: round.authority_id,
      round_id: round.id,
      nomination_id: nomination.id,
      user_id: p.userId,
      score,
      comment,
      scored_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: round.authority_id,
      actor: actorIn(ctx),
      action: before ? "prize-score.changed" : "prize-score.given",
      entity: { type: "prize-nomination", id: nomination.id },
      changes: { judge: personalRef("users", p.userId), score, ...(before ? { was: before.score } : {}) },
    });
    return { score, comment };
  });
}

export interface PanelNominee extends PublicNominee {
  reasons: { reasons: string; evidence: string[] }[];
  conflicted: boolean;
  myScore: { score: number; comment: string } | null;
  /** For the organiser: the scores counted (conflicted judges' left out), and the mean in hundredths. */
  scored: number;
  mean: number | null;
}

export interface JudgingView {
  round: RoundSummary;
  categories: PrizeCategory[];
  isOrganiser: boolean;
  isJudge: boolean;
  declared: boolean;
  judges: { userId: string; displayName: string; declared: boolean }[];
  /** A judge reads the nominations once declared (not those they are conflicted with); the organiser reads them all, with the scores. */
  nominees: PanelNominee[];
  /** The shortlist publishing would make now (organiser). */
  preview: { nominationId: string; rank: number; tied: boolean; mean: number }[];
  allowed: RoundAction[];
}

/** Counted scores: a judge's score of a nominee they declared a conflict with is left out. */
function tallies(
  nominations: readonly { id: string }[],
  scores: readonly { nomination_id: string; user_id: string; score: number }[],
  conflicts: readonly { nomination_id: string; user_id: string }[],
) {
  const conflicted = new Set(conflicts.map((c) => `${c.user_id}/${c.nomination_id}`));
  return nominations.map((n) => {
    const counted = scores.filter(
      (s) => s.nomination_id === n.id && !conflicted.has(`${s.user_id}/${s.nomination_id}`),
    );
    return { nominationId: n.id, total: counted.reduce((a, s) => a + s.score, 0), count: counted.length };
  });
}

/** The judging page: for a judge, the declaration then the nominations and their scores; for the organiser, the panel and the scores. */
export async function judgingView(ctx: Ctx, roundId: string): Promise<JudgingView> {
  const round = await roundOrFail(ctx.db, roundId);
  const p = requireSignedIn(ctx.principal);
  const today = londonToday(ctx.clock);
  const judges = await repo.judgesOf(ctx.db, round.id);
  const me = judges.find((j) => j.user_id === p.userId);
  const isOrganiser = isAuthorityEditor(p, round.authority_id);
  if (!me && !isOrganiser)
    throw new ForbiddenError(msg`Only the round's judges and its organiser's people may read the judging`);
  const [categories, nominations, scores, conflicts, reasons, names] = await Promise.all([
    repo.categoriesOf(ctx.db, round.id),
    repo.nominationsOf(ctx.db, round.id),
    repo.scoresOf(ctx.db, round.id),
    repo.conflictsOf(ctx.db, round.id),
    repo.reasonsOf(ctx.db, round.id),
    displayNamesOf(
      ctx.db,
      judges.map((j) => j.user_id),
    ),
  ]);
  const declared = !!me?.declared_at;
  const mine = new Set(conflicts.filter((c) => c.user_id === p.userId).map((c) => c.nomination_id));
  const tally = tallies(nominations, scores, conflicts);
  const state = roundState(round, today);
  const nominees = nominations.map((n) => {
    const t = tally.find((x) => x.nominationId === n.id);
    const readable = isOrganiser || (declared && !mine.has(n.id));
    const own = scores.find((s) => s.nomination_id === n.id && s.user_id === p.userId);
    return {
      ...publicNominee(n, nominations, state === "decided"),
      reasons: readable
        ? reasons
            .filter((r) => r.nomination_id === n.id)
            .map((r) => ({ reasons: r.reasons, evidence: r.evidence ? r.evidence.split("\n") : [] }))
        : [],
      conflicted: mine.has(n.id),
      myScore: own ? { score: own.score, comment: own.comment } : null,
      scored: isOrganiser ? (t?.count ?? 0) : 0,
      mean: isOrganiser && t && t.count > 0 ? Math.floor((t.total * 100) / t.count) : null,
    };
  });
  return {
    round: { ...round, state },
    categories,
    isOrganiser,
    isJudge: !!me,
    declared,
    judges: isOrganiser
      ? judges.map((j) => ({
          userId: j.user_id,
          displayName: names.get(j.user_id) ?? "",
          declared: j.declared_at !== null,
        }))
      : [],
    nominees,
    preview: isOrganiser
      ? categories.flatMap((c) =>
          shortlistOf(
            tally.filter((t) => nominations.find((n) => n.id === t.nominationId)?.category_id === c.id),
            round.shortlist_size,
          ),
        )
      : [],
    allowed: [...allowedActions(round, today)],
  };
}

// Publishing

/**
 * Publishes the shortlist: in each category, the nominees with the best mean scores, `shortlist_size`
 * of them — more when nominees tie at the last place (all of them are kept in, and shown as tied).
 * The organiser, while judging, from the day the shortlist is announced.
 */
export async function publishShortlist(ctx: Ctx, roundId: string): Promise<RoundView> {
  const round = await roundOrFail(ctx.db, roundId);
  requireOrganiser(ctx.principal, round);
  const today = londonToday(ctx.clock);
  await transaction(ctx.db, async (trx) => {
    const locked = (await repo.lockRound(trx, round.id)) as PrizeRound;
    requireAllowed(locked, today, "publish-shortlist");
    const [categories, nominations, scores, conflicts] = await Promise.all([
      repo.categoriesOf(trx, round.id),
      repo.nominationsOf(trx, round.id),
      repo.scoresOf(trx, round.id),
      repo.conflictsOf(trx, round.id),
    ]);
    const tally = tallies(nominations, scores, conflicts);
    const shortlist: Record<string, { nominationId: string; rank: number; tied: boolean }[]> = {};
    for (const c of categories) {
      const list = shortlistOf(
        tally.filter((t) => nominations.find((n) => n.id === t.nominationId)?.category_id === c.id),
        locked.shortlist_size,
      );
      shortlist[c.id] = list.map(({ nominationId, rank, tied }) => ({ nominationId, rank, tied }));
      for (const s of list) await repo.setShortlistRank(trx, s.nominationId, s.rank);
    }
    await repo.setPublished(trx, round.id, "shortlist_published_at", ctx.clock.now());
    await recordAudit(trx, ctx.clock, {
      authorityId: round.authority_id,
      actor: actorIn(ctx),
      action: "prize-round.shortlist-published",
      entity: { type: "prize-round", id: round.id },
      changes: { shortlist },
    });
    await tellNominators(trx, ctx, round, "shortlist");
  });
  return roundView(ctx, round.id);
}

/**
 * Tells the round's nominators who nominated signed in (inbox, and email as they chose) that its
 * shortlist or its winners are published, in the transaction that publishes them. A nominator
 * without an account (a name and an email only) is not yet told: docs/prize.md, "Still to build".
 */
async function tellNominators(
  trx: Trx,
  ctx: Ctx,
  round: repo.RoundRow,
  what: "shortlist" | "winners",
): Promise<void> {
  for (const userId of await repo.signedInNominatorsOf(trx, round.id))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: round.authority_id,
        kind: "prize.published",
        subject:
          what === "shortlist"
            ? `The shortlist of ${round.title} is published`
            : `The winners of ${round.title} are published`,
        body:
          what === "shortlist"
            ? `${round.organiser_name} has published the shortlist of "${round.title}", which you nominated for. The round's page shows who is shortlisted in each category; the winners are announced on ${round.winners_on}.`
            : `${round.organiser_name} has published the winners of "${round.title}", which you nominated for. The round's page shows each category's winner with its citation.`,
        link: `/prize/${round.id}`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

export interface WinnerInput {
  categoryId?: string;
  nominationId?: string;
  citation?: string;
}

/** Publishes the winners, one from each category's shortlist with a citation: the organiser, once shortlisted, from the day they are announced. */
export async function publishWinners(
  ctx: Ctx,
  roundId: string,
  input: { winners?: WinnerInput[] },
): Promise<RoundView> {
  const round = await roundOrFail(ctx.db, roundId);
  requireOrganiser(ctx.principal, round);
  const today = londonToday(ctx.clock);
  requireAllowed(round, today, "publish-winners");
  const [categories, nominations] = await Promise.all([
    repo.categoriesOf(ctx.db, round.id),
    repo.nominationsOf(ctx.db, round.id),
  ]);
  const winners = (input.winners ?? []).map((w) => ({
    categoryId: text(w.categoryId),
    nominationId: text(w.nominationId),
    citation: text(w.citation),
  }));
  const problems: FieldError[] = [];
  for (const c of categories) {
    const shortlist = nominations.filter((n) => n.category_id === c.id && n.shortlist_rank !== null);
    if (shortlist.length === 0) continue;
    const chosen = winners.filter((w) => w.categoryId === c.id);
    const w = chosen[0];
    if (chosen.length !== 1 || !w || !shortlist.some((n) => n.id === w.nominationId))
      problems.push({
        field: `winner-${c.id}`,
        message: msg`Choose the winner of “${c.title}” from its shortlist`,
      });
    else if (w.citation === "" || w.citation.length > LIMITS.citation)
      problems.push({
        field: `citation-${c.id}`,
        message: msg`Write the citation for the winner of “${c.title}”, in 2,000 characters or fewer`,
      });
  }
  if (winners.some((w) => !categories.some((c) => c.id === w.categoryId)))
    problems.push({ field: "winners", message: msg`Choose winners of this round's categories` });
  failIfAny(problems, msg`Check the winners`);
  await transaction(ctx.db, async (trx) => {
    const locked = (await repo.lockRound(trx, round.id)) as PrizeRound;
    requireAllowed(locked, today, "publish-winners");
    for (const w of winners) await repo.setWinner(trx, w.nominationId, w.citation);
    await repo.setPublished(trx, round.id, "winners_published_at", ctx.clock.now());
    await recordAudit(trx, ctx.clock, {
      authorityId: round.authority_id,
      actor: actorIn(ctx),
      action: "prize-round.winners-published",
      entity: { type: "prize-round", id: round.id },
      changes: { winners },
    });
    await tellNominators(trx, ctx, round, "winners");
  });
  return roundView(ctx, round.id);
}

// Profiles

/** The prize section of an organisation's profile (organisations' `profilePanels`): its shortlistings and wins, its teams' too. */
export async function prizeProfilePanel(
  db: Db,
  _clock: Clock,
  organisationId: string,
): Promise<Panel | undefined> {
  if (!isUuid(organisationId)) return undefined;
  const honours = await repo.honoursOf(db, organisationId);
  if (honours.length === 0) return undefined;
  return { template: "prize/views/profile-panel.njk", context: { prizeHonours: honours } };
}

/**
 * The prize as open data (the `prize` dataset): the shortlisted nominees of every round whose
 * shortlist is published, with the winners and their citations once published, a page after a key
 * (organiser, nomination). Who nominated is never read. Public.
 */
export function publishedNomineesAfter(
  ctx: Pick<Ctx, "db">,
  after: readonly [string, string] | undefined,
  limit: number,
): Promise<repo.PublishedNomineeRow[]> {
  return repo.publishedNomineesAfter(ctx.db, after, limit);
}
