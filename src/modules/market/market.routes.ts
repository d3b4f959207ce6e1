/**
 * The public market dashboards: `/market` (the themes), a page per theme (`/market/diversity`,
 * `/mutuals`, `/competition`, `/concentration`, `/quality`) with its charts — SVG rendered on the
 * server, each followed by its table and a link to the same figures as CSV
 * (`/market/<chart>.csv`, with the same filters) — and a GET form of filters (authority, service,
 * area, financial year, months, whose figures) that works without JavaScript; and the same figures as
 * JSON (`/api/v1/market/<theme>`: each chart's rows as its CSV gives them). See docs/market.md.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { searchPage } from "../../http/forms.ts";
import { localiseMessage } from "../../http/i18n.ts";
import { anyone, api, page } from "../../http/routes.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { csvHeader, csvRows } from "../../lib/csv.ts";
import { ValidationError } from "../../lib/errors.ts";
import { type Language, londonDateTime } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import {
  CHARTS,
  type ChartId,
  type CsvValue,
  chartsOf,
  type Figure,
  MUTUAL_FIGURES,
  renderChart,
  shareBp,
  shownOf,
  type Words,
} from "./charts.ts";
import { CONCENTRATED_HHI, HIGHLY_CONCENTRATED_HHI } from "./concentration.ts";
import { MarketQuery as MarketQuerySchema, MarketThemeResponse, TAGS } from "./market.schemas.ts";
import {
  type Choices,
  type Chosen,
  choices,
  chosenFilters,
  ENOUGH_BIDS,
  type FewBidsEntry,
  fewBids,
  type ImportedSources,
  includesImported,
  keptRendering,
  type MarketQuery,
  SOURCES,
  THEMES,
  type Theme,
  type ThemeAnswer,
  type ThemeFigures,
  themeFigures,
} from "./market.service.ts";
import type { ShownCell } from "./personal-budgets.ts";

const THEME_PAGE = "market/views/theme.njk";
const INDEX_PAGE = "market/views/index.njk";

function queryOf(request: FastifyRequest): MarketQuery {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const one = (name: string) => {
    const value = q[name];
    return typeof value === "string" ? value : Array.isArray(value) ? String(value[0] ?? "") : undefined;
  };
  return {
    authority: one("authority"),
    category: one("category"),
    area: one("area"),
    year: one("year"),
    from: one("from"),
    to: one("to"),
    source: one("source"),
    after: one("after"),
  };
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

async function wordsOf(request: FastifyRequest, vocabulary: Choices): Promise<Words> {
  const names = new Map(vocabulary.categories.map((c) => [c.code, c.name]));
  const locale = request.locale as Language;
  return {
    t: (key, options) => request.t(key, options),
    locale,
    category: (code) => {
      const name = names.get(code);
      return name ? localiseMessage(name, locale).text : request.t("market.notKnown");
    },
  };
}

/** The filter form's values, as typed, and its choices. */
function formContext(request: FastifyRequest, vocabulary: Choices, query: MarketQuery) {
  const locale = request.locale;
  return {
    values: {
      authority: query.authority ?? "",
      category: query.category ?? "",
      area: query.area ?? "",
      year: query.year ?? "",
      from: query.from ?? "",
      to: query.to ?? "",
      source: query.source ?? "",
    },
    sources: SOURCES.map((source) => ({
      value: source,
      text: request.t(`market.filters.sources.${source}`),
    })),
    authorities: vocabulary.authorities.map((a) => ({
      value: a.slug,
      text: locale === "cy" && a.welshName ? a.welshName : a.name,
    })),
    categories: vocabulary.categories.map((c) => ({
      value: c.code,
      text: localiseMessage(c.name, locale).text,
    })),
    areas: vocabulary.areas.map((a) => ({ value: a.code, text: a.name })),
    years: vocabulary.years.map((y) => ({
      value: String(y),
      text: `${y}–${String((y + 1) % 100).padStart(2, "0")}`,
    })),
  };
}

