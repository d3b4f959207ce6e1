/**
 * Consumer champions (issue 17, item 9): the module's pages (voice.pages.ts) and its JSON API — the
 * verified champions with the areas they cover, their published reports, one report with its
 * versions, and the champions' writes (a draft, publishing, a correction, withdrawing; scope
 * `champions:write`). Each route states who may call it and calls one service.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { appointmentRoutes } from "./appointments.routes.ts";
import { championFiguresRoutes } from "./champion-figures.routes.ts";
import { type Champion, champion, championsIndex } from "./champions.service.ts";
import { feedbackRoutes } from "./feedback.routes.ts";
import {
  correctReport,
  listReports,
  publishReport,
  reportDocument,
  reportView,
  withdrawReport,
  writeReport,
} from "./reports.service.ts";
import { voiceCtxOf } from "./voice.context.ts";
import { voicePages } from "./voice.pages.ts";
import { championStaff, championStaffOnReport } from "./voice.policies.ts";
import {
  ChampionParams,
  ChampionReportParams,
  ChampionResponse,
  ChampionsResponse,
  CorrectionBody,
  ReportBody,
  ReportResponse,
  ReportsQuery,
  ReportsResponse,
  WithdrawBody,
} from "./voice.schemas.ts";
import type { ChampionReport, ChampionReportVersion } from "./voice.table.ts";

const tags: ["champions"] = ["champions"];

function championToApi({ body, areas }: Champion) {
  return {
    id: body.id,
    name: body.name,
    welshName: body.welsh_name,
    slug: body.slug,
    website: body.website,
    areas,
    pageUrl: `/champions/${body.id}`,
  };
}

function reportToApi(r: ChampionReport) {
  return {
    id: r.id,
    championId: r.champion_id,
    title: r.title,
    summary: r.summary,
    areaCode: r.area_code,
    serviceType: r.category_code,
    state: r.state,
    version: r.version,
    publishedAt: r.published_at?.toISOString() ?? null,
    updatedAt: r.updated_at.toISOString(),
    withdrawnAt: r.withdrawn_at?.toISOString() ?? null,
    withdrawalReason: r.withdrawal_reason,
    pageUrl: `/champions/${r.champion_id}/reports/${r.id}`,
    document:
      r.document_filename && r.document_media_type && r.document_size
        ? {
            filename: r.document_filename,
            mediaType: r.document_media_type,
            size: r.document_size,
            url: `/api/v1/champions/${r.champion_id}/reports/${r.id}/document`,
          }
        : null,
  };
}

function fullReport(r: ChampionReport, versions: readonly ChampionReportVersion[]) {
  return {
    ...reportToApi(r),
    body: r.body,
    versions: versions.map((v) => ({
      version: v.version,
      title: v.title,
      summary: v.summary,
      body: v.body,
      note: v.note,
      publishedAt: v.published_at.toISOString(),
    })),
  };
}

export async function voiceRoutes(app: FastifyInstance): Promise<void> {
  voicePages(app);
  appointmentRoutes(app);
  feedbackRoutes(app);
  championFiguresRoutes(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/champions",
    api(
      { who: anyone },
      {
        operationId: "listChampions",
        tags,
        summary: "Consumer champions and the areas they cover",
        description: "Every verified consumer champion, by name, with the areas it covers.",
        response: { 200: ChampionsResponse },
      },
    ),
    async (request) => ({ champions: (await championsIndex(ctxOf(request))).map(championToApi) }),
  );

  json.get(
    "/api/v1/champions/:championId",
    api(
      { who: anyone },
      {
        operationId: "getChampion",
        tags,
        summary: "A consumer champion and the areas it covers",
        params: ChampionParams,
        response: { 200: ChampionResponse },
      },
    ),
    async (request) => championToApi(await champion(ctxOf(request), request.params.championId)),
  );

  json.get(
    "/api/v1/champion-reports",
    api(
      { who: anyone },
      {
        operationId: "listChampionReports",
        tags,
        summary: "Consumer champions' published reports",
        description:
          "Published reports, newest first, by champion and by the area they are about, a page at a time: follow `next` and `previous`.",
        querystring: ReportsQuery,
        response: { 200: ReportsResponse },
      },
    ),
    async (request) => {
      const found = await listReports(ctxOf(request), request.query);
      return {
        reports: found.reports.map(reportToApi),
        total: found.total.count,
        totalIsAtLeast: found.total.atLeast,
        next: found.next,
        previous: found.previous,
      };
    },
  );

  json.get(
    "/api/v1/champions/:championId/reports/:reportId",
    api(
      { who: anyone },
      {
        operationId: "getChampionReport",
        tags,
        summary: "A consumer champion's report with every published version",
        description: "Published and withdrawn reports for anyone; a draft only for the champion's people.",
        params: ChampionReportParams,
        response: { 200: ReportResponse },
      },
    ),
    async (request) => {
      const view = await reportView(ctxOf(request), request.params.championId, request.params.reportId);
      return fullReport(view.report, view.versions);
    },
  );

  json.get(
    "/api/v1/champions/:championId/reports/:reportId/document",
    api(
      { who: anyone },
      {
        operationId: "getChampionReportDocument",
        tags,
        summary: "A consumer champion's report's attached document",
        description: "Seen by whoever may see the report; 404 when it has none.",
        params: ChampionReportParams,
        response: { 200: { type: "string", format: "binary", description: "The document" } },
      },
    ),
    async (request, reply) => {
      const { championId, reportId } = request.params;
      const { filename, mediaType, bytes } = await reportDocument(voiceCtxOf(request), championId, reportId);
      return reply
        .header("content-type", mediaType)
        .header("content-disposition", `attachment; filename="${filename.replace(/[^\w.-]+/g, "_")}"`)
        .send(Buffer.from(bytes));
    },
  );

  json.post(
    "/api/v1/champions/:championId/reports",
    api(
      { who: championStaff("write this champion's reports"), scope: "champions:write" },
      {
        operationId: "writeChampionReport",
        tags,
        summary: "Write a report as a draft",
        description:
          "A draft, seen only by the champion's people until it is published, with a document attached if one is sent.",
        params: ChampionParams,
        body: ReportBody,
        response: { 201: ReportResponse },
      },
    ),
    async (request, reply) => {
      const report = await writeReport(
        voiceCtxOf(request),
        request.params.championId,
        request.body,
        request.body.document ?? null,
      );
      return reply
        .status(201)
        .header("location", `/api/v1/champions/${report.champion_id}/reports/${report.id}`)
        .send(fullReport(report, []));
    },
  );

  json.post(
    "/api/v1/champions/:championId/reports/:reportId/publish",
    api(
      { who: championStaffOnReport("publish this champion's reports"), scope: "champions:write" },
      {
        operationId: "publishChampionReport",
        tags,
        summary: "Publish a draft report",
        description:
          "Public from then on and never changed: a correction is a new version. 409 once published.",
        params: ChampionReportParams,
        body: "none",
        response: { 200: ReportResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { championId, reportId } = request.params;
      await publishReport(ctxOf(request), championId, reportId);
      const view = await reportView(ctxOf(request), championId, reportId);
      return fullReport(view.report, view.versions);
    },
  );

  json.post(
    "/api/v1/champions/:championId/reports/:reportId/corrections",
    api(
      { who: championStaffOnReport("correct this champion's reports"), scope: "champions:write" },
      {
        operationId: "correctChampionReport",
        tags,
        summary: "Publish a correction of a report",
        description:
          "A new version with its note; every earlier version is kept as it was published. 409 for a draft or a withdrawn report.",
        params: ChampionReportParams,
        body: CorrectionBody,
        response: { 201: ReportResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { championId, reportId } = request.params;
      await correctReport(ctxOf(request), championId, reportId, request.body);
      const view = await reportView(ctxOf(request), championId, reportId);
      return reply.status(201).send(fullReport(view.report, view.versions));
    },
  );

  json.post(
    "/api/v1/champions/:championId/reports/:reportId/withdraw",
    api(
      { who: championStaffOnReport("withdraw this champion's reports"), scope: "champions:write" },
      {
        operationId: "withdrawChampionReport",
        tags,
        summary: "Withdraw a published report, with the reason",
        description:
          "Its page stays, saying it was withdrawn and why. 409 for a draft or a report already withdrawn.",
        params: ChampionReportParams,
        body: WithdrawBody,
        response: { 200: ReportResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { championId, reportId } = request.params;
      await withdrawReport(ctxOf(request), championId, reportId, request.body.reason);
      const view = await reportView(ctxOf(request), championId, reportId);
      return fullReport(view.report, view.versions);
    },
  );
}
