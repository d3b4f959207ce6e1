/**
 * The Community Right to Challenge (Localism Act 2011, ss.81–86; issue 4, items 6–9): the module's
 * tables, typed once. `Database` (src/db/database.ts) extends `ChallengeTables`.
 */
import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

/**
 * The states of an expression of interest: drafted by the body, submitted, considered by the
 * authority, then decided once (accepted, modified — accepted with the body's agreement to a
 * modification — or rejected); the body may withdraw it before the decision.
 */
export const CHALLENGE_STATUSES = [
  "draft",
  "submitted",
  "considered",
  "accepted",
  "modified",
  "rejected",
  "withdrawn",
] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

export const DECISIONS = ["accepted", "modified", "rejected"] as const;
export type Decision = (typeof DECISIONS)[number];

/** Who challenges: an organisation that is a relevant body, or two or more of the authority's employees. */
export const APPLICANT_TYPES = ["organisation", "employees"] as const;
export type ApplicantType = (typeof APPLICANT_TYPES)[number];

/**
 * The grounds on which an authority may reject an EOI — and only these (Localism Act 2011 s.83(6);
 * The Community Right to Challenge (Fire and Rescue Authorities and Rejection of Expressions of
 * Interest) (England) Regulations 2012, SI 2012/1647, Schedule, paragraphs 1 to 10, in order;
 * DOMAIN.md §2).
 */
export const REJECTION_GROUNDS = [
  /** 1: it does not comply with the requirements of s.81 or the regulations under it. */
  "not-compliant",
  /** 2: information in it is, in a material particular, inadequate or inaccurate. */
  "information-inadequate",
  /** 3: the body, a member of its consortium or a sub-contractor it names is not suitable. */
  "body-unsuitable",
  /** 4: the authority has decided, in writing, to stop providing the service. */
  "service-to-stop",
  /**
   * 5: the service is provided to people who also receive a service provided or arranged by an NHS
   * body that is integrated with it, and continued integration is critical to their well-being.
   */
  "nhs-integration",
  /** 6: the service is already the subject of a procurement exercise. */
  "already-procured",
  /** 7: the authority and a third party are negotiating, at least in part in writing, to provide it. */
  "in-negotiation",
  /** 8: the authority has published its intention to consider an employee-led body providing it. */
  "mutual-intention-published",
  /** 9: the EOI is frivolous or vexatious. */
  "frivolous-or-vexatious",
  /** 10: accepting it would be likely to contravene an enactment or rule of law, or a statutory duty. */
  "breaks-the-law",
] as const;
export type RejectionGround = (typeof REJECTION_GROUNDS)[number];

export const AGREEMENT_KINDS = ["platform", "written"] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

/**
 * A co-signatory of an employees' EOI as the lead names them: personal data, never published, logged
 * or audited. `email` is their work address, on one of the authority's staff email domains: they
 * confirm from an account whose verified address it is.
 */
export interface CoSignatory {
  name: string;
  jobTitle: string;
  email: string;
}

/** An authority's published Right to Challenge policy. One row per authority. */
export interface ChallengePoliciesTable {
  authority_id: string;
  /** Within how many days of an EOI's submission the authority decides on it. */
  decision_period_days: number;
  /** The least and most days between accepting an EOI and starting the procurement exercise. */
  min_procurement_days: number;
  max_procurement_days: number;
  published_at: Date;
  updated_at: Date;
}

/** A window for EOIs for one service (dates inclusive, Europe/London). */
export interface ChallengeWindowsTable {
  authority_id: string;
  id: string;
  service_id: string;
  /** YYYY-MM-DD. */
  opens_on: string;
  closes_on: string;
  created_at: Date;
}

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** An expression of interest. A tenant table keyed by (authority_id, id). */
export interface ChallengesTable {
  authority_id: string;
  id: string;
  service_id: string;
  applicant_type: ApplicantType;
  organisation_id: string | null;
  /** Who drafted it: a member of the organisation, or the lead employee. */
  lead_user_id: string | null;
  // The statutory content (Localism Act 2011 s.81(1)(b); SI 2012/1313, reg. 3 and Schedule 1).
  financial_resources: ColumnType<string, string | undefined, string>;
  partners: ColumnType<string, string | undefined, string>;
  capability_evidence: ColumnType<string, string | undefined, string>;
  service_area: ColumnType<string, string | undefined, string>;
  outcomes: ColumnType<string, string | undefined, string>;
  user_needs: ColumnType<string, string | undefined, string>;
  /** An employees' EOI: how they will engage the other employees affected (Schedule 1). */
  employee_engagement: ColumnType<string, string | undefined, string>;
  status: ChallengeStatus;
  submitted_at: Nullable<Date>;
  /** YYYY-MM-DD: submitted (London date) + the policy's decision period, fixed at submission. */
  decision_due: Nullable<string>;
  considered_on: Nullable<string>;
  considered_by: Nullable<string>;
  evidence_weighed: Nullable<string>;
  consideration_recorded_at: Nullable<Date>;
  modification: Nullable<string>;
  modification_grounds: Nullable<RejectionGround[]>;
  modification_proposed_at: Nullable<Date>;
  agreement_kind: Nullable<AgreementKind>;
  agreed_on: Nullable<string>;
  agreement_evidence: Nullable<string>;
  agreement_recorded_at: Nullable<Date>;
  decision: Nullable<Decision>;
  rejection_grounds: Nullable<RejectionGround[]>;
  reasons: Nullable<string>;
  decided_at: Nullable<Date>;
  withdrawn_at: Nullable<Date>;
  created_at: Date;
  updated_at: Date;
}

/**
 * One co-signatory of an employees' EOI, in the order named. Personal data: never published, logged
 * or audited. `email` is null only for those named before work addresses were asked for (never
 * confirmed); `user_id` and `confirmed_at`: who confirmed, and when, from an account whose verified
 * address `email` is. Changing the EOI's content clears every confirmation.
 */
export interface ChallengeCoSignatoriesTable {
  authority_id: string;
  challenge_id: string;
  position: number;
  name: string;
  job_title: string;
  email: string | null;
  user_id: Nullable<string>;
  confirmed_at: Nullable<Date>;
}

/**
 * An authority's staff email domains, set by its administrators: a person whose verified email
 * address is on one of them is its employee (lower case, no "@"; exact domains, not subdomains).
 */
export interface ChallengeStaffDomainsTable {
  authority_id: string;
  domain: string;
  added_at: Date;
}

export interface ChallengeTables {
  challenge_policies: ChallengePoliciesTable;
  challenge_windows: ChallengeWindowsTable;
  challenges: ChallengesTable;
  challenge_co_signatories: ChallengeCoSignatoriesTable;
  challenge_staff_domains: ChallengeStaffDomainsTable;
}

export type ChallengePolicy = Selectable<ChallengePoliciesTable>;
export type ChallengeWindow = Selectable<ChallengeWindowsTable>;
export type Challenge = Selectable<ChallengesTable>;
export type NewChallenge = Insertable<ChallengesTable>;
export type ChallengeUpdate = Updateable<ChallengesTable>;
export type CoSignatoryRow = Selectable<ChallengeCoSignatoriesTable>;
export type NewCoSignatoryRow = Insertable<ChallengeCoSignatoriesTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends ChallengeTables {}
}
