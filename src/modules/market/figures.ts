/**
 * One authority's market figures, computed from its records as a pure function (`figuresOf`): what
 * `figures.service.ts` reads through the other modules' services goes in, the rows of the market's
 * aggregate tables come out. How each figure is counted is in docs/market.md.
 */
import { londonDate } from "../../lib/london-time.ts";
import { allocatePence, type Pence } from "../../lib/money.ts";

/** A contract's party: the lead or a member of its consortium. */
export interface Party {
  organisationId: string | null;
  name: string;
  /** As the bid gave it; a registered organisation's own (effective) sector is used instead. */
  sector: string;
  sizeBand: string;
  shareBp: number;
}

export interface ContractInput {
  id: string;
  tenderId: string;
  enteredAt: Date;
  valuePence: bigint;
  leadOrganisationId: string;
  leadName: string;
  leadShareBp: number;
  members: readonly Party[];
}

export interface TenderInput {
  id: string;
  projectId: string;
  title: string;
  publishedAt: Date;
  openedAt: Date | null;
  bidsOpened: number | null;
}

export interface AwardInput {
  id: string;
  tenderId: string;
  status: string;
  decidedAt: Date;
  justification: string | null;
}

export interface OrganisationFacts {
  sector: string;
  sizeBand: string;
}

export interface FiguresInput {
  /** The authority's own area: the place of what has no project (Right to Challenge decisions). */
  authorityArea: string;
  projects: ReadonlyMap<string, { category: string; area: string }>;
  services: ReadonlyMap<string, string>;
  tenders: readonly TenderInput[];
  awards: readonly AwardInput[];
  contracts: readonly ContractInput[];
  organisations: ReadonlyMap<string, OrganisationFacts>;
  kpiRatings: readonly { contractId: string; month: string; rating: string; ratings: number }[];
  decisions: readonly { serviceId: string; month: string; decision: string; challenges: number }[];
  ratings: readonly { category: string; area: string; rank: number; locations: number }[];
}

interface Place {
  category_code: string;
  area_code: string;
  month: string;
}

export interface Figures {
  contracts: (Place & { sector: string; size_band: string; contracts_bp: bigint; value_pence: bigint })[];
  suppliers: (Place & { supplier: string; sector: string; contracts_bp: bigint; value_pence: bigint })[];
  tenders: (Place & { bids: number; tenders: number })[];
  awards: (Place & { days_band: string; awards: number; days: bigint })[];
  fewBids: (Place & {
    tender_id: string;
    title: string;
    opened_at: Date;
    bids: number;
    award_id: string | null;
    justification: string | null;
  })[];
  challenges: (Place & { outcome: string; challenges: number })[];
  kpiRatings: (Place & { rating: string; ratings: number })[];
  ratings: { category_code: string; area_code: string; rating: string; locations: number }[];
}

/** The bands of days from a tender's publication to its award, in order. */
export const DAYS_BANDS = [
  { code: "up-to-30", max: 30 },
  { code: "31-to-60", max: 60 },
  { code: "61-to-90", max: 90 },
  { code: "91-to-180", max: 180 },
  { code: "over-180", max: Number.POSITIVE_INFINITY },
] as const;

/** Current ratings by the rank the regulation module keeps (0 Outstanding … 3 Inadequate, 4 not yet rated). */
export const RATING_BY_RANK = [
  "outstanding",
  "good",
  "requires-improvement",
  "inadequate",
  "unrated",
] as const;

/** Fewer bids than this is a tender without the competition the White Paper asks for (DOMAIN.md §1). */
export const ENOUGH_BIDS = 3;

export const MUTUAL = "public-service-mutual";
export const UNCONFIRMED = "unconfirmed";
/** A sector or size band not known (a member's bid gave none). */
export const UNKNOWN = "unknown";
const DAY_MS = 24 * 60 * 60 * 1000;

/** The Europe/London month of an instant, as YYYY-MM-01. */
export function monthOf(instant: Date): string {
  return `${londonDate(instant).slice(0, 7)}-01`;
}

export function daysBandOf(days: number): string {
  return DAYS_BANDS.find((b) => days <= b.max)?.code ?? "over-180";
}

