/**
 * Progress reports (issue 16, item 7): the indexes that count what happened in a period — tenders
 * published, consultations opened and "you said, we did" published, Right to Challenge expressions
 * of interest submitted — each an index range scan over the period's rows, for one authority or for
 * every one (consultations closed use `consultations_closes_at`).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tenders_published_at on tenders (published_at) where published_at is not null`.execute(
    db,
  );
  await sql`create index consultations_published_at on consultations (published_at) where published_at is not null`.execute(
    db,
  );
  await sql`create index consultations_summary_published_at on consultations (summary_published_at) where summary_published_at is not null`.execute(
    db,
  );
  await sql`create index challenges_submitted_at on challenges (submitted_at) where submitted_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists challenges_submitted_at`.execute(db);
  await sql`drop index if exists consultations_summary_published_at`.execute(db);
  await sql`drop index if exists consultations_published_at`.execute(db);
  await sql`drop index if exists tenders_published_at`.execute(db);
}
