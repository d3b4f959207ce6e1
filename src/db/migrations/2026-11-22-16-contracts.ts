/**
 * Contracts (issue 6, items 8–11): the contract entered from an award after standstill (supplier and
 * consortium, value, dates, payment mechanism, documents, KPIs with targets), the supplier's KPI
 * reports per period, the commissioner's ratings, amendments and termination. The contract details
 * notice is published at entry: what is published never changes — KPIs, documents, reports,
 * ratings and amendments are append-only; a contract changes only its current terms (by an
 * amendment, recorded first) and, once, its termination (triggers). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table contracts (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      award_id uuid not null,
      tender_id uuid not null,
      organisation_id uuid not null references organisations (id),
      supplier_name text not null check (char_length(supplier_name) between 1 and 300),
      lead_share_bp integer not null check (lead_share_bp between 1 and 10000),
      consortium jsonb not null default '[]'::jsonb,
      title text not null check (char_length(title) between 1 and 200),
      description text not null check (char_length(description) <= 10000),
      regulated_activity text references regulated_activities (code),
      payment_mechanism text not null
        check (payment_mechanism in ('fixed', 'fee-per-service', 'payment-by-results')),
      original_value_pence bigint not null check (original_value_pence >= 0),
      original_starts_on date not null,
      original_ends_on date not null,
      value_pence bigint not null check (value_pence >= 0),
      starts_on date not null,
      ends_on date not null,
      scope text not null default '' check (char_length(scope) <= 10000),
      amendment_count integer not null default 0 check (amendment_count >= 0),
      entered_by uuid not null references users (id),
      entered_at timestamptz not null,
      terminated_on date,
      termination_reason text check (char_length(termination_reason) between 1 and 5000),
      terminated_by uuid references users (id),
      terminated_at timestamptz,
      primary key (authority_id, id),
      unique (authority_id, award_id),
      foreign key (authority_id, award_id) references tender_awards (authority_id, id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check (ends_on > starts_on),
      check (original_ends_on > original_starts_on),
      check (
        (terminated_on is null) = (termination_reason is null)
        and (terminated_on is null) = (terminated_at is null)
        and (terminated_on is null) = (terminated_by is null)
      )
    )`.execute(db);
  await sql`create index contracts_by_organisation on contracts (organisation_id)`.execute(db);
  await sql`create index contracts_by_end on contracts (ends_on)`.execute(db);

  await sql`
    create table contract_kpis (
      authority_id uuid not null,
      contract_id uuid not null,
      position integer not null check (position between 1 and 50),
      name text not null check (char_length(name) between 1 and 200),
      measure text not null check (char_length(measure) between 1 and 2000),
      target text not null check (char_length(target) between 1 and 500),
      frequency_months integer not null check (frequency_months in (1, 3, 6, 12)),
      primary key (authority_id, contract_id, position),
      foreign key (authority_id, contract_id) references contracts (authority_id, id)
    )`.execute(db);

  await sql`
    create table contract_documents (
      authority_id uuid not null,
      contract_id uuid not null,
      position integer not null check (position >= 1),
      title text not null check (char_length(title) between 1 and 200),
      filename text not null,
      media_type text not null,
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      file_key text not null,
      uploaded_at timestamptz not null,
      primary key (authority_id, contract_id, position),
      foreign key (authority_id, contract_id) references contracts (authority_id, id)
    )`.execute(db);

  await sql`
    create table kpi_reports (
      authority_id uuid not null,
      contract_id uuid not null,
      kpi_position integer not null,
      period_number integer not null check (period_number >= 1),
      period_starts_on date not null,
      period_ends_on date not null,
      value text not null check (char_length(value) between 1 and 200),
      commentary text not null check (char_length(commentary) <= 5000),
      reported_by uuid not null references users (id),
      reported_at timestamptz not null,
      primary key (authority_id, contract_id, kpi_position, period_number),
      foreign key (authority_id, contract_id, kpi_position)
        references contract_kpis (authority_id, contract_id, position),
      check (period_ends_on >= period_starts_on)
    )`.execute(db);

  await sql`
    create table kpi_ratings (
      authority_id uuid not null,
      contract_id uuid not null,
      kpi_position integer not null,
      period_number integer not null,
      rating text not null
        check (rating in ('good', 'approaching-target', 'requires-improvement', 'inadequate')),
      comment text not null check (char_length(comment) between 1 and 5000),
      rated_by uuid not null references users (id),
      rated_at timestamptz not null,
      primary key (authority_id, contract_id, kpi_position, period_number),
      foreign key (authority_id, contract_id, kpi_position, period_number)
        references kpi_reports (authority_id, contract_id, kpi_position, period_number)
    )`.execute(db);
  await sql`create index kpi_ratings_by_contract on kpi_ratings (authority_id, contract_id, rated_at)`.execute(
    db,
  );

  await sql`
    create table contract_amendments (
      authority_id uuid not null,
      contract_id uuid not null,
      number integer not null check (number >= 1),
      reason text not null check (char_length(reason) between 1 and 5000),
      value_before_pence bigint,
      value_after_pence bigint check (value_after_pence >= 0),
      starts_on_before date,
      starts_on_after date,
      ends_on_before date,
      ends_on_after date,
      scope_before text,
      scope_after text check (char_length(scope_after) <= 10000),
      amended_by uuid not null references users (id),
      amended_at timestamptz not null,
      primary key (authority_id, contract_id, number),
      foreign key (authority_id, contract_id) references contracts (authority_id, id),
      check ((value_before_pence is null) = (value_after_pence is null)),
      check ((starts_on_before is null) = (starts_on_after is null)),
      check ((ends_on_before is null) = (ends_on_after is null)),
      check ((scope_before is null) = (scope_after is null)),
      check (value_after_pence is not null or starts_on_after is not null or ends_on_after is not null
        or scope_after is not null)
    )`.execute(db);

  // Published records never change.
  await sql`
    create function contract_records_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'Published contract records cannot be changed or deleted (%)', tg_table_name;
    end $$`.execute(db);
  for (const table of [
    "contract_kpis",
    "contract_documents",
    "kpi_reports",
    "kpi_ratings",
    "contract_amendments",
  ])
    await sql`
      create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.raw(table)}
      for each row execute function contract_records_append_only()`.execute(db);

  // A contract changes only its current terms, each change recorded as the next amendment first,
  // and its termination, once.
  await sql`
    create function contracts_published() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'A published contract cannot be deleted';
      end if;
      if old.terminated_at is not null then
        raise exception 'A terminated contract cannot be changed';
      end if;
      if (new.authority_id, new.id, new.award_id, new.tender_id, new.organisation_id, new.supplier_name,
          new.lead_share_bp, new.consortium, new.title, new.description, new.regulated_activity,
          new.payment_mechanism, new.original_value_pence, new.original_starts_on, new.original_ends_on,
          new.entered_by, new.entered_at)
         is distinct from
         (old.authority_id, old.id, old.award_id, old.tender_id, old.organisation_id, old.supplier_name,
          old.lead_share_bp, old.consortium, old.title, old.description, old.regulated_activity,
          old.payment_mechanism, old.original_value_pence, old.original_starts_on, old.original_ends_on,
          old.entered_by, old.entered_at) then
        raise exception 'The published contract details notice cannot be changed: record an amendment';
      end if;
      if (new.value_pence, new.starts_on, new.ends_on, new.scope)
         is distinct from (old.value_pence, old.starts_on, old.ends_on, old.scope) then
        if new.amendment_count <> old.amendment_count + 1 or not exists (
          select 1 from contract_amendments a
          where a.authority_id = new.authority_id and a.contract_id = new.id and a.number = new.amendment_count
        ) then
          raise exception 'A contract''s terms change only by a recorded amendment';
        end if;
      elsif new.amendment_count <> old.amendment_count then
        raise exception 'A contract''s terms change only by a recorded amendment';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger contracts_published before update or delete on contracts
    for each row execute function contracts_published()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists contract_amendments`.execute(db);
  await sql`drop table if exists kpi_ratings`.execute(db);
  await sql`drop table if exists kpi_reports`.execute(db);
  await sql`drop table if exists contract_documents`.execute(db);
  await sql`drop table if exists contract_kpis`.execute(db);
  await sql`drop table if exists contracts`.execute(db);
  await sql`drop function if exists contracts_published()`.execute(db);
  await sql`drop function if exists contract_records_append_only()`.execute(db);
}
