/**
 * Money as integer pence. Amounts are `bigint` pence everywhere (a `bigint` column in SQL), parsed
 * from what people type straight to pence without floating point, and shown as pounds only at the
 * edge with `formatMoney`. Rates are basis points (1 bp = 0.01%, 10,000 bp = 100%).
 *
 * Negative amounts are formatted with a plain hyphen-minus ("-£5.00"), not the typographic minus
 * sign: it survives copying into spreadsheets and CSV files, and `parseMoney` reads it back. The
 * parser also accepts the minus sign "−" (U+2212).
 */
import { msg } from "./messages.ts";

export type Pence = bigint & { readonly __brand: "Pence" };

export type MoneyParseResult = { ok: true; value: Pence } | { ok: false; error: string };

export type ParseMoneyOptions = {
  /** Accept amounts below zero, such as "-£5.00" (default false). */
  allowNegative?: boolean;
};

export type FormatMoneyOptions = {
  /**
   * Show pence on whole-pound amounts (default true: "£1,234.00"). With false, whole pounds are
   * shown without them ("£1,234"); amounts with pence still show them ("£1,234.50").
   */
  pence?: boolean;
};

/**
 * How to round a result that falls between two whole pence:
 * - "half-up": to the nearest penny; exact halves away from zero (£0.005 → £0.01, −£0.005 → −£0.01);
 * - "half-even": to the nearest penny; exact halves to the even penny (banker's rounding);
 * - "floor": always down, towards minus infinity.
 */
export type Rounding = "half-up" | "half-even" | "floor";

export const ZERO_PENCE = 0n as Pence;

/** The largest amount a PostgreSQL `bigint` column can hold: 2^63 − 1 pence. */
export const MAX_PENCE = 9_223_372_036_854_775_807n as Pence;

const BASIS_POINTS_PER_WHOLE = 10_000n;

/** Make a Pence value from a whole number; throws RangeError for fractions, NaN and unsafe numbers. */
export function pence(n: bigint | number): Pence {
  return toInteger(n, "An amount in pence") as Pence;
}

export function addPence(a: Pence, b: Pence): Pence {
  return (a + b) as Pence;
}

export function subtractPence(a: Pence, b: Pence): Pence {
  return (a - b) as Pence;
}

export function sumPence(amounts: Iterable<Pence>): Pence {
  let total = 0n;
  for (const amount of amounts) {
    total += amount;
  }
  return total as Pence;
}

/** `amount × basisPoints / 10,000`, rounded to a whole penny as asked, in exact integer arithmetic. */
export function multiplyByBasisPoints(
  amount: Pence,
  basisPoints: bigint | number,
  rounding: Rounding,
): Pence {
  const bp = toInteger(basisPoints, "A rate in basis points");
  return divideRounded(amount * bp, BASIS_POINTS_PER_WHOLE, rounding) as Pence;
}

/**
 * Split `total` into parts in proportion to `weights` (non-negative whole numbers, not all zero),
 * so that the parts always add up to exactly `total`. Each part is its exact share rounded down,
 * and the pence left over go one each to the parts with the largest remainders (the earlier part
 * first on a tie). A part with weight zero gets nothing.
 */
