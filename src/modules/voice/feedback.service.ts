/**
 * Feedback beside the ratings (issue 17, item 8; docs/feedback.md): a person who has had a service
 * from a provider — proved by money paid from their personal budget to it — leaves a rating and a
 * short review, as themself or through someone holding `give-feedback`. One review per person and
 * provider: a new one is a new version, the old kept. It is published at once unless an automatic
 * check finds an email address, phone number or postcode, when it is held for moderation; the
 * platform's moderators (platform administrators) publish, edit out a part with the reason (kept), or
 * reject with the reason, and the person is told. The provider's people reply once to each published
 * review (a change is a new version) and are told of new reviews; a person's new review keeps the
 * reply, shown as a reply to an earlier version until the provider replies again. A moderator's
 * removal of personal data redacts the earlier versions too. Each review is kept 7 years after it was
 * last left, then erased (the `voice.feedback-retention` job). Shown without the person's identity;
 * counted per provider, service type and rating (small numbers suppressed), in open data too.
 */
import type { Db, Trx } from "../../db/database.ts";
import { decodeTimeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, addMonths, londonDate, londonInstant, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Panel } from "../../lib/ports.ts";
import { isSmall, SMALL_NUMBER } from "../../lib/small-numbers.ts";
import { grantsInScope, hasRole, PLATFORM_SCOPE, requireRole } from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { requireScope } from "../accounts/accounts.service.ts";
import { personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { hasPaidProvider, paidProviders } from "../budgets/budgets.service.ts";
import {
  accountsHolding,
  authorityOfLinkedPerson,
  personView,
  requirePersonAccess,
} from "../care/care.service.ts";
import type { FeedbackSummary } from "../choice/choice.ports.ts";
import { enqueue, enqueueTomorrow } from "../jobs/jobs.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { findArea, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./voice.repository.ts";
import type { FeedbackReview } from "./voice.table.ts";

/** A review's text: at most this many characters (a reply too). */
export const REVIEW_MAX = 1000;
/** Reviews on a page of a provider's feedback. */
export const FEEDBACK_PAGE = 10;
/** Below this many reviews a provider's figures are not shown in open data (the one rule: src/lib/small-numbers.ts). */
export { SMALL_NUMBER };
/** Reviews on a page of the moderators' queue and list. */
export const MODERATION_PAGE = 20;
/** A review is kept this many months after it was last left (7 years, as a budget's records), then erased. */
export const FEEDBACK_KEPT_MONTHS = 84;
/** The job that erases a review once it has been kept its 7 years. */
export const FEEDBACK_RETENTION_QUEUE = "voice.feedback-retention";
/** What an earlier version holds once a moderator removed personal data from the review or the reply. */
export const REDACTED = "[Removed by a moderator: this earlier version held personal data]";
/** The roles of a provider's people who reply. */
const PROVIDER_ROLES = ["organisation-admin", "organisation-member"] as const;

/**
 * The automatic check for obvious personal data: an email address, a UK phone number (11 digits from
 * 0 or +44, spaces allowed), a UK postcode. Chosen because they are the identifying data a regular
 * expression finds with few false alarms; names and health details need a moderator's eye.
 */
const PERSONAL_DATA: readonly [RegExp, string][] = [
  [/[^\s@]+@[^\s@]+\.[a-z]{2,}/i, "an email address"],
  [/(?:\+44\s?|\b0)(?:\d\s?){9,10}\b/, "a phone number"],
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i, "a postcode"],
];

/** What the automatic check found in a text ("" when nothing). */
export function personalDataIn(text: string): string {
  return PERSONAL_DATA.filter(([re]) => re.test(text))
    .map(([, what]) => what)
    .join(", ");
}

export interface FeedbackInput {
  organisationId: string;
  stars: number | string;
  text: string;
  /** The service type (a service category code). */
  serviceType: string;
  /** The month of the service, YYYY-MM. */
  serviceMonth: string;
}

