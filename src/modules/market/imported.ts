/**
 * The market's figures of imported processes — other publishers' OCDS data (`openps import ocds`) —
 * as pure functions: each process's compiled release read into what the figures need
 * (`importedFactsOf`), then one publisher's processes counted into the rows of the imported figures'
 * tables (`importedFiguresOf`), the same aggregates as an authority's (figures.ts). Nothing here
 * reads the database or the clock. How each figure is counted is in docs/market.md.
 */
import { allocatePence, type Pence } from "../../lib/money.ts";
import {
  countShare,
  daysBandOf,
  ENOUGH_BIDS,
  type Figures,
  monthOf,
  type OrganisationFacts,
  tally,
  UNKNOWN,
} from "./figures.ts";

/** A compiled release (or any OCDS object), as parsed JSON. */
type Json = Record<string, unknown>;

const object = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.map(object).filter((v): v is Json => v !== undefined) : [];
const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== ""
    ? value.trim()
    : typeof value === "number" && Number.isFinite(value)
      ? String(value)
      : undefined;
const whole = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
function instant(value: unknown): Date | undefined {
  const at = typeof value === "string" ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

const DAY_MS = 86_400_000;
/** The one currency counted: figures are in pounds, and no rate of exchange is applied. */
export const COUNTED_CURRENCY = "GBP";

/** A supplier as the process names it: its identifiers in org-id form, and its name. */
export interface ImportedSupplier {
  /** `scheme-id` of its identifier and additional identifiers (from its party), then its id if it looks like one. */
  orgIds: string[];
  name: string;
}

/** A contract of an imported process (or an award, when the process gives no contracts). */
export interface ImportedContract {
  at: Date;
  /** In pence, when the value is in pounds; null without a value (counted, at £0). */
  valuePence: bigint | null;
  /** The currency of a value in another currency than pounds: the contract is left out. */
  otherCurrency: string | null;
  suppliers: ImportedSupplier[];
}

/** What the figures need of one imported process. */
export interface ImportedFacts {
  ocid: string;
  title: string;
  /** The CPV code of its first item classified by CPV (8 digits), or "". */
  cpv: string;
  /** When its tender was published: `tender.tenderPeriod.startDate`, else its first tender release's date. */
  publishedAt: Date | null;
  /** When its tender closed: `tender.tenderPeriod.endDate`, else its first award's date. */
  closedAt: Date | null;
  /** `tender.numberOfTenderers`, else the bids extension's statistic of all bids; undefined when not given. */
  bids: number | undefined;
  /** The dates of its awards that stand (active, or of no status). */
  awards: Date[];
  contracts: ImportedContract[];
}

/** "45233130.0", "45233162-2", "85312000" → the CPV code's 8 digits; "" when it has not 8. */
export function cpvDigits(id: string): string {
  const digits = /^\s*(\d{8})/.exec(id)?.[1];
  return digits ?? "";
}

/** The CPV code of a process's first item classified by CPV: its tender's, else its awards' or contracts'. */
function cpvOf(release: Json): string {
  const items = [
    ...list(object(release.tender)?.items),
    ...list(release.awards).flatMap((a) => list(a.items)),
    ...list(release.contracts).flatMap((c) => list(c.items)),
  ];
  for (const item of items) {
    const classifications = [object(item.classification), ...list(item.additionalClassifications)];
    for (const c of classifications) {
      if (text(c?.scheme)?.toUpperCase() !== "CPV") continue;
      const cpv = cpvDigits(text(c?.id) ?? "");
      if (cpv) return cpv;
    }
  }
  return "";
}

/** An award stands unless pending, cancelled or unsuccessful. */
function stands(award: Json): boolean {
  const status = text(award.status);
  return status === undefined || status === "active";
}

/** A contract was entered unless it is pending or cancelled. */
function entered(contract: Json): boolean {
  const status = text(contract.status);
  return status !== "pending" && status !== "cancelled";
}

function bidsOf(release: Json): number | undefined {
  const tenderers = whole(object(release.tender)?.numberOfTenderers);
  if (tenderers !== undefined) return tenderers;
  const statistic = list(object(release.bids)?.statistics).find(
    (s) => s.measure === "bids" && s.relatedLot === undefined,
  );
  return whole(statistic?.value);
}

/** The value of an OCDS amount, in pence when in pounds; its currency otherwise. */
function amountOf(value: unknown): { pence: bigint | null; otherCurrency: string | null } {
  const v = object(value);
  const amount = v?.amount;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0)
    return { pence: null, otherCurrency: null };
  const currency = text(v?.currency)?.toUpperCase() ?? "";
  if (currency !== COUNTED_CURRENCY) return { pence: null, otherCurrency: currency || "none given" };
  return { pence: BigInt(Math.round(amount * 100)), otherCurrency: null };
}

