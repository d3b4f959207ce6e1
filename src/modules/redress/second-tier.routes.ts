/**
 * Which authority is which second-tier body (docs/redress.md, "Second-tier bodies"): the platform
 * administrators' page (/admin/second-tier-bodies) and API (/api/v1/admin/second-tier-bodies…).
 * The rules are in second-tier.service.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { buttonAction, field, formAction } from "../../http/forms.ts";
import { api, errorResponses, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { platformAdmins } from "../access/policies.ts";
import { SECOND_TIER_RULES } from "./regimes.ts";
import {
  PutSecondTierBody,
  SchemeParams,
  SecondTierBodies,
  SecondTierBody,
  ServiceAreaQuery,
} from "./second-tier.schemas.ts";
import {
  removeSecondTierBody,
  type SecondTierBodyRow,
  secondTierBodies,
  setSecondTierBody,
} from "./second-tier.service.ts";

const tags: [string] = ["redress"];
const PAGE = "/admin/second-tier-bodies";
const TEMPLATE = "redress/views/second-tier-bodies.njk";

function record(b: SecondTierBodyRow) {
  return {
    scheme: b.scheme,
    serviceArea: b.service_area,
    authority: { id: b.authority_id, name: b.authority_name, slug: b.authority_slug },
  };
}

export async function secondTierRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  app.get(PAGE, page({ who: platformAdmins }), async (request, reply) => {
    const done = (request.query as { done?: string } | undefined)?.done;
    await reply.page(TEMPLATE, {
      ...(await secondTierBodies(ctxOf(request))),
      values: { scheme: "", serviceArea: "", authorityId: "" },
      done: done === "named" || done === "removed" ? done : null,
      schemeRules: SECOND_TIER_RULES,
      noindex: true,
    });
  });

  formAction(app, PAGE, {
    who: platformAdmins,
    template: TEMPLATE,
    context: async (request) => ({
      ...(await secondTierBodies(ctxOf(request))),
      done: null,
      schemeRules: SECOND_TIER_RULES,
      noindex: true,
    }),
    read: (body) => ({
      scheme: field(body, "scheme"),
      serviceArea: field(body, "serviceArea"),
      authorityId: field(body, "authorityId"),
    }),
    submit: async (request, v) => {
      await setSecondTierBody(ctxOf(request), v.scheme, v);
      return `${PAGE}?done=named`;
    },
  });

  buttonAction(app, `${PAGE}/remove`, { who: platformAdmins }, async (request) => {
    await removeSecondTierBody(
      ctxOf(request),
      field(request.body, "scheme"),
      field(request.body, "serviceArea"),
    );
    return `${PAGE}?done=removed`;
  });

  json.get(
    "/api/v1/admin/second-tier-bodies",
    api(
      { who: platformAdmins, scope: "complaints:read" },
      {
        operationId: "listSecondTierBodies",
        tags,
        summary: "Which authority is which ombudsman, and the adjudicator of each service area",
        response: { 200: SecondTierBodies },
      },
    ),
    async (request) => ({ bodies: (await secondTierBodies(ctxOf(request))).bodies.map(record) }),
  );

  json.put(
    "/api/v1/admin/second-tier-bodies/:scheme",
    api(
      { who: platformAdmins, scope: "complaints:write" },
      {
        operationId: "setSecondTierBody",
        tags,
        summary:
          "Name the verified ombudsman authority that is this scheme (an adjudicator: of a service area)",
        description:
          "Replaces whoever was named. 422 for an authority that is not a verified ombudsman, or is named for another scheme.",
        params: SchemeParams,
        body: PutSecondTierBody,
        response: { 200: SecondTierBody, ...errorResponses(422) },
      },
    ),
    async (request) => record(await setSecondTierBody(ctxOf(request), request.params.scheme, request.body)),
  );

  json.delete(
    "/api/v1/admin/second-tier-bodies/:scheme",
    api(
      { who: platformAdmins, scope: "complaints:write" },
      {
        operationId: "removeSecondTierBody",
        tags,
        summary: "No authority is this scheme (an adjudicator: of the service area given) any more",
        params: SchemeParams,
        querystring: ServiceAreaQuery,
        response: { 204: { type: "null", description: "Removed" } },
      },
    ),
    async (request, reply) => {
      await removeSecondTierBody(ctxOf(request), request.params.scheme, request.query.serviceArea);
      return reply.status(204).send();
    },
  );
}
