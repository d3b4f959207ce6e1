/** The market dashboards' JSON API: what a theme's figures are asked with and answered as. */
import { Type } from "typebox";

export const TAGS: [string] = ["market"];

const NullableText = (options: Parameters<typeof Type.String>[0] = {}) =>
  Type.Union([Type.String(options), Type.Null()]);

/** The same filters as the pages and CSV files take, each as typed there. */
export const MarketQuery = Type.Object({
  authority: Type.Optional(Type.String({ maxLength: 200, description: "A public body's slug" })),
  category: Type.Optional(Type.String({ maxLength: 200, description: "A service category's code" })),
  area: Type.Optional(Type.String({ maxLength: 20, description: "An area's ONS GSS code" })),
  year: Type.Optional(
    Type.String({
      maxLength: 4,
      description: "A financial year (April to March) by the year it starts in: 2026 is 2026–27",
    }),
  ),
  from: Type.Optional(Type.String({ maxLength: 7, description: "The first month, YYYY-MM (included)" })),
  to: Type.Optional(Type.String({ maxLength: 7, description: "The last month, YYYY-MM (included)" })),
  source: Type.Optional(
    Type.Union([Type.Literal("openps"), Type.Literal("imported"), Type.Literal("both")], {
      description:
        "Whose figures: OpenPS's own (openps, the default), those of processes imported from other publishers' OCDS data (imported), or both",
    }),
  ),
});

const Cell = Type.Union([Type.String(), Type.Number()], {
  description: "As the CSV writes it: codes, whole numbers, money in pence as digits, percentages",
});

const Chart = Type.Object({
  id: Type.String({ description: "The chart's id: its CSV is /market/<id>.csv" }),
  title: Type.String(),
  description: Type.String({ description: "What the chart shows, in a sentence or two" }),
  openpsOnly: Type.Boolean({
    description:
      "True for figures imported processes have no counterpart of (Right to Challenge, ratings, KPI ratings, mutuals' staff): OpenPS's own only, whatever `source`",
  }),
  csv: Type.String({ description: "The same figures as CSV, with the same filters (site-relative)" }),
  columns: Type.Array(Type.Object({ key: Type.String(), label: Type.String() }), {
    description: "The CSV's columns, in order: each row's keys; the last, `source`, says whose figure it is",
  }),
  rows: Type.Array(Type.Record(Type.String(), Cell), {
    description:
      "The CSV's rows, keyed by its columns: `source` is openps, imported or (a market's concentration) both",
  }),
});

const Publisher = Type.Object({
  id: Type.String({ format: "uuid" }),
  name: Type.String(),
  uri: NullableText(),
  processes: Type.Integer({ description: "Its processes read" }),
  otherCurrency: Type.Integer({
    description: "Its contracts left out for a value in another currency than pounds",
  }),
  currencies: Type.Array(Type.String()),
  computedAt: NullableText({ format: "date-time" }),
  links: Type.Object({ releases: Type.String({ description: "Its imported releases (site-relative)" }) }),
});

export const MarketThemeResponse = Type.Object({
  theme: Type.String(),
  filters: Type.Object({
    authority: NullableText(),
    category: NullableText(),
    area: NullableText(),
    from: NullableText({ description: "The first month included, YYYY-MM" }),
    to: NullableText({ description: "The last month included, YYYY-MM" }),
    source: Type.Union([Type.Literal("openps"), Type.Literal("imported"), Type.Literal("both")]),
  }),
  computedAt: NullableText({ format: "date-time", description: "When OpenPS's figures were computed" }),
  imported: Type.Union(
    [
      Type.Null(),
      Type.Object({
        publishers: Type.Array(Publisher, { description: "By name, the first 20" }),
        more: Type.Integer({ description: "Publishers beyond those listed" }),
        otherCurrency: Type.Integer({
          description: "Contracts left out for a value in another currency than pounds, over every publisher",
        }),
        currencies: Type.Array(Type.String()),
        computedAt: NullableText({ format: "date-time" }),
        leftOutBy: Type.Array(Type.Union([Type.Literal("authority"), Type.Literal("area")]), {
          description:
            "Filters that leave imported processes out: a public body (they belong to none in OpenPS), an area (theirs is not known)",
        }),
      }),
    ],
    { description: "The imported processes the figures include (null: OpenPS's own only)" },
  ),
  charts: Type.Array(Chart),
});
