import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  endOfLondonDay,
  isBankHoliday,
  isNation,
  isWorkingDay,
  londonDate,
  NATIONS,
  type Nation,
  nthWorkingDayFrom,
  standstillEnds,
  workingDaysBetween,
} from "./working-days.ts";

const EW: Nation = "england-and-wales";
const SCOT: Nation = "scotland";
const NI: Nation = "northern-ireland";

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

describe("isWorkingDay", () => {
  it("excludes weekends", () => {
    expect(isWorkingDay("2026-06-05", EW)).toBe(true); // Friday
    expect(isWorkingDay("2026-06-06", EW)).toBe(false); // Saturday
    expect(isWorkingDay("2026-06-07", EW)).toBe(false); // Sunday
  });

  it.each<[string, string, Nation, boolean]>([
    ["2 January is a holiday only in Scotland", "2026-01-02", SCOT, false],
    ["2 January is a working day in England and Wales", "2026-01-02", EW, true],
    ["2 January is a working day in Northern Ireland", "2026-01-02", NI, true],
    ["St Patrick's Day is a holiday in Northern Ireland", "2026-03-17", NI, false],
    ["St Patrick's Day is a working day in England and Wales", "2026-03-17", EW, true],
    ["Easter Monday is a holiday in England and Wales", "2026-04-06", EW, false],
    ["Easter Monday is a working day in Scotland", "2026-04-06", SCOT, true],
    ["the Boyne substitute day is a holiday in Northern Ireland", "2026-07-13", NI, false],
    ["the Boyne substitute day is a working day in Scotland", "2026-07-13", SCOT, true],
    ["the first Monday in August is a holiday in Scotland", "2026-08-03", SCOT, false],
    ["the first Monday in August is a working day in England", "2026-08-03", EW, true],
    ["the last Monday in August is a working day in Scotland", "2026-08-31", SCOT, true],
    ["the last Monday in August is a holiday in England", "2026-08-31", EW, false],
    ["St Andrew's Day is a holiday in Scotland", "2026-11-30", SCOT, false],
    ["St Andrew's Day is a working day in Northern Ireland", "2026-11-30", NI, true],
    ["the World Cup bank holiday is a holiday in Scotland", "2026-06-15", SCOT, false],
    ["the World Cup bank holiday is a working day in England", "2026-06-15", EW, true],
    ["the State Funeral was a holiday everywhere", "2022-09-19", SCOT, false],
  ])("%s", (_, date, nation, expected) => {
    expect(isWorkingDay(date, nation)).toBe(expected);
  });

  it("knows the holidays of any year after 2030, by rule", () => {
    expect(isWorkingDay("2031-01-01", EW)).toBe(false); // New Year's Day, a Wednesday
    expect(isWorkingDay("2031-01-02", EW)).toBe(true);
    expect(isWorkingDay("2031-01-02", SCOT)).toBe(false);
    expect(isWorkingDay("2032-12-28", NI)).toBe(false); // Boxing Day (substitute), a Tuesday
    expect(isWorkingDay("2038-04-26", EW)).toBe(false); // Easter Monday, the latest possible
    expect(isWorkingDay("2038-04-26", SCOT)).toBe(true);
    expect(isBankHoliday("2099-12-25", EW)).toBe(true); // a Friday
    expect(isWorkingDay("9999-12-31", EW)).toBe(true); // a Friday, the last date of the form YYYY-MM-DD
  });

  it("refuses dates before 2012, whose holidays are not kept, and things that are not dates", () => {
    expect(() => isWorkingDay("2011-12-30", EW)).toThrow(
      "No bank holidays are kept for 2011-12-30: working days can only be counted from 2012-01-01 to 9999-12-31",
    );
    expect(() => isBankHoliday("1999-12-31", EW)).toThrow(RangeError);
    expect(() => isWorkingDay("2026-02-30", EW)).toThrow(/is not a date in the form YYYY-MM-DD/);
    expect(() => isWorkingDay("22/12/2026", EW)).toThrow(RangeError);
    expect(() => isWorkingDay("2026-12-22T00:00:00Z", EW)).toThrow(RangeError);
  });

  it("knows the nations", () => {
    expect(isNation("scotland")).toBe(true);
    expect(isNation("wales")).toBe(false);
    expect(isNation(undefined)).toBe(false);
  });
});

