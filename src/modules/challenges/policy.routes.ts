/**
 * The Right to Challenge's policy and windows in the JSON API: the authority's editors publish the
 * policy, and publish and remove windows for EOIs per service.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { policyJson, windowJson } from "./challenges.presenters.ts";
import {
  PolicyBody,
  PolicyResponse,
  TAGS,
  WindowBody,
  WindowParams,
  WindowResponse,
} from "./challenges.schemas.ts";
import { addWindow, publishPolicy, removeWindow } from "./policy.service.ts";

const editors = { who: authorityEditors, scope: "challenges:write" } as const;

export function policyRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.put(
    "/api/v1/authorities/:authorityId/right-to-challenge/policy",
    api(editors, {
      operationId: "publishChallengePolicy",
      tags: TAGS,
      summary: "Publish (or change) the authority's Right to Challenge policy",
      description:
        "The period within which it decides on an EOI, and the minimum and maximum period between accepting one and starting the procurement exercise, in days. EOIs already submitted keep their decision dates. 422 when the minimum exceeds the maximum.",
      params: AuthorityParams,
      body: PolicyBody,
      response: { 200: PolicyResponse, ...errorResponses(422) },
    }),
    async (request) => policyJson(await publishPolicy(ctxOf(request), request.authority.id, request.body)),
  );

  json.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/policy/windows",
    api(editors, {
      operationId: "addChallengeWindow",
      tags: TAGS,
      summary: "Publish a window for expressions of interest for one service",
      description:
        "Dates inclusive (Europe/London). A service with windows takes EOIs only inside one; without any, at any time. 422 for a service not on the register or dates out of order.",
      params: AuthorityParams,
      body: WindowBody,
      response: { 201: WindowResponse, ...errorResponses(422) },
    }),
    async (request, reply) => {
      const window = await addWindow(ctxOf(request), request.authority.id, request.body);
      return reply.status(201).send(windowJson(window));
    },
  );

  json.delete(
    "/api/v1/authorities/:authorityId/right-to-challenge/policy/windows/:windowId",
    api(
      { ...editors, who: afterLookup(authorityEditors) },
      {
        operationId: "removeChallengeWindow",
        tags: TAGS,
        summary: "Remove a window for expressions of interest",
        params: WindowParams,
        response: { 204: { type: "null", description: "Removed" } },
      },
    ),
    async (request, reply) => {
      await removeWindow(ctxOf(request), request.authority.id, request.params.windowId);
      return reply.status(204).send(null);
    },
  );
}
