/**
 * A tender's awards, withdrawn ones too, found from an index on the tender: the award notice and
 * the OCDS releases read them by tender (a page of tenders at a time when the releases of data
 * written in bulk are published). Only the live award had one (`tender_awards_one_live`); a
 * withdrawn one was found by reading every award of the authority.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tender_awards_by_tender on tender_awards (authority_id, tender_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tender_awards_by_tender`.execute(db);
}
