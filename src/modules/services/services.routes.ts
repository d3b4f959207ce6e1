/**
 * The service register's JSON API (/api/v1/authorities/:authorityId/services, /api/v1/pipeline),
 * and its pages (services.pages.ts). Each route states who may call it and calls one service; the
 * service decides every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { servicesPages } from "./services.pages.ts";
import type { ServiceRow } from "./services.repository.ts";
import {
  AuthorityParams,
  CreateServiceBody,
  PipelineResponse,
  RegisterResponse,
  ServiceParams,
  ServiceResponse,
  UpdateServiceBody,
} from "./services.schemas.ts";
import {
  type AppraisalView,
  appraisalsOf,
  createService,
  PIPELINE_WINDOW_MONTHS,
  pipeline,
  registerOf,
  serviceOf,
  updateService,
} from "./services.service.ts";

function toApi(service: ServiceRow, slug: string, appraisals?: AppraisalView[]): ServiceResponse {
  return {
    id: service.id,
    authorityId: service.authority_id,
    name: service.name,
    kind: service.kind,
    category: { code: service.category_code, name: service.category_name, cpvCode: service.cpv_code },
    providerType: service.provider_type,
    provider:
      service.provider_organisation_id && service.provider_name
        ? { id: service.provider_organisation_id, name: service.provider_name }
        : null,
    annualCostPence: service.annual_cost_pence.toString(),
    annualCost: formatMoney(service.annual_cost_pence as Pence),
    contractEnd: service.contract_end,
    status: service.status,
    description: service.description,
    ...(appraisals
      ? {
          appraisals: appraisals.map((a) => ({
            id: a.id,
            status: a.status,
            options: a.options,
            evidence: a.evidence,
            decision: a.decision,
            reasons: a.reasons,
            current: a.current,
            superseded: a.superseded,
            publishedAt: a.published_at ? a.published_at.toISOString() : null,
          })),
        }
      : {}),
    pageUrl: `/authorities/${slug}/services/${service.id}`,
    createdAt: service.created_at.toISOString(),
    updatedAt: service.updated_at.toISOString(),
  };
}

export async function servicesRoutes(app: FastifyInstance): Promise<void> {
  servicesPages(app);

  // The JSON API

  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/authorities/:authorityId/services",
    api(
      { who: anyone },
      {
        operationId: "listServices",
        tags: ["services"],
        summary: "An authority's service register",
        description: "Every service the authority is responsible for, in-house ones included.",
        params: AuthorityParams,
        response: { 200: RegisterResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const services = await registerOf(ctxOf(request), authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        services: services.map((s) => toApi(s, authority.slug)),
      };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/services/:serviceId",
    api(
      { who: anyone },
      {
        operationId: "getService",
        tags: ["services"],
        summary: "A service on an authority's register, with its published option appraisals",
        params: ServiceParams,
        response: { 200: ServiceResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const ctx = ctxOf(request);
      const service = await serviceOf(ctx, authority.id, request.params.serviceId);
      return toApi(service, authority.slug, await appraisalsOf(ctx, authority.id, service.id));
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/services",
    api(
      { who: authorityEditors, scope: "services:write" },
      {
        operationId: "createService",
        tags: ["services"],
        summary: "Add a service to an authority's register",
        description:
          "422 for details that do not fit together, such as a contracted service without a provider or contract end.",
        params: AuthorityParams,
        body: CreateServiceBody,
        response: { 201: ServiceResponse, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const { authority } = request;
      const service = await createService(ctxOf(request), authority.id, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/services/${service.id}`)
        .send(toApi(service, authority.slug));
    },
  );

  json.patch(
    "/api/v1/authorities/:authorityId/services/:serviceId",
    api(
      { who: afterLookup(authorityEditors), scope: "services:write" },
      {
        operationId: "updateService",
        tags: ["services"],
        summary: "Change a service on an authority's register",
        description: "Only the fields given change; the result is checked whole.",
        params: ServiceParams,
        body: UpdateServiceBody,
        response: { 200: ServiceResponse, ...errorResponses(422) },
      },
    ),
    async (request) => {
      const { authority } = request;
      return toApi(
        await updateService(ctxOf(request), authority.id, request.params.serviceId, request.body),
        authority.slug,
      );
    },
  );

  pipelineApi(app);
}

/** The national pipeline of contracts ending soon. */
function pipelineApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.get(
    "/api/v1/pipeline",
    api(
      { who: anyone },
      {
        operationId: "listPipeline",
        tags: ["services"],
        summary: "Contracts ending within the next 18 months, nationally",
        description:
          "Services on every authority's register whose current contract ends between today and 18 months from today, soonest first. plannedProcurement is the latest published commissioning project covering the service, or null.",
        response: { 200: PipelineResponse },
      },
    ),
    async (request) => {
      const result = await pipeline(ctxOf(request));
      return {
        from: result.from,
        to: result.to,
        windowMonths: PIPELINE_WINDOW_MONTHS,
        services: result.rows.map((row) => ({
          service: toApi(row, row.authority_slug),
          authority: { id: row.authority_id, name: row.authority_name, slug: row.authority_slug },
          // The latest published commissioning project covering the service.
          plannedProcurement: row.planned_project_id
            ? {
                id: row.planned_project_id,
                title: row.planned_project_title ?? "",
                ocid: row.planned_project_ocid ?? "",
                pageUrl: `/authorities/${row.authority_slug}/projects/${row.planned_project_id}`,
              }
            : null,
        })),
      };
    },
  );
}
