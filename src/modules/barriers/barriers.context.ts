/**
 * The barriers module's service context: a `Ctx` with the file store, where a barrier's evidence is
 * kept. Services that store or read no document take a plain `Ctx`.
 */
import type { FastifyRequest } from "fastify";
import type { FileStore } from "../../lib/file-store.ts";
import { type Ctx, ctxOf } from "../access/context.ts";

export interface BarriersCtx extends Ctx {
  /** Where barriers' evidence is kept. */
  files: FileStore;
}

/** The request's barriers context (`ctxOf(request)` with the file store). */
export function barriersCtxOf(request: FastifyRequest): BarriersCtx {
  return { ...ctxOf(request), files: request.server.deps.files };
}
