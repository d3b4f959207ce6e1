/**
 * One authority's figures from its records, as a pure function: contracts shared between a
 * consortium's parties by their shares (in value and in number, exactly), each in its own sector;
 * tenders by bids opened; awards by the days from publication; the tenders with fewer than three
 * bids with their award's justification.
 */
import { describe, expect, it } from "vitest";
import { daysBandOf, type FiguresInput, figuresOf, monthOf } from "./figures.ts";
import { budgetFiguresOf, suppressed, suppressedTotal } from "./personal-budgets.ts";

const LEAD = "019a0000-0000-7000-8000-0000000000a1";
const PARTNER = "019a0000-0000-7000-8000-0000000000a2";

function input(overrides: Partial<FiguresInput> = {}): FiguresInput {
  return {
    authorityArea: "E10000016",
    projects: new Map([["p1", { category: "home-care", area: "E07000001" }]]),
    services: new Map([["s1", "libraries"]]),
    tenders: [
      {
        id: "t1",
        projectId: "p1",
        title: "Home care",
        publishedAt: new Date("2026-04-01T09:00:00Z"),
        openedAt: new Date("2026-05-31T23:30:00Z"),
        bidsOpened: 2,
      },
      {
        id: "t2",
        projectId: "p1",
        title: "Day care",
        publishedAt: new Date("2026-04-01T09:00:00Z"),
        openedAt: null,
        bidsOpened: null,
      },
    ],
    awards: [
      {
        id: "a0",
        tenderId: "t1",
        status: "withdrawn",
        decidedAt: new Date("2026-06-05T10:00:00Z"),
        justification: null,
      },
      {
        id: "a1",
        tenderId: "t1",
        status: "contracted",
        decidedAt: new Date("2026-06-10T10:00:00Z"),
        justification: "Only two providers serve the area.",
      },
    ],
    contracts: [
      {
        id: "c1",
        tenderId: "t1",
        enteredAt: new Date("2026-07-01T10:00:00Z"),
        valuePence: 100_001n,
        leadOrganisationId: LEAD,
        leadName: "",
        leadShareBp: 6000,
        members: [
          { organisationId: PARTNER, name: "Partner", sector: "sme", sizeBand: "small", shareBp: 3000 },
          {
            organisationId: null,
            name: "Staff Mutual",
            sector: "public-service-mutual",
            sizeBand: "micro",
            shareBp: 1000,
          },
        ],
      },
    ],
    organisations: new Map([
      [LEAD, { sector: "charity", sizeBand: "medium" }],
      [PARTNER, { sector: "public-service-mutual", sizeBand: "small" }],
    ]),
    kpiRatings: [{ contractId: "c1", month: "2026-09-01", rating: "good", ratings: 2 }],
    decisions: [{ serviceId: "s1", month: "2026-08-01", decision: "accepted", challenges: 1 }],
    ratings: [{ category: "home-care", area: "E07000001", rank: 3, locations: 2 }],
    ...overrides,
  };
}

