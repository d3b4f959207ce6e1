/**
 * Regulation of providers: registration, inspections and ratings, enforcement, profiles (issue 7):
 * the module's tables, typed once. `Database` (src/db/database.ts) extends this. The registers are
 * national reference data kept per regulator: every key leads with the regulator's id (a public body
 * of kind `regulator` in `authorities`).
 */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** The four-point rating scale (DOMAIN.md §3), best first. */
export const RATINGS = ["outstanding", "good", "requires-improvement", "inadequate"] as const;
export type Rating = (typeof RATINGS)[number];

/** The five key questions, in the order they are always shown. */
export const KEY_QUESTIONS = ["safe", "effective", "caring", "responsive", "well-led"] as const;
export type KeyQuestion = (typeof KEY_QUESTIONS)[number];

/** The registration lifecycle (DOMAIN.md §3); `refused` ends an application that is not granted. */
export const REGISTRATION_STATUSES = [
  "applied",
  "registered",
  "dormant",
  "suspended",
  "cancelled",
  "refused",
] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const CAPACITY_UNITS = ["beds", "places", "people"] as const;
export type CapacityUnit = (typeof CAPACITY_UNITS)[number];

/** The enforcement ladder (DOMAIN.md §3), mildest first. */
export const ENFORCEMENT_KINDS = [
  "requirement-notice",
  "warning-notice",
  "conditions",
  "special-measures",
  "proposal-to-cancel",
  "cancellation",
] as const;
export type EnforcementKind = (typeof ENFORCEMENT_KINDS)[number];

export const INSPECTION_STATUSES = ["draft-report", "published"] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

export const CHALLENGE_OUTCOMES = ["accepted", "rejected"] as const;
export type ChallengeOutcome = (typeof CHALLENGE_OUTCOMES)[number];

/** Activities a regulator may register a provider to carry on. A national reference table. */
export interface RegulatedActivitiesTable {
  code: string;
  name: string;
  position: number;
}

/** A regulator's regime: its settings. One row per regulator. */
export interface RegulatorRegimesTable {
  regulator_id: string;
  /** Months after an Inadequate rating by which a re-inspection is due. */
  reinspection_months: number;
  /** Working days the provider has to challenge a draft report's factual accuracy. */
  factual_accuracy_working_days: number;
  /** Calendar days for representations after a notice of proposal to cancel. */
  representation_days: number;
  updated_at: Date;
}

/** The service types (service category codes) a regulator covers. */
export interface RegulatorServiceTypesTable {
  regulator_id: string;
  category_code: string;
}

/** The regulated activities a regulator covers. */
export interface RegulatorActivitiesTable {
  regulator_id: string;
  activity_code: string;
}

/** A service location registered (or applying to be) with a regulator by a provider organisation. */
export interface RegistrationsTable {
  regulator_id: string;
  id: string;
  organisation_id: string;
  name: string;
  address_line1: string;
  town: string;
  postcode: string;
  /** The local authority area, by GSS code. */
  area_code: string;
  capacity: number;
  capacity_unit: CapacityUnit;
  registered_manager: string;
  status: RegistrationStatus;
  /** Conditions of registration, if any (public). */
  conditions: string;
  status_reason: string;
  status_changed_at: Date;
  applied_at: Date;
  created_at: Date;
  updated_at: Date;
  /** The latest published inspection: kept by the database as inspections are published or corrected. */
  current_inspection_id: ColumnType<string | null, never, never>;
  /** Its overall rating's rank (0 Outstanding … 3 Inadequate), or 4 when not rated: kept by the database. */
  current_rating_rank: ColumnType<number, never, never>;
}

export interface RegistrationServiceTypesTable {
  regulator_id: string;
  registration_id: string;
  category_code: string;
}

export interface RegistrationActivitiesTable {
  regulator_id: string;
  registration_id: string;
  activity_code: string;
}

/** Every change of a registration's status: dated, with its reason. Append-only. */
export interface RegistrationEventsTable {
  regulator_id: string;
  id: string;
  registration_id: string;
  from_status: RegistrationStatus | null;
  to_status: RegistrationStatus;
  reason: string;
  conditions: string;
  at: Date;
  actor_id: string | null;
}

