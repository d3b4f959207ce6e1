/**
 * Text a database cannot store is refused where it arrives: a NUL character (U+0000), or half of a
 * UTF-16 surrogate pair on its own (JSON can spell one, `"\ud800"`, though it is not a character).
 * PostgreSQL refuses both, so without this check they reached the database and came back as 500.
 *
 * `registerTextInputCheck(app)` adds, at the end of every route's preHandlers (after who may call
 * it, and for the API after its schema), a check of the path parameters, the query and the body
 * (form fields, JSON at any depth, multipart fields): 400 naming the first field at fault.
 */
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from "fastify";
import { ValidationError } from "../lib/errors.ts";

/** Whether a string holds something the database cannot store. */
export function isUnstorable(text: string): boolean {
  return text.includes("\u0000") || !text.isWellFormed();
}

/** The path of the first string (or object key) in `value` the database cannot store. */
export function unstorableField(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return isUnstorable(value) ? path : undefined;
  if (value === null || typeof value !== "object") return undefined;
  if (Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableField(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  // A multipart file part: its content is the file's, checked as a file; its field name is text.
  if ("file" in value && "fieldname" in value) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (isUnstorable(key)) return field;
    // A multipart field is { value }.
    const found = unstorableField(item, field);
    if (found) return found.endsWith(".value") ? found.slice(0, -".value".length) : found;
  }
  return undefined;
}

function checkTextInput(request: FastifyRequest): void {
  const field =
    unstorableField(request.params, "") ??
    unstorableField(request.query, "") ??
    unstorableField(request.body, "");
  if (field === undefined) return;
  throw new ValidationError("Some of the text sent cannot be stored", [
    {
      field,
      message:
        "Remove the control characters or broken characters from this text (a NUL character, or half of an emoji or other character)",
    },
  ]);
}

const refuseUnstorableText: preHandlerHookHandler = async (request) => checkTextInput(request);

/** Adds the check to every route registered after this. */
export function registerTextInputCheck(app: FastifyInstance): void {
  app.addHook("onRoute", (route) => {
    const existing = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [...existing, refuseUnstorableText];
  });
}
