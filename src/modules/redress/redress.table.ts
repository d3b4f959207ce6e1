/**
 * Complaints, the first tier (issue 18, items 1–3): the module's tables, typed once. `Database`
 * (src/db/database.ts) extends this. Tenant tables keyed by (authority_id, …): the responsible
 * authority. The complainant's personal data (contact_*, what_happened, outcome_wanted) is only here.
 */
import type { Generated, Insertable, Selectable } from "kysely";
import type { Nation } from "../../lib/working-days.ts";
import type { BodyKind } from "./clocks.ts";
import type { RegimeCode } from "./regimes.ts";

export const ABOUT = ["organisation", "authority"] as const;
export type About = (typeof ABOUT)[number];

/** Who answers first: the provider complained about, or an authority (complained about, or commissioning and preferred). */
export const ANSWERERS = ["provider", "authority"] as const;
export type Answerer = (typeof ANSWERERS)[number];

/** Why the responsible authority is this one. */
export type ResponsibleAs = "complained-about" | "commissioner" | "area";

/** For oneself, a person one acts for, as a member of the public, or (commissioning) for one's organisation. */
export const ACTING_AS = ["self", "person", "public", "organisation"] as const;
export type ActingAs = (typeof ACTING_AS)[number];

export const COMPLAINT_STATUSES = [
  "unverified",
  "open",
  "answered",
  "accepted",
  "declined",
  "escalated",
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const FINDINGS = ["upheld", "partly-upheld", "not-upheld"] as const;
export type Finding = (typeof FINDINGS)[number];

export interface ComplaintsTable {
  authority_id: string;
  id: string;
  reference: string;
  regime: RegimeCode;
  about: About;
  organisation_id: string | null;
  answerer: Answerer;
  responsible_as: ResponsibleAs;
  no_commissioner_found: boolean;
  body_kind: BodyKind;
  nation: Nation;
  complainant_id: string | null;
  acting_as: ActingAs;
  person_authority_id: string | null;
  person_id: string | null;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  what_happened: string;
  happened_on: string;
  knew_on: string | null;
  outcome_wanted: string;
  consent_at: Date;
  received_on: string;
  time_limit_ends_on: string;
  in_time: boolean;
  late_decision: "waived" | "declined" | null;
  late_reason: string;
  stage: number;
  status: ComplaintStatus;
  email_verified_at: Date | null;
  access_token_hash: string | null;
  next_due_on: string | null;
  /** Commissioning (migration 2026-12-21-06): the organisation that complains, for itself. */
  complainant_organisation_id: string | null;
  /**
   * Commissioning: the tender or contract complained about, under the complaint's authority — or
   * (appeals to the adjudicator, migration 2026-12-23-06) a refused spin-out or an unanswered barrier.
   */
  commissioning_kind: "tender" | "contract" | "spin-out" | "barrier" | null;
  commissioning_id: string | null;
  commissioning_title: string;
  /** Commissioning: the service area (a service category code) whose adjudicator is the second tier. */
  service_area: string;
  /** The consumer champion whose people made the complaint for a person. */
  champion_id: string | null;
  /** An appeal: the adjudicator's published grounds it relies on (appeals.ts). */
  appeal_grounds: Generated<string[]>;
  created_at: Date;
  updated_at: Date;
}

export interface ComplaintStagesTable {
  authority_id: string;
  complaint_id: string;
  stage: number;
  received_on: string;
  ack_due_on: string | null;
  acknowledged_on: string | null;
  acknowledged_by: string | null;
  answer_step: "respond" | "panel";
  answer_first_due_on: string | null;
  answer_due_on: string | null;
  extension_reason: string;
  extended_at: Date | null;
  explanation: string;
  explained_on: string | null;
  responded_on: string | null;
  responded_by: string | null;
  finding: Finding | null;
  response: string;
  remedy: string;
  created_at: Date;
}

/** Each extension of a stage's answer, in order, with its reason (migration 2026-12-20-02). */
export interface ComplaintExtensionsTable {
  authority_id: string;
  complaint_id: string;
  stage: number;
  seq: number;
  from_on: string;
  to_on: string;
  reason: string;
  /** A period "as may be agreed": the day the complainant agreed it. */
  agreed_on: string | null;
  extended_by: string | null;
  created_at: Date;
}

/** The second tier (migration 2026-12-21-01): which authority is which ombudsman or adjudicator. */
export const SCHEMES = ["lgsco", "phso", "housing-ombudsman", "adjudicator"] as const;
export type Scheme = (typeof SCHEMES)[number];

export interface SecondTierBodiesTable {
  authority_id: string;
  scheme: Scheme;
  /** '' for an ombudsman; an adjudicator's service area (a service type code). */
  service_area: string;
  created_at: Date;
}

export const CASE_STATUSES = [
  "assessment",
  "declined",
  "investigation",
  "draft",
  "decided",
  "closed",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The ombudsmen's findings: LGSCO and PHSO (fault / injustice), the Housing Ombudsman's (maladministration). */
export const CASE_FINDINGS = [
  "no-fault",
  "fault-no-injustice",
  "fault-injustice",
  "no-maladministration",
  "service-failure",
  "maladministration",
  "severe-maladministration",
] as const;
export type CaseFinding = (typeof CASE_FINDINGS)[number];

/** An escalated complaint at the second tier, kept under the ombudsman's (or adjudicator's) authority. */
export interface OmbudsmanCasesTable {
  authority_id: string;
  id: string;
  reference: string;
  scheme: Scheme;
  complaint_authority_id: string;
  complaint_id: string;
  escalated_by: string | null;
  escalated_on: string;
  file_consent_at: Date;
  early_reason: string;
  mp_referral: string;
  /** The complainant agreed to an anonymised decision being published. */
  publication_consent: boolean;
  time_limit_ends_on: string | null;
  in_time: boolean;
  late_reason: string;
  status: CaseStatus;
  assessed_on: string | null;
  assessed_by: string | null;
  decline_reason: string;
  investigator_id: string | null;
  draft_on: string | null;
  draft_text: string;
  comments_close_on: string | null;
  decided_on: string | null;
  decided_by: string | null;
  finding: CaseFinding | null;
  decision_text: string;
  publication: "publish" | "withhold" | null;
  withheld_reason: string;
  published_summary: string;
  /** An appeal's decision: the adjudicator's grounds it finds (appeals.ts). */
  grounds_found: Generated<string[]>;
  closed_on: string | null;
  next_due_on: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface OmbudsmanCaseCommentsTable {
  authority_id: string;
  case_id: string;
  seq: number;
  side: "complainant" | "body";
  body: string;
  made_by: string | null;
  created_at: Date;
}

export const REMEDY_KINDS = ["apology", "payment", "action", "service-improvement"] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];
export const REMEDY_STATUSES = ["due", "reported", "confirmed"] as const;
export type RemedyStatus = (typeof REMEDY_STATUSES)[number];

/** A remedy a final decision orders: due by a day, reported done with evidence by the body, confirmed by the ombudsman. */
export interface OmbudsmanRemediesTable {
  authority_id: string;
  case_id: string;
  seq: number;
  kind: RemedyKind;
  description: string;
  /** A payment's amount in pence. */
  amount_pence: bigint | null;
  due_on: string;
  body_authority_id: string;
  body_organisation_id: string | null;
  status: RemedyStatus;
  reported_on: string | null;
  reported_by: string | null;
  evidence: string;
  confirmed_on: string | null;
  confirmed_by: string | null;
  returned_reason: string;
  created_at: Date;
  updated_at: Date;
  /** The day the body did it (a payment: the day paid), as it reported. */
  done_on: string | null;
  /** A payment's amount paid, in pence, as the body reported it. */
  paid_pence: bigint | null;
  /** Why the amount paid differs from the amount ordered. */
  amount_note: Generated<string>;
  /** The day the daily sweep flagged it overdue (each remedy told once). */
  overdue_notified_on: string | null;
}

export type OmbudsmanCase = Selectable<OmbudsmanCasesTable>;
export type NewOmbudsmanCase = Insertable<OmbudsmanCasesTable>;
export type OmbudsmanCaseComment = Selectable<OmbudsmanCaseCommentsTable>;
export type OmbudsmanRemedy = Selectable<OmbudsmanRemediesTable>;
export type NewOmbudsmanRemedy = Insertable<OmbudsmanRemediesTable>;

export type Complaint = Selectable<ComplaintsTable>;
export type ComplaintExtension = Selectable<ComplaintExtensionsTable>;
export type NewComplaint = Insertable<ComplaintsTable>;
export type ComplaintStage = Selectable<ComplaintStagesTable>;
export type NewComplaintStage = Insertable<ComplaintStagesTable>;

declare module "../../db/database.ts" {
  interface Database {
    complaints: ComplaintsTable;
    complaint_stages: ComplaintStagesTable;
    complaint_extensions: ComplaintExtensionsTable;
    second_tier_bodies: SecondTierBodiesTable;
    ombudsman_cases: OmbudsmanCasesTable;
    ombudsman_case_comments: OmbudsmanCaseCommentsTable;
    ombudsman_remedies: OmbudsmanRemediesTable;
  }
}
