/**
 * The inbox's API, and its pages (inbox.pages.ts: /inbox, /inbox/:id, /inbox/mark-all-read,
 * /account/email-notices). The API: GET /api/v1/inbox (a page of your notices, newest first),
 * GET /api/v1/inbox/:id (one, as it is), POST /api/v1/inbox/:id/read (mark it read) and
 * POST /api/v1/inbox/read-all. Only your own notices: anyone else's is not found (404).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { inboxPages } from "./inbox.pages.ts";
import {
  InboxQuery,
  InboxResponse,
  MarkedAllResponse,
  NoticeParams,
  NoticeResponse,
} from "./inbox.schemas.ts";
import {
  INBOX_READ,
  INBOX_WRITE,
  inboxOf,
  markAllNoticesRead,
  type Notice,
  noticeOf,
  openNotice,
} from "./inbox.service.ts";

const tags: ["inbox"] = ["inbox"];

function noticeResponse(notice: Notice) {
  return {
    ...notice,
    createdAt: notice.createdAt.toISOString(),
    readAt: notice.readAt ? notice.readAt.toISOString() : null,
  };
}

export async function inboxRoutes(app: FastifyInstance): Promise<void> {
  inboxPages(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/inbox",
    api(
      { who: signedIn, scope: INBOX_READ },
      {
        operationId: "listInbox",
        tags,
        summary: "Your inbox: your notices, newest first",
        description:
          "A page of the notices sent to you (answers to questions, amendments, assessment summaries, decisions, …), newest first, with how many of all of them are unread. Each links to what it is about. Reading them does not mark them read.",
        querystring: InboxQuery,
        response: { 200: InboxResponse },
      },
    ),
    async (request) => {
      const view = await inboxOf(ctxOf(request), request.query.page);
      return { ...view, notices: view.notices.map(noticeResponse) };
    },
  );

  json.get(
    "/api/v1/inbox/:id",
    api(
      { who: signedIn, scope: INBOX_READ },
      {
        operationId: "getNotice",
        tags,
        summary: "One of your notices",
        description: "As it is: reading it does not mark it read. Anyone else's notice is not found (404).",
        params: NoticeParams,
        response: { 200: NoticeResponse },
      },
    ),
    async (request) => noticeResponse(await noticeOf(ctxOf(request), request.params.id)),
  );

  json.post(
    "/api/v1/inbox/:id/read",
    api(
      { who: signedIn, scope: INBOX_WRITE },
      {
        operationId: "markNoticeRead",
        tags,
        summary: "Mark one of your notices read",
        description:
          "A notice already read keeps the time it was first read. Anyone else's notice is not found (404).",
        params: NoticeParams,
        body: "none",
        response: { 200: NoticeResponse },
      },
    ),
    async (request) => noticeResponse(await openNotice(ctxOf(request), request.params.id)),
  );

  json.post(
    "/api/v1/inbox/read-all",
    api(
      { who: signedIn, scope: INBOX_WRITE },
      {
        operationId: "markAllNoticesRead",
        tags,
        summary: "Mark all your notices read",
        body: "none",
        response: { 200: MarkedAllResponse },
      },
    ),
    async (request) => ({ marked: await markAllNoticesRead(ctxOf(request)) }),
  );
}
