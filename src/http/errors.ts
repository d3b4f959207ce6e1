/**
 * One error handler for pages and JSON alike, with the status-code rule of STYLE.md:
 * 400 input failing its schema or format; 401 not signed in (pages: 303 to sign-in); 403 not
 * allowed; 404 unknown or another tenant's; 409 forbidden by the current state; 422 valid input in
 * an invalid combination. Every error says what to do; a 500 hides internals behind a reference.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  NotSignedInError,
  TooManyRequestsError,
  UnprocessableError,
  ValidationError,
} from "../lib/errors.ts";
import { msg } from "../lib/messages.ts";
import { DEFAULT_LOCALE, localiseMessage } from "./i18n.ts";

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { field?: string; message: string }[];
    requestId: string;
  };
}

export function statusFor(error: DomainError): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotSignedInError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof UnprocessableError) return 422;
  if (error instanceof TooManyRequestsError) return 429;
  return 400;
}

export function wantsJson(request: FastifyRequest): boolean {
  const path = request.url.split("?")[0] ?? "";
  return (
    path.startsWith("/api/") ||
    path === "/api" ||
    path.startsWith("/data/") ||
    path === "/healthz" ||
    path === "/readyz"
  );
}

function fieldOf(instancePath: string, missing?: unknown): string | undefined {
  const path = instancePath.replace(/^\//, "").replaceAll("/", ".");
  const field = typeof missing === "string" ? (path ? `${path}.${missing}` : missing) : path;
  return field || undefined;
}

function schemaErrors(error: FastifyError): ErrorBody["error"]["details"] {
  return (error.validation ?? []).map((v) => {
    const extra = v.keyword === "additionalProperties" ? v.params?.additionalProperty : undefined;
    const field = fieldOf(v.instancePath, v.params?.missingProperty ?? extra);
    const message = v.params?.missingProperty
      ? `Enter ${v.params.missingProperty}: it is required`
      : extra
        ? `Remove ${field}: this request does not take it (check its name)`
        : `${field ?? "The request body"} ${v.message ?? "is not valid"}`;
    return field ? { field, message } : { message };
  });
}

async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: ErrorBody["error"]["details"],
): Promise<void> {
  reply.status(status);
  if (wantsJson(request)) {
    const body: ErrorBody = { error: { code, message, requestId: String(request.id) } };
    if (details && details.length > 0) body.error.details = details;
    await reply.type("application/json; charset=utf-8").send(body);
    return;
  }
  const template =
    status === 404
      ? "errors/404.njk"
      : status === 403
        ? "errors/403.njk"
        : status >= 500
          ? "errors/500.njk"
          : "errors/problem.njk";
  // What the service said, in the page's language where the message catalogue has it.
  const locale = request.locale ?? DEFAULT_LOCALE;
  const shown = localiseMessage(message, locale);
  await reply.page(template, {
    status,
    message: shown.text,
    messageLang: shown.lang,
    details: details?.map((d) => {
      const { text, lang } = localiseMessage(d.message, locale);
      return { field: d.field, message: text, lang };
    }),
    requestId: request.id,
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    await sendError(request, reply, 404, "not_found", new NotFoundError().message);
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof NotSignedInError && !wantsJson(request)) {
      const returnTo = encodeURIComponent(request.url);
      await reply.redirect(`/sign-in?returnTo=${returnTo}`, 303);
      return;
    }
    if (error instanceof DomainError) {
      const status = statusFor(error);
      // A rate limit says when to come back.
      if (error instanceof TooManyRequestsError) reply.header("retry-after", String(error.retryAfterSeconds));
      if (status >= 400) request.log.info({ code: error.code, status }, "request refused");
      await sendError(request, reply, status, error.code, error.message, [...error.details]);
      return;
    }
    if (error.validation) {
      await sendError(
        request,
        reply,
        400,
        "invalid_request",
        msg`The request is not valid. Check the fields listed in details.`,
        schemaErrors(error),
      );
      return;
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message =
        status === 413
          ? msg`The request is too large. Send a smaller file or less data.`
          : status === 415
            ? msg`This content type is not accepted. Send JSON or a form.`
            : error.message;
      await sendError(request, reply, status, error.code?.toLowerCase() ?? "bad_request", message);
      return;
    }
    request.log.error({ err: error }, "unhandled error");
    await sendError(
      request,
      reply,
      500,
      "internal_error",
      `Sorry, there is a problem with the service. Try again later. If it keeps happening, quote reference ${request.id}.`,
    );
  });
}
