/**
 * Who may call the routes about one tender (`Who`, src/http/routes.ts), for this module and the
 * later stages (compliance, evaluation, award).
 *
 * The order of checks is one everywhere (security finding 14): 401 not signed in; then 404 for a
 * tender that does not exist or that the caller may not see (a draft, to anyone but its editors);
 * then 403 for someone who may not act on it; then 409 for what its state forbids. A policy asking
 * for a role before the tender is found would answer 403 for a tender that does not exist, so these
 * find the tender first, with the functions the services themselves call first; the services decide
 * every rule again, in the same order. A policy answers before the body is read or validated, so
 * nobody it refuses has a file read or is told what is wrong with their body.
 */
import type { FastifyRequest } from "fastify";
import type { Who } from "../../http/routes.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { type Ctx, ctxOf } from "../access/context.ts";
import { questionToAnswer } from "./questions.service.ts";
import { requireTenderEditor, visibleTender } from "./tenders.service.ts";

/**
 * Throws as the service would: 401, then 404 for the tender (and for what `params` names in it, where
 * it looks), then (where it asks) 403.
 */
export type TenderCheck = (
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  params: Readonly<Record<string, string | undefined>>,
) => Promise<unknown>;

/**
 * A policy about the route's tender: its authority (the page's, found from its `:slug` by then; the
 * API's `:authorityId`) and its `:tenderId`, checked by `check` with the route's other parameters.
 * `description` says who, for the OpenAPI document.
 */
export function tenderPolicy(description: string, check: TenderCheck): Who {
  return {
    description,
    signedIn: true,
    async check(request: FastifyRequest) {
      const params = (request.params ?? {}) as Record<string, string | undefined>;
      const authorityId = request.authority?.id ?? params.authorityId ?? "";
      await check(ctxOf(request), authorityId, params.tenderId ?? "", params);
    },
  };
}

/**
 * Anyone signed in, about a tender they may see (401, then 404). Who of them may act is the
 * service's to say: where a refusal is recorded (the sealed bids, Annex IV A7), or where what may be
 * done depends on what the body names (the organisation a bid is for). `description` says who the
 * service lets through.
 */
export function onVisibleTender(description: string): Who {
  return tenderPolicy(description, async (ctx, authorityId, tenderId) => {
    requireSignedIn(ctx.principal);
    await visibleTender(ctx, authorityId, tenderId);
  });
}

/** The authority's commissioners and administrators (platform administrators too), on a tender they may see. */
export const tenderEditors: Who = tenderPolicy(
  "The authority's commissioners and administrators, once it is verified",
  requireTenderEditor,
);

/**
 * The authority's commissioners and administrators, on a question of a tender they may see
 * (`:questionId`: 404 for one they may not see, as for an unknown one; then 403).
 */
export const questionAnswerers: Who = tenderPolicy(
  "The authority's commissioners and administrators, once it is verified",
  (ctx, authorityId, tenderId, params) =>
    questionToAnswer(ctx, authorityId, tenderId, params.questionId ?? ""),
);
