/**
 * Each integrity indicator on hand-made compiled releases: raised and not raised at the edge of its
 * threshold, with the values that say why; and the catalogue: every indicator with its thresholds
 * and their reasons, in English and Welsh.
 */
import { describe, expect, it } from "vitest";
import {
  awardAboveEstimate,
  bidCount,
  concentrationFlags,
  fewerThanThreeBids,
  financialYearOf,
  lateAmendment,
  type MarketAward,
  marketAwardsOf,
  processFlags,
  type Release,
  shortSubmissionPeriod,
  singleBid,
  unprocuredFrom,
} from "./flags.ts";
import { INDICATOR_CODES, INDICATORS, threshold } from "./indicators.ts";

const DAY = 86_400_000;
const START = new Date("2027-01-04T09:00:00Z");
const at = (days: number) => new Date(START.getTime() + days * DAY).toISOString();

/** A compiled release of an open tender published at START, its deadline `days` later. */
function release(parts: { tender?: Record<string, unknown>; [field: string]: unknown } = {}): Release {
  const { tender, ...rest } = parts;
  return {
    ocid: "ocds-test-1",
    id: "ocds-test-1-2027",
    date: at(60),
    tag: ["compiled"],
    buyer: { id: "GB-LAE-WES", name: "Westshire County Council" },
    tender: {
      id: "t1",
      title: "Home care",
      procurementMethod: "open",
      tenderPeriod: { startDate: at(0), endDate: at(40) },
      items: [{ id: "1", classification: { scheme: "CPV", id: "85312000", description: "Social work" } }],
      ...tender,
    },
    ...rest,
  };
}

const award = (fields: Record<string, unknown> = {}) => ({
  id: "a1",
  status: "pending",
  date: at(70),
  value: { amount: 1000, currency: "GBP" },
  suppliers: [{ id: "GB-COH-1", name: "Carers Trust" }],
  ...fields,
});

describe("a single bid", () => {
  it("is raised on one tenderer in an open or selective procedure, not on two, nor before opening", () => {
    expect(singleBid(release({ tender: { numberOfTenderers: 1 } }))).toEqual({
      code: "single-bid",
      values: { bids: 1 },
    });
    expect(
      singleBid(release({ tender: { numberOfTenderers: 1, procurementMethod: "selective" } })),
    ).not.toBeNull();
    expect(singleBid(release({ tender: { numberOfTenderers: 2 } }))).toBeNull();
    expect(singleBid(release())).toBeNull();
    // A direct award has no competition to lack (Cardinal R018's exclusion).
    expect(singleBid(release({ tender: { numberOfTenderers: 1, procurementMethod: "direct" } }))).toBeNull();
  });

  it("reads the bids extension's statistic when the release gives no number of tenderers", () => {
    const withStatistics = release({
      bids: { statistics: [{ id: "bids", measure: "bids", value: 1, date: at(41) }] },
    });
    expect(bidCount(withStatistics)).toBe(1);
    expect(singleBid(withStatistics)).not.toBeNull();
    // A lot's count is not the process's.
    expect(
      bidCount(
        release({ bids: { statistics: [{ id: "l", measure: "bids", value: 1, relatedLot: "lot-1" }] } }),
      ),
    ).toBeUndefined();
  });
});

describe("fewer than three bids", () => {
  it("is raised below three bids, not at three, saying whether the award was justified", () => {
    expect(fewerThanThreeBids(release({ tender: { numberOfTenderers: 3 } }))).toBeNull();
    expect(fewerThanThreeBids(release({ tender: { numberOfTenderers: 2 } }))?.values).toEqual({
      bids: 2,
      fewerCompliant: false,
      awarded: false,
      justified: false,
    });
    const justified = release({
      tender: { numberOfTenderers: 2 },
      awards: [award({ fewerThanThreeBidsJustification: "Only two providers operate in the county." })],
    });
    expect(fewerThanThreeBids(justified)?.values).toMatchObject({ bids: 2, awarded: true, justified: true });
    const unjustified = release({ tender: { numberOfTenderers: 1 }, awards: [award()] });
    expect(fewerThanThreeBids(unjustified)?.values).toMatchObject({ awarded: true, justified: false });
  });

  it("is raised on three or more bids when the award says fewer than three were compliant", () => {
    const flag = fewerThanThreeBids(
      release({
        tender: { numberOfTenderers: 4 },
        awards: [award({ fewerThanThreeBidsJustification: "Two bids failed the insurance condition." })],
      }),
    );
    expect(flag?.values).toEqual({ bids: 4, fewerCompliant: true, awarded: true, justified: true });
    // A withdrawn award's justification no longer stands.
    expect(
      fewerThanThreeBids(
        release({
          tender: { numberOfTenderers: 4 },
          awards: [award({ status: "cancelled", fewerThanThreeBidsJustification: "Withdrawn." })],
        }),
      ),
    ).toBeNull();
  });
});

