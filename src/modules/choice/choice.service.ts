/**
 * Open approved-provider lists (issue 17, item 3: "funding follows choice"). An authority's
 * commissioners draft a list for a service type (a service category) and one or more areas (GSS
 * codes), with its conditions and a published tariff (integer pence per hour, night or week),
 * publish it — from then on it is public and any qualified provider joins (members.service.ts) —
 * and close it. A list of a reservable light touch service may be reserved to public service
 * mutuals (Procurement Act 2023, s.33). Every change is one transaction with its audit event on the
 * authority's chain.
 *
 * The module's services: this file (the lists, and what the others share), `members.service.ts`
 * (joining, leaving, offers, the registration port), `compare.service.ts` (a list's page, comparing
 * members, a provider's lists).
 */
import type { Trx } from "../../db/database.ts";
import { COUNT_CAP, countUpTo, decodeKey, encodeKey, type Total } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, type Pence, parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  isAuthorityEditor,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { noticePath } from "../award/award.service.ts";
import { pageUrl as contractPageUrl } from "../contracts/contracts.service.ts";
import { existingAreaCodes, listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./choice.repository.ts";
import { type ChoiceList, type NotAddedSupplier, TARIFF_UNITS, type TariffUnit } from "./choice.table.ts";

export const LIMITS = { title: 200, conditions: 5000, reason: 2000, areas: 20 } as const;

/** The public index and an authority's lists show 20 a page; the API gives up to 100. */
export const LISTS_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export type { ListRow } from "./choice.repository.ts";

/** What a form or the API sends, before it is checked. */
export interface ListDraft {
  title?: string;
  categoryCode?: string;
  areaCodes?: readonly string[];
  /** Pounds as typed: "21.50". */
  tariff?: string;
  tariffUnit?: string;
  conditions?: string;
  excludeInadequate?: boolean;
  reserved?: boolean;
}

export interface ListInput {
  title: string;
  categoryCode: string;
  areaCodes: string[];
  tariffPence: Pence;
  tariffUnit: TariffUnit;
  conditions: string;
  excludeInadequate: boolean;
  reserved: boolean;
}

/** Where a list from a tender's award comes from: the tender, the lot chosen, the award. */
export interface ListSource {
  tenderId: string;
  lotId: string | null;
  awardId: string;
  tenderTitle: string;
}

/** A list as pages and the API show it: with its areas, and for a list from an award its source. */
export interface ListView extends repo.ListRow {
  areas: { code: string; name: string }[];
  tariffText: string;
  source: (ListSource & { noticeUrl: string }) | null;
  /** The award's suppliers not added, and why: the authority's editors only (empty for anyone else). */
  notAddedSeen: NotAddedSupplier[];
}

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

/**
 * Checks a list: each field (400, every one at fault), then the combination (422): only a list for
 * a service the schedule marks reservable may be reserved to public service mutuals (s.33).
 */
export async function checkList(ctx: Ctx, draft: ListDraft): Promise<ListInput> {
  const problems: FieldError[] = [];
  const title = (draft.title ?? "").trim();
  if (title === "" || title.length > LIMITS.title)
    problems.push({
      field: "title",
      message: msg`Enter the list's title, in ${LIMITS.title} characters or fewer`,
    });
  const categories = await listServiceCategories(ctx.db);
  const category = categories.find((c) => c.code === draft.categoryCode);
  if (!category)
    problems.push({ field: "categoryCode", message: msg`Choose the service type from the list` });
  const areaCodes = [...new Set((draft.areaCodes ?? []).map((a) => a.trim()).filter((a) => a !== ""))].sort();
  const known = await existingAreaCodes(ctx.db, areaCodes);
  if (areaCodes.length === 0 || areaCodes.length > LIMITS.areas || areaCodes.some((a) => !known.has(a)))
    problems.push({ field: "areaCodes", message: msg`Choose at least one area the list covers` });
  const tariff = parseMoney(draft.tariff ?? "");
  if (!tariff.ok || tariff.value <= 0n)
    problems.push({ field: "tariff", message: msg`Enter the tariff in pounds and pence, like 21.50` });
  if (!oneOf(TARIFF_UNITS, draft.tariffUnit))
    problems.push({
      field: "tariffUnit",
      message: msg`Choose whether the tariff is per hour, per night or per week`,
    });
  const conditions = (draft.conditions ?? "").trim();
  if (conditions.length > LIMITS.conditions)
    problems.push({
      field: "conditions",
      message: msg`Enter conditions of ${LIMITS.conditions} characters or fewer`,
    });
  if (problems.length > 0 || !tariff.ok) throw new ValidationError(msg`Check the list's details`, problems);
  const reserved = draft.reserved === true;
  if (reserved && !category?.reservable)
    throw new UnprocessableError(
      msg`This service cannot be reserved to public service mutuals`,
      [
        {
          field: "reserved",
          message: msg`Only light touch services marked reservable may be reserved to public service mutuals (Procurement Act 2023, s.33); this service type is not`,
        },
      ],
      "not_reservable",
    );
  return {
    title,
    categoryCode: draft.categoryCode as string,
    areaCodes,
    tariffPence: tariff.value,
    tariffUnit: draft.tariffUnit as TariffUnit,
    conditions,
    excludeInadequate: draft.excludeInadequate === true,
    reserved,
  };
}

/** Records a checked draft list, audited. Checks no one: the caller has (seeds use it). */
export async function recordList(
  ctx: Ctx,
  authorityId: string,
  input: ListInput,
  id: string = newId(),
  source?: ListSource,
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const actor = actorIn(ctx);
    await repo.insertList(
      trx,
      {
        authority_id: authorityId,
        id,
        title: input.title,
        category_code: input.categoryCode,
        tariff_pence: input.tariffPence,
        tariff_unit: input.tariffUnit,
        conditions: input.conditions,
        exclude_inadequate: input.excludeInadequate,
        reserved: input.reserved,
        status: "draft",
        member_count: 0,
        closed_reason: "",
        ...(source
          ? {
              source_tender_id: source.tenderId,
              source_lot_id: source.lotId,
              source_award_id: source.awardId,
              source_tender_title: source.tenderTitle,
            }
          : {}),
        created_by: actor.type === "user" || actor.type === "token" ? actor.id : null,
        created_at: now,
        updated_at: now,
      },
      input.areaCodes,
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "choice-list.drafted",
      entity: { type: "choice-list", id },
      changes: { ...input, tariffPence: input.tariffPence.toString(), ...(source ? { source } : {}) },
    });
    return id;
  });
}

