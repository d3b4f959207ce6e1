/**
 * The bank holiday rules against what is published: GOV.UK's dates copied by hand, the full list
 * for 2012–2030 as the calendar held it when it was data (bank-holidays.test-fixtures.json), and
 * Easter from a table; then the rules beyond 2030 — Easter, substitute days, proclaimed days.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import listed from "./bank-holidays.test-fixtures.json" with { type: "json" };
import {
  type BankHoliday,
  bankHolidays,
  easterSunday,
  NATIONS,
  type Nation,
  PROCLAIMED,
} from "./bank-holidays.ts";

const EW: Nation = "england-and-wales";
const SCOT: Nation = "scotland";
const NI: Nation = "northern-ireland";
const DAY_MS = 86_400_000;

// Dates as published on GOV.UK (https://www.gov.uk/bank-holidays.json), copied by hand, so the
// rules are checked against the published list and not only against themselves.
const PUBLISHED: Record<Nation, Record<number, string>> = {
  "england-and-wales": {
    2012: "01-02 04-06 04-09 05-07 06-04 06-05 08-27 12-25 12-26",
    2013: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2014: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2015: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2016: "01-01 03-25 03-28 05-02 05-30 08-29 12-26 12-27",
    2017: "01-02 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
    2018: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2019: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
    2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
    2028: "01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
  },
  scotland: {
    2012: "01-02 01-03 04-06 05-07 06-04 06-05 08-06 11-30 12-25 12-26",
    2013: "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26",
    2014: "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26",
    2015: "01-01 01-02 04-03 05-04 05-25 08-03 11-30 12-25 12-28",
    2016: "01-01 01-04 03-25 05-02 05-30 08-01 11-30 12-26 12-27",
    2019: "01-01 01-02 04-19 05-06 05-27 08-05 12-02 12-25 12-26",
    2020: "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28",
    2021: "01-01 01-04 04-02 05-03 05-31 08-02 11-30 12-27 12-28",
    2022: "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27",
    2023: "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26",
    2024: "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26",
    2025: "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26",
    2026: "01-01 01-02 04-03 05-04 05-25 06-15 08-03 11-30 12-25 12-28",
    2027: "01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28",
    2028: "01-03 01-04 04-14 05-01 05-29 08-07 11-30 12-25 12-26",
  },
  "northern-ireland": {
    2012: "01-02 03-19 04-06 04-09 05-07 06-04 06-05 07-12 08-27 12-25 12-26",
    2013: "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26",
    2014: "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26",
    2015: "01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28",
    2016: "01-01 03-17 03-25 03-28 05-02 05-30 07-12 08-29 12-26 12-27",
    2019: "01-01 03-18 04-19 04-22 05-06 05-27 07-12 08-26 12-25 12-26",
    2020: "01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 12-25 12-28",
    2021: "01-01 03-17 04-02 04-05 05-03 05-31 07-12 08-30 12-27 12-28",
    2022: "01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27",
    2023: "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26",
    2024: "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26",
    2025: "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26",
    2026: "01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28",
    2027: "01-01 03-17 03-26 03-29 05-03 05-31 07-12 08-30 12-27 12-28",
    2028: "01-03 03-17 04-14 04-17 05-01 05-29 07-12 08-28 12-25 12-26",
  },
};

// Easter Sunday, from published tables of Western (Gregorian) Easter dates.
const EASTER: Record<number, string> = {
  2012: "04-08",
  2013: "03-31",
  2014: "04-20",
  2015: "04-05",
  2016: "03-27",
  2017: "04-16",
  2018: "04-01",
  2019: "04-21",
  2020: "04-12",
  2021: "04-04",
  2022: "04-17",
  2023: "04-09",
  2024: "03-31",
  2025: "04-20",
  2026: "04-05",
  2027: "03-28",
  2028: "04-16",
  2029: "04-01",
  2030: "04-21",
  2031: "04-13",
  2032: "03-28",
  2033: "04-17",
  2034: "04-09",
  2035: "03-25",
  2036: "04-13",
  2037: "04-05",
  2038: "04-25",
  2039: "04-10",
  2040: "04-01",
  2041: "04-21",
  2042: "04-06",
  2043: "03-29",
  2044: "04-17",
  2045: "04-09",
  2046: "03-25",
  2047: "04-14",
  2048: "04-05",
  2049: "04-18",
  2050: "04-10",
};

const years = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

function datesIn(nation: Nation, year: number): string[] {
  return bankHolidays(nation, year).map((holiday) => holiday.date);
}

function titleOn(nation: Nation, date: string): string | undefined {
  return bankHolidays(nation, Number(date.slice(0, 4))).find((holiday) => holiday.date === date)?.title;
}

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

describe("the bank holiday rules, 2012–2030", () => {
  it("give exactly the list the calendar held for 2012–2030, dates and titles, for every nation", () => {
    for (const nation of NATIONS) {
      const computed: BankHoliday[] = years(2012, 2030).flatMap((year) => [...bankHolidays(nation, year)]);
      expect(computed, nation).toEqual(listed[nation]);
    }
  });

  it("match the dates published on GOV.UK", () => {
    for (const nation of NATIONS) {
      for (const [year, dates] of Object.entries(PUBLISHED[nation])) {
        const expected = dates.split(" ").map((monthDay) => `${year}-${monthDay}`);
        expect(datesIn(nation, Number(year)), `${nation} ${year}`).toEqual(expected);
      }
    }
  });

  it("name substitute days and the moved and one-off holidays", () => {
    expect(titleOn(EW, "2021-12-27")).toBe("Christmas Day (substitute day)");
    expect(titleOn(EW, "2021-12-28")).toBe("Boxing Day (substitute day)");
    expect(titleOn(EW, "2022-12-26")).toBe("Boxing Day");
    expect(titleOn(EW, "2022-12-27")).toBe("Christmas Day (substitute day)");
    expect(titleOn(EW, "2026-12-28")).toBe("Boxing Day (substitute day)");
    expect(titleOn(SCOT, "2022-01-03")).toBe("New Year’s Day (substitute day)");
    expect(titleOn(SCOT, "2022-01-04")).toBe("2nd January (substitute day)");
    expect(titleOn(EW, "2020-05-08")).toBe("Early May bank holiday (VE day)");
    expect(titleOn(EW, "2012-06-05")).toBe("Queen’s Diamond Jubilee");
    expect(titleOn(NI, "2022-09-19")).toBe("Bank Holiday for the State Funeral of Queen Elizabeth II");
    expect(titleOn(SCOT, "2023-05-08")).toBe("Bank holiday for the coronation of King Charles III");
    expect(titleOn(NI, "2026-07-13")).toBe("Battle of the Boyne (Orangemen’s Day) (substitute day)");
    expect(titleOn(SCOT, "2024-12-02")).toBe("St Andrew’s Day (substitute day)");
    expect(titleOn(SCOT, "2026-06-15")).toBe("World Cup bank holiday");
    expect(titleOn(EW, "2026-06-15")).toBeUndefined();
    // The usual Mondays are not holidays in the years their holiday moved.
    expect(titleOn(EW, "2012-05-28")).toBeUndefined();
    expect(titleOn(NI, "2020-05-04")).toBeUndefined();
    expect(titleOn(SCOT, "2022-05-30")).toBeUndefined();
  });
});

describe("the bank holiday rules, any year", () => {
  it("give 8 holidays a year in England and Wales, 9 in Scotland and 10 in Northern Ireland, plus the proclaimed extras (2012–2400)", () => {
    const base: Record<Nation, number> = { "england-and-wales": 8, scotland: 9, "northern-ireland": 10 };
    for (const nation of NATIONS) {
      for (const year of years(2012, 2400)) {
        const extras = PROCLAIMED.filter(
          (day) => !day.moves && day.date.startsWith(`${year}-`) && day.nations.includes(nation),
        ).length;
        expect(datesIn(nation, year), `${nation} ${year}`).toHaveLength(base[nation] + extras);
      }
    }
  });

  it("list each holiday once, in date order, in its year, on a weekday, with a title (2012–2400)", () => {
    const faults: string[] = [];
    for (const nation of NATIONS) {
      for (const year of years(2012, 2400)) {
        const holidays = bankHolidays(nation, year);
        holidays.forEach(({ date, title }, i) => {
          if (i > 0 && date <= (holidays[i - 1]?.date ?? "")) faults.push(`${nation} ${date} out of order`);
          if (!date.startsWith(`${year}-`)) faults.push(`${nation} ${date} not in ${year}`);
          if ([0, 6].includes(weekday(date))) faults.push(`${nation} ${date} at a weekend`);
          if (title.length < 4) faults.push(`${nation} ${date} untitled`);
        });
      }
    }
    expect(faults).toEqual([]);
  });

  it("put Easter on the Sunday the tables give, 2012–2050, with Good Friday everywhere and Easter Monday outside Scotland", () => {
    for (const [year, monthDay] of Object.entries(EASTER)) {
      const easter = `${year}-${monthDay}`;
      expect(easterSunday(Number(year))).toBe(easter);
      for (const nation of NATIONS) {
        expect(titleOn(nation, plusDays(easter, -2)), `${nation} ${year}`).toBe("Good Friday");
      }
      expect(titleOn(EW, plusDays(easter, 1)), year).toBe("Easter Monday");
      expect(titleOn(NI, plusDays(easter, 1)), year).toBe("Easter Monday");
      expect(titleOn(SCOT, plusDays(easter, 1)), year).toBeUndefined();
    }
  });

  it("put Easter on a Sunday from 22 March to 25 April in every Gregorian year (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1583, max: 9999 }), (year) => {
        const easter = easterSunday(year);
        expect(weekday(easter)).toBe(0);
        expect(easter.slice(0, 4)).toBe(String(year).padStart(4, "0"));
        expect(easter.slice(5) >= "03-22" && easter.slice(5) <= "04-25").toBe(true);
      }),
    );
  });

  it("give substitute days when Christmas, Boxing Day and New Year fall at a weekend (2031–2050)", () => {
    // Christmas on Saturday 25 December 2032: Monday 27th for Christmas, Tuesday 28th for Boxing Day.
    expect(titleOn(EW, "2032-12-27")).toBe("Christmas Day (substitute day)");
    expect(titleOn(EW, "2032-12-28")).toBe("Boxing Day (substitute day)");
    // Christmas on Sunday 25 December 2033: Boxing Day keeps Monday 26th, Christmas moves to the 27th.
    expect(titleOn(NI, "2033-12-26")).toBe("Boxing Day");
    expect(titleOn(NI, "2033-12-27")).toBe("Christmas Day (substitute day)");
    // New Year's Day on Saturday 1 January 2033: Monday 3rd; Scotland's 2 January (Sunday) the 4th.
    expect(datesIn(EW, 2033).slice(0, 1)).toEqual(["2033-01-03"]);
    expect(titleOn(SCOT, "2033-01-03")).toBe("New Year’s Day (substitute day)");
    expect(titleOn(SCOT, "2033-01-04")).toBe("2nd January (substitute day)");
    // New Year's Day on Sunday 1 January 2034: Monday 2nd; in Scotland the 2nd is 2 January itself,
    // so New Year's Day moves to Tuesday 3rd.
    expect(titleOn(EW, "2034-01-02")).toBe("New Year’s Day (substitute day)");
    expect(titleOn(SCOT, "2034-01-02")).toBe("2nd January");
    expect(titleOn(SCOT, "2034-01-03")).toBe("New Year’s Day (substitute day)");
    expect(titleOn(EW, "2034-01-03")).toBeUndefined();
    // St Patrick's Day on Saturday 17 March 2035, the Boyne on Sunday 12 July 2037 and St Andrew's
    // Day on Sunday 30 November 2036 move to the Monday.
    expect(titleOn(NI, "2035-03-19")).toBe("St Patrick’s Day (substitute day)");
    expect(titleOn(NI, "2037-07-13")).toBe("Battle of the Boyne (Orangemen’s Day) (substitute day)");
    expect(titleOn(SCOT, "2036-12-01")).toBe("St Andrew’s Day (substitute day)");

    // Every year: each of these days is a holiday on the day when it is a weekday, and otherwise has
    // one substitute day, the first weekday after it that the others have not taken.
    for (const year of years(2031, 2050)) {
      for (const nation of NATIONS) {
        const group = nation === SCOT ? [`${year}-01-01`, `${year}-01-02`] : [`${year}-01-01`];
        for (const days of [group, [`${year}-12-25`, `${year}-12-26`]]) {
          const last = days.at(-1) ?? "";
          const weekend = days.filter((date) => [0, 6].includes(weekday(date)));
          const substitutes = bankHolidays(nation, year).filter(
            (holiday) =>
              holiday.title.endsWith("(substitute day)") &&
              holiday.date > last &&
              holiday.date <= plusDays(last, 3),
          );
          expect(substitutes, `${nation} ${last}`).toHaveLength(weekend.length);
          for (const date of days) {
            if (!weekend.includes(date)) expect(titleOn(nation, date), `${nation} ${date}`).toBeDefined();
          }
          for (const substitute of substitutes) expect([0, 6]).not.toContain(weekday(substitute.date));
        }
      }
    }
  });

  it("keep the usual Mondays for years with nothing proclaimed", () => {
    // 2031: early May on 5 May, spring on 26 May; summer on 25 August (4 August in Scotland).
    expect(datesIn(EW, 2031)).toEqual([
      "2031-01-01",
      "2031-04-11",
      "2031-04-14",
      "2031-05-05",
      "2031-05-26",
      "2031-08-25",
      "2031-12-25",
      "2031-12-26",
    ]);
    expect(datesIn(SCOT, 2031)).toEqual([
      "2031-01-01",
      "2031-01-02",
      "2031-04-11",
      "2031-05-05",
      "2031-05-26",
      "2031-08-04",
      "2031-12-01",
      "2031-12-25",
      "2031-12-26",
    ]);
  });

  it("refuse years before 2012, whose rules and proclaimed days are not kept, and years that are not whole numbers", () => {
    expect(() => bankHolidays(EW, 2011)).toThrow(
      "Bank holidays are kept for the years 2012 to 9999, not 2011",
    );
    expect(() => bankHolidays(EW, 10_000)).toThrow(RangeError);
    expect(() => bankHolidays(EW, 2026.5)).toThrow(RangeError);
    expect(() => bankHolidays("wales" as Nation, 2026)).toThrow('There are no bank holidays for "wales"');
    expect(() => easterSunday(1582)).toThrow(RangeError);
  });
});
