/**
 * What every part of a demo scale-up shares: the run (its seed, the instant its data is generated
 * around, where its ordinals start and how many of each kind it makes) and small helpers for
 * made-up places, people and times.
 */
import type { Random } from "./random.ts";
import type { KindCounts } from "./scale.table.ts";
import { FIRST_NAMES, INWARD_LETTERS, PLACES, type Place, SURNAMES, type Town } from "./words.ts";

export interface ScaleRun {
  seed: string;
  /** The instant the data is generated around: dates are in the five years before it, or just after. */
  now: Date;
  /** The first ordinal of each kind in this run (the kinds the runs before it made come first). */
  first: KindCounts;
  /** How many of each kind the run makes. */
  planned: KindCounts;
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
export const YEAR = 365 * DAY;

/** The instant `ms` milliseconds after `from` (before it when negative). */
export function after(from: Date, ms: number): Date {
  return new Date(from.getTime() + ms);
}

/** A random instant from `from` to `to`, on a whole minute. */
export function between(r: Random, from: Date, to: Date): Date {
  const ms = from.getTime() + r.next() * Math.max(0, to.getTime() - from.getTime());
  return new Date(Math.floor(ms / 60_000) * 60_000);
}

export function pickPlace(r: Random, places: readonly Place[] = PLACES): Place {
  return r.weighted(places.map((p) => [p, p.weight] as const));
}

/** A postcode in one of the town's districts, like "WS4 7EF". */
export function postcodeIn(r: Random, town: Town): string {
  const letter = () => INWARD_LETTERS[r.int(0, INWARD_LETTERS.length - 1)];
  return `${r.pick(town.districts)} ${r.int(1, 9)}${letter()}${letter()}`;
}

export function personName(r: Random): string {
  return `${r.pick(FIRST_NAMES)} ${r.pick(SURNAMES)}`;
}

/** Whole pounds, in pence, rounded to `step` pounds. */
export function pounds(amount: number, step = 1): bigint {
  return BigInt(Math.max(step, Math.round(amount / step) * step)) * 100n;
}

/** 16 random bytes in base64url, as a bid's nonce is written. */
export function nonceOf(r: Random): string {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i += 4) bytes.writeUInt32BE(Number.parseInt(r.hex(), 16), i);
  return bytes.toString("base64url");
}
