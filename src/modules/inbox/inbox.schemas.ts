/** The inbox API's request and response schemas (TypeBox). */
import { Type } from "typebox";
import { Instant, Nullable, Uuid } from "../../http/schemas.ts";
import { INBOX_PAGE_SIZE } from "../notifications/notifications.service.ts";

export const NoticeParams = Type.Object({ id: Uuid });

export const InboxQuery = Type.Object({
  page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100_000,
      description: "The page, from 1; a page past the end is empty",
    }),
  ),
});

const NamedBody = Type.Object({ id: Uuid, name: Type.String() });

export const NoticeResponse = Type.Object(
  {
    id: Uuid,
    kind: Type.String({ description: 'What it is about, like "tender.amended" (docs/notifications.md)' }),
    subject: Type.String(),
    body: Type.String({ description: "Plain text" }),
    link: Type.String({
      description: "What it is about: a path on this site, like /authorities/…/tenders/…",
    }),
    createdAt: Instant,
    readAt: Nullable(Instant),
    authority: Nullable(NamedBody),
    organisation: Nullable(NamedBody),
  },
  { description: "A notice in your inbox" },
);

export const InboxResponse = Type.Object({
  notices: Type.Array(NoticeResponse),
  page: Type.Integer(),
  pageSize: Type.Integer({ description: `${INBOX_PAGE_SIZE} notices a page` }),
  total: Type.Integer(),
  totalPages: Type.Integer(),
  unread: Type.Integer({ description: "How many of all your notices are unread" }),
});

export const MarkedAllResponse = Type.Object({
  marked: Type.Integer({ description: "How many notices were unread, and are now read" }),
});
