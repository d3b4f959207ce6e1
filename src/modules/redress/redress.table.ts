/**
 * Complaints, the first tier (issue 18, items 1–3): the module's tables, typed once. `Database`
 * (src/db/database.ts) extends this. Tenant tables keyed by (authority_id, …): the responsible
 * authority. The complainant's personal data (contact_*, what_happened, outcome_wanted) is only here.
 */
import type { Insertable, Selectable } from "kysely";
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

export const ACTING_AS = ["self", "person", "public"] as const;
export type ActingAs = (typeof ACTING_AS)[number];

export const COMPLAINT_STATUSES = ["unverified", "open", "answered", "accepted", "declined"] as const;
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
  }
}
