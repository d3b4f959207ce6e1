import { describe, expect, it } from "vitest";
import { hiddenParts, hiddenTable, shownCount } from "./small-numbers.ts";

describe("the small-numbers rule", () => {
  it("hides 1 to 9, shows 0 and 10, and the next smallest beside a lone hidden part", () => {
    expect([0, 1, 9, 10].map(shownCount)).toEqual([0, null, null, 10]);
    expect(hiddenParts([12, 3, 0])).toEqual([true, true, false]);
    expect(hiddenParts([12, 3, 0, 11])).toEqual([false, true, false, true]);
    expect(hiddenParts([12, 3, 4])).toEqual([false, true, true]);
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
});
