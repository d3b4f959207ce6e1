/**
 * Reporting and rating a KPI's period: the supplier's people report the result for a period, and
 * its sender may correct the report until it is rated; the authority's commissioners and
 * administrators rate the report, which publishes the rating. Each form re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { contractsCtxOf } from "./contracts.context.ts";
import { forPage } from "./contracts.pages.ts";
import { supplierPeople } from "./contracts.policies.ts";
import { KPI_RATINGS } from "./contracts.table.ts";
import {
  correctionForm,
  correctKpiReport,
  type PeriodForm,
  rateKpi,
  ratingForm,
  reportForm,
  reportKpi,
} from "./kpi-reports.service.ts";

type PeriodRequest = FastifyRequest<{
  Params: { slug: string; contractId: string; position: string; period: string };
}>;

/** The period's place: the contract, the KPI's position and the period's number. */
function periodOf(request: PeriodRequest) {
  const { contractId, position, period } = request.params;
  return [request.authority.id, contractId, Number(position), Number(period)] as const;
}

/** The page's context: the contract, its KPI and the period, as the pages show them. */
function periodContext(request: PeriodRequest, { view, kpi, period }: PeriodForm) {
  const contract = forPage(request, view);
  const shown = contract.kpis.find((k) => k.position === kpi.position);
  return {
    authority: request.authority,
    contract,
    kpi: shown,
    period: shown?.periods.find((p) => p.number === period.number),
  };
}

export function kpiReportPages(app: FastifyInstance): void {
  const period = "/authorities/:slug/contracts/:contractId/kpis/:position/periods/:period";

  formPage(app, `${period}/report`, {
    who: afterLookup(supplierPeople),
    template: "contracts/views/report.njk",
    context: async (request: PeriodRequest) =>
      periodContext(request, await reportForm(ctxOf(request), ...periodOf(request))),
    values: () => ({ value: "", commentary: "" }),
    read: (body) => ({ value: field(body, "value"), commentary: field(body, "commentary") }),
    submit: async (request: PeriodRequest, values, { contract }) => {
      await reportKpi(contractsCtxOf(request), ...periodOf(request), values);
      return `${contract.url}?notice=reported#kpi-${request.params.position}`;
    },
  });

  formPage(app, `${period}/report/correct`, {
    who: afterLookup(supplierPeople),
    template: "contracts/views/report.njk",
    context: async (request: PeriodRequest) => {
      const form = await correctionForm(ctxOf(request), ...periodOf(request));
      return { ...periodContext(request, form), correcting: true, report: form.report };
    },
    values: (_request, { report }) => ({ value: report.value, commentary: report.commentary }),
    read: (body) => ({ value: field(body, "value"), commentary: field(body, "commentary") }),
    submit: async (request: PeriodRequest, values, { contract }) => {
      await correctKpiReport(contractsCtxOf(request), ...periodOf(request), values);
      return `${contract.url}?notice=corrected#kpi-${request.params.position}`;
    },
  });

  formPage(app, `${period}/rating`, {
    who: afterLookup(authorityEditors),
    template: "contracts/views/rate.njk",
    context: async (request: PeriodRequest) => ({
      ...periodContext(request, await ratingForm(ctxOf(request), ...periodOf(request))),
      ratings: KPI_RATINGS,
    }),
    values: () => ({ rating: "", comment: "" }),
    read: (body) => ({ rating: field(body, "rating"), comment: field(body, "comment") }),
    submit: async (request: PeriodRequest, values, { contract }) => {
      await rateKpi(contractsCtxOf(request), ...periodOf(request), values);
      return `${contract.url}?notice=rated#kpi-${request.params.position}`;
    },
  });
}
