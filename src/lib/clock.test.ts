import { describe, expect, it } from "vitest";
import { fixedClock, isMovableClock, movableClock, settableClock, systemClock } from "./clock.ts";

describe("systemClock", () => {
  it("tells the machine's time", () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe("fixedClock", () => {
  it("always returns the instant it was given", () => {
    const clock = fixedClock(new Date("2026-03-29T00:30:00Z"));
    expect(clock.now().toISOString()).toBe("2026-03-29T00:30:00.000Z");
    expect(clock.now().toISOString()).toBe("2026-03-29T00:30:00.000Z");
  });

  it("cannot be changed by mutating the date given or returned", () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const clock = fixedClock(start);
    start.setUTCFullYear(2000);
    clock.now().setUTCFullYear(1999);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("refuses an invalid date", () => {
    expect(() => fixedClock(new Date("not a date"))).toThrow(RangeError);
  });
});

describe("settableClock", () => {
  it("starts at the given instant and can be set and advanced", () => {
    const clock = settableClock(new Date("2026-12-22T09:00:00Z"));
    expect(clock.now().toISOString()).toBe("2026-12-22T09:00:00.000Z");

    clock.advance(90 * 60 * 1000);
    expect(clock.now().toISOString()).toBe("2026-12-22T10:30:00.000Z");

    clock.set(new Date("2027-01-06T00:00:00Z"));
    expect(clock.now().toISOString()).toBe("2027-01-06T00:00:00.000Z");

    clock.advance(-1);
    expect(clock.now().toISOString()).toBe("2027-01-05T23:59:59.999Z");
  });

  it("refuses invalid dates and non-finite steps", () => {
    const clock = settableClock(new Date("2026-01-01T00:00:00Z"));
    expect(() => clock.set(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("movableClock", () => {
  it("runs ahead of its base clock by an offset that can be changed, and follows the base", () => {
    const base = settableClock(new Date("2026-12-22T09:00:00Z"));
    const clock = movableClock(base, 2 * 24 * 3600_000);
    expect(clock.now().toISOString()).toBe("2026-12-24T09:00:00.000Z");
    base.advance(60_000);
    expect(clock.now().toISOString()).toBe("2026-12-24T09:01:00.000Z");
    clock.setOffset(0);
    expect(clock.now().toISOString()).toBe("2026-12-22T09:01:00.000Z");
    expect(clock.offsetMs()).toBe(0);
    expect(clock.base).toBe(base);
  });

  it("refuses an offset that is not a whole number of milliseconds, and is told from other clocks", () => {
    const clock = movableClock(systemClock);
    expect(() => clock.setOffset(Number.NaN)).toThrow(RangeError);
    expect(() => clock.setOffset(1.5)).toThrow(RangeError);
    expect(clock.offsetMs()).toBe(0);
    expect(isMovableClock(clock)).toBe(true);
    expect(isMovableClock(systemClock)).toBe(false);
    expect(isMovableClock(settableClock(new Date()))).toBe(false);
  });
});
