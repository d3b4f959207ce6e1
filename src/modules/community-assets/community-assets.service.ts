/**
 * Assets of community value (issue 21, part 1; Localism Act 2011, Part 5 Chapter 3; docs/neighbourhoods.md):
 * the list each council keeps of buildings and land that further the social wellbeing of its
 * community, and the moratorium on their sale. Every date is worked out by clocks.ts.
 *
 * - **Who nominates**: the people (administrators and members) of an organisation of the directory
 *   that may — a parish or town council, or a community group (a voluntary or community body, a
 *   charity, a social enterprise, a co-operative) — with the reasons the land furthers the
 *   community's wellbeing (s.88) and the group's local connection (s.89). Anyone else: 403.
 * - **Who decides and records**: the council's commissioners and administrators (and platform
 *   administrators): the decision (listed, or not, with reasons), and on the owner's behalf — owners
 *   are seldom users — the review asked for, its decision, an appeal, a notice of intended sale, an
 *   exempt disposal and a completed sale. Others signed in: 403.
 * - **Who asks to bid**: the people of a community group (the same organisations as nominate), within
 *   the interim moratorium only: after it, 409 saying when it ended.
 * - **Who sees**: everyone sees the register — listed and unsuccessful nominations — and each entry
 *   with its clocks; a nomination awaiting decision is seen by the council's people and the
 *   nominating organisation's only (404 to others). The owner's name is public only when the owner
 *   is an organisation; a person's name and the owner's contact are the council's people's only.
 * - One transaction per action, with its audit record (`community-asset.*`).
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
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import {
  actorOf,
  commissioningPeople,
  hasRole,
  isAuthorityEditor,
  organisationPeople,
  type Principal,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { type Authority, authoritiesByIds, authorityById } from "../authorities/authorities.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { effectiveSectorOf, organisationsByIds } from "../organisations/organisations.service.ts";
import {
  appealBy,
  type DisposalDates,
  type DisposalStanding,
  decisionDue,
  disposalDates,
  disposalStanding,
  listingEnds,
  mayCompleteSale,
  reviewDecisionDue,
  reviewRequestBy,
} from "./clocks.ts";
import * as repo from "./community-assets.repository.ts";
import type { AssetStatus, CommunityAsset, Disposal } from "./community-assets.table.ts";
import { isExemptGround } from "./grounds.ts";

/** The sectors of the directory whose organisations nominate and ask to bid (s.89, reg. 4 and 5). */
export const COMMUNITY_SECTORS = [
  "parish-council",
  "voluntary-community",
  "charity",
  "social-enterprise",
  "co-operative",
] as const;

export const LIMITS = {
  name: 200,
  address: 500,
  postcode: 10,
  area: 100,
  description: 2000,
  reasons: 5000,
  localConnection: 2000,
  ownerName: 200,
  ownerContact: 500,
  withdrawalReasons: 2000,
} as const;

/** How many entries a page of the register shows. */
export const PAGE_SIZE = 20;
/** How many entries the register's map and open data take at most. */
export const MAP_LIMIT = 500;

const ORGANISATION_ROLES = ["organisation-admin", "organisation-member"] as const;

export interface NominateInput {
  organisationId?: string;
  name?: string;
  address?: string;
  postcode?: string;
  area?: string;
  description?: string;
  reasons?: string;
  localConnection?: string;
  ownerName?: string;
  ownerContact?: string;
  ownerOrganisationId?: string;
  /** The owner is an organisation (its name is then public): true, or "yes" from the form. */
  ownerIsOrganisation?: boolean | string;
  occupierName?: string;
  occupierContact?: string;
  latitude?: string | number;
  longitude?: string | number;
}

// Who may

function organisationsActedFor(p: Principal | null): string[] {
  if (!p) return [];
  return [
    ...new Set(
      p.grants
        .filter((g) => (ORGANISATION_ROLES as readonly string[]).includes(g.role))
        .map((g) => g.scopeId),
    ),
  ];
}

/** The community groups (and parish councils) the person acts for. */
async function communityGroupsOf(ctx: Ctx, p: Principal | null): Promise<string[]> {
  const out: string[] = [];
  for (const id of organisationsActedFor(p)) {
    const sector = await effectiveSectorOf(ctx.db, id);
    if (sector && (COMMUNITY_SECTORS as readonly string[]).includes(sector)) out.push(id);
  }
  return out;
}

/** The council's people: its commissioners and administrators (and platform administrators). */
export function isCouncilStaff(principal: Principal | null, authorityId: string): boolean {
  return isAuthorityEditor(principal, authorityId);
}

const NOT_A_GROUP = () =>
  msg`Assets of community value are nominated by a parish or town council or a community group with a local connection: join your group's account on the directory to nominate or bid.`;

/** The one group the person acts for, or the one they named among theirs. */
async function groupActingFor(ctx: Ctx, p: Principal, asked: string | undefined): Promise<string> {
  const groups = await communityGroupsOf(ctx, p);
  if (groups.length === 0) throw new ForbiddenError(NOT_A_GROUP());
  if (asked) {
    if (!groups.includes(asked)) {
      const message = msg`Choose a parish council or community group you act for`;
      throw new ValidationError(message, [{ field: "organisationId", message }]);
    }
    return asked;
  }
  if (groups.length === 1) return groups[0] as string;
  const message = msg`Choose the group you act for`;
  throw new ValidationError(message, [{ field: "organisationId", message }]);
}

// Checking what was sent

function text(value: string | undefined): string {
  return (value ?? "").trim();
}

