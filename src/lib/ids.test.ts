import { describe, expect, it } from "vitest";
import { isUuid, newId, referenceNumber } from "./ids.ts";

describe("newId", () => {
  it("makes distinct version 7 UUIDs", () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it("makes ids that sort in the order they were made", () => {
    const ids = Array.from({ length: 200 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
  });

  it("puts the creation time in the first 48 bits", () => {
    const before = Date.now();
    const id = newId();
    const millis = Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(Date.now());
  });
});

describe("isUuid", () => {
  it.each([
    ["0192f5a0-6c1e-7a3b-8f00-1234567890ab", true],
    ["0192F5A0-6C1E-7A3B-8F00-1234567890AB", true],
    ["f47ac10b-58cc-4372-a567-0e02b2c3d479", true],
    ["0192f5a0-6c1e-7a3b-8f00-1234567890a", false],
    ["0192f5a06c1e7a3b8f001234567890ab", false],
    ["not-a-uuid", false],
    ["", false],
    [42, false],
    [undefined, false],
  ])("%j → %s", (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});

describe("referenceNumber", () => {
  it("pads the sequence to six digits", () => {
    expect(referenceNumber("OPS", 2026, 123)).toBe("OPS-2026-000123");
    expect(referenceNumber("CRC", 2027, 1n)).toBe("CRC-2027-000001");
    expect(referenceNumber("OPS", 2026, 999_999)).toBe("OPS-2026-999999");
  });

  it("keeps every digit of a long sequence", () => {
    expect(referenceNumber("OPS", 2026, 1_234_567)).toBe("OPS-2026-1234567");
  });

  it.each<[string, number, number | bigint]>([
    ["ops", 2026, 1],
    ["", 2026, 1],
    ["OP-S", 2026, 1],
    ["OPS", 26, 1],
    ["OPS", 2026.5, 1],
    ["OPS", 2026, 0],
    ["OPS", 2026, -1n],
    ["OPS", 2026, 1.5],
  ])("refuses (%j, %d, %d)", (prefix, year, sequence) => {
    expect(() => referenceNumber(prefix, year, sequence)).toThrow(RangeError);
  });
});
