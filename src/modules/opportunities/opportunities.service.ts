/**
 * Finding opportunities (issue 5, item 3): search and filters over published tenders, saved
 * searches, and alerts (inbox and email) for new matches — so a small charity learns of a tender
 * without checking every day.
 *
 * - The search: keywords (title and description), service category and area of the tender's
 *   project, estimated value in pounds (integer pence inside), submission deadline between two UK
 *   dates (Europe/London), reserved to public service mutuals only, and open tenders only unless
 *   closed ones are asked for. Drafts and cancelled tenders are never found. Open tenders come
 *   first, soonest deadline first.
 * - Saved searches: a signed-in person's own (at most SAVED_SEARCH_LIMITS.perUser), each with a
 *   name and whether to alert. Every change is audited on the platform chain without the search
 *   itself: what someone looks for is their business, never in open data, logs or the audit trail.
 * - Alerts: publishing a tender queues one `opportunity.alerts` job (deduplicated per tender) in the
 *   publishing transaction. Its handler matches the tender against every saved search with alerts
 *   on, in SQL, and tells each person once (one notification naming their matching searches),
 *   recording an alert per saved search and tender so a retried job never alerts twice. Only open
 *   tenders alert.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, endOfLondonDay, isIsoDate, londonDate, londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import type { Principal } from "../access/access.service.ts";
import { actorOf, requireSignedIn } from "../access/access.service.ts";
import { requireScope } from "../accounts/accounts.service.ts";
import { personalRef, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { enqueue, PermanentJobError } from "../jobs/jobs.service.ts";
import { type EmailDeps, notify } from "../notifications/notifications.service.ts";
import { stateOf, type TenderState } from "../tenders/tenders.service.ts";
import { existingAreaCodes, existingCategoryCodes } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./opportunities.repository.ts";
import type { SavedSearch } from "./opportunities.table.ts";

export const SEARCH_LIMITS = {
  keywords: 200,
  /** Service categories or areas in one search. */
  codes: 50,
  pageSize: 20,
  maxPageSize: 100,
} as const;

export const SAVED_SEARCH_LIMITS = { perUser: 25, name: 100 } as const;

/** The API token scope that changes saved searches (reading needs `account:read`). */
export const SAVED_SEARCHES_WRITE_SCOPE = "saved-searches:write";

export const OPPORTUNITY_ALERTS_QUEUE = "opportunity.alerts";
/** Users alerted per transaction by the alerts job. */
const ALERT_BATCH = 50;

// The search

