/**
 * The one form pattern: validate, re-render with 400 (or 422) and a govukErrorSummary whose errors
 * link to their fields, redirect with 303 after a successful POST. `submitForm` runs the action and
 * does the re-rendering; routes stay thin.
 */
import type { FastifyReply } from "fastify";
import { type DomainError, type FieldError, UnprocessableError, ValidationError } from "../lib/errors.ts";
import { statusFor } from "./errors.ts";

export interface FormErrors {
  /** For govukErrorSummary: each error links to its field. */
  errorList: { text: string; href: string }[];
  /** For each field's `errorMessage`. */
  fields: Record<string, { text: string }>;
}

/**
 * An error's details (or a list of problems) as the page needs them. `fieldOf` maps a service's
 * field name to the form's field id where they differ; a date input's parts (`start-day`) share
 * one message, under `start`. Two problems with one field join into one message.
 */
export function formErrors(
  source: DomainError | readonly FieldError[],
  fieldOf: (field: string | undefined) => string | undefined = (field) => field,
): FormErrors {
  const problems: readonly FieldError[] = Array.isArray(source)
    ? source
    : (source as DomainError).details.length > 0
      ? (source as DomainError).details
      : [{ message: (source as DomainError).message }];
  const errorList = problems.map((p) => ({
    text: p.message,
    href: `#${fieldOf(p.field) ?? "main-content"}`,
  }));
  const fields: Record<string, { text: string }> = {};
  for (const p of problems) {
    const id = fieldOf(p.field);
    if (!id) continue;
    const key = id.replace(/-day$/, "");
    const before = fields[key]?.text;
    fields[key] = { text: before ? `${before}${before.endsWith(".") ? "" : "."} ${p.message}` : p.message };
  }
  return { errorList, fields };
}

/** Form bodies arrive as strings (or arrays of them); this reads one field as trimmed text. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (Array.isArray(value)) return String(value[0] ?? "").trim();
  return typeof value === "string" ? value.trim() : "";
}

/** A field that may repeat (checkboxes, multiple selects): every non-empty value, trimmed. */
export function fieldList(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => String(v).trim()).filter((v) => v !== "");
}

/**
 * A GOV.UK date input (`<name>-day`, `-month`, `-year`) as YYYY-MM-DD: "" when left empty,
 * "not-a-date" when the parts are not numbers with a four-digit year. The result may still not be
 * a real date (31 2 2027): the service checks that, and says so.
 */
export function dateField(body: unknown, name: string): string {
  const [day, month, year] = ["day", "month", "year"].map((p) => field(body, `${name}-${p}`));
  if (!day && !month && !year) return "";
  if (![day, month, year].every((p) => /^\d{1,4}$/.test(p ?? "")) || (year ?? "").length !== 4)
    return "not-a-date";
  return `${year}-${(month ?? "").padStart(2, "0")}-${(day ?? "").padStart(2, "0")}`;
}

/**
 * Runs `action`; on success redirects (303) to the address it returns. A `ValidationError` or
 * `UnprocessableError` re-renders `template` with the submitted `values` and the errors, status
 * 400 or 422 (`fieldOf` maps a service's field names to the form's, for the error links). Other
 * errors go to the error handler.
 */
export async function submitForm(
  reply: FastifyReply,
  template: string,
  context: Record<string, unknown>,
  action: () => Promise<string>,
  fieldOf?: (field: string | undefined) => string | undefined,
): Promise<void> {
  try {
    const next = await action();
    await reply.redirect(next, 303);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof UnprocessableError) {
      reply.status(statusFor(error));
      await reply.page(template, { ...context, errors: formErrors(error, fieldOf) });
      return;
    }
    throw error;
  }
}