function coordinate(value: string | number | undefined, min: number, max: number): number | null | undefined {
  if (value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(String(value).trim());
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

const POSTCODE = /^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$/;

/** A postcode as the register keeps it: capitals, one space before the last three characters. */
function normalPostcode(value: string): string | null {
  const compact = value.toUpperCase().replace(/\s+/g, "");
  if (!POSTCODE.test(compact)) return null;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** A date sent (YYYY-MM-DD): not in the future, not before `earliest`. */
function checkedDate(
  problems: FieldError[],
  fieldName: string,
  value: string | undefined,
  today: string,
  earliest: string | null,
): string {
  const v = text(value);
  if (!isIsoDate(v)) {
    problems.push({ field: fieldName, message: msg`Enter a real date, for example 3 3 2027` });
    return v;
  }
  if (v > today) problems.push({ field: fieldName, message: msg`The date cannot be in the future` });
  else if (earliest && v < earliest)
    problems.push({ field: fieldName, message: msg`The date cannot be before ${longDate(earliest)}` });
  return v;
}

function refuseIf(problems: FieldError[]): void {
  if (problems.length > 0) throw new ValidationError(problems[0]?.message ?? "", problems);
}

async function checkedNomination(ctx: Ctx, input: NominateInput) {
  const problems: FieldError[] = [];
  const need = (fieldName: string, value: string, limit: number, message: string) => {
    if (value === "" || value.length > limit) problems.push({ field: fieldName, message });
    return value;
  };
  const name = need(
    "name",
    text(input.name),
    LIMITS.name,
    msg`Enter the building or land's name, in ${LIMITS.name} characters or fewer`,
  );
  const address = need(
    "address",
    text(input.address),
    LIMITS.address,
    msg`Enter its address, in ${LIMITS.address} characters or fewer`,
  );
  const postcode = normalPostcode(text(input.postcode));
  if (!postcode) problems.push({ field: "postcode", message: msg`Enter a real postcode, like WS1 2AB` });
  const area = need(
    "area",
    text(input.area),
    LIMITS.area,
    msg`Enter the ward, parish or town it is in, in ${LIMITS.area} characters or fewer`,
  );
  const description = need(
    "description",
    text(input.description),
    LIMITS.description,
    msg`Describe the building or land and its boundaries, in ${LIMITS.description} characters or fewer`,
  );
  const reasons = need(
    "reasons",
    text(input.reasons),
    LIMITS.reasons,
    msg`Say how its use furthers the social wellbeing or interests of the local community, now and in the next few years, in ${LIMITS.reasons} characters or fewer`,
  );
  const localConnection = need(
    "localConnection",
    text(input.localConnection),
    LIMITS.localConnection,
    msg`Say how your group is connected with the local area, in ${LIMITS.localConnection} characters or fewer`,
  );
  const ownerName = need(
    "ownerName",
    text(input.ownerName),
    LIMITS.ownerName,
    msg`Enter the owner's name, as far as you know it, in ${LIMITS.ownerName} characters or fewer`,
  );
  const ownerContact = text(input.ownerContact);
  if (ownerContact.length > LIMITS.ownerContact)
    problems.push({
      field: "ownerContact",
      message: msg`Enter the owner's address or contact in ${LIMITS.ownerContact} characters or fewer`,
    });
  const occupierName = text(input.occupierName);
  const occupierContact = text(input.occupierContact);
  if (occupierName.length > LIMITS.ownerName)
    problems.push({
      field: "occupierName",
      message: msg`Enter the occupier's name in ${LIMITS.ownerName} characters or fewer, or leave it empty`,
    });
  if (occupierContact.length > LIMITS.ownerContact || (occupierContact !== "" && occupierName === ""))
    problems.push({
      field: "occupierContact",
      message: msg`Enter the occupier's name with their contact, and the contact in ${LIMITS.ownerContact} characters or fewer`,
    });
  const ownerIsOrganisation = input.ownerIsOrganisation === true || input.ownerIsOrganisation === "yes";
  let ownerOrganisationId: string | null = null;
  const askedOwner = text(input.ownerOrganisationId);
  if (askedOwner !== "") {
    const found = isUuid(askedOwner)
      ? (await organisationsByIds(ctx.db, [askedOwner])).get(askedOwner)
      : undefined;
    if (found) ownerOrganisationId = found.id;
    else
      problems.push({
        field: "ownerOrganisationId",
        message: msg`Choose an organisation of the directory as the owner, or leave it empty`,
      });
  }
  const latitude = coordinate(input.latitude, 49, 61);
  const longitude = coordinate(input.longitude, -9, 2);
  if (latitude === undefined)
    problems.push({
      field: "latitude",
      message: msg`Enter the latitude as a number between 49 and 61, like 52.4862, or leave it empty`,
    });
  if (longitude === undefined)
    problems.push({
      field: "longitude",
      message: msg`Enter the longitude as a number between -9 and 2, like -1.8904, or leave it empty`,
    });
  if ((latitude === null) !== (longitude === null))
    problems.push({
      field: latitude === null ? "latitude" : "longitude",
      message: msg`Enter both the latitude and the longitude, or neither`,
    });
  refuseIf(problems);
  return {
    name,
    address,
    postcode: postcode as string,
    area,
    description,
    reasons,
    local_connection: localConnection,
    owner_name: ownerName,
    owner_contact: ownerContact === "" ? null : ownerContact,
    owner_organisation_id: ownerOrganisationId,
    owner_is_organisation: ownerIsOrganisation || ownerOrganisationId !== null,
    occupier_name: occupierName === "" ? null : occupierName,
    occupier_contact: occupierContact === "" ? null : occupierContact,
    latitude: latitude ?? null,
    longitude: longitude ?? null,
  };
}

// Views

/** Whole days from `from` to `to` (London dates). */
export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface SaleView {
  id: string;
  dates: DisposalDates;
  bidRequestedOn: string | null;
  bidderName: string | null;
  standing: DisposalStanding;
  /** The last day of the stage it stands in now (interim, full or protected), and the days left in it, that day counted. */
  stageEnds: string | null;
  daysLeft: number | null;
  soldOn: string | null;
  soldToCommunityGroup: boolean | null;
}

export interface ExemptView {
  ground: string;
  disposedOn: string;
}

export interface AssetView {
  asset: CommunityAsset;
  authority: Pick<Authority, "id" | "name" | "slug">;
  nominatorName: string | null;
  /** The owner as the viewer may see it: an organisation's name to anyone; a person's to the council's people only. */
  ownerShown: string | null;
  ownerContact: string | null;
  /** The occupier when not the owner, and their contact: the council's people only. */
  occupierName: string | null;
  occupierContact: string | null;
  today: string;
  decisionDue: string;
  /** Awaiting the decision after its last day. */
  decisionOverdue: boolean;
  /** Decided after the last day. */
  decidedLate: boolean;
  listingEnds: string | null;
  listingEnded: boolean;
  reviewRequestBy: string | null;
  reviewDecisionDue: string | null;
  reviewOverdue: boolean;
  appealBy: string | null;
  /** The latest notice of an intended sale, with its clocks. */
  sale: SaleView | null;
  /** Earlier notices, newest first. */
  earlierSales: SaleView[];
  exempt: ExemptView[];
  /** The viewer is the council's people: they record what happens. */
  staff: boolean;
  /** The viewer acts for a community group that may ask to be treated as a bidder now. */
  mayBid: boolean;
  /** The viewer is one of the nominating group's people, and the nomination awaits the decision. */
  mayWithdraw: boolean;
  /** The actions the council's people may record now (names of the forms). */
  actions: AssetAction[];
}

export const ASSET_ACTIONS = [
  "decision",
  "review-request",
  "review-decision",
  "appeal",
  "notice",
  "exempt-disposal",
  "sale",
] as const;
export type AssetAction = (typeof ASSET_ACTIONS)[number];

function listedNow(a: CommunityAsset, today: string): boolean {
  return a.status === "listed" && a.listed_on !== null && today <= listingEnds(a.listed_on);
}

function saleView(d: Disposal, today: string, bidderNames: Map<string, string>): SaleView {
  const dates = disposalDates(d.notice_on as string);
  const standing = disposalStanding(dates, d.bid_requested_on, today);
  const stageEnds =
    standing === "interim"
      ? dates.interimEnds
      : standing === "full"
        ? dates.fullEnds
        : standing === "protected"
          ? dates.protectedEnds
          : null;
  return {
    id: d.id,
    dates,
    bidRequestedOn: d.bid_requested_on,
    bidderName: d.bidder_organisation_id ? (bidderNames.get(d.bidder_organisation_id) ?? null) : null,
    standing,
    stageEnds,
    daysLeft: stageEnds ? daysFrom(today, stageEnds) + 1 : null,
    soldOn: d.disposed_on,
    soldToCommunityGroup: d.sold_to_community_group,
  };
}

function latestNotice(disposals: readonly Disposal[]): Disposal | undefined {
  return disposals
    .filter((d) => d.kind === "notice")
    .reduce<Disposal | undefined>(
      (latest, d) => (!latest || (d.notice_on ?? "") >= (latest.notice_on ?? "") ? d : latest),
      undefined,
    );
}

function actionsFor(a: CommunityAsset, today: string, sale: SaleView | null): AssetAction[] {
  const out: AssetAction[] = [];
  if (a.status === "nominated") out.push("decision");
  if (a.status === "listed" && a.review_requested_on === null) out.push("review-request");
  if (a.status === "listed" && a.review_requested_on !== null && a.review_decided_on === null)
    out.push("review-decision");
  if (
    a.review_outcome === "kept" &&
    a.status === "listed" &&
    (a.appeal_outcome === null || a.appeal_outcome === "pending")
  )
    out.push("appeal");
  if (listedNow(a, today)) {
    out.push("exempt-disposal");
    if (!sale || sale.soldOn !== null || sale.standing === "ended") out.push("notice");
    if (sale && sale.soldOn === null && sale.standing !== "ended") out.push("sale");
  }
  return out;
}

async function viewsOf(ctx: Ctx, assets: readonly CommunityAsset[], full: boolean): Promise<AssetView[]> {
  const today = londonToday(ctx.clock);
  const disposals = await repo.disposalsOf(
    ctx.db,
    assets.map((a) => a.id),
  );
  const orgIds = [
    ...assets.flatMap((a) => [
      a.nominator_organisation_id,
      ...(a.owner_organisation_id ? [a.owner_organisation_id] : []),
    ]),
    ...disposals.flatMap((d) => (d.bidder_organisation_id ? [d.bidder_organisation_id] : [])),
  ];
  const [orgs, authorities, groups] = await Promise.all([
    organisationsByIds(ctx.db, [...new Set(orgIds)]),
    authoritiesByIds(ctx.db, [...new Set(assets.map((a) => a.authority_id))]),
    full ? communityGroupsOf(ctx, ctx.principal) : Promise.resolve([]),
  ]);
  const names = new Map([...orgs.values()].map((o) => [o.id, o.name]));
  return assets.map((a) => {
    const own = disposals.filter((d) => d.asset_id === a.id);
    const latest = latestNotice(own);
    const sale = latest ? saleView(latest, today, names) : null;
    const staff = isCouncilStaff(ctx.principal, a.authority_id);
    const authority = authorities.get(a.authority_id);
    const due = decisionDue(a.received_on);
    const listed = a.listed_on !== null;
    return {
      asset: a,
      authority: { id: a.authority_id, name: authority?.name ?? "", slug: authority?.slug ?? "" },
      nominatorName: names.get(a.nominator_organisation_id) ?? null,
      ownerShown: a.owner_organisation_id
        ? (names.get(a.owner_organisation_id) ?? null)
        : a.owner_is_organisation || staff
          ? a.owner_name
          : null,
      ownerContact: staff ? a.owner_contact : null,
      occupierName: staff ? a.occupier_name : null,
      occupierContact: staff ? a.occupier_contact : null,
      today,
      decisionDue: due,
      decisionOverdue: a.status === "nominated" && today > due,
      decidedLate: a.decided_on !== null && a.decided_on > due,
      listingEnds: listed ? listingEnds(a.listed_on as string) : null,
      listingEnded: a.status === "listed" && listed && today > listingEnds(a.listed_on as string),
      reviewRequestBy: listed && a.owner_told_on ? reviewRequestBy(a.owner_told_on) : null,
      reviewDecisionDue: a.review_requested_on ? reviewDecisionDue(a.review_requested_on) : null,
      reviewOverdue:
        a.review_requested_on !== null &&
        a.review_decided_on === null &&
        today > reviewDecisionDue(a.review_requested_on),
      appealBy: a.review_outcome === "kept" && a.review_decided_on ? appealBy(a.review_decided_on) : null,
      sale,
      earlierSales: full
        ? own
            .filter((d) => d.kind === "notice" && d.id !== latest?.id)
            .map((d) => saleView(d, today, names))
            .reverse()
        : [],
      exempt: own
        .filter((d) => d.kind === "exempt")
        .map((d) => ({ ground: d.exempt_ground as string, disposedOn: d.disposed_on as string })),
      staff,
      mayBid:
        full &&
        groups.length > 0 &&
        sale !== null &&
        sale.standing === "interim" &&
        sale.bidRequestedOn === null,
      mayWithdraw:
        full &&
        a.status === "nominated" &&
        hasRole(ctx.principal, [...ORGANISATION_ROLES], a.nominator_organisation_id),
      actions: staff ? actionsFor(a, today, sale) : [],
    };
  });
}

/**
 * Whether the viewer sees an entry: anyone, once decided; before (or withdrawn), the council's people
 * and the nominators.
 */
function visibleTo(principal: Principal | null, a: CommunityAsset): boolean {
  if (a.status !== "nominated" && a.status !== "withdrawn") return true;
  return (
    isCouncilStaff(principal, a.authority_id) ||
    hasRole(principal, [...ORGANISATION_ROLES], a.nominator_organisation_id)
  );
}

async function assetFor(ctx: Ctx, assetId: string, opts: { lock?: boolean } = {}): Promise<CommunityAsset> {
  const a = isUuid(assetId) ? await repo.assetById(ctx.db, assetId, opts) : undefined;
  if (!a || !visibleTo(ctx.principal, a)) throw new NotFoundError("asset of community value");
  return a;
}

/** An entry with every clock, as the viewer may see it. 404 for one they may not. */
export async function assetView(ctx: Ctx, assetId: string): Promise<AssetView> {
  const a = await assetFor(ctx, assetId);
  const [v] = await viewsOf(ctx, [a], true);
  return v as AssetView;
}

// The register

export const REGISTER_LISTS = ["listed", "unsuccessful"] as const;
export type RegisterList = (typeof REGISTER_LISTS)[number];

const STATUSES_OF: Record<RegisterList, readonly AssetStatus[]> = {
  listed: ["listed"],
  unsuccessful: ["unsuccessful", "removed"],
};

export interface RegisterQuery {
  q?: string;
  list?: string;
  authorityId?: string;
  page?: string | number;
}

export interface RegisterPage {
  entries: AssetView[];
  total: number;
  page: number;
  pages: number;
  list: RegisterList;
  q: string;
}

/** A page of the public register: the listed assets, or the unsuccessful nominations; searched by name, area, address or postcode. */
export async function searchRegister(
  ctx: Ctx,
  query: RegisterQuery,
  opts: { limit?: number } = {},
): Promise<RegisterPage> {
  const list: RegisterList = query.list === "unsuccessful" ? "unsuccessful" : "listed";
  const q = text(query.q).slice(0, 100);
  const page = Math.max(1, Math.min(10_000, Math.floor(Number(query.page) || 1)));
  const limit = opts.limit ?? PAGE_SIZE;
  const authorityId = query.authorityId && isUuid(query.authorityId) ? query.authorityId : undefined;
  const { rows, total } = await repo.searchAssets(ctx.db, {
    q,
    statuses: STATUSES_OF[list],
    ...(authorityId ? { authorityId } : {}),
    limit,
    offset: (page - 1) * limit,
  });
  return {
    entries: await viewsOf(ctx, rows, false),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / limit)),
    list,
    q,
  };
}

/** The council's nominations awaiting its decision (its people only: 403 for others). */
export async function nominationsToDecide(ctx: Ctx, authorityId: string): Promise<AssetView[]> {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  if (!isCouncilStaff(p, authority.id))
    throw new ForbiddenError(msg`Only the council's commissioners and administrators decide nominations.`);
  return viewsOf(ctx, await repo.nominationsAwaiting(ctx.db, authority.id, MAP_LIMIT), false);
}

/** The parish councils and community groups the signed-in person acts for (the bid form's choice). */
export async function myCommunityGroups(ctx: Ctx): Promise<{ id: string; name: string }[]> {
  const orgs = await organisationsByIds(ctx.db, await communityGroupsOf(ctx, ctx.principal));
  return [...orgs.values()].map((o) => ({ id: o.id, name: o.name }));
}

// Nominating

/** What the nomination form offers: the groups the person nominates for. 403 for anyone who does not nominate. */
/**
 * Refuses (422) a nomination to a council outside England: Part 5 Chapter 3 of the Localism Act 2011
 * (assets of community value) is in force in England only. An authority whose country is not
 * recorded is not taken to be in England.
 */
export function assertKeepsAssetList(authority: Pick<Authority, "name" | "country">): void {
  if (authority.country === "england") return;
  const message =
    authority.country === null
      ? msg`OpenPS does not know whether ${authority.name} is in England, and lists of assets of community value are kept by councils in England only. A platform administrator needs to record which country it is in.`
      : msg`${authority.name} keeps no list of assets of community value: the Localism Act 2011's community right to bid applies in England only.`;
  throw new UnprocessableError(message, [], "not_in_england");
}

export async function nominationFormFor(ctx: Ctx, authorityId: string) {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  const groups = await communityGroupsOf(ctx, p);
  if (groups.length === 0) throw new ForbiddenError(NOT_A_GROUP());
  assertKeepsAssetList(authority);
  const orgs = await organisationsByIds(ctx.db, groups);
  return { groups: [...orgs.values()].map((o) => ({ id: o.id, name: o.name })) };
}

/** Nominates a building or land to the council's list (audited `community-asset.nominated`). */
export async function nominate(
  ctx: Ctx,
  authorityId: string,
  input: NominateInput,
  opts: { /** A fixed id (the demo seed). */ id?: string } = {},
): Promise<AssetView> {
  const p = requireSignedIn(ctx.principal);
  const authority = await authorityById(ctx.db, authorityId);
  const group = await groupActingFor(ctx, p, text(input.organisationId) || undefined);
  assertKeepsAssetList(authority);
  const checked = await checkedNomination(ctx, input);
  const now = ctx.clock.now();
  const today = londonToday(ctx.clock);
  const row = await transaction(ctx.db, async (trx) => {
    const same = (await repo.activeEntriesNamed(trx, authority.id, checked.name, checked.postcode)).find(
      (a) => a.status === "nominated" || (a.listed_on !== null && today <= listingEnds(a.listed_on)),
    );
    if (same)
      throw new ConflictError(
        same.status === "nominated"
          ? msg`${same.name} at ${same.postcode} is already nominated to ${authority.name}, received on ${longDate(same.received_on)}: the council decides it by ${longDate(decisionDue(same.received_on))}.`
          : msg`${same.name} at ${same.postcode} is already on ${authority.name}'s list, until ${longDate(listingEnds(same.listed_on as string))}: it can be nominated again when the listing ends.`,
        "already_nominated",
      );
    const inserted = await repo.insertAsset(trx, {
      authority_id: authority.id,
      id: opts.id ?? newId(),
      ...checked,
      nominator_organisation_id: group,
      nominated_by: p.userId,
      received_on: today,
      status: "nominated",
      decided_on: null,
      decision_reasons: null,
      owner_told_on: null,
      listed_on: null,
      review_requested_on: null,
      review_decided_on: null,
      review_outcome: null,
      review_reasons: null,
      appeal_lodged_on: null,
      appeal_outcome: null,
      removed_on: null,
      withdrawn_on: null,
      withdrawal_reasons: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: authority.id,
      actor: actorOf(p),
      action: "community-asset.nominated",
      entity: { type: "community-asset", id: inserted.id },
      changes: {
        name: inserted.name,
        organisationId: group,
        receivedOn: today,
        decisionDue: decisionDue(today),
      },
    });
    for (const userId of await commissioningPeople(trx, authority.id))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId: authority.id,
          kind: "community-asset.nominated",
          subject: msg`Nomination of ${inserted.name} as an asset of community value`.slice(0, 200),
          body: msg`A nomination of ${inserted.name} was received on ${longDate(today)}. The council's decision is due by ${longDate(decisionDue(today))}.`,
          link: `/community-assets/${inserted.id}`,
        },
        { email: true, actor: actorOf(p) },
      );
    return inserted;
  });
  const [v] = await viewsOf(ctx, [row], true);
  return v as AssetView;
}

