/**
 * Any qualified provider (issue 17, item 3) and providers' offers (item 7). A provider
 * organisation's administrator asks to join an open list; it joins at once if it meets the
 * conditions, and is refused with each reason otherwise:
 *
 * - a current registration with a regulator for the list's service type at a location in one of
 *   the list's areas (regulation's Find a service, `currentLocationsFor`);
 * - where the list says so, such a location not rated Inadequate overall;
 * - where the list is reserved (Procurement Act 2023, s.33), the directory shows the organisation as
 *   a qualifying public service mutual (organisations' `effectiveSectorOf`).
 *
 * It leaves when its registration no longer meets them: regulation tells this module of every
 * change of a registration's status in the same transaction (`registrationChanged`, plugged in
 * src/wiring.ts), and the member leaves with the reason, audited, the provider and the authority
 * told. A provider may also leave by itself. A member publishes, for each list, its capacity (places
 * or hours a week, with the date it said so) and its price where it differs from the tariff.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import {
  actorOf,
  grantsInScope,
  isAuthorityEditor,
  requireAuthorityEditor,
  requireRole,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { noticeAwardsOf } from "../award/award.service.ts";
import { contractsByKeys, listContractViews } from "../contracts/contracts.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { effectiveSectorOf, organisationNamesOf } from "../organisations/organisations.service.ts";
import { currentLocationsFor } from "../regulation/find.service.ts";
import type { RatingPublished, RegistrationChange } from "../regulation/regulation.ports.ts";
import type { LocationRow } from "../regulation/regulation.service.ts";
import { findTender, tenderParts, tendersParts } from "../tenders/tenders.service.ts";
import * as repo from "./choice.repository.ts";
import {
  checkList,
  LIMITS,
  type ListDraft,
  type ListInput,
  type ListView,
  listOf,
  recordList,
} from "./choice.service.ts";
import {
  type ChoiceList,
  type NotAddedSupplier,
  OFFER_CAPACITY_UNITS,
  type OfferCapacityUnit,
} from "./choice.table.ts";

/** Who acts for a member: its administrators join and leave; its people also keep its offer. */
export const OFFER_ROLES = ["organisation-admin", "organisation-member"] as const;
/** Who is told when a member leaves, at the authority. */
const AUTHORITY_TOLD = new Set(["commissioner", "authority-admin"]);

export interface Qualification {
  qualifies: boolean;
  /** Each condition not met, as a reason naming it. */
  reasons: string[];
  /** The organisation's registered locations for the service type in the list's areas. */
  locations: LocationRow[];
}

type ListWithNames = ChoiceList & { category_name: string };

/** Whether the organisation meets the list's conditions now, and each reason it does not. */
export async function qualification(
  ctx: Ctx,
  list: ListWithNames,
  areaCodes: readonly string[],
  organisation: { id: string; name: string },
): Promise<Qualification> {
  const locations = await currentLocationsFor(ctx, [organisation.id], list.category_code, areaCodes);
  const reasons: string[] = [];
  if (locations.length === 0)
    reasons.push(
      msg`${organisation.name} has no current registration with a regulator for ${list.category_name} at a location in the list's areas: it must be registered first.`,
    );
  else if (list.exclude_inadequate && locations.every((l) => l.current_overall === "inadequate"))
    reasons.push(
      msg`The list's conditions exclude providers rated Inadequate overall, and every location of ${organisation.name} for ${list.category_name} in the list's areas is rated Inadequate.`,
    );
  if (list.reserved && (await effectiveSectorOf(ctx.db, organisation.id)) !== "public-service-mutual")
    reasons.push(
      msg`The list is reserved to public service mutuals (Procurement Act 2023, s.33), and the directory does not show ${organisation.name} as a qualifying public service mutual.`,
    );
  return { qualifies: reasons.length === 0, reasons, locations };
}

async function organisationNamed(ctx: Ctx, organisationId: string): Promise<{ id: string; name: string }> {
  const name = isUuid(organisationId)
    ? (await organisationNamesOf(ctx.db, [organisationId]))[0]?.name
    : undefined;
  if (name === undefined)
    throw new ValidationError(msg`Choose the organisation`, [
      { field: "organisationId", message: msg`Choose the organisation from the directory` },
    ]);
  return { id: organisationId, name };
}

