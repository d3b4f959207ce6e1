/**
 * The OpenAPI document, generated from every JSON route's schemas, at /api/openapi.json.
 * The human-readable docs page at /api/docs is rendered from the same document.
 */
import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { APP_VERSION } from "../version.ts";

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "OpenPS API",
        version: APP_VERSION,
        description:
          "The JSON API of OpenPS: open public services — commissioning, choice, regulation, payment by results and redress. " +
          "Errors are `{ error: { code, message, details?, requestId } }`.",
        license: { name: "MIT", identifier: "MIT" },
      },
      servers: [{ url: "/" }],
      components: {
        securitySchemes: {
          session: {
            type: "apiKey",
            in: "cookie",
            name: "openps_session",
            description: "Signed in on the site (forms also send their CSRF token).",
          },
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description:
              "An API token made on your account page (/account/api-tokens/new), with the scopes the call needs, e.g. organisations:write. Reading public data needs no token.",
          },
        },
      },
      // Optional everywhere: public data needs no token; writes say which scope they need.
      security: [{}, { bearerAuth: [] }],
      tags: [
        { name: "platform", description: "Health and version" },
        { name: "open-data", description: "Open contracting data (OCDS 1.1): releases and records" },
      ],
    },
    hideUntagged: true,
  });
  app.get("/api/openapi.json", { schema: { hide: true } }, async (_request, reply) => {
    return reply.type("application/json; charset=utf-8").send(app.swagger());
  });
}
