/**
 * Writes src/lib/bank-holidays.json: the bank and public holidays of each UK nation, 2012–2030,
 * from the rules in the Banking and Financial Dealings Act 1971 (as amended: St Andrew's Day by the
 * St Andrew's Day Bank Holiday (Scotland) Act 2007) and the royal proclamations that moved or added
 * days. Run once when the rules change or the range is extended, review the diff against the
 * GOV.UK list (https://www.gov.uk/bank-holidays), and check the file in:
 *
 *   node scripts/generate-bank-holidays.ts
 *
 * The file is data: the working-day calendar reads it and never runs these rules.
 */
import { writeFileSync } from "node:fs";

export type Nation = "england-and-wales" | "scotland" | "northern-ireland";
export type BankHoliday = { date: string; title: string };
export type BankHolidayCalendar = Record<Nation, BankHoliday[]>;

export const FIRST_YEAR = 2012;
export const LAST_YEAR = 2030;
const NATIONS: readonly Nation[] = ["england-and-wales", "scotland", "northern-ireland"];

const DAY_MS = 86_400_000;
const SUNDAY = 0;
const MONDAY = 1;
const SATURDAY = 6;

type FixedDay = { month: number; day: number; title: string };
type MovableKey = "early-may" | "spring" | "summer";

/** Bank holidays moved by proclamation from their usual Monday. */
const MOVED: readonly { year: number; key: MovableKey; date: string; title: string }[] = [
  { year: 2012, key: "spring", date: "2012-06-04", title: "Spring bank holiday" }, // for the Diamond Jubilee
  { year: 2020, key: "early-may", date: "2020-05-08", title: "Early May bank holiday (VE day)" },
  { year: 2022, key: "spring", date: "2022-06-02", title: "Spring bank holiday" }, // for the Platinum Jubilee
];

/** Extra one-off bank holidays appointed by royal proclamation, and the nations they apply to. */
const ONE_OFFS: readonly (BankHoliday & { nations: readonly Nation[] })[] = [
  { date: "2012-06-05", title: "Queen’s Diamond Jubilee", nations: NATIONS },
  { date: "2022-06-03", title: "Platinum Jubilee bank holiday", nations: NATIONS },
  { date: "2022-09-19", title: "Bank Holiday for the State Funeral of Queen Elizabeth II", nations: NATIONS },
  { date: "2023-05-08", title: "Bank holiday for the coronation of King Charles III", nations: NATIONS },
  // Proclaimed 4 February 2026, for Scotland's first men's World Cup finals match since 1998.
  { date: "2026-06-15", title: "World Cup bank holiday", nations: ["scotland"] },
];

export function generateBankHolidays(firstYear = FIRST_YEAR, lastYear = LAST_YEAR): BankHolidayCalendar {
  const calendar: BankHolidayCalendar = { "england-and-wales": [], scotland: [], "northern-ireland": [] };
  for (const nation of NATIONS) {
    for (let year = firstYear; year <= lastYear; year += 1) {
      calendar[nation].push(...holidaysInYear(nation, year));
    }
  }
  return calendar;
}

function holidaysInYear(nation: Nation, year: number): BankHoliday[] {
  const easter = easterSunday(year);
  const holidays: BankHoliday[] = [
    ...newYear(nation, year),
    { date: isoDate(easter - 2), title: "Good Friday" },
    ...(nation === "scotland" ? [] : [{ date: isoDate(easter + 1), title: "Easter Monday" }]),
    ...(nation === "northern-ireland"
      ? withSubstitutes(year, [{ month: 3, day: 17, title: "St Patrick’s Day" }])
      : []),
    movable(year, "early-may", firstMonday(year, 5), "Early May bank holiday"),
    movable(year, "spring", lastMonday(year, 5), "Spring bank holiday"),
    ...(nation === "northern-ireland"
      ? withSubstitutes(year, [{ month: 7, day: 12, title: "Battle of the Boyne (Orangemen’s Day)" }])
      : []),
    movable(
      year,
      "summer",
      nation === "scotland" ? firstMonday(year, 8) : lastMonday(year, 8),
      "Summer bank holiday",
    ),
    ...(nation === "scotland"
      ? withSubstitutes(year, [{ month: 11, day: 30, title: "St Andrew’s Day" }])
      : []),
    ...withSubstitutes(year, [
      { month: 12, day: 25, title: "Christmas Day" },
      { month: 12, day: 26, title: "Boxing Day" },
    ]),
    ...ONE_OFFS.filter((extra) => extra.date.startsWith(`${year}-`) && extra.nations.includes(nation)).map(
      ({ date, title }) => ({ date, title }),
    ),
  ];
  return checked(holidays.sort((a, b) => a.date.localeCompare(b.date)));
}