// The council's actions

export interface DecisionInput {
  outcome?: string;
  reasons?: string;
}
export interface DatedInput {
  on?: string;
}
export interface ReviewDecisionInput {
  outcome?: string;
  reasons?: string;
}
export interface AppealInput {
  lodgedOn?: string;
  outcome?: string;
}
export interface ExemptInput {
  ground?: string;
  on?: string;
}
export interface SaleInput {
  on?: string;
  toCommunityGroup?: boolean;
}

/**
 * Runs one of the council's actions on an entry: 404 unknown, then 403 for anyone but the council's
 * people, then the change (checked against the row locked) with its audit record, in one transaction.
 */
async function councilAction(
  ctx: Ctx,
  assetId: string,
  action: string,
  change: (
    a: CommunityAsset,
    today: string,
    trx: Ctx["db"],
    disposals: Disposal[],
  ) => Promise<{ row?: Partial<CommunityAsset>; audit: Record<string, unknown>; tell?: GroupNotice }>,
): Promise<AssetView> {
  const p = requireSignedIn(ctx.principal);
  const found = await assetFor(ctx, assetId);
  if (!isCouncilStaff(p, found.authority_id))
    throw new ForbiddenError(
      msg`Only the council's commissioners and administrators record what happens to an asset on its list.`,
    );
  const today = londonToday(ctx.clock);
  const now = ctx.clock.now();
  const updated = await transaction(ctx.db, async (trx) => {
    const a = await repo.assetById(trx, found.id, { lock: true });
    if (!a) throw new NotFoundError("asset of community value");
    const disposals = await repo.disposalsOf(trx, [a.id]);
    const done = await change(a, today, trx, disposals);
    const row = await repo.updateAsset(trx, a.authority_id, a.id, { ...(done.row ?? {}), updated_at: now });
    await recordAudit(trx, ctx.clock, {
      authorityId: a.authority_id,
      actor: actorOf(p),
      action: `community-asset.${action}`,
      entity: { type: "community-asset", id: a.id },
      changes: done.audit,
    });
    if (done.tell) await tellNominators(trx, ctx, a, done.tell);
    return row;
  });
  const [v] = await viewsOf(ctx, [updated], true);
  return v as AssetView;
}

