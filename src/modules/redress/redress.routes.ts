/**
 * Complaints' JSON API, and their pages (redress.pages.ts). A route that names a complaint asks
 * only for sign-in (`afterLookup`): the services decide — 404 for what the caller may not see, then
 * 403, then 409. Reads need `complaints:read`, writes `complaints:write`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { appealsRoutes } from "./appeals.routes.ts";
import { commissioningRoutes } from "./commissioning.routes.ts";
import { redressPages } from "./redress.pages.ts";
import { complaintsOfficers, providerPeople } from "./redress.policies.ts";
import { complaintRecord } from "./redress.records.ts";
import {
  BodyComplaints,
  BodyQuery,
  Complaint,
  ComplaintList,
  ComplaintParams,
  ExplainBody,
  ExtendBody,
  LateDecisionBody,
  MakeComplaintBody,
  OrganisationParams,
  PageQuery,
  RespondBody,
} from "./redress.schemas.ts";
import {
  acceptResponse,
  acknowledgeComplaint,
  askNextStage,
  type BodyPage,
  bodyComplaints,
  complaintOf,
  complaintPath,
  decideLate,
  explainDelay,
  extendComplaint,
  makeComplaint,
  respondToComplaint,
  yourComplaints,
} from "./redress.service.ts";
import { secondTierRoutes } from "./second-tier.routes.ts";

const tags: [string] = ["redress"];
const who = afterLookup(signedIn);

/** A complaint's page (the service's `complaintPath`). */
export const complaintUrl = complaintPath;

function bodyRecords(page: BodyPage) {
  return {
    complaints: page.rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      authorityId: r.authority_id,
      regime: r.regime,
      stage: r.stage,
      status: r.status,
      receivedOn: r.received_on,
      nextDueOn: r.next_due_on,
      state: r.state,
      pageUrl: complaintUrl(r),
    })),
    next: page.next,
  };
}

