/**
 * Regulation of providers (issue 7): the pages — regulators and their registers, a location with its
 * ratings, reports and enforcement, the regulator's forms (regime, applications, decisions,
 * inspections, answers, publishing, enforcement, cancellation), the provider's factual-accuracy
 * challenge, Find a service, compare providers and the failing-providers view — the open-data
 * downloads and the JSON API. Thin: parse, call the service, render or serialise.
 */
import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, fieldList, formErrors, submitForm } from "../../http/forms.ts";
import { ForbiddenError, ValidationError } from "../../lib/errors.ts";
import { londonDate, longDate } from "../../lib/london-time.ts";
import type { Principal } from "../access/access.service.ts";
import { hasRole, requireSignedIn } from "../access/access.service.ts";
import { listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import {
  allRatings,
  openDataCsv,
  openDataJson,
  type RegulationDataset,
  toInspectionApi,
  toLocationApi,
} from "./regulation.open-data.ts";
import {
  AnswerBody,
  ApplicationBody,
  CancelBody,
  ChallengeBody,
  ChallengeResponse,
  DecisionBody,
  EnforcementActionParams,
  EnforcementBody,
  ErrorResponse,
  InspectionResponse,
  LocationDetailResponse,
  LocationParams,
  RatingHistoryResponse,
  RecordInspectionBody,
  RegimeBody,
  RegisterQuery,
  RegisterResponse,
  RegulatorChallengeParams,
  RegulatorInspectionParams,
  RegulatorLocationParams,
  RegulatorParams,
  RegulatorResponse,
  RegulatorsResponse,
  ResolveBody,
} from "./regulation.schemas.ts";
import {
  activityChoices,
  answerChallenge,
  applyForRegistration,
  cancelRegistration,
  challengeFact,
  compareProviders,
  decideRegistration,
  ENFORCEMENT_NAMES,
  FAILING_REASONS,
  failingLocations,
  findServices,
  type InspectionDraft,
  ISSUABLE,
  inspectionReport,
  issueEnforcement,
  type LocationView,
  listRegulators,
  locationView,
  organisationChoices,
  periodEndText,
  publishReport,
  recordInspection,
  regimeOf,
  regulatorOf,
  regulatorPage,
  requireRegulatorStaff,
  resolveEnforcement,
  setRegime,
} from "./regulation.service.ts";
import { CAPACITY_UNITS, KEY_QUESTIONS, RATINGS } from "./regulation.table.ts";

const hide = { schema: { hide: true } };

function query(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

function queryText(request: FastifyRequest, name: string): string {
  const v = query(request)[name];
  return typeof v === "string" ? v.trim() : Array.isArray(v) ? String(v[0] ?? "").trim() : "";
}

/** Inspection form values, as typed. */
function inspectionValues(body: unknown) {
  return {
    inspectedOn: {
      day: field(body, "inspectedOn-day"),
      month: field(body, "inspectedOn-month"),
      year: field(body, "inspectedOn-year"),
    },
    inspectors: field(body, "inspectors"),
    evidenceSummary: field(body, "evidenceSummary"),
    ratings: Object.fromEntries(KEY_QUESTIONS.map((q) => [q, field(body, `rating-${q}`)])),
    breach: field(body, "breach"),
    breachDetails: field(body, "breachDetails"),
    overall: field(body, "overall"),
    departureReason: field(body, "departureReason"),
  };
}

function inspectionDraftOf(body: unknown): InspectionDraft {
  const v = inspectionValues(body);
  return {
    inspectedOn: dateField(body, "inspectedOn"),
    inspectors: v.inspectors,
    evidenceSummary: v.evidenceSummary,
    ratings: v.ratings,
    breach: v.breach === "yes",
    breachDetails: v.breachDetails,
    overall: v.overall,
    departureReason: v.departureReason,
  };
}

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

export async function regulationRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  type Reg = { Params: { regulatorId: string } };
  type Loc = { Params: { regulatorId: string; locationId: string } };
  type Insp = { Params: { regulatorId: string; locationId: string; inspectionId: string } };

  async function names() {
    const [categories, activities, areas] = await Promise.all([
      listServiceCategories(db),
      activityChoices(db),
      listAreas(db),
    ]);
    return {
      serviceTypeNames: Object.fromEntries(categories.map((c) => [c.code, c.name])),
      activityNames: Object.fromEntries(activities.map((a) => [a.code, a.name])),
      categories,
      activities,
      areas,
    };
  }

  const common = { ratings: RATINGS, keyQuestions: KEY_QUESTIONS, longDate, periodEndText, londonDate };

  // Regulators and their registers

  app.get("/regulators", hide, async (_request, reply) => {
    const regulators = await listRegulators(db);
    const regimes = await Promise.all(regulators.map((r) => regimeOf(db, r.id)));
    await reply.page("regulation/views/regulators.njk", {
      regulators: regulators.map((r, i) => ({ ...r, regime: regimes[i] })),
      ...(await names()),
    });
  });

  app.get<Reg>("/regulators/:regulatorId", hide, async (request, reply) => {
    const page = await regulatorPage(db, request.principal, request.params.regulatorId);
    await reply.page("regulation/views/regulator.njk", { ...page, ...common, ...(await names()) });
  });

  async function regimeForm(request: FastifyRequest<Reg>, values?: Record<string, unknown>) {
    const regulator = await regulatorOf(db, request.params.regulatorId);
    const regime = await regimeOf(db, regulator.id);
    return {
      regulator,
      values: values ?? {
        serviceTypes: regime.serviceTypes,
        activities: regime.activities,
        reinspectionMonths: String(regime.reinspectionMonths),
        factualAccuracyWorkingDays: String(regime.factualAccuracyWorkingDays),
        representationDays: String(regime.representationDays),
      },
      ...(await names()),
    };
  }

  app.get<Reg>("/regulators/:regulatorId/regime", hide, async (request, reply) => {
    await requireRegulatorStaff(
      db,
      request.principal,
      request.params.regulatorId,
      "change this regulator's regime",
    );
    await reply.page("regulation/views/regime.njk", await regimeForm(request));
  });

  app.post<Reg>("/regulators/:regulatorId/regime", hide, async (request, reply) => {
    const { regulatorId } = request.params;
    await requireRegulatorStaff(db, request.principal, regulatorId, "change this regulator's regime");
    const values = {
      serviceTypes: fieldList(request.body, "serviceTypes"),
      activities: fieldList(request.body, "activities"),
      reinspectionMonths: field(request.body, "reinspectionMonths"),
      factualAccuracyWorkingDays: field(request.body, "factualAccuracyWorkingDays"),
      representationDays: field(request.body, "representationDays"),
    };
    await submitForm(reply, "regulation/views/regime.njk", await regimeForm(request, values), async () => {
      await transaction(db, (trx) => setRegime(trx, clock, request.principal, regulatorId, values));
      return `/regulators/${regulatorId}?notice=regime`;
    });
  });

  /** The organisations this person may apply for: all for the regulator's staff, their own for providers. */
  async function applicantChoices(principal: Principal, regulatorId: string) {
    const all = await organisationChoices(db);
    if (hasRole(principal, ["regulator-staff", "platform-admin"], regulatorId)) return all;
    return all.filter((o) => hasRole(principal, "organisation-admin", o.id));
  }

  async function applicationForm(request: FastifyRequest<Reg>, values: ReturnType<typeof applicationValues>) {
    const p = requireSignedIn(request.principal);
    const regulator = await regulatorOf(db, request.params.regulatorId);
    const organisations = await applicantChoices(p, regulator.id);
    if (organisations.length === 0)
      throw new ForbiddenError(
        "Only an administrator of a provider organisation, or the regulator's staff, can apply to register a location.",
      );
    const regime = await regimeOf(db, regulator.id);
    const n = await names();
    return {
      regulator,
      organisations,
      regime,
      values,
      capacityUnits: CAPACITY_UNITS,
      ...n,
      regimeCategories: n.categories.filter((c) => regime.serviceTypes.includes(c.code)),
      regimeActivities: n.activities.filter((a) => regime.activities.includes(a.code)),
    };
  }

  app.get<Reg>("/regulators/:regulatorId/registrations/new", hide, async (request, reply) => {
    const values = applicationValues({ organisationId: queryText(request, "organisation") });
    await reply.page("regulation/views/apply.njk", await applicationForm(request, values));
  });

  app.post<Reg>("/regulators/:regulatorId/registrations/new", hide, async (request, reply) => {
    const values = applicationValues(request.body);
    const context = await applicationForm(request, values);
    await submitForm(reply, "regulation/views/apply.njk", context, async () => {
      const id = await transaction(db, (trx) =>
        applyForRegistration(trx, clock, request.principal, request.params.regulatorId, values),
      );
      return `/regulators/${request.params.regulatorId}/locations/${id}?notice=applied`;
    });
  });

  // A location, its reports and the actions on it

  async function locationContext(request: FastifyRequest<Loc>, extra: Record<string, unknown> = {}) {
    const view = await locationView(
      db,
      clock,
      request.principal,
      request.params.regulatorId,
      request.params.locationId,
    );
    return {
      ...view,
      ...common,
      ...(await names()),
      enforcementKinds: ISSUABLE,
      enforcementNames: ENFORCEMENT_NAMES,
      notice: queryText(request, "notice"),
      values: {},
      ...extra,
    };
  }

  app.get<Loc>("/regulators/:regulatorId/locations/:locationId", hide, async (request, reply) => {
    await reply.page("regulation/views/location.njk", await locationContext(request));
  });

  /** A staff form on the location page: 401/403 first, then the form pattern (re-render with errors). */
  function locationAction(
    path: string,
    what: string,
    act: (request: FastifyRequest<Loc>) => Promise<string>,
    form: string,
  ) {
    app.post<Loc>(path, hide, async (request, reply) => {
      await requireRegulatorStaff(db, request.principal, request.params.regulatorId, what);
      const values = { ...(request.body as Record<string, unknown>), form };
      const context = await locationContext(request, { values });
      await submitForm(reply, "regulation/views/location.njk", context, () => act(request));
    });
  }

  const base = (r: FastifyRequest<Loc>) =>
    `/regulators/${r.params.regulatorId}/locations/${r.params.locationId}`;

  locationAction(
    "/regulators/:regulatorId/locations/:locationId/status",
    "change registrations with this regulator",
    async (request) => {
      await transaction(db, (trx) =>
        decideRegistration(
          trx,
          clock,
          request.principal,
          request.params.regulatorId,
          request.params.locationId,
          {
            to: field(request.body, "to"),
            reason: field(request.body, "reason"),
            conditions: field(request.body, "conditions"),
          },
        ),
      );
      return `${base(request)}?notice=status`;
    },
    "status",
  );

  locationAction(
    "/regulators/:regulatorId/locations/:locationId/enforcement",
    "take enforcement action for this regulator",
    async (request) => {
      await transaction(db, (trx) =>
        issueEnforcement(
          trx,
          clock,
          request.principal,
          request.params.regulatorId,
          request.params.locationId,
          {
            kind: field(request.body, "kind"),
            details: field(request.body, "details"),
          },
        ),
      );
      return `${base(request)}?notice=enforcement`;
    },
    "enforcement",
  );

  locationAction(
    "/regulators/:regulatorId/locations/:locationId/cancel",
    "cancel registrations with this regulator",
    async (request) => {
      await transaction(db, (trx) =>
        cancelRegistration(
          trx,
          clock,
          request.principal,
          request.params.regulatorId,
          request.params.locationId,
          field(request.body, "cancelReason"),
        ),
      );
      return `${base(request)}?notice=cancelled`;
    },
    "cancel",
  );

  app.post<{ Params: { regulatorId: string; locationId: string; actionId: string } }>(
    "/regulators/:regulatorId/locations/:locationId/enforcement/:actionId/resolve",
    hide,
    async (request, reply) => {
      const { regulatorId, actionId } = request.params;
      await requireRegulatorStaff(
        db,
        request.principal,
        regulatorId,
        "take enforcement action for this regulator",
      );
      const values = { ...(request.body as Record<string, unknown>), form: `resolve-${actionId}` };
      const context = await locationContext(request, { values });
      await submitForm(reply, "regulation/views/location.njk", context, async () => {
        await transaction(db, (trx) =>
          resolveEnforcement(
            trx,
            clock,
            request.principal,
            regulatorId,
            actionId,
            field(request.body, "resolution"),
          ),
        );
        return `${base(request)}?notice=resolved`;
      });
    },
  );

  async function inspectionFormContext(
    request: FastifyRequest<Loc>,
    values: ReturnType<typeof inspectionValues>,
  ) {
    const view = await locationView(
      db,
      clock,
      request.principal,
      request.params.regulatorId,
      request.params.locationId,
    );
    return { ...view, ...common, values };
  }

  app.get<Loc>(
    "/regulators/:regulatorId/locations/:locationId/inspections/new",
    hide,
    async (request, reply) => {
      await requireRegulatorStaff(
        db,
        request.principal,
        request.params.regulatorId,
        "inspect and rate locations for this regulator",
      );
      await reply.page(
        "regulation/views/inspect.njk",
        await inspectionFormContext(request, inspectionValues({})),
      );
    },
  );

  app.post<Loc>(
    "/regulators/:regulatorId/locations/:locationId/inspections/new",
    hide,
    async (request, reply) => {
      const { regulatorId, locationId } = request.params;
      await requireRegulatorStaff(
        db,
        request.principal,
        regulatorId,
        "inspect and rate locations for this regulator",
      );
      const context = await inspectionFormContext(request, inspectionValues(request.body));
      await submitForm(reply, "regulation/views/inspect.njk", context, async () => {
        const id = await transaction(db, (trx) =>
          recordInspection(
            trx,
            clock,
            request.principal,
            regulatorId,
            locationId,
            inspectionDraftOf(request.body),
          ),
        );
        return `${base(request)}/inspections/${id}?notice=recorded`;
      });
    },
  );

  async function reportContext(request: FastifyRequest<Insp>, extra: Record<string, unknown> = {}) {
    const { view, report } = await inspectionReport(
      db,
      clock,
      request.principal,
      request.params.regulatorId,
      request.params.locationId,
      request.params.inspectionId,
    );
    return { ...view, report, ...common, notice: queryText(request, "notice"), values: {}, ...extra };
  }

  app.get<Insp>(
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId",
    hide,
    async (request, reply) => {
      await reply.page("regulation/views/report.njk", await reportContext(request));
    },
  );

  const reportBase = (r: FastifyRequest<Insp>) =>
    `/regulators/${r.params.regulatorId}/locations/${r.params.locationId}/inspections/${r.params.inspectionId}`;

  app.post<Insp>(
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/challenges",
    hide,
    async (request, reply) => {
      requireSignedIn(request.principal);
      const values = { point: field(request.body, "point"), form: "challenge" };
      const context = await reportContext(request, { values });
      await submitForm(reply, "regulation/views/report.njk", context, async () => {
        await transaction(db, (trx) =>
          challengeFact(
            trx,
            clock,
            request.principal,
            request.params.regulatorId,
            request.params.inspectionId,
            values.point,
          ),
        );
        return `${reportBase(request)}?notice=challenged`;
      });
    },
  );

  app.post<{ Params: Insp["Params"] & { challengeId: string } }>(
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/challenges/:challengeId/answer",
    hide,
    async (request, reply) => {
      const { regulatorId, inspectionId, challengeId } = request.params;
      await requireRegulatorStaff(
        db,
        request.principal,
        regulatorId,
        "answer factual-accuracy challenges for this regulator",
      );
      const values = {
        outcome: field(request.body, "outcome"),
        response: field(request.body, "response"),
        form: `answer-${challengeId}`,
      };
      const context = await reportContext(request, { values });
      await submitForm(reply, "regulation/views/report.njk", context, async () => {
        await transaction(db, (trx) =>
          answerChallenge(trx, clock, request.principal, regulatorId, inspectionId, challengeId, values),
        );
        return `${reportBase(request)}?notice=answered`;
      });
    },
  );

  app.post<Insp>(
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/publish",
    hide,
    async (request, reply) => {
      const { regulatorId, inspectionId } = request.params;
      await requireRegulatorStaff(
        db,
        request.principal,
        regulatorId,
        "publish inspection reports for this regulator",
      );
      await reportContext(request);
      await transaction(db, (trx) => publishReport(trx, clock, request.principal, regulatorId, inspectionId));
      await reply.redirect(`${reportBase(request)}?notice=published`, 303);
    },
  );

  // Everyone: find, compare; regulators and commissioners: the failing view

  app.get("/regulation/find", hide, async (request, reply) => {
    const filter = {
      serviceType: queryText(request, "serviceType"),
      areaCode: queryText(request, "areaCode"),
      postcodeDistrict: queryText(request, "postcodeDistrict"),
      rating: queryText(request, "rating"),
    };
    const context = { filter, ...common, ...(await names()) };
    try {
      const results = await findServices(db, filter);
      await reply.page("regulation/views/find.njk", { ...context, results });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.status(400);
      await reply.page("regulation/views/find.njk", { ...context, results: [], errors: formErrors(error) });
    }
  });

  app.get("/regulation/compare", hide, async (request, reply) => {
    const raw = query(request).organisations;
    const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
    const context = { ...common, organisations: await organisationChoices(db), selected: ids };
    try {
      const providers = await compareProviders(db, ids);
      await reply.page("regulation/views/compare.njk", { ...context, providers });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      if (ids.length > 0) reply.status(400);
      await reply.page("regulation/views/compare.njk", {
        ...context,
        providers: [],
        ...(ids.length > 0 ? { errors: formErrors(error) } : {}),
      });
    }
  });

  app.get("/regulation/failing", hide, async (request, reply) => {
    const rows = await failingLocations(db, clock, request.principal);
    await reply.page("regulation/views/failing.njk", { rows, reasons: FAILING_REASONS, ...common });
  });

  // Open data downloads

  const DATASETS: readonly RegulationDataset[] = ["regulated-locations", "ratings"];
  for (const dataset of DATASETS) {
    app.get(`/open-data/${dataset}.csv`, hide, async (_request, reply: FastifyReply) =>
      reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="openps-${dataset}.csv"`)
        .header("cache-control", "no-cache")
        .send(Readable.from(openDataCsv(db, dataset))),
    );
    app.get(`/open-data/${dataset}.json`, hide, async (_request, reply: FastifyReply) =>
      reply
        .type("application/json; charset=utf-8")
        .header("content-disposition", `attachment; filename="openps-${dataset}.json"`)
        .header("cache-control", "no-cache")
        .send(Readable.from(openDataJson(db, dataset))),
    );
  }

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
  };

  api.get(
    "/api/v1/regulators",
    {
      schema: {
        tags: ["regulation"],
        summary: "Regulators and their regimes",
        description: "Each regulator with the service types and regulated activities it covers. Public.",
        response: { 200: RegulatorsResponse },
      },
    },
    async () => {
      const regulators = await listRegulators(db);
      const result = [];
      for (const r of regulators) {
        const regime = await regimeOf(db, r.id);
        result.push({
          id: r.id,
          name: r.name,
          slug: r.slug,
          serviceTypes: regime.serviceTypes,
          regulatedActivities: regime.activities,
          reinspectionMonths: regime.reinspectionMonths,
          factualAccuracyWorkingDays: regime.factualAccuracyWorkingDays,
          representationDays: regime.representationDays,
          pageUrl: `/regulators/${r.id}`,
        });
      }
      return { regulators: result };
    },
  );

  api.get(
    "/api/v1/regulation/locations",
    {
      schema: {
        tags: ["regulation"],
        summary: "Registered locations with their current ratings (Find a service)",
        description:
          "Locations currently registered, by service type, local authority area (GSS code), postcode district and current overall rating (or unrated), sorted by rating then name. Public.",
        querystring: RegisterQuery,
        response: { 200: RegisterResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const rows = await findServices(db, request.query);
      const locations = [];
      for (const row of rows) locations.push(await toLocationApi(db, row));
      return { locations };
    },
  );

  api.get(
    "/api/v1/regulation/locations/:locationId",
    {
      schema: {
        tags: ["regulation"],
        summary: "A location with its rating history, enforcement and registration history",
        params: LocationParams,
        response: { 200: LocationDetailResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const regulatorId = await regulatorIdOf(request.params.locationId);
      const view = await locationView(db, clock, request.principal, regulatorId, request.params.locationId);
      return detailOf(view);
    },
  );

  async function regulatorIdOf(locationId: string): Promise<string> {
    const row = await db
      .selectFrom("registrations")
      .select("regulator_id")
      .where("id", "=", locationId)
      .executeTakeFirst();
    return row?.regulator_id ?? "";
  }

  async function detailOf(view: LocationView) {
    return {
      location: await toLocationApi(db, view.location),
      ratingHistory: view.inspections.filter((i) => i.status === "published").map((i) => toInspectionApi(i)),
      enforcement: view.enforcement.map((e) => ({
        id: e.id,
        kind: e.kind,
        details: e.details,
        issuedAt: e.issued_at.toISOString(),
        representationsUntil: e.representations_until,
        inForce: e.resolved_at === null,
        resolvedAt: e.resolved_at ? e.resolved_at.toISOString() : null,
        resolution: e.resolution,
      })),
      registrationHistory: view.events.map((e) => ({
        from: e.from_status,
        to: e.to_status,
        reason: e.reason,
        conditions: e.conditions,
        at: e.at.toISOString(),
      })),
    };
  }

  api.get(
    "/api/v1/regulation/ratings",
    {
      schema: {
        tags: ["regulation"],
        summary: "The full rating history",
        description: "Every published rating of every location, in a stable order by inspection id. Public.",
        response: { 200: RatingHistoryResponse },
      },
    },
    async () => {
      return { ratings: await allRatings(db) };
    },
  );

  const staffFirst = (what: string) => async (request: FastifyRequest) => {
    const { regulatorId } = request.params as { regulatorId: string };
    await requireRegulatorStaff(db, request.principal, regulatorId, what);
  };

  api.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/inspections",
    {
      schema: {
        tags: ["regulation"],
        summary: "Record an inspection and send the draft report to the provider",
        description:
          "For the regulator's staff. The overall rating follows the aggregation rules with the breach cap unless `overall` departs from it with a `departureReason` (422 without one). 404 for a location not on this regulator's register; 409 for one not registered.",
        params: RegulatorLocationParams,
        body: RecordInspectionBody,
        response: { 201: InspectionResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: staffFirst("inspect and rate locations for this regulator"),
    },
    async (request, reply) => {
      const { regulatorId, locationId } = request.params;
      const id = await transaction(db, (trx) =>
        recordInspection(trx, clock, request.principal, regulatorId, locationId, request.body),
      );
      const { report } = await inspectionReport(db, clock, request.principal, regulatorId, locationId, id);
      return reply
        .status(201)
        .header("location", `/regulators/${regulatorId}/locations/${locationId}/inspections/${id}`)
        .send(toInspectionApi(report));
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/publish",
    {
      schema: {
        tags: ["regulation"],
        summary: "Publish an inspection report",
        description:
          "For the regulator's staff, after the factual-accuracy period has ended and every challenge is answered (409 otherwise). An overall Inadequate enters special measures; nothing Inadequate leaves them.",
        params: RegulatorInspectionParams,
        response: { 200: InspectionResponse, ...errors },
      },
      preValidation: staffFirst("publish inspection reports for this regulator"),
    },
    async (request) => {
      const { regulatorId, inspectionId } = request.params;
      await transaction(db, (trx) => publishReport(trx, clock, request.principal, regulatorId, inspectionId));
      const row = await db
        .selectFrom("inspections")
        .select("registration_id")
        .where("id", "=", inspectionId)
        .executeTakeFirstOrThrow();
      const { report } = await inspectionReport(
        db,
        clock,
        request.principal,
        regulatorId,
        row.registration_id,
        inspectionId,
      );
      return toInspectionApi(report);
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges",
    {
      schema: {
        tags: ["regulation"],
        summary: "Challenge the factual accuracy of a draft report",
        description:
          "For the provider's administrators and members, within the factual-accuracy period (409 after it or once published).",
        params: RegulatorInspectionParams,
        body: ChallengeBody,
        response: { 201: ChallengeResponse, ...errors },
      },
      preValidation: async (request) => {
        requireSignedIn(request.principal);
      },
    },
    async (request, reply) => {
      const { regulatorId, inspectionId } = request.params;
      const id = await transaction(db, (trx) =>
        challengeFact(trx, clock, request.principal, regulatorId, inspectionId, request.body.point),
      );
      return reply.status(201).send({ id });
    },
  );

  const locationDetail = async (request: FastifyRequest, regulatorId: string, locationId: string) =>
    detailOf(await locationView(db, clock, request.principal, regulatorId, locationId));

  api.post(
    "/api/v1/regulators/:regulatorId/registrations",
    {
      schema: {
        tags: ["regulation"],
        summary: "Apply to register a location",
        description:
          "For an administrator of the provider organisation, or the regulator's staff recording a paper application. 422 for service types or activities outside the regulator's regime.",
        params: RegulatorParams,
        body: ApplicationBody,
        response: { 201: LocationDetailResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: async (request) => {
        requireSignedIn(request.principal);
        await regulatorOf(db, (request.params as { regulatorId: string }).regulatorId);
      },
    },
    async (request, reply) => {
      const { regulatorId } = request.params;
      const id = await transaction(db, (trx) =>
        applyForRegistration(trx, clock, request.principal, regulatorId, request.body),
      );
      return reply
        .status(201)
        .header("location", `/api/v1/regulation/locations/${id}`)
        .send(await locationDetail(request, regulatorId, id));
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/status",
    {
      schema: {
        tags: ["regulation"],
        summary: "Decide an application or change a registration's status",
        description:
          "For the regulator's staff: registered (optionally with conditions), refused, dormant or suspended, with a reason. 409 for a move the lifecycle forbids.",
        params: RegulatorLocationParams,
        body: DecisionBody,
        response: { 200: LocationDetailResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: staffFirst("change registrations with this regulator"),
    },
    async (request) => {
      const { regulatorId, locationId } = request.params;
      await transaction(db, (trx) =>
        decideRegistration(trx, clock, request.principal, regulatorId, locationId, request.body),
      );
      return locationDetail(request, regulatorId, locationId);
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges/:challengeId/answer",
    {
      schema: {
        tags: ["regulation"],
        summary: "Answer a factual-accuracy challenge",
        description: "For the regulator's staff, before publishing. 409 once answered or published.",
        params: RegulatorChallengeParams,
        body: AnswerBody,
        response: { 200: ChallengeResponse, ...errors },
      },
      preValidation: staffFirst("answer factual-accuracy challenges for this regulator"),
    },
    async (request) => {
      const { regulatorId, inspectionId, challengeId } = request.params;
      await transaction(db, (trx) =>
        answerChallenge(trx, clock, request.principal, regulatorId, inspectionId, challengeId, request.body),
      );
      return { id: challengeId };
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/enforcement",
    {
      schema: {
        tags: ["regulation"],
        summary: "Take enforcement action",
        description:
          "For the regulator's staff: a requirement notice, warning notice, conditions or a notice of proposal to cancel (28 days for representations). Special measures are entered automatically and cancellation has its own action (422).",
        params: RegulatorLocationParams,
        body: EnforcementBody,
        response: { 201: LocationDetailResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: staffFirst("take enforcement action for this regulator"),
    },
    async (request, reply) => {
      const { regulatorId, locationId } = request.params;
      await transaction(db, (trx) =>
        issueEnforcement(trx, clock, request.principal, regulatorId, locationId, request.body),
      );
      return reply.status(201).send(await locationDetail(request, regulatorId, locationId));
    },
  );

  api.put(
    "/api/v1/regulators/:regulatorId/regime",
    {
      schema: {
        tags: ["regulation"],
        summary: "Set a regulator's regime",
        description:
          "For the regulator's staff: the service types and regulated activities it covers, and its periods. 400 naming each field at fault.",
        params: RegulatorParams,
        body: RegimeBody,
        response: { 200: RegulatorResponse, ...errors },
      },
      preValidation: staffFirst("change this regulator's regime"),
    },
    async (request) => {
      const { regulatorId } = request.params;
      await transaction(db, (trx) => setRegime(trx, clock, request.principal, regulatorId, request.body));
      const regulator = await regulatorOf(db, regulatorId);
      const regime = await regimeOf(db, regulatorId);
      return {
        id: regulator.id,
        name: regulator.name,
        slug: regulator.slug,
        serviceTypes: regime.serviceTypes,
        regulatedActivities: regime.activities,
        reinspectionMonths: regime.reinspectionMonths,
        factualAccuracyWorkingDays: regime.factualAccuracyWorkingDays,
        representationDays: regime.representationDays,
        pageUrl: `/regulators/${regulator.id}`,
      };
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/enforcement/:actionId/resolve",
    {
      schema: {
        tags: ["regulation"],
        summary: "Resolve an enforcement action",
        description:
          "For the regulator's staff: records how a requirement notice, warning notice or condition was resolved (409 when resolved already or not resolvable).",
        params: EnforcementActionParams,
        body: ResolveBody,
        response: { 204: { type: "null" }, ...errors, 409: ErrorResponse },
      },
      preValidation: staffFirst("take enforcement action for this regulator"),
    },
    async (request, reply) => {
      const { regulatorId, actionId } = request.params;
      await transaction(db, (trx) =>
        resolveEnforcement(trx, clock, request.principal, regulatorId, actionId, request.body.resolution),
      );
      return reply.status(204).send(null);
    },
  );

  api.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/cancel",
    {
      schema: {
        tags: ["regulation"],
        summary: "Cancel a registration",
        description:
          "For the regulator's staff, after a notice of proposal to cancel whose period for representations has ended (409 before).",
        params: RegulatorLocationParams,
        body: CancelBody,
        response: { 200: LocationDetailResponse, ...errors },
      },
      preValidation: staffFirst("cancel registrations with this regulator"),
    },
    async (request) => {
      const { regulatorId, locationId } = request.params;
      await transaction(db, (trx) =>
        cancelRegistration(trx, clock, request.principal, regulatorId, locationId, request.body.reason),
      );
      return locationDetail(request, regulatorId, locationId);
    },
  );
}
