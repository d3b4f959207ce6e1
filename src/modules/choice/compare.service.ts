/**
 * Comparing a list's providers (issue 17, item 5's finding part): a list's page shows its members
 * a page at a time — lowest price first, most capacity first, or by name — each with its registered
 * locations for the service in the list's areas and their current ratings (regulation's Find a
 * service), its price against the tariff, its capacity with the date it said so, and feedback from
 * other users (the `memberFeedback` port, which the voice module will fill); 2 or 3 members side
 * by side. A provider's lists and offers; the lists on a provider's profile. Public, except drafts.
 *
 * Distance: Find a service knows postcodes and areas but no coordinates, so no distance is shown;
 * each location's town, postcode and area are.
 */
import type { Db } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import type { Clock } from "../../lib/clock.ts";
import { type FieldError, ValidationError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { collect, type Panel } from "../../lib/ports.ts";
import { hasRole, isAuthorityEditor } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { organisationNamesOf } from "../organisations/organisations.service.ts";
import { currentLocationsFor } from "../regulation/find.service.ts";
import type { LocationRow } from "../regulation/regulation.service.ts";
import { type FeedbackSummary, memberFeedback } from "./choice.ports.ts";
import * as repo from "./choice.repository.ts";
import { type ListView, listOf, moneyText } from "./choice.service.ts";
import { OFFER_ROLES } from "./members.service.ts";

export { MEMBER_SORTS, type MemberSort } from "./choice.repository.ts";

/** A list's page shows 20 members a page. */
export const MEMBERS_PAGE_SIZE = 20;
/** Up to three providers side by side. */
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 3;

export interface MemberLocation {
  id: string;
  regulatorId: string;
  name: string;
  town: string;
  postcode: string;
  areaName: string;
  rating: string | null;
  ratedOn: string | null;
}

export interface MemberView {
  organisationId: string;
  name: string;
  pricePence: bigint;
  priceText: string;
  /** Against the tariff: its own price below or above it, or the tariff itself. */
  priceAgainstTariff: "below" | "tariff" | "above";
  capacity: number | null;
  capacityUnit: string | null;
  capacityStatedOn: string | null;
  locations: MemberLocation[];
  feedback: FeedbackSummary | null;
}

function locationOf(row: LocationRow): MemberLocation {
  return {
    id: row.id,
    regulatorId: row.regulator_id,
    name: row.name,
    town: row.town,
    postcode: row.postcode,
    areaName: row.area_name,
    rating: row.current_overall,
    ratedOn: row.current_inspected_on,
  };
}

/** Members as pages show them: with their locations, ratings and feedback. */
async function memberViews(ctx: Ctx, list: ListView, rows: repo.MemberRow[]): Promise<MemberView[]> {
  const ids = rows.map((r) => r.organisation_id);
  const [locations, feedback] = await Promise.all([
    currentLocationsFor(
      ctx,
      ids,
      list.category_code,
      list.areas.map((a) => a.code),
    ),
    collect(memberFeedback, ctx, ids).then((answers) => answers.flat()),
  ]);
  return rows.map((row) => {
    const price = row.price_pence ?? list.tariff_pence;
    return {
      organisationId: row.organisation_id,
      name: row.organisation_name,
      pricePence: price,
      priceText: moneyText(price),
      priceAgainstTariff:
        price < list.tariff_pence ? "below" : price > list.tariff_pence ? "above" : "tariff",
      capacity: row.capacity,
      capacityUnit: row.capacity_unit,
      capacityStatedOn: row.capacity_stated_on,
      locations: locations.filter((l) => l.organisation_id === row.organisation_id).map(locationOf),
      feedback: feedback.find((f) => f.organisationId === row.organisation_id) ?? null,
    };
  });
}

export interface ListPage {
  list: ListView;
  members: MemberView[];
  sort: repo.MemberSort;
  next: string | undefined;
  /** The organisations this person administers that may ask to join (not members). */
  canJoin: boolean;
  /** The members this person acts for: their offer and leaving. */
  actsFor: string[];
  canEdit: boolean;
}

const MEMBER_KEY = ["string", "string", "string"] as const;

/** A list's page: its members a page at a time in the order chosen. Public (a draft: its editors only). */
export async function listPage(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  query: { sort?: string | undefined; after?: string | undefined; pageSize?: number | undefined },
): Promise<ListPage> {
  const list = await listOf(ctx, authorityId, listId);
  const sort = (repo.MEMBER_SORTS as readonly string[]).includes(query.sort ?? "")
    ? (query.sort as repo.MemberSort)
    : "price";
  const key = decodeKey(query.after, MEMBER_KEY, "after");
  const pageSize = Math.min(Math.max(1, Math.trunc(query.pageSize ?? MEMBERS_PAGE_SIZE)), 100);
  const rows = await repo.membersPage(
    ctx.db,
    list,
    sort,
    pageSize + 1,
    key ? [String(key[0]), String(key[1]), String(key[2])] : undefined,
  );
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  const principal = ctx.principal;
  return {
    list,
    members: await memberViews(ctx, list, page),
    sort,
    next:
      rows.length > pageSize && last
        ? encodeKey([String(last.sort_value), last.sort_name, last.organisation_id])
        : undefined,
    canJoin: list.status === "open" && (principal?.grants ?? []).some((g) => g.role === "organisation-admin"),
    actsFor: page
      .filter(
        (m) =>
          hasRole(principal, [...OFFER_ROLES], m.organisation_id) && !hasRole(principal, "platform-admin"),
      )
      .map((m) => m.organisation_id),
    canEdit: isAuthorityEditor(principal, authorityId),
  };
}

export interface ComparePage {
  list: ListView;
  members: MemberView[];
  problems: FieldError[];
}

/** What is wrong with a choice of members to compare, or nothing. */
function choiceProblem(ids: readonly string[]): FieldError | null {
  if (ids.length < COMPARE_MIN || ids.length > COMPARE_MAX)
    return {
      field: "organisations",
      message: msg`Tick ${COMPARE_MIN} or ${COMPARE_MAX} providers to compare`,
    };
  return null;
}

/**
 * 2 or 3 members of a list side by side, or what is wrong with the choice (nothing chosen yet: no
 * problem and no members). Public.
 */
export async function comparePage(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  chosen: readonly string[],
): Promise<ComparePage> {
  const list = await listOf(ctx, authorityId, listId);
  const ids = [...new Set(chosen.map((i) => i.trim()).filter((i) => i !== ""))];
  if (ids.length === 0) return { list, members: [], problems: [] };
  const problem = choiceProblem(ids);
  if (problem) return { list, members: [], problems: [problem] };
  const rows = await repo.membersOf(ctx.db, authorityId, listId, ids.filter(isUuid));
  if (rows.length !== ids.length)
    return {
      list,
      members: [],
      problems: [
        { field: "organisations", message: msg`Choose providers on this list: one of them is not on it` },
      ],
    };
  return { list, members: await memberViews(ctx, list, rows), problems: [] };
}

/** 2 or 3 members side by side (400 naming the field otherwise). Public. */
export async function compareMembers(
  ctx: Ctx,
  authorityId: string,
  listId: string,
  chosen: readonly string[],
): Promise<ComparePage> {
  const page = await comparePage(ctx, authorityId, listId, chosen);
  const problem = chosen.length === 0 ? choiceProblem([]) : page.problems[0];
  if (problem) throw new ValidationError(msg`Check the providers to compare`, [problem]);
  return page;
}

export interface Membership {
  list: repo.ListRow;
  status: "member" | "left";
  joinedAt: Date;
  leftAt: Date | null;
  leftReason: string;
  capacity: number | null;
  capacityUnit: string | null;
  capacityStatedOn: string | null;
  priceText: string;
  ownPrice: boolean;
}

/** The lists an organisation is on (and has left), newest first, with its offers. Public facts. */
export async function providerLists(
  ctx: Ctx,
  organisationId: string,
): Promise<{ organisation: { id: string; name: string } | undefined; memberships: Membership[] }> {
  const organisation = isUuid(organisationId)
    ? (await organisationNamesOf(ctx.db, [organisationId]))[0]
    : undefined;
  if (!organisation) return { organisation, memberships: [] };
  const rows = await repo.membershipsOf(ctx.db, organisationId, ["member", "left"], 200);
  return {
    organisation,
    memberships: rows.map((r) => ({
      list: r.list,
      status: r.status,
      joinedAt: r.joined_at,
      leftAt: r.left_at,
      leftReason: r.left_reason,
      capacity: r.capacity,
      capacityUnit: r.capacity_unit,
      capacityStatedOn: r.capacity_stated_on,
      priceText: moneyText(r.price_pence ?? r.list.tariff_pence),
      ownPrice: r.price_pence !== null,
    })),
  };
}

/**
 * The open lists a provider is on: a panel on its public profile (plugged into the organisations
 * module's `profilePanels` port). Nothing when it is on none.
 */
export async function choiceProfilePanel(
  db: Db,
  clock: Clock,
  organisationId: string,
): Promise<Panel | undefined> {
  const { memberships } = await providerLists({ db, clock, principal: null }, organisationId);
  const current = memberships.filter((m) => m.status === "member" && m.list.status === "open");
  if (current.length === 0) return undefined;
  return { template: "choice/views/partials/profile-lists.njk", context: { choiceLists: current } };
}