/** How a review is shown: never who wrote it. */
export interface ShownReview {
  id: string;
  organisationId: string;
  stars: number;
  text: string;
  /** "A person using Home care in Westshire, November 2026". */
  about: { serviceType: string; area: string; month: string };
  publishedAt: Date | null;
  edited: boolean;
  reply: string | null;
  repliedAt: Date | null;
  /** The reply answered an earlier version of the review (the person has left a new one since). */
  replyToEarlier: boolean;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "2026-11" → "November 2026". */
export function monthText(month: string): string {
  const [y, m] = month.split("-");
  return `${MONTHS[Number(m) - 1] ?? ""} ${y}`;
}

async function shown(db: Db, reviews: readonly FeedbackReview[]): Promise<ShownReview[]> {
  if (reviews.length === 0) return [];
  const [categories, areas] = await Promise.all([
    listServiceCategories(db),
    Promise.all([...new Set(reviews.map((r) => r.area_code))].map((code) => findArea(db, code))),
  ]);
  const category = new Map(categories.map((c) => [c.code, c.name]));
  const area = new Map(areas.filter((a) => a !== undefined).map((a) => [a.code, a.name]));
  return reviews.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    stars: r.stars,
    text: r.text,
    about: {
      serviceType: category.get(r.category_code) ?? r.category_code,
      area: area.get(r.area_code) ?? r.area_code,
      month: monthText(r.service_month),
    },
    publishedAt: r.published_at,
    edited: r.moderation_reason !== null && r.state === "published",
    reply: r.reply,
    repliedAt: r.replied_at,
    replyToEarlier: r.reply !== null && r.reply_to_version !== null && r.reply_to_version < r.version,
  }));
}

function starsOf(value: number | string, errors: FieldError[]): number {
  const n = typeof value === "number" ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    errors.push({ field: "stars", message: msg`Choose a rating from 1 to 5` });
    return 0;
  }
  return n;
}

function textOf(value: string, field: string, errors: FieldError[]): string {
  const text = value.trim();
  if (text === "" || text.length > REVIEW_MAX)
    errors.push({ field, message: msg`Write up to 1000 characters` });
  return text;
}

/** The provider's people who reply to its reviews (its administrators and members). */
async function providerPeople(trx: Trx, organisationId: string): Promise<Set<string>> {
  const grants = await grantsInScope(trx, organisationId);
  return new Set(
    grants.filter((g) => (PROVIDER_ROLES as readonly string[]).includes(g.role)).map((g) => g.user_id),
  );
}

async function tellProvider(trx: Trx, ctx: Ctx, review: FeedbackReview): Promise<void> {
  // A review they replied to, changed since: the reply stays, marked as to an earlier version.
  const changed = review.reply !== null && (review.reply_to_version ?? 0) < review.version;
  for (const userId of await providerPeople(trx, review.organisation_id))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        kind: "feedback.review-published",
        subject: changed
          ? "A review you replied to has changed"
          : "A new review of your services is published",
        body: changed
          ? "Someone who uses your services has left a new version of a review you replied to. Your reply is shown as a reply to an earlier version of the review until you reply again, on your feedback page."
          : "Someone who uses your services has left a review. You can read it and reply once, below it, on your feedback page.",
        link: `/organisations/${review.organisation_id}/feedback`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

async function tellProviderReplyEdited(trx: Trx, ctx: Ctx, review: FeedbackReview, reason: string) {
  for (const userId of await providerPeople(trx, review.organisation_id))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        kind: "feedback.review-moderated",
        subject: "Your reply to a review has been moderated",
        body: `A moderator removed a part of your reply to a review under the feedback policy. The reason: ${reason}`,
        link: `/organisations/${review.organisation_id}/feedback`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

async function tellPerson(trx: Trx, ctx: Ctx, review: FeedbackReview, what: string): Promise<void> {
  for (const { userId } of await accountsHolding(trx, review.authority_id, review.person_id, "give-feedback"))
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: review.authority_id,
        kind: "feedback.review-moderated",
        subject: "Your review has been moderated",
        body: what,
        link: "/feedback/policy",
      },
      { email: true, actor: actorIn(ctx) },
    );
}

/** Adds (`by` 1) or takes away (`by` -1) a published review from the kept figures. */
async function count(trx: Trx, review: FeedbackReview, by: 1 | -1): Promise<void> {
  if (review.state === "published")
    await repo.addToFeedbackFigures(trx, review.organisation_id, review.category_code, review.stars, by);
}

/** At most this many providers are offered on the feedback form (the newest paid first). */
const FORM_PROVIDERS = 50;

/**
 * What the feedback form offers (404 / 403 as `requirePersonAccess` with `give-feedback`): the
 * person's authority, the providers paid from their budget (by name, to choose from — feedback is
 * only about them) and the service types.
 */
