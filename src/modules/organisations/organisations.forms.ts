/**
 * The directory's HTML forms as the pages read them: the posted fields as the services take them
 * (text, as the form shows it again; the services check it), and the services' field names mapped
 * back to the forms' fields so each error links to its field.
 */
import { field, fieldList } from "../../http/forms.ts";
import type { MutualEvidenceForm } from "./mutual-evidence.service.ts";
import type { OrganisationForm } from "./registration.service.ts";

export function organisationFormValues(body: unknown): OrganisationForm {
  return {
    name: field(body, "name"),
    sector: field(body, "sector"),
    sizeBand: field(body, "sizeBand"),
    staffHeadcount: field(body, "staffHeadcount"),
    addressLine1: field(body, "addressLine1"),
    addressLine2: field(body, "addressLine2"),
    town: field(body, "town"),
    postcode: field(body, "postcode"),
    description: field(body, "description"),
    website: field(body, "website"),
    areas: fieldList(body, "areas"),
    categories: fieldList(body, "categories"),
    identifierScheme: field(body, "identifierScheme"),
    identifier: field(body, "identifier"),
    otherIdentifiers: field(body, "otherIdentifiers"),
  };
}

/** The form field a service error is about, so the error summary links to it. */
export function organisationFormField(name: string | undefined): string {
  if (!name) return "name";
  const identifier = /^identifiers\.(\d+)/.exec(name);
  if (identifier) {
    if (identifier[1] !== "0") return "otherIdentifiers";
    return name.endsWith(".scheme") ? "identifierScheme" : "identifier";
  }
  if (name === "identifiers" || name === "primaryIdentifier") return "identifier";
  return name;
}

export function evidenceFormValues(body: unknown): MutualEvidenceForm {
  return {
    publicServicePurpose: field(body, "publicServicePurpose"),
    lightTouchShare: field(body, "lightTouchShare"),
    profitModel: field(body, "profitModel"),
    employeeOwnership: field(body, "employeeOwnership"),
    employeeBoardSeats: field(body, "employeeBoardSeats"),
    boardSeats: field(body, "boardSeats"),
    parentAuthorityId: field(body, "parentAuthorityId"),
    parentOrganisationId: field(body, "parentOrganisationId"),
    parentBodyName: field(body, "parentBodyName"),
    spinOutDay: field(body, "spinOutDate-day"),
    spinOutMonth: field(body, "spinOutDate-month"),
    spinOutYear: field(body, "spinOutDate-year"),
  };
}

const EVIDENCE_FIELDS: Record<string, string> = {
  lightTouchShareBp: "lightTouchShare",
  employeeOwnershipBp: "employeeOwnership",
  spinOutDate: "spinOutDate-day",
};

export function evidenceFormField(name: string | undefined): string {
  if (!name) return "publicServicePurpose";
  return EVIDENCE_FIELDS[name] ?? name;
}
