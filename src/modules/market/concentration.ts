/**
 * How concentrated a service market is, from the value each supplier holds in it (integer pence,
 * exact integer arithmetic, no floats):
 *
 * - the Herfindahl–Hirschman index: the sum of the squares of each supplier's share of the market's
 *   value in percent, from near 0 (many small suppliers) to 10,000 (one supplier holds it all),
 *   rounded to the nearest whole number;
 * - the top-3 share: the share of the value the three largest suppliers hold, in basis points
 *   (10,000 = 100%), rounded to the nearest basis point.
 *
 * The thresholds pages show beside it are the Competition and Markets Authority's: "a market with an
 * HHI exceeding 1,000 may be regarded as concentrated and a market with an HHI exceeding 2,000 as
 * highly concentrated" (Merger Assessment Guidelines, CC2/OFT1254, 2010, paragraph 5.3.5).
 */

export const CONCENTRATED_HHI = 1000;
export const HIGHLY_CONCENTRATED_HHI = 2000;

export type ConcentrationLevel = "unconcentrated" | "concentrated" | "highly-concentrated";

export interface Concentration {
  suppliers: number;
  value: bigint;
  /** 0 to 10,000; 0 for a market with no value. */
  hhi: number;
  /** Basis points of the value held by the three largest suppliers. */
  top3Bp: number;
  level: ConcentrationLevel;
}

/** a ÷ b rounded half up, for non-negative bigints (b > 0). */
function divideRounded(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

/** The concentration of a market from each supplier's value in it (suppliers with nothing are left out). */
export function concentration(values: readonly bigint[]): Concentration {
  const held = values.filter((v) => v > 0n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  return concentrationOf({
    suppliers: held.length,
    total: held.reduce((sum, v) => sum + v, 0n),
    squares: held.reduce((sum, v) => sum + v * v, 0n),
    top3: held.slice(0, 3).reduce((sum, v) => sum + v, 0n),
  });
}

/**
 * The concentration of a market from its sums over the suppliers holding any of it: how many, the
 * value, the sum of the squares of their values, the value of the three largest (as the database
 * works them out at national scale: `marketSums`).
 */
export function concentrationOf(sums: {
  suppliers: number;
  total: bigint;
  squares: bigint;
  top3: bigint;
}): Concentration {
  const { total, squares, top3 } = sums;
  if (total === 0n) return { suppliers: 0, value: 0n, hhi: 0, top3Bp: 0, level: "unconcentrated" };
  const hhi = Number(divideRounded(squares * 10_000n, total * total));
  const top3Bp = Number(divideRounded(top3 * 10_000n, total));
  const level: ConcentrationLevel =
    hhi > HIGHLY_CONCENTRATED_HHI
      ? "highly-concentrated"
      : hhi > CONCENTRATED_HHI
        ? "concentrated"
        : "unconcentrated";
  return { suppliers: sums.suppliers, value: total, hhi, top3Bp, level };
}