/** Links to the themes, keeping the filters. */
function themeLinks(request: FastifyRequest, query: string, current?: Theme) {
  return THEMES.map((theme) => ({
    theme,
    href: withQuery(`/market/${theme}`, query),
    text: request.t(`market.themes.${theme}.title`),
    summary: request.t(`market.themes.${theme}.summary`),
    current: theme === current,
  }));
}

/** The filters chosen, in words ("Westshire County Council, Home care, 2026–27"). */
function describeChosen(
  request: FastifyRequest,
  chosen: Chosen,
  vocabulary: Choices,
  words: Words,
): string[] {
  const parts: string[] = [];
  if (chosen.authority)
    parts.push(
      request.locale === "cy" && chosen.authority.welsh_name
        ? chosen.authority.welsh_name
        : chosen.authority.name,
    );
  if (chosen.filters.category) parts.push(words.category(chosen.filters.category));
  if (chosen.filters.area)
    parts.push(vocabulary.areas.find((a) => a.code === chosen.filters.area)?.name ?? "");
  const month = (m: string) => m.slice(0, 7);
  if (chosen.filters.from && chosen.filters.to)
    parts.push(
      request.t("market.monthsFromTo", { from: month(chosen.filters.from), to: month(chosen.filters.to) }),
    );
  else if (chosen.filters.from)
    parts.push(request.t("market.monthsFrom", { from: month(chosen.filters.from) }));
  else if (chosen.filters.to) parts.push(request.t("market.monthsTo", { to: month(chosen.filters.to) }));
  if (chosen.filters.source !== "openps")
    parts.push(request.t(`market.filters.sources.${chosen.filters.source}`));
  return parts;
}

/** A chart, its table and its CSV link, as the page shows them (the source column where imported processes are included). */
async function shownCharts(request: FastifyRequest, figures: Figure[], chosen: Chosen) {
  const ctx = ctxOf(request);
  const imported = includesImported(chosen);
  return Promise.all(
    figures.map(async (figure) => {
      const shown = (_: unknown, i: number) => figure.sourceInTable || figure.columns[i]?.key !== "source";
      return {
        id: figure.id,
        title: figure.title,
        description: figure.description,
        empty: figure.empty,
        // Nothing to draw, every count hidden: the table still says so, with the providers counted.
        tableWhenEmpty: figure.empty && figure.tableWhenEmpty === true && figure.cells.length > 0,
        openpsOnly: imported && figure.openpsOnly,
        svg: figure.empty
          ? null
          : (
              await keptRendering(ctx, `${figure.id}:${request.locale}:${chosen.query}`, () =>
                renderChart(figure),
              )
            ).value,
        head: figure.columns
          .filter(shown)
          .map((c) => ({ text: c.label, ...(c.numeric ? { format: "numeric" } : {}) })),
        rows: figure.cells.map((row) =>
          row
            .map((text, i) => ({ text, ...(figure.columns[i]?.numeric ? { format: "numeric" } : {}) }))
            .filter(shown),
        ),
        csvHref: withQuery(`/market/${figure.id}.csv`, chosen.query),
      };
    }),
  );
}

/** Where a tender with fewer than three bids is seen: OpenPS's tender page, or the imported process's record. */
function fewBidsLinks(row: FewBidsEntry) {
  if (row.publisher)
    return {
      tenderHref: externalRecordHref(row.publisher.id, row.id),
      noticeHref: null,
      owner: row.publisher.name,
    };
  const tender = `/authorities/${row.authority?.slug ?? ""}/tenders/${row.id}`;
  return {
    tenderHref: tender,
    noticeHref: row.awardId ? `${tender}/award` : null,
    owner: row.authority?.name ?? "",
  };
}

const externalRecordHref = (publisherId: string, ocid: string) =>
  `/data/ocds/external/records/${encodeURIComponent(ocid)}?publisher=${publisherId}`;
const externalReleasesHref = (publisherId: string) => `/data/ocds/external/releases?publisher=${publisherId}`;

