/**
 * The JSON API of accreditation bodies and standards — bodies (/api/v1/accreditation-bodies), a
 * standard and its versions (/api/v1/standards/{standardId}), accreditations, and a tender's
 * required accreditations — and their pages (standards.pages.ts). Each route calls one service,
 * which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone, platformAdmins, signedIn } from "../access/policies.ts";
import { standardsPages } from "./standards.pages.ts";
import {
  AccreditationParams,
  Accreditation as AccreditationSchema,
  AccreditBody,
  BodiesResponse,
  Body,
  BodyParams,
  ReasonBody,
  RegisterBodyBody,
  RequirementBody,
  RequirementsResponse,
  StandardBody,
  StandardParams,
  StandardResponse,
  StandardSummary,
  TenderParams,
  Version,
  VersionBody,
} from "./standards.schemas.ts";
import {
  type AccreditationView,
  accredit,
  type BodyRow,
  bodiesAndStandards,
  decideAccreditation,
  publishStandard,
  publishVersion,
  registerBody,
  requireAccreditation,
  type StandardRow,
  type StandardVersion,
  standardView,
  tenderRequirements,
} from "./standards.service.ts";

const tags: [string] = ["standards"];

const bodyPeople = afterLookup({
  description:
    "The accreditation body's people (its organisation's people, or its public body's commissioners and administrators)",
  signedIn: true,
  check() {},
});
const tenderEditors = afterLookup({
  description: "The authority's commissioners and administrators, while the tender is a draft",
  signedIn: true,
  check() {},
});

const bodyToApi = (b: BodyRow) => ({
  id: b.id,
  name: b.name,
  organisationId: b.organisation_id,
  publicBodyId: b.public_body_id,
  about: b.about,
  website: b.website,
  registeredAt: b.registered_at.toISOString(),
});
const standardToApi = (s: StandardRow) => ({
  id: s.id,
  bodyId: s.body_id,
  bodyName: s.body_name,
  title: s.title,
  serviceCategory: s.service_category,
});
const versionToApi = (v: StandardVersion) => ({
  version: v.version,
  criteria: v.criteria,
  guidanceUrl: v.guidance_url,
  effectiveOn: v.effective_on,
  publishedAt: v.published_at.toISOString(),
});
const accreditationToApi = (a: AccreditationView) => ({
  id: a.id,
  standardId: a.standard_id,
  organisationId: a.organisation_id,
  organisationName: a.organisation_name,
  state: a.state,
  grantedOn: a.granted_on,
  expiresOn: a.expires_on,
  reason: a.reason,
  decidedAt: a.decided_at.toISOString(),
});

export async function standardsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/accreditation-bodies",
    api(
      { who: anyone },
      {
        operationId: "listAccreditationBodies",
        tags,
        summary: "Accreditation bodies and the standards each publishes",
        response: { 200: BodiesResponse },
      },
    ),
    async (request) => {
      const view = await bodiesAndStandards(ctxOf(request));
      return {
        bodies: view.bodies.map((b) => ({ ...bodyToApi(b), standards: b.standards.map(standardToApi) })),
      };
    },
  );

  json.post(
    "/api/v1/accreditation-bodies",
    api(
      { who: platformAdmins, scope: "standards:write" },
      {
        operationId: "registerAccreditationBody",
        tags,
        summary: "Register an organisation of the directory or a public body as an accreditation body",
        description: "Name exactly one of organisationId and publicBodyId. 409 when it is a body already.",
        body: RegisterBodyBody,
        response: { 201: Body, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      reply.code(201);
      return bodyToApi(await registerBody(ctxOf(request), request.body));
    },
  );

  json.post(
    "/api/v1/accreditation-bodies/:bodyId/standards",
    api(
      { who: bodyPeople, scope: "standards:write" },
      {
        operationId: "publishStandard",
        tags,
        summary: "Publish a standard for a service type, as its version 1",
        description:
          "422 when it would take effect before today; 409 when the body has a standard of that title.",
        params: BodyParams,
        body: StandardBody,
        response: { 201: StandardSummary, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      reply.code(201);
      return standardToApi(await publishStandard(ctxOf(request), request.params.bodyId, request.body));
    },
  );

  json.get(
    "/api/v1/standards/:standardId",
    api(
      { who: anyone },
      {
        operationId: "getStandard",
        tags,
        summary: "A standard: its version in force, every version, and the providers accredited against it",
        params: StandardParams,
        response: { 200: StandardResponse },
      },
    ),
    async (request) => {
      const v = await standardView(ctxOf(request), request.params.standardId);
      return {
        standard: standardToApi(v.standard),
        current: v.current ? versionToApi(v.current) : null,
        versions: v.versions.map(versionToApi),
        accreditations: v.accreditations.map(accreditationToApi),
      };
    },
  );

  json.post(
    "/api/v1/standards/:standardId/versions",
    api(
      { who: bodyPeople, scope: "standards:write" },
      {
        operationId: "publishStandardVersion",
        tags,
        summary: "Publish a standard's next version",
        description: "422 when it would take effect before today or before the version it follows.",
        params: StandardParams,
        body: VersionBody,
        response: { 201: Version, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      reply.code(201);
      return versionToApi(await publishVersion(ctxOf(request), request.params.standardId, request.body));
    },
  );

  json.post(
    "/api/v1/standards/:standardId/accreditations",
    api(
      { who: bodyPeople, scope: "standards:write" },
      {
        operationId: "accreditProvider",
        tags,
        summary: "Accredit a provider against the standard until an expiry date, or grant it again",
        description:
          "The accreditation holds through its expiry date and is expired from the day after. Granting it again renews it, or reinstates it after a suspension or withdrawal. 422 for an expiry date not after today.",
        params: StandardParams,
        body: AccreditBody,
        response: { 200: AccreditationSchema, ...errorResponses(422) },
      },
    ),
    async (request) =>
      accreditationToApi(await accredit(ctxOf(request), request.params.standardId, request.body)),
  );

  for (const [decision, verb] of [
    ["suspended", "suspend"],
    ["withdrawn", "withdraw"],
  ] as const)
    json.post(
      `/api/v1/accreditations/:accreditationId/${verb}`,
      api(
        { who: bodyPeople, scope: "standards:write" },
        {
          operationId: `${verb}Accreditation`,
          tags,
          summary: `${verb === "suspend" ? "Suspend a current" : "Withdraw an"} accreditation, with the reason`,
          description:
            verb === "suspend"
              ? "409 unless it is current. Granting it again lifts the suspension."
              : "409 when it is withdrawn already.",
          params: AccreditationParams,
          body: ReasonBody,
          response: { 200: AccreditationSchema, ...errorResponses(409) },
        },
      ),
      async (request) =>
        accreditationToApi(
          await decideAccreditation(ctxOf(request), request.params.accreditationId, decision, request.body),
        ),
    );

  json.get(
    "/api/v1/authorities/:authorityId/tenders/:tenderId/accreditation-requirements",
    api(
      { who: signedIn, scope: "tenders:read" },
      {
        operationId: "getTenderAccreditationRequirements",
        tags,
        summary: "The accreditations a tender requires of its bidders",
        params: TenderParams,
        response: { 200: RequirementsResponse },
      },
    ),
    async (request) => {
      const v = await tenderRequirements(ctxOf(request), request.params.authorityId, request.params.tenderId);
      return { required: v.required.map(standardToApi) };
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/tenders/:tenderId/accreditation-requirements",
    api(
      { who: tenderEditors, scope: "tenders:write" },
      {
        operationId: "requireTenderAccreditation",
        tags,
        summary: "Require a current accreditation against a standard of every bidder",
        description:
          "A bid from an organisation without a current accreditation against it is refused (422). 409 once the tender is published.",
        params: TenderParams,
        body: RequirementBody,
        response: { 200: RequirementsResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { authorityId, tenderId } = request.params;
      const v = await requireAccreditation(ctxOf(request), authorityId, tenderId, request.body);
      return { required: v.required.map(standardToApi) };
    },
  );

  standardsPages(app);
}
