/**
 * Where the time comes from. Code that needs "now" takes a Clock, so deadlines can be tested
 * with a clock that stands still or is moved on by hand.
 */
export interface Clock {
  now(): Date;
}

/** A clock a test can move: `set` jumps to an instant, `advance` moves on by milliseconds. */
export interface SettableClock extends Clock {
  set(date: Date): void;
  advance(ms: number): void;
}

/** The real time, from the machine. */
export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that always says the same instant. */
export function fixedClock(date: Date): Clock {
  const millis = validMillis(date);
  return { now: () => new Date(millis) };
}

/** A clock that stays at one instant until a test sets or advances it. */
export function settableClock(date: Date): SettableClock {
  let millis = validMillis(date);
  return {
    now: () => new Date(millis),
    set(next: Date) {
      millis = validMillis(next);
    },
    advance(ms: number) {
      if (!Number.isFinite(ms)) {
        throw new RangeError(`A clock can only be advanced by a finite number of milliseconds, not ${ms}`);
      }
      millis += ms;
    },
  };
}

function validMillis(date: Date): number {
  const millis = date.getTime();
  if (Number.isNaN(millis)) {
    throw new RangeError("A clock needs a valid date, not an Invalid Date");
  }
  return millis;
}
