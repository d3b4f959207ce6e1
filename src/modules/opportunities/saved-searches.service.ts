/**
 * Saved searches (issue 5, item 3): a signed-in person's own (at most SAVED_SEARCH_LIMITS.perUser),
 * each with a name and whether to alert of new matches (alerts.service.ts). Every change is audited
 * on the platform chain without the search itself: what someone looks for is their business, never
 * in open data, logs or the audit trail.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { ApiScope } from "../../http/api-scopes.ts";
import {
  ConflictError,
  type DomainError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import type { Pence } from "../../lib/money.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, requireSignedIn } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { requireScope } from "../accounts/accounts.service.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import * as repo from "./opportunities.repository.ts";
import {
  ANY,
  type Criteria,
  type CriteriaDraft,
  checkCriteria,
  draftOfQuery,
  type SearchVocabulary,
  searchVocabulary,
} from "./opportunities.service.ts";
import type { SavedSearch } from "./opportunities.table.ts";

export const SAVED_SEARCH_LIMITS = { perUser: 25, name: 100 } as const;

/** The API token scope that changes saved searches (reading needs `account:read`). */
export const SAVED_SEARCHES_WRITE_SCOPE: ApiScope = "saved-searches:write";

/** The signed-in owner of saved searches; API tokens need a scope to read or to change them. */
export function savedSearchOwner(principal: Principal | null, change: boolean): Principal {
  const p = requireSignedIn(principal);
  return requireScope(p, change ? SAVED_SEARCHES_WRITE_SCOPE : "account:read");
}

export function criteriaOf(saved: SavedSearch): Criteria {
  return {
    keywords: saved.keywords,
    categories: saved.category_codes,
    areas: saved.area_codes,
    minValue: saved.min_value_pence as Pence | null,
    maxValue: saved.max_value_pence as Pence | null,
    deadlineFrom: saved.deadline_from,
    deadlineTo: saved.deadline_to,
    reservedOnly: saved.reserved_only,
    includeClosed: saved.include_closed,
  };
}

export interface SavedSearchDraft {
  name?: string;
  /** Alert (inbox and email) of new matches; true when absent. */
  alerts?: boolean | string;
  criteria?: CriteriaDraft;
}

function checkName(value: string | undefined, problems: FieldError[]): string {
  const name = (value ?? "").trim().replace(/\s+/g, " ");
  if (name === "") problems.push({ field: "name", message: msg`Enter a name for the search` });
  else if (name.length > SAVED_SEARCH_LIMITS.name)
    problems.push({
      field: "name",
      message: msg`Enter a name of ${SAVED_SEARCH_LIMITS.name} characters or fewer`,
    });
  return name;
}

function checkAlerts(value: boolean | string | undefined, problems: FieldError[]): boolean {
  if (value === undefined || value === true || value === "true" || value === "yes") return true;
  if (value === false || value === "false" || value === "no") return false;
  problems.push({ field: "alerts", message: msg`Choose whether to get an email when a new tender matches` });
  return true;
}

/**
 * Saves a search for the signed-in person, audited: 400 naming each field at fault (the name, and
 * the search's own fields under "criteria."), 409 past the limit.
 */
export async function saveSearch(
  ctx: Ctx,
  draft: SavedSearchDraft,
  options: { requestId?: string | null; id?: string } = {},
): Promise<SavedSearchView> {
  const p = savedSearchOwner(ctx.principal, true);
  const problems: FieldError[] = [];
  const name = checkName(draft.name, problems);
  const alerts = checkAlerts(draft.alerts, problems);
  let criteria: Criteria = ANY;
  try {
    criteria = await checkCriteria(ctx, draft.criteria ?? {}, "criteria.");
  } catch (error) {
    if (!(error instanceof ValidationError) || problems.length === 0) throw error;
    problems.push(...error.details);
  }
  if (problems.length > 0) throw new ValidationError(msg`Check the saved search`, problems);
  return transaction(ctx.db, (trx) =>
    recordSavedSearch(within(ctx, trx), p, name, alerts, criteria, options),
  );
}

