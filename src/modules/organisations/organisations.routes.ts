/**
 * The directory of organisations: its pages (organisations.pages.ts) and its JSON API under
 * /api/v1/organisations. Each route states who may call it and calls one service; the services
 * decide every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { organisationRoles, signedIn } from "../access/policies.ts";
import { organisationPages } from "./organisations.pages.ts";
import {
  CreateOrganisationBody,
  DirectoryQuery,
  DirectoryResponse,
  IdParams,
  OrganisationResponse,
  UpdateOrganisationBody,
} from "./organisations.schemas.ts";
import {
  directorySearch,
  type OrganisationProfile,
  organisationProfile,
  otherIs,
} from "./organisations.service.ts";
import { registerOrganisationProfile, updateOrganisationProfile } from "./registration.service.ts";

function toApi(profile: OrganisationProfile): OrganisationResponse {
  const o = profile.organisation;
  const e = profile.evidence;
  return {
    id: o.id,
    name: o.name,
    sector: profile.sector,
    sizeBand: o.size_band,
    staffHeadcount: o.staff_headcount,
    address: { line1: o.address_line1, line2: o.address_line2, town: o.town, postcode: o.postcode },
    description: o.description,
    website: o.website,
    primaryIdentifier: o.primary_identifier,
    identifiers: profile.identifiers.map((i) => ({
      scheme: i.scheme,
      schemeName: i.schemeName,
      identifier: i.identifier,
      orgId: i.orgId,
      primary: i.primary,
      registerUrl: i.url ?? null,
    })),
    areas: profile.areas,
    categories: profile.categories.map((c) => ({
      code: c.code,
      name: c.name,
      cpvCode: c.cpv_code,
      cpvDescription: c.cpv_description,
      lightTouch: c.light_touch,
      reservable: c.reservable,
    })),
    relationships: profile.relationships.map((r) => ({
      id: r.id,
      kind: r.kind,
      otherIs: otherIs(r.kind, r.side),
      organisation: r.other,
    })),
    mutualEvidence: e
      ? {
          qualifies: e.qualifies,
          unmet: e.unmet,
          publicServicePurpose: e.publicServicePurpose,
          lightTouchShareBp: e.lightTouchShareBp,
          profitModel: e.profitModel,
          employeeOwnershipBp: e.employeeOwnershipBp,
          employeeBoardSeats: e.employeeBoardSeats,
          boardSeats: e.boardSeats,
          parentBody: e.parent,
          spinOutDate: e.spinOutDate,
          recordedAt: e.recordedAt.toISOString(),
        }
      : null,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
  };
}

export async function organisationsRoutes(app: FastifyInstance): Promise<void> {
  organisationPages(app);

  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/organisations",
    api(
      { who: anyone },
      {
        operationId: "searchOrganisations",
        tags: ["organisations"],
        summary: "Search the directory of organisations",
        description:
          "Full-text search (and the start of any word) with filters by sector, size band, service category and area; each filter's values are counted under the other filters. Results come in name order, a page at a time: follow `next` and `previous`.",
        querystring: DirectoryQuery,
        response: { 200: DirectoryResponse },
      },
    ),
    async (request) => {
      const q = request.query;
      const { result, mutuals } = await directorySearch(ctxOf(request), {
        q: q.q,
        sectors: q.sector,
        sizeBands: q.sizeBand,
        categories: q.category,
        areas: q.area,
        after: q.after,
        before: q.before,
        pageSize: q.pageSize,
      });
      return {
        total: result.total.count,
        totalIsAtLeast: result.total.atLeast,
        pageSize: result.pageSize,
        next: result.next ?? null,
        previous: result.previous ?? null,
        countedAt: result.countedAt.toISOString(),
        facets: {
          sector: result.facets.sector ?? null,
          sizeBand: result.facets.sizeBand ?? null,
          category: result.facets.category ?? null,
          area: result.facets.area ?? null,
        },
        results: result.results.map((row) => ({
          id: row.id,
          name: row.name,
          sector: row.sector,
          sizeBand: row.size_band,
          staffHeadcount: row.staff_headcount,
          town: row.town,
          postcode: row.postcode,
          primaryIdentifier: row.primary_identifier,
          description: row.description,
          website: row.website,
          profileUrl: `/organisations/${row.id}`,
        })),
        mutuals,
      };
    },
  );

  json.get(
    "/api/v1/organisations/:id",
    api(
      { who: anyone },
      {
        operationId: "getOrganisation",
        tags: ["organisations"],
        summary: "An organisation's public profile",
        params: IdParams,
        response: { 200: OrganisationResponse },
      },
    ),
    async (request) => toApi(await organisationProfile(ctxOf(request), request.params.id)),
  );

  json.post(
    "/api/v1/organisations",
    api(
      { who: signedIn, scope: "organisations:write" },
      {
        operationId: "registerOrganisation",
        tags: ["organisations"],
        summary: "Register an organisation",
        description:
          "Any signed-in person may register an organisation and becomes its administrator. 409 for an identifier another organisation holds.",
        body: CreateOrganisationBody,
        response: { 201: OrganisationResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const profile = await registerOrganisationProfile(ctxOf(request), request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/organisations/${profile.organisation.id}`)
        .send(toApi(profile));
    },
  );

  json.patch(
    "/api/v1/organisations/:id",
    api(
      {
        who: organisationRoles(
          ["organisation-admin"],
          "change this organisation's details",
          "The organisation's administrators",
        ),
        scope: "organisations:write",
      },
      {
        operationId: "updateOrganisation",
        tags: ["organisations"],
        summary: "Change an organisation's details",
        description:
          "Only the fields given change; areas, categories and identifiers given replace the lists. 409 for an identifier another organisation holds.",
        params: IdParams,
        body: UpdateOrganisationBody,
        response: { 200: OrganisationResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      toApi(await updateOrganisationProfile(ctxOf(request), request.params.id, request.body)),
  );
}
