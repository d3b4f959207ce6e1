/**
 * The one form pattern: render the form; on POST read its fields, call one service, and redirect
 * with 303, or re-render with 400 (or 422, or 409 for a conflict about a field), the submitted values
 * and a govukErrorSummary whose errors link to their fields.
 *
 * `formPage(app, url, form)` registers both the GET and the POST of a form at one address;
 * `formAction(app, url, form)` only the POST, for a form shown on another page (it re-renders that
 * page's template); `buttonAction` the POST of a button that sends nothing to correct (publish,
 * withdraw); `searchPage` shows a search form (GET) with the service's refusal of its query.
 * The reading of fields (`field`, `fieldList`, `dateField`) is here too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  ConflictError,
  type DomainError,
  type FieldError,
  UnprocessableError,
  ValidationError,
} from "../lib/errors.ts";
import { escapeHtml } from "../lib/html.ts";
import type { Locale } from "./context.ts";
import { statusFor } from "./errors.ts";
import { DEFAULT_LOCALE, localiseMessage, translatorFor } from "./i18n.ts";
import { page, type RouteRules } from "./routes.ts";

/**
 * A message as a GOV.UK component takes it: its text, and markup marking the parts still in English
 * on a page in another language (`lang="en"`), which the component shows instead.
 */
export interface ShownMessage {
  text: string;
  html?: string;
}

export interface FormErrors {
  /** For govukErrorSummary: each error links to its field. */
  errorList: (ShownMessage & { href: string })[];
  /** For each field's `errorMessage`, with its visually hidden "Error" in the page's language. */
  fields: Record<string, ShownMessage & { visuallyHiddenText: string }>;
}

/** Two or more messages about one field, one after another, each ending with a full stop. */
function joined(texts: readonly string[]): string {
  return texts.reduce((out, t) => (out ? `${out}${out.endsWith(".") ? "" : "."} ${t}` : t), "");
}

/** Messages in the page's language as text; any left in English marked as such in `html`. */
function shown(parts: readonly { text: string; lang: Locale }[], locale: Locale): ShownMessage {
  const text = joined(parts.map((p) => p.text));
  if (parts.every((p) => p.lang === locale)) return { text };
  const html = joined(
    parts.map((p) =>
      p.lang === locale ? escapeHtml(p.text) : `<span lang="${p.lang}">${escapeHtml(p.text)}</span>`,
    ),
  );
  return { text, html };
}

/**
 * An error's details (or a list of problems) as the page needs them, in the page's language where
 * the message catalogue has them (`localiseMessage`). `fieldOf` maps a service's field name to the
 * form's field id where they differ; a date input's parts (`start-day`) share one message, under
 * `start`. Two problems with one field join into one message.
 */
