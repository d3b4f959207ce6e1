/**
 * The directory's pages: search and filters, profiles, and the forms to register and change an
 * organisation, its mutual evidence and its relationships. Each page states who may see it and
 * calls one service; the services decide every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { londonTime } from "../../lib/london-time.ts";
import { panelsContext } from "../../lib/ports.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, organisationRoles, signedIn } from "../access/policies.ts";
import { mutualEvidencePage, submitMutualEvidenceForm } from "./mutual-evidence.service.ts";
import {
  evidenceFormField,
  evidenceFormValues,
  organisationFormField,
  organisationFormValues,
} from "./organisations.forms.ts";
import {
  DIRECTORY_PAGE_SIZE,
  type DirectoryResult,
  directoryPage,
  otherIs,
  profileView,
  SECTORS,
  SIZE_BANDS,
  UNCONFIRMED,
} from "./organisations.service.ts";
import { RELATIONSHIP_KINDS } from "./organisations.table.ts";
import {
  organisationFormPage,
  registerOrganisationFromForm,
  updateOrganisationFromForm,
} from "./registration.service.ts";
import { addRelationship, relationshipsPage, removeRelationship } from "./relationships.service.ts";

type Params = Record<string, string | string[] | undefined>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** The directory's address with these filters, at a page's key. */
function directoryHref(params: Params, key?: { after?: string; before?: string }): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value ? [value] : []) search.append(name, v);
  }
  if (key?.after) search.set("after", key.after);
  if (key?.before) search.set("before", key.before);
  const qs = search.toString();
  return qs ? `/organisations?${qs}` : "/organisations";
}

/** Previous and next links: pages are read by key, so there are no page numbers to jump to. */
function pagination(result: DirectoryResult, params: Params) {
  if (!result.previous && !result.next) return undefined;
  return {
    previous: result.previous ? { href: directoryHref(params, { before: result.previous }) } : undefined,
    next: result.next ? { href: directoryHref(params, { after: result.next }) } : undefined,
  };
}

/** The directory's search and filters, from the query string. */
function directoryParams(query: unknown) {
  return {
    q: field(query, "q").slice(0, 200),
    sector: fieldList(query, "sector"),
    size: fieldList(query, "size"),
    category: fieldList(query, "category"),
    area: fieldList(query, "area"),
  };
}

const ORG_ADMINS = "The organisation's administrators";
/** A profile's address that is not an id is simply not found (not a 400): it is a page. */
const idOf = (request: IdRequest) => request.params.id;

/** The directory and profiles: public. */
function directoryPages(app: FastifyInstance): void {
  app.get("/organisations", page({ who: anyone }), async (request, reply) => {
    const params = directoryParams(request.query);
    const { result, mutuals, categories, areas } = await directoryPage(ctxOf(request), {
      q: params.q,
      sectors: params.sector,
      sizeBands: params.size,
      categories: params.category,
      areas: params.area,
      after: field(request.query, "after") || undefined,
      before: field(request.query, "before") || undefined,
      pageSize: DIRECTORY_PAGE_SIZE,
    });
    // Counts by value, or null where too many match to count them for each search.
    const counts = (facet: keyof DirectoryResult["facets"]) => {
      const values = result.facets[facet];
      return values ? Object.fromEntries(values.map((row) => [row.value, row.count])) : null;
    };
    await reply.page("organisations/views/directory.njk", {
      params,
      result,
      mutuals,
      filtered:
        params.q !== "" ||
        [params.sector, params.size, params.category, params.area].some((v) => v.length > 0),
      facets: {
        sector: counts("sector"),
        size: counts("sizeBand"),
        category: counts("category"),
        area: counts("area"),
      },
      sectors: SECTORS,
      sizeBands: SIZE_BANDS,
      categories,
      areas,
      unconfirmed: UNCONFIRMED,
      pagination: pagination(result, params),
      countedAt: londonTime(result.countedAt, request.locale),
    });
  });

  app.get("/organisations/:id", page({ who: anyone }), async (request: IdRequest, reply) => {
    const { profile, panels, actsFor, canEdit } = await profileView(ctxOf(request), idOf(request));
    await reply.page("organisations/views/profile.njk", {
      profile,
      ...panelsContext(panels),
      actsFor,
      canEdit,
      registered: field(request.query, "registered") === "1",
      updated: field(request.query, "updated"),
      percent: formatPercent,
      otherIs,
    });
  });
}

