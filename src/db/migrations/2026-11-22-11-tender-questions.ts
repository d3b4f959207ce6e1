/**
 * Tenders after publication (issue 5, item 2): organisations registering interest (how bidders are
 * told of answers, amendments and cancellation without unsealing who bid), clarification questions
 * with answers published without the asker's name, and amendments. Published answers and
 * amendments cannot be changed (triggers). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tender_interests (
      authority_id uuid not null,
      tender_id uuid not null,
      organisation_id uuid not null references organisations (id),
      registered_by uuid not null references users (id),
      registered_at timestamptz not null,
      primary key (authority_id, tender_id, organisation_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);

  await sql`
    create table tender_questions (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      organisation_id uuid not null references organisations (id),
      asked_by uuid not null references users (id),
      question text not null check (char_length(question) between 1 and 5000),
      asked_at timestamptz not null,
      number integer check (number >= 1),
      published_question text check (char_length(published_question) between 1 and 5000),
      answer text check (char_length(answer) between 1 and 10000),
      answered_by uuid references users (id),
      answered_at timestamptz,
      primary key (authority_id, id),
      unique (authority_id, tender_id, number),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check ((answer is null) = (answered_at is null)),
      check ((answer is null) = (number is null)),
      check ((answer is null) = (published_question is null))
    )`.execute(db);
  await sql`create index tender_questions_by_tender on tender_questions (authority_id, tender_id, asked_at)`.execute(
    db,
  );
  await sql`
    create function tender_questions_answered_fixed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'A clarification question cannot be deleted';
      end if;
      if old.answered_at is not null then
        raise exception 'A published answer cannot be changed';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger tender_questions_answered_fixed before update or delete on tender_questions
    for each row execute function tender_questions_answered_fixed()`.execute(db);

  await sql`
    create table tender_amendments (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      number integer not null check (number >= 1),
      reason text not null check (char_length(reason) between 1 and 5000),
      changed text[] not null,
      previous_submission_deadline timestamptz not null,
      submission_deadline timestamptz not null,
      previous_clarification_deadline timestamptz not null,
      clarification_deadline timestamptz not null,
      bids_received boolean not null,
      made_by uuid not null references users (id),
      made_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, tender_id, number),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check (submission_deadline >= previous_submission_deadline)
    )`.execute(db);
  await sql`
    create function tender_amendments_fixed() returns trigger language plpgsql as $$
    begin
      raise exception 'A published amendment cannot be changed or deleted';
    end $$`.execute(db);
  await sql`
    create trigger tender_amendments_fixed before update or delete on tender_amendments
    for each row execute function tender_amendments_fixed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists tender_amendments`.execute(db);
  await sql`drop function if exists tender_amendments_fixed()`.execute(db);
  await sql`drop table if exists tender_questions`.execute(db);
  await sql`drop function if exists tender_questions_answered_fixed()`.execute(db);
  await sql`drop table if exists tender_interests`.execute(db);
}