/** What the council did with a nomination, for the nominating group. */
export interface GroupNotice {
  subject: string;
  body: string;
}

/** The nominating group's people told, in their inbox and by email (not the person acting). */
export async function tellNominators(trx: Trx, ctx: Ctx, a: CommunityAsset, n: GroupNotice): Promise<void> {
  for (const userId of await organisationPeople(trx, a.nominator_organisation_id)) {
    if (userId === ctx.principal?.userId) continue;
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: a.authority_id,
        organisationId: a.nominator_organisation_id,
        kind: "community-asset.progressed",
        subject: n.subject.slice(0, 200),
        body: n.body,
        link: `/community-assets/${a.id}`,
      },
      { email: true, actor: actorIn(ctx) },
    );
  }
}

/** The council's decision on a nomination: listed for 5 years, or not, with its reasons; the owner told the same day. */
export function decideNomination(ctx: Ctx, assetId: string, input: DecisionInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "decided", async (a, today) => {
    const outcome = text(input.outcome);
    const reasons = text(input.reasons);
    const problems: FieldError[] = [];
    if (outcome !== "listed" && outcome !== "unsuccessful")
      problems.push({ field: "outcome", message: msg`Choose whether the council lists it or not` });
    if (reasons === "" || reasons.length > LIMITS.reasons)
      problems.push({
        field: "reasons",
        message: msg`Give the council's reasons, in ${LIMITS.reasons} characters or fewer`,
      });
    refuseIf(problems);
    if (a.status !== "nominated") throw new ConflictError(msg`This nomination has been decided already.`);
    const listed = outcome === "listed";
    return {
      row: {
        status: listed ? "listed" : "unsuccessful",
        decided_on: today,
        decision_reasons: reasons,
        owner_told_on: today,
        listed_on: listed ? today : null,
      },
      audit: {
        outcome,
        decidedOn: today,
        late: today > decisionDue(a.received_on),
        ...(listed ? { listingEnds: listingEnds(today) } : {}),
      },
      tell: listed
        ? {
            subject: msg`${a.name} is listed as an asset of community value`,
            body: msg`The council listed ${a.name} on ${longDate(today)}, for 5 years: until ${longDate(listingEnds(today))}. Its reasons: ${reasons}`,
          }
        : {
            subject: msg`${a.name} is not listed as an asset of community value`,
            body: msg`The council decided on ${longDate(today)} not to list ${a.name}; it is on the council's list of unsuccessful nominations. Its reasons: ${reasons}`,
          },
    };
  });
}

