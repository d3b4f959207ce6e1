/**
 * The directory of organisations of every sector: the public directory (search with its filter
 * counts) and profiles, and what the other modules may use of the organisations module. Changing the
 * directory is in its own services: registering and changing an organisation
 * (`registration.service.ts`), its relationships (`relationships.service.ts`) and the evidence
 * behind a mutual's claim (`mutual-evidence.service.ts`). Organisations are national records: their
 * audit events go on the platform chain.
 */
import type { Db, Trx } from "../../db/database.ts";
import { COUNT_CAP, decodeKey, encodeKey, type Total } from "../../db/paging.ts";
import { MAX_SEARCH_TEXT } from "../../db/text-search.ts";
import { transaction } from "../../db/transaction.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { type Kept, keptFor } from "../../lib/kept.ts";
import { collect, notifyAll, type Panel } from "../../lib/ports.ts";
import type { Principal } from "../access/access.service.ts";
import { hasRole, isPlatformAdmin } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { type ApiScope, requireScope } from "../accounts/accounts.service.ts";
import { listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { checkIdentifier, identifierScheme, orgIdOf, registerUrlOf, splitOrgId } from "./identifiers.ts";
import { assessMutual, type MutualAssessment } from "./mutual.ts";
import { mutualStatusLost, profilePanels } from "./organisations.ports.ts";
import * as repo from "./organisations.repository.ts";
import type { Organisation, ProfitModel, RelationshipKind } from "./organisations.table.ts";

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

/** API tokens need the organisations:write scope to change the directory; sessions need none. */
export function requireWriteScope(principal: Principal | null): Principal {
  return requireScope(principal, WRITE_SCOPE);
}

/** The organisation, or 404 (also for an id that is not one). */
export async function organisationOf(db: Db, id: string): Promise<Organisation> {
  const organisation = isUuid(id) ? await repo.findOrganisation(db, id) : undefined;
  if (!organisation) throw new NotFoundError("organisation");
  return organisation;
}

/** The organisations among these ids, by id: `organisationOf` for many at once, an unknown id left out. */
export async function organisationsByIds(db: Db, ids: readonly string[]): Promise<Map<string, Organisation>> {
  return new Map((await repo.findOrganisations(db, ids.filter(isUuid))).map((o) => [o.id, o]));
}

/** Whether this person administers the organisation (platform administrators do every one). */
export function canAdminister(principal: Principal | null, organisationId: string): boolean {
  return isPlatformAdmin(principal) || hasRole(principal, "organisation-admin", organisationId);
}

/** What the other organisation is to this one, by kind and side (the inverse wording). */
export function otherIs(kind: RelationshipKind, side: "from" | "to") {
  const words = {
    "parent-body": ["parent-body", "spin-out"],
    subsidiary: ["parent-company", "subsidiary"],
    "group-member": ["group", "group-member"],
    "joint-venture": ["joint-venture-partner", "joint-venture-partner"],
  } as const;
  return words[kind][side === "from" ? 0 : 1];
}

// Profiles

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

function evidenceView(evidence: NonNullable<Awaited<ReturnType<typeof repo.evidenceOf>>>): EvidenceView {
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
  return {
    ...facts,
    ...assessMutual(facts),
    qualifies: evidence.qualifies,
    parent,
    spinOutDate: evidence.spin_out_date,
    recordedAt: evidence.recorded_at,
  };
}

/** An organisation's public profile, or 404 (also for an id that is not one). Public. */
export async function organisationProfile(ctx: Ctx, id: string): Promise<OrganisationProfile> {
  const { db } = ctx;
  const organisation = await organisationOf(db, id);
  const [sector, identifiers, areas, categories, relationships, evidence] = await Promise.all([
    repo.effectiveSectorOf(db, id),
    repo.identifiersOf(db, id),
    repo.areasOf(db, id),
    repo.categoriesOf(db, id),
    repo.relationshipsOf(db, id),
    repo.evidenceOf(db, id),
  ]);
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
    evidence: evidence ? evidenceView(evidence) : null,
  };
}

