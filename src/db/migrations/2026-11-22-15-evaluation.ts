/**
 * Evaluation (issue 6): each assigned evaluator's declaration of conflicts of interest, their scores
 * per compliant bid and criterion (with reasons) and the submission of their scoresheet, the agreed
 * (moderated) scores, the commissioner's recorded decision on ties, and what each bidder was told at
 * award (its assessment summary, kept as sent). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Before seeing the bids: none, or a conflict (described), which ends the assignment.
  await sql`
    create table evaluator_declarations (
      authority_id uuid not null,
      tender_id uuid not null,
      user_id uuid not null references users (id),
      declaration text not null check (declaration in ('none', 'conflict')),
      description text not null check (char_length(description) <= 5000),
      declared_at timestamptz not null,
      primary key (authority_id, tender_id, user_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check (declaration = 'none' or char_length(description) > 0)
    )`.execute(db);

  await sql`
    create table evaluation_scores (
      authority_id uuid not null,
      tender_id uuid not null,
      user_id uuid not null references users (id),
      bid_id uuid not null,
      criterion_id uuid not null,
      score integer not null check (score >= 0),
      reason text not null check (char_length(reason) between 1 and 5000),
      scored_at timestamptz not null,
      primary key (authority_id, tender_id, user_id, bid_id, criterion_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      foreign key (authority_id, bid_id) references bids (authority_id, id),
      foreign key (authority_id, criterion_id) references tender_criteria (authority_id, id)
    )`.execute(db);

  await sql`
    create table evaluation_submissions (
      authority_id uuid not null,
      tender_id uuid not null,
      user_id uuid not null references users (id),
      submitted_at timestamptz not null,
      primary key (authority_id, tender_id, user_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);

  await sql`
    create table moderated_scores (
      authority_id uuid not null,
      tender_id uuid not null,
      bid_id uuid not null,
      criterion_id uuid not null,
      score integer not null check (score >= 0),
      reason text not null check (char_length(reason) between 1 and 5000),
      moderated_by uuid not null references users (id),
      moderated_at timestamptz not null,
      primary key (authority_id, tender_id, bid_id, criterion_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      foreign key (authority_id, bid_id) references bids (authority_id, id),
      foreign key (authority_id, criterion_id) references tender_criteria (authority_id, id)
    )`.execute(db);

  // The order of bids tied on total and quality, best first, as the commissioner decided it.
  await sql`
    create table tie_decisions (
      authority_id uuid not null,
      tender_id uuid not null,
      bid_order text[] not null check (cardinality(bid_order) >= 2),
      reason text not null check (char_length(reason) between 1 and 5000),
      decided_by uuid not null references users (id),
      decided_at timestamptz not null,
      primary key (authority_id, tender_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);

  // Each bidder's assessment summary as sent with the award (ranked or excluded), kept unchanged.
  await sql`
    create table award_assessments (
      authority_id uuid not null,
      award_id uuid not null,
      bid_id uuid not null,
      organisation_id uuid references organisations (id),
      bidder_name text not null,
      outcome text not null check (outcome in ('ranked', 'excluded')),
      rank integer check (rank >= 1),
      total_shown text,
      quality_shown text,
      price_shown text,
      price_pence bigint,
      criteria jsonb not null default '[]'::jsonb,
      exclusion_reasons text[] not null,
      primary key (authority_id, award_id, bid_id),
      foreign key (authority_id, award_id) references tender_awards (authority_id, id),
      foreign key (authority_id, bid_id) references bids (authority_id, id),
      check ((outcome = 'ranked') = (rank is not null))
    )`.execute(db);
  await sql`create index award_assessments_by_organisation on award_assessments (organisation_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "award_assessments",
    "tie_decisions",
    "moderated_scores",
    "evaluation_submissions",
    "evaluation_scores",
    "evaluator_declarations",
  ])
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
