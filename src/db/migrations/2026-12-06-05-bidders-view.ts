/**
 * Bidders' own view (issue 14): a bidder's copy of exactly what it submitted, for it to download from
 * the confirmation page. The copy is encrypted (AES-256-GCM, padded as sealed bids are) under a
 * random key the server does not keep — it lives only in the bidder's browser, in a cookie — so the
 * database and its backups can read no more of a bid than before. A copy lasts until `expires_at`,
 * and all of a tender's copies are removed when its bids are opened.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table bid_copies (
      authority_id uuid not null,
      bid_id uuid not null,
      tender_id uuid not null,
      locked text not null,
      expires_at timestamptz not null,
      primary key (authority_id, bid_id),
      foreign key (authority_id, bid_id) references bids (authority_id, id)
    )`.execute(db);
  await sql`create index bid_copies_tender on bid_copies (authority_id, tender_id, expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table bid_copies`.execute(db);
}