/** What a page or the API asks for, before it is checked. Values in pounds as typed; dates YYYY-MM-DD. */
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
    problems.push({ field, message: `The ${label} must be £0 or more` });
    return null;
  }
  const parsed = parseMoney(text);
  if (parsed.ok) return parsed.value;
  problems.push({ field, message: `Enter the ${label} in pounds using numbers only, ${MONEY_EXAMPLE}` });
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
    problems.push({ field, message: `The ${label} must be a real date, like 15 1 2027` });
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
export async function checkCriteria(db: Db, draft: CriteriaDraft, prefix = ""): Promise<Criteria> {
  const problems: FieldError[] = [];
  const keywords = (draft.keywords ?? "").replace(CONTROL, " ").trim().replace(/\s+/g, " ");
  if (keywords.length > SEARCH_LIMITS.keywords)
    problems.push({
      field: `${prefix}keywords`,
      message: `Enter keywords of ${SEARCH_LIMITS.keywords} characters or fewer`,
    });
  const categories = codes(draft.category);
  const areas = codes(draft.area);
  if (categories.length > SEARCH_LIMITS.codes)
    problems.push({
      field: `${prefix}category`,
      message: `Choose ${SEARCH_LIMITS.codes} service categories or fewer`,
    });
  else if (categories.length > 0) {
    const known = await existingCategoryCodes(db, categories.filter(isCode));
    if (categories.some((c) => !known.has(c)))
      problems.push({ field: `${prefix}category`, message: "Choose service categories from the list" });
  }
  if (areas.length > SEARCH_LIMITS.codes)
    problems.push({ field: `${prefix}area`, message: `Choose ${SEARCH_LIMITS.codes} areas or fewer` });
  else if (areas.length > 0) {
    const known = await existingAreaCodes(db, areas.filter(isCode));
    if (areas.some((a) => !known.has(a)))
      problems.push({ field: `${prefix}area`, message: "Choose an area from the list" });
  }
  const minValue = money(draft.minValue, `${prefix}minValue`, "minimum value", problems);
  const maxValue = money(draft.maxValue, `${prefix}maxValue`, "maximum value", problems);
  const deadlineFrom = date(draft.deadlineFrom, `${prefix}deadlineFrom`, "earliest deadline", problems);
  const deadlineTo = date(draft.deadlineTo, `${prefix}deadlineTo`, "latest deadline", problems);
  const reservedOnly = flag(
    draft.reserved,
    `${prefix}reserved`,
    "Choose whether to show only tenders reserved for public service mutuals",
    problems,
  );
  const includeClosed = flag(
    draft.includeClosed,
    `${prefix}includeClosed`,
    "Choose whether to include closed tenders",
    problems,
  );
  if (problems.length > 0) throw new ValidationError("Check the search", problems);

  const combination: FieldError[] = [];
  if (minValue !== null && maxValue !== null && minValue > maxValue)
    combination.push({
      field: `${prefix}maxValue`,
      message: `The maximum value must be the same as or more than the minimum value, ${formatMoney(minValue, { pence: false })}`,
    });
  if (deadlineFrom !== null && deadlineTo !== null && deadlineFrom > deadlineTo)
    combination.push({
      field: `${prefix}deadlineTo`,
      message: "The latest deadline must be the same as or after the earliest deadline",
    });
  if (combination.length > 0) throw new UnprocessableError("Check the search", combination);
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
  total: number;
  /** From 1; a page past the end shows the last. */
  page: number;
  pageSize: number;
  pageCount: number;
}

/** One page of the published tenders the search finds (see the file's comment for the order). */
export async function searchOpportunities(
  db: Db,
  clock: Clock,
  criteria: Criteria,
  options: { page?: number; pageSize?: number } = {},
): Promise<SearchResult> {
  const now = clock.now();
  const filters = filtersOf(criteria);
  const pageSize = Math.min(
    Math.max(1, Math.trunc(options.pageSize ?? SEARCH_LIMITS.pageSize)),
    SEARCH_LIMITS.maxPageSize,
  );
  const total = await repo.countTenders(db, filters, now);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const wanted = Number.isFinite(options.page) ? Math.trunc(options.page as number) : 1;
  const page = Math.min(Math.max(1, wanted), pageCount);
  const rows = await repo.searchTenders(db, filters, now, pageSize, (page - 1) * pageSize);
  return {
    opportunities: rows.map((row) => ({ ...row, state: stateOf(row, now) })),
    total,
    page,
    pageSize,
    pageCount,
  };
}

/** For each category and area, how many tenders the search would find with it (the others kept). */
export async function opportunityCounts(
  db: Db,
  clock: Clock,
  criteria: Criteria,
): Promise<{ category: Map<string, number>; area: Map<string, number> }> {
  const now = clock.now();
  const filters = filtersOf(criteria);
  const [category, area] = await Promise.all([
    repo.facetCounts(db, filters, now, "category"),
    repo.facetCounts(db, filters, now, "area"),
  ]);
  return { category, area };
}

/** The page of a tender. */
export function opportunityPath(row: Pick<repo.OpportunityRow, "authority_slug" | "id">): string {
  return `/authorities/${row.authority_slug}/tenders/${row.id}`;
}

// Saved searches

/** The signed-in owner of saved searches; API tokens need a scope to read or to change them. */
export function savedSearchOwner(principal: Principal | null, change: boolean): Principal {
  const p = requireSignedIn(principal);
  if (!change) return requireScope(p, "account:read");
  if (p.via === "token" && !(p.tokenScopes ?? []).includes(SAVED_SEARCHES_WRITE_SCOPE))
    throw new ForbiddenError(
      `This API token does not have the ${SAVED_SEARCHES_WRITE_SCOPE} scope. Change saved searches on the site, or with a token that has it.`,
    );
  return p;
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
  if (name === "") problems.push({ field: "name", message: "Enter a name for the search" });
  else if (name.length > SAVED_SEARCH_LIMITS.name)
    problems.push({
      field: "name",
      message: `Enter a name of ${SAVED_SEARCH_LIMITS.name} characters or fewer`,
    });
  return name;
}

