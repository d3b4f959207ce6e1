/**
 * The area figures of choice (issue 17, item 9): what a consumer champion — and anyone else, a
 * journalist, a person choosing — sees of choice in an area (a GSS code). Open figures: per service
 * type, the open approved-provider lists covering the area with their providers, the capacity they
 * offer and their prices against the tariff (choice's `choiceAreaFigures`); the "choice not
 * available" records of the people in the area per month with how they were answered (choice's);
 * and feedback trends — the published reviews of the people in the area (whichever provider they
 * reviewed) per month of their service, with the average rating (this module's).
 *
 * Small numbers are suppressed by the one rule (src/lib/small-numbers.ts): a count of 1 to 9 is
 * shown as "fewer than 10" (null here), with an average of fewer than 10 reviews; where a month's
 * record count is shown and exactly one of its parts (on time, late, waiting) would be hidden, the
 * next smallest part is hidden too. No total over the months is shown here, but the market publishes
 * the area's totals (all time): so where exactly one month would be hidden in a column, the next
 * smallest month is hidden too (`unavailableMonths`), that total less the months shown giving none away. Counted at most once every `AREA_FIGURES_MAX_AGE_MS`
 * per area (`keptFor`), each read narrowed to the area by an index; the page says when. Public.
 */
import type { Db } from "../../db/database.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { type Kept, keptFor } from "../../lib/kept.ts";
import { londonToday } from "../../lib/london-time.ts";
import { hiddenParts, hiddenTable, shownCount } from "../../lib/small-numbers.ts";
import type { Ctx } from "../access/context.ts";
import { type ChoiceAreaFigures, choiceAreaFigures, openListCounts } from "../choice/area-figures.service.ts";
import { findArea } from "../vocabularies/vocabularies.service.ts";
import * as repo from "./champion-figures.repository.ts";
import type { CoveredArea } from "./champions.service.ts";

export type { CapacityFigure, PriceFigure, ServiceTypeFigures } from "../choice/area-figures.service.ts";

/** How long an area's figures are kept before they are counted again: ten minutes. */
export const AREA_FIGURES_MAX_AGE_MS = 10 * 60_000;

/** A count as it may be published: null when it is 1 to 9 (suppressed). */
export type Shown = number | null;

/** One month's "choice not available" records, suppressed. */
export interface UnavailableMonth {
  month: string;
  records: Shown;
  onTime: Shown;
  late: Shown;
  waiting: Shown;
  /** Of those waiting, past the day the answer was due. */
  overdue: Shown;
}

/** One month's published reviews, suppressed; the average rating (1 to 5, one decimal) of 10 or more. */
export interface FeedbackMonth {
  month: string;
  reviews: Shown;
  averageStars: number | null;
}

export interface AreaFigures {
  area: CoveredArea;
  serviceTypes: ChoiceAreaFigures["serviceTypes"];
  listsCapped: boolean;
  months: string[];
  unavailable: UnavailableMonth[];
  feedback: FeedbackMonth[];
  /** When they were counted (kept up to `AREA_FIGURES_MAX_AGE_MS`). */
  countedAt: Date;
}

/** A count as published: 1 to 9 hidden (src/lib/small-numbers.ts). */
export function shown(count: number): Shown {
  return shownCount(count);
}

/**
 * The parts of a total as published: each of 1 to 9 hidden; when exactly one is hidden, the next
 * smallest part that is not zero is hidden too, so the total (shown or not) cannot give it away.
 */
export function shownParts(parts: readonly number[]): Shown[] {
  const hidden = hiddenParts(parts);
  return parts.map((p, i) => (hidden[i] ? null : p));
}

/**
 * The months of "choice not available" as published. The market publishes each column's total (the
 * records, how they were met, those overdue) for the authority and area, and each month's parts add
 * up to its records: so the rule runs over the months as a table — a lone hidden month in any column,
 * or a lone hidden part in any month, has the next smallest beside it hidden too, until none is lone.
 */