/** Records a checked saved search, audited: 409 past the limit, 400 for a name taken. */
async function recordSavedSearch(
  ctx: Ctx & { db: Trx },
  p: Principal,
  name: string,
  alerts: boolean,
  criteria: Criteria,
  options: { requestId?: string | null; id?: string },
): Promise<SavedSearchView> {
  const { db: trx, clock } = ctx;
  if (!(await repo.lockUser(trx, p.userId))) throw new NotFoundError("account");
  if ((await repo.countSavedSearches(trx, p.userId)) >= SAVED_SEARCH_LIMITS.perUser)
    throw new ConflictError(
      msg`You have ${SAVED_SEARCH_LIMITS.perUser} saved searches, the most you can keep. Delete one you no longer use first.`,
      "saved_search_limit",
    );
  if (await repo.nameTaken(trx, p.userId, name))
    throw new ValidationError(msg`Check the saved search`, [
      { field: "name", message: msg`You already have a saved search called “${name}”: choose another name` },
    ]);
  const now = clock.now();
  const saved = await repo.insertSavedSearch(trx, {
    id: options.id ?? newId(),
    user_id: p.userId,
    name,
    keywords: criteria.keywords,
    category_codes: criteria.categories,
    area_codes: criteria.areas,
    min_value_pence: criteria.minValue,
    max_value_pence: criteria.maxValue,
    deadline_from: criteria.deadlineFrom,
    deadline_to: criteria.deadlineTo,
    reserved_only: criteria.reservedOnly,
    include_closed: criteria.includeClosed,
    alerts,
    created_at: now,
    updated_at: now,
  });
  await recordAudit(trx, clock, {
    authorityId: null,
    actor: actorOf(p),
    action: "saved-search.created",
    entity: { type: "saved-search", id: saved.id },
    // Not the search itself: what someone looks for is theirs alone.
    changes: { owner: personalRef("users", p.userId), alerts },
    requestId: options.requestId ?? null,
  });
  return { search: saved, criteria: criteriaOf(saved), alertsSent: 0 };
}

export interface SavedSearchView {
  search: SavedSearch;
  criteria: Criteria;
  /** How many tenders it has alerted of. */
  alertsSent: number;
}

/** The signed-in person's saved searches, oldest first. */
export async function savedSearchesOf(ctx: Ctx): Promise<SavedSearchView[]> {
  const { db } = ctx;
  const p = savedSearchOwner(ctx.principal, false);
  const [searches, counts] = await Promise.all([
    repo.savedSearchesOf(db, p.userId),
    repo.alertCounts(db, p.userId),
  ]);
  return searches.map((search) => ({
    search,
    criteria: criteriaOf(search),
    alertsSent: counts.get(search.id) ?? 0,
  }));
}

/** One of the signed-in person's saved searches; anyone else's, like an unknown one, is not found. */
export async function savedSearchOf(ctx: Ctx, id: string): Promise<SavedSearchView> {
  const { db } = ctx;
  const p = savedSearchOwner(ctx.principal, false);
  const search = isUuid(id) ? await repo.findSavedSearch(db, p.userId, id) : undefined;
  if (!search) throw new NotFoundError("saved search");
  const counts = await repo.alertCounts(db, p.userId);
  return { search, criteria: criteriaOf(search), alertsSent: counts.get(search.id) ?? 0 };
}

/** Renames a saved search or turns its alerts on or off, audited (no change: nothing written). */
export async function changeSavedSearch(
  ctx: Ctx,
  id: string,
  changes: { name?: string; alerts?: boolean | string },
  requestId: string | null = null,
): Promise<SavedSearchView> {
  const p = savedSearchOwner(ctx.principal, true);
  const problems: FieldError[] = [];
  const name = changes.name === undefined ? undefined : checkName(changes.name, problems);
  const alerts = changes.alerts === undefined ? undefined : checkAlerts(changes.alerts, problems);
  if (problems.length > 0) throw new ValidationError(msg`Check the saved search`, problems);
  await transaction(ctx.db, (trx) => recordChange(within(ctx, trx), p, id, { name, alerts }, requestId));
  return savedSearchOf(ctx, id);
}

