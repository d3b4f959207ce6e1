/**
 * The area figures of choice (issue 17, item 9; docs/consumer-champions.md): "choice not available"
 * records of the people in an area by the month recorded, and the published reviews of the people
 * in an area by the month of their service — each counted from an index narrowed to the area and
 * the last 12 months, answered from the index alone. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index choice_unavailable_by_area on choice_unavailable (area_code, recorded_on)
    include (due_on, answered_on)`.execute(db);
  await sql`create index feedback_reviews_by_area on feedback_reviews (area_code, service_month)
    include (stars) where state = 'published'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists feedback_reviews_by_area`.execute(db);
  await sql`drop index if exists choice_unavailable_by_area`.execute(db);
}
