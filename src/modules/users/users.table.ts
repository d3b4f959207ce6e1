import type { ColumnType, Insertable, Selectable } from "kysely";

/** People with accounts. Personal data: never copied into audit events, open data or logs. */
export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  locale: ColumnType<"en" | "cy", "en" | "cy" | undefined, "en" | "cy">;
  created_at: Date;
  updated_at: Date;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