/** Drafts a list: the authority's editors only. Returns it. */
export async function createList(ctx: Ctx, authorityId: string, draft: ListDraft): Promise<ListView> {
  const id = await transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const input = await checkList(within(ctx, trx), draft);
    return recordList(within(ctx, trx, actorOf(p)), authorityId, input);
  });
  return listOf(ctx, authorityId, id);
}

/** The locked list, as the caller may see it: a draft only for the authority's editors (404 otherwise). */
async function lockedList(ctx: Ctx & { db: Trx }, authorityId: string, listId: string): Promise<ChoiceList> {
  const list = isUuid(listId) ? await repo.lockList(ctx.db, authorityId, listId) : undefined;
  if (!list || (list.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
    throw new NotFoundError("approved-provider list");
  return list;
}

/**
 * A list from a tender's award is published only with a supplier on it and each member's contracted
 * price entered (422 otherwise, saying which).
 */
async function requireContractedPrices(trx: Trx, authorityId: string, listId: string): Promise<void> {
  const members = await repo.contractMembersOf(trx, authorityId, listId, 1000);
  if (members.length === 0)
    throw new UnprocessableError(
      msg`No supplier of the award is on this list`,
      [
        {
          field: "members",
          message: msg`No supplier of the award met the list's conditions, so the list has no one to publish. Draft another list from the award, with other conditions or areas.`,
        },
      ],
      "no_members",
    );
  const missing = members.filter((m) => m.price_pence === null);
  if (missing.length > 0)
    throw new UnprocessableError(
      msg`Enter each member's contracted price first`,
      missing.map((m) => ({
        field: "members",
        message: msg`Enter the contracted price of ${m.organisation_name} from its contract before publishing the list`,
      })),
      "prices_missing",
    );
}

/** Publishes a draft (409 otherwise), audited. Checks no one: the caller has (seeds use it). */
export async function recordListPublished(ctx: Ctx, authorityId: string, listId: string): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const list = isUuid(listId) ? await repo.lockList(trx, authorityId, listId) : undefined;
    if (!list) throw new NotFoundError("approved-provider list");
    if (list.status !== "draft")
      throw new ConflictError(msg`This list is already published.`, "list_published");
    if (list.source_award_id) await requireContractedPrices(trx, authorityId, listId);
    await repo.setListStatus(trx, authorityId, listId, { status: "open", at: ctx.clock.now() });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "choice-list.published",
      entity: { type: "choice-list", id: listId },
      changes: {},
    });
  });
}

/** Publishes a draft list: the authority's editors (404 for an unknown list, then 403, then 409). */
export async function publishList(ctx: Ctx, authorityId: string, listId: string): Promise<ListView> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    await lockedList(within(ctx, trx), authorityId, listId);
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    await recordListPublished(within(ctx, trx, actorOf(p)), authorityId, listId);
  });
  return listOf(ctx, authorityId, listId);
}

/**
 * Closes an open list with its reason: no one joins it any more; its members stay shown as they
 * were. The authority's editors (404, then 403, then 409 for a list not open).
 */
export async function closeList(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  reason: string | undefined,
): Promise<ListView> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const list = await lockedList(within(ctx, trx), authorityId, listId);
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const why = (reason ?? "").trim();
    if (why === "" || why.length > LIMITS.reason)
      throw new ValidationError(msg`Give the reason for closing the list`, [
        { field: "reason", message: msg`Give the reason for closing the list` },
      ]);
    if (list.status !== "open")
      throw new ConflictError(msg`Only an open list can be closed.`, "list_not_open");
    await repo.setListStatus(trx, authorityId, listId, {
      status: "closed",
      at: ctx.clock.now(),
      reason: why,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "choice-list.closed",
      entity: { type: "choice-list", id: listId },
      changes: { reason: why },
    });
  });
  return listOf(ctx, authorityId, listId);
}

