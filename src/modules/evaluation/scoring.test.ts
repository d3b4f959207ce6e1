import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BidToScore, type Criterion, checkCriteria, priceScore, rankBids, showBp } from "./scoring.ts";

const CRITERIA: Criterion[] = [
  { id: "q1", name: "Approach", kind: "quality", weightBp: 4000 },
  { id: "q2", name: "Staffing", kind: "quality", weightBp: 2000 },
  { id: "sv", name: "Social value", kind: "social-value", weightBp: 1000 },
  { id: "p", name: "Price", kind: "price", weightBp: 3000 },
];

const bid = (bidId: string, price: number | null, q1: number, q2: number, sv: number): BidToScore => ({
  bidId,
  pricePence: price === null ? null : BigInt(price),
  scores: { q1, q2, sv },
});

describe("scoring bids", () => {
  it("refuses weights that do not add up to 100%, saying what they add up to", () => {
    expect(() => checkCriteria([{ id: "a", name: "Quality", kind: "quality", weightBp: 6000 }])).toThrow(
      "The weights add up to 6000 basis points; they must add up to 10,000 (100%)",
    );
    expect(() =>
      checkCriteria([
        { id: "a", name: "Quality", kind: "quality", weightBp: 5000.5 },
        { id: "b", name: "Price", kind: "price", weightBp: 4999.5 },
      ]),
    ).toThrow("whole number of basis points");
  });

  it("scores price as lowest ÷ price × weight, and shows the working", () => {
    expect(showBp(priceScore(100_000n, 200_000n, 3000))).toBe("1,500.00");
    const ranking = rankBids(CRITERIA, 4, [bid("a", 100_000, 4, 4, 4), bid("b", 300_000, 3, 2, 1)]);
    const b = ranking.bids.find((x) => x.bidId === "b");
    expect(b?.criteria.map((c) => c.working)).toEqual([
      "3 ÷ 4 × 4,000 bp = 3,000.00 bp",
      "2 ÷ 4 × 2,000 bp = 1,000.00 bp",
      "1 ÷ 4 × 1,000 bp = 250.00 bp",
      "£1,000.00 ÷ £3,000.00 × 3,000 bp = 1,000.00 bp",
    ]);
    expect(b?.totalShown).toBe("5,250.00");
    expect(ranking.bids.map((x) => [x.bidId, x.rank])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("ranks exactly: totals that round to the same figure are still told apart", () => {
    const priceOnly: Criterion[] = [{ id: "p", name: "Price", kind: "price", weightBp: 10_000 }];
    const ranking = rankBids(priceOnly, 4, [
      { bidId: "dearer", pricePence: 300_000_002n, scores: {} },
      { bidId: "cheaper", pricePence: 300_000_001n, scores: {} },
    ]);
    expect(ranking.bids.map((b) => b.totalShown)).toEqual(["10,000.00", "10,000.00"]);
    expect(ranking.bids.map((b) => b.bidId)).toEqual(["cheaper", "dearer"]);
    expect(ranking.unresolvedTies).toEqual([]);
  });

  it("breaks a tie on the total by the higher quality score", () => {
    const simple: Criterion[] = [
      { id: "q1", name: "Quality", kind: "quality", weightBp: 5000 },
      { id: "p", name: "Price", kind: "price", weightBp: 5000 },
    ];
    const ranking = rankBids(simple, 10, [
      { bidId: "cheap", pricePence: 100n, scores: { q1: 5 } }, // 2,500 + 5,000 = 7,500
      { bidId: "good", pricePence: 200n, scores: { q1: 10 } }, // 5,000 + 2,500 = 7,500
    ]);
    expect(ranking.bids.map((b) => [b.bidId, b.rank, b.tieBrokenBy])).toEqual([
      ["good", 1, "quality"],
      ["cheap", 2, "quality"],
    ]);
  });

  it("reports a tie on total and quality until the commissioner records a decision", () => {
    const bids = [bid("x", 100_000, 3, 3, 3), bid("y", 100_000, 3, 3, 3), bid("z", 200_000, 1, 1, 1)];
    const open = rankBids(CRITERIA, 4, bids);
    expect(open.unresolvedTies).toEqual([["x", "y"]]);
    expect(open.bids.map((b) => [b.bidId, b.rank, b.tieBrokenBy])).toEqual([
      ["x", 1, null],
      ["y", 1, null],
      ["z", 3, null],
    ]);
    const decided = rankBids(CRITERIA, 4, bids, ["y", "x"]);
    expect(decided.unresolvedTies).toEqual([]);
    expect(decided.bids.map((b) => [b.bidId, b.rank, b.tieBrokenBy])).toEqual([
      ["y", 1, "decision"],
      ["x", 2, "decision"],
      ["z", 3, null],
    ]);
  });

  it("scores a fixed-price tender on quality alone", () => {
    const fixed: Criterion[] = [
      { id: "q1", name: "Quality", kind: "quality", weightBp: 10_000 },
      { id: "p", name: "Price", kind: "price", weightBp: 0 },
    ];
    const ranking = rankBids(fixed, 5, [
      { bidId: "a", pricePence: null, scores: { q1: 3 } },
      { bidId: "b", pricePence: null, scores: { q1: 5 } },
    ]);
    expect(ranking.bids.map((b) => [b.bidId, b.totalShown])).toEqual([
      ["b", "10,000.00"],
      ["a", "6,000.00"],
    ]);
  });

  it("refuses a score off the scale, and a missing price when price is scored", () => {
    expect(() => rankBids(CRITERIA, 4, [bid("a", 100, 5, 1, 1)])).toThrow(
      "A score must be a whole number from 0 to 4, not 5",
    );
    expect(() => rankBids(CRITERIA, 4, [bid("a", null, 1, 1, 1)])).toThrow("has no price");
  });

  const arbBids = fc
    .uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 1, maxLength: 7 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((n) =>
          fc.record({
            bidId: fc.constant(`bid-${n}`),
            price: fc.integer({ min: 1, max: 5_000_000 }),
            q1: fc.integer({ min: 0, max: 4 }),
            q2: fc.integer({ min: 0, max: 4 }),
            sv: fc.integer({ min: 0, max: 4 }),
          }),
        ),
      ),
    )
    .map((rows) => rows.map((r) => bid(r.bidId, r.price, r.q1, r.q2, r.sv)));

  it("never lets the order the bids were entered in change the ranking (property)", () => {
    fc.assert(
      fc.property(
        arbBids.chain((bids) =>
          fc.tuple(fc.constant(bids), fc.shuffledSubarray(bids, { minLength: bids.length })),
        ),
        ([bids, shuffled]) => {
          const ranks = (list: BidToScore[]) =>
            Object.fromEntries(
              rankBids(CRITERIA, 4, list).bids.map((b) => [b.bidId, [b.rank, b.totalShown]]),
            );
          expect(ranks(shuffled)).toEqual(ranks(bids));
        },
      ),
    );
  });

  it("keeps totals between 0 and 10,000 bp and never ranks a bid below one it beats on everything (property)", () => {
    fc.assert(
      fc.property(arbBids, (bids) => {
        const ranking = rankBids(CRITERIA, 4, bids);
        const rankOf = new Map(ranking.bids.map((b) => [b.bidId, b.rank]));
        for (const b of ranking.bids) {
          expect(b.total.num >= 0n && b.total.num <= 10_000n * b.total.den).toBe(true);
        }
        for (const a of bids)
          for (const b of bids) {
            const dominates =
              a !== b &&
              (a.pricePence ?? 0n) <= (b.pricePence ?? 0n) &&
              ["q1", "q2", "sv"].every((k) => (a.scores[k] ?? 0) >= (b.scores[k] ?? 0));
            if (dominates) expect(rankOf.get(a.bidId) ?? 0).toBeLessThanOrEqual(rankOf.get(b.bidId) ?? 0);
          }
      }),
    );
  });
  it("with the commissioner's decision recorded, the ranking is complete and never depends on the entry order (property)", () => {
    fc.assert(
      fc.property(
        arbBids.chain((bids) =>
          fc.tuple(
            fc.constant(bids),
            fc.shuffledSubarray(bids, { minLength: bids.length }),
            fc.shuffledSubarray(
              bids.map((b) => b.bidId),
              { minLength: bids.length },
            ),
          ),
        ),
        ([bids, shuffled, decision]) => {
          const ranked = (list: BidToScore[]) => rankBids(CRITERIA, 4, list, decision);
          const a = ranked(bids);
          const b = ranked(shuffled);
          expect(b.bids.map((x) => [x.bidId, x.rank])).toEqual(a.bids.map((x) => [x.bidId, x.rank]));
          expect(a.unresolvedTies).toEqual([]);
          expect(a.bids.map((x) => x.rank)).toEqual(a.bids.map((_, i) => i + 1));
          // Each bid ranks above the next: a higher total, or an equal total and higher quality, or the decision.
          for (let i = 1; i < a.bids.length; i++) {
            const [hi, lo] = [a.bids[i - 1], a.bids[i]] as [(typeof a.bids)[number], (typeof a.bids)[number]];
            const byTotal = hi.total.num * lo.total.den - lo.total.num * hi.total.den;
            expect(byTotal >= 0n).toBe(true);
            if (byTotal === 0n) {
              const byQuality = hi.quality.num * lo.quality.den - lo.quality.num * hi.quality.den;
              expect(byQuality >= 0n).toBe(true);
              if (byQuality === 0n)
                expect(decision.indexOf(hi.bidId)).toBeLessThan(decision.indexOf(lo.bidId));
            }
          }
        },
      ),
    );
  });
});