/** A list from a tender's award takes no joins: its members are the award's suppliers. */
function fromAwardConflict(): ConflictError {
  return new ConflictError(
    msg`This list comes from a tender's award: only the suppliers of the award's contracts are on it, and no other provider can join it.`,
    "list_from_award",
  );
}

/** The locked list with its names and areas, as the caller may see it (a draft: editors only), or 404. */
async function seenList(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  listId: string,
): Promise<{ list: repo.ListRow; areaCodes: string[] }> {
  const locked = isUuid(listId) ? await repo.lockList(ctx.db, authorityId, listId) : undefined;
  const list = locked ? await repo.findList(ctx.db, authorityId, listId) : undefined;
  if (!list || (list.status === "draft" && !isAuthorityEditor(ctx.principal, authorityId)))
    throw new NotFoundError("approved-provider list");
  const areas = (await repo.areasOf(ctx.db, [[authorityId, listId]])).get(listId) ?? [];
  return { list, areaCodes: areas.map((a) => a.code) };
}

/**
 * Joins the organisation to an open list if it meets the conditions (422 with each reason
 * otherwise; 409 for a list not open or a member already), audited. Checks no one: the caller has
 * (seeds use it).
 */
export async function recordJoin(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<Qualification> {
  return transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const list = isUuid(listId) ? await repo.lockList(trx, authorityId, listId) : undefined;
    const named = list ? await repo.findList(trx, authorityId, listId) : undefined;
    if (!named) throw new NotFoundError("approved-provider list");
    if (named.source_award_id) throw fromAwardConflict();
    if (named.status !== "open")
      throw new ConflictError(msg`Providers can join only an open list.`, "list_not_open");
    const organisation = await organisationNamed(inTrx, organisationId);
    const member = await repo.lockMember(trx, authorityId, listId, organisationId);
    if (member?.status === "member")
      throw new ConflictError(msg`${organisation.name} is on this list already.`, "already_member");
    const areaCodes = ((await repo.areasOf(trx, [[authorityId, listId]])).get(listId) ?? []).map(
      (a) => a.code,
    );
    const found = await qualification(inTrx, named, areaCodes, organisation);
    if (!found.qualifies)
      throw new UnprocessableError(
        msg`${organisation.name} does not meet the list's conditions`,
        found.reasons.map((message) => ({ field: "organisationId", message })),
        "conditions_not_met",
      );
    await repo.putMember(trx, { authorityId, listId, organisationId }, ctx.clock.now());
    await repo.addToMemberCount(trx, authorityId, listId, 1);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "choice-member.joined",
      entity: { type: "choice-list", id: listId },
      changes: { organisationId, locations: found.locations.map((l) => l.id) },
    });
    return found;
  });
}

/**
 * A provider organisation's administrator asks to join an open list: 404 for a list unknown (or a
 * draft), 400 without an organisation, 403 unless they administer it, 409 for a list not open or a
 * member already, 422 with each condition not met.
 */
export async function joinList(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string | undefined,
): Promise<Qualification> {
  return transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    await seenList(within(ctx, trx), authorityId, listId);
    const organisation = await organisationNamed(within(ctx, trx), organisationId ?? "");
    const p = requireRole(
      ctx.principal,
      "organisation-admin",
      organisation.id,
      "ask to join an approved-provider list for this organisation",
    );
    return recordJoin(within(ctx, trx, actorOf(p)), authorityId, listId, organisation.id);
  });
}

/**
 * Takes a member off a list with the reason, audited; its administrators and the authority's
 * commissioners are told. Checks no one: the caller has.
 */
