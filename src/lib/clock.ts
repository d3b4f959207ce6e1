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

/**
 * A clock running ahead of another by an offset that can be changed while it runs: the demo clock
 * (src/modules/demo-clock). `now()` is the base clock's time plus the offset, held in memory, so
 * reading it costs nothing more than the base clock.
 */
export interface MovableClock extends Clock {
  /** The clock it runs ahead of: the real time, for the server. */
  readonly base: Clock;
  /** How far ahead of its base clock it runs, in milliseconds. */
  offsetMs(): number;
  /** Runs `ms` milliseconds ahead of the base clock from now on (0: the base clock's time). */
  setOffset(ms: number): void;
}

export function movableClock(base: Clock, offsetMs = 0): MovableClock {
  let offset = validOffset(offsetMs);
  return {
    base,
    now: () => new Date(base.now().getTime() + offset),
    offsetMs: () => offset,
    setOffset(ms: number) {
      offset = validOffset(ms);
    },
  };
}

/** Whether a clock is a movable one (in demo mode, the server's clock is). */
export function isMovableClock(clock: Clock): clock is MovableClock {
  const candidate = clock as Partial<MovableClock>;
  return typeof candidate.setOffset === "function" && typeof candidate.offsetMs === "function";
}

function validOffset(ms: number): number {
  if (!Number.isSafeInteger(ms)) {
    throw new RangeError(`A clock's offset must be a whole number of milliseconds, not ${ms}`);
  }
  return ms;
}
