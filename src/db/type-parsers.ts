/**
 * The same type parsers on both drivers (PGlite and node-postgres), proven by
 * `src/db/type-parsers.test.ts`:
 * - int8 (bigint, counts, money in pence) → JavaScript `bigint`, never a lossy number;
 * - numeric → string (exact decimal, the caller decides);
 * - date → `YYYY-MM-DD` string (a calendar date has no time zone);
 * - timestamptz → `Date`; json/jsonb → parsed value.
 */
export const PG_TYPE = {
  INT8: 20,
  NUMERIC: 1700,
  DATE: 1082,
  DATE_ARRAY: 1182,
  INT8_ARRAY: 1016,
} as const;

export const parseInt8 = (value: string): bigint => BigInt(value);
export const keepText = (value: string): string => value;
