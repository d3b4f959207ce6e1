/** Regulation of providers: registration, inspections and ratings, enforcement, profiles (issue 7): pages and JSON API. */
import type { FastifyInstance } from "fastify";

export async function regulationRoutes(_app: FastifyInstance): Promise<void> {}
