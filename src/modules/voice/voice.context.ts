/**
 * The voice module's service context: a `Ctx` with the file store, where a report's attached
 * document is kept. Services that store or read no document take a plain `Ctx`.
 */
import type { FastifyRequest } from "fastify";
import type { FileStore } from "../../lib/file-store.ts";
import { type Ctx, ctxOf } from "../access/context.ts";

export interface VoiceCtx extends Ctx {
  /** Where reports' documents are kept. */
  files: FileStore;
}

/** The request's voice context (`ctxOf(request)` with the file store). */
export function voiceCtxOf(request: FastifyRequest): VoiceCtx {
  return { ...ctxOf(request), files: request.server.deps.files };
}
