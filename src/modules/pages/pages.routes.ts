/**
 * The public pages: home, the accessibility statement, privacy notice, cookies, open data (with
 * its CSV downloads), feedback and the API documentation. Pages, not JSON: none of these routes
 * appears in the OpenAPI document.
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import {
  type ApiDescription,
  describeApi,
  homeSummary,
  type OpenApiDocument,
  type OpenDataset,
  openDataCsv,
} from "./pages.service.ts";

const STATIC_PAGES = {
  "/accessibility": "pages/views/accessibility.njk",
  "/privacy": "pages/views/privacy.njk",
  "/cookies": "pages/views/cookies.njk",
  "/feedback": "pages/views/feedback.njk",
  "/open-data": "pages/views/open-data.njk",
} as const;

const DATASETS: readonly OpenDataset[] = ["authorities", "organisations"];

export async function pagesRoutes(app: FastifyInstance): Promise<void> {
  const hide = { schema: { hide: true } };

  app.get("/", hide, async (_request, reply) => {
    await reply.page("pages/views/home.njk", { summary: await homeSummary(app.deps.db) });
  });

  for (const [path, template] of Object.entries(STATIC_PAGES)) {
    app.get(path, hide, async (_request, reply) => {
      await reply.page(template);
    });
  }

  for (const dataset of DATASETS) {
    app.get(`/open-data/${dataset}.csv`, hide, async (_request, reply: FastifyReply) => {
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="openps-${dataset}.csv"`)
        .header("cache-control", "no-cache")
        .send(Readable.from(openDataCsv(app.deps.db, dataset)));
    });
  }

  // The document is complete once the app is ready, and does not change while it runs.
  let api: ApiDescription | undefined;
  app.get("/api/docs", hide, async (_request, reply) => {
    api ??= describeApi(app.swagger() as OpenApiDocument);
    await reply.page("pages/views/api-docs.njk", { api });
  });
}
