/**
 * Evaluation (issues 5 and 6): the compliance check of opened bids and the three-bid rule, as API
 * and pages. Thin: parse, call the service, render.
 */
import type { FastifyInstance } from "fastify";

export async function evaluationRoutes(_app: FastifyInstance): Promise<void> {}
