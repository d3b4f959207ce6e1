/** The Community Right to Challenge (issue 4, items 6-9): pages and JSON API. */
import type { FastifyInstance } from "fastify";

export async function challengesRoutes(_app: FastifyInstance): Promise<void> {}
