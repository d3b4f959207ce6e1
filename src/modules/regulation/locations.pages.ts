/**
 * A location's page — its registration, ratings, reports and enforcement — and the regulator's forms
 * on it: changing the registration's status, taking enforcement action, resolving an action and
 * cancelling the registration. Each form re-renders the location page with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, formAction } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import {
  cancelRegistration,
  ENFORCEMENT_NAMES,
  ISSUABLE,
  issueEnforcement,
  resolveEnforcement,
} from "./enforcement.service.ts";
import { locationPage } from "./locations.service.ts";
import { decideRegistration } from "./registration.service.ts";
import { PAGE_COMMON, queryText } from "./regulation.pages.ts";
import { regulatorStaffOnRecord } from "./regulation.policies.ts";

type LocationRequest = FastifyRequest<{ Params: { regulatorId: string; locationId: string } }>;

const TEMPLATE = "regulation/views/location.njk";

/** The location page's context: the location, the names of its codes, and what the forms offer. */
async function locationContext(request: LocationRequest) {
  const { regulatorId, locationId } = request.params;
  return {
    ...(await locationPage(ctxOf(request), regulatorId, locationId)),
    ...PAGE_COMMON,
    enforcementKinds: ISSUABLE,
    enforcementNames: ENFORCEMENT_NAMES,
    notice: queryText(request, "notice"),
    values: {},
  };
}

function locationUrl(request: LocationRequest): string {
  return `/regulators/${request.params.regulatorId}/locations/${request.params.locationId}`;
}

export function locationPages(app: FastifyInstance): void {
  app.get(
    "/regulators/:regulatorId/locations/:locationId",
    page({ who: anyone }),
    async (request: LocationRequest, reply) => {
      await reply.page(TEMPLATE, await locationContext(request));
    },
  );

  formAction(app, "/regulators/:regulatorId/locations/:locationId/status", {
    who: regulatorStaffOnRecord("change registrations with this regulator"),
    template: TEMPLATE,
    context: locationContext,
    read: (body) => ({
      form: "status",
      to: field(body, "to"),
      reason: field(body, "reason"),
      conditions: field(body, "conditions"),
    }),
    submit: async (request: LocationRequest, values) => {
      const { regulatorId, locationId } = request.params;
      await decideRegistration(ctxOf(request), regulatorId, locationId, values);
      return `${locationUrl(request)}?notice=status`;
    },
  });

  formAction(app, "/regulators/:regulatorId/locations/:locationId/enforcement", {
    who: regulatorStaffOnRecord("take enforcement action for this regulator"),
    template: TEMPLATE,
    context: locationContext,
    read: (body) => ({ form: "enforcement", kind: field(body, "kind"), details: field(body, "details") }),
    submit: async (request: LocationRequest, values) => {
      const { regulatorId, locationId } = request.params;
      await issueEnforcement(ctxOf(request), regulatorId, locationId, values);
      return `${locationUrl(request)}?notice=enforcement`;
    },
  });

  formAction(app, "/regulators/:regulatorId/locations/:locationId/cancel", {
    who: regulatorStaffOnRecord("cancel registrations with this regulator"),
    template: TEMPLATE,
    context: locationContext,
    read: (body) => ({ form: "cancel", cancelReason: field(body, "cancelReason") }),
    submit: async (request: LocationRequest, values) => {
      const { regulatorId, locationId } = request.params;
      await cancelRegistration(ctxOf(request), regulatorId, locationId, values.cancelReason);
      return `${locationUrl(request)}?notice=cancelled`;
    },
  });

  formAction(app, "/regulators/:regulatorId/locations/:locationId/enforcement/:actionId/resolve", {
    who: regulatorStaffOnRecord("take enforcement action for this regulator"),
    template: TEMPLATE,
    context: locationContext,
    read: (body, request) => ({
      form: `resolve-${(request.params as { actionId: string }).actionId}`,
      resolution: field(body, "resolution"),
    }),
    submit: async (
      request: FastifyRequest<{ Params: { regulatorId: string; locationId: string; actionId: string } }>,
      values,
    ) => {
      const { regulatorId, actionId } = request.params;
      await resolveEnforcement(ctxOf(request), regulatorId, actionId, values.resolution);
      return `${locationUrl(request)}?notice=resolved`;
    },
  });
}
