/**
 * Notifications: each user's inbox, and the email that copies it when SMTP is configured.
 *
 * `notify` writes the inbox row in the caller's transaction and, when email is on, enqueues an
 * `email.send` job in the same transaction (the durable queue, src/modules/jobs). The job's handler
 * sends the email later, outside the user's action: a mail server that is down or refuses never
 * fails the action, which has already committed. The email is retried with backoff; when its
 * attempts run out the notification's `email_status` becomes `failed`, and the inbox row stays.
 *
 * Every notice is of a kind in the one list (notice-kinds.ts) and links to what it is about: a path
 * on this site ("/tenders/…"), made absolute from the configured base URL when the email is
 * written. A person may keep kinds of notice to their inbox (their email choices, decided when the
 * notice is made); the security kinds are emailed whatever they chose. Email bodies are plain text.
 * Delivery is at least once: if the server stops between handing the email over and recording it
 * as sent, it is sent again.
 *
 * Notices are personal data: only their recipient sees them (another's is not found), the audit
 * trail refers to the recipient with `personalRef` and records no text, and no log line or job
 * payload carries their text or address.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { type Actor, personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import type { Mailer, MailMessage } from "./mailer.ts";
import { alwaysEmailed, CHOOSABLE_KINDS, isNoticeKind, type NoticeKind } from "./notice-kinds.ts";
import * as repo from "./notifications.repository.ts";
import type { EmailStatus, Notification } from "./notifications.table.ts";

export {
  alwaysEmailed,
  CHOOSABLE_KINDS,
  isNoticeKind,
  NOTICE_KIND_LIST,
  NOTICE_KINDS,
  NOTICE_TOPICS,
  type NoticeKind,
  type NoticeTopic,
} from "./notice-kinds.ts";
export type { Notification } from "./notifications.table.ts";

export const EMAIL_SEND_QUEUE = "email.send";
/** Retries 30s, 1m, 2m, 4m, 8m, 16m, 32m apart: about an hour before an email is given up. */
export const EMAIL_MAX_ATTEMPTS = 8;
export const INBOX_PAGE_SIZE = 20;

const MAX_SUBJECT = 200;
const MAX_BODY = 10_000;
/** A path on this site: one leading slash, no scheme or host, no spaces or backslashes. */
const SITE_PATH = /^\/(?![/\\])[^\s\\]*$/;

export interface NotifyInput {
  userId: string;
  /** The tenant the notification is from or about, if any (its audit chain). */
  authorityId?: string | null;
  /** The organisation the person is told for, when they are told as one of its people. */
  organisationId?: string | null;
  /** What it is about: one of the kinds in notice-kinds.ts. */
  kind: NoticeKind;
  /** One line, shown in the inbox and as the email's subject. */
  subject: string;
  /** Plain text. */
  body: string;
  /**
   * What the notice is about, a page the recipient can open: a path on this site, like
   * "/authorities/westshire/tenders/0192…"; made absolute in emails.
   */
  link: string;
}

export interface NotifyOptions {
  /** Also email it: true when a mailer is configured (`deps.mailer !== undefined`). */
  email: boolean;
  /** Who caused the notice, for the audit trail; the notifications system by default. */
  actor?: Actor;
  requestId?: string | null;
}

const inboxOnly = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with notifications going to inboxes only, never by email: seeds use it, so that demo
 * data fills the demo people's inboxes without queueing mail to addresses nobody reads.
 */
export function withoutEmail<T>(fn: () => Promise<T>): Promise<T> {
  return inboxOnly.run(true, fn);
}

/**
 * Puts a notification in the user's inbox, in the caller's transaction, and — with `email` —
 * queues its email in the same transaction (`email_status` "queued"; otherwise "not-sent"), unless
 * it runs inside `withoutEmail` or the person keeps this kind to their inbox (a security kind is
 * emailed whatever they chose). Throws `RangeError` for a kind not in notice-kinds.ts, a link that
 * is not a path on this site, or a subject or body out of bounds: a mistake in the calling code.
 */
