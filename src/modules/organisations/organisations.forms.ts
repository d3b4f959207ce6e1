/**
 * The directory's HTML forms: what a posted form means as service input (with the problems only a
 * form can have, like letters in a number), and the service's field names mapped back to the form's
 * fields so each error links to its field. Pure functions.
 */
import type { FieldError } from "../../lib/errors.ts";
import { splitOrgId } from "./identifiers.ts";
import type { IdentifierInput, MutualEvidenceInput, OrganisationDetails } from "./organisations.service.ts";

export type FormBody = Record<string, unknown>;

/** A single text field (a repeated one gives its first value). */
export function text(body: FormBody, name: string): string {
  const value = body[name];
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return "";
}

/** A field that may be repeated (checkboxes): every non-empty value. */
export function list(body: FormBody | undefined, name: string): string[] {
  const value = body?.[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

/** A whole number, or undefined with a problem when the text is not one. */
function wholeNumber(
  raw: string,
  field: string,
  message: string,
  problems: FieldError[],
): number | undefined {
  const value = raw.trim().replace(/,/g, "");
  if (!/^\d{1,9}$/.test(value)) {
    problems.push({ field, message });
    return undefined;
  }
  return Number(value);
}

/**
 * A percentage ("92.5", "60 %", "100") as basis points, without floating point: 92.5% is 9,250.
 * Undefined when it is not a percentage from 0 to 100 with at most 2 decimal places.
 */
export function percentToBasisPoints(raw: string): number | undefined {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(raw.trim().replace(/\s*%$/, ""));
  if (!match) return undefined;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return bp <= 10000 ? bp : undefined;
}

export function basisPointsToPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const fraction = bp % 100;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(2, "0").replace(/0$/, "")}`;
}

export interface OrganisationFormValues {
  name: string;
  sector: string;
  sizeBand: string;
  staffHeadcount: string;
  addressLine1: string;
  addressLine2: string;
  town: string;
  postcode: string;
  description: string;
  website: string;
  areas: string[];
  categories: string[];
  identifierScheme: string;
  identifier: string;
  otherIdentifiers: string;
}

export function organisationFormValues(body: FormBody): OrganisationFormValues {
  return {
    name: text(body, "name"),
    sector: text(body, "sector"),
    sizeBand: text(body, "sizeBand"),
    staffHeadcount: text(body, "staffHeadcount"),
    addressLine1: text(body, "addressLine1"),
    addressLine2: text(body, "addressLine2"),
    town: text(body, "town"),
    postcode: text(body, "postcode"),
    description: text(body, "description"),
    website: text(body, "website"),
    areas: list(body, "areas"),
    categories: list(body, "categories"),
    identifierScheme: text(body, "identifierScheme"),
    identifier: text(body, "identifier"),
    otherIdentifiers: text(body, "otherIdentifiers"),
  };
}

/** The form as service input, and the problems found in the form itself. */
export function organisationInput(values: OrganisationFormValues): {
  input: OrganisationDetails;
  problems: FieldError[];
} {
  const problems: FieldError[] = [];
  const identifiers: IdentifierInput[] = [];
  if (values.identifier.trim() !== "" || values.identifierScheme !== "") {
    if (values.identifierScheme === "") {
      problems.push({ field: "identifierScheme", message: "Choose the register the identifier comes from" });
    } else {
      identifiers.push({ scheme: values.identifierScheme, identifier: values.identifier, primary: true });
    }
  }
  values.otherIdentifiers
    .split(/\r?\n/)
    .map((line) => line.trim())
    .forEach((line, index) => {
      if (line === "") return;
      const split = splitOrgId(line);
      if (!split) {
        problems.push({
          field: "otherIdentifiers",
          message: `Line ${index + 1} of other identifiers: start with the scheme, like GB-CHC-1098765`,
        });
      } else identifiers.push({ ...split, primary: false });
    });
  let staffHeadcount: number | null | undefined = null;
  if (values.staffHeadcount.trim() !== "") {
    staffHeadcount = wholeNumber(
      values.staffHeadcount,
      "staffHeadcount",
      "Enter the number of staff as a whole number, like 45",
      problems,
    );
  }
  const input: OrganisationDetails = {
    name: values.name,
    sector: values.sector,
    sizeBand: values.sizeBand,
    addressLine1: values.addressLine1,
    addressLine2: values.addressLine2,
    town: values.town,
    postcode: values.postcode,
    description: values.description,
    website: values.website,
    areas: values.areas,
    categories: values.categories,
    identifiers,
  };
  if (staffHeadcount !== undefined) input.staffHeadcount = staffHeadcount;
  return { input, problems };
}

/** The form field a service error is about, so the error summary links to it. */
export function organisationFormField(field: string | undefined): string {
  if (!field) return "name";
  const identifier = /^identifiers\.(\d+)/.exec(field);
  if (identifier) {
    if (identifier[1] !== "0") return "otherIdentifiers";
    return field.endsWith(".scheme") ? "identifierScheme" : "identifier";
  }
  if (field === "identifiers" || field === "primaryIdentifier") return "identifier";
  return field;
}

export interface EvidenceFormValues {
  publicServicePurpose: string;
  lightTouchShare: string;
  profitModel: string;
  employeeOwnership: string;
  employeeBoardSeats: string;
  boardSeats: string;
  parentAuthorityId: string;
  parentOrganisationId: string;
  parentBodyName: string;
  spinOutDay: string;
  spinOutMonth: string;
  spinOutYear: string;
}

export function evidenceFormValues(body: FormBody): EvidenceFormValues {
  return {
    publicServicePurpose: text(body, "publicServicePurpose"),
    lightTouchShare: text(body, "lightTouchShare"),
    profitModel: text(body, "profitModel"),
    employeeOwnership: text(body, "employeeOwnership"),
    employeeBoardSeats: text(body, "employeeBoardSeats"),
    boardSeats: text(body, "boardSeats"),
    parentAuthorityId: text(body, "parentAuthorityId"),
    parentOrganisationId: text(body, "parentOrganisationId"),
    parentBodyName: text(body, "parentBodyName"),
    spinOutDay: text(body, "spinOutDate-day"),
    spinOutMonth: text(body, "spinOutDate-month"),
    spinOutYear: text(body, "spinOutDate-year"),
  };
}

export function evidenceInput(values: EvidenceFormValues): {
  input: MutualEvidenceInput;
  problems: FieldError[];
} {
  const problems: FieldError[] = [];
  const percent = (raw: string, field: string, what: string): number => {
    const bp = percentToBasisPoints(raw);
    if (bp === undefined) {
      problems.push({ field, message: `Enter ${what} as a percentage from 0 to 100, like 75 or 62.5` });
      return 0;
    }
    return bp;
  };
  const seats = (raw: string, field: string, what: string): number =>
    wholeNumber(raw, field, `Enter ${what} as a whole number, like 7`, problems) ?? 0;
  let spinOutDate: string | null = null;
  const [day, month, year] = [values.spinOutDay, values.spinOutMonth, values.spinOutYear].map((v) =>
    v.trim(),
  );
  if (day || month || year) {
    if (!/^\d{1,2}$/.test(day ?? "") || !/^\d{1,2}$/.test(month ?? "") || !/^\d{4}$/.test(year ?? "")) {
      problems.push({
        field: "spinOutDate",
        message: "Enter the spin-out date as day, month and year, like 1 4 2013",
      });
    } else {
      spinOutDate = `${year}-${(month ?? "").padStart(2, "0")}-${(day ?? "").padStart(2, "0")}`;
    }
  }
  const input: MutualEvidenceInput = {
    publicServicePurpose: values.publicServicePurpose,
    lightTouchShareBp: percent(
      values.lightTouchShare,
      "lightTouchShareBp",
      "the share of turnover from light touch services",
    ),
    profitModel: values.profitModel,
    employeeOwnershipBp: percent(
      values.employeeOwnership,
      "employeeOwnershipBp",
      "the share owned by employees",
    ),
    employeeBoardSeats: seats(
      values.employeeBoardSeats,
      "employeeBoardSeats",
      "the board seats held by employees",
    ),
    boardSeats: seats(values.boardSeats, "boardSeats", "the number of board seats"),
    parentAuthorityId: values.parentAuthorityId || null,
    parentOrganisationId: values.parentOrganisationId || null,
    parentBodyName: values.parentBodyName || null,
    spinOutDate,
  };
  return { input, problems };
}

const EVIDENCE_FIELDS: Record<string, string> = {
  lightTouchShareBp: "lightTouchShare",
  employeeOwnershipBp: "employeeOwnership",
  spinOutDate: "spinOutDate-day",
};

export function evidenceFormField(field: string | undefined): string {
  if (!field) return "publicServicePurpose";
  return EVIDENCE_FIELDS[field] ?? field;
}
