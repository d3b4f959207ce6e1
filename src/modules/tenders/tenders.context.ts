/**
 * The tenders module's service context: a `Ctx` with what sealed bids need besides the database,
 * the clock and the principal — the deployment's tender keyring, whether email is sent, the
 * largest document a bid may carry, and the file store its documents are sealed into. The evaluation, award and contracts modules take it too when
 * they call the tenders service for opened bids.
 */
import type { FastifyRequest } from "fastify";
import type { AppDeps } from "../../http/context.ts";
import type { FileStore } from "../../lib/file-store.ts";
import { type Ctx, ctxOf } from "../access/context.ts";
import { loadTenderKeyring, type TenderKeyring } from "./sealing.ts";

export interface TendersCtx extends Ctx {
  /** The master keys that wrap each tender's sealing key. */
  keys: TenderKeyring;
  /** Email notifications too (a mailer is configured). */
  email: boolean;
  /** The largest document a bid may carry, in bytes (OPENPS_MAX_UPLOAD_BYTES). */
  maxDocumentBytes: number;
  /** Where bids' documents are kept, sealed. */
  files: FileStore;
}

/** A context extended with the application's tender keys, mailer and upload limit. */
export function tendersCtx(ctx: Ctx, deps: AppDeps): TendersCtx {
  return {
    ...ctx,
    keys: deps.tenderKeys ?? loadTenderKeyring(deps.config),
    email: deps.mailer !== undefined,
    maxDocumentBytes: deps.config.maxUploadBytes,
    files: deps.files,
  };
}

/** The request's tenders context (`ctxOf(request)` with the tender keys, mailer and upload limit). */
export function tendersCtxOf(request: FastifyRequest): TendersCtx {
  return tendersCtx(ctxOf(request), request.server.deps);
}
