/**
 * Bids' documents sealed into the file store as they stream (security finding 6: files are never
 * held whole in memory): a document is kept by the file store's key of its sealed bytes
 * (`sealed_file`). Documents sealed before keep their sealed text (`sealed`); each row has one.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table bid_documents
      add column sealed_file text,
      alter column sealed drop not null,
      add constraint bid_documents_sealed_once check ((sealed is null) <> (sealed_file is null))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table bid_documents
      drop constraint bid_documents_sealed_once,
      drop column sealed_file`.execute(db);
}
