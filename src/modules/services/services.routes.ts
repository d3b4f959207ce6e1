/**
 * The service register's pages — each authority's register, a service with its option appraisals,
 * the forms to add and change a service and to record an appraisal, the pipeline per authority and
 * nationally — and its JSON API. Thin: parse, call the service, render or serialise. Who may do what
 * is decided in services.service.ts from `request.principal`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, fieldList, submitForm } from "../../http/forms.ts";
import { longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { authorityById, authorityBySlug } from "../authorities/verification.service.ts";
import { windowsOf } from "../challenges/challenges.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import type { PipelineRow, ServiceRow } from "./services.repository.ts";
import {
  AuthorityParams,
  CreateServiceBody,
  ErrorResponse,
  PipelineResponse,
  RegisterResponse,
  ServiceParams,
  ServiceResponse,
  UpdateServiceBody,
} from "./services.schemas.ts";
import {
  type AppraisalView,
  appraisalsOf,
  canEditRegister,
  createService,
  draftAppraisal,
  draftOf,
  organisationChoices,
  PIPELINE_WINDOW_MONTHS,
  pipeline,
  publishAppraisal,
  registerOf,
  requireRegisterEditor,
  type ServiceDraft,
  serviceOf,
  updateService,
} from "./services.service.ts";
import { APPRAISAL_OPTIONS, PROVIDER_TYPES, SERVICE_KINDS, SERVICE_STATUSES } from "./services.table.ts";

const hide = { schema: { hide: true } };

/** Dates as people read them; projects.routes.ts takes it from here. */
export { longDate };

/** The contract end from the GOV.UK date input: null when left empty, YYYY-MM-DD (perhaps not real) otherwise. */
function contractEndOf(body: unknown): string | null {
  return dateField(body, "contractEnd") || null;
}

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

