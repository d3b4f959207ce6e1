/**
 * London time: dates and times are stored in UTC and entered and shown in Europe/London (GMT in
 * winter, BST in summer). The one place that converts between the two: the London date of an
 * instant, the instant a London day ends, a London date and wall-clock time as an instant (refusing
 * the hour the clocks skip), a time as people type it, and instants and dates as people read them.
 */
const LONDON = "Europe/London";
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const WALL_CLOCK = new Intl.DateTimeFormat("en-GB", {
  timeZone: LONDON,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date | number): WallClock {
  const millis = typeof instant === "number" ? instant : instant.getTime();
  if (Number.isNaN(millis)) throw new RangeError("A London date needs a valid instant, not an Invalid Date");
  const london = new Date(millis + offsetMs(millis));
  return {
    year: london.getUTCFullYear(),
    month: london.getUTCMonth() + 1,
    day: london.getUTCDate(),
    hour: london.getUTCHours(),
    minute: london.getUTCMinutes(),
    second: london.getUTCSeconds(),
  };
}

const HOUR_MS = 3_600_000;
/** London's offset by UTC hour: the clocks change only on the hour (01:00 UTC), so an hour has one. */
const offsets = new Map<number, number>();

/** How far London's clocks are ahead of UTC at an instant: 0 (GMT) or one hour (BST). */
function offsetMs(millis: number): number {
  const hour = Math.floor(millis / HOUR_MS);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    // Worked out once an hour from the time zone database (formatting is slow beside arithmetic).
    const at = hour * HOUR_MS;
    const parts = Object.fromEntries(WALL_CLOCK.formatToParts(at).map((p) => [p.type, p.value]));
    const asIfUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    offset = asIfUtc - at;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The days since 1970-01-01 of a real YYYY-MM-DD date; throws a RangeError otherwise. */
function dayNumber(date: string): number {
  const match = ISO_DATE.exec(date);
  const day = match
    ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS
    : Number.NaN;
  if (Number.isNaN(day) || new Date(day * DAY_MS).toISOString().slice(0, 10) !== date)
    throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD, like 2026-12-22`);
  return day;
}

/** Whether `text` is a real date in the form YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  try {
    dayNumber(text);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date `days` after (or, negative, before) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days))
    throw new RangeError(`A number of days must be a whole number, not ${days}`);
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** The same day `months` later; the month's last day when it has no such day (31 Aug + 18 → 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  dayNumber(iso);
  const match = ISO_DATE.exec(iso) as RegExpExecArray;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The calendar date in London at an instant, as "YYYY-MM-DD". */
export function londonDate(instant: Date): string {
  const w = wallClock(instant);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * The instant a London calendar day ends: midnight at the start of the next day, London time.
 * In summer (BST) that is 23:00 UTC on the day itself; in winter (GMT), 00:00 UTC the next day.
 */
export function endOfLondonDay(date: string): Date {
  const midnightAsIfUtc = (dayNumber(date) + 1) * DAY_MS;
  // Clocks change at 01:00 UTC, never at midnight, so midnight always exists exactly once.
  const guess = midnightAsIfUtc - offsetMs(midnightAsIfUtc);
  return new Date(midnightAsIfUtc - offsetMs(guess));
}

/**
 * The instant of a London date (YYYY-MM-DD) at hours:minutes, or null when it is not a real date
 * or London skips that time (the hour the clocks go forward). An hour that happens twice (clocks
 * going back) gives the later one.
 */
export function londonInstant(date: string, hours: number, minutes: number): Date | null {
  if (!isIsoDate(date) || !Number.isInteger(hours) || !Number.isInteger(minutes)) return null;
  const [y, m, d] = date.split("-").map(Number);
  const asIfUtc = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hours, minutes);
  const guess = asIfUtc - offsetMs(asIfUtc);
  const instant = asIfUtc - offsetMs(guess);
  const w = wallClock(instant);
  if (w.year !== y || w.month !== m || w.day !== d || w.hour !== hours || w.minute !== minutes) return null;
  return new Date(instant);
}

/** A time as typed: "17:00", "9:05", "5pm", "5:30pm", "5.30 pm", "midday", "noon". Null if not one. */
export function parseTime(text: string): { hours: number; minutes: number } | null {
  const value = text.trim().toLowerCase().replace(/\s+/g, "");
  if (value === "midday" || value === "noon" || value === "12noon") return { hours: 12, minutes: 0 };
  const twelve = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)$/.exec(value);
  if (twelve) {
    const h = Number(twelve[1]);
    const minutes = Number(twelve[2] ?? "0");
    if (h < 1 || h > 12 || minutes > 59) return null;
    return { hours: (h % 12) + (twelve[3] === "pm" ? 12 : 0), minutes };
  }
  const day = /^(\d{1,2})[:.](\d{2})$/.exec(value);
  if (day) {
    const hours = Number(day[1]);
    const minutes = Number(day[2]);
    if (hours > 23 || minutes > 59) return null;
    return { hours, minutes };
  }
  return null;
}

/**
 * A London date (YYYY-MM-DD) and a time as typed ("17:00", "5pm") as an instant, or null when either
 * is not real (or the clocks skip that time). Pages take deadlines this way.
 */
export function parseLondonInstant(date: string, time: string): Date | null {
  const t = parseTime(time);
  return t ? londonInstant(date, t.hours, t.minutes) : null;
}

/** Today's date in Europe/London (YYYY-MM-DD), by the clock given. */
export function londonToday(clock: { now(): Date }): string {
  return londonDate(clock.now());
}

/** The London date (YYYY-MM-DD) and 24-hour time (HH:MM) of an instant, for filling a form. */
export function londonParts(instant: Date): { date: string; time: string } {
  const w = wallClock(instant);
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}

/**
 * The languages dates and times are written in: English, and Welsh as GOV.UK's Welsh style writes
 * them ("5 Rhagfyr 2026", "5:30yp", "canol dydd", "5:30yp ar 20 Rhagfyr 2026").
 */
export type Language = "en" | "cy";

const LONG_DATE: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }),
  cy: new Intl.DateTimeFormat("cy-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }),
};

/** What a time is called in each language: midday, midnight, and before and after midday. */
const TIME_WORDS: Record<Language, { midday: string; midnight: string; am: string; pm: string; on: string }> =
  {
    en: { midday: "midday", midnight: "midnight", am: "am", pm: "pm", on: "on" },
    cy: { midday: "canol dydd", midnight: "hanner nos", am: "yb", pm: "yp", on: "ar" },
  };

/** A YYYY-MM-DD date as people read it: "1 April 2027", in Welsh "1 Ebrill 2027" ("" for none). */
export function longDate(iso: string | null | undefined, lang: Language = "en"): string {
  if (!iso) return "";
  return LONG_DATE[lang].format(new Date(`${iso}T00:00:00Z`));
}

/** An instant's London time as people read it: "5:30pm", "midday", "midnight" (Welsh: "5:30yp", "canol dydd", "hanner nos"). */
export function londonTime(instant: Date, lang: Language = "en"): string {
  const { hour, minute } = wallClock(instant);
  const words = TIME_WORDS[lang];
  if (hour === 12 && minute === 0) return words.midday;
  if (hour === 0 && minute === 0) return words.midnight;
  const h = hour % 12 === 0 ? 12 : hour % 12;
  return `${h}${minute === 0 ? "" : `:${pad(minute)}`}${hour < 12 ? words.am : words.pm}`;
}

/** "5:30pm on 20 December 2026", "midday on 1 May 2027", in London time (Welsh: "5:30yp ar 20 Rhagfyr 2026"). */
export function londonDateTime(instant: Date, lang: Language = "en"): string {
  return `${londonTime(instant, lang)} ${TIME_WORDS[lang].on} ${longDate(londonDate(instant), lang)}`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;
const ENGLISH_DATE = new RegExp(`^(\\d{1,2}) (${MONTHS.join("|")}) (\\d{4})$`);
const ENGLISH_TIME = /^(?:midday|midnight|(\d{1,2})(?::(\d{2}))?(am|pm))$/;

/**
 * A date, time or date and time as `longDate`, `londonTime` and `londonDateTime` write them in
 * English ("1 April 2027", "5:30pm", "midday on 1 May 2027"), written in another language; null
 * when the text is not one of them. For the dates within a message made in English (`msg`).
 */
export function dateTextIn(text: string, lang: Language): string | null {
  const words = TIME_WORDS[lang];
  const date = ENGLISH_DATE.exec(text);
  if (date) {
    const iso = `${date[3]}-${pad(MONTHS.indexOf(date[2] as (typeof MONTHS)[number]) + 1)}-${pad(Number(date[1]))}`;
    return isIsoDate(iso) ? longDate(iso, lang) : null;
  }
  const time = ENGLISH_TIME.exec(text);
  if (time) {
    if (text === "midday") return words.midday;
    if (text === "midnight") return words.midnight;
    return `${time[1]}${time[2] ? `:${time[2]}` : ""}${time[3] === "am" ? words.am : words.pm}`;
  }
  const on = text.lastIndexOf(" on ");
  if (on < 0) return null;
  const [timePart, datePart] = [dateTextIn(text.slice(0, on), lang), dateTextIn(text.slice(on + 4), lang)];
  return timePart && datePart && ENGLISH_TIME.test(text.slice(0, on))
    ? `${timePart} ${words.on} ${datePart}`
    : null;
}

const LONG_MONTH: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }),
  cy: new Intl.DateTimeFormat("cy-GB", { month: "long", year: "numeric", timeZone: "UTC" }),
};

/** A month (YYYY-MM) as people read it: "November 2026" (Welsh: "Tachwedd 2026"). */
export function longMonth(month: string, lang: Language = "en"): string {
  return LONG_MONTH[lang].format(new Date(`${month}-01T00:00:00Z`));
}
