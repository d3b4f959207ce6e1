/**
 * A progress report as people read it — each figure's name, its value, the previous period's and
 * the change, in the reader's language — and as the JSON API gives it. The page, its printed form
 * and the PDF are made from the same lines, so they say the same. See docs/reports.md.
 */
import { formatPercent } from "../../lib/basis-points.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import type { Change, Period, Report, ReportFigure } from "./reports.service.ts";

type Language = "en" | "cy";
type T = (key: string, options?: Record<string, unknown>) => string;

export interface ReportLine {
  label: string;
  value: string;
  previous: string;
  change: string;
}

export interface ReportLines {
  /** The language the lines are in. */
  lang: Language;
  title: string;
  periodName: string;
  previousName: string;
  sections: { key: string; heading: string; lines: ReportLine[] }[];
  /** What is said of the comparison when the previous period cannot be compared. */
  comparison: string;
  generated: string;
  computed: string | null;
  licence: string;
}

const whole = (n: bigint) => n.toLocaleString("en-GB");

/** A figure's value as read: a count, pounds, or a mean to two decimal places. */
export function valueText(unit: ReportFigure["unit"], value: bigint): string {
  if (unit === "pence") return formatMoney(value as Pence, { pence: false });
  if (unit === "hundredths") {
    const sign = value < 0n ? "-" : "";
    const abs = value < 0n ? -value : value;
    return `${sign}${whole(abs / 100n)}.${String(abs % 100n).padStart(2, "0")}`;
  }
  return whole(value);
}

/** A period's name: "2026 to 2027 financial year", "October to December 2026 (2026-27 Q3)". */
export function periodName(period: Period, t: T, lang: Language): string {
  if (period.quarter === null)
    return t("reports.period.year", { from: period.year, to: period.year + 1, code: period.code });
  const [first, last] = [period.firstMonth, period.lastMonth].map((m) =>
    longDate(m, lang).replace(/^1 /, ""),
  );
  return t("reports.period.quarter", { from: first, to: last, code: period.code });
}

function changeText(figure: ReportFigure, t: T): string {
  const c: Change | null = figure.change;
  if (c === null) return t("reports.change.current");
  if (!c.comparable) return t("reports.change.notComparable");
  if (c.difference === 0n) return t("reports.change.none");
  const sign = c.difference > 0n ? "+" : "-";
  const abs = c.difference < 0n ? -c.difference : c.difference;
  const amount = `${sign}${valueText(figure.unit, abs)}`;
  if (c.percentBp === null) return t("reports.change.fromNone", { amount });
  const percent = `${sign}${formatPercent(Number(c.percentBp < 0n ? -c.percentBp : c.percentBp))}`;
  return t("reports.change.by", { amount, percent });
}

function labelOf(figure: ReportFigure, t: T): string {
  if (figure.sector)
    return t("reports.figure.valueBySector", { sector: t(`market.sector.${figure.sector}`) });
  return t(`reports.figure.${figure.key}`);
}

/** The report's lines in a language. */
export function reportLines(report: Report, t: T, lang: Language): ReportLines {
  const name = report.authority
    ? lang === "cy" && report.authority.welsh_name
      ? report.authority.welsh_name
      : report.authority.name
    : null;
  return {
    title: name ? t("reports.authorityTitle", { name }) : t("reports.nationalTitle"),
    lang,
    periodName: periodName(report.period, t, lang),
    previousName: periodName(report.previous, t, lang),
    sections: report.sections.map((section) => ({
      key: section.key,
      heading: t(`reports.section.${section.key}`),
      lines: section.figures.map((figure) => ({
        label: labelOf(figure, t),
        value: figure.current === null ? t("reports.notApplicable") : valueText(figure.unit, figure.current),
        previous:
          figure.kind === "current" || figure.previous === null
            ? t("reports.notApplicable")
            : valueText(figure.unit, figure.previous),
        change: changeText(figure, t),
      })),
    })),
    comparison: report.comparable
      ? ""
      : report.since
        ? t("reports.notComparableSince", { since: longDate(report.since, lang).replace(/^1 /, "") })
        : t("reports.notComparableNone"),
    generated: t("reports.generated", { at: londonDateTime(report.generatedAt, lang) }),
    computed: report.computedAt
      ? t("reports.computed", { at: londonDateTime(report.computedAt, lang) })
      : null,
    licence: t("reports.licence"),
  };
}

const digits = (n: bigint | null) => (n === null ? null : n.toString());

/** The report as the JSON API gives it: whole numbers as digits (pence, hundredths), changes in basis points. */
export function reportJson(report: Report) {
  return {
    authority: report.authority
      ? { id: report.authority.id, slug: report.authority.slug, name: report.authority.name }
      : null,
    period: periodJson(report.period),
    previousPeriod: periodJson(report.previous),
    comparable: report.comparable,
    figuresSince: report.since ? report.since.slice(0, 7) : null,
    generatedAt: report.generatedAt.toISOString(),
    computedAt: report.computedAt ? report.computedAt.toISOString() : null,
    licence: "Open Government Licence v3.0",
    sections: report.sections.map((section) => ({
      key: section.key,
      figures: section.figures.map((f) => ({
        key: f.key,
        ...(f.sector ? { sector: f.sector } : {}),
        unit: f.unit,
        kind: f.kind,
        current: digits(f.current),
        previous: digits(f.previous),
        change:
          f.change === null || !f.change.comparable
            ? { comparable: false, difference: null, percentBp: null }
            : {
                comparable: true,
                difference: f.change.difference.toString(),
                percentBp: f.change.percentBp === null ? null : f.change.percentBp.toString(),
              },
      })),
    })),
  };
}

function periodJson(period: Period) {
  return {
    code: period.code,
    kind: period.kind,
    firstMonth: period.firstMonth.slice(0, 7),
    lastMonth: period.lastMonth.slice(0, 7),
  };
}
