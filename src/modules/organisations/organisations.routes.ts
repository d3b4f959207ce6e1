/**
 * The directory of organisations: its public pages (search and filters, profiles), the forms to
 * register and change an organisation, its relationships and mutual evidence, and the JSON API under
 * /api/v1/organisations. Thin: parse, call the service, render or serialise. Who may do what is
 * decided in the service, from `request.principal`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { formErrors } from "../../http/forms.ts";
import {
  ConflictError,
  type FieldError,
  NotSignedInError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { collect, panelsContext } from "../../lib/ports.ts";
import { hasRole, isPlatformAdmin, requireRole, requireSignedIn } from "../access/access.service.ts";
import { listAuthorities } from "../authorities/authorities.service.ts";
import { listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import { IDENTIFIER_SCHEMES } from "./identifiers.ts";
import {
  basisPointsToPercent,
  type EvidenceFormValues,
  evidenceFormField,
  evidenceFormValues,
  evidenceInput,
  type FormBody,
  list,
  type OrganisationFormValues,
  organisationFormField,
  organisationFormValues,
  organisationInput,
  text,
} from "./organisations.forms.ts";
import { profilePanels } from "./organisations.ports.ts";
import {
  CreateOrganisationBody,
  DirectoryQuery,
  DirectoryResponse,
  ErrorResponse,
  IdParams,
  OrganisationResponse,
  UpdateOrganisationBody,
} from "./organisations.schemas.ts";
import {
  addRelationship,
  DIRECTORY_PAGE_SIZE,
  type DirectoryResult,
  mutualEvidenceProblems,
  mutualSummary,
  type OrganisationProfile,
  organisationDetailProblems,
  organisationNames,
  organisationProfile,
  recordMutualEvidence,
  registerOrganisation,
  removeRelationship,
  searchDirectory,
  UNCONFIRMED,
  updateOrganisation,
} from "./organisations.service.ts";
import {
  PROFIT_MODELS,
  RELATIONSHIP_KINDS,
  type RelationshipKind,
  SECTORS,
  SIZE_BANDS,
} from "./organisations.table.ts";

const hide = { schema: { hide: true } };

/** What the other organisation is to this one, by kind and side (the inverse wording). */
export function otherIs(kind: RelationshipKind, side: "from" | "to") {
  const words = {
    "parent-body": ["parent-body", "spin-out"],
    subsidiary: ["parent-company", "subsidiary"],
    "group-member": ["group", "group-member"],
    "joint-venture": ["joint-venture-partner", "joint-venture-partner"],
  } as const;
  return words[kind][side === "from" ? 0 : 1];
}