export interface ProfileView {
  profile: OrganisationProfile;
  /** Sections from other modules (registered locations, contracts held). */
  panels: Panel[];
  /** The person acts for the organisation (its administrators and members). */
  actsFor: boolean;
  /** The person may change it (its administrators, platform administrators). */
  canEdit: boolean;
}

/** What an organisation's profile page shows. Public. */
export async function profileView(ctx: Ctx, id: string): Promise<ProfileView> {
  const profile = await organisationProfile(ctx, id);
  const organisationId = profile.organisation.id;
  return {
    profile,
    panels: await collect(profilePanels, ctx.db, ctx.clock, organisationId),
    actsFor: hasRole(ctx.principal, ["organisation-admin", "organisation-member"], organisationId),
    canEdit: canAdminister(ctx.principal, organisationId),
  };
}

// The directory

export const DIRECTORY_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * How long the directory's figures — how many organisations it has, by each filter's values, and
 * its mutuals — are kept before they are counted again: counting them reads the whole directory,
 * which at national scale no page view should do. Pages say when they were counted.
 */
export const DIRECTORY_FIGURES_MAX_AGE_MS = 60_000;

export interface DirectoryQuery extends repo.DirectoryFilters {
  /** A page link's key: the page after (or `before`) the row it names. */
  after?: string | undefined;
  before?: string | undefined;
  pageSize?: number;
}

type FacetValues = { value: string; count: number }[];

export interface DirectoryResult {
  results: repo.DirectoryRow[];
  /** How many organisations match: exactly, or at least this many when there are more than `COUNT_CAP`. */
  total: Total;
  pageSize: number;
  /** The keys of the pages either side (for links), when there are such pages. */
  next: string | undefined;
  previous: string | undefined;
  /** Counts per value of each filter under the others; undefined where more than `COUNT_CAP` match. */
  facets: Record<repo.Facet, FacetValues | undefined>;
  /** When the counts were taken: they are kept a while (the oldest of those shown). */
  countedAt: Date;
}

interface DirectoryFigures {
  total: number;
  facets: Record<repo.Facet, FacetValues>;
  mutuals: { organisations: number; staff: number };
}

const keptFigures = keptFor<Db, DirectoryFigures>(DIRECTORY_FIGURES_MAX_AGE_MS);

type Counted = Awaited<ReturnType<typeof repo.directoryCounts>>;

/**
 * Searches' counts (up to `COUNT_CAP` matches, and their filters' counts), kept like the
 * directory's figures and forgotten with them: a popular search — a common word matches tens of
 * thousands of organisations at national scale — is counted once a minute, not on every view.
 */
const keptCounts = keptFor<Db, Counted>(DIRECTORY_FIGURES_MAX_AGE_MS, { names: 1000 });

/** How many organisations `filters` match, and over them each of `facets`: kept a while (see above). */
function countedFor(
  ctx: Pick<Ctx, "db" | "clock">,
  filters: repo.DirectoryFilters,
  facets: readonly repo.Facet[],
): Promise<Kept<Counted>> {
  const { db } = ctx;
  const sorted = (values: readonly string[] | undefined) => (values ? [...values].sort() : []);
  const name = JSON.stringify([
    filters.q ?? "",
    sorted(filters.sectors),
    sorted(filters.sizeBands),
    sorted(filters.categories),
    sorted(filters.areas),
    facets,
  ]);
  return keptCounts.get(
    db,
    ctx.clock.now(),
    () => repo.directoryCounts(db, filters, facets, COUNT_CAP + 1),
    name,
  );
}

/** The whole directory's figures, counted at most once every `DIRECTORY_FIGURES_MAX_AGE_MS`. Public. */
export function directoryFigures(ctx: Pick<Ctx, "db" | "clock">): Promise<Kept<DirectoryFigures>> {
  const { db } = ctx;
  return keptFigures.get(db, ctx.clock.now(), async () => {
    const [counts, totals] = await Promise.all([repo.directoryCounts(db, {}, FACETS), repo.mutualTotals(db)]);
    const { sector = [], sizeBand = [], category = [], area = [] } = counts.facets;
    return {
      total: counts.matched,
      facets: { sector, sizeBand, category, area },
      mutuals: { organisations: Number(totals.organisations), staff: Number(totals.staff) },
    };
  });
}

