/**
 * Redress, the second tier (issue 18, items 4, 5, 7): escalation to an ombudsman (or, for a
 * provider's complaint about commissioning, the independent adjudicator of its service area) and
 * the casework that follows — assessment, investigation, a draft decision both sides may comment
 * on, a final decision with its finding, and remedies each with a due date tracked until the
 * ombudsman confirms compliance.
 *
 * Tenant: a case is kept under the second-tier body's authority id (`authority_id`), and refers to
 * the first-tier complaint by its own key (`complaint_authority_id`, `complaint_id`) — one case per
 * complaint. The complainant's words stay in the complaint tables; a case holds the ombudsman's
 * and the body's, and the comments of both sides on a draft (personal data: never in open data; a
 * published decision is the separate, anonymised `published_summary`).
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Which authority is which second-tier body: the three ombudsmen (one each) and the independent
  // adjudicators of commissioning complaints (one per service area).
  await sql`
    create table second_tier_bodies (
      authority_id uuid not null references authorities (id),
      scheme text not null check (scheme in ('lgsco', 'phso', 'housing-ombudsman', 'adjudicator')),
      -- '' for an ombudsman; an adjudicator's service area (a service type code).
      service_area text not null default '' check (char_length(service_area) <= 80),
      created_at timestamptz not null,
      primary key (scheme, service_area),
      check ((scheme = 'adjudicator') = (service_area <> ''))
    )`.execute(db);
  await sql`create index second_tier_bodies_by_authority on second_tier_bodies (authority_id)`.execute(db);

  // A complaint escalated waits on the second tier (the body's own stages are over, or it had its chance).
  await sql`alter table complaints drop constraint complaints_status_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_status_check
      check (status in ('unverified', 'open', 'answered', 'accepted', 'declined', 'escalated'))`.execute(db);

  await sql`
    create table ombudsman_cases (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      reference text not null check (char_length(reference) between 4 and 20),
      scheme text not null check (scheme in ('lgsco', 'phso', 'housing-ombudsman', 'adjudicator')),
      complaint_authority_id uuid not null,
      complaint_id uuid not null,
      escalated_by uuid references users (id) on delete set null,
      escalated_on date not null,
      -- Consent to carry the first-tier file across to the ombudsman.
      file_consent_at timestamptz not null,
      -- Why now, when the body was still within its time (escalationReadiness 'body-has-time').
      early_reason text not null default '' check (char_length(early_reason) <= 5000),
      -- A government department's complaint reaches the PHSO through an MP: who referred it.
      mp_referral text not null default '' check (char_length(mp_referral) <= 500),
      -- The complainant agreed that the decision may be published, anonymised (asked at escalation).
      publication_consent boolean not null default false,
      time_limit_ends_on date,
      in_time boolean not null,
      -- Why a late case is looked at anyway (recorded at assessment).
      late_reason text not null default '' check (char_length(late_reason) <= 5000),
      status text not null check (status in ('assessment', 'declined', 'investigation', 'draft', 'decided',
        'closed')),
      assessed_on date,
      assessed_by uuid references users (id) on delete set null,
      decline_reason text not null default '' check (char_length(decline_reason) <= 5000),
      investigator_id uuid references users (id) on delete set null,
      draft_on date,
      draft_text text not null default '' check (char_length(draft_text) <= 50000),
      comments_close_on date,
      decided_on date,
      decided_by uuid references users (id) on delete set null,
      finding text check (finding in ('no-fault', 'fault-no-injustice', 'fault-injustice', 'no-maladministration',
        'service-failure', 'maladministration', 'severe-maladministration')),
      decision_text text not null default '' check (char_length(decision_text) <= 50000),
      -- Publication of the decision, anonymised: only with the complainant's consent, and withheld with a reason
      -- where they could still be identified.
      publication text check (publication in ('publish', 'withhold')),
      withheld_reason text not null default '' check (char_length(withheld_reason) <= 2000),
      published_summary text not null default '' check (char_length(published_summary) <= 10000),
      closed_on date,
      -- The ombudsman's next thing to do (or the sides' comment deadline) while the case is open.
      next_due_on date,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      -- Unique keys carry the tenant key (ready to shard on authority_id). One case per complaint is
      -- kept by escalation under the complaint's row lock and status ('escalated'), not by a key: the
      -- case is under the ombudsman's authority, the complaint under the body's.
      unique (authority_id, reference),
      foreign key (complaint_authority_id, complaint_id) references complaints (authority_id, id),
      check ((decided_on is null) = (finding is null)),
      check (status <> 'decided' or decided_on is not null),
      check (status <> 'declined' or decline_reason <> '')
    )`.execute(db);
  await sql`create index ombudsman_cases_of_authority on ombudsman_cases (authority_id, created_at desc, id desc)`.execute(
    db,
  );
  // A complaint's case (its page, the figures' join by the complaint's key); a published decision by
  // its reference (random, 60 bits: unique in practice, kept unique per ombudsman by the key above).
  await sql`create index ombudsman_cases_of_complaint on ombudsman_cases (complaint_authority_id, complaint_id)`.execute(
    db,
  );
  await sql`create index ombudsman_cases_by_reference on ombudsman_cases (reference)`.execute(db);
  await sql`create index ombudsman_cases_due on ombudsman_cases (authority_id, next_due_on)
    where next_due_on is not null`.execute(db);
  await sql`create index ombudsman_cases_published on ombudsman_cases (decided_on desc, id desc)
    where publication = 'publish'`.execute(db);
  await sql`create index ombudsman_cases_escalated_by on ombudsman_cases (escalated_by)
    where escalated_by is not null`.execute(db);

  // Comments on a draft decision, from either side, in order.
  await sql`
    create table ombudsman_case_comments (
      authority_id uuid not null,
      case_id uuid not null,
      seq integer not null check (seq >= 1),
      side text not null check (side in ('complainant', 'body')),
      body text not null check (char_length(body) between 1 and 20000),
      made_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, case_id, seq),
      foreign key (authority_id, case_id) references ombudsman_cases (authority_id, id) on delete cascade
    )`.execute(db);

  // The remedies a final decision orders, each with its due date, until the ombudsman confirms compliance.
  await sql`
    create table ombudsman_remedies (
      authority_id uuid not null,
      case_id uuid not null,
      seq integer not null check (seq >= 1),
      kind text not null check (kind in ('apology', 'payment', 'action', 'service-improvement')),
      description text not null check (char_length(description) between 1 and 5000),
      amount_pence bigint check (amount_pence > 0),
      due_on date not null,
      -- Who must comply: the first-tier body (its authority, and the provider where a provider answered).
      body_authority_id uuid not null,
      body_organisation_id uuid,
      status text not null check (status in ('due', 'reported', 'confirmed')),
      reported_on date,
      reported_by uuid references users (id) on delete set null,
      evidence text not null default '' check (char_length(evidence) <= 10000),
      -- The ombudsman's answer to a report: confirmed, or sent back with what is missing (status 'due' again).
      confirmed_on date,
      confirmed_by uuid references users (id) on delete set null,
      returned_reason text not null default '' check (char_length(returned_reason) <= 5000),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, case_id, seq),
      foreign key (authority_id, case_id) references ombudsman_cases (authority_id, id),
      check ((kind = 'payment') = (amount_pence is not null)),
      check ((status = 'confirmed') = (confirmed_on is not null)),
      check (status <> 'reported' or (reported_on is not null and evidence <> ''))
    )`.execute(db);
  // Overdue remedies, for the flag, the bodies' work and the published list.
  await sql`create index ombudsman_remedies_open on ombudsman_remedies (due_on)
    where status <> 'confirmed'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists ombudsman_remedies`.execute(db);
  await sql`drop table if exists ombudsman_case_comments`.execute(db);
  await sql`drop table if exists ombudsman_cases`.execute(db);
  await sql`update complaints set status = 'answered' where status = 'escalated'`.execute(db);
  await sql`alter table complaints drop constraint complaints_status_check`.execute(db);
  await sql`
    alter table complaints add constraint complaints_status_check
      check (status in ('unverified', 'open', 'answered', 'accepted', 'declined'))`.execute(db);
  await sql`drop table if exists second_tier_bodies`.execute(db);
}