export async function feedbackForm(
  ctx: Ctx,
  personId: string,
): Promise<{
  authorityId: string;
  personId: string;
  providers: { id: string; name: string }[];
  categories: Awaited<ReturnType<typeof listServiceCategories>>;
}> {
  const authorityId = await authorityOfLinkedPerson(ctx, personId);
  await requirePersonAccess(ctx, authorityId, personId, "give-feedback");
  const view = await personView(ctx, authorityId, personId);
  const ids = await paidProviders(ctx.db, authorityId, view.planIds, FORM_PROVIDERS);
  const organisations = await organisationsByIds(ctx.db, ids);
  const providers = ids.flatMap((id) => {
    const o = organisations.get(id);
    return o ? [{ id, name: o.name }] : [];
  });
  return { authorityId, personId, providers, categories: await listServiceCategories(ctx.db) };
}

/**
 * Leaves (or replaces) the person's review of a provider their budget has paid: the person, care
 * staff, or a representative or champion holding `give-feedback`. 409 when the budget has not paid
 * the provider.
 */
export async function leaveFeedback(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  input: FeedbackInput,
): Promise<{ review: FeedbackReview; heldFor: string }> {
  requireScope(ctx.principal, "feedback:write");
  const access = await requirePersonAccess(ctx, authorityId, personId, "give-feedback");
  const view = await personView(ctx, authorityId, personId);
  const errors: FieldError[] = [];
  const stars = starsOf(input.stars, errors);
  const text = textOf(input.text, "text", errors);
  const categories = await listServiceCategories(ctx.db);
  if (!categories.some((c) => c.code === input.serviceType))
    errors.push({ field: "serviceType", message: msg`Choose the type of service from the list` });
  const thisMonth = ctx.clock.now().toISOString().slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.serviceMonth) || input.serviceMonth > thisMonth)
    errors.push({ field: "serviceMonth", message: msg`Enter the month of the service, not in the future` });
  const organisationId = input.organisationId.trim();
  if (!isUuid(organisationId) || !(await organisationsByIds(ctx.db, [organisationId])).has(organisationId))
    errors.push({ field: "organisationId", message: msg`Choose the provider from the directory` });
  if (errors.length > 0) throw new ValidationError(msg`Check the review`, errors);
  // Every plan's id, whatever the viewer's grants show of the plans (`give-feedback` alone suffices).
  const planIds = view.planIds;
  if (!(await hasPaidProvider(ctx.db, authorityId, planIds, organisationId)))
    throw new ConflictError(
      msg`You can leave feedback only about a provider that has been paid from this personal budget.`,
      "not_paid",
    );
  const heldFor = personalDataIn(text);
  const now = ctx.clock.now();
  const review = await transaction(ctx.db, async (trx) => {
    const before = await repo.feedbackOf(trx, authorityId, personId, organisationId);
    if (before) await count(trx, before, -1);
    const row: FeedbackReview = {
      id: before?.id ?? newId(),
      organisation_id: organisationId,
      authority_id: authorityId,
      person_id: personId,
      area_code: view.person.area_code,
      category_code: input.serviceType,
      service_month: input.serviceMonth,
      stars,
      text,
      state: heldFor ? "held" : "published",
      version: (before?.version ?? 0) + 1,
      held_reason: heldFor || null,
      moderation_reason: null,
      // The provider's reply stays, shown as a reply to an earlier version until they reply again.
      reply: before?.reply ?? null,
      reply_version: before?.reply_version ?? 0,
      replied_at: before?.replied_at ?? null,
      reply_to_version: before?.reply_to_version ?? null,
      created_at: before?.created_at ?? now,
      updated_at: now,
      published_at: heldFor ? null : now,
      left_at: now,
    };
    await repo.saveFeedback(trx, row, before !== undefined);
    await repo.insertFeedbackVersion(trx, {
      review_id: row.id,
      kind: "review",
      stars,
      text,
      reason: null,
      by_user: access.userId,
      at: now,
    });
    await count(trx, row, 1);
    await keepFor7Years(trx, ctx.clock, row);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: access.actor,
      action: heldFor ? "feedback.held" : "feedback.published",
      entity: { type: "feedback_review", id: row.id },
      changes: {
        person: personalRef("care_people", personId),
        as: access.how,
        organisationId,
        stars,
        version: row.version,
        ...(heldFor ? { heldFor } : {}),
      },
    });
    if (!heldFor) await tellProvider(trx, ctx, row);
    return row;
  });
  return { review, heldFor };
}

