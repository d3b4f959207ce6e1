/**
 * The inbox's pages: the list (/inbox, newest first, 20 a page), one notice (/inbox/:id, which
 * marks it read), "mark all as read", and the email choices on the account's pages
 * (/account/email-notices). Each calls one service; the services decide every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, fieldList, formPage } from "../../http/forms.ts";
import { localiseMessage } from "../../http/i18n.ts";
import { page } from "../../http/routes.ts";
import { type Language, londonDateTime } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import {
  chooseEmail,
  emailChoicesOf,
  type InboxView,
  inboxOf,
  markAllNoticesRead,
  type Notice,
  openNotice,
} from "./inbox.service.ts";

const INBOX = "inbox/views/inbox.njk";
const NOTICE = "inbox/views/notice.njk";
const EMAIL_CHOICES = "inbox/views/email-choices.njk";
const EMAIL_CHOICES_PATH = "/account/email-notices";

/** Notices a page may show, by key (`inbox.notices.<key>`). */
const NOTICES = new Set(["all-read", "choices-saved"]);
const noticeIn = (request: FastifyRequest) => {
  const key = field(request.query, "notice");
  return NOTICES.has(key) ? key : undefined;
};

/** A page number from the query: a whole number from 1, or the first page. */
function pageNumber(request: FastifyRequest): number {
  const value = field(request.query, "page");
  return /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : 1;
}

const inboxHref = (n: number) => (n > 1 ? `/inbox?page=${n}` : "/inbox");

/** govukPagination's previous, next and numbered pages (the first, the last, and those beside this one). */
function pagination(view: InboxView) {
  if (view.totalPages <= 1) return undefined;
  const pages: number[] = [];
  for (let p = 1; p <= view.totalPages; p++)
    if (p === 1 || p === view.totalPages || Math.abs(p - view.page) <= 1) pages.push(p);
  const items: Record<string, unknown>[] = [];
  pages.forEach((p, index) => {
    if (index > 0 && p - (pages[index - 1] ?? p) > 1) items.push({ ellipsis: true });
    items.push({ number: p, href: inboxHref(p), current: p === view.page });
  });
  return {
    previous: view.page > 1 ? { href: inboxHref(view.page - 1) } : undefined,
    next: view.page < view.totalPages ? { href: inboxHref(view.page + 1) } : undefined,
    items,
  };
}

/**
 * A notice as the pages show it: times as the site shows them, its body in paragraphs, its subject
 * and each paragraph in the reader's language where they were made from a message the catalogue
 * translates (`msg`), and in English (marked so) where not.
 */
function shown(notice: Notice, locale: Language) {
  const subject = localiseMessage(notice.subject, locale);
  return {
    ...notice,
    subject: subject.text,
    subjectLang: subject.lang,
    href: `/inbox/${notice.id}`,
    received: londonDateTime(notice.createdAt, locale),
    read: notice.readAt !== null,
    paragraphs: notice.body
      .split(/\n+/)
      .map((p) => p.trim())
      .filter((p) => p !== "")
      .map((p) => localiseMessage(p, locale)),
  };
}

export function inboxPages(app: FastifyInstance): void {
  app.get("/inbox", page({ who: signedIn }), async (request, reply) => {
    const view = await inboxOf(ctxOf(request), pageNumber(request));
    await reply.page(INBOX, {
      ...view,
      notices: view.notices.map((item) => shown(item, request.locale)),
      pagination: pagination(view),
      banner: noticeIn(request),
    });
  });

  // Opening a notice marks it read: a change only to the person's own notice, made by reading it.
  app.get(
    "/inbox/:id",
    page({ who: signedIn }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const notice = await openNotice(ctxOf(request), request.params.id);
      await reply.page(NOTICE, { notice: shown(notice, request.locale) });
    },
  );

  buttonAction(app, "/inbox/mark-all-read", { who: signedIn }, async (request) => {
    await markAllNoticesRead(ctxOf(request));
    return "/inbox?notice=all-read";
  });

  formPage(app, EMAIL_CHOICES_PATH, {
    who: signedIn,
    template: EMAIL_CHOICES,
    context: async (request) => ({
      ...(await emailChoicesOf(ctxOf(request))),
      emailConfigured: request.server.deps.mailer !== undefined,
      banner: noticeIn(request),
    }),
    values: (_request, { topics }) => ({
      emailed: topics.flatMap((t) => t.choices.filter((c) => c.emailed).map((c) => c.kind as string)),
    }),
    read: (body) => ({ emailed: fieldList(body, "emailed") }),
    submit: async (request, { emailed }) => {
      await chooseEmail(ctxOf(request), emailed);
      return `${EMAIL_CHOICES_PATH}?notice=choices-saved`;
    },
    fieldOf: () => "emailed",
  });
}
