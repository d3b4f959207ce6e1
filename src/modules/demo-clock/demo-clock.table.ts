/** The demo clock's one row: how many days ahead of the real time the demo runs (src/db/migrations). */
export interface DemoClockTable {
  id: boolean;
  offset_days: number;
  /** When it was last moved or reset, in real time. */
  changed_at: Date;
  /** Who moved or reset it last; null once their account is erased. */
  changed_by: string | null;
}

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    demo_clock: DemoClockTable;
  }
}