/** Whether the directory shows the organisation as a qualifying public service mutual now. */
export async function isQualifyingMutual(db: Db, organisationId: string): Promise<boolean> {
  return (await repo.effectiveSectorOf(db, organisationId)) === "public-service-mutual";
}

/**
 * After a change in `ctx.db`'s transaction: when the organisation was a qualifying mutual before it
 * and is not now, the modules above are told (`mutualStatusLost`).
 */
export async function tellIfMutualStatusLost(
  ctx: Ctx & { db: Trx },
  organisationId: string,
  wasMutual: boolean,
): Promise<void> {
  if (wasMutual && !(await isQualifyingMutual(ctx.db, organisationId)))
    await notifyAll(mutualStatusLost, ctx, organisationId);
}

/** One transaction changing the directory: once it commits, its figures are counted again when next shown. */
export async function changeDirectory<T>(db: Db, change: (trx: Trx) => Promise<T>): Promise<T> {
  const result = await transaction(db, change);
  keptFigures.forget(db);
  keptCounts.forget(db);
  return result;
}

const PAGE_KEY: readonly ["string", "string"] = ["string", "string"];

/**
 * Searches the directory: text (full text, and the start of any word), filters, counts per filter
 * value. A page at a time, in name order, read by key: however far in, a page costs the same.
 * Counts are exact up to `COUNT_CAP` matches; the unfiltered directory's come from its kept
 * figures. Public.
 */
export async function searchDirectory(ctx: Ctx, query: DirectoryQuery): Promise<DirectoryResult> {
  const { db } = ctx;
  const pageSize = Math.min(Math.max(1, Math.trunc(query.pageSize ?? DIRECTORY_PAGE_SIZE)), MAX_PAGE_SIZE);
  const filters: repo.DirectoryFilters = {
    q: query.q?.trim().slice(0, MAX_SEARCH_TEXT),
    sectors: query.sectors,
    sizeBands: query.sizeBands,
    categories: query.categories,
    areas: query.areas,
  };
  const after = decodeKey(query.after, PAGE_KEY, "after");
  const before = after ? undefined : decodeKey(query.before, PAGE_KEY, "before");
  const seek: repo.DirectorySeek | undefined = after
    ? { key: [String(after[0]), String(after[1])], direction: "after" }
    : before
      ? { key: [String(before[0]), String(before[1])], direction: "before" }
      : undefined;

  const figures = await directoryFigures(ctx);
  const facets: Partial<Record<repo.Facet, FacetValues>> = {};
  let total: Total = { count: figures.value.total, atLeast: false };
  let countedAt = figures.countedAt;
  const counts = async (of: repo.DirectoryFilters, facetsOf: readonly repo.Facet[]) => {
    const kept = await countedFor(ctx, of, facetsOf);
    if (kept.countedAt < countedAt) countedAt = kept.countedAt;
    return kept.value;
  };
  if (repo.narrowed(filters)) {
    // The search's matches counted, and over them each facet the search leaves unfiltered: one query.
    const own = FACETS.filter((facet) => !isFiltered(filters, facet));
    const counted = await counts(filters, own);
    total =
      counted.matched > COUNT_CAP
        ? { count: COUNT_CAP, atLeast: true }
        : { count: counted.matched, atLeast: false };
    if (!total.atLeast) Object.assign(facets, counted.facets);
  }
  // A facet the search filters is counted under the other filters: the whole directory's figures
  // when nothing else narrows it, else its own count over (up to COUNT_CAP) matches.
  const filteredFacets = FACETS.filter((facet) => isFiltered(filters, facet));
  const [rows] = await Promise.all([
    repo.searchOrganisations(
      db,
      filters,
      pageSize + 1,
      seek,
      repo.narrowed(filters) && !total.atLeast ? COUNT_CAP + 1 : undefined,
    ),
    ...filteredFacets.map(async (facet) => {
      if (!repo.narrowed(filters, facet)) {
        facets[facet] = figures.value.facets[facet];
        return;
      }
      const counted = await counts(withoutFilter(filters, facet), [facet]);
      if (counted.matched <= COUNT_CAP) facets[facet] = counted.facets[facet];
    }),
  ]);
  if (!repo.narrowed(filters)) Object.assign(facets, figures.value.facets);
  const { sector, sizeBand, category, area } = facets;

  // One row more than a page says whether there is a page beyond, in the direction read.
  const more = rows.length > pageSize;
  const results = seek?.direction === "before" ? rows.slice(more ? 1 : 0) : rows.slice(0, pageSize);
  const keyOf = (row: repo.DirectoryRow | undefined) =>
    row ? encodeKey([row.sort_name, row.id]) : undefined;
  const hasNext = seek?.direction === "before" ? true : more;
  const hasPrevious = seek === undefined ? false : seek.direction === "after" ? true : more;
  return {
    results,
    total,
    pageSize,
    next: hasNext && results.length > 0 ? keyOf(results[results.length - 1]) : undefined,
    previous: hasPrevious && results.length > 0 ? keyOf(results[0]) : undefined,
    facets: { sector, sizeBand, category, area },
    countedAt,
  };
}

