/**
 * Barriers to entry (issue 20, item 5): the barriers register. `barriers` holds each barrier logged
 * against an authority — about one of its tenders, the authority itself, or a policy — with its kind
 * (a code of the module's vocabulary), who logged it and for which organisation (the organisation's
 * sector kept as it was when logged, for the national counts), whether the public sees it as
 * anonymous, the day its answer is due and when it was first answered in substance; `barrier_answers`
 * the authority's answers, in order (acknowledged, accepted, disputed, resolved). The status is kept
 * on the barrier; "overdue" is worked out from the due day and the first answer, never stored, so
 * that an appeal to the adjudicator later can read the same dates. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table barriers (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      -- A code of the vocabulary (src/modules/barriers/kinds.ts).
      kind text not null check (char_length(kind) between 1 and 40),
      subject text not null check (subject in ('tender', 'authority', 'policy')),
      tender_id uuid,
      policy text check (char_length(policy) between 1 and 300),
      policy_url text check (char_length(policy_url) between 1 and 500),
      description text not null check (char_length(description) between 1 and 5000),
      logged_by uuid references users (id) on delete set null,
      -- The organisation the logger acted for (null: logged by a public body's people).
      organisation_id uuid references organisations (id),
      -- The organisation's sector when logged ('public-body' for a public body's people).
      logger_sector text not null check (char_length(logger_sector) between 1 and 40),
      anonymous boolean not null,
      logged_at timestamptz not null,
      -- The last London day of the answering period (working days of the authority's nation).
      answer_due_on date not null,
      status text not null check (status in ('open', 'acknowledged', 'accepted', 'disputed', 'resolved')),
      -- The first answer in substance (accepted, disputed or resolved): what stops the clock.
      first_answered_at timestamptz,
      resolved_at timestamptz,
      primary key (authority_id, id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check ((subject = 'tender') = (tender_id is not null)),
      check ((subject = 'policy') = (policy is not null)),
      check (policy_url is null or subject = 'policy'),
      check ((status = 'resolved') = (resolved_at is not null)),
      check (status in ('open', 'acknowledged') or first_answered_at is not null)
    )`.execute(db);
  await sql`create index barriers_by_status on barriers (authority_id, status, logged_at)`.execute(db);
  await sql`create index barriers_by_year on barriers (logged_at)`.execute(db);

  await sql`
    create table barrier_answers (
      authority_id uuid not null,
      id uuid not null,
      barrier_id uuid not null,
      kind text not null check (kind in ('acknowledged', 'accepted', 'disputed', 'resolved')),
      text text not null check (char_length(text) between 1 and 5000),
      answered_by uuid references users (id) on delete set null,
      answered_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, barrier_id) references barriers (authority_id, id)
    )`.execute(db);
  await sql`create index barrier_answers_of_barrier on barrier_answers (authority_id, barrier_id, answered_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists barrier_answers`.execute(db);
  await sql`drop table if exists barriers`.execute(db);
}
