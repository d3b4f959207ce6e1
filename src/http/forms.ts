/**
 * The one form pattern: validate, re-render with 400 (or 422) and a govukErrorSummary whose errors
 * link to their fields, redirect with 303 after a successful POST. `submitForm` runs the action and
 * does the re-rendering; routes stay thin.
 */
import type { FastifyReply } from "fastify";
import { type DomainError, UnprocessableError, ValidationError } from "../lib/errors.ts";
import { statusFor } from "./errors.ts";

export interface FormErrors {
  /** For govukErrorSummary: each error links to its field. */
  errorList: { text: string; href: string }[];
  /** For each field's `errorMessage`. */
  fields: Record<string, { text: string }>;
}

export function formErrors(error: DomainError): FormErrors {
  const details = error.details.length > 0 ? error.details : [{ message: error.message }];
  const errorList = details.map((d) => ({ text: d.message, href: `#${d.field ?? "main-content"}` }));
  const fields: Record<string, { text: string }> = {};
  for (const d of details) if (d.field && !fields[d.field]) fields[d.field] = { text: d.message };
  return { errorList, fields };
}

/** Form bodies arrive as strings (or arrays of them); this reads one field as trimmed text. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (Array.isArray(value)) return String(value[0] ?? "").trim();
  return typeof value === "string" ? value.trim() : "";
}

/**
 * Runs `action`; on success redirects (303) to the address it returns. A `ValidationError` or
 * `UnprocessableError` re-renders `template` with the submitted `values` and the errors, status
 * 400 or 422. Other errors go to the error handler.
 */
export async function submitForm(
  reply: FastifyReply,
  template: string,
  context: Record<string, unknown>,
  action: () => Promise<string>,
): Promise<void> {
  try {
    const next = await action();
    await reply.redirect(next, 303);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof UnprocessableError) {
      reply.status(statusFor(error));
      await reply.page(template, { ...context, errors: formErrors(error) });
      return;
    }
    throw error;
  }
}