const FACETS: readonly repo.Facet[] = ["sector", "sizeBand", "category", "area"];

/** The filters without the one on `facet`. */
function withoutFilter(filters: repo.DirectoryFilters, facet: repo.Facet): repo.DirectoryFilters {
  const key = ({ sector: "sectors", sizeBand: "sizeBands", category: "categories", area: "areas" } as const)[
    facet
  ];
  return { ...filters, [key]: undefined };
}

/** Whether the search has a filter on this facet. */
function isFiltered(filters: repo.DirectoryFilters, facet: repo.Facet): boolean {
  const values = {
    sector: filters.sectors,
    sizeBand: filters.sizeBands,
    category: filters.categories,
    area: filters.areas,
  }[facet];
  return (values?.length ?? 0) > 0;
}

/** Mutuals with qualifying evidence and their staff: computed from the evidence, never typed. */
export async function mutualSummary(
  ctx: Pick<Ctx, "db" | "clock">,
): Promise<{ organisations: number; staff: number }> {
  return (await directoryFigures(ctx)).value.mutuals;
}

/**
 * Public service mutuals (qualifying evidence) with a recorded spin-out date, by the calendar year of
 * that date, with the staff they employ now (the market's diversity figures). Public.
 */
export async function mutualsBySpinOutYear(
  ctx: Pick<Ctx, "db">,
): Promise<{ year: number; organisations: number; staff: number }[]> {
  return (await repo.mutualsBySpinOutYear(ctx.db)).map((r) => ({
    year: Number(r.year),
    organisations: Number(r.organisations),
    staff: Number(r.staff),
  }));
}

export interface DirectoryPage {
  result: DirectoryResult;
  mutuals: { organisations: number; staff: number };
  categories: Awaited<ReturnType<typeof listServiceCategories>>;
  areas: Awaited<ReturnType<typeof listAreas>>;
}

/** What the directory's page shows: a search, the mutuals' totals and the filters' choices. Public. */
export async function directoryPage(ctx: Ctx, query: DirectoryQuery): Promise<DirectoryPage> {
  const [result, mutuals, categories, areas] = await Promise.all([
    searchDirectory(ctx, query),
    mutualSummary(ctx),
    listServiceCategories(ctx.db),
    listAreas(ctx.db),
  ]);
  return { result, mutuals, categories, areas };
}

/** A search with the mutuals' totals, as the JSON API answers it. Public. */
export async function directorySearch(
  ctx: Ctx,
  query: DirectoryQuery,
): Promise<{ result: DirectoryResult; mutuals: { organisations: number; staff: number } }> {
  const [result, mutuals] = await Promise.all([searchDirectory(ctx, query), mutualSummary(ctx)]);
  return { result, mutuals };
}

