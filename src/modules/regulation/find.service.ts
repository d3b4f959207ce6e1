/**
 * Find a service, compare providers and provider summaries (issue 7, item 7): registered locations
 * by service type, local authority area, postcode district and current rating, best rated first;
 * 2 to 5 providers side by side; a provider's registrations, current ratings and rating history on
 * its public profile. Public.
 */
import type { Db } from "../../db/database.ts";
import { COUNT_CAP, decodeKey, encodeKey, type Total } from "../../db/paging.ts";
import type { Clock } from "../../lib/clock.ts";
import { type FieldError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { collect, type Panel } from "../../lib/ports.ts";
import type { Ctx } from "../access/context.ts";
import { isRating, type KeyQuestionRatings, ratingRank } from "./ratings.ts";
import { postcodeDistrictOf } from "./registration.service.ts";
import { providerExtras } from "./regulation.ports.ts";
import * as repo from "./regulation.repository.ts";
import { type Names, namesOf, ratingsOf, text } from "./regulation.service.ts";
import type { EnforcementAction, Inspection, Rating } from "./regulation.table.ts";

/** Compare sets 2 to 5 providers side by side. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 5;

export interface FindFilter {
  serviceType?: string;
  areaCode?: string;
  postcodeDistrict?: string;
  rating?: string;
  /** A page link's key: the page after (or `before`) the location it names. */
  after?: string | undefined;
  before?: string | undefined;
  pageSize?: number | undefined;
}

/** Find a service shows 20 locations a page; the API gives up to 100. */
export const FIND_PAGE_SIZE = 20;
export const FIND_MAX_PAGE_SIZE = 100;

/** A page of locations found, best rated first, then by name. */
export interface FoundPage {
  results: repo.LocationRow[];
  /** How many locations match: exactly, or at least this many beyond `COUNT_CAP`. */
  total: Total;
  /** The keys of the pages either side, when there are such pages. */
  next: string | undefined;
  previous: string | undefined;
}

const PAGE_KEY: readonly ["number", "string", "string"] = ["number", "string", "string"];

const RATING_UNRATED = 99;
/** The rank a location not yet rated holds (`registrations.current_rating_rank`): after Inadequate. */
const UNRATED_RANK = 4;

/** Sorts by current overall rating, best first (unrated last), then name. */
export function byRatingThenName(a: repo.LocationRow, b: repo.LocationRow): number {
  const rank = (l: repo.LocationRow) =>
    isRating(l.current_overall) ? ratingRank(l.current_overall) : RATING_UNRATED;
  return rank(a) - rank(b) || a.name.localeCompare(b.name, "en-GB") || a.id.localeCompare(b.id);
}

/** The search's fields at fault: a postcode district that is not one, a rating off the scale. */
function filterProblems(filter: FindFilter): FieldError[] {
  const problems: FieldError[] = [];
  const district = text(filter.postcodeDistrict);
  if (district !== "" && postcodeDistrictOf(district) === "")
    problems.push({
      field: "postcodeDistrict",
      message: msg`Enter a postcode district like WS1, or a full postcode`,
    });
  const rating = text(filter.rating);
  if (rating !== "" && rating !== "unrated" && !isRating(rating))
    problems.push({ field: "rating", message: msg`Choose a rating from the list` });
  return problems;
}

/**
 * A page of registered locations meeting the filter, by key: however far in, a page costs the same
 * (the order and the current rating are held on each registration, in an index).
 */
async function search(ctx: Ctx, filter: FindFilter): Promise<FoundPage> {
  const district = text(filter.postcodeDistrict);
  const outward = district === "" ? "" : postcodeDistrictOf(district);
  const rating = text(filter.rating);
  const pageSize = Math.min(Math.max(1, Math.trunc(filter.pageSize ?? FIND_PAGE_SIZE)), FIND_MAX_PAGE_SIZE);
  const where: repo.LocationFilter = {
    statuses: ["registered"],
    ...(text(filter.serviceType) ? { serviceType: text(filter.serviceType) } : {}),
    ...(text(filter.areaCode) ? { areaCode: text(filter.areaCode) } : {}),
    ...(outward ? { postcodeDistrict: outward } : {}),
    ...(rating === "unrated"
      ? { ratingRank: UNRATED_RANK }
      : isRating(rating)
        ? { ratingRank: ratingRank(rating) }
        : {}),
  };
  const after = decodeKey(filter.after, PAGE_KEY, "after");
  const before = after ? undefined : decodeKey(filter.before, PAGE_KEY, "before");
  const key = after ?? before;
  const seek: repo.LocationSeek | undefined = key
    ? { key: [Number(key[0]), String(key[1]), String(key[2])], direction: after ? "after" : "before" }
    : undefined;
  const [rows, total] = await Promise.all([
    repo.findLocationsPage(ctx.db, where, pageSize + 1, seek),
    repo.countLocations(ctx.db, where, COUNT_CAP),
  ]);
  // One row more than a page says whether there is a page beyond, in the direction read.
  const more = rows.length > pageSize;
  const results = seek?.direction === "before" ? rows.slice(more ? 1 : 0) : rows.slice(0, pageSize);
  const keyOf = (row: repo.RankedLocationRow | undefined) =>
    row ? encodeKey([row.current_rating_rank, row.sort_name, row.id]) : undefined;
  const hasNext = seek?.direction === "before" || more;
  const hasPrevious = seek !== undefined && (seek.direction === "after" || more);
  return {
    results,
    total,
    next: hasNext ? keyOf(results[results.length - 1]) : undefined,
    previous: hasPrevious ? keyOf(results[0]) : undefined,
  };
}

