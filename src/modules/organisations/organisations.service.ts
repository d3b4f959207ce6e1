/**
 * The directory of organisations of every sector: registering one (the registrant becomes its
 * admin), changing its details, identifiers, relationships and mutual evidence, and the public
 * directory and profiles. Organisations are national records: their audit events go on the
 * platform chain. Every change is one transaction with its audit event; nothing is stored when any
 * field is at fault.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, grantRole, requireRole, requireSignedIn } from "../access/access.service.ts";
import { type ApiScope, requireScope } from "../accounts/accounts.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
import { findPublicBody as findAuthorityById } from "../authorities/authorities.service.ts";
import { existingAreaCodes, existingCategoryCodes } from "../vocabularies/vocabularies.service.ts";
import { checkIdentifier, identifierScheme, orgIdOf, registerUrlOf, splitOrgId } from "./identifiers.ts";
import { assessMutual, type MutualAssessment } from "./mutual.ts";
import * as repo from "./organisations.repository.ts";
import {
  type Organisation,
  PROFIT_MODELS,
  type ProfitModel,
  RELATIONSHIP_KINDS,
  type RelationshipKind,
  SECTORS,
  type Sector,
  SIZE_BANDS,
  type SizeBand,
} from "./organisations.table.ts";

export type { DirectoryFilters, EffectiveSector } from "./organisations.repository.ts";
export { UNCONFIRMED } from "./organisations.repository.ts";
/** The sector shown for an organisation: a mutual only with qualifying evidence. */
export const effectiveSectorOf = repo.effectiveSectorOf;

/** Field limits, shared with the request schemas. */
export const LIMITS = {
  name: 200,
  description: 5000,
  addressLine: 200,
  town: 100,
  postcode: 8,
  website: 500,
  staffHeadcount: 10_000_000,
  areas: 50,
  categories: 30,
  identifiers: 10,
  identifier: 40,
  purpose: 2000,
  parentBodyName: 200,
  boardSeats: 1000,
} as const;

/** The token scope API writes need. */
export const WRITE_SCOPE: ApiScope = "organisations:write";

export interface IdentifierInput {
  scheme: string;
  identifier: string;
  primary?: boolean;
}

/** An organisation's details, as given (strings are checked, trimmed and normalised here). */
export interface OrganisationDetails {
  name: string;
  sector: string;
  sizeBand: string;
  staffHeadcount?: number | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
  town?: string | null;
  postcode?: string | null;
  description?: string | null;
  website?: string | null;
  /** GSS codes of the areas it serves. */
  areas?: readonly string[];
  /** Service category codes. */
  categories?: readonly string[];
  identifiers?: readonly IdentifierInput[];
}

export interface CreateOrganisationInput extends OrganisationDetails {
  id?: string;
  /** The primary identifier in org-id form ("GB-COH-01234567"), instead of `identifiers`. */
  primaryIdentifier?: string | null;
}

export type OrganisationChanges = Partial<OrganisationDetails>;

// Checking input

interface Checked {
  name?: string;
  sector?: Sector;
  sizeBand?: SizeBand;
  staffHeadcount?: number | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
  town?: string | null;
  postcode?: string | null;
  description?: string;
  website?: string | null;
  areas?: string[];
  categories?: string[];
  identifiers?: { scheme: string; identifier: string; primary: boolean }[];
}

const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/;

function optionalText(
  value: unknown,
  field: string,
  label: string,
  max: number,
  problems: FieldError[],
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== "string") {
    problems.push({ field, message: `Enter ${label} as text` });
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.length > max) {
    problems.push({
      field,
      message: `${label[0]?.toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`,
    });
    return undefined;
  }
  return trimmed === "" ? null : trimmed;
}

function codeList(value: unknown, field: string, label: string, max: number, problems: FieldError[]) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    problems.push({ field, message: `Give the ${label} as a list of codes` });
    return undefined;
  }
  const codes = [...new Set((value as string[]).map((v) => v.trim()).filter((v) => v !== ""))];
  if (codes.length > max) {
    problems.push({ field, message: `Choose at most ${max} ${label}` });
    return undefined;
  }
  return codes;
}

