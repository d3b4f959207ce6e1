/**
 * The directory of organisations of every sector. Registration with accounts, identifiers and
 * relationships arrives with the accounts issue; this is the core record and its audit.
 */
import type { Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, type FieldError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import * as repo from "./organisations.repository.ts";
import { type Organisation, SECTORS, type Sector, SIZE_BANDS, type SizeBand } from "./organisations.table.ts";

export interface CreateOrganisationInput {
  id?: string;
  name: string;
  sector: Sector;
  sizeBand: SizeBand;
  staffHeadcount?: number | null;
  primaryIdentifier?: string | null;
  postcode?: string | null;
  description?: string;
  website?: string | null;
}

const ORG_ID = /^[A-Z]{2}-[A-Z0-9]{2,6}-[A-Za-z0-9]+$/;

export async function createOrganisation(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  input: CreateOrganisationInput,
): Promise<Organisation> {
  const problems: FieldError[] = [];
  if (input.name.trim() === "") problems.push({ field: "name", message: "Enter the organisation's name" });
  if (!(SECTORS as readonly string[]).includes(input.sector))
    problems.push({ field: "sector", message: "Choose the organisation's sector" });
  if (!(SIZE_BANDS as readonly string[]).includes(input.sizeBand))
    problems.push({ field: "sizeBand", message: "Choose micro, small, medium or large" });
  if (input.primaryIdentifier && !ORG_ID.test(input.primaryIdentifier)) {
    problems.push({
      field: "primaryIdentifier",
      message: "Enter the identifier in org-id form, like GB-COH-01234567",
    });
  }
  if (problems.length > 0) throw new ValidationError("Check the organisation's details", problems);
  if (input.primaryIdentifier && (await repo.findByPrimaryIdentifier(trx, input.primaryIdentifier))) {
    throw new ConflictError(
      `An organisation with the identifier ${input.primaryIdentifier} is already registered`,
      "organisation_exists",
    );
  }
  const now = clock.now();
  const organisation: Organisation = {
    id: input.id ?? newId(),
    name: input.name.trim(),
    sector: input.sector,
    size_band: input.sizeBand,
    staff_headcount: input.staffHeadcount ?? null,
    primary_identifier: input.primaryIdentifier ?? null,
    postcode: input.postcode ?? null,
    description: input.description ?? "",
    website: input.website ?? null,
    created_at: now,
    updated_at: now,
  };
  await repo.insertOrganisation(trx, organisation);
  await recordAudit(trx, clock, {
    authorityId: null,
    actor,
    action: "organisation.registered",
    entity: { type: "organisation", id: organisation.id },
    changes: {
      name: organisation.name,
      sector: organisation.sector,
      sizeBand: organisation.size_band,
      primaryIdentifier: organisation.primary_identifier,
    },
  });
  return organisation;
}

export const countOrganisationsBySector = repo.countBySector;
export const organisationsAfter = repo.organisationsAfter;
