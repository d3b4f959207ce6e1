/**
 * Liveness (/healthz: the process answers), readiness (/readyz: the database answers and every
 * migration is applied), and the API's health and version endpoints.
 */

import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { APP_VERSION } from "../../version.ts";
import { checkReadiness } from "./health.service.ts";

const ErrorRef = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
const Health = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  database: Type.Union([Type.Literal("pglite"), Type.Literal("postgres")]),
  checks: Type.Object({ database: Type.Boolean(), migrations: Type.Boolean() }),
  time: Type.String({ format: "date-time" }),
});
const Version = Type.Object({ name: Type.String(), version: Type.String(), node: Type.String() });

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));

  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await checkReadiness(app.deps);
    return reply.status(readiness.status === "ok" ? 200 : 503).send(readiness);
  });

  app.get(
    "/api/v1/health",
    {
      schema: {
        tags: ["platform"],
        summary: "Whether the service and its database are ready",
        response: { 200: Health, 503: Health, 500: ErrorRef },
      },
    },
    async (_request, reply) => {
      const readiness = await checkReadiness(app.deps);
      return reply.status(readiness.status === "ok" ? 200 : 503).send(readiness);
    },
  );

  app.get(
    "/api/v1/version",
    { schema: { tags: ["platform"], summary: "The running version of OpenPS", response: { 200: Version } } },
    async () => ({ name: "OpenPS", version: APP_VERSION, node: process.version }),
  );
}
