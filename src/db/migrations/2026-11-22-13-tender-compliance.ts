/**
 * The compliance check of opened bids and the start of evaluation (issue 5, item 7): the register
 * of contracts each authority has reserved to public service mutuals (Procurement Act 2023, s.33,
 * for its 3-year comparable-contract bar), a compliance decision per bid with a decision per
 * condition of participation, and the record of evaluation starting (with the three-bid rule's
 * justification). Decisions cannot change once evaluation has started (trigger). Frozen: never
 * import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table reserved_contract_awards (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      organisation_id uuid not null references organisations (id),
      category_code text not null references service_categories (code),
      awarded_on date not null,
      title text not null check (char_length(title) between 1 and 200),
      reference text not null check (char_length(reference) <= 100),
      source text not null check (source in ('recorded', 'tender')),
      tender_id uuid,
      recorded_by uuid references users (id),
      recorded_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check ((source = 'tender') = (tender_id is not null))
    )`.execute(db);
  await sql`
    create index reserved_contract_awards_comparable
    on reserved_contract_awards (authority_id, organisation_id, category_code, awarded_on)`.execute(db);
  await sql`
    create unique index reserved_contract_awards_one_per_tender
    on reserved_contract_awards (authority_id, tender_id, organisation_id) where tender_id is not null`.execute(
    db,
  );

  await sql`
    create table compliance_decisions (
      authority_id uuid not null,
      tender_id uuid not null,
      bid_id uuid not null,
      outcome text not null check (outcome in ('compliant', 'excluded')),
      reason text not null check (char_length(reason) <= 5000),
      automatic_reasons text[] not null,
      reserved_checked_on date,
      qualifying_mutual boolean,
      bar_award_id uuid,
      automatic boolean not null,
      decided_by uuid references users (id),
      decided_at timestamptz not null,
      primary key (authority_id, bid_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      foreign key (authority_id, bid_id) references bids (authority_id, id),
      foreign key (authority_id, bar_award_id) references reserved_contract_awards (authority_id, id),
      check (automatic = (decided_by is null)),
      check ((reserved_checked_on is null) = (qualifying_mutual is null)),
      check (bar_award_id is null or reserved_checked_on is not null),
      check (
        outcome = 'excluded'
        or (cardinality(automatic_reasons) = 0 and bar_award_id is null and qualifying_mutual is not false)
      )
    )`.execute(db);
  await sql`create index compliance_decisions_by_tender on compliance_decisions (authority_id, tender_id)`.execute(
    db,
  );

  await sql`
    create table compliance_conditions (
      authority_id uuid not null,
      tender_id uuid not null,
      bid_id uuid not null,
      position integer not null check (position >= 1),
      met boolean not null,
      reason text not null check (char_length(reason) <= 2000),
      primary key (authority_id, bid_id, position),
      foreign key (authority_id, bid_id) references compliance_decisions (authority_id, bid_id) on delete cascade,
      check (met or char_length(reason) > 0)
    )`.execute(db);

  await sql`
    create table tender_evaluations (
      authority_id uuid not null,
      tender_id uuid not null,
      started_by uuid not null references users (id),
      started_at timestamptz not null,
      bids_count integer not null check (bids_count >= 0),
      compliant_count integer not null check (compliant_count between 0 and bids_count),
      justification text check (char_length(justification) between 1 and 5000),
      publish_with_award boolean not null,
      primary key (authority_id, tender_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check (publish_with_award = (justification is not null))
    )`.execute(db);

  // Once evaluation has started, the compliance check is fixed.
  await sql`
    create function compliance_fixed_after_start() returns trigger language plpgsql as $$
    declare
      row_authority uuid;
      row_tender uuid;
    begin
      if tg_op = 'INSERT' then
        row_authority := new.authority_id;
        row_tender := new.tender_id;
      else
        row_authority := old.authority_id;
        row_tender := old.tender_id;
      end if;
      if exists (
        select 1 from tender_evaluations e
        where e.authority_id = row_authority and e.tender_id = row_tender
      ) then
        raise exception 'The compliance check is fixed once evaluation has started';
      end if;
      if tg_op = 'DELETE' then
        return old;
      end if;
      return new;
    end $$`.execute(db);
  for (const table of ["compliance_decisions", "compliance_conditions"])
    await sql`
      create trigger ${sql.raw(`${table}_fixed`)} before insert or update or delete on ${sql.raw(table)}
      for each row execute function compliance_fixed_after_start()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists tender_evaluations`.execute(db);
  await sql`drop table if exists compliance_conditions`.execute(db);
  await sql`drop table if exists compliance_decisions`.execute(db);
  await sql`drop function if exists compliance_fixed_after_start()`.execute(db);
  await sql`drop table if exists reserved_contract_awards`.execute(db);
}