async function recordLeave(
  ctx: Ctx & { db: Trx },
  list: repo.ListRow,
  organisation: { id: string; name: string },
  reason: string,
): Promise<void> {
  const { db: trx, clock } = ctx;
  const key = { authorityId: list.authority_id, listId: list.id, organisationId: organisation.id };
  await repo.setMemberLeft(trx, key, clock.now(), reason);
  await repo.addToMemberCount(trx, list.authority_id, list.id, -1);
  await recordAudit(trx, clock, {
    authorityId: list.authority_id,
    actor: actorIn(ctx),
    action: "choice-member.left",
    entity: { type: "choice-list", id: list.id },
    changes: { organisationId: organisation.id, reason },
  });
  const told = new Map<string, string | null>();
  // The provider is told of a published list (a draft is its authority's editors' only)
  if (list.status !== "draft")
    for (const g of await grantsInScope(trx, organisation.id))
      if (g.role === "organisation-admin") told.set(g.user_id, organisation.id);
  for (const g of await grantsInScope(trx, list.authority_id))
    if (AUTHORITY_TOLD.has(g.role) && !told.has(g.user_id)) told.set(g.user_id, null);
  for (const [userId, organisationId] of told)
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId: list.authority_id,
        ...(organisationId ? { organisationId } : {}),
        kind: "choice.member-left",
        subject: msg`${organisation.name} has left ${list.title}`.slice(0, 200),
        body: msg`${organisation.name} is no longer on the approved-provider list ${list.title}. Reason: ${reason}`,
        link: `/authorities/${list.authority_slug}/choice/${list.id}`,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

/**
 * A member leaves a list by itself: its administrators only (404 for a list or member unknown, 403,
 * 409 when it has left already).
 */
export async function leaveList(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const { list } = await seenList(within(ctx, trx), authorityId, listId);
    const member = isUuid(organisationId)
      ? await repo.lockMember(trx, authorityId, listId, organisationId)
      : undefined;
    if (!member) throw new NotFoundError("member of the list");
    const p = requireRole(
      ctx.principal,
      "organisation-admin",
      organisationId,
      "take this organisation off the list",
    );
    if (member.status !== "member")
      throw new ConflictError(msg`This organisation has left the list already.`, "not_member");
    const organisation = await organisationNamed(within(ctx, trx), organisationId);
    await recordLeave(
      within(ctx, trx, actorOf(p)),
      list,
      organisation,
      msg`It left the list of its own accord.`,
    );
  });
}

/**
 * The organisation leaves each open list (and each draft from an award) whose conditions it no
 * longer meets, in the caller's transaction, the reason starting with `why`.
 */
async function leaveListsNoLongerMet(
  ctx: Ctx & { db: Trx },
  organisationId: string,
  why: string,
): Promise<void> {
  // Open lists, and drafts from an award (whose members were added when drafted)
  const checked = (list: { status: string; source_award_id: string | null }) =>
    list.status === "open" || (list.status === "draft" && list.source_award_id !== null);
  const memberships = (await repo.membershipsOf(ctx.db, organisationId, ["member"], 1000)).filter((m) =>
    checked(m.list),
  );
  if (memberships.length === 0) return;
  const organisation = { id: organisationId, name: memberships[0]?.organisation_name ?? "" };
  for (const m of memberships) {
    const locked = await repo.lockList(ctx.db, m.authority_id, m.list_id);
    if (!locked || !checked(locked)) continue;
    const areaCodes = ((await repo.areasOf(ctx.db, [[m.authority_id, m.list_id]])).get(m.list_id) ?? []).map(
      (a) => a.code,
    );
    const found = await qualification(ctx, m.list, areaCodes, organisation);
    if (found.qualifies) continue;
    await recordLeave(ctx, m.list, organisation, `${why} ${found.reasons.join(" ")}`.slice(0, LIMITS.reason));
  }
}

/**
 * Regulation's `registrationChanged` port: when a registration stops being current, the
 * organisation leaves the lists whose conditions it no longer meets, in the change's transaction,
 * with the registration's new status and reason.
 */
export async function leaveOnRegistrationChange(
  ctx: Ctx & { db: Trx },
  change: RegistrationChange,
): Promise<void> {
  if (change.to === "registered" || change.to === "applied") return;
  await leaveListsNoLongerMet(
    ctx,
    change.organisationId,
    msg`A registration with the regulator is now ${change.to} (${change.reason}).`,
  );
}

