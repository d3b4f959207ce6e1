/**
 * The Right to Challenge's policy and windows, as pages: the authority's editors publish the policy
 * and windows for EOIs per service, and remove a window.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { dateParts, NO_DATE, pagesOf, queryField } from "./challenges.presenters.ts";
import { addWindow, policyOf, publishPolicy, removeWindow, serviceChoices } from "./policy.service.ts";

export function policyPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/right-to-challenge/policy", {
    who: authorityEditors,
    template: "challenges/views/policy.njk",
    context: async (request) => ({
      authority: request.authority,
      policy: await policyOf(ctxOf(request), request.authority.id),
    }),
    values: (_request, { policy }) => ({
      decisionPeriodDays: String(policy.decisionPeriodDays),
      minProcurementDays: String(policy.minProcurementDays),
      maxProcurementDays: String(policy.maxProcurementDays),
    }),
    read: (body) => ({
      decisionPeriodDays: field(body, "decisionPeriodDays"),
      minProcurementDays: field(body, "minProcurementDays"),
      maxProcurementDays: field(body, "maxProcurementDays"),
    }),
    submit: async (request, values, { authority }) => {
      await publishPolicy(ctxOf(request), authority.id, values);
      return `${pagesOf(authority)}?notice=policy`;
    },
  });

  formPage(app, "/authorities/:slug/right-to-challenge/windows/new", {
    who: authorityEditors,
    template: "challenges/views/window.njk",
    context: async (request) => ({
      authority: request.authority,
      services: await serviceChoices(ctxOf(request), request.authority.id),
    }),
    values: (request) => ({
      serviceId: queryField(request, "serviceId"),
      opensOn: NO_DATE,
      closesOn: NO_DATE,
    }),
    read: (body) => ({
      serviceId: field(body, "serviceId"),
      opensOn: dateParts(body, "opensOn"),
      closesOn: dateParts(body, "closesOn"),
    }),
    submit: async (request, values, { authority }) => {
      await addWindow(ctxOf(request), authority.id, {
        serviceId: values.serviceId,
        opensOn: dateField(request.body, "opensOn"),
        closesOn: dateField(request.body, "closesOn"),
      });
      return `${pagesOf(authority)}?notice=window#windows`;
    },
  });

  buttonAction(
    app,
    "/authorities/:slug/right-to-challenge/windows/:windowId/remove",
    { who: afterLookup(authorityEditors) },
    async (request: FastifyRequest<{ Params: { windowId: string } }>) => {
      await removeWindow(ctxOf(request), request.authority.id, request.params.windowId);
      return `${pagesOf(request.authority)}?notice=window-removed#windows`;
    },
  );
}
