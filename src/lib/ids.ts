import { validate as isValidUuid, v7 as uuidV7 } from "uuid";

/** A new UUID version 7: random, but ordered by creation time, so it indexes well as a key. */
export function newId(): string {
  return uuidV7();
}

/** True for a UUID string of any version, in either case ("0192…-…"). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && isValidUuid(value);
}

const PREFIX_PATTERN = /^[A-Z][A-Z0-9]*$/;
const SEQUENCE_DIGITS = 6;

/**
 * A reference people can read out and type: prefix, year and sequence number padded to six digits,
 * like "OPS-2026-000123". A sequence beyond 999,999 keeps all its digits ("OPS-2026-1234567").
 */
export function referenceNumber(prefix: string, year: number, sequence: number | bigint): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(
      `A reference prefix must be capital letters and digits, starting with a letter, not "${prefix}"`,
    );
  }
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new RangeError(`A reference year must have 4 digits, not ${year}`);
  }
  if (typeof sequence === "number" && !Number.isSafeInteger(sequence)) {
    throw new RangeError(`A reference sequence number must be a whole number, not ${sequence}`);
  }
  if (sequence < 1) {
    throw new RangeError(`A reference sequence number must be 1 or more, not ${sequence}`);
  }
  return `${prefix}-${year}-${sequence.toString().padStart(SEQUENCE_DIGITS, "0")}`;
}
