/** The OCDS releases OpenPS has published (migration `2026-12-10-02-ocds-releases`). */
import type { ColumnType, Selectable } from "kysely";

export interface OcdsReleasesTable {
  authority_id: string;
  /** The release's id: its process's ocid and its place in the process (`<ocid>-<seq>`). */
  id: string;
  ocid: string;
  /** 1 for the process's first release, then 2, 3, … */
  seq: number;
  date: Date;
  tags: string[];
  /** The release as published (JSON text in, parsed out). */
  release: ColumnType<Record<string, unknown>, string, never>;
}

export type OcdsReleaseRow = Selectable<OcdsReleasesTable>;

/** Each contracting process's ocid, given when its first release is made and kept. */
export interface OcdsProcessesTable {
  authority_id: string;
  ocid: string;
  project_id: string;
  /** The process's tender; null while the project has none published. */
  tender_id: string | null;
  assigned_at: Date;
}

declare module "../../db/database.ts" {
  interface Database {
    ocds_releases: OcdsReleasesTable;
    ocds_processes: OcdsProcessesTable;
  }
}
