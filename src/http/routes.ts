/**
 * A route is a definition: what it needs, stated in one place, and one call to a service.
 *
 * - `api(rules, schema)` for a JSON route under /api/v1: its schemas (params, query, body and each
 *   response; the error answers its rules imply are added), its `operationId` and tags for the
 *   OpenAPI document, who may call it (checked before the body is validated, so 401, and 403 where
 *   the route alone decides, come before 400) and the API token scope it needs. A route that names
 *   a record leaves 404 and 403 to its service (`afterLookup`): one order of checks, 401, then 404
 *   for what the caller may not see, then 403, then 409.
 * - `page(rules)` for a page: who may see it (checked after the CSRF check, before the handler).
 * - `formPage` / `formAction` (src/http/forms.ts) for a page form.
 *
 * `who` is a policy (`Who`): the access module defines them (`anyone`, `signedIn`,
 * `authorityEditors`, …); services still decide every rule themselves, so a service called from
 * elsewhere is just as safe. `scope` names the API token scope a route needs; the route list and the
 * OpenAPI document carry it, and the accounts module enforces it for every route in one place, before
 * `who` is asked (`registerAuthentication`): a token is refused on pages, on a route whose scope it
 * lacks, and on a signed-in route that names no scope.
 */
import type { FastifyInstance, FastifyRequest, FastifySchema } from "fastify";
import type { ApiScope } from "./api-scopes.ts";
import { ErrorResponse } from "./schemas.ts";

/** Who may call a route. Throws `NotSignedInError`, `ForbiddenError` or `NotFoundError` otherwise. */
export interface Who {
  /** Says who, for the OpenAPI document: "Anyone", "The authority's commissioners and administrators". */
  readonly description: string;
  /** False for public routes: anyone may call them, signed in or not. */
  readonly signedIn: boolean;
  check(request: FastifyRequest): void | Promise<void>;
}

/** Anyone, signed in or not. */
export const anyone: Who = { description: "Anyone", signedIn: false, check() {} };

/** What a route states about itself besides its schemas. */
export interface RouteRules {
  who: Who;
  /**
   * The API token scope the route needs, like "tenders:write" (src/http/api-scopes.ts). Every
   * signed-in API route names one: a token is refused where none is named. On a public route
   * without one, a token gets what the public gets.
   */
  scope?: ApiScope;
  /** The CSRF check (src/http/csrf.ts): on unless a route has nothing to protect. */
  csrf?: boolean | "if-session";
  /**
   * A page form that takes files (multipart/form-data, src/http/uploads.ts). No other route reads
   * a multipart body, and this one only from someone signed in whom `who` lets in.
   */
  uploads?: boolean;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route and the API scope it needs, as its definition states. */
    rules?: RouteRules;
    /** A write that takes no body (an action such as publish): its definition says so. */
    takesNoBody?: boolean;
  }
}

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429;

/** A JSON route's schema: OpenAPI names and tags it, and says what it answers. */
export interface ApiSchema extends FastifySchema {
  /** Unique across the API, camelCase: what client generators name the call. */
  operationId: string;
  tags: [string, ...string[]];
  summary: string;
  description?: string;
  response: Record<number, unknown>;
  /** The body's schema; `"none"` for a write that takes no body (publish, withdraw, open). */
  body?: unknown;
}

const ERROR_DESCRIPTIONS: Record<Status, string> = {
  400: "The request is not valid: details names each field at fault",
  401: "Not signed in, or the API token sent is not valid",
  403: "Not allowed: your roles do not let you do this",
  404: "Not found, or not yours to see",
  409: "Not now: the current state does not allow it",
  413: "Too large",
  422: "Valid on its own but not together: details says what to change",
  429: "Too many requests: wait and try again",
};

/** The error answers of a route (each the one error body), by status. */
export function errorResponses(...statuses: Status[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((s) => [s, { ...ErrorResponse, description: ERROR_DESCRIPTIONS[s] }]),
  );
}

/**
 * A JSON route's options. The error answers its rules imply are added to `response`: 400 when it
 * takes parameters, a query or a body; 401 always (an API token that is not valid is refused
 * everywhere); 403 unless anyone may call it; 404 when it has parameters. Add others (409, 422) to
 * `response` with `errorResponses`.
 */
export function api<S extends ApiSchema>(rules: RouteRules, declared: S) {
  const takesNoBody = declared.body === "none";
  const schema = { ...declared };
  if (takesNoBody) delete schema.body;
  const implied: Status[] = [];
  if (schema.params || schema.querystring || schema.body) implied.push(400);
  // Any route answers 401 to an API token that is not valid; those that need one, to its absence.
  implied.push(401);
  if (rules.who.signedIn) implied.push(403);
  if (schema.params) implied.push(404);
  const who = `Who may call it: ${rules.who.description}.${rules.scope ? ` API tokens need the ${rules.scope} scope.` : ""}`;
  return {
    schema: {
      ...schema,
      description: schema.description ? `${schema.description}\n\n${who}` : who,
      response: { ...errorResponses(...implied), ...schema.response },
      ...(rules.who.signedIn
        ? { security: [{ session: [] }, { bearerAuth: rules.scope ? [rules.scope] : [] }] }
        : { security: [] }),
    } as S,
    config: {
      rules,
      ...(takesNoBody ? { takesNoBody } : {}),
      ...(rules.csrf !== undefined ? { csrf: rules.csrf } : {}),
    },
    preValidation: async (request: FastifyRequest) => {
      await rules.who.check(request);
    },
  };
}

/** A page's options: hidden from the OpenAPI document; who may see it checked before the handler. */
export function page(rules: RouteRules) {
  return {
    schema: { hide: true },
    config: { rules, ...(rules.csrf !== undefined ? { csrf: rules.csrf } : {}) },
    preHandler: async (request: FastifyRequest) => {
      await rules.who.check(request);
    },
  };
}

/** A route as registered: what the authorisation matrix and the schema test read. */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  /** Who may call it and the API scope it needs, as its definition states (none for assets). */
  rules: RouteRules | undefined;
  takesNoBody: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered, HEAD routes aside, with what its definition states. */
    routeList: readonly RegisteredRoute[];
  }
}

/** Keeps every route as it is registered (`app.routeList`). Call before any route is added. */
export function registerRouteList(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate("routeList", routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat())
      if (method !== "HEAD")
        routes.push({
          method,
          url: route.url,
          schema: route.schema,
          rules: route.config?.rules,
          takesNoBody: route.config?.takesNoBody === true,
        });
  });
}
