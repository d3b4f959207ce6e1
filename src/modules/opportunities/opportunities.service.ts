/**
 * Finding opportunities (issue 5, item 3): search and filters over published tenders, saved
 * searches, and alerts (inbox and email) for new matches — so a small charity learns of a tender
 * without checking every day. This file is the search; saved-searches.service.ts keeps searches,
 * alerts.service.ts alerts of new matches.
 *
 * The search: keywords (title and description), service category and area of the tender's
 * project, estimated value in pounds (integer pence inside), submission deadline between two UK
 * dates (Europe/London), reserved to public service mutuals only, and open tenders only unless
 * closed ones are asked for. Drafts and cancelled tenders are never found. Open tenders come first,
 * soonest deadline first.
 */
import type { Db } from "../../db/database.ts";
import { COUNT_CAP, type Total } from "../../db/paging.ts";
import { type DomainError, type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { type Kept, keptFor } from "../../lib/kept.ts";
import { addDays, endOfLondonDay, isIsoDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import type { Ctx } from "../access/context.ts";
import { stateOf, type TenderState } from "../tenders/tenders.service.ts";
import {
  existingAreaCodes,
  existingCategoryCodes,
  listAreas,
  listServiceCategories,
} from "../vocabularies/vocabularies.service.ts";
import * as repo from "./opportunities.repository.ts";

export const SEARCH_LIMITS = {
  keywords: 200,
  /** Service categories or areas in one search. */
  codes: 50,
  pageSize: 20,
  maxPageSize: 100,
} as const;

// The search

export interface CriteriaDraft {
  keywords?: string;
  category?: readonly string[];
  area?: readonly string[];
  minValue?: string;
  maxValue?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
  reserved?: boolean | string;
  includeClosed?: boolean | string;
}

/** A checked search. Empty lists and nulls mean "any". */
export interface Criteria {
  keywords: string;
  categories: string[];
  areas: string[];
  minValue: Pence | null;
  maxValue: Pence | null;
  /** London calendar dates, inclusive. */
  deadlineFrom: string | null;
  deadlineTo: string | null;
  reservedOnly: boolean;
  includeClosed: boolean;
}

export const ANY: Criteria = {
  keywords: "",
  categories: [],
  areas: [],
  minValue: null,
  maxValue: null,
  deadlineFrom: null,
  deadlineTo: null,
  reservedOnly: false,
  includeClosed: false,
};

const MONEY_EXAMPLE = "like £250,000";

function money(
  value: string | undefined,
  field: string,
  label: string,
  problems: FieldError[],
): Pence | null {
  const text = (value ?? "").trim();
  if (text === "") return null;
  if (/^[\s£]*[-−]/.test(text)) {
    problems.push({ field, message: msg`The ${label} must be £0 or more` });
    return null;
  }
  const parsed = parseMoney(text);
  if (parsed.ok) return parsed.value;
  problems.push({ field, message: msg`Enter the ${label} in pounds using numbers only, ${MONEY_EXAMPLE}` });
  return null;
}

function date(
  value: string | undefined,
  field: string,
  label: string,
  problems: FieldError[],
): string | null {
  const text = (value ?? "").trim();
  if (text === "") return null;
  const year = Number(text.slice(0, 4));
  if (!isIsoDate(text) || year < 2000 || year > 2100) {
    problems.push({ field, message: msg`The ${label} must be a real date, like 15 1 2027` });
    return null;
  }
  return text;
}

function flag(value: boolean | string | undefined, field: string, message: string, problems: FieldError[]) {
  if (value === undefined || value === "" || value === false || value === "false") return false;
  if (value === true || value === "true") return true;
  problems.push({ field, message });
  return false;
}

/** Control characters (a NUL would be refused by the database) become spaces in keywords. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** What a category or area code looks like: anything else is not looked up. */
const isCode = (value: string) => /^[A-Za-z0-9-]{1,40}$/.test(value);

function codes(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v !== ""))];
}

/**
 * Checks a search: 400 naming every field at fault (an unknown category or area, a value that is
 * not an amount, a date that is not real), then 422 for bounds the wrong way round. `prefix` is put
 * before field names ("criteria." in a saved search's body).
 */