/** Records a checked change of a saved search, audited (no change: nothing written). */
async function recordChange(
  ctx: Ctx & { db: Trx },
  p: Principal,
  id: string,
  changes: { name?: string; alerts?: boolean },
  requestId: string | null,
): Promise<void> {
  const { db: trx, clock } = ctx;
  const { name, alerts } = changes;
  if (!isUuid(id) || !(await repo.lockUser(trx, p.userId))) throw new NotFoundError("saved search");
  const before = await repo.findSavedSearch(trx, p.userId, id);
  if (!before) throw new NotFoundError("saved search");
  if (name !== undefined && name !== before.name && (await repo.nameTaken(trx, p.userId, name, id)))
    throw new ValidationError(msg`Check the saved search`, [
      { field: "name", message: msg`You already have a saved search called “${name}”: choose another name` },
    ]);
  const renamed = name !== undefined && name !== before.name;
  const alertsChanged = alerts !== undefined && alerts !== before.alerts;
  if (!renamed && !alertsChanged) return;
  const after = await repo.updateSavedSearch(trx, p.userId, id, {
    ...(renamed ? { name } : {}),
    ...(alertsChanged ? { alerts } : {}),
    updated_at: clock.now(),
  });
  if (!after) throw new NotFoundError("saved search");
  await recordAudit(trx, clock, {
    authorityId: null,
    actor: actorOf(p),
    action: "saved-search.changed",
    entity: { type: "saved-search", id },
    changes: {
      owner: personalRef("users", p.userId),
      renamed,
      ...(alertsChanged ? { alerts } : {}),
    },
    requestId,
  });
}

/** Deletes one of the signed-in person's saved searches (and the record of its alerts), audited. */
export async function deleteSavedSearch(
  ctx: Ctx,
  id: string,
  requestId: string | null = null,
): Promise<void> {
  const p = savedSearchOwner(ctx.principal, true);
  await transaction(ctx.db, async (trx) => {
    if (!isUuid(id) || !(await repo.deleteSavedSearch(trx, p.userId, id)))
      throw new NotFoundError("saved search");
    await recordAudit(trx, ctx.clock, {
      authorityId: null,
      actor: actorOf(p),
      action: "saved-search.deleted",
      entity: { type: "saved-search", id },
      changes: { owner: personalRef("users", p.userId) },
      requestId,
    });
  });
}

// What the pages show

/** The saved searches page: the person's searches, and the names of what they search for. */
export async function savedSearchesPage(ctx: Ctx) {
  const views = await savedSearchesOf(ctx);
  return { views, vocabulary: await searchVocabulary(ctx) };
}

/** A name to start from: the keywords, categories and areas searched for. */
function suggestedName(c: Criteria, v: SearchVocabulary): string {
  const parts = [
    c.keywords,
    ...c.categories.map((code) => v.categoryName.get(code) ?? code),
    ...c.areas.map((code) => v.areaName.get(code) ?? code),
  ].filter((p) => p !== "");
  const name = parts.length > 0 ? parts.join(", ") : "All open opportunities";
  return name.length > SAVED_SEARCH_LIMITS.name ? `${name.slice(0, SAVED_SEARCH_LIMITS.name - 1)}…` : name;
}

export interface SavedSearchForm {
  vocabulary: SearchVocabulary;
  /** The search to save, as checked; absent when it was refused (the search page says why). */
  criteria?: Criteria;
  refused?: DomainError;
  suggestedName: string;
}

/** The form saving a search (a query string, as `criteriaQuery` writes it): the signed-in only. */
export async function savedSearchForm(ctx: Ctx, query: string): Promise<SavedSearchForm> {
  savedSearchOwner(ctx.principal, false);
  const vocabulary = await searchVocabulary(ctx);
  try {
    const criteria = await checkCriteria(ctx, draftOfQuery(query));
    return { vocabulary, criteria, suggestedName: suggestedName(criteria, vocabulary) };
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof UnprocessableError)) throw error;
    return { vocabulary, refused: error, suggestedName: "" };
  }
}