/** The owner's request for a review, recorded by the council with the day it was asked: within 8 weeks of the notice of listing. */
export function recordReviewRequest(ctx: Ctx, assetId: string, input: DatedInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "review-requested", async (a, today) => {
    if (a.status !== "listed" || !a.owner_told_on) throw new ConflictError(msg`Only a listing is reviewed.`);
    if (a.review_requested_on) throw new ConflictError(msg`The owner has asked for a review already.`);
    const problems: FieldError[] = [];
    const on = checkedDate(problems, "on", input.on, today, a.owner_told_on);
    refuseIf(problems);
    const by = reviewRequestBy(a.owner_told_on);
    if (on > by)
      throw new ConflictError(
        msg`A review had to be asked for by ${longDate(by)}, 8 weeks from the notice of listing: this request was too late.`,
        "conflict",
        [{ field: "on", message: msg`A review had to be asked for by ${longDate(by)}` }],
      );
    return {
      row: { review_requested_on: on },
      audit: { requestedOn: on, decisionDue: reviewDecisionDue(on) },
    };
  });
}

/** The council's review decision: the listing kept or removed, with its reasons. */
export function decideReview(ctx: Ctx, assetId: string, input: ReviewDecisionInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "review-decided", async (a, today) => {
    const outcome = text(input.outcome);
    const reasons = text(input.reasons);
    const problems: FieldError[] = [];
    if (outcome !== "kept" && outcome !== "removed")
      problems.push({ field: "outcome", message: msg`Choose whether the listing is kept or removed` });
    if (reasons === "" || reasons.length > LIMITS.reasons)
      problems.push({
        field: "reasons",
        message: msg`Give the review's reasons, in ${LIMITS.reasons} characters or fewer`,
      });
    refuseIf(problems);
    if (!a.review_requested_on || a.review_decided_on)
      throw new ConflictError(msg`There is no review waiting for a decision.`);
    const removed = outcome === "removed";
    return {
      row: {
        review_decided_on: today,
        review_outcome: outcome as "kept" | "removed",
        review_reasons: reasons,
        ...(removed ? { status: "removed" as const, removed_on: today } : {}),
      },
      audit: { outcome, decidedOn: today, late: today > reviewDecisionDue(a.review_requested_on) },
      tell: removed
        ? {
            subject: msg`${a.name} is removed from the list after the owner's review`,
            body: msg`On the owner's review, the council removed ${a.name} from its list on ${longDate(today)}. Its reasons: ${reasons}`,
          }
        : {
            subject: msg`${a.name} stays on the list after the owner's review`,
            body: msg`On the owner's review, the council kept ${a.name} on its list on ${longDate(today)}. Its reasons: ${reasons}`,
          },
    };
  });
}

