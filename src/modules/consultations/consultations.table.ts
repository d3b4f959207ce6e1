/** Consultations on a service's shape and on policy (issue 4, item 5): the module's tables, typed once. `Database` (src/db/database.ts) extends this. */
import type { ColumnType, Insertable, Selectable } from "kysely";

/** Preliminary market engagement on a commissioning project's service shape, or a policy consultation. */
export const CONSULTATION_KINDS = ["market-engagement", "policy"] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

/** What is stored; "closed" is derived from the clock (now ≥ closes_at) and never stored. */
export const STORED_STATUSES = ["draft", "open", "summary-published"] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

/** What people see: the stored status with "closed" derived from the clock. */
export const CONSULTATION_STATUSES = ["draft", "open", "closed", "summary-published"] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** A consultation, run by `authority_id`. A tenant table keyed by (authority_id, id). */
export interface ConsultationsTable {
  authority_id: string;
  id: string;
  kind: ConsultationKind;
  /** The commissioning project (of the same authority) a market engagement is about; null for policy. */
  project_id: string | null;
  title: string;
  summary: string;
  /** Who it is for: the people and organisations the authority wants to hear from. */
  audience: string;
  /** When it closes (UTC; entered and shown in Europe/London). */
  closes_at: Date;
  status: StoredStatus;
  created_at: Date;
  updated_at: Date;
  published_at: Nullable<Date>;
  /** The commissioner's introduction to "you said, we did". */
  summary_text: ColumnType<string, string | undefined, string>;
  summary_published_at: Nullable<Date>;
}

/** The draft specification, in ordered sections. Ids are kept once published (OCDS). */
export interface ConsultationSectionsTable {
  authority_id: string;
  consultation_id: string;
  id: string;
  /** 1, 2, 3… in the order shown. */
  position: number;
  heading: string;
  body: string;
}

export interface ConsultationQuestionsTable {
  authority_id: string;
  consultation_id: string;
  section_id: string;
  id: string;
  position: number;
  text: string;
}

export const RESPONDENT_KINDS = ["organisation", "individual"] as const;
export type RespondentKind = (typeof RESPONDENT_KINDS)[number];

/**
 * One response per respondent: an organisation (through one of its people) or a person as
 * themselves. Changeable until the consultation closes.
 */
export interface ConsultationResponsesTable {
  authority_id: string;
  consultation_id: string;
  id: string;
  respondent_kind: RespondentKind;
  /** Who sent it (last): personal data, shown only to the authority's editors. */
  user_id: string;
  organisation_id: string | null;
  /** The organisation's (effective) sector when it responded, for "A provider (charity)". */
  organisation_sector: string | null;
  /** The respondent agrees that their name (or their organisation's) is shown publicly. */
  show_name: boolean;
  created_at: Date;
  updated_at: Date;
}

/** What a response says on one section: comments, the two options and an alternative model. */
export interface ConsultationResponseSectionsTable {
  authority_id: string;
  consultation_id: string;
  response_id: string;
  section_id: string;
  comments: string;
  could_be_different: boolean;
  could_deliver: boolean;
  alternative_model: string;
}

export interface ConsultationAnswersTable {
  authority_id: string;
  consultation_id: string;
  response_id: string;
  question_id: string;
  answer: string;
}

/** "You said, we did": what the authority did about one point (a response's section with content). */
export interface ConsultationPointAnswersTable {
  authority_id: string;
  consultation_id: string;
  response_id: string;
  section_id: string;
  we_did: string;
  answered_by: string | null;
  answered_at: Date;
}

export interface ConsultationTables {
  consultations: ConsultationsTable;
  consultation_sections: ConsultationSectionsTable;
  consultation_questions: ConsultationQuestionsTable;
  consultation_responses: ConsultationResponsesTable;
  consultation_response_sections: ConsultationResponseSectionsTable;
  consultation_answers: ConsultationAnswersTable;
  consultation_point_answers: ConsultationPointAnswersTable;
}

export type Consultation = Selectable<ConsultationsTable>;
export type NewConsultation = Insertable<ConsultationsTable>;
export type ConsultationSection = Selectable<ConsultationSectionsTable>;
export type ConsultationQuestion = Selectable<ConsultationQuestionsTable>;
export type ConsultationResponseRow = Selectable<ConsultationResponsesTable>;
export type ConsultationResponseSection = Selectable<ConsultationResponseSectionsTable>;
export type ConsultationAnswer = Selectable<ConsultationAnswersTable>;
export type ConsultationPointAnswer = Selectable<ConsultationPointAnswersTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends ConsultationTables {}
}
