/**
 * Who is asking, and CSRF protection: `registerAuth(app)`, registered after the views.
 *
 * On every request (onRequest):
 * - `Authorization: Bearer openps_…` → the API token's principal (`via: "token"`, its scopes in
 *   `tokenScopes`); a wrong, expired or revoked token is answered 401 in JSON at once;
 * - otherwise the `openps_session` cookie → the session's principal (`via: "session"`);
 *   `request.accountSession` holds the session itself. A session whose password was right but whose
 *   second factor is still to come has no principal. A person whose roles need two-factor sign-in
 *   and who has not set it up reaches only the set-up page and sign-out (pages are redirected there
 *   with 303; JSON gets 403);
 * - `request.actor = actorOf(principal)` for the audit trail.
 *
 * CSRF (preHandler): every POST, PUT, PATCH and DELETE that a browser could send from another
 * site (a form content type, or none) must carry `_csrf` (a form field) or an `X-CSRF-Token` header
 * equal to `request.csrfToken()`, which pages get as `csrfToken` — put
 * `{% include "partials/csrf.njk" %}` in every form. The token is an HMAC of the session id (signed
 * in) or of the `openps_csrf` cookie (before signing in, set when a page needs it). Requests with a
 * Bearer token are exempt (no cookies are involved). A route may opt out with
 * `config: { csrf: false }` (nothing to protect) or `config: { csrf: "if-session" }`. A failed check
 * is answered 403 with a page saying to go back and try again.
 */
import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TooManyRequestsError } from "../lib/errors.ts";
import { actorOf } from "../modules/access/access.service.ts";
import {
  type AccountDeps,
  type CurrentSession,
  InvalidApiTokenError,
  principalOfSession,
  type RequestOrigin,
  resolveApiToken,
  resolveSession,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
} from "../modules/accounts/accounts.service.ts";
import {
  type AccountSecrets,
  loadAccountSecrets,
  randomToken,
  safeEqual,
} from "../modules/accounts/secrets.ts";
import { type ErrorBody, wantsJson } from "./errors.ts";

export { API_SCOPES, type ApiScope, requireScope } from "../modules/accounts/accounts.service.ts";

export const CSRF_COOKIE = "openps_csrf";
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
/** Where someone who must set up two-factor sign-in is sent. */
export const TWO_FACTOR_SETUP_PATH = "/account/two-factor/setup";

declare module "fastify" {
  interface FastifyInstance {
    /** The server's accounts key and what derives from it (src/modules/accounts/secrets.ts). */
    accountSecrets: AccountSecrets;
  }
  interface FastifyRequest {
    /** The session of the `openps_session` cookie, at whatever stage; null without one. */
    accountSession: CurrentSession | null;
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
/** Reachable while two-factor set-up is pending. */
const OPEN_DURING_SETUP = new Set([TWO_FACTOR_SETUP_PATH, "/sign-out", "/signed-out"]);

export function csrfTokenForSession(secrets: AccountSecrets, sessionId: string): string {
  return secrets.hmac("csrf", `session:${sessionId}`);
}

export function csrfTokenForBrowser(secrets: AccountSecrets, browserToken: string): string {
  return secrets.hmac("csrf", `browser:${browserToken}`);
}

function pathOf(request: FastifyRequest): string {
  const path = request.url.split("?", 1)[0] ?? "/";
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function isStatic(path: string): boolean {
  return path.startsWith("/assets/") || path === "/favicon.ico";
}

export function cookieOptions(secure: boolean) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure };
}

/** Sets the session cookie after signing in or a rotation. */
export function setSessionCookie(reply: FastifyReply, token: string): void {
  const secure = reply.server.deps.config.baseUrl.startsWith("https://");
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(secure), maxAge: SESSION_ABSOLUTE_MS / 1000 });
}

export function clearSessionCookie(reply: FastifyReply): void {
  const secure = reply.server.deps.config.baseUrl.startsWith("https://");
  reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}