/**
 * Regulation's `ratingPublished` port: a report rating a location Inadequate overall takes the
 * organisation off the lists that exclude providers rated Inadequate where none of its locations
 * there is rated better any more, in the publishing's transaction.
 */
export async function leaveOnInadequateRating(
  ctx: Ctx & { db: Trx },
  published: RatingPublished,
): Promise<void> {
  if (published.overall !== "inadequate") return;
  await leaveListsNoLongerMet(
    ctx,
    published.organisationId,
    msg`The regulator has published a report rating a location Inadequate overall.`,
  );
}

/**
 * Organisations' `mutualStatusLost` port: an organisation no longer shown as a qualifying public
 * service mutual leaves the lists reserved to mutuals, in the change's transaction.
 */
export async function leaveOnMutualStatusLost(ctx: Ctx & { db: Trx }, organisationId: string): Promise<void> {
  await leaveListsNoLongerMet(
    ctx,
    organisationId,
    msg`The directory no longer shows it as a qualifying public service mutual.`,
  );
}

export interface OfferDraft {
  /** Whole number as typed or sent; empty for none said. */
  capacity?: string | number | null;
  capacityUnit?: string | null;
  /** Pounds as typed; empty for the tariff. */
  price?: string | null;
}

/**
 * A member publishes its offer on a list: capacity (with today's date) and its price where it
 * differs from the tariff. Its administrators and people (404 for a list or member unknown, then
 * 403, then 400 for fields at fault, 409 once it has left or the list is closed); audited.
 */
