/**
 * Redress, the first tier (issue 18, items 1–3): complaints to the body that answers first, on the
 * regime's clocks. Every table is tenant-scoped by the responsible authority (`authority_id`): the
 * authority complained about, or for a provider the authority that commissions the service, else
 * the council the complainant names for the area. The complainant's personal data (name, email,
 * phone, what they write) lives only in these tables: no open dataset reads them, and audit events
 * refer to a complaint by id. A new authority role, `complaints-officer`, answers an authority's
 * complaints (two-factor sign-in). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table role_grants drop constraint role_grants_role_check`.execute(db);
  await sql`
    alter table role_grants add constraint role_grants_role_check check (role in ('citizen',
      'organisation-admin', 'organisation-member', 'commissioner', 'evaluator', 'bid-opener',
      'authority-admin', 'care-staff', 'regulator-staff', 'ombudsman-staff', 'consumer-champion',
      'platform-admin', 'complaints-officer'))`.execute(db);

  // The emails of complaints made without an account are limited as accounts' emails are.
  await sql`alter table sign_in_attempts drop constraint sign_in_attempts_kind_check`.execute(db);
  await sql`
    alter table sign_in_attempts add constraint sign_in_attempts_kind_check
      check (kind in ('sign-in', 'two-factor', 'verify-email', 'reset-password', 'complaint-email'))`.execute(
    db,
  );

  await sql`
    create table complaints (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      reference text not null check (char_length(reference) between 4 and 20),
      regime text not null check (regime in ('nhs-adult-social-care', 'housing', 'children-social-care', 'council')),
      -- Who is complained about, and who answers first.
      about text not null check (about in ('organisation', 'authority')),
      organisation_id uuid references organisations (id),
      answerer text not null check (answerer in ('provider', 'authority')),
      -- Why this authority: complained about, commissions the service, or named for the area.
      responsible_as text not null check (responsible_as in ('complained-about', 'commissioner', 'area')),
      -- The complainant preferred the commissioner to answer, and none was found (so the provider answers).
      no_commissioner_found boolean not null default false,
      body_kind text not null check (body_kind in ('council', 'nhs-body', 'care-provider', 'social-landlord',
        'government-department', 'other-provider')),
      -- Working days count on this nation's calendar (the answering body's).
      nation text not null check (nation in ('england-and-wales', 'scotland', 'northern-ireland')),
      -- The complainant: a signed-in account acting for themself, for a person linked in care, or as a member of the public.
      complainant_id uuid references users (id) on delete set null,
      acting_as text not null check (acting_as in ('self', 'person', 'public')),
      person_authority_id uuid,
      person_id uuid,
      contact_name text not null check (char_length(contact_name) between 1 and 200),
      contact_email text not null check (char_length(contact_email) between 3 and 320),
      contact_phone text not null default '' check (char_length(contact_phone) <= 40),
      what_happened text not null check (char_length(what_happened) between 1 and 10000),
      happened_on date not null,
      knew_on date,
      outcome_wanted text not null check (char_length(outcome_wanted) between 1 and 5000),
      consent_at timestamptz not null,
      received_on date not null,
      time_limit_ends_on date not null,
      in_time boolean not null,
      -- A late complaint: the body considers it (waived) or declines it, with its reason.
      late_decision text check (late_decision in ('waived', 'declined')),
      late_reason text not null default '' check (char_length(late_reason) <= 5000),
      stage integer not null check (stage between 1 and 3),
      status text not null check (status in ('unverified', 'open', 'answered', 'accepted', 'declined')),
      -- Without an account: when the emailed link was followed (null until then); the link's SHA-256.
      email_verified_at timestamptz,
      access_token_hash text unique,
      -- The current step's due day while the body has something to do (null when it has not).
      next_due_on date,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      unique (reference),
      check ((about = 'organisation') = (organisation_id is not null)),
      check ((acting_as = 'person') = (person_id is not null and person_authority_id is not null)),
      check ((status = 'unverified') = (email_verified_at is null))
    )`.execute(db);
  // The complainant's own, newest first; the body's work (an organisation's, an authority's), newest first.
  await sql`create index complaints_by_complainant on complaints (complainant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create index complaints_by_person on complaints (person_authority_id, person_id, created_at desc)
    where person_id is not null`.execute(db);
  await sql`create index complaints_of_provider on complaints (organisation_id, created_at desc, id desc)
    where answerer = 'provider'`.execute(db);
  await sql`create index complaints_of_authority on complaints (authority_id, created_at desc, id desc)
    where answerer = 'authority'`.execute(db);
  await sql`create index complaints_due_of_provider on complaints (organisation_id, next_due_on)
    where answerer = 'provider' and next_due_on is not null`.execute(db);
  await sql`create index complaints_due_of_authority on complaints (authority_id, next_due_on)
    where answerer = 'authority' and next_due_on is not null`.execute(db);

  await sql`
    create table complaint_stages (
      authority_id uuid not null,
      complaint_id uuid not null,
      stage integer not null check (stage between 1 and 3),
      received_on date not null,
      ack_due_on date,
      acknowledged_on date,
      acknowledged_by uuid references users (id) on delete set null,
      answer_step text not null check (answer_step in ('respond', 'panel')),
      -- The answer's first deadline (null until the acknowledgement it counts from) and the current one.
      answer_first_due_on date,
      answer_due_on date,
      extension_reason text not null default '' check (char_length(extension_reason) <= 5000),
      extended_at timestamptz,
      explanation text not null default '' check (char_length(explanation) <= 5000),
      explained_on date,
      responded_on date,
      responded_by uuid references users (id) on delete set null,
      finding text check (finding in ('upheld', 'partly-upheld', 'not-upheld')),
      response text not null default '' check (char_length(response) <= 20000),
      remedy text not null default '' check (char_length(remedy) <= 5000),
      created_at timestamptz not null,
      primary key (authority_id, complaint_id, stage),
      foreign key (authority_id, complaint_id) references complaints (authority_id, id)
    )`.execute(db);
}

/** Undoes `up`: the tables gone, and the role and the kind of attempt with them. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists complaint_stages`.execute(db);
  await sql`drop table if exists complaints`.execute(db);
  await sql`delete from sign_in_attempts where kind = 'complaint-email'`.execute(db);
  await sql`alter table sign_in_attempts drop constraint sign_in_attempts_kind_check`.execute(db);
  await sql`
    alter table sign_in_attempts add constraint sign_in_attempts_kind_check
      check (kind in ('sign-in', 'two-factor', 'verify-email', 'reset-password'))`.execute(db);
  await sql`delete from role_grants where role = 'complaints-officer'`.execute(db);
  await sql`alter table role_grants drop constraint role_grants_role_check`.execute(db);
  await sql`
    alter table role_grants add constraint role_grants_role_check check (role in ('citizen',
      'organisation-admin', 'organisation-member', 'commissioner', 'evaluator', 'bid-opener',
      'authority-admin', 'care-staff', 'regulator-staff', 'ombudsman-staff', 'consumer-champion',
      'platform-admin'))`.execute(db);
}