/** "£21.50 an hour" is the page's; here the amount alone. */
export const moneyText = formatPence;

async function viewsOf(ctx: Ctx, rows: repo.ListRow[]): Promise<ListView[]> {
  const areas = await repo.areasOf(
    ctx.db,
    rows.map((r) => [r.authority_id, r.id] as const),
  );
  return rows.map((row) => ({
    ...row,
    areas: areas.get(row.id) ?? [],
    tariffText: moneyText(row.tariff_pence),
    source:
      row.source_award_id && row.source_tender_id
        ? {
            tenderId: row.source_tender_id,
            lotId: row.source_lot_id,
            awardId: row.source_award_id,
            tenderTitle: row.source_tender_title,
            noticeUrl: noticePath(row.authority_slug, row.source_tender_id),
          }
        : null,
    notAddedSeen: isAuthorityEditor(ctx.principal, row.authority_id) ? row.not_added : [],
  }));
}

/** A member of a list from an award, with the contract it holds and its contracted price. */
export interface ContractMember {
  organisationId: string;
  name: string;
  contractId: string | null;
  contractUrl: string | null;
  pricePence: bigint | null;
  priceText: string | null;
}

/**
 * The members of a list from a tender's award with their contracts (public contract pages) and the
 * contracted prices the authority entered; nothing for an open list. Public, as the list is.
 */
export async function contractMembers(ctx: Ctx, list: ListView): Promise<ContractMember[]> {
  if (!list.source) return [];
  const rows = await repo.contractMembersOf(ctx.db, list.authority_id, list.id, 100);
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    name: r.organisation_name,
    contractId: r.contract_id,
    contractUrl: r.contract_id
      ? contractPageUrl({ authority_slug: list.authority_slug, id: r.contract_id })
      : null,
    pricePence: r.price_pence,
    priceText: r.price_pence === null ? null : moneyText(r.price_pence),
  }));
}

/** A list of this authority as the caller may see it (a draft: its editors only), or 404. */
export async function listOf(ctx: Ctx, authorityId: string, listId: string): Promise<ListView> {
  const row = isUuid(listId) ? await repo.findList(ctx.db, authorityId, listId) : undefined;
  if (!row || (row.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
    throw new NotFoundError("approved-provider list");
  const [view] = await viewsOf(ctx, [row]);
  return view as ListView;
}

export interface ListSearch {
  authorityId?: string;
  categoryCode?: string;
  areaCode?: string;
  after?: string | undefined;
  pageSize?: number | undefined;
}

export interface ListsPage {
  results: ListView[];
  total: Total;
  next: string | undefined;
}

const LIST_KEY = ["string", "string"] as const;

/**
 * A page of published lists (an authority's editors see its drafts too), newest first, by key;
 * the total counted up to COUNT_CAP. Public.
 */
export async function searchLists(ctx: Ctx, search: ListSearch): Promise<ListsPage> {
  const pageSize = Math.min(Math.max(1, Math.trunc(search.pageSize ?? LISTS_PAGE_SIZE)), MAX_PAGE_SIZE);
  const filter: repo.ListFilter = {
    ...(search.authorityId ? { authorityId: search.authorityId } : {}),
    ...(search.categoryCode ? { categoryCode: search.categoryCode } : {}),
    ...(search.areaCode ? { areaCode: search.areaCode } : {}),
    withDrafts: search.authorityId !== undefined && isAuthorityEditor(ctx.principal, search.authorityId),
  };
  const key = decodeKey(search.after, LIST_KEY, "after");
  const [rows, total] = await Promise.all([
    repo.listsPage(ctx.db, filter, pageSize + 1, key ? [String(key[0]), String(key[1])] : undefined),
    countUpTo(ctx.db, repo.listsQuery(ctx.db, filter), COUNT_CAP),
  ]);
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    results: await viewsOf(ctx, page),
    total,
    next: rows.length > pageSize && last ? encodeKey([last.created_at.toISOString(), last.id]) : undefined,
  };
}

/** A list for the forms that change it (closing): 404 for one unknown, then 403 unless an editor. */
export async function listToChange(ctx: Ctx, authorityId: string, listId: string): Promise<ListView> {
  requireSignedIn(ctx.principal);
  const list = await listOf(ctx, authorityId, listId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return list;
}

/** The service types and areas the list form and the index's filters offer. */
export async function listChoices(ctx: Ctx) {
  const [categories, areas] = await Promise.all([listServiceCategories(ctx.db), listAreas(ctx.db)]);
  return { categories, areas };
}

// Arrangements and "choice not available", for the modules above (budgets: invoices against an
// arrangement; the open figures: choice not available per authority and area).
export {
  type ArrangementRow,
  arrangementFor,
  liveArrangementsOf,
  phaseOf,
  weeklyCost,
} from "./arrangements.service.ts";
export { type UnavailableFigureRow, unavailableFigures } from "./unavailable.service.ts";
