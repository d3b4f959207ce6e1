/**
 * How flags and indicators are shown: each flag's "why", worded from the values it was raised on in
 * the page's language (dates through london-time, money through money.ts, percentages through
 * basis-points.ts), and the indicators' catalogue for pages and the API.
 */
import type { Locale } from "../../http/context.ts";
import { translatorFor } from "../../http/i18n.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { londonDate, londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, pence } from "../../lib/money.ts";
import type { Indicator, IndicatorCode, Threshold } from "./indicators.ts";
import { indicatorOf } from "./indicators.ts";
import type { IntegrityFlagRow } from "./integrity.table.ts";

const money = (value: unknown) =>
  typeof value === "number" ? formatMoney(pence(BigInt(Math.round(value))), { pence: false }) : "";
const date = (value: unknown, locale: Locale) =>
  typeof value === "string" ? longDate(londonDate(new Date(value)), locale) : "";
const dateOnly = (value: unknown, locale: Locale) =>
  typeof value === "string" ? longDate(value, locale) : "";
const dateTime = (value: unknown, locale: Locale) =>
  typeof value === "string" ? londonDateTime(new Date(value), locale) : "";
const percent = (bp: unknown) => (typeof bp === "number" ? formatPercent(bp) : "");
const number = (value: unknown) => (typeof value === "number" ? value : 0);

/** Why a flag was raised, in a sentence or two of the page's language, from the values it was raised on. */
export function whyOf(code: IndicatorCode, v: Record<string, unknown>, locale: Locale): string {
  const t = translatorFor(locale);
  switch (code) {
    case "single-bid":
      return t("integrity.why.singleBid");
    case "fewer-than-three-bids": {
      const bids = v.fewerCompliant
        ? t("integrity.why.fewerCompliant")
        : t("integrity.why.bids", { count: number(v.bids) });
      const award = !v.awarded
        ? t("integrity.why.notAwarded")
        : v.justified
          ? t("integrity.why.justified")
          : t("integrity.why.notJustified");
      return `${bids} ${award}`;
    }
    case "short-submission-period":
      return t("integrity.why.period", {
        count: number(v.days),
        start: date(v.startDate, locale),
        end: date(v.endDate, locale),
        minimum: number(v.legalMinimumDays),
      });
    case "late-amendment": {
      const one = t("integrity.why.lateAmendment", {
        amendment: String(v.amendment ?? ""),
        amendedAt: dateTime(v.amendedAt, locale),
        days: number(v.daysBeforeDeadline),
        deadline: dateTime(v.deadline, locale),
      });
      const late = number(v.lateAmendments);
      return late > 1 ? `${one} ${t("integrity.why.lateAmendments", { count: late })}` : one;
    }
    case "award-above-estimate":
      return t("integrity.why.aboveEstimate", {
        awarded: money(v.awardedPence),
        estimate: money(v.estimatePence),
        from: t(`integrity.why.estimateFrom.${String(v.estimateFrom)}`),
        above: percent(v.aboveBp),
      });
    case "supplier-concentration": {
      const year = number(v.financialYear);
      return t("integrity.why.concentration", {
        supplier: String(v.supplierName ?? ""),
        share: percent(v.shareBp),
        cpv: String(v.cpv ?? ""),
        market: String(v.cpvDescription ?? ""),
        year: `${year}–${String((year + 1) % 100).padStart(2, "0")}`,
        supplierValue: money(v.supplierPence),
        marketValue: money(v.marketPence),
        supplierAwards: number(v.supplierAwards),
        marketAwards: number(v.marketAwards),
      });
    }
    case "right-to-challenge-unprocured":
      return t("integrity.why.unprocured", {
        accepted: date(v.acceptedAt, locale),
        earliest: dateOnly(v.earliest, locale),
        latest: dateOnly(v.latest, locale),
      });
  }
}

/** A flag as a page shows it. */
export interface FlagView {
  code: IndicatorCode;
  ocid: string;
  name: string;
  title: string;
  url: string;
  raisedAt: Date;
  why: string;
}

export function flagView(row: IntegrityFlagRow, locale: Locale): FlagView {
  return {
    code: row.code,
    ocid: row.ocid,
    name: indicatorOf(row.code).name[locale],
    title: row.title,
    url: row.url,
    raisedAt: row.raised_at,
    why: whyOf(row.code, row.reason, locale),
  };
}

/** A threshold's value with its unit, as people read it: "25 days", "40%". */
export function thresholdText(threshold: Pick<Threshold, "value" | "unit">, locale: Locale): string {
  if (threshold.unit === "percent") return formatPercent(Math.round(threshold.value * 100));
  return translatorFor(locale)(`integrity.units.${threshold.unit}`, { count: threshold.value });
}

/** An indicator as a page shows it, in one language. */
export function indicatorView(indicator: Indicator, locale: Locale) {
  return {
    code: indicator.code,
    name: indicator.name[locale],
    meaning: indicator.meaning[locale],
    notA: indicator.notA[locale],
    thresholds: indicator.thresholds.map((th) => ({
      value: thresholdText(th, locale),
      reason: th.reason[locale],
    })),
    sources: indicator.sources.map((s) => ({ title: s.title[locale], url: s.url })),
  };
}

/** An indicator in the API: both languages, its thresholds as data. */
export function indicatorJson(indicator: Indicator) {
  return {
    code: indicator.code,
    scope: indicator.scope,
    name: indicator.name,
    meaning: indicator.meaning,
    notA: indicator.notA,
    thresholds: indicator.thresholds.map((th) => ({
      name: th.name,
      value: th.value,
      unit: th.unit,
      reason: th.reason,
    })),
    reads: [...indicator.reads],
    sources: indicator.sources.map((s) => ({ ...s })),
  };
}

/** A flag in the API: the values it was raised on, and why in both languages. */
export function flagJson(row: IntegrityFlagRow) {
  return {
    ocid: row.ocid,
    code: row.code,
    raisedAt: row.raised_at.toISOString(),
    title: row.title,
    url: row.url,
    values: row.reason,
    why: { en: whyOf(row.code, row.reason, "en"), cy: whyOf(row.code, row.reason, "cy") },
  };
}
