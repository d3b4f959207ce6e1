/**
 * The area figures of choice (issue 17, item 9), choice's part: for an area (a GSS code), per
 * service type, the open approved-provider lists covering it, how many providers are members, the
 * capacity they offer and their prices against the tariff; and the "choice not available" records of
 * the people in the area, per month recorded over the last 12 months, with how they were answered.
 * Open figures with no personal data; the counts of records are raw here — the page that publishes
 * them (voice's champion-figures.service.ts) suppresses small numbers. Each query narrowed to the
 * area by an index; the lists read are bounded (`AREA_LISTS_SHOWN`). Checks no one: public.
 */
import type { Db } from "../../db/database.ts";
import { addMonths } from "../../lib/london-time.ts";
import type { Pence } from "../../lib/money.ts";
import * as repo from "./area-figures.repository.ts";
import type { OfferCapacityUnit, TariffUnit } from "./choice.table.ts";

export type { AreaListRow, UnavailableMonthRow } from "./area-figures.repository.ts";
export { OFFER_CAPACITY_UNITS, TARIFF_UNITS } from "./choice.table.ts";

/** The open lists of one area read at most: an area has a handful; beyond this the page says so. */
export const AREA_LISTS_SHOWN = 200;

/** The months the figures cover: this month and the 11 before it. */
export const FIGURE_MONTHS = 12;

/** The capacity the providers of a service type offer in one unit. */
export interface CapacityFigure {
  unit: OfferCapacityUnit;
  /** The sum over providers, each counted once (its largest offer in the unit, if on several lists). */
  total: number;
  /** How many providers state it. */
  providers: number;
  /** YYYY-MM-DD: the oldest of the offers counted, so a reader knows how current the sum is. */
  oldestStatedOn: string;
}

/** The members' prices of a service type in one tariff unit, against the lists' tariffs. */
export interface PriceFigure {
  unit: TariffUnit;
  tariffLowest: Pence;
  tariffHighest: Pence;
  /** A member's price: its offer, or the list's tariff when it offers none. */
  priceLowest: Pence | null;
  priceHighest: Pence | null;
  /** Offers (members of a list) below, at and above their list's tariff. */
  below: number;
  atTariff: number;
  above: number;
}

export interface ServiceTypeFigures {
  code: string;
  name: string;
  lists: repo.AreaListRow[];
  /** Providers on at least one of these lists (each once). */
  providers: number;
  capacity: CapacityFigure[];
  prices: PriceFigure[];
}

export interface ChoiceAreaFigures {
  serviceTypes: ServiceTypeFigures[];
  /** Whether more open lists cover the area than were read. */
  listsCapped: boolean;
  /** The months covered, oldest first (YYYY-MM). */
  months: string[];
  /** "Choice not available" per month recorded, every month of `months` (zeros included). */
  unavailable: repo.UnavailableMonthRow[];
}

/** The `count` months up to the one of `today` (YYYY-MM-DD), oldest first, as YYYY-MM. */
export function monthsUpTo(today: string, count: number = FIGURE_MONTHS): string[] {
  const first = `${today.slice(0, 7)}-01`;
  return Array.from({ length: count }, (_, i) => addMonths(first, i - (count - 1)).slice(0, 7));
}