/** Checks each given field; `complete` requires the fields every organisation has. */
function checkDetails(
  input: OrganisationChanges,
  complete: boolean,
): { checked: Checked; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const checked: Checked = {};
  const has = (key: keyof OrganisationDetails) => complete || input[key] !== undefined;

  if (has("name")) {
    if (typeof input.name !== "string" || input.name.trim() === "") {
      problems.push({ field: "name", message: "Enter the organisation's name" });
    } else if (input.name.trim().length > LIMITS.name) {
      problems.push({ field: "name", message: `The name must be ${LIMITS.name} characters or fewer` });
    } else checked.name = input.name.trim().replace(/\s+/g, " ");
  }
  if (has("sector")) {
    if (typeof input.sector !== "string" || !(SECTORS as readonly string[]).includes(input.sector)) {
      problems.push({
        field: "sector",
        message: `Choose the organisation's sector: one of ${SECTORS.join(", ")}`,
      });
    } else checked.sector = input.sector as Sector;
  }
  if (has("sizeBand")) {
    if (typeof input.sizeBand !== "string" || !(SIZE_BANDS as readonly string[]).includes(input.sizeBand)) {
      problems.push({ field: "sizeBand", message: "Choose micro, small, medium or large" });
    } else checked.sizeBand = input.sizeBand as SizeBand;
  }
  if (input.staffHeadcount !== undefined) {
    const n = input.staffHeadcount;
    if (n !== null && (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > LIMITS.staffHeadcount)) {
      problems.push({
        field: "staffHeadcount",
        message: `Enter the number of staff as a whole number from 0 to ${LIMITS.staffHeadcount.toLocaleString("en-GB")}`,
      });
    } else checked.staffHeadcount = n;
  }
  const line1 = optionalText(
    input.addressLine1,
    "addressLine1",
    "address line 1",
    LIMITS.addressLine,
    problems,
  );
  if (line1 !== undefined) checked.addressLine1 = line1;
  const line2 = optionalText(
    input.addressLine2,
    "addressLine2",
    "address line 2",
    LIMITS.addressLine,
    problems,
  );
  if (line2 !== undefined) checked.addressLine2 = line2;
  const town = optionalText(input.town, "town", "the town or city", LIMITS.town, problems);
  if (town !== undefined) checked.town = town;
  if (input.postcode !== undefined) {
    if (input.postcode === null || (typeof input.postcode === "string" && input.postcode.trim() === "")) {
      checked.postcode = null;
    } else {
      const compact =
        typeof input.postcode === "string" ? input.postcode.replace(/\s+/g, "").toUpperCase() : "";
      if (!POSTCODE.test(compact)) {
        problems.push({ field: "postcode", message: "Enter a real postcode, like WS1 2AB" });
      } else checked.postcode = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
    }
  }
  const description = optionalText(
    input.description,
    "description",
    "the description",
    LIMITS.description,
    problems,
  );
  if (description !== undefined) checked.description = description ?? "";
  if (input.website !== undefined) {
    const website = optionalText(input.website, "website", "the website address", LIMITS.website, problems);
    if (website !== undefined && website !== null) {
      let url: URL | undefined;
      try {
        url = new URL(website);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname.includes(".")) {
        problems.push({
          field: "website",
          message: "Enter the website address in full, like https://www.example.org.uk",
        });
      } else checked.website = website;
    } else if (website === null) checked.website = null;
  }
  const areas = codeList(input.areas, "areas", "areas", LIMITS.areas, problems);
  if (areas !== undefined) checked.areas = areas;
  const categories = codeList(
    input.categories,
    "categories",
    "service categories",
    LIMITS.categories,
    problems,
  );
  if (categories !== undefined) checked.categories = categories;
  if (input.identifiers !== undefined) {
    const identifiers = checkIdentifiers(input.identifiers, problems);
    if (identifiers) checked.identifiers = identifiers;
  }
  return { checked, problems };
}