/** A moderator's decisions: on the review, or on the provider's reply to it (`edit-reply`). */
export const DECISIONS = ["publish", "edit", "edit-reply", "reject"] as const;

/**
 * What an edit removed: personal data (then every earlier version of the text edited is redacted, so
 * it is held nowhere) or something else (abuse, an accusation: the earlier versions kept as evidence).
 */
export const REMOVED = ["personal-data", "other"] as const;

export interface ModerationInput {
  /** One of DECISIONS (a form sends any text: the service checks it). */
  decision: string;
  /** The text with the part removed, for `edit`. */
  text?: string;
  /** The provider's reply with the part removed, for `edit-reply`. */
  reply?: string;
  /** One of REMOVED, for `edit` and `edit-reply`. */
  removed?: string;
  /** Why, for `edit`, `edit-reply` and `reject`. */
  reason?: string;
}

/** The platform's moderators: platform administrators. */
function requireModerator(ctx: Ctx) {
  requireScope(ctx.principal, "feedback:write");
  return requireRole(ctx.principal, "platform-admin", PLATFORM_SCOPE, "moderate feedback");
}

/**
 * A moderator's decision on a review (held or published): publish it, edit out a part (the reason
 * recorded, the text before kept as a version), or reject it with the reason. The person is told.
 */
export async function moderateFeedback(
  ctx: Ctx,
  reviewId: string,
  input: ModerationInput,
): Promise<FeedbackReview> {
  requireModerator(ctx);
  const errors: FieldError[] = [];
  if (!(DECISIONS as readonly string[]).includes(input.decision))
    errors.push({
      field: "decision",
      message: msg`Choose whether to publish it, edit out a part or reject it`,
    });
  const editing = input.decision === "edit" || input.decision === "edit-reply";
  const reason = (input.reason ?? "").trim();
  const text = input.decision === "edit" ? textOf(input.text ?? "", "text", errors) : "";
  const replyText = input.decision === "edit-reply" ? textOf(input.reply ?? "", "reply", errors) : "";
  if (editing && !(REMOVED as readonly string[]).includes(input.removed ?? ""))
    errors.push({ field: "removed", message: msg`Choose whether the part removed is personal data` });
  if ((editing || input.decision === "reject") && (reason === "" || reason.length > 500))
    errors.push({ field: "reason", message: msg`Give the reason, up to 500 characters, from the policy` });
  if (errors.length > 0) throw new ValidationError(msg`Check the decision`, errors);
  const personalData = editing && input.removed === "personal-data";
  return transaction(ctx.db, async (trx) => {
    const before = isUuid(reviewId) ? await repo.lockFeedback(trx, reviewId) : undefined;
    if (!before || before.state === "rejected") throw new NotFoundError("review");
    if (input.decision === "edit-reply" && before.reply === null) {
      const message = msg`This review has no reply to edit`;
      throw new ValidationError(message, [{ field: "decision", message }]);
    }
    await count(trx, before, -1);
    const now = ctx.clock.now();
    const onReply = input.decision === "edit-reply";
    const after: FeedbackReview = onReply
      ? { ...before, reply: replyText, updated_at: now }
      : {
          ...before,
          state: input.decision === "reject" ? "rejected" : "published",
          text: input.decision === "edit" ? text : before.text,
          moderation_reason: reason || before.moderation_reason,
          updated_at: now,
          published_at: input.decision === "reject" ? before.published_at : (before.published_at ?? now),
        };
    await repo.saveFeedback(trx, after, true);
    const actor = actorIn(ctx);
    if (input.decision !== "publish")
      await repo.insertFeedbackVersion(trx, {
        review_id: after.id,
        // A moderator's edit of the reply is a version of the reply, with the reason.
        kind: onReply ? "reply" : "moderation",
        stars: onReply ? null : after.stars,
        text: onReply ? replyText : after.text,
        reason,
        by_user: actor.type === "user" ? (actor.id ?? null) : null,
        at: now,
      });
    await count(trx, after, 1);
    // Personal data removed must not stay in the earlier versions of what was edited: redacted with the
    // edit. Anything else removed (abuse) is kept in them, as the evidence the policy keeps.
    const redacted = personalData
      ? await repo.redactEarlierVersions(trx, after.id, onReply ? "reply" : "review", REDACTED, now)
      : 0;
    await recordAudit(trx, ctx.clock, {
      authorityId: after.authority_id,
      actor,
      action: `feedback.moderated-${input.decision}`,
      entity: { type: "feedback_review", id: after.id },
      changes: {
        person: personalRef("care_people", after.person_id),
        ...(reason ? { reason } : {}),
        ...(editing ? { removed: input.removed } : {}),
        ...(redacted > 0 ? { versionsRedacted: redacted } : {}),
      },
    });
    if (onReply) {
      await tellProviderReplyEdited(trx, ctx, after, reason);
      return after;
    }
    await tellPerson(
      trx,
      ctx,
      after,
      input.decision === "publish"
        ? "Your review has been checked against the feedback policy and published."
        : input.decision === "edit"
          ? `Your review is published with a part removed under the feedback policy. The reason: ${reason}`
          : `Your review was not published under the feedback policy. The reason: ${reason}`,
    );
    if (before.state === "held" && after.state === "published") await tellProvider(trx, ctx, after);
    return after;
  });
}

