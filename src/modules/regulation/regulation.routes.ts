/**
 * Regulation of providers (issue 7): its pages (regulation.pages.ts, locations.pages.ts,
 * inspections.pages.ts, find.pages.ts) and its JSON API — regulators and their regimes, the register
 * of locations with current ratings, a location with its history, the rating history, and the
 * regulator's and provider's writes. Each route states who may call it and calls one service; the
 * service decides every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { cancelRegistration, issueEnforcement, resolveEnforcement } from "./enforcement.service.ts";
import { findPages } from "./find.pages.ts";
import { inspectionPages } from "./inspections.pages.ts";
import {
  answerChallenge,
  challengeFact,
  correctDraftReport,
  inspectLocation,
  publishReport,
} from "./inspections.service.ts";
import { locationPages } from "./locations.pages.ts";
import { type LocationView, locationById } from "./locations.service.ts";
import { allRatings, inspectionRecord, locationRecord, registerRecords } from "./open-data.service.ts";
import { type RegulatorWithRegime, regulatorsWithRegimes, setRegime } from "./regimes.service.ts";
import { applyForRegistration, decideRegistration } from "./registration.service.ts";
import { regulatorPages } from "./regulation.pages.ts";
import { regulatorApplicants, regulatorStaff, regulatorStaffOnRecord } from "./regulation.policies.ts";
import {
  AnswerBody,
  ApplicationBody,
  CancelBody,
  ChallengeBody,
  ChallengeResponse,
  CorrectionBody,
  DecisionBody,
  EnforcementActionParams,
  EnforcementBody,
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

const tags: ["regulation"] = ["regulation"];

function regulatorToApi(r: RegulatorWithRegime) {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    serviceTypes: r.regime.serviceTypes,
    regulatedActivities: r.regime.activities,
    reinspectionMonths: r.regime.reinspectionMonths,
    factualAccuracyWorkingDays: r.regime.factualAccuracyWorkingDays,
    representationDays: r.regime.representationDays,
    pageUrl: `/regulators/${r.id}`,
  };
}

/** A location with its rating history, enforcement and registration history. */
function detailOf(view: LocationView) {
  return {
    location: locationRecord(view.location, view.current),
    ratingHistory: view.inspections.filter((i) => i.status === "published").map(inspectionRecord),
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

export async function regulationRoutes(app: FastifyInstance): Promise<void> {
  regulatorPages(app);
  locationPages(app);
  inspectionPages(app);
  findPages(app);
  regulationReads(app);
  registrationWrites(app);
  inspectionWrites(app);
  challengeWrites(app);
  enforcementWrites(app);
}

/** The public reads: regulators, the register, a location, the rating history. */
function regulationReads(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/regulators",
    api(
      { who: anyone },
      {
        operationId: "listRegulators",
        tags,
        summary: "Regulators and their regimes",
        description: "Each regulator with the service types and regulated activities it covers.",
        response: { 200: RegulatorsResponse },
      },
    ),
    async (request) => ({ regulators: (await regulatorsWithRegimes(ctxOf(request))).map(regulatorToApi) }),
  );

  json.get(
    "/api/v1/regulation/locations",
    api(
      { who: anyone },
      {
        operationId: "listRegulatedLocations",
        tags,
        summary: "Registered locations with their current ratings (Find a service)",
        description:
          "Locations currently registered, by service type, local authority area (GSS code), postcode district and current overall rating (or unrated), sorted by rating then name, a page at a time: follow `next` and `previous`.",
        querystring: RegisterQuery,
        response: { 200: RegisterResponse },
      },
    ),
    async (request) => {
      const found = await registerRecords(ctxOf(request), request.query);
      return {
        locations: found.locations,
        total: found.total.count,
        totalIsAtLeast: found.total.atLeast,
        next: found.next ?? null,
        previous: found.previous ?? null,
      };
    },
  );

  json.get(
    "/api/v1/regulation/locations/:locationId",
    api(
      { who: anyone },
      {
        operationId: "getRegulatedLocation",
        tags,
        summary: "A location with its rating history, enforcement and registration history",
        params: LocationParams,
        response: { 200: LocationDetailResponse },
      },
    ),
    async (request) => detailOf(await locationById(ctxOf(request), request.params.locationId)),
  );

  json.get(
    "/api/v1/regulation/ratings",
    api(
      { who: anyone },
      {
        operationId: "listRatings",
        tags,
        summary: "The full rating history",
        description: "Every published rating of every location, in a stable order by inspection id.",
        response: { 200: RatingHistoryResponse },
      },
    ),
    async (request) => ({ ratings: await allRatings(ctxOf(request)) }),
  );
}

/** The regulator's regime and registrations; the provider's application. */
function registrationWrites(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.put(
    "/api/v1/regulators/:regulatorId/regime",
    api(
      { who: regulatorStaff("change this regulator's regime"), scope: "regulation:write" },
      {
        operationId: "setRegime",
        tags,
        summary: "Set a regulator's regime",
        description:
          "The service types and regulated activities it covers, and its periods. 400 naming each field at fault; 422 dropping a code locations on the register still use.",
        params: RegulatorParams,
        body: RegimeBody,
        response: { 200: RegulatorResponse, ...errorResponses(422) },
      },
    ),
    async (request) =>
      regulatorToApi(await setRegime(ctxOf(request), request.params.regulatorId, request.body)),
  );

  json.post(
    "/api/v1/regulators/:regulatorId/registrations",
    api(
      { who: regulatorApplicants, scope: "regulation:write" },
      {
        operationId: "applyForRegistration",
        tags,
        summary: "Apply to register a location",
        description:
          "For an administrator of the provider organisation, or the regulator's staff recording a paper application. 422 for service types or activities outside the regulator's regime.",
        params: RegulatorParams,
        body: ApplicationBody,
        response: { 201: LocationDetailResponse, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const view = await applyForRegistration(ctxOf(request), request.params.regulatorId, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/regulation/locations/${view.location.id}`)
        .send(detailOf(view));
    },
  );

  json.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/status",
    api(
      { who: regulatorStaffOnRecord("change registrations with this regulator"), scope: "regulation:write" },
      {
        operationId: "decideRegistration",
        tags,
        summary: "Decide an application or change a registration's status",
        description:
          "Registered (optionally with conditions), refused, dormant or suspended, with a reason. 409 for a move the lifecycle forbids; 422 for conditions on anything but registering.",
        params: RegulatorLocationParams,
        body: DecisionBody,
        response: { 200: LocationDetailResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) => {
      const { regulatorId, locationId } = request.params;
      return detailOf(await decideRegistration(ctxOf(request), regulatorId, locationId, request.body));
    },
  );
}

/** Inspections: the regulator's record and publishing. */
function inspectionWrites(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/inspections",
    api(
      {
        who: regulatorStaffOnRecord("inspect and rate locations for this regulator"),
        scope: "regulation:write",
      },
      {
        operationId: "recordInspection",
        tags,
        summary: "Record an inspection and send the draft report to the provider",
        description:
          "The overall rating follows the aggregation rules with the breach cap unless `overall` departs from it with a `departureReason` (422 without one). 404 for a location not on this regulator's register; 409 for one not registered.",
        params: RegulatorLocationParams,
        body: RecordInspectionBody,
        response: { 201: InspectionResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { regulatorId, locationId } = request.params;
      const report = await inspectLocation(ctxOf(request), regulatorId, locationId, request.body);
      return reply
        .status(201)
        .header("location", `/regulators/${regulatorId}/locations/${locationId}/inspections/${report.id}`)
        .send(inspectionRecord(report));
    },
  );

  json.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/publish",
    api(
      {
        who: regulatorStaffOnRecord("publish inspection reports for this regulator"),
        scope: "regulation:write",
      },
      {
        operationId: "publishReport",
        tags,
        summary: "Publish an inspection report",
        description:
          "After the factual-accuracy period has ended, every challenge is answered and every accepted one reflected in a corrected draft (409 otherwise). An overall Inadequate enters special measures; nothing Inadequate leaves them.",
        params: RegulatorInspectionParams,
        body: "none",
        response: { 200: InspectionResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { regulatorId, inspectionId } = request.params;
      return inspectionRecord(await publishReport(ctxOf(request), regulatorId, inspectionId));
    },
  );
}

/** The factual-accuracy challenge: the provider's points, the regulator's answers, the corrected draft. */
function challengeWrites(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges",
    api(
      { who: signedIn, scope: "regulation:write" },
      {
        operationId: "challengeFact",
        tags,
        summary: "Challenge the factual accuracy of a draft report",
        description:
          "For the provider's administrators and members, within the factual-accuracy period (409 after it or once published).",
        params: RegulatorInspectionParams,
        body: ChallengeBody,
        response: { 201: ChallengeResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { regulatorId, inspectionId } = request.params;
      const id = await challengeFact(ctxOf(request), regulatorId, inspectionId, request.body.point);
      return reply.status(201).send({ id });
    },
  );

  json.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/challenges/:challengeId/answer",
    api(
      {
        who: regulatorStaffOnRecord("answer factual-accuracy challenges for this regulator"),
        scope: "regulation:write",
      },
      {
        operationId: "answerChallenge",
        tags,
        summary: "Answer a factual-accuracy challenge",
        description: "Before publishing. 409 once answered or published.",
        params: RegulatorChallengeParams,
        body: AnswerBody,
        response: { 200: ChallengeResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { regulatorId, inspectionId, challengeId } = request.params;
      await answerChallenge(ctxOf(request), regulatorId, inspectionId, challengeId, request.body);
      return { id: challengeId };
    },
  );

  json.post(
    "/api/v1/regulators/:regulatorId/inspections/:inspectionId/corrections",
    api(
      {
        who: regulatorStaffOnRecord("correct draft reports for this regulator"),
        scope: "regulation:write",
      },
      {
        operationId: "correctDraftReport",
        tags,
        summary: "Correct a draft report: a new version",
        description:
          "The report as it should now read (checked as an inspection is: 400, then 422 for the breach cap or a departure without a reason) and what was corrected. Makes a new version of the draft, reflects every accepted point not yet reflected, and tells the provider. 409 once published; 422 when nothing changed.",
        params: RegulatorInspectionParams,
        body: CorrectionBody,
        response: { 200: InspectionResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) => {
      const { regulatorId, inspectionId } = request.params;
      return inspectionRecord(
        await correctDraftReport(ctxOf(request), regulatorId, inspectionId, request.body),
      );
    },
  );
}

/** The regulator's enforcement: actions, their resolution, cancellation. */
function enforcementWrites(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/enforcement",
    api(
      {
        who: regulatorStaffOnRecord("take enforcement action for this regulator"),
        scope: "regulation:write",
      },
      {
        operationId: "issueEnforcement",
        tags,
        summary: "Take enforcement action",
        description:
          "A requirement notice, warning notice, conditions or a notice of proposal to cancel (28 days for representations). Special measures are entered automatically and cancellation has its own action (422).",
        params: RegulatorLocationParams,
        body: EnforcementBody,
        response: { 201: LocationDetailResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { regulatorId, locationId } = request.params;
      const view = await issueEnforcement(ctxOf(request), regulatorId, locationId, request.body);
      return reply.status(201).send(detailOf(view));
    },
  );

  json.post(
    "/api/v1/regulators/:regulatorId/enforcement/:actionId/resolve",
    api(
      {
        who: regulatorStaffOnRecord("take enforcement action for this regulator"),
        scope: "regulation:write",
      },
      {
        operationId: "resolveEnforcement",
        tags,
        summary: "Resolve an enforcement action",
        description:
          "Records how a requirement notice, warning notice or condition was resolved (409 when resolved already or not resolvable).",
        params: EnforcementActionParams,
        body: ResolveBody,
        response: { 204: { type: "null", description: "Resolved" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { regulatorId, actionId } = request.params;
      await resolveEnforcement(ctxOf(request), regulatorId, actionId, request.body.resolution);
      return reply.status(204).send(null);
    },
  );

  json.post(
    "/api/v1/regulators/:regulatorId/locations/:locationId/cancel",
    api(
      { who: regulatorStaffOnRecord("cancel registrations with this regulator"), scope: "regulation:write" },
      {
        operationId: "cancelRegistration",
        tags,
        summary: "Cancel a registration",
        description:
          "After a notice of proposal to cancel whose period for representations has ended (409 before).",
        params: RegulatorLocationParams,
        body: CancelBody,
        response: { 200: LocationDetailResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { regulatorId, locationId } = request.params;
      return detailOf(await cancelRegistration(ctxOf(request), regulatorId, locationId, request.body.reason));
    },
  );
}
