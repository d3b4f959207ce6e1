/**
 * Issue 17, item 8, finished: a provider's reply records the version of the review it answered
 * (`reply_to_version`), so that a person's new review keeps the earlier reply, shown as a reply to an
 * earlier version until the provider replies again; a version of a review whose personal data a
 * moderator removed is redacted (`redacted_at`, its text replaced); the moderators' list of published
 * reviews, newest first across every provider, reads an index. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table feedback_reviews add column reply_to_version integer`.execute(db);
  // Until now a new review dropped the reply: every reply kept answers the version now current.
  await sql`update feedback_reviews set reply_to_version = version where reply is not null`.execute(db);
  await sql`alter table feedback_versions add column redacted_at timestamptz`.execute(db);
  await sql`create index feedback_reviews_recent on feedback_reviews (published_at desc, id desc)
    where state = 'published'`.execute(db);
}
