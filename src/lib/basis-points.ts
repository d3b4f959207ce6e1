/**
 * Rates, weights and shares are basis points (1 bp = 0.01%, 10,000 bp = 100%), integers like money
 * (`money.ts` multiplies by them exactly). People type and read them as percentages: these are the
 * one parser and the one formatter, both without floating point.
 */

/** 100% in basis points. */
export const WHOLE_BP = 10_000;

/**
 * A percentage as typed — "25", "33.33", "92.5 %", "100%" — in basis points (92.5% is 9,250), or
 * undefined when it is not a number with at most two decimal places. Whether the value is in range
 * (a weight up to 100%, say) is the caller's rule.
 */
export function parsePercent(text: string): number | undefined {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/\s*%$/, ""));
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** Basis points as a percentage without the sign, for a form's field: 9250 → "92.5", 2500 → "25". */
export function percentValue(bp: number): string {
  const sign = bp < 0 ? "-" : "";
  const abs = Math.abs(bp);
  const whole = Math.trunc(abs / 100);
  const fraction = abs % 100;
  return `${sign}${whole}${fraction === 0 ? "" : `.${String(fraction).padStart(2, "0").replace(/0$/, "")}`}`;
}

/** Basis points as people read them: 2500 → "25%", 3333 → "33.33%", 9250 → "92.5%". */
export function formatPercent(bp: number): string {
  return `${percentValue(bp)}%`;
}