describe("a submission period at the legal minimum", () => {
  const minimum = threshold("short-submission-period", "legalMinimum");
  const margin = threshold("short-submission-period", "margin");
  const period = (days: number, procurementMethod = "open") =>
    release({ tender: { procurementMethod, tenderPeriod: { startDate: at(0), endDate: at(days) } } });

  it("is raised below the minimum plus the margin, not at it", () => {
    expect(minimum).toBe(25);
    const edge = minimum + margin;
    expect(shortSubmissionPeriod(period(edge))).toBeNull();
    expect(shortSubmissionPeriod(period(edge - 1 / 24))?.values).toEqual({
      days: edge - 1,
      startDate: at(0),
      endDate: at(edge - 1 / 24),
      legalMinimumDays: minimum,
      marginDays: margin,
    });
    expect(shortSubmissionPeriod(period(minimum))?.values.days).toBe(minimum);
  });

  it("leaves alone a procedure without a minimum period, and a period it cannot read", () => {
    expect(shortSubmissionPeriod(period(10, "limited"))).toBeNull();
    expect(shortSubmissionPeriod(release({ tender: { tenderPeriod: { endDate: at(10) } } }))).toBeNull();
  });
});

describe("an amendment late in the period", () => {
  const days = threshold("late-amendment", "daysBeforeDeadline");
  const amended = (...dates: string[]) =>
    release({ tender: { amendments: dates.map((date, i) => ({ id: String(i + 1), date })) } });

  it("is raised on an amendment less than the threshold before the deadline, not at it", () => {
    expect(lateAmendment(amended(at(40 - days)))).toBeNull();
    const flag = lateAmendment(amended(at(5), at(40 - days + 1 / 24), at(39)));
    expect(flag?.values).toEqual({
      amendment: "3",
      amendedAt: at(39),
      deadline: at(40),
      lateAmendments: 2,
      daysBeforeDeadline: days,
    });
  });

  it("reads the deadline as it finally stood: an amendment that moved it far enough is not late", () => {
    // Amended on day 38 and the deadline moved from day 40 to day 50: twelve days left.
    const moved = release({
      tender: {
        tenderPeriod: { startDate: at(0), endDate: at(50) },
        amendments: [{ id: "1", date: at(38) }],
      },
    });
    expect(lateAmendment(moved)).toBeNull();
    expect(lateAmendment(amended(at(41)))).toBeNull();
  });
});

describe("an award above the estimate", () => {
  const over = threshold("award-above-estimate", "over");
  const priced = (estimate: Record<string, unknown>, awarded: number, status = "pending") =>
    release({ ...estimate, awards: [award({ value: { amount: awarded, currency: "GBP" }, status })] });

  it("is raised above the estimate by more than the threshold, not at it (exact to the penny)", () => {
    const tenderValue = { tender: { value: { amount: 1000, currency: "GBP" } } };
    expect(over).toBe(10);
    expect(awardAboveEstimate(priced(tenderValue, 1100))).toBeNull();
    expect(awardAboveEstimate(priced(tenderValue, 1100.01))?.values).toEqual({
      awardedPence: 110001,
      estimatePence: 100000,
      currency: "GBP",
      estimateFrom: "tender",
      aboveBp: 1000,
      thresholdPercent: over,
    });
    expect(awardAboveEstimate(priced(tenderValue, 1100.01, "cancelled"))).toBeNull();
  });

  it("takes the lots' values, else the planned budget, as the estimate", () => {
    const lots = {
      tender: {
        lots: [
          { id: "1", value: { amount: 600, currency: "GBP" } },
          { id: "2", value: { amount: 400, currency: "GBP" } },
        ],
      },
    };
    expect(awardAboveEstimate(priced(lots, 1200))?.values).toMatchObject({
      estimateFrom: "lots",
      aboveBp: 2000,
    });
    const planning = { planning: { budget: { amount: { amount: 1000, currency: "GBP" } } } };
    expect(awardAboveEstimate(priced(planning, 1500))?.values).toMatchObject({ estimateFrom: "planning" });
    expect(awardAboveEstimate(priced({}, 1500))).toBeNull();
    // Another currency is not compared.
    expect(
      awardAboveEstimate(
        release({ ...planning, awards: [award({ value: { amount: 5000, currency: "EUR" } })] }),
      ),
    ).toBeNull();
  });
});

