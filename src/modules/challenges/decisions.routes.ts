/**
 * Expressions of interest in the JSON API, the authority's side: record the consideration, propose
 * a modification (the body agrees, or the authority records its written agreement), and decide.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, signedIn } from "../access/policies.ts";
import { challengeJson } from "./challenges.presenters.ts";
import {
  ChallengeParams,
  ChallengeResponse,
  ConsiderationBody,
  DecisionBody,
  ModificationBody,
  TAGS,
  WrittenAgreementBody,
} from "./challenges.schemas.ts";
import {
  addWrittenAgreement,
  agreeToModification,
  considerExpressionOfInterest,
  decideExpressionOfInterest,
  proposeModification,
} from "./decisions.service.ts";

/** Each route names an EOI: looked up before the caller's role is asked (404, then 403). */
const editors = { who: afterLookup(authorityEditors), scope: "challenges:write" } as const;
const answers = { 200: ChallengeResponse, ...errorResponses(409, 422) };
const eoi = "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId";

export function decisionsRoutes(app: FastifyInstance): void {
  considerationRoutes(app);
  modificationRoutes(app);
  decisionRoutes(app);
}

function considerationRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.post(
    `${eoi}/consideration`,
    api(editors, {
      operationId: "considerExpressionOfInterest",
      tags: TAGS,
      summary: "Record that the authority considered an expression of interest",
      description:
        "Who (the officers' names or roles), when, and the evidence weighed: required before any decision. Once only (409 after). The lead employee of an employees' EOI may not (403).",
      params: ChallengeParams,
      body: ConsiderationBody,
      response: answers,
    }),
    async (request) => {
      const { authority, params, body } = request;
      return challengeJson(
        await considerExpressionOfInterest(ctxOf(request), authority.id, params.challengeId, body),
      );
    },
  );
}

/** Proposing a modification, and the body's agreement: on the platform, or recorded from writing. */
function modificationRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.post(
    `${eoi}/modification`,
    api(editors, {
      operationId: "proposeModification",
      tags: TAGS,
      summary: "Propose a modification of a considered expression of interest",
      description:
        "Only where the authority would otherwise reject it: name the statutory grounds (422 for any other ground, or none). The body is asked to agree.",
      params: ChallengeParams,
      body: ModificationBody,
      response: answers,
    }),
    async (request) => {
      const { authority, params, body } = request;
      return challengeJson(await proposeModification(ctxOf(request), authority.id, params.challengeId, body));
    },
  );

  json.post(
    `${eoi}/modification/agree`,
    api(
      { who: signedIn, scope: "challenges:write" },
      {
        operationId: "agreeToModification",
        tags: TAGS,
        summary: "Agree, as the body, to the modification the authority proposes",
        description:
          "A member of the organisation (or the lead employee). 409 without a proposal, or once agreed.",
        params: ChallengeParams,
        body: "none",
        response: answers,
      },
    ),
    async (request) =>
      challengeJson(
        await agreeToModification(ctxOf(request), request.authority.id, request.params.challengeId),
      ),
  );

  json.post(
    `${eoi}/modification/written-agreement`,
    api(editors, {
      operationId: "addWrittenAgreement",
      tags: TAGS,
      summary: "Record the body's written agreement to the proposed modification",
      description: "Its date and the evidence (the letter or email). 409 without a proposal, or once agreed.",
      params: ChallengeParams,
      body: WrittenAgreementBody,
      response: answers,
    }),
    async (request) => {
      const { authority, params, body } = request;
      return challengeJson(await addWrittenAgreement(ctxOf(request), authority.id, params.challengeId, body));
    },
  );
}

function decisionRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.post(
    `${eoi}/decision`,
    api(editors, {
      operationId: "decideExpressionOfInterest",
      tags: TAGS,
      summary: "Decide an expression of interest: accept, modify or reject",
      description:
        "Once, after the consideration is recorded (409 before). modified needs the body's recorded agreement to the proposed modification (409 without). rejected needs one or more statutory grounds and reasons (422 for any other ground, none, or no reasons). Accepting creates a draft commissioning project with the procurement window. The body is notified; the decision is published.",
      params: ChallengeParams,
      body: DecisionBody,
      response: answers,
    }),
    async (request) => {
      const { authority, params, body } = request;
      return challengeJson(
        await decideExpressionOfInterest(ctxOf(request), authority.id, params.challengeId, body),
      );
    },
  );
}
