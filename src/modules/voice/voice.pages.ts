/**
 * The consumer champions' pages: the index of verified champions with their areas, a champion's page,
 * the public list of their reports (by champion and area, a page at a time by key) and a report's
 * page; for a champion's people, the areas it covers and writing, publishing, correcting and
 * withdrawing its reports. Each route states who may call it and calls one service.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formAction, formPage, searchPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { filesOf } from "../../http/uploads.ts";
import { ValidationError } from "../../lib/errors.ts";
import { ctxOf } from "../access/context.ts";
import { areaHeadlines, HEADLINE_AREAS } from "./champion-figures.service.ts";
import {
  addChampionArea,
  areasForm,
  championPage,
  championsIndex,
  removeChampionArea,
} from "./champions.service.ts";
import {
  correctReport,
  editDraft,
  listReports,
  publishReport,
  reportFilterChoices,
  reportForm,
  reportView,
  withdrawReport,
  writeReport,
} from "./reports.service.ts";
import { voiceCtxOf } from "./voice.context.ts";
import { championStaff, championStaffOnReport } from "./voice.policies.ts";

type ChampionRequest = FastifyRequest<{ Params: { championId: string } }>;
type ReportRequest = FastifyRequest<{ Params: { championId: string; reportId: string } }>;

const AREAS = "voice/views/areas.njk";
const REPORT_FORM = "voice/views/report-form.njk";
const REPORT = "voice/views/report.njk";

/** One value of the query string, trimmed ("" when absent). */
function queryText(request: FastifyRequest, name: string): string {
  const v = ((request.query ?? {}) as Record<string, unknown>)[name];
  return typeof v === "string" ? v.trim() : "";
}

function reportValues(body: unknown) {
  return {
    title: field(body, "title"),
    summary: field(body, "summary"),
    body: field(body, "body"),
    areaCode: field(body, "areaCode"),
    serviceType: field(body, "serviceType"),
    note: field(body, "note"),
  };
}

