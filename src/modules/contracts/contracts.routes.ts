/**
 * Contracts (issue 6): the JSON API and pages. Thin: parse, call the services, serialise or render.
 */
import type { FastifyInstance } from "fastify";

export async function contractsRoutes(_app: FastifyInstance): Promise<void> {}
