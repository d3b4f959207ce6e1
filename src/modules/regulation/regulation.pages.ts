/**
 * Regulation's pages about regulators: every regulator with its regime, a regulator's register, the
 * staff's regime form and the application to register a location. What every regulation page shows
 * besides (the rating scale, the key questions, dates as people read them) is here too. Each route
 * states who may call it and calls one service; the service decides every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { londonDate } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import { regimeForm, regulatorPage, regulatorsPage, setRegime } from "./regimes.service.ts";
import { applicationForm, applyForRegistration } from "./registration.service.ts";
import { regulatorApplicants, regulatorStaff } from "./regulation.policies.ts";
import { periodEndText } from "./regulation.service.ts";
import { CAPACITY_UNITS, KEY_QUESTIONS, RATINGS } from "./regulation.table.ts";

/**
 * What every regulation page may show: the scale, the key questions, dates as people read them
 * (`longDate` in the page's language is the layout's).
 */
export const PAGE_COMMON = {
  ratings: RATINGS,
  keyQuestions: KEY_QUESTIONS,
  periodEndText,
  londonDate,
};

/** One value of the query string, trimmed ("" when absent). */
export function queryText(request: FastifyRequest, name: string): string {
  const v = ((request.query ?? {}) as Record<string, unknown>)[name];
  return typeof v === "string" ? v.trim() : Array.isArray(v) ? String(v[0] ?? "").trim() : "";
}

export type RegulatorRequest = FastifyRequest<{ Params: { regulatorId: string } }>;

function applicationValues(body: unknown) {
  return {
    organisationId: field(body, "organisationId"),
    name: field(body, "name"),
    addressLine1: field(body, "addressLine1"),
    town: field(body, "town"),
    postcode: field(body, "postcode"),
    areaCode: field(body, "areaCode"),
    capacity: field(body, "capacity"),
    capacityUnit: field(body, "capacityUnit"),
    registeredManager: field(body, "registeredManager"),
    serviceTypes: fieldList(body, "serviceTypes"),
    activities: fieldList(body, "activities"),
  };
}

function regimeValues(body: unknown) {
  return {
    serviceTypes: fieldList(body, "serviceTypes"),
    activities: fieldList(body, "activities"),
    reinspectionMonths: field(body, "reinspectionMonths"),
    factualAccuracyWorkingDays: field(body, "factualAccuracyWorkingDays"),
    representationDays: field(body, "representationDays"),
  };
}

export function regulatorPages(app: FastifyInstance): void {
  app.get("/regulators", page({ who: anyone }), async (request, reply) => {
    await reply.page("regulation/views/regulators.njk", { ...(await regulatorsPage(ctxOf(request))) });
  });

  app.get("/regulators/:regulatorId", page({ who: anyone }), async (request: RegulatorRequest, reply) => {
    const view = await regulatorPage(ctxOf(request), request.params.regulatorId);
    await reply.page("regulation/views/regulator.njk", { ...view, ...PAGE_COMMON });
  });

  formPage(app, "/regulators/:regulatorId/regime", {
    who: regulatorStaff("change this regulator's regime"),
    template: "regulation/views/regime.njk",
    context: async (request: RegulatorRequest) => ({
      ...(await regimeForm(ctxOf(request), request.params.regulatorId)),
    }),
    values: (_request, { regime }) => ({
      serviceTypes: regime.serviceTypes,
      activities: regime.activities,
      reinspectionMonths: String(regime.reinspectionMonths),
      factualAccuracyWorkingDays: String(regime.factualAccuracyWorkingDays),
      representationDays: String(regime.representationDays),
    }),
    read: (body) => regimeValues(body),
    submit: async (request, values, { regulator }) => {
      await setRegime(ctxOf(request), regulator.id, values);
      return `/regulators/${regulator.id}?notice=regime`;
    },
  });

  formPage(app, "/regulators/:regulatorId/registrations/new", {
    who: regulatorApplicants,
    template: "regulation/views/apply.njk",
    context: async (request: RegulatorRequest) => ({
      ...(await applicationForm(ctxOf(request), request.params.regulatorId)),
      capacityUnits: CAPACITY_UNITS,
    }),
    values: (request) => applicationValues({ organisationId: queryText(request, "organisation") }),
    read: (body) => applicationValues(body),
    submit: async (request, values, { regulator }) => {
      const view = await applyForRegistration(ctxOf(request), regulator.id, values);
      return `/regulators/${regulator.id}/locations/${view.location.id}?notice=applied`;
    },
  });
}