/** A page of registered locations by service type, local authority area, postcode district and rating (400 naming each field at fault). */
export async function findServices(ctx: Ctx, filter: FindFilter): Promise<FoundPage> {
  const problems = filterProblems(filter);
  if (problems.length > 0) throw new ValidationError(msg`Check the search`, problems);
  return search(ctx, filter);
}

/**
 * What the modules above show beside each provider (`providerExtras`), by provider: asked once for
 * all the providers given, each module answering in one read.
 */
export async function extrasOf(
  ctx: Pick<Ctx, "db" | "clock">,
  organisationIds: readonly string[],
): Promise<Map<string, Panel[]>> {
  const ids = [...new Set(organisationIds)];
  const byProvider = new Map<string, Panel[]>();
  if (ids.length === 0) return byProvider;
  for (const { organisationId, template, context } of (await collect(providerExtras, ctx, ids)).flat())
    byProvider.set(organisationId, [...(byProvider.get(organisationId) ?? []), { template, context }]);
  return byProvider;
}

/** Find a service's page: a page of results, or the search's fields at fault (and no results). */
export async function findPage(
  ctx: Ctx,
  filter: FindFilter,
): Promise<
  Omit<FoundPage, "results"> & {
    results: (repo.LocationRow & { extras: Panel[] })[];
    problems: FieldError[];
  } & Names
> {
  const problems = filterProblems(filter);
  const [found, names] = await Promise.all([
    problems.length > 0
      ? Promise.resolve({
          results: [],
          total: { count: 0, atLeast: false },
          next: undefined,
          previous: undefined,
        })
      : search(ctx, filter),
    namesOf(ctx),
  ]);
  const extras = await extrasOf(
    ctx,
    found.results.map((r) => r.organisation_id),
  );
  const results = found.results.map((r) => ({ ...r, extras: extras.get(r.organisation_id) ?? [] }));
  return { ...found, results, problems, ...names };
}

export interface ProviderSummary {
  organisationId: string;
  name: string;
  locations: (repo.LocationRow & { ratings: KeyQuestionRatings | null; inForce: EnforcementAction[] })[];
  /** How many locations hold each current overall rating. */
  ratingCounts: Record<Rating | "unrated", number>;
  specialMeasures: number;
  enforcementInForce: number;
}

/** A provider's registrations with current ratings, for the profile and the compare page. Public. */
export async function providerSummary(
  ctx: Ctx,
  organisationId: string,
): Promise<ProviderSummary | undefined> {
  const { db } = ctx;
  const name = isUuid(organisationId) ? await repo.organisationName(db, organisationId) : undefined;
  if (name === undefined) return undefined;
  const rows = await repo.findLocations(db, {
    organisationIds: [organisationId],
    statuses: ["registered", "dormant", "suspended", "cancelled"],
  });
  const locations: ProviderSummary["locations"] = [];
  const ratingCounts = { outstanding: 0, good: 0, "requires-improvement": 0, inadequate: 0, unrated: 0 };
  for (const row of rows.sort(byRatingThenName)) {
    const current = row.current_inspection_id
      ? await repo.findInspection(db, row.regulator_id, row.current_inspection_id)
      : undefined;
    const inForce = await repo.openEnforcement(db, row.regulator_id, row.id);
    locations.push({ ...row, ratings: current ? ratingsOf(current) : null, inForce });
    if (row.status !== "cancelled") {
      const key = isRating(row.current_overall) ? row.current_overall : "unrated";
      ratingCounts[key] += 1;
    }
  }
  return {
    organisationId,
    name,
    locations,
    ratingCounts,
    specialMeasures: rows.filter((r) => r.special_measures).length,
    enforcementInForce: rows.reduce((n, r) => n + r.enforcement_in_force, 0),
  };
}

