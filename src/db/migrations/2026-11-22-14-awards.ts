/**
 * Award decisions and standstill challenges (issue 6): a tender's award to its best-value bid, with
 * what the contract is entered from (the supplier, its consortium and the value, copied from the
 * opened bid) and the standstill end; challenges lodged during standstill suspend it. Frozen: never
 * import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tender_awards (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      bid_id uuid not null,
      organisation_id uuid not null references organisations (id),
      supplier_name text not null check (char_length(supplier_name) between 1 and 300),
      lead_share_bp integer not null check (lead_share_bp between 1 and 10000),
      consortium jsonb not null default '[]'::jsonb,
      value_pence bigint not null check (value_pence >= 0),
      regulated_activity text references regulated_activities (code),
      three_bid_justification text,
      status text not null check (status in ('awarded', 'suspended', 'contracted', 'withdrawn')),
      decided_by uuid not null references users (id),
      decided_at timestamptz not null,
      notice_published_at timestamptz not null,
      standstill_ends_at timestamptz not null,
      contract_id uuid,
      withdrawn_at timestamptz,
      withdrawn_reason text,
      primary key (authority_id, id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      foreign key (authority_id, bid_id) references bids (authority_id, id),
      check (standstill_ends_at > notice_published_at),
      check ((status = 'contracted') = (contract_id is not null)),
      check ((status = 'withdrawn') = (withdrawn_at is not null))
    )`.execute(db);
  // One live award a tender (a withdrawn one may be followed by another after re-evaluation).
  await sql`
    create unique index tender_awards_one_live on tender_awards (authority_id, tender_id)
    where status <> 'withdrawn'`.execute(db);

  await sql`
    create table award_challenges (
      authority_id uuid not null,
      id uuid not null,
      award_id uuid not null,
      tender_id uuid not null,
      organisation_id uuid not null references organisations (id),
      lodged_by uuid not null references users (id),
      lodged_at timestamptz not null,
      grounds text not null check (char_length(grounds) between 1 and 10000),
      outcome text check (outcome in ('dismissed', 'upheld-reevaluate', 'upheld-cancel')),
      outcome_reason text,
      decided_by uuid references users (id),
      decided_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, award_id) references tender_awards (authority_id, id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check ((outcome is null) = (decided_at is null)),
      check ((outcome is null) = (outcome_reason is null))
    )`.execute(db);
  await sql`create index award_challenges_by_award on award_challenges (authority_id, award_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists award_challenges`.execute(db);
  await sql`drop table if exists tender_awards`.execute(db);
}
