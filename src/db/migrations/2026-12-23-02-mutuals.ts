/**
 * The mutual spin-out path (issue 20): `spinout_proposals` (a team of an authority's staff proposing
 * to take a service on its register out as a mutual: its stage, the parent body's decision with its
 * reasons, the expression of interest it was made from, and — once trading — the mutual's
 * organisation, spin-out date, staff transferred and survival), `spinout_members` (the team),
 * `spinout_stages` (each stage's owner and dates), `spinout_checks` (checklist items done) and
 * `spinout_settings` (an authority's published period for deciding, in working days).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table spinout_settings (
      authority_id uuid not null primary key references authorities (id),
      decision_period_working_days integer not null check (decision_period_working_days between 1 and 250),
      set_by uuid references users (id) on delete set null,
      set_at timestamptz not null
    )`.execute(db);

  await sql`
    create table spinout_proposals (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      service_id uuid not null,
      title text not null,
      summary text not null,
      proposer_id uuid not null references users (id),
      stage text not null check (stage in ('idea', 'business-case', 'parent-body-approval',
        'staff-engagement', 'tupe-pensions', 'legal-form', 'first-contract', 'trading')),
      -- The employees' expression of interest (Community Right to Challenge) it was made from: the right to provide.
      challenge_id uuid,
      created_at timestamptz not null,
      -- The London date it reached parent body approval: the decision period runs from it.
      approval_asked_on date,
      decision text check (decision in ('approved', 'refused')),
      decision_reasons text,
      decided_by uuid references users (id),
      decided_at timestamptz,
      -- The mutual, once it is an organisation in the directory; staff transferred under TUPE.
      organisation_id uuid references organisations (id),
      staff_transferred integer check (staff_transferred >= 0),
      spun_out_on date,
      survival text check (survival in ('trading', 'merged', 'closed')),
      survival_on date,
      primary key (authority_id, id),
      foreign key (authority_id, service_id) references services (authority_id, id),
      check ((decision is null) = (decision_reasons is null)),
      check ((decision is null) = (decided_at is null)),
      check ((stage = 'trading') = (spun_out_on is not null)),
      check ((survival is null) = (spun_out_on is null))
    )`.execute(db);
  await sql`create unique index spinout_proposals_challenge
    on spinout_proposals (authority_id, challenge_id) where challenge_id is not null`.execute(db);
  await sql`create unique index spinout_proposals_organisation
    on spinout_proposals (organisation_id) where spun_out_on is not null`.execute(db);

  await sql`
    create table spinout_members (
      authority_id uuid not null,
      proposal_id uuid not null,
      user_id uuid not null references users (id),
      added_at timestamptz not null,
      primary key (authority_id, proposal_id, user_id),
      foreign key (authority_id, proposal_id) references spinout_proposals (authority_id, id)
    )`.execute(db);

  await sql`
    create table spinout_stages (
      authority_id uuid not null,
      proposal_id uuid not null,
      stage text not null,
      owner_id uuid references users (id),
      started_on date not null,
      target_on date,
      done_on date,
      primary key (authority_id, proposal_id, stage),
      foreign key (authority_id, proposal_id) references spinout_proposals (authority_id, id)
    )`.execute(db);

  await sql`
    create table spinout_checks (
      authority_id uuid not null,
      proposal_id uuid not null,
      item text not null,
      done_by uuid not null references users (id),
      done_at timestamptz not null,
      primary key (authority_id, proposal_id, item),
      foreign key (authority_id, proposal_id) references spinout_proposals (authority_id, id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "spinout_checks",
    "spinout_stages",
    "spinout_members",
    "spinout_proposals",
    "spinout_settings",
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