/** Looks like an org-id identifier (`GB-COH-01234567`): a scheme prefix, a dash, the rest. */
const ORG_ID = /^[A-Z]{2}-[A-Z0-9]+-./i;

function suppliersOf(award: Json | undefined, parties: ReadonlyMap<string, Json>): ImportedSupplier[] {
  return list(award?.suppliers).map((ref) => {
    const id = text(ref.id);
    const party = id ? parties.get(id) : undefined;
    const orgIds: string[] = [];
    for (const identifier of [object(party?.identifier), ...list(party?.additionalIdentifiers)]) {
      const scheme = text(identifier?.scheme);
      const value = text(identifier?.id);
      // A number read through a spreadsheet ("11111111.0") is the number.
      if (scheme && value) orgIds.push(`${scheme}-${value.replace(/^(\d+)\.0+$/, "$1")}`);
    }
    if (id && ORG_ID.test(id)) orgIds.push(id);
    return { orgIds: [...new Set(orgIds)], name: text(ref.name) ?? text(party?.name) ?? "" };
  });
}

/** What the figures need of one imported process, read from its compiled release without trusting its shape. */
export function importedFactsOf(process: {
  ocid: string;
  compiled: Record<string, unknown>;
  firstTenderAt: Date | null;
}): ImportedFacts {
  const release = process.compiled;
  const tender = object(release.tender);
  const period = object(tender?.tenderPeriod);
  const awards = list(release.awards);
  const live = awards.filter(stands);
  const parties = new Map<string, Json>();
  for (const party of list(release.parties)) {
    const id = text(party.id);
    if (id) parties.set(id, party);
  }
  const awardDates = live.map((a) => instant(a.date)).filter((d): d is Date => d !== undefined);
  const byId = new Map<string, Json>();
  for (const award of awards) {
    const id = text(award.id);
    if (id) byId.set(id, award);
  }
  const contracts: ImportedContract[] = [];
  const signed = list(release.contracts).filter(entered);
  if (signed.length > 0)
    for (const contract of signed) {
      const award = byId.get(text(contract.awardID) ?? "") ?? (awards.length === 1 ? awards[0] : undefined);
      const at =
        instant(contract.dateSigned) ?? instant(object(contract.period)?.startDate) ?? instant(award?.date);
      if (!at) continue;
      const value = contract.value !== undefined ? amountOf(contract.value) : amountOf(award?.value);
      contracts.push({
        at,
        valuePence: value.pence,
        otherCurrency: value.otherCurrency,
        suppliers: suppliersOf(award, parties),
      });
    }
  else
    for (const award of live) {
      const at = instant(award.date);
      if (!at) continue;
      const value = amountOf(award.value);
      contracts.push({
        at,
        valuePence: value.pence,
        otherCurrency: value.otherCurrency,
        suppliers: suppliersOf(award, parties),
      });
    }
  const firstAward = [...awardDates].sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    ocid: process.ocid,
    title: text(tender?.title) ?? text(live[0]?.title) ?? process.ocid,
    cpv: cpvOf(release),
    publishedAt: instant(period?.startDate) ?? process.firstTenderAt,
    closedAt: instant(period?.endDate) ?? firstAward ?? null,
    bids: tender ? bidsOf(release) : undefined,
    awards: awardDates,
    contracts,
  };
}

/**
 * The service category of a CPV code: the category whose CPV code is the same, else the one whose
 * code (its trailing zeros aside: 85312000 → 85312) is the longest start of it — 85312300 is in
 * domiciliary care (85312000); "" when none is.
 */
export function categoryOfCpv(
  categories: readonly { code: string; cpvCode: string }[],
): (cpv: string) => string {
  const prefixes = categories
    .map((c) => ({ code: c.code, prefix: cpvDigits(c.cpvCode).replace(/0+$/, "") }))
    .filter((c) => c.prefix.length >= 2)
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const exact = new Map(categories.map((c) => [cpvDigits(c.cpvCode), c.code]));
  return (cpv) => {
    if (!cpv) return "";
    return exact.get(cpv) ?? prefixes.find((c) => cpv.startsWith(c.prefix))?.code ?? "";
  };
}

/** What counting needs besides the processes: the directory and the vocabulary. */
export interface ImportedContext {
  category(cpv: string): string;
  /** An identifier in org-id form, normalised by its scheme; undefined when it cannot be. */
  normalise(orgId: string): string | undefined;
  /** The directory's organisation holding an identifier (normalised), if any. */
  organisationOf(orgId: string): string | undefined;
  organisations: ReadonlyMap<string, OrganisationFacts>;
}