/** The full rating history of a provider's locations: every published report, newest first. Public. */
export async function providerRatingHistory(
  ctx: Ctx,
  organisationId: string,
): Promise<(Inspection & { location_name: string })[]> {
  const rows = await repo.findLocations(ctx.db, { organisationIds: [organisationId] });
  const history: (Inspection & { location_name: string })[] = [];
  for (const row of rows)
    for (const i of await repo.inspectionsOf(ctx.db, row.regulator_id, row.id))
      if (i.status === "published") history.push({ ...i, location_name: row.name });
  return history.sort(
    (a, b) => b.inspected_on.localeCompare(a.inspected_on) || a.location_name.localeCompare(b.location_name),
  );
}

/**
 * A provider's registered locations, current ratings and rating history: the panel on its profile
 * (plugged into the organisations module's `profilePanels` port, whose shape it takes).
 */
export async function providerRatingsPanel(db: Db, clock: Clock, organisationId: string): Promise<Panel> {
  const ctx: Ctx = { db, clock, principal: null };
  const [regulation, ratingHistory] = await Promise.all([
    providerSummary(ctx, organisationId),
    providerRatingHistory(ctx, organisationId),
  ]);
  return {
    template: "regulation/views/partials/provider-ratings.njk",
    context: { regulation, ratingHistory },
  };
}

/** What is wrong with a choice of providers to compare: the error's message and its field's. */
interface ChoiceProblem {
  message: string;
  detail: FieldError;
}

/** The providers' summaries, or what is wrong with the choice of them. */
async function summariesOf(
  ctx: Ctx,
  ids: readonly string[],
): Promise<{ providers: ProviderSummary[]; problem: ChoiceProblem | null }> {
  const unique = [...new Set(ids.map((i) => i.trim()).filter((i) => i !== ""))];
  if (unique.length < COMPARE_MIN || unique.length > COMPARE_MAX)
    return {
      providers: [],
      problem: {
        message: msg`Choose 2 to 5 providers`,
        detail: {
          field: "organisations",
          message: msg`Choose from ${COMPARE_MIN} to ${COMPARE_MAX} providers to compare`,
        },
      },
    };
  const providers: ProviderSummary[] = [];
  for (const id of unique) {
    const summary = await providerSummary(ctx, id);
    if (!summary)
      return {
        providers: [],
        problem: {
          message: msg`Choose providers from the list`,
          detail: {
            field: "organisations",
            message: msg`Choose providers from the directory: one of them could not be found`,
          },
        },
      };
    providers.push(summary);
  }
  return { providers, problem: null };
}

/** 2 to 5 providers side by side (400 naming the field otherwise). Public. */
export async function compareProviders(ctx: Ctx, ids: readonly string[]): Promise<ProviderSummary[]> {
  const { providers, problem } = await summariesOf(ctx, ids);
  if (problem) throw new ValidationError(problem.message, [problem.detail]);
  return providers;
}

/**
 * The compare page: the providers to choose from, and those chosen side by side, or what is wrong
 * with the choice (nothing when none is chosen yet).
 */
export async function comparePage(
  ctx: Ctx,
  ids: readonly string[],
): Promise<{
  organisations: { id: string; name: string }[];
  providers: ProviderSummary[];
  problems: FieldError[];
}> {
  const [organisations, { providers, problem }] = await Promise.all([
    repo.organisationChoices(ctx.db),
    summariesOf(ctx, ids),
  ]);
  return { organisations, providers, problems: problem && ids.length > 0 ? [problem.detail] : [] };
}

/**
 * The organisations' registered locations providing the service type in any of the areas (the
 * condition of choice's approved-provider lists), with their current ratings. Public facts; checks
 * no one. In the caller's transaction when `ctx.db` is one.
 */
export async function currentLocationsFor(
  ctx: Ctx,
  organisationIds: readonly string[],
  serviceType: string,
  areaCodes: readonly string[],
): Promise<repo.LocationRow[]> {
  const ids = organisationIds.filter(isUuid);
  if (ids.length === 0 || areaCodes.length === 0) return [];
  const rows = await repo.findLocations(ctx.db, {
    organisationIds: ids,
    statuses: ["registered"],
    serviceType,
  });
  return rows.filter((row) => areaCodes.includes(row.area_code)).sort(byRatingThenName);
}
