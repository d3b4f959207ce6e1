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

/** Marks every unread notification of the user read; how many were. */
export async function markAllRead(trx: Trx, userId: string, readAt: Date): Promise<number> {
  const result = await trx
    .updateTable("notifications")
    .set({ read_at: readAt })
    .where("user_id", "=", userId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Whether the user keeps this kind of notice to their inbox. */
export async function emailTurnedOff(trx: Trx, userId: string, kind: string): Promise<boolean> {
  const row = await trx
    .selectFrom("notification_email_opt_outs")
    .select("kind")
    .where("user_id", "=", userId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row !== undefined;
}

/** The kinds of notice the user keeps to their inbox. */
export async function emailOptOuts(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("notification_email_opt_outs")
    .select("kind")
    .where("user_id", "=", userId)
    .execute();
  return rows.map((r) => r.kind);
}

/** Replaces the kinds of notice the user keeps to their inbox. */
export async function setEmailOptOuts(trx: Trx, userId: string, kinds: readonly string[]): Promise<void> {
  await trx.deleteFrom("notification_email_opt_outs").where("user_id", "=", userId).execute();
  if (kinds.length > 0)
    await trx
      .insertInto("notification_email_opt_outs")
      .values(kinds.map((kind) => ({ user_id: userId, kind })))
      .execute();
}

/**
 * The notices these accounts were sent from an authority about a page under a path (a person's:
 * `/care/people/{id}`), newest first, at most `limit`: a person's download of what is held about them.
 */
export function noticesAbout(
  db: Db,
  userIds: readonly string[],
  authorityId: string,
  linkPrefix: string,
  limit: number,
): Promise<Notification[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("notifications")
    .selectAll()
    .where("user_id", "in", userIds)
    .where("authority_id", "=", authorityId)
    .where((eb) => eb.or([eb("link", "=", linkPrefix), eb("link", "like", `${linkPrefix}/%`)]))
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}