/** The owner's appeal to the First-tier Tribunal: lodged (within 28 days of the review), then its outcome. */
export function recordAppeal(ctx: Ctx, assetId: string, input: AppealInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "appeal-recorded", async (a, today) => {
    if (a.review_outcome !== "kept" || !a.review_decided_on || a.status !== "listed")
      throw new ConflictError(msg`An appeal follows a review that kept the listing.`);
    const outcome = text(input.outcome) || "pending";
    const problems: FieldError[] = [];
    if (outcome !== "pending" && outcome !== "dismissed" && outcome !== "allowed")
      problems.push({
        field: "outcome",
        message: msg`Choose the appeal's outcome: waiting, dismissed or allowed`,
      });
    if (a.appeal_lodged_on === null) {
      const on = checkedDate(problems, "lodgedOn", input.lodgedOn, today, a.review_decided_on);
      refuseIf(problems);
      const by = appealBy(a.review_decided_on);
      if (on > by)
        throw new ConflictError(
          msg`An appeal had to be lodged by ${longDate(by)}, 28 days after the review's decision.`,
          "conflict",
          [{ field: "lodgedOn", message: msg`An appeal had to be lodged by ${longDate(by)}` }],
        );
      return {
        row: {
          appeal_lodged_on: on,
          appeal_outcome: outcome as "pending",
          ...(outcome === "allowed" ? { status: "removed" as const, removed_on: today } : {}),
        },
        audit: { lodgedOn: on, outcome },
      };
    }
    refuseIf(problems);
    if (a.appeal_outcome !== "pending")
      throw new ConflictError(msg`The appeal's outcome is recorded already.`);
    if (outcome === "pending")
      throw new ValidationError(msg`Choose the appeal's outcome: dismissed or allowed`, [
        { field: "outcome", message: msg`Choose the appeal's outcome: dismissed or allowed` },
      ]);
    return {
      row: {
        appeal_outcome: outcome as "dismissed" | "allowed",
        ...(outcome === "allowed" ? { status: "removed" as const, removed_on: today } : {}),
      },
      audit: { outcome },
    };
  });
}