/** Registering an organisation (anyone signed in) and changing it (its administrators). */
function registrationPages(app: FastifyInstance): void {
  formPage(app, "/organisations/new", {
    who: signedIn,
    template: "organisations/views/form.njk",
    context: async (request) => {
      const { current: _, ...choices } = await organisationFormPage(ctxOf(request));
      return { ...choices, action: "/organisations/new" };
    },
    values: () => organisationFormValues({}),
    read: (body) => organisationFormValues(body),
    submit: async (request, values) => {
      const organisation = await registerOrganisationFromForm(ctxOf(request), values);
      return `/organisations/${organisation.id}?registered=1`;
    },
    fieldOf: organisationFormField,
  });

  formPage(app, "/organisations/:id/edit", {
    who: organisationRoles(["organisation-admin"], "change this organisation's details", ORG_ADMINS),
    template: "organisations/views/form.njk",
    context: async (request: IdRequest) => {
      const { current, ...choices } = await organisationFormPage(ctxOf(request), idOf(request));
      const id = current?.organisation.id ?? "";
      return {
        ...choices,
        current,
        action: `/organisations/${id}/edit`,
        organisationId: id,
        name: current?.organisation.name,
      };
    },
    values: (_request, { current }) => current?.values ?? organisationFormValues({}),
    read: (body) => organisationFormValues(body),
    submit: async (request, values, { organisationId }) => {
      await updateOrganisationFromForm(ctxOf(request), organisationId, values);
      return `/organisations/${organisationId}?updated=details`;
    },
    fieldOf: organisationFormField,
  });
}

/** A mutual's evidence and an organisation's relationships: its administrators. */
function evidenceAndRelationshipPages(app: FastifyInstance): void {
  formPage(app, "/organisations/:id/evidence", {
    who: organisationRoles(["organisation-admin"], "record this organisation's mutual evidence", ORG_ADMINS),
    template: "organisations/views/evidence.njk",
    context: async (request: IdRequest) => mutualEvidencePage(ctxOf(request), idOf(request)),
    values: (_request, { values }) => values,
    read: (body) => evidenceFormValues(body),
    submit: async (request, values, { organisation }) => {
      await submitMutualEvidenceForm(ctxOf(request), organisation.id, values);
      return `/organisations/${organisation.id}?updated=evidence`;
    },
    fieldOf: evidenceFormField,
  });

  formPage(app, "/organisations/:id/relationships", {
    who: organisationRoles(["organisation-admin"], "record this organisation's relationships", ORG_ADMINS),
    template: "organisations/views/relationships.njk",
    context: async (request: IdRequest) => ({
      ...(await relationshipsPage(ctxOf(request), idOf(request))),
      kinds: RELATIONSHIP_KINDS,
      otherIs,
    }),
    values: () => ({ kind: "", to: "" }),
    read: (body) => ({ kind: field(body, "kind"), to: field(body, "to") }),
    submit: async (request, values, { profile }) => {
      const id = profile.organisation.id;
      await addRelationship(ctxOf(request), { from: id, ...values });
      return `/organisations/${id}/relationships`;
    },
    fieldOf: (name) => (name === "kind" ? "kind" : "to"),
  });

  buttonAction(
    app,
    "/organisations/:id/relationships/:relationshipId/remove",
    {
      who: afterLookup(
        organisationRoles(["organisation-admin"], "change this organisation's relationships", ORG_ADMINS),
      ),
    },
    async (request: FastifyRequest<{ Params: { id: string; relationshipId: string } }>) => {
      const { id, relationshipId } = request.params;
      await removeRelationship(ctxOf(request), id, relationshipId);
      return `/organisations/${id}/relationships`;
    },
  );
}

export function organisationPages(app: FastifyInstance): void {
  directoryPages(app);
  registrationPages(app);
  evidenceAndRelationshipPages(app);
}
