/** The approved-provider lists' SQL. Every function takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type {
  ChoiceList,
  ChoiceMember,
  ListStatus,
  NewChoiceList,
  NotAddedSupplier,
  OfferCapacityUnit,
} from "./choice.table.ts";

/** A list with the names it refers to, for pages and the API. */
export interface ListRow extends ChoiceList {
  category_name: string;
  category_reservable: boolean;
  authority_name: string;
  authority_slug: string;
}

function lists(db: Db) {
  return db
    .selectFrom("choice_lists as l")
    .innerJoin("service_categories as c", "c.code", "l.category_code")
    .innerJoin("authorities as a", "a.id", "l.authority_id")
    .selectAll("l")
    .select([
      "c.name as category_name",
      "c.reservable as category_reservable",
      "a.name as authority_name",
      "a.slug as authority_slug",
    ]);
}

export async function insertList(trx: Trx, list: NewChoiceList, areaCodes: readonly string[]): Promise<void> {
  await trx.insertInto("choice_lists").values(list).execute();
  await trx
    .insertInto("choice_list_areas")
    .values(areaCodes.map((area_code) => ({ authority_id: list.authority_id, list_id: list.id, area_code })))
    .execute();
}

export function findList(db: Db, authorityId: string, id: string): Promise<ListRow | undefined> {
  return lists(db).where("l.authority_id", "=", authorityId).where("l.id", "=", id).executeTakeFirst();
}

/** The list, locked for a change in this transaction. */
export function lockList(trx: Trx, authorityId: string, id: string): Promise<ChoiceList | undefined> {
  return trx
    .selectFrom("choice_lists")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
}

export async function setListStatus(
  trx: Trx,
  authorityId: string,
  id: string,
  change: { status: ListStatus; at: Date; reason?: string },
): Promise<void> {
  await trx
    .updateTable("choice_lists")
    .set({
      status: change.status,
      updated_at: change.at,
      ...(change.status === "open" ? { published_at: change.at } : {}),
      ...(change.status === "closed" ? { closed_at: change.at, closed_reason: change.reason ?? "" } : {}),
    })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

export async function addToMemberCount(trx: Trx, authorityId: string, id: string, by: number): Promise<void> {
  await trx
    .updateTable("choice_lists")
    .set({ member_count: sql`member_count + ${by}` })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The areas of each list, with their names, by list id. */
export async function areasOf(
  db: Db,
  keys: readonly (readonly [authorityId: string, listId: string])[],
): Promise<Map<string, { code: string; name: string }[]>> {
  const out = new Map<string, { code: string; name: string }[]>();
  if (keys.length === 0) return out;
  const rows = await db
    .selectFrom("choice_list_areas as la")
    .innerJoin("areas as ar", "ar.code", "la.area_code")
    .select(["la.list_id", "la.area_code as code", "ar.name"])
    .where((eb) =>
      eb.or(
        keys.map(([authorityId, listId]) =>
          eb.and([eb("la.authority_id", "=", authorityId), eb("la.list_id", "=", listId)]),
        ),
      ),
    )
    .orderBy("ar.name")
    .execute();
  for (const row of rows) {
    const areas = out.get(row.list_id) ?? [];
    areas.push({ code: row.code, name: row.name });
    out.set(row.list_id, areas);
  }
  return out;
}

export interface ListFilter {
  authorityId?: string;
  categoryCode?: string;
  areaCode?: string;
  /** Drafts are shown only to the authority's editors. */
  withDrafts?: boolean;
}

/** The lists meeting the filter, newest first (the key: created_at, id — both descending). */
function filteredLists(db: Db, filter: ListFilter) {
  let q = lists(db);
  if (filter.authorityId) q = q.where("l.authority_id", "=", filter.authorityId);
  if (filter.categoryCode) q = q.where("l.category_code", "=", filter.categoryCode);
  if (!filter.withDrafts) q = q.where("l.status", "<>", "draft");
  if (filter.areaCode) {
    const areaCode = filter.areaCode;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("choice_list_areas as la")
          .select("la.list_id")
          .where("la.area_code", "=", areaCode)
          .whereRef("la.authority_id", "=", "l.authority_id")
          .whereRef("la.list_id", "=", "l.id"),
      ),
    );
  }
  return q;
}

