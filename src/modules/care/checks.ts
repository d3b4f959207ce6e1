import { type FieldError, ValidationError } from "../../lib/errors.ts";
import { isIsoDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { type Pence, parseMoney } from "../../lib/money.ts";

// Checking input

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function text(value: string | null | undefined): string {
  return (value ?? "").trim();
}

export function checkDate(
  problems: FieldError[],
  field: string,
  value: string,
  what: { missing: string; wrong: string },
): void {
  if (value === "") problems.push({ field, message: what.missing });
  else if (!isIsoDate(value)) problems.push({ field, message: what.wrong });
}

export function money(
  problems: FieldError[],
  field: string,
  value: string,
  missing: string,
): Pence | undefined {
  if (text(value) === "") {
    problems.push({ field, message: missing });
    return undefined;
  }
  const parsed = parseMoney(value);
  if (!parsed.ok) {
    problems.push({ field, message: msg`Enter an amount in pounds and pence, like £250.00` });
    return undefined;
  }
  if (parsed.value <= 0n) {
    problems.push({ field, message: msg`Enter an amount more than £0` });
    return undefined;
  }
  return parsed.value;
}

export function refuse(problems: readonly FieldError[], what: string): void {
  if (problems.length > 0) throw new ValidationError(what, problems);
}