describe("addWorkingDays", () => {
  it("skips weekends and holidays", () => {
    expect(addWorkingDays("2026-06-05", 1, EW)).toBe("2026-06-08"); // Friday → Monday
    expect(addWorkingDays("2026-12-24", 1, EW)).toBe("2026-12-29"); // over Christmas and Boxing Day (substitute)
    expect(addWorkingDays("2026-12-31", 1, EW)).toBe("2027-01-04");
    expect(addWorkingDays("2026-12-31", 1, SCOT)).toBe("2027-01-05"); // 2 January (substitute) on Monday 4th
    expect(addWorkingDays("2026-04-02", 1, EW)).toBe("2026-04-07"); // over Good Friday and Easter Monday
    expect(addWorkingDays("2026-04-02", 1, SCOT)).toBe("2026-04-06");
  });

  it("counts backwards for a negative number, and returns the day itself for zero", () => {
    expect(addWorkingDays("2026-04-07", -1, EW)).toBe("2026-04-02");
    expect(addWorkingDays("2026-06-08", -1, EW)).toBe("2026-06-05");
    expect(addWorkingDays("2026-06-06", 0, EW)).toBe("2026-06-06");
  });

  it("counts on from 2030 into 2031", () => {
    // From Fri 20 Dec 2030: 23, 24, 27, 30, 31 Dec, 2, 3, 6, 7, 8 Jan (Christmas Wed 25, Boxing Day
    // Thu 26, New Year's Day Wed 1 Jan 2031).
    expect(addWorkingDays("2030-12-20", 10, EW)).toBe("2031-01-08");
    expect(addWorkingDays("2030-12-20", 10, SCOT)).toBe("2031-01-09"); // and 2 January
    expect(addWorkingDays("2031-01-08", -10, EW)).toBe("2030-12-20");
    expect(workingDaysBetween("2030-12-20", "2031-01-08", NI)).toBe(10);
  });

  it("refuses to run back before 2012 or past 9999, and fractional days", () => {
    // Back from Wed 4 January 2012: Tue 3rd, then Mon 2nd (New Year's Day, substitute), Sun 1st, 2011.
    expect(() => addWorkingDays("2012-01-04", -2, EW)).toThrow(/No bank holidays are kept for 2011-12-31/);
    expect(() => addWorkingDays("9999-12-31", 1, EW)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-06-05", 1.5, EW)).toThrow(RangeError);
  });

  it("never lands on a weekend or a holiday, and workingDaysBetween counts back the same number (property)", () => {
    // Start dates from July 2012 to June 2050, so 100 working days back stays after 2012.
    const days = fc
      .integer({ min: 0, max: 13_880 })
      .map((offset) => isoDay(Date.UTC(2012, 6, 1) + offset * 86_400_000));
    const steps = fc.integer({ min: -100, max: 100 }).filter((n) => n !== 0);
    fc.assert(
      fc.property(days, steps, fc.constantFrom(...NATIONS), (start, n, nation) => {
        const end = addWorkingDays(start, n, nation);
        expect([0, 6]).not.toContain(weekday(end));
        expect(isBankHoliday(end, nation)).toBe(false);
        expect(isWorkingDay(end, nation)).toBe(true);
        expect(workingDaysBetween(start, end, nation)).toBe(n);
      }),
    );
  });
});

describe("workingDaysBetween", () => {
  it("counts the working days after the first date up to and including the second", () => {
    expect(workingDaysBetween("2026-06-05", "2026-06-12", EW)).toBe(5);
    expect(workingDaysBetween("2026-06-05", "2026-06-05", EW)).toBe(0);
    expect(workingDaysBetween("2026-06-12", "2026-06-05", EW)).toBe(-5);
    expect(workingDaysBetween("2026-06-06", "2026-06-05", EW)).toBe(-1); // Saturday back to Friday
    expect(workingDaysBetween("2026-06-07", "2026-06-06", EW)).toBe(0); // Sunday back to Saturday
    expect(workingDaysBetween("2026-12-22", "2027-01-05", EW)).toBe(7);
    expect(workingDaysBetween("2026-12-22", "2027-01-05", SCOT)).toBe(6);
  });
});

describe("nthWorkingDayFrom", () => {
  it("counts the start day as day 1 when it is a working day", () => {
    expect(nthWorkingDayFrom("2026-06-01", 1, EW)).toBe("2026-06-01");
    expect(nthWorkingDayFrom("2026-06-01", 8, EW)).toBe("2026-06-10");
  });

  it("counts from the next working day when the start day is not one", () => {
    expect(nthWorkingDayFrom("2026-06-06", 1, EW)).toBe("2026-06-08"); // Saturday
    expect(nthWorkingDayFrom("2026-04-03", 1, EW)).toBe("2026-04-07"); // Good Friday
    expect(nthWorkingDayFrom("2026-04-03", 1, SCOT)).toBe("2026-04-06");
  });

  it("refuses a day number below 1", () => {
    expect(() => nthWorkingDayFrom("2026-06-01", 0, EW)).toThrow(RangeError);
  });

  it("gives a working day with exactly n working days from the start to it, inclusive (property)", () => {
    const days = fc
      .integer({ min: 0, max: 14_000 })
      .map((offset) => isoDay(Date.UTC(2012, 0, 1) + offset * 86_400_000));
    fc.assert(
      fc.property(days, fc.integer({ min: 1, max: 60 }), fc.constantFrom(...NATIONS), (start, n, nation) => {
        const nth = nthWorkingDayFrom(start, n, nation);
        expect(isWorkingDay(nth, nation)).toBe(true);
        const startCounts = isWorkingDay(start, nation) ? 1 : 0;
        expect(workingDaysBetween(start, nth, nation) + startCounts).toBe(n);
      }),
    );
  });
});

describe("londonDate", () => {
  it.each([
    ["2026-01-15T23:59:59.999Z", "2026-01-15"], // GMT: London is UTC
    ["2026-01-16T00:00:00.000Z", "2026-01-16"],
    ["2026-06-30T22:59:59.999Z", "2026-06-30"], // BST: London is an hour ahead
    ["2026-06-30T23:00:00.000Z", "2026-07-01"],
    ["2026-03-29T00:59:59.999Z", "2026-03-29"], // clocks go forward at 01:00 UTC
    ["2026-03-29T23:00:00.000Z", "2026-03-30"],
    ["2026-10-24T23:30:00.000Z", "2026-10-25"], // 00:30 BST on the day the clocks go back
    ["2026-10-25T23:30:00.000Z", "2026-10-25"], // 23:30 GMT
    ["2026-12-31T23:30:00.000Z", "2026-12-31"],
  ])("%s is %s in London", (instant, expected) => {
    expect(londonDate(new Date(instant))).toBe(expected);
  });

  it("refuses an invalid date", () => {
    expect(() => londonDate(new Date("nonsense"))).toThrow(RangeError);
  });
});

describe("endOfLondonDay", () => {
  it.each([
    ["2026-01-15", "2026-01-16T00:00:00.000Z"], // GMT
    ["2026-07-10", "2026-07-10T23:00:00.000Z"], // BST
    ["2026-03-28", "2026-03-29T00:00:00.000Z"], // the last GMT day before the clocks go forward
    ["2026-03-29", "2026-03-29T23:00:00.000Z"], // the day the clocks go forward (23 hours long)
    ["2026-10-24", "2026-10-24T23:00:00.000Z"], // the last BST evening
    ["2026-10-25", "2026-10-26T00:00:00.000Z"], // the day the clocks go back (25 hours long)
    ["2026-12-31", "2027-01-01T00:00:00.000Z"],
  ])("%s ends at %s", (date, expected) => {
    expect(endOfLondonDay(date).toISOString()).toBe(expected);
  });

  it("ends each day at London midnight, at the start of the next London day (property)", () => {
    const days = fc
      .integer({ min: 0, max: 14_000 })
      .map((offset) => isoDay(Date.UTC(2012, 0, 1) + offset * 86_400_000));
    fc.assert(
      fc.property(days, (date) => {
        const end = endOfLondonDay(date).getTime();
        expect(londonDate(new Date(end - 1))).toBe(date);
        expect(londonDate(new Date(end))).not.toBe(date);
        expect(new Date(end).toISOString()).toMatch(/T(23|00):00:00\.000Z$/);
      }),
    );
  });
});

describe("standstillEnds (8 working days beginning with the day of publication)", () => {
  it("runs over Christmas and New Year in England and Wales", () => {
    // Published Tuesday 22 December 2026. Days 1–3: 22, 23, 24 Dec. Not working days: Fri 25
    // (Christmas), Sat 26, Sun 27, Mon 28 (Boxing Day substitute). Days 4–6: 29, 30, 31 Dec. Not:
    // Fri 1 Jan, the weekend. Days 7–8: Mon 4 and Tue 5 Jan. Ends at midnight (GMT) ending 5 January.
    const published = new Date("2026-12-22T10:00:00Z");
    expect(standstillEnds(published, EW).toISOString()).toBe("2027-01-06T00:00:00.000Z");
    expect(standstillEnds(published, NI).toISOString()).toBe("2027-01-06T00:00:00.000Z");
  });

  it("runs a day longer in Scotland, where 2 January (substitute) is a holiday", () => {
    // 2 January 2027 is a Saturday, so Scotland's holiday is Monday 4 January: day 7 is Tue 5 Jan.
    expect(standstillEnds(new Date("2026-12-22T10:00:00Z"), SCOT).toISOString()).toBe(
      "2027-01-07T00:00:00.000Z",
    );
  });

  it("runs over Easter, a day longer where Easter Monday is a holiday", () => {
    // Published Wednesday 1 April 2026 at 11:00 BST. England: days 1–2 are 1, 2 Apr; Good Friday and
    // Easter Monday are not working days; days 3–8 are 7–10 and 13–14 Apr. Ends at midnight (BST)
    // ending 14 April. Scotland works on Easter Monday, so day 8 is 13 April.
    const published = new Date("2026-04-01T10:00:00Z");
    expect(standstillEnds(published, EW).toISOString()).toBe("2026-04-14T23:00:00.000Z");
    expect(standstillEnds(published, SCOT).toISOString()).toBe("2026-04-13T23:00:00.000Z");
  });

  it("runs a day longer in Northern Ireland over St Patrick's Day", () => {
    // Published Monday 16 March 2026: England's day 8 is Wed 25 March; NI loses Tue 17.
    const published = new Date("2026-03-16T09:00:00Z");
    expect(standstillEnds(published, EW).toISOString()).toBe("2026-03-26T00:00:00.000Z");
    expect(standstillEnds(published, NI).toISOString()).toBe("2026-03-27T00:00:00.000Z");
  });

  it("ends at BST midnight when the clocks go forward during the standstill", () => {
    // Published Friday 20 March 2026 (GMT); day 8 is Tuesday 31 March (BST).
    expect(standstillEnds(new Date("2026-03-20T12:00:00Z"), EW).toISOString()).toBe(
      "2026-03-31T23:00:00.000Z",
    );
  });

  it("uses the London date of publication, not the UTC date", () => {
    // 23:30 UTC on Tuesday 30 June is 00:30 BST on Wednesday 1 July: day 1 is 1 July, day 8 is 10 July.
    expect(standstillEnds(new Date("2026-06-30T23:30:00Z"), EW).toISOString()).toBe(
      "2026-07-10T23:00:00.000Z",
    );
    // 22:30 UTC is still Tuesday 30 June in London: day 8 is 9 July.
    expect(standstillEnds(new Date("2026-06-30T22:30:00Z"), EW).toISOString()).toBe(
      "2026-07-09T23:00:00.000Z",
    );
  });

  it("starts on the next working day when published at a weekend, across the clocks going back", () => {
    // 23:30 UTC Friday 23 October 2026 is 00:30 BST Saturday 24 October. Day 1 is Monday 26 October;
    // day 8 is Wednesday 4 November, which ends at midnight GMT.
    expect(standstillEnds(new Date("2026-10-23T23:30:00Z"), EW).toISOString()).toBe(
      "2026-11-05T00:00:00.000Z",
    );
  });

  it("counts a publication late on a winter working day as day 1", () => {
    // 23:59:59 GMT Friday 9 January 2026: day 1 is 9 Jan, day 8 is Tuesday 20 January.
    expect(standstillEnds(new Date("2026-01-09T23:59:59Z"), EW).toISOString()).toBe(
      "2026-01-21T00:00:00.000Z",
    );
  });

  it("runs across the end of 2030 into 2031", () => {
    // Published Friday 20 December 2030 (day 1): 23, 24 Dec (2–3); Christmas Wed 25, Boxing Day Thu
    // 26; 27, 30, 31 Dec (4–6); New Year's Day Wed 1 Jan 2031; Thu 2, Fri 3 Jan (7–8).
    const published = new Date("2030-12-20T12:00:00Z");
    expect(standstillEnds(published, EW).toISOString()).toBe("2031-01-04T00:00:00.000Z");
    expect(standstillEnds(published, NI).toISOString()).toBe("2031-01-04T00:00:00.000Z");
    // Scotland also keeps Thursday 2 January: Fri 3 and Mon 6 January are days 7–8.
    expect(standstillEnds(published, SCOT).toISOString()).toBe("2031-01-07T00:00:00.000Z");
  });

  it("always ends at London midnight after exactly 8 working days (property)", () => {
    const instants = fc.date({
      min: new Date("2012-01-01T00:00:00Z"),
      max: new Date("2050-12-31T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instants, fc.constantFrom(...NATIONS), (published, nation) => {
        const ends = standstillEnds(published, nation);
        const lastDay = londonDate(new Date(ends.getTime() - 1));
        expect(ends.getTime()).toBe(endOfLondonDay(lastDay).getTime());
        expect(isWorkingDay(lastDay, nation)).toBe(true);
        const publishedOn = londonDate(published);
        const firstCounts = isWorkingDay(publishedOn, nation) ? 1 : 0;
        expect(workingDaysBetween(publishedOn, lastDay, nation) + firstCounts).toBe(8);
      }),
    );
  });
});

function isoDay(millis: number): string {
  return new Date(millis).toISOString().slice(0, 10);
}
