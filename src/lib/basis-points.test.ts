import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatPercent,
  parsePercent,
  percentValue,
  pointsOutOf100,
  workingInPoints,
} from "./basis-points.ts";

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

describe("scores as points out of 100", () => {
  it("shows evaluation's basis points to hundredths as points out of 100, exactly", () => {
    expect(pointsOutOf100("7,345.67")).toBe("73.4567");
    expect(pointsOutOf100("2,000.00")).toBe("20");
    expect(pointsOutOf100("10,000.00")).toBe("100");
    expect(pointsOutOf100("0.01")).toBe("0.0001");
    expect(pointsOutOf100("0.00")).toBe("0");
    expect(pointsOutOf100("2,727.27")).toBe("27.2727");
    expect(pointsOutOf100("not a score")).toBe("not a score");
  });

  it("writes a score's working in points out of 100", () => {
    expect(workingInPoints("3 ÷ 4 × 4,000 bp = 3,000.00 bp")).toBe("3 ÷ 4 × 40 = 30");
    expect(workingInPoints("£1,000.00 ÷ £1,100.00 × 3,000 bp = 2,727.27 bp")).toBe(
      "£1,000.00 ÷ £1,100.00 × 30 = 27.2727",
    );
  });

  it("keeps every hundredth of a basis point (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (hundredths) => {
        const bp = `${Math.trunc(hundredths / 100).toLocaleString("en-GB")}.${String(hundredths % 100).padStart(2, "0")}`;
        return Math.round(Number(pointsOutOf100(bp)) * 10_000) === hundredths;
      }),
    );
  });
});
