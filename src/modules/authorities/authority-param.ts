/**
 * The authority a route is about, looked up once per request: `request.authority` for every route
 * under `/authorities/:slug` (pages) or with an `:authorityId` parameter (the API), a 404 for an
 * unknown one (or a regulator or ombudsman, which are not authorities). A page's is looked up before
 * its body is read (so that a form taking files can be refused before its files are read: see
 * src/http/uploads.ts); the API's after the request is validated, so a malformed id is a 400.
 */
import type { FastifyInstance } from "fastify";
import { authorityById, authorityBySlug } from "./authorities.service.ts";
import type { Authority } from "./authorities.table.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The authority of a route under `/authorities/:slug` or with `:authorityId` (unset otherwise). */
    authority: Authority;
  }
}

export function registerAuthorityParam(app: FastifyInstance): void {
  app.decorateRequest("authority", null as never);
  app.addHook("preParsing", async (request, _reply, payload) => {
    const url = request.routeOptions.url ?? "";
    const params = (request.params ?? {}) as { slug?: string };
    if (url.startsWith("/authorities/:slug") && params.slug !== undefined)
      request.authority = await authorityBySlug(request.server.deps.db, params.slug);
    return payload;
  });
  app.addHook("preHandler", async (request) => {
    const url = request.routeOptions.url ?? "";
    const params = (request.params ?? {}) as { authorityId?: string };
    if (
      !url.startsWith("/authorities/:slug") &&
      url.includes("/:authorityId") &&
      params.authorityId !== undefined
    )
      request.authority = await authorityById(request.server.deps.db, params.authorityId);
  });
}
