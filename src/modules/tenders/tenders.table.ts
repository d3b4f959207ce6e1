/** Tenders and sealed electronic bids (issue 5): the module's tables, typed once. `Database` (src/db/database.ts) extends this. */
import type { Insertable, Selectable } from "kysely";

export const PROCEDURES = ["open", "competitive-flexible"] as const;
export type Procedure = (typeof PROCEDURES)[number];
export const PRICING_MODES = ["competitive", "fixed-price", "tariff"] as const;
export type PricingMode = (typeof PRICING_MODES)[number];
export const VAT_TREATMENTS = ["exclusive", "inclusive", "exempt"] as const;
export type VatTreatment = (typeof VAT_TREATMENTS)[number];
/** `accreditation`: scored by the platform from the bidder's accreditation against a standard (standards). */
export const CRITERION_KINDS = ["quality", "price", "social-value", "accreditation"] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];
/** What is stored; "open", "closed" and "opened" are derived from the clock and `opened_at`. */
export const STORED_TENDER_STATUSES = ["draft", "published", "cancelled"] as const;
export type StoredTenderStatus = (typeof STORED_TENDER_STATUSES)[number];
export const BID_STATUSES = ["current", "replaced", "withdrawn"] as const;
export type BidStatus = (typeof BID_STATUSES)[number];