export function allocatePence(total: Pence, weights: readonly (bigint | number)[]): Pence[] {
  const shares = weights.map((weight) => toInteger(weight, "A weight"));
  assertAllocatable(shares);
  const totalWeight = shares.reduce((sum, share) => sum + share, 0n);
  const sign = total < 0n ? -1n : 1n;
  const magnitude = total * sign;

  const parts = shares.map((share) => (magnitude * share) / totalWeight);
  const remainders = shares.map((share) => (magnitude * share) % totalWeight);
  let leftover = magnitude - parts.reduce((sum, part) => sum + part, 0n);

  for (const index of indicesByLargestRemainder(remainders)) {
    if (leftover === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts.map((part) => (part * sign) as Pence);
}

/** An amount in pence as a column holds it (a bigint) as money text: `formatMoney` without the cast. */
export function formatPence(pence: bigint): string {
  return formatMoney(pence as Pence);
}

/** "£1,234.56"; negative amounts as "-£1,234.56". */
export function formatMoney(amount: Pence, options: FormatMoneyOptions = {}): string {
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const pounds = groupThousands((magnitude / 100n).toString());
  const penceOnly = magnitude % 100n;
  const showPence = options.pence !== false || penceOnly !== 0n;
  const penceText = showPence ? `.${penceOnly.toString().padStart(2, "0")}` : "";
  return `${negative ? "-" : ""}£${pounds}${penceText}`;
}

const MESSAGES = {
  empty: () => msg`Enter an amount in pounds and pence, like £1,234.56`,
  notAnAmount: () => msg`Enter an amount in pounds and pence using numbers only, like £1,234.56`,
  negative: () => msg`Enter an amount of £0.00 or more`,
  tooManyDecimals: () =>
    msg`Enter an amount with no more than 2 digits after the decimal point, like £1,234.56`,
  misplacedCommas: () =>
    msg`Put commas only between groups of 3 digits, like £1,234,567.89, or leave them out`,
  tooLarge: () => msg`Enter an amount of ${formatMoney(MAX_PENCE)} or less`,
} as const;

// Optional sign, optional £, optional sign (either side of the £), digits and commas, optional point
// and digits. Spaces are allowed around the sign and the £. The parts are checked separately below,
// so that each mistake gets its own message.
const AMOUNT_PATTERN = /^([-−])?\s*(£)?\s*([-−])?\s*([\d,]*)(?:\.(\d*))?$/;
const GROUPED_DIGITS = /^\d{1,3}(,\d{3})+$/;

/**
 * Read an amount typed by a person ("£1,234.56", "1234.5", "1,234", " £ 12 ", ".50", "12.") as
 * pence, using string handling only. The £ and commas are optional; commas must separate groups of
 * three digits; at most 2 decimal places. A minus sign (hyphen or "−", before or after the £) is
 * accepted only with `allowNegative`. Returns an error message saying what to fix otherwise.
 */
export function parseMoney(text: string, options: ParseMoneyOptions = {}): MoneyParseResult {
  const trimmed = text.trim();
  if (trimmed === "") return failure(MESSAGES.empty());

  const match = AMOUNT_PATTERN.exec(trimmed);
  if (!match) return failure(MESSAGES.notAnAmount());
  const [, signBefore, , signAfter, whole = "", fraction] = match;

  if (signBefore && signAfter) return failure(MESSAGES.notAnAmount());
  if (whole === "" && !fraction) return failure(MESSAGES.notAnAmount());
  if (whole.includes(",") && !GROUPED_DIGITS.test(whole)) return failure(MESSAGES.misplacedCommas());
  if (fraction !== undefined && fraction.length > 2) return failure(MESSAGES.tooManyDecimals());
  const negative = Boolean(signBefore || signAfter);
  if (negative && !options.allowNegative) return failure(MESSAGES.negative());

  const pounds = BigInt(whole.replaceAll(",", "") || "0");
  const penceOnly = BigInt((fraction ?? "").padEnd(2, "0"));
  const magnitude = pounds * 100n + penceOnly;
  if (magnitude > MAX_PENCE) return failure(MESSAGES.tooLarge());
  return { ok: true, value: (negative ? -magnitude : magnitude) as Pence };
}

function failure(error: string): MoneyParseResult {
  return { ok: false, error };
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function toInteger(n: bigint | number, what: string): bigint {
  if (typeof n === "bigint") return n;
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`${what} must be a whole number (a safe integer or a bigint), not ${n}`);
  }
  return BigInt(n);
}

function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const floor = floorDivide(numerator, denominator);
  if (rounding === "floor") return floor;
  const twiceRemainder = 2n * (numerator - floor * denominator);
  if (twiceRemainder < denominator) return floor;
  if (twiceRemainder > denominator) return floor + 1n;
  // Exactly half way between floor and floor + 1.
  if (rounding === "half-up") return numerator > 0n ? floor + 1n : floor;
  return floor % 2n === 0n ? floor : floor + 1n;
}

function floorDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const exact = quotient * denominator === numerator;
  return numerator < 0n && !exact ? quotient - 1n : quotient;
}

function assertAllocatable(weights: readonly bigint[]): void {
  if (weights.length === 0) {
    throw new RangeError("Give at least one weight to allocate an amount between");
  }
  if (weights.some((weight) => weight < 0n)) {
    throw new RangeError("Weights for allocating an amount must be 0 or more");
  }
  if (weights.every((weight) => weight === 0n)) {
    throw new RangeError("At least one weight for allocating an amount must be more than 0");
  }
}

function indicesByLargestRemainder(remainders: readonly bigint[]): number[] {
  return remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
    .map(({ index }) => index);
}
