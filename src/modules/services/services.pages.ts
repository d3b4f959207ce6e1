import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { type Language, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { collect, panelsContext } from "../../lib/ports.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { serviceControllers, servicePanels } from "./services.ports.ts";
import type { PipelineRow, ServiceRow } from "./services.repository.ts";
import {
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
  serviceToChange,
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
function display(service: ServiceRow, locale: Language) {
  return {
    ...service,
    annualCost: formatMoney(service.annual_cost_pence as Pence, { pence: false }),
    contractEndText: longDate(service.contract_end, locale),
  };
}

function pipelineRows(rows: PipelineRow[], locale: Language) {
  return rows.map((row) => ({
    ...display(row, locale),
    authorityName: row.authority_name,
    authoritySlug: row.authority_slug,
  }));
}

type ServiceRequest = FastifyRequest<{ Params: { slug: string; serviceId: string } }>;

export function servicesPages(app: FastifyInstance): void {
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
    const ctx = ctxOf(request);
    const controllers = Object.assign(
      {},
      ...(await collect(serviceControllers, db, ctx.clock, authority.id)),
    );
    await reply.page("services/views/register.njk", {
      authority,
      services: (await registerOf(ctx, authority.id)).map((item) => ({
        ...display(item, request.locale),
        controlledBy: (controllers[item.id] ?? []) as string[],
      })),
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
        service: display(service, request.locale),
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
    who: afterLookup(authorityEditors),
    template: "services/views/form.njk",
    context: async (request: ServiceRequest) => {
      const { authority } = request;
      const service = await serviceToChange(ctxOf(request), authority.id, request.params.serviceId);
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
    who: afterLookup(authorityEditors),
    template: "services/views/appraisal.njk",
    context: async (request: ServiceRequest) => ({
      authority: request.authority,
      service: await serviceToChange(ctxOf(request), request.authority.id, request.params.serviceId),
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

  buttonAction(
    app,
    "/authorities/:slug/services/:serviceId/appraisals/:appraisalId/publish",
    { who: afterLookup(authorityEditors) },
    async (request: FastifyRequest<{ Params: { serviceId: string; appraisalId: string } }>) => {
      const { authority } = request;
      const { serviceId, appraisalId } = request.params;
      await publishAppraisal(ctxOf(request), authority.id, serviceId, appraisalId);
      return `${serviceUrl(authority.slug, serviceId)}?appraisal=published`;
    },
  );

  pipelinePages(app);
}

/** The pipeline of contracts ending soon, per authority and nationally. */
function pipelinePages(app: FastifyInstance): void {
  app.get("/authorities/:slug/pipeline", page({ who: anyone }), async (request, reply) => {
    const result = await pipeline(ctxOf(request), request.authority.id);
    await reply.page("services/views/pipeline.njk", {
      authority: request.authority,
      rows: pipelineRows(result.rows, request.locale),
      from: longDate(result.from, request.locale),
      to: longDate(result.to, request.locale),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });

  app.get("/pipeline", page({ who: anyone }), async (request, reply) => {
    const result = await pipeline(ctxOf(request));
    await reply.page("services/views/pipeline.njk", {
      rows: pipelineRows(result.rows, request.locale),
      from: longDate(result.from, request.locale),
      to: longDate(result.to, request.locale),
      windowMonths: PIPELINE_WINDOW_MONTHS,
    });
  });
}