export function voicePages(app: FastifyInstance): void {
  app.get("/champions", page({ who: anyone }), async (request, reply) => {
    await reply.page("voice/views/champions.njk", { champions: await championsIndex(ctxOf(request)) });
  });

  app.get("/champions/reports", page({ who: anyone }), async (request, reply) => {
    const filter = { champion: queryText(request, "champion"), area: queryText(request, "area") };
    const ctx = ctxOf(request);
    const choices = await reportFilterChoices(ctx);
    let found: Awaited<ReturnType<typeof listReports>> | undefined;
    let refusal: ValidationError | undefined;
    try {
      found = await listReports(ctx, {
        ...filter,
        after: queryText(request, "after") || undefined,
        before: queryText(request, "before") || undefined,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      refusal = error;
    }
    const href = (key: { after?: string; before?: string }) => {
      const search = new URLSearchParams(Object.entries({ ...filter, ...key }).filter(([, v]) => v));
      return `/champions/reports?${search.toString()}`;
    };
    const pagination =
      found && (found.previous || found.next)
        ? {
            previous: found.previous ? { href: href({ before: found.previous }) } : undefined,
            next: found.next ? { href: href({ after: found.next }) } : undefined,
          }
        : undefined;
    const areaNames = new Map(choices.areas.map((a) => [a.code, a.name]));
    await searchPage(
      reply,
      "voice/views/reports.njk",
      {
        filter,
        ...choices,
        reports: (found?.reports ?? []).map((r) => ({
          report: r,
          champion: found?.champions.get(r.champion_id),
          areaName: areaNames.get(r.area_code) ?? r.area_code,
        })),
        total: found?.total ?? { count: 0, atLeast: false },
        pagination,
      },
      refusal,
    );
  });

  app.get("/champions/:championId", page({ who: anyone }), async (request: ChampionRequest, reply) => {
    const view = await championPage(ctxOf(request), request.params.championId);
    const headlines = view.isStaff ? await areaHeadlines(ctxOf(request), view.areas) : undefined;
    await reply.page("voice/views/champion.njk", {
      ...view,
      areaHeadlines: headlines?.headlines ?? [],
      areaHeadlinesMore: headlines?.more ?? false,
      headlineAreas: HEADLINE_AREAS,
      query: request.query,
    });
  });

  // The areas a champion covers: add one (the form), remove one (a button beside each).
  const areasWho = championStaff("change the areas this champion covers");
  formPage(app, "/champions/:championId/areas", {
    who: areasWho,
    template: AREAS,
    context: async (request: ChampionRequest) => ({
      ...(await areasForm(ctxOf(request), request.params.championId)),
    }),
    read: (body) => ({ areaCode: field(body, "areaCode") }),
    submit: async (request: ChampionRequest, { areaCode }) => {
      await addChampionArea(ctxOf(request), request.params.championId, areaCode);
      return `/champions/${request.params.championId}/areas`;
    },
  });
  formAction(app, "/champions/:championId/areas/remove", {
    who: areasWho,
    template: AREAS,
    context: async (request: ChampionRequest) => ({
      ...(await areasForm(ctxOf(request), request.params.championId)),
    }),
    read: (body) => ({ removing: field(body, "areaCode") }),
    submit: async (request: ChampionRequest, { removing }) => {
      await removeChampionArea(ctxOf(request), request.params.championId, removing);
      return `/champions/${request.params.championId}/areas`;
    },
  });

  // Writing a report: a draft first.
  formPage(app, "/champions/:championId/reports/new", {
    who: championStaff("write this champion's reports"),
    uploads: true,
    template: REPORT_FORM,
    context: (request: ChampionRequest) => reportForm(ctxOf(request), request.params.championId),
    read: reportValues,
    // The document's errors point at its one input.
    fieldOf: (f) => (f?.startsWith("document") ? "document" : f),
    submit: async (request: ChampionRequest, values) => {
      const file = filesOf(request.body, "document")[0];
      const report = await writeReport(
        voiceCtxOf(request),
        request.params.championId,
        values,
        file ? { filename: file.filename, content: file } : null,
      );
      return `/champions/${report.champion_id}/reports/${report.id}`;
    },
  });

  app.get(
    "/champions/:championId/reports/:reportId",
    page({ who: anyone }),
    async (request: ReportRequest, reply) => {
      const view = await reportView(ctxOf(request), request.params.championId, request.params.reportId);
      await reply.page(REPORT, { ...view, values: {} });
    },
  );

  // A draft is changed; a published report is corrected (a new version with its note).
  formPage(app, "/champions/:championId/reports/:reportId/edit", {
    who: championStaffOnReport("change this champion's reports"),
    template: REPORT_FORM,
    context: (request: ReportRequest) =>
      reportForm(ctxOf(request), request.params.championId, request.params.reportId),
    // A withdrawn report is corrected no more: its page says so.
    redirect: (request: ReportRequest, { report }) =>
      report?.state === "withdrawn"
        ? `/champions/${request.params.championId}/reports/${request.params.reportId}`
        : undefined,
    values: (_request, { report }) => ({
      title: report?.title ?? "",
      summary: report?.summary ?? "",
      body: report?.body ?? "",
      areaCode: report?.area_code ?? "",
      serviceType: report?.category_code ?? "",
      note: "",
    }),
    read: reportValues,
    submit: async (request: ReportRequest, values, { report }) => {
      const { championId, reportId } = request.params;
      if (report?.state === "draft") await editDraft(ctxOf(request), championId, reportId, values);
      else await correctReport(ctxOf(request), championId, reportId, values);
      return `/champions/${championId}/reports/${reportId}`;
    },
  });

  buttonAction(
    app,
    "/champions/:championId/reports/:reportId/publish",
    { who: championStaffOnReport("publish this champion's reports") },
    async (request: ReportRequest) => {
      const { championId, reportId } = request.params;
      await publishReport(ctxOf(request), championId, reportId);
      return `/champions/${championId}/reports/${reportId}?published=1`;
    },
  );

  formAction(app, "/champions/:championId/reports/:reportId/withdraw", {
    who: championStaffOnReport("withdraw this champion's reports"),
    template: REPORT,
    context: async (request: ReportRequest) => ({
      ...(await reportView(ctxOf(request), request.params.championId, request.params.reportId)),
    }),
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request: ReportRequest, { reason }) => {
      const { championId, reportId } = request.params;
      await withdrawReport(ctxOf(request), championId, reportId, reason);
      return `/champions/${championId}/reports/${reportId}`;
    },
  });
}