/** The provider's reply to a published review (its people); a change is a new version. */
export async function replyToFeedback(
  ctx: Ctx,
  organisationId: string,
  reviewId: string,
  replyText: string,
): Promise<FeedbackReview> {
  requireScope(ctx.principal, "feedback:write");
  const review = isUuid(reviewId) ? await repo.findFeedback(ctx.db, reviewId) : undefined;
  if (!review || review.organisation_id !== organisationId || review.state !== "published")
    throw new NotFoundError("review");
  requireRole(ctx.principal, [...PROVIDER_ROLES], organisationId, "reply to reviews of this provider");
  const errors: FieldError[] = [];
  const text = textOf(replyText, "reply", errors);
  // A reply is published at once, never held: one naming the reviewer is refused, saying what to remove.
  const found = errors.length === 0 ? personalDataIn(text) : "";
  if (found)
    errors.push({
      field: "reply",
      message: msg`Remove ${found} from the reply: a reply is published at once, and never names or contacts the person`,
    });
  if (errors.length > 0) throw new ValidationError(msg`Check the reply`, errors);
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const after: FeedbackReview = {
      ...review,
      reply: text,
      reply_version: review.reply_version + 1,
      replied_at: now,
      reply_to_version: review.version,
    };
    await repo.saveFeedback(trx, after, true);
    const actor = actorIn(ctx);
    await repo.insertFeedbackVersion(trx, {
      review_id: review.id,
      kind: "reply",
      stars: null,
      text,
      reason: null,
      by_user: actor.type === "user" ? (actor.id ?? null) : null,
      at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: review.authority_id,
      actor,
      action: "feedback.replied",
      entity: { type: "feedback_review", id: review.id },
      changes: { organisationId, replyVersion: after.reply_version, toVersion: review.version },
    });
    return after;
  });
}

export interface FeedbackPage {
  reviews: ShownReview[];
  next: string | null;
}

/** A provider's published reviews, newest first, a page at a time by key. Public. */
export async function providerFeedback(
  ctx: Pick<Ctx, "db">,
  organisationId: string,
  after?: string,
  limit = FEEDBACK_PAGE,
): Promise<FeedbackPage> {
  if (!isUuid(organisationId)) throw new NotFoundError("organisation");
  const rows = await repo.publishedFeedback(ctx.db, organisationId, decodeTimeKey(after, "after"), limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    reviews: await shown(ctx.db, page),
    next: more && last?.published_at ? encodeKey([last.published_at.toISOString(), last.id]) : null,
  };
}

/** A review as a moderator sees it: never who wrote it, with its state and why it was held. */
export interface ReviewToModerate extends ShownReview {
  state: FeedbackReview["state"];
  /** What the automatic check found ("a phone number"), for a held review. */
  heldFor: string | null;
  /** A moderator's reason recorded before, if any. */
  moderationReason: string | null;
}

async function toModerate(db: Db, reviews: readonly FeedbackReview[]): Promise<ReviewToModerate[]> {
  const shownReviews = await shown(db, reviews);
  return shownReviews.map((r, i) => ({
    ...r,
    state: reviews[i]?.state ?? "held",
    heldFor: reviews[i]?.held_reason ?? null,
    moderationReason: reviews[i]?.moderation_reason ?? null,
  }));
}

export interface ModerationPage {
  reviews: ReviewToModerate[];
  /** The key of the page after this one, if there is one. */
  next: string | null;
}

