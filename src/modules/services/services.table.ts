import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

/** The three kinds of public service (Open Public Services White Paper, 2011; DOMAIN.md §1). */
export const SERVICE_KINDS = ["individual", "neighbourhood", "commissioned"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** Who provides the service now. Every kind but the in-house team is an organisation. */
export const PROVIDER_TYPES = ["in-house", "contracted", "mutual", "community"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const SERVICE_STATUSES = [
  "in-house",
  "market-tested",
  "open-to-choice",
  "devolved",
  "mutualised",
] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** The options an appraisal may consider. */
export const APPRAISAL_OPTIONS = [
  "retain-in-house",
  "commission-openly",
  "mutual-spin-out",
  "devolve-to-neighbourhood",
  "share-with-authority",
] as const;
export type AppraisalOption = (typeof APPRAISAL_OPTIONS)[number];

export const APPRAISAL_STATUSES = ["draft", "published"] as const;
export type AppraisalStatus = (typeof APPRAISAL_STATUSES)[number];

/** A service on an authority's register. A tenant table keyed by (authority_id, id). */
export interface ServicesTable {
  authority_id: string;
  id: string;
  name: string;
  kind: ServiceKind;
  category_code: string;
  provider_type: ProviderType;
  provider_organisation_id: string | null;
  /** Integer pence. */
  annual_cost_pence: bigint;
  /** YYYY-MM-DD; required when contracted. */
  contract_end: string | null;
  status: ServiceStatus;
  description: string;
  created_at: Date;
  updated_at: Date;
}

/** An option appraisal of one service. Published ones are immutable (a trigger refuses changes). */
export interface ServiceAppraisalsTable {
  authority_id: string;
  id: string;
  service_id: string;
  options: AppraisalOption[];
  evidence: string;
  decision: AppraisalOption;
  reasons: string;
  status: AppraisalStatus;
  created_at: Date;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type Service = Selectable<ServicesTable>;
export type NewService = Insertable<ServicesTable>;
export type ServiceUpdate = Updateable<ServicesTable>;
export type ServiceAppraisal = Selectable<ServiceAppraisalsTable>;
export type NewServiceAppraisal = Insertable<ServiceAppraisalsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    services: ServicesTable;
    service_appraisals: ServiceAppraisalsTable;
  }
}