/** Adds into a map keyed by the parts of a row, creating the row the first time. */
/** Where a monthly figure belongs, whoever's it is (an authority's or a publisher's). */
interface MonthlyPlace {
  category_code: string;
  area_code: string;
  month: string;
}

/**
 * A party's share of a contract counted: in its sector and size band, and — when it is known who it
 * is — as a supplier of its market (the concentration's rows). `counted` in basis points of one
 * contract, `value` in pence. The authorities' figures and the imported processes' count alike.
 */
export function countShare<P extends MonthlyPlace>(
  tables: {
    contracts: Map<
      string,
      P & { sector: string; size_band: string; contracts_bp: bigint; value_pence: bigint }
    >;
    suppliers: Map<
      string,
      P & { supplier: string; sector: string; contracts_bp: bigint; value_pence: bigint }
    >;
  },
  place: P,
  facts: OrganisationFacts,
  supplier: string | null,
  counted: bigint,
  value: bigint,
): void {
  const add = (row: { contracts_bp: bigint; value_pence: bigint }) => {
    row.contracts_bp += counted;
    row.value_pence += value;
  };
  tally(
    tables.contracts,
    [place.category_code, place.area_code, place.month, facts.sector, facts.sizeBand],
    () => ({ ...place, sector: facts.sector, size_band: facts.sizeBand, contracts_bp: 0n, value_pence: 0n }),
    add,
  );
  if (supplier === null) return;
  tally(
    tables.suppliers,
    [place.category_code, place.area_code, place.month, supplier],
    () => ({ ...place, supplier, sector: facts.sector, contracts_bp: 0n, value_pence: 0n }),
    add,
  );
}

export function tally<R>(
  map: Map<string, R>,
  key: readonly string[],
  make: () => R,
  add: (row: R) => void,
): void {
  const k = key.join("\u0000");
  let row = map.get(k);
  if (!row) {
    row = make();
    map.set(k, row);
  }
  add(row);
}

/**
 * The sector and size band a party is counted in: a registered organisation's own effective sector
 * (a mutual only with qualifying evidence); for a member not in the directory, what its bid said, a
 * mutual claim counted as unconfirmed (no evidence can be checked).
 */
function factsOf(party: Party, organisations: ReadonlyMap<string, OrganisationFacts>): OrganisationFacts {
  const known = party.organisationId ? organisations.get(party.organisationId) : undefined;
  if (known) return known;
  return {
    sector: party.sector === MUTUAL ? UNCONFIRMED : party.sector || UNKNOWN,
    sizeBand: party.sizeBand || UNKNOWN,
  };
}

function supplierKey(party: Party): string {
  return party.organisationId ?? `name:${party.name.trim().toLowerCase()}`.slice(0, 300);
}