export function formErrors(
  source: DomainError | readonly FieldError[],
  fieldOf: (field: string | undefined) => string | undefined = (field) => field,
  locale: Locale = DEFAULT_LOCALE,
): FormErrors {
  const problems: readonly FieldError[] = Array.isArray(source)
    ? source
    : (source as DomainError).details.length > 0
      ? (source as DomainError).details
      : [{ message: (source as DomainError).message }];
  const localised = problems.map((p) => ({ field: p.field, ...localiseMessage(p.message, locale) }));
  const errorList = localised.map((p) => ({
    ...shown([p], locale),
    href: `#${fieldOf(p.field) ?? "main-content"}`,
  }));
  const byField = new Map<string, { text: string; lang: Locale }[]>();
  for (const p of localised) {
    const id = fieldOf(p.field);
    if (!id) continue;
    const key = id.replace(/-day$/, "");
    byField.set(key, [...(byField.get(key) ?? []), p]);
  }
  const visuallyHiddenText = translatorFor(locale)("layout.error");
  const fields: FormErrors["fields"] = {};
  for (const [key, parts] of byField) fields[key] = { ...shown(parts, locale), visuallyHiddenText };
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

type Values = Record<string, unknown>;

/** A page form: what it shows, how it reads what was sent, and the one service call it makes. */
export interface Form<Ctx extends Values, V> extends RouteRules {
  /** The page's template; re-rendered with `errors` when the service refuses the input. */
  template: string;
  /** What the page shows besides the form's values (loaded again for a re-render). */
  context(request: FastifyRequest): Promise<Ctx> | Ctx;
  /** The form's starting values (GET): from the record being changed, or empty. */
  values?(request: FastifyRequest, context: Ctx): Promise<V> | V;
  /** Where the GET sends the browser instead (303) when the form no longer applies (a consultation closed). */
  redirect?(request: FastifyRequest, context: Ctx): string | undefined;
  /** The values as sent (POST): strings from the body, as the form will show them again. */
  read(body: unknown, request: FastifyRequest, context: Ctx): V;
  /**
   * Calls the service with the values; answers where to go next (303), or null to show the form
   * again with the values as they now are and nothing saved (an "Add another" button). A submit
   * may set a cookie on `reply`, or answer with another page itself (`reply.page`): nothing more
   * is sent then.
   */
  submit(request: FastifyRequest, values: V, context: Ctx, reply: FastifyReply): Promise<string | null>;
  /** A service's field name → the form's field id, where they differ (for the error links). */
  fieldOf?: (field: string | undefined) => string | undefined;
}

/** Registers the POST of a form (see `Form`): submit and redirect, or re-render with the errors. */
export function formAction<Ctx extends Values, V>(
  app: FastifyInstance,
  url: string,
  form: Form<Ctx, V>,
): void {
  app.post(url, page(form), async (request, reply) => {
    const context = await form.context(request);
    const values = form.read(request.body, request, context);
    let again = false;
    await submitForm(
      reply,
      form.template,
      { ...context, values },
      async () => {
        const next = await form.submit(request, values, context, reply);
        again = next === null;
        return next ?? "";
      },
      form.fieldOf,
      () => again,
    );
  });
}

/**
 * Registers the POST of a button that sends nothing to correct (publish, withdraw, sign out): one
 * service call, then 303 to the address it answers. A refusal (409 once published, 403) is shown as
 * the error page, as there is no form to show again.
 */
export function buttonAction<R extends FastifyRequest = FastifyRequest>(
  app: FastifyInstance,
  url: string,
  rules: RouteRules,
  act: (request: R, reply: FastifyReply) => Promise<string>,
): void {
  app.post(url, page(rules), async (request, reply) => {
    const next = await act(request as R, reply);
    await reply.redirect(next, 303);
  });
}

/** Registers the GET and the POST of a form at one address (see `Form`). */
export function formPage<Ctx extends Values, V>(app: FastifyInstance, url: string, form: Form<Ctx, V>): void {
  app.get(url, page(form), async (request, reply) => {
    const context = await form.context(request);
    const elsewhere = form.redirect?.(request, context);
    if (elsewhere) {
      await reply.redirect(elsewhere, 303);
      return;
    }
    const values = form.values ? await form.values(request, context) : {};
    await reply.page(form.template, { ...context, values });
  });
  formAction(app, url, form);
}

/**
 * A page whose form is a search (GET: the query is the form): shown as usual, or — when the service
 * refused the query — with its status (400, or the error's) and the error summary linking to the
 * fields, beside the values as typed.
 */
export async function searchPage(
  reply: FastifyReply,
  template: string,
  context: Record<string, unknown>,
  refusal?: DomainError | readonly FieldError[],
  fieldOf?: (field: string | undefined) => string | undefined,
): Promise<void> {
  const refused = refusal !== undefined && (!Array.isArray(refusal) || refusal.length > 0);
  if (!refused) {
    await reply.page(template, context);
    return;
  }
  reply.status(Array.isArray(refusal) ? 400 : statusFor(refusal as DomainError));
  await reply.page(template, { ...context, errors: formErrors(refusal, fieldOf, reply.request.locale) });
}

/**
 * Runs `action`; on success redirects (303) to the address it returns (unless the action answered
 * itself). A `ValidationError`, an `UnprocessableError` or a `ConflictError` about fields re-renders
 * `template` with the submitted `values` and the errors, status 400, 422 or 409 (`fieldOf` maps a
 * service's field names to the form's, for the error links). Other errors go to the error handler.
 */
async function submitForm(
  reply: FastifyReply,
  template: string,
  context: Record<string, unknown>,
  action: () => Promise<string>,
  fieldOf?: (field: string | undefined) => string | undefined,
  showAgain: () => boolean = () => false,
): Promise<void> {
  try {
    const next = await action();
    if (reply.sent) return;
    if (showAgain()) {
      await reply.page(template, context);
      return;
    }
    await reply.redirect(next, 303);
  } catch (error) {
    // A conflict about a field (an identifier another organisation holds) is told beside it too.
    const aboutAField = error instanceof ConflictError && error.details.length > 0;
    if (error instanceof ValidationError || error instanceof UnprocessableError || aboutAField) {
      reply.status(statusFor(error));
      await reply.page(template, { ...context, errors: formErrors(error, fieldOf, reply.request.locale) });
      return;
    }
    throw error;
  }
}