/** A YYYY-MM-DD date as people read it: 1 April 2013. */
function longDate(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${iso}T00:00:00Z`));
}

function query(request: FastifyRequest): FormBody {
  return (request.query ?? {}) as FormBody;
}

function body(request: FastifyRequest): FormBody {
  const value = request.body;
  return value && typeof value === "object" ? (value as FormBody) : {};
}

function canAdminister(request: FastifyRequest, organisationId: string): boolean {
  return (
    isPlatformAdmin(request.principal) || hasRole(request.principal, "organisation-admin", organisationId)
  );
}

/** The directory's address with these filters and page. */
function directoryHref(params: Record<string, string | string[] | undefined>, page?: number): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value ? [value] : []) search.append(name, v);
  }
  if (page && page > 1) search.set("page", String(page));
  const qs = search.toString();
  return qs ? `/organisations?${qs}` : "/organisations";
}

function pagination(result: DirectoryResult, params: Record<string, string | string[] | undefined>) {
  if (result.pageCount <= 1) return undefined;
  const pages: number[] = [];
  for (let p = 1; p <= result.pageCount; p++) {
    if (p === 1 || p === result.pageCount || Math.abs(p - result.page) <= 1) pages.push(p);
  }
  const items: Record<string, unknown>[] = [];
  pages.forEach((p, index) => {
    if (index > 0 && p - (pages[index - 1] ?? p) > 1) items.push({ ellipsis: true });
    items.push({ number: p, href: directoryHref(params, p), current: p === result.page });
  });
  return {
    previous: result.page > 1 ? { href: directoryHref(params, result.page - 1) } : undefined,
    next: result.page < result.pageCount ? { href: directoryHref(params, result.page + 1) } : undefined,
    items,
  };
}

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

/** Re-renders a form with its errors: 400 for fields at fault, 409/422 for the state or combination. */
async function formProblem(
  error: unknown,
  render: (problems: readonly FieldError[], status: number) => Promise<void>,
): Promise<void> {
  if (
    error instanceof ValidationError ||
    error instanceof UnprocessableError ||
    error instanceof ConflictError
  ) {
    const problems = error.details.length > 0 ? error.details : [{ message: error.message }];
    const status = error instanceof ValidationError ? 400 : error instanceof ConflictError ? 409 : 422;
    await render(problems, status);
    return;
  }
  throw error;
}

/** Refuses the public before the body is validated (401 rather than 400). */
async function signedInFirst(request: FastifyRequest): Promise<void> {
  requireSignedIn(request.principal);
}

export async function organisationsRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;

  async function formChoices() {
    const [areas, categories] = await Promise.all([listAreas(db), listServiceCategories(db)]);
    return { areas, categories, schemes: IDENTIFIER_SCHEMES, sectors: SECTORS, sizeBands: SIZE_BANDS };
  }

  // Pages

  app.get("/organisations", hide, async (request, reply) => {
    const q = query(request);
    const params = {
      q: text(q, "q").slice(0, 200),
      sector: list(q, "sector"),
      size: list(q, "size"),
      category: list(q, "category"),
      area: list(q, "area"),
    };
    const page = Number.parseInt(text(q, "page"), 10);
    const [result, categories, areas, mutuals] = await Promise.all([
      searchDirectory(db, {
        q: params.q,
        sectors: params.sector,
        sizeBands: params.size,
        categories: params.category,
        areas: params.area,
        page: Number.isFinite(page) ? page : 1,
        pageSize: DIRECTORY_PAGE_SIZE,
      }),
      listServiceCategories(db),
      listAreas(db),
      mutualSummary(db),
    ]);
    const counts = (facet: keyof DirectoryResult["facets"]) =>
      Object.fromEntries(result.facets[facet].map((row) => [row.value, row.count]));
    const filtered =
      params.q !== "" || [params.sector, params.size, params.category, params.area].some((v) => v.length > 0);
    await reply.page("organisations/views/directory.njk", {
      params,
      result,
      mutuals,
      filtered,
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
    });
  });

  async function renderOrganisationForm(
    reply: FastifyReply,
    options: { action: string; organisationId?: string; name?: string },
    values: OrganisationFormValues,
    problems: readonly FieldError[] = [],
    status = 200,
  ): Promise<void> {
    const errors = problems.length > 0 ? formErrors(problems, organisationFormField) : undefined;
    await reply.status(status).page("organisations/views/form.njk", {
      ...options,
      ...(await formChoices()),
      values,
      errors,
    });
  }

  const emptyForm = organisationFormValues({});

  app.get("/organisations/new", hide, async (request, reply) => {
    if (!request.principal) throw new NotSignedInError("Sign in to register an organisation.");
    await renderOrganisationForm(reply, { action: "/organisations/new" }, emptyForm);
  });

  app.post("/organisations/new", hide, async (request, reply) => {
    if (!request.principal) throw new NotSignedInError("Sign in to register an organisation.");
    const values = organisationFormValues(body(request));
    const { input, problems } = organisationInput(values);
    const options = { action: "/organisations/new" };
    if (problems.length > 0) {
      const more = organisationDetailProblems(input, true).filter(
        (p) => !problems.some((q) => q.field === p.field),
      );
      await renderOrganisationForm(reply, options, values, [...problems, ...more], 400);
      return;
    }
    try {
      const organisation = await registerOrganisation(db, clock, request.principal, input);
      await reply.redirect(`/organisations/${organisation.id}?registered=1`, 303);
    } catch (error) {
      await formProblem(error, (p, status) => renderOrganisationForm(reply, options, values, p, status));
    }
  });

  async function profileOr404(id: string): Promise<OrganisationProfile> {
    // An address that is not an id is simply not found (not a 400): it is a page.
    return organisationProfile(db, isUuid(id) ? id : "not-an-id");
  }

  app.get<{ Params: { id: string } }>("/organisations/:id", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    const panels = await collect(profilePanels, db, clock, profile.organisation.id);
    await reply.page("organisations/views/profile.njk", {
      profile,
      ...panelsContext(panels),
      actsFor: hasRole(
        request.principal,
        ["organisation-admin", "organisation-member"],
        profile.organisation.id,
      ),
      canEdit: canAdminister(request, profile.organisation.id),
      registered: text(query(request), "registered") === "1",
      updated: text(query(request), "updated"),
      percent: basisPointsToPercent,
      longDate,
      otherIs,
    });
  });

  function valuesOf(profile: OrganisationProfile): OrganisationFormValues {
    const o = profile.organisation;
    const primary = profile.identifiers.find((i) => i.primary);
    return {
      name: o.name,
      sector: o.sector,
      sizeBand: o.size_band,
      staffHeadcount: o.staff_headcount === null ? "" : String(o.staff_headcount),
      addressLine1: o.address_line1 ?? "",
      addressLine2: o.address_line2 ?? "",
      town: o.town ?? "",
      postcode: o.postcode ?? "",
      description: o.description,
      website: o.website ?? "",
      areas: profile.areas.map((a) => a.code),
      categories: profile.categories.map((c) => c.code),
      identifierScheme: primary?.scheme ?? "",
      identifier: primary?.identifier ?? "",
      otherIdentifiers: profile.identifiers
        .filter((i) => !i.primary)
        .map((i) => i.orgId)
        .join("\n"),
    };
  }

  app.get<{ Params: { id: string } }>("/organisations/:id/edit", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    const id = profile.organisation.id;
    requireRole(request.principal, "organisation-admin", id, "change this organisation's details");
    await renderOrganisationForm(
      reply,
      { action: `/organisations/${id}/edit`, organisationId: id, name: profile.organisation.name },
      valuesOf(profile),
    );
  });

  app.post<{ Params: { id: string } }>("/organisations/:id/edit", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    const id = profile.organisation.id;
    requireRole(request.principal, "organisation-admin", id, "change this organisation's details");
    const values = organisationFormValues(body(request));
    const { input, problems } = organisationInput(values);
    const options = {
      action: `/organisations/${id}/edit`,
      organisationId: id,
      name: profile.organisation.name,
    };
    if (problems.length > 0) {
      const more = organisationDetailProblems(input, true).filter(
        (p) => !problems.some((q) => q.field === p.field),
      );
      await renderOrganisationForm(reply, options, values, [...problems, ...more], 400);
      return;
    }
    try {
      await updateOrganisation(db, clock, request.principal, id, input);
      await reply.redirect(`/organisations/${id}?updated=details`, 303);
    } catch (error) {
      await formProblem(error, (p, status) => renderOrganisationForm(reply, options, values, p, status));
    }
  });

  // Mutual evidence

  async function renderEvidenceForm(
    reply: FastifyReply,
    profile: OrganisationProfile,
    values: EvidenceFormValues,
    problems: readonly FieldError[] = [],
    status = 200,
  ): Promise<void> {
    const errors = problems.length > 0 ? formErrors(problems, evidenceFormField) : undefined;
    const [authorities, organisations] = await Promise.all([
      listAuthorities(db),
      organisationNames(db, profile.organisation.id),
    ]);
    await reply.status(status).page("organisations/views/evidence.njk", {
      organisation: profile.organisation,
      values,
      authorities,
      organisations,
      profitModels: PROFIT_MODELS,
      errors,
    });
  }

  function evidenceValuesOf(profile: OrganisationProfile): EvidenceFormValues {
    const e = profile.evidence;
    const [year, month, day] = (e?.spinOutDate ?? "").split("-");
    return {
      publicServicePurpose: e?.publicServicePurpose ?? "",
      lightTouchShare: e ? basisPointsToPercent(e.lightTouchShareBp) : "",
      profitModel: e?.profitModel ?? "",
      employeeOwnership: e ? basisPointsToPercent(e.employeeOwnershipBp) : "",
      employeeBoardSeats: e ? String(e.employeeBoardSeats) : "",
      boardSeats: e ? String(e.boardSeats) : "",
      parentAuthorityId: e?.parent?.kind === "authority" ? (e.parent.id ?? "") : "",
      parentOrganisationId: e?.parent?.kind === "organisation" ? (e.parent.id ?? "") : "",
      parentBodyName: e?.parent?.kind === "named" ? e.parent.name : "",
      spinOutDay: day ? String(Number(day)) : "",
      spinOutMonth: month ? String(Number(month)) : "",
      spinOutYear: year ?? "",
    };
  }

  app.get<{ Params: { id: string } }>("/organisations/:id/evidence", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    requireRole(
      request.principal,
      "organisation-admin",
      profile.organisation.id,
      "record this organisation's mutual evidence",
    );
    await renderEvidenceForm(reply, profile, evidenceValuesOf(profile));
  });

  app.post<{ Params: { id: string } }>("/organisations/:id/evidence", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    const id = profile.organisation.id;
    requireRole(request.principal, "organisation-admin", id, "record this organisation's mutual evidence");
    const values = evidenceFormValues(body(request));
    const { input, problems } = evidenceInput(values);
    if (problems.length > 0) {
      const more = mutualEvidenceProblems(input, clock).filter(
        (p) => !problems.some((q) => q.field === p.field),
      );
      await renderEvidenceForm(reply, profile, values, [...problems, ...more], 400);
      return;
    }
    try {
      await recordMutualEvidence(db, clock, request.principal, id, input);
      await reply.redirect(`/organisations/${id}?updated=evidence`, 303);
    } catch (error) {
      await formProblem(error, (p, status) => renderEvidenceForm(reply, profile, values, p, status));
    }
  });

  // Relationships

  async function renderRelationships(
    reply: FastifyReply,
    profile: OrganisationProfile,
    values: { kind: string; to: string },
    problems: readonly FieldError[] = [],
    status = 200,
  ): Promise<void> {
    const errors =
      problems.length > 0 ? formErrors(problems, (field) => (field === "kind" ? "kind" : "to")) : undefined;
    await reply.status(status).page("organisations/views/relationships.njk", {
      profile,
      organisations: await organisationNames(db, profile.organisation.id),
      kinds: RELATIONSHIP_KINDS,
      values,
      otherIs,
      errors,
    });
  }

  app.get<{ Params: { id: string } }>("/organisations/:id/relationships", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    requireRole(
      request.principal,
      "organisation-admin",
      profile.organisation.id,
      "record this organisation's relationships",
    );
    await renderRelationships(reply, profile, { kind: "", to: "" });
  });

  app.post<{ Params: { id: string } }>("/organisations/:id/relationships", hide, async (request, reply) => {
    const profile = await profileOr404(request.params.id);
    const id = profile.organisation.id;
    const form = body(request);
    const values = { kind: text(form, "kind"), to: text(form, "to") };
    try {
      await addRelationship(db, clock, request.principal, { from: id, to: values.to, kind: values.kind });
      await reply.redirect(`/organisations/${id}/relationships`, 303);
    } catch (error) {
      await formProblem(error, (p, status) => renderRelationships(reply, profile, values, p, status));
    }
  });

  app.post<{ Params: { id: string; relationshipId: string } }>(
    "/organisations/:id/relationships/:relationshipId/remove",
    hide,
    async (request, reply) => {
      const profile = await profileOr404(request.params.id);
      await removeRelationship(
        db,
        clock,
        request.principal,
        profile.organisation.id,
        request.params.relationshipId,
      );
      await reply.redirect(`/organisations/${profile.organisation.id}/relationships`, 303);
    },
  );

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  api.get(
    "/api/v1/organisations",
    {
      schema: {
        tags: ["organisations"],
        summary: "Search the directory of organisations",
        description:
          "Full-text search (and name prefix) with filters by sector, size band, service category and area; each filter's values are counted under the other filters. Public.",
        querystring: DirectoryQuery,
        response: { 200: DirectoryResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const q = request.query;
      const [result, mutuals] = await Promise.all([
        searchDirectory(db, {
          q: q.q,
          sectors: q.sector,
          sizeBands: q.sizeBand,
          categories: q.category,
          areas: q.area,
          page: q.page,
          pageSize: q.pageSize,
        }),
        mutualSummary(db),
      ]);
      return {
        ...result,
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

  api.get(
    "/api/v1/organisations/:id",
    {
      schema: {
        tags: ["organisations"],
        summary: "An organisation's public profile",
        params: IdParams,
        response: { 200: OrganisationResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => toApi(await organisationProfile(db, request.params.id)),
  );

  api.post(
    "/api/v1/organisations",
    {
      schema: {
        tags: ["organisations"],
        summary: "Register an organisation",
        description:
          "Any signed-in person (a session, or an API token with the organisations:write scope) may register an organisation and becomes its administrator.",
        body: CreateOrganisationBody,
        response: { 201: OrganisationResponse, ...errors, 409: ErrorResponse },
      },
      // Who may comes before what was sent: the public gets 401, not a list of body errors.
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const organisation = await registerOrganisation(db, clock, request.principal, request.body);
      const profile = await organisationProfile(db, organisation.id);
      return reply
        .status(201)
        .header("location", `/api/v1/organisations/${organisation.id}`)
        .send(toApi(profile));
    },
  );

  api.patch(
    "/api/v1/organisations/:id",
    {
      schema: {
        tags: ["organisations"],
        summary: "Change an organisation's details",
        description:
          "Only the fields given change; areas, categories and identifiers given replace the lists. For the organisation's administrators and platform administrators (API tokens need the organisations:write scope).",
        params: IdParams,
        body: UpdateOrganisationBody,
        response: { 200: OrganisationResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      await updateOrganisation(db, clock, request.principal, request.params.id, request.body);
      return toApi(await organisationProfile(db, request.params.id));
    },
  );
}