function checkIdentifiers(
  input: readonly IdentifierInput[],
  problems: FieldError[],
): { scheme: string; identifier: string; primary: boolean }[] | undefined {
  if (!Array.isArray(input)) {
    problems.push({ field: "identifiers", message: "Give the identifiers as a list" });
    return undefined;
  }
  if (input.length > LIMITS.identifiers) {
    problems.push({ field: "identifiers", message: `Give at most ${LIMITS.identifiers} identifiers` });
    return undefined;
  }
  const before = problems.length;
  const out: { scheme: string; identifier: string; primary: boolean }[] = [];
  const seen = new Set<string>();
  input.forEach((item, index) => {
    const field = `identifiers.${index}`;
    if (typeof item?.scheme !== "string" || typeof item?.identifier !== "string") {
      problems.push({ field, message: "Give each identifier's scheme and identifier" });
      return;
    }
    if (item.identifier.length > LIMITS.identifier) {
      problems.push({
        field: `${field}.identifier`,
        message: `An identifier must be ${LIMITS.identifier} characters or fewer`,
      });
      return;
    }
    const check = checkIdentifier(item.scheme, item.identifier);
    if (!check.ok) {
      problems.push({
        field: identifierScheme(item.scheme) ? `${field}.identifier` : `${field}.scheme`,
        message: check.message,
      });
      return;
    }
    if (seen.has(check.orgId)) {
      problems.push({ field: `${field}.identifier`, message: `${check.orgId} is given twice` });
      return;
    }
    seen.add(check.orgId);
    out.push({ scheme: check.scheme, identifier: check.identifier, primary: item.primary === true });
  });
  if (problems.length > before) return undefined;
  const primaries = out.filter((i) => i.primary).length;
  if (primaries > 1) {
    problems.push({ field: "identifiers", message: "Choose one primary identifier, not several" });
    return undefined;
  }
  if (primaries === 0 && out[0]) out[0].primary = true;
  return out;
}

/** The problems a form can be told about before anything is looked up (every field at once). */
export function organisationDetailProblems(input: OrganisationChanges, complete: boolean): FieldError[] {
  return checkDetails(input, complete).problems;
}

function failIfAny(problems: FieldError[]): void {
  if (problems.length > 0) {
    throw new ValidationError(
      problems.length === 1
        ? "Check the organisation's details: one field is not right"
        : `Check the organisation's details: ${problems.length} fields are not right`,
      problems,
    );
  }
}

/** Codes that do not exist in the vocabularies become field errors. */
async function checkCodes(trx: Trx, checked: Checked, problems: FieldError[]): Promise<void> {
  if (checked.areas && checked.areas.length > 0) {
    const found = await existingAreaCodes(trx, checked.areas);
    const unknown = checked.areas.filter((code) => !found.has(code));
    if (unknown.length > 0) {
      problems.push({
        field: "areas",
        message: `Choose areas from the list: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not a known GSS area code`,
      });
    }
  }
  if (checked.categories && checked.categories.length > 0) {
    const found = await existingCategoryCodes(trx, checked.categories);
    const unknown = checked.categories.filter((code) => !found.has(code));
    if (unknown.length > 0) {
      problems.push({
        field: "categories",
        message: `Choose service categories from the list: ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not one`,
      });
    }
  }
}

/** A duplicate identifier: 409, naming the organisation that holds it (its public name only). */
export class IdentifierTakenError extends ConflictError {
  constructor(
    holders: readonly { scheme: string; identifier: string; name: string }[],
    fields: readonly string[],
  ) {
    const list = holders.map((h) => `${orgIdOf(h.scheme, h.identifier)} (${h.name})`).join(", ");
    super(
      `${holders.length === 1 ? "This identifier is" : "These identifiers are"} already registered to another organisation in the directory: ${list}. Check the identifier, or ask that organisation's administrator if you should be part of it.`,
      "identifier_taken",
    );
    (this as { details: readonly FieldError[] }).details = holders.map((h, i) => ({
      field: fields[i] ?? "identifiers",
      message: `${orgIdOf(h.scheme, h.identifier)} is already the identifier of ${h.name}`,
    }));
  }
}

async function ensureIdentifiersFree(
  trx: Trx,
  identifiers: readonly { scheme: string; identifier: string }[],
  organisationId: string | undefined,
): Promise<void> {
  const holders = await repo.identifierHolders(trx, identifiers, organisationId);
  if (holders.length === 0) return;
  const fields = holders.map((h) => {
    const index = identifiers.findIndex((i) => i.scheme === h.scheme && i.identifier === h.identifier);
    return `identifiers.${index}.identifier`;
  });
  throw new IdentifierTakenError(holders, fields);
}

/** API tokens need the organisations:write scope to change the directory; sessions need none. */
export function requireWriteScope(principal: Principal): void {
  requireScope(principal, WRITE_SCOPE);
}

async function existing(db: Db, id: string): Promise<Organisation> {
  const organisation = isUuid(id) ? await repo.findOrganisation(db, id) : undefined;
  if (!organisation) throw new NotFoundError("organisation");
  return organisation;
}

// Changing the directory

/**
 * Creates an organisation, with no authorisation of its own: for seeds, and for `registerOrganisation`,
 * which decides who may. Audited on the platform chain.
 */