export async function checkCriteria(ctx: Ctx, draft: CriteriaDraft, prefix = ""): Promise<Criteria> {
  const { db } = ctx;
  const problems: FieldError[] = [];
  const keywords = (draft.keywords ?? "").replace(CONTROL, " ").trim().replace(/\s+/g, " ");
  if (keywords.length > SEARCH_LIMITS.keywords)
    problems.push({
      field: `${prefix}keywords`,
      message: msg`Enter keywords of ${SEARCH_LIMITS.keywords} characters or fewer`,
    });
  const categories = codes(draft.category);
  const areas = codes(draft.area);
  if (categories.length > SEARCH_LIMITS.codes)
    problems.push({
      field: `${prefix}category`,
      message: msg`Choose ${SEARCH_LIMITS.codes} service categories or fewer`,
    });
  else if (categories.length > 0) {
    const known = await existingCategoryCodes(db, categories.filter(isCode));
    if (categories.some((c) => !known.has(c)))
      problems.push({ field: `${prefix}category`, message: msg`Choose service categories from the list` });
  }
  if (areas.length > SEARCH_LIMITS.codes)
    problems.push({ field: `${prefix}area`, message: msg`Choose ${SEARCH_LIMITS.codes} areas or fewer` });
  else if (areas.length > 0) {
    const known = await existingAreaCodes(db, areas.filter(isCode));
    if (areas.some((a) => !known.has(a)))
      problems.push({ field: `${prefix}area`, message: msg`Choose an area from the list` });
  }
  const minValue = money(draft.minValue, `${prefix}minValue`, msg`minimum value`, problems);
  const maxValue = money(draft.maxValue, `${prefix}maxValue`, msg`maximum value`, problems);
  const deadlineFrom = date(draft.deadlineFrom, `${prefix}deadlineFrom`, msg`earliest deadline`, problems);
  const deadlineTo = date(draft.deadlineTo, `${prefix}deadlineTo`, msg`latest deadline`, problems);
  const reservedOnly = flag(
    draft.reserved,
    `${prefix}reserved`,
    msg`Choose whether to show only tenders reserved for public service mutuals`,
    problems,
  );
  const includeClosed = flag(
    draft.includeClosed,
    `${prefix}includeClosed`,
    msg`Choose whether to include closed tenders`,
    problems,
  );
  if (problems.length > 0) throw new ValidationError(msg`Check the search`, problems);

  const combination: FieldError[] = [];
  if (minValue !== null && maxValue !== null && minValue > maxValue)
    combination.push({
      field: `${prefix}maxValue`,
      message: msg`The maximum value must be the same as or more than the minimum value, ${formatMoney(minValue, { pence: false })}`,
    });
  if (deadlineFrom !== null && deadlineTo !== null && deadlineFrom > deadlineTo)
    combination.push({
      field: `${prefix}deadlineTo`,
      message: msg`The latest deadline must be the same as or after the earliest deadline`,
    });
  if (combination.length > 0) throw new UnprocessableError(msg`Check the search`, combination);
  return {
    keywords,
    categories,
    areas,
    minValue,
    maxValue,
    deadlineFrom,
    deadlineTo,
    reservedOnly,
    includeClosed,
  };
}

/** Whether the search narrows anything down (open tenders of every kind is not narrowed). */
export function isFiltered(c: Criteria): boolean {
  return (
    c.keywords !== "" ||
    c.categories.length > 0 ||
    c.areas.length > 0 ||
    c.minValue !== null ||
    c.maxValue !== null ||
    c.deadlineFrom !== null ||
    c.deadlineTo !== null ||
    c.reservedOnly ||
    c.includeClosed
  );
}

function filtersOf(c: Criteria): repo.SearchFilters {
  return {
    keywords: c.keywords,
    categories: c.categories,
    areas: c.areas,
    minValue: c.minValue,
    maxValue: c.maxValue,
    // From the start of the first London day to the end of the last.
    deadlineAtOrAfter: c.deadlineFrom ? endOfLondonDay(addDays(c.deadlineFrom, -1)) : null,
    deadlineBefore: c.deadlineTo ? endOfLondonDay(c.deadlineTo) : null,
    reservedOnly: c.reservedOnly,
    includeClosed: c.includeClosed,
  };
}

