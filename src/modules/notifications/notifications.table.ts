import type { Insertable, Selectable } from "kysely";

export type EmailStatus = "not-sent" | "queued" | "sent" | "failed";

export interface NotificationsTable {
  id: string;
  user_id: string;
  /** The authority (or other public body) the notice is from or about; its audit chain. */
  authority_id: string | null;
  /** The organisation the recipient was told for, when they were told as one of its people. */
  organisation_id: string | null;
  kind: string;
  subject: string;
  body: string;
  /** A path on this site: what the notice is about. */
  link: string;
  email_status: EmailStatus;
  created_at: Date;
  read_at: Date | null;
}

/** A kind of notice the person wants in their inbox only, not by email too. */
export interface NotificationEmailOptOutsTable {
  user_id: string;
  kind: string;
}

export type Notification = Selectable<NotificationsTable>;
export type NewNotification = Insertable<NotificationsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    notifications: NotificationsTable;
    notification_email_opt_outs: NotificationEmailOptOutsTable;
  }
}