async function moderationPage(
  db: Db,
  rows: FeedbackReview[],
  limit: number,
  at: (r: FeedbackReview) => Date | null,
): Promise<ModerationPage> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const lastAt = last ? at(last) : null;
  return {
    reviews: await toModerate(db, page),
    next: rows.length > limit && last && lastAt ? encodeKey([lastAt.toISOString(), last.id]) : null,
  };
}

/** Reviews held for moderation, oldest first, a page at a time by key: the moderators' queue. */
export async function heldFeedback(
  ctx: Ctx,
  after?: string,
  limit = MODERATION_PAGE,
): Promise<ModerationPage> {
  requireModerator(ctx);
  const rows = await repo.heldFeedback(ctx.db, decodeTimeKey(after, "after"), limit + 1);
  return moderationPage(ctx.db, rows, limit, (r) => r.updated_at);
}

/**
 * Published reviews of every provider, newest first, a page at a time by key: the moderators' list
 * of reviews to read again (names, health details and abuse the automatic check cannot find).
 */
export async function recentFeedback(
  ctx: Ctx,
  after?: string,
  limit = MODERATION_PAGE,
): Promise<ModerationPage> {
  requireModerator(ctx);
  const rows = await repo.recentFeedback(ctx.db, decodeTimeKey(after, "after"), limit + 1);
  return moderationPage(ctx.db, rows, limit, (r) => r.published_at);
}

/** One review, held or published, for a moderator's decision (404 once rejected, as `moderateFeedback`). */
export async function reviewToModerate(ctx: Ctx, reviewId: string): Promise<ReviewToModerate> {
  requireModerator(ctx);
  const review = isUuid(reviewId) ? await repo.findFeedback(ctx.db, reviewId) : undefined;
  if (!review || review.state === "rejected") throw new NotFoundError("review");
  const [found] = await toModerate(ctx.db, [review]);
  if (!found) throw new NotFoundError("review");
  return found;
}

/** A published review of the provider, for its people's reply (the checks of `replyToFeedback`). */
export async function reviewToReply(
  ctx: Ctx,
  organisationId: string,
  reviewId: string,
): Promise<ShownReview> {
  const review = isUuid(reviewId) ? await repo.findFeedback(ctx.db, reviewId) : undefined;
  if (!review || review.organisation_id !== organisationId || review.state !== "published")
    throw new NotFoundError("review");
  requireRole(ctx.principal, [...PROVIDER_ROLES], organisationId, "reply to reviews of this provider");
  const [found] = await shown(ctx.db, [review]);
  if (!found) throw new NotFoundError("review");
  return found;
}

/** Whether the caller may reply to the provider's reviews (its administrators and members). */
export function mayReply(ctx: Pick<Ctx, "principal">, organisationId: string): boolean {
  return hasRole(ctx.principal, [...PROVIDER_ROLES], organisationId);
}

/**
 * Each provider's published reviews counted and averaged (kept figures): the choice module's port.
 * A provider with none is left out (choice then says there is no feedback yet).
 */
export async function feedbackSummaries(
  ctx: Pick<Ctx, "db">,
  organisationIds: readonly string[],
): Promise<FeedbackSummary[]> {
  const rows = await repo.feedbackFiguresOf(ctx.db, organisationIds);
  return summariesOf(rows, organisationIds).filter((s) => s.reviews > 0);
}

function summariesOf(
  rows: Awaited<ReturnType<typeof repo.feedbackFiguresOf>>,
  organisationIds: readonly string[],
): FeedbackSummary[] {
  return organisationIds.map((organisationId) => {
    const its = rows.filter((r) => r.organisation_id === organisationId);
    const reviews = its.reduce((n, r) => n + r.reviews, 0);
    const total = its.reduce((n, r) => n + r.reviews * r.stars, 0);
    return {
      organisationId,
      reviews,
      averageStars: reviews === 0 ? null : Math.round(total / reviews),
      link: `/organisations/${organisationId}/feedback`,
    };
  });
}

/** A provider's open figures for one service type: suppressed (null) below 10 reviews. */
export interface FeedbackFigure {
  serviceType: string;
  /** Published reviews; null when fewer than 10. */
  reviews: number | null;
  /** How many gave 1 to 5 stars; null when suppressed. */
  ratings: [number, number, number, number, number] | null;
}