function newYear(nation: Nation, year: number): BankHoliday[] {
  const days: FixedDay[] = [{ month: 1, day: 1, title: "New Year’s Day" }];
  if (nation === "scotland") days.push({ month: 1, day: 2, title: "2nd January" });
  return withSubstitutes(year, days);
}

/**
 * Fixed-date holidays, in order. One that falls on a weekday is kept; one that falls at a weekend
 * is replaced by the next weekday not already a holiday in the group (so Christmas on a Saturday
 * gives Monday 27th, and Boxing Day on the Sunday gives Tuesday 28th; Christmas on a Sunday gives
 * Tuesday 27th, as Boxing Day has the Monday).
 */
function withSubstitutes(year: number, fixedDays: readonly FixedDay[]): BankHoliday[] {
  const taken = new Set<number>();
  const days = fixedDays.map((fixed) => ({ ...fixed, dayNumber: dayNumberOf(year, fixed.month, fixed.day) }));
  for (const { dayNumber } of days) {
    if (!isWeekend(dayNumber)) taken.add(dayNumber);
  }
  return days.map(({ dayNumber, title }) => {
    if (!isWeekend(dayNumber)) return { date: isoDate(dayNumber), title };
    let substitute = dayNumber + 1;
    while (isWeekend(substitute) || taken.has(substitute)) substitute += 1;
    taken.add(substitute);
    return { date: isoDate(substitute), title: `${title} (substitute day)` };
  });
}

function movable(year: number, key: MovableKey, usualDay: number, title: string): BankHoliday {
  const moved = MOVED.find((entry) => entry.year === year && entry.key === key);
  return moved ? { date: moved.date, title: moved.title } : { date: isoDate(usualDay), title };
}

/** Easter Sunday in the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
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

function checked(holidays: BankHoliday[]): BankHoliday[] {
  const dates = holidays.map((holiday) => holiday.date);
  if (new Set(dates).size !== dates.length) throw new Error(`Two holidays on one day: ${dates.join(", ")}`);
  for (const holiday of holidays) {
    const [year = 0, month = 0, day = 0] = holiday.date.split("-").map(Number);
    if (isWeekend(dayNumberOf(year, month, day))) throw new Error(`${holiday.title} falls at a weekend`);
  }
  return holidays;
}

function dayNumberOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function weekday(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCDay();
}

function isWeekend(dayNumber: number): boolean {
  const day = weekday(dayNumber);
  return day === SATURDAY || day === SUNDAY;
}

function isoDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** The JSON as checked in: one holiday a line, so a change shows as a one-line diff. */
export function bankHolidaysJson(calendar: BankHolidayCalendar): string {
  const nations = NATIONS.map((nation) => {
    const lines = calendar[nation].map((holiday) => `    ${JSON.stringify(holiday)}`);
    return `  ${JSON.stringify(nation)}: [\n${lines.join(",\n")}\n  ]`;
  });
  return `{\n${nations.join(",\n")}\n}\n`;
}

if (import.meta.main) {
  const target = new URL("../src/lib/bank-holidays.json", import.meta.url);
  writeFileSync(target, bankHolidaysJson(generateBankHolidays()));
  console.log(`Wrote ${target.pathname}`);
}
