/**
 * Individual services (issue 17): the people an authority supports, their needs, and their care and
 * support plans with a personal budget. `Database` (src/db/database.ts) extends this. Tenant tables
 * keyed by (authority_id, …). `care_people` holds the only personal data: no open dataset reads it.
 */
import type { Insertable, Selectable } from "kysely";

export const REGIMES = ["adult-social-care", "sen"] as const;
export type Regime = (typeof REGIMES)[number];

export const BUDGET_PERIODS = ["week", "year"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** How a part of a personal budget is delivered (DOMAIN.md §4). */
export const DELIVERIES = ["direct-payment", "managed-by-authority", "managed-by-organisation"] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** A person an authority supports. Personal data: never in open data, logs or error pages. */
export interface CarePeopleTable {
  authority_id: string;
  id: string;
  full_name: string;
  date_of_birth: string;
  email: string | null;
  phone: string | null;
  address: string;
  area_code: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** When the retention job erased the personal fields (7 years after the last plan ended). */
  erased_at: Date | null;
  // `search` (tsvector of the name, generated) is read only through SQL in the repository.
}

/** An assessed eligible need. */
export interface CareNeedsTable {
  authority_id: string;
  id: string;
  person_id: string;
  outcome: string;
  description: string;
  assessed_on: string;
  met_on: string | null;
  created_by: string | null;
  created_at: Date;
}

/** A care and support plan; its budget is its current version's. */
export interface CarePlansTable {
  authority_id: string;
  id: string;
  person_id: string;
  regime: Regime;
  status: "active" | "ended";
  current_version: number;
  started_on: string;
  ended_on: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** The next review as the clocks give it (clocks.ts), kept by the care service; null once ended. */
  next_review_on: string | null;
  /** Which clock gives it (a code of clocks.ts). */
  next_review_clock: string | null;
}

/** Why care staff change a person's details: a code, shown in the reader's language. */
export const PERSON_CHANGE_REASONS = ["correction", "changed", "person-asked"] as const;
export type PersonChangeReason = (typeof PERSON_CHANGE_REASONS)[number];

/** The reasons of a version the system gives (rendered in the reader's language). */
export const VERSION_REASON_CODES = ["plan-agreed"] as const;
export type VersionReasonCode = (typeof VERSION_REASON_CODES)[number];

/** A version of a plan's personal budget, with its reason. Never changed: a change is a new version. */
export interface CarePlanVersionsTable {
  authority_id: string;
  plan_id: string;
  version: number;
  amount_pence: bigint;
  period: BudgetPeriod;
  starts_on: string;
  /** The reason care staff gave; null when the version's reason is a code (`reason_code`). */
  reason: string | null;
  /** A reason the system gives, rendered in the reader's language: the first version's "as agreed". */
  reason_code: VersionReasonCode | null;
  /** An unspent balance above this is flagged for recovery; null: no level agreed. */
  surplus_level_pence: bigint | null;
  created_by: string | null;
  created_at: Date;
}

/** A part of a version's budget: how that much of it is delivered. */
export interface CareBudgetPartsTable {
  authority_id: string;
  plan_id: string;
  version: number;
  part: number;
  delivery: Delivery;
  amount_pence: bigint;
  /** The organisation holding a managed account (managed-by-organisation only). */
  organisation_id: string | null;
}

/** What a review found. */
export const REVIEW_OUTCOMES = ["no-change", "budget-changed", "plan-changed", "plan-ended"] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** A concern raised about a plan (its direct payment, its use): a review falls due (clocks.ts). */
export interface CareConcernsTable {
  authority_id: string;
  id: string;
  plan_id: string;
  raised_on: string;
  description: string;
  created_by: string | null;
  created_at: Date;
}

/** A review done. */
export interface CareReviewsTable {
  authority_id: string;
  id: string;
  plan_id: string;
  reviewed_on: string;
  outcome: ReviewOutcome;
  notes: string;
  created_by: string | null;
  created_at: Date;
}

/** How the holder of an account stands to the person (issue 17, item 4). */
export const RELATIONSHIPS = ["self", "family", "appointee", "advocate"] as const;
/**
 * How a link's holder stands to the person: one of RELATIONSHIPS (an account, invited by care staff),
 * or `champion` — a consumer champion the person appointed, held by the body, not by one account.
 */
export type Relationship = (typeof RELATIONSHIPS)[number] | "champion";
/** Every relationship a link may have. */
export const LINK_RELATIONSHIPS = [...RELATIONSHIPS, "champion"] as const;

/** What the person lets a representative do (the person themself may do all of it). */
export const PERSON_GRANTS = [
  "see-plan",
  "arrange-services",
  "make-payments",
  "give-feedback",
  "complain",
] as const;
export type PersonGrant = (typeof PERSON_GRANTS)[number];

/** An account linked to a person: the person themself or a representative, with the grants given. */
export interface CareLinksTable {
  authority_id: string;
  id: string;
  person_id: string;
  /** The account holding the link; null for a champion's (held by the body). */
  user_id: string | null;
  relationship: Relationship;
  grants: PersonGrant[];
  created_at: Date;
  updated_at: Date;
  revoked_at: Date | null;
  /** The consumer champion holding the link (relationship `champion`); null otherwise. */
  champion_id: string | null;
}

/** An invitation to link an account to a person (the token's SHA-256 only; the address is personal data). */
export interface CareInvitationsTable {
  authority_id: string;
  id: string;
  person_id: string;
  email: string;
  relationship: Relationship;
  grants: PersonGrant[];
  token_hash: string;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_by: string | null;
  revoked_at: Date | null;
  /** When its email was sent; null: not emailed (no mailer, or withdrawn before it went). */
  emailed_at: Date | null;
}

export type CarePerson = Selectable<CarePeopleTable>;
export type NewCarePerson = Insertable<CarePeopleTable>;
export type CareNeed = Selectable<CareNeedsTable>;
export type CarePlan = Selectable<CarePlansTable>;
export type CarePlanVersion = Selectable<CarePlanVersionsTable>;
export type CareBudgetPart = Selectable<CareBudgetPartsTable>;
export type CareConcern = Selectable<CareConcernsTable>;
export type CareReview = Selectable<CareReviewsTable>;
export type CareLink = Selectable<CareLinksTable>;
export type CareInvitation = Selectable<CareInvitationsTable>;

declare module "../../db/database.ts" {
  interface Database {
    care_people: CarePeopleTable;
    care_needs: CareNeedsTable;
    care_plans: CarePlansTable;
    care_plan_versions: CarePlanVersionsTable;
    care_budget_parts: CareBudgetPartsTable;
    care_concerns: CareConcernsTable;
    care_reviews: CareReviewsTable;
    care_links: CareLinksTable;
    care_invitations: CareInvitationsTable;
  }
}