/** An inspection of a location and its report: the five ratings, the overall one and how it was reached. */
export interface InspectionsTable {
  regulator_id: string;
  id: string;
  registration_id: string;
  /** YYYY-MM-DD. */
  inspected_on: string;
  inspectors: string;
  evidence_summary: string;
  safe: Rating;
  effective: Rating;
  caring: Rating;
  responsive: Rating;
  well_led: Rating;
  breach: boolean;
  breach_details: string;
  /** What the aggregation rules give. */
  calculated_overall: Rating;
  /** The rating given: the calculated one unless the inspector departed from it with a reason. */
  overall: Rating;
  departure_reason: string | null;
  status: InspectionStatus;
  draft_sent_at: Date;
  /** The end of the factual-accuracy period: publishing waits for it. */
  challenge_ends_at: Date;
  published_at: Date | null;
  created_at: Date;
  /** The draft's version: 1 when recorded, one more at each correction (inspection_corrections). */
  version: Generated<number>;
}

/** What a correction changes in a draft report; `previous` keeps it as it was before. */
export interface ReportContent {
  inspectedOn: string;
  inspectors: string;
  evidenceSummary: string;
  ratings: Record<KeyQuestion, Rating>;
  breach: boolean;
  breachDetails: string;
  calculatedOverall: Rating;
  overall: Rating;
  departureReason: string | null;
}

/** A correction of a draft report: the version it made, what was corrected, the report before. Append-only. */
export interface InspectionCorrectionsTable {
  regulator_id: string;
  id: string;
  inspection_id: string;
  /** The version of the draft this correction made (2 for the first). */
  version: number;
  /** What was corrected, in the inspector's words: published with the report. */
  summary: string;
  previous: ColumnType<ReportContent, string, never>;
  corrected_by: string | null;
  corrected_at: Date;
}

/** A provider's challenge to one point of fact in a draft report, and the regulator's answer. */
export interface AccuracyChallengesTable {
  regulator_id: string;
  id: string;
  inspection_id: string;
  point: string;
  submitted_by: string | null;
  submitted_at: Date;
  outcome: ChallengeOutcome | null;
  response: string | null;
  answered_by: string | null;
  answered_at: Date | null;
  /** The version of the draft that reflects an accepted point (null until the draft is corrected). */
  corrected_in: number | null;
}

/** An enforcement action against a location. In force until resolved. */
export interface EnforcementActionsTable {
  regulator_id: string;
  id: string;
  registration_id: string;
  kind: EnforcementKind;
  details: string;
  issued_at: Date;
  /** Notice of proposal to cancel: representations may be made until the end of this day (YYYY-MM-DD). */
  representations_until: string | null;
  /** The inspection that led to it (special measures). */
  inspection_id: string | null;
  resolved_at: Date | null;
  resolution: string | null;
}

export interface RegulationTables {
  regulated_activities: RegulatedActivitiesTable;
  regulator_regimes: RegulatorRegimesTable;
  regulator_service_types: RegulatorServiceTypesTable;
  regulator_activities: RegulatorActivitiesTable;
  registrations: RegistrationsTable;
  registration_service_types: RegistrationServiceTypesTable;
  registration_activities: RegistrationActivitiesTable;
  registration_events: RegistrationEventsTable;
  inspections: InspectionsTable;
  accuracy_challenges: AccuracyChallengesTable;
  inspection_corrections: InspectionCorrectionsTable;
  enforcement_actions: EnforcementActionsTable;
}

export type Registration = Selectable<RegistrationsTable>;
export type NewRegistration = Insertable<RegistrationsTable>;
export type RegistrationEvent = Selectable<RegistrationEventsTable>;
export type Inspection = Selectable<InspectionsTable>;
export type NewInspection = Insertable<InspectionsTable>;
export type AccuracyChallenge = Selectable<AccuracyChallengesTable>;
export type InspectionCorrection = Selectable<InspectionCorrectionsTable>;
export type NewInspectionCorrection = Insertable<InspectionCorrectionsTable>;
export type EnforcementAction = Selectable<EnforcementActionsTable>;
export type RegulatorRegime = Selectable<RegulatorRegimesTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends RegulationTables {}
}
