/**
 * Registering an organisation (any signed-in person; the registrant becomes its administrator) and
 * changing its details and identifiers (its administrators and platform administrators). Every field
 * is checked and every field at fault named at once; nothing is stored when any is. Each change is
 * one transaction with its audit event on the platform chain.
 */
import type { Trx } from "../../db/database.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, grantRole, requireRole } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  existingAreaCodes,
  existingCategoryCodes,
  listAreas,
  listServiceCategories,
} from "../vocabularies/vocabularies.service.ts";
import { checkIdentifier, IDENTIFIER_SCHEMES, identifierScheme, orgIdOf, splitOrgId } from "./identifiers.ts";
import * as repo from "./organisations.repository.ts";
import {
  changeDirectory,
  LIMITS,
  type OrganisationProfile,
  organisationOf,
  organisationProfile,
  requireWriteScope,
} from "./organisations.service.ts";
import { type Organisation, SECTORS, type Sector, SIZE_BANDS, type SizeBand } from "./organisations.table.ts";

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

/** What to say of a field that is not text, or too long: whole sentences, each language its own. */
interface TextRefusals {
  notText: () => string;
  tooLong: (max: number) => string;
}

function optionalText(
  value: unknown,
  field: string,
  say: TextRefusals,
  max: number,
  problems: FieldError[],
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== "string") {
    problems.push({ field, message: say.notText() });
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.length > max) {
    problems.push({ field, message: say.tooLong(max) });
    return undefined;
  }
  return trimmed === "" ? null : trimmed;
}

/** What to say of a list of codes that is not one, or too long. */
interface CodeListRefusals {
  notList: () => string;
  tooMany: (max: number) => string;
}

function codeList(value: unknown, field: string, say: CodeListRefusals, max: number, problems: FieldError[]) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    problems.push({ field, message: say.notList() });
    return undefined;
  }
  const codes = [...new Set((value as string[]).map((v) => v.trim()).filter((v) => v !== ""))];
  if (codes.length > max) {
    problems.push({ field, message: say.tooMany(max) });
    return undefined;
  }
  return codes;
}

function checkName(input: OrganisationChanges, checked: Checked, problems: FieldError[]): void {
  if (typeof input.name !== "string" || input.name.trim() === "") {
    problems.push({ field: "name", message: msg`Enter the organisation's name` });
  } else if (input.name.trim().length > LIMITS.name) {
    problems.push({ field: "name", message: msg`The name must be ${LIMITS.name} characters or fewer` });
  } else checked.name = input.name.trim().replace(/\s+/g, " ");
}

function checkKind(input: OrganisationChanges, has: (key: keyof OrganisationDetails) => boolean) {
  const checked: Checked = {};
  const problems: FieldError[] = [];
  if (has("name")) checkName(input, checked, problems);
  if (has("sector")) {
    if (typeof input.sector !== "string" || !(SECTORS as readonly string[]).includes(input.sector)) {
      problems.push({
        field: "sector",
        message: msg`Choose the organisation's sector: one of ${SECTORS.join(", ")}`,
      });
    } else checked.sector = input.sector as Sector;
  }
  if (has("sizeBand")) {
    if (typeof input.sizeBand !== "string" || !(SIZE_BANDS as readonly string[]).includes(input.sizeBand)) {
      problems.push({ field: "sizeBand", message: msg`Choose micro, small, medium or large` });
    } else checked.sizeBand = input.sizeBand as SizeBand;
  }
  if (input.staffHeadcount !== undefined) {
    const n = input.staffHeadcount;
    if (n !== null && (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > LIMITS.staffHeadcount)) {
      problems.push({
        field: "staffHeadcount",
        message: msg`Enter the number of staff as a whole number from 0 to ${LIMITS.staffHeadcount.toLocaleString("en-GB")}`,
      });
    } else checked.staffHeadcount = n;
  }
  return { checked, problems };
}

