/**
 * Contracts' rules and missing steps (issue 14, items 8–9):
 * - a contract keeps the value awarded (`award_value_pence`, from the award; the £5m / 3-KPI rule
 *   applies to the greater of it and the contract's value) and the reason its value is below it
 *   (`value_reason`): both part of the published notice, never changed;
 * - KPIs can be added by an amendment: an amendment counts the KPIs it adds (`kpis_added`, and an
 *   amendment that only adds KPIs is allowed), a KPI says which amendment added it
 *   (`added_by_amendment`) and from when it is reported (`reports_from`: null, from the contract's
 *   start); the contract's amendment number moves on with such an amendment;
 * - a KPI report can be corrected by its reporter until it is rated (`corrected_by`,
 *   `corrected_at`): only its result and commentary, never once rated, never deleted.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table contracts
      add column award_value_pence bigint check (award_value_pence >= 0),
      add column value_reason text not null default '' check (char_length(value_reason) <= 5000)`.execute(db);
  // The value awarded of the contracts entered before: their award's (the published notice's trigger
  // is replaced below, so this is written before it knows the new columns).
  await sql`alter table contracts disable trigger contracts_published`.execute(db);
  await sql`
    update contracts c set award_value_pence = a.value_pence
    from tender_awards a where a.authority_id = c.authority_id and a.id = c.award_id`.execute(db);
  await sql`update contracts set award_value_pence = original_value_pence where award_value_pence is null`.execute(
    db,
  );
  await sql`alter table contracts enable trigger contracts_published`.execute(db);
  await sql`alter table contracts alter column award_value_pence set not null`.execute(db);

  await sql`
    alter table contract_amendments
      add column kpis_added integer not null default 0 check (kpis_added between 0 and 50)`.execute(db);
  // The old "something changes" check (the only one of the table's checks with an OR) gives way to
  // one that counts KPIs added.
  await sql`
    do $$
    declare c text;
    begin
      for c in select conname from pg_constraint
        where conrelid = 'contract_amendments'::regclass and contype = 'c'
          and pg_get_constraintdef(oid) like '%scope_after IS NOT NULL%' and pg_get_constraintdef(oid) like '% OR %'
      loop
        execute format('alter table contract_amendments drop constraint %I', c);
      end loop;
    end $$`.execute(db);
  await sql`
    alter table contract_amendments add constraint contract_amendments_changes_something
      check (value_after_pence is not null or starts_on_after is not null or ends_on_after is not null
        or scope_after is not null or kpis_added > 0)`.execute(db);

  await sql`
    alter table contract_kpis
      add column added_by_amendment integer check (added_by_amendment >= 1),
      add column reports_from date`.execute(db);

  await sql`
    alter table kpi_reports
      add column corrected_by uuid references users (id),
      add column corrected_at timestamptz,
      add constraint kpi_reports_corrected check ((corrected_by is null) = (corrected_at is null))`.execute(
    db,
  );

  // A report is corrected, in its result and commentary, only until it is rated; never deleted.
  await sql`
    create function kpi_reports_until_rated() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'Published contract records cannot be changed or deleted (kpi_reports)';
      end if;
      if exists (
        select 1 from kpi_ratings r
        where r.authority_id = old.authority_id and r.contract_id = old.contract_id
          and r.kpi_position = old.kpi_position and r.period_number = old.period_number
      ) then
        raise exception 'Published contract records cannot be changed or deleted (kpi_reports): the report is rated';
      end if;
      if (new.authority_id, new.contract_id, new.kpi_position, new.period_number, new.period_starts_on,
          new.period_ends_on, new.reported_by, new.reported_at)
         is distinct from
         (old.authority_id, old.contract_id, old.kpi_position, old.period_number, old.period_starts_on,
          old.period_ends_on, old.reported_by, old.reported_at)
         or new.corrected_at is null then
        raise exception 'A KPI report is corrected only in its result and commentary, with who corrected it and when';
      end if;
      return new;
    end $$`.execute(db);
  await sql`drop trigger kpi_reports_append_only on kpi_reports`.execute(db);
  await sql`
    create trigger kpi_reports_until_rated before update or delete on kpi_reports
    for each row execute function kpi_reports_until_rated()`.execute(db);

  // The published notice now includes the value awarded and the reason for a lower value; the
  // amendment number moves on with each recorded amendment, whether it changes the terms or only
  // adds KPIs.
  await sql`
    create or replace function contracts_published() returns trigger language plpgsql as $$
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
          new.award_value_pence, new.value_reason, new.entered_by, new.entered_at)
         is distinct from
         (old.authority_id, old.id, old.award_id, old.tender_id, old.organisation_id, old.supplier_name,
          old.lead_share_bp, old.consortium, old.title, old.description, old.regulated_activity,
          old.payment_mechanism, old.original_value_pence, old.original_starts_on, old.original_ends_on,
          old.award_value_pence, old.value_reason, old.entered_by, old.entered_at) then
        raise exception 'The published contract details notice cannot be changed: record an amendment';
      end if;
      if new.amendment_count <> old.amendment_count then
        if new.amendment_count <> old.amendment_count + 1 or not exists (
          select 1 from contract_amendments a
          where a.authority_id = new.authority_id and a.contract_id = new.id and a.number = new.amendment_count
        ) then
          raise exception 'A contract''s terms change only by a recorded amendment';
        end if;
      elsif (new.value_pence, new.starts_on, new.ends_on, new.scope)
         is distinct from (old.value_pence, old.starts_on, old.ends_on, old.scope) then
        raise exception 'A contract''s terms change only by a recorded amendment';
      end if;
      return new;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function contracts_published() returns trigger language plpgsql as $$
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
  await sql`drop trigger if exists kpi_reports_until_rated on kpi_reports`.execute(db);
  await sql`drop function if exists kpi_reports_until_rated()`.execute(db);
  await sql`
    create trigger kpi_reports_append_only before update or delete on kpi_reports
    for each row execute function contract_records_append_only()`.execute(db);
  await sql`
    alter table kpi_reports
      drop constraint kpi_reports_corrected, drop column corrected_by, drop column corrected_at`.execute(db);
  // KPIs added by amendments stay, reported from the contract's start; amendments that only added
  // KPIs stay too: the old "something changes" check holds for new rows only.
  await sql`alter table contract_kpis drop column added_by_amendment, drop column reports_from`.execute(db);
  await sql`
    alter table contract_amendments
      drop constraint contract_amendments_changes_something,
      drop column kpis_added,
      add constraint contract_amendments_changes_something check (value_after_pence is not null
        or starts_on_after is not null or ends_on_after is not null or scope_after is not null) not valid`.execute(
    db,
  );
  await sql`alter table contracts drop column award_value_pence, drop column value_reason`.execute(db);
}