/** Pounds as plain digits for an address ("250000", "1234.5" → "1234.50"): parseMoney reads it back. */
function poundsText(value: Pence): string {
  const pence = value % 100n;
  return `${value / 100n}${pence === 0n ? "" : `.${pence.toString().padStart(2, "0")}`}`;
}

/** The search as a query string (no "?"), the same for the page and the API; "" for no filters. */
export function criteriaQuery(c: Criteria): string {
  const q = new URLSearchParams();
  if (c.keywords) q.append("keywords", c.keywords);
  for (const code of c.categories) q.append("category", code);
  for (const code of c.areas) q.append("area", code);
  if (c.minValue !== null) q.append("minValue", poundsText(c.minValue));
  if (c.maxValue !== null) q.append("maxValue", poundsText(c.maxValue));
  if (c.deadlineFrom) q.append("deadlineFrom", c.deadlineFrom);
  if (c.deadlineTo) q.append("deadlineTo", c.deadlineTo);
  if (c.reservedOnly) q.append("reserved", "true");
  if (c.includeClosed) q.append("includeClosed", "true");
  return q.toString();
}

/** A query string (as `criteriaQuery` writes it, or a page's) as a draft to check. */
export function draftOfQuery(query: string): CriteriaDraft {
  const q = new URLSearchParams(query);
  return {
    keywords: q.get("keywords") ?? "",
    category: q.getAll("category"),
    area: q.getAll("area"),
    minValue: q.get("minValue") ?? "",
    maxValue: q.get("maxValue") ?? "",
    deadlineFrom: q.get("deadlineFrom") ?? "",
    deadlineTo: q.get("deadlineTo") ?? "",
    reserved: q.get("reserved") ?? "",
    includeClosed: q.get("includeClosed") ?? "",
  };
}

export interface Opportunity extends repo.OpportunityRow {
  state: TenderState;
}

export interface SearchResult {
  opportunities: Opportunity[];
  /** How many the search finds, counted up to `COUNT_CAP`: more when `totalIsAtLeast`. */
  total: number;
  totalIsAtLeast: boolean;
  /** When the count was made, if it is the open tenders' kept count (a search with no filter). */
  countedAt: Date | undefined;
  /** From 1; a page past the end shows the last. */
  page: number;
  pageSize: number;
  pageCount: number;
}

/**
 * How long the counts of the open tenders — all of them, by category and by area, what the search
 * with no filter shows — are kept before they are counted again: at national scale no page view
 * should count every open tender. The page says when they were counted.
 */
export const OPEN_FIGURES_MAX_AGE_MS = 60_000;

interface OpenFigures {
  total: number;
  category: Map<string, number>;
  area: Map<string, number>;
}

const keptOpenFigures = keptFor<Db, OpenFigures>(OPEN_FIGURES_MAX_AGE_MS);

/** The open tenders' counts, counted at most once every `OPEN_FIGURES_MAX_AGE_MS`. */
function openFigures(ctx: Ctx): Promise<Kept<OpenFigures>> {
  const now = ctx.clock.now();
  return keptOpenFigures.get(ctx.db, now, async () => {
    const counted = await repo.tenderCounts(ctx.db, filtersOf(ANY), now, ["category", "area"]);
    return {
      total: counted.matched,
      category: counted.facets.category ?? new Map(),
      area: counted.facets.area ?? new Map(),
    };
  });
}

/** One page of the published tenders the search finds (see the file's comment for the order). */
export async function searchOpportunities(
  ctx: Ctx,
  criteria: Criteria,
  options: { page?: number; pageSize?: number } = {},
): Promise<SearchResult> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const filters = filtersOf(criteria);
  const pageSize = Math.min(
    Math.max(1, Math.trunc(options.pageSize ?? SEARCH_LIMITS.pageSize)),
    SEARCH_LIMITS.maxPageSize,
  );
  // Counted up to COUNT_CAP: pages go as far as that, and a search finding more is narrowed. With
  // no filter, the open tenders' kept count.
  const kept = isFiltered(criteria) ? undefined : await openFigures(ctx);
  const counted: Total = kept
    ? { count: Math.min(kept.value.total, COUNT_CAP), atLeast: kept.value.total > COUNT_CAP }
    : await repo.countTenders(db, filters, now, COUNT_CAP);
  const total = counted.count;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const wanted = Number.isFinite(options.page) ? Math.trunc(options.page as number) : 1;
  const page = Math.min(Math.max(1, wanted), pageCount);
  const rows = await repo.searchTenders(db, filters, now, pageSize, (page - 1) * pageSize);
  return {
    opportunities: rows.map((row) => ({ ...row, state: stateOf(row, now) })),
    total,
    totalIsAtLeast: counted.atLeast,
    countedAt: kept?.countedAt,
    page,
    pageSize,
    pageCount,
  };
}

