/**
 * The contracts module's service context: a `Ctx` with what contracts need besides the database,
 * the clock and the principal — the file store for a contract's documents, and whether
 * notifications are emailed too.
 */
import type { FastifyRequest } from "fastify";
import type { AppDeps } from "../../http/context.ts";
import type { FileStore } from "../../lib/file-store.ts";
import { type Ctx, ctxOf } from "../access/context.ts";

export interface ContractsCtx extends Ctx {
  /** Where a contract's documents are kept. */
  files: FileStore;
  /** Email copies of notifications (a mailer is configured). */
  email: boolean;
}

/** A context extended with the application's file store and mailer. */
export function contractsCtx(ctx: Ctx, deps: AppDeps): ContractsCtx {
  return { ...ctx, files: deps.files, email: deps.mailer !== undefined };
}

/** The request's contracts context (`ctxOf(request)` with the file store and mailer). */
export function contractsCtxOf(request: FastifyRequest): ContractsCtx {
  return contractsCtx(ctxOf(request), request.server.deps);
}
