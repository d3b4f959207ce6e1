/**
 * Liveness (/healthz: the process answers), readiness (/readyz: the database answers and every
 * migration is applied), and the API's health and version endpoints.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { anyone, api, page } from "../../http/routes.ts";
import { ErrorResponse } from "../../http/schemas.ts";
import { APP_VERSION } from "../../version.ts";
import { ctxOf } from "../access/context.ts";
import { checkReadiness } from "./health.service.ts";

const Bytes = (description: string) => Type.Integer({ minimum: 0, description });
const DatabaseMemory = Type.Object(
  {
    thread: Type.Union([Type.Literal("worker"), Type.Literal("main")], {
      description: "Where PostgreSQL runs: a worker thread of its own (the server), or the main thread",
    }),
    wasm: Bytes("PostgreSQL's WebAssembly memory (2 GB at most): it grows as needed, never shrinks"),
    heapUsed: Bytes("That thread's JavaScript heap in use"),
    heapTotal: Bytes("That thread's JavaScript heap allocated"),
    heapLimit: Bytes("The limit of that thread's JavaScript heap"),
  },
  { description: "The embedded database's memory, in bytes (absent on a PostgreSQL server)" },
);
const Health = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  database: Type.Union([Type.Literal("pglite"), Type.Literal("postgres")]),
  checks: Type.Object({ database: Type.Boolean(), migrations: Type.Boolean() }),
  time: Type.String({ format: "date-time" }),
  memory: Type.Optional(DatabaseMemory),
});
const Version = Type.Object({ name: Type.String(), version: Type.String(), node: Type.String() });

const readiness = (request: FastifyRequest) =>
  checkReadiness(ctxOf(request), request.server.deps.dbKind, request.server.deps.databaseMemory);

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  // For the platform's probes: answers, not pages, and not in the OpenAPI document.
  app.get("/healthz", page({ who: anyone }), async () => ({ status: "ok" }));

  app.get("/readyz", page({ who: anyone }), async (request, reply) => {
    const ready = await readiness(request);
    return reply.status(ready.status === "ok" ? 200 : 503).send(ready);
  });

  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/health",
    api(
      { who: anyone },
      {
        operationId: "getHealth",
        tags: ["platform"],
        summary: "Whether the service and its database are ready",
        response: { 200: Health, 503: Health, 500: ErrorResponse },
      },
    ),
    async (request, reply) => {
      const ready = await readiness(request);
      return reply.status(ready.status === "ok" ? 200 : 503).send(ready);
    },
  );

  json.get(
    "/api/v1/version",
    api(
      { who: anyone },
      {
        operationId: "getVersion",
        tags: ["platform"],
        summary: "The running version of OpenPS",
        response: { 200: Version },
      },
    ),
    async () => ({ name: "OpenPS", version: APP_VERSION, node: process.version }),
  );
}
