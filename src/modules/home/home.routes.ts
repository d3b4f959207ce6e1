/**
 * Places to start: an authority's hub at `/authorities/{slug}` (hub.service.ts), from which every
 * step of its commissioning is one link away.
 */
import type { FastifyInstance } from "fastify";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { authorityHub } from "./hub.service.ts";

export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get("/authorities/:slug", page({ who: anyone }), async (request, reply) => {
    await reply.page("home/views/hub.njk", { hub: await authorityHub(ctxOf(request), request.authority) });
  });
}
