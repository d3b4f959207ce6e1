/**
 * Arranging services and "choice not available" (issue 17, items 5 and 7): a person (or a
 * representative, or the authority's care staff for them) arranges a service with a provider for a
 * plan, paid from its direct payment or its managed account; the provider accepts or declines with a
 * reason; either side ends it from a date. When no provider is available within the budget, the
 * person records that choice was not available, and the authority answers by a day kept on the
 * record. Tenant tables keyed by (authority_id, …). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table choice_arrangements (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      person_id uuid not null,
      plan_id uuid not null,
      need_id uuid,
      organisation_id uuid not null references organisations (id),
      -- The list it was arranged from (its tariff or the member's offer); null for a price agreed.
      list_id uuid,
      paid_from text not null check (paid_from in ('direct-payment', 'managed-account')),
      category_code text not null references service_categories (code),
      description text not null check (char_length(description) between 1 and 2000),
      -- Units a week in hundredths (7.5 hours: 750), in the unit of the price.
      units_x100 integer not null check (units_x100 > 0),
      unit text not null check (unit in ('hour', 'night', 'week')),
      price_pence bigint not null check (price_pence > 0),
      price_source text not null check (price_source in ('tariff', 'offer', 'agreed')),
      starts_on date not null,
      ends_on date,
      status text not null check (status in ('proposed', 'accepted', 'declined')),
      answered_at timestamptz,
      decline_reason text not null default '' check (char_length(decline_reason) <= 2000),
      end_reason text not null default '' check (char_length(end_reason) <= 2000),
      ended_by text check (ended_by in ('person', 'provider')),
      arranged_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, person_id) references care_people (authority_id, id),
      foreign key (authority_id, plan_id) references care_plans (authority_id, id),
      check (ends_on is null or ends_on >= starts_on),
      check ((status = 'proposed') = (answered_at is null))
    )`.execute(db);
  // A plan's arrangements by the part that pays (the budget check; budgets' live arrangements).
  await sql`create index choice_arrangements_by_plan on choice_arrangements (authority_id, plan_id, paid_from)`.execute(
    db,
  );
  // A person's arrangements, newest first (their page's panel).
  await sql`create index choice_arrangements_by_person on choice_arrangements (authority_id, person_id, created_at desc, id desc)`.execute(
    db,
  );
  // A provider's arrangements, newest first (/organisations/{id}/arrangements).
  await sql`create index choice_arrangements_by_organisation on choice_arrangements (organisation_id, created_at desc, id desc)`.execute(
    db,
  );

  await sql`
    create table choice_unavailable (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      person_id uuid not null,
      need_id uuid,
      category_code text not null references service_categories (code),
      area_code text not null references areas (code),
      -- What the person tried: which providers, and why not.
      tried text not null check (char_length(tried) between 1 and 5000),
      recorded_on date not null,
      -- The answer is due by this day: the clock (working days) kept with it.
      due_on date not null,
      answer_working_days integer not null check (answer_working_days > 0),
      recorded_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      answered_on date,
      answer_outcome text check (answer_outcome in ('provider-found', 'budget-reviewed', 'other')),
      answer text not null default '' check (char_length(answer) <= 5000),
      answered_by uuid references users (id) on delete set null,
      answered_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, person_id) references care_people (authority_id, id),
      check ((answered_on is null) = (answer_outcome is null))
    )`.execute(db);
  // Care staff's work: the records waiting for an answer, soonest due first.
  await sql`create index choice_unavailable_waiting on choice_unavailable (authority_id, due_on, id) where answered_on is null`.execute(
    db,
  );
  // A person's records, newest first.
  await sql`create index choice_unavailable_by_person on choice_unavailable (authority_id, person_id, created_at desc, id desc)`.execute(
    db,
  );
  // The open figures: per authority and area, on time / late / waiting from the index alone.
  await sql`create index choice_unavailable_figures on choice_unavailable (authority_id, area_code) include (due_on, answered_on)`.execute(
    db,
  );
}
