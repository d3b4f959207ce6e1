/**
 * Expressions of interest in the JSON API, the body's side: draft one (or draft and submit at once),
 * change the draft, submit it and withdraw it.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { challengeJson } from "./challenges.presenters.ts";
import {
  ChallengeParams,
  ChallengeResponse,
  DraftBody,
  TAGS,
  UpdateDraftBody,
} from "./challenges.schemas.ts";
import { draftChallenge, submitChallenge, updateDraft, withdrawChallenge } from "./expressions.service.ts";

const applicants = { who: signedIn, scope: "challenges:write" } as const;
const answers = { 200: ChallengeResponse, ...errorResponses(409, 422) };

export function expressionsRoutes(app: FastifyInstance): void {
  draftRoutes(app);
  submissionRoutes(app);
}

/** Drafting an EOI (or drafting and submitting at once), and changing the draft. */
function draftRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/authorities/:authorityId/right-to-challenge",
    api(applicants, {
      operationId: "draftExpressionOfInterest",
      tags: TAGS,
      summary: "Draft (or submit at once) an expression of interest",
      description:
        'By a member of a relevant body in the directory (applicant.type "organisation"), or by an employee of the authority naming the co-signatories (applicant.type "employees": a possible mutual spin-out). A draft may be incomplete; with submit: true every statutory item is required (422 listing each missing, nothing saved), and a service with windows takes it only inside one (409). 403 for someone not a member of the organisation; 422 for a body that is not a relevant body or a service not on the register.',
      params: AuthorityParams,
      body: DraftBody,
      response: { 201: ChallengeResponse, ...errorResponses(409, 422) },
    }),
    async (request, reply) => {
      const { serviceId, applicant, submit, ...content } = request.body;
      const { authority } = request;
      const challenge = await draftChallenge(ctxOf(request), authority.id, {
        serviceId,
        applicant,
        content,
        submit: submit ?? false,
      });
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/right-to-challenge/${challenge.id}`)
        .send(challengeJson(challenge));
    },
  );

  json.patch(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId",
    api(applicants, {
      operationId: "updateExpressionOfInterest",
      tags: TAGS,
      summary: "Change a draft expression of interest",
      description: "Only its applicant; only the fields given change. 409 once submitted.",
      params: ChallengeParams,
      body: UpdateDraftBody,
      response: answers,
    }),
    async (request) => {
      const { serviceId, coSignatories, ...content } = request.body;
      const challenge = await updateDraft(ctxOf(request), request.authority.id, request.params.challengeId, {
        ...(serviceId !== undefined ? { serviceId } : {}),
        ...(coSignatories !== undefined ? { coSignatories } : {}),
        content,
      });
      return challengeJson(challenge);
    },
  );
}

/** Submitting a draft, and withdrawing an EOI before its decision. */
function submissionRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/submit",
    api(applicants, {
      operationId: "submitExpressionOfInterest",
      tags: TAGS,
      summary: "Submit a draft expression of interest",
      description:
        "422 listing each statutory item missing (nothing submitted); 409 outside the service's published windows or once submitted. The decision falls due the policy's decision period after today.",
      params: ChallengeParams,
      body: "none",
      response: answers,
    }),
    async (request) =>
      challengeJson(await submitChallenge(ctxOf(request), request.authority.id, request.params.challengeId)),
  );

  json.post(
    "/api/v1/authorities/:authorityId/right-to-challenge/:challengeId/withdraw",
    api(applicants, {
      operationId: "withdrawExpressionOfInterest",
      tags: TAGS,
      summary: "Withdraw an expression of interest before its decision",
      description: "Its applicant only. 409 once decided or withdrawn.",
      params: ChallengeParams,
      body: "none",
      response: answers,
    }),
    async (request) =>
      challengeJson(
        await withdrawChallenge(ctxOf(request), request.authority.id, request.params.challengeId),
      ),
  );
}