export async function createOrganisation(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: CreateOrganisationInput,
  registeredBy: string | null = null,
): Promise<Organisation> {
  const given = { ...input };
  const problems: FieldError[] = [];
  if (input.primaryIdentifier && input.identifiers === undefined) {
    const split = splitOrgId(input.primaryIdentifier);
    if (!split) {
      problems.push({
        field: "primaryIdentifier",
        message: "Enter the identifier in org-id form, like GB-COH-01234567",
      });
    } else given.identifiers = [{ ...split, primary: true }];
  }
  const { checked, problems: fieldProblems } = checkDetails(given, true);
  problems.push(...fieldProblems);
  return transaction(db, async (trx) => {
    await checkCodes(trx, checked, problems);
    failIfAny(problems);
    const identifiers = checked.identifiers ?? [];
    await ensureIdentifiersFree(trx, identifiers, undefined);
    const now = clock.now();
    const id = input.id ?? newId();
    await repo.insertOrganisation(trx, {
      id,
      name: checked.name as string,
      sector: checked.sector as Sector,
      size_band: checked.sizeBand as SizeBand,
      staff_headcount: checked.staffHeadcount ?? null,
      primary_identifier: null,
      address_line1: checked.addressLine1 ?? null,
      address_line2: checked.addressLine2 ?? null,
      town: checked.town ?? null,
      postcode: checked.postcode ?? null,
      description: checked.description ?? "",
      website: checked.website ?? null,
      registered_by: registeredBy,
      created_at: now,
      updated_at: now,
    });
    await repo.replaceIdentifiers(trx, id, identifiers, now);
    await repo.replaceAreas(trx, id, checked.areas ?? []);
    await repo.replaceCategories(trx, id, checked.categories ?? []);
    const organisation = (await repo.findOrganisation(trx, id)) as Organisation;
    await recordAudit(trx, clock, {
      authorityId: null,
      actor,
      action: "organisation.registered",
      entity: { type: "organisation", id },
      changes: {
        name: organisation.name,
        sector: organisation.sector,
        sizeBand: organisation.size_band,
        staffHeadcount: organisation.staff_headcount,
        primaryIdentifier: organisation.primary_identifier,
        identifiers: identifiers.map((i) => orgIdOf(i.scheme, i.identifier)),
        areas: checked.areas ?? [],
        categories: checked.categories ?? [],
      },
    });
    return organisation;
  });
}

/** Any signed-in person registers an organisation and becomes its administrator. */
export async function registerOrganisation(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  input: OrganisationDetails,
): Promise<Organisation> {
  const person = requireSignedIn(principal);
  requireWriteScope(person);
  const actor = actorOf(person);
  return transaction(db, async (trx) => {
    const organisation = await createOrganisation(trx, clock, actor, { ...input }, person.userId);
    await grantRole(trx, clock, actor, {
      userId: person.userId,
      role: "organisation-admin",
      scopeId: organisation.id,
    });
    return organisation;
  });
}

const FIELD_COLUMNS = {
  name: "name",
  sector: "sector",
  sizeBand: "size_band",
  staffHeadcount: "staff_headcount",
  addressLine1: "address_line1",
  addressLine2: "address_line2",
  town: "town",
  postcode: "postcode",
  description: "description",
  website: "website",
} as const;

/** Changes the given fields (organisation admins and platform admins). */
export async function updateOrganisation(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  id: string,
  changes: OrganisationChanges,
): Promise<Organisation> {
  const person = requireSignedIn(principal);
  requireWriteScope(person);
  await existing(db, id);
  requireRole(person, "organisation-admin", id, "change this organisation's details");
  const { checked, problems } = checkDetails(changes, false);
  return transaction(db, async (trx) => {
    const before = await repo.lockOrganisation(trx, id);
    if (!before) throw new NotFoundError("organisation");
    await checkCodes(trx, checked, problems);
    failIfAny(problems);
    if (checked.identifiers) await ensureIdentifiersFree(trx, checked.identifiers, id);
    const now = clock.now();
    const set: Record<string, unknown> = {};
    const audit: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(FIELD_COLUMNS)) {
      const value = checked[field as keyof typeof FIELD_COLUMNS];
      if (value === undefined) continue;
      if (before[column] === value) continue;
      set[column] = value;
      audit[field] = value;
    }
    if (Object.keys(set).length > 0) await repo.updateOrganisation(trx, id, { ...set, updated_at: now });
    if (checked.identifiers) {
      await repo.replaceIdentifiers(trx, id, checked.identifiers, now);
      audit.identifiers = checked.identifiers.map((i) => orgIdOf(i.scheme, i.identifier));
    }
    if (checked.areas) {
      await repo.replaceAreas(trx, id, checked.areas);
      audit.areas = checked.areas;
    }
    if (checked.categories) {
      await repo.replaceCategories(trx, id, checked.categories);
      audit.categories = checked.categories;
    }
    if (Object.keys(audit).length > 0) {
      await recordAudit(trx, clock, {
        authorityId: null,
        actor: actorOf(person),
        action: "organisation.updated",
        entity: { type: "organisation", id },
        changes: audit,
      });
    }
    return (await repo.findOrganisation(trx, id)) as Organisation;
  });
}