/** What a page including imported processes says of them: the publishers, what was left out, and why. */
function importedContext(request: FastifyRequest, imported: ImportedSources | null) {
  if (!imported) return null;
  return {
    publishers: imported.publishers.map((p) => ({
      name: p.name,
      href: externalReleasesHref(p.id),
      processes: p.processes,
    })),
    more: imported.more > 0 ? imported.more : null,
    allHref: "/data/ocds/external/publishers",
    otherCurrency:
      imported.otherCurrency > 0
        ? request.t("market.imported.otherCurrency", {
            count: imported.otherCurrency,
            currencies: imported.currencies.join(", "),
          })
        : null,
    computedAt: imported.computedAt ? londonDateTime(imported.computedAt, request.locale as Language) : null,
    leftOutBy: imported.leftOutBy.map((filter) => request.t(`market.imported.leftOutBy.${filter}`)),
  };
}

const money = (pence: bigint) => formatMoney(pence as Pence, { pence: false });
const whole = (n: number | bigint) => Number(n).toLocaleString("en-GB");

/** The headline figures a theme's page shows above its charts. */
async function headlines<T extends Theme>(
  request: FastifyRequest,
  theme: T,
  figures: ThemeFigures[T],
  chosen: Chosen,
): Promise<Record<string, unknown>> {
  if (theme === "diversity") {
    const f = figures as ThemeFigures["diversity"];
    const value = f.bySector.reduce((s, r) => s + r.valuePence, 0n);
    const contracts = f.bySector.reduce((s, r) => s + r.contractsBp, 0n);
    return { totalValue: money(value), totalContracts: whole((contracts + 5000n) / 10_000n) };
  }
  if (theme === "mutuals") {
    const f = figures as ThemeFigures["mutuals"];
    return {
      mutuals: whole(f.directory.organisations),
      staff: whole(f.directory.staff),
      aspirationShare: formatPercent(
        shareBp(BigInt(f.directory.staff), BigInt(MUTUAL_FIGURES.aspirationStaff)),
      ),
      contracted: whole(f.contracted.suppliers),
      contractedValue: money(f.contracted.valuePence),
      contractedShare: formatPercent(shareBp(f.contracted.valuePence, f.totalValuePence)),
      context: {
        mutuals2010: whole(MUTUAL_FIGURES.mutuals2010),
        mutuals2014: whole(MUTUAL_FIGURES.mutuals2014),
        staff2014: whole(MUTUAL_FIGURES.staff2014),
        value2014: money(MUTUAL_FIGURES.value2014Pence),
        mutuals2018: whole(MUTUAL_FIGURES.mutuals2018),
        turnover2018: money(MUTUAL_FIGURES.turnover2018Pence),
        aspiration: whole(MUTUAL_FIGURES.aspirationStaff),
      },
    };
  }
  if (theme === "competition") {
    const f = figures as ThemeFigures["competition"];
    const tenders = f.bids.reduce((s, r) => s + r.tenders, 0);
    const bids = f.bids.reduce((s, r) => s + r.bids * r.tenders, 0);
    const few = f.bids.filter((r) => r.bids < ENOUGH_BIDS).reduce((s, r) => s + r.tenders, 0);
    const awards = f.awards.reduce((s, r) => s + r.awards, 0);
    const days = f.awards.reduce((s, r) => s + r.days, 0n);
    const page = await fewBids(ctxOf(request), chosen, queryOf(request).after);
    return {
      tenders: whole(tenders),
      meanBids: tenders > 0 ? (bids / tenders).toFixed(1) : null,
      fewShare: tenders > 0 ? formatPercent(shareBp(BigInt(few), BigInt(tenders))) : null,
      meanDays: awards > 0 ? Math.round(Number(days) / awards) : null,
      fewBids: page.rows.map((row) => {
        const links = fewBidsLinks(row);
        return {
          title: row.title,
          authority: links.owner,
          imported: row.source === "imported",
          bids: whole(row.bids),
          tenderHref: links.tenderHref,
          noticeHref: links.noticeHref,
          justification: row.justification,
          awarded: row.awarded,
        };
      }),
      nextHref: page.next
        ? `${withQuery("/market/competition", [chosen.query, `after=${encodeURIComponent(page.next)}`].filter(Boolean).join("&"))}#few-bids`
        : null,
      firstHref: queryOf(request).after ? `${withQuery("/market/competition", chosen.query)}#few-bids` : null,
    };
  }
  if (theme === "concentration")
    return { concentrated: whole(CONCENTRATED_HHI), highlyConcentrated: whole(HIGHLY_CONCENTRATED_HHI) };
  if (theme === "personal-budgets") {
    const f = figures as ThemeFigures["personal-budgets"];
    const fewer = request.t("market.personalBudgets.fewerThan10");
    const hidden = request.t("market.personalBudgets.hidden");
    const count = (c: ShownCell | undefined) => (c?.count == null ? fewer : whole(c.count));
    const total = (key: string) => count(f.reviewTotals.find((t) => t.key === key));
    return {
      people: count(f.people),
      weekly: f.people.value === null ? hidden : money(f.people.value),
      spend: f.spend.value === null ? hidden : money(f.spend.value),
      onTime: total("on-time"),
      late: total("late"),
      overdue: total("overdue"),
      unavailable: {
        records: count(f.unavailableRecords),
        onTime: count(f.unavailable.find((c) => c.key === "on-time")),
        late: count(f.unavailable.find((c) => c.key === "late")),
        waiting: count(f.unavailable.find((c) => c.key === "waiting")),
        overdue: count(f.unavailableOverdue),
      },
    };
  }
  const f = figures as ThemeFigures["quality"];
  const locations = f.ratings.reduce((s, r) => s + r.locations, 0);
  const inadequate = f.ratings.filter((r) => r.rating === "inadequate").reduce((s, r) => s + r.locations, 0);
  return {
    locations: whole(locations),
    inadequate: whole(inadequate),
    inadequateShare: locations > 0 ? formatPercent(shareBp(BigInt(inadequate), BigInt(locations))) : null,
  };
}