export type ImportedFigures = Pick<Figures, "contracts" | "suppliers" | "tenders" | "awards"> & {
  fewBids: {
    category_code: string;
    area_code: string;
    month: string;
    ocid: string;
    title: string;
    opened_at: Date;
    bids: number;
    awarded: boolean;
  }[];
  processes: number;
  /** Contracts left out for a value in another currency than pounds, and those currencies. */
  otherCurrency: number;
  currencies: string[];
};

/**
 * How a supplier is counted: an organisation of the directory (by an identifier it holds) by its id,
 * as OpenPS's own contracts count it; otherwise by its identifier (`id:GB-COH-…`), else its name.
 */
function supplierOf(
  supplier: ImportedSupplier,
  context: ImportedContext,
): { key: string | null; organisationId: string | null } {
  const normal = supplier.orgIds.map((id) => context.normalise(id)).filter((id): id is string => !!id);
  for (const id of normal) {
    const organisationId = context.organisationOf(id);
    if (organisationId) return { key: organisationId, organisationId };
  }
  const first = normal[0] ?? supplier.orgIds[0]?.trim().toUpperCase();
  if (first) return { key: `id:${first}`.slice(0, 300), organisationId: null };
  const name = supplier.name.trim().toLowerCase();
  return { key: name ? `name:${name}`.slice(0, 300) : null, organisationId: null };
}

/** One publisher's imported processes counted into the rows of the imported figures' tables. */
export function importedFiguresOf(facts: Iterable<ImportedFacts>, context: ImportedContext): ImportedFigures {
  const contracts = new Map<string, Figures["contracts"][number]>();
  const suppliers = new Map<string, Figures["suppliers"][number]>();
  const tenders = new Map<string, Figures["tenders"][number]>();
  const awards = new Map<string, Figures["awards"][number]>();
  const fewBids: ImportedFigures["fewBids"] = [];
  const currencies = new Set<string>();
  let otherCurrency = 0;
  let processes = 0;
  for (const process of facts) {
    processes += 1;
    const category = context.category(process.cpv);
    const area = "";

    // Contracts, each shared equally between the suppliers of its award (OCDS gives no shares).
    for (const contract of process.contracts) {
      if (contract.otherCurrency !== null) {
        otherCurrency += 1;
        currencies.add(contract.otherCurrency);
        continue;
      }
      const place = { category_code: category, area_code: area, month: monthOf(contract.at) };
      const parties = contract.suppliers.length > 0 ? contract.suppliers : [null];
      const equal = parties.map(() => 1);
      const values = allocatePence((contract.valuePence ?? 0n) as Pence, equal);
      const counts = allocatePence(10_000n as Pence, equal);
      parties.forEach((party, i) => {
        const value: bigint = values[i] ?? 0n;
        const counted: bigint = counts[i] ?? 0n;
        const who = party ? supplierOf(party, context) : { key: null, organisationId: null };
        const facts = (who.organisationId && context.organisations.get(who.organisationId)) || {
          sector: UNKNOWN,
          sizeBand: UNKNOWN,
        };
        countShare({ contracts, suppliers }, place, facts, who.key, counted, value);
      });
    }

    // The tender, by its bids, in the month it closed; those with fewer than three listed.
    if (process.bids !== undefined && process.closedAt) {
      const bids = process.bids;
      const place = { category_code: category, area_code: area, month: monthOf(process.closedAt) };
      tally(
        tenders,
        [place.category_code, place.area_code, place.month, String(bids)],
        () => ({ ...place, bids, tenders: 0 }),
        (row) => {
          row.tenders += 1;
        },
      );
      if (bids < ENOUGH_BIDS)
        fewBids.push({
          ...place,
          ocid: process.ocid,
          title: process.title.slice(0, 1000),
          opened_at: process.closedAt,
          bids,
          awarded: process.awards.length > 0,
        });
    }

    // Each award that stands, by the days from the tender's publication.
    if (process.publishedAt)
      for (const decidedAt of process.awards) {
        const place = { category_code: category, area_code: area, month: monthOf(decidedAt) };
        const days = Math.max(0, Math.floor((decidedAt.getTime() - process.publishedAt.getTime()) / DAY_MS));
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
      }
  }
  return {
    contracts: [...contracts.values()],
    suppliers: [...suppliers.values()],
    tenders: [...tenders.values()],
    awards: [...awards.values()],
    fewBids,
    processes,
    otherCurrency,
    currencies: [...currencies].sort(),
  };
}
