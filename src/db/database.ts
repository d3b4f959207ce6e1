/**
 * The `Database` interface: every table, each typed once in its module's `*.table.ts`.
 */

import type { Kysely, Transaction } from "kysely";
import type { InvitationsTable, RoleGrantsTable } from "../modules/access/access.table.ts";
import type { AuditChainsTable, AuditEventsTable } from "../modules/audit/audit.table.ts";
import type { AuthoritiesTable } from "../modules/authorities/authorities.table.ts";
import type { JobsTable } from "../modules/jobs/jobs.table.ts";
import type { NotificationsTable } from "../modules/notifications/notifications.table.ts";
import type { OrganisationsTable } from "../modules/organisations/organisations.table.ts";
import type { UsersTable } from "../modules/users/users.table.ts";
import type { SeedRunsTable } from "../seed/seed-runs.table.ts";

export interface Database {
  authorities: AuthoritiesTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  audit_chains: AuditChainsTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  notifications: NotificationsTable;
  seed_runs: SeedRunsTable;
  role_grants: RoleGrantsTable;
  invitations: InvitationsTable;
}

/** What repositories take as their first argument: the root handle or a transaction. */
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