/** How many organisations each sector has, as shown (a mutual only with qualifying evidence). */
export async function countOrganisationsByEffectiveSector(
  ctx: Pick<Ctx, "db">,
): Promise<{ sector: repo.EffectiveSector; count: number }[]> {
  return (await repo.countByEffectiveSector(ctx.db)).map((row) => ({
    sector: row.sector,
    count: Number(row.count),
  }));
}

/** An organisation as the open data publishes it: the directory's row with its details. */
export type DirectoryRecord = Organisation & repo.OrganisationDetails;

/**
 * One page of the directory for the open data, in id order after `afterId`: each organisation with
 * its identifiers, areas, categories, effective sector and mutual evidence. Public.
 */
export async function directoryRecordsAfter(
  ctx: Pick<Ctx, "db">,
  afterId: string | undefined,
  limit: number,
): Promise<DirectoryRecord[]> {
  const rows = await repo.organisationsAfter(ctx.db, afterId, limit);
  const details = await repo.organisationDetails(
    ctx.db,
    rows.map((row) => row.id),
  );
  // Every row of the page stays (the page's length tells the reader whether there is another).
  return rows.map((row) => ({
    ...row,
    ...(details.get(row.id) ?? {
      effective_sector: row.sector === "public-service-mutual" ? repo.UNCONFIRMED : row.sector,
      identifiers: [],
      area_codes: [],
      category_codes: [],
      evidence: null,
    }),
  }));
}

/** When the directory last changed (the open data's "last updated"): from two indexes, not a scan. */
export function latestDirectoryChange(ctx: Pick<Ctx, "db">): Promise<Date | null> {
  return repo.latestDirectoryChange(ctx.db);
}

export const countOrganisationsBySector = repo.countBySector;
export const organisationsAfter = repo.organisationsAfter;
export const organisationNames = repo.organisationNames;
export const organisationNamesOf = repo.organisationNamesOf;
export const findOrganisation = repo.findOrganisation;

/** What other modules may use of this module's tables. */
export type {
  NewOrganisation,
  Organisation,
  ProfitModel,
  RelationshipKind,
  Sector,
  SizeBand,
} from "./organisations.table.ts";
export { PROFIT_MODELS, RELATIONSHIP_KINDS, SECTORS, SIZE_BANDS } from "./organisations.table.ts";

/** Organisations' effective sectors (a mutual only with qualifying evidence), size bands and staff, by id. */
export const sectorsOf = repo.sectorsOf;

/** Identifiers looked up at once (each a pair of conditions). */
const IDENTIFIERS_AT_ONCE = 200;

/**
 * The organisations of the directory holding these identifiers, given in org-id form as other
 * publishers' data gives them ("GB-COH-1234567", "GB-CHC-1098765"): each identifier normalised by its
 * scheme ("GB-COH-01234567"), answered by that normal form with the organisation's id. Identifiers of
 * a scheme the directory does not know, or not in the scheme's format, hold none. (The market's
 * figures of imported processes: a supplier the directory holds counts in its sector.)
 */
export async function organisationsWithOrgIds(
  db: Db,
  orgIds: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = new Map<string, { scheme: string; identifier: string }>();
  for (const orgId of orgIds) {
    const split = splitOrgId(orgId);
    if (!split) continue;
    const checked = checkIdentifier(split.scheme, split.identifier);
    if (checked.ok) wanted.set(checked.orgId, { scheme: checked.scheme, identifier: checked.identifier });
  }
  const held = new Map<string, string>();
  const list = [...wanted.values()];
  for (let i = 0; i < list.length; i += IDENTIFIERS_AT_ONCE)
    for (const row of await repo.identifierHolders(db, list.slice(i, i + IDENTIFIERS_AT_ONCE), undefined))
      held.set(orgIdOf(row.scheme, row.identifier), row.organisation_id);
  return held;
}

/** An identifier in org-id form normalised by its scheme ("GB-COH-1234567" → "GB-COH-01234567"), if it can be. */
export function normalOrgId(orgId: string): string | undefined {
  const split = splitOrgId(orgId);
  if (!split) return undefined;
  const checked = checkIdentifier(split.scheme, split.identifier);
  return checked.ok ? checked.orgId : undefined;
}