/** A page of lists, newest first, after the key of the one before it. */
export function listsPage(
  db: Db,
  filter: ListFilter,
  limit: number,
  after?: readonly [createdAt: string, id: string],
): Promise<ListRow[]> {
  let q = filteredLists(db, filter);
  if (after) q = q.where(sql<boolean>`(l.created_at, l.id) < (${new Date(after[0])}, ${after[1]})`);
  return q.orderBy("l.created_at", "desc").orderBy("l.id", "desc").limit(limit).execute();
}

/** The lists meeting the filter, as a query to count (capped by the caller). */
export function listsQuery(db: Db, filter: ListFilter) {
  return filteredLists(db, filter);
}

// Members

/** A member with its organisation's name. */
export interface MemberRow extends ChoiceMember {
  organisation_name: string;
}

export function findMember(
  db: Db,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<MemberRow | undefined> {
  return db
    .selectFrom("choice_members as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .selectAll("m")
    .select("o.name as organisation_name")
    .where("m.authority_id", "=", authorityId)
    .where("m.list_id", "=", listId)
    .where("m.organisation_id", "=", organisationId)
    .executeTakeFirst();
}

/** The member, locked for a change in this transaction. */
export function lockMember(
  trx: Trx,
  authorityId: string,
  listId: string,
  organisationId: string,
): Promise<ChoiceMember | undefined> {
  return trx
    .selectFrom("choice_members")
    .selectAll()
    .where("authority_id", "=", authorityId)
    .where("list_id", "=", listId)
    .where("organisation_id", "=", organisationId)
    .forUpdate()
    .executeTakeFirst();
}

/** Joins (or joins again, keeping its offer): a member from `at`; from an award, with its contract. */
export async function putMember(
  trx: Trx,
  key: { authorityId: string; listId: string; organisationId: string; contractId?: string },
  at: Date,
): Promise<void> {
  await trx
    .insertInto("choice_members")
    .values({
      authority_id: key.authorityId,
      list_id: key.listId,
      organisation_id: key.organisationId,
      status: "member",
      joined_at: at,
      left_at: null,
      left_reason: "",
      capacity: null,
      capacity_unit: null,
      capacity_stated_on: null,
      price_pence: null,
      offer_updated_at: null,
      contract_id: key.contractId ?? null,
    })
    .onConflict((oc) =>
      oc
        .columns(["authority_id", "list_id", "organisation_id"])
        .doUpdateSet({ status: "member", joined_at: at, left_at: null, left_reason: "" }),
    )
    .execute();
}

export async function setMemberLeft(
  trx: Trx,
  key: { authorityId: string; listId: string; organisationId: string },
  at: Date,
  reason: string,
): Promise<void> {
  await trx
    .updateTable("choice_members")
    .set({ status: "left", left_at: at, left_reason: reason })
    .where("authority_id", "=", key.authorityId)
    .where("list_id", "=", key.listId)
    .where("organisation_id", "=", key.organisationId)
    .execute();
}

export async function setOffer(
  trx: Trx,
  key: { authorityId: string; listId: string; organisationId: string },
  offer: {
    capacity: number | null;
    capacityUnit: OfferCapacityUnit | null;
    statedOn: string | null;
    pricePence: bigint | null;
    at: Date;
  },
): Promise<void> {
  await trx
    .updateTable("choice_members")
    .set({
      capacity: offer.capacity,
      capacity_unit: offer.capacityUnit,
      capacity_stated_on: offer.statedOn,
      price_pence: offer.pricePence,
      offer_updated_at: offer.at,
    })
    .where("authority_id", "=", key.authorityId)
    .where("list_id", "=", key.listId)
    .where("organisation_id", "=", key.organisationId)
    .execute();
}

export const MEMBER_SORTS = ["price", "capacity", "name"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

/** A member in a list's order, with its place in it (its page key). */
export type RankedMemberRow = MemberRow & { sort_value: string; sort_name: string };

/**
 * One page of a list's current members in the order chosen — lowest price first (its own, or the
 * tariff), most capacity first (none said: last), or by name — then by name and id: up to `limit`,
 * after the key of the one before. The list's members are read by its key (the primary key), and
 * only they are sorted.
 */
export function membersPage(
  db: Db,
  list: { authority_id: string; id: string; tariff_pence: bigint },
  sort: MemberSort,
  limit: number,
  after?: readonly [sortValue: string, sortName: string, organisationId: string],
): Promise<RankedMemberRow[]> {
  const value =
    sort === "price"
      ? sql<string>`coalesce(m.price_pence, ${list.tariff_pence})`
      : sort === "capacity"
        ? sql<string>`(-coalesce(m.capacity, -1))::bigint`
        : sql<string>`0::bigint`;
  const name = sql<string>`(lower(o.name) collate "C")`;
  let q = db
    .selectFrom("choice_members as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .selectAll("m")
    .select(["o.name as organisation_name", value.as("sort_value"), name.as("sort_name")])
    .where("m.authority_id", "=", list.authority_id)
    .where("m.list_id", "=", list.id)
    .where("m.status", "=", "member");
  if (after)
    q = q.where(
      sql<boolean>`(${value}, ${name}, m.organisation_id) > (${after[0]}::bigint, ${after[1]}, ${after[2]})`,
    );
  return q.orderBy(value).orderBy(name).orderBy("m.organisation_id").limit(limit).execute() as Promise<
    RankedMemberRow[]
  >;
}

/** These organisations' memberships of one list (compare), in the order of `organisationIds`. */
export async function membersOf(
  db: Db,
  authorityId: string,
  listId: string,
  organisationIds: readonly string[],
): Promise<MemberRow[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db
    .selectFrom("choice_members as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .selectAll("m")
    .select("o.name as organisation_name")
    .where("m.authority_id", "=", authorityId)
    .where("m.list_id", "=", listId)
    .where("m.organisation_id", "in", organisationIds)
    .where("m.status", "=", "member")
    .execute();
  return organisationIds.flatMap((id) => rows.filter((r) => r.organisation_id === id));
}

/** An organisation's memberships (current, or every one), with their lists, newest first. */
export interface MembershipRow extends MemberRow {
  list: ListRow;
}

export async function membershipsOf(
  db: Db,
  organisationId: string,
  statuses: readonly ("member" | "left")[],
  limit: number,
): Promise<MembershipRow[]> {
  const rows = await db
    .selectFrom("choice_members as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .selectAll("m")
    .select("o.name as organisation_name")
    .where("m.organisation_id", "=", organisationId)
    .where("m.status", "in", statuses)
    .orderBy("m.joined_at", "desc")
    .orderBy("m.list_id")
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const found = await lists(db)
    .where((eb) =>
      eb.or(rows.map((r) => eb.and([eb("l.authority_id", "=", r.authority_id), eb("l.id", "=", r.list_id)]))),
    )
    .execute();
  const byKey = new Map(found.map((l) => [`${l.authority_id}/${l.id}`, l]));
  return rows.flatMap((r) => {
    const list = byKey.get(`${r.authority_id}/${r.list_id}`);
    return list ? [{ ...r, list }] : [];
  });
}

// Lists from a tender's award

/** The award's suppliers not added to a list drafted from it, with why. */
export async function setNotAdded(
  trx: Trx,
  authorityId: string,
  id: string,
  notAdded: readonly NotAddedSupplier[],
): Promise<void> {
  await trx
    .updateTable("choice_lists")
    .set({ not_added: JSON.stringify(notAdded) })
    .where("authority_id", "=", authorityId)
    .where("id", "=", id)
    .execute();
}

/** The contracted rate the authority entered for a member of a list from an award. */
export async function setContractedPrice(
  trx: Trx,
  key: { authorityId: string; listId: string; organisationId: string },
  pricePence: bigint,
  at: Date,
): Promise<void> {
  await trx
    .updateTable("choice_members")
    .set({ price_pence: pricePence, offer_updated_at: at })
    .where("authority_id", "=", key.authorityId)
    .where("list_id", "=", key.listId)
    .where("organisation_id", "=", key.organisationId)
    .execute();
}

/**
 * A list's current members with the contracts they hold (a list from an award: one member for each
 * contract of the award, so few), by name: up to `limit`. Read by the list's key.
 */
export function contractMembersOf(db: Db, authorityId: string, listId: string, limit: number) {
  return db
    .selectFrom("choice_members as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select(["m.organisation_id", "o.name as organisation_name", "m.contract_id", "m.price_pence"])
    .where("m.authority_id", "=", authorityId)
    .where("m.list_id", "=", listId)
    .where("m.status", "=", "member")
    .orderBy("o.name")
    .orderBy("m.organisation_id")
    .limit(limit)
    .execute();
}