function unavailableMonths(rows: ChoiceAreaFigures["unavailable"]): UnavailableMonth[] {
  const table = rows.map((r) => [r.records, r.on_time, r.late, r.waiting, r.overdue]);
  const hidden = hiddenTable(table, [1, 2, 3]);
  return rows.map((r, i) => {
    const h = hidden[i] ?? [];
    const at = (j: number, value: number): Shown => (h[j] ? null : value);
    const waiting = at(3, r.waiting);
    return {
      month: r.month,
      records: at(0, r.records),
      onTime: at(1, r.on_time),
      late: at(2, r.late),
      waiting,
      overdue: waiting === null && r.overdue > 0 ? null : at(4, r.overdue),
    };
  });
}

function feedbackMonth(month: string, row: repo.FeedbackMonthRow | undefined): FeedbackMonth {
  const reviews = row?.reviews ?? 0;
  const count = shown(reviews);
  return {
    month,
    reviews: count,
    averageStars:
      count === null || reviews === 0 ? null : Math.round(((row?.stars ?? 0) * 10) / reviews) / 10,
  };
}

interface Counted {
  choice: ChoiceAreaFigures;
  feedback: repo.FeedbackMonthRow[];
}

const keptAreas = keptFor<Db, Counted>(AREA_FIGURES_MAX_AGE_MS, { names: 500 });

async function countedFor(ctx: Ctx, areaCode: string): Promise<Kept<Counted>> {
  return keptAreas.get(
    ctx.db,
    ctx.clock.now(),
    async () => {
      const today = londonToday(ctx.clock);
      const choice = await choiceAreaFigures(ctx.db, areaCode, today);
      const feedback = await repo.feedbackByMonth(ctx.db, areaCode, choice.months[0] as string);
      return { choice, feedback };
    },
    areaCode,
  );
}

/** The area, or 404 (an unknown or malformed code). */
async function areaOf(ctx: Ctx, areaCode: string): Promise<CoveredArea> {
  const area = areaCode.length <= 20 ? await findArea(ctx.db, areaCode) : undefined;
  if (!area) throw new NotFoundError("area");
  return { code: area.code, name: area.name };
}

/** An area's figures of choice, small numbers suppressed (404 for an unknown area). Public. */
export async function areaFigures(ctx: Ctx, areaCode: string): Promise<AreaFigures> {
  const area = await areaOf(ctx, areaCode);
  const { value, countedAt } = await countedFor(ctx, area.code);
  const byMonth = new Map(value.feedback.map((r) => [r.month, r]));
  return {
    area,
    serviceTypes: value.choice.serviceTypes,
    listsCapped: value.choice.listsCapped,
    months: value.choice.months,
    unavailable: unavailableMonths(value.choice.unavailable),
    feedback: value.choice.months.map((m) => feedbackMonth(m, byMonth.get(m))),
    countedAt,
  };
}

/** An area's headline on a champion's page: its open lists, and the service types they are for. */
export interface AreaHeadline extends CoveredArea {
  lists: number;
  serviceTypes: number;
}

/** The areas a champion's page gives headlines for: the first so many, by name; it says when there are more. */
export const HEADLINE_AREAS = 50;

/**
 * The headlines of the areas a champion covers (its people's "Your areas' figures"): the first
 * `HEADLINE_AREAS`, their open lists counted in one grouped read. Public figures.
 */
export async function areaHeadlines(
  ctx: Ctx,
  areas: readonly CoveredArea[],
): Promise<{ headlines: AreaHeadline[]; more: boolean }> {
  const first = areas.slice(0, HEADLINE_AREAS);
  const counts = await openListCounts(
    ctx.db,
    first.map((a) => a.code),
  );
  return {
    headlines: first.map((area) => ({
      ...area,
      lists: counts.get(area.code)?.lists ?? 0,
      serviceTypes: counts.get(area.code)?.serviceTypes ?? 0,
    })),
    more: areas.length > HEADLINE_AREAS,
  };
}
