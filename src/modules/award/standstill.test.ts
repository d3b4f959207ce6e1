/**
 * The standstill end of an award (Procurement Act 2023, s.51): 8 working days beginning with the day
 * the award notice is published, ending at midnight Europe/London at the end of the 8th working day,
 * on the calendar of the authority's nation — across Christmas, Easter, a Scottish authority's
 * holidays, a notice published on a weekend, and British Summer Time.
 */
import { describe, expect, it } from "vitest";
import { standstillEnds, standstillEndText } from "../../lib/working-days.ts";
import { awardStateOf } from "./award.service.ts";

const at = (iso: string) => new Date(iso);

describe("the standstill end", () => {
  it("runs across Christmas and New Year in England and Wales", () => {
    // Wed 23 Dec 2026: 23, 24 (1–2); 25 Christmas, 28 Boxing Day (substitute); 29, 30, 31 (3–5);
    // 1 Jan New Year's Day; 4, 5, 6 Jan (6–8). Ends at midnight at the end of 6 January 2027 (GMT).
    const ends = standstillEnds(at("2026-12-23T15:00:00Z"), "england-and-wales");
    expect(ends.toISOString()).toBe("2027-01-07T00:00:00.000Z");
    expect(standstillEndText(ends)).toBe("midnight at the end of 6 January 2027");
  });

  it("runs across Christmas and New Year a working day longer for a Scottish authority (2 January)", () => {
    // Scotland also keeps 2 January (a Saturday in 2027, so Monday 4 January instead): 5, 6, 7 Jan are 6–8.
    expect(standstillEnds(at("2026-12-23T15:00:00Z"), "scotland").toISOString()).toBe(
      "2027-01-08T00:00:00.000Z",
    );
  });

  it("runs across Easter, ending in British Summer Time; Easter Monday is not a Scottish holiday", () => {
    // Wed 24 Mar 2027: 24, 25 (1–2); Good Friday 26; Easter Monday 29 (England and Wales); 30, 31 Mar,
    // 1, 2, 5, 6 Apr (3–8). BST from 28 March: midnight London is 23:00 UTC.
    expect(standstillEnds(at("2027-03-24T09:00:00Z"), "england-and-wales").toISOString()).toBe(
      "2027-04-06T23:00:00.000Z",
    );
    // Scotland: Good Friday only; 29 Mar is working day 3, so the 8th is Mon 5 April.
    expect(standstillEnds(at("2027-03-24T09:00:00Z"), "scotland").toISOString()).toBe(
      "2027-04-05T23:00:00.000Z",
    );
  });

  it("begins with the day of publication in London, and on the next working day when published on a weekend", () => {
    // 23:30 UTC on Mon 12 Oct 2026 is 00:30 on Tue 13 Oct in London (BST): day 1 is Tuesday.
    expect(standstillEnds(at("2026-10-12T23:30:00Z"), "england-and-wales").toISOString()).toBe(
      "2026-10-22T23:00:00.000Z",
    );
    // Saturday 17 Oct 2026: day 1 is Monday 19 Oct; day 8 is Wednesday 28 Oct (GMT from 25 Oct).
    expect(standstillEnds(at("2026-10-17T10:00:00Z"), "england-and-wales").toISOString()).toBe(
      "2026-10-29T00:00:00.000Z",
    );
  });

  it("runs across the end of 2030 and through any later year's holidays, computed by rule", () => {
    // Tue 24 Dec 2030 (1); Christmas Wed 25, Boxing Day Thu 26; 27, 30, 31 Dec (2–4); New Year's Day
    // Wed 1 Jan 2031; 2, 3, 6, 7 Jan (5–8).
    const ends = standstillEnds(at("2030-12-24T10:00:00Z"), "england-and-wales");
    expect(ends.toISOString()).toBe("2031-01-08T00:00:00.000Z");
    expect(standstillEndText(ends)).toBe("midnight at the end of 7 January 2031");
    expect(standstillEnds(at("2030-12-24T10:00:00Z"), "scotland").toISOString()).toBe(
      "2031-01-09T00:00:00.000Z",
    );
    // Thu 23 Dec 2049 (1), Fri 24 (2); Christmas on Saturday 25 gives Mon 27, Boxing Day Tue 28;
    // 29, 30, 31 Dec (3–5); New Year's Day 2050 on a Saturday gives Mon 3 Jan; 4, 5, 6 Jan (6–8).
    expect(standstillEnds(at("2049-12-23T10:00:00Z"), "northern-ireland").toISOString()).toBe(
      "2050-01-07T00:00:00.000Z",
    );
  });

  it("is derived from the clock: in standstill until the instant it ends, then over", () => {
    const award = { status: "awarded" as const, standstill_ends_at: at("2027-01-07T00:00:00Z") };
    expect(awardStateOf(award, at("2027-01-06T23:59:59Z"))).toBe("standstill");
    expect(awardStateOf(award, at("2027-01-07T00:00:00Z"))).toBe("standstill-over");
    expect(awardStateOf({ ...award, status: "suspended" }, at("2027-02-01T00:00:00Z"))).toBe("suspended");
  });
});