function checkAlerts(value: boolean | string | undefined, problems: FieldError[]): boolean {
  if (value === undefined || value === true || value === "true" || value === "yes") return true;
  if (value === false || value === "false" || value === "no") return false;
  problems.push({ field: "alerts", message: "Choose whether to get an email when a new tender matches" });
  return true;
}

/**
 * Saves a search for the signed-in person, audited: 400 naming each field at fault (the name, and
 * the search's own fields under "criteria."), 409 past the limit.
 */
export async function saveSearch(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  draft: SavedSearchDraft,
  options: { requestId?: string | null; id?: string } = {},
): Promise<SavedSearch> {
  const p = savedSearchOwner(principal, true);
  const problems: FieldError[] = [];
  const name = checkName(draft.name, problems);
  const alerts = checkAlerts(draft.alerts, problems);
  let criteria: Criteria = ANY;
  try {
    criteria = await checkCriteria(trx, draft.criteria ?? {}, "criteria.");
  } catch (error) {
    if (!(error instanceof ValidationError) || problems.length === 0) throw error;
    problems.push(...error.details);
  }
  if (problems.length > 0) throw new ValidationError("Check the saved search", problems);
  if (!(await repo.lockUser(trx, p.userId))) throw new NotFoundError("account");
  if ((await repo.countSavedSearches(trx, p.userId)) >= SAVED_SEARCH_LIMITS.perUser)
    throw new ConflictError(
      `You have ${SAVED_SEARCH_LIMITS.perUser} saved searches, the most you can keep. Delete one you no longer use first.`,
      "saved_search_limit",
    );
  if (await repo.nameTaken(trx, p.userId, name))
    throw new ValidationError("Check the saved search", [
      { field: "name", message: `You already have a saved search called “${name}”: choose another name` },
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
  return saved;
}

export interface SavedSearchView {
  search: SavedSearch;
  criteria: Criteria;
  /** How many tenders it has alerted of. */
  alertsSent: number;
}

/** The signed-in person's saved searches, oldest first. */
export async function savedSearchesOf(db: Db, principal: Principal | null): Promise<SavedSearchView[]> {
  const p = savedSearchOwner(principal, false);
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
export async function savedSearchOf(
  db: Db,
  principal: Principal | null,
  id: string,
): Promise<SavedSearchView> {
  const p = savedSearchOwner(principal, false);
  const search = isUuid(id) ? await repo.findSavedSearch(db, p.userId, id) : undefined;
  if (!search) throw new NotFoundError("saved search");
  const counts = await repo.alertCounts(db, p.userId);
  return { search, criteria: criteriaOf(search), alertsSent: counts.get(search.id) ?? 0 };
}

/** Renames a saved search or turns its alerts on or off, audited (no change: nothing written). */
export async function changeSavedSearch(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  id: string,
  changes: { name?: string; alerts?: boolean | string },
  requestId: string | null = null,
): Promise<SavedSearch> {
  const p = savedSearchOwner(principal, true);
  const problems: FieldError[] = [];
  const name = changes.name === undefined ? undefined : checkName(changes.name, problems);
  const alerts = changes.alerts === undefined ? undefined : checkAlerts(changes.alerts, problems);
  if (problems.length > 0) throw new ValidationError("Check the saved search", problems);
  if (!isUuid(id) || !(await repo.lockUser(trx, p.userId))) throw new NotFoundError("saved search");
  const before = await repo.findSavedSearch(trx, p.userId, id);
  if (!before) throw new NotFoundError("saved search");
  if (name !== undefined && name !== before.name && (await repo.nameTaken(trx, p.userId, name, id)))
    throw new ValidationError("Check the saved search", [
      { field: "name", message: `You already have a saved search called “${name}”: choose another name` },
    ]);
  const renamed = name !== undefined && name !== before.name;
  const alertsChanged = alerts !== undefined && alerts !== before.alerts;
  if (!renamed && !alertsChanged) return before;
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
  return after;
}

/** Deletes one of the signed-in person's saved searches (and the record of its alerts), audited. */
export async function deleteSavedSearch(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  id: string,
  requestId: string | null = null,
): Promise<void> {
  const p = savedSearchOwner(principal, true);
  if (!isUuid(id) || !(await repo.deleteSavedSearch(trx, p.userId, id)))
    throw new NotFoundError("saved search");
  await recordAudit(trx, clock, {
    authorityId: null,
    actor: actorOf(p),
    action: "saved-search.deleted",
    entity: { type: "saved-search", id },
    changes: { owner: personalRef("users", p.userId) },
    requestId,
  });
}

// Alerts

/** Called in the transaction that publishes a tender: alerts saved searches it matches (later, by a job). */
export async function queueOpportunityAlerts(
  trx: Trx,
  clock: Clock,
  tender: { authorityId: string; tenderId: string },
): Promise<void> {
  await enqueue(trx, clock, {
    queue: OPPORTUNITY_ALERTS_QUEUE,
    payload: { authorityId: tender.authorityId, tenderId: tender.tenderId },
    dedupeKey: `${OPPORTUNITY_ALERTS_QUEUE}:${tender.authorityId}:${tender.tenderId}`,
    authorityId: tender.authorityId,
  });
}

function factsOf(row: repo.OpportunityRow): repo.TenderFacts {
  return {
    authorityId: row.authority_id,
    tenderId: row.id,
    title: row.title,
    description: row.description,
    categoryCode: row.category_code,
    areaCode: row.area_code,
    estimatedValue: row.estimated_value_pence,
    deadlineDate: londonDate(row.submission_deadline),
    reserved: row.reserved,
  };
}

const quoted = (name: string) => `“${name}”`;

function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The alert a person gets: one notice naming every saved search of theirs the tender matches. */
export function alertText(
  row: repo.OpportunityRow,
  searchNames: readonly string[],
): { subject: string; body: string } {
  const which =
    searchNames.length === 1
      ? `your saved search ${quoted(searchNames[0] as string)}`
      : `your saved searches ${listOf(searchNames.map(quoted))}`;
  const lines = [
    `A new tender matches ${which}.`,
    "",
    row.title,
    row.authority_name,
    `Service: ${row.category_name}. Area: ${row.area_name}.`,
    `Estimated value: ${formatMoney(row.estimated_value_pence as Pence, { pence: false })}`,
    `Deadline for bids: ${londonDateTime(row.submission_deadline)}`,
    ...(row.reserved ? ["Reserved for public service mutuals (Procurement Act 2023, section 33)."] : []),
    "",
    "You get these alerts because you saved this search with alerts on. You can turn them off, or delete the search, from your account: Saved searches.",
  ];
  const subject = `New opportunity: ${row.title}`;
  return { subject: subject.length > 200 ? `${subject.slice(0, 199)}…` : subject, body: lines.join("\n") };
}

export interface AlertOptions {
  /** Email as well as the inbox: true when a mailer is configured. */
  email: boolean;
}

export interface AlertsSent {
  users: number;
  searches: number;
}

/**
 * Alerts up to `limit` users after `afterUserId` of the tender, in the caller's transaction: each
 * once, for the saved searches not yet alerted of it. Returns the last user looked at (null when
 * there were none).
 */
async function alertBatch(
  trx: Trx,
  clock: Clock,
  authorityId: string,
  tenderId: string,
  afterUserId: string | null,
  options: AlertOptions,
): Promise<AlertsSent & { last: string | null }> {
  // Re-checked in the transaction: a tender cancelled meanwhile, or past its deadline, alerts nobody.
  const row = await repo.tenderForAlerts(trx, authorityId, tenderId);
  if (!row || stateOf(row, clock.now()) !== "open") return { users: 0, searches: 0, last: null };
  const users = await repo.usersToAlert(trx, factsOf(row), afterUserId, ALERT_BATCH);
  const sent: AlertsSent = { users: 0, searches: 0 };
  const now = clock.now();
  for (const user of users) {
    const fresh: { id: string; name: string }[] = [];
    for (const search of user.searches)
      if (
        await repo.insertAlert(trx, {
          saved_search_id: search.id,
          authority_id: authorityId,
          tender_id: tenderId,
          alerted_at: now,
        })
      )
        fresh.push(search);
    if (fresh.length === 0) continue;
    const text = alertText(
      row,
      fresh.map((s) => s.name),
    );
    // On the platform chain, not the authority's: who follows its tenders is not the authority's to see.
    const notification = await notify(
      trx,
      clock,
      {
        userId: user.user_id,
        authorityId: null,
        kind: "opportunity.matched",
        subject: text.subject,
        body: text.body,
        link: opportunityPath(row),
      },
      { email: options.email, actor: SYSTEM("opportunity-alerts") },
    );
    await repo.setAlertNotification(
      trx,
      fresh.map((s) => s.id),
      authorityId,
      tenderId,
      notification.id,
    );
    sent.users += 1;
    sent.searches += fresh.length;
  }
  return { ...sent, last: users.at(-1)?.user_id ?? null };
}

/**
 * Alerts every saved search (alerts on) that a published, open tender matches and that was not
 * alerted of it yet, in the caller's transaction. Seeds use it; the job uses `sendOpportunityAlerts`.
 */
export async function alertSavedSearches(
  trx: Trx,
  clock: Clock,
  tender: { authorityId: string; tenderId: string },
  options: AlertOptions,
): Promise<AlertsSent> {
  const total: AlertsSent = { users: 0, searches: 0 };
  let after: string | null = null;
  for (;;) {
    const batch: AlertsSent & { last: string | null } = await alertBatch(
      trx,
      clock,
      tender.authorityId,
      tender.tenderId,
      after,
      options,
    );
    total.users += batch.users;
    total.searches += batch.searches;
    if (batch.last === null) return total;
    after = batch.last;
  }
}

/**
 * The same, a batch of users per transaction (so a long run never holds one open): what the job
 * does. Idempotent: a rerun alerts only the saved searches not yet alerted.
 */
export async function sendOpportunityAlerts(
  db: Db,
  clock: Clock,
  tender: { authorityId: string; tenderId: string },
  options: AlertOptions,
): Promise<AlertsSent> {
  const total: AlertsSent = { users: 0, searches: 0 };
  let after: string | null = null;
  for (;;) {
    const from: string | null = after;
    const batch: AlertsSent & { last: string | null } = await transaction(db, (trx) =>
      alertBatch(trx, clock, tender.authorityId, tender.tenderId, from, options),
    );
    total.users += batch.users;
    total.searches += batch.searches;
    if (batch.last === null) return total;
    after = batch.last;
  }
}

function tenderOfPayload(payload: unknown): { authorityId: string; tenderId: string } {
  const p = payload as { authorityId?: unknown; tenderId?: unknown } | null;
  if (!isUuid(p?.authorityId) || !isUuid(p?.tenderId))
    throw new PermanentJobError(`The ${OPPORTUNITY_ALERTS_QUEUE} job has no valid authorityId and tenderId.`);
  return { authorityId: p.authorityId, tenderId: p.tenderId };
}

/** The `opportunity.alerts` handler: alerts the saved searches a newly published tender matches. */
export function opportunityAlertsHandler(deps: EmailDeps): JobHandler {
  return async (payload, ctx) => {
    const tender = tenderOfPayload(payload);
    const sent = await sendOpportunityAlerts(ctx.db, ctx.clock, tender, { email: deps.mailer !== undefined });
    // Counts and ids only: who follows what stays out of the logs.
    ctx.logger.info({ jobId: ctx.job.id, tenderId: tender.tenderId, ...sent }, "Opportunity alerts sent");
  };
}

/** The job handlers of this module, registered by the platform. */
export function opportunityJobHandlers(deps: EmailDeps): Record<string, JobHandler> {
  return { [OPPORTUNITY_ALERTS_QUEUE]: opportunityAlertsHandler(deps) };
}