/** Replaces every identifier of the organisation (organisation admins). */
export async function setIdentifiers(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  id: string,
  identifiers: readonly IdentifierInput[],
): Promise<Organisation> {
  return updateOrganisation(db, clock, principal, id, { identifiers });
}

export interface RelationshipInput {
  from: string;
  to: string;
  kind: string;
}

/** Records a relationship; only an admin of the "from" organisation may. */
export async function addRelationship(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  input: RelationshipInput,
  actor?: Actor,
): Promise<string> {
  const byPlatform = principal === null && actor?.type === "system";
  const person = byPlatform ? null : requireSignedIn(principal);
  if (person) requireWriteScope(person);
  await existing(db, input.from);
  if (person)
    requireRole(person, "organisation-admin", input.from, "record this organisation's relationships");
  const problems: FieldError[] = [];
  if (!(RELATIONSHIP_KINDS as readonly string[]).includes(input.kind)) {
    problems.push({
      field: "kind",
      message: `Choose the kind of relationship: one of ${RELATIONSHIP_KINDS.join(", ")}`,
    });
  }
  if (typeof input.to !== "string" || !isUuid(input.to)) {
    problems.push({ field: "to", message: "Choose the other organisation" });
  }
  failIfAny(problems);
  const kind = input.kind as RelationshipKind;
  return transaction(db, async (trx) => {
    const other = await repo.findOrganisation(trx, input.to);
    if (!other) {
      throw new ValidationError("Check the relationship", [
        { field: "to", message: "Choose an organisation that is in the directory" },
      ]);
    }
    if (input.to === input.from) {
      throw new UnprocessableError("An organisation cannot be related to itself", [
        { field: "to", message: "Choose another organisation, not this one" },
      ]);
    }
    const existingLinks = await repo.relationshipBetween(trx, input.from, input.to);
    if (
      existingLinks.some(
        (link) =>
          link.kind === kind && (link.from_organisation_id === input.from || kind === "joint-venture"),
      )
    ) {
      throw new ConflictError(
        `This relationship with ${other.name} is already recorded.`,
        "relationship_exists",
      );
    }
    if (
      kind !== "joint-venture" &&
      existingLinks.some((link) => link.kind === kind && link.from_organisation_id === input.to)
    ) {
      throw new UnprocessableError(
        `${other.name} is already recorded the other way round for this kind of relationship`,
        [
          {
            field: "kind",
            message: "Two organisations cannot each be the other's parent, group or subsidiary",
          },
        ],
      );
    }
    const id = newId();
    await repo.insertRelationship(trx, {
      id,
      from_organisation_id: input.from,
      to_organisation_id: input.to,
      kind,
      created_by: person?.userId ?? null,
      created_at: clock.now(),
    });
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: actor ?? actorOf(person),
      action: "organisation.relationship-added",
      entity: { type: "organisation", id: input.from },
      changes: { relationship: id, kind, to: input.to },
    });
    return id;
  });
}

/** Removes a relationship; an admin of its "from" organisation may. */
export async function removeRelationship(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  organisationId: string,
  relationshipId: string,
): Promise<void> {
  const person = requireSignedIn(principal);
  requireWriteScope(person);
  await existing(db, organisationId);
  requireRole(person, "organisation-admin", organisationId, "change this organisation's relationships");
  await transaction(db, async (trx) => {
    const relationship = isUuid(relationshipId)
      ? await repo.findRelationship(trx, relationshipId)
      : undefined;
    if (!relationship || relationship.from_organisation_id !== organisationId) {
      throw new NotFoundError("relationship");
    }
    await repo.deleteRelationship(trx, relationshipId);
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: actorOf(person),
      action: "organisation.relationship-removed",
      entity: { type: "organisation", id: organisationId },
      changes: { relationship: relationshipId, kind: relationship.kind, to: relationship.to_organisation_id },
    });
  });
}

