/**
 * Open data as CSV (UTF-8, a header row, codes not labels), written a page of rows at a time, and
 * safe to open in a spreadsheet: text that a spreadsheet would run as a formula gets an apostrophe.
 */
import { stringify } from "csv-stringify/sync";

/**
 * Text that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage
 * return) gets an apostrophe in front, so opening open data can never run anything.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The header row of a CSV file with these columns. */
export function csvHeader(columns: readonly string[]): string {
  return stringify([], { header: true, columns: [...columns] });
}

/** Rows of a CSV file (no header): text made spreadsheet-safe, bigints as digits, booleans as true/false. */
export function csvRows(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return stringify([...rows], {
    columns: [...columns],
    cast: {
      string: spreadsheetSafe,
      bigint: (value) => value.toString(),
      boolean: (value) => (value ? "true" : "false"),
    },
  });
}
