/**
 * Integrity indicators (issue 16): the flags raised on each contracting process (and on an
 * authority's accepted Right to Challenge expressions of interest), each authority's counts of them
 * kept in the same transaction, and each authority's awards by market (CPV code) and financial
 * year, from which one supplier's share is worked out without reading anything else.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table integrity_flags (
      authority_id uuid not null references authorities (id),
      ocid text not null check (char_length(ocid) between 1 and 250),
      code text not null check (code in ('single-bid', 'fewer-than-three-bids', 'short-submission-period',
        'late-amendment', 'award-above-estimate', 'supplier-concentration', 'right-to-challenge-unprocured')),
      -- When it was first raised (for the Right to Challenge: when the window is missed, maybe ahead).
      raised_at timestamptz not null,
      -- The values it was raised on: why.
      reason jsonb not null,
      title text not null,
      url text not null,
      tender_id text,
      primary key (authority_id, ocid, code)
    )`.execute(db);
  // An authority's flags newest first (each index read backwards), all or of one indicator (its page, its API); a process's
  // (the API by ocid); a tender's (its page's panel); the Right to Challenge's across authorities.
  await sql`create index integrity_flags_newest on integrity_flags (authority_id, raised_at, ocid, code)`.execute(
    db,
  );
  await sql`create index integrity_flags_by_code on integrity_flags (authority_id, code, raised_at, ocid)`.execute(
    db,
  );
  await sql`create index integrity_flags_by_ocid on integrity_flags (ocid)`.execute(db);
  await sql`create index integrity_flags_by_tender on integrity_flags (authority_id, tender_id) where tender_id is not null`.execute(
    db,
  );
  await sql`create index integrity_flags_unprocured on integrity_flags (raised_at, authority_id) where code = 'right-to-challenge-unprocured'`.execute(
    db,
  );
  await sql`
    create table integrity_counts (
      authority_id uuid not null references authorities (id),
      code text not null,
      flags bigint not null default 0 check (flags >= 0),
      -- Of those flags, how many are on a process with an award, and how many of those were justified
      -- (fewer than three bids: the award's published justification).
      awarded bigint not null default 0 check (awarded >= 0),
      justified bigint not null default 0 check (justified >= 0),
      primary key (authority_id, code)
    )`.execute(db);
  await sql`
    create table integrity_market_awards (
      authority_id uuid not null references authorities (id),
      ocid text not null check (char_length(ocid) between 1 and 250),
      award_id text not null,
      cpv text not null,
      cpv_description text not null,
      financial_year integer not null,
      supplier_id text not null,
      supplier_name text not null,
      value_pence bigint not null check (value_pence >= 0),
      awarded_at timestamptz not null,
      title text not null,
      url text not null,
      tender_id text,
      primary key (authority_id, ocid, award_id)
    )`.execute(db);
  await sql`create index integrity_market_awards_market on integrity_market_awards (authority_id, cpv, financial_year)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists integrity_market_awards`.execute(db);
  await sql`drop table if exists integrity_counts`.execute(db);
  await sql`drop table if exists integrity_flags`.execute(db);
}
