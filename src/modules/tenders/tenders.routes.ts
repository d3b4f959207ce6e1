/** Tenders and sealed electronic bids (issue 5): pages and JSON API. */
import type { FastifyInstance } from "fastify";

export async function tendersRoutes(_app: FastifyInstance): Promise<void> {}