function mustBeListed(a: CommunityAsset, on: string): void {
  if (a.status !== "listed" || !a.listed_on || on < a.listed_on || on > listingEnds(a.listed_on))
    throw new ConflictError(
      msg`The land was not on the list that day: the moratorium applies only to listed land.`,
    );
}

/** The owner's notice of an intended sale, received by the council on a day: the interim moratorium begins. */
export function recordNotice(ctx: Ctx, assetId: string, input: DatedInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "notice-recorded", async (a, today, trx, disposals) => {
    const problems: FieldError[] = [];
    const on = checkedDate(problems, "on", input.on, today, a.listed_on);
    refuseIf(problems);
    mustBeListed(a, on);
    const latest = latestNotice(disposals);
    if (latest && latest.disposed_on === null) {
      const dates = disposalDates(latest.notice_on as string);
      if (on <= dates.protectedEnds)
        throw new ConflictError(
          msg`A notice given on ${longDate(dates.noticeOn)} runs until ${longDate(dates.protectedEnds)}: no new moratorium starts before its protected period ends.`,
        );
    }
    const id = newId();
    await repo.insertDisposal(trx, {
      authority_id: a.authority_id,
      id,
      asset_id: a.id,
      kind: "notice",
      notice_on: on,
      bid_requested_on: null,
      bidder_organisation_id: null,
      exempt_ground: null,
      disposed_on: null,
      sold_to_community_group: null,
      recorded_by: ctx.principal?.userId ?? null,
      recorded_at: ctx.clock.now(),
    });
    const dates = disposalDates(on);
    return {
      audit: { disposalId: id, ...dates },
      tell: {
        subject: msg`Notice of an intended sale of ${a.name}`,
        body: msg`The owner's notice of an intended sale of ${a.name} was received on ${longDate(on)}. A community group may ask to be treated as a potential bidder until ${longDate(dates.interimEnds)}, the end of the interim moratorium; if one does, the owner may not sell before ${longDate(dates.fullEnds)} except to a community group.`,
      },
    };
  });
}

/** An exempt disposal with its ground (no notice, no moratorium). */
export function recordExemptDisposal(ctx: Ctx, assetId: string, input: ExemptInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "exempt-disposal-recorded", async (a, today, trx) => {
    const problems: FieldError[] = [];
    const ground = text(input.ground);
    if (!isExemptGround(ground))
      problems.push({ field: "ground", message: msg`Choose the ground on which the disposal is exempt` });
    const on = checkedDate(problems, "on", input.on, today, a.listed_on);
    refuseIf(problems);
    mustBeListed(a, on);
    const id = newId();
    await repo.insertDisposal(trx, {
      authority_id: a.authority_id,
      id,
      asset_id: a.id,
      kind: "exempt",
      notice_on: null,
      bid_requested_on: null,
      bidder_organisation_id: null,
      exempt_ground: ground,
      disposed_on: on,
      sold_to_community_group: null,
      recorded_by: ctx.principal?.userId ?? null,
      recorded_at: ctx.clock.now(),
    });
    return { audit: { disposalId: id, ground, disposedOn: on } };
  });
}

/**
 * A sale completed after a notice: while a moratorium runs (interim or full) only to a community
 * group; in the protected period to anyone; before a notice or after the protected period, refused
 * (a new notice is needed).
 */
export function recordSale(ctx: Ctx, assetId: string, input: SaleInput): Promise<AssetView> {
  return councilAction(ctx, assetId, "sale-recorded", async (a, today, trx, disposals) => {
    const problems: FieldError[] = [];
    const latest = latestNotice(disposals);
    const on = checkedDate(problems, "on", input.on, today, latest?.notice_on ?? a.listed_on);
    refuseIf(problems);
    mustBeListed(a, on);
    if (!latest || latest.disposed_on !== null)
      throw new ConflictError(
        msg`The owner must give the council notice of an intended sale first: record the notice, then the sale.`,
      );
    const dates = disposalDates(latest.notice_on as string);
    const standing = disposalStanding(dates, latest.bid_requested_on, on);
    const toGroup = input.toCommunityGroup === true;
    if (standing === "ended")
      throw new ConflictError(
        msg`The protected period of the notice given on ${longDate(dates.noticeOn)} ended on ${longDate(dates.protectedEnds)}: a sale now needs a new notice.`,
      );
    if (!mayCompleteSale(standing) && !toGroup) {
      const until = standing === "full" ? dates.fullEnds : dates.interimEnds;
      throw new ConflictError(
        msg`A moratorium runs until ${longDate(until)}: until then the owner may sell only to a community interest group.`,
        "conflict",
        [
          {
            field: "toCommunityGroup",
            message: msg`Until ${longDate(until)} the land may be sold only to a community interest group`,
          },
        ],
      );
    }
    await repo.updateDisposal(trx, a.authority_id, latest.id, {
      disposed_on: on,
      sold_to_community_group: toGroup,
    });
    return { audit: { disposalId: latest.id, soldOn: on, standing, toCommunityGroup: toGroup } };
  });
}

