/**
 * The `Database` interface: every table, each typed once in its module's `*.table.ts`.
 */

import type { Kysely, Transaction } from "kysely";
import type { InvitationsTable, RoleGrantsTable } from "../modules/access/access.table.ts";
import type {
  ApiTokensTable,
  EmailTokensTable,
  RecoveryCodesTable,
  SessionsTable,
  SignInAttemptsTable,
} from "../modules/accounts/accounts.table.ts";
import type { AuditChainsTable, AuditEventsTable } from "../modules/audit/audit.table.ts";
import type { AuthoritiesTable } from "../modules/authorities/authorities.table.ts";
import type { ChallengeTables } from "../modules/challenges/challenges.table.ts";
import type { ConsultationTables } from "../modules/consultations/consultations.table.ts";
import type { ContractTables } from "../modules/contracts/contracts.table.ts";
import type { AwardTables } from "../modules/evaluation/award.table.ts";
import type { ComplianceTables } from "../modules/evaluation/compliance.table.ts";
import type { EvaluationTables } from "../modules/evaluation/evaluation.table.ts";
import type { JobsTable } from "../modules/jobs/jobs.table.ts";
import type { NotificationsTable } from "../modules/notifications/notifications.table.ts";
import type { OpportunityTables } from "../modules/opportunities/opportunities.table.ts";
import type {
  MutualEvidenceTable,
  OrganisationAreasTable,
  OrganisationCategoriesTable,
  OrganisationIdentifiersTable,
  OrganisationRelationshipsTable,
  OrganisationsTable,
} from "../modules/organisations/organisations.table.ts";
import type {
  ProjectNoticesTable,
  ProjectParticipantsTable,
  ProjectServicesTable,
  ProjectsTable,
} from "../modules/projects/projects.table.ts";
import type { RegulationTables } from "../modules/regulation/regulation.table.ts";
import type { ServiceAppraisalsTable, ServicesTable } from "../modules/services/services.table.ts";
import type { TenderTables } from "../modules/tenders/tenders.table.ts";
import type { UsersTable } from "../modules/users/users.table.ts";
import type { AreasTable, ServiceCategoriesTable } from "../modules/vocabularies/vocabularies.table.ts";
import type { SeedRunsTable } from "../seed/seed-runs.table.ts";

/** Later modules keep their tables in their own `*Tables` interface, which this extends. */
export interface Database
  extends ConsultationTables,
    ChallengeTables,
    TenderTables,
    OpportunityTables,
    ComplianceTables,
    EvaluationTables,
    AwardTables,
    ContractTables,
    RegulationTables {
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
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  sign_in_attempts: SignInAttemptsTable;
  recovery_codes: RecoveryCodesTable;
  api_tokens: ApiTokensTable;
  areas: AreasTable;
  service_categories: ServiceCategoriesTable;
  organisation_identifiers: OrganisationIdentifiersTable;
  organisation_relationships: OrganisationRelationshipsTable;
  mutual_evidence: MutualEvidenceTable;
  organisation_areas: OrganisationAreasTable;
  organisation_categories: OrganisationCategoriesTable;
  services: ServicesTable;
  service_appraisals: ServiceAppraisalsTable;
  projects: ProjectsTable;
  project_services: ProjectServicesTable;
  project_participants: ProjectParticipantsTable;
  project_notices: ProjectNoticesTable;
}

/** What repositories take as their first argument: the root handle or a transaction. */
export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
