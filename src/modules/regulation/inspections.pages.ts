/**
 * Inspections' pages: the regulator's form to record an inspection, a report (published for
 * everyone; the draft for the regulator's staff and the provider), the provider's factual-accuracy
 * challenge and the regulator's answers on it, the corrected draft an accepted point calls for,
 * and publishing.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formAction, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import {
  answerChallenge,
  type CorrectionDraft,
  challengeFact,
  correctDraftReport,
  correctionForm,
  type InspectionDraft,
  inspectionForm,
  inspectLocation,
  publishReport,
} from "./inspections.service.ts";
import { inspectionReport } from "./locations.service.ts";
import { PAGE_COMMON, queryText } from "./regulation.pages.ts";
import { regulatorStaffOnRecord } from "./regulation.policies.ts";
import { type Inspection, KEY_QUESTIONS } from "./regulation.table.ts";

type LocationRequest = FastifyRequest<{ Params: { regulatorId: string; locationId: string } }>;
type ReportParams = { regulatorId: string; locationId: string; inspectionId: string };
type ReportRequest = FastifyRequest<{ Params: ReportParams }>;

const REPORT = "regulation/views/report.njk";

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

/** What the service takes from the form: the date as YYYY-MM-DD, the breach as yes or no. */
function inspectionDraftOf(v: ReturnType<typeof inspectionValues>): InspectionDraft {
  const { day, month, year } = v.inspectedOn;
  return {
    inspectedOn: dateField(
      { "inspectedOn-day": day, "inspectedOn-month": month, "inspectedOn-year": year },
      "inspectedOn",
    ),
    inspectors: v.inspectors,
    evidenceSummary: v.evidenceSummary,
    ratings: v.ratings,
    breach: v.breach === "yes",
    breachDetails: v.breachDetails,
    overall: v.overall,
    departureReason: v.departureReason,
  };
}

/** The correction form's values: the draft as it reads now, and nothing yet said of what was corrected. */
function draftValues(report: Inspection) {
  const [year, month, day] = report.inspected_on.split("-");
  return {
    ...inspectionValues({
      inspectors: report.inspectors,
      evidenceSummary: report.evidence_summary,
      "rating-safe": report.safe,
      "rating-effective": report.effective,
      "rating-caring": report.caring,
      "rating-responsive": report.responsive,
      "rating-well-led": report.well_led,
      breach: report.breach ? "yes" : "no",
      breachDetails: report.breach_details,
      overall: report.departure_reason === null ? "" : report.overall,
      departureReason: report.departure_reason ?? "",
    }),
    inspectedOn: { day: String(Number(day)), month: String(Number(month)), year: year ?? "" },
    corrections: "",
  };
}

function reportUrl({ regulatorId, locationId, inspectionId }: ReportParams): string {
  return `/regulators/${regulatorId}/locations/${locationId}/inspections/${inspectionId}`;
}

/** The report page's context: the location, the report and the forms' values. */
async function reportContext(request: ReportRequest) {
  const { regulatorId, locationId, inspectionId } = request.params;
  const { view, report } = await inspectionReport(ctxOf(request), regulatorId, locationId, inspectionId);
  return { ...view, report, ...PAGE_COMMON, notice: queryText(request, "notice"), values: {} };
}

export function inspectionPages(app: FastifyInstance): void {
  formPage(app, "/regulators/:regulatorId/locations/:locationId/inspections/new", {
    who: regulatorStaffOnRecord("inspect and rate locations for this regulator"),
    template: "regulation/views/inspect.njk",
    context: async (request: LocationRequest) => ({
      ...(await inspectionForm(ctxOf(request), request.params.regulatorId, request.params.locationId)),
      ...PAGE_COMMON,
    }),
    values: () => inspectionValues({}),
    read: (body) => inspectionValues(body),
    submit: async (request: LocationRequest, values) => {
      const { regulatorId, locationId } = request.params;
      const report = await inspectLocation(
        ctxOf(request),
        regulatorId,
        locationId,
        inspectionDraftOf(values),
      );
      return `${reportUrl({ regulatorId, locationId, inspectionId: report.id })}?notice=recorded`;
    },
  });

  formPage(app, "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/correct", {
    who: regulatorStaffOnRecord("correct draft reports for this regulator"),
    template: "regulation/views/inspect.njk",
    context: async (request: ReportRequest) => {
      const { regulatorId, locationId, inspectionId } = request.params;
      const { view, report } = await correctionForm(ctxOf(request), regulatorId, locationId, inspectionId);
      return { ...view, report, correcting: true, ...PAGE_COMMON };
    },
    values: (_request, { report }) => draftValues(report),
    read: (body) => ({ ...inspectionValues(body), corrections: field(body, "corrections") }),
    submit: async (request: ReportRequest, values) => {
      const { regulatorId, locationId, inspectionId } = request.params;
      const draft: CorrectionDraft = { ...inspectionDraftOf(values), corrections: values.corrections };
      await correctDraftReport(ctxOf(request), regulatorId, inspectionId, draft, locationId);
      return `${reportUrl(request.params)}?notice=corrected`;
    },
  });

  app.get(
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId",
    page({ who: anyone }),
    async (request: ReportRequest, reply) => {
      await reply.page(REPORT, await reportContext(request));
    },
  );

  formAction(app, "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/challenges", {
    who: signedIn,
    template: REPORT,
    context: reportContext,
    read: (body) => ({ form: "challenge", point: field(body, "point") }),
    submit: async (request: ReportRequest, values) => {
      const { regulatorId, inspectionId } = request.params;
      await challengeFact(ctxOf(request), regulatorId, inspectionId, values.point);
      return `${reportUrl(request.params)}?notice=challenged`;
    },
  });

  formAction(
    app,
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/challenges/:challengeId/answer",
    {
      who: regulatorStaffOnRecord("answer factual-accuracy challenges for this regulator"),
      template: REPORT,
      context: reportContext,
      read: (body, request) => ({
        form: `answer-${(request.params as { challengeId: string }).challengeId}`,
        outcome: field(body, "outcome"),
        response: field(body, "response"),
      }),
      submit: async (request: FastifyRequest<{ Params: ReportParams & { challengeId: string } }>, values) => {
        const { regulatorId, inspectionId, challengeId } = request.params;
        await answerChallenge(ctxOf(request), regulatorId, inspectionId, challengeId, values);
        return `${reportUrl(request.params)}?notice=${values.outcome === "accepted" ? "accepted" : "answered"}`;
      },
    },
  );

  buttonAction(
    app,
    "/regulators/:regulatorId/locations/:locationId/inspections/:inspectionId/publish",
    { who: regulatorStaffOnRecord("publish inspection reports for this regulator") },
    async (request: ReportRequest) => {
      const { regulatorId, locationId, inspectionId } = request.params;
      await publishReport(ctxOf(request), regulatorId, inspectionId, locationId);
      return `${reportUrl(request.params)}?notice=published`;
    },
  );
}