/** A tender of a commissioning project; a tenant table keyed by (authority_id, id). */
export interface TendersTable {
  authority_id: string;
  id: string;
  project_id: string;
  title: string;
  description: string;
  procedure: Procedure;
  /** For the competitive flexible procedure: its stages, described. */
  stages: string;
  pricing_mode: PricingMode;
  /** Integer pence: the published price of a fixed-price tender; null otherwise. */
  fixed_price_pence: bigint | null;
  /** The published tariff of a tariff tender. */
  tariff: string;
  /** Scores run from 0 to this. */
  scoring_scale_max: number;
  /** Reserved to qualifying public service mutuals (Procurement Act 2023, s.33). */
  reserved: boolean;
  contract_term_months: number;
  tupe_applies: boolean;
  tupe_staff_count: number | null;
  tupe_annual_cost_pence: bigint | null;
  tupe_terms: string;
  /** Pension terms (New Fair Deal). */
  pension_terms: string;
  vat_treatment: VatTreatment;
  vat_note: string;
  clarification_deadline: Date;
  submission_deadline: Date;
  status: StoredTenderStatus;
  published_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  opened_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface TenderLotsTable {
  authority_id: string;
  id: string;
  tender_id: string;
  position: number;
  title: string;
  description: string;
  estimated_value_pence: bigint;
}

export interface TenderConditionsTable {
  authority_id: string;
  tender_id: string;
  position: number;
  text: string;
}

export interface TenderCriteriaTable {
  authority_id: string;
  id: string;
  tender_id: string;
  /** A sub-criterion's criterion; null at the top level. */
  parent_id: string | null;
  position: number;
  kind: CriterionKind;
  title: string;
  description: string;
  /** Basis points of the whole: top-level weights sum to 10,000; sub-criteria to their parent's. */
  weight_bp: number;
  /** The standard an `accreditation` criterion scores (standards' table); null for every other kind. */
  standard_id: string | null;
}

/** The tender pack's documents; the bytes are in the file store under `file_key`. */
export interface TenderDocumentsTable {
  authority_id: string;
  id: string;
  tender_id: string;
  position: number;
  title: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  file_key: string;
  uploaded_at: Date;
}

/** A bid's document, sealed: its bytes in the file store (`sealed_file`), or here before that was so. */
export interface BidDocumentsTable {
  authority_id: string;
  bid_id: string;
  position: number;
  sealed: string | null;
  /** The file store's key of the sealed bytes (`sealStream`). */
  sealed_file: string | null;
}

/** The tender's keys, wrapped under the master key `master_key_id` names (never the key itself). */
export interface TenderKeysTable {
  authority_id: string;
  tender_id: string;
  master_key_id: string;
  /** The X25519 public key bids are sealed to (SPKI DER, base64url). */
  public_key: string;
  /** The matching private key, wrapped: only the opening unwraps it. */
  wrapped_data_key: string;
  wrapped_index_key: string;
  created_at: Date;
  rewrapped_at: Date | null;
}

/** Evaluators assigned to a tender: with its bid openers, the only readers of opened bids. */
export interface TenderEvaluatorsTable {
  authority_id: string;
  tender_id: string;
  user_id: string;
  assigned_at: Date;
}

/** A received bid, sealed. Nothing in it names the bidder until the tender is opened. */
export interface BidsTable {
  authority_id: string;
  id: string;
  tender_id: string;
  /** HMAC of the bidding organisation's id under the tender's index key. */
  bidder_tag: string;
  /** AES-256-GCM of the bid's canonical content under the tender's data key. */
  sealed: string;
  /** SHA-256 (hex) of the canonical content: the bidder's receipt. */
  content_sha256: string;
  /** Server time of receipt, taken just before the commit. */
  received_at: Date;
  status: BidStatus;
  ended_at: Date | null;
  /** Learnt at opening. */
  organisation_id: string | null;
  integrity: "verified" | "broken" | null;
}

/**
 * A bidder's copy of a bid's canonical content, encrypted under a key only the bidder's browser
 * holds (the server keeps none): downloadable from the confirmation page until `expires_at`, and
 * removed when the tender's bids are opened. It names no bidder.
 */
export interface BidCopiesTable {
  authority_id: string;
  bid_id: string;
  tender_id: string;
  /** AES-256-GCM of the padded canonical content under the bidder's copy key. */
  locked: string;
  expires_at: Date;
}

export interface TenderOpeningsTable {
  authority_id: string;
  tender_id: string;
  first_opener_id: string;
  first_confirmed_at: Date;
  second_opener_id: string | null;
  opened_at: Date | null;
  bids_opened: number | null;
}

/**
 * An organisation's interest in a published tender. Bidding needs it, and everyone registered is
 * told of answers, amendments and cancellation — so bidders are reached without unsealing who bid.
 */
export interface TenderInterestsTable {
  authority_id: string;
  tender_id: string;
  organisation_id: string;
  registered_by: string;
  registered_at: Date;
}

/** A clarification question; answering publishes it (numbered, without the asker's name), fixed by a trigger. */
export interface TenderQuestionsTable {
  authority_id: string;
  id: string;
  tender_id: string;
  organisation_id: string;
  asked_by: string;
  question: string;
  asked_at: Date;
  /** Set when answered: the order of publication. */
  number: number | null;
  /** The question as published: the asker's words, or the commissioner's neutral wording of them. */
  published_question: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
}

/** A change of a published tender's terms, published with its reason; fixed by a trigger. */
export interface TenderAmendmentsTable {
  authority_id: string;
  id: string;
  tender_id: string;
  number: number;
  reason: string;
  /** The names of the fields changed (as in the API). */
  changed: string[];
  previous_submission_deadline: Date;
  submission_deadline: Date;
  previous_clarification_deadline: Date;
  clarification_deadline: Date;
  /** Whether bids had arrived (the deadline then had to move by at least the minimum). */
  bids_received: boolean;
  made_by: string;
  made_at: Date;
}

export interface TenderTables {
  tenders: TendersTable;
  tender_lots: TenderLotsTable;
  tender_conditions: TenderConditionsTable;
  tender_criteria: TenderCriteriaTable;
  tender_documents: TenderDocumentsTable;
  bid_documents: BidDocumentsTable;
  tender_keys: TenderKeysTable;
  tender_evaluators: TenderEvaluatorsTable;
  bids: BidsTable;
  bid_copies: BidCopiesTable;
  tender_openings: TenderOpeningsTable;
  tender_interests: TenderInterestsTable;
  tender_questions: TenderQuestionsTable;
  tender_amendments: TenderAmendmentsTable;
}

export type Tender = Selectable<TendersTable>;
export type NewTender = Insertable<TendersTable>;
export type TenderLot = Selectable<TenderLotsTable>;
export type TenderCriterion = Selectable<TenderCriteriaTable>;
export type Bid = Selectable<BidsTable>;
export type NewBid = Insertable<BidsTable>;
export type TenderOpening = Selectable<TenderOpeningsTable>;
export type TenderDocument = Selectable<TenderDocumentsTable>;
export type TenderQuestion = Selectable<TenderQuestionsTable>;
export type TenderAmendment = Selectable<TenderAmendmentsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends TenderTables {}
}
