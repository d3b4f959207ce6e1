/**
 * The change of a figure from the previous period of the same length: the difference, and the
 * percentage change in basis points (10,000 = 100%) rounded half away from zero, in exact integer
 * arithmetic. Not comparable when the previous period holds no records to compare with (`previous`
 * null): the report says so rather than showing a rise from nothing. A previous figure of zero
 * gives the difference but no percentage (a rise from 0 is no percentage). Pure.
 */
export type Change =
  | { comparable: false }
  | {
      comparable: true;
      difference: bigint /** null when the previous figure is 0. */;
      percentBp: bigint | null;
    };

export function change(current: bigint, previous: bigint | null): Change {
  if (previous === null) return { comparable: false };
  const difference = current - previous;
  if (previous === 0n) return { comparable: true, difference, percentBp: null };
  const scaled = difference * 10_000n;
  const magnitude = (2n * (scaled < 0n ? -scaled : scaled) + previous) / (2n * previous);
  return { comparable: true, difference, percentBp: scaled < 0n ? -magnitude : magnitude };
}

/** A mean in hundredths (2.5 bids a tender: 250), rounded half up; null when there is nothing to divide by. */
export function meanHundredths(total: bigint, count: bigint): bigint | null {
  if (count <= 0n) return null;
  return (total * 200n + count) / (2n * count);
}