async function themePage(request: FastifyRequest, reply: FastifyReply, theme: Theme): Promise<void> {
  const ctx = ctxOf(request);
  const query = queryOf(request);
  const vocabulary = await choices(ctx);
  const words = await wordsOf(request, vocabulary);
  const context = {
    theme,
    form: formContext(request, vocabulary, query),
    action: `/market/${theme}`,
  };
  let chosen: Chosen;
  try {
    chosen = await chosenFilters(ctx.db, query);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    await searchPage(reply, THEME_PAGE, { ...context, themes: themeLinks(request, "", theme) }, error);
    return;
  }
  const { figures, computedAt, imported } = await themeFigures(ctx, theme, chosen);
  await reply.page(THEME_PAGE, {
    ...context,
    themes: themeLinks(request, chosen.query, theme),
    chosen: describeChosen(request, chosen, vocabulary, words),
    computedAt: computedAt ? londonDateTime(computedAt, request.locale as Language) : null,
    source: chosen.filters.source,
    imported: importedContext(request, imported),
    charts: await shownCharts(
      request,
      chartsOf(theme, figures, words, shownOf(chosen.filters.source)),
      chosen,
    ),
    headline: await headlines(request, theme, figures, chosen),
    authorityChosen: chosen.authority !== null,
    clearHref: `/market/${theme}`,
  });
}