export async function notify(
  trx: Trx,
  clock: Clock,
  input: NotifyInput,
  options: NotifyOptions,
): Promise<Notification> {
  if (!trx.isTransaction) throw new Error("notify must run inside the transaction that makes the change.");
  const subject = input.subject.trim();
  if (subject === "" || subject.length > MAX_SUBJECT || /[\r\n]/.test(subject)) {
    throw new RangeError(`A notification subject is one line of 1 to ${MAX_SUBJECT} characters`);
  }
  if (input.body.trim() === "" || input.body.length > MAX_BODY) {
    throw new RangeError(`A notification body is 1 to ${MAX_BODY} characters`);
  }
  if (!isNoticeKind(input.kind)) {
    throw new RangeError(`"${input.kind}" is not a kind of notice: add it to notice-kinds.ts`);
  }
  const link = input.link;
  if (typeof link !== "string" || !SITE_PATH.test(link)) {
    throw new RangeError(
      `A notification links to what it is about: a path on this site starting with "/", like "/tenders/123", not "${link}"`,
    );
  }
  const emailed =
    options.email &&
    !inboxOnly.getStore() &&
    (alwaysEmailed(input.kind) || !(await repo.emailTurnedOff(trx, input.userId, input.kind)));
  const notification = await repo.insertNotification(trx, {
    id: newId(),
    user_id: input.userId,
    authority_id: input.authorityId ?? null,
    organisation_id: input.organisationId ?? null,
    kind: input.kind,
    subject,
    body: input.body,
    link,
    email_status: emailed ? "queued" : "not-sent",
    created_at: clock.now(),
    read_at: null,
  });
  await recordAudit(trx, clock, {
    authorityId: notification.authority_id,
    actor: options.actor ?? SYSTEM("notifications"),
    action: "notification.created",
    entity: { type: "notification", id: notification.id },
    changes: {
      kind: notification.kind,
      recipient: personalRef("users", notification.user_id),
      emailStatus: notification.email_status,
    },
    requestId: options.requestId ?? null,
  });
  if (notification.email_status === "queued") {
    await enqueue(trx, clock, {
      queue: EMAIL_SEND_QUEUE,
      payload: { notificationId: notification.id },
      maxAttempts: EMAIL_MAX_ATTEMPTS,
      dedupeKey: `${EMAIL_SEND_QUEUE}:${notification.id}`,
      authorityId: notification.authority_id,
    });
  }
  return notification;
}

