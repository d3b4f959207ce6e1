/** Consultations on a service's shape and on policy (issue 4, item 5): pages and JSON API. */
import type { FastifyInstance } from "fastify";

export async function consultationsRoutes(_app: FastifyInstance): Promise<void> {}
