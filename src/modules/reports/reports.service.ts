/**
 * Progress reports (issue 16, item 7; the Open Public Services White Paper: "from April 2012
 * departments will publish regular progress reports"): the headline figures of a period — for one
 * public body or for every one — each beside the previous period of the same length. The market's
 * figures come from its kept aggregates (market.service.ts), summed over every authority for the
 * national report; what the market does not keep (tenders published, consultations, expressions of
 * interest submitted) from small counts over the period's rows through indexes. Public: anyone may
 * read them. docs/reports.md says what each figure counts and how its change is worked out.
 */
import type { Db } from "../../db/database.ts";
import { ValidationError } from "../../lib/errors.ts";
import { keptFor } from "../../lib/kept.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import type { Ctx } from "../access/context.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { expressionsSubmittedBetween } from "../challenges/challenges.service.ts";
import { consultationCountsBetween } from "../consultations/consultations.service.ts";
import {
  failingLocations,
  figuresComputedAt,
  figuresSince,
  type PeriodFigures,
  periodFigures,
} from "../market/market.service.ts";
import { mutualSummary } from "../organisations/organisations.service.ts";
import { tendersPublishedBetween } from "../tenders/tenders.service.ts";
import { type Change, change, meanHundredths } from "./change.ts";
import {
  financialYearOf,
  type Period,
  parsePeriod,
  periodChoices,
  periodOf,
  previousPeriod,
} from "./period.ts";

export type { Change } from "./change.ts";
export type { Period } from "./period.ts";

/** How a figure is read: a count, money in pence, or a mean in hundredths. */
export type Unit = "count" | "pence" | "hundredths";

export interface ReportFigure {
  key: string;
  /** For the contracts by provider sector: the sector's code. */
  sector?: string;
  unit: Unit;
  /** "period": counted within the period and compared; "current": as it stands now, not by period. */
  kind: "period" | "current";
  /** Null when there is nothing to count it from (a mean of no tenders; an area not recorded). */
  current: bigint | null;
  previous: bigint | null;
  /** Null for a current figure: no earlier figure is kept to compare with. */
  change: Change | null;
}

export interface ReportSection {
  key: "opportunities" | "consultations" | "challenges" | "tenders" | "awards" | "mutuals" | "failing";
  figures: ReportFigure[];
}

export interface Report {
  authority: Pick<Authority, "id" | "slug" | "name" | "welsh_name"> | null;
  period: Period;
  previous: Period;
  /** Whether the previous period can be compared: the figures cover all of it. */
  comparable: boolean;
  /** The first month the figures cover (YYYY-MM-01); null when there are none. */
  since: string | null;
  generatedAt: Date;
  /** When the market's figures were last computed. */
  computedAt: Date | null;
  sections: ReportSection[];
}

/** The period the address asks for; the current financial year when none. A `ValidationError` naming `period` otherwise. */
export function chosenPeriod(ctx: Pick<Ctx, "clock">, text: string | undefined): Period {
  const typed = (text ?? "").trim();
  if (!typed) return periodOf(financialYearOf(londonToday(ctx.clock)), null);
  const period = parsePeriod(typed);
  if (!period)
    throw new ValidationError(msg`Check the period`, [
      {
        field: "period",
        message: msg`Enter a financial year like 2026-27, or a quarter of one like 2026-Q3`,
      },
    ]);
  return period;
}

/** The periods the chooser offers: from the first year with figures (or three years back) to this one. */
export async function periodsOffered(ctx: Pick<Ctx, "db" | "clock">): Promise<Period[]> {
  const thisYear = financialYearOf(londonToday(ctx.clock));
  const since = await figuresSince(ctx);
  const first = since ? Math.min(financialYearOf(since), thisYear - 2) : thisYear - 2;
  return periodChoices(first, thisYear);
}

interface Counted {
  market: PeriodFigures;
  tendersPublished: number;
  consultations: { opened: number; closed: number; responses: number; youSaidWeDid: number };
  expressions: number;
}

async function counted(ctx: Pick<Ctx, "db" | "clock">, authorityId: string | undefined, period: Period) {
  const range = { authorityId, from: period.from, to: period.to };
  return {
    market: await periodFigures(ctx, {
      authorityId,
      firstMonth: period.firstMonth,
      lastMonth: period.lastMonth,
    }),
    tendersPublished: await tendersPublishedBetween(ctx, range),
    consultations: await consultationCountsBetween(ctx, range),
    expressions: await expressionsSubmittedBetween(ctx.db, range),
  } satisfies Counted;
}

const big = (n: number | bigint) => BigInt(n);
const valueAwarded = (c: Counted) => c.market.contractsBySector.reduce((sum, r) => sum + r.valuePence, 0n);
const bidsPerTender = (c: Counted) => meanHundredths(big(c.market.bidsOpened), big(c.market.tendersOpened));

