/**
 * The aggregation of key-question ratings (DOMAIN.md §3) over every one of the 4^5 = 1,024
 * combinations, with and without a breach, checked against the ordered rules written out here
 * independently; and examples a reader can check by eye.
 */
import { describe, expect, it } from "vitest";
import { aggregateRatings, anyInadequate, isRating, type KeyQuestionRatings, worseOf } from "./ratings.ts";
import { KEY_QUESTIONS, RATINGS, type Rating } from "./regulation.table.ts";

function* everyCombination(): Generator<KeyQuestionRatings> {
  for (let n = 0; n < 4 ** 5; n += 1) {
    const digits = KEY_QUESTIONS.map((_, i) => Math.floor(n / 4 ** i) % 4);
    yield Object.fromEntries(KEY_QUESTIONS.map((q, i) => [q, RATINGS[digits[i] ?? 0]])) as KeyQuestionRatings;
  }
}

/** The rules as DOMAIN.md §3 states them, first match wins, then the cap. */
function expected(ratings: KeyQuestionRatings, breach: boolean): Rating {
  const v = Object.values(ratings);
  const n = (r: Rating) => v.filter((x) => x === r).length;
  let result: Rating;
  if (n("inadequate") >= 2) result = "inadequate";
  else if (n("inadequate") === 1 || n("requires-improvement") >= 2) result = "requires-improvement";
  else if (n("outstanding") >= 2 && n("outstanding") + n("good") === 5) result = "outstanding";
  else result = "good";
  if (breach && (result === "outstanding" || result === "good")) result = "requires-improvement";
  return result;
}

const all = (r: Rating): KeyQuestionRatings => ({
  safe: r,
  effective: r,
  caring: r,
  responsive: r,
  "well-led": r,
});

describe("aggregateRatings", () => {
  it("gives the ordered rules' answer for all 1,024 combinations, with and without a breach", () => {
    let checked = 0;
    const tally: Record<string, number> = {};
    for (const ratings of everyCombination()) {
      for (const breach of [false, true]) {
        const got = aggregateRatings(ratings, breach);
        expect(got.overall, JSON.stringify({ ratings, breach })).toBe(expected(ratings, breach));
        expect(got.beforeCap).toBe(expected(ratings, false));
        expect(got.capped).toBe(got.overall !== got.beforeCap);
        tally[`${breach}:${got.overall}`] = (tally[`${breach}:${got.overall}`] ?? 0) + 1;
        checked += 1;
      }
    }
    expect(checked).toBe(2048);
    // Counted by hand: Inadequate = 1024 − 3^5 (none) − 5·3^4 (exactly one) = 376; Outstanding =
    // 2^5 − 1 − 5 = 26 (only O and G, at least two O); Good = 6 (only O/G, under two O) + 5·2^4 = 80
    // (one RI, the rest O/G) = 86; Requires improvement = the other 536. A breach turns the 112
    // Outstanding and Good into Requires improvement: 648.
    expect(tally).toEqual({
      "false:inadequate": 376,
      "false:requires-improvement": 536,
      "false:outstanding": 26,
      "false:good": 86,
      "true:inadequate": 376,
      "true:requires-improvement": 648,
    });
  });

  it("applies the rules in order: two Inadequate wins over everything else", () => {
    const r = { ...all("outstanding"), safe: "inadequate", caring: "inadequate" } as KeyQuestionRatings;
    expect(aggregateRatings(r, false)).toEqual({
      overall: "inadequate",
      rule: "two-or-more-inadequate",
      beforeCap: "inadequate",
      capped: false,
    });
  });

  it("one Inadequate among Outstandings is Requires improvement, not Outstanding", () => {
    const r = { ...all("outstanding"), "well-led": "inadequate" } as KeyQuestionRatings;
    expect(aggregateRatings(r, false).overall).toBe("requires-improvement");
    expect(aggregateRatings(r, false).rule).toBe("one-inadequate-or-two-or-more-requires-improvement");
  });

  it("two Requires improvement is Requires improvement; one is still Good", () => {
    expect(
      aggregateRatings(
        { ...all("good"), safe: "requires-improvement", caring: "requires-improvement" },
        false,
      ).overall,
    ).toBe("requires-improvement");
    expect(aggregateRatings({ ...all("good"), safe: "requires-improvement" }, false).overall).toBe("good");
  });

  it("two Outstanding with the rest Good is Outstanding; with one Requires improvement it is Good", () => {
    expect(
      aggregateRatings({ ...all("good"), safe: "outstanding", caring: "outstanding" }, false).overall,
    ).toBe("outstanding");
    expect(
      aggregateRatings({ ...all("outstanding"), safe: "requires-improvement" } as KeyQuestionRatings, false)
        .overall,
    ).toBe("good");
    expect(aggregateRatings({ ...all("good"), caring: "outstanding" }, false).overall).toBe("good");
  });

  it("a breach caps Outstanding and Good at Requires improvement and leaves Inadequate alone", () => {
    expect(aggregateRatings(all("outstanding"), true)).toEqual({
      overall: "requires-improvement",
      rule: "two-or-more-outstanding-rest-good",
      beforeCap: "outstanding",
      capped: true,
    });
    expect(aggregateRatings(all("good"), true).overall).toBe("requires-improvement");
    expect(aggregateRatings(all("inadequate"), true)).toMatchObject({ overall: "inadequate", capped: false });
  });
});

describe("rating helpers", () => {
  it("knows the scale", () => {
    expect(isRating("good")).toBe(true);
    expect(isRating("excellent")).toBe(false);
    expect(isRating(undefined)).toBe(false);
    expect(worseOf("good", "inadequate")).toBe("inadequate");
    expect(worseOf("outstanding", "good")).toBe("good");
  });

  it("sees an Inadequate in any key question or overall", () => {
    expect(anyInadequate(all("good"), "good")).toBe(false);
    expect(anyInadequate({ ...all("good"), responsive: "inadequate" }, "good")).toBe(true);
    expect(anyInadequate(all("good"), "inadequate")).toBe(true);
  });
});