export interface MutualEvidenceInput {
  publicServicePurpose: string;
  /** Share of turnover from light touch services, in basis points (0–10,000). */
  lightTouchShareBp: number;
  profitModel: string;
  employeeOwnershipBp: number;
  employeeBoardSeats: number;
  boardSeats: number;
  parentOrganisationId?: string | null;
  parentAuthorityId?: string | null;
  parentBodyName?: string | null;
  /** YYYY-MM-DD. */
  spinOutDate?: string | null;
}

/** Today's date in Europe/London, as YYYY-MM-DD. */
function londonDate(clock: Clock): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(clock.now());
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function checkEvidence(input: MutualEvidenceInput, today: string): FieldError[] {
  const problems: FieldError[] = [];
  const bp = (value: unknown, field: string, what: string) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 10000) {
      problems.push({
        field,
        message: `Enter ${what} as a percentage from 0 to 100, to 2 decimal places at most`,
      });
    }
  };
  if (typeof input.publicServicePurpose !== "string" || input.publicServicePurpose.trim() === "") {
    problems.push({
      field: "publicServicePurpose",
      message: "Describe the public services it exists to deliver",
    });
  } else if (input.publicServicePurpose.trim().length > LIMITS.purpose) {
    problems.push({
      field: "publicServicePurpose",
      message: `The purpose must be ${LIMITS.purpose} characters or fewer`,
    });
  }
  bp(input.lightTouchShareBp, "lightTouchShareBp", "the share of turnover from light touch services");
  if (!(PROFIT_MODELS as readonly string[]).includes(input.profitModel)) {
    problems.push({
      field: "profitModel",
      message: "Choose whether it is not-for-profit, pays profits only to members, or neither",
    });
  }
  bp(input.employeeOwnershipBp, "employeeOwnershipBp", "the share owned by employees");
  const seats = (value: unknown, field: string, what: string, min: number) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > LIMITS.boardSeats) {
      problems.push({
        field,
        message: `Enter ${what} as a whole number from ${min} to ${LIMITS.boardSeats}`,
      });
      return false;
    }
    return true;
  };
  const seatsOk =
    seats(input.boardSeats, "boardSeats", "the number of board seats", 1) &&
    seats(input.employeeBoardSeats, "employeeBoardSeats", "the board seats held by employees", 0);
  if (seatsOk && input.employeeBoardSeats > input.boardSeats) {
    problems.push({
      field: "employeeBoardSeats",
      message: "Employees cannot hold more seats than the board has",
    });
  }
  const parents = [input.parentOrganisationId, input.parentAuthorityId].filter(
    (v) => v !== undefined && v !== null && v !== "",
  );
  if (parents.length > 1) {
    problems.push({
      field: "parentAuthorityId",
      message: "Choose one parent body: an authority or an organisation, not both",
    });
  }
  if (input.parentOrganisationId && !isUuid(input.parentOrganisationId)) {
    problems.push({
      field: "parentOrganisationId",
      message: "Choose the parent organisation from the directory",
    });
  }
  if (input.parentAuthorityId && !isUuid(input.parentAuthorityId)) {
    problems.push({ field: "parentAuthorityId", message: "Choose the parent authority from the list" });
  }
  if (input.parentBodyName && input.parentBodyName.trim().length > LIMITS.parentBodyName) {
    problems.push({
      field: "parentBodyName",
      message: `The parent body's name must be ${LIMITS.parentBodyName} characters or fewer`,
    });
  }
  if (input.spinOutDate) {
    if (!isRealDate(input.spinOutDate)) {
      problems.push({
        field: "spinOutDate",
        message: "Enter the spin-out date as a real date, like 1 4 2013",
      });
    } else if (input.spinOutDate > today) {
      problems.push({ field: "spinOutDate", message: "The spin-out date must be today or in the past" });
    }
  }
  return problems;
}

export function mutualEvidenceProblems(input: MutualEvidenceInput, clock: Clock): FieldError[] {
  return checkEvidence(input, londonDate(clock));
}

