import type { Insertable, Selectable } from "kysely";

export type EmailStatus = "not-sent" | "queued" | "sent" | "failed";

export interface NotificationsTable {
  id: string;
  user_id: string;
  authority_id: string | null;
  kind: string;
  subject: string;
  body: string;
  link: string | null;
  email_status: EmailStatus;
  created_at: Date;
  read_at: Date | null;
}

export type Notification = Selectable<NotificationsTable>;
export type NewNotification = Insertable<NotificationsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    notifications: NotificationsTable;
  }
}
