/**
 * Who is asking: `registerAuthentication(app)`, registered after CSRF (src/http/csrf.ts).
 *
 * On every request (onRequest):
 * - `Authorization: Bearer openps_…` → the API token's principal (`via: "token"`, its scopes in
 *   `tokenScopes`); a wrong, expired or revoked token is answered 401 in JSON at once;
 * - otherwise the `openps_session` cookie → the session's principal (`via: "session"`);
 *   `request.accountSession` holds the session itself (and `request.sessionId` its id, for CSRF).
 *   A session whose password was right but whose second factor is still to come has no principal.
 *   A person whose roles need two-factor sign-in and who has not set it up reaches only the set-up
 *   page and sign-out (pages are redirected there with 303; JSON gets 403);
 * - `request.actor = actorOf(principal)` for the audit trail.
 *
 * Before any route's own rules (preValidation), an API token is held to its scopes (deny by
 * default, src/http/api-scopes.ts): refused on pages, on an API route that needs a scope the token
 * lacks, and on a signed-in API route that names no scope; on a public route that names none it gets
 * what the public gets.
 *
 * The layout is told who is signed in (`principal`, and the account links of the navigation, with
 * how many of their notices are unread).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { cookieOptions, sendJsonError } from "../../http/csrf.ts";
import { wantsJson } from "../../http/errors.ts";
import { DEFAULT_LOCALE, translatorFor } from "../../http/i18n.ts";
import type { Who } from "../../http/routes.ts";
import { accountNavigationFor, addToLayout, navigationFor } from "../../http/views.ts";
import { ForbiddenError, NotSignedInError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireSignedIn } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { unreadCount } from "../notifications/notifications.service.ts";
import {
  type AccountsCtx,
  type CurrentSession,
  type RequestOrigin,
  requireScope,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
} from "./accounts.service.ts";
import { InvalidApiTokenError, resolveApiToken } from "./api-tokens.service.ts";
import { principalOfSession, resolveSession } from "./sessions.service.ts";

/** Where someone who must set up two-factor sign-in is sent. */
export const TWO_FACTOR_SETUP_PATH = "/account/two-factor/setup";

declare module "fastify" {
  interface FastifyRequest {
    /** The session of the `openps_session` cookie, at whatever stage; null without one. */
    accountSession: CurrentSession | null;
  }
}

/** Reachable while two-factor set-up is pending. */
const OPEN_DURING_SETUP = new Set([TWO_FACTOR_SETUP_PATH, "/sign-out", "/signed-out"]);

function pathOf(request: FastifyRequest): string {
  const path = request.url.split("?", 1)[0] ?? "/";
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

function isStatic(path: string): boolean {
  return path.startsWith("/assets/") || path === "/favicon.ico";
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

/** Where a request came from, for rate limits and the audit trail. */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  return { address: request.ip, userAgent: request.headers["user-agent"], requestId: String(request.id) };
}

/** The request's context for account services: who is asking, the server's secrets, the session. */
export function accountsCtxOf(request: FastifyRequest): AccountsCtx {
  return {
    ...ctxOf(request),
    secrets: request.server.accountSecrets,
    origin: requestOrigin(request),
    session: request.accountSession,
  };
}

/** Anyone signed in with a session (the account pages are not for API tokens). */
export const signedInWithSession: Who = {
  description: "Anyone signed in on the site",
  signedIn: true,
  check(request) {
    const principal = requireSignedIn(request.principal);
    if (principal.via !== "session" || !request.accountSession) throw new NotSignedInError();
  },
};

/**
 * Holds an API token to the scope the route names (deny by default). Throws `ForbiddenError` with
 * the code `insufficient_scope`, saying which scope to ask for.
 */
export function checkTokenScope(request: FastifyRequest): void {
  const principal = request.principal;
  if (principal?.via !== "token") return;
  const route = request.routeOptions;
  const rules = route.config?.rules;
  if (!route.url?.startsWith("/api/")) {
    throw new ForbiddenError(
      msg`API tokens are for the API under /api/v1. Use the site signed in, or call the API.`,
      "insufficient_scope",
    );
  }
  if (!rules?.scope) {
    if (rules && !rules.who.signedIn) {
      // A public route: the token gets what the public gets.
      request.principal = null;
      request.actor = { type: "public", id: null };
      return;
    }
    throw new ForbiddenError(
      msg`This call cannot be made with an API token. Use the site signed in.`,
      "insufficient_scope",
    );
  }
  requireScope(principal, rules.scope);
}

/** How many of the person's notices are unread, for the header; none shown if it cannot be counted (an error page). */
async function unreadOf(request: FastifyRequest, userId: string): Promise<number> {
  try {
    return await unreadCount(request.server.deps.db, userId);
  } catch (error) {
    request.log.warn({ err: error }, "The unread notices could not be counted for the header");
    return 0;
  }
}

export async function registerAuthentication(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator("accountSecrets")) {
    throw new Error("Register CSRF (registerCsrf) before authentication: it loads the server key");
  }
  app.decorateRequest("accountSession", null);

  addToLayout(app, async (request) => {
    const principal = request.principal ?? null;
    const currentPath = request.url.split("?", 1)[0] ?? "/";
    const t = request.t ?? translatorFor(request.locale ?? DEFAULT_LOCALE);
    return {
      principal,
      navigation: navigationFor(principal !== null, currentPath, t),
      accountNavigation: accountNavigationFor(
        principal !== null,
        currentPath,
        t,
        principal ? await unreadOf(request, principal.userId) : 0,
      ),
    };
  });

  // Root hooks run before a route's own: the scope is checked before who may call it.
  app.addHook("preValidation", async (request) => checkTokenScope(request));

  app.addHook("onRequest", async (request, reply) => {
    request.accountSession = null;
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
        const principal = await resolveApiToken(accountsCtxOf(request), bearer);
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
    const session = await resolveSession(accountsCtxOf(request), token);
    if (!session) {
      clearSessionCookie(reply);
      return;
    }
    request.accountSession = session;
    request.sessionId = session.id;
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
          msg`Your roles need two-factor sign-in. Set it up on your account page first.`,
        );
      }
      return reply.redirect(TWO_FACTOR_SETUP_PATH, 303);
    }
  });
}
