import type { ColumnType, Insertable, Selectable } from "kysely";

/** The areas a consumer champion covers, by GSS code (a champion is a public body: `authorities`). */
export interface ChampionAreasTable {
  champion_id: string;
  area_code: string;
  added_by: string | null;
  added_at: Date;
}

export const REPORT_STATES = ["draft", "published", "withdrawn"] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/**
 * A champion's report: a draft its people may change, then published (public, never changed: a
 * correction is a new version with its note) or withdrawn with a reason. The text is the latest
 * version's.
 */
export interface ChampionReportsTable {
  champion_id: string;
  id: string;
  state: ReportState;
  title: string;
  summary: string;
  body: string;
  /** The area it is about (one the champion covers). */
  area_code: string;
  /** The service type it is about (a service category code); null for every type. */
  category_code: string | null;
  /** The version published; 0 while a draft. */
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  withdrawn_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  withdrawal_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** A document attached when it was written: the file store's key, its name, type and size. */
  document_key: ColumnType<string | null, string | null | undefined, string | null>;
  document_filename: ColumnType<string | null, string | null | undefined, string | null>;
  document_media_type: ColumnType<string | null, string | null | undefined, string | null>;
  document_size: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Each published version of a report, as it was published (frozen by a trigger). */
export interface ChampionReportVersionsTable {
  champion_id: string;
  report_id: string;
  version: number;
  title: string;
  summary: string;
  body: string;
  /** What a correction changed and why; null for the first version. */
  note: string | null;
  published_by: string | null;
  published_at: Date;
}

export type ChampionArea = Selectable<ChampionAreasTable>;
export type ChampionReport = Selectable<ChampionReportsTable>;
export type NewChampionReport = Insertable<ChampionReportsTable>;
export type ChampionReportVersion = Selectable<ChampionReportVersionsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    champion_areas: ChampionAreasTable;
    champion_reports: ChampionReportsTable;
    champion_report_versions: ChampionReportVersionsTable;
  }
}

// Feedback beside the ratings (issue 17, item 8; docs/feedback.md)

export const FEEDBACK_STATES = ["held", "published", "rejected"] as const;
export type FeedbackState = (typeof FEEDBACK_STATES)[number];

/** A person's review of a provider: one per person and provider; a new one is a new version. */
export interface FeedbackReviewsTable {
  id: string;
  organisation_id: string;
  authority_id: string;
  /** The person (never shown; the audit trail records a personal reference). */
  person_id: string;
  /** The person's area (shown: "in Westshire"). */
  area_code: string;
  category_code: string;
  /** The month of the service, YYYY-MM. */
  service_month: string;
  stars: number;
  text: string;
  state: FeedbackState;
  version: number;
  /** Why the automatic check held it for moderation. */
  held_reason: string | null;
  /** A moderator's reason for an edit or a rejection. */
  moderation_reason: string | null;
  reply: string | null;
  reply_version: ColumnType<number, number | undefined, number>;
  replied_at: Date | null;
  /** The version of the review the reply answered: below `version` once the person left a new one. */
  reply_to_version: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Date;
  /** When anyone last changed it: the person, a moderator, the provider's reply. */
  updated_at: Date;
  published_at: Date | null;
  /** When the person last left it: its 7 years of keeping run from here (a moderator never moves it). */
  left_at: Date;
}

/** Every text of a review as it was: the person's, a moderator's edit with its reason, the provider's reply. */
export interface FeedbackVersionsTable {
  review_id: string;
  seq: number;
  kind: "review" | "moderation" | "reply";
  stars: number | null;
  text: string;
  reason: string | null;
  by_user: string | null;
  at: Date;
  /** When its text was replaced because a moderator removed personal data from the review. */
  redacted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The published reviews per provider, service type and rating (kept with each change). */
export interface FeedbackFiguresTable {
  organisation_id: string;
  category_code: string;
  stars: number;
  reviews: number;
}

export type FeedbackReview = Selectable<FeedbackReviewsTable>;
export type FeedbackVersion = Selectable<FeedbackVersionsTable>;

declare module "../../db/database.ts" {
  interface Database {
    feedback_reviews: FeedbackReviewsTable;
    feedback_versions: FeedbackVersionsTable;
    feedback_figures: FeedbackFiguresTable;
  }
}
