import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPercent, parsePercent, percentValue } from "./basis-points.ts";

describe("percentages as basis points", () => {
  it("parses what people type, without floating point", () => {
    expect(parsePercent("25")).toBe(2500);
    expect(parsePercent("33.33")).toBe(3333);
    expect(parsePercent("92.5 %")).toBe(9250);
    expect(parsePercent("100%")).toBe(10000);
    expect(parsePercent(" 0.07 ")).toBe(7);
    for (const bad of ["", "%", "abc", "1.234", "-5", "1,000", "25 percent"])
      expect(parsePercent(bad)).toBeUndefined();
  });

  it("formats as people read them", () => {
    expect(formatPercent(2500)).toBe("25%");
    expect(formatPercent(3333)).toBe("33.33%");
    expect(formatPercent(9250)).toBe("92.5%");
    expect(formatPercent(5)).toBe("0.05%");
    expect(percentValue(9250)).toBe("92.5");
  });

  it("reads back what it writes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (bp) => parsePercent(formatPercent(bp)) === bp),
    );
  });
});