describe("one supplier's share of an authority's awards in a market", () => {
  const share = threshold("supplier-concentration", "share");
  const minimum = threshold("supplier-concentration", "minimumAwards");
  const market = (values: [string, number][]): MarketAward[] =>
    values.map(([supplier, pounds], i) => ({
      ocid: `ocds-${i}`,
      awardId: `a${i}`,
      buyerId: "GB-LAE-WES",
      cpv: "85312000",
      cpvDescription: "Social work",
      supplierId: supplier,
      supplierName: `Supplier ${supplier}`,
      valuePence: BigInt(Math.round(pounds * 100)),
      awardedAt: new Date("2026-06-01T12:00:00Z"),
      financialYear: 2026,
    }));

  it("is raised on each of a supplier's awards when its share is above the threshold, not at it", () => {
    expect([share, minimum]).toEqual([40, 3]);
    // A: 40 of 100, exactly the threshold.
    expect(
      concentrationFlags(
        market([
          ["A", 40],
          ["B", 30],
          ["C", 30],
        ]),
      ).size,
    ).toBe(0);
    const flags = concentrationFlags(
      market([
        ["A", 20],
        ["A", 20.01],
        ["B", 30],
        ["C", 29.99],
      ]),
    );
    expect([...flags.keys()]).toEqual(["ocds-0", "ocds-1"]);
    expect(flags.get("ocds-1")?.values).toEqual({
      supplierId: "A",
      supplierName: "Supplier A",
      cpv: "85312000",
      cpvDescription: "Social work",
      financialYear: 2026,
      shareBp: 4001,
      supplierPence: 4001,
      marketPence: 10000,
      supplierAwards: 2,
      marketAwards: 4,
      thresholdPercent: share,
    });
  });

  it("says nothing of a market with fewer awards than the minimum", () => {
    expect(
      concentrationFlags(
        market([
          ["A", 90],
          ["B", 10],
        ]),
      ).size,
    ).toBe(0);
    expect(
      concentrationFlags(
        market([
          ["A", 90],
          ["B", 10],
          ["C", 10],
        ]),
      ).size,
    ).toBe(1);
  });

  it("takes each award that stands from a compiled release, in its market and financial year", () => {
    const awarded = release({
      awards: [
        award(),
        award({ id: "a2", status: "cancelled" }),
        award({ id: "a3", date: "2027-04-01T08:00:00Z" }),
      ],
    });
    const awards = marketAwardsOf(awarded);
    expect(awards.map((a) => [a.awardId, a.cpv, a.supplierId, a.valuePence, a.financialYear])).toEqual([
      ["a1", "85312000", "GB-COH-1", 100000n, 2026],
      ["a3", "85312000", "GB-COH-1", 100000n, 2027],
    ]);
    // The financial year turns on 1 April in London (01:00 BST on 1 April is 00:00 UTC).
    expect(financialYearOf(new Date("2027-03-31T22:59:59Z"))).toBe(2026);
    expect(financialYearOf(new Date("2027-03-31T23:00:00Z"))).toBe(2027);
    expect(marketAwardsOf(release({ tender: { items: [] }, awards: [award()] }))).toEqual([]);
  });
});

describe("the Right to Challenge accepted but never procured", () => {
  it("is raised from the end of the latest start's day, and never once the procurement started", () => {
    expect(threshold("right-to-challenge-unprocured", "daysAfterLatestStart")).toBe(0);
    // 31 July 2027 ends at 23:00 UTC (BST).
    expect(unprocuredFrom({ earliest: "2027-02-01", latest: "2027-07-31", startedOn: null })).toEqual(
      new Date("2027-07-31T23:00:00Z"),
    );
    expect(
      unprocuredFrom({ earliest: "2027-02-01", latest: "2027-07-31", startedOn: "2027-08-20" }),
    ).toBeNull();
    expect(unprocuredFrom({ earliest: null, latest: null, startedOn: null })).toBeNull();
  });
});

describe("the indicators as data", () => {
  it("gives every indicator, in English and Welsh, with each threshold's unit and reason and a source", () => {
    expect(INDICATORS.map((i) => i.code)).toEqual([...INDICATOR_CODES]);
    for (const indicator of INDICATORS) {
      const texts = [
        indicator.name,
        indicator.meaning,
        indicator.notA,
        ...indicator.thresholds.map((t) => t.reason),
      ];
      for (const text of texts) {
        expect(text.en.length, indicator.code).toBeGreaterThan(0);
        expect(text.cy.length, indicator.code).toBeGreaterThan(0);
        expect(text.cy, indicator.code).not.toBe(text.en);
      }
      expect(indicator.thresholds.length).toBeGreaterThan(0);
      expect(indicator.sources.length).toBeGreaterThan(0);
      for (const source of indicator.sources) expect(source.url).toMatch(/^https:\/\//);
    }
  });

  it("raises nothing on a process that meets every threshold", () => {
    const clean = release({
      tender: { numberOfTenderers: 4, value: { amount: 1000, currency: "GBP" } },
      awards: [award({ value: { amount: 1000, currency: "GBP" } })],
    });
    expect(processFlags(clean)).toEqual([]);
  });
});
