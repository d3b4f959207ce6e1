import type { ColumnType, Insertable, Selectable } from "kysely";

export interface AuditChainsTable {
  authority_id: string;
  last_seq: ColumnType<bigint, bigint | undefined, bigint>;
  last_hash: string;
}

export interface AuditEventsTable {
  authority_id: string;
  seq: bigint;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: ColumnType<unknown, string, never>;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export type AuditEventRow = Selectable<AuditEventsTable>;
export type NewAuditEventRow = Insertable<AuditEventsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    audit_chains: AuditChainsTable;
    audit_events: AuditEventsTable;
  }
}
