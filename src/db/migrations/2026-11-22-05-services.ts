/**
 * The service register: every service an authority is responsible for (in-house ones included),
 * who provides it now, its annual cost and current contract end; and option appraisals per service
 * (drafted, then published and immutable; a later published appraisal supersedes earlier ones).
 * Tenant tables: the authority id leads every key. Frozen in time: never import application code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table services (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      name text not null check (char_length(name) between 1 and 200),
      kind text not null check (kind in ('individual', 'neighbourhood', 'commissioned')),
      category_code text not null references service_categories (code),
      provider_type text not null check (provider_type in ('in-house', 'contracted', 'mutual', 'community')),
      provider_organisation_id uuid references organisations (id),
      annual_cost_pence bigint not null check (annual_cost_pence >= 0),
      contract_end date,
      status text not null check (status in ('in-house', 'market-tested', 'open-to-choice', 'devolved', 'mutualised')),
      description text not null check (char_length(description) <= 5000),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      check ((provider_type = 'in-house') = (provider_organisation_id is null)),
      check (provider_type <> 'contracted' or contract_end is not null)
    )`.execute(db);
  await sql`create index services_contract_end on services (contract_end) where contract_end is not null`.execute(
    db,
  );

  await sql`
    create table service_appraisals (
      authority_id uuid not null,
      id uuid not null,
      service_id uuid not null,
      options text[] not null check (cardinality(options) between 2 and 5),
      evidence text not null check (char_length(evidence) between 1 and 10000),
      decision text not null check (decision = any (options)),
      reasons text not null check (char_length(reasons) between 1 and 10000),
      status text not null check (status in ('draft', 'published')),
      created_at timestamptz not null,
      published_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, service_id) references services (authority_id, id),
      check ((status = 'published') = (published_at is not null))
    )`.execute(db);
  await sql`create index service_appraisals_service on service_appraisals (authority_id, service_id)`.execute(
    db,
  );
  // Published appraisals are immutable: refuse any change to one, and deleting it.
  await sql`
    create function service_appraisals_immutable() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'A published option appraisal cannot be changed; record a new one';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger service_appraisals_immutable before update or delete on service_appraisals
    for each row execute function service_appraisals_immutable()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists service_appraisals`.execute(db);
  await sql`drop function if exists service_appraisals_immutable()`.execute(db);
  await sql`drop table if exists services`.execute(db);
}