export async function updateOffer(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
  draft: OfferDraft,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const { list } = await seenList(within(ctx, trx), authorityId, listId);
    const member = isUuid(organisationId)
      ? await repo.lockMember(trx, authorityId, listId, organisationId)
      : undefined;
    if (!member) throw new NotFoundError("member of the list");
    const p = requireRole(
      ctx.principal,
      [...OFFER_ROLES],
      organisationId,
      "publish this organisation's offer",
    );
    const problems: FieldError[] = [];
    const capacityText =
      draft.capacity === null || draft.capacity === undefined ? "" : String(draft.capacity).trim();
    const capacity =
      capacityText === "" ? null : /^\d{1,7}$/.test(capacityText) ? Number(capacityText) : Number.NaN;
    if (capacity !== null && (!Number.isInteger(capacity) || capacity > 1_000_000))
      problems.push({ field: "capacity", message: msg`Enter the capacity as a whole number, like 40` });
    const unit = (draft.capacityUnit ?? "").trim();
    if (
      capacity !== null &&
      !Number.isNaN(capacity) &&
      !(OFFER_CAPACITY_UNITS as readonly string[]).includes(unit)
    )
      problems.push({
        field: "capacityUnit",
        message: msg`Choose whether the capacity is in places or hours a week`,
      });
    const priceText = (draft.price ?? "").trim();
    const price = priceText === "" ? null : parseMoney(priceText);
    const fromAward = list.source_award_id !== null;
    if (fromAward && price && !(price.ok && price.value === member.price_pence))
      problems.push({
        field: "price",
        message: msg`On a list from a tender's award the price is the contracted rate the authority entered: leave the price empty`,
      });
    else if (price && (!price.ok || price.value <= 0n))
      problems.push({
        field: "price",
        message: msg`Enter the price in pounds and pence, like 22.40, or leave it empty for the tariff`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the offer`, problems);
    if (member.status !== "member" || list.status !== "open")
      throw new ConflictError(msg`Only a member of an open list publishes an offer on it.`, "not_member");
    const pricePence = fromAward
      ? member.price_pence
      : price?.ok && price.value !== list.tariff_pence
        ? (price.value as bigint)
        : null;
    const offer = {
      capacity,
      capacityUnit: capacity === null ? null : (unit as OfferCapacityUnit),
      statedOn: capacity === null ? null : londonToday(ctx.clock),
      pricePence,
      at: ctx.clock.now(),
    };
    await repo.setOffer(trx, { authorityId, listId, organisationId }, offer);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "choice-member.offer-updated",
      entity: { type: "choice-list", id: listId },
      changes: {
        organisationId,
        capacity: offer.capacity,
        capacityUnit: offer.capacityUnit,
        pricePence: offer.pricePence?.toString() ?? null,
      },
    });
  });
}

/** Records an offer as the system (seeds): as `updateOffer`, without checking who. */
export async function recordOffer(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
  offer: { capacity: number; capacityUnit: OfferCapacityUnit; pricePence: bigint | null },
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    await repo.setOffer(
      trx,
      { authorityId, listId, organisationId },
      { ...offer, statedOn: londonToday(ctx.clock), at: ctx.clock.now() },
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "choice-member.offer-updated",
      entity: { type: "choice-list", id: listId },
      changes: { organisationId, ...offer, pricePence: offer.pricePence?.toString() ?? null },
    });
  });
}

/**
 * What the joining form offers this person: the list (404 for one unknown or a draft) and the
 * organisations they administer (403 when none).
 */
export async function joinForm(
  ctx: Ctx,
  authorityId: string,
  listId: string,
): Promise<{ list: ListView; organisations: { id: string; name: string }[] }> {
  const p = requireSignedIn(ctx.principal);
  const list = await listOf(ctx, authorityId, listId);
  if (list.source) throw fromAwardConflict();
  const ids = [...new Set(p.grants.filter((g) => g.role === "organisation-admin").map((g) => g.scopeId))];
  const organisations = (await organisationNamesOf(ctx.db, ids.filter(isUuid))).sort((a, b) =>
    a.name.localeCompare(b.name, "en-GB"),
  );
  if (organisations.length === 0)
    throw new ForbiddenError(
      msg`Only an administrator of a provider organisation can ask to join a list. Ask your organisation's administrator.`,
    );
  return { list, organisations };
}

/** A list and one of its members, for someone signed in: 404 for either unknown. */
async function listAndMember(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<{ list: ListView; member: repo.MemberRow }> {
  requireSignedIn(ctx.principal);
  const list = await listOf(ctx, authorityId, listId);
  const member = isUuid(organisationId)
    ? await repo.findMember(ctx.db, authorityId, listId, organisationId)
    : undefined;
  if (!member) throw new NotFoundError("member of the list");
  return { list, member };
}

/** The offer form: the list and the member (404 for either unknown), then 403 unless it acts for it. */
export async function offerForm(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<{ list: ListView; member: repo.MemberRow }> {
  const found = await listAndMember(ctx, authorityId, listId, organisationId);
  requireRole(ctx.principal, [...OFFER_ROLES], organisationId, "publish this organisation's offer");
  return found;
}

// Lists from a tender's award (issue 17, item 3: "a list may also come from a tender's award")

/** An awarded tender a list may be drafted from: its live contracts' suppliers, and its lots. */
export interface AwardChoice {
  tenderId: string;
  tenderTitle: string;
  suppliers: string[];
  lots: { id: string; title: string }[];
}

/** The most live contracts the form reads (the contracts register's own page of results). */
export const AWARD_CONTRACTS_READ = 500;

/**
 * The authority's awarded tenders with a live contract, for the form that drafts a list from one,
 * narrowed by `q` (the contract's title, its supplier): its editors only (403 otherwise). It reads at
 * most `AWARD_CONTRACTS_READ` live contracts, newest first; `cutShort` says when there may be more,
 * so the form asks for a search rather than leaving tenders out unsaid.
 */
export async function awardChoices(
  ctx: Ctx,
  authorityId: string,
  q = "",
): Promise<{ awards: AwardChoice[]; cutShort: boolean; q: string }> {
  requireSignedIn(ctx.principal);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  const text = q.trim().slice(0, 200);
  const views = await listContractViews(ctx, { authorityId, status: "live", ...(text ? { q: text } : {}) });
  const byTender = new Map<string, AwardChoice>();
  for (const { contract } of views) {
    const choice = byTender.get(contract.tender_id) ?? {
      tenderId: contract.tender_id,
      tenderTitle: contract.tender_title,
      suppliers: [],
      lots: [],
    };
    choice.suppliers.push(contract.supplier_name);
    byTender.set(contract.tender_id, choice);
  }
  const parts = await tendersParts(
    ctx,
    [...byTender.keys()].map((id) => ({ authority_id: authorityId, id })),
  );
  const awards = [...byTender.values()]
    .map((c) => ({
      ...c,
      lots: (parts.get(c.tenderId)?.lots ?? []).map((l) => ({ id: l.id, title: l.title })),
    }))
    .sort((a, b) => a.tenderTitle.localeCompare(b.tenderTitle, "en-GB"));
  return { awards, cutShort: views.length >= AWARD_CONTRACTS_READ, q: text };
}

/** What the form or the API sends to draft a list from an award, before it is checked. */
export interface AwardListDraft extends Omit<ListDraft, "categoryCode" | "reserved"> {
  tenderId?: string;
  /** One of the tender's lots, or empty for the whole tender. */
  lotId?: string;
}

/**
 * Drafts a list from a tender's award (or one lot of it): its service type is the tender's
 * category, it is reserved to public service mutuals when the tender was (s.33), and it takes no
 * joins. Its members are the suppliers of the award's contracts, each checked as a provider asking to
 * join is (a current registration for the service in the list's areas, not Inadequate where the list
 * says so, a qualifying mutual where reserved) and the contract still running; a supplier that fails
 * is not added, and the list keeps why for its editors. One transaction, audited. The authority's
 * editors only (403), then 400 for fields at fault, then 422 for an award without a contract.
 */
export async function createListFromAward(
  ctx: Ctx,
  authorityId: string,
  draft: AwardListDraft,
): Promise<ListView> {
  const id = await transaction(ctx.db, async (trx) => {
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const inTrx = within(ctx, trx, actorOf(p));
    const tender = await findTender(inTrx, authorityId, draft.tenderId ?? "");
    const award =
      tender && tender.status !== "draft"
        ? (await noticeAwardsOf(inTrx, [{ authority_id: authorityId, id: tender.id }])).get(tender.id)
        : undefined;
    const problems: FieldError[] = [];
    if (!tender || !award || award.status === "withdrawn")
      problems.push({ field: "tenderId", message: msg`Choose the awarded tender the list comes from` });
    const lotId = (draft.lotId ?? "").trim() || null;
    if (
      tender &&
      lotId &&
      !(await tenderParts(inTrx, authorityId, tender.id)).lots.some((l) => l.id === lotId)
    )
      problems.push({ field: "lotId", message: msg`Choose one of the tender's lots, or the whole tender` });
    let input: ListInput | undefined;
    try {
      input = await checkList(inTrx, {
        ...draft,
        categoryCode: tender?.category_code ?? "",
        reserved: tender?.reserved ?? false,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.details.filter((d) => d.field !== "categoryCode"));
    }
    if (problems.length > 0 || !input || !tender || !award)
      throw new ValidationError(msg`Check the list's details`, problems);
    if (!award.contract_id)
      throw new UnprocessableError(
        msg`The award has no contract yet`,
        [
          {
            field: "tenderId",
            message: msg`The award of ${tender.title} has no contract yet: enter its contract first, then draft the list from it.`,
          },
        ],
        "not_contracted",
      );
    const contracts = await contractsByKeys(inTrx, [{ authority_id: authorityId, id: award.contract_id }]);
    const listId = await recordList(inTrx, authorityId, input, newId(), {
      tenderId: tender.id,
      lotId,
      awardId: award.id,
      tenderTitle: tender.title.slice(0, 500),
    });
    const list = (await repo.findList(trx, authorityId, listId)) as repo.ListRow;
    const notAdded: NotAddedSupplier[] = [];
    for (const { contract, state } of contracts.values()) {
      const organisation = { id: contract.organisation_id, name: contract.supplier_name };
      const found =
        state === "ended" || state === "terminated"
          ? {
              reasons: [msg`The contract with ${organisation.name} has ended or been terminated.`],
              locations: [],
            }
          : await qualification(inTrx, list, input.areaCodes, organisation);
      const key = { authorityId, listId, organisationId: organisation.id, contractId: contract.id };
      if (found.reasons.length > 0) {
        notAdded.push({
          organisationId: organisation.id,
          name: organisation.name,
          contractId: contract.id,
          reasons: found.reasons,
        });
        await recordAudit(trx, ctx.clock, {
          authorityId,
          actor: actorOf(p),
          action: "choice-member.not-added",
          entity: { type: "choice-list", id: listId },
          changes: { organisationId: organisation.id, contractId: contract.id, reasons: found.reasons },
        });
        continue;
      }
      await repo.putMember(trx, key, ctx.clock.now());
      await repo.addToMemberCount(trx, authorityId, listId, 1);
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorOf(p),
        action: "choice-member.joined",
        entity: { type: "choice-list", id: listId },
        changes: {
          organisationId: organisation.id,
          contractId: contract.id,
          awardId: award.id,
          locations: found.locations.map((l) => l.id),
        },
      });
    }
    if (notAdded.length > 0) await repo.setNotAdded(trx, authorityId, listId, notAdded);
    return listId;
  });
  return listOf(ctx, authorityId, id);
}

/**
 * The form for a member's contracted price on a list from an award: the list and the member (404
 * for either unknown), then 403 unless one of the authority's editors.
 */
export async function contractedPriceForm(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<{ list: ListView; member: repo.MemberRow }> {
  const found = await listAndMember(ctx, authorityId, listId, organisationId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return found;
}

/**
 * The authority enters a member's contracted unit price (per the list's unit) from the contract
 * documents, on a list from a tender's award: its editors (404 for a list or member unknown, 403,
 * 400 for a price at fault, 409 for a list not from an award — whose providers publish their own
 * prices — or a member that has left, or a closed list); audited. Arrangements from the list are
 * made at it (those made already keep theirs). On a published list the provider's administrators
 * are told the price now shown (`choice.contracted-price-set`); a draft's is its editors' only.
 */
export async function setContractedPrice(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  organisationId: string,
  price: string | undefined,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const { list } = await seenList(within(ctx, trx), authorityId, listId);
    const member = isUuid(organisationId)
      ? await repo.lockMember(trx, authorityId, listId, organisationId)
      : undefined;
    if (!member) throw new NotFoundError("member of the list");
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const parsed = parseMoney((price ?? "").trim());
    if (!parsed.ok || parsed.value <= 0n)
      throw new ValidationError(msg`Check the contracted price`, [
        { field: "price", message: msg`Enter the contracted price in pounds and pence, like 22.40` },
      ]);
    if (!list.source_award_id)
      throw new ConflictError(
        msg`Only a list from a tender's award has contracted prices: on this list each provider publishes its own price.`,
        "not_from_award",
      );
    if (member.status !== "member" || list.status === "closed")
      throw new ConflictError(
        msg`Only a member of a list that is not closed has its contracted price entered.`,
        "not_member",
      );
    await repo.setContractedPrice(
      trx,
      { authorityId, listId, organisationId },
      parsed.value,
      ctx.clock.now(),
    );
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "choice-member.contracted-price-set",
      entity: { type: "choice-list", id: listId },
      changes: { organisationId, contractId: member.contract_id, pricePence: parsed.value.toString() },
    });
    if (list.status === "draft") return;
    const priceText = formatMoney(parsed.value as Pence);
    for (const g of await grantsInScope(trx, organisationId))
      if (g.role === "organisation-admin")
        await notify(
          trx,
          ctx.clock,
          {
            userId: g.user_id,
            authorityId,
            organisationId,
            kind: "choice.contracted-price-set",
            subject: msg`${list.authority_name} sets your contracted price on ${list.title}`.slice(0, 200),
            body: msg`${list.authority_name} has entered your contracted price on the approved-provider list ${list.title}: ${priceText}. Services are now arranged with you from the list at it. If it is not the price in your contract, tell ${list.authority_name}.`,
            link: `/authorities/${list.authority_slug}/choice/${list.id}`,
          },
          { email: true, actor: actorOf(p) },
        );
  });
}
