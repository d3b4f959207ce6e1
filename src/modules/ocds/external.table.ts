/**
 * Other publishers' OCDS data as `openps import ocds` keeps it (migration `2026-12-10-10-ocds-import`):
 * not tenant-scoped, read-only once imported.
 */
import type { ColumnType, Selectable } from "kysely";

/** A way in which an imported release does not follow the schema, or what the import changed in it. */
export interface ExternalNote {
  /** A JSON pointer into the release ("" for the whole). */
  path: string;
  message: string;
}

export interface OcdsPublishersTable {
  id: string;
  /** How one publisher is told from another: its scheme and uid, else its uri, else its name. */
  key: string;
  name: string;
  uri: string | null;
  scheme: string | null;
  uid: string | null;
  first_imported_at: Date;
}

export interface OcdsExternalReleasesTable {
  publisher_id: string;
  ocid: string;
  release_id: string;
  date: Date;
  tags: string[];
  /** The release as imported, upgraded to OCDS 1.1 (JSON text in, parsed out). */
  release: ColumnType<Record<string, unknown>, string, never>;
  /** What the OCDS 1.1 schema finds wrong with it. */
  problems: ColumnType<ExternalNote[], string, never>;
  /** What the import changed to read it (an OCDS 1.0 shape upgraded, a shape coerced). */
  warnings: ColumnType<ExternalNote[], string, never>;
  /** Where it was read: the file (or "standard input") and the package's uri. */
  source: string;
  imported_at: Date;
}

export type OcdsPublisherRow = Selectable<OcdsPublishersTable>;
export type ExternalReleaseRow = Selectable<OcdsExternalReleasesTable>;

declare module "../../db/database.ts" {
  interface Database {
    ocds_publishers: OcdsPublishersTable;
    ocds_external_releases: OcdsExternalReleasesTable;
  }
}
