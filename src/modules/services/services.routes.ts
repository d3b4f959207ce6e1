/**
 * The service register's pages — each authority's register, a service with its option appraisals,
 * the forms to add and change a service and to record an appraisal, the pipeline per authority and
 * nationally — and its JSON API. Each route states who may call it and calls one service; the
 * service decides every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, api, errorResponses, page } from "../../http/routes.ts";
import { longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { collect, panelsContext } from "../../lib/ports.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { authorityEditors } from "../access/policies.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { servicePanels } from "./services.ports.ts";
import type { PipelineRow, ServiceRow } from "./services.repository.ts";
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
  draftAppraisal,
  draftOf,
  organisationChoices,
  PIPELINE_WINDOW_MONTHS,
  pipeline,
  publishAppraisal,
  registerOf,
  type ServiceDraft,
  serviceOf,
  updateService,
} from "./services.service.ts";
import { APPRAISAL_OPTIONS, PROVIDER_TYPES, SERVICE_KINDS, SERVICE_STATUSES } from "./services.table.ts";

interface ServiceFormValues {
  name: string;
  kind: string;
  categoryCode: string;
  providerType: string;
  providerOrganisationId: string;
  annualCost: string;
  contractEnd: { day: string; month: string; year: string };
  status: string;
  description: string;
}

function formValues(body: unknown): ServiceFormValues {
  return {
    name: field(body, "name"),
    kind: field(body, "kind"),
    categoryCode: field(body, "categoryCode"),
    providerType: field(body, "providerType"),
    providerOrganisationId: field(body, "providerOrganisationId"),
    annualCost: field(body, "annualCost"),
    contractEnd: {
      day: field(body, "contractEnd-day"),
      month: field(body, "contractEnd-month"),
      year: field(body, "contractEnd-year"),
    },
    status: field(body, "status"),
    description: field(body, "description"),
  };
}

/** What the service takes from the form: text everywhere, the contract end as YYYY-MM-DD (or null). */
function draftOfForm(v: ServiceFormValues): ServiceDraft & { status: string; description: string } {
  const { day, month, year } = v.contractEnd;
  return {
    name: v.name,
    kind: v.kind,
    categoryCode: v.categoryCode,
    providerType: v.providerType,
    providerOrganisationId: v.providerOrganisationId || null,
    annualCost: v.annualCost,
    contractEnd:
      dateField(
        { "contractEnd-day": day, "contractEnd-month": month, "contractEnd-year": year },
        "contractEnd",
      ) || null,
    status: v.status,
    description: v.description,
  };
}

function valuesOfService(service: ServiceRow): ServiceFormValues {
  const d = draftOf(service);
  const [year, month, day] = (service.contract_end ?? "").split("-");
  return {
    name: d.name,
    kind: d.kind,
    categoryCode: d.categoryCode,
    providerType: d.providerType,
    providerOrganisationId: d.providerOrganisationId ?? "",
    annualCost: formatMoney(service.annual_cost_pence as Pence, { pence: false }),
    contractEnd: {
      day: day ? String(Number(day)) : "",
      month: month ? String(Number(month)) : "",
      year: year ?? "",
    },
    status: d.status,
    description: d.description,
  };
}

/** A service as the pages show it. */
function display(service: ServiceRow) {
  return {
    ...service,
    annualCost: formatMoney(service.annual_cost_pence as Pence, { pence: false }),
    contractEndText: longDate(service.contract_end),
  };
}

function pipelineRows(rows: PipelineRow[]) {
  return rows.map((row) => ({
    ...display(row),
    authorityName: row.authority_name,
    authoritySlug: row.authority_slug,
  }));
}

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

type ServiceRequest = FastifyRequest<{ Params: { slug: string; serviceId: string } }>;