function draftFromForm(body: unknown): ServiceDraft & { status: string; description: string } {
  const v = formValues(body);
  return {
    name: v.name,
    kind: v.kind,
    categoryCode: v.categoryCode,
    providerType: v.providerType,
    providerOrganisationId: v.providerOrganisationId || null,
    annualCost: v.annualCost,
    contractEnd: contractEndOf(body),
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

/**
 * Refuses the public and other authorities' staff before the body is validated (401/403, not
 * 400), for API writes under `/api/v1/authorities/:authorityId/…`.
 */
export function editorsFirst(app: FastifyInstance) {
  return async (request: FastifyRequest) => {
    const { authorityId } = request.params as { authorityId: string };
    await requireRegisterEditor(app.deps.db, request.principal, authorityId);
  };
}

export async function servicesRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  type Slug = { Params: { slug: string } };
  type SlugService = { Params: { slug: string; serviceId: string } };

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

  app.get<Slug>("/authorities/:slug/services", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const services = await registerOf(db, authority.id);
    await reply.page("services/views/register.njk", {
      authority,
      services: services.map(display),
      canEdit: canEditRegister(request.principal, authority.id),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

  app.get<Slug>("/authorities/:slug/services/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireRegisterEditor(db, request.principal, authority.id);
    await reply.page("services/views/form.njk", {
      authority,
      action: `/authorities/${authority.slug}/services/new`,
      values: formValues({}),
      ...(await formChoices()),
    });
  });

  app.post<Slug>("/authorities/:slug/services/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireRegisterEditor(db, request.principal, authority.id);
    const context = {
      authority,
      action: `/authorities/${authority.slug}/services/new`,
      values: formValues(request.body),
      ...(await formChoices()),
    };
    await submitForm(reply, "services/views/form.njk", context, async () => {
      const id = await transaction(db, (trx) =>
        createService(trx, clock, request.principal, authority.id, draftFromForm(request.body)),
      );
      return `/authorities/${authority.slug}/services/${id}?added=1`;
    });
  });

  app.get<SlugService>("/authorities/:slug/services/:serviceId", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const service = await serviceOf(db, authority.id, request.params.serviceId);
    const appraisals = await appraisalsOf(db, request.principal, authority.id, service.id);
    const windows = (await windowsOf(db, app.deps.clock, authority.id, service.id)).map((w) => ({
      state: w.state,
      opensText: longDate(w.opens_on),
      closesText: longDate(w.closes_on),
    }));
    const query = (request.query ?? {}) as Record<string, string>;
    await reply.page("services/views/service.njk", {
      authority,
      service: display(service),
      appraisals,
      windows,
      canEdit: canEditRegister(request.principal, authority.id),
      notice: query.added
        ? "added"
        : query.updated
          ? "updated"
          : query.appraisal === "drafted" || query.appraisal === "published"
            ? query.appraisal
            : undefined,
    });
  });

  app.get<SlugService>("/authorities/:slug/services/:serviceId/edit", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireRegisterEditor(db, request.principal, authority.id);
    const service = await serviceOf(db, authority.id, request.params.serviceId);
    await reply.page("services/views/form.njk", {
      authority,
      service,
      action: `/authorities/${authority.slug}/services/${service.id}/edit`,
      values: valuesOfService(service),
      ...(await formChoices()),
    });
  });

  app.post<SlugService>("/authorities/:slug/services/:serviceId/edit", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireRegisterEditor(db, request.principal, authority.id);
    const service = await serviceOf(db, authority.id, request.params.serviceId);
    const context = {
      authority,
      service,
      action: `/authorities/${authority.slug}/services/${service.id}/edit`,
      values: formValues(request.body),
      ...(await formChoices()),
    };
    await submitForm(reply, "services/views/form.njk", context, async () => {
      await transaction(db, (trx) =>
        updateService(trx, clock, request.principal, authority.id, service.id, draftFromForm(request.body)),
      );
      return `/authorities/${authority.slug}/services/${service.id}?updated=1`;
    });
  });

  app.get<SlugService>(
    "/authorities/:slug/services/:serviceId/appraisals/new",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(app.deps.db, request.params.slug);
      await requireRegisterEditor(db, request.principal, authority.id);
      const service = await serviceOf(db, authority.id, request.params.serviceId);
      await reply.page("services/views/appraisal.njk", {
        authority,
        service,
        options: APPRAISAL_OPTIONS,
        values: { options: [], evidence: "", decision: "", reasons: "" },
      });
    },
  );

  app.post<SlugService>(
    "/authorities/:slug/services/:serviceId/appraisals/new",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(app.deps.db, request.params.slug);
      await requireRegisterEditor(db, request.principal, authority.id);
      const service = await serviceOf(db, authority.id, request.params.serviceId);
      const values = {
        options: fieldList(request.body, "options"),
        evidence: field(request.body, "evidence"),
        decision: field(request.body, "decision"),
        reasons: field(request.body, "reasons"),
      };
      const context = { authority, service, options: APPRAISAL_OPTIONS, values };
      await submitForm(reply, "services/views/appraisal.njk", context, async () => {
        await transaction(db, (trx) =>
          draftAppraisal(trx, clock, request.principal, authority.id, service.id, values),
        );
        return `/authorities/${authority.slug}/services/${service.id}?appraisal=drafted`;
      });
    },
  );

  app.post<{ Params: { slug: string; serviceId: string; appraisalId: string } }>(
    "/authorities/:slug/services/:serviceId/appraisals/:appraisalId/publish",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(app.deps.db, request.params.slug);
      await requireRegisterEditor(db, request.principal, authority.id);
      const service = await serviceOf(db, authority.id, request.params.serviceId);
      await transaction(db, (trx) =>
        publishAppraisal(trx, clock, request.principal, authority.id, service.id, request.params.appraisalId),
      );
      await reply.redirect(`/authorities/${authority.slug}/services/${service.id}?appraisal=published`, 303);
    },
  );

  function pipelineRows(rows: PipelineRow[]) {
    return rows.map((row) => ({
      ...display(row),
      authorityName: row.authority_name,
      authoritySlug: row.authority_slug,
    }));
  }

  app.get<Slug>("/authorities/:slug/pipeline", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const result = await pipeline(db, clock, authority.id);
    await reply.page("services/views/pipeline.njk", {
      authority,
      rows: pipelineRows(result.rows),
      from: longDate(result.from),
      to: longDate(result.to),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

  app.get("/pipeline", hide, async (_request, reply) => {
    const result = await pipeline(db, clock);
    await reply.page("services/views/pipeline.njk", {
      rows: pipelineRows(result.rows),
      from: longDate(result.from),
      to: longDate(result.to),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  api.get(
    "/api/v1/authorities/:authorityId/services",
    {
      schema: {
        tags: ["services"],
        summary: "An authority's service register",
        description: "Every service the authority is responsible for, in-house ones included. Public.",
        params: AuthorityParams,
        response: { 200: RegisterResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      const services = await registerOf(db, authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        services: services.map((s) => toApi(s, authority.slug)),
      };
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/services/:serviceId",
    {
      schema: {
        tags: ["services"],
        summary: "A service on an authority's register, with its published option appraisals",
        params: ServiceParams,
        response: { 200: ServiceResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      const service = await serviceOf(db, authority.id, request.params.serviceId);
      const appraisals = await appraisalsOf(db, request.principal, authority.id, service.id);
      return toApi(service, authority.slug, appraisals);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/services",
    {
      schema: {
        tags: ["services"],
        summary: "Add a service to an authority's register",
        description:
          "For the authority's commissioners and administrators (and platform administrators), once the authority is verified. 422 for details that do not fit together, such as a contracted service without a provider or contract end.",
        params: AuthorityParams,
        body: CreateServiceBody,
        response: { 201: ServiceResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        createService(trx, clock, request.principal, authority.id, request.body),
      );
      const service = await serviceOf(db, authority.id, id);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/services/${id}`)
        .send(toApi(service, authority.slug));
    },
  );

  api.patch(
    "/api/v1/authorities/:authorityId/services/:serviceId",
    {
      schema: {
        tags: ["services"],
        summary: "Change a service on an authority's register",
        description: "Only the fields given change; the result is checked whole. Same permissions as adding.",
        params: ServiceParams,
        body: UpdateServiceBody,
        response: { 200: ServiceResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      await transaction(db, (trx) =>
        updateService(trx, clock, request.principal, authority.id, request.params.serviceId, request.body),
      );
      return toApi(await serviceOf(db, authority.id, request.params.serviceId), authority.slug);
    },
  );

  api.get(
    "/api/v1/pipeline",
    {
      schema: {
        tags: ["services"],
        summary: "Contracts ending within the next 18 months, nationally",
        description:
          "Services on every authority's register whose current contract ends between today and 18 months from today, soonest first. plannedProcurement is the latest published commissioning project covering the service, or null. Public.",
        response: { 200: PipelineResponse },
      },
    },
    async () => {
      const result = await pipeline(db, clock);
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