function serviceTypeFigures(lists: repo.AreaListRow[], members: repo.AreaMemberRow[]): ServiceTypeFigures {
  const first = lists[0] as repo.AreaListRow;
  const keys = new Set(lists.map((l) => `${l.authority_id}|${l.id}`));
  const tariffOf = new Map(lists.map((l) => [`${l.authority_id}|${l.id}`, l]));
  const mine = members.filter((m) => keys.has(`${m.authority_id}|${m.list_id}`));
  // Capacity: each provider once per unit, its largest offer.
  const byUnit = new Map<OfferCapacityUnit, Map<string, { capacity: number; statedOn: string }>>();
  for (const m of mine) {
    if (m.capacity === null || m.capacity_unit === null || m.capacity_stated_on === null) continue;
    const offers = byUnit.get(m.capacity_unit) ?? new Map();
    const held = offers.get(m.organisation_id);
    if (!held || m.capacity > held.capacity)
      offers.set(m.organisation_id, { capacity: m.capacity, statedOn: m.capacity_stated_on });
    byUnit.set(m.capacity_unit, offers);
  }
  const capacity = [...byUnit]
    .map(([unit, offers]) => ({
      unit,
      total: [...offers.values()].reduce((sum, o) => sum + o.capacity, 0),
      providers: offers.size,
      oldestStatedOn: [...offers.values()].map((o) => o.statedOn).sort()[0] as string,
    }))
    .sort((a, b) => a.unit.localeCompare(b.unit));
  // Prices per tariff unit.
  const prices = new Map<TariffUnit, PriceFigure>();
  for (const l of lists) {
    const p = prices.get(l.tariff_unit);
    const tariff = l.tariff_pence as Pence;
    if (!p)
      prices.set(l.tariff_unit, {
        unit: l.tariff_unit,
        tariffLowest: tariff,
        tariffHighest: tariff,
        priceLowest: null,
        priceHighest: null,
        below: 0,
        atTariff: 0,
        above: 0,
      });
    else {
      if (tariff < p.tariffLowest) p.tariffLowest = tariff;
      if (tariff > p.tariffHighest) p.tariffHighest = tariff;
    }
  }
  for (const m of mine) {
    const list = tariffOf.get(`${m.authority_id}|${m.list_id}`) as repo.AreaListRow;
    const p = prices.get(list.tariff_unit) as PriceFigure;
    const price = (m.price_pence ?? list.tariff_pence) as Pence;
    if (p.priceLowest === null || price < p.priceLowest) p.priceLowest = price;
    if (p.priceHighest === null || price > p.priceHighest) p.priceHighest = price;
    if (price < list.tariff_pence) p.below += 1;
    else if (price > list.tariff_pence) p.above += 1;
    else p.atTariff += 1;
  }
  return {
    code: first.category_code,
    name: first.category_name,
    lists,
    providers: new Set(mine.map((m) => m.organisation_id)).size,
    capacity,
    prices: [...prices.values()].sort((a, b) => a.unit.localeCompare(b.unit)),
  };
}

/**
 * The figures of choice of one area on `today` (YYYY-MM-DD). Three reads, each narrowed to the area
 * by an index: the open lists covering it, their members, and the records of choice not available
 * from the first of the 12 months. Public; raw counts (the publisher suppresses small numbers).
 */
export async function choiceAreaFigures(db: Db, areaCode: string, today: string): Promise<ChoiceAreaFigures> {
  const months = monthsUpTo(today);
  const [read, unavailable] = await Promise.all([
    repo.openListsInArea(db, areaCode, AREA_LISTS_SHOWN + 1),
    repo.unavailableByMonth(db, areaCode, `${months[0]}-01`, today),
  ]);
  const lists = read.slice(0, AREA_LISTS_SHOWN);
  const members = await repo.membersOfLists(
    db,
    lists.map((l) => [l.authority_id, l.id] as const),
  );
  const byType = new Map<string, repo.AreaListRow[]>();
  for (const l of lists) byType.set(l.category_code, [...(byType.get(l.category_code) ?? []), l]);
  const byMonth = new Map(unavailable.map((r) => [r.month, r]));
  return {
    serviceTypes: [...byType.values()].map((ls) => serviceTypeFigures(ls, members)),
    listsCapped: read.length > AREA_LISTS_SHOWN,
    months,
    unavailable: months.map(
      (month) => byMonth.get(month) ?? { month, records: 0, on_time: 0, late: 0, waiting: 0, overdue: 0 },
    ),
  };
}

/** Each area's open lists and their service types, counted in one read (areas with none give 0). */
export async function openListCounts(
  db: Db,
  areaCodes: readonly string[],
): Promise<Map<string, { lists: number; serviceTypes: number }>> {
  const rows = await repo.openListCountsByArea(db, areaCodes);
  return new Map(rows.map((r) => [r.area_code, { lists: r.lists, serviceTypes: r.service_types }]));
}