export async function servicesRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps;
  const serviceUrl = (slug: string, id: string) => `/authorities/${slug}/services/${id}`;

  /** What the service form needs besides its values. */
  async function formChoices() {
    const [categories, organisations] = await Promise.all([
      listServiceCategories(db),
      organisationChoices(db),
    ]);
    return {
      categories,
      organisations,
      kinds: SERVICE_KINDS,
      providerTypes: PROVIDER_TYPES,
      statuses: SERVICE_STATUSES,
    };
  }

  // Pages

  app.get("/authorities/:slug/services", page({ who: anyone }), async (request, reply) => {
    const { authority } = request;
    await reply.page("services/views/register.njk", {
      authority,
      services: (await registerOf(ctxOf(request), authority.id)).map(display),
      canEdit: isAuthorityEditor(request.principal, authority.id),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

  formPage(app, "/authorities/:slug/services/new", {
    who: authorityEditors,
    template: "services/views/form.njk",
    context: async ({ authority }) => ({
      authority,
      action: `/authorities/${authority.slug}/services/new`,
      ...(await formChoices()),
    }),
    values: () => formValues({}),
    read: (body) => formValues(body),
    submit: async (request, values) => {
      const service = await createService(ctxOf(request), request.authority.id, draftOfForm(values));
      return `${serviceUrl(request.authority.slug, service.id)}?added=1`;
    },
  });

  app.get(
    "/authorities/:slug/services/:serviceId",
    page({ who: anyone }),
    async (request: ServiceRequest, reply) => {
      const { authority } = request;
      const ctx = ctxOf(request);
      const service = await serviceOf(ctx, authority.id, request.params.serviceId);
      const query = (request.query ?? {}) as Record<string, string>;
      await reply.page("services/views/service.njk", {
        authority,
        service: display(service),
        appraisals: await appraisalsOf(ctx, authority.id, service.id),
        ...panelsContext(
          await collect(servicePanels, db, ctx.clock, { authorityId: authority.id, serviceId: service.id }),
        ),
        canEdit: isAuthorityEditor(request.principal, authority.id),
        notice: query.added
          ? "added"
          : query.updated
            ? "updated"
            : query.appraisal === "drafted" || query.appraisal === "published"
              ? query.appraisal
              : undefined,
      });
    },
  );

  formPage(app, "/authorities/:slug/services/:serviceId/edit", {
    who: authorityEditors,
    template: "services/views/form.njk",
    context: async (request: ServiceRequest) => {
      const { authority } = request;
      const service = await serviceOf(ctxOf(request), authority.id, request.params.serviceId);
      return {
        authority,
        service,
        action: `${serviceUrl(authority.slug, service.id)}/edit`,
        ...(await formChoices()),
      };
    },
    values: (_request, { service }) => valuesOfService(service),
    read: (body) => formValues(body),
    submit: async (request, values, { authority, service }) => {
      await updateService(ctxOf(request), authority.id, service.id, draftOfForm(values));
      return `${serviceUrl(authority.slug, service.id)}?updated=1`;
    },
  });

  formPage(app, "/authorities/:slug/services/:serviceId/appraisals/new", {
    who: authorityEditors,
    template: "services/views/appraisal.njk",
    context: async (request: ServiceRequest) => ({
      authority: request.authority,
      service: await serviceOf(ctxOf(request), request.authority.id, request.params.serviceId),
      options: APPRAISAL_OPTIONS,
    }),
    values: () => ({ options: [] as string[], evidence: "", decision: "", reasons: "" }),
    read: (body) => ({
      options: fieldList(body, "options"),
      evidence: field(body, "evidence"),
      decision: field(body, "decision"),
      reasons: field(body, "reasons"),
    }),
    submit: async (request, values, { authority, service }) => {
      await draftAppraisal(ctxOf(request), authority.id, service.id, values);
      return `${serviceUrl(authority.slug, service.id)}?appraisal=drafted`;
    },
  });

  app.post(
    "/authorities/:slug/services/:serviceId/appraisals/:appraisalId/publish",
    page({ who: authorityEditors }),
    async (request: FastifyRequest<{ Params: { serviceId: string; appraisalId: string } }>, reply) => {
      const { authority } = request;
      const { serviceId, appraisalId } = request.params;
      await publishAppraisal(ctxOf(request), authority.id, serviceId, appraisalId);
      await reply.redirect(`${serviceUrl(authority.slug, serviceId)}?appraisal=published`, 303);
    },
  );

  app.get("/authorities/:slug/pipeline", page({ who: anyone }), async (request, reply) => {
    const result = await pipeline(ctxOf(request), request.authority.id);
    await reply.page("services/views/pipeline.njk", {
      authority: request.authority,
      rows: pipelineRows(result.rows),
      from: longDate(result.from),
      to: longDate(result.to),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

  app.get("/pipeline", page({ who: anyone }), async (request, reply) => {
    const result = await pipeline(ctxOf(request));
    await reply.page("services/views/pipeline.njk", {
      rows: pipelineRows(result.rows),
      from: longDate(result.from),
      to: longDate(result.to),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

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
      { who: authorityEditors, scope: "services:write" },
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
