/** SQL for the inbox. The only place that touches `notifications`. */
import type { Db, Trx } from "../../db/database.ts";
import type { EmailStatus, NewNotification, Notification } from "./notifications.table.ts";

export function insertNotification(trx: Trx, notification: NewNotification): Promise<Notification> {
  return trx.insertInto("notifications").values(notification).returningAll().executeTakeFirstOrThrow();
}

export type NotificationForEmail = Notification & { email: string };

/** The notification with its recipient's address, for sending; undefined if it (or the user) is gone. */
export function findForEmail(db: Db, id: string): Promise<NotificationForEmail | undefined> {
  return db
    .selectFrom("notifications as n")
    .innerJoin("users as u", "u.id", "n.user_id")
    .selectAll("n")
    .select("u.email")
    .where("n.id", "=", id)
    .executeTakeFirst();
}

export async function setEmailStatus(db: Db, id: string, status: EmailStatus): Promise<void> {
  await db.updateTable("notifications").set({ email_status: status }).where("id", "=", id).execute();
}

/** One page of a user's inbox, newest first. */
export function listForUser(db: Db, userId: string, limit: number, offset: number): Promise<Notification[]> {
  return db
    .selectFrom("notifications")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countForUser(db: Db, userId: string, unreadOnly: boolean): Promise<number> {
  let query = db
    .selectFrom("notifications")
    .select((eb) => eb.fn.countAll<bigint>().as("count"))
    .where("user_id", "=", userId);
  if (unreadOnly) query = query.where("read_at", "is", null);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks the user's own notification read, if it is unread; undefined if nothing changed. */
export function markRead(
  trx: Trx,
  userId: string,
  id: string,
  readAt: Date,
): Promise<Notification | undefined> {
  return trx
    .updateTable("notifications")
    .set({ read_at: readAt })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

export function findForUser(db: Db, userId: string, id: string): Promise<Notification | undefined> {
  return db
    .selectFrom("notifications")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}