describe("an authority's market figures", () => {
  it("shares a consortium's contract between its parties, exactly, each in its own sector", () => {
    const { contracts, suppliers } = figuresOf(input());
    const place = { category_code: "home-care", area_code: "E07000001", month: "2026-07-01" };
    expect(contracts).toEqual([
      { ...place, sector: "charity", size_band: "medium", contracts_bp: 6000n, value_pence: 60_001n },
      // The partner counts in its own (effective) sector, not the one the bid gave.
      {
        ...place,
        sector: "public-service-mutual",
        size_band: "small",
        contracts_bp: 3000n,
        value_pence: 30_000n,
      },
      // A member not in the directory claiming to be a mutual has no evidence to check.
      { ...place, sector: "unconfirmed", size_band: "micro", contracts_bp: 1000n, value_pence: 10_000n },
    ]);
    expect(contracts.reduce((s, r) => s + r.value_pence, 0n)).toBe(100_001n);
    expect(suppliers.map((s) => [s.supplier, s.value_pence])).toEqual([
      [LEAD, 60_001n],
      [PARTNER, 30_000n],
      ["name:staff mutual", 10_000n],
    ]);
  });

  it("counts a contract whose shares were not recorded as its lead's alone", () => {
    const [contract] = input().contracts;
    const { contracts } = figuresOf(
      input({
        contracts: [{ ...(contract as FiguresInput["contracts"][number]), leadShareBp: 0, members: [] }],
      }),
    );
    expect(contracts.map((c) => [c.sector, c.contracts_bp, c.value_pence])).toEqual([
      ["charity", 10_000n, 100_001n],
    ]);
  });

  it("counts opened tenders by bids (never a sealed one), awards by days, and the few-bid tenders' justifications", () => {
    const figures = figuresOf(input());
    // Opened at 00:30 on 1 June in London: June's.
    expect(figures.tenders).toEqual([
      { category_code: "home-care", area_code: "E07000001", month: "2026-06-01", bids: 2, tenders: 1 },
    ]);
    // The withdrawn award is not counted; the other came 70 days after publication.
    expect(figures.awards).toEqual([
      {
        category_code: "home-care",
        area_code: "E07000001",
        month: "2026-06-01",
        days_band: "61-to-90",
        awards: 1,
        days: 70n,
      },
    ]);
    expect(figures.fewBids).toMatchObject([
      { tender_id: "t1", bids: 2, award_id: "a1", justification: "Only two providers serve the area." },
    ]);
    expect(figures.kpiRatings).toMatchObject([
      { month: "2026-09-01", rating: "good", ratings: 2, category_code: "home-care" },
    ]);
    expect(figures.challenges).toEqual([
      {
        category_code: "libraries",
        area_code: "E10000016",
        month: "2026-08-01",
        outcome: "accepted",
        challenges: 1,
      },
    ]);
    expect(figures.ratings).toEqual([
      { category_code: "home-care", area_code: "E07000001", rating: "inadequate", locations: 2 },
    ]);
  });

  it("puts days and months in their bands", () => {
    expect([0, 30, 31, 60, 61, 90, 91, 180, 181].map(daysBandOf)).toEqual([
      "up-to-30",
      "up-to-30",
      "31-to-60",
      "31-to-60",
      "61-to-90",
      "61-to-90",
      "91-to-180",
      "91-to-180",
      "over-180",
    ]);
    // In winter London is on UTC; in summer an hour ahead of it.
    expect(monthOf(new Date("2026-01-31T23:30:00Z"))).toBe("2026-01-01");
    expect(monthOf(new Date("2026-04-30T23:30:00Z"))).toBe("2026-05-01");
  });
});

describe("personal budgets' small-numbers rule", () => {
  it("hides a count of 9 with its money, shows 10, and hides the next smallest beside a lone hidden cell", () => {
    const shown = suppressed([
      { key: "a", count: 9, value: 900n },
      { key: "b", count: 10, value: 1000n },
      { key: "c", count: 3, value: 300n },
    ]);
    expect(shown.map((c) => [c.key, c.count, c.value])).toEqual([
      ["a", null, null],
      ["b", 10, 1000n],
      ["c", null, null],
    ]);
    const lone = suppressed([
      { key: "a", count: 9 },
      { key: "b", count: 12 },
      { key: "c", count: 10 },
    ]);
    expect(lone.map((c) => c.count)).toEqual([null, 12, null]);
    expect(suppressedTotal([{ key: "a", count: 9 }]).count).toBeNull();
    expect(suppressedTotal([{ key: "a", count: 10, value: 5n }])).toMatchObject({ count: 10, value: 5n });
  });

  it("counts live plans by delivery and area, spend by the payee's sector, and each review by its month due", () => {
    const figures = budgetFiguresOf(
      [
        {
          planId: "p1",
          areaCode: "E1",
          live: true,
          delivery: "direct-payment",
          weeklyPence: 100n,
          reviews: [{ dueOn: "2026-05-10", clock: "adult-social-care.plan", timeliness: "late" }],
        },
        { planId: "p2", areaCode: "E1", live: false, delivery: "mixed", weeklyPence: 50n, reviews: [] },
      ],
      [
        { planId: "p1", organisationId: "o1", paidPence: 70n },
        { planId: "p2", organisationId: null, paidPence: 30n },
      ],
      new Map([["o1", { sector: "charity", sizeBand: "small" }]]),
    );
    expect(figures.budgets).toEqual([
      { area_code: "E1", delivery: "direct-payment", people: 1, weekly_pence: 100n },
    ]);
    expect(figures.spend).toEqual([
      { area_code: "E1", sector: "charity", size_band: "small", budgets: 1, paid_pence: 70n },
      { area_code: "E1", sector: "direct-spend", size_band: "", budgets: 1, paid_pence: 30n },
    ]);
    expect(figures.reviews).toEqual([
      {
        area_code: "E1",
        month: "2026-05-01",
        clock: "adult-social-care.plan",
        timeliness: "late",
        reviews: 1,
      },
    ]);
  });
});