export async function marketRoutes(app: FastifyInstance): Promise<void> {
  app.get("/market", page({ who: anyone }), async (request, reply) => {
    const ctx = ctxOf(request);
    const query = queryOf(request);
    const vocabulary = await choices(ctx);
    const context = { form: formContext(request, vocabulary, query), action: "/market" };
    let chosen: Chosen;
    try {
      chosen = await chosenFilters(ctx.db, query);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await searchPage(reply, INDEX_PAGE, { ...context, themes: themeLinks(request, "") }, error);
      return;
    }
    const { computedAt } = await themeFigures(ctx, "diversity", chosen);
    await reply.page(INDEX_PAGE, {
      ...context,
      themes: themeLinks(request, chosen.query),
      computedAt: computedAt ? londonDateTime(computedAt, request.locale as Language) : null,
      clearHref: "/market",
    });
  });

  for (const theme of THEMES)
    app.get(`/market/${theme}`, page({ who: anyone }), async (request, reply) =>
      themePage(request, reply, theme),
    );

  for (const [id, theme] of Object.entries(CHARTS) as [ChartId, Theme][])
    app.get(`/market/${id}.csv`, page({ who: anyone }), async (request, reply) => {
      const { figures } = await chartsAsked(request, theme);
      const figure = figures.find((f) => f.id === id) as Figure;
      const keys = figure.columns.map((c) => c.key);
      const rows = figure.csv.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i]])));
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="openps-market-${id}.csv"`)
        .header("cache-control", "no-cache")
        .send(csvHeader(keys) + csvRows(rows, keys));
    });

  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  for (const theme of THEMES)
    json.get(
      `/api/v1/market/${theme}`,
      api(
        { who: anyone },
        {
          operationId: `getMarket${theme.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`,
          tags: TAGS,
          summary: `The market dashboards' figures: ${theme}`,
          description: `The figures of the market dashboard /market/${theme}, with the same filters as the page and its CSV files: each chart's rows as its CSV gives them (money in pence as digits, shares as percentages), each with its source — OpenPS's own, or processes imported from other publishers' OCDS data — and the publishers whose imported processes are included.`,
          querystring: MarketQuerySchema,
          response: { 200: MarketThemeResponse },
        },
      ),
      async (request) => themeJson(theme, await chartsAsked(request, theme)),
    );
}

/** A theme's figures as the filters in the address choose them, made into its charts' figures. */
async function chartsAsked(
  request: FastifyRequest,
  theme: Theme,
): Promise<{ chosen: Chosen; answer: ThemeAnswer<Theme>; figures: Figure[] }> {
  const ctx = ctxOf(request);
  const chosen = await chosenFilters(ctx.db, queryOf(request));
  const answer = await themeFigures(ctx, theme, chosen);
  const words = await wordsOf(request, await choices(ctx));
  return { chosen, answer, figures: chartsOf(theme, answer.figures, words, shownOf(chosen.filters.source)) };
}

/** A CSV value in JSON: money (bigint) as digits, as the CSV writes it. */
const jsonCell = (value: CsvValue) => (typeof value === "bigint" ? value.toString() : value);
const month = (m: string | undefined) => (m ? m.slice(0, 7) : null);

function themeJson(theme: Theme, asked: Awaited<ReturnType<typeof chartsAsked>>) {
  const { chosen, figures } = asked;
  const { computedAt, imported } = asked.answer;
  return {
    theme,
    filters: {
      authority: chosen.authority?.slug ?? null,
      category: chosen.filters.category ?? null,
      area: chosen.filters.area ?? null,
      from: month(chosen.filters.from),
      to: month(chosen.filters.to),
      source: chosen.filters.source,
    },
    computedAt: computedAt?.toISOString() ?? null,
    imported: imported
      ? {
          publishers: imported.publishers.map((p) => ({
            id: p.id,
            name: p.name,
            uri: p.uri,
            processes: p.processes,
            otherCurrency: p.otherCurrency,
            currencies: p.currencies,
            computedAt: p.computedAt?.toISOString() ?? null,
            links: { releases: externalReleasesHref(p.id) },
          })),
          more: imported.more,
          otherCurrency: imported.otherCurrency,
          currencies: imported.currencies,
          computedAt: imported.computedAt?.toISOString() ?? null,
          leftOutBy: imported.leftOutBy,
        }
      : null,
    charts: figures.map((figure) => {
      const keys = figure.columns.map((c) => c.key);
      return {
        id: figure.id,
        title: figure.title,
        description: figure.description,
        openpsOnly: figure.openpsOnly,
        csv: withQuery(`/market/${figure.id}.csv`, chosen.query),
        columns: figure.columns.map((c) => ({ key: c.key, label: c.label })),
        rows: figure.csv.map((row) =>
          Object.fromEntries(keys.map((key, i) => [key, jsonCell(row[i] ?? "")])),
        ),
      };
    }),
  };
}
