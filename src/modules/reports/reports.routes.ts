/**
 * Progress reports (issue 16, item 7): the page for every public body (/reports) and for one
 * (/authorities/:slug/reports), each with a period chooser (a GET form) and a print stylesheet; the
 * same report as a PDF (`.pdf`), and in the JSON API. Public. See docs/reports.md.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { searchPage } from "../../http/forms.ts";
import { anyone, api, page } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ValidationError } from "../../lib/errors.ts";
import { ctxOf } from "../access/context.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { reportPdf } from "./pdf.ts";
import { periodName, reportJson, reportLines } from "./reports.presenters.ts";
import { ReportQuery, ReportResponse, TAGS } from "./reports.schemas.ts";
import { periodsOffered, progressReport } from "./reports.service.ts";

const TEMPLATE = "reports/views/report.njk";

type Language = "en" | "cy";

/** The period as the address gives it (a field given twice, or not at all: none). */
function periodOfQuery(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.period;
  return typeof value === "string" ? value : undefined;
}

const t = (request: FastifyRequest) => (key: string, options?: Record<string, unknown>) =>
  request.t(key, options) as string;

async function reportPage(request: FastifyRequest, reply: FastifyReply, authority: Authority | null) {
  const ctx = ctxOf(request);
  const lang = request.locale as Language;
  const base = authority ? `/authorities/${authority.slug}/reports` : "/reports";
  const typed = periodOfQuery(request);
  const periods = await periodsOffered(ctx);
  const context = (chosen: string | undefined) => ({
    authority,
    action: base,
    periodItems: periods.map((p) => ({
      value: p.code,
      text: periodName(p, t(request), lang),
      selected: p.code === chosen,
    })),
  });
  let report: Awaited<ReturnType<typeof progressReport>>;
  try {
    report = await progressReport(ctx, authority, typed);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    await searchPage(reply, TEMPLATE, { ...context(undefined), lines: null }, error);
    return;
  }
  const query = `?period=${encodeURIComponent(report.period.code)}`;
  await reply.page(TEMPLATE, {
    ...context(report.period.code),
    lines: reportLines(report, t(request), lang),
    pdfHref: `${base}.pdf${query}`,
    jsonHref: `${authority ? `/api/v1/authorities/${authority.id}/reports` : "/api/v1/reports"}${query}`,
    nationalHref: `/reports${query}`,
  });
}

async function reportFile(request: FastifyRequest, reply: FastifyReply, authority: Authority | null) {
  const report = await progressReport(ctxOf(request), authority, periodOfQuery(request));
  const translate = t(request);
  const pdf = await reportPdf(reportLines(report, translate, request.locale as Language), {
    value: translate("reports.table.value"),
    previous: translate("reports.table.previous"),
    change: translate("reports.table.change"),
  });
  const name = `openps-progress-report-${authority ? authority.slug : "every-public-body"}-${report.period.code}.pdf`;
  return reply
    .type("application/pdf")
    .header("content-disposition", `inline; filename="${name}"`)
    .header("cache-control", "no-cache")
    .send(pdf);
}

export async function reportsRoutes(app: FastifyInstance): Promise<void> {
  app.get("/reports", page({ who: anyone }), (request, reply) => reportPage(request, reply, null));
  app.get("/authorities/:slug/reports", page({ who: anyone }), (request, reply) =>
    reportPage(request, reply, request.authority),
  );
  app.get("/reports.pdf", page({ who: anyone }), (request, reply) => reportFile(request, reply, null));
  app.get("/authorities/:slug/reports.pdf", page({ who: anyone }), (request, reply) =>
    reportFile(request, reply, request.authority),
  );

  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const described = {
    tags: TAGS,
    description:
      "The headline figures of a period — tenders published; consultations opened and closed, their responses and “you said, we did” summaries; Right to Challenge expressions of interest and their outcomes; tenders opened and their bids (never a sealed count); awards and the value of contracts by provider sector; mutuals; locations rated inadequate — each with the previous period of the same length and the change, or `comparable: false` when the figures do not cover it. Money in pence, means in hundredths, as digits.",
    querystring: ReportQuery,
    response: { 200: ReportResponse },
  };
  json.get(
    "/api/v1/reports",
    api(
      { who: anyone },
      {
        ...described,
        operationId: "getProgressReport",
        summary: "The progress report of every public body for a period",
      },
    ),
    async (request) => reportJson(await progressReport(ctxOf(request), null, request.query.period)),
  );
  json.get(
    "/api/v1/authorities/:authorityId/reports",
    api(
      { who: anyone },
      {
        ...described,
        operationId: "getAuthorityProgressReport",
        summary: "A public body's progress report for a period",
        params: AuthorityParams,
      },
    ),
    async (request) =>
      reportJson(await progressReport(ctxOf(request), request.authority, request.query.period)),
  );
}
