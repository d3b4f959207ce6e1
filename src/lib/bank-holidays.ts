/**
 * The bank and public holidays of each UK nation, computed by rule for any year from 2012: the
 * Banking and Financial Dealings Act 1971, Schedule 1 (as amended; St Andrew's Day by the St
 * Andrew's Day Bank Holiday (Scotland) Act 2007), with the substitute days each nation keeps when a
 * fixed-date holiday falls at a weekend, and the days royal proclamations moved or added, kept as
 * data in PROCLAIMED below. Nothing is fetched: the rules need no network.
 *
 * The tests check the rules against the dates GOV.UK publishes (https://www.gov.uk/bank-holidays)
 * and against the full list for 2012 to 2030 (bank-holidays.test-fixtures.json). Before 2012 the
 * rules and the proclaimed days are not kept (the Millennium, the 2002 Golden Jubilee and the 2011
 * royal wedding; Scotland had no St Andrew's Day before 2007), so earlier years are refused.
 *
 * When a holiday is proclaimed, or a usual one moved: add it to PROCLAIMED, with the nations it
 * applies to (for a year up to 2030, put it in the test fixture too, by hand), and add the year to
 * the test's published dates once GOV.UK lists it.
 */

export type Nation = "england-and-wales" | "scotland" | "northern-ireland";

export type BankHoliday = { readonly date: string; readonly title: string };

export const NATIONS: readonly Nation[] = ["england-and-wales", "scotland", "northern-ireland"];

/** The first year whose holidays the rules and proclaimed days give; years before it are refused. */
export const FIRST_HOLIDAY_YEAR = 2012;
/** The last year a YYYY-MM-DD date can name. */
export const LAST_HOLIDAY_YEAR = 9999;

/** The usual Mondays a proclamation may move: early May, spring (late May) and summer (August). */
type MovableHoliday = "early-may" | "spring" | "summer";

/** A holiday proclaimed for one year: an extra one, or (with `moves`) a usual one moved to `date`. */
type Proclaimed = {
  readonly date: string;
  readonly title: string;
  readonly nations: readonly Nation[];
  /** The usual holiday moved to `date`: its usual Monday is then a working day. */
  readonly moves?: MovableHoliday;
};

/** Holidays moved or added by royal proclamation, and the nations they apply to. */
export const PROCLAIMED: readonly Proclaimed[] = [
  // The Queen's Diamond Jubilee: the spring bank holiday moved from 28 May to 4 June, and 5 June added.
  { moves: "spring", date: "2012-06-04", title: "Spring bank holiday", nations: NATIONS },
  { date: "2012-06-05", title: "Queen’s Diamond Jubilee", nations: NATIONS },
  // The 75th anniversary of VE day: the early May bank holiday moved from 4 May to Friday 8 May.
  { moves: "early-may", date: "2020-05-08", title: "Early May bank holiday (VE day)", nations: NATIONS },
  // The Queen's Platinum Jubilee: the spring bank holiday moved from 30 May to 2 June, and 3 June added.
  { moves: "spring", date: "2022-06-02", title: "Spring bank holiday", nations: NATIONS },
  { date: "2022-06-03", title: "Platinum Jubilee bank holiday", nations: NATIONS },
  { date: "2022-09-19", title: "Bank Holiday for the State Funeral of Queen Elizabeth II", nations: NATIONS },
  { date: "2023-05-08", title: "Bank holiday for the coronation of King Charles III", nations: NATIONS },
  // Proclaimed 4 February 2026, for Scotland's first men's World Cup finals match since 1998.
  { date: "2026-06-15", title: "World Cup bank holiday", nations: ["scotland"] },
];

const DAY_MS = 86_400_000;
const SUNDAY = 0;
const MONDAY = 1;
const SATURDAY = 6;

type FixedDay = { readonly month: number; readonly day: number; readonly title: string };

const NEW_YEARS_DAY: FixedDay = { month: 1, day: 1, title: "New Year’s Day" };
const SECOND_JANUARY: FixedDay = { month: 1, day: 2, title: "2nd January" };
const ST_PATRICKS_DAY: FixedDay = { month: 3, day: 17, title: "St Patrick’s Day" };
const BATTLE_OF_THE_BOYNE: FixedDay = { month: 7, day: 12, title: "Battle of the Boyne (Orangemen’s Day)" };
const ST_ANDREWS_DAY: FixedDay = { month: 11, day: 30, title: "St Andrew’s Day" };
const CHRISTMAS_DAY: FixedDay = { month: 12, day: 25, title: "Christmas Day" };
const BOXING_DAY: FixedDay = { month: 12, day: 26, title: "Boxing Day" };

export function isNation(value: unknown): value is Nation {
  return typeof value === "string" && (NATIONS as readonly string[]).includes(value);
}

/**
 * The bank and public holidays of a nation in a year, in date order, each on a weekday:
 * - everywhere: New Year's Day, Good Friday, the early May bank holiday (first Monday in May), the
 *   spring bank holiday (last Monday in May), Christmas Day and Boxing Day;
 * - England and Wales: Easter Monday and the summer bank holiday (last Monday in August);
 * - Scotland: 2 January, the summer bank holiday on the first Monday in August, and St Andrew's Day
 *   (30 November); not Easter Monday;
 * - Northern Ireland: St Patrick's Day (17 March), Easter Monday, the Battle of the Boyne (12 July)
 *   and the summer bank holiday (last Monday in August);
 * - a fixed-date holiday at a weekend gives a substitute day (see `withSubstitutes`);
 * - and the days proclaimed for that year (PROCLAIMED).
 */