export interface WithdrawalInput {
  reasons?: string;
}

/**
 * The nominating group withdraws its nomination before the council decides it (its administrators
 * and members; 403 for anyone else who sees it, 409 once decided). The council's people are told;
 * the entry is kept, withdrawn, for the council and the group, never on the public register.
 */
export async function withdrawNomination(
  ctx: Ctx,
  assetId: string,
  input: WithdrawalInput = {},
): Promise<AssetView> {
  const p = requireSignedIn(ctx.principal);
  const found = await assetFor(ctx, assetId);
  if (!hasRole(p, [...ORGANISATION_ROLES], found.nominator_organisation_id))
    throw new ForbiddenError(msg`Only the people of the group that nominated it may withdraw a nomination.`);
  const reasons = text(input.reasons);
  if (reasons.length > LIMITS.withdrawalReasons)
    throw new ValidationError(msg`Shorten the reason to ${LIMITS.withdrawalReasons} characters or fewer`, [
      {
        field: "reasons",
        message: msg`Shorten the reason to ${LIMITS.withdrawalReasons} characters or fewer`,
      },
    ]);
  const today = londonToday(ctx.clock);
  const updated = await transaction(ctx.db, async (trx) => {
    const a = await repo.assetById(trx, found.id, { lock: true });
    if (!a) throw new NotFoundError("asset of community value");
    if (a.status !== "nominated")
      throw new ConflictError(msg`The council has decided this nomination already: it cannot be withdrawn.`);
    const row = await repo.updateAsset(trx, a.authority_id, a.id, {
      status: "withdrawn",
      withdrawn_on: today,
      withdrawal_reasons: reasons === "" ? null : reasons,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: a.authority_id,
      actor: actorOf(p),
      action: "community-asset.withdrawn",
      entity: { type: "community-asset", id: a.id },
      changes: { withdrawnOn: today, organisationId: a.nominator_organisation_id },
    });
    for (const userId of await commissioningPeople(trx, a.authority_id))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId: a.authority_id,
          kind: "community-asset.nominated",
          subject: msg`Nomination of ${a.name} withdrawn`.slice(0, 200),
          body:
            reasons === ""
              ? msg`The group that nominated ${a.name} withdrew its nomination on ${longDate(today)}: there is nothing to decide.`
              : msg`The group that nominated ${a.name} withdrew its nomination on ${longDate(today)}: there is nothing to decide. Its reason: ${reasons}`,
          link: `/community-assets/${a.id}`,
        },
        { email: true, actor: actorOf(p) },
      );
    return row;
  });
  const [v] = await viewsOf(ctx, [updated], true);
  return v as AssetView;
}

/**
 * A community group's written request to be treated as a potential bidder, made today: within the
 * interim moratorium it starts the full moratorium (6 months from the notice); after it, 409.
 */
export async function requestToBid(
  ctx: Ctx,
  assetId: string,
  input: { organisationId?: string } = {},
): Promise<AssetView> {
  const p = requireSignedIn(ctx.principal);
  const found = await assetFor(ctx, assetId);
  const group = await groupActingFor(ctx, p, text(input.organisationId) || undefined);
  const today = londonToday(ctx.clock);
  const updated = await transaction(ctx.db, async (trx) => {
    const a = await repo.assetById(trx, found.id, { lock: true });
    if (!a) throw new NotFoundError("asset of community value");
    const latest = latestNotice(await repo.disposalsOf(trx, [a.id]));
    if (a.status !== "listed" || !latest || latest.disposed_on !== null)
      throw new ConflictError(
        msg`The owner has not given notice of an intended sale: there is nothing to bid for yet.`,
      );
    const dates = disposalDates(latest.notice_on as string);
    if (latest.bid_requested_on)
      throw new ConflictError(
        msg`A community group asked to be treated as a bidder already: the full moratorium runs until ${longDate(dates.fullEnds)}.`,
      );
    if (!(today >= dates.noticeOn && today <= dates.interimEnds))
      throw new ConflictError(
        msg`Requests to be treated as a bidder had to be made by ${longDate(dates.interimEnds)}, the end of the interim moratorium (6 weeks from the notice).`,
      );
    await repo.updateDisposal(trx, a.authority_id, latest.id, {
      bid_requested_on: today,
      bidder_organisation_id: group,
    });
    const row = await repo.updateAsset(trx, a.authority_id, a.id, { updated_at: ctx.clock.now() });
    await recordAudit(trx, ctx.clock, {
      authorityId: a.authority_id,
      actor: actorOf(p),
      action: "community-asset.bid-requested",
      entity: { type: "community-asset", id: a.id },
      changes: { disposalId: latest.id, organisationId: group, requestedOn: today, fullEnds: dates.fullEnds },
    });
    return row;
  });
  const [v] = await viewsOf(ctx, [updated], true);
  return v as AssetView;
}

// Open data (the datasets module's catalogue: the `community-assets` dataset)

/** The register's entries after an id, in id order, as the public sees them (no owner who is a person). */
export async function registerEntriesAfter(
  ctx: Ctx,
  afterId: string | undefined,
  limit: number,
): Promise<AssetView[]> {
  const rows = await repo.decidedAfter(ctx.db, afterId, limit);
  return viewsOf({ ...ctx, principal: null }, rows, false);
}

/** When the register last changed (null while it has no entry). */
export function latestRegisterEntryChange(ctx: Pick<Ctx, "db">): Promise<Date | null> {
  return repo.latestChange(ctx.db);
}
