import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

export type UserStatus = "active" | "disabled";

/** People with accounts. Personal data: never copied into audit events, open data or logs. */
export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  locale: ColumnType<"en" | "cy", "en" | "cy" | undefined, "en" | "cy">;
  created_at: Date;
  updated_at: Date;
  /** Argon2id in PHC form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`); null: no password set. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the person proved they receive email at `email`; null: not yet, and they cannot sign in. */
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  status: ColumnType<UserStatus, UserStatus | undefined, UserStatus>;
  /** The TOTP secret, AES-256-GCM encrypted with the server's key (accounts/secrets.ts). */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** When two-factor sign-in was confirmed with a code; null while setting up or off. */
  totp_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The time step of the last TOTP code accepted, so a code cannot be replayed. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    users: UsersTable;
  }
}