/** A provider's open figures of users' feedback, per service type, small numbers suppressed. Public. */
export async function feedbackFigures(
  ctx: Pick<Ctx, "db">,
  organisationId: string,
): Promise<FeedbackFigure[]> {
  if (!isUuid(organisationId)) throw new NotFoundError("organisation");
  const rows = await repo.feedbackFiguresOf(ctx.db, [organisationId]);
  const byType = new Map<string, [number, number, number, number, number]>();
  for (const r of rows) {
    const ratings = byType.get(r.category_code) ?? [0, 0, 0, 0, 0];
    ratings[r.stars - 1] = (ratings[r.stars - 1] ?? 0) + r.reviews;
    byType.set(r.category_code, ratings);
  }
  return [...byType].flatMap(([serviceType, ratings]): FeedbackFigure[] => {
    const reviews = ratings.reduce((a, b) => a + b, 0);
    // A type whose reviews have all gone (rejected, erased) is no longer one the provider is reviewed for.
    if (reviews === 0) return [];
    return isSmall(reviews)
      ? [{ serviceType, reviews: null, ratings: null }]
      : [{ serviceType, reviews, ratings }];
  });
}

/** The provider profile's section: users' feedback, its summary and the latest reviews. */
export async function feedbackProfilePanel(
  db: Db,
  _clock: Clock,
  organisationId: string,
): Promise<Panel | undefined> {
  const [summary] = summariesOf(await repo.feedbackFiguresOf(db, [organisationId]), [organisationId]);
  const latest = await providerFeedback({ db }, organisationId, undefined, 3);
  return {
    template: "voice/views/partials/profile-feedback.njk",
    context: { feedbackSummary: summary, feedbackLatest: latest.reviews },
  };
}

// Retention (docs/feedback.md, "How long feedback is kept")

/** The job that sweeps, daily, every review last left more than 7 years ago (a safety net for the per-review jobs). */
export const FEEDBACK_SWEEP_QUEUE = "voice.feedback-sweep";
/** Reviews a page of the sweep reads. */
const SWEEP_PAGE = 200;

/**
 * 02:00 in London on a date: an hour that happens exactly once every day (01:00 is skipped the day
 * the clocks go forward and happens twice the day they go back). Never "now" in its place.
 */
function twoInTheMorning(date: string): Date {
  const at = londonInstant(date, 2, 0);
  if (!at) throw new RangeError(`Not a London date: ${date}`);
  return at;
}

/** Queues the review's erasure for the day after it has been kept 7 years from when it was last left. */
async function keepFor7Years(trx: Trx, clock: Clock, review: FeedbackReview): Promise<void> {
  const keptUntil = addDays(addMonths(londonDate(review.left_at), FEEDBACK_KEPT_MONTHS), 1);
  await enqueue(trx, clock, {
    queue: FEEDBACK_RETENTION_QUEUE,
    payload: { reviewId: review.id },
    runAt: twoInTheMorning(keptUntil),
    // One job a version: a review left again is kept 7 years from then (the older job finds it young).
    dedupeKey: `${FEEDBACK_RETENTION_QUEUE}:${review.id}:${review.version}`,
    authorityId: review.authority_id,
  });
}

/** Reviews last left before this London date are past their 7 years. */
function keepingCutoff(clock: Clock): string {
  return addMonths(londonToday(clock), -FEEDBACK_KEPT_MONTHS);
}

/**
 * The retention job: erases the review with every version of it once it has been kept 7 years from
 * when the person last left it (`left_at`: a moderator's decision or a reply never moves it; none when
 * left again since, or gone): it leaves the figures, and the authority's audit trail says what was
 * erased (the review by id, how many versions; nothing of the person but the reference). Whether it
 * erased it.
 */
export async function eraseExpiredFeedback(db: Db, clock: Clock, reviewId: string): Promise<boolean> {
  const cutoff = keepingCutoff(clock);
  return transaction(db, async (trx) => {
    const review = await repo.lockFeedback(trx, reviewId);
    if (!review || londonDate(review.left_at) >= cutoff) return false;
    await count(trx, review, -1);
    const versions = await repo.eraseFeedback(trx, review.id);
    await recordAudit(trx, clock, {
      authorityId: review.authority_id,
      actor: SYSTEM("feedback-retention"),
      action: "feedback.erased",
      entity: { type: "feedback_review", id: review.id },
      changes: {
        person: personalRef("care_people", review.person_id),
        organisationId: review.organisation_id,
        versions,
        lastLeftBefore: cutoff,
      },
      requestId: null,
    });
    return true;
  });
}

