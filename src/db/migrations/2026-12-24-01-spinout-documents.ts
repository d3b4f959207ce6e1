/**
 * Documents of the spin-out path (issue 20, item 1: "each stage has its checklist, documents, owner
 * and dates"): `spinout_documents`, each uploaded by the team to the stage the proposal was at, its
 * bytes in the file store (`file_key`, by SHA-256), its type found from its content.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table spinout_documents (
      authority_id uuid not null,
      id uuid not null,
      proposal_id uuid not null,
      stage text not null check (stage in ('idea', 'business-case', 'parent-body-approval',
        'staff-engagement', 'tupe-pensions', 'legal-form', 'first-contract', 'trading')),
      file_key text not null,
      filename text not null,
      media_type text not null,
      size_bytes integer not null check (size_bytes >= 0),
      sha256 text not null,
      uploaded_by uuid references users (id) on delete set null,
      uploaded_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, proposal_id) references spinout_proposals (authority_id, id)
    )`.execute(db);
  await sql`create index spinout_documents_proposal
    on spinout_documents (authority_id, proposal_id, uploaded_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists spinout_documents`.execute(db);
}