/** A figure of the period, beside the previous period's when that can be compared. */
function periodFigure(
  key: string,
  unit: Unit,
  now: Counted,
  before: Counted | null,
  read: (c: Counted) => bigint | null,
  sector?: string,
): ReportFigure {
  const current = read(now);
  const previous = before ? read(before) : null;
  return {
    key,
    ...(sector ? { sector } : {}),
    unit,
    kind: "period",
    current,
    previous,
    change: current === null ? { comparable: false } : change(current, previous),
  };
}

const currentFigure = (key: string, current: bigint | null): ReportFigure => ({
  key,
  unit: "count",
  kind: "current",
  current,
  previous: null,
  change: null,
});

/**
 * The progress report of a period (`periodText` as the address gives it) for one authority, or for
 * every one when `authority` is null. Public.
 */
export async function progressReport(
  ctx: Pick<Ctx, "db" | "clock">,
  authority: Authority | null,
  periodText: string | undefined,
): Promise<Report> {
  const period = chosenPeriod(ctx, periodText);
  const kept = await keptReports.get(
    ctx.db,
    ctx.clock.now(),
    () => reportOf(ctx, authority, period),
    `${authority?.id ?? "every"} ${JSON.stringify(period)}`,
  );
  return { ...kept.value, generatedAt: kept.countedAt };
}

/**
 * How long a report is kept before it is counted again: a national report counts a year's tenders
 * of the whole country (about 20 ms each period at national scale), which no page view should do
 * every time. The report says when it was made.
 */
export const REPORT_MAX_AGE_MS = 60_000;

const keptReports = keptFor<Db, Report>(REPORT_MAX_AGE_MS, { names: 500 });

async function reportOf(
  ctx: Pick<Ctx, "db" | "clock">,
  authority: Authority | null,
  period: Period,
): Promise<Report> {
  const previous = previousPeriod(period);
  const authorityId = authority?.id;
  const since = await figuresSince(ctx, authorityId);
  const comparable = since !== null && since <= previous.firstMonth;
  const now = await counted(ctx, authorityId, period);
  const before = comparable ? await counted(ctx, authorityId, previous) : null;
  const figure = (key: string, unit: Unit, read: (c: Counted) => bigint | null, sector?: string) =>
    periodFigure(key, unit, now, before, read, sector);
  const sectors = [
    ...new Set([
      ...now.market.contractsBySector.map((r) => r.key),
      ...(before?.market.contractsBySector.map((r) => r.key) ?? []),
    ]),
  ];
  const sectorValue = (sector: string) => (c: Counted) =>
    c.market.contractsBySector.find((r) => r.key === sector)?.valuePence ?? 0n;
  const directory = await mutualSummary(ctx);
  const area = authority ? authority.area_code : undefined;
  return {
    authority: authority
      ? { id: authority.id, slug: authority.slug, name: authority.name, welsh_name: authority.welsh_name }
      : null,
    period,
    previous,
    comparable,
    since,
    generatedAt: ctx.clock.now(),
    computedAt: await figuresComputedAt(ctx, authorityId),
    sections: [
      {
        key: "opportunities",
        figures: [figure("tendersPublished", "count", (c) => big(c.tendersPublished))],
      },
      {
        key: "consultations",
        figures: [
          figure("consultationsOpened", "count", (c) => big(c.consultations.opened)),
          figure("consultationsClosed", "count", (c) => big(c.consultations.closed)),
          figure("responses", "count", (c) => big(c.consultations.responses)),
          figure("youSaidWeDid", "count", (c) => big(c.consultations.youSaidWeDid)),
        ],
      },
      {
        key: "challenges",
        figures: [
          figure("expressionsSubmitted", "count", (c) => big(c.expressions)),
          figure("challengesAccepted", "count", (c) => big(c.market.challengeOutcomes.accepted)),
          figure("challengesModified", "count", (c) => big(c.market.challengeOutcomes.modified)),
          figure("challengesRejected", "count", (c) => big(c.market.challengeOutcomes.rejected)),
        ],
      },
      {
        key: "tenders",
        figures: [
          figure("tendersOpened", "count", (c) => big(c.market.tendersOpened)),
          figure("bidsOpened", "count", (c) => big(c.market.bidsOpened)),
          figure("bidsPerTender", "hundredths", bidsPerTender),
        ],
      },
      {
        key: "awards",
        figures: [
          figure("awards", "count", (c) => big(c.market.awards)),
          figure("valueAwarded", "pence", valueAwarded),
          ...sectors.map((sector) => figure("valueBySector", "pence", sectorValue(sector), sector)),
        ],
      },
      {
        key: "mutuals",
        figures: [
          figure("mutualsContracted", "count", (c) => big(c.market.mutualSuppliers)),
          currentFigure("mutualsInDirectory", big(directory.organisations)),
          currentFigure("mutualStaff", big(directory.staff)),
        ],
      },
      {
        key: "failing",
        figures: [
          currentFigure("inadequateLocations", area === null ? null : big(await failingLocations(ctx, area))),
        ],
      },
    ],
  };
}
