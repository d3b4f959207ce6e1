/**
 * The Right to Challenge's registers in the JSON API: the nation's, an authority's (with its policy
 * and windows), and one EOI. Public; employees' names only for those who may read them.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { challengeJson, countsJson, policyJson, windowJson } from "./challenges.presenters.ts";
import { ChallengeParams, ChallengeResponse, RegisterResponse, TAGS } from "./challenges.schemas.ts";
import { authorityRegisterOf, challengeOf, registerOf } from "./registers.service.ts";

export function registersRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/right-to-challenge",
    api(
      { who: anyone },
      {
        operationId: "listExpressionsOfInterest",
        tags: TAGS,
        summary: "The national register of expressions of interest and decisions",
        description:
          "Every submitted EOI on every authority, newest first, with counts by outcome, by ground of rejection and of overdue decisions. Employees' names are never included.",
        response: { 200: RegisterResponse },
      },
    ),
    async (request) => {
      const register = await registerOf(ctxOf(request));
      return { counts: countsJson(register), challenges: register.challenges.map(challengeJson) };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/right-to-challenge",
    api(
      { who: anyone },
      {
        operationId: "getChallengeRegister",
        tags: TAGS,
        summary: "An authority's Right to Challenge register: policy, windows, EOIs and decisions",
        description:
          "With whether the Right to Challenge applies to the authority (councils and fire and rescue authorities in England only) and its staff email domains.",
        params: AuthorityParams,
        response: { 200: RegisterResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const register = await authorityRegisterOf(ctxOf(request), authority);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        rightToChallenge: register.applicability.applies
          ? { applies: true, reason: null }
          : { applies: false, reason: register.applicability.reason },
        staffDomains: register.staffDomains,
        policy: policyJson(register.policy),
        windows: register.windows.map(windowJson),
        counts: countsJson(register),
        challenges: register.challenges.map(challengeJson),
      };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId",
    api(
      { who: anyone },
      {
        operationId: "getExpressionOfInterest",
        tags: TAGS,
        summary: "An expression of interest, with its consideration and decision",
        description:
          "Drafts are not found except by their applicant (and, for employees, the colleagues it names). Employees' names only for the lead employee, the co-signatories and the authority's editors.",
        params: ChallengeParams,
        response: { 200: ChallengeResponse },
      },
    ),
    async (request) =>
      challengeJson(await challengeOf(ctxOf(request), request.authority.id, request.params.challengeId)),
  );
}
