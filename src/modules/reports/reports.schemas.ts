/** The progress reports' JSON: the query (a period) and the report. See docs/reports.md. */
import { Type } from "typebox";
import { Instant, Nullable, Strings, Uuid } from "../../http/schemas.ts";

export const TAGS: [string] = ["reports"];

export const ReportQuery = Type.Object({
  period: Type.Optional(
    Type.String({
      maxLength: 20,
      description:
        "A financial year, April to March, like `2026-27`, or one of its quarters like `2026-Q3` (Q1 April–June … Q4 January–March); the current financial year when left out",
    }),
  ),
});

const Digits = (description: string) => Type.String({ pattern: "^-?[0-9]{1,20}$", description });

const PeriodJson = Type.Object({
  code: Type.String({ description: "As written in the address: `2026-27` or `2026-Q3`" }),
  kind: Strings(["year", "quarter"] as const),
  firstMonth: Type.String({ pattern: "^[0-9]{4}-[0-9]{2}$", description: "The first month, YYYY-MM" }),
  lastMonth: Type.String({
    pattern: "^[0-9]{4}-[0-9]{2}$",
    description: "The last month, YYYY-MM (included)",
  }),
});

const FigureJson = Type.Object({
  key: Type.String({ description: "What the figure counts (docs/reports.md)" }),
  sector: Type.Optional(Type.String({ description: "For `valueBySector`: the provider sector's code" })),
  unit: Strings(["count", "pence", "hundredths"] as const),
  kind: Strings(["period", "current"] as const),
  current: Nullable(Digits("The figure in the period (or now, for a current figure), as digits in its unit")),
  previous: Nullable(Digits("The figure in the previous period; null when it cannot be compared")),
  change: Type.Object({
    comparable: Type.Boolean(),
    difference: Nullable(Digits("This period's figure less the previous period's, in its unit")),
    percentBp: Nullable(
      Digits(
        "The change as a share of the previous figure, in basis points (10,000 = 100%); null when that was 0",
      ),
    ),
  }),
});

export const ReportResponse = Type.Object({
  authority: Nullable(Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() })),
  period: PeriodJson,
  previousPeriod: PeriodJson,
  comparable: Type.Boolean({ description: "Whether the figures cover all of the previous period" }),
  figuresSince: Nullable(Type.String({ description: "The first month the figures cover, YYYY-MM" })),
  generatedAt: Instant,
  computedAt: Nullable(Instant),
  licence: Type.String(),
  sections: Type.Array(
    Type.Object({
      key: Strings([
        "opportunities",
        "consultations",
        "challenges",
        "tenders",
        "awards",
        "mutuals",
        "failing",
      ] as const),
      figures: Type.Array(FigureJson),
    }),
  ),
});
