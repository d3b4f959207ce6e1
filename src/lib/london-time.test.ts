import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  dateTextIn,
  endOfLondonDay,
  isIsoDate,
  londonDate,
  londonDateTime,
  londonInstant,
  londonParts,
  longDate,
  parseTime,
} from "./london-time.ts";

describe("London time", () => {
  it("turns a London date and time into the instant, in winter and in summer", () => {
    expect(londonInstant("2026-12-20", 17, 30)?.toISOString()).toBe("2026-12-20T17:30:00.000Z");
    expect(londonInstant("2026-07-01", 12, 0)?.toISOString()).toBe("2026-07-01T11:00:00.000Z");
  });

  it("refuses the hour the clocks skip, and takes the later of the hour that happens twice", () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST, so 01:30 never happens.
    expect(londonInstant("2026-03-29", 1, 30)).toBeNull();
    // 25 October 2026: 01:30 happens in BST and again in GMT.
    expect(londonInstant("2026-10-25", 1, 30)?.toISOString()).toBe("2026-10-25T01:30:00.000Z");
    expect(londonInstant("2026-02-30", 9, 0)).toBeNull();
  });

  it("reads times as people type them", () => {
    expect(parseTime("17:00")).toEqual({ hours: 17, minutes: 0 });
    expect(parseTime("5.30 pm")).toEqual({ hours: 17, minutes: 30 });
    expect(parseTime("12am")).toEqual({ hours: 0, minutes: 0 });
    expect(parseTime("midday")).toEqual({ hours: 12, minutes: 0 });
    expect(parseTime("25:00")).toBeNull();
    expect(parseTime("teatime")).toBeNull();
  });

  it("shows instants and dates as people read them, in London time", () => {
    expect(londonDateTime(new Date("2026-07-01T16:30:00Z"))).toBe("5:30pm on 1 July 2026");
    expect(londonDateTime(new Date("2026-12-20T12:00:00Z"))).toBe("midday on 20 December 2026");
    expect(londonDateTime(new Date("2026-06-30T23:00:00Z"))).toBe("midnight on 1 July 2026");
    expect(londonParts(new Date("2026-06-30T23:05:00Z"))).toEqual({ date: "2026-07-01", time: "00:05" });
    expect(londonDate(new Date("2026-06-30T23:05:00Z"))).toBe("2026-07-01");
    expect(longDate("2027-04-01")).toBe("1 April 2027");
    expect(longDate(null)).toBe("");
  });

  it("shows them in Welsh as GOV.UK's Welsh style writes them", () => {
    expect(londonDateTime(new Date("2026-07-01T16:30:00Z"), "cy")).toBe("5:30yp ar 1 Gorffennaf 2026");
    expect(londonDateTime(new Date("2026-12-05T10:00:00Z"), "cy")).toBe("10yb ar 5 Rhagfyr 2026");
    expect(londonDateTime(new Date("2026-12-20T12:00:00Z"), "cy")).toBe("canol dydd ar 20 Rhagfyr 2026");
    expect(londonDateTime(new Date("2026-06-30T23:00:00Z"), "cy")).toBe("hanner nos ar 1 Gorffennaf 2026");
    const months = Array.from({ length: 12 }, (_, m) =>
      longDate(`2027-${String(m + 1).padStart(2, "0")}-01`, "cy"),
    );
    expect(months.map((d) => d.slice(2, -5))).toEqual([
      "Ionawr",
      "Chwefror",
      "Mawrth",
      "Ebrill",
      "Mai",
      "Mehefin",
      "Gorffennaf",
      "Awst",
      "Medi",
      "Hydref",
      "Tachwedd",
      "Rhagfyr",
    ]);
    expect(longDate(null, "cy")).toBe("");
  });

  it("writes in Welsh a date or time written in English, and nothing else", () => {
    expect(dateTextIn("1 April 2027", "cy")).toBe("1 Ebrill 2027");
    expect(dateTextIn("5:30pm on 20 December 2026", "cy")).toBe("5:30yp ar 20 Rhagfyr 2026");
    expect(dateTextIn("midday on 1 May 2027", "cy")).toBe("canol dydd ar 1 Mai 2027");
    expect(dateTextIn("9am", "cy")).toBe("9yb");
    expect(dateTextIn("1 April 2027", "en")).toBe("1 April 2027");
    expect(dateTextIn("31 February 2027", "cy")).toBeNull();
    expect(dateTextIn("Carers on 1 May 2027", "cy")).toBeNull();
    expect(dateTextIn("the library", "cy")).toBeNull();
  });

  it("agrees with the time zone database at any instant from 1970 to 2100 (the offset kept by hour)", () => {
    const format = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Europe/London",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), (millis) => {
        const at = new Date(millis);
        const [date, time] = format.format(at).split(", ");
        expect(londonParts(at)).toEqual({ date, time });
      }),
      { numRuns: 2000 },
    );
  });

  it("ends a London day at midnight London time", () => {
    expect(endOfLondonDay("2026-07-01").toISOString()).toBe("2026-07-01T23:00:00.000Z");
    expect(endOfLondonDay("2026-12-01").toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(isIsoDate("2026-02-29")).toBe(false);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-01-01", -1)).toBe("2026-12-31");
    expect(() => endOfLondonDay("2026-02-29")).toThrow("is not a date in the form YYYY-MM-DD");
  });
});
