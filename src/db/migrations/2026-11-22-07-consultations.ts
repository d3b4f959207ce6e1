/**
 * Consultations on a service's shape and on policy (issue 4, item 5): a draft specification in
 * ordered sections with questions and a closing instant; responses per section (one per person or
 * organisation); and "you said, we did" — the authority's answer to each point, published as a
 * summary after closing. Market engagements belong to a commissioning project of the same
 * authority; policy consultations to none. "Closed" is derived from the clock, never stored.
 * Tenant tables: the authority id leads every key. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table consultations (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      kind text not null check (kind in ('market-engagement', 'policy')),
      project_id uuid,
      title text not null check (char_length(title) between 1 and 200),
      summary text not null check (char_length(summary) between 1 and 5000),
      audience text not null check (char_length(audience) between 1 and 2000),
      closes_at timestamptz not null,
      status text not null check (status in ('draft', 'open', 'summary-published')),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      published_at timestamptz,
      summary_text text not null default '' check (char_length(summary_text) <= 10000),
      summary_published_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, project_id) references projects (authority_id, id),
      check ((kind = 'market-engagement') = (project_id is not null)),
      check ((status = 'draft') = (published_at is null)),
      check ((status = 'summary-published') = (summary_published_at is not null)),
      -- Published while still open, and the summary only once closed.
      check (published_at is null or published_at < closes_at),
      check (summary_published_at is null or summary_published_at >= closes_at)
    )`.execute(db);
  await sql`create index consultations_closes_at on consultations (closes_at) where status <> 'draft'`.execute(
    db,
  );
  await sql`create index consultations_project on consultations (authority_id, project_id) where project_id is not null`.execute(
    db,
  );

  await sql`
    create table consultation_sections (
      authority_id uuid not null,
      consultation_id uuid not null,
      id uuid not null,
      position integer not null check (position >= 1),
      heading text not null check (char_length(heading) between 1 and 200),
      body text not null check (char_length(body) <= 10000),
      primary key (authority_id, id),
      unique (authority_id, consultation_id, position),
      foreign key (authority_id, consultation_id) references consultations (authority_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table consultation_questions (
      authority_id uuid not null,
      consultation_id uuid not null,
      section_id uuid not null,
      id uuid not null,
      position integer not null check (position >= 1),
      text text not null check (char_length(text) between 1 and 1000),
      primary key (authority_id, id),
      unique (authority_id, section_id, position),
      foreign key (authority_id, consultation_id) references consultations (authority_id, id) on delete cascade,
      foreign key (authority_id, section_id) references consultation_sections (authority_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table consultation_responses (
      authority_id uuid not null,
      consultation_id uuid not null,
      id uuid not null,
      respondent_kind text not null check (respondent_kind in ('organisation', 'individual')),
      user_id uuid not null references users (id),
      organisation_id uuid references organisations (id),
      organisation_sector text,
      show_name boolean not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, consultation_id) references consultations (authority_id, id),
      check ((respondent_kind = 'organisation') = (organisation_id is not null)),
      check ((organisation_id is null) = (organisation_sector is null))
    )`.execute(db);
  // One response per respondent: per organisation, and per person responding as themselves.
  await sql`
    create unique index consultation_responses_organisation
    on consultation_responses (authority_id, consultation_id, organisation_id)
    where organisation_id is not null`.execute(db);
  await sql`
    create unique index consultation_responses_individual
    on consultation_responses (authority_id, consultation_id, user_id)
    where organisation_id is null`.execute(db);

  await sql`
    create table consultation_response_sections (
      authority_id uuid not null,
      consultation_id uuid not null,
      response_id uuid not null,
      section_id uuid not null,
      comments text not null check (char_length(comments) <= 10000),
      could_be_different boolean not null,
      could_deliver boolean not null,
      alternative_model text not null check (char_length(alternative_model) <= 10000),
      primary key (authority_id, response_id, section_id),
      foreign key (authority_id, response_id) references consultation_responses (authority_id, id) on delete cascade,
      foreign key (authority_id, section_id) references consultation_sections (authority_id, id)
    )`.execute(db);

  await sql`
    create table consultation_answers (
      authority_id uuid not null,
      consultation_id uuid not null,
      response_id uuid not null,
      question_id uuid not null,
      answer text not null check (char_length(answer) between 1 and 10000),
      primary key (authority_id, response_id, question_id),
      foreign key (authority_id, response_id) references consultation_responses (authority_id, id) on delete cascade,
      foreign key (authority_id, question_id) references consultation_questions (authority_id, id)
    )`.execute(db);

  await sql`
    create table consultation_point_answers (
      authority_id uuid not null,
      consultation_id uuid not null,
      response_id uuid not null,
      section_id uuid not null,
      we_did text not null check (char_length(we_did) between 1 and 10000),
      answered_by uuid references users (id),
      answered_at timestamptz not null,
      primary key (authority_id, response_id, section_id),
      foreign key (authority_id, response_id, section_id)
        references consultation_response_sections (authority_id, response_id, section_id)
    )`.execute(db);

  // A published consultation's specification is fixed (ids kept for OCDS), and a published
  // "you said, we did" is final: refuse changes to either, whatever the code above does.
  await sql`
    create function consultation_specification_fixed() returns trigger language plpgsql as $$
    declare
      row_status text;
    begin
      select status into row_status from consultations
        where authority_id = coalesce(new.authority_id, old.authority_id)
          and id = coalesce(new.consultation_id, old.consultation_id);
      if row_status is not null and row_status <> 'draft' then
        raise exception 'A published consultation''s sections and questions cannot be changed';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  for (const table of ["consultation_sections", "consultation_questions"])
    await sql`
      create trigger ${sql.raw(`${table}_fixed`)} before insert or update or delete on ${sql.table(table)}
      for each row execute function consultation_specification_fixed()`.execute(db);
  await sql`
    create function consultation_summary_final() returns trigger language plpgsql as $$
    declare
      row_status text;
    begin
      select status into row_status from consultations
        where authority_id = coalesce(new.authority_id, old.authority_id)
          and id = coalesce(new.consultation_id, old.consultation_id);
      if row_status = 'summary-published' then
        raise exception 'A published "you said, we did" summary cannot be changed';
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger consultation_point_answers_final before insert or update or delete on consultation_point_answers
    for each row execute function consultation_summary_final()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists consultation_point_answers`.execute(db);
  await sql`drop table if exists consultation_answers`.execute(db);
  await sql`drop table if exists consultation_response_sections`.execute(db);
  await sql`drop table if exists consultation_responses`.execute(db);
  await sql`drop table if exists consultation_questions`.execute(db);
  await sql`drop table if exists consultation_sections`.execute(db);
  await sql`drop table if exists consultations`.execute(db);
  await sql`drop function if exists consultation_summary_final()`.execute(db);
  await sql`drop function if exists consultation_specification_fixed()`.execute(db);
}