/**
 * For each category and area, how many tenders the search would find with it (the others kept) —
 * or undefined where the others find more than `COUNT_CAP`: too many to count for each search.
 */
export async function opportunityCounts(
  ctx: Ctx,
  criteria: Criteria,
): Promise<{ category: Map<string, number> | undefined; area: Map<string, number> | undefined }> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const filters = filtersOf(criteria);
  if (!isFiltered(criteria)) {
    const kept = await openFigures(ctx);
    return { category: kept.value.category, area: kept.value.area };
  }
  const facets: repo.Facet[] = ["category", "area"];
  const chosen = (facet: repo.Facet) =>
    (facet === "category" ? filters.categories : filters.areas).length > 0;
  // Facets the search leaves unfiltered are counted over its matches, in one query; a facet it
  // filters, over the matches of the other filters. Not counted when more than COUNT_CAP match.
  const counts: Partial<Record<repo.Facet, Map<string, number>>> = {};
  await Promise.all([
    (async () => {
      const own = facets.filter((facet) => !chosen(facet));
      if (own.length === 0) return;
      const counted = await repo.tenderCounts(db, filters, now, own, COUNT_CAP + 1);
      if (counted.matched <= COUNT_CAP) Object.assign(counts, counted.facets);
    })(),
    ...facets.filter(chosen).map(async (facet) => {
      const others = { ...filters, ...(facet === "category" ? { categories: [] } : { areas: [] }) };
      const counted = await repo.tenderCounts(db, others, now, [facet], COUNT_CAP + 1);
      if (counted.matched <= COUNT_CAP) counts[facet] = counted.facets[facet];
    }),
  ]);
  return { category: counts.category, area: counts.area };
}

/** The page of a tender. */
export function opportunityPath(row: Pick<repo.OpportunityRow, "authority_slug" | "id">): string {
  return `/authorities/${row.authority_slug}/tenders/${row.id}`;
}

/** The categories and areas a search chooses from, with their names. */
export async function searchVocabulary(ctx: Ctx) {
  const [categories, areas] = await Promise.all([listServiceCategories(ctx.db), listAreas(ctx.db)]);
  return {
    categories,
    areas,
    categoryName: new Map(categories.map((c) => [c.code, c.name])),
    areaName: new Map(areas.map((a) => [a.code, a.name])),
  };
}

export type SearchVocabulary = Awaited<ReturnType<typeof searchVocabulary>>;

/** What the API's search gives: the search as checked, and a page of what it finds. */
export async function findOpportunities(
  ctx: Ctx,
  draft: CriteriaDraft,
  options: { page?: number; pageSize?: number } = {},
): Promise<{ criteria: Criteria; result: SearchResult }> {
  const criteria = await checkCriteria(ctx, draft);
  return { criteria, result: await searchOpportunities(ctx, criteria, options) };
}

export interface OpportunitiesPage {
  vocabulary: SearchVocabulary;
  /** What the search found, with counts per category and area; absent when it was refused. */
  found?: {
    criteria: Criteria;
    result: SearchResult;
    counts: { category: Map<string, number> | undefined; area: Map<string, number> | undefined };
  };
  /** Why the search was refused (400 or 422): the page says what to fix. */
  refused?: DomainError;
}

/** The search page: the choices, and what the search finds (or why it cannot be run). */
export async function opportunitiesPage(
  ctx: Ctx,
  draft: CriteriaDraft,
  page: number,
): Promise<OpportunitiesPage> {
  const vocabulary = await searchVocabulary(ctx);
  let criteria: Criteria;
  try {
    criteria = await checkCriteria(ctx, draft);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof UnprocessableError)
      return { vocabulary, refused: error };
    throw error;
  }
  const [result, counts] = await Promise.all([
    searchOpportunities(ctx, criteria, { page }),
    opportunityCounts(ctx, criteria),
  ]);
  return { vocabulary, found: { criteria, result, counts } };
}
