/**
 * Barriers to entry, second part (docs/barriers.md): the documents a barrier is evidenced with, and
 * what the authority has been told of its clock. `barrier_evidence` holds each document the logger
 * uploads (kept in the file store by its SHA-256: the name given, the type found from its content,
 * its size), whether the logger lets the public download it, who uploaded it and when. On
 * `barriers`, `reminded_on` and `overdue_told_on` are the London days the daily sweep told the
 * authority's people that the answer's last day nears and that it has passed: each told once.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table barrier_evidence (
      authority_id uuid not null,
      id uuid not null,
      barrier_id uuid not null,
      filename text not null check (char_length(filename) between 1 and 255),
      media_type text not null check (char_length(media_type) between 1 and 200),
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      file_key text not null check (char_length(file_key) = 65),
      -- The logger lets the public download it (otherwise: the logger's organisation and the authority's people).
      public boolean not null,
      uploaded_by uuid references users (id) on delete set null,
      uploaded_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, barrier_id) references barriers (authority_id, id)
    )`.execute(db);
  await sql`create index barrier_evidence_of_barrier on barrier_evidence (authority_id, barrier_id, uploaded_at)`.execute(
    db,
  );
  await sql`alter table barriers add column reminded_on date, add column overdue_told_on date`.execute(db);
  // The daily sweep reads the barriers still waiting for an answer in substance, by their last day.
  await sql`create index barriers_waiting on barriers (answer_due_on) where first_answered_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists barriers_waiting`.execute(db);
  await sql`alter table barriers drop column if exists overdue_told_on, drop column if exists reminded_on`.execute(
    db,
  );
  await sql`drop table if exists barrier_evidence`.execute(db);
}