/** What account services need from the app. */
export function accountDeps(app: FastifyInstance): AccountDeps {
  return { db: app.deps.db, clock: app.deps.clock, secrets: app.accountSecrets };
}

/** Where a request came from, for rate limits and the audit trail. */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  return { address: request.ip, userAgent: request.headers["user-agent"], requestId: String(request.id) };
}

async function sendJsonError(
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
  if (request.principal?.via === "token") return false;
  const setting = request.routeOptions.config?.csrf;
  if (setting === false) return false;
  if (setting === "if-session" && !request.accountSession) return false;
  const type = (request.headers["content-type"] ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return type === "" || FORM_TYPES.has(type);
}

export async function registerAuth(app: FastifyInstance): Promise<void> {
  if (!app.hasReplyDecorator("page")) {
    throw new Error("Register the views (registerViews) before auth: refusals are pages");
  }
  app.decorate("accountSecrets", loadAccountSecrets(app.deps.config.dataDir));
  if (!app.hasRequestDecorator("cookies")) await app.register(cookie);
  app.decorateRequest("accountSession", null);
  app.decorateRequest("csrfToken", null as never);
  const secure = app.deps.config.baseUrl.startsWith("https://");
  const deps = accountDeps(app);

  app.addHook("onRequest", async (request, reply) => {
    request.accountSession = null;
    let issued: string | undefined;
    request.csrfToken = () => {
      if (request.accountSession) return csrfTokenForSession(deps.secrets, request.accountSession.id);
      let browser = issued ?? request.cookies[CSRF_COOKIE];
      if (!browser || !BROWSER_TOKEN.test(browser)) {
        browser = randomToken();
        issued = browser;
        reply.setCookie(CSRF_COOKIE, browser, cookieOptions(secure));
      }
      return csrfTokenForBrowser(deps.secrets, browser);
    };
    const path = pathOf(request);
    if (isStatic(path)) return;

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      reply.header("www-authenticate", 'Bearer realm="OpenPS"');
      if (!bearer) {
        return sendJsonError(
          request,
          reply,
          401,
          "invalid_token",
          "Send an API token as: Authorization: Bearer <token>.",
        );
      }
      try {
        const principal = await resolveApiToken(deps, bearer);
        request.principal = principal;
        request.actor = actorOf(principal);
      } catch (error) {
        if (!(error instanceof InvalidApiTokenError)) throw error;
        reply.header("www-authenticate", 'Bearer realm="OpenPS", error="invalid_token"');
        return sendJsonError(request, reply, 401, "invalid_token", error.message);
      }
      return;
    }

    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(deps, token);
    if (!session) {
      clearSessionCookie(reply);
      return;
    }
    request.accountSession = session;
    const principal = principalOfSession(session);
    request.principal = principal;
    request.actor = actorOf(principal);
    if (session.stage === "needs-setup" && !OPEN_DURING_SETUP.has(path)) {
      if (wantsJson(request)) {
        return sendJsonError(
          request,
          reply,
          403,
          "two_factor_setup_required",
          "Your roles need two-factor sign-in. Set it up on your account page first.",
        );
      }
      return reply.redirect(TWO_FACTOR_SETUP_PATH, 303);
    }
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
    await reply.code(403).page("accounts/views/csrf-failed.njk", { message });
    return reply;
  });

  // A rate limit says when to come back.
  app.addHook("onError", async (_request, reply, error) => {
    if (error instanceof TooManyRequestsError) reply.header("retry-after", String(error.retryAfterSeconds));
  });

  // Pages for a signed-in person, or carrying a CSRF token, must not be kept by shared caches.
  app.addHook("onSend", async (request, reply, payload) => {
    if (reply.getHeader("cache-control")) return payload;
    const type = String(reply.getHeader("content-type") ?? "");
    if (type.startsWith("text/html") && (request.accountSession || reply.getHeader("set-cookie"))) {
      reply.header("cache-control", "no-store");
    }
    return payload;
  });
}