export async function redressRoutes(app: FastifyInstance): Promise<void> {
  redressPages(app);
  await commissioningRoutes(app);
  await appealsRoutes(app);
  await secondTierRoutes(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const one = "/api/v1/authorities/:authorityId/complaints/:complaintId";

  json.post(
    "/api/v1/complaints",
    api(
      { who: signedIn, scope: "complaints:write" },
      {
        operationId: "makeComplaint",
        tags,
        summary: "Make a complaint about a provider or a public body",
        description:
          "For yourself, for a person you act for in care with the complain grant, or as a member of the public. Routed to the body that answers first: the provider, or the commissioning authority where the provider is under contract or arrangement with it and you prefer it (preferCommissioner). authorityId: the public body complained about, or for a provider the council or NHS body for the area where the service was received. Consent to share the complaint with the body is required.",
        body: MakeComplaintBody,
        response: { 201: Complaint },
      },
    ),
    async (request, reply) => {
      const c = await makeComplaint(ctxOf(request), request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${c.authority_id}/complaints/${c.id}`)
        .send(complaintRecord(c));
    },
  );

  json.get(
    "/api/v1/me/complaints",
    api(
      { who: signedIn, scope: "complaints:read" },
      {
        operationId: "listYourComplaints",
        tags,
        summary: "Your complaints, with every deadline",
        description:
          "Those you made, and those about the people you act for with the complain grant; newest first, a page at a time.",
        querystring: PageQuery,
        response: { 200: ComplaintList },
      },
    ),
    async (request) => {
      const page = await yourComplaints(ctxOf(request), request.query);
      return { complaints: page.rows.map(complaintRecord), next: page.next };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/complaints",
    api(
      { who: complaintsOfficers, scope: "complaints:read" },
      {
        operationId: "listAuthorityComplaints",
        tags,
        summary: "The complaints an authority answers, newest first, a page at a time",
        params: AuthorityParams,
        querystring: BodyQuery,
        response: { 200: BodyComplaints },
      },
    ),
    async (request) =>
      bodyRecords(await bodyComplaints(ctxOf(request), { authorityId: request.authority.id }, request.query)),
  );

  json.get(
    "/api/v1/organisations/:id/complaints",
    api(
      { who: providerPeople, scope: "complaints:read" },
      {
        operationId: "listProviderComplaints",
        tags,
        summary: "The complaints a provider answers, newest first, a page at a time",
        params: OrganisationParams,
        querystring: BodyQuery,
        response: { 200: BodyComplaints },
      },
    ),
    async (request) =>
      bodyRecords(await bodyComplaints(ctxOf(request), { organisationId: request.params.id }, request.query)),
  );

  json.get(
    one,
    api(
      { who, scope: "complaints:read" },
      {
        operationId: "getComplaint",
        tags,
        summary: "A complaint, with every deadline",
        description: "Its complainant's side and the answering body's people only.",
        params: ComplaintParams,
        response: { 200: Complaint },
      },
    ),
    async (request) =>
      complaintRecord(await complaintOf(ctxOf(request), request.authority.id, request.params.complaintId)),
  );

  json.post(
    `${one}/explain`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "explainComplaintDelay",
        tags,
        summary:
          "The body explains why the response comes after the period (NHS and adult social care's 6 months), before it responds",
        params: ComplaintParams,
        body: ExplainBody,
        response: { 200: Complaint, ...errorResponses(409) },
      },
    ),
    async (request) =>
      complaintRecord(
        await explainDelay(ctxOf(request), request.authority.id, request.params.complaintId, request.body),
      ),
  );

  json.post(
    `${one}/late-decision`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "decideLateComplaint",
        tags,
        summary:
          "The body considers a complaint made after the time limit (waived) or declines it, with its reason",
        params: ComplaintParams,
        body: LateDecisionBody,
        response: { 200: Complaint, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      complaintRecord(
        await decideLate(ctxOf(request), request.authority.id, request.params.complaintId, request.body),
      ),
  );

  json.post(
    `${one}/acknowledge`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "acknowledgeComplaint",
        tags,
        summary: "The body acknowledges the complaint's current stage",
        params: ComplaintParams,
        body: "none",
        response: { 200: Complaint, ...errorResponses(409) },
      },
    ),
    async (request) =>
      complaintRecord(
        await acknowledgeComplaint(ctxOf(request), request.authority.id, request.params.complaintId),
      ),
  );

  json.post(
    `${one}/extend`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "extendComplaint",
        tags,
        summary: "The body extends the answer's deadline, with a reason the complainant is told",
        description:
          "422 with the rule's refusal: not extendable, not later, too long (the furthest day), period ended.",
        params: ComplaintParams,
        body: ExtendBody,
        response: { 200: Complaint, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      complaintRecord(
        await extendComplaint(ctxOf(request), request.authority.id, request.params.complaintId, request.body),
      ),
  );

  json.post(
    `${one}/respond`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "respondToComplaint",
        tags,
        summary: "The body answers the current stage: finding, response, remedy offered",
        description:
          "403 for the person who considered the stage before, where the stage must be considered by someone else. The explanation is required once an NHS or adult social care response period has ended.",
        params: ComplaintParams,
        body: RespondBody,
        response: { 200: Complaint, ...errorResponses(409) },
      },
    ),
    async (request) =>
      complaintRecord(
        await respondToComplaint(
          ctxOf(request),
          request.authority.id,
          request.params.complaintId,
          request.body,
        ),
      ),
  );

  json.post(
    `${one}/accept`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "acceptComplaintResponse",
        tags,
        summary: "The complainant accepts the answer: the complaint is closed",
        params: ComplaintParams,
        body: "none",
        response: { 200: Complaint, ...errorResponses(409) },
      },
    ),
    async (request) =>
      complaintRecord(
        await acceptResponse(ctxOf(request), {
          authorityId: request.authority.id,
          complaintId: request.params.complaintId,
        }),
      ),
  );

  json.post(
    `${one}/next-stage`,
    api(
      { who, scope: "complaints:write" },
      {
        operationId: "askComplaintNextStage",
        tags,
        summary: "The complainant asks for the next stage of the body's procedure",
        params: ComplaintParams,
        body: "none",
        response: { 200: Complaint, ...errorResponses(409) },
      },
    ),
    async (request) =>
      complaintRecord(
        await askNextStage(ctxOf(request), {
          authorityId: request.authority.id,
          complaintId: request.params.complaintId,
        }),
      ),
  );
}
