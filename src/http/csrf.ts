/**
 * CSRF protection and the server key: `registerCsrf(app)`, registered after the views.
 *
 * Every POST, PUT, PATCH and DELETE that a browser could send from another site (a form content
 * type, or none) must carry `_csrf` (a form field) or an `X-CSRF-Token` header equal to
 * `request.csrfToken()`, which pages get as `csrfToken` — put `{% include "partials/csrf.njk" %}` in
 * every form. The token is an HMAC of the signed-in session's id (`request.sessionId`, set by the
 * accounts module's authentication) or, before signing in, of the `openps_csrf` cookie (set when a
 * page needs it). Requests with an `Authorization` header are exempt (no cookies are involved; a
 * wrong token is refused before this check). A route may opt out with `config: { csrf: false }`
 * (nothing to protect) or `config: { csrf: "if-session" }`. A failed check is answered 403 with a
 * page saying to go back and try again.
 *
 * Pages for a signed-in person, or carrying a CSRF token, must not be kept by shared caches.
 */
import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type AccountSecrets, loadAccountSecrets, randomToken, safeEqual } from "../lib/secrets.ts";
import { type ErrorBody, wantsJson } from "./errors.ts";

export const CSRF_COOKIE = "openps_csrf";
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

declare module "fastify" {
  interface FastifyInstance {
    /** The server's key and what derives from it (src/lib/secrets.ts). */
    accountSecrets: AccountSecrets;
  }
  interface FastifyRequest {
    /** The signed-in session's id (at whatever stage), set by the accounts module; null without one. */
    sessionId: string | null;
    /** The CSRF token forms on this page must send back as `_csrf`. */
    csrfToken: () => string;
  }
  interface FastifyContextConfig {
    /** CSRF check for unsafe methods: on (default), off, or only when a session exists. */
    csrf?: boolean | "if-session";
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** What a page on another site can send without asking first (CORS "simple" requests). */
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
const BROWSER_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function csrfTokenForSession(secrets: AccountSecrets, sessionId: string): string {
  return secrets.hmac("csrf", `session:${sessionId}`);
}

export function csrfTokenForBrowser(secrets: AccountSecrets, browserToken: string): string {
  return secrets.hmac("csrf", `browser:${browserToken}`);
}

export function cookieOptions(secure: boolean) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure };
}

/** Answers a JSON error at once, from a hook (before any route runs). */
export async function sendJsonError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): Promise<FastifyReply> {
  const body: ErrorBody = { error: { code, message, requestId: String(request.id) } };
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

function suppliedCsrfToken(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | null | undefined;
  const field = body && typeof body === "object" ? body[CSRF_FIELD] : undefined;
  if (typeof field === "string") return field;
  // @fastify/multipart with attachFieldsToBody gives fields as { value }.
  const value = (field as { value?: unknown } | undefined)?.value;
  if (typeof value === "string") return value;
  const header = request.headers[CSRF_HEADER];
  return typeof header === "string" ? header : undefined;
}

function needsCsrfCheck(request: FastifyRequest): boolean {
  if (!UNSAFE_METHODS.has(request.method)) return false;
  if (request.headers.authorization !== undefined) return false;
  const setting = request.routeOptions.config?.csrf;
  if (setting === false) return false;
  if (setting === "if-session" && !request.sessionId) return false;
  const type = (request.headers["content-type"] ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return type === "" || FORM_TYPES.has(type);
}

export async function registerCsrf(app: FastifyInstance): Promise<void> {
  if (!app.hasReplyDecorator("page")) {
    throw new Error("Register the views (registerViews) before CSRF: refusals are pages");
  }
  app.decorate("accountSecrets", loadAccountSecrets(app.deps.config.dataDir));
  if (!app.hasRequestDecorator("cookies")) await app.register(cookie);
  app.decorateRequest("sessionId", null);
  app.decorateRequest("csrfToken", null as never);
  const secure = app.deps.config.baseUrl.startsWith("https://");
  const secrets = app.accountSecrets;

  app.addHook("onRequest", async (request, reply) => {
    request.sessionId = null;
    let issued: string | undefined;
    request.csrfToken = () => {
      if (request.sessionId) return csrfTokenForSession(secrets, request.sessionId);
      let browser = issued ?? request.cookies[CSRF_COOKIE];
      if (!browser || !BROWSER_TOKEN.test(browser)) {
        browser = randomToken();
        issued = browser;
        reply.setCookie(CSRF_COOKIE, browser, cookieOptions(secure));
      }
      return csrfTokenForBrowser(secrets, browser);
    };
  });

  // preHandler, so that bodies parsed by plugins' own preValidation hooks (multipart) are there.
  app.addHook("preHandler", async (request, reply) => {
    if (!needsCsrfCheck(request)) return;
    const supplied = suppliedCsrfToken(request);
    if (supplied !== undefined && safeEqual(supplied, request.csrfToken())) return;
    request.log.info({ code: "csrf_failed" }, "request refused");
    const message =
      "This form could not be sent, because it was out of date or came from another site. Go back, refresh the page and try again.";
    if (wantsJson(request)) return sendJsonError(request, reply, 403, "csrf_failed", message);
    await reply.code(403).page("errors/csrf-failed.njk", { message });
    return reply;
  });

  // Pages for a signed-in person, or carrying a CSRF token, must not be kept by shared caches.
  app.addHook("onSend", async (request, reply, payload) => {
    if (reply.getHeader("cache-control")) return payload;
    const type = String(reply.getHeader("content-type") ?? "");
    if (type.startsWith("text/html") && (request.sessionId || reply.getHeader("set-cookie"))) {
      reply.header("cache-control", "no-store");
    }
    return payload;
  });
}
