/**
 * The inbox (issue 14): every notice links to what it is about (`link` required; the few made
 * without one link to the account page), may name the organisation its recipient was told for,
 * and is counted unread quickly for the page header. Each person may turn off the email of kinds of
 * notice (`notification_email_opt_outs`: a row is a kind they want in the inbox only; none, the
 * default, is every kind by email too). Regulation's notices become one kind per subject, the
 * enforcement action or new status in their text. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update notifications set link = '/account' where link is null`.execute(db);
  await sql`
    update notifications set kind = 'regulation.enforcement'
    where kind like 'regulation.enforcement.%'`.execute(db);
  await sql`
    update notifications set kind = 'regulation.registration-changed'
    where kind like 'regulation.registration.%'`.execute(db);
  await sql`
    alter table notifications
      alter column link set not null,
      add column organisation_id uuid`.execute(db);
  await sql`drop index notifications_inbox`.execute(db);
  await sql`create index notifications_inbox on notifications (user_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index notifications_unread on notifications (user_id) where read_at is null`.execute(db);

  await sql`
    create table notification_email_opt_outs (
      user_id uuid not null references users (id) on delete cascade,
      kind text not null,
      primary key (user_id, kind)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table notification_email_opt_outs`.execute(db);
  await sql`drop index notifications_unread`.execute(db);
  await sql`drop index notifications_inbox`.execute(db);
  await sql`create index notifications_inbox on notifications (user_id, created_at desc)`.execute(db);
  await sql`
    alter table notifications
      drop column organisation_id,
      alter column link drop not null`.execute(db);
}
