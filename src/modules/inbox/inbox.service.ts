/**
 * The inbox (issue 14): each signed-in person's notices, newest first, page by page, with the
 * authority or organisation each is from or for and a link to what it is about; opening one marks
 * it read, and all can be marked read at once. And their email choices: which kinds of notice also
 * come by email (every kind by default; the security kinds always).
 *
 * The notices themselves — `notify`, the email, the kinds — are the notifications module's; this
 * module is the person's view of them, above organisations so that it can name both authorities
 * and organisations. Notices are personal data: every function here reads the caller's own only,
 * and another person's notice is not found (404), exactly as one that does not exist.
 *
 * API tokens need `inbox:read` to read and `inbox:write` to mark read (sessions are not limited by
 * scopes); the email choices are made on the site only.
 */
import { transaction } from "../../db/transaction.ts";
import type { ApiScope } from "../../http/api-scopes.ts";
import { ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { type Principal, requireSignedIn } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { requireScope } from "../accounts/accounts.service.ts";
import { findPublicBody } from "../authorities/authorities.service.ts";
import {
  CHOOSABLE_KINDS,
  findNotification,
  inboxOnlyKinds,
  listInbox,
  markAllRead,
  markRead,
  NOTICE_KIND_LIST,
  NOTICE_KINDS,
  NOTICE_TOPICS,
  type NoticeKind,
  type NoticeTopic,
  type Notification,
  setEmailChoices,
} from "../notifications/notifications.service.ts";
import { organisationNamesOf } from "../organisations/organisations.service.ts";

export const INBOX_READ: ApiScope = "inbox:read";
export const INBOX_WRITE: ApiScope = "inbox:write";

/** A body a notice is from (an authority) or for (an organisation). */
export interface Named {
  id: string;
  name: string;
}

/** A notice as its recipient sees it. */
export interface Notice {
  id: string;
  kind: string;
  subject: string;
  body: string;
  /** What it is about: a path on this site. */
  link: string;
  createdAt: Date;
  readAt: Date | null;
  /** The authority (or other public body) it is from or about; none for the platform's own. */
  authority: Named | null;
  /** The organisation the person was told for, when told as one of its people. */
  organisation: Named | null;
}

export interface InboxView {
  notices: Notice[];
  /** From 1. */
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
  unread: number;
}

/** Notices with the names of the bodies they refer to. */
async function named(ctx: Ctx, rows: readonly Notification[]): Promise<Notice[]> {
  const authorities = new Map<string, string>();
  for (const id of new Set(rows.flatMap((r) => (r.authority_id ? [r.authority_id] : [])))) {
    const body = await findPublicBody(ctx.db, id);
    if (body) authorities.set(id, body.name);
  }
  const organisationIds = [...new Set(rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : [])))];
  const organisations = new Map(
    (await organisationNamesOf(ctx.db, organisationIds)).map((o) => [o.id, o.name] as const),
  );
  const nameOf = (id: string | null, names: Map<string, string>): Named | null => {
    const name = id ? names.get(id) : undefined;
    return id && name ? { id, name } : null;
  };
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    link: r.link,
    createdAt: r.created_at,
    readAt: r.read_at,
    authority: nameOf(r.authority_id, authorities),
    organisation: nameOf(r.organisation_id, organisations),
  }));
}

/** One page of the caller's inbox, newest first (a page past the end is empty): `inbox:read`. */
export async function inboxOf(ctx: Ctx, page = 1): Promise<InboxView> {
  const p = requireScope(ctx.principal, INBOX_READ);
  const view = await listInbox(ctx.db, p.userId, { page });
  const { notifications, ...counts } = view;
  return { ...counts, notices: await named(ctx, notifications) };
}

/** One of the caller's notices, as it is (not marked read): `inbox:read`. 404 for anyone else's. */
export async function noticeOf(ctx: Ctx, id: string): Promise<Notice> {
  const p = requireScope(ctx.principal, INBOX_READ);
  const [notice] = await named(ctx, [await findNotification(ctx.db, p.userId, id)]);
  return notice as Notice;
}

/**
 * Opens one of the caller's notices: marks it read (already read: unchanged), audited. `inbox:write`;
 * 404 for anyone else's.
 */
export async function openNotice(ctx: Ctx, id: string): Promise<Notice> {
  const p = requireScope(ctx.principal, INBOX_WRITE);
  const read = await transaction(ctx.db, (trx) => markRead(trx, ctx.clock, p.userId, id));
  const [notice] = await named(ctx, [read]);
  return notice as Notice;
}

/** Marks every unread notice of the caller read; how many were. `inbox:write`. */
export async function markAllNoticesRead(ctx: Ctx): Promise<number> {
  const p = requireScope(ctx.principal, INBOX_WRITE);
  return transaction(ctx.db, (trx) => markAllRead(trx, ctx.clock, p.userId));
}

// Email choices

export interface EmailChoice {
  kind: NoticeKind;
  /** Comes by email too (when email is configured). */
  emailed: boolean;
}

export interface EmailChoices {
  /** The kinds the person may choose, by topic, in the list's order. */
  topics: { topic: NoticeTopic; choices: EmailChoice[] }[];
  /** The kinds that always come by email too. */
  always: NoticeKind[];
}

function choicesOf(inboxOnly: readonly NoticeKind[]): EmailChoices {
  const off = new Set(inboxOnly);
  const topics = NOTICE_TOPICS.map((topic) => ({
    topic,
    choices: CHOOSABLE_KINDS.filter((kind) => NOTICE_KINDS[kind].topic === topic).map((kind) => ({
      kind,
      emailed: !off.has(kind),
    })),
  })).filter((t) => t.choices.length > 0);
  return { topics, always: NOTICE_KIND_LIST.filter((kind) => !CHOOSABLE_KINDS.includes(kind)) };
}

/** The caller's email choices: which kinds of notice also come by email. Signed in on the site. */
export async function emailChoicesOf(ctx: Ctx): Promise<EmailChoices> {
  const p: Principal = requireSignedIn(ctx.principal);
  return choicesOf(await inboxOnlyKinds(ctx.db, p.userId));
}

/**
 * Sets which kinds of notice also come to the caller by email (`emailed`: the kinds ticked; every
 * other kind they may choose comes to the inbox only). 400 for a kind that is not one they may
 * choose. Audited when anything changed.
 */
export async function chooseEmail(ctx: Ctx, emailed: readonly string[]): Promise<EmailChoices> {
  const p = requireSignedIn(ctx.principal);
  const unknown = emailed.filter((kind) => !CHOOSABLE_KINDS.includes(kind as NoticeKind));
  if (unknown.length > 0)
    throw new ValidationError(msg`Choose only from the kinds of notice listed`, [
      { field: "emailed", message: msg`Choose only from the kinds of notice listed` },
    ]);
  const inboxOnly = await transaction(ctx.db, (trx) =>
    setEmailChoices(trx, ctx.clock, p.userId, emailed as NoticeKind[]),
  );
  return choicesOf(inboxOnly);
}
