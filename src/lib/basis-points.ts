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

/**
 * A score in basis points as evaluation shows it to hundredths ("7,345.67", `showBp`) as points out
 * of 100 — the one way pages and messages show scores and totals: "7,345.67" → "73.4567",
 * "2,000.00" → "20". Text that is not such a number is returned as it is.
 */
export function pointsOutOf100(bpShown: string): string {
  const match = /^(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{1,2}))?$/.exec(bpShown.trim());
  if (!match) return bpShown;
  const hundredths =
    BigInt((match[1] ?? "0").replaceAll(",", "")) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  const whole = hundredths / 10_000n;
  const fraction = hundredths % 10_000n;
  return fraction === 0n ? `${whole}` : `${whole}.${String(fraction).padStart(4, "0").replace(/0+$/, "")}`;
}

/**
 * A score's working as evaluation writes it, in basis points ("3 ÷ 4 × 4,000 bp = 3,000.00 bp"), in
 * points out of 100 ("3 ÷ 4 × 40 = 30"): each "… bp" becomes `pointsOutOf100` of it.
 */
export function workingInPoints(working: string): string {
  return working.replace(/(\d[\d,]*(?:\.\d{1,2})?) bp\b/g, (_, bp: string) => pointsOutOf100(bp));
}
