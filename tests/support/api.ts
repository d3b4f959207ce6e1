/**
 * JSON calls through `app.inject`, as a client of the API makes them: with a JSON content type (a
 * browser cannot send one across sites, so no CSRF token is needed) and the session's cookie or an
 * API token.
 *
 *   const response = await call(t.app, "POST", "/api/v1/…", session, { title: "…" });
 *   expect(response.statusCode).toBe(201);
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { TestSession } from "./auth.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who calls: a signed-in session, an API token ("openps_…"), or nobody (the public). */
export type Caller = TestSession | { token: string } | undefined;

export function call(
  app: FastifyInstance,
  method: Method,
  url: string,
  caller?: Caller,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  const payload = body === undefined && method !== "GET" && method !== "DELETE" ? {} : body;
  return app.inject({
    method,
    url,
    headers: {
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
      ...(caller && "token" in caller ? { authorization: `Bearer ${caller.token}` } : {}),
      ...(caller && "cookie" in caller ? { cookie: caller.cookie } : {}),
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}