function checkPostcode(value: unknown, checked: Checked, problems: FieldError[]): void {
  if (value === undefined) return;
  if (value === null || (typeof value === "string" && value.trim() === "")) {
    checked.postcode = null;
    return;
  }
  const compact = typeof value === "string" ? value.replace(/\s+/g, "").toUpperCase() : "";
  if (!POSTCODE.test(compact))
    problems.push({ field: "postcode", message: msg`Enter a real postcode, like WS1 2AB` });
  else checked.postcode = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

function checkWebsite(value: unknown, checked: Checked, problems: FieldError[]): void {
  if (value === undefined) return;
  const website = optionalText(
    value,
    "website",
    {
      notText: () => msg`Enter the website address as text`,
      tooLong: (max) => msg`The website address must be ${max} characters or fewer`,
    },
    LIMITS.website,
    problems,
  );
  if (website === null) checked.website = null;
  if (website === undefined || website === null) return;
  let url: URL | undefined;
  try {
    url = new URL(website);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname.includes(".")) {
    problems.push({
      field: "website",
      message: msg`Enter the website address in full, like https://www.example.org.uk`,
    });
  } else checked.website = website;
}

/** Checks each given field; `complete` requires the fields every organisation has. */
function checkDetails(
  input: OrganisationChanges,
  complete: boolean,
): { checked: Checked; problems: FieldError[] } {
  const { checked, problems } = checkKind(input, (key) => complete || input[key] !== undefined);
  const line1 = optionalText(
    input.addressLine1,
    "addressLine1",
    {
      notText: () => msg`Enter address line 1 as text`,
      tooLong: (max) => msg`Address line 1 must be ${max} characters or fewer`,
    },
    LIMITS.addressLine,
    problems,
  );
  if (line1 !== undefined) checked.addressLine1 = line1;
  const line2 = optionalText(
    input.addressLine2,
    "addressLine2",
    {
      notText: () => msg`Enter address line 2 as text`,
      tooLong: (max) => msg`Address line 2 must be ${max} characters or fewer`,
    },
    LIMITS.addressLine,
    problems,
  );
  if (line2 !== undefined) checked.addressLine2 = line2;
  const town = optionalText(
    input.town,
    "town",
    {
      notText: () => msg`Enter the town or city as text`,
      tooLong: (max) => msg`The town or city must be ${max} characters or fewer`,
    },
    LIMITS.town,
    problems,
  );
  if (town !== undefined) checked.town = town;
  checkPostcode(input.postcode, checked, problems);
  const description = optionalText(
    input.description,
    "description",
    {
      notText: () => msg`Enter the description as text`,
      tooLong: (max) => msg`The description must be ${max} characters or fewer`,
    },
    LIMITS.description,
    problems,
  );
  if (description !== undefined) checked.description = description ?? "";
  checkWebsite(input.website, checked, problems);
  const areas = codeList(
    input.areas,
    "areas",
    {
      notList: () => msg`Give the areas as a list of codes`,
      tooMany: (max) => msg`Choose at most ${max} areas`,
    },
    LIMITS.areas,
    problems,
  );
  if (areas !== undefined) checked.areas = areas;
  const categories = codeList(
    input.categories,
    "categories",
    {
      notList: () => msg`Give the service categories as a list of codes`,
      tooMany: (max) => msg`Choose at most ${max} service categories`,
    },
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
    problems.push({ field: "identifiers", message: msg`Give the identifiers as a list` });
    return undefined;
  }
  if (input.length > LIMITS.identifiers) {
    problems.push({ field: "identifiers", message: msg`Give at most ${LIMITS.identifiers} identifiers` });
    return undefined;
  }
  const before = problems.length;
  const out: { scheme: string; identifier: string; primary: boolean }[] = [];
  const seen = new Set<string>();
  input.forEach((item, index) => {
    const field = `identifiers.${index}`;
    if (typeof item?.scheme !== "string" || typeof item?.identifier !== "string") {
      problems.push({ field, message: msg`Give each identifier's scheme and identifier` });
      return;
    }
    if (item.identifier.length > LIMITS.identifier) {
      problems.push({
        field: `${field}.identifier`,
        message: msg`An identifier must be ${LIMITS.identifier} characters or fewer`,
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
      problems.push({ field: `${field}.identifier`, message: msg`${check.orgId} is given twice` });
      return;
    }
    seen.add(check.orgId);
    out.push({ scheme: check.scheme, identifier: check.identifier, primary: item.primary === true });
  });
  if (problems.length > before) return undefined;
  const primaries = out.filter((i) => i.primary).length;
  if (primaries > 1) {
    problems.push({ field: "identifiers", message: msg`Choose one primary identifier, not several` });
    return undefined;
  }
  if (primaries === 0 && out[0]) out[0].primary = true;
  return out;
}

function failIfAny(problems: FieldError[]): void {
  if (problems.length > 0) {
    throw new ValidationError(
      problems.length === 1
        ? msg`Check the organisation's details: one field is not right`
        : msg`Check the organisation's details: ${problems.length} fields are not right`,
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
        message:
          unknown.length === 1
            ? msg`Choose areas from the list: ${unknown.join(", ")} is not a known GSS area code`
            : msg`Choose areas from the list: ${unknown.join(", ")} are not known GSS area codes`,
      });
    }
  }
  if (checked.categories && checked.categories.length > 0) {
    const found = await existingCategoryCodes(trx, checked.categories);
    const unknown = checked.categories.filter((code) => !found.has(code));
    if (unknown.length > 0) {
      problems.push({
        field: "categories",
        message:
          unknown.length === 1
            ? msg`Choose service categories from the list: ${unknown.join(", ")} is not one`
            : msg`Choose service categories from the list: ${unknown.join(", ")} are not one`,
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
      holders.length === 1
        ? msg`This identifier is already registered to another organisation in the directory: ${list}. Check the identifier, or ask that organisation's administrator if you should be part of it.`
        : msg`These identifiers are already registered to another organisation in the directory: ${list}. Check the identifier, or ask that organisation's administrator if you should be part of it.`,
      "identifier_taken",
    );
    (this as { details: readonly FieldError[] }).details = holders.map((h, i) => ({
      field: fields[i] ?? "identifiers",
      message: msg`${orgIdOf(h.scheme, h.identifier)} is already the identifier of ${h.name}`,
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

// Changing the directory

/** The details as given, with a primary identifier in org-id form turned into `identifiers`. */
function detailsGiven(input: CreateOrganisationInput): {
  given: OrganisationDetails;
  problems: FieldError[];
} {
  const given: OrganisationDetails = { ...input };
  const problems: FieldError[] = [];
  if (input.primaryIdentifier && input.identifiers === undefined) {
    const split = splitOrgId(input.primaryIdentifier);
    if (!split) {
      problems.push({
        field: "primaryIdentifier",
        message: msg`Enter the identifier in org-id form, like GB-COH-01234567`,
      });
    } else given.identifiers = [{ ...split, primary: true }];
  }
  return { given, problems };
}

/**
 * Records an organisation, checked, audited as `actorIn(ctx)`. Checks no one: for seeds, and for
 * `registerOrganisation`, which decides who may.
 */
export async function recordOrganisation(
  ctx: Ctx,
  input: CreateOrganisationInput,
  registeredBy: string | null = null,
): Promise<Organisation> {
  const { given, problems } = detailsGiven(input);
  const { checked, problems: fieldProblems } = checkDetails(given, true);
  problems.push(...fieldProblems);
  return changeDirectory(ctx.db, async (trx) => {
    await checkCodes(trx, checked, problems);
    failIfAny(problems);
    const identifiers = checked.identifiers ?? [];
    await ensureIdentifiersFree(trx, identifiers, undefined);
    const now = ctx.clock.now();
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
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorIn(ctx),
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

/**
 * Any signed-in person (an API token needs the organisations:write scope) registers an
 * organisation and becomes its administrator.
 */
export async function registerOrganisation(ctx: Ctx, input: OrganisationDetails): Promise<Organisation> {
  const person = requireWriteScope(ctx.principal);
  const actor = actorOf(person);
  return changeDirectory(ctx.db, async (trx) => {
    const organisation = await recordOrganisation(within(ctx, trx, actor), { ...input }, person.userId);
    await grantRole(trx, ctx.clock, actor, {
      userId: person.userId,
      role: "organisation-admin",
      scopeId: organisation.id,
    });
    return organisation;
  });
}

/** Registers an organisation (`registerOrganisation`) and answers its profile, for the JSON API. */
export async function registerOrganisationProfile(
  ctx: Ctx,
  input: OrganisationDetails,
): Promise<OrganisationProfile> {
  const organisation = await registerOrganisation(ctx, input);
  return organisationProfile(ctx, organisation.id);
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

async function applyChanges(trx: Trx, id: string, checked: Checked, before: Organisation, now: Date) {
  const set: Record<string, unknown> = {};
  const audit: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(FIELD_COLUMNS)) {
    const value = checked[field as keyof typeof FIELD_COLUMNS];
    if (value === undefined) continue;
    if (before[column] === value) continue;
    set[column] = value;
    audit[field] = value;
  }
  // Its lists count as changes of the organisation too: the open data dates them by updated_at.
  const listsGiven =
    checked.identifiers !== undefined || checked.areas !== undefined || checked.categories !== undefined;
  if (Object.keys(set).length > 0 || listsGiven)
    await repo.updateOrganisation(trx, id, { ...set, updated_at: now });
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
  return audit;
}

/** Changes the given fields (organisation admins and platform admins). */
export async function updateOrganisation(
  ctx: Ctx,
  id: string,
  changes: OrganisationChanges,
): Promise<Organisation> {
  const person = requireWriteScope(ctx.principal);
  return changeDirectory(ctx.db, async (trx) => {
    await organisationOf(trx, id);
    requireRole(person, "organisation-admin", id, "change this organisation's details");
    const { checked, problems } = checkDetails(changes, false);
    const before = await repo.lockOrganisation(trx, id);
    if (!before) throw new NotFoundError("organisation");
    await checkCodes(trx, checked, problems);
    failIfAny(problems);
    if (checked.identifiers) await ensureIdentifiersFree(trx, checked.identifiers, id);
    const audit = await applyChanges(trx, id, checked, before, ctx.clock.now());
    if (Object.keys(audit).length > 0) {
      await recordAudit(trx, ctx.clock, {
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

/** Changes an organisation (`updateOrganisation`) and answers its profile, for the JSON API. */
export async function updateOrganisationProfile(
  ctx: Ctx,
  id: string,
  changes: OrganisationChanges,
): Promise<OrganisationProfile> {
  await updateOrganisation(ctx, id, changes);
  return organisationProfile(ctx, id);
}

/** Replaces every identifier of the organisation (organisation admins). */
export async function setIdentifiers(
  ctx: Ctx,
  id: string,
  identifiers: readonly IdentifierInput[],
): Promise<Organisation> {
  return updateOrganisation(ctx, id, { identifiers });
}

// The form

/** The registration and change form as posted: text, as the form shows it again. */
export interface OrganisationForm {
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
  /** One org-id a line, like GB-CHC-1098765. */
  otherIdentifiers: string;
}

/**
 * The form as details. The problems only text can have (letters in a number, an identifier
 * without its scheme) come first, then every other field's, so all are named at once.
 */
function detailsOfForm(form: OrganisationForm, complete: boolean): OrganisationDetails {
  const problems: FieldError[] = [];
  const identifiers: IdentifierInput[] = [];
  if (form.identifier.trim() !== "" || form.identifierScheme !== "") {
    if (form.identifierScheme === "") {
      problems.push({
        field: "identifierScheme",
        message: msg`Choose the register the identifier comes from`,
      });
    } else identifiers.push({ scheme: form.identifierScheme, identifier: form.identifier, primary: true });
  }
  form.otherIdentifiers
    .split(/\r?\n/)
    .map((line) => line.trim())
    .forEach((line, index) => {
      if (line === "") return;
      const split = splitOrgId(line);
      if (!split) {
        problems.push({
          field: "otherIdentifiers",
          message: msg`Line ${index + 1} of other identifiers: start with the scheme, like GB-CHC-1098765`,
        });
      } else identifiers.push({ ...split, primary: false });
    });
  const {
    staffHeadcount: headcount,
    otherIdentifiers: _,
    identifierScheme: __,
    identifier: ___,
    ...rest
  } = form;
  const details: OrganisationDetails = { ...rest, identifiers };
  const staff = headcount.trim().replace(/,/g, "");
  if (staff === "") details.staffHeadcount = null;
  else if (/^\d{1,9}$/.test(staff)) details.staffHeadcount = Number(staff);
  else
    problems.push({
      field: "staffHeadcount",
      message: msg`Enter the number of staff as a whole number, like 45`,
    });
  if (problems.length > 0) {
    const more = checkDetails(details, complete).problems.filter(
      (p) => !problems.some((q) => q.field === p.field),
    );
    failIfAny([...problems, ...more]);
  }
  return details;
}

/** Registers an organisation from the form (`registerOrganisation`). */
export async function registerOrganisationFromForm(ctx: Ctx, form: OrganisationForm): Promise<Organisation> {
  requireWriteScope(ctx.principal);
  return registerOrganisation(ctx, detailsOfForm(form, true));
}

/** Changes an organisation from the form (`updateOrganisation`): every field is replaced. */
export async function updateOrganisationFromForm(
  ctx: Ctx,
  id: string,
  form: OrganisationForm,
): Promise<Organisation> {
  const person = requireWriteScope(ctx.principal);
  await organisationOf(ctx.db, id);
  requireRole(person, "organisation-admin", id, "change this organisation's details");
  return updateOrganisation(ctx, id, detailsOfForm(form, true));
}

/** The form's values for an organisation as it is. */
function formOf(profile: OrganisationProfile): OrganisationForm {
  const o = profile.organisation;
  const primary = profile.identifiers.find((i) => i.primary);
  return {
    name: o.name,
    sector: o.sector,
    sizeBand: o.size_band,
    staffHeadcount: o.staff_headcount === null ? "" : String(o.staff_headcount),
    addressLine1: o.address_line1 ?? "",
    addressLine2: o.address_line2 ?? "",
    town: o.town ?? "",
    postcode: o.postcode ?? "",
    description: o.description,
    website: o.website ?? "",
    areas: profile.areas.map((a) => a.code),
    categories: profile.categories.map((c) => c.code),
    identifierScheme: primary?.scheme ?? "",
    identifier: primary?.identifier ?? "",
    otherIdentifiers: profile.identifiers
      .filter((i) => !i.primary)
      .map((i) => i.orgId)
      .join("\n"),
  };
}

/**
 * What the registration form shows (the choices), and for a change the organisation and its
 * current values: signed-in people register, an organisation's administrators change it.
 */
export async function organisationFormPage(ctx: Ctx, organisationId?: string) {
  const [areas, categories] = await Promise.all([listAreas(ctx.db), listServiceCategories(ctx.db)]);
  const choices = { areas, categories, schemes: IDENTIFIER_SCHEMES, sectors: SECTORS, sizeBands: SIZE_BANDS };
  const person = requireWriteScope(ctx.principal);
  if (organisationId === undefined) return { ...choices, current: undefined };
  const profile = await organisationProfile(ctx, organisationId);
  requireRole(person, "organisation-admin", profile.organisation.id, "change this organisation's details");
  return { ...choices, current: { organisation: profile.organisation, values: formOf(profile) } };
}
