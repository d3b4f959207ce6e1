/**
 * The spin-out path's tables (migration 2026-12-23-02-mutuals): proposals, their team, each stage's
 * owner and dates, checklist items done, and an authority's published decision period.
 */
import type { ColumnType, Selectable } from "kysely";
import type { StageId } from "./stages.ts";

export const DECISIONS = ["approved", "refused"] as const;
export type Decision = (typeof DECISIONS)[number];
export const SURVIVAL = ["trading", "merged", "closed"] as const;
export type Survival = (typeof SURVIVAL)[number];

/** A London date, "YYYY-MM-DD" (PostgreSQL `date`, read as text). */
type DateText = ColumnType<string, string, string>;
type NullableDateText = ColumnType<string | null, string | null | undefined, string | null>;

export interface SpinoutSettingsTable {
  authority_id: string;
  decision_period_working_days: number;
  set_by: string | null;
  set_at: Date;
}

export interface SpinoutProposalsTable {
  authority_id: string;
  id: string;
  service_id: string;
  title: string;
  summary: string;
  proposer_id: string;
  stage: StageId;
  challenge_id: string | null;
  created_at: Date;
  approval_asked_on: NullableDateText;
  decision: Decision | null;
  decision_reasons: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  organisation_id: string | null;
  staff_transferred: number | null;
  spun_out_on: NullableDateText;
  survival: Survival | null;
  survival_on: NullableDateText;
}

export interface SpinoutMembersTable {
  authority_id: string;
  proposal_id: string;
  user_id: string;
  added_at: Date;
}

export interface SpinoutStagesTable {
  authority_id: string;
  proposal_id: string;
  stage: StageId;
  owner_id: string | null;
  started_on: DateText;
  target_on: NullableDateText;
  done_on: NullableDateText;
}

export interface SpinoutChecksTable {
  authority_id: string;
  proposal_id: string;
  item: string;
  done_by: string;
  done_at: Date;
}

/** A document the team uploaded to the stage the proposal was at; its bytes in the file store. */
export interface SpinoutDocumentsTable {
  authority_id: string;
  id: string;
  proposal_id: string;
  stage: StageId;
  file_key: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string | null;
  uploaded_at: Date;
}

export interface MutualsTables {
  spinout_settings: SpinoutSettingsTable;
  spinout_proposals: SpinoutProposalsTable;
  spinout_members: SpinoutMembersTable;
  spinout_stages: SpinoutStagesTable;
  spinout_checks: SpinoutChecksTable;
  spinout_documents: SpinoutDocumentsTable;
}

export type SpinoutProposal = Selectable<SpinoutProposalsTable>;
export type SpinoutStage = Selectable<SpinoutStagesTable>;
export type SpinoutDocument = Selectable<SpinoutDocumentsTable>;

declare module "../../db/database.ts" {
  interface Database extends MutualsTables {}
}
