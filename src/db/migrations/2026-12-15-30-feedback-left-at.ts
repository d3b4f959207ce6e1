/**
 * When a review was last left (`left_at`), apart from when anyone last changed it (`updated_at`, which
 * a moderator's decision moves): its 7 years of keeping run from `left_at`. Filled from each review's
 * latest version the person left (else when it was made). The retention sweep reads the reviews left
 * before the cut-off by an index, oldest first. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table feedback_reviews add column left_at timestamptz`.execute(db);
  await sql`update feedback_reviews r set left_at = coalesce(
      (select max(v.at) from feedback_versions v where v.review_id = r.id and v.kind = 'review'),
      r.created_at)`.execute(db);
  await sql`alter table feedback_reviews alter column left_at set not null`.execute(db);
  await sql`create index feedback_reviews_left on feedback_reviews (left_at, id)`.execute(db);
}
