/**
 * Employees' expressions of interest in the JSON API: the authority's administrators set its staff
 * email domains, and each colleague named confirms that they co-sign.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { authorityAdmins } from "./challenges.policies.ts";
import { challengeJson } from "./challenges.presenters.ts";
import {
  ChallengeParams,
  ChallengeResponse,
  StaffDomainsBody,
  StaffDomainsResponse,
  TAGS,
} from "./challenges.schemas.ts";
import { confirmCoSignature, setStaffDomains } from "./employees.service.ts";

export function employeesRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.put(
    "/api/v1/authorities/:authorityId/right-to-challenge/staff-domains",
    api(
      { who: authorityAdmins, scope: "challenges:write" },
      {
        operationId: "setChallengeStaffDomains",
        tags: TAGS,
        summary: "Set the authority's staff email domains",
        description:
          "A person with a verified email address on one of them is the authority's employee: the colleagues an employees' EOI names confirm from such an address. Replaces the domains set. 422 for a domain anyone can have an address on (gmail.com), more than 20, or an authority the Right to Challenge does not apply to.",
        params: AuthorityParams,
        body: StaffDomainsBody,
        response: { 200: StaffDomainsResponse, ...errorResponses(422) },
      },
    ),
    async (request) => ({
      domains: await setStaffDomains(ctxOf(request), request.authority.id, request.body.domains),
    }),
  );

  json.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/confirm",
    api(
      { who: signedIn, scope: "challenges:write" },
      {
        operationId: "confirmCoSignature",
        tags: TAGS,
        summary: "Confirm that you co-sign an employees' expression of interest",
        description:
          "By a colleague it names, signed in with the verified work address it gives, on one of the authority's staff email domains (403 otherwise). 404 for a draft that does not name you; 409 once submitted, or confirmed already. It can be submitted once every colleague named has confirmed; a change to its content clears the confirmations.",
        params: ChallengeParams,
        body: "none",
        response: { 200: ChallengeResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      challengeJson(
        await confirmCoSignature(ctxOf(request), request.authority.id, request.params.challengeId),
      ),
  );
}
