import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";
import type { Nation } from "../../lib/working-days.ts";

export const AUTHORITY_KINDS = [
  "county",
  "district",
  "unitary",
  "metropolitan",
  "london-borough",
  "combined",
  "nhs-body",
  "department",
  "devolved",
  "police",
  "fire",
  "parish",
  "regulator",
  "ombudsman",
  // An independent consumer champion (a local Healthwatch, an advocacy charity): the voice module.
  "consumer-champion",
] as const;
export type AuthorityKind = (typeof AUTHORITY_KINDS)[number];

/**
 * The country of the UK an authority is in. The nation (whose bank holidays count) does not tell
 * England from Wales; some laws apply in one only (the Community Right to Challenge: England).
 */
export const COUNTRIES = ["england", "wales", "scotland", "northern-ireland"] as const;
export type Country = (typeof COUNTRIES)[number];

export interface AuthoritiesTable {
  id: string;
  slug: string;
  name: string;
  welsh_name: string | null;
  kind: AuthorityKind;
  /** Whose bank holidays count when working days are counted for this authority. */
  nation: Nation;
  /**
   * The country it is in; null when not recorded, or for a body of more than one (a government
   * department). Always within its nation.
   */
  country: ColumnType<Country | null, Country | null | undefined, Country | null>;
  /** Org-id identifier, e.g. GB-GOR-PB1234 or GB-LAE-KEN. */
  org_id: string | null;
  website: string | null;
  /** The area it governs or serves, by ONS GSS code (E10000016, W06000008…); null when not recorded. */
  area_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** When a platform administrator verified it; nobody acts for an unverified authority. */
  verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  verified_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Who asked for it to be added (they become its first administrator once it is verified). */
  registered_by: ColumnType<string | null, string | null | undefined, string | null>;
  rejected_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  rejection_reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Date;
  updated_at: Date;
}

export type Authority = Selectable<AuthoritiesTable>;
export type NewAuthority = Insertable<AuthoritiesTable>;
export type AuthorityUpdate = Updateable<AuthoritiesTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    authorities: AuthoritiesTable;
  }
}