/** Records (or replaces) the evidence behind a mutual's claim (organisation admins). */
export async function recordMutualEvidence(
  db: Db,
  clock: Clock,
  principal: Principal | null,
  organisationId: string,
  input: MutualEvidenceInput,
  actor?: Actor,
): Promise<MutualAssessment> {
  const bySystem = principal === null && actor?.type === "system";
  const person = bySystem ? null : requireSignedIn(principal);
  if (person) requireWriteScope(person);
  await existing(db, organisationId);
  if (person)
    requireRole(person, "organisation-admin", organisationId, "record this organisation's mutual evidence");
  const problems = checkEvidence(input, londonDate(clock));
  return transaction(db, async (trx) => {
    if (input.parentOrganisationId && isUuid(input.parentOrganisationId)) {
      if (input.parentOrganisationId === organisationId) {
        problems.push({
          field: "parentOrganisationId",
          message: "An organisation cannot be its own parent body",
        });
      } else if (!(await repo.findOrganisation(trx, input.parentOrganisationId))) {
        problems.push({
          field: "parentOrganisationId",
          message: "Choose a parent organisation that is in the directory",
        });
      }
    }
    if (
      input.parentAuthorityId &&
      isUuid(input.parentAuthorityId) &&
      !(await findAuthorityById(trx, input.parentAuthorityId))
    ) {
      problems.push({ field: "parentAuthorityId", message: "Choose a parent authority from the list" });
    }
    if (problems.length > 0) throw new ValidationError("Check the mutual evidence", problems);
    const evidence = {
      publicServicePurpose: input.publicServicePurpose.trim(),
      lightTouchShareBp: input.lightTouchShareBp,
      profitModel: input.profitModel as ProfitModel,
      employeeOwnershipBp: input.employeeOwnershipBp,
      employeeBoardSeats: input.employeeBoardSeats,
      boardSeats: input.boardSeats,
    };
    const parentOrganisationId = input.parentOrganisationId || null;
    const parentAuthorityId = input.parentAuthorityId || null;
    const qualifies = await repo.upsertEvidence(trx, {
      organisation_id: organisationId,
      public_service_purpose: evidence.publicServicePurpose,
      light_touch_share_bp: evidence.lightTouchShareBp,
      profit_model: evidence.profitModel,
      employee_ownership_bp: evidence.employeeOwnershipBp,
      employee_board_seats: evidence.employeeBoardSeats,
      board_seats: evidence.boardSeats,
      parent_organisation_id: parentOrganisationId,
      parent_authority_id: parentAuthorityId,
      parent_body_name:
        parentOrganisationId || parentAuthorityId ? null : input.parentBodyName?.trim() || null,
      spin_out_date: input.spinOutDate || null,
      recorded_by: person?.userId ?? null,
      recorded_at: clock.now(),
    });
    const assessment = assessMutual(evidence);
    if (assessment.qualifies !== qualifies) {
      throw new Error("The mutual rule in mutual.ts and the database's qualifies column disagree");
    }
    await recordAudit(trx, clock, {
      authorityId: null,
      actor: actor ?? actorOf(person),
      action: "organisation.mutual-evidence-recorded",
      entity: { type: "organisation", id: organisationId },
      changes: {
        ...evidence,
        parentOrganisationId,
        parentAuthorityId,
        spinOutDate: input.spinOutDate || null,
        qualifies,
      },
    });
    return assessment;
  });
}

// Reading the directory

export interface IdentifierView {
  scheme: string;
  schemeName: string;
  identifier: string;
  orgId: string;
  primary: boolean;
  url: string | undefined;
}

export interface RelationshipView {
  id: string;
  kind: RelationshipKind;
  /** "from": this organisation is the subsidiary, spin-out, member or partner; "to": the other is. */
  side: "from" | "to";
  other: { id: string; name: string };
}

export interface EvidenceView extends MutualAssessment {
  publicServicePurpose: string;
  lightTouchShareBp: number;
  profitModel: ProfitModel;
  employeeOwnershipBp: number;
  employeeBoardSeats: number;
  boardSeats: number;
  parent: { kind: "organisation" | "authority" | "named"; id: string | null; name: string } | null;
  spinOutDate: string | null;
  recordedAt: Date;
}

export interface OrganisationProfile {
  organisation: Organisation;
  /** The sector shown: "public-service-mutual" only with qualifying evidence. */
  sector: repo.EffectiveSector;
  identifiers: IdentifierView[];
  areas: { code: string; name: string; type: string; nation: string }[];
  categories: {
    code: string;
    name: string;
    cpv_code: string;
    cpv_description: string;
    light_touch: boolean;
    reservable: boolean;
  }[];
  relationships: RelationshipView[];
  evidence: EvidenceView | null;
}