/**
 * The daily sweep: erases every review last left before the cut-off, a page at a time by key (each
 * review in its own transaction), whatever became of its own job (reviews from before the jobs, a
 * job lost). Then queues tomorrow's sweep. How many it erased.
 */
export async function sweepExpiredFeedback(db: Db, clock: Clock): Promise<number> {
  const before = twoInTheMorning(keepingCutoff(clock));
  let erased = 0;
  let after: { at: Date; id: string } | undefined;
  for (;;) {
    const page = await repo.feedbackLeftBefore(db, before, after, SWEEP_PAGE);
    for (const r of page) if (await eraseExpiredFeedback(db, clock, r.id)) erased++;
    const last = page.at(-1);
    if (page.length < SWEEP_PAGE || !last) break;
    after = { at: last.left_at, id: last.id };
  }
  await transaction(db, (trx) => queueFeedbackSweep(trx, clock));
  return erased;
}

/** Queues the next daily sweep (at 02:00 tomorrow, London time); once a day, however often asked. */
export async function queueFeedbackSweep(trx: Trx, clock: Clock): Promise<void> {
  await enqueueTomorrow(trx, clock, FEEDBACK_SWEEP_QUEUE, 2);
}

// Open data (src/modules/datasets: the `feedback` dataset)

/** A row of the open dataset: one provider's published reviews of one service type, suppressed below 10. */
export interface FeedbackFigureRow {
  organisationId: string;
  serviceType: string;
  /** Published reviews; null when fewer than 10. */
  reviews: number | null;
  suppressed: boolean;
  /** How many gave 1 to 5 stars; null when suppressed. */
  ratings: [number, number, number, number, number] | null;
}

/** Provider and service type pairs a page of the dataset reads (each up to 5 rows of the kept figures). */
const FIGURES_PAGE = 200;

/**
 * Every provider's open figures of users' feedback per service type, small numbers suppressed, a
 * page at a time in key order (provider, service type). Public: never a person, counts only.
 */
export async function* feedbackFigureRows(ctx: Pick<Ctx, "db">): AsyncGenerator<FeedbackFigureRow[]> {
  let after: { organisationId: string; categoryCode: string } | undefined;
  for (;;) {
    const rows = await repo.feedbackFiguresAfter(ctx.db, after, FIGURES_PAGE * 5);
    if (rows.length === 0) return;
    const full = rows.length === FIGURES_PAGE * 5;
    const groups = new Map<
      string,
      FeedbackFigureRow & { ratings: [number, number, number, number, number] }
    >();
    for (const r of rows) {
      const key = `${r.organisation_id}/${r.category_code}`;
      const group = groups.get(key) ?? {
        organisationId: r.organisation_id,
        serviceType: r.category_code,
        reviews: 0,
        suppressed: false,
        ratings: [0, 0, 0, 0, 0],
      };
      group.ratings[r.stars - 1] = r.reviews;
      groups.set(key, group);
    }
    const all = [...groups.values()];
    // A full read may end inside a provider's service type: that one is read again on the next page.
    const page = full && all.length > 1 ? all.slice(0, -1) : all;
    const shownRows = page.flatMap((g): FeedbackFigureRow[] => {
      const reviews = g.ratings.reduce((a, b) => a + b, 0);
      if (reviews === 0) return [];
      return isSmall(reviews)
        ? [{ ...g, reviews: null, suppressed: true, ratings: null }]
        : [{ ...g, reviews, suppressed: false }];
    });
    if (shownRows.length > 0) yield shownRows;
    const last = page.at(-1);
    if (!full || !last) return;
    after = { organisationId: last.organisationId, categoryCode: last.serviceType };
  }
}

// Find a service (regulation's `providerExtras`)

/**
 * Users' feedback beside the regulator's rating in Find a service's results and on a location's page:
 * each provider's summary from the kept figures, read for the page's providers at once.
 */
export async function feedbackExtras(
  ctx: Pick<Ctx, "db">,
  organisationIds: readonly string[],
): Promise<{ organisationId: string; template: string; context: Record<string, unknown> }[]> {
  const ids = [...new Set(organisationIds.filter(isUuid))];
  const summaries = summariesOf(await repo.feedbackFiguresOf(ctx.db, ids), ids);
  return summaries.map((summary) => ({
    organisationId: summary.organisationId,
    template: "voice/views/partials/find-feedback.njk",
    context: { feedbackSummary: summary },
  }));
}
