/**
 * The barriers register (issue 20, item 5): barriers logged against an authority and its answers.
 * The tables are in `src/db/migrations/2026-12-23-03-barriers.ts`. `Database` (src/db/database.ts)
 * extends this.
 */
import type { Insertable, Selectable } from "kysely";

/** What a barrier is about: one of the authority's tenders, the authority itself, or a policy. */
export const BARRIER_SUBJECTS = ["tender", "authority", "policy"] as const;
export type BarrierSubject = (typeof BARRIER_SUBJECTS)[number];

/** The authority's answers, in the order they may come. */
export const ANSWER_KINDS = ["acknowledged", "accepted", "disputed", "resolved"] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** A barrier's status: open until answered, then its latest answer's kind. */
export const BARRIER_STATUSES = ["open", ...ANSWER_KINDS] as const;
export type BarrierStatus = (typeof BARRIER_STATUSES)[number];

export interface BarriersTable {
  authority_id: string;
  id: string;
  /** A code of the vocabulary (kinds.ts). */
  kind: string;
  subject: BarrierSubject;
  /** The tender it is about (subject "tender"). */
  tender_id: string | null;
  /** The policy it is about, and a link to it (subject "policy"). */
  policy: string | null;
  policy_url: string | null;
  description: string;
  /** Who logged it (null once their account is gone). */
  logged_by: string | null;
  /** The organisation they logged it for (null: a public body's people). */
  organisation_id: string | null;
  /** That organisation's sector when it was logged ("public-body" for a public body's people). */
  logger_sector: string;
  /** Shown to the public without who logged it (the authority still sees who). */
  anonymous: boolean;
  logged_at: Date;
  /** The last London day of the answering period (clock.ts). */
  answer_due_on: string;
  status: BarrierStatus;
  /** The first answer in substance (accepted, disputed, resolved): what stops the clock. */
  first_answered_at: Date | null;
  resolved_at: Date | null;
  /** The London day the authority's people were reminded that the last day nears (the daily sweep). */
  reminded_on: string | null;
  /** The London day they were told it had passed with no answer in substance (the daily sweep). */
  overdue_told_on: string | null;
}

export interface BarrierAnswersTable {
  authority_id: string;
  id: string;
  barrier_id: string;
  kind: AnswerKind;
  text: string;
  answered_by: string | null;
  answered_at: Date;
}

/** A document the logger evidences a barrier with (`2026-12-24-02-barrier-evidence`), kept in the file store. */
export interface BarrierEvidenceTable {
  authority_id: string;
  id: string;
  barrier_id: string;
  /** The name the uploader gave (no folder). */
  filename: string;
  /** The type found from the content. */
  media_type: string;
  size_bytes: number;
  sha256: string;
  file_key: string;
  /** The logger lets the public download it. */
  public: boolean;
  uploaded_by: string | null;
  uploaded_at: Date;
}

export type Barrier = Selectable<BarriersTable>;
export type BarrierEvidence = Selectable<BarrierEvidenceTable>;
export type NewBarrier = Insertable<BarriersTable>;
export type BarrierAnswer = Selectable<BarrierAnswersTable>;

export interface BarriersTables {
  barriers: BarriersTable;
  barrier_answers: BarrierAnswersTable;
  barrier_evidence: BarrierEvidenceTable;
}

declare module "../../db/database.ts" {
  interface Database extends BarriersTables {}
}