export async function organisationProfile(db: Db, id: string): Promise<OrganisationProfile> {
  const organisation = await existing(db, id);
  const [sector, identifiers, areas, categories, relationships, evidence] = await Promise.all([
    repo.effectiveSectorOf(db, id),
    repo.identifiersOf(db, id),
    repo.areasOf(db, id),
    repo.categoriesOf(db, id),
    repo.relationshipsOf(db, id),
    repo.evidenceOf(db, id),
  ]);
  let evidenceView: EvidenceView | null = null;
  if (evidence) {
    const facts = {
      publicServicePurpose: evidence.public_service_purpose,
      lightTouchShareBp: evidence.light_touch_share_bp,
      profitModel: evidence.profit_model,
      employeeOwnershipBp: evidence.employee_ownership_bp,
      employeeBoardSeats: evidence.employee_board_seats,
      boardSeats: evidence.board_seats,
    };
    const parent =
      evidence.parent_organisation_id && evidence.parent_organisation_name
        ? {
            kind: "organisation" as const,
            id: evidence.parent_organisation_id,
            name: evidence.parent_organisation_name,
          }
        : evidence.parent_authority_id && evidence.parent_authority_name
          ? {
              kind: "authority" as const,
              id: evidence.parent_authority_id,
              name: evidence.parent_authority_name,
            }
          : evidence.parent_body_name
            ? { kind: "named" as const, id: null, name: evidence.parent_body_name }
            : null;
    evidenceView = {
      ...facts,
      ...assessMutual(facts),
      qualifies: evidence.qualifies,
      parent,
      spinOutDate: evidence.spin_out_date,
      recordedAt: evidence.recorded_at,
    };
  }
  return {
    organisation,
    sector: sector ?? organisation.sector,
    identifiers: identifiers.map((row) => ({
      scheme: row.scheme,
      schemeName: identifierScheme(row.scheme)?.name ?? row.scheme,
      identifier: row.identifier,
      orgId: orgIdOf(row.scheme, row.identifier),
      primary: row.is_primary,
      url: registerUrlOf(row.scheme, row.identifier),
    })),
    areas,
    categories,
    relationships: relationships.map((r) => ({
      id: r.id,
      kind: r.kind,
      side: r.side,
      other: { id: r.other_id, name: r.other_name },
    })),
    evidence: evidenceView,
  };
}

export const DIRECTORY_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface DirectoryQuery extends repo.DirectoryFilters {
  page?: number;
  pageSize?: number;
}

export interface DirectoryResult {
  results: repo.DirectoryRow[];
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  facets: Record<repo.Facet, { value: string; count: number }[]>;
}

/** Searches the directory: text (full-text, and name prefix), filters, counts per filter value. */
export async function searchDirectory(db: Db, query: DirectoryQuery): Promise<DirectoryResult> {
  const pageSize = Math.min(Math.max(1, Math.trunc(query.pageSize ?? DIRECTORY_PAGE_SIZE)), MAX_PAGE_SIZE);
  const filters: repo.DirectoryFilters = {
    q: query.q?.trim().slice(0, 200),
    sectors: query.sectors,
    sizeBands: query.sizeBands,
    categories: query.categories,
    areas: query.areas,
  };
  const total = await repo.countOrganisations(db, filters);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(query.page ?? 1)), pageCount);
  const [results, sector, sizeBand, category, area] = await Promise.all([
    repo.searchOrganisations(db, filters, pageSize, (page - 1) * pageSize),
    repo.facetCounts(db, filters, "sector"),
    repo.facetCounts(db, filters, "sizeBand"),
    repo.facetCounts(db, filters, "category"),
    repo.facetCounts(db, filters, "area"),
  ]);
  return { results, total, page, pageSize, pageCount, facets: { sector, sizeBand, category, area } };
}

/** Mutuals with qualifying evidence and their staff: computed from the evidence, never typed. */
export async function mutualSummary(db: Db): Promise<{ organisations: number; staff: number }> {
  const totals = await repo.mutualTotals(db);
  return { organisations: Number(totals.organisations), staff: Number(totals.staff) };
}

export async function countOrganisationsByEffectiveSector(
  db: Db,
): Promise<{ sector: repo.EffectiveSector; count: number }[]> {
  return (await repo.countByEffectiveSector(db)).map((row) => ({
    sector: row.sector,
    count: Number(row.count),
  }));
}

export const countOrganisationsBySector = repo.countBySector;
export const organisationsAfter = repo.organisationsAfter;
export const organisationNames = repo.organisationNames;
export const findOrganisation = repo.findOrganisation;

/** What other modules may use of this module's tables. */
export type { NewOrganisation, ProfitModel, RelationshipKind, Sector } from "./organisations.table.ts";
export { SECTORS, SIZE_BANDS } from "./organisations.table.ts";