/** A site path made absolute from the base URL (which may itself have a path, like https://x.org/openps). */
export function absoluteLink(baseUrl: string, link: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${link}`;
}

/** The plain-text email for a notification. */
export function composeEmail(notification: Notification, to: string, baseUrl: string): MailMessage {
  const parts = [notification.body.trimEnd(), absoluteLink(baseUrl, notification.link)];
  return { to, subject: notification.subject, text: `${parts.join("\n\n")}\n` };
}

export interface EmailDeps {
  /** Undefined when SMTP is not configured: queued emails are then marked not sent. */
  mailer: Mailer | undefined;
  /** Public base URL of the site, for absolute links (config.baseUrl). */
  baseUrl: string;
}

function notificationIdOf(payload: unknown): string {
  const id = (payload as { notificationId?: unknown } | null)?.notificationId;
  if (!isUuid(id))
    throw new PermanentJobError("The email.send job has no valid notificationId in its payload.");
  return id;
}

/** What to keep of a mail error: its message and SMTP code (addresses are removed by the runner). */
function mailErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return "the mailer failed";
  const { code, responseCode } = error as Error & { code?: unknown; responseCode?: unknown };
  const tags = [
    typeof code === "string" ? code : undefined,
    typeof responseCode === "number" ? `SMTP ${responseCode}` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return tags ? `${error.message} (${tags})` : error.message;
}

/** Records a change of a notification's email status, with its audit event, in one transaction. */
async function setEmailStatus(
  db: Db,
  clock: Clock,
  notification: Notification,
  status: EmailStatus,
): Promise<void> {
  await transaction(db, async (trx) => {
    await repo.setEmailStatus(trx, notification.id, status);
    await recordAudit(trx, clock, {
      authorityId: notification.authority_id,
      actor: SYSTEM("notifications"),
      action: `notification.email-${status}`,
      entity: { type: "notification", id: notification.id },
      changes: { emailStatus: status },
    });
  });
}

/**
 * The `email.send` handler: loads the notification and its user's address, sends it, and marks it
 * sent. Idempotent: a notification already sent, or gone (the user was erased), is not sent again.
 * A failure is retried by the queue; on the last attempt the notification is marked `failed`.
 */
export function emailSendHandler(deps: EmailDeps): JobHandler {
  return async (payload, ctx) => {
    const notificationId = notificationIdOf(payload);
    const notification = await repo.findForEmail(ctx.db, notificationId);
    if (!notification) {
      ctx.logger.info({ jobId: ctx.job.id, notificationId }, "The notification is gone; no email to send");
      return;
    }
    if (notification.email_status === "sent") return;
    if (!deps.mailer) {
      await setEmailStatus(ctx.db, ctx.clock, notification, "not-sent");
      ctx.logger.warn(
        { jobId: ctx.job.id, notificationId },
        "Email is not configured; the notification stays in the inbox only",
      );
      return;
    }
    const { email, ...row } = notification;
    try {
      await deps.mailer.send(composeEmail(row, email, deps.baseUrl));
    } catch (error) {
      if (ctx.isLastAttempt) await setEmailStatus(ctx.db, ctx.clock, row, "failed");
      throw new Error(`The email could not be sent: ${mailErrorMessage(error)}`);
    }
    await setEmailStatus(ctx.db, ctx.clock, row, "sent");
  };
}

/** The notification module's job handlers, to register with the job runner. */
export function notificationJobHandlers(deps: EmailDeps): Record<string, JobHandler> {
  return { [EMAIL_SEND_QUEUE]: emailSendHandler(deps) };
}

export interface InboxPage {
  notifications: Notification[];
  /** From 1. */
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
  unread: number;
}

/** One page of the user's inbox, newest first, with how many are unread. A page past the end is empty. */
export async function listInbox(
  db: Db,
  userId: string,
  options: { page?: number; pageSize?: number } = {},
): Promise<InboxPage> {
  const page =
    Number.isSafeInteger(options.page) && (options.page as number) >= 1 ? (options.page as number) : 1;
  const pageSize = options.pageSize ?? INBOX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new RangeError(`pageSize must be a whole number from 1 to 100, not ${pageSize}`);
  }
  const total = await repo.countForUser(db, userId, false);
  const unread = await repo.countForUser(db, userId, true);
  const notifications = await repo.listForUser(db, userId, pageSize, (page - 1) * pageSize);
  return { notifications, page, pageSize, total, totalPages: Math.ceil(total / pageSize), unread };
}

/** How many of the user's notifications are unread. */
export function unreadCount(db: Db, userId: string): Promise<number> {
  return repo.countForUser(db, userId, true);
}

/** One of the user's own notifications; another user's, like an unknown one, is not found. */
export async function findNotification(db: Db, userId: string, id: string): Promise<Notification> {
  const found = isUuid(id) ? await repo.findForUser(db, userId, id) : undefined;
  if (!found) throw new NotFoundError("notification");
  return found;
}

/**
 * Marks one of the user's own notifications read (again: no change), audited on its chain.
 * Another user's notification, like an unknown one, is not found.
 */
export async function markRead(trx: Trx, clock: Clock, userId: string, id: string): Promise<Notification> {
  if (!isUuid(id)) throw new NotFoundError("notification");
  const updated = await repo.markRead(trx, userId, id, clock.now());
  if (updated) {
    await recordAudit(trx, clock, {
      authorityId: updated.authority_id,
      actor: { type: "user", id: userId },
      action: "notification.read",
      entity: { type: "notification", id },
    });
    return updated;
  }
  return findNotification(trx, userId, id);
}

/**
 * Marks every unread notification of the user read, as of now; returns how many. One audit event
 * on the platform chain when any were unread (how many, not which).
 */
export async function markAllRead(trx: Trx, clock: Clock, userId: string): Promise<number> {
  const count = await repo.markAllRead(trx, userId, clock.now());
  if (count > 0)
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: { type: "user", id: userId },
      action: "notification.all-read",
      entity: { type: "user", id: userId },
      changes: { count },
    });
  return count;
}

/** The kinds of notice the user keeps to their inbox (every other kind also comes by email). */
export async function inboxOnlyKinds(db: Db, userId: string): Promise<NoticeKind[]> {
  const kinds = new Set(await repo.emailOptOuts(db, userId));
  return CHOOSABLE_KINDS.filter((kind) => kinds.has(kind));
}

/**
 * Sets which kinds of notice also come to the user by email: `emailed` are those they want by
 * email; every other kind they may choose is kept to the inbox. A security kind cannot be turned
 * off (RangeError: the caller offers only the choosable ones). Audited, when anything changed, on
 * the platform chain with the kinds kept to the inbox. Returns those kinds.
 */
export async function setEmailChoices(
  trx: Trx,
  clock: Clock,
  userId: string,
  emailed: readonly NoticeKind[],
): Promise<NoticeKind[]> {
  const wanted = new Set<string>(emailed);
  for (const kind of wanted)
    if (!CHOOSABLE_KINDS.includes(kind as NoticeKind))
      throw new RangeError(`"${kind}" is not a kind of notice whose email can be turned off`);
  const before = await inboxOnlyKinds(trx, userId);
  const after = CHOOSABLE_KINDS.filter((kind) => !wanted.has(kind));
  if (before.join() === after.join()) return after;
  await repo.setEmailOptOuts(trx, userId, after);
  await recordAudit(trx, clock, {
    authorityId: null,
    actor: { type: "user", id: userId },
    action: "notification.email-choices-changed",
    entity: { type: "user", id: userId },
    changes: { inboxOnly: after },
  });
  return after;
}

/** The notices these accounts were sent from an authority about a page under a path (a person's download). */
export const noticesAbout = repo.noticesAbout;
