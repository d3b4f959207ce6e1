/**
 * Master key rotation at national scale (issue 15): the tenders' keys by the master key they are
 * wrapped under, so the rewrap after a rotation reads each previous key's tenders a page at a time by
 * key, and finds in one index lookup that there is nothing to do (src/modules/tenders/keys.service.ts).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tender_keys_master_key on tender_keys (master_key_id, authority_id, tender_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tender_keys_master_key`.execute(db);
}
