/**
 * Tenders and sealed electronic bids (issue 5). A tender belongs to a commissioning project of the
 * same (lead) authority: its procedure, lots, conditions of participation, weighted award criteria,
 * pricing mode, s.33 reservation, TUPE and pension information, VAT treatment and deadlines. Bids
 * are sealed: every part of a bid (the bidder's identity included) is one AES-256-GCM ciphertext
 * under the tender's data key, which is stored only wrapped under a master key kept outside the
 * database. Tenant tables: the authority's id leads every key. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenders (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      project_id uuid not null,
      title text not null check (char_length(title) between 1 and 200),
      description text not null check (char_length(description) <= 20000),
      procedure text not null check (procedure in ('open', 'competitive-flexible')),
      stages text not null check (char_length(stages) <= 10000),
      pricing_mode text not null check (pricing_mode in ('competitive', 'fixed-price', 'tariff')),
      fixed_price_pence bigint check (fixed_price_pence >= 0),
      tariff text not null check (char_length(tariff) <= 10000),
      scoring_scale_max integer not null check (scoring_scale_max between 1 and 100),
      reserved boolean not null,
      contract_term_months integer not null check (contract_term_months between 1 and 600),
      tupe_applies boolean not null,
      tupe_staff_count integer check (tupe_staff_count >= 0),
      tupe_annual_cost_pence bigint check (tupe_annual_cost_pence >= 0),
      tupe_terms text not null check (char_length(tupe_terms) <= 10000),
      pension_terms text not null check (char_length(pension_terms) <= 10000),
      vat_treatment text not null check (vat_treatment in ('exclusive', 'inclusive', 'exempt')),
      vat_note text not null check (char_length(vat_note) <= 2000),
      clarification_deadline timestamptz not null,
      submission_deadline timestamptz not null,
      status text not null check (status in ('draft', 'published', 'cancelled')),
      published_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text,
      opened_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, project_id) references projects (authority_id, id),
      check (clarification_deadline < submission_deadline),
      check ((pricing_mode = 'fixed-price') = (fixed_price_pence is not null)),
      check (status = 'draft' or published_at is not null),
      check ((status = 'cancelled') = (cancelled_at is not null)),
      check (opened_at is null or published_at is not null)
    )`.execute(db);
  await sql`create index tenders_project on tenders (authority_id, project_id)`.execute(db);
  await sql`create index tenders_open on tenders (status, submission_deadline)`.execute(db);

  await sql`
    create table tender_lots (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      position integer not null check (position >= 1),
      title text not null check (char_length(title) between 1 and 200),
      description text not null check (char_length(description) <= 5000),
      estimated_value_pence bigint not null check (estimated_value_pence >= 0),
      primary key (authority_id, id),
      unique (authority_id, tender_id, position),
      foreign key (authority_id, tender_id) references tenders (authority_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table tender_conditions (
      authority_id uuid not null,
      tender_id uuid not null,
      position integer not null check (position >= 1),
      text text not null check (char_length(text) between 1 and 2000),
      primary key (authority_id, tender_id, position),
      foreign key (authority_id, tender_id) references tenders (authority_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table tender_criteria (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      parent_id uuid,
      position integer not null check (position >= 1),
      kind text not null check (kind in ('quality', 'price', 'social-value')),
      title text not null check (char_length(title) between 1 and 200),
      description text not null check (char_length(description) <= 5000),
      weight_bp integer not null check (weight_bp between 0 and 10000),
      primary key (authority_id, id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id) on delete cascade,
      foreign key (authority_id, parent_id) references tender_criteria (authority_id, id) on delete cascade
    )`.execute(db);
  await sql`create index tender_criteria_tender on tender_criteria (authority_id, tender_id)`.execute(db);

  // The tender pack: documents published with the tender (the bytes in the file store).
  await sql`
    create table tender_documents (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      position integer not null check (position >= 1),
      title text not null check (char_length(title) between 1 and 200),
      filename text not null check (char_length(filename) between 1 and 255),
      media_type text not null,
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      file_key text not null,
      uploaded_at timestamptz not null,
      primary key (authority_id, id),
      unique (authority_id, tender_id, position),
      foreign key (authority_id, tender_id) references tenders (authority_id, id) on delete cascade
    )`.execute(db);

  // The tender's keys, only ever wrapped under a master key that is not in the database.
  await sql`
    create table tender_keys (
      authority_id uuid not null,
      tender_id uuid not null,
      master_key_id text not null check (char_length(master_key_id) between 1 and 64),
      public_key text not null,
      wrapped_data_key text not null,
      wrapped_index_key text not null,
      created_at timestamptz not null,
      rewrapped_at timestamptz,
      primary key (authority_id, tender_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);

  await sql`
    create table tender_evaluators (
      authority_id uuid not null,
      tender_id uuid not null,
      user_id uuid not null references users (id),
      assigned_at timestamptz not null,
      primary key (authority_id, tender_id, user_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);

  // A bid: the bidder's tag (an HMAC, not its id), one ciphertext holding every part of it, the
  // SHA-256 of its canonical content (the receipt) and the server time it was received.
  await sql`
    create table bids (
      authority_id uuid not null,
      id uuid not null,
      tender_id uuid not null,
      bidder_tag text not null check (char_length(bidder_tag) between 1 and 100),
      sealed text not null,
      content_sha256 text not null check (content_sha256 ~ '^[0-9a-f]{64}$'),
      received_at timestamptz not null,
      status text not null check (status in ('current', 'replaced', 'withdrawn')),
      ended_at timestamptz,
      organisation_id uuid references organisations (id) on delete set null,
      integrity text check (integrity in ('verified', 'broken')),
      primary key (authority_id, id),
      unique (authority_id, tender_id, content_sha256),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check ((status = 'current') = (ended_at is null))
    )`.execute(db);
  await sql`
    create unique index bids_one_current on bids (authority_id, tender_id, bidder_tag)
    where status = 'current'`.execute(db);
  // What was received is never changed: only its status, and what opening learns.
  await sql`
    create function bids_sealed_immutable() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'A received bid cannot be deleted';
      end if;
      if new.sealed <> old.sealed or new.content_sha256 <> old.content_sha256
        or new.received_at <> old.received_at or new.bidder_tag <> old.bidder_tag
        or new.tender_id <> old.tender_id then
        raise exception 'A received bid cannot be changed';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger bids_sealed_immutable before update or delete on bids
    for each row execute function bids_sealed_immutable()`.execute(db);

  // A bid's documents, each sealed like the bid (name, type and bytes); the bid's content lists
  // each one's SHA-256, so the receipt covers them.
  await sql`
    create table bid_documents (
      authority_id uuid not null,
      bid_id uuid not null,
      position integer not null check (position >= 1),
      sealed text not null,
      primary key (authority_id, bid_id, position),
      foreign key (authority_id, bid_id) references bids (authority_id, id)
    )`.execute(db);
  await sql`
    create function bid_documents_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'A received bid document cannot be changed or deleted';
    end $$`.execute(db);
  await sql`
    create trigger bid_documents_immutable before update or delete on bid_documents
    for each row execute function bid_documents_immutable()`.execute(db);

  await sql`
    create table tender_openings (
      authority_id uuid not null,
      tender_id uuid not null,
      first_opener_id uuid not null references users (id),
      first_confirmed_at timestamptz not null,
      second_opener_id uuid references users (id),
      opened_at timestamptz,
      bids_opened integer check (bids_opened >= 0),
      primary key (authority_id, tender_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id),
      check (second_opener_id is null or second_opener_id <> first_opener_id),
      check ((second_opener_id is null) = (opened_at is null))
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists tender_openings`.execute(db);
  await sql`drop table if exists bid_documents`.execute(db);
  await sql`drop function if exists bid_documents_immutable()`.execute(db);
  await sql`drop table if exists bids`.execute(db);
  await sql`drop function if exists bids_sealed_immutable()`.execute(db);
  await sql`drop table if exists tender_evaluators`.execute(db);
  await sql`drop table if exists tender_keys`.execute(db);
  await sql`drop table if exists tender_documents`.execute(db);
  await sql`drop table if exists tender_criteria`.execute(db);
  await sql`drop table if exists tender_conditions`.execute(db);
  await sql`drop table if exists tender_lots`.execute(db);
  await sql`drop table if exists tenders`.execute(db);
}
