import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hiddenApart, hiddenParts, hiddenTable, isSmall, shownCount } from "./small-numbers.ts";

describe("the small-numbers rule", () => {
  it("hides 1 to 9, shows 0 and 10, and the next smallest beside a lone hidden part", () => {
    expect([0, 1, 9, 10].map(shownCount)).toEqual([0, null, null, 10]);
    expect(hiddenParts([12, 3, 0])).toEqual([true, true, false]);
    expect(hiddenParts([12, 3, 0, 11])).toEqual([false, true, false, true]);
    // 3 and 4 hidden add up to 7, which 19 − 12 would give: the 12 is hidden too.
    expect(hiddenParts([12, 3, 4])).toEqual([true, true, true]);
    expect(hiddenParts([12, 3, 8])).toEqual([false, true, true]);
  });

  it("leaves no sum of 1 to 9 to be read from a published total less the parts it shows", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(60), { minLength: 1, maxLength: 8 }), (counts) => {
        const hidden = hiddenParts(counts);
        // A total of 1 to 9 is itself not published.
        if (isSmall(counts.reduce((a, b) => a + b, 0))) return;
        const hiddenSum = counts.reduce((sum, c, i) => (hidden[i] ? sum + c : sum), 0);
        expect(isSmall(hiddenSum)).toBe(false);
        expect(hidden.filter(Boolean).length === 1 && hiddenSum > 0).toBe(false);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(40), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const hidden = hiddenTable(rows, [0, 1, 2]);
          const total = (cells: [number, number][]) =>
            cells.reduce((sum, [r, c]) => sum + (rows[r]?.[c] ?? 0), 0);
          const sumOf = (cells: [number, number][]) =>
            cells.reduce((sum, [r, c]) => (hidden[r]?.[c] ? sum + (rows[r]?.[c] ?? 0) : sum), 0);
          const lines: [number, number][][] = [
            ...rows.map((_, r) => [0, 1, 2].map((c): [number, number] => [r, c])),
            ...[0, 1, 2].map((c) => rows.map((_, r): [number, number] => [r, c])),
          ];
          // A line's total of 1 to 9 is itself not published.
          for (const line of lines) if (!isSmall(total(line))) expect(isSmall(sumOf(line))).toBe(false);
        },
      ),
    );
  });

  it("hides a second cell in every row and column a lone hidden one would be worked out from", () => {
    // Months × (records): one month hidden among the 12 → the next smallest month hidden too.
    expect(hiddenTable([[40], [3], [25], [0]], [0]).map((r) => r[0])).toEqual([false, true, true, false]);
    // Rows and columns both: the second hidden in the column makes a lone one in its row, and so on.
    const hidden = hiddenTable(
      [
        [20, 5, 30],
        [30, 40, 50],
      ],
      [0, 1, 2],
    );
    expect(hidden.flat().filter(Boolean).length).toBeGreaterThanOrEqual(4);
    for (const row of hidden) expect(row.filter(Boolean).length).not.toBe(1);
    for (let c = 0; c < 3; c++) expect(hidden.filter((r) => r[c]).length).not.toBe(1);
  });

  it("hides the smaller of two counts shown 1 to 9 apart, where the difference of two counts people", () => {
    // 12 referred, 11 attached: the one not attached would be told.
    expect(hiddenApart([12, 11])).toEqual([false, true]);
    // 40 referred, 30 attached, 24 with a job outcome: 30 and 24 are 6 apart, so 24 is hidden.
    expect(hiddenApart([40, 30, 24])).toEqual([false, false, true]);
    // 95 and 91 are within 9 of 100: hidden. 85 is 15 from 100, and its differences from the hidden
    // ones are not published: shown.
    expect(hiddenApart([100, 95, 91, 85])).toEqual([false, true, true, false]);
    // Equal counts (0 apart) and counts 10 or more apart are shown; 1 to 9 are hidden whatever.
    expect(hiddenApart([30, 30, 20, 0, 4])).toEqual([false, false, false, false, true]);
  });

  it("leaves no count of 1 to 9 to be read from what it shows: a count, or the difference of two", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(120), { minLength: 1, maxLength: 9 }), (counts) => {
        const hidden = hiddenApart(counts);
        const shown = counts.filter((_, i) => !hidden[i]);
        for (const a of shown) {
          expect(isSmall(a)).toBe(false);
          for (const b of shown) expect(isSmall(Math.abs(a - b))).toBe(false);
        }
        // Nothing is hidden without a reason: it is 1 to 9, or 1 to 9 from another count.
        counts.forEach((c, i) => {
          if (hidden[i]) expect(isSmall(c) || counts.some((d) => isSmall(Math.abs(c - d)))).toBe(true);
        });
        // The largest (a total, or those referred) is hidden only when it is 1 to 9 itself.
        const largest = counts.indexOf(Math.max(...counts));
        expect(hidden[largest]).toBe(isSmall(counts[largest] ?? 0));
      }),
    );
  });
});
