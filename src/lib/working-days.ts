/**
 * The working-day calendar, one per UK nation. Calendar days are ISO date strings ("2026-12-22");
 * instants are `Date`s. A working day is a day that is not a Saturday, a Sunday or a bank or public
 * holiday in that nation (Christmas Day and Good Friday included). The holidays are computed by rule
 * for each year, with the proclaimed one-off and moved days as data (bank-holidays.ts), so any date
 * from 2012-01-01 to 9999-12-31 can be counted; a date before 2012, whose holidays are not kept,
 * throws a RangeError rather than guessing.
 */

import { bankHolidays, FIRST_HOLIDAY_YEAR, LAST_HOLIDAY_YEAR, type Nation } from "./bank-holidays.ts";
import { endOfLondonDay, londonDate, longDate } from "./london-time.ts";
import { msg } from "./messages.ts";

export { type BankHoliday, bankHolidays, isNation, NATIONS, type Nation } from "./bank-holidays.ts";

export const FIRST_CALENDAR_DATE = `${FIRST_HOLIDAY_YEAR}-01-01`;
export const LAST_CALENDAR_DATE = `${LAST_HOLIDAY_YEAR}-12-31`;

/** Procurement Act 2023, s.51: the standstill period is 8 working days. */
export const STANDSTILL_WORKING_DAYS = 8;

const DAY_MS = 86_400_000;
const SATURDAY = 6;
const SUNDAY = 0;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const FIRST_DAY = dayNumber(FIRST_CALENDAR_DATE);
const LAST_DAY = dayNumber(LAST_CALENDAR_DATE);

/** Each nation's holidays of a year as day numbers, made the first time the year is asked about. */
const HOLIDAY_DAYS = new Map<string, ReadonlySet<number>>();

export function isBankHoliday(date: string, nation: Nation): boolean {
  const day = calendarDay(date);
  return holidayDays(nation, yearOf(day)).has(day);
}

export function isWorkingDay(date: string, nation: Nation): boolean {
  return isWorkingDayNumber(calendarDay(date), nation);
}

/**
 * The day `n` working days after `date` (before it, if `n` is negative), not counting `date`
 * itself: adding 1 to a Friday gives the next Monday, if that is not a holiday. Adding 0 gives
 * `date` back unchanged, whether or not it is a working day.
 */
export function addWorkingDays(date: string, n: number, nation: Nation): string {
  assertWholeNumber(n, "The number of working days to add");
  const step = Math.sign(n);
  let day = calendarDay(date);
  for (let remaining = Math.abs(n); remaining > 0; ) {
    day += step;
    if (isWorkingDayNumber(day, nation)) remaining -= 1;
  }
  return isoDate(day);
}

/**
 * How many working days it is from `from` to `to`: the working days after `from`, up to and
 * including `to`. Negative when `to` is before `from` (then the working days from `to` up to but
 * not including `from`). So `workingDaysBetween(a, addWorkingDays(a, n)) === n`.
 */
export function workingDaysBetween(from: string, to: string, nation: Nation): number {
  const start = calendarDay(from);
  const end = calendarDay(to);
  const [first, last, sign] = start <= end ? [start + 1, end, 1] : [end, start - 1, -1];
  let count = 0;
  for (let day = first; day <= last; day += 1) {
    if (isWorkingDayNumber(day, nation)) count += 1;
  }
  return count === 0 ? 0 : count * sign;
}

/**
 * The `n`th working day of a period "of n working days beginning with the day `start`": `start` is
 * day 1 if it is a working day; otherwise day 1 is the first working day after it.
 */
export function nthWorkingDayFrom(start: string, n: number, nation: Nation): string {
  assertWholeNumber(n, "The working day to find");
  if (n < 1) throw new RangeError(`The working day to find must be 1 or more, not ${n}`);
  return addWorkingDays(start, isWorkingDay(start, nation) ? n - 1 : n, nation);
}

/**
 * When the standstill period ends (Procurement Act 2023, s.51): 8 working days beginning with the
 * day the contract award notice is published, in London time, ending at midnight at the end of
 * the 8th working day. The contract may be entered into from this instant.
 */
export function standstillEnds(awardNoticePublishedAt: Date, nation: Nation): Date {
  const publishedOn = londonDate(awardNoticePublishedAt);
  return endOfLondonDay(nthWorkingDayFrom(publishedOn, STANDSTILL_WORKING_DAYS, nation));
}

/** When a standstill period ends, as people read it: "midnight at the end of 29 January 2027". */
export function standstillEndText(endsAt: Date): string {
  return msg`midnight at the end of ${longDate(londonDate(new Date(endsAt.getTime() - 1)))}`;
}

function holidayDays(nation: Nation, year: number): ReadonlySet<number> {
  const key = `${nation} ${year}`;
  let days = HOLIDAY_DAYS.get(key);
  if (!days) {
    days = new Set(bankHolidays(nation, year).map((holiday) => dayNumber(holiday.date)));
    HOLIDAY_DAYS.set(key, days);
  }
  return days;
}

function isWorkingDayNumber(day: number, nation: Nation): boolean {
  assertInCalendar(day);
  const date = new Date(day * DAY_MS);
  const weekday = date.getUTCDay();
  return weekday !== SATURDAY && weekday !== SUNDAY && !holidayDays(nation, date.getUTCFullYear()).has(day);
}

/** A valid date inside the years the calendar covers, as days since 1970-01-01. */
function calendarDay(date: string): number {
  const day = validDayNumber(date);
  assertInCalendar(day);
  return day;
}

function validDayNumber(date: string): number {
  const day = dayNumber(date);
  if (Number.isNaN(day) || isoDate(day) !== date) {
    throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD, like 2026-12-22`);
  }
  return day;
}

function dayNumber(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) return Number.NaN;
  const [, year, month, day] = match;
  return Date.UTC(Number(year), Number(month) - 1, Number(day)) / DAY_MS;
}

function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function assertInCalendar(day: number): void {
  if (day < FIRST_DAY || day > LAST_DAY) {
    throw new RangeError(
      `No bank holidays are kept for ${isoDate(day)}: working days can only be counted from ${FIRST_CALENDAR_DATE} to ${LAST_CALENDAR_DATE}`,
    );
  }
}

function assertWholeNumber(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a whole number, not ${n}`);
}

/** London dates: kept here too for the calendar's callers; they live in `london-time.ts`. */
export { endOfLondonDay, londonDate };