export function figuresOf(input: FiguresInput): Figures {
  const none = { category: "", area: "" };
  const tenders = new Map(input.tenders.map((t) => [t.id, t]));
  const placeOfTender = (tenderId: string) => {
    const tender = tenders.get(tenderId);
    return (tender && input.projects.get(tender.projectId)) ?? none;
  };

  // Contracts entered, by each party's share.
  const contracts = new Map<string, Figures["contracts"][number]>();
  const suppliers = new Map<string, Figures["suppliers"][number]>();
  const contractPlace = new Map<string, Place>();
  for (const c of input.contracts) {
    const where = placeOfTender(c.tenderId);
    const place = { category_code: where.category, area_code: where.area, month: monthOf(c.enteredAt) };
    contractPlace.set(c.id, place);
    const parties: Party[] = [
      {
        organisationId: c.leadOrganisationId,
        name: c.leadName,
        sector: UNKNOWN,
        sizeBand: UNKNOWN,
        shareBp: c.leadShareBp,
      },
      ...c.members,
    ];
    const weights = parties.map((p) => Math.max(0, p.shareBp));
    const total = weights.reduce((s, w) => s + w, 0);
    // A contract whose shares were not recorded is the lead's alone.
    const shares = total > 0 ? weights : parties.map((_, i) => (i === 0 ? 10_000 : 0));
    const values = allocatePence(c.valuePence as Pence, shares);
    // Counted by share: the parties of one contract add up to one contract (10,000), exactly.
    const counts = allocatePence(10_000n as Pence, shares);
    parties.forEach((party, i) => {
      const share = shares[i] ?? 0;
      if (share === 0) return;
      const counted: bigint = counts[i] ?? 0n;
      const value = values[i] ?? 0n;
      countShare(
        { contracts, suppliers },
        place,
        factsOf(party, input.organisations),
        supplierKey(party),
        counted,
        value,
      );
    });
  }

  // Tenders opened, by the bids opened; those with fewer than three.
  const opened = new Map<string, Figures["tenders"][number]>();
  const fewBids = new Map<string, Figures["fewBids"][number]>();
  for (const t of input.tenders) {
    if (!t.openedAt) continue;
    const where = input.projects.get(t.projectId) ?? none;
    const place = { category_code: where.category, area_code: where.area, month: monthOf(t.openedAt) };
    const bids = t.bidsOpened ?? 0;
    tally(
      opened,
      [place.category_code, place.area_code, place.month, String(bids)],
      () => ({ ...place, bids, tenders: 0 }),
      (row) => {
        row.tenders += 1;
      },
    );
    if (bids < ENOUGH_BIDS)
      fewBids.set(t.id, {
        ...place,
        tender_id: t.id,
        title: t.title,
        opened_at: t.openedAt,
        bids,
        award_id: null,
        justification: null,
      });
  }

  // Awards made (withdrawn ones are not), by the days from the tender's publication.
  const awards = new Map<string, Figures["awards"][number]>();
  const latestAward = new Map<string, AwardInput>();
  for (const a of input.awards) {
    if (a.status === "withdrawn") continue;
    const tender = tenders.get(a.tenderId);
    if (!tender) continue;
    const where = input.projects.get(tender.projectId) ?? none;
    const place = { category_code: where.category, area_code: where.area, month: monthOf(a.decidedAt) };
    const days = Math.max(0, Math.floor((a.decidedAt.getTime() - tender.publishedAt.getTime()) / DAY_MS));
    const band = daysBandOf(days);
    tally(
      awards,
      [place.category_code, place.area_code, place.month, band],
      () => ({ ...place, days_band: band, awards: 0, days: 0n }),
      (row) => {
        row.awards += 1;
        row.days += BigInt(days);
      },
    );
    const before = latestAward.get(a.tenderId);
    if (!before || before.decidedAt < a.decidedAt) latestAward.set(a.tenderId, a);
  }
  for (const few of fewBids.values()) {
    const award = latestAward.get(few.tender_id);
    if (award) {
      few.award_id = award.id;
      few.justification = award.justification;
    }
  }

  const kpiRatings = new Map<string, Figures["kpiRatings"][number]>();
  for (const r of input.kpiRatings) {
    const place = contractPlace.get(r.contractId);
    if (!place) continue;
    tally(
      kpiRatings,
      [place.category_code, place.area_code, r.month, r.rating],
      () => ({ ...place, month: r.month, rating: r.rating, ratings: 0 }),
      (row) => {
        row.ratings += r.ratings;
      },
    );
  }

  const challenges = new Map<string, Figures["challenges"][number]>();
  for (const d of input.decisions) {
    const category = input.services.get(d.serviceId) ?? "";
    tally(
      challenges,
      [category, input.authorityArea, d.month, d.decision],
      () => ({
        category_code: category,
        area_code: input.authorityArea,
        month: d.month,
        outcome: d.decision,
        challenges: 0,
      }),
      (row) => {
        row.challenges += d.challenges;
      },
    );
  }

  const ratings = new Map<string, Figures["ratings"][number]>();
  for (const r of input.ratings) {
    const rating = RATING_BY_RANK[r.rank] ?? "unrated";
    tally(
      ratings,
      [r.category, r.area, rating],
      () => ({ category_code: r.category, area_code: r.area, rating, locations: 0 }),
      (row) => {
        row.locations += r.locations;
      },
    );
  }

  return {
    contracts: [...contracts.values()],
    suppliers: [...suppliers.values()],
    tenders: [...opened.values()],
    awards: [...awards.values()],
    fewBids: [...fewBids.values()],
    challenges: [...challenges.values()],
    kpiRatings: [...kpiRatings.values()],
    ratings: [...ratings.values()],
  };
}