export function bankHolidays(nation: Nation, year: number): readonly BankHoliday[] {
  if (!isNation(nation)) throw new RangeError(`There are no bank holidays for "${nation}"`);
  assertYear(year);
  const easter = easterSundayDay(year);
  const easterMonday = nation === "scotland" ? [] : [{ date: isoDate(easter + 1), title: "Easter Monday" }];
  const holidays: BankHoliday[] = [
    ...withSubstitutes(year, nation === "scotland" ? [NEW_YEARS_DAY, SECOND_JANUARY] : [NEW_YEARS_DAY]),
    ...(nation === "northern-ireland" ? withSubstitutes(year, [ST_PATRICKS_DAY]) : []),
    { date: isoDate(easter - 2), title: "Good Friday" },
    ...easterMonday,
    movable(nation, year, "early-may", firstMonday(year, 5), "Early May bank holiday"),
    movable(nation, year, "spring", lastMonday(year, 5), "Spring bank holiday"),
    ...(nation === "northern-ireland" ? withSubstitutes(year, [BATTLE_OF_THE_BOYNE]) : []),
    movable(
      nation,
      year,
      "summer",
      nation === "scotland" ? firstMonday(year, 8) : lastMonday(year, 8),
      "Summer bank holiday",
    ),
    ...(nation === "scotland" ? withSubstitutes(year, [ST_ANDREWS_DAY]) : []),
    ...withSubstitutes(year, [CHRISTMAS_DAY, BOXING_DAY]),
    ...PROCLAIMED.filter(
      (day) => !day.moves && day.date.startsWith(`${year}-`) && day.nations.includes(nation),
    ).map(({ date, title }) => ({ date, title })),
  ];
  return holidays.sort((a, b) => a.date.localeCompare(b.date));
}

/** Easter Sunday (YYYY-MM-DD) in the Gregorian calendar. */
export function easterSunday(year: number): string {
  if (!Number.isSafeInteger(year) || year < 1583) {
    throw new RangeError(`Easter is computed for Gregorian years from 1583, not ${year}`);
  }
  return isoDate(easterSundayDay(year));
}

/**
 * Fixed-date holidays that substitute for one another, in order. One that falls on a weekday is
 * kept; one that falls at a weekend is replaced by the next weekday not already a holiday in the
 * group. So Christmas on a Saturday gives Monday 27th and Boxing Day on the Sunday Tuesday 28th;
 * Christmas on a Sunday gives Tuesday 27th, as Boxing Day has the Monday. In Scotland New Year's Day
 * and 2 January pair the same way; St Andrew's, St Patrick's and the Boyne move to the Monday.
 */
function withSubstitutes(year: number, fixedDays: readonly FixedDay[]): BankHoliday[] {
  const days = fixedDays.map((fixed) => ({
    title: fixed.title,
    day: dayNumberOf(year, fixed.month, fixed.day),
  }));
  const taken = new Set(days.filter(({ day }) => !isWeekend(day)).map(({ day }) => day));
  return days.map(({ day, title }) => {
    if (!isWeekend(day)) return { date: isoDate(day), title };
    let substitute = day + 1;
    while (isWeekend(substitute) || taken.has(substitute)) substitute += 1;
    taken.add(substitute);
    return { date: isoDate(substitute), title: `${title} (substitute day)` };
  });
}

function movable(
  nation: Nation,
  year: number,
  holiday: MovableHoliday,
  usualDay: number,
  title: string,
): BankHoliday {
  const moved = PROCLAIMED.find(
    (day) => day.moves === holiday && day.date.startsWith(`${year}-`) && day.nations.includes(nation),
  );
  return moved ? { date: moved.date, title: moved.title } : { date: isoDate(usualDay), title };
}

/** Easter Sunday as days since 1970-01-01: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSundayDay(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumberOf(year, month, day);
}

function firstMonday(year: number, month: number): number {
  const first = dayNumberOf(year, month, 1);
  return first + ((MONDAY - weekday(first) + 7) % 7);
}

function lastMonday(year: number, month: number): number {
  const last = dayNumberOf(year, month + 1, 0);
  return last - ((weekday(last) - MONDAY + 7) % 7);
}

function assertYear(year: number): void {
  if (!Number.isSafeInteger(year) || year < FIRST_HOLIDAY_YEAR || year > LAST_HOLIDAY_YEAR) {
    throw new RangeError(
      `Bank holidays are kept for the years ${FIRST_HOLIDAY_YEAR} to ${LAST_HOLIDAY_YEAR}, not ${year}`,
    );
  }
}

/** Days since 1970-01-01 (a year from 100 on: `Date.UTC` reads 0–99 as 1900–1999). */
function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function weekday(day: number): number {
  return new Date(day * DAY_MS).getUTCDay();
}

function isWeekend(day: number): boolean {
  const dayOfWeek = weekday(day);
  return dayOfWeek === SATURDAY || dayOfWeek === SUNDAY;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
